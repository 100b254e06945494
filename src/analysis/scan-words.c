// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-words.c - the one pass over a cluster's slot words: the slot
 * counts of struct analysis_cluster and the bitmaps the rest of the scan
 * works on (non-free with the tail, cache-only, run heads, heads of the
 * cluster's own order, free).
 *
 * The words are read several at a time: eight in an SSE2 register, else
 * four in the 16-bit lanes of a 64-bit word. A 64-slot word that is all
 * free or all alike is taken whole; only the last cluster's end, or a
 * cluster under 64 slots, is read one slot at a time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(SCAN_WORDS_NO_SIMD)
#include <emmintrin.h>
#endif

#include "scan-parts.h"

/* The marks that make a word worth counting mark by mark. */
#define SCAN_WORDS_RARE		(SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD | \
				 SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)

/* The counts of one pass, before they go into struct analysis_cluster. */
struct scan_counts {
	uint32_t used, cached, bad, zero, zswap, nonfree, co;
};

/* The bitmaps of one 64-slot word. */
struct scan_words_bits {
	uint64_t nonfree, cacheonly, heads, ownheads;
};

/* What a first look at a 64-slot word tells. */
enum scan_words_kind {
	SCAN_WORDS_FREE,	/* every slot free, no mark, no head */
	SCAN_WORDS_ALIKE,	/* every slot the same word */
	SCAN_WORDS_MIXED,	/* neither: slot by slot */
};

static inline void scan_words_store(struct scan *sc,
				    const struct scan_words_bits *b, uint32_t wi)
{
	sc->nonfree[wi] = b->nonfree;
	sc->cacheonly[wi] = b->cacheonly;
	sc->heads[wi] = b->heads;
	sc->ownheads[wi] = b->ownheads;
}

static inline uint64_t scan_words_all(bool set)
{
	return set ? ~0ull : 0;
}

/* A 64-slot word whose slots are all @w (head bits included). */
static void scan_words_alike(struct scan *sc, struct scan_counts *n,
			     uint16_t w, uint32_t wi)
{
	bool used = w & SNAPSHOT_SLOT_COUNT, cached = w & SNAPSHOT_SLOT_CACHED;
	bool bad = w & SNAPSHOT_SLOT_BAD;
	struct scan_words_bits b = {
		.nonfree = scan_words_all(used || cached || bad),
		.cacheonly = scan_words_all(cached && !used && !bad),
		.heads = scan_words_all(w & SNAPSHOT_SLOT_HEAD),
		.ownheads = scan_words_all((w & SCAN_HEAD_MASK) == sc->own_head),
	};

	n->used += used ? 64 : 0;
	n->cached += cached ? 64 : 0;
	n->bad += bad ? 64 : 0;
	n->zero += w & SNAPSHOT_SLOT_ZERO ? 64 : 0;
	n->zswap += w & SNAPSHOT_SLOT_ZSWAP ? 64 : 0;
	n->nonfree += b.nonfree ? 64 : 0;
	n->co += b.cacheonly ? 64 : 0;
	scan_words_store(sc, &b, wi);
}

static void scan_words_free(struct scan *sc, uint32_t wi)
{
	static const struct scan_words_bits none;

	scan_words_store(sc, &none, wi);
}

/* Bits [@lo, @hi) of a word, 0 <= lo <= hi <= 64. */
static inline uint64_t scan_words_range(uint32_t lo, uint32_t hi)
{
	uint64_t m;

	if (lo >= hi)
		return 0;
	m = hi >= 64 ? ~0ull : (1ull << hi) - 1;
	return m & (~0ull << lo);
}

/*
 * The last cluster's end, or a cluster under 64 slots: @lim slots one at
 * a time, slots @lim..@top of the bitmap word the tail (non-free).
 */
static void scan_words_scalar(struct scan *sc, struct scan_counts *n,
			      const uint16_t *p, uint32_t lim, uint32_t top,
			      uint32_t wi)
{
	struct scan_words_bits b = { 0 };
	uint32_t j;

	for (j = 0; j < lim; j++) {
		uint16_t w = p[j];
		bool used = w & SNAPSHOT_SLOT_COUNT;
		bool cached = w & SNAPSHOT_SLOT_CACHED;
		bool bad = w & SNAPSHOT_SLOT_BAD;

		n->used += used;
		n->cached += cached;
		n->bad += bad;
		n->zero += !!(w & SNAPSHOT_SLOT_ZERO);
		n->zswap += !!(w & SNAPSHOT_SLOT_ZSWAP);
		if (used || cached || bad) {
			n->nonfree++;
			b.nonfree |= 1ull << j;
		}
		if (cached && !used && !bad) {
			n->co++;
			b.cacheonly |= 1ull << j;
		}
		if (w & SNAPSHOT_SLOT_HEAD)
			b.heads |= 1ull << j;
		if ((w & SCAN_HEAD_MASK) == sc->own_head)
			b.ownheads |= 1ull << j;
	}
	b.nonfree |= scan_words_range(lim, top);	/* tail: in use */
	scan_words_store(sc, &b, wi);
}

#if defined(__SSE2__) && !defined(SCAN_WORDS_NO_SIMD)
/*
 * Eight slots per step in the 16-bit lanes of an SSE2 register (every
 * x86-64 has it): a comparison per property, the masks of two registers
 * packed to bytes and their top bits taken as 16 bitmap bits; counts
 * accumulate as -1 lanes.
 */

/* Counts of the mixed words as -1 lanes; lanes hold at most
 * cluster_size / 8 <= 2048 each. */
struct scan_words_lanes {
	__m128i free, nocnt, cached, bad, zero, zswap, co;
};

static inline uint64_t scan_words_mask16(__m128i a, __m128i b)
{
	return (uint16_t)_mm_movemask_epi8(_mm_packs_epi16(a, b));
}

static inline uint32_t scan_words_hsum(__m128i v)
{
	uint16_t l[8];
	uint32_t sum = 0;
	int i;

	_mm_storeu_si128((__m128i *)l, v);
	for (i = 0; i < 8; i++)
		sum += l[i];
	return sum;
}

static inline __m128i scan_words_is(__m128i v, __m128i mask, __m128i want)
{
	return _mm_cmpeq_epi16(_mm_and_si128(v, mask), want);
}

/* @acc counting the lanes of @a and @b whose bits @mask are @want. */
static inline __m128i scan_words_tally(__m128i acc, __m128i a, __m128i b,
				       uint16_t mask, uint16_t want)
{
	const __m128i m = _mm_set1_epi16((short)mask);
	const __m128i w = _mm_set1_epi16((short)want);

	return _mm_sub_epi16(_mm_sub_epi16(acc, scan_words_is(a, m, w)),
			     scan_words_is(b, m, w));
}

static inline bool scan_words_zero(__m128i v)
{
	return _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) ==
	       0xffff;
}

/* The first look at the word at @q, loaded into @v; @any: the or of all. */
static inline enum scan_words_kind scan_words_look(const uint16_t *q,
						    __m128i v[8], __m128i *any)
{
	__m128i diff = _mm_setzero_si128();
	int i;

	for (i = 0; i < 8; i++)
		v[i] = _mm_loadu_si128((const __m128i *)(q + 8 * i));
	*any = v[0];
	for (i = 1; i < 8; i++) {
		*any = _mm_or_si128(*any, v[i]);
		diff = _mm_or_si128(diff, _mm_xor_si128(v[i], v[0]));
	}
	if (scan_words_zero(*any))
		return SCAN_WORDS_FREE;
	if (scan_words_zero(diff) &&
	    _mm_movemask_epi8(_mm_cmpeq_epi16(v[0],
			_mm_set1_epi16((short)q[0]))) == 0xffff)
		return SCAN_WORDS_ALIKE;
	return SCAN_WORDS_MIXED;
}

/* Slots @a, @b at bit @sh of a word with rare marks: what else they count. */
static inline void scan_words_rare(struct scan_words_lanes *l,
				   struct scan_words_bits *bm, __m128i a,
				   __m128i b, unsigned int sh)
{
	const __m128i m_nf = _mm_set1_epi16(SNAPSHOT_SLOT_NONFREE);
	const __m128i m_c = _mm_set1_epi16(SNAPSHOT_SLOT_CACHED);
	__m128i ca = scan_words_is(a, m_nf, m_c);
	__m128i cb = scan_words_is(b, m_nf, m_c);

	bm->cacheonly |= scan_words_mask16(ca, cb) << sh;
	l->co = _mm_sub_epi16(_mm_sub_epi16(l->co, ca), cb);
	l->nocnt = scan_words_tally(l->nocnt, a, b, SNAPSHOT_SLOT_COUNT, 0);
	l->cached = scan_words_tally(l->cached, a, b, SNAPSHOT_SLOT_CACHED,
				     SNAPSHOT_SLOT_CACHED);
	l->bad = scan_words_tally(l->bad, a, b, SNAPSHOT_SLOT_BAD,
				  SNAPSHOT_SLOT_BAD);
	l->zero = scan_words_tally(l->zero, a, b, SNAPSHOT_SLOT_ZERO,
				   SNAPSHOT_SLOT_ZERO);
	l->zswap = scan_words_tally(l->zswap, a, b, SNAPSHOT_SLOT_ZSWAP,
				    SNAPSHOT_SLOT_ZSWAP);
}

/* Slots @a, @b (sixteen) at bit @sh of a mixed word; @own: own_head. */
static inline void scan_words_pair(struct scan_words_lanes *l,
				   struct scan_words_bits *bm, __m128i a,
				   __m128i b, __m128i own, bool rare,
				   unsigned int sh)
{
	const __m128i zero = _mm_setzero_si128();
	const __m128i m_nf = _mm_set1_epi16(SNAPSHOT_SLOT_NONFREE);
	const __m128i m_h = _mm_set1_epi16(SNAPSHOT_SLOT_HEAD);
	const __m128i m_hk = _mm_set1_epi16((short)SCAN_HEAD_MASK);
	__m128i fa = scan_words_is(a, m_nf, zero);
	__m128i fb = scan_words_is(b, m_nf, zero);

	bm->nonfree |= (~scan_words_mask16(fa, fb) & 0xffff) << sh;
	bm->heads |= scan_words_mask16(scan_words_is(a, m_h, m_h),
				       scan_words_is(b, m_h, m_h)) << sh;
	bm->ownheads |= scan_words_mask16(scan_words_is(a, m_hk, own),
					  scan_words_is(b, m_hk, own)) << sh;
	l->free = _mm_sub_epi16(_mm_sub_epi16(l->free, fa), fb);
	if (rare) {
		scan_words_rare(l, bm, a, b, sh);
		return;
	}
	/* no cache mark, no bad slot: free == no count */
	l->nocnt = _mm_sub_epi16(_mm_sub_epi16(l->nocnt, fa), fb);
}

/* The lanes, summed into @n; @words mixed words were counted in them. */
static void scan_words_sum(struct scan_counts *n,
			   const struct scan_words_lanes *l, uint32_t words)
{
	n->nonfree += words * 64 - scan_words_hsum(l->free);
	n->used += words * 64 - scan_words_hsum(l->nocnt);
	n->cached += scan_words_hsum(l->cached);
	n->bad += scan_words_hsum(l->bad);
	n->zero += scan_words_hsum(l->zero);
	n->zswap += scan_words_hsum(l->zswap);
	n->co += scan_words_hsum(l->co);
}

/* The @nfull whole 64-slot words from @p. */
static void scan_words_full(struct scan *sc, struct scan_counts *n,
			    const uint16_t *p, uint32_t nfull)
{
	const __m128i zero = _mm_setzero_si128();
	const __m128i own = _mm_set1_epi16((short)sc->own_head);
	const __m128i m_rare = _mm_set1_epi16(SCAN_WORDS_RARE);
	struct scan_words_lanes l = {
		zero, zero, zero, zero, zero, zero, zero,
	};
	uint32_t wi, words = 0;

	for (wi = 0; wi < nfull; wi++) {
		const uint16_t *q = p + wi * 64;
		struct scan_words_bits bm = { 0 };
		enum scan_words_kind kind;
		__m128i v[8], any;
		bool rare;
		int i;

		kind = scan_words_look(q, v, &any);
		if (kind == SCAN_WORDS_FREE) {
			scan_words_free(sc, wi);
			continue;
		}
		if (kind == SCAN_WORDS_ALIKE) {
			scan_words_alike(sc, n, q[0], wi);
			continue;
		}
		rare = !scan_words_zero(_mm_and_si128(any, m_rare));
		words++;
		for (i = 0; i < 8; i += 2)
			scan_words_pair(&l, &bm, v[i], v[i + 1], own, rare,
					8 * (unsigned int)i);
		scan_words_store(sc, &bm, wi);
	}
	scan_words_sum(n, &l, words);
}
#else
/*
 * Four slots per step as the four 16-bit lanes of a 64-bit word: count >
 * 0 is found by adding 0x7f to the 7-bit count so that bit 7 carries; a
 * head of the cluster's own order by comparing the top five bits (head
 * bit and order nibble) with its pattern the same way.
 */

/* Counts of the mixed words, per lane (each sum fits: <= cluster_size). */
struct scan_words_lanes {
	uint64_t used, cached, bad, zero, zswap, co;
};

/* Sum of the four 16-bit lanes. */
static inline uint32_t scan_words_lanes_sum(uint64_t acc)
{
	return (uint32_t)((acc * SCAN_LANES(1)) >> 48);
}

/* The first look at the 64-slot word at @q. */
static inline enum scan_words_kind scan_words_look(const uint16_t *q)
{
	uint64_t any = 0, diff = 0, x, x0;
	uint32_t j;

	memcpy(&x0, q, sizeof(x0));
	for (j = 0; j < 64; j += 4) {
		memcpy(&x, q + j, sizeof(x));
		any |= x;
		diff |= x ^ x0;
	}
	if (!any)
		return SCAN_WORDS_FREE;
	if (!diff && x0 == SCAN_LANES(x0 & 0xffff))
		return SCAN_WORDS_ALIKE;
	return SCAN_WORDS_MIXED;
}

/* The mixed 64-slot word at @q, four slots a step; @pk: own_head's lanes. */
static inline void scan_words_mixed(struct scan_words_lanes *l,
				    struct scan_words_bits *bm,
				    const uint16_t *q, uint64_t pk)
{
	uint32_t j;

	for (j = 0; j < 64; j += 4) {
		uint64_t x, used, cached, bad, nonfree, cof, t, h, hk;

		memcpy(&x, q + j, sizeof(x));
		used = (((x & SCAN_LANES(0x7f)) + SCAN_LANES(0x7f)) >> 7) & SCAN_LANES(1);
		cached = (x >> 7) & SCAN_LANES(1);
		bad = (x >> 8) & SCAN_LANES(1);
		l->zero += (x >> 9) & SCAN_LANES(1);
		l->zswap += (x >> 10) & SCAN_LANES(1);
		nonfree = used | cached | bad;
		cof = cached & ~(used | bad);
		t = (x >> 11) & SCAN_LANES(0x1f);
		h = t & SCAN_LANES(1);
		hk = ~(((t ^ pk) + SCAN_LANES(0x1f)) >> 5) & h;
		l->used += used;
		l->cached += cached;
		l->bad += bad;
		l->co += cof;
		bm->nonfree |= scan_gather4(nonfree) << j;
		bm->cacheonly |= scan_gather4(cof) << j;
		bm->heads |= scan_gather4(h) << j;
		bm->ownheads |= scan_gather4(hk) << j;
	}
}

/* The @nfull whole 64-slot words from @p. */
static void scan_words_full(struct scan *sc, struct scan_counts *n,
			    const uint16_t *p, uint32_t nfull)
{
	const uint64_t pk = SCAN_LANES(sc->own_head >> 11);
	struct scan_words_lanes l = { 0 };
	uint32_t wi;

	for (wi = 0; wi < nfull; wi++) {
		const uint16_t *q = p + wi * 64;
		struct scan_words_bits bm = { 0 };
		enum scan_words_kind kind = scan_words_look(q);

		if (kind == SCAN_WORDS_FREE) {
			scan_words_free(sc, wi);
			continue;
		}
		if (kind == SCAN_WORDS_ALIKE) {
			scan_words_alike(sc, n, q[0], wi);
			continue;
		}
		scan_words_mixed(&l, &bm, q, pk);
		n->nonfree += scan_popcount(bm.nonfree);
		scan_words_store(sc, &bm, wi);
	}
	n->used += scan_words_lanes_sum(l.used);
	n->cached += scan_words_lanes_sum(l.cached);
	n->bad += scan_words_lanes_sum(l.bad);
	n->zero += scan_words_lanes_sum(l.zero);
	n->zswap += scan_words_lanes_sum(l.zswap);
	n->co += scan_words_lanes_sum(l.co);
}
#endif

/* The counts into struct analysis_cluster; @n slots below max. */
static void scan_words_put(struct scan *sc, const struct scan_counts *c,
			   uint32_t n)
{
	struct analysis_cluster *ac = sc->ac;

	ac->used = (uint16_t)c->used;
	ac->cached = (uint16_t)c->cached;
	ac->bad = (uint16_t)c->bad;
	ac->zero = (uint16_t)c->zero;
	ac->zswap = (uint16_t)c->zswap;
	ac->cache_only = (uint16_t)c->co;
	ac->free = (uint16_t)(n - c->nonfree);
	ac->nonfree = (uint16_t)(c->nonfree + sc->size - n);
}

void scan_words(struct scan *sc)
{
	const uint16_t *p = sc->s->slots + sc->first;
	uint32_t n = sc->end - sc->first, nfull = n / 64, wi;
	struct scan_counts c = { 0 };
	uint64_t any_heads = 0;

	if (nfull > sc->nwords)
		nfull = sc->nwords;
	scan_words_full(sc, &c, p, nfull);
	for (wi = nfull; wi < sc->nwords; wi++) {
		uint32_t base = wi * 64;
		uint32_t top = sc->size - base < 64 ? sc->size - base : 64;

		scan_words_scalar(sc, &c, p + base, n > base ? n - base : 0, top,
				  wi);
	}
	scan_words_put(sc, &c, n);
	for (wi = 0; wi < sc->nwords; wi++) {
		any_heads |= sc->heads[wi];
		sc->freebm[wi] = ~sc->nonfree[wi] & sc->valid;
	}
	sc->any_heads = any_heads != 0;
}
