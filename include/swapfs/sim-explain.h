/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-explain.h - why the simulator's large folios fall back, and where
 * its order-0 allocations steal (swapfs sim --explain, --trace).
 *
 * With explain on, every allocation keeps the steps its policy took, in
 * the kernel's order (the per-CPU or global cluster, free_clusters,
 * nonfull_clusters[k], swap_reclaim_full_clusters(), frag_clusters[k], a
 * discard, the steal loop) and how many clusters each step scanned. Two
 * kinds of event are counted per order:
 *
 *   a fallback  a large folio whose folio_alloc_swap() failed (the caller
 *               splits it and counts swpout_fallback): its reason is the
 *               refusal that ended the path before any cluster was looked
 *               at, else the last cluster list tried that held clusters
 *               ("<list>_no_room": none of them had a free aligned range),
 *               else the last list tried ("<list>_empty": every list tried
 *               was empty). Hints (per-CPU, global cluster) and reclaim
 *               are steps of the trace, never a reason.
 *   a steal     an order-0 allocation that found its slot in a cluster of
 *               order o > 0 (the steal loop over frag_clusters[o] and
 *               nonfull_clusters[o]): counted at order o, by that list.
 *
 * The reasons, one by one, are in swapfs(8) (EXPLAIN). Off (the default),
 * nothing is recorded: each step costs one predicted branch.
 *
 * --trace: one line per event, in the order they happened:
 *
 *	OP ORDER KIND REASON TRIED
 *
 * OP the operation's number (operations done before it + 1, so a snapshot
 * at step N holds the events 1..N), ORDER the folio's order (a steal: the
 * order of the cluster stolen from), KIND "fallback" or "steal", REASON a
 * reason name (a steal: "frag" or "nonfull"), TRIED the steps in the order
 * taken, comma-separated: "name:n" for a hint or list (n clusters scanned),
 * "name" for an action (swap_reclaim_full_clusters, a discard), "-" for
 * none, "..." closing a path cut after 32 steps (v6.12's discard restarts).
 */
#ifndef SWAPFS_SIM_EXPLAIN_H
#define SWAPFS_SIM_EXPLAIN_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SIM)
#error "swapfs/sim-explain.h belongs to the simulator: a lower layer may not use it (src/README.md)"
#endif

#include <stdint.h>

struct sim;

/* Why a large folio fell back, in the order of the kernel's path. */
enum sim_reason {
	SIM_REASON_OFF_AVAIL_LIST = 0,	/* newest swap_alloc_slow(): device full */
	SIM_REASON_NO_SWAP_PAGES,	/* 6.12 get_swap_pages(): nr_swap_pages < nr */
	SIM_REASON_NOT_BLKDEV,		/* order > 0 on a swap file (!SWP_BLKDEV) */
	SIM_REASON_NO_CLUSTER_INFO,	/* 6.12 scan_swap_map_slots(): rotational */
	SIM_REASON_FREE_EMPTY,
	SIM_REASON_FREE_NO_ROOM,
	SIM_REASON_NONFULL_EMPTY,
	SIM_REASON_NONFULL_NO_ROOM,
	SIM_REASON_FRAG_EMPTY,
	SIM_REASON_FRAG_NO_ROOM,
	SIM_REASON_UNRECORDED,		/* counted before, without explain (--from) */
	SIM_REASON_UNKNOWN,		/* no step recorded: a bug if ever seen */
	SIM_NR_REASONS,
};

/* The lists of another order an order-0 allocation steals from. */
enum sim_steal {
	SIM_STEAL_FRAG = 0,		/* frag_clusters[o] */
	SIM_STEAL_NONFULL,		/* nonfull_clusters[o] */
	SIM_NR_STEALS,
};

/* sim_reason_name - "off_avail_list", ..., "frag_no_room"; NULL past the end. */
const char *sim_reason_name(enum sim_reason r);

/* sim_steal_name - "frag", "nonfull"; NULL past the end. */
const char *sim_steal_name(enum sim_steal s);

/*
 * sim_explain_on - record from now on. Once per sim: -EBUSY the second
 * time, -ENOMEM.
 */
int sim_explain_on(struct sim *sim);

/*
 * sim_explain_trace - also write the trace lines to @fd (buffered:
 * sim_explain_flush()); -1 stops. The fd stays the caller's. -EINVAL when
 * explain is off.
 */
int sim_explain_trace(struct sim *sim, int fd);

/* sim_explain_is_on - whether sim_explain_on() was called. */
int sim_explain_is_on(const struct sim *sim);

/* sim_explain_fallbacks - fallbacks of @order for reason @r so far (0 if off). */
uint64_t sim_explain_fallbacks(const struct sim *sim, unsigned int order,
			       enum sim_reason r);

/* sim_explain_steals - order-0 allocations that stole from @order's list @l. */
uint64_t sim_explain_steals(const struct sim *sim, unsigned int order,
			    enum sim_steal l);

/*
 * sim_explain_set_fallbacks - continue counting from @value (a state taken
 * up with --from); -EINVAL for a bad order or reason, or explain off.
 */
int sim_explain_set_fallbacks(struct sim *sim, unsigned int order,
			      enum sim_reason r, uint64_t value);

/* sim_explain_set_steals - the same for the steals. */
int sim_explain_set_steals(struct sim *sim, unsigned int order,
			   enum sim_steal l, uint64_t value);

/*
 * sim_explain_flush - write the buffered trace lines. Returns 0, or the
 * first write error (-errno) met since sim_explain_on(): once a write
 * failed, nothing more is written.
 */
int sim_explain_flush(struct sim *sim);

#endif /* SWAPFS_SIM_EXPLAIN_H */
