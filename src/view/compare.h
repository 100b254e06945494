/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare.h - the change layer (changes.h) from two models of one device:
 * what a live refresh read differently from the read before.
 */
#ifndef SWAPVIEW_COMPARE_H
#define SWAPVIEW_COMPARE_H

#include <stdbool.h>

#include <swapfs/snapshot.h>

#include "changes.h"

/* compare_same_device - @a and @b have one geometry: they can be compared. */
bool compare_same_device(const struct snapshot *a, const struct snapshot *b);

/*
 * compare_models - mark in @ch (emptied first) every cluster whose record
 * differs between @before and @now, and every slot whose state differs:
 * its word (count, cache, bad, zero, zswap, run), its exact count, its
 * shmem mark, or the swap-cache folio over it (added, gone, or another
 * order or flags). O(device) bytes compared at memory speed (each
 * cluster's slot words once, with memcmp), O(changed) for the rest.
 * Returns 0, -EINVAL for two devices of another geometry, -ENOMEM (then
 * @ch holds part of the changes).
 */
int compare_models(const struct snapshot *before, const struct snapshot *now,
		   struct changes *ch);

#endif /* SWAPVIEW_COMPARE_H */
