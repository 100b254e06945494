// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay-sim.c - the same workload on the simulator: what `swapfs sim
 * --builtin SPEC --seed SEED --size DEVICE --sync-io` runs, with the
 * counters taken after every round and the state at the checkpoints,
 * through the workload's round hook.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <swapfs/sim.h>

#include "replay.h"

struct kr_sim_run {
	struct kr_result *r;
	uint64_t before[KR_ORDERS][2];
	int rc;
};

static int kr_sim_round(void *arg, struct sim *sim, uint64_t round)
{
	struct kr_sim_run *x = arg;
	struct kr_result *r = x->r;
	const struct snapshot *s;
	unsigned int k;
	uint64_t out, fb;
	int rc;

	for (k = 1; k < KR_ORDERS && k < sim_nr_orders(sim); k++) {
		out = sim_counter(sim, SIM_SWPOUT, k);
		fb = sim_counter(sim, SIM_SWPOUT_FALLBACK, k);
		r->per_round[round - 1][k][0] = out - x->before[k][0];
		r->per_round[round - 1][k][1] = fb - x->before[k][1];
		x->before[k][0] = out;
		x->before[k][1] = fb;
	}
	if (!kr_checkpoint_due(r, (uint32_t)round))
		return 0;
	rc = sim_snapshot(sim, &s);
	if (rc)
		return rc;
	kr_state_of(s, (uint32_t)round, &r->states[r->nr_states++]);
	return 0;
}

int kr_run_sim(struct kr_result *r)
{
	struct kr_sim_run x = { .r = r };
	struct workload_hooks h = { .round = kr_sim_round, .arg = &x };
	struct workload *w = NULL;
	struct sim_config cfg;
	struct sim *sim = NULL;
	struct diag d;
	unsigned int k;
	int rc;

	sim_config_default(&cfg, (uint32_t)(r->device / r->page_size));
	cfg.page_size = r->page_size;
	cfg.synchronous_io = !r->async_io;	/* zram, unless --async */
	cfg.kernel = strcmp(r->kernel, "6.12") ? SIM_KERNEL_NEWEST : SIM_KERNEL_6_12;
	rc = workload_builtin(r->spec, &w, &d);
	if (!rc)
		rc = sim_new(&cfg, NULL, 0, &sim, &d);
	if (!rc)
		rc = workload_run(w, sim, r->seed, &h, &d);
	if (rc)
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			d.msg[0] ? d.msg : strerror(-rc));
	for (k = 1; !rc && k < KR_ORDERS && k < sim_nr_orders(sim); k++) {
		r->total[k][KR_SWPOUT] = sim_counter(sim, SIM_SWPOUT, k);
		r->total[k][KR_SWPOUT_FALLBACK] = sim_counter(sim, SIM_SWPOUT_FALLBACK, k);
		r->total[k][KR_SWPIN] = sim_counter(sim, SIM_SWPIN, k);
		r->total[k][KR_SWPIN_FALLBACK] = sim_counter(sim, SIM_SWPIN_FALLBACK, k);
	}
	sim_free(sim);
	workload_free(w);
	return rc ? 1 : 0;
}
