// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-orders.c - the order view: per order, the clusters it owns by list,
 * its known runs and swap-cache folios, and how many order-k allocations
 * would succeed now (the analysis' per-order summary, as `swapfs stat`
 * shows it). Enter on an order dims the other orders on the map; on
 * "all orders" it undims them.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>

#include "keymap.h"
#include "nav.h"
#include "screen.h"
#include "view.h"

static int orderview_rows(const struct session *sv)
{
	return 1 + (int)sv->snap->dev.nr_orders;
}

static void orderview_line(const struct session *sv, unsigned int k, char *buf,
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

static void orderview_title(const struct session *sv, char *buf, size_t len)
{
	snprintf(buf, len, "%s; Enter dims the other orders on the map",
		 sv->nav.order_filter < 0 ? "all orders shown" : "one order shown");
}

static void orderview_draw(struct session *sv)
{
	const struct analysis_totals *t = &sv->an->totals;
	int rows = orderview_rows(sv), y, r, top = 0, *cur = &sv->nav.orders_cur;
	char line[256];

	if (*cur >= rows)
		*cur = rows - 1;
	snprintf(line, sizeof(line), "free clusters %" PRIu64 ", discard %" PRIu64
		 " (owned by no order)", t->clusters[SNAPSHOT_CLUSTER_FREE],
		 t->clusters[SNAPSHOT_CLUSTER_DISCARD]);
	screen_put(1, 0, COLS, A_NORMAL, line);
	screen_put(3, 0, COLS, A_BOLD, "  ORDER   SIZE  CLUSTERS  NONFULL     FRAG"
		   "     FULL     NONE       RUNS   FOLIOS   ALLOCATABLE");
	if (*cur >= LINES - 8)
		top = *cur - (LINES - 8) + 1;
	for (r = top, y = 4; r < rows && y < LINES - 4; r++, y++) {
		int attr = r == *cur ? A_REVERSE : A_NORMAL;
		bool chosen = r - 1 == sv->nav.order_filter;

		if (r == 0)
			snprintf(line, sizeof(line), "    all orders");
		else
			orderview_line(sv, (unsigned int)r - 1, line, sizeof(line));
		screen_fill(y, attr);
		screen_put(y, 0, 2, attr, chosen ? "*" : " ");
		screen_put(y, 2, COLS - 2, attr |
			   (r ? screen_attr_order((unsigned int)r - 1) : 0), line);
	}
}

/* Opened by o: on the order the map shows alone, or on "all orders". */
static void orderview_open(struct session *sv)
{
	sv->nav.orders_cur = sv->nav.order_filter + 1;
}

/* Enter: the map, showing the order under the cursor alone, or all. */
static void orderview_enter(struct session *sv)
{
	sv->nav.order_filter = sv->nav.orders_cur - 1;
	nav_pop_to_map(sv);
	if (sv->nav.order_filter < 0)
		nav_message(sv, "all orders shown");
	else
		nav_message(sv, "order %d shown, the others dimmed (Esc undims)",
			    sv->nav.order_filter);
}

static void orderview_key(struct session *sv, int ch)
{
	int rows = orderview_rows(sv);
	int64_t delta, cur;

	if (keymap_motion(ch) == KEYMAP_OPEN) {
		orderview_enter(sv);
		return;
	}
	/* a page is the whole list: PgUp/PgDn go to its ends */
	if (!keymap_scroll(ch, rows, &delta))
		return;
	cur = sv->nav.orders_cur + delta;
	sv->nav.orders_cur = (int)(cur < 0 ? 0 : cur > rows - 1 ? rows - 1 : cur);
}

const struct view view_orders = {
	.name = "orders",
	.title = orderview_title,
	.draw = orderview_draw,
	.key = orderview_key,
	.open = orderview_open,
};
