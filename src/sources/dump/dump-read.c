// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-read.c - dump_load(): a dump directory into the model (dump.h,
 * swapfs-dump(5)).
 *
 * The files are read in the order their meaning depends on each other:
 * info (it sizes everything), the map's size against max before a single
 * slot is allocated, clusters (a discard cluster changes what 0x3f means
 * in eras A..D), the map, continued (it must match what the map marked),
 * cache (era F's cached slots come from folios), the bitmaps (a bit needs
 * a slot in use), orders and next; snapshot_finish() last.
 *
 * A 1 TiB device is 2^28 slots and a dump of it a few GiB, so everything
 * is read with large read()s into one buffer (no mmap: a file truncated
 * under us must be an error, not a SIGBUS) and decoded in blocks: free
 * blocks skipped, plain ones widened with vector code, the rest through a
 * per-era table (the swap table eight words at a time with SSE2 where the
 * compiler has it). Text is split with memchr(); lines of the common shape
 * take a fast path that parses eight digits at a time (orders: one 16-byte
 * load finds the line, and the run is checked and set in the slot words in
 * place; clusters: parsed in place), and anything else, or any line that
 * breaks a rule, the careful path that names the error.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <emmintrin.h>
#define DUMP_SSE2	1
#endif

#include "swapfs/dump.h"
#include "swapfs/info.h"
#include "swapfs/era.h"

/* Read size: large enough to amortise the syscall, small enough for L2. */
#define DUMP_CHUNK		(1u << 18)
/* Readable bytes past the NUL that ends the data (16-byte loads). */
#define DUMP_SLACK		64u
#define DUMP_LINE_MAX		4096u
#define DUMP_MAP_BLOCK		64u
/* Bounds that keep hostile text linear: exporters write a dozen keys, and
 * the kernel has fewer than 64 page flags. */
#define DUMP_INFO_KEYS_MAX	1024u
#define DUMP_FOLIO_FLAGS_MAX	64u

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

/* A line being parsed: fields are taken from p on. */
struct dump_cursor {
	struct dump_reader *r;
	const char *p, *end;
	unsigned long line;
};

typedef int (*dump_chunk_fn)(struct dump_reader *r, const uint8_t *b,
			     uint64_t off, size_t n);
typedef int (*dump_line_fn)(struct dump_reader *r, struct dump_cursor *c);
typedef int (*dump_apply_fn)(struct dump_reader *r, struct dump_cursor *c,
			     const uint32_t *v);
struct dump_text;
typedef int (*dump_bulk_fn)(struct dump_text *t, struct dump_cursor *c);

/*
 * How a text file is read. Every record line can go to @line, which checks
 * everything; a line of exactly @nr_fast plain numbers separated by single
 * spaces, the shape exporters write tens of millions of times, is parsed
 * in place and goes straight to @apply, which @line calls too.
 */
struct dump_text_ops {
	dump_line_fn line;
	unsigned int nr_fast;
	dump_apply_fn apply;
	dump_bulk_fn bulk;	/* replaces the nr_fast/apply loop when set */
};

static void dump_set_path(struct dump_reader *r, const char *name)
{
	size_t len = strlen(r->dir);
	const char *sep = len && r->dir[len - 1] == '/' ? "" : "/";

	snprintf(r->path, sizeof(r->path), "%s%s%s", r->dir, sep, name);
}

static int dump_grow(void **arr, size_t *alloc, size_t nr, size_t size)
{
	size_t want;
	void *p;

	if (nr < *alloc)
		return 0;
	want = *alloc ? *alloc * 2 : 64;
	p = reallocarray(*arr, want, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*alloc = want;
	return 0;
}

static int dump_nomem(struct dump_reader *r)
{
	return diag_errno(r->d, r->path, -ENOMEM);
}

/*
 * Open @name in the dump as a regular file. Returns 0 with *@fd and *@st,
 * 1 when there is no such file, or an error.
 */
static int dump_open(struct dump_reader *r, const char *name, int *fd,
		     struct stat *st)
{
	dump_set_path(r, name);
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

static int dump_open_required(struct dump_reader *r, const char *name, int *fd,
			      struct stat *st)
{
	int rc = dump_open(r, name, fd, st);

	if (rc == 1)
		return diag_line(r->d, r->path, 0, "file-missing",
				 "is missing; every dump has info and clusters");
	return rc;
}

/* Fill @buf from @fd until @len bytes or end of file; *@got says how many. */
static int dump_read_full(struct dump_reader *r, int fd, char *buf, size_t len,
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
static int dump_read_chunks(struct dump_reader *r, int fd, uint64_t off,
			    uint64_t end, uint64_t size, const char *rule,
			    dump_chunk_fn fn)
{
	size_t got, want;
	int rc;

	while (off < end) {
		want = end - off < DUMP_CHUNK ? (size_t)(end - off) : DUMP_CHUNK;
		rc = dump_read_full(r, fd, r->buf, want, &got);
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
static int dump_read_end(struct dump_reader *r, int fd, uint64_t size,
			 const char *rule)
{
	size_t got;
	char extra;
	int rc;

	rc = dump_read_full(r, fd, &extra, 1, &got);
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

struct dump_half {
	struct dump_reader r;
	struct diag d;
	int fd;
	uint64_t from, to;	/* the bytes to decode */
	uint64_t done;		/* decoded: from..done */
	dump_chunk_fn fn;
};

static void *dump_half_thread(void *arg)
{
	struct dump_half *h = arg;
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

/*
 * Feed exactly @size bytes (the size already checked against the info) to
 * @fn in chunks; @split: by two threads when big (the maps). A file that
 * changes size while it is read breaks @rule.
 */
static int dump_read_binary(struct dump_reader *r, int fd, uint64_t size,
			    const char *rule, dump_chunk_fn fn, bool split)
{
	uint64_t mid = size / 2 / DUMP_CHUNK * DUMP_CHUNK;
	struct dump_half *h = NULL;
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
	if (pthread_create(&tid, NULL, dump_half_thread, h))
		goto alone;
	/* the first half; a short read ends it as the whole reading would */
	rc = dump_read_chunks(r, fd, 0, mid, size, rule, fn);
	pthread_join(tid, NULL);
	if (!rc && lseek(fd, (off_t)h->done, SEEK_SET) < 0)
		rc = diag_errno(r->d, r->path, -errno);
	if (!rc)
		rc = dump_read_chunks(r, fd, h->done, size, size, rule, fn);
	free(h->r.buf);
	free(h);
	return rc ? rc : dump_read_end(r, fd, size, rule);
alone:
	if (h)
		free(h->r.buf);
	free(h);
	rc = dump_read_chunks(r, fd, 0, size, size, rule, fn);
	return rc ? rc : dump_read_end(r, fd, size, rule);
}

/* ---- text ---------------------------------------------------------------- */

struct dump_text {
	struct dump_reader *r;
	int fd;
	char *buf;
	size_t len, pos;
	unsigned long line;
	bool eof;
};

static int dump_text_fill(struct dump_text *t)
{
	ssize_t n;

	if (t->pos) {
		memmove(t->buf, t->buf + t->pos, t->len - t->pos);
		t->len -= t->pos;
		t->pos = 0;
	}
	do
		n = read(t->fd, t->buf + t->len, DUMP_CHUNK - t->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return diag_errno(t->r->d, t->r->path, -errno);
	if (!n)
		t->eof = true;
	t->len += (size_t)n;
	t->buf[t->len] = '\0';	/* dump_fast_line()'s bound */
	return 0;
}

/* The next line without its newline: 1, 0 at the end, or an error. */
static int dump_text_next(struct dump_text *t, const char **line, size_t *n)
{
	struct dump_reader *r = t->r;
	const char *nl;
	size_t avail;
	int rc;

	for (;;) {
		avail = t->len - t->pos;
		nl = memchr(t->buf + t->pos, '\n', avail);
		if (nl)
			break;
		if (avail > DUMP_LINE_MAX)
			return diag_line(r->d, r->path, t->line + 1, "line-long",
					 "line is longer than %u bytes", DUMP_LINE_MAX);
		if (t->eof) {
			if (avail)
				return diag_line(r->d, r->path, t->line + 1,
						 "no-newline",
						 "last line does not end in a newline");
			return 0;
		}
		rc = dump_text_fill(t);
		if (rc)
			return rc;
	}
	*line = t->buf + t->pos;
	*n = (size_t)(nl - *line);
	t->pos += *n + 1;
	t->line++;
	if (*n > DUMP_LINE_MAX)
		return diag_line(r->d, r->path, t->line, "line-long",
				 "line is %zu bytes, longer than %u", *n, DUMP_LINE_MAX);
	return 1;
}

/* The first NUL or non-ASCII byte of @p, or NULL; 8 bytes at a time. */
static const char *dump_text_bad_byte(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0;
	uint64_t x;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		if (((x - ones) & ~x & highs) | (x & highs))
			break;
	}
	for (; i < n; i++)
		if (!p[i] || (unsigned char)p[i] >= 0x80)
			return p + i;
	return NULL;
}

static inline bool dump_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool dump_all_blank(const char *p, size_t n)
{
	while (n && dump_blank(*p)) {
		p++;
		n--;
	}
	return !n;
}

static inline bool dump_is_digit(char ch)
{
	return (unsigned int)(unsigned char)ch - '0' <= 9;
}

/*
 * The number at @p, 1 to 9 digits, eight digits at a time: a byte is a
 * digit when its high nibble is 3 and its low nibble below 10; the digits
 * found are shifted to the top (leading zeros below them) and folded in
 * pairs, fours and eights by multiplication. Returns the digits taken, 0
 * when there is none or more than 9. The buffer has 8 readable bytes past
 * the NUL that ends its data.
 */
static inline uint32_t dump_fold8(uint64_t x, unsigned int len)
{
	uint64_t y = (x & 0x0f0f0f0f0f0f0f0full) << (8 * (8 - len));

	y = (y * 2561) >> 8;
	y = ((y & 0x00ff00ff00ff00ffull) * 6553601) >> 16;
	return (uint32_t)(((y & 0x0000ffff0000ffffull) * 42949672960001ull) >> 32);
}

static inline unsigned int dump_fast_u32(const char *p, uint32_t *v)
{
	const uint64_t ones_lo = 0x0f0f0f0f0f0f0f0full;
	uint64_t x, odd;
	unsigned int len;

	memcpy(&x, p, 8);
	x = le64toh(x);
	odd = ((x & ~ones_lo) ^ 0x3030303030303030ull) |
	      (((x & ones_lo) + 0x0606060606060606ull) & ~ones_lo);
	len = odd ? (unsigned int)__builtin_ctzll(odd) / 8 : 8;
	if (!len)
		return 0;
	*v = dump_fold8(x, len);
	if (len < 8)
		return len;
	if (!dump_is_digit(p[8]))
		return 8;
	if (dump_is_digit(p[9]))
		return 0;	/* 10 digits may overflow: the careful path */
	*v = *v * 10 + (uint32_t)(p[8] - '0');
	return 9;
}

/*
 * "12 3\n": @nr numbers of at most 9 digits (no overflow to check), one
 * space apart. Returns the start of the next line, or NULL when the line
 * has any other shape or is cut by the end of the buffer (the NUL after
 * the data is not a digit, so the end needs no test of its own).
 */
static inline const char *dump_fast_line(const char *p, unsigned int nr,
					 uint32_t *v)
{
	unsigned int i, len;

	for (i = 0; i < nr; i++) {
		len = dump_fast_u32(p, &v[i]);
		if (!len || p[len] != (i + 1 < nr ? ' ' : '\n'))
			return NULL;
		p += len + 1;
	}
	return p;
}

/* Take every line of the common shape from the buffer. */
static inline __attribute__((always_inline))
int dump_text_fast(struct dump_text *t, struct dump_cursor *c,
		   const struct dump_text_ops *ops)
{
	const char *p = t->buf + t->pos, *next;
	uint32_t v[3];
	int rc;

	while ((next = dump_fast_line(p, ops->nr_fast, v))) {
		c->line = ++t->line;
		rc = ops->apply(t->r, c, v);
		if (rc)
			return rc;
		p = next;
	}
	t->pos = (size_t)(p - t->buf);
	return 0;
}

/*
 * Hand each record line of a text file to @ops. Inlined into each caller,
 * so the per-line calls through @ops become direct calls.
 */
static inline __attribute__((always_inline))
int dump_read_text(struct dump_reader *r, int fd, const struct dump_text_ops *ops)
{
	struct dump_text t = { .r = r, .fd = fd, .buf = r->buf };

	r->buf[0] = '\0';
	struct dump_cursor c = { .r = r };
	const char *line = NULL, *bad;
	size_t n = 0;
	int rc;

	for (;;) {
		if (ops->bulk) {
			if ((rc = ops->bulk(&t, &c)))
				return rc;
		} else if (ops->nr_fast && (rc = dump_text_fast(&t, &c, ops))) {
			return rc;
		}
		rc = dump_text_next(&t, &line, &n);
		if (rc <= 0)
			break;
		bad = dump_text_bad_byte(line, n);
		if (bad)
			return diag_line(r->d, r->path, t.line, "text-byte",
					 "byte 0x%02x at column %zu; text files are ASCII without NUL",
					 (unsigned char)*bad, (size_t)(bad - line) + 1);
		if (!n || line[0] == '#' || dump_all_blank(line, n))
			continue;
		c.p = line;
		c.end = line + n;
		c.line = t.line;
		rc = ops->line(r, &c);
		if (rc)
			return rc;
	}
	return rc;
}

/* Read the text file @name if present; *@present says whether it was. */
static int dump_read_text_file(struct dump_reader *r, const char *name,
			       const struct dump_text_ops *ops, bool *present)
{
	struct stat st;
	int fd, rc;

	rc = dump_open(r, name, &fd, &st);
	*present = !rc;
	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	rc = dump_read_text(r, fd, ops);
	close(fd);
	return rc;
}

static int __attribute__((format(printf, 3, 4)))
dump_fail(struct dump_cursor *c, const char *rule, const char *fmt, ...)
{
	char msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_line(c->r->d, c->r->path, c->line, rule, "%s", msg);
}

/* The next blank-separated field; false at the end of the line. */
static bool dump_field(struct dump_cursor *c, const char **f, size_t *n)
{
	const char *p = c->p;

	while (p < c->end && dump_blank(*p))
		p++;
	if (p == c->end) {
		c->p = p;
		return false;
	}
	*f = p;
	while (p < c->end && !dump_blank(*p))
		p++;
	*n = (size_t)(p - *f);
	c->p = p;
	return true;
}

/* Field text for a message: never more than fits a sentence. */
#define DUMP_SHOW(n)	((int)((n) > 40 ? 40 : (n)))

static int dump_digits(struct dump_cursor *c, const char *what, const char *f,
		       size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int digit = (unsigned int)(unsigned char)f[i] - '0';

		if (digit > 9)
			return dump_fail(c, "number-syntax",
					 "%s '%.*s' is not a plain decimal number",
					 what, DUMP_SHOW(n), f);
		v = v * 10 + digit;
		if (v > UINT32_MAX) {
			while (++i < n)
				if ((unsigned int)(unsigned char)f[i] - '0' > 9)
					return dump_fail(c, "number-syntax",
							 "%s '%.*s' is not a plain decimal number",
							 what, DUMP_SHOW(n), f);
			return dump_fail(c, "number-overflow",
					 "%s '%.*s' does not fit in 32 bits",
					 what, DUMP_SHOW(n), f);
		}
	}
	*out = (uint32_t)v;
	return 0;
}

static int dump_u32(struct dump_cursor *c, const char *what, uint32_t *out)
{
	const char *f;
	size_t n;

	if (!dump_field(c, &f, &n))
		return dump_fail(c, "field-count", "%s is missing", what);
	return dump_digits(c, what, f, n, out);
}

static int dump_word(struct dump_cursor *c, const char *what, const char **f,
		     size_t *n)
{
	if (!dump_field(c, f, n))
		return dump_fail(c, "field-count", "%s is missing", what);
	return 0;
}

static int dump_end(struct dump_cursor *c)
{
	const char *f;
	size_t n;

	if (dump_field(c, &f, &n))
		return dump_fail(c, "field-count", "extra field '%.*s'",
				 DUMP_SHOW(n), f);
	return 0;
}

static int dump_check_order(struct dump_cursor *c, uint32_t order)
{
	uint32_t nr = c->r->s->dev.nr_orders;

	if (order >= nr)
		return dump_fail(c, "order-range",
				 "order %u is not below nr_orders %u", order, nr);
	return 0;
}

static int dump_check_offset(struct dump_cursor *c, uint32_t offset)
{
	uint32_t max = c->r->s->dev.max;

	if (offset >= max)
		return dump_fail(c, "offset-range",
				 "offset %u is not below max %u", offset, max);
	return 0;
}

/* ---- info ---------------------------------------------------------------- */

static bool dump_info_key_ok(const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = k[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		      ch == '.'))
			return false;
	}
	return n > 0;
}

static int dump_info_line(struct dump_reader *r, struct dump_cursor *c)
{
	char key[DUMP_LINE_MAX + 1], value[DUMP_LINE_MAX + 1];
	const char *colon = memchr(c->p, ':', (size_t)(c->end - c->p));
	const char *v, *vend;
	unsigned long *lines;
	struct info_error e;
	size_t i, klen;

	if (!colon || colon + 1 == c->end || colon[1] != ' ')
		return dump_fail(c, "info-syntax", "not a 'key: value' line");
	klen = (size_t)(colon - c->p);
	if (!dump_info_key_ok(c->p, klen))
		return dump_fail(c, "info-syntax",
				 "key '%.*s' is not made of letters, digits, '_', '-', '.'",
				 DUMP_SHOW(klen), c->p);
	memcpy(key, c->p, klen);
	key[klen] = '\0';
	for (v = colon + 2; v < c->end && dump_blank(*v); v++)
		;
	for (vend = c->end; vend > v && dump_blank(vend[-1]); vend--)
		;
	memcpy(value, v, (size_t)(vend - v));
	value[vend - v] = '\0';

	for (i = 0; i < r->s->nr_info; i++)
		if (!strcmp(r->s->info[i].key, key))
			return dump_fail(c, "info-duplicate",
					 "key '%s' was given on line %lu already",
					 key, r->info_lines[i]);
	if (r->s->nr_info >= DUMP_INFO_KEYS_MAX)
		return dump_fail(c, "info-syntax", "more than %u keys",
				 DUMP_INFO_KEYS_MAX);
	if (info_check(key, value, &e))
		return dump_fail(c, e.rule, "%s", e.why);
	/* A dump has a few dozen keys: growing one by one is fine. */
	lines = reallocarray(r->info_lines, r->s->nr_info + 1, sizeof(*lines));
	if (!lines)
		return dump_nomem(r);
	r->info_lines = lines;
	if (snapshot_info_add(r->s, key, value))
		return dump_nomem(r);
	lines[r->s->nr_info - 1] = c->line;
	return 0;
}

static unsigned long dump_info_line_of(struct dump_reader *r, const char *key)
{
	size_t i;

	for (i = 0; key && i < r->s->nr_info; i++)
		if (!strcmp(r->s->info[i].key, key))
			return r->info_lines[i];
	return 0;
}

/* Provenance: the dump's own time is when its info was written. */
static int dump_provenance(struct dump_reader *r, const struct stat *info_st)
{
	struct snapshot_provenance *p = &r->s->prov;
	char created[32];
	char *real;
	struct tm tm;

	real = realpath(r->dir, NULL);
	if (!real)
		return diag_errno(r->d, r->dir, -errno);
	free(p->source_path);
	p->source_path = real;
	if (!gmtime_r(&info_st->st_mtime, &tm) ||
	    !strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm))
		created[0] = '\0';
	if (snapshot_set_string(&p->source_kind, "dump") ||
	    snapshot_set_string(&p->created, created))
		return dump_nomem(r);
	p->step = -1;
	return 0;
}

static int dump_read_info(struct dump_reader *r)
{
	struct info_error e;
	struct stat st;
	int fd, rc;

	rc = dump_open_required(r, "info", &fd, &st);
	if (rc)
		return rc;
	rc = dump_read_text(r, fd, &(struct dump_text_ops){ .line = dump_info_line });
	close(fd);
	if (rc)
		return rc;
	if (info_apply(r->s, &e))
		return diag_line(r->d, r->path, dump_info_line_of(r, e.key),
				 e.rule, "%s", e.why);
	r->era = era_get(r->s->dev.era);
	r->discard_memset = r->era && era_discard_memset(r->era, r->s->dev.kernel);
	if (!r->era)
		return diag_line(r->d, r->path, 0, "info-era",
				 "era '%c' is not one of A..G", r->s->dev.era);
	return dump_provenance(r, &st);
}

/* ---- clusters -------------------------------------------------------------- */

static int dump_cluster_lines_ok(struct dump_reader *r, struct dump_cursor *c)
{
	const struct snapshot_device *dev = &r->s->dev;

	if (r->nr_cluster_lines >= dev->nr_clusters)
		return dump_fail(c, "cluster-lines",
				 "more lines than the %u clusters of max %u / cluster_size %u",
				 dev->nr_clusters, dev->max, dev->cluster_size);
	return 0;
}

/* A cluster line's fields, parsed: check them and fill the cluster. */
static inline int dump_cluster_apply(struct dump_reader *r, struct dump_cursor *c,
				     uint32_t index, uint32_t count,
				     const char *name, size_t len, uint32_t order)
{
	const struct snapshot_device *dev = &r->s->dev;
	int flag, rc;

	if (index != r->nr_cluster_lines)
		return dump_fail(c, "cluster-index",
				 "index %u where cluster %u belongs (one line per cluster, in order)",
				 index, r->nr_cluster_lines);
	if (count > dev->cluster_size)
		return dump_fail(c, "cluster-count",
				 "count %u exceeds cluster_size %u", count,
				 dev->cluster_size);
	flag = snapshot_cluster_flag_parse(name, len);
	if (flag < 0)
		return dump_fail(c, "cluster-flags",
				 "flags '%.*s' is not one of none free nonfull frag full discard",
				 DUMP_SHOW(len), name);
	if (!era_cluster_flag_ok(r->era, (unsigned int)flag))
		return dump_fail(c, "cluster-flags-era",
				 "flags '%s': era %c (%s) has no nonfull/frag/full lists",
				 snapshot_cluster_flag_name((unsigned int)flag),
				 r->era->era, r->era->kernels);
	if ((rc = dump_check_order(c, order)))
		return rc;
	if (!era_cluster_order_ok(r->era, order, dev->cluster_shift))
		return dump_fail(c, "cluster-order-era",
				 "order %u: %s", order, r->era->era == 'A' ?
				 "era A clusters have only the HUGE flag, so order 0 or PMD" :
				 "era B clusters have no order (6.10 and 6.11), so 0");
	r->s->clusters[index].count = (uint16_t)count;
	r->s->clusters[index].flags = (uint8_t)flag;
	r->s->clusters[index].order = (uint8_t)order;
	if (flag == SNAPSHOT_CLUSTER_DISCARD)
		r->nr_discard++;
	r->nr_cluster_lines++;
	return 0;
}

static int dump_cluster_line(struct dump_reader *r, struct dump_cursor *c)
{
	uint32_t index, count, order;
	const char *name;
	size_t len;
	int rc;

	if ((rc = dump_cluster_lines_ok(r, c)))
		return rc;
	if ((rc = dump_u32(c, "index", &index)) ||
	    (rc = dump_u32(c, "count", &count)) ||
	    (rc = dump_word(c, "flags", &name, &len)) ||
	    (rc = dump_u32(c, "order", &order)) ||
	    (rc = dump_end(c)))
		return rc;
	return dump_cluster_apply(r, c, index, count, name, len, order);
}

/*
 * "INDEX COUNT FLAGS ORDER\n" with plain numbers of at most 9 digits and
 * a lower-case flags word, one space apart: parsed in place and checked
 * by dump_cluster_apply(); any other line goes to the careful path.
 */
static int dump_clusters_bulk(struct dump_text *t, struct dump_cursor *c)
{
	struct dump_reader *r = t->r;
	const char *p = t->buf + t->pos, *name, *q;
	uint32_t index, count, order;
	unsigned int len;
	int rc;

	for (;;) {
		if (!(len = dump_fast_u32(p, &index)) || p[len] != ' ')
			break;
		q = p + len + 1;
		if (!(len = dump_fast_u32(q, &count)) || q[len] != ' ')
			break;
		name = q + len + 1;
		for (q = name; *q >= 'a' && *q <= 'z'; q++)
			;
		if (q == name || *q != ' ')
			break;
		if (!(len = dump_fast_u32(q + 1, &order)) || q[1 + len] != '\n')
			break;
		c->line = ++t->line;
		if ((rc = dump_cluster_lines_ok(r, c)) ||
		    (rc = dump_cluster_apply(r, c, index, count, name,
					     (size_t)(q - name), order)))
			return rc;
		p = q + 1 + len + 1;
	}
	t->pos = (size_t)(p - t->buf);
	return 0;
}

static int dump_read_clusters(struct dump_reader *r)
{
	const struct snapshot_device *dev = &r->s->dev;
	struct stat st;
	int fd, rc;

	rc = dump_open_required(r, "clusters", &fd, &st);
	if (rc)
		return rc;
	rc = dump_read_text(r, fd,
			    &(struct dump_text_ops){ .line = dump_cluster_line,
						     .bulk = dump_clusters_bulk });
	close(fd);
	if (rc)
		return rc;
	if (r->nr_cluster_lines != dev->nr_clusters)
		return diag_line(r->d, r->path, 0, "cluster-lines",
				 "%u lines, but max %u / cluster_size %u makes %u clusters",
				 r->nr_cluster_lines, dev->max, dev->cluster_size,
				 dev->nr_clusters);
	return 0;
}

/* ---- swap_map and swap_table ------------------------------------------------ */

static int dump_pend(struct dump_reader *r, uint32_t slot, unsigned int digit)
{
	struct dump_pending *p;

	if (dump_grow((void **)&r->pending, &r->alloc_pending, r->nr_pending,
		      sizeof(*r->pending)))
		return dump_nomem(r);
	p = &r->pending[r->nr_pending++];
	p->slot = slot;
	p->count = 0;
	p->line = 0;
	p->digit = (uint8_t)digit;
	return 0;
}

static int dump_map_special(struct dump_reader *r, uint32_t slot, uint8_t b,
			    uint16_t v)
{
	uint16_t *w = &r->s->slots[slot];

	if (v & ERA_DEC_CONTINUED) {
		*w = v & SNAPSHOT_SLOT_CACHED;
		return dump_pend(r, slot, v & SNAPSHOT_SLOT_COUNT);
	}
	if (v & ERA_DEC_SHMEM) {
		*w = (uint16_t)(1 | (v & SNAPSHOT_SLOT_CACHED));
		return snapshot_add_shmem(r->s, slot) ? dump_nomem(r) : 0;
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
static uint8_t dump_block_max(const uint8_t *restrict b)
{
	uint8_t top = 0;
	size_t i;

	for (i = 0; i < DUMP_MAP_BLOCK; i++)
		top = b[i] > top ? b[i] : top;
	return top;
}

static void dump_block_widen(uint16_t *restrict w, const uint8_t *restrict b)
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
		top = len == DUMP_MAP_BLOCK ? dump_block_max(b + i) : 0xff;
		if (!top)
			continue;
		if (top <= ERA_MAP_MAX) {
			dump_block_widen(w + i, b + i);
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

static int dump_map_chunk(struct dump_reader *r, const uint8_t *b, uint64_t off,
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

static int dump_table_block_special(struct dump_reader *r, const uint8_t *b,
				    uint64_t off, size_t words)
{
	uint32_t slot = (uint32_t)(off / 8);
	uint16_t *w = r->s->slots + slot;
	size_t i;
	uint64_t x;
	int rc;

	if (r->deferring)	/* the careful path is the first thread's */
		return -EAGAIN;
	for (i = 0; i < words; i++) {
		memcpy(&x, b + 8 * i, 8);
		x = le64toh(x);
		rc = era_table_decode(x, &w[i]);
		if (__builtin_expect(rc == ERA_TB_OK, 1))
			continue;
		if (rc == ERA_TB_OVERFLOW) {
			rc = dump_pend(r, slot + (uint32_t)i, 0);
			if (rc)
				return rc;
			continue;
		}
		return diag_byte(r->d, r->path, off + 8 * i, era_table_rule(rc),
				 "word 0x%016llx at slot %u: %s",
				 (unsigned long long)x, slot + (uint32_t)i,
				 era_table_why(rc));
	}
	return 0;
}

static bool dump_block_free(const uint8_t *restrict b)
{
#ifdef DUMP_SSE2
	__m128i any = _mm_setzero_si128();
	size_t i;

	for (i = 0; i < DUMP_MAP_BLOCK; i += 2)
		any = _mm_or_si128(any, _mm_loadu_si128((const __m128i *)(const void *)(b + 8 * i)));
	return _mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128())) == 0xffff;
#else
	uint64_t x, any = 0;
	size_t i;

	for (i = 0; i < DUMP_MAP_BLOCK; i++) {
		memcpy(&x, b + 8 * i, 8);
		any |= x;
	}
	return !any;
#endif
}

#ifdef DUMP_SSE2
/*
 * A whole block of table words, eight at a time in vector registers: each
 * word's count and kind bits become t = count | kind << 4, and the slot
 * word is the count, with the cached bit for a PFN (kind 2). Returns
 * nonzero when some word is anything but free (t 0), a shadow of count
 * 1..14 (t 0x11..0x1e) or a PFN of count 0..14 (t 0x20..0x2e) with its
 * payload clear: what era_table_decoder() marks special, or payload.
 */
static int dump_table_block_sse2(const uint8_t *b, uint16_t *w)
{
	const __m128i payload = _mm_set1_epi64x((long long)(ERA_TB_REST & ~ERA_TB_KIND_MASK));
	const __m128i kind = _mm_set1_epi64x((long long)ERA_TB_KIND_MASK);
	const __m128i zero = _mm_setzero_si128();
	__m128i odd = zero, bad = zero, x[4], t[4], lo, hi, u, cached;
	size_t i;
	int k;

	for (i = 0; i < DUMP_MAP_BLOCK; i += 8) {
		for (k = 0; k < 4; k++) {
			x[k] = _mm_loadu_si128((const __m128i *)(const void *)(b + 8 * (i + 2 * k)));
			odd = _mm_or_si128(odd, _mm_and_si128(x[k], payload));
			t[k] = _mm_or_si128(_mm_srli_epi64(x[k], ERA_TB_COUNT_SHIFT),
					    _mm_slli_epi64(_mm_and_si128(x[k], kind), 4));
		}
		/* The low dword of each lane, four words to a register, then eight. */
		lo = _mm_unpacklo_epi64(_mm_shuffle_epi32(t[0], _MM_SHUFFLE(2, 0, 2, 0)),
					_mm_shuffle_epi32(t[1], _MM_SHUFFLE(2, 0, 2, 0)));
		hi = _mm_unpacklo_epi64(_mm_shuffle_epi32(t[2], _MM_SHUFFLE(2, 0, 2, 0)),
					_mm_shuffle_epi32(t[3], _MM_SHUFFLE(2, 0, 2, 0)));
		u = _mm_packs_epi32(lo, hi);
		/* Special: 1..0x10 (a count on free, a shadow of 0), 0x1f, >= 0x2f. */
		bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpgt_epi16(u, zero),
						      _mm_cmplt_epi16(u, _mm_set1_epi16(0x11))));
		bad = _mm_or_si128(bad, _mm_cmpeq_epi16(u, _mm_set1_epi16(0x1f)));
		bad = _mm_or_si128(bad, _mm_cmpgt_epi16(u, _mm_set1_epi16(0x2e)));
		cached = _mm_slli_epi16(_mm_and_si128(u, _mm_set1_epi16(0x20)), 2);
		u = _mm_or_si128(_mm_and_si128(u, _mm_set1_epi16(0x0f)), cached);
		_mm_storeu_si128((__m128i *)(void *)(w + i), u);
	}
	return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(odd, bad), zero)) != 0xffff;
}
#endif

/*
 * Like the map: free blocks are skipped, and a word whose payload bits
 * are clear is decoded by its count and kind bits through a 64-entry
 * table (era_table_decoder()); a block with any other word, or a table
 * entry marked special, is redone by era_table_decode().
 */
static int dump_table_chunk(struct dump_reader *r, const uint8_t *b,
			    uint64_t off, size_t n)
{
	const uint64_t payload = ERA_TB_REST & ~ERA_TB_KIND_MASK;
	uint16_t *w = r->s->slots + off / 8;
	size_t i, k, len, words = n / 8;
	uint64_t x, odd;
	uint16_t seen;

	for (i = 0; i < words; i += len) {
		len = words - i < DUMP_MAP_BLOCK ? words - i : DUMP_MAP_BLOCK;
		if (len == DUMP_MAP_BLOCK && dump_block_free(b + 8 * i))
			continue;
#ifdef DUMP_SSE2
		if (len == DUMP_MAP_BLOCK) {
			if (__builtin_expect(dump_table_block_sse2(b + 8 * i, w + i), 0)) {
				int rc = dump_table_block_special(r, b + 8 * i,
								  off + 8 * i, len);

				if (rc)
					return rc;
			}
			continue;
		}
#endif
		odd = 0;
		seen = 0;
		for (k = 0; k < len; k++) {
			uint16_t v;

			memcpy(&x, b + 8 * (i + k), 8);
			x = le64toh(x);
			v = r->tb_dec[era_table_index(x)];
			w[i + k] = v;
			seen |= v;
			odd |= x & payload;
		}
		if (__builtin_expect(odd || (seen & ERA_DEC_SPECIAL), 0)) {
			int rc = dump_table_block_special(r, b + 8 * i,
							  off + 8 * i, len);

			if (rc)
				return rc;
		}
	}
	return 0;
}

/*
 * Find the map file of the era and check its size against max before any
 * slot is allocated: a dump claiming 2^32 slots with a 1 KiB map stops here.
 */
static int dump_open_map(struct dump_reader *r, int *fd, uint64_t *size)
{
	const char *name = r->era->swap_table ? "swap_table" : "swap_map";
	const char *other = r->era->swap_table ? "swap_map" : "swap_table";
	uint64_t per_slot = r->era->swap_table ? 8 : 1;
	uint64_t want = per_slot * r->s->dev.max;
	struct stat st;
	int rc;

	dump_set_path(r, other);
	if (!fstatat(r->dirfd, other, &st, 0))
		return diag_line(r->d, r->path, 0, "map-era",
				 "era %c (%s) keeps its slots in %s, not %s",
				 r->era->era, r->era->kernels, name, other);
	rc = dump_open(r, name, fd, &st);
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

static int dump_read_map(struct dump_reader *r, int fd, uint64_t size)
{
	const char *name = r->era->swap_table ? "swap_table" : "swap_map";

	dump_set_path(r, name);
	if (r->era->swap_table) {
		era_table_decoder(r->tb_dec);
		return dump_read_binary(r, fd, size, "table-size", dump_table_chunk, true);
	}
	era_map_decoder(r->era, r->dec);
	return dump_read_binary(r, fd, size, "map-size", dump_map_chunk, true);
}

/* ---- continued --------------------------------------------------------------- */

static struct dump_pending *dump_pending_find(struct dump_reader *r, uint32_t slot)
{
	size_t lo = 0, hi = r->nr_pending;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->pending[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nr_pending && r->pending[lo].slot == slot ?
	       &r->pending[lo] : NULL;
}

static int dump_continued_apply(struct dump_reader *r, struct dump_cursor *c,
				const uint32_t *v)
{
	uint32_t offset = v[0], count = v[1];
	struct dump_pending *p;
	int rc;

	if ((rc = dump_check_offset(c, offset)))
		return rc;
	p = dump_pending_find(r, offset);
	if (!p)
		return dump_fail(c, "continued-unmarked",
				 r->era->swap_table ?
				 "slot %u: its swap table count is not 15 (overflow)" :
				 "slot %u: its swap_map byte has no COUNT_CONTINUED (0x80)",
				 offset);
	if (p->line)
		return dump_fail(c, "continued-duplicate",
				 "slot %u was given on line %lu already",
				 offset, p->line);
	if (r->era->swap_table && !era_table_continued_ok(count))
		return dump_fail(c, "continued-count",
				 "slot %u: count %u, but an overflowed table count is at least %u",
				 offset, count, ERA_TB_COUNT_MAX);
	if (!r->era->swap_table && !era_map_continued_ok(p->digit, count))
		return dump_fail(c, "continued-count",
				 "slot %u: count %u, but a byte with first digit %u and COUNT_CONTINUED stands for 63 * k + %u, k >= 1",
				 offset, count, p->digit, p->digit);
	p->count = count;
	p->line = c->line;
	return 0;
}

static int dump_continued_line(struct dump_reader *r, struct dump_cursor *c)
{
	uint32_t v[2];
	int rc;

	if ((rc = dump_u32(c, "offset", &v[0])) ||
	    (rc = dump_u32(c, "count", &v[1])) ||
	    (rc = dump_end(c)))
		return rc;
	return dump_continued_apply(r, c, v);
}

/* Every marked slot has its count; put the counts in the slot words. */
static int dump_apply_continued(struct dump_reader *r)
{
	uint16_t *slots = r->s->slots;
	size_t i;

	for (i = 0; i < r->nr_pending; i++) {
		struct dump_pending *p = &r->pending[i];

		if (!p->line) {
			if (r->era->swap_table) {
				dump_set_path(r, "swap_table");
				return diag_byte(r->d, r->path, 8ull * p->slot,
						 "continued-missing",
						 "slot %u has count 15 (overflow), but continued has no line for it",
						 p->slot);
			}
			dump_set_path(r, "swap_map");
			return diag_byte(r->d, r->path, p->slot, "continued-missing",
					 "slot %u has COUNT_CONTINUED, but continued has no line for it",
					 p->slot);
		}
		if (p->count <= SNAPSHOT_COUNT_INLINE_MAX)
			slots[p->slot] = (uint16_t)((slots[p->slot] & ~SNAPSHOT_SLOT_COUNT) |
						    p->count);
		else if (snapshot_set_count(r->s, p->slot, p->count))
			return dump_nomem(r);
	}
	return 0;
}

static int dump_read_continued(struct dump_reader *r)
{
	bool present;
	int rc;

	static const struct dump_text_ops ops = {
		.line = dump_continued_line, .nr_fast = 2, .apply = dump_continued_apply,
	};

	rc = dump_read_text_file(r, "continued", &ops, &present);
	if (rc)
		return rc;
	if (present)
		r->s->files |= SNAPSHOT_HAS_CONTINUED;
	return dump_apply_continued(r);
}

/* ---- cache ----------------------------------------------------------------- */

/* Whether comma-separated @list already holds @f. */
static bool dump_flag_listed(const char *list, size_t len, const char *f,
			     size_t n)
{
	const char *p = list, *end = list + len, *comma;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (!comma)
			comma = end;
		if ((size_t)(comma - p) == n && !memcmp(p, f, n))
			return true;
		p = comma + 1;
	}
	return false;
}

/* "dirty,uptodate,lru": known names to bits, the rest kept in order. */
static int dump_cache_flags(struct dump_cursor *c, const char *f, size_t n,
			    unsigned int *bits, char *extra)
{
	const char *end = f + n, *comma;
	size_t elen = 0, len, nr = 0;
	int bit;

	*bits = 0;
	while (f <= end) {
		if (++nr > DUMP_FOLIO_FLAGS_MAX)
			return dump_fail(c, "cache-flags",
					 "more than %u flags; the kernel has fewer page flags",
					 DUMP_FOLIO_FLAGS_MAX);
		comma = memchr(f, ',', (size_t)(end - f));
		if (!comma)
			comma = end;
		len = (size_t)(comma - f);
		if (!snapshot_flag_name_ok(f, len))
			return dump_fail(c, "cache-flags",
					 "flag '%.*s' is not a name of [a-z0-9_]",
					 DUMP_SHOW(len), f);
		bit = snapshot_folio_flag_parse(f, len);
		if ((bit >= 0 && (*bits & (1u << bit))) ||
		    (bit < 0 && dump_flag_listed(extra, elen, f, len)))
			return dump_fail(c, "cache-flag-repeat",
					 "flag '%.*s' is given twice",
					 DUMP_SHOW(len), f);
		if (bit >= 0) {
			*bits |= 1u << bit;
		} else {
			if (elen)
				extra[elen++] = ',';
			memcpy(extra + elen, f, len);
			elen += len;
		}
		f = comma + 1;
	}
	extra[elen] = '\0';
	return 0;
}

static int dump_cache_add(struct dump_reader *r, struct dump_cursor *c,
			  uint32_t offset, uint32_t order, unsigned int bits,
			  const char *extra)
{
	struct dump_folio_line *fl;
	uint32_t i;
	int rc;

	if ((rc = dump_check_order(c, order)) ||
	    (rc = dump_check_offset(c, offset)))
		return rc;
	if ((uint64_t)offset + (1ull << order) > r->s->dev.max)
		return dump_fail(c, "cache-range",
				 "folio of order %u at %u ends past max %u",
				 order, offset, r->s->dev.max);
	if (snapshot_add_folio(r->s, offset, order, bits, extra) ||
	    dump_grow((void **)&r->folio_lines, &r->alloc_folio_lines,
		      r->nr_folio_lines, sizeof(*r->folio_lines)))
		return dump_nomem(r);
	fl = &r->folio_lines[r->nr_folio_lines++];
	fl->offset = offset;
	fl->order = order;
	fl->line = c->line;
	/* Era F's map has no cache mark: a folio is what says "cached". */
	if (r->era->cache_from_folios)
		for (i = 0; i < 1u << order; i++)
			r->s->slots[offset + i] |= SNAPSHOT_SLOT_CACHED;
	return 0;
}

static int dump_cache_apply(struct dump_reader *r, struct dump_cursor *c,
			    const uint32_t *v)
{
	return dump_cache_add(r, c, v[0], v[1], 0, NULL);
}

static int dump_cache_line(struct dump_reader *r, struct dump_cursor *c)
{
	char extra[DUMP_LINE_MAX + 1];
	uint32_t offset, order;
	unsigned int bits = 0;
	const char *f;
	size_t n;
	int rc;

	extra[0] = '\0';
	if ((rc = dump_u32(c, "offset", &offset)) ||
	    (rc = dump_u32(c, "order", &order)))
		return rc;
	if (dump_field(c, &f, &n) && (rc = dump_cache_flags(c, f, n, &bits, extra)))
		return rc;
	if ((rc = dump_end(c)))
		return rc;
	return dump_cache_add(r, c, offset, order, bits, extra);
}

static int dump_folio_line_cmp(const void *a, const void *b)
{
	const struct dump_folio_line *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Two folios on one slot: name the later line, and the earlier one. */
static int dump_cache_overlap(struct dump_reader *r)
{
	struct dump_folio_line *a, *b, *first, *second;
	size_t i;

	if (!r->nr_folio_lines)
		return 0;
	qsort(r->folio_lines, r->nr_folio_lines, sizeof(*r->folio_lines),
	      dump_folio_line_cmp);
	for (i = 0; i + 1 < r->nr_folio_lines; i++) {
		a = &r->folio_lines[i];
		b = &r->folio_lines[i + 1];
		if ((uint64_t)a->offset + (1ull << a->order) <= b->offset)
			continue;
		first = a->line < b->line ? a : b;
		second = first == a ? b : a;
		return diag_line(r->d, r->path, second->line, "cache-overlap",
				 "folio of order %u at %u overlaps the folio of order %u at %u (line %lu)",
				 second->order, second->offset, first->order,
				 first->offset, first->line);
	}
	return 0;
}

static int dump_read_cache(struct dump_reader *r)
{
	bool present;
	int rc;

	static const struct dump_text_ops ops = {
		.line = dump_cache_line, .nr_fast = 2, .apply = dump_cache_apply,
	};

	rc = dump_read_text_file(r, "cache", &ops, &present);
	if (rc || !present)
		return rc;
	r->s->files |= SNAPSHOT_HAS_CACHE;
	return dump_cache_overlap(r);
}

/* ---- zeromap, zswap ------------------------------------------------------------ */

static int dump_bitmap_bit(struct dump_reader *r, uint64_t byte, unsigned int bit)
{
	uint32_t max = r->s->dev.max;
	uint64_t slot = byte * 8 + bit;
	uint16_t *w, mark = r->bitmap_bit;

	if (slot >= max)
		return diag_byte(r->d, r->path, byte, "bitmap-tail",
				 "bit %u (slot %llu) is past max %u", bit,
				 (unsigned long long)slot, max);
	w = &r->s->slots[slot];
	if ((*w & SNAPSHOT_SLOT_BAD) ||
	    !(*w & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED)))
		return diag_byte(r->d, r->path, byte, "bitmap-slot",
				 "bit %u: slot %llu is %s; only a slot in use holds a page",
				 bit, (unsigned long long)slot,
				 *w & SNAPSHOT_SLOT_BAD ? "bad" : "free");
	if ((mark & SNAPSHOT_SLOT_ZSWAP) && (*w & SNAPSHOT_SLOT_ZERO))
		return diag_byte(r->d, r->path, byte, "zero-zswap",
				 "bit %u: slot %llu is in zeromap too; a zero-filled page never reaches zswap",
				 bit, (unsigned long long)slot);
	*w |= mark;
	return 0;
}

/*
 * Eight bytes at a time: zero words are skipped, and each set bit of the
 * rest checked inline (slot in use, not bad, for zswap not zero too) and
 * marked; a bit that fails, or past max, goes to dump_bitmap_bit(), which
 * names it. Bits are visited in slot order, as the file has them.
 */
static int dump_bitmap_chunk(struct dump_reader *r, const uint8_t *b,
			     uint64_t off, size_t n)
{
	const uint16_t mark = r->bitmap_bit;
	const uint16_t refuse = SNAPSHOT_SLOT_BAD |
		(mark & SNAPSHOT_SLOT_ZSWAP ? SNAPSHOT_SLOT_ZERO : 0);
	const uint64_t max = r->s->dev.max;
	uint16_t *slots = r->s->slots;
	uint64_t x, slot, any;
	unsigned int bit;
	size_t i, k, len;
	int rc;

	for (i = 0; i < n; i += len) {
		len = n - i < 64 ? n - i : 64;
		if (len == 64) {
			any = 0;
			for (k = 0; k < 64; k += 8) {
				memcpy(&x, b + i + k, 8);
				any |= x;
			}
			if (!any)
				continue;
		}
		for (k = 0; k < len; k += 8) {
			x = 0;
			memcpy(&x, b + i + k, len - k < 8 ? len - k : 8);
			x = le64toh(x);
			while (x) {
				bit = (unsigned int)__builtin_ctzll(x);
				x &= x - 1;
				slot = (off + i + k) * 8 + bit;
				if (__builtin_expect(slot < max &&
						     !(slots[slot] & refuse) &&
						     (slots[slot] & (SNAPSHOT_SLOT_COUNT |
								     SNAPSHOT_SLOT_CACHED)), 1)) {
					slots[slot] |= mark;
					continue;
				}
				rc = dump_bitmap_bit(r, off + i + k + bit / 8, bit % 8);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

static int dump_read_bitmap(struct dump_reader *r, const char *name,
			    uint16_t mark, unsigned int file)
{
	uint64_t want = ((uint64_t)r->s->dev.max + 7) / 8;
	struct stat st;
	int fd, rc;

	rc = dump_open(r, name, &fd, &st);
	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	if (mark == SNAPSHOT_SLOT_ZERO && !r->era->zeromap)
		rc = diag_line(r->d, r->path, 0, "zeromap-era",
			       "era %c (%s) has no zeromap (it came in 6.12)",
			       r->era->era, r->era->kernels);
	else if ((uint64_t)st.st_size != want)
		rc = diag_line(r->d, r->path, 0, "bitmap-size",
			       "is %llu bytes; max %u needs %llu (one bit per slot)",
			       (unsigned long long)st.st_size, r->s->dev.max,
			       (unsigned long long)want);
	if (!rc) {
		r->bitmap_bit = mark;
		rc = dump_read_binary(r, fd, want, "bitmap-size", dump_bitmap_chunk, false);
	}
	close(fd);
	if (!rc)
		r->s->files |= file;
	return rc;
}

/* ---- orders, next ---------------------------------------------------------------- */

static int dump_orders_apply(struct dump_reader *r, struct dump_cursor *c,
			     const uint32_t *v)
{
	uint32_t offset = v[0], order = v[1], clash, start;
	unsigned int other;
	int rc;

	if ((rc = dump_check_order(c, order)) ||
	    (rc = dump_check_offset(c, offset)))
		return rc;
	if ((uint64_t)offset + (1ull << order) > r->s->dev.max)
		return dump_fail(c, "orders-range",
				 "run of order %u at %u ends past max %u",
				 order, offset, r->s->dev.max);
	rc = snapshot_add_run(r->s, offset, order, &clash);
	if (!rc)
		return 0;
	if (rc == -EINVAL && !snapshot_run_at(r->s, clash, &start, &other))
		return dump_fail(c, "orders-overlap",
				 "run of order %u at %u overlaps the run of order %u at %u",
				 order, offset, other, start);
	return dump_fail(c, "orders-overlap",
			 "run of order %u at %u overlaps another run at slot %u",
			 order, offset, clash);
}

static int dump_orders_line(struct dump_reader *r, struct dump_cursor *c)
{
	uint32_t v[2];
	int rc;

	if ((rc = dump_u32(c, "offset", &v[0])) ||
	    (rc = dump_u32(c, "order", &v[1])) ||
	    (rc = dump_end(c)))
		return rc;
	return dump_orders_apply(r, c, v);
}

/*
 * "OFFSET ORDER\n" with 1..9 digits of offset and 1..2 of order, the shape
 * of nearly every orders line: the line's length (with its newline), 0 for
 * any other shape or a line cut by the end of the buffer (the NUL after the
 * data is neither digit, space nor newline). The line is found in one
 * 16-byte load, so the next line's address does not wait for the digits.
 */
static inline unsigned int dump_pair_line(const char *p, uint32_t *a,
					  uint32_t *b)
{
	unsigned int nl, sp, dig, below, len, sep, digits;
	uint64_t x;

#ifdef DUMP_SSE2
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

	nl = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
	sp = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
	/* '0'..'9' shifted to -128..-119: below -118 as signed bytes. */
	dig = (unsigned int)_mm_movemask_epi8(
		_mm_cmplt_epi8(_mm_sub_epi8(v, _mm_set1_epi8((char)('0' + 128))),
			       _mm_set1_epi8(-118)));
	x = (uint64_t)_mm_cvtsi128_si64(v);
#else
	unsigned int i;

	nl = sp = dig = 0;
	for (i = 0; i < 16; i++) {
		nl |= (unsigned int)(p[i] == '\n') << i;
		sp |= (unsigned int)(p[i] == ' ') << i;
		dig |= (unsigned int)dump_is_digit(p[i]) << i;
		if (p[i] == '\n' || !p[i])
			break;
	}
	memcpy(&x, p, 8);
	x = le64toh(x);
#endif
	if (!nl)
		return 0;
	len = (unsigned int)__builtin_ctz(nl);
	below = (1u << len) - 1;
	sp &= below;
	if (!sp || (sp & (sp - 1)) || ((dig | sp) & below) != below)
		return 0;
	sep = (unsigned int)__builtin_ctz(sp);
	digits = len - sep - 1;
	if (!sep || sep > 9 || !digits || digits > 2)
		return 0;
	if (sep <= 8) {
		*a = dump_fold8(x, sep);
	} else {
		*a = dump_fold8(x, 8) * 10 + (uint32_t)(p[8] - '0');
	}
	*b = (uint32_t)(p[sep + 1] - '0');
	if (digits == 2)
		*b = *b * 10 + (uint32_t)(p[sep + 2] - '0');
	return len + 1;
}

/*
 * Whether the run of 2^@order slots at @w may be added: no slot in it is
 * in a run yet. Words are tested four at a time where the run allows.
 */
static inline bool dump_run_free(const uint16_t *w, unsigned int order)
{
	const uint64_t mask = 0x0001000100010001ull * SNAPSHOT_SLOT_ORDER;
	uint32_t n = 1u << order, i, y;
	uint64_t x, any = 0;

	if (order == 0)
		return !(w[0] & SNAPSHOT_SLOT_ORDER);
	if (order == 1) {
		memcpy(&y, w, 4);
		return !(y & (uint32_t)mask);
	}
	for (i = 0; i < n; i += 4) {
		memcpy(&x, w + i, 8);
		any |= x;
	}
	return !(any & mask);
}

/* Record the run: what snapshot_add_run() does once dump_run_free() agrees. */
static inline void dump_run_set(uint16_t *w, unsigned int order)
{
	uint16_t mark = (uint16_t)((order + 1) << SNAPSHOT_SLOT_ORDER_SHIFT);
	uint64_t wide = 0x0001000100010001ull * mark, x;
	uint32_t n = 1u << order, i, y;

	if (order == 0) {
		w[0] |= (uint16_t)(mark | SNAPSHOT_SLOT_HEAD);
		return;
	}
	if (order == 1) {
		memcpy(&y, w, 4);
		y |= (uint32_t)wide;
		memcpy(w, &y, 4);
	} else {
		for (i = 0; i < n; i += 4) {
			memcpy(&x, w + i, 8);
			x |= wide;
			memcpy(w + i, &x, 8);
		}
	}
	w[0] |= SNAPSHOT_SLOT_HEAD;
}

/*
 * Every orders line of the common shape in the buffer, checked and set in
 * the slot words in place; any other line, and any line that breaks a
 * rule, goes to dump_orders_apply() or the careful path, which name it.
 */
static int dump_orders_bulk(struct dump_text *t, struct dump_cursor *c)
{
	struct dump_reader *r = t->r;
	uint16_t *slots = r->s->slots;
	const uint64_t max = r->s->dev.max;
	const uint32_t nr_orders = r->s->dev.nr_orders < SNAPSHOT_MAX_ORDER + 1 ?
				   r->s->dev.nr_orders : SNAPSHOT_MAX_ORDER + 1;
	const char *p = t->buf + t->pos;
	unsigned long line = t->line;
	unsigned int len;
	uint32_t v[2];
	int rc;

	while ((len = dump_pair_line(p, &v[0], &v[1]))) {
		line++;
		if (__builtin_expect(v[1] >= nr_orders ||
				     (uint64_t)v[0] + (1u << v[1]) > max ||
				     !dump_run_free(slots + v[0], v[1]), 0)) {
			/* Names the rule; never adds what the checks refused. */
			c->line = line;
			rc = dump_orders_apply(r, c, v);
			if (rc) {
				t->line = line;
				return rc;
			}
		} else {
			dump_run_set(slots + v[0], v[1]);
		}
		p += len;
	}
	t->line = line;
	t->pos = (size_t)(p - t->buf);
	return 0;
}

static int dump_read_orders(struct dump_reader *r)
{
	bool present;
	int rc;

	static const struct dump_text_ops ops = {
		.line = dump_orders_line, .nr_fast = 2, .apply = dump_orders_apply,
		.bulk = dump_orders_bulk,
	};

	rc = dump_read_text_file(r, "orders", &ops, &present);
	if (!rc && present)
		r->s->files |= SNAPSHOT_HAS_ORDERS;
	return rc;
}

static int dump_next_cpu(struct dump_cursor *c, int32_t *cpu)
{
	const char *f;
	size_t n;
	uint32_t v;
	int rc;

	if ((rc = dump_word(c, "cpu", &f, &n)))
		return rc;
	if (n == 6 && !memcmp(f, "global", 6)) {
		*cpu = SNAPSHOT_NEXT_GLOBAL;
		return 0;
	}
	if (f[0] < '0' || f[0] > '9')
		return dump_fail(c, "next-cpu",
				 "'%.*s' is neither a CPU number nor 'global'",
				 DUMP_SHOW(n), f);
	if ((rc = dump_digits(c, "cpu", f, n, &v)))
		return rc;
	if (v > SNAPSHOT_NEXT_CPU_MAX)
		return dump_fail(c, "next-cpu", "cpu %u is above %d", v,
				 SNAPSHOT_NEXT_CPU_MAX);
	*cpu = (int32_t)v;
	return 0;
}

static int dump_next_line(struct dump_reader *r, struct dump_cursor *c)
{
	uint32_t order, offset;
	int32_t cpu = 0;
	uint64_t key;
	int rc;

	if ((rc = dump_next_cpu(c, &cpu)) ||
	    (rc = dump_u32(c, "order", &order)) ||
	    (rc = dump_u32(c, "offset", &offset)) ||
	    (rc = dump_end(c)) ||
	    (rc = dump_check_order(c, order)) ||
	    (rc = dump_check_offset(c, offset)))
		return rc;
	if (!r->next_seen) {
		size_t bits = (size_t)(SNAPSHOT_NEXT_CPU_MAX + 2) * r->s->dev.nr_orders;

		r->next_seen = calloc((bits + 7) / 8, 1);
		if (!r->next_seen)
			return dump_nomem(r);
	}
	key = (uint64_t)(cpu + 1) * r->s->dev.nr_orders + order;
	if (r->next_seen[key / 8] & (1u << (key % 8))) {
		if (cpu == SNAPSHOT_NEXT_GLOBAL)
			return dump_fail(c, "next-duplicate",
					 "global order %u is given twice", order);
		return dump_fail(c, "next-duplicate",
				 "cpu %d order %u is given twice", cpu, order);
	}
	r->next_seen[key / 8] |= (uint8_t)(1u << (key % 8));
	return snapshot_add_next(r->s, cpu, order, offset) ? dump_nomem(r) : 0;
}

static int dump_read_next(struct dump_reader *r)
{
	bool present;
	int rc;

	static const struct dump_text_ops ops = { .line = dump_next_line };

	rc = dump_read_text_file(r, "next", &ops, &present);
	if (!rc && present)
		r->s->files |= SNAPSHOT_HAS_NEXT;
	return rc;
}

/* ---- the whole dump --------------------------------------------------------------- */

static int dump_read_all(struct dump_reader *r)
{
	uint64_t size = 0;
	uint32_t clash;
	int fd, rc;

	rc = dump_read_info(r);
	if (rc)
		return rc;
	rc = dump_open_map(r, &fd, &size);
	if (rc)
		return rc;
	rc = snapshot_set_geometry(r->s, r->s->dev.max, r->s->dev.cluster_size);
	if (!rc)
		rc = dump_read_clusters(r);
	else
		rc = diag_errno(r->d, r->path, rc);
	if (!rc)
		rc = dump_read_map(r, fd, size);
	close(fd);
	if (rc)
		return rc;
	if ((rc = dump_read_continued(r)) ||
	    (rc = dump_read_cache(r)) ||
	    (rc = dump_read_bitmap(r, "zeromap", SNAPSHOT_SLOT_ZERO,
				   SNAPSHOT_HAS_ZEROMAP)) ||
	    (rc = dump_read_bitmap(r, "zswap", SNAPSHOT_SLOT_ZSWAP,
				   SNAPSHOT_HAS_ZSWAP)) ||
	    (rc = dump_read_orders(r)) ||
	    (rc = dump_read_next(r)))
		return rc;
	if (snapshot_finish(r->s, &clash)) {
		/* dump_cache_overlap() has seen every folio: cannot happen. */
		dump_set_path(r, "cache");
		return diag_line(r->d, r->path, 0, "cache-overlap",
				 "folio at %u overlaps another", clash);
	}
	return 0;
}

int dump_load(const char *dir, struct snapshot **out, struct diag *d)
{
	struct dump_reader r = { .dir = dir, .d = d, .dirfd = -1 };
	int rc;

	*out = NULL;
	diag_clear(d);
	snprintf(r.path, sizeof(r.path), "%s", dir);
	r.s = snapshot_new();
	/* Zeroed, and longer: the fast parsers load past the end. */
	r.buf = calloc(DUMP_CHUNK + DUMP_SLACK, 1);
	if (!r.s || !r.buf) {
		rc = dump_nomem(&r);
		goto out;
	}
	r.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r.dirfd < 0) {
		rc = diag_errno(d, dir, -errno);
		goto out;
	}
	rc = dump_read_all(&r);
out:
	if (r.dirfd >= 0)
		close(r.dirfd);
	free(r.buf);
	free(r.info_lines);
	free(r.pending);
	free(r.folio_lines);
	free(r.next_seen);
	if (rc)
		snapshot_free(r.s);
	else
		*out = r.s;
	return rc;
}
