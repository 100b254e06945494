/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * areas.h - 'a' and 'A' in swapview: the next or previous of several
 * swap areas read at one moment (a snapshot file's group; every active
 * area of a bare live:); the status line says which is shown
 * (statusline_area()).
 */
#ifndef SWAPVIEW_AREAS_H
#define SWAPVIEW_AREAS_H

#include <stddef.h>

#include "session.h"

/*
 * areas_live - for a bare live: source: when several areas are active,
 * learn them in the kernel's order (live_load_areas()) and make area 0
 * the one refresh_open() reads. Returns 0 or -errno with @err.
 */
int areas_live(struct session *sv, char *err, size_t len);

/* areas_step - 'a' (@dir 1), 'A' (-1): the next or previous area. */
void areas_step(struct session *sv, int dir);

#endif /* SWAPVIEW_AREAS_H */
