// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff-slots.c - the changed slots of one cluster, as runs (diff.h): what
 * a slot is on each side, which of its attributes changed, and the
 * maximal ranges that changed the same way.
 *
 * Only a changed cluster is looked at slot by slot; an unchanged one has
 * no runs by diff_walk()'s word compare.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diff-parts.h"

static const char *const diff_kinds[DIFF_NR_KINDS] = {
	[DIFF_KIND_FREE] = "free",
	[DIFF_KIND_USED] = "used",
	[DIFF_KIND_CACHE_ONLY] = "cache-only",
	[DIFF_KIND_BAD] = "bad",
};

static const char *const diff_attrs[DIFF_NR_ATTRS] = {
	"count", "cached", "bad", "zero", "zswap", "shmem", "run",
};

const char *diff_kind_name(enum diff_kind kind)
{
	return (unsigned int)kind < DIFF_NR_KINDS ? diff_kinds[kind] : "?";
}

const char *diff_attr_name(unsigned int bit_index)
{
	return bit_index < DIFF_NR_ATTRS ? diff_attrs[bit_index] : "?";
}

const char *diff_attr_format(unsigned int changed, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < DIFF_NR_ATTRS && len; i++) {
		int n;

		if (!(changed & (1u << i)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			     diff_attrs[i]);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

enum diff_kind diff_slot_kind(const struct snapshot *s, uint32_t slot)
{
	uint16_t w = s->slots[slot];

	if (w & SNAPSHOT_SLOT_BAD)
		return DIFF_KIND_BAD;
	if (w & SNAPSHOT_SLOT_COUNT)
		return DIFF_KIND_USED;
	if (w & SNAPSHOT_SLOT_CACHED)
		return DIFF_KIND_CACHE_ONLY;
	return DIFF_KIND_FREE;
}

/* The attributes of @slot that differ between the two sides. */
static unsigned int diff_slot_attrs(const struct diff *df, uint32_t slot)
{
	const struct snapshot *a = df->a.snap, *b = df->b.snap;
	uint16_t wa = a->slots[slot], wb = b->slots[slot], x = wa ^ wb;
	unsigned int m = 0;

	if (x & SNAPSHOT_SLOT_COUNT)
		m |= DIFF_ATTR_COUNT;
	else if ((wa & SNAPSHOT_SLOT_COUNT) == SNAPSHOT_COUNT_BIG &&
		 snapshot_count(a, slot) != snapshot_count(b, slot))
		m |= DIFF_ATTR_COUNT;	/* both in the counts table */
	if (x & SNAPSHOT_SLOT_CACHED)
		m |= DIFF_ATTR_CACHED;
	if (x & SNAPSHOT_SLOT_BAD)
		m |= DIFF_ATTR_BAD;
	if (x & SNAPSHOT_SLOT_ZERO)
		m |= DIFF_ATTR_ZERO;
	if (x & SNAPSHOT_SLOT_ZSWAP)
		m |= DIFF_ATTR_ZSWAP;
	if (x & (SNAPSHOT_SLOT_HEAD | SNAPSHOT_SLOT_ORDER))
		m |= DIFF_ATTR_RUN;
	if ((a->nr_shmem || b->nr_shmem) &&
	    snapshot_is_shmem(a, slot) != snapshot_is_shmem(b, slot))
		m |= DIFF_ATTR_SHMEM;
	return m;
}

bool diff_slot_changed(const struct diff *df, uint32_t slot)
{
	if (slot >= df->a.snap->dev.max ||
	    !diff_bit(df->changed, slot >> df->cluster_shift))
		return false;
	return diff_slot_attrs(df, slot) != 0;
}

/* Whether slot @slot extends run @r: next to it, changed the same way. */
static bool diff_run_extends(const struct diff_run *r, uint32_t slot,
			     unsigned int from, unsigned int to, unsigned int m)
{
	return r->first + r->nr == slot && r->from == from && r->to == to &&
	       r->changed == m;
}

int diff_cluster(const struct diff *df, uint32_t ci, struct diff_cluster *c,
		 struct diff_run *runs, size_t max)
{
	const struct snapshot *a = df->a.snap, *b = df->b.snap;
	struct diff_run cur = { 0 };
	uint32_t slot, end;

	if (ci >= df->nr_clusters)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->index = ci;
	c->a = a->clusters[ci];
	c->b = b->clusters[ci];
	if (!diff_bit(df->changed, ci))
		return 0;
	end = snapshot_cluster_end(a, ci);
	for (slot = snapshot_cluster_first(a, ci); slot < end; slot++) {
		unsigned int m, from, to;

		if (a->slots[slot] == b->slots[slot] && !a->nr_shmem &&
		    !b->nr_shmem &&
		    (a->slots[slot] & SNAPSHOT_SLOT_COUNT) != SNAPSHOT_COUNT_BIG)
			continue;	/* the common case, decided by the words */
		m = diff_slot_attrs(df, slot);
		if (!m)
			continue;
		c->slots_changed++;
		from = diff_slot_kind(a, slot);
		to = diff_slot_kind(b, slot);
		if (cur.nr && diff_run_extends(&cur, slot, from, to, m)) {
			cur.nr++;
			continue;
		}
		if (cur.nr && c->nr_runs++ < max)
			runs[c->nr_runs - 1] = cur;
		cur = (struct diff_run){ .first = slot, .nr = 1, .from = (uint8_t)from,
					 .to = (uint8_t)to, .changed = (uint8_t)m };
	}
	if (cur.nr && c->nr_runs++ < max)
		runs[c->nr_runs - 1] = cur;
	return c->nr_runs > max ? -ENOSPC : 0;
}
