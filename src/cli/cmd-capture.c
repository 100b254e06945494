// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-capture.c - swapfs capture: a snapshot of an active swap area from
 * the page tables of the running processes (capture.h), stored in a
 * snapshot file with its back-references.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	const char *note;		/* --note */
	struct capture_opts o;		/* --device, --type, --pid */
	int32_t pids[CMD_CAPTURE_MAX_PIDS];
};

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

/* What was seen and what was not, on stderr (stdout stays for data). */
static void cmd_capture_summary(const char *output, const struct capture_stats *st)
{
	unsigned int k;

	warnx("%s: swap type %d: %" PRIu64 " references to %" PRIu64
	      " slots from %zu of %zu processes (%zu gone or unreadable meanwhile)",
	      output, st->type, st->refs, st->slots, st->procs_mapping, st->procs,
	      st->procs_gone);
	warnx("%s: /proc/swaps Used %" PRIu64 " pages: %" PRIu64
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

static int cmd_capture_exec(int argc, char **argv)
{
	struct cmd_capture_ctl ctl = { .o.type = -1 };
	struct capture_stats st;
	struct snapshot *s = NULL;
	int rc;

	args_parse(&cmd_capture_entry, argc, argv, &ctl);
	if (!ctl.output)
		args_usage_error(&cmd_capture_entry, "no output file specified (-o)");
	rc = cmd_capture_run(&ctl, &s, &st);
	if (rc)
		return rc;
	if (ctl.note && cmd_capture_note(s, ctl.note))
		rc = cli_diag_error("capture", -ENOMEM, NULL);
	else
		rc = cli_snapfile_write(ctl.output, false, ctl.force, NULL, s);
	if (rc == SWAPFS_EXIT_OK)
		cmd_capture_summary(ctl.output, &st);
	snapshot_free(s);
	return rc;
}

static const struct args_opt cmd_capture_opts[] = {
	{ 'o', "output", "<file>", "the snapshot file to write (required)",
	  .text = ARGS_FIELD(struct cmd_capture_ctl, output) },
	{ 'f', "force", NULL, "replace an existing output file",
	  .flag = ARGS_FIELD(struct cmd_capture_ctl, force) },
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

const struct cli_cmd cmd_capture_entry = {
	.name = "capture",
	.synopsis = "-o <file> [--device <path> | --type <n>] [--pid <pid>...]",
	.summary = "Capture an active swap area from the processes' page tables.",
	.opts = cmd_capture_opts,
	.notes = "Needs CAP_SYS_ADMIN: without it the kernel hides swap offsets.",
	.operands = &(const struct args_operands){
		.min = 0, .max = 0,
		.too_many = "unexpected argument",
	},
	.exec = cmd_capture_exec,
};
