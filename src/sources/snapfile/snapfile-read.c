// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-read.c - snapfile_read(): one snapshot back into the model,
 * its tables in the order their meaning depends on (snapfile-reader.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/info.h"
#include "snapfile-row.h"

/* A dump has a few dozen info keys; this many is no device description. */
#define SNAPFILE_MAX_INFO	1024

static int snapfile_read_info_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	const char *key, *value, *why;
	struct info_error e;
	int64_t pos;
	int rc;

	if ((rc = snapfile_row_int(r, 0, 0, INT64_MAX, "snap-info-pos", &pos)) ||
	    (rc = snapfile_row_dense_key(r, "snap-info-pos", pos)) ||
	    (rc = snapfile_row_text(r, 1, false, &key)) ||
	    (rc = snapfile_row_text(r, 2, false, &value)))
		return rc;
	if (s->nr_info >= SNAPFILE_MAX_INFO)
		return snapfile_row_bad(r, "snap-info-rows",
					"more than %d info rows: not a device description",
					SNAPFILE_MAX_INFO);
	why = snapfile_text_info_why(key, value);
	if (why)
		return snapfile_row_bad(r, "snap-info-key", "key '%.40s': %s", key, why);
	if (snapshot_info_get(s, key))
		return snapfile_row_bad(r, "snap-info-duplicate",
					"key '%.40s' is given twice", key);
	if (info_check(key, value, &e))
		return snapfile_row_bad(r, e.rule, "%s", e.why);
	return snapshot_info_add(s, key, value) ? snapfile_row_nomem(r) : 0;
}

/*
 * The snapshots row repeats what info says, so people can query it: the
 * two must agree, or a tool reading one and swapfs the other would differ.
 */
static int snapfile_read_head_match(struct snapfile_reader *r,
				    const struct snapfile_head *h, const char *kernel)
{
	const struct snapshot_device *dev = &r->s->dev;
	static const char rule[] = "snap-info-mismatch";

	if (strcmp(kernel, dev->kernel))
		return snapfile_row_bad(r, rule, "kernel '%.40s', but info says '%.40s'",
					kernel, dev->kernel);
	if (h->era != dev->era)
		return snapfile_row_bad(r, rule, "era %c, but info makes it %c",
					h->era, dev->era);
	if (h->page_size != dev->page_size)
		return snapfile_row_bad(r, rule, "page_size %u, but info says %u",
					h->page_size, dev->page_size);
	if (h->cluster_size != dev->cluster_size)
		return snapfile_row_bad(r, rule, "cluster_size %u, but info says %u",
					h->cluster_size, dev->cluster_size);
	if (h->max != dev->max)
		return snapfile_row_bad(r, rule, "max %u, but info says %u", h->max,
					dev->max);
	if (h->nr_orders != dev->nr_orders)
		return snapfile_row_bad(r, rule, "nr_orders %u, but info makes it %u",
					h->nr_orders, dev->nr_orders);
	return 0;
}

/* Provenance and the files bits from the snapshots row. */
static int snapfile_read_take_head(struct snapfile_reader *r,
				   const struct snapfile_head *h)
{
	struct snapshot_provenance *p = &r->s->prov;

	if (snapshot_set_string(&p->created, h->created) ||
	    snapshot_set_string(&p->source_kind, h->source_kind) ||
	    snapshot_set_string(&p->source_path, h->source_path) ||
	    snapshot_set_string(&p->note, h->note))
		return snapfile_row_nomem(r);
	p->step = h->step;
	p->id = h->id;
	r->s->files = h->files;
	return 0;
}

/* Info sizes everything: the rows up to the slot array, which is made. */
static int snapfile_read_front(struct snapfile_reader *r,
			       const struct snapfile_head *h, const char *kernel)
{
	struct snapshot *s = r->s;
	struct info_error e;
	int rc;

	rc = snapfile_row_each(r, "info", "SELECT pos, key, value FROM info"
			       " WHERE snapshot = ?1 ORDER BY pos", snapfile_read_info_row);
	if (rc)
		return rc;
	if (info_apply(s, &e))
		return diag_line(r->d, r->f->path, 0, e.rule,
				 "info rows of snapshot %" PRId64 ": %s", r->id, e.why);
	r->era = era_get(s->dev.era);
	if ((rc = snapfile_read_head_match(r, h, kernel)) ||
	    (rc = snapfile_slots_bounds(r)))
		return rc;
	rc = snapshot_set_geometry(s, s->dev.max, s->dev.cluster_size);
	return rc ? diag_errno(r->d, r->f->path, rc) : 0;
}

int snapfile_read_open(struct snapfile_reader *r, int64_t id)
{
	struct snapfile_head h;
	char *kernel = NULL;
	int rc;

	r->s = snapshot_new();
	if (!r->s)
		return diag_errno(r->d, r->f->path, -ENOMEM);
	rc = snapfile_head_find(r, id, &h);
	if (!rc)
		rc = snapfile_read_take_head(r, &h);
	if (!rc && !(kernel = strdup(h.kernel)))
		rc = snapfile_row_nomem(r);
	sqlite3_finalize(r->st);
	r->st = NULL;
	if (!rc)
		rc = snapfile_read_front(r, &h, kernel);
	free(kernel);
	return rc;
}

int snapfile_read_back(struct snapfile_reader *r)
{
	uint32_t clash;
	int rc;

	if ((rc = snapfile_side_read(r)) ||
	    (rc = snapfile_row_each(r, "procs", "SELECT pid, comm, refs FROM procs"
				    " WHERE snapshot = ?1 ORDER BY pid", snapfile_procs_row)))
		return rc;
	if (snapshot_finish(r->s, &clash))
		return diag_line(r->d, r->f->path, 0, "snap-folio-overlap",
				 "folios row snapshot=%" PRId64 " offset=%u: overlaps another folio",
				 r->id, clash);
	return 0;
}

/*
 * In the order meaning depends on: info sizes everything, slots before
 * what marks them.
 */
int snapfile_read(struct snapfile *f, int64_t id, struct snapshot **out,
		  struct diag *d)
{
	struct snapfile_reader r = { .f = f, .d = d };
	int rc;

	diag_clear(d);
	*out = NULL;
	rc = snapfile_read_open(&r, id);
	if (!rc)
		rc = snapfile_split_read(&r);
	if (!rc)
		rc = snapfile_read_back(&r);
	if (rc) {
		snapshot_free(r.s);
		return rc;
	}
	*out = r.s;
	return 0;
}
