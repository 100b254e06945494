// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stream.c - a snapshot whose slot words arrive a slice at a time
 * (stream.h): the producer's thread, the window of the slot array, and
 * the hand-over between producer and consumer.
 *
 * The window: chunk k of the slot array gets pages when the producer
 * first reserves it: the first @window chunks their own, fresh; chunk k
 * after that the pages of chunk k - window, once the consumer is past
 * it, moved with mremap (the page tables move with them, so nothing is
 * faulted in again) and zeroed. The chunk they leave is mapped again
 * without pages and without access (MREMAP_DONTUNMAP, then PROT_NONE),
 * so the slot array stays one mapping that snapshot_free() unmaps whole.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "swapfs/stream.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif

struct stream {
	struct snapshot *s;
	stream_fn fn;
	void *arg;
	pthread_t tid;
	bool joined;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* either side waits on it */
	uint32_t final;			/* clusters below are final */
	uint32_t released;		/* the consumer reads no cluster below */
	uint32_t want;			/* the waiting consumer's wake-up, or 0 */
	bool ended, cancel;
	bool blocked;			/* the producer waits for room */
	int rc;				/* the producer's, once ended */
	/* the window; base is NULL when the array is filled in place */
	uint8_t *base;
	size_t len;			/* bytes of the mapping, page-rounded */
	size_t chunk_bytes;
	uint32_t chunk;			/* slots */
	unsigned int window;		/* chunks */
	size_t backed;			/* chunks given pages so far */
	bool dontunmap;			/* MREMAP_DONTUNMAP works here */
};

struct snapshot *stream_snapshot(struct stream *st)
{
	return st->s;
}

static void *stream_thread(void *p)
{
	struct stream *st = p;
	int rc = st->fn(st, st->arg);

	pthread_mutex_lock(&st->lock);
	/* a producer that returns 0 has published every cluster */
	if (!rc && st->final < st->s->dev.nr_clusters)
		rc = -EIO;
	st->rc = rc;
	st->ended = true;
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

int stream_start(struct snapshot *s, uint32_t chunk, unsigned int window,
		 stream_fn fn, void *arg)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct stream *st;

	if (s->stream || !s->slots || !chunk || window < 3 ||
	    (chunk & (s->dev.cluster_size - 1)) ||
	    ((size_t)chunk * sizeof(*s->slots)) % page)
		return -EINVAL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->s = s;
	st->fn = fn;
	st->arg = arg;
	st->chunk = chunk;
	st->chunk_bytes = (size_t)chunk * sizeof(*s->slots);
	st->window = window;
	st->dontunmap = true;
	/* a small or malloc'ed array is filled in place */
	st->len = (s->slots_mapped + page - 1) / page * page;
	if (s->slots_mapped && st->len > (size_t)window * st->chunk_bytes)
		st->base = (uint8_t *)s->slots;
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->cond, NULL);
	s->stream = st;
	if (pthread_create(&st->tid, NULL, stream_thread, st)) {
		s->stream = NULL;
		pthread_cond_destroy(&st->cond);
		pthread_mutex_destroy(&st->lock);
		free(st);
		return -EAGAIN;
	}
	return 0;
}

/* Chunk @from's pages become chunk @to's, zeroed; @from keeps no access. */
static int stream_move(struct stream *st, size_t from, size_t to)
{
	uint8_t *src = st->base + from * st->chunk_bytes;
	uint8_t *dst = st->base + to * st->chunk_bytes;
	size_t n = st->len - to * st->chunk_bytes;
	void *p = MAP_FAILED;

	if (n > st->chunk_bytes)
		n = st->chunk_bytes;
	if (st->dontunmap) {
		p = mremap(src, n, n, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
			   dst);
		/* before Linux 5.7, or not a private anonymous mapping */
		if (p == MAP_FAILED && errno == EINVAL)
			st->dontunmap = false;
	}
	if (p == MAP_FAILED) {
		p = mremap(src, n, n, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
		if (p == MAP_FAILED)
			return -errno;
		/* the hole is ours again at once: no other mapping lands in it */
		if (mmap(src, st->chunk_bytes, PROT_NONE,
			 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			 -1, 0) == MAP_FAILED)
			return -errno;
	} else if (mprotect(src, st->chunk_bytes, PROT_NONE)) {
		return -errno;
	}
	memset(dst, 0, n);
	return 0;
}

/* Whether the consumer is past every slot of chunk @k. */
static bool stream_chunk_released(const struct stream *st, size_t k)
{
	const struct snapshot *s = st->s;

	return st->released >= s->dev.nr_clusters ||
	       ((uint64_t)st->released << s->dev.cluster_shift) >=
	       (uint64_t)(k + 1) * st->chunk;
}

int stream_reserve(struct stream *st, uint32_t end)
{
	size_t need = ((size_t)end + st->chunk - 1) / st->chunk, k;
	int rc;

	if (!st->base)
		return __atomic_load_n(&st->cancel, __ATOMIC_RELAXED) ? -ECANCELED : 0;
	while (st->backed < need) {
		k = st->backed;
		if (k >= st->window) {
			pthread_mutex_lock(&st->lock);
			st->blocked = true;
			/* a consumer waiting for more than fits gets what there is */
			if (st->want)
				pthread_cond_broadcast(&st->cond);
			while (!st->cancel && !stream_chunk_released(st, k - st->window))
				pthread_cond_wait(&st->cond, &st->lock);
			st->blocked = false;
			rc = st->cancel ? -ECANCELED : 0;
			pthread_mutex_unlock(&st->lock);
			if (!rc)
				rc = stream_move(st, k - st->window, k);
			if (rc)
				return rc;
		}
		st->backed = k + 1;
	}
	return 0;
}

void stream_publish(struct stream *st, uint32_t clusters)
{
	pthread_mutex_lock(&st->lock);
	if (clusters > st->final) {
		st->final = clusters;
		/* a wake-up costs more than many clusters: only at the mark */
		if (st->want && clusters >= st->want)
			pthread_cond_broadcast(&st->cond);
	}
	pthread_mutex_unlock(&st->lock);
}

void stream_cursor_init(struct stream_cursor *c, const struct snapshot *s)
{
	c->st = s->stream;
	c->ready = s->stream ? 0 : s->dev.nr_clusters;
	c->mark = 0;
}

int stream_advance(struct stream_cursor *c, uint32_t ci)
{
	struct stream *st = c->st;
	const struct snapshot *s = st->s;
	uint32_t n = s->dev.nr_clusters, per = st->chunk >> s->dev.cluster_shift;
	uint32_t need = ci + 2 < n ? ci + 2 : n;
	uint32_t want = need + per / 2 < n ? need + per / 2 : n;
	int rc = 0;

	pthread_mutex_lock(&st->lock);
	if (ci > st->released) {
		st->released = ci;
		pthread_cond_broadcast(&st->cond);
	}
	/*
	 * Caught up: sleep until the producer is half a chunk ahead, not
	 * just the two clusters needed, so that each side runs long
	 * stretches (a wake-up across cores is dear under a hypervisor).
	 */
	if (st->final < need) {
		st->want = want;
		while (st->final < want && !st->ended &&
		       !(st->blocked && st->final >= need))
			pthread_cond_wait(&st->cond, &st->lock);
		st->want = 0;
	}
	if (st->ended && st->rc)
		rc = st->rc;
	else if (st->final < need)
		rc = -EIO;
	c->ready = st->final;
	pthread_mutex_unlock(&st->lock);
	/* give pages back at each chunk's end, not only when caught up */
	c->mark = (ci / per + 1) * per;
	return rc;
}

int stream_end(struct snapshot *s)
{
	struct stream *st = s->stream;

	if (!st)
		return 0;
	if (!st->joined) {
		pthread_join(st->tid, NULL);
		st->joined = true;
	}
	return st->rc;
}

void stream_free(struct stream *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	__atomic_store_n(&st->cancel, true, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	if (!st->joined)
		pthread_join(st->tid, NULL);
	pthread_cond_destroy(&st->cond);
	pthread_mutex_destroy(&st->lock);
	free(st);
}
