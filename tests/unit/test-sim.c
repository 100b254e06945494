// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-sim.c - the allocator simulator against the kernel's rules
 * (reference/kernel-swap-facts.md 4.4-4.10): each rule on a device small
 * enough that the exact slot, cluster list and order it must lead to can
 * be worked out by hand, then random soaks with every invariant checked
 * after each operation and the analysis run over the result, and a
 * snapshot round trip.
 *
 * Devices use 16-slot clusters (orders 0..4), so cluster c holds slots
 * 16c..16c+15 and cluster 0 holds the header.
 */
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/dump.h>
#include <swapfs/info.h>
#include <swapfs/sim.h>
#include <swapfs/sim-explain.h>

#include "tap.h"

#define CS	16u
#define NIL	UINT32_MAX

#define ROT	(1u << 0)
#define DISC	(1u << 1)
#define FILE_	(1u << 2)
#define SYNC	(1u << 3)

#define FREE_	SNAPSHOT_CLUSTER_FREE
#define NONFULL	SNAPSHOT_CLUSTER_NONFULL
#define FRAG	SNAPSHOT_CLUSTER_FRAG
#define FULL	SNAPSHOT_CLUSTER_FULL
#define DISCARD	SNAPSHOT_CLUSTER_DISCARD
#define NONE	SNAPSHOT_CLUSTER_NONE

static struct diag diag;
static uint32_t cluster_size = CS;	/* of the devices mk() makes */

/* ---- helpers -------------------------------------------------------------- */

static struct sim *mk_bad(enum sim_kernel k, uint32_t slots, unsigned int cpus,
			  unsigned int flags, const uint32_t *bad, size_t nr_bad)
{
	struct sim_config cfg;
	struct sim *sim = NULL;
	int rc;

	sim_config_default(&cfg, slots);
	cfg.kernel = k;
	cfg.cluster_size = cluster_size;
	cfg.cpus = cpus;
	cfg.rotational = flags & ROT;
	cfg.discard = flags & DISC;
	cfg.swapfile = flags & FILE_;
	cfg.synchronous_io = flags & SYNC;
	cfg.check_always = true;
	rc = sim_new(&cfg, bad, nr_bad, &sim, &diag);
	if (rc) {
		fprintf(stderr, "sim_new: %d %s\n", rc, diag.msg);
		exit(1);
	}
	return sim;
}

static struct sim *mk(enum sim_kernel k, uint32_t slots, unsigned int cpus,
		      unsigned int flags)
{
	return mk_bad(k, slots, cpus, flags, NULL, 0);
}

static const struct snapshot *snap(struct sim *sim)
{
	const struct snapshot *s = NULL;

	if (sim_snapshot(sim, &s)) {
		fprintf(stderr, "sim_snapshot failed\n");
		exit(1);
	}
	return s;
}

static unsigned int cflags(struct sim *sim, uint32_t ci)
{
	return snap(sim)->clusters[ci].flags;
}

static unsigned int corder(struct sim *sim, uint32_t ci)
{
	return snap(sim)->clusters[ci].order;
}

static unsigned int ccount(struct sim *sim, uint32_t ci)
{
	return snap(sim)->clusters[ci].count;
}

static uint16_t word(struct sim *sim, uint32_t slot)
{
	return snap(sim)->slots[slot];
}

static uint32_t count(struct sim *sim, uint32_t slot)
{
	return snapshot_count(snap(sim), slot);
}

/* sim_folio_alloc_swap(): the folio's first slot, NIL on failure. */
static uint32_t fa(struct sim *sim, unsigned int cpu, unsigned int order)
{
	uint32_t off;

	return sim_folio_alloc_swap(sim, cpu, order, &off) ? NIL : off;
}

/* One folio swapped out whole and reclaimed (count 1): its slot, or NIL. */
static uint32_t out(struct sim *sim, unsigned int cpu, unsigned int order)
{
	uint32_t offs[64];
	unsigned int nr = 0;
	int rc = sim_swap_out(sim, cpu, order, 1, false, offs, &nr);

	return !rc && nr == 1 ? offs[0] : NIL;
}

static bool put(struct sim *sim, uint32_t off, uint32_t nr)
{
	return sim_swap_put_entries_direct(sim, off, nr) == 0;
}

/*
 * --explain's rule: per order, the reasons sum to swpout_fallback plus the
 * large sim_folio_alloc_swap() calls that failed (@extra, per order: their
 * caller splits them); order 0 has none. The first order that differs is
 * named on stderr; returns whether all agree.
 */
static bool reasons_sum(const struct sim *sim, const uint64_t *extra)
{
	unsigned int k, r;
	uint64_t sum, want;

	for (k = 0; k < sim_nr_orders(sim); k++) {
		for (sum = 0, r = 0; r < SIM_NR_REASONS; r++)
			sum += sim_explain_fallbacks(sim, k, (enum sim_reason)r);
		want = sim_counter(sim, SIM_SWPOUT_FALLBACK, k) + (extra ? extra[k] : 0);
		if (sum != want || sim_explain_fallbacks(sim, k, SIM_REASON_UNKNOWN)) {
			fprintf(stderr, "# order %u: reasons sum to %llu, fallbacks %llu\n",
				k, (unsigned long long)sum, (unsigned long long)want);
			return false;
		}
	}
	return true;
}

/* The snapshot's next hint of @cpu/@order, or 0. */
static uint32_t hint(struct sim *sim, int cpu, unsigned int order)
{
	const struct snapshot *s = snap(sim);
	size_t i;

	for (i = 0; i < s->nr_next; i++)
		if (s->next[i].cpu == cpu && s->next[i].order == order)
			return s->next[i].offset;
	return 0;
}

/* The known run at @slot starts here, of @order. */
static bool run_at(struct sim *sim, uint32_t slot, unsigned int order)
{
	uint16_t w = word(sim, slot);

	return (w & SNAPSHOT_SLOT_HEAD) && snapshot_slot_order(w) == (int)order;
}

static bool folio_is(struct sim *sim, uint32_t off, unsigned int order)
{
	const struct snapshot_folio *f = snapshot_folio_at(snap(sim), off);

	return f && f->offset == off && f->order == order;
}

static int errors_fn(const struct analysis_finding *f, void *arg)
{
	char line[256];

	if (analysis_check_severity(f->check) == ANALYSIS_ERROR) {
		analysis_finding_format(f, line, sizeof(line));
		if ((*(int *)arg)++ < 5)
			fprintf(stderr, "# finding: %s\n", line);
	}
	return 0;
}

/*
 * The checks that judge the model's consistency. mixed-backing is left
 * out: a run whose pages were swapped in and out again one folio at a
 * time (or split) legitimately disagrees on zswap.
 */
#define CONSISTENCY	((1u << ANALYSIS_MISALIGNED) | (1u << ANALYSIS_COUNT_MISMATCH) | \
			 (1u << ANALYSIS_LIST_MISMATCH) | (1u << ANALYSIS_BAD_IN_USE) | \
			 (1u << ANALYSIS_ORPHAN_CACHE))

/* Error findings of the analysis over the simulator's snapshot. */
static int analysis_errors(struct sim *sim)
{
	struct analysis *a = NULL;
	int n = 0, rc;

	rc = analysis_run(snap(sim), CONSISTENCY, errors_fn, &n, &a);
	if (rc || !a)
		return -1;
	if (a->totals.by_severity[ANALYSIS_ERROR] != (uint64_t)n)
		n = -2;
	analysis_free(a);
	return n;
}

/* ---- setup ----------------------------------------------------------------- */

static void test_setup(void)
{
	uint32_t bad[] = { 40 };
	struct sim *sim = mk_bad(SIM_KERNEL_NEWEST, 16 * 6 - 5, 1, 0, bad, 1);
	const struct snapshot *s = snap(sim);

	ok(s->clusters[0].flags == NONFULL && s->clusters[0].count == 1 &&
	   s->clusters[0].order == 0, "setup: header cluster nonfull[0], count 1");
	ok(s->clusters[2].flags == NONFULL && s->clusters[2].count == 1,
	   "setup: cluster with a bad slot nonfull[0], count 1");
	ok(s->clusters[5].flags == NONFULL && s->clusters[5].count == 5,
	   "setup: last cluster counts its 5 tail slots");
	ok(s->clusters[1].flags == FREE_ && s->clusters[3].flags == FREE_ &&
	   s->clusters[4].flags == FREE_, "setup: other clusters free");
	ok((s->slots[0] & SNAPSHOT_SLOT_BAD) && (s->slots[40] & SNAPSHOT_SLOT_BAD),
	   "setup: header and bad slot marked bad");
	ok(s->dev.pages == 16 * 6 - 5 - 2 && s->dev.inuse_pages == 0 &&
	   s->dev.era == 'G' && !strcmp(s->dev.kernel, "newest"),
	   "setup: info pages = max - 1 - bad, era G");
	ok(s->dev.flags == 0x53 && s->dev.has_rotational && !s->dev.rotational,
	   "setup: flags USED|WRITEOK|SOLIDSTATE|BLKDEV");
	ok(!strcmp(s->prov.source_kind, "sim") && s->prov.step == 0,
	   "setup: provenance sim, step 0");
	sim_free(sim);
}

static void test_config_refused(void)
{
	struct sim_config cfg;
	struct sim *sim = NULL;
	uint32_t bad[] = { 5, 3 };

	sim_config_default(&cfg, 1);
	ok(sim_new(&cfg, NULL, 0, &sim, &diag) == -EINVAL && !sim &&
	   !strcmp(diag.rule, "sim-config-slots"), "config: one slot refused");
	sim_config_default(&cfg, 64);
	cfg.cluster_size = 24;
	ok(sim_new(&cfg, NULL, 0, &sim, &diag) == -EINVAL &&
	   !strcmp(diag.rule, "sim-config-cluster-size"),
	   "config: cluster size not a power of two refused");
	sim_config_default(&cfg, 64);
	cfg.cpus = 0;
	ok(sim_new(&cfg, NULL, 0, &sim, &diag) == -EINVAL,
	   "config: no CPU refused");
	sim_config_default(&cfg, 64);
	ok(sim_new(&cfg, bad, 2, &sim, &diag) == -EINVAL &&
	   !strcmp(diag.rule, "sim-bad-order"), "config: unsorted bad list refused");
	cfg.swapfile = true;
	ok(sim_new(&cfg, bad + 1, 1, &sim, &diag) == -EINVAL &&
	   !strcmp(diag.rule, "sim-bad-swapfile"),
	   "config: bad slots on a swap file refused");
}

/* ---- 4.4: which list when ----------------------------------------------------- */

static void test_nonfull_before_free(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 2, 0);

	ok(fa(sim, 0, 0) == 1, "newest: first order-0 folio from nonfull[0] (header cluster), slot 1");
	ok(cflags(sim, 0) == FRAG && ccount(sim, 0) == 2,
	   "newest: relocated to frag after the allocation");
	ok(fa(sim, 0, 0) == 2, "newest: per-CPU fast path continues at slot 2");
	ok(fa(sim, 0, 2) == 16 && cflags(sim, 1) == FRAG && corder(sim, 1) == 2,
	   "newest: order 2 takes free cluster 1, which becomes order 2, frag");
	ok(sim_swap_cache_del_folio(sim, 1) == 0 && cflags(sim, 0) == NONFULL,
	   "newest: freeing slot 1 puts cluster 0 on nonfull");
	ok(fa(sim, 1, 0) == 1, "newest: another CPU takes nonfull cluster 0 from its start: slot 1");
	sim_free(sim);

	sim = mk(SIM_KERNEL_6_12, 128, 2, 0);
	ok(fa(sim, 0, 0) == 16, "6.12: first order-0 folio from the free list, slot 16");
	ok(cflags(sim, 1) == NONFULL && corder(sim, 1) == 0,
	   "6.12: a cluster taken from free moves to nonfull at once");
	ok(cflags(sim, 0) == NONFULL, "6.12: header cluster untouched on nonfull[0]");
	ok(fa(sim, 0, 0) == 17 && cflags(sim, 1) == NONFULL,
	   "6.12: the fast path leaves the cluster on nonfull");
	sim_free(sim);
}

static void test_frag_after_free(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 32, 4, 0);

	ok(fa(sim, 0, 0) == 1, "frag: cpu0 slot 1 in cluster 0");
	ok(fa(sim, 1, 0) == 16, "frag: cpu1 gets the free cluster, not frag cluster 0");
	ok(fa(sim, 2, 0) == 2 && cflags(sim, 0) == FRAG,
	   "frag: with free drained, one frag cluster (0) is tried from its start");
	ok(fa(sim, 3, 0) == 17, "frag: the frag list rotated: cluster 1 next");
	sim_free(sim);
}

static void test_discard_prefers_free(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 1, DISC);

	ok(fa(sim, 0, 0) == 16, "discard: order 0 takes a free cluster before nonfull cluster 0");
	ok(corder(sim, 1) == 0 && cflags(sim, 1) == FRAG,
	   "discard: cluster 1 now order 0, frag");
	ok(snap(sim)->dev.flags == (0x53 | 0x4 | 0x400),
	   "discard: flags add DISCARDABLE|PAGE_DISCARD");
	sim_free(sim);
}

/* ---- 4.5: alignment -------------------------------------------------------- */

static void test_alignment(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 16 * 32, 2, 0);
	unsigned int i, order, bad = 0, n = 0;
	uint32_t off;

	for (i = 0; i < 60; i++) {
		order = 1 + i % 4;
		off = out(sim, i & 1, order);
		if (off == NIL)
			continue;
		n++;
		if ((off & ((1u << order) - 1)) ||
		    off / CS != (off + (1u << order) - 1) / CS ||
		    !run_at(sim, off, order))
			bad++;
		if (i % 3 == 0)
			put(sim, off + (1u << order) / 2, 1);
	}
	ok(n > 40 && !bad, "alignment: %u large folios, all naturally aligned runs in one cluster", n);
	ok(analysis_errors(sim) == 0, "alignment: analysis finds no error");
	sim_free(sim);
}

/* ---- order-0 stealing -------------------------------------------------------- */

static void fill_cluster0(struct sim *sim)
{
	unsigned int i;

	for (i = 1; i < CS; i++)
		out(sim, 0, 0);
}

static void test_stealing(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 48, 4, 0);
	uint32_t offs[16];
	unsigned int nr;

	fill_cluster0(sim);
	ok(cflags(sim, 0) == FULL, "steal: cluster 0 full of order 0");
	ok(out(sim, 0, 2) == 16 && out(sim, 0, 1) == 32,
	   "steal: order 2 in cluster 1, order 1 in cluster 2");
	ok(fa(sim, 2, 3) == NIL && sim_inuse(sim) == 21,
	   "steal: order 3 fails with space left in other orders' clusters (no steal above 0)");
	ok(out(sim, 1, 0) == 34 && corder(sim, 2) == 1,
	   "steal: order 0 steals from frag[1] first (slot 34), cluster keeps order 1");
	ok(put(sim, 32, 2) && cflags(sim, 2) == NONFULL,
	   "steal: freeing 32-33 puts cluster 2 on nonfull[1]");
	ok(out(sim, 3, 0) == 32, "steal: order 1 clusters (nonfull[1]) before order 2's frag");
	ok(sim_swap_out(sim, 2, 3, 1, false, offs, &nr) == 0 && nr == 8 &&
	   sim_counter(sim, SIM_SWPOUT_FALLBACK, 3) == 1 &&
	   sim_counter(sim, SIM_SWPOUT, 3) == 0,
	   "steal: swap-out of order 3 falls back to 8 order-0 folios");
	sim_free(sim);

	/* frag before nonfull within one order */
	sim = mk(SIM_KERNEL_NEWEST, 64, 4, 0);
	fill_cluster0(sim);
	for (nr = 0; nr < 8; nr++)
		out(sim, 0, 1);
	ok(cflags(sim, 1) == FULL, "steal: cluster 1 full of order 1");
	ok(out(sim, 0, 1) == 32 && out(sim, 0, 2) == 48,
	   "steal: order 1 in cluster 2 (frag), order 2 in cluster 3");
	ok(put(sim, 16, 2) && cflags(sim, 1) == NONFULL,
	   "steal: cluster 1 on nonfull[1]");
	ok(out(sim, 1, 0) == 34, "steal: frag[1] (cluster 2) before nonfull[1] (cluster 1)");
	sim_free(sim);
}

/* ---- --explain: the reason of each fallback, the steals, the trace -------------- */

static FILE *trace_file;

/* A device explaining into a fresh trace file. */
static struct sim *mk_explain(enum sim_kernel k, uint32_t slots, unsigned int cpus,
			      unsigned int flags)
{
	struct sim *sim = mk(k, slots, cpus, flags);

	trace_file = tmpfile();
	if (!trace_file || sim_explain_on(sim) ||
	    sim_explain_trace(sim, fileno(trace_file)) || sim_explain_on(sim) != -EBUSY)
		exit(1);
	return sim;
}

/* The trace so far, flushed (a static buffer). */
static char *trace_text(struct sim *sim)
{
	static char buf[8192];
	size_t n;

	if (sim_explain_flush(sim))
		return NULL;
	rewind(trace_file);
	n = fread(buf, 1, sizeof(buf) - 1, trace_file);
	buf[n] = '\0';
	fseek(trace_file, 0, SEEK_END);
	return buf;
}

static void explain_done(struct sim *sim)
{
	sim_free(sim);
	fclose(trace_file);
}

/* A swap-out of @order falls back, the first for reason @r. */
static bool falls_back(struct sim *sim, unsigned int order, enum sim_reason r)
{
	return out(sim, 0, order) == NIL && sim_explain_fallbacks(sim, order, r) == 1;
}

/* On a fresh device of @flags, order @order is refused for reason @r. */
static bool refused(enum sim_kernel k, unsigned int flags, unsigned int order,
		    enum sim_reason r)
{
	struct sim *sim = mk_explain(k, 48, 1, flags);
	bool yes = falls_back(sim, order, r);

	explain_done(sim);
	return yes;
}

/*
 * Cluster 0 full of order 0, cluster 1 of order 2 and cluster 2 of order
 * 2 with slots 33 and 37 freed: no free aligned 4-slot range anywhere,
 * 45 of 47 pages used (vm_swap_full()).
 */
static void frag_no_room_case(struct sim *sim)
{
	unsigned int i;

	fill_cluster0(sim);
	for (i = 0; i < 8; i++)
		out(sim, 0, 2);
	put(sim, 33, 1);
	put(sim, 37, 1);
}

static void test_explain_newest(void)
{
	struct sim *sim = mk_explain(SIM_KERNEL_NEWEST, 48, 4, 0);
	const char *t;

	fill_cluster0(sim);
	out(sim, 0, 2);
	out(sim, 0, 1);
	ok(fa(sim, 2, 3) == NIL && sim_explain_fallbacks(sim, 3, SIM_REASON_FRAG_EMPTY) == 1,
	   "explain: order 3 with no cluster of its own and no free one: frag_empty");
	ok(out(sim, 1, 0) == 34 && sim_explain_steals(sim, 1, SIM_STEAL_FRAG) == 1 &&
	   sim_explain_steals(sim, 1, SIM_STEAL_NONFULL) == 0,
	   "explain: order 0 stealing from frag[1] is counted at order 1, frag");
	t = trace_text(sim);
	ok(t && !strcmp(t, "18 3 fallback frag_empty percpu_swap_cluster:0,"
			"nonfull_clusters[3]:0,free_clusters:0,frag_clusters[3]:0\n"
			"19 1 steal frag percpu_swap_cluster:0,nonfull_clusters[0]:0,"
			"free_clusters:0,frag_clusters[0]:0,frag_clusters[1]:1\n"),
	   "explain: the trace has one line per event, each step and its clusters");
	explain_done(sim);

	sim = mk_explain(SIM_KERNEL_NEWEST, 48, 1, 0);
	frag_no_room_case(sim);
	ok(falls_back(sim, 2, SIM_REASON_FRAG_NO_ROOM) &&
	   reasons_sum(sim, NULL), "explain: order 2 whose frag cluster has no aligned room: frag_no_room");
	t = trace_text(sim);
	ok(t && strstr(t, " 2 fallback frag_no_room percpu_swap_cluster:0,nonfull_clusters[2]:1,"
		       "free_clusters:0,swap_reclaim_full_clusters,frag_clusters[2]:1\n"),
	   "explain: nonfull[2] scanned (it moves to frag), reclaim (vm_swap_full), frag[2] scanned");
	explain_done(sim);

	ok(refused(SIM_KERNEL_NEWEST, FILE_, 2, SIM_REASON_NOT_BLKDEV),
	   "explain: order 2 on a swap file: not_blkdev");

	sim = mk_explain(SIM_KERNEL_NEWEST, 32, 1, 0);
	fill_cluster0(sim);
	out(sim, 0, 4);
	ok(falls_back(sim, 4, SIM_REASON_OFF_AVAIL_LIST),
	   "explain: a full device is off the avail list: off_avail_list");
	explain_done(sim);

	sim = mk_explain(SIM_KERNEL_NEWEST, 48, 1, 0);
	fill_cluster0(sim);
	out(sim, 0, 4);
	out(sim, 0, 0);
	ok(falls_back(sim, 4, SIM_REASON_FREE_EMPTY),
	   "explain: a whole-cluster folio tries the free list only: free_empty");
	ok(reasons_sum(sim, NULL), "explain: reasons sum to swpout_fallback");
	explain_done(sim);
}

static void test_explain_612(void)
{
	struct sim *sim = mk_explain(SIM_KERNEL_6_12, 64, 1, 0);
	unsigned int i;
	const char *t;

	/* clusters 1 and 2 of order 2, cluster 3 of order 1, all full */
	for (i = 0; i < 8; i++)
		out(sim, 0, 2);
	for (i = 0; i < 8; i++)
		out(sim, 0, 1);
	put(sim, 33, 1);
	put(sim, 37, 1);
	ok(cflags(sim, 2) == NONFULL && sim_inuse(sim) == 46,
	   "explain 6.12: cluster 2 on nonfull[2] without an aligned 4-slot range");
	ok(falls_back(sim, 2, SIM_REASON_NONFULL_NO_ROOM),
	   "explain 6.12: the nonfull cluster moved to frag is not walked again: nonfull_no_room");
	ok(falls_back(sim, 2, SIM_REASON_FRAG_NO_ROOM),
	   "explain 6.12: the next time the frag walk scans it: frag_no_room");
	t = trace_text(sim);
	ok(t && strstr(t, " 2 fallback nonfull_no_room free_clusters:0,swap_reclaim_full_clusters,"
		       "nonfull_clusters[2]:1,frag_clusters[2]:0\n") &&
	   strstr(t, " 2 fallback frag_no_room free_clusters:0,swap_reclaim_full_clusters,"
		  "nonfull_clusters[2]:0,frag_clusters[2]:1\n"),
	   "explain 6.12: free first, reclaim, the nonfull walk, then the frag walk");
	ok(reasons_sum(sim, NULL), "explain 6.12: reasons sum to swpout_fallback");
	explain_done(sim);

	ok(refused(SIM_KERNEL_6_12, ROT, 1, SIM_REASON_NO_CLUSTER_INFO),
	   "explain 6.12: order 1 on a rotational device (no cluster_info): no_cluster_info");
	ok(refused(SIM_KERNEL_6_12, FILE_, 1, SIM_REASON_NOT_BLKDEV),
	   "explain 6.12: order 1 on a swap file: not_blkdev");

	sim = mk_explain(SIM_KERNEL_6_12, 32, 1, 0);
	fill_cluster0(sim);
	out(sim, 0, 3);
	out(sim, 0, 2);
	out(sim, 0, 1);
	ok(falls_back(sim, 2, SIM_REASON_NO_SWAP_PAGES),
	   "explain 6.12: 2 pages left for a 4-page folio: no_swap_pages");
	explain_done(sim);
}

/* ---- vm_swap_full() and cache-only slots ----------------------------------------- */

/*
 * Cluster 0 gets a cache-only slot 1, slot 2 in use and a hole at 3, on
 * nonfull[0]; clusters 1..5 get 62 - 2 slots of large folios. With @nbad
 * bad slots in cluster 0, pages = 127 - nbad and inuse = 62 at the scan.
 */
static uint32_t threshold_case(unsigned int nbad)
{
	uint32_t bad[] = { 12, 13, 14, 15 }, got;
	struct sim *sim = mk_bad(SIM_KERNEL_NEWEST, 128, 3, 0, bad, nbad);

	fa(sim, 0, 0);
	out(sim, 0, 0);
	out(sim, 0, 0);
	put(sim, 3, 1);
	out(sim, 1, 4);
	out(sim, 1, 4);
	out(sim, 1, 4);
	out(sim, 1, 3);
	out(sim, 1, 2);
	got = sim_inuse(sim) == 62 && cflags(sim, 0) == NONFULL ? fa(sim, 2, 0) : NIL - 1;
	sim_free(sim);
	return got;
}

static void test_vm_swap_full(void)
{
	ok(threshold_case(3) == 3,
	   "full: 62 of 124 pages used is not full: the cache-only slot is skipped");
	ok(threshold_case(4) == 1,
	   "full: 62 of 123 pages used is full: the cache-only slot is reclaimed and reused");
}

static void test_reclaim_full_cluster(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 48, 2, 0);
	unsigned int i;

	/* cluster 1 full of cache-only order-2 folios, cluster 2 in use */
	for (i = 0; i < 4; i++)
		fa(sim, 0, 2);
	out(sim, 1, 4);
	for (i = 1; i < CS - 1; i++)
		out(sim, 0, 0);
	ok(cflags(sim, 1) == FULL && ccount(sim, 1) == 16 && sim_inuse(sim) == 46,
	   "reclaim: cluster 1 full of cache-only slots, one slot left");
	ok(fa(sim, 0, 0) == 15 && sim_inuse(sim) == 31 && cflags(sim, 1) == FREE_,
	   "reclaim: filling the device ran swap_reclaim_work(): cluster 1 reclaimed");
	ok((word(sim, 15) & SNAPSHOT_SLOT_CACHED) && !count(sim, 15),
	   "reclaim: the folio just allocated stays cached");
	sim_free(sim);

	/* step 5: one full cluster reclaimed when free and nonfull are drained */
	sim = mk(SIM_KERNEL_NEWEST, 64, 2, 0);
	for (i = 0; i < 4; i++)
		fa(sim, 0, 2);	/* cluster 1: cache only */
	out(sim, 1, 4);
	out(sim, 1, 3);		/* cluster 3: order 3, half */
	for (i = 1; i < 8; i++)
		out(sim, 1, 0);	/* cluster 0 */
	ok(sim_inuse(sim) == 47 && cflags(sim, 1) == FULL,
	   "reclaim: 47 of 63 used, cluster 1 full of cache-only folios");
	ok(out(sim, 0, 2) == NIL && sim_counter(sim, SIM_SWPOUT_FALLBACK, 2) == 1,
	   "reclaim: order 2 still fails (reclaim comes after the free list)");
	ok(corder(sim, 1) == 0 && ccount(sim, 1) == 4 && count(sim, 19) == 1,
	   "reclaim: but step 5 freed cluster 1, where the order-0 fallback went");
	sim_free(sim);
}

/* ---- discard --------------------------------------------------------------------- */

static void test_discard(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 64, 1, DISC);

	ok(out(sim, 0, 0) == 16, "discard: slot 16 in cluster 1");
	ok(put(sim, 16, 1) && cflags(sim, 1) == DISCARD && corder(sim, 1) == 0,
	   "discard: empty cluster goes to the discard list");
	ok(out(sim, 0, 2) == 32 && cflags(sim, 1) == DISCARD,
	   "discard: a discard cluster is not reused");
	ok(sim_discard_work(sim) == 1 && cflags(sim, 1) == FREE_,
	   "discard: the worker frees it, to the tail of the free list");
	ok(out(sim, 0, 4) == 48 && out(sim, 0, 4) == 16,
	   "discard: order 4 in clusters 3, then 1");
	ok(put(sim, 16, 16) && put(sim, 32, 4) && cflags(sim, 1) == DISCARD &&
	   cflags(sim, 2) == DISCARD, "discard: clusters 1 and 2 discarding");
	fill_cluster0(sim);
	ok(fa(sim, 0, 2) == NIL && cflags(sim, 1) == DISCARD && cflags(sim, 2) == DISCARD,
	   "discard: order 2 fails, no synchronous discard for order > 0");
	ok(fa(sim, 0, 0) == 16 && cflags(sim, 1) == FRAG && cflags(sim, 2) == FREE_,
	   "discard: order 0 runs the pending discards and retries (slot 16)");
	sim_free(sim);

	sim = mk(SIM_KERNEL_6_12, 64, 1, DISC);
	out(sim, 0, 4);
	out(sim, 0, 4);
	out(sim, 0, 4);
	fill_cluster0(sim);
	ok(put(sim, 16, 16) && cflags(sim, 1) == DISCARD, "6.12 discard: cluster 1 discarding");
	ok(fa(sim, 0, 2) == 16 && cflags(sim, 1) == NONFULL && corder(sim, 1) == 2,
	   "6.12 discard: order 2 discards synchronously, restarts and takes it");
	ok(snap(sim)->dev.era == 'C' && !strcmp(snap(sim)->dev.kernel, "6.12"),
	   "6.12: snapshot is era C, kernel 6.12");
	sim_free(sim);
}

/* ---- swap files, header and bad clusters ------------------------------------------- */

static void test_swapfile(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 1, FILE_);
	uint32_t offs[16];
	unsigned int nr;

	ok(fa(sim, 0, 2) == NIL && sim_inuse(sim) == 0,
	   "swapfile: order 2 refused on a swap file");
	ok(sim_swap_out(sim, 0, 2, 1, false, offs, &nr) == 0 && nr == 4 &&
	   offs[0] == 1 && offs[1] == 2 && offs[2] == 3 && offs[3] == 4,
	   "swapfile: swap-out splits into order-0 slots 1..4");
	ok(sim_counter(sim, SIM_SWPOUT_FALLBACK, 2) == 1 &&
	   sim_counter(sim, SIM_SWPOUT, 2) == 0, "swapfile: swpout_fallback counted");
	ok(!(snap(sim)->dev.flags & 0x40), "swapfile: no SWP_BLKDEV in flags");
	sim_free(sim);
}

static void test_marked_clusters_order0(void)
{
	uint32_t bad[] = { 40 };
	struct sim *sim = mk_bad(SIM_KERNEL_NEWEST, 16 * 6 - 5, 2, 0, bad, 1);
	const struct snapshot *s;
	unsigned int n = 0, wrong = 0, i;
	uint32_t off;

	for (i = 0; i < 40; i++) {
		off = out(sim, i & 1, 2);
		if (off == NIL)
			break;
		n++;
		if (off / CS == 0 || off / CS == 2 || off / CS == 5)
			wrong++;
	}
	s = snap(sim);
	ok(n == 12 && !wrong, "marked: 12 order-2 folios, none in the header, bad or tail clusters");
	ok(s->clusters[0].order == 0 && s->clusters[2].order == 0 &&
	   s->clusters[5].order == 0, "marked: those clusters keep order 0");
	ok(s->clusters[1].order == 2 && s->clusters[3].order == 2 &&
	   s->clusters[4].order == 2, "marked: the others became order 2");
	ok(out(sim, 0, 0) == 5 && count(sim, 4) == 1,
	   "marked: the 13th fell back to order 0 in the header cluster (1..4)");
	for (i = 0; i < 19; i++)
		out(sim, 0, 0);
	ok(count(sim, 15) == 1 && count(sim, 32) == 1 && count(sim, 39) == 1 &&
	   count(sim, 41) == 1 && !count(sim, 42),
	   "marked: order 0 then fills cluster 0 and the bad cluster around slot 40");
	for (i = 1; i < 48; i++)
		if (word(sim, i) & SNAPSHOT_SLOT_COUNT)
			put(sim, i, 1);
	ok(cflags(sim, 0) == NONFULL && ccount(sim, 0) == 1 && corder(sim, 0) == 0,
	   "marked: emptied header cluster stays nonfull, order 0");
	ok(cflags(sim, 2) == NONFULL && ccount(sim, 2) == 1 && corder(sim, 2) == 0,
	   "marked: emptied bad cluster stays nonfull, order 0");
	ok(cflags(sim, 1) == FREE_ && analysis_errors(sim) == 0,
	   "marked: cluster 1 free again; no analysis error");
	sim_free(sim);
}

/* ---- per-CPU and global clusters ------------------------------------------------------ */

static void test_percpu(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 2, 0);

	ok(out(sim, 0, 2) == 16 && out(sim, 1, 2) == 32,
	   "percpu: two CPUs take different clusters");
	ok(out(sim, 0, 2) == 20 && out(sim, 1, 2) == 36,
	   "percpu: each continues in its own cluster");
	ok(hint(sim, 0, 2) == 24 && hint(sim, 1, 2) == 40 &&
	   hint(sim, SNAPSHOT_NEXT_GLOBAL, 2) == 0,
	   "percpu: snapshot next hints per CPU");
	ok(put(sim, 16, 4) && put(sim, 20, 4) && cflags(sim, 1) == FREE_,
	   "percpu: cluster 1 emptied goes free");
	ok(out(sim, 0, 0) == 1 && out(sim, 0, 2) == 48,
	   "percpu: cpu0's hint into a free cluster is unusable: slow path, free before frag");
	sim_free(sim);
}

/*
 * cpu0's order-2 hint points into cluster 1, which was freed and taken by
 * order 3 on cpu1 meanwhile.
 */
static void test_hint_other_order(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 32, 2, 0);

	ok(out(sim, 0, 2) == 16 && put(sim, 16, 4) && out(sim, 1, 3) == 16 &&
	   corder(sim, 1) == 3, "hint: cluster 1 went from order 2 to order 3");
	ok(out(sim, 0, 2) == NIL && !count(sim, 24) && count(sim, 1) == 1,
	   "newest: cluster_is_usable() refuses the hint: order 2 falls back to order 0");
	sim_free(sim);

	sim = mk(SIM_KERNEL_6_12, 32, 2, 0);
	ok(out(sim, 0, 2) == 16 && put(sim, 16, 4) && out(sim, 1, 3) == 16 &&
	   corder(sim, 1) == 3, "6.12 hint: cluster 1 went from order 2 to order 3");
	ok(out(sim, 0, 2) == 24 && corder(sim, 1) == 3,
	   "6.12: the per-CPU next is used without a usability test (order 2 in an order-3 cluster)");
	sim_free(sim);
}

static void test_rotational(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 2, ROT);

	ok(out(sim, 0, 2) == 16 && out(sim, 1, 2) == 20,
	   "rotational: both CPUs share the global cluster");
	ok(hint(sim, SNAPSHOT_NEXT_GLOBAL, 2) == 24 && hint(sim, 0, 2) == 0 &&
	   hint(sim, 1, 2) == 0, "rotational: only a global next hint");
	ok(out(sim, 1, 0) == 1 && out(sim, 0, 0) == 2,
	   "rotational: order 0 in the global order-0 cluster too");
	ok(snap(sim)->dev.flags == 0x43 && snap(sim)->dev.rotational,
	   "rotational: no SOLIDSTATE flag, rotational=1");
	sim_free(sim);

	sim = mk(SIM_KERNEL_6_12, 128, 2, ROT);
	ok(fa(sim, 0, 2) == NIL, "6.12 rotational: order 2 fails (no cluster_info)");
	ok(out(sim, 0, 0) == 1 && out(sim, 1, 0) == 2 && out(sim, 0, 0) == 3,
	   "6.12 rotational: legacy scan from the lowest free slot");
	ok(put(sim, 2, 1) && out(sim, 1, 0) == 2, "6.12 rotational: a freed low slot is reused first");
	ok(cflags(sim, 0) == NONE && cflags(sim, 1) == NONE && ccount(sim, 0) == 4 &&
	   hint(sim, 0, 0) == 0, "6.12 rotational: clusters on no list, counts kept, no hints");
	sim_free(sim);
}

/* ---- 6.12 differences ---------------------------------------------------------------- */

/*
 * Clusters 1..3 full of order 2; cluster 1 gets an unusable hole, cluster
 * 2 two usable ones; cpu3 allocates once (taking 32), cpu4 then tries
 * with nonfull and free empty, frag[2] = [1, 2].
 */
static uint32_t frag_walk_case(enum sim_kernel k, unsigned int *flags1)
{
	struct sim *sim = mk(k, 64, 5, 0);
	unsigned int i;
	uint32_t got;

	for (i = 0; i < 4; i++) {
		out(sim, 0, 2);
		out(sim, 1, 2);
		out(sim, 2, 2);
	}
	put(sim, 17, 1);
	put(sim, 32, 4);
	put(sim, 40, 4);
	got = out(sim, 3, 2) == 32 && cflags(sim, 1) == FRAG &&
	      cflags(sim, 2) == FRAG ? out(sim, 4, 2) : NIL - 1;
	*flags1 = cflags(sim, 1);
	sim_free(sim);
	return got;
}

static void test_612_frag_walk(void)
{
	unsigned int f;

	ok(frag_walk_case(SIM_KERNEL_NEWEST, &f) == NIL && f == FRAG,
	   "newest: only one frag cluster is tried: order 2 fails");
	ok(frag_walk_case(SIM_KERNEL_6_12, &f) == 40 && f == FRAG,
	   "6.12: frag clusters up to frag_cluster_nr are tried: slot 40");
}

static void test_612_steal_reclaim(void)
{
	uint32_t bad[10], i;
	struct sim *sim = mk(SIM_KERNEL_6_12, 32, 3, 0);

	ok(out(sim, 0, 1) == 16 && cflags(sim, 1) == NONFULL,
	   "6.12 steal: order 1 in free cluster 1");
	fill_cluster0(sim);
	ok(cflags(sim, 0) == FULL && out(sim, 2, 0) == 18 &&
	   corder(sim, 1) == 1 && cflags(sim, 1) == NONFULL,
	   "6.12 steal: order 0 steals from nonfull[1] (slot 18), cluster stays put");
	sim_free(sim);

	sim = mk(SIM_KERNEL_6_12, 48, 2, 0);
	for (i = 0; i < 4; i++)
		fa(sim, 0, 2);	/* cluster 1: cache only, full */
	out(sim, 0, 4);		/* cluster 2 */
	ok(sim_inuse(sim) == 32 && cflags(sim, 1) == FULL && cflags(sim, 2) == FULL,
	   "6.12 reclaim: clusters 1 (cache only) and 2 full");
	ok(out(sim, 1, 2) == NIL && corder(sim, 1) == 0 && ccount(sim, 1) == 4,
	   "6.12 reclaim: order 2 fails, but reclaimed cluster 1 took the order-0 fallback");
	sim_free(sim);

	/*
	 * get_swap_pages() takes the folio's pages from nr_swap_pages before
	 * the scan: 26 of 53 pages used is vm_swap_full() for it.
	 */
	for (i = 0; i < 10; i++)
		bad[i] = 5 + i;
	sim = mk_bad(SIM_KERNEL_6_12, 64, 5, 0, bad, 10);
	out(sim, 1, 3);
	out(sim, 3, 3);
	out(sim, 4, 3);
	fa(sim, 0, 0);
	out(sim, 0, 0);
	out(sim, 0, 0);
	put(sim, 3, 1);
	ok(sim_inuse(sim) == 26 && (word(sim, 1) & SNAPSHOT_SLOT_CACHED) &&
	   cflags(sim, 0) == NONFULL, "6.12 reserve: 26 of 53 used, slot 1 cache-only, hole at 3");
	ok(fa(sim, 2, 0) == 1, "6.12 reserve: the scan sees nr_swap_pages less the folio: full, slot 1 reclaimed");
	sim_free(sim);
}

/* ---- references, cache, splits, swap-in ------------------------------------------------- */

static void test_counts(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 1, 0);
	uint32_t offs[16], i;
	unsigned int nr;
	uint64_t ops;
	bool all;

	ok(sim_swap_out(sim, 0, 2, 2, true, offs, &nr) == 0 && nr == 1 &&
	   offs[0] == 16 && sim_counter(sim, SIM_SWPOUT, 2) == 1,
	   "counts: order-2 swap-out kept cached at 16, swpout counted");
	ok(count(sim, 16) == 2 && (word(sim, 19) & SNAPSHOT_SLOT_CACHED) &&
	   folio_is(sim, 16, 2), "counts: mapcount 2, cached, folio of order 2");
	ok(sim_swap_dup_entry_direct(sim, 16, 4) == 0 && count(sim, 18) == 3,
	   "counts: fork adds one");
	ok(sim_folio_dup_swap(sim, 16) == 0 && count(sim, 17) == 4,
	   "counts: folio_dup_swap adds one");
	for (i = 0; i < 4; i++)
		put(sim, 16, 4);
	ok(count(sim, 16) == 0 && (word(sim, 16) & SNAPSHOT_SLOT_CACHED) &&
	   sim_inuse(sim) == 4 && ccount(sim, 1) == 4,
	   "counts: last put leaves the cached slots cache-only (not full)");
	ok(sim_swap_cache_del_folio(sim, 16) == 0 && sim_inuse(sim) == 0 &&
	   cflags(sim, 1) == FREE_ && corder(sim, 1) == 0,
	   "counts: the folio leaving the cache frees them; cluster free, order reset");

	ok(out(sim, 0, 0) == 1, "counts: order-0 slot 1");
	for (i = 0, all = true; i < 200; i++)
		all &= sim_swap_dup_entry_direct(sim, 1, 1) == 0;
	ok(all && count(sim, 1) == 201 &&
	   (word(sim, 1) & SNAPSHOT_SLOT_COUNT) == SNAPSHOT_COUNT_BIG,
	   "counts: 201 references through the counts table");
	for (i = 0; i < 200; i++)
		put(sim, 1, 1);
	ok(count(sim, 1) == 1 && snap(sim)->nr_counts == 0,
	   "counts: back to 1, table empty");
	ok(put(sim, 1, 1) && sim_inuse(sim) == 0 && !word(sim, 1),
	   "counts: last reference frees the slot");
	ok(sim_swap_out(sim, 0, 0, 300, false, offs, &nr) == 0 && offs[0] == 2 &&
	   count(sim, 2) == 300 && put(sim, 2, 1) && count(sim, 2) == 299 &&
	   snap(sim)->nr_counts == 1, "counts: mapcount 300 kept in the counts table");
	for (i = 0; i < 298; i++)
		put(sim, 2, 1);
	ok(count(sim, 2) == 1 && put(sim, 2, 1) && !word(sim, 2),
	   "counts: 300 puts free it");

	ops = sim_ops(sim);
	ok(sim_swap_put_entries_direct(sim, 1, 1) == -EINVAL &&
	   sim_swap_dup_entry_direct(sim, 1, 1) == -EINVAL &&
	   sim_folio_dup_swap(sim, 1) == -EINVAL &&
	   sim_swap_cache_del_folio(sim, 1) == -EINVAL &&
	   sim_swap_put_entries_direct(sim, 0, 1) == -EINVAL &&
	   sim_swap_put_entries_direct(sim, 120, 16) == -EINVAL,
	   "counts: operations on free, header or out-of-range slots refused");
	ok(sim_folio_alloc_swap(sim, 1, 0, offs) == -EINVAL &&
	   sim_folio_alloc_swap(sim, 0, 5, offs) == -EINVAL &&
	   sim_ops(sim) == ops, "counts: bad cpu or order refused, nothing done");
	sim_free(sim);
}

static void test_put_reclaims_when_full(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 64, 1, 0);
	uint32_t offs[16];
	unsigned int nr;

	out(sim, 0, 4);
	out(sim, 0, 4);
	sim_swap_out(sim, 0, 2, 1, true, offs, &nr);
	ok(sim_inuse(sim) == 36 && (word(sim, offs[0]) & SNAPSHOT_SLOT_CACHED),
	   "put-full: 36 of 63 used, a cached folio with count 1");
	ok(put(sim, offs[0], 4) && sim_inuse(sim) == 32 && !word(sim, offs[0]),
	   "put-full: under vm_swap_full() its last put reclaims the cache (TTRS_FULL)");
	sim_free(sim);
}

static void test_split(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 1, 0);
	uint32_t offs[16];
	unsigned int nr;

	sim_swap_out(sim, 0, 4, 1, true, offs, &nr);
	ok(offs[0] == 16 && folio_is(sim, 16, 4) && run_at(sim, 16, 4),
	   "split: order-4 folio and run at 16");
	ok(sim_split_folio(sim, 16, 2) == 0 && folio_is(sim, 16, 2) &&
	   folio_is(sim, 20, 2) && folio_is(sim, 24, 2) && folio_is(sim, 28, 2),
	   "split: four order-2 folios");
	ok(run_at(sim, 16, 2) && run_at(sim, 28, 2) && !run_at(sim, 17, 2) &&
	   corder(sim, 1) == 4 && count(sim, 21) == 1,
	   "split: runs rewritten to order 2; counts and ci->order kept");
	ok(sim_split_folio(sim, 20, 0) == 0 && folio_is(sim, 21, 0) &&
	   folio_is(sim, 24, 2) && run_at(sim, 23, 0),
	   "split: one of them to order 0");
	ok(sim_split_folio(sim, 24, 3) == -EINVAL &&
	   sim_swap_cache_del_folio(sim, 25) == -EINVAL,
	   "split: growing refused, middle of a folio is no folio");
	ok(sim_swap_cache_del_folio(sim, 24) == 0 && count(sim, 24) == 1 &&
	   !(word(sim, 24) & SNAPSHOT_SLOT_CACHED) && sim_inuse(sim) == 16,
	   "split: a piece leaves the cache, its slots stay swapped out");
	sim_free(sim);
}

static void test_swap_in(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 1, SYNC);
	unsigned int got = 99;
	uint32_t start = 0, offs[16];
	unsigned int nr;

	ok(out(sim, 0, 4) == 16, "swapin: order-4 folio swapped out at 16");
	ok(sim_swap_in(sim, 0, 21, 4, &got, &start) == 0 && got == 4 &&
	   start == 16 && sim_counter(sim, SIM_SWPIN, 4) == 1,
	   "swapin: whole order-4 folio back, swpin counted");
	ok(sim_inuse(sim) == 0 && cflags(sim, 1) == FREE_,
	   "swapin: no reference left, the cache is dropped and the slots freed");

	sim_swap_out(sim, 0, 4, 2, false, offs, &nr);
	ok(sim_swap_in(sim, 0, offs[0], 4, &got, &start) == 0 && got == 4 &&
	   folio_is(sim, offs[0], 4) && count(sim, offs[0] + 3) == 1,
	   "swapin: with a reference left the folio stays in the cache");

	ok(out(sim, 0, 4) == 48 && put(sim, 49, 1),
	   "swapin: folio at 48, slot 49 freed");
	ok(sim_swap_in(sim, 0, 54, 4, &got, &start) == 0 && got == 2 &&
	   start == 52 && sim_counter(sim, SIM_SWPIN_FALLBACK, 4) == 1 &&
	   sim_counter(sim, SIM_SWPIN_FALLBACK, 3) == 1 &&
	   sim_counter(sim, SIM_SWPIN, 2) == 1,
	   "swapin: busy ranges fall back to order 2 (fallback counted at 4 and 3)");
	ok(sim_swap_in(sim, 0, 49, 0, &got, &start) == -EINVAL &&
	   sim_swap_in(sim, 0, offs[0], 0, &got, &start) == -EINVAL,
	   "swapin: a free or cached slot is refused");
	sim_free(sim);

	sim = mk(SIM_KERNEL_NEWEST, 128, 1, SYNC);
	ok(out(sim, 0, 4) == 16 && sim_set_zswap(sim, 17, 1, true) == 0,
	   "swapin: slot 17 of a folio at 16 in zswap");
	ok(sim_swap_in(sim, 0, 20, 4, &got, &start) == 0 && got == 2 &&
	   start == 20 && sim_counter(sim, SIM_SWPIN_FALLBACK, 4) == 0 &&
	   sim_counter(sim, SIM_SWPIN_FALLBACK, 3) == 0,
	   "swapin: ranges with zswap are not offered (no fallback counted): order 2");
	sim_free(sim);

	sim = mk(SIM_KERNEL_6_12, 128, 1, SYNC);
	sim_swap_out(sim, 0, 4, 2, false, offs, &nr);
	ok(sim_swap_in(sim, 0, offs[0], 4, &got, &start) == 0 && got == 0 &&
	   folio_is(sim, offs[0], 0) && count(sim, offs[0]) == 1,
	   "6.12 swapin: count 2 takes the swap cache path: order 0, cache kept");
	start = out(sim, 0, 4);
	ok(start != NIL && sim_swap_dup_entry_direct(sim, start + 5, 1) == 0 &&
	   sim_swap_in(sim, 0, start + 4, 2, &got, &offs[1]) == 0 && got == 2 &&
	   offs[1] == start + 4 && count(sim, start + 5) == 1 &&
	   !(word(sim, start + 5) & SNAPSHOT_SLOT_CACHED) && !word(sim, start + 4),
	   "6.12 swapin: count 1 skips the swap cache: order 2, nothing stays cached");
	sim_free(sim);

	sim = mk(SIM_KERNEL_NEWEST, 128, 1, 0);
	out(sim, 0, 4);
	ok(sim_swap_in(sim, 0, 16, 4, &got, &start) == 0 && got == 0 &&
	   start == 16 && sim_counter(sim, SIM_SWPIN_FALLBACK, 4) == 0,
	   "swapin: no large swap-in without SWP_SYNCHRONOUS_IO");
	sim_free(sim);
}

static void test_runs_dissolve(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 1, 0);

	ok(out(sim, 0, 2) == 16 && run_at(sim, 16, 2) &&
	   snapshot_slot_order(word(sim, 19)) == 2, "runs: order-2 run recorded");
	ok(put(sim, 18, 1) && !(word(sim, 16) & (SNAPSHOT_SLOT_HEAD | SNAPSHOT_SLOT_ORDER)) &&
	   snapshot_slot_order(word(sim, 19)) < 0 && count(sim, 17) == 1,
	   "runs: freeing one slot ends the run on all of them");
	ok(out(sim, 0, 0) == 1 && run_at(sim, 1, 0), "runs: order-0 allocations are runs too");
	sim_free(sim);
}

static void test_backing(void)
{
	struct sim *sim = mk(SIM_KERNEL_NEWEST, 128, 1, 0);

	out(sim, 0, 2);
	ok(sim_set_zswap(sim, 16, 4, true) == 0 && sim_set_zero(sim, 16, 2, true) == 0 &&
	   (word(sim, 19) & SNAPSHOT_SLOT_ZSWAP) && (word(sim, 17) & SNAPSHOT_SLOT_ZERO),
	   "backing: zswap and zero bits set");
	ok(sim_set_zswap(sim, 20, 1, true) == -EINVAL, "backing: refused on a free slot");
	ok(put(sim, 16, 4) && !word(sim, 16) && !word(sim, 19),
	   "backing: freeing clears them (swap_range_free())");
	sim_free(sim);
}

/* ---- randomized soak ----------------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (uint32_t)(rng_state % n) : 0;
}

/*
 * One random operation the kernel could do, chosen from the state. Every
 * random number is drawn in its own statement: the order in which a
 * call's arguments are evaluated is unspecified.
 */
/* Large sim_folio_alloc_swap() calls of the soak that failed, per order. */
static uint64_t soak_fa_fails[SNAPSHOT_MAX_ORDER + 1];

static int soak_step(struct sim *sim, unsigned int cpus, unsigned int *fails)
{
	const struct snapshot *s = snap(sim);
	const struct snapshot_folio *f;
	static uint32_t offs[SNAPSHOT_MAX_CLUSTER_SIZE];
	uint32_t off = 1 + rnd(s->dev.max - 1), st, n, len;
	unsigned int nr, got, order, k = rnd(100), cpu = rnd(cpus);
	unsigned int mapcount = rnd(3);
	bool keep = rnd(5) == 0;
	uint16_t w = s->slots[off];
	int rc;

	if (k < 40) {
		order = rnd(10) ? rnd(sim_nr_orders(sim) < 5 ? sim_nr_orders(sim) : 5) :
			rnd(sim_nr_orders(sim));
		rc = sim_swap_out(sim, cpu, order, mapcount, keep, offs, &nr);
		*fails += rc == -ENOSPC;
		return rc == -ENOSPC ? 0 : rc;
	}
	if (k < 45) {
		order = rnd(3);
		rc = sim_folio_alloc_swap(sim, cpu, order, &st);
		if (!rc)
			rc = sim_folio_dup_swap(sim, st);
		soak_fa_fails[order] += rc == -ENOSPC && order;
		return rc == -ENOSPC ? 0 : rc;
	}
	if (w & SNAPSHOT_SLOT_BAD)
		return 0;
	if (k < 75 && (w & SNAPSHOT_SLOT_COUNT)) {
		len = 1 + rnd(20);
		for (n = 1; n < len && off + n < s->dev.max &&
		     (s->slots[off + n] & SNAPSHOT_SLOT_COUNT) &&
		     !(s->slots[off + n] & SNAPSHOT_SLOT_BAD); n++)
			;
		return sim_swap_put_entries_direct(sim, off, n);
	}
	if (k < 80 && (w & SNAPSHOT_SLOT_COUNT))
		return sim_swap_dup_entry_direct(sim, off, 1);
	if (k < 88 && (w & SNAPSHOT_SLOT_COUNT) && !(w & SNAPSHOT_SLOT_CACHED)) {
		order = rnd(sim_nr_orders(sim));
		return sim_swap_in(sim, cpu, off, order, &got, &st);
	}
	f = snapshot_folio_at(s, off);
	if (k < 94 && f)
		return sim_swap_cache_del_folio(sim, f->offset);
	if (k < 97 && f && f->order) {
		order = rnd(f->order);
		return sim_split_folio(sim, f->offset, order);
	}
	if (k < 98 && f)
		return sim_set_zswap(sim, f->offset, 1u << f->order, true);
	if (k < 99)
		sim_discard_work(sim);
	return 0;
}

static void soak_run(const char *name, struct sim *sim, unsigned int cpus,
		     unsigned int steps);

static void soak(const char *name, enum sim_kernel kern, uint32_t cs,
		 uint32_t slots, unsigned int cpus, unsigned int flags,
		 const uint32_t *bad, size_t nr_bad, unsigned int steps)
{
	struct sim *sim;

	cluster_size = cs;
	sim = mk_bad(kern, slots, cpus, flags, bad, nr_bad);
	cluster_size = CS;
	/* every soak explains: the reasons must add up whatever happened */
	if (sim_explain_on(sim))
		exit(1);
	memset(soak_fa_fails, 0, sizeof(soak_fa_fails));
	soak_run(name, sim, cpus, steps);
}

static void soak_run(const char *name, struct sim *sim, unsigned int cpus,
		     unsigned int steps)
{
	unsigned int i, fails = 0, bad_rc = 0, errs = 0;
	int rc;

	for (i = 0; i < steps; i++) {
		rc = soak_step(sim, cpus, &fails);
		if (rc && !bad_rc++)
			fprintf(stderr, "# %s: step %u: rc %d: %s\n", name, i, rc,
				sim_diag(sim)->msg);
		if (rc == -EUCLEAN)
			break;
		if (i % 500 == 499 && analysis_errors(sim))
			errs++;
	}
	ok(!bad_rc, "soak %s: %u steps, every invariant held (%u allocations failed)",
	   name, i, fails);
	ok(!errs && analysis_errors(sim) == 0 && sim_check(sim, &diag) == 0,
	   "soak %s: analysis of the snapshots finds no error", name);
	if (sim_explain_is_on(sim))
		ok(reasons_sum(sim, soak_fa_fails),
		   "soak %s: the fallback reasons sum to swpout_fallback per order", name);
	ok(sim_ops(sim) > steps / 2 && snap(sim)->prov.step == (int64_t)sim_ops(sim),
	   "soak %s: snapshot step is sim_ops()", name);
	sim_free(sim);
}

static void test_soak(void)
{
	uint32_t bad[] = { 37, 200, 201, 700, 3000 };

	rng_state = 0x9e3779b97f4a7c15ull;
	soak("newest", SIM_KERNEL_NEWEST, 16, 16 * 24, 4, SYNC, NULL, 0, 20000);
	soak("newest-discard", SIM_KERNEL_NEWEST, 16, 16 * 24 - 7, 3, DISC, bad, 3, 4000);
	soak("newest-rotational", SIM_KERNEL_NEWEST, 16, 16 * 24, 2, ROT, NULL, 0, 3000);
	soak("newest-swapfile", SIM_KERNEL_NEWEST, 16, 16 * 20, 2, FILE_, NULL, 0, 3000);
	soak("newest-512", SIM_KERNEL_NEWEST, 512, 512 * 10 - 100, 4, SYNC, bad, 5, 10000);
	soak("newest-128-discard", SIM_KERNEL_NEWEST, 128, 128 * 12, 3, DISC | SYNC, bad, 4, 8000);
	soak("6.12", SIM_KERNEL_6_12, 16, 16 * 24, 4, SYNC, bad, 3, 20000);
	soak("6.12-discard", SIM_KERNEL_6_12, 16, 16 * 24 - 3, 2, DISC, NULL, 0, 4000);
	soak("6.12-rotational", SIM_KERNEL_6_12, 16, 16 * 24, 2, ROT | SYNC, bad, 3, 3000);
	soak("6.12-512", SIM_KERNEL_6_12, 512, 512 * 10, 4, SYNC, bad, 5, 10000);
	soak("6.12-4096", SIM_KERNEL_6_12, 4096, 4096 * 3 - 1000, 2, DISC, bad, 5, 3000);
}

/* ---- sim_from_snapshot ---------------------------------------------------------------- */

/* A deep copy of the parts of a snapshot a source fills. */
static struct snapshot *copy_snapshot(const struct snapshot *s)
{
	struct snapshot *c = snapshot_new();
	struct info_error e;
	size_t i;

	if (!c || snapshot_set_geometry(c, s->dev.max, s->dev.cluster_size))
		return NULL;
	memcpy(c->slots, s->slots, s->dev.max * sizeof(*s->slots));
	memcpy(c->clusters, s->clusters, s->dev.nr_clusters * sizeof(*s->clusters));
	for (i = 0; i < s->nr_counts; i++)
		snapshot_set_count(c, s->counts[i].slot, s->counts[i].count);
	for (i = 0; i < s->nr_folios; i++)
		snapshot_add_folio(c, s->folios[i].offset, s->folios[i].order,
				   s->folios[i].flags, NULL);
	for (i = 0; i < s->nr_next; i++)
		snapshot_add_next(c, s->next[i].cpu, s->next[i].order,
				  s->next[i].offset);
	for (i = 0; i < s->nr_info; i++)
		snapshot_info_add(c, s->info[i].key, s->info[i].value);
	if (info_apply(c, &e))
		return NULL;
	c->prov.step = s->prov.step;
	return c;
}

static bool same_snapshots(const struct snapshot *a, const struct snapshot *b)
{
	size_t i;

	if (a->dev.max != b->dev.max || a->nr_folios != b->nr_folios ||
	    a->nr_next != b->nr_next || a->dev.inuse_pages != b->dev.inuse_pages)
		return false;
	if (memcmp(a->slots, b->slots, a->dev.max * sizeof(*a->slots)) ||
	    memcmp(a->clusters, b->clusters,
		   a->dev.nr_clusters * sizeof(*a->clusters)))
		return false;
	for (i = 0; i < a->nr_folios; i++)
		if (a->folios[i].offset != b->folios[i].offset ||
		    a->folios[i].order != b->folios[i].order)
			return false;
	for (i = 0; i < a->nr_next; i++)
		if (a->next[i].cpu != b->next[i].cpu ||
		    a->next[i].order != b->next[i].order ||
		    a->next[i].offset != b->next[i].offset)
			return false;
	return true;
}

/* The fixed sequence both simulators replay: offsets must agree. */
static bool replay(struct sim *a, struct sim *b, unsigned int n)
{
	uint32_t oa[16], ob[16];
	unsigned int i, na, nb, order;
	int ra, rb;

	for (i = 0; i < n; i++) {
		order = (i * 7) % 5;
		ra = sim_swap_out(a, i % 3, order, 1 + i % 2, i % 4 == 0, oa, &na);
		rb = sim_swap_out(b, i % 3, order, 1 + i % 2, i % 4 == 0, ob, &nb);
		if (ra != rb || na != nb || (na && memcmp(oa, ob, na * sizeof(*oa))))
			return false;
		if (i % 3 == 2 && na) {
			ra = sim_swap_put_entries_direct(a, oa[0], 1);
			rb = sim_swap_put_entries_direct(b, ob[0], 1);
			if (ra || rb)
				return false;
		}
	}
	return true;
}

static void test_from_snapshot(enum sim_kernel k, unsigned int flags,
			       const char *name)
{
	struct sim *a = mk(k, 16 * 32, 3, flags), *b = NULL;
	struct sim_config cfg;
	struct snapshot *c;
	unsigned int i;
	uint32_t offs[16];
	unsigned int nr;

	for (i = 0; i < 40; i++)
		sim_swap_out(a, i % 3, i % 5, 1, i % 6 == 0, offs, &nr);
	c = copy_snapshot(snap(a));
	sim_config_default(&cfg, 16 * 32);
	cfg.kernel = k;
	cfg.cluster_size = CS;
	cfg.cpus = 3;
	cfg.rotational = flags & ROT;
	cfg.discard = flags & DISC;
	cfg.check_always = true;
	ok(c && sim_from_snapshot(c, &cfg, &b, &diag) == 0 && b,
	   "from %s: snapshot taken over", name);
	if (!b) {
		sim_free(a);
		return;
	}
	ok(same_snapshots(snap(a), snap(b)) && sim_ops(b) == sim_ops(a) &&
	   sim_inuse(b) == sim_inuse(a), "from %s: the new simulator's snapshot is the same", name);
	ok(replay(a, b, 60), "from %s: the same allocations as the original for 60 steps", name);
	ok(same_snapshots(snap(a), snap(b)), "from %s: same state afterwards", name);
	sim_free(a);
	sim_free(b);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

/*
 * The simulator's snapshot is a source like any other: written as a dump
 * of its era, read back, and continued.
 */
static void test_dump_round_trip(enum sim_kernel k, const char *name)
{
	struct sim *a = mk(k, 16 * 32, 3, DISC | SYNC), *b = NULL;
	char tmp[] = "/tmp/test-sim-XXXXXX", dir[64];
	struct snapshot *loaded = NULL;
	struct sim_config cfg;
	uint32_t offs[16];
	unsigned int i, nr;

	for (i = 0; i < 200; i++) {
		sim_swap_out(a, i % 3, i % 5, 1 + i % 3, i % 4 == 0, offs, &nr);
		if (i % 3 == 0 && nr)
			put(a, offs[0], 1);
		if (i % 7 == 0 && nr)
			sim_set_zswap(a, offs[0], 1, true);
	}
	if (!mkdtemp(tmp)) {
		ok(0, "dump %s: mkdtemp", name);
		sim_free(a);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/dump", tmp);
	diag_clear(&diag);
	ok(dump_write(snap(a), dir, 0, &diag) == 0, "dump %s: written in its era%s%s",
	   name, *diag.msg ? ": " : "", diag.msg);
	ok(dump_load(dir, &loaded, &diag) == 0 && loaded &&
	   loaded->dev.era == snap(a)->dev.era, "dump %s: read back%s%s", name,
	   *diag.msg ? ": " : "", diag.msg);
	sim_config_default(&cfg, 16 * 32);
	cfg.kernel = k;
	cfg.cluster_size = CS;
	cfg.cpus = 3;
	cfg.discard = true;
	cfg.synchronous_io = true;
	cfg.check_always = true;
	ok(loaded && sim_from_snapshot(loaded, &cfg, &b, &diag) == 0 &&
	   same_snapshots(snap(a), snap(b)),
	   "dump %s: continued from the dump, the same state", name);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	sim_free(a);
	sim_free(b);
}

static void test_from_snapshot_refused(void)
{
	struct sim *a = mk(SIM_KERNEL_NEWEST, 128, 1, 0), *b = NULL;
	struct sim_config cfg;
	struct snapshot *c;

	out(a, 0, 2);
	sim_config_default(&cfg, 128);
	cfg.cluster_size = CS;
	c = copy_snapshot(snap(a));
	cfg.slots = 64;
	ok(sim_from_snapshot(c, &cfg, &b, &diag) == -EINVAL && !b &&
	   !strcmp(diag.rule, "sim-from-geometry"), "from: other geometry refused");
	cfg.slots = 128;
	c = copy_snapshot(snap(a));
	c->clusters[1].count = 3;
	ok(sim_from_snapshot(c, &cfg, &b, &diag) == -EINVAL &&
	   !strcmp(diag.rule, "sim-from-count"), "from: count not matching the slots refused");
	c = copy_snapshot(snap(a));
	c->clusters[2].flags = FULL;
	ok(sim_from_snapshot(c, &cfg, &b, &diag) == -EINVAL &&
	   !strcmp(diag.rule, "sim-from-flags"), "from: flag contradicting the count refused");
	c = copy_snapshot(snap(a));
	c->clusters[0].flags = NONE;
	c->clusters[1].flags = NONE;
	ok(sim_from_snapshot(c, &cfg, &b, &diag) == 0 && b &&
	   cflags(b, 0) == NONFULL && cflags(b, 1) == NONFULL && cflags(b, 2) == FREE_,
	   "from: clusters off-list are put where the free side would");
	sim_free(b);
	sim_free(a);
}

int main(void)
{
	test_setup();
	test_config_refused();
	test_nonfull_before_free();
	test_frag_after_free();
	test_discard_prefers_free();
	test_alignment();
	test_stealing();
	test_explain_newest();
	test_explain_612();
	test_vm_swap_full();
	test_reclaim_full_cluster();
	test_discard();
	test_swapfile();
	test_marked_clusters_order0();
	test_percpu();
	test_hint_other_order();
	test_rotational();
	test_612_frag_walk();
	test_612_steal_reclaim();
	test_counts();
	test_put_reclaims_when_full();
	test_split();
	test_swap_in();
	test_runs_dissolve();
	test_backing();
	test_soak();
	test_from_snapshot(SIM_KERNEL_NEWEST, 0, "newest");
	test_from_snapshot(SIM_KERNEL_NEWEST, ROT, "newest-rotational");
	test_from_snapshot(SIM_KERNEL_6_12, DISC, "6.12");
	test_dump_round_trip(SIM_KERNEL_NEWEST, "newest");
	test_dump_round_trip(SIM_KERNEL_6_12, "6.12");
	test_from_snapshot_refused();
	return tap_done();
}
