/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * changes.h - the change layer: what changed between two states of one
 * device, as the map and the cluster view draw it over the state. Per
 * cluster: whether its list, order or count changed (and its record
 * before), and which of its slots changed state.
 *
 * Anything that compares two models feeds it through changes_mark() and
 * changes_mark_slots(): compare.c does for a live refresh; a diff of two
 * snapshots of a series (the diff library) can feed the same calls. It
 * costs what changed: clearing walks the clusters marked, never the
 * device (one index word per cluster is the only O(device) part).
 *
 * Ownership: a struct changes is the caller's; changes_reset() sizes it
 * for a device and empties it, changes_free() releases it.
 */
#ifndef SWAPVIEW_CHANGES_H
#define SWAPVIEW_CHANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <swapfs/snapshot.h>

/* What changed in a cluster (struct changes_cluster.what). */
#define CHANGES_LIST	0x01u	/* ci->flags: the list it is on */
#define CHANGES_ORDER	0x02u	/* ci->order */
#define CHANGES_COUNT	0x04u	/* ci->count */
#define CHANGES_SLOTS	0x08u	/* some of its slots changed state */
/* "moved": the list or the order, what the map marks strongest */
#define CHANGES_MOVED	(CHANGES_LIST | CHANGES_ORDER)

struct changes_cluster {
	uint32_t ci;
	unsigned int what;		/* CHANGES_* */
	struct snapshot_cluster was;	/* the record before */
	uint32_t nr_slots;		/* its slots that changed */
	size_t bits;			/* its slot bitmap in words[] */
};

struct changes {
	uint32_t nr_clusters, cluster_size, cluster_shift, max;
	uint32_t *index;	/* [ci]: 1 + its place in list, 0 unchanged */
	struct changes_cluster *list;	/* in the order marked */
	size_t nr, alloc;
	uint64_t *words;	/* slot bitmaps, words_per_cluster each */
	size_t nr_words, alloc_words, words_per_cluster;
	uint64_t slots;		/* slots changed, in all */
	uint64_t moved;		/* clusters with CHANGES_MOVED */
};

/*
 * changes_reset - empty @ch, sized for device @dev (the index is made
 * again only when the number of clusters differs). O(clusters marked).
 * Returns 0 or -ENOMEM (then @ch is empty and sized for nothing).
 */
int changes_reset(struct changes *ch, const struct snapshot_device *dev);

/*
 * changes_mark - cluster @ci's record was @was and is @now: mark what
 * differs (nothing when they are equal). A cluster marked again keeps the
 * first @was that differed. Returns 0, -EINVAL for @ci out of range,
 * -ENOMEM.
 */
int changes_mark(struct changes *ch, uint32_t ci,
		 const struct snapshot_cluster *was,
		 const struct snapshot_cluster *now);

/*
 * changes_mark_slots - slots [@first, @first + @nr) changed state, in
 * any order with changes_mark(). Returns 0, -EINVAL out of range,
 * -ENOMEM.
 */
int changes_mark_slots(struct changes *ch, uint32_t first, uint32_t nr);

/* changes_of - what changed in cluster @ci, NULL for nothing. */
const struct changes_cluster *changes_of(const struct changes *ch, uint32_t ci);

/* changes_slot - whether @slot changed state. */
bool changes_slot(const struct changes *ch, uint32_t slot);

/*
 * changes_describe - what changed in @e, cluster record now @now, in words
 * at *@n of @buf (text_append()): "list nonfull -> frag, order 0 -> 4,
 * count 3 -> 10, 5 slots".
 */
void changes_describe(const struct changes_cluster *e,
		      const struct snapshot_cluster *now, char *buf, size_t len,
		      size_t *n);

/* changes_free - release @ch; it is empty and sized for nothing then. */
void changes_free(struct changes *ch);

#endif /* SWAPVIEW_CHANGES_H */
