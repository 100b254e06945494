/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view.h - what a view is: a struct of handlers (htop's Panel, tmux's
 * window_mode). Each view-*.c file holds what is particular to one view
 * and exports one of these; views.c keeps them in a table by enum view_id
 * and is the only caller of the handlers.
 *
 * A view reads the session (session.h) and draws with the drawing layer
 * (screen.h, glyph.h, text.h); it moves only through nav.h, never by
 * calling another view.
 */
#ifndef SWAPVIEW_VIEW_H
#define SWAPVIEW_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

struct view {
	/* the view's name, on the left of the title bar */
	const char *name;
	/* the rest of the title bar (what the cursor is on) into @buf */
	void (*title)(const struct session *sv, char *buf, size_t len);
	/* the lines between the title bar and the status lines */
	void (*draw)(struct session *sv);
	/* a key the global keys (keys.c) left to the view */
	void (*key)(struct session *sv, int ch);
	/* optional: set the view's cursor as it is opened by its key */
	void (*open)(struct session *sv);
	/*
	 * optional: derive what the view draws from the loaded snapshot and
	 * the terminal size; after every load and every resize. 0 or -ENOMEM.
	 */
	int (*layout)(struct session *sv);
	/*
	 * optional: after a live refresh, the @nr clusters in @clusters
	 * changed (their state, findings or change marks): bring what
	 * layout() derived up to date for them. 0 or -ENOMEM.
	 */
	int (*update)(struct session *sv, const uint32_t *clusters, size_t nr);
	/* optional: free what layout() made */
	void (*free)(void);
};

extern const struct view view_map;		/* view-map.c */
extern const struct view view_cluster;		/* view-cluster.c */
extern const struct view view_findings;		/* view-findings.c */
extern const struct view view_orders;		/* view-orders.c */
extern const struct view view_help;		/* view-help.c */
extern const struct view view_info;		/* view-info.c */

#endif /* SWAPVIEW_VIEW_H */
