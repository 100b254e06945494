// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keys.c - what a key does: the keys that work in every view first, then
 * the view's own (movement, Enter) through the table of views. The
 * terminal's size changes are not keys: the event loop (loop.c) takes
 * KEY_RESIZE before it gets here.
 */
#include <curses.h>

#include "areas.h"
#include "keymap.h"
#include "keys.h"
#include "nav.h"
#include "prompt.h"
#include "refresh.h"
#include "screen.h"
#include "series.h"
#include "seriesdiff.h"
#include "views.h"

#define KEYS_CTRL(c)	((c) & 0x1f)

/* Esc/Backspace: the view before; on the map, all orders again. */
static void keys_back(struct session *sv)
{
	if (sv->nav.depth > 1) {
		nav_pop(sv);
		return;
	}
	if (sv->nav.order_filter >= 0) {
		sv->nav.order_filter = -1;
		nav_message(sv, "all orders shown");
	}
}

/* s: the next severity filter; n/N go on from the same finding. */
static void keys_severity(struct session *sv)
{
	const struct analysis_finding *f = NULL;
	struct analysis_finding was;

	if (sv->nav.finding >= 0)
		f = findnav_get(&sv->findings, sv->an, (uint64_t)sv->nav.finding);
	if (f)
		was = *f;
	nav_severity_next(sv);
	if (series_filter(sv))
		nav_message(sv, "out of memory numbering the findings");
	nav_refind(sv, f ? &was : NULL);
	sv->nav.findings_cur = 0;
	sv->nav.findings_top = 0;
}

/* t/T: another snapshot of the series; with 'd' on, its change marks. */
static void keys_step(struct session *sv, int dir)
{
	size_t was = sv->nav.series;

	series_step(sv, dir);
	if (sv->nav.series != was)
		seriesdiff_after_step(sv);
}

void keys_handle(struct session *sv, int ch)
{
	if (sv->nav.prompt.kind) {
		prompt_key(sv, ch);
		return;
	}
	sv->nav.msg[0] = '\0';
	if (screen_too_small() && ch != 'q')
		return;
	if (keymap_is_back(ch)) {
		keys_back(sv);
		return;
	}
	switch (ch) {
	case 'q':
		sv->quit = true;
		break;
	case '?': case KEY_F(1):
		views_open(sv, VIEW_HELP);
		break;
	case 'f':
		views_open(sv, VIEW_FINDINGS);
		break;
	case 'o':
		views_open(sv, VIEW_ORDERS);
		break;
	case 'i':
		views_open(sv, VIEW_INFO);
		break;
	case 'n':
		nav_step_finding(sv, 1);
		break;
	case 'N':
		nav_step_finding(sv, -1);
		break;
	case 's':
		keys_severity(sv);
		break;
	case 'p': case 'Z':
		refresh_pause(sv);
		break;
	case 'd':
		seriesdiff_toggle(sv);
		break;
	case 't':
		keys_step(sv, 1);
		break;
	case 'T':
		keys_step(sv, -1);
		break;
	case 'a':
		areas_step(sv, 1);
		break;
	case 'A':
		areas_step(sv, -1);
		break;
	case '/': case 'c':
		prompt_start(sv, ch);
		break;
	case KEYS_CTRL('l'):
		clearok(curscr, TRUE);
		break;
	default:
		views_key(sv, ch);
		break;
	}
}
