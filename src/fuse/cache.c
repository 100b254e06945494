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

#include "dirs.h"

enum cache_file {
	CACHE_ORDER,
	CACHE_FLAGS,
	CACHE_NR_PAGES,
	CACHE_CLUSTER,		/* a symlink */
	CACHE_NR_FILES,
};

static const struct fs_name cache_names[] = {
	{ "order", FS_KIND_FOLIO_FILE, CACHE_ORDER },
	{ "flags", FS_KIND_FOLIO_FILE, CACHE_FLAGS },
	{ "nr_pages", FS_KIND_FOLIO_FILE, CACHE_NR_PAGES },
	{ "cluster", FS_KIND_FOLIO_FILE, CACHE_CLUSTER },
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

/* A folio is named by its first slot. */
static void cache_dir_name(struct fs *fs, uint64_t index, uint64_t n,
			   struct fs_dirent *ent)
{
	snprintf(ent->buf, sizeof(ent->buf), "%" PRIu32, fs->snap->folios[n].offset);
	ent->name = ent->buf;
}

static int cache_dir_lookup(struct fs *fs, uint64_t index, const char *name,
			    uint64_t *n)
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
	*n = i;
	return 0;
}

const struct fs_kind cache_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	.child = FS_KIND_FOLIO,
	.name = cache_dir_name,
	.lookup = cache_dir_lookup,
};

/* ---- cache/<offset>/ ---------------------------------------------------------- */

const struct fs_kind cache_folio_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_CACHE_DIR,
	.rule = FS_INDEX_OWN,
	.count = FS_COUNT_FOLIOS,
	FS_NAMES(cache_names),
};

/* ---- cache/<offset>/<file> ------------------------------------------------------ */

static int cache_file_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (fs_sub_file(index) == CACHE_CLUSTER)
		node->type = FS_LINK;
	return 0;
}

static int cache_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	const struct snapshot *s = fs->snap;
	const struct snapshot_folio *f = &s->folios[fs_sub_dir(index)];
	size_t before;

	switch (fs_sub_file(index)) {
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

const struct fs_kind cache_file_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_FOLIO,
	.rule = FS_INDEX_SUB,
	.count = FS_COUNT_FOLIOS,
	.nr = CACHE_NR_FILES,
	.stat = cache_file_stat,
	.content = cache_file_content,
};
