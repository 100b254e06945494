// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-check.c - swapfs check: the findings of the analysis, one per line
 * (or JSON), with an exit code scripts can branch on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>

#include "args.h"
#include "cli.h"
#include "json.h"

struct cmd_check_ctl {
	unsigned int only;		/* --only: a mask of checks */
	int min_severity;		/* --severity */
	int64_t id;			/* -s */
	bool json;			/* -J */
	unsigned int mask;		/* checks shown: --only at --severity */
	const char *src;		/* SRC as given */
	struct json j;
	uint64_t shown[ANALYSIS_NR_CHECKS];
	uint64_t by_severity[3];
	bool begun;			/* the JSON document is open */
};

/* The end of the usage: every check with its severity, and the exit status. */
static void cmd_check_help_checks(void)
{
	int c;

	puts("\nChecks:");
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		printf(" %-16s %s\n", analysis_check_name(c),
		       analysis_severity_name(analysis_check_severity(c)));
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

static void cmd_check_json_finding(struct json *j, const struct analysis_finding *f)
{
	json_object_open(j, NULL);
	json_string(j, "check", analysis_check_name(f->check));
	json_string(j, "severity",
		    analysis_severity_name(analysis_check_severity(f->check)));
	json_u64(j, "cluster", f->cluster);
	json_u64(j, "offset", f->offset);
	json_u64(j, "nr", f->nr);
	if (f->order >= 0)
		json_i64(j, "order", f->order);
	else
		json_null(j, "order");
	json_string(j, "detail", f->detail[0] ? f->detail : NULL);
	json_object_close(j);
}

/* JSON: the document opens with the first finding, or after the last. */
static void cmd_check_begin(struct cmd_check_ctl *ctl)
{
	if (!ctl->json || ctl->begun)
		return;
	json_begin(&ctl->j, stdout);
	json_array_open(&ctl->j, "findings");
	ctl->begun = true;
}

static int cmd_check_print(const struct analysis_finding *f, void *arg)
{
	struct cmd_check_ctl *ctl = arg;
	char line[256];

	cmd_check_begin(ctl);
	ctl->shown[f->check]++;
	ctl->by_severity[analysis_check_severity(f->check)]++;
	if (ctl->json) {
		cmd_check_json_finding(&ctl->j, f);
	} else {
		analysis_finding_format(f, line, sizeof(line));
		fputs(line, stdout);
		fputc('\n', stdout);
	}
	return 0;
}

static void cmd_check_json_summary(struct cmd_check_ctl *ctl,
				   const struct snapshot *s)
{
	int c;

	json_object_open(&ctl->j, "summary");
	json_string(&ctl->j, "source", ctl->src);
	json_string(&ctl->j, "origin", s->prov.source_path);
	json_u64(&ctl->j, "slots", s->dev.max);
	json_u64(&ctl->j, "clusters", s->dev.nr_clusters);
	json_u64(&ctl->j, "errors", ctl->by_severity[ANALYSIS_ERROR]);
	json_u64(&ctl->j, "warnings", ctl->by_severity[ANALYSIS_WARNING]);
	json_u64(&ctl->j, "info", ctl->by_severity[ANALYSIS_INFO]);
	json_object_open(&ctl->j, "checks");
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		if (ctl->mask & (1u << c))
			json_u64(&ctl->j, analysis_check_name(c), ctl->shown[c]);
	json_object_close(&ctl->j);
	json_object_close(&ctl->j);
}

static int cmd_check_run(struct cmd_check_ctl *ctl, const struct snapshot *s)
{
	cmd_check_begin(ctl);
	if (ctl->json) {
		json_array_close(&ctl->j);
		cmd_check_json_summary(ctl, s);
		json_end(&ctl->j);
	}
	return ctl->by_severity[ANALYSIS_ERROR] || ctl->by_severity[ANALYSIS_WARNING] ?
		1 : SWAPFS_EXIT_OK;
}

/* The checks shown: those of --only at least as severe as --severity. */
static void cmd_check_mask(struct cmd_check_ctl *ctl)
{
	int c;

	ctl->mask = 0;
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		if ((ctl->only & (1u << c)) &&
		    (int)analysis_check_severity(c) >= ctl->min_severity)
			ctl->mask |= 1u << c;
}

static int cmd_check_exec(int argc, char **argv)
{
	struct cmd_check_ctl ctl = {
		.only = ANALYSIS_ALL_CHECKS, .min_severity = ANALYSIS_INFO,
	};
	static char outbuf[1 << 20];
	struct analysis *a;
	struct snapshot *s;
	int rc;

	ctl.src = argv[args_parse(&cmd_check_entry, argc, argv, &ctl)];
	cmd_check_mask(&ctl);
	/* millions of findings: write them in large blocks */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	rc = cli_analyse(ctl.src, ctl.id, ctl.mask, cmd_check_print, &ctl, &s, &a);
	if (rc)
		return rc;
	rc = cmd_check_run(&ctl, s);
	fflush(stdout);
	analysis_free(a);
	snapshot_free(s);
	return rc;
}

static const struct args_opt cmd_check_opts[] = {
	{ 'J', "json", NULL, "JSON: {\"findings\": [...], \"summary\": {...}}",
	  .flag = ARGS_FIELD(struct cmd_check_ctl, json) },
	{ 0, "only", "<list>", "only these checks (comma-separated)",
	  .set = cmd_check_set_only },
	{ 0, "severity", "<level>", "only findings at least this severe: info, warning, error",
	  .set = cmd_check_set_severity },
	ARGS_OPT_SNAPSHOT(struct cmd_check_ctl, id),
	{ 0 },
};

const struct cli_cmd cmd_check_entry = {
	.name = "check",
	.synopsis = "[options] <source>",
	.summary = "Report misaligned, mixed-order and inconsistent swap state.",
	.opts = cmd_check_opts,
	.more_help = cmd_check_help_checks,
	.operands = &args_one_source,
	.exec = cmd_check_exec,
};
