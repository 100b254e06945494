/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * swapview.h - what the files of the swapview browser share: the state of
 * one session (the loaded snapshot, its analysis, what is derived from
 * them once per load, and the views), and each file's entry points.
 *
 * Views read only the model (struct snapshot) and the analysis; what a
 * redraw needs that the analysis does not hold ready is derived once per
 * load (marks.c: one byte per cluster; findnav.c: where the findings are)
 * or once per terminal size (map.c: the cells), so a keystroke costs
 * O(what is shown), never O(device).
 *
 * Function names start with the name of the file that defines them.
 */
#ifndef SWAPVIEW_H
#define SWAPVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <swapfs/analysis.h>
#include <swapfs/swapheader.h>
#include <swapfs/snapshot.h>

/* Exit codes, as swapfs(8) has them. */
enum {
	SWAPVIEW_EXIT_OK = 0,
	SWAPVIEW_EXIT_USAGE = 2,
	SWAPVIEW_EXIT_SYSTEM = 3,	/* unreadable or invalid input */
};

/* The smallest terminal swapview draws in; below, a message. */
#define SWAPVIEW_MIN_COLS	60
#define SWAPVIEW_MIN_LINES	15

enum swapview_view {
	SWAPVIEW_MAP,		/* the device map, where a session starts */
	SWAPVIEW_CLUSTER,	/* every slot of one cluster */
	SWAPVIEW_FINDINGS,	/* every finding of the device */
	SWAPVIEW_ORDERS,	/* per-order clusters and allocatable counts */
	SWAPVIEW_HELP,
	SWAPVIEW_INFO,		/* source, device, on-disk header */
	SWAPVIEW_NR_VIEWS,
};

#define SWAPVIEW_STACK_MAX	8

/* Map state classes (marks.c): the cluster flags, and a flag out of range. */
#define MARKS_STATE_BAD_FLAG	SNAPSHOT_CLUSTER_NR_FLAGS
#define MARKS_NR_STATES		(SNAPSHOT_CLUSTER_NR_FLAGS + 1)

/*
 * marks byte of a cluster: bits 0..2 the state class, bits 3..6 the
 * highlight (0 none, else 1 + the check, enum analysis_check order being
 * the priority), bit 7 set when an order owns the cluster.
 */
#define MARKS_STATE(m)		((m) & 7u)
#define MARKS_HIGHLIGHT(m)	(((m) >> 3) & 15u)
#define MARKS_OWNED		0x80u

/* One cell of the device map: one cluster, or a run of them when scaled. */
struct map_cell {
	uint32_t rep;		/* the cluster Enter opens: the worst one */
	uint8_t state;		/* worst state class of its clusters */
	uint8_t highlight;	/* highest priority highlight, 0 none */
	uint8_t order;		/* ci->order of rep */
	uint8_t owned;		/* rep is owned by an order (not free) */
	uint16_t orders;	/* bit k: an owned cluster of order k inside */
};

/* The device map's geometry for the current terminal size. */
struct map_layout {
	int top;		/* first screen line of the map */
	int rows;		/* lines of cells */
	int legend;		/* lines of the legend below */
	int gutter;		/* columns of the row labels, blank included */
	int per_row;		/* cells in a line */
	uint32_t scale;		/* clusters per cell */
	uint32_t nr_cells;
	struct map_cell *cells;
};

/* Where the findings are, in `swapfs check` stream order (findnav.c). */
struct findnav {
	uint64_t *prefix;	/* [ci]: findings in clusters before ci; nr + 1 */
	uint64_t total;
	/* the findings of one cluster, fetched again on demand */
	uint32_t ci;
	bool valid;
	struct analysis_finding *list;
	size_t nr, alloc;
};

/* The input line of '/' and 'c'. */
struct prompt {
	int kind;		/* 0 (none), '/' or 'c' */
	char buf[24];
	size_t len;
};

struct swapview {
	/* options */
	const char *src;
	const char *header_spec;
	bool ascii;		/* --ascii */
	bool utf8;		/* UTF-8 glyphs: a UTF-8 locale, no --ascii */
	bool color;		/* colours: no NO_COLOR, a terminal with them */

	/* the loaded snapshot */
	struct snapshot *snap;
	struct analysis *an;
	int64_t *ids;		/* the snapshot ids of a time series, by id */
	size_t nr_ids;
	size_t id_index;	/* which of them is loaded */

	/* the on-disk header of --header */
	bool has_header;
	char *header_path;
	uint64_t header_size;
	struct swapheader_info hi;

	/* derived once per load */
	uint8_t *marks;		/* per cluster */
	uint64_t marked[ANALYSIS_NR_CHECKS + 1];	/* clusters per highlight */
	struct findnav nav;

	/* views */
	enum swapview_view stack[SWAPVIEW_STACK_MAX];
	int depth;		/* stack[depth - 1] is shown */
	struct map_layout map;
	uint32_t cluster;	/* the map's cursor */
	uint32_t slot;		/* the cluster view's cursor */
	int clusterview_top;	/* first grid line shown */
	uint64_t findings_cur, findings_top;
	int order_filter;	/* -1: all orders */
	int orders_cur;		/* row of the order view: 0 all, 1 + order */
	int help_top, info_top;
	int64_t finding;	/* the finding n/N last went to, -1 none */
	struct prompt prompt;
	char msg[256];
	bool quit;
};

/* swapview.c */
enum swapview_view swapview_current(const struct swapview *sv);
void swapview_push(struct swapview *sv, enum swapview_view v);
void swapview_pop(struct swapview *sv);
void swapview_message(struct swapview *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int swapview_load(struct swapview *sv, int64_t id, char *err, size_t len);
void swapview_series(struct swapview *sv, int dir);

/* screen.c */
int screen_init(struct swapview *sv);
void screen_end(void);
void screen_resize(struct swapview *sv);
bool screen_too_small(void);
void screen_draw(struct swapview *sv);
bool screen_poll_stderr(struct swapview *sv);
int screen_attr_order(const struct swapview *sv, unsigned int order);
int screen_attr_highlight(const struct swapview *sv, unsigned int highlight);
int screen_attr_dim(const struct swapview *sv);
int screen_attr_bar(const struct swapview *sv);
void screen_put(int y, int x, int width, int attr, const char *text);
void screen_fill(int y, int attr);

/* glyph.c */
void glyph_init(bool utf8);
const char *glyph_state(unsigned int state);
const char *glyph_highlight(unsigned int highlight);
const char *glyph_slot_count(uint16_t word, uint32_t count, bool shmem);
char glyph_slot_mark(uint16_t word);
const char *glyph_boundary(void);
const char *glyph_state_name(unsigned int state);

/* marks.c */
int marks_build(struct swapview *sv);
unsigned int marks_state_rank(unsigned int state);

/* findnav.c */
int findnav_build(struct findnav *nav, const struct analysis *a);
void findnav_free(struct findnav *nav);
const struct analysis_finding *findnav_get(struct findnav *nav,
					   const struct analysis *a, uint64_t g);
int findnav_cluster(struct findnav *nav, const struct analysis *a, uint32_t ci,
		    const struct analysis_finding **list, size_t *nr);
uint64_t findnav_first(const struct findnav *nav, uint32_t ci);
uint64_t findnav_from_slot(struct findnav *nav, const struct analysis *a,
			   uint32_t slot);
void findnav_step(struct swapview *sv, int dir);

/* map.c */
int map_layout(struct swapview *sv);
void map_free(struct map_layout *m);
void map_draw(struct swapview *sv);
void map_key(struct swapview *sv, int ch);
void map_goto_cluster(struct swapview *sv, uint32_t ci);

/* clusterview.c */
void clusterview_draw(struct swapview *sv);
void clusterview_key(struct swapview *sv, int ch);
void clusterview_goto_slot(struct swapview *sv, uint32_t slot);

/* findingsview.c */
void findingsview_draw(struct swapview *sv);
void findingsview_key(struct swapview *sv, int ch);

/* orderview.c */
void orderview_draw(struct swapview *sv);
void orderview_key(struct swapview *sv, int ch);

/* infoview.c */
void infoview_draw(struct swapview *sv);
void infoview_key(struct swapview *sv, int ch);

/* help.c */
void help_draw(struct swapview *sv);
void help_key(struct swapview *sv, int ch);

/* statusline.c */
void statusline_title(struct swapview *sv, const char *view, const char *text);
void statusline_draw(struct swapview *sv);

/* text.c */
void text_append(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* prompt.c */
void prompt_start(struct swapview *sv, int kind);
void prompt_key(struct swapview *sv, int ch);
void prompt_draw(const struct swapview *sv, int y);

/* keys.c */
void keys_handle(struct swapview *sv, int ch);
bool keys_is_back(int ch);

#endif /* SWAPVIEW_H */
