// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * device.c - device/<key>: every info key of the snapshot (the dump's info
 * file: si->max, pages, inuse_pages, page_size, cluster_size, flags, prio,
 * kernel, era, ...), one file each, in the source's order.
 */
#include <errno.h>
#include <string.h>

#include "fs.h"

static int device_dir_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (index)
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t device_dir_parent(struct fs *fs, uint64_t index)
{
	return FUSE_ROOT_ID;
}

/* A dozen keys: a scan is cheaper than any index. */
static int device_dir_lookup(struct fs *fs, uint64_t index, const char *name,
			     fuse_ino_t *ino)
{
	size_t i;

	for (i = 0; i < fs->snap->nr_info; i++) {
		if (!strcmp(fs->snap->info[i].key, name)) {
			*ino = fs_ino(FS_KIND_DEVICE_KEY, i);
			return 0;
		}
	}
	return -ENOENT;
}

static int device_dir_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			    struct fs_dirent *ent)
{
	if (*pos >= fs->snap->nr_info)
		return -ENOENT;
	ent->name = fs->snap->info[*pos].key;
	ent->ino = fs_ino(FS_KIND_DEVICE_KEY, *pos);
	return 0;
}

const struct fs_ops device_dir_ops = {
	.stat = device_dir_stat,
	.parent = device_dir_parent,
	.lookup = device_dir_lookup,
	.entry = device_dir_entry,
};

static int device_key_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (index >= fs->snap->nr_info)
		return -ENOENT;
	node->type = FS_FILE;
	return 0;
}

static int device_key_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	if (index >= fs->snap->nr_info)
		return -ENOENT;
	fs_buf_printf(b, "%s\n", fs->snap->info[index].value);
	return 0;
}

const struct fs_ops device_key_ops = {
	.stat = device_key_stat,
	.content = device_key_content,
};
