// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * simbench.c - swapfs-simbench: how many allocation-or-free operations a
 * second the simulator does on a built-in workload, single-threaded, and
 * the machine's memset speed over an array the size of the slot words,
 * measured in the same process. tools/bench/sim runs it.
 *
 *	swapfs-simbench SLOTS SPEC_FILL_ONLY SPEC_WITH_OPS
 *
 * Each spec runs on a fresh device of SLOTS slots; the operations rate is
 * (ops of the second - ops of the first) / (time of the second - time of
 * the first), so filling the device up is not counted. Prints one JSON
 * object.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <swapfs/sim.h>
#include <swapfs/workload.h>

static double simbench_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run @spec on a fresh device; its operations and seconds. */
static int simbench_run(uint32_t slots, const char *spec, uint64_t *ops,
			double *secs)
{
	struct sim_config cfg;
	struct workload *w;
	struct sim *sim;
	struct diag d;
	double t0;
	int rc;

	sim_config_default(&cfg, slots);
	rc = workload_builtin(spec, &w, &d);
	if (!rc)
		rc = sim_new(&cfg, NULL, 0, &sim, &d);
	if (rc) {
		fprintf(stderr, "simbench: %s: %s\n", spec, d.msg);
		return 1;
	}
	t0 = simbench_now();
	rc = workload_run(w, sim, 1, NULL, &d);
	*secs = simbench_now() - t0;
	*ops = sim_ops(sim);
	sim_free(sim);
	workload_free(w);
	if (rc) {
		fprintf(stderr, "simbench: %s: %s\n", spec, d.msg);
		return 1;
	}
	return 0;
}

/* GB/s of memset over @bytes, best of a few passes (the first one faults). */
static double simbench_memset(size_t bytes)
{
	double best = 0, t0, t;
	char *p = malloc(bytes);
	int i;

	if (!p)
		return 0;
	for (i = 0; i < 6; i++) {
		t0 = simbench_now();
		memset(p, i, bytes);
		__asm__ volatile("" : : "r"(p) : "memory");
		t = simbench_now() - t0;
		if (i && (best == 0 || (double)bytes / t > best))
			best = (double)bytes / t;
	}
	free(p);
	return best / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t ops0, ops1;
	double t0, t1, gbs;
	uint32_t slots;

	if (argc != 4) {
		fprintf(stderr, "usage: swapfs-simbench SLOTS SPEC_FILL_ONLY SPEC_WITH_OPS\n");
		return 2;
	}
	slots = (uint32_t)strtoul(argv[1], NULL, 10);
	gbs = simbench_memset((size_t)slots * sizeof(uint16_t));
	if (simbench_run(slots, argv[2], &ops0, &t0) ||
	    simbench_run(slots, argv[3], &ops1, &t1))
		return 1;
	printf("{\"slots\": %u, \"fill_ops\": %" PRIu64 ", \"fill_s\": %.4f,"
	       " \"ops\": %" PRIu64 ", \"s\": %.4f, \"steady_ops\": %" PRIu64 ","
	       " \"steady_s\": %.4f, \"ops_per_s\": %.0f, \"memset_gbs\": %.2f}\n",
	       slots, ops0, t0, ops1, t1, ops1 - ops0, t1 - t0,
	       (double)(ops1 - ops0) / (t1 - t0), gbs);
	return 0;
}
