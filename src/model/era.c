// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * era.c - the kernel eras: what each keeps, and the swap_map byte and
 * swap table word codecs (era.h).
 *
 * The byte meanings follow include/linux/swap.h and mm/swapfile.c of each
 * era (kernel-swap-facts sections 2, 3 and 5): SWAP_HAS_CACHE until phase
 * II of the swap table (F) dropped it, SWAP_MAP_SHMEM until shmem took a
 * plain count (F; 6.18's swap_shmem_alloc() still writes 0xbf), the discard memset until 6.15 (era_discard_memset()), and no swap_map at all from phase III (G).
 */
#include <stddef.h>
#include <stdio.h>

#include "swapfs/era.h"

static const struct era_props era_table[] = {
	{ .era = 'A', .kernels = "<= 6.9", .map_cache = true, .shmem = true,
	  .discard_memset = true },
	{ .era = 'B', .kernels = "6.10-6.11", .map_cache = true, .shmem = true,
	  .discard_memset = true },
	{ .era = 'C', .kernels = "6.12-6.13", .map_cache = true, .shmem = true,
	  .discard_memset = true, .zeromap = true, .cluster_lists = true,
	  .cluster_order = true },
	{ .era = 'D', .kernels = "6.14-6.17", .map_cache = true, .shmem = true,
	  .discard_memset = true, .zeromap = true, .cluster_lists = true,
	  .cluster_order = true },
	{ .era = 'E', .kernels = "6.18-6.19", .map_cache = true, .shmem = true,
	  .zeromap = true, .cluster_lists = true, .cluster_order = true },
	{ .era = 'F', .kernels = "7.0", .zeromap = true, .cluster_lists = true,
	  .cluster_order = true, .cache_from_folios = true },
	{ .era = 'G', .kernels = ">= 7.1", .swap_table = true, .zeromap = true,
	  .cluster_lists = true, .cluster_order = true },
};

const struct era_props *era_get(char era)
{
	if (era < 'A' || era > 'G')
		return NULL;
	return &era_table[era - 'A'];
}

/*
 * 6.10 removed CLUSTER_FLAG_HUGE and ci->order came only with 6.12: era B
 * clusters carry no order at all, era A only "huge" (a whole PMD folio).
 */
bool era_cluster_order_ok(const struct era_props *p, unsigned int order,
			  unsigned int cluster_shift)
{
	if (p->cluster_order || !order)
		return true;
	return p->era == 'A' && order == cluster_shift;
}

bool era_discard_memset(const struct era_props *p, const char *kernel)
{
	unsigned int major, minor;

	if (!p->discard_memset)
		return false;
	if (p->era != 'D' || !kernel || sscanf(kernel, "%u.%u", &major, &minor) != 2)
		return true;
	return major < 6 || (major == 6 && minor < 15);
}

bool era_cluster_flag_ok(const struct era_props *p, unsigned int flag)
{
	switch (flag) {
	case SNAPSHOT_CLUSTER_NONFULL:
	case SNAPSHOT_CLUSTER_FRAG:
	case SNAPSHOT_CLUSTER_FULL:
		return p->cluster_lists;
	default:
		return flag < SNAPSHOT_CLUSTER_NR_FLAGS;
	}
}

/*
 * One byte, as __swap_entry_free_locked() and friends read it: the cache
 * bit first (ent & ~SWAP_HAS_CACHE is the count), then the count's kind.
 */
static uint16_t era_map_decode_byte(const struct era_props *p, unsigned int b)
{
	uint16_t cached = b & ERA_MAP_HAS_CACHE ? SNAPSHOT_SLOT_CACHED : 0;
	unsigned int v = b & ~ERA_MAP_HAS_CACHE;

	if (cached && !p->map_cache)
		return ERA_DEC_NO_CACHE;
	if (v == ERA_MAP_BAD)
		return SNAPSHOT_SLOT_BAD | cached;
	if (v == ERA_MAP_SHMEM)
		return p->shmem ? ERA_DEC_SHMEM | cached : ERA_DEC_NO_SHMEM;
	if (v & ERA_MAP_CONTINUED)
		return ERA_DEC_CONTINUED | cached | (v & ~ERA_MAP_CONTINUED);
	return cached | v;
}

void era_map_decoder(const struct era_props *p, uint16_t dec[256])
{
	unsigned int b;

	for (b = 0; b < 256; b++)
		dec[b] = era_map_decode_byte(p, b);
}

int era_map_encode(const struct era_props *p, uint16_t w, uint32_t count,
		   bool shmem, uint8_t *byte)
{
	uint8_t cache = (w & SNAPSHOT_SLOT_CACHED) && p->map_cache ?
			ERA_MAP_HAS_CACHE : 0;

	if (shmem) {
		if (!p->shmem)
			return ERA_ENC_SHMEM_ERA;
		if (count != 1 || (w & SNAPSHOT_SLOT_BAD))
			return ERA_ENC_SHMEM_STATE;
		*byte = ERA_MAP_SHMEM | cache;
		return ERA_ENC_OK;
	}
	if (w & SNAPSHOT_SLOT_BAD) {
		if (count)
			return ERA_ENC_BAD_COUNT;
		*byte = ERA_MAP_BAD | cache;
		return ERA_ENC_OK;
	}
	if (count <= ERA_MAP_MAX) {
		*byte = (uint8_t)count | cache;
		return ERA_ENC_OK;
	}
	*byte = (uint8_t)(ERA_MAP_CONTINUED | cache | count % ERA_MAP_CONT_BASE);
	return ERA_ENC_CONTINUED;
}

void era_map_encoder(const struct era_props *p, uint16_t enc[ERA_ENC_INDEX + 1])
{
	unsigned int w;
	uint8_t byte;

	for (w = 0; w <= ERA_ENC_INDEX; w++) {
		unsigned int count = w & SNAPSHOT_SLOT_COUNT;

		if (count > ERA_MAP_MAX ||
		    era_map_encode(p, (uint16_t)w, count, false, &byte))
			enc[w] = ERA_ENC_SLOW;
		else
			enc[w] = byte;
	}
}

int era_table_decode_slow(uint64_t w, uint16_t *slot)
{
	uint64_t rest = w & ERA_TB_REST;
	unsigned int count = (unsigned int)(w >> ERA_TB_COUNT_SHIFT);

	if (w == ERA_TB_BAD) {
		*slot = SNAPSHOT_SLOT_BAD;
		return ERA_TB_OK;
	}
	if (!rest)
		return ERA_TB_ERR_NULL_COUNT;
	if (rest & ERA_TB_SHADOW) {
		if (rest != ERA_TB_SHADOW)
			return ERA_TB_ERR_PAYLOAD;
		if (!count)
			return ERA_TB_ERR_SHADOW_ZERO;
		*slot = 0;
		return ERA_TB_OVERFLOW;	/* the fast path took 1..14 */
	}
	if ((rest & 3) == ERA_TB_PFN) {
		if (rest != ERA_TB_PFN)
			return ERA_TB_ERR_PAYLOAD;
		*slot = SNAPSHOT_SLOT_CACHED;
		return ERA_TB_OVERFLOW;	/* the fast path took 0..14 */
	}
	if ((rest & 7) == ERA_TB_POINTER)
		return ERA_TB_ERR_POINTER;
	return ERA_TB_ERR_KIND;
}

void era_table_decoder(uint16_t dec[64])
{
	unsigned int count, kind;
	uint16_t slot;
	uint64_t w;

	for (count = 0; count < 16; count++) {
		for (kind = 0; kind < 4; kind++) {
			w = (uint64_t)count << ERA_TB_COUNT_SHIFT | kind;
			if (era_table_decode(w, &slot) == ERA_TB_OK && w != ERA_TB_BAD)
				dec[era_table_index(w)] = slot;
			else
				dec[era_table_index(w)] = ERA_DEC_SPECIAL;
		}
	}
}

static const struct {
	const char *rule;
	const char *why;
} era_table_errors[] = {
	[ERA_TB_ERR_KIND] = { "table-kind",
		"neither free (0), shadow (low bit 1), PFN (low bits 10) nor bad (~0 << 3)" },
	[ERA_TB_ERR_POINTER] = { "table-kind",
		"low bits 100 are the pointer kind, reserved and never stored" },
	[ERA_TB_ERR_PAYLOAD] = { "table-payload",
		"shadow or PFN payload bits are set; exporters must zero them" },
	[ERA_TB_ERR_NULL_COUNT] = { "table-null-count",
		"a count on a null (free) entry" },
	[ERA_TB_ERR_SHADOW_ZERO] = { "table-shadow-count",
		"a shadow with count 0 (it does not outlive the cluster lock)" },
};

const char *era_table_rule(int err)
{
	if (err < ERA_TB_ERR_KIND || err > ERA_TB_ERR_SHADOW_ZERO)
		return "table-kind";
	return era_table_errors[err].rule;
}

const char *era_table_why(int err)
{
	if (err < ERA_TB_ERR_KIND || err > ERA_TB_ERR_SHADOW_ZERO)
		return "not a swap table entry";
	return era_table_errors[err].why;
}

int era_table_encode(uint16_t w, uint32_t count, uint64_t *word)
{
	uint64_t kind = w & SNAPSHOT_SLOT_CACHED ? ERA_TB_PFN : ERA_TB_SHADOW;

	if (w & SNAPSHOT_SLOT_BAD) {
		if (count)
			return ERA_ENC_BAD_COUNT;
		if (w & SNAPSHOT_SLOT_CACHED)
			return ERA_ENC_BAD_CACHED;
		*word = ERA_TB_BAD;
		return ERA_ENC_OK;
	}
	if (!count && !(w & SNAPSHOT_SLOT_CACHED)) {
		*word = 0;
		return ERA_ENC_OK;
	}
	if (count < ERA_TB_COUNT_MAX) {
		*word = (uint64_t)count << ERA_TB_COUNT_SHIFT | kind;
		return ERA_ENC_OK;
	}
	*word = (uint64_t)ERA_TB_COUNT_MAX << ERA_TB_COUNT_SHIFT | kind;
	return ERA_ENC_CONTINUED;
}
