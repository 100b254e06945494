// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-scan.c - the free map and the scans over slot words: the map kept
 * in step with the words (an allocation clears bits, a free sets them),
 * built from the words once, and the scans the inline ones of sim-scan.h
 * fall back to. Four slot words are read at a time where the candidates
 * allow it.
 */
#include <string.h>

#include "sim-scan.h"
#include "sim-state.h"

#define NONFREE		SNAPSHOT_SLOT_NONFREE

static inline uint64_t sim_scan_load4(const uint16_t *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
	return x;
}

/* Of four slots, those with every bit of @m clear: bit 15 of their lane. */
static inline uint64_t sim_scan_clear_lanes(uint64_t x, uint64_t m)
{
	/* lanes are <= 0x1ff after the mask: adding 0x7fff cannot carry */
	return ~((x & m) + SIM_LANE4(0x7fff)) & SIM_LANE4(0x8000);
}

void sim_scan_map_range(struct sim *sim, uint32_t from, uint32_t to,
			bool freed)
{
	uint64_t *m = sim->fmap, bits;
	uint32_t i, n;

	if (freed && to > sim->max)
		to = sim->max;
	for (i = from; i < to; i += n) {
		n = 64 - (i & 63);
		if (n > to - i)
			n = to - i;
		bits = sim_bits(i & 63, n);
		if (freed)
			m[i >> 6] |= bits;
		else
			m[i >> 6] &= ~bits;
	}
}

uint32_t sim_scan_next_free(const struct sim *sim, uint32_t from, uint32_t to)
{
	const uint64_t *m = sim->fmap;
	uint64_t wi = from >> 6, x = m[wi] & (~0ull << (from & 63)), c;

	while (!x) {
		if ((++wi << 6) >= to)
			return to;
		x = m[wi];
	}
	c = (wi << 6) + (uint64_t)__builtin_ctzll(x);
	return c < to ? (uint32_t)c : to;
}

void sim_scan_map_all(struct sim *sim)
{
	size_t words = sim_fmap_words(sim), k;
	const uint16_t *w = sim->slots;
	uint64_t x, i, end, z;

	for (k = 0; k < words; k++) {
		i = (uint64_t)k << 6;
		end = i + 64 < sim->max ? i + 64 : sim->max;
		x = 0;
		for (; SIM_LANES && i + 4 <= end; i += 4) {
			z = sim_scan_clear_lanes(sim_scan_load4(w + i),
						 SIM_LANE4(NONFREE));
			/* bit 15 of each lane to bits 0..3 of a nibble */
			x |= ((z >> 15 & 1) | (z >> 30 & 2) | (z >> 45 & 4) |
			      (z >> 60 & 8)) << (i & 63);
		}
		for (; i < end; i++)
			x |= (uint64_t)!(w[i] & NONFREE) << (i & 63);
		sim->fmap[k] = x;
	}
}

uint32_t sim_scan_first(const uint16_t *w, uint32_t off, uint64_t lim,
			uint32_t nr, uint16_t mask)
{
	uint64_t m = SIM_LANE4(mask), i, j, z;

	if (SIM_LANES && nr == 1) {
		for (i = off; i < lim && (i & 3); i++)
			if (!(w[i] & mask))
				return (uint32_t)i;
		for (; i + 4 <= lim; i += 4) {
			z = sim_scan_clear_lanes(sim_scan_load4(w + i), m);
			if (z)
				return (uint32_t)(i + (unsigned int)__builtin_ctzll(z) / 16);
		}
		for (; i < lim; i++)
			if (!(w[i] & mask))
				return (uint32_t)i;
		return SIM_NIL;
	}
	if (SIM_LANES && nr >= 4 && !(off & 3)) {
		for (i = off; i + nr <= lim; i += nr) {
			for (j = 0; j < nr; j += 4)
				if (sim_scan_load4(w + i + j) & m)
					break;
			if (j >= nr)
				return (uint32_t)i;
		}
		return SIM_NIL;
	}
	for (i = off; i + nr <= lim; i += nr) {
		for (j = 0; j < nr && !(w[i + j] & mask); j++)
			;
		if (j == nr)
			return (uint32_t)i;
	}
	return SIM_NIL;
}
