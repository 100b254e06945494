// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs-state.c - saving the edits a read-write mount made to its state: at
 * the close of a written file, on fsync and at unmount; and the last
 * request the tree refused, kept and logged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <fuse_log.h>

#include <swapfs/diag.h>
#include <swapfs/utc.h>

#include "fs-buf.h"
#include "fs-state.h"

int fs_state_save(struct fs *fs)
{
	struct diag d = { 0 };
	int rc = 0;

	if (!fs->rw || !fs->edit)
		return 0;
	pthread_rwlock_wrlock(&fs->lock);
	if (snapedit_dirty(fs->edit))
		rc = snapedit_save(fs->edit, &d);
	pthread_rwlock_unlock(&fs->lock);
	if (rc)
		fuse_log(FUSE_LOG_ERR, "swapfs: saving to %s: %s\n", fs->save_path,
			 d.msg[0] ? d.msg : strerror(-rc));
	return rc;
}

int fs_state_refuse(struct fs *fs, int err, const char *fmt, ...)
{
	char when[32], what[sizeof(fs->refused) - 64];
	const char *name = strerrorname_np(-err);
	va_list ap;

	if (utc_now(when, sizeof(when)))
		strcpy(when, "-");
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&fs->refused_lock);
	snprintf(fs->refused, sizeof(fs->refused), "%s %s %s\n", when,
		 name ? name : "-", what);
	pthread_mutex_unlock(&fs->refused_lock);
	fuse_log(FUSE_LOG_NOTICE, "swapfs: %s refused (%s): %s\n", fs->src ? fs->src : "",
		 name ? name : "-", what);
	return err;
}

void fs_state_refused(struct fs *fs, struct fs_buf *b)
{
	pthread_mutex_lock(&fs->refused_lock);
	fs_buf_add(b, fs->refused, strlen(fs->refused));
	pthread_mutex_unlock(&fs->refused_lock);
}
