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
#include <string.h>

#include "fs.h"

enum procs_file {
	PROCS_COMM,
	PROCS_REFS,
	PROCS_NR_FILES,
};

static const char *const procs_names[PROCS_NR_FILES] = {
	[PROCS_COMM] = "comm",
	[PROCS_REFS] = "refs",
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

static int procs_dir_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (index)
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t procs_dir_parent(struct fs *fs, uint64_t index)
{
	return FUSE_ROOT_ID;
}

static int procs_dir_lookup(struct fs *fs, uint64_t index, const char *name,
			    fuse_ino_t *ino)
{
	uint64_t pid;
	long i;
	int rc = fs_parse_index(name, (uint64_t)INT32_MAX + 1, &pid);

	if (rc)
		return rc;
	i = snapshot_proc_find(fs->snap, (int32_t)pid);
	if (i < 0)
		return -ENOENT;
	*ino = fs_ino(FS_KIND_PROC, (uint64_t)i);
	return 0;
}

static int procs_dir_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			   struct fs_dirent *ent)
{
	if (*pos >= fs->snap->nr_procs)
		return -ENOENT;
	snprintf(ent->buf, sizeof(ent->buf), "%" PRId32, fs->snap->procs[*pos].pid);
	ent->name = ent->buf;
	ent->ino = fs_ino(FS_KIND_PROC, *pos);
	return 0;
}

const struct fs_ops procs_dir_ops = {
	.stat = procs_dir_stat,
	.parent = procs_dir_parent,
	.lookup = procs_dir_lookup,
	.entry = procs_dir_entry,
};

/* ---- procs/<pid>/ -------------------------------------------------------------- */

static int procs_proc_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (index >= fs->snap->nr_procs)
		return -ENOENT;
	node->type = FS_DIR;
	return 0;
}

static fuse_ino_t procs_proc_parent(struct fs *fs, uint64_t index)
{
	return fs_ino(FS_KIND_PROCS_DIR, 0);
}

static int procs_proc_lookup(struct fs *fs, uint64_t index, const char *name,
			     fuse_ino_t *ino)
{
	unsigned int i;

	for (i = 0; i < PROCS_NR_FILES; i++) {
		if (!strcmp(procs_names[i], name)) {
			*ino = fs_ino_sub(FS_KIND_PROC_FILE, index, i);
			return 0;
		}
	}
	return -ENOENT;
}

static int procs_proc_entry(struct fs *fs, uint64_t index, uint64_t *pos,
			    struct fs_dirent *ent)
{
	if (*pos >= PROCS_NR_FILES)
		return -ENOENT;
	ent->name = procs_names[*pos];
	ent->ino = fs_ino_sub(FS_KIND_PROC_FILE, index, (unsigned int)*pos);
	return 0;
}

const struct fs_ops procs_proc_ops = {
	.stat = procs_proc_stat,
	.parent = procs_proc_parent,
	.lookup = procs_proc_lookup,
	.entry = procs_proc_entry,
};

/* ---- procs/<pid>/<file> ---------------------------------------------------------- */

static int procs_file_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if ((index >> FS_FILE_BITS) >= fs->snap->nr_procs ||
	    (index & ((1u << FS_FILE_BITS) - 1)) >= PROCS_NR_FILES)
		return -ENOENT;
	node->type = FS_FILE;
	return 0;
}

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
	uint32_t proc = (uint32_t)(index >> FS_FILE_BITS);

	switch (index & ((1u << FS_FILE_BITS) - 1)) {
	case PROCS_COMM:
		fs_buf_printf(b, "%s\n", s->procs[proc].comm);
		return 0;
	case PROCS_REFS:
		procs_refs(s, proc, b);
		return 0;
	}
	return -ENOENT;
}

const struct fs_ops procs_file_ops = {
	.stat = procs_file_stat,
	.content = procs_file_content,
};
