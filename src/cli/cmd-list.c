// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-list.c - swapfs list: the active swap areas, as swapon --show lists
 * them, plus what their headers say, with the JSON swapon never had.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/blkprobe.h>
#include <swapfs/swapheader.h>
#include <swapfs/swaps.h>
#include <swapfs/target.h>

#include "args.h"
#include "cli.h"
#include "output.h"

enum cmd_list_col {
	COL_NAME,
	COL_TYPE,
	COL_SIZE,
	COL_USED,
	COL_PRIO,
	COL_UUID,
	COL_LABEL,
	COL_PAGESIZE,
	COL_KERNEL_OK,
	COL_COUNT,
};

static const struct output_colinfo cmd_list_cols[COL_COUNT] = {
	[COL_NAME] = { "NAME", 0.30, 0, SCOLS_JSON_STRING, "device file or partition path" },
	[COL_TYPE] = { "TYPE", 4, 0, SCOLS_JSON_STRING, "type of the device" },
	[COL_SIZE] = { "SIZE", 5, SCOLS_FL_RIGHT | OUTPUT_FL_SIZE, SCOLS_JSON_NUMBER,
		       "size of the swap area" },
	[COL_USED] = { "USED", 5, SCOLS_FL_RIGHT | OUTPUT_FL_SIZE, SCOLS_JSON_NUMBER,
		       "bytes in use" },
	[COL_PRIO] = { "PRIO", 4, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "swap priority" },
	[COL_UUID] = { "UUID", 36, 0, SCOLS_JSON_STRING, "swap uuid" },
	[COL_LABEL] = { "LABEL", 0.2, 0, SCOLS_JSON_STRING, "swap label" },
	[COL_PAGESIZE] = { "PAGESIZE", 8, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "page size the header was made for" },
	[COL_KERNEL_OK] = { "KERNEL_OK", 9, 0, SCOLS_JSON_BOOLEAN, "would the kernel accept the header now" },
};

struct cmd_list_ctl {
	enum output_mode mode;		/* -J, -r */
	bool bytes;			/* -b */
	bool noheadings;		/* -n */
	struct output_columns cols;	/* -o */
};

/* What is read from the area itself: its header, and blkid's probe of it. */
struct cmd_list_area {
	struct swapheader_info hi;
	struct blkprobe bp;
};

/* UUID and LABEL are blkid's; PAGESIZE and KERNEL_OK the header's. */
static void cmd_list_header_cell(int col, const struct cmd_list_area *a,
				 char *buf, size_t sz)
{
	const char *v;

	switch (col) {
	case COL_UUID:
	case COL_LABEL:
		v = blkprobe_get(&a->bp, col == COL_UUID ? "UUID" : "LABEL");
		snprintf(buf, sz, "%s", v ? v : "");
		break;
	case COL_PAGESIZE:
		if (a->hi.page_size)
			snprintf(buf, sz, "%u", a->hi.page_size);
		break;
	case COL_KERNEL_OK:
		snprintf(buf, sz, "%s", a->hi.err == SWAPHEADER_OK ? "yes" : "no");
		break;
	}
}

static void cmd_list_cell(const struct cmd_list_ctl *ctl, int col,
			  const struct swaps_entry *e, const struct cmd_list_area *a,
			  char *buf, size_t sz)
{
	*buf = '\0';
	switch (col) {
	case COL_NAME:
		snprintf(buf, sz, "%s", e->path);
		break;
	case COL_TYPE:
		snprintf(buf, sz, "%s", e->type);
		break;
	case COL_SIZE:
		output_size(e->size_kib * 1024, ctl->bytes, buf, sz);
		break;
	case COL_USED:
		output_size(e->used_kib * 1024, ctl->bytes, buf, sz);
		break;
	case COL_PRIO:
		snprintf(buf, sz, "%d", e->prio);
		break;
	default:
		if (a)
			cmd_list_header_cell(col, a, buf, sz);
		break;
	}
}

/* Like swapon: header fields only when the area can be read. */
static bool cmd_list_read_area(const char *path, struct cmd_list_area *a)
{
	struct target t;
	bool ok;

	ok = !target_open(&t, path, O_RDONLY) &&
	     !target_read_header(&t, swapheader_running_kernel(), &a->hi, NULL, NULL) &&
	     !blkprobe_fd(t.fd, &a->bp);
	target_close(&t);
	return ok;
}

static int cmd_list_add_line(struct libscols_table *tb, const struct cmd_list_ctl *ctl,
			     const struct swaps_entry *e)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	struct cmd_list_area a = { 0 };
	bool have = cmd_list_read_area(e->path, &a);
	char buf[PATH_MAX];
	size_t i;
	int rc = 0;

	if (!ln)
		rc = -ENOMEM;
	for (i = 0; !rc && i < ctl->cols.n; i++) {
		cmd_list_cell(ctl, ctl->cols.id[i], e, have ? &a : NULL, buf, sizeof(buf));
		if (*buf && scols_line_set_data(ln, i, buf))
			rc = -ENOMEM;
	}
	swapheader_info_free(&a.hi);
	blkprobe_free(&a.bp);
	return rc;
}

static int cmd_list_print(const struct cmd_list_ctl *ctl, const struct swaps *sw)
{
	struct libscols_table *tb = output_table_new("swaps", ctl->mode, ctl->noheadings);
	size_t i;
	int rc = tb ? 0 : -ENOMEM;

	if (!rc)
		rc = output_columns_add(tb, &ctl->cols, cmd_list_cols, ctl->bytes);
	for (i = 0; !rc && i < sw->n; i++)
		rc = cmd_list_add_line(tb, ctl, &sw->v[i]);
	if (rc) {
		scols_unref_table(tb);
		return rc;
	}
	return output_print(tb);
}

/* "-o NAME,SIZE" replaces the columns; "-o +UUID" adds to them. */
static void cmd_list_set_columns(void *p, const char *arg)
{
	struct cmd_list_ctl *ctl = p;
	char why[128];

	if (output_columns_parse(&ctl->cols, cmd_list_cols, COL_COUNT, arg, why, sizeof(why)))
		args_usage_error(&cmd_list_entry, "%s", why);
}

static void cmd_list_set_json(void *ctl, const char *arg)
{
	((struct cmd_list_ctl *)ctl)->mode = OUTPUT_JSON;
}

static void cmd_list_set_raw(void *ctl, const char *arg)
{
	((struct cmd_list_ctl *)ctl)->mode = OUTPUT_RAW;
}

/* The end of the usage: the columns -o takes. */
static void cmd_list_help_columns(void)
{
	output_columns_help(cmd_list_cols, COL_COUNT);
}

static int cmd_list_exec(int argc, char **argv)
{
	static const int defaults[COL_COUNT] = {
		COL_NAME, COL_TYPE, COL_SIZE, COL_USED, COL_PRIO, COL_UUID, COL_LABEL,
		COL_PAGESIZE, COL_KERNEL_OK,
	};
	struct cmd_list_ctl ctl = { .mode = OUTPUT_HUMAN };
	struct swaps sw;
	int rc;

	output_columns_default(&ctl.cols, defaults, COL_COUNT);
	args_parse(&cmd_list_entry, argc, argv, &ctl);
	rc = swaps_load(&sw, NULL);
	if (rc)
		return cli_diag_error("/proc/swaps", rc, NULL);
	rc = cmd_list_print(&ctl, &sw);
	swaps_free(&sw);
	if (rc)
		cli_errno_error(rc);
	return cli_exit_for(rc);
}

static const struct args_opt cmd_list_opts[] = {
	{ 'J', "json", NULL, "use JSON output format", .set = cmd_list_set_json },
	{ 'b', "bytes", NULL, "print sizes in bytes",
	  .flag = ARGS_FIELD(struct cmd_list_ctl, bytes) },
	{ 'r', "raw", NULL, "use the raw output format", .set = cmd_list_set_raw },
	{ 'n', "noheadings", NULL, "don't print table headings",
	  .flag = ARGS_FIELD(struct cmd_list_ctl, noheadings) },
	{ 'o', "output", "<list>", "the columns to show (+<list> adds to the default)",
	  .set = cmd_list_set_columns },
	{ 0 },
};

const struct cli_cmd cmd_list_entry = {
	.name = "list",
	.synopsis = "[options]",
	.summary = "List the active swap areas (swapon --show, with JSON).",
	.opts = cmd_list_opts,
	.more_help = cmd_list_help_columns,
	.operands = &(const struct args_operands){
		.min = 0, .max = 0,
		.too_many = "unexpected argument",
		.quote_extra = true,
	},
	.exec = cmd_list_exec,
};
