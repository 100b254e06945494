/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prompt.h - the input line of '/' (jump to a slot offset) and 'c' (jump
 * to a cluster index), on the message line.
 */
#ifndef SWAPVIEW_PROMPT_H
#define SWAPVIEW_PROMPT_H

#include "session.h"

/* prompt_start - start typing for @kind ('/' or 'c'); 0 ends the prompt. */
void prompt_start(struct session *sv, int kind);

/* prompt_key - a key while the prompt is open: it takes every key. */
void prompt_key(struct session *sv, int ch);

/* prompt_draw - the prompt and what is typed so far, on line @y. */
void prompt_draw(const struct session *sv, int y);

#endif /* SWAPVIEW_PROMPT_H */
