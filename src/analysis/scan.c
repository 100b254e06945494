// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan.c - the per-cluster scanner: slot counts, free blocks, known runs
 * and the findings of one cluster (analysis.h lists the checks).
 *
 * One pass reads the cluster's slot words (scan-words.c) into counts and
 * bitmaps of the cluster: non-free, cache-only, run heads, heads of the
 * cluster's own order. Free blocks, partial blocks and runs are then found
 * on the bitmaps, and the aligned runs of the cluster's own order (the
 * normal case, which no check can fault) are counted there without a look
 * at each; so a clean cluster costs about one operation per slot and no
 * call per slot. Only slots that may hold a finding (bad slots, folios,
 * runs that may mix backing) are read again.
 *
 * Findings come from five generators that each yield their next finding
 * offset (the cluster checks, the known runs, bad-in-use runs, partial
 * blocks, cache-only); merging them by offset streams the findings in
 * order without storing any.
 */
#include <string.h>

#include "swapfs/moving.h"

#include "scan-parts.h"

char scan_era(const struct snapshot *s)
{
	char e = s->dev.era;

	return e >= 'A' && e <= 'G' ? e : 'G';
}

/* The scan of cluster @ci, before any slot is read. */
static void scan_init(struct scan *sc, const struct snapshot *s, uint32_t ci,
		      unsigned int mask, struct analysis_cluster *ac,
		      uint32_t *runs)
{
	sc->s = s;
	sc->c = &s->clusters[ci];
	sc->ac = ac;
	sc->runs = runs;
	sc->mask = mask;
	sc->era = scan_era(s);
	sc->ci = ci;
	sc->first = snapshot_cluster_first(s, ci);
	sc->end = snapshot_cluster_end(s, ci);
	sc->size = s->dev.cluster_size;
	sc->shift = s->dev.cluster_shift;
	sc->nwords = sc->size >= 64 ? sc->size / 64 : 1;
	sc->valid = sc->size >= 64 ? ~0ull : (1ull << sc->size) - 1;
	/*
	 * Eras A and B have no ci->order (swap_cluster_info is data:24 +
	 * flags:8), so the dump's order column says nothing to compare with.
	 */
	sc->mixed_order = (mask & SCAN_CHECK(ANALYSIS_MIXED_ORDER)) &&
			  sc->era >= 'C';
	/* 0xffff: no word masked with SCAN_HEAD_MASK equals it */
	sc->own_head = sc->c->order <= SNAPSHOT_MAX_ORDER ?
		(uint16_t)(SNAPSHOT_SLOT_HEAD |
			   ((sc->c->order + 1u) << SNAPSHOT_SLOT_ORDER_SHIFT)) :
		0xffff;
	memset(ac, 0, sizeof(*ac));
}

static inline uint32_t scan_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The offset of the next finding of any generator, or SCAN_NONE. */
static uint32_t scan_next(const struct scan *sc)
{
	return scan_min(scan_min(sc->run_off, sc->bad_off),
			scan_min(sc->part_off, sc->co_off));
}

/*
 * The findings at offset @o, in the order of enum analysis_check (the
 * cluster checks, which describe the whole cluster, came before), each
 * generator moved on past @o.
 */
static int scan_at(struct scan *sc, uint32_t o)
{
	bool run = sc->run_off == o;
	int rc = 0;

	if (run)
		rc = scan_runs_emit(sc, scan_misaligned_emit);
	if (!rc && sc->bad_off == o)
		rc = scan_bad_in_use_emit(sc);
	if (!rc && run)
		rc = scan_runs_emit(sc, scan_orphan_cache_emit);
	if (!rc && run)
		rc = scan_runs_emit(sc, scan_mixed_backing_emit);
	if (!rc && run)
		rc = scan_runs_emit(sc, scan_mixed_order_emit);
	if (!rc && run)
		scan_runs_next(sc);
	if (!rc && sc->part_off == o)
		rc = scan_partial_block_emit(sc);
	if (!rc && sc->co_off == o)
		rc = scan_cache_only_emit(sc);
	return rc;
}

int scan_cluster(const struct snapshot *s, uint32_t ci, unsigned int mask,
		 analysis_finding_fn fn, void *arg,
		 struct analysis_cluster *ac, uint32_t *runs, size_t *folio)
{
	struct scan sc;
	bool cm, lm;
	uint32_t o;
	int rc = 0;

	/* what the kernel was changing under the reader is no finding */
	if (s->nr_moving && moving_has(s, ci))
		mask = 0;
	scan_init(&sc, s, ci, mask, ac, runs);
	sc.fn = fn;
	sc.arg = arg;
	scan_words(&sc);
	scan_blocks(&sc);
	scan_runs_bulk(&sc);

	cm = (mask & SCAN_CHECK(ANALYSIS_COUNT_MISMATCH)) &&
	     scan_count_mismatch_found(&sc);
	lm = (mask & SCAN_CHECK(ANALYSIS_LIST_MISMATCH)) &&
	     scan_list_mismatch_found(&sc, NULL);
	scan_runs_start(&sc, folio);
	scan_bad_in_use_start(&sc);
	scan_partial_block_start(&sc);
	scan_cache_only_start(&sc);

	if (cm)
		rc = scan_count_mismatch_emit(&sc);
	if (!rc && lm)
		rc = scan_list_mismatch_emit(&sc);
	while (!rc && (o = scan_next(&sc)) != SCAN_NONE)
		rc = scan_at(&sc, o);
	return rc;
}
