// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * views.c - the table of views: each view's struct of handlers (view.h)
 * by enum view_id, and the dispatch to the one on top (htop's
 * ScreenManager). A new view is a view-*.c file exporting a struct view
 * (declared in view.h), an enum view_id (session.h), a line in the table
 * here, and the key that opens it (keys.c).
 */
#include <curses.h>

#include "nav.h"
#include "screen.h"
#include "statusline.h"
#include "view.h"
#include "views.h"

static const struct view *const views_table[VIEW_NR] = {
	[VIEW_MAP] = &view_map,
	[VIEW_CLUSTER] = &view_cluster,
	[VIEW_FINDINGS] = &view_findings,
	[VIEW_ORDERS] = &view_orders,
	[VIEW_HELP] = &view_help,
	[VIEW_INFO] = &view_info,
};

void views_draw(struct session *sv)
{
	const struct view *v = views_table[nav_current(sv)];
	char title[256];

	erase();
	if (screen_too_small()) {
		screen_draw_small();
		refresh();
		return;
	}
	v->title(sv, title, sizeof(title));
	statusline_title(v->name, title);
	v->draw(sv);
	statusline_draw(sv);
	refresh();
}

void views_key(struct session *sv, int ch)
{
	views_table[nav_current(sv)]->key(sv, ch);
}

void views_open(struct session *sv, enum view_id id)
{
	/* the map opens once, on an empty stack: a session starts there */
	if (sv->nav.depth && nav_current(sv) == id)
		return;
	if (views_table[id]->open)
		views_table[id]->open(sv);
	nav_push(sv, id);
}

int views_layout(struct session *sv)
{
	int i, rc;

	for (i = 0; i < VIEW_NR; i++) {
		if (!views_table[i]->layout)
			continue;
		rc = views_table[i]->layout(sv);
		if (rc)
			return rc;
	}
	return 0;
}

int views_update(struct session *sv, const uint32_t *clusters, size_t nr)
{
	int i, rc;

	for (i = 0; i < VIEW_NR; i++) {
		if (!views_table[i]->update)
			continue;
		rc = views_table[i]->update(sv, clusters, nr);
		if (rc)
			return rc;
	}
	return 0;
}

void views_free(void)
{
	int i;

	for (i = 0; i < VIEW_NR; i++)
		if (views_table[i]->free)
			views_table[i]->free();
}
