/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapfile.h - the snapshot file: an SQLite database holding one snapshot
 * or a time series of them (swapfs-snapshot(5) documents the schema).
 *
 * A new file is built under a temporary name (".NAME.tmp-XXXXXX" beside
 * it, no journal, no syncs: nothing is at stake until it is renamed) and
 * appears at its path only when committed (synced, renamed, directory
 * synced), so a crash leaves no file or a whole one. Appending to an
 * existing file is one SQLite transaction per snapshot, under a rollback
 * journal with full syncs.
 *
 * Reading validates every row the way the dump loader validates a dump:
 * users may edit the file with sqlite3. A rejection is -EINVAL with a
 * diag naming the file, the table, the row and the rule
 * ("snap.db: slots row snapshot=1 cluster=12: blob of 1000 bytes, expected
 * 512 or 1024 ... [snap-slots-size]"); SQLite's own failures are mapped to
 * -errno.
 *
 * Writing trusts the snapshot.h invariants every source leaves behind
 * (a count of 127 has a counts[] entry, run bits come from
 * snapshot_add_run()), and checks what it turns into text. Slot blobs
 * take 1 byte a slot where every count of the cluster fits 4 bits, else 2;
 * runs are one blob per cluster in which runs start, written on the same
 * pass over the slot words.
 *
 * A struct snapfile is used by one thread at a time.
 */
#ifndef SWAPFS_SNAPFILE_H
#define SWAPFS_SNAPFILE_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SOURCES)
#error "swapfs/snapfile.h belongs to the sources: a lower layer may not use it (src/README.md)"
#endif

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
	char kernel[65];	/* a release is at most 64 bytes (utsname) */
	char era;
};

/*
 * A per-order event counter (hugepages-<size>/stats/<name> in the kernel:
 * swpout, swpout_fallback, ...), for sources that know them.
 */
#define SNAPFILE_COUNTER_NAME_MAX	32
struct snapfile_counter {
	unsigned int order;			/* < the snapshot's nr_orders */
	char name[SNAPFILE_COUNTER_NAME_MAX];	/* [a-z0-9_], 1..31 bytes */
	uint64_t value;				/* <= INT64_MAX (SQLite) */
};

/*
 * Counters of swapfs sim --explain (swapfs-snapshot(5)): at order k,
 * "fallback_<reason>" counts k's fallbacks for that reason (they sum to
 * k's swpout_fallback), "steal_<list>" the order-0 allocations that took
 * a slot of a cluster of order k on that list (frag or nonfull).
 */
#define SNAPFILE_COUNTER_FALLBACK	"fallback_"
#define SNAPFILE_COUNTER_STEAL		"steal_"

/*
 * snapfile_probe - whether @path looks like a snapshot file (SQLite magic
 * and swapfs's application_id). Reads 100 bytes; false on any error.
 */
bool snapfile_probe(const char *path);

/*
 * snapfile_create - start a new snapshot file that will appear at @path on
 * snapfile_commit(). Refuses an existing @path (-EEXIST) unless @replace;
 * the check is made again at the rename, so a file that appears meanwhile
 * is not clobbered either.
 */
int snapfile_create(const char *path, bool replace, struct snapfile **out,
		    struct diag *d);

/*
 * snapfile_open - open an existing snapshot file, read-only or to append.
 * Checks the application_id, the schema version and every table's columns.
 * A read-only open of a file whose last write was killed midway first
 * rolls its hot journal back when the file is writable (so the state
 * before that write is read), else refuses with [snap-hot-journal].
 */
int snapfile_open(const char *path, bool writable, struct snapfile **out,
		  struct diag *d);

/*
 * snapfile_append - store @s as a new snapshot (one transaction); its id
 * goes to *@id (may be NULL). Ids count up from 1 in time order. On a
 * created file a failure midway cannot be rolled back (no journal): the
 * file is then spoilt, snapfile_commit() refuses it and the caller closes.
 * @s may be a stream (stream.h, e.g. dump_stream()): its clusters' rows
 * are written as they become final, the stream ended (stream_end()) after
 * the last, and a stream that fails fails the append [snap-stream].
 */
int snapfile_append(struct snapfile *f, const struct snapshot *s, int64_t *id,
		    struct diag *d);

/*
 * snapfile_append_counters - snapfile_append() with @nr per-order event
 * counters stored beside the snapshot (@c may be NULL when @nr is 0).
 * A name given twice for one order is refused (-EINVAL).
 */
int snapfile_append_counters(struct snapfile *f, const struct snapshot *s,
			     const struct snapfile_counter *c, size_t nr,
			     int64_t *id, struct diag *d);

/*
 * snapfile_replace - rewrite snapshot @id of @f (opened writable) as @s,
 * in one transaction under the rollback journal, synced when it returns
 * (PRAGMA synchronous=EXTRA: the journal's unlink is synced too), so a
 * crash leaves the old rows or the new ones. Only what an edit of
 * clusters and slots changes is written: for each cluster whose bit is
 * set in @dirty (nr_clusters bits, bit ci of word ci / 64; NULL for
 * every cluster) its clusters, slots and runs rows, and the counts and
 * shmem rows of its slots; and the note of the snapshots row. The rest
 * (info, folios, next, counters, the other clusters' rows, created,
 * source_kind, source_path, step) is kept as stored, so @s must be the
 * state read from that snapshot with changes in the dirty clusters only.
 * Rows keep their rowids (a new runs row gets one in cluster order), so
 * the file reads as a freshly appended one does. Returns 0; -ENOENT
 * [snap-no-snapshot] when there is no snapshot @id; -EINVAL when it is
 * of another device [snap-replace-mismatch] or a row to write is one the
 * reader would refuse (the reader's rules: snap-slots-word, snap-cluster,
 * snap-run-order, ...); another -errno for SQLite's or the system's
 * failures. On any failure the file keeps the old state.
 */
int snapfile_replace(struct snapfile *f, int64_t id, const struct snapshot *s,
		     const uint64_t *dirty, struct diag *d);

/*
 * snapfile_list - the snapshots in @f, by id. *@out is malloc'ed (free());
 * NULL when *@nr is 0.
 */
int snapfile_list(struct snapfile *f, struct snapfile_entry **out, size_t *nr,
		  struct diag *d);

/*
 * snapfile_areas - the info key areas of snapshot @id (0: the last) as
 * stored, unchecked (snapfile_read() checks it): how many areas its group
 * has; 1 without the key, or when there is no such snapshot. Cheap: for
 * a caller choosing how to read (one area as a stream, or a group).
 */
int snapfile_areas(struct snapfile *f, int64_t id, unsigned int *areas,
		   struct diag *d);

/*
 * snapfile_read - load snapshot @id (0: the last one) into a new snapshot,
 * validating every row. -ENOENT when there is no such id. The model's
 * provenance is the stored one; prov.id is @id's row. Memory: the slot
 * array plus what is rare; blobs are decoded straight into it, a
 * cluster's runs set while its words are still in the CPU's cache.
 */
int snapfile_read(struct snapfile *f, int64_t id, struct snapshot **out,
		  struct diag *d);

/*
 * snapfile_stream - snapfile_read() as a stream (stream.h): the head,
 * info and clusters tables are read and checked now; a thread of the
 * stream's, on a connection of its own, reads the other tables and then
 * the slots and runs rows while the caller walks the clusters behind it,
 * through a window of a few MiB of the slot array. @f is closed before
 * this returns.
 * The stream fails (stream_at(), stream_end()) when a row is refused;
 * which row is not said: snapfile_read() names the first one. Returns 0,
 * or -errno when even the start failed (@d says why).
 */
int snapfile_stream(struct snapfile *f, int64_t id, struct snapshot **out,
		    struct diag *d);

/*
 * snapfile_read_counters - the counters of snapshot @id (0: the last),
 * sorted by order then name. *@out is malloc'ed (free()); NULL when *@nr
 * is 0. -ENOENT when there is no such id.
 */
int snapfile_read_counters(struct snapfile *f, int64_t id,
			   struct snapfile_counter **out, size_t *nr,
			   struct diag *d);

/*
 * snapfile_commit - for a created file: sync it, rename it to its path,
 * sync the directory. For an opened file: nothing more to do. Either way
 * @f is closed (even on error; a created file's temporary is removed).
 */
int snapfile_commit(struct snapfile *f, struct diag *d);

/* snapfile_close - close without committing (a created file is removed). */
void snapfile_close(struct snapfile *f);

#endif /* SWAPFS_SNAPFILE_H */
