/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * moving.h - the clusters that were moving while a snapshot was taken:
 * a reader of the running kernel (live.h) that reads a cluster again and
 * again and never finds its record and its slots agreeing keeps what it
 * read last, made consistent with itself, and marks the cluster here.
 * The analysis reports no finding in a moving cluster (what it would find
 * may be the kernel changing it under the reader, not a state the kernel
 * ever had), and stat and check say how many there were.
 *
 * Stored with the snapshot as the info key live_moving_clusters (so a dump
 * or a snapshot file of a live read keeps them): cluster indexes and
 * ranges, increasing, blank-separated: "12 40-43 100" (swapfs-dump(5)).
 * info_apply() rebuilds the list from it.
 */
#ifndef SWAPFS_MOVING_H
#define SWAPFS_MOVING_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_MODEL)
#error "swapfs/moving.h belongs to the model: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/snapshot.h"

/* The info key that holds the list. */
#define MOVING_KEY	"live_moving_clusters"

/* The longest value moving_format() writes: a dump's info line holds it. */
#define MOVING_VALUE_MAX	3072

/*
 * moving_add - mark cluster @ci of @s as moving (once; any order, kept
 * sorted). Returns 0 or -ENOMEM.
 */
int moving_add(struct snapshot *s, uint32_t ci);

/* moving_has - whether cluster @ci of @s was moving. O(log moving). */
bool moving_has(const struct snapshot *s, uint32_t ci);

/*
 * moving_check - whether @value is a list as MOVING_KEY holds it
 * (numbers and ranges a-b with a < b, strictly increasing, one blank
 * between). Returns NULL, or why not.
 */
const char *moving_check(const char *value);

/*
 * moving_parse - @s's moving clusters from a checked @value; each below
 * @s->dev.nr_clusters. Returns 0, -EINVAL (one past the end; *@bad is it)
 * or -ENOMEM.
 */
int moving_parse(struct snapshot *s, const char *value, uint32_t *bad);

/*
 * moving_format - @s's moving clusters as MOVING_KEY holds them, into
 * @buf of @len bytes. Returns 0, or -ENOSPC when they do not fit.
 */
int moving_format(const struct snapshot *s, char *buf, size_t len);

#endif /* SWAPFS_MOVING_H */
