// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs-refuse.c - the requests the tree has no use for, answered as sysfs
 * answers them instead of libfuse's ENOSYS: the tree's names are fixed,
 * so a new file (create, mknod) is EACCES and mkdir, unlink, rmdir,
 * rename, symlink and link are EPERM (what vfs_create() and vfs_mkdir()
 * ... return for a directory without the operation, as kernfs is). A
 * read-only mount never gets these: the VFS answers EROFS first. Each
 * refusal is recorded (fs_state_refuse(): the file refused and the log).
 */
#include <errno.h>
#include <limits.h>

#include "fs-node.h"
#include "fs-op.h"

static struct fs *fs_refuse_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Refuse a request about @name in directory @dir with -@err. */
static void fs_refuse_name(fuse_req_t req, fuse_ino_t dir, const char *name,
			   const char *op, int err)
{
	struct fs *fs = fs_refuse_fs(req);
	char path[PATH_MAX];

	path[0] = '\0';
	if (dir != FUSE_ROOT_ID) {
		pthread_rwlock_rdlock(&fs->lock);
		fs_node_path(fs, dir, path, sizeof(path));
		pthread_rwlock_unlock(&fs->lock);
	}
	fs_state_refuse(fs, err, "%s%s%s: %s: the tree's files and directories are "
			"fixed (only their values can be written)",
			path, path[0] ? "/" : "", name, op);
	fuse_reply_err(req, -err);
}

void fs_refuse_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	fs_refuse_name(req, parent, name, "create", -EACCES);
}

void fs_refuse_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	fs_refuse_name(req, parent, name, "mknod", -EACCES);
}

void fs_refuse_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	fs_refuse_name(req, parent, name, "mkdir", -EPERM);
}

void fs_refuse_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fs_refuse_name(req, parent, name, "unlink", -EPERM);
}

void fs_refuse_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fs_refuse_name(req, parent, name, "rmdir", -EPERM);
}

void fs_refuse_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	fs_refuse_name(req, parent, name, "rename", -EPERM);
}

void fs_refuse_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	fs_refuse_name(req, parent, name, "symlink", -EPERM);
}

void fs_refuse_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	fs_refuse_name(req, newparent, newname, "link", -EPERM);
}
