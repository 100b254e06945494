// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-batch.c - rows sent to SQLite many at a time, as one
 * multi-row INSERT (snapfile-writer.h says why).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapfile-batch.h"

void snapfile_batch_init(struct snapfile_batch *b, struct snapfile *f,
			 struct diag *d, int64_t id, const char *table,
			 int cols)
{
	b->f = f;
	b->d = d;
	b->id = id;
	b->table = table;
	b->cols = cols;
	b->full = NULL;
	b->nr = b->at = 0;
	b->arena = NULL;
	b->arena_len = b->arena_alloc = 0;
	b->rc = 0;
}

/* "INSERT INTO t VALUES (?,?,?),(?,?,?)": @rows rows of the id and cols. */
static int snapfile_batch_prepare(struct snapfile_batch *b, int rows,
				  sqlite3_stmt **st)
{
	size_t row = 2 * (size_t)(b->cols + 1) + 2;
	char *sql, *p;
	int i, c, rc;

	sql = malloc(32 + strlen(b->table) + (size_t)rows * row);
	if (!sql)
		return diag_errno(b->d, b->f->path, -ENOMEM);
	p = sql + sprintf(sql, "INSERT INTO %s VALUES ", b->table);
	for (i = 0; i < rows; i++) {
		*p++ = i ? ',' : ' ';
		*p++ = '(';
		for (c = 0; c <= b->cols; c++)
			p += sprintf(p, c ? ",?" : "?");
		*p++ = ')';
	}
	*p = '\0';
	rc = snapfile_sql_prepare(b->f, sql, st, b->d);
	free(sql);
	return rc;
}

int snapfile_batch_exec(struct snapfile_batch *b)
{
	sqlite3_stmt *st = b->full;
	const struct snapfile_value *v = b->v;
	int i, c, col = 1, rc;

	if (b->rc || !b->nr)
		return b->rc;
	if (b->nr < SNAPFILE_BATCH || !st) {
		rc = snapfile_batch_prepare(b, b->nr, &st);
		if (rc)
			return b->rc = rc;
		if (b->nr == SNAPFILE_BATCH)
			b->full = st;
	}
	for (i = 0; i < b->nr; i++) {
		sqlite3_bind_int64(st, col++, b->id);
		for (c = 0; c < b->cols; c++, v++, col++) {
			if (v->type == SQLITE_INTEGER)
				sqlite3_bind_int64(st, col, v->i);
			else if (v->type == SQLITE_TEXT)
				sqlite3_bind_text(st, col, b->arena + v->off, v->len,
						  SQLITE_STATIC);
			else if (v->type == SQLITE_BLOB)
				sqlite3_bind_blob(st, col, b->arena + v->off, v->len,
						  SQLITE_STATIC);
			else
				sqlite3_bind_null(st, col);
		}
	}
	rc = snapfile_sql_insert(b->f, st, b->d);
	if (st != b->full)
		sqlite3_finalize(st);
	b->nr = b->at = 0;
	b->arena_len = 0;
	return b->rc = rc;
}

int snapfile_batch_finish(struct snapfile_batch *b, bool send)
{
	int rc = send ? snapfile_batch_exec(b) : 0;

	sqlite3_finalize(b->full);
	free(b->arena);
	b->full = NULL;
	b->arena = NULL;
	return rc;
}

void snapfile_batch_put_bytes(struct snapfile_batch *b, int type,
			      const void *p, size_t len)
{
	struct snapfile_value *v = &b->v[b->at++];
	size_t want;
	char *a;

	v->type = SQLITE_NULL;
	if (!p)
		return;
	/* even for "": a NULL pointer would bind as SQL NULL */
	if (!b->arena || b->arena_len + len > b->arena_alloc) {
		want = b->arena_alloc ? 2 * b->arena_alloc : 4096;
		while (want < b->arena_len + len)
			want *= 2;
		a = realloc(b->arena, want);
		if (!a) {
			b->rc = diag_errno(b->d, b->f->path, -ENOMEM);
			return;
		}
		b->arena = a;
		b->arena_alloc = want;
	}
	memcpy(b->arena + b->arena_len, p, len);
	v->type = type;
	v->len = (int)len;
	v->off = b->arena_len;
	b->arena_len += len;
}
