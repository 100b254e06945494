// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * areas.c - areas/ of a mount of several swap areas read at one moment (a
 * snapshot file's group, a bare live:): areas/<n>/ is the whole tree of
 * area n, 0 the one the kernel tries first, as the root is area 0's.
 * Its entries are roots tagged with their area (fs-kind.h); the nodes
 * under them are served by each area's state (fs->areas[n]).
 */
#include "dirs.h"

static void areas_dir_range(struct fs *fs, uint64_t index, uint64_t *first,
			    uint64_t *end)
{
	*first = 0;
	*end = fs->nr_areas;
}

/* areas/<n>/: the root, tagged n + 1 */
static uint64_t areas_dir_child_index(uint64_t index, uint64_t n)
{
	return (n + 1) << FS_AREA_SHIFT | FUSE_ROOT_ID;
}

const struct fs_kind areas_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	.child = FS_KIND_ROOT,
	.range = areas_dir_range,
	.child_index = areas_dir_child_index,
};
