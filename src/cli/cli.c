// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli.c - what every swapfs subcommand shares (see cli.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/snapfile.h>
#include <swapfs/source.h>

#include "config.h"
#include "cli.h"

void cli_usage_header(FILE *out, const struct cli_cmd *cmd)
{
	fprintf(out, "\nUsage:\n %s %s %s\n\n%s\n", program_invocation_short_name,
		cmd->name, cmd->synopsis, cmd->summary);
}

void cli_usage_tail(FILE *out)
{
	fputs(" -h, --help             display this help\n", out);
	fputs(" -V, --version          display version\n", out);
	fputs("\nFor more details see swapfs(8).\n", out);
}

void cli_errtryhelp(const struct cli_cmd *cmd)
{
	fprintf(stderr, "Try '%s%s%s --help' for more information.\n",
		program_invocation_short_name, cmd ? " " : "",
		cmd ? cmd->name : "");
	exit(SWAPFS_EXIT_USAGE);
}

void cli_print_version(void)
{
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	exit(SWAPFS_EXIT_OK);
}

int cli_exit_for(int rc)
{
	return rc ? SWAPFS_EXIT_SYSTEM : SWAPFS_EXIT_OK;
}

int cli_target_error(const char *name, int rc, bool resolved)
{
	const char *why;

	switch (rc) {
	case -EINVAL:
		why = "not a regular file or block device";
		break;
	case -ESTALE:
		why = "the device blkid's cache names no longer carries it";
		break;
	case -ENOENT:
		why = resolved ? strerror(ENOENT) : "no such swap area";
		break;
	default:
		why = strerror(-rc);
		break;
	}
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, name, why);
	return rc == -EINVAL ? SWAPFS_EXIT_INVALID : SWAPFS_EXIT_SYSTEM;
}

int64_t cli_parse_snapshot_id(const struct cli_cmd *cmd, const char *arg)
{
	char *end;
	long long id;

	errno = 0;
	id = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || id < 1) {
		fprintf(stderr, "%s: invalid snapshot id '%s': expected a number from 1\n",
			program_invocation_short_name, arg);
		cli_errtryhelp(cmd);
	}
	return id;
}

int cli_diag_error(const char *what, int rc, const struct diag *d)
{
	if (d && d->msg[0])
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, d->msg);
	else
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
			what, strerror(-rc));
	return SWAPFS_EXIT_SYSTEM;
}

int cli_load_source(const char *src, int64_t id, struct snapshot **out)
{
	struct diag d;
	int rc;

	rc = source_load(src, id, out, &d);
	return rc ? cli_diag_error(src, rc, &d) : SWAPFS_EXIT_OK;
}

int cli_load_counters(const char *src, int64_t id, struct snapfile_counter **c,
		      size_t *nr)
{
	struct snapfile *f;
	struct diag d;
	int rc;

	*c = NULL;
	*nr = 0;
	if (!snapfile_probe(src))
		return SWAPFS_EXIT_OK;
	rc = snapfile_open(src, false, &f, &d);
	if (!rc) {
		rc = snapfile_read_counters(f, id, c, nr, &d);
		snapfile_close(f);
	}
	return rc ? cli_diag_error(src, rc, &d) : SWAPFS_EXIT_OK;
}
