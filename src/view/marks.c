// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * marks.c - one byte per cluster, derived once per load: its state class
 * (the list it is on) and its highlight (the highest priority finding that
 * belongs to it, from the analysis' per-cluster counts). The device map
 * aggregates these bytes into cells; on a 1 TiB device that is a tight
 * loop over 512 KiB instead of a walk of the slots.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "marks.h"

/*
 * How bad a state is, for the cell that shows several clusters: a
 * fragmented cluster is what people look for, then partly used ones.
 * Indexed by state class.
 */
static const unsigned char marks_rank[MARKS_NR_STATES] = {
	[SNAPSHOT_CLUSTER_FREE] = 0,
	[SNAPSHOT_CLUSTER_DISCARD] = 1,
	[SNAPSHOT_CLUSTER_NONE] = 2,
	[SNAPSHOT_CLUSTER_FULL] = 3,
	[SNAPSHOT_CLUSTER_NONFULL] = 4,
	[SNAPSHOT_CLUSTER_FRAG] = 5,
	[MARKS_STATE_BAD_FLAG] = 6,
};

unsigned int marks_state_rank(unsigned int state)
{
	return state < MARKS_NR_STATES ? marks_rank[state] : 6;
}

/*
 * Whether an order owns the cluster: it is on a list of an order, or off
 * any list with slots in use (eras A and B, isolated clusters).
 */
static bool marks_owned(const struct snapshot_cluster *c)
{
	switch (c->flags) {
	case SNAPSHOT_CLUSTER_NONFULL:
	case SNAPSHOT_CLUSTER_FRAG:
	case SNAPSHOT_CLUSTER_FULL:
		return true;
	case SNAPSHOT_CLUSTER_NONE:
		return c->count > 0;
	default:
		return false;
	}
}

static uint8_t marks_cluster(const struct snapshot_cluster *c,
			     const struct analysis_cluster *ac)
{
	unsigned int state = c->flags < SNAPSHOT_CLUSTER_NR_FLAGS ?
			     c->flags : MARKS_STATE_BAD_FLAG;
	unsigned int chk;

	if (marks_owned(c))
		state |= MARKS_OWNED;
	for (chk = 0; chk < ANALYSIS_NR_CHECKS; chk++)
		if (ac->findings[chk])
			return (uint8_t)(state | (chk + 1) << 3);
	return (uint8_t)state;
}

int marks_build(struct marks *m, const struct snapshot *s,
		const struct analysis *a)
{
	uint32_t n = s->dev.nr_clusters, ci;
	uint8_t *marks = malloc(n ? n : 1);

	if (!marks)
		return -ENOMEM;
	memset(m->marked, 0, sizeof(m->marked));
	for (ci = 0; ci < n; ci++) {
		marks[ci] = marks_cluster(&s->clusters[ci], &a->clusters[ci]);
		m->marked[MARKS_HIGHLIGHT(marks[ci])]++;
	}
	free(m->cluster);
	m->cluster = marks;
	return 0;
}

void marks_free(struct marks *m)
{
	free(m->cluster);
	memset(m, 0, sizeof(*m));
}
