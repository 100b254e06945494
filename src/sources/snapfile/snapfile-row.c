// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-row.c - the row being read, column by column: each value held
 * to its type and range, each key to its order, and a refusal that names
 * the row by its primary key ("clusters row snapshot=1 idx=12: ...").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "snapfile-row.h"

void snapfile_row_describe(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		snprintf(buf, len, "%lld", (long long)sqlite3_column_int64(st, col));
		break;
	case SQLITE_FLOAT:
		snprintf(buf, len, "the real number %g", sqlite3_column_double(st, col));
		break;
	case SQLITE_TEXT:
		snprintf(buf, len, "text '%.40s'", (const char *)sqlite3_column_text(st, col));
		break;
	case SQLITE_BLOB:
		snprintf(buf, len, "a blob of %d bytes", sqlite3_column_bytes(st, col));
		break;
	default:
		snprintf(buf, len, "NULL");
	}
}

/* "clusters row snapshot=1 idx=12": which row, by its primary key. */
static void snapfile_row_name(struct snapfile_reader *r, char *buf, size_t len)
{
	char key[64], name[64] = "";

	if (!r->st) {	/* a check of the whole snapshot, its row long read */
		snprintf(buf, len, "snapshots row id=%" PRId64, r->id);
		return;
	}
	snapfile_row_describe(r->st, 0, key, sizeof(key));
	if (!strcmp(r->table, "snapshots")) {
		snprintf(buf, len, "snapshots row id=%s", key);
		return;
	}
	if (!strcmp(r->table, "counters"))
		snapfile_row_describe(r->st, 1, name, sizeof(name));
	snprintf(buf, len, "%s row snapshot=%" PRId64 " %s=%s%s%s", r->table, r->id,
		 sqlite3_column_name(r->st, 0), key, *name ? " name=" : "", name);
}

int __attribute__((format(printf, 3, 4)))
snapfile_row_bad(struct snapfile_reader *r, const char *rule, const char *fmt, ...)
{
	char what[DIAG_MAX], row[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snapfile_row_name(r, row, sizeof(row));
	return diag_line(r->d, r->f->path, 0, rule, "%s: %s", row, what);
}

int snapfile_row_nomem(struct snapfile_reader *r)
{
	return diag_errno(r->d, r->f->path, -ENOMEM);
}

int snapfile_row_int_refuse(struct snapfile_reader *r, int col, int64_t lo,
			    int64_t hi, const char *rule)
{
	char shown[80];
	int64_t v;

	if (sqlite3_column_type(r->st, col) != SQLITE_INTEGER) {
		snapfile_row_describe(r->st, col, shown, sizeof(shown));
		return snapfile_row_bad(r, "snap-type", "%s is %s, expected an integer",
					sqlite3_column_name(r->st, col), shown);
	}
	v = sqlite3_column_int64(r->st, col);
	return snapfile_row_bad(r, rule, "%s %" PRId64 " is out of range %" PRId64 "..%" PRId64,
				sqlite3_column_name(r->st, col), v, lo, hi);
}

int snapfile_row_text(struct snapfile_reader *r, int col, bool null_ok,
		      const char **v)
{
	int type = sqlite3_column_type(r->st, col);
	char shown[80];

	*v = NULL;
	if (type == SQLITE_NULL && null_ok)
		return 0;
	if (type != SQLITE_TEXT) {
		snapfile_row_describe(r->st, col, shown, sizeof(shown));
		return snapfile_row_bad(r, "snap-type", "%s is %s, expected text%s",
					sqlite3_column_name(r->st, col), shown,
					null_ok ? " or NULL" : "");
	}
	*v = (const char *)sqlite3_column_text(r->st, col);
	if (!*v)
		return snapfile_row_nomem(r);
	if (strlen(*v) != (size_t)sqlite3_column_bytes(r->st, col))
		return snapfile_row_bad(r, "snap-type", "%s holds a NUL byte",
					sqlite3_column_name(r->st, col));
	return 0;
}

int snapfile_row_each(struct snapfile_reader *r, const char *table,
		      const char *sql, int (*fn)(struct snapfile_reader *))
{
	int rc, step;

	rc = snapfile_sql_prepare(r->f, sql, &r->st, r->d);
	if (rc)
		return rc;
	sqlite3_bind_int64(r->st, 1, r->id);
	r->table = table;
	r->next_key = 0;
	r->end = 0;
	while ((step = sqlite3_step(r->st)) == SQLITE_ROW && !(rc = fn(r)))
		;
	if (!rc && step != SQLITE_DONE)
		rc = snapfile_sql_fail(r->f, step, r->d);
	sqlite3_finalize(r->st);
	r->st = NULL;
	return rc;
}

int snapfile_row_dense_key(struct snapfile_reader *r, const char *rule,
			   int64_t key)
{
	if ((uint64_t)key == r->next_key) {
		r->next_key++;
		return 0;
	}
	if ((uint64_t)key < r->next_key)
		return snapfile_row_bad(r, rule, "%s %" PRId64 " is given twice",
					sqlite3_column_name(r->st, 0), key);
	return snapfile_row_bad(r, rule, "%s %" PRIu64 " has no row (they count up from 0 with no gap)",
				sqlite3_column_name(r->st, 0), r->next_key);
}

int snapfile_row_rising_key(struct snapfile_reader *r, const char *rule,
			    int64_t key)
{
	if ((uint64_t)key < r->next_key)
		return snapfile_row_bad(r, rule, "%s %" PRId64 " is given twice",
					sqlite3_column_name(r->st, 0), key);
	r->next_key = (uint64_t)key + 1;
	return 0;
}
