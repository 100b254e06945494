// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-label.c - swapfs label: show or change a swap area's label and UUID,
 * in place, like swaplabel(8), but refusing what swaplabel would guess at.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/blkprobe.h>
#include <swapfs/edit.h>
#include <swapfs/swapheader.h>
#include <swapfs/target.h>

#include "args.h"
#include "cli.h"

/* swaplabel's output without options: "LABEL: x" and "UUID:  y". */
static int cmd_label_show(const char *spec)
{
	struct swapheader_info hi = { 0 };
	struct blkprobe p = { 0 };
	const char *label, *uuid;
	struct target t;
	int rc;

	rc = target_open(&t, spec, O_RDONLY);
	if (!rc)
		rc = target_read_header(&t, swapheader_running_kernel(), &hi, NULL, NULL);
	if (!rc)
		rc = blkprobe_fd(t.fd, &p);
	if (rc) {
		rc = cli_target_error(t.path ? t.path : spec, rc, t.path);
		target_close(&t);
		return rc;
	}
	if (!hi.has_fields) {
		warnx("%s: not a valid swap area (%s)", t.path, swapheader_sig_name(hi.sig));
		rc = SWAPFS_EXIT_INVALID;
		goto out;
	}
	/* swaplabel prints what blkid's probe reports, and only that */
	label = blkprobe_get(&p, "LABEL");
	uuid = blkprobe_get(&p, "UUID");
	if (label)
		printf("LABEL: %s\n", label);
	if (uuid)
		printf("UUID:  %s\n", uuid);
out:
	blkprobe_free(&p);
	swapheader_info_free(&hi);
	target_close(&t);
	return rc;
}

int cmd_label_report(const char *spec, int rc, const struct edit_report *rep)
{
	const char *name = *rep->path ? rep->path : spec;
	char msg[256];

	if (rc && rep->undo_failed) {
		warnx("%s: cannot write the undo file: %s; nothing written to %s",
		      rep->detail, rc == -EINVAL ? "not a regular file" : strerror(-rc),
		      name);
		return rc == -EINVAL ? SWAPFS_EXIT_INVALID : SWAPFS_EXIT_SYSTEM;
	}
	if (rc == -EIO && rep->refusal == EDIT_DONE && *rep->path) {
		warnx("%s: I/O error, or the read-back after the write does not match", name);
		return SWAPFS_EXIT_SYSTEM;
	}
	if (rc)
		return cli_target_error(name, rc, *rep->path);
	switch (rep->refusal) {
	case EDIT_DONE:
		break;
	case EDIT_REFUSE_ACTIVE:
		warnx("%s: active swap area (%s); swapoff it first; nothing written",
		      name, rep->detail);
		return SWAPFS_EXIT_INVALID;
	case EDIT_REFUSE_HIBERNATION:
		warnx("%s: holds a %s; resume or discard it first; nothing written",
		      name, rep->detail);
		return SWAPFS_EXIT_INVALID;
	case EDIT_REFUSE_INVALID:
		warnx("%s: not a valid swap area: %s; nothing written", name, rep->detail);
		return SWAPFS_EXIT_INVALID;
	case EDIT_REFUSE_CHANGED:
	case EDIT_REFUSE_NOT_UNDONE:
	case EDIT_REFUSE_UNDONE:
		warnx("%s: %s; nothing written", name, rep->detail);
		return SWAPFS_EXIT_INVALID;
	case EDIT_REFUSE_UNDO_EXISTS:
		warnx("%s: exists; use --force to replace it (it may be the only way "
		      "back to an earlier state); nothing written to %s", rep->detail, name);
		return SWAPFS_EXIT_INVALID;
	}
	if (rep->hi.err != SWAPHEADER_OK)
		warnx("%s: warning: the kernel would still refuse this area: %s [%s]",
		      name, swapheader_err_message(&rep->hi, msg, sizeof(msg)),
		      swapheader_err_code(rep->hi.err));
	if (!rep->hi.ids_trusted)
		warnx("%s: warning: padding[32..33] are not zero; blkid will ignore UUID and label",
		      name);
	return SWAPFS_EXIT_OK;
}

struct cmd_label_ctl {
	struct edit_ids ids;		/* -L, -U */
	const char *undo;		/* --undo */
};

static void cmd_label_set_label(void *p, const char *arg)
{
	struct cmd_label_ctl *ctl = p;

	if (edit_parse_label(arg, ctl->ids.label))
		args_bad_value(&cmd_label_entry, "invalid label", arg,
			       "longer than 16 bytes (it would be truncated)");
	ctl->ids.set_label = true;
}

static void cmd_label_set_uuid(void *p, const char *arg)
{
	struct cmd_label_ctl *ctl = p;

	if (edit_parse_uuid(arg, ctl->ids.uuid))
		args_bad_value(&cmd_label_entry, "invalid UUID", arg,
			       "expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, random, time or clear");
	ctl->ids.set_uuid = true;
}

static int cmd_label_exec(int argc, char **argv)
{
	struct cmd_label_ctl ctl = { .undo = NULL };
	struct edit_report rep;
	const char *target;
	int rc;

	target = argv[args_parse(&cmd_label_entry, argc, argv, &ctl)];
	if (ctl.ids.replace_undo && !ctl.undo)
		args_usage_error(&cmd_label_entry, "--force needs --undo");
	if (!ctl.ids.set_label && !ctl.ids.set_uuid) {
		if (ctl.undo)
			args_usage_error(&cmd_label_entry, "--undo needs -L or -U");
		return cmd_label_show(target);
	}
	rc = edit_ids(target, &ctl.ids, ctl.undo, &rep);
	return cmd_label_report(target, rc, &rep);
}

static const struct args_opt cmd_label_opts[] = {
	{ 'L', "label", "<label>", "set the label (at most 16 bytes)",
	  .set = cmd_label_set_label },
	{ 'U', "uuid", "<uuid>", "set the UUID: a UUID, random, time or clear",
	  .set = cmd_label_set_uuid },
	{ 0, "undo", "<file>", "save the original bytes to <file> first",
	  .text = ARGS_FIELD(struct cmd_label_ctl, undo) },
	{ 'f', "force", NULL, "replace an existing undo file",
	  .flag = ARGS_FIELD(struct cmd_label_ctl, ids.replace_undo) },
	{ 0 },
};

const struct cli_cmd cmd_label_entry = {
	.name = "label",
	.synopsis = "[-L <label>] [-U <uuid>] [--undo <file> [--force]] <target>",
	.summary = "Show or change a swap area's label and UUID in place.",
	.intro = "Without -L or -U, print the label and UUID.",
	.opts = cmd_label_opts,
	.operands = &(const struct args_operands){
		.min = 1, .max = 1,
		.too_few = "no target specified",
		.too_many = "only one target at a time",
	},
	.exec = cmd_label_exec,
};
