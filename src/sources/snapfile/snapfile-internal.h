/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapfile-internal.h - what every file of the snapshot file shares: the
 * open file, the format's constants, and the three helpers below every
 * table's code (private to src/sources/snapfile/).
 *
 * The files, from the bottom up:
 *   snapfile-sql.c      SQLite's failures as -errno and a diag; statements
 *   snapfile-text.c     the text the tables hold: names, lists, info keys
 *   snapfile-schema.c   the tables, made new or checked on open
 *   snapfile-file.c     probe, create, open, commit, close (snapfile.h)
 *   snapfile-codec.c    slot words to blobs and back (snapfile-codec.h)
 *   writing (snapfile-writer.h): snapfile-batch.c (snapfile-batch.h),
 *     snapfile-check.c, snapfile-append.c, snapfile-replace.c
 *   reading (snapfile-reader.h): snapfile-row.c (snapfile-row.h),
 *     snapfile-head.c, snapfile-slots.c, snapfile-runs.c,
 *     snapfile-split.c, snapfile-side.c, snapfile-read.c
 *   both ways, one table each: snapfile-procs.c, snapfile-counters.c
 */
#ifndef SWAPFS_SNAPFILE_INTERNAL_H
#define SWAPFS_SNAPFILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "swapfs/diag.h"
#include "swapfs/snapfile.h"

#define SNAPFILE_APP_ID		0x53574653	/* "SWFS" */
#define SNAPFILE_VERSION	1
#define SNAPFILE_FORMAT		"swapfs-snapshot 1"
#define SNAPFILE_PAGE_SIZE	65536
/* SQLite page cache in KiB: blobs are read once, in key order. */
#define SNAPFILE_READ_CACHE_KIB	2048
/* Writing touches the tables' right edges and the runs table in turns. */
#define SNAPFILE_WRITE_CACHE_KIB 16384
#define SNAPFILE_BUSY_MS	5000
/* The dump's optional files, as enum snapshot_file has them. */
#define SNAPFILE_NR_FILES	6

struct snapfile {
	sqlite3 *db;
	char *path;		/* where the file is, or will be: for messages */
	char *tmp;		/* created: the temporary being built; else NULL */
	int tmp_fd;		/* created: ours, to fsync it after SQLite is done */
	bool writable;
	bool replace;		/* created: commit may replace an existing file */
	bool spoilt;		/* created: an append failed midway (no journal) */
};

/* ---- snapfile-sql.c: statements, and SQLite's failures as -errno ---- */

/* snapfile_sql_fail - SQLite's code @rc on @f as -errno, @d filled. */
int snapfile_sql_fail(struct snapfile *f, int rc, struct diag *d);
/* snapfile_sql_exec - run @sql (no rows); 0 or snapfile_sql_fail(). */
int snapfile_sql_exec(struct snapfile *f, const char *sql, struct diag *d);
/* snapfile_sql_prepare - compile @sql into *@st; 0 or snapfile_sql_fail(). */
int snapfile_sql_prepare(struct snapfile *f, const char *sql,
			 sqlite3_stmt **st, struct diag *d);
/* snapfile_sql_insert - step an INSERT whose parameters are bound, then reset it. */
int snapfile_sql_insert(struct snapfile *f, sqlite3_stmt *st, struct diag *d);
/*
 * snapfile_sql_scalar - the one integer @sql yields into *@v, with @id
 * bound as ?1 when nonzero; a query that yields no row breaks the schema.
 */
int snapfile_sql_scalar(struct snapfile *f, const char *sql, int64_t id,
			int64_t *v, struct diag *d);
/* snapfile_sql_bind_text - @v as parameter @col, SQL NULL when @v is NULL. */
int snapfile_sql_bind_text(sqlite3_stmt *st, int col, const char *v);

/* ---- snapfile-text.c: the text the tables hold ---- */

/* snapfile_text_created_ok - "YYYY-MM-DDTHH:MM:SS[.fraction]Z", in UTC. */
bool snapfile_text_created_ok(const char *t);
/* snapfile_text_kind_ok - a source kind: dump, snapshot, sim or capture. */
bool snapfile_text_kind_ok(const char *kind);
/*
 * snapfile_text_list_parse - a canonical comma list: the names @parse
 * knows (it returns their bit), each once and in bit order, then, when
 * @extra is not NULL, names it does not know, each once. Returns NULL, or
 * why @text is not one; *@extra points into @text.
 */
const char *snapfile_text_list_parse(const char *text,
				     int (*parse)(const char *, size_t),
				     unsigned int *bits, const char **extra);
/* snapfile_text_file_parse - a dump file's name to its snapshot_file bit, or -1. */
int snapfile_text_file_parse(const char *name, size_t len);
/* snapfile_text_files - the names of the snapshot_file bits in @files, as a list. */
void snapfile_text_files(char *buf, size_t size, unsigned int files);
/* snapfile_text_list_add - append @name to the comma list in @buf (of @size bytes). */
void snapfile_text_list_add(char *buf, size_t size, const char *name);
/* snapfile_text_info_why - why an info row is not one a dump holds, or NULL. */
const char *snapfile_text_info_why(const char *key, const char *value);

/* ---- snapfile-schema.c: the tables ---- */

/* snapfile_schema_create - the schema, meta rows and identity of a new file. */
int snapfile_schema_create(struct snapfile *f, struct diag *d);
/*
 * snapfile_schema_check - whose file, which version, which tables (their
 * columns and keys): before any row is trusted.
 */
int snapfile_schema_check(struct snapfile *f, struct diag *d);

#endif
