/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seriesdiff.h - 'd': what changed since the previous snapshot of a time
 * series, in the change layer (changes.h), the marks a live refresh draws.
 */
#ifndef SWAPVIEW_SERIESDIFF_H
#define SWAPVIEW_SERIESDIFF_H

#include "session.h"

/*
 * seriesdiff_toggle - 'd': mark what changed between the snapshot before
 * the one shown and this one, or take the marks away again. Says what it
 * did on the message line (how many clusters changed, moved, slots).
 */
void seriesdiff_toggle(struct session *sv);

/*
 * seriesdiff_after_step - after t/T loaded another snapshot: while 'd' is
 * on, mark what changed since the one before it.
 */
void seriesdiff_after_step(struct session *sv);

#endif /* SWAPVIEW_SERIESDIFF_H */
