// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-table.c - a dump's swap_table (eras F and G, 8 bytes a slot)
 * decoded in blocks like the map: free blocks skipped, plain words
 * through the era's 64-entry table (eight at a time with SSE2 where the
 * compiler has it), and any other block redone by era_table_decode().
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <emmintrin.h>
#define DUMP_SSE2	1
#endif

#include "dump-file.h"

static int dump_table_block_special(struct dump_reader *r, const uint8_t *b,
				    uint64_t off, size_t words)
{
	uint32_t slot = (uint32_t)(off / 8);
	uint16_t *w = r->s->slots + slot;
	size_t i;
	uint64_t x;
	int rc;

	if (r->deferring)	/* the careful path is the first thread's */
		return -EAGAIN;
	for (i = 0; i < words; i++) {
		memcpy(&x, b + 8 * i, 8);
		x = le64toh(x);
		rc = era_table_decode(x, &w[i]);
		if (__builtin_expect(rc == ERA_TB_OK, 1))
			continue;
		if (rc == ERA_TB_OVERFLOW) {
			rc = dump_continued_pend(r, slot + (uint32_t)i, 0);
			if (rc)
				return rc;
			continue;
		}
		return diag_byte(r->d, r->path, off + 8 * i, era_table_rule(rc),
				 "word 0x%016llx at slot %u: %s",
				 (unsigned long long)x, slot + (uint32_t)i,
				 era_table_why(rc));
	}
	return 0;
}

static bool dump_table_block_free(const uint8_t *restrict b)
{
#ifdef DUMP_SSE2
	__m128i any = _mm_setzero_si128();
	size_t i;

	for (i = 0; i < DUMP_MAP_BLOCK; i += 2)
		any = _mm_or_si128(any, _mm_loadu_si128((const __m128i *)(const void *)(b + 8 * i)));
	return _mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128())) == 0xffff;
#else
	uint64_t x, any = 0;
	size_t i;

	for (i = 0; i < DUMP_MAP_BLOCK; i++) {
		memcpy(&x, b + 8 * i, 8);
		any |= x;
	}
	return !any;
#endif
}

#ifdef DUMP_SSE2
/*
 * A whole block of table words, eight at a time in vector registers: each
 * word's count and kind bits become t = count | kind << 4, and the slot
 * word is the count, with the cached bit for a PFN (kind 2). Returns
 * nonzero when some word is anything but free (t 0), a shadow of count
 * 1..14 (t 0x11..0x1e) or a PFN of count 0..14 (t 0x20..0x2e) with its
 * payload clear: what era_table_decoder() marks special, or payload.
 */
static int dump_table_block_sse2(const uint8_t *b, uint16_t *w)
{
	const __m128i payload = _mm_set1_epi64x((long long)(ERA_TB_REST & ~ERA_TB_KIND_MASK));
	const __m128i kind = _mm_set1_epi64x((long long)ERA_TB_KIND_MASK);
	const __m128i zero = _mm_setzero_si128();
	__m128i odd = zero, bad = zero, x[4], t[4], lo, hi, u, cached;
	size_t i;
	int k;

	for (i = 0; i < DUMP_MAP_BLOCK; i += 8) {
		for (k = 0; k < 4; k++) {
			x[k] = _mm_loadu_si128((const __m128i *)(const void *)(b + 8 * (i + 2 * k)));
			odd = _mm_or_si128(odd, _mm_and_si128(x[k], payload));
			t[k] = _mm_or_si128(_mm_srli_epi64(x[k], ERA_TB_COUNT_SHIFT),
					    _mm_slli_epi64(_mm_and_si128(x[k], kind), 4));
		}
		/* The low dword of each lane, four words to a register, then eight. */
		lo = _mm_unpacklo_epi64(_mm_shuffle_epi32(t[0], _MM_SHUFFLE(2, 0, 2, 0)),
					_mm_shuffle_epi32(t[1], _MM_SHUFFLE(2, 0, 2, 0)));
		hi = _mm_unpacklo_epi64(_mm_shuffle_epi32(t[2], _MM_SHUFFLE(2, 0, 2, 0)),
					_mm_shuffle_epi32(t[3], _MM_SHUFFLE(2, 0, 2, 0)));
		u = _mm_packs_epi32(lo, hi);
		/* Special: 1..0x10 (a count on free, a shadow of 0), 0x1f, >= 0x2f. */
		bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpgt_epi16(u, zero),
						      _mm_cmplt_epi16(u, _mm_set1_epi16(0x11))));
		bad = _mm_or_si128(bad, _mm_cmpeq_epi16(u, _mm_set1_epi16(0x1f)));
		bad = _mm_or_si128(bad, _mm_cmpgt_epi16(u, _mm_set1_epi16(0x2e)));
		cached = _mm_slli_epi16(_mm_and_si128(u, _mm_set1_epi16(0x20)), 2);
		u = _mm_or_si128(_mm_and_si128(u, _mm_set1_epi16(0x0f)), cached);
		_mm_storeu_si128((__m128i *)(void *)(w + i), u);
	}
	return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(odd, bad), zero)) != 0xffff;
}
#endif

/*
 * Like the map: free blocks are skipped, and a word whose payload bits
 * are clear is decoded by its count and kind bits through a 64-entry
 * table (era_table_decoder()); a block with any other word, or a table
 * entry marked special, is redone by era_table_decode().
 */
int dump_table_chunk(struct dump_reader *r, const uint8_t *b,
		     uint64_t off, size_t n)
{
	const uint64_t payload = ERA_TB_REST & ~ERA_TB_KIND_MASK;
	uint16_t *w = r->s->slots + off / 8;
	size_t i, k, len, words = n / 8;
	uint64_t x, odd;
	uint16_t seen;

	for (i = 0; i < words; i += len) {
		len = words - i < DUMP_MAP_BLOCK ? words - i : DUMP_MAP_BLOCK;
		if (len == DUMP_MAP_BLOCK && dump_table_block_free(b + 8 * i))
			continue;
#ifdef DUMP_SSE2
		if (len == DUMP_MAP_BLOCK) {
			if (__builtin_expect(dump_table_block_sse2(b + 8 * i, w + i), 0)) {
				int rc = dump_table_block_special(r, b + 8 * i,
								  off + 8 * i, len);

				if (rc)
					return rc;
			}
			continue;
		}
#endif
		odd = 0;
		seen = 0;
		for (k = 0; k < len; k++) {
			uint16_t v;

			memcpy(&x, b + 8 * (i + k), 8);
			x = le64toh(x);
			v = r->tb_dec[era_table_index(x)];
			w[i + k] = v;
			seen |= v;
			odd |= x & payload;
		}
		if (__builtin_expect(odd || (seen & ERA_DEC_SPECIAL), 0)) {
			int rc = dump_table_block_special(r, b + 8 * i,
							  off + 8 * i, len);

			if (rc)
				return rc;
		}
	}
	return 0;
}
