// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-check.c - a snapshot held to what the reader would refuse
 * before any of its rows is written, so a refusal leaves the file as it
 * was: the provenance, the device, and what becomes text.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "swapfs/era.h"
#include "snapfile-writer.h"

int __attribute__((format(printf, 3, 4)))
snapfile_check_refuse(struct snapfile_writer *w, const char *rule, const char *fmt, ...)
{
	char what[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return diag_line(w->d, w->f->path, 0, rule, "cannot store the snapshot: %s",
			 what);
}

/* The provenance and device, as the snapshots row will hold them. */
int snapfile_check_head(struct snapfile_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapshot_device *dev = &s->dev;
	const struct snapshot_provenance *p = &s->prov;

	if (!s->slots || !s->clusters || !dev->max || !dev->kernel ||
	    !era_get(dev->era))
		return snapfile_check_refuse(w, "snap-model",
					     "it has no device (info_apply() and snapshot_set_geometry() give it one)");
	if (!p->source_kind || !snapfile_text_kind_ok(p->source_kind))
		return snapfile_check_refuse(w, "snap-source-kind",
					     "source kind '%s' is not one of dump, snapshot, sim, capture",
					     p->source_kind ? p->source_kind : "(none)");
	if (p->created && *p->created && !snapfile_text_created_ok(p->created))
		return snapfile_check_refuse(w, "snap-created",
					     "created '%.40s' is not YYYY-MM-DDTHH:MM:SSZ (UTC)",
					     p->created);
	if (p->step < -1)
		return snapfile_check_refuse(w, "snap-step", "step %" PRId64 " is negative",
					     p->step);
	if (s->files >> SNAPFILE_NR_FILES)
		return snapfile_check_refuse(w, "snap-files",
					     "files 0x%x has bits no dump file stands for",
					     s->files);
	return 0;
}

/* The last snapshot: its id and place in its group (0 of 1 alone). */
struct snapfile_check_last {
	int64_t id;
	int64_t area, areas;
};

static int snapfile_check_last(struct snapfile_writer *w, struct snapfile_check_last *l)
{
	static const char sql[] =
		"SELECT s.id,"
		" (SELECT value FROM info WHERE snapshot = s.id AND key = 'area'),"
		" (SELECT value FROM info WHERE snapshot = s.id AND key = 'areas')"
		" FROM snapshots s ORDER BY s.id DESC LIMIT 1";
	sqlite3_stmt *st;
	int rc;

	*l = (struct snapfile_check_last){ .id = 0, .area = 0, .areas = 1 };
	rc = snapfile_sql_prepare(w->f, sql, &st, w->d);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		l->id = sqlite3_column_int64(st, 0);
		/* text the reader checked (info_apply()): a number or absent */
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			l->area = sqlite3_column_int64(st, 1);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			l->areas = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : snapfile_sql_fail(w->f, rc, w->d);
}

/*
 * Several areas read at one moment are consecutive snapshots, area 0
 * first (swapfs-snapshot(5)): the new one must be the next area of the
 * last group, or area 0 after a whole group of as many areas.
 */
static int snapfile_check_place(struct snapfile_writer *w,
				const struct snapfile_check_last *l)
{
	const struct snapshot_device *dev = &w->s->dev;
	int64_t area = dev->has_area ? dev->area : 0, areas = dev->has_area ? dev->areas : 1;

	if (!l->id && !area)
		return 0;
	if (!l->id)
		return snapfile_check_refuse(w, "snap-area",
					     "it is area %" PRId64 " of %" PRId64 ", and a group "
					     "starts with area 0", area, areas);
	if (l->areas != areas)
		return snapfile_check_refuse(w, "snap-area",
					     "it is one of %" PRId64 " areas, snapshot %" PRId64
					     " one of %" PRId64 ": every group of a file has as "
					     "many areas", areas, l->id, l->areas);
	if (area != (l->area + 1) % areas)
		return snapfile_check_refuse(w, "snap-area",
					     "it is area %" PRId64 ", snapshot %" PRId64 " area %"
					     PRId64 " of %" PRId64 ": a group's areas are "
					     "consecutive snapshots, area 0 first", area, l->id,
					     l->area, areas);
	return 0;
}

/*
 * A time series is of one area each: a snapshot whose page size, cluster
 * size or slot count differs from the last snapshot of its area (the last
 * one, when the file has one area) is refused, so that snapshots of one
 * area can be compared slot by slot.
 */
int snapfile_check_series(struct snapfile_writer *w)
{
	static const char sql[] = "SELECT page_size, cluster_size, max FROM snapshots"
				  " WHERE id = ?";
	const struct snapshot_device *dev = &w->s->dev;
	int64_t have[3], want[3] = { dev->page_size, dev->cluster_size, dev->max };
	static const char *const what[3] = { "page size", "cluster size", "slot count" };
	struct snapfile_check_last l;
	sqlite3_stmt *st;
	int64_t id;
	int rc, i;

	rc = snapfile_check_last(w, &l) ?: snapfile_check_place(w, &l);
	if (rc)
		return rc;
	/* the new snapshot is l.id + 1; its area's last one a group before */
	id = l.id + 1 - l.areas;
	if (id < 1)
		return 0;
	rc = snapfile_sql_prepare(w->f, sql, &st, w->d);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : snapfile_sql_fail(w->f, rc, w->d);
	}
	for (i = 0; i < 3; i++)
		have[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	for (i = 0; i < 3; i++)
		if (have[i] != want[i])
			return snapfile_check_refuse(w, "snap-series",
						     "its %s is %" PRId64 ", snapshot %" PRId64
						     "'s is %" PRId64 ": a time series is one area",
						     what[i], want[i], id, have[i]);
	return 0;
}

int snapfile_check_folios(struct snapfile_writer *w)
{
	const struct snapshot *s = w->s;
	const char *why, *extra;
	unsigned int bits;
	size_t i;

	for (i = 0; i < s->nr_folios; i++) {
		const struct snapshot_folio *fo = &s->folios[i];

		extra = snapshot_folio_extra(s, fo);
		why = snapfile_text_list_parse(extra, snapshot_folio_flag_parse, &bits,
					       &extra);
		if (why || bits || fo->flags >> SNAPSHOT_FOLIO_NR_FLAGS)
			return snapfile_check_refuse(w, "snap-folio-flags",
						     "folio at %u: flags 0x%x '%.60s': %s", fo->offset,
						     fo->flags, snapshot_folio_extra(s, fo),
						     why ? why : "the other names hold a known one");
	}
	return 0;
}

/* What becomes text, and what the reader would refuse: before any row. */
int snapfile_check_rows(struct snapfile_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapfile_counter *c = w->counters;
	const char *why;
	size_t i, j;
	int rc;

	for (i = 0; i < s->nr_info; i++)
		if ((why = snapfile_text_info_why(s->info[i].key, s->info[i].value)))
			return snapfile_check_refuse(w, "snap-info-key", "info key '%.40s': %s",
						     s->info[i].key, why);
	for (i = 0; i < s->dev.nr_clusters; i++)
		if (s->clusters[i].flags >= SNAPSHOT_CLUSTER_NR_FLAGS ||
		    s->clusters[i].order >= s->dev.nr_orders ||
		    s->clusters[i].count > s->dev.cluster_size)
			return snapfile_check_refuse(w, "snap-cluster", "cluster %zu: flags %u, order %u, count %u",
						     i, s->clusters[i].flags,
						     s->clusters[i].order, s->clusters[i].count);
	if (!s->stream && (rc = snapfile_check_folios(w)))
		return rc;
	for (i = 0; i < w->nr_counters; i++) {
		size_t len = strnlen(c[i].name, sizeof(c[i].name));

		if (len == sizeof(c[i].name) || !snapshot_flag_name_ok(c[i].name, len))
			return snapfile_check_refuse(w, "snap-counter-name",
						     "counter '%.*s' is not a name of [a-z0-9_], 1 to %zu bytes",
						     (int)len, c[i].name, sizeof(c[i].name) - 1);
		if (c[i].order >= s->dev.nr_orders)
			return snapfile_check_refuse(w, "snap-counter-order",
						     "counter %s: order %u is not below nr_orders %u",
						     c[i].name, c[i].order, s->dev.nr_orders);
		if (c[i].value > INT64_MAX)
			return snapfile_check_refuse(w, "snap-counter-value",
						     "counter %s: %" PRIu64 " does not fit SQLite's integers",
						     c[i].name, c[i].value);
		/* a few names per order: pairs are cheaper than a sort */
		for (j = 0; j < i; j++)
			if (c[j].order == c[i].order && !strcmp(c[j].name, c[i].name))
				return snapfile_check_refuse(w, "snap-counter-duplicate",
							     "counter %s of order %u is given twice",
							     c[i].name, c[i].order);
	}
	return 0;
}
