// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-stream.c - dump_stream(): a dump read as a stream (stream.h), a
 * chunk of slots at a time across its files, for `swapfs import`, whose
 * writer stores the clusters behind it: the slot array is never whole in
 * memory (on the machine tools/bench/snapshot is judged on, the first
 * touch of a 1 TiB device's 512 MiB of slot words cost more than reading
 * the whole dump).
 *
 * Before the stream starts, this thread reads what sizes everything
 * (info, the map's size, clusters) and the hints (next), and opens every
 * other file. Then the producer, for slots lo..hi - 1 of each chunk in
 * turn, does what dump_load() does for all slots, in the same order: the
 * map's bytes of the chunk (swap_map or swap_table, by offset), the
 * continued lines of its slots and their counts, the cache lines (era
 * F's mark the slots cached), the zeromap and zswap bits of the chunk,
 * the orders lines; then the chunk's clusters are final. Each line and
 * each byte goes through the code dump_load() checks it with, seeing
 * the same slot words (a rule looks at the slots of one line, which lie
 * in one chunk here).
 *
 * A text file is read in slot order: a line for a later chunk waits
 * (DUMP_PAUSE); a line for an earlier chunk, or one whose slots reach
 * past the chunk, cannot be streamed. Neither can a dump with anything
 * wrong. Either way the stream fails, and says no more: the caller reads
 * the dump again with dump_load(), which accepts or refuses it with the
 * error it always names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "swapfs/stream.h"
#include "dump-text.h"

/* Slots a chunk (2 MiB of words), and chunks in the window. */
#define DUMP_STREAM_CHUNK	(1u << 20)
#define DUMP_STREAM_WINDOW	4

/* A text file read a chunk's lines at a time. */
struct dump_stream_text {
	struct dump_text t;
	const struct dump_text_ops *ops;
	bool open;		/* there, and not read to its end yet */
};

enum { DUMP_STREAM_CONTINUED, DUMP_STREAM_CACHE, DUMP_STREAM_ORDERS, DUMP_STREAM_NR_TEXT };

struct dump_streamer {
	struct dump_reader r;
	struct diag d;			/* the producer's own: nobody shows it */
	int map_fd;
	uint64_t map_size;
	unsigned int per_slot;		/* map bytes a slot */
	dump_chunk_fn map_fn;
	int bitmap_fd[2];		/* zeromap, zswap; -1 when not there */
	struct dump_stream_text text[DUMP_STREAM_NR_TEXT];
	size_t pending_at;		/* the first continued slot not yet counted */
};

static const uint16_t dump_stream_bitmap_mark[2] = {
	SNAPSHOT_SLOT_ZERO, SNAPSHOT_SLOT_ZSWAP,
};

static void dump_stream_free(struct dump_streamer *x)
{
	int i;

	if (x->map_fd >= 0)
		close(x->map_fd);
	for (i = 0; i < 2; i++)
		if (x->bitmap_fd[i] >= 0)
			close(x->bitmap_fd[i]);
	for (i = 0; i < DUMP_STREAM_NR_TEXT; i++) {
		if (x->text[i].t.buf)
			close(x->text[i].t.fd);
		free(x->text[i].t.buf);
	}
	dump_reader_release(&x->r);
	free(x);
}

/* Bytes @off..@end - 1 of @fd to @fn; a short read cannot be streamed. */
static int dump_stream_binary(struct dump_streamer *x, int fd, uint64_t off,
			      uint64_t end, dump_chunk_fn fn)
{
	size_t want;
	ssize_t n;
	int rc;

	while (off < end) {
		want = end - off < DUMP_CHUNK ? (size_t)(end - off) : DUMP_CHUNK;
		n = pread(fd, x->r.buf, want, (off_t)off);
		if (n != (ssize_t)want)
			return -EAGAIN;
		rc = fn(&x->r, (const uint8_t *)x->r.buf, off, want);
		if (rc)
			return rc;
		off += want;
	}
	return 0;
}

/* The lines of one text file for this chunk; to its end in the last one. */
static int dump_stream_text_run(struct dump_stream_text *tx)
{
	int rc;

	if (!tx->open)
		return 0;
	rc = dump_text_run(&tx->t, tx->ops);
	if (rc == DUMP_PAUSE)
		return 0;
	if (!rc)
		tx->open = false;
	return rc;
}

/* Slots r->lo..r->hi - 1 from every file, in dump_load()'s order. */
static int dump_stream_chunk(struct dump_streamer *x)
{
	struct dump_reader *r = &x->r;
	uint64_t max = r->s->dev.max, from, to;
	int i, rc;

	rc = dump_stream_binary(x, x->map_fd, (uint64_t)r->lo * x->per_slot,
				(uint64_t)r->hi * x->per_slot, x->map_fn);
	if (!rc)
		rc = dump_stream_text_run(&x->text[DUMP_STREAM_CONTINUED]);
	if (!rc)
		rc = dump_continued_counts(r, &x->pending_at, r->hi);
	if (!rc)
		rc = dump_stream_text_run(&x->text[DUMP_STREAM_CACHE]);
	for (i = 0; !rc && i < 2; i++) {
		if (x->bitmap_fd[i] < 0)
			continue;
		/* lo is a multiple of 8; the last chunk takes the last byte's tail */
		from = r->lo / 8;
		to = r->hi == max ? (max + 7) / 8 : r->hi / 8;
		r->bitmap_bit = dump_stream_bitmap_mark[i];
		rc = dump_stream_binary(x, x->bitmap_fd[i], from, to,
					dump_bitmap_chunk);
	}
	if (!rc)
		rc = dump_stream_text_run(&x->text[DUMP_STREAM_ORDERS]);
	return rc;
}

/* After the last chunk: every file read to its end, as dump_load() ends. */
static int dump_stream_finish(struct dump_streamer *x)
{
	struct dump_reader *r = &x->r;
	uint64_t size = ((uint64_t)r->s->dev.max + 7) / 8;
	uint32_t clash;
	char extra;
	int i;

	for (i = 0; i < DUMP_STREAM_NR_TEXT; i++)
		if (x->text[i].open)
			return -EAGAIN;
	/* a file that grew while it was read */
	if (pread(x->map_fd, &extra, 1, (off_t)x->map_size) != 0)
		return -EAGAIN;
	for (i = 0; i < 2; i++)
		if (x->bitmap_fd[i] >= 0 &&
		    pread(x->bitmap_fd[i], &extra, 1, (off_t)size) != 0)
			return -EAGAIN;
	if (x->text[DUMP_STREAM_CACHE].t.buf && dump_cache_overlap(r))
		return -EINVAL;
	return snapshot_finish(r->s, &clash);
}

static int dump_stream_produce(struct stream *st, void *arg)
{
	struct dump_streamer *x = arg;
	struct dump_reader *r = &x->r;
	const struct snapshot_device *dev = &r->s->dev;
	int rc = 0;

	for (r->lo = 0; !rc && r->lo < dev->max; r->lo = r->hi) {
		r->hi = dev->max - r->lo <= DUMP_STREAM_CHUNK ? dev->max :
			r->lo + DUMP_STREAM_CHUNK;
		rc = stream_reserve(st, r->hi);
		if (!rc)
			rc = dump_stream_chunk(x);
		if (!rc)
			stream_publish(st, r->hi == dev->max ? dev->nr_clusters :
				       r->hi >> dev->cluster_shift);
	}
	if (!rc)
		rc = dump_stream_finish(x);
	dump_stream_free(x);
	return rc;
}

/* A text file of the dump opened for reading by chunks; not there is fine. */
static int dump_stream_text_open(struct dump_streamer *x, int which,
				 const char *name, const struct dump_text_ops *ops,
				 unsigned int file)
{
	struct dump_stream_text *tx = &x->text[which];
	struct stat st;
	int fd, rc;

	rc = dump_file_open(&x->r, name, &fd, &st);
	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	/* zeroed, and longer: the fast parsers load past the end */
	tx->t = (struct dump_text){ .r = &x->r, .fd = fd,
				    .buf = calloc(DUMP_CHUNK + DUMP_SLACK, 1) };
	if (!tx->t.buf) {
		close(fd);
		return -ENOMEM;
	}
	tx->ops = ops;
	tx->open = true;
	x->r.s->files |= file;
	return 0;
}

/* Every file but info, clusters and the map opened; next read whole. */
static int dump_stream_open(struct dump_streamer *x)
{
	static const char *const bitmap[2] = { "zeromap", "zswap" };
	static const unsigned int bitmap_file[2] = {
		SNAPSHOT_HAS_ZEROMAP, SNAPSHOT_HAS_ZSWAP,
	};
	struct dump_reader *r = &x->r;
	int i, rc;

	if (r->era->swap_table) {
		era_table_decoder(r->tb_dec);
		x->map_fn = dump_table_chunk;
		x->per_slot = 8;
	} else {
		era_map_decoder(r->era, r->dec);
		x->map_fn = dump_map_chunk;
		x->per_slot = 1;
	}
	if ((rc = dump_stream_text_open(x, DUMP_STREAM_CONTINUED, "continued",
					&dump_continued_ops, SNAPSHOT_HAS_CONTINUED)) ||
	    (rc = dump_stream_text_open(x, DUMP_STREAM_CACHE, "cache",
					&dump_cache_ops, SNAPSHOT_HAS_CACHE)) ||
	    (rc = dump_stream_text_open(x, DUMP_STREAM_ORDERS, "orders",
					&dump_orders_ops, SNAPSHOT_HAS_ORDERS)))
		return rc;
	for (i = 0; i < 2; i++) {
		rc = dump_bitmap_open(r, bitmap[i], dump_stream_bitmap_mark[i],
				      &x->bitmap_fd[i]);
		if (rc == 1) {
			x->bitmap_fd[i] = -1;
			continue;
		}
		if (rc)
			return rc;
		r->s->files |= bitmap_file[i];
	}
	return dump_next_read(r);
}

int dump_stream(const char *dir, struct snapshot **out, struct diag *d)
{
	struct dump_streamer *x;
	struct snapshot *s;
	int rc;

	*out = NULL;
	diag_clear(d);
	x = calloc(1, sizeof(*x));
	if (!x)
		return diag_errno(d, dir, -ENOMEM);
	x->map_fd = x->bitmap_fd[0] = x->bitmap_fd[1] = -1;
	rc = dump_reader_init(&x->r, dir, d);
	if (!rc && (rc = dump_read_head(&x->r, &x->map_fd, &x->map_size)))
		x->map_fd = -1;		/* closed, or never opened */
	if (!rc)
		rc = dump_stream_open(x);
	s = x->r.s;
	if (!rc && (DUMP_STREAM_CHUNK % s->dev.cluster_size || !s->dev.max))
		rc = diag_errno(d, dir, -EAGAIN);
	if (!rc) {
		x->r.d = &x->d;
		x->r.streaming = true;
		rc = stream_start(s, DUMP_STREAM_CHUNK, DUMP_STREAM_WINDOW,
				  dump_stream_produce, x);
		if (rc)
			diag_errno(d, dir, rc);
	}
	if (rc) {
		dump_stream_free(x);
		snapshot_free(s);
		return rc;
	}
	*out = s;
	return 0;
}
