/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapgrid.h - the device map's geometry and cells, for the terminal size
 * (view-map.c draws them). One cell per cluster; a device with more
 * clusters than the screen has cells shows `scale` clusters a cell (the
 * map always fits), and one with far fewer is zoomed: each cell takes zx
 * columns and zy lines, so a small device fills the screen.
 */
#ifndef SWAPVIEW_MAPGRID_H
#define SWAPVIEW_MAPGRID_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

/* Lines above the map (the title) and below it (status and message). */
#define MAPGRID_LINES_ABOVE	1
#define MAPGRID_LINES_BELOW	3
/* The largest zoom: a cell of 16 columns and 8 lines. */
#define MAPGRID_ZOOM_X_MAX	16
#define MAPGRID_ZOOM_Y_MAX	8

/* struct mapgrid_cell.flags */
#define MAPGRID_OWNED	0x01u	/* rep is owned by an order (not free) */
#define MAPGRID_INFO	0x02u	/* a cluster with an info finding shown */
#define MAPGRID_MOVED	0x04u	/* a cluster changed list or order */
#define MAPGRID_TOUCHED	0x08u	/* a cluster's count or slots changed */

/* One cell of the device map: one cluster, or a run of them when scaled. */
struct mapgrid_cell {
	uint32_t rep;		/* the cluster Enter opens: the worst one */
	uint8_t state;		/* worst state class of its clusters */
	uint8_t highlight;	/* highest priority glyph-layer finding, 0 none */
	uint8_t order;		/* ci->order of rep */
	uint8_t flags;		/* MAPGRID_* */
	uint16_t orders;	/* bit k: an owned cluster of order k inside */
};

struct mapgrid {
	int top;		/* first screen line of the map */
	int rows;		/* lines of cells */
	int legend;		/* lines of the legend below */
	int gutter;		/* columns of the row labels, blank included */
	int per_row;		/* cells in a line */
	int zx, zy;		/* columns and lines of a cell (1 x 1 unzoomed) */
	uint32_t scale;		/* clusters per cell */
	uint32_t nr_cells;
	struct mapgrid_cell *cells;
};

/*
 * mapgrid_layout - @g for the terminal size, the loaded snapshot, its
 * marks and change layer, with @legend lines kept for the legend: the
 * cells aggregated in one tight loop over the clusters' marks. Returns 0
 * or -ENOMEM (no cells then).
 */
int mapgrid_layout(struct mapgrid *g, const struct session *sv, int legend);

/*
 * mapgrid_update - after a refresh, the cells of the @nr clusters in
 * @clusters again, O(scale) each.
 */
void mapgrid_update(struct mapgrid *g, const struct session *sv,
		    const uint32_t *clusters, size_t nr);

/* mapgrid_cell_of - the cell that shows cluster @ci. */
uint32_t mapgrid_cell_of(const struct mapgrid *g, uint32_t ci);

/* mapgrid_free - the cells. */
void mapgrid_free(struct mapgrid *g);

#endif /* SWAPVIEW_MAPGRID_H */
