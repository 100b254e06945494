/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs-live.h - a mount of live: (the running kernel) read again when a
 * file is opened, at most every fs->refresh_ms (fs-live.c). The reader
 * (live.h) stays loaded for the life of the mount.
 */
#ifndef SWAPFS_FUSE_FS_LIVE_H
#define SWAPFS_FUSE_FS_LIVE_H

#include "fs-buf.h"
#include "fs-state.h"

/*
 * fs_live_start - read @area ("" for the only active one; live_open())
 * into fs->snap with a reader kept in fs->live, and note the time; the
 * caller then analyses it (findings_analyse()). Returns 0 or -errno with
 * @d as live_load().
 */
int fs_live_start(struct fs *fs, const char *area, struct diag *d);

/*
 * fs_live_refresh - on a live mount, when the last read is at least
 * fs->refresh_ms old, read the area again and put the new state and its
 * analysis in place of the old (under fs->lock for writing, so no
 * request sees half of each). Called without fs->lock held. A failed
 * read keeps the old state, is logged and counted, and is not retried
 * before refresh_ms. Does nothing on other mounts.
 */
void fs_live_refresh(struct fs *fs);

/*
 * fs_live_source - the "read", "reads", "failed_reads" and "refresh"
 * lines of source; fs->lock held (for reading), as for every content.
 */
void fs_live_source(struct fs *fs, struct fs_buf *b);

#endif /* SWAPFS_FUSE_FS_LIVE_H */
