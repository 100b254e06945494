// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-sim.c - swapfs sim: replay a workload on a model of the kernel's
 * swap allocator and store the state in a snapshot file, once at the end
 * or every N operations (a time series), with the per-order counters of
 * hugepages-<size>kB/stats.
 */
#include <err.h>
#include <errno.h>
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
#include <swapfs/utc.h>

#include "args.h"
#include "cli.h"
#include "explain.h"
#include "cmd-sim-areas.h"

/* A device the size of a small laptop's swap when nobody says otherwise. */
#define CMD_SIM_DEFAULT_BYTES	(4ull << 30)

/* What the hooks of a run need. */
struct cmd_sim_run {
	struct snapfile *f;
	const char *output;	/* -o */
	char *note;		/* the command line's parameters, for provenance */
	const char *user_note;	/* --note */
	const char *workload;	/* the script's absolute path, or the built-in spec */
	uint64_t seed;		/* --seed */
	unsigned int snapshots;
	bool progress;		/* stderr is a terminal */
	bool progress_shown;
	struct diag d;
	int rc;			/* the first snapfile error, as an exit code */
	struct cli_explain explain;	/* --explain, --trace */
	struct sim_areas *areas;	/* --area: several, one snapshot each */
};

struct cmd_sim_ctl {
	const char *script;		/* -w */
	const char *builtin;		/* --builtin */
	const char *from;		/* --from */
	const char *size_arg;		/* --size, as given */
	const char *slots_arg;		/* --slots, as given */
	const char *page_arg;		/* --page-size, as given */
	const char *cluster_arg;	/* --cluster-size, as given */
	uint64_t size;			/* --size */
	uint64_t every;			/* --every */
	bool append;			/* -a */
	bool force;			/* -f */
	struct sim_config cfg;		/* --kernel, --slots, --cpus, --rotational... */
	struct cmd_sim_run run;		/* -o, --seed, --note */
	char script_path[PATH_MAX];
	struct workload *w;
	struct sim *sim;
	struct cmd_sim_areas areas;	/* --area */
};

static void cmd_sim_progress(void *arg, uint64_t done, uint64_t total)
{
	struct cmd_sim_run *run = arg;

	if (!run->progress)
		return;
	/* not warnx(): the line starts with a carriage return and has no newline */
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


/* One snapshot @cs of @sim (which owns it) into the file. */
static int cmd_sim_write(struct cmd_sim_run *run, struct sim *sim,
			 const struct snapshot *cs, const char *note)
{
	struct snapfile_counter c[SIM_NR_COUNTERS * (SNAPSHOT_MAX_ORDER + 1) +
				  CLI_EXPLAIN_COUNTERS_MAX];
	size_t nr;
	struct snapshot *s;
	char created[32], *text = NULL;
	int rc;

	/* the sim owns it; provenance strings are ours to set until its next op */
	s = (struct snapshot *)cs;
	utc_now(created, sizeof(created));
	if (asprintf(&text, "%s%s%s", note ? note : run->user_note ? run->user_note : "",
		     note || run->user_note ? "; " : "", run->note) < 0)
		return -ENOMEM;
	rc = snapshot_set_string(&s->prov.created, created) ?:
	     snapshot_set_string(&s->prov.source_path, run->workload) ?:
	     snapshot_set_string(&s->prov.note, text);
	free(text);
	if (rc)
		return rc;
	/* the trace reaches the disk with each snapshot: its events are in it */
	rc = cli_explain_flush(&run->explain, sim);
	if (rc) {
		run->rc = rc;
		return -EIO;
	}
	nr = cmd_sim_counters(sim, c);
	nr += cli_explain_counters(sim, c + nr);
	rc = snapfile_append_counters(run->f, s, c, nr, NULL, &run->d);
	if (rc) {
		run->rc = cli_diag_error(run->output, rc, &run->d);
		return rc;
	}
	run->snapshots++;
	return 0;
}

/*
 * The snapshot hook: one snapshot, or with several areas one per area in
 * the kernel's try order (sim_areas_snapshot()), each with its counters.
 */
static int cmd_sim_snapshot(void *arg, struct sim *sim, const char *note)
{
	struct cmd_sim_run *run = arg;
	const struct snapshot *cs;
	unsigned int i;
	int rc;

	if (!run->areas) {
		rc = sim_snapshot(sim, &cs);
		return rc ? rc : cmd_sim_write(run, sim, cs, note);
	}
	for (i = 0; i < sim_areas_nr(run->areas); i++) {
		rc = sim_areas_snapshot(run->areas, i, &cs);
		if (!rc)
			rc = cmd_sim_write(run, sim_areas_sim(run->areas,
					   sim_areas_try_type(run->areas, i)), cs, note);
		if (rc)
			return rc;
	}
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
static int cmd_sim_adopt(struct cmd_sim_ctl *ctl, const struct snapshot *s)
{
	struct sim_config *cfg = &ctl->cfg;
	const char *field = NULL;

	if ((ctl->slots_arg || ctl->size_arg) && cfg->slots != s->dev.max)
		field = "slots";
	else if (ctl->page_arg && cfg->page_size != s->dev.page_size)
		field = "page size";
	else if (ctl->cluster_arg && cfg->cluster_size != s->dev.cluster_size)
		field = "cluster size";
	if (field) {
		warnx("--from: the snapshot's %s differs from the one given", field);
		return SWAPFS_EXIT_USAGE;
	}
	cfg->slots = s->dev.max;
	cfg->page_size = s->dev.page_size;
	cfg->cluster_size = s->dev.cluster_size;
	if (s->dev.has_rotational)
		cfg->rotational = s->dev.rotational;
	return 0;
}

/* The counters a snapshot file stored go on counting (those this sim knows). */
static void cmd_sim_restore_counters(struct sim *sim, const struct snapfile_counter *c,
				     size_t nr)
{
	unsigned int j;
	size_t i;
	int k;

	for (i = 0; i < nr; i++) {
		k = -1;
		for (j = 0; j < SIM_NR_COUNTERS; j++)
			if (!strcmp(c[i].name, sim_counter_name((enum sim_counter)j)))
				k = (int)j;
		if (k >= 0 && c[i].order > 0 && c[i].order < sim_nr_orders(sim))
			sim_set_counter(sim, (enum sim_counter)k, c[i].order, c[i].value);
	}
}

/* A fresh device, or the state --from names. */
static int cmd_sim_make(struct cmd_sim_ctl *ctl)
{
	struct snapfile_counter *c;
	struct snapshot *s;
	struct diag d;
	size_t nr;
	int rc;

	diag_clear(&d);
	if (ctl->areas.n)
		return cmd_sim_areas_make(&cmd_sim_entry, &ctl->areas, &ctl->cfg,
					  workload_device_bytes(ctl->w) ?: CMD_SIM_DEFAULT_BYTES,
					  &ctl->run.areas);
	if (!ctl->from) {
		rc = sim_new(&ctl->cfg, NULL, 0, &ctl->sim, &d);
		return rc ? cli_diag_error("sim", rc, &d) :
			    cli_explain_start(&ctl->run.explain, ctl->sim, NULL, 0);
	}
	rc = cmd_sim_from(ctl->from, &s, &c, &nr);
	if (rc)
		return rc;
	rc = cmd_sim_adopt(ctl, s);
	if (rc) {
		snapshot_free(s);
		free(c);
		return rc;
	}
	rc = sim_from_snapshot(s, &ctl->cfg, &ctl->sim, &d);
	if (rc) {
		free(c);
		return cli_diag_error(ctl->from, rc, &d);
	}
	cmd_sim_restore_counters(ctl->sim, c, nr);
	rc = cli_explain_start(&ctl->run.explain, ctl->sim, c, nr);
	free(c);
	return rc;
}

static const char *cmd_sim_kernel_name(enum sim_kernel k)
{
	return k == SIM_KERNEL_6_12 ? "6.12" : "newest";
}

/* The parameters of the run, as provenance states them. */
static int cmd_sim_note(struct cmd_sim_ctl *ctl)
{
	const struct sim_config *cfg = &ctl->cfg;
	char *areas = NULL, *more;
	unsigned int i;
	int rc;

	for (i = 0; i < ctl->areas.n; i++) {
		rc = asprintf(&more, "%s --area %s", areas ? areas : "",
			      ctl->areas.area[i].spec);
		free(areas);
		if (rc < 0)
			return cli_diag_error("sim", -ENOMEM, NULL);
		areas = more;
	}
	rc = asprintf(&ctl->run.note, "sim %s --kernel %s --cpus %u --seed %" PRIu64 "%s%s%s%s%s%s%s%s",
		      workload_name(ctl->w), cmd_sim_kernel_name(cfg->kernel), cfg->cpus,
		      ctl->run.seed, cfg->rotational ? " --rotational" : "",
		      cfg->discard ? " --discard" : "", cfg->swapfile ? " --swapfile" : "",
		      cfg->synchronous_io ? " --sync-io" : "",
		      ctl->run.explain.on ? " --explain" : "",
		      ctl->from ? " --from " : "", ctl->from ? ctl->from : "",
		      areas ? areas : "");
	free(areas);
	if (rc < 0) {
		ctl->run.note = NULL;
		return cli_diag_error("sim", -ENOMEM, NULL);
	}
	return 0;
}

static int cmd_sim_open_output(struct cmd_sim_ctl *ctl)
{
	int rc;

	ctl->run.workload = ctl->script ? ctl->script_path : ctl->builtin;
	ctl->run.progress = isatty(STDERR_FILENO);
	rc = cli_snapfile_open(ctl->run.output, ctl->append, ctl->force,
			       "exists; use --append to add snapshots or --force to replace it",
			       &ctl->run.f, &ctl->run.d);
	if (!rc) {
		rc = cli_explain_open(&ctl->run.explain, ctl->sim);
		if (rc)
			snapfile_close(ctl->run.f);
	}
	return rc;
}

/* Replay, snapshot at the end, commit. Returns the exit code. */
static int cmd_sim_run(struct cmd_sim_ctl *ctl)
{
	struct cmd_sim_run *run = &ctl->run;
	struct workload_hooks h = {
		.snapshot = cmd_sim_snapshot,
		.every = ctl->every,
		.progress = cmd_sim_progress,
		.arg = run,
	};
	struct diag d;
	int rc;

	diag_clear(&d);
	rc = run->areas ? workload_run_areas(ctl->w, run->areas, run->seed, &h, &d) :
			  workload_run(ctl->w, ctl->sim, run->seed, &h, &d);
	if (run->progress_shown)
		fputc('\n', stderr);
	if (rc) {
		snapfile_close(run->f);
		cli_explain_finish(&run->explain, ctl->sim, false);
		if (rc == -EUCLEAN && sim_areas_diag(run->areas))
			cli_diag_error("sim", rc, sim_areas_diag(run->areas));
		return run->rc ? run->rc : cli_diag_error(workload_name(ctl->w), rc, &d);
	}
	rc = cmd_sim_snapshot(run, run->areas ? sim_areas_sim(run->areas, 0) : ctl->sim,
			      NULL);
	if (rc) {
		snapfile_close(run->f);
		cli_explain_finish(&run->explain, ctl->sim, false);
		return run->rc ? run->rc : cli_diag_error(run->output, rc, &run->d);
	}
	/* the trace first: a snapshot file is never left without its trace */
	rc = cli_explain_finish(&run->explain, ctl->sim, true);
	if (rc) {
		snapfile_close(run->f);
		return rc;
	}
	rc = snapfile_commit(run->f, &run->d);
	return rc ? cli_diag_error(run->output, rc, &run->d) : SWAPFS_EXIT_OK;
}

static void cmd_sim_set_kernel(void *p, const char *arg)
{
	struct cmd_sim_ctl *ctl = p;

	if (!strcmp(arg, "newest"))
		ctl->cfg.kernel = SIM_KERNEL_NEWEST;
	else if (!strcmp(arg, "6.12"))
		ctl->cfg.kernel = SIM_KERNEL_6_12;
	else
		args_bad_value(&cmd_sim_entry, "--kernel", arg, "not newest or 6.12");
}

/*
 * With --area, what each area says for itself is no option of the run;
 * --explain records one allocator's path, so it follows one area only.
 */
static void cmd_sim_check_areas(const struct cmd_sim_ctl *ctl)
{
	const char *opt = ctl->size_arg ? "--size" : ctl->slots_arg ? "--slots" :
			  ctl->cfg.rotational ? "--rotational" :
			  ctl->cfg.discard ? "--discard" :
			  ctl->cfg.swapfile ? "--swapfile" : NULL;
	const char *run_opt = ctl->from ? "--from" :
			      ctl->run.explain.trace ? "--trace" :
			      ctl->run.explain.on ? "--explain" : NULL;

	if (ctl->areas.n && (opt || run_opt))
		args_usage_error(&cmd_sim_entry, "%s and --area are mutually exclusive%s",
				 opt ? opt : run_opt,
				 opt ? " (give it in each --area)" : "");
}

static void cmd_sim_set_area(void *p, const char *arg)
{
	struct cmd_sim_ctl *ctl = p;

	cmd_sim_areas_add(&cmd_sim_entry, &ctl->areas, arg);
}

/* What the options cannot say each on its own; errors echo the value given. */
static void cmd_sim_check(const struct cmd_sim_ctl *ctl)
{
	const struct sim_config *cfg = &ctl->cfg;

	if (!ctl->script == !ctl->builtin)
		args_usage_error(&cmd_sim_entry, "give one workload: -w FILE or --builtin SPEC");
	if (!ctl->run.output)
		args_usage_error(&cmd_sim_entry, "no output file specified (-o)");
	args_check_exclusive(&cmd_sim_entry, ctl);
	if (cfg->cluster_size & (cfg->cluster_size - 1))
		args_bad_value(&cmd_sim_entry, "--cluster-size", ctl->cluster_arg,
			       "not a power of two");
	if (cfg->page_size & (cfg->page_size - 1))
		args_bad_value(&cmd_sim_entry, "--page-size", ctl->page_arg,
			       "not a power of two");
	cmd_sim_check_areas(ctl);
}

/* --trace implies --explain and follows -a and -f as -o does. */
static int cmd_sim_explain_check(struct cmd_sim_ctl *ctl)
{
	struct cli_explain *x = &ctl->run.explain;

	x->on |= x->trace != NULL;
	x->append = ctl->append;
	x->force = ctl->force;
	x->fd = -1;
	return cli_explain_check(x);
}

static int cmd_sim_load_workload(struct cmd_sim_ctl *ctl)
{
	struct diag d;
	int rc;

	if (ctl->script && !realpath(ctl->script, ctl->script_path))
		snprintf(ctl->script_path, sizeof(ctl->script_path), "%s", ctl->script);
	diag_clear(&d);
	rc = ctl->script ? workload_load_file(ctl->script, &ctl->w, &d) :
			   workload_builtin(ctl->builtin, &ctl->w, &d);
	return rc ? cli_diag_error(ctl->script ? ctl->script : ctl->builtin, rc, &d) : 0;
}

/* Slots from --size, the workload's device or the default, unless --slots. */
static void cmd_sim_slots(struct cmd_sim_ctl *ctl)
{
	uint64_t size = ctl->size, page = ctl->cfg.page_size;

	if (ctl->slots_arg)
		return;
	if (!size)
		size = workload_device_bytes(ctl->w);
	if (!size)
		size = CMD_SIM_DEFAULT_BYTES;
	if (size / page < 2 || size / page > UINT32_MAX) {
		workload_free(ctl->w);
		args_bad_value(&cmd_sim_entry, "--size",
			       ctl->size_arg ? ctl->size_arg : "(the workload's)",
			       "not 2 to 2^32-1 pages");
	}
	ctl->cfg.slots = (uint32_t)(size / page);
}

static int cmd_sim_exec(int argc, char **argv)
{
	struct cmd_sim_ctl ctl = { .run.seed = 1 };
	int rc;

	sim_config_default(&ctl.cfg, 0);
	args_parse(&cmd_sim_entry, argc, argv, &ctl);
	cmd_sim_check(&ctl);
	rc = cmd_sim_explain_check(&ctl);
	if (rc)
		return rc;
	rc = cmd_sim_load_workload(&ctl);
	if (rc)
		return rc;
	if (!ctl.areas.n)
		cmd_sim_slots(&ctl);
	rc = cmd_sim_make(&ctl);
	if (rc) {
		workload_free(ctl.w);
		return rc;
	}
	rc = cmd_sim_note(&ctl) ?: cmd_sim_open_output(&ctl) ?: cmd_sim_run(&ctl);
	free(ctl.run.note);
	sim_free(ctl.sim);
	sim_areas_free(ctl.run.areas);
	workload_free(ctl.w);
	return rc;
}

#define CMD_SIM_FIELD(member)	ARGS_FIELD(struct cmd_sim_ctl, member)
#define CMD_SIM_NUMBER(what, min, max, flags) \
	(&(const struct args_number){ what, NULL, min, max, ARGS_NUMBER_NO_MINUS | (flags) })

static const struct args_opt cmd_sim_opts[] = {
	{ 'w', "workload", "<file>", "a workload script (swapfs-workload(5))",
	  .text = CMD_SIM_FIELD(script) },
	{ 0, "builtin", "<spec>", "a built-in workload: selftest, random or fragment,\n"
	  "                             with parameters: random:orders=0+2+4,fill=90",
	  .text = CMD_SIM_FIELD(builtin) },
	{ 'o', "output", "<file>", "the snapshot file to write (required)",
	  .text = CMD_SIM_FIELD(run.output) },
	{ 'f', "force", NULL, "replace an existing output file",
	  .flag = CMD_SIM_FIELD(force) },
	{ 'a', "append", NULL, "add the snapshots to an existing file",
	  .flag = CMD_SIM_FIELD(append) },
	{ 0, "kernel", "<policy>", "newest (default) or 6.12", .set = cmd_sim_set_kernel },
	{ 0, "size", "<size>", "device size in bytes (K, M, G, T suffixes)",
	  .text = CMD_SIM_FIELD(size_arg), .value = CMD_SIM_FIELD(size),
	  .number = CMD_SIM_NUMBER("--size", 1, UINT64_MAX, ARGS_NUMBER_SIZE) },
	{ 0, "slots", "<n>", "device size in slots (si->max)",
	  .text = CMD_SIM_FIELD(slots_arg), .value = CMD_SIM_FIELD(cfg.slots),
	  .number = CMD_SIM_NUMBER("--slots", 2, UINT32_MAX, 0) },
	{ 0, "page-size", "<n>", "page size in bytes (default 4096)",
	  .text = CMD_SIM_FIELD(page_arg), .value = CMD_SIM_FIELD(cfg.page_size),
	  .number = CMD_SIM_NUMBER("--page-size", SNAPSHOT_MIN_PAGE_SIZE,
				   SNAPSHOT_MAX_PAGE_SIZE, ARGS_NUMBER_SIZE) },
	{ 0, "cluster-size", "<n>", "slots per cluster (default 512)",
	  .text = CMD_SIM_FIELD(cluster_arg), .value = CMD_SIM_FIELD(cfg.cluster_size),
	  .number = CMD_SIM_NUMBER("--cluster-size", 1, SNAPSHOT_MAX_CLUSTER_SIZE, 0) },
	{ 0, "cpus", "<n>", "simulated CPUs (default 1)",
	  .value = CMD_SIM_FIELD(cfg.cpus),
	  .number = CMD_SIM_NUMBER("--cpus", 1, SIM_MAX_CPUS, 0) },
	{ 0, "seed", "<n>", "seed of the built-in workloads (default 1)",
	  .value = CMD_SIM_FIELD(run.seed),
	  .number = CMD_SIM_NUMBER("--seed", 0, UINT64_MAX, 0) },
	{ 0, "rotational", NULL, "a rotating disk (no SWP_SOLIDSTATE)",
	  .flag = CMD_SIM_FIELD(cfg.rotational) },
	{ 0, "discard", NULL, "discard=pages (SWP_PAGE_DISCARD)",
	  .flag = CMD_SIM_FIELD(cfg.discard) },
	{ 0, "swapfile", NULL, "a swap file on a filesystem (no SWP_BLKDEV)",
	  .flag = CMD_SIM_FIELD(cfg.swapfile) },
	{ 0, "sync-io", NULL, "SWP_SYNCHRONOUS_IO (zram): large swap-in allowed",
	  .flag = CMD_SIM_FIELD(cfg.synchronous_io) },
	{ 0, "area", "<spec>", "one swap area of several (repeat it): size=,slots=,\n"
	  "                             prio=,rotational=,swapfile=,discard=",
	  .set = cmd_sim_set_area },
	{ 0, "every", "<n>", "a snapshot every n operations",
	  .value = CMD_SIM_FIELD(every),
	  .number = CMD_SIM_NUMBER("--every", 1, UINT64_MAX, 0) },
	{ 0, "from", "<snapshot>", "continue from a snapshot file (its last snapshot)\n"
	  "                             or a dump directory",
	  .text = CMD_SIM_FIELD(from) },
	{ 0, "note", "<text>", "a note stored with the snapshots",
	  .text = CMD_SIM_FIELD(run.user_note) },
	{ 0, "check", NULL, "check every invariant after every operation",
	  .flag = CMD_SIM_FIELD(cfg.check_always) },
	{ 0, "explain", NULL, "count each fallback and steal by its reason",
	  .flag = CMD_SIM_FIELD(run.explain.on) },
	{ 0, "trace", "<file>", "write one line per fallback and steal (--explain)",
	  .text = CMD_SIM_FIELD(run.explain.trace) },
	{ 0 },
};

static const char *const cmd_sim_exclusive[] = {
	"append", "force",
	"size", "slots",
	NULL,
};

const struct cli_cmd cmd_sim_entry = {
	.name = "sim",
	.synopsis = "(-w <file> | --builtin <spec>) -o <file> [options]",
	.summary = "Replay a workload on a model of the kernel's swap allocator.",
	.opts = cmd_sim_opts,
	.help_width = 25,
	.operands = &(const struct args_operands){
		.min = 0, .max = 0,
		.too_many = "unexpected argument",
	},
	.exclusive = cmd_sim_exclusive,
	.exec = cmd_sim_exec,
};
