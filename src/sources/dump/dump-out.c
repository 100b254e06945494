// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-out.c - the files of a dump being written (dump-out.h): each made
 * in the directory being built, buffered, and synced when closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "swapfs/durable.h"
#include "dump-out.h"

void dump_out_path(struct dump_writer *w, const char *name)
{
	size_t len = strlen(w->dir);
	const char *sep = len && w->dir[len - 1] == '/' ? "" : "/";

	snprintf(w->path, sizeof(w->path), "%s%s%s", w->dir, sep, name);
}

int dump_out_open(struct dump_writer *w, struct dump_out *o,
		  const char *name)
{
	dump_out_path(w, name);	/* a system error names the file */
	o->w = w;
	o->fd = -1;
	o->len = 0;
	o->off = 0;
	o->buf = malloc(DUMP_OUT_BUF);
	if (!o->buf)
		return -ENOMEM;
	o->fd = openat(w->tmpfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		       0644);
	if (o->fd < 0) {
		free(o->buf);
		o->buf = NULL;
		return -errno;
	}
	return 0;
}

static int dump_out_flush(struct dump_out *o)
{
	int rc = durable_pwrite(o->fd, o->buf, o->len, o->off);

	o->off += (off_t)o->len;
	o->len = 0;
	return rc;
}

char *dump_out_room(struct dump_out *o, size_t n, int *rc)
{
	if (o->len + n > DUMP_OUT_BUF && (*rc = dump_out_flush(o)))
		return NULL;
	return o->buf + o->len;
}

int dump_out_put(struct dump_out *o, const void *p, size_t n)
{
	int rc = 0;

	while (n) {
		size_t k = n < DUMP_OUT_BUF ? n : DUMP_OUT_BUF;
		char *dst = dump_out_room(o, k, &rc);

		if (!dst)
			return rc;
		memcpy(dst, p, k);
		o->len += k;
		p = (const char *)p + k;
		n -= k;
	}
	return 0;
}

int dump_out_close(struct dump_out *o, int failed)
{
	int rc = failed;

	if (o->fd < 0)
		return rc;
	if (!rc)
		rc = dump_out_flush(o);
	if (!rc)
		rc = durable_close(o->fd);
	else
		close(o->fd);
	o->fd = -1;
	free(o->buf);
	o->buf = NULL;
	return rc;
}

char *dump_out_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

char *dump_out_str(char *p, const char *str)
{
	size_t n = strlen(str);

	memcpy(p, str, n);
	return p + n;
}

int dump_out_numbers(struct dump_out *o, const uint64_t *v, int nr)
{
	char *p, *start;
	int rc = 0, i;

	start = p = dump_out_room(o, DUMP_LINE_ROOM, &rc);
	if (!p)
		return rc;
	for (i = 0; i < nr; i++) {
		if (i)
			*p++ = ' ';
		p = dump_out_u64(p, v[i]);
	}
	*p++ = '\n';
	o->len += (size_t)(p - start);
	return 0;
}
