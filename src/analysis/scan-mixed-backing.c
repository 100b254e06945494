// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-mixed-backing.c - the mixed-backing check: a known run of order > 0
 * whose allocated slots (count > 0 or cached) disagree on zswap.
 *
 * zswap_store() takes a large folio whole or not at all, so one run's
 * allocated slots agree on zswap unless the folio was split or written
 * back page by page.
 *
 * A run the walk judges reads its own slots; the runs of the cluster's
 * order that scan-runs.c counts in bulk are settled for the whole cluster
 * in one pass (scan_mixed_backing_starts()), which leaves it the blocks
 * that mix.
 */
#include <string.h>

#include "scan-parts.h"

/*
 * The allocated slots (a count or the cache mark) of the cluster in zswap
 * (@z) and not (@n), as bitmaps; four slots a step in the 16-bit lanes of
 * a 64-bit word (count > 0: adding 0x7f to the 7-bit count carries).
 */
static void scan_mixed_backing_bitmaps(const struct scan *sc, uint64_t *z,
				       uint64_t *n)
{
	const uint16_t *p = sc->s->slots + sc->first;
	uint32_t len = sc->end - sc->first, i;
	uint64_t x, alloc, zs;

	memset(z, 0, sc->nwords * sizeof(*z));
	memset(n, 0, sc->nwords * sizeof(*n));
	for (i = 0; i + 4 <= len; i += 4) {
		memcpy(&x, p + i, sizeof(x));
		alloc = ((((x & SCAN_LANES(0x7f)) + SCAN_LANES(0x7f)) | x) >> 7) &
			SCAN_LANES(1);
		zs = (x >> 10) & alloc;
		z[i / 64] |= scan_gather4(zs) << (i % 64);
		n[i / 64] |= scan_gather4(alloc & ~zs) << (i % 64);
	}
	for (; i < len; i++) {
		if (!(p[i] & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED)))
			continue;
		if (p[i] & SNAPSHOT_SLOT_ZSWAP)
			z[i / 64] |= 1ull << (i % 64);
		else
			n[i / 64] |= 1ull << (i % 64);
	}
}

/*
 * Blocks of the cluster's order k come aligned and inside the cluster, so
 * a block mixes backing when it has both an allocated slot in zswap and
 * one not: a bit of each in the bitmaps (k < 6: any bit of the block is
 * the complement of all bits of the complement).
 */
void scan_mixed_backing_starts(const struct scan *sc, uint64_t *starts)
{
	uint64_t z[SCAN_BM_WORDS], n[SCAN_BM_WORDS], zk, nk;
	unsigned int k = sc->c->order;
	uint32_t wi, j, per;

	scan_mixed_backing_bitmaps(sc, z, n);
	if (k < 6) {
		for (wi = 0; wi < sc->nwords; wi++)
			starts[wi] = z[wi] && n[wi] ?
				~scan_fold(~z[wi], k) & ~scan_fold(~n[wi], k) &
				scan_align[k] : 0;
		return;
	}
	per = 1u << (k - 6);
	for (wi = 0; wi < sc->nwords; wi += per) {
		zk = nk = 0;
		for (j = 0; j < per; j++) {
			zk |= z[wi + j];
			nk |= n[wi + j];
			starts[wi + j] = 0;
		}
		starts[wi] = zk && nk;
	}
}

inline bool scan_mixed_backing_judge(const struct scan *sc, struct scan_run *r)
{
	uint32_t i, end;

	r->zswap = r->allocated = 0;
	/* a run inside a cluster without zswap slots has none to disagree */
	if (!(sc->mask & SCAN_CHECK(ANALYSIS_MIXED_BACKING)) || !r->order ||
	    (!r->crosses && !sc->ac->zswap))
		return false;
	end = scan_run_end(sc, r);
	for (i = r->offset; i < end; i++) {
		uint16_t w = sc->s->slots[i];

		if (w & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED)) {
			r->allocated++;
			r->zswap += !!(w & SNAPSHOT_SLOT_ZSWAP);
		}
	}
	return r->zswap && r->zswap < r->allocated;
}

int scan_mixed_backing_emit(struct scan *sc, const struct scan_run *r)
{
	struct analysis_finding f;
	struct scan_text t;

	if (!r->zswap || r->zswap == r->allocated ||
	    !scan_finding_want_run(sc, ANALYSIS_MIXED_BACKING, r, &f, &t))
		return 0;
	scan_finding_put(&t, "zswap=");
	scan_finding_put_u32(&t, r->zswap);
	scan_finding_put(&t, "/");
	scan_finding_put_u32(&t, r->allocated);
	return scan_finding_emit(sc, &f);
}
