// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-selftest.c - the built-in generator "selftest": the kernel's
 * tools/testing/selftests/mm/thp_swap_allocator_test.c and the variants
 * tools/kernel-replay runs on the real kernel with the same picks (the
 * same PRNG, drawn in the same order). mem1 of mTHP blocks (or mixed=
 * blocks of several orders, each a mapping of its own) and the -s area of
 * small pages, picked at random each round, freed (MADV_DONTNEED) and
 * written again, then paged out; part_picks= blocks only partly freed;
 * fork= children holding references. version=1 is the test as merged
 * (nothing touched before round 1); version=2 the later one with its
 * warm-up and swap-in of random pages (and -a: aligned=1). What the
 * kernel does around the allocator is workload-vm.c's.
 *
 * The layout, in virtual pages from a base aligned to a page table: mem1
 * from 0; or the mixed blocks, block i of the i-th order of mixed_orders
 * in turn, each after a guard page and aligned to its size; then mem2 at
 * the next page table after a guard page.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "workload-gen.h"
#include "workload-vm.h"

struct wl_selftest {
	struct wl_gen gen;
	struct wl_vm vm;
	uint32_t fpages;	/* pages of mem1's largest folio */
	uint32_t size_pages[32];	/* mem1's pick sizes, ascending, in pages */
	unsigned int nr_sizes;
	uint32_t nblocks;	/* mem1 blocks of fpages, or mixed blocks */
	uint32_t *mstart;	/* mixed: each block's first page */
	uint8_t *morder;	/* mixed: each block's order */
	unsigned int mem;	/* the mapping of mem1 (the first block's if mixed) */
	unsigned int small;	/* the mapping of mem2, if any */
	uint32_t small_start, nsmall;
};

/* Block @b of mem1 or of the mixed blocks: first page, pages, mapping. */
static void wl_st_block(const struct wl_selftest *st, uint32_t b,
			uint32_t *first, uint32_t *n, unsigned int *vma)
{
	if (st->mstart) {
		*first = st->mstart[b];
		*n = 1u << st->morder[b];
		*vma = st->mem + b;
	} else {
		*first = b * st->fpages;
		*n = st->fpages;
		*vma = st->mem;
	}
}

/* MADV_DONTNEED and a memset of a random block (of a random size). */
static int wl_st_pick(struct wl_selftest *st)
{
	struct wl_rng *rng = &st->gen.rng;
	uint32_t first, n, s = st->fpages;
	unsigned int vma;
	int rc;

	if (st->mstart) {
		wl_st_block(st, (uint32_t)wl_rng_below(rng, st->nblocks),
			    &first, &n, &vma);
	} else {
		if (st->nr_sizes > 1)
			s = st->size_pages[wl_rng_below(rng, st->nr_sizes)];
		n = s;
		vma = st->mem;
		first = (uint32_t)wl_rng_below(rng, (uint64_t)st->nblocks *
						st->fpages / s) * s;
	}
	rc = wl_vm_dontneed(&st->vm, first, n);
	return rc ? rc : wl_vm_write(&st->vm, vma, first, n);
}

/* MADV_DONTNEED of a random piece of a random block, not written again. */
static int wl_st_part_pick(struct wl_selftest *st)
{
	struct wl_rng *rng = &st->gen.rng;
	uint32_t first, n, at, len;
	unsigned int vma;

	wl_st_block(st, (uint32_t)wl_rng_below(rng, st->nblocks), &first, &n,
		    &vma);
	at = (uint32_t)wl_rng_below(rng, n);
	len = 1 + (uint32_t)wl_rng_below(rng, n - at);
	return wl_vm_dontneed(&st->vm, first + at, len);
}

/* version 2's random_swapin(): writes of random pages or whole blocks. */
static int wl_st_swapin(struct wl_selftest *st)
{
	const struct wl_params *p = st->gen.p;
	uint32_t unit = p->aligned ? st->fpages : 1, i;
	uint64_t units = (uint64_t)st->nblocks * st->fpages / unit;
	int rc;

	for (i = 0; i < (uint64_t)p->picks * st->fpages / unit; i++) {
		rc = wl_vm_write(&st->vm, st->mem,
				 (uint32_t)(wl_rng_below(&st->gen.rng, units) * unit),
				 unit);
		if (rc)
			return rc;
	}
	return 0;
}

static int wl_st_pageout(struct wl_selftest *st)
{
	unsigned int v, end = st->mstart ? st->mem + st->nblocks : st->mem + 1;
	int rc = 0;

	for (v = st->mem; !rc && v < end; v++)
		rc = wl_vm_pageout(&st->vm, v);
	if (!rc && st->nsmall)
		rc = wl_vm_pageout(&st->vm, st->small);
	return rc;
}

static int wl_st_round(struct wl_selftest *st, uint32_t round)
{
	const struct wl_params *p = st->gen.p;
	uint32_t i, pg;
	int rc = 0;

	if (p->version == 2)
		rc = wl_st_swapin(st);
	for (i = 0; !rc && i < p->picks; i++)
		rc = wl_st_pick(st);
	for (i = 0; !rc && i < p->part_picks; i++)
		rc = wl_st_part_pick(st);
	for (i = 0; !rc && st->nsmall && i < p->small_picks; i++) {
		pg = st->small_start + (uint32_t)wl_rng_below(&st->gen.rng, st->nsmall);
		if (p->version != 2)
			rc = wl_vm_dontneed(&st->vm, pg, 1);
		if (!rc)
			rc = wl_vm_write(&st->vm, st->small, pg, 1);
	}
	if (!rc)
		rc = wl_st_pageout(st);
	if (!rc && p->fork > 1 && !(round % p->fork_every)) {
		rc = wl_vm_exit_children(&st->vm);
		if (!rc)
			rc = wl_vm_fork(&st->vm, p->fork - 1);
	}
	return rc;
}

/* version 2: everything written and paged out once before round 1. */
static int wl_st_warm_up(struct wl_selftest *st)
{
	int rc;

	rc = wl_vm_write(&st->vm, st->mem, 0, st->nblocks * st->fpages);
	if (!rc)
		rc = wl_vm_pageout(&st->vm, st->mem);
	if (!rc && st->nsmall)
		rc = wl_vm_write(&st->vm, st->small, st->small_start, st->nsmall);
	if (!rc && st->nsmall)
		rc = wl_vm_pageout(&st->vm, st->small);
	return rc;
}

/* The mixed blocks' places: after a guard page, aligned to their size. */
static uint32_t wl_st_lay_mixed(struct wl_selftest *st, uint32_t orders)
{
	uint8_t list[SNAPSHOT_MAX_ORDER + 1];
	unsigned int n = 0, k;
	uint32_t at = 0, b;

	for (k = 0; k <= SNAPSHOT_MAX_ORDER; k++)
		if (orders & (1u << k))
			list[n++] = (uint8_t)k;
	for (b = 0; b < st->nblocks; b++) {
		st->morder[b] = list[b % n];
		at = (at + 1 + (1u << st->morder[b]) - 1) & ~((1u << st->morder[b]) - 1);
		st->mstart[b] = at;
		at += 1u << st->morder[b];
	}
	return at;
}

/* The orders of the sizes in @mask (bit b: 2^b bytes), in pages of @ps. */
static int wl_st_orders(struct wl_selftest *st, uint32_t mask, uint32_t ps,
			uint32_t *orders)
{
	struct wl_gen *gen = &st->gen;
	const char *key = gen->p->sizes_given ? "sizes" : "folio";
	unsigned int b, o;

	*orders = 0;
	for (b = 0; b < 32; b++) {
		if (!(mask & (1u << b)))
			continue;
		if ((1ull << b) < ps)
			return wl_gen_error(gen, key, "size %llu is below the %u-byte page",
					    1ull << b, ps);
		o = b - (unsigned int)__builtin_ctz(ps);
		if (o >= gen->g.nr_orders)
			return wl_gen_error(gen, key, "a folio of order %u: the device has orders below %u",
					    o, gen->g.nr_orders);
		*orders |= 1u << o;
		st->size_pages[st->nr_sizes++] = 1u << o;
	}
	return 0;
}

static int wl_st_layout(struct wl_selftest *st, uint32_t *npages,
			uint32_t *orders)
{
	struct wl_gen *gen = &st->gen;
	const struct wl_params *p = gen->p;
	uint32_t ps = gen->g.page_size, end;
	int rc;

	if (p->mixed) {
		st->nblocks = p->mixed;
		st->mstart = calloc(p->mixed, sizeof(*st->mstart));
		st->morder = calloc(p->mixed, 1);
		if (!st->mstart || !st->morder)
			return diag_errno(gen->c.d, gen->c.name, -ENOMEM);
		if (31 - __builtin_clz(p->mixed_orders) >= (int)gen->g.nr_orders)
			return wl_gen_error(gen, "mixed_orders", "order %d: the device has orders below %u",
					    31 - __builtin_clz(p->mixed_orders), gen->g.nr_orders);
		*orders = p->mixed_orders;
		st->fpages = 1;
		end = wl_st_lay_mixed(st, p->mixed_orders);
	} else {
		rc = wl_st_orders(st, p->sizes, ps, orders);
		if (rc)
			return rc;
		st->fpages = (uint32_t)(p->folio / ps);
		st->nblocks = (uint32_t)(p->area / p->folio);
		end = st->nblocks * st->fpages;
	}
	st->nsmall = p->small ? (uint32_t)(p->small_area / ps) : 0;
	st->small_start = (end + 1 + WL_VM_PTE_PAGES - 1) & ~(WL_VM_PTE_PAGES - 1);
	*npages = st->nsmall ? st->small_start + st->nsmall : end;
	return 0;
}

static int wl_st_setup(struct wl_selftest *st)
{
	struct wl_gen *gen = &st->gen;
	const struct wl_params *p = gen->p;
	uint32_t ps = gen->g.page_size, npages = 0, orders = 0, b;
	int rc;

	if (p->cpu >= gen->g.cpus)
		return wl_gen_error(gen, "cpu", "cpu %u: the device has %u CPUs",
				    p->cpu, gen->g.cpus);
	if (p->small && p->small_area % ps)
		return wl_gen_error(gen, "small_area", "small_area %" PRIu64
				    " is not a multiple of the %u-byte page",
				    p->small_area, ps);
	if (!p->mixed && (p->folio < ps || p->folio % ps))
		return wl_gen_error(gen, "folio", "folio %" PRIu64
				    " is not a multiple of the %u-byte page",
				    p->folio, ps);
	rc = wl_st_layout(st, &npages, &orders);
	if (rc)
		return rc;
	if (wl_vm_init(&st->vm, gen, npages, st->nblocks + 2))
		return diag_errno(gen->c.d, gen->c.name, -ENOMEM);
	if (st->mstart) {
		st->mem = 0;
		for (b = 0; b < st->nblocks; b++)
			wl_vm_map(&st->vm, st->mstart[b], 1u << st->morder[b], orders);
	} else {
		st->mem = wl_vm_map(&st->vm, 0, st->nblocks * st->fpages, orders);
	}
	if (st->nsmall)
		st->small = wl_vm_map(&st->vm, st->small_start, st->nsmall, 1);
	return 0;
}

int wl_selftest_run(const struct wl_params *p, const char *name,
		    struct sim *sim, struct sim_areas *areas, uint64_t seed,
		    const struct workload_hooks *h, struct diag *d)
{
	struct wl_selftest st = { 0 };
	uint32_t round;
	int rc;

	rc = wl_gen_init(&st.gen, p, name, sim, areas, seed, h, d);
	if (!rc)
		rc = wl_st_setup(&st);
	if (!rc && p->version == 2)
		rc = wl_st_warm_up(&st);
	st.gen.c.total = p->rounds;
	for (round = 1; !rc && round <= p->rounds; round++) {
		rc = wl_st_round(&st, round);
		st.gen.c.done = round;
		if (!rc)
			rc = wl_gen_round_hook(&st.gen, round);
	}
	if (!rc)
		wl_ctx_end(&st.gen.c);
	wl_vm_free(&st.vm);
	free(st.mstart);
	free(st.morder);
	free(st.gen.offsets);
	return rc;
}
