// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * explain.c - swapfs sim --explain and --trace on the command line's side:
 * the trace file (written beside, renamed over at the end, synced), the
 * reasons stored as counters of each snapshot, and stat's views of them.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <swapfs/durable.h>

#include "cli.h"
#include "explain.h"

/* ---- sim: the trace file and the counters ---------------------------------- */

int cli_explain_check(const struct cli_explain *x)
{
	struct stat st;

	if (!x->trace || x->append || x->force)
		return 0;
	if (!lstat(x->trace, &st)) {
		warnx("%s: exists; use --append to add to the trace or --force to replace it",
		      x->trace);
		return SWAPFS_EXIT_USAGE;
	}
	return 0;
}

/* The reason or list named by @name after @prefix, or -1. */
static int cli_explain_find(const char *name, const char *prefix, bool steal)
{
	size_t len = strlen(prefix);
	const char *n;
	int i;

	if (strncmp(name, prefix, len))
		return -1;
	for (i = 0; (n = steal ? sim_steal_name((enum sim_steal)i) :
				 sim_reason_name((enum sim_reason)i)); i++)
		if (!strcmp(name + len, n))
			return i;
	return -1;
}

/*
 * Continuing a state: its stored reasons go on counting, and the fallbacks
 * it counted beyond them (made without --explain) become "unrecorded", so
 * the reasons of every order still sum to its swpout_fallback.
 */
static void cli_explain_restore(struct sim *sim, const struct snapfile_counter *c,
				size_t nr)
{
	unsigned int k, r;
	uint64_t sum;
	size_t i;
	int n;

	for (i = 0; i < nr; i++) {
		n = cli_explain_find(c[i].name, SNAPFILE_COUNTER_FALLBACK, false);
		if (n >= 0)
			sim_explain_set_fallbacks(sim, c[i].order, (enum sim_reason)n, c[i].value);
		n = cli_explain_find(c[i].name, SNAPFILE_COUNTER_STEAL, true);
		if (n >= 0)
			sim_explain_set_steals(sim, c[i].order, (enum sim_steal)n, c[i].value);
	}
	for (k = 1; k < sim_nr_orders(sim); k++) {
		for (sum = 0, r = 0; r < SIM_NR_REASONS; r++)
			sum += sim_explain_fallbacks(sim, k, (enum sim_reason)r);
		if (sim_counter(sim, SIM_SWPOUT_FALLBACK, k) > sum)
			sim_explain_set_fallbacks(sim, k, SIM_REASON_UNRECORDED,
				sim_explain_fallbacks(sim, k, SIM_REASON_UNRECORDED) +
				sim_counter(sim, SIM_SWPOUT_FALLBACK, k) - sum);
	}
}

int cli_explain_start(struct cli_explain *x, struct sim *sim,
		      const struct snapfile_counter *c, size_t nr)
{
	int rc;

	x->fd = -1;
	if (!x->on)
		return 0;
	rc = sim_explain_on(sim);
	if (rc)
		return cli_errno_error(rc);
	cli_explain_restore(sim, c, nr);
	return 0;
}

int cli_explain_open(struct cli_explain *x, struct sim *sim)
{
	int fd;

	if (!x->trace)
		return 0;
	if (x->append) {
		fd = open(x->trace, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	} else {
		if (asprintf(&x->tmp, "%s.XXXXXX", x->trace) < 0) {
			x->tmp = NULL;
			return cli_errno_error(-ENOMEM);
		}
		fd = mkostemp(x->tmp, O_CLOEXEC);
		if (fd >= 0 && fchmod(fd, 0644))
			warn("%s", x->tmp);
	}
	if (fd < 0) {
		warn("%s", x->tmp ? x->tmp : x->trace);
		free(x->tmp);
		x->tmp = NULL;
		return SWAPFS_EXIT_SYSTEM;
	}
	x->fd = fd;
	sim_explain_trace(sim, fd);
	return 0;
}

size_t cli_explain_counters(const struct sim *sim, struct snapfile_counter *c)
{
	unsigned int k, r;
	size_t n = 0;
	uint64_t v;

	if (!sim_explain_is_on(sim))
		return 0;
	for (k = 1; k < sim_nr_orders(sim); k++) {
		for (r = 0; r < SIM_NR_REASONS + SIM_NR_STEALS; r++) {
			v = r < SIM_NR_REASONS ?
			    sim_explain_fallbacks(sim, k, (enum sim_reason)r) :
			    sim_explain_steals(sim, k, (enum sim_steal)(r - SIM_NR_REASONS));
			/* unrecorded always: its counter says explain was on */
			if (!v && r != SIM_REASON_UNRECORDED)
				continue;
			c[n].order = k;
			c[n].value = v;
			if (r < SIM_NR_REASONS)
				snprintf(c[n].name, sizeof(c[n].name), "%s%s",
					 SNAPFILE_COUNTER_FALLBACK,
					 sim_reason_name((enum sim_reason)r));
			else
				snprintf(c[n].name, sizeof(c[n].name), "%s%s",
					 SNAPFILE_COUNTER_STEAL,
					 sim_steal_name((enum sim_steal)(r - SIM_NR_REASONS)));
			n++;
		}
	}
	return n;
}

int cli_explain_flush(struct cli_explain *x, struct sim *sim)
{
	int rc = sim_explain_flush(sim);

	return rc ? cli_diag_error(x->trace, rc, NULL) : 0;
}

int cli_explain_finish(struct cli_explain *x, struct sim *sim, bool ok)
{
	int rc = 0, crc;

	if (x->fd < 0)
		return 0;
	if (ok)
		rc = sim_explain_flush(sim);
	sim_explain_trace(sim, -1);
	crc = durable_close(x->fd);
	x->fd = -1;
	rc = rc ?: crc;
	/* without -f, a trace that appeared meanwhile is kept: -EEXIST */
	if (ok && !rc && x->tmp)
		rc = renameat2(AT_FDCWD, x->tmp, AT_FDCWD, x->trace,
			       x->force ? 0 : RENAME_NOREPLACE) ? -errno :
		     durable_sync_dir(x->trace);
	if (x->tmp && (!ok || rc))
		unlink(x->tmp);
	free(x->tmp);
	x->tmp = NULL;
	if (ok && rc)
		return cli_diag_error(x->trace, rc, NULL);
	return 0;
}

/* ---- stat: the reasons a snapshot stored ------------------------------------ */

bool cli_reason_counter(const char *name)
{
	return !strncmp(name, SNAPFILE_COUNTER_FALLBACK, strlen(SNAPFILE_COUNTER_FALLBACK)) ||
	       !strncmp(name, SNAPFILE_COUNTER_STEAL, strlen(SNAPFILE_COUNTER_STEAL));
}

bool cli_reasons_present(const struct snapfile_counter *c, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (cli_reason_counter(c[i].name))
			return true;
	return false;
}

/* One object of order @k's counters named @prefix<key>, keyed by <key>. */
static void cli_reasons_json_one(struct jsonout *j, const char *key,
				 const char *prefix, const struct snapfile_counter *c,
				 size_t nr, unsigned int k)
{
	size_t i, len = strlen(prefix);

	jsonout_object_open(j, key);
	for (i = 0; i < nr; i++)
		if (c[i].order == k && c[i].value && !strncmp(c[i].name, prefix, len))
			jsonout_u64(j, c[i].name + len, c[i].value);
	jsonout_object_close(j);
}

void cli_reasons_json(struct jsonout *j, const struct snapfile_counter *c,
		      size_t nr, unsigned int k)
{
	cli_reasons_json_one(j, "fallback_reasons", SNAPFILE_COUNTER_FALLBACK, c, nr, k);
	cli_reasons_json_one(j, "steals", SNAPFILE_COUNTER_STEAL, c, nr, k);
}

/* Counters by order, then the larger first, then by name: the table's rows. */
static int cli_reasons_cmp(const void *pa, const void *pb)
{
	const struct snapfile_counter *a = *(const struct snapfile_counter *const *)pa;
	const struct snapfile_counter *b = *(const struct snapfile_counter *const *)pb;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	return strcmp(a->name, b->name);
}

static uint64_t cli_reasons_fallbacks(const struct snapfile_counter *c, size_t nr,
				      unsigned int k)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (c[i].order == k && !strcmp(c[i].name, "swpout_fallback"))
			return c[i].value;
	return 0;
}

/* One row: ORDER, the name after @prefix, COUNT and, for a fallback, SHARE. */
static int cli_reasons_row(struct libscols_table *tb, const struct snapfile_counter *r,
			   size_t plen, uint64_t fallbacks, bool share)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char order[16], count[24], pct[16];

	if (!ln)
		return -ENOMEM;
	snprintf(order, sizeof(order), "%u", r->order);
	snprintf(count, sizeof(count), "%" PRIu64, r->value);
	snprintf(pct, sizeof(pct), fallbacks ? "%.2f" : "-",
		 100.0 * (double)r->value / (double)(fallbacks ? fallbacks : 1));
	if (scols_line_set_data(ln, 0, order) || scols_line_set_data(ln, 1, r->name + plen) ||
	    scols_line_set_data(ln, 2, count) || (share && scols_line_set_data(ln, 3, pct)))
		return -ENOMEM;
	return 0;
}

/* The table @name of the counters named @prefix<key>, @share: with SHARE. */
static int cli_reasons_print(const struct snapfile_counter **rows, size_t n,
			     const struct snapfile_counter *c, size_t nr,
			     const char *name, const char *prefix,
			     const struct output_column *cols, enum output_mode mode,
			     bool noheadings)
{
	struct libscols_table *tb = output_table_new(name, mode, noheadings);
	size_t i, plen = strlen(prefix), shown = 0;
	bool share = !strcmp(prefix, SNAPFILE_COUNTER_FALLBACK);

	if (!tb)
		return -ENOMEM;
	for (i = 0; i < (share ? 4u : 3u); i++)
		if (output_add_column(tb, &cols[i]))
			goto enomem;
	for (i = 0; i < n; i++) {
		if (strncmp(rows[i]->name, prefix, plen))
			continue;
		if (cli_reasons_row(tb, rows[i], plen,
				    cli_reasons_fallbacks(c, nr, rows[i]->order), share))
			goto enomem;
		shown++;
	}
	if (!shown) {
		scols_unref_table(tb);
		return 0;
	}
	if (mode != OUTPUT_JSON)
		putchar('\n');
	return output_print(tb);
enomem:
	scols_unref_table(tb);
	return -ENOMEM;
}

int cli_reasons_table(const struct snapfile_counter *c, size_t nr,
		      enum output_mode mode, bool noheadings)
{
	static const struct output_column fb_cols[] = {
		{ "ORDER", SCOLS_JSON_NUMBER, 5, SCOLS_FL_RIGHT },
		{ "REASON", SCOLS_JSON_STRING, 16, 0 },
		{ "FALLBACKS", SCOLS_JSON_NUMBER, 9, SCOLS_FL_RIGHT },
		{ "SHARE%", SCOLS_JSON_STRING, 6, SCOLS_FL_RIGHT },
	};
	static const struct output_column steal_cols[] = {
		{ "ORDER", SCOLS_JSON_NUMBER, 5, SCOLS_FL_RIGHT },
		{ "STOLEN_FROM", SCOLS_JSON_STRING, 11, 0 },
		{ "STEALS", SCOLS_JSON_NUMBER, 9, SCOLS_FL_RIGHT },
	};
	const struct snapfile_counter **rows;
	size_t i, n = 0;
	int rc;

	rows = calloc(nr ? nr : 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		if (c[i].value && cli_reason_counter(c[i].name))
			rows[n++] = &c[i];
	qsort(rows, n, sizeof(*rows), cli_reasons_cmp);
	rc = cli_reasons_print(rows, n, c, nr, "fallback_reasons", SNAPFILE_COUNTER_FALLBACK,
			       fb_cols, mode, noheadings) ?:
	     cli_reasons_print(rows, n, c, nr, "steals", SNAPFILE_COUNTER_STEAL,
			       steal_cols, mode, noheadings);
	free(rows);
	return rc;
}
