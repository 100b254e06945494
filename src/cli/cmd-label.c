// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-label.c - swapfs label: show or change a swap area's label and UUID,
 * in place, like swaplabel(8), but refusing what swaplabel would guess at.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include <swapfs/edit.h>
#include <swapfs/swapheader.h>
#include <swapfs/target.h>

#include "cli.h"

/* swaplabel's output without options: "LABEL: x" and "UUID:  y". */
static int cmd_label_show(const char *spec)
{
	struct swapheader_info hi = { 0 };
	char label[SWAPHEADER_LABEL_LEN + 1], uuid[37];
	struct target t;
	int rc;

	rc = target_open(&t, spec, O_RDONLY);
	if (!rc)
		rc = target_read_header(&t, swapheader_running_kernel(), &hi, NULL, NULL);
	if (rc) {
		rc = cli_target_error(t.path ? t.path : spec, rc, t.path);
		target_close(&t);
		return rc;
	}
	if (!hi.has_fields) {
		fprintf(stderr, "%s: %s: not a valid swap area (%s)\n",
			program_invocation_short_name, t.path, swapheader_sig_name(hi.sig));
		target_close(&t);
		return SWAPFS_EXIT_INVALID;
	}
	/* swaplabel prints what blkid reports, and only that */
	if (*swapheader_blkid_label(&hi, label))
		printf("LABEL: %s\n", label);
	if (swapheader_has_uuid(&hi)) {
		uuid_unparse_lower(hi.uuid, uuid);
		printf("UUID:  %s\n", uuid);
	}
	swapheader_info_free(&hi);
	target_close(&t);
	return SWAPFS_EXIT_OK;
}

int cmd_label_report(const char *spec, int rc, const struct edit_report *rep)
{
	const char *name = *rep->path ? rep->path : spec;
	char msg[256];

	if (rc && rep->undo_failed) {
		fprintf(stderr, "%s: %s: cannot write the undo file: %s; nothing written to %s\n",
			program_invocation_short_name, rep->detail, strerror(-rc), name);
		return SWAPFS_EXIT_SYSTEM;
	}
	if (rc == -EIO && rep->refusal == EDIT_DONE && *rep->path) {
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, name,
			"I/O error, or the read-back after the write does not match");
		return SWAPFS_EXIT_SYSTEM;
	}
	if (rc)
		return cli_target_error(name, rc, *rep->path);
	switch (rep->refusal) {
	case EDIT_DONE:
		break;
	case EDIT_REFUSE_ACTIVE:
		fprintf(stderr, "%s: %s: active swap area (%s); swapoff it first; nothing written\n",
			program_invocation_short_name, name, rep->detail);
		return SWAPFS_EXIT_INVALID;
	case EDIT_REFUSE_HIBERNATION:
		fprintf(stderr, "%s: %s: holds a %s; resume or discard it first; nothing written\n",
			program_invocation_short_name, name, rep->detail);
		return SWAPFS_EXIT_INVALID;
	case EDIT_REFUSE_INVALID:
		fprintf(stderr, "%s: %s: not a valid swap area: %s; nothing written\n",
			program_invocation_short_name, name, rep->detail);
		return SWAPFS_EXIT_INVALID;
	case EDIT_REFUSE_CHANGED:
	case EDIT_REFUSE_NOT_UNDONE:
		fprintf(stderr, "%s: %s: %s; nothing written\n",
			program_invocation_short_name, name, rep->detail);
		return SWAPFS_EXIT_INVALID;
	}
	if (rep->hi.err != SWAPHEADER_OK)
		fprintf(stderr, "%s: %s: warning: the kernel would still refuse this area: %s [%s]\n",
			program_invocation_short_name, name,
			swapheader_err_message(&rep->hi, msg, sizeof(msg)),
			swapheader_err_code(rep->hi.err));
	if (!rep->hi.ids_trusted)
		fprintf(stderr, "%s: %s: warning: padding[32..33] are not zero; blkid will ignore UUID and label\n",
			program_invocation_short_name, name);
	return SWAPFS_EXIT_OK;
}

static void __attribute__((noreturn)) cmd_label_usage(void)
{
	cli_usage_header(stdout, &cmd_label_entry);
	puts("\nWithout -L or -U, print the label and UUID.");
	puts("\nOptions:");
	puts(" -L, --label <label>    set the label (at most 16 bytes)");
	puts(" -U, --uuid <uuid>      set the UUID: a UUID, random, time or clear");
	puts("     --undo <file>      save the original bytes to <file> first");
	cli_usage_tail(stdout);
	exit(SWAPFS_EXIT_OK);
}

static void __attribute__((noreturn)) cmd_label_bad_arg(const char *what, const char *arg,
							const char *why)
{
	fprintf(stderr, "%s: invalid %s '%s': %s\n", program_invocation_short_name,
		what, arg, why);
	cli_errtryhelp(&cmd_label_entry);
}

static int cmd_label_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "label", required_argument, NULL, 'L' },
		{ "uuid", required_argument, NULL, 'U' },
		{ "undo", required_argument, NULL, CLI_OPT_UNDO },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct edit_ids ids = { 0 };
	struct edit_report rep;
	const char *undo = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "L:U:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'L':
			if (edit_parse_label(optarg, ids.label))
				cmd_label_bad_arg("label", optarg,
						  "longer than 16 bytes (it would be truncated)");
			ids.set_label = true;
			break;
		case 'U':
			if (edit_parse_uuid(optarg, ids.uuid))
				cmd_label_bad_arg("UUID", optarg,
						  "expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, random, time or clear");
			ids.set_uuid = true;
			break;
		case CLI_OPT_UNDO:
			undo = optarg;
			break;
		case 'h':
			cmd_label_usage();
		case 'V':
			cli_print_version();
		default:
			cli_errtryhelp(&cmd_label_entry);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			optind >= argc ? "no target specified" : "only one target at a time");
		cli_errtryhelp(&cmd_label_entry);
	}
	if (!ids.set_label && !ids.set_uuid) {
		if (undo) {
			fprintf(stderr, "%s: --undo needs -L or -U\n",
				program_invocation_short_name);
			cli_errtryhelp(&cmd_label_entry);
		}
		return cmd_label_show(argv[optind]);
	}
	rc = edit_ids(argv[optind], &ids, undo, &rep);
	return cmd_label_report(argv[optind], rc, &rep);
}

const struct cli_cmd cmd_label_entry = {
	.name = "label",
	.synopsis = "[-L <label>] [-U <uuid>] [--undo <file>] <target>",
	.summary = "Show or change a swap area's label and UUID in place.",
	.exec = cmd_label_exec,
};
