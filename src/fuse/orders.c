// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * orders.c - orders/<k>/: what folio order k owns. A cluster is owned by
 * the order in its ci->order, whatever list it is on (a free cluster by
 * order 0), as the analysis counts it; orders/<k>/clusters/<i> is a
 * symlink to ../../../clusters/<i> for each.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"

enum orders_file {
	ORDERS_NR_CLUSTERS,
	ORDERS_ALLOCATABLE,
	ORDERS_FOLIOS,
	ORDERS_NR_FILES,
};

static const char *const orders_names[ORDERS_NR_FILES + 1] = {
	[ORDERS_NR_CLUSTERS] = "nr_clusters",
	[ORDERS_ALLOCATABLE] = "allocatable",
	[ORDERS_FOLIOS] = "folios",
	[ORDERS_NR_FILES] = "clusters",
};

/* orders/<k>/clusters/<i> exists: cluster @ci is owned by order @k. */
static bool orders_owns(const struct fs *fs, uint64_t k, uint64_t ci)
{
	const struct snapshot_cluster *cl;

	if (ci >= fs->snap->dev.nr_clusters)
		return false;
	cl = &fs->snap->clusters[ci];
	return cl->order == k && cl->flags < SNAPSHOT_CLUSTER_NR_FLAGS;
}

/* ---- orders/ ------------------------------------------------------------ */

static int orders_dir_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (index)
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t orders_dir_parent(struct fs *fs, uint64_t index)
{
	return FUSE_ROOT_ID;
}

static int orders_dir_lookup(struct fs *fs, uint64_t index, const char *name,
			     fuse_ino_t *ino)
{
	uint64_t k;
	int rc = fs_parse_index(name, fs->snap->dev.nr_orders, &k);

	if (!rc)
		*ino = fs_ino(FS_KIND_ORDER, k);
	return rc;
}

static int orders_dir_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			    struct fs_dirent *ent)
{
	if (*pos >= fs->snap->dev.nr_orders)
		return -ENOENT;
	snprintf(ent->buf, sizeof(ent->buf), "%" PRIu64, *pos);
	ent->name = ent->buf;
	ent->ino = fs_ino(FS_KIND_ORDER, *pos);
	return 0;
}

const struct fs_ops orders_dir_ops = {
	.stat = orders_dir_stat,
	.parent = orders_dir_parent,
	.lookup = orders_dir_lookup,
	.entry = orders_dir_entry,
};

/* ---- orders/<k>/ ---------------------------------------------------------- */

static int orders_order_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (index >= fs->snap->dev.nr_orders)
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t orders_order_parent(struct fs *fs, uint64_t index)
{
	return fs_ino(FS_KIND_ORDERS_DIR, 0);
}

static fuse_ino_t orders_child(uint64_t k, unsigned int file)
{
	if (file == ORDERS_NR_FILES)
		return fs_ino(FS_KIND_ORDER_CLUSTERS, k);
	return fs_ino_sub(FS_KIND_ORDER_FILE, k, file);
}

static int orders_order_lookup(struct fs *fs, uint64_t index, const char *name,
			       fuse_ino_t *ino)
{
	unsigned int i;

	for (i = 0; i <= ORDERS_NR_FILES; i++) {
		if (!strcmp(orders_names[i], name)) {
			*ino = orders_child(index, i);
			return 0;
		}
	}
	return -ENOENT;
}

static int orders_order_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			      struct fs_dirent *ent)
{
	if (*pos > ORDERS_NR_FILES)
		return -ENOENT;
	ent->name = orders_names[*pos];
	ent->ino = orders_child(index, (unsigned int)*pos);
	return 0;
}

const struct fs_ops orders_order_ops = {
	.stat = orders_order_stat,
	.parent = orders_order_parent,
	.lookup = orders_order_lookup,
	.entry = orders_order_entry,
};

/* ---- orders/<k>/<file> ------------------------------------------------------ */

static int orders_file_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if ((index >> FS_FILE_BITS) >= fs->snap->dev.nr_orders ||
	    (index & ((1u << FS_FILE_BITS) - 1)) >= ORDERS_NR_FILES)
		return -ENOENT;
	node->type = FS_FILE;
	return 0;
}

static int orders_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	const struct analysis_order *o = &fs->an->orders[index >> FS_FILE_BITS];
	uint64_t owned = 0;
	unsigned int f;

	switch (index & ((1u << FS_FILE_BITS) - 1)) {
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
	}
	return -ENOENT;
}

const struct fs_ops orders_file_ops = {
	.stat = orders_file_stat,
	.content = orders_file_content,
};

/* ---- orders/<k>/clusters/ ------------------------------------------------------ */

static fuse_ino_t orders_clusters_parent(struct fs *fs, uint64_t index)
{
	return fs_ino(FS_KIND_ORDER, index);
}

static int orders_clusters_lookup(struct fs *fs, uint64_t index, const char *name,
				  fuse_ino_t *ino)
{
	uint64_t ci;
	int rc = fs_parse_index(name, fs->snap->dev.nr_clusters, &ci);

	if (!rc)
		*ino = fs_ino(FS_KIND_ORDER_LINK, index << 32 | ci);
	return rc;
}

/* Position = cluster index: the next owned cluster from *@pos on. */
static int orders_clusters_entry(struct fs *fs, uint64_t index, uint64_t *pos,
				 struct fs_dirent *ent)
{
	for (; *pos < fs->snap->dev.nr_clusters; (*pos)++) {
		if (!orders_owns(fs, index, *pos))
			continue;
		snprintf(ent->buf, sizeof(ent->buf), "%" PRIu64, *pos);
		ent->name = ent->buf;
		ent->ino = fs_ino(FS_KIND_ORDER_LINK, index << 32 | *pos);
		return 0;
	}
	return -ENOENT;
}

const struct fs_ops orders_clusters_ops = {
	.stat = orders_order_stat,
	.parent = orders_clusters_parent,
	.lookup = orders_clusters_lookup,
	.entry = orders_clusters_entry,
};

/* ---- orders/<k>/clusters/<i> ---------------------------------------------------- */

static int orders_link_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (!orders_owns(fs, index >> 32, index & UINT32_MAX))
		return -ENOENT;
	node->type = FS_LINK;
	return 0;
}

static int orders_link_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	fs_buf_printf(b, "../../../clusters/%" PRIu64, index & UINT32_MAX);
	return 0;
}

const struct fs_ops orders_link_ops = {
	.stat = orders_link_stat,
	.content = orders_link_content,
};
