// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-op.c - the end of an operation when it has work left:
 * swap_reclaim_work() (scheduled when an allocation filled the device; the
 * simulator runs it when the operation that scheduled it is done), the
 * folio table shrunk after a mass of deletes, and check_always.
 */
#include <errno.h>

#include "sim-cache.h"
#include "sim-check.h"
#include "sim-op.h"
#include "sim-state.h"

int sim_op_end_slow(struct sim *sim, int rc)
{
	if (sim->reclaim_pending) {
		sim->reclaim_pending = false;
		sim->policy->reclaim_full_clusters(sim, true);
	}
	sim->locked = SIM_NIL;
	/* sim_cache_shrink() leaves a table of the smallest size alone */
	if ((uint64_t)sim->cache.nr * 16 <= sim->cache.mask &&
	    sim->cache.bits > SIM_CACHE_MIN_BITS)
		sim_cache_shrink(&sim->cache);
	sim->ops++;
	if (sim->cfg.check_always && sim_check_diag(sim, &sim->diag)) {
		if (sim->user_diag)
			*sim->user_diag = sim->diag;
		return -EUCLEAN;
	}
	return rc;
}
