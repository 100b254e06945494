// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-capture.c - swapfs capture: a snapshot of an active swap area from
 * the page tables of the running processes (capture.h), stored in a
 * snapshot file with its back-references.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <swapfs/capture.h>
#include <swapfs/snapfile.h>

#include "cli.h"

enum {
	CMD_CAPTURE_OPT_DEVICE = 0x200,
	CMD_CAPTURE_OPT_TYPE,
	CMD_CAPTURE_OPT_PID,
};

/* Processes a capture may name with --pid; more is a whole-system capture. */
#define CMD_CAPTURE_MAX_PIDS	4096

static void __attribute__((noreturn)) cmd_capture_usage(void)
{
	cli_usage_header(stdout, &cmd_capture_entry);
	puts("\nOptions:");
	puts(" -o, --output <file>    the snapshot file to write (required)");
	puts(" -f, --force            replace an existing output file");
	puts("     --device <path>    the swap area (any name of it; default: the only");
	puts("                          active one)");
	puts("     --type <n>         the area's swap type, as pagemap entries carry it");
	puts("     --pid <pid>        read only this process (repeatable; default: all)");
	puts("     --note <text>      a note stored with the snapshot");
	puts("\nNeeds CAP_SYS_ADMIN: without it the kernel hides swap offsets.");
	cli_usage_tail(stdout);
	exit(SWAPFS_EXIT_OK);
}

static void __attribute__((noreturn)) cmd_capture_bad(const char *what,
						      const char *arg)
{
	fprintf(stderr, "%s: %s '%s': not a valid number\n",
		program_invocation_short_name, what, arg);
	cli_errtryhelp(&cmd_capture_entry);
}

static long cmd_capture_number(const char *what, const char *arg, long min,
			       long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		cmd_capture_bad(what, arg);
	return v;
}

static void cmd_capture_progress(void *arg, size_t done, size_t total)
{
	bool *shown = arg;

	fprintf(stderr, "\r%s: capture: process %zu of %zu  ",
		program_invocation_short_name, done, total);
	*shown = true;
}

/* What was seen and what was not, on stderr (stdout stays for data). */
static void cmd_capture_summary(const char *output, const struct capture_stats *st)
{
	unsigned int k;

	fprintf(stderr, "%s: %s: swap type %d: %" PRIu64 " references to %" PRIu64
		" slots from %zu of %zu processes (%zu gone or unreadable meanwhile)\n",
		program_invocation_short_name, output, st->type, st->refs, st->slots,
		st->procs_mapping, st->procs, st->procs_gone);
	fprintf(stderr, "%s: %s: /proc/swaps Used %" PRIu64 " pages: %" PRIu64
		" unattributed (shmem, swap cache: invisible to page tables)\n",
		program_invocation_short_name, output, st->used_pages, st->unattributed);
	for (k = 1; k <= SNAPSHOT_MAX_ORDER; k++)
		if (st->runs[k])
			fprintf(stderr, "%s: %s: inferred %" PRIu64 " runs of order %u\n",
				program_invocation_short_name, output, st->runs[k], k);
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

static int cmd_capture_write(const char *output, bool force,
			     const struct snapshot *s)
{
	struct snapfile *f;
	struct diag d;
	int rc;

	diag_clear(&d);
	rc = snapfile_create(output, force, &f, &d);
	if (rc)
		return cli_diag_error(output, rc, &d);
	rc = snapfile_append(f, s, NULL, &d);
	if (rc) {
		snapfile_close(f);
		return cli_diag_error(output, rc, &d);
	}
	rc = snapfile_commit(f, &d);
	return rc ? cli_diag_error(output, rc, &d) : SWAPFS_EXIT_OK;
}

static int cmd_capture_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output",  required_argument, NULL, 'o' },
		{ "force",   no_argument,       NULL, 'f' },
		{ "device",  required_argument, NULL, CMD_CAPTURE_OPT_DEVICE },
		{ "type",    required_argument, NULL, CMD_CAPTURE_OPT_TYPE },
		{ "pid",     required_argument, NULL, CMD_CAPTURE_OPT_PID },
		{ "note",    required_argument, NULL, CLI_OPT_NOTE },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct capture_opts o = { .type = -1 };
	struct capture_stats st;
	static int32_t pids[CMD_CAPTURE_MAX_PIDS];
	const char *output = NULL, *note = NULL;
	struct snapshot *s = NULL;
	bool force = false, shown = false;
	struct diag d;
	int c, rc;

	while ((c = getopt_long(argc, argv, "o:fhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'f':
			force = true;
			break;
		case CMD_CAPTURE_OPT_DEVICE:
			o.device = optarg;
			break;
		case CMD_CAPTURE_OPT_TYPE:
			o.type = (int)cmd_capture_number("--type", optarg, 0, 31);
			break;
		case CMD_CAPTURE_OPT_PID:
			if (o.nr_pids == CMD_CAPTURE_MAX_PIDS) {
				fprintf(stderr, "%s: more than %d --pid: capture every process instead\n",
					program_invocation_short_name, CMD_CAPTURE_MAX_PIDS);
				cli_errtryhelp(&cmd_capture_entry);
			}
			pids[o.nr_pids++] = (int32_t)cmd_capture_number("--pid", optarg, 1, INT32_MAX);
			break;
		case CLI_OPT_NOTE:
			note = optarg;
			break;
		case 'h':
			cmd_capture_usage();
		case 'V':
			cli_print_version();
		default:
			cli_errtryhelp(&cmd_capture_entry);
		}
	}
	if (optind != argc || !output) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			optind != argc ? "unexpected argument" : "no output file specified (-o)");
		cli_errtryhelp(&cmd_capture_entry);
	}
	if (o.nr_pids)
		o.pids = pids;
	if (isatty(STDERR_FILENO)) {
		o.progress = cmd_capture_progress;
		o.progress_arg = &shown;
	}
	diag_clear(&d);
	rc = capture_run(&o, &s, &st, &d);
	if (shown)
		fputc('\n', stderr);
	if (rc)
		return cli_diag_error("capture", rc, &d);
	if (note && cmd_capture_note(s, note)) {
		snapshot_free(s);
		return cli_diag_error("capture", -ENOMEM, NULL);
	}
	rc = cmd_capture_write(output, force, s);
	if (rc == SWAPFS_EXIT_OK)
		cmd_capture_summary(output, &st);
	snapshot_free(s);
	return rc;
}

const struct cli_cmd cmd_capture_entry = {
	.name = "capture",
	.synopsis = "-o <file> [--device <path> | --type <n>] [--pid <pid>...]",
	.summary = "Capture an active swap area from the processes' page tables.",
	.exec = cmd_capture_exec,
};
