// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay-state.c - what the fidelity harness compares of a swap area at a
 * checkpoint, from a snapshot of either side (live: or the simulator):
 * clusters by order and list, and the partly used aligned blocks of each
 * cluster order.
 */
#include <stdlib.h>
#include <string.h>

#include "replay.h"

const char *const kr_stat_names[KR_NR_STATS] = {
	[KR_SWPOUT]		= "swpout",
	[KR_SWPOUT_FALLBACK]	= "swpout_fallback",
	[KR_SWPIN]		= "swpin",
	[KR_SWPIN_FALLBACK]	= "swpin_fallback",
	[KR_FAULT_ALLOC]	= "anon_fault_alloc",
	[KR_FAULT_FALLBACK]	= "anon_fault_fallback",
};

/* Partly used aligned blocks of 2^@order slots in cluster @ci of @s. */
static uint32_t kr_state_partial(const struct snapshot *s, uint32_t ci,
				 unsigned int order)
{
	uint32_t cs = s->dev.cluster_size, first = ci * cs, b, i, used, n = 0;
	uint32_t bs = 1u << order;

	for (b = first; b < first + cs && b < s->dev.max; b += bs) {
		used = 0;
		for (i = b; i < b + bs && i < s->dev.max; i++)
			used += !snapshot_slot_free(s->slots[i]);
		n += used && used < bs;
	}
	return n;
}

void kr_state_of(const struct snapshot *s, uint32_t round,
		 struct kr_state *st)
{
	const struct snapshot_cluster *c;
	uint32_t ci, part;

	memset(st, 0, sizeof(*st));
	st->round = round;
	st->clusters = s->dev.nr_clusters;
	for (ci = 0; ci < s->dev.max; ci++)
		st->inuse += !snapshot_slot_free(s->slots[ci]) &&
			     !(s->slots[ci] & SNAPSHOT_SLOT_BAD);
	for (ci = 0; ci < s->dev.nr_clusters; ci++) {
		c = &s->clusters[ci];
		if (c->order >= KR_ORDERS || c->flags >= SNAPSHOT_CLUSTER_NR_FLAGS)
			continue;
		st->list[c->order][c->flags]++;
		if (!c->order || c->flags == SNAPSHOT_CLUSTER_FREE)
			continue;
		part = kr_state_partial(s, ci, c->order);
		st->partial[c->order] += part;
		st->mixed[c->order] += part != 0;
	}
}

bool kr_checkpoint_due(const struct kr_result *r, uint32_t round)
{
	unsigned int i;

	for (i = 0; i < r->nr_checkpoints; i++)
		if (r->checkpoint_at[i] == round)
			return true;
	return false;
}

uint32_t kr_orders_of(const struct workload_selftest *p, uint32_t page_size)
{
	unsigned int shift = (unsigned int)__builtin_ctz(page_size), b;
	uint32_t orders = 0;

	if (p->mixed)
		return p->mixed_orders & ~1u;
	for (b = shift + 1; b < 32; b++)
		if (p->sizes & (1u << b))
			orders |= 1u << (b - shift);
	return orders;
}
