// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-head.c - the snapshots table: a snapshot's head row (its
 * provenance and device), checked, found by id, and listed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/array.h"
#include "snapfile-row.h"

#define SNAPFILE_HEAD_SQL \
	"SELECT id, created, source_kind, source_path, kernel, era, page_size," \
	" cluster_size, max, nr_orders, files, step, note FROM snapshots"

static bool snapfile_head_pow2(int64_t v)
{
	return v > 0 && !(v & (v - 1));
}

static unsigned int snapfile_head_log2(uint64_t v)
{
	unsigned int shift = 0;

	while ((1ull << shift) < v)
		shift++;
	return shift;
}

/* The device's sizes in a snapshots row, each as info.h bounds it. */
static int snapfile_head_sizes(struct snapfile_reader *r, struct snapfile_head *h)
{
	int64_t v;
	int rc;

	rc = snapfile_row_int(r, 6, SNAPSHOT_MIN_PAGE_SIZE, SNAPSHOT_MAX_PAGE_SIZE,
			      "snap-page-size", &v);
	if (rc)
		return rc;
	if (!snapfile_head_pow2(v))
		return snapfile_row_bad(r, "snap-page-size",
					"page_size %" PRId64 " is not a power of two", v);
	h->page_size = (uint32_t)v;
	rc = snapfile_row_int(r, 7, 1, SNAPSHOT_MAX_CLUSTER_SIZE, "snap-cluster-size", &v);
	if (rc)
		return rc;
	if (!snapfile_head_pow2(v))
		return snapfile_row_bad(r, "snap-cluster-size",
					"cluster_size %" PRId64 " is not a power of two", v);
	h->cluster_size = (uint32_t)v;
	rc = snapfile_row_int(r, 8, 1, UINT32_MAX, "snap-max", &v);
	if (rc)
		return rc;
	h->max = (uint32_t)v;
	rc = snapfile_row_int(r, 9, 1, snapfile_head_log2(h->cluster_size) + 1,
			      "snap-nr-orders", &v);
	h->nr_orders = (uint32_t)v;
	return rc;
}

int snapfile_head_parse(struct snapfile_reader *r, struct snapfile_head *h)
{
	const char *era, *files, *why;
	int64_t v;
	int rc;

	r->table = "snapshots";
	if ((rc = snapfile_row_int(r, 0, 1, INT64_MAX, "snap-id", &h->id)) ||
	    (rc = snapfile_row_text(r, 1, false, &h->created)) ||
	    (rc = snapfile_row_text(r, 2, false, &h->source_kind)) ||
	    (rc = snapfile_row_text(r, 3, true, &h->source_path)) ||
	    (rc = snapfile_row_text(r, 4, false, &h->kernel)) ||
	    (rc = snapfile_row_text(r, 5, false, &era)) ||
	    (rc = snapfile_row_text(r, 10, false, &files)) ||
	    (rc = snapfile_row_text(r, 12, true, &h->note)))
		return rc;
	if (!snapfile_text_created_ok(h->created))
		return snapfile_row_bad(r, "snap-created",
					"created '%.40s' is not YYYY-MM-DDTHH:MM:SS[.fraction]Z (UTC)",
					h->created);
	if (!snapfile_text_kind_ok(h->source_kind))
		return snapfile_row_bad(r, "snap-source-kind",
					"source_kind '%.40s' is not one of dump, snapshot, sim, capture",
					h->source_kind);
	if (!*h->kernel)
		return snapfile_row_bad(r, "snap-kernel", "kernel is empty");
	if (!era_get(era[0]) || era[1])
		return snapfile_row_bad(r, "snap-era",
					"era '%.40s' is not one of A B C D E F G", era);
	h->era = era[0];
	rc = snapfile_head_sizes(r, h);
	if (rc)
		return rc;
	why = snapfile_text_list_parse(files, snapfile_text_file_parse, &h->files, NULL);
	if (why)
		return snapfile_row_bad(r, "snap-files",
					"files '%.60s': %s (names: cache,continued,zeromap,zswap,orders,next)",
					files, why);
	h->step = -1;
	if (sqlite3_column_type(r->st, 11) != SQLITE_NULL) {
		rc = snapfile_row_int(r, 11, 0, INT64_MAX, "snap-step", &v);
		h->step = v;
	}
	return rc;
}

int snapfile_head_find(struct snapfile_reader *r, int64_t id,
		       struct snapfile_head *h)
{
	int rc;

	rc = snapfile_sql_prepare(r->f, id ? SNAPFILE_HEAD_SQL " WHERE id = ?1" :
				   SNAPFILE_HEAD_SQL " ORDER BY id DESC LIMIT 1",
				  &r->st, r->d);
	if (rc)
		return rc;
	sqlite3_bind_int64(r->st, 1, id);
	rc = sqlite3_step(r->st);
	if (rc == SQLITE_DONE) {
		if (id)
			diag_line(r->d, r->f->path, 0, "snap-no-snapshot",
				  "there is no snapshot %" PRId64, id);
		else
			diag_line(r->d, r->f->path, 0, "snap-no-snapshot",
				  "the file holds no snapshot");
		return -ENOENT;
	}
	if (rc != SQLITE_ROW)
		return snapfile_sql_fail(r->f, rc, r->d);
	rc = snapfile_head_parse(r, h);
	r->id = h->id;
	return rc;
}

/* @h as a listing's entry. */
static void snapfile_head_entry(struct snapfile_entry *e,
				const struct snapfile_head *h)
{
	memset(e, 0, sizeof(*e));
	e->id = h->id;
	e->step = h->step;
	snprintf(e->created, sizeof(e->created), "%s", h->created);
	snprintf(e->source_kind, sizeof(e->source_kind), "%s", h->source_kind);
	/* a release is at most 64 bytes; an edited longer one is cut */
	snprintf(e->kernel, sizeof(e->kernel), "%s", h->kernel);
	e->era = h->era;
}

int snapfile_list(struct snapfile *f, struct snapfile_entry **out, size_t *nr,
		  struct diag *d)
{
	struct snapfile_reader r = { .f = f, .d = d };
	struct snapfile_entry *list = NULL;
	struct snapfile_head h;
	size_t alloc = 0, n = 0;
	int rc, step;

	diag_clear(d);
	*out = NULL;
	*nr = 0;
	rc = snapfile_sql_prepare(f, SNAPFILE_HEAD_SQL " ORDER BY id", &r.st, d);
	if (rc)
		return rc;
	while ((step = sqlite3_step(r.st)) == SQLITE_ROW) {
		rc = snapfile_head_parse(&r, &h);
		if (rc)
			break;
		if (array_grow((void **)&list, &alloc, n, sizeof(*list), 16)) {
			rc = snapfile_row_nomem(&r);
			break;
		}
		snapfile_head_entry(&list[n++], &h);
	}
	if (!rc && step != SQLITE_DONE)
		rc = snapfile_sql_fail(f, step, d);
	sqlite3_finalize(r.st);
	if (rc) {
		free(list);
		return rc;
	}
	*out = list;
	*nr = n;
	return 0;
}

int snapfile_areas(struct snapfile *f, int64_t id, unsigned int *areas,
		   struct diag *d)
{
	static const char sql[] =
		"SELECT (SELECT value FROM info WHERE snapshot = s.id AND key = 'areas')"
		" FROM snapshots s WHERE s.id = ?1 OR (?1 = 0 AND s.id ="
		" (SELECT max(id) FROM snapshots))";
	sqlite3_stmt *st;
	const char *v;
	int rc;

	diag_clear(d);
	*areas = 1;
	rc = snapfile_sql_prepare(f, sql, &st, d);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (v = (const char *)sqlite3_column_text(st, 0)))
		*areas = (unsigned int)strtoul(v, NULL, 10);	/* the reader checks it */
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : snapfile_sql_fail(f, rc, d);
}
