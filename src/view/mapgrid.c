// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mapgrid.c - the device map's geometry and cells (mapgrid.h).
 *
 * Geometry: the map takes the lines between the title bar and its legend.
 * A line holds a multiple of 16 (or 8) cells where the width allows, so
 * the row labels stay round. A device with more clusters than that many
 * cells is scaled: `scale` consecutive clusters a cell, the smallest
 * number that fits them all. A device with fewer is zoomed: the largest
 * cell of zx columns by zy lines (zy <= zx <= 2 zy: from square in
 * characters to about square on the screen, a character being about
 * twice as tall as wide) whose map still fits, so a small device fills
 * the screen; each cluster is still one glyph, repeated over its block.
 *
 * Cells: aggregated from the per-cluster marks (marks.c) and the change
 * layer (changes.c). A scaled cell takes the highest priority glyph-layer
 * finding of its clusters, else their worst state, and Enter opens the
 * cluster that gave it that look. O(clusters) per layout in one tight
 * loop over a few bytes a cluster; O(scale) for each cluster a refresh
 * changed.
 */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapgrid.h"

/* What a cell is made from, looked up once a layout. */
struct mapgrid_src {
	const struct marks *m;
	const struct snapshot_cluster *clusters;
	const struct changes *ch;
	unsigned int glyph, info;	/* marks_glyph_mask(), marks_info_mask() */
	unsigned char rank[8];		/* marks_state_rank() by state class */
};

static void mapgrid_src_init(struct mapgrid_src *x, const struct session *sv)
{
	unsigned int i;

	x->m = &sv->marks;
	x->clusters = sv->snap->clusters;
	x->ch = &sv->changes;
	x->glyph = marks_glyph_mask(sv->nav.severity);
	x->info = marks_info_mask(sv->nav.severity);
	for (i = 0; i < 8; i++)
		x->rank[i] = (unsigned char)marks_state_rank(i);
}

/* The change marks of clusters [@first, @end). */
static unsigned int mapgrid_changed(const struct changes *ch, uint32_t first,
				    uint32_t end)
{
	unsigned int flags = 0;
	uint32_t ci;

	for (ci = first; ci < end; ci++) {
		const struct changes_cluster *e = changes_of(ch, ci);

		if (!e)
			continue;
		if (e->what & CHANGES_MOVED)
			flags |= MAPGRID_MOVED;
		if (e->what & (CHANGES_COUNT | CHANGES_SLOTS))
			flags |= MAPGRID_TOUCHED;
	}
	return flags;
}

/* One cell from clusters [@first, @end): a tight loop over their marks. */
static void mapgrid_cell_build(const struct mapgrid_src *x,
			       struct mapgrid_cell *cell, uint32_t first,
			       uint32_t end)
{
	unsigned int best = 0, worst = 0, highlight = 0, flags = 0;
	uint32_t ci, rep = first;
	uint16_t orders = 0;

	for (ci = first; ci < end; ci++) {
		unsigned int m = x->m->cluster[ci], chk = x->m->checks[ci];
		unsigned int hl = chk & x->glyph ?
				  (unsigned int)__builtin_ctz(chk & x->glyph) + 1 : 0;
		unsigned int rank = x->rank[MARKS_STATE(m)];
		/* a highlight wins, the highest priority first; then the state */
		unsigned int key = (hl ? (16u - hl) << 3 : 0) | rank;

		if (ci == first || key > best) {
			best = key;
			rep = ci;
		}
		if (ci == first || rank > x->rank[worst])
			worst = MARKS_STATE(m);
		if (hl && (!highlight || hl < highlight))
			highlight = hl;
		if (chk & x->info)
			flags |= MAPGRID_INFO;
		if ((m & MARKS_OWNED) && x->clusters[ci].order < 16)
			orders |= (uint16_t)(1u << x->clusters[ci].order);
	}
	if (x->ch->nr)
		flags |= mapgrid_changed(x->ch, first, end);
	if (x->m->cluster[rep] & MARKS_OWNED)
		flags |= MAPGRID_OWNED;
	cell->rep = rep;
	cell->state = (uint8_t)worst;
	cell->highlight = (uint8_t)highlight;
	cell->order = x->clusters[rep].order;
	cell->flags = (uint8_t)flags;
	cell->orders = orders;
}

/* Cells a line: multiples of 16 (or 8) keep the labels round. */
static int mapgrid_per_row(int cols)
{
	if (cols >= 32)
		return cols & ~15;
	if (cols >= 16)
		return cols & ~7;
	return cols;
}

/*
 * The zoom of @n clusters in @rows lines of @width columns: the largest
 * cell whose map still fits, the most nearly square on the screen of
 * two alike. 1 x 1 fits (the caller made sure).
 */
static void mapgrid_zoom(struct mapgrid *g, uint32_t n, int rows, int width)
{
	int zx, zy, best = 1;

	g->zx = g->zy = 1;
	for (zy = 1; zy <= MAPGRID_ZOOM_Y_MAX; zy++) {
		for (zx = zy; zx <= 2 * zy && zx <= MAPGRID_ZOOM_X_MAX; zx++) {
			int per_row = mapgrid_per_row(width / zx);
			int area = zx * zy;

			if (per_row < 1)
				break;
			if (((uint64_t)n + (uint32_t)per_row - 1) / (uint32_t)per_row *
			    (uint64_t)zy > (uint64_t)rows)
				continue;
			if (area > best || (area == best &&
					    abs(zx - 2 * zy) < abs(g->zx - 2 * g->zy))) {
				best = area;
				g->zx = zx;
				g->zy = zy;
			}
		}
	}
}

/* The geometry for the terminal size; false when no map fits. */
static bool mapgrid_geometry(struct mapgrid *g, uint32_t n, int legend)
{
	int avail = LINES - MAPGRID_LINES_ABOVE - MAPGRID_LINES_BELOW - legend;
	uint64_t cells_max;
	char label[16];
	int width;

	g->top = MAPGRID_LINES_ABOVE;
	g->legend = legend;
	g->gutter = snprintf(label, sizeof(label), "%" PRIu32, n - 1) + 1;
	width = COLS - g->gutter;
	g->zx = g->zy = 1;
	g->per_row = mapgrid_per_row(width);
	g->rows = 0;
	g->nr_cells = 0;
	if (avail < 1 || g->per_row < 1)
		return false;
	cells_max = (uint64_t)avail * (uint64_t)g->per_row;
	g->scale = (uint32_t)((n + cells_max - 1) / cells_max);
	if (g->scale == 1) {
		mapgrid_zoom(g, n, avail, width);
		g->per_row = mapgrid_per_row(width / g->zx);
	}
	g->nr_cells = (uint32_t)(((uint64_t)n + g->scale - 1) / g->scale);
	g->rows = (int)((g->nr_cells + (uint32_t)g->per_row - 1) / (uint32_t)g->per_row);
	return true;
}

/* Cell @i again from its clusters. */
static void mapgrid_cell(struct mapgrid *g, const struct mapgrid_src *x,
			 uint32_t n, uint32_t i)
{
	uint32_t first = i * g->scale;
	uint32_t end = n - first > g->scale ? first + g->scale : n;

	mapgrid_cell_build(x, &g->cells[i], first, end);
}

int mapgrid_layout(struct mapgrid *g, const struct session *sv, int legend)
{
	uint32_t n = sv->snap->dev.nr_clusters, i;
	struct mapgrid_cell *cells;
	struct mapgrid_src x;

	if (!mapgrid_geometry(g, n, legend))
		return 0;
	cells = realloc(g->cells, (size_t)g->nr_cells * sizeof(*cells));
	if (!cells) {
		g->nr_cells = 0;
		g->rows = 0;
		return -ENOMEM;
	}
	g->cells = cells;
	mapgrid_src_init(&x, sv);
	for (i = 0; i < g->nr_cells; i++)
		mapgrid_cell(g, &x, n, i);
	return 0;
}

void mapgrid_update(struct mapgrid *g, const struct session *sv,
		    const uint32_t *clusters, size_t nr)
{
	uint32_t n = sv->snap->dev.nr_clusters;
	struct mapgrid_src x;
	size_t i;

	if (!g->nr_cells)
		return;
	mapgrid_src_init(&x, sv);
	for (i = 0; i < nr; i++)
		if (clusters[i] < n)
			mapgrid_cell(g, &x, n, mapgrid_cell_of(g, clusters[i]));
}

uint32_t mapgrid_cell_of(const struct mapgrid *g, uint32_t ci)
{
	return g->scale ? ci / g->scale : 0;
}

void mapgrid_free(struct mapgrid *g)
{
	free(g->cells);
	memset(g, 0, sizeof(*g));
}
