// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs-node.c - the table of the tree's kinds of node, and what is common to
 * them, read from their data (fs-kind.h): whether a node exists, a
 * directory's parent, its entries by name (one lookup) and by position
 * (one listing), for directories named from a table and for numbered
 * ones alike. The kinds' hooks do the rest, in the directory files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dirs.h"
#include "fs-node.h"

const struct fs_kind *const fs_node_kinds[FS_NR_KINDS] = {
	[FS_KIND_ROOT] = &root_dir_kind,
	[FS_KIND_ROOT_FILE] = &root_file_kind,
	[FS_KIND_DEVICE_DIR] = &device_dir_kind,
	[FS_KIND_DEVICE_KEY] = &device_key_kind,
	[FS_KIND_HEADER_DIR] = &header_dir_kind,
	[FS_KIND_HEADER_FIELD] = &header_field_kind,
	[FS_KIND_STATS_DIR] = &stats_dir_kind,
	[FS_KIND_STATS_FILE] = &stats_file_kind,
	[FS_KIND_CLUSTERS_DIR] = &clusters_dir_kind,
	[FS_KIND_CLUSTER] = &clusters_cluster_kind,
	[FS_KIND_CLUSTER_FILE] = &clusters_file_kind,
	[FS_KIND_CLUSTER_SLOTS] = &clusters_slots_kind,
	[FS_KIND_SLOT] = &clusters_slot_kind,
	[FS_KIND_ORDERS_DIR] = &orders_dir_kind,
	[FS_KIND_ORDER] = &orders_order_kind,
	[FS_KIND_ORDER_FILE] = &orders_file_kind,
	[FS_KIND_ORDER_CLUSTERS] = &orders_clusters_kind,
	[FS_KIND_ORDER_LINK] = &orders_link_kind,
	[FS_KIND_LISTS_DIR] = &lists_dir_kind,
	[FS_KIND_LIST_GROUP] = &lists_group_kind,
	[FS_KIND_LIST] = &lists_list_kind,
	[FS_KIND_LIST_LINK] = &lists_link_kind,
	[FS_KIND_CACHE_DIR] = &cache_dir_kind,
	[FS_KIND_FOLIO] = &cache_folio_kind,
	[FS_KIND_FOLIO_FILE] = &cache_file_kind,
	[FS_KIND_FINDINGS_DIR] = &findings_dir_kind,
	[FS_KIND_FINDINGS_FILE] = &findings_file_kind,
	[FS_KIND_PROCS_DIR] = &procs_dir_kind,
	[FS_KIND_PROC] = &procs_proc_kind,
	[FS_KIND_PROC_FILE] = &procs_file_kind,
	[FS_KIND_SERIES_DIR] = &series_dir_kind,
	[FS_KIND_SERIES_SNAP] = &series_snap_kind,
	[FS_KIND_SERIES_FILE] = &series_file_kind,
	[FS_KIND_AREAS_DIR] = &areas_dir_kind,
};

/* The bound k->count stands for in this model. */
static uint64_t fs_node_count(const struct fs *fs, const struct fs_kind *k)
{
	const struct snapshot *s = fs->snap;

	switch (k->count) {
	case FS_COUNT_FIXED:
		return k->nr;
	case FS_COUNT_ANY:
		break;
	case FS_COUNT_INFO:
		return s->nr_info;
	case FS_COUNT_SLOTS:
		return s->dev.max;
	case FS_COUNT_CLUSTERS:
		return s->dev.nr_clusters;
	case FS_COUNT_ORDERS:
		return s->dev.nr_orders;
	case FS_COUNT_FOLIOS:
		return s->nr_folios;
	case FS_COUNT_PROCS:
		return s->nr_procs;
	case FS_COUNT_SERIES:
		return series_dir_count(fs);
	}
	return UINT64_MAX;
}

/* Whether @index is a number the rule and the count of kind @id allow. */
static bool fs_node_allowed(const struct fs *fs, enum fs_kind_id id,
			    const struct fs_kind *k, uint64_t index)
{
	switch (k->rule) {
	case FS_INDEX_ONE:
		return index == fs_index_one(id);
	case FS_INDEX_OWN:
	case FS_INDEX_DIR:
		return index < fs_node_count(fs, k);
	case FS_INDEX_SUB:
		return fs_sub_dir(index) < fs_node_count(fs, k) &&
		       fs_sub_file(index) < k->nr;
	case FS_INDEX_PAIR:
		return fs_pair_n(index) < fs_node_count(fs, k);
	}
	return false;
}

int fs_node_find(struct fs *fs, fuse_ino_t ino, struct fs_node *node)
{
	const struct fs_kind *k = fs_node_kind(ino);
	uint64_t index = fs_ino_index(ino);

	/* from here on, the state of the node's area (areas/<n>/) */
	fs = fs_area(fs, ino);
	if (!k || !fs || !fs_node_allowed(fs, fs_ino_kind(ino), k, index))
		return -ENOENT;
	*node = (struct fs_node){ .type = k->type };
	return k->stat ? k->stat(fs, index, node) : 0;
}

int fs_node_stat(struct fs *fs, fuse_ino_t ino, struct fs_node *node)
{
	struct fs_buf b;
	int rc = fs_node_find(fs, ino, node);

	if (rc || node->type == FS_DIR || node->sized)
		return rc;
	/* small files: measuring is generating (into the inline space) */
	fs_buf_init(&b);
	rc = fs_node_kind(ino)->content(fs_area(fs, ino), fs_ino_index(ino), &b) ?: b.err;
	node->size = b.len;
	fs_buf_free(&b);
	return rc;
}

/* The parent of @dir within its area's tree, untagged. */
static fuse_ino_t fs_node_parent_in(struct fs *fs, fuse_ino_t dir)
{
	const struct fs_kind *k = fs_node_kind(dir);
	uint64_t index = fs_ino_index(dir);

	if (k->parent)
		return k->parent(fs, index);
	switch (k->rule) {
	case FS_INDEX_DIR:
		return fs_ino(k->dir, index);
	case FS_INDEX_SUB:
		return fs_ino(k->dir, fs_sub_dir(index));
	case FS_INDEX_PAIR:
		return fs_ino(k->dir, fs_pair_dir(index));
	default:
		return fs_ino_one(k->dir);
	}
}

fuse_ino_t fs_node_parent(struct fs *fs, fuse_ino_t dir)
{
	struct fs *area = fs_area(fs, dir);
	uint64_t tag = dir & FS_AREA_MASK;

	if (!area)
		return FUSE_ROOT_ID;
	/* areas/<n>/ is its tree's root, in areas/ */
	if (tag && fs_ino_kind(dir) == FS_KIND_ROOT)
		return fs_ino_one(FS_KIND_AREAS_DIR);
	return fs_node_parent_in(area, dir) | tag;
}

/* The inode of entry @n of directory @index of kind @k. */
static fuse_ino_t fs_node_child(const struct fs_kind *k, uint64_t index,
				uint64_t n)
{
	enum fs_kind_id kind = k->names ? k->names[n].kind : k->child;

	if (k->names)
		n = k->names[n].n;
	if (k->child_index)
		return fs_ino(kind, k->child_index(index, n));
	switch (fs_node_kinds[kind]->rule) {
	case FS_INDEX_ONE:
		return fs_ino_one(kind);
	case FS_INDEX_DIR:
		return fs_ino(kind, index);
	case FS_INDEX_SUB:
		return fs_ino(kind, index << FS_FILE_BITS | n);
	case FS_INDEX_PAIR:
		return fs_ino(kind, index << FS_PAIR_BITS | n);
	default:
		return fs_ino(kind, n);
	}
}

/* The numbers directory @index of kind @k lists: [*@first, *@end). */
static void fs_node_range(struct fs *fs, const struct fs_kind *k,
			  uint64_t index, uint64_t *first, uint64_t *end)
{
	*first = 0;
	if (k->range)
		k->range(fs, index, first, end);
	else if (k->names)
		*end = k->nr_names;
	else
		*end = fs_node_count(fs, fs_node_kinds[k->child]);
}

/*
 * @n in decimal, at the end of ent->buf: what snprintf("%" PRIu64) gives,
 * at a fraction of its cost, which counts for the million entries of the
 * slots/ directories.
 */
static void fs_node_decimal(uint64_t n, struct fs_dirent *ent)
{
	char *p = ent->buf + sizeof(ent->buf);

	*--p = '\0';
	do {
		*--p = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	ent->name = p;
}

static void fs_node_name(struct fs *fs, const struct fs_kind *k,
			 uint64_t index, uint64_t n, struct fs_dirent *ent)
{
	if (k->names)
		ent->name = k->names[n].name;
	else if (k->name)
		k->name(fs, index, n, ent);
	else
		fs_node_decimal(n, ent);
}

/* A directory of a dozen names: a scan is cheaper than any index. */
static int fs_node_scan(struct fs *fs, const struct fs_kind *k, uint64_t index,
			const char *name, uint64_t *n)
{
	struct fs_dirent ent;
	uint64_t first, end, i;

	fs_node_range(fs, k, index, &first, &end);
	for (i = first; i < end; i++) {
		fs_node_name(fs, k, index, i, &ent);
		if (!strcmp(ent.name, name)) {
			*n = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* A numbered directory: the name is the number. */
static int fs_node_number(struct fs *fs, const struct fs_kind *k,
			  uint64_t index, const char *name, uint64_t *n)
{
	uint64_t first, end;
	int rc;

	fs_node_range(fs, k, index, &first, &end);
	rc = fs_parse_index(name, end, n);
	return rc || *n >= first ? rc : -ENOENT;
}

int fs_node_lookup(struct fs *fs, fuse_ino_t dir, const char *name,
		   fuse_ino_t *ino)
{
	const struct fs_kind *k = fs_node_kind(dir);
	uint64_t index = fs_ino_index(dir), n;
	int rc;

	if (!k || k->type != FS_DIR)
		return -ENOTDIR;
	fs = fs_area(fs, dir);
	if (!fs)
		return -ENOENT;
	if (k->lookup)
		rc = k->lookup(fs, index, name, &n);
	else if (k->names || k->name)
		rc = fs_node_scan(fs, k, index, name, &n);
	else
		rc = fs_node_number(fs, k, index, name, &n);
	if (!rc && k->has && !k->has(fs, index, n))
		rc = -ENOENT;
	if (!rc)
		*ino = fs_node_child(k, index, n) | (dir & FS_AREA_MASK);
	return rc;
}

int fs_node_entry(struct fs *fs, fuse_ino_t dir, uint64_t *pos,
		  struct fs_dirent *ent)
{
	const struct fs_kind *k = fs_node_kind(dir);
	uint64_t index = fs_ino_index(dir), first, end, n;

	fs = fs_area(fs, dir);
	if (!fs)
		return -ENOENT;
	fs_node_range(fs, k, index, &first, &end);
	for (n = first + *pos; n < end; n++) {
		if (k->has && !k->has(fs, index, n))
			continue;
		fs_node_name(fs, k, index, n, ent);
		ent->ino = fs_node_child(k, index, n) | (dir & FS_AREA_MASK);
		*pos = n - first;
		return 0;
	}
	return -ENOENT;
}

/* The name of @ino in directory @dir into @ent; -ENOENT when not there. */
static int fs_node_name_in(struct fs *fs, fuse_ino_t dir, fuse_ino_t ino,
			   struct fs_dirent *ent)
{
	uint64_t pos;

	for (pos = 0; !fs_node_entry(fs, dir, &pos, ent); pos++) {
		if (ent->ino == ino)
			return 0;
	}
	return -ENOENT;
}

void fs_node_path(struct fs *fs, fuse_ino_t ino, char *buf, size_t len)
{
	struct fs_dirent ent;
	fuse_ino_t dir;
	size_t n = 0;

	if (!len)
		return;
	if (ino == FUSE_ROOT_ID) {
		snprintf(buf, len, ".");
		return;
	}
	dir = fs_node_parent(fs, ino);
	buf[0] = '\0';
	if (dir != FUSE_ROOT_ID && dir != ino) {
		fs_node_path(fs, dir, buf, len);
		n = strlen(buf);
	}
	snprintf(buf + n, len - n, "%s%s", n ? "/" : "",
		 fs_node_name_in(fs, dir, ino, &ent) ? "?" : ent.name);
}
