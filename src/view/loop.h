/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loop.h - swapview's event loop, on a terminal screen_init() has taken.
 */
#ifndef SWAPVIEW_LOOP_H
#define SWAPVIEW_LOOP_H

#include "session.h"

/*
 * loop_signals - SIGINT, SIGTERM and SIGHUP end loop_run() instead of the
 * process, so that the terminal is put back first.
 */
void loop_signals(void);

/*
 * loop_run - lay the views out for the terminal, open the map, then draw
 * and take keys until q or a signal. Returns the signal that ended it, 0
 * for q.
 */
int loop_run(struct session *sv);

#endif /* SWAPVIEW_LOOP_H */
