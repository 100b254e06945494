// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root.c - the mount's top directory and its files: README (how to read
 * the tree), source (where the data came from), edits (the journal),
 * refused (the last refused request, and why).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "dirs.h"
#include "fs-live.h"

enum root_file {
	ROOT_README,
	ROOT_SOURCE,
	ROOT_EDITS,
	ROOT_REFUSED,
	ROOT_NR_FILES,
};

static const char root_readme[] =
"This is a swapfs(8) mount: the allocation state of one Linux swap device,\n"
"as the kernel keeps it. One value per file, newline-terminated; a table\n"
"(where a list is the value) starts with a header line. An empty file\n"
"means none.\n"
"\n"
"README              this file\n"
"source              where the data came from\n"
"edits               edits made through this mount, one per line\n"
"refused             the last refused request: time, errno, path and why\n"
"device/<key>        the device's info keys (max, pages, inuse_pages, ...)\n"
"header/<field>      the on-disk swap header (swapfs mount --header)\n"
"stats/<name>        device totals: slots_*, clusters_<flag>, vm_swap_full\n"
"stats/orders        per order: order clusters free nonfull frag full allocatable\n"
"clusters/<i>/       one cluster: order flags count first_slot used free\n"
"                    cached bad map folios findings, slots/<offset>\n"
"orders/<k>/         clusters/ owned by order k, nr_clusters, allocatable, folios\n"
"lists/              free full discard nonfull/<k> frag/<k>: the kernel's lists,\n"
"                    as symlinks to the clusters on them\n"
"cache/<offset>/     a swap-cache folio: order flags nr_pages cluster\n"
"findings/<check>    the lines of `swapfs check`, by check; findings/all: all\n"
"procs/<pid>/        a process that maps slots (swapfs capture): comm, and refs,\n"
"                    a table of vaddr slot order; empty for other sources\n"
"series/<N>/         a snapshot N of a time series (a snapshot file of two or\n"
"                    more): diff and diff.json, what `swapfs diff [--json]\n"
"                    FILE@M FILE@N` prints, M the snapshot before N (empty\n"
"                    for the first)\n"
"areas/<n>/          with several areas read at one moment: area n's tree, as\n"
"                    the top one is area 0's (0: the one the kernel tries first)\n"
"\n"
"clusters/<i>/slots/<offset>: count=N cached=0|1 bad=0|1 zero=0|1 zswap=0|1\n"
"order=K|unknown, and for a capture owners=PID:0xVADDR,... (who maps it).\n"
"\n"
"clusters/<i>/map: one character per slot, 64 slots per line:\n"
"  .  free\n"
"  u  used, count 1\n"
"  m  used, count 2 or more\n"
"  c  cache-only: held by the swap cache, count 0\n"
"  b  bad (the header page, a bad page)\n"
"  z  used, in zswap\n"
"  e  used, a zero page\n"
"When several apply, the first of b c z e m/u wins. Where a finding of the\n"
"cluster (clusters/<i>/findings) covers a slot, its letter is upper case,\n"
"and a free slot shows '!'.\n"
"\n"
"Writable on a read-write mount (-o rw): header/label, header/uuid,\n"
"clusters/<i>/flags, clusters/<i>/order, clusters/<i>/slots/<offset>\n"
"(key=value assignments). Edits are saved when a written file is closed,\n"
"on fsync and at unmount. See swapfs(8), MOUNT.\n";

/* The root's entries, in listing order. */
static const struct fs_name root_names[] = {
	{ "README", FS_KIND_ROOT_FILE, ROOT_README },
	{ "source", FS_KIND_ROOT_FILE, ROOT_SOURCE },
	{ "edits", FS_KIND_ROOT_FILE, ROOT_EDITS },
	{ "refused", FS_KIND_ROOT_FILE, ROOT_REFUSED },
	{ "device", FS_KIND_DEVICE_DIR, 0 },
	{ "header", FS_KIND_HEADER_DIR, 0 },
	{ "stats", FS_KIND_STATS_DIR, 0 },
	{ "clusters", FS_KIND_CLUSTERS_DIR, 0 },
	{ "orders", FS_KIND_ORDERS_DIR, 0 },
	{ "lists", FS_KIND_LISTS_DIR, 0 },
	{ "cache", FS_KIND_CACHE_DIR, 0 },
	{ "findings", FS_KIND_FINDINGS_DIR, 0 },
	{ "procs", FS_KIND_PROCS_DIR, 0 },
	{ "series", FS_KIND_SERIES_DIR, 0 },
	{ "areas", FS_KIND_AREAS_DIR, 0 },
};

/*
 * header/ is there only with --header, series/ only for a time series,
 * areas/ only with several areas.
 */
static bool root_dir_has(struct fs *fs, uint64_t index, uint64_t n)
{
	switch (root_names[n].kind) {
	case FS_KIND_HEADER_DIR:
		return fs->header_path;
	case FS_KIND_SERIES_DIR:
		return fs->series;
	case FS_KIND_AREAS_DIR:
		return fs->nr_areas > 1;
	default:
		return true;
	}
}

const struct fs_kind root_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	FS_NAMES(root_names),
	.has = root_dir_has,
};

static void root_line(struct fs_buf *b, const char *key, const char *value)
{
	if (value)
		fs_buf_printf(b, "%s: %s\n", key, value);
}

/* "key: value" lines; the keys are `swapfs stat --json`'s "source" keys. */
static void root_source(struct fs *fs, struct fs_buf *b)
{
	const struct snapshot *s = fs->snap;
	char era[2] = { s->dev.era, '\0' };

	root_line(b, "path", s->prov.source_path);
	root_line(b, "kind", s->prov.source_kind);
	root_line(b, "kernel", s->dev.kernel);
	root_line(b, "era", era);
	root_line(b, "created", s->prov.created);
	if (s->prov.id)
		fs_buf_printf(b, "snapshot: %" PRId64 "\n", s->prov.id);
	if (s->prov.step >= 0)
		fs_buf_printf(b, "step: %" PRId64 "\n", s->prov.step);
	root_line(b, "note", s->prov.note);
	root_line(b, "header", fs->header_path);
	root_line(b, "mode", fs->rw ? "rw" : "ro");
	root_line(b, "save", fs->rw ? fs->save_path : NULL);
	fs_live_source(fs, b);
}

static void root_edits(const struct fs *fs, struct fs_buf *b)
{
	const char *const *lines;
	size_t nr = 0, i;

	if (!fs->edit)
		return;
	lines = snapedit_journal(fs->edit, &nr);
	for (i = 0; i < nr; i++)
		fs_buf_printf(b, "%s\n", lines[i]);
}

static int root_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	switch (index) {
	case ROOT_README:
		fs_buf_add(b, root_readme, sizeof(root_readme) - 1);
		return 0;
	case ROOT_SOURCE:
		root_source(fs, b);
		return 0;
	case ROOT_EDITS:
		root_edits(fs, b);
		return 0;
	case ROOT_REFUSED:
		fs_state_refused(fs, b);
		return 0;
	}
	return -ENOENT;
}

const struct fs_kind root_file_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_OWN,
	.nr = ROOT_NR_FILES,
	.content = root_file_content,
};
