// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-list.c - swapfs list: the active swap areas, as swapon --show lists
 * them, plus what their headers say, with the JSON swapon never had.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include <swapfs/swapheader.h>
#include <swapfs/swaps.h>
#include <swapfs/target.h>

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
	enum output_mode mode;
	bool bytes;		/* --bytes */
	bool noheadings;	/* --noheadings */
	int cols[CMD_LIST_MAX_COLS];	/* --output */
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

	ok = !target_open(&t, path, O_RDONLY) && !target_read_header(&t, swapheader_running_kernel(), hi, NULL, NULL);
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
static int cmd_list_parse_columns(struct cmd_list_ctl *ctl, const char *arg)
{
	const char *p = arg, *end;
	int id;

	if (*p == '+')
		p++;
	else
		ctl->ncols = 0;
	if (!*p) {
		fprintf(stderr, "%s: no columns in '%s'\n", program_invocation_short_name, arg);
		return -EINVAL;
	}
	while (*p) {
		end = strchrnul(p, ',');
		id = cmd_list_column_id(p, end - p);
		if (id < 0) {
			fprintf(stderr, "%s: unknown column '%.*s'\n",
				program_invocation_short_name, (int)(end - p), p);
			return -EINVAL;
		}
		if (ctl->ncols >= CMD_LIST_MAX_COLS) {
			fprintf(stderr, "%s: more than %d columns in '%s'\n",
				program_invocation_short_name, CMD_LIST_MAX_COLS, arg);
			return -EINVAL;
		}
		ctl->cols[ctl->ncols++] = id;
		p = *end ? end + 1 : end;
	}
	return 0;
}

static void __attribute__((noreturn)) cmd_list_usage(void)
{
	int i;

	cli_usage_header(stdout, &cmd_list_entry);
	puts("\nOptions:");
	puts(" -J, --json             use JSON output format");
	puts(" -b, --bytes            print sizes in bytes");
	puts(" -r, --raw              use the raw output format");
	puts(" -n, --noheadings       don't print table headings");
	puts(" -o, --output <list>    the columns to show (+<list> adds to the default)");
	cli_usage_tail(stdout);
	puts("\nAvailable columns:");
	for (i = 0; i < COL_COUNT; i++)
		printf(" %10s  %s\n", cmd_list_cols[i].name, cmd_list_cols[i].help);
	exit(SWAPFS_EXIT_OK);
}

static int cmd_list_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "raw", no_argument, NULL, 'r' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_list_ctl ctl = { .mode = OUTPUT_HUMAN, .ncols = COL_COUNT };
	struct swaps sw;
	int c, i, rc;

	for (i = 0; i < COL_COUNT; i++)
		ctl.cols[i] = i;
	while ((c = getopt_long(argc, argv, "Jbrno:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			ctl.mode = OUTPUT_JSON;
			break;
		case 'b':
			ctl.bytes = true;
			break;
		case 'r':
			ctl.mode = OUTPUT_RAW;
			break;
		case 'n':
			ctl.noheadings = true;
			break;
		case 'o':
			if (cmd_list_parse_columns(&ctl, optarg))
				cli_errtryhelp(&cmd_list_entry);
			break;
		case 'h':
			cmd_list_usage();
		case 'V':
			cli_print_version();
		default:
			cli_errtryhelp(&cmd_list_entry);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n",
			program_invocation_short_name, argv[optind]);
		cli_errtryhelp(&cmd_list_entry);
	}
	rc = swaps_load(&sw, NULL);
	if (rc) {
		fprintf(stderr, "%s: /proc/swaps: %s\n", program_invocation_short_name,
			strerror(-rc));
		return SWAPFS_EXIT_SYSTEM;
	}
	rc = cmd_list_print(&ctl, &sw);
	swaps_free(&sw);
	if (rc)
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, strerror(-rc));
	return cli_exit_for(rc);
}

const struct cli_cmd cmd_list_entry = {
	.name = "list",
	.synopsis = "[options]",
	.summary = "List the active swap areas (swapon --show, with JSON).",
	.exec = cmd_list_exec,
};
