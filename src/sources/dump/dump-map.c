// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-map.c - a dump's slot map: the era's file found and sized against
 * max, and swap_map (eras A..E, a byte a slot) decoded here, in blocks:
 * free blocks skipped, plain ones widened with vector code, the rest
 * through a per-era table. Era F's and G's swap_table is dump-table.c's.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump-file.h"

static int dump_map_special(struct dump_reader *r, uint32_t slot, uint8_t b,
			    uint16_t v)
{
	uint16_t *w = &r->s->slots[slot];

	if (v & ERA_DEC_CONTINUED) {
		*w = v & SNAPSHOT_SLOT_CACHED;
		return dump_continued_pend(r, slot, v & SNAPSHOT_SLOT_COUNT);
	}
	if (v & ERA_DEC_SHMEM) {
		*w = (uint16_t)(1 | (v & SNAPSHOT_SLOT_CACHED));
		return snapshot_add_shmem(r->s, slot) ? dump_file_nomem(r) : 0;
	}
	if (v & ERA_DEC_NO_CACHE)
		return diag_byte(r->d, r->path, slot, "map-cache-era",
				 "0x%02x at slot %u has SWAP_HAS_CACHE (0x40), which era %c (%s) does not have",
				 b, slot, r->era->era, r->era->kernels);
	return diag_byte(r->d, r->path, slot, "map-shmem-era",
			 "0x%02x at slot %u is SWAP_MAP_SHMEM, which era %c (%s) does not have",
			 b, slot, r->era->era, r->era->kernels);
}

static int dump_map_block_special(struct dump_reader *r, const uint8_t *b,
				  uint32_t slot, size_t n)
{
	size_t i;
	int rc;

	if (r->deferring)	/* the careful path is the first thread's */
		return -EAGAIN;
	for (i = 0; i < n; i++) {
		uint16_t v = r->dec[b[i]];

		if (v & ERA_DEC_SPECIAL) {
			rc = dump_map_special(r, slot + (uint32_t)i, b[i], v);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/*
 * The largest byte of a whole block, and a block widened byte to word:
 * fixed length and restrict, so both compile to vector code at -O2.
 */
static uint8_t dump_map_block_max(const uint8_t *restrict b)
{
	uint8_t top = 0;
	size_t i;

	for (i = 0; i < DUMP_MAP_BLOCK; i++)
		top = b[i] > top ? b[i] : top;
	return top;
}

static void dump_map_block_widen(uint16_t *restrict w, const uint8_t *restrict b)
{
	size_t i;

	for (i = 0; i < DUMP_MAP_BLOCK; i++)
		w[i] = b[i];
}

/*
 * The hot loop, in blocks. A free block is skipped (its slot pages need
 * not even be touched); a block of plain counts (0x00..0x3e, what most of
 * a real map holds) is widened byte to word as it is; any other block
 * takes one table load and a store per byte, without a branch, and its
 * rare special bytes are redone afterwards.
 */
static int dump_map_decode(struct dump_reader *r, const uint8_t *b,
			   uint32_t slot, size_t n)
{
	uint16_t *w = r->s->slots + slot;
	const uint16_t *dec = r->dec;
	size_t i, k, len;
	uint16_t seen;
	uint8_t top;
	int rc;

	for (i = 0; i < n; i += len) {
		len = n - i < DUMP_MAP_BLOCK ? n - i : DUMP_MAP_BLOCK;
		top = len == DUMP_MAP_BLOCK ? dump_map_block_max(b + i) : 0xff;
		if (!top)
			continue;
		if (top <= ERA_MAP_MAX) {
			dump_map_block_widen(w + i, b + i);
			continue;
		}
		seen = 0;
		for (k = 0; k < len; k++) {
			uint16_t v = dec[b[i + k]];

			w[i + k] = v;
			seen |= v;
		}
		if (__builtin_expect(!(seen & ERA_DEC_SPECIAL), 1))
			continue;
		rc = dump_map_block_special(r, b + i, slot + (uint32_t)i, len);
		if (rc)
			return rc;
	}
	return 0;
}

/* Eras A..C and D up to 6.14 memset a cluster pending discard to 0x3f: its slots are free. */
static int dump_map_discard(struct dump_reader *r, const uint8_t *b,
			    uint32_t slot, size_t n)
{
	size_t i;

	if (r->deferring)	/* the careful path is the first thread's */
		return -EAGAIN;
	for (i = 0; i < n; i++)
		if (b[i] != ERA_MAP_BAD)
			return diag_byte(r->d, r->path, slot + i, "discard-memset",
					 "0x%02x at slot %u in discard cluster %u; kernels before 6.15 fill a cluster pending discard with 0x3f",
					 b[i], slot + (uint32_t)i,
					 (slot + (uint32_t)i) >> r->s->dev.cluster_shift);
	return 0;
}

int dump_map_chunk(struct dump_reader *r, const uint8_t *b, uint64_t off,
		   size_t n)
{
	const struct snapshot *s = r->s;
	uint32_t slot = (uint32_t)off, ci, end;
	size_t k;
	int rc;

	if (!r->nr_discard || !r->discard_memset)
		return dump_map_decode(r, b, slot, n);
	while (n) {
		ci = slot >> s->dev.cluster_shift;
		end = snapshot_cluster_end(s, ci);
		k = end - slot < n ? end - slot : n;
		if (s->clusters[ci].flags == SNAPSHOT_CLUSTER_DISCARD)
			rc = dump_map_discard(r, b, slot, k);
		else
			rc = dump_map_decode(r, b, slot, k);
		if (rc)
			return rc;
		b += k;
		slot += (uint32_t)k;
		n -= k;
	}
	return 0;
}

/*
 * Find the map file of the era and check its size against max before any
 * slot is allocated: a dump claiming 2^32 slots with a 1 KiB map stops here.
 */
int dump_map_open(struct dump_reader *r, int *fd, uint64_t *size)
{
	const char *name = r->era->swap_table ? "swap_table" : "swap_map";
	const char *other = r->era->swap_table ? "swap_map" : "swap_table";
	uint64_t per_slot = r->era->swap_table ? 8 : 1;
	uint64_t want = per_slot * r->s->dev.max;
	struct stat st;
	int rc;

	dump_file_path(r, other);
	if (!fstatat(r->dirfd, other, &st, 0))
		return diag_line(r->d, r->path, 0, "map-era",
				 "era %c (%s) keeps its slots in %s, not %s",
				 r->era->era, r->era->kernels, name, other);
	rc = dump_file_open(r, name, fd, &st);
	if (rc == 1)
		return diag_line(r->d, r->path, 0, "map-missing",
				 "is missing; era %c keeps its slots there",
				 r->era->era);
	if (rc)
		return rc;
	if ((uint64_t)st.st_size != want) {
		close(*fd);
		return diag_line(r->d, r->path, 0,
				 r->era->swap_table ? "table-size" : "map-size",
				 "is %llu bytes; max %u needs %llu (%llu per slot)",
				 (unsigned long long)st.st_size, r->s->dev.max,
				 (unsigned long long)want,
				 (unsigned long long)per_slot);
	}
	*size = want;
	return 0;
}

int dump_map_read(struct dump_reader *r, int fd, uint64_t size)
{
	const char *name = r->era->swap_table ? "swap_table" : "swap_map";

	dump_file_path(r, name);
	if (r->era->swap_table) {
		era_table_decoder(r->tb_dec);
		return dump_file_binary(r, fd, size, "table-size", dump_table_chunk, true);
	}
	era_map_decoder(r->era, r->dec);
	return dump_file_binary(r, fd, size, "map-size", dump_map_chunk, true);
}
