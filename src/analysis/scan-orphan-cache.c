// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-orphan-cache.c - the orphan-cache check: a swap-cache folio over
 * slots the map says are not cached.
 *
 * A folio in the swap cache pins every slot under it (SWAP_HAS_CACHE up
 * to era E, the PFN entry in era G); era F's map has no such mark. Bad
 * slots under a folio are bad-in-use, not orphan-cache.
 */
#include "scan-parts.h"

inline bool scan_orphan_cache_judge(const struct scan *sc, struct scan_run *r)
{
	uint32_t i, end;

	r->orphan_free = r->orphan_uncached = 0;
	if (!r->folio || !(sc->mask & SCAN_CHECK(ANALYSIS_ORPHAN_CACHE)) ||
	    sc->era == 'F')
		return false;
	end = scan_run_end(sc, r);
	for (i = r->offset; i < end; i++) {
		uint16_t w = sc->s->slots[i];

		if (w & (SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD))
			continue;
		if (w & SNAPSHOT_SLOT_COUNT)
			r->orphan_uncached++;
		else
			r->orphan_free++;
	}
	return r->orphan_free || r->orphan_uncached;
}

int scan_orphan_cache_emit(struct scan *sc, const struct scan_run *r)
{
	struct analysis_finding f;
	struct scan_text t;

	if ((!r->orphan_free && !r->orphan_uncached) ||
	    !scan_finding_want_run(sc, ANALYSIS_ORPHAN_CACHE, r, &f, &t))
		return 0;
	if (r->orphan_free) {
		scan_finding_put(&t, "free=");
		scan_finding_put_u32(&t, r->orphan_free);
	}
	if (r->orphan_uncached) {
		scan_finding_put(&t, r->orphan_free ? ",uncached=" : "uncached=");
		scan_finding_put_u32(&t, r->orphan_uncached);
	}
	return scan_finding_emit(sc, &f);
}
