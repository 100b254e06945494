// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-diff.c - the diff layer (swapfs/diff.h) on snapshots built in
 * memory: the calls the front ends make (the changed-cluster bitmap, runs
 * of one cluster, one slot, findings of one cluster, orders, counters),
 * its refusals, and random pairs of states cross-checked against a naive
 * slot-by-slot comparison and against the whole findings streams of
 * analysis_run() (so the clusters it skips for findings are provably
 * those whose findings cannot differ).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/diff.h>
#include <swapfs/snapshot.h>

#include "devbuild.h"
#include "tap.h"

/* One state: a snapshot and its analysis. */
struct state {
	struct snapshot *s;
	struct analysis *an;
	struct diff_side side;
};

static void state_done(struct state *st, const struct diff_stat *c, size_t nr)
{
	if (snapshot_finish(st->s, NULL) ||
	    analysis_run(st->s, ANALYSIS_ALL_CHECKS, NULL, NULL, &st->an))
		abort();
	st->side = (struct diff_side){ .snap = st->s, .an = st->an, .counters = c,
				       .nr_counters = nr };
}

static void state_free(struct state *st)
{
	analysis_free(st->an);
	snapshot_free(st->s);
}

/* Slots [off, off + n) get @count references. */
static void put(struct snapshot *s, uint32_t off, uint32_t n, uint32_t count)
{
	while (n--)
		if (snapshot_set_count(s, off++, count))
			abort();
}

/* ci->count from the slots (and the tail), the list from the count. */
static void settle(struct snapshot *s)
{
	struct snapshot_cluster *c = s->clusters;
	uint32_t ci, i;

	for (ci = 0; ci < s->dev.nr_clusters; ci++)
		c[ci].count = (uint16_t)snapshot_cluster_tail(s, ci);
	for (i = 0; i < s->dev.max; i++)
		c[i >> s->dev.cluster_shift].count += !snapshot_slot_free(s->slots[i]);
	for (ci = 0; ci < s->dev.nr_clusters; ci++) {
		c[ci].flags = !c[ci].count ? SNAPSHOT_CLUSTER_FREE :
			      c[ci].count == s->dev.cluster_size ? SNAPSHOT_CLUSTER_FULL :
			      SNAPSHOT_CLUSTER_NONFULL;
		if (!c[ci].count)
			c[ci].order = 0;
	}
}

/* ---- the calls the front ends make -------------------------------------- */

/* 256 slots in clusters of 16: cluster 2 full of order-0 slots. */
static struct snapshot *base(void)
{
	struct snapshot *s = dev_new(256, 16, 5, 'G');

	put(s, 32, 16, 1);
	settle(s);
	return s;
}

static void test_calls(void)
{
	static const struct diff_stat ca[] = {
		{ 2, "swpout", 10 }, { 4, "swpout", 5 },
	};
	static const struct diff_stat cb[] = {
		{ 2, "swpout", 10 }, { 4, "swpout", 7 }, { 4, "swpout_fallback", 1 },
	};
	struct state a = { .s = base() }, b = { .s = base() };
	struct diff_run runs[16];
	struct diff_cluster c;
	const struct diff_counter *k;
	struct diff *df;
	struct diag d;
	size_t nr;

	/* cluster 2: 36..39 freed, 44 counted twice; cluster 9 gets a run */
	put(b.s, 36, 4, 0);
	put(b.s, 44, 1, 2);
	snapshot_add_run(b.s, 144, 2, NULL);
	put(b.s, 144, 4, 1);
	b.s->clusters[9].order = 2;
	settle(b.s);
	state_done(&a, ca, 2);
	state_done(&b, cb, 3);
	ok(!diff_new(&a.side, &b.side, &df, &d), "diff_new");
	ok(!diff_same(df) && diff_clusters_changed(df) == 2, "two clusters changed");
	ok(diff_next_changed(df, 0) == 2 && diff_next_changed(df, 3) == 9 &&
	   diff_next_changed(df, 10) == 16, "diff_next_changed walks 2, 9, then the end");
	ok(diff_cluster_changed(df, 9) && !diff_cluster_changed(df, 8) &&
	   !diff_cluster_changed(df, 99), "diff_cluster_changed");
	ok(!diff_cluster(df, 2, &c, runs, 16) && c.nr_runs == 2 && c.slots_changed == 5 &&
	   runs[0].first == 36 && runs[0].nr == 4 && runs[0].from == DIFF_KIND_USED &&
	   runs[0].to == DIFF_KIND_FREE && runs[0].changed == DIFF_ATTR_COUNT &&
	   runs[1].first == 44 && runs[1].nr == 1 && runs[1].to == DIFF_KIND_USED,
	   "cluster 2: 4 slots used -> free at 36-39, 1 used -> used at 44");
	ok(c.a.count == 16 && c.b.count == 12 && c.a.flags == SNAPSHOT_CLUSTER_FULL &&
	   c.b.flags == SNAPSHOT_CLUSTER_NONFULL, "cluster 2's struct on both sides");
	ok(!diff_cluster(df, 9, &c, runs, 16) && c.nr_runs == 1 &&
	   runs[0].changed == (DIFF_ATTR_COUNT | DIFF_ATTR_RUN) && c.a.order == 0 &&
	   c.b.order == 2, "cluster 9: a new run, its order");
	ok(diff_cluster(df, 2, &c, runs, 1) == -ENOSPC && c.nr_runs == 2 &&
	   runs[0].first == 36, "too little room: -ENOSPC, the count, the first runs");
	ok(!diff_cluster(df, 5, &c, runs, 16) && !c.nr_runs && c.index == 5,
	   "an unchanged cluster has no runs");
	ok(diff_cluster(df, 16, &c, runs, 16) == -EINVAL, "a cluster out of range");
	ok(diff_slot_changed(df, 36) && diff_slot_changed(df, 44) &&
	   !diff_slot_changed(df, 40) && !diff_slot_changed(df, 0) &&
	   !diff_slot_changed(df, 256), "diff_slot_changed");
	ok(diff_order(df, 2).clusters[1] == 1 && diff_order(df, 2).clusters[0] == 0 &&
	   diff_order(df, 2).runs[1] == 1 && diff_nr_orders(df) == 5,
	   "diff_order: order 2 owns a cluster in b");
	k = diff_counters(df, &nr);
	ok(nr == 3 && k[1].order == 4 && !strcmp(k[1].name, "swpout") && k[1].a == 5 &&
	   k[1].b == 7 && k[2].has_b && !k[2].has_a, "counters merged by order and name");
	diff_free(df);
	state_free(&a);
	state_free(&b);
}

/* The same state, except counters stored on one side only: the same. */
static void test_same(void)
{
	static const struct diff_stat cb[] = { { 4, "swpout", 7 } };
	struct state a = { .s = base() }, b = { .s = base() };
	struct diff *df;
	struct diag d;
	char buf[64];

	state_done(&a, NULL, 0);
	state_done(&b, cb, 1);
	ok(!diff_new(&a.side, &b.side, &df, &d) && diff_same(df) &&
	   !diff_clusters_changed(df) && diff_next_changed(df, 0) == 16 &&
	   diff_next_findings(df, 0) == 16, "the same state: same, nothing to walk");
	diff_free(df);
	ok(!strcmp(diff_attr_format(DIFF_ATTR_COUNT | DIFF_ATTR_RUN | DIFF_ATTR_ZSWAP,
				    buf, sizeof(buf)), "count,zswap,run") &&
	   !strcmp(diff_attr_format(0, buf, sizeof(buf)), ""),
	   "diff_attr_format");
	ok(!strcmp(diff_kind_name(DIFF_KIND_CACHE_ONLY), "cache-only"), "diff_kind_name");
	state_free(&a);
	state_free(&b);
}

static void test_refusals(void)
{
	struct state a = { .s = base() }, b = { .s = dev_new(512, 16, 5, 'G') };
	struct diff_side bad;
	struct diff *df;
	struct diag d;

	settle(b.s);
	state_done(&a, NULL, 0);
	state_done(&b, NULL, 0);
	ok(diff_new(&a.side, &b.side, &df, &d) == -EXDEV && !df &&
	   !strcmp(d.rule, "diff-geometry") && strstr(d.msg, "512 slots") &&
	   strstr(d.msg, "256 slots"), "another geometry: -EXDEV [diff-geometry]");
	bad = a.side;
	bad.an = b.an;
	ok(diff_new(&a.side, &bad, &df, &d) == -EINVAL, "an analysis of another snapshot");
	state_free(&a);
	state_free(&b);
}

/* ---- random pairs against a naive comparison ----------------------------- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

#define R_MAX	512u
#define R_CS	16u

/* One random slot: counts (some beyond a word), cache, zero, zswap. */
static void random_slot(struct snapshot *s, uint32_t i)
{
	uint32_t r = rnd(100);
	uint32_t count = r < 40 ? 0 : r < 95 ? 1 + rnd(3) : 120 + rnd(20);
	uint16_t bits = (rnd(8) ? 0 : SNAPSHOT_SLOT_CACHED) |
			(rnd(10) ? 0 : SNAPSHOT_SLOT_ZSWAP) |
			(rnd(20) ? 0 : SNAPSHOT_SLOT_ZERO);

	s->slots[i] &= (uint16_t)(SNAPSHOT_SLOT_HEAD | SNAPSHOT_SLOT_ORDER);
	put(s, i, 1, count);
	s->slots[i] |= bits;
}

/* Known runs anywhere (misaligned, across clusters), folios on every 8th slot. */
static void random_tables(struct snapshot *s, unsigned int runs, unsigned int folios)
{
	unsigned int i;

	for (i = 0; i < runs; i++) {
		unsigned int k = rnd(4);
		uint32_t off = 1 + rnd(R_MAX - (1u << k));

		snapshot_add_run(s, off, k, NULL);	/* a clash: skipped */
	}
	for (i = 0; i < folios; i++) {
		uint32_t off = 8 * (1 + rnd(R_MAX / 8 - 1));
		size_t j;

		for (j = 0; j < s->nr_folios && s->folios[j].offset != off; j++)
			;	/* not sorted yet: a linear look */
		if (j == s->nr_folios)
			snapshot_add_folio(s, off, rnd(4), SNAPSHOT_FOLIO_UPTODATE, NULL);
	}
}

/* A random state from @seed; @mutate > 0 changes a few things of it. */
static struct snapshot *random_state(uint64_t seed, unsigned int mutate)
{
	struct snapshot *s = dev_new(R_MAX, R_CS, 5, 'G');
	uint32_t i, ci;

	rng_state = seed;
	random_tables(s, 40, 20);
	for (i = 1; i < R_MAX; i++)
		random_slot(s, i);
	for (ci = 0; ci < s->dev.nr_clusters; ci++)
		s->clusters[ci].order = (uint8_t)rnd(5);
	settle(s);
	rng_state = seed * 7919 + mutate;
	for (i = 0; i < mutate; i++) {
		uint32_t slot = 1 + rnd(R_MAX - 1), what = rnd(5);

		if (what == 0)
			random_slot(s, slot);
		else if (what == 1)
			snapshot_remove_run(s, slot);
		else if (what == 2)
			random_tables(s, 1, 1);
		else if (what == 3)
			s->clusters[slot / R_CS].flags = (uint8_t)rnd(SNAPSHOT_CLUSTER_NR_FLAGS);
		else if (s->nr_folios)
			s->nr_folios--;		/* the last folio is gone */
	}
	return s;
}

/* A list of findings. */
struct list {
	struct analysis_finding *v;
	size_t nr;
};

static int list_add(const struct analysis_finding *f, void *arg)
{
	struct list *l = arg;

	l->v = realloc(l->v, (l->nr + 1) * sizeof(*l->v));
	if (!l->v)
		abort();
	l->v[l->nr++] = *f;
	return 0;
}

static bool finding_eq(const struct analysis_finding *x, const struct analysis_finding *y)
{
	return x->check == y->check && x->cluster == y->cluster && x->offset == y->offset &&
	       x->nr == y->nr && x->order == y->order && !strcmp(x->detail, y->detail);
}

/* @x less @y as multisets, of cluster @ci only, by naive matching. */
static struct list minus(const struct list *x, const struct list *y, uint32_t ci)
{
	bool *used = calloc(y->nr + 1, 1);
	struct list out = { 0 };
	size_t i, j;

	for (i = 0; i < x->nr; i++) {
		if (x->v[i].cluster != ci)
			continue;
		for (j = 0; j < y->nr; j++)
			if (!used[j] && finding_eq(&x->v[i], &y->v[j]))
				break;
		if (j < y->nr)
			used[j] = true;
		else
			list_add(&x->v[i], &out);
	}
	free(used);
	return out;
}

/* Whether two lists hold the same findings, in any order. */
static bool same_set(const struct list *x, const struct list *y)
{
	struct list d1 = minus(x, y, x->nr ? x->v[0].cluster : 0);
	bool same = x->nr == y->nr && !d1.nr;

	free(d1.v);
	return same;
}

struct reported {
	struct list added, removed;
};

static int report(const struct analysis_finding *f, enum diff_change change, void *arg)
{
	struct reported *r = arg;

	return list_add(f, change == DIFF_ADDED ? &r->added : &r->removed);
}

/* What a slot is, naively: (kind, exact count, bits, shmem). */
static unsigned int naive_kind(const struct snapshot *s, uint32_t i)
{
	uint16_t w = s->slots[i];

	return w & SNAPSHOT_SLOT_BAD ? DIFF_KIND_BAD : snapshot_count(s, i) ? DIFF_KIND_USED :
	       w & SNAPSHOT_SLOT_CACHED ? DIFF_KIND_CACHE_ONLY : DIFF_KIND_FREE;
}

static unsigned int naive_attrs(const struct snapshot *a, const struct snapshot *b, uint32_t i)
{
	static const uint16_t bits[] = { 0, SNAPSHOT_SLOT_CACHED, SNAPSHOT_SLOT_BAD,
					 SNAPSHOT_SLOT_ZERO, SNAPSHOT_SLOT_ZSWAP, 0,
					 SNAPSHOT_SLOT_HEAD | SNAPSHOT_SLOT_ORDER };
	unsigned int m = 0, k;

	for (k = 0; k < DIFF_NR_ATTRS; k++)
		if ((a->slots[i] ^ b->slots[i]) & bits[k])
			m |= 1u << k;
	if (snapshot_count(a, i) != snapshot_count(b, i))
		m |= DIFF_ATTR_COUNT;
	if (snapshot_is_shmem(a, i) != snapshot_is_shmem(b, i))
		m |= DIFF_ATTR_SHMEM;
	return m;
}

/* Cluster @ci's runs against the naive slot-by-slot comparison. */
static bool runs_agree(const struct snapshot *a, const struct snapshot *b, uint32_t ci,
		       const struct diff_cluster *c, const struct diff_run *runs)
{
	uint32_t i, r = 0, left = 0, changed = 0;

	for (i = ci * R_CS; i < (ci + 1) * R_CS; i++) {
		unsigned int m = naive_attrs(a, b, i);

		if (!m) {
			if (left)
				return false;	/* a run claims an unchanged slot */
			continue;
		}
		changed++;
		if (!left) {
			if (r == c->nr_runs || runs[r].first != i)
				return false;
			left = runs[r++].nr;
		}
		if (runs[r - 1].changed != m || runs[r - 1].from != naive_kind(a, i) ||
		    runs[r - 1].to != naive_kind(b, i))
			return false;
		left--;
	}
	return !left && r == c->nr_runs && changed == c->slots_changed;
}

/* One random pair: clusters, runs and findings against the naive answers. */
static bool random_pair(uint64_t seed, unsigned int mutate, unsigned int *changed)
{
	struct state a = { .s = random_state(seed, 0) }, b = { .s = random_state(seed, mutate) };
	struct list fa = { 0 }, fb = { 0 };
	struct diff_run runs[R_CS];
	struct diff_cluster c;
	struct diff *df;
	struct diag d;
	bool good = true;
	uint32_t ci;

	state_done(&a, NULL, 0);
	state_done(&b, NULL, 0);
	if (analysis_run(a.s, ANALYSIS_ALL_CHECKS, list_add, &fa, NULL) ||
	    analysis_run(b.s, ANALYSIS_ALL_CHECKS, list_add, &fb, NULL))
		abort();
	if (diff_new(&a.side, &b.side, &df, &d))
		abort();
	for (ci = 0; ci < R_MAX / R_CS; ci++) {
		struct list add = minus(&fb, &fa, ci), rem = minus(&fa, &fb, ci);
		struct reported rep = { { 0 }, { 0 } };
		bool moved = memcmp(&a.s->clusters[ci], &b.s->clusters[ci], sizeof(c.a));
		uint32_t i;

		for (i = ci * R_CS; i < (ci + 1) * R_CS; i++)
			moved |= naive_attrs(a.s, b.s, i) != 0;
		*changed += moved;
		good &= diff_cluster_changed(df, ci) == moved;
		good &= !diff_cluster(df, ci, &c, runs, R_CS) &&
			runs_agree(a.s, b.s, ci, &c, runs);
		good &= !diff_cluster_findings(df, ci, report, &rep) &&
			same_set(&add, &rep.added) && same_set(&rem, &rep.removed);
		free(add.v);
		free(rem.v);
		free(rep.added.v);
		free(rep.removed.v);
	}
	diff_free(df);
	free(fa.v);
	free(fb.v);
	state_free(&a);
	state_free(&b);
	return good;
}

static void test_random_pairs(void)
{
	unsigned int changed = 0, bad = 0, seed;

	for (seed = 1; seed <= 300; seed++)
		bad += !random_pair(seed, seed % 12, &changed);
	ok(!bad, "300 random pairs: clusters, runs and findings as the naive comparison (%u wrong)",
	   bad);
	ok(changed > 300, "and they changed something (%u clusters)", changed);
}

int main(void)
{
	test_calls();
	test_same();
	test_refusals();
	test_random_pairs();
	return tap_done();
}
