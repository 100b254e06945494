/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * marks.h - per cluster, derived from the snapshot and its analysis once
 * per load and again for a cluster a live refresh changed: what the device
 * map aggregates into its cells. Two layers: the cluster's state (its
 * list, whether an order owns it) and its findings (which checks found
 * something in it), so the severity filter picks what a cell shows without
 * a walk of anything but these bytes.
 *
 * The severity filter (the 's' key) is the lowest severity shown: error,
 * warning (the default, as `swapfs check`'s) or info. Errors and warnings
 * are the glyph layer: a cluster's highest priority one replaces its state
 * glyph on the map. Info findings are a layer of their own that never
 * hides the state glyph or the order's colour: shown, they underline it.
 */
#ifndef SWAPVIEW_MARKS_H
#define SWAPVIEW_MARKS_H

#include <stdbool.h>
#include <stdint.h>

#include <swapfs/analysis.h>
#include <swapfs/snapshot.h>

/* Map state classes: the cluster flags, and a flag out of range. */
#define MARKS_STATE_BAD_FLAG	SNAPSHOT_CLUSTER_NR_FLAGS
#define MARKS_NR_STATES		(SNAPSHOT_CLUSTER_NR_FLAGS + 1)

/* marks byte of a cluster: bits 0..2 the state class, bit 7 owned. */
#define MARKS_STATE(m)		((m) & 7u)
#define MARKS_OWNED		0x80u

/* The severity filters, by the lowest enum analysis_severity shown. */
#define MARKS_NR_FILTERS	3

struct marks {
	uint8_t *cluster;	/* the byte of each cluster */
	uint16_t *checks;	/* bit c: a finding of check c belongs to it */
	/*
	 * [filter][h]: clusters whose glyph-layer highlight is h (1 +
	 * check; 0: none) under each filter
	 */
	uint64_t marked[MARKS_NR_FILTERS][ANALYSIS_NR_CHECKS + 1];
	uint64_t with[ANALYSIS_NR_CHECKS];	/* clusters with each check */
};

/*
 * marks_build - @m for snapshot @s and its analysis @a. Returns 0, or
 * -ENOMEM with @m as it was.
 */
int marks_build(struct marks *m, const struct snapshot *s,
		const struct analysis *a);

/*
 * marks_update - cluster @ci of @s changed and @a was updated for it:
 * its bytes and the counts, at O(checks).
 */
void marks_update(struct marks *m, const struct snapshot *s,
		  const struct analysis *a, uint32_t ci);

void marks_free(struct marks *m);

/*
 * marks_state_rank - how bad state class @state is, for a map cell that
 * shows several clusters: the higher, the more it is what people look for.
 */
unsigned int marks_state_rank(unsigned int state);

/* marks_shown - the checks filter @min (enum analysis_severity) shows. */
unsigned int marks_shown(unsigned int min);

/*
 * marks_glyph_mask / marks_info_mask - of those, the checks of the glyph
 * layer (errors and warnings) and of the info layer.
 */
unsigned int marks_glyph_mask(unsigned int min);
unsigned int marks_info_mask(unsigned int min);

/*
 * marks_highlight - the glyph layer of cluster @ci under filter @min:
 * 1 + its highest priority error or warning shown, 0 none.
 */
unsigned int marks_highlight(const struct marks *m, uint32_t ci,
			     unsigned int min);

/* marks_info - whether @ci shows the info layer under filter @min. */
bool marks_info(const struct marks *m, uint32_t ci, unsigned int min);

#endif /* SWAPVIEW_MARKS_H */
