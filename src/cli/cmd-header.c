// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-header.c - swapfs header: what is this area, would swapon take it?
 *
 * One table of fields drives all three renderings: a "Title: value" list
 * for people, JSON for programs, KEY="value" lines for shells. Export names
 * are libblkid's where blkid has the value (DEVNAME TYPE VERSION LABEL UUID
 * USAGE), so `swapfs header --export` and `blkid -p -o export` line up.
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
	const char *kernel;		/* the release the verdict is for */
	char *buf;			/* CMD_HEADER_VALUE_MAX bytes */
};

/*
 * A field's value, or NULL when the area has none (no export line).
 * Booleans are "yes"/"no": libsmartcols prints JSON false for a leading 'n'.
 */
typedef const char *(*cmd_header_value_fn)(const struct cmd_header_view *v);

struct cmd_header_field {
	const char *name;		/* export name and JSON key */
	const char *title;		/* human title */
	int json_type;
	bool exported;			/* printed by --export */
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
	if (v->mode == OUTPUT_JSON)
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

static const char *cmd_header_size(const struct cmd_header_view *v)
{
	if (!v->hi->has_fields || !v->hi->page_size)
		return NULL;
	return cmd_header_number(v, v->hi->area_size);
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

static const char *cmd_header_uuid(const struct cmd_header_view *v)
{
	if (v->mode == OUTPUT_EXPORT ? !swapheader_has_uuid(v->hi) : !v->hi->has_fields)
		return NULL;
	uuid_unparse_lower(v->hi->uuid, v->buf);
	return v->buf;
}

/* Export gives blkid's LABEL; people and JSON get the exact bytes. */
static const char *cmd_header_label(const struct cmd_header_view *v)
{
	if (!v->hi->has_fields)
		return NULL;
	if (v->mode == OUTPUT_EXPORT)
		swapheader_blkid_label(v->hi, v->buf);
	else
		swapheader_label_escape(v->hi->label, v->buf);
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

static const struct cmd_header_field cmd_header_fields[] = {
	{ "DEVNAME", "Target", SCOLS_JSON_STRING, true, cmd_header_devname },
	{ "TYPE", "Type", SCOLS_JSON_STRING, true, cmd_header_type },
	{ "SIGNATURE", "Signature", SCOLS_JSON_STRING, false, cmd_header_signature },
	{ "VERSION", "Version", SCOLS_JSON_STRING, true, cmd_header_version },
	{ "USAGE", "Usage", SCOLS_JSON_STRING, true, cmd_header_blkid_usage },
	{ "PAGESIZE", "Page size", SCOLS_JSON_NUMBER, true, cmd_header_pagesize },
	{ "ENDIANNESS", "Byte order", SCOLS_JSON_STRING, true, cmd_header_endianness },
	{ "NATIVE", NULL, SCOLS_JSON_BOOLEAN, false, cmd_header_native },
	{ "LAST_PAGE", "Last page", SCOLS_JSON_NUMBER, true, cmd_header_last_page },
	{ "SIZE", "Size (bytes)", SCOLS_JSON_NUMBER, true, cmd_header_size },
	{ "NR_BADPAGES", "Bad pages", SCOLS_JSON_NUMBER, true, cmd_header_nr_badpages },
	{ "BADPAGES", "Bad-page list", SCOLS_JSON_ARRAY_NUMBER, true, cmd_header_badpages },
	{ "UUID", "UUID", SCOLS_JSON_STRING, true, cmd_header_uuid },
	{ "LABEL", "Label", SCOLS_JSON_STRING, true, cmd_header_label },
	{ "IDS_TRUSTED", "blkid trusts IDs", SCOLS_JSON_BOOLEAN, false, cmd_header_ids_trusted },
	{ "KERNEL", "Judged for kernel", SCOLS_JSON_STRING, false, cmd_header_kernel },
	{ "KERNEL_OK", "Kernel accepts", SCOLS_JSON_BOOLEAN, true, cmd_header_kernel_ok },
	{ "KERNEL_ERROR", "Kernel error", SCOLS_JSON_STRING, true, cmd_header_kernel_error },
	{ "KERNEL_MESSAGE", "Kernel says", SCOLS_JSON_STRING, false, cmd_header_kernel_message },
};

#define CMD_HEADER_NR_FIELDS (sizeof(cmd_header_fields) / sizeof(cmd_header_fields[0]))

static bool cmd_header_shown(const struct cmd_header_field *f, enum output_mode mode)
{
	if (mode == OUTPUT_EXPORT)
		return f->exported;
	if (mode == OUTPUT_HUMAN)
		return f->title != NULL;
	return true;
}

/* JSON and export: one column per field, one line per target. */
static int cmd_header_add_columns(struct libscols_table *tb,
				  const struct cmd_header_view *v)
{
	size_t i;
	int rc;

	for (i = 0; i < CMD_HEADER_NR_FIELDS; i++) {
		const struct cmd_header_field *f = &cmd_header_fields[i];
		struct output_column col = { f->name, f->json_type, 0, 0 };

		if (!cmd_header_shown(f, v->mode))
			continue;
		/* blkid prints only the keys it has; so does --export */
		if (v->mode == OUTPUT_EXPORT && !f->value(v))
			continue;
		rc = output_add_column(tb, &col);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmd_header_add_line(struct libscols_table *tb,
			       const struct cmd_header_view *v)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	size_t i, col = 0;
	const char *val;

	if (!ln)
		return -ENOMEM;
	for (i = 0; i < CMD_HEADER_NR_FIELDS; i++) {
		const struct cmd_header_field *f = &cmd_header_fields[i];

		if (!cmd_header_shown(f, v->mode))
			continue;
		val = f->value(v);
		if (v->mode == OUTPUT_EXPORT && !val)
			continue;
		if (val && scols_line_set_data(ln, col, val))
			return -ENOMEM;
		col++;
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

		if (!cmd_header_shown(f, OUTPUT_HUMAN))
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

/* A note people should not miss, about running it here. */
static void cmd_header_note_page_size(const struct cmd_header_view *v)
{
	long here = sysconf(_SC_PAGESIZE);

	if (v->hi->page_size && v->hi->page_size != here)
		printf("Note: made for %u-byte pages; this kernel uses %ld-byte pages "
		       "and would not find the signature.\n", v->hi->page_size, here);
	if (v->hi->has_fields && !v->hi->ids_trusted)
		printf("Note: padding[32..33] are not zero, so blkid ignores this "
		       "area's UUID and label.\n");
}

struct cmd_header_ctl {
	enum output_mode mode;		/* -J, -e */
	uint32_t kernel;		/* -k: the release judged for */
	const char *kernel_name;	/* its name, for the report */
	char release[sizeof(((struct utsname *)NULL)->release)];	/* uname's, when judged for it */
	int status;			/* worst exit code so far */
	struct libscols_table *tb;	/* JSON: every target in one table */
	char *buf;			/* CMD_HEADER_VALUE_MAX bytes */
};

static int cmd_header_one(struct cmd_header_ctl *ctl, const char *spec)
{
	struct swapheader_info hi = { 0 };
	struct cmd_header_view v = {
		.hi = &hi, .mode = ctl->mode, .kernel = ctl->kernel_name, .buf = ctl->buf,
	};
	struct target t;
	struct libscols_table *tb;
	int rc;

	rc = target_open(&t, spec, O_RDONLY);
	if (!rc)
		rc = target_read_header(&t, ctl->kernel, &hi, NULL, NULL);
	if (rc) {
		rc = cli_target_error(t.path ? t.path : spec, rc, t.path);
		target_close(&t);
		return rc;
	}
	v.target = t.path;
	switch (ctl->mode) {
	case OUTPUT_HUMAN:
		rc = cmd_header_print_human(&v);
		if (!rc)
			cmd_header_note_page_size(&v);
		break;
	case OUTPUT_JSON:
		rc = cmd_header_add_line(ctl->tb, &v);
		break;
	default:
		tb = output_table_new("header", ctl->mode, false);
		rc = tb ? 0 : -ENOMEM;
		if (!rc)
			scols_table_set_column_separator(tb, "\n");
		if (!rc)
			rc = cmd_header_add_columns(tb, &v);
		if (!rc)
			rc = cmd_header_add_line(tb, &v);
		if (!rc)
			rc = output_print(tb);
		else
			scols_unref_table(tb);
		break;
	}
	swapheader_info_free(&hi);
	target_close(&t);
	if (rc)
		return SWAPFS_EXIT_SYSTEM;
	return hi.err == SWAPHEADER_OK ? SWAPFS_EXIT_OK : SWAPFS_EXIT_INVALID;
}

/* -J, -e: one output format, given once (a second is refused, even the same). */
static void cmd_header_mode(struct cmd_header_ctl *ctl, enum output_mode mode)
{
	if (ctl->mode != OUTPUT_HUMAN)
		args_usage_error(&cmd_header_entry,
				 "--json and --export are mutually exclusive");
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

static void cmd_header_set_kernel(void *p, const char *arg)
{
	struct cmd_header_ctl *ctl = p;

	if (swapheader_parse_kernel(arg, &ctl->kernel))
		args_bad_value(&cmd_header_entry, "invalid kernel release", arg,
			       "expected X.Y[.Z] or newest");
	ctl->kernel_name = arg;
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

/* The value buffer and, for JSON, the one table every target goes in. */
static int cmd_header_start(struct cmd_header_ctl *ctl)
{
	struct cmd_header_view v = { .mode = OUTPUT_JSON };

	ctl->buf = malloc(CMD_HEADER_VALUE_MAX);
	if (ctl->mode == OUTPUT_JSON) {
		ctl->tb = output_table_new("headers", OUTPUT_JSON, false);
		if (ctl->tb && cmd_header_add_columns(ctl->tb, &v)) {
			scols_unref_table(ctl->tb);
			ctl->tb = NULL;
		}
	}
	if (!ctl->buf || (ctl->mode == OUTPUT_JSON && !ctl->tb)) {
		free(ctl->buf);
		return cli_errno_error(-ENOMEM);
	}
	return SWAPFS_EXIT_OK;
}

static int cmd_header_exec(int argc, char **argv)
{
	struct cmd_header_ctl ctl = { .mode = OUTPUT_HUMAN };
	int first, i, rc;

	cmd_header_running_kernel(&ctl);
	first = args_parse(&cmd_header_entry, argc, argv, &ctl);
	rc = cmd_header_start(&ctl);
	if (rc)
		return rc;
	for (i = first; i < argc; i++) {
		/* blank line between areas, as blkid does */
		if (i > first && ctl.mode != OUTPUT_JSON)
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

static const struct args_opt cmd_header_opts[] = {
	{ 'J', "json", NULL, "use JSON output format", .set = cmd_header_set_json },
	{ 'e', "export", NULL, "use key=\"value\" output format (blkid names)",
	  .set = cmd_header_set_export },
	{ 'k', "kernel", "<release>", "judge for this kernel release, or 'newest'\n"
	  "                          (default: the running kernel)",
	  .set = cmd_header_set_kernel },
	{ 0 },
};

const struct cli_cmd cmd_header_entry = {
	.name = "header",
	.synopsis = "[options] <target>...",
	.summary = "Show a swap header and whether the kernel would accept it.",
	.intro = "TARGET is a file, a block device, LABEL=<label> or UUID=<uuid>.",
	.opts = cmd_header_opts,
	.operands = &(const struct args_operands){
		.min = 1, .max = -1,
		.too_few = "no target specified",
	},
	.exec = cmd_header_exec,
};
