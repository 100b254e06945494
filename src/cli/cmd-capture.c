// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-capture.c - swapfs capture: a snapshot of an active swap area, its
 * allocation state read exactly through BPF where it can be (else
 * inferred from page tables) and who maps each slot from the page tables
 * (capture.h), stored in a snapshot file with its back-references; with
 * --every, a time series, each snapshot appended and durable as taken.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <swapfs/capture.h>
#include <swapfs/snapfile.h>

#include "args.h"
#include "cli.h"

/* Processes a capture may name with --pid; more is a whole-system capture. */
#define CMD_CAPTURE_MAX_PIDS	4096

struct cmd_capture_ctl {
	const char *output;		/* -o */
	bool force;			/* -f */
	bool append;			/* -a */
	const char *note;		/* --note */
	const char *every;		/* --every, as given */
	uint64_t interval_ns;		/* --every */
	uint64_t count;			/* --count; 0: until interrupted */
	struct capture_opts o;		/* --method, --device, --type, --pid */
	int32_t pids[CMD_CAPTURE_MAX_PIDS];
};

/* SIGINT or SIGTERM: the series ends after the snapshot being taken. */
static volatile sig_atomic_t cmd_capture_stop;

/* --type and --pid: strtol()'s numbers, one word for any bad one. */
#define CMD_CAPTURE_NUMBER(what, min, max) \
	(&(const struct args_number){ \
		what, "not a valid number", min, max, ARGS_NUMBER_SIGNED \
	})

static void cmd_capture_add_pid(void *p, const char *arg)
{
	struct cmd_capture_ctl *ctl = p;

	if (ctl->o.nr_pids == CMD_CAPTURE_MAX_PIDS)
		args_usage_error(&cmd_capture_entry,
				 "more than %d --pid: capture every process instead",
				 CMD_CAPTURE_MAX_PIDS);
	ctl->pids[ctl->o.nr_pids++] = (int32_t)args_number(&cmd_capture_entry,
			CMD_CAPTURE_NUMBER("--pid", 1, INT32_MAX), arg);
}

static void cmd_capture_progress(void *arg, size_t done, size_t total)
{
	bool *shown = arg;

	/* not warnx(): the line starts with a carriage return and has no newline */
	fprintf(stderr, "\r%s: capture: process %zu of %zu  ",
		program_invocation_short_name, done, total);
	*shown = true;
}

static void cmd_capture_set_method(void *p, const char *arg)
{
	struct cmd_capture_ctl *ctl = p;

	if (!strcmp(arg, "bpf"))
		ctl->o.method = CAPTURE_BPF;
	else if (!strcmp(arg, "pagemap"))
		ctl->o.method = CAPTURE_PAGEMAP;
	else
		args_bad_value(&cmd_capture_entry, "invalid method", arg,
			       "expected bpf or pagemap");
}

/* --every: a number of seconds, or with a unit: 500ms, 1s, 2m, 1h. */
static void cmd_capture_set_every(void *p, const char *arg)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "", 1e9 }, { "s", 1e9 }, { "ms", 1e6 }, { "m", 60e9 }, { "h", 3600e9 },
	};
	struct cmd_capture_ctl *ctl = p;
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(arg, &end);
	for (i = 0; !errno && end != arg && i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].unit) && isfinite(v) && v * units[i].ns >= 1e6 &&
		    v * units[i].ns <= 86400e9) {
			ctl->every = arg;
			ctl->interval_ns = (uint64_t)(v * units[i].ns);
			return;
		}
	args_bad_value(&cmd_capture_entry, "invalid interval", arg,
		       "expected 1ms to 24h: a number of seconds, or with ms, s, m or h");
}

/* What gave what, and what was seen and not, on stderr (stdout stays for data). */
static void cmd_capture_summary(const char *output, const struct snapshot *s,
				const struct capture_stats *st)
{
	unsigned int k;

	if (st->state == CAPTURE_BPF)
		warnx("%s: swap type %d: allocation state read exactly through BPF "
		      "(swap_info found by %s; %s clusters moving)", output, st->type,
		      snapshot_info_get(s, "live_method") ?: "?",
		      snapshot_info_get(s, "live_moving") ?: "?");
	else
		warnx("%s: swap type %d: allocation state from page tables: counts "
		      "observed, runs, cluster orders and lists inferred%s%s", output,
		      st->type, st->why_not_bpf[0] ? "; BPF not used: " : "",
		      st->why_not_bpf);
	warnx("%s: owners from page tables: %" PRIu64 " references to %" PRIu64
	      " slots from %zu of %zu processes (%zu gone or unreadable meanwhile)",
	      output, st->refs, st->slots, st->procs_mapping, st->procs, st->procs_gone);
	if (st->refs_dropped)
		warnx("%s: %" PRIu64 " references dropped: their slot changed between "
		      "the state's read and the page tables'", output, st->refs_dropped);
	warnx("%s: %" PRIu64 " slots used: %" PRIu64
	      " unattributed (shmem, swap cache: invisible to page tables)",
	      output, st->used_pages, st->unattributed);
	for (k = 1; k <= SNAPSHOT_MAX_ORDER; k++)
		if (st->runs[k])
			warnx("%s: inferred %" PRIu64 " runs of order %u", output,
			      st->runs[k], k);
}

/* The user's note goes first; what was inferred stays said. */
static int cmd_capture_note(struct snapshot *s, const char *note)
{
	char *v;
	int rc;

	if (asprintf(&v, "%s; %s", note, s->prov.note ? s->prov.note : "") < 0)
		return -ENOMEM;
	rc = snapshot_set_string(&s->prov.note, v);
	free(v);
	return rc;
}

/* Read the page tables; progress on a terminal only. */
static int cmd_capture_run(struct cmd_capture_ctl *ctl, struct snapshot **s,
			   struct capture_stats *st)
{
	bool shown = false;
	struct diag d;
	int rc;

	if (ctl->o.nr_pids)
		ctl->o.pids = ctl->pids;
	if (isatty(STDERR_FILENO)) {
		ctl->o.progress = cmd_capture_progress;
		ctl->o.progress_arg = &shown;
	}
	diag_clear(&d);
	rc = capture_run(&ctl->o, s, st, &d);
	if (shown)
		fputc('\n', stderr);
	return rc ? cli_diag_error("capture", rc, &d) : SWAPFS_EXIT_OK;
}

/*
 * Take snapshot @n (from 0) and store it: the first creates the file (or
 * appends with -a), the others append. Each is durable once written.
 */
static int cmd_capture_one(struct cmd_capture_ctl *ctl, uint64_t n)
{
	struct capture_stats st;
	struct snapshot *s = NULL;
	int rc;

	rc = cmd_capture_run(ctl, &s, &st);
	if (rc)
		return rc;
	if (ctl->note && cmd_capture_note(s, ctl->note))
		rc = cli_diag_error("capture", -ENOMEM, NULL);
	else
		rc = cli_snapfile_write(ctl->output, ctl->append || n, ctl->force && !n,
					NULL, s);
	if (rc == SWAPFS_EXIT_OK && !n)
		cmd_capture_summary(ctl->output, s, &st);
	else if (rc == SWAPFS_EXIT_OK)
		warnx("%s: snapshot %" PRIu64 " of the series: %" PRIu64 " slots used, %"
		      PRIu64 " references", ctl->output, n + 1, st.used_pages, st.refs);
	snapshot_free(s);
	return rc;
}

static void cmd_capture_on_signal(int sig)
{
	cmd_capture_stop = sig;
}

/* Until the next tick @n of the series (ticks do not drift); false: stop. */
static bool cmd_capture_wait(const struct cmd_capture_ctl *ctl,
			     const struct timespec *start, uint64_t n)
{
	uint64_t at = (uint64_t)start->tv_nsec + n * ctl->interval_ns;
	struct timespec t = {
		.tv_sec = start->tv_sec + (time_t)(at / 1000000000u),
		.tv_nsec = (long)(at % 1000000000u),
	};

	while (!cmd_capture_stop &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
	return !cmd_capture_stop;
}

/* --every: a snapshot each interval, --count of them or until a signal. */
static int cmd_capture_series(struct cmd_capture_ctl *ctl)
{
	struct sigaction sa = { .sa_handler = cmd_capture_on_signal,
				.sa_flags = SA_RESTART };
	struct timespec start;
	uint64_t n;
	int rc = SWAPFS_EXIT_OK;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (n = 0; !rc && (!ctl->count || n < ctl->count); n++) {
		if (n && !cmd_capture_wait(ctl, &start, n))
			break;
		rc = cmd_capture_one(ctl, n);
	}
	if (!rc && cmd_capture_stop)
		warnx("%s: stopped by signal %d after %" PRIu64 " snapshots", ctl->output,
		      (int)cmd_capture_stop, n);
	return rc;
}

static int cmd_capture_exec(int argc, char **argv)
{
	struct cmd_capture_ctl ctl = { .o.type = -1 };

	args_parse(&cmd_capture_entry, argc, argv, &ctl);
	args_check_exclusive(&cmd_capture_entry, &ctl);
	if (!ctl.output)
		args_usage_error(&cmd_capture_entry, "no output file specified (-o)");
	if (ctl.count && !ctl.every)
		args_usage_error(&cmd_capture_entry, "--count needs --every");
	return ctl.every ? cmd_capture_series(&ctl) : cmd_capture_one(&ctl, 0);
}

static const struct args_opt cmd_capture_opts[] = {
	{ 'o', "output", "<file>", "the snapshot file to write (required)",
	  .text = ARGS_FIELD(struct cmd_capture_ctl, output) },
	{ 'f', "force", NULL, "replace an existing output file",
	  .flag = ARGS_FIELD(struct cmd_capture_ctl, force) },
	{ 'a', "append", NULL, "add the snapshots to an existing file",
	  .flag = ARGS_FIELD(struct cmd_capture_ctl, append) },
	{ 0, "method", "<method>", "where the allocation state comes from: bpf (exact)\n"
	  "                          or pagemap (inferred); default: bpf where it\n"
	  "                          works, else pagemap",
	  .set = cmd_capture_set_method },
	{ 0, "every", "<interval>", "a time series: a snapshot every interval (1s,\n"
	  "                          500ms, 2m), appended as taken",
	  .set = cmd_capture_set_every },
	{ 0, "count", "<n>", "with --every: this many snapshots (default: until\n"
	  "                          interrupted)",
	  .value = ARGS_FIELD(struct cmd_capture_ctl, count),
	  .number = &(const struct args_number){ "--count", NULL, 1, 1000000000,
						 ARGS_NUMBER_NO_MINUS } },
	{ 0, "device", "<path>", "the swap area (any name of it; default: the only\n"
	  "                          active one)",
	  .text = ARGS_FIELD(struct cmd_capture_ctl, o.device) },
	{ 0, "type", "<n>", "the area's swap type, as pagemap entries carry it",
	  .value = ARGS_FIELD(struct cmd_capture_ctl, o.type),
	  .number = CMD_CAPTURE_NUMBER("--type", 0, 31) },
	{ 0, "pid", "<pid>", "read only this process (repeatable; default: all)",
	  .set = cmd_capture_add_pid },
	{ 0, "note", "<text>", "a note stored with the snapshot",
	  .text = ARGS_FIELD(struct cmd_capture_ctl, note) },
	{ 0 },
};

static const char *const cmd_capture_exclusive[] = {
	"append", "force",
	NULL,
};

const struct cli_cmd cmd_capture_entry = {
	.name = "capture",
	.synopsis = "-o <file> [--device <path> | --type <n>] [--pid <pid>...]\n"
		    "        [--method bpf|pagemap] [--every <interval> [--count <n>]]",
	.summary = "Capture an active swap area: its state (BPF) and who maps each slot.",
	.opts = cmd_capture_opts,
	.help_width = 25,
	.exclusive = cmd_capture_exclusive,
	.notes = "Needs CAP_SYS_ADMIN (without it the kernel hides swap offsets), and\n"
		 "for BPF root or CAP_BPF and CAP_PERFMON.",
	.operands = &(const struct args_operands){
		.min = 0, .max = 0,
		.too_many = "unexpected argument",
	},
	.exec = cmd_capture_exec,
};
