// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-sim.c - swapfs sim: replay a workload on a model of the kernel's
 * swap allocator and store the state in a snapshot file, once at the end
 * or every N operations (a time series), with the per-order counters of
 * hugepages-<size>kB/stats.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <swapfs/sim.h>
#include <swapfs/snapfile.h>
#include <swapfs/source.h>
#include <swapfs/workload.h>

#include "cli.h"

/* A device the size of a small laptop's swap when nobody says otherwise. */
#define CMD_SIM_DEFAULT_BYTES	(4ull << 30)

enum {
	CMD_SIM_OPT_BUILTIN = 0x200,
	CMD_SIM_OPT_KERNEL,
	CMD_SIM_OPT_SIZE,
	CMD_SIM_OPT_SLOTS,
	CMD_SIM_OPT_PAGE_SIZE,
	CMD_SIM_OPT_CLUSTER_SIZE,
	CMD_SIM_OPT_CPUS,
	CMD_SIM_OPT_SEED,
	CMD_SIM_OPT_ROTATIONAL,
	CMD_SIM_OPT_DISCARD,
	CMD_SIM_OPT_SWAPFILE,
	CMD_SIM_OPT_SYNC_IO,
	CMD_SIM_OPT_EVERY,
	CMD_SIM_OPT_FROM,
	CMD_SIM_OPT_CHECK,
};

/* What the hooks of a run need. */
struct cmd_sim_run {
	struct snapfile *f;
	const char *output;
	char *note;		/* the command line's parameters, for provenance */
	const char *user_note;	/* --note */
	const char *workload;	/* the script's absolute path, or the built-in spec */
	uint64_t seed;
	unsigned int snapshots;
	bool progress;		/* stderr is a terminal */
	bool progress_shown;
	struct diag d;
	int rc;			/* the first snapfile error, as an exit code */
};

static void __attribute__((noreturn)) cmd_sim_usage(void)
{
	cli_usage_header(stdout, &cmd_sim_entry);
	puts("\nOptions:");
	puts(" -w, --workload <file>     a workload script (swapfs-workload(5))");
	puts("     --builtin <spec>      a built-in workload: selftest, random or fragment,");
	puts("                             with parameters: random:orders=0+2+4,fill=90");
	puts(" -o, --output <file>       the snapshot file to write (required)");
	puts(" -f, --force               replace an existing output file");
	puts(" -a, --append              add the snapshots to an existing file");
	puts("     --kernel <policy>     newest (default) or 6.12");
	puts("     --size <size>         device size in bytes (K, M, G, T suffixes)");
	puts("     --slots <n>           device size in slots (si->max)");
	puts("     --page-size <n>       page size in bytes (default 4096)");
	puts("     --cluster-size <n>    slots per cluster (default 512)");
	puts("     --cpus <n>            simulated CPUs (default 1)");
	puts("     --seed <n>            seed of the built-in workloads (default 1)");
	puts("     --rotational          a rotating disk (no SWP_SOLIDSTATE)");
	puts("     --discard             discard=pages (SWP_PAGE_DISCARD)");
	puts("     --swapfile            a swap file on a filesystem (no SWP_BLKDEV)");
	puts("     --sync-io             SWP_SYNCHRONOUS_IO (zram): large swap-in allowed");
	puts("     --every <n>           a snapshot every n operations");
	puts("     --from <snapshot>     continue from a snapshot file (its last snapshot)");
	puts("                             or a dump directory");
	puts("     --note <text>         a note stored with the snapshots");
	puts("     --check               check every invariant after every operation");
	cli_usage_tail(stdout);
	exit(SWAPFS_EXIT_OK);
}

static void __attribute__((noreturn)) cmd_sim_bad(const char *what, const char *arg,
						  const char *why)
{
	fprintf(stderr, "%s: %s '%s': %s\n", program_invocation_short_name,
		what, arg, why);
	cli_errtryhelp(&cmd_sim_entry);
}

/* An unsigned number in [@min, @max], with K/M/G/T (binary) when @suffix. */
static uint64_t cmd_sim_number(const char *what, const char *arg, uint64_t min,
			       uint64_t max, bool suffix)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;
	int shift;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *arg == '-')
		cmd_sim_bad(what, arg, "not a number");
	if (suffix && *end && (u = strchr(units, *end)) && *u) {
		shift = 10 * (int)(u - units + 1);
		if (v > (UINT64_MAX >> shift))
			cmd_sim_bad(what, arg, "too large");
		v <<= shift;
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
	}
	if (*end)
		cmd_sim_bad(what, arg, suffix ? "not a size (a number with K, M, G or T)" :
						"not a number");
	if (v < min || v > max) {
		char why[96];

		snprintf(why, sizeof(why), "out of range %" PRIu64 "..%" PRIu64, min, max);
		cmd_sim_bad(what, arg, why);
	}
	return v;
}

static void cmd_sim_progress(void *arg, uint64_t done, uint64_t total)
{
	struct cmd_sim_run *run = arg;

	if (!run->progress)
		return;
	if (total)
		fprintf(stderr, "\r%s: sim: %" PRIu64 " of %" PRIu64 " (%u%%)  ",
			program_invocation_short_name, done, total,
			(unsigned int)(done * 100 / total));
	else
		fprintf(stderr, "\r%s: sim: %" PRIu64 "  ",
			program_invocation_short_name, done);
	run->progress_shown = true;
}

/* The counters of every order above 0, as hugepages-<size>kB/stats names them. */
static size_t cmd_sim_counters(const struct sim *sim, struct snapfile_counter *c)
{
	unsigned int k, i;
	size_t n = 0;

	for (k = 1; k < sim_nr_orders(sim); k++) {
		for (i = 0; i < SIM_NR_COUNTERS; i++) {
			c[n].order = k;
			snprintf(c[n].name, sizeof(c[n].name), "%s",
				 sim_counter_name((enum sim_counter)i));
			c[n].value = sim_counter(sim, (enum sim_counter)i, k);
			n++;
		}
	}
	return n;
}

/* Now, as provenance wants it: ISO 8601 UTC. */
static void cmd_sim_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int cmd_sim_snapshot(void *arg, struct sim *sim, const char *note)
{
	struct snapfile_counter c[SIM_NR_COUNTERS * (SNAPSHOT_MAX_ORDER + 1)];
	struct cmd_sim_run *run = arg;
	const struct snapshot *cs;
	struct snapshot *s;
	char created[32], *text = NULL;
	int rc;

	rc = sim_snapshot(sim, &cs);
	if (rc)
		return rc;
	/* the sim owns it; provenance strings are ours to set until its next op */
	s = (struct snapshot *)cs;
	cmd_sim_now(created, sizeof(created));
	if (asprintf(&text, "%s%s%s", note ? note : run->user_note ? run->user_note : "",
		     note || run->user_note ? "; " : "", run->note) < 0)
		return -ENOMEM;
	rc = snapshot_set_string(&s->prov.created, created) ?:
	     snapshot_set_string(&s->prov.source_path, run->workload) ?:
	     snapshot_set_string(&s->prov.note, text);
	free(text);
	if (rc)
		return rc;
	rc = snapfile_append_counters(run->f, s, c, cmd_sim_counters(sim, c), NULL,
				      &run->d);
	if (rc) {
		run->rc = cli_diag_error(run->output, rc, &run->d);
		return rc;
	}
	run->snapshots++;
	return 0;
}

/* --from: the state to continue from, and its counters when it has them. */
static int cmd_sim_from(const char *src, struct snapshot **s,
			struct snapfile_counter **c, size_t *nr)
{
	int rc = cli_load_source(src, 0, s);

	if (rc)
		return rc;
	rc = cli_load_counters(src, 0, c, nr);
	if (rc)
		snapshot_free(*s);
	return rc;
}

/* The geometry of a snapshot continued from must be the one asked for. */
static int cmd_sim_adopt(struct sim_config *cfg, const struct snapshot *s,
			 bool slots_given, bool page_given, bool cluster_given)
{
	const char *field = NULL;

	if (slots_given && cfg->slots != s->dev.max)
		field = "slots";
	else if (page_given && cfg->page_size != s->dev.page_size)
		field = "page size";
	else if (cluster_given && cfg->cluster_size != s->dev.cluster_size)
		field = "cluster size";
	if (field) {
		fprintf(stderr, "%s: --from: the snapshot's %s differs from the one given\n",
			program_invocation_short_name, field);
		return SWAPFS_EXIT_USAGE;
	}
	cfg->slots = s->dev.max;
	cfg->page_size = s->dev.page_size;
	cfg->cluster_size = s->dev.cluster_size;
	if (s->dev.has_rotational)
		cfg->rotational = s->dev.rotational;
	return 0;
}

static int cmd_sim_make(struct sim_config *cfg, const char *from, bool slots_given,
			bool page_given, bool cluster_given, struct sim **sim)
{
	struct snapfile_counter *c;
	struct snapshot *s;
	struct diag d;
	size_t nr, i;
	int rc;

	diag_clear(&d);
	if (!from) {
		rc = sim_new(cfg, NULL, 0, sim, &d);
		return rc ? cli_diag_error("sim", rc, &d) : 0;
	}
	rc = cmd_sim_from(from, &s, &c, &nr);
	if (rc)
		return rc;
	rc = cmd_sim_adopt(cfg, s, slots_given, page_given, cluster_given);
	if (rc) {
		snapshot_free(s);
		free(c);
		return rc;
	}
	rc = sim_from_snapshot(s, cfg, sim, &d);
	if (rc) {
		free(c);
		return cli_diag_error(from, rc, &d);
	}
	for (i = 0; i < nr; i++) {
		int k = -1;
		unsigned int j;

		for (j = 0; j < SIM_NR_COUNTERS; j++)
			if (!strcmp(c[i].name, sim_counter_name((enum sim_counter)j)))
				k = (int)j;
		if (k >= 0 && c[i].order > 0 && c[i].order < sim_nr_orders(*sim))
			sim_set_counter(*sim, (enum sim_counter)k, c[i].order, c[i].value);
	}
	free(c);
	return 0;
}

static int cmd_sim_open_output(struct cmd_sim_run *run, bool append, bool force)
{
	int rc;

	diag_clear(&run->d);
	rc = append ? snapfile_open(run->output, true, &run->f, &run->d) :
		      snapfile_create(run->output, force, &run->f, &run->d);
	if (rc == -EEXIST) {
		fprintf(stderr, "%s: %s: exists; use --append to add snapshots or --force to replace it\n",
			program_invocation_short_name, run->output);
		return SWAPFS_EXIT_SYSTEM;
	}
	return rc ? cli_diag_error(run->output, rc, &run->d) : 0;
}

static const char *cmd_sim_kernel_name(enum sim_kernel k)
{
	return k == SIM_KERNEL_6_12 ? "6.12" : "newest";
}

/* Replay, snapshot at the end, commit. Returns the exit code. */
static int cmd_sim_run(struct cmd_sim_run *run, const struct workload *w,
		       struct sim *sim, uint64_t every)
{
	struct workload_hooks h = {
		.snapshot = cmd_sim_snapshot,
		.every = every,
		.progress = cmd_sim_progress,
		.arg = run,
	};
	struct diag d;
	int rc;

	diag_clear(&d);
	rc = workload_run(w, sim, run->seed, &h, &d);
	if (run->progress_shown)
		fputc('\n', stderr);
	if (rc) {
		snapfile_close(run->f);
		return run->rc ? run->rc : cli_diag_error(workload_name(w), rc, &d);
	}
	rc = cmd_sim_snapshot(run, sim, NULL);
	if (rc) {
		snapfile_close(run->f);
		return run->rc ? run->rc : cli_diag_error(run->output, rc, &run->d);
	}
	rc = snapfile_commit(run->f, &run->d);
	return rc ? cli_diag_error(run->output, rc, &run->d) : SWAPFS_EXIT_OK;
}

static int cmd_sim_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "workload", required_argument, NULL, 'w' },
		{ "builtin", required_argument, NULL, CMD_SIM_OPT_BUILTIN },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "append", no_argument, NULL, 'a' },
		{ "kernel", required_argument, NULL, CMD_SIM_OPT_KERNEL },
		{ "size", required_argument, NULL, CMD_SIM_OPT_SIZE },
		{ "slots", required_argument, NULL, CMD_SIM_OPT_SLOTS },
		{ "page-size", required_argument, NULL, CMD_SIM_OPT_PAGE_SIZE },
		{ "cluster-size", required_argument, NULL, CMD_SIM_OPT_CLUSTER_SIZE },
		{ "cpus", required_argument, NULL, CMD_SIM_OPT_CPUS },
		{ "seed", required_argument, NULL, CMD_SIM_OPT_SEED },
		{ "rotational", no_argument, NULL, CMD_SIM_OPT_ROTATIONAL },
		{ "discard", no_argument, NULL, CMD_SIM_OPT_DISCARD },
		{ "swapfile", no_argument, NULL, CMD_SIM_OPT_SWAPFILE },
		{ "sync-io", no_argument, NULL, CMD_SIM_OPT_SYNC_IO },
		{ "every", required_argument, NULL, CMD_SIM_OPT_EVERY },
		{ "from", required_argument, NULL, CMD_SIM_OPT_FROM },
		{ "note", required_argument, NULL, CLI_OPT_NOTE },
		{ "check", no_argument, NULL, CMD_SIM_OPT_CHECK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *script = NULL, *builtin = NULL, *from = NULL, *size_arg = NULL;
	char script_path[PATH_MAX];
	struct cmd_sim_run run = { .seed = 1 };
	bool append = false, force = false, slots_given = false;
	bool page_given = false, cluster_given = false;
	uint64_t size = 0, every = 0;
	struct sim_config cfg;
	struct workload *w;
	struct sim *sim;
	struct diag d;
	int c, rc;

	sim_config_default(&cfg, 0);
	while ((c = getopt_long(argc, argv, "w:o:fahV", longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			script = optarg;
			break;
		case CMD_SIM_OPT_BUILTIN:
			builtin = optarg;
			break;
		case 'o':
			run.output = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'a':
			append = true;
			break;
		case CMD_SIM_OPT_KERNEL:
			if (!strcmp(optarg, "newest"))
				cfg.kernel = SIM_KERNEL_NEWEST;
			else if (!strcmp(optarg, "6.12"))
				cfg.kernel = SIM_KERNEL_6_12;
			else
				cmd_sim_bad("--kernel", optarg, "not newest or 6.12");
			break;
		case CMD_SIM_OPT_SIZE:
			size_arg = optarg;
			size = cmd_sim_number("--size", optarg, 1, UINT64_MAX, true);
			break;
		case CMD_SIM_OPT_SLOTS:
			cfg.slots = (uint32_t)cmd_sim_number("--slots", optarg, 2,
							     UINT32_MAX, false);
			slots_given = true;
			break;
		case CMD_SIM_OPT_PAGE_SIZE:
			cfg.page_size = (uint32_t)cmd_sim_number("--page-size", optarg,
				SNAPSHOT_MIN_PAGE_SIZE, SNAPSHOT_MAX_PAGE_SIZE, true);
			page_given = true;
			break;
		case CMD_SIM_OPT_CLUSTER_SIZE:
			cfg.cluster_size = (uint32_t)cmd_sim_number("--cluster-size", optarg,
				1, SNAPSHOT_MAX_CLUSTER_SIZE, false);
			cluster_given = true;
			break;
		case CMD_SIM_OPT_CPUS:
			cfg.cpus = (unsigned int)cmd_sim_number("--cpus", optarg, 1,
								SIM_MAX_CPUS, false);
			break;
		case CMD_SIM_OPT_SEED:
			run.seed = cmd_sim_number("--seed", optarg, 0, UINT64_MAX, false);
			break;
		case CMD_SIM_OPT_ROTATIONAL:
			cfg.rotational = true;
			break;
		case CMD_SIM_OPT_DISCARD:
			cfg.discard = true;
			break;
		case CMD_SIM_OPT_SWAPFILE:
			cfg.swapfile = true;
			break;
		case CMD_SIM_OPT_SYNC_IO:
			cfg.synchronous_io = true;
			break;
		case CMD_SIM_OPT_EVERY:
			every = cmd_sim_number("--every", optarg, 1, UINT64_MAX, false);
			break;
		case CMD_SIM_OPT_FROM:
			from = optarg;
			break;
		case CLI_OPT_NOTE:
			run.user_note = optarg;
			break;
		case CMD_SIM_OPT_CHECK:
			cfg.check_always = true;
			break;
		case 'h':
			cmd_sim_usage();
		case 'V':
			cli_print_version();
		default:
			cli_errtryhelp(&cmd_sim_entry);
		}
	}
	if (optind != argc || !run.output || !script == !builtin) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			optind != argc ? "unexpected argument" :
			!script == !builtin ? "give one workload: -w FILE or --builtin SPEC" :
			"no output file specified (-o)");
		cli_errtryhelp(&cmd_sim_entry);
	}
	if (append && force) {
		fprintf(stderr, "%s: --append and --force are mutually exclusive\n",
			program_invocation_short_name);
		cli_errtryhelp(&cmd_sim_entry);
	}
	if (size_arg && slots_given) {
		fprintf(stderr, "%s: --size and --slots are mutually exclusive\n",
			program_invocation_short_name);
		cli_errtryhelp(&cmd_sim_entry);
	}
	if (cfg.cluster_size & (cfg.cluster_size - 1))
		cmd_sim_bad("--cluster-size", "", "not a power of two");
	if (cfg.page_size & (cfg.page_size - 1))
		cmd_sim_bad("--page-size", "", "not a power of two");

	if (script && !realpath(script, script_path))
		snprintf(script_path, sizeof(script_path), "%s", script);
	diag_clear(&d);
	rc = script ? workload_load_file(script, &w, &d) : workload_builtin(builtin, &w, &d);
	if (rc)
		return cli_diag_error(script ? script : builtin, rc, &d);
	if (!slots_given) {
		if (!size)
			size = workload_device_bytes(w);
		if (!size)
			size = CMD_SIM_DEFAULT_BYTES;
		if (size / cfg.page_size < 2 || size / cfg.page_size > UINT32_MAX) {
			workload_free(w);
			cmd_sim_bad("--size", size_arg ? size_arg : "(the workload's)",
				    "not 2 to 2^32-1 pages");
		}
		cfg.slots = (uint32_t)(size / cfg.page_size);
	}
	rc = cmd_sim_make(&cfg, from, slots_given || size_arg, page_given,
			  cluster_given, &sim);
	if (rc) {
		workload_free(w);
		return rc;
	}
	if (asprintf(&run.note, "sim %s --kernel %s --cpus %u --seed %" PRIu64 "%s%s%s%s%s%s",
		     workload_name(w), cmd_sim_kernel_name(cfg.kernel), cfg.cpus, run.seed,
		     cfg.rotational ? " --rotational" : "", cfg.discard ? " --discard" : "",
		     cfg.swapfile ? " --swapfile" : "",
		     cfg.synchronous_io ? " --sync-io" : "",
		     from ? " --from " : "", from ? from : "") < 0) {
		run.note = NULL;
		rc = cli_diag_error("sim", -ENOMEM, NULL);
		goto out;
	}
	run.workload = script ? script_path : builtin;
	run.progress = isatty(STDERR_FILENO);
	rc = cmd_sim_open_output(&run, append, force);
	if (!rc)
		rc = cmd_sim_run(&run, w, sim, every);
out:
	free(run.note);
	sim_free(sim);
	workload_free(w);
	return rc;
}

const struct cli_cmd cmd_sim_entry = {
	.name = "sim",
	.synopsis = "(-w <file> | --builtin <spec>) -o <file> [options]",
	.summary = "Replay a workload on a model of the kernel's swap allocator.",
	.exec = cmd_sim_exec,
};
