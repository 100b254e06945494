// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload.c - the workload (workload.h): a parsed script or a built-in
 * generator's parameters, its name and device size, and workload_run(),
 * which hands a script to the runner (workload-run.c) and a built-in to
 * its generator. Parsing is workload-parse.c's, specs workload-spec.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "workload-gen.h"
#include "workload-internal.h"
#include "workload-run.h"
#include "workload-script.h"

struct workload *workload_new(enum wl_kind kind, const char *name)
{
	struct workload *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->kind = kind;
	w->name = strdup(name);
	if (!w->name) {
		free(w);
		return NULL;
	}
	return w;
}

void workload_free(struct workload *w)
{
	if (!w)
		return;
	wl_script_free(w->script);
	free(w->name);
	free(w);
}

const char *workload_name(const struct workload *w)
{
	return w->name;
}

uint64_t workload_device_bytes(const struct workload *w)
{
	return w->device_bytes;
}

int workload_selftest_params(const struct workload *w,
			     struct workload_selftest *out)
{
	const struct wl_params *p = &w->p;

	if (w->kind != WL_SELFTEST)
		return -EINVAL;
	*out = (struct workload_selftest){
		.area = p->mixed ? 0 : p->area,
		.small_area = p->small_area,
		.folio = p->folio,
		.sizes = p->sizes,
		.rounds = p->rounds,
		.picks = p->picks,
		.small_picks = p->small_picks,
		.part_picks = p->part_picks,
		.mixed = p->mixed,
		.mixed_orders = p->mixed_orders,
		.fork = p->fork,
		.fork_every = p->fork_every,
		.version = p->version,
		.small = p->small,
		.aligned = p->aligned,
		.has_seed = p->has_seed,
		.seed = p->seed,
	};
	return 0;
}

/* One area (@areas NULL), or several with @sim their first. */
static int workload_run_on(const struct workload *w, struct sim *sim,
			   struct sim_areas *areas, uint64_t seed,
			   const struct workload_hooks *h, struct diag *d)
{
	diag_clear(d);
	switch (w->kind) {
	case WL_SCRIPT:
		return wl_run_script(w->script, w->name, sim, areas, h, d);
	case WL_SELFTEST:
		return wl_selftest_run(&w->p, w->name, sim, areas, seed, h, d);
	case WL_RANDOM:
		return wl_random_run(&w->p, w->name, sim, areas, seed, h, d);
	case WL_FRAGMENT:
		return wl_fragment_run(&w->p, w->name, sim, areas, seed, h, d);
	default:
		return -EINVAL;
	}
}

int workload_run(const struct workload *w, struct sim *sim, uint64_t seed,
		 const struct workload_hooks *h, struct diag *d)
{
	return workload_run_on(w, sim, NULL, seed, h, d);
}

int workload_run_areas(const struct workload *w, struct sim_areas *areas,
		       uint64_t seed, const struct workload_hooks *h,
		       struct diag *d)
{
	/* one area runs as it always did: slots named by their offsets */
	if (sim_areas_nr(areas) == 1)
		return workload_run_on(w, sim_areas_sim(areas, 0), NULL, seed, h, d);
	return workload_run_on(w, sim_areas_sim(areas, 0), areas, seed, h, d);
}
