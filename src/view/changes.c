// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * changes.c - the change layer's store (changes.h): a list of the
 * clusters that changed, each with its record before and a bitmap of its
 * slots that changed, and an index by cluster so the map and the cluster
 * view ask "did this change?" in O(1). Emptying it walks the list, so a
 * refresh pays for the clusters the previous one marked, not for the
 * device.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "text.h"

int changes_reset(struct changes *ch, const struct snapshot_device *dev)
{
	size_t i;

	if (ch->index && ch->nr_clusters == dev->nr_clusters &&
	    ch->cluster_size == dev->cluster_size) {
		for (i = 0; i < ch->nr; i++)
			ch->index[ch->list[i].ci] = 0;
	} else {
		free(ch->index);
		ch->nr_clusters = 0;
		ch->index = calloc(dev->nr_clusters ? dev->nr_clusters : 1,
				   sizeof(*ch->index));
		if (!ch->index)
			return -ENOMEM;
		ch->nr_clusters = dev->nr_clusters;
		ch->cluster_size = dev->cluster_size;
		ch->cluster_shift = dev->cluster_shift;
		ch->words_per_cluster = (dev->cluster_size + 63) / 64;
	}
	ch->max = dev->max;
	ch->nr = 0;
	ch->nr_words = 0;
	ch->slots = 0;
	ch->moved = 0;
	return 0;
}

/* Room for one more cluster and its bitmap. */
static int changes_grow(struct changes *ch)
{
	if (ch->nr == ch->alloc) {
		size_t alloc = ch->alloc ? 2 * ch->alloc : 64;
		struct changes_cluster *list = realloc(ch->list, alloc * sizeof(*list));

		if (!list)
			return -ENOMEM;
		ch->list = list;
		ch->alloc = alloc;
	}
	if (ch->nr_words + ch->words_per_cluster > ch->alloc_words) {
		size_t alloc = ch->alloc_words ? 2 * ch->alloc_words :
			       64 * ch->words_per_cluster;
		uint64_t *words = realloc(ch->words, alloc * sizeof(*words));

		if (!words)
			return -ENOMEM;
		ch->words = words;
		ch->alloc_words = alloc;
	}
	return 0;
}

/* Cluster @ci's entry, made (with @was) when it has none; NULL: ENOMEM. */
static struct changes_cluster *changes_entry(struct changes *ch, uint32_t ci,
					     const struct snapshot_cluster *was)
{
	struct changes_cluster *e;

	if (ch->index[ci])
		return &ch->list[ch->index[ci] - 1];
	if (changes_grow(ch))
		return NULL;
	e = &ch->list[ch->nr++];
	memset(e, 0, sizeof(*e));
	e->ci = ci;
	if (was)
		e->was = *was;
	e->bits = ch->nr_words;
	memset(ch->words + e->bits, 0, ch->words_per_cluster * sizeof(uint64_t));
	ch->nr_words += ch->words_per_cluster;
	ch->index[ci] = (uint32_t)ch->nr;
	return e;
}

int changes_mark(struct changes *ch, uint32_t ci,
		 const struct snapshot_cluster *was,
		 const struct snapshot_cluster *now)
{
	unsigned int what = (was->flags != now->flags ? CHANGES_LIST : 0) |
			    (was->order != now->order ? CHANGES_ORDER : 0) |
			    (was->count != now->count ? CHANGES_COUNT : 0);
	struct changes_cluster *e;

	if (ci >= ch->nr_clusters)
		return -EINVAL;
	if (!what)
		return 0;
	e = changes_entry(ch, ci, was);
	if (!e)
		return -ENOMEM;
	/* an entry made by its slots has no record yet */
	if (!(e->what & (CHANGES_MOVED | CHANGES_COUNT)))
		e->was = *was;
	if (!(e->what & CHANGES_MOVED) && (what & CHANGES_MOVED))
		ch->moved++;
	e->what |= what;
	return 0;
}

int changes_mark_slots(struct changes *ch, uint32_t first, uint32_t nr)
{
	uint32_t slot;

	if (first >= ch->max || nr > ch->max - first)
		return -EINVAL;
	for (slot = first; slot < first + nr; slot++) {
		uint32_t ci = slot >> ch->cluster_shift, i = slot & (ch->cluster_size - 1);
		struct changes_cluster *e = changes_entry(ch, ci, NULL);
		uint64_t *w;

		if (!e)
			return -ENOMEM;
		w = &ch->words[e->bits + i / 64];
		if (*w & (1ull << (i % 64)))
			continue;
		*w |= 1ull << (i % 64);
		e->what |= CHANGES_SLOTS;
		e->nr_slots++;
		ch->slots++;
	}
	return 0;
}

const struct changes_cluster *changes_of(const struct changes *ch, uint32_t ci)
{
	if (!ch->nr || ci >= ch->nr_clusters || !ch->index[ci])
		return NULL;
	return &ch->list[ch->index[ci] - 1];
}

bool changes_slot(const struct changes *ch, uint32_t slot)
{
	const struct changes_cluster *e = changes_of(ch, slot >> ch->cluster_shift);
	uint32_t i = slot & (ch->cluster_size - 1);

	return e && (ch->words[e->bits + i / 64] >> (i % 64) & 1);
}

static const char *changes_flag_name(unsigned int flags)
{
	return flags < SNAPSHOT_CLUSTER_NR_FLAGS ? snapshot_cluster_flag_name(flags) :
	       "bad-flag";
}

void changes_describe(const struct changes_cluster *e,
		      const struct snapshot_cluster *now, char *buf, size_t len,
		      size_t *n)
{
	const char *sep = "";

	if (e->what & CHANGES_LIST) {
		text_append(buf, len, n, "list %s -> %s", changes_flag_name(e->was.flags),
			    changes_flag_name(now->flags));
		sep = ", ";
	}
	if (e->what & CHANGES_ORDER) {
		text_append(buf, len, n, "%sorder %u -> %u", sep, e->was.order,
			    now->order);
		sep = ", ";
	}
	if (e->what & CHANGES_COUNT) {
		text_append(buf, len, n, "%scount %u -> %u", sep, e->was.count,
			    now->count);
		sep = ", ";
	}
	if (e->nr_slots)
		text_append(buf, len, n, "%s%u slot%s", sep, e->nr_slots,
			    e->nr_slots == 1 ? "" : "s");
}

void changes_free(struct changes *ch)
{
	free(ch->index);
	free(ch->list);
	free(ch->words);
	memset(ch, 0, sizeof(*ch));
}
