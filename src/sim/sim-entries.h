/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-entries.h - the slot words of swap entries (sim-entries.c): what an
 * allocation writes, what a free clears, what a reference adds or drops.
 * An allocation's words and a whole run's free are inline: each policy
 * compiles them into its allocation and its free, every operation's path.
 */
#ifndef SWAPFS_SIM_ENTRIES_H
#define SWAPFS_SIM_ENTRIES_H

#include <stdint.h>
#include <string.h>

#include "sim-cache.h"
#include "sim-scan.h"
#include "sim-state.h"

/*
 * The slot words of a new allocation of @order at @off in cluster @ci:
 * cached with count 0 (the folio is bound at allocation), one known run,
 * the folio recorded; the device's inuse_pages follow (swap_range_alloc()
 * without what the trees decide differently about a device now full).
 */
static __always_inline void sim_entries_fill(struct sim *sim, uint32_t ci,
					     uint32_t off, unsigned int order)
{
	uint32_t nr = 1u << order, i;
	uint16_t run = (uint16_t)((order + 1) << SNAPSHOT_SLOT_ORDER_SHIFT);
	uint16_t *w = sim->slots + off;
	uint64_t lanes;

	if (sim->direct_count) {
		/* allocated, unmapped and out of the cache in one go */
		run = (uint16_t)(run | sim->direct_count);
	} else {
		run |= SNAPSHOT_SLOT_CACHED;
		sim->ci[ci].cache_only = (uint16_t)(sim->ci[ci].cache_only + nr);
	}
	if (SIM_LANES && nr >= 4) {
		lanes = SIM_LANE4(run);
		for (i = 0; i < nr; i += 4)
			memcpy(w + i, &lanes, sizeof(lanes));
	} else {
		for (i = 0; i < nr; i++)
			w[i] = run;
	}
	w[0] |= SNAPSHOT_SLOT_HEAD;
	if (nr <= 64 && !(off & (nr - 1)))
		sim->fmap[off >> 6] &= ~sim_bits(off & 63, nr);
	else
		sim_scan_map_range(sim, off, off + nr, false);
	sim->cl[ci].count = (uint16_t)(sim->cl[ci].count + nr);
	/* the order last: the flags predict well, the order does not */
	if (sim->no_record && !sim->direct_count && order)
		sim->unrecorded = off;
	else if (!sim->no_record && order)
		sim_cache_add_large(sim, off, order);
	sim->no_record = false;
	sim->direct_count = 0;
	/* v6.12's reservation is now the allocation itself */
	sim->reserved = 0;
	sim->inuse += nr;
}

/*
 * The words of [@start, @start + @nr) were cleared: the free map, the
 * device's inuse_pages and lowest_bit follow (swap_range_free()). The
 * cluster's move is its policy's.
 */
static __always_inline void sim_entries_freed(struct sim *sim, uint32_t start,
					      uint32_t nr)
{
	if (nr <= 64 && !(start & (nr - 1)) && start + nr <= sim->max)
		sim->fmap[start >> 6] |= sim_bits(start & 63, nr);
	else
		sim_scan_map_range(sim, start, start + nr, true);
	sim->inuse -= nr;
	/* a minimum, without a branch on where the random free was */
	sim->lowest = start < sim->lowest ? start : sim->lowest;
}

/*
 * sim_entries_free() of exactly one run of @order headed at @start,
 * aligned, every slot with count 1 and uncached (the caller checked): the
 * words are cleared whole, nothing else ends. Returns the cluster, for
 * its policy's move.
 */
static __always_inline uint32_t sim_entries_free_run(struct sim *sim,
						     uint32_t start,
						     unsigned int order)
{
	uint32_t ci = start >> sim->shift, nr = 1u << order, i;
	struct snapshot_cluster *c = &sim->cl[ci];
	uint16_t *w = sim->slots + start;
	uint64_t zero = 0;

	c->count = (uint16_t)(c->count - nr);
	if (SIM_LANES && nr >= 4) {
		for (i = 0; i < nr; i += 4)
			memcpy(w + i, &zero, sizeof(zero));
	} else {
		for (i = 0; i < nr; i++)
			w[i] = 0;
	}
	sim_entries_freed(sim, start, nr);
	return ci;
}

/*
 * sim_entries_free - __swap_cluster_free_entries() (v6.12:
 * swap_entry_range_free()): @nr slots of one cluster whose count is 0 (or
 * will be after the last put) and that no folio caches become free: the
 * slot word is cleared whole, zeromap and zswap with it
 * (swap_range_free()), and a run they were part of ends. Then the cluster
 * moves by the rules of its tree (sim->policy->cluster_freed).
 */
void sim_entries_free(struct sim *sim, uint32_t start, uint32_t nr);

/*
 * sim_entries_dissolve_run - a run means "allocated together and all
 * still held": freeing any slot of it ends it, on every slot.
 */
void sim_entries_dissolve_run(struct sim *sim, uint32_t slot);

/*
 * sim_entries_get - one more reference on @slot: 0 -> 1 ends "cache
 * only". Returns 0, -EOVERFLOW or -ENOMEM (a count beyond the word).
 */
int sim_entries_get(struct sim *sim, uint32_t slot);

/*
 * sim_entries_put - one reference less (never frees): 1 -> 0 on a cached
 * slot is cache only.
 */
void sim_entries_put(struct sim *sim, uint32_t slot);

/* sim_entries_dup - +1 on [@start, @start + @nr); all or nothing. */
int sim_entries_dup(struct sim *sim, uint32_t start, uint32_t nr);

#endif /* SWAPFS_SIM_ENTRIES_H */
