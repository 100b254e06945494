// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-refs.c - references on swap entries by PTEs: fork's
 * swap_dup_entry_direct() and zap's swap_put_entries_direct(), whose last
 * put frees a slot or leaves it to the swap cache. A zap of one whole run
 * as allocated, the commonest free by far, goes straight to the tree's
 * policy.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim-entries.h"
#include "sim-op.h"
#include "sim-reclaim.h"
#include "sim-state.h"

/*
 * [@offset, @offset + @nr) is one known run, aligned and inside a cluster,
 * whose slots all have count 1 and no cache: freeing it clears the words.
 */
static inline bool sim_put_is_run(const struct sim *sim, uint32_t offset,
				  uint32_t nr)
{
	const uint16_t *w = sim->slots + offset;
	unsigned int k = (unsigned int)__builtin_ctz(nr);
	uint16_t head = (uint16_t)(SNAPSHOT_SLOT_HEAD | 1u |
				   ((k + 1) << SNAPSHOT_SLOT_ORDER_SHIFT));
	uint64_t x, acc = 0;
	uint32_t i;

	if ((nr & (nr - 1)) || (offset & (nr - 1)) || nr > sim->cs ||
	    (w[0] & (SNAPSHOT_SLOT_HEAD | SNAPSHOT_SLOT_ORDER |
		     SNAPSHOT_SLOT_NONFREE)) != head)
		return false;
	if (nr >= 4 && SIM_LANES) {
		for (i = 0; i < nr; i += 4) {
			memcpy(&x, w + i, sizeof(x));
			acc |= (x & SIM_LANE4(SNAPSHOT_SLOT_NONFREE)) ^
			       SIM_LANE4(1);
		}
		return !acc;
	}
	for (i = 1; i < nr; i++)
		if ((w[i] & SNAPSHOT_SLOT_NONFREE) != 1)
			return false;
	return true;
}

/* Every slot of the range is in use, none bad: a PTE may name them. */
static bool sim_refs_held(const struct sim *sim, uint32_t offset, uint32_t nr)
{
	uint32_t i;

	for (i = offset; i < offset + nr; i++)
		if ((sim->slots[i] & SNAPSHOT_SLOT_BAD) ||
		    !(sim->slots[i] & SNAPSHOT_SLOT_COUNT))
			return false;
	return true;
}

int sim_swap_dup_entry_direct(struct sim *sim, uint32_t offset, uint32_t nr)
{
	int rc;

	if (!sim || !sim_op_range_ok(sim, offset, nr) ||
	    !sim_refs_held(sim, offset, nr))
		return -EINVAL;
	rc = sim_entries_dup(sim, offset, nr);
	if (rc)
		return rc == -EOVERFLOW ? -EINVAL : rc;
	return sim_op_end(sim, 0);
}

/*
 * swap_put_entries_cluster() with reclaim_cache: a slot whose last
 * reference goes and that no folio caches is freed (in batches); a cached
 * one keeps the slot, cache only. Then each cached folio whose references
 * all went is reclaimed if __try_to_reclaim_swap(TTRS_UNMAPPED |
 * TTRS_FULL) would: under vm_swap_full() (mem_cgroup_swap_full() without
 * a memcg limit). TTRS_UNMAPPED is not modelled: the simulator does not
 * know whether the folio is still mapped; sim_swap_cache_del_folio() is
 * how the caller says it left.
 */
static void sim_swap_put_entries_cluster(struct sim *sim, uint32_t offset,
					 uint32_t nr)
{
	uint32_t end = offset + nr, i, batch = SIM_NIL;
	bool need_reclaim = false;
	int r;

	for (i = offset; i < end; i++) {
		if (sim_slot_count(sim, i) == 1) {
			if (!(sim->slots[i] & SNAPSHOT_SLOT_CACHED)) {
				if (batch == SIM_NIL)
					batch = i;
				continue;
			}
			need_reclaim = true;
		}
		sim_entries_put(sim, i);
		if (batch != SIM_NIL) {
			sim_entries_free(sim, batch, i - batch);
			batch = SIM_NIL;
		}
	}
	if (batch != SIM_NIL)
		sim_entries_free(sim, batch, end - batch);
	if (!need_reclaim)
		return;
	for (i = offset; i < end;) {
		r = sim_reclaim_try(sim, i, SIM_TTRS_FULL);
		i++;
		if (r)
			i = (i + (uint32_t)abs(r) - 1) & ~((uint32_t)abs(r) - 1);
	}
}

/*
 * sim_swap_put_entries_direct() but for its commonest case, out of line:
 * the function below stays small, its prologue short.
 */
static __attribute__((noinline)) int
sim_swap_put_entries_slow(struct sim *sim, uint32_t offset, uint32_t nr)
{
	uint32_t i, end = offset + nr, cend;

	/* the common case: the last reference to uncached slots of one cluster */
	for (i = offset; i < end &&
	     (sim->slots[i] & SNAPSHOT_SLOT_NONFREE) == 1; i++)
		;
	if (i == end && (offset >> sim->shift) == ((end - 1) >> sim->shift)) {
		sim_entries_free(sim, offset, nr);
		return sim_op_end(sim, 0);
	}
	if (!sim_refs_held(sim, offset, nr))
		return -EINVAL;
	for (i = offset; i < end; i = cend) {
		cend = ((i >> sim->shift) + 1) << sim->shift;
		if (!cend || cend > end)
			cend = end;
		sim_swap_put_entries_cluster(sim, i, cend - i);
	}
	return sim_op_end(sim, 0);
}

int sim_swap_put_entries_direct(struct sim *sim, uint32_t offset, uint32_t nr)
{
	if (!sim || !sim_op_range_ok(sim, offset, nr))
		return -EINVAL;
	sim_op_prefetch_cluster(sim, offset);
	/* the commonest: one whole run of count 1, uncached, as allocated */
	if (sim_put_is_run(sim, offset, nr)) {
		sim->policy->free_run(sim, offset, (unsigned int)__builtin_ctz(nr));
		return sim_op_end(sim, 0);
	}
	return sim_swap_put_entries_slow(sim, offset, nr);
}

void sim_prefetch_free(const struct sim *sim, uint32_t offset,
		       unsigned int stage)
{
	const struct sim_ci *x;
	uint32_t ci;

	if (!sim || offset >= sim->max)
		return;
	ci = offset >> sim->shift;
	if (!stage) {
		__builtin_prefetch(&sim->slots[offset], 1);
		__builtin_prefetch(&sim->fmap[offset >> 6], 1);
		__builtin_prefetch(&sim->ci[ci], 1);
		__builtin_prefetch(&sim->cl[ci], 1);
		return;
	}
	/* a free moves a cluster that is not on a nonfull list */
	if (sim->cl[ci].flags == SNAPSHOT_CLUSTER_NONFULL)
		return;
	x = &sim->ci[ci];
	if (x->prev != SIM_NIL)
		__builtin_prefetch(&sim->ci[x->prev], 1);
	if (x->next != SIM_NIL)
		__builtin_prefetch(&sim->ci[x->next], 1);
}
