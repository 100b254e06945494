// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-check.c - the checks of a script's tags. What a line says is
 * checked on that line by the parser (syntax, bounds, options). Tags are
 * checked here by walking the statements with a state per tag: undefined,
 * defined, or released (freed whole: it may still hold references, so it
 * can be used, and defined again once a run finds it empty). A repeat
 * block of N >= 2 is walked twice: a body leaves each tag in the state its
 * last defining or freeing statement gives, whatever the state before, so
 * the second walk starts where every later iteration starts and sees what
 * the first one leaves behind (a tag defined in the body and never freed
 * is defined twice). Nested blocks cost 2^depth walks of the innermost
 * body, one reason for WORKLOAD_DEPTH_MAX.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload-check.h"
#include "workload-script.h"

enum {
	WL_TAG_UNDEF = 0,
	WL_TAG_DEF,
	WL_TAG_RELEASED,
};

/* A rule broken at @line; on a second walk, which repeat's it was. */
static int __attribute__((format(printf, 4, 5)))
wl_check_err(struct wl_check *c, unsigned long line, const char *rule,
	     const char *fmt, ...)
{
	char msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->again)
		return diag_line(c->d, c->path, line, rule,
				 "%s (second run of the repeat at line %lu)",
				 msg, c->again);
	return diag_line(c->d, c->path, line, rule, "%s", msg);
}

static int wl_check_nomem(struct wl_check *c)
{
	return diag_errno(c->d, c->path, -ENOMEM);
}

void wl_check_init(struct wl_check *c, const char *path, struct diag *d,
		   const struct wl_script *sc)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->d = d;
	c->sc = sc;
}

void wl_check_free(struct wl_check *c)
{
	unsigned int i;

	for (i = 0; i < WORKLOAD_DEPTH_MAX; i++)
		free(c->saved[i]);
	free(c->ts);
}

int wl_check_track(struct wl_check *c)
{
	struct wl_tagstate *ts;

	if (c->sc->alloc_tags <= c->alloc_ts)
		return 0;
	ts = reallocarray(c->ts, c->sc->alloc_tags, sizeof(*ts));
	if (!ts)
		return wl_check_nomem(c);
	memset(ts + c->alloc_ts, 0,
	       (c->sc->alloc_tags - c->alloc_ts) * sizeof(*ts));
	c->ts = ts;
	c->alloc_ts = c->sc->alloc_tags;
	return 0;
}

/* A swapout defines its tag, unless it still is. */
static int wl_check_define(struct wl_check *c, const struct wl_stmt *st)
{
	struct wl_tagstate *t = &c->ts[st->tag];

	if (t->state == WL_TAG_DEF)
		return wl_check_err(c, st->line, "wl-tag-defined",
				    "tag '%s' is already defined (line %u); free it first",
				    c->sc->tags[st->tag], t->def_line);
	t->state = WL_TAG_DEF;
	t->def_line = st->line;
	t->pages = (uint64_t)st->count << st->order;
	return 0;
}

int wl_check_stmt(struct wl_check *c, const struct wl_stmt *st)
{
	struct wl_tagstate *t;
	const char *name;

	switch (st->op) {
	case WL_OP_SWAPOUT:
		return wl_check_define(c, st);
	case WL_OP_UNMAP:
	case WL_OP_WRITEBACK:
	case WL_OP_FREE:
	case WL_OP_SWAPIN:
	case WL_OP_FORK:
	case WL_OP_SPLIT:
	case WL_OP_ZSWAP:
	case WL_OP_ZERO:
		break;
	default:
		return 0;
	}
	t = &c->ts[st->tag];
	name = c->sc->tags[st->tag];
	if (t->state == WL_TAG_UNDEF)
		return wl_check_err(c, st->line, "wl-unknown-tag",
				    "tag '%s' is not defined", name);
	if (st->op != WL_OP_FREE)
		return 0;
	if (!st->has_range) {
		t->state = WL_TAG_RELEASED;
		return 0;
	}
	if ((uint64_t)st->first + st->nr > t->pages)
		return wl_check_err(c, st->line, "wl-range",
				    "pages %u..%" PRIu64 " are outside tag '%s' (%" PRIu64 " pages, line %u)",
				    st->first, (uint64_t)st->first + st->nr - 1,
				    name, t->pages, t->def_line);
	return 0;
}

/* The tag states before a 'repeat 0' body, which never runs. */
static int wl_check_save(struct wl_check *c, struct wl_tagstate **copy,
			 uint32_t *nr)
{
	*nr = c->sc->nr_tags;
	*copy = malloc((*nr ? *nr : 1) * sizeof(**copy));
	if (!*copy)
		return wl_check_nomem(c);
	if (*nr)
		memcpy(*copy, c->ts, *nr * sizeof(**copy));
	return 0;
}

static void wl_check_restore(struct wl_check *c, struct wl_tagstate *copy,
			     uint32_t nr)
{
	if (nr)
		memcpy(c->ts, copy, nr * sizeof(*copy));
	/* tags first named in the body are undefined again */
	if (c->sc->nr_tags > nr)
		memset(c->ts + nr, 0, (c->sc->nr_tags - nr) * sizeof(*copy));
	free(copy);
}

static int wl_check_walk(struct wl_check *c, size_t from, size_t to);

/* Walk the body of the repeat at @r as a run would: 0, 1 or 2+ times. */
static int wl_check_walk_repeat(struct wl_check *c, size_t r)
{
	const struct wl_stmt *st = &c->sc->stmts[r];
	struct wl_tagstate *copy;
	unsigned long again;
	uint32_t nr;
	int rc;

	if (!st->count) {
		rc = wl_check_save(c, &copy, &nr);
		if (rc)
			return rc;
		rc = wl_check_walk(c, r + 1, st->jump);
		wl_check_restore(c, copy, nr);
		return rc;
	}
	rc = wl_check_walk(c, r + 1, st->jump);
	if (rc || st->count == 1)
		return rc;
	again = c->again;
	c->again = st->line;
	rc = wl_check_walk(c, r + 1, st->jump);
	c->again = again;
	return rc;
}

static int wl_check_walk(struct wl_check *c, size_t from, size_t to)
{
	size_t i = from;
	int rc;

	while (i < to) {
		const struct wl_stmt *st = &c->sc->stmts[i];

		if (st->op == WL_OP_REPEAT) {
			rc = wl_check_walk_repeat(c, i);
			i = st->jump + 1;
		} else {
			rc = wl_check_stmt(c, st);
			i++;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int wl_check_repeat_open(struct wl_check *c, unsigned int depth,
			 const struct wl_stmt *repeat)
{
	if (repeat->count)
		return 0;
	return wl_check_save(c, &c->saved[depth], &c->nr_saved[depth]);
}

int wl_check_repeat_close(struct wl_check *c, unsigned int depth, size_t r)
{
	const struct wl_stmt *st = &c->sc->stmts[r];
	int rc;

	if (!st->count) {
		wl_check_restore(c, c->saved[depth], c->nr_saved[depth]);
		c->saved[depth] = NULL;
		return 0;
	}
	if (st->count == 1)
		return 0;
	c->again = st->line;
	rc = wl_check_walk(c, r + 1, st->jump);
	c->again = 0;
	return rc;
}
