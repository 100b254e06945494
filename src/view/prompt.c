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

#include "keymap.h"
#include "nav.h"
#include "prompt.h"
#include "screen.h"

void prompt_start(struct session *sv, int kind)
{
	memset(&sv->nav.prompt, 0, sizeof(sv->nav.prompt));
	sv->nav.prompt.kind = kind;
}

static const char *prompt_label(int kind)
{
	return kind == '/' ? "slot offset: " : "cluster index: ";
}

void prompt_draw(const struct session *sv, int y)
{
	const struct prompt *p = &sv->nav.prompt;
	char line[64];

	snprintf(line, sizeof(line), "%s%s_", prompt_label(p->kind), p->buf);
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

/* '/': the cluster view, on the slot. */
static void prompt_go_slot(struct session *sv, int64_t v)
{
	if (v >= sv->snap->dev.max) {
		nav_message(sv, "slot %" PRId64 " is past the last slot, %" PRIu32,
			    v, sv->snap->dev.max - 1);
		return;
	}
	nav_goto_slot(sv, (uint32_t)v);
	if (nav_current(sv) != VIEW_CLUSTER)
		nav_push(sv, VIEW_CLUSTER);
	nav_message(sv, "slot %" PRId64 " in cluster %" PRIu32, v, sv->nav.cluster);
}

/* 'c': in the cluster view, its first slot; elsewhere the map, on it. */
static void prompt_go_cluster(struct session *sv, int64_t v)
{
	if (v >= sv->snap->dev.nr_clusters) {
		nav_message(sv, "cluster %" PRId64 " is past the last cluster, %" PRIu32,
			    v, sv->snap->dev.nr_clusters - 1);
		return;
	}
	if (nav_current(sv) == VIEW_CLUSTER) {
		nav_goto_slot(sv, snapshot_cluster_first(sv->snap, (uint32_t)v));
	} else {
		nav_pop_to_map(sv);
		nav_goto_cluster(sv, (uint32_t)v);
	}
	nav_message(sv, "cluster %" PRId64, v);
}

static void prompt_enter(struct session *sv)
{
	int kind = sv->nav.prompt.kind;
	int64_t v = prompt_number(sv->nav.prompt.buf);
	char typed[sizeof(sv->nav.prompt.buf)];

	memcpy(typed, sv->nav.prompt.buf, sizeof(typed));
	prompt_start(sv, 0);
	if (v < 0) {
		if (typed[0])
			nav_message(sv, "'%s' is not a number", typed);
		return;
	}
	if (kind == '/')
		prompt_go_slot(sv, v);
	else
		prompt_go_cluster(sv, v);
}

void prompt_key(struct session *sv, int ch)
{
	struct prompt *p = &sv->nav.prompt;

	if (keymap_motion(ch) == KEYMAP_OPEN) {
		prompt_enter(sv);
	} else if (ch == 27) {
		prompt_start(sv, 0);
	} else if (keymap_is_back(ch)) {
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
