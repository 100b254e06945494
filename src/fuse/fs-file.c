// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs-file.c - the mount's open files. On a read-write mount a file's
 * content is generated at open() into a buffer the open file holds, so
 * one sequence of reads sees one state. On a read-only mount nothing
 * changes: a file whose kind reads in place (findings, O(device)) keeps
 * only a cursor, and the kernel may read without opening at all
 * (fs_op_init()), each read generating what it covers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fs-file.h"
#include "fs-node.h"

static void fs_file_link(struct fs *fs, struct fs_file *f)
{
	f->fs = fs;
	pthread_mutex_lock(&fs->files_lock);
	f->next = fs->files;
	if (f->next)
		f->next->prev = f;
	fs->files = f;
	pthread_mutex_unlock(&fs->files_lock);
}

void fs_file_free(struct fs_file *f)
{
	if (f->fs) {
		pthread_mutex_lock(&f->fs->files_lock);
		if (f->prev)
			f->prev->next = f->next;
		else
			f->fs->files = f->next;
		if (f->next)
			f->next->prev = f->prev;
		pthread_mutex_unlock(&f->fs->files_lock);
	}
	if (f->streamed) {
		if (f->cursor)
			f->kind->release_cursor(f->cursor);
		pthread_mutex_destroy(&f->cursor_lock);
	}
	free(f->data);
	free(f);
}

struct fs_file *fs_file_of(uint64_t fh)
{
	return (struct fs_file *)(uintptr_t)fh;
}

struct fs_file *fs_file_get(uint64_t fh)
{
	struct fs_file *f = fs_file_of(fh);

	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

void fs_file_put(struct fs_file *f)
{
	if (!__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		fs_file_free(f);
}

/* Whether the node may be opened with @flags. */
static int fs_file_allowed(const struct fs *fs, const struct fs_node *node,
			   int flags)
{
	if (node->type == FS_DIR)
		return -EISDIR;
	if (node->type != FS_FILE)
		return -EINVAL;
	if ((flags & O_ACCMODE) == O_RDONLY)
		return 0;
	if (!fs->rw)
		return -EROFS;
	return node->writable ? 0 : -EACCES;
}

/* What open() keeps of node @ino: its content, or a cursor. Read lock held. */
static int fs_file_fill(struct fs *fs, fuse_ino_t ino, int flags,
			struct fs_file *f)
{
	struct fs_node node;
	struct fs_buf b;
	int rc;

	f->kind = fs_node_kind(ino);
	f->index = fs_ino_index(ino);
	rc = fs_node_find(fs, ino, &node) ?: fs_file_allowed(fs, &node, flags);
	if (rc)
		return rc;
	f->area = fs_area(fs, ino);	/* its kind reads the area's state */
	if (!fs_state_changing(fs) && f->kind->read) {
		f->streamed = true;
		return -pthread_mutex_init(&f->cursor_lock, NULL);
	}
	fs_buf_init(&b);
	rc = f->kind->content(f->area, f->index, &b) ?: b.err;
	if (!rc) {
		f->len = b.len;
		f->data = fs_buf_detach(&b);
		if (!f->data)
			rc = -ENOMEM;
	}
	fs_buf_free(&b);
	return rc;
}

int fs_file_open(struct fs *fs, fuse_ino_t ino, int flags, struct fs_file **out)
{
	struct fs_file *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return -ENOMEM;
	pthread_rwlock_rdlock(&fs->lock);
	rc = fs_file_fill(fs, ino, flags, f);
	pthread_rwlock_unlock(&fs->lock);
	if (rc) {
		free(f->data);	/* a failed open has no cursor lock */
		free(f);
		return rc;
	}
	f->refs = 1;
	fs_file_link(fs, f);
	*out = f;
	return 0;
}

int fs_file_read(struct fs *fs, struct fs_file *f, uint64_t off, size_t size,
		 struct fs_buf *b)
{
	int rc;

	pthread_mutex_lock(&f->cursor_lock);
	pthread_rwlock_rdlock(&fs->lock);
	rc = f->kind->read(f->area, f->index, &f->cursor, off, size, b);
	pthread_rwlock_unlock(&fs->lock);
	pthread_mutex_unlock(&f->cursor_lock);
	return rc ?: b->err;
}

/* The content from @off on, generated whole (small files). */
static int fs_file_tail(struct fs *fs, const struct fs_kind *k, uint64_t index,
			uint64_t off, struct fs_buf *b)
{
	int rc = k->content(fs, index, b) ?: b->err;

	if (rc)
		return rc;
	if (off >= b->len) {
		b->len = 0;
	} else {
		memmove(b->data, b->data + off, b->len - off);
		b->len -= off;
	}
	return 0;
}

int fs_file_read_unopened(struct fs *fs, fuse_ino_t ino, uint64_t off,
			  size_t size, struct fs_buf *b)
{
	const struct fs_kind *k = fs_node_kind(ino);
	uint64_t index = fs_ino_index(ino);
	struct fs *area = fs_area(fs, ino);
	void *cursor = NULL;
	int rc;

	if (!k || !k->content || !area)
		return -EIO;
	pthread_rwlock_rdlock(&fs->lock);
	if (k->read) {
		rc = k->read(area, index, &cursor, off, size, b);
		if (cursor)
			k->release_cursor(cursor);
	} else {
		rc = fs_file_tail(area, k, index, off, b);
	}
	pthread_rwlock_unlock(&fs->lock);
	return rc;
}
