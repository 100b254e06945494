// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * marks.c - per cluster, derived once per load and again for a cluster a
 * refresh changed: its state class (the list it is on, whether an order
 * owns it) and the checks that found something in it (a bit each, from
 * the analysis' per-cluster counts). The device map aggregates these into
 * cells; on a 1 TiB device that is a tight loop over 1.5 MiB instead of a
 * walk of the slots, and a change of the severity filter costs no walk.
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

unsigned int marks_shown(unsigned int min)
{
	unsigned int mask = 0, c;

	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		if ((unsigned int)analysis_check_severity(c) >= min)
			mask |= 1u << c;
	return mask;
}

unsigned int marks_glyph_mask(unsigned int min)
{
	return marks_shown(min > ANALYSIS_WARNING ? min : ANALYSIS_WARNING);
}

unsigned int marks_info_mask(unsigned int min)
{
	return marks_shown(min) & ~marks_glyph_mask(min);
}

/* The lowest set bit of @mask, plus one; 0 for none. */
static unsigned int marks_first(unsigned int mask)
{
	return mask ? (unsigned int)__builtin_ctz(mask) + 1 : 0;
}

unsigned int marks_highlight(const struct marks *m, uint32_t ci,
			     unsigned int min)
{
	return marks_first(m->checks[ci] & marks_glyph_mask(min));
}

bool marks_info(const struct marks *m, uint32_t ci, unsigned int min)
{
	return (m->checks[ci] & marks_info_mask(min)) != 0;
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

static uint8_t marks_cluster(const struct snapshot_cluster *c)
{
	unsigned int state = c->flags < SNAPSHOT_CLUSTER_NR_FLAGS ?
			     c->flags : MARKS_STATE_BAD_FLAG;

	return (uint8_t)(state | (marks_owned(c) ? MARKS_OWNED : 0));
}

static uint16_t marks_checks(const struct analysis_cluster *ac)
{
	unsigned int chk, mask = 0;

	for (chk = 0; chk < ANALYSIS_NR_CHECKS; chk++)
		if (ac->findings[chk])
			mask |= 1u << chk;
	return (uint16_t)mask;
}

/* Cluster @ci's share of the counts: added (@sign 1) or taken out (-1). */
static void marks_count(struct marks *m, uint32_t ci, int sign)
{
	unsigned int f, c;

	for (f = 0; f < MARKS_NR_FILTERS; f++)
		m->marked[f][marks_highlight(m, ci, f)] += (uint64_t)(int64_t)sign;
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		if (m->checks[ci] & (1u << c))
			m->with[c] += (uint64_t)(int64_t)sign;
}

int marks_build(struct marks *m, const struct snapshot *s,
		const struct analysis *a)
{
	uint32_t n = s->dev.nr_clusters, ci;
	uint8_t *cluster = malloc(n ? n : 1);
	uint16_t *checks = malloc((n ? n : 1) * sizeof(*checks));

	if (!cluster || !checks) {
		free(cluster);
		free(checks);
		return -ENOMEM;
	}
	free(m->cluster);
	free(m->checks);
	memset(m, 0, sizeof(*m));
	m->cluster = cluster;
	m->checks = checks;
	for (ci = 0; ci < n; ci++) {
		cluster[ci] = marks_cluster(&s->clusters[ci]);
		checks[ci] = marks_checks(&a->clusters[ci]);
		marks_count(m, ci, 1);
	}
	return 0;
}

void marks_update(struct marks *m, const struct snapshot *s,
		  const struct analysis *a, uint32_t ci)
{
	marks_count(m, ci, -1);
	m->cluster[ci] = marks_cluster(&s->clusters[ci]);
	m->checks[ci] = marks_checks(&a->clusters[ci]);
	marks_count(m, ci, 1);
}

void marks_free(struct marks *m)
{
	free(m->cluster);
	free(m->checks);
	memset(m, 0, sizeof(*m));
}
