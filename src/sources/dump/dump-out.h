/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-out.h - a file of a dump being written (private to
 * src/sources/dump/; dump-out.c): a buffer flushed with large writes,
 * and the numbers and lines the files are made of.
 */
#ifndef SWAPFS_DUMP_OUT_H
#define SWAPFS_DUMP_OUT_H

#include <sys/types.h>

#include "dump-writer.h"

#define DUMP_OUT_BUF		(1u << 20)
#define DUMP_LINE_ROOM		64	/* longest numeric line, with room */

/* One output file: a buffer flushed with large writes. */
struct dump_out {
	struct dump_writer *w;
	int fd;
	char *buf;
	size_t len;
	off_t off;
};

/* dump_out_path - w->path becomes the dump's file @name, for messages. */
void dump_out_path(struct dump_writer *w, const char *name);
/* dump_out_open - create @name in the directory being built. */
int dump_out_open(struct dump_writer *w, struct dump_out *o, const char *name);
/* dump_out_room - room for @n more bytes; returns where they go, or NULL (*@rc set). */
char *dump_out_room(struct dump_out *o, size_t n, int *rc);
/* dump_out_put - @n bytes of @p. */
int dump_out_put(struct dump_out *o, const void *p, size_t n);
/* dump_out_close - flush, fsync and close; on @failed just close. Returns @failed or the first error. */
int dump_out_close(struct dump_out *o, int failed);
/* dump_out_u64 / dump_out_str - @v in decimal, or @str, at @p; returns the byte after it. */
char *dump_out_u64(char *p, uint64_t v);
char *dump_out_str(char *p, const char *str);
/* dump_out_numbers - a line of the @nr numbers of @v, one space apart. */
int dump_out_numbers(struct dump_out *o, const uint64_t *v, int nr);

#endif
