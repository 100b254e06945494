/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs-file.h - the mount's open files (fs-file.c): what open() generated,
 * or a cursor for a file read in place; and reads without an open.
 */
#ifndef SWAPFS_FUSE_FS_FILE_H
#define SWAPFS_FUSE_FS_FILE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs-kind.h"

/* An open file: its content as of open(), or a cursor into it. */
struct fs_file {
	const struct fs_kind *kind;
	uint64_t index;
	struct fs *area;	/* the state its kind reads: fs, or an area's (fs_area()) */
	char *data;		/* NULL for a file read in place */
	size_t len;
	void *cursor;		/* kind->read()'s */
	/*
	 * The kernel may send reads of one open file at once (readahead,
	 * async reads), and the cursor is one position.
	 */
	pthread_mutex_t cursor_lock;
	bool streamed;
	bool written;		/* a write was accepted: save when it is closed */
	/*
	 * The open and each read in progress. The kernel may send RELEASE as
	 * soon as it has a read's reply, while the thread that sent it is
	 * still returning from writev(): the last one out frees.
	 */
	unsigned int refs;
	struct fs_file *prev, *next;	/* fs->files */
	struct fs *fs;
};

/*
 * fs_file_open - open node @ino with open(2)'s @flags: on a read-write
 * mount, or for a kind without read(), its content is generated now; on
 * a read-only mount a kind with read() is read in place. Takes fs->lock
 * for reading. The file holds one reference and is on fs->files.
 * Returns 0, -ENOENT, -EISDIR, -EINVAL (not a file), -EROFS, -EACCES,
 * -ENOMEM or the content's -errno.
 */
int fs_file_open(struct fs *fs, fuse_ino_t ino, int flags, struct fs_file **out);

/* fs_file_get - the open file of handle @fh, with one more reference. */
struct fs_file *fs_file_get(uint64_t fh);

/* fs_file_put - drop a reference; the last one frees the file. */
void fs_file_put(struct fs_file *f);

/* fs_file_of - the open file of handle @fh (NULL: opened without asking). */
struct fs_file *fs_file_of(uint64_t fh);

/* fs_file_free - take the file off fs->files and free it, references or not. */
void fs_file_free(struct fs_file *f);

/*
 * fs_file_read - @size bytes from @off of a file read in place
 * (f->streamed) into @b, from its cursor. Takes the cursor's lock, then
 * fs->lock for reading. Returns 0 or -errno.
 */
int fs_file_read(struct fs *fs, struct fs_file *f, uint64_t off, size_t size,
		 struct fs_buf *b);

/*
 * fs_file_read_unopened - a read of node @ino the kernel did not open
 * (read-only mounts, fs_op_init()): the content from @off into @b (the
 * caller sends at most @size bytes of it). Takes fs->lock for reading.
 * Returns 0, -EIO (not a file) or the content's -errno.
 */
int fs_file_read_unopened(struct fs *fs, fuse_ino_t ino, uint64_t off,
			  size_t size, struct fs_buf *b);

#endif /* SWAPFS_FUSE_FS_FILE_H */
