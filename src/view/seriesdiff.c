// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seriesdiff.c - 'd' (seriesdiff.h): the snapshot before the one shown is
 * loaded, compared with it (compare.c, as a live refresh compares two
 * reads) and freed; the change layer then holds what changed, and the
 * map and the cluster view draw it as they draw a refresh's marks. While
 * 'd' is on, t and T compare again after each load. O(device) a
 * comparison, once per key; a redraw pays nothing more.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <swapfs/diag.h>
#include <swapfs/source.h>

#include "compare.h"
#include "nav.h"
#include "seriesdiff.h"
#include "views.h"

/* Mark what changed since snapshot ids[series - 1]; 0 or -errno (said). */
static int seriesdiff_mark(struct session *sv)
{
	const struct changes *ch = &sv->changes;
	struct snapshot *before = NULL;
	int64_t id = sv->ids[sv->nav.series - 1];
	struct diag d;
	int rc;

	diag_clear(&d);
	rc = source_load(sv->src, id, &before, &d);
	if (rc) {
		nav_message(sv, "d: %s", d.msg[0] ? d.msg : strerror(-rc));
		return rc;
	}
	rc = compare_models(before, sv->snap, &sv->changes);
	snapshot_free(before);
	if (!rc)
		rc = views_layout(sv);
	if (rc) {
		changes_reset(&sv->changes, &sv->snap->dev);
		nav_message(sv, "d: snapshot %" PRId64 " %s", id, rc == -EINVAL ?
			    "is of another device: nothing to compare" : strerror(-rc));
		return rc;
	}
	nav_message(sv, "changed since snapshot %" PRId64 ": %zu cluster%s "
		    "(%" PRIu64 " moved list or order), %" PRIu64 " slot%s (d: off)",
		    id, ch->nr, ch->nr == 1 ? "" : "s", ch->moved, ch->slots,
		    ch->slots == 1 ? "" : "s");
	return 0;
}

void seriesdiff_toggle(struct session *sv)
{
	if (sv->refresh.live) {
		nav_message(sv, "d compares the snapshots of a series; live: marks "
			    "each read's changes already");
		return;
	}
	if (sv->nav.diff) {
		sv->nav.diff = false;
		changes_reset(&sv->changes, &sv->snap->dev);
		if (views_layout(sv))
			nav_message(sv, "out of memory laying the map out");
		else
			nav_message(sv, "change marks off (d: on)");
		return;
	}
	if (sv->nr_ids < 2) {
		nav_message(sv, "%s is not a time series: nothing to compare", sv->src);
		return;
	}
	if (sv->nav.series == 0) {
		nav_message(sv, "the first snapshot of the series: none before it");
		return;
	}
	sv->nav.diff = !seriesdiff_mark(sv);
}

void seriesdiff_after_step(struct session *sv)
{
	if (!sv->nav.diff)
		return;
	if (sv->nav.series == 0) {
		nav_message(sv, "the first snapshot of the series: no change marks");
		return;
	}
	seriesdiff_mark(sv);
}
