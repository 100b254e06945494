// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swapfs.c - the swapfs command: one binary, one subcommand per verb.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"

static const struct cli_cmd *const swapfs_cmds[] = {
	&cmd_header_entry,
	&cmd_label_entry,
	&cmd_undo_entry,
	&cmd_list_entry,
	&cmd_import_entry,
	&cmd_export_entry,
	&cmd_stat_entry,
	&cmd_check_entry,
	&cmd_diff_entry,
	&cmd_sim_entry,
	&cmd_mount_entry,
	&cmd_capture_entry,
};

#define SWAPFS_NR_CMDS (sizeof(swapfs_cmds) / sizeof(swapfs_cmds[0]))

static void __attribute__((noreturn)) swapfs_usage(void)
{
	size_t i;

	printf("\nUsage:\n %s <command> [options] [<args>]\n\n",
	       program_invocation_short_name);
	puts("Inspect and edit Linux swap areas.\n\nCommands:");
	for (i = 0; i < SWAPFS_NR_CMDS; i++)
		printf(" %-8s %s\n", swapfs_cmds[i]->name, swapfs_cmds[i]->summary);
	puts("\nOptions:");
	args_usage_tail();
	exit(SWAPFS_EXIT_OK);
}

/*
 * stdout is checked at exit, as util-linux's close_stdout() does: a report
 * that could not be written (disk full, closed pipe) is an error.
 */
static void swapfs_close_stdout(void)
{
	bool failed = ferror(stdout);

	if (fclose(stdout) && errno != EPIPE)
		failed = true;
	if (failed) {
		warnx("write error");
		_exit(SWAPFS_EXIT_SYSTEM);
	}
}

static const struct cli_cmd *swapfs_find(const char *name)
{
	size_t i;

	for (i = 0; i < SWAPFS_NR_CMDS; i++)
		if (!strcmp(swapfs_cmds[i]->name, name))
			return swapfs_cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_cmd *cmd;
	int c;

	setlocale(LC_ALL, "");
	atexit(swapfs_close_stdout);

	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			swapfs_usage();
		case 'V':
			args_print_version();
		default:
			args_errtryhelp(NULL);
		}
	}
	if (optind >= argc) {
		warnx("no command specified");
		args_errtryhelp(NULL);
	}
	cmd = swapfs_find(argv[optind]);
	if (!cmd) {
		warnx("unknown command '%s'", argv[optind]);
		args_errtryhelp(NULL);
	}
	argv += optind;
	argc -= optind;
	/* getopt names argv[0] in its messages: say "swapfs", not "header" */
	argv[0] = program_invocation_short_name;
	optind = 0;	/* re-initialise getopt for the subcommand */
	return cmd->exec(argc, argv);
}
