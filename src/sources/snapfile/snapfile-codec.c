// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-codec.c - the slot-word codec (snapfile-codec.h): a cluster's
 * slot words to the blobs of its slots and runs rows, and a slots blob
 * back into the slot array, every word checked on the way.
 */
#include <endian.h>
#include <string.h>
#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <emmintrin.h>
#define SNAPFILE_SSE2	1
#endif

#include "snapfile-codec.h"

static inline uint16_t snapfile_codec_fold(uint64_t x)
{
	return (uint16_t)(x | x >> 16 | x >> 32 | x >> 48);
}

/* How many lanes of @x have count 127 (see counts[]): their sum, by multiply. */
static inline unsigned int snapfile_codec_lanes_big(uint64_t x)
{
	uint64_t one = (((x & SNAPFILE_LANES(SNAPSHOT_SLOT_COUNT)) +
			 SNAPFILE_LANES(1)) >> 7) & SNAPFILE_LANES(1);

	return (unsigned int)((one * SNAPFILE_LANES(1)) >> 48);
}

/*
 * The 1-byte form of a slot word (swapfs-snapshot(5)): count 0..15 in
 * bits 0..3, then cached, bad, zero, zswap in bits 4..7 (the word's bits
 * 7..10, shifted down by 3). A cluster is stored so when none of its
 * counts needs bits 4..6 of the word.
 */
#define SNAPFILE_BYTE_COUNT	0x0fu
#define SNAPFILE_BYTE_FLAGS	0xf0u
#define SNAPFILE_BYTE_SHIFT	3
#define SNAPFILE_WORD_WIDE	(SNAPSHOT_SLOT_COUNT & ~SNAPFILE_BYTE_COUNT)

#ifdef SNAPFILE_SSE2
/* 16 words to 16 bytes at a time; returns how many were done. */
static uint32_t snapfile_codec_bytes_fast(uint8_t *out, const uint16_t *src,
					  uint32_t n)
{
	const __m128i count = _mm_set1_epi16(SNAPFILE_BYTE_COUNT);
	const __m128i flags = _mm_set1_epi16(SNAPFILE_BYTE_FLAGS);
	__m128i a, b;
	uint32_t j;

	for (j = 0; j + 16 <= n; j += 16) {
		a = _mm_loadu_si128((const __m128i *)(src + j));
		b = _mm_loadu_si128((const __m128i *)(src + j + 8));
		a = _mm_or_si128(_mm_and_si128(a, count),
				 _mm_and_si128(_mm_srli_epi16(a, SNAPFILE_BYTE_SHIFT), flags));
		b = _mm_or_si128(_mm_and_si128(b, count),
				 _mm_and_si128(_mm_srli_epi16(b, SNAPFILE_BYTE_SHIFT), flags));
		_mm_storeu_si128((__m128i *)(out + j), _mm_packus_epi16(a, b));
	}
	return j;
}

/* Bit i set when word i of 8 from @src heads a run. */
static inline unsigned int snapfile_codec_heads8(const uint16_t *src)
{
	const __m128i head = _mm_set1_epi16(SNAPSHOT_SLOT_HEAD);
	__m128i x = _mm_and_si128(_mm_loadu_si128((const __m128i *)src), head);

	x = _mm_cmpeq_epi16(x, head);
	return (unsigned int)_mm_movemask_epi8(_mm_packs_epi16(x, x)) & 0xffu;
}
#else
static uint32_t snapfile_codec_bytes_fast(uint8_t *out, const uint16_t *src,
					  uint32_t n)
{
	return 0;
}

static inline unsigned int snapfile_codec_heads8(const uint16_t *src)
{
	unsigned int i, m = 0;

	for (i = 0; i < 8; i++)
		m |= (src[i] & SNAPSHOT_SLOT_HEAD ? 1u : 0u) << i;
	return m;
}
#endif

uint32_t snapfile_codec_encode(uint8_t *out, const uint16_t *src, uint32_t n,
			       uint16_t *all)
{
	uint64_t x, words = 0;
	uint32_t j = 0;
	uint16_t v;

	for (; j + 4 <= n; j += 4) {
		memcpy(&x, src + j, sizeof(x));
		words |= x;
	}
	for (; j < n; j++)
		words |= src[j];
	*all = snapfile_codec_fold(words);
	if (!(*all & SNAPSHOT_SLOT_STORED))
		return 0;
	if (!(*all & SNAPFILE_WORD_WIDE)) {
		j = snapfile_codec_bytes_fast(out, src, n);
		for (; j < n; j++)
			out[j] = (uint8_t)((src[j] & SNAPFILE_BYTE_COUNT) |
					   ((src[j] >> SNAPFILE_BYTE_SHIFT) &
					    SNAPFILE_BYTE_FLAGS));
		return n;
	}
	for (j = 0; j < n; j++) {
		v = htole16(src[j] & SNAPSHOT_SLOT_STORED);
		memcpy(out + 2 * j, &v, sizeof(v));
	}
	return 2 * n;
}

uint32_t snapfile_codec_runs(uint32_t *out, const uint16_t *src, uint32_t n,
			     unsigned int *top)
{
	uint32_t i, j, nr = 0;
	unsigned int m;
	int k;

	*top = 0;
	for (j = 0; j + 8 <= n; j += 8) {
		for (m = snapfile_codec_heads8(src + j); m; m &= m - 1) {
			i = j + (uint32_t)__builtin_ctz(m);
			k = snapshot_slot_order(src[i]);
			if (k < 0)
				continue;
			if ((unsigned int)k > *top)
				*top = (unsigned int)k;
			out[nr++] = htole32(i << SNAPFILE_RUN_SHIFT | (unsigned int)k);
		}
	}
	for (; j < n; j++) {
		if (!(src[j] & SNAPSHOT_SLOT_HEAD) ||
		    (k = snapshot_slot_order(src[j])) < 0)
			continue;
		if ((unsigned int)k > *top)
			*top = (unsigned int)k;
		out[nr++] = htole32(j << SNAPFILE_RUN_SHIFT | (unsigned int)k);
	}
	return nr;
}

/*
 * The 1-byte form decoded: the slot word, and bit 16 when the byte says
 * what snapfile_codec_lanes_bad() refuses in a word (a bad slot with a count,
 * a mark on a slot that holds no page, both marks). Built by the
 * preprocessor, so it is there before any thread reads a file.
 */
#define SNAPFILE_B_WORD(b)	(((b) & SNAPFILE_BYTE_COUNT) | \
				 ((b) & SNAPFILE_BYTE_FLAGS) << SNAPFILE_BYTE_SHIFT)
#define SNAPFILE_B_BAD(b)	((((b) & 0x20) && ((b) & 0x0f)) || \
				 (((b) & 0xc0) && (((b) & 0x20) || !((b) & 0x1f))) || \
				 ((b) & 0xc0) == 0xc0)
#define SNAPFILE_B(b)		((uint32_t)SNAPFILE_B_WORD(b) | (uint32_t)SNAPFILE_B_BAD(b) << 16)
#define SNAPFILE_B4(b)		SNAPFILE_B(b), SNAPFILE_B((b) + 1), \
				SNAPFILE_B((b) + 2), SNAPFILE_B((b) + 3)
#define SNAPFILE_B16(b)		SNAPFILE_B4(b), SNAPFILE_B4((b) + 4), \
				SNAPFILE_B4((b) + 8), SNAPFILE_B4((b) + 12)
#define SNAPFILE_B64(b)		SNAPFILE_B16(b), SNAPFILE_B16((b) + 16), \
				SNAPFILE_B16((b) + 32), SNAPFILE_B16((b) + 48)

static const uint32_t snapfile_codec_bytes[256] = {
	SNAPFILE_B64(0), SNAPFILE_B64(64), SNAPFILE_B64(128), SNAPFILE_B64(192),
};

/* 2 bytes a slot, straight into the slot array, then checked there. */
uint64_t snapfile_codec_decode_words(uint16_t *w, const uint8_t *p, uint32_t n,
				     uint64_t *bad, uint64_t *nr_big)
{
	uint64_t x, any = 0;
	uint32_t j = 0;

#if __BYTE_ORDER == __LITTLE_ENDIAN
	memcpy(w, p, (size_t)n * sizeof(*w));
#else
	for (j = 0; j < n; j++)
		w[j] = (uint16_t)(p[2 * j] | p[2 * j + 1] << 8);
	j = 0;
#endif
	for (; j + 4 <= n; j += 4) {
		memcpy(&x, w + j, sizeof(x));
		*bad |= snapfile_codec_lanes_bad(x);
		any |= x;
		*nr_big += snapfile_codec_lanes_big(x);
	}
	for (; j < n; j++) {
		*bad |= snapfile_codec_lanes_bad(w[j]);
		any |= w[j];
		*nr_big += snapfile_codec_lanes_big(w[j]);
	}
	return any;
}

/* 1 byte a slot, through snapfile_codec_bytes[]: word and verdict in one load. */
uint64_t snapfile_codec_decode_bytes(uint16_t *w, const uint8_t *p, uint32_t n,
				     uint64_t *bad)
{
	uint32_t j, t, acc = 0;

	for (j = 0; j < n; j++) {
		t = snapfile_codec_bytes[p[j]];
		w[j] = (uint16_t)t;
		acc |= t;
	}
	*bad |= acc >> 16;
	return acc & 0xffffu;
}
