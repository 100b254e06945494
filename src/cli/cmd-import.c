// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-import.c - swapfs import: a dump (or a snapshot of another file)
 * into a snapshot file, new or appended to a time series.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/snapfile.h>

#include "cli.h"

static void __attribute__((noreturn)) cmd_import_usage(void)
{
	cli_usage_header(stdout, &cmd_import_entry);
	puts("\nOptions:");
	puts(" -o, --output <file>    the snapshot file to write (required)");
	puts(" -a, --append           add a snapshot to an existing file (a time series)");
	puts(" -f, --force            replace an existing file");
	puts(" -s, --snapshot <id>    which snapshot of a snapshot file SRC to take");
	puts("     --note <text>      a note stored with the snapshot");
	cli_usage_tail(stdout);
	exit(SWAPFS_EXIT_OK);
}

/* Write @s to @path: appended in one transaction, or as a whole new file. */
static int cmd_import_write(const char *path, const struct snapshot *s,
			    bool append, bool force)
{
	struct snapfile *f;
	struct diag d;
	int rc;

	diag_clear(&d);
	if (append)
		rc = snapfile_open(path, true, &f, &d);
	else
		rc = snapfile_create(path, force, &f, &d);
	if (rc == -EEXIST) {
		fprintf(stderr, "%s: %s: exists; use --append to add a snapshot or --force to replace it\n",
			program_invocation_short_name, path);
		return SWAPFS_EXIT_SYSTEM;
	}
	if (rc)
		return cli_diag_error(path, rc, &d);
	rc = snapfile_append(f, s, NULL, &d);
	if (rc) {
		snapfile_close(f);
		return cli_diag_error(path, rc, &d);
	}
	rc = snapfile_commit(f, &d);
	return rc ? cli_diag_error(path, rc, &d) : SWAPFS_EXIT_OK;
}

static int cmd_import_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "append", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "snapshot", required_argument, NULL, 's' },
		{ "note", required_argument, NULL, CLI_OPT_NOTE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *note = NULL;
	bool append = false, force = false;
	struct snapshot *s;
	int64_t id = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "o:afs:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'a':
			append = true;
			break;
		case 'f':
			force = true;
			break;
		case 's':
			id = cli_parse_snapshot_id(&cmd_import_entry, optarg);
			break;
		case CLI_OPT_NOTE:
			note = optarg;
			break;
		case 'h':
			cmd_import_usage();
		case 'V':
			cli_print_version();
		default:
			cli_errtryhelp(&cmd_import_entry);
		}
	}
	if (optind != argc - 1 || !output) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			optind >= argc ? "no dump specified" :
			optind < argc - 1 ? "one dump at a time" :
			"no output file specified (-o)");
		cli_errtryhelp(&cmd_import_entry);
	}
	if (append && force) {
		fprintf(stderr, "%s: --append and --force are mutually exclusive\n",
			program_invocation_short_name);
		cli_errtryhelp(&cmd_import_entry);
	}
	rc = cli_load_source(argv[optind], id, &s);
	if (rc)
		return rc;
	if (note && snapshot_set_string(&s->prov.note, note)) {
		snapshot_free(s);
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, strerror(ENOMEM));
		return SWAPFS_EXIT_SYSTEM;
	}
	rc = cmd_import_write(output, s, append, force);
	snapshot_free(s);
	return rc;
}

const struct cli_cmd cmd_import_entry = {
	.name = "import",
	.synopsis = "[options] <dump> -o <file>",
	.summary = "Store a dump in a snapshot file (SQLite).",
	.exec = cmd_import_exec,
};
