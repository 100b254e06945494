// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * orders.c - orders/<k>/: what folio order k owns. A cluster is owned by
 * the order in its ci->order, whatever list it is on (a free cluster by
 * order 0), as the analysis counts it; orders/<k>/clusters/<i> is a
 * symlink to ../../../clusters/<i> for each. orders/<k>/fallback_reasons
 * is there when the snapshot stored swapfs sim --explain's counters.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "dirs.h"

enum orders_file {
	ORDERS_NR_CLUSTERS,
	ORDERS_ALLOCATABLE,
	ORDERS_FOLIOS,
	ORDERS_FALLBACK_REASONS,
	ORDERS_NR_FILES,
};

static const struct fs_name orders_names[] = {
	{ "nr_clusters", FS_KIND_ORDER_FILE, ORDERS_NR_CLUSTERS },
	{ "allocatable", FS_KIND_ORDER_FILE, ORDERS_ALLOCATABLE },
	{ "folios", FS_KIND_ORDER_FILE, ORDERS_FOLIOS },
	{ "fallback_reasons", FS_KIND_ORDER_FILE, ORDERS_FALLBACK_REASONS },
	{ "clusters", FS_KIND_ORDER_CLUSTERS, 0 },
};

/* Counter @i is one of sim --explain's (snapfile.h). */
static bool orders_is_reason(const struct fs *fs, size_t i)
{
	const char *name = fs->counters[i].name;

	return !strncmp(name, SNAPFILE_COUNTER_FALLBACK, strlen(SNAPFILE_COUNTER_FALLBACK)) ||
	       !strncmp(name, SNAPFILE_COUNTER_STEAL, strlen(SNAPFILE_COUNTER_STEAL));
}

/* orders/<k>/fallback_reasons exists: the snapshot has --explain's counters. */
static bool orders_has_reasons(const struct fs *fs)
{
	size_t i;

	for (i = 0; i < fs->nr_counters; i++)
		if (orders_is_reason(fs, i))
			return true;
	return false;
}

/* Entry @n of orders/<k>/: all but fallback_reasons always. */
static bool orders_has(struct fs *fs, uint64_t index, uint64_t n)
{
	return n >= sizeof(orders_names) / sizeof(orders_names[0]) ||
	       orders_names[n].kind != FS_KIND_ORDER_FILE ||
	       orders_names[n].n != ORDERS_FALLBACK_REASONS || orders_has_reasons(fs);
}

/* "reason count" lines: order @k's fallbacks by reason, as stored (not 0). */
static void orders_reasons(struct fs *fs, unsigned int k, struct fs_buf *b)
{
	size_t i, len = strlen(SNAPFILE_COUNTER_FALLBACK);

	for (i = 0; i < fs->nr_counters; i++)
		if (fs->counters[i].order == k && fs->counters[i].value &&
		    !strncmp(fs->counters[i].name, SNAPFILE_COUNTER_FALLBACK, len))
			fs_buf_printf(b, "%s %" PRIu64 "\n", fs->counters[i].name + len,
				      fs->counters[i].value);
}

/* orders/<k>/clusters/<i> exists: cluster @ci is owned by order @k. */
static bool orders_owns(struct fs *fs, uint64_t k, uint64_t ci)
{
	const struct snapshot_cluster *cl;

	if (ci >= fs->snap->dev.nr_clusters)
		return false;
	cl = &fs->snap->clusters[ci];
	return cl->order == k && cl->flags < SNAPSHOT_CLUSTER_NR_FLAGS;
}

/* ---- orders/, orders/<k>/ ------------------------------------------------ */

const struct fs_kind orders_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	.child = FS_KIND_ORDER,
};

const struct fs_kind orders_order_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ORDERS_DIR,
	.rule = FS_INDEX_OWN,
	.count = FS_COUNT_ORDERS,
	FS_NAMES(orders_names),
	.has = orders_has,
};

/* ---- orders/<k>/<file> ------------------------------------------------------ */

static int orders_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	const struct analysis_order *o = &fs->an->orders[fs_sub_dir(index)];
	uint64_t owned = 0;
	unsigned int f;

	switch (fs_sub_file(index)) {
	case ORDERS_NR_CLUSTERS:
		for (f = 0; f < SNAPSHOT_CLUSTER_NR_FLAGS; f++)
			owned += o->clusters[f];
		fs_buf_printf(b, "%" PRIu64 "\n", owned);
		return 0;
	case ORDERS_ALLOCATABLE:
		fs_buf_printf(b, "%" PRIu64 "\n", o->allocatable);
		return 0;
	case ORDERS_FOLIOS:
		fs_buf_printf(b, "%" PRIu64 "\n", o->folios);
		return 0;
	case ORDERS_FALLBACK_REASONS:
		if (!orders_has_reasons(fs))
			return -ENOENT;
		orders_reasons(fs, (unsigned int)fs_sub_dir(index), b);
		return 0;
	}
	return -ENOENT;
}

const struct fs_kind orders_file_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_ORDER,
	.rule = FS_INDEX_SUB,
	.count = FS_COUNT_ORDERS,
	.nr = ORDERS_NR_FILES,
	.content = orders_file_content,
};

/* ---- orders/<k>/clusters/ ------------------------------------------------------ */

const struct fs_kind orders_clusters_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ORDER,
	.rule = FS_INDEX_DIR,
	.count = FS_COUNT_ORDERS,
	.child = FS_KIND_ORDER_LINK,
	.has = orders_owns,
};

/* ---- orders/<k>/clusters/<i> ---------------------------------------------------- */

static int orders_link_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	return orders_owns(fs, fs_pair_dir(index), fs_pair_n(index)) ? 0 : -ENOENT;
}

static int orders_link_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	fs_buf_printf(b, "../../../clusters/%" PRIu64, fs_pair_n(index));
	return 0;
}

const struct fs_kind orders_link_kind = {
	.type = FS_LINK,
	.dir = FS_KIND_ORDER_CLUSTERS,
	.rule = FS_INDEX_PAIR,
	.count = FS_COUNT_CLUSTERS,
	.stat = orders_link_stat,
	.content = orders_link_content,
};
