// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-map.c - the device map: one cell per cluster, in index order, left to
 * right and top to bottom, each line labelled with the index of its first
 * cluster. The geometry and the cells are mapgrid.c's: scaled when the
 * device has more clusters than the screen has cells, zoomed when it has
 * far fewer.
 *
 * A cell is drawn in layers, each keeping what is under it visible:
 *	state	the glyph of the cluster's list, in the colour of its order
 *	finding	an error or warning shown replaces the glyph with its own;
 *		an info finding shown underlines the state glyph
 *	change	(live:) a cluster that changed list or order in the last
 *		read in black on green, one whose count or slots changed in
 *		bold; the glyph stays
 *	cursor	reverse video
 * A redraw is O(cells); Enter opens the cluster that gave a scaled cell
 * its look.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "findnav.h"
#include "glyph.h"
#include "keymap.h"
#include "mapgrid.h"
#include "nav.h"
#include "screen.h"
#include "text.h"
#include "view.h"

/* The legend's lines: the states, then as many as the findings need. */
#define MAP_LEGEND_MAX		4
/* The legend's items below the states line. */
#define MAP_LEGEND_ITEMS	(ANALYSIS_NR_CHECKS * 2 + 4)

static struct mapgrid map;

/* One item of the legend: a glyph in an attribute, then its text. */
struct map_item {
	int attr;
	const char *glyph;
	char text[48];
};

static int map_item_width(const struct map_item *it)
{
	return (it->glyph ? 2 : 0) + (int)strlen(it->text) + 2;
}

/* The legend's items below its first line, for what this device shows. */
static int map_items(const struct session *sv, struct map_item *items)
{
	unsigned int min = sv->nav.severity, i, info = marks_info_mask(min);
	const struct changes *ch = &sv->changes;
	int n = 0;

	for (i = 1; i <= ANALYSIS_NR_CHECKS; i++) {
		if (!sv->marks.marked[min][i])
			continue;
		items[n].attr = screen_attr_highlight(i);
		items[n].glyph = glyph_highlight(i);
		snprintf(items[n++].text, sizeof(items[0].text), "%s %" PRIu64,
			 analysis_check_name(i - 1), sv->marks.marked[min][i]);
	}
	for (i = 0; i < ANALYSIS_NR_CHECKS; i++) {
		if (!(info & (1u << i)) || !sv->marks.with[i])
			continue;
		items[n].attr = screen_attr_info();
		items[n].glyph = glyph_state(SNAPSHOT_CLUSTER_NONFULL);
		snprintf(items[n++].text, sizeof(items[0].text), "%s %" PRIu64,
			 analysis_check_name(i), sv->marks.with[i]);
	}
	if (!sv->refresh.live && !ch->nr)
		return n;
	items[n].attr = screen_attr_moved(0);
	items[n].glyph = glyph_state(SNAPSHOT_CLUSTER_FULL);
	snprintf(items[n++].text, sizeof(items[0].text), "moved %" PRIu64, ch->moved);
	items[n].attr = screen_attr_touched(0);
	items[n].glyph = glyph_state(SNAPSHOT_CLUSTER_FULL);
	snprintf(items[n++].text, sizeof(items[0].text), "touched %zu",
		 ch->nr - (size_t)ch->moved);
	return n;
}

/*
 * The items flow over lines from line 1: item @i goes at (*@y, *@x), or
 * at the start of the next line when it does not fit. Returns false when
 * that is past line @last.
 */
static bool map_item_place(const struct map_item *it, int *y, int *x, int last)
{
	if (*x && *x + map_item_width(it) - 2 > COLS) {
		(*y)++;
		*x = 0;
	}
	return *y <= last;
}

/* Lines the legend takes at this width: 1 + those of the items. */
static int map_legend_lines(const struct session *sv)
{
	struct map_item items[MAP_LEGEND_ITEMS];
	int n = map_items(sv, items), y = 1, x = 0, i;

	for (i = 0; i < n; i++) {
		if (!map_item_place(&items[i], &y, &x, MAP_LEGEND_MAX - 1))
			break;
		x += map_item_width(&items[i]);
	}
	return y + 1;
}

static int map_layout(struct session *sv)
{
	return mapgrid_layout(&map, sv, map_legend_lines(sv));
}

/* After a refresh: the changed cells, or all when the legend grew or shrank. */
static int map_update(struct session *sv, const uint32_t *clusters, size_t nr)
{
	if (map_legend_lines(sv) != map.legend)
		return map_layout(sv);
	mapgrid_update(&map, sv, clusters, nr);
	return 0;
}

static void map_free(void)
{
	mapgrid_free(&map);
}

static uint32_t map_cursor_cell(const struct session *sv)
{
	return mapgrid_cell_of(&map, sv->nav.cluster);
}

/* The cursor shows on any attribute: reverse, or un-reverse and underline. */
static int map_cursor_attr(int attr)
{
	if (attr & A_REVERSE)
		return (attr & ~A_REVERSE) | A_UNDERLINE | A_BOLD;
	return attr | A_REVERSE;
}

/* The layers of a cell, bottom up (see the top of this file). */
static int map_cell_attr(const struct session *sv, const struct mapgrid_cell *c)
{
	int filter = sv->nav.order_filter, attr;

	if (filter >= 0 && !(c->orders & (1u << filter)))
		attr = screen_attr_dim();
	else if (c->highlight)
		attr = screen_attr_highlight(c->highlight);
	else
		attr = c->flags & MAPGRID_OWNED ? screen_attr_order(c->order) : 0;
	if (c->flags & MAPGRID_INFO)
		attr |= screen_attr_info();
	if (c->flags & MAPGRID_MOVED)
		attr = screen_attr_moved(attr);
	else if (c->flags & MAPGRID_TOUCHED)
		attr = screen_attr_touched(attr);
	return attr;
}

/* Cell @i: its glyph over its zx x zy block. */
static void map_draw_cell(const struct session *sv, uint32_t i, bool cursor)
{
	const struct mapgrid_cell *c = &map.cells[i];
	const char *glyph = c->highlight ? glyph_highlight(c->highlight) :
			    glyph_state(c->state);
	int attr = map_cell_attr(sv, c), y, x;
	int y0 = map.top + (int)(i / (uint32_t)map.per_row) * map.zy;
	int x0 = map.gutter + (int)(i % (uint32_t)map.per_row) * map.zx;

	attrset(cursor ? map_cursor_attr(attr) : attr);
	for (y = y0; y < y0 + map.zy; y++)
		for (x = x0; x < x0 + map.zx; x++)
			mvaddstr(y, x, glyph);
}

static void map_draw_cells(const struct session *sv)
{
	uint32_t cursor = map_cursor_cell(sv), i;
	int r;

	for (r = 0; r < map.rows; r++) {
		attrset(A_NORMAL);
		mvprintw(map.top + r * map.zy, 0, "%*" PRIu64, map.gutter - 1,
			 (uint64_t)r * (uint64_t)map.per_row * map.scale);
	}
	for (i = 0; i < map.nr_cells; i++)
		map_draw_cell(sv, i, i == cursor);
	attrset(A_NORMAL);
}

/* Draw @glyph in @attr, then " @name": returns the next column. */
static int map_legend_item(int y, int x, int attr, const char *glyph,
			   const char *name)
{
	if (x >= COLS - 2)
		return x;
	if (glyph) {
		screen_glyph(y, x, attr, glyph);
		x += 2;
	}
	screen_put(y, x, COLS - x, A_NORMAL, name);
	return x + (int)strlen(name) + 2;
}

/* The legend's first line: the scale or zoom, the states, the orders. */
static void map_draw_states(const struct session *sv, int y)
{
	static const unsigned int states[] = {
		SNAPSHOT_CLUSTER_FREE, SNAPSHOT_CLUSTER_NONFULL,
		SNAPSHOT_CLUSTER_FRAG, SNAPSHOT_CLUSTER_FULL,
		SNAPSHOT_CLUSTER_DISCARD, SNAPSHOT_CLUSTER_NONE,
	};
	unsigned int i, k;
	char buf[96];
	size_t n = 0;
	int x;

	text_append(buf, sizeof(buf), &n, "1 cell = %" PRIu32 " cluster%s, ",
		    map.scale, map.scale == 1 ? "" : "s");
	if (map.zx > 1 || map.zy > 1)
		text_append(buf, sizeof(buf), &n, "%dx%d characters, ", map.zx, map.zy);
	text_append(buf, sizeof(buf), &n, "%d a line:", map.per_row);
	screen_put(y, 0, COLS, A_NORMAL, buf);
	x = (int)strlen(buf) + 1;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		x = map_legend_item(y, x, A_NORMAL, glyph_state(states[i]),
				    glyph_state_name(states[i]));
	if (!screen_has_color() || x >= COLS - 10)
		return;
	screen_put(y, x, COLS - x, A_NORMAL, "order:");
	x += 7;
	for (k = 0; k < sv->snap->dev.nr_orders && x < COLS - 1; k++) {
		snprintf(buf, sizeof(buf), "%x", k);
		screen_put(y, x, 1, screen_attr_order(k), buf);
		x++;
	}
}

/* Findings the severity filter hides. */
static uint64_t map_hidden(const struct session *sv)
{
	const struct analysis_totals *t = &sv->an->totals;

	return t->by_severity[ANALYSIS_ERROR] + t->by_severity[ANALYSIS_WARNING] +
	       t->by_severity[ANALYSIS_INFO] - sv->findings.total;
}

/*
 * The legend: the states line; then the findings shown on this device
 * (how many clusters show each), and the change layer of a live source,
 * flowing over the lines the layout gave it.
 */
static void map_draw_legend(const struct session *sv)
{
	struct map_item items[MAP_LEGEND_ITEMS];
	int y = LINES - MAPGRID_LINES_BELOW - map.legend, x = 0, i, n;
	int last = y + map.legend - 1;

	map_draw_states(sv, y++);
	n = map_items(sv, items);
	if (!sv->findings.total)
		x = map_legend_item(y, 0, A_NORMAL, NULL, map_hidden(sv) ?
				    "no findings shown (s shows more)" : "no findings");
	for (i = 0; i < n; i++) {
		if (!map_item_place(&items[i], &y, &x, last))
			break;
		x = map_legend_item(y, x, items[i].attr, items[i].glyph, items[i].text);
	}
}

/* What changed in the cursor's cluster in the last read: "; changed: ...". */
static void map_title_change(const struct session *sv, uint32_t ci, char *buf,
			     size_t len, size_t *n)
{
	const struct changes_cluster *e = changes_of(&sv->changes, ci);

	if (!e)
		return;
	text_append(buf, len, n, "; changed: ");
	changes_describe(e, &sv->snap->clusters[ci], buf, len, n);
}

/* The title: what the cursor is on. */
static void map_title(const struct session *sv, char *buf, size_t len)
{
	const struct snapshot *s = sv->snap;
	uint32_t ci = sv->nav.cluster, first;
	const struct snapshot_cluster *c = &s->clusters[ci];
	const struct analysis_cluster *ac = &sv->an->clusters[ci];
	uint64_t nf = sv->findings.prefix[ci + 1] - sv->findings.prefix[ci];
	size_t n = 0;

	if (map.scale > 1) {
		first = map_cursor_cell(sv) * map.scale;
		text_append(buf, len, &n, "cell %" PRIu32 "-%" PRIu32 ", ", first,
			    first + map.scale > s->dev.nr_clusters ?
			    s->dev.nr_clusters - 1 : first + map.scale - 1);
	}
	text_append(buf, len, &n,
		    "cluster %" PRIu32 " (slots %" PRIu32 "-%" PRIu32 "): %s, order %u, "
		    "count %u, used %u, %" PRIu64 " finding%s",
		    ci, snapshot_cluster_first(s, ci), snapshot_cluster_end(s, ci) - 1,
		    c->flags < SNAPSHOT_CLUSTER_NR_FLAGS ?
		    snapshot_cluster_flag_name(c->flags) : "bad-flag",
		    c->order, c->count, ac->used, nf, nf == 1 ? "" : "s");
	map_title_change(sv, ci, buf, len, &n);
}

static void map_draw(struct session *sv)
{
	map_draw_cells(sv);
	map_draw_legend(sv);
}

/* Move to cell @cell (clamped): the cursor goes to its representative. */
static void map_goto_cell(struct session *sv, int64_t cell)
{
	if (!map.nr_cells)
		return;
	if (cell < 0)
		cell = 0;
	if (cell >= (int64_t)map.nr_cells)
		cell = map.nr_cells - 1;
	sv->nav.cluster = map.cells[cell].rep;
}

/* A session starts on the first cell: its worst cluster. */
static void map_open(struct session *sv)
{
	map_goto_cell(sv, 0);
}

/*
 * Enter: the cluster view of the cursor's cluster, on the finding n/N went
 * to if it is in that cluster, else on its first slot.
 */
static void map_enter(struct session *sv)
{
	const struct analysis_finding *f = NULL;
	uint32_t ci = sv->nav.cluster;

	if (sv->nav.finding >= 0)
		f = findnav_get(&sv->findings, sv->an, (uint64_t)sv->nav.finding);
	if (f && f->cluster == ci)
		nav_goto_slot(sv, f->offset);
	else
		nav_goto_slot(sv, snapshot_cluster_first(sv->snap, ci));
	nav_push(sv, VIEW_CLUSTER);
}

static void map_key(struct session *sv, int ch)
{
	int64_t cell = map_cursor_cell(sv);
	int page = map.rows > 2 ? map.rows / 2 : 1;

	switch (keymap_motion(ch)) {
	case KEYMAP_LEFT:
		map_goto_cell(sv, cell - 1);
		break;
	case KEYMAP_RIGHT:
		map_goto_cell(sv, cell + 1);
		break;
	case KEYMAP_UP:
		if (cell >= map.per_row)
			map_goto_cell(sv, cell - map.per_row);
		break;
	case KEYMAP_DOWN:
		if (cell + map.per_row < (int64_t)map.nr_cells)
			map_goto_cell(sv, cell + map.per_row);
		break;
	case KEYMAP_PAGE_UP:
		map_goto_cell(sv, cell - (int64_t)page * map.per_row);
		break;
	case KEYMAP_PAGE_DOWN:
		map_goto_cell(sv, cell + (int64_t)page * map.per_row);
		break;
	case KEYMAP_FIRST:
		map_goto_cell(sv, 0);
		break;
	case KEYMAP_LAST:
		map_goto_cell(sv, map.nr_cells - 1);
		break;
	case KEYMAP_OPEN:
		map_enter(sv);
		break;
	default:
		break;
	}
}

const struct view view_map = {
	.name = "device map",
	.title = map_title,
	.draw = map_draw,
	.key = map_key,
	.open = map_open,
	.layout = map_layout,
	.update = map_update,
	.free = map_free,
};
