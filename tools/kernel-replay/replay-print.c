// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay-print.c - a run's result as JSON (what the driver and the
 * fidelity harness read) or as the selftest's text.
 *
 * JSON: the totals over the enabled orders under the selftest's names
 * ("swpout", "swpout_fallback", "fallback_pct", null when nothing was
 * swapped out), "orders" with each order's counters, "per_round" with
 * each round's swap-outs and fallbacks (summed, and by order),
 * "checkpoints" with the state after those rounds:
 *
 *	{"round": 10, "inuse": 15872, "clusters": 32,
 *	 "lists": {"0": {"free": 0, "nonfull": 1, ...}, "4": {...}},
 *	 "partial": {"4": 3}, "mixed": {"4": 2}, "live_moving": 0}
 */
#include <inttypes.h>
#include <stdio.h>

#include "replay.h"

static const char *const kr_list_names[SNAPSHOT_CLUSTER_NR_FLAGS] = {
	"none", "free", "nonfull", "frag", "full", "discard",
};

/* A JSON string of @s, which holds no quote, backslash or control. */
static void kr_json_str(const char *s)
{
	printf("\"%s\"", s);
}

static void kr_sum(const struct kr_result *r, enum kr_stat st, uint64_t *v)
{
	unsigned int k;

	*v = 0;
	for (k = 1; k < KR_ORDERS; k++)
		if (r->orders & (1u << k))
			*v += r->total[k][st];
}

static void kr_print_pct(uint64_t out, uint64_t fb)
{
	if (out + fb)
		printf("%.4f", (double)fb * 100.0 / (double)(out + fb));
	else
		printf("null");
}

static void kr_print_params(const struct kr_result *r)
{
	const struct workload_selftest *p = &r->p;

	printf("  \"params\": {\"area\": %" PRIu64 ", \"rounds\": %u, \"small\": %d, "
	       "\"small_area\": %" PRIu64 ", \"picks\": %u, \"small_picks\": %u, "
	       "\"part_picks\": %u, \"sizes\": %u, \"folio\": %" PRIu64 ", "
	       "\"mixed\": %u, \"mixed_orders\": %u, \"fork\": %u, "
	       "\"fork_every\": %u, \"version\": %u, \"aligned\": %d, "
	       "\"seed\": %" PRIu64 ", \"cpu\": %d},\n",
	       p->area, p->rounds, p->small, p->small_area, p->picks,
	       p->small_picks, p->part_picks, p->sizes, p->folio, p->mixed,
	       p->mixed_orders, p->fork, p->fork_every, p->version, p->aligned,
	       r->seed, r->cpu);
}

static void kr_print_orders(const struct kr_result *r)
{
	const char *sep = "";
	unsigned int k, s;

	printf("  \"orders\": {");
	for (k = 1; k < KR_ORDERS; k++) {
		if (!(r->orders & (1u << k)))
			continue;
		printf("%s\"%u\": {", sep, k);
		for (s = 0; s < KR_NR_STATS; s++)
			printf("%s\"%s\": %" PRIu64, s ? ", " : "", kr_stat_names[s],
			       r->total[k][s]);
		printf("}");
		sep = ", ";
	}
	printf("},\n");
}

static void kr_print_rounds(const struct kr_result *r)
{
	unsigned int k;
	uint32_t i;
	uint64_t out, fb;

	printf("  \"per_round\": [");
	for (i = 0; i < r->p.rounds; i++) {
		const char *sep = "";

		out = fb = 0;
		for (k = 1; k < KR_ORDERS; k++) {
			if (r->orders & (1u << k)) {
				out += r->per_round[i][k][0];
				fb += r->per_round[i][k][1];
			}
		}
		printf("%s\n    {\"round\": %u, \"swpout\": %" PRIu64
		       ", \"swpout_fallback\": %" PRIu64 ", \"orders\": {",
		       i ? "," : "", i + 1, out, fb);
		for (k = 1; k < KR_ORDERS; k++) {
			if (!(r->orders & (1u << k)))
				continue;
			printf("%s\"%u\": [%" PRIu64 ", %" PRIu64 "]", sep, k,
			       r->per_round[i][k][0], r->per_round[i][k][1]);
			sep = ", ";
		}
		printf("}}");
	}
	printf("\n  ],\n");
}

/* "partial": {"4": 3}: the orders with a non-zero count. */
static void kr_print_by_order(const char *name, const uint32_t *v)
{
	const char *sep = "";
	unsigned int k;

	printf(", \"%s\": {", name);
	for (k = 0; k < KR_ORDERS; k++) {
		if (v[k]) {
			printf("%s\"%u\": %u", sep, k, v[k]);
			sep = ", ";
		}
	}
	printf("}");
}

static void kr_print_state(const struct kr_state *st)
{
	const char *sep = "";
	unsigned int k, f, n;

	printf("    {\"round\": %u, \"inuse\": %" PRIu64 ", \"clusters\": %u, "
	       "\"lists\": {", st->round, st->inuse, st->clusters);
	for (k = 0; k < KR_ORDERS; k++) {
		for (f = n = 0; f < SNAPSHOT_CLUSTER_NR_FLAGS; f++)
			n += st->list[k][f];
		if (!n)
			continue;
		printf("%s\"%u\": {", sep, k);
		for (f = 0; f < SNAPSHOT_CLUSTER_NR_FLAGS; f++)
			printf("%s\"%s\": %u", f ? ", " : "", kr_list_names[f],
			       st->list[k][f]);
		printf("}");
		sep = ", ";
	}
	printf("}");
	kr_print_by_order("partial", st->partial);
	kr_print_by_order("mixed", st->mixed);
	printf(", \"live_moving\": %u}", st->live_moving);
}

void kr_print_json(const struct kr_result *r)
{
	uint64_t out, fb, v;
	unsigned int i, s;

	kr_sum(r, KR_SWPOUT, &out);
	kr_sum(r, KR_SWPOUT_FALLBACK, &fb);
	printf("{\n  \"mode\": ");
	kr_json_str(r->mode);
	printf(",\n  \"spec\": ");
	kr_json_str(r->spec);
	printf(",\n  \"seed\": %" PRIu64 ",\n  \"rounds\": %u,\n", r->seed, r->p.rounds);
	printf("  \"page_size\": %u,\n", r->page_size);
	printf("  \"swpout\": %" PRIu64 ",\n  \"swpout_fallback\": %" PRIu64 ",\n"
	       "  \"fallback_pct\": ", out, fb);
	kr_print_pct(out, fb);
	printf(",\n");
	for (s = KR_SWPIN; s < KR_NR_STATS; s++) {
		kr_sum(r, s, &v);
		printf("  \"%s\": %" PRIu64 ",\n", kr_stat_names[s], v);
	}
	kr_print_params(r);
	kr_print_orders(r);
	if (!r->live && !r->nr_states && r->mode[0] == 'k')
		printf("  \"live\": null,\n");
	printf("  \"kernel\": ");
	kr_json_str(r->mode[0] == 's' ? r->kernel : "running");
	printf(",\n  \"device\": %" PRIu64 ",\n", r->mode[0] == 's' ? r->device : 0);
	printf("  \"max_swap_areas\": %u,\n  \"swap_events\": %u,\n"
	       "  \"swap_used_kib\": %" PRIu64 ",\n",
	       r->max_swap_areas, r->swap_events, r->swap_used_kib);
	kr_print_rounds(r);
	printf("  \"checkpoints\": [");
	for (i = 0; i < r->nr_states; i++) {
		printf("%s\n", i ? "," : "");
		kr_print_state(&r->states[i]);
	}
	printf("\n  ]\n}\n");
}

void kr_print_text(const struct kr_result *r)
{
	uint64_t out, fb, o, f;
	unsigned int k;
	uint32_t i;

	for (i = 0; i < r->p.rounds; i++) {
		o = f = 0;
		for (k = 1; k < KR_ORDERS; k++) {
			o += r->per_round[i][k][0];
			f += r->per_round[i][k][1];
		}
		printf("Iteration %u: swpout inc: %" PRIu64 ", swpout fallback inc: %"
		       PRIu64 ", Fallback percentage: ", i + 1, o, f);
		if (o + f)
			printf("%.2f%%\n", (double)f * 100.0 / (double)(o + f));
		else
			printf("nan%%\n");
	}
	kr_sum(r, KR_SWPOUT, &out);
	kr_sum(r, KR_SWPOUT_FALLBACK, &fb);
	printf("summary mode=%s rounds=%u swpout=%" PRIu64 " swpout_fallback=%"
	       PRIu64 " fallback_pct=", r->mode, r->p.rounds, out, fb);
	if (out + fb)
		printf("%.2f", (double)fb * 100.0 / (double)(out + fb));
	else
		printf("nan");
	printf(" spec=%s seed=%" PRIu64 "\n", r->spec, r->seed);
}
