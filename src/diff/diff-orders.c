// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff-orders.c - the orders, the per-order event counters and the
 * totals of both sides (diff.h), from the analyses and the counters the
 * sources stored: O(orders + counters), nothing per slot.
 *
 * A counter stored on one side only is listed (the other side has none:
 * a dump carries no counters) but is no difference: the state of a
 * snapshot file and of its export are the same state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff-parts.h"

static int diff_counter_cmp(const struct diff_stat *x,
			    const struct diff_stat *y)
{
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Append the counter @x (side a), @y (side b) or both to the merged list. */
static void diff_counter_put(struct diff *df, const struct diff_stat *x,
			     const struct diff_stat *y)
{
	struct diff_counter *c = &df->counters[df->nr_counters++];
	const struct diff_stat *k = x ? x : y;

	memset(c, 0, sizeof(*c));
	c->order = k->order;
	c->name = k->name;
	if (x) {
		c->a = x->value;
		c->has_a = true;
	}
	if (y) {
		c->b = y->value;
		c->has_b = true;
	}
}

int diff_orders_merge(struct diff *df)
{
	const struct diff_stat *x = df->a.counters, *y = df->b.counters;
	size_t na = df->a.nr_counters, nb = df->b.nr_counters, i = 0, j = 0;

	if (!na && !nb)
		return 0;
	df->counters = calloc(na + nb, sizeof(*df->counters));
	if (!df->counters)
		return -ENOMEM;
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : diff_counter_cmp(&x[i], &y[j]);

		if (c < 0)
			diff_counter_put(df, &x[i++], NULL);
		else if (c > 0)
			diff_counter_put(df, NULL, &y[j++]);
		else
			diff_counter_put(df, &x[i++], &y[j++]);
	}
	return 0;
}

static uint64_t diff_owned(const struct analysis_order *o)
{
	uint64_t n = 0;
	unsigned int f;

	for (f = 0; f < SNAPSHOT_CLUSTER_NR_FLAGS; f++)
		n += o->clusters[f];
	return n;
}

/* Order @k of one side into column @i of @o (zeros past its nr_orders). */
static void diff_order_side(const struct diff_side *s, unsigned int k,
			    struct diff_order *o, int i)
{
	const struct analysis_order *ao;

	if (k >= s->snap->dev.nr_orders || k > SNAPSHOT_MAX_ORDER)
		return;
	ao = &s->an->orders[k];
	o->allocatable[i] = ao->allocatable;
	o->clusters[i] = diff_owned(ao);
	o->runs[i] = ao->runs;
	o->folios[i] = ao->folios;
}

struct diff_order diff_order(const struct diff *df, unsigned int k)
{
	struct diff_order o;

	memset(&o, 0, sizeof(o));
	diff_order_side(&df->a, k, &o, 0);
	diff_order_side(&df->b, k, &o, 1);
	return o;
}

unsigned int diff_nr_orders(const struct diff *df)
{
	return df->nr_orders;
}

const struct diff_counter *diff_counters(const struct diff *df, size_t *nr)
{
	*nr = df->nr_counters;
	return df->counters;
}

static bool diff_totals_same(const struct analysis_totals *x,
			     const struct analysis_totals *y)
{
	return x->slots_used == y->slots_used && x->slots_free == y->slots_free &&
	       x->slots_cached == y->slots_cached &&
	       x->slots_cache_only == y->slots_cache_only &&
	       x->slots_bad == y->slots_bad && x->slots_zero == y->slots_zero &&
	       x->slots_zswap == y->slots_zswap &&
	       x->vm_swap_full == y->vm_swap_full &&
	       !memcmp(x->clusters, y->clusters, sizeof(x->clusters));
}

bool diff_orders_same(const struct diff *df)
{
	unsigned int k;
	size_t i;

	for (k = 0; k < df->nr_orders; k++) {
		struct diff_order o = diff_order(df, k);

		if (o.allocatable[0] != o.allocatable[1] ||
		    o.clusters[0] != o.clusters[1] || o.runs[0] != o.runs[1] ||
		    o.folios[0] != o.folios[1])
			return false;
	}
	for (i = 0; i < df->nr_counters; i++) {
		const struct diff_counter *c = &df->counters[i];

		if (c->has_a && c->has_b && c->a != c->b)
			return false;
	}
	return diff_totals_same(&df->a.an->totals, &df->b.an->totals);
}
