/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prom.h - `swapfs stat --format prometheus`: a snapshot's state in the
 * Prometheus text exposition format (version 0.0.4), for node_exporter's
 * textfile collector. swapfs(8), METRICS, lists the metrics.
 */
#ifndef SWAPFS_PROM_H
#define SWAPFS_PROM_H

#include <stdio.h>

struct snapshot;
struct analysis;

/*
 * prom_print - the metrics of @s (analysed as @a), loaded from the
 * source named @src, to @out: per area, per order and list, per check;
 * for a live: source also the kernel's hugepages-<size>kB/stats
 * counters. Returns 0, -ENOMEM, or -errno of the sysfs read or the write.
 */
int prom_print(FILE *out, const char *src, const struct snapshot *s,
	       const struct analysis *a);

#endif /* SWAPFS_PROM_H */
