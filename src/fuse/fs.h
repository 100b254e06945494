/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs.h - the swapfs FUSE tree as `swapfs mount` drives it (fs.c): make
 * the state (struct fs, fs-state.h), fill it (the model, the analysis
 * with findings_analyse(), the header with header_dir_read(): dirs.h),
 * serve it until unmounted, destroy it.
 */
#ifndef SWAPFS_FUSE_FS_H
#define SWAPFS_FUSE_FS_H

#include <stdbool.h>

#include "dirs.h"
#include "fs-state.h"

/* fs_init - an empty state (locks initialised). Returns 0 or -errno. */
int fs_init(struct fs *fs);

/*
 * fs_areas_set - a mount of several areas (@nr of @v, area 0 first, whose
 * fs->snap is already v[0]'s): a state per area for areas/<n>/, each
 * analysed (findings_analyse()); takes the snapshots (v[] cleared; v[0]
 * is fs->snap's). Read-only, never refreshed. Returns 0 or -errno; on
 * failure fs_destroy() frees what was made.
 */
int fs_areas_set(struct fs *fs, struct snapshot **v, unsigned int nr);

/* fs_destroy - free the model, the analysis, the edits, the caches. */
void fs_destroy(struct fs *fs);

/* How to mount: the session's options. */
struct fs_config {
	const char *mountpoint;
	const char *fsname;		/* shown in /proc/mounts */
	bool allow_other, allow_root;
	bool debug;			/* print every request (implies foreground) */
	bool clone_fd;
	unsigned int max_threads;	/* 0: libfuse's default */
};

/*
 * fs_main - mount @fs at cfg->mountpoint, daemonize unless
 * fs->foreground, serve until unmounted (fusermount3 -u, umount, SIGINT,
 * SIGTERM, SIGHUP), then save unsaved edits. Returns 0; -EIO when the
 * mount failed (libfuse said why on stderr); the save's -errno when the
 * last save failed (logged).
 */
int fs_main(struct fs *fs, const struct fs_config *cfg);

#endif /* SWAPFS_FUSE_FS_H */
