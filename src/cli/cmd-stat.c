// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-stat.c - swapfs stat: the device, its totals, its clusters by list
 * and, per order, who owns what and how many allocations would succeed.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/snapfile.h>
#include <swapfs/source.h>

#include "areas.h"
#include "args.h"
#include "cli.h"
#include "explain.h"
#include "jsonout.h"
#include "output.h"
#include "prom.h"

static double cmd_stat_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static int cmd_stat_kv(struct libscols_table *tb, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cmd_stat_kv(struct libscols_table *tb, const char *key, const char *fmt, ...)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char val[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (!ln || scols_line_set_data(ln, 0, key) || scols_line_set_data(ln, 1, val))
		return -ENOMEM;
	return 0;
}

/* How the tables are printed: --raw, --noheadings, --bytes. */
struct cmd_stat_fmt {
	enum output_mode mode;		/* OUTPUT_HUMAN, or OUTPUT_RAW with -r */
	bool noheadings;		/* -n */
	bool bytes;			/* -b */
};

static int cmd_stat_human_device(const struct snapshot *s, const struct analysis *a,
				 const struct cmd_stat_fmt *fmt)
{
	static const struct output_column cols[] = {
		{ "FIELD", SCOLS_JSON_STRING, 0, 0 },
		{ "VALUE", SCOLS_JSON_STRING, 0, SCOLS_FL_WRAP },
	};
	struct libscols_table *tb = output_table_new("stat", fmt->mode, true);
	const struct analysis_totals *t = &a->totals;
	const char *method = snapshot_info_get(s, "live_method");
	uint64_t max = s->dev.max;
	char size[32];
	int rc = -ENOMEM;

	if (!tb || output_add_column(tb, &cols[0]) || output_add_column(tb, &cols[1]))
		goto out;
	if (fmt->bytes)
		output_size((uint64_t)s->dev.page_size * max, true, size, sizeof(size));
	else
		snapshot_size_name((uint64_t)s->dev.page_size * max, size, sizeof(size));
	if (cmd_stat_kv(tb, "Source:", "%s (%s)",
			s->prov.source_path ? s->prov.source_path : "-",
			s->prov.source_kind ? s->prov.source_kind : "?") ||
	    (s->prov.id && cmd_stat_kv(tb, "Snapshot:", "%" PRId64 "%s%s", s->prov.id,
				       s->prov.created ? ", taken " : "",
				       s->prov.created ? s->prov.created : "")) ||
	    cmd_stat_kv(tb, "Kernel:", "%s (era %c)", s->dev.kernel, s->dev.era) ||
	    (s->dev.path && cmd_stat_kv(tb, "Path:", "%s", s->dev.path)) ||
	    cmd_stat_kv(tb, "Slots:", "%" PRIu64 " of %u bytes (%s), %u clusters of %u",
			max, s->dev.page_size, size, s->dev.nr_clusters, s->dev.cluster_size) ||
	    cmd_stat_kv(tb, "Used:", "%" PRIu64 " (%.1f%%)", t->slots_used, cmd_stat_pct(t->slots_used, max)) ||
	    cmd_stat_kv(tb, "Free:", "%" PRIu64 " (%.1f%%)", t->slots_free, cmd_stat_pct(t->slots_free, max)) ||
	    cmd_stat_kv(tb, "Cached:", "%" PRIu64 " (%" PRIu64 " cache-only)", t->slots_cached, t->slots_cache_only) ||
	    cmd_stat_kv(tb, "Bad:", "%" PRIu64 " (header included)", t->slots_bad) ||
	    cmd_stat_kv(tb, "Zero:", "%" PRIu64, t->slots_zero) ||
	    cmd_stat_kv(tb, "Zswap:", "%" PRIu64, t->slots_zswap) ||
	    (s->dev.has_inuse && cmd_stat_kv(tb, "inuse_pages:", "%" PRIu64 " (as the kernel counted)", s->dev.inuse_pages)) ||
	    cmd_stat_kv(tb, "vm_swap_full:", "%s", t->vm_swap_full ? "yes" : "no") ||
	    cmd_stat_kv(tb, "Clusters:", "free %" PRIu64 ", nonfull %" PRIu64 ", frag %" PRIu64
			", full %" PRIu64 ", discard %" PRIu64 ", none %" PRIu64,
			t->clusters[SNAPSHOT_CLUSTER_FREE], t->clusters[SNAPSHOT_CLUSTER_NONFULL],
			t->clusters[SNAPSHOT_CLUSTER_FRAG], t->clusters[SNAPSHOT_CLUSTER_FULL],
			t->clusters[SNAPSHOT_CLUSTER_DISCARD], t->clusters[SNAPSHOT_CLUSTER_NONE]) ||
	    cmd_stat_kv(tb, "Findings:", "%" PRIu64 " errors, %" PRIu64 " warnings, %" PRIu64 " info",
			t->by_severity[ANALYSIS_ERROR], t->by_severity[ANALYSIS_WARNING],
			t->by_severity[ANALYSIS_INFO]) ||
	    (method && cmd_stat_kv(tb, "Live read:", "BPF, swap_info found by %s", method)) ||
	    ((method || s->nr_moving) &&
	     cmd_stat_kv(tb, "Moving:", "%zu clusters (changed while read: no findings in them)",
			 s->nr_moving)))
		goto out;
	return output_print(tb);
out:
	scols_unref_table(tb);
	return rc;
}

/* The counters hugepages-<size>kB/stats has for swap, in its order. */
static const char *const cmd_stat_counter_names[] = {
	"swpout", "swpout_fallback", "swpin", "swpin_fallback",
};
#define CMD_STAT_NR_COUNTERS	4

/* Stored counters of one order (0 when not stored), by cmd_stat_counter_names. */
struct cmd_stat_counters {
	const struct snapfile_counter *c;
	size_t nr;
};

static uint64_t cmd_stat_counter(const struct cmd_stat_counters *cs,
				 unsigned int order, const char *name)
{
	size_t i;

	for (i = 0; i < cs->nr; i++)
		if (cs->c[i].order == order && !strcmp(cs->c[i].name, name))
			return cs->c[i].value;
	return 0;
}

static bool cmd_stat_order_counted(const struct cmd_stat_counters *cs,
				   unsigned int order)
{
	size_t i;

	for (i = 0; i < cs->nr; i++)
		if (cs->c[i].order == order)
			return true;
	return false;
}

/* The per-order table's columns: the orders' own, then their swap counters. */
enum { ORD_ORDER, ORD_SIZE, ORD_CLUSTERS, ORD_NONFULL, ORD_FRAG, ORD_FULL,
       ORD_NONE, ORD_RUNS, ORD_FOLIOS, ORD_ALLOCATABLE, ORD_SWPOUT,
       ORD_SWPOUT_FALLBACK, ORD_SWPIN, ORD_SWPIN_FALLBACK, ORD_SHARE, ORD_NR };

#define ORD_COL(name, width, json, help) \
	{ name, width, SCOLS_FL_RIGHT, SCOLS_JSON_##json, help }

static const struct output_colinfo cmd_stat_order_cols[ORD_NR] = {
	[ORD_ORDER] = ORD_COL("ORDER", 5, NUMBER, "the folio order"),
	[ORD_SIZE] = { "SIZE", 5, SCOLS_FL_RIGHT | OUTPUT_FL_SIZE, SCOLS_JSON_NUMBER,
		       "its folio size" },
	[ORD_CLUSTERS] = ORD_COL("CLUSTERS", 8, NUMBER, "clusters it owns"),
	[ORD_NONFULL] = ORD_COL("NONFULL", 7, NUMBER, "of them on the nonfull list"),
	[ORD_FRAG] = ORD_COL("FRAG", 7, NUMBER, "on the frag list"),
	[ORD_FULL] = ORD_COL("FULL", 7, NUMBER, "on the full list"),
	[ORD_NONE] = ORD_COL("NONE", 5, NUMBER, "on no list"),
	[ORD_RUNS] = ORD_COL("RUNS", 8, NUMBER, "known runs of this order"),
	[ORD_FOLIOS] = ORD_COL("FOLIOS", 6, NUMBER, "swap-cache folios of this order"),
	[ORD_ALLOCATABLE] = ORD_COL("ALLOCATABLE", 11, NUMBER,
				    "allocations of this order that would succeed now"),
	[ORD_SWPOUT] = ORD_COL("SWPOUT", 8, NUMBER, "swpout (hugepages-*/stats)"),
	[ORD_SWPOUT_FALLBACK] = ORD_COL("SWPOUT_FALLBACK", 8, NUMBER, "swpout_fallback"),
	[ORD_SWPIN] = ORD_COL("SWPIN", 8, NUMBER, "swpin"),
	[ORD_SWPIN_FALLBACK] = ORD_COL("SWPIN_FALLBACK", 8, NUMBER, "swpin_fallback"),
	[ORD_SHARE] = ORD_COL("FALLBACK%", 6, STRING,
			      "the share of large swap-outs that fell back"),
};

/* What one row of the per-order table needs. */
struct cmd_stat_rows {
	const struct snapshot *s;
	const struct analysis *a;
	const struct cmd_stat_counters *cs;
	const struct cmd_stat_fmt *fmt;
};

/* A counter column of order @k (none below order 1: sysfs has no such stats). */
static const char *cmd_stat_counter_cell(const struct cmd_stat_rows *r, unsigned int k,
					 int col, char *buf, size_t sz)
{
	uint64_t out, fb;

	if (!k || !cmd_stat_order_counted(r->cs, k))
		return NULL;
	if (col != ORD_SHARE) {
		snprintf(buf, sz, "%" PRIu64, cmd_stat_counter(r->cs, k,
			 cmd_stat_counter_names[col - ORD_SWPOUT]));
		return buf;
	}
	out = cmd_stat_counter(r->cs, k, "swpout");
	fb = cmd_stat_counter(r->cs, k, "swpout_fallback");
	snprintf(buf, sz, out + fb ? "%.2f" : "-",
		 100.0 * (double)fb / (double)(out + fb ? out + fb : 1));
	return buf;
}

static const char *cmd_stat_order_cell(const struct cmd_stat_rows *r, unsigned int k,
				       int col, char *buf, size_t sz)
{
	const struct analysis_order *o = &r->a->orders[k];
	uint64_t v = 0;
	unsigned int i;

	switch (col) {
	case ORD_ORDER:
		v = k;
		break;
	case ORD_SIZE:	/* JSON: a number, so bytes */
		if (r->fmt->bytes || r->fmt->mode == OUTPUT_JSON)
			output_size((uint64_t)r->s->dev.page_size << k, true, buf, sz);
		else
			snapshot_size_name((uint64_t)r->s->dev.page_size << k, buf, sz);
		return buf;
	case ORD_CLUSTERS:
		for (i = 0; i < SNAPSHOT_CLUSTER_NR_FLAGS; i++)
			v += o->clusters[i];
		break;
	case ORD_NONFULL:
	case ORD_FRAG:
	case ORD_FULL:
	case ORD_NONE:
		v = o->clusters[col == ORD_NONFULL ? SNAPSHOT_CLUSTER_NONFULL :
				col == ORD_FRAG ? SNAPSHOT_CLUSTER_FRAG :
				col == ORD_FULL ? SNAPSHOT_CLUSTER_FULL : SNAPSHOT_CLUSTER_NONE];
		break;
	case ORD_RUNS:
		v = o->runs;
		break;
	case ORD_FOLIOS:
		v = o->folios;
		break;
	case ORD_ALLOCATABLE:
		v = o->allocatable;
		break;
	default:
		return cmd_stat_counter_cell(r, k, col, buf, sz);
	}
	snprintf(buf, sz, "%" PRIu64, v);
	return buf;
}

/* Did anything happen to order @k's counters (the counters table skips the rest)? */
static bool cmd_stat_order_counts(const struct cmd_stat_counters *cs, unsigned int k)
{
	unsigned int i;

	for (i = 0; i < CMD_STAT_NR_COUNTERS; i++)
		if (cmd_stat_counter(cs, k, cmd_stat_counter_names[i]))
			return true;
	return false;
}

/*
 * The per-order table named @name with the columns @cols: every order, or
 * with @counted only those whose counters say something happened.
 */
static int cmd_stat_order_table(const struct cmd_stat_rows *r, const char *name,
				const struct output_columns *cols, bool counted)
{
	struct libscols_table *tb = output_table_new(name, r->fmt->mode, r->fmt->noheadings);
	const char *val;
	unsigned int k;
	char buf[32];
	size_t i;

	if (!tb || output_columns_add(tb, cols, cmd_stat_order_cols,
				      r->fmt->bytes || r->fmt->mode == OUTPUT_JSON))
		goto enomem;
	for (k = counted ? 1 : 0; k < r->s->dev.nr_orders; k++) {
		struct libscols_line *ln;

		if (counted && !cmd_stat_order_counts(r->cs, k))
			continue;	/* sizes nothing happened to, as sysfs readers skip them */
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			goto enomem;
		for (i = 0; i < cols->n; i++) {
			val = cmd_stat_order_cell(r, k, cols->id[i], buf, sizeof(buf));
			if (val && scols_line_set_data(ln, i, val))
				goto enomem;
		}
	}
	return output_print(tb);
enomem:
	scols_unref_table(tb);
	return -ENOMEM;
}

/* The per-order table's columns unless -o says otherwise (+LIST adds to them). */
static void cmd_stat_order_defaults(struct output_columns *cols)
{
	static const int ids[] = { ORD_ORDER, ORD_SIZE, ORD_CLUSTERS, ORD_NONFULL,
				   ORD_FRAG, ORD_FULL, ORD_NONE, ORD_RUNS, ORD_FOLIOS,
				   ORD_ALLOCATABLE };

	output_columns_default(cols, ids, sizeof(ids) / sizeof(ids[0]));
}

static int cmd_stat_human_orders(const struct cmd_stat_rows *r)
{
	struct output_columns cols;

	cmd_stat_order_defaults(&cols);
	putchar('\n');
	return cmd_stat_order_table(r, "orders", &cols, false);
}

/* The per-order swap counters, as hugepages-<size>kB/stats has them. */
static int cmd_stat_human_counters(const struct cmd_stat_rows *r)
{
	static const int ids[] = { ORD_ORDER, ORD_SIZE, ORD_SWPOUT, ORD_SWPOUT_FALLBACK,
				   ORD_SWPIN, ORD_SWPIN_FALLBACK, ORD_SHARE };
	struct output_columns cols;
	size_t i;

	for (i = 0; i < r->cs->nr && !r->cs->c[i].value; i++)
		;
	if (i == r->cs->nr)	/* nothing counted: no table */
		return 0;
	output_columns_default(&cols, ids, sizeof(ids) / sizeof(ids[0]));
	putchar('\n');
	return cmd_stat_order_table(r, "counters", &cols, true);
}

/* "counters": one object per order the source counted; [] when none. */
static void cmd_stat_json_counters(struct jsonout *j, const struct snapshot *s,
				   const struct cmd_stat_counters *cs)
{
	bool reasons = cli_reasons_present(cs->c, cs->nr);
	unsigned int k, i;
	size_t n;

	jsonout_array_open(j, "counters");
	for (k = 1; k < s->dev.nr_orders; k++) {
		if (!cmd_stat_order_counted(cs, k))
			continue;
		jsonout_object_open(j, NULL);
		jsonout_u64(j, "order", k);
		for (i = 0; i < CMD_STAT_NR_COUNTERS; i++)
			jsonout_u64(j, cmd_stat_counter_names[i],
				 cmd_stat_counter(cs, k, cmd_stat_counter_names[i]));
		for (n = 0; n < cs->nr; n++) {	/* any other a source stored */
			bool known = cli_reason_counter(cs->c[n].name);

			for (i = 0; i < CMD_STAT_NR_COUNTERS; i++)
				known |= !strcmp(cs->c[n].name, cmd_stat_counter_names[i]);
			if (cs->c[n].order == k && !known)
				jsonout_u64(j, cs->c[n].name, cs->c[n].value);
		}
		if (reasons)	/* sim --explain's, by reason (swapfs(8)) */
			cli_reasons_json(j, cs->c, cs->nr, k);
		jsonout_object_close(j);
	}
	jsonout_array_close(j);
}

static void cmd_stat_json_flags(struct jsonout *j, const char *key, const uint64_t *by_flag)
{
	unsigned int f;

	jsonout_object_open(j, key);
	for (f = 0; f < SNAPSHOT_CLUSTER_NR_FLAGS; f++)
		jsonout_u64(j, snapshot_cluster_flag_name(f), by_flag[f]);
	jsonout_object_close(j);
}

static void cmd_stat_json_source(struct jsonout *j, const struct snapshot *s)
{
	char era[2] = { s->dev.era, '\0' };
	size_t i;

	jsonout_object_open(j, "source");
	jsonout_string(j, "path", s->prov.source_path);
	jsonout_string(j, "kind", s->prov.source_kind);
	jsonout_string(j, "kernel", s->dev.kernel);
	jsonout_string(j, "era", era);
	jsonout_string(j, "created", s->prov.created);
	if (s->prov.id)
		jsonout_i64(j, "snapshot", s->prov.id);
	else
		jsonout_null(j, "snapshot");
	if (s->prov.step >= 0)
		jsonout_i64(j, "step", s->prov.step);
	else
		jsonout_null(j, "step");
	jsonout_string(j, "note", s->prov.note);
	jsonout_object_close(j);

	jsonout_object_open(j, "info");
	for (i = 0; i < s->nr_info; i++)
		jsonout_string(j, s->info[i].key, s->info[i].value);
	jsonout_object_close(j);
}

/* The members of one area's document. */
static void cmd_stat_json_body(struct jsonout *j, const struct snapshot *s,
			       const struct analysis *a, const struct cmd_stat_counters *cs)
{
	const struct analysis_totals *t = &a->totals;
	unsigned int k, c;

	cmd_stat_json_source(j, s);
	jsonout_object_open(j, "device");
	jsonout_u64(j, "slots", s->dev.max);
	jsonout_u64(j, "page_size", s->dev.page_size);
	jsonout_u64(j, "cluster_size", s->dev.cluster_size);
	jsonout_u64(j, "clusters", s->dev.nr_clusters);
	jsonout_u64(j, "nr_orders", s->dev.nr_orders);
	jsonout_object_close(j);

	jsonout_object_open(j, "totals");
	jsonout_u64(j, "slots_used", t->slots_used);
	jsonout_u64(j, "slots_free", t->slots_free);
	jsonout_u64(j, "slots_cached", t->slots_cached);
	jsonout_u64(j, "slots_cache_only", t->slots_cache_only);
	jsonout_u64(j, "slots_bad", t->slots_bad);
	jsonout_u64(j, "slots_zero", t->slots_zero);
	jsonout_u64(j, "slots_zswap", t->slots_zswap);
	jsonout_bool(j, "vm_swap_full", t->vm_swap_full);
	jsonout_u64(j, "clusters_moving", s->nr_moving);
	jsonout_object_close(j);
	cmd_stat_json_flags(j, "clusters", t->clusters);

	jsonout_object_open(j, "findings");
	jsonout_u64(j, "errors", t->by_severity[ANALYSIS_ERROR]);
	jsonout_u64(j, "warnings", t->by_severity[ANALYSIS_WARNING]);
	jsonout_u64(j, "info", t->by_severity[ANALYSIS_INFO]);
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		jsonout_u64(j, analysis_check_name(c), t->findings[c]);
	jsonout_object_close(j);

	jsonout_array_open(j, "orders");
	for (k = 0; k < s->dev.nr_orders; k++) {
		const struct analysis_order *o = &a->orders[k];

		jsonout_object_open(j, NULL);
		jsonout_u64(j, "order", k);
		jsonout_u64(j, "size", (uint64_t)s->dev.page_size << k);
		cmd_stat_json_flags(j, "clusters", o->clusters);
		jsonout_u64(j, "runs", o->runs);
		jsonout_u64(j, "folios", o->folios);
		jsonout_u64(j, "allocatable", o->allocatable);
		jsonout_object_close(j);
	}
	jsonout_array_close(j);
	cmd_stat_json_counters(j, s, cs);
}

static int cmd_stat_json(const struct snapshot *s, const struct analysis *a,
			 const struct cmd_stat_counters *cs)
{
	struct jsonout j;

	jsonout_begin(&j, stdout);
	cmd_stat_json_body(&j, s, a, cs);
	return jsonout_end(&j);
}

/* One area: its analysis and the counters stored with it. */
struct cmd_stat_area {
	struct analysis *a;
	struct snapfile_counter *counters;
	struct cmd_stat_counters cs;
};

struct cmd_stat_ctl {
	bool json;			/* -J */
	bool prometheus;		/* --format prometheus */
	const char *src;
	bool raw;			/* -r */
	int64_t id;			/* -s */
	int area;			/* -A; -1: every area */
	struct cmd_stat_fmt fmt;	/* -n, -b (and the mode -J or -r sets) */
	struct output_columns cols;	/* -o: the per-order table only */
	struct snapshot **v;		/* the areas (source_load_areas()) */
	unsigned int nr;
	struct cmd_stat_area *areas;	/* [nr] */
};

/* The areas, the counters stored with each, and their analyses. */
static int cmd_stat_load(struct cmd_stat_ctl *ctl)
{
	struct cmd_stat_area *ar;
	int64_t at_id;
	unsigned int i;
	char *path;
	int rc;

	rc = cli_load_areas(ctl->src, ctl->id, &ctl->v, &ctl->nr) ?:
	     cli_areas_keep(ctl->src, ctl->area, ctl->v, &ctl->nr);
	if (rc)
		return rc;
	if (ctl->nr > 1 && (ctl->prometheus || ctl->cols.given)) {
		warnx("%s: holds %u areas: %s shows one; name it with --area", ctl->src,
		      ctl->nr, ctl->prometheus ? "--format prometheus" : "-o");
		return SWAPFS_EXIT_USAGE;
	}
	ctl->areas = calloc(ctl->nr, sizeof(*ctl->areas));
	if (!ctl->areas)
		return cli_errno_error(-ENOMEM);
	rc = cli_source_split(ctl->src, ctl->id, &path, &at_id);
	for (i = 0; !rc && i < ctl->nr; i++) {
		ar = &ctl->areas[i];
		/* each area's own snapshot id: FILE@N names the group's member N */
		rc = cli_load_counters(path, ctl->v[i]->prov.id, &ar->counters, &ar->cs.nr);
		ar->cs.c = ar->counters;
		if (!rc && (rc = analysis_run(ctl->v[i], ANALYSIS_ALL_CHECKS, NULL, NULL,
					      &ar->a)))
			rc = cli_errno_error(rc);
	}
	free(path);
	return rc;
}

/* Area @i as stat shows one area alone. */
static int cmd_stat_print(const struct cmd_stat_ctl *ctl, unsigned int i)
{
	const struct cmd_stat_area *ar = &ctl->areas[i];
	struct cmd_stat_fmt fmt = ctl->fmt;
	struct cmd_stat_rows r = { .s = ctl->v[i], .a = ar->a, .cs = &ar->cs, .fmt = &fmt };

	fmt.mode = ctl->json ? OUTPUT_JSON : ctl->raw ? OUTPUT_RAW : OUTPUT_HUMAN;
	if (ctl->prometheus)
		return prom_print(stdout, ctl->src, r.s, r.a);
	if (ctl->cols.given)	/* -o: the per-order table, in any format */
		return cmd_stat_order_table(&r, "orders", &ctl->cols, false);
	if (ctl->json)
		return cmd_stat_json(r.s, r.a, &ar->cs);
	return cmd_stat_human_device(r.s, r.a, &fmt) ?:
	       cmd_stat_human_orders(&r) ?:
	       cmd_stat_human_counters(&r) ?:
	       cli_reasons_table(ar->cs.c, ar->cs.nr, fmt.mode, fmt.noheadings);
}

/*
 * Several areas: {"areas": [ {one area's document}, ... ]}, or the table
 * of the areas, then each area's usual output under its heading.
 */
static int cmd_stat_print_areas(const struct cmd_stat_ctl *ctl)
{
	struct cli_areas_row rows[SOURCE_AREAS_MAX];
	struct jsonout j;
	unsigned int i;
	int rc = 0;

	if (ctl->json) {
		jsonout_begin(&j, stdout);
		jsonout_array_open(&j, "areas");
		for (i = 0; i < ctl->nr; i++) {
			jsonout_object_open(&j, NULL);
			cmd_stat_json_body(&j, ctl->v[i], ctl->areas[i].a, &ctl->areas[i].cs);
			jsonout_object_close(&j);
		}
		jsonout_array_close(&j);
		return jsonout_end(&j);
	}
	for (i = 0; i < ctl->nr; i++)
		rows[i] = (struct cli_areas_row){
			.s = ctl->v[i], .slots_used = ctl->areas[i].a->totals.slots_used,
			.fallback = cli_areas_fallback(ctl->areas[i].cs.c, ctl->areas[i].cs.nr),
		};
	rc = cli_areas_table(rows, ctl->nr, ctl->raw ? OUTPUT_RAW : OUTPUT_HUMAN,
			     ctl->fmt.noheadings, ctl->fmt.bytes);
	for (i = 0; !rc && i < ctl->nr; i++) {
		cli_areas_heading(ctl->v[i], ctl->nr);
		rc = cmd_stat_print(ctl, i);
	}
	return rc;
}

static void cmd_stat_free(struct cmd_stat_ctl *ctl)
{
	unsigned int i;

	for (i = 0; ctl->areas && i < ctl->nr; i++) {
		analysis_free(ctl->areas[i].a);
		free(ctl->areas[i].counters);
	}
	free(ctl->areas);
	source_areas_free(ctl->v, ctl->nr);
}

static void cmd_stat_set_columns(void *p, const char *arg)
{
	struct cmd_stat_ctl *ctl = p;
	char why[128];

	if (output_columns_parse(&ctl->cols, cmd_stat_order_cols, ORD_NR, arg, why,
				 sizeof(why)))
		args_usage_error(&cmd_stat_entry, "%s", why);
}

/* The end of the usage: the columns -o takes. */
static void cmd_stat_help_columns(void)
{
	output_columns_help(cmd_stat_order_cols, ORD_NR);
}

static int cmd_stat_exec(int argc, char **argv)
{
	struct cmd_stat_ctl ctl = { .id = 0, .area = -1 };
	int rc;

	cmd_stat_order_defaults(&ctl.cols);
	ctl.src = argv[args_parse(&cmd_stat_entry, argc, argv, &ctl)];
	args_check_exclusive(&cmd_stat_entry, &ctl);
	rc = cmd_stat_load(&ctl);
	if (!rc) {
		rc = ctl.nr > 1 ? cmd_stat_print_areas(&ctl) : cmd_stat_print(&ctl, 0);
		rc = rc ? cli_errno_error(rc) : SWAPFS_EXIT_OK;
	}
	cmd_stat_free(&ctl);
	return rc;
}

/* --format human|json|prometheus */
static void cmd_stat_set_format(void *p, const char *arg)
{
	struct cmd_stat_ctl *ctl = p;

	ctl->json = !strcmp(arg, "json");
	ctl->prometheus = !strcmp(arg, "prometheus");
	if (!ctl->json && !ctl->prometheus && strcmp(arg, "human"))
		args_bad_value(&cmd_stat_entry, "invalid format", arg,
			       "expected human, json or prometheus");
}

static const struct args_opt cmd_stat_opts[] = {
	{ 'J', "json", NULL, "use JSON output format",
	  .flag = ARGS_FIELD(struct cmd_stat_ctl, json) },
	{ 0, "format", "<format>", "human, json (as -J) or prometheus (node_exporter's\n"
	  "                          textfile collector)",
	  .set = cmd_stat_set_format },
	ARGS_OPT_SNAPSHOT(struct cmd_stat_ctl, id),
	{ 'A', "area", "<n>", "only area n of several read at one moment (0: the\n"
	  "                          first the kernel tries)",
	  .value = ARGS_FIELD(struct cmd_stat_ctl, area), .number = &cli_areas_number },
	{ 'o', "output", "<list>", "only the per-order table, these columns\n"
	  "                          (+<list> adds to the default)",
	  .set = cmd_stat_set_columns },
	{ 'r', "raw", NULL, "use the raw output format",
	  .flag = ARGS_FIELD(struct cmd_stat_ctl, raw) },
	{ 'n', "noheadings", NULL, "don't print table headings",
	  .flag = ARGS_FIELD(struct cmd_stat_ctl, fmt.noheadings) },
	{ 'b', "bytes", NULL, "print sizes in bytes",
	  .flag = ARGS_FIELD(struct cmd_stat_ctl, fmt.bytes) },
	{ 0 },
};

static const char *const cmd_stat_exclusive[] = { "json", "raw", NULL };

const struct cli_cmd cmd_stat_entry = {
	.name = "stat",
	.synopsis = "[options] <source>",
	.summary = "Show a snapshot's totals, clusters and per-order allocatable space.",
	.opts = cmd_stat_opts,
	.help_width = 24,
	.more_help = cmd_stat_help_columns,
	.exclusive = cmd_stat_exclusive,
	.operands = &args_one_source,
	.exec = cmd_stat_exec,
};
