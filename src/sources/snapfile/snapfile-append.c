// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-append.c - a snapshot appended to the file as new rows, in one
 * transaction: its snapshots row, then each table in key order, the runs
 * found on the same pass over the slot words as the slots.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snapfile-codec.h"
#include "snapfile-batch.h"
#include "snapfile-writer.h"
#include "swapfs/stream.h"
#include "swapfs/utc.h"

static int snapfile_append_head(struct snapfile_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapshot_provenance *p = &s->prov;
	char files[64], created[32], era[2] = { s->dev.era, 0 };
	sqlite3_stmt *st;
	int rc;

	rc = snapfile_sql_scalar(w->f, "SELECT coalesce(max(id), 0) + 1 FROM snapshots",
				 0, &w->id, w->d);
	if (rc)
		return rc;
	snapfile_text_files(files, sizeof(files), s->files);
	/* a state of unknown age was at least there when it was stored */
	if (p->created && *p->created) {
		snprintf(created, sizeof(created), "%s", p->created);
	} else {
		if (utc_now(created, sizeof(created)))
			return diag_errno(w->d, w->f->path, -EOVERFLOW);
	}
	rc = snapfile_sql_prepare(w->f, "INSERT INTO snapshots VALUES"
				  " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
				  &st, w->d);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, w->id);
	snapfile_sql_bind_text(st, 2, created);
	snapfile_sql_bind_text(st, 3, p->source_kind);
	snapfile_sql_bind_text(st, 4, p->source_path);
	snapfile_sql_bind_text(st, 5, s->dev.kernel);
	snapfile_sql_bind_text(st, 6, era);
	sqlite3_bind_int64(st, 7, s->dev.page_size);
	sqlite3_bind_int64(st, 8, s->dev.cluster_size);
	sqlite3_bind_int64(st, 9, s->dev.max);
	sqlite3_bind_int64(st, 10, s->dev.nr_orders);
	snapfile_sql_bind_text(st, 11, files);
	if (p->step >= 0)
		sqlite3_bind_int64(st, 12, p->step);
	snapfile_sql_bind_text(st, 13, p->note);
	rc = snapfile_sql_insert(w->f, st, w->d);
	sqlite3_finalize(st);
	return rc;
}

static int snapfile_append_info(struct snapfile_writer *w, struct snapfile_batch *b)
{
	const struct snapshot *s = w->s;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < s->nr_info; i++) {
		snapfile_batch_put_int(b, (int64_t)i);
		snapfile_batch_put_text(b, s->info[i].key);
		snapfile_batch_put_text(b, s->info[i].value);
		rc = snapfile_batch_row_done(b);
	}
	return rc;
}

static int snapfile_append_clusters(struct snapfile_writer *w,
				    struct snapfile_batch *b)
{
	const struct snapshot *s = w->s;
	uint32_t i;
	int rc = 0;

	for (i = 0; !rc && i < s->dev.nr_clusters; i++) {
		const struct snapshot_cluster *c = &s->clusters[i];

		snapfile_batch_put_int(b, i);
		snapfile_batch_put_int(b, c->count);
		snapfile_batch_put_text(b, snapshot_cluster_flag_name(c->flags));
		snapfile_batch_put_int(b, c->order);
		rc = snapfile_batch_row_done(b);
	}
	return rc;
}

/*
 * A stream's end (stream.h): the slot words are all written, and what the
 * producer kept beside them (counts, shmem, folios) is whole from here on,
 * its folios checked now. The stream is the snapshot's own; ending it
 * changes nothing the caller gave as const but the waiting.
 */
static int snapfile_append_stream_failed(struct snapfile_writer *w)
{
	return diag_line(w->d, w->f->path, 0, "snap-stream",
			 "the snapshot's source failed while it was read");
}

static int snapfile_append_stream_end(struct snapfile_writer *w)
{
	if (!w->s->stream)
		return 0;
	if (stream_end((struct snapshot *)w->s))
		return snapfile_append_stream_failed(w);
	return snapfile_check_folios(w);
}

/*
 * One slots row per cluster (snapfile_codec_encode()), and one runs row for
 * each cluster in which runs start, found on the same pass; a stream's
 * clusters as they become final.
 */
static int snapfile_append_slots(struct snapfile_writer *w,
				 struct snapfile_batch *b)
{
	const struct snapshot *s = w->s;
	struct stream_cursor cur;
	uint32_t ci, first, n, len, nr;
	unsigned int top;
	uint32_t *runs;
	uint8_t *buf;
	uint16_t all;
	int rc = 0;

	runs = malloc((size_t)s->dev.cluster_size * (sizeof(*runs) + 2));
	if (!runs)
		return diag_errno(w->d, w->f->path, -ENOMEM);
	buf = (uint8_t *)(runs + s->dev.cluster_size);
	stream_cursor_init(&cur, s);
	for (ci = 0; !rc && ci < s->dev.nr_clusters; ci++) {
		if (stream_at(&cur, ci)) {
			rc = snapfile_append_stream_failed(w);
			break;
		}
		first = snapshot_cluster_first(s, ci);
		n = snapshot_cluster_end(s, ci) - first;
		len = snapfile_codec_encode(buf, s->slots + first, n, &all);
		snapfile_batch_put_int(b, ci);
		snapfile_batch_put_bytes(b, len ? SQLITE_BLOB : SQLITE_NULL,
					 len ? buf : NULL, len);
		rc = snapfile_batch_row_done(b);
		if (rc || !(all & SNAPSHOT_SLOT_HEAD))
			continue;
		nr = snapfile_codec_runs(runs, s->slots + first, n, &top);
		if (!nr)
			continue;
		if (top >= s->dev.nr_orders) {
			rc = snapfile_check_refuse(w, "snap-run-order",
						   "a run of order %u in cluster %u, nr_orders is %u",
						   top, ci, s->dev.nr_orders);
			break;
		}
		snapfile_batch_put_int(w->runs, ci);
		snapfile_batch_put_bytes(w->runs, SQLITE_BLOB, runs, nr * sizeof(*runs));
		rc = snapfile_batch_row_done(w->runs);
	}
	free(runs);
	return rc ?: snapfile_append_stream_end(w);
}

static int snapfile_append_counts(struct snapfile_writer *w,
				  struct snapfile_batch *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->s->nr_counts; i++) {
		snapfile_batch_put_int(b, w->s->counts[i].slot);
		snapfile_batch_put_int(b, w->s->counts[i].count);
		rc = snapfile_batch_row_done(b);
	}
	return rc;
}

static int snapfile_append_shmem(struct snapfile_writer *w,
				 struct snapfile_batch *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->s->nr_shmem; i++) {
		snapfile_batch_put_int(b, w->s->shmem[i]);
		rc = snapfile_batch_row_done(b);
	}
	return rc;
}

/* "locked,dirty,other": known names in bit order, then the rest. */
static const char *snapfile_append_folio_text(struct snapfile_writer *w,
					      const struct snapshot_folio *fo)
{
	const char *extra = snapshot_folio_extra(w->s, fo);
	size_t want = strlen(extra) + 96;
	unsigned int i;
	char *p;

	if (want > w->text_alloc) {
		p = realloc(w->text, want);
		if (!p)
			return NULL;
		w->text = p;
		w->text_alloc = want;
	}
	w->text[0] = '\0';
	for (i = 0; i < SNAPSHOT_FOLIO_NR_FLAGS; i++)
		if (fo->flags & (1u << i))
			snapfile_text_list_add(w->text, w->text_alloc,
					       snapshot_folio_flag_name(i));
	if (*extra)
		snapfile_text_list_add(w->text, w->text_alloc, extra);
	return w->text;
}

static int snapfile_append_folios(struct snapfile_writer *w,
				  struct snapfile_batch *b)
{
	const char *text;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->s->nr_folios; i++) {
		const struct snapshot_folio *fo = &w->s->folios[i];

		text = snapfile_append_folio_text(w, fo);
		if (!text)
			return diag_errno(w->d, w->f->path, -ENOMEM);
		snapfile_batch_put_int(b, fo->offset);
		snapfile_batch_put_int(b, fo->order);
		snapfile_batch_put_text(b, text);
		rc = snapfile_batch_row_done(b);
	}
	return rc;
}

static int snapfile_append_next(struct snapfile_writer *w, struct snapfile_batch *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->s->nr_next; i++) {
		const struct snapshot_next *n = &w->s->next[i];

		snapfile_batch_put_int(b, (int64_t)i);
		if (n->cpu == SNAPSHOT_NEXT_GLOBAL)
			snapfile_batch_put_bytes(b, SQLITE_NULL, NULL, 0);
		else
			snapfile_batch_put_int(b, n->cpu);
		snapfile_batch_put_int(b, n->order);
		snapfile_batch_put_int(b, n->offset);
		rc = snapfile_batch_row_done(b);
	}
	return rc;
}

/* The tables of one snapshot after its snapshots row, in key order each. */
static const struct snapfile_append_table {
	const char *table;
	int cols;
	int (*fn)(struct snapfile_writer *w, struct snapfile_batch *b);
} snapfile_append_tables[] = {
	{ "info", 3, snapfile_append_info },
	{ "clusters", 4, snapfile_append_clusters },
	{ "slots", 2, snapfile_append_slots },	/* and runs */
	{ "counts", 2, snapfile_append_counts },
	{ "shmem", 1, snapfile_append_shmem },
	{ "folios", 3, snapfile_append_folios },
	{ "next", 4, snapfile_append_next },
	{ "counters", 3, snapfile_counters_write },
	{ "procs", 3, snapfile_procs_write },
};

#define SNAPFILE_NR_APPEND \
	(sizeof(snapfile_append_tables) / sizeof(snapfile_append_tables[0]))

static int snapfile_append_rows(struct snapfile_writer *w)
{
	const struct snapfile_append_table *t;
	struct snapfile_batch *b, *runs;
	size_t i;
	int rc;

	rc = snapfile_append_head(w);
	if (rc)
		return rc;
	/* two batches at a time: runs rows are found while slots are written */
	b = malloc(2 * sizeof(*b));
	if (!b)
		return diag_errno(w->d, w->f->path, -ENOMEM);
	runs = b + 1;
	snapfile_batch_init(runs, w->f, w->d, w->id, "runs", 2);
	w->runs = runs;
	for (i = 0; !rc && i < SNAPFILE_NR_APPEND; i++) {
		t = &snapfile_append_tables[i];
		snapfile_batch_init(b, w->f, w->d, w->id, t->table, t->cols);
		rc = t->fn(w, b);
		rc = snapfile_batch_finish(b, !rc) ?: rc;
	}
	rc = snapfile_batch_finish(runs, !rc) ?: rc;
	w->runs = NULL;
	free(b);
	return rc;
}

int snapfile_append_counters(struct snapfile *f, const struct snapshot *s,
			     const struct snapfile_counter *c, size_t nr,
			     int64_t *id, struct diag *d)
{
	struct snapfile_writer w = {
		.f = f, .s = s, .counters = c, .nr_counters = nr, .d = d,
	};
	int rc;

	diag_clear(d);
	if (!f->writable)
		return diag_errno(d, f->path, -EBADF);
	if (f->spoilt)
		return diag_line(d, f->path, 0, "snap-incomplete",
				 "an earlier append failed midway: the new file is incomplete");
	rc = snapfile_check_head(&w);
	if (!rc)
		rc = snapfile_check_series(&w);
	if (!rc)
		rc = snapfile_check_rows(&w);
	if (!rc)
		rc = snapfile_sql_exec(f, "BEGIN IMMEDIATE", d);
	if (rc)
		return rc;
	rc = snapfile_append_rows(&w);
	if (!rc)
		rc = snapfile_sql_exec(f, "COMMIT", d);
	free(w.text);
	if (rc) {
		/* without a journal (a file being created) there is no going back */
		if (f->tmp)
			f->spoilt = true;
		else
			sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (id)
		*id = w.id;
	return 0;
}

int snapfile_append(struct snapfile *f, const struct snapshot *s, int64_t *id,
		    struct diag *d)
{
	return snapfile_append_counters(f, s, NULL, 0, id, d);
}
