/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs-node.h - a node of the tree by its inode number: its kind from the
 * table of kinds, whether it exists and what it is, and for a directory
 * its parent, its entries by name and by position (fs-node.c). The
 * callers hold fs->lock for reading.
 */
#ifndef SWAPFS_FUSE_FS_NODE_H
#define SWAPFS_FUSE_FS_NODE_H

#include <stdint.h>

#include "fs-kind.h"

/* fs_node_kinds - every kind of node, by enum fs_kind_id. */
extern const struct fs_kind *const fs_node_kinds[FS_NR_KINDS];

/* fs_node_kind - the kind of node @ino; NULL for a number of no kind. */
static inline const struct fs_kind *fs_node_kind(fuse_ino_t ino)
{
	unsigned int kind = fs_ino_kind(ino);

	return kind < FS_NR_KINDS ? fs_node_kinds[kind] : NULL;
}

/*
 * fs_node_find - whether node @ino exists, and what it is: its size only
 * where the kind knows it without generating the content. Returns 0,
 * -ENOENT, or the kind's stat()'s -errno.
 */
int fs_node_find(struct fs *fs, fuse_ino_t ino, struct fs_node *node);

/*
 * fs_node_stat - fs_node_find(), and the size of a file or symlink the
 * kind does not know it of, measured by generating the content.
 */
int fs_node_stat(struct fs *fs, fuse_ino_t ino, struct fs_node *node);

/* fs_node_parent - the parent of directory @dir (/ for /). */
fuse_ino_t fs_node_parent(struct fs *fs, fuse_ino_t dir);

/*
 * fs_node_lookup - the entry of directory @dir called @name: its inode in
 * *@ino. Returns 0, -ENOENT, or -ENOTDIR when @dir is no directory. The
 * entry may still not exist (a cluster off its list): fs_node_stat() it.
 */
int fs_node_lookup(struct fs *fs, fuse_ino_t dir, const char *name,
		   fuse_ino_t *ino);

/*
 * fs_node_entry - the first entry of directory @dir at a position >=
 * *@pos, and its position in *@pos; -ENOENT past the last. Positions
 * need not be dense, only increasing, which is what lets a listing be
 * served by offset.
 */
int fs_node_entry(struct fs *fs, fuse_ino_t dir, uint64_t *pos,
		  struct fs_dirent *ent);

/*
 * fs_node_path - the path of node @ino from the top of the tree
 * ("clusters/3/flags"; "." for /) into @buf, truncated to @len; for
 * messages only: it scans each directory on the way up for the name.
 */
void fs_node_path(struct fs *fs, fuse_ino_t ino, char *buf, size_t len);

#endif /* SWAPFS_FUSE_FS_NODE_H */
