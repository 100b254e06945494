// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-selftest.c - the built-in generator "selftest": the kernel's
 * tools/testing/selftests/mm/thp_swap_allocator_test.c. mem1 of 64 KiB
 * mTHP blocks and the -s area of small pages, picked at random each
 * round, freed (MADV_DONTNEED) and touched again, then paged out.
 * version=1 is the test as merged (nothing touched before round 1);
 * version=2 the later one with its warm-up and swap-in of random pages
 * (and -a: aligned=1).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "workload-gen.h"

/* A page of mem1 or mem2: untouched, present, or the slot it is out on. */
#define WL_PG_NONE	0u
#define WL_PG_PRESENT	UINT32_MAX

struct wl_selftest {
	struct wl_gen gen;
	unsigned int order;	/* of mem1's folios */
	uint32_t fpages;	/* pages a folio */
	uint32_t nblocks;	/* mem1 folios */
	uint32_t *mem1;		/* nblocks * fpages */
	uint8_t *large;		/* per block: present as one large folio */
	uint32_t nsmall;	/* mem2 pages */
	uint32_t *mem2;
};

static bool wl_pg_out(uint32_t v)
{
	return v != WL_PG_NONE && v != WL_PG_PRESENT;
}

/* MADV_DONTNEED of @n pages: each run of consecutive slots in one call. */
static int wl_st_dontneed(struct wl_selftest *st, uint32_t *pg, uint32_t n)
{
	uint32_t i = 0, k;
	int rc;

	while (i < n) {
		if (!wl_pg_out(pg[i])) {
			pg[i++] = WL_PG_NONE;
			continue;
		}
		for (k = 1; i + k < n && wl_pg_out(pg[i + k]) &&
		     pg[i + k] == pg[i] + k; k++)
			;
		rc = sim_swap_put_entries_direct(st->gen.c.sim, pg[i], k);
		if (rc)
			return wl_ctx_sim_error(&st->gen.c, rc, "MADV_DONTNEED", pg[i]);
		rc = wl_ctx_tick(&st->gen.c);
		if (rc)
			return rc;
		for (; k; k--)
			pg[i++] = WL_PG_NONE;
	}
	return 0;
}

/*
 * Swap out one folio of 2^@order pages @pg (present). Pages that got no
 * slot (even order 0 failed) stay present.
 */
static int wl_st_swap_out(struct wl_selftest *st, uint32_t *pg,
			  unsigned int order, bool *whole)
{
	struct wl_gen *gen = &st->gen;
	unsigned int nr, j;
	int rc;

	rc = sim_swap_out(gen->c.sim, gen->p->cpu, order, 1, false,
			  gen->offsets, &nr);
	if (rc && rc != -ENOSPC)
		return wl_ctx_sim_error(&gen->c, rc, "MADV_PAGEOUT", 0);
	*whole = !rc && nr == 1;
	if (*whole) {
		for (j = 0; j < 1u << order; j++)
			pg[j] = gen->offsets[0] + j;
	} else {
		for (j = 0; j < nr; j++)
			pg[j] = gen->offsets[j];
	}
	return wl_ctx_tick(&gen->c);
}

/* MADV_PAGEOUT of mem1: large folios whole, the rest page by page. */
static int wl_st_pageout1(struct wl_selftest *st)
{
	uint32_t b, j, *pg;
	bool whole;
	int rc;

	for (b = 0; b < st->nblocks; b++) {
		pg = &st->mem1[(size_t)b * st->fpages];
		if (st->large[b]) {
			st->large[b] = 0;
			rc = wl_st_swap_out(st, pg, st->order, &whole);
			if (rc)
				return rc;
			continue;
		}
		for (j = 0; j < st->fpages; j++) {
			if (pg[j] != WL_PG_PRESENT)
				continue;
			rc = wl_st_swap_out(st, &pg[j], 0, &whole);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int wl_st_pageout2(struct wl_selftest *st)
{
	uint32_t i;
	bool whole;
	int rc;

	for (i = 0; i < st->nsmall; i++) {
		if (st->mem2[i] != WL_PG_PRESENT)
			continue;
		rc = wl_st_swap_out(st, &st->mem2[i], 0, &whole);
		if (rc)
			return rc;
	}
	return 0;
}

/* memset of a block whose pages are all unmapped: a fresh mTHP fault. */
static void wl_st_touch_block(struct wl_selftest *st, uint32_t b)
{
	uint32_t *pg = &st->mem1[(size_t)b * st->fpages], j;

	for (j = 0; j < st->fpages; j++)
		pg[j] = WL_PG_PRESENT;
	st->large[b] = st->order > 0;
}

/*
 * The fault handler on swapped-out page @j of block @b: the whole block in
 * one large folio when its pages are out on consecutive slots from one the
 * folio's size aligns (thp_swap_suitable_orders()) and the device allows
 * it, else the page alone.
 */
static int wl_st_fault_in(struct wl_selftest *st, uint32_t b, uint32_t j)
{
	uint32_t *pg = &st->mem1[(size_t)b * st->fpages], start, i;
	unsigned int k = st->order, got;
	int rc;

	for (i = 0; i < st->fpages && k; i++)
		if (!wl_pg_out(pg[i]) || pg[i] != pg[0] + i)
			k = 0;
	if (k && (pg[0] & (st->fpages - 1)))
		k = 0;
	rc = sim_swap_in(st->gen.c.sim, st->gen.p->cpu, pg[j], k, &got, &start);
	if (rc)
		return wl_ctx_sim_error(&st->gen.c, rc, "swap-in fault", pg[j]);
	if (got && got == k) {
		for (i = 0; i < st->fpages; i++)
			pg[i] = WL_PG_PRESENT;
		st->large[b] = 1;
	} else {
		/* a smaller large folio than the block is kept as its pages */
		uint32_t first = k ? start - pg[0] : j;

		for (i = 0; i < 1u << got; i++)
			pg[first + i] = WL_PG_PRESENT;
	}
	return wl_ctx_tick(&st->gen.c);
}

/* memset of pages @first..+@n of mem1 (version 2's random_swapin()). */
static int wl_st_touch_pages(struct wl_selftest *st, uint64_t first,
			     uint32_t n)
{
	uint32_t b = (uint32_t)(first / st->fpages), j;
	uint32_t *pg = &st->mem1[(size_t)b * st->fpages];
	int rc;

	for (j = (uint32_t)(first % st->fpages); n; j++, n--) {
		if (wl_pg_out(pg[j])) {
			rc = wl_st_fault_in(st, b, j);
			if (rc)
				return rc;
		} else if (pg[j] == WL_PG_NONE) {
			uint32_t i;

			for (i = 0; i < st->fpages && pg[i] == WL_PG_NONE; i++)
				;
			if (i == st->fpages)
				wl_st_touch_block(st, b);
			else
				pg[j] = WL_PG_PRESENT;
		}
	}
	return 0;
}

/* version 2's random_swapin() on mem2: faults of single small pages. */
static int wl_st_swapin_small(struct wl_selftest *st, uint32_t i)
{
	unsigned int got;
	uint32_t start;
	int rc;

	if (!wl_pg_out(st->mem2[i])) {
		st->mem2[i] = WL_PG_PRESENT;
		return 0;
	}
	rc = sim_swap_in(st->gen.c.sim, st->gen.p->cpu, st->mem2[i], 0, &got,
			 &start);
	if (rc)
		return wl_ctx_sim_error(&st->gen.c, rc, "swap-in fault", st->mem2[i]);
	st->mem2[i] = WL_PG_PRESENT;
	return wl_ctx_tick(&st->gen.c);
}

static int wl_st_round(struct wl_selftest *st)
{
	const struct wl_params *p = st->gen.p;
	struct wl_rng *rng = &st->gen.rng;
	uint64_t units;
	uint32_t i, b, unit;
	int rc;

	if (p->version == 2) {
		/* as many bytes swapped in as picked below, by page or folio */
		unit = p->aligned ? st->fpages : 1;
		units = (uint64_t)st->nblocks * st->fpages / unit;
		for (i = 0; i < (uint64_t)p->picks * st->fpages / unit; i++) {
			rc = wl_st_touch_pages(st, wl_rng_below(rng, units) * unit,
					       unit);
			if (rc)
				return rc;
		}
	}
	for (i = 0; i < p->picks; i++) {
		b = (uint32_t)wl_rng_below(rng, st->nblocks);
		st->large[b] = 0;
		rc = wl_st_dontneed(st, &st->mem1[(size_t)b * st->fpages],
				    st->fpages);
		if (rc)
			return rc;
		wl_st_touch_block(st, b);
	}
	for (i = 0; st->nsmall && i < p->small_picks; i++) {
		b = (uint32_t)wl_rng_below(rng, st->nsmall);
		if (p->version == 2) {
			rc = wl_st_swapin_small(st, b);
		} else {
			rc = wl_st_dontneed(st, &st->mem2[b], 1);
			st->mem2[b] = WL_PG_PRESENT;
		}
		if (rc)
			return rc;
	}
	rc = wl_st_pageout1(st);
	return rc ? rc : wl_st_pageout2(st);
}

/* version 2: everything touched and paged out once before round 1. */
static int wl_st_warm_up(struct wl_selftest *st)
{
	uint32_t b, i;
	int rc;

	for (b = 0; b < st->nblocks; b++)
		wl_st_touch_block(st, b);
	rc = wl_st_pageout1(st);
	if (rc)
		return rc;
	for (i = 0; i < st->nsmall; i++)
		st->mem2[i] = WL_PG_PRESENT;
	return wl_st_pageout2(st);
}

static int wl_st_setup(struct wl_selftest *st)
{
	struct wl_gen *gen = &st->gen;
	const struct wl_params *p = gen->p;
	uint32_t ps = gen->g.page_size;
	uint64_t pages;

	if (p->folio < ps || p->folio % ps)
		return wl_gen_error(gen, "folio", "folio %" PRIu64
				    " is not a multiple of the %u-byte page",
				    p->folio, ps);
	st->fpages = (uint32_t)(p->folio / ps);
	st->order = (unsigned int)__builtin_ctz(st->fpages);
	if (st->order >= gen->g.nr_orders)
		return wl_gen_error(gen, "folio", "folio of order %u: the device has orders below %u",
				    st->order, gen->g.nr_orders);
	if (p->cpu >= gen->g.cpus)
		return wl_gen_error(gen, "cpu", "cpu %u: the device has %u CPUs",
				    p->cpu, gen->g.cpus);
	if (p->small && p->small_area % ps)
		return wl_gen_error(gen, "small_area", "small_area %" PRIu64
				    " is not a multiple of the %u-byte page",
				    p->small_area, ps);
	st->nblocks = (uint32_t)(p->area / p->folio);
	pages = (uint64_t)st->nblocks * st->fpages;
	st->nsmall = p->small ? (uint32_t)(p->small_area / ps) : 0;
	st->mem1 = calloc(pages, sizeof(*st->mem1));
	st->large = calloc(st->nblocks, 1);
	st->mem2 = calloc(st->nsmall ? st->nsmall : 1, sizeof(*st->mem2));
	if (!st->mem1 || !st->large || !st->mem2)
		return diag_errno(gen->c.d, gen->c.name, -ENOMEM);
	return 0;
}

int wl_selftest_run(const struct wl_params *p, const char *name,
		    struct sim *sim, uint64_t seed,
		    const struct workload_hooks *h, struct diag *d)
{
	struct wl_selftest st = { 0 };
	uint32_t round;
	int rc;

	rc = wl_gen_init(&st.gen, p, name, sim, seed, h, d);
	if (!rc)
		rc = wl_st_setup(&st);
	if (!rc && p->version == 2)
		rc = wl_st_warm_up(&st);
	st.gen.c.total = p->rounds;
	for (round = 1; !rc && round <= p->rounds; round++) {
		rc = wl_st_round(&st);
		st.gen.c.done = round;
		if (!rc)
			rc = wl_gen_round_hook(&st.gen, round);
	}
	if (!rc)
		wl_ctx_end(&st.gen.c);
	free(st.mem1);
	free(st.large);
	free(st.mem2);
	free(st.gen.offsets);
	return rc;
}
