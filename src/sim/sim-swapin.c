// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-swapin.c - a swap-in fault, what memory.c's do_swap_page() does:
 * the folio's order chosen among those the range allows, the folio in
 * the swap cache, mapped, and freed from the cache when nothing else
 * references its slots. The trees differ (sim_policy.swapin_skip_cache).
 */
#include <errno.h>
#include <stdint.h>

#include "sim-cache.h"
#include "sim-entries.h"
#include "sim-op.h"
#include "sim-reclaim.h"
#include "sim-state.h"

/* Why a large swap-in of a range fails, in the order the kernel looks. */
enum sim_swapin_fit {
	SIM_SWAPIN_FITS,
	SIM_SWAPIN_UNSUITABLE,	/* filtered before any folio is tried */
	SIM_SWAPIN_BUSY,	/* __swap_cache_add_check() says -EBUSY */
};

/*
 * The orders memory.c offers for the fault are those whose aligned range
 * lies in the device, comes all or none from the zeromap and has nothing
 * in zswap (zswap loads no large folio); among those,
 * __swap_cache_add_check() wants every slot swapped out (count >= 1) and
 * uncached.
 */
static enum sim_swapin_fit sim_swapin_range(const struct sim *sim,
					    uint32_t start, unsigned int order)
{
	uint32_t nr = 1u << order, i;
	uint16_t w, zero = sim->slots[start] & SNAPSHOT_SLOT_ZERO;
	bool busy = false;

	if ((uint64_t)start + nr > sim->max)
		return SIM_SWAPIN_UNSUITABLE;
	for (i = start; i < start + nr; i++) {
		w = sim->slots[i];
		if ((w & SNAPSHOT_SLOT_ZSWAP) || (w & SNAPSHOT_SLOT_ZERO) != zero)
			return SIM_SWAPIN_UNSUITABLE;
		if ((w & (SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_CACHED)) ||
		    !(w & SNAPSHOT_SLOT_COUNT))
			busy = true;
	}
	return busy ? SIM_SWAPIN_BUSY : SIM_SWAPIN_FITS;
}

/*
 * A fault on @offset. The newest tree's swap_cache_alloc_folio() tries
 * @order and each lower order in turn (every size taken as enabled),
 * counting swpin_fallback for an order whose range was busy. v6.12's
 * alloc_swap_folio() skipped unsuitable orders silently and counted a
 * fallback only when the folio could not be allocated or charged, which
 * the simulator never sees. Large orders only on SWP_SYNCHRONOUS_IO
 * devices (v6.12: also only on its swapcache-skipping path, when the
 * faulting entry has count 1).
 *
 * The folio is mapped (folio_put_swap()). should_try_to_free_swap() holds
 * on SWP_SYNCHRONOUS_IO devices, under vm_swap_full() and for a write
 * fault by the only user, which is what the simulator takes every fault
 * to be; folio_free_swap() then frees the cache only when no slot is
 * referenced any more. v6.12's skipping path never kept a cache.
 */
int sim_swap_in(struct sim *sim, unsigned int cpu, uint32_t offset,
		unsigned int order, unsigned int *got, uint32_t *start)
{
	uint32_t st, nr, i;
	enum sim_swapin_fit fit;
	unsigned int k = 0;
	bool skip_path, skip_cache, drop = true;
	uint16_t w;

	if (!sim || !got || !start || cpu >= sim->cfg.cpus ||
	    order >= sim->nr_orders || !offset || offset >= sim->max)
		return -EINVAL;
	w = sim->slots[offset];
	if ((w & (SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_CACHED)) ||
	    !(w & SNAPSHOT_SLOT_COUNT))
		return -EINVAL;
	if (order && sim_cache_reserve(&sim->cache, 1))
		return -ENOMEM;
	skip_path = sim->policy->swapin_skip_cache;
	skip_cache = skip_path && sim->cfg.synchronous_io &&
		     sim_slot_count(sim, offset) == 1;
	if (order && sim->cfg.synchronous_io && (!skip_path || skip_cache)) {
		for (k = order; k; k--) {
			fit = sim_swapin_range(sim, offset & ~((1u << k) - 1), k);
			if (fit == SIM_SWAPIN_FITS)
				break;
			if (fit == SIM_SWAPIN_BUSY && !skip_path)
				sim->counters[SIM_SWPIN_FALLBACK][k]++;
		}
	}
	nr = 1u << k;
	st = offset & ~(nr - 1);
	for (i = st; i < st + nr; i++)
		sim->slots[i] |= SNAPSHOT_SLOT_CACHED;
	if (k) {
		sim_cache_add_large(sim, st, k);
		sim->counters[SIM_SWPIN][k]++;
	}
	for (i = st; i < st + nr; i++) {
		sim_entries_put(sim, i);
		if (sim->slots[i] & SNAPSHOT_SLOT_COUNT)
			drop = false;
	}
	if (drop || skip_cache)
		sim_reclaim_cache_del(sim, st, k);
	*got = k;
	*start = st;
	return sim_op_end(sim, 0);
}
