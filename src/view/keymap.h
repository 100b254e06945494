/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keymap.h - what a key means to a view that moves a cursor or scrolls:
 * the same keys move in every view (arrows and hjkl, PgUp/PgDn, g G Home
 * End, Enter), so they are named once here, and a view says what each
 * motion does in it.
 */
#ifndef SWAPVIEW_KEYMAP_H
#define SWAPVIEW_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

enum keymap_motion {
	KEYMAP_NONE,		/* not a motion */
	KEYMAP_LEFT,		/* Left, h */
	KEYMAP_RIGHT,		/* Right, l */
	KEYMAP_UP,		/* Up, k */
	KEYMAP_DOWN,		/* Down, j */
	KEYMAP_PAGE_UP,		/* PgUp */
	KEYMAP_PAGE_DOWN,	/* PgDn */
	KEYMAP_FIRST,		/* g, Home */
	KEYMAP_LAST,		/* G, End */
	KEYMAP_OPEN,		/* Enter */
};

/* keymap_motion - the motion of key @ch, KEYMAP_NONE if none. */
enum keymap_motion keymap_motion(int ch);

/*
 * keymap_scroll - the motions of a list, as a number of lines into
 * *@delta: Up/Down one, PgUp/PgDn @page, Home/End so far that clamping at
 * the ends is the caller's (INT64_MIN / 2, INT64_MAX / 2). Returns false
 * for any other key.
 */
bool keymap_scroll(int ch, int page, int64_t *delta);

/* keymap_is_back - Esc and the several codes of Backspace. */
bool keymap_is_back(int ch);

#endif /* SWAPVIEW_KEYMAP_H */
