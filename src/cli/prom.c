// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prom.c - the Prometheus text format of a snapshot (prom.h).
 *
 * Conventions of the format and of node_exporter's textfile collector:
 * every family once, its HELP and TYPE lines first and all its samples
 * together; names [a-zA-Z_:][a-zA-Z0-9_:]* prefixed swapfs_, counters
 * (monotonic since boot) end in _total, gauges do not; label values
 * escape backslash, double quote and newline, HELP text backslash and
 * newline. Every per-area series carries area="<path>", so several
 * areas' files can sit in one textfile directory; the kernel's mTHP
 * counters are the machine's, not an area's, and carry none (one file
 * only may hold them).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <swapfs/analysis.h>
#include <swapfs/capture.h>
#include <swapfs/live.h>
#include <swapfs/utc.h>

#include "prom.h"

/* The labels of one sample, escaped, without the braces. */
struct prom_labels {
	char buf[16384];	/* two escaped paths and then some */
	size_t len;
};

struct prom {
	FILE *out;
	const struct snapshot *s;
	const struct analysis *a;
	const char *area;	/* the area label's value */
};

static void prom_put(struct prom_labels *l, char c)
{
	if (l->len + 1 < sizeof(l->buf))
		l->buf[l->len++] = c;
	l->buf[l->len] = '\0';
}

/* Add key="value", the value escaped as the format says. */
static void prom_label(struct prom_labels *l, const char *key, const char *value)
{
	if (l->len)
		prom_put(l, ',');
	while (*key)
		prom_put(l, *key++);
	prom_put(l, '=');
	prom_put(l, '"');
	for (; *value; value++) {
		if (*value == '\\' || *value == '"' || *value == '\n') {
			prom_put(l, '\\');
			prom_put(l, *value == '\n' ? 'n' : *value);
		} else {
			prom_put(l, *value);
		}
	}
	prom_put(l, '"');
}

/* The area label, then the order and its size ("64kB") when @order >= 0. */
static void prom_labels_for(const struct prom *p, struct prom_labels *l, int order)
{
	char v[32];

	l->len = 0;
	l->buf[0] = '\0';
	prom_label(l, "area", p->area);
	if (order < 0)
		return;
	snprintf(v, sizeof(v), "%d", order);
	prom_label(l, "order", v);
	snprintf(v, sizeof(v), "%" PRIu64 "kB",
		 ((uint64_t)p->s->dev.page_size << order) / 1024);
	prom_label(l, "size", v);
}

/* # HELP and # TYPE of family @name. */
static void prom_family(const struct prom *p, const char *name, const char *type,
			const char *help)
{
	fprintf(p->out, "# HELP %s ", name);
	for (; *help; help++) {
		if (*help == '\\')
			fputs("\\\\", p->out);
		else if (*help == '\n')
			fputs("\\n", p->out);
		else
			fputc(*help, p->out);
	}
	fprintf(p->out, "\n# TYPE %s %s\n", name, type);
}

static void prom_sample(const struct prom *p, const char *name,
			const struct prom_labels *l, uint64_t v)
{
	fprintf(p->out, "%s{%s} %" PRIu64 "\n", name, l->buf, v);
}

/* A family of one gauge per area. */
static void prom_gauge(const struct prom *p, const char *name, const char *help,
		       uint64_t v)
{
	struct prom_labels l;

	prom_family(p, name, "gauge", help);
	prom_labels_for(p, &l, -1);
	prom_sample(p, name, &l, v);
}

/* swapfs_info: where the state came from, as labels. */
static void prom_info(const struct prom *p, const char *src)
{
	const struct snapshot *s = p->s;
	const char *method = snapshot_info_get(s, "live_method");
	char era[2] = { s->dev.era, '\0' };
	struct prom_labels l;

	prom_family(p, "swapfs_info", "gauge",
		    "The source of the area's state (always 1): its name, kind, kernel, era, and how a live read found the areas.");
	prom_labels_for(p, &l, -1);
	prom_label(&l, "source", src);
	prom_label(&l, "kind", s->prov.source_kind ? s->prov.source_kind : "");
	prom_label(&l, "kernel", s->dev.kernel ? s->dev.kernel : "");
	prom_label(&l, "era", era);
	prom_label(&l, "method", method ? method : "");
	prom_sample(p, "swapfs_info", &l, 1);
}

/* When the state was taken, in seconds since the epoch; 0 when unknown. */
static uint64_t prom_created(const struct snapshot *s)
{
	struct tm tm = { 0 };
	const char *end;
	time_t t;

	if (!s->prov.created)
		return 0;
	end = strptime(s->prov.created, UTC_FORMAT, &tm);
	if (!end || *end)
		return 0;
	t = timegm(&tm);
	return t > 0 ? (uint64_t)t : 0;
}

static void prom_slots(const struct prom *p)
{
	const struct analysis_totals *t = &p->a->totals;

	prom_gauge(p, "swapfs_slots", "Slots of the area (si->max, the header included).",
		   p->s->dev.max);
	prom_gauge(p, "swapfs_slots_used", "Slots with a reference count.", t->slots_used);
	prom_gauge(p, "swapfs_slots_free", "Slots nothing holds.", t->slots_free);
	prom_gauge(p, "swapfs_slots_bad", "Bad slots, the header included.", t->slots_bad);
	prom_gauge(p, "swapfs_slots_cached", "Slots a swap-cache folio holds.",
		   t->slots_cached);
	prom_gauge(p, "swapfs_slots_cache_only",
		   "Slots only the swap cache holds (count 0): reclaimable.",
		   t->slots_cache_only);
	prom_gauge(p, "swapfs_slots_zero", "Slots of zero-filled pages (zeromap).",
		   t->slots_zero);
	prom_gauge(p, "swapfs_slots_zswap", "Slots whose page zswap holds.", t->slots_zswap);
	if (p->s->dev.has_inuse)
		prom_gauge(p, "swapfs_inuse_pages", "si->inuse_pages, as the kernel counted.",
			   p->s->dev.inuse_pages);
	prom_gauge(p, "swapfs_clusters_moving",
		   "Clusters the kernel changed all the time they were read (no findings in them).",
		   p->s->nr_moving);
	prom_gauge(p, "swapfs_snapshot_timestamp_seconds",
		   "When the state was taken (0: not known).", prom_created(p->s));
}

/* Free slots in the clusters of each order and list, from the analysis. */
static uint64_t *prom_free_slots(const struct prom *p)
{
	const struct snapshot *s = p->s;
	uint64_t *v = calloc((size_t)s->dev.nr_orders * SNAPSHOT_CLUSTER_NR_FLAGS,
			     sizeof(*v));
	uint32_t ci;

	for (ci = 0; v && ci < s->dev.nr_clusters; ci++) {
		const struct snapshot_cluster *c = &s->clusters[ci];

		if (c->flags < SNAPSHOT_CLUSTER_NR_FLAGS && c->order < s->dev.nr_orders)
			v[c->order * SNAPSHOT_CLUSTER_NR_FLAGS + c->flags] +=
				p->a->clusters[ci].free;
	}
	return v;
}

/* Per order and list: clusters, and the free slots in them. */
static int prom_orders(const struct prom *p)
{
	static const char *const names[] = { "swapfs_clusters", "swapfs_free_slots" };
	static const char *const helps[] = {
		"Clusters on each list (flags), by the order that owns them.",
		"Free slots in the clusters of each order and list.",
	};
	uint64_t *free_slots = prom_free_slots(p), v;
	struct prom_labels l;
	unsigned int i, k, f;

	if (!free_slots)
		return -ENOMEM;
	for (i = 0; i < 2; i++) {
		prom_family(p, names[i], "gauge", helps[i]);
		for (k = 0; k < p->s->dev.nr_orders; k++)
			for (f = 0; f < SNAPSHOT_CLUSTER_NR_FLAGS; f++) {
				prom_labels_for(p, &l, (int)k);
				prom_label(&l, "list", snapshot_cluster_flag_name(f));
				v = i ? free_slots[k * SNAPSHOT_CLUSTER_NR_FLAGS + f] :
				    p->a->orders[k].clusters[f];
				prom_sample(p, names[i], &l, v);
			}
	}
	free(free_slots);
	prom_family(p, "swapfs_allocatable_folios", "gauge",
		    "Folios of each order the allocator could place now (swapfs(8), ALLOCATABLE).");
	for (k = 0; k < p->s->dev.nr_orders; k++) {
		prom_labels_for(p, &l, (int)k);
		prom_sample(p, "swapfs_allocatable_folios", &l, p->a->orders[k].allocatable);
	}
	return 0;
}

static void prom_findings(const struct prom *p)
{
	struct prom_labels l;
	unsigned int c;

	prom_family(p, "swapfs_findings", "gauge",
		    "Findings of each check in the state (swapfs(8), CHECKS).");
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++) {
		prom_labels_for(p, &l, -1);
		prom_label(&l, "check", analysis_check_name(c));
		prom_label(&l, "severity",
			   analysis_severity_name(analysis_check_severity(c)));
		prom_sample(p, "swapfs_findings", &l, p->a->totals.findings[c]);
	}
}

/*
 * The kernel's hugepages-<size>kB/stats, one family per file name (they
 * come sorted by name): swapfs_mthp_<name>_total for event counts,
 * swapfs_mthp_<name> for the nr_* numbers.
 */
static void prom_mthp(const struct prom *p, const struct capture_mthp_stat *v,
		      size_t nr)
{
	char name[96], help[192], val[32];
	struct prom_labels l;
	size_t i;
	bool gauge;

	for (i = 0; i < nr; i++) {
		gauge = !strncmp(v[i].name, "nr_", 3);
		snprintf(name, sizeof(name), "swapfs_mthp_%s%s", v[i].name,
			 gauge ? "" : "_total");
		if (!i || strcmp(v[i].name, v[i - 1].name)) {
			snprintf(help, sizeof(help),
				 "The kernel's /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/stats/%s (all swap areas%s).",
				 v[i].name, gauge ? "; a current number" : "; since boot");
			prom_family(p, name, gauge ? "gauge" : "counter", help);
		}
		l.len = 0;
		l.buf[0] = '\0';
		snprintf(val, sizeof(val), "%u", v[i].order);
		prom_label(&l, "order", val);
		snprintf(val, sizeof(val), "%" PRIu64 "kB", v[i].kb);
		prom_label(&l, "size", val);
		prom_sample(p, name, &l, v[i].value);
	}
}

int prom_print(FILE *out, const char *src, const struct snapshot *s,
	       const struct analysis *a)
{
	struct prom p = { .out = out, .s = s, .a = a,
			  .area = s->dev.path ? s->dev.path : src };
	struct capture_mthp_stat *v = NULL;
	size_t nr = 0;
	int rc = 0;

	if (!strncmp(src, LIVE_PREFIX, strlen(LIVE_PREFIX)))
		rc = capture_mthp_stats(NULL, s->dev.page_size, &v, &nr);
	if (rc)
		return rc;
	prom_info(&p, src);
	prom_slots(&p);
	rc = prom_orders(&p);
	if (!rc) {
		prom_findings(&p);
		prom_mthp(&p, v, nr);
	}
	free(v);
	if (!rc && (fflush(out) || ferror(out)))
		rc = -EIO;
	return rc;
}
