// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-text.c - the text files of a dump (dump-text.h): lines found with
 * memchr() in the shared buffer, refilled as it runs dry, and the careful
 * path's fields, each checked and named in the message when wrong.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dump-text.h"

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
	t->buf[t->len] = '\0';	/* dump_text_fast_line()'s bound */
	return 0;
}

int dump_text_next(struct dump_text *t, const char **line, size_t *n)
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
const char *dump_text_bad_byte(const char *p, size_t n)
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

bool dump_text_all_blank(const char *p, size_t n)
{
	while (n && dump_text_blank(*p)) {
		p++;
		n--;
	}
	return !n;
}

int __attribute__((format(printf, 3, 4)))
dump_text_fail(struct dump_cursor *c, const char *rule, const char *fmt, ...)
{
	char msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_line(c->r->d, c->r->path, c->line, rule, "%s", msg);
}

int dump_text_digits(struct dump_cursor *c, const char *what, const char *f,
		     size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int digit = (unsigned int)(unsigned char)f[i] - '0';

		if (digit > 9)
			return dump_text_fail(c, "number-syntax",
					      "%s '%.*s' is not a plain decimal number",
					      what, DUMP_SHOW(n), f);
		v = v * 10 + digit;
		if (v > UINT32_MAX) {
			while (++i < n)
				if ((unsigned int)(unsigned char)f[i] - '0' > 9)
					return dump_text_fail(c, "number-syntax",
							      "%s '%.*s' is not a plain decimal number",
							      what, DUMP_SHOW(n), f);
			return dump_text_fail(c, "number-overflow",
					      "%s '%.*s' does not fit in 32 bits",
					      what, DUMP_SHOW(n), f);
		}
	}
	*out = (uint32_t)v;
	return 0;
}

int dump_text_u32(struct dump_cursor *c, const char *what, uint32_t *out)
{
	const char *f;
	size_t n;

	if (!dump_text_field(c, &f, &n))
		return dump_text_fail(c, "field-count", "%s is missing", what);
	return dump_text_digits(c, what, f, n, out);
}

int dump_text_word(struct dump_cursor *c, const char *what, const char **f,
		   size_t *n)
{
	if (!dump_text_field(c, f, n))
		return dump_text_fail(c, "field-count", "%s is missing", what);
	return 0;
}

int dump_text_end(struct dump_cursor *c)
{
	const char *f;
	size_t n;

	if (dump_text_field(c, &f, &n))
		return dump_text_fail(c, "field-count", "extra field '%.*s'",
				      DUMP_SHOW(n), f);
	return 0;
}

int dump_text_check_order(struct dump_cursor *c, uint32_t order)
{
	uint32_t nr = c->r->s->dev.nr_orders;

	if (order >= nr)
		return dump_text_fail(c, "order-range",
				      "order %u is not below nr_orders %u", order, nr);
	return 0;
}

int dump_text_check_offset(struct dump_cursor *c, uint32_t offset)
{
	uint32_t max = c->r->s->dev.max;

	if (offset >= max)
		return dump_text_fail(c, "offset-range",
				      "offset %u is not below max %u", offset, max);
	return 0;
}

int dump_text_read_file(struct dump_reader *r, const char *name,
			const struct dump_text_ops *ops, bool *present)
{
	struct stat st;
	int fd, rc;

	rc = dump_file_open(r, name, &fd, &st);
	*present = !rc;
	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	rc = dump_text_read(r, fd, ops);
	close(fd);
	return rc;
}
