/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-check.h - the checks of a script's tags (workload-check.c),
 * made as the parser appends statements: a tag is defined before it is
 * used, not defined again while it may hold slots, and a free's pages lie
 * inside it, along every way a run can take through repeat blocks.
 */
#ifndef SWAPFS_WORKLOAD_CHECK_H
#define SWAPFS_WORKLOAD_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "swapfs/diag.h"
#include "swapfs/workload.h"
#include "workload-script.h"

/* A tag's state, as the checker walks the statements. */
struct wl_tagstate {
	uint8_t state;
	uint32_t def_line;	/* of the swapout that defined it */
	uint64_t pages;		/* that swapout's COUNT << ORDER */
};

struct wl_check {
	const char *path;	/* for messages */
	struct diag *d;
	const struct wl_script *sc;
	struct wl_tagstate *ts;	/* by tag index */
	uint32_t alloc_ts;
	/* at an open 'repeat 0', by depth: the states before its body */
	struct wl_tagstate *saved[WORKLOAD_DEPTH_MAX];
	uint32_t nr_saved[WORKLOAD_DEPTH_MAX];
	unsigned long again;	/* line of the repeat walked again, else 0 */
};

/* wl_check_init - checks of @sc, reported as @path's in @d. */
void wl_check_init(struct wl_check *c, const char *path, struct diag *d,
		   const struct wl_script *sc);

/* wl_check_free - what the checks hold (the script is not theirs). */
void wl_check_free(struct wl_check *c);

/*
 * wl_check_track - a state for every tag the script has now. Returns 0 or
 * -ENOMEM, said in the diag.
 */
int wl_check_track(struct wl_check *c);

/*
 * wl_check_stmt - statement @st (not repeat, not end) was appended: check
 * it on the walk that is the first run of every block around it. Returns
 * 0 or -EINVAL with the diag naming the line and the rule.
 */
int wl_check_stmt(struct wl_check *c, const struct wl_stmt *st);

/*
 * wl_check_repeat_open - the repeat at @depth (0: outermost) opens. A
 * 'repeat 0' body never runs: the states before it come back at its end.
 * Returns 0 or -ENOMEM.
 */
int wl_check_repeat_open(struct wl_check *c, unsigned int depth,
			 const struct wl_stmt *repeat);

/*
 * wl_check_repeat_close - the repeat at @depth, statement @r, ends (its
 * jump links are set). A body that runs twice or more is walked again as
 * its second run. Returns as wl_check_stmt().
 */
int wl_check_repeat_close(struct wl_check *c, unsigned int depth, size_t r);

#endif /* SWAPFS_WORKLOAD_CHECK_H */
