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

#endif /* SWAPFS_FUSE_FS_OP_H */
