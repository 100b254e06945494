// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-replace.c - snapfile_replace(): the rows of the clusters an
 * edit dirtied, rewritten in place in one durable transaction, for a
 * snapshot read back from the same file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/array.h"
#include "swapfs/era.h"
#include "snapfile-codec.h"
#include "snapfile-writer.h"

/*
 * Runs rows keep their rowids in cluster order within a snapshot: the
 * split reader (snapfile_split_two()) takes a half's runs rows as the
 * rowid span between its first and its last cluster's row, so a row
 * outside that span would not be read at all. A new runs row takes a
 * free rowid between its neighbours'; where there is none, the rows
 * after it move to the table's end, this far apart, so that the next
 * rows inserted there find room.
 */
#define SNAPFILE_RUN_GAP	256

enum snapfile_rsql {
	SNAPFILE_R_CLUSTER,
	SNAPFILE_R_SLOTS,
	SNAPFILE_R_RUNS_SET,
	SNAPFILE_R_RUNS_DEL,
	SNAPFILE_R_RUNS_ADD,
	SNAPFILE_R_RUNS_PREV,
	SNAPFILE_R_RUNS_NEXT,
	SNAPFILE_R_ROWID_USED,
	SNAPFILE_R_COUNTS_DEL,
	SNAPFILE_R_COUNTS_ADD,
	SNAPFILE_R_SHMEM_DEL,
	SNAPFILE_R_SHMEM_ADD,
	SNAPFILE_NR_RSQL,
};

/*
 * Every statement takes the snapshot id as ?1 and the cluster or slot as
 * ?2 (bound whether it names them or not: an unnamed one stays unused).
 */
static const char *const snapfile_rsql[SNAPFILE_NR_RSQL] = {
	[SNAPFILE_R_CLUSTER] = "UPDATE clusters SET count = ?3, flags = ?4, ord = ?5"
			       " WHERE snapshot = ?1 AND idx = ?2",
	[SNAPFILE_R_SLOTS] = "UPDATE slots SET data = ?3 WHERE snapshot = ?1 AND cluster = ?2",
	[SNAPFILE_R_RUNS_SET] = "UPDATE runs SET data = ?3 WHERE snapshot = ?1 AND cluster = ?2",
	[SNAPFILE_R_RUNS_DEL] = "DELETE FROM runs WHERE snapshot = ?1 AND cluster = ?2",
	[SNAPFILE_R_RUNS_ADD] = "INSERT INTO runs(snapshot, cluster, data, rowid)"
				" VALUES (?1, ?2, ?3, ?4)",
	[SNAPFILE_R_RUNS_PREV] = "SELECT rowid FROM runs WHERE snapshot = ?1 AND cluster < ?2"
				 " ORDER BY cluster DESC LIMIT 1",
	[SNAPFILE_R_RUNS_NEXT] = "SELECT rowid FROM runs WHERE snapshot = ?1 AND cluster > ?2"
				 " ORDER BY cluster",
	[SNAPFILE_R_ROWID_USED] = "SELECT 1 FROM runs WHERE rowid = ?3",
	[SNAPFILE_R_COUNTS_DEL] = "DELETE FROM counts WHERE snapshot = ?1 AND slot >= ?2"
				  " AND slot < ?3",
	[SNAPFILE_R_COUNTS_ADD] = "INSERT INTO counts VALUES (?1, ?2, ?3)",
	[SNAPFILE_R_SHMEM_DEL] = "DELETE FROM shmem WHERE snapshot = ?1 AND slot >= ?2"
				 " AND slot < ?3",
	[SNAPFILE_R_SHMEM_ADD] = "INSERT INTO shmem VALUES (?1, ?2)",
};

struct snapfile_replacer {
	struct snapfile_writer w;	/* f, s, d; w.id: the snapshot replaced */
	const uint64_t *dirty;		/* NULL: every cluster */
	const struct era_props *era;
	sqlite3_stmt *st[SNAPFILE_NR_RSQL];
	uint32_t *entries;		/* a cluster's runs blob */
	uint8_t *buf;			/* a cluster's slots blob */
};

static bool snapfile_replace_dirty(const struct snapfile_replacer *r, uint32_t ci)
{
	return !r->dirty || (r->dirty[ci / 64] >> (ci % 64) & 1);
}

/* Statement @i with ?1 and ?2 bound, reset from its last use. */
static sqlite3_stmt *snapfile_rstmt(struct snapfile_replacer *r,
				    enum snapfile_rsql i, int64_t key)
{
	sqlite3_stmt *st = r->st[i];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, r->w.id);
	sqlite3_bind_int64(st, 2, key);
	return st;
}

/* Step a statement that yields no row; *@changes (may be NULL) gets the rows changed. */
static int snapfile_rdone(struct snapfile_replacer *r, sqlite3_stmt *st,
			  int *changes)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return snapfile_sql_fail(r->w.f, rc, r->w.d);
	if (changes)
		*changes = sqlite3_changes(r->w.f->db);
	return 0;
}

/*
 * Step a query of one integer: 1 with *@v set, 0 when it yields no row,
 * or -errno. The caller resets @st once done with its rows.
 */
static int snapfile_rrow(struct snapfile_replacer *r, sqlite3_stmt *st,
			 int64_t *v)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return snapfile_sql_fail(r->w.f, rc, r->w.d);
	*v = sqlite3_column_int64(st, 0);
	return 1;
}

/*
 * What the reader would refuse in the rows about to be written, for the
 * dirty clusters: before the transaction, so a refusal writes nothing.
 */
static int snapfile_replace_check(struct snapfile_replacer *r)
{
	const struct snapshot *s = r->w.s;
	const struct snapshot_device *dev = &s->dev;
	uint32_t ci, i, end;
	size_t k;
	int order;

	for (ci = 0; ci < dev->nr_clusters; ci++) {
		const struct snapshot_cluster *c = &s->clusters[ci];

		if (!snapfile_replace_dirty(r, ci))
			continue;
		if (c->flags >= SNAPSHOT_CLUSTER_NR_FLAGS || c->order >= dev->nr_orders ||
		    c->count > dev->cluster_size)
			return snapfile_check_refuse(&r->w, "snap-cluster",
						     "cluster %u: flags %u, order %u, count %u",
						     ci, c->flags, c->order, c->count);
		if (!era_cluster_flag_ok(r->era, c->flags))
			return snapfile_check_refuse(&r->w, "snap-cluster-flags-era",
						     "cluster %u: flags '%s': era %c has no nonfull/frag/full lists",
						     ci, snapshot_cluster_flag_name(c->flags),
						     r->era->era);
		if (!era_cluster_order_ok(r->era, c->order, dev->cluster_shift))
			return snapfile_check_refuse(&r->w, "snap-cluster-order-era",
						     "cluster %u: order %u: era %c clusters have only the HUGE flag, so order 0 or %u",
						     ci, c->order, r->era->era, dev->cluster_shift);
		end = snapshot_cluster_end(s, ci);
		for (i = snapshot_cluster_first(s, ci); i < end; i++) {
			uint16_t w = s->slots[i];

			if (snapfile_codec_lanes_bad(w & SNAPSHOT_SLOT_STORED) ||
			    ((w & SNAPSHOT_SLOT_ZERO) && !r->era->zeromap))
				return snapfile_check_refuse(&r->w, "snap-slots-word",
							     "slot %u: word 0x%04x is no slot any era has (see swapfs-snapshot(5), slots)",
							     i, w & SNAPSHOT_SLOT_STORED);
			order = (w & SNAPSHOT_SLOT_HEAD) ? snapshot_slot_order(w) : -1;
			if (order >= (int)dev->nr_orders)
				return snapfile_check_refuse(&r->w, "snap-run-order",
							     "a run of order %d at slot %u, nr_orders is %u",
							     order, i, dev->nr_orders);
		}
	}
	for (k = 0; k < s->nr_shmem; k++) {
		uint16_t w = s->slots[s->shmem[k]];

		if (!snapfile_replace_dirty(r, s->shmem[k] >> dev->cluster_shift))
			continue;
		if (!r->era->shmem || (w & SNAPSHOT_SLOT_COUNT) != 1 ||
		    (w & SNAPSHOT_SLOT_BAD))
			return snapfile_check_refuse(&r->w, "snap-shmem-count",
						     "shmem slot %u: word 0x%04x in era %c; a shmem-owned slot has count 1, is not bad, and only in eras A..D",
						     s->shmem[k], w & SNAPSHOT_SLOT_STORED,
						     r->era->era);
	}
	return 0;
}

/*
 * The stored snapshot must be the one @s was read from: the same device
 * and geometry, or the rows kept and the rows written would describe two
 * devices. Then its note becomes @s's (the rest of its provenance stays).
 */
static int snapfile_replace_head(struct snapfile_replacer *r)
{
	const struct snapshot *s = r->w.s;
	const struct snapshot_device *dev = &s->dev;
	sqlite3_stmt *st;
	char era[2] = { dev->era, 0 };
	int rc;

	rc = snapfile_sql_prepare(r->w.f, "SELECT kernel = ?2 AND era = ?3 AND page_size = ?4"
				  " AND cluster_size = ?5 AND max = ?6 AND nr_orders = ?7"
				  " FROM snapshots WHERE id = ?1", &st, r->w.d);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, r->w.id);
	snapfile_sql_bind_text(st, 2, dev->kernel);
	snapfile_sql_bind_text(st, 3, era);
	sqlite3_bind_int64(st, 4, dev->page_size);
	sqlite3_bind_int64(st, 5, dev->cluster_size);
	sqlite3_bind_int64(st, 6, dev->max);
	sqlite3_bind_int64(st, 7, dev->nr_orders);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		diag_line(r->w.d, r->w.f->path, 0, "snap-no-snapshot",
			  "there is no snapshot %" PRId64 " to replace", r->w.id);
		rc = -ENOENT;
	} else if (rc != SQLITE_ROW)
		rc = snapfile_sql_fail(r->w.f, rc, r->w.d);
	else if (sqlite3_column_int64(st, 0) != 1)
		rc = diag_line(r->w.d, r->w.f->path, 0, "snap-replace-mismatch",
			       "snapshot %" PRId64 " is of another device (kernel, era, page_size, cluster_size, max or nr_orders differ): not replaced",
			       r->w.id);
	else
		rc = 0;
	sqlite3_finalize(st);
	if (rc)
		return rc;
	rc = snapfile_sql_prepare(r->w.f, "UPDATE snapshots SET note = ?2 WHERE id = ?1",
				  &st, r->w.d);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, r->w.id);
	snapfile_sql_bind_text(st, 2, s->prov.note);
	rc = snapfile_sql_insert(r->w.f, st, r->w.d);
	sqlite3_finalize(st);
	return rc;
}

/* Whether no runs row has @rowid (*@yes). */
static int snapfile_replace_rowid_free(struct snapfile_replacer *r, int64_t rowid,
				       bool *yes)
{
	sqlite3_stmt *st = snapfile_rstmt(r, SNAPFILE_R_ROWID_USED, 0);
	int64_t v;
	int rc;

	sqlite3_bind_int64(st, 3, rowid);
	rc = snapfile_rrow(r, st, &v);
	sqlite3_reset(st);
	*yes = rc == 0;
	return rc < 0 ? rc : 0;
}

/*
 * The runs rows of the clusters after @ci move to the table's end,
 * SNAPFILE_RUN_GAP apart, in cluster order; *@rowid gets a rowid before
 * them all for @ci's new row.
 */
static int snapfile_replace_runs_move(struct snapfile_replacer *r, uint32_t ci,
				      int64_t *rowid)
{
	sqlite3_stmt *st = snapfile_rstmt(r, SNAPFILE_R_RUNS_NEXT, ci), *mv;
	int64_t *ids = NULL, base, v = 0;
	size_t n = 0, alloc = 0, i;
	int rc;

	while ((rc = snapfile_rrow(r, st, &v)) == 1) {
		if (array_grow((void **)&ids, &alloc, n, sizeof(*ids), 64)) {
			free(ids);
			return diag_errno(r->w.d, r->w.f->path, -ENOMEM);
		}
		ids[n++] = v;
	}
	sqlite3_reset(st);
	if (!rc)
		rc = snapfile_sql_scalar(r->w.f, "SELECT coalesce(max(rowid), 0) FROM runs",
					 0, &base, r->w.d);
	if (!rc && base > INT64_MAX - SNAPFILE_RUN_GAP * (int64_t)(n + 2))
		rc = diag_errno(r->w.d, r->w.f->path, -EOVERFLOW);
	if (rc) {
		free(ids);
		return rc;
	}
	base += SNAPFILE_RUN_GAP;
	*rowid = base;
	mv = NULL;
	rc = snapfile_sql_prepare(r->w.f, "UPDATE runs SET rowid = ?1 WHERE rowid = ?2",
				  &mv, r->w.d);
	for (i = 0; !rc && i < n; i++) {
		sqlite3_bind_int64(mv, 1, base + SNAPFILE_RUN_GAP * (int64_t)(i + 1));
		sqlite3_bind_int64(mv, 2, ids[i]);
		rc = snapfile_sql_insert(r->w.f, mv, r->w.d);
	}
	sqlite3_finalize(mv);
	free(ids);
	return rc;
}

/*
 * A rowid for a new runs row of cluster @ci that keeps the snapshot's
 * runs rows in cluster order (see SNAPFILE_RUN_GAP); 0: any (the row
 * comes last, so the table's next rowid is right).
 */
static int snapfile_replace_runs_rowid(struct snapfile_replacer *r, uint32_t ci,
				       int64_t *rowid)
{
	int64_t prev = 0, next = 0, mid;
	bool free_id;
	int rc;

	*rowid = 0;
	rc = snapfile_rrow(r, snapfile_rstmt(r, SNAPFILE_R_RUNS_NEXT, ci), &next);
	sqlite3_reset(r->st[SNAPFILE_R_RUNS_NEXT]);
	if (rc <= 0)
		return rc;
	rc = snapfile_rrow(r, snapfile_rstmt(r, SNAPFILE_R_RUNS_PREV, ci), &prev);
	sqlite3_reset(r->st[SNAPFILE_R_RUNS_PREV]);
	if (rc < 0)
		return rc;
	if (next - prev > 1) {
		mid = prev + (next - prev) / 2;
		rc = snapfile_replace_rowid_free(r, mid, &free_id);
		if (rc)
			return rc;
		if (free_id) {
			*rowid = mid;
			return 0;
		}
	}
	return snapfile_replace_runs_move(r, ci, rowid);
}

static int snapfile_replace_runs(struct snapfile_replacer *r, uint32_t ci,
				 uint32_t first, uint32_t n)
{
	const struct snapshot *s = r->w.s;
	sqlite3_stmt *st;
	unsigned int top;
	int64_t rowid;
	uint32_t nr;
	int rc, changes = 0;

	nr = snapfile_codec_runs(r->entries, s->slots + first, n, &top);
	if (!nr)
		return snapfile_rdone(r, snapfile_rstmt(r, SNAPFILE_R_RUNS_DEL, ci),
				      NULL);
	st = snapfile_rstmt(r, SNAPFILE_R_RUNS_SET, ci);
	sqlite3_bind_blob(st, 3, r->entries, (int)(nr * sizeof(*r->entries)),
			  SQLITE_STATIC);
	rc = snapfile_rdone(r, st, &changes);
	if (rc || changes)
		return rc;
	rc = snapfile_replace_runs_rowid(r, ci, &rowid);
	if (rc)
		return rc;
	st = snapfile_rstmt(r, SNAPFILE_R_RUNS_ADD, ci);
	sqlite3_bind_blob(st, 3, r->entries, (int)(nr * sizeof(*r->entries)),
			  SQLITE_STATIC);
	if (rowid)
		sqlite3_bind_int64(st, 4, rowid);
	return snapfile_rdone(r, st, NULL);
}

/* The first of @nr sorted entries of @size bytes whose u32 key is >= @slot. */
static size_t snapfile_replace_side_from(const void *base, size_t nr, size_t size,
					 uint32_t slot)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t key;

		memcpy(&key, (const char *)base + mid * size, sizeof(key));
		if (key < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The counts and shmem rows of slots [@first, @end): deleted, then
 * written anew from the sorted tables (found by bisection, so a save
 * costs the dirty clusters, not the whole table).
 */
static int snapfile_replace_side(struct snapfile_replacer *r, uint32_t first,
				 uint32_t end)
{
	const struct snapshot *s = r->w.s;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	st = snapfile_rstmt(r, SNAPFILE_R_COUNTS_DEL, first);
	sqlite3_bind_int64(st, 3, end);
	rc = snapfile_rdone(r, st, NULL);
	i = snapfile_replace_side_from(s->counts, s->nr_counts, sizeof(*s->counts), first);
	for (; !rc && i < s->nr_counts && s->counts[i].slot < end; i++) {
		st = snapfile_rstmt(r, SNAPFILE_R_COUNTS_ADD, s->counts[i].slot);
		sqlite3_bind_int64(st, 3, s->counts[i].count);
		rc = snapfile_rdone(r, st, NULL);
	}
	if (rc)
		return rc;
	st = snapfile_rstmt(r, SNAPFILE_R_SHMEM_DEL, first);
	sqlite3_bind_int64(st, 3, end);
	rc = snapfile_rdone(r, st, NULL);
	i = snapfile_replace_side_from(s->shmem, s->nr_shmem, sizeof(*s->shmem), first);
	for (; !rc && i < s->nr_shmem && s->shmem[i] < end; i++)
		rc = snapfile_rdone(r, snapfile_rstmt(r, SNAPFILE_R_SHMEM_ADD,
						      s->shmem[i]), NULL);
	return rc;
}

/* Cluster @ci's rows: clusters, slots, runs, and its slots' counts and shmem. */
static int snapfile_replace_cluster(struct snapfile_replacer *r, uint32_t ci)
{
	const struct snapshot *s = r->w.s;
	const struct snapshot_cluster *c = &s->clusters[ci];
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t end = snapshot_cluster_end(s, ci);
	sqlite3_stmt *st;
	uint32_t len;
	uint16_t all;
	int rc, changes = 0;

	st = snapfile_rstmt(r, SNAPFILE_R_CLUSTER, ci);
	sqlite3_bind_int64(st, 3, c->count);
	sqlite3_bind_text(st, 4, snapshot_cluster_flag_name(c->flags), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, c->order);
	rc = snapfile_rdone(r, st, &changes);
	if (!rc && changes != 1)
		rc = diag_line(r->w.d, r->w.f->path, 0, "snap-cluster-rows",
			       "clusters row snapshot=%" PRId64 " idx=%u is missing: not replaced",
			       r->w.id, ci);
	if (rc)
		return rc;
	len = snapfile_codec_encode(r->buf, s->slots + first, end - first, &all);
	st = snapfile_rstmt(r, SNAPFILE_R_SLOTS, ci);
	if (len)
		sqlite3_bind_blob(st, 3, r->buf, (int)len, SQLITE_STATIC);
	rc = snapfile_rdone(r, st, &changes);
	if (!rc && changes != 1)
		rc = diag_line(r->w.d, r->w.f->path, 0, "snap-slots-rows",
			       "slots row snapshot=%" PRId64 " cluster=%u is missing: not replaced",
			       r->w.id, ci);
	if (!rc)
		rc = snapfile_replace_runs(r, ci, first, end - first);
	if (!rc)
		rc = snapfile_replace_side(r, first, end);
	return rc;
}

static int snapfile_replace_rows(struct snapfile_replacer *r)
{
	const struct snapshot *s = r->w.s;
	uint32_t ci;
	int i, rc;

	for (i = 0; i < SNAPFILE_NR_RSQL; i++) {
		rc = snapfile_sql_prepare(r->w.f, snapfile_rsql[i], &r->st[i], r->w.d);
		if (rc)
			return rc;
	}
	rc = snapfile_replace_head(r);
	for (ci = 0; !rc && ci < s->dev.nr_clusters; ci++)
		if (snapfile_replace_dirty(r, ci))
			rc = snapfile_replace_cluster(r, ci);
	return rc;
}

int snapfile_replace(struct snapfile *f, int64_t id, const struct snapshot *s,
		     const uint64_t *dirty, struct diag *d)
{
	struct snapfile_replacer r = {
		.w = { .f = f, .s = s, .d = d, .id = id },
		.dirty = dirty,
	};
	int i, rc;

	diag_clear(d);
	if (!f->writable || f->tmp)
		return diag_errno(d, f->path, -EBADF);
	rc = snapfile_check_head(&r.w);
	if (rc)
		return rc;
	r.era = era_get(s->dev.era);
	rc = snapfile_replace_check(&r);
	if (rc)
		return rc;
	r.entries = malloc((size_t)s->dev.cluster_size * (sizeof(*r.entries) + 2));
	if (!r.entries)
		return diag_errno(d, f->path, -ENOMEM);
	r.buf = (uint8_t *)(r.entries + s->dev.cluster_size);
	/*
	 * EXTRA: the directory is synced once the journal is unlinked too,
	 * so the commit is on disk when this returns, not only atomic.
	 */
	rc = snapfile_sql_exec(f, "PRAGMA synchronous=EXTRA; BEGIN IMMEDIATE", d);
	if (!rc) {
		rc = snapfile_replace_rows(&r);
		if (!rc)
			rc = snapfile_sql_exec(f, "COMMIT", d);
		if (rc)
			sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
	}
	for (i = 0; i < SNAPFILE_NR_RSQL; i++)
		sqlite3_finalize(r.st[i]);
	free(r.entries);
	return rc;
}
