// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-count-mismatch.c - the count-mismatch check: ci->count against the
 * cluster's non-free slots, modelled on setup_clusters() (which counts
 * header, bad and tail slots into ci->count).
 */
#include "scan-parts.h"

bool scan_count_mismatch_found(const struct scan *sc)
{
	const struct analysis_cluster *ac = sc->ac;

	if (sc->c->count == ac->nonfree)
		return false;
	/*
	 * Up to 6.14 swap_cluster_schedule_discard() set every swap_map byte
	 * of a cluster queued for discard to SWAP_MAP_BAD while ci->count
	 * stayed 0 (flags 0 in 6.12/6.13, CLUSTER_FLAG_DISCARD in 6.14).
	 */
	if (sc->era <= 'D' && !sc->c->count && ac->bad == sc->size &&
	    (sc->c->flags == SNAPSHOT_CLUSTER_DISCARD ||
	     sc->c->flags == SNAPSHOT_CLUSTER_NONE))
		return false;
	return true;
}

int scan_count_mismatch_emit(struct scan *sc)
{
	struct analysis_finding f;
	struct scan_text t;

	if (!scan_finding_want(sc, ANALYSIS_COUNT_MISMATCH, &f, &t))
		return 0;
	f.offset = sc->first;
	f.nr = sc->size;
	scan_finding_put(&t, "count=");
	scan_finding_put_u32(&t, sc->c->count);
	scan_finding_put(&t, ",slots=");
	scan_finding_put_u32(&t, sc->ac->nonfree);
	return scan_finding_emit(sc, &f);
}
