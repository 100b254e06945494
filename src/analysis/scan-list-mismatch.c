// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-list-mismatch.c - the list-mismatch check: a cluster's flags (the
 * list it is on) against its count and order, modelled on the list moves
 * of relocate_cluster() / partial_free_cluster() / free_cluster().
 */
#include "scan-parts.h"

/* The detail: the flag, then what contradicts it. */
static void scan_list_mismatch_detail(const struct snapshot_cluster *c,
				      bool count, bool order,
				      struct scan_text *t)
{
	scan_finding_put(t, snapshot_cluster_flag_name(c->flags));
	if (count) {
		scan_finding_put(t, ",count=");
		scan_finding_put_u32(t, c->count);
	}
	if (order) {
		scan_finding_put(t, ",order=");
		scan_finding_put_u32(t, c->order);
	}
}

bool scan_list_mismatch_found(const struct scan *sc, struct scan_text *t)
{
	const struct snapshot_cluster *c = sc->c;
	bool count = false, order = false;

	switch (c->flags) {
	case SNAPSHOT_CLUSTER_FREE:
		count = c->count > 0;
		order = c->order > 0;
		break;
	case SNAPSHOT_CLUSTER_FULL:
		count = c->count < sc->size;
		break;
	case SNAPSHOT_CLUSTER_NONFULL:
	case SNAPSHOT_CLUSTER_FRAG:
		count = !c->count || c->count == sc->size;
		break;
	case SNAPSHOT_CLUSTER_DISCARD:
		count = c->count > 0;
		break;
	case SNAPSHOT_CLUSTER_NONE:
		break;
	default:
		if (t) {
			scan_finding_put(t, "flags=");
			scan_finding_put_u32(t, c->flags);
		}
		return true;
	}
	/* An order no folio can have: SWAP_NR_ORDERS bounds ci->order. */
	if (c->order >= sc->s->dev.nr_orders || c->order > sc->shift)
		order = true;
	if (!count && !order)
		return false;
	if (t)
		scan_list_mismatch_detail(c, count, order, t);
	return true;
}

int scan_list_mismatch_emit(struct scan *sc)
{
	struct analysis_finding f;
	struct scan_text t;

	if (!scan_finding_want(sc, ANALYSIS_LIST_MISMATCH, &f, &t))
		return 0;
	f.offset = sc->first;
	f.nr = sc->size;
	scan_list_mismatch_found(sc, &t);
	return scan_finding_emit(sc, &f);
}
