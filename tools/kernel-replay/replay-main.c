// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay-main.c - swapfs-kernel-replay: the "selftest" workload of
 * swapfs-workload(5) (the kernel selftest
 * tools/testing/selftests/mm/thp_swap_allocator_test.c and its variants)
 * on the running kernel, or with --sim on the simulator, with the same
 * picks; the mTHP counters of every enabled order, and with --live (or
 * --sim) the swap area's cluster state at checkpoints.
 *
 * Usage: swapfs-kernel-replay [options] [key=value...]
 *
 * It does not set anything up: the swap device, the mTHP sizes and zswap
 * are the caller's business (tools/kernel-replay/kernel-replay does it;
 * --check prints the sizes to enable). The parameters are those of
 * `swapfs sim --builtin selftest:...`, plus cpu= (pin to that CPU) and
 * device= (the simulated device with --sim; the driver's otherwise).
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay.h"

/* What the command line holds besides the workload's parameters. */
struct kr_ctl {
	bool json;			/* --json */
	bool quiet;			/* --quiet */
	bool check;			/* --check */
	bool sim;			/* --sim */
	const char *checkpoints;	/* --checkpoints */
	char spec[4096];		/* selftest:... from the key=value words */
};

static void kr_usage(void)
{
	printf(
"Usage: %s [options] [key=value...]\n"
"\n"
"Run the selftest workload of swapfs-workload(5) (the kernel selftest\n"
"thp_swap_allocator_test and its variants) on the running kernel, or on the\n"
"simulator with --sim, with the same picks, and report the mTHP counters of\n"
"each enabled order and the swap area's cluster state at checkpoints.\n"
"Set up the swap device and mTHP sizes first (tools/kernel-replay/kernel-replay\n"
"does it on a fresh zram device).\n"
"\n"
"Parameters: every key of `swapfs sim --builtin selftest:...` (area, rounds,\n"
"picks, small, small_area, small_picks, sizes, folio, mixed, mixed_orders,\n"
"part_picks, fork, fork_every, version, aligned, seed), and\n"
"  cpu=N             pin the workload to CPU N (default: not pinned)\n"
"  device=SIZE       the simulated device with --sim (default 64M)\n"
"\n"
"Options:\n"
"  -j, --json              a JSON document instead of text\n"
"  -q, --quiet             no progress on stderr\n"
"  -c, --check             check the parameters, print the mTHP sizes (KiB)\n"
"                          the workload needs, and exit\n"
"      --live AREA         read AREA (live:) at the checkpoints\n"
"      --checkpoints LIST  rounds to read the state after (default\n"
"                          1,10,50,100 and the last, those the run has)\n"
"      --sim               run on the simulator instead of the kernel\n"
"      --kernel POLICY     the simulator's policy: newest (default) or 6.12\n"
"      --async             the simulated device without SWP_SYNCHRONOUS_IO:\n"
"                          swap-in page by page, as before large swap-in\n"
"      --hold              after the last round, print \"held\" on stdout and\n"
"                          keep the memory swapped out until stdin ends (the\n"
"                          caller reads the areas meanwhile)\n"
"  -h, --help              this text\n"
"\n"
"Exit status: 0 done, 1 failure, 2 usage, 77 the kernel cannot run it.\n",
	       program_invocation_short_name);
}

/* cpu= and device= are ours; every other word goes to the spec. */
static int kr_param(struct kr_ctl *ctl, struct kr_result *r, const char *arg)
{
	char *end;

	if (!strchr(arg, '='))
		return -EINVAL;
	if (!strncmp(arg, "cpu=", 4)) {
		r->cpu = (int)strtol(arg + 4, &end, 10);
		return *end || end == arg + 4 || r->cpu < 0 || r->cpu >= CPU_SETSIZE ?
		       -EINVAL : 0;
	}
	if (!strncmp(arg, "device=", 7)) {
		r->device = strtoull(arg + 7, &end, 10);
		switch (*end) {
		case 'K': case 'k': r->device <<= 10; end++; break;
		case 'M': case 'm': r->device <<= 20; end++; break;
		case 'G': case 'g': r->device <<= 30; end++; break;
		}
		return *end || !r->device ? -EINVAL : 0;
	}
	if (!strncmp(arg, "seed=", 5))
		r->seed = strtoull(arg + 5, NULL, 10);
	if (strlen(ctl->spec) + strlen(arg) + 2 >= sizeof(ctl->spec))
		return -E2BIG;
	strcat(ctl->spec, ctl->spec[9] ? "," : "");
	strcat(ctl->spec, arg);
	return 0;
}

static int kr_add_checkpoint(struct kr_result *r, uint32_t round)
{
	unsigned int i;

	if (!round || round > r->p.rounds)
		return 0;
	for (i = 0; i < r->nr_checkpoints; i++)
		if (r->checkpoint_at[i] == round)
			return 0;
	if (r->nr_checkpoints == KR_MAX_CHECKPOINTS)
		return -E2BIG;
	for (i = r->nr_checkpoints++; i && r->checkpoint_at[i - 1] > round; i--)
		r->checkpoint_at[i] = r->checkpoint_at[i - 1];
	r->checkpoint_at[i] = round;
	return 0;
}

static int kr_checkpoints(struct kr_result *r, const char *list)
{
	static const uint32_t def[] = { 1, 10, 50, 100 };
	unsigned long v;
	unsigned int i;
	char *end;

	if (!list) {
		for (i = 0; i < 4; i++)
			kr_add_checkpoint(r, def[i]);
		return kr_add_checkpoint(r, r->p.rounds);
	}
	while (*list) {
		v = strtoul(list, &end, 10);
		if (end == list || (*end && *end != ',') || v > UINT32_MAX ||
		    kr_add_checkpoint(r, (uint32_t)v))
			return -EINVAL;
		list = *end ? end + 1 : end;
	}
	return 0;
}

static void kr_print_sizes(const struct kr_result *r)
{
	unsigned int k;
	const char *sep = "";

	printf("{\"sizes_kb\": [");
	for (k = 1; k < KR_ORDERS; k++) {
		if (r->orders & (1u << k)) {
			printf("%s%u", sep, (r->page_size << k) >> 10);
			sep = ", ";
		}
	}
	printf("], \"spec\": \"%s\", \"seed\": %" PRIu64 "}\n", r->spec, r->seed);
}

static int kr_parse(int argc, char **argv, struct kr_ctl *ctl,
		    struct kr_result *r)
{
	enum { OPT_LIVE = 256, OPT_CHECKPOINTS, OPT_SIM, OPT_KERNEL, OPT_ASYNC,
	       OPT_HOLD };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "live", required_argument, NULL, OPT_LIVE },
		{ "checkpoints", required_argument, NULL, OPT_CHECKPOINTS },
		{ "sim", no_argument, NULL, OPT_SIM },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "async", no_argument, NULL, OPT_ASYNC },
		{ "hold", no_argument, NULL, OPT_HOLD },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "jqch", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': ctl->json = true; break;
		case 'q': ctl->quiet = true; break;
		case 'c': ctl->check = true; break;
		case 'h': kr_usage(); exit(EXIT_SUCCESS);
		case OPT_LIVE: r->live = optarg; break;
		case OPT_CHECKPOINTS: ctl->checkpoints = optarg; break;
		case OPT_SIM: ctl->sim = true; break;
		case OPT_ASYNC: r->async_io = true; break;
		case OPT_HOLD: r->hold = true; break;
		case OPT_KERNEL:
			if (strcmp(optarg, "newest") && strcmp(optarg, "6.12")) {
				fprintf(stderr, "%s: --kernel: not newest or 6.12\n",
					program_invocation_short_name);
				return -EINVAL;
			}
			r->kernel = optarg;
			break;
		default: return -EINVAL;
		}
	}
	for (; optind < argc; optind++) {
		if (kr_param(ctl, r, argv[optind])) {
			fprintf(stderr, "%s: bad parameter '%s'\n",
				program_invocation_short_name, argv[optind]);
			return -EINVAL;
		}
	}
	return 0;
}

/* The spec, checked as swapfs sim checks it, and its parameters. */
static int kr_resolve(struct kr_ctl *ctl, struct kr_result *r)
{
	struct workload *w;
	struct diag d;
	int rc;

	rc = workload_builtin(ctl->spec, &w, &d);
	if (rc) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, d.msg);
		return rc;
	}
	workload_selftest_params(w, &r->p);
	workload_free(w);
	r->orders = kr_orders_of(&r->p, r->page_size);
	if (kr_checkpoints(r, ctl->checkpoints)) {
		fprintf(stderr, "%s: --checkpoints: not rounds joined by ',' (at most %d)\n",
			program_invocation_short_name, KR_MAX_CHECKPOINTS);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct kr_ctl ctl = { .spec = "selftest:" };
	struct kr_result r = {
		.cpu = -1, .seed = 1, .kernel = "newest", .device = 64u << 20,
	};
	int rc;

	r.page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	if (kr_parse(argc, argv, &ctl, &r) || kr_resolve(&ctl, &r)) {
		fprintf(stderr, "Try '%s --help' for more information.\n",
			program_invocation_short_name);
		return 2;
	}
	r.spec = ctl.spec;
	if (ctl.check) {
		kr_print_sizes(&r);
		return EXIT_SUCCESS;
	}
	r.per_round = calloc(r.p.rounds ? r.p.rounds : 1, sizeof(*r.per_round));
	if (!r.per_round) {
		fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
		return EXIT_FAILURE;
	}
	r.mode = ctl.sim ? "sim" : "kernel";
	rc = ctl.sim ? kr_run_sim(&r) : kr_run_kernel(&r, ctl.quiet);
	if (!rc) {
		if (ctl.json)
			kr_print_json(&r);
		else
			kr_print_text(&r);
		rc = fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	free(r.per_round);
	return rc;
}
