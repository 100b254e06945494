/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs-state.h - the daemon's state (struct fs): the model every request
 * reads, the lock around it, how the tree is mounted; and the saving of
 * its edits (fs-state.c). Its life, fs_init() to fs_destroy(), is fs.c's.
 *
 * Locking: the operations (fs-op.c) take fs->lock for reading around
 * every request and for writing around edits; what serves a directory
 * runs under it and takes no lock of its own (findings.c's cache has its
 * own mutex, taken inside; so has the last refusal, which requests
 * outside fs->lock record too).
 */
#ifndef SWAPFS_FUSE_FS_STATE_H
#define SWAPFS_FUSE_FS_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <swapfs/analysis.h>
#include <swapfs/swapheader.h>
#include <swapfs/snapedit.h>
#include <swapfs/snapfile.h>
#include <swapfs/snapshot.h>

struct fs_buf;
struct live;
struct series;

struct fs {
	/* Set before the session starts, then only read. */
	const char *src;		/* SRC as the user gave it */
	const char *save_path;		/* rw: the snapshot file edits go to */
	const char *header_path;	/* --header, absolute; NULL without */
	bool rw;			/* -o rw */
	bool foreground;
	double timeout;			/* entry and attribute timeouts */
	uid_t uid;
	gid_t gid;
	struct timespec time;		/* every node's times: the mount's */
	bool no_open, no_opendir;	/* read-only: zero-message opens (fs-op.c) */
	unsigned int refresh_ms;	/* live: re-read at most this often */

	pthread_rwlock_t lock;		/* the model: read by requests, written by edits */
	struct snapshot *snap;
	struct analysis *an;		/* ANALYSIS_ALL_CHECKS, kept current by snapedit */
	/* the counters stored with it (a snapshot file's), for orders/<k>/fallback_reasons */
	struct snapfile_counter *counters;
	size_t nr_counters;
	struct snapedit *edit;		/* rw mounts; NULL when edits are unavailable */
	struct swapheader_info hdr;	/* with --header: as last read */
	struct stat hdr_st;		/* the area then: device and inode */
	uint8_t *hdr_bytes;		/* and its first bytes (hdr_len) */
	size_t hdr_len;
	uint64_t version;		/* bumped by every accepted edit */

	pthread_mutex_t findings_lock;	/* findings.c's cache */
	struct findings_index *findings;

	struct series *series;		/* series.c's (own lock); NULL: no series/ */

	/*
	 * live: (fs-live.c): the reader, and when it last read. live_lock
	 * serialises the reads (and guards live_mono); live_at and the counts
	 * change with the state, under fs->lock. Order: live_lock, fs->lock.
	 */
	pthread_mutex_t live_lock;
	struct live *live;		/* NULL: the state never changes by itself */
	struct timespec live_mono;	/* the last read (or failed one), monotonic */
	struct timespec live_at;	/* the last read, UTC */
	uint64_t live_reads, live_failed;

	/*
	 * Several areas read at one moment (a snapshot file's group, a bare
	 * live:): areas/<n>/ is area n's tree, served by areas[n], a state of
	 * its own (areas[0] borrows this one's snapshot, which the root
	 * shows); read-only, never refreshed. nr_areas 0: one area.
	 */
	struct fs **areas;
	unsigned int nr_areas;

	pthread_mutex_t refused_lock;	/* the last refusal (fs_state_refuse()) */
	char refused[512];		/* its line; "" before the first */

	/*
	 * Open files (fs-file.c): after a lazy unmount the kernel may never
	 * send their RELEASE, so what is left is freed at the end.
	 */
	pthread_mutex_t files_lock;
	struct fs_file *files;
};

/*
 * fs_state_changing - whether the state can change while mounted (an
 * edit, a re-read of live:): then the kernel may cache nothing and every
 * open must reach the daemon.
 */
static inline bool fs_state_changing(const struct fs *fs)
{
	return fs->rw || fs->live;
}

/*
 * fs_state_save - save unsaved edits (snapedit_save()), taking the write
 * lock. Logs a failure. Returns 0 or -errno.
 */
int fs_state_save(struct fs *fs);

/*
 * fs_state_refuse - a request refused with -@err (a negative errno):
 * the line "<UTC time> <ERRNO> <what>" (<what> from @fmt, which names
 * the path and says why) becomes the last refusal, which the root's
 * file refused shows, and is logged (fuse_log(): standard error with -f,
 * syslog once daemonized). Takes fs->refused_lock only, so it may be
 * called with or without fs->lock held. Returns @err.
 */
int fs_state_refuse(struct fs *fs, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* fs_state_refused - the last refusal's line ("" when none) into @b. */
void fs_state_refused(struct fs *fs, struct fs_buf *b);

#endif /* SWAPFS_FUSE_FS_STATE_H */
