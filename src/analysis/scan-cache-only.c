// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-cache-only.c - the cache-only check: slots with count 0 held only
 * by the swap cache, one finding per cluster at the first of them.
 */
#include "scan-parts.h"

void scan_cache_only_start(struct scan *sc)
{
	uint32_t wi;

	sc->co_off = SCAN_NONE;
	if (!(sc->mask & SCAN_CHECK(ANALYSIS_CACHE_ONLY)) || !sc->ac->cache_only)
		return;
	for (wi = 0; !sc->cacheonly[wi]; wi++)
		;
	sc->co_off = sc->first + wi * 64 +
		     (uint32_t)__builtin_ctzll(sc->cacheonly[wi]);
}

int scan_cache_only_emit(struct scan *sc)
{
	struct analysis_finding f;
	struct scan_text t;
	uint32_t o = sc->co_off;

	sc->co_off = SCAN_NONE;		/* one per cluster */
	if (!scan_finding_want(sc, ANALYSIS_CACHE_ONLY, &f, &t))
		return 0;
	f.offset = o;
	f.nr = sc->ac->cache_only;
	return scan_finding_emit(sc, &f);
}
