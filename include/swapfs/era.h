/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * era.h - what each kernel era keeps per slot and per cluster, and the
 * codecs between an era's encoding (the swap_map byte of eras A..F, the
 * swap table word of era G) and the model's slot word (snapshot.h).
 *
 * Internal to the library. The eras are those of kernel-swap-facts
 * section 0; swapfs-dump(5) has the same table for users. Everything that
 * depends on the era is answered here, so the reader and the writer of a
 * dump never test era letters themselves.
 */
#ifndef SWAPFS_ERA_H
#define SWAPFS_ERA_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_MODEL)
#error "swapfs/era.h belongs to the model: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "swapfs/snapshot.h"

/* What the kernels of one era keep, and where. */
struct era_props {
	char era;		/* 'A'..'G' */
	const char *kernels;	/* releases, for messages */
	bool swap_table;	/* slots in swap_table words, no swap_map (G) */
	bool map_cache;		/* SWAP_HAS_CACHE in swap_map (A..E) */
	bool shmem;		/* SWAP_MAP_SHMEM exists (A..E) */
	bool discard_memset;	/* a discard cluster's bytes are 0x3f (A..D; see era_discard_memset) */
	bool zeromap;		/* si->zeromap exists (C..G) */
	bool cluster_lists;	/* nonfull/frag/full lists (C..G) */
	bool cluster_order;	/* ci->order (C..G); A: HUGE only; B: none */
	bool cache_from_folios;	/* cached = under a swap-cache folio (F) */
};

/* era_get - the properties of era @era, or NULL if it is not 'A'..'G'. */
const struct era_props *era_get(char era);

/*
 * era_discard_memset - whether a discard cluster's swap_map bytes are all
 * 0x3f in era @p for kernel release @kernel: eras A..C, and era D up to
 * 6.14 ("mm, swap: remove setting SWAP_MAP_BAD for discard cluster" went
 * into 6.15). An era-D release that cannot be parsed keeps the memset,
 * as swapfs-dump(5) says.
 */
bool era_discard_memset(const struct era_props *p, const char *kernel);


/*
 * era_cluster_order_ok - whether era @p can say that a cluster is owned by
 * @order: era A's cluster has only the HUGE flag, so 0 or PMD order.
 */
bool era_cluster_order_ok(const struct era_props *p, unsigned int order,
			  unsigned int cluster_shift);

/* era_cluster_flag_ok - whether era @p has the list @flag names. */
bool era_cluster_flag_ok(const struct era_props *p, unsigned int flag);

/* The swap_map byte (include/linux/swap.h, eras A..F). */
#define ERA_MAP_MAX		0x3eu	/* SWAP_MAP_MAX: largest count in a byte */
#define ERA_MAP_BAD		0x3fu	/* SWAP_MAP_BAD */
#define ERA_MAP_HAS_CACHE	0x40u	/* SWAP_HAS_CACHE */
#define ERA_MAP_CONTINUED	0x80u	/* COUNT_CONTINUED */
#define ERA_MAP_SHMEM		0xbfu	/* SWAP_MAP_SHMEM */
/* The first digit's base: a continued count is d0 + 63 * (d1 + 128 * ...). */
#define ERA_MAP_CONT_BASE	(ERA_MAP_MAX + 1)

/*
 * A decoder table maps each byte to the slot word it stands for, or to one
 * of these in bits 12..15, which a decoded word never has (they hold the
 * run order, which no byte knows):
 */
#define ERA_DEC_SPECIAL		0xf000u
#define ERA_DEC_CONTINUED	0x8000u	/* | cached | first digit in the count */
#define ERA_DEC_SHMEM		0x4000u	/* | cached; a count of 1 */
#define ERA_DEC_NO_CACHE	0x2000u	/* SWAP_HAS_CACHE where the era has none */
#define ERA_DEC_NO_SHMEM	0x1000u	/* SWAP_MAP_SHMEM where the era has none */

/*
 * era_map_decoder - fill @dec with era @p's meaning of each swap_map byte,
 * so decoding is one load per byte. Except that in a discard cluster of
 * eras A..D every byte is 0x3f and means free: callers handle that per
 * cluster (era_props.discard_memset).
 */
void era_map_decoder(const struct era_props *p, uint16_t dec[256]);

/*
 * era_map_continued_ok - whether @count is what a byte whose first digit
 * is @digit and whose COUNT_CONTINUED bit is set can stand for: the
 * continuation pages hold at least 1, so count >= 63.
 */
static inline bool era_map_continued_ok(unsigned int digit, uint32_t count)
{
	return count >= ERA_MAP_CONT_BASE && count % ERA_MAP_CONT_BASE == digit;
}

/* Why a slot cannot be encoded in an era. */
enum era_enc {
	ERA_ENC_OK = 0,
	ERA_ENC_CONTINUED,	/* encoded; the exact count goes to 'continued' */
	ERA_ENC_BAD_COUNT,	/* a bad slot with references: no era has that */
	ERA_ENC_BAD_CACHED,	/* a bad slot in the swap cache (era G) */
	ERA_ENC_SHMEM_ERA,	/* SWAP_MAP_SHMEM outside A..E */
	ERA_ENC_SHMEM_STATE,	/* a shmem slot whose count is not 1, or bad */
};

/*
 * The encoder table (era_map_encoder()) is indexed by these bits of a slot
 * word; entries >= ERA_ENC_SLOW need era_map_encode().
 */
#define ERA_ENC_INDEX	(SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD)
#define ERA_ENC_SLOW	0x100u

/*
 * era_map_encoder - fill @enc with the byte of each plain slot word of
 * era @p (count <= 62, cached, bad), ERA_ENC_SLOW for the rest (continued
 * counts, contradictions). Shmem slots are not in the table: callers look
 * them up first.
 */
void era_map_encoder(const struct era_props *p, uint16_t enc[ERA_ENC_INDEX + 1]);

/*
 * era_map_encode - the swap_map byte of slot word @w with exact @count,
 * shmem-owned or not, in era @p. Era F has no cache mark: the cached bit
 * is the caller's to match with a folio. Returns an enum era_enc.
 */
int era_map_encode(const struct era_props *p, uint16_t w, uint32_t count,
		   bool shmem, uint8_t *byte);

/*
 * The era-G swap table word (mm/swap_table.h, phase III, 64-bit): the top
 * 4 bits are the count, the low bits the kind.
 */
#define ERA_TB_COUNT_SHIFT	60
#define ERA_TB_COUNT_MAX	15u	/* overflow: exact count in the extend table */
#define ERA_TB_REST		((1ull << ERA_TB_COUNT_SHIFT) - 1)
#define ERA_TB_SHADOW		1ull	/* low bit 1: swapped out, not cached */
#define ERA_TB_PFN		2ull	/* low bits 10: a folio is in the cache */
#define ERA_TB_POINTER		4ull	/* low bits 100: reserved */
#define ERA_TB_BAD		(~0ull << 3)

/* What a swap table word can be besides a plain slot. */
enum era_tb {
	ERA_TB_OK = 0,
	ERA_TB_OVERFLOW,	/* count 15: exact count from 'continued' */
	ERA_TB_ERR_KIND,	/* no kind at all */
	ERA_TB_ERR_POINTER,	/* the reserved pointer kind */
	ERA_TB_ERR_PAYLOAD,	/* shadow or PFN payload left in */
	ERA_TB_ERR_NULL_COUNT,	/* a count on a free (null) entry */
	ERA_TB_ERR_SHADOW_ZERO,	/* a shadow with count 0 */
};

int era_table_decode_slow(uint64_t w, uint16_t *slot);

/* The kind bits the decoder table looks at; the rest is payload. */
#define ERA_TB_KIND_MASK	3ull

/* era_table_index - a word's count and kind bits, 0..63. */
static inline unsigned int era_table_index(uint64_t w)
{
	return (unsigned int)((w >> (ERA_TB_COUNT_SHIFT - 2) & 0x3c) |
			      (w & ERA_TB_KIND_MASK));
}

/*
 * era_table_decoder - fill @dec, indexed by era_table_index(), with the
 * slot word of each word whose payload bits are clear: free, shadow with
 * count 1..14, PFN with count 0..14; ERA_DEC_SPECIAL for the rest (an
 * overflow, or something era_table_decode() must judge).
 */
void era_table_decoder(uint16_t dec[64]);

/*
 * era_table_decode - the slot word of swap table word @w (host order).
 * Returns ERA_TB_OK, ERA_TB_OVERFLOW (*@slot holds the kind only), or an
 * error. Free, and shadow or PFN entries with a small count, are decided
 * here without a call: they are nearly every word of a real table.
 */
static inline int era_table_decode(uint64_t w, uint16_t *slot)
{
	uint64_t rest = w & ERA_TB_REST;
	unsigned int count = (unsigned int)(w >> ERA_TB_COUNT_SHIFT);

	if (!w) {
		*slot = 0;
		return ERA_TB_OK;
	}
	if (rest == ERA_TB_SHADOW && count - 1 < ERA_TB_COUNT_MAX - 1) {
		*slot = (uint16_t)count;
		return ERA_TB_OK;
	}
	if (rest == ERA_TB_PFN && count < ERA_TB_COUNT_MAX) {
		*slot = (uint16_t)(SNAPSHOT_SLOT_CACHED | count);
		return ERA_TB_OK;
	}
	return era_table_decode_slow(w, slot);
}

/* era_table_rule / era_table_why - the rule and the words for an enum era_tb. */
const char *era_table_rule(int err);
const char *era_table_why(int err);

/* era_table_continued_ok - an overflowed count is at least 15. */
static inline bool era_table_continued_ok(uint32_t count)
{
	return count >= ERA_TB_COUNT_MAX;
}

/*
 * era_table_encode - the swap table word of slot word @w with exact
 * @count. Returns ERA_ENC_OK, ERA_ENC_CONTINUED (count >= 15) or an error.
 */
int era_table_encode(uint16_t w, uint32_t count, uint64_t *word);

/*
 * era_continued_from - the smallest count that era @p keeps outside the
 * slot (in 'continued'): 63 for swap_map eras, 15 for the swap table.
 */
static inline uint32_t era_continued_from(const struct era_props *p)
{
	return p->swap_table ? ERA_TB_COUNT_MAX : ERA_MAP_CONT_BASE;
}

#endif /* SWAPFS_ERA_H */
