/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scan.h - the per-cluster scanner behind analysis_run() and
 * analysis_cluster_findings() (internal to the analysis; its parts are
 * in scan-*.c, what they share in scan-parts.h).
 */
#ifndef SWAPFS_SCAN_H
#define SWAPFS_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "swapfs/analysis.h"

/*
 * scan_cluster - scan cluster @ci of @s once: fill @ac (slot counts,
 * free blocks, findings per check in @mask), add the known runs that start
 * in the cluster to @runs[order] (SNAPSHOT_MAX_ORDER + 1 entries, zeroed by
 * the caller), and pass each finding of @mask to @fn (may be NULL) in
 * stream order. @folio (may be NULL): in, the index of a folio at or
 * before the cluster's first folio (0 to start); out, the index of the
 * first folio after the cluster, for the next cluster. Returns 0 or @fn's
 * non-zero value.
 */
int scan_cluster(const struct snapshot *s, uint32_t ci, unsigned int mask,
		 analysis_finding_fn fn, void *arg,
		 struct analysis_cluster *ac, uint32_t *runs, size_t *folio);

/*
 * scan_blocks_from - aligned-to-@from runs of 2^@order slots, all
 * free, in [@from, @end): what the v6.10 scan_swap_map_try_ssd_cluster()
 * finds stepping from a per-CPU next[order] hint to the cluster's end.
 */
uint32_t scan_blocks_from(const struct snapshot *s, uint32_t from,
			  uint32_t end, unsigned int order);

/* scan_era - the snapshot's era, 'A'..'G' ('H' and unknown read as 'G'). */
char scan_era(const struct snapshot *s);

#endif /* SWAPFS_SCAN_H */
