// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-help.c - '?': every key, then every glyph in the tables in use
 * (UTF-8 or ASCII). swapview(8) has the same lists; change both together.
 */
#include <curses.h>
#include <stdio.h>

#include "glyph.h"
#include "keymap.h"
#include "marks.h"
#include "screen.h"
#include "view.h"

static const char *const help_keys[] = {
	"Keys (everywhere)",
	"  q              quit (also Ctrl-C); the terminal is left as it was",
	"  ?  F1          this help",
	"  Esc Backspace  back to the view before; on the map: show all orders again",
	"  f              findings pane: every finding, as swapfs check lists them",
	"  n  N           next / previous finding from the cursor (map, cluster view, findings)",
	"  s              severities shown: errors and warnings (the default), all, errors only",
	"  o              order view: per-order clusters and allocatable counts",
	"  i              source, device and on-disk header (--header)",
	"  /              jump to a slot offset (decimal or 0x hex): opens its cluster",
	"  c              jump to a cluster index (decimal or 0x hex)",
	"  t  T           next / previous snapshot of a time series (of a series of",
	"                 several areas: the same area, a group later or before)",
	"  a  A           next / previous swap area, of several read at one moment",
	"                 (a snapshot file's group, a bare live:); the status line",
	"                 says \"area I/N PATH prio P\"",
	"  d              mark what changed since the previous snapshot of the series (again: off)",
	"  p  Z           live: pause reading the kernel, or resume (the marks stay)",
	"  Ctrl-L         redraw the screen",
	"",
	"Device map",
	"  arrows hjkl    move by a cell",
	"  PgUp PgDn      move by half the map's height",
	"  g G  Home End  first / last cell",
	"  Enter          open the cluster under the cursor (in a scaled cell: its worst)",
	"",
	"Cluster view",
	"  arrows hjkl    move by a slot / a line of slots (across clusters)",
	"  PgUp PgDn      previous / next cluster",
	"  g G  Home End  first / last slot of the cluster",
	"",
	"Findings pane",
	"  arrows jk      move by a finding",
	"  PgUp PgDn      move by a page",
	"  g G  Home End  first / last finding",
	"  Enter          open the cluster view on the finding",
	"",
	"Order view",
	"  arrows jk g G  choose a line",
	"  Enter          show that order on the map (others dimmed), or all orders",
	"",
	"Help and info",
	"  arrows jk PgUp PgDn g G  scroll",
	"",
};

/* Lines of the glyph tables: filled from glyph.c at each draw. */
#define HELP_MAX_GLYPH_LINES	40

static int help_glyph_lines(char lines[][96])
{
	static const unsigned int states[] = {
		SNAPSHOT_CLUSTER_FREE, SNAPSHOT_CLUSTER_NONFULL, SNAPSHOT_CLUSTER_FRAG,
		SNAPSHOT_CLUSTER_FULL, SNAPSHOT_CLUSTER_DISCARD, SNAPSHOT_CLUSTER_NONE,
		MARKS_STATE_BAD_FLAG,
	};
	unsigned int i;
	int n = 0;

	snprintf(lines[n++], 96, "Map cells: cluster states (a scaled cell: the worst)");
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		snprintf(lines[n++], 96, "  %s  %s", glyph_state(states[i]),
			 glyph_state_name(states[i]));
	snprintf(lines[n++], 96, "%s", "");
	snprintf(lines[n++], 96, "Map cells and slots: findings, highest priority first");
	for (i = 1; i <= ANALYSIS_NR_CHECKS; i++)
		snprintf(lines[n++], 96, "  %s  %-15s %s", glyph_highlight(i),
			 analysis_check_name(i - 1),
			 analysis_severity_name(analysis_check_severity(i - 1)));
	snprintf(lines[n++], 96, "  On the map an info finding underlines the state glyph instead.");
	snprintf(lines[n++], 96, "%s", "");
	snprintf(lines[n++], 96, "Layers over the map (live:, the changes of the last read)");
	snprintf(lines[n++], 96, "  black on green   a cluster changed list or order (reverse: no colours)");
	snprintf(lines[n++], 96, "  bold             a cluster's count or slots changed");
	snprintf(lines[n++], 96, "  black on green   in the cluster view: a slot that changed state");
	snprintf(lines[n++], 96, "%s", "");
	snprintf(lines[n++], 96, "Cluster view: a slot is three columns");
	snprintf(lines[n++], 96, "  %s  first slot of a known run or swap-cache folio",
		 glyph_boundary());
	snprintf(lines[n++], 96, "  %s  free     1-9 count  +  count above 9",
		 glyph_slot_count(0, 0, false));
	snprintf(lines[n++], 96, "  %s  bad      s  shmem (SWAP_MAP_SHMEM)",
		 glyph_slot_count(SNAPSHOT_SLOT_BAD, 0, false));
	snprintf(lines[n++], 96, "  c  cached   z  zswap   o  zero   Z O  zswap / zero, and cached");
	return n;
}

static int help_nr_lines(void)
{
	return (int)(sizeof(help_keys) / sizeof(help_keys[0])) + HELP_MAX_GLYPH_LINES;
}

static void help_title(const struct session *sv, char *buf, size_t len)
{
	snprintf(buf, len, "Esc: back; arrows, PgUp/PgDn: scroll");
}

static void help_draw(struct session *sv)
{
	static char glyphs[HELP_MAX_GLYPH_LINES][96];
	int nk = (int)(sizeof(help_keys) / sizeof(help_keys[0]));
	int ng = help_glyph_lines(glyphs), total = nk + ng, height = LINES - 4, y, l;
	int *top = &sv->nav.help_top;

	if (*top > total - height)
		*top = total - height;
	if (*top < 0)
		*top = 0;
	for (y = 1, l = *top; l < total && y <= height; l++, y++) {
		const char *text = l < nk ? help_keys[l] : glyphs[l - nk];
		bool heading = text[0] && text[0] != ' ';

		screen_put(y, 1, COLS - 1, heading ? A_BOLD : A_NORMAL, text);
	}
}

/* Scrolled within [0, the lines there can be]; the draw clamps to the end. */
static void help_key(struct session *sv, int ch)
{
	int64_t delta, top;

	if (!keymap_scroll(ch, LINES - 5 > 1 ? LINES - 5 : 1, &delta))
		return;
	top = sv->nav.help_top + delta;
	sv->nav.help_top = (int)(top < 0 ? 0 : top > help_nr_lines() ?
				 help_nr_lines() : top);
}

const struct view view_help = {
	.name = "help",
	.title = help_title,
	.draw = help_draw,
	.key = help_key,
};
