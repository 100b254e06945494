// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keys.c - what a key does: the keys that work in every view first, then
 * the view's own (movement, Enter). The terminal's size changes are not
 * keys: screen_resize() takes KEY_RESIZE before it gets here.
 */
#include <curses.h>

#include "swapview.h"

#define KEYS_CTRL(c)	((c) & 0x1f)

/* keys_is_back - Esc and the several codes of Backspace. */
bool keys_is_back(int ch)
{
	return ch == 27 || ch == KEY_BACKSPACE || ch == 127 || ch == 8;
}

/* Esc/Backspace: the view before; on the map, all orders again. */
static void keys_back(struct swapview *sv)
{
	if (sv->depth > 1) {
		swapview_pop(sv);
		return;
	}
	if (sv->order_filter >= 0) {
		sv->order_filter = -1;
		swapview_message(sv, "all orders shown");
	}
}

/* Open @v on top, or stay if it is already shown. */
static void keys_open(struct swapview *sv, enum swapview_view v)
{
	if (swapview_current(sv) == v)
		return;
	if (v == SWAPVIEW_ORDERS)
		sv->orders_cur = sv->order_filter + 1;
	if (v == SWAPVIEW_FINDINGS && sv->finding >= 0)
		sv->findings_cur = (uint64_t)sv->finding;
	swapview_push(sv, v);
}

static void keys_view(struct swapview *sv, int ch)
{
	switch (swapview_current(sv)) {
	case SWAPVIEW_MAP:
		map_key(sv, ch);
		break;
	case SWAPVIEW_CLUSTER:
		clusterview_key(sv, ch);
		break;
	case SWAPVIEW_FINDINGS:
		findingsview_key(sv, ch);
		break;
	case SWAPVIEW_ORDERS:
		orderview_key(sv, ch);
		break;
	case SWAPVIEW_HELP:
		help_key(sv, ch);
		break;
	case SWAPVIEW_INFO:
		infoview_key(sv, ch);
		break;
	default:
		break;
	}
}

/* keys_handle - one key; the message of the key before is cleared. */
void keys_handle(struct swapview *sv, int ch)
{
	if (sv->prompt.kind) {
		prompt_key(sv, ch);
		return;
	}
	sv->msg[0] = '\0';
	if (screen_too_small() && ch != 'q')
		return;
	if (keys_is_back(ch)) {
		keys_back(sv);
		return;
	}
	switch (ch) {
	case 'q':
		sv->quit = true;
		break;
	case '?': case KEY_F(1):
		keys_open(sv, SWAPVIEW_HELP);
		break;
	case 'f':
		keys_open(sv, SWAPVIEW_FINDINGS);
		break;
	case 'o':
		keys_open(sv, SWAPVIEW_ORDERS);
		break;
	case 'i':
		keys_open(sv, SWAPVIEW_INFO);
		break;
	case 'n':
		findnav_step(sv, 1);
		break;
	case 'N':
		findnav_step(sv, -1);
		break;
	case 't':
		swapview_series(sv, 1);
		break;
	case 'T':
		swapview_series(sv, -1);
		break;
	case '/': case 'c':
		prompt_start(sv, ch);
		break;
	case KEYS_CTRL('l'):
		clearok(curscr, TRUE);
		break;
	default:
		keys_view(sv, ch);
		break;
	}
}
