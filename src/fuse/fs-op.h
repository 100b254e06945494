/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs-op.h - the low-level operations the session serves (fs-op.c).
 */
#ifndef SWAPFS_FUSE_FS_OP_H
#define SWAPFS_FUSE_FS_OP_H

#include "fs-kind.h"

/*
 * fs_op_lowlevel - every request the tree answers; the session's
 * userdata is its struct fs.
 */
extern const struct fuse_lowlevel_ops fs_op_lowlevel;

/*
 * The requests the tree refuses as sysfs does (fs-refuse.c): create and
 * mknod EACCES; mkdir, unlink, rmdir, rename, symlink, link EPERM. Each
 * is recorded as the last refusal (fs_state_refuse()).
 */
void fs_refuse_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi);
void fs_refuse_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev);
void fs_refuse_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode);
void fs_refuse_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void fs_refuse_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void fs_refuse_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname, unsigned int flags);
void fs_refuse_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name);
void fs_refuse_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname);

#endif /* SWAPFS_FUSE_FS_OP_H */
