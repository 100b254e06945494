/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-scan.h - the free map (one bit a slot, set when it is free) and the
 * scan for free slots inside a cluster (sim-scan.c). The scans every
 * allocation makes are inline: both policies compile them into their
 * in-cluster scan, where the call would cost about as much as the bit
 * arithmetic.
 */
#ifndef SWAPFS_SIM_SCAN_H
#define SWAPFS_SIM_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "sim-state.h"

/*
 * sim_scan_map_range - slots [@from, @to) are now all free (@freed) or all
 * in use: their bits of the free map follow. Slots at or beyond max never
 * become free.
 */
void sim_scan_map_range(struct sim *sim, uint32_t from, uint32_t to,
			bool freed);

/* sim_scan_map_all - the whole free map, from the slot words. */
void sim_scan_map_all(struct sim *sim);

/* sim_scan_next_free - the first free slot in [@from, @to), or @to. */
uint32_t sim_scan_next_free(const struct sim *sim, uint32_t from, uint32_t to);

/*
 * sim_scan_first - the first candidate c = @off + j * @nr with c + @nr <=
 * @lim whose slot words @w all have @mask clear, or SIM_NIL.
 */
uint32_t sim_scan_first(const uint16_t *w, uint32_t off, uint64_t lim,
			uint32_t nr, uint16_t mask);

/* Bits at the multiples of @nr (a power of two <= 64) in a word. */
static inline uint64_t sim_scan_align_pattern(uint32_t nr)
{
	static const uint64_t pat[7] = {
		~0ull, 0x5555555555555555ull, 0x1111111111111111ull,
		0x0101010101010101ull, 0x0001000100010001ull,
		0x0000000100000001ull, 1,
	};

	return pat[__builtin_ctz(nr)];
}

/*
 * sim_scan_first() for free slots, by the free map: candidates aligned to
 * @nr (the case of every allocation) are found from the bits alone; an
 * unaligned start reads the slots.
 */
static __always_inline uint32_t sim_scan_fmap(const struct sim *sim,
					      uint32_t off, uint64_t lim,
					      uint32_t nr)
{
	const uint64_t *m = sim->fmap;
	uint64_t wi, wend, x, t, c, lo, hi;
	uint32_t k;

	if (off >= lim)
		return SIM_NIL;
	if (off & (nr - 1))
		return sim_scan_first(sim->slots, off, lim, nr,
				      SNAPSHOT_SLOT_NONFREE);
	wi = off >> 6;
	wend = (lim + 63) >> 6;
	if (nr <= 64) {
		/*
		 * An aligned group of nr bits is all ones when adding 1 to
		 * its low nr - 1 bits carries into its top bit and that bit
		 * is set: bit nr - 1 of the group in t. Without a loop over
		 * the order, which is random and would mispredict.
		 */
		lo = sim_scan_align_pattern(nr);
		hi = lo << (nr - 1);
		x = m[wi] & (~0ull << (off & 63));
		for (;;) {
			if (x) {
				t = ((x & ~hi) + lo) & x & hi;
				if (t) {
					c = (wi << 6) + (uint64_t)__builtin_ctzll(t) - (nr - 1);
					return c + nr <= lim ? (uint32_t)c : SIM_NIL;
				}
			}
			if (++wi >= wend)
				return SIM_NIL;
			x = m[wi];
		}
	}
	/* whole words: nr / 64 of them in a row, from an aligned one */
	for (c = off; c + nr <= lim; c += nr) {
		for (k = 0; k < nr >> 6 && m[(c >> 6) + k] == ~0ull; k++)
			;
		if (k == nr >> 6)
			return (uint32_t)c;
	}
	return SIM_NIL;
}

/*
 * cluster_scan_range() over the candidates from @off: the first range
 * whose slots are all empty, or empty and cache-only when vm_swap_full()
 * (then *@reclaim if one is cached). Slots at or beyond @lim (max) are
 * the tail, which setup marked bad. Without cache-only slots in the
 * cluster both tests are "free", which the free map answers. (No pointer
 * leaves this function: *@reclaim stays in a register of the scan.)
 */
static __always_inline uint32_t sim_scan_candidate(const struct sim *sim,
						   uint32_t off, uint64_t lim,
						   uint32_t nr, bool *reclaim)
{
	uint32_t c, i;

	*reclaim = false;
	if (!sim->ci[off >> sim->shift].cache_only || !sim_vm_swap_full(sim))
		return sim_scan_fmap(sim, off, lim, nr);
	c = sim_scan_first(sim->slots, off, lim, nr,
			   SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_BAD);
	for (i = c; c != SIM_NIL && i < c + nr; i++) {
		if (sim->slots[i] & SNAPSHOT_SLOT_CACHED) {
			*reclaim = true;
			break;
		}
	}
	return c;
}

#endif /* SWAPFS_SIM_SCAN_H */
