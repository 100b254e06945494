// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-612.c - the allocator of v6.12's mm/swapfile.c on the model, as the
 * policy sim612_policy (reference/kernel-swap-facts.md 4.10): free
 * clusters first and moved to nonfull at once, every nonfull cluster
 * tried and moved to frag, frag clusters up to frag_cluster_nr, pending
 * discards run synchronously and the allocation restarted, nr_swap_pages
 * taken up front, no per-CPU usability test, the clusters set up in
 * columns, and the legacy scanner on rotational devices (which have no
 * cluster_info, so no lists). The scan inside a cluster, the slot words
 * and the reclaim of cache-only folios are shared with the newest tree
 * (sim-scan.h, sim-entries.h, sim-reclaim.c).
 */
#include "sim-cluster.h"
#include "sim-entries.h"
#include "sim-explain.h"
#include "sim-reclaim.h"
#include "sim-scan.h"
#include "sim-state.h"

#define NONFREE		SNAPSHOT_SLOT_NONFREE

/*
 * SWAP_CLUSTER_COLS of v6.12: max(DIV_ROUND_UP(L1_CACHE_BYTES, sizeof(struct
 * swap_cluster_info)), DIV_ROUND_UP(SWAP_ADDRESS_SPACE_PAGES, cluster)),
 * with x86-64's 64-byte lines, a 24-byte swap_cluster_info (no lockdep)
 * and 2^14 slots an address space.
 */
static uint32_t sim612_cluster_cols(const struct sim *sim)
{
	uint32_t info = (64 + 24 - 1) / 24;
	uint32_t space = ((1u << 14) + sim->cs - 1) / sim->cs;

	return info > space ? info : space;
}

/*
 * free_cluster() of v6.12: as the newest one, and a frag cluster leaves
 * frag_cluster_nr.
 */
static void sim612_free_cluster(struct sim *sim, uint32_t ci)
{
	struct snapshot_cluster *c = &sim->cl[ci];

	if (c->flags == SNAPSHOT_CLUSTER_FRAG)
		sim->frag_nr[c->order]--;
	sim_cluster_free(sim, ci);
}

/*
 * dec_cluster_info_page() of v6.12: empty -> free_cluster(), else to
 * nonfull_clusters[ci->order] unless there (leaving frag counts it out).
 * A device without cluster_info has no lists to move on.
 */
static __always_inline void sim612_dec_cluster_info_page(struct sim *sim,
							 uint32_t ci)
{
	struct snapshot_cluster *c = &sim->cl[ci];

	if (!sim->lists)
		return;
	if (!c->count) {
		sim612_free_cluster(sim, ci);
		return;
	}
	if (c->flags != SNAPSHOT_CLUSTER_NONFULL) {
		if (c->flags == SNAPSHOT_CLUSTER_FRAG)
			sim->frag_nr[c->order]--;
		sim_cluster_move(sim, ci, SIM_L_NONFULL(c->order),
				 SNAPSHOT_CLUSTER_NONFULL);
	}
}

static void sim612_cluster_freed(struct sim *sim, uint32_t ci)
{
	sim612_dec_cluster_info_page(sim, ci);
}

static void sim612_free_run(struct sim *sim, uint32_t start, unsigned int order)
{
	sim612_dec_cluster_info_page(sim, sim_entries_free_run(sim, start, order));
}

/*
 * swap_range_alloc() of v6.12 once the words are written: the pages were
 * taken from nr_swap_pages already, and swap_reclaim_work() is only
 * scheduled on devices with cluster_info, when the device became exactly
 * full under vm_swap_full().
 */
static void sim612_swap_range_alloc(struct sim *sim)
{
	if (sim->inuse == sim->pages && sim->lists && sim_vm_swap_full(sim))
		sim->reclaim_pending = true;
}

/* The words of an allocation, and what the device does about them. */
static void sim612_fill_entries(struct sim *sim, uint32_t ci, uint32_t off,
				unsigned int order)
{
	sim_entries_fill(sim, ci, off, order);
	sim612_swap_range_alloc(sim);
}

/*
 * cluster_alloc_range() of v6.12: taking a free cluster moves it to
 * nonfull_clusters[order] at once (a whole-cluster folio stays free until
 * it is full) and sets its order; a full cluster goes to the full list.
 */
static void sim612_cluster_alloc_range(struct sim *sim, uint32_t ci,
				       uint32_t off, unsigned int order)
{
	struct snapshot_cluster *c = &sim->cl[ci];

	if (c->flags == SNAPSHOT_CLUSTER_FREE) {
		if ((1u << order) < sim->cs)
			sim_cluster_move(sim, ci, SIM_L_NONFULL(order),
					 SNAPSHOT_CLUSTER_NONFULL);
		c->order = (uint8_t)order;
	}
	sim612_fill_entries(sim, ci, off, order);
	if (c->count == sim->cs) {
		if (c->flags == SNAPSHOT_CLUSTER_FRAG)
			sim->frag_nr[c->order]--;
		sim_cluster_move(sim, ci, SIM_L_FULL, SNAPSHOT_CLUSTER_FULL);
	}
}

/*
 * cluster_reclaim_range() of v6.12: reclaim each cache-only slot
 * (SWAP_HAS_CACHE alone) until something else is met, then the range must
 * be all zero. A cluster freed meanwhile and queued for discard was
 * memset to SWAP_MAP_BAD: nothing fits there.
 */
static bool sim612_cluster_reclaim_range(struct sim *sim, uint32_t ci,
					 uint32_t start, uint32_t end)
{
	uint32_t off;
	uint16_t w;

	for (off = start; off < end; off++) {
		w = sim->slots[off];
		if (!(w & NONFREE))
			continue;
		if (!sim_cache_only(w) ||
		    sim_reclaim_try(sim, off, SIM_TTRS_ANYWAY) <= 0)
			break;
	}
	if (sim->cl[ci].flags == SNAPSHOT_CLUSTER_DISCARD)
		return false;
	for (off = start; off < end; off++)
		if (sim->slots[off] & NONFREE)
			return false;
	return true;
}

/*
 * alloc_swap_scan_cluster() of v6.12: like the newest one, but the scan
 * ends at max, any cluster is taken (no usability test: a per-CPU next may
 * point into a cluster another order took meanwhile), and it returns the
 * next offset (0 when the cluster is exhausted) with *@found set.
 */
static uint32_t sim612_alloc_swap_scan_cluster(struct sim *sim, uint32_t offset,
					       uint32_t *found, unsigned int order)
{
	uint32_t ci = offset >> sim->shift, nr = 1u << order, cand;
	struct snapshot_cluster *c = &sim->cl[ci];
	uint64_t lim = sim_cluster_lim(sim, ci);
	bool reclaim;

	sim_explain_scanned(sim);
	if (lim < nr || c->count + nr > sim->cs)
		return 0;
	while ((uint64_t)offset + nr <= lim) {
		/* queued for discard: every byte SWAP_MAP_BAD */
		if (c->flags == SNAPSHOT_CLUSTER_DISCARD)
			return 0;
		cand = sim_scan_candidate(sim, offset, lim, nr, &reclaim);
		if (cand == SIM_NIL)
			return 0;
		offset = cand;
		if (reclaim &&
		    !sim612_cluster_reclaim_range(sim, ci, offset, offset + nr)) {
			offset += nr;
			continue;
		}
		sim612_cluster_alloc_range(sim, ci, offset, order);
		*found = offset;
		if (c->count == sim->cs)
			return 0;
		offset += nr;
		return (uint64_t)offset + nr <= lim ? offset : 0;
	}
	return 0;
}

/*
 * swap_reclaim_full_clusters() of v6.12: rotate the full list, reclaiming
 * the cache-only slots of one cluster (or inuse_pages / cluster size).
 */
static void sim612_swap_reclaim_full_clusters(struct sim *sim, bool force)
{
	int64_t to_scan = force ? (int64_t)(sim->inuse / sim->cs) : 1;
	uint32_t ci;

	while ((ci = sim->list[SIM_L_FULL].head) != SIM_NIL) {
		sim_cluster_move(sim, ci, SIM_L_FULL, SNAPSHOT_CLUSTER_FULL);
		to_scan--;
		sim_reclaim_cluster(sim, ci);
		if (to_scan <= 0)
			break;
	}
}

/* Order 0 from the first cluster of @li that has room, v6.12 style. */
static uint32_t sim612_steal_list(struct sim *sim, unsigned int li,
				  uint32_t *offset)
{
	uint32_t ci = sim->list[li].head, nxt, found = 0;

	while (ci != SIM_NIL) {
		nxt = sim->ci[ci].next;
		*offset = sim612_alloc_swap_scan_cluster(sim,
				sim_cluster_first(sim, ci), &found, 0);
		if (found)
			break;
		ci = nxt;
	}
	sim_explain_list(sim, li, found);
	return found;
}

/*
 * cluster_alloc_swap_entry() of v6.12 (kernel-swap-facts 4.10): per-CPU
 * next, the first free cluster, reclaim of a full cluster, every nonfull
 * cluster (each moved to frag first), frag clusters up to frag_cluster_nr,
 * pending discards run and everything again, then order-0 stealing.
 */
static uint32_t sim612_cluster_alloc_swap_entry(struct sim *sim,
						unsigned int order)
{
	uint32_t *next = &sim->pcp[sim->cpu * sim->nr_orders + order];
	uint32_t offset, found = 0, ci, frags;
	unsigned int o;

new_cluster:
	offset = *next;
	if (offset) {
		offset = sim612_alloc_swap_scan_cluster(sim, offset, &found, order);
		sim_explain_step(sim, SIM_XS_PERCPU_NEXT, order, found);
		if (found)
			goto done;
	}
	if ((ci = sim->list[SIM_L_FREE].head) != SIM_NIL) {
		offset = sim612_alloc_swap_scan_cluster(sim,
				sim_cluster_first(sim, ci), &found, order);
		sim_explain_list(sim, SIM_L_FREE, found);
		goto done;
	}
	sim_explain_list(sim, SIM_L_FREE, false);
	if (sim_vm_swap_full(sim)) {
		sim612_swap_reclaim_full_clusters(sim, false);
		sim_explain_step(sim, SIM_XS_RECLAIM, 0, false);
	}
	if (order < sim->shift) {
		frags = 0;
		while ((ci = sim->list[SIM_L_NONFULL(order)].head) != SIM_NIL) {
			sim_cluster_move(sim, ci, SIM_L_FRAG(order),
					 SNAPSHOT_CLUSTER_FRAG);
			sim->frag_nr[order]++;
			offset = sim612_alloc_swap_scan_cluster(sim,
					sim_cluster_first(sim, ci), &found, order);
			frags++;
			if (found)
				break;
		}
		sim_explain_list(sim, SIM_L_NONFULL(order), found);
		/* the nonfull ones went to the frag tail: count them in */
		while (!found && frags < sim->frag_nr[order]) {
			ci = sim->list[SIM_L_FRAG(order)].head;
			if (ci == SIM_NIL)
				break;
			sim_cluster_move(sim, ci, SIM_L_FRAG(order),
					 SNAPSHOT_CLUSTER_FRAG);
			offset = sim612_alloc_swap_scan_cluster(sim,
					sim_cluster_first(sim, ci), &found, order);
			frags++;
		}
		if (!found)
			sim_explain_list(sim, SIM_L_FRAG(order), false);
	}
	if (found)
		goto done;
	if (sim->list[SIM_L_DISCARD].head != SIM_NIL) {
		sim_cluster_discard_all(sim);
		sim_explain_step(sim, SIM_XS_DISCARD, 0, false);
		goto new_cluster;
	}
	if (order)
		goto done;
	for (o = 1; o < sim->nr_orders; o++) {
		found = sim612_steal_list(sim, SIM_L_FRAG(o), &offset);
		if (found)
			goto done;
		found = sim612_steal_list(sim, SIM_L_NONFULL(o), &offset);
		if (found)
			goto done;
	}
done:
	*next = offset;
	return found;
}

/*
 * scan_swap_map_slots() of v6.12 on a device without cluster_info (a
 * rotational one): order 0 only, modelled as a linear scan from the
 * lowest free slot (si->lowest_bit), taking a cache-only slot after
 * reclaiming it when vm_swap_full(). The legacy scanner's cluster_next /
 * cluster_nr sequencing is not modelled.
 */
static uint32_t sim612_scan_swap_map_slots(struct sim *sim)
{
	uint32_t from = sim->lowest, off = from, end;

	while (off < sim->max) {
		end = (uint32_t)sim_cluster_lim(sim, off >> sim->shift);
		/* no cache-only slot to take: the first free one, by the map */
		if (!sim->ci[off >> sim->shift].cache_only ||
		    !sim_vm_swap_full(sim)) {
			off = sim_scan_next_free(sim, off, end);
			if (off < end)
				break;
			continue;
		}
		for (; off < end; off++) {
			if (!(sim->slots[off] & NONFREE))
				break;
			if (sim_cache_only(sim->slots[off]) &&
			    sim_vm_swap_full(sim)) {
				sim_reclaim_try(sim, off, SIM_TTRS_ANYWAY);
				if (!(sim->slots[off] & NONFREE))
					break;
			}
		}
		if (off < end)
			break;
	}
	if (off >= sim->max) {
		if (sim->lowest == from)
			sim->lowest = sim->max;
		return 0;
	}
	sim612_fill_entries(sim, off >> sim->shift, off, 0);
	/* frees during the scan may have lowered it: keep what they said */
	if (sim->lowest == from)
		sim->lowest = off + 1;
	return off;
}

/*
 * folio_alloc_swap() -> get_swap_pages() of v6.12: nr_swap_pages must
 * hold the folio and is taken from up front; large folios need a block
 * device with cluster_info. The per-CPU swap slots cache of order-0
 * allocations is not modelled (every folio allocates on its own).
 */
static uint32_t sim612_folio_alloc_swap(struct sim *sim, unsigned int order)
{
	uint32_t nr = 1u << order, found;

	sim_explain_begin(sim, order);
	if (sim->inuse >= sim->pages || sim->pages - sim->inuse < nr) {
		sim_explain_refuse(sim, SIM_REASON_NO_SWAP_PAGES);
		return 0;
	}
	if (order && (!sim->blkdev || !sim->lists)) {
		sim_explain_refuse(sim, !sim->blkdev ? SIM_REASON_NOT_BLKDEV :
						       SIM_REASON_NO_CLUSTER_INFO);
		return 0;
	}
	sim->reserved = nr;
	if (sim->lists)
		found = sim612_cluster_alloc_swap_entry(sim, order);
	else
		found = sim612_scan_swap_map_slots(sim);
	sim->reserved = 0;
	return found;
}

/*
 * setup_clusters() of v6.12: in columns of SWAP_CLUSTER_COLS clusters,
 * starting at the column of cluster_next (1), to spread neighbouring
 * allocations over address spaces; a rotational device has no
 * cluster_info: no lists at all.
 */
static void sim612_setup_clusters(struct sim *sim)
{
	uint32_t cols = sim612_cluster_cols(sim);

	sim_cluster_reset(sim);
	if (sim->lists)
		sim_cluster_setup(sim, cols, (1 / sim->cs) % cols);
}

const struct sim_policy sim612_policy = {
	.kernel = "6.12",
	.era = "C",
	.rotational_lists = false,
	.global_cluster = false,
	.frag_cluster_nr = true,
	.swapin_skip_cache = true,
	.setup_clusters = sim612_setup_clusters,
	.folio_alloc = sim612_folio_alloc_swap,
	.alloc_fast = NULL,
	.alloc_slow = sim612_folio_alloc_swap,
	.cluster_freed = sim612_cluster_freed,
	.free_run = sim612_free_run,
	.reclaim_full_clusters = sim612_swap_reclaim_full_clusters,
};
