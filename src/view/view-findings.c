// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-findings.c - the findings pane: every finding of the device, one a
 * line, as `swapfs check` prints them and in its order. Only the lines on
 * the screen are made (findnav.c), so a device with millions of findings
 * opens as fast as one with three. Enter opens the cluster view on the
 * finding under the cursor.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>

#include "findnav.h"
#include "glyph.h"
#include "keymap.h"
#include "nav.h"
#include "screen.h"
#include "text.h"
#include "view.h"

/* Lines of findings: the body less its heading line. */
static int findingsview_height(void)
{
	int h = LINES - 5;

	return h > 1 ? h : 1;
}

static void findingsview_scroll(struct nav *n, int height)
{
	if (n->findings_cur < n->findings_top)
		n->findings_top = n->findings_cur;
	if (n->findings_cur >= n->findings_top + (uint64_t)height)
		n->findings_top = n->findings_cur - (uint64_t)height + 1;
}

static void findingsview_title(const struct session *sv, char *buf, size_t len)
{
	const struct analysis_totals *t = &sv->an->totals;

	snprintf(buf, len, "%" PRIu64 " (%" PRIu64 " errors, %" PRIu64
		 " warnings, %" PRIu64 " info)", sv->findings.total,
		 t->by_severity[ANALYSIS_ERROR], t->by_severity[ANALYSIS_WARNING],
		 t->by_severity[ANALYSIS_INFO]);
}

/* Finding @g on line @y, in @attr (the cursor's line reversed). */
static void findingsview_line(const struct analysis_finding *f, uint64_t g,
			      int y, int attr)
{
	char text[256], line[192];
	size_t n = 0;

	analysis_finding_format(f, line, sizeof(line));
	text_append(text, sizeof(text), &n, "%9" PRIu64 "   %-8s  %s", g + 1,
		    analysis_severity_name(analysis_check_severity(f->check)),
		    line);
	screen_fill(y, attr);
	screen_put(y, 0, COLS, attr, text);
	screen_glyph(y, 10, screen_attr_highlight(f->check + 1) | attr,
		     glyph_highlight(f->check + 1));
}

static void findingsview_draw(struct session *sv)
{
	struct nav *n = &sv->nav;
	uint64_t total = sv->findings.total, g;
	int height = findingsview_height(), y;

	if (!total) {
		screen_put(2, 2, COLS - 2, A_NORMAL, "no findings: every check passes");
		return;
	}
	if (n->findings_cur >= total)
		n->findings_cur = total - 1;
	findingsview_scroll(n, height);
	screen_put(1, 0, COLS, A_BOLD, "        #   SEVERITY  FINDING");
	for (y = 0, g = n->findings_top; y < height && g < total; y++, g++) {
		const struct analysis_finding *f = findnav_get(&sv->findings, sv->an, g);

		if (!f)
			break;
		findingsview_line(f, g, 2 + y,
				  g == n->findings_cur ? A_REVERSE : A_NORMAL);
	}
}

/* Opened by f: on the finding n/N went to last, if any. */
static void findingsview_open(struct session *sv)
{
	if (sv->nav.finding >= 0)
		sv->nav.findings_cur = (uint64_t)sv->nav.finding;
}

static void findingsview_move(struct session *sv, int64_t delta)
{
	int64_t cur = (int64_t)sv->nav.findings_cur + delta;

	if (!sv->findings.total)
		return;
	if (cur < 0)
		cur = 0;
	if (cur >= (int64_t)sv->findings.total)
		cur = (int64_t)sv->findings.total - 1;
	sv->nav.findings_cur = (uint64_t)cur;
}

/* Enter: the cluster view on the finding under the cursor. */
static void findingsview_enter(struct session *sv)
{
	uint64_t cur = sv->nav.findings_cur;
	const struct analysis_finding *f = findnav_get(&sv->findings, sv->an, cur);
	char line[192];

	if (!f)
		return;
	sv->nav.finding = (int64_t)cur;
	nav_goto_slot(sv, f->offset);
	nav_push(sv, VIEW_CLUSTER);
	analysis_finding_format(f, line, sizeof(line));
	nav_message(sv, "finding %" PRIu64 "/%" PRIu64 ": %s", cur + 1,
		    sv->findings.total, line);
}

static void findingsview_key(struct session *sv, int ch)
{
	int64_t delta;

	if (keymap_motion(ch) == KEYMAP_OPEN)
		findingsview_enter(sv);
	else if (keymap_scroll(ch, findingsview_height(), &delta))
		findingsview_move(sv, delta);
}

const struct view view_findings = {
	.name = "findings",
	.title = findingsview_title,
	.draw = findingsview_draw,
	.key = findingsview_key,
	.open = findingsview_open,
};
