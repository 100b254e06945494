// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-cluster.c - every slot of one cluster, three columns a slot:
 *
 *	boundary  '|' before the first slot of a known run (orders) or of a
 *	          swap-cache folio, in the colour of its order
 *	count     '.' free, 1..9, '+' above 9, 'x' bad, 's' shmem
 *	mark      c cached, z zswap, o zero; upper case: and cached
 *
 * Under a line of slots that findings cover, a line of their glyphs
 * (the map's, the highest priority one per slot shown by the severity
 * filter) under the count column. Above the grid the cluster's kernel
 * fields and slot counts; below, the cursor slot in words and the
 * cluster's findings. The cursor is a slot of the device: moving past the
 * cluster's edge moves to the next one.
 *
 * The change layer (live:): a slot that changed state in the last read
 * has its count and mark columns in black on green (underlined and bold
 * without colours); what changed in the cluster's record follows its
 * fields.
 *
 * Cost: O(cluster) a redraw (one analysis_cluster_findings() scan).
 */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "findnav.h"
#include "glyph.h"
#include "keymap.h"
#include "nav.h"
#include "screen.h"
#include "text.h"
#include "view.h"

#define CLUSTERVIEW_MAX		SNAPSHOT_MAX_CLUSTER_SIZE
/* grid lines: a line of slots (8 at least) and its findings line */
#define CLUSTERVIEW_MAX_LINES	(2 * CLUSTERVIEW_MAX / 8)
/* the fields (3 lines), the cursor slot and the legend */
#define CLUSTERVIEW_FIXED_LINES	5

/* What one redraw works from; rebuilt each time. */
struct clusterview_geom {
	uint32_t ci, first, end;
	int gutter, per_row, nr_lines;
	const struct analysis_finding *list;
	size_t nr;
	int64_t current;	/* index in list of the n/N finding, -1 */
};

static uint8_t clusterview_hl[CLUSTERVIEW_MAX];		/* 1 + check, 0 */
static uint8_t clusterview_cur[CLUSTERVIEW_MAX];	/* under the n/N finding */
static uint8_t clusterview_start[CLUSTERVIEW_MAX];	/* 1 + order of a run */
static int clusterview_line_row[CLUSTERVIEW_MAX_LINES];	/* -1 - row: findings */

static int clusterview_gutter(const struct session *sv)
{
	char buf[16];

	return snprintf(buf, sizeof(buf), "%" PRIu32, sv->snap->dev.max - 1) + 1;
}

/* Slots a line: a power of two, 8 to 64, as many as the width holds. */
static int clusterview_per_row(const struct session *sv)
{
	int gutter = clusterview_gutter(sv), r = 64;

	while (r > 8 && gutter + 3 * r > COLS)
		r /= 2;
	if ((uint32_t)r > sv->snap->dev.cluster_size)
		r = (int)sv->snap->dev.cluster_size;
	return r;
}

/* The slots a finding draws on: cluster checks none; cache-only its slots. */
static void clusterview_mark(struct clusterview_geom *g, const struct snapshot *s,
			     const struct analysis_finding *f, bool current)
{
	uint32_t i, from, to;

	if (f->check == ANALYSIS_COUNT_MISMATCH || f->check == ANALYSIS_LIST_MISMATCH)
		return;
	from = f->offset > g->first ? f->offset : g->first;
	to = f->offset + (uint64_t)f->nr < g->end ? f->offset + f->nr : g->end;
	if (f->check == ANALYSIS_CACHE_ONLY)
		to = g->end;
	for (i = from; i < to; i++) {
		uint16_t w = s->slots[i];

		if (f->check == ANALYSIS_CACHE_ONLY &&
		    ((w & SNAPSHOT_SLOT_COUNT) || !(w & SNAPSHOT_SLOT_CACHED) ||
		     (w & SNAPSHOT_SLOT_BAD)))
			continue;
		if (!clusterview_hl[i - g->first] ||
		    f->check + 1u < clusterview_hl[i - g->first])
			clusterview_hl[i - g->first] = (uint8_t)(f->check + 1);
		if (current)
			clusterview_cur[i - g->first] = 1;
	}
}

/* The findings of the cluster, and the slots they draw on. */
static void clusterview_prepare_findings(struct session *sv,
					 struct clusterview_geom *g)
{
	uint64_t first = findnav_first(&sv->findings, g->ci);
	int64_t finding = sv->nav.finding;
	size_t fi;

	findnav_cluster(&sv->findings, sv->an, g->ci, &g->list, &g->nr);
	g->current = -1;
	if (finding >= 0 && (uint64_t)finding >= first &&
	    (uint64_t)finding - first < g->nr)
		g->current = finding - (int64_t)first;
	for (fi = 0; fi < g->nr; fi++)
		clusterview_mark(g, sv->snap, &g->list[fi], (int64_t)fi == g->current);
}

/* Where known runs and swap-cache folios start, with their orders. */
static void clusterview_prepare_starts(const struct snapshot *s,
				       struct clusterview_geom *g)
{
	uint32_t i;
	size_t fi;

	/* order-0 runs in an order-0 cluster: every slot would be marked */
	for (i = g->first; i < g->end; i++)
		if ((s->slots[i] & SNAPSHOT_SLOT_HEAD) &&
		    (snapshot_slot_order(s->slots[i]) || s->clusters[g->ci].order))
			clusterview_start[i - g->first] =
				(uint8_t)(snapshot_slot_order(s->slots[i]) + 1);
	for (fi = snapshot_folios_from(s, g->first);
	     fi < s->nr_folios && s->folios[fi].offset < g->end; fi++)
		clusterview_start[s->folios[fi].offset - g->first] =
			(uint8_t)(s->folios[fi].order + 1);
}

/* The grid's lines: each line of slots, then its findings line if any. */
static void clusterview_prepare_lines(struct clusterview_geom *g)
{
	uint32_t size = g->end - g->first, per_row = (uint32_t)g->per_row, i;
	int row, rows = (int)((size + per_row - 1) / per_row);

	g->nr_lines = 0;
	for (row = 0; row < rows; row++) {
		uint32_t end = (uint32_t)(row + 1) * per_row;
		bool any = false;

		clusterview_line_row[g->nr_lines++] = row;
		for (i = (uint32_t)row * per_row; i < end && i < size; i++)
			any |= clusterview_hl[i] != 0;
		if (any)
			clusterview_line_row[g->nr_lines++] = -1 - row;
	}
}

static void clusterview_prepare(struct session *sv, struct clusterview_geom *g)
{
	const struct snapshot *s = sv->snap;

	g->ci = sv->nav.slot >> s->dev.cluster_shift;
	g->first = snapshot_cluster_first(s, g->ci);
	g->end = snapshot_cluster_end(s, g->ci);
	g->gutter = clusterview_gutter(sv);
	g->per_row = clusterview_per_row(sv);
	memset(clusterview_hl, 0, g->end - g->first);
	memset(clusterview_cur, 0, g->end - g->first);
	memset(clusterview_start, 0, g->end - g->first);
	clusterview_prepare_findings(sv, g);
	clusterview_prepare_starts(s, g);
	clusterview_prepare_lines(g);
}

static void clusterview_draw_slots(const struct session *sv,
				   const struct clusterview_geom *g, int y, int row)
{
	const struct snapshot *s = sv->snap;
	uint32_t i = g->first + (uint32_t)row * (uint32_t)g->per_row;
	uint32_t end = i + (uint32_t)g->per_row;
	int x = g->gutter;

	attrset(A_NORMAL);
	mvprintw(y, 0, "%*" PRIu32, g->gutter - 1, i);
	for (; i < end && i < g->end; i++, x += 3) {
		uint16_t w = s->slots[i];
		uint32_t count = w & SNAPSHOT_SLOT_COUNT;
		bool shmem = s->nr_shmem && snapshot_is_shmem(s, i);
		unsigned int start = clusterview_start[i - g->first];
		char mark[2] = { glyph_slot_mark(w), '\0' };
		int attr = A_NORMAL;

		if (i == sv->nav.slot)
			attr = A_REVERSE;
		else if (changes_slot(&sv->changes, i))
			attr = screen_attr_changed();
		if (count == SNAPSHOT_COUNT_BIG)
			count = snapshot_count(s, i);
		if (start) {
			attrset(screen_attr_order(start - 1) | A_BOLD);
			mvaddstr(y, x, glyph_boundary());
		}
		attrset(attr);
		mvaddstr(y, x + 1, glyph_slot_count(w, count, shmem));
		mvaddstr(y, x + 2, mark);
	}
	attrset(A_NORMAL);
}

static void clusterview_draw_findings_line(const struct session *sv,
					   const struct clusterview_geom *g,
					   int y, int row)
{
	uint32_t i = (uint32_t)row * (uint32_t)g->per_row;
	uint32_t end = i + (uint32_t)g->per_row;
	int x = g->gutter + 1;

	for (; i < end && i < g->end - g->first; i++, x += 3) {
		unsigned int hl = clusterview_hl[i];

		if (!hl)
			continue;
		attrset(screen_attr_highlight(hl) |
			(clusterview_cur[i] ? A_REVERSE | A_BOLD : 0));
		mvaddstr(y, x, glyph_highlight(hl));
	}
	attrset(A_NORMAL);
}

/* Keep the cursor's line (and its findings line) in the @height lines shown. */
static void clusterview_scroll(struct session *sv, const struct clusterview_geom *g,
			       int height)
{
	int row = (int)((sv->nav.slot - g->first) / (uint32_t)g->per_row), l, last;
	int *top = &sv->nav.cluster_top;

	for (l = 0; l < g->nr_lines && clusterview_line_row[l] != row; l++)
		;
	last = l + 1 < g->nr_lines && clusterview_line_row[l + 1] < 0 ? l + 1 : l;
	if (*top > l)
		*top = l;
	if (last >= *top + height)
		*top = last - height + 1;
	if (*top > g->nr_lines - height)
		*top = g->nr_lines - height;
	if (*top < 0)
		*top = 0;
}

static void clusterview_draw_grid(struct session *sv,
				  const struct clusterview_geom *g, int y, int height)
{
	int l, top;

	clusterview_scroll(sv, g, height);
	top = sv->nav.cluster_top;
	for (l = top; l < g->nr_lines && l < top + height; l++) {
		int row = clusterview_line_row[l];

		if (row >= 0)
			clusterview_draw_slots(sv, g, y++, row);
		else
			clusterview_draw_findings_line(sv, g, y++, -1 - row);
	}
}

/* What changed in the cluster in the last read, from column @x of line 1. */
static void clusterview_draw_change(const struct session *sv, uint32_t ci, int x)
{
	const struct changes_cluster *e = changes_of(&sv->changes, ci);
	char line[160];
	size_t n = 0;

	if (!e || x >= COLS)
		return;
	text_append(line, sizeof(line), &n, "changed: ");
	changes_describe(e, &sv->snap->clusters[ci], line, sizeof(line), &n);
	screen_put(1, x, COLS - x, screen_attr_changed(), line);
}

/* The cluster's kernel fields, its slot counts, its free blocks and runs. */
static void clusterview_draw_fields(const struct session *sv,
				    const struct clusterview_geom *g)
{
	const struct snapshot *s = sv->snap;
	const struct snapshot_cluster *c = &s->clusters[g->ci];
	const struct analysis_cluster *ac = &sv->an->clusters[g->ci];
	const uint16_t *runs = &sv->an->order_runs[(size_t)g->ci * s->dev.nr_orders];
	char line[512], size[16];
	bool any = false;
	unsigned int k;
	size_t n = 0;

	text_append(line, sizeof(line), &n,
		    "ci->count %u (slots say %u%s)  flags %s%s  ci->order %u (%s)",
		    c->count, ac->nonfree,
		    ac->findings[ANALYSIS_COUNT_MISMATCH] ? ": count-mismatch" : "",
		    c->flags < SNAPSHOT_CLUSTER_NR_FLAGS ?
		    snapshot_cluster_flag_name(c->flags) : "bad-flag",
		    ac->findings[ANALYSIS_LIST_MISMATCH] ? " (list-mismatch)" : "",
		    c->order, snapshot_size_name((uint64_t)s->dev.page_size << c->order,
					size, sizeof(size)));
	screen_put(1, 0, COLS, A_BOLD, line);
	clusterview_draw_change(sv, g->ci, (int)n + 2);

	n = 0;
	text_append(line, sizeof(line), &n,
		    "slots: used %u  free %u  cached %u  cache-only %u  bad %u  zero %u  zswap %u",
		    ac->used, ac->free, ac->cached, ac->cache_only, ac->bad, ac->zero,
		    ac->zswap);
	screen_put(2, 0, COLS, A_NORMAL, line);

	n = 0;
	if (ac->largest_free_order >= 0)
		text_append(line, sizeof(line), &n, "free blocks: largest order %d",
			    ac->largest_free_order);
	else
		text_append(line, sizeof(line), &n, "free blocks: none");
	text_append(line, sizeof(line), &n, ", %u of order %u (%u with cache-only)"
		    " | runs starting here:", ac->own_blocks, c->order,
		    ac->own_blocks_reclaim);
	for (k = 0; k < s->dev.nr_orders; k++) {
		if (runs[k])
			text_append(line, sizeof(line), &n, " o%u x%u", k, runs[k]);
		any |= runs[k] != 0;
	}
	if (!any)
		text_append(line, sizeof(line), &n, " none known");
	screen_put(3, 0, COLS, A_NORMAL, line);
}

/* The folio covering the cursor slot: "; folio: order k at o [flags]". */
static void clusterview_folio_text(const struct snapshot *s,
				   const struct snapshot_folio *f,
				   char *line, size_t len, size_t *n)
{
	const char *sep = "", *extra = snapshot_folio_extra(s, f);
	unsigned int b;

	text_append(line, len, n, "; folio: order %u at %" PRIu32 " [",
		    f->order, f->offset);
	for (b = 0; b < SNAPSHOT_FOLIO_NR_FLAGS; b++) {
		if (!(f->flags & (1u << b)))
			continue;
		text_append(line, len, n, "%s%s", sep, snapshot_folio_flag_name(b));
		sep = ",";
	}
	text_append(line, len, n, "%s%s]", *extra ? sep : "", extra);
}

/* Who maps the cursor slot (a capture): "; mapped by: 812 (java) at 0x7f..". */
static void clusterview_owners_text(const struct snapshot *s, uint32_t slot,
				    char *line, size_t len, size_t *n)
{
	size_t first, nr = snapshot_slot_refs(s, slot, &first), i;

	for (i = 0; i < nr && i < 3; i++) {
		const struct snapshot_ref *r = &s->refs[s->refs_by_slot[first + i]];

		text_append(line, len, n, "%s%" PRId32 " (%s) at 0x%" PRIx64,
			    i ? ", " : "; mapped by: ", s->procs[r->proc].pid,
			    s->procs[r->proc].comm, r->vaddr);
	}
	if (nr > 3)
		text_append(line, len, n, ", %zu more", nr - 3);
}

/* The cursor slot in words. */
static void clusterview_draw_slot(const struct session *sv,
				  const struct clusterview_geom *g, int y)
{
	const struct snapshot *s = sv->snap;
	uint32_t slot = sv->nav.slot;
	const struct snapshot_folio *f = snapshot_folio_at(s, slot);
	uint16_t w = s->slots[slot];
	unsigned int order, hl = clusterview_hl[slot - g->first];
	char line[512];
	uint32_t start;
	size_t n = 0;

	text_append(line, sizeof(line), &n, "slot %" PRIu32 ": count %" PRIu32 "%s%s%s%s%s%s",
		    slot, snapshot_count(s, slot),
		    s->nr_shmem && snapshot_is_shmem(s, slot) ? " (shmem)" : "",
		    w & SNAPSHOT_SLOT_BAD ? ", bad" : "",
		    w & SNAPSHOT_SLOT_CACHED ? ", cached" : "",
		    w & SNAPSHOT_SLOT_ZERO ? ", zero" : "",
		    w & SNAPSHOT_SLOT_ZSWAP ? ", zswap" : "",
		    snapshot_slot_free(w) ? ", free" : "");
	if (!snapshot_run_at(s, slot, &start, &order))
		text_append(line, sizeof(line), &n, "; run: order %u at %" PRIu32,
			    order, start);
	if (f)
		clusterview_folio_text(s, f, line, sizeof(line), &n);
	if (s->nr_refs)
		clusterview_owners_text(s, slot, line, sizeof(line), &n);
	if (hl)
		text_append(line, sizeof(line), &n, "; in: %s",
			    analysis_check_name(hl - 1));
	if (changes_slot(&sv->changes, slot))
		text_append(line, sizeof(line), &n, "; changed in the last read");
	screen_put_cut(y, 0, COLS, A_BOLD, line, glyph_ellipsis());
}

/* The cluster's findings, the current one marked; @height lines. */
static void clusterview_draw_list(const struct session *sv,
				  const struct clusterview_geom *g, int y, int height)
{
	char line[192], text[224];
	size_t i, first = 0, shown;

	if (!g->nr) {
		screen_put(y, 0, COLS, A_NORMAL, "no findings in this cluster");
		return;
	}
	snprintf(text, sizeof(text), "%zu finding%s in this cluster:", g->nr,
		 g->nr == 1 ? "" : "s");
	screen_put(y++, 0, COLS, A_NORMAL, text);
	shown = (size_t)(height - 1);
	if (g->current >= 0 && (size_t)g->current >= shown - 1 && shown > 1)
		first = (size_t)g->current - (shown - 2);
	for (i = first; i < g->nr && i < first + shown; i++) {
		bool cur = (int64_t)i == g->current;

		if (i + 1 == first + shown && i + 1 < g->nr) {
			snprintf(text, sizeof(text), "  ... %zu more (f lists every finding)",
				 g->nr - i);
			screen_put(y, 0, COLS, A_NORMAL, text);
			break;
		}
		analysis_finding_format(&g->list[i], line, sizeof(line));
		screen_put(y, 0, 2, A_NORMAL, cur ? ">" : " ");
		screen_glyph(y, 2, screen_attr_highlight(g->list[i].check + 1),
			     glyph_highlight(g->list[i].check + 1));
		screen_put(y++, 4, COLS - 4, cur ? A_REVERSE : A_NORMAL, line);
	}
}

static void clusterview_draw_legend(int y)
{
	char text[200];

	snprintf(text, sizeof(text),
		 "%s run/folio start  %s free  1-9 count  + >9  %s bad  s shmem  "
		 "c cached  z zswap  o zero  Z O: and cached",
		 glyph_boundary(), glyph_slot_count(0, 0, false),
		 glyph_slot_count(SNAPSHOT_SLOT_BAD, 0, false));
	screen_put(y, 0, COLS, A_DIM, text);
}

static void clusterview_title(const struct session *sv, char *buf, size_t len)
{
	const struct snapshot *s = sv->snap;
	uint32_t ci = sv->nav.slot >> s->dev.cluster_shift;

	snprintf(buf, len, "slot %" PRIu32 ", cluster %" PRIu32 " of %" PRIu32
		 " (slots %" PRIu32 "-%" PRIu32 ")", sv->nav.slot, ci,
		 s->dev.nr_clusters, snapshot_cluster_first(s, ci),
		 snapshot_cluster_end(s, ci) - 1);
}

static void clusterview_draw(struct session *sv)
{
	struct clusterview_geom g;
	int avail = LINES - 4 - CLUSTERVIEW_FIXED_LINES, wanted, list_min, grid_h, list_h;

	clusterview_prepare(sv, &g);
	clusterview_draw_fields(sv, &g);

	wanted = g.nr ? (int)(g.nr > 1000 ? 1000 : g.nr) + 1 : 1;
	list_min = wanted < (avail / 3 > 2 ? avail / 3 : 2) ? wanted :
		   (avail / 3 > 2 ? avail / 3 : 2);
	grid_h = g.nr_lines < avail - list_min ? g.nr_lines : avail - list_min;
	if (grid_h < 1)
		grid_h = 1;
	list_h = avail - grid_h;
	if (list_h > wanted)
		list_h = wanted;
	clusterview_draw_grid(sv, &g, 4, grid_h);
	clusterview_draw_slot(sv, &g, 4 + grid_h);
	if (list_h > 0)
		clusterview_draw_list(sv, &g, 5 + grid_h, list_h);
	clusterview_draw_legend(LINES - 4);
}

/* The cursor @delta slots on, across clusters, clamped to the device. */
static void clusterview_move(struct session *sv, int64_t delta)
{
	int64_t slot = (int64_t)sv->nav.slot + delta;

	if (slot < 0)
		slot = 0;
	nav_goto_slot(sv, (uint32_t)(slot >= (int64_t)sv->snap->dev.max ?
				     sv->snap->dev.max - 1 : slot));
}

static void clusterview_key(struct session *sv, int ch)
{
	int64_t size = sv->snap->dev.cluster_size;
	uint32_t ci = sv->nav.cluster;
	int per_row = clusterview_per_row(sv);

	switch (keymap_motion(ch)) {
	case KEYMAP_LEFT:
		clusterview_move(sv, -1);
		break;
	case KEYMAP_RIGHT:
		clusterview_move(sv, 1);
		break;
	case KEYMAP_UP:
		clusterview_move(sv, -per_row);
		break;
	case KEYMAP_DOWN:
		clusterview_move(sv, per_row);
		break;
	case KEYMAP_PAGE_UP:
		clusterview_move(sv, -size);
		break;
	case KEYMAP_PAGE_DOWN:
		clusterview_move(sv, size);
		break;
	case KEYMAP_FIRST:
		nav_goto_slot(sv, snapshot_cluster_first(sv->snap, ci));
		break;
	case KEYMAP_LAST:
		nav_goto_slot(sv, snapshot_cluster_end(sv->snap, ci) - 1);
		break;
	default:
		break;
	}
}

const struct view view_cluster = {
	.name = "cluster",
	.title = clusterview_title,
	.draw = clusterview_draw,
	.key = clusterview_key,
};
