// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile.c - the snapshot file (snapfile.h, swapfs-snapshot(5)): the
 * model in SQLite tables, and back with every row validated.
 *
 * Layout, measured on a 1 TiB device (2^28 slots, half the clusters in
 * use; the numbers are in swapfs-snapshot(5)):
 *  - 64 KiB pages: a cluster's slot blob (1 KiB at cluster_size 512, at
 *    most 32 KiB) always fits its b-tree page, and a scan reads 16 times
 *    fewer pages than at 4 KiB.
 *  - slots is a rowid table with its key as an index beside it. Appended
 *    in key order, rowid leaves fill up completely: 8% smaller than
 *    WITHOUT ROWID and as fast, and a file rebuilt with small pages
 *    (VACUUM) stays usable, where a WITHOUT ROWID table at 4 KiB pages
 *    pushes every 1 KiB blob into an overflow page (4x the size, 3x the
 *    write time).
 *  - every other table has small rows: WITHOUT ROWID, the key is the row.
 * Reading decodes each blob straight from SQLite's page into s->slots,
 * with a small page cache and no mmap: the peak is the slot array plus a
 * few MiB, never a second copy of the device.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <emmintrin.h>
#define SNAPFILE_SSE2	1
#endif

#include "config.h"
#include "swapfs/durable.h"
#include "swapfs/info.h"
#include "swapfs/snapfile.h"
#include "swapfs/era.h"

#define SNAPFILE_APP_ID		0x53574653	/* "SWFS" */
#define SNAPFILE_VERSION	1
#define SNAPFILE_FORMAT		"swapfs-snapshot 1"
#define SNAPFILE_PAGE_SIZE	65536
/* SQLite page cache in KiB: blobs are read once, in key order. */
#define SNAPFILE_READ_CACHE_KIB	2048
/* Writing touches the tables' right edges and the runs table in turns. */
#define SNAPFILE_WRITE_CACHE_KIB 16384
#define SNAPFILE_BUSY_MS	5000
/* A dump has a few dozen info keys; this many is no device description. */
#define SNAPFILE_MAX_INFO	1024
/* The dump's bounds: what its info line and next file can hold. */
#define SNAPFILE_INFO_VALUE_MAX	4096
#define SNAPFILE_NR_FILES	6
/* A runs blob entry: the run's slot in its cluster above its order. */
#define SNAPFILE_RUN_SHIFT	4
#define SNAPFILE_RUN_ORDER	0xfu

/* What a slot's page is: only a slot in use has a mark, and never both. */
#define SNAPFILE_SLOT_MARKS	(SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)

struct snapfile {
	sqlite3 *db;
	char *path;		/* where the file is, or will be: for messages */
	char *tmp;		/* created: the temporary being built; else NULL */
	int tmp_fd;		/* created: ours, to fsync it after SQLite is done */
	bool writable;
	bool replace;		/* created: commit may replace an existing file */
	bool spoilt;		/* created: an append failed midway (no journal) */
};

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

static const struct snapfile_table snapfile_tables[] = {
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

#define SNAPFILE_NR_TABLES	(sizeof(snapfile_tables) / sizeof(snapfile_tables[0]))

/* enum snapshot_file, bit by bit: the names of the dump's optional files. */
static const char *const snapfile_files[SNAPFILE_NR_FILES] = {
	"cache", "continued", "zeromap", "zswap", "orders", "next",
};

static const char *const snapfile_kinds[] = {
	"dump", "snapshot", "sim", "capture",
};

/* ---- SQLite's errors --------------------------------------------------------- */

/*
 * An SQLite failure as -errno, with @d filled: a damaged or foreign file
 * is the input's fault (-EINVAL and a rule); the rest is the system's.
 */
static int snapfile_fail(sqlite3 *db, const char *path, int rc, struct diag *d)
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

static int snapfile_sql_fail(struct snapfile *f, int rc, struct diag *d)
{
	return snapfile_fail(f->db, f->path, rc, d);
}

static int snapfile_exec(struct snapfile *f, const char *sql, struct diag *d)
{
	int rc = sqlite3_exec(f->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : snapfile_sql_fail(f, rc, d);
}

static int snapfile_prepare(struct snapfile *f, const char *sql,
			    sqlite3_stmt **st, struct diag *d)
{
	int rc = sqlite3_prepare_v2(f->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : snapfile_sql_fail(f, rc, d);
}

/* Run an INSERT whose parameters are bound, ready for the next row. */
static int snapfile_insert(struct snapfile *f, sqlite3_stmt *st, struct diag *d)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : snapfile_sql_fail(f, rc, d);
}

/* One integer from a query with no parameters but @id (if nonzero). */
static int snapfile_scalar(struct snapfile *f, const char *sql, int64_t id,
			   int64_t *v, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	rc = snapfile_prepare(f, sql, &st, d);
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

/* ---- text the tables hold ----------------------------------------------------- */

static bool snapfile_pow2(int64_t v)
{
	return v > 0 && !(v & (v - 1));
}

static unsigned int snapfile_log2(uint64_t v)
{
	unsigned int shift = 0;

	while ((1ull << shift) < v)
		shift++;
	return shift;
}

/* "YYYY-MM-DDTHH:MM:SS[.fraction]Z", the UTC form swapfs writes. */
static bool snapfile_created_ok(const char *t)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	unsigned int mon, day, hour, min, sec;
	size_t i, frac = 0;

	for (i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != pat[i])
			return false;
	if (sscanf(t + 5, "%2u-%2uT%2u:%2u:%2u", &mon, &day, &hour, &min, &sec) != 5 ||
	    !mon || mon > 12 || !day || day > 31 || hour > 23 || min > 59 || sec > 60)
		return false;
	t += i;
	if (*t == '.')
		for (t++; *t >= '0' && *t <= '9' && frac < 10; t++)
			frac++;
	return (frac || t[-1] != '.') && frac < 10 && t[0] == 'Z' && !t[1];
}

static bool snapfile_kind_ok(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof(snapfile_kinds) / sizeof(snapfile_kinds[0]); i++)
		if (!strcmp(kind, snapfile_kinds[i]))
			return true;
	return false;
}

/* Whether the first @n bytes of @list hold @name as one of its items. */
static bool snapfile_listed(const char *list, size_t n, const char *name,
			    size_t len)
{
	const char *p = list, *end = list + n, *comma;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (!comma)
			comma = end;
		if ((size_t)(comma - p) == len && !memcmp(p, name, len))
			return true;
		p = comma + 1;
	}
	return false;
}

/*
 * Canonical comma lists: the names @parse knows (it returns their bit),
 * each once and in bit order, then, when @extra is not NULL, names it does
 * not know, each once. Returns NULL, or why @text is not one; *@extra
 * points into @text.
 */
static const char *snapfile_list_parse(const char *text,
				       int (*parse)(const char *, size_t),
				       unsigned int *bits, const char **extra)
{
	const char *p = text, *comma, *first_extra = NULL;
	int bit, last = -1;
	size_t len;

	*bits = 0;
	if (extra)
		*extra = "";
	if (!*p)
		return NULL;
	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (!snapshot_flag_name_ok(p, len))
			return "a name is empty or not made of [a-z0-9_]";
		bit = parse(p, len);
		if (bit >= 0) {
			if (first_extra)
				return "known names come before the others";
			if (bit <= last)
				return "known names must be in their order, each once";
			last = bit;
			*bits |= 1u << bit;
		} else if (!extra) {
			return "a name is not known";
		} else {
			if (!first_extra)
				first_extra = p;
			if (snapfile_listed(first_extra, (size_t)(p - first_extra),
					    p, len))
				return "a name is given twice";
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	if (extra && first_extra)
		*extra = first_extra;
	return NULL;
}

static int snapfile_file_parse(const char *name, size_t len)
{
	int i;

	for (i = 0; i < SNAPFILE_NR_FILES; i++)
		if (strlen(snapfile_files[i]) == len &&
		    !memcmp(snapfile_files[i], name, len))
			return i;
	return -1;
}

/* Append @name to the comma list in @buf (of @size bytes). */
static void snapfile_list_add(char *buf, size_t size, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n ? "," : "", name);
}

/* An info key as the dump's info file allows it: [A-Za-z0-9_.-]+. */
static const char *snapfile_info_why(const char *key, const char *value)
{
	const char *p;
	size_t n = strlen(value);

	if (!*key)
		return "the key is empty";
	for (p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-.", *p)))
			return "the key is not made of letters, digits, '_', '-', '.'";
	if (n > SNAPFILE_INFO_VALUE_MAX)
		return "the value is longer than a dump's info line allows";
	for (p = value; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return "the value holds a control character";
	if (n && (strchr(" \t", value[0]) || strchr(" \t", value[n - 1])))
		return "the value starts or ends with a blank";
	return NULL;
}

/* ---- probe, create, open, close ----------------------------------------------- */

bool snapfile_probe(const char *path)
{
	uint8_t h[100];
	struct stat st;
	size_t got = 0;
	uint32_t app;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang a probe */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    durable_pread(fd, h, sizeof(h), 0, &got))
		got = 0;
	close(fd);
	if (got != sizeof(h) || memcmp(h, "SQLite format 3", 16))
		return false;
	memcpy(&app, h + 68, sizeof(app));
	return be32toh(app) == SNAPFILE_APP_ID;
}

static struct snapfile *snapfile_alloc(const char *path)
{
	struct snapfile *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->tmp_fd = -1;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return NULL;
	}
	return f;
}

/* Close and free @f; a created file's temporary is removed. */
static void snapfile_free(struct snapfile *f)
{
	sqlite3_close_v2(f->db);
	if (f->tmp_fd >= 0)
		close(f->tmp_fd);
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	free(f);
}

void snapfile_close(struct snapfile *f)
{
	if (f)
		snapfile_free(f);
}

/*
 * ".NAME.tmp-XXXXXX" beside @f->path, created exclusively with mode 0666
 * so the umask decides, as it does for any new file (mkstemp would force
 * 0600 on what is a data file people share).
 */
static int snapfile_tmp_create(struct snapfile *f)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const char *slash = strrchr(f->path, '/');
	const char *base = slash ? slash + 1 : f->path;
	int dirlen = slash ? (int)(slash - f->path + 1) : 0;
	unsigned char rnd[6];
	char *tmp, *x;
	int tries, i, fd = -1, err = EEXIST;

	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return -EISDIR;
	if (asprintf(&tmp, "%.*s.%s.tmp-XXXXXX", dirlen, f->path, base) < 0)
		return -ENOMEM;
	x = tmp + strlen(tmp) - 6;
	for (tries = 0; fd < 0 && err == EEXIST && tries < 100; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
			err = errno;
			break;
		}
		for (i = 0; i < 6; i++)
			x[i] = abc[rnd[i] % (sizeof(abc) - 1)];
		fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			  0666);
		err = fd < 0 ? errno : 0;
	}
	if (fd < 0) {
		free(tmp);
		return -err;
	}
	/* only now is the name ours to remove */
	f->tmp = tmp;
	f->tmp_fd = fd;
	return 0;
}

/* The schema, meta rows and identity of a new file, in one transaction. */
static int snapfile_init(struct snapfile *f, struct diag *d)
{
	char sql[160];
	size_t i;
	int rc;

	snprintf(sql, sizeof(sql),
		 "PRAGMA page_size=%d; PRAGMA journal_mode=OFF;"
		 " PRAGMA synchronous=OFF; PRAGMA cache_size=-%d;",
		 SNAPFILE_PAGE_SIZE, SNAPFILE_WRITE_CACHE_KIB);
	rc = snapfile_exec(f, sql, d);
	if (rc)
		return rc;
	snprintf(sql, sizeof(sql),
		 "BEGIN; PRAGMA application_id=%d; PRAGMA user_version=%d;",
		 SNAPFILE_APP_ID, SNAPFILE_VERSION);
	rc = snapfile_exec(f, sql, d);
	for (i = 0; !rc && i < SNAPFILE_NR_TABLES; i++)
		rc = snapfile_exec(f, snapfile_tables[i].create, d);
	if (!rc)
		rc = snapfile_exec(f, "INSERT INTO meta VALUES"
				   " ('format', '" SNAPFILE_FORMAT "'),"
				   " ('creator', '" PACKAGE_NAME " " PACKAGE_VERSION "');"
				   " COMMIT;", d);
	return rc;
}

int snapfile_create(const char *path, bool replace, struct snapfile **out,
		    struct diag *d)
{
	struct snapfile *f;
	struct stat st;
	int rc;

	diag_clear(d);
	*out = NULL;
	if (!replace && !lstat(path, &st))
		return diag_errno(d, path, -EEXIST);
	f = snapfile_alloc(path);
	if (!f)
		return diag_errno(d, path, -ENOMEM);
	rc = snapfile_tmp_create(f);
	if (rc) {
		snapfile_free(f);
		return diag_errno(d, path, rc);
	}
	/* the file is empty: SQLite makes it a new database */
	rc = sqlite3_open_v2(f->tmp, &f->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		rc = snapfile_sql_fail(f, rc, d);
	else
		rc = snapfile_init(f, d);
	if (rc) {
		snapfile_free(f);
		return rc;
	}
	f->writable = true;
	f->replace = replace;
	*out = f;
	return 0;
}

static int snapfile_pragma(struct snapfile *f, const char *name, int64_t *v,
			   struct diag *d)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	return snapfile_scalar(f, sql, 0, v, d);
}

/* Every table there, with its columns in order and its key. */
static int snapfile_check_table(struct snapfile *f,
				const struct snapfile_table *t, struct diag *d)
{
	sqlite3_stmt *st;
	unsigned int i = 0;
	int rc, step;

	rc = snapfile_prepare(f, "SELECT name, pk FROM pragma_table_info(?1)",
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
static int snapfile_check_file(struct snapfile *f, struct diag *d)
{
	const unsigned char *fmt;
	sqlite3_stmt *st;
	int64_t v;
	size_t i;
	int rc;

	rc = snapfile_pragma(f, "application_id", &v, d);
	if (rc)
		return rc;
	if (v != SNAPFILE_APP_ID)
		return diag_line(d, f->path, 0, "snap-app-id",
				 "application_id is 0x%08" PRIx64 ", not swapfs's 0x%08x: not a swapfs snapshot file",
				 (uint64_t)v & 0xffffffffu, SNAPFILE_APP_ID);
	rc = snapfile_pragma(f, "user_version", &v, d);
	if (rc)
		return rc;
	if (v != SNAPFILE_VERSION)
		return diag_line(d, f->path, 0, "snap-version",
				 "schema version (user_version) %" PRId64 ", this swapfs reads version %d",
				 v, SNAPFILE_VERSION);
	for (i = 0; i < SNAPFILE_NR_TABLES; i++) {
		rc = snapfile_check_table(f, &snapfile_tables[i], d);
		if (rc)
			return rc;
	}
	rc = snapfile_prepare(f, "SELECT value FROM meta WHERE key = 'format'",
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

/*
 * A write killed mid-transaction leaves a hot rollback journal beside the
 * file, and a read-only connection cannot roll it back (SQLite answers
 * SQLITE_READONLY_ROLLBACK): the file would be unreadable until someone
 * wrote to it. A reader that may write opens it once read-write and reads
 * the schema, which rolls the journal back, so the file shows the state
 * before the killed write; one that may not is told what to do. A journal
 * of a write in progress elsewhere is not hot (its writer holds a lock):
 * SQLite leaves it alone.
 */
static int snapfile_roll_back(const char *path, struct diag *d)
{
	char journal[PATH_MAX];
	sqlite3 *db = NULL;
	struct stat st;

	if ((size_t)snprintf(journal, sizeof(journal), "%s-journal", path) >=
	    sizeof(journal) || stat(journal, &st) || !st.st_size)
		return 0;
	if (access(path, W_OK)) {
		return diag_line(d, path, 0, "snap-hot-journal",
				 "an interrupted write left %s; open the file once "
				 "with write access to roll it back (swapfs import "
				 "--append, or sqlite3 FILE 'PRAGMA quick_check')",
				 journal);
	}
	/* a failure here is the read-only open's to report, in its words */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, SNAPFILE_BUSY_MS);
		sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	}
	sqlite3_close(db);
	return 0;
}

int snapfile_open(const char *path, bool writable, struct snapfile **out,
		  struct diag *d)
{
	struct snapfile *f;
	struct stat st;
	char sql[160];
	int rc;

	diag_clear(d);
	*out = NULL;
	if (stat(path, &st))
		return diag_errno(d, path, -errno);
	if (S_ISDIR(st.st_mode))
		return diag_errno(d, path, -EISDIR);
	if (!S_ISREG(st.st_mode))
		return diag_line(d, path, 0, "snap-sqlite",
				 "not a regular file, so not a snapshot file");
	if (!writable) {
		rc = snapfile_roll_back(path, d);
		if (rc)
			return rc;
	}
	f = snapfile_alloc(path);
	if (!f)
		return diag_errno(d, path, -ENOMEM);
	rc = sqlite3_open_v2(path, &f->db, SQLITE_OPEN_NOMUTEX |
			     (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY),
			     NULL);
	if (rc != SQLITE_OK) {
		rc = snapfile_sql_fail(f, rc, d);
		goto fail;
	}
	sqlite3_busy_timeout(f->db, SNAPFILE_BUSY_MS);
	/* Appends are transactions users keep: a journal and full syncs. */
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d; %s",
		 writable ? SNAPFILE_WRITE_CACHE_KIB : SNAPFILE_READ_CACHE_KIB,
		 writable ? "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;" :
			    "PRAGMA query_only=1;");
	rc = snapfile_check_file(f, d);
	if (!rc)
		rc = snapfile_exec(f, sql, d);
	if (rc)
		goto fail;
	f->writable = writable;
	*out = f;
	return 0;
fail:
	snapfile_free(f);
	return rc;
}

/* Rename without replacing: an existing @path stays, even one new since create. */
static int snapfile_rename(const char *tmp, const char *path, bool replace)
{
	if (replace)
		return rename(tmp, path) ? -errno : 0;
	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* a filesystem without RENAME_NOREPLACE: link() refuses EEXIST too */
	if (link(tmp, path))
		return -errno;
	unlink(tmp);
	return 0;
}

int snapfile_commit(struct snapfile *f, struct diag *d)
{
	int rc;

	diag_clear(d);
	if (f->spoilt) {
		rc = diag_line(d, f->path, 0, "snap-incomplete",
			       "not written: an append failed midway, so the new file is incomplete");
		snapfile_free(f);
		return rc;
	}
	/* every statement is finalized by now: close is not refused */
	rc = sqlite3_close(f->db) == SQLITE_OK ? 0 : -EBUSY;
	if (!rc)
		f->db = NULL;
	if (!rc && f->tmp) {
		rc = durable_close(f->tmp_fd);
		f->tmp_fd = -1;
		if (!rc)
			rc = snapfile_rename(f->tmp, f->path, f->replace);
		if (!rc) {
			free(f->tmp);
			f->tmp = NULL;
			rc = durable_sync_dir(f->path);
		}
	}
	if (rc)
		diag_errno(d, f->path, rc);
	snapfile_free(f);
	return rc;
}

/* ---- writing ------------------------------------------------------------------- */

struct snapfile_batch;

struct snapfile_writer {
	struct snapfile *f;
	const struct snapshot *s;
	const struct snapfile_counter *counters;
	size_t nr_counters;
	struct diag *d;
	int64_t id;
	struct snapfile_batch *runs;	/* runs rows go out beside the slots */
	char *text;			/* a folio's flags as text */
	size_t text_alloc;
};

static int __attribute__((format(printf, 3, 4)))
snapfile_refuse(struct snapfile_writer *w, const char *rule, const char *fmt, ...)
{
	char what[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return diag_line(w->d, w->f->path, 0, rule, "cannot store the snapshot: %s",
			 what);
}

/* The provenance and device, as the snapshots row will hold them. */
static int snapfile_check_head(struct snapfile_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapshot_device *dev = &s->dev;
	const struct snapshot_provenance *p = &s->prov;

	if (!s->slots || !s->clusters || !dev->max || !dev->kernel ||
	    !era_get(dev->era))
		return snapfile_refuse(w, "snap-model",
				       "it has no device (info_apply() and snapshot_set_geometry() give it one)");
	if (!p->source_kind || !snapfile_kind_ok(p->source_kind))
		return snapfile_refuse(w, "snap-source-kind",
				       "source kind '%s' is not one of dump, snapshot, sim, capture",
				       p->source_kind ? p->source_kind : "(none)");
	if (p->created && *p->created && !snapfile_created_ok(p->created))
		return snapfile_refuse(w, "snap-created",
				       "created '%.40s' is not YYYY-MM-DDTHH:MM:SSZ (UTC)",
				       p->created);
	if (p->step < -1)
		return snapfile_refuse(w, "snap-step", "step %" PRId64 " is negative",
				       p->step);
	if (s->files >> SNAPFILE_NR_FILES)
		return snapfile_refuse(w, "snap-files",
				       "files 0x%x has bits no dump file stands for",
				       s->files);
	return 0;
}

/* What becomes text, and what the reader would refuse: before any row. */
static int snapfile_check_rows(struct snapfile_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapfile_counter *c = w->counters;
	const char *why, *extra;
	unsigned int bits;
	size_t i, j;

	for (i = 0; i < s->nr_info; i++)
		if ((why = snapfile_info_why(s->info[i].key, s->info[i].value)))
			return snapfile_refuse(w, "snap-info-key", "info key '%.40s': %s",
					       s->info[i].key, why);
	for (i = 0; i < s->dev.nr_clusters; i++)
		if (s->clusters[i].flags >= SNAPSHOT_CLUSTER_NR_FLAGS ||
		    s->clusters[i].order >= s->dev.nr_orders ||
		    s->clusters[i].count > s->dev.cluster_size)
			return snapfile_refuse(w, "snap-cluster", "cluster %zu: flags %u, order %u, count %u",
					       i, s->clusters[i].flags,
					       s->clusters[i].order, s->clusters[i].count);
	for (i = 0; i < s->nr_folios; i++) {
		const struct snapshot_folio *fo = &s->folios[i];

		extra = snapshot_folio_extra(s, fo);
		why = snapfile_list_parse(extra, snapshot_folio_flag_parse, &bits,
					  &extra);
		if (why || bits || fo->flags >> SNAPSHOT_FOLIO_NR_FLAGS)
			return snapfile_refuse(w, "snap-folio-flags",
					       "folio at %u: flags 0x%x '%.60s': %s", fo->offset,
					       fo->flags, snapshot_folio_extra(s, fo),
					       why ? why : "the other names hold a known one");
	}
	for (i = 0; i < w->nr_counters; i++) {
		size_t len = strnlen(c[i].name, sizeof(c[i].name));

		if (len == sizeof(c[i].name) || !snapshot_flag_name_ok(c[i].name, len))
			return snapfile_refuse(w, "snap-counter-name",
					       "counter '%.*s' is not a name of [a-z0-9_], 1 to %zu bytes",
					       (int)len, c[i].name, sizeof(c[i].name) - 1);
		if (c[i].order >= s->dev.nr_orders)
			return snapfile_refuse(w, "snap-counter-order",
					       "counter %s: order %u is not below nr_orders %u",
					       c[i].name, c[i].order, s->dev.nr_orders);
		if (c[i].value > INT64_MAX)
			return snapfile_refuse(w, "snap-counter-value",
					       "counter %s: %" PRIu64 " does not fit SQLite's integers",
					       c[i].name, c[i].value);
		/* a few names per order: pairs are cheaper than a sort */
		for (j = 0; j < i; j++)
			if (c[j].order == c[i].order && !strcmp(c[j].name, c[i].name))
				return snapfile_refuse(w, "snap-counter-duplicate",
						       "counter %s of order %u is given twice",
						       c[i].name, c[i].order);
	}
	return 0;
}

/* ---- batched inserts ------------------------------------------------------------- */

/*
 * Rows go to SQLite SNAPFILE_BATCH at a time, as one multi-row INSERT:
 * within one statement execution SQLite's cursor stays at the table's
 * end, so a row in key order is appended without a search from the root.
 * Measured on 5.7 million runs rows: 9.4 s one by one, 2.8 s in 64s.
 */
#define SNAPFILE_BATCH		64
#define SNAPFILE_MAX_COLS	4	/* after the snapshot id */

struct snapfile_value {
	int type;		/* SQLITE_INTEGER, _TEXT, _BLOB or _NULL */
	int len;		/* text, blob: bytes at arena + off */
	union {
		int64_t i;
		size_t off;
	};
};

struct snapfile_batch {
	struct snapfile *f;
	struct diag *d;
	int64_t id;			/* every row's first column */
	const char *table;
	int cols;			/* columns after the id */
	sqlite3_stmt *full;		/* SNAPFILE_BATCH rows, prepared when first full */
	struct snapfile_value v[SNAPFILE_BATCH * SNAPFILE_MAX_COLS];
	int nr, at;			/* rows complete, values put */
	char *arena;			/* the rows' text and blob bytes */
	size_t arena_len, arena_alloc;
	int rc;				/* the first failure of a put */
};

static void snapfile_batch_init(struct snapfile_batch *b, struct snapfile *f,
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
	rc = snapfile_prepare(b->f, sql, st, b->d);
	free(sql);
	return rc;
}

static int snapfile_batch_exec(struct snapfile_batch *b)
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
	rc = snapfile_insert(b->f, st, b->d);
	if (st != b->full)
		sqlite3_finalize(st);
	b->nr = b->at = 0;
	b->arena_len = 0;
	return b->rc = rc;
}

/* Send the rows not yet sent (unless @send is false), then free @b's. */
static int snapfile_batch_finish(struct snapfile_batch *b, bool send)
{
	int rc = send ? snapfile_batch_exec(b) : 0;

	sqlite3_finalize(b->full);
	free(b->arena);
	b->full = NULL;
	b->arena = NULL;
	return rc;
}

static void snapfile_put_int(struct snapfile_batch *b, int64_t i)
{
	struct snapfile_value *v = &b->v[b->at++];

	v->type = SQLITE_INTEGER;
	v->i = i;
}

/* Text or blob @p (NULL: SQL NULL), copied: a row outlives its buffers. */
static void snapfile_put_bytes(struct snapfile_batch *b, int type,
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

static void snapfile_put_text(struct snapfile_batch *b, const char *text)
{
	snapfile_put_bytes(b, SQLITE_TEXT, text, text ? strlen(text) : 0);
}

/* A row is complete: send the batch when it is full. */
static int snapfile_row_done(struct snapfile_batch *b)
{
	if (b->rc)
		return b->rc;
	return ++b->nr == SNAPFILE_BATCH ? snapfile_batch_exec(b) : 0;
}

/* ---- slot words, four at a time --------------------------------------------------- */

/* @w in each 16-bit lane of a u64: four slot words are tested at once. */
#define SNAPFILE_LANES(w)	((uint64_t)(uint16_t)(w) * 0x0001000100010001ull)

static inline uint16_t snapfile_fold(uint64_t x)
{
	return (uint16_t)(x | x >> 16 | x >> 32 | x >> 48);
}

/* 0xffff in each lane of @x that is not zero; lanes must be below 0x8000. */
static inline uint64_t snapfile_lanes_set(uint64_t x)
{
	return (((x + SNAPFILE_LANES(0x7fff)) & SNAPFILE_LANES(0x8000)) >> 15) *
	       0xffff;
}

/*
 * Nonzero in each lane whose slot word says what no era can: bits that
 * are never stored, references on a bad slot, the zero or zswap mark on a
 * slot that holds no page (free or bad), or both marks. Branch-free, four
 * words an operation: the blob check costs less than copying it.
 */
static inline uint64_t snapfile_lanes_bad(uint64_t x)
{
	uint64_t bad = snapfile_lanes_set(x & SNAPFILE_LANES(SNAPSHOT_SLOT_BAD));
	uint64_t used = snapfile_lanes_set(x & SNAPFILE_LANES(SNAPSHOT_SLOT_COUNT |
							     SNAPSHOT_SLOT_CACHED));

	return (x & SNAPFILE_LANES(~SNAPSHOT_SLOT_STORED)) |
	       (bad & x & SNAPFILE_LANES(SNAPSHOT_SLOT_COUNT)) |
	       (x & SNAPFILE_LANES(SNAPFILE_SLOT_MARKS) & (bad | ~used)) |
	       ((x << 1) & x & SNAPFILE_LANES(SNAPSHOT_SLOT_ZSWAP));
}

/* How many lanes of @x have count 127 (see counts[]): their sum, by multiply. */
static inline unsigned int snapfile_lanes_big(uint64_t x)
{
	uint64_t one = (((x & SNAPFILE_LANES(SNAPSHOT_SLOT_COUNT)) +
			 SNAPFILE_LANES(1)) >> 7) & SNAPFILE_LANES(1);

	return (unsigned int)((one * SNAPFILE_LANES(1)) >> 48);
}

/*
 * The 1-byte form of a slot word (swapfs-snapshot(5)): count 0..15 in
 * bits 0..3, then cached, bad, zero, zswap in bits 4..7 (the word's bits
 * 7..10, shifted down by 3). A cluster is stored so when none of its
 * counts needs bits 4..6 of the word.
 */
#define SNAPFILE_BYTE_COUNT	0x0fu
#define SNAPFILE_BYTE_FLAGS	0xf0u
#define SNAPFILE_BYTE_SHIFT	3
#define SNAPFILE_WORD_WIDE	(SNAPSHOT_SLOT_COUNT & ~SNAPFILE_BYTE_COUNT)

/*
 * Cluster words @src[0..@n) as the file stores them, into @out: nothing
 * when no word has a stored bit (the row's data is NULL), else 1 byte a
 * slot when every count fits 4 bits, else 2 (bits 0..10, little endian).
 * Returns the blob's length; *@all gets the OR of the words.
 */
#ifdef SNAPFILE_SSE2
/* 16 words to 16 bytes at a time; returns how many were done. */
static uint32_t snapfile_encode_bytes_fast(uint8_t *out, const uint16_t *src,
					   uint32_t n)
{
	const __m128i count = _mm_set1_epi16(SNAPFILE_BYTE_COUNT);
	const __m128i flags = _mm_set1_epi16(SNAPFILE_BYTE_FLAGS);
	__m128i a, b;
	uint32_t j;

	for (j = 0; j + 16 <= n; j += 16) {
		a = _mm_loadu_si128((const __m128i *)(src + j));
		b = _mm_loadu_si128((const __m128i *)(src + j + 8));
		a = _mm_or_si128(_mm_and_si128(a, count),
				 _mm_and_si128(_mm_srli_epi16(a, SNAPFILE_BYTE_SHIFT), flags));
		b = _mm_or_si128(_mm_and_si128(b, count),
				 _mm_and_si128(_mm_srli_epi16(b, SNAPFILE_BYTE_SHIFT), flags));
		_mm_storeu_si128((__m128i *)(out + j), _mm_packus_epi16(a, b));
	}
	return j;
}

/* Bit i set when word i of 8 from @src heads a run. */
static inline unsigned int snapfile_heads8(const uint16_t *src)
{
	const __m128i head = _mm_set1_epi16(SNAPSHOT_SLOT_HEAD);
	__m128i x = _mm_and_si128(_mm_loadu_si128((const __m128i *)src), head);

	x = _mm_cmpeq_epi16(x, head);
	return (unsigned int)_mm_movemask_epi8(_mm_packs_epi16(x, x)) & 0xffu;
}
#else
static uint32_t snapfile_encode_bytes_fast(uint8_t *out, const uint16_t *src,
					   uint32_t n)
{
	return 0;
}

static inline unsigned int snapfile_heads8(const uint16_t *src)
{
	unsigned int i, m = 0;

	for (i = 0; i < 8; i++)
		m |= (src[i] & SNAPSHOT_SLOT_HEAD ? 1u : 0u) << i;
	return m;
}
#endif

static uint32_t snapfile_encode(uint8_t *out, const uint16_t *src, uint32_t n,
				uint16_t *all)
{
	uint64_t x, words = 0;
	uint32_t j = 0;
	uint16_t v;

	for (; j + 4 <= n; j += 4) {
		memcpy(&x, src + j, sizeof(x));
		words |= x;
	}
	for (; j < n; j++)
		words |= src[j];
	*all = snapfile_fold(words);
	if (!(*all & SNAPSHOT_SLOT_STORED))
		return 0;
	if (!(*all & SNAPFILE_WORD_WIDE)) {
		j = snapfile_encode_bytes_fast(out, src, n);
		for (; j < n; j++)
			out[j] = (uint8_t)((src[j] & SNAPFILE_BYTE_COUNT) |
					   ((src[j] >> SNAPFILE_BYTE_SHIFT) &
					    SNAPFILE_BYTE_FLAGS));
		return n;
	}
	for (j = 0; j < n; j++) {
		v = htole16(src[j] & SNAPSHOT_SLOT_STORED);
		memcpy(out + 2 * j, &v, sizeof(v));
	}
	return 2 * n;
}

/*
 * The runs headed among cluster words @src[0..@n), as the entries of its
 * runs blob: (slot - first slot) << 4 | order, little endian, ascending.
 * Returns how many; *@top gets the largest order.
 */
static uint32_t snapfile_run_entries(uint32_t *out, const uint16_t *src,
				     uint32_t n, unsigned int *top)
{
	uint32_t i, j, nr = 0;
	unsigned int m;
	int k;

	*top = 0;
	for (j = 0; j + 8 <= n; j += 8) {
		for (m = snapfile_heads8(src + j); m; m &= m - 1) {
			i = j + (uint32_t)__builtin_ctz(m);
			k = snapshot_slot_order(src[i]);
			if (k < 0)
				continue;
			if ((unsigned int)k > *top)
				*top = (unsigned int)k;
			out[nr++] = htole32(i << SNAPFILE_RUN_SHIFT | (unsigned int)k);
		}
	}
	for (; j < n; j++) {
		if (!(src[j] & SNAPSHOT_SLOT_HEAD) ||
		    (k = snapshot_slot_order(src[j])) < 0)
			continue;
		if ((unsigned int)k > *top)
			*top = (unsigned int)k;
		out[nr++] = htole32(j << SNAPFILE_RUN_SHIFT | (unsigned int)k);
	}
	return nr;
}

/* ---- the rows of one snapshot ------------------------------------------------------ */

static int snapfile_bind_text(sqlite3_stmt *st, int col, const char *v)
{
	return v ? sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC) :
		   sqlite3_bind_null(st, col);
}

static int snapfile_write_head(struct snapfile_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapshot_provenance *p = &s->prov;
	char files[64] = "", created[32], era[2] = { s->dev.era, 0 };
	sqlite3_stmt *st;
	struct tm tm;
	time_t now;
	int i, rc;

	rc = snapfile_scalar(w->f, "SELECT coalesce(max(id), 0) + 1 FROM snapshots",
			     0, &w->id, w->d);
	if (rc)
		return rc;
	for (i = 0; i < SNAPFILE_NR_FILES; i++)
		if (s->files & (1u << i))
			snapfile_list_add(files, sizeof(files), snapfile_files[i]);
	/* a state of unknown age was at least there when it was stored */
	if (p->created && *p->created) {
		snprintf(created, sizeof(created), "%s", p->created);
	} else {
		now = time(NULL);
		if (!gmtime_r(&now, &tm) ||
		    !strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm))
			return diag_errno(w->d, w->f->path, -EOVERFLOW);
	}
	rc = snapfile_prepare(w->f, "INSERT INTO snapshots VALUES"
			      " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
			      &st, w->d);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, w->id);
	snapfile_bind_text(st, 2, created);
	snapfile_bind_text(st, 3, p->source_kind);
	snapfile_bind_text(st, 4, p->source_path);
	snapfile_bind_text(st, 5, s->dev.kernel);
	snapfile_bind_text(st, 6, era);
	sqlite3_bind_int64(st, 7, s->dev.page_size);
	sqlite3_bind_int64(st, 8, s->dev.cluster_size);
	sqlite3_bind_int64(st, 9, s->dev.max);
	sqlite3_bind_int64(st, 10, s->dev.nr_orders);
	snapfile_bind_text(st, 11, files);
	if (p->step >= 0)
		sqlite3_bind_int64(st, 12, p->step);
	snapfile_bind_text(st, 13, p->note);
	rc = snapfile_insert(w->f, st, w->d);
	sqlite3_finalize(st);
	return rc;
}

static int snapfile_write_info(struct snapfile_writer *w, struct snapfile_batch *b)
{
	const struct snapshot *s = w->s;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < s->nr_info; i++) {
		snapfile_put_int(b, (int64_t)i);
		snapfile_put_text(b, s->info[i].key);
		snapfile_put_text(b, s->info[i].value);
		rc = snapfile_row_done(b);
	}
	return rc;
}

static int snapfile_write_clusters(struct snapfile_writer *w,
				   struct snapfile_batch *b)
{
	const struct snapshot *s = w->s;
	uint32_t i;
	int rc = 0;

	for (i = 0; !rc && i < s->dev.nr_clusters; i++) {
		const struct snapshot_cluster *c = &s->clusters[i];

		snapfile_put_int(b, i);
		snapfile_put_int(b, c->count);
		snapfile_put_text(b, snapshot_cluster_flag_name(c->flags));
		snapfile_put_int(b, c->order);
		rc = snapfile_row_done(b);
	}
	return rc;
}

/*
 * One slots row per cluster (snapfile_encode()), and one runs row for
 * each cluster in which runs start, found on the same pass.
 */
static int snapfile_write_slots(struct snapfile_writer *w,
				struct snapfile_batch *b)
{
	const struct snapshot *s = w->s;
	uint32_t ci, first, n, len, nr;
	unsigned int top;
	uint32_t *runs;
	uint8_t *buf;
	uint16_t all;
	int rc = 0;

	runs = malloc((size_t)s->dev.cluster_size * (sizeof(*runs) + 2));
	if (!runs)
		return diag_errno(w->d, w->f->path, -ENOMEM);
	buf = (uint8_t *)(runs + s->dev.cluster_size);
	for (ci = 0; !rc && ci < s->dev.nr_clusters; ci++) {
		first = snapshot_cluster_first(s, ci);
		n = snapshot_cluster_end(s, ci) - first;
		len = snapfile_encode(buf, s->slots + first, n, &all);
		snapfile_put_int(b, ci);
		snapfile_put_bytes(b, len ? SQLITE_BLOB : SQLITE_NULL,
				   len ? buf : NULL, len);
		rc = snapfile_row_done(b);
		if (rc || !(all & SNAPSHOT_SLOT_HEAD))
			continue;
		nr = snapfile_run_entries(runs, s->slots + first, n, &top);
		if (!nr)
			continue;
		if (top >= s->dev.nr_orders) {
			rc = snapfile_refuse(w, "snap-run-order",
					     "a run of order %u in cluster %u, nr_orders is %u",
					     top, ci, s->dev.nr_orders);
			break;
		}
		snapfile_put_int(w->runs, ci);
		snapfile_put_bytes(w->runs, SQLITE_BLOB, runs, nr * sizeof(*runs));
		rc = snapfile_row_done(w->runs);
	}
	free(runs);
	return rc;
}

static int snapfile_write_counts(struct snapfile_writer *w,
				 struct snapfile_batch *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->s->nr_counts; i++) {
		snapfile_put_int(b, w->s->counts[i].slot);
		snapfile_put_int(b, w->s->counts[i].count);
		rc = snapfile_row_done(b);
	}
	return rc;
}

static int snapfile_write_shmem(struct snapfile_writer *w,
				struct snapfile_batch *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->s->nr_shmem; i++) {
		snapfile_put_int(b, w->s->shmem[i]);
		rc = snapfile_row_done(b);
	}
	return rc;
}

/* "locked,dirty,other": known names in bit order, then the rest. */
static const char *snapfile_folio_text(struct snapfile_writer *w,
				       const struct snapshot_folio *fo)
{
	const char *extra = snapshot_folio_extra(w->s, fo);
	size_t want = strlen(extra) + 96;
	unsigned int i;
	char *p;

	if (want > w->text_alloc) {
		p = realloc(w->text, want);
		if (!p)
			return NULL;
		w->text = p;
		w->text_alloc = want;
	}
	w->text[0] = '\0';
	for (i = 0; i < SNAPSHOT_FOLIO_NR_FLAGS; i++)
		if (fo->flags & (1u << i))
			snapfile_list_add(w->text, w->text_alloc,
					  snapshot_folio_flag_name(i));
	if (*extra)
		snapfile_list_add(w->text, w->text_alloc, extra);
	return w->text;
}

static int snapfile_write_folios(struct snapfile_writer *w,
				 struct snapfile_batch *b)
{
	const char *text;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->s->nr_folios; i++) {
		const struct snapshot_folio *fo = &w->s->folios[i];

		text = snapfile_folio_text(w, fo);
		if (!text)
			return diag_errno(w->d, w->f->path, -ENOMEM);
		snapfile_put_int(b, fo->offset);
		snapfile_put_int(b, fo->order);
		snapfile_put_text(b, text);
		rc = snapfile_row_done(b);
	}
	return rc;
}

static int snapfile_write_next(struct snapfile_writer *w, struct snapfile_batch *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->s->nr_next; i++) {
		const struct snapshot_next *n = &w->s->next[i];

		snapfile_put_int(b, (int64_t)i);
		if (n->cpu == SNAPSHOT_NEXT_GLOBAL)
			snapfile_put_bytes(b, SQLITE_NULL, NULL, 0);
		else
			snapfile_put_int(b, n->cpu);
		snapfile_put_int(b, n->order);
		snapfile_put_int(b, n->offset);
		rc = snapfile_row_done(b);
	}
	return rc;
}

static int snapfile_write_counters(struct snapfile_writer *w,
				   struct snapfile_batch *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->nr_counters; i++) {
		snapfile_put_int(b, w->counters[i].order);
		snapfile_put_text(b, w->counters[i].name);
		snapfile_put_int(b, (int64_t)w->counters[i].value);
		rc = snapfile_row_done(b);
	}
	return rc;
}

/*
 * A process's references as one blob: for each, in address order, the
 * virtual page number and the slot, as LEB128 varints of their steps from
 * the reference before (the page step less one: pages rise; the slot step
 * zigzagged: slots go either way). A folio's pages cost two bytes each.
 */
static size_t snapfile_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

static int snapfile_write_procs(struct snapfile_writer *w,
				struct snapfile_batch *b)
{
	const struct snapshot *s = w->s;
	unsigned int shift = (unsigned int)__builtin_ctz(s->dev.page_size);
	size_t p, i, first, nr, len, room = 0;
	uint64_t page, prev_page;
	int64_t slot, prev_slot, step;
	uint8_t *blob = NULL;
	int rc = 0;

	for (p = 0; !rc && p < s->nr_procs; p++) {
		nr = snapshot_proc_refs(s, (uint32_t)p, &first);
		if (nr * 20 + 1 > room) {
			free(blob);
			room = nr * 20 + 1;
			blob = malloc(room);
			if (!blob)
				return diag_errno(w->d, w->f->path, -ENOMEM);
		}
		prev_page = 0;
		prev_slot = -1;
		for (i = first, len = 0; i < first + nr; i++) {
			page = s->refs[i].vaddr >> shift;
			slot = s->refs[i].slot;
			step = slot - prev_slot - 1;
			len += snapfile_put_varint(blob + len, i == first ? page :
						   page - prev_page - 1);
			len += snapfile_put_varint(blob + len, (uint64_t)(step * 2) ^
						   (uint64_t)(step >> 63));
			prev_page = page;
			prev_slot = slot;
		}
		snapfile_put_int(b, s->procs[p].pid);
		snapfile_put_text(b, s->procs[p].comm);
		snapfile_put_bytes(b, SQLITE_BLOB, blob, len);
		rc = snapfile_row_done(b);
	}
	free(blob);
	return rc;
}

/* The tables of one snapshot after its snapshots row, in key order each. */
static const struct {
	const char *table;
	int cols;
	int (*fn)(struct snapfile_writer *w, struct snapfile_batch *b);
} snapfile_writes[] = {
	{ "info", 3, snapfile_write_info },
	{ "clusters", 4, snapfile_write_clusters },
	{ "slots", 2, snapfile_write_slots },	/* and runs */
	{ "counts", 2, snapfile_write_counts },
	{ "shmem", 1, snapfile_write_shmem },
	{ "folios", 3, snapfile_write_folios },
	{ "next", 4, snapfile_write_next },
	{ "counters", 3, snapfile_write_counters },
	{ "procs", 3, snapfile_write_procs },
};

static int snapfile_write(struct snapfile_writer *w)
{
	struct snapfile_batch *b, *runs;
	size_t i;
	int rc;

	rc = snapfile_write_head(w);
	if (rc)
		return rc;
	/* two batches at a time: runs rows are found while slots are written */
	b = malloc(2 * sizeof(*b));
	if (!b)
		return diag_errno(w->d, w->f->path, -ENOMEM);
	runs = b + 1;
	snapfile_batch_init(runs, w->f, w->d, w->id, "runs", 2);
	w->runs = runs;
	for (i = 0; !rc && i < sizeof(snapfile_writes) / sizeof(snapfile_writes[0]); i++) {
		snapfile_batch_init(b, w->f, w->d, w->id, snapfile_writes[i].table,
				    snapfile_writes[i].cols);
		rc = snapfile_writes[i].fn(w, b);
		rc = snapfile_batch_finish(b, !rc) ?: rc;
	}
	rc = snapfile_batch_finish(runs, !rc) ?: rc;
	w->runs = NULL;
	free(b);
	return rc;
}

int snapfile_append_counters(struct snapfile *f, const struct snapshot *s,
			     const struct snapfile_counter *c, size_t nr,
			     int64_t *id, struct diag *d)
{
	struct snapfile_writer w = {
		.f = f, .s = s, .counters = c, .nr_counters = nr, .d = d,
	};
	int rc;

	diag_clear(d);
	if (!f->writable)
		return diag_errno(d, f->path, -EBADF);
	if (f->spoilt)
		return diag_line(d, f->path, 0, "snap-incomplete",
				 "an earlier append failed midway: the new file is incomplete");
	rc = snapfile_check_head(&w);
	if (!rc)
		rc = snapfile_check_rows(&w);
	if (!rc)
		rc = snapfile_exec(f, "BEGIN IMMEDIATE", d);
	if (rc)
		return rc;
	rc = snapfile_write(&w);
	if (!rc)
		rc = snapfile_exec(f, "COMMIT", d);
	free(w.text);
	if (rc) {
		/* without a journal (a file being created) there is no going back */
		if (f->tmp)
			f->spoilt = true;
		else
			sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (id)
		*id = w.id;
	return 0;
}

int snapfile_append(struct snapfile *f, const struct snapshot *s, int64_t *id,
		    struct diag *d)
{
	return snapfile_append_counters(f, s, NULL, 0, id, d);
}

/* ---- replacing the rows of one snapshot ------------------------------------------- */

/*
 * Runs rows keep their rowids in cluster order within a snapshot: the
 * split reader (snapfile_read_split()) takes a half's runs rows as the
 * rowid span between its first and its last cluster's row, so a row
 * outside that span would not be read at all. A new runs row takes a
 * free rowid between its neighbours'; where there is none, the rows
 * after it move to the table's end, this far apart, so that the next
 * rows inserted there find room.
 */
#define SNAPFILE_RUN_GAP	256

enum snapfile_rsql {
	SNAPFILE_R_CLUSTER,
	SNAPFILE_R_SLOTS,
	SNAPFILE_R_RUNS_SET,
	SNAPFILE_R_RUNS_DEL,
	SNAPFILE_R_RUNS_ADD,
	SNAPFILE_R_RUNS_PREV,
	SNAPFILE_R_RUNS_NEXT,
	SNAPFILE_R_ROWID_USED,
	SNAPFILE_R_COUNTS_DEL,
	SNAPFILE_R_COUNTS_ADD,
	SNAPFILE_R_SHMEM_DEL,
	SNAPFILE_R_SHMEM_ADD,
	SNAPFILE_NR_RSQL,
};

/*
 * Every statement takes the snapshot id as ?1 and the cluster or slot as
 * ?2 (bound whether it names them or not: an unnamed one stays unused).
 */
static const char *const snapfile_rsql[SNAPFILE_NR_RSQL] = {
	[SNAPFILE_R_CLUSTER] = "UPDATE clusters SET count = ?3, flags = ?4, ord = ?5"
			       " WHERE snapshot = ?1 AND idx = ?2",
	[SNAPFILE_R_SLOTS] = "UPDATE slots SET data = ?3 WHERE snapshot = ?1 AND cluster = ?2",
	[SNAPFILE_R_RUNS_SET] = "UPDATE runs SET data = ?3 WHERE snapshot = ?1 AND cluster = ?2",
	[SNAPFILE_R_RUNS_DEL] = "DELETE FROM runs WHERE snapshot = ?1 AND cluster = ?2",
	[SNAPFILE_R_RUNS_ADD] = "INSERT INTO runs(snapshot, cluster, data, rowid)"
				" VALUES (?1, ?2, ?3, ?4)",
	[SNAPFILE_R_RUNS_PREV] = "SELECT rowid FROM runs WHERE snapshot = ?1 AND cluster < ?2"
				 " ORDER BY cluster DESC LIMIT 1",
	[SNAPFILE_R_RUNS_NEXT] = "SELECT rowid FROM runs WHERE snapshot = ?1 AND cluster > ?2"
				 " ORDER BY cluster",
	[SNAPFILE_R_ROWID_USED] = "SELECT 1 FROM runs WHERE rowid = ?3",
	[SNAPFILE_R_COUNTS_DEL] = "DELETE FROM counts WHERE snapshot = ?1 AND slot >= ?2"
				  " AND slot < ?3",
	[SNAPFILE_R_COUNTS_ADD] = "INSERT INTO counts VALUES (?1, ?2, ?3)",
	[SNAPFILE_R_SHMEM_DEL] = "DELETE FROM shmem WHERE snapshot = ?1 AND slot >= ?2"
				 " AND slot < ?3",
	[SNAPFILE_R_SHMEM_ADD] = "INSERT INTO shmem VALUES (?1, ?2)",
};

struct snapfile_replacer {
	struct snapfile_writer w;	/* f, s, d; w.id: the snapshot replaced */
	const uint64_t *dirty;		/* NULL: every cluster */
	const struct era_props *era;
	sqlite3_stmt *st[SNAPFILE_NR_RSQL];
	uint32_t *entries;		/* a cluster's runs blob */
	uint8_t *buf;			/* a cluster's slots blob */
};

static bool snapfile_dirty(const struct snapfile_replacer *r, uint32_t ci)
{
	return !r->dirty || (r->dirty[ci / 64] >> (ci % 64) & 1);
}

/* Statement @i with ?1 and ?2 bound, reset from its last use. */
static sqlite3_stmt *snapfile_rstmt(struct snapfile_replacer *r,
				    enum snapfile_rsql i, int64_t key)
{
	sqlite3_stmt *st = r->st[i];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, r->w.id);
	sqlite3_bind_int64(st, 2, key);
	return st;
}

/* Step a statement that yields no row; *@changes (may be NULL) gets the rows changed. */
static int snapfile_rdone(struct snapfile_replacer *r, sqlite3_stmt *st,
			  int *changes)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return snapfile_sql_fail(r->w.f, rc, r->w.d);
	if (changes)
		*changes = sqlite3_changes(r->w.f->db);
	return 0;
}

/*
 * Step a query of one integer: 1 with *@v set, 0 when it yields no row,
 * or -errno. The caller resets @st once done with its rows.
 */
static int snapfile_rrow(struct snapfile_replacer *r, sqlite3_stmt *st,
			 int64_t *v)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return snapfile_sql_fail(r->w.f, rc, r->w.d);
	*v = sqlite3_column_int64(st, 0);
	return 1;
}

/*
 * What the reader would refuse in the rows about to be written, for the
 * dirty clusters: before the transaction, so a refusal writes nothing.
 */
static int snapfile_replace_check(struct snapfile_replacer *r)
{
	const struct snapshot *s = r->w.s;
	const struct snapshot_device *dev = &s->dev;
	uint32_t ci, i, end;
	size_t k;
	int order;

	for (ci = 0; ci < dev->nr_clusters; ci++) {
		const struct snapshot_cluster *c = &s->clusters[ci];

		if (!snapfile_dirty(r, ci))
			continue;
		if (c->flags >= SNAPSHOT_CLUSTER_NR_FLAGS || c->order >= dev->nr_orders ||
		    c->count > dev->cluster_size)
			return snapfile_refuse(&r->w, "snap-cluster",
					       "cluster %u: flags %u, order %u, count %u",
					       ci, c->flags, c->order, c->count);
		if (!era_cluster_flag_ok(r->era, c->flags))
			return snapfile_refuse(&r->w, "snap-cluster-flags-era",
					       "cluster %u: flags '%s': era %c has no nonfull/frag/full lists",
					       ci, snapshot_cluster_flag_name(c->flags),
					       r->era->era);
		if (!era_cluster_order_ok(r->era, c->order, dev->cluster_shift))
			return snapfile_refuse(&r->w, "snap-cluster-order-era",
					       "cluster %u: order %u: era %c clusters have only the HUGE flag, so order 0 or %u",
					       ci, c->order, r->era->era, dev->cluster_shift);
		end = snapshot_cluster_end(s, ci);
		for (i = snapshot_cluster_first(s, ci); i < end; i++) {
			uint16_t w = s->slots[i];

			if (snapfile_lanes_bad(w & SNAPSHOT_SLOT_STORED) ||
			    ((w & SNAPSHOT_SLOT_ZERO) && !r->era->zeromap))
				return snapfile_refuse(&r->w, "snap-slots-word",
						       "slot %u: word 0x%04x is no slot any era has (see swapfs-snapshot(5), slots)",
						       i, w & SNAPSHOT_SLOT_STORED);
			order = (w & SNAPSHOT_SLOT_HEAD) ? snapshot_slot_order(w) : -1;
			if (order >= (int)dev->nr_orders)
				return snapfile_refuse(&r->w, "snap-run-order",
						       "a run of order %d at slot %u, nr_orders is %u",
						       order, i, dev->nr_orders);
		}
	}
	for (k = 0; k < s->nr_shmem; k++) {
		uint16_t w = s->slots[s->shmem[k]];

		if (!snapfile_dirty(r, s->shmem[k] >> dev->cluster_shift))
			continue;
		if (!r->era->shmem || (w & SNAPSHOT_SLOT_COUNT) != 1 ||
		    (w & SNAPSHOT_SLOT_BAD))
			return snapfile_refuse(&r->w, "snap-shmem-count",
					       "shmem slot %u: word 0x%04x in era %c; a shmem-owned slot has count 1, is not bad, and only in eras A..D",
					       s->shmem[k], w & SNAPSHOT_SLOT_STORED,
					       r->era->era);
	}
	return 0;
}

/*
 * The stored snapshot must be the one @s was read from: the same device
 * and geometry, or the rows kept and the rows written would describe two
 * devices. Then its note becomes @s's (the rest of its provenance stays).
 */
static int snapfile_replace_head(struct snapfile_replacer *r)
{
	const struct snapshot *s = r->w.s;
	const struct snapshot_device *dev = &s->dev;
	sqlite3_stmt *st;
	char era[2] = { dev->era, 0 };
	int rc;

	rc = snapfile_prepare(r->w.f, "SELECT kernel = ?2 AND era = ?3 AND page_size = ?4"
			      " AND cluster_size = ?5 AND max = ?6 AND nr_orders = ?7"
			      " FROM snapshots WHERE id = ?1", &st, r->w.d);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, r->w.id);
	snapfile_bind_text(st, 2, dev->kernel);
	snapfile_bind_text(st, 3, era);
	sqlite3_bind_int64(st, 4, dev->page_size);
	sqlite3_bind_int64(st, 5, dev->cluster_size);
	sqlite3_bind_int64(st, 6, dev->max);
	sqlite3_bind_int64(st, 7, dev->nr_orders);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		diag_line(r->w.d, r->w.f->path, 0, "snap-no-snapshot",
			  "there is no snapshot %" PRId64 " to replace", r->w.id);
		rc = -ENOENT;
	} else if (rc != SQLITE_ROW)
		rc = snapfile_sql_fail(r->w.f, rc, r->w.d);
	else if (sqlite3_column_int64(st, 0) != 1)
		rc = diag_line(r->w.d, r->w.f->path, 0, "snap-replace-mismatch",
			       "snapshot %" PRId64 " is of another device (kernel, era, page_size, cluster_size, max or nr_orders differ): not replaced",
			       r->w.id);
	else
		rc = 0;
	sqlite3_finalize(st);
	if (rc)
		return rc;
	rc = snapfile_prepare(r->w.f, "UPDATE snapshots SET note = ?2 WHERE id = ?1",
			      &st, r->w.d);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, r->w.id);
	snapfile_bind_text(st, 2, s->prov.note);
	rc = snapfile_insert(r->w.f, st, r->w.d);
	sqlite3_finalize(st);
	return rc;
}

/* Whether no runs row has @rowid (*@yes). */
static int snapfile_rowid_free(struct snapfile_replacer *r, int64_t rowid,
			       bool *yes)
{
	sqlite3_stmt *st = snapfile_rstmt(r, SNAPFILE_R_ROWID_USED, 0);
	int64_t v;
	int rc;

	sqlite3_bind_int64(st, 3, rowid);
	rc = snapfile_rrow(r, st, &v);
	sqlite3_reset(st);
	*yes = rc == 0;
	return rc < 0 ? rc : 0;
}

/*
 * The runs rows of the clusters after @ci move to the table's end,
 * SNAPFILE_RUN_GAP apart, in cluster order; *@rowid gets a rowid before
 * them all for @ci's new row.
 */
static int snapfile_runs_move(struct snapfile_replacer *r, uint32_t ci,
			      int64_t *rowid)
{
	sqlite3_stmt *st = snapfile_rstmt(r, SNAPFILE_R_RUNS_NEXT, ci), *mv;
	int64_t *ids = NULL, *p, base, v;
	size_t n = 0, alloc = 0, i;
	int rc;

	while ((rc = snapfile_rrow(r, st, &v)) == 1) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			p = reallocarray(ids, alloc, sizeof(*ids));
			if (!p) {
				free(ids);
				return diag_errno(r->w.d, r->w.f->path, -ENOMEM);
			}
			ids = p;
		}
		ids[n++] = v;
	}
	sqlite3_reset(st);
	if (!rc)
		rc = snapfile_scalar(r->w.f, "SELECT coalesce(max(rowid), 0) FROM runs",
				     0, &base, r->w.d);
	if (!rc && base > INT64_MAX - SNAPFILE_RUN_GAP * (int64_t)(n + 2))
		rc = diag_errno(r->w.d, r->w.f->path, -EOVERFLOW);
	if (rc) {
		free(ids);
		return rc;
	}
	base += SNAPFILE_RUN_GAP;
	*rowid = base;
	mv = NULL;
	rc = snapfile_prepare(r->w.f, "UPDATE runs SET rowid = ?1 WHERE rowid = ?2",
			      &mv, r->w.d);
	for (i = 0; !rc && i < n; i++) {
		sqlite3_bind_int64(mv, 1, base + SNAPFILE_RUN_GAP * (int64_t)(i + 1));
		sqlite3_bind_int64(mv, 2, ids[i]);
		rc = snapfile_insert(r->w.f, mv, r->w.d);
	}
	sqlite3_finalize(mv);
	free(ids);
	return rc;
}

/*
 * A rowid for a new runs row of cluster @ci that keeps the snapshot's
 * runs rows in cluster order (see SNAPFILE_RUN_GAP); 0: any (the row
 * comes last, so the table's next rowid is right).
 */
static int snapfile_runs_rowid(struct snapfile_replacer *r, uint32_t ci,
			       int64_t *rowid)
{
	int64_t prev = 0, next, mid;
	bool free_id;
	int rc;

	*rowid = 0;
	rc = snapfile_rrow(r, snapfile_rstmt(r, SNAPFILE_R_RUNS_NEXT, ci), &next);
	sqlite3_reset(r->st[SNAPFILE_R_RUNS_NEXT]);
	if (rc <= 0)
		return rc;
	rc = snapfile_rrow(r, snapfile_rstmt(r, SNAPFILE_R_RUNS_PREV, ci), &prev);
	sqlite3_reset(r->st[SNAPFILE_R_RUNS_PREV]);
	if (rc < 0)
		return rc;
	if (next - prev > 1) {
		mid = prev + (next - prev) / 2;
		rc = snapfile_rowid_free(r, mid, &free_id);
		if (rc)
			return rc;
		if (free_id) {
			*rowid = mid;
			return 0;
		}
	}
	return snapfile_runs_move(r, ci, rowid);
}

static int snapfile_replace_runs(struct snapfile_replacer *r, uint32_t ci,
				 uint32_t first, uint32_t n)
{
	const struct snapshot *s = r->w.s;
	sqlite3_stmt *st;
	unsigned int top;
	int64_t rowid;
	uint32_t nr;
	int rc, changes = 0;

	nr = snapfile_run_entries(r->entries, s->slots + first, n, &top);
	if (!nr)
		return snapfile_rdone(r, snapfile_rstmt(r, SNAPFILE_R_RUNS_DEL, ci),
				      NULL);
	st = snapfile_rstmt(r, SNAPFILE_R_RUNS_SET, ci);
	sqlite3_bind_blob(st, 3, r->entries, (int)(nr * sizeof(*r->entries)),
			  SQLITE_STATIC);
	rc = snapfile_rdone(r, st, &changes);
	if (rc || changes)
		return rc;
	rc = snapfile_runs_rowid(r, ci, &rowid);
	if (rc)
		return rc;
	st = snapfile_rstmt(r, SNAPFILE_R_RUNS_ADD, ci);
	sqlite3_bind_blob(st, 3, r->entries, (int)(nr * sizeof(*r->entries)),
			  SQLITE_STATIC);
	if (rowid)
		sqlite3_bind_int64(st, 4, rowid);
	return snapfile_rdone(r, st, NULL);
}

/* The first of @nr sorted entries of @size bytes whose u32 key is >= @slot. */
static size_t snapfile_side_from(const void *base, size_t nr, size_t size,
				 uint32_t slot)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t key;

		memcpy(&key, (const char *)base + mid * size, sizeof(key));
		if (key < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The counts and shmem rows of slots [@first, @end): deleted, then
 * written anew from the sorted tables (found by bisection, so a save
 * costs the dirty clusters, not the whole table).
 */
static int snapfile_replace_side(struct snapfile_replacer *r, uint32_t first,
				 uint32_t end)
{
	const struct snapshot *s = r->w.s;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	st = snapfile_rstmt(r, SNAPFILE_R_COUNTS_DEL, first);
	sqlite3_bind_int64(st, 3, end);
	rc = snapfile_rdone(r, st, NULL);
	i = snapfile_side_from(s->counts, s->nr_counts, sizeof(*s->counts), first);
	for (; !rc && i < s->nr_counts && s->counts[i].slot < end; i++) {
		st = snapfile_rstmt(r, SNAPFILE_R_COUNTS_ADD, s->counts[i].slot);
		sqlite3_bind_int64(st, 3, s->counts[i].count);
		rc = snapfile_rdone(r, st, NULL);
	}
	if (rc)
		return rc;
	st = snapfile_rstmt(r, SNAPFILE_R_SHMEM_DEL, first);
	sqlite3_bind_int64(st, 3, end);
	rc = snapfile_rdone(r, st, NULL);
	i = snapfile_side_from(s->shmem, s->nr_shmem, sizeof(*s->shmem), first);
	for (; !rc && i < s->nr_shmem && s->shmem[i] < end; i++)
		rc = snapfile_rdone(r, snapfile_rstmt(r, SNAPFILE_R_SHMEM_ADD,
						      s->shmem[i]), NULL);
	return rc;
}

/* Cluster @ci's rows: clusters, slots, runs, and its slots' counts and shmem. */
static int snapfile_replace_cluster(struct snapfile_replacer *r, uint32_t ci)
{
	const struct snapshot *s = r->w.s;
	const struct snapshot_cluster *c = &s->clusters[ci];
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t end = snapshot_cluster_end(s, ci);
	sqlite3_stmt *st;
	uint32_t len;
	uint16_t all;
	int rc, changes = 0;

	st = snapfile_rstmt(r, SNAPFILE_R_CLUSTER, ci);
	sqlite3_bind_int64(st, 3, c->count);
	sqlite3_bind_text(st, 4, snapshot_cluster_flag_name(c->flags), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, c->order);
	rc = snapfile_rdone(r, st, &changes);
	if (!rc && changes != 1)
		rc = diag_line(r->w.d, r->w.f->path, 0, "snap-cluster-rows",
			       "clusters row snapshot=%" PRId64 " idx=%u is missing: not replaced",
			       r->w.id, ci);
	if (rc)
		return rc;
	len = snapfile_encode(r->buf, s->slots + first, end - first, &all);
	st = snapfile_rstmt(r, SNAPFILE_R_SLOTS, ci);
	if (len)
		sqlite3_bind_blob(st, 3, r->buf, (int)len, SQLITE_STATIC);
	rc = snapfile_rdone(r, st, &changes);
	if (!rc && changes != 1)
		rc = diag_line(r->w.d, r->w.f->path, 0, "snap-slots-rows",
			       "slots row snapshot=%" PRId64 " cluster=%u is missing: not replaced",
			       r->w.id, ci);
	if (!rc)
		rc = snapfile_replace_runs(r, ci, first, end - first);
	if (!rc)
		rc = snapfile_replace_side(r, first, end);
	return rc;
}

static int snapfile_replace_rows(struct snapfile_replacer *r)
{
	const struct snapshot *s = r->w.s;
	uint32_t ci;
	int i, rc;

	for (i = 0; i < SNAPFILE_NR_RSQL; i++) {
		rc = snapfile_prepare(r->w.f, snapfile_rsql[i], &r->st[i], r->w.d);
		if (rc)
			return rc;
	}
	rc = snapfile_replace_head(r);
	for (ci = 0; !rc && ci < s->dev.nr_clusters; ci++)
		if (snapfile_dirty(r, ci))
			rc = snapfile_replace_cluster(r, ci);
	return rc;
}

int snapfile_replace(struct snapfile *f, int64_t id, const struct snapshot *s,
		     const uint64_t *dirty, struct diag *d)
{
	struct snapfile_replacer r = {
		.w = { .f = f, .s = s, .d = d, .id = id },
		.dirty = dirty,
	};
	int i, rc;

	diag_clear(d);
	if (!f->writable || f->tmp)
		return diag_errno(d, f->path, -EBADF);
	rc = snapfile_check_head(&r.w);
	if (rc)
		return rc;
	r.era = era_get(s->dev.era);
	rc = snapfile_replace_check(&r);
	if (rc)
		return rc;
	r.entries = malloc((size_t)s->dev.cluster_size * (sizeof(*r.entries) + 2));
	if (!r.entries)
		return diag_errno(d, f->path, -ENOMEM);
	r.buf = (uint8_t *)(r.entries + s->dev.cluster_size);
	/*
	 * EXTRA: the directory is synced once the journal is unlinked too,
	 * so the commit is on disk when this returns, not only atomic.
	 */
	rc = snapfile_exec(f, "PRAGMA synchronous=EXTRA; BEGIN IMMEDIATE", d);
	if (!rc) {
		rc = snapfile_replace_rows(&r);
		if (!rc)
			rc = snapfile_exec(f, "COMMIT", d);
		if (rc)
			sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
	}
	for (i = 0; i < SNAPFILE_NR_RSQL; i++)
		sqlite3_finalize(r.st[i]);
	free(r.entries);
	return rc;
}

/* ---- reading ------------------------------------------------------------------- */

#define SNAPFILE_HEAD_SQL \
	"SELECT id, created, source_kind, source_path, kernel, era, page_size," \
	" cluster_size, max, nr_orders, files, step, note FROM snapshots"

/* A snapshots row, checked; strings live as long as its statement's row. */
struct snapfile_head {
	int64_t id;
	int64_t step;		/* -1 for NULL */
	const char *created, *source_kind, *source_path, *kernel, *note;
	char era;
	uint32_t page_size, cluster_size, max, nr_orders;
	unsigned int files;
};

struct snapfile_reader {
	struct snapfile *f;
	struct diag *d;
	struct snapshot *s;
	const struct era_props *era;
	int64_t id;			/* the snapshot being read */
	sqlite3_stmt *st;		/* on the row being checked; its key is column 0 */
	const char *table;
	uint64_t next_key;		/* the key the next row must have (or exceed) */
	uint64_t end;			/* where the previous folio ends */
	uint64_t run_next;		/* runs: the cluster the next row must exceed */
	uint64_t run_end;		/* runs: where the previous run ends */
	uint64_t nr_big;		/* slot words whose count is 127 */
	/*
	 * The share of the slots and runs tables this reader decodes:
	 * clusters below cluster_to, run bits below word_end. A run that
	 * reaches past word_end is held (its words are another thread's)
	 * and set after the join; first_run is where the first run starts.
	 */
	uint32_t cluster_to;
	uint64_t word_end;
	uint64_t first_run;
	uint64_t held_start;
	unsigned int held_order;
	bool held;
	uint32_t nr_orders;		/* snapfile_read_counters() */
	struct snapfile_counter *counters;
	size_t nr_counters, alloc_counters;
};

/* @st's column @col in words: "text 'abc'", "NULL", "a blob of 3 bytes". */
static void snapfile_describe(sqlite3_stmt *st, int col, char *buf, size_t len)
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
	snapfile_describe(r->st, 0, key, sizeof(key));
	if (!strcmp(r->table, "snapshots")) {
		snprintf(buf, len, "snapshots row id=%s", key);
		return;
	}
	if (!strcmp(r->table, "counters"))
		snapfile_describe(r->st, 1, name, sizeof(name));
	snprintf(buf, len, "%s row snapshot=%" PRId64 " %s=%s%s%s", r->table, r->id,
		 sqlite3_column_name(r->st, 0), key, *name ? " name=" : "", name);
}

static int __attribute__((format(printf, 3, 4)))
snapfile_bad(struct snapfile_reader *r, const char *rule, const char *fmt, ...)
{
	char what[DIAG_MAX], row[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snapfile_row_name(r, row, sizeof(row));
	return diag_line(r->d, r->f->path, 0, rule, "%s: %s", row, what);
}

static int snapfile_nomem(struct snapfile_reader *r)
{
	return diag_errno(r->d, r->f->path, -ENOMEM);
}

/* Column @col: an integer in @lo..@hi, or the row is refused under @rule. */
static int snapfile_int(struct snapfile_reader *r, int col, int64_t lo,
			int64_t hi, const char *rule, int64_t *v)
{
	char shown[80];

	if (sqlite3_column_type(r->st, col) != SQLITE_INTEGER) {
		snapfile_describe(r->st, col, shown, sizeof(shown));
		return snapfile_bad(r, "snap-type", "%s is %s, expected an integer",
				    sqlite3_column_name(r->st, col), shown);
	}
	*v = sqlite3_column_int64(r->st, col);
	if (*v < lo || *v > hi)
		return snapfile_bad(r, rule, "%s %" PRId64 " is out of range %" PRId64 "..%" PRId64,
				    sqlite3_column_name(r->st, col), *v, lo, hi);
	return 0;
}

/* Column @col: text without NUL bytes (or NULL, when @null_ok). */
static int snapfile_text(struct snapfile_reader *r, int col, bool null_ok,
			 const char **v)
{
	int type = sqlite3_column_type(r->st, col);
	char shown[80];

	*v = NULL;
	if (type == SQLITE_NULL && null_ok)
		return 0;
	if (type != SQLITE_TEXT) {
		snapfile_describe(r->st, col, shown, sizeof(shown));
		return snapfile_bad(r, "snap-type", "%s is %s, expected text%s",
				    sqlite3_column_name(r->st, col), shown,
				    null_ok ? " or NULL" : "");
	}
	*v = (const char *)sqlite3_column_text(r->st, col);
	if (!*v)
		return snapfile_nomem(r);
	if (strlen(*v) != (size_t)sqlite3_column_bytes(r->st, col))
		return snapfile_bad(r, "snap-type", "%s holds a NUL byte",
				    sqlite3_column_name(r->st, col));
	return 0;
}

/* The device's sizes in a snapshots row, each as info.h bounds it. */
static int snapfile_head_sizes(struct snapfile_reader *r, struct snapfile_head *h)
{
	int64_t v;
	int rc;

	rc = snapfile_int(r, 6, SNAPSHOT_MIN_PAGE_SIZE, SNAPSHOT_MAX_PAGE_SIZE,
			  "snap-page-size", &v);
	if (rc)
		return rc;
	if (!snapfile_pow2(v))
		return snapfile_bad(r, "snap-page-size",
				    "page_size %" PRId64 " is not a power of two", v);
	h->page_size = (uint32_t)v;
	rc = snapfile_int(r, 7, 1, SNAPSHOT_MAX_CLUSTER_SIZE, "snap-cluster-size", &v);
	if (rc)
		return rc;
	if (!snapfile_pow2(v))
		return snapfile_bad(r, "snap-cluster-size",
				    "cluster_size %" PRId64 " is not a power of two", v);
	h->cluster_size = (uint32_t)v;
	rc = snapfile_int(r, 8, 1, UINT32_MAX, "snap-max", &v);
	if (rc)
		return rc;
	h->max = (uint32_t)v;
	rc = snapfile_int(r, 9, 1, snapfile_log2(h->cluster_size) + 1,
			  "snap-nr-orders", &v);
	h->nr_orders = (uint32_t)v;
	return rc;
}

static int snapfile_head_parse(struct snapfile_reader *r, struct snapfile_head *h)
{
	const char *era, *files, *why;
	int64_t v;
	int rc;

	r->table = "snapshots";
	if ((rc = snapfile_int(r, 0, 1, INT64_MAX, "snap-id", &h->id)) ||
	    (rc = snapfile_text(r, 1, false, &h->created)) ||
	    (rc = snapfile_text(r, 2, false, &h->source_kind)) ||
	    (rc = snapfile_text(r, 3, true, &h->source_path)) ||
	    (rc = snapfile_text(r, 4, false, &h->kernel)) ||
	    (rc = snapfile_text(r, 5, false, &era)) ||
	    (rc = snapfile_text(r, 10, false, &files)) ||
	    (rc = snapfile_text(r, 12, true, &h->note)))
		return rc;
	if (!snapfile_created_ok(h->created))
		return snapfile_bad(r, "snap-created",
				    "created '%.40s' is not YYYY-MM-DDTHH:MM:SS[.fraction]Z (UTC)",
				    h->created);
	if (!snapfile_kind_ok(h->source_kind))
		return snapfile_bad(r, "snap-source-kind",
				    "source_kind '%.40s' is not one of dump, snapshot, sim, capture",
				    h->source_kind);
	if (!*h->kernel)
		return snapfile_bad(r, "snap-kernel", "kernel is empty");
	if (!era_get(era[0]) || era[1])
		return snapfile_bad(r, "snap-era",
				    "era '%.40s' is not one of A B C D E F G", era);
	h->era = era[0];
	rc = snapfile_head_sizes(r, h);
	if (rc)
		return rc;
	why = snapfile_list_parse(files, snapfile_file_parse, &h->files, NULL);
	if (why)
		return snapfile_bad(r, "snap-files",
				    "files '%.60s': %s (names: cache,continued,zeromap,zswap,orders,next)",
				    files, why);
	h->step = -1;
	if (sqlite3_column_type(r->st, 11) != SQLITE_NULL) {
		rc = snapfile_int(r, 11, 0, INT64_MAX, "snap-step", &v);
		h->step = v;
	}
	return rc;
}

/*
 * Put r->st on snapshot @id's row (0: the last) and check it. The caller
 * finalizes r->st once done with @h's strings.
 */
static int snapfile_find(struct snapfile_reader *r, int64_t id,
			 struct snapfile_head *h)
{
	int rc;

	rc = snapfile_prepare(r->f, id ? SNAPFILE_HEAD_SQL " WHERE id = ?1" :
				   SNAPFILE_HEAD_SQL " ORDER BY id DESC LIMIT 1",
			      &r->st, r->d);
	if (rc)
		return rc;
	sqlite3_bind_int64(r->st, 1, id);
	rc = sqlite3_step(r->st);
	if (rc == SQLITE_DONE) {
		if (id)
			diag_line(r->d, r->f->path, 0, "snap-no-snapshot",
				  "there is no snapshot %" PRId64, id);
		else
			diag_line(r->d, r->f->path, 0, "snap-no-snapshot",
				  "the file holds no snapshot");
		return -ENOENT;
	}
	if (rc != SQLITE_ROW)
		return snapfile_sql_fail(r->f, rc, r->d);
	rc = snapfile_head_parse(r, h);
	r->id = h->id;
	return rc;
}

/*
 * Every row of one table for snapshot r->id, in key order, through @fn.
 * @sql selects the key first and has ?1 for the snapshot.
 */
static int snapfile_rows(struct snapfile_reader *r, const char *table,
			 const char *sql, int (*fn)(struct snapfile_reader *))
{
	int rc, step;

	rc = snapfile_prepare(r->f, sql, &r->st, r->d);
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

/* A key that counts up from 0 in steps of one: pos, idx, cluster. */
static int snapfile_dense_key(struct snapfile_reader *r, const char *rule,
			      int64_t key)
{
	if ((uint64_t)key == r->next_key) {
		r->next_key++;
		return 0;
	}
	if ((uint64_t)key < r->next_key)
		return snapfile_bad(r, rule, "%s %" PRId64 " is given twice",
				    sqlite3_column_name(r->st, 0), key);
	return snapfile_bad(r, rule, "%s %" PRIu64 " has no row (they count up from 0 with no gap)",
			    sqlite3_column_name(r->st, 0), r->next_key);
}

/* A sorted, unique key: counts and shmem slots. */
static int snapfile_rising_key(struct snapfile_reader *r, const char *rule,
			       int64_t key)
{
	if ((uint64_t)key < r->next_key)
		return snapfile_bad(r, rule, "%s %" PRId64 " is given twice",
				    sqlite3_column_name(r->st, 0), key);
	r->next_key = (uint64_t)key + 1;
	return 0;
}

static int snapfile_info_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	const char *key, *value, *why;
	struct info_error e;
	int64_t pos;
	int rc;

	if ((rc = snapfile_int(r, 0, 0, INT64_MAX, "snap-info-pos", &pos)) ||
	    (rc = snapfile_dense_key(r, "snap-info-pos", pos)) ||
	    (rc = snapfile_text(r, 1, false, &key)) ||
	    (rc = snapfile_text(r, 2, false, &value)))
		return rc;
	if (s->nr_info >= SNAPFILE_MAX_INFO)
		return snapfile_bad(r, "snap-info-rows",
				    "more than %d info rows: not a device description",
				    SNAPFILE_MAX_INFO);
	why = snapfile_info_why(key, value);
	if (why)
		return snapfile_bad(r, "snap-info-key", "key '%.40s': %s", key, why);
	if (snapshot_info_get(s, key))
		return snapfile_bad(r, "snap-info-duplicate",
				    "key '%.40s' is given twice", key);
	if (info_check(key, value, &e))
		return snapfile_bad(r, e.rule, "%s", e.why);
	return snapshot_info_add(s, key, value) ? snapfile_nomem(r) : 0;
}

/*
 * The snapshots row repeats what info says, so people can query it: the
 * two must agree, or a tool reading one and swapfs the other would differ.
 */
static int snapfile_head_match(struct snapfile_reader *r,
			       const struct snapfile_head *h, const char *kernel)
{
	const struct snapshot_device *dev = &r->s->dev;
	static const char rule[] = "snap-info-mismatch";

	if (strcmp(kernel, dev->kernel))
		return snapfile_bad(r, rule, "kernel '%.40s', but info says '%.40s'",
				    kernel, dev->kernel);
	if (h->era != dev->era)
		return snapfile_bad(r, rule, "era %c, but info makes it %c",
				    h->era, dev->era);
	if (h->page_size != dev->page_size)
		return snapfile_bad(r, rule, "page_size %u, but info says %u",
				    h->page_size, dev->page_size);
	if (h->cluster_size != dev->cluster_size)
		return snapfile_bad(r, rule, "cluster_size %u, but info says %u",
				    h->cluster_size, dev->cluster_size);
	if (h->max != dev->max)
		return snapfile_bad(r, rule, "max %u, but info says %u", h->max,
				    dev->max);
	if (h->nr_orders != dev->nr_orders)
		return snapfile_bad(r, rule, "nr_orders %u, but info makes it %u",
				    h->nr_orders, dev->nr_orders);
	return 0;
}

/*
 * Before the slot array is allocated (2 bytes a slot, 8 GiB at max
 * 2^32-1): the rows must be there to justify it, one clusters row and one
 * slots row for each cluster, counted through their keys.
 */
static int snapfile_bounds(struct snapfile_reader *r)
{
	const struct snapshot_device *dev = &r->s->dev;
	int64_t n;
	int rc;

	rc = snapfile_scalar(r->f, "SELECT count(*) FROM clusters WHERE snapshot = ?1",
			     r->id, &n, r->d);
	if (rc)
		return rc;
	if (n != dev->nr_clusters)
		return diag_line(r->d, r->f->path, 0, "snap-cluster-rows",
				 "clusters: %" PRId64 " rows for snapshot %" PRId64 ", but max %u / cluster_size %u makes %u clusters, one row each",
				 n, r->id, dev->max, dev->cluster_size, dev->nr_clusters);
	rc = snapfile_scalar(r->f, "SELECT count(*) FROM slots WHERE snapshot = ?1",
			     r->id, &n, r->d);
	if (rc)
		return rc;
	if (n != dev->nr_clusters)
		return diag_line(r->d, r->f->path, 0, "snap-slots-rows",
				 "slots: %" PRId64 " rows for snapshot %" PRId64 ", but max %u / cluster_size %u makes %u clusters, one row each (data NULL when nothing is stored)",
				 n, r->id, dev->max, dev->cluster_size, dev->nr_clusters);
	return 0;
}

static int snapfile_cluster_row(struct snapfile_reader *r)
{
	const struct snapshot_device *dev = &r->s->dev;
	struct snapshot_cluster *c;
	int64_t idx, count, ord;
	const char *flags;
	int flag, rc;

	if ((rc = snapfile_int(r, 0, 0, dev->nr_clusters - 1, "snap-cluster-idx", &idx)) ||
	    (rc = snapfile_dense_key(r, "snap-cluster-idx", idx)) ||
	    (rc = snapfile_int(r, 1, 0, dev->cluster_size, "snap-cluster-count", &count)) ||
	    (rc = snapfile_text(r, 2, false, &flags)) ||
	    (rc = snapfile_int(r, 3, 0, dev->nr_orders - 1, "snap-cluster-order", &ord)))
		return rc;
	flag = snapshot_cluster_flag_parse(flags, strlen(flags));
	if (flag < 0)
		return snapfile_bad(r, "snap-cluster-flags",
				    "flags '%.40s' is not one of none free nonfull frag full discard",
				    flags);
	if (!era_cluster_flag_ok(r->era, (unsigned int)flag))
		return snapfile_bad(r, "snap-cluster-flags-era",
				    "flags '%s': era %c (%s) has no nonfull/frag/full lists",
				    flags, r->era->era, r->era->kernels);
	if (!era_cluster_order_ok(r->era, (unsigned int)ord, dev->cluster_shift))
		return snapfile_bad(r, "snap-cluster-order-era",
				    "ord %" PRId64 ": era %c clusters have only the HUGE flag, so order 0 or %u",
				    ord, r->era->era, dev->cluster_shift);
	c = &r->s->clusters[idx];
	c->count = (uint16_t)count;
	c->flags = (uint8_t)flag;
	c->order = (uint8_t)ord;
	return 0;
}

/*
 * The 1-byte form decoded: the slot word, and bit 16 when the byte says
 * what snapfile_lanes_bad() refuses in a word (a bad slot with a count,
 * a mark on a slot that holds no page, both marks). Built by the
 * preprocessor, so it is there before any thread reads a file.
 */
#define SNAPFILE_B_WORD(b)	(((b) & SNAPFILE_BYTE_COUNT) | \
				 ((b) & SNAPFILE_BYTE_FLAGS) << SNAPFILE_BYTE_SHIFT)
#define SNAPFILE_B_BAD(b)	((((b) & 0x20) && ((b) & 0x0f)) || \
				 (((b) & 0xc0) && (((b) & 0x20) || !((b) & 0x1f))) || \
				 ((b) & 0xc0) == 0xc0)
#define SNAPFILE_B(b)		((uint32_t)SNAPFILE_B_WORD(b) | (uint32_t)SNAPFILE_B_BAD(b) << 16)
#define SNAPFILE_B4(b)		SNAPFILE_B(b), SNAPFILE_B((b) + 1), \
				SNAPFILE_B((b) + 2), SNAPFILE_B((b) + 3)
#define SNAPFILE_B16(b)		SNAPFILE_B4(b), SNAPFILE_B4((b) + 4), \
				SNAPFILE_B4((b) + 8), SNAPFILE_B4((b) + 12)
#define SNAPFILE_B64(b)		SNAPFILE_B16(b), SNAPFILE_B16((b) + 16), \
				SNAPFILE_B16((b) + 32), SNAPFILE_B16((b) + 48)

static const uint32_t snapfile_bytes[256] = {
	SNAPFILE_B64(0), SNAPFILE_B64(64), SNAPFILE_B64(128), SNAPFILE_B64(192),
};

/*
 * Name the first word of the cluster snapfile_lanes_bad() objects to;
 * @width is the bytes a slot takes in the blob.
 */
static int snapfile_word_error(struct snapfile_reader *r, uint32_t first,
			       uint32_t n, unsigned int width)
{
	const uint16_t *w = r->s->slots + first;
	uint32_t j;
	uint16_t v;

	for (j = 0; j + 1 < n && !snapfile_lanes_bad(w[j]); j++)
		;
	v = w[j];
	if (v & ~SNAPSHOT_SLOT_STORED)
		return snapfile_bad(r, "snap-slots-bits",
				    "slot %u (byte %u of the blob): word 0x%04x sets bits 11..15, which a file never stores (runs have their own table)",
				    first + j, width * j, v);
	if ((v & SNAPSHOT_SLOT_BAD) && (v & SNAPSHOT_SLOT_COUNT))
		return snapfile_bad(r, "snap-slots-word",
				    "slot %u (byte %u of the blob): word 0x%04x is bad with a count of %u; no era has references on a bad slot",
				    first + j, width * j, v, v & SNAPSHOT_SLOT_COUNT);
	if ((v & SNAPFILE_SLOT_MARKS) == SNAPFILE_SLOT_MARKS)
		return snapfile_bad(r, "snap-slots-word",
				    "slot %u (byte %u of the blob): word 0x%04x is in zeromap and zswap; a zero-filled page never reaches zswap",
				    first + j, width * j, v);
	return snapfile_bad(r, "snap-slots-word",
			    "slot %u (byte %u of the blob): word 0x%04x has the %s bit on a slot that is %s; only a slot in use holds a page",
			    first + j, width * j, v,
			    v & SNAPSHOT_SLOT_ZERO ? "zero" : "zswap",
			    v & SNAPSHOT_SLOT_BAD ? "bad" : "free");
}

/* 2 bytes a slot, straight into the slot array, then checked there. */
static uint64_t snapfile_decode_words(struct snapfile_reader *r, uint16_t *w,
				      const uint8_t *p, uint32_t n, uint64_t *bad)
{
	uint64_t x, any = 0;
	uint32_t j = 0;

#if __BYTE_ORDER == __LITTLE_ENDIAN
	memcpy(w, p, (size_t)n * sizeof(*w));
#else
	for (j = 0; j < n; j++)
		w[j] = (uint16_t)(p[2 * j] | p[2 * j + 1] << 8);
	j = 0;
#endif
	for (; j + 4 <= n; j += 4) {
		memcpy(&x, w + j, sizeof(x));
		*bad |= snapfile_lanes_bad(x);
		any |= x;
		r->nr_big += snapfile_lanes_big(x);
	}
	for (; j < n; j++) {
		*bad |= snapfile_lanes_bad(w[j]);
		any |= w[j];
		r->nr_big += snapfile_lanes_big(w[j]);
	}
	return any;
}

/* 1 byte a slot, through snapfile_bytes[]: word and verdict in one load. */
static uint64_t snapfile_decode_bytes(uint16_t *w, const uint8_t *p, uint32_t n,
				      uint64_t *bad)
{
	uint32_t j, t, acc = 0;

	for (j = 0; j < n; j++) {
		t = snapfile_bytes[p[j]];
		w[j] = (uint16_t)t;
		acc |= t;
	}
	*bad |= acc >> 16;
	return acc & 0xffffu;
}

/*
 * Cluster @ci's blob of @width bytes a slot straight into the slot array,
 * every word checked on the way: no copy of the device but the model.
 */
static int snapfile_decode(struct snapfile_reader *r, uint32_t ci,
			   const uint8_t *p, unsigned int width)
{
	struct snapshot *s = r->s;
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t n = snapshot_cluster_end(s, ci) - first, j;
	uint16_t *w = s->slots + first;
	uint64_t bad = 0, any;

	if (width == 1)
		any = snapfile_decode_bytes(w, p, n, &bad);
	else
		any = snapfile_decode_words(r, w, p, n, &bad);
	if (bad)
		return snapfile_word_error(r, first, n, width);
	if ((any & SNAPFILE_LANES(SNAPSHOT_SLOT_ZERO)) && !r->era->zeromap) {
		for (j = 0; !(w[j] & SNAPSHOT_SLOT_ZERO); j++)
			;
		return snapfile_bad(r, "snap-slots-word",
				    "slot %u has the zero bit, but era %c (%s) has no zeromap",
				    first + j, r->era->era, r->era->kernels);
	}
	return 0;
}

static int snapfile_slots_row(struct snapfile_reader *r)
{
	const struct snapshot *s = r->s;
	int64_t ci;
	uint32_t n;
	int rc, type, bytes;
	char shown[80];
	const void *p;

	if ((rc = snapfile_int(r, 0, 0, s->dev.nr_clusters - 1, "snap-slots-cluster", &ci)) ||
	    (rc = snapfile_dense_key(r, "snap-slots-cluster", ci)))
		return rc;
	type = sqlite3_column_type(r->st, 1);
	if (type == SQLITE_NULL)
		return 0;	/* nothing stored: every slot free, as allocated */
	if (type != SQLITE_BLOB) {
		snapfile_describe(r->st, 1, shown, sizeof(shown));
		return snapfile_bad(r, "snap-type", "data is %s, expected a blob or NULL",
				    shown);
	}
	n = snapshot_cluster_end(s, (uint32_t)ci) - snapshot_cluster_first(s, (uint32_t)ci);
	p = sqlite3_column_blob(r->st, 1);
	bytes = sqlite3_column_bytes(r->st, 1);
	if ((uint32_t)bytes != n && (uint32_t)bytes != 2 * n)
		return snapfile_bad(r, "snap-slots-size",
				    "blob of %d bytes, expected %u or %u (1 or 2 for each of the cluster's %u slots below max)",
				    bytes, n, 2 * n, n);
	if (!p)
		return snapfile_nomem(r);
	return snapfile_decode(r, (uint32_t)ci, p, (uint32_t)bytes == n ? 1 : 2);
}

static int snapfile_counts_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	int64_t slot, count;
	uint16_t w;
	int rc;

	if ((rc = snapfile_int(r, 0, 0, s->dev.max - 1, "snap-counts-slot", &slot)) ||
	    (rc = snapfile_rising_key(r, "snap-counts-slot", slot)) ||
	    (rc = snapfile_int(r, 1, SNAPSHOT_COUNT_BIG, UINT32_MAX,
			       "snap-counts-value", &count)))
		return rc;
	w = s->slots[slot];
	if ((w & SNAPSHOT_SLOT_COUNT) != SNAPSHOT_COUNT_BIG)
		return snapfile_bad(r, "snap-counts-word",
				    "the slot's word says count %u; a counts row stands for a word count of 127 only",
				    w & SNAPSHOT_SLOT_COUNT);
	return snapshot_set_count(s, (uint32_t)slot, (uint32_t)count) ?
	       snapfile_nomem(r) : 0;
}

/* Every word of count 127 has its counts row (those rows were checked). */
static int snapfile_counts_complete(struct snapfile_reader *r)
{
	const struct snapshot *s = r->s;
	uint32_t i;
	size_t k = 0;

	if (r->nr_big == s->nr_counts)
		return 0;
	for (i = 0; i < s->dev.max; i++) {
		if ((s->slots[i] & SNAPSHOT_SLOT_COUNT) != SNAPSHOT_COUNT_BIG)
			continue;
		if (k < s->nr_counts && s->counts[k].slot == i) {
			k++;
			continue;
		}
		return diag_line(r->d, r->f->path, 0, "snap-count-missing",
				 "slots row snapshot=%" PRId64 " cluster=%u: slot %u has count 127 but no counts row",
				 r->id, i >> s->dev.cluster_shift, i);
	}
	return 0;
}

static int snapfile_shmem_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	int64_t slot;
	uint16_t w;
	int rc;

	if ((rc = snapfile_int(r, 0, 0, s->dev.max - 1, "snap-shmem-slot", &slot)) ||
	    (rc = snapfile_rising_key(r, "snap-shmem-slot", slot)))
		return rc;
	if (!r->era->shmem)
		return snapfile_bad(r, "snap-shmem-era",
				    "era %c (%s) has no SWAP_MAP_SHMEM",
				    r->era->era, r->era->kernels);
	w = s->slots[slot];
	if ((w & SNAPSHOT_SLOT_COUNT) != 1 || (w & SNAPSHOT_SLOT_BAD))
		return snapfile_bad(r, "snap-shmem-count",
				    "the slot's word 0x%04x is not count 1 and not bad, as a shmem-owned slot is",
				    w);
	return snapshot_add_shmem(s, (uint32_t)slot) ? snapfile_nomem(r) : 0;
}

/* The run bits of 2^@k slots from @w: order + 1 in each, the head in the first. */
static inline void snapfile_mark_run(uint16_t *w, unsigned int k)
{
	uint16_t v = (uint16_t)((k + 1) << SNAPSHOT_SLOT_ORDER_SHIFT);
	uint64_t x, lanes = SNAPFILE_LANES(v);
	uint32_t i, nr = 1u << k;

	if (k >= 2) {
		for (i = 0; i < nr; i += 4) {
			memcpy(&x, w + i, sizeof(x));
			x |= lanes;
			memcpy(w + i, &x, sizeof(x));
		}
	} else {
		w[0] |= v;
		w[k] |= v;
	}
	w[0] |= SNAPSHOT_SLOT_HEAD;
}

/*
 * Why entry @j of cluster @ci's runs blob @p was refused: the fast loop
 * of snapfile_run_row() only knows that it was.
 */
static int snapfile_run_error(struct snapfile_reader *r, uint32_t ci,
			      const uint8_t *p, uint32_t j)
{
	const struct snapshot *s = r->s;
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t n = snapshot_cluster_end(s, ci) - first;
	uint32_t e, prev, off, k;
	uint64_t start;

	memcpy(&e, p + 4 * j, sizeof(e));
	e = le32toh(e);
	off = e >> SNAPFILE_RUN_SHIFT;
	k = e & SNAPFILE_RUN_ORDER;
	start = (uint64_t)first + off;
	if (k >= s->dev.nr_orders)
		return snapfile_bad(r, "snap-run-order",
				    "entry %u (byte %u of the blob) 0x%08x: order %u is not below nr_orders %u",
				    j, 4 * j, e, k, s->dev.nr_orders);
	if (off >= n)
		return snapfile_bad(r, "snap-run-range",
				    "entry %u (byte %u of the blob) 0x%08x: slot %u of the cluster is not below %u%s",
				    j, 4 * j, e, off, n,
				    n < s->dev.cluster_size ? " (the last cluster ends at max)" :
							      " (cluster_size)");
	if (start + (1ull << k) > s->dev.max)
		return snapfile_bad(r, "snap-run-range",
				    "entry %u (byte %u of the blob): the run of order %u at slot %" PRIu64 " ends past max %u",
				    j, 4 * j, k, start, s->dev.max);
	if (j) {
		memcpy(&prev, p + 4 * (j - 1), sizeof(prev));
		if (le32toh(prev) >> SNAPFILE_RUN_SHIFT >= off)
			return snapfile_bad(r, "snap-run-sorted",
					    "entry %u (byte %u of the blob): slot %" PRIu64 " does not come after the entry before it (entries ascend)",
					    j, 4 * j, start);
	}
	return snapfile_bad(r, "snap-run-overlap",
			    "entry %u (byte %u of the blob): the run of order %u at slot %" PRIu64 " starts inside the run before it, which ends at %" PRIu64,
			    j, 4 * j, k, start, r->run_end);
}

/*
 * A run that is valid but ends past this reader's share of the words
 * (it crosses into the next thread's first cluster): hold it for the join.
 * Only one can: any later run would start past the share. Returns 0 when
 * held, -EINVAL when the run is simply wrong.
 */
static int snapfile_run_hold(struct snapfile_reader *r, uint32_t off,
			     uint32_t n, uint32_t k, uint64_t start)
{
	if (off >= n || k >= r->s->dev.nr_orders || start < r->run_end ||
	    start + (1u << k) > r->s->dev.max || r->held)
		return -EINVAL;
	if (r->first_run == UINT64_MAX)
		r->first_run = start;
	r->held = true;
	r->held_start = start;
	r->held_order = k;
	return 0;
}

/*
 * A runs row: its entries ascend, within the cluster, each run ending by
 * max and after the one before (which may be in an earlier cluster: runs
 * cross clusters). The slot words were read without run bits, and every
 * run starts where the one before ended or later, so no run can land on
 * another's bits: they are set, not searched.
 */
static int snapfile_run_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	uint32_t first, n, nr, j, e, off, k, nr_orders = s->dev.nr_orders;
	uint64_t start, end = r->run_end;
	uint16_t *slots = s->slots;
	const uint8_t *p;
	int64_t ci;
	int rc, bytes;
	char shown[80];

	rc = snapfile_int(r, 0, 0, s->dev.nr_clusters - 1, "snap-run-cluster", &ci);
	if (rc)
		return rc;
	if ((uint64_t)ci < r->run_next)
		return snapfile_bad(r, "snap-run-cluster",
				    "cluster %" PRId64 " is given twice", ci);
	r->run_next = (uint64_t)ci + 1;
	if (sqlite3_column_type(r->st, 1) != SQLITE_BLOB) {
		snapfile_describe(r->st, 1, shown, sizeof(shown));
		return snapfile_bad(r, "snap-type", "data is %s, expected a blob",
				    shown);
	}
	bytes = sqlite3_column_bytes(r->st, 1);
	if (bytes <= 0 || bytes % 4)
		return snapfile_bad(r, "snap-run-size",
				    "blob of %d bytes, expected 4 for each run (a cluster in which no run starts has no row)",
				    bytes);
	p = sqlite3_column_blob(r->st, 1);
	if (!p)
		return snapfile_nomem(r);
	if ((uint64_t)ci >= r->cluster_to)
		return snapfile_bad(r, "snap-run-cluster",
				    "cluster %" PRId64 " is past this share of the table", ci);
	first = snapshot_cluster_first(s, (uint32_t)ci);
	n = snapshot_cluster_end(s, (uint32_t)ci) - first;
	nr = (uint32_t)bytes / 4;
	for (j = 0; j < nr; j++) {
		memcpy(&e, p + 4 * j, sizeof(e));
		e = le32toh(e);
		off = e >> SNAPFILE_RUN_SHIFT;
		k = e & SNAPFILE_RUN_ORDER;
		start = (uint64_t)first + off;
		if (__builtin_expect(off >= n || k >= nr_orders || start < end ||
				     start + (1u << k) > r->word_end, 0)) {
			r->run_end = end;
			if (snapfile_run_hold(r, off, n, k, start))
				return snapfile_run_error(r, (uint32_t)ci, p, j);
			end = start + (1u << k);
			continue;
		}
		if (r->first_run == UINT64_MAX)
			r->first_run = start;
		snapfile_mark_run(slots + start, k);
		end = start + (1u << k);
	}
	r->run_end = end;
	return 0;
}

/* The runs rows (@st, on row *@step) of the clusters before @below. */
static int snapfile_runs_until(struct snapfile_reader *r, sqlite3_stmt *st,
			       int *step, int64_t below)
{
	int rc;

	while (*step == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
		    sqlite3_column_int64(st, 0) >= below)
			return 0;
		r->st = st;
		r->table = "runs";
		rc = snapfile_run_row(r);
		if (rc)
			return rc;
		*step = sqlite3_step(st);
	}
	return *step == SQLITE_DONE ? 0 : snapfile_sql_fail(r->f, *step, r->d);
}

/* Start a share: clusters [@from, @to), their words and no run yet. */
static void snapfile_share_reset(struct snapfile_reader *r, uint32_t from,
				 uint32_t to)
{
	const struct snapshot *s = r->s;

	r->next_key = from;
	r->run_next = from;
	r->run_end = snapshot_cluster_first(s, from);
	r->cluster_to = to;
	r->word_end = to == s->dev.nr_clusters ? s->dev.max :
		      snapshot_cluster_first(s, to);
	r->first_run = UINT64_MAX;
	r->held = false;
	r->nr_big = 0;
}

/*
 * Decode the rows @slots and @runs yield (bound and ready to step), which
 * must be exactly the clusters of the share: a cluster's runs are set one
 * cluster behind its words, while those are still in the CPU's cache. One
 * behind, because a run may reach into the next cluster (never further:
 * its order is at most log2(cluster_size)), whose words are stored, not
 * merged.
 */
static int snapfile_share_read(struct snapfile_reader *r, sqlite3_stmt *slots,
			       sqlite3_stmt *runs)
{
	int rc = 0, step, rstep = sqlite3_step(runs);

	while (!rc && (step = sqlite3_step(slots)) == SQLITE_ROW) {
		r->st = slots;
		r->table = "slots";
		rc = snapfile_slots_row(r);
		if (!rc)	/* cluster next_key - 1 is decoded */
			rc = snapfile_runs_until(r, runs, &rstep,
						 (int64_t)r->next_key - 1);
	}
	if (!rc && step != SQLITE_DONE)
		rc = snapfile_sql_fail(r->f, step, r->d);
	if (!rc)
		rc = snapfile_runs_until(r, runs, &rstep, INT64_MAX);
	if (!rc && r->next_key != r->cluster_to)
		rc = snapfile_bad(r, "snap-slots-cluster",
				  "cluster %" PRIu64 " has no row", r->next_key);
	r->st = NULL;
	return rc;
}

/* The two statements that read the slots and runs tables, rows chosen by @where. */
static int snapfile_prepare_slots_runs(struct snapfile_reader *r, const char *where,
				       sqlite3_stmt **slots, sqlite3_stmt **runs)
{
	char sql[160];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT cluster, data FROM slots WHERE %s", where);
	rc = snapfile_prepare(r->f, sql, slots, r->d);
	if (rc)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT cluster, data FROM runs WHERE %s", where);
	return snapfile_prepare(r->f, sql, runs, r->d);
}

/*
 * The slots and runs tables side by side, through their primary keys,
 * each statement stepped once: the canonical reading, whose first error
 * is the one reported.
 */
static int snapfile_slots_runs(struct snapfile_reader *r)
{
	sqlite3_stmt *slots = NULL, *runs = NULL;
	int rc;

	rc = snapfile_prepare_slots_runs(r, "snapshot = ?1 ORDER BY cluster",
					 &slots, &runs);
	if (rc)
		goto out;
	sqlite3_bind_int64(slots, 1, r->id);
	sqlite3_bind_int64(runs, 1, r->id);
	snapfile_share_reset(r, 0, r->s->dev.nr_clusters);
	rc = snapfile_share_read(r, slots, runs);
out:
	sqlite3_finalize(slots);
	sqlite3_finalize(runs);
	r->st = NULL;
	return rc;
}

/*
 * Big snapshots are read by two threads, each with its own connection:
 * the second decodes the second half of the slots and runs tables while
 * the first reads the clusters table and then the first half. So the
 * slot words' first touch (the kernel zeroing 2 bytes a slot), the blob
 * decoding and SQLite's own work are split over two cores. Each half
 * walks its rows by rowid, which is how snapfile_append() lays them out
 * (one B-tree walk, not index then table). Any surprise (an edited file
 * whose rowids are not in cluster order, a bad row, a failed open) sends
 * everything back to the canonical reading, so what is accepted and
 * which error is reported never depend on the threads.
 */
#define SNAPFILE_SPLIT_MIN_CLUSTERS	8192u

struct snapfile_half {
	struct snapfile_reader r;
	struct snapfile f;		/* the second half's own connection */
	struct diag d;
	int64_t slots_lo, slots_hi;	/* rowid ranges, inclusive */
	int64_t runs_lo, runs_hi;
	int rc;
};

/*
 * The rowid of @table's row of snapshot @r->id with the first cluster >=
 * @ci (@last: the last cluster's row), or @none when there is none.
 */
static int64_t snapfile_rowid_at(struct snapfile_reader *r, const char *table,
				 uint32_t ci, bool last, int64_t none)
{
	char sql[160];
	sqlite3_stmt *st;
	int64_t v = none;

	snprintf(sql, sizeof(sql), "SELECT rowid FROM %s WHERE snapshot = ?1"
		 " AND cluster >= ?2 ORDER BY cluster%s LIMIT 1", table,
		 last ? " DESC" : "");
	if (sqlite3_prepare_v2(r->f->db, sql, -1, &st, NULL) != SQLITE_OK)
		return none;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, ci);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Where each half's rows are. The slots rows are one per cluster
 * (snapfile_bounds() counted them), so a span as long as the cluster
 * count holds exactly them; a runs row of another snapshot inside the
 * runs span is caught by its snapshot column.
 */
static int snapfile_halves_plan(struct snapfile_reader *r, uint32_t mid,
				struct snapfile_half *a, struct snapfile_half *b)
{
	uint32_t nr = r->s->dev.nr_clusters;
	int64_t lo = snapfile_rowid_at(r, "slots", 0, false, -1);
	int64_t hi = snapfile_rowid_at(r, "slots", 0, true, -1);
	int64_t runs_lo, runs_hi, split;

	if (lo < 0 || hi - lo + 1 != nr)
		return -EAGAIN;
	a->slots_lo = lo;
	a->slots_hi = lo + mid - 1;
	b->slots_lo = lo + mid;
	b->slots_hi = hi;
	runs_lo = snapfile_rowid_at(r, "runs", 0, false, 0);
	runs_hi = snapfile_rowid_at(r, "runs", 0, true, -1);
	split = snapfile_rowid_at(r, "runs", mid, false, runs_hi + 1);
	a->runs_lo = runs_lo;
	a->runs_hi = split - 1;
	b->runs_lo = split;
	b->runs_hi = runs_hi;
	return 0;
}

static int snapfile_half_read(struct snapfile_half *h)
{
	struct snapfile_reader *r = &h->r;
	sqlite3_stmt *slots = NULL, *runs = NULL;
	int rc;

	rc = snapfile_prepare_slots_runs(r, "rowid BETWEEN ?1 AND ?2 AND snapshot = ?3",
					 &slots, &runs);
	if (!rc) {
		sqlite3_bind_int64(slots, 1, h->slots_lo);
		sqlite3_bind_int64(slots, 2, h->slots_hi);
		sqlite3_bind_int64(slots, 3, r->id);
		sqlite3_bind_int64(runs, 1, h->runs_lo);
		sqlite3_bind_int64(runs, 2, h->runs_hi);
		sqlite3_bind_int64(runs, 3, r->id);
		rc = snapfile_share_read(r, slots, runs);
	}
	sqlite3_finalize(slots);
	sqlite3_finalize(runs);
	return rc;
}

static void *snapfile_half_thread(void *arg)
{
	struct snapfile_half *h = arg;

	h->rc = snapfile_half_read(h);
	return NULL;
}

/* The second half's connection: the same file, read-only. */
static int snapfile_half_open(struct snapfile_half *h, const struct snapfile *f)
{
	h->f.path = f->path;
	h->f.tmp_fd = -1;
	if (sqlite3_open_v2(f->path, &h->f.db, SQLITE_OPEN_READONLY |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_busy_timeout(h->f.db, SNAPFILE_BUSY_MS);
	return sqlite3_exec(h->f.db, "PRAGMA query_only=1;", NULL, NULL, NULL) ==
	       SQLITE_OK ? 0 : -EIO;
}

/*
 * Join the halves: the first half's held run (it crosses into the second
 * half's first cluster) must end where the second half's first run starts
 * or before; then its bits are set.
 */
static int snapfile_halves_join(struct snapfile_reader *a,
				const struct snapfile_reader *b)
{
	if (b->first_run != UINT64_MAX && b->first_run < a->run_end)
		return -EINVAL;
	if (a->held)
		snapfile_mark_run(a->s->slots + a->held_start, a->held_order);
	a->nr_big += b->nr_big;
	return 0;
}

static int snapfile_clusters_rows(struct snapfile_reader *r)
{
	return snapfile_rows(r, "clusters", "SELECT idx, count, flags, ord FROM clusters"
			     " WHERE snapshot = ?1 ORDER BY idx", snapfile_cluster_row);
}

/* The clusters, slots and runs tables by two threads; -EAGAIN: could not. */
static int snapfile_read_split(struct snapfile_reader *r)
{
	uint32_t mid = r->s->dev.nr_clusters / 2;
	struct snapfile_half *h;
	pthread_t tid;
	int rc;

	h = calloc(2, sizeof(*h));
	if (!h)
		return -EAGAIN;
	if (snapfile_halves_plan(r, mid, &h[0], &h[1]) ||
	    snapfile_half_open(&h[1], r->f)) {
		rc = -EAGAIN;
		goto out;
	}
	h[1].r = *r;
	h[1].r.f = &h[1].f;
	h[1].r.d = &h[1].d;
	snapfile_share_reset(&h[1].r, mid, r->s->dev.nr_clusters);
	if (pthread_create(&tid, NULL, snapfile_half_thread, &h[1])) {
		rc = -EAGAIN;
		goto out;
	}
	h[0].r = *r;
	h[0].r.d = &h[0].d;
	rc = snapfile_clusters_rows(&h[0].r);
	if (!rc) {
		snapfile_share_reset(&h[0].r, 0, mid);
		rc = snapfile_half_read(&h[0]);
	}
	pthread_join(tid, NULL);
	if (!rc && !h[1].rc && !snapfile_halves_join(&h[0].r, &h[1].r))
		r->nr_big = h[0].r.nr_big;
	else
		rc = -EAGAIN;
out:
	sqlite3_close_v2(h[1].f.db);
	free(h);
	return rc;
}

/*
 * The clusters table, then the slots and runs tables side by side. On a
 * read-only file big enough to pay for a thread, split in two first.
 */
static int snapfile_read_clusters_slots(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	int rc;

	if (s->dev.nr_clusters >= SNAPFILE_SPLIT_MIN_CLUSTERS &&
	    !r->f->writable && !r->f->tmp) {
		if (!snapfile_read_split(r))
			return 0;
		/* back to a clean slate for the canonical reading */
		memset(s->slots, 0, (size_t)s->dev.max * sizeof(*s->slots));
		memset(s->clusters, 0, (size_t)s->dev.nr_clusters * sizeof(*s->clusters));
	}
	rc = snapfile_clusters_rows(r);
	return rc ? rc : snapfile_slots_runs(r);
}

static int snapfile_folio_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	const char *flags, *extra, *why;
	int64_t offset, ord;
	unsigned int bits;
	uint64_t end;
	int rc;

	if ((rc = snapfile_int(r, 0, 0, s->dev.max - 1, "snap-folio-range", &offset)) ||
	    (rc = snapfile_int(r, 1, 0, s->dev.nr_orders - 1, "snap-folio-order", &ord)) ||
	    (rc = snapfile_text(r, 2, false, &flags)))
		return rc;
	why = snapfile_list_parse(flags, snapshot_folio_flag_parse, &bits, &extra);
	if (why)
		return snapfile_bad(r, "snap-folio-flags", "flags '%.60s': %s", flags,
				    why);
	end = (uint64_t)offset + (1ull << ord);
	if (end > s->dev.max)
		return snapfile_bad(r, "snap-folio-range",
				    "a folio of order %" PRId64 " ends at %" PRIu64 ", past max %u",
				    ord, end, s->dev.max);
	if ((uint64_t)offset < r->end)
		return snapfile_bad(r, "snap-folio-overlap",
				    "overlaps the folio before it, which ends at %" PRIu64,
				    r->end);
	r->end = end;
	return snapshot_add_folio(s, (uint32_t)offset, (unsigned int)ord, bits,
				  extra) ? snapfile_nomem(r) : 0;
}

static int snapfile_next_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	int64_t pos, cpu = SNAPSHOT_NEXT_GLOBAL, ord, offset;
	int rc;

	if ((rc = snapfile_int(r, 0, 0, INT64_MAX, "snap-next-pos", &pos)) ||
	    (rc = snapfile_dense_key(r, "snap-next-pos", pos)) ||
	    (sqlite3_column_type(r->st, 1) != SQLITE_NULL &&
	     (rc = snapfile_int(r, 1, 0, SNAPSHOT_NEXT_CPU_MAX, "snap-next-cpu", &cpu))) ||
	    (rc = snapfile_int(r, 2, 0, s->dev.nr_orders - 1, "snap-next-order", &ord)) ||
	    (rc = snapfile_int(r, 3, 0, s->dev.max - 1, "snap-next-offset", &offset)))
		return rc;
	return snapshot_add_next(s, (int32_t)cpu, (uint32_t)ord, (uint32_t)offset) ?
	       snapfile_nomem(r) : 0;
}

static int snapfile_next_cmp(const void *a, const void *b)
{
	const struct snapshot_next *x = *(const struct snapshot_next *const *)a;
	const struct snapshot_next *y = *(const struct snapshot_next *const *)b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x > y) - (x < y);	/* then by pos: name the later one */
}

/* One hint per CPU (or the device) and order, as the allocator has them. */
static int snapfile_next_unique(struct snapfile_reader *r)
{
	const struct snapshot *s = r->s;
	const struct snapshot_next **by;
	const struct snapshot_next *a, *b;
	char who[32];
	size_t i;
	int rc = 0;

	if (s->nr_next < 2)
		return 0;
	by = malloc(s->nr_next * sizeof(*by));
	if (!by)
		return snapfile_nomem(r);
	for (i = 0; i < s->nr_next; i++)
		by[i] = &s->next[i];
	qsort(by, s->nr_next, sizeof(*by), snapfile_next_cmp);
	for (i = 1; i < s->nr_next && !rc; i++) {
		a = by[i - 1];
		b = by[i];
		if (a->cpu != b->cpu || a->order != b->order)
			continue;
		if (b->cpu == SNAPSHOT_NEXT_GLOBAL)
			snprintf(who, sizeof(who), "global");
		else
			snprintf(who, sizeof(who), "cpu %d", b->cpu);
		rc = diag_line(r->d, r->f->path, 0, "snap-next-duplicate",
			       "next row snapshot=%" PRId64 " pos=%td: %s order %u is given twice (first at pos=%td)",
			       r->id, b - s->next, who, b->order, a - s->next);
	}
	free(by);
	return rc;
}

/* Provenance and the files bits from the snapshots row. */
static int snapfile_take_head(struct snapfile_reader *r,
			      const struct snapfile_head *h)
{
	struct snapshot_provenance *p = &r->s->prov;

	if (snapshot_set_string(&p->created, h->created) ||
	    snapshot_set_string(&p->source_kind, h->source_kind) ||
	    snapshot_set_string(&p->source_path, h->source_path) ||
	    snapshot_set_string(&p->note, h->note))
		return snapfile_nomem(r);
	p->step = h->step;
	p->id = h->id;
	r->s->files = h->files;
	return 0;
}

/* A LEB128 varint of at most 10 bytes from @p[*@at..@len), or false. */
static bool snapfile_get_varint(const uint8_t *p, size_t len, size_t *at,
				uint64_t *v)
{
	unsigned int shift;

	*v = 0;
	for (shift = 0; *at < len && shift < 64; shift += 7) {
		uint8_t byte = p[(*at)++];

		*v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return true;
	}
	return false;
}

/*
 * One process and its references (snapfile_write_procs()): pages rise
 * within the process (so no page is referenced twice), slots stay below
 * max, and every reference takes at least two bytes of the blob, so the
 * count is bounded by what the file holds.
 */
static int snapfile_proc_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	uint64_t page = 0, v, max_page = UINT64_MAX / s->dev.page_size;
	int64_t pid, slot = -1, step;
	const uint8_t *blob;
	const char *comm;
	size_t len, at = 0, nr;
	uint32_t proc;
	int rc;

	if ((rc = snapfile_int(r, 0, 1, INT32_MAX, "snap-proc-pid", &pid)) ||
	    (rc = snapfile_rising_key(r, "snap-proc-pid", pid)) ||
	    (rc = snapfile_text(r, 1, false, &comm)))
		return rc;
	if (strlen(comm) >= SNAPSHOT_COMM_LEN)
		return snapfile_bad(r, "snap-proc-comm", "comm '%.40s' is longer than %d bytes",
				    comm, SNAPSHOT_COMM_LEN - 1);
	if (sqlite3_column_type(r->st, 2) != SQLITE_BLOB)
		return snapfile_bad(r, "snap-type", "refs is not a blob");
	blob = sqlite3_column_blob(r->st, 2);
	len = (size_t)sqlite3_column_bytes(r->st, 2);
	if (snapshot_add_proc(s, (int32_t)pid, comm, &proc))
		return snapfile_nomem(r);
	for (nr = 0; at < len; nr++) {
		if (!snapfile_get_varint(blob, len, &at, &v) ||
		    (nr && v >= max_page - page) || (!nr && v > max_page))
			return snapfile_bad(r, "snap-proc-refs",
					    "reference %zu (byte %zu of the blob): a bad page step", nr, at);
		page = nr ? page + v + 1 : v;
		if (!snapfile_get_varint(blob, len, &at, &v))
			return snapfile_bad(r, "snap-proc-refs",
					    "reference %zu (byte %zu of the blob): no slot", nr, at);
		step = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
		if (step < -slot - 1 || step >= (int64_t)s->dev.max - slot - 1)
			return snapfile_bad(r, "snap-proc-refs",
					    "reference %zu (byte %zu of the blob): slot out of range 0..%u",
					    nr, at, s->dev.max - 1);
		slot += step + 1;
		if (snapshot_add_ref(s, proc, page * s->dev.page_size, (uint32_t)slot))
			return snapfile_nomem(r);
	}
	return 0;
}

/* In the order meaning depends on: info sizes everything, slots before what marks them. */
static int snapfile_read_rows(struct snapfile_reader *r,
			      const struct snapfile_head *h, const char *kernel)
{
	struct snapshot *s = r->s;
	struct info_error e;
	uint32_t clash;
	int rc;

	rc = snapfile_rows(r, "info", "SELECT pos, key, value FROM info"
			   " WHERE snapshot = ?1 ORDER BY pos", snapfile_info_row);
	if (rc)
		return rc;
	if (info_apply(s, &e))
		return diag_line(r->d, r->f->path, 0, e.rule,
				 "info rows of snapshot %" PRId64 ": %s", r->id, e.why);
	r->era = era_get(s->dev.era);
	if ((rc = snapfile_head_match(r, h, kernel)) ||
	    (rc = snapfile_bounds(r)))
		return rc;
	rc = snapshot_set_geometry(s, s->dev.max, s->dev.cluster_size);
	if (rc)
		return diag_errno(r->d, r->f->path, rc);
	if ((rc = snapfile_read_clusters_slots(r)) ||
	    (rc = snapfile_rows(r, "counts", "SELECT slot, count FROM counts"
				" WHERE snapshot = ?1 ORDER BY slot", snapfile_counts_row)) ||
	    (rc = snapfile_counts_complete(r)) ||
	    (rc = snapfile_rows(r, "shmem", "SELECT slot FROM shmem"
				" WHERE snapshot = ?1 ORDER BY slot", snapfile_shmem_row)) ||
	    (rc = snapfile_rows(r, "folios", "SELECT offset, ord, flags FROM folios"
				" WHERE snapshot = ?1 ORDER BY offset", snapfile_folio_row)) ||
	    (rc = snapfile_rows(r, "next", "SELECT pos, cpu, ord, offset FROM next"
				" WHERE snapshot = ?1 ORDER BY pos", snapfile_next_row)) ||
	    (rc = snapfile_next_unique(r)) ||
	    (rc = snapfile_rows(r, "procs", "SELECT pid, comm, refs FROM procs"
				" WHERE snapshot = ?1 ORDER BY pid", snapfile_proc_row)))
		return rc;
	if (snapshot_finish(s, &clash))
		return diag_line(r->d, r->f->path, 0, "snap-folio-overlap",
				 "folios row snapshot=%" PRId64 " offset=%u: overlaps another folio",
				 r->id, clash);
	return 0;
}

int snapfile_read(struct snapfile *f, int64_t id, struct snapshot **out,
		  struct diag *d)
{
	struct snapfile_reader r = { .f = f, .d = d };
	struct snapfile_head h;
	char *kernel = NULL;
	int rc;

	diag_clear(d);
	*out = NULL;
	r.s = snapshot_new();
	if (!r.s)
		return diag_errno(d, f->path, -ENOMEM);
	rc = snapfile_find(&r, id, &h);
	if (!rc)
		rc = snapfile_take_head(&r, &h);
	if (!rc && !(kernel = strdup(h.kernel)))
		rc = snapfile_nomem(&r);
	sqlite3_finalize(r.st);
	r.st = NULL;
	if (!rc)
		rc = snapfile_read_rows(&r, &h, kernel);
	free(kernel);
	if (rc) {
		snapshot_free(r.s);
		return rc;
	}
	*out = r.s;
	return 0;
}

int snapfile_list(struct snapfile *f, struct snapfile_entry **out, size_t *nr,
		  struct diag *d)
{
	struct snapfile_reader r = { .f = f, .d = d };
	struct snapfile_entry *list = NULL, *e, *p;
	struct snapfile_head h;
	size_t alloc = 0, n = 0;
	int rc, step;

	diag_clear(d);
	*out = NULL;
	*nr = 0;
	rc = snapfile_prepare(f, SNAPFILE_HEAD_SQL " ORDER BY id", &r.st, d);
	if (rc)
		return rc;
	while ((step = sqlite3_step(r.st)) == SQLITE_ROW) {
		rc = snapfile_head_parse(&r, &h);
		if (rc)
			break;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			p = reallocarray(list, alloc, sizeof(*list));
			if (!p) {
				rc = snapfile_nomem(&r);
				break;
			}
			list = p;
		}
		e = &list[n++];
		memset(e, 0, sizeof(*e));
		e->id = h.id;
		e->step = h.step;
		snprintf(e->created, sizeof(e->created), "%s", h.created);
		snprintf(e->source_kind, sizeof(e->source_kind), "%s", h.source_kind);
		/* a release is at most 64 bytes; an edited longer one is cut */
		snprintf(e->kernel, sizeof(e->kernel), "%s", h.kernel);
		e->era = h.era;
	}
	if (!rc && step != SQLITE_DONE)
		rc = snapfile_sql_fail(f, step, d);
	sqlite3_finalize(r.st);
	if (rc) {
		free(list);
		return rc;
	}
	*out = list;
	*nr = n;
	return 0;
}

static int snapfile_counter_row(struct snapfile_reader *r)
{
	struct snapfile_counter *c, *p;
	const char *name;
	int64_t ord, value;
	size_t len;
	int rc;

	if ((rc = snapfile_int(r, 0, 0, r->nr_orders - 1, "snap-counter-order", &ord)) ||
	    (rc = snapfile_text(r, 1, false, &name)) ||
	    (rc = snapfile_int(r, 2, 0, INT64_MAX, "snap-counter-value", &value)))
		return rc;
	len = strlen(name);
	if (len >= SNAPFILE_COUNTER_NAME_MAX || !snapshot_flag_name_ok(name, len))
		return snapfile_bad(r, "snap-counter-name",
				    "name '%.40s' is not made of [a-z0-9_], 1 to %d bytes",
				    name, SNAPFILE_COUNTER_NAME_MAX - 1);
	if (r->nr_counters == r->alloc_counters) {
		size_t want = r->alloc_counters ? 2 * r->alloc_counters : 32;

		p = reallocarray(r->counters, want, sizeof(*p));
		if (!p)
			return snapfile_nomem(r);
		r->counters = p;
		r->alloc_counters = want;
	}
	c = &r->counters[r->nr_counters++];
	c->order = (unsigned int)ord;
	memcpy(c->name, name, len + 1);
	c->value = (uint64_t)value;
	return 0;
}

int snapfile_read_counters(struct snapfile *f, int64_t id,
			   struct snapfile_counter **out, size_t *nr,
			   struct diag *d)
{
	struct snapfile_reader r = { .f = f, .d = d };
	struct snapfile_head h;
	int rc;

	diag_clear(d);
	*out = NULL;
	*nr = 0;
	rc = snapfile_find(&r, id, &h);
	if (!rc)
		r.nr_orders = h.nr_orders;
	sqlite3_finalize(r.st);
	r.st = NULL;
	if (!rc)
		rc = snapfile_rows(&r, "counters", "SELECT ord, name, value FROM counters"
				   " WHERE snapshot = ?1 ORDER BY ord, name",
				   snapfile_counter_row);
	if (rc) {
		free(r.counters);
		return rc;
	}
	*out = r.counters;
	*nr = r.nr_counters;
	return 0;
}
