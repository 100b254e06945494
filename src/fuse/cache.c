// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cache.c - cache/<offset>/: the folios in the swap cache (the dump's
 * cache file: folio->swap, folio_order(), folio flags), one directory
 * each, named by its first slot. A folio's inode is its index in the
 * snapshot's sorted folio table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"

enum cache_file {
	CACHE_ORDER,
	CACHE_FLAGS,
	CACHE_NR_PAGES,
	CACHE_CLUSTER,		/* a symlink */
	CACHE_NR_FILES,
};

static const char *const cache_names[CACHE_NR_FILES] = {
	[CACHE_ORDER] = "order",
	[CACHE_FLAGS] = "flags",
	[CACHE_NR_PAGES] = "nr_pages",
	[CACHE_CLUSTER] = "cluster",
};

void cache_folio_flags(const struct snapshot *s, const struct snapshot_folio *f,
		       struct fs_buf *b)
{
	const char *extra = snapshot_folio_extra(s, f);
	const char *sep = "";
	unsigned int bit;

	for (bit = 0; bit < SNAPSHOT_FOLIO_NR_FLAGS; bit++) {
		if (f->flags & (1u << bit)) {
			fs_buf_printf(b, "%s%s", sep, snapshot_folio_flag_name(bit));
			sep = ",";
		}
	}
	if (*extra)
		fs_buf_printf(b, "%s%s", sep, extra);
}

/* ---- cache/ ---------------------------------------------------------------- */

static int cache_dir_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (index)
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t cache_dir_parent(struct fs *fs, uint64_t index)
{
	return FUSE_ROOT_ID;
}

static int cache_dir_lookup(struct fs *fs, uint64_t index, const char *name,
			    fuse_ino_t *ino)
{
	const struct snapshot *s = fs->snap;
	uint64_t offset;
	size_t i;
	int rc = fs_parse_index(name, s->dev.max, &offset);

	if (rc)
		return rc;
	i = snapshot_folios_from(s, (uint32_t)offset);
	if (i >= s->nr_folios || s->folios[i].offset != offset)
		return -ENOENT;
	*ino = fs_ino(FS_KIND_FOLIO, i);
	return 0;
}

static int cache_dir_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			   struct fs_dirent *ent)
{
	if (*pos >= fs->snap->nr_folios)
		return -ENOENT;
	snprintf(ent->buf, sizeof(ent->buf), "%" PRIu32,
		 fs->snap->folios[*pos].offset);
	ent->name = ent->buf;
	ent->ino = fs_ino(FS_KIND_FOLIO, *pos);
	return 0;
}

const struct fs_ops cache_dir_ops = {
	.stat = cache_dir_stat,
	.parent = cache_dir_parent,
	.lookup = cache_dir_lookup,
	.entry = cache_dir_entry,
};

/* ---- cache/<offset>/ ---------------------------------------------------------- */

static int cache_folio_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (index >= fs->snap->nr_folios)
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t cache_folio_parent(struct fs *fs, uint64_t index)
{
	return fs_ino(FS_KIND_CACHE_DIR, 0);
}

static int cache_folio_lookup(struct fs *fs, uint64_t index, const char *name,
			      fuse_ino_t *ino)
{
	unsigned int i;

	for (i = 0; i < CACHE_NR_FILES; i++) {
		if (!strcmp(cache_names[i], name)) {
			*ino = fs_ino_sub(FS_KIND_FOLIO_FILE, index, i);
			return 0;
		}
	}
	return -ENOENT;
}

static int cache_folio_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			     struct fs_dirent *ent)
{
	if (*pos >= CACHE_NR_FILES)
		return -ENOENT;
	ent->name = cache_names[*pos];
	ent->ino = fs_ino_sub(FS_KIND_FOLIO_FILE, index, (unsigned int)*pos);
	return 0;
}

const struct fs_ops cache_folio_ops = {
	.stat = cache_folio_stat,
	.parent = cache_folio_parent,
	.lookup = cache_folio_lookup,
	.entry = cache_folio_entry,
};

/* ---- cache/<offset>/<file> ------------------------------------------------------ */

static int cache_file_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	unsigned int file = index & ((1u << FS_FILE_BITS) - 1);

	if ((index >> FS_FILE_BITS) >= fs->snap->nr_folios || file >= CACHE_NR_FILES)
		return -ENOENT;
	node->type = file == CACHE_CLUSTER ? FS_LINK : FS_FILE;
	return 0;
}

static int cache_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	const struct snapshot *s = fs->snap;
	const struct snapshot_folio *f = &s->folios[index >> FS_FILE_BITS];
	size_t before;

	switch (index & ((1u << FS_FILE_BITS) - 1)) {
	case CACHE_ORDER:
		fs_buf_printf(b, "%u\n", f->order);
		return 0;
	case CACHE_FLAGS:
		before = b->len;
		cache_folio_flags(s, f, b);
		if (b->len != before)
			fs_buf_add(b, "\n", 1);
		return 0;
	case CACHE_NR_PAGES:
		fs_buf_printf(b, "%" PRIu64 "\n", UINT64_C(1) << f->order);
		return 0;
	case CACHE_CLUSTER:
		fs_buf_printf(b, "../../clusters/%" PRIu32,
			      f->offset >> s->dev.cluster_shift);
		return 0;
	}
	return -ENOENT;
}

const struct fs_ops cache_file_ops = {
	.stat = cache_file_stat,
	.content = cache_file_content,
};
