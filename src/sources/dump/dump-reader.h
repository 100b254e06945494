/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-reader.h - a dump being loaded (private to src/sources/dump/): the
 * reader's state, and the reader of each of the dump's files, which
 * dump-read.c calls in the order their meaning depends on each other
 * (swapfs-dump(5)).
 *
 * Below them: dump-file.c opens a file and feeds a binary one to a
 * decoder in chunks (dump-file.h); dump-text.c splits a text one into
 * lines and fields (dump-text.h).
 */
#ifndef SWAPFS_DUMP_READER_H
#define SWAPFS_DUMP_READER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/dump.h"
#include "swapfs/era.h"

/* Read size: large enough to amortise the syscall, small enough for L2. */
#define DUMP_CHUNK		(1u << 18)
/* Readable bytes past the NUL that ends the data (16-byte loads). */
#define DUMP_SLACK		64u
#define DUMP_LINE_MAX		4096u
/* The map and the swap table are decoded this many slots at a time. */
#define DUMP_MAP_BLOCK		64u

/* A slot the map marked as continued, waiting for its 'continued' line. */
struct dump_pending {
	uint32_t slot;
	uint32_t count;
	unsigned long line;	/* of its 'continued' line, 0 until seen */
	uint8_t digit;		/* swap_map: the first digit (byte & 0x3f) */
};

/* Where each folio came from, to name lines when two overlap. */
struct dump_folio_line {
	uint32_t offset;
	uint32_t order;
	unsigned long line;
};

struct dump_reader {
	const char *dir;	/* as the caller gave it */
	int dirfd;
	struct snapshot *s;
	struct diag *d;
	const struct era_props *era;
	bool discard_memset;		/* era_discard_memset() */
	char path[PATH_MAX + 32];	/* "<dir>/<file>" being read */
	char *buf;			/* DUMP_CHUNK + DUMP_SLACK, shared by every file */
	/*
	 * A helper thread decoding the second half of the map: it does the
	 * plain blocks only and stops (-EAGAIN) where a block needs the
	 * careful path, which has effects in slot order (pending
	 * continuations, big counts) and names errors.
	 */
	bool deferring;

	unsigned long *info_lines;	/* line of each s->info entry */
	uint16_t dec[256];		/* swap_map byte -> slot word */
	uint16_t tb_dec[64];		/* swap table count and kind -> slot word */
	size_t nr_discard;		/* discard clusters (eras A..D memset) */
	uint32_t nr_cluster_lines;
	uint16_t bitmap_bit;		/* SNAPSHOT_SLOT_ZERO or _ZSWAP */

	struct dump_pending *pending;
	size_t nr_pending, alloc_pending;
	struct dump_folio_line *folio_lines;
	size_t nr_folio_lines, alloc_folio_lines;
	uint8_t *next_seen;		/* bit per (cpu, order) */
};

/*
 * The readers of the dump's files, each 0 or -errno with r->d filled.
 * Each optional file that is there sets its bit in r->s->files.
 */

/* dump_info_read - info: the keys, then the device they make (dump-info.c). */
int dump_info_read(struct dump_reader *r);
/* dump_clusters_read - clusters: one line per cluster, in order (dump-clusters.c). */
int dump_clusters_read(struct dump_reader *r);
/*
 * dump_map_open - the era's map file (swap_map or swap_table), its size
 * checked against max before any slot is allocated (dump-map.c).
 */
int dump_map_open(struct dump_reader *r, int *fd, uint64_t *size);
/* dump_map_read - the map file opened by dump_map_open() into the slot words. */
int dump_map_read(struct dump_reader *r, int fd, uint64_t size);
/* dump_table_chunk - @n bytes of swap_table from byte @off into the slot words (dump-table.c). */
int dump_table_chunk(struct dump_reader *r, const uint8_t *b, uint64_t off,
		     size_t n);
/*
 * dump_continued_pend - @slot's count goes on in the continued file: wait
 * for its line (@digit: the swap_map byte's first digit) (dump-continued.c).
 */
int dump_continued_pend(struct dump_reader *r, uint32_t slot, unsigned int digit);
/* dump_continued_read - continued, then every pending slot's count set. */
int dump_continued_read(struct dump_reader *r);
/* dump_cache_read - cache: the folios in the swap cache (dump-cache.c). */
int dump_cache_read(struct dump_reader *r);
/*
 * dump_bitmap_read - zeromap or zswap (@name): a bit per slot, @mark set in
 * the slot words of those in it (dump-bitmap.c).
 */
int dump_bitmap_read(struct dump_reader *r, const char *name, uint16_t mark,
		     unsigned int file);
/* dump_orders_read - orders: the runs of the folios swapped out (dump-orders.c). */
int dump_orders_read(struct dump_reader *r);
/* dump_next_read - next: the allocator's hints (dump-next.c). */
int dump_next_read(struct dump_reader *r);

#endif
