// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-diff.c - swapfs diff: what changed between two states of one
 * device (two sources, or each snapshot of a time series and the one
 * before it), with diff(1)'s exit status: 0 same, 1 different, 2 usage
 * (and two devices of different geometry), 3 an unreadable source.
 *
 * The comparison is the diff layer's (swapfs/diff.h); this file loads the
 * states, walks the changed clusters and the findings once, and prints
 * them as lines a person reads, the numbers as tables (cmd-diff-table.c;
 * the JSON is cmd-diff-json.c's):
 *
 *	--- a.db snapshot 3, step 3000
 *	+++ a.db snapshot 4, step 4000
 *	cluster 17: list nonfull -> free, order 4 -> 0, count 32 -> 0
 *	cluster 17: 32 slots used -> free at 512-543
 *	- partial-block cluster=17 offset=512 nr=16 order=4 detail=used=3
 *
 *	ORDER SIZE VALUE          A    B DELTA
 *	    4  64K allocatable 1168 1200   +32
 *	    4  64K clusters      11   10    -1
 *
 *	TOTAL     A     B DELTA
 *	used   1000   968   -32
 *	free  15383 15415   +32
 *
 *	1 cluster changed (32 slots), 0 findings added, 1 removed
 *
 * Identical states print nothing, as diff(1).
 *
 * The printers write on a FILE *: stdout here, and the mount's
 * series/<N>/diff and diff.json, which swapfs mount has made with this
 * file's loading and printing (cmd_diff_state_new(), cmd_diff_print()).
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/snapfile.h>
#include <swapfs/source.h>

#include "args.h"
#include "cli.h"
#include "cmd-diff-out.h"

struct cmd_diff_ctl {
	bool json;			/* -J */
	const char *series;		/* --series */
	int64_t id[2];			/* -s, given once or twice */
	int nr_ids;
	const struct cmd_diff_out *out;
	void *state;			/* the printer's */
	struct cmd_diff_json js;
	struct cmd_diff_text text;
	bool differ;			/* a pair was not the same */
};

/* -s: the first picks A's snapshot, the second B's. */
static void cmd_diff_set_snapshot(void *p, const char *arg)
{
	struct cmd_diff_ctl *ctl = p;

	if (ctl->nr_ids == 2)
		args_usage_error(&cmd_diff_entry,
				 "--snapshot is given at most twice (A's, then B's)");
	ctl->id[ctl->nr_ids++] = (int64_t)args_number(&cmd_diff_entry,
						      &args_snapshot_id, arg);
}

/* ---- the human printer ---- */

static void cmd_diff_text_name(FILE *fp, const char *mark,
			       const struct cmd_diff_name *n,
			       const struct snapshot *s)
{
	fprintf(fp, "%s %s", mark, n->src);
	if (s->prov.id)
		fprintf(fp, " snapshot %" PRId64, s->prov.id);
	if (s->prov.step >= 0)
		fprintf(fp, ", step %" PRId64, s->prov.step);
	if (s->prov.created)
		fprintf(fp, ", taken %s", s->prov.created);
	fputc('\n', fp);
}

static void cmd_diff_text_pair_begin(void *out, const struct cmd_diff_pair *p)
{
	struct cmd_diff_text *o = out;

	if (diff_same(p->df))
		return;
	if (o->printed)
		fputc('\n', o->fp);
	o->printed = true;
	cmd_diff_text_name(o->fp, "---", &p->name[0], p->side[0].snap);
	cmd_diff_text_name(o->fp, "+++", &p->name[1], p->side[1].snap);
}

static void cmd_diff_text_cluster(void *out, const struct cmd_diff_pair *p,
				  const struct diff_cluster *c,
				  const struct diff_run *runs)
{
	struct cmd_diff_text *o = out;
	char line[256];
	uint32_t i;

	(void)p;
	if (diff_cluster_format(c, line, sizeof(line)))
		fprintf(o->fp, "%s\n", line);
	for (i = 0; i < c->nr_runs; i++) {
		diff_run_format(c->index, &runs[i], line, sizeof(line));
		fprintf(o->fp, "%s\n", line);
	}
}

static void cmd_diff_text_finding(void *out, const struct analysis_finding *f,
				  enum diff_change change)
{
	struct cmd_diff_text *o = out;
	char line[256];

	analysis_finding_format(f, line, sizeof(line));
	fprintf(o->fp, "%c %s\n", change == DIFF_ADDED ? '+' : '-', line);
}

static int cmd_diff_text_pair_end(void *out, const struct cmd_diff_pair *p)
{
	struct cmd_diff_text *o = out;
	uint32_t n = diff_clusters_changed(p->df);
	int rc;

	if (diff_same(p->df))
		return 0;
	rc = cmd_diff_tables(p, o->fp);
	if (rc)
		return rc;
	fprintf(o->fp, "\n%" PRIu32 " cluster%s changed (%" PRIu64 " slot%s), %" PRIu64
	       " finding%s added, %" PRIu64 " removed\n", n, n == 1 ? "" : "s",
	       p->slots_changed, p->slots_changed == 1 ? "" : "s", p->added,
	       p->added == 1 ? "" : "s", p->removed);
	return 0;
}

static const struct cmd_diff_out cmd_diff_text_out = {
	.pair_begin = cmd_diff_text_pair_begin,
	.cluster = cmd_diff_text_cluster,
	.finding = cmd_diff_text_finding,
	.pair_end = cmd_diff_text_pair_end,
};

/* ---- loading and walking ---- */

/*
 * One loaded state: what a struct diff_side borrows (the counters as the
 * diff layer takes them, naming the snapshot file's).
 */
struct cmd_diff_state {
	struct snapshot *s;
	struct analysis *an;
	struct snapfile_counter *counters;
	struct diff_stat *stats;
	size_t nr_counters;
};

static void cmd_diff_unload(struct cmd_diff_state *st)
{
	analysis_free(st->an);
	snapshot_free(st->s);
	free(st->counters);
	free(st->stats);
	memset(st, 0, sizeof(*st));
}

/* The stored counters as (order, name, value), in their order. */
static int cmd_diff_stats(struct cmd_diff_state *st)
{
	size_t i;

	if (!st->nr_counters)
		return 0;
	st->stats = calloc(st->nr_counters, sizeof(*st->stats));
	if (!st->stats)
		return -ENOMEM;
	for (i = 0; i < st->nr_counters; i++)
		st->stats[i] = (struct diff_stat){ .order = st->counters[i].order,
						   .name = st->counters[i].name,
						   .value = st->counters[i].value };
	return 0;
}

/*
 * Load @src (snapshot @id; 0: the one it names, or the last) with its
 * stored counters and analyse it, printing nothing (the mount loads in
 * its daemon). Returns 0 or -errno, @d saying why where a source did.
 */
static int cmd_diff_state_load(const char *src, int64_t id,
			       struct cmd_diff_state *st, struct diag *d)
{
	struct snapfile *f;
	int64_t at_id = 0;
	char *path = NULL;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = source_load(src, id, &st->s, d) ?:
	     source_name_split(src, &path, &at_id, d);
	if (!rc && snapfile_probe(path) && !(rc = snapfile_open(path, false, &f, d))) {
		rc = snapfile_read_counters(f, id ? id : at_id, &st->counters,
					    &st->nr_counters, d);
		snapfile_close(f);
	}
	free(path);
	rc = rc ?: analysis_run(st->s, ANALYSIS_ALL_CHECKS, NULL, NULL, &st->an) ?:
	     cmd_diff_stats(st);
	if (rc)
		cmd_diff_unload(st);
	return rc;
}

/* Load @n as cmd_diff_state_load(). Prints; returns the exit code. */
static int cmd_diff_load(const struct cmd_diff_name *n, struct cmd_diff_state *st)
{
	struct diag d;
	int64_t at_id;
	char *path;
	int rc;

	/* FILE@N and -s naming two snapshots is a usage error */
	memset(st, 0, sizeof(*st));
	rc = cli_source_split(n->src, n->id, &path, &at_id);
	if (rc)
		return rc;
	free(path);
	diag_clear(&d);
	rc = cmd_diff_state_load(n->src, n->id, st, &d);
	return rc ? cli_diag_error(n->src, rc, &d) : SWAPFS_EXIT_OK;
}

int cmd_diff_state_new(const char *src, int64_t id, void **out, struct diag *d)
{
	struct cmd_diff_state *st = malloc(sizeof(*st));
	int rc;

	if (!st)
		return -ENOMEM;
	diag_clear(d);
	rc = cmd_diff_state_load(src, id, st, d);
	if (rc) {
		free(st);
		return rc;
	}
	*out = st;
	return 0;
}

void cmd_diff_state_free(void *state)
{
	if (state)
		cmd_diff_unload(state);
	free(state);
}

static struct diff_side cmd_diff_side(const struct cmd_diff_state *st)
{
	return (struct diff_side){ .snap = st->s, .an = st->an,
				   .counters = st->stats,
				   .nr_counters = st->nr_counters };
}

/* The finding callback: count it, print it. */
struct cmd_diff_walk {
	struct cmd_diff_ctl *ctl;
	struct cmd_diff_pair *p;
};

static int cmd_diff_finding(const struct analysis_finding *f,
			    enum diff_change change, void *arg)
{
	struct cmd_diff_walk *w = arg;

	if (change == DIFF_ADDED)
		w->p->added++;
	else
		w->p->removed++;
	w->ctl->out->finding(w->ctl->state, f, change);
	return 0;
}

/* Print one comparison: the changed clusters, then the findings. */
static int cmd_diff_walk(struct cmd_diff_ctl *ctl, struct cmd_diff_pair *p)
{
	uint32_t n = p->side[0].snap->dev.nr_clusters, ci;
	size_t max = p->side[0].snap->dev.cluster_size;
	struct cmd_diff_walk w = { ctl, p };
	struct diff_cluster c;
	struct diff_run *runs;
	int rc = 0;

	runs = malloc(max * sizeof(*runs));
	if (!runs)
		return -ENOMEM;
	ctl->out->pair_begin(ctl->state, p);
	for (ci = diff_next_changed(p->df, 0); !rc && ci < n;
	     ci = diff_next_changed(p->df, ci + 1)) {
		rc = diff_cluster(p->df, ci, &c, runs, max);
		p->slots_changed += c.slots_changed;
		if (!rc)
			ctl->out->cluster(ctl->state, p, &c, runs);
	}
	for (ci = diff_next_findings(p->df, 0); !rc && ci < n;
	     ci = diff_next_findings(p->df, ci + 1))
		rc = diff_cluster_findings(p->df, ci, cmd_diff_finding, &w);
	free(runs);
	return rc ?: ctl->out->pair_end(ctl->state, p);
}

/* Compare two loaded states. Returns the exit code of trouble, or 0. */
static int cmd_diff_pair(struct cmd_diff_ctl *ctl, const struct cmd_diff_name *na,
			 const struct cmd_diff_state *a,
			 const struct cmd_diff_name *nb,
			 const struct cmd_diff_state *b)
{
	struct cmd_diff_pair p = {
		.name = { *na, *nb },
		.side = { cmd_diff_side(a), cmd_diff_side(b) },
	};
	struct diff *df;
	struct diag d;
	int rc;

	rc = diff_new(&p.side[0], &p.side[1], &df, &d);
	if (rc == -EXDEV) {
		warnx("%s", d.msg);
		return SWAPFS_EXIT_USAGE;
	}
	if (rc)
		return cli_diag_error("diff", rc, &d);
	p.df = df;
	rc = cmd_diff_walk(ctl, &p);
	ctl->differ |= !diff_same(df);
	diff_free(df);
	return rc ? cli_errno_error(rc) : SWAPFS_EXIT_OK;
}

/* The printer of --json or not, printing on @fp. */
static void cmd_diff_set_out(struct cmd_diff_ctl *ctl, FILE *fp)
{
	ctl->out = ctl->json ? &cmd_diff_json_out : &cmd_diff_text_out;
	ctl->state = ctl->json ? (void *)&ctl->js : (void *)&ctl->text;
	ctl->js.fp = fp;
	ctl->text.fp = fp;
}

int cmd_diff_print(const char *name_a, const void *a, const char *name_b,
		   const void *b, bool json, FILE *fp)
{
	struct cmd_diff_ctl ctl = { .json = json };
	struct cmd_diff_pair p = {
		.name = { { name_a, 0 }, { name_b, 0 } },
		.side = { cmd_diff_side(a), cmd_diff_side(b) },
	};
	struct diff *df;
	struct diag d;
	int rc;

	cmd_diff_set_out(&ctl, fp);
	rc = diff_new(&p.side[0], &p.side[1], &df, &d);
	if (rc)
		return rc;
	p.df = df;
	rc = cmd_diff_walk(&ctl, &p);
	diff_free(df);
	return rc;
}

static int cmd_diff_two(struct cmd_diff_ctl *ctl, const char *src_a,
			const char *src_b)
{
	struct cmd_diff_name na = { src_a, ctl->id[0] }, nb = { src_b, ctl->id[1] };
	struct cmd_diff_state a, b;
	int rc;

	rc = cmd_diff_load(&na, &a);
	if (rc)
		return rc;
	rc = cmd_diff_load(&nb, &b);
	if (!rc) {
		rc = cmd_diff_pair(ctl, &na, &a, &nb, &b);
		cmd_diff_unload(&b);
	}
	cmd_diff_unload(&a);
	return rc;
}

/* The snapshot ids of the time series @path. Prints; returns the exit code. */
static int cmd_diff_series_ids(const char *path, struct snapfile_entry **ids,
			       size_t *nr)
{
	struct snapfile *f;
	struct diag d;
	int rc;

	if (!snapfile_probe(path)) {
		warnx("%s: not a swapfs snapshot file (--series compares the snapshots of one)",
		      path);
		return SWAPFS_EXIT_SYSTEM;
	}
	rc = snapfile_open(path, false, &f, &d);
	if (!rc) {
		rc = snapfile_list(f, ids, nr, &d);
		snapfile_close(f);
	}
	return rc ? cli_diag_error(path, rc, &d) : SWAPFS_EXIT_OK;
}

/* Each snapshot of the series against the one before it. */
static int cmd_diff_series(struct cmd_diff_ctl *ctl)
{
	struct cmd_diff_state st[2] = { 0 };
	struct cmd_diff_name n[2] = { { ctl->series, 0 }, { ctl->series, 0 } };
	struct snapfile_entry *ids = NULL;
	size_t nr = 0, i;
	int rc;

	rc = cmd_diff_series_ids(ctl->series, &ids, &nr);
	if (rc)
		return rc;
	if (ctl->out->series_begin)
		ctl->out->series_begin(ctl->state, ctl->series);
	for (i = 0; !rc && i < nr; i++) {
		n[1].id = ids[i].id;
		rc = cmd_diff_load(&n[1], &st[1]);
		if (!rc && i)
			rc = cmd_diff_pair(ctl, &n[0], &st[0], &n[1], &st[1]);
		cmd_diff_unload(&st[0]);
		st[0] = st[1];
		n[0] = n[1];
		memset(&st[1], 0, sizeof(st[1]));
	}
	cmd_diff_unload(&st[0]);
	free(ids);
	/* the document is closed even after trouble: the exit status says it */
	if (ctl->out->series_end)
		ctl->out->series_end(ctl->state);
	return rc;
}

static int cmd_diff_exec(int argc, char **argv)
{
	struct cmd_diff_ctl ctl = { .nr_ids = 0 };
	static char outbuf[1 << 20];
	int first, rc;

	first = args_parse(&cmd_diff_entry, argc, argv, &ctl);
	if (ctl.series && first < argc)
		args_usage_error(&cmd_diff_entry, "--series compares the snapshots of one file: no other source");
	if (ctl.series && ctl.nr_ids)
		args_usage_error(&cmd_diff_entry, "--series and --snapshot are mutually exclusive");
	if (!ctl.series && argc - first != 2)
		args_usage_error(&cmd_diff_entry, "two sources to compare, or --series <file>");
	cmd_diff_set_out(&ctl, stdout);
	/* a diff of two large devices can be millions of lines */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (ctl.series)
		rc = cmd_diff_series(&ctl);
	else
		rc = cmd_diff_two(&ctl, argv[first], argv[first + 1]);
	fflush(stdout);
	if (rc)
		return rc;
	return ctl.differ ? SWAPFS_EXIT_INVALID : SWAPFS_EXIT_OK;
}

/* The end of the usage: the exit status, as diff(1) has it. */
static void cmd_diff_help_exit(void)
{
	puts("\nExit status: 0 same, 1 different, 2 usage or different geometry, 3 unreadable source.");
}

static const struct args_opt cmd_diff_opts[] = {
	{ 'J', "json", NULL, "use JSON output format",
	  .flag = ARGS_FIELD(struct cmd_diff_ctl, json) },
	{ 's', "snapshot", "<id>", "which snapshot of a time series: the first -s\n"
	  "                        picks A's, a second B's (default: the last)",
	  .set = cmd_diff_set_snapshot },
	{ 0, "series", "<file>", "compare each snapshot of a time series with the one before",
	  .text = ARGS_FIELD(struct cmd_diff_ctl, series) },
	{ 0 },
};

static const struct args_operands cmd_diff_operands = {
	.min = 0,
	.max = 2,
	.too_few = "two sources to compare, or --series <file>",
	.too_many = "two sources at a time",
	.quote_extra = true,
};

const struct cli_cmd cmd_diff_entry = {
	.name = "diff",
	.synopsis = "[options] <source-a> <source-b>\n swapfs diff [options] --series <file>",
	.summary = "Show what changed between two states of a swap area.",
	.intro = "Compare two dumps, snapshots or live: reads of one device: the clusters\n"
		 "and slots that changed, the findings added and removed, the per-order\n"
		 "allocatable space and counters.",
	.opts = cmd_diff_opts,
	.more_help = cmd_diff_help_exit,
	.operands = &cmd_diff_operands,
	.exec = cmd_diff_exec,
};
