/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-file.h - the files of a dump being loaded, opened and read
 * (private to src/sources/dump/; dump-file.c). Every message about a file
 * names it by r->path, which these keep on the file being read.
 */
#ifndef SWAPFS_DUMP_FILE_H
#define SWAPFS_DUMP_FILE_H

#include <sys/stat.h>

#include "dump-reader.h"

/* A decoder of @n bytes of a binary file, from its byte @off on. */
typedef int (*dump_chunk_fn)(struct dump_reader *r, const uint8_t *b,
			     uint64_t off, size_t n);

/* dump_file_path - r->path becomes the dump's file @name. */
void dump_file_path(struct dump_reader *r, const char *name);
/* dump_file_nomem - -ENOMEM, said of the file being read. */
int dump_file_nomem(struct dump_reader *r);
/*
 * dump_file_open - open @name in the dump as a regular file. Returns 0
 * with *@fd and *@st, 1 when there is no such file, or an error.
 */
int dump_file_open(struct dump_reader *r, const char *name, int *fd,
		   struct stat *st);
/* dump_file_open_required - dump_file_open() of a file every dump has. */
int dump_file_open_required(struct dump_reader *r, const char *name, int *fd,
			    struct stat *st);
/*
 * dump_file_binary - feed exactly @size bytes of @fd (the size already
 * checked against the info) to @fn in chunks; @split: by two threads when
 * big (the maps). A file that changes size while it is read breaks @rule.
 */
int dump_file_binary(struct dump_reader *r, int fd, uint64_t size,
		     const char *rule, dump_chunk_fn fn, bool split);

#endif
