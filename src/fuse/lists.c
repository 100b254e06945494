// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lists.c - lists/: the kernel's cluster lists (si->free_clusters,
 * full_clusters, discard_clusters, nonfull_clusters[k], frag_clusters[k])
 * as directories of symlinks to the clusters on them. A snapshot records
 * each cluster's flags, not the order of a list, so a list shows the
 * clusters whose flags name it, by index; nonfull and frag are split by
 * the cluster's order, as the kernel's per-order lists are.
 *
 * A list is named by flag << 8 | (k + 1), k + 1 = 0 for the lists that
 * have no order (free, full, discard).
 */
#include <errno.h>
#include <inttypes.h>

#include "dirs.h"

static inline uint64_t lists_id(unsigned int flag, uint64_t korder1)
{
	return (uint64_t)flag << 8 | korder1;
}

static inline unsigned int lists_flag(uint64_t id)
{
	return (unsigned int)(id >> 8);
}

/* The list's order + 1; 0 for the lists that have no order. */
static inline unsigned int lists_korder1(uint64_t id)
{
	return (unsigned int)(id & 0xff);
}

/* lists/ itself: the three plain lists, then the two groups of per-order ones. */
static const struct fs_name lists_names[] = {
	{ "free", FS_KIND_LIST, (uint64_t)SNAPSHOT_CLUSTER_FREE << 8 },
	{ "full", FS_KIND_LIST, (uint64_t)SNAPSHOT_CLUSTER_FULL << 8 },
	{ "discard", FS_KIND_LIST, (uint64_t)SNAPSHOT_CLUSTER_DISCARD << 8 },
	{ "nonfull", FS_KIND_LIST_GROUP, SNAPSHOT_CLUSTER_NONFULL },
	{ "frag", FS_KIND_LIST_GROUP, SNAPSHOT_CLUSTER_FRAG },
};

/* Whether lists/ has an entry of @kind numbered @n. */
static bool lists_top(enum fs_kind_id kind, uint64_t n)
{
	size_t i;

	for (i = 0; i < sizeof(lists_names) / sizeof(lists_names[0]); i++)
		if (lists_names[i].kind == kind && lists_names[i].n == n)
			return true;
	return false;
}

static bool lists_valid(const struct fs *fs, uint64_t id)
{
	unsigned int flag = lists_flag(id), k1 = lists_korder1(id);

	if (!k1)
		return lists_top(FS_KIND_LIST, lists_id(flag, 0));
	return lists_top(FS_KIND_LIST_GROUP, flag) && k1 <= fs->snap->dev.nr_orders;
}

/* Cluster @ci is on list @id. */
static bool lists_has(struct fs *fs, uint64_t id, uint64_t ci)
{
	const struct snapshot_cluster *cl;

	if (ci >= fs->snap->dev.nr_clusters)
		return false;
	cl = &fs->snap->clusters[ci];
	return cl->flags == lists_flag(id) &&
	       (!lists_korder1(id) || cl->order + 1u == lists_korder1(id));
}

/* ---- lists/ ----------------------------------------------------------- */

const struct fs_kind lists_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	FS_NAMES(lists_names),
};

/* ---- lists/nonfull/, lists/frag/ ------------------------------------------ */

static int lists_group_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	return lists_top(FS_KIND_LIST_GROUP, (unsigned int)index) ? 0 : -ENOENT;
}

/* A group lists its orders: k names the list of order k. */
static void lists_group_range(struct fs *fs, uint64_t index, uint64_t *first,
			      uint64_t *end)
{
	*end = fs->snap->dev.nr_orders;
}

static uint64_t lists_group_child(uint64_t index, uint64_t k)
{
	return lists_id((unsigned int)index, k + 1);
}

const struct fs_kind lists_group_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_LISTS_DIR,
	.rule = FS_INDEX_OWN,
	.count = FS_COUNT_ANY,
	.child = FS_KIND_LIST,
	.stat = lists_group_stat,
	.range = lists_group_range,
	.child_index = lists_group_child,
};

/* ---- a list ------------------------------------------------------------------ */

static int lists_list_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	return lists_valid(fs, index) ? 0 : -ENOENT;
}

static fuse_ino_t lists_list_parent(struct fs *fs, uint64_t index)
{
	if (lists_korder1(index))
		return fs_ino(FS_KIND_LIST_GROUP, lists_flag(index));
	return fs_ino_one(FS_KIND_LISTS_DIR);
}

const struct fs_kind lists_list_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_LISTS_DIR,	/* or a group: lists_list_parent() */
	.rule = FS_INDEX_OWN,
	.count = FS_COUNT_ANY,
	.child = FS_KIND_LIST_LINK,
	.stat = lists_list_stat,
	.parent = lists_list_parent,
	.has = lists_has,
};

/* ---- a list's entry ---------------------------------------------------------- */

static int lists_link_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	uint64_t id = fs_pair_dir(index);

	if (!lists_valid(fs, id) || !lists_has(fs, id, fs_pair_n(index)))
		return -ENOENT;
	return 0;
}

/* lists/free/<i> is two levels below the root, lists/nonfull/<k>/<i> three. */
static int lists_link_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	fs_buf_printf(b, "%s../../clusters/%" PRIu64,
		      lists_korder1(fs_pair_dir(index)) ? "../" : "",
		      fs_pair_n(index));
	return 0;
}

const struct fs_kind lists_link_kind = {
	.type = FS_LINK,
	.dir = FS_KIND_LIST,
	.rule = FS_INDEX_PAIR,
	.count = FS_COUNT_CLUSTERS,
	.stat = lists_link_stat,
	.content = lists_link_content,
};
