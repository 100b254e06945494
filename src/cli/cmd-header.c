// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-header.c - swapfs header: what is this area, would swapon take it?
 *
 * One table of fields drives every rendering: a "Title: value" list for
 * people, a table with -o/--raw/--noheadings (one row per target), JSON
 * for programs. --export is blkid's own answer first (libblkid's probe,
 * printed as `blkid -p -o export` prints it), then swapfs's own keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include <swapfs/blkprobe.h>
#include <swapfs/swapheader.h>
#include <swapfs/target.h>

#include "args.h"
#include "cli.h"
#include "output.h"

/* Room for the longest value: 65149 bad pages of up to 10 digits. */
#define CMD_HEADER_VALUE_MAX	(11 * (SWAPHEADER_MAX_BADPAGES(SWAPHEADER_PAGE_MAX) + 1))

struct cmd_header_view {
	const char *target;
	const struct swapheader_info *hi;
	enum output_mode mode;
	bool table;			/* a row of a table (-o, --raw, -n) */
	bool bytes;			/* --bytes */
	const char *kernel;		/* the release the verdict is for */
	char *buf;			/* CMD_HEADER_VALUE_MAX bytes */
};

/*
 * A field's value, or NULL when the area has none (no export line).
 * Booleans are "yes"/"no": a JSON false is a leading 'n'.
 */
typedef const char *(*cmd_header_value_fn)(const struct cmd_header_view *v);

enum {
	CMD_HEADER_EXPORT = 1 << 0,	/* one of swapfs's own --export keys */
	CMD_HEADER_COLUMN = 1 << 1,	/* a default column of the table */
};

struct cmd_header_field {
	struct output_colinfo col;	/* export name, -o column, JSON key */
	const char *title;		/* human title; NULL: not in the list */
	unsigned int flags;		/* CMD_HEADER_* */
	cmd_header_value_fn value;
};

static const char *cmd_header_number(const struct cmd_header_view *v, uint64_t n)
{
	snprintf(v->buf, CMD_HEADER_VALUE_MAX, "%" PRIu64, n);
	return v->buf;
}

static const char *cmd_header_devname(const struct cmd_header_view *v)
{
	return v->target;
}

static const char *cmd_header_type(const struct cmd_header_view *v)
{
	return swapheader_sig_type(v->hi->sig);
}

static const char *cmd_header_version(const struct cmd_header_view *v)
{
	if (v->hi->sig == SWAPHEADER_SIG_SWAP_V1)
		return cmd_header_number(v, v->hi->version);
	return swapheader_sig_version(v->hi->sig);
}

static const char *cmd_header_blkid_usage(const struct cmd_header_view *v)
{
	return v->hi->sig ? "other" : NULL;
}

static const char *cmd_header_signature(const struct cmd_header_view *v)
{
	return swapheader_sig_name(v->hi->sig);
}

static const char *cmd_header_pagesize(const struct cmd_header_view *v)
{
	if (!v->hi->page_size)
		return NULL;
	return cmd_header_number(v, v->hi->page_size);
}

static const char *cmd_header_endianness(const struct cmd_header_view *v)
{
	const char *name = swapheader_order_name(v->hi->order);

	if (!v->hi->has_fields)
		return NULL;
	if (v->mode == OUTPUT_EXPORT)	/* blkid spells it LITTLE / BIG */
		return v->hi->order == SWAPHEADER_ORDER_BIG ? "BIG" : "LITTLE";
	if (v->mode == OUTPUT_JSON || v->table)
		return name;
	snprintf(v->buf, CMD_HEADER_VALUE_MAX, "%s (%s)", name,
		 v->hi->foreign ? "foreign" : "native");
	return v->buf;
}

static const char *cmd_header_native(const struct cmd_header_view *v)
{
	if (!v->hi->has_fields)
		return NULL;
	return v->hi->foreign ? "no" : "yes";
}

static const char *cmd_header_last_page(const struct cmd_header_view *v)
{
	if (!v->hi->has_fields)
		return NULL;
	return cmd_header_number(v, v->hi->last_page);
}

/* In bytes, but for a table row without --bytes ("10M", as list shows it). */
static const char *cmd_header_size(const struct cmd_header_view *v)
{
	if (!v->hi->has_fields || !v->hi->page_size)
		return NULL;
	output_size(v->hi->area_size, !v->table || v->bytes || v->mode == OUTPUT_JSON,
		    v->buf, CMD_HEADER_VALUE_MAX);
	return v->buf;
}

static const char *cmd_header_nr_badpages(const struct cmd_header_view *v)
{
	if (!v->hi->has_fields)
		return NULL;
	return cmd_header_number(v, v->hi->nr_badpages);
}

/* JSON arrays are newline-separated cells in libsmartcols. */
static const char *cmd_header_badpages(const struct cmd_header_view *v)
{
	const char *sep = v->mode == OUTPUT_JSON ? "\n" : ",";
	size_t off = 0;
	uint32_t i;

	*v->buf = '\0';
	if (!v->hi->nr_badpages_read)
		return v->mode == OUTPUT_JSON && v->hi->has_fields ? v->buf : NULL;
	for (i = 0; i < v->hi->nr_badpages_read; i++)
		off += snprintf(v->buf + off, CMD_HEADER_VALUE_MAX - off, "%s%" PRIu32,
				i ? sep : "", v->hi->badpages[i]);
	return v->buf;
}

/* The stored bytes, all zero included: what blkid makes of them is --export's. */
static const char *cmd_header_uuid(const struct cmd_header_view *v)
{
	if (!v->hi->has_fields)
		return NULL;
	uuid_unparse_lower(v->hi->uuid, v->buf);
	return v->buf;
}

/*
 * The exact bytes up to the last non-NUL one: for people and tables
 * escaped (\\, \xNN); for JSON as they are, the writer making them UTF-8
 * (jsonout.h), but for a NUL inside, which a C string cannot carry: \x00.
 */
static const char *cmd_header_label(const struct cmd_header_view *v)
{
	const uint8_t *l = v->hi->label;
	size_t n = SWAPHEADER_LABEL_LEN, i;
	char *p = v->buf;

	if (!v->hi->has_fields)
		return NULL;
	if (v->mode != OUTPUT_JSON) {
		swapheader_label_escape(l, v->buf);
		return *v->buf ? v->buf : NULL;
	}
	while (n && !l[n - 1])
		n--;
	for (i = 0; i < n; i++) {
		if (l[i])
			*p++ = (char)l[i];
		else
			p += sprintf(p, "\\x00");
	}
	*p = '\0';
	return *v->buf ? v->buf : NULL;
}

static const char *cmd_header_ids_trusted(const struct cmd_header_view *v)
{
	if (!v->hi->has_fields)
		return NULL;
	return v->hi->ids_trusted ? "yes" : "no";
}

static const char *cmd_header_kernel(const struct cmd_header_view *v)
{
	return v->kernel;
}

static const char *cmd_header_kernel_page_size(const struct cmd_header_view *v)
{
	return cmd_header_number(v, v->hi->kernel_page_size);
}

static const char *cmd_header_kernel_ok(const struct cmd_header_view *v)
{
	return v->hi->err == SWAPHEADER_OK ? "yes" : "no";
}

static const char *cmd_header_kernel_error(const struct cmd_header_view *v)
{
	return v->hi->err == SWAPHEADER_OK ? NULL : swapheader_err_code(v->hi->err);
}

static const char *cmd_header_kernel_message(const struct cmd_header_view *v)
{
	if (v->hi->err == SWAPHEADER_OK)
		return NULL;
	return swapheader_err_message(v->hi, v->buf, CMD_HEADER_VALUE_MAX);
}

#define F_STR		SCOLS_JSON_STRING
#define F_NUM		SCOLS_JSON_NUMBER
#define F_BOOL		SCOLS_JSON_BOOLEAN
#define F_RIGHT		SCOLS_FL_RIGHT

static const struct cmd_header_field cmd_header_fields[] = {
	{ { "DEVNAME", 0.3, 0, F_STR, "the target, resolved" }, "Target",
	  CMD_HEADER_COLUMN, cmd_header_devname },
	{ { "TYPE", 4, 0, F_STR, "swap or swsuspend" }, "Type",
	  CMD_HEADER_COLUMN, cmd_header_type },
	{ { "SIGNATURE", 8, 0, F_STR, "the signature found" }, "Signature", 0,
	  cmd_header_signature },
	{ { "VERSION", 7, 0, F_STR, "header version, or hibernation kind" }, "Version",
	  CMD_HEADER_COLUMN, cmd_header_version },
	{ { "USAGE", 5, 0, F_STR, "other (blkid's usage of swap)" }, "Usage", 0,
	  cmd_header_blkid_usage },
	{ { "PAGESIZE", 8, F_RIGHT, F_NUM, "page size the header was made for" }, "Page size",
	  CMD_HEADER_EXPORT | CMD_HEADER_COLUMN, cmd_header_pagesize },
	{ { "ENDIANNESS", 6, 0, F_STR, "byte order of the fields" }, "Byte order",
	  CMD_HEADER_EXPORT, cmd_header_endianness },
	{ { "NATIVE", 6, 0, F_BOOL, "byte order is this machine's" }, NULL, 0,
	  cmd_header_native },
	{ { "LAST_PAGE", 9, F_RIGHT, F_NUM, "index of the last usable page" }, "Last page",
	  CMD_HEADER_EXPORT, cmd_header_last_page },
	{ { "SIZE", 5, F_RIGHT, F_NUM, "size the header describes" }, "Size (bytes)",
	  CMD_HEADER_EXPORT | CMD_HEADER_COLUMN, cmd_header_size },
	{ { "NR_BADPAGES", 11, F_RIGHT, F_NUM, "bad pages, as stored" }, "Bad pages",
	  CMD_HEADER_EXPORT, cmd_header_nr_badpages },
	{ { "BADPAGES", 8, 0, SCOLS_JSON_ARRAY_NUMBER, "the bad-page list" }, "Bad-page list",
	  CMD_HEADER_EXPORT, cmd_header_badpages },
	{ { "UUID", 36, 0, F_STR, "UUID, as stored" }, "UUID",
	  CMD_HEADER_COLUMN, cmd_header_uuid },
	{ { "LABEL", 0.2, 0, F_STR, "label, its exact bytes" }, "Label",
	  CMD_HEADER_COLUMN, cmd_header_label },
	{ { "IDS_TRUSTED", 11, 0, F_BOOL, "padding[32..33] zero: blkid reports the IDs" },
	  "blkid trusts IDs", 0, cmd_header_ids_trusted },
	{ { "KERNEL", 6, 0, F_STR, "kernel release judged for" }, "Judged for kernel", 0,
	  cmd_header_kernel },
	{ { "KERNEL_PAGESIZE", 15, F_RIGHT, F_NUM, "page size judged for" }, "Kernel page size",
	  CMD_HEADER_EXPORT, cmd_header_kernel_page_size },
	{ { "KERNEL_OK", 9, 0, F_BOOL, "would that kernel accept it" }, "Kernel accepts",
	  CMD_HEADER_EXPORT | CMD_HEADER_COLUMN, cmd_header_kernel_ok },
	{ { "KERNEL_ERROR", 12, 0, F_STR, "reason code of the refusal" }, "Kernel error",
	  CMD_HEADER_EXPORT | CMD_HEADER_COLUMN, cmd_header_kernel_error },
	{ { "KERNEL_MESSAGE", 0.3, 0, F_STR, "the kernel's words for it" }, "Kernel says", 0,
	  cmd_header_kernel_message },
};

#define CMD_HEADER_NR_FIELDS (sizeof(cmd_header_fields) / sizeof(cmd_header_fields[0]))

/* The -o columns, each a field. */
static struct output_colinfo cmd_header_colinfo[CMD_HEADER_NR_FIELDS];

static const struct output_colinfo *cmd_header_columns_info(void)
{
	size_t i;

	for (i = 0; i < CMD_HEADER_NR_FIELDS; i++) {
		cmd_header_colinfo[i] = cmd_header_fields[i].col;
		if (!strcmp(cmd_header_colinfo[i].name, "SIZE"))
			cmd_header_colinfo[i].flags |= OUTPUT_FL_SIZE;
	}
	return cmd_header_colinfo;
}

/* One line of a table (JSON or -o): the chosen columns' values. */
static int cmd_header_add_line(struct libscols_table *tb, const struct output_columns *c,
			       const struct cmd_header_view *v)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	const char *val;
	size_t i;

	if (!ln)
		return -ENOMEM;
	for (i = 0; i < c->n; i++) {
		val = cmd_header_fields[c->id[i]].value(v);
		if (val && scols_line_set_data(ln, i, val))
			return -ENOMEM;
	}
	return 0;
}

/* People: a "Title: value" list, aligned by libsmartcols. */
static int cmd_header_print_human(const struct cmd_header_view *v)
{
	static const struct output_column cols[] = {
		{ "FIELD", SCOLS_JSON_STRING, 0, 0 },
		{ "VALUE", SCOLS_JSON_STRING, 0, SCOLS_FL_WRAP },
	};
	struct libscols_table *tb = output_table_new("header", OUTPUT_HUMAN, true);
	char title[64];
	const char *val;
	size_t i;

	if (!tb || output_add_column(tb, &cols[0]) || output_add_column(tb, &cols[1]))
		goto enomem;
	/* the label is escaped already (\xNN); don't escape the escapes */
	scols_table_enable_noencoding(tb, 1);
	for (i = 0; i < CMD_HEADER_NR_FIELDS; i++) {
		const struct cmd_header_field *f = &cmd_header_fields[i];
		struct libscols_line *ln;

		if (!f->title)
			continue;
		val = f->value(v);
		if (!val)
			continue;
		snprintf(title, sizeof(title), "%s:", f->title);
		ln = scols_table_new_line(tb, NULL);
		if (!ln || scols_line_set_data(ln, 0, title) ||
		    scols_line_set_data(ln, 1, val))
			goto enomem;
	}
	return output_print(tb);
enomem:
	scols_unref_table(tb);
	return -ENOMEM;
}

/* NAME=value, as blkid prints it for -o export (its escaping). */
static void cmd_header_export_line(const char *name, const char *value, char *buf)
{
	printf("%s=%s\n", name, blkprobe_export_escape(value, buf));
}

/*
 * --export: DEVNAME, libblkid's own probe of the area in its order, then
 * swapfs's keys (those blkid did not give: a newer libblkid has ENDIANNESS).
 */
static int cmd_header_print_export(const struct cmd_header_view *v, int fd)
{
	struct blkprobe bp;
	const char *val;
	size_t i;
	char *esc;
	int rc;

	rc = blkprobe_fd(fd, &bp);
	if (rc)
		return rc;
	/* every value fits CMD_HEADER_VALUE_MAX; escaped, four times that */
	esc = malloc(4 * CMD_HEADER_VALUE_MAX + 4 * strlen(v->target) + 1);
	if (!esc) {
		blkprobe_free(&bp);
		return -ENOMEM;
	}
	cmd_header_export_line("DEVNAME", v->target, esc);
	for (i = 0; i < bp.n; i++)
		cmd_header_export_line(bp.v[i].name, bp.v[i].data, esc);
	for (i = 0; i < CMD_HEADER_NR_FIELDS; i++) {
		const struct cmd_header_field *f = &cmd_header_fields[i];

		if (!(f->flags & CMD_HEADER_EXPORT) || blkprobe_get(&bp, f->col.name))
			continue;
		val = f->value(v);
		if (val)
			cmd_header_export_line(f->col.name, val, esc);
	}
	free(esc);
	blkprobe_free(&bp);
	return 0;
}

/* Notes people should not miss, about the page size and blkid. */
static void cmd_header_notes(const struct cmd_header_view *v)
{
	const struct swapheader_info *hi = v->hi;

	if (hi->page_size && hi->page_size != hi->kernel_page_size)
		printf("Note: made for %u-byte pages; a kernel with %u-byte pages "
		       "does not find the signature (--page-size judges for another).\n",
		       hi->page_size, hi->kernel_page_size);
	if (hi->has_fields && !hi->ids_trusted)
		printf("Note: padding[32..33] are not zero, so blkid ignores this "
		       "area's UUID and label.\n");
}

struct cmd_header_ctl {
	enum output_mode mode;		/* -J, -e, -r */
	bool noheadings;		/* -n */
	bool bytes;			/* -b */
	struct output_columns cols;	/* -o */
	uint32_t kernel;		/* -k: the release judged for */
	const char *kernel_name;	/* its name, for the report */
	unsigned int kernel_pages;	/* the page size -k names (0: none) */
	unsigned int page_size;		/* -p, else -k's, else this machine's */
	char release[sizeof(((struct utsname *)NULL)->release)];	/* uname's, when judged for it */
	int status;			/* worst exit code so far */
	struct libscols_table *tb;	/* JSON and tables: every target in one */
	char *buf;			/* CMD_HEADER_VALUE_MAX bytes */
};

/* A table (JSON, or -o/--raw/-n) rather than the list or export. */
static bool cmd_header_is_table(const struct cmd_header_ctl *ctl)
{
	return ctl->tb != NULL;
}

static int cmd_header_show(struct cmd_header_ctl *ctl, struct cmd_header_view *v,
			   const struct target *t)
{
	int rc;

	if (cmd_header_is_table(ctl))
		return cmd_header_add_line(ctl->tb, &ctl->cols, v);
	if (ctl->mode == OUTPUT_EXPORT)
		return cmd_header_print_export(v, t->fd);
	rc = cmd_header_print_human(v);
	if (!rc)
		cmd_header_notes(v);
	return rc;
}

static int cmd_header_one(struct cmd_header_ctl *ctl, const char *spec)
{
	struct swapheader_info hi = { 0 };
	struct cmd_header_view v = {
		.hi = &hi, .mode = ctl->mode, .kernel = ctl->kernel_name, .buf = ctl->buf,
		.table = cmd_header_is_table(ctl) && ctl->mode != OUTPUT_JSON,
		.bytes = ctl->bytes,
	};
	struct target t;
	int rc;

	rc = target_open(&t, spec, O_RDONLY);
	if (!rc)
		rc = target_read_header_for(&t, ctl->kernel, ctl->page_size, &hi, NULL, NULL);
	if (rc) {
		rc = cli_target_error(t.path ? t.path : spec, rc, t.path);
		target_close(&t);
		return rc;
	}
	v.target = t.path;
	rc = cmd_header_show(ctl, &v, &t);
	swapheader_info_free(&hi);
	target_close(&t);
	if (rc)
		return cli_errno_error(rc);
	return hi.err == SWAPHEADER_OK ? SWAPFS_EXIT_OK : SWAPFS_EXIT_INVALID;
}

/* -J, -e, -r: one output format, given once (a second is refused, even the same). */
static void cmd_header_mode(struct cmd_header_ctl *ctl, enum output_mode mode)
{
	static const char *const names[] = {
		[OUTPUT_JSON] = "json", [OUTPUT_EXPORT] = "export", [OUTPUT_RAW] = "raw",
	};

	if (ctl->mode != OUTPUT_HUMAN)
		args_usage_error(&cmd_header_entry, "--%s and --%s are mutually exclusive",
				 names[ctl->mode], names[mode]);
	ctl->mode = mode;
}

static void cmd_header_set_json(void *ctl, const char *arg)
{
	cmd_header_mode(ctl, OUTPUT_JSON);
}

static void cmd_header_set_export(void *ctl, const char *arg)
{
	cmd_header_mode(ctl, OUTPUT_EXPORT);
}

static void cmd_header_set_raw(void *ctl, const char *arg)
{
	cmd_header_mode(ctl, OUTPUT_RAW);
}

static void cmd_header_set_columns(void *p, const char *arg)
{
	struct cmd_header_ctl *ctl = p;
	char why[128];

	if (output_columns_parse(&ctl->cols, cmd_header_columns_info(),
				 CMD_HEADER_NR_FIELDS, arg, why, sizeof(why)))
		args_usage_error(&cmd_header_entry, "%s", why);
}

static void cmd_header_set_kernel(void *p, const char *arg)
{
	struct cmd_header_ctl *ctl = p;

	if (swapheader_parse_kernel(arg, &ctl->kernel))
		args_bad_value(&cmd_header_entry, "invalid kernel release", arg,
			       "expected X.Y[.Z] or newest");
	ctl->kernel_name = arg;
	ctl->kernel_pages = swapheader_kernel_page_size(arg);
}

static void cmd_header_set_page_size(void *p, const char *arg)
{
	static const struct args_number n = {
		.what = "--page-size", .min = SWAPHEADER_PAGE_MIN, .max = SWAPHEADER_PAGE_MAX,
		.flags = ARGS_NUMBER_NO_MINUS | ARGS_NUMBER_SIZE,
	};
	struct cmd_header_ctl *ctl = p;
	uint64_t v = args_number(&cmd_header_entry, &n, arg);

	if (!swapheader_page_size_ok(v))
		args_bad_value(&cmd_header_entry, "--page-size", arg,
			       "not a power of two from 4096 to 262144");
	ctl->page_size = (unsigned int)v;
}

/* Judged for the running kernel unless -k says otherwise; "newest" if unknown. */
static void cmd_header_running_kernel(struct cmd_header_ctl *ctl)
{
	struct utsname u;

	ctl->kernel_name = "newest";
	if (!uname(&u) && !swapheader_parse_kernel(u.release, &ctl->kernel)) {
		snprintf(ctl->release, sizeof(ctl->release), "%s", u.release);
		ctl->kernel_name = ctl->release;
	}
}

/* The page size judged for: -p, else the one -k names, else this machine's. */
static void cmd_header_page_size(struct cmd_header_ctl *ctl)
{
	if (ctl->page_size && ctl->kernel_pages && ctl->page_size != ctl->kernel_pages)
		args_usage_error(&cmd_header_entry,
				 "--page-size %u and --kernel %s (%u-byte pages) disagree",
				 ctl->page_size, ctl->kernel_name, ctl->kernel_pages);
	if (!ctl->page_size)
		ctl->page_size = ctl->kernel_pages;
	if (!ctl->page_size)
		ctl->page_size = (unsigned int)sysconf(_SC_PAGESIZE);
}

/*
 * The columns: a table's defaults (before -o, so that -o +LIST adds to
 * them), or with @all every field (JSON without -o).
 */
static void cmd_header_default_columns(struct output_columns *cols, bool all)
{
	int ids[CMD_HEADER_NR_FIELDS];
	size_t i, n = 0;

	for (i = 0; i < CMD_HEADER_NR_FIELDS; i++)
		if (all || (cmd_header_fields[i].flags & CMD_HEADER_COLUMN))
			ids[n++] = (int)i;
	output_columns_default(cols, ids, n);
}

/* The table every target goes in: JSON (every field, or -o's), or -o/-r/-n. */
static int cmd_header_table(struct cmd_header_ctl *ctl)
{
	bool json = ctl->mode == OUTPUT_JSON;

	if (!json && !ctl->cols.given && ctl->mode != OUTPUT_RAW && !ctl->noheadings)
		return 0;
	if (ctl->mode == OUTPUT_EXPORT)
		args_usage_error(&cmd_header_entry, "--export takes no columns (-o, -n)");
	if (json && !ctl->cols.given)
		cmd_header_default_columns(&ctl->cols, true);
	ctl->tb = output_table_new("headers", ctl->mode, ctl->noheadings);
	/* the label is escaped already (\xNN): a human table keeps it so */
	if (ctl->tb && ctl->mode == OUTPUT_HUMAN)
		scols_table_enable_noencoding(ctl->tb, 1);
	if (!ctl->tb || output_columns_add(ctl->tb, &ctl->cols, cmd_header_columns_info(),
					   ctl->bytes || json))
		return -ENOMEM;
	return 0;
}

static int cmd_header_exec(int argc, char **argv)
{
	struct cmd_header_ctl ctl = { .mode = OUTPUT_HUMAN };
	int first, i, rc;

	cmd_header_running_kernel(&ctl);
	cmd_header_default_columns(&ctl.cols, false);
	first = args_parse(&cmd_header_entry, argc, argv, &ctl);
	cmd_header_page_size(&ctl);
	ctl.buf = malloc(CMD_HEADER_VALUE_MAX);
	if (!ctl.buf || cmd_header_table(&ctl)) {
		scols_unref_table(ctl.tb);
		free(ctl.buf);
		return cli_errno_error(-ENOMEM);
	}
	for (i = first; i < argc; i++) {
		/* blank line between areas, as blkid does */
		if (i > first && !cmd_header_is_table(&ctl))
			putchar('\n');
		rc = cmd_header_one(&ctl, argv[i]);
		if (rc > ctl.status)
			ctl.status = rc;
	}
	if (ctl.tb && output_print(ctl.tb))
		ctl.status = SWAPFS_EXIT_SYSTEM;
	free(ctl.buf);
	return ctl.status;
}

static void cmd_header_help_columns(void)
{
	output_columns_help(cmd_header_columns_info(), CMD_HEADER_NR_FIELDS);
}

static const struct args_opt cmd_header_opts[] = {
	{ 'J', "json", NULL, "use JSON output format", .set = cmd_header_set_json },
	{ 'e', "export", NULL, "blkid's NAME=value lines, then swapfs's",
	  .set = cmd_header_set_export },
	{ 'o', "output", "<list>", "a table of these columns (+<list> adds to the default)",
	  .set = cmd_header_set_columns },
	{ 'r', "raw", NULL, "use the raw table format", .set = cmd_header_set_raw },
	{ 'n', "noheadings", NULL, "don't print table headings",
	  .flag = ARGS_FIELD(struct cmd_header_ctl, noheadings) },
	{ 'b', "bytes", NULL, "print SIZE in bytes in a table",
	  .flag = ARGS_FIELD(struct cmd_header_ctl, bytes) },
	{ 'k', "kernel", "<release>", "judge for this kernel release, or 'newest'\n"
	  "                          (default: the running kernel)",
	  .set = cmd_header_set_kernel },
	{ 'p', "page-size", "<size>", "judge for a kernel with pages of <size> bytes\n"
	  "                          (default: the one --kernel names, else this machine's)",
	  .set = cmd_header_set_page_size },
	{ 0 },
};

const struct cli_cmd cmd_header_entry = {
	.name = "header",
	.synopsis = "[options] <target>...",
	.summary = "Show a swap header and whether the kernel would accept it.",
	.intro = "TARGET is a file, a block device, LABEL=<label> or UUID=<uuid>.",
	.opts = cmd_header_opts,
	.more_help = cmd_header_help_columns,
	.operands = &(const struct args_operands){
		.min = 1, .max = -1,
		.too_few = "no target specified",
	},
	.exec = cmd_header_exec,
};
