// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs.c - the swapfs FUSE tree's core: the low-level operations, dispatched
 * by the kind of the inode (fs.h) to the file that serves its directory;
 * the lock around the model; the session from mount to unmount.
 *
 * Consistency: getattr gives a file's exact size (the kernel clamps reads
 * to it). On a read-write mount a file's content is generated at open()
 * into a buffer held by the open file, so one sequence of reads sees one
 * state; timeouts are 0 and files are direct_io, so each read and each
 * stat reaches the daemon and sees the latest edit. On a read-only mount
 * nothing ever changes: the kernel may cache everything for a day
 * (entries, attributes, pages, listings), opens cost no request (see
 * fs_op_init()), and a read generates what it covers. The findings files,
 * whose size is O(device), are then read in place (findings.c), never
 * built whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <unistd.h>

#include "fs.h"

/* ---- buffers --------------------------------------------------------- */

void fs_buf_init(struct fs_buf *b)
{
	b->data = b->space;
	b->len = 0;
	b->cap = sizeof(b->space);
	b->err = 0;
}

void fs_buf_free(struct fs_buf *b)
{
	if (b->data != b->space)
		free(b->data);
	fs_buf_init(b);
}

char *fs_buf_room(struct fs_buf *b, size_t n)
{
	size_t cap = b->cap;
	char *p;

	if (b->err)
		return NULL;
	if (b->len + n <= b->cap)
		return b->data + b->len;
	while (cap < b->len + n)
		cap *= 2;
	p = b->data == b->space ? malloc(cap) : realloc(b->data, cap);
	if (!p) {
		b->err = -ENOMEM;
		return NULL;
	}
	if (b->data == b->space)
		memcpy(p, b->space, b->len);
	b->data = p;
	b->cap = cap;
	return b->data + b->len;
}

void fs_buf_add(struct fs_buf *b, const void *p, size_t n)
{
	char *dst = fs_buf_room(b, n);

	if (dst) {
		memcpy(dst, p, n);
		b->len += n;
	}
}

void fs_buf_printf(struct fs_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *dst;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->err ? 0 : b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || b->err)
		return;
	if ((size_t)n >= b->cap - b->len) {
		dst = fs_buf_room(b, (size_t)n + 1);
		if (!dst)
			return;
		va_start(ap, fmt);
		vsnprintf(dst, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* The content as a malloc'ed block of exactly its length (for an open file). */
static char *fs_buf_detach(struct fs_buf *b)
{
	char *p;

	if (b->data != b->space) {
		p = b->data;
		fs_buf_init(b);
		return p;
	}
	p = malloc(b->len ? b->len : 1);
	if (p)
		memcpy(p, b->data, b->len);
	return p;
}

/* ---- helpers the directory files share ------------------------------- */

int fs_parse_index(const char *name, uint64_t limit, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!*name || (name[0] == '0' && name[1]))
		return -ENOENT;
	for (p = name; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -ENOENT;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v >= limit)
		return -ENOENT;
	*out = v;
	return 0;
}

int fs_value(const char *buf, size_t len, char *out, size_t size)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= size || memchr(buf, '\0', len))
		return -EINVAL;
	memcpy(out, buf, len);
	out[len] = '\0';
	return 0;
}

/* ---- dispatch --------------------------------------------------------- */

static const struct fs_ops *const fs_kinds[FS_NR_KINDS] = {
	[FS_KIND_ROOT] = &root_dir_ops,
	[FS_KIND_ROOT_FILE] = &root_file_ops,
	[FS_KIND_DEVICE_DIR] = &device_dir_ops,
	[FS_KIND_DEVICE_KEY] = &device_key_ops,
	[FS_KIND_HEADER_DIR] = &header_dir_ops,
	[FS_KIND_HEADER_FIELD] = &header_field_ops,
	[FS_KIND_STATS_DIR] = &stats_dir_ops,
	[FS_KIND_STATS_FILE] = &stats_file_ops,
	[FS_KIND_CLUSTERS_DIR] = &clusters_dir_ops,
	[FS_KIND_CLUSTER] = &clusters_cluster_ops,
	[FS_KIND_CLUSTER_FILE] = &clusters_file_ops,
	[FS_KIND_CLUSTER_SLOTS] = &clusters_slots_ops,
	[FS_KIND_SLOT] = &clusters_slot_ops,
	[FS_KIND_ORDERS_DIR] = &orders_dir_ops,
	[FS_KIND_ORDER] = &orders_order_ops,
	[FS_KIND_ORDER_FILE] = &orders_file_ops,
	[FS_KIND_ORDER_CLUSTERS] = &orders_clusters_ops,
	[FS_KIND_ORDER_LINK] = &orders_link_ops,
	[FS_KIND_LISTS_DIR] = &lists_dir_ops,
	[FS_KIND_LIST_GROUP] = &lists_group_ops,
	[FS_KIND_LIST] = &lists_list_ops,
	[FS_KIND_LIST_LINK] = &lists_link_ops,
	[FS_KIND_CACHE_DIR] = &cache_dir_ops,
	[FS_KIND_FOLIO] = &cache_folio_ops,
	[FS_KIND_FOLIO_FILE] = &cache_file_ops,
	[FS_KIND_FINDINGS_DIR] = &findings_dir_ops,
	[FS_KIND_FINDINGS_FILE] = &findings_file_ops,
	[FS_KIND_PROCS_DIR] = &procs_dir_ops,
	[FS_KIND_PROC] = &procs_proc_ops,
	[FS_KIND_PROC_FILE] = &procs_file_ops,
};

static const struct fs_ops *fs_ops_of(fuse_ino_t ino)
{
	unsigned int kind = fs_ino_kind(ino);

	return kind < FS_NR_KINDS ? fs_kinds[kind] : NULL;
}

static struct fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* An open file: its content as of open(), or a cursor into it. */
struct fs_file {
	const struct fs_ops *ops;
	uint64_t index;
	char *data;		/* NULL for a file read in place */
	size_t len;
	void *cursor;		/* ops->read()'s */
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

static void fs_file_free(struct fs_file *f)
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
			f->ops->release_cursor(f->cursor);
		pthread_mutex_destroy(&f->cursor_lock);
	}
	free(f->data);
	free(f);
}

static struct fs_file *fs_file_get(struct fuse_file_info *fi)
{
	struct fs_file *f = (struct fs_file *)(uintptr_t)fi->fh;

	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

static void fs_file_put(struct fs_file *f)
{
	if (!__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		fs_file_free(f);
}

static struct fs_file *fs_file_of(struct fuse_file_info *fi)
{
	return (struct fs_file *)(uintptr_t)fi->fh;
}

/* The node @ino: what it is, with its size. Read lock held. */
static int fs_node(struct fs *fs, fuse_ino_t ino, struct fs_node *node)
{
	const struct fs_ops *ops = fs_ops_of(ino);
	struct fs_buf b;
	int rc;

	if (!ops)
		return -ENOENT;
	*node = (struct fs_node){ 0 };
	rc = ops->stat(fs, fs_ino_index(ino), node);
	if (rc || node->type == FS_DIR || node->sized)
		return rc;
	/* small files: measuring is generating (into the inline space) */
	fs_buf_init(&b);
	rc = ops->content(fs, fs_ino_index(ino), &b) ?: b.err;
	node->size = b.len;
	fs_buf_free(&b);
	return rc;
}

static void fs_fill_stat(const struct fs *fs, fuse_ino_t ino,
			 const struct fs_node *node, struct stat *st)
{
	static const mode_t modes[] = {
		[FS_DIR] = S_IFDIR | 0555,
		[FS_FILE] = S_IFREG | 0444,
		[FS_LINK] = S_IFLNK | 0777,
	};

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_mode = modes[node->type];
	if (node->type == FS_FILE && node->writable && fs->rw)
		st->st_mode |= 0200;
	/*
	 * 1 for directories too: find(1) then does not trust the link count
	 * to skip stat()s, and we need not count subdirectories.
	 */
	st->st_nlink = 1;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_size = (off_t)node->size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((node->size + 511) / 512);
	st->st_atim = st->st_mtim = st->st_ctim = fs->time;
}

static int fs_stat(struct fs *fs, fuse_ino_t ino, struct stat *st)
{
	struct fs_node node;
	int rc = fs_node(fs, ino, &node);

	if (!rc)
		fs_fill_stat(fs, ino, &node, st);
	return rc;
}

static void fs_entry_param(const struct fs *fs, fuse_ino_t ino,
			   struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = ino;
	e->attr_timeout = fs->timeout;
	e->entry_timeout = fs->timeout;
}

/* ---- operations --------------------------------------------------------- */

/*
 * On a read-only mount a file is the same whoever opens it, so opens need
 * no state: open and opendir answer ENOSYS once, and the kernel then opens
 * without asking (keeping pages and listings cached, as keep_cache and
 * cache_readdir would) and never sends RELEASE. A request saved per file
 * and per directory is a large part of a first `find` over the tree.
 */
static void fs_op_init(void *userdata, struct fuse_conn_info *conn)
{
	struct fs *fs = userdata;

	fs->no_open = !fs->rw && (conn->capable & FUSE_CAP_NO_OPEN_SUPPORT);
	fs->no_opendir = !fs->rw && (conn->capable & FUSE_CAP_NO_OPENDIR_SUPPORT);

	/* symlinks never change on a read-only mount: let the kernel keep them */
	if (!fs->rw && (conn->capable & FUSE_CAP_CACHE_SYMLINKS))
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS;
}

static void fs_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	const struct fs_ops *ops = fs_ops_of(parent);
	struct fuse_entry_param e;
	fuse_ino_t ino = 0;
	int rc = -ENOTDIR;

	pthread_rwlock_rdlock(&fs->lock);
	if (ops && ops->lookup)
		rc = ops->lookup(fs, fs_ino_index(parent), name, &ino);
	fs_entry_param(fs, ino, &e);
	if (!rc)
		rc = fs_stat(fs, ino, &e.attr);
	pthread_rwlock_unlock(&fs->lock);
	if (rc == -ENOENT && !fs->rw) {
		/* a negative entry: the kernel caches it like a positive one */
		e.ino = 0;
		fuse_reply_entry(req, &e);
	} else if (rc) {
		fuse_reply_err(req, -rc);
	} else {
		fuse_reply_entry(req, &e);
	}
}

static void fs_op_getattr(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct stat st;
	int rc;

	pthread_rwlock_rdlock(&fs->lock);
	rc = fs_stat(fs, ino, &st);
	pthread_rwlock_unlock(&fs->lock);
	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_attr(req, &st, fs->timeout);
}

/*
 * Only what open(O_TRUNC) and touch(1) ask of a writable file: a value
 * replaces the whole file at the next write, so truncation is a no-op.
 */
static void fs_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			  int to_set, struct fuse_file_info *fi)
{
	const int allowed = FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_ATIME |
			    FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW |
			    FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME;
	struct fs *fs = fs_of(req);
	struct fs_node node;
	struct stat st;
	int rc;

	pthread_rwlock_rdlock(&fs->lock);
	rc = fs_node(fs, ino, &node);
	if (!rc && !fs->rw)
		rc = -EROFS;
	else if (!rc && (to_set & ~allowed))
		rc = -EPERM;
	else if (!rc && (node.type != FS_FILE || !node.writable))
		rc = -EACCES;
	else if (!rc && (to_set & FUSE_SET_ATTR_SIZE) && attr->st_size != 0 &&
		 attr->st_size != (off_t)node.size)
		rc = -EINVAL;
	if (!rc)
		fs_fill_stat(fs, ino, &node, &st);
	pthread_rwlock_unlock(&fs->lock);
	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_attr(req, &st, fs->timeout);
}

static void fs_op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fs *fs = fs_of(req);
	const struct fs_ops *ops = fs_ops_of(ino);
	struct fs_node node = { 0 };
	struct fs_buf b;
	int rc;

	fs_buf_init(&b);
	pthread_rwlock_rdlock(&fs->lock);
	rc = ops ? ops->stat(fs, fs_ino_index(ino), &node) : -ENOENT;
	if (!rc && node.type != FS_LINK)
		rc = -EINVAL;
	if (!rc)
		rc = ops->content(fs, fs_ino_index(ino), &b);
	pthread_rwlock_unlock(&fs->lock);
	fs_buf_add(&b, "", 1);
	rc = rc ?: b.err;
	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_readlink(req, b.data);
	fs_buf_free(&b);
}

/* Whether the node may be opened with @flags. */
static int fs_open_allowed(const struct fs *fs, const struct fs_node *node,
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

static int fs_open_file(struct fs *fs, fuse_ino_t ino, int flags,
			struct fs_file *f)
{
	struct fs_node node = { 0 };
	struct fs_buf b;
	int rc;

	f->ops = fs_ops_of(ino);
	f->index = fs_ino_index(ino);
	if (!f->ops)
		return -ENOENT;
	rc = f->ops->stat(fs, f->index, &node) ?: fs_open_allowed(fs, &node, flags);
	if (rc)
		return rc;
	if (!fs->rw && f->ops->read) {
		f->streamed = true;
		return -pthread_mutex_init(&f->cursor_lock, NULL);
	}
	fs_buf_init(&b);
	rc = f->ops->content(fs, f->index, &b) ?: b.err;
	if (!rc) {
		f->len = b.len;
		f->data = fs_buf_detach(&b);
		if (!f->data)
			rc = -ENOMEM;
	}
	fs_buf_free(&b);
	return rc;
}

static void fs_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_file *f;
	int rc = -ENOMEM;

	if (fs->no_open) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	f = calloc(1, sizeof(*f));
	if (f) {
		pthread_rwlock_rdlock(&fs->lock);
		rc = fs_open_file(fs, ino, fi->flags, f);
		pthread_rwlock_unlock(&fs->lock);
	}
	if (rc) {
		if (f)
			free(f->data);	/* a failed open has no cursor lock */
		free(f);
		fuse_reply_err(req, -rc);
		return;
	}
	f->refs = 1;
	fs_file_link(fs, f);
	fi->fh = (uintptr_t)f;
	if (fs->rw)
		fi->direct_io = 1;
	else
		fi->keep_cache = 1;
	if (fuse_reply_open(req, fi) == -ENOENT)	/* interrupted: no release */
		fs_file_free(f);
}

/* A read without an open (no_open): the content is generated for it. */
static int fs_read_unopened(struct fs *fs, fuse_ino_t ino, size_t size,
			    uint64_t off, struct fs_buf *b)
{
	const struct fs_ops *ops = fs_ops_of(ino);
	void *cursor = NULL;
	int rc;

	if (!ops || !ops->content)
		return -EIO;
	if (ops->read) {
		rc = ops->read(fs, fs_ino_index(ino), &cursor, off, size, b);
		if (cursor)
			ops->release_cursor(cursor);
		return rc;
	}
	rc = ops->content(fs, fs_ino_index(ino), b) ?: b->err;
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

static void fs_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_file *f;
	struct fs_buf b;
	int rc;

	if (!fi->fh) {
		fs_buf_init(&b);
		pthread_rwlock_rdlock(&fs->lock);
		rc = fs_read_unopened(fs, ino, size, (uint64_t)off, &b);
		pthread_rwlock_unlock(&fs->lock);
		if (rc)
			fuse_reply_err(req, -rc);
		else
			fuse_reply_buf(req, b.data, b.len < size ? b.len : size);
		fs_buf_free(&b);
		return;
	}
	f = fs_file_get(fi);

	if (!f->streamed) {
		if ((uint64_t)off >= f->len)
			size = 0;
		else if (size > f->len - (size_t)off)
			size = f->len - (size_t)off;
		fuse_reply_buf(req, size ? f->data + off : NULL, size);
		fs_file_put(f);
		return;
	}
	fs_buf_init(&b);
	pthread_mutex_lock(&f->cursor_lock);
	pthread_rwlock_rdlock(&fs->lock);
	rc = f->ops->read(fs, f->index, &f->cursor, (uint64_t)off, size, &b);
	pthread_rwlock_unlock(&fs->lock);
	pthread_mutex_unlock(&f->cursor_lock);
	rc = rc ?: b.err;
	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_buf(req, b.data, b.len < size ? b.len : size);
	fs_buf_free(&b);
	fs_file_put(f);
}

static void fs_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
			size_t size, off_t off, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_file *f = fs_file_of(fi);
	int rc = -EROFS;

	/* sysfs semantics: each write(2) is one whole value */
	if (fs->rw) {
		pthread_rwlock_wrlock(&fs->lock);
		rc = f->ops->write ? f->ops->write(fs, f->index, buf, size) : -EACCES;
		if (!rc)
			fs->version++;
		pthread_rwlock_unlock(&fs->lock);
	}
	if (rc) {
		fuse_reply_err(req, -rc);
		return;
	}
	f->written = true;
	fuse_reply_write(req, size);
}

/* After a write, close(2) saves: sync(1) never reaches a FUSE daemon. */
static void fs_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_file *f = fs_file_of(fi);

	/* nothing to save on a read-only mount: ENOSYS, and no more FLUSHes */
	if (!fs_of(req)->rw || !f)
		fuse_reply_err(req, ENOSYS);
	else
		fuse_reply_err(req, f->written ? -fs_save(fs_of(req)) : 0);
}

static void fs_op_release(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct fs_file *f = fs_file_of(fi);

	if (!f) {
		fuse_reply_err(req, 0);
		return;
	}
	if (f->written)
		fs_save(fs_of(req));	/* nothing left when flush saved */
	fuse_reply_err(req, 0);
	fs_file_put(f);
}

static void fs_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	fuse_reply_err(req, -fs_save(fs_of(req)));
}

static void fs_op_opendir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_node node;
	int rc;

	pthread_rwlock_rdlock(&fs->lock);
	rc = fs_node(fs, ino, &node);
	pthread_rwlock_unlock(&fs->lock);
	if (!rc && node.type != FS_DIR)
		rc = -ENOTDIR;
	if (rc) {
		fuse_reply_err(req, -rc);
		return;
	}
	if (fs->no_opendir) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	if (!fs->rw) {
		fi->cache_readdir = 1;
		fi->keep_cache = 1;
	}
	fuse_reply_open(req, fi);
}

/*
 * Entry @off of directory @ino (0 ".", 1 "..", then the directory's own
 * positions + 2): its name and inode, and in *@off its offset.
 */
static int fs_dir_entry(struct fs *fs, fuse_ino_t ino, uint64_t *off,
			struct fs_dirent *ent)
{
	const struct fs_ops *ops = fs_ops_of(ino);
	uint64_t pos;
	int rc;

	if (*off == 0) {
		ent->name = ".";
		ent->ino = ino;
		return 0;
	}
	if (*off == 1) {
		ent->name = "..";
		ent->ino = ops->parent(fs, fs_ino_index(ino));
		return 0;
	}
	pos = *off - 2;
	rc = ops->entry(fs, fs_ino_index(ino), &pos, ent);
	*off = pos + 2;
	return rc;
}

/*
 * What a listing tells of entry @ino: its type, and with @full its
 * attributes (readdirplus); a type costs no measuring of the content.
 */
static int fs_dirent_attr(struct fs *fs, fuse_ino_t ino, bool full,
			  struct stat *st)
{
	const struct fs_ops *ops = fs_ops_of(ino);
	struct fs_node node = { 0 };
	int rc;

	if (full)
		return fs_stat(fs, ino, st);
	rc = ops ? ops->stat(fs, fs_ino_index(ino), &node) : -ENOENT;
	if (!rc)
		fs_fill_stat(fs, ino, &node, st);
	return rc;
}

/*
 * One buffer of a listing from offset @off. An entry's offset is its
 * position + 1, so the kernel's next request starts after it, and a
 * listing costs O(entries) however it is split.
 */
static void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       bool plus)
{
	struct fs *fs = fs_of(req);
	const struct fs_ops *ops = fs_ops_of(ino);
	uint64_t pos = (uint64_t)off;
	struct fuse_entry_param e;
	struct fs_dirent ent;
	size_t used = 0, n;
	bool full;
	char *buf;
	int rc = 0;

	if (!ops || !ops->entry) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_rwlock_rdlock(&fs->lock);
	for (;; pos++) {
		rc = fs_dir_entry(fs, ino, &pos, &ent);
		if (rc)
			break;
		full = plus && pos > 1 && !fs_ops_of(ent.ino)->many;
		fs_entry_param(fs, ent.ino, &e);
		rc = fs_dirent_attr(fs, ent.ino, full, &e.attr);
		if (rc)
			break;
		if (plus && !full)
			e.ino = 0;	/* a name and a type, no inode */
		if (plus)
			n = fuse_add_direntry_plus(req, buf + used, size - used,
						   ent.name, &e, (off_t)pos + 1);
		else
			n = fuse_add_direntry(req, buf + used, size - used,
					      ent.name, &e.attr, (off_t)pos + 1);
		if (n > size - used)
			break;
		used += n;
	}
	pthread_rwlock_unlock(&fs->lock);
	/*
	 * An error can only be told before the first entry: the kernel has
	 * counted the lookups of those already in the buffer.
	 */
	if (rc && rc != -ENOENT && !used)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

static void fs_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t off, struct fuse_file_info *fi)
{
	fs_readdir(req, ino, size, off, false);
}

static void fs_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			      off_t off, struct fuse_file_info *fi)
{
	fs_readdir(req, ino, size, off, true);
}

static void fs_op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv = {
		.f_bsize = 4096,
		.f_frsize = 4096,
		.f_namemax = 255,
	};

	fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops fs_ops = {
	.init = fs_op_init,
	.lookup = fs_op_lookup,
	.getattr = fs_op_getattr,
	.setattr = fs_op_setattr,
	.readlink = fs_op_readlink,
	.open = fs_op_open,
	.read = fs_op_read,
	.write = fs_op_write,
	.flush = fs_op_flush,
	.release = fs_op_release,
	.fsync = fs_op_fsync,
	.opendir = fs_op_opendir,
	.readdir = fs_op_readdir,
	.readdirplus = fs_op_readdirplus,
	.statfs = fs_op_statfs,
};

/* ---- state and session ---------------------------------------------------- */

int fs_init(struct fs *fs)
{
	int rc;

	memset(fs, 0, sizeof(*fs));
	rc = pthread_rwlock_init(&fs->lock, NULL);
	if (rc)
		return -rc;
	rc = pthread_mutex_init(&fs->findings_lock, NULL);
	if (rc) {
		pthread_rwlock_destroy(&fs->lock);
		return -rc;
	}
	rc = pthread_mutex_init(&fs->files_lock, NULL);
	if (rc) {
		pthread_mutex_destroy(&fs->findings_lock);
		pthread_rwlock_destroy(&fs->lock);
		return -rc;
	}
	fs->uid = getuid();
	fs->gid = getgid();
	clock_gettime(CLOCK_REALTIME, &fs->time);
	return 0;
}

void fs_destroy(struct fs *fs)
{
	while (fs->files)
		fs_file_free(fs->files);
	pthread_mutex_destroy(&fs->files_lock);
	findings_index_free(fs->findings);
	snapedit_free(fs->edit);
	analysis_free(fs->an);
	snapshot_free(fs->snap);
	swapheader_info_free(&fs->hdr);
	free(fs->hdr_bytes);
	pthread_mutex_destroy(&fs->findings_lock);
	pthread_rwlock_destroy(&fs->lock);
}

int fs_save(struct fs *fs)
{
	struct diag d = { 0 };
	int rc = 0;

	if (!fs->rw || !fs->edit)
		return 0;
	pthread_rwlock_wrlock(&fs->lock);
	if (snapedit_dirty(fs->edit))
		rc = snapedit_save(fs->edit, &d);
	pthread_rwlock_unlock(&fs->lock);
	if (rc)
		fuse_log(FUSE_LOG_ERR, "swapfs: saving to %s: %s\n", fs->save_path,
			 d.msg[0] ? d.msg : strerror(-rc));
	return rc;
}

/* Once daemonized, stderr is /dev/null: say what matters to syslog. */
static void fs_syslog(enum fuse_log_level level, const char *fmt, va_list ap)
{
	vsyslog((int)level, fmt, ap);
}

/* The mount options every swapfs mount has, and those asked for. */
static int fs_mount_options(const struct fs *fs, const struct fs_config *cfg,
			    char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "%s,default_permissions,subtype=swapfs,fsname=%s%s%s",
		     fs->rw ? "rw" : "ro", cfg->fsname,
		     cfg->allow_other ? ",allow_other" : "",
		     cfg->allow_root ? ",allow_root" : "");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int fs_loop(struct fs *fs, struct fuse_session *se,
		   const struct fs_config *cfg)
{
	struct fuse_loop_config *lc = fuse_loop_cfg_create();
	int rc;

	if (!lc)
		return -ENOMEM;
	fuse_loop_cfg_set_clone_fd(lc, cfg->clone_fd);
	fuse_loop_cfg_set_max_threads(lc, cfg->max_threads ? cfg->max_threads : 10);
	rc = fuse_session_loop_mt(se, lc);
	fuse_loop_cfg_destroy(lc);
	return rc < 0 ? rc : 0;
}

int fs_main(struct fs *fs, const struct fs_config *cfg)
{
	char opts[PATH_MAX + 128];
	char *argv[] = { "swapfs", "-o", opts, "-d", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(cfg->debug ? 4 : 3, argv);
	struct fuse_session *se;
	int rc;

	if (cfg->debug)
		fs->foreground = true;
	fs->timeout = fs->rw ? 0.0 : 86400.0;
	rc = fs_mount_options(fs, cfg, opts, sizeof(opts));
	if (rc)
		return rc;
	se = fuse_session_new(&args, &fs_ops, sizeof(fs_ops), fs);
	if (!se)
		return -EIO;
	rc = -EIO;
	if (fuse_set_signal_handlers(se))
		goto out_destroy;
	if (fuse_session_mount(se, cfg->mountpoint))
		goto out_signals;
	/* the tree is up: only now may `swapfs mount` return */
	if (fuse_daemonize(fs->foreground))
		goto out_unmount;
	if (!fs->foreground) {
		openlog("swapfs", LOG_PID, LOG_DAEMON);
		fuse_set_log_func(fs_syslog);
	}
	rc = fs_loop(fs, se, cfg);
	if (rc)
		fuse_log(FUSE_LOG_ERR, "swapfs: %s: %s\n", cfg->mountpoint,
			 strerror(-rc));
out_unmount:
	fuse_session_unmount(se);
	rc = fs_save(fs) ?: rc;
out_signals:
	fuse_remove_signal_handlers(se);
out_destroy:
	fuse_session_destroy(se);
	fuse_opt_free_args(&args);
	return rc;
}
