// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-undo.c - swapfs undo: put back what a 'swapfs label --undo' saved.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/edit.h>

#include "cli.h"

static void __attribute__((noreturn)) cmd_undo_usage(void)
{
	cli_usage_header(stdout, &cmd_undo_entry);
	puts("\nThe area is the one the undo file names, unless <target> is given.");
	puts("\nOptions:");
	cli_usage_tail(stdout);
	exit(SWAPFS_EXIT_OK);
}

static int cmd_undo_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct edit_report rep;
	const char *spec;
	char why[256];
	int c, rc;

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_undo_usage();
		case 'V':
			cli_print_version();
		default:
			cli_errtryhelp(&cmd_undo_entry);
		}
	}
	if (optind >= argc || argc - optind > 2) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			optind >= argc ? "no undo file specified" : "too many arguments");
		cli_errtryhelp(&cmd_undo_entry);
	}
	spec = argc - optind == 2 ? argv[optind + 1] : NULL;
	rc = edit_undo(argv[optind], spec, &rep, why, sizeof(why));
	if (rc == -EINVAL && *why) {
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
			argv[optind], why);
		return SWAPFS_EXIT_INVALID;
	}
	if (rc && !*rep.path) {
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
			argv[optind], strerror(-rc));
		return SWAPFS_EXIT_SYSTEM;
	}
	return cmd_label_report(spec ? spec : rep.path, rc, &rep);
}

const struct cli_cmd cmd_undo_entry = {
	.name = "undo",
	.synopsis = "[options] <undo-file> [<target>]",
	.summary = "Restore the label and UUID a 'label --undo' saved.",
	.exec = cmd_undo_exec,
};
