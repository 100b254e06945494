// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-export.c - swapfs export: a snapshot back to a dump directory, in
 * its own era or another one that can express it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/dump.h>

#include "args.h"
#include "cli.h"

struct cmd_export_ctl {
	const char *output;		/* -o */
	char era;			/* --era; 0: the snapshot's own */
	int64_t id;			/* -s */
};

static void cmd_export_set_era(void *p, const char *arg)
{
	struct cmd_export_ctl *ctl = p;

	if (strlen(arg) != 1 || arg[0] < 'A' || arg[0] > 'G')
		args_bad_value(&cmd_export_entry, "invalid era", arg,
			       "expected one letter A..G");
	ctl->era = arg[0];
}

static int cmd_export_exec(int argc, char **argv)
{
	struct cmd_export_ctl ctl = { .id = 0 };
	struct snapshot *s;
	const char *src;
	struct diag d;
	int rc;

	src = argv[args_parse(&cmd_export_entry, argc, argv, &ctl)];
	if (!ctl.output)
		args_usage_error(&cmd_export_entry, "no output directory specified (-o)");
	rc = cli_load_source(src, ctl.id, &s);
	if (rc)
		return rc;
	diag_clear(&d);
	rc = dump_write(s, ctl.output, ctl.era, &d);
	snapshot_free(s);
	return rc ? cli_diag_error(ctl.output, rc, &d) : SWAPFS_EXIT_OK;
}

static const struct args_opt cmd_export_opts[] = {
	{ 'o', "output", "<dir>", "the dump directory to create (required)",
	  .text = ARGS_FIELD(struct cmd_export_ctl, output) },
	{ 0, "era", "<A-G>", "encode the slots as that kernel era does",
	  .set = cmd_export_set_era },
	ARGS_OPT_SNAPSHOT(struct cmd_export_ctl, id),
	{ 0 },
};

const struct cli_cmd cmd_export_entry = {
	.name = "export",
	.synopsis = "[options] <source> -o <dir>",
	.summary = "Write a snapshot as a dump directory.",
	.opts = cmd_export_opts,
	.operands = &args_one_source,
	.exec = cmd_export_exec,
};
