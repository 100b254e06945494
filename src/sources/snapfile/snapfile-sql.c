// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-sql.c - the statements every table's code runs, and SQLite's
 * failures as -errno with a diag (snapfile-internal.h).
 */
#include <errno.h>

#include "snapfile-internal.h"

/*
 * An SQLite failure as -errno, with @d filled: a damaged or foreign file
 * is the input's fault (-EINVAL and a rule); the rest is the system's.
 */
static int snapfile_sql_error(sqlite3 *db, const char *path, int rc, struct diag *d)
{
	int sys = db ? sqlite3_system_errno(db) : 0;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FORMAT:
	case SQLITE_CONSTRAINT:	/* an append that meets rows left by an edit */
		return diag_line(d, path, 0, "snap-sqlite", "%s", msg);
	case SQLITE_ERROR:	/* SQL that does not fit the file's tables */
		return diag_line(d, path, 0, "snap-schema", "%s", msg);
	case SQLITE_NOMEM:
		return diag_errno(d, path, -ENOMEM);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return diag_errno(d, path, -EBUSY);
	case SQLITE_READONLY:
		return diag_errno(d, path, -EROFS);
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return diag_errno(d, path, -EACCES);
	case SQLITE_FULL:
		return diag_errno(d, path, -ENOSPC);
	case SQLITE_TOOBIG:
		return diag_errno(d, path, -EFBIG);
	default:
		return diag_errno(d, path, sys > 0 ? -sys : -EIO);
	}
}

int snapfile_sql_fail(struct snapfile *f, int rc, struct diag *d)
{
	return snapfile_sql_error(f->db, f->path, rc, d);
}

int snapfile_sql_exec(struct snapfile *f, const char *sql, struct diag *d)
{
	int rc = sqlite3_exec(f->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : snapfile_sql_fail(f, rc, d);
}

int snapfile_sql_prepare(struct snapfile *f, const char *sql,
			 sqlite3_stmt **st, struct diag *d)
{
	int rc = sqlite3_prepare_v2(f->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : snapfile_sql_fail(f, rc, d);
}

/* Run an INSERT whose parameters are bound, ready for the next row. */
int snapfile_sql_insert(struct snapfile *f, sqlite3_stmt *st, struct diag *d)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : snapfile_sql_fail(f, rc, d);
}

/* One integer from a query with no parameters but @id (if nonzero). */
int snapfile_sql_scalar(struct snapfile *f, const char *sql, int64_t id,
			int64_t *v, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	rc = snapfile_sql_prepare(f, sql, &st, d);
	if (rc)
		return rc;
	if (id)
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {	/* every query here yields a row */
		rc = diag_line(d, f->path, 0, "snap-schema", "'%s' gave no row", sql);
	} else {
		rc = snapfile_sql_fail(f, rc, d);
	}
	sqlite3_finalize(st);
	return rc;
}

int snapfile_sql_bind_text(sqlite3_stmt *st, int col, const char *v)
{
	return v ? sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC) :
		   sqlite3_bind_null(st, col);
}
