// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs-op.c - the low-level operations: each request of the kernel, taken
 * under fs->lock and answered from the node its inode names (fs-node.c),
 * whose kind's directory file does what is particular.
 *
 * Consistency: getattr gives a file's exact size (the kernel clamps reads
 * to it). On a read-write mount timeouts are 0 and files are direct_io,
 * so each read and each stat reaches the daemon and sees the latest edit;
 * an open file reads what open() generated (fs-file.c). On a read-only
 * mount nothing ever changes: the kernel may cache everything for a day
 * (entries, attributes, pages, listings), opens cost no request (see
 * fs_op_init()), and a read generates what it covers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "fs-file.h"
#include "fs-live.h"
#include "fs-node.h"
#include "fs-op.h"

static struct fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static void fs_op_fill_stat(const struct fs *fs, fuse_ino_t ino,
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

static int fs_op_stat(struct fs *fs, fuse_ino_t ino, struct stat *st)
{
	struct fs_node node;
	int rc = fs_node_stat(fs, ino, &node);

	if (!rc)
		fs_op_fill_stat(fs, ino, &node, st);
	return rc;
}

static void fs_op_entry_param(const struct fs *fs, fuse_ino_t ino,
			      struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = ino;
	e->attr_timeout = fs->timeout;
	e->entry_timeout = fs->timeout;
}

/* The reply to a getattr or setattr: @rc, or the attributes @st. */
static void fs_op_reply_attr(fuse_req_t req, int rc, const struct stat *st)
{
	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_attr(req, st, fs_of(req)->timeout);
}

/* The reply to a read: @rc, or at most @size bytes of @b. */
static void fs_op_reply_read(fuse_req_t req, int rc, const struct fs_buf *b,
			     size_t size)
{
	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_buf(req, b->data, b->len < size ? b->len : size);
}

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

	bool still = !fs_state_changing(fs);

	fs->no_open = still && (conn->capable & FUSE_CAP_NO_OPEN_SUPPORT);
	fs->no_opendir = still && (conn->capable & FUSE_CAP_NO_OPENDIR_SUPPORT);

	/* symlinks never change on a read-only mount: let the kernel keep them */
	if (still && (conn->capable & FUSE_CAP_CACHE_SYMLINKS))
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS;
	/*
	 * open(O_TRUNC) comes with the open, not as a setattr of the size:
	 * then a setattr of the size is truncate(2) and can be refused.
	 */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
}

static void fs_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;
	fuse_ino_t ino = 0;
	int rc;

	pthread_rwlock_rdlock(&fs->lock);
	rc = fs_node_lookup(fs, parent, name, &ino);
	fs_op_entry_param(fs, ino, &e);
	if (!rc)
		rc = fs_op_stat(fs, ino, &e.attr);
	pthread_rwlock_unlock(&fs->lock);
	if (rc == -ENOENT && !fs_state_changing(fs)) {
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
	rc = fs_op_stat(fs, ino, &st);
	pthread_rwlock_unlock(&fs->lock);
	fs_op_reply_attr(req, rc, &st);
}

/*
 * Only what touch(1) asks of a writable file: its times (which stay the
 * mount's). A value replaces the whole file at each write, so truncate(2)
 * is no edit and is refused, not ignored (open(O_TRUNC) is not a setattr:
 * FUSE_CAP_ATOMIC_O_TRUNC). Each refusal is recorded with its reason.
 */
static int fs_op_settable(struct fs *fs, fuse_ino_t ino, const struct fs_node *node,
			  int to_set)
{
	const int times = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
			  FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW |
			  FUSE_SET_ATTR_CTIME;
	const char *why = NULL;
	char path[PATH_MAX];
	int rc = 0;

	if (!fs->rw) {
		rc = -EROFS;
		why = "a read-only mount";
	} else if (to_set & FUSE_SET_ATTR_SIZE) {
		rc = -EPERM;
		why = "truncate: a value is replaced by writing it, not by a size";
	} else if (to_set & ~times) {
		rc = -EPERM;
		why = "owner and mode are the tree's";
	} else if (node->type != FS_FILE || !node->writable) {
		rc = -EACCES;
		why = "not a writable file";
	}
	if (!rc)
		return 0;
	fs_node_path(fs, ino, path, sizeof(path));
	return fs_state_refuse(fs, rc, "%s: %s", path, why);
}

static void fs_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			  int to_set, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_node node;
	struct stat st;
	int rc;

	pthread_rwlock_rdlock(&fs->lock);
	rc = fs_node_stat(fs, ino, &node) ?: fs_op_settable(fs, ino, &node, to_set);
	if (!rc)
		fs_op_fill_stat(fs, ino, &node, &st);
	pthread_rwlock_unlock(&fs->lock);
	fs_op_reply_attr(req, rc, &st);
}

static void fs_op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fs *fs = fs_of(req);
	struct fs_node node;
	struct fs_buf b;
	int rc;

	fs_buf_init(&b);
	pthread_rwlock_rdlock(&fs->lock);
	rc = fs_node_find(fs, ino, &node);
	if (!rc && node.type != FS_LINK)
		rc = -EINVAL;
	if (!rc)
		rc = fs_node_kind(ino)->content(fs_area(fs, ino), fs_ino_index(ino), &b);
	pthread_rwlock_unlock(&fs->lock);
	fs_buf_add(&b, "", 1);
	rc = rc ?: b.err;
	if (rc)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_readlink(req, b.data);
	fs_buf_free(&b);
}

/* A write refused where no kind said why: say it here. */
static void fs_op_refuse_write(struct fs *fs, fuse_ino_t ino, int rc)
{
	char path[PATH_MAX];

	pthread_rwlock_rdlock(&fs->lock);
	fs_node_path(fs, ino, path, sizeof(path));
	pthread_rwlock_unlock(&fs->lock);
	fs_state_refuse(fs, rc, "%s: %s", path,
			rc == -EROFS ? "a read-only mount (see -o rw)" :
			rc == -EACCES ? "not a writable file" : strerror(-rc));
}

static void fs_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_file *f;
	int rc;

	if (fs->no_open) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	fs_live_refresh(fs);	/* live: a file opened reads a recent state */
	rc = fs_file_open(fs, ino, fi->flags, &f);
	if (rc && (fi->flags & O_ACCMODE) != O_RDONLY)
		fs_op_refuse_write(fs, ino, rc);
	if (rc) {
		fuse_reply_err(req, -rc);
		return;
	}
	fi->fh = (uintptr_t)f;
	if (fs_state_changing(fs))
		fi->direct_io = 1;
	else
		fi->keep_cache = 1;
	if (fuse_reply_open(req, fi) == -ENOENT)	/* interrupted: no release */
		fs_file_free(f);
}

static void fs_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_file *f;
	struct fs_buf b;
	int rc;

	fs_buf_init(&b);
	if (!fi->fh) {
		rc = fs_file_read_unopened(fs, ino, (uint64_t)off, size, &b);
		fs_op_reply_read(req, rc, &b, size);
		fs_buf_free(&b);
		return;
	}
	f = fs_file_get(fi->fh);
	if (f->streamed) {
		rc = fs_file_read(fs, f, (uint64_t)off, size, &b);
		fs_op_reply_read(req, rc, &b, size);
	} else {
		if ((uint64_t)off >= f->len)
			size = 0;
		else if (size > f->len - (size_t)off)
			size = f->len - (size_t)off;
		fuse_reply_buf(req, size ? f->data + off : NULL, size);
	}
	fs_buf_free(&b);
	fs_file_put(f);
}

static void fs_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
			size_t size, off_t off, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_file *f = fs_file_of(fi->fh);
	int rc = -EROFS;

	/* sysfs semantics: each write(2) is one whole value */
	if (fs->rw && f->kind->write) {
		/* the kinds record their refusals, with the value and the rule */
		pthread_rwlock_wrlock(&fs->lock);
		rc = f->kind->write(f->area, f->index, buf, size);
		if (!rc)
			fs->version++;
		pthread_rwlock_unlock(&fs->lock);
	} else {
		rc = fs->rw ? -EACCES : -EROFS;
		fs_op_refuse_write(fs, ino, rc);
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
	struct fs_file *f = fs_file_of(fi->fh);

	/* nothing to save on a read-only mount: ENOSYS, and no more FLUSHes */
	if (!fs_of(req)->rw || !f)
		fuse_reply_err(req, ENOSYS);
	else
		fuse_reply_err(req, f->written ? -fs_state_save(fs_of(req)) : 0);
}

static void fs_op_release(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct fs_file *f = fs_file_of(fi->fh);

	if (!f) {
		fuse_reply_err(req, 0);
		return;
	}
	if (f->written)
		fs_state_save(fs_of(req));	/* nothing left when flush saved */
	fuse_reply_err(req, 0);
	fs_file_put(f);
}

static void fs_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	fuse_reply_err(req, -fs_state_save(fs_of(req)));
}

static void fs_op_opendir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fs_node node;
	int rc;

	pthread_rwlock_rdlock(&fs->lock);
	rc = fs_node_stat(fs, ino, &node);
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
static int fs_op_dir_entry(struct fs *fs, fuse_ino_t ino, uint64_t *off,
			   struct fs_dirent *ent)
{
	uint64_t pos;
	int rc;

	if (*off == 0) {
		ent->name = ".";
		ent->ino = ino;
		return 0;
	}
	if (*off == 1) {
		ent->name = "..";
		ent->ino = fs_node_parent(fs, ino);
		return 0;
	}
	pos = *off - 2;
	rc = fs_node_entry(fs, ino, &pos, ent);
	*off = pos + 2;
	return rc;
}

/*
 * What a listing tells of entry @ino: its type, and with @full its
 * attributes (readdirplus); a type costs no measuring of the content.
 */
static int fs_op_dirent_attr(struct fs *fs, fuse_ino_t ino, bool full,
			     struct stat *st)
{
	struct fs_node node;
	int rc;

	if (full)
		return fs_op_stat(fs, ino, st);
	rc = fs_node_find(fs, ino, &node);
	if (!rc)
		fs_op_fill_stat(fs, ino, &node, st);
	return rc;
}

/*
 * Entries of directory @ino from offset *@pos into @buf (@size bytes),
 * while they fit: the bytes used, and in *@rc why it stopped (-ENOENT:
 * the end). An entry's offset is its position + 1, so the kernel's next
 * request starts after it, and a listing costs O(entries) however it is
 * split. Read lock held.
 */
static size_t fs_op_fill_dir(fuse_req_t req, fuse_ino_t ino, char *buf,
			     size_t size, uint64_t pos, bool plus, int *rc)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;
	struct fs_dirent ent;
	size_t used = 0, n;
	bool full;

	for (;; pos++) {
		*rc = fs_op_dir_entry(fs, ino, &pos, &ent);
		if (*rc)
			break;
		full = plus && pos > 1 && !fs_node_kind(ent.ino)->many;
		fs_op_entry_param(fs, ent.ino, &e);
		*rc = fs_op_dirent_attr(fs, ent.ino, full, &e.attr);
		if (*rc)
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
	return used;
}

/* One buffer of a listing from offset @off. */
static void fs_op_readdir_any(fuse_req_t req, fuse_ino_t ino, size_t size,
			      off_t off, bool plus)
{
	struct fs *fs = fs_of(req);
	const struct fs_kind *k = fs_node_kind(ino);
	size_t used;
	char *buf;
	int rc;

	if (!k || k->type != FS_DIR) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_rwlock_rdlock(&fs->lock);
	used = fs_op_fill_dir(req, ino, buf, size, (uint64_t)off, plus, &rc);
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
	fs_op_readdir_any(req, ino, size, off, false);
}

static void fs_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			      off_t off, struct fuse_file_info *fi)
{
	fs_op_readdir_any(req, ino, size, off, true);
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

const struct fuse_lowlevel_ops fs_op_lowlevel = {
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
	.create = fs_refuse_create,
	.mknod = fs_refuse_mknod,
	.mkdir = fs_refuse_mkdir,
	.unlink = fs_refuse_unlink,
	.rmdir = fs_refuse_rmdir,
	.rename = fs_refuse_rename,
	.symlink = fs_refuse_symlink,
	.link = fs_refuse_link,
};
