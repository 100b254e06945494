// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nav.c - where the user is, and every move: the stack of views, the
 * cursors of the map and the cluster view, the message line, and n/N
 * through the findings (findnav.c numbers them).
 *
 * A move changes struct nav only; the view that shows the cursor reads it
 * at its next draw, so a move made from one view for another (Enter on a
 * finding, '/', 'c', n/N) calls no view.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nav.h"

enum view_id nav_current(const struct session *sv)
{
	return sv->nav.depth ? sv->nav.stack[sv->nav.depth - 1] : VIEW_MAP;
}

void nav_push(struct session *sv, enum view_id v)
{
	struct nav *n = &sv->nav;

	if (n->depth == NAV_STACK_MAX) {
		memmove(n->stack + 1, n->stack + 2,
			(NAV_STACK_MAX - 2) * sizeof(n->stack[0]));
		n->depth--;
	}
	n->stack[n->depth++] = v;
}

void nav_pop(struct session *sv)
{
	if (sv->nav.depth <= 1)
		return;
	if (nav_current(sv) == VIEW_CLUSTER)
		sv->nav.cluster = sv->nav.slot >> sv->snap->dev.cluster_shift;
	sv->nav.depth--;
}

void nav_pop_to_map(struct session *sv)
{
	while (sv->nav.depth > 1)
		nav_pop(sv);
}

void nav_message(struct session *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sv->nav.msg, sizeof(sv->nav.msg), fmt, ap);
	va_end(ap);
}

void nav_goto_slot(struct session *sv, uint32_t slot)
{
	if (slot >= sv->snap->dev.max)
		slot = sv->snap->dev.max - 1;
	sv->nav.slot = slot;
	sv->nav.cluster = slot >> sv->snap->dev.cluster_shift;
}

void nav_goto_cluster(struct session *sv, uint32_t ci)
{
	if (ci < sv->snap->dev.nr_clusters)
		sv->nav.cluster = ci;
}

void nav_loaded(struct session *sv)
{
	const struct snapshot *s = sv->snap;
	struct nav *n = &sv->nav;
	size_t i;

	if (n->cluster >= s->dev.nr_clusters)
		n->cluster = s->dev.nr_clusters - 1;
	if (n->slot >= s->dev.max)
		n->slot = s->dev.max - 1;
	if (n->order_filter >= (int)s->dev.nr_orders)
		n->order_filter = -1;
	n->finding = -1;
	n->findings_cur = n->findings_top = 0;
	for (i = 0; i < sv->nr_ids; i++)
		if (sv->ids[i] == s->prov.id)
			n->series = i;
}

void nav_refind(struct session *sv, const struct analysis_finding *was)
{
	const struct analysis_finding *list;
	size_t nr, i;

	sv->nav.finding = -1;
	if (!was || findnav_cluster(&sv->findings, sv->an, was->cluster, &list, &nr))
		return;
	for (i = 0; i < nr; i++)
		if (list[i].check == was->check && list[i].offset == was->offset &&
		    list[i].nr == was->nr) {
			sv->nav.finding = (int64_t)(findnav_first(&sv->findings,
								  was->cluster) + i);
			return;
		}
}

/*
 * The filters in the order 's' steps through them: from the default
 * (errors and warnings, as `swapfs check`), info is one key away.
 */
void nav_severity_next(struct session *sv)
{
	static const char *const said[] = {
		[ANALYSIS_INFO] = "all findings shown, info too (s: errors only)",
		[ANALYSIS_WARNING] = "errors and warnings shown (s: info too)",
		[ANALYSIS_ERROR] = "errors only shown (s: errors and warnings)",
	};
	unsigned int *sev = &sv->nav.severity;

	*sev = *sev == ANALYSIS_WARNING ? ANALYSIS_INFO :
	       *sev == ANALYSIS_INFO ? ANALYSIS_ERROR : ANALYSIS_WARNING;
	nav_message(sv, "%s", said[*sev]);
}

void nav_resized(struct session *sv)
{
	sv->nav.cluster_top = 0;
}

/*
 * Where n/N start from: the finding they went to last when the cursor is
 * still on it (true, its number in *@g), else the cursor's position.
 */
static bool nav_at_finding(struct session *sv, enum view_id v, uint64_t *g)
{
	const struct analysis_finding *f;

	if (v == VIEW_FINDINGS) {
		*g = sv->nav.findings_cur;
		return true;
	}
	if (sv->nav.finding < 0)
		return false;
	f = findnav_get(&sv->findings, sv->an, (uint64_t)sv->nav.finding);
	if (!f)
		return false;
	*g = (uint64_t)sv->nav.finding;
	if (v == VIEW_CLUSTER)
		return f->offset == sv->nav.slot;
	return f->cluster == sv->nav.cluster;
}

/* Finding @g under the cursor of view @v, and in words on the message line. */
static void nav_show_finding(struct session *sv, enum view_id v, uint64_t g)
{
	const struct analysis_finding *f = findnav_get(&sv->findings, sv->an, g);
	char line[160];

	if (!f)
		return;
	sv->nav.finding = (int64_t)g;
	analysis_finding_format(f, line, sizeof(line));
	if (v == VIEW_FINDINGS)
		sv->nav.findings_cur = g;
	else if (v == VIEW_CLUSTER)
		nav_goto_slot(sv, f->offset);
	else
		nav_goto_cluster(sv, f->cluster);
	nav_message(sv, "finding %llu/%llu: %s", (unsigned long long)g + 1,
		    (unsigned long long)sv->findings.total, line);
}

void nav_step_finding(struct session *sv, int dir)
{
	enum view_id v = nav_current(sv);
	uint64_t total = sv->findings.total, g, from;

	if (!total) {
		nav_message(sv, "no findings");
		return;
	}
	while (v == VIEW_ORDERS || v == VIEW_HELP || v == VIEW_INFO) {
		nav_pop(sv);
		v = nav_current(sv);
	}
	if (nav_at_finding(sv, v, &g)) {
		from = g;
	} else {
		uint32_t slot = v == VIEW_CLUSTER ? sv->nav.slot :
				snapshot_cluster_first(sv->snap, sv->nav.cluster);

		from = findnav_from_slot(&sv->findings, sv->an, slot);
		if (dir > 0 && from < total) {
			nav_show_finding(sv, v, from);
			return;
		}
	}
	if (dir > 0 ? from + 1 >= total : from == 0) {
		nav_message(sv, "no %s finding (%llu in all)",
			    dir > 0 ? "next" : "previous", (unsigned long long)total);
		return;
	}
	nav_show_finding(sv, v, dir > 0 ? from + 1 : from - 1);
}
