/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * explain.h - swapfs sim --explain and --trace on the command line's side
 * (explain.c): the trace file, the reasons stored as counters of the
 * snapshot file (snapfile.h: fallback_<reason>, steal_<list>), and what
 * stat shows of them: the "fallbacks by reason" table and the JSON
 * members fallback_reasons and steals.
 */
#ifndef SWAPFS_CLI_EXPLAIN_H
#define SWAPFS_CLI_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include <swapfs/sim.h>
#include <swapfs/sim-explain.h>
#include <swapfs/snapfile.h>

#include "jsonout.h"
#include "output.h"

/* The counters cli_explain_counters() adds at most. */
#define CLI_EXPLAIN_COUNTERS_MAX \
	((SIM_NR_REASONS + SIM_NR_STEALS) * (SNAPSHOT_MAX_ORDER + 1))

/* --explain, --trace FILE and what writing the trace needs. */
struct cli_explain {
	bool on;		/* --explain (or --trace) */
	const char *trace;	/* --trace */
	bool append;		/* -a: the trace is appended to */
	bool force;		/* -f: an existing trace is replaced */
	char *tmp;		/* the new trace, renamed over --trace at the end */
	int fd;			/* the trace being written, or -1 */
};

/*
 * cli_explain_check - before anything runs: an existing trace file needs
 * -a or -f. Returns 0 or the exit code (message printed).
 */
int cli_explain_check(const struct cli_explain *x);

/*
 * cli_explain_start - turn explain on for @sim and take up the reasons of
 * the counters @c of a state continued from (--from): those it stored,
 * and its fallbacks counted without --explain as "unrecorded". Returns 0
 * or the exit code.
 */
int cli_explain_start(struct cli_explain *x, struct sim *sim,
		      const struct snapfile_counter *c, size_t nr);

/*
 * cli_explain_open - the trace file: a temporary beside it (renamed at
 * cli_explain_finish()), or with -a the file itself, appended to. Returns
 * 0 or the exit code, the message naming the file.
 */
int cli_explain_open(struct cli_explain *x, struct sim *sim);

/*
 * cli_explain_counters - the reasons of @sim as counters at @c (room for
 * CLI_EXPLAIN_COUNTERS_MAX): the non-zero ones, and fallback_unrecorded
 * of every order k > 0 even when 0, so that a snapshot made with
 * --explain is known by its counters. Returns how many (0 when off).
 */
size_t cli_explain_counters(const struct sim *sim, struct snapfile_counter *c);

/* cli_explain_flush - the trace so far written out: 0 or the exit code. */
int cli_explain_flush(struct cli_explain *x, struct sim *sim);

/*
 * cli_explain_finish - @ok: flush, fsync, rename the temporary over the
 * trace (the directory synced); else the temporary is removed. Returns 0
 * or the exit code. The fd is closed either way.
 */
int cli_explain_finish(struct cli_explain *x, struct sim *sim, bool ok);

/* cli_reason_counter - whether counter @name is one of --explain's. */
bool cli_reason_counter(const char *name);

/* cli_reasons_present - whether any of the @nr counters @c is --explain's. */
bool cli_reasons_present(const struct snapfile_counter *c, size_t nr);

/*
 * cli_reasons_json - order @k's "fallback_reasons": {reason: count} and
 * "steals": {list: count} members of the object open in @j (the non-zero
 * counts).
 */
void cli_reasons_json(struct jsonout *j, const struct snapfile_counter *c,
		      size_t nr, unsigned int k);

/*
 * cli_reasons_table - stat's "fallbacks by reason" table (ORDER, REASON,
 * FALLBACKS, SHARE% of the order's swpout_fallback; per order the larger
 * first) and the steals table (ORDER, STOLEN_FROM, STEALS), each only
 * when it has rows, in @mode. 0 or -errno.
 */
int cli_reasons_table(const struct snapfile_counter *c, size_t nr,
		      enum output_mode mode, bool noheadings);

#endif /* SWAPFS_CLI_EXPLAIN_H */
