/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stream.h - a snapshot whose slot words arrive a slice at a time.
 *
 * A source (the producer, in a thread of its own) decodes the slot words
 * a chunk of slots at a time into a window of the slot array, while a
 * consumer (the analysis, the snapshot file's writer) walks the clusters
 * behind it. The pages of the chunks the consumer is done with are moved
 * ahead (mremap) and filled again, so only the window is ever in memory:
 * a few MiB where the whole array is 2 bytes a slot (512 MiB at 1 TiB).
 *
 * Why: the first touch of a page costs a fault, and under a hypervisor
 * that maps guest pages lazily it costs more than reading the page's
 * worth of dump (on the machine tools/bench/snapshot is judged on,
 * touching 512 MiB took 5 to 8 times as long as cat of the whole 2.5 GiB
 * dump). A page moved by mremap keeps its mapping: it is touched once.
 *
 * The contract:
 *  - Clusters become final in order. The producer calls stream_reserve()
 *    before it writes slot words below a slot, and stream_publish() once
 *    every word of the clusters below one will not change again. It
 *    publishes often: it never reserves a chunk more than window - 2
 *    chunks past the chunk of the clusters it has published, or it
 *    would wait for room the consumer cannot give.
 *  - The consumer calls stream_at() before it reads cluster ci; from then
 *    on it may read the words of clusters ci and ci + 1 (a run or folio
 *    may reach into the next cluster, never further), and it never reads
 *    a cluster below ci again: those pages go back to the producer.
 *  - Outside the window the slot array is mapped PROT_NONE, so a read
 *    out of turn faults instead of seeing zeros.
 *  - Once the stream has ended, the slot array is no longer whole: only
 *    what was kept beside it (clusters, folios, counts) may be read.
 *
 * Sources start streams only for callers that asked for one (the
 * analysis in `swapfs check`, the writer in `swapfs import`).
 */
#ifndef SWAPFS_STREAM_H
#define SWAPFS_STREAM_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_MODEL)
#error "swapfs/stream.h belongs to the model: a lower layer may not use it (src/README.md)"
#endif

#include <stdint.h>

#include "swapfs/snapshot.h"

struct stream;

/*
 * The producer: fills the slot words of @st's snapshot, reserving and
 * publishing as above, until every cluster is published; returns 0, or
 * -errno to end the stream there (-ECANCELED when stream_reserve() said
 * so). It owns @arg and frees it before it returns.
 */
typedef int (*stream_fn)(struct stream *st, void *arg);

/*
 * stream_start - make @s (geometry set, slot array untouched and zero) a
 * stream: @fn(@st, @arg) runs in a new thread, @chunk slots at a time (a
 * multiple of 2048 and of the cluster size) through a window of @window
 * chunks (at least 3; a smaller array is simply filled). Returns 0, or
 * -errno with nothing started (@arg is then still the caller's).
 */
int stream_start(struct snapshot *s, uint32_t chunk, unsigned int window,
		 stream_fn fn, void *arg);

/*
 * stream_reserve - the producer is about to write slot words below @end:
 * waits until the window has room for them and gives their chunks pages
 * (zeroed). Returns 0, or -ECANCELED when the consumer has gone.
 */
int stream_reserve(struct stream *st, uint32_t end);

/* stream_publish - every word of the clusters below @clusters is final. */
void stream_publish(struct stream *st, uint32_t clusters);

/* stream_snapshot - the snapshot @st fills. */
struct snapshot *stream_snapshot(struct stream *st);

/* What a consumer keeps between calls: how far it may read. */
struct stream_cursor {
	struct stream *st;	/* NULL: the whole array is there */
	uint32_t ready;		/* clusters below are final */
	uint32_t mark;		/* the next cluster at which to give pages back */
};

/* stream_cursor_init - a cursor for walking @s's clusters in order. */
void stream_cursor_init(struct stream_cursor *c, const struct snapshot *s);

/*
 * stream_advance - stream_at()'s slow path: give back what lies below
 * @ci, wait until clusters ci and ci + 1 are final. Returns 0 or the
 * producer's -errno.
 */
int stream_advance(struct stream_cursor *c, uint32_t ci);

/*
 * stream_at - the consumer is at cluster @ci (clusters in order): returns
 * once ci and ci + 1 may be read, 0; or the producer's -errno (the
 * stream failed: the caller gives up and reads the source whole).
 */
static inline int stream_at(struct stream_cursor *c, uint32_t ci)
{
	if (!c->st || (ci + 1 < c->ready && ci < c->mark))
		return 0;
	return stream_advance(c, ci);
}

/*
 * stream_end - wait for @s's producer to end; its return value (0 when
 * every cluster was published). @s keeps the ended stream (the slot
 * array is not whole) until snapshot_free(). 0 for a snapshot that is
 * no stream.
 */
int stream_end(struct snapshot *s);

/*
 * stream_free - stop the producer (its next stream_reserve() fails),
 * wait for it and free the stream; snapshot_free() calls it.
 */
void stream_free(struct stream *st);

#endif /* SWAPFS_STREAM_H */
