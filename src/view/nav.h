/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nav.h - the moves of struct nav (session.h): the stack of views, the
 * cursors, the message line. The views, the prompt and the global keys
 * move only through these; nav.c calls no view.
 */
#ifndef SWAPVIEW_NAV_H
#define SWAPVIEW_NAV_H

#include <stdint.h>

#include "session.h"

/* nav_current - the view on top of the stack (the map on an empty one). */
enum view_id nav_current(const struct session *sv);

/* nav_push - show @v on top; the oldest view under the map goes when full. */
void nav_push(struct session *sv, enum view_id v);

/*
 * nav_pop - back to the view before; the map never goes. Leaving the
 * cluster view puts the map's cursor on the cluster of its slot.
 */
void nav_pop(struct session *sv);

/* nav_pop_to_map - back to the map. */
void nav_pop_to_map(struct session *sv);

/* nav_message - what the key did, on the message line. */
void nav_message(struct session *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * nav_goto_slot - the cluster view's cursor on @slot (clamped to the
 * device), and the map's on its cluster.
 */
void nav_goto_slot(struct session *sv, uint32_t slot);

/* nav_goto_cluster - the map's cursor on cluster @ci itself, if it exists. */
void nav_goto_cluster(struct session *sv, uint32_t ci);

/*
 * nav_loaded - after a new snapshot is loaded: the cursors stay where they
 * were if the device has them, the findings pane starts at its top, and
 * the series index is the loaded snapshot's.
 */
void nav_loaded(struct session *sv);

/*
 * nav_refind - the findings were numbered again (a refresh, another
 * severity filter): n/N go on from finding @was (NULL: none) where it is
 * now, or from the cursor if it is gone. O(cluster).
 */
void nav_refind(struct session *sv, const struct analysis_finding *was);

/* nav_severity_next - 's': the next severity filter, said on the message line. */
void nav_severity_next(struct session *sv);

/* nav_resized - a new terminal size: the cluster grid scrolls afresh. */
void nav_resized(struct session *sv);

/*
 * nav_step_finding - n (@dir 1) and N (-1): the next or previous finding
 * from where the cursor is, in the map, the cluster view or the findings
 * pane (from the other views, in the view below them).
 */
void nav_step_finding(struct session *sv, int dir);

#endif /* SWAPVIEW_NAV_H */
