// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-split.c - the clusters, slots and runs tables of a big
 * snapshot, read by two threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapfile-codec.h"
#include "snapfile-reader.h"

/*
 * Big snapshots are read by two threads, each with its own connection:
 * the second decodes the second half of the slots and runs tables while
 * the first reads the clusters table and then the first half. So the
 * slot words' first touch (the kernel zeroing 2 bytes a slot), the blob
 * decoding and SQLite's own work are split over two cores. Each half
 * walks its rows by rowid, which is how snapfile_append() lays them out
 * (one B-tree walk, not index then table). Any surprise (an edited file
 * whose rowids are not in cluster order, a bad row, a failed open) sends
 * everything back to the canonical reading, so what is accepted and
 * which error is reported never depend on the threads.
 */
#define SNAPFILE_SPLIT_MIN_CLUSTERS	8192u

struct snapfile_half {
	struct snapfile_reader r;
	struct snapfile f;		/* the second half's own connection */
	struct diag d;
	int64_t slots_lo, slots_hi;	/* rowid ranges, inclusive */
	int64_t runs_lo, runs_hi;
	int rc;
};

/*
 * The rowid of @table's row of snapshot @r->id with the first cluster >=
 * @ci (@last: the last cluster's row), or @none when there is none.
 */
static int64_t snapfile_split_rowid_at(struct snapfile_reader *r, const char *table,
				       uint32_t ci, bool last, int64_t none)
{
	char sql[160];
	sqlite3_stmt *st;
	int64_t v = none;

	snprintf(sql, sizeof(sql), "SELECT rowid FROM %s WHERE snapshot = ?1"
		 " AND cluster >= ?2 ORDER BY cluster%s LIMIT 1", table,
		 last ? " DESC" : "");
	if (sqlite3_prepare_v2(r->f->db, sql, -1, &st, NULL) != SQLITE_OK)
		return none;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, ci);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Where each half's rows are. The slots rows are one per cluster
 * (snapfile_slots_bounds() counted them), so a span as long as the cluster
 * count holds exactly them; a runs row of another snapshot inside the
 * runs span is caught by its snapshot column.
 */
static int snapfile_split_plan(struct snapfile_reader *r, uint32_t mid,
			       struct snapfile_half *a, struct snapfile_half *b)
{
	uint32_t nr = r->s->dev.nr_clusters;
	int64_t lo = snapfile_split_rowid_at(r, "slots", 0, false, -1);
	int64_t hi = snapfile_split_rowid_at(r, "slots", 0, true, -1);
	int64_t runs_lo, runs_hi, split;

	if (lo < 0 || hi - lo + 1 != nr)
		return -EAGAIN;
	a->slots_lo = lo;
	a->slots_hi = lo + mid - 1;
	b->slots_lo = lo + mid;
	b->slots_hi = hi;
	runs_lo = snapfile_split_rowid_at(r, "runs", 0, false, 0);
	runs_hi = snapfile_split_rowid_at(r, "runs", 0, true, -1);
	split = snapfile_split_rowid_at(r, "runs", mid, false, runs_hi + 1);
	a->runs_lo = runs_lo;
	a->runs_hi = split - 1;
	b->runs_lo = split;
	b->runs_hi = runs_hi;
	return 0;
}

static int snapfile_split_half_read(struct snapfile_half *h)
{
	struct snapfile_reader *r = &h->r;
	sqlite3_stmt *slots = NULL, *runs = NULL;
	int rc;

	rc = snapfile_runs_prepare(r, "rowid BETWEEN ?1 AND ?2 AND snapshot = ?3",
				   &slots, &runs);
	if (!rc) {
		sqlite3_bind_int64(slots, 1, h->slots_lo);
		sqlite3_bind_int64(slots, 2, h->slots_hi);
		sqlite3_bind_int64(slots, 3, r->id);
		sqlite3_bind_int64(runs, 1, h->runs_lo);
		sqlite3_bind_int64(runs, 2, h->runs_hi);
		sqlite3_bind_int64(runs, 3, r->id);
		rc = snapfile_runs_share_read(r, slots, runs);
	}
	sqlite3_finalize(slots);
	sqlite3_finalize(runs);
	return rc;
}

static void *snapfile_split_thread(void *arg)
{
	struct snapfile_half *h = arg;

	h->rc = snapfile_split_half_read(h);
	return NULL;
}

/* The second half's connection: the same file, read-only. */
static int snapfile_split_open(struct snapfile_half *h, const struct snapfile *f)
{
	h->f.path = f->path;
	h->f.tmp_fd = -1;
	if (sqlite3_open_v2(f->path, &h->f.db, SQLITE_OPEN_READONLY |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_busy_timeout(h->f.db, SNAPFILE_BUSY_MS);
	return sqlite3_exec(h->f.db, "PRAGMA query_only=1;", NULL, NULL, NULL) ==
	       SQLITE_OK ? 0 : -EIO;
}

/*
 * Join the halves: the first half's held run (it crosses into the second
 * half's first cluster) must end where the second half's first run starts
 * or before; then its bits are set.
 */
static int snapfile_split_join(struct snapfile_reader *a,
			       const struct snapfile_reader *b)
{
	if (b->first_run != UINT64_MAX && b->first_run < a->run_end)
		return -EINVAL;
	if (a->held)
		snapfile_codec_mark_run(a->s->slots + a->held_start, a->held_order);
	a->nr_big += b->nr_big;
	return 0;
}

/* The clusters, slots and runs tables by two threads; -EAGAIN: could not. */
static int snapfile_split_two(struct snapfile_reader *r)
{
	uint32_t mid = r->s->dev.nr_clusters / 2;
	struct snapfile_half *h;
	pthread_t tid;
	int rc;

	h = calloc(2, sizeof(*h));
	if (!h)
		return -EAGAIN;
	if (snapfile_split_plan(r, mid, &h[0], &h[1]) ||
	    snapfile_split_open(&h[1], r->f)) {
		rc = -EAGAIN;
		goto out;
	}
	h[1].r = *r;
	h[1].r.f = &h[1].f;
	h[1].r.d = &h[1].d;
	snapfile_runs_share_reset(&h[1].r, mid, r->s->dev.nr_clusters);
	if (pthread_create(&tid, NULL, snapfile_split_thread, &h[1])) {
		rc = -EAGAIN;
		goto out;
	}
	h[0].r = *r;
	h[0].r.d = &h[0].d;
	rc = snapfile_slots_clusters(&h[0].r);
	if (!rc) {
		snapfile_runs_share_reset(&h[0].r, 0, mid);
		rc = snapfile_split_half_read(&h[0]);
	}
	pthread_join(tid, NULL);
	if (!rc && !h[1].rc && !snapfile_split_join(&h[0].r, &h[1].r))
		r->nr_big = h[0].r.nr_big;
	else
		rc = -EAGAIN;
out:
	sqlite3_close_v2(h[1].f.db);
	free(h);
	return rc;
}

/*
 * The clusters table, then the slots and runs tables side by side. On a
 * read-only file big enough to pay for a thread, split in two first.
 */
int snapfile_split_read(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	int rc;

	if (s->dev.nr_clusters >= SNAPFILE_SPLIT_MIN_CLUSTERS &&
	    !r->f->writable && !r->f->tmp) {
		if (!snapfile_split_two(r))
			return 0;
		/* back to a clean slate for the canonical reading */
		memset(s->slots, 0, (size_t)s->dev.max * sizeof(*s->slots));
		memset(s->clusters, 0, (size_t)s->dev.nr_clusters * sizeof(*s->clusters));
	}
	rc = snapfile_slots_clusters(r);
	return rc ? rc : snapfile_runs_read(r);
}
