// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * findnav.c - the findings of the whole device that the severity filter
 * shows, in `swapfs check` stream order, without making them all: a
 * device can have millions.
 *
 * The analysis counts each cluster's findings per check; a prefix sum of
 * those counts numbers every finding (finding g lives in the cluster whose
 * range of numbers holds g, found by binary search). The findings of one
 * cluster are made again when asked for, by analysis_cluster_findings(),
 * at O(cluster) cost, and kept until another cluster is asked for. Within
 * a cluster the stream is ordered by offset (the cluster checks carry its
 * first slot), and a finding belongs to the cluster of its first slot, so
 * offsets never go down along the stream: "the next finding from slot s"
 * is one cluster's scan away. n and N walk this numbering (nav.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "findnav.h"

int findnav_build(struct findnav *nav, const struct analysis *a,
		  unsigned int mask)
{
	uint32_t n = a->snap->dev.nr_clusters, ci;
	uint64_t *prefix = malloc(((size_t)n + 1) * sizeof(*prefix));
	uint64_t sum = 0;
	unsigned int chk;

	if (!prefix)
		return -ENOMEM;
	for (ci = 0; ci < n; ci++) {
		prefix[ci] = sum;
		for (chk = 0; chk < ANALYSIS_NR_CHECKS; chk++)
			if (mask & (1u << chk))
				sum += a->clusters[ci].findings[chk];
	}
	prefix[n] = sum;
	free(nav->prefix);
	nav->prefix = prefix;
	nav->total = sum;
	nav->mask = mask;
	nav->valid = false;
	return 0;
}

void findnav_free(struct findnav *nav)
{
	free(nav->prefix);
	free(nav->list);
	memset(nav, 0, sizeof(*nav));
}

static int findnav_collect(const struct analysis_finding *f, void *arg)
{
	struct findnav *nav = arg;

	if (nav->nr == nav->alloc) {
		size_t alloc = nav->alloc ? 2 * nav->alloc : 64;
		struct analysis_finding *list = realloc(nav->list,
							alloc * sizeof(*list));

		if (!list)
			return -ENOMEM;
		nav->list = list;
		nav->alloc = alloc;
	}
	nav->list[nav->nr++] = *f;
	return 0;
}

int findnav_cluster(struct findnav *nav, const struct analysis *a, uint32_t ci,
		    const struct analysis_finding **list, size_t *nr)
{
	int rc = 0;

	if (!nav->valid || nav->ci != ci) {
		nav->nr = 0;
		nav->ci = ci;
		rc = analysis_cluster_findings(a, ci, nav->mask,
					       findnav_collect, nav);
		nav->valid = !rc;
		if (rc)
			nav->nr = 0;
	}
	*list = nav->list;
	*nr = nav->nr;
	return rc;
}

uint64_t findnav_first(const struct findnav *nav, uint32_t ci)
{
	return nav->prefix[ci];
}

/* The cluster that holds finding @g (< total): the last ci with prefix <= g. */
static uint32_t findnav_cluster_of(const struct findnav *nav, uint32_t n,
				   uint64_t g)
{
	uint32_t lo = 0, hi = n;	/* prefix[lo] <= g < prefix[hi] */

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (nav->prefix[mid] <= g)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

const struct analysis_finding *findnav_get(struct findnav *nav,
					   const struct analysis *a, uint64_t g)
{
	const struct analysis_finding *list;
	uint32_t ci;
	size_t nr;

	if (g >= nav->total)
		return NULL;
	ci = findnav_cluster_of(nav, a->snap->dev.nr_clusters, g);
	findnav_cluster(nav, a, ci, &list, &nr);
	g -= nav->prefix[ci];
	return g < nr ? &list[g] : NULL;
}

uint64_t findnav_from_slot(struct findnav *nav, const struct analysis *a,
			   uint32_t slot)
{
	uint32_t ci = slot >> a->snap->dev.cluster_shift;
	const struct analysis_finding *list;
	size_t i, nr;

	if (ci >= a->snap->dev.nr_clusters)
		return nav->total;
	if (nav->prefix[ci + 1] == nav->prefix[ci])
		return nav->prefix[ci];
	findnav_cluster(nav, a, ci, &list, &nr);
	for (i = 0; i < nr && list[i].offset < slot; i++)
		;
	return i < nr ? nav->prefix[ci] + i : nav->prefix[ci + 1];
}
