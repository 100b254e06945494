// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * findingsview.c - the findings pane: every finding of the device, one a
 * line, as `swapfs check` prints them and in its order. Only the lines on
 * the screen are made (findnav.c), so a device with millions of findings
 * opens as fast as one with three. Enter opens the cluster view on the
 * finding under the cursor.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>

#include "swapview.h"

/* Lines of findings: the body less its heading line. */
static int findingsview_height(void)
{
	int h = LINES - 5;

	return h > 1 ? h : 1;
}

static void findingsview_scroll(struct swapview *sv, int height)
{
	if (sv->findings_cur < sv->findings_top)
		sv->findings_top = sv->findings_cur;
	if (sv->findings_cur >= sv->findings_top + (uint64_t)height)
		sv->findings_top = sv->findings_cur - (uint64_t)height + 1;
}

void findingsview_draw(struct swapview *sv)
{
	const struct analysis_totals *t = &sv->an->totals;
	int height = findingsview_height(), y;
	char text[256], line[192];
	uint64_t g;
	size_t n;

	snprintf(text, sizeof(text), "%" PRIu64 " (%" PRIu64 " errors, %" PRIu64
		 " warnings, %" PRIu64 " info)", sv->nav.total,
		 t->by_severity[ANALYSIS_ERROR], t->by_severity[ANALYSIS_WARNING],
		 t->by_severity[ANALYSIS_INFO]);
	statusline_title(sv, "findings", text);
	if (!sv->nav.total) {
		screen_put(2, 2, COLS - 2, A_NORMAL, "no findings: every check passes");
		return;
	}
	if (sv->findings_cur >= sv->nav.total)
		sv->findings_cur = sv->nav.total - 1;
	findingsview_scroll(sv, height);
	screen_put(1, 0, COLS, A_BOLD, "        #   SEVERITY  FINDING");
	for (y = 0, g = sv->findings_top; y < height && g < sv->nav.total; y++, g++) {
		const struct analysis_finding *f = findnav_get(&sv->nav, sv->an, g);
		int attr = g == sv->findings_cur ? A_REVERSE : A_NORMAL;

		if (!f)
			break;
		analysis_finding_format(f, line, sizeof(line));
		n = 0;
		text_append(text, sizeof(text), &n, "%9" PRIu64 "   %-8s  %s", g + 1,
			    analysis_severity_name(analysis_check_severity(f->check)),
			    line);
		screen_fill(2 + y, attr);
		screen_put(2 + y, 0, COLS, attr, text);
		attrset(screen_attr_highlight(sv, f->check + 1) | attr);
		mvaddstr(2 + y, 10, glyph_highlight(f->check + 1));
		attrset(A_NORMAL);
	}
}

static void findingsview_move(struct swapview *sv, int64_t delta)
{
	int64_t cur = (int64_t)sv->findings_cur + delta;

	if (!sv->nav.total)
		return;
	if (cur < 0)
		cur = 0;
	if (cur >= (int64_t)sv->nav.total)
		cur = (int64_t)sv->nav.total - 1;
	sv->findings_cur = (uint64_t)cur;
}

static void findingsview_open(struct swapview *sv)
{
	const struct analysis_finding *f =
		findnav_get(&sv->nav, sv->an, sv->findings_cur);
	char line[192];

	if (!f)
		return;
	sv->finding = (int64_t)sv->findings_cur;
	clusterview_goto_slot(sv, f->offset);
	swapview_push(sv, SWAPVIEW_CLUSTER);
	analysis_finding_format(f, line, sizeof(line));
	swapview_message(sv, "finding %" PRIu64 "/%" PRIu64 ": %s",
			 sv->findings_cur + 1, sv->nav.total, line);
}

void findingsview_key(struct swapview *sv, int ch)
{
	int page = findingsview_height();

	switch (ch) {
	case KEY_UP: case 'k':
		findingsview_move(sv, -1);
		break;
	case KEY_DOWN: case 'j':
		findingsview_move(sv, 1);
		break;
	case KEY_PPAGE:
		findingsview_move(sv, -page);
		break;
	case KEY_NPAGE:
		findingsview_move(sv, page);
		break;
	case 'g': case KEY_HOME:
		findingsview_move(sv, INT64_MIN / 2);
		break;
	case 'G': case KEY_END:
		findingsview_move(sv, INT64_MAX / 2);
		break;
	case '\n': case '\r': case KEY_ENTER:
		findingsview_open(sv);
		break;
	default:
		break;
	}
}
