// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-folio.c - what happens to a folio in the swap cache besides its
 * allocation: unmapped once more (folio_dup_swap()), out of the cache
 * (writeback done), split, and the backing of its slots (zswap, the
 * zeromap). A folio is named by its first slot, as folio->swap names it.
 */
#include <errno.h>
#include <stdint.h>

#include "sim-cache.h"
#include "sim-entries.h"
#include "sim-op.h"
#include "sim-reclaim.h"
#include "sim-state.h"

/* The folio whose first slot is @offset, as folio->swap names it. */
static bool sim_folio_start(const struct sim *sim, uint32_t offset,
			    unsigned int *order)
{
	uint32_t start;

	return offset < sim->max &&
	       sim_cache_folio_at(sim, offset, &start, order) &&
	       start == offset;
}

int sim_folio_dup_swap(struct sim *sim, uint32_t offset)
{
	unsigned int order;
	int rc;

	if (!sim || !sim_folio_start(sim, offset, &order))
		return -EINVAL;
	rc = sim_entries_dup(sim, offset, 1u << order);
	if (rc)
		return rc == -EOVERFLOW ? -EINVAL : rc;
	return sim_op_end(sim, 0);
}

int sim_swap_cache_del_folio(struct sim *sim, uint32_t offset)
{
	unsigned int order;

	if (!sim || offset >= sim->max)
		return -EINVAL;
	sim_op_prefetch_cluster(sim, offset);
	if (!sim_folio_start(sim, offset, &order))
		return -EINVAL;
	sim_reclaim_cache_del(sim, offset, order);
	return sim_op_end(sim, 0);
}

/* Runs of an order above @new_order lying inside the folio: cut them. */
static void sim_split_runs(struct sim *sim, uint32_t start, uint32_t end,
			   unsigned int new_order)
{
	uint16_t bits = (uint16_t)((new_order + 1) << SNAPSHOT_SLOT_ORDER_SHIFT);
	uint32_t i = start, j, len;
	int k;

	while (i < end) {
		k = snapshot_slot_order(sim->slots[i]);
		if (k < 0 || !(sim->slots[i] & SNAPSHOT_SLOT_HEAD)) {
			i++;
			continue;
		}
		len = 1u << k;
		if ((unsigned int)k > new_order && i + len <= end) {
			for (j = i; j < i + len; j++) {
				sim->slots[j] &= (uint16_t)~SIM_SLOT_RUN;
				sim->slots[j] |= bits;
				if (!((j - i) & ((1u << new_order) - 1)))
					sim->slots[j] |= SNAPSHOT_SLOT_HEAD;
			}
		}
		i += len;
	}
}

int sim_split_folio(struct sim *sim, uint32_t offset, unsigned int new_order)
{
	unsigned int order;
	uint32_t i, step;

	if (!sim || !sim_folio_start(sim, offset, &order) || new_order >= order)
		return -EINVAL;
	if (new_order && sim_cache_reserve(&sim->cache, 1u << (order - new_order)))
		return -ENOMEM;
	sim_cache_del_large(sim, offset);
	step = 1u << new_order;
	for (i = offset; new_order && i < offset + (1u << order); i += step)
		sim_cache_add_large(sim, i, new_order);
	sim_split_runs(sim, offset, offset + (1u << order), new_order);
	return sim_op_end(sim, 0);
}

/* zswap and the zeromap hold only slots in use; swap_range_free() clears. */
static int sim_set_bit(struct sim *sim, uint32_t offset, uint32_t nr, bool on,
		       uint16_t bit)
{
	uint32_t i;

	if (!sim || !sim_op_range_ok(sim, offset, nr))
		return -EINVAL;
	for (i = offset; on && i < offset + nr; i++)
		if ((sim->slots[i] & SNAPSHOT_SLOT_BAD) ||
		    !(sim->slots[i] & SNAPSHOT_SLOT_NONFREE))
			return -EINVAL;
	for (i = offset; i < offset + nr; i++) {
		if (on)
			sim->slots[i] |= bit;
		else
			sim->slots[i] &= (uint16_t)~bit;
	}
	return sim_op_end(sim, 0);
}

int sim_set_zswap(struct sim *sim, uint32_t offset, uint32_t nr, bool on)
{
	return sim_set_bit(sim, offset, nr, on, SNAPSHOT_SLOT_ZSWAP);
}

int sim_set_zero(struct sim *sim, uint32_t offset, uint32_t nr, bool on)
{
	return sim_set_bit(sim, offset, nr, on, SNAPSHOT_SLOT_ZERO);
}
