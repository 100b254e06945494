// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procs.c - procs/<pid>/: the processes whose page tables map the device
 * (a capture's back-references, swapfs-snapshot(5) procs table), one
 * directory each, named by pid, holding comm and refs. Empty for sources
 * that do not see page tables. A process's inode is its index in the
 * snapshot's pid-sorted process table.
 *
 * Also the owners= field of the slot files (owners of one slot), so both
 * directions read from the same tables.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "dirs.h"

enum procs_file {
	PROCS_COMM,
	PROCS_REFS,
	PROCS_NR_FILES,
};

static const struct fs_name procs_names[] = {
	{ "comm", FS_KIND_PROC_FILE, PROCS_COMM },
	{ "refs", FS_KIND_PROC_FILE, PROCS_REFS },
};

void procs_slot_owners(const struct snapshot *s, uint32_t slot, struct fs_buf *b)
{
	size_t first, nr = snapshot_slot_refs(s, slot, &first), i;

	for (i = 0; i < nr; i++) {
		const struct snapshot_ref *r = &s->refs[s->refs_by_slot[first + i]];

		fs_buf_printf(b, "%s%" PRId32 ":0x%" PRIx64, i ? "," : " owners=",
			      s->procs[r->proc].pid, r->vaddr);
	}
}

/* ---- procs/ ------------------------------------------------------------------ */

/* A process is named by its pid. */
static void procs_dir_name(struct fs *fs, uint64_t index, uint64_t n,
			   struct fs_dirent *ent)
{
	snprintf(ent->buf, sizeof(ent->buf), "%" PRId32, fs->snap->procs[n].pid);
	ent->name = ent->buf;
}

static int procs_dir_lookup(struct fs *fs, uint64_t index, const char *name,
			    uint64_t *n)
{
	uint64_t pid;
	long i;
	int rc = fs_parse_index(name, (uint64_t)INT32_MAX + 1, &pid);

	if (rc)
		return rc;
	i = snapshot_proc_find(fs->snap, (int32_t)pid);
	if (i < 0)
		return -ENOENT;
	*n = (uint64_t)i;
	return 0;
}

const struct fs_kind procs_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	.child = FS_KIND_PROC,
	.name = procs_dir_name,
	.lookup = procs_dir_lookup,
};

/* ---- procs/<pid>/ -------------------------------------------------------------- */

const struct fs_kind procs_proc_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_PROCS_DIR,
	.rule = FS_INDEX_OWN,
	.count = FS_COUNT_PROCS,
	FS_NAMES(procs_names),
};

/* ---- procs/<pid>/<file> ---------------------------------------------------------- */

/* refs: "vaddr slot order", one line per page-table reference, by address. */
static void procs_refs(const struct snapshot *s, uint32_t proc, struct fs_buf *b)
{
	size_t first, nr = snapshot_proc_refs(s, proc, &first), i;
	unsigned int order;
	uint32_t start;

	fs_buf_printf(b, "vaddr slot order\n");
	for (i = first; i < first + nr; i++) {
		const struct snapshot_ref *r = &s->refs[i];

		if (snapshot_run_at(s, r->slot, &start, &order))
			fs_buf_printf(b, "0x%" PRIx64 " %" PRIu32 " unknown\n",
				      r->vaddr, r->slot);
		else
			fs_buf_printf(b, "0x%" PRIx64 " %" PRIu32 " %u\n",
				      r->vaddr, r->slot, order);
	}
}

static int procs_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	const struct snapshot *s = fs->snap;
	uint32_t proc = (uint32_t)fs_sub_dir(index);

	switch (fs_sub_file(index)) {
	case PROCS_COMM:
		fs_buf_printf(b, "%s\n", s->procs[proc].comm);
		return 0;
	case PROCS_REFS:
		procs_refs(s, proc, b);
		return 0;
	}
	return -ENOENT;
}

const struct fs_kind procs_file_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_PROC,
	.rule = FS_INDEX_SUB,
	.count = FS_COUNT_PROCS,
	.nr = PROCS_NR_FILES,
	.content = procs_file_content,
};
