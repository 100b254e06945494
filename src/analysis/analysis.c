// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * analysis.c - the one pass over a snapshot (analysis.h): per-cluster
 * summaries from the scanner (scan.c), device totals, per-order
 * ownership and how many allocations of each order would succeed now.
 *
 * Memory: struct analysis_cluster per cluster plus nr_orders u16 run
 * counts per cluster, and a copy of the cluster's 4-byte struct for
 * analysis_update_cluster() (about 64 bytes per 512-slot cluster, 0.125
 * byte per slot); nothing per slot, nothing per finding.
 *
 * Allocatable order-k allocations, per era (analysis_allocatable()).
 * F = free clusters (flag free), D = discard clusters, cs = cluster_size,
 * usable = clusters on a nonfull or frag list (flag none = isolated: the
 * slow path does not find them), blocks(c, k) = aligned all-free 2^k
 * blocks of c, where cache-only slots count as free when vm_swap_full()
 * holds (the scan reclaims them then: alloc_swap_scan_cluster() 6.14+,
 * cluster_scan_range() 6.12, scan_swap_map_slots() before), PMD =
 * cluster_shift.
 *
 *  every era: k >= nr_orders or k > PMD -> 0 (folio_alloc_swap() refuses);
 *             k > 0 on a device known not to be a block device (flags
 *             given, no SWP_BLKDEV: a swap file) -> 0
 *             (cluster_alloc_swap_entry() 6.14+, scan_swap_map_slots()
 *             6.10-6.13, get_swap_pages() before).
 *
 *  D-G (6.14+), cluster_alloc_swap_entry():
 *    k = 0        F * cs + sum of blocks(c, 0) over usable c of any order
 *                 (order 0 steals from frag[o] and nonfull[o]) + D * cs
 *                 (only order 0 runs swap_sync_discard() and retries)
 *    0 < k < PMD  F * cs / 2^k + sum of blocks(c, k) over usable c owned
 *                 by order k (nonfull[k], frag[k])
 *    k = PMD      F (nonfull and frag lists are walked below PMD only)
 *  C (6.12-6.13), cluster_alloc_swap_entry() under si->lock:
 *    k = 0        as D-G
 *    k > 0        0 on a rotational device (no cluster_info); else
 *                 (F + D) * cs / 2^k + owned blocks as D-G (a pending
 *                 discard is run synchronously and the scan restarts, for
 *                 any order)
 *  B (6.10-6.11), scan_swap_map_try_ssd_cluster():
 *    k = 0        free slots outside discard clusters + D * cs, plus
 *                 cache-only slots when vm_swap_full (the linear scanner
 *                 takes any slot and reclaims SWAP_HAS_CACHE-only ones then)
 *    k > 0        0 on a rotational device; else (F + D) * cs / 2^k + the
 *                 strictly free 2^k blocks from each per-CPU next[k] hint
 *                 to the end of its cluster (the scan steps from the hint;
 *                 each cluster once, from its lowest hint)
 *  A (<= 6.9), get_swap_pages():
 *    k = 0        as B
 *    0 < k < PMD  0 (mTHP is split before swap-out)
 *    k = PMD      F on a non-rotational device (swap_alloc_cluster()), else 0
 *
 * vm_swap_full(): nr_swap_pages * 2 < total_swap_pages, here for the one
 * device: (pages - inuse_pages) * 2 < pages, from info when given, else
 * pages = max - bad slots (header included) and inuse = slots with a
 * count or a cache mark that are not bad.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/analysis.h"
#include "swapfs/stream.h"

#include "scan.h"

static const char *const analysis_checks[ANALYSIS_NR_CHECKS] = {
	[ANALYSIS_MISALIGNED] = "misaligned",
	[ANALYSIS_COUNT_MISMATCH] = "count-mismatch",
	[ANALYSIS_LIST_MISMATCH] = "list-mismatch",
	[ANALYSIS_BAD_IN_USE] = "bad-in-use",
	[ANALYSIS_ORPHAN_CACHE] = "orphan-cache",
	[ANALYSIS_MIXED_BACKING] = "mixed-backing",
	[ANALYSIS_MIXED_ORDER] = "mixed-order",
	[ANALYSIS_PARTIAL_BLOCK] = "partial-block",
	[ANALYSIS_CACHE_ONLY] = "cache-only",
};

static const enum analysis_severity analysis_severities[ANALYSIS_NR_CHECKS] = {
	[ANALYSIS_MISALIGNED] = ANALYSIS_ERROR,
	[ANALYSIS_COUNT_MISMATCH] = ANALYSIS_ERROR,
	[ANALYSIS_LIST_MISMATCH] = ANALYSIS_ERROR,
	[ANALYSIS_BAD_IN_USE] = ANALYSIS_ERROR,
	[ANALYSIS_ORPHAN_CACHE] = ANALYSIS_ERROR,
	[ANALYSIS_MIXED_BACKING] = ANALYSIS_ERROR,
	[ANALYSIS_MIXED_ORDER] = ANALYSIS_WARNING,
	[ANALYSIS_PARTIAL_BLOCK] = ANALYSIS_INFO,
	[ANALYSIS_CACHE_ONLY] = ANALYSIS_INFO,
};

static const char *const analysis_severity_names[] = {
	[ANALYSIS_INFO] = "info",
	[ANALYSIS_WARNING] = "warning",
	[ANALYSIS_ERROR] = "error",
};

const char *analysis_check_name(enum analysis_check c)
{
	return (unsigned int)c < ANALYSIS_NR_CHECKS ? analysis_checks[c] : "?";
}

int analysis_check_parse(const char *name, size_t len)
{
	int i;

	for (i = 0; i < ANALYSIS_NR_CHECKS; i++)
		if (strlen(analysis_checks[i]) == len &&
		    !memcmp(analysis_checks[i], name, len))
			return i;
	return -1;
}

enum analysis_severity analysis_check_severity(enum analysis_check c)
{
	return (unsigned int)c < ANALYSIS_NR_CHECKS ? analysis_severities[c] :
	       ANALYSIS_ERROR;
}

const char *analysis_severity_name(enum analysis_severity sev)
{
	return (unsigned int)sev <= ANALYSIS_ERROR ?
	       analysis_severity_names[sev] : "?";
}

int analysis_severity_parse(const char *name)
{
	int i;

	for (i = ANALYSIS_INFO; i <= ANALYSIS_ERROR; i++)
		if (!strcmp(analysis_severity_names[i], name))
			return i;
	return -1;
}

int analysis_finding_format(const struct analysis_finding *f, char *buf,
			    size_t len)
{
	char order[24] = "", detail[sizeof(f->detail) + 8] = "";

	if (f->order >= 0)
		snprintf(order, sizeof(order), " order=%d", f->order);
	if (f->detail[0])
		snprintf(detail, sizeof(detail), " detail=%.*s",
			 (int)sizeof(f->detail) - 1, f->detail);
	return snprintf(buf, len, "%s cluster=%u offset=%u nr=%u%s%s",
			analysis_check_name(f->check), f->cluster, f->offset,
			f->nr, order, detail);
}

/* What the era rules need, summed over the clusters. */
struct analysis_sums {
	uint64_t usable_free, usable_cache_only;
	uint64_t discard_free;	/* free slots in discard clusters (>= 6.15) */
	uint64_t own[SNAPSHOT_MAX_ORDER + 1], own_reclaim[SNAPSHOT_MAX_ORDER + 1];
};

/*
 * Era B: the lowest next[k] hint (k > 0) into one cluster, and the free
 * 2^k blocks from it to the cluster's end (0 while the cluster is free:
 * the free clusters count those already).
 */
struct analysis_hint {
	uint32_t ci;
	uint32_t offset;
	unsigned int order;
	uint32_t blocks;
};

/*
 * The analysis and what analysis_update_cluster() needs to take a
 * cluster's old contribution out again, since the snapshot no longer
 * shows it: the cluster as it was analysed, its runs of orders that
 * order_runs has no column for, the sums behind the era rules.
 * analysis_run() allocates this; struct analysis is its first member, so
 * analysis_free() and every reader see a plain struct analysis.
 */
struct analysis_state {
	struct analysis a;
	unsigned int mask;		/* the checks counted */
	struct analysis_sums sum;
	uint64_t nonfree, tail;		/* for vm_swap_full() */
	struct snapshot_cluster *seen;	/* each cluster as last analysed */
	/*
	 * [ci * nr_big + k - nr_orders]: runs of order k >= nr_orders that
	 * start in cluster ci; NULL as long as no cluster had one (rare: no
	 * source but a hand-made snapshot has them).
	 */
	uint16_t *big;
	unsigned int nr_big;
	struct analysis_hint *hints;	/* era B only; by cluster, then order */
	size_t nr_hints;
	uint64_t hint_blocks[SNAPSHOT_MAX_ORDER + 1];
};

static struct analysis_state *analysis_state(const struct analysis *a)
{
	return (struct analysis_state *)a;
}

void analysis_free(struct analysis *a)
{
	struct analysis_state *st = analysis_state(a);

	if (!a)
		return;
	free(a->clusters);
	free(a->order_runs);
	free(st->seen);
	free(st->big);
	free(st->hints);
	free(st);
}

static int analysis_hint_cmp(const void *x, const void *y)
{
	const struct analysis_hint *a = x, *b = y;

	if (a->ci != b->ci)
		return a->ci < b->ci ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return (a->offset > b->offset) - (a->offset < b->offset);
}

/*
 * Era B: free 2^k blocks from each per-CPU next[k] hint to the end of its
 * cluster (scan_swap_map_try_ssd_cluster() steps from the hint), each
 * cluster once from its lowest hint. Offset 0 is SWAP_NEXT_INVALID; a
 * hint into a free cluster is already counted among the free clusters.
 */
static uint32_t analysis_hint_count(const struct snapshot *s,
				    const struct analysis_hint *h)
{
	if (s->clusters[h->ci].flags == SNAPSHOT_CLUSTER_FREE)
		return 0;
	return scan_blocks_from(s, h->offset, snapshot_cluster_end(s, h->ci),
				h->order);
}

/*
 * The hints of era B, the lowest of each order in each cluster, kept so
 * that a change of one cluster recounts only its own.
 */
static int analysis_hints_build(struct analysis_state *st)
{
	const struct snapshot *s = st->a.snap;
	struct analysis_hint *h;
	size_t i, n = 0;

	if (scan_era(s) != 'B' || !s->nr_next)
		return 0;
	if (s->stream)	/* the hints read words the stream has moved past */
		return -EAGAIN;
	h = malloc(s->nr_next * sizeof(*h));
	if (!h)
		return -ENOMEM;
	for (i = 0; i < s->nr_next; i++) {
		const struct snapshot_next *nx = &s->next[i];

		if (!nx->order || nx->order >= s->dev.nr_orders || !nx->offset ||
		    nx->offset >= s->dev.max)
			continue;
		h[n].ci = nx->offset >> s->dev.cluster_shift;
		h[n].offset = nx->offset;
		h[n].order = nx->order;
		n++;
	}
	qsort(h, n, sizeof(*h), analysis_hint_cmp);
	st->nr_hints = 0;
	for (i = 0; i < n; i++) {
		struct analysis_hint *o;

		if (st->nr_hints && h[st->nr_hints - 1].ci == h[i].ci &&
		    h[st->nr_hints - 1].order == h[i].order)
			continue;	/* a higher hint of the same cluster */
		o = &h[st->nr_hints++];
		*o = h[i];
		o->blocks = analysis_hint_count(s, o);
		st->hint_blocks[o->order] += o->blocks;
	}
	st->hints = h;
	return 0;
}

/* Recount the era B hint blocks of cluster @ci. */
static void analysis_hints_update(struct analysis_state *st, uint32_t ci)
{
	size_t lo = 0, hi = st->nr_hints;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->hints[mid].ci < ci)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < st->nr_hints && st->hints[lo].ci == ci; lo++) {
		struct analysis_hint *h = &st->hints[lo];

		st->hint_blocks[h->order] -= h->blocks;
		h->blocks = analysis_hint_count(st->a.snap, h);
		st->hint_blocks[h->order] += h->blocks;
	}
}

/* The table at the top of this file, for order @k. */
static uint64_t analysis_rule(const struct analysis *a,
			      const struct analysis_sums *sum, unsigned int k,
			      uint64_t hint_blocks)
{
	const struct snapshot_device *dev = &a->snap->dev;
	const struct analysis_totals *t = &a->totals;
	uint64_t F = t->clusters[SNAPSHOT_CLUSTER_FREE];
	uint64_t D = t->clusters[SNAPSHOT_CLUSTER_DISCARD];
	uint64_t cs = dev->cluster_size, own;
	bool full = t->vm_swap_full;
	bool rotational = dev->has_rotational && dev->rotational;
	bool swapfile = dev->has_flags && !(dev->flags & SNAPSHOT_SWP_BLKDEV);
	char era = scan_era(a->snap);

	if (k >= dev->nr_orders || k > dev->cluster_shift)
		return 0;
	if (k && swapfile)
		return 0;
	if (!k) {
		/* D * cs whether the map shows them SWAP_MAP_BAD or free */
		if (era <= 'B')
			return t->slots_free - sum->discard_free +
			       (full ? t->slots_cache_only : 0) + D * cs;
		return F * cs + sum->usable_free +
		       (full ? sum->usable_cache_only : 0) + D * cs;
	}
	if (era <= 'C' && rotational)
		return 0;
	own = k < dev->cluster_shift ?
	      (full ? sum->own_reclaim[k] : sum->own[k]) : 0;
	switch (era) {
	case 'A':
		return k == dev->cluster_shift ? F : 0;
	case 'B':
		return (F + D) * (cs >> k) + hint_blocks;
	case 'C':
		return (F + D) * (cs >> k) + own;
	default:
		return F * (cs >> k) + own;
	}
}

/*
 * vm_swap_full() for this device alone: nr_swap_pages * 2 <
 * total_swap_pages.
 */
static bool analysis_swap_full(const struct snapshot *s,
			       const struct analysis_totals *t, uint64_t nonfree,
			       uint64_t tail)
{
	uint64_t pages, inuse, avail;

	pages = s->dev.has_pages ? s->dev.pages :
		(uint64_t)s->dev.max - t->slots_bad;
	inuse = s->dev.has_inuse ? s->dev.inuse_pages :
		nonfree - tail - t->slots_bad;
	avail = inuse >= pages ? 0 : pages - inuse;
	return avail * 2 < pages;
}

/* *@x plus @v, or minus @v when @sign is negative (modulo 2^64: sums net out). */
static inline void analysis_add(uint64_t *x, uint64_t v, int sign)
{
	*x = sign < 0 ? *x - v : *x + v;
}

/*
 * Add (@sign 1) or take out (@sign -1) what one cluster contributes to
 * the totals, orders[] and the sums behind the era rules: its summary
 * @ac, its struct @cl, the runs starting in it by order (@runs,
 * SNAPSHOT_MAX_ORDER + 1 entries). Taking out uses what was added, which
 * is why the state keeps each cluster as it was analysed.
 */
static void analysis_account(struct analysis_state *st,
			     const struct analysis_cluster *ac,
			     const struct snapshot_cluster *cl,
			     const uint32_t *runs, int sign)
{
	struct analysis *a = &st->a;
	struct analysis_totals *t = &a->totals;
	struct analysis_sums *sum = &st->sum;
	uint32_t nr_orders = a->snap->dev.nr_orders;
	unsigned int k, c;

	for (k = 0; k <= SNAPSHOT_MAX_ORDER; k++)
		analysis_add(&a->orders[k].runs, runs[k], sign);
	analysis_add(&t->slots_used, ac->used, sign);
	analysis_add(&t->slots_free, ac->free, sign);
	analysis_add(&t->slots_cached, ac->cached, sign);
	analysis_add(&t->slots_cache_only, ac->cache_only, sign);
	analysis_add(&t->slots_bad, ac->bad, sign);
	analysis_add(&t->slots_zero, ac->zero, sign);
	analysis_add(&t->slots_zswap, ac->zswap, sign);
	analysis_add(&st->nonfree, ac->nonfree, sign);
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		analysis_add(&t->findings[c], ac->findings[c], sign);

	if (cl->flags >= SNAPSHOT_CLUSTER_NR_FLAGS)
		return;		/* list-mismatch said so */
	analysis_add(&t->clusters[cl->flags], 1, sign);
	if (cl->order < nr_orders)
		analysis_add(&a->orders[cl->order].clusters[cl->flags], 1, sign);
	if (cl->flags == SNAPSHOT_CLUSTER_DISCARD)
		analysis_add(&sum->discard_free, ac->free, sign);
	/* flags <= CLUSTER_FLAG_USABLE, and on a list (not NONE) */
	if (cl->flags != SNAPSHOT_CLUSTER_NONFULL &&
	    cl->flags != SNAPSHOT_CLUSTER_FRAG)
		return;
	analysis_add(&sum->usable_free, ac->free, sign);
	analysis_add(&sum->usable_cache_only, ac->cache_only, sign);
	if (cl->order <= SNAPSHOT_MAX_ORDER) {
		analysis_add(&sum->own[cl->order], ac->own_blocks, sign);
		analysis_add(&sum->own_reclaim[cl->order],
			     ac->own_blocks_reclaim, sign);
	}
}

/*
 * Keep cluster @ci's runs (@runs by order): orders below nr_orders in its
 * order_runs row, the others in the state's big table, made when first
 * needed. Returns 0 or -ENOMEM (then nothing changed).
 */
static int analysis_store_runs(struct analysis_state *st, uint32_t ci,
			       const uint32_t *runs)
{
	const struct snapshot_device *dev = &st->a.snap->dev;
	uint16_t *row = st->a.order_runs + (size_t)ci * dev->nr_orders;
	unsigned int k;
	bool big = false;

	for (k = dev->nr_orders; k <= SNAPSHOT_MAX_ORDER; k++)
		big |= runs[k] != 0;
	if (big && !st->big) {
		st->big = calloc((size_t)dev->nr_clusters * st->nr_big,
				 sizeof(*st->big));
		if (!st->big)
			return -ENOMEM;
	}
	for (k = 0; k < dev->nr_orders; k++)
		row[k] = (uint16_t)runs[k];
	if (st->big)
		for (k = dev->nr_orders; k <= SNAPSHOT_MAX_ORDER; k++)
			st->big[(size_t)ci * st->nr_big + k - dev->nr_orders] =
				(uint16_t)runs[k];
	return 0;
}

/* What analysis_store_runs() kept for cluster @ci, back into @runs. */
static void analysis_load_runs(const struct analysis_state *st, uint32_t ci,
			       uint32_t *runs)
{
	const struct snapshot_device *dev = &st->a.snap->dev;
	const uint16_t *row = st->a.order_runs + (size_t)ci * dev->nr_orders;
	unsigned int k;

	for (k = 0; k <= SNAPSHOT_MAX_ORDER; k++)
		runs[k] = k < dev->nr_orders ? row[k] :
			  st->big ? st->big[(size_t)ci * st->nr_big + k -
					    dev->nr_orders] : 0;
}

/*
 * What follows from the totals and sums: findings by severity,
 * vm_swap_full() and the allocatable orders. O(orders): none of it is
 * kept per cluster, so a flip of vm_swap_full() costs nothing more.
 */
static void analysis_settle(struct analysis_state *st)
{
	struct analysis *a = &st->a;
	struct analysis_totals *t = &a->totals;
	unsigned int k, c;

	memset(t->by_severity, 0, sizeof(t->by_severity));
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		t->by_severity[analysis_severities[c]] += t->findings[c];
	t->vm_swap_full = analysis_swap_full(a->snap, t, st->nonfree, st->tail);
	for (k = 0; k < a->snap->dev.nr_orders; k++)
		a->orders[k].allocatable = analysis_rule(a, &st->sum, k,
							 st->hint_blocks[k]);
}

int analysis_run(const struct snapshot *s, unsigned int mask,
		 analysis_finding_fn fn, void *arg, struct analysis **out)
{
	const struct snapshot_device *dev;
	uint32_t runs[SNAPSHOT_MAX_ORDER + 1];
	struct stream_cursor cur;
	struct analysis_state *st;
	uint32_t ci, nr_orders;
	size_t folio = 0;
	struct analysis *a;
	size_t i;
	int rc;

	if (out)
		*out = NULL;
	if (!s || !s->slots || !s->clusters || !s->dev.max)
		return -EINVAL;
	dev = &s->dev;
	nr_orders = dev->nr_orders;
	if (!nr_orders || nr_orders > SNAPSHOT_MAX_ORDER + 1 ||
	    !dev->cluster_size || dev->cluster_size > SNAPSHOT_MAX_CLUSTER_SIZE ||
	    dev->cluster_size != 1u << dev->cluster_shift ||
	    dev->nr_clusters != (uint32_t)(((uint64_t)dev->max +
					     dev->cluster_size - 1) >>
					    dev->cluster_shift))
		return -EINVAL;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	a = &st->a;
	a->snap = s;
	st->mask = mask & ANALYSIS_ALL_CHECKS;
	st->nr_big = SNAPSHOT_MAX_ORDER + 1 - nr_orders;
	a->clusters = calloc(dev->nr_clusters, sizeof(*a->clusters));
	a->order_runs = calloc((size_t)dev->nr_clusters * nr_orders,
			       sizeof(*a->order_runs));
	st->seen = malloc((size_t)dev->nr_clusters * sizeof(*st->seen));
	if (!a->clusters || !a->order_runs || !st->seen) {
		analysis_free(a);
		return -ENOMEM;
	}
	memcpy(st->seen, s->clusters, (size_t)dev->nr_clusters * sizeof(*st->seen));

	stream_cursor_init(&cur, s);
	for (ci = 0; ci < dev->nr_clusters; ci++) {
		struct analysis_cluster *ac = &a->clusters[ci];

		memset(runs, 0, sizeof(runs));
		rc = stream_at(&cur, ci);
		if (!rc)
			rc = scan_cluster(s, ci, st->mask, fn, arg, ac, runs, &folio);
		if (!rc)
			rc = analysis_store_runs(st, ci, runs);
		if (rc) {
			analysis_free(a);
			return rc;
		}
		analysis_account(st, ac, &st->seen[ci], runs, 1);
		st->tail += snapshot_cluster_tail(s, ci);
	}

	for (i = 0; i < s->nr_folios; i++)
		if (s->folios[i].order <= SNAPSHOT_MAX_ORDER)
			a->orders[s->folios[i].order].folios++;
	rc = analysis_hints_build(st);
	if (rc) {
		analysis_free(a);
		return rc;
	}
	analysis_settle(st);

	if (out)
		*out = a;
	else
		analysis_free(a);
	return 0;
}

int analysis_update_cluster(struct analysis *a, uint32_t ci)
{
	struct analysis_state *st = analysis_state(a);
	uint32_t runs[SNAPSHOT_MAX_ORDER + 1] = { 0 };
	uint32_t old[SNAPSHOT_MAX_ORDER + 1];
	struct analysis_cluster ac;
	const struct snapshot *s;

	if (!a || ci >= a->snap->dev.nr_clusters)
		return -EINVAL;
	s = a->snap;
	/* no callback: the scan only counts, it cannot fail */
	scan_cluster(s, ci, st->mask, NULL, NULL, &ac, runs, NULL);
	analysis_load_runs(st, ci, old);
	if (analysis_store_runs(st, ci, runs))
		return -ENOMEM;
	analysis_account(st, &a->clusters[ci], &st->seen[ci], old, -1);
	a->clusters[ci] = ac;
	st->seen[ci] = s->clusters[ci];
	analysis_account(st, &ac, &st->seen[ci], runs, 1);
	analysis_hints_update(st, ci);
	analysis_settle(st);
	return 0;
}

int analysis_update_slots(struct analysis *a, uint32_t first, uint32_t nr)
{
	const struct snapshot_folio *f;
	const struct snapshot *s;
	uint32_t ci, last, start, shift, before[2];
	unsigned int order, n = 0, i;
	int rc;

	if (!a || !nr || first >= a->snap->dev.max ||
	    nr > a->snap->dev.max - first)
		return a && !nr ? 0 : -EINVAL;
	s = a->snap;
	shift = s->dev.cluster_shift;
	ci = first >> shift;
	last = (first + nr - 1) >> shift;
	/*
	 * A run or folio belongs to the cluster of its first slot and may
	 * reach past it (mixed-backing and orphan-cache read its slots): one
	 * that covers changed slots from an earlier cluster covers @first
	 * too, so these two are all there can be.
	 */
	if (!snapshot_run_at(s, first, &start, &order) && start >> shift < ci)
		before[n++] = start >> shift;
	f = snapshot_folio_at(s, first);
	if (f && f->offset >> shift < ci &&
	    (!n || before[0] != f->offset >> shift))
		before[n++] = f->offset >> shift;
	for (i = 0; i < n; i++) {
		rc = analysis_update_cluster(a, before[i]);
		if (rc)
			return rc;
	}
	for (; ci <= last; ci++) {
		rc = analysis_update_cluster(a, ci);
		if (rc)
			return rc;
	}
	return 0;
}

/* Swapping the snapshot: the era B hints are made again from @s's table. */
int analysis_rebase(struct analysis *a, const struct snapshot *s)
{
	struct analysis_state *st = analysis_state(a);
	uint64_t hint_blocks[SNAPSHOT_MAX_ORDER + 1];
	struct analysis_hint *hints;
	const struct snapshot *old;
	size_t nr_hints, i;
	unsigned int k;
	int rc;

	if (!a || !s || !s->slots || !s->clusters ||
	    s->dev.max != a->snap->dev.max ||
	    s->dev.cluster_size != a->snap->dev.cluster_size ||
	    s->dev.nr_orders != a->snap->dev.nr_orders ||
	    scan_era(s) != scan_era(a->snap))
		return -EINVAL;
	old = a->snap;
	hints = st->hints;
	nr_hints = st->nr_hints;
	memcpy(hint_blocks, st->hint_blocks, sizeof(hint_blocks));
	a->snap = s;
	st->hints = NULL;
	st->nr_hints = 0;
	memset(st->hint_blocks, 0, sizeof(st->hint_blocks));
	rc = analysis_hints_build(st);
	if (rc) {
		a->snap = old;
		st->hints = hints;
		st->nr_hints = nr_hints;
		memcpy(st->hint_blocks, hint_blocks, sizeof(hint_blocks));
		return rc;
	}
	free(hints);
	for (k = 0; k <= SNAPSHOT_MAX_ORDER; k++)
		a->orders[k].folios = 0;
	for (i = 0; i < s->nr_folios; i++)
		if (s->folios[i].order <= SNAPSHOT_MAX_ORDER)
			a->orders[s->folios[i].order].folios++;
	analysis_settle(st);
	return 0;
}

int analysis_cluster_findings(const struct analysis *a, uint32_t ci,
			      unsigned int mask, analysis_finding_fn fn,
			      void *arg)
{
	uint32_t runs[SNAPSHOT_MAX_ORDER + 1] = { 0 };
	struct analysis_cluster ac;

	if (!a || ci >= a->snap->dev.nr_clusters)
		return -EINVAL;
	return scan_cluster(a->snap, ci, mask & ANALYSIS_ALL_CHECKS, fn, arg,
			    &ac, runs, NULL);
}

uint64_t analysis_allocatable(const struct analysis *a, unsigned int order)
{
	if (!a || order >= a->snap->dev.nr_orders || order > SNAPSHOT_MAX_ORDER)
		return 0;
	return a->orders[order].allocatable;
}
