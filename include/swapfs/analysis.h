/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * analysis.h - one pass over a snapshot into the summaries every view
 * answers from: per cluster counts and findings, per order ownership and
 * how many allocations would succeed, device totals.
 *
 * analysis_run() walks the slots once, cluster by cluster; findings are
 * produced by the same per-cluster scanner that views use later to list
 * the findings of one cluster (analysis_cluster_findings()), so a view of
 * one cluster costs O(cluster), never O(device).
 *
 * The checks (a finding line is
 * "<check> cluster=<i> offset=<first slot> nr=<slots> [order=<k>] [detail=<text>]"):
 *
 *  error   misaligned      a known run of order k (a swap-cache folio or an
 *                          orders record) whose first slot is not a multiple
 *                          of 2^k, or that crosses a cluster boundary. One
 *                          per run; a folio and an orders record with the
 *                          same offset and order are one run. order=k,
 *                          detail=<source>[,misaligned-by-<offset mod 2^k>]
 *                          [,crosses-cluster], source "orders", "cache" or
 *                          "orders+cache".
 *  error   count-mismatch  ci->count differs from the non-free slots of the
 *                          cluster (count > 0, cached or bad) plus its tail
 *                          beyond max (setup_clusters counts header, bad and
 *                          tail slots in every era). One per cluster,
 *                          offset/nr = the cluster, detail=count=<ci->count>,
 *                          slots=<expected>. Not in eras A..D for a cluster
 *                          with count 0, flag discard or none, every slot
 *                          bad: swap_cluster_schedule_discard() memset it to
 *                          SWAP_MAP_BAD (up to 6.14).
 *  error   list-mismatch   flags contradict count or order: free with
 *                          count > 0 or order > 0, full with count <
 *                          cluster_size, nonfull/frag with count 0 or
 *                          count == cluster_size, discard with count > 0;
 *                          any flag with an order >= nr_orders (or above
 *                          cluster_shift), a flag value outside the enum.
 *                          One per cluster, detail=<flag>[,count=<n>]
 *                          [,order=<k>] (or flags=<n>).
 *  error   bad-in-use      a bad slot that is cached, under a folio or
 *                          counted. One per run of consecutive such slots in
 *                          a cluster, detail = the reasons found in the run
 *                          joined by '+', in the order cached, folio, count.
 *  error   orphan-cache    a swap-cache folio covering slots the map says
 *                          are not cached (free, or counted without the
 *                          cache mark; bad slots are bad-in-use). One per
 *                          folio, order=its order, detail=free=<n>
 *                          [,uncached=<m>] or uncached=<m>. Never in era F,
 *                          whose map has no cache mark.
 *  error   mixed-backing   a known run of order > 0 whose allocated slots
 *                          (count > 0 or cached) disagree on zswap. One per
 *                          run, detail=zswap=<in zswap>/<allocated>.
 *  warning mixed-order     a run of known order other than its cluster's
 *                          order (including order-0 runs in a higher-order
 *                          cluster, and any order > 0 in a free cluster).
 *                          One per such run, detail=cluster-order=<k>. Not
 *                          in eras A and B, which have no ci->order.
 *  info    partial-block   in a cluster of order k > 0 (not free), an
 *                          aligned 2^k block partly non-free (tail slots
 *                          count as non-free). One per block, order=k,
 *                          detail=used=<non-free slots>.
 *  info    cache-only      slots with count 0 held only by the swap cache.
 *                          One per cluster, nr = their number, offset = the
 *                          first of them, no order, no detail.
 * A run or folio belongs to the cluster of its first slot. A cluster
 * the source marks as moving (moving.h: it changed while the running
 * kernel was read) has no findings: its summaries are kept, its checks
 * are not run.
 *
 * Stream order: clusters in index order; inside a cluster the two cluster
 * checks (count-mismatch, then list-mismatch) first, then by offset, and
 * at one offset by the order of enum analysis_check (two runs at one
 * offset, a folio and a record of different orders: the smaller order
 * first, check by check).
 */
#ifndef SWAPFS_ANALYSIS_H
#define SWAPFS_ANALYSIS_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_ANALYSIS)
#error "swapfs/analysis.h belongs to the analysis: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/snapshot.h"

enum analysis_check {
	ANALYSIS_MISALIGNED,
	ANALYSIS_COUNT_MISMATCH,
	ANALYSIS_LIST_MISMATCH,
	ANALYSIS_BAD_IN_USE,
	ANALYSIS_ORPHAN_CACHE,
	ANALYSIS_MIXED_BACKING,
	ANALYSIS_MIXED_ORDER,
	ANALYSIS_PARTIAL_BLOCK,
	ANALYSIS_CACHE_ONLY,
	ANALYSIS_NR_CHECKS,
};

#define ANALYSIS_ALL_CHECKS	((1u << ANALYSIS_NR_CHECKS) - 1)

enum analysis_severity {
	ANALYSIS_INFO,
	ANALYSIS_WARNING,
	ANALYSIS_ERROR,
};

/* One finding. */
struct analysis_finding {
	enum analysis_check check;
	uint32_t cluster;
	uint32_t offset;	/* first slot */
	uint32_t nr;		/* slots */
	int order;		/* -1: none */
	char detail[64];	/* "" for none; no blanks */
};

/* Per cluster summary: slot counts in the cluster's slots below max. */
struct analysis_cluster {
	uint16_t used;		/* count > 0 (on a bad slot: bad-in-use) */
	uint16_t free;		/* not used, not cached, not bad */
	uint16_t cached;	/* cached, with or without a count */
	uint16_t cache_only;	/* cached with count 0 */
	uint16_t bad;
	uint16_t zero;
	uint16_t zswap;
	uint16_t nonfree;	/* what ci->count should be, tail included */
	int8_t largest_free_order;	/* largest free aligned 2^k block, -1 none */
	uint8_t reserved;
	/* aligned free 2^order blocks of the cluster's own order: strictly
	 * free, and counting cache-only slots as free (vm_swap_full reclaim) */
	uint16_t own_blocks, own_blocks_reclaim;
	uint16_t findings[ANALYSIS_NR_CHECKS];	/* how many of each */
};

/* Per order summary. */
struct analysis_order {
	uint64_t clusters[SNAPSHOT_CLUSTER_NR_FLAGS];	/* owned by this order, by flag */
	uint64_t runs;		/* known runs of this order (orders + folios, once) */
	uint64_t folios;	/* swap-cache folios of this order */
	uint64_t allocatable;	/* order-k allocations that would succeed now */
};

/* Device totals. */
struct analysis_totals {
	uint64_t slots_used, slots_free, slots_cached, slots_cache_only,
		 slots_bad, slots_zero, slots_zswap;
	uint64_t clusters[SNAPSHOT_CLUSTER_NR_FLAGS];
	uint64_t findings[ANALYSIS_NR_CHECKS];
	uint64_t by_severity[3];	/* enum analysis_severity */
	/*
	 * vm_swap_full(): (pages - inuse_pages) * 2 < pages, from info when
	 * given, else pages = max - bad slots and inuse = slots with a count
	 * or a cache mark that are not bad.
	 */
	bool vm_swap_full;
};

struct analysis {
	const struct snapshot *snap;
	struct analysis_cluster *clusters;	/* snap->dev.nr_clusters */
	/*
	 * [cluster * nr_orders + k]: known runs of order k starting in the
	 * cluster (runs of an order >= nr_orders only count in orders[].runs)
	 */
	uint16_t *order_runs;
	struct analysis_order orders[SNAPSHOT_MAX_ORDER + 1];	/* nr_orders used */
	struct analysis_totals totals;
};

/*
 * A finding callback. Return 0 to go on, anything else to stop (the
 * value is passed back).
 */
typedef int (*analysis_finding_fn)(const struct analysis_finding *f, void *arg);

/*
 * analysis_run - the one pass. @fn (may be NULL) sees every finding of the
 * checks in @mask as it is found, in stream order, so `swapfs check`
 * streams; checks outside @mask are neither reported nor counted (slot,
 * run and cluster summaries do not depend on @mask). *@out (@out may be
 * NULL) stays valid while @s does; it describes @s as it was (after an
 * edit, analysis_update_cluster() brings it up to date at O(cluster);
 * analysis_cluster_findings() reads @s afresh).
 * A snapshot that is a stream (stream.h) is walked as its words arrive;
 * its analysis is the same, but only its summaries may be read after:
 * no per-cluster rescan, no update.
 * Returns 0, -EINVAL for a snapshot without a consistent geometry (no
 * slots, nr_orders not 1..SNAPSHOT_MAX_ORDER + 1, nr_clusters not
 * DIV_ROUND_UP(max, cluster_size)), -ENOMEM, the stream's -errno when it
 * failed, -EAGAIN for a stream of era B with next hints (their free
 * blocks are counted from words read long before: load it whole), or
 * @fn's non-zero value (the pass stops there and *@out is NULL).
 */
int analysis_run(const struct snapshot *s, unsigned int mask,
		 analysis_finding_fn fn, void *arg, struct analysis **out);

/*
 * analysis_update_cluster - cluster @ci of @a's snapshot changed (its
 * struct snapshot_cluster, its slot words, the runs that start in it):
 * recompute its struct analysis_cluster and order_runs row, take its old
 * contribution out of orders[] and totals and put the new one in, so *@a
 * equals, field for field, what analysis_run() with the same mask would
 * give for the snapshot as it is now. O(cluster) (era B: plus the next
 * hints into @ci); vm_swap_full() and the allocatable orders follow at
 * O(orders), whatever flips. Only @ci is recomputed: a run or folio
 * belongs to the cluster of its first slot, so a slot change can also
 * change the findings of an earlier cluster (analysis_update_slots()
 * knows which). The folio, next and info tables must be as they were at
 * analysis_run() (orders[].folios and the info-given pages are not
 * recounted). Returns 0, -EINVAL for @ci out of range, -ENOMEM (then *@a
 * is unchanged).
 */
int analysis_update_cluster(struct analysis *a, uint32_t ci);

/*
 * analysis_update_slots - the words of slots [@first, @first + @nr)
 * changed (counts, marks, run bits): analysis_update_cluster() for each
 * cluster that can see it, that is their own clusters and those where
 * the run and the folio covering @first start. A run added or removed
 * changes the words of all its slots, its head included. Returns 0,
 * -EINVAL for a range outside max, -ENOMEM.
 */
int analysis_update_slots(struct analysis *a, uint32_t first, uint32_t nr);

/*
 * analysis_rebase - the same device read again (a live refresh, the next
 * snapshot of a series): @s replaces the snapshot @a describes. @s must
 * have @a's geometry (max, cluster_size, nr_orders) and era. The
 * per-cluster summaries still describe the snapshot before: the caller
 * then passes every cluster whose record, slot words, counts, shmem marks
 * or folios differ to analysis_update_cluster(), and the clusters where
 * a run or folio covering such a cluster's first slot starts (as
 * analysis_update_slots() finds them). What is not kept per cluster is
 * recounted here from @s: the folios per order (O(folios)), era B's
 * hints, vm_swap_full() (@s's pages and inuse_pages) and the allocatable
 * orders. Once those clusters are updated, *@a equals analysis_run() of
 * @s, field for field. @a no longer reads
 * the snapshot before, which may be freed. Returns 0, -EINVAL for
 * another geometry or era, -ENOMEM (then *@a is as it was).
 */
int analysis_rebase(struct analysis *a, const struct snapshot *s);

/* analysis_free - free an analysis (NULL is fine). */
void analysis_free(struct analysis *a);

/*
 * analysis_cluster_findings - the findings of cluster @ci for the checks
 * in @mask, in stream order, again: exactly what analysis_run() streamed
 * for that cluster under the same mask, at O(cluster) cost. Returns 0,
 * -EINVAL for @ci out of range, or @fn's non-zero value.
 */
int analysis_cluster_findings(const struct analysis *a, uint32_t ci,
			      unsigned int mask, analysis_finding_fn fn,
			      void *arg);

/*
 * analysis_allocatable - order-@order allocations that would succeed now
 * (also in orders[].allocatable), under the rules of the snapshot's era:
 * free clusters x cluster_size / 2^k, plus aligned free 2^k blocks in
 * usable clusters (nonfull, frag) owned by order k; order 0 also takes any
 * free slot of a usable cluster. 0 for @order >= nr_orders. The table per
 * era is at the top of src/analysis/analysis.c and in swapfs(8).
 */
uint64_t analysis_allocatable(const struct analysis *a, unsigned int order);

/* analysis_check_name / _parse - "misaligned" ... ; parse returns -1. */
const char *analysis_check_name(enum analysis_check c);
int analysis_check_parse(const char *name, size_t len);

/* analysis_check_severity - the severity of check @c. */
enum analysis_severity analysis_check_severity(enum analysis_check c);

/* analysis_severity_name / _parse - "info", "warning", "error". */
const char *analysis_severity_name(enum analysis_severity sev);
int analysis_severity_parse(const char *name);

/*
 * analysis_finding_format - the finding line (no newline) into @buf.
 * Returns the length it needs (as snprintf).
 */
int analysis_finding_format(const struct analysis_finding *f, char *buf,
			    size_t len);

#endif /* SWAPFS_ANALYSIS_H */
