// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * durable.c - whole, synced, atomic writes (see durable.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <swapfs/durable.h>

int durable_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

int durable_pread(int fd, void *buf, size_t len, off_t off, size_t *got)
{
	char *p = buf;
	ssize_t n;

	*got = 0;
	while (*got < len) {
		n = pread(fd, p + *got, len - *got, off + *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*got += n;
	}
	return 0;
}

int durable_close(int fd)
{
	int rc = 0;

	if (fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

int durable_sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fsync(fd) ? -errno : 0;
	close(fd);
	return rc;
}

/* The temporary beside @path is renamed onto it with @flags (renameat2). */
static int durable_write_as(const char *path, const void *data, size_t len,
			    mode_t mode, unsigned int flags)
{
	char tmp[PATH_MAX];
	int fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fchmod(fd, mode) ? -errno : 0;
	if (!rc)
		rc = durable_pwrite(fd, data, len, 0);
	if (!rc)
		rc = durable_close(fd);
	else
		close(fd);
	if (!rc && renameat2(AT_FDCWD, tmp, AT_FDCWD, path, flags))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	return durable_sync_dir(path);
}

int durable_write_file(const char *path, const void *data, size_t len,
		       mode_t mode)
{
	return durable_write_as(path, data, len, mode, 0);
}

int durable_create_file(const char *path, const void *data, size_t len,
			mode_t mode)
{
	return durable_write_as(path, data, len, mode, RENAME_NOREPLACE);
}
