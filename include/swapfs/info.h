/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * info.h - the device's info keys (the dump's `info` file, the snapshot
 * file's info table): checked one by one, then turned into the model's
 * struct snapshot_device. One home, so a dump and a hand-edited snapshot
 * file are held to the same rules.
 *
 * Keys and their rules (swapfs-dump(5)): format "swapfs-dump 1"; kernel a
 * non-empty release; era A..G (default: from kernel); page_size a power of
 * two 4096..262144; cluster_size a power of two 1..16384; max 1..2^32-1;
 * pages <= max; inuse_pages <= max; type 0..31; path; flags "0x<hex>"
 * optionally followed by names; prio -32768..32767; nr_orders
 * 1..log2(cluster_size)+1; rotational 0 or 1; live_moving_clusters
 * clusters below nr_clusters (moving.h: info_apply() fills the model's
 * moving list from it); area 0..31 and areas 1..32, both or neither,
 * area < areas (one of several areas read at one moment: a simulator run
 * with several --area, a live: read of every active area). Unknown keys
 * are kept.
 */
#ifndef SWAPFS_INFO_H
#define SWAPFS_INFO_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_MODEL)
#error "swapfs/info.h belongs to the model: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/snapshot.h"

/* Why a key was refused: the rule identifier and a sentence. */
struct info_error {
	const char *rule;	/* e.g. "info-page-size" */
	const char *key;	/* the key at fault, NULL for a missing one */
	char why[200];
};

/*
 * info_key_ok - whether the @len bytes at @key make a key as an info file
 * holds it: [A-Za-z0-9_.-]+ (the first word of a "key: value" line).
 */
bool info_key_ok(const char *key, size_t len);

/*
 * info_check - validate one key's value in isolation (unknown keys pass).
 * Returns 0, or -EINVAL with @e filled.
 */
int info_check(const char *key, const char *value, struct info_error *e);

/*
 * info_apply - fill @s->dev from @s->info: required keys present, the era
 * derived when not given, cross-key rules (pages <= max, nr_orders against
 * cluster_size). Does not size the slot arrays (the caller bounds max by
 * the bytes that carry the slots first). Returns 0 or -EINVAL with @e.
 */
int info_apply(struct snapshot *s, struct info_error *e);

/* The geometry and state a source that builds a device (the simulator, a
 * capture) states of it, as the kernel's swap_info_struct holds them. */
struct info_device {
	uint32_t max;
	uint64_t pages, inuse_pages;
	uint32_t page_size, cluster_size;
	unsigned int nr_orders;
	uint64_t flags;		/* SWP_* bits */
};

/*
 * info_set_device - set the keys format ("swapfs-dump 1"), kernel, era
 * (unless @era is NULL), then max, pages, inuse_pages, page_size,
 * cluster_size, nr_orders and flags of @s from @d, in that order (the
 * order the dump's info file shows them). The caller adds its own keys
 * and then calls info_apply(). Returns 0 or -ENOMEM.
 */
int info_set_device(struct snapshot *s, const char *kernel, const char *era,
		    const struct info_device *d);

/*
 * info_era_for_kernel - the era of a kernel release ("6.18.44" -> 'E'):
 * <= 6.9 A, 6.10-6.11 B, 6.12-6.13 C, 6.14-6.17 D, 6.18-6.19 E, 7.0 F,
 * >= 7.1 G. Returns 0 for a string that does not start with X.Y.
 */
char info_era_for_kernel(const char *release);

#endif /* SWAPFS_INFO_H */
