/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * views.h - the table of views (view.h) and the only calls of their
 * handlers: the screen for the view on top, a key for it, opening one,
 * laying them out after a load or a resize.
 */
#ifndef SWAPVIEW_VIEWS_H
#define SWAPVIEW_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

/*
 * views_draw - the whole screen: the title bar, the view on top, the
 * status lines; or the message of a terminal too small.
 */
void views_draw(struct session *sv);

/* views_key - key @ch to the view on top. */
void views_key(struct session *sv, int ch);

/*
 * views_open - @id on top, its cursor set by its open handler; or stay
 * when it is already shown.
 */
void views_open(struct session *sv, enum view_id id);

/*
 * views_layout - every view's layout handler, after a load or a resize.
 * Returns 0, or the first error (-ENOMEM).
 */
int views_layout(struct session *sv);

/*
 * views_update - every view's update handler, after a live refresh that
 * changed the @nr clusters in @clusters. Returns 0, or the first error.
 */
int views_update(struct session *sv, const uint32_t *clusters, size_t nr);

/* views_free - what the layout handlers made. */
void views_free(void);

#endif /* SWAPVIEW_VIEWS_H */
