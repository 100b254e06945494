// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-diff-json.c - swapfs diff --json: one object per comparison,
 * streamed as the walk goes (a diff of two large devices can list
 * millions of runs), inside {"series": ..., "diffs": [...]} with
 * --series. swapfs(8) documents the members.
 *
 * Every JSON call of swapfs diff is in this file.
 */
#include <stdio.h>

#include "cmd-diff-out.h"

static void cmd_diff_json_series_begin(void *out, const char *path)
{
	struct cmd_diff_json *o = out;

	jsonout_begin(&o->j, o->fp);
	o->series = true;
	jsonout_string(&o->j, "series", path);
	jsonout_array_open(&o->j, "diffs");
}

static void cmd_diff_json_series_end(void *out)
{
	struct cmd_diff_json *o = out;

	jsonout_array_close(&o->j);
	jsonout_end(&o->j);
}

/* A nullable integer: @value when @known, else null. */
static void cmd_diff_json_opt(struct jsonout *j, const char *key, bool known,
			      int64_t value)
{
	if (known)
		jsonout_i64(j, key, value);
	else
		jsonout_null(j, key);
}

static void cmd_diff_json_side(struct jsonout *j, const char *key,
			       const struct cmd_diff_name *n,
			       const struct snapshot *s)
{
	char era[2] = { s->dev.era, '\0' };

	jsonout_object_open(j, key);
	jsonout_string(j, "source", n->src);
	jsonout_string(j, "path", s->prov.source_path);
	jsonout_string(j, "kind", s->prov.source_kind);
	jsonout_string(j, "kernel", s->dev.kernel);
	jsonout_string(j, "era", era);
	jsonout_string(j, "created", s->prov.created);
	cmd_diff_json_opt(j, "snapshot", s->prov.id != 0, s->prov.id);
	cmd_diff_json_opt(j, "step", s->prov.step >= 0, s->prov.step);
	jsonout_object_close(j);
}

static void cmd_diff_json_pair_begin(void *out, const struct cmd_diff_pair *p)
{
	struct cmd_diff_json *o = out;
	const struct snapshot *s = p->side[0].snap;

	if (o->series)
		jsonout_object_open(&o->j, NULL);
	else
		jsonout_begin(&o->j, o->fp);
	cmd_diff_json_side(&o->j, "a", &p->name[0], s);
	cmd_diff_json_side(&o->j, "b", &p->name[1], p->side[1].snap);
	jsonout_object_open(&o->j, "device");
	jsonout_u64(&o->j, "slots", s->dev.max);
	jsonout_u64(&o->j, "page_size", s->dev.page_size);
	jsonout_u64(&o->j, "cluster_size", s->dev.cluster_size);
	jsonout_u64(&o->j, "clusters", s->dev.nr_clusters);
	jsonout_object_close(&o->j);
	jsonout_array_open(&o->j, "clusters");
	o->in_findings = false;
}

static void cmd_diff_json_cluster_side(struct jsonout *j, const char *key,
				       const struct snapshot_cluster *c)
{
	jsonout_object_open(j, key);
	jsonout_string(j, "flags", snapshot_cluster_flag_name(c->flags));
	jsonout_u64(j, "order", c->order);
	jsonout_u64(j, "count", c->count);
	jsonout_object_close(j);
}

static void cmd_diff_json_cluster(void *out, const struct cmd_diff_pair *p,
				  const struct diff_cluster *c,
				  const struct diff_run *runs)
{
	struct cmd_diff_json *o = out;
	char attrs[64];
	uint32_t i;

	(void)p;
	jsonout_object_open(&o->j, NULL);
	jsonout_u64(&o->j, "cluster", c->index);
	cmd_diff_json_cluster_side(&o->j, "a", &c->a);
	cmd_diff_json_cluster_side(&o->j, "b", &c->b);
	jsonout_u64(&o->j, "slots_changed", c->slots_changed);
	jsonout_array_open(&o->j, "runs");
	for (i = 0; i < c->nr_runs; i++) {
		const struct diff_run *r = &runs[i];

		jsonout_object_open(&o->j, NULL);
		jsonout_u64(&o->j, "first", r->first);
		jsonout_u64(&o->j, "last", r->first + r->nr - 1);
		jsonout_u64(&o->j, "nr", r->nr);
		jsonout_string(&o->j, "from", diff_kind_name(r->from));
		jsonout_string(&o->j, "to", diff_kind_name(r->to));
		jsonout_string(&o->j, "changed",
			    diff_attr_format(r->changed, attrs, sizeof(attrs)));
		jsonout_object_close(&o->j);
	}
	jsonout_array_close(&o->j);
	jsonout_object_close(&o->j);
}

static void cmd_diff_json_finding(void *out, const struct analysis_finding *f,
				  enum diff_change change)
{
	struct cmd_diff_json *o = out;

	if (!o->in_findings) {
		jsonout_array_close(&o->j);		/* clusters */
		jsonout_array_open(&o->j, "findings");
		o->in_findings = true;
	}
	jsonout_object_open(&o->j, NULL);
	jsonout_string(&o->j, "change", change == DIFF_ADDED ? "added" : "removed");
	jsonout_string(&o->j, "check", analysis_check_name(f->check));
	jsonout_string(&o->j, "severity",
		    analysis_severity_name(analysis_check_severity(f->check)));
	jsonout_u64(&o->j, "cluster", f->cluster);
	jsonout_u64(&o->j, "offset", f->offset);
	jsonout_u64(&o->j, "nr", f->nr);
	cmd_diff_json_opt(&o->j, "order", f->order >= 0, f->order);
	jsonout_string(&o->j, "detail", f->detail[0] ? f->detail : NULL);
	jsonout_object_close(&o->j);
}

/* {"a": x, "b": y} */
static void cmd_diff_json_ab(struct jsonout *j, const char *key, const uint64_t v[2])
{
	jsonout_object_open(j, key);
	jsonout_u64(j, "a", v[0]);
	jsonout_u64(j, "b", v[1]);
	jsonout_object_close(j);
}

static void cmd_diff_json_counters(struct jsonout *j, const struct diff *df,
				   unsigned int k)
{
	const struct diff_counter *c;
	size_t nr, i;

	c = diff_counters(df, &nr);
	jsonout_object_open(j, "counters");
	for (i = 0; i < nr; i++) {
		if (c[i].order != k)
			continue;
		jsonout_object_open(j, c[i].name);
		cmd_diff_json_opt(j, "a", c[i].has_a, (int64_t)c[i].a);
		cmd_diff_json_opt(j, "b", c[i].has_b, (int64_t)c[i].b);
		jsonout_object_close(j);
	}
	jsonout_object_close(j);
}

static void cmd_diff_json_orders(struct jsonout *j, const struct cmd_diff_pair *p)
{
	unsigned int k;

	jsonout_array_open(j, "orders");
	for (k = 0; k < diff_nr_orders(p->df); k++) {
		struct diff_order d = diff_order(p->df, k);

		jsonout_object_open(j, NULL);
		jsonout_u64(j, "order", k);
		jsonout_u64(j, "size", (uint64_t)p->side[0].snap->dev.page_size << k);
		cmd_diff_json_ab(j, "allocatable", d.allocatable);
		cmd_diff_json_ab(j, "clusters", d.clusters);
		cmd_diff_json_ab(j, "runs", d.runs);
		cmd_diff_json_ab(j, "folios", d.folios);
		cmd_diff_json_counters(j, p->df, k);
		jsonout_object_close(j);
	}
	jsonout_array_close(j);
}

static void cmd_diff_json_totals(struct jsonout *j, const struct cmd_diff_pair *p)
{
	const struct analysis_totals *x = &p->side[0].an->totals;
	const struct analysis_totals *y = &p->side[1].an->totals;
	unsigned int i;

	jsonout_object_open(j, "totals");
	for (i = 0; i < CMD_DIFF_NR_TOTALS; i++) {
		uint64_t v[2] = { cmd_diff_total(x, i), cmd_diff_total(y, i) };

		cmd_diff_json_ab(j, cmd_diff_totals[i].key, v);
	}
	jsonout_object_open(j, "vm_swap_full");
	jsonout_bool(j, "a", x->vm_swap_full);
	jsonout_bool(j, "b", y->vm_swap_full);
	jsonout_object_close(j);
	jsonout_object_close(j);
}

static int cmd_diff_json_pair_end(void *out, const struct cmd_diff_pair *p)
{
	struct cmd_diff_json *o = out;

	jsonout_array_close(&o->j);	/* clusters or findings */
	if (!o->in_findings) {
		jsonout_array_open(&o->j, "findings");
		jsonout_array_close(&o->j);
	}
	cmd_diff_json_orders(&o->j, p);
	cmd_diff_json_totals(&o->j, p);
	jsonout_object_open(&o->j, "summary");
	jsonout_bool(&o->j, "same", diff_same(p->df));
	jsonout_u64(&o->j, "clusters_changed", diff_clusters_changed(p->df));
	jsonout_u64(&o->j, "slots_changed", p->slots_changed);
	jsonout_u64(&o->j, "findings_added", p->added);
	jsonout_u64(&o->j, "findings_removed", p->removed);
	jsonout_object_close(&o->j);
	if (o->series) {
		jsonout_object_close(&o->j);
		return 0;
	}
	return jsonout_end(&o->j);
}

const struct cmd_diff_out cmd_diff_json_out = {
	.series_begin = cmd_diff_json_series_begin,
	.pair_begin = cmd_diff_json_pair_begin,
	.cluster = cmd_diff_json_cluster,
	.finding = cmd_diff_json_finding,
	.pair_end = cmd_diff_json_pair_end,
	.series_end = cmd_diff_json_series_end,
};
