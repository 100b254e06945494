/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diff-parts.h - what the files of the diff layer share: the comparison
 * itself (diff.h keeps it opaque) and the steps diff_new() runs.
 */
#ifndef SWAPFS_DIFF_PARTS_H
#define SWAPFS_DIFF_PARTS_H

#include <stdbool.h>
#include <stdint.h>

#include "swapfs/diff.h"

struct diff {
	struct diff_side a, b;		/* borrowed */
	uint32_t nr_clusters;
	uint32_t cluster_shift;
	uint64_t *changed;		/* a bit per cluster: it changed */
	uint64_t *findings;		/* a bit per cluster: its findings can differ */
	uint32_t nr_changed;
	unsigned int nr_orders;		/* the larger of the two */
	struct diff_counter *counters;	/* sorted by order, name */
	size_t nr_counters;
	bool same;
};

static inline bool diff_bit(const uint64_t *map, uint32_t i)
{
	return map[i / 64] >> (i % 64) & 1;
}

static inline void diff_set_bit(uint64_t *map, uint32_t i)
{
	map[i / 64] |= 1ull << (i % 64);
}

/* diff_next_bit - the first set bit >= @i of @map (@n bits), or @n. */
static inline uint32_t diff_next_bit(const uint64_t *map, uint32_t n, uint32_t i)
{
	uint64_t w;

	if (i >= n)
		return n;
	w = map[i / 64] & (~0ull << (i % 64));
	i -= i % 64;
	while (!w) {
		i += 64;
		if (i >= n)
			return n;
		w = map[i / 64];
	}
	i += (uint32_t)__builtin_ctzll(w);
	return i < n ? i : n;
}

/*
 * diff_findings_mark - fill df->findings from df->changed, the runs and
 * folios that reach into changed clusters and the folio tables (diff.h).
 * Returns 0 or -ENOMEM.
 */
int diff_findings_mark(struct diff *df);

/*
 * diff_findings_differ - whether any cluster marked in df->findings has
 * a finding on one side only. Returns 1, 0, or -ENOMEM.
 */
int diff_findings_differ(const struct diff *df);

/*
 * diff_orders_merge - df->counters from both sides' counters. Returns 0
 * or -ENOMEM.
 */
int diff_orders_merge(struct diff *df);

/*
 * diff_orders_same - whether the orders, the counters both sides stored
 * and the totals agree.
 */
bool diff_orders_same(const struct diff *df);

#endif /* SWAPFS_DIFF_PARTS_H */
