// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-analysis.c - analysis_run() on snapshots built in memory: every
 * check planted and clean, exact lines, order of the stream, the same
 * findings per cluster, totals and per-cluster summaries, allocatable
 * orders per era; a naive per-slot model cross-checks the bit tricks on
 * random snapshots; the dump fixtures under findings/ against their
 * 'expected' lines.
 *
 * Usage: test-analysis FIXTURES_DIR
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/diag.h>
#include <swapfs/dump.h>
#include <swapfs/snapshot.h>

#include "devbuild.h"
#include "tap.h"

#define CS(c)	(1u << (c))

/* ---- building snapshots ------------------------------------------------ */

/* Slots [off, off + n) get @count references and the extra @bits. */
static void put(struct snapshot *s, uint32_t off, uint32_t n, uint32_t count,
		uint16_t bits)
{
	uint32_t i;

	for (i = off; i < off + n; i++) {
		if (snapshot_set_count(s, i, count))
			abort();
		s->slots[i] |= bits;
	}
}

/* A known run of 2^@order slots at @off, each with one reference. */
static void run(struct snapshot *s, uint32_t off, unsigned int order)
{
	if (snapshot_add_run(s, off, order, NULL))
		abort();
	put(s, off, 1u << order, 1, 0);
}

static void folio(struct snapshot *s, uint32_t off, unsigned int order)
{
	if (snapshot_add_folio(s, off, order, SNAPSHOT_FOLIO_UPTODATE, NULL))
		abort();
}

/*
 * Make every cluster consistent with its slots, as the kernel keeps them:
 * count = non-free slots + tail, free when empty (order 0), full when
 * count == cluster_size, frag otherwise; ci->order as already set.
 */
static void settle(struct snapshot *s)
{
	uint32_t ci, i;

	for (ci = 0; ci < s->dev.nr_clusters; ci++) {
		struct snapshot_cluster *c = &s->clusters[ci];
		uint32_t n = snapshot_cluster_tail(s, ci);

		for (i = snapshot_cluster_first(s, ci);
		     i < snapshot_cluster_end(s, ci); i++)
			n += !snapshot_slot_free(s->slots[i]);
		c->count = (uint16_t)n;
		if (!n) {
			c->flags = SNAPSHOT_CLUSTER_FREE;
			c->order = 0;
		} else if (n == s->dev.cluster_size) {
			c->flags = SNAPSHOT_CLUSTER_FULL;
		} else {
			c->flags = SNAPSHOT_CLUSTER_FRAG;
		}
	}
}

static void finish(struct snapshot *s)
{
	if (snapshot_finish(s, NULL))
		abort();
}

/* ---- collecting findings ----------------------------------------------- */

struct lines {
	char *text;		/* lines joined with '\n' */
	size_t len, alloc;
	unsigned int n;
	unsigned int stop_after;	/* return 42 at this finding */
	uint32_t last_cluster;
	uint32_t last_offset;
	bool in_order;		/* clusters never go back */
};

static void lines_init(struct lines *l)
{
	memset(l, 0, sizeof(*l));
	l->in_order = true;
}

static void lines_add(struct lines *l, const char *line)
{
	size_t n = strlen(line);

	if (l->len + n + 2 > l->alloc) {
		l->alloc = (l->len + n + 2) * 2;
		l->text = realloc(l->text, l->alloc);
		if (!l->text)
			abort();
	}
	if (l->len)
		l->text[l->len++] = '\n';
	memcpy(l->text + l->len, line, n + 1);
	l->len += n;
}

static int lines_fn(const struct analysis_finding *f, void *arg)
{
	struct lines *l = arg;
	char buf[256];
	int need = analysis_finding_format(f, buf, sizeof(buf));

	if (need < 0 || (size_t)need >= sizeof(buf))
		abort();
	if (l->n && (f->cluster < l->last_cluster ||
		     (f->cluster == l->last_cluster && f->offset < l->last_offset)))
		l->in_order = false;
	l->last_cluster = f->cluster;
	l->last_offset = f->offset;
	lines_add(l, buf);
	l->n++;
	return l->stop_after && l->n == l->stop_after ? 42 : 0;
}

static const char *lines_text(const struct lines *l)
{
	return l->text ? l->text : "";
}

/* Run the analysis with @mask; the lines go to @l (may be NULL). */
static struct analysis *analyse(const struct snapshot *s, unsigned int mask,
				struct lines *l)
{
	struct analysis *a = NULL;
	int rc = analysis_run(s, mask, l ? lines_fn : NULL, l, &a);

	if (rc || !a) {
		fprintf(stderr, "analysis_run: %d\n", rc);
		abort();
	}
	return a;
}

/* All findings of @mask as text (the caller frees). */
static char *findings_of(const struct snapshot *s, unsigned int mask)
{
	struct lines l;
	struct analysis *a;

	lines_init(&l);
	a = analyse(s, mask, &l);
	analysis_free(a);
	if (!l.text)
		return strdup("");
	return l.text;
}

static bool same(const char *got, const char *want, const char *what)
{
	if (!strcmp(got, want))
		return true;
	printf("# %s\n#  got: '%s'\n# want: '%s'\n", what, got, want);
	return false;
}

static void expect(const struct snapshot *s, unsigned int mask,
		   const char *want, const char *what)
{
	char *got = findings_of(s, mask);

	ok(same(got, want, what), "%s", what);
	free(got);
}

#define ONLY(c)	(1u << (c))

/* ---- a clean device ---------------------------------------------------- */

/*
 * 16 clusters of 16 slots, orders 0..4 (PMD_ORDER 4), era G. Cluster 0:
 * header + five order-0 runs; 1: order 2, full; 2: order 2, two runs (one
 * also a cached folio); 3: one order-4 run; 4: order 3, one run; 5:
 * order 1, two runs (one in zswap, whole); 6..15 free.
 */
static struct snapshot *clean_dev(char era)
{
	struct snapshot *s = dev_new(256, 16, 5, era);
	uint32_t i;

	for (i = 1; i <= 5; i++)
		run(s, i, 0);
	s->slots[1] |= SNAPSHOT_SLOT_ZERO;
	s->clusters[1].order = 2;
	for (i = 16; i < 32; i += 4)
		run(s, i, 2);
	s->clusters[2].order = 2;
	run(s, 32, 2);
	run(s, 36, 2);
	put(s, 36, 4, 1, SNAPSHOT_SLOT_CACHED);
	folio(s, 36, 2);
	s->clusters[3].order = 4;
	run(s, 48, 4);
	s->clusters[4].order = 3;
	run(s, 64, 3);
	s->clusters[5].order = 1;
	run(s, 80, 1);
	run(s, 82, 1);
	put(s, 80, 2, 1, SNAPSHOT_SLOT_ZSWAP);
	settle(s);
	finish(s);
	return s;
}

static void test_clean(void)
{
	struct snapshot *s = clean_dev('G');
	struct lines l;
	struct analysis *a;
	const struct analysis_totals *t;
	const struct analysis_cluster *c;
	unsigned int k, bad = 0;

	lines_init(&l);
	a = analyse(s, ANALYSIS_ALL_CHECKS, &l);
	t = &a->totals;
	ok(l.n == 0, "clean device: no finding (%s)", lines_text(&l));
	for (k = 0; k < ANALYSIS_NR_CHECKS; k++)
		bad += t->findings[k] != 0;
	ok(!bad && !t->by_severity[0] && !t->by_severity[1] &&
	   !t->by_severity[2], "clean device: every check counts 0");

	ok(t->slots_used == 57 && t->slots_free == 198 && t->slots_cached == 4 &&
	   t->slots_cache_only == 0 && t->slots_bad == 1 && t->slots_zero == 1 &&
	   t->slots_zswap == 2,
	   "totals: used 57 free 198 cached 4 cache-only 0 bad 1 zero 1 zswap 2");
	ok(t->clusters[SNAPSHOT_CLUSTER_FREE] == 10 &&
	   t->clusters[SNAPSHOT_CLUSTER_FRAG] == 4 &&
	   t->clusters[SNAPSHOT_CLUSTER_FULL] == 2 &&
	   t->clusters[SNAPSHOT_CLUSTER_NONFULL] == 0 &&
	   t->clusters[SNAPSHOT_CLUSTER_NONE] == 0 &&
	   t->clusters[SNAPSHOT_CLUSTER_DISCARD] == 0,
	   "clusters by list: 10 free, 4 frag, 2 full");
	ok(!t->vm_swap_full, "57 of 255 in use: not vm_swap_full");

	ok(a->orders[0].runs == 5 && a->orders[1].runs == 2 &&
	   a->orders[2].runs == 6 && a->orders[3].runs == 1 &&
	   a->orders[4].runs == 1,
	   "runs per order 5/2/6/1/1 (folio and record at 36 are one run)");
	ok(a->orders[2].folios == 1 && a->orders[0].folios == 0,
	   "folios per order");
	ok(a->orders[0].clusters[SNAPSHOT_CLUSTER_FREE] == 10 &&
	   a->orders[0].clusters[SNAPSHOT_CLUSTER_FRAG] == 1 &&
	   a->orders[2].clusters[SNAPSHOT_CLUSTER_FULL] == 1 &&
	   a->orders[2].clusters[SNAPSHOT_CLUSTER_FRAG] == 1 &&
	   a->orders[4].clusters[SNAPSHOT_CLUSTER_FULL] == 1 &&
	   a->orders[3].clusters[SNAPSHOT_CLUSTER_FRAG] == 1 &&
	   a->orders[1].clusters[SNAPSHOT_CLUSTER_FRAG] == 1,
	   "clusters per order and list");
	ok(a->order_runs[0 * 5 + 0] == 5 && a->order_runs[1 * 5 + 2] == 4 &&
	   a->order_runs[2 * 5 + 2] == 2 && a->order_runs[3 * 5 + 4] == 1 &&
	   a->order_runs[4 * 5 + 3] == 1 && a->order_runs[5 * 5 + 1] == 2 &&
	   a->order_runs[6 * 5 + 0] == 0,
	   "order_runs per cluster");

	c = &a->clusters[0];
	ok(c->used == 5 && c->free == 10 && c->bad == 1 && c->cached == 0 &&
	   c->zero == 1 && c->nonfree == 6 && c->largest_free_order == 3 &&
	   c->own_blocks == 10 && c->own_blocks_reclaim == 10,
	   "cluster 0: used 5 free 10 bad 1 zero 1 nonfree 6, largest free 2^3, own 10");
	c = &a->clusters[2];
	ok(c->used == 8 && c->free == 8 && c->cached == 4 && c->cache_only == 0 &&
	   c->nonfree == 8 && c->largest_free_order == 3 && c->own_blocks == 2,
	   "cluster 2: used 8 cached 4, largest free 2^3, 2 free order-2 blocks");
	c = &a->clusters[3];
	ok(c->used == 16 && c->free == 0 && c->largest_free_order == -1 &&
	   c->own_blocks == 0, "cluster 3: full, no free block");
	c = &a->clusters[5];
	ok(c->zswap == 2 && c->free == 12 && c->largest_free_order == 3 &&
	   c->own_blocks == 6, "cluster 5: zswap 2, 6 free order-1 blocks");
	c = &a->clusters[9];
	ok(c->free == 16 && c->largest_free_order == 4 && c->own_blocks == 16 &&
	   c->nonfree == 0, "free cluster: largest free 2^4");

	/* hand-computed, era G, not vm_swap_full, F = 10 */
	ok(analysis_allocatable(a, 0) == 198 && analysis_allocatable(a, 1) == 86 &&
	   analysis_allocatable(a, 2) == 42 && analysis_allocatable(a, 3) == 21 &&
	   analysis_allocatable(a, 4) == 10 && analysis_allocatable(a, 5) == 0,
	   "clean device allocatable 198/86/42/21/10, order 5 beyond nr_orders 0");
	ok(a->orders[3].allocatable == 21, "orders[].allocatable is the same");
	analysis_free(a);
	free(l.text);
	snapshot_free(s);
}

/* ---- each check, planted and clean ----------------------------------- */

static void test_misaligned(void)
{
	struct snapshot *s = dev_new(2048, 512, 10, 'G');

	/* the example of the interface: an orders record 3 slots late */
	s->clusters[2].order = 4;
	run(s, 1027, 4);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_MISALIGNED),
	       "misaligned cluster=2 offset=1027 nr=16 order=4 detail=orders,misaligned-by-3",
	       "misaligned orders record");
	expect(s, ANALYSIS_ALL_CHECKS,
	       "partial-block cluster=2 offset=1024 nr=16 order=4 detail=used=13\n"
	       "misaligned cluster=2 offset=1027 nr=16 order=4 detail=orders,misaligned-by-3\n"
	       "partial-block cluster=2 offset=1040 nr=16 order=4 detail=used=3",
	       "misaligned run leaves two partial blocks, in slot order");
	snapshot_free(s);

	s = dev_new(2048, 512, 10, 'G');
	s->clusters[2].order = 4;
	run(s, 1024, 4);
	settle(s);
	finish(s);
	expect(s, ANALYSIS_ALL_CHECKS, "", "aligned orders record: clean");
	snapshot_free(s);

	/* a folio across a cluster boundary, cached slots */
	s = dev_new(2048, 512, 10, 'E');
	s->clusters[0].order = 4;
	put(s, 504, 16, 1, SNAPSHOT_SLOT_CACHED);
	folio(s, 504, 4);
	settle(s);
	s->clusters[0].order = 4;
	s->clusters[1].order = 4;
	finish(s);
	expect(s, ONLY(ANALYSIS_MISALIGNED),
	       "misaligned cluster=0 offset=504 nr=16 order=4 detail=cache,misaligned-by-8,crosses-cluster",
	       "misaligned folio crossing a cluster");
	snapshot_free(s);

	/* the same run as record and folio, and an order above PMD */
	s = dev_new(64, 16, 5, 'G');
	s->clusters[1].order = 2;
	run(s, 18, 2);
	put(s, 18, 4, 1, SNAPSHOT_SLOT_CACHED);
	folio(s, 18, 2);
	run(s, 32, 5);
	settle(s);
	s->clusters[1].order = 2;
	finish(s);
	expect(s, ONLY(ANALYSIS_MISALIGNED),
	       "misaligned cluster=1 offset=18 nr=4 order=2 detail=orders+cache,misaligned-by-2\n"
	       "misaligned cluster=2 offset=32 nr=32 order=5 detail=orders,crosses-cluster",
	       "record+folio is one finding; order 5 > PMD 4 crosses");
	snapshot_free(s);
}

static void test_count_mismatch(void)
{
	struct snapshot *s = dev_new(250, 16, 5, 'G');

	put(s, 16, 5, 1, 0);
	put(s, 244, 2, 1, 0);
	settle(s);
	finish(s);
	/* tail: slots 250..255 of cluster 15 count */
	ok(s->clusters[15].count == 8, "tail of the last cluster counts (6 + 2)");
	expect(s, ANALYSIS_ALL_CHECKS, "", "consistent counts with a tail: clean");
	s->clusters[1].count = 3;
	s->clusters[15].count = 2;
	expect(s, ONLY(ANALYSIS_COUNT_MISMATCH),
	       "count-mismatch cluster=1 offset=16 nr=16 detail=count=3,slots=5\n"
	       "count-mismatch cluster=15 offset=240 nr=16 detail=count=2,slots=8",
	       "count-mismatch, the tail included in slots=");
	snapshot_free(s);

	/* <= 6.14: a cluster queued for discard is all SWAP_MAP_BAD, count 0 */
	s = dev_new(64, 16, 5, 'C');
	put(s, 32, 16, 0, SNAPSHOT_SLOT_BAD);
	settle(s);
	s->clusters[2].count = 0;
	s->clusters[2].flags = SNAPSHOT_CLUSTER_NONE;
	finish(s);
	expect(s, ONLY(ANALYSIS_COUNT_MISMATCH), "",
	       "era C: discard-pending cluster memset to SWAP_MAP_BAD is no mismatch");
	s->dev.era = 'E';
	expect(s, ONLY(ANALYSIS_COUNT_MISMATCH),
	       "count-mismatch cluster=2 offset=32 nr=16 detail=count=0,slots=16",
	       "era E: the same cluster is a mismatch");
	snapshot_free(s);
}

static void test_list_mismatch(void)
{
	struct snapshot *s = dev_new(128, 16, 5, 'G');

	put(s, 16, 3, 1, 0);	/* 1: free with count 3 */
	put(s, 32, 12, 1, 0);	/* 2: full with count 12 */
	/* 3: free with order 4 (empty) */
	/* 4: nonfull with count 0 */
	put(s, 80, 16, 1, 0);	/* 5: frag with count 16 */
	/* 6: discard: count 2 */
	put(s, 96, 2, 1, 0);
	settle(s);
	expect(s, ANALYSIS_ALL_CHECKS, "", "settled lists: clean");
	s->clusters[1].flags = SNAPSHOT_CLUSTER_FREE;
	s->clusters[2].flags = SNAPSHOT_CLUSTER_FULL;
	s->clusters[3].order = 4;
	s->clusters[4].flags = SNAPSHOT_CLUSTER_NONFULL;
	s->clusters[5].flags = SNAPSHOT_CLUSTER_FRAG;
	s->clusters[6].flags = SNAPSHOT_CLUSTER_DISCARD;
	s->clusters[7].flags = SNAPSHOT_CLUSTER_NONE;
	s->clusters[7].order = 9;
	finish(s);
	expect(s, ONLY(ANALYSIS_LIST_MISMATCH),
	       "list-mismatch cluster=1 offset=16 nr=16 detail=free,count=3\n"
	       "list-mismatch cluster=2 offset=32 nr=16 detail=full,count=12\n"
	       "list-mismatch cluster=3 offset=48 nr=16 detail=free,order=4\n"
	       "list-mismatch cluster=4 offset=64 nr=16 detail=nonfull,count=0\n"
	       "list-mismatch cluster=5 offset=80 nr=16 detail=frag,count=16\n"
	       "list-mismatch cluster=6 offset=96 nr=16 detail=discard,count=2\n"
	       "list-mismatch cluster=7 offset=112 nr=16 detail=none,order=9",
	       "list-mismatch for each contradiction");
	snapshot_free(s);
}

static void test_bad_in_use(void)
{
	struct snapshot *s = dev_new(64, 16, 5, 'E');

	put(s, 5, 2, 0, SNAPSHOT_SLOT_BAD);
	put(s, 20, 1, 0, SNAPSHOT_SLOT_BAD);
	put(s, 40, 1, 0, SNAPSHOT_SLOT_BAD);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_BAD_IN_USE), "", "bad slots alone: clean");
	snapshot_free(s);

	s = dev_new(64, 16, 5, 'E');
	put(s, 5, 2, 0, SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_CACHED);
	put(s, 7, 1, 0, SNAPSHOT_SLOT_BAD);
	put(s, 20, 1, 0, SNAPSHOT_SLOT_BAD);	/* under the folio at 20 */
	put(s, 21, 3, 1, SNAPSHOT_SLOT_CACHED);
	folio(s, 20, 2);
	put(s, 40, 1, 2, SNAPSHOT_SLOT_BAD);	/* a count on a bad slot */
	put(s, 47, 1, 0, SNAPSHOT_SLOT_BAD);	/* and one under a folio from 46 */
	put(s, 48, 1, 0, SNAPSHOT_SLOT_BAD);	/* that crosses into cluster 3 */
	put(s, 46, 1, 1, SNAPSHOT_SLOT_CACHED);
	put(s, 49, 1, 1, SNAPSHOT_SLOT_CACHED);
	folio(s, 46, 2);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_BAD_IN_USE),
	       "bad-in-use cluster=0 offset=5 nr=2 detail=cached\n"
	       "bad-in-use cluster=1 offset=20 nr=1 detail=folio\n"
	       "bad-in-use cluster=2 offset=40 nr=1 detail=count\n"
	       "bad-in-use cluster=2 offset=47 nr=1 detail=folio\n"
	       "bad-in-use cluster=3 offset=48 nr=1 detail=folio",
	       "bad-in-use: cached, under a folio (also one from the cluster before), counted");
	snapshot_free(s);

	s = dev_new(64, 16, 5, 'E');
	put(s, 5, 1, 0, SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_CACHED);
	put(s, 6, 1, 0, SNAPSHOT_SLOT_BAD);
	put(s, 7, 1, 0, SNAPSHOT_SLOT_CACHED);
	put(s, 4, 1, 0, SNAPSHOT_SLOT_CACHED);
	folio(s, 4, 2);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_BAD_IN_USE),
	       "bad-in-use cluster=0 offset=5 nr=2 detail=cached+folio",
	       "one run of bad slots in use, every reason named once");
	snapshot_free(s);
}

static void test_orphan_cache(void)
{
	struct snapshot *s = dev_new(64, 16, 5, 'E');

	s->clusters[2].order = 2;
	put(s, 32, 2, 1, SNAPSHOT_SLOT_CACHED);
	put(s, 35, 1, 3, 0);
	folio(s, 32, 2);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_ORPHAN_CACHE),
	       "orphan-cache cluster=2 offset=32 nr=4 order=2 detail=free=1,uncached=1",
	       "orphan-cache: one slot free, one counted without the cache mark");
	s->dev.era = 'F';
	expect(s, ONLY(ANALYSIS_ORPHAN_CACHE), "",
	       "era F: no orphan-cache (its cache marks come from the folios)");
	s->dev.era = 'G';
	put(s, 34, 2, 1, SNAPSHOT_SLOT_CACHED);
	settle(s);
	expect(s, ANALYSIS_ALL_CHECKS, "", "every slot under the folio cached: clean");
	snapshot_free(s);

	s = dev_new(64, 16, 5, 'G');
	folio(s, 16, 1);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_ORPHAN_CACHE),
	       "orphan-cache cluster=1 offset=16 nr=2 order=1 detail=free=2",
	       "a folio over free slots");
	snapshot_free(s);
}

static void test_mixed_backing(void)
{
	struct snapshot *s = dev_new(64, 16, 5, 'G');

	s->clusters[3].order = 2;
	run(s, 48, 2);
	run(s, 52, 2);
	put(s, 48, 2, 1, SNAPSHOT_SLOT_ZSWAP);
	put(s, 52, 4, 1, SNAPSHOT_SLOT_ZSWAP);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_MIXED_BACKING),
	       "mixed-backing cluster=3 offset=48 nr=4 order=2 detail=zswap=2/4",
	       "mixed-backing: half a run in zswap");
	put(s, 50, 2, 1, SNAPSHOT_SLOT_ZSWAP);
	expect(s, ANALYSIS_ALL_CHECKS, "", "the whole run in zswap: clean");
	snapshot_free(s);

	/* a folio: its cache-only slots vote too */
	s = dev_new(64, 16, 5, 'G');
	s->clusters[1].order = 2;
	put(s, 16, 1, 1, SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_ZSWAP);
	put(s, 17, 2, 0, SNAPSHOT_SLOT_CACHED);
	folio(s, 16, 2);
	put(s, 19, 1, 1, SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_ZSWAP);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_MIXED_BACKING),
	       "mixed-backing cluster=1 offset=16 nr=4 order=2 detail=zswap=2/4",
	       "mixed-backing of a folio, cached slots vote");
	snapshot_free(s);
}

static void test_mixed_order(void)
{
	struct snapshot *s = dev_new(64, 16, 5, 'G');

	s->clusters[1].order = 2;
	run(s, 16, 2);
	run(s, 21, 0);		/* order-0 stealing into an order-2 cluster */
	run(s, 24, 1);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_MIXED_ORDER),
	       "mixed-order cluster=1 offset=21 nr=1 order=0 detail=cluster-order=2\n"
	       "mixed-order cluster=1 offset=24 nr=2 order=1 detail=cluster-order=2",
	       "mixed-order: an order-0 and an order-1 run in an order-2 cluster");
	s->dev.era = 'B';
	expect(s, ONLY(ANALYSIS_MIXED_ORDER), "",
	       "era B: no ci->order, no mixed-order");
	snapshot_free(s);

	s = dev_new(64, 16, 5, 'G');
	s->clusters[1].order = 2;
	run(s, 16, 2);
	run(s, 20, 2);
	s->clusters[2].order = 0;
	run(s, 33, 0);
	run(s, 34, 0);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_MIXED_ORDER), "", "runs of the cluster's order: clean");
	snapshot_free(s);

	/* a folio whose order differs from the record at the same offset */
	s = dev_new(64, 16, 5, 'G');
	s->clusters[1].order = 2;
	run(s, 16, 2);
	put(s, 16, 2, 1, SNAPSHOT_SLOT_CACHED);
	folio(s, 16, 1);
	settle(s);
	finish(s);
	expect(s, ANALYSIS_ALL_CHECKS,
	       "mixed-order cluster=1 offset=16 nr=2 order=1 detail=cluster-order=2",
	       "folio order 1 over a record of order 2: two runs");
	snapshot_free(s);
}

static void test_partial_block(void)
{
	struct snapshot *s = dev_new(128, 16, 5, 'G');

	s->clusters[1].order = 2;
	run(s, 16, 2);
	put(s, 21, 2, 1, 0);
	s->clusters[2].order = 3;
	put(s, 32, 8, 1, 0);
	put(s, 47, 1, 1, 0);
	s->clusters[3].order = 4;
	put(s, 48, 15, 1, 0);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_PARTIAL_BLOCK),
	       "partial-block cluster=1 offset=20 nr=4 order=2 detail=used=2\n"
	       "partial-block cluster=2 offset=40 nr=8 order=3 detail=used=1\n"
	       "partial-block cluster=3 offset=48 nr=16 order=4 detail=used=15",
	       "partial-block for orders 2, 3 and 4");
	s->clusters[1].flags = SNAPSHOT_CLUSTER_FREE;
	s->clusters[1].count = 0;
	expect(s, ONLY(ANALYSIS_PARTIAL_BLOCK),
	       "partial-block cluster=2 offset=40 nr=8 order=3 detail=used=1\n"
	       "partial-block cluster=3 offset=48 nr=16 order=4 detail=used=15",
	       "no partial-block in a cluster flagged free");
	snapshot_free(s);

	s = dev_new(250, 16, 5, 'G');
	s->clusters[15].order = 2;	/* the tail: 250..255 count as used */
	put(s, 240, 8, 1, 0);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_PARTIAL_BLOCK),
	       "partial-block cluster=15 offset=248 nr=4 order=2 detail=used=2",
	       "tail slots count as used in a block");
	snapshot_free(s);

	s = dev_new(128, 16, 5, 'G');
	s->clusters[1].order = 2;
	run(s, 16, 2);
	run(s, 24, 2);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_PARTIAL_BLOCK), "", "whole blocks only: clean");
	snapshot_free(s);
}

static void test_cache_only(void)
{
	struct snapshot *s = dev_new(64, 16, 5, 'E');

	put(s, 20, 2, 0, SNAPSHOT_SLOT_CACHED);
	put(s, 25, 1, 0, SNAPSHOT_SLOT_CACHED);
	put(s, 26, 1, 1, SNAPSHOT_SLOT_CACHED);	/* counted: not cache-only */
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_CACHE_ONLY),
	       "cache-only cluster=1 offset=20 nr=3",
	       "cache-only: one finding per cluster, offset of the first");
	snapshot_free(s);

	s = dev_new(64, 16, 5, 'E');
	put(s, 20, 2, 1, SNAPSHOT_SLOT_CACHED);
	settle(s);
	finish(s);
	expect(s, ONLY(ANALYSIS_CACHE_ONLY), "", "cached with a count: clean");
	snapshot_free(s);
}

/* ---- stream order, masks, stop, per-cluster findings ------------------- */

static int cluster_lines(const struct analysis *a, unsigned int mask,
			 struct lines *l)
{
	uint32_t ci;
	int rc;

	for (ci = 0; ci < a->snap->dev.nr_clusters; ci++) {
		rc = analysis_cluster_findings(a, ci, mask, lines_fn, l);
		if (rc)
			return rc;
	}
	return 0;
}

static void test_order_and_stop(void)
{
	struct snapshot *s = dev_new(64, 16, 5, 'E');
	struct lines l, m;
	struct analysis *a;
	const char *want =
		"count-mismatch cluster=1 offset=16 nr=16 detail=count=8,slots=7\n"
		"list-mismatch cluster=1 offset=16 nr=16 detail=full,count=8\n"
		"partial-block cluster=1 offset=16 nr=8 order=3 detail=used=4\n"
		"misaligned cluster=1 offset=17 nr=4 order=2 detail=cache,misaligned-by-1\n"
		"bad-in-use cluster=1 offset=17 nr=1 detail=cached+folio\n"
		"orphan-cache cluster=1 offset=17 nr=4 order=2 detail=free=1\n"
		"mixed-backing cluster=1 offset=17 nr=4 order=2 detail=zswap=1/3\n"
		"mixed-order cluster=1 offset=17 nr=4 order=2 detail=cluster-order=3\n"
		"cache-only cluster=1 offset=20 nr=1\n"
		"partial-block cluster=1 offset=24 nr=8 order=3 detail=used=3";
	int rc;

	/*
	 * Cluster 1, order 3, flagged full with a count one too high: at
	 * slot 17 a misaligned order-2 folio over a bad cached slot (17), a
	 * zswap slot (18), a free slot (19) and a cache-only slot (20).
	 */
	put(s, 17, 1, 0, SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_CACHED);
	put(s, 18, 1, 1, SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_ZSWAP);
	put(s, 20, 1, 0, SNAPSHOT_SLOT_CACHED);
	put(s, 21, 1, 1, 0);
	folio(s, 17, 2);
	put(s, 24, 3, 1, 0);
	settle(s);
	s->clusters[1].order = 3;
	s->clusters[1].count++;
	s->clusters[1].flags = SNAPSHOT_CLUSTER_FULL;
	finish(s);

	lines_init(&l);
	a = analyse(s, ANALYSIS_ALL_CHECKS, &l);
	ok(same(lines_text(&l), want, "stream order"),
	   "one cluster, many checks: cluster checks first, then by offset and check");
	ok(l.in_order, "findings stream in cluster and slot order");
	ok(a->clusters[1].findings[ANALYSIS_MISALIGNED] == 1 &&
	   a->clusters[1].findings[ANALYSIS_ORPHAN_CACHE] == 1 &&
	   a->totals.findings[ANALYSIS_CACHE_ONLY] == 1 &&
	   a->clusters[1].findings[ANALYSIS_PARTIAL_BLOCK] == 2 &&
	   a->totals.by_severity[ANALYSIS_ERROR] == 6 &&
	   a->totals.by_severity[ANALYSIS_WARNING] == 1 &&
	   a->totals.by_severity[ANALYSIS_INFO] == 3,
	   "per-cluster and per-severity counts: 6 errors, 1 warning, 3 info");

	lines_init(&m);
	rc = cluster_lines(a, ANALYSIS_ALL_CHECKS, &m);
	ok(!rc && same(lines_text(&m), lines_text(&l), "per cluster"),
	   "analysis_cluster_findings gives the same findings");
	free(m.text);
	lines_init(&m);
	rc = analysis_cluster_findings(a, 1, ONLY(ANALYSIS_MIXED_ORDER) |
				       ONLY(ANALYSIS_CACHE_ONLY), lines_fn, &m);
	ok(!rc && same(lines_text(&m),
		       "mixed-order cluster=1 offset=17 nr=4 order=2 detail=cluster-order=3\n"
		       "cache-only cluster=1 offset=20 nr=1", "mask"),
	   "analysis_cluster_findings honours its mask");
	free(m.text);
	ok(analysis_cluster_findings(a, 4, ANALYSIS_ALL_CHECKS, lines_fn, &m) ==
	   -EINVAL, "cluster out of range: -EINVAL");
	analysis_free(a);
	free(l.text);

	/* a mask counts only its checks */
	lines_init(&l);
	a = analyse(s, ONLY(ANALYSIS_PARTIAL_BLOCK), &l);
	ok(l.n == 2 && a->totals.findings[ANALYSIS_PARTIAL_BLOCK] == 2 &&
	   a->totals.findings[ANALYSIS_MISALIGNED] == 0 &&
	   a->totals.by_severity[ANALYSIS_ERROR] == 0,
	   "checks outside the mask are neither reported nor counted");
	analysis_free(a);
	free(l.text);

	/* the callback stops the pass */
	lines_init(&l);
	l.stop_after = 3;
	a = (struct analysis *)&l;
	rc = analysis_run(s, ANALYSIS_ALL_CHECKS, lines_fn, &l, &a);
	ok(rc == 42 && !a && l.n == 3, "a non-zero callback stops: its value back, no analysis");
	free(l.text);

	a = NULL;
	ok(analysis_run(s, ANALYSIS_ALL_CHECKS, NULL, NULL, &a) == 0 && a &&
	   a->totals.findings[ANALYSIS_MISALIGNED] == 1,
	   "without a callback the findings are still counted");
	analysis_free(a);
	snapshot_free(s);
}

/* ---- allocatable by era ------------------------------------------------ */

/*
 * 8 clusters of 16. 0: header, 3 used, 2 cache-only, order 0, frag.
 * 1: order 2, frag: a run at 16, 20-21 cache-only. 2: order 1, nonfull,
 * 2 used. 3, 4: free. 5: discard, empty. 6: none (isolated), order 2,
 * 4 used. 7: full, order 0.
 */
static struct snapshot *alloc_dev(char era)
{
	struct snapshot *s = dev_new(128, 16, 5, era);

	put(s, 1, 3, 1, 0);
	put(s, 4, 2, 0, SNAPSHOT_SLOT_CACHED);
	s->clusters[1].order = 2;
	run(s, 16, 2);
	put(s, 20, 2, 0, SNAPSHOT_SLOT_CACHED);
	s->clusters[2].order = 1;
	put(s, 32, 2, 1, 0);
	s->clusters[6].order = 2;
	put(s, 96, 4, 1, 0);
	put(s, 112, 16, 1, 0);
	settle(s);
	s->clusters[2].flags = SNAPSHOT_CLUSTER_NONFULL;
	s->clusters[5].flags = SNAPSHOT_CLUSTER_DISCARD;
	s->clusters[6].flags = SNAPSHOT_CLUSTER_NONE;
	s->dev.has_pages = true;
	s->dev.pages = 127;
	s->dev.has_inuse = true;
	s->dev.inuse_pages = 10;
	/* era B hints: two CPUs in cluster 1 (lowest wins), one in 2 */
	snapshot_add_next(s, 0, 2, 24);
	snapshot_add_next(s, 1, 2, 20);
	snapshot_add_next(s, 2, 1, 34);
	snapshot_add_next(s, 3, 2, 48);	/* a free cluster: counted as free */
	snapshot_add_next(s, 4, 1, 0);	/* SWAP_NEXT_INVALID */
	finish(s);
	return s;
}

static void check_alloc(struct snapshot *s, const uint64_t want[5],
			const char *what)
{
	struct analysis *a = analyse(s, ANALYSIS_ALL_CHECKS, NULL);
	uint64_t got[5];
	unsigned int k;
	bool good = true;

	for (k = 0; k < 5; k++) {
		got[k] = analysis_allocatable(a, k);
		good &= got[k] == want[k];
	}
	ok(good, "%s: %llu/%llu/%llu/%llu/%llu", what,
	   (unsigned long long)got[0], (unsigned long long)got[1],
	   (unsigned long long)got[2], (unsigned long long)got[3],
	   (unsigned long long)got[4]);
	analysis_free(a);
}

static void set_full(struct snapshot *s, bool full)
{
	/* pages 127: 100 in use leaves 27, 54 < 127 */
	s->dev.inuse_pages = full ? 100 : 10;
}

static void test_allocatable(void)
{
	struct snapshot *s = alloc_dev('G');
	struct analysis *a;

	/* F = 2, D = 1; usable: 0, 1, 2 (6 is isolated, 5 discards) */
	a = analyse(s, ANALYSIS_ALL_CHECKS, NULL);
	ok(!a->totals.vm_swap_full && a->clusters[1].own_blocks == 2 &&
	   a->clusters[1].own_blocks_reclaim == 3 &&
	   a->clusters[0].own_blocks == 10 && a->clusters[0].own_blocks_reclaim == 12 &&
	   a->clusters[2].own_blocks == 7,
	   "own blocks: strict and with cache-only slots reclaimed");
	analysis_free(a);

	check_alloc(s, (uint64_t[]){ 82, 23, 10, 4, 2 },
		    "era G: F*cs + usable free + D*cs; F*cs/2^k + own blocks; PMD: F");
	set_full(s, true);
	a = analyse(s, ANALYSIS_ALL_CHECKS, NULL);
	ok(a->totals.vm_swap_full, "inuse 100 of 127: vm_swap_full");
	analysis_free(a);
	check_alloc(s, (uint64_t[]){ 86, 23, 11, 4, 2 },
		    "era G, vm_swap_full: cache-only slots reclaimable");
	set_full(s, false);
	s->dev.has_rotational = true;
	s->dev.rotational = true;
	check_alloc(s, (uint64_t[]){ 82, 23, 10, 4, 2 },
		    "era G, rotational: same (global_cluster, same allocator)");
	s->dev.has_flags = true;
	s->dev.flags = SNAPSHOT_SWP_WRITEOK;
	check_alloc(s, (uint64_t[]){ 82, 0, 0, 0, 0 },
		    "era G, swap file (no SWP_BLKDEV): order 0 only");
	s->dev.flags = SNAPSHOT_SWP_WRITEOK | SNAPSHOT_SWP_BLKDEV;
	check_alloc(s, (uint64_t[]){ 82, 23, 10, 4, 2 },
		    "era G, SWP_BLKDEV given: large orders back");
	snapshot_free(s);

	s = alloc_dev('C');
	check_alloc(s, (uint64_t[]){ 82, 31, 14, 6, 3 },
		    "era C: (F + D)*cs/2^k + own blocks");
	set_full(s, true);
	check_alloc(s, (uint64_t[]){ 86, 31, 15, 6, 3 }, "era C, vm_swap_full");
	set_full(s, false);
	s->dev.has_rotational = true;
	s->dev.rotational = true;
	check_alloc(s, (uint64_t[]){ 82, 0, 0, 0, 0 },
		    "era C, rotational: no cluster_info, order 0 only");
	snapshot_free(s);

	s = alloc_dev('B');
	check_alloc(s, (uint64_t[]){ 94, 31, 14, 6, 3 },
		    "era B: every free slot; (F + D)*cs/2^k + blocks from the hints");
	set_full(s, true);
	check_alloc(s, (uint64_t[]){ 98, 31, 14, 6, 3 },
		    "era B, vm_swap_full: the scanner reclaims cache-only slots");
	set_full(s, false);
	s->dev.has_flags = true;
	s->dev.flags = SNAPSHOT_SWP_WRITEOK;
	check_alloc(s, (uint64_t[]){ 94, 0, 0, 0, 0 }, "era B, swap file");
	s->dev.has_flags = false;
	s->dev.has_rotational = true;
	s->dev.rotational = true;
	check_alloc(s, (uint64_t[]){ 94, 0, 0, 0, 0 }, "era B, rotational");
	snapshot_free(s);

	s = alloc_dev('A');
	check_alloc(s, (uint64_t[]){ 94, 0, 0, 0, 2 },
		    "era A: only PMD THP whole (free clusters)");
	s->dev.has_rotational = true;
	s->dev.rotational = true;
	check_alloc(s, (uint64_t[]){ 94, 0, 0, 0, 0 }, "era A, rotational");
	snapshot_free(s);

	/* vm_swap_full from the slots when info lacks pages and inuse_pages */
	s = dev_new(64, 16, 5, 'G');
	put(s, 1, 31, 1, 0);
	settle(s);
	finish(s);
	a = analyse(s, ANALYSIS_ALL_CHECKS, NULL);
	ok(!a->totals.vm_swap_full, "31 of 63 used: not vm_swap_full");
	analysis_free(a);
	put(s, 32, 1, 0, SNAPSHOT_SLOT_CACHED);
	settle(s);
	a = analyse(s, ANALYSIS_ALL_CHECKS, NULL);
	ok(a->totals.vm_swap_full, "31 used + 1 cache-only of 63: vm_swap_full");
	analysis_free(a);
	snapshot_free(s);
}

/* ---- a naive model against the bit tricks ------------------------------- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static struct snapshot *random_dev(uint32_t max, uint32_t cs)
{
	uint32_t shift = 0, nr_orders, i, ci;
	struct snapshot *s;

	while (CS(shift) < cs)
		shift++;
	nr_orders = shift + 1 > 15 ? 15 : shift + 1;
	s = dev_new(max, cs, nr_orders, "CDEG"[rnd() % 4]);
	for (ci = 0; ci < s->dev.nr_clusters; ci++) {
		uint32_t first = snapshot_cluster_first(s, ci);
		uint32_t end = snapshot_cluster_end(s, ci);
		unsigned int mode = rnd() % 6, k = rnd() % (shift + 1);
		uint16_t same = (uint16_t)(1 + rnd() % 3) |
				(rnd() % 2 ? SNAPSHOT_SLOT_ZSWAP : 0);

		/*
		 * 0 free, 1 all used, 2 and 3 mixed, 4 every slot alike,
		 * 5 whole aligned runs of the cluster's order
		 */
		s->clusters[ci].order = (uint8_t)k;
		for (i = first; i < end; i++) {
			uint32_t r = rnd();
			uint16_t w = 0;

			if (mode == 0)
				continue;
			if (mode == 4 || mode == 5) {
				if (i)
					s->slots[i] = same;
				continue;
			}
			if (mode == 1 || r % 3) {
				w = (uint16_t)(1 + r % 4);
				if (r % 7 == 0)
					w = SNAPSHOT_COUNT_INLINE_MAX;
			}
			if ((r >> 8) % 5 == 0)
				w |= SNAPSHOT_SLOT_CACHED;
			if ((r >> 12) % 53 == 0)
				w |= SNAPSHOT_SLOT_BAD;
			if ((r >> 16) % 9 == 0)
				w |= SNAPSHOT_SLOT_ZERO;
			if ((r >> 20) % 11 == 0)
				w |= SNAPSHOT_SLOT_ZSWAP;
			if (i)
				s->slots[i] = w;
		}
		/* runs: aligned mostly, some not, some of another order */
		for (i = first; mode != 0 && mode != 4 && i < end; ) {
			uint32_t r = rnd();
			unsigned int o = mode == 5 || r % 3 ? k : r % (shift + 2);

			if (o > SNAPSHOT_MAX_ORDER)
				o = SNAPSHOT_MAX_ORDER;
			if (mode != 5 && (r >> 4) % 5 == 0)
				i += 1 + (r >> 8) % 3;
			else if (!snapshot_add_run(s, i, o, NULL))
				i += CS(o);
			else
				i++;
		}
	}
	/* folios, non-overlapping, some misaligned */
	for (i = 1; i < max; ) {
		uint32_t r = rnd();
		unsigned int o = r % (shift + 1);

		if (r % 5 == 0 && (uint64_t)i + CS(o) <= max) {
			folio(s, i, o);
			i += CS(o);
		}
		i += 1 + (r >> 8) % (2 * cs);
	}
	settle(s);
	for (ci = 0; ci < s->dev.nr_clusters; ci++) {
		uint32_t r = rnd();

		if (r % 4 == 0)
			s->clusters[ci].count = (uint16_t)(r % (cs + 1));
		if (r % 5 == 0)
			s->clusters[ci].flags = (uint8_t)((r >> 8) % SNAPSHOT_CLUSTER_NR_FLAGS);
		if (r % 3 == 0)
			s->clusters[ci].order = (uint8_t)((r >> 16) % (shift + 1));
	}
	finish(s);
	return s;
}

/* Aligned 2^k blocks of [first, first + cs) all "free" by @reclaim rules. */
static uint32_t naive_blocks(const struct snapshot *s, uint32_t ci,
			     unsigned int k, bool reclaim)
{
	uint32_t first = snapshot_cluster_first(s, ci), cs = s->dev.cluster_size;
	uint32_t n = 0, b, i;

	for (b = first; b < first + cs; b += CS(k)) {
		bool all = true;

		for (i = b; i < b + CS(k); i++) {
			uint16_t w;

			if (i >= s->dev.max) {
				all = false;
				break;
			}
			w = s->slots[i];
			if (snapshot_slot_free(w))
				continue;
			if (reclaim && (w & SNAPSHOT_SLOT_CACHED) &&
			    !(w & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_BAD)))
				continue;
			all = false;
			break;
		}
		n += all;
	}
	return n;
}

struct naive_runs {
	uint32_t runs[SNAPSHOT_MAX_ORDER + 1];
	uint32_t misaligned, mixed_order;
};

/* Runs starting in cluster @ci, by brute force over slots and folios. */
static void naive_runs(const struct snapshot *s, uint32_t ci, bool mixed,
		       struct naive_runs *nr)
{
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t end = snapshot_cluster_end(s, ci), cs = s->dev.cluster_size;
	unsigned int corder = s->clusters[ci].order;
	uint32_t i;
	size_t f;

	memset(nr, 0, sizeof(*nr));
	for (i = first; i < end; i++) {
		uint16_t w = s->slots[i];
		int k = snapshot_slot_order(w);
		const struct snapshot_folio *fo = NULL;

		for (f = 0; f < s->nr_folios; f++)
			if (s->folios[f].offset == i)
				fo = &s->folios[f];
		if ((w & SNAPSHOT_SLOT_HEAD) && k >= 0) {
			nr->runs[k]++;
			nr->misaligned += (i % CS(k)) || (i - first + CS(k) > cs);
			nr->mixed_order += mixed && (unsigned int)k != corder;
			if (fo && fo->order == (unsigned int)k)
				fo = NULL;	/* one run */
		}
		if (fo) {
			nr->runs[fo->order]++;
			nr->misaligned += (i % CS(fo->order)) ||
					  (i - first + CS(fo->order) > cs);
			nr->mixed_order += mixed && fo->order != corder;
		}
	}
}

static bool naive_check(const struct snapshot *s, const struct analysis *a,
			uint32_t ci)
{
	const struct analysis_cluster *ac = &a->clusters[ci];
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t end = snapshot_cluster_end(s, ci), cs = s->dev.cluster_size;
	uint32_t used = 0, free_ = 0, cached = 0, co = 0, bad = 0, zero = 0,
		 zswap = 0, partial = 0, i, k;
	unsigned int order = s->clusters[ci].order, shift = s->dev.cluster_shift;
	int lfo = -1;
	struct naive_runs nr;
	bool good = true;

	for (i = first; i < end; i++) {
		uint16_t w = s->slots[i];

		used += !!(w & SNAPSHOT_SLOT_COUNT);
		cached += !!(w & SNAPSHOT_SLOT_CACHED);
		bad += !!(w & SNAPSHOT_SLOT_BAD);
		zero += !!(w & SNAPSHOT_SLOT_ZERO);
		zswap += !!(w & SNAPSHOT_SLOT_ZSWAP);
		free_ += snapshot_slot_free(w);
		co += (w & SNAPSHOT_SLOT_CACHED) &&
		      !(w & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_BAD));
	}
	for (k = 0; k <= shift; k++)
		if (naive_blocks(s, ci, k, false))
			lfo = (int)k;
	if (order && order <= shift &&
	    s->clusters[ci].flags != SNAPSHOT_CLUSTER_FREE) {
		uint32_t b;

		for (b = first; b < first + cs; b += CS(order)) {
			uint32_t n = 0;

			for (i = b; i < b + CS(order); i++)
				n += i >= s->dev.max ||
				     !snapshot_slot_free(s->slots[i]);
			partial += n && n < CS(order);
		}
	}
	naive_runs(s, ci, s->dev.era >= 'C', &nr);

	good &= ac->used == used && ac->free == free_ && ac->cached == cached &&
		ac->cache_only == co && ac->bad == bad && ac->zero == zero &&
		ac->zswap == zswap;
	good &= ac->nonfree == cs - free_;	/* the tail counts */
	good &= ac->largest_free_order == lfo;
	if (order <= shift) {
		good &= ac->own_blocks == naive_blocks(s, ci, order, false);
		good &= ac->own_blocks_reclaim == naive_blocks(s, ci, order, true);
	}
	good &= ac->findings[ANALYSIS_PARTIAL_BLOCK] == partial;
	good &= ac->findings[ANALYSIS_CACHE_ONLY] == (co > 0);
	good &= ac->findings[ANALYSIS_MISALIGNED] == nr.misaligned;
	good &= ac->findings[ANALYSIS_MIXED_ORDER] == nr.mixed_order;
	for (k = 0; k < s->dev.nr_orders; k++)
		good &= a->order_runs[(size_t)ci * s->dev.nr_orders + k] == nr.runs[k];
	if (!good)
		printf("# cluster %u of cs %u differs from the naive model\n", ci, cs);
	return good;
}

static void test_naive(void)
{
	static const uint32_t geo[][2] = {
		{ 37, 1 }, { 61, 2 }, { 203, 4 }, { 500, 16 }, { 1000, 32 },
		{ 4096, 64 }, { 4000, 128 }, { 9001, 512 }, { 16384, 1024 },
		{ 40000, 16384 },
	};
	unsigned int g, rep;

	for (g = 0; g < sizeof(geo) / sizeof(geo[0]); g++) {
		for (rep = 0; rep < 4; rep++) {
			struct snapshot *s = random_dev(geo[g][0], geo[g][1]);
			struct lines l, m;
			struct analysis *a;
			uint32_t ci;
			bool good = true;

			lines_init(&l);
			lines_init(&m);
			a = analyse(s, ANALYSIS_ALL_CHECKS, &l);
			for (ci = 0; ci < s->dev.nr_clusters; ci++)
				good &= naive_check(s, a, ci);
			ok(good, "random device max %u cluster %u (%c) #%u: summaries match the naive model",
			   geo[g][0], geo[g][1], s->dev.era, rep);
			ok(!cluster_lines(a, ANALYSIS_ALL_CHECKS, &m) &&
			   same(lines_text(&m), lines_text(&l), "per cluster") &&
			   l.in_order,
			   "random device max %u cluster %u #%u: %u findings in order, the same per cluster",
			   geo[g][0], geo[g][1], rep, l.n);
			free(l.text);
			free(m.text);
			analysis_free(a);
			snapshot_free(s);
		}
	}
}

static void test_names(void)
{
	char buf[16];
	struct analysis_finding f = {
		.check = ANALYSIS_CACHE_ONLY, .cluster = 1, .offset = 20, .nr = 3,
		.order = -1,
	};
	unsigned int c;
	bool good = true;

	for (c = 0; c < ANALYSIS_NR_CHECKS; c++) {
		const char *n = analysis_check_name(c);

		good &= analysis_check_parse(n, strlen(n)) == (int)c;
	}
	ok(good, "every check name parses back");
	ok(analysis_check_parse("misaligned-x", 10) == ANALYSIS_MISALIGNED &&
	   analysis_check_parse("bogus", 5) == -1, "parse takes a length; unknown is -1");
	ok(analysis_check_severity(ANALYSIS_MIXED_ORDER) == ANALYSIS_WARNING &&
	   analysis_check_severity(ANALYSIS_PARTIAL_BLOCK) == ANALYSIS_INFO &&
	   analysis_check_severity(ANALYSIS_CACHE_ONLY) == ANALYSIS_INFO &&
	   analysis_check_severity(ANALYSIS_ORPHAN_CACHE) == ANALYSIS_ERROR &&
	   analysis_check_severity(ANALYSIS_MIXED_BACKING) == ANALYSIS_ERROR,
	   "severities");
	ok(analysis_severity_parse("warning") == ANALYSIS_WARNING &&
	   analysis_severity_parse("fatal") == -1 &&
	   !strcmp(analysis_severity_name(ANALYSIS_ERROR), "error"),
	   "severity names");
	ok(analysis_finding_format(&f, buf, sizeof(buf)) ==
	   (int)strlen("cache-only cluster=1 offset=20 nr=3") &&
	   !strcmp(buf, "cache-only clus"),
	   "format returns the length it needs and truncates like snprintf");
}

/* ---- dump fixtures ------------------------------------------------------ */

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	fclose(fp);
	return buf;
}

static void test_fixtures(const char *dir)
{
	static const char *const names[] = {
		"clean", "misaligned", "count-mismatch", "list-mismatch",
		"bad-in-use", "orphan-cache", "mixed-backing", "mixed-order",
		"partial-block", "cache-only",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[4096], *want;
		struct snapshot *s = NULL;
		struct diag d;
		int rc;

		diag_clear(&d);
		snprintf(path, sizeof(path), "%s/findings/%s", dir, names[i]);
		rc = dump_load(path, &s, &d);
		if (rc) {
			ok(0, "fixture %s loads (%d: %s)", names[i], rc, d.msg);
			continue;
		}
		snprintf(path, sizeof(path), "%s/findings/%s/expected", dir,
			 names[i]);
		want = slurp(path);
		if (!want) {
			ok(0, "fixture %s has an expected file", names[i]);
		} else {
			char *got = findings_of(s, ANALYSIS_ALL_CHECKS);

			ok(same(got, want, names[i]),
			   "fixture %s: the expected findings", names[i]);
			free(got);
			free(want);
		}
		snapshot_free(s);
	}
}

int main(int argc, char **argv)
{
	test_names();
	test_clean();
	test_misaligned();
	test_count_mismatch();
	test_list_mismatch();
	test_bad_in_use();
	test_orphan_cache();
	test_mixed_backing();
	test_mixed_order();
	test_partial_block();
	test_cache_only();
	test_order_and_stop();
	test_allocatable();
	test_naive();
	if (argc > 1)
		test_fixtures(argv[1]);
	else
		ok(0, "usage: test-analysis FIXTURES_DIR");
	return tap_done();
}
