/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-op.h - the frame of every operation of sim.h (sim-op.c): the tests
 * of its arguments they share, and its end.
 */
#ifndef SWAPFS_SIM_OP_H
#define SWAPFS_SIM_OP_H

#include <stdbool.h>
#include <stdint.h>

#include "sim-cache.h"
#include "sim-state.h"

/*
 * sim_op_end_slow - what follows an operation when something is to do:
 * the reclaim work it scheduled runs (the folio being swapped out is
 * still locked against it), the folio table gives memory back, and with
 * check_always every invariant is checked. Returns @rc, or -EUCLEAN when
 * an invariant broke (the user's diag then names it).
 */
int sim_op_end_slow(struct sim *sim, int rc);

/*
 * sim_op_end - the end of every operation: @rc back, sim->ops counted.
 * Inlined: most operations have nothing of sim_op_end_slow() to do, and
 * the call would cost more than the tests. The shrink test is the one of
 * the slow path: without reclaim work nothing changes the table before it.
 */
static __always_inline int sim_op_end(struct sim *sim, int rc)
{
	if (__builtin_expect(sim->reclaim_pending || sim->cfg.check_always ||
			     ((uint64_t)sim->cache.nr * 16 <= sim->cache.mask &&
			      sim->cache.bits > SIM_CACHE_MIN_BITS), 0))
		return sim_op_end_slow(sim, rc);
	sim->locked = SIM_NIL;
	sim->ops++;
	return rc;
}

/* [@offset, @offset + @nr) is a range of slots of the device, header aside. */
static inline bool sim_op_range_ok(const struct sim *sim, uint32_t offset,
				   uint32_t nr)
{
	return nr && offset && (uint64_t)offset + nr <= sim->max;
}

/*
 * The cluster of @offset will be needed right after its slots: start
 * loading it now, so the two cache misses overlap instead of queueing.
 */
static inline void sim_op_prefetch_cluster(const struct sim *sim,
					   uint32_t offset)
{
	uint32_t ci = offset >> sim->shift;

	__builtin_prefetch(&sim->ci[ci], 1);
	__builtin_prefetch(&sim->cl[ci], 1);
}

#endif /* SWAPFS_SIM_OP_H */
