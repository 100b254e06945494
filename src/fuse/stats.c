// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats.c - stats/<name>: the device totals of the analysis, named as
 * `swapfs stat --json` names them ("totals", and "clusters" by flag as
 * clusters_<flag>), and stats/orders, the per-order table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>

#include "dirs.h"

/* A slot total: where it is in struct analysis_totals. */
#define STATS_SLOTS(name)	{ #name, offsetof(struct analysis_totals, name), -1 }

enum { STATS_VM_SWAP_FULL = -2, STATS_ORDERS = -3, STATS_MOVING = -4 };

static const struct {
	const char *name;
	size_t offset;		/* of a uint64_t in struct analysis_totals */
	int flag;		/* a cluster flag, or -1 (slots), or the above */
} stats_files[] = {
	STATS_SLOTS(slots_used),
	STATS_SLOTS(slots_free),
	STATS_SLOTS(slots_cached),
	STATS_SLOTS(slots_cache_only),
	STATS_SLOTS(slots_bad),
	STATS_SLOTS(slots_zero),
	STATS_SLOTS(slots_zswap),
	{ "vm_swap_full", 0, STATS_VM_SWAP_FULL },
	{ "clusters_none", 0, SNAPSHOT_CLUSTER_NONE },
	{ "clusters_free", 0, SNAPSHOT_CLUSTER_FREE },
	{ "clusters_nonfull", 0, SNAPSHOT_CLUSTER_NONFULL },
	{ "clusters_frag", 0, SNAPSHOT_CLUSTER_FRAG },
	{ "clusters_full", 0, SNAPSHOT_CLUSTER_FULL },
	{ "clusters_discard", 0, SNAPSHOT_CLUSTER_DISCARD },
	{ "clusters_moving", 0, STATS_MOVING },
	{ "orders", 0, STATS_ORDERS },
};

#define STATS_NR_FILES (sizeof(stats_files) / sizeof(stats_files[0]))

static void stats_dir_name(struct fs *fs, uint64_t index, uint64_t n,
			   struct fs_dirent *ent)
{
	ent->name = stats_files[n].name;
}

const struct fs_kind stats_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	.child = FS_KIND_STATS_FILE,
	.name = stats_dir_name,
};

/* One row per order below nr_orders; clusters: owned by the order, any flag. */
static void stats_orders(const struct fs *fs, struct fs_buf *b)
{
	unsigned int k, f;

	fs_buf_printf(b, "%5s %9s %9s %9s %9s %9s %11s\n", "order", "clusters",
		      "free", "nonfull", "frag", "full", "allocatable");
	for (k = 0; k < fs->snap->dev.nr_orders; k++) {
		const struct analysis_order *o = &fs->an->orders[k];
		uint64_t owned = 0;

		for (f = 0; f < SNAPSHOT_CLUSTER_NR_FLAGS; f++)
			owned += o->clusters[f];
		fs_buf_printf(b, "%5u %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64
			      " %9" PRIu64 " %11" PRIu64 "\n", k, owned,
			      o->clusters[SNAPSHOT_CLUSTER_FREE],
			      o->clusters[SNAPSHOT_CLUSTER_NONFULL],
			      o->clusters[SNAPSHOT_CLUSTER_FRAG],
			      o->clusters[SNAPSHOT_CLUSTER_FULL], o->allocatable);
	}
}

static int stats_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	const struct analysis_totals *t = &fs->an->totals;
	int flag;

	if (index >= STATS_NR_FILES)
		return -ENOENT;
	flag = stats_files[index].flag;
	if (flag == STATS_ORDERS)
		stats_orders(fs, b);
	else if (flag == STATS_VM_SWAP_FULL)
		fs_buf_printf(b, "%d\n", t->vm_swap_full);
	else if (flag == STATS_MOVING)	/* a live read: clusters no check ran in */
		fs_buf_printf(b, "%zu\n", fs->snap->nr_moving);
	else if (flag >= 0)
		fs_buf_printf(b, "%" PRIu64 "\n", t->clusters[flag]);
	else
		fs_buf_printf(b, "%" PRIu64 "\n", *(const uint64_t *)
			      ((const char *)t + stats_files[index].offset));
	return 0;
}

const struct fs_kind stats_file_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_STATS_DIR,
	.rule = FS_INDEX_OWN,
	.nr = STATS_NR_FILES,
	.content = stats_file_content,
};
