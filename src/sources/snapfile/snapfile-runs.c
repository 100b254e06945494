// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-runs.c - the slots and runs tables read side by side: each
 * slots row decoded, then the runs that start in the cluster before it
 * set in the slot words, checked against each other as they go. One
 * share of the clusters at a time (all of them, or a thread's half).
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "snapfile-codec.h"
#include "snapfile-row.h"

/*
 * Why entry @j of cluster @ci's runs blob @p was refused: the fast loop
 * of snapfile_runs_row() only knows that it was.
 */
static int snapfile_runs_error(struct snapfile_reader *r, uint32_t ci,
			       const uint8_t *p, uint32_t j)
{
	const struct snapshot *s = r->s;
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t n = snapshot_cluster_end(s, ci) - first;
	uint32_t e, prev, off, k;
	uint64_t start;

	memcpy(&e, p + 4 * j, sizeof(e));
	e = le32toh(e);
	off = e >> SNAPFILE_RUN_SHIFT;
	k = e & SNAPFILE_RUN_ORDER;
	start = (uint64_t)first + off;
	if (k >= s->dev.nr_orders)
		return snapfile_row_bad(r, "snap-run-order",
					"entry %u (byte %u of the blob) 0x%08x: order %u is not below nr_orders %u",
					j, 4 * j, e, k, s->dev.nr_orders);
	if (off >= n)
		return snapfile_row_bad(r, "snap-run-range",
					"entry %u (byte %u of the blob) 0x%08x: slot %u of the cluster is not below %u%s",
					j, 4 * j, e, off, n,
					n < s->dev.cluster_size ? " (the last cluster ends at max)" :
							      " (cluster_size)");
	if (start + (1ull << k) > s->dev.max)
		return snapfile_row_bad(r, "snap-run-range",
					"entry %u (byte %u of the blob): the run of order %u at slot %" PRIu64 " ends past max %u",
					j, 4 * j, k, start, s->dev.max);
	if (j) {
		memcpy(&prev, p + 4 * (j - 1), sizeof(prev));
		if (le32toh(prev) >> SNAPFILE_RUN_SHIFT >= off)
			return snapfile_row_bad(r, "snap-run-sorted",
						"entry %u (byte %u of the blob): slot %" PRIu64 " does not come after the entry before it (entries ascend)",
						j, 4 * j, start);
	}
	return snapfile_row_bad(r, "snap-run-overlap",
				"entry %u (byte %u of the blob): the run of order %u at slot %" PRIu64 " starts inside the run before it, which ends at %" PRIu64,
				j, 4 * j, k, start, r->run_end);
}

/*
 * A run that is valid but ends past this reader's share of the words
 * (it crosses into the next thread's first cluster): hold it for the join.
 * Only one can: any later run would start past the share. Returns 0 when
 * held, -EINVAL when the run is simply wrong.
 */
static int snapfile_runs_hold(struct snapfile_reader *r, uint32_t off,
			      uint32_t n, uint32_t k, uint64_t start)
{
	if (off >= n || k >= r->s->dev.nr_orders || start < r->run_end ||
	    start + (1u << k) > r->s->dev.max || r->held)
		return -EINVAL;
	if (r->first_run == UINT64_MAX)
		r->first_run = start;
	r->held = true;
	r->held_start = start;
	r->held_order = k;
	return 0;
}

/*
 * A runs row: its entries ascend, within the cluster, each run ending by
 * max and after the one before (which may be in an earlier cluster: runs
 * cross clusters). The slot words were read without run bits, and every
 * run starts where the one before ended or later, so no run can land on
 * another's bits: they are set, not searched.
 */
static int snapfile_runs_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	uint32_t first, n, nr, j, e, off, k, nr_orders = s->dev.nr_orders;
	uint64_t start, end = r->run_end;
	uint16_t *slots = s->slots;
	const uint8_t *p;
	int64_t ci;
	int rc, bytes;
	char shown[80];

	rc = snapfile_row_int(r, 0, 0, s->dev.nr_clusters - 1, "snap-run-cluster", &ci);
	if (rc)
		return rc;
	if ((uint64_t)ci < r->run_next)
		return snapfile_row_bad(r, "snap-run-cluster",
					"cluster %" PRId64 " is given twice", ci);
	r->run_next = (uint64_t)ci + 1;
	if (sqlite3_column_type(r->st, 1) != SQLITE_BLOB) {
		snapfile_row_describe(r->st, 1, shown, sizeof(shown));
		return snapfile_row_bad(r, "snap-type", "data is %s, expected a blob",
					shown);
	}
	bytes = sqlite3_column_bytes(r->st, 1);
	if (bytes <= 0 || bytes % 4)
		return snapfile_row_bad(r, "snap-run-size",
					"blob of %d bytes, expected 4 for each run (a cluster in which no run starts has no row)",
					bytes);
	p = sqlite3_column_blob(r->st, 1);
	if (!p)
		return snapfile_row_nomem(r);
	if ((uint64_t)ci >= r->cluster_to)
		return snapfile_row_bad(r, "snap-run-cluster",
					"cluster %" PRId64 " is past this share of the table", ci);
	first = snapshot_cluster_first(s, (uint32_t)ci);
	n = snapshot_cluster_end(s, (uint32_t)ci) - first;
	nr = (uint32_t)bytes / 4;
	for (j = 0; j < nr; j++) {
		memcpy(&e, p + 4 * j, sizeof(e));
		e = le32toh(e);
		off = e >> SNAPFILE_RUN_SHIFT;
		k = e & SNAPFILE_RUN_ORDER;
		start = (uint64_t)first + off;
		if (__builtin_expect(off >= n || k >= nr_orders || start < end ||
				     start + (1u << k) > r->word_end, 0)) {
			r->run_end = end;
			if (snapfile_runs_hold(r, off, n, k, start))
				return snapfile_runs_error(r, (uint32_t)ci, p, j);
			end = start + (1u << k);
			continue;
		}
		if (r->first_run == UINT64_MAX)
			r->first_run = start;
		snapfile_codec_mark_run(slots + start, k);
		end = start + (1u << k);
	}
	r->run_end = end;
	return 0;
}

int snapfile_runs_until(struct snapfile_reader *r, sqlite3_stmt *st,
			       int *step, int64_t below)
{
	int rc;

	while (*step == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
		    sqlite3_column_int64(st, 0) >= below)
			return 0;
		r->st = st;
		r->table = "runs";
		rc = snapfile_runs_row(r);
		if (rc)
			return rc;
		*step = sqlite3_step(st);
	}
	return *step == SQLITE_DONE ? 0 : snapfile_sql_fail(r->f, *step, r->d);
}

void snapfile_runs_share_reset(struct snapfile_reader *r, uint32_t from,
			       uint32_t to)
{
	const struct snapshot *s = r->s;

	r->next_key = from;
	r->run_next = from;
	r->run_end = snapshot_cluster_first(s, from);
	r->cluster_to = to;
	r->word_end = to == s->dev.nr_clusters ? s->dev.max :
		      snapshot_cluster_first(s, to);
	r->first_run = UINT64_MAX;
	r->held = false;
	r->nr_big = 0;
}

/*
 * Decode the rows @slots and @runs yield (bound and ready to step), which
 * must be exactly the clusters of the share: a cluster's runs are set one
 * cluster behind its words, while those are still in the CPU's cache. One
 * behind, because a run may reach into the next cluster (never further:
 * its order is at most log2(cluster_size)), whose words are stored, not
 * merged.
 */
int snapfile_runs_share_read(struct snapfile_reader *r, sqlite3_stmt *slots,
			     sqlite3_stmt *runs)
{
	int rc = 0, step, rstep = sqlite3_step(runs);

	while (!rc && (step = sqlite3_step(slots)) == SQLITE_ROW) {
		r->st = slots;
		r->table = "slots";
		rc = snapfile_slots_row(r);
		if (!rc)	/* cluster next_key - 1 is decoded */
			rc = snapfile_runs_until(r, runs, &rstep,
						 (int64_t)r->next_key - 1);
	}
	if (!rc && step != SQLITE_DONE)
		rc = snapfile_sql_fail(r->f, step, r->d);
	if (!rc)
		rc = snapfile_runs_until(r, runs, &rstep, INT64_MAX);
	if (!rc && r->next_key != r->cluster_to)
		rc = snapfile_row_bad(r, "snap-slots-cluster",
				      "cluster %" PRIu64 " has no row", r->next_key);
	r->st = NULL;
	return rc;
}

int snapfile_runs_prepare(struct snapfile_reader *r, const char *where,
			  sqlite3_stmt **slots, sqlite3_stmt **runs)
{
	char sql[160];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT cluster, data FROM slots WHERE %s", where);
	rc = snapfile_sql_prepare(r->f, sql, slots, r->d);
	if (rc)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT cluster, data FROM runs WHERE %s", where);
	return snapfile_sql_prepare(r->f, sql, runs, r->d);
}

/*
 * The slots and runs tables side by side, through their primary keys,
 * each statement stepped once: the canonical reading, whose first error
 * is the one reported.
 */
int snapfile_runs_read(struct snapfile_reader *r)
{
	sqlite3_stmt *slots = NULL, *runs = NULL;
	int rc;

	rc = snapfile_runs_prepare(r, "snapshot = ?1 ORDER BY cluster",
				   &slots, &runs);
	if (rc)
		goto out;
	sqlite3_bind_int64(slots, 1, r->id);
	sqlite3_bind_int64(runs, 1, r->id);
	snapfile_runs_share_reset(r, 0, r->s->dev.nr_clusters);
	rc = snapfile_runs_share_read(r, slots, runs);
out:
	sqlite3_finalize(slots);
	sqlite3_finalize(runs);
	r->st = NULL;
	return rc;
}
