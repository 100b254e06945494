// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-swapout.c - allocation and swap-out, what vmscan's
 * shrink_folio_list() does with a folio: folio_alloc_swap() (the tree's
 * policy), try_to_unmap(), writeback and __remove_mapping(); a large folio
 * that finds no room is split and swapped out page by page.
 */
#include <errno.h>
#include <stdint.h>

#include "sim-cache.h"
#include "sim-explain.h"
#include "sim-op.h"
#include "sim-reclaim.h"
#include "sim-state.h"
#include "sim-step.h"

/* The allocation of @step on this area (SIM_ALLOC_WHOLE: every step). */
static uint32_t sim_alloc_by_step(struct sim *sim, unsigned int order,
				  enum sim_alloc_step step)
{
	if (step == SIM_ALLOC_FAST)
		return sim->policy->alloc_fast ? sim->policy->alloc_fast(sim, order) : 0;
	if (step == SIM_ALLOC_SLOW)
		return sim->policy->alloc_slow(sim, order);
	return sim->policy->folio_alloc(sim, order);
}

int sim_folio_alloc_step(struct sim *sim, unsigned int cpu, unsigned int order,
			 enum sim_alloc_step step, uint32_t *offset)
{
	uint32_t found;

	if (!sim || !offset || cpu >= sim->cfg.cpus || order >= sim->nr_orders)
		return -EINVAL;
	if (order && sim_cache_reserve(&sim->cache, 1))
		return -ENOMEM;
	sim->cpu = cpu;
	found = sim_alloc_by_step(sim, order, step);
	if (found) {
		*offset = found;
		/* the caller holds the folio locked: reclaim work skips it */
		sim->locked = found;
	} else if (order) {
		/* the caller splits it: a fallback */
		sim_explain_fallback(sim, order);
	}
	return sim_op_end(sim, found ? 0 : -ENOSPC);
}

int sim_folio_alloc_swap(struct sim *sim, unsigned int cpu, unsigned int order,
			 uint32_t *offset)
{
	return sim_folio_alloc_step(sim, cpu, order, SIM_ALLOC_WHOLE, offset);
}

/*
 * try_to_unmap() (folio_dup_swap() once per PTE: each slot's count goes
 * from 0 to @mapcount), then, unless the folio stays, writeback done and
 * __remove_mapping(): the folio leaves the swap cache.
 */
static int sim_unmap_and_reclaim(struct sim *sim, uint32_t start,
				 unsigned int order, unsigned int mapcount,
				 bool keep_cached)
{
	uint32_t nr = 1u << order, i;
	int rc;

	if (mapcount) {
		for (i = start; i < start + nr; i++) {
			if (mapcount <= SNAPSHOT_COUNT_INLINE_MAX) {
				sim->slots[i] = (uint16_t)(sim->slots[i] + mapcount);
				continue;
			}
			rc = snapshot_set_count(sim->s, i, mapcount);
			if (rc) {
				/* out of memory: the folio stays cached, unmapped */
				while (i-- > start)
					snapshot_set_count(sim->s, i, 0);
				return rc;
			}
		}
		sim->ci[start >> sim->shift].cache_only =
			(uint16_t)(sim->ci[start >> sim->shift].cache_only - nr);
	}
	if (!keep_cached)
		sim_reclaim_cache_del(sim, start, order);
	return 0;
}

/*
 * The folio of 2^@order pages found its slots at @found: counted, then
 * unmapped and reclaimed, and the operation ends.
 */
static __always_inline int sim_swap_out_found(struct sim *sim, uint32_t found,
					      unsigned int order,
					      unsigned int mapcount,
					      bool keep_cached)
{
	int rc;

	/* order-0 swap-outs are not counted: no branch on the order */
	sim->counters[SIM_SWPOUT][order] += order != 0;
	if (!keep_cached && mapcount && mapcount <= SNAPSHOT_COUNT_INLINE_MAX)
		return sim_op_end(sim, 0);
	rc = sim_unmap_and_reclaim(sim, found, order, mapcount, keep_cached);
	if (rc && sim->unrecorded == found) {
		/* it stays in the cache after all: record it (room was reserved) */
		sim->unrecorded = SIM_NIL;
		sim_cache_add_large(sim, found, order);
	}
	return sim_op_end(sim, rc);
}

/*
 * The start of a swap-out: room in the folio table for a large folio,
 * and how the allocation writes the words (sim->no_record and
 * sim->direct_count, which the caller clears after it). Returns 0 or
 * -ENOMEM.
 */
static __always_inline int sim_swap_out_begin(struct sim *sim, unsigned int cpu,
					      unsigned int order,
					      unsigned int mapcount,
					      bool keep_cached)
{
	/*
	 * Room is tested before the order: the order is random in the
	 * generators, room almost always there, and a branch on the order
	 * first would be mispredicted a third of the time or more.
	 */
	if (!sim_cache_has_room(&sim->cache, 1) && order &&
	    sim_cache_reserve(&sim->cache, 1))
		return -ENOMEM;
	sim->cpu = cpu;
	sim->no_record = !keep_cached;
	/* the common case: the allocation writes the words as they end up */
	if (!keep_cached && mapcount && mapcount <= SNAPSHOT_COUNT_INLINE_MAX)
		sim->direct_count = (uint16_t)mapcount;
	return 0;
}

int sim_swap_out(struct sim *sim, unsigned int cpu, unsigned int order,
		 unsigned int mapcount, bool keep_cached, uint32_t *offsets,
		 unsigned int *nr)
{
	uint32_t found, i;
	int rc;

	if (!sim || !offsets || !nr || cpu >= sim->cfg.cpus ||
	    order >= sim->nr_orders)
		return -EINVAL;
	*nr = 0;
	if (sim_swap_out_begin(sim, cpu, order, mapcount, keep_cached))
		return -ENOMEM;
	found = sim->policy->folio_alloc(sim, order);
	sim->no_record = false;
	sim->direct_count = 0;
	if (found) {
		offsets[(*nr)++] = found;
		return sim_swap_out_found(sim, found, order, mapcount, keep_cached);
	}
	if (!order)
		return sim_op_end(sim, -ENOSPC);
	/* no room for the large folio: split it, each page on its own */
	sim->counters[SIM_SWPOUT_FALLBACK][order]++;
	sim_explain_fallback(sim, order);
	for (i = 0; i < (1u << order); i++) {
		found = sim->policy->folio_alloc(sim, 0);
		if (!found)
			return sim_op_end(sim, -ENOSPC);
		offsets[(*nr)++] = found;
		rc = sim_unmap_and_reclaim(sim, found, 0, mapcount, keep_cached);
		if (rc)
			return sim_op_end(sim, rc);
	}
	return sim_op_end(sim, 0);
}

int sim_swap_out_step(struct sim *sim, unsigned int cpu, unsigned int order,
		      unsigned int mapcount, bool keep_cached,
		      enum sim_alloc_step step, uint32_t *offset)
{
	uint32_t found;

	if (!sim || !offset || cpu >= sim->cfg.cpus || order >= sim->nr_orders)
		return -EINVAL;
	if (sim_swap_out_begin(sim, cpu, order, mapcount, keep_cached))
		return -ENOMEM;
	found = sim_alloc_by_step(sim, order, step);
	sim->no_record = false;
	sim->direct_count = 0;
	if (!found)
		return sim_op_end(sim, -ENOSPC);
	*offset = found;
	return sim_swap_out_found(sim, found, order, mapcount, keep_cached);
}
