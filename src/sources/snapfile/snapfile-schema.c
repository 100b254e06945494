// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-schema.c - the snapshot file's tables (swapfs-snapshot(5)):
 * made in a new file; in an opened one, checked with the file's identity
 * before any row is trusted.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "snapfile-internal.h"

/*
 * The schema. Every table's primary key is its first nr_key columns; the
 * reader checks names and key positions, so an edited table that lost its
 * key (and with it the index every ORDER BY below relies on) is refused.
 */
struct snapfile_table {
	const char *name;
	unsigned int nr_key;
	const char *const columns[14];
	const char *create;
};

static const struct snapfile_table snapfile_schema_tables[] = {
	{ "meta", 1, { "key", "value" },
	  "CREATE TABLE meta(key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)"
	  " WITHOUT ROWID" },
	{ "snapshots", 1,
	  { "id", "created", "source_kind", "source_path", "kernel", "era",
	    "page_size", "cluster_size", "max", "nr_orders", "files", "step",
	    "note" },
	  "CREATE TABLE snapshots(id INTEGER PRIMARY KEY, created TEXT NOT NULL,"
	  " source_kind TEXT NOT NULL, source_path TEXT, kernel TEXT NOT NULL,"
	  " era TEXT NOT NULL, page_size INTEGER NOT NULL,"
	  " cluster_size INTEGER NOT NULL, max INTEGER NOT NULL,"
	  " nr_orders INTEGER NOT NULL, files TEXT NOT NULL, step INTEGER,"
	  " note TEXT)" },
	{ "info", 2, { "snapshot", "pos", "key", "value" },
	  "CREATE TABLE info(snapshot INTEGER NOT NULL, pos INTEGER NOT NULL,"
	  " key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(snapshot, pos))"
	  " WITHOUT ROWID" },
	{ "clusters", 2, { "snapshot", "idx", "count", "flags", "ord" },
	  "CREATE TABLE clusters(snapshot INTEGER NOT NULL, idx INTEGER NOT NULL,"
	  " count INTEGER NOT NULL, flags TEXT NOT NULL, ord INTEGER NOT NULL,"
	  " PRIMARY KEY(snapshot, idx)) WITHOUT ROWID" },
	{ "slots", 2, { "snapshot", "cluster", "data" },
	  "CREATE TABLE slots(snapshot INTEGER NOT NULL, cluster INTEGER NOT NULL,"
	  " data BLOB, PRIMARY KEY(snapshot, cluster))" },
	{ "counts", 2, { "snapshot", "slot", "count" },
	  "CREATE TABLE counts(snapshot INTEGER NOT NULL, slot INTEGER NOT NULL,"
	  " count INTEGER NOT NULL, PRIMARY KEY(snapshot, slot)) WITHOUT ROWID" },
	{ "shmem", 2, { "snapshot", "slot" },
	  "CREATE TABLE shmem(snapshot INTEGER NOT NULL, slot INTEGER NOT NULL,"
	  " PRIMARY KEY(snapshot, slot)) WITHOUT ROWID" },
	{ "folios", 2, { "snapshot", "offset", "ord", "flags" },
	  "CREATE TABLE folios(snapshot INTEGER NOT NULL, offset INTEGER NOT NULL,"
	  " ord INTEGER NOT NULL, flags TEXT NOT NULL,"
	  " PRIMARY KEY(snapshot, offset)) WITHOUT ROWID" },
	{ "runs", 2, { "snapshot", "cluster", "data" },
	  "CREATE TABLE runs(snapshot INTEGER NOT NULL, cluster INTEGER NOT NULL,"
	  " data BLOB NOT NULL, PRIMARY KEY(snapshot, cluster))" },
	{ "next", 2, { "snapshot", "pos", "cpu", "ord", "offset" },
	  "CREATE TABLE next(snapshot INTEGER NOT NULL, pos INTEGER NOT NULL,"
	  " cpu INTEGER, ord INTEGER NOT NULL, offset INTEGER NOT NULL,"
	  " PRIMARY KEY(snapshot, pos)) WITHOUT ROWID" },
	{ "counters", 3, { "snapshot", "ord", "name", "value" },
	  "CREATE TABLE counters(snapshot INTEGER NOT NULL, ord INTEGER NOT NULL,"
	  " name TEXT NOT NULL, value INTEGER NOT NULL,"
	  " PRIMARY KEY(snapshot, ord, name)) WITHOUT ROWID" },
	{ "procs", 2, { "snapshot", "pid", "comm", "refs" },
	  "CREATE TABLE procs(snapshot INTEGER NOT NULL, pid INTEGER NOT NULL,"
	  " comm TEXT NOT NULL, refs BLOB NOT NULL, PRIMARY KEY(snapshot, pid))" },
};

#define SNAPFILE_NR_TABLES \
	(sizeof(snapfile_schema_tables) / sizeof(snapfile_schema_tables[0]))

/* The schema, meta rows and identity of a new file, in one transaction. */
int snapfile_schema_create(struct snapfile *f, struct diag *d)
{
	char sql[160];
	size_t i;
	int rc;

	snprintf(sql, sizeof(sql),
		 "PRAGMA page_size=%d; PRAGMA journal_mode=OFF;"
		 " PRAGMA synchronous=OFF; PRAGMA cache_size=-%d;",
		 SNAPFILE_PAGE_SIZE, SNAPFILE_WRITE_CACHE_KIB);
	rc = snapfile_sql_exec(f, sql, d);
	if (rc)
		return rc;
	snprintf(sql, sizeof(sql),
		 "BEGIN; PRAGMA application_id=%d; PRAGMA user_version=%d;",
		 SNAPFILE_APP_ID, SNAPFILE_VERSION);
	rc = snapfile_sql_exec(f, sql, d);
	for (i = 0; !rc && i < SNAPFILE_NR_TABLES; i++)
		rc = snapfile_sql_exec(f, snapfile_schema_tables[i].create, d);
	if (!rc)
		rc = snapfile_sql_exec(f, "INSERT INTO meta VALUES"
				       " ('format', '" SNAPFILE_FORMAT "'),"
				       " ('creator', '" PACKAGE_NAME " " PACKAGE_VERSION "');"
				       " COMMIT;", d);
	return rc;
}

static int snapfile_schema_pragma(struct snapfile *f, const char *name, int64_t *v,
				  struct diag *d)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	return snapfile_sql_scalar(f, sql, 0, v, d);
}

/* Every table there, with its columns in order and its key. */
static int snapfile_schema_table(struct snapfile *f,
				 const struct snapfile_table *t, struct diag *d)
{
	sqlite3_stmt *st;
	unsigned int i = 0;
	int rc, step;

	rc = snapfile_sql_prepare(f, "SELECT name, pk FROM pragma_table_info(?1)",
				  &st, d);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int64_t pk = sqlite3_column_int64(st, 1);

		if (!t->columns[i] || !name || strcmp(name, t->columns[i])) {
			rc = diag_line(d, f->path, 0, "snap-schema",
				       "table %s: column %u is '%s', expected %s%s%s",
				       t->name, i + 1, name ? name : "?",
				       t->columns[i] ? "'" : "none",
				       t->columns[i] ? t->columns[i] : "",
				       t->columns[i] ? "'" : "");
			break;
		}
		if (pk != (i < t->nr_key ? i + 1 : 0)) {
			rc = diag_line(d, f->path, 0, "snap-schema",
				       "table %s: the primary key is not (%s%s%s%s%s)",
				       t->name, t->columns[0],
				       t->nr_key > 1 ? ", " : "",
				       t->nr_key > 1 ? t->columns[1] : "",
				       t->nr_key > 2 ? ", " : "",
				       t->nr_key > 2 ? t->columns[2] : "");
			break;
		}
		i++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = snapfile_sql_fail(f, step, d);
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (!i)
		return diag_line(d, f->path, 0, "snap-schema",
				 "table %s is missing", t->name);
	if (t->columns[i])
		return diag_line(d, f->path, 0, "snap-schema",
				 "table %s has no column '%s'", t->name,
				 t->columns[i]);
	return 0;
}

/* Whose file, which version, which tables: before any row is trusted. */
int snapfile_schema_check(struct snapfile *f, struct diag *d)
{
	const unsigned char *fmt;
	sqlite3_stmt *st;
	int64_t v;
	size_t i;
	int rc;

	rc = snapfile_schema_pragma(f, "application_id", &v, d);
	if (rc)
		return rc;
	if (v != SNAPFILE_APP_ID)
		return diag_line(d, f->path, 0, "snap-app-id",
				 "application_id is 0x%08" PRIx64 ", not swapfs's 0x%08x: not a swapfs snapshot file",
				 (uint64_t)v & 0xffffffffu, SNAPFILE_APP_ID);
	rc = snapfile_schema_pragma(f, "user_version", &v, d);
	if (rc)
		return rc;
	if (v != SNAPFILE_VERSION)
		return diag_line(d, f->path, 0, "snap-version",
				 "schema version (user_version) %" PRId64 ", this swapfs reads version %d",
				 v, SNAPFILE_VERSION);
	for (i = 0; i < SNAPFILE_NR_TABLES; i++) {
		rc = snapfile_schema_table(f, &snapfile_schema_tables[i], d);
		if (rc)
			return rc;
	}
	rc = snapfile_sql_prepare(f, "SELECT value FROM meta WHERE key = 'format'",
				  &st, d);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	fmt = rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT ?
	      sqlite3_column_text(st, 0) : NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rc = snapfile_sql_fail(f, rc, d);
	else if (!fmt || strcmp((const char *)fmt, SNAPFILE_FORMAT))
		rc = diag_line(d, f->path, 0, "snap-meta",
			       "meta row key='format': '%.40s', expected '" SNAPFILE_FORMAT "'",
			       fmt ? (const char *)fmt : "(none)");
	else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}
