/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * refresh.h - a live: source read again every interval (-d SECONDS, as in
 * top), with what changed since the read before in the change layer.
 */
#ifndef SWAPVIEW_REFRESH_H
#define SWAPVIEW_REFRESH_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

/* The default interval of a live: source, and the bounds of -d. */
#define REFRESH_DEFAULT		1.0
#define REFRESH_MIN		0.1
#define REFRESH_MAX		86400.0

/*
 * refresh_open - open the reader of sv->src (live:AREA) once, read the area
 * and show it; then read again every @interval seconds. Returns 0, or
 * -errno with the reason in @err (@len bytes): the reader's message,
 * which names the cause and the way out.
 */
int refresh_open(struct session *sv, double interval, char *err, size_t len);

/* refresh_close - unload the reader; safe when none was opened. */
void refresh_close(struct session *sv);

/*
 * refresh_wait - how long the event loop may wait for a key, in ms: at most
 * @most, less when a read is due sooner.
 */
int refresh_wait(const struct session *sv, int most);

/* refresh_due - a read is due (a live source, not paused, its time come). */
bool refresh_due(const struct session *sv);

/*
 * refresh_now - read the area again, mark what changed, and bring the
 * analysis and what is derived from it up to date for the clusters that
 * changed. A read that fails leaves the state shown and says why on the
 * message line; the next is tried an interval later.
 */
void refresh_now(struct session *sv);

/* refresh_pause - 'p': stop reading, or start again (at once). */
void refresh_pause(struct session *sv);

#endif /* SWAPVIEW_REFRESH_H */
