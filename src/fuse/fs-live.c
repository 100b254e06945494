// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs-live.c - re-reading a mount of live: when a file is opened, at most
 * every refresh_ms (fs-live.h). The state is replaced whole, with its
 * analysis and findings index: a request holds fs->lock for reading, so it
 * sees one read or the next, never a mix. A file's content is generated at
 * its open (live mounts stream nothing, as read-write ones), so one open
 * file reads one state; the kernel caches nothing (timeouts 0, direct I/O,
 * every open sent), or it would never ask again.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <fuse_log.h>

#include <swapfs/live.h>

#include "dirs.h"
#include "fs-live.h"

/*
 * A read done: when it was. live_at and the counts are read with the
 * state (source, under fs->lock), so they change with it, under its
 * write lock; live_mono is the rate limit's, under fs->live_lock.
 */
static void fs_live_stamp(struct fs *fs)
{
	clock_gettime(CLOCK_REALTIME, &fs->live_at);
	fs->live_reads++;
}

int fs_live_start(struct fs *fs, const char *area, struct diag *d)
{
	int rc;

	rc = live_open(area, &fs->live, d);
	if (!rc)
		rc = live_read(fs->live, &fs->snap, d);
	if (!rc) {
		clock_gettime(CLOCK_MONOTONIC, &fs->live_mono);
		fs_live_stamp(fs);
	}
	return rc;
}

static int64_t fs_live_age_ms(const struct fs *fs)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - fs->live_mono.tv_sec) * 1000 +
	       (now.tv_nsec - fs->live_mono.tv_nsec) / 1000000;
}

/* The new state in place of the old; fs->lock held for writing. */
static int fs_live_swap(struct fs *fs, struct snapshot *s)
{
	struct snapshot *old_snap = fs->snap;
	struct analysis *old_an = fs->an;
	struct findings_index *old_idx = fs->findings;
	int rc;

	fs->snap = s;
	fs->an = NULL;
	fs->findings = NULL;
	fs->version++;
	rc = findings_analyse(fs);
	if (rc) {
		/* keep serving the old state */
		analysis_free(fs->an);
		fs->snap = old_snap;
		fs->an = old_an;
		fs->findings = old_idx;
		return rc;
	}
	snapshot_free(old_snap);
	analysis_free(old_an);
	findings_index_free(old_idx);
	return 0;
}

void fs_live_refresh(struct fs *fs)
{
	struct snapshot *s = NULL;
	struct diag d = { 0 };
	int rc;

	if (!fs->live)
		return;
	/*
	 * One read at a time: the others wait for it and find it fresh. Lock
	 * order: live_lock, then fs->lock (source takes fs->lock only).
	 */
	pthread_mutex_lock(&fs->live_lock);
	if (fs_live_age_ms(fs) < (int64_t)fs->refresh_ms) {
		pthread_mutex_unlock(&fs->live_lock);
		return;
	}
	rc = live_read(fs->live, &s, &d);
	pthread_rwlock_wrlock(&fs->lock);
	if (!rc) {
		rc = fs_live_swap(fs, s);
		if (rc)
			snapshot_free(s);
	}
	if (rc)
		fs->live_failed++;
	else
		fs_live_stamp(fs);
	pthread_rwlock_unlock(&fs->lock);
	clock_gettime(CLOCK_MONOTONIC, &fs->live_mono);
	pthread_mutex_unlock(&fs->live_lock);
	if (rc)
		fuse_log(FUSE_LOG_ERR, "swapfs: %s: re-read failed, the tree shows the "
			 "last read: %s\n", fs->src, d.msg[0] ? d.msg : strerror(-rc));
}

void fs_live_source(struct fs *fs, struct fs_buf *b)
{
	struct tm tm;
	char when[32];

	if (!fs->live)
		return;
	if (gmtime_r(&fs->live_at.tv_sec, &tm) &&
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm))
		fs_buf_printf(b, "read: %s.%03ldZ\n", when, fs->live_at.tv_nsec / 1000000);
	fs_buf_printf(b, "reads: %" PRIu64 "\n", fs->live_reads);
	if (fs->live_failed)
		fs_buf_printf(b, "failed_reads: %" PRIu64 "\n", fs->live_failed);
	fs_buf_printf(b, "refresh: %u\n", fs->refresh_ms);
}
