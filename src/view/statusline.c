// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * statusline.c - the lines every view shares: the title bar on top (the
 * view, what the cursor is on: the view's title handler says it), and at
 * the bottom two status lines (the source, its kernel and era, the totals;
 * per-order allocatable counts) and the message line (what a key did,
 * library messages, the input of '/' and 'c', or a reminder of the main
 * keys). A line cut to the width ends in an ellipsis.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "glyph.h"
#include "prompt.h"
#include "screen.h"
#include "statusline.h"
#include "text.h"

void statusline_title(const char *view, const char *text)
{
	static const char right[] = "? help  swapview ";
	int bar = screen_attr_bar();
	char line[320];

	snprintf(line, sizeof(line), " %s %s %s", view, glyph_separator(), text);
	screen_fill(0, bar);
	screen_put_cut(0, 0, COLS, bar, line, glyph_ellipsis());
	if (COLS > (int)strlen(line) + (int)sizeof(right))
		screen_put(0, COLS - (int)sizeof(right) + 1, (int)sizeof(right), bar, right);
}

static double statusline_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* A live source: "[live: read 12, every 1 s, 3 changed]" or paused. */
static void statusline_live(const struct session *sv, char *line, size_t len,
			    size_t *n)
{
	const struct refresh *r = &sv->refresh;

	if (!r->live)
		return;
	if (r->paused)
		text_append(line, len, n, " [live: paused at read %llu, p resumes]",
			    (unsigned long long)r->reads);
	else
		text_append(line, len, n, " [live: read %llu, every %g s, %zu changed]",
			    (unsigned long long)r->reads, r->interval, sv->changes.nr);
}

/* Which findings are shown, when not all of them: " (info hidden, s)". */
static const char *statusline_filter(const struct session *sv)
{
	switch (sv->nav.severity) {
	case ANALYSIS_WARNING:
		return " (info hidden: s)";
	case ANALYSIS_ERROR:
		return " (errors only: s)";
	default:
		return "";
	}
}

void statusline_area(const struct session *sv, char *buf, size_t len)
{
	const struct snapshot *s = sv->snap;
	const char *path = s->dev.path ? s->dev.path : "-";
	unsigned int nr = sv->areas.nr ? sv->areas.nr : s->dev.has_area ? s->dev.areas : 1;
	unsigned int cur = sv->areas.nr ? sv->areas.cur : s->dev.area;

	buf[0] = '\0';
	if (nr < 2)
		return;
	if (s->dev.has_prio)
		snprintf(buf, len, "area %u/%u %s prio %d", cur, nr, path, s->dev.prio);
	else
		snprintf(buf, len, "area %u/%u %s", cur, nr, path);
}

/* Source, kernel, era, the snapshot of a series, totals, findings. */
static void statusline_source(struct session *sv, int y)
{
	const struct snapshot *s = sv->snap;
	const struct analysis_totals *t = &sv->an->totals;
	const char *base = strrchr(sv->src, '/');
	char line[512], where[160];
	size_t n = 0;

	text_append(line, sizeof(line), &n, " %s", base && base[1] ? base + 1 : sv->src);
	statusline_live(sv, line, sizeof(line), &n);
	statusline_area(sv, where, sizeof(where));
	if (where[0])
		text_append(line, sizeof(line), &n, " [%s]", where);
	if (sv->nr_ids > 1)
		text_append(line, sizeof(line), &n, " [snapshot %" PRId64 ", %zu of %zu]",
			    s->prov.id, sv->nav.series + 1, sv->nr_ids);
	if (s->prov.step >= 0)
		text_append(line, sizeof(line), &n, " step %" PRId64, s->prov.step);
	text_append(line, sizeof(line), &n,
		    " | kernel %s era %c | findings %" PRIu64 "E %" PRIu64 "W %" PRIu64 "I%s"
		    " | %" PRIu32 " slots: used %" PRIu64 " (%.1f%%) free %" PRIu64
		    " cached %" PRIu64 " (cache-only %" PRIu64 ") bad %" PRIu64
		    " zero %" PRIu64 " zswap %" PRIu64,
		    s->dev.kernel, s->dev.era, t->by_severity[ANALYSIS_ERROR],
		    t->by_severity[ANALYSIS_WARNING], t->by_severity[ANALYSIS_INFO],
		    statusline_filter(sv), s->dev.max, t->slots_used, statusline_pct(t->slots_used, s->dev.max),
		    t->slots_free, t->slots_cached, t->slots_cache_only, t->slots_bad,
		    t->slots_zero, t->slots_zswap);
	screen_fill(y, screen_attr_bar());
	screen_put_cut(y, 0, COLS, screen_attr_bar(), line, glyph_ellipsis());
}

/* Per-order allocatable counts; the order shown alone in brackets. */
static void statusline_allocatable(struct session *sv, int y)
{
	char line[512];
	unsigned int k;
	size_t n = 0;

	text_append(line, sizeof(line), &n, " allocatable by order:");
	for (k = 0; k < sv->snap->dev.nr_orders; k++)
		text_append(line, sizeof(line), &n, (int)k == sv->nav.order_filter ?
			    " [%u:%" PRIu64 "]" : " %u:%" PRIu64, k,
			    sv->an->orders[k].allocatable);
	screen_fill(y, screen_attr_bar());
	screen_put_cut(y, 0, COLS, screen_attr_bar(), line, glyph_ellipsis());
}

static void statusline_message(struct session *sv, int y)
{
	if (sv->nav.prompt.kind)
		prompt_draw(sv, y);
	else if (sv->nav.msg[0])
		screen_put_cut(y, 0, COLS, A_BOLD, sv->nav.msg, glyph_ellipsis());
	else
		screen_put_cut(y, 0, COLS, A_DIM, sv->refresh.live ?
			       "Enter open  Esc back  f findings  n/N next/prev  "
			       "s severity  p pause  o orders  / slot  c cluster  ? help  q quit" :
			       "Enter open  Esc back  f findings  n/N next/prev  "
			       "s severity  o orders  / slot  c cluster  t/T snapshot  ? help  q quit",
			       glyph_ellipsis());
}

void statusline_draw(struct session *sv)
{
	statusline_source(sv, LINES - 3);
	statusline_allocatable(sv, LINES - 2);
	statusline_message(sv, LINES - 1);
}
