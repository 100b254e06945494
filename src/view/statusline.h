/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statusline.h - the lines every view shares, drawn around the view on top
 * (views.c): the title bar, the two status lines and the message line.
 */
#ifndef SWAPVIEW_STATUSLINE_H
#define SWAPVIEW_STATUSLINE_H

#include <stddef.h>

#include "session.h"

/*
 * statusline_title - line 0: " VIEW - TEXT", and "? help  swapview" on the
 * right when there is room for it.
 */
void statusline_title(const char *view, const char *text);

/*
 * statusline_area - "area I/N PATH prio P" of the area shown, when the
 * source has several (I from 0, as the info key area and swapfs stat
 * --area; a bare live:'s from sv->areas, a snapshot file's from the
 * loaded snapshot's keys) into @buf; "" for one area.
 */
void statusline_area(const struct session *sv, char *buf, size_t len);

/* statusline_draw - the last three lines. */
void statusline_draw(struct session *sv);

#endif /* SWAPVIEW_STATUSLINE_H */
