// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * refresh.c - a live: source read again every interval (-d SECONDS,
 * default 1, as in top; 'p' pauses and resumes), and what changed since
 * the read before shown in the change layer.
 *
 * What a refresh costs, for a 64 GiB area (2^24 slots, 2^15 clusters):
 *	read	the reader is opened once (program load, finding swap_info:
 *		about a second) and kept; each read gives a new model (the
 *		reader's cost, a few ms of kernel and user time)
 *	compare	the new model against the one shown (compare.c): each
 *		cluster's slot words once with memcmp, O(device) bytes at
 *		memory speed; O(changed) beyond
 *	analyse	not again: the analysis is rebased on the new model and
 *		updated for the clusters that changed only
 *		(analysis_rebase(), analysis_update_cluster()), with those
 *		where a run or folio reaching into them starts
 *	derive	the marks and the map cells of those clusters (and of the
 *		clusters the read before marked, whose marks fade), O(changed);
 *		the numbering of the findings, O(clusters)
 *	draw	curses sends the terminal the cells that changed
 *
 * The change layer holds the changes of the last read: the next read
 * replaces it, so a mark fades one interval later; paused, it stays.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <swapfs/diag.h>
#include <swapfs/live.h>

#include "compare.h"
#include "nav.h"
#include "refresh.h"
#include "series.h"
#include "views.h"

/* A list of clusters, kept from one refresh to the next. */
struct refresh_list {
	uint32_t *v;
	size_t nr, alloc;
};

/* The clusters to analyse again, and those to draw again. */
static struct refresh_list refresh_analyse, refresh_show;

static double refresh_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int refresh_add(struct refresh_list *l, uint32_t ci)
{
	if (l->nr == l->alloc) {
		size_t alloc = l->alloc ? 2 * l->alloc : 256;
		uint32_t *v = realloc(l->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->alloc = alloc;
	}
	l->v[l->nr++] = ci;
	return 0;
}

static int refresh_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Sorted, each cluster once. */
static void refresh_unique(struct refresh_list *l)
{
	size_t i, n = 0;

	qsort(l->v, l->nr, sizeof(*l->v), refresh_cmp);
	for (i = 0; i < l->nr; i++)
		if (!n || l->v[n - 1] != l->v[i])
			l->v[n++] = l->v[i];
	l->nr = n;
}

/*
 * The clusters the analysis must see again: those that changed, and
 * those where a run or folio covering a changed cluster's first slot
 * starts (a run belongs to the cluster of its first slot).
 */
static int refresh_collect(const struct session *sv, const struct snapshot *s)
{
	const struct changes *ch = &sv->changes;
	uint32_t shift = s->dev.cluster_shift, start;
	unsigned int order;
	size_t i;
	int rc = 0;

	refresh_analyse.nr = 0;
	for (i = 0; i < ch->nr && !rc; i++) {
		uint32_t ci = ch->list[i].ci, first = snapshot_cluster_first(s, ci);
		const struct snapshot_folio *f = snapshot_folio_at(s, first);

		rc = refresh_add(&refresh_analyse, ci);
		if (!rc && !snapshot_run_at(s, first, &start, &order) &&
		    start >> shift < ci)
			rc = refresh_add(&refresh_analyse, start >> shift);
		if (!rc && f && f->offset >> shift < ci)
			rc = refresh_add(&refresh_analyse, f->offset >> shift);
	}
	for (i = 0; i < refresh_analyse.nr && !rc; i++)
		rc = refresh_add(&refresh_show, refresh_analyse.v[i]);
	refresh_unique(&refresh_analyse);
	refresh_unique(&refresh_show);
	return rc;
}

/*
 * The analysis of the model shown, rebased on @s and updated where they
 * differ. Returns 0, or -errno with the analysis as it was (nothing
 * else changed either) or, for a failed update, rebased on @s but not up
 * to date (*@rebased true): the caller analyses @s whole then.
 */
static int refresh_analysis(struct session *sv, const struct snapshot *s,
			    bool *rebased)
{
	size_t i;
	int rc;

	/* what the read before marked: their cells lose the marks */
	refresh_show.nr = 0;
	for (i = 0, rc = 0; i < sv->changes.nr && !rc; i++)
		rc = refresh_add(&refresh_show, sv->changes.list[i].ci);
	rc = rc ?: compare_models(sv->snap, s, &sv->changes) ?:
	     refresh_collect(sv, s) ?: analysis_rebase(sv->an, s);
	if (rc) {
		changes_reset(&sv->changes, &s->dev);
		return rc;
	}
	*rebased = true;
	for (i = 0; i < refresh_analyse.nr && !rc; i++)
		rc = analysis_update_cluster(sv->an, refresh_analyse.v[i]);
	return rc;
}

/* After the analysis: the marks, the findings, the views, the cursors. */
static void refresh_derive(struct session *sv, const struct analysis_finding *was)
{
	size_t i;

	for (i = 0; i < refresh_analyse.nr; i++)
		marks_update(&sv->marks, sv->snap, sv->an, refresh_analyse.v[i]);
	if (findnav_build(&sv->findings, sv->an, marks_shown(sv->nav.severity)) ||
	    views_update(sv, refresh_show.v, refresh_show.nr))
		nav_message(sv, "out of memory: the screen may show the read before");
	nav_refind(sv, was);
}

/* Model @s, read after the one shown, shown instead (@s is taken). */
static int refresh_apply(struct session *sv, struct snapshot *s)
{
	struct snapshot *old = sv->snap;
	struct analysis_finding was, *had = NULL;
	const struct analysis_finding *f = NULL;
	bool rebased = false;
	int rc;

	if (sv->nav.finding >= 0)
		f = findnav_get(&sv->findings, sv->an, (uint64_t)sv->nav.finding);
	if (f) {
		was = *f;
		had = &was;
	}
	rc = refresh_analysis(sv, s, &rebased);
	if (rc && !rebased)
		return rc;	/* nothing changed: the caller takes @s whole */
	sv->snap = s;
	snapshot_free(old);
	/* rebased on @s but an update failed: analyse @s whole */
	if (rc && !series_reanalyse(sv)) {
		nav_refind(sv, had);
		return 0;
	}
	if (rc)
		nav_message(sv, "out of memory: the findings may be those of the read before");
	refresh_derive(sv, had);
	return 0;
}

int refresh_open(struct session *sv, double interval, char *err, size_t len)
{
	struct refresh *r = &sv->refresh;
	struct snapshot *s = NULL;
	struct diag d;
	int rc;

	diag_clear(&d);
	/* one of several areas of a bare live: goes by its swap type */
	rc = live_open(sv->areas.nr ? sv->areas.spec : sv->src + strlen(LIVE_PREFIX),
		       &r->live, &d);
	if (!rc)
		rc = live_read(r->live, &s, &d);
	if (rc) {
		snprintf(err, len, "%s", d.msg[0] ? d.msg : strerror(-rc));
		refresh_close(sv);
		return rc;
	}
	rc = series_adopt(sv, s, err, len);
	if (rc) {
		refresh_close(sv);
		return rc;
	}
	r->interval = interval;
	r->reads = 1;
	r->due = refresh_clock() + interval;
	return 0;
}

void refresh_close(struct session *sv)
{
	live_close(sv->refresh.live);
	sv->refresh.live = NULL;
	free(refresh_analyse.v);
	free(refresh_show.v);
	memset(&refresh_analyse, 0, sizeof(refresh_analyse));
	memset(&refresh_show, 0, sizeof(refresh_show));
}

int refresh_wait(const struct session *sv, int most)
{
	double left;

	if (!sv->refresh.live || sv->refresh.paused)
		return most;
	left = (sv->refresh.due - refresh_clock()) * 1000.0;
	if (left <= 0)
		return 0;
	return left < most ? (int)left + 1 : most;
}

bool refresh_due(const struct session *sv)
{
	return sv->refresh.live && !sv->refresh.paused &&
	       refresh_clock() >= sv->refresh.due;
}

void refresh_now(struct session *sv)
{
	struct refresh *r = &sv->refresh;
	double t0 = refresh_clock();
	char err[DIAG_MAX + 64];
	struct snapshot *s;
	struct diag d;
	int rc;

	/* from now: a slow read never makes reads pile up */
	r->due = t0 + r->interval;
	diag_clear(&d);
	rc = live_read(r->live, &s, &d);
	if (rc) {
		r->failed++;
		nav_message(sv, "%s (tried %llu time%s; again every %g s)",
			    d.msg[0] ? d.msg : strerror(-rc),
			    (unsigned long long)r->failed, r->failed == 1 ? "" : "s",
			    r->interval);
		return;
	}
	if (r->failed)
		nav_message(sv, "%s read again", sv->src);
	r->failed = 0;
	rc = compare_same_device(sv->snap, s) ? refresh_apply(sv, s) : -EINVAL;
	if (rc && series_adopt(sv, s, err, sizeof(err))) {
		nav_message(sv, "%s", err);
		return;
	}
	if (rc)
		nav_message(sv, "%s read whole: %s", sv->src, rc == -EINVAL ?
			    "the area is another now (its size or kernel)" :
			    strerror(-rc));
	r->reads++;
	r->last_ms = (refresh_clock() - t0) * 1000.0;
}

void refresh_pause(struct session *sv)
{
	struct refresh *r = &sv->refresh;

	if (!r->live) {
		nav_message(sv, "%s is not live: nothing to pause", sv->src);
		return;
	}
	r->paused = !r->paused;
	if (r->paused) {
		nav_message(sv, "paused at read %llu: the marks stay (p resumes)",
			    (unsigned long long)r->reads);
		return;
	}
	r->due = refresh_clock();
	nav_message(sv, "resumed: a read every %g s", r->interval);
}
