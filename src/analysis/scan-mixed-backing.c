// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-mixed-backing.c - the mixed-backing check: a known run of order > 0
 * whose allocated slots (count > 0 or cached) disagree on zswap.
 *
 * zswap_store() takes a large folio whole or not at all, so one run's
 * allocated slots agree on zswap unless the folio was split or written
 * back page by page.
 */
#include "scan-parts.h"

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
