/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-text.h - the text files of a dump being loaded (private to
 * src/sources/dump/; dump-text.c): split into lines with memchr(), and
 * each record line into blank-separated fields, checked.
 *
 * Lines of the common shape (plain numbers one space apart, the lines
 * exporters write tens of millions of times) take a fast path that
 * parses eight digits at a time in place; anything else, or any line that
 * breaks a rule, the careful path that names the error. The fast path
 * and the reading loop are inline: a reader that calls dump_text_read()
 * gets its own copy, in which the per-line calls through its ops are
 * direct calls.
 */
#ifndef SWAPFS_DUMP_TEXT_H
#define SWAPFS_DUMP_TEXT_H

#include <endian.h>
#include <string.h>
#include <unistd.h>

#include "dump-file.h"

/* A text file being split into lines, in r->buf. */
struct dump_text {
	struct dump_reader *r;
	int fd;
	char *buf;
	size_t len, pos;
	unsigned long line;
	bool eof;
};

/* A line being parsed: fields are taken from p on. */
struct dump_cursor {
	struct dump_reader *r;
	const char *p, *end;
	unsigned long line;
};

typedef int (*dump_line_fn)(struct dump_reader *r, struct dump_cursor *c);
typedef int (*dump_apply_fn)(struct dump_reader *r, struct dump_cursor *c,
			     const uint32_t *v);
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

/* Field text for a message: never more than fits a sentence. */
#define DUMP_SHOW(n)	((int)((n) > 40 ? 40 : (n)))

/* ---- lines (dump-text.c) ---- */

/* dump_text_next - the next line without its newline: 1, 0 at the end, or an error. */
int dump_text_next(struct dump_text *t, const char **line, size_t *n);
/* dump_text_bad_byte - the first NUL or non-ASCII byte of @p, or NULL. */
const char *dump_text_bad_byte(const char *p, size_t n);
/* dump_text_all_blank - whether @p holds only blanks. */
bool dump_text_all_blank(const char *p, size_t n);
/*
 * dump_text_read_file - every record line of the text file @name, if it
 * is there, to @ops; *@present says whether it was.
 */
int dump_text_read_file(struct dump_reader *r, const char *name,
			const struct dump_text_ops *ops, bool *present);

/* ---- fields of a record line (dump-text.c) ---- */

/* dump_text_fail - -EINVAL: the cursor's line breaks @rule. */
int __attribute__((format(printf, 3, 4)))
dump_text_fail(struct dump_cursor *c, const char *rule, const char *fmt, ...);
/* dump_text_digits - field @f as a plain decimal of 32 bits, named @what in messages. */
int dump_text_digits(struct dump_cursor *c, const char *what, const char *f,
		     size_t n, uint32_t *out);
/* dump_text_u32 - the next field, which must be there, as dump_text_digits(). */
int dump_text_u32(struct dump_cursor *c, const char *what, uint32_t *out);
/* dump_text_word - the next field, which must be there. */
int dump_text_word(struct dump_cursor *c, const char *what, const char **f,
		   size_t *n);
/* dump_text_end - no field is left on the line. */
int dump_text_end(struct dump_cursor *c);
/* dump_text_check_order / _offset - a field's order below nr_orders, offset below max. */
int dump_text_check_order(struct dump_cursor *c, uint32_t order);
int dump_text_check_offset(struct dump_cursor *c, uint32_t offset);

/* ---- the fast path and the reading loop, inline ---- */

static inline bool dump_text_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/*
 * dump_text_field - the next blank-separated field; false at the end of
 * the line. Inline: the careful path takes every field through it.
 */
static inline bool dump_text_field(struct dump_cursor *c, const char **f, size_t *n)
{
	const char *p = c->p;

	while (p < c->end && dump_text_blank(*p))
		p++;
	if (p == c->end) {
		c->p = p;
		return false;
	}
	*f = p;
	while (p < c->end && !dump_text_blank(*p))
		p++;
	*n = (size_t)(p - *f);
	c->p = p;
	return true;
}

static inline bool dump_text_is_digit(char ch)
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
static inline uint32_t dump_text_fold8(uint64_t x, unsigned int len)
{
	uint64_t y = (x & 0x0f0f0f0f0f0f0f0full) << (8 * (8 - len));

	y = (y * 2561) >> 8;
	y = ((y & 0x00ff00ff00ff00ffull) * 6553601) >> 16;
	return (uint32_t)(((y & 0x0000ffff0000ffffull) * 42949672960001ull) >> 32);
}

static inline unsigned int dump_text_fast_u32(const char *p, uint32_t *v)
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
	*v = dump_text_fold8(x, len);
	if (len < 8)
		return len;
	if (!dump_text_is_digit(p[8]))
		return 8;
	if (dump_text_is_digit(p[9]))
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
static inline const char *dump_text_fast_line(const char *p, unsigned int nr,
					      uint32_t *v)
{
	unsigned int i, len;

	for (i = 0; i < nr; i++) {
		len = dump_text_fast_u32(p, &v[i]);
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

	while ((next = dump_text_fast_line(p, ops->nr_fast, v))) {
		c->line = ++t->line;
		rc = ops->apply(t->r, c, v);
		if (rc == DUMP_PAUSE) {	/* the line is the next chunk's: unread */
			t->line--;
			t->pos = (size_t)(p - t->buf);
		}
		if (rc)
			return rc;
		p = next;
	}
	t->pos = (size_t)(p - t->buf);
	return 0;
}

/*
 * Hand each record line of the text file @t reads to @ops, from where it
 * stands: to its end (0), to the first error, or to the first line an
 * apply function left for later (DUMP_PAUSE: @t stands before it, and a
 * later call resumes there). Inlined into each caller, so the per-line
 * calls through @ops become direct calls.
 */
static inline __attribute__((always_inline))
int dump_text_run(struct dump_text *t, const struct dump_text_ops *ops)
{
	struct dump_reader *r = t->r;
	struct dump_cursor c = { .r = r };
	const char *line = NULL, *bad;
	size_t n = 0;
	int rc;

	for (;;) {
		if (ops->bulk) {
			if ((rc = ops->bulk(t, &c)))
				return rc;
		} else if (ops->nr_fast && (rc = dump_text_fast(t, &c, ops))) {
			return rc;
		}
		rc = dump_text_next(t, &line, &n);
		if (rc <= 0)
			break;
		bad = dump_text_bad_byte(line, n);
		if (bad)
			return diag_line(r->d, r->path, t->line, "text-byte",
					 "byte 0x%02x at column %zu; text files are ASCII without NUL",
					 (unsigned char)*bad, (size_t)(bad - line) + 1);
		if (!n || line[0] == '#' || dump_text_all_blank(line, n))
			continue;
		c.p = line;
		c.end = line + n;
		c.line = t->line;
		rc = ops->line(r, &c);
		if (rc == DUMP_PAUSE) {
			t->pos = (size_t)(line - t->buf);
			t->line--;
		}
		if (rc)
			return rc;
	}
	return rc;
}

/* dump_text_read - every record line of @fd, read through r->buf, to @ops. */
static inline __attribute__((always_inline))
int dump_text_read(struct dump_reader *r, int fd, const struct dump_text_ops *ops)
{
	struct dump_text t = { .r = r, .fd = fd, .buf = r->buf };

	r->buf[0] = '\0';
	return dump_text_run(&t, ops);
}

#endif
