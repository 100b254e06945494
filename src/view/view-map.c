// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-map.c - the device map: one cell per cluster, in index order, left to
 * right and top to bottom, each line labelled with the index of its first
 * cluster. When the device has more clusters than the screen has cells,
 * each cell shows `scale` consecutive clusters (the map always fits): it
 * takes the highest priority highlight of its clusters, else the worst
 * state (marks.c), and Enter opens the cluster that gave it that look.
 *
 * The cells are aggregated from the per-cluster marks once per terminal
 * size and per load (the layout handler, O(clusters) in a tight loop); a
 * redraw is O(cells).
 */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findnav.h"
#include "glyph.h"
#include "keymap.h"
#include "marks.h"
#include "nav.h"
#include "screen.h"
#include "view.h"

/* Lines above the map (the title) and below it (status and message). */
#define MAP_LINES_ABOVE		1
#define MAP_LINES_BELOW		3
/* The legend's lines: the states, then as many as the findings need. */
#define MAP_LEGEND_MAX		4

/* One cell of the device map: one cluster, or a run of them when scaled. */
struct map_cell {
	uint32_t rep;		/* the cluster Enter opens: the worst one */
	uint8_t state;		/* worst state class of its clusters */
	uint8_t highlight;	/* highest priority highlight, 0 none */
	uint8_t order;		/* ci->order of rep */
	uint8_t owned;		/* rep is owned by an order (not free) */
	uint16_t orders;	/* bit k: an owned cluster of order k inside */
};

/* The device map's geometry for the current terminal size, and its cells. */
static struct map_layout {
	int top;		/* first screen line of the map */
	int rows;		/* lines of cells */
	int legend;		/* lines of the legend below */
	int gutter;		/* columns of the row labels, blank included */
	int per_row;		/* cells in a line */
	uint32_t scale;		/* clusters per cell */
	uint32_t nr_cells;
	struct map_cell *cells;
} map;

/*
 * One cell from clusters [@first, @end): a tight loop over their marks
 * (@rank: marks_state_rank() by state class, looked up once a layout).
 */
static void map_cell_build(const struct session *sv, const unsigned char *rank,
			   struct map_cell *cell, uint32_t first, uint32_t end)
{
	const struct snapshot_cluster *clusters = sv->snap->clusters;
	unsigned int best = 0, worst = 0, highlight = 0;
	uint32_t ci, rep = first;
	uint16_t orders = 0;

	for (ci = first; ci < end; ci++) {
		unsigned int m = sv->marks.cluster[ci], hl = MARKS_HIGHLIGHT(m);
		/* a highlight wins, the highest priority first; then the state */
		unsigned int key = (hl ? (16u - hl) << 3 : 0) | rank[MARKS_STATE(m)];

		if (ci == first || key > best) {
			best = key;
			rep = ci;
		}
		if (ci == first || rank[MARKS_STATE(m)] > rank[worst])
			worst = MARKS_STATE(m);
		if (hl && (!highlight || hl < highlight))
			highlight = hl;
		if ((m & MARKS_OWNED) && clusters[ci].order < 16)
			orders |= (uint16_t)(1u << clusters[ci].order);
	}
	cell->rep = rep;
	cell->state = (uint8_t)worst;
	cell->highlight = (uint8_t)highlight;
	cell->order = clusters[rep].order;
	cell->owned = (sv->marks.cluster[rep] & MARKS_OWNED) != 0;
	cell->orders = orders;
}

/* Columns of the legend item of highlight @i: glyph, name, count, gap. */
static int map_legend_width(const struct session *sv, unsigned int i)
{
	return 1 + 1 + (int)strlen(analysis_check_name(i - 1)) + 1 +
	       snprintf(NULL, 0, "%" PRIu64, sv->marks.marked[i]) + 2;
}

/*
 * The findings legend flows over lines: item @i (1 + check) goes at
 * (*@y, *@x), or at the start of the next line when it does not fit.
 * Returns false when that is past line @last.
 */
static bool map_legend_place(const struct session *sv, unsigned int i,
			     int *y, int *x, int last)
{
	if (*x && *x + map_legend_width(sv, i) - 2 > COLS) {
		(*y)++;
		*x = 0;
	}
	return *y <= last;
}

/* Lines the legend takes at this width: 1 + those of the findings. */
static int map_legend_lines(const struct session *sv)
{
	int y = 1, x = 0;
	unsigned int i;

	for (i = 1; i <= ANALYSIS_NR_CHECKS; i++) {
		if (!sv->marks.marked[i])
			continue;
		if (!map_legend_place(sv, i, &y, &x, MAP_LEGEND_MAX - 1))
			break;
		x += map_legend_width(sv, i);
	}
	return y + 1;
}

/* Cells a line: multiples of 16 (or 8) keep the labels round. */
static int map_per_row(int cols)
{
	if (cols >= 32)
		return cols & ~15;
	if (cols >= 16)
		return cols & ~7;
	return cols;
}

/* The map's geometry for the terminal size, and its cells. */
static int map_layout(struct session *sv)
{
	struct map_layout *m = &map;
	uint32_t n = sv->snap->dev.nr_clusters, i;
	int avail_rows;
	uint64_t cells_max;
	struct map_cell *cells;
	unsigned char rank[8];
	char label[16];

	m->top = MAP_LINES_ABOVE;
	m->legend = map_legend_lines(sv);
	avail_rows = LINES - MAP_LINES_ABOVE - MAP_LINES_BELOW - m->legend;
	m->gutter = snprintf(label, sizeof(label), "%" PRIu32, n - 1) + 1;
	m->per_row = map_per_row(COLS - m->gutter);
	if (avail_rows < 1 || m->per_row < 1) {
		m->rows = 0;
		m->nr_cells = 0;
		return 0;
	}
	cells_max = (uint64_t)avail_rows * (uint64_t)m->per_row;
	m->scale = (uint32_t)((n + cells_max - 1) / cells_max);
	m->nr_cells = (uint32_t)(((uint64_t)n + m->scale - 1) / m->scale);
	m->rows = (int)((m->nr_cells + (uint32_t)m->per_row - 1) / (uint32_t)m->per_row);
	cells = realloc(m->cells, (size_t)m->nr_cells * sizeof(*cells));
	if (!cells) {
		m->nr_cells = 0;
		m->rows = 0;
		return -ENOMEM;
	}
	m->cells = cells;
	for (i = 0; i < 8; i++)
		rank[i] = (unsigned char)marks_state_rank(i);
	for (i = 0; i < m->nr_cells; i++) {
		uint32_t first = i * m->scale;
		uint32_t end = n - first > m->scale ? first + m->scale : n;

		map_cell_build(sv, rank, &cells[i], first, end);
	}
	return 0;
}

static void map_free(void)
{
	free(map.cells);
	memset(&map, 0, sizeof(map));
}

static uint32_t map_cursor_cell(const struct session *sv)
{
	return map.scale ? sv->nav.cluster / map.scale : 0;
}

/* The cursor shows on any attribute: reverse, or un-reverse and underline. */
static int map_cursor_attr(int attr)
{
	if (attr & A_REVERSE)
		return (attr & ~A_REVERSE) | A_UNDERLINE | A_BOLD;
	return attr | A_REVERSE;
}

static int map_cell_attr(const struct session *sv, const struct map_cell *c)
{
	int filter = sv->nav.order_filter;

	if (filter >= 0 && !(c->orders & (1u << filter)))
		return screen_attr_dim();
	if (c->highlight)
		return screen_attr_highlight(c->highlight);
	return c->owned ? screen_attr_order(c->order) : 0;
}

static void map_draw_cells(const struct session *sv)
{
	const struct map_layout *m = &map;
	uint32_t cursor = map_cursor_cell(sv), i;
	int r;

	for (r = 0; r < m->rows; r++) {
		attrset(A_NORMAL);
		mvprintw(m->top + r, 0, "%*" PRIu64, m->gutter - 1,
			 (uint64_t)r * (uint64_t)m->per_row * m->scale);
	}
	for (i = 0; i < m->nr_cells; i++) {
		const struct map_cell *c = &m->cells[i];
		int attr = map_cell_attr(sv, c);

		if (i == cursor)
			attr = map_cursor_attr(attr);
		attrset(attr);
		mvaddstr(m->top + (int)(i / (uint32_t)m->per_row),
			 m->gutter + (int)(i % (uint32_t)m->per_row),
			 c->highlight ? glyph_highlight(c->highlight) :
			 glyph_state(c->state));
	}
	attrset(A_NORMAL);
}

/* Draw @glyph in @attr, then " @name": returns the next column. */
static int map_legend_item(int y, int x, int attr, const char *glyph,
			   const char *name)
{
	if (x >= COLS - 2)
		return x;
	screen_glyph(y, x, attr, glyph);
	screen_put(y, x + 2, COLS - x - 2, A_NORMAL, name);
	return x + 2 + (int)strlen(name) + 2;
}

/*
 * The legend: the scale and the states on a line; then the highlights
 * that occur on this device (how many clusters each), flowing over the
 * lines map_layout() gave it.
 */
static void map_draw_legend(const struct session *sv)
{
	static const unsigned int states[] = {
		SNAPSHOT_CLUSTER_FREE, SNAPSHOT_CLUSTER_NONFULL,
		SNAPSHOT_CLUSTER_FRAG, SNAPSHOT_CLUSTER_FULL,
		SNAPSHOT_CLUSTER_DISCARD, SNAPSHOT_CLUSTER_NONE,
	};
	const struct map_layout *m = &map;
	int y = LINES - MAP_LINES_BELOW - m->legend, x, last = y + m->legend - 1;
	unsigned int i, k;
	char buf[96];

	snprintf(buf, sizeof(buf), "1 cell = %" PRIu32 " cluster%s, %d a line:",
		 m->scale, m->scale == 1 ? "" : "s", m->per_row);
	screen_put(y, 0, COLS, A_NORMAL, buf);
	x = (int)strlen(buf) + 1;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		x = map_legend_item(y, x, A_NORMAL, glyph_state(states[i]),
				    glyph_state_name(states[i]));
	if (screen_has_color() && x < COLS - 10) {
		screen_put(y, x, COLS - x, A_NORMAL, "order:");
		x += 7;
		for (k = 0; k < sv->snap->dev.nr_orders && x < COLS - 1; k++) {
			snprintf(buf, sizeof(buf), "%x", k);
			screen_put(y, x, 1, screen_attr_order(k), buf);
			x++;
		}
	}

	y++;
	x = 0;
	if (!sv->findings.total) {
		screen_put(y, 0, COLS, A_NORMAL, "no findings");
		return;
	}
	for (i = 1; i <= ANALYSIS_NR_CHECKS; i++) {
		if (!sv->marks.marked[i])
			continue;
		if (!map_legend_place(sv, i, &y, &x, last))
			break;
		snprintf(buf, sizeof(buf), "%s %" PRIu64, analysis_check_name(i - 1),
			 sv->marks.marked[i]);
		x = map_legend_item(y, x, screen_attr_highlight(i),
				    glyph_highlight(i), buf);
	}
}

/* The title: what the cursor is on. */
static void map_title(const struct session *sv, char *buf, size_t len)
{
	const struct snapshot *s = sv->snap;
	uint32_t ci = sv->nav.cluster, first;
	const struct snapshot_cluster *c = &s->clusters[ci];
	const struct analysis_cluster *ac = &sv->an->clusters[ci];
	uint64_t nf = sv->findings.prefix[ci + 1] - sv->findings.prefix[ci];
	char cell[64] = "";

	if (map.scale > 1) {
		first = map_cursor_cell(sv) * map.scale;
		snprintf(cell, sizeof(cell), "cell %" PRIu32 "-%" PRIu32 ", ",
			 first, first + map.scale > s->dev.nr_clusters ?
			 s->dev.nr_clusters - 1 : first + map.scale - 1);
	}
	snprintf(buf, len,
		 "%scluster %" PRIu32 " (slots %" PRIu32 "-%" PRIu32 "): %s, order %u, "
		 "count %u, used %u, %" PRIu64 " finding%s",
		 cell, ci, snapshot_cluster_first(s, ci),
		 snapshot_cluster_end(s, ci) - 1,
		 c->flags < SNAPSHOT_CLUSTER_NR_FLAGS ?
		 snapshot_cluster_flag_name(c->flags) : "bad-flag",
		 c->order, c->count, ac->used, nf, nf == 1 ? "" : "s");
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
	const struct map_layout *m = &map;
	int64_t cell = map_cursor_cell(sv);
	int page = m->rows > 2 ? m->rows / 2 : 1;

	switch (keymap_motion(ch)) {
	case KEYMAP_LEFT:
		map_goto_cell(sv, cell - 1);
		break;
	case KEYMAP_RIGHT:
		map_goto_cell(sv, cell + 1);
		break;
	case KEYMAP_UP:
		if (cell >= m->per_row)
			map_goto_cell(sv, cell - m->per_row);
		break;
	case KEYMAP_DOWN:
		if (cell + m->per_row < (int64_t)m->nr_cells)
			map_goto_cell(sv, cell + m->per_row);
		break;
	case KEYMAP_PAGE_UP:
		map_goto_cell(sv, cell - (int64_t)page * m->per_row);
		break;
	case KEYMAP_PAGE_DOWN:
		map_goto_cell(sv, cell + (int64_t)page * m->per_row);
		break;
	case KEYMAP_FIRST:
		map_goto_cell(sv, 0);
		break;
	case KEYMAP_LAST:
		map_goto_cell(sv, m->nr_cells - 1);
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
	.free = map_free,
};
