/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs-buf.h - the growing buffer the mount builds file contents and symlink
 * targets in (fs-buf.c).
 */
#ifndef SWAPFS_FUSE_FS_BUF_H
#define SWAPFS_FUSE_FS_BUF_H

#include <stddef.h>

/*
 * Appends never fail visibly: the first allocation failure sets err
 * (-ENOMEM), later appends are dropped, and whoever returns the content
 * returns err. Small contents (nearly all) stay in the inline space, so
 * measuring a file for getattr allocates nothing.
 */
#define FS_BUF_INLINE	2048
struct fs_buf {
	char *data;
	size_t len, cap;
	int err;
	char space[FS_BUF_INLINE];
};

/* fs_buf_init - an empty buffer using its inline space. */
void fs_buf_init(struct fs_buf *b);

/* fs_buf_free - release what the buffer allocated; it is empty again. */
void fs_buf_free(struct fs_buf *b);

/* fs_buf_add - append @n bytes. */
void fs_buf_add(struct fs_buf *b, const void *p, size_t n);

/* fs_buf_printf - append formatted text. */
void fs_buf_printf(struct fs_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * fs_buf_room - @n writable bytes at the end (commit them by adding to
 * len), or NULL with err set.
 */
char *fs_buf_room(struct fs_buf *b, size_t n);

/*
 * fs_buf_detach - the content as a malloc'ed block of exactly its length
 * (at least one byte), which the caller frees; NULL when out of memory.
 * The buffer is left to be freed as usual.
 */
char *fs_buf_detach(struct fs_buf *b);

#endif /* SWAPFS_FUSE_FS_BUF_H */
