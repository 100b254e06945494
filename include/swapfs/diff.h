/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diff.h - what changed between two states of one swap device: two dumps,
 * two snapshots of a time series, two reads of the running kernel.
 *
 * A side is a model, its analysis and the per-order event counters stored
 * with it; diff_new() compares two sides of one geometry in one pass over
 * the slots, word against word (memcmp of each cluster's slot words, and
 * of the rare side tables, counts and shmem, in the cluster's range), and
 * keeps one bit per cluster: changed or not. Everything else is answered
 * per cluster on demand, at O(cluster), so a front end pays for what it
 * shows: `swapfs diff` walks the changed clusters once, a view marks the
 * changed clusters from the bitmap and asks for the runs of the ones on
 * screen.
 *
 * What is compared (swapfs(8), DIFF):
 *
 *  clusters  a cluster changed when its struct (list, order, ci->count)
 *            or any of its slots changed.
 *  slots     a slot changed when any of its attributes did: its exact
 *            reference count (count), the swap-cache mark (cached), bad,
 *            zero, zswap, SWAP_MAP_SHMEM ownership (shmem), or the known
 *            run it belongs to (run: its first slot or its order). A slot
 *            is of one kind on each side: bad (the bad bit), used (a
 *            count), cache-only (cached, no count) or free. The changed
 *            slots of a cluster are reported as runs: maximal ranges of
 *            consecutive changed slots with the same kind before, kind
 *            after and set of changed attributes.
 *  findings  the findings of every check (analysis.h) on each side; a
 *            finding is added or removed when its line (check, cluster,
 *            offset, nr, order, detail) is on one side only. Only the
 *            clusters whose findings can differ are scanned again: the
 *            findings of a cluster depend on its struct, its slots, and
 *            the runs and folios starting in it (analysis.h: "a run or
 *            folio belongs to the cluster of its first slot"), so those
 *            are the changed clusters, the clusters where a run or folio
 *            covering the first slot of a changed cluster starts, and the
 *            clusters where a folio differs; all of them when the era or
 *            nr_orders differ.
 *  orders    per order: allocatable, clusters owned, known runs and
 *            folios, from the two analyses; the per-order event counters
 *            (swpout, swpout_fallback, ...) by name.
 *  totals    the analyses' slot totals and vm_swap_full.
 *
 * Not compared: the swap-cache folio table itself (its flags; a folio's
 * slots carry the cached mark), next hints, back-references, provenance
 * and info keys other than the geometry.
 *
 * Two sides must have the same max, cluster_size and page_size: a diff of
 * two devices would be a list of every slot, not an answer.
 *
 * A struct diff borrows both sides: they must outlive it, unchanged.
 * Reading one from several threads is fine (nothing is cached inside).
 */
#ifndef SWAPFS_DIFF_H
#define SWAPFS_DIFF_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_DIFF)
#error "swapfs/diff.h belongs to the diff layer: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/analysis.h"
#include "swapfs/diag.h"
#include "swapfs/snapshot.h"

/*
 * A per-order event counter a side carries (the kernel's
 * hugepages-<size>/stats/<name>: swpout, swpout_fallback, ...). The diff
 * layer sits beside the sources, not above them: a front end fills these
 * from what its source stored (a snapshot file's counters table,
 * snapfile_read_counters()).
 */
struct diff_stat {
	unsigned int order;
	const char *name;	/* borrowed, like the side */
	uint64_t value;
};

/* One state: the model, analysis_run() of it, and its stored counters. */
struct diff_side {
	const struct snapshot *snap;
	const struct analysis *an;
	const struct diff_stat *counters;	/* sorted by order, name; may be NULL */
	size_t nr_counters;
};

/* What a slot is, on one side. */
enum diff_kind {
	DIFF_KIND_FREE,
	DIFF_KIND_USED,		/* a reference count (shmem included) */
	DIFF_KIND_CACHE_ONLY,	/* cached, no count */
	DIFF_KIND_BAD,
	DIFF_NR_KINDS,
};

/* What changed in a slot: bits of struct diff_run's @changed. */
enum diff_attr {
	DIFF_ATTR_COUNT		= 1u << 0,
	DIFF_ATTR_CACHED	= 1u << 1,
	DIFF_ATTR_BAD		= 1u << 2,
	DIFF_ATTR_ZERO		= 1u << 3,
	DIFF_ATTR_ZSWAP		= 1u << 4,
	DIFF_ATTR_SHMEM		= 1u << 5,
	DIFF_ATTR_RUN		= 1u << 6,
	DIFF_NR_ATTRS		= 7,
};

/* Consecutive slots of one cluster that changed the same way. */
struct diff_run {
	uint32_t first;		/* first slot */
	uint32_t nr;		/* slots */
	uint8_t from, to;	/* enum diff_kind on side a, on side b */
	uint8_t changed;	/* enum diff_attr bits, never 0 */
	uint8_t reserved;
};

/* One cluster on both sides. */
struct diff_cluster {
	uint32_t index;
	struct snapshot_cluster a, b;	/* differ when list, order or count changed */
	uint32_t slots_changed;
	uint32_t nr_runs;
};

/* A finding on one side only. */
enum diff_change {
	DIFF_REMOVED,		/* on side a only */
	DIFF_ADDED,		/* on side b only */
};

/* One order on both sides: [0] side a, [1] side b. */
struct diff_order {
	uint64_t allocatable[2];
	uint64_t clusters[2];	/* owned by the order, any list */
	uint64_t runs[2];
	uint64_t folios[2];
};

/* A per-order event counter on both sides (0 where a side has none). */
struct diff_counter {
	unsigned int order;
	const char *name;	/* a side's (struct diff_stat) */
	uint64_t a, b;
	bool has_a, has_b;	/* whether the side stored it */
};

struct diff;

/*
 * diff_new - compare side @a (before) with side @b (after): the changed
 * clusters, the clusters whose findings can differ, the orders and the
 * counters. O(slots) word compares, O(folios + counters), nothing per
 * unchanged slot; memory: two bits per cluster plus the counters.
 * Returns 0; -EXDEV when the geometries differ (@d says how,
 * [diff-geometry]); -EINVAL for a side without its analysis or whose
 * analysis is of another snapshot; -ENOMEM.
 */
int diff_new(const struct diff_side *a, const struct diff_side *b,
	     struct diff **out, struct diag *d);

/* diff_free - free @df (NULL is fine); the sides are the caller's. */
void diff_free(struct diff *df);

/*
 * diff_same - whether nothing diff compares differs: no changed cluster,
 * no finding added or removed, the same orders, counters and totals.
 */
bool diff_same(const struct diff *df);

/* diff_clusters_changed - how many clusters changed. */
uint32_t diff_clusters_changed(const struct diff *df);

/* diff_cluster_changed - whether cluster @ci changed (false out of range). */
bool diff_cluster_changed(const struct diff *df, uint32_t ci);

/*
 * diff_next_changed - the first changed cluster >= @ci, or nr_clusters
 * when none: for (ci = diff_next_changed(df, 0); ci < n;
 * ci = diff_next_changed(df, ci + 1)). O(clusters / 64) at worst.
 */
uint32_t diff_next_changed(const struct diff *df, uint32_t ci);

/*
 * diff_cluster - cluster @ci on both sides, and its changed slots as runs
 * in slot order into @runs (room for @max; cluster_size is always
 * enough). An unchanged cluster has no runs. O(cluster). Returns 0,
 * -EINVAL for @ci out of range, -ENOSPC when @max is too small (*@c
 * holds the count then; @runs the first @max).
 */
int diff_cluster(const struct diff *df, uint32_t ci, struct diff_cluster *c,
		 struct diff_run *runs, size_t max);

/*
 * diff_slot_changed - whether slot @slot changed (false out of range).
 * O(1), O(log) for a count kept in the counts table.
 */
bool diff_slot_changed(const struct diff *df, uint32_t slot);

/* diff_slot_kind - what slot @slot of @s is. */
enum diff_kind diff_slot_kind(const struct snapshot *s, uint32_t slot);

/*
 * diff_next_findings - the first cluster >= @ci whose findings can
 * differ (see the top of this file), or nr_clusters: the clusters
 * diff_cluster_findings() may report something for.
 */
uint32_t diff_next_findings(const struct diff *df, uint32_t ci);

/*
 * A finding callback: @f is on one side only. Return 0 to go on,
 * anything else to stop (the value is passed back).
 */
typedef int (*diff_finding_fn)(const struct analysis_finding *f,
			       enum diff_change change, void *arg);

/*
 * diff_cluster_findings - the findings of cluster @ci added and removed,
 * ordered by offset, check, nr, order and detail. Nothing for a cluster
 * diff_next_findings() skips. O(cluster + its findings). Returns 0,
 * -EINVAL for @ci out of range, -ENOMEM, or @fn's non-zero value.
 */
int diff_cluster_findings(const struct diff *df, uint32_t ci,
			  diff_finding_fn fn, void *arg);

/* diff_nr_orders - the orders diff_order() answers for: the larger nr_orders. */
unsigned int diff_nr_orders(const struct diff *df);

/* diff_order - order @k on both sides (zeros from k = diff_nr_orders() on). */
struct diff_order diff_order(const struct diff *df, unsigned int k);

/*
 * diff_counters - the counters of both sides merged, sorted by order then
 * name; *@nr receives their number (0 when neither side has any).
 */
const struct diff_counter *diff_counters(const struct diff *df, size_t *nr);

/* diff_kind_name - "free", "used", "cache-only", "bad". */
const char *diff_kind_name(enum diff_kind kind);

/* diff_attr_name - the name of attribute bit @bit_index: "count" ... "run". */
const char *diff_attr_name(unsigned int bit_index);

/*
 * diff_attr_format - the attributes of @changed as a comma list
 * ("count,run") into @buf; "" for none. Returns @buf.
 */
const char *diff_attr_format(unsigned int changed, char *buf, size_t len);

/*
 * diff_cluster_format - the line of a cluster whose struct changed, with
 * what changed of its list, order and count, no newline:
 * "cluster 17: list full -> nonfull, count 512 -> 480"; "" when none did.
 * Returns the length it needs (as snprintf); 0 for "".
 */
int diff_cluster_format(const struct diff_cluster *c, char *buf, size_t len);

/*
 * diff_run_format - the line of run @r of cluster @ci, no newline:
 * "cluster 17: 32 slots used -> free at 8704-8735 (run)", the attributes
 * in parentheses being those the change of kind does not imply (a slot
 * that became free changed its count; "used -> used" says none, so all
 * are given). Returns the length it needs (as snprintf).
 */
int diff_run_format(uint32_t ci, const struct diff_run *r, char *buf, size_t len);

#endif /* SWAPFS_DIFF_H */
