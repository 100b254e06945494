// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * series.c - the snapshots of the source: the ids of a snapshot file's
 * time series, loading one (the snapshot, its analysis, and everything
 * derived from them once per load), and t/T to the next or previous one.
 *
 * A load that fails leaves the snapshot shown before, so t/T on a broken
 * snapshot says why on the message line and nothing else changes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/diag.h>
#include <swapfs/snapfile.h>
#include <swapfs/source.h>

#include "nav.h"
#include "series.h"
#include "views.h"

int series_list(struct session *sv, char *err, size_t len)
{
	struct snapfile_entry *e = NULL;
	struct snapfile *f;
	struct diag d;
	size_t i, nr = 0;
	int64_t at_id;
	char *path;
	int rc;

	diag_clear(&d);
	/* FILE@N opens at N; t/T walk all of FILE */
	rc = source_name_split(sv->src, &path, &at_id, &d);
	if (!rc && !snapfile_probe(path)) {
		free(path);
		return 0;
	}
	if (!rc) {
		rc = snapfile_open(path, false, &f, &d);
		free(path);
	}
	if (!rc) {
		rc = snapfile_list(f, &e, &nr, &d);
		snapfile_close(f);
	}
	if (rc) {
		snprintf(err, len, "%s", d.msg[0] ? d.msg : strerror(-rc));
		return rc;
	}
	sv->ids = nr ? malloc(nr * sizeof(*sv->ids)) : NULL;
	if (nr && !sv->ids) {
		free(e);
		snprintf(err, len, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++)
		sv->ids[i] = e[i].id;
	sv->nr_ids = nr;
	free(e);
	return 0;
}

/* Derive what the views need from sv->snap and sv->an. */
static int series_derive(struct session *sv)
{
	return marks_build(&sv->marks, sv->snap, sv->an) ?:
	       findnav_build(&sv->findings, sv->an, marks_shown(sv->nav.severity)) ?:
	       views_layout(sv);
}

int series_reanalyse(struct session *sv)
{
	struct analysis *a;
	int rc;

	rc = analysis_run(sv->snap, ANALYSIS_ALL_CHECKS, NULL, NULL, &a);
	if (rc)
		return rc;
	analysis_free(sv->an);
	sv->an = a;
	return series_derive(sv);
}

int series_adopt(struct session *sv, struct snapshot *s, char *err, size_t len)
{
	struct snapshot *old_s = sv->snap;
	struct analysis *a = NULL, *old_a = sv->an;
	int rc;

	rc = analysis_run(s, ANALYSIS_ALL_CHECKS, NULL, NULL, &a);
	if (rc) {
		snprintf(err, len, "%s: analysis: %s", sv->src, strerror(-rc));
		snapshot_free(s);
		return rc;
	}
	sv->snap = s;
	sv->an = a;
	nav_loaded(sv);
	rc = changes_reset(&sv->changes, &s->dev) ?: series_derive(sv);
	if (rc) {
		snprintf(err, len, "%s: %s", sv->src, strerror(-rc));
		sv->snap = old_s;
		sv->an = old_a;
		analysis_free(a);
		snapshot_free(s);
		if (old_s)
			series_derive(sv);
		return rc;
	}
	analysis_free(old_a);
	snapshot_free(old_s);
	return 0;
}

int series_load(struct session *sv, int64_t id, char *err, size_t len)
{
	struct snapshot *s = NULL;
	struct diag d;
	int rc;

	diag_clear(&d);
	rc = source_load(sv->src, id, &s, &d);
	if (rc) {
		snprintf(err, len, "%s", d.msg[0] ? d.msg : strerror(-rc));
		return rc;
	}
	return series_adopt(sv, s, err, len);
}

int series_filter(struct session *sv)
{
	return findnav_build(&sv->findings, sv->an, marks_shown(sv->nav.severity)) ?:
	       views_layout(sv);
}

void series_step(struct session *sv, int dir)
{
	const struct snapshot_device *dev = &sv->snap->dev;
	size_t cur = sv->nav.series, nr = sv->nr_ids;
	/* a series of groups of areas: the same area of the next group */
	size_t step = dev->has_area ? dev->areas : 1;
	char err[DIAG_MAX + 64];
	int64_t id;

	if (nr <= step) {
		nav_message(sv, "%s is not a time series: one snapshot", sv->src);
		return;
	}
	if (dir > 0 ? cur + step >= nr : cur < step) {
		nav_message(sv, "this is the %s snapshot of the series (%zu)",
			    dir > 0 ? "last" : "first", nr);
		return;
	}
	id = sv->ids[dir > 0 ? cur + step : cur - step];
	nav_message(sv, "loading snapshot %" PRId64 "...", id);
	views_draw(sv);
	if (series_load(sv, id, err, sizeof(err)))
		nav_message(sv, "%s", err);
	else
		nav_message(sv, "snapshot %" PRId64 " (%zu of %zu)%s%s", id,
			    sv->nav.series + 1, nr,
			    sv->snap->prov.created ? ", taken " : "",
			    sv->snap->prov.created ? sv->snap->prov.created : "");
}
