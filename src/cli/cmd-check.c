// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-check.c - swapfs check: the problems the analysis finds, one per
 * line, as fsck reports problems (warnings and errors; --severity info
 * shows all), then a summary line of counts by check, with an exit code
 * scripts can branch on. With -o, --raw, --noheadings or --bytes the
 * findings are a table; --json is the complete document.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/snapfile.h>
#include <swapfs/source.h>

#include "areas.h"
#include "args.h"
#include "cli.h"
#include "jsonout.h"
#include "output.h"

/* Table rows are printed this many at a time: findings can be millions. */
#define CMD_CHECK_CHUNK		4096

enum { CC_CHECK, CC_SEVERITY, CC_CLUSTER, CC_OFFSET, CC_NR, CC_SIZE, CC_ORDER,
       CC_DETAIL, CC_COUNT };

/*
 * A table is printed a chunk at a time, and libsmartcols sizes each chunk
 * on its own; so a human table pads every cell but DETAIL to its column's
 * width (@width: the longest value), and the chunks line up.
 */
static const struct output_colinfo cmd_check_cols[CC_COUNT] = {
	[CC_CHECK] = { "CHECK", 14, 0, SCOLS_JSON_STRING, "the check" },
	[CC_SEVERITY] = { "SEVERITY", 8, 0, SCOLS_JSON_STRING, "error, warning or info" },
	[CC_CLUSTER] = { "CLUSTER", 7, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "the cluster" },
	[CC_OFFSET] = { "OFFSET", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "its first slot" },
	[CC_NR] = { "NR", 2, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "slots" },
	[CC_SIZE] = { "SIZE", 6, SCOLS_FL_RIGHT | OUTPUT_FL_SIZE, SCOLS_JSON_NUMBER,
		      "slots in bytes" },
	[CC_ORDER] = { "ORDER", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "folio order, if any" },
	[CC_DETAIL] = { "DETAIL", 0, 0, SCOLS_JSON_STRING, "what was found" },
};

/* The columns of a table (and the keys of a JSON finding) unless -o says otherwise. */
static const int cmd_check_defaults[] = {
	CC_CHECK, CC_SEVERITY, CC_CLUSTER, CC_OFFSET, CC_NR, CC_ORDER, CC_DETAIL,
};

struct cmd_check_ctl {
	unsigned int only;		/* --only: a mask of checks */
	int min_severity;		/* --severity; -1: not given */
	int64_t id;			/* -s */
	int area;			/* -A; -1: every area */
	bool several;			/* areas of one source: one document, headings */
	bool json;			/* -J */
	bool verbose;			/* -v */
	bool raw;			/* -r */
	bool noheadings;		/* -n */
	bool bytes;			/* -b */
	struct output_columns cols;	/* -o */
	const char *src;		/* SRC as given */
	const struct snapshot *s;
	struct jsonout j;
	struct libscols_table *tb;	/* the table, when findings are one */
	int width[CC_COUNT];		/* a human table's cells are padded to these */
	struct libscols_line *first;	/* the first row not printed yet */
	struct libscols_line *last;	/* the last row added */
	size_t pending;			/* rows not printed yet */
	int rc;				/* the first output error */
	uint64_t found[ANALYSIS_NR_CHECKS];	/* every finding of the checks run */
	uint64_t shown_by_severity[3];
	uint64_t hidden;		/* below --severity */
};

/* The end of the usage: every check with its severity, the columns, the exit status. */
static void cmd_check_help_checks(void)
{
	int c;

	puts("\nChecks:");
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		printf(" %-16s %s\n", analysis_check_name(c),
		       analysis_severity_name(analysis_check_severity(c)));
	output_columns_help(cmd_check_cols, CC_COUNT);
	puts("\nExit status: 0 no error or warning, 1 findings, 2 usage, 3 input unreadable or invalid.");
}

/* --only misaligned,mixed-order -> a check mask; unknown names are usage errors. */
static void cmd_check_set_only(void *p, const char *list)
{
	struct cmd_check_ctl *ctl = p;
	unsigned int mask = 0;
	const char *s = list;

	while (*s) {
		size_t len = strcspn(s, ",");
		int c = analysis_check_parse(s, len);

		if (c < 0)
			args_usage_error(&cmd_check_entry, "unknown check '%.*s'",
					 (int)len, s);
		mask |= 1u << c;
		s += len;
		if (*s == ',')
			s++;
	}
	if (!mask)
		args_usage_error(&cmd_check_entry, "--only needs at least one check");
	ctl->only = mask;
}

static void cmd_check_set_severity(void *p, const char *arg)
{
	struct cmd_check_ctl *ctl = p;

	ctl->min_severity = analysis_severity_parse(arg);
	if (ctl->min_severity < 0)
		args_bad_value(&cmd_check_entry, "invalid severity", arg,
			       "expected info, warning or error");
}

static void cmd_check_set_columns(void *p, const char *arg)
{
	struct cmd_check_ctl *ctl = p;
	char why[128];

	if (output_columns_parse(&ctl->cols, cmd_check_cols, CC_COUNT, arg, why, sizeof(why)))
		args_usage_error(&cmd_check_entry, "%s", why);
}

/* A column's value as text (NULL: none), for a table cell. */
static const char *cmd_check_cell(const struct cmd_check_ctl *ctl, int col,
				  const struct analysis_finding *f, char *buf, size_t sz)
{
	switch (col) {
	case CC_CHECK:
		return analysis_check_name(f->check);
	case CC_SEVERITY:
		return analysis_severity_name(analysis_check_severity(f->check));
	case CC_CLUSTER:
		snprintf(buf, sz, "%" PRIu32, f->cluster);
		return buf;
	case CC_OFFSET:
		snprintf(buf, sz, "%" PRIu32, f->offset);
		return buf;
	case CC_NR:
		snprintf(buf, sz, "%" PRIu32, f->nr);
		return buf;
	case CC_SIZE:
		output_size((uint64_t)f->nr * ctl->s->dev.page_size, ctl->bytes, buf, sz);
		return buf;
	case CC_ORDER:
		if (f->order < 0)
			return NULL;
		snprintf(buf, sz, "%d", f->order);
		return buf;
	default:
		return f->detail[0] ? f->detail : NULL;
	}
}

/* A finding in JSON: the chosen columns, typed; "order"/"detail" null when none. */
static void cmd_check_json_finding(struct cmd_check_ctl *ctl,
				   const struct analysis_finding *f)
{
	static const char *const keys[CC_COUNT] = {
		"check", "severity", "cluster", "offset", "nr", "size", "order", "detail",
	};
	const char *key;
	char buf[64];
	size_t i;
	int col;

	jsonout_object_open(&ctl->j, NULL);
	for (i = 0; i < ctl->cols.n; i++) {
		col = ctl->cols.id[i];
		key = keys[col];
		if (col == CC_SIZE)
			jsonout_u64(&ctl->j, key, (uint64_t)f->nr * ctl->s->dev.page_size);
		else if (cmd_check_cols[col].json_type == SCOLS_JSON_NUMBER &&
			 cmd_check_cell(ctl, col, f, buf, sizeof(buf)))
			jsonout_u64(&ctl->j, key, strtoull(buf, NULL, 10));
		else
			jsonout_string(&ctl->j, key, cmd_check_cell(ctl, col, f, buf, sizeof(buf)));
	}
	jsonout_object_close(&ctl->j);
}

/* Print the rows added since the last chunk, and drop them. */
static void cmd_check_flush_rows(struct cmd_check_ctl *ctl, struct libscols_line *last)
{
	if (!ctl->pending)
		return;
	if (scols_table_print_range(ctl->tb, ctl->first, last) && !ctl->rc)
		ctl->rc = -EIO;
	putchar('\n');	/* a range ends without one */
	scols_table_remove_lines(ctl->tb);
	ctl->first = NULL;
	ctl->pending = 0;
}

static void cmd_check_row(struct cmd_check_ctl *ctl, const struct analysis_finding *f)
{
	struct libscols_line *ln = scols_table_new_line(ctl->tb, NULL);
	char buf[64], cell[64];
	const char *val;
	size_t i;

	if (!ln) {
		ctl->rc = -ENOMEM;
		return;
	}
	for (i = 0; i < ctl->cols.n; i++) {
		int col = ctl->cols.id[i], w = ctl->width[col];

		val = cmd_check_cell(ctl, col, f, buf, sizeof(buf));
		/* no padding at the end of a line */
		if (i == ctl->cols.n - 1 && !(cmd_check_cols[col].flags & SCOLS_FL_RIGHT))
			w = 0;
		if (w && !ctl->raw) {
			snprintf(cell, sizeof(cell), "%*s", cmd_check_cols[col].flags &
				 SCOLS_FL_RIGHT ? w : -w, val ? val : "");
			val = cell;
		}
		if (val && scols_line_set_data(ln, i, val))
			ctl->rc = -ENOMEM;
	}
	if (!ctl->first)
		ctl->first = ln;
	ctl->last = ln;
	if (++ctl->pending == CMD_CHECK_CHUNK)
		cmd_check_flush_rows(ctl, ln);
}

static int cmd_check_print(const struct analysis_finding *f, void *arg)
{
	struct cmd_check_ctl *ctl = arg;
	enum analysis_severity sev = analysis_check_severity(f->check);
	char line[256];

	ctl->found[f->check]++;
	if ((int)sev < ctl->min_severity) {
		ctl->hidden++;
		return 0;
	}
	ctl->shown_by_severity[sev]++;
	if (ctl->json) {
		cmd_check_json_finding(ctl, f);
	} else if (ctl->tb) {
		cmd_check_row(ctl, f);
	} else {
		analysis_finding_format(f, line, sizeof(line));
		fputs(line, stdout);
		fputc('\n', stdout);
	}
	return ctl->rc;
}

/* Found, by severity, over the checks run. */
static void cmd_check_found_by_severity(const struct cmd_check_ctl *ctl, uint64_t by[3])
{
	int c;

	by[ANALYSIS_INFO] = by[ANALYSIS_WARNING] = by[ANALYSIS_ERROR] = 0;
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		by[analysis_check_severity(c)] += ctl->found[c];
}

/*
 * "summary errors=E warnings=W info=I hidden=H <check>=<n>...": a last
 * line in the grammar of a finding's, over every check run, hidden ones
 * included, so a default run still says what --severity info would add.
 */
static void cmd_check_summary_line(const struct cmd_check_ctl *ctl)
{
	uint64_t by[3];
	int c;

	cmd_check_found_by_severity(ctl, by);
	printf("summary errors=%" PRIu64 " warnings=%" PRIu64 " info=%" PRIu64
	       " hidden=%" PRIu64, by[ANALYSIS_ERROR], by[ANALYSIS_WARNING],
	       by[ANALYSIS_INFO], ctl->hidden);
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		if (ctl->only & (1u << c))
			printf(" %s=%" PRIu64, analysis_check_name(c), ctl->found[c]);
	putchar('\n');
}

static void cmd_check_json_summary(struct cmd_check_ctl *ctl)
{
	const struct snapshot *s = ctl->s;
	uint64_t by[3];
	int c;

	cmd_check_found_by_severity(ctl, by);
	jsonout_object_open(&ctl->j, "summary");
	jsonout_string(&ctl->j, "source", ctl->src);
	jsonout_string(&ctl->j, "origin", s->prov.source_path);
	jsonout_u64(&ctl->j, "slots", s->dev.max);
	jsonout_u64(&ctl->j, "clusters", s->dev.nr_clusters);
	jsonout_u64(&ctl->j, "errors", by[ANALYSIS_ERROR]);
	jsonout_u64(&ctl->j, "warnings", by[ANALYSIS_WARNING]);
	jsonout_u64(&ctl->j, "info", by[ANALYSIS_INFO]);
	jsonout_u64(&ctl->j, "hidden", ctl->hidden);
	jsonout_u64(&ctl->j, "clusters_moving", s->nr_moving);
	jsonout_object_open(&ctl->j, "checks");
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		if (ctl->only & (1u << c))
			jsonout_u64(&ctl->j, analysis_check_name(c), ctl->found[c]);
	jsonout_object_close(&ctl->j);
	jsonout_object_close(&ctl->j);
}

/* Decimal digits of @v. */
static int cmd_check_digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/*
 * The table of findings, when asked for one, and the widths of its cells:
 * the longest check name and severity, the device's largest numbers.
 */
static int cmd_check_table(struct cmd_check_ctl *ctl)
{
	int c;

	if (ctl->json || !(ctl->cols.given || ctl->raw || ctl->noheadings || ctl->bytes))
		return 0;
	for (c = 0; c < CC_COUNT; c++)
		ctl->width[c] = (int)cmd_check_cols[c].width;
	ctl->width[CC_CLUSTER] = cmd_check_digits(ctl->s->dev.nr_clusters);
	ctl->width[CC_OFFSET] = cmd_check_digits(ctl->s->dev.max);
	ctl->width[CC_NR] = cmd_check_digits(ctl->s->dev.max);
	for (c = 0; c < CC_COUNT; c++)
		if (ctl->width[c] && ctl->width[c] < (int)strlen(cmd_check_cols[c].name))
			ctl->width[c] = (int)strlen(cmd_check_cols[c].name);
	ctl->tb = output_table_new("findings", ctl->raw ? OUTPUT_RAW : OUTPUT_HUMAN,
				   ctl->noheadings);
	if (!ctl->tb || output_columns_add(ctl->tb, &ctl->cols, cmd_check_cols, ctl->bytes))
		return -ENOMEM;
	return 0;
}

/* The snapshot is known good: its table or JSON document can open. */
static int cmd_check_begin(const struct snapshot *s, void *arg)
{
	struct cmd_check_ctl *ctl = arg;

	ctl->s = s;
	if (ctl->json && ctl->several) {
		/* the areas' findings are not streamed: one array at a time may be */
		jsonout_object_open(&ctl->j, NULL);
		jsonout_array_open(&ctl->j, "findings");
	} else if (ctl->json) {
		jsonout_begin(&ctl->j, stdout);
		jsonout_array_open_stream(&ctl->j, "findings");
	}
	return cmd_check_table(ctl);
}

static int cmd_check_run(struct cmd_check_ctl *ctl)
{
	int rc = 0;

	if (ctl->tb)
		cmd_check_flush_rows(ctl, ctl->last);
	if (ctl->json) {
		jsonout_array_close(&ctl->j);
		cmd_check_json_summary(ctl);
		if (ctl->several)
			jsonout_object_close(&ctl->j);
		else
			rc = jsonout_end(&ctl->j);
	} else if (!ctl->raw) {
		cmd_check_summary_line(ctl);
	}
	if (rc || ctl->rc)
		return cli_errno_error(rc ? rc : ctl->rc);
	return ctl->shown_by_severity[ANALYSIS_ERROR] ||
	       ctl->shown_by_severity[ANALYSIS_WARNING] ? 1 : SWAPFS_EXIT_OK;
}

/*
 * On stderr: clusters the kernel changed while it was read (their
 * findings are not reported), and with -v how a live read was made.
 */
static void cmd_check_say_read(const struct cmd_check_ctl *ctl,
			       const struct snapshot *s)
{
	const char *method = snapshot_info_get(s, "live_method");

	if (ctl->verbose && method)
		warnx("%s: read through BPF, swap_info found by %s; hints: %s; zswap: %s",
		      ctl->src, method, snapshot_info_get(s, "live_hints") ?: "?",
		      snapshot_info_get(s, "live_zswap") ?: "?");
	if (s->nr_moving || (ctl->verbose && method))
		warnx("%s: %zu clusters changed while read: no findings reported in them",
		      ctl->src, s->nr_moving);
}

/* Forget what one area counted, for the next. */
static void cmd_check_reset(struct cmd_check_ctl *ctl)
{
	scols_unref_table(ctl->tb);
	ctl->tb = NULL;
	ctl->first = ctl->last = NULL;
	ctl->pending = 0;
	ctl->rc = 0;
	memset(ctl->found, 0, sizeof(ctl->found));
	memset(ctl->shown_by_severity, 0, sizeof(ctl->shown_by_severity));
	ctl->hidden = 0;
}

/* One area's findings and summary, read whole; its exit code. */
static int cmd_check_area(struct cmd_check_ctl *ctl, const struct snapshot *s)
{
	struct analysis *a = NULL;
	int rc;

	cmd_check_reset(ctl);
	rc = cmd_check_begin(s, ctl);
	if (!rc)
		rc = analysis_run(s, ctl->only, cmd_check_print, ctl, &a);
	analysis_free(a);
	if (!rc)
		rc = ctl->rc;
	rc = rc ? cli_errno_error(rc) : cmd_check_run(ctl);
	fflush(stdout);
	cmd_check_say_read(ctl, s);
	return rc;
}

/* The table of the areas (stat's), before their findings. */
static int cmd_check_areas_table(const struct cmd_check_ctl *ctl,
				 struct snapshot *const *v, unsigned int nr)
{
	struct cli_areas_row rows[SOURCE_AREAS_MAX];
	struct snapfile_counter *c = NULL;
	struct analysis *a = NULL;
	int64_t at_id;
	unsigned int i;
	char *path;
	size_t nc;
	int rc;

	rc = cli_source_split(ctl->src, ctl->id, &path, &at_id);
	for (i = 0; !rc && i < nr; i++) {
		rc = cli_load_counters(path, v[i]->prov.id, &c, &nc);
		if (!rc && (rc = analysis_run(v[i], ctl->only, NULL, NULL, &a)))
			rc = cli_errno_error(rc);
		rows[i] = (struct cli_areas_row){
			.s = v[i], .slots_used = a ? a->totals.slots_used : 0,
			.fallback = cli_areas_fallback(c, nc),
		};
		analysis_free(a);
		a = NULL;
		free(c);
		c = NULL;
	}
	free(path);
	if (!rc && cli_areas_table(rows, nr, ctl->raw ? OUTPUT_RAW : OUTPUT_HUMAN,
				   ctl->noheadings, ctl->bytes))
		rc = cli_errno_error(-EIO);
	return rc;
}

/*
 * Every area of a source of several (or the one --area names, or one
 * alone): the table of the areas, then each area's findings and summary
 * under its heading; -J: {"areas": [{"findings": [...], "summary": {...}}]}.
 * The exit code is the worst area's.
 */
static int cmd_check_areas(struct cmd_check_ctl *ctl)
{
	struct snapshot **v;
	unsigned int nr, i;
	int rc, worst = SWAPFS_EXIT_OK;

	rc = cli_load_areas(ctl->src, ctl->id, &v, &nr);
	if (rc)
		return rc;
	rc = cli_areas_keep(ctl->src, ctl->area, v, &nr);
	ctl->several = nr > 1;
	if (!rc && ctl->several && ctl->json) {
		jsonout_begin(&ctl->j, stdout);
		jsonout_array_open(&ctl->j, "areas");
	} else if (!rc && ctl->several) {
		rc = cmd_check_areas_table(ctl, v, nr);
	}
	for (i = 0; !rc && i < nr && worst <= 1; i++) {
		if (ctl->several && !ctl->json)
			cli_areas_heading(v[i], nr);
		rc = cmd_check_area(ctl, v[i]);
		worst = rc > worst ? rc : worst;
		rc = rc > 1 ? rc : 0;
	}
	if (!rc && ctl->several && ctl->json) {
		jsonout_array_close(&ctl->j);
		if ((rc = jsonout_end(&ctl->j)))
			rc = cli_errno_error(rc);
	}
	source_areas_free(v, nr);
	return rc ? rc : worst;
}

static int cmd_check_exec(int argc, char **argv)
{
	struct cmd_check_ctl ctl = { .only = ANALYSIS_ALL_CHECKS, .min_severity = -1,
				     .area = -1 };
	static char outbuf[1 << 20];
	struct analysis *a;
	struct snapshot *s;
	int rc;

	/* before -o, so that -o +LIST adds to them */
	output_columns_default(&ctl.cols, cmd_check_defaults,
			       sizeof(cmd_check_defaults) / sizeof(cmd_check_defaults[0]));
	ctl.src = argv[args_parse(&cmd_check_entry, argc, argv, &ctl)];
	args_check_exclusive(&cmd_check_entry, &ctl);
	/* problems first, as fsck; JSON is for programs: complete unless told */
	if (ctl.min_severity < 0)
		ctl.min_severity = ctl.json ? ANALYSIS_INFO : ANALYSIS_WARNING;
	/* millions of findings: write them in large blocks */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	/* several areas are read whole; one alone as ever (a stream) */
	if (ctl.area >= 0 || source_areas(ctl.src, ctl.id) != 1) {
		rc = cmd_check_areas(&ctl);
		scols_unref_table(ctl.tb);
		return rc;
	}
	rc = cli_analyse(ctl.src, ctl.id, ctl.only, cmd_check_begin, cmd_check_print,
			 &ctl, &s, &a);
	if (!rc)
		rc = ctl.rc ? cli_errno_error(ctl.rc) : cmd_check_run(&ctl);
	fflush(stdout);
	if (s)
		cmd_check_say_read(&ctl, s);
	analysis_free(a);
	scols_unref_table(ctl.tb);
	snapshot_free(s);
	return rc;
}

static const struct args_opt cmd_check_opts[] = {
	{ 'J', "json", NULL, "JSON: {\"findings\": [...], \"summary\": {...}}",
	  .flag = ARGS_FIELD(struct cmd_check_ctl, json) },
	{ 0, "only", "<list>", "only these checks (comma-separated)",
	  .set = cmd_check_set_only },
	{ 0, "severity", "<level>", "show findings at least this severe: info, warning, error\n"
	  "                          (default: warning; with --json, info)",
	  .set = cmd_check_set_severity },
	{ 'v', "verbose", NULL, "say how a live source was read (stderr)",
	  .flag = ARGS_FIELD(struct cmd_check_ctl, verbose) },
	{ 'o', "output", "<list>", "a table of these columns (+<list> adds to the default)",
	  .set = cmd_check_set_columns },
	{ 'r', "raw", NULL, "use the raw table format (no summary line)",
	  .flag = ARGS_FIELD(struct cmd_check_ctl, raw) },
	{ 'n', "noheadings", NULL, "don't print table headings",
	  .flag = ARGS_FIELD(struct cmd_check_ctl, noheadings) },
	{ 'b', "bytes", NULL, "print SIZE in bytes",
	  .flag = ARGS_FIELD(struct cmd_check_ctl, bytes) },
	ARGS_OPT_SNAPSHOT(struct cmd_check_ctl, id),
	{ 'A', "area", "<n>", "only area n of several read at one moment",
	  .value = ARGS_FIELD(struct cmd_check_ctl, area), .number = &cli_areas_number },
	{ 0 },
};

static const char *const cmd_check_exclusive[] = { "json", "raw", NULL };

const struct cli_cmd cmd_check_entry = {
	.name = "check",
	.synopsis = "[options] <source>",
	.summary = "Report misaligned, mixed-order and inconsistent swap state.",
	.opts = cmd_check_opts,
	.help_width = 24,
	.more_help = cmd_check_help_checks,
	.operands = &args_one_source,
	.exclusive = cmd_check_exclusive,
	.exec = cmd_check_exec,
};
