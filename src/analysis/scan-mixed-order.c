// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-mixed-order.c - the mixed-order check: a known run of an order
 * other than its cluster's (not in eras A and B, which have no ci->order:
 * struct scan's mixed_order says whether the check applies).
 */
#include "scan-parts.h"

inline bool scan_mixed_order_judge(const struct scan *sc, struct scan_run *r)
{
	/* cluster_is_usable(): order > 0 only allocates in its own clusters */
	r->mixed_order = sc->mixed_order && r->order != sc->c->order;
	return r->mixed_order;
}

int scan_mixed_order_emit(struct scan *sc, const struct scan_run *r)
{
	struct analysis_finding f;
	struct scan_text t;

	if (!r->mixed_order ||
	    !scan_finding_want_run(sc, ANALYSIS_MIXED_ORDER, r, &f, &t))
		return 0;
	scan_finding_put(&t, "cluster-order=");
	scan_finding_put_u32(&t, sc->c->order);
	return scan_finding_emit(sc, &f);
}
