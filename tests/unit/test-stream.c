// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-stream.c - a snapshot whose slot words arrive a slice at a time
 * (stream.h): the analysis of a stream, through a window much smaller
 * than the slot array, finds exactly what the analysis of the whole
 * array finds (lines, totals, per-cluster summaries); a producer that
 * fails makes the analysis fail with its error; a consumer that gives
 * up midway stops the producer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/snapshot.h>
#include <swapfs/stream.h>

#include "devbuild.h"
#include "tap.h"

/* 256 Ki slots a chunk, 3 chunks a window: 1.5 MiB of arrays of 2 to 4 MiB. */
#define CHUNK	(1u << 18)
#define WINDOW	3

static uint32_t rnd_state;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/*
 * A random device (seeded: the same @seed makes the same device) as a
 * snapshot file can hold it: runs and folios of orders below nr_orders,
 * so no run reaches past the next cluster.
 */
static struct snapshot *random_dev(uint32_t max, uint32_t shift, uint32_t seed)
{
	struct snapshot *s = dev_new(max, 1u << shift, shift + 1, 'G');
	uint32_t i, ci;

	rnd_state = seed;
	for (i = 1; i < max; i++) {
		uint32_t r = rnd();
		uint16_t w = r % 3 ? (uint16_t)(1 + r % 5) : 0;

		if ((r >> 8) % 5 == 0)
			w |= SNAPSHOT_SLOT_CACHED;
		if ((r >> 12) % 97 == 0)
			w |= SNAPSHOT_SLOT_BAD;
		if ((r >> 16) % 9 == 0)
			w |= SNAPSHOT_SLOT_ZSWAP;
		s->slots[i] = w;
	}
	for (i = 1; i < max; ) {
		uint32_t r = rnd(), k = r % (shift + 1);

		if (r % 3 && !snapshot_add_run(s, i, k, NULL))
			i += 1u << k;
		else
			i += 1 + (r >> 8) % 7;
	}
	for (i = 1; i < max; ) {
		uint32_t r = rnd(), k = r % (shift + 1);

		if (r % 4 == 0 && (uint64_t)i + (1u << k) <= max &&
		    !snapshot_add_folio(s, i, k, 0, NULL))
			i += 1u << k;
		i += 1 + (r >> 8) % 300;
	}
	for (ci = 0; ci < s->dev.nr_clusters; ci++) {
		uint32_t r = rnd();

		s->clusters[ci].count = (uint16_t)(r % ((1u << shift) + 1));
		s->clusters[ci].flags = (uint8_t)((r >> 8) % SNAPSHOT_CLUSTER_NR_FLAGS);
		s->clusters[ci].order = (uint8_t)((r >> 16) % (shift + 1));
	}
	if (snapshot_finish(s, NULL))
		abort();
	return s;
}

/* The producer: copies the words, a few clusters (37 at most) at a time. */
struct copy {
	uint16_t *src;
	uint32_t fail_at;	/* cluster at which to fail, or UINT32_MAX */
};

static int copy_produce(struct stream *st, void *arg)
{
	struct copy *c = arg;
	struct snapshot *s = stream_snapshot(st);
	uint32_t n = s->dev.nr_clusters, ci, to, first, end;
	uint32_t step = (CHUNK >> s->dev.cluster_shift) / 3;
	int rc = 0;

	/* published at least every chunk, as stream.h asks */
	step = step > 37 ? 37 : step ? step : 1;
	for (ci = 0; ci < n && !rc; ci = to) {
		to = ci + step < n ? ci + step : n;
		if (ci >= c->fail_at) {
			rc = -EIO;
			break;
		}
		first = snapshot_cluster_first(s, ci);
		end = snapshot_cluster_end(s, to - 1);
		rc = stream_reserve(st, end);
		if (rc)
			break;
		memcpy(s->slots + first, c->src + first, (end - first) * sizeof(*c->src));
		stream_publish(st, to);
	}
	free(c->src);
	free(c);
	return rc;
}

/* @s's words moved aside, the array zeroed, and a stream that brings them back. */
static int start_copy(struct snapshot *s, uint32_t fail_at)
{
	struct copy *c = malloc(sizeof(*c));
	size_t bytes = (size_t)s->dev.max * sizeof(*s->slots);
	int rc;

	if (!c || !(c->src = malloc(bytes)))
		abort();
	memcpy(c->src, s->slots, bytes);
	memset(s->slots, 0, bytes);
	c->fail_at = fail_at;
	rc = stream_start(s, CHUNK, WINDOW, copy_produce, c);
	if (rc) {
		free(c->src);
		free(c);
	}
	return rc;
}

/* Findings as text lines. */
struct lines {
	char *text;
	size_t len, alloc;
};

static int lines_fn(const struct analysis_finding *f, void *arg)
{
	struct lines *l = arg;
	char buf[256];
	int n = analysis_finding_format(f, buf, sizeof(buf));

	if (n < 0 || (size_t)n >= sizeof(buf) - 1)
		abort();
	if (l->len + (size_t)n + 2 > l->alloc) {
		l->alloc = (l->len + (size_t)n + 2) * 2;
		l->text = realloc(l->text, l->alloc);
		if (!l->text)
			abort();
	}
	memcpy(l->text + l->len, buf, (size_t)n);
	l->len += (size_t)n;
	l->text[l->len++] = '\n';
	l->text[l->len] = '\0';
	return 0;
}

static bool same_analysis(const struct analysis *a, const struct analysis *b)
{
	const struct snapshot_device *dev = &a->snap->dev;

	return !memcmp(&a->totals, &b->totals, sizeof(a->totals)) &&
	       !memcmp(a->orders, b->orders, sizeof(a->orders)) &&
	       !memcmp(a->clusters, b->clusters,
		       dev->nr_clusters * sizeof(*a->clusters)) &&
	       !memcmp(a->order_runs, b->order_runs,
		       (size_t)dev->nr_clusters * dev->nr_orders * sizeof(*a->order_runs));
}

static void test_same(uint32_t max, uint32_t shift, uint32_t seed)
{
	struct snapshot *whole = random_dev(max, shift, seed);
	struct snapshot *s = random_dev(max, shift, seed);
	struct lines lw = { 0 }, ls = { 0 };
	struct analysis *aw = NULL, *as = NULL;
	int rw, rs = -1, end = -1;

	rw = analysis_run(whole, ANALYSIS_ALL_CHECKS, lines_fn, &lw, &aw);
	if (!start_copy(s, UINT32_MAX)) {
		rs = analysis_run(s, ANALYSIS_ALL_CHECKS, lines_fn, &ls, &as);
		end = stream_end(s);
	}
	ok(!rw && !rs && !end && lw.len && ls.len == lw.len &&
	   !memcmp(ls.text, lw.text, lw.len) && same_analysis(aw, as),
	   "max %u, clusters of %u, seed %u: the stream's analysis is the whole array's (%zu bytes of findings; %d %d %d)",
	   max, 1u << shift, seed, lw.len, rw, rs, end);
	free(lw.text);
	free(ls.text);
	analysis_free(aw);
	analysis_free(as);
	snapshot_free(whole);
	snapshot_free(s);
}

static void test_fail(void)
{
	struct snapshot *s = random_dev(1u << 21, 9, 7);
	struct analysis *a = NULL;
	int rc = -1, end = -1;

	if (!start_copy(s, 3000)) {
		rc = analysis_run(s, ANALYSIS_ALL_CHECKS, NULL, NULL, &a);
		end = stream_end(s);
	}
	ok(rc == -EIO && !a && end == -EIO,
	   "a producer that fails midway: the analysis fails with its error (%d, %d)",
	   rc, end);
	snapshot_free(s);
}

static void test_give_up(void)
{
	struct snapshot *s = random_dev(1u << 21, 9, 11);
	struct stream_cursor cur;
	int rc = -1;

	if (!start_copy(s, UINT32_MAX)) {
		stream_cursor_init(&cur, s);
		rc = stream_at(&cur, 0);
	}
	/* the producer waits for room the consumer never gives: freed, it stops */
	snapshot_free(s);
	ok(!rc, "a consumer that gives up after one cluster stops the producer");
}

static void test_small(void)
{
	struct snapshot *s = dev_new(1000, 16, 5, 'G');
	struct snapshot *t = dev_new(1000, 16, 5, 'G');
	char *a, *b;

	s->slots[5] = t->slots[5] = 3;
	ok(stream_start(s, CHUNK, 2, copy_produce, NULL) == -EINVAL &&
	   stream_start(s, 1000, WINDOW, copy_produce, NULL) == -EINVAL &&
	   !s->stream, "stream_start refuses a window under 3 chunks and a chunk of odd size");
	ok(!start_copy(s, UINT32_MAX) && !stream_end(s),
	   "an array smaller than the window is filled in place");
	a = (char *)s->slots;
	b = (char *)t->slots;
	ok(!memcmp(a, b, 1000 * sizeof(*s->slots)), "... with every word");
	snapshot_free(s);
	snapshot_free(t);
}

int main(void)
{
	test_small();
	test_same(1u << 21, 9, 1);
	test_same((1u << 20) + 777, 4, 2);
	test_same(3u << 19, 14, 3);
	test_fail();
	test_give_up();
	return tap_done();
}
