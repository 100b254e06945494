// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keymap.c - the keys that move, named once for every view (keymap.h).
 * The keys that work everywhere (q, ?, f, n, ...) are keys.c's: they are
 * taken before a view sees a key.
 */
#include <curses.h>

#include "keymap.h"

enum keymap_motion keymap_motion(int ch)
{
	switch (ch) {
	case KEY_LEFT: case 'h':
		return KEYMAP_LEFT;
	case KEY_RIGHT: case 'l':
		return KEYMAP_RIGHT;
	case KEY_UP: case 'k':
		return KEYMAP_UP;
	case KEY_DOWN: case 'j':
		return KEYMAP_DOWN;
	case KEY_PPAGE:
		return KEYMAP_PAGE_UP;
	case KEY_NPAGE:
		return KEYMAP_PAGE_DOWN;
	case 'g': case KEY_HOME:
		return KEYMAP_FIRST;
	case 'G': case KEY_END:
		return KEYMAP_LAST;
	case '\n': case '\r': case KEY_ENTER:
		return KEYMAP_OPEN;
	default:
		return KEYMAP_NONE;
	}
}

bool keymap_scroll(int ch, int page, int64_t *delta)
{
	switch (keymap_motion(ch)) {
	case KEYMAP_UP:
		*delta = -1;
		return true;
	case KEYMAP_DOWN:
		*delta = 1;
		return true;
	case KEYMAP_PAGE_UP:
		*delta = -(int64_t)page;
		return true;
	case KEYMAP_PAGE_DOWN:
		*delta = page;
		return true;
	case KEYMAP_FIRST:
		*delta = INT64_MIN / 2;
		return true;
	case KEYMAP_LAST:
		*delta = INT64_MAX / 2;
		return true;
	default:
		return false;
	}
}

bool keymap_is_back(int ch)
{
	return ch == 27 || ch == KEY_BACKSPACE || ch == 127 || ch == 8;
}
