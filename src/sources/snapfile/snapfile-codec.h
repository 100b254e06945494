/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapfile-codec.h - the slot-word codec of the snapshot file (private to
 * src/sources/snapfile/; swapfs-snapshot(5), slots and runs).
 *
 * A cluster's slot words are stored as one slots blob (bits 0..10 of each
 * word: 1 byte a slot when every count fits 4 bits, else 2) and its runs
 * as one runs blob (an entry per run that starts in the cluster). Both
 * ways are checked four words at a time: what follows is inline because
 * the reader calls it for every slot word and every run.
 */
#ifndef SWAPFS_SNAPFILE_CODEC_H
#define SWAPFS_SNAPFILE_CODEC_H

#include <stdint.h>
#include <string.h>

#include "swapfs/snapshot.h"

/* A runs blob entry: the run's slot in its cluster above its order. */
#define SNAPFILE_RUN_SHIFT	4
#define SNAPFILE_RUN_ORDER	0xfu

/* What a slot's page is: only a slot in use has a mark, and never both. */
#define SNAPFILE_SLOT_MARKS	(SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)

/* @w in each 16-bit lane of a u64: four slot words are tested at once. */
#define SNAPFILE_LANES(w)	((uint64_t)(uint16_t)(w) * 0x0001000100010001ull)

/* 0xffff in each lane of @x that is not zero; lanes must be below 0x8000. */
static inline uint64_t snapfile_codec_lanes_set(uint64_t x)
{
	return (((x + SNAPFILE_LANES(0x7fff)) & SNAPFILE_LANES(0x8000)) >> 15) *
	       0xffff;
}

/*
 * snapfile_codec_lanes_bad - nonzero in each lane whose slot word says
 * what no era can: bits that are never stored, references on a bad slot,
 * the zero or zswap mark on a slot that holds no page (free or bad), or
 * both marks. Branch-free, four words an operation: the blob check costs
 * less than copying it.
 */
static inline uint64_t snapfile_codec_lanes_bad(uint64_t x)
{
	uint64_t bad = snapfile_codec_lanes_set(x & SNAPFILE_LANES(SNAPSHOT_SLOT_BAD));
	uint64_t used = snapfile_codec_lanes_set(x & SNAPFILE_LANES(SNAPSHOT_SLOT_COUNT |
								    SNAPSHOT_SLOT_CACHED));

	return (x & SNAPFILE_LANES(~SNAPSHOT_SLOT_STORED)) |
	       (bad & x & SNAPFILE_LANES(SNAPSHOT_SLOT_COUNT)) |
	       (x & SNAPFILE_LANES(SNAPFILE_SLOT_MARKS) & (bad | ~used)) |
	       ((x << 1) & x & SNAPFILE_LANES(SNAPSHOT_SLOT_ZSWAP));
}

/*
 * snapfile_codec_mark_run - the run bits of 2^@k slots from @w: order + 1
 * in each, the head in the first.
 */
static inline void snapfile_codec_mark_run(uint16_t *w, unsigned int k)
{
	uint16_t v = (uint16_t)((k + 1) << SNAPSHOT_SLOT_ORDER_SHIFT);
	uint64_t x, lanes = SNAPFILE_LANES(v);
	uint32_t i, nr = 1u << k;

	if (k >= 2) {
		for (i = 0; i < nr; i += 4) {
			memcpy(&x, w + i, sizeof(x));
			x |= lanes;
			memcpy(w + i, &x, sizeof(x));
		}
	} else {
		w[0] |= v;
		w[k] |= v;
	}
	w[0] |= SNAPSHOT_SLOT_HEAD;
}

/*
 * snapfile_codec_encode - cluster words @src[0..@n) as the file stores
 * them, into @out (room for 2 * @n bytes): nothing when no word has a
 * stored bit (the row's data is NULL), else 1 byte a slot when every
 * count fits 4 bits, else 2 (bits 0..10, little endian). Returns the
 * blob's length; *@all gets the OR of the words.
 */
uint32_t snapfile_codec_encode(uint8_t *out, const uint16_t *src, uint32_t n,
			       uint16_t *all);

/*
 * snapfile_codec_runs - the runs headed among cluster words @src[0..@n),
 * as the entries of its runs blob: (slot - first slot) << 4 | order,
 * little endian, ascending. Returns how many; *@top gets the largest order.
 */
uint32_t snapfile_codec_runs(uint32_t *out, const uint16_t *src, uint32_t n,
			     unsigned int *top);

/*
 * snapfile_codec_decode_words / _bytes - a slots blob @p of 2 or 1 bytes
 * a slot into the @n slot words at @w. *@bad gets nonzero bits when a
 * word is one snapfile_codec_lanes_bad() refuses (the caller then names
 * it); returns the OR of the words. The 2-byte form adds to *@nr_big the
 * words of count 127 (the 1-byte form has none).
 */
uint64_t snapfile_codec_decode_words(uint16_t *w, const uint8_t *p, uint32_t n,
				     uint64_t *bad, uint64_t *nr_big);
uint64_t snapfile_codec_decode_bytes(uint16_t *w, const uint8_t *p, uint32_t n,
				     uint64_t *bad);

#endif
