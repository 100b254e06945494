// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-gen.c - what the built-in generators share: a run set up
 * (hooks, PRNG, the device's geometry, room for sim_swap_out()'s
 * offsets), a parameter the device refuses said as the spec's error, and
 * the round hook of the generators that have rounds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload-gen.h"

int wl_gen_init(struct wl_gen *gen, const struct wl_params *p,
		const char *name, struct sim *sim, struct sim_areas *areas,
		uint64_t seed, const struct workload_hooks *h, struct diag *d)
{
	int rc;

	memset(gen, 0, sizeof(*gen));
	wl_ctx_init(&gen->c, sim, areas, h, d, name);
	gen->p = p;
	gen->rng.s = p->has_seed ? p->seed : seed;
	rc = areas ? wl_ctx_geometry_areas(&gen->c, &gen->g) :
		     wl_ctx_geometry(sim, &gen->g, d, name);
	if (rc)
		return rc;
	gen->offsets = calloc(1u << (gen->g.nr_orders - 1), sizeof(uint32_t));
	if (!gen->offsets)
		return diag_errno(d, name, -ENOMEM);
	return 0;
}

int wl_gen_error(struct wl_gen *gen, const char *key, const char *fmt, ...)
{
	char rule[48], msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(rule, sizeof(rule), "wl-spec-%s", key);
	return diag_line(gen->c.d, gen->c.name, 0, rule, "%s", msg);
}

int wl_gen_round_hook(struct wl_gen *gen, uint64_t round)
{
	const struct workload_hooks *h = gen->c.h;
	int rc;

	if (!h || !h->round)
		return 0;
	rc = h->round(h->arg, gen->c.sim, round);
	if (rc < 0)
		diag_line(gen->c.d, gen->c.name, 0, "wl-hook",
			  "round hook after round %" PRIu64 ": %s", round,
			  strerror(-rc));
	return rc < 0 ? rc : 0;
}
