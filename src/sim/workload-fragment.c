// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-fragment.c - the built-in generator "fragment": fill, then
 * punch holes in a share of the allocations (whole ones, or one aligned
 * piece of hole_order each).
 */
#include <stdint.h>

#include "workload-fill.h"

/* A hole in a random allocation: all of it, or one aligned piece. */
static int wl_fragment_hole(struct wl_fill *f)
{
	const struct wl_params *p = f->gen.p;
	unsigned int order, k = (unsigned int)p->hole_order;
	uint32_t off = wl_live_take(&f->live, wl_rng_next(&f->gen.rng), &order);

	if (p->hole_order < 0 || k >= order)
		return wl_fill_put(f, off, order);
	off += (uint32_t)wl_rng_below(&f->gen.rng, 1u << (order - k)) << k;
	return wl_fill_put(f, off, k);
}

int wl_fragment_run(const struct wl_params *p, const char *name,
		    struct sim *sim, struct sim_areas *areas, uint64_t seed,
		    const struct workload_hooks *h, struct diag *d)
{
	struct wl_fill f = { 0 };
	uint64_t holes, i;
	int rc;

	/* its victims are picked by slot offset, of one area */
	if (areas)
		return diag_line(d, name, 0, "wl-areas",
				 "%s runs on one area; give at most one --area", name);
	rc = wl_fill_init(&f, p, name, sim, seed, h, d);
	if (!rc)
		rc = wl_fill_to_target(&f);
	holes = wl_live_nr(&f.live) * p->holes / 100;
	f.gen.c.total = f.ops + holes;
	for (i = 0; !rc && i < holes; i++)
		rc = wl_fill_step(&f, wl_fragment_hole(&f));
	if (!rc && f.gen.g.discard)
		sim_discard_work(sim);
	if (!rc)
		wl_ctx_end(&f.gen.c);
	wl_fill_done(&f);
	return rc;
}
