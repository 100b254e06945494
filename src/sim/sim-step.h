/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-step.h - one step of folio_alloc_swap() on one area of several
 * (sim-swapout.c), for the layer that picks the area (sim-areas.c). With
 * one area, sim_folio_alloc_swap() and sim_swap_out() run every step on
 * it; with several, the kernel walks the areas between the steps:
 *
 *	SIM_ALLOC_FAST	swap_alloc_fast(): the per-CPU cluster, on the area
 *			percpu_swap_cluster.si[order] names (newest only)
 *	SIM_ALLOC_SLOW	this area's turn in swap_alloc_slow()'s walk of
 *			swap_avail_head (cluster_alloc_swap_entry()), or in
 *			v6.12's get_swap_pages() (scan_swap_map_slots())
 */
#ifndef SWAPFS_SIM_STEP_H
#define SWAPFS_SIM_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "swapfs/sim.h"

enum sim_alloc_step {
	SIM_ALLOC_WHOLE = 0,	/* folio_alloc_swap() on this area alone */
	SIM_ALLOC_FAST,
	SIM_ALLOC_SLOW,
};

/*
 * sim_folio_alloc_step - sim_folio_alloc_swap() by @step only. Returns 0
 * with *@offset, -ENOSPC when the step found nothing, -EINVAL, -ENOMEM.
 */
int sim_folio_alloc_step(struct sim *sim, unsigned int cpu, unsigned int order,
			 enum sim_alloc_step step, uint32_t *offset);

/*
 * sim_swap_out_step - sim_swap_out() of a folio that finds its slots by
 * @step: counts swpout (order > 0) when it does; never splits a large
 * folio nor counts a fallback (the caller decides, having tried every
 * area the kernel would). Returns 0 with *@offset, -ENOSPC, -EINVAL,
 * -ENOMEM.
 */
int sim_swap_out_step(struct sim *sim, unsigned int cpu, unsigned int order,
		      unsigned int mapcount, bool keep_cached,
		      enum sim_alloc_step step, uint32_t *offset);

#endif /* SWAPFS_SIM_STEP_H */
