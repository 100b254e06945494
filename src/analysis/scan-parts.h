/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scan-parts.h - what the parts of the per-cluster scanner share: the
 * scan of one cluster in progress (struct scan), a known run being judged
 * (struct scan_run), bitmap arithmetic, and each part's entry points
 * (internal to the scanner; scan.h is its face to analysis.c).
 *
 * The parts: scan-words.c reads the slot words once into counts and
 * bitmaps, scan-blocks.c finds free blocks on the bitmaps, scan-runs.c
 * walks the known runs and has each run check judge them, and one file
 * per check (scan-<check>.c) decides and words its findings, built with
 * scan-finding.c. scan.c drives them and merges the findings by offset.
 */
#ifndef SWAPFS_SCAN_PARTS_H
#define SWAPFS_SCAN_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan.h"

/* No finding (ahead) of a generator: an offset past every slot. */
#define SCAN_NONE		UINT32_MAX
#define SCAN_BM_WORDS		(SNAPSHOT_MAX_CLUSTER_SIZE / 64)

#define SCAN_CHECK(c)		(1u << (c))

/* Where a known run was seen. */
#define SCAN_SRC_ORDERS		1u	/* orders record (a head in the map) */
#define SCAN_SRC_CACHE		2u	/* swap-cache folio */

/* The head bit and the order nibble: what says "run of order k starts". */
#define SCAN_HEAD_MASK		(SNAPSHOT_SLOT_HEAD | SNAPSHOT_SLOT_ORDER)

/* A known run and what each run check found in it. */
struct scan_run {
	uint32_t offset;
	unsigned int order;
	unsigned int src;	/* SCAN_SRC_* */
	bool counted;		/* in the bulk count of own-order heads */
	const struct snapshot_folio *folio;
	/* misaligned (crosses: mixed-backing reads it too) */
	uint32_t misaligned_by;
	bool crosses;
	bool mixed_order;
	uint32_t orphan_free, orphan_uncached;
	uint32_t zswap, allocated;	/* mixed-backing */
};

/* The scan of one cluster. */
struct scan {
	const struct snapshot *s;
	const struct snapshot_cluster *c;
	struct analysis_cluster *ac;
	uint32_t *runs;
	analysis_finding_fn fn;
	void *arg;
	unsigned int mask;
	char era;
	uint32_t ci, first, end, size, shift, nwords;
	uint64_t valid;		/* bits of a bitmap word that are slots */
	bool mixed_order;	/* the check applies (era and mask) */
	uint16_t own_head;	/* head bit + order nibble of ci->order */
	bool any_heads;
	bool bulk;		/* aligned heads of ci->order were counted */

	/* known runs (scan-runs.c) */
	uint32_t hw;
	uint64_t hbits;
	size_t fi, fend;
	uint32_t run_off;
	unsigned int nr_cur;
	struct scan_run cur[2];

	/* bad-in-use */
	size_t fc;
	uint32_t bad_off, bad_len;
	unsigned int bad_why;

	/* partial-block */
	bool part_on;
	unsigned int part_order;
	uint32_t part_block, part_off, part_used;

	/* cache-only */
	uint32_t co_off;

	uint64_t nonfree[SCAN_BM_WORDS];	/* tail beyond max included */
	uint64_t cacheonly[SCAN_BM_WORDS];
	uint64_t heads[SCAN_BM_WORDS];		/* runs to look at one by one */
	uint64_t ownheads[SCAN_BM_WORDS];	/* heads of ci->order */
	uint64_t freebm[SCAN_BM_WORDS];
	uint64_t scratch[SCAN_BM_WORDS];
};

/* A finding's detail being built (scan-finding.c). */
struct scan_text {
	char *buf;
	size_t len;
};

/* Set bits; without a popcount instruction, no libgcc call either. */
static inline uint32_t scan_popcount(uint64_t x)
{
#if defined(__POPCNT__) || !defined(__x86_64__)
	return (uint32_t)__builtin_popcountll(x);
#else
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (uint32_t)((x * 0x0101010101010101ull) >> 56);
#endif
}

/*
 * Where run @r's slots end: at max at the latest (add_run() and finish()
 * forbid a run past it).
 */
static inline uint32_t scan_run_end(const struct scan *sc,
				    const struct scan_run *r)
{
	uint64_t end = (uint64_t)r->offset + (1u << r->order);

	return end > sc->s->dev.max ? sc->s->dev.max : (uint32_t)end;
}

/* Aligned block starts for blocks of 2^k bits, k < 6. */
static const uint64_t scan_align[6] = {
	~0ull, 0x5555555555555555ull, 0x1111111111111111ull,
	0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull,
};

/* The 16-bit value @v in each of the four lanes of a 64-bit word. */
#define SCAN_LANES(v)		((uint64_t)(v) * 0x0001000100010001ull)

/* Four slot words as the lanes of a 64-bit word: bit 0 of each -> bits 0..3. */
static inline uint64_t scan_gather4(uint64_t lanes)
{
	return (lanes * 0x0001000200040008ull) >> 48;
}

/* Bit i set when bits i .. i + 2^k - 1 of @w are all set (k < 6). */
static inline uint64_t scan_fold(uint64_t w, unsigned int k)
{
	unsigned int j;

	for (j = 0; j < k; j++)
		w &= w >> (1u << j);
	return w;
}

/*
 * scan_words - the one pass over the slot words of the cluster: the
 * counts of sc->ac and the bitmaps (non-free with the tail, cache-only,
 * run heads, heads of the cluster's own order, free).
 */
void scan_words(struct scan *sc);

/*
 * scan_blocks - from the bitmaps: the largest free aligned block and the
 * free blocks of the cluster's own order (strictly, and counting
 * cache-only slots as free).
 */
void scan_blocks(struct scan *sc);

/*
 * scan_finding_want - count a finding of check @c; whether to build it
 * (only when someone listens: a counting pass formats nothing), then
 * into @f, whose detail @t builds.
 */
bool scan_finding_want(struct scan *sc, enum analysis_check c,
		       struct analysis_finding *f, struct scan_text *t);

/* scan_finding_want_run - scan_finding_want() for run @r, placed on it. */
bool scan_finding_want_run(struct scan *sc, enum analysis_check c,
			   const struct scan_run *r, struct analysis_finding *f,
			   struct scan_text *t);

/* scan_finding_put / _put_u32 - append to the detail (cut at its size). */
void scan_finding_put(struct scan_text *t, const char *str);
void scan_finding_put_u32(struct scan_text *t, uint32_t v);

/* scan_finding_emit - hand a built finding to the callback; its verdict. */
int scan_finding_emit(struct scan *sc, struct analysis_finding *f);

/*
 * scan_runs_bulk - count the aligned runs of the cluster's own order on
 * the bitmaps when no check can fault them, and take them out of the
 * heads to walk.
 */
void scan_runs_bulk(struct scan *sc);

/*
 * scan_runs_start - find the cluster's folios (@folio as scan_cluster()
 * says) and the first offset with a run that has a finding (sc->run_off,
 * the runs there in sc->cur); scan_runs_next - the next such offset.
 * Every run on the way is counted in sc->runs.
 */
void scan_runs_start(struct scan *sc, size_t *folio);
void scan_runs_next(struct scan *sc);

/* A run check's finding on one run. */
typedef int (*scan_run_emit_fn)(struct scan *sc, const struct scan_run *r);

/* scan_runs_emit - @emit on each run at sc->run_off, in stream order. */
int scan_runs_emit(struct scan *sc, scan_run_emit_fn emit);

/*
 * The run checks: _judge fills the check's fields of @r and says whether
 * the run has a finding of the mask; _emit counts and hands it out.
 * scan_misaligned_judge() comes first: crosses is its. The judges are
 * defined inline: the scanner is compiled as one unit (meson.build), so
 * the run walker takes them in.
 */
bool scan_misaligned_judge(const struct scan *sc, struct scan_run *r);
int scan_misaligned_emit(struct scan *sc, const struct scan_run *r);
bool scan_mixed_order_judge(const struct scan *sc, struct scan_run *r);
int scan_mixed_order_emit(struct scan *sc, const struct scan_run *r);
bool scan_mixed_backing_judge(const struct scan *sc, struct scan_run *r);
/*
 * scan_mixed_backing_starts - the aligned blocks of the cluster's order
 * (0 < k <= cluster_shift) that mix backing, as a bitmap of their first
 * slots into @starts (sc->nwords words), read from the slots in one pass.
 */
void scan_mixed_backing_starts(const struct scan *sc, uint64_t *starts);
int scan_mixed_backing_emit(struct scan *sc, const struct scan_run *r);
bool scan_orphan_cache_judge(const struct scan *sc, struct scan_run *r);
int scan_orphan_cache_emit(struct scan *sc, const struct scan_run *r);

/*
 * The cluster checks: _found says whether the cluster has the finding,
 * _emit counts and hands it out (list-mismatch: @t, when given, gets the
 * detail).
 */
bool scan_count_mismatch_found(const struct scan *sc);
int scan_count_mismatch_emit(struct scan *sc);
bool scan_list_mismatch_found(const struct scan *sc, struct scan_text *t);
int scan_list_mismatch_emit(struct scan *sc);

/*
 * The checks that generate their own offsets: _start finds the first
 * (SCAN_NONE for none), _emit hands out the finding there and moves to
 * the next.
 */
void scan_bad_in_use_start(struct scan *sc);
int scan_bad_in_use_emit(struct scan *sc);
void scan_partial_block_start(struct scan *sc);
int scan_partial_block_emit(struct scan *sc);
void scan_cache_only_start(struct scan *sc);
int scan_cache_only_emit(struct scan *sc);

#endif /* SWAPFS_SCAN_PARTS_H */
