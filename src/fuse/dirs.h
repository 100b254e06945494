/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dirs.h - the directory files: the kinds of node each serves (fs-kind.h;
 * fs-node.c's table holds them), and what one lends another or the
 * mount command. Each file serves the directory it is named after.
 */
#ifndef SWAPFS_FUSE_DIRS_H
#define SWAPFS_FUSE_DIRS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <swapfs/analysis.h>
#include <swapfs/diag.h>
#include <swapfs/snapshot.h>

#include "fs-buf.h"
#include "fs-kind.h"
#include "fs-parse.h"
#include "fs-state.h"

extern const struct fs_kind root_dir_kind, root_file_kind;
extern const struct fs_kind device_dir_kind, device_key_kind;
extern const struct fs_kind header_dir_kind, header_field_kind;
extern const struct fs_kind stats_dir_kind, stats_file_kind;
extern const struct fs_kind clusters_dir_kind, clusters_cluster_kind,
	clusters_file_kind, clusters_slots_kind, clusters_slot_kind;
extern const struct fs_kind orders_dir_kind, orders_order_kind,
	orders_file_kind, orders_clusters_kind, orders_link_kind;
extern const struct fs_kind lists_dir_kind, lists_group_kind, lists_list_kind,
	lists_link_kind;
extern const struct fs_kind cache_dir_kind, cache_folio_kind, cache_file_kind;
extern const struct fs_kind findings_dir_kind, findings_file_kind;
extern const struct fs_kind procs_dir_kind, procs_proc_kind, procs_file_kind;
extern const struct fs_kind series_dir_kind, series_snap_kind, series_file_kind;
extern const struct fs_kind areas_dir_kind;

/*
 * procs_slot_owners - " owners=PID:0xVADDR,..." for a slot that processes
 * map (a capture), nothing otherwise (procs.c).
 */
void procs_slot_owners(const struct snapshot *s, uint32_t slot, struct fs_buf *b);

/*
 * header_dir_read - (re)read the --header target's header into fs->hdr
 * (header.c). Returns 0 or -errno (target_open()'s and
 * target_read_header()'s).
 */
int header_dir_read(struct fs *fs);

/*
 * cache_folio_flags - a folio's flags as a dump's cache file writes them,
 * known names in bit order then the others: "locked,uptodate" (cache.c;
 * nothing for none).
 */
void cache_folio_flags(const struct snapshot *s, const struct snapshot_folio *f,
		       struct fs_buf *b);

/*
 * findings_add_line - an analysis_finding_fn appending the finding's line
 * and a newline to the struct fs_buf @arg (findings.c).
 */
int findings_add_line(const struct analysis_finding *f, void *arg);

/*
 * findings_analyse - the analysis of fs->snap into fs->an, measuring the
 * findings files on the way (findings.c). Returns 0 or -errno.
 */
int findings_analyse(struct fs *fs);

/* findings_index_free - free findings.c's cache (fs_destroy()). */
void findings_index_free(struct findings_index *idx);

/*
 * What series/<N>/diff and diff.json are made with: swapfs diff's loading
 * of an operand and its printers, which are the command's, above the
 * tree; swapfs mount lends them (cmd-diff-out.h). A state is opaque here.
 *
 * load: snapshot @id of the snapshot file @src, with what a diff needs,
 * into *@state. Returns 0 or -errno, @d saying why where it can.
 * free: free a state (NULL is fine).
 * print: what `swapfs diff [--json] FILE@M FILE@N` prints for states @a
 * and @b, named @name_a and @name_b, on @fp (@json: --json). Returns 0
 * or -errno.
 */
struct series_ops {
	int (*load)(const char *src, int64_t id, void **state, struct diag *d);
	void (*free)(void *state);
	int (*print)(const char *name_a, const void *a, const char *name_b,
		     const void *b, bool json, FILE *fp);
};

/*
 * series_dir_open - series/ for the snapshot file @path (absolute),
 * named @name in the diffs (as the user gave it), when it holds two
 * snapshots or more; nothing for any other source (series.c). Lists the
 * ids now; loads nothing. @ops must outlive @fs. Returns 0 or -errno
 * with @d filled.
 */
int series_dir_open(struct fs *fs, const char *path, const char *name,
		    const struct series_ops *ops, struct diag *d);

/* series_dir_free - free series.c's state (fs_destroy(); NULL is fine). */
void series_dir_free(struct series *se);

/* series_dir_count - how many snapshots series/ lists (0: no series/). */
uint64_t series_dir_count(const struct fs *fs);

#endif /* SWAPFS_FUSE_DIRS_H */
