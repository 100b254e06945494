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

#include <uuid/uuid.h>

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

struct cmd_list_colinfo {
	const char *name;
	double width;
	int flags;
	int json_type;		/* with --bytes; sizes are strings otherwise */
	const char *help;
};

static const struct cmd_list_colinfo cmd_list_cols[COL_COUNT] = {
	[COL_NAME] = { "NAME", 0.30, 0, SCOLS_JSON_STRING, "device file or partition path" },
	[COL_TYPE] = { "TYPE", 4, 0, SCOLS_JSON_STRING, "type of the device" },
	[COL_SIZE] = { "SIZE", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "size of the swap area" },
	[COL_USED] = { "USED", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "bytes in use" },
	[COL_PRIO] = { "PRIO", 4, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "swap priority" },
	[COL_UUID] = { "UUID", 36, 0, SCOLS_JSON_STRING, "swap uuid" },
	[COL_LABEL] = { "LABEL", 0.2, 0, SCOLS_JSON_STRING, "swap label" },
	[COL_PAGESIZE] = { "PAGESIZE", 8, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "page size the header was made for" },
	[COL_KERNEL_OK] = { "KERNEL_OK", 9, 0, SCOLS_JSON_BOOLEAN, "would the kernel accept the header now" },
};

/* Columns may repeat (as in lsblk); this bounds how many are asked for. */
#define CMD_LIST_MAX_COLS	(4 * COL_COUNT)

struct cmd_list_ctl {
	enum output_mode mode;		/* -J, -r */
	bool bytes;			/* -b */
	bool noheadings;		/* -n */
	int cols[CMD_LIST_MAX_COLS];	/* -o */
	size_t ncols;
};

/* util-linux's size_to_human_string(SIZE_SUFFIX_1LETTER): 8M, 1.5G. */
static void cmd_list_human_size(uint64_t bytes, char *buf, size_t sz)
{
	static const char suffix[] = "BKMGTPE";
	unsigned int exp = 0;
	double v = bytes;
	char *dot;

	while (v >= 1024 && exp < sizeof(suffix) - 2) {
		v /= 1024;
		exp++;
	}
	snprintf(buf, sz, "%.1f", v);
	dot = strchr(buf, '.');
	if (dot && dot[1] == '0')
		*dot = '\0';
	snprintf(buf + strlen(buf), sz - strlen(buf), "%c", suffix[exp]);
}

static void cmd_list_size(const struct cmd_list_ctl *ctl, uint64_t kib,
			  char *buf, size_t sz)
{
	if (ctl->bytes)
		snprintf(buf, sz, "%" PRIu64, kib * 1024);
	else
		cmd_list_human_size(kib * 1024, buf, sz);
}

/* UUID, LABEL, PAGESIZE and KERNEL_OK come from reading the header. */
static void cmd_list_header_cell(int col, const struct swapheader_info *hi,
				 char *buf, size_t sz)
{
	switch (col) {
	case COL_UUID:
		if (swapheader_has_uuid(hi))
			uuid_unparse_lower(hi->uuid, buf);
		break;
	case COL_LABEL:
		swapheader_blkid_label(hi, buf);
		break;
	case COL_PAGESIZE:
		if (hi->page_size)
			snprintf(buf, sz, "%u", hi->page_size);
		break;
	case COL_KERNEL_OK:
		snprintf(buf, sz, "%s", hi->err == SWAPHEADER_OK ? "yes" : "no");
		break;
	}
}

static void cmd_list_cell(const struct cmd_list_ctl *ctl, int col,
			  const struct swaps_entry *e, const struct swapheader_info *hi,
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
		cmd_list_size(ctl, e->size_kib, buf, sz);
		break;
	case COL_USED:
		cmd_list_size(ctl, e->used_kib, buf, sz);
		break;
	case COL_PRIO:
		snprintf(buf, sz, "%d", e->prio);
		break;
	default:
		if (hi)
			cmd_list_header_cell(col, hi, buf, sz);
		break;
	}
}

/* Like swapon: header fields only when the area can be read. */
static bool cmd_list_read_header(const char *path, struct swapheader_info *hi)
{
	struct target t;
	bool ok;

	ok = !target_open(&t, path, O_RDONLY) &&
	     !target_read_header(&t, swapheader_running_kernel(), hi, NULL, NULL);
	target_close(&t);
	return ok;
}

static int cmd_list_add_line(struct libscols_table *tb, const struct cmd_list_ctl *ctl,
			     const struct swaps_entry *e)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	struct swapheader_info hi = { 0 };
	bool have = cmd_list_read_header(e->path, &hi);
	char buf[PATH_MAX];
	size_t i;
	int rc = 0;

	if (!ln)
		rc = -ENOMEM;
	for (i = 0; !rc && i < ctl->ncols; i++) {
		cmd_list_cell(ctl, ctl->cols[i], e, have ? &hi : NULL, buf, sizeof(buf));
		if (*buf && scols_line_set_data(ln, i, buf))
			rc = -ENOMEM;
	}
	swapheader_info_free(&hi);
	return rc;
}

static int cmd_list_print(const struct cmd_list_ctl *ctl, const struct swaps *sw)
{
	struct libscols_table *tb = output_table_new("swaps", ctl->mode, ctl->noheadings);
	size_t i;
	int rc = tb ? 0 : -ENOMEM;

	for (i = 0; !rc && i < ctl->ncols; i++) {
		const struct cmd_list_colinfo *ci = &cmd_list_cols[ctl->cols[i]];
		struct output_column col = { ci->name, ci->json_type, ci->width, ci->flags };

		if ((ctl->cols[i] == COL_SIZE || ctl->cols[i] == COL_USED) && !ctl->bytes)
			col.json_type = SCOLS_JSON_STRING;
		rc = output_add_column(tb, &col);
	}
	for (i = 0; !rc && i < sw->n; i++)
		rc = cmd_list_add_line(tb, ctl, &sw->v[i]);
	if (rc) {
		scols_unref_table(tb);
		return rc;
	}
	return output_print(tb);
}

static int cmd_list_column_id(const char *name, size_t len)
{
	int i;

	for (i = 0; i < COL_COUNT; i++)
		if (strlen(cmd_list_cols[i].name) == len &&
		    !strncasecmp(cmd_list_cols[i].name, name, len))
			return i;
	return -1;
}

/* "-o NAME,SIZE" replaces the columns; "-o +UUID" adds to them. */
static void cmd_list_set_columns(void *p, const char *arg)
{
	struct cmd_list_ctl *ctl = p;
	const char *s = arg, *end;
	int id;

	if (*s == '+')
		s++;
	else
		ctl->ncols = 0;
	if (!*s)
		args_usage_error(&cmd_list_entry, "no columns in '%s'", arg);
	while (*s) {
		end = strchrnul(s, ',');
		id = cmd_list_column_id(s, end - s);
		if (id < 0)
			args_usage_error(&cmd_list_entry, "unknown column '%.*s'",
					 (int)(end - s), s);
		if (ctl->ncols >= CMD_LIST_MAX_COLS)
			args_usage_error(&cmd_list_entry, "more than %d columns in '%s'",
					 CMD_LIST_MAX_COLS, arg);
		ctl->cols[ctl->ncols++] = id;
		s = *end ? end + 1 : end;
	}
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
	int i;

	puts("\nAvailable columns:");
	for (i = 0; i < COL_COUNT; i++)
		printf(" %10s  %s\n", cmd_list_cols[i].name, cmd_list_cols[i].help);
}

static int cmd_list_exec(int argc, char **argv)
{
	struct cmd_list_ctl ctl = { .mode = OUTPUT_HUMAN, .ncols = COL_COUNT };
	struct swaps sw;
	int i, rc;

	for (i = 0; i < COL_COUNT; i++)
		ctl.cols[i] = i;
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
