// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-stat.c - swapfs stat: the device, its totals, its clusters by list
 * and, per order, who owns what and how many allocations would succeed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/snapfile.h>

#include "args.h"
#include "cli.h"
#include "json.h"
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

static int cmd_stat_human_device(const struct snapshot *s, const struct analysis *a)
{
	static const struct output_column cols[] = {
		{ "FIELD", SCOLS_JSON_STRING, 0, 0 },
		{ "VALUE", SCOLS_JSON_STRING, 0, SCOLS_FL_WRAP },
	};
	struct libscols_table *tb = output_table_new("stat", OUTPUT_HUMAN, true);
	const struct analysis_totals *t = &a->totals;
	const char *method = snapshot_info_get(s, "live_method");
	uint64_t max = s->dev.max;
	char size[32];
	int rc = -ENOMEM;

	if (!tb || output_add_column(tb, &cols[0]) || output_add_column(tb, &cols[1]))
		goto out;
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

/* A human table with the columns @cols; NULL on ENOMEM. */
static struct libscols_table *cmd_stat_table(const char *name,
					     const struct output_column *cols,
					     unsigned int n)
{
	struct libscols_table *tb = output_table_new(name, OUTPUT_HUMAN, false);
	unsigned int i;

	for (i = 0; tb && i < n; i++) {
		if (output_add_column(tb, &cols[i])) {
			scols_unref_table(tb);
			tb = NULL;
		}
	}
	return tb;
}

enum { ORD_ORDER, ORD_SIZE, ORD_CLUSTERS, ORD_NONFULL, ORD_FRAG, ORD_FULL,
       ORD_NONE, ORD_RUNS, ORD_FOLIOS, ORD_ALLOCATABLE, ORD_NR };

static int cmd_stat_human_orders(const struct snapshot *s, const struct analysis *a)
{
	static const struct output_column cols[ORD_NR] = {
		[ORD_ORDER] = { "ORDER", SCOLS_JSON_NUMBER, 5, SCOLS_FL_RIGHT },
		[ORD_SIZE] = { "SIZE", SCOLS_JSON_STRING, 5, SCOLS_FL_RIGHT },
		[ORD_CLUSTERS] = { "CLUSTERS", SCOLS_JSON_NUMBER, 8, SCOLS_FL_RIGHT },
		[ORD_NONFULL] = { "NONFULL", SCOLS_JSON_NUMBER, 7, SCOLS_FL_RIGHT },
		[ORD_FRAG] = { "FRAG", SCOLS_JSON_NUMBER, 7, SCOLS_FL_RIGHT },
		[ORD_FULL] = { "FULL", SCOLS_JSON_NUMBER, 7, SCOLS_FL_RIGHT },
		[ORD_NONE] = { "NONE", SCOLS_JSON_NUMBER, 5, SCOLS_FL_RIGHT },
		[ORD_RUNS] = { "RUNS", SCOLS_JSON_NUMBER, 8, SCOLS_FL_RIGHT },
		[ORD_FOLIOS] = { "FOLIOS", SCOLS_JSON_NUMBER, 6, SCOLS_FL_RIGHT },
		[ORD_ALLOCATABLE] = { "ALLOCATABLE", SCOLS_JSON_NUMBER, 11, SCOLS_FL_RIGHT },
	};
	struct libscols_table *tb = cmd_stat_table("orders", cols, ORD_NR);
	unsigned int k, i;

	if (!tb)
		return -ENOMEM;
	for (k = 0; k < s->dev.nr_orders; k++) {
		const struct analysis_order *o = &a->orders[k];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		uint64_t owned = 0, vals[ORD_NR];
		char buf[32];

		if (!ln)
			goto enomem;
		for (i = 0; i < SNAPSHOT_CLUSTER_NR_FLAGS; i++)
			owned += o->clusters[i];
		vals[ORD_ORDER] = k;
		vals[ORD_CLUSTERS] = owned;
		vals[ORD_NONFULL] = o->clusters[SNAPSHOT_CLUSTER_NONFULL];
		vals[ORD_FRAG] = o->clusters[SNAPSHOT_CLUSTER_FRAG];
		vals[ORD_FULL] = o->clusters[SNAPSHOT_CLUSTER_FULL];
		vals[ORD_NONE] = o->clusters[SNAPSHOT_CLUSTER_NONE];
		vals[ORD_RUNS] = o->runs;
		vals[ORD_FOLIOS] = o->folios;
		vals[ORD_ALLOCATABLE] = o->allocatable;
		for (i = 0; i < ORD_NR; i++) {
			if (i == ORD_SIZE)
				snapshot_size_name((uint64_t)s->dev.page_size << k, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "%" PRIu64, vals[i]);
			if (scols_line_set_data(ln, i, buf))
				goto enomem;
		}
	}
	putchar('\n');
	return output_print(tb);
enomem:
	scols_unref_table(tb);
	return -ENOMEM;
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

enum { CNT_ORDER, CNT_SIZE, CNT_SWPOUT, CNT_SWPOUT_FALLBACK, CNT_SWPIN,
       CNT_SWPIN_FALLBACK, CNT_SHARE, CNT_NR };

/* The per-order swap counters, as hugepages-<size>kB/stats has them. */
static int cmd_stat_human_counters(const struct snapshot *s,
				   const struct cmd_stat_counters *cs)
{
	static const struct output_column cols[CNT_NR] = {
		[CNT_ORDER] = { "ORDER", SCOLS_JSON_NUMBER, 5, SCOLS_FL_RIGHT },
		[CNT_SIZE] = { "SIZE", SCOLS_JSON_STRING, 5, SCOLS_FL_RIGHT },
		[CNT_SWPOUT] = { "SWPOUT", SCOLS_JSON_NUMBER, 8, SCOLS_FL_RIGHT },
		[CNT_SWPOUT_FALLBACK] = { "SWPOUT_FALLBACK", SCOLS_JSON_NUMBER, 8, SCOLS_FL_RIGHT },
		[CNT_SWPIN] = { "SWPIN", SCOLS_JSON_NUMBER, 8, SCOLS_FL_RIGHT },
		[CNT_SWPIN_FALLBACK] = { "SWPIN_FALLBACK", SCOLS_JSON_NUMBER, 8, SCOLS_FL_RIGHT },
		[CNT_SHARE] = { "FALLBACK%", SCOLS_JSON_STRING, 6, SCOLS_FL_RIGHT },
	};
	struct libscols_table *tb;
	unsigned int k;
	size_t i;

	for (i = 0; i < cs->nr && !cs->c[i].value; i++)
		;
	if (i == cs->nr)	/* nothing counted: no table */
		return 0;
	tb = cmd_stat_table("counters", cols, CNT_NR);
	if (!tb)
		return -ENOMEM;
	for (k = 1; k < s->dev.nr_orders; k++) {
		struct libscols_line *ln;
		uint64_t v[CMD_STAT_NR_COUNTERS];
		char buf[32];

		uint64_t any = 0;

		for (i = 0; i < CMD_STAT_NR_COUNTERS; i++)
			any |= v[i] = cmd_stat_counter(cs, k, cmd_stat_counter_names[i]);
		if (!any)	/* sizes nothing happened to, as sysfs readers skip them */
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			goto enomem;
		for (i = 0; i < CNT_NR; i++) {
			if (i == CNT_ORDER)
				snprintf(buf, sizeof(buf), "%u", k);
			else if (i == CNT_SIZE)
				snapshot_size_name((uint64_t)s->dev.page_size << k, buf, sizeof(buf));
			else if (i == CNT_SHARE)
				snprintf(buf, sizeof(buf), v[0] + v[1] ? "%.2f" : "-",
					 100.0 * (double)v[1] / (double)(v[0] + v[1] ? v[0] + v[1] : 1));
			else
				snprintf(buf, sizeof(buf), "%" PRIu64, v[i - CNT_SWPOUT]);
			if (scols_line_set_data(ln, i, buf))
				goto enomem;
		}
	}
	putchar('\n');
	return output_print(tb);
enomem:
	scols_unref_table(tb);
	return -ENOMEM;
}

/* "counters": one object per order the source counted; [] when none. */
static void cmd_stat_json_counters(struct json *j, const struct snapshot *s,
				   const struct cmd_stat_counters *cs)
{
	unsigned int k, i;
	size_t n;

	json_array_open(j, "counters");
	for (k = 1; k < s->dev.nr_orders; k++) {
		if (!cmd_stat_order_counted(cs, k))
			continue;
		json_object_open(j, NULL);
		json_u64(j, "order", k);
		for (i = 0; i < CMD_STAT_NR_COUNTERS; i++)
			json_u64(j, cmd_stat_counter_names[i],
				 cmd_stat_counter(cs, k, cmd_stat_counter_names[i]));
		for (n = 0; n < cs->nr; n++) {	/* any other a source stored */
			bool known = false;

			for (i = 0; i < CMD_STAT_NR_COUNTERS; i++)
				known |= !strcmp(cs->c[n].name, cmd_stat_counter_names[i]);
			if (cs->c[n].order == k && !known)
				json_u64(j, cs->c[n].name, cs->c[n].value);
		}
		json_object_close(j);
	}
	json_array_close(j);
}

static void cmd_stat_json_flags(struct json *j, const char *key, const uint64_t *by_flag)
{
	unsigned int f;

	json_object_open(j, key);
	for (f = 0; f < SNAPSHOT_CLUSTER_NR_FLAGS; f++)
		json_u64(j, snapshot_cluster_flag_name(f), by_flag[f]);
	json_object_close(j);
}

static void cmd_stat_json_source(struct json *j, const struct snapshot *s)
{
	char era[2] = { s->dev.era, '\0' };
	size_t i;

	json_object_open(j, "source");
	json_string(j, "path", s->prov.source_path);
	json_string(j, "kind", s->prov.source_kind);
	json_string(j, "kernel", s->dev.kernel);
	json_string(j, "era", era);
	json_string(j, "created", s->prov.created);
	if (s->prov.id)
		json_i64(j, "snapshot", s->prov.id);
	else
		json_null(j, "snapshot");
	if (s->prov.step >= 0)
		json_i64(j, "step", s->prov.step);
	else
		json_null(j, "step");
	json_string(j, "note", s->prov.note);
	json_object_close(j);

	json_object_open(j, "info");
	for (i = 0; i < s->nr_info; i++)
		json_string(j, s->info[i].key, s->info[i].value);
	json_object_close(j);
}

static void cmd_stat_json(const struct snapshot *s, const struct analysis *a,
			  const struct cmd_stat_counters *cs)
{
	const struct analysis_totals *t = &a->totals;
	struct json j;
	unsigned int k, c;

	json_begin(&j, stdout);
	cmd_stat_json_source(&j, s);
	json_object_open(&j, "device");
	json_u64(&j, "slots", s->dev.max);
	json_u64(&j, "page_size", s->dev.page_size);
	json_u64(&j, "cluster_size", s->dev.cluster_size);
	json_u64(&j, "clusters", s->dev.nr_clusters);
	json_u64(&j, "nr_orders", s->dev.nr_orders);
	json_object_close(&j);

	json_object_open(&j, "totals");
	json_u64(&j, "slots_used", t->slots_used);
	json_u64(&j, "slots_free", t->slots_free);
	json_u64(&j, "slots_cached", t->slots_cached);
	json_u64(&j, "slots_cache_only", t->slots_cache_only);
	json_u64(&j, "slots_bad", t->slots_bad);
	json_u64(&j, "slots_zero", t->slots_zero);
	json_u64(&j, "slots_zswap", t->slots_zswap);
	json_bool(&j, "vm_swap_full", t->vm_swap_full);
	json_u64(&j, "clusters_moving", s->nr_moving);
	json_object_close(&j);
	cmd_stat_json_flags(&j, "clusters", t->clusters);

	json_object_open(&j, "findings");
	json_u64(&j, "errors", t->by_severity[ANALYSIS_ERROR]);
	json_u64(&j, "warnings", t->by_severity[ANALYSIS_WARNING]);
	json_u64(&j, "info", t->by_severity[ANALYSIS_INFO]);
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		json_u64(&j, analysis_check_name(c), t->findings[c]);
	json_object_close(&j);

	json_array_open(&j, "orders");
	for (k = 0; k < s->dev.nr_orders; k++) {
		const struct analysis_order *o = &a->orders[k];

		json_object_open(&j, NULL);
		json_u64(&j, "order", k);
		json_u64(&j, "size", (uint64_t)s->dev.page_size << k);
		cmd_stat_json_flags(&j, "clusters", o->clusters);
		json_u64(&j, "runs", o->runs);
		json_u64(&j, "folios", o->folios);
		json_u64(&j, "allocatable", o->allocatable);
		json_object_close(&j);
	}
	json_array_close(&j);
	cmd_stat_json_counters(&j, s, cs);
	json_end(&j);
}

struct cmd_stat_ctl {
	bool json;			/* -J */
	bool prometheus;		/* --format prometheus */
	const char *src;
	int64_t id;			/* -s */
	struct snapshot *s;
	struct snapfile_counter *counters;
	struct cmd_stat_counters cs;
};

/* The snapshot and the counters stored with it. */
static int cmd_stat_load(struct cmd_stat_ctl *ctl, const char *src)
{
	int rc;

	rc = cli_load_source(src, ctl->id, &ctl->s);
	if (rc)
		return rc;
	rc = cli_load_counters(src, ctl->id, &ctl->counters, &ctl->cs.nr);
	if (rc) {
		snapshot_free(ctl->s);
		return rc;
	}
	ctl->cs.c = ctl->counters;
	return SWAPFS_EXIT_OK;
}

static int cmd_stat_print(const struct cmd_stat_ctl *ctl)
{
	struct analysis *a = NULL;
	int rc;

	rc = analysis_run(ctl->s, ANALYSIS_ALL_CHECKS, NULL, NULL, &a);
	if (!rc) {
		if (ctl->prometheus)
			rc = prom_print(stdout, ctl->src, ctl->s, a);
		else if (ctl->json)
			cmd_stat_json(ctl->s, a, &ctl->cs);
		else
			rc = cmd_stat_human_device(ctl->s, a) ?:
			     cmd_stat_human_orders(ctl->s, a) ?:
			     cmd_stat_human_counters(ctl->s, &ctl->cs);
	}
	analysis_free(a);
	return rc;
}

static int cmd_stat_exec(int argc, char **argv)
{
	struct cmd_stat_ctl ctl = { .id = 0 };
	const char *src;
	int rc;

	src = ctl.src = argv[args_parse(&cmd_stat_entry, argc, argv, &ctl)];
	rc = cmd_stat_load(&ctl, src);
	if (rc)
		return rc;
	rc = cmd_stat_print(&ctl);
	free(ctl.counters);
	snapshot_free(ctl.s);
	return rc ? cli_errno_error(rc) : SWAPFS_EXIT_OK;
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
	{ 0 },
};

const struct cli_cmd cmd_stat_entry = {
	.name = "stat",
	.synopsis = "[options] <source>",
	.summary = "Show a snapshot's totals, clusters and per-order allocatable space.",
	.opts = cmd_stat_opts,
	.operands = &args_one_source,
	.exec = cmd_stat_exec,
};
