/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapfile.h - the snapshot file: an SQLite database holding one snapshot
 * or a time series of them (swapfs-snapshot(5) documents the schema).
 *
 * A new file is built under a temporary name and appears at its path only
 * when committed (synced, renamed, directory synced), so a crash leaves no
 * file or a whole one. Appending to an existing file is one SQLite
 * transaction per snapshot. Reading validates every row the way the dump
 * loader validates a dump: users may edit the file with sqlite3.
 */
#ifndef SWAPFS_SNAPFILE_H
#define SWAPFS_SNAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/diag.h"
#include "swapfs/snapshot.h"

struct snapfile;

/* One row of the snapshots table, for listings. */
struct snapfile_entry {
	int64_t id;
	int64_t step;		/* -1 when not a simulator step */
	char created[32];
	char source_kind[16];
	char kernel[64];
	char era;
};

/*
 * snapfile_probe - whether @path looks like a snapshot file (SQLite magic
 * and swapfs's application_id). Reads 100 bytes; false on any error.
 */
bool snapfile_probe(const char *path);

/*
 * snapfile_create - start a new snapshot file that will appear at @path on
 * snapfile_commit(). Refuses an existing @path (-EEXIST) unless @replace.
 */
int snapfile_create(const char *path, bool replace, struct snapfile **out,
		    struct diag *d);

/* snapfile_open - open an existing snapshot file, read-only or to append. */
int snapfile_open(const char *path, bool writable, struct snapfile **out,
		  struct diag *d);

/*
 * snapfile_append - store @s as a new snapshot (one transaction); its id
 * goes to *@id (may be NULL). Ids count up from 1 in time order.
 */
int snapfile_append(struct snapfile *f, const struct snapshot *s, int64_t *id,
		    struct diag *d);

/*
 * snapfile_list - the snapshots in @f, by id. *@out is malloc'ed (free()).
 */
int snapfile_list(struct snapfile *f, struct snapfile_entry **out, size_t *nr,
		  struct diag *d);

/*
 * snapfile_read - load snapshot @id (0: the last one) into a new snapshot,
 * validating every row. -ENOENT when there is no such id.
 */
int snapfile_read(struct snapfile *f, int64_t id, struct snapshot **out,
		  struct diag *d);

/*
 * snapfile_commit - for a created file: sync it, rename it to its path,
 * sync the directory. For an opened file: nothing more to do. Either way
 * @f is closed (even on error).
 */
int snapfile_commit(struct snapfile *f, struct diag *d);

/* snapfile_close - close without committing (a created file is removed). */
void snapfile_close(struct snapfile *f);

#endif /* SWAPFS_SNAPFILE_H */
