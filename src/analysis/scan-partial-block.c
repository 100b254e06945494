// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-partial-block.c - the partial-block check: in a cluster some order
 * k > 0 owns, the aligned 2^k blocks that are partly non-free, found on
 * the non-free bitmap.
 *
 * Such a block is a hole alloc_swap_scan_cluster() cannot use for that
 * order, left by a partial free of a large folio or by order-0 stealing.
 */
#include "scan-parts.h"

/* Non-free slots of block @b (order k >= 6: whole bitmap words). */
static uint32_t scan_partial_block_used(const struct scan *sc, uint32_t b)
{
	unsigned int k = sc->part_order;
	uint32_t wi = (b << k) / 64, used = 0, j;

	for (j = 0; j < (1u << k) / 64; j++)
		used += scan_popcount(sc->nonfree[wi + j]);
	return used;
}

/*
 * The next partly non-free block of order k < 6 from sc->part_block in
 * its bitmap word: the aligned starts where neither all bits nor no bits
 * of the block are set. Returns whether one was found; else part_block
 * is moved to the next word.
 */
static bool scan_partial_block_small(struct scan *sc, uint32_t *b,
				     uint32_t *used)
{
	unsigned int k = sc->part_order;
	uint32_t bit = sc->part_block << k, wi = bit / 64, pos;
	uint64_t w = sc->nonfree[wi], starts;

	starts = scan_align[k] & sc->valid &
		 ~(scan_fold(w, k) | scan_fold(~w, k)) & (~0ull << (bit % 64));
	if (!starts) {
		sc->part_block = (wi + 1) * (64u >> k);
		return false;
	}
	pos = (uint32_t)__builtin_ctzll(starts);
	*b = (wi * 64 + pos) >> k;
	*used = scan_popcount((w >> pos) & ((1ull << (1u << k)) - 1));
	sc->part_block = *b + 1;
	return true;
}

/* The next partly non-free block: sc->part_off, or SCAN_NONE. */
static void scan_partial_block_next(struct scan *sc)
{
	unsigned int k = sc->part_order;
	uint32_t bs = 1u << k, nblocks = sc->size >> k;

	sc->part_off = SCAN_NONE;
	if (!sc->part_on)
		return;
	while (sc->part_block < nblocks) {
		uint32_t used, b;

		if (k < 6) {
			if (!scan_partial_block_small(sc, &b, &used))
				continue;
		} else {
			b = sc->part_block++;
			used = scan_partial_block_used(sc, b);
			if (!used || used == bs)
				continue;
		}
		sc->part_off = sc->first + (b << k);
		sc->part_used = used;
		return;
	}
}

void scan_partial_block_start(struct scan *sc)
{
	/* only in a cluster some order > 0 owns */
	sc->part_order = sc->c->order;
	sc->part_on = (sc->mask & SCAN_CHECK(ANALYSIS_PARTIAL_BLOCK)) &&
		      sc->c->order && sc->c->order <= sc->shift &&
		      sc->c->flags != SNAPSHOT_CLUSTER_FREE;
	sc->part_block = 0;
	scan_partial_block_next(sc);
}

/* The finding of the block at sc->part_off. */
static int scan_partial_block_finding(struct scan *sc)
{
	struct analysis_finding f;
	struct scan_text t;

	if (!scan_finding_want(sc, ANALYSIS_PARTIAL_BLOCK, &f, &t))
		return 0;
	f.offset = sc->part_off;
	f.nr = 1u << sc->part_order;
	f.order = (int)sc->part_order;
	scan_finding_put(&t, "used=");
	scan_finding_put_u32(&t, sc->part_used);
	return scan_finding_emit(sc, &f);
}

int scan_partial_block_emit(struct scan *sc)
{
	int rc = scan_partial_block_finding(sc);

	if (!rc)
		scan_partial_block_next(sc);
	return rc;
}
