// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs-state.c - saving the edits a read-write mount made to its state: at
 * the close of a written file, on fsync and at unmount.
 */
#include <string.h>

#include <fuse_log.h>

#include <swapfs/diag.h>

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
