/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen.h - the drawing layer's terminal: curses taken and given back,
 * colours by role, text put at a place. It knows no view and no session:
 * the views draw with it, the event loop takes the terminal with it.
 */
#ifndef SWAPVIEW_SCREEN_H
#define SWAPVIEW_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

/* The smallest terminal swapview draws in; below, a message. */
#define SCREEN_MIN_COLS		60
#define SCREEN_MIN_LINES	15

/*
 * screen_init - take the terminal, in colour when @color (no NO_COLOR) and
 * the terminal has them. Returns 0, or (nothing changed then) -ENOTTY when
 * standard input or output is not a terminal, -ENOENT when TERM is unset
 * or names no terminal terminfo knows, -ENOTSUP when that terminal cannot
 * move the cursor or clear the screen (TERM=dumb).
 */
int screen_init(bool color);

/* screen_end - give the terminal back as it was; safe to call twice. */
void screen_end(void);

/*
 * screen_poll_stderr - the last line written to stderr since the last
 * call, into @line (@len bytes). Returns false when there is none.
 */
bool screen_poll_stderr(char *line, size_t len);

/* screen_too_small - the terminal is below SCREEN_MIN_COLS x _LINES. */
bool screen_too_small(void);

/* screen_draw_small - the message shown instead of a view when too small. */
void screen_draw_small(void);

/* screen_has_color - colours are in use (screen_init() found them). */
bool screen_has_color(void);

/* The attribute of each role: an order's colour, a highlight (1 + check). */
int screen_attr_order(unsigned int order);
int screen_attr_highlight(unsigned int highlight);
int screen_attr_dim(void);

/*
 * The layers drawn over a state: an info finding (underlined, the glyph
 * and the order's colour kept), a cluster that changed list or order in
 * the last read (@attr with black on green, or in reverse video without
 * colours), one whose count or slots changed (@attr in bold), and a slot
 * that changed (black on green, or underlined and bold).
 */
int screen_attr_info(void);
int screen_attr_moved(int attr);
int screen_attr_touched(int attr);
int screen_attr_changed(void);
int screen_attr_bar(void);

/*
 * screen_put - @text at (@y, @x) in @attr, cut to @width columns (every
 * character of swapview's tables is one column wide).
 */
void screen_put(int y, int x, int width, int attr, const char *text);

/*
 * screen_put_cut - as screen_put(), but text that does not fit ends in
 * @ellipsis (glyph_ellipsis()) in the last columns, so a cut line says so.
 */
void screen_put_cut(int y, int x, int width, int attr, const char *text,
		    const char *ellipsis);

/* screen_glyph - one glyph at (@y, @x) in @attr, uncut (cells, marks). */
void screen_glyph(int y, int x, int attr, const char *glyph);

/* screen_fill - line @y blank in @attr (bars). */
void screen_fill(int y, int attr);

#endif /* SWAPVIEW_SCREEN_H */
