// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff.c - two states of one device compared (diff.h): the geometry
 * check, the one pass that finds the changed clusters, and the bitmaps
 * the rest is answered from.
 *
 * The pass compares each cluster's struct, its slot words (memcmp: the
 * C library compares them a vector at a time) and its share of the two
 * sorted side tables that hold what a word cannot (exact counts above
 * SNAPSHOT_COUNT_INLINE_MAX, shmem ownership), walked with one cursor per
 * table and side, so the pass is O(slots + side tables) and never looks
 * at a slot on its own.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "diff-parts.h"

/* The two sides must describe one geometry; the message says how not. */
static int diff_check_geometry(const struct snapshot *a,
			       const struct snapshot *b, struct diag *d)
{
	const char *pa = a->prov.source_path ? a->prov.source_path : "first source";
	const char *pb = b->prov.source_path ? b->prov.source_path : "second source";

	if (a->dev.max == b->dev.max && a->dev.cluster_size == b->dev.cluster_size &&
	    a->dev.page_size == b->dev.page_size)
		return 0;
	diag_line(d, pb, 0, "diff-geometry",
		  "%u slots of %u bytes in clusters of %u, but %s has %u slots of %u bytes in clusters of %u: diff compares two states of one device",
		  b->dev.max, b->dev.page_size, b->dev.cluster_size, pa,
		  a->dev.max, a->dev.page_size, a->dev.cluster_size);
	return -EXDEV;
}

static bool diff_side_ok(const struct diff_side *s)
{
	return s->snap && s->an && s->an->snap == s->snap && s->snap->slots &&
	       s->snap->clusters && (s->counters || !s->nr_counters);
}

/*
 * A sorted side table of a snapshot: @nr items of @size bytes, each
 * starting with its slot (struct snapshot_count, the shmem slots).
 */
struct diff_table {
	const void *v;
	size_t nr, size;
};

/* diff_table_slot() reads a count's slot where a shmem table has it */
_Static_assert(offsetof(struct snapshot_count, slot) == 0,
	       "struct snapshot_count starts with its slot");

static uint32_t diff_table_slot(const struct diff_table *t, size_t i)
{
	return *(const uint32_t *)((const char *)t->v + i * t->size);
}

/*
 * Whether the entries of two tables below @end are the same, moving the
 * cursors *@cx and *@cy past them.
 */
static bool diff_table_same(const struct diff_table *x, const struct diff_table *y,
			    uint32_t end, size_t *cx, size_t *cy)
{
	size_t x0 = *cx, y0 = *cy;

	while (*cx < x->nr && diff_table_slot(x, *cx) < end)
		(*cx)++;
	while (*cy < y->nr && diff_table_slot(y, *cy) < end)
		(*cy)++;
	if (*cx - x0 != *cy - y0)
		return false;
	return *cx == x0 || !memcmp((const char *)x->v + x0 * x->size,
				    (const char *)y->v + y0 * y->size,
				    (*cx - x0) * x->size);
}

/* The one pass: a bit for every cluster that changed. */
static void diff_walk(struct diff *df)
{
	const struct snapshot *a = df->a.snap, *b = df->b.snap;
	const struct diff_table counts[2] = {
		{ a->counts, a->nr_counts, sizeof(*a->counts) },
		{ b->counts, b->nr_counts, sizeof(*b->counts) },
	};
	const struct diff_table shmem[2] = {
		{ a->shmem, a->nr_shmem, sizeof(*a->shmem) },
		{ b->shmem, b->nr_shmem, sizeof(*b->shmem) },
	};
	size_t cc[2] = { 0, 0 }, cs[2] = { 0, 0 };
	uint32_t ci;

	for (ci = 0; ci < df->nr_clusters; ci++) {
		uint32_t first = snapshot_cluster_first(a, ci);
		uint32_t end = snapshot_cluster_end(a, ci);
		const struct snapshot_cluster *x = &a->clusters[ci], *y = &b->clusters[ci];
		/* the tables first: their cursors move whatever the words say */
		bool same = diff_table_same(&counts[0], &counts[1], end, &cc[0], &cc[1]);

		same &= diff_table_same(&shmem[0], &shmem[1], end, &cs[0], &cs[1]);
		if (same && x->count == y->count && x->flags == y->flags &&
		    x->order == y->order &&
		    !memcmp(a->slots + first, b->slots + first,
			    (size_t)(end - first) * sizeof(*a->slots)))
			continue;
		diff_set_bit(df->changed, ci);
		df->nr_changed++;
	}
}

static int diff_alloc(struct diff *df)
{
	size_t words = (df->nr_clusters + 63) / 64;

	df->changed = calloc(words ? words : 1, sizeof(*df->changed));
	df->findings = calloc(words ? words : 1, sizeof(*df->findings));
	return df->changed && df->findings ? 0 : -ENOMEM;
}

/* Whether anything diff compares differs, the findings looked at last. */
static int diff_decide(struct diff *df)
{
	int rc;

	if (df->nr_changed || !diff_orders_same(df)) {
		df->same = false;
		return 0;
	}
	/* nothing changed in the slots: only a folio can move a finding */
	rc = diff_findings_differ(df);
	if (rc < 0)
		return rc;
	df->same = !rc;
	return 0;
}

int diff_new(const struct diff_side *a, const struct diff_side *b,
	     struct diff **out, struct diag *d)
{
	struct diff *df;
	int rc;

	diag_clear(d);
	*out = NULL;
	if (!diff_side_ok(a) || !diff_side_ok(b))
		return -EINVAL;
	rc = diff_check_geometry(a->snap, b->snap, d);
	if (rc)
		return rc;
	df = calloc(1, sizeof(*df));
	if (!df)
		return -ENOMEM;
	df->a = *a;
	df->b = *b;
	df->nr_clusters = a->snap->dev.nr_clusters;
	df->cluster_shift = a->snap->dev.cluster_shift;
	df->nr_orders = a->snap->dev.nr_orders > b->snap->dev.nr_orders ?
			a->snap->dev.nr_orders : b->snap->dev.nr_orders;
	rc = diff_alloc(df);
	if (!rc) {
		diff_walk(df);
		rc = diff_findings_mark(df) ?: diff_orders_merge(df) ?: diff_decide(df);
	}
	if (rc) {
		diff_free(df);
		return rc;
	}
	*out = df;
	return 0;
}

void diff_free(struct diff *df)
{
	if (!df)
		return;
	free(df->changed);
	free(df->findings);
	free(df->counters);
	free(df);
}

bool diff_same(const struct diff *df)
{
	return df->same;
}

uint32_t diff_clusters_changed(const struct diff *df)
{
	return df->nr_changed;
}

bool diff_cluster_changed(const struct diff *df, uint32_t ci)
{
	return ci < df->nr_clusters && diff_bit(df->changed, ci);
}

uint32_t diff_next_changed(const struct diff *df, uint32_t ci)
{
	return diff_next_bit(df->changed, df->nr_clusters, ci);
}

uint32_t diff_next_findings(const struct diff *df, uint32_t ci)
{
	return diff_next_bit(df->findings, df->nr_clusters, ci);
}
