// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-stream.c - a snapshot read as a stream (snapfile_stream(),
 * stream.h): the head, info and clusters tables by the caller; the side
 * tables, then the slots and runs rows a cluster at a time, by a producer
 * thread on a connection of its own, into the window of the slot array,
 * while the caller walks the clusters behind it.
 *
 * Every row is checked by the code snapfile_read() checks it with; the
 * counts and shmem rows, read before the words they mark, are held to
 * them as each cluster's words are decoded. A broken row is found in
 * another order than snapfile_read() finds it, so a stream that fails
 * says only that: the caller reads the file again with snapfile_read(),
 * which names the first broken row as always.
 */
#include <errno.h>
#include <stdlib.h>

#include "swapfs/stream.h"
#include "snapfile-row.h"

/* Slots a chunk (2 MiB of words), chunks in the window, clusters a hand-over. */
#define SNAPFILE_STREAM_CHUNK	(1u << 20)
#define SNAPFILE_STREAM_WINDOW	4
#define SNAPFILE_STREAM_PUBLISH	64

struct snapfile_streamer {
	struct snapfile_reader r;
	struct snapfile *f;
	struct diag d;			/* the producer's own: nobody shows it */
	size_t counts_at, shmem_at;	/* the first row not yet held to its word */
};

/* The counts and shmem rows of the slots below cluster @ci's end, held to their words. */
static int snapfile_stream_marks(struct snapfile_streamer *x, uint32_t ci)
{
	const struct snapshot *s = x->r.s;
	uint32_t end = snapshot_cluster_end(s, ci);
	uint16_t w;

	for (; x->counts_at < s->nr_counts && s->counts[x->counts_at].slot < end;
	     x->counts_at++)
		if ((s->slots[s->counts[x->counts_at].slot] & SNAPSHOT_SLOT_COUNT) !=
		    SNAPSHOT_COUNT_BIG)
			return -EINVAL;
	for (; x->shmem_at < s->nr_shmem && s->shmem[x->shmem_at] < end;
	     x->shmem_at++) {
		w = s->slots[s->shmem[x->shmem_at]];
		if ((w & SNAPSHOT_SLOT_COUNT) != 1 || (w & SNAPSHOT_SLOT_BAD))
			return -EINVAL;
	}
	return 0;
}

/*
 * snapfile_runs_share_read() with the stream's steps: room in the window
 * before a cluster's words are decoded, and the clusters whose runs are
 * set (all below the one just decoded) handed over now and then.
 */
static int snapfile_stream_rows(struct stream *st, struct snapfile_streamer *x,
				sqlite3_stmt *slots, sqlite3_stmt *runs)
{
	struct snapfile_reader *r = &x->r;
	const struct snapshot *s = r->s;
	uint32_t n = s->dev.nr_clusters, ci, end, room = 0;
	int rc = 0, step, rstep = sqlite3_step(runs);

	while (!rc && (step = sqlite3_step(slots)) == SQLITE_ROW) {
		ci = r->next_key < n ? (uint32_t)r->next_key : n - 1;
		end = snapshot_cluster_end(s, ci);
		if (end > room) {
			room = end;
			rc = stream_reserve(st, end);
			if (rc)
				break;
		}
		r->st = slots;
		r->table = "slots";
		rc = snapfile_slots_row(r);
		if (!rc)
			rc = snapfile_stream_marks(x, ci);
		if (!rc)
			rc = snapfile_runs_until(r, runs, &rstep,
						 (int64_t)r->next_key - 1);
		if (!rc && !(r->next_key % SNAPFILE_STREAM_PUBLISH))
			stream_publish(st, (uint32_t)r->next_key - 1);
	}
	if (!rc && step != SQLITE_DONE)
		rc = snapfile_sql_fail(r->f, step, r->d);
	if (!rc)
		rc = snapfile_runs_until(r, runs, &rstep, INT64_MAX);
	/* a cluster without its row, or a word of 127 without its counts row */
	if (!rc && (r->next_key != n || r->nr_big != s->nr_counts))
		rc = -EINVAL;
	if (!rc)
		stream_publish(st, n);
	r->st = NULL;
	return rc;
}

/*
 * The side tables (counts, shmem, folios, next, procs) and then the slots
 * and runs rows, on the producer's own connection: the side tables are
 * read while the caller reads the clusters table on its own, and are
 * whole before the first cluster is published.
 */
static int snapfile_stream_produce(struct stream *st, void *arg)
{
	struct snapfile_streamer *x = arg;
	struct snapfile_reader *r = &x->r;
	sqlite3_stmt *slots = NULL, *runs = NULL;
	int rc;

	rc = snapfile_read_back(r);
	/* the views look back-references up by slot, as source_load() has them */
	if (!rc)
		rc = snapshot_index_refs(r->s);
	if (!rc)
		rc = snapfile_runs_prepare(r, "snapshot = ?1 ORDER BY cluster",
					   &slots, &runs);
	if (!rc) {
		sqlite3_bind_int64(slots, 1, r->id);
		sqlite3_bind_int64(runs, 1, r->id);
		snapfile_runs_share_reset(r, 0, r->s->dev.nr_clusters);
		rc = snapfile_stream_rows(st, x, slots, runs);
	}
	sqlite3_finalize(slots);
	sqlite3_finalize(runs);
	snapfile_close(x->f);
	free(x);
	return rc;
}

/*
 * The streamer for the snapshot @m has opened (@m->f stays the caller's):
 * a reader like @m on a connection of its own, its diagnostics its own.
 */
static int snapfile_stream_fork(const struct snapfile_reader *m,
				struct snapfile_streamer **out)
{
	struct snapfile_streamer *x = calloc(1, sizeof(*x));
	int rc;

	*out = NULL;
	if (!x)
		return diag_errno(m->d, m->f->path, -ENOMEM);
	rc = snapfile_open(m->f->path, false, &x->f, m->d);
	if (rc) {
		free(x);
		return rc;
	}
	x->r = *m;
	x->r.f = x->f;
	x->r.d = &x->d;
	x->r.deferred = true;
	*out = x;
	return 0;
}

int snapfile_stream(struct snapfile *f, int64_t id, struct snapshot **out,
		    struct diag *d)
{
	struct snapfile_reader m = { .f = f, .d = d };
	struct snapfile_streamer *x = NULL;
	int rc;

	diag_clear(d);
	*out = NULL;
	rc = snapfile_read_open(&m, id);
	if (!rc)
		rc = snapfile_stream_fork(&m, &x);
	if (!rc && (rc = stream_start(m.s, SNAPFILE_STREAM_CHUNK, SNAPFILE_STREAM_WINDOW,
				      snapfile_stream_produce, x))) {
		diag_errno(d, f->path, rc);
		snapfile_close(x->f);
		free(x);
	}
	/* the clusters table on this connection while the producer starts */
	if (!rc)
		rc = snapfile_slots_clusters(&m);
	snapfile_close(f);
	if (rc) {
		snapshot_free(m.s);	/* stops the producer */
		return rc;
	}
	*out = m.s;
	return 0;
}
