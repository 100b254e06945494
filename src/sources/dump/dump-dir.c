// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-dir.c - the directory a dump is written into: checked empty,
 * built as a temporary beside it, synced and renamed into place, or
 * removed whole on any error, so a crash or a refusal leaves the old
 * state or the new one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "swapfs/durable.h"
#include "dump-writer.h"

/* Every file a dump can have: what a failed write removes. */
static const char *const dump_dir_files[] = {
	"info", "swap_map", "swap_table", "continued", "clusters", "cache",
	"zeromap", "zswap", "orders", "next",
};

int dump_dir_check_target(struct dump_writer *w)
{
	struct dirent *e;
	struct stat st;
	DIR *dh;

	if (lstat(w->target, &st))
		return errno == ENOENT ? 0 : diag_errno(w->d, w->dir, -errno);
	if (!S_ISDIR(st.st_mode))
		return diag_errno(w->d, w->dir, -ENOTDIR);
	dh = opendir(w->target);
	if (!dh)
		return diag_errno(w->d, w->dir, -errno);
	while ((e = readdir(dh)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			break;
	closedir(dh);
	if (e) {
		diag_line(w->d, w->dir, 0, NULL, "exists and is not empty");
		return -ENOTEMPTY;
	}
	return 0;
}

int dump_dir_make_tmp(struct dump_writer *w)
{
	const char *slash = strrchr(w->target, '/');
	const char *name = slash ? slash + 1 : w->target;
	int plen = slash ? (int)(slash - w->target) + 1 : 0;

	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return diag_errno(w->d, w->dir, -EINVAL);
	if (snprintf(w->tmp, sizeof(w->tmp), "%.*s.%s.tmp-XXXXXX", plen,
		     w->target, name) >= (int)sizeof(w->tmp))
		return diag_errno(w->d, w->dir, -ENAMETOOLONG);
	if (!mkdtemp(w->tmp))
		return diag_errno(w->d, w->dir, -errno);
	w->tmpfd = open(w->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->tmpfd < 0 || fchmod(w->tmpfd, 0755)) {
		int rc = -errno;

		if (w->tmpfd >= 0)
			close(w->tmpfd);
		w->tmpfd = -1;
		rmdir(w->tmp);
		return diag_errno(w->d, w->dir, rc);
	}
	return 0;
}

static void dump_dir_remove_tmp(struct dump_writer *w)
{
	size_t i;

	for (i = 0; i < sizeof(dump_dir_files) / sizeof(dump_dir_files[0]); i++)
		unlinkat(w->tmpfd, dump_dir_files[i], 0);
	close(w->tmpfd);
	w->tmpfd = -1;
	rmdir(w->tmp);
}

int dump_dir_commit(struct dump_writer *w, int rc)
{
	if (rc) {
		/* A refusal has its message; a system error gets one here. */
		if (rc != -EINVAL || !w->d || !w->d->msg[0])
			diag_errno(w->d, w->path, rc);
		dump_dir_remove_tmp(w);
		return rc;
	}
	if (rename(w->tmp, w->target)) {
		rc = -errno;
		dump_dir_remove_tmp(w);
		if (rc == -ENOTEMPTY || rc == -EEXIST) {
			diag_line(w->d, w->dir, 0, NULL, "exists and is not empty");
			return -ENOTEMPTY;
		}
		return diag_errno(w->d, w->dir, rc);
	}
	close(w->tmpfd);
	w->tmpfd = -1;
	rc = durable_sync_dir(w->target);
	return rc ? diag_errno(w->d, w->dir, rc) : 0;
}
