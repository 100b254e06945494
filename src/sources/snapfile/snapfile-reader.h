/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapfile-reader.h - reading a snapshot back (private to
 * src/sources/snapfile/): the reader's state and each table's reader.
 * Every row is validated the way the dump loader validates a dump, each
 * value through snapfile-row.h, and a refusal names the row by its key.
 *
 * snapfile-read.c reads one snapshot in the order meaning depends on:
 * its snapshots row (snapfile-head.c), info, the clusters, slots and runs
 * tables (snapfile-slots.c, snapfile-runs.c; split over two threads by
 * snapfile-split.c when big), the side tables (snapfile-side.c), procs.
 */
#ifndef SWAPFS_SNAPFILE_READER_H
#define SWAPFS_SNAPFILE_READER_H

#include "swapfs/era.h"
#include "snapfile-internal.h"

struct snapfile_reader {
	struct snapfile *f;
	struct diag *d;
	struct snapshot *s;
	const struct era_props *era;
	int64_t id;			/* the snapshot being read */
	sqlite3_stmt *st;		/* on the row being checked; its key is column 0 */
	const char *table;
	uint64_t next_key;		/* the key the next row must have (or exceed) */
	uint64_t end;			/* where the previous folio ends */
	uint64_t run_next;		/* runs: the cluster the next row must exceed */
	uint64_t run_end;		/* runs: where the previous run ends */
	uint64_t nr_big;		/* slot words whose count is 127 */
	/*
	 * The share of the slots and runs tables this reader decodes:
	 * clusters below cluster_to, run bits below word_end. A run that
	 * reaches past word_end is held (its words are another thread's)
	 * and set after the join; first_run is where the first run starts.
	 */
	uint32_t cluster_to;
	uint64_t word_end;
	uint64_t first_run;
	uint64_t held_start;
	unsigned int held_order;
	bool held;
	/*
	 * A stream (snapfile-stream.c) reads the side tables before the slot
	 * words: the counts and shmem rows' words are checked as they come.
	 */
	bool deferred;
	uint32_t nr_orders;		/* snapfile_read_counters() */
	struct snapfile_counter *counters;
	size_t nr_counters, alloc_counters;
};

/* A snapshots row, checked; strings live as long as its statement's row. */
struct snapfile_head {
	int64_t id;
	int64_t step;		/* -1 for NULL */
	const char *created, *source_kind, *source_path, *kernel, *note;
	char era;
	uint32_t page_size, cluster_size, max, nr_orders;
	unsigned int files;
};

/* ---- snapfile-read.c: the parts of a reading ---- */

/*
 * snapfile_read_open - r->s, a new snapshot: snapshot @id's row (0: the
 * last), its info, and the slot array the rows justify (made, all free).
 */
int snapfile_read_open(struct snapfile_reader *r, int64_t id);
/*
 * snapfile_read_back - the side tables and procs (after the slot words,
 * unless r->deferred), then snapshot_finish().
 */
int snapfile_read_back(struct snapfile_reader *r);

/* ---- snapfile-head.c: the snapshots table ---- */

/* snapfile_head_parse - the snapshots row on r->st, checked, into @h. */
int snapfile_head_parse(struct snapfile_reader *r, struct snapfile_head *h);
/*
 * snapfile_head_find - put r->st on snapshot @id's row (0: the last) and
 * check it. The caller finalizes r->st once done with @h's strings.
 */
int snapfile_head_find(struct snapfile_reader *r, int64_t id,
		       struct snapfile_head *h);

/* ---- snapfile-slots.c: the clusters and slots tables ---- */

/*
 * snapfile_slots_bounds - one clusters row and one slots row for each
 * cluster, counted before the slot array is allocated.
 */
int snapfile_slots_bounds(struct snapfile_reader *r);
/* snapfile_slots_clusters - the clusters table into s->clusters. */
int snapfile_slots_clusters(struct snapfile_reader *r);
/* snapfile_slots_row - the slots row on r->st into the slot array. */
int snapfile_slots_row(struct snapfile_reader *r);

/* ---- snapfile-runs.c: the slots and runs tables side by side ---- */

/* snapfile_runs_share_reset - start a share: clusters [@from, @to), no run yet. */
void snapfile_runs_share_reset(struct snapfile_reader *r, uint32_t from,
			       uint32_t to);
/*
 * snapfile_runs_share_read - decode the rows @slots and @runs yield (bound
 * and ready to step), which must be exactly the clusters of the share.
 */
int snapfile_runs_share_read(struct snapfile_reader *r, sqlite3_stmt *slots,
			     sqlite3_stmt *runs);
/* snapfile_runs_prepare - the statements that read the slots and runs tables, rows chosen by @where. */
int snapfile_runs_prepare(struct snapfile_reader *r, const char *where,
			  sqlite3_stmt **slots, sqlite3_stmt **runs);
/*
 * snapfile_runs_until - the runs rows (@st, on row *@step) of the clusters
 * before @below, set in the slot words; *@step is the row after them.
 */
int snapfile_runs_until(struct snapfile_reader *r, sqlite3_stmt *st,
			int *step, int64_t below);
/* snapfile_runs_read - the slots and runs tables in one share: the canonical reading. */
int snapfile_runs_read(struct snapfile_reader *r);

/* ---- snapfile-split.c ---- */

/*
 * snapfile_split_read - the clusters table, then the slots and runs
 * tables; on a read-only file big enough to pay for a thread, by two.
 */
int snapfile_split_read(struct snapfile_reader *r);

/* ---- snapfile-side.c ---- */

/* snapfile_side_read - the counts, shmem, folios and next tables. */
int snapfile_side_read(struct snapfile_reader *r);

/* ---- snapfile-procs.c ---- */

/* snapfile_procs_row - the procs row on r->st: a process and its references. */
int snapfile_procs_row(struct snapfile_reader *r);

#endif
