/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * durable.h - writes that survive a crash: whole, synced, never torn.
 *
 * Every write swapfs makes to a user's file goes through here, so the rule
 * "a crash leaves the old or the new state, never a mix" has one home.
 */
#ifndef SWAPFS_DURABLE_H
#define SWAPFS_DURABLE_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_MODEL)
#error "swapfs/durable.h belongs to the model: a lower layer may not use it (src/README.md)"
#endif

#include <stddef.h>
#include <sys/types.h>

/*
 * durable_write_file - replace @path with @len bytes of @data, atomically.
 * Writes a temporary file beside it, fsyncs it, renames it over @path and
 * fsyncs the directory, so readers see the old file or the new one.
 * Returns 0 or -errno; on error @path is untouched and no temporary is left.
 */
int durable_write_file(const char *path, const void *data, size_t len,
		       mode_t mode);

/*
 * durable_create_file - durable_write_file() for a @path that must not
 * exist: the rename does not replace (RENAME_NOREPLACE), so a file that
 * appears meanwhile is kept and -EEXIST returned.
 */
int durable_create_file(const char *path, const void *data, size_t len,
			mode_t mode);

/*
 * durable_sync_dir - fsync the directory that holds @path, so a rename or
 * creation in it survives a crash. Returns 0 or -errno.
 */
int durable_sync_dir(const char *path);

/* durable_pwrite - write all of @buf at @off (retrying short writes). */
int durable_pwrite(int fd, const void *buf, size_t len, off_t off);

/*
 * durable_pread - read up to @len bytes at @off, stopping only at EOF.
 * @got receives the count. Returns 0 or -errno.
 */
int durable_pread(int fd, void *buf, size_t len, off_t off, size_t *got);

/*
 * durable_close - fsync and close @fd, reporting either failure: a swap
 * header that is not on disk makes a later swapon fail, so an unsynced
 * write is a failed write. Returns 0 or -errno.
 */
int durable_close(int fd);

#endif /* SWAPFS_DURABLE_H */
