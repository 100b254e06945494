// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * device.c - device/<key>: every info key of the snapshot (the dump's info
 * file: si->max, pages, inuse_pages, page_size, cluster_size, flags, prio,
 * kernel, era, ...), one file each, in the source's order.
 */
#include <errno.h>

#include "dirs.h"

static void device_dir_name(struct fs *fs, uint64_t index, uint64_t n,
			    struct fs_dirent *ent)
{
	ent->name = fs->snap->info[n].key;
}

const struct fs_kind device_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	.child = FS_KIND_DEVICE_KEY,
	.name = device_dir_name,
};

static int device_key_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	if (index >= fs->snap->nr_info)
		return -ENOENT;
	fs_buf_printf(b, "%s\n", fs->snap->info[index].value);
	return 0;
}

const struct fs_kind device_key_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_DEVICE_DIR,
	.rule = FS_INDEX_OWN,
	.count = FS_COUNT_INFO,
	.content = device_key_content,
};
