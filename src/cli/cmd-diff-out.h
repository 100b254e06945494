/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-diff-out.h - what the files of swapfs diff share: one comparison as
 * the command walks it, and the two ways of printing it (human lines in
 * cmd-diff.c, JSON in cmd-diff-json.c, kept apart so the JSON writer can
 * change under it alone).
 *
 * A walk calls, for each pair of states: pair_begin, cluster for each
 * changed cluster in index order, finding for each finding added or
 * removed in cluster order, then pair_end (orders, totals, summary). With
 * --series, series_begin comes first and series_end last.
 */
#ifndef SWAPFS_CMD_DIFF_OUT_H
#define SWAPFS_CMD_DIFF_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <swapfs/diff.h>

#include "jsonout.h"

/* One state as the command names it: the operand, and which snapshot. */
struct cmd_diff_name {
	const char *src;		/* as given */
	int64_t id;			/* -s, or the series' id; 0: the last or only */
};

/* One comparison, and what its walk has counted so far. */
struct cmd_diff_pair {
	struct cmd_diff_name name[2];
	struct diff_side side[2];
	const struct diff *df;
	uint64_t slots_changed;
	uint64_t added, removed;
};

struct cmd_diff_out {
	void (*series_begin)(void *out, const char *path);
	void (*pair_begin)(void *out, const struct cmd_diff_pair *p);
	void (*cluster)(void *out, const struct cmd_diff_pair *p,
			const struct diff_cluster *c, const struct diff_run *runs);
	void (*finding)(void *out, const struct analysis_finding *f,
			enum diff_change change);
	int (*pair_end)(void *out, const struct cmd_diff_pair *p);	/* 0 or -errno */
	void (*series_end)(void *out);
};

/* The human printer's state (cmd-diff.c). */
struct cmd_diff_text {
	FILE *fp;		/* where it prints: stdout, or a mount's file */
	bool printed;		/* a pair was printed (a blank line before the next) */
};

/* The JSON printer's state (cmd-diff-json.c). */
struct cmd_diff_json {
	FILE *fp;		/* where it prints: stdout, or a mount's file */
	struct jsonout j;
	bool series;		/* inside {"series": ..., "diffs": [...]} */
	bool in_findings;	/* the "findings" array is open */
};

extern const struct cmd_diff_out cmd_diff_json_out;

/* The slot totals of the analysis both printers compare, in their order. */
struct cmd_diff_total {
	const char *key;	/* JSON: the analysis_totals member */
	const char *word;	/* human */
	size_t off;		/* of the uint64_t in struct analysis_totals */
};

#define CMD_DIFF_NR_TOTALS	7
extern const struct cmd_diff_total cmd_diff_totals[CMD_DIFF_NR_TOTALS];

/* cmd_diff_total - total @i of @t. */
static inline uint64_t cmd_diff_total(const struct analysis_totals *t,
				      unsigned int i)
{
	return *(const uint64_t *)((const char *)t + cmd_diff_totals[i].off);
}

/*
 * cmd_diff_tables - the human tables of @p on @fp (cmd-diff-table.c):
 * what differs per order, then the totals. Returns 0 or -errno.
 */
int cmd_diff_tables(const struct cmd_diff_pair *p, FILE *fp);

/*
 * What swapfs mount lends the tree for series/<N>/diff and diff.json
 * (struct series_ops, src/fuse/dirs.h), as loading a state for a diff
 * and printing one are this command's (cmd-diff.c); a state is opaque
 * to the tree.
 *
 * cmd_diff_state_new - load @src (snapshot @id) with its stored counters
 * and analyse it, as swapfs diff loads an operand, printing nothing.
 * Returns 0 or -errno, @d saying why where a source did.
 *
 * cmd_diff_state_free - free a state (NULL is fine).
 *
 * cmd_diff_print - what `swapfs diff [--json] A B` prints for the states
 * @a and @b, named @name_a and @name_b as its operands would be
 * ("FILE@3"), on @fp. Returns 0 or -errno: -EXDEV for two geometries,
 * as diff_new().
 */
int cmd_diff_state_new(const char *src, int64_t id, void **out, struct diag *d);
void cmd_diff_state_free(void *state);
int cmd_diff_print(const char *name_a, const void *a, const char *name_b,
		   const void *b, bool json, FILE *fp);

#endif /* SWAPFS_CMD_DIFF_OUT_H */
