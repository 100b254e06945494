// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-dump.c - the dump directory loader on any files, then the analysis
 * of what it accepted. The input is the files of one dump, each after a
 * line "@@ NAME" (NAME one of the dump's file names; the last one runs to
 * the end of the input; anything before the first header is ignored):
 *
 *	@@ info
 *	format: swapfs-dump 1
 *	...
 *	@@ swap_map
 *	<bytes>
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <swapfs/analysis.h>
#include <swapfs/dump.h>

#include "fuzz.h"

static const char *const fuzz_dump_files[] = {
	"info", "clusters", "swap_map", "swap_table", "cache", "continued",
	"zeromap", "zswap", "orders", "next",
};
#define FUZZ_DUMP_NR_FILES	(sizeof(fuzz_dump_files) / sizeof(fuzz_dump_files[0]))

/* The index of the file a "@@ NAME\n" line at @p names, or -1. */
static int fuzz_dump_header(const uint8_t *p, size_t left, size_t *hdr_len)
{
	size_t i, n;

	if (left < 4 || memcmp(p, "@@ ", 3))
		return -1;
	for (i = 0; i < FUZZ_DUMP_NR_FILES; i++) {
		n = strlen(fuzz_dump_files[i]);
		if (left >= 4 + n && !memcmp(p + 3, fuzz_dump_files[i], n) &&
		    p[3 + n] == '\n') {
			*hdr_len = 4 + n;
			return (int)i;
		}
	}
	return -1;
}

/* Find the next header at a line start, from @i; the size if none. */
static size_t fuzz_dump_next(const uint8_t *data, size_t size, size_t i)
{
	size_t h;

	for (; i < size; i++)
		if ((i == 0 || data[i - 1] == '\n') &&
		    fuzz_dump_header(data + i, size - i, &h) >= 0)
			return i;
	return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[256], path[512];
	struct snapshot *s = NULL;
	struct analysis *a = NULL;
	size_t i, h, end, body;
	struct diag d = { 0 };
	int f, rc;

	fuzz_scratch("dump", dir, sizeof(dir));
	for (f = 0; f < (int)FUZZ_DUMP_NR_FILES; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, fuzz_dump_files[f]);
		unlink(path);
	}
	rmdir(dir);
	if (mkdir(dir, 0700))
		abort();
	for (i = fuzz_dump_next(data, size, 0); i < size; i = end) {
		f = fuzz_dump_header(data + i, size - i, &h);
		body = i + h;
		end = fuzz_dump_next(data, size, body);
		/* the newline before the next header belongs to it */
		snprintf(path, sizeof(path), "%s/%s", dir, fuzz_dump_files[f]);
		fuzz_write(path, data + body,
			   end - body - (end < size && end > body ? 1 : 0));
	}
	rc = dump_load(dir, &s, &d);
	if (!rc) {
		if (analysis_run(s, ANALYSIS_ALL_CHECKS, NULL, NULL, &a) == 0)
			analysis_free(a);
		snapshot_free(s);
	} else if (rc == -EINVAL && !d.msg[0]) {
		abort();	/* every rejection must say why */
	}
	return 0;
}
