// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * orderview.c - the order view: per order, the clusters it owns by list,
 * its known runs and swap-cache folios, and how many order-k allocations
 * would succeed now (the analysis' per-order summary, as `swapfs stat`
 * shows it). Enter on an order dims the other orders on the map; on
 * "all orders" it undims them.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>

#include "swapview.h"

static int orderview_rows(const struct swapview *sv)
{
	return 1 + (int)sv->snap->dev.nr_orders;
}

static void orderview_line(const struct swapview *sv, unsigned int k, char *buf,
			   size_t len)
{
	const struct analysis_order *o = &sv->an->orders[k];
	uint64_t owned = 0;
	char size[16];
	unsigned int f;

	for (f = 0; f < SNAPSHOT_CLUSTER_NR_FLAGS; f++)
		owned += o->clusters[f];
	snprintf(buf, len, "%5u %6s %9" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
		 " %8" PRIu64 " %10" PRIu64 " %8" PRIu64 " %13" PRIu64,
		 k, snapshot_size_name((uint64_t)sv->snap->dev.page_size << k, size, sizeof(size)),
		 owned, o->clusters[SNAPSHOT_CLUSTER_NONFULL],
		 o->clusters[SNAPSHOT_CLUSTER_FRAG], o->clusters[SNAPSHOT_CLUSTER_FULL],
		 o->clusters[SNAPSHOT_CLUSTER_NONE], o->runs, o->folios, o->allocatable);
}

void orderview_draw(struct swapview *sv)
{
	const struct analysis_totals *t = &sv->an->totals;
	int rows = orderview_rows(sv), y, r, top = 0;
	char line[256];

	if (sv->orders_cur >= rows)
		sv->orders_cur = rows - 1;
	snprintf(line, sizeof(line), "%s; Enter dims the other orders on the map",
		 sv->order_filter < 0 ? "all orders shown" : "one order shown");
	statusline_title(sv, "orders", line);
	snprintf(line, sizeof(line), "free clusters %" PRIu64 ", discard %" PRIu64
		 " (owned by no order)", t->clusters[SNAPSHOT_CLUSTER_FREE],
		 t->clusters[SNAPSHOT_CLUSTER_DISCARD]);
	screen_put(1, 0, COLS, A_NORMAL, line);
	screen_put(3, 0, COLS, A_BOLD, "  ORDER   SIZE  CLUSTERS  NONFULL     FRAG"
		   "     FULL     NONE       RUNS   FOLIOS   ALLOCATABLE");
	if (sv->orders_cur >= LINES - 8)
		top = sv->orders_cur - (LINES - 8) + 1;
	for (r = top, y = 4; r < rows && y < LINES - 4; r++, y++) {
		int attr = r == sv->orders_cur ? A_REVERSE : A_NORMAL;
		bool chosen = r - 1 == sv->order_filter;

		if (r == 0)
			snprintf(line, sizeof(line), "    all orders");
		else
			orderview_line(sv, (unsigned int)r - 1, line, sizeof(line));
		screen_fill(y, attr);
		screen_put(y, 0, 2, attr, chosen ? "*" : " ");
		screen_put(y, 2, COLS - 2, attr |
			   (r ? screen_attr_order(sv, (unsigned int)r - 1) : 0), line);
	}
}

void orderview_key(struct swapview *sv, int ch)
{
	int rows = orderview_rows(sv);

	switch (ch) {
	case KEY_UP: case 'k':
		if (sv->orders_cur > 0)
			sv->orders_cur--;
		break;
	case KEY_DOWN: case 'j':
		if (sv->orders_cur < rows - 1)
			sv->orders_cur++;
		break;
	case 'g': case KEY_HOME: case KEY_PPAGE:
		sv->orders_cur = 0;
		break;
	case 'G': case KEY_END: case KEY_NPAGE:
		sv->orders_cur = rows - 1;
		break;
	case '\n': case '\r': case KEY_ENTER:
		sv->order_filter = sv->orders_cur - 1;
		while (sv->depth > 1)
			swapview_pop(sv);
		if (sv->order_filter < 0)
			swapview_message(sv, "all orders shown");
		else
			swapview_message(sv, "order %d shown, the others dimmed (Esc undims)",
					 sv->order_filter);
		break;
	default:
		break;
	}
}
