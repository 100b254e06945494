// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-fill.c - what random and fragment share, besides the inline
 * operations of workload-fill.h: the live set's memory, the run set up
 * from the parameters and the device, and the fill to its level.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "workload-fill.h"

/*
 * The arrays are mapped, not malloc'ed: they grow by mremap() (no copy, no
 * doubled peak), and frees read them at random, so huge pages spare a TLB
 * miss on most of those reads.
 */
int wl_fill_live_grow(struct wl_live *l, unsigned int a)
{
	size_t old = l->alloc[a] * sizeof(uint32_t);
	size_t want = l->alloc[a] ? l->alloc[a] * 2 : 1u << 18;
	void *v;

	if (l->v[a])
		v = mremap(l->v[a], old, want * sizeof(uint32_t), MREMAP_MAYMOVE);
	else
		v = mmap(NULL, want * sizeof(uint32_t), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v == MAP_FAILED)
		return -ENOMEM;
	madvise(v, want * sizeof(uint32_t), MADV_HUGEPAGE);	/* a hint */
	l->v[a] = v;
	l->alloc[a] = want;
	return 0;
}

#define WL_HUGE		(2ul << 20)

/*
 * Room for @n entries of array @a at once, when that is 2 MiB or more:
 * address space only (pages come as entries are written), aligned so that
 * every page of it can be a huge one from the first write on (an array
 * grown by mremap() keeps the small pages its start was faulted in).
 */
static void wl_live_reserve(struct wl_live *l, unsigned int a, size_t n)
{
	size_t len = (n * sizeof(uint32_t) + WL_HUGE - 1) & ~(WL_HUGE - 1);
	uintptr_t p, at;
	void *m;

	if (l->v[a] || n * sizeof(uint32_t) < WL_HUGE)
		return;
	m = mmap(NULL, len + WL_HUGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return;		/* wl_live_grow() will try smaller */
	p = (uintptr_t)m;
	at = (p + WL_HUGE - 1) & ~(uintptr_t)(WL_HUGE - 1);
	if (at > p)
		munmap(m, at - p);
	munmap((void *)(at + len), p + WL_HUGE - at);
	madvise((void *)at, len, MADV_HUGEPAGE);	/* a hint */
	l->v[a] = (uint32_t *)at;
	l->alloc[a] = len / sizeof(uint32_t);
}

static void wl_live_free(struct wl_live *l)
{
	unsigned int a;

	for (a = 0; a < 2; a++)
		if (l->v[a])
			munmap(l->v[a], l->alloc[a] * sizeof(uint32_t));
}

int wl_fill_init(struct wl_fill *f, const struct wl_params *p,
		 const char *name, struct sim *sim, uint64_t seed,
		 const struct workload_hooks *h, struct diag *d)
{
	struct wl_gen *gen = &f->gen;
	uint64_t band;
	unsigned int k;
	int rc;

	rc = wl_gen_init(gen, p, name, sim, NULL, seed, h, d);
	if (rc)
		return rc;
	for (k = 0; k < WL_AHEAD; k++)
		f->ahead[k] = wl_rng_next(&gen->rng);
	for (k = 0; k <= SNAPSHOT_MAX_ORDER; k++) {
		if (!(p->orders & (1u << k)))
			continue;
		if (k >= gen->g.nr_orders)
			return wl_gen_error(gen, "orders", "order %u: the device has orders below %u",
					    k, gen->g.nr_orders);
		f->orders[f->nr_orders++] = (uint8_t)k;
	}
	if (p->cpus > gen->g.cpus)
		return wl_gen_error(gen, "cpus", "cpus=%u: the device has %u CPUs",
				    p->cpus, gen->g.cpus);
	f->cpus = p->cpus ? p->cpus : gen->g.cpus;
	/* at most one order-0 entry a usable slot, one larger one in two */
	if (p->orders & 1)
		wl_live_reserve(&f->live, 0, gen->g.pages);
	if (p->orders & ~1u)
		wl_live_reserve(&f->live, 1, gen->g.pages / 2);
	f->target = (uint64_t)gen->g.pages * p->fill / 100;
	/* a random walk between lo and hi: half a percent either side */
	band = gen->g.pages / 200;
	if (band < 2u << f->orders[f->nr_orders - 1])
		band = 2u << f->orders[f->nr_orders - 1];
	f->lo = f->target > band ? f->target - band : 0;
	f->hi = f->target + band;
	return 0;
}

int wl_fill_to_target(struct wl_fill *f)
{
	int rc;

	while (sim_inuse(f->gen.c.sim) < f->target) {
		rc = wl_fill_alloc(f, wl_fill_order(f, wl_rng_next(&f->gen.rng)));
		if (rc > 0)
			break;	/* full: nothing more fits */
		rc = wl_fill_step(f, rc);
		if (rc)
			return rc;
	}
	return 0;
}

void wl_fill_done(struct wl_fill *f)
{
	wl_live_free(&f->live);
	free(f->gen.offsets);
}
