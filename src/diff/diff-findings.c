// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff-findings.c - the findings added and removed (diff.h): which
 * clusters can have other findings, and the findings of one such cluster
 * on both sides, merged.
 *
 * The analysis gives the findings of one cluster again at O(cluster)
 * (analysis_cluster_findings()), and a cluster's findings are a function
 * of its struct, its slots and the runs and folios that start in it
 * (analysis.h), so only the clusters where one of those differs are
 * scanned again: never the whole device for a small change, and no
 * finding is kept in memory beyond one cluster's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/array.h"

#include "diff-parts.h"

/* Mark the cluster where a run or folio covering @slot of @s starts. */
static void diff_mark_reach(struct diff *df, const struct snapshot *s,
			    uint32_t slot)
{
	const struct snapshot_folio *f;
	unsigned int order;
	uint32_t start;

	if (!snapshot_run_at(s, slot, &start, &order) && start < slot)
		diff_set_bit(df->findings, start >> df->cluster_shift);
	f = snapshot_folio_at(s, slot);
	if (f && f->offset < slot)
		diff_set_bit(df->findings, f->offset >> df->cluster_shift);
}

static bool diff_folio_same(const struct snapshot *a, const struct snapshot_folio *x,
			    const struct snapshot *b, const struct snapshot_folio *y)
{
	return x->order == y->order && x->flags == y->flags &&
	       !strcmp(snapshot_folio_extra(a, x), snapshot_folio_extra(b, y));
}

/* Mark the clusters where the folio tables differ (both are sorted). */
static void diff_mark_folios(struct diff *df)
{
	const struct snapshot *a = df->a.snap, *b = df->b.snap;
	size_t i = 0, j = 0;

	while (i < a->nr_folios || j < b->nr_folios) {
		const struct snapshot_folio *x = i < a->nr_folios ? &a->folios[i] : NULL;
		const struct snapshot_folio *y = j < b->nr_folios ? &b->folios[j] : NULL;

		if (x && y && x->offset == y->offset) {
			if (!diff_folio_same(a, x, b, y))
				diff_set_bit(df->findings, x->offset >> df->cluster_shift);
			i++;
			j++;
		} else if (x && (!y || x->offset < y->offset)) {
			diff_set_bit(df->findings, x->offset >> df->cluster_shift);
			i++;
		} else {
			diff_set_bit(df->findings, y->offset >> df->cluster_shift);
			j++;
		}
	}
}

int diff_findings_mark(struct diff *df)
{
	const struct snapshot *a = df->a.snap, *b = df->b.snap;
	size_t words = (df->nr_clusters + 63) / 64, w;
	uint32_t ci;

	if (a->dev.era != b->dev.era || a->dev.nr_orders != b->dev.nr_orders) {
		/* other rules on each side: any cluster can differ */
		memset(df->findings, 0xff, words * sizeof(*df->findings));
		if (df->nr_clusters % 64)
			df->findings[words - 1] = (1ull << (df->nr_clusters % 64)) - 1;
		return 0;
	}
	for (w = 0; w < words; w++)
		df->findings[w] = df->changed[w];
	for (ci = diff_next_bit(df->changed, df->nr_clusters, 0); ci < df->nr_clusters;
	     ci = diff_next_bit(df->changed, df->nr_clusters, ci + 1)) {
		uint32_t first = snapshot_cluster_first(a, ci);

		diff_mark_reach(df, a, first);
		diff_mark_reach(df, b, first);
	}
	diff_mark_folios(df);
	return 0;
}

/* One cluster's findings on one side. */
struct diff_list {
	struct analysis_finding *v;
	size_t nr, alloc;
};

static int diff_list_add(const struct analysis_finding *f, void *arg)
{
	struct diff_list *l = arg;

	if (array_grow((void **)&l->v, &l->alloc, l->nr, sizeof(*l->v), 16))
		return -ENOMEM;
	l->v[l->nr++] = *f;
	return 0;
}

/* The order findings are merged in: offset, check, nr, order, detail. */
static int diff_finding_cmp(const struct analysis_finding *x,
			    const struct analysis_finding *y)
{
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->check != y->check)
		return x->check < y->check ? -1 : 1;
	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->detail, y->detail);
}

static int diff_finding_qsort(const void *x, const void *y)
{
	return diff_finding_cmp(x, y);
}

static int diff_list_load(const struct analysis *an, uint32_t ci,
			  struct diff_list *l)
{
	int rc = analysis_cluster_findings(an, ci, ANALYSIS_ALL_CHECKS,
					   diff_list_add, l);

	if (!rc && l->nr > 1)
		qsort(l->v, l->nr, sizeof(*l->v), diff_finding_qsort);
	return rc;
}

/* Merge two sorted lists: what is on one side only goes to @fn. */
static int diff_lists_merge(const struct diff_list *x, const struct diff_list *y,
			    diff_finding_fn fn, void *arg)
{
	size_t i = 0, j = 0;
	int rc = 0;

	while (!rc && (i < x->nr || j < y->nr)) {
		int c = i == x->nr ? 1 : j == y->nr ? -1 :
			diff_finding_cmp(&x->v[i], &y->v[j]);

		if (c < 0)
			rc = fn(&x->v[i++], DIFF_REMOVED, arg);
		else if (c > 0)
			rc = fn(&y->v[j++], DIFF_ADDED, arg);
		else
			i++, j++;
	}
	return rc;
}

int diff_cluster_findings(const struct diff *df, uint32_t ci,
			  diff_finding_fn fn, void *arg)
{
	struct diff_list x = { 0 }, y = { 0 };
	int rc;

	if (ci >= df->nr_clusters)
		return -EINVAL;
	if (!diff_bit(df->findings, ci))
		return 0;
	rc = diff_list_load(df->a.an, ci, &x) ?: diff_list_load(df->b.an, ci, &y);
	if (!rc)
		rc = diff_lists_merge(&x, &y, fn, arg);
	free(x.v);
	free(y.v);
	return rc;
}

/* A callback that stops at the first finding on one side only. */
static int diff_findings_stop(const struct analysis_finding *f,
			      enum diff_change change, void *arg)
{
	(void)f;
	(void)change;
	(void)arg;
	return 1;
}

int diff_findings_differ(const struct diff *df)
{
	uint32_t ci;
	int rc;

	for (ci = diff_next_bit(df->findings, df->nr_clusters, 0); ci < df->nr_clusters;
	     ci = diff_next_bit(df->findings, df->nr_clusters, ci + 1)) {
		rc = diff_cluster_findings(df, ci, diff_findings_stop, NULL);
		if (rc)
			return rc < 0 ? rc : 1;
	}
	return 0;
}
