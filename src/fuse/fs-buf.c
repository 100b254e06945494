// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs-buf.c - the growing buffer the mount builds file contents in: inline
 * space first, the heap when a content outgrows it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs-buf.h"

void fs_buf_init(struct fs_buf *b)
{
	b->data = b->space;
	b->len = 0;
	b->cap = sizeof(b->space);
	b->err = 0;
}

void fs_buf_free(struct fs_buf *b)
{
	if (b->data != b->space)
		free(b->data);
	fs_buf_init(b);
}

char *fs_buf_room(struct fs_buf *b, size_t n)
{
	size_t cap = b->cap;
	char *p;

	if (b->err)
		return NULL;
	if (b->len + n <= b->cap)
		return b->data + b->len;
	while (cap < b->len + n)
		cap *= 2;
	p = b->data == b->space ? malloc(cap) : realloc(b->data, cap);
	if (!p) {
		b->err = -ENOMEM;
		return NULL;
	}
	if (b->data == b->space)
		memcpy(p, b->space, b->len);
	b->data = p;
	b->cap = cap;
	return b->data + b->len;
}

void fs_buf_add(struct fs_buf *b, const void *p, size_t n)
{
	char *dst = fs_buf_room(b, n);

	if (dst) {
		memcpy(dst, p, n);
		b->len += n;
	}
}

void fs_buf_printf(struct fs_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *dst;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->err ? 0 : b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || b->err)
		return;
	if ((size_t)n >= b->cap - b->len) {
		dst = fs_buf_room(b, (size_t)n + 1);
		if (!dst)
			return;
		va_start(ap, fmt);
		vsnprintf(dst, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

char *fs_buf_detach(struct fs_buf *b)
{
	char *p;

	if (b->data != b->space) {
		p = b->data;
		fs_buf_init(b);
		return p;
	}
	p = malloc(b->len ? b->len : 1);
	if (p)
		memcpy(p, b->data, b->len);
	return p;
}
