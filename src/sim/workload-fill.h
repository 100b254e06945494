/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-fill.h - what the generators random and fragment share
 * (workload-fill.c): the device filled to a level with random orders on
 * round-robin CPUs, and the set of live allocations a free picks its
 * victim from, uniformly.
 *
 * The live allocations are two arrays of slot offsets: order 0 ones
 * plain, larger ones with the order in the low bits the alignment leaves
 * zero (offset | (2^(k-1) - 1): k = trailing ones + 1). A free takes a
 * uniform random index and fills the hole with the last entry: O(1), 4
 * bytes a live allocation, no per-operation allocation.
 *
 * What every operation of random's loop does is inline here: the loop
 * runs 10^7 operations a second, and a call would cost as much as the
 * bookkeeping around it.
 */
#ifndef SWAPFS_WORKLOAD_FILL_H
#define SWAPFS_WORKLOAD_FILL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workload-gen.h"

#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif

/* Operations between two runs of the discard worker, on discard devices. */
#define WL_DISCARD_EVERY	1024u

/* Live allocations: [0] order 0 offsets, [1] larger ones, order encoded. */
struct wl_live {
	uint32_t *v[2];
	size_t nr[2], alloc[2];
};

/*
 * wl_fill_live_grow - room for more entries in array @a (0: order 0,
 * 1: larger). Returns 0 or -ENOMEM.
 */
int wl_fill_live_grow(struct wl_live *l, unsigned int a);

/* Branch-free: the order is as random as the arrays the entries go to. */
static inline uint32_t wl_live_encode(uint32_t offset, unsigned int order)
{
	return offset | (((1u << order) >> 1) - !!order);
}

/* The offset of entry @e of array @a, and its order. */
static inline uint32_t wl_live_decode(uint32_t e, unsigned int a,
				      unsigned int *order)
{
	*order = ((unsigned int)__builtin_ctz(~e) + 1) & -a;
	return e & ~((1u << *order) - 1);
}

static __always_inline int wl_live_push(struct wl_live *l, uint32_t offset,
					unsigned int order)
{
	unsigned int a = order > 0;

	if (l->nr[a] == l->alloc[a] && wl_fill_live_grow(l, a))
		return -ENOMEM;
	l->v[a][l->nr[a]++] = wl_live_encode(offset, order);
	return 0;
}

static inline size_t wl_live_nr(const struct wl_live *l)
{
	return l->nr[0] + l->nr[1];
}

/* The entry random bits @r choose, uniformly among those live now. */
static __always_inline uint32_t *wl_live_at(const struct wl_live *l,
					    uint64_t r, unsigned int *a)
{
	uint64_t u = (uint64_t)(((unsigned __int128)r * wl_live_nr(l)) >> 64);

	*a = u >= l->nr[0];
	return &l->v[*a][u - (*a ? l->nr[0] : 0)];
}

/* Take the allocation @r chooses out of the set (the last entry fills in). */
static __always_inline uint32_t wl_live_take(struct wl_live *l, uint64_t r,
					     unsigned int *order)
{
	unsigned int a;
	uint32_t *p = wl_live_at(l, r, &a), e = *p;

	*p = l->v[a][--l->nr[a]];
	return wl_live_decode(e, a, order);
}

/*
 * Random's frees pick their victims ahead (workload-random.c says why):
 * the random bits of the next WL_AHEAD victims, and WL_PENDING victims
 * picked and not freed yet. The bits are drawn at wl_fill_init().
 */
#define WL_AHEAD	4u
#define WL_PENDING	8u

struct wl_fill {
	struct wl_gen gen;
	struct wl_live live;
	uint64_t ahead[WL_AHEAD];	/* random bits of the next victims */
	unsigned int head;
	/* victims picked, not freed yet: their offsets and orders */
	uint32_t pend[WL_PENDING];
	uint8_t pend_order[WL_PENDING];
	unsigned int pend_head, pend_nr;
	uint8_t orders[SNAPSHOT_MAX_ORDER + 1];
	unsigned int nr_orders;
	unsigned int cpu, cpus;		/* round robin over 0..cpus-1 */
	uint64_t target, lo, hi;	/* slots in use */
	uint64_t ops;			/* generator operations done */
};

/* The order a number picks (wl_rng_below() of the orders given). */
static inline unsigned int wl_fill_order(const struct wl_fill *f, uint64_t y)
{
	return f->orders[((unsigned __int128)y * f->nr_orders) >> 64];
}

/*
 * One swap-out of a random order on the next CPU: allocated, mapped once,
 * written and out of the cache, in one simulator call. A large folio the
 * device cannot place falls back to order-0 folios, as vmscan does.
 * Returns 0, or 1 when nothing at all could be allocated.
 */
static __always_inline int wl_fill_alloc(struct wl_fill *f,
					 unsigned int order)
{
	struct wl_gen *gen = &f->gen;
	unsigned int cpu = f->cpu, nr, j;
	int rc;

	if (++f->cpu == f->cpus)
		f->cpu = 0;
	rc = sim_swap_out(gen->c.sim, cpu, order, 1, false, gen->offsets, &nr);
	if (rc && rc != -ENOSPC)
		return wl_ctx_sim_error(&gen->c, rc, "swap-out", 0);
	if (!rc && nr == 1) {
		rc = wl_live_push(&f->live, gen->offsets[0], order);
	} else {
		for (j = 0, rc = 0; j < nr && !rc; j++)
			rc = wl_live_push(&f->live, gen->offsets[j], 0);
	}
	if (rc)
		return diag_errno(gen->c.d, gen->c.name, rc);
	return nr ? 0 : 1;
}

/* Free 2^@order slots from @offset: the last references go. */
static __always_inline int wl_fill_put(struct wl_fill *f, uint32_t offset,
				       unsigned int order)
{
	int rc = sim_swap_put_entries_direct(f->gen.c.sim, offset, 1u << order);

	return rc ? wl_ctx_sim_error(&f->gen.c, rc, "free", offset) : 0;
}

/* After an operation: counted, discards every WL_DISCARD_EVERY, the hooks. */
static __always_inline int wl_fill_step(struct wl_fill *f, int rc)
{
	struct wl_gen *gen = &f->gen;

	if (rc < 0)
		return rc;
	f->ops++;
	gen->c.done = f->ops;
	if (gen->g.discard && !(f->ops % WL_DISCARD_EVERY))
		sim_discard_work(gen->c.sim);
	return wl_ctx_tick(&gen->c);
}

/*
 * wl_fill_init - a run of random or fragment with parameters @p on @sim:
 * the orders and CPUs the device must have, the live set's room, the fill
 * level and the band around it. Returns 0 or an error named in @d;
 * wl_fill_done() either way.
 */
int wl_fill_init(struct wl_fill *f, const struct wl_params *p,
		 const char *name, struct sim *sim, uint64_t seed,
		 const struct workload_hooks *h, struct diag *d);

/*
 * wl_fill_to_target - allocate until the fill level (or until nothing
 * fits). Returns 0 or an error named in the run's diag.
 */
int wl_fill_to_target(struct wl_fill *f);

/* wl_fill_done - what the run allocated. */
void wl_fill_done(struct wl_fill *f);

#endif /* SWAPFS_WORKLOAD_FILL_H */
