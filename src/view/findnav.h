/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * findnav.h - the findings of the whole device that the severity filter
 * shows, numbered in `swapfs check` stream order, derived once per load
 * (and per refresh, per change of the filter) without making them all.
 */
#ifndef SWAPVIEW_FINDNAV_H
#define SWAPVIEW_FINDNAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <swapfs/analysis.h>

struct findnav {
	uint64_t *prefix;	/* [ci]: findings in clusters before ci; nr + 1 */
	uint64_t total;
	unsigned int mask;	/* the checks numbered (marks_shown()) */
	/* the findings of one cluster, fetched again on demand */
	uint32_t ci;
	bool valid;
	struct analysis_finding *list;
	size_t nr, alloc;
};

/*
 * findnav_build - number the findings of analysis @a of the checks in
 * @mask. O(clusters). 0 or -ENOMEM (@nav as it was).
 */
int findnav_build(struct findnav *nav, const struct analysis *a,
		  unsigned int mask);

void findnav_free(struct findnav *nav);

/* findnav_get - finding number @g (0-based), or NULL. */
const struct analysis_finding *findnav_get(struct findnav *nav,
					   const struct analysis *a, uint64_t g);

/*
 * findnav_cluster - the findings of cluster @ci into *@list and *@nr,
 * valid until the next findnav call. Returns 0, or -errno with an empty
 * list.
 */
int findnav_cluster(struct findnav *nav, const struct analysis *a, uint32_t ci,
		    const struct analysis_finding **list, size_t *nr);

/* findnav_first - the number of the first finding of cluster @ci. */
uint64_t findnav_first(const struct findnav *nav, uint32_t ci);

/* findnav_from_slot - the first finding at or after @slot (total: none). */
uint64_t findnav_from_slot(struct findnav *nav, const struct analysis *a,
			   uint32_t slot);

#endif /* SWAPVIEW_FINDNAV_H */
