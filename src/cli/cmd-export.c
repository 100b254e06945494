// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-export.c - swapfs export: a snapshot back to a dump directory, in
 * its own era or another one that can express it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/dump.h>

#include "cli.h"

static void __attribute__((noreturn)) cmd_export_usage(void)
{
	cli_usage_header(stdout, &cmd_export_entry);
	puts("\nOptions:");
	puts(" -o, --output <dir>     the dump directory to create (required)");
	puts("     --era <A-G>        encode the slots as that kernel era does");
	puts(" -s, --snapshot <id>    which snapshot of a time series (default: the last)");
	cli_usage_tail(stdout);
	exit(SWAPFS_EXIT_OK);
}

static int cmd_export_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "era", required_argument, NULL, CLI_OPT_ERA },
		{ "snapshot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL;
	struct snapshot *s;
	struct diag d;
	int64_t id = 0;
	char era = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "o:s:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case CLI_OPT_ERA:
			if (strlen(optarg) != 1 || optarg[0] < 'A' || optarg[0] > 'G') {
				fprintf(stderr, "%s: invalid era '%s': expected one letter A..G\n",
					program_invocation_short_name, optarg);
				cli_errtryhelp(&cmd_export_entry);
			}
			era = optarg[0];
			break;
		case 's':
			id = cli_parse_snapshot_id(&cmd_export_entry, optarg);
			break;
		case 'h':
			cmd_export_usage();
		case 'V':
			cli_print_version();
		default:
			cli_errtryhelp(&cmd_export_entry);
		}
	}
	if (optind != argc - 1 || !output) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			optind >= argc ? "no source specified" :
			optind < argc - 1 ? "one source at a time" :
			"no output directory specified (-o)");
		cli_errtryhelp(&cmd_export_entry);
	}
	rc = cli_load_source(argv[optind], id, &s);
	if (rc)
		return rc;
	diag_clear(&d);
	rc = dump_write(s, output, era, &d);
	snapshot_free(s);
	return rc ? cli_diag_error(output, rc, &d) : SWAPFS_EXIT_OK;
}

const struct cli_cmd cmd_export_entry = {
	.name = "export",
	.synopsis = "[options] <source> -o <dir>",
	.summary = "Write a snapshot as a dump directory.",
	.exec = cmd_export_exec,
};
