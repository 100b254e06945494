// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-check.c - swapfs check: the findings of the analysis, one per line
 * (or JSON), with an exit code scripts can branch on.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>

#include "cli.h"
#include "json.h"

struct cmd_check_ctl {
	unsigned int mask;		/* checks shown */
	const char *src;		/* SRC as given */
	bool json;
	struct json j;
	uint64_t shown[ANALYSIS_NR_CHECKS];
	uint64_t by_severity[3];
};

static void __attribute__((noreturn)) cmd_check_usage(void)
{
	int c;

	cli_usage_header(stdout, &cmd_check_entry);
	puts("\nOptions:");
	puts(" -J, --json             JSON: {\"findings\": [...], \"summary\": {...}}");
	puts("     --only <list>      only these checks (comma-separated)");
	puts("     --severity <level> only findings at least this severe: info, warning, error");
	puts(" -s, --snapshot <id>    which snapshot of a time series (default: the last)");
	cli_usage_tail(stdout);
	puts("\nChecks:");
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		printf(" %-16s %s\n", analysis_check_name(c),
		       analysis_severity_name(analysis_check_severity(c)));
	puts("\nExit status: 0 no error or warning, 1 findings, 2 usage, 3 input unreadable or invalid.");
	exit(SWAPFS_EXIT_OK);
}

/* --only misaligned,mixed-order -> a check mask; unknown names are usage errors. */
static unsigned int cmd_check_parse_only(const char *list)
{
	unsigned int mask = 0;
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		int c = analysis_check_parse(p, len);

		if (c < 0) {
			fprintf(stderr, "%s: unknown check '%.*s'\n",
				program_invocation_short_name, (int)len, p);
			cli_errtryhelp(&cmd_check_entry);
		}
		mask |= 1u << c;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!mask) {
		fprintf(stderr, "%s: --only needs at least one check\n",
			program_invocation_short_name);
		cli_errtryhelp(&cmd_check_entry);
	}
	return mask;
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

static int cmd_check_print(const struct analysis_finding *f, void *arg)
{
	struct cmd_check_ctl *ctl = arg;
	char line[256];

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
	struct analysis *a = NULL;
	int rc;

	if (ctl->json) {
		json_begin(&ctl->j, stdout);
		json_array_open(&ctl->j, "findings");
	}
	rc = analysis_run(s, ctl->mask, cmd_check_print, ctl, &a);
	if (rc) {
		fprintf(stderr, "%s: analysis: %s\n", program_invocation_short_name,
			strerror(-rc));
		return SWAPFS_EXIT_SYSTEM;
	}
	if (ctl->json) {
		json_array_close(&ctl->j);
		cmd_check_json_summary(ctl, s);
		json_end(&ctl->j);
	}
	analysis_free(a);
	return ctl->by_severity[ANALYSIS_ERROR] || ctl->by_severity[ANALYSIS_WARNING] ?
		1 : SWAPFS_EXIT_OK;
}

static int cmd_check_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "only", required_argument, NULL, CLI_OPT_ONLY },
		{ "severity", required_argument, NULL, CLI_OPT_SEVERITY },
		{ "snapshot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_check_ctl ctl = { .mask = ANALYSIS_ALL_CHECKS };
	unsigned int only = ANALYSIS_ALL_CHECKS;
	int min_severity = ANALYSIS_INFO, c, rc;
	struct snapshot *s;
	int64_t id = 0;
	static char outbuf[1 << 20];

	while ((c = getopt_long(argc, argv, "Js:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			ctl.json = true;
			break;
		case CLI_OPT_ONLY:
			only = cmd_check_parse_only(optarg);
			break;
		case CLI_OPT_SEVERITY:
			min_severity = analysis_severity_parse(optarg);
			if (min_severity < 0) {
				fprintf(stderr, "%s: invalid severity '%s': expected info, warning or error\n",
					program_invocation_short_name, optarg);
				cli_errtryhelp(&cmd_check_entry);
			}
			break;
		case 's':
			id = cli_parse_snapshot_id(&cmd_check_entry, optarg);
			break;
		case 'h':
			cmd_check_usage();
		case 'V':
			cli_print_version();
		default:
			cli_errtryhelp(&cmd_check_entry);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			optind >= argc ? "no source specified" : "one source at a time");
		cli_errtryhelp(&cmd_check_entry);
	}
	ctl.mask = 0;
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		if ((only & (1u << c)) &&
		    (int)analysis_check_severity(c) >= min_severity)
			ctl.mask |= 1u << c;

	ctl.src = argv[optind];
	rc = cli_load_source(ctl.src, id, &s);
	if (rc)
		return rc;
	/* millions of findings: write them in large blocks */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	rc = cmd_check_run(&ctl, s);
	fflush(stdout);
	snapshot_free(s);
	return rc;
}

const struct cli_cmd cmd_check_entry = {
	.name = "check",
	.synopsis = "[options] <source>",
	.summary = "Report misaligned, mixed-order and inconsistent swap state.",
	.exec = cmd_check_exec,
};
