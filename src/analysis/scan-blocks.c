// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-blocks.c - free blocks: the largest free aligned block of a
 * cluster and the blocks of its own order that alloc_swap_scan_cluster()
 * would accept (only empty slots; with vm_swap_full() also cache-only
 * slots, which it reclaims first), found on the scan's bitmaps; and the
 * free blocks from an era B next hint, read from the slots.
 */
#include <string.h>

#include "scan-parts.h"

/* Aligned 2^@k blocks whose bits are all set in @bm (k <= cluster_shift). */
static uint32_t scan_blocks_count(const uint64_t *bm, uint32_t nwords,
				  unsigned int k)
{
	uint32_t cnt = 0, wi, j, per;

	if (k < 6) {
		for (wi = 0; wi < nwords; wi++)
			if (bm[wi])
				cnt += scan_popcount(scan_fold(bm[wi], k) &
						     scan_align[k]);
		return cnt;
	}
	per = 1u << (k - 6);
	for (wi = 0; wi + per <= nwords; wi += per) {
		for (j = 0; j < per && bm[wi + j] == ~0ull; j++)
			;
		cnt += j == per;
	}
	return cnt;
}

/*
 * The largest order with an aligned all-free block, given a free slot:
 * each order's block map is the one below folded onto itself.
 */
static unsigned int scan_blocks_largest(struct scan *sc)
{
	uint64_t *f = sc->scratch;
	uint32_t nw = sc->nwords, wi, per;
	unsigned int k;

	memcpy(f, sc->freebm, nw * sizeof(*f));
	for (k = 1; k <= sc->shift && k < 6; k++) {
		unsigned int sh = 1u << (k - 1);
		uint64_t hit = 0;

		for (wi = 0; wi < nw; wi++) {
			f[wi] &= f[wi] >> sh;
			hit |= f[wi] & scan_align[k];
		}
		if (!hit)
			return k - 1;
	}
	if (k > sc->shift)
		return sc->shift;
	/* 64 slots and up: whole words, pairs of them, ... */
	for (wi = 0; wi < nw; wi++)
		f[wi] = sc->freebm[wi] == ~0ull;
	for (per = 1; k <= sc->shift; k++, per *= 2) {
		uint64_t hit = 0;

		if (k > 6) {
			for (wi = 0; wi < nw / per; wi++)
				f[wi] = f[2 * wi] & f[2 * wi + 1];
		}
		for (wi = 0; wi < nw / per; wi++)
			hit |= f[wi];
		if (!hit)
			return k - 1;
	}
	return sc->shift;
}

void scan_blocks(struct scan *sc)
{
	struct analysis_cluster *ac = sc->ac;
	unsigned int k = sc->c->order;
	uint32_t wi;

	if (!ac->free)
		ac->largest_free_order = -1;
	else if (ac->free == sc->size)
		ac->largest_free_order = (int8_t)sc->shift;
	else
		ac->largest_free_order = (int8_t)scan_blocks_largest(sc);

	if (k > sc->shift)
		return;		/* no block of that order fits: list-mismatch */
	if (!k)
		ac->own_blocks = ac->free;
	else if (ac->free)
		ac->own_blocks = (uint16_t)scan_blocks_count(sc->freebm,
							     sc->nwords, k);
	if (!ac->cache_only) {
		ac->own_blocks_reclaim = ac->own_blocks;
		return;
	}
	if (!k) {
		ac->own_blocks_reclaim = ac->free + ac->cache_only;
		return;
	}
	for (wi = 0; wi < sc->nwords; wi++)
		sc->freebm[wi] |= sc->cacheonly[wi];
	ac->own_blocks_reclaim = (uint16_t)scan_blocks_count(sc->freebm,
							      sc->nwords, k);
}

uint32_t scan_blocks_from(const struct snapshot *s, uint32_t from,
			  uint32_t end, unsigned int order)
{
	uint32_t size = 1u << order, cnt = 0, i;
	uint64_t o;

	for (o = from; o + size <= end; o += size) {
		for (i = 0; i < size && snapshot_slot_free(s->slots[o + i]); i++)
			;
		cnt += i == size;
	}
	return cnt;
}
