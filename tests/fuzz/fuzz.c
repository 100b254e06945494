// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz.c - the scratch directory and file writing the harnesses share.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char fuzz_dir[64];

static int fuzz_rm(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	return remove(path);
}

static void fuzz_cleanup(void)
{
	nftw(fuzz_dir, fuzz_rm, 8, FTW_DEPTH | FTW_PHYS);
}

void fuzz_scratch(const char *name, char *buf, size_t len)
{
	if (!fuzz_dir[0]) {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/dev/shm/swapfs-fuzz-XXXXXX");
		if (!mkdtemp(fuzz_dir)) {
			snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/swapfs-fuzz-XXXXXX");
			if (!mkdtemp(fuzz_dir)) {
				perror("fuzz: mkdtemp");
				abort();
			}
		}
		atexit(fuzz_cleanup);
	}
	snprintf(buf, len, "%s/%s", fuzz_dir, name);
}

void fuzz_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *p = data;
	ssize_t n;

	if (fd < 0) {
		perror(path);
		abort();
	}
	while (len) {
		n = write(fd, p, len);
		if (n <= 0) {
			perror(path);
			abort();
		}
		p += n;
		len -= (size_t)n;
	}
	close(fd);
}
