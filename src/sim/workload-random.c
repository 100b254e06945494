// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-random.c - the built-in generator "random": alloc or free at
 * random around a fill level, the allocator's hot paths, fast enough for
 * 10^7 operations a second on a 64 GiB device (tools/bench/sim).
 */
#include <stdbool.h>
#include <stdint.h>

#include "workload-fill.h"

/*
 * A free of a random allocation is a chain of dependent cache misses on a
 * big device: its entry here, then its slot words, free map and cluster
 * in the simulator. The loop below hides them with two short pipelines,
 * kept exact (the same seed, the same run) and cheap:
 *
 *   - a free's random bits are drawn WL_AHEAD frees before they pick its
 *     victim; the entry they will pick is computed from the live counts of
 *     the time they are drawn and starts loading. The counts move by one
 *     an operation meanwhile (a swap-out that fell back: by its pages),
 *     so the guess is mostly off by a few entries: the lines of the
 *     entries 8 before and 8 after it are loaded. A wrong guess costs a
 *     miss, never a different result: the victim is picked from the
 *     counts of its own time.
 *   - the victim picked leaves the live set at once, and its slots and
 *     cluster start loading; the simulator frees it WL_PENDING frees
 *     later, as reclaim frees what it isolated a little earlier.
 */

/*
 * Pick a victim with the oldest bits drawn and start loading what its
 * free will read; @x, a new number, replaces those bits. Its entry, as
 * the counts now tell, starts loading too (see above).
 */
static __always_inline void wl_random_pick(struct wl_fill *f, uint64_t x)
{
	unsigned int order, a, k = (f->pend_head + f->pend_nr) % WL_PENDING;
	uint32_t off = wl_live_take(&f->live, f->ahead[f->head], &order);
	uintptr_t e;

	f->ahead[f->head] = x;
	f->head = (f->head + 1) % WL_AHEAD;
	f->pend[k] = off;
	f->pend_order[k] = (uint8_t)order;
	f->pend_nr++;
	sim_prefetch_free(f->gen.c.sim, off, 0);
	if (!wl_live_nr(&f->live))
		return;
	/* the line of the guess and the next or previous: +-8 entries */
	e = (uintptr_t)wl_live_at(&f->live, x, &a);
	__builtin_prefetch((const void *)(e - 32));
	__builtin_prefetch((const void *)(e + 32));
}

/* Pick victims until WL_PENDING are, or none is live. */
static void wl_random_refill(struct wl_fill *f)
{
	while (f->pend_nr < WL_PENDING && wl_live_nr(&f->live))
		wl_random_pick(f, wl_rng_next(&f->gen.rng));
}

/*
 * A free: the oldest victim picked is freed, and another one is picked
 * (while any is live). The caller made sure there is a victim or a live
 * allocation; with no victim left (the live set ran dry and came back)
 * the pipeline fills again first.
 */
static __always_inline int wl_random_free(struct wl_fill *f, uint64_t x)
{
	unsigned int k, order;
	uint32_t off;

	if (__builtin_expect(!f->pend_nr, 0))
		wl_random_refill(f);
	k = f->pend_head;
	off = f->pend[k];
	order = f->pend_order[k];
	f->pend_head = (k + 1) % WL_PENDING;
	f->pend_nr--;
	if (wl_live_nr(&f->live))
		wl_random_pick(f, x);
	return wl_fill_put(f, off, order);
}

/* Whether a free has anything to free. */
static bool wl_random_can_free(const struct wl_fill *f)
{
	return wl_live_nr(&f->live) || f->pend_nr;
}

/*
 * The band: below it an allocation, at or above it a free, inside it a
 * fair coin. Every operation draws one number: its low bit is the coin,
 * its high bits pick the order or are a later victim's bits (the bits
 * of a number are independent, and a victim's index comes from the high
 * ones: the coin's bit moves it by less than 2^-63 of the way).
 */
static int wl_random_loop(struct wl_fill *f, uint64_t ops)
{
	struct wl_rng *rng = &f->gen.rng;
	struct sim *sim = f->gen.c.sim;
	uint64_t i, inuse, y;
	bool alloc;
	int rc;

	wl_random_refill(f);
	for (i = 0; i < ops; i++) {
		inuse = sim_inuse(sim);
		y = wl_rng_next(rng);
		alloc = inuse < f->lo || (inuse < f->hi && (y & 1)) ||
			!wl_random_can_free(f);
		if (!alloc) {
			rc = wl_random_free(f, y);
		} else {
			rc = wl_fill_alloc(f, wl_fill_order(f, y));
			/* nothing fits: a free instead */
			if (rc > 0)
				rc = wl_random_can_free(f) ? wl_random_free(f, y) : 0;
		}
		rc = wl_fill_step(f, rc);
		if (rc)
			return rc;
	}
	return 0;
}

int wl_random_run(const struct wl_params *p, const char *name,
		  struct sim *sim, struct sim_areas *areas, uint64_t seed,
		  const struct workload_hooks *h, struct diag *d)
{
	struct wl_fill f = { 0 };
	int rc;

	/* its victims are picked by slot offset, of one area */
	if (areas)
		return diag_line(d, name, 0, "wl-areas",
				 "%s runs on one area; give at most one --area", name);
	rc = wl_fill_init(&f, p, name, sim, seed, h, d);
	if (!rc)
		rc = wl_fill_to_target(&f);
	if (!rc) {
		f.gen.c.total = f.ops + p->ops;
		rc = wl_random_loop(&f, p->ops);
	}
	if (!rc)
		wl_ctx_end(&f.gen.c);
	wl_fill_done(&f);
	return rc;
}
