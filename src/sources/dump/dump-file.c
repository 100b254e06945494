// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-file.c - the files of a dump being loaded (dump-file.h): opened as
 * regular files only, and a binary one read with large read()s into one
 * buffer (no mmap: a file truncated under us must be an error, not a
 * SIGBUS), by two threads when it is big.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump-file.h"

void dump_file_path(struct dump_reader *r, const char *name)
{
	size_t len = strlen(r->dir);
	const char *sep = len && r->dir[len - 1] == '/' ? "" : "/";

	snprintf(r->path, sizeof(r->path), "%s%s%s", r->dir, sep, name);
}

int dump_file_nomem(struct dump_reader *r)
{
	return diag_errno(r->d, r->path, -ENOMEM);
}

int dump_file_open(struct dump_reader *r, const char *name, int *fd,
		   struct stat *st)
{
	dump_file_path(r, name);
	if (fstatat(r->dirfd, name, st, 0)) {
		if (errno == ENOENT)
			return 1;
		return diag_errno(r->d, r->path, -errno);
	}
	if (!S_ISREG(st->st_mode))
		return diag_line(r->d, r->path, 0, "file-type",
				 "is not a regular file");
	/* O_NONBLOCK: never hang on a FIFO swapped in after the check. */
	*fd = openat(r->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (*fd < 0)
		return diag_errno(r->d, r->path, -errno);
	if (fstat(*fd, st)) {
		int rc = -errno;

		close(*fd);
		return diag_errno(r->d, r->path, rc);
	}
	if (!S_ISREG(st->st_mode)) {
		close(*fd);
		return diag_line(r->d, r->path, 0, "file-type",
				 "is not a regular file");
	}
	return 0;
}

int dump_file_open_required(struct dump_reader *r, const char *name, int *fd,
			    struct stat *st)
{
	int rc = dump_file_open(r, name, fd, st);

	if (rc == 1)
		return diag_line(r->d, r->path, 0, "file-missing",
				 "is missing; every dump has info and clusters");
	return rc;
}

/* Fill @buf from @fd until @len bytes or end of file; *@got says how many. */
static int dump_file_read_full(struct dump_reader *r, int fd, char *buf, size_t len,
			       size_t *got)
{
	ssize_t n;

	*got = 0;
	while (*got < len) {
		n = read(fd, buf + *got, len - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return diag_errno(r->d, r->path, -errno);
		if (!n)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* Feed the bytes of @fd from @off (its file offset) up to @end to @fn in chunks. */
static int dump_file_chunks(struct dump_reader *r, int fd, uint64_t off,
			    uint64_t end, uint64_t size, const char *rule,
			    dump_chunk_fn fn)
{
	size_t got, want;
	int rc;

	while (off < end) {
		want = end - off < DUMP_CHUNK ? (size_t)(end - off) : DUMP_CHUNK;
		rc = dump_file_read_full(r, fd, r->buf, want, &got);
		if (rc)
			return rc;
		if (got < want)
			return diag_byte(r->d, r->path, off + got, rule,
					 "file ended while being read (it was %llu bytes)",
					 (unsigned long long)size);
		rc = fn(r, (const uint8_t *)r->buf, off, got);
		if (rc)
			return rc;
		off += got;
	}
	return 0;
}

/* After @size bytes the file must end: one that grows breaks @rule. */
static int dump_file_end(struct dump_reader *r, int fd, uint64_t size,
			 const char *rule)
{
	size_t got;
	char extra;
	int rc;

	rc = dump_file_read_full(r, fd, &extra, 1, &got);
	if (!rc && got)
		return diag_byte(r->d, r->path, size, rule,
				 "file grew while being read (it was %llu bytes)",
				 (unsigned long long)size);
	return rc;
}


/*
 * Maps of big devices are decoded by two threads: a helper takes the
 * second half with pread() and does what needs no careful path, while
 * this thread reads the first half; then this thread goes on from where
 * the helper stopped (at the end, or at the first block it deferred, or
 * at a short read). So every effect in slot order and every error is the
 * one the single-threaded reading has, and copying and decoding the
 * biggest file of a dump take two cores.
 */
#define DUMP_SPLIT_MIN		(64ull << 20)

struct dump_file_half {
	struct dump_reader r;
	struct diag d;
	int fd;
	uint64_t from, to;	/* the bytes to decode */
	uint64_t done;		/* decoded: from..done */
	dump_chunk_fn fn;
};

static void *dump_file_half_thread(void *arg)
{
	struct dump_file_half *h = arg;
	uint64_t off = h->from;
	size_t want;
	ssize_t n;

	while (off < h->to) {
		want = h->to - off < DUMP_CHUNK ? (size_t)(h->to - off) : DUMP_CHUNK;
		n = pread(h->fd, h->r.buf, want, (off_t)off);
		if (n != (ssize_t)want ||
		    h->fn(&h->r, (const uint8_t *)h->r.buf, off, want))
			break;
		off += want;
	}
	h->done = off;
	return NULL;
}

int dump_file_binary(struct dump_reader *r, int fd, uint64_t size,
		     const char *rule, dump_chunk_fn fn, bool split)
{
	uint64_t mid = size / 2 / DUMP_CHUNK * DUMP_CHUNK;
	struct dump_file_half *h = NULL;
	pthread_t tid;
	int rc;

	if (size < DUMP_SPLIT_MIN || !split)
		goto alone;
	h = calloc(1, sizeof(*h));
	if (h)
		h->r.buf = calloc(DUMP_CHUNK + DUMP_SLACK, 1);
	if (!h || !h->r.buf)
		goto alone;
	h->r = (struct dump_reader){ .dir = r->dir, .dirfd = -1, .s = r->s,
				     .d = &h->d, .era = r->era,
				     .discard_memset = r->discard_memset,
				     .buf = h->r.buf, .nr_discard = r->nr_discard,
				     .deferring = true };
	memcpy(h->r.dec, r->dec, sizeof(r->dec));
	memcpy(h->r.tb_dec, r->tb_dec, sizeof(r->tb_dec));
	h->fd = fd;
	h->from = mid;
	h->to = size;
	h->fn = fn;
	if (pthread_create(&tid, NULL, dump_file_half_thread, h))
		goto alone;
	/* the first half; a short read ends it as the whole reading would */
	rc = dump_file_chunks(r, fd, 0, mid, size, rule, fn);
	pthread_join(tid, NULL);
	if (!rc && lseek(fd, (off_t)h->done, SEEK_SET) < 0)
		rc = diag_errno(r->d, r->path, -errno);
	if (!rc)
		rc = dump_file_chunks(r, fd, h->done, size, size, rule, fn);
	free(h->r.buf);
	free(h);
	return rc ? rc : dump_file_end(r, fd, size, rule);
alone:
	if (h)
		free(h->r.buf);
	free(h);
	rc = dump_file_chunks(r, fd, 0, size, size, rule, fn);
	return rc ? rc : dump_file_end(r, fd, size, rule);
}
