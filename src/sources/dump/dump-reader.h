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

#include <errno.h>
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

/*
 * What an apply function of a streamed text file returns for a line of a
 * later chunk (dump-stream.c): the line is left unread for the next call.
 */
#define DUMP_PAUSE		1

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
	/*
	 * A dump read as a stream (dump-stream.c): only slots lo..hi - 1 are
	 * there to write; a line of a text file for a later slot waits
	 * (DUMP_PAUSE), and one for an earlier slot, or reaching past hi,
	 * cannot be streamed (-EAGAIN: the dump is read whole instead).
	 */
	bool streaming;
	uint32_t lo, hi;

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
 * dump_reader_bound - whether the @n slots from @slot may be written now:
 * 0 (always, unless streaming), DUMP_PAUSE when they are a later chunk's,
 * -EAGAIN when they are not in one chunk of the stream's order.
 */
static inline int dump_reader_bound(const struct dump_reader *r, uint32_t slot,
				    uint64_t n)
{
	if (!r->streaming)
		return 0;
	if (slot >= r->hi)
		return DUMP_PAUSE;
	return slot < r->lo || slot + n > r->hi ? -EAGAIN : 0;
}

/*
 * The readers of the dump's files, each 0 or -errno with r->d filled.
 * Each optional file that is there sets its bit in r->s->files.
 */

/*
 * dump_reader_init - @r for the dump @dir: a new snapshot, the buffer,
 * the directory opened (dump-read.c). 0 or -errno with @d filled; either
 * way dump_reader_release() frees what was made, but the snapshot.
 */
int dump_reader_init(struct dump_reader *r, const char *dir, struct diag *d);
/* dump_reader_release - all of @r but r->s. */
void dump_reader_release(struct dump_reader *r);
/*
 * dump_read_head - info, the map's file opened and sized (*@fd, *@size),
 * the slot array allocated, clusters: what comes before the first slot.
 */
int dump_read_head(struct dump_reader *r, int *fd, uint64_t *size);

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
/* dump_map_chunk - @n bytes of swap_map from byte @off into the slot words (dump-map.c). */
int dump_map_chunk(struct dump_reader *r, const uint8_t *b, uint64_t off,
		   size_t n);
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
/*
 * dump_continued_counts - the counts of the pending slots from *@at on
 * below @end set in the slot words (each must have had its line); *@at
 * moves past them.
 */
int dump_continued_counts(struct dump_reader *r, size_t *at, uint64_t end);
/* dump_cache_overlap - no two folios of the cache file on one slot. */
int dump_cache_overlap(struct dump_reader *r);
/* dump_bitmap_chunk - @n bytes of a bitmap from byte @off, checked and marked (r->bitmap_bit). */
int dump_bitmap_chunk(struct dump_reader *r, const uint8_t *b, uint64_t off,
		      size_t n);
/* dump_bitmap_open - zeromap or zswap opened and sized; 1 when it is not there. */
int dump_bitmap_open(struct dump_reader *r, const char *name, uint16_t mark,
		     int *fd);

/* How the text files are read, for dump-stream.c (dump-text.h). */
struct dump_text_ops;
extern const struct dump_text_ops dump_continued_ops, dump_cache_ops,
	dump_orders_ops;
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
