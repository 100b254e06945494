// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-misaligned.c - the misaligned check: a known run whose first slot
 * is not a multiple of its size, or that crosses a cluster boundary.
 *
 * Folios are aligned by construction in the kernel
 * (folio_matches_swap_entry() warns otherwise) and
 * alloc_swap_scan_cluster() only hands out naturally aligned ranges
 * inside one cluster, so a misaligned or crossing run means a broken
 * exporter or kernel.
 */
#include "scan-parts.h"

inline bool scan_misaligned_judge(const struct scan *sc, struct scan_run *r)
{
	uint32_t size = 1u << r->order;
	uint32_t by = r->offset & (size - 1);
	bool crosses = (uint64_t)(r->offset - sc->first) + size > sc->size;

	r->misaligned_by = by;
	r->crosses = crosses;
	return (sc->mask & SCAN_CHECK(ANALYSIS_MISALIGNED)) && (by || crosses);
}

int scan_misaligned_emit(struct scan *sc, const struct scan_run *r)
{
	struct analysis_finding f;
	struct scan_text t;

	if (!(sc->mask & SCAN_CHECK(ANALYSIS_MISALIGNED)) ||
	    (!r->misaligned_by && !r->crosses) ||
	    !scan_finding_want_run(sc, ANALYSIS_MISALIGNED, r, &f, &t))
		return 0;
	scan_finding_put(&t, r->src == SCAN_SRC_ORDERS ? "orders" :
			 r->src == SCAN_SRC_CACHE ? "cache" : "orders+cache");
	if (r->misaligned_by) {
		scan_finding_put(&t, ",misaligned-by-");
		scan_finding_put_u32(&t, r->misaligned_by);
	}
	if (r->crosses)
		scan_finding_put(&t, ",crosses-cluster");
	return scan_finding_emit(sc, &f);
}
