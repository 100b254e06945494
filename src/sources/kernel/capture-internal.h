/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture-internal.h - what the parts of `swapfs capture` share, private
 * to src/sources/kernel/:
 *
 *	capture.c	the page-table walk: who maps each slot; the state
 *			inferred from it (capture_run() with --method pagemap)
 *	capture-live.c	the state read exactly (live.h) with the walk's
 *			back-references on top (capture_run() by default)
 *	capture-mthp.c	/sys/kernel/mm/transparent_hugepage: the mTHP sizes
 *			enabled and their stats counters
 */
#ifndef SWAPFS_CAPTURE_INTERNAL_H
#define SWAPFS_CAPTURE_INTERNAL_H

#include <stddef.h>

#include "swapfs/capture.h"

/* The kernel's THP directory. */
#define CAPTURE_THP	"/sys/kernel/mm/transparent_hugepage"

/*
 * capture_read_line - the first line of the small file @path, without its
 * newline, into @buf. Returns 0 or -errno (-ENODATA for an empty file).
 */
int capture_read_line(const char *path, char *buf, size_t len);

/*
 * capture_pagemap - capture_run() with --method pagemap: everything from
 * the page tables (capture.c). Returns as capture_run().
 */
int capture_pagemap(const struct capture_opts *o, struct snapshot **out,
		    struct capture_stats *st, struct diag *d);

/*
 * capture_walk - the page-table walk alone: the references of every
 * process (or @o->pids) to area @type of @max slots, added to @s (sized,
 * its info set) as processes and references, each slot's count raised
 * by its references. Fills the process and reference fields of @st.
 * Returns 0, -ENOMEM, or -errno with @d.
 */
int capture_walk(const struct capture_opts *o, unsigned int type, uint32_t max,
		 struct snapshot *s, struct capture_stats *st, struct diag *d);

/*
 * capture_live - capture_run() through the live reader: the area's state
 * exactly, then the walk's back-references. Returns as capture_run();
 * -ENOTSUP, -EPERM... with @d when the reader cannot work here (the
 * caller may fall back to the walk).
 */
int capture_live(const struct capture_opts *o, struct snapshot **out,
		 struct capture_stats *st, struct diag *d);

#endif /* SWAPFS_CAPTURE_INTERNAL_H */
