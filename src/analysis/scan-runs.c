// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-runs.c - the known runs of a cluster: the runs of the orders
 * records (heads in the map) and the swap-cache folios that start in it,
 * counted by order, and the offsets where one has a finding of a run
 * check (misaligned, orphan-cache, mixed-backing, mixed-order), judged by
 * the checks' own files.
 *
 * A folio and an orders record with the same offset and order are one
 * run; with different orders they are two, the smaller first. A run
 * belongs to the cluster of its first slot.
 */
#include "scan-parts.h"

/*
 * Runs of the cluster's own order that start aligned cannot be misaligned
 * (order <= cluster_shift keeps them inside) nor of a foreign order, and
 * cannot mix backing when the cluster has no zswap slot, or when their
 * blocks do not (one pass over a cluster that has): count them on the
 * bitmaps and walk only the others.
 */
void scan_runs_bulk(struct scan *sc)
{
	unsigned int k = sc->c->order;
	bool backing = k && sc->ac->zswap &&
		       (sc->mask & SCAN_CHECK(ANALYSIS_MIXED_BACKING));
	uint64_t mixed[SCAN_BM_WORDS];
	uint32_t wi;

	sc->bulk = false;
	if (!sc->any_heads || k > sc->shift)
		return;
	sc->bulk = true;
	if (backing)
		scan_mixed_backing_starts(sc, mixed);
	for (wi = 0; wi < sc->nwords; wi++) {
		uint64_t b = sc->ownheads[wi];

		if (!b)
			continue;
		if (k < 6)
			b &= scan_align[k];
		else if (wi & ((1u << (k - 6)) - 1))
			b = 0;
		else
			b &= 1;
		if (backing)
			b &= ~mixed[wi];
		sc->runs[k] += scan_popcount(b);
		sc->heads[wi] &= ~b;
	}
}

/* Next run head in the bitmap, or SCAN_NONE. */
static inline uint32_t scan_runs_next_head(struct scan *sc)
{
	while (!sc->hbits) {
		if (sc->hw + 1 >= sc->nwords)
			return SCAN_NONE;
		sc->hbits = sc->heads[++sc->hw];
	}
	return sc->first + sc->hw * 64 + (uint32_t)__builtin_ctzll(sc->hbits);
}

/*
 * Whether the orders record of order @k at @o, with no folio there, is
 * the common case no run check can fault: of the cluster's order (where
 * mixed-order applies), aligned, inside the cluster, and unable to mix
 * backing. It is only counted.
 */
static inline bool scan_runs_clean(const struct scan *sc, uint32_t o,
				   unsigned int k)
{
	return (!sc->mixed_order || sc->c->order == k) &&
	       !(o & ((1u << k) - 1)) &&
	       o - sc->first + (1u << k) <= sc->size &&
	       (!k || !sc->ac->zswap ||
		!(sc->mask & SCAN_CHECK(ANALYSIS_MIXED_BACKING)));
}

/*
 * Add the folio at offset @o to the @n runs there (0 or the record):
 * the same run as a record of its order, else a run of its own, sorted
 * in. Returns the number of runs now.
 */
static unsigned int scan_runs_folio(struct scan *sc, uint32_t o,
				    unsigned int n)
{
	const struct snapshot *s = sc->s;
	const struct snapshot_folio *f = &s->folios[sc->fi++];
	struct scan_run *r = sc->cur;

	if (n && r[0].order == f->order) {
		r[0].src |= SCAN_SRC_CACHE;
		r[0].folio = f;
		return n;
	}
	r[n].offset = o;
	r[n].order = f->order;
	r[n].src = SCAN_SRC_CACHE;
	r[n].folio = f;
	/* a record of the same order counted in bulk */
	r[n].counted = sc->bulk && f->order == sc->c->order &&
		       !(o & ((1u << f->order) - 1)) &&
		       (s->slots[o] & SCAN_HEAD_MASK) == sc->own_head;
	if (r[n].counted)
		r[n].src |= SCAN_SRC_ORDERS;
	n++;
	if (n == 2 && r[1].order < r[0].order) {
		struct scan_run tmp = r[0];

		r[0] = r[1];
		r[1] = tmp;
	}
	return n;
}

/*
 * Count run @r and have every run check judge it. Returns whether it has
 * a finding of the mask.
 */
static bool scan_runs_judge(struct scan *sc, struct scan_run *r)
{
	bool hit;

	if (!r->counted)
		sc->runs[r->order]++;
	hit = scan_misaligned_judge(sc, r);
	hit |= scan_mixed_order_judge(sc, r);
	hit |= scan_mixed_backing_judge(sc, r);
	hit |= scan_orphan_cache_judge(sc, r);
	return hit;
}

/*
 * The runs at the next offset with a run head @h or a folio: the record
 * first, counted alone when it is clean and no folio is there. Returns
 * how many runs sc->cur holds for the offset.
 */
static unsigned int scan_runs_at(struct scan *sc, uint32_t o, uint32_t h,
				 uint32_t fo)
{
	unsigned int n = 0;

	if (h == o) {
		int k = snapshot_slot_order(sc->s->slots[o]);

		sc->hbits &= sc->hbits - 1;
		if (k >= 0) {
			if (fo != o && scan_runs_clean(sc, o, (unsigned int)k)) {
				sc->runs[k]++;
				return 0;
			}
			sc->cur[0].offset = o;
			sc->cur[0].order = (unsigned int)k;
			sc->cur[0].src = SCAN_SRC_ORDERS;
			sc->cur[0].counted = false;
			sc->cur[0].folio = NULL;
			n = 1;
		}
	}
	if (fo == o)
		n = scan_runs_folio(sc, o, n);
	return n;
}

void scan_runs_next(struct scan *sc)
{
	const struct snapshot *s = sc->s;

	for (;;) {
		uint32_t h = scan_runs_next_head(sc);
		uint32_t fo = sc->fi < sc->fend ? s->folios[sc->fi].offset :
			      SCAN_NONE;
		uint32_t o = h < fo ? h : fo;
		unsigned int n, j;
		bool hit = false;

		if (o == SCAN_NONE) {
			sc->run_off = SCAN_NONE;
			sc->nr_cur = 0;
			return;
		}
		n = scan_runs_at(sc, o, h, fo);
		for (j = 0; j < n; j++)
			hit |= scan_runs_judge(sc, &sc->cur[j]);
		if (hit) {
			sc->run_off = o;
			sc->nr_cur = n;
			return;
		}
	}
}

void scan_runs_start(struct scan *sc, size_t *folio)
{
	const struct snapshot *s = sc->s;

	sc->hw = 0;
	sc->hbits = sc->heads[0];
	sc->fi = sc->fend = 0;
	if (s->nr_folios) {
		/* the caller walking the clusters in order knows where to start */
		if (folio && *folio <= s->nr_folios &&
		    (!*folio || s->folios[*folio - 1].offset < sc->first)) {
			sc->fi = *folio;
			while (sc->fi < s->nr_folios &&
			       s->folios[sc->fi].offset < sc->first)
				sc->fi++;
		} else {
			sc->fi = snapshot_folios_from(s, sc->first);
		}
		sc->fend = sc->fi;
		while (sc->fend < s->nr_folios && s->folios[sc->fend].offset < sc->end)
			sc->fend++;
	}
	if (folio)
		*folio = sc->fend;
	scan_runs_next(sc);
}

int scan_runs_emit(struct scan *sc, scan_run_emit_fn emit)
{
	unsigned int j;
	int rc;

	for (j = 0; j < sc->nr_cur; j++) {
		rc = emit(sc, &sc->cur[j]);
		if (rc)
			return rc;
	}
	return 0;
}
