/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h - the state of one swapview session, which the files above the
 * drawing layer share: the loaded snapshot and its analysis, what is
 * derived from them once per load, and where the user is (struct nav: the
 * stack of views, the cursors, the message line).
 *
 * Views read only the model (struct snapshot) and the analysis; what a
 * redraw needs that the analysis does not hold ready is derived once per
 * load (marks.h: a few bytes per cluster; findnav.h: where the findings
 * are) or once per terminal size (the map's cells, mapgrid.c), so a
 * keystroke costs O(what is shown), never O(device). A live refresh
 * (refresh.c) updates them for the clusters that changed, and says what
 * changed in the change layer (changes.h).
 *
 * This header holds types only. The functions that move in struct nav are
 * nav.c's; each view reads struct nav when it draws.
 */
#ifndef SWAPVIEW_SESSION_H
#define SWAPVIEW_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <swapfs/analysis.h>
#include <swapfs/swapheader.h>
#include <swapfs/snapshot.h>

#include "changes.h"
#include "findnav.h"
#include "marks.h"

/* The views, by the index of their handlers in the table (views.c). */
enum view_id {
	VIEW_MAP,		/* the device map, where a session starts */
	VIEW_CLUSTER,		/* every slot of one cluster */
	VIEW_FINDINGS,		/* every finding of the device */
	VIEW_ORDERS,		/* per-order clusters and allocatable counts */
	VIEW_HELP,
	VIEW_INFO,		/* source, device, on-disk header */
	VIEW_NR,
};

#define NAV_STACK_MAX	8

/* The input line of '/' and 'c' (prompt.c), on the message line. */
struct prompt {
	int kind;		/* 0 (none), '/' or 'c' */
	char buf[24];
	size_t len;
};

/*
 * Where the user is: every view's cursor and scroll position lives here,
 * so that a move made anywhere (n/N, '/', 'c', Enter on a finding) is a
 * change of this state, and the view it shows in reads it at its draw.
 */
struct nav {
	enum view_id stack[NAV_STACK_MAX];
	int depth;		/* stack[depth - 1] is shown */
	size_t series;		/* which snapshot of a time series is loaded */
	uint32_t cluster;	/* the map's cursor */
	uint32_t slot;		/* the cluster view's cursor */
	int cluster_top;	/* the cluster view's first grid line shown */
	uint64_t findings_cur, findings_top;	/* the findings pane's */
	int order_filter;	/* the order the map shows alone; -1: all */
	int orders_cur;		/* row of the order view: 0 all, 1 + order */
	int help_top, info_top;
	int64_t finding;	/* the finding n/N last went to, -1 none */
	unsigned int severity;	/* the lowest severity shown ('s') */
	bool diff;		/* 'd': changes since the previous snapshot */
	struct prompt prompt;
	char msg[256];		/* what the last key did */
};

struct live;

/* A live: source, read again every interval (refresh.c). */
struct refresh {
	struct live *live;	/* the reader, kept open; NULL: not refreshing */
	double interval;	/* seconds between reads (-d) */
	double due;		/* when the next read is due (CLOCK_MONOTONIC s) */
	bool paused;		/* 'p': no reads until 'p' again */
	uint64_t reads;		/* reads shown so far, the first one included */
	uint64_t failed;	/* reads that failed since the last that did not */
	double last_ms;		/* the last refresh: read, compare, update */
};

/*
 * Several areas read at one moment (areas.c): 'a' and 'A' switch between
 * them. A snapshot file's group is known from the loaded snapshot's info
 * keys; a bare live: with several active areas is read one area at a
 * time, by swap type, in the order the kernel tries them.
 */
#define AREAS_MAX	32
struct areas {
	unsigned int nr;		/* of a live: source; 0: not several */
	unsigned int cur;		/* the live area shown */
	unsigned int types[AREAS_MAX];	/* the live areas' swap types, area 0 first */
	char spec[16];			/* live:SPEC of the area shown */
};

struct session {
	/* options */
	const char *src;
	const char *header_spec;	/* --header */

	/* the loaded snapshot */
	struct snapshot *snap;
	struct analysis *an;
	int64_t *ids;		/* the snapshot ids of a time series, by id */
	size_t nr_ids;

	/* the on-disk header of --header */
	bool has_header;
	char *header_path;
	uint64_t header_size;
	struct swapheader_info hi;

	/* derived once per load, updated by a refresh */
	struct marks marks;
	struct findnav findings;
	struct changes changes;	/* what the last refresh changed */
	struct refresh refresh;
	struct areas areas;

	struct nav nav;
	bool quit;		/* q was pressed */
};

#endif /* SWAPVIEW_SESSION_H */
