// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * analysis.c - the one pass over a snapshot (analysis.h): per-cluster
 * summaries from the scanner in findings.c, device totals, per-order
 * ownership and how many allocations of each order would succeed now.
 *
 * Memory: struct analysis_cluster per cluster plus nr_orders u16 run
 * counts per cluster (about 60 bytes per 512-slot cluster, 0.12 byte per
 * slot); nothing per slot, nothing per finding.
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

#include "findings.h"

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

void analysis_free(struct analysis *a)
{
	if (!a)
		return;
	free(a->clusters);
	free(a->order_runs);
	free(a);
}

/* What the era rules need, summed over the clusters. */
struct analysis_sums {
	uint64_t usable_free, usable_cache_only;
	uint64_t discard_free;	/* free slots in discard clusters (>= 6.15) */
	uint64_t own[SNAPSHOT_MAX_ORDER + 1], own_reclaim[SNAPSHOT_MAX_ORDER + 1];
};

static int analysis_u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

/*
 * Era B: free 2^k blocks from each per-CPU next[k] hint to the end of its
 * cluster (scan_swap_map_try_ssd_cluster() steps from the hint), each
 * cluster once from its lowest hint. Offset 0 is SWAP_NEXT_INVALID; a
 * hint into a free cluster is already counted among the free clusters.
 */
static int analysis_hint_blocks(const struct analysis *a, unsigned int k,
				uint64_t *out)
{
	const struct snapshot *s = a->snap;
	uint32_t *offs, shift = s->dev.cluster_shift;
	size_t i, n = 0;

	*out = 0;
	if (!s->nr_next)
		return 0;
	offs = malloc(s->nr_next * sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	for (i = 0; i < s->nr_next; i++) {
		const struct snapshot_next *h = &s->next[i];

		if (h->order != k || !h->offset || h->offset >= s->dev.max ||
		    s->clusters[h->offset >> shift].flags == SNAPSHOT_CLUSTER_FREE)
			continue;
		offs[n++] = h->offset;
	}
	qsort(offs, n, sizeof(*offs), analysis_u32_cmp);
	for (i = 0; i < n; i++) {
		uint32_t ci = offs[i] >> shift;

		if (i && (offs[i - 1] >> shift) == ci)
			continue;
		*out += findings_blocks_from(s, offs[i],
					     snapshot_cluster_end(s, ci), k);
	}
	free(offs);
	return 0;
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
	char era = findings_era(a->snap);

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

int analysis_run(const struct snapshot *s, unsigned int mask,
		 analysis_finding_fn fn, void *arg, struct analysis **out)
{
	const struct snapshot_device *dev;
	struct analysis_sums sum = { 0 };
	struct analysis_totals *t;
	uint32_t runs[SNAPSHOT_MAX_ORDER + 1];
	uint64_t nonfree = 0, tail = 0;
	uint32_t ci, nr_orders;
	size_t folio = 0;
	struct analysis *a;
	unsigned int k, c;
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

	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->snap = s;
	a->clusters = calloc(dev->nr_clusters, sizeof(*a->clusters));
	a->order_runs = calloc((size_t)dev->nr_clusters * nr_orders,
			       sizeof(*a->order_runs));
	if (!a->clusters || !a->order_runs) {
		analysis_free(a);
		return -ENOMEM;
	}
	t = &a->totals;
	mask &= ANALYSIS_ALL_CHECKS;

	for (ci = 0; ci < dev->nr_clusters; ci++) {
		const struct snapshot_cluster *cl = &s->clusters[ci];
		struct analysis_cluster *ac = &a->clusters[ci];
		uint16_t *row = a->order_runs + (size_t)ci * nr_orders;
		bool usable;

		memset(runs, 0, sizeof(runs));
		rc = findings_cluster(s, ci, mask, fn, arg, ac, runs, &folio);
		if (rc) {
			analysis_free(a);
			return rc;
		}
		for (k = 0; k <= SNAPSHOT_MAX_ORDER; k++) {
			if (!runs[k])
				continue;
			a->orders[k].runs += runs[k];
			if (k < nr_orders)
				row[k] = (uint16_t)runs[k];
		}

		t->slots_used += ac->used;
		t->slots_free += ac->free;
		t->slots_cached += ac->cached;
		t->slots_cache_only += ac->cache_only;
		t->slots_bad += ac->bad;
		t->slots_zero += ac->zero;
		t->slots_zswap += ac->zswap;
		nonfree += ac->nonfree;
		tail += snapshot_cluster_tail(s, ci);
		for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
			t->findings[c] += ac->findings[c];

		if (cl->flags >= SNAPSHOT_CLUSTER_NR_FLAGS)
			continue;	/* list-mismatch said so */
		t->clusters[cl->flags]++;
		if (cl->order < nr_orders)
			a->orders[cl->order].clusters[cl->flags]++;

		if (cl->flags == SNAPSHOT_CLUSTER_DISCARD)
			sum.discard_free += ac->free;
		/* flags <= CLUSTER_FLAG_USABLE, and on a list (not NONE) */
		usable = cl->flags == SNAPSHOT_CLUSTER_NONFULL ||
			 cl->flags == SNAPSHOT_CLUSTER_FRAG;
		if (!usable)
			continue;
		sum.usable_free += ac->free;
		sum.usable_cache_only += ac->cache_only;
		if (cl->order <= SNAPSHOT_MAX_ORDER) {
			sum.own[cl->order] += ac->own_blocks;
			sum.own_reclaim[cl->order] += ac->own_blocks_reclaim;
		}
	}

	for (i = 0; i < s->nr_folios; i++)
		if (s->folios[i].order <= SNAPSHOT_MAX_ORDER)
			a->orders[s->folios[i].order].folios++;
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		t->by_severity[analysis_severities[c]] += t->findings[c];
	t->vm_swap_full = analysis_swap_full(s, t, nonfree, tail);

	for (k = 0; k < nr_orders; k++) {
		uint64_t hint = 0;

		if (k && findings_era(s) == 'B') {
			rc = analysis_hint_blocks(a, k, &hint);
			if (rc) {
				analysis_free(a);
				return rc;
			}
		}
		a->orders[k].allocatable = analysis_rule(a, &sum, k, hint);
	}

	if (out)
		*out = a;
	else
		analysis_free(a);
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
	return findings_cluster(a->snap, ci, mask & ANALYSIS_ALL_CHECKS, fn,
				arg, &ac, runs, NULL);
}

uint64_t analysis_allocatable(const struct analysis *a, unsigned int order)
{
	if (!a || order >= a->snap->dev.nr_orders || order > SNAPSHOT_MAX_ORDER)
		return 0;
	return a->orders[order].allocatable;
}
