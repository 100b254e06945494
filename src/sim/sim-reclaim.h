/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-reclaim.h - a folio leaving the swap cache, and the reclaim of
 * cache-only folios that both trees' allocators and frees do
 * (sim-reclaim.c).
 */
#ifndef SWAPFS_SIM_RECLAIM_H
#define SWAPFS_SIM_RECLAIM_H

#include <stdint.h>

#include "sim-state.h"

/*
 * sim_reclaim_cache_del - __swap_cache_del_folio(): the folio of @order at
 * @start leaves the swap cache; if no slot of it is still referenced it is
 * freed whole, else its slots with count 0 one by one.
 */
void sim_reclaim_cache_del(struct sim *sim, uint32_t start,
			   unsigned int order);

/*
 * sim_reclaim_try - __try_to_reclaim_swap(): the folio caching @offset
 * leaves the swap cache if @flags ask for it (SIM_TTRS_ANYWAY, or
 * SIM_TTRS_FULL and vm_swap_full()) and no slot of it is referenced
 * (swap_only_has_cache()). Returns its size if reclaimed, minus its size
 * if not, 0 without a folio.
 */
int sim_reclaim_try(struct sim *sim, uint32_t offset, unsigned int flags);

/*
 * sim_reclaim_cluster - what swap_reclaim_full_clusters() does to one
 * cluster: every cache-only slot of cluster @ci reclaimed, slot by slot
 * (a folio reclaimed or not is stepped over whole).
 */
void sim_reclaim_cluster(struct sim *sim, uint32_t ci);

#endif /* SWAPFS_SIM_RECLAIM_H */
