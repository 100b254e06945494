// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prompt.c - the input line of '/' (jump to a slot offset) and 'c' (jump
 * to a cluster index), on the message line. A number is decimal, or hex
 * with 0x; Enter goes, Esc cancels, Backspace erases.
 */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swapview.h"

void prompt_start(struct swapview *sv, int kind)
{
	memset(&sv->prompt, 0, sizeof(sv->prompt));
	sv->prompt.kind = kind;
}

static const char *prompt_label(int kind)
{
	return kind == '/' ? "slot offset: " : "cluster index: ";
}

void prompt_draw(const struct swapview *sv, int y)
{
	char line[64];

	snprintf(line, sizeof(line), "%s%s_", prompt_label(sv->prompt.kind),
		 sv->prompt.buf);
	screen_put(y, 0, COLS, A_BOLD, line);
}

/* The number typed: -1 when it is not one. */
static int64_t prompt_number(const char *buf)
{
	unsigned long long v;
	char *end;

	if (!*buf)
		return -1;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	return (int64_t)v;
}

static void prompt_go_slot(struct swapview *sv, int64_t v)
{
	if (v >= sv->snap->dev.max) {
		swapview_message(sv, "slot %" PRId64 " is past the last slot, %" PRIu32,
				 v, sv->snap->dev.max - 1);
		return;
	}
	clusterview_goto_slot(sv, (uint32_t)v);
	if (swapview_current(sv) != SWAPVIEW_CLUSTER)
		swapview_push(sv, SWAPVIEW_CLUSTER);
	swapview_message(sv, "slot %" PRId64 " in cluster %" PRIu32, v, sv->cluster);
}

static void prompt_go_cluster(struct swapview *sv, int64_t v)
{
	if (v >= sv->snap->dev.nr_clusters) {
		swapview_message(sv, "cluster %" PRId64 " is past the last cluster, %" PRIu32,
				 v, sv->snap->dev.nr_clusters - 1);
		return;
	}
	if (swapview_current(sv) == SWAPVIEW_CLUSTER) {
		clusterview_goto_slot(sv, snapshot_cluster_first(sv->snap, (uint32_t)v));
	} else {
		while (sv->depth > 1)
			swapview_pop(sv);
		map_goto_cluster(sv, (uint32_t)v);
	}
	swapview_message(sv, "cluster %" PRId64, v);
}

static void prompt_enter(struct swapview *sv)
{
	int kind = sv->prompt.kind;
	int64_t v = prompt_number(sv->prompt.buf);
	char typed[sizeof(sv->prompt.buf)];

	memcpy(typed, sv->prompt.buf, sizeof(typed));
	prompt_start(sv, 0);
	if (v < 0) {
		if (typed[0])
			swapview_message(sv, "'%s' is not a number", typed);
		return;
	}
	if (kind == '/')
		prompt_go_slot(sv, v);
	else
		prompt_go_cluster(sv, v);
}

void prompt_key(struct swapview *sv, int ch)
{
	struct prompt *p = &sv->prompt;

	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		prompt_enter(sv);
	} else if (ch == 27) {
		prompt_start(sv, 0);
	} else if (keys_is_back(ch)) {
		if (p->len)
			p->buf[--p->len] = '\0';
		else
			prompt_start(sv, 0);
	} else if (ch > 0 && ch < 128 && strchr("0123456789abcdefABCDEFxX", ch) &&
		   p->len + 1 < sizeof(p->buf)) {
		p->buf[p->len++] = (char)ch;
		p->buf[p->len] = '\0';
	}
}
