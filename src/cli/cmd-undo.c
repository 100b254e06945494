// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-undo.c - swapfs undo: put back what a 'swapfs label --undo' saved.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/edit.h>

#include "args.h"
#include "cli.h"

static int cmd_undo_exec(int argc, char **argv)
{
	const char *file, *spec;
	struct edit_report rep;
	char why[256];
	int first, rc;

	first = args_parse(&cmd_undo_entry, argc, argv, NULL);
	file = argv[first];
	spec = argc - first == 2 ? argv[first + 1] : NULL;
	rc = edit_undo(file, spec, &rep, why, sizeof(why));
	if (rc == -EINVAL && *why) {
		warnx("%s: %s", file, why);
		return SWAPFS_EXIT_INVALID;
	}
	if (rc && !*rep.path)
		return cli_diag_error(file, rc, NULL);
	return cmd_label_report(spec ? spec : rep.path, rc, &rep);
}

const struct cli_cmd cmd_undo_entry = {
	.name = "undo",
	.synopsis = "[options] <undo-file> [<target>]",
	.summary = "Restore the label and UUID a 'label --undo' saved.",
	.intro = "The area is the one the undo file names, unless <target> is given.",
	.operands = &(const struct args_operands){
		.min = 1, .max = 2,
		.too_few = "no undo file specified",
		.too_many = "too many arguments",
	},
	.exec = cmd_undo_exec,
};
