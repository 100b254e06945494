// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-file.c - the snapshot file (snapfile.h, swapfs-snapshot(5)) as
 * a whole: probed, created under a temporary name and committed, opened
 * (after a killed write is rolled back) and closed. What goes into its
 * tables and comes back out is in the files snapfile-internal.h lists.
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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "swapfs/durable.h"
#include "snapfile-internal.h"

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

static struct snapfile *snapfile_file_alloc(const char *path)
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
static void snapfile_file_free(struct snapfile *f)
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
		snapfile_file_free(f);
}

/*
 * ".NAME.tmp-XXXXXX" beside @f->path, created exclusively with mode 0666
 * so the umask decides, as it does for any new file (mkstemp would force
 * 0600 on what is a data file people share).
 */
static int snapfile_file_tmp(struct snapfile *f)
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
	f = snapfile_file_alloc(path);
	if (!f)
		return diag_errno(d, path, -ENOMEM);
	rc = snapfile_file_tmp(f);
	if (rc) {
		snapfile_file_free(f);
		return diag_errno(d, path, rc);
	}
	/* the file is empty: SQLite makes it a new database */
	rc = sqlite3_open_v2(f->tmp, &f->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		rc = snapfile_sql_fail(f, rc, d);
	else
		rc = snapfile_schema_create(f, d);
	if (rc) {
		snapfile_file_free(f);
		return rc;
	}
	f->writable = true;
	f->replace = replace;
	*out = f;
	return 0;
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
static int snapfile_file_roll_back(const char *path, struct diag *d)
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
		rc = snapfile_file_roll_back(path, d);
		if (rc)
			return rc;
	}
	f = snapfile_file_alloc(path);
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
	rc = snapfile_schema_check(f, d);
	if (!rc)
		rc = snapfile_sql_exec(f, sql, d);
	if (rc)
		goto fail;
	f->writable = writable;
	*out = f;
	return 0;
fail:
	snapfile_file_free(f);
	return rc;
}

/* Rename without replacing: an existing @path stays, even one new since create. */
static int snapfile_file_rename(const char *tmp, const char *path, bool replace)
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
		snapfile_file_free(f);
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
			rc = snapfile_file_rename(f->tmp, f->path, f->replace);
		if (!rc) {
			free(f->tmp);
			f->tmp = NULL;
			rc = durable_sync_dir(f->path);
		}
	}
	if (rc)
		diag_errno(d, f->path, rc);
	snapfile_file_free(f);
	return rc;
}
