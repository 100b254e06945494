/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * marks.h - one byte per cluster, derived once per load from the snapshot
 * and its analysis: what the device map aggregates into its cells.
 */
#ifndef SWAPVIEW_MARKS_H
#define SWAPVIEW_MARKS_H

#include <stdint.h>

#include <swapfs/analysis.h>
#include <swapfs/snapshot.h>

/* Map state classes: the cluster flags, and a flag out of range. */
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

struct marks {
	uint8_t *cluster;	/* the byte of each cluster */
	uint64_t marked[ANALYSIS_NR_CHECKS + 1];	/* clusters per highlight */
};

/*
 * marks_build - @m for snapshot @s and its analysis @a. Returns 0, or
 * -ENOMEM with @m as it was.
 */
int marks_build(struct marks *m, const struct snapshot *s,
		const struct analysis *a);

void marks_free(struct marks *m);

/*
 * marks_state_rank - how bad state class @state is, for a map cell that
 * shows several clusters: the higher, the more it is what people look for.
 */
unsigned int marks_state_rank(unsigned int state);

#endif /* SWAPVIEW_MARKS_H */
