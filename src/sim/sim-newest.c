// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-newest.c - the allocator of the newest mm/swapfile.c on the model,
 * as the policy sim_newest_policy: cluster_alloc_swap_entry() with its
 * per-CPU and global clusters, isolation of the clusters it scans, the
 * relocation after an allocation, reclaim of full clusters, and where the
 * free side moves a cluster.
 *
 * Each function is named after the kernel function it models and keeps
 * its order of decisions, because the order is what the simulator is
 * for: which cluster a folio lands in. Only the locking is gone: the
 * simulator is one thread, so a trylock always succeeds, a cluster is
 * isolated (flag none) only inside one operation, and "the swap table is
 * allocated" is "the cluster is not on the free list".
 */
#include "sim-cluster.h"
#include "sim-entries.h"
#include "sim-explain.h"
#include "sim-reclaim.h"
#include "sim-scan.h"
#include "sim-state.h"

#define NONFREE		SNAPSHOT_SLOT_NONFREE
#define CACHED		SNAPSHOT_SLOT_CACHED
#define COUNT		SNAPSHOT_SLOT_COUNT

/* ---- the free side ----------------------------------------------------- */

/* partial_free_cluster(): to nonfull_clusters[ci->order] unless there. */
static void sim_partial_free_cluster(struct sim *sim, uint32_t ci)
{
	struct snapshot_cluster *c = &sim->cl[ci];

	/* inlined: most random frees land in a full or frag cluster */
	if (c->flags != SNAPSHOT_CLUSTER_NONFULL)
		sim_cluster_move_inline(sim, ci, SIM_L_NONFULL(c->order),
					SNAPSHOT_CLUSTER_NONFULL);
}

/*
 * The end of __swap_cluster_free_entries(): an empty cluster is freed,
 * another one goes back to nonfull. The newest tree always has the lists.
 */
static __always_inline void sim_cluster_freed(struct sim *sim, uint32_t ci)
{
	if (!sim->cl[ci].count)
		sim_cluster_free(sim, ci);
	else
		sim_partial_free_cluster(sim, ci);
}

static void sim_newest_cluster_freed(struct sim *sim, uint32_t ci)
{
	sim_cluster_freed(sim, ci);
}

static void sim_newest_free_run(struct sim *sim, uint32_t start,
				unsigned int order)
{
	sim_cluster_freed(sim, sim_entries_free_run(sim, start, order));
}

/* ---- allocation -------------------------------------------------------- */

/*
 * isolate_lock_cluster(): take the first cluster off @li, flag none. A
 * cluster taken from the free list gets its swap table here, which in the
 * model is the flag leaving "free".
 */
static uint32_t sim_isolate_lock_cluster(struct sim *sim, unsigned int li)
{
	uint32_t ci = sim->list[li].head, nxt;

	if (ci == SIM_NIL)
		return SIM_NIL;
	/*
	 * The next ones are likely the next clusters taken from the list:
	 * the state of the one after next starts loading (the next one's was
	 * asked for when this one was next). The slots an allocation writes
	 * are not: a store does not wait for its line, and finding them
	 * cost more than the prefetch saved.
	 */
	nxt = sim->ci[ci].next;
	if (nxt != SIM_NIL)
		nxt = sim->ci[nxt].next;
	if (nxt != SIM_NIL) {
		__builtin_prefetch(&sim->ci[nxt], 1);
		__builtin_prefetch(&sim->cl[nxt], 1);
		__builtin_prefetch(&sim->fmap[sim_cluster_first(sim, nxt) >> 6], 1);
	}
	sim_cluster_list_del(sim, ci);
	sim->cl[ci].flags = SNAPSHOT_CLUSTER_NONE;
	return ci;
}

/*
 * swap_range_alloc() once the words are written: the device leaves the
 * avail list when it becomes exactly full, and then, if vm_swap_full()
 * (tested before the pages were taken from nr_swap_pages),
 * swap_reclaim_work() is scheduled.
 */
static __always_inline void sim_swap_range_alloc(struct sim *sim, uint32_t nr)
{
	uint64_t before = sim->inuse - nr;
	uint64_t avail;

	if (sim->inuse != sim->pages)
		return;
	avail = before >= sim->pages ? 0 : sim->pages - before;
	if (avail * 2 < sim->pages)
		sim->reclaim_pending = true;
}

/*
 * cluster_is_usable(): flag at most FRAG with a swap table (not free), and
 * for order > 0 an empty cluster or one the order owns.
 */
static bool sim_cluster_is_usable(const struct sim *sim, uint32_t ci,
				  unsigned int order)
{
	const struct snapshot_cluster *c = &sim->cl[ci];

	if (c->flags > SNAPSHOT_CLUSTER_FRAG || c->flags == SNAPSHOT_CLUSTER_FREE)
		return false;
	/* not short-circuited: the order is random, the branch would miss */
	return (order == 0) | (c->count == 0) | (c->order == order);
}

/* relocate_cluster(): after an allocation, by count: free, frag or full. */
static __always_inline void sim_relocate_cluster(struct sim *sim, uint32_t ci)
{
	struct snapshot_cluster *c = &sim->cl[ci];

	if (c->flags == SNAPSHOT_CLUSTER_DISCARD)
		return;
	if (!c->count) {
		if (c->flags != SNAPSHOT_CLUSTER_FREE)
			sim_cluster_free(sim, ci);
	} else if (c->count != sim->cs) {
		if (c->flags != SNAPSHOT_CLUSTER_FRAG)
			sim_cluster_move_inline(sim, ci, SIM_L_FRAG(c->order),
						SNAPSHOT_CLUSTER_FRAG);
	} else if (c->flags != SNAPSHOT_CLUSTER_FULL) {
		sim_cluster_move_inline(sim, ci, SIM_L_FULL,
					SNAPSHOT_CLUSTER_FULL);
	}
}

/*
 * __swap_cluster_alloc_entries(): the first allocation in a cluster makes
 * it the order's.
 */
static __always_inline void sim_swap_cluster_alloc_entries(struct sim *sim,
							   uint32_t ci, uint32_t off,
							   unsigned int order)
{
	if (!sim->cl[ci].count)
		sim->cl[ci].order = (uint8_t)order;
	sim_entries_fill(sim, ci, off, order);
	sim_swap_range_alloc(sim, 1u << order);
}

/*
 * cluster_reclaim_range(): reclaim the cached folios over the range, then
 * look again: the cluster may have become unusable (freed) or the range
 * may still hold something.
 */
static bool sim_cluster_reclaim_range(struct sim *sim, uint32_t ci,
				      uint32_t start, unsigned int order,
				      bool *usable)
{
	uint32_t end = start + (1u << order), off;
	uint16_t w;

	for (off = start; off < end; off++) {
		w = sim->slots[off];
		if (w & COUNT)
			break;
		if ((w & CACHED) &&
		    sim_reclaim_try(sim, off, SIM_TTRS_ANYWAY) < 0)
			break;
	}
	*usable = sim_cluster_is_usable(sim, ci, order);
	if (!*usable)
		return false;
	if (!sim->cl[ci].count)
		return true;
	for (off = start; off < end; off++)
		if (sim->slots[off] & NONFREE)
			return false;
	return true;
}

/* Where alloc_swap_scan_cluster() leaves the next offset of @order. */
static __always_inline void sim_set_next(struct sim *sim, unsigned int order,
					 uint32_t next)
{
	if (sim->ssd) {
		sim->pcp[sim->cpu * sim->nr_orders + order] = next;
		sim->pcp_writes++;
	} else
		sim->global_next[order] = next;
}

/*
 * alloc_swap_scan_cluster(): candidates from @offset in steps of the
 * folio size (so every allocation is naturally aligned), reclaiming
 * cache-only ranges when vm_swap_full(). The cluster is relocated and the
 * next offset stored (0 when the cluster is exhausted or nothing fit).
 * Returns the first slot allocated, 0 for none (slot 0 is the header).
 */
static uint32_t sim_alloc_swap_scan_cluster(struct sim *sim, uint32_t ci,
					    unsigned int order, uint32_t offset)
{
	struct snapshot_cluster *c = &sim->cl[ci];
	uint32_t start = sim_cluster_first(sim, ci), nr = 1u << order;
	uint64_t end = (uint64_t)start + sim->cs - nr;
	uint64_t lim = sim_cluster_lim(sim, ci);
	uint32_t next = 0, found = 0, cand;
	bool reclaim, usable, ret;

	if (c->count + nr > sim->cs)
		goto out;
	while (offset <= end) {
		cand = sim_scan_candidate(sim, offset, lim, nr, &reclaim);
		if (cand == SIM_NIL)
			break;
		offset = cand;
		if (reclaim) {
			ret = sim_cluster_reclaim_range(sim, ci, offset, order,
							&usable);
			if (!usable)
				goto out;
			if (!c->count)
				offset = start;
			if (!ret) {
				offset += nr;
				continue;
			}
		}
		sim_swap_cluster_alloc_entries(sim, ci, offset, order);
		found = offset;
		offset += nr;
		if (c->count < sim->cs && offset <= end)
			next = offset;
		break;
	}
out:
	sim_relocate_cluster(sim, ci);
	sim_set_next(sim, order, next);
	return found;
}

/*
 * alloc_swap_scan_list(): isolate clusters off @li one at a time and scan
 * each from its start; with @scan_all until one fits. A cluster that did
 * not fit was relocated off the list (nonfull -> frag); the budget only
 * guards a list that kept refilling itself, which the kernel's rules
 * rule out (an order-0 scan of a frag cluster cannot fail).
 */
static uint32_t sim_alloc_swap_scan_list(struct sim *sim, unsigned int li,
					 unsigned int order, bool scan_all)
{
	uint64_t budget = (uint64_t)sim->list[li].nr + 1;
	uint32_t found = 0, ci, tried = 0;

	do {
		ci = sim_isolate_lock_cluster(sim, li);
		if (ci == SIM_NIL)
			break;
		tried++;
		found = sim_alloc_swap_scan_cluster(sim, ci, order,
						    sim_cluster_first(sim, ci));
		if (found)
			break;
	} while (scan_all && --budget);
	sim_explain_list_counted(sim, li, tried, found);
	return found;
}

/*
 * swap_reclaim_full_clusters(): isolate full clusters (one, or with @force
 * inuse_pages / cluster size of them), reclaim every cache-only slot,
 * relocate what reclaim did not move. A cluster without cache-only slots
 * is only rotated: the walk could not reclaim anything there.
 */
static void sim_newest_reclaim_full_clusters(struct sim *sim, bool force)
{
	int64_t to_scan = force ? (int64_t)(sim->inuse / sim->cs) : 1;
	uint32_t ci;

	while ((ci = sim_isolate_lock_cluster(sim, SIM_L_FULL)) != SIM_NIL) {
		to_scan--;
		sim_reclaim_cluster(sim, ci);
		if (sim->cl[ci].flags == SNAPSHOT_CLUSTER_NONE)
			sim_relocate_cluster(sim, ci);
		if (to_scan <= 0)
			break;
	}
	if (!force)
		sim_explain_counted(sim, SIM_XS_RECLAIM, 0, 0, false);
}

/*
 * An allocation hint (the device's global cluster, or a CPU's): its
 * cluster scanned from the hint if it still serves @order, from its
 * start once it is empty again; 0 for none.
 */
static __always_inline uint32_t sim_alloc_at_hint(struct sim *sim,
						  uint32_t offset,
						  unsigned int order)
{
	uint32_t ci;

	if (!offset)
		return 0;
	ci = offset >> sim->shift;
	if (!sim_cluster_is_usable(sim, ci, order))
		return 0;
	if (!sim->cl[ci].count)
		offset = sim_cluster_first(sim, ci);
	return sim_alloc_swap_scan_cluster(sim, ci, order, offset);
}

/* Rotational devices: the device's global cluster, serialized. */
static uint32_t sim_alloc_global_cluster(struct sim *sim, unsigned int order)
{
	uint32_t hint = sim->global_next[order];
	uint32_t found = sim_alloc_at_hint(sim, hint, order);

	/* a scan that found nothing left no next; an unusable hint stays */
	sim_explain_counted(sim, SIM_XS_GLOBAL, order,
			    hint && (found || !sim->global_next[order]), found);
	return found;
}

/* Order 0 steals from the clusters of higher orders, frag ones first. */
static uint32_t sim_alloc_steal(struct sim *sim)
{
	uint32_t found;
	unsigned int o;

	for (o = 1; o < sim->nr_orders; o++) {
		found = sim_alloc_swap_scan_list(sim, SIM_L_FRAG(o), 0, true);
		if (found)
			return found;
		found = sim_alloc_swap_scan_list(sim, SIM_L_NONFULL(o), 0, true);
		if (found)
			return found;
	}
	return 0;
}

/*
 * cluster_alloc_swap_entry() of the newest tree, steps 0 to 9 of
 * kernel-swap-facts 4.4.
 */
static __always_inline uint32_t sim_cluster_alloc_swap_entry(struct sim *sim,
							    unsigned int order)
{
	uint32_t found;

	/* a swap file is no block device: no large entries */
	if (order && !sim->blkdev) {
		sim_explain_refuse(sim, SIM_REASON_NOT_BLKDEV);
		return 0;
	}
	if (!sim->ssd && (found = sim_alloc_global_cluster(sim, order)))
		return found;

	/* discard devices prefer a new cluster, to spread the writes */
	if (sim->discard &&
	    (found = sim_alloc_swap_scan_list(sim, SIM_L_FREE, order, false)))
		return found;
	if (order < sim->shift &&
	    (found = sim_alloc_swap_scan_list(sim, SIM_L_NONFULL(order), order,
					      true)))
		return found;
	if (!sim->discard &&
	    (found = sim_alloc_swap_scan_list(sim, SIM_L_FREE, order, false)))
		return found;

	/* free and nonfull are drained: try to reclaim a full cluster */
	if (sim_vm_swap_full(sim))
		sim_newest_reclaim_full_clusters(sim, false);

	/* one frag cluster: order 0 cannot fail there, the list rotates */
	if (order < sim->shift &&
	    (found = sim_alloc_swap_scan_list(sim, SIM_L_FRAG(order), order,
					      false)))
		return found;
	return order ? 0 : sim_alloc_steal(sim);
}

/*
 * swap_alloc_fast(): this CPU's cluster for the order, if still usable
 * (restarting at its first slot if it became empty). Only solid-state
 * devices keep per-CPU clusters.
 */
static __always_inline uint32_t sim_swap_alloc_fast(struct sim *sim,
						   unsigned int order,
						   uint32_t *hint)
{
	if (!sim->ssd)
		return 0;
	*hint = sim->pcp[sim->cpu * sim->nr_orders + order];
	return sim_alloc_at_hint(sim, *hint, order);
}

/*
 * swap_alloc_slow(): with one device, cluster_alloc_swap_entry() on it
 * while it is on the avail list, i.e. not exactly full.
 */
static __always_inline uint32_t sim_swap_alloc_slow(struct sim *sim,
						   unsigned int order)
{
	if (sim->inuse >= sim->pages) {
		sim_explain_refuse(sim, SIM_REASON_OFF_AVAIL_LIST);
		return 0;
	}
	return sim_cluster_alloc_swap_entry(sim, order);
}

/*
 * folio_alloc_swap() of the newest tree: fast path, slow path, and for
 * order 0 only, pending discards run synchronously (swap_sync_discard())
 * and the whole allocation again.
 */
static uint32_t sim_newest_folio_alloc(struct sim *sim, unsigned int order)
{
	uint32_t found, hint = 0;
	bool again = false;

	for (;;) {
		found = sim_swap_alloc_fast(sim, order, &hint);
		if (!found) {
			/*
			 * --explain starts here, costing nothing when the fast
			 * path succeeds; that it scanned a cluster shows in its
			 * hint: a scan that found nothing left none.
			 */
			if (!again)
				sim_explain_begin(sim, order);
			if (sim->ssd)
				sim_explain_counted(sim, SIM_XS_PERCPU, order, hint &&
					!sim->pcp[sim->cpu * sim->nr_orders + order], false);
			found = sim_swap_alloc_slow(sim, order);
		}
		if (found || order || !sim->discard ||
		    !sim_cluster_discard_all(sim))
			return found;
		sim_explain_counted(sim, SIM_XS_SYNC_DISCARD, 0, 0, false);
		again = true;
	}
}

/*
 * The steps alone, for several areas (sim-areas.c). Wrapped, and the
 * steps always inlined, so that the one-area path above is compiled as
 * it was before they had a second caller.
 */
static uint32_t sim_newest_alloc_fast(struct sim *sim, unsigned int order)
{
	uint32_t hint;

	return sim_swap_alloc_fast(sim, order, &hint);
}

static uint32_t sim_newest_alloc_slow(struct sim *sim, unsigned int order)
{
	return sim_swap_alloc_slow(sim, order);
}

/*
 * setup_clusters(): the newest tree adds the clusters in index order, one
 * column.
 */
static void sim_newest_setup_clusters(struct sim *sim)
{
	sim_cluster_reset(sim);
	sim_cluster_setup(sim, 1, 0);
}

const struct sim_policy sim_newest_policy = {
	.kernel = "newest",
	.era = "G",
	.rotational_lists = true,
	.global_cluster = true,
	.frag_cluster_nr = false,
	.swapin_skip_cache = false,
	.setup_clusters = sim_newest_setup_clusters,
	.folio_alloc = sim_newest_folio_alloc,
	.alloc_fast = sim_newest_alloc_fast,
	.alloc_slow = sim_newest_alloc_slow,
	.cluster_freed = sim_newest_cluster_freed,
	.free_run = sim_newest_free_run,
	.reclaim_full_clusters = sim_newest_reclaim_full_clusters,
};
