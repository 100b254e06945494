// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-import.c - swapfs import: a dump (or a snapshot of another file)
 * into a snapshot file, new or appended to a time series.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <swapfs/dump.h>
#include <swapfs/snapfile.h>
#include <swapfs/source.h>

#include "args.h"
#include "cli.h"

struct cmd_import_ctl {
	const char *output;		/* -o */
	bool append;			/* -a */
	bool force;			/* -f */
	int64_t id;			/* -s */
	const char *note;		/* --note */
};

/*
 * A dump into a new file as a stream (dump_stream()): the writer stores
 * each cluster as the reader makes it final, and the slot array is never
 * whole in memory. Whatever goes wrong (a broken dump, a dump that cannot
 * stream, the file), nothing has been said or kept: true means done,
 * false that the whole reading must do it all again, which says what is
 * wrong as it always has (so the first error is the same either way).
 */
static bool cmd_import_stream(const struct cmd_import_ctl *ctl, const char *src)
{
	struct snapfile *f = NULL;
	struct snapshot *s;
	struct stat st;
	struct diag d;
	bool done;

	if (ctl->append || ctl->id || stat(src, &st) || !S_ISDIR(st.st_mode) ||
	    dump_stream(src, &s, &d))
		return false;
	done = !(ctl->note && snapshot_set_string(&s->prov.note, ctl->note)) &&
	       !snapfile_create(ctl->output, ctl->force, &f, &d);
	if (done && snapfile_append(f, s, NULL, &d)) {
		snapfile_close(f);
		done = false;
	}
	snapshot_free(s);
	return done && !snapfile_commit(f, &d);
}

static int cmd_import_exec(int argc, char **argv)
{
	struct cmd_import_ctl ctl = { .id = 0 };
	struct snapshot **v;
	unsigned int nr, i;
	const char *src;
	int rc;

	src = argv[args_parse(&cmd_import_entry, argc, argv, &ctl)];
	if (!ctl.output)
		args_usage_error(&cmd_import_entry, "no output file specified (-o)");
	args_check_exclusive(&cmd_import_entry, &ctl);
	/* a dump directory streams into a new file (dump_stream()) */
	if (cmd_import_stream(&ctl, src))
		return SWAPFS_EXIT_OK;
	/* several areas read at one moment are stored together, area 0 first */
	rc = cli_load_areas(src, ctl.id, &v, &nr);
	if (rc)
		return rc;
	for (i = 0; !rc && i < nr; i++)
		if (ctl.note && snapshot_set_string(&v[i]->prov.note, ctl.note))
			rc = cli_errno_error(-ENOMEM);
	if (!rc)
		rc = cli_snapfile_write_areas(ctl.output, ctl.append, ctl.force,
					      "exists; use --append to add a snapshot or --force to replace it",
					      v, nr);
	source_areas_free(v, nr);
	return rc;
}

static const struct args_opt cmd_import_opts[] = {
	{ 'o', "output", "<file>", "the snapshot file to write (required)",
	  .text = ARGS_FIELD(struct cmd_import_ctl, output) },
	{ 'a', "append", NULL, "add a snapshot to an existing file (a time series)",
	  .flag = ARGS_FIELD(struct cmd_import_ctl, append) },
	{ 'f', "force", NULL, "replace an existing file",
	  .flag = ARGS_FIELD(struct cmd_import_ctl, force) },
	{ 's', "snapshot", "<id>", "which snapshot of a snapshot file SRC to take",
	  .value = ARGS_FIELD(struct cmd_import_ctl, id), .number = &args_snapshot_id },
	{ 0, "note", "<text>", "a note stored with the snapshot",
	  .text = ARGS_FIELD(struct cmd_import_ctl, note) },
	{ 0 },
};

static const char *const cmd_import_exclusive[] = { "append", "force", NULL };

const struct cli_cmd cmd_import_entry = {
	.name = "import",
	.synopsis = "[options] <dump> -o <file>",
	.summary = "Store a dump in a snapshot file (SQLite).",
	.opts = cmd_import_opts,
	.operands = &(const struct args_operands){
		.min = 1, .max = 1,
		.too_few = "no dump specified",
		.too_many = "one dump at a time",
	},
	.exclusive = cmd_import_exclusive,
	.exec = cmd_import_exec,
};
