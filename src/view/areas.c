// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * areas.c - several swap areas in swapview (areas.h). A snapshot file's
 * group is walked by snapshot id (area i of the group of snapshot n is
 * n - area + i); a bare live: is read one area at a time, its reader
 * opened again on the next area's swap type.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/live.h>

#include "areas.h"
#include "nav.h"
#include "refresh.h"
#include "series.h"
#include "statusline.h"
#include "views.h"

int areas_live(struct session *sv, char *err, size_t len)
{
	struct snapshot *v[AREAS_MAX];
	struct areas *ar = &sv->areas;
	const char *type;
	unsigned int nr, i;
	struct diag d;
	int rc;

	diag_clear(&d);
	rc = live_load_areas(v, AREAS_MAX, &nr, &d);
	if (rc) {
		snprintf(err, len, "%s", d.msg[0] ? d.msg : strerror(-rc));
		return rc;
	}
	for (i = 0; i < nr; i++) {
		type = snapshot_info_get(v[i], "type");
		ar->types[i] = type ? (unsigned int)strtoul(type, NULL, 10) : 0;
		snapshot_free(v[i]);
	}
	ar->nr = nr > 1 ? nr : 0;
	ar->cur = 0;
	snprintf(ar->spec, sizeof(ar->spec), "%u", ar->types[0]);
	return 0;
}

/* A live: area: its reader opened again on the next area. */
static int areas_live_step(struct session *sv, unsigned int to, char *err, size_t len)
{
	struct areas *ar = &sv->areas;
	double interval = sv->refresh.interval;
	unsigned int was = ar->cur;
	int rc;

	refresh_close(sv);
	ar->cur = to;
	snprintf(ar->spec, sizeof(ar->spec), "%u", ar->types[to]);
	rc = refresh_open(sv, interval, err, len);
	if (rc) {	/* the area shown stays; its reader again */
		ar->cur = was;
		snprintf(ar->spec, sizeof(ar->spec), "%u", ar->types[was]);
		refresh_open(sv, interval, err + strlen(err), 0);
	}
	return rc;
}

void areas_step(struct session *sv, int dir)
{
	const struct snapshot_device *dev = &sv->snap->dev;
	unsigned int nr = sv->areas.nr ? sv->areas.nr : dev->has_area ? dev->areas : 1;
	unsigned int cur = sv->areas.nr ? sv->areas.cur : dev->area, to;
	char err[DIAG_MAX + 64], where[160];
	int rc;

	if (nr < 2) {
		nav_message(sv, "%s has one swap area", sv->src);
		return;
	}
	to = (cur + nr + (unsigned int)(dir > 0 ? 1 : nr - 1)) % nr;
	nav_message(sv, "loading area %u...", to);
	views_draw(sv);
	if (sv->areas.nr)
		rc = areas_live_step(sv, to, err, sizeof(err));
	else
		rc = series_load(sv, sv->snap->prov.id - cur + to, err, sizeof(err));
	if (rc) {
		nav_message(sv, "%s", err);
		return;
	}
	statusline_area(sv, where, sizeof(where));
	nav_message(sv, "%s", where);
}
