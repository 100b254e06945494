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
#include <stdio.h>
#include <string.h>

#include "fs.h"

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
static const struct {
	const char *name;
	unsigned int flag;
	bool per_order;
} lists_top[] = {
	{ "free", SNAPSHOT_CLUSTER_FREE, false },
	{ "full", SNAPSHOT_CLUSTER_FULL, false },
	{ "discard", SNAPSHOT_CLUSTER_DISCARD, false },
	{ "nonfull", SNAPSHOT_CLUSTER_NONFULL, true },
	{ "frag", SNAPSHOT_CLUSTER_FRAG, true },
};

#define LISTS_NR_TOP (sizeof(lists_top) / sizeof(lists_top[0]))

static bool lists_per_order(unsigned int flag)
{
	return flag == SNAPSHOT_CLUSTER_NONFULL || flag == SNAPSHOT_CLUSTER_FRAG;
}

static bool lists_valid(const struct fs *fs, uint64_t id)
{
	unsigned int flag = lists_flag(id), k1 = lists_korder1(id);
	size_t i;

	for (i = 0; i < LISTS_NR_TOP; i++)
		if (lists_top[i].flag == flag)
			break;
	if (i == LISTS_NR_TOP)
		return false;
	if (lists_per_order(flag))
		return k1 >= 1 && k1 <= fs->snap->dev.nr_orders;
	return k1 == 0;
}

/* Cluster @ci is on list @id. */
static bool lists_has(const struct fs *fs, uint64_t id, uint64_t ci)
{
	const struct snapshot_cluster *cl;

	if (ci >= fs->snap->dev.nr_clusters)
		return false;
	cl = &fs->snap->clusters[ci];
	return cl->flags == lists_flag(id) &&
	       (!lists_korder1(id) || cl->order + 1u == lists_korder1(id));
}

static fuse_ino_t lists_top_ino(size_t i)
{
	if (lists_top[i].per_order)
		return fs_ino(FS_KIND_LIST_GROUP, lists_top[i].flag);
	return fs_ino(FS_KIND_LIST, lists_id(lists_top[i].flag, 0));
}

/* ---- lists/ ----------------------------------------------------------- */

static int lists_dir_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (index)
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t lists_dir_parent(struct fs *fs, uint64_t index)
{
	return FUSE_ROOT_ID;
}

static int lists_dir_lookup(struct fs *fs, uint64_t index, const char *name,
			    fuse_ino_t *ino)
{
	size_t i;

	for (i = 0; i < LISTS_NR_TOP; i++) {
		if (!strcmp(lists_top[i].name, name)) {
			*ino = lists_top_ino(i);
			return 0;
		}
	}
	return -ENOENT;
}

static int lists_dir_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			   struct fs_dirent *ent)
{
	if (*pos >= LISTS_NR_TOP)
		return -ENOENT;
	ent->name = lists_top[*pos].name;
	ent->ino = lists_top_ino(*pos);
	return 0;
}

const struct fs_ops lists_dir_ops = {
	.stat = lists_dir_stat,
	.parent = lists_dir_parent,
	.lookup = lists_dir_lookup,
	.entry = lists_dir_entry,
};

/* ---- lists/nonfull/, lists/frag/ ------------------------------------------ */

static int lists_group_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (!lists_per_order((unsigned int)index))
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t lists_group_parent(struct fs *fs, uint64_t index)
{
	return fs_ino(FS_KIND_LISTS_DIR, 0);
}

static int lists_group_lookup(struct fs *fs, uint64_t index, const char *name,
			      fuse_ino_t *ino)
{
	uint64_t k;
	int rc = fs_parse_index(name, fs->snap->dev.nr_orders, &k);

	if (!rc)
		*ino = fs_ino(FS_KIND_LIST, lists_id((unsigned int)index, k + 1));
	return rc;
}

static int lists_group_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			     struct fs_dirent *ent)
{
	if (*pos >= fs->snap->dev.nr_orders)
		return -ENOENT;
	snprintf(ent->buf, sizeof(ent->buf), "%" PRIu64, *pos);
	ent->name = ent->buf;
	ent->ino = fs_ino(FS_KIND_LIST, lists_id((unsigned int)index, *pos + 1));
	return 0;
}

const struct fs_ops lists_group_ops = {
	.stat = lists_group_stat,
	.parent = lists_group_parent,
	.lookup = lists_group_lookup,
	.entry = lists_group_entry,
};

/* ---- a list ------------------------------------------------------------------ */

static int lists_list_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (!lists_valid(fs, index))
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t lists_list_parent(struct fs *fs, uint64_t index)
{
	if (lists_korder1(index))
		return fs_ino(FS_KIND_LIST_GROUP, lists_flag(index));
	return fs_ino(FS_KIND_LISTS_DIR, 0);
}

static int lists_list_lookup(struct fs *fs, uint64_t index, const char *name,
			     fuse_ino_t *ino)
{
	uint64_t ci;
	int rc = fs_parse_index(name, fs->snap->dev.nr_clusters, &ci);

	if (!rc)
		*ino = fs_ino(FS_KIND_LIST_LINK, index << 32 | ci);
	return rc;
}

/* Position = cluster index: the next cluster on the list from *@pos on. */
static int lists_list_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			    struct fs_dirent *ent)
{
	for (; *pos < fs->snap->dev.nr_clusters; (*pos)++) {
		if (!lists_has(fs, index, *pos))
			continue;
		snprintf(ent->buf, sizeof(ent->buf), "%" PRIu64, *pos);
		ent->name = ent->buf;
		ent->ino = fs_ino(FS_KIND_LIST_LINK, index << 32 | *pos);
		return 0;
	}
	return -ENOENT;
}

const struct fs_ops lists_list_ops = {
	.stat = lists_list_stat,
	.parent = lists_list_parent,
	.lookup = lists_list_lookup,
	.entry = lists_list_entry,
};

/* ---- a list's entry ---------------------------------------------------------- */

static int lists_link_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	uint64_t id = index >> 32;

	if (!lists_valid(fs, id) || !lists_has(fs, id, index & UINT32_MAX))
		return -ENOENT;
	node->type = FS_LINK;
	return 0;
}

/* lists/free/<i> is two levels below the root, lists/nonfull/<k>/<i> three. */
static int lists_link_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	fs_buf_printf(b, "%s../../clusters/%" PRIu64,
		      lists_korder1(index >> 32) ? "../" : "", index & UINT32_MAX);
	return 0;
}

const struct fs_ops lists_link_ops = {
	.stat = lists_link_stat,
	.content = lists_link_content,
};
