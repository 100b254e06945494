// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * findings.c - the per-cluster scanner: slot counts, free blocks, known
 * runs and the findings of one cluster (analysis.h lists the checks).
 *
 * One pass reads the cluster's slot words several at a time (eight in an
 * SSE2 register, else four in the 16-bit lanes of a 64-bit word), 64-slot
 * words that are all free or all alike taken whole, and leaves bitmaps of
 * the cluster: non-free, cache-only, run heads, heads of the cluster's own
 * order. Free blocks, partial blocks and runs are then found on the
 * bitmaps, and the aligned runs of the cluster's own order (the normal
 * case, which no check can fault) are counted there without a look at
 * each; so a clean cluster costs about one operation per slot and no call
 * per slot. Only slots that may hold a finding (bad slots, folios, runs
 * that may mix backing) are read again.
 *
 * Findings come from five generators that each yield their next finding
 * offset (cluster checks, known runs, bad-in-use runs, partial blocks,
 * cache-only); merging them by offset streams the findings in order
 * without storing any.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(FINDINGS_NO_SIMD)
#include <emmintrin.h>
#endif

#include "findings.h"

#define FINDINGS_NONE		UINT32_MAX
#define FINDINGS_BM_WORDS	(SNAPSHOT_MAX_CLUSTER_SIZE / 64)

/* The 16-bit value @v in each of the four lanes of a 64-bit word. */
#define LANES(v)		((uint64_t)(v) * 0x0001000100010001ull)

#define CHECK(c)		(1u << (c))

/* Where a known run was seen. */
#define FINDINGS_SRC_ORDERS	1u	/* orders record (head bit in the map) */
#define FINDINGS_SRC_CACHE	2u	/* swap-cache folio */

/* Why a bad slot is in use (bad-in-use detail, in this order). */
#define FINDINGS_BAD_CACHED	1u
#define FINDINGS_BAD_FOLIO	2u
#define FINDINGS_BAD_COUNT	4u

/* The head bit and the order nibble: what says "run of order k starts". */
#define FINDINGS_HEAD_MASK	(SNAPSHOT_SLOT_HEAD | SNAPSHOT_SLOT_ORDER)

struct findings_run {
	uint32_t offset;
	unsigned int order;
	unsigned int src;
	bool counted;		/* already in the bulk count of own-order heads */
	const struct snapshot_folio *folio;
	uint32_t misaligned_by;
	bool crosses;
	bool mixed_order;
	uint32_t orphan_free, orphan_uncached;
	uint32_t zswap, allocated;
};

struct findings_scan {
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

	/* known runs */
	uint32_t hw;
	uint64_t hbits;
	size_t fi, fend;
	uint32_t run_off;
	unsigned int nr_cur;
	struct findings_run cur[2];

	/* bad-in-use */
	size_t fc;
	uint32_t bad_off, bad_len;
	unsigned int bad_why;

	/* partial-block */
	bool part_on;
	unsigned int part_order;
	uint32_t part_block, part_off, part_used;

	uint32_t co_off;

	uint64_t nonfree[FINDINGS_BM_WORDS];	/* tail beyond max included */
	uint64_t cacheonly[FINDINGS_BM_WORDS];
	uint64_t heads[FINDINGS_BM_WORDS];	/* runs to look at one by one */
	uint64_t ownheads[FINDINGS_BM_WORDS];	/* heads of ci->order */
	uint64_t freebm[FINDINGS_BM_WORDS];
	uint64_t scratch[FINDINGS_BM_WORDS];
};

char findings_era(const struct snapshot *s)
{
	char e = s->dev.era;

	return e >= 'A' && e <= 'G' ? e : 'G';
}

/* Set bits; without a popcount instruction, no libgcc call either. */
static inline uint32_t findings_popcount(uint64_t x)
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

/* Bits [@lo, @hi) of a word, 0 <= lo <= hi <= 64. */
static inline uint64_t findings_bits(uint32_t lo, uint32_t hi)
{
	uint64_t m;

	if (lo >= hi)
		return 0;
	m = hi >= 64 ? ~0ull : (1ull << hi) - 1;
	return m & (~0ull << lo);
}

/* Aligned block starts for blocks of 2^k bits, k < 6. */
static const uint64_t findings_align[6] = {
	~0ull, 0x5555555555555555ull, 0x1111111111111111ull,
	0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull,
};

/* Bit i set when bits i .. i + 2^k - 1 of @w are all set (k < 6). */
static inline uint64_t findings_fold(uint64_t w, unsigned int k)
{
	unsigned int j;

	for (j = 0; j < k; j++)
		w &= w >> (1u << j);
	return w;
}

/* The counts of one pass, before they go into struct analysis_cluster. */
struct findings_counts {
	uint32_t used, cached, bad, zero, zswap, nonfree, co;
};

/* A 64-slot word whose slots are all @w (head bits included). */
static void findings_uniform(struct findings_scan *sc, struct findings_counts *n,
			     uint16_t w, uint32_t wi)
{
	bool used = w & SNAPSHOT_SLOT_COUNT, cached = w & SNAPSHOT_SLOT_CACHED;
	bool bad = w & SNAPSHOT_SLOT_BAD;

	n->used += used ? 64 : 0;
	n->cached += cached ? 64 : 0;
	n->bad += bad ? 64 : 0;
	n->zero += w & SNAPSHOT_SLOT_ZERO ? 64 : 0;
	n->zswap += w & SNAPSHOT_SLOT_ZSWAP ? 64 : 0;
	n->nonfree += used || cached || bad ? 64 : 0;
	n->co += cached && !used && !bad ? 64 : 0;
	sc->nonfree[wi] = used || cached || bad ? ~0ull : 0;
	sc->cacheonly[wi] = cached && !used && !bad ? ~0ull : 0;
	sc->heads[wi] = w & SNAPSHOT_SLOT_HEAD ? ~0ull : 0;
	sc->ownheads[wi] = (w & FINDINGS_HEAD_MASK) == sc->own_head ? ~0ull : 0;
}

static void findings_free_word(struct findings_scan *sc, uint32_t wi)
{
	sc->nonfree[wi] = sc->cacheonly[wi] = 0;
	sc->heads[wi] = sc->ownheads[wi] = 0;
}

/* The last cluster's end, or a cluster under 64 slots: one slot at a time. */
static void findings_scalar(struct findings_scan *sc, struct findings_counts *n,
			    const uint16_t *p, uint32_t lim, uint32_t top,
			    uint32_t wi)
{
	uint64_t nf = 0, co = 0, hd = 0, oh = 0;
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
			nf |= 1ull << j;
		}
		if (cached && !used && !bad) {
			n->co++;
			co |= 1ull << j;
		}
		if (w & SNAPSHOT_SLOT_HEAD)
			hd |= 1ull << j;
		if ((w & FINDINGS_HEAD_MASK) == sc->own_head)
			oh |= 1ull << j;
	}
	sc->nonfree[wi] = nf | findings_bits(lim, top);	/* tail: in use */
	sc->cacheonly[wi] = co;
	sc->heads[wi] = hd;
	sc->ownheads[wi] = oh;
}

#define FINDINGS_RARE	(SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD | \
			 SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)

#if defined(__SSE2__) && !defined(FINDINGS_NO_SIMD)
/*
 * Eight slots per step in the 16-bit lanes of an SSE2 register (every
 * x86-64 has it): a comparison per property, the masks of two registers
 * packed to bytes and their top bits taken as 16 bitmap bits; counts
 * accumulate as -1 lanes.
 */
static inline uint64_t findings_mask16(__m128i a, __m128i b)
{
	return (uint16_t)_mm_movemask_epi8(_mm_packs_epi16(a, b));
}

static inline uint32_t findings_hsum(__m128i v)
{
	uint16_t l[8];
	uint32_t sum = 0;
	int i;

	_mm_storeu_si128((__m128i *)l, v);
	for (i = 0; i < 8; i++)
		sum += l[i];
	return sum;
}

static inline __m128i findings_is(__m128i v, __m128i mask, __m128i want)
{
	return _mm_cmpeq_epi16(_mm_and_si128(v, mask), want);
}

static void findings_words(struct findings_scan *sc, struct findings_counts *n,
			   const uint16_t *p, uint32_t nfull)
{
	const __m128i zero = _mm_setzero_si128();
	const __m128i m_nf = _mm_set1_epi16(SNAPSHOT_SLOT_NONFREE);
	const __m128i m_cnt = _mm_set1_epi16(SNAPSHOT_SLOT_COUNT);
	const __m128i m_c = _mm_set1_epi16(SNAPSHOT_SLOT_CACHED);
	const __m128i m_b = _mm_set1_epi16(SNAPSHOT_SLOT_BAD);
	const __m128i m_z = _mm_set1_epi16(SNAPSHOT_SLOT_ZERO);
	const __m128i m_w = _mm_set1_epi16(SNAPSHOT_SLOT_ZSWAP);
	const __m128i m_h = _mm_set1_epi16(SNAPSHOT_SLOT_HEAD);
	const __m128i m_hk = _mm_set1_epi16((short)FINDINGS_HEAD_MASK);
	const __m128i v_own = _mm_set1_epi16((short)sc->own_head);
	const __m128i m_rare = _mm_set1_epi16(FINDINGS_RARE);
	__m128i n_free = zero, n_nocnt = zero, n_c = zero, n_b = zero,
		n_z = zero, n_w = zero, n_co = zero;
	uint32_t wi, words = 0;

	for (wi = 0; wi < nfull; wi++) {
		const uint16_t *q = p + wi * 64;
		__m128i v[8], any, diff;
		uint64_t nf = 0, co = 0, hd = 0, oh = 0;
		bool rare;
		int i;

		for (i = 0; i < 8; i++)
			v[i] = _mm_loadu_si128((const __m128i *)(q + 8 * i));
		any = v[0];
		diff = zero;
		for (i = 1; i < 8; i++) {
			any = _mm_or_si128(any, v[i]);
			diff = _mm_or_si128(diff, _mm_xor_si128(v[i], v[0]));
		}
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(any, zero)) == 0xffff) {
			findings_free_word(sc, wi);
			continue;
		}
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(diff, zero)) == 0xffff &&
		    _mm_movemask_epi8(_mm_cmpeq_epi16(v[0],
				_mm_set1_epi16((short)q[0]))) == 0xffff) {
			findings_uniform(sc, n, q[0], wi);
			continue;
		}
		rare = _mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(any, m_rare),
							 zero)) != 0xffff;
		words++;
		for (i = 0; i < 8; i += 2) {
			__m128i a = v[i], b = v[i + 1];
			__m128i fa = findings_is(a, m_nf, zero);
			__m128i fb = findings_is(b, m_nf, zero);
			unsigned int sh = 8 * (unsigned int)i;

			nf |= (~findings_mask16(fa, fb) & 0xffff) << sh;
			hd |= findings_mask16(findings_is(a, m_h, m_h),
					      findings_is(b, m_h, m_h)) << sh;
			oh |= findings_mask16(findings_is(a, m_hk, v_own),
					      findings_is(b, m_hk, v_own)) << sh;
			n_free = _mm_sub_epi16(_mm_sub_epi16(n_free, fa), fb);
			if (!rare) {
				/* no cache mark, no bad slot: free == no count */
				n_nocnt = _mm_sub_epi16(_mm_sub_epi16(n_nocnt, fa), fb);
				continue;
			}
			{
				__m128i ca = findings_is(a, m_nf, m_c);
				__m128i cb = findings_is(b, m_nf, m_c);

				co |= findings_mask16(ca, cb) << sh;
				n_co = _mm_sub_epi16(_mm_sub_epi16(n_co, ca), cb);
			}
			n_nocnt = _mm_sub_epi16(_mm_sub_epi16(n_nocnt,
					findings_is(a, m_cnt, zero)),
					findings_is(b, m_cnt, zero));
			n_c = _mm_sub_epi16(_mm_sub_epi16(n_c,
					findings_is(a, m_c, m_c)),
					findings_is(b, m_c, m_c));
			n_b = _mm_sub_epi16(_mm_sub_epi16(n_b,
					findings_is(a, m_b, m_b)),
					findings_is(b, m_b, m_b));
			n_z = _mm_sub_epi16(_mm_sub_epi16(n_z,
					findings_is(a, m_z, m_z)),
					findings_is(b, m_z, m_z));
			n_w = _mm_sub_epi16(_mm_sub_epi16(n_w,
					findings_is(a, m_w, m_w)),
					findings_is(b, m_w, m_w));
		}
		sc->nonfree[wi] = nf;
		sc->cacheonly[wi] = co;
		sc->heads[wi] = hd;
		sc->ownheads[wi] = oh;
	}
	/* lanes hold at most cluster_size / 8 <= 2048 each */
	n->nonfree += words * 64 - findings_hsum(n_free);
	n->used += words * 64 - findings_hsum(n_nocnt);
	n->cached += findings_hsum(n_c);
	n->bad += findings_hsum(n_b);
	n->zero += findings_hsum(n_z);
	n->zswap += findings_hsum(n_w);
	n->co += findings_hsum(n_co);
}
#else
/* Lane bit 0 of each 16-bit lane -> bits 0..3. */
static inline uint64_t findings_gather4(uint64_t lanes)
{
	return (lanes * 0x0001000200040008ull) >> 48;
}

/* Sum of the four 16-bit lanes (each sum fits: <= cluster_size). */
static inline uint32_t findings_lanes_sum(uint64_t acc)
{
	return (uint32_t)((acc * LANES(1)) >> 48);
}

/*
 * Four slots per step as the four 16-bit lanes of a 64-bit word: count >
 * 0 is found by adding 0x7f to the 7-bit count so that bit 7 carries; a
 * head of the cluster's own order by comparing the top five bits (head
 * bit and order nibble) with its pattern the same way.
 */
static void findings_words(struct findings_scan *sc, struct findings_counts *n,
			   const uint16_t *p, uint32_t nfull)
{
	const uint64_t pk = LANES(sc->own_head >> 11);
	uint64_t l_used = 0, l_cached = 0, l_bad = 0, l_zero = 0, l_zswap = 0,
		 l_co = 0;
	uint32_t wi, j;

	for (wi = 0; wi < nfull; wi++) {
		const uint16_t *q = p + wi * 64;
		uint64_t nf = 0, co = 0, hd = 0, oh = 0, any = 0, diff = 0, x, x0;

		memcpy(&x0, q, sizeof(x0));
		for (j = 0; j < 64; j += 4) {
			memcpy(&x, q + j, sizeof(x));
			any |= x;
			diff |= x ^ x0;
		}
		if (!any) {
			findings_free_word(sc, wi);
			continue;
		}
		if (!diff && x0 == LANES(x0 & 0xffff)) {
			findings_uniform(sc, n, q[0], wi);
			continue;
		}
		for (j = 0; j < 64; j += 4) {
			uint64_t used, cached, bad, nonfree, cof, t, h, hk;

			memcpy(&x, q + j, sizeof(x));
			used = (((x & LANES(0x7f)) + LANES(0x7f)) >> 7) & LANES(1);
			cached = (x >> 7) & LANES(1);
			bad = (x >> 8) & LANES(1);
			l_zero += (x >> 9) & LANES(1);
			l_zswap += (x >> 10) & LANES(1);
			nonfree = used | cached | bad;
			cof = cached & ~(used | bad);
			t = (x >> 11) & LANES(0x1f);
			h = t & LANES(1);
			hk = ~(((t ^ pk) + LANES(0x1f)) >> 5) & h;
			l_used += used;
			l_cached += cached;
			l_bad += bad;
			l_co += cof;
			nf |= findings_gather4(nonfree) << j;
			co |= findings_gather4(cof) << j;
			hd |= findings_gather4(h) << j;
			oh |= findings_gather4(hk) << j;
		}
		n->nonfree += findings_popcount(nf);
		sc->nonfree[wi] = nf;
		sc->cacheonly[wi] = co;
		sc->heads[wi] = hd;
		sc->ownheads[wi] = oh;
	}
	n->used += findings_lanes_sum(l_used);
	n->cached += findings_lanes_sum(l_cached);
	n->bad += findings_lanes_sum(l_bad);
	n->zero += findings_lanes_sum(l_zero);
	n->zswap += findings_lanes_sum(l_zswap);
	n->co += findings_lanes_sum(l_co);
}
#endif

/*
 * The one pass over the slot words: counts and bitmaps (non-free with the
 * tail, cache-only, run heads, heads of the cluster's own order). A
 * 64-slot word is first looked at whole: all free, or all alike.
 */
static void findings_stats(struct findings_scan *sc)
{
	const uint16_t *p = sc->s->slots + sc->first;
	uint32_t n = sc->end - sc->first, nfull = n / 64, wi;
	struct findings_counts c = { 0 };
	struct analysis_cluster *ac = sc->ac;
	uint64_t any_heads = 0;

	if (nfull > sc->nwords)
		nfull = sc->nwords;
	findings_words(sc, &c, p, nfull);
	for (wi = nfull; wi < sc->nwords; wi++) {
		uint32_t base = wi * 64;
		uint32_t top = sc->size - base < 64 ? sc->size - base : 64;

		findings_scalar(sc, &c, p + base, n > base ? n - base : 0, top, wi);
	}

	ac->used = (uint16_t)c.used;
	ac->cached = (uint16_t)c.cached;
	ac->bad = (uint16_t)c.bad;
	ac->zero = (uint16_t)c.zero;
	ac->zswap = (uint16_t)c.zswap;
	ac->cache_only = (uint16_t)c.co;
	ac->free = (uint16_t)(n - c.nonfree);
	ac->nonfree = (uint16_t)(c.nonfree + sc->size - n);
	for (wi = 0; wi < sc->nwords; wi++) {
		any_heads |= sc->heads[wi];
		sc->freebm[wi] = ~sc->nonfree[wi] & sc->valid;
	}
	sc->any_heads = any_heads != 0;
}

/* Aligned 2^@k blocks whose bits are all set in @bm (k <= cluster_shift). */
static uint32_t findings_bm_blocks(const uint64_t *bm, uint32_t nwords,
				   unsigned int k)
{
	uint32_t cnt = 0, wi, j, per;

	if (k < 6) {
		for (wi = 0; wi < nwords; wi++)
			if (bm[wi])
				cnt += findings_popcount(findings_fold(bm[wi], k) &
							 findings_align[k]);
		return cnt;
	}
	per = 1u << (k - 6);
	for (wi = 0; wi + per <= nwords; wi += per) {
		for (j = 0; j < per && bm[wi + j] == ~0ull; j++)
			;
		cnt += j == per;
	}
	return cnt;
}

/*
 * The largest order with an aligned all-free block, given a free slot:
 * each order's block map is the one below folded onto itself.
 */
static unsigned int findings_largest_free(struct findings_scan *sc)
{
	uint64_t *f = sc->scratch;
	uint32_t nw = sc->nwords, wi, per;
	unsigned int k;

	memcpy(f, sc->freebm, nw * sizeof(*f));
	for (k = 1; k <= sc->shift && k < 6; k++) {
		unsigned int sh = 1u << (k - 1);
		uint64_t hit = 0;

		for (wi = 0; wi < nw; wi++) {
			f[wi] &= f[wi] >> sh;
			hit |= f[wi] & findings_align[k];
		}
		if (!hit)
			return k - 1;
	}
	if (k > sc->shift)
		return sc->shift;
	/* 64 slots and up: whole words, pairs of them, ... */
	for (wi = 0; wi < nw; wi++)
		f[wi] = sc->freebm[wi] == ~0ull;
	for (per = 1; k <= sc->shift; k++, per *= 2) {
		uint64_t hit = 0;

		if (k > 6) {
			for (wi = 0; wi < nw / per; wi++)
				f[wi] = f[2 * wi] & f[2 * wi + 1];
		}
		for (wi = 0; wi < nw / per; wi++)
			hit |= f[wi];
		if (!hit)
			return k - 1;
	}
	return sc->shift;
}

/*
 * Free blocks: the largest free aligned block, and the blocks of the
 * cluster's own order that alloc_swap_scan_cluster() would accept (only
 * empty slots; with vm_swap_full() also cache-only slots, which it
 * reclaims first).
 */
static void findings_blocks(struct findings_scan *sc)
{
	struct analysis_cluster *ac = sc->ac;
	unsigned int k = sc->c->order;
	uint32_t wi;

	if (!ac->free)
		ac->largest_free_order = -1;
	else if (ac->free == sc->size)
		ac->largest_free_order = (int8_t)sc->shift;
	else
		ac->largest_free_order = (int8_t)findings_largest_free(sc);

	if (k > sc->shift)
		return;		/* no block of that order fits: list-mismatch */
	if (!k)
		ac->own_blocks = ac->free;
	else if (ac->free)
		ac->own_blocks = (uint16_t)findings_bm_blocks(sc->freebm, sc->nwords,
							      k);
	if (!ac->cache_only) {
		ac->own_blocks_reclaim = ac->own_blocks;
		return;
	}
	if (!k) {
		ac->own_blocks_reclaim = ac->free + ac->cache_only;
		return;
	}
	for (wi = 0; wi < sc->nwords; wi++)
		sc->freebm[wi] |= sc->cacheonly[wi];
	ac->own_blocks_reclaim = (uint16_t)findings_bm_blocks(sc->freebm,
							       sc->nwords, k);
}

/* A finding's detail, built without printf. */
struct findings_text {
	char *buf;
	size_t len;
};

static void findings_put(struct findings_text *t, const char *str)
{
	while (*str && t->len < sizeof(((struct analysis_finding *)0)->detail) - 1)
		t->buf[t->len++] = *str++;
	t->buf[t->len] = '\0';
}

static void findings_put_u32(struct findings_text *t, uint32_t v)
{
	char tmp[11];
	int i = (int)sizeof(tmp) - 1;

	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	findings_put(t, tmp + i);
}

/* Hand a built finding to the callback; its verdict comes back. */
static int findings_emit(struct findings_scan *sc, struct analysis_finding *f)
{
	f->cluster = sc->ci;
	return sc->fn(f, sc->arg);
}

/*
 * Count a finding of check @c; whether to build it (only when someone
 * listens: a counting pass formats nothing).
 */
static bool findings_want(struct findings_scan *sc, enum analysis_check c,
			  struct analysis_finding *f, struct findings_text *t)
{
	sc->ac->findings[c]++;
	if (!sc->fn)
		return false;
	f->check = c;
	f->order = -1;
	f->detail[0] = '\0';
	t->buf = f->detail;
	t->len = 0;
	return true;
}

/*
 * Cluster checks, modelled on setup_clusters() (which counts header, bad
 * and tail slots into ci->count) and on the list moves of
 * relocate_cluster() / partial_free_cluster() / free_cluster().
 */
static bool findings_count_mismatch(const struct findings_scan *sc)
{
	const struct analysis_cluster *ac = sc->ac;

	if (sc->c->count == ac->nonfree)
		return false;
	/*
	 * Up to 6.14 swap_cluster_schedule_discard() set every swap_map byte
	 * of a cluster queued for discard to SWAP_MAP_BAD while ci->count
	 * stayed 0 (flags 0 in 6.12/6.13, CLUSTER_FLAG_DISCARD in 6.14).
	 */
	if (sc->era <= 'D' && !sc->c->count && ac->bad == sc->size &&
	    (sc->c->flags == SNAPSHOT_CLUSTER_DISCARD ||
	     sc->c->flags == SNAPSHOT_CLUSTER_NONE))
		return false;
	return true;
}

/*
 * Whether flags contradict count or order; with @t, the detail naming the
 * contradiction.
 */
static bool findings_list_mismatch(const struct findings_scan *sc,
				   struct findings_text *t)
{
	const struct snapshot_cluster *c = sc->c;
	const char *name = snapshot_cluster_flag_name(c->flags);
	bool count = false, order = false;

	switch (c->flags) {
	case SNAPSHOT_CLUSTER_FREE:
		count = c->count > 0;
		order = c->order > 0;
		break;
	case SNAPSHOT_CLUSTER_FULL:
		count = c->count < sc->size;
		break;
	case SNAPSHOT_CLUSTER_NONFULL:
	case SNAPSHOT_CLUSTER_FRAG:
		count = !c->count || c->count == sc->size;
		break;
	case SNAPSHOT_CLUSTER_DISCARD:
		count = c->count > 0;
		break;
	case SNAPSHOT_CLUSTER_NONE:
		break;
	default:
		if (t) {
			findings_put(t, "flags=");
			findings_put_u32(t, c->flags);
		}
		return true;
	}
	/* An order no folio can have: SWAP_NR_ORDERS bounds ci->order. */
	if (c->order >= sc->s->dev.nr_orders || c->order > sc->shift)
		order = true;
	if (!count && !order)
		return false;
	if (t) {
		findings_put(t, name);
		if (count) {
			findings_put(t, ",count=");
			findings_put_u32(t, c->count);
		}
		if (order) {
			findings_put(t, ",order=");
			findings_put_u32(t, c->order);
		}
	}
	return true;
}

static int findings_emit_cluster(struct findings_scan *sc, bool cm, bool lm)
{
	struct analysis_finding f;
	struct findings_text t;
	int rc;

	if (cm && findings_want(sc, ANALYSIS_COUNT_MISMATCH, &f, &t)) {
		f.offset = sc->first;
		f.nr = sc->size;
		findings_put(&t, "count=");
		findings_put_u32(&t, sc->c->count);
		findings_put(&t, ",slots=");
		findings_put_u32(&t, sc->ac->nonfree);
		rc = findings_emit(sc, &f);
		if (rc)
			return rc;
	}
	if (lm && findings_want(sc, ANALYSIS_LIST_MISMATCH, &f, &t)) {
		f.offset = sc->first;
		f.nr = sc->size;
		findings_list_mismatch(sc, &t);
		return findings_emit(sc, &f);
	}
	return 0;
}

/* Next run head in the bitmap, or FINDINGS_NONE. */
static inline uint32_t findings_next_head(struct findings_scan *sc)
{
	while (!sc->hbits) {
		if (sc->hw + 1 >= sc->nwords)
			return FINDINGS_NONE;
		sc->hbits = sc->heads[++sc->hw];
	}
	return sc->first + sc->hw * 64 + (uint32_t)__builtin_ctzll(sc->hbits);
}

/*
 * Judge one known run. Folios are aligned by construction in the kernel
 * (folio_matches_swap_entry() warns otherwise) and alloc_swap_scan_cluster()
 * only hands out naturally aligned ranges inside one cluster, so a
 * misaligned or crossing run means a broken exporter or kernel. Returns
 * whether the run has a finding of the mask.
 */
static bool findings_run_judge(struct findings_scan *sc, struct findings_run *r)
{
	const struct snapshot *s = sc->s;
	uint32_t size = 1u << r->order;
	uint64_t end = (uint64_t)r->offset + size;
	bool hit = false;
	uint32_t i;

	if (end > s->dev.max)
		end = s->dev.max;	/* add_run() and finish() forbid it */
	if (!r->counted)
		sc->runs[r->order]++;

	r->misaligned_by = r->offset & (size - 1);
	r->crosses = (uint64_t)(r->offset - sc->first) + size > sc->size;
	if ((sc->mask & CHECK(ANALYSIS_MISALIGNED)) &&
	    (r->misaligned_by || r->crosses))
		hit = true;

	/* cluster_is_usable(): order > 0 only allocates in its own clusters */
	r->mixed_order = sc->mixed_order && r->order != sc->c->order;
	hit |= r->mixed_order;

	/*
	 * zswap_store() takes a large folio whole or not at all, so one run's
	 * allocated slots agree on zswap unless the folio was split or
	 * written back page by page.
	 */
	r->zswap = r->allocated = 0;
	if ((sc->mask & CHECK(ANALYSIS_MIXED_BACKING)) && r->order &&
	    (r->crosses || sc->ac->zswap)) {
		for (i = r->offset; i < end; i++) {
			uint16_t w = s->slots[i];

			if (w & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED)) {
				r->allocated++;
				r->zswap += !!(w & SNAPSHOT_SLOT_ZSWAP);
			}
		}
		hit |= r->zswap && r->zswap < r->allocated;
	}

	/*
	 * A folio in the swap cache pins every slot under it (SWAP_HAS_CACHE
	 * up to era E, the PFN entry in era G); era F's map has no such mark.
	 * Bad slots under a folio are bad-in-use, not orphan-cache.
	 */
	r->orphan_free = r->orphan_uncached = 0;
	if (r->folio && (sc->mask & CHECK(ANALYSIS_ORPHAN_CACHE)) &&
	    sc->era != 'F') {
		for (i = r->offset; i < end; i++) {
			uint16_t w = s->slots[i];

			if (w & (SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD))
				continue;
			if (w & SNAPSHOT_SLOT_COUNT)
				r->orphan_uncached++;
			else
				r->orphan_free++;
		}
		hit |= r->orphan_free || r->orphan_uncached;
	}
	return hit;
}

/*
 * Advance to the next offset with a run that has a finding, counting the
 * runs on the way. A folio and an orders record with the same offset and
 * order are one run; with different orders they are two, smaller first.
 */
static void findings_runs_next(struct findings_scan *sc)
{
	const struct snapshot *s = sc->s;

	for (;;) {
		uint32_t h = findings_next_head(sc);
		uint32_t fo = sc->fi < sc->fend ? s->folios[sc->fi].offset :
			      FINDINGS_NONE;
		uint32_t o = h < fo ? h : fo;
		struct findings_run *r = sc->cur;
		unsigned int n = 0, j;
		bool hit = false;

		if (o == FINDINGS_NONE) {
			sc->run_off = FINDINGS_NONE;
			sc->nr_cur = 0;
			return;
		}
		if (h == o) {
			int k = snapshot_slot_order(s->slots[o]);

			sc->hbits &= sc->hbits - 1;
			if (k >= 0) {
				/* the common case: a clean run, no folio */
				if (fo != o &&
				    (!sc->mixed_order ||
				     sc->c->order == (unsigned int)k) &&
				    !(o & ((1u << k) - 1)) &&
				    o - sc->first + (1u << k) <= sc->size &&
				    (!k || !sc->ac->zswap ||
				     !(sc->mask & CHECK(ANALYSIS_MIXED_BACKING)))) {
					sc->runs[k]++;
					continue;
				}
				r[0].offset = o;
				r[0].order = (unsigned int)k;
				r[0].src = FINDINGS_SRC_ORDERS;
				r[0].counted = false;
				r[0].folio = NULL;
				n = 1;
			}
		}
		if (fo == o) {
			const struct snapshot_folio *f = &s->folios[sc->fi++];

			if (n && r[0].order == f->order) {
				r[0].src |= FINDINGS_SRC_CACHE;
				r[0].folio = f;
			} else {
				r[n].offset = o;
				r[n].order = f->order;
				r[n].src = FINDINGS_SRC_CACHE;
				r[n].folio = f;
				/* a record of the same order counted in bulk */
				r[n].counted = sc->bulk &&
					f->order == sc->c->order &&
					!(o & ((1u << f->order) - 1)) &&
					(s->slots[o] & FINDINGS_HEAD_MASK) ==
					sc->own_head;
				if (r[n].counted)
					r[n].src |= FINDINGS_SRC_ORDERS;
				n++;
				if (n == 2 && r[1].order < r[0].order) {
					struct findings_run tmp = r[0];

					r[0] = r[1];
					r[1] = tmp;
				}
			}
		}
		for (j = 0; j < n; j++)
			hit |= findings_run_judge(sc, &r[j]);
		if (hit) {
			sc->run_off = o;
			sc->nr_cur = n;
			return;
		}
	}
}

static int findings_emit_misaligned(struct findings_scan *sc,
				    const struct findings_run *r)
{
	struct analysis_finding f;
	struct findings_text t;

	if (!(sc->mask & CHECK(ANALYSIS_MISALIGNED)) ||
	    (!r->misaligned_by && !r->crosses) ||
	    !findings_want(sc, ANALYSIS_MISALIGNED, &f, &t))
		return 0;
	f.offset = r->offset;
	f.nr = 1u << r->order;
	f.order = (int)r->order;
	findings_put(&t, r->src == FINDINGS_SRC_ORDERS ? "orders" :
		     r->src == FINDINGS_SRC_CACHE ? "cache" : "orders+cache");
	if (r->misaligned_by) {
		findings_put(&t, ",misaligned-by-");
		findings_put_u32(&t, r->misaligned_by);
	}
	if (r->crosses)
		findings_put(&t, ",crosses-cluster");
	return findings_emit(sc, &f);
}

static int findings_emit_orphan(struct findings_scan *sc,
				const struct findings_run *r)
{
	struct analysis_finding f;
	struct findings_text t;

	if ((!r->orphan_free && !r->orphan_uncached) ||
	    !findings_want(sc, ANALYSIS_ORPHAN_CACHE, &f, &t))
		return 0;
	f.offset = r->offset;
	f.nr = 1u << r->order;
	f.order = (int)r->order;
	if (r->orphan_free) {
		findings_put(&t, "free=");
		findings_put_u32(&t, r->orphan_free);
	}
	if (r->orphan_uncached) {
		findings_put(&t, r->orphan_free ? ",uncached=" : "uncached=");
		findings_put_u32(&t, r->orphan_uncached);
	}
	return findings_emit(sc, &f);
}

static int findings_emit_backing(struct findings_scan *sc,
				 const struct findings_run *r)
{
	struct analysis_finding f;
	struct findings_text t;

	if (!r->zswap || r->zswap == r->allocated ||
	    !findings_want(sc, ANALYSIS_MIXED_BACKING, &f, &t))
		return 0;
	f.offset = r->offset;
	f.nr = 1u << r->order;
	f.order = (int)r->order;
	findings_put(&t, "zswap=");
	findings_put_u32(&t, r->zswap);
	findings_put(&t, "/");
	findings_put_u32(&t, r->allocated);
	return findings_emit(sc, &f);
}

static int findings_emit_order(struct findings_scan *sc,
			       const struct findings_run *r)
{
	struct analysis_finding f;
	struct findings_text t;

	if (!r->mixed_order || !findings_want(sc, ANALYSIS_MIXED_ORDER, &f, &t))
		return 0;
	f.offset = r->offset;
	f.nr = 1u << r->order;
	f.order = (int)r->order;
	findings_put(&t, "cluster-order=");
	findings_put_u32(&t, sc->c->order);
	return findings_emit(sc, &f);
}

/* Why slot @i is a bad slot in use (0: it is not). */
static inline unsigned int findings_bad_why(struct findings_scan *sc,
					    uint32_t i)
{
	const struct snapshot *s = sc->s;
	uint16_t w = s->slots[i];
	unsigned int why = 0;

	if (!(w & SNAPSHOT_SLOT_BAD))
		return 0;
	if (w & SNAPSHOT_SLOT_CACHED)
		why |= FINDINGS_BAD_CACHED;
	if (w & SNAPSHOT_SLOT_COUNT)
		why |= FINDINGS_BAD_COUNT;
	while (sc->fc < s->nr_folios &&
	       (uint64_t)s->folios[sc->fc].offset +
	       (1ull << s->folios[sc->fc].order) <= i)
		sc->fc++;
	if (sc->fc < s->nr_folios && s->folios[sc->fc].offset <= i)
		why |= FINDINGS_BAD_FOLIO;
	return why;
}

/*
 * Next run of bad slots that are in use from @from on. setup_clusters()
 * marks header and bad pages SWAP_MAP_BAD / SWP_TB_BAD and nothing ever
 * allocates them (alloc_swap_scan_cluster() rejects any non-empty slot),
 * so a count, a cache mark or a folio there is corruption.
 */
static void findings_bad_next(struct findings_scan *sc, uint32_t from)
{
	unsigned int why;
	uint32_t i;

	sc->bad_off = FINDINGS_NONE;
	if (!(sc->mask & CHECK(ANALYSIS_BAD_IN_USE)) || !sc->ac->bad)
		return;
	for (i = from; i < sc->end; i++) {
		why = findings_bad_why(sc, i);
		if (!why)
			continue;
		sc->bad_off = i;
		sc->bad_why = why;
		for (i++; i < sc->end && (why = findings_bad_why(sc, i)); i++)
			sc->bad_why |= why;
		sc->bad_len = i - sc->bad_off;
		return;
	}
}

static int findings_emit_bad(struct findings_scan *sc)
{
	struct analysis_finding f;
	struct findings_text t;
	const char *sep = "";

	if (!findings_want(sc, ANALYSIS_BAD_IN_USE, &f, &t))
		return 0;
	f.offset = sc->bad_off;
	f.nr = sc->bad_len;
	if (sc->bad_why & FINDINGS_BAD_CACHED) {
		findings_put(&t, "cached");
		sep = "+";
	}
	if (sc->bad_why & FINDINGS_BAD_FOLIO) {
		findings_put(&t, sep);
		findings_put(&t, "folio");
		sep = "+";
	}
	if (sc->bad_why & FINDINGS_BAD_COUNT) {
		findings_put(&t, sep);
		findings_put(&t, "count");
	}
	return findings_emit(sc, &f);
}

/*
 * Next aligned block of the cluster's order that is partly non-free: a
 * hole alloc_swap_scan_cluster() cannot use for that order, left by a
 * partial free of a large folio or by order-0 stealing.
 */
static void findings_part_next(struct findings_scan *sc)
{
	unsigned int k = sc->part_order;
	uint32_t bs = 1u << k, nblocks = sc->size >> k;

	sc->part_off = FINDINGS_NONE;
	if (!sc->part_on)
		return;
	while (sc->part_block < nblocks) {
		uint32_t bit = sc->part_block << k, used = 0, wi, b;

		if (k < 6) {
			uint64_t w, starts;
			uint32_t pos;

			wi = bit / 64;
			w = sc->nonfree[wi];
			starts = findings_align[k] & sc->valid &
				 ~(findings_fold(w, k) | findings_fold(~w, k)) &
				 (~0ull << (bit % 64));
			if (!starts) {
				sc->part_block = (wi + 1) * (64u >> k);
				continue;
			}
			pos = (uint32_t)__builtin_ctzll(starts);
			b = (wi * 64 + pos) >> k;
			used = findings_popcount((w >> pos) &
							      ((1ull << bs) - 1));
			sc->part_block = b + 1;
		} else {
			uint32_t j;

			b = sc->part_block++;
			wi = bit / 64;
			for (j = 0; j < bs / 64; j++)
				used += findings_popcount(sc->nonfree[wi + j]);
			if (!used || used == bs)
				continue;
		}
		sc->part_off = sc->first + (b << k);
		sc->part_used = used;
		return;
	}
}

static int findings_emit_partial(struct findings_scan *sc)
{
	struct analysis_finding f;
	struct findings_text t;

	if (!findings_want(sc, ANALYSIS_PARTIAL_BLOCK, &f, &t))
		return 0;
	f.offset = sc->part_off;
	f.nr = 1u << sc->part_order;
	f.order = (int)sc->part_order;
	findings_put(&t, "used=");
	findings_put_u32(&t, sc->part_used);
	return findings_emit(sc, &f);
}

static int findings_emit_cache_only(struct findings_scan *sc)
{
	struct analysis_finding f;
	struct findings_text t;

	if (!findings_want(sc, ANALYSIS_CACHE_ONLY, &f, &t))
		return 0;
	f.offset = sc->co_off;
	f.nr = sc->ac->cache_only;
	return findings_emit(sc, &f);
}

/*
 * Runs of the cluster's own order that start aligned cannot be misaligned
 * (order <= cluster_shift keeps them inside) nor of a foreign order, and
 * cannot mix backing when the cluster has no zswap slot: count them on
 * the bitmaps and walk only the others.
 */
static void findings_bulk(struct findings_scan *sc, uint32_t *runs)
{
	unsigned int k = sc->c->order;
	uint32_t wi;

	sc->bulk = false;
	if (!sc->any_heads || k > sc->shift ||
	    (k && sc->ac->zswap && (sc->mask & CHECK(ANALYSIS_MIXED_BACKING))))
		return;
	sc->bulk = true;
	for (wi = 0; wi < sc->nwords; wi++) {
		uint64_t b = sc->ownheads[wi];

		if (!b)
			continue;
		if (k < 6)
			b &= findings_align[k];
		else if (wi & ((1u << (k - 6)) - 1))
			b = 0;
		else
			b &= 1;
		runs[k] += findings_popcount(b);
		sc->heads[wi] &= ~b;
	}
}

static inline uint32_t findings_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

int findings_cluster(const struct snapshot *s, uint32_t ci, unsigned int mask,
		     analysis_finding_fn fn, void *arg,
		     struct analysis_cluster *ac, uint32_t *runs, size_t *folio)
{
	struct findings_scan sc;
	bool cm = false, lm = false;
	uint32_t wi;
	unsigned int j;
	int rc;

	sc.s = s;
	sc.c = &s->clusters[ci];
	sc.ac = ac;
	sc.runs = runs;
	sc.fn = fn;
	sc.arg = arg;
	sc.mask = mask;
	sc.era = findings_era(s);
	sc.ci = ci;
	sc.first = snapshot_cluster_first(s, ci);
	sc.end = snapshot_cluster_end(s, ci);
	sc.size = s->dev.cluster_size;
	sc.shift = s->dev.cluster_shift;
	sc.nwords = sc.size >= 64 ? sc.size / 64 : 1;
	sc.valid = sc.size >= 64 ? ~0ull : (1ull << sc.size) - 1;
	/*
	 * Eras A and B have no ci->order (swap_cluster_info is data:24 +
	 * flags:8), so the dump's order column says nothing to compare with.
	 */
	sc.mixed_order = (mask & CHECK(ANALYSIS_MIXED_ORDER)) && sc.era >= 'C';
	/* 0xffff: no word masked with FINDINGS_HEAD_MASK equals it */
	sc.own_head = sc.c->order <= SNAPSHOT_MAX_ORDER ?
		(uint16_t)(SNAPSHOT_SLOT_HEAD |
			   ((sc.c->order + 1u) << SNAPSHOT_SLOT_ORDER_SHIFT)) :
		0xffff;

	memset(ac, 0, sizeof(*ac));
	findings_stats(&sc);
	findings_blocks(&sc);
	findings_bulk(&sc, runs);

	/* cluster checks */
	if (mask & CHECK(ANALYSIS_COUNT_MISMATCH))
		cm = findings_count_mismatch(&sc);
	if (mask & CHECK(ANALYSIS_LIST_MISMATCH))
		lm = findings_list_mismatch(&sc, NULL);

	/* known runs */
	sc.hw = 0;
	sc.hbits = sc.heads[0];
	sc.fi = sc.fend = 0;
	if (s->nr_folios) {
		/* the caller walking the clusters in order knows where to start */
		if (folio && *folio <= s->nr_folios &&
		    (!*folio || s->folios[*folio - 1].offset < sc.first)) {
			sc.fi = *folio;
			while (sc.fi < s->nr_folios && s->folios[sc.fi].offset < sc.first)
				sc.fi++;
		} else {
			sc.fi = snapshot_folios_from(s, sc.first);
		}
		sc.fend = sc.fi;
		while (sc.fend < s->nr_folios && s->folios[sc.fend].offset < sc.end)
			sc.fend++;
	}
	if (folio)
		*folio = sc.fend;
	findings_runs_next(&sc);

	/* bad-in-use: the folio that may cover the first slot comes first */
	sc.fc = 0;
	if (sc.ac->bad && s->nr_folios) {
		sc.fc = snapshot_folios_from(s, sc.first);
		if (sc.fc && (uint64_t)s->folios[sc.fc - 1].offset +
			     (1ull << s->folios[sc.fc - 1].order) > sc.first)
			sc.fc--;
	}
	findings_bad_next(&sc, sc.first);

	/* partial-block: only in a cluster some order > 0 owns */
	sc.part_order = sc.c->order;
	sc.part_on = (mask & CHECK(ANALYSIS_PARTIAL_BLOCK)) && sc.c->order &&
		     sc.c->order <= sc.shift &&
		     sc.c->flags != SNAPSHOT_CLUSTER_FREE;
	sc.part_block = 0;
	findings_part_next(&sc);

	sc.co_off = FINDINGS_NONE;
	if ((mask & CHECK(ANALYSIS_CACHE_ONLY)) && ac->cache_only) {
		for (wi = 0; !sc.cacheonly[wi]; wi++)
			;
		sc.co_off = sc.first + wi * 64 +
			    (uint32_t)__builtin_ctzll(sc.cacheonly[wi]);
	}

	/*
	 * Merge by offset. At one offset: the cluster checks first (they
	 * describe the whole cluster), then the checks in enum order.
	 */
	if (cm || lm) {
		rc = findings_emit_cluster(&sc, cm, lm);
		if (rc)
			return rc;
	}
	for (;;) {
		uint32_t o = findings_min(findings_min(sc.run_off, sc.bad_off),
					  findings_min(sc.part_off, sc.co_off));
		bool run = sc.run_off == o;

		if (o == FINDINGS_NONE)
			break;
		for (j = 0; run && j < sc.nr_cur; j++) {
			rc = findings_emit_misaligned(&sc, &sc.cur[j]);
			if (rc)
				return rc;
		}
		if (sc.bad_off == o) {
			rc = findings_emit_bad(&sc);
			if (rc)
				return rc;
			findings_bad_next(&sc, o + sc.bad_len);
		}
		for (j = 0; run && j < sc.nr_cur; j++) {
			rc = findings_emit_orphan(&sc, &sc.cur[j]);
			if (rc)
				return rc;
		}
		for (j = 0; run && j < sc.nr_cur; j++) {
			rc = findings_emit_backing(&sc, &sc.cur[j]);
			if (rc)
				return rc;
		}
		for (j = 0; run && j < sc.nr_cur; j++) {
			rc = findings_emit_order(&sc, &sc.cur[j]);
			if (rc)
				return rc;
		}
		if (run)
			findings_runs_next(&sc);
		if (sc.part_off == o) {
			rc = findings_emit_partial(&sc);
			if (rc)
				return rc;
			findings_part_next(&sc);
		}
		if (sc.co_off == o) {
			rc = findings_emit_cache_only(&sc);
			if (rc)
				return rc;
			sc.co_off = FINDINGS_NONE;
		}
	}
	return 0;
}

uint32_t findings_blocks_from(const struct snapshot *s, uint32_t from,
			      uint32_t end, unsigned int order)
{
	uint32_t size = 1u << order, cnt = 0, i;
	uint64_t o;

	for (o = from; o + size <= end; o += size) {
		for (i = 0; i < size && snapshot_slot_free(s->slots[o + i]); i++)
			;
		cnt += i == size;
	}
	return cnt;
}
