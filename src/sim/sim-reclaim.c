// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-reclaim.c - a folio leaving the swap cache on the model, and the
 * reclaim of cache-only folios: what vmscan does after writeback, what an
 * allocation does under vm_swap_full() and what swap_reclaim_work() does.
 * Freed slots move their cluster by the rules of the simulated tree
 * (sim_entries_free()).
 */
#include <stdlib.h>

#include "sim-cache.h"
#include "sim-entries.h"
#include "sim-reclaim.h"
#include "sim-state.h"

void sim_reclaim_cache_del(struct sim *sim, uint32_t start, unsigned int order)
{
	uint32_t nr = 1u << order, i, zeros = 0;
	bool swapped = false;
	uint16_t w;

	for (i = start; i < start + nr; i++) {
		w = sim->slots[i];
		sim->slots[i] = (uint16_t)(w & ~SNAPSHOT_SLOT_CACHED);
		if (w & SNAPSHOT_SLOT_COUNT)
			swapped = true;
		else
			zeros++;
	}
	sim->ci[start >> sim->shift].cache_only =
		(uint16_t)(sim->ci[start >> sim->shift].cache_only - zeros);
	if (order && start == sim->unrecorded)
		sim->unrecorded = SIM_NIL;
	else if (order)
		sim_cache_del_large(sim, start);
	if (!swapped) {
		sim_entries_free(sim, start, nr);
		return;
	}
	for (i = start; zeros && i < start + nr; i++) {
		if (sim->slots[i] & SNAPSHOT_SLOT_NONFREE)
			continue;
		sim_entries_free(sim, i, 1);
		zeros--;
	}
}

/*
 * The folio being swapped out is locked, so its trylock fails. Cached
 * folios are clean and not under writeback in the model:
 * folio_swapcache_freeable() holds.
 */
int sim_reclaim_try(struct sim *sim, uint32_t offset, unsigned int flags)
{
	uint32_t start, i;
	unsigned int order;
	int nr;

	if (!sim_cache_folio_at(sim, offset, &start, &order))
		return 0;
	nr = 1 << order;
	if (start == sim->locked)
		return -nr;
	if (!(flags & SIM_TTRS_ANYWAY) &&
	    !((flags & SIM_TTRS_FULL) && sim_vm_swap_full(sim)))
		return -nr;
	for (i = start; i < start + (uint32_t)nr; i++)
		if (sim->slots[i] & SNAPSHOT_SLOT_COUNT)
			return -nr;
	sim_reclaim_cache_del(sim, start, order);
	return nr;
}

void sim_reclaim_cluster(struct sim *sim, uint32_t ci)
{
	uint32_t off = sim_cluster_first(sim, ci);
	uint32_t end = (uint32_t)sim_cluster_lim(sim, ci);
	int r;

	while (sim->ci[ci].cache_only && off < end) {
		if (sim_cache_only(sim->slots[off])) {
			r = sim_reclaim_try(sim, off, SIM_TTRS_ANYWAY);
			if (r) {
				off += (uint32_t)abs(r);
				continue;
			}
		}
		off++;
	}
}
