/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * swaps.h - the active swap areas, as /proc/swaps lists them (via libmount).
 */
#ifndef SWAPFS_SWAPS_H
#define SWAPFS_SWAPS_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SOURCES)
#error "swapfs/swaps.h belongs to the sources: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct swaps_entry {
	char *path;		/* unescaped: "\040" is a blank again */
	char *type;		/* "partition" or "file" */
	uint64_t size_kib;	/* si->pages in KiB: header and bad pages excluded */
	uint64_t used_kib;	/* allocated slots in KiB */
	int prio;
	bool have_stat;		/* @st is valid (the path could be stat'ed) */
	struct stat st;
};

struct swaps {
	struct swaps_entry *v;
	size_t n;
};

/*
 * swaps_load - parse @file (NULL: /proc/swaps) into @s.
 * Returns 0 or -errno (-ENOMEM, or the parser's error).
 */
int swaps_load(struct swaps *s, const char *file);

/* swaps_free - release what swaps_load() allocated. */
void swaps_free(struct swaps *s);

/*
 * swaps_find - the active area that is @path or the object @st describes
 * (same device number, or same device and inode), or NULL. Matching by
 * number catches another name for the same area: a link, /dev/disk/by-*.
 */
const struct swaps_entry *swaps_find(const struct swaps *s, const char *path,
				     const struct stat *st);

#endif /* SWAPFS_SWAPS_H */
