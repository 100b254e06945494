// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs.c - the swapfs FUSE tree's daemon: the state's life (fs_init() to
 * fs_destroy()) and the session from mount to unmount, serving the
 * low-level operations (fs-op.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <swapfs/live.h>

#include "fs-file.h"
#include "fs-op.h"
#include "fs.h"

int fs_init(struct fs *fs)
{
	int rc;

	memset(fs, 0, sizeof(*fs));
	rc = pthread_rwlock_init(&fs->lock, NULL);
	if (rc)
		return -rc;
	rc = pthread_mutex_init(&fs->findings_lock, NULL);
	if (rc) {
		pthread_rwlock_destroy(&fs->lock);
		return -rc;
	}
	rc = pthread_mutex_init(&fs->files_lock, NULL);
	if (!rc) {
		rc = pthread_mutex_init(&fs->refused_lock, NULL);
		if (!rc && (rc = pthread_mutex_init(&fs->live_lock, NULL)))
			pthread_mutex_destroy(&fs->refused_lock);
		if (rc)
			pthread_mutex_destroy(&fs->files_lock);
	}
	if (rc) {
		pthread_mutex_destroy(&fs->findings_lock);
		pthread_rwlock_destroy(&fs->lock);
		return -rc;
	}
	fs->uid = getuid();
	fs->gid = getgid();
	clock_gettime(CLOCK_REALTIME, &fs->time);
	return 0;
}

int fs_areas_set(struct fs *fs, struct snapshot **v, unsigned int nr)
{
	struct fs *a;
	unsigned int i;
	int rc;

	fs->areas = calloc(nr, sizeof(*fs->areas));
	if (!fs->areas)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		a = malloc(sizeof(*a));
		if (!a || (rc = fs_init(a))) {
			free(a);
			return -ENOMEM;
		}
		fs->areas[i] = a;
		fs->nr_areas = i + 1;
		a->src = fs->src;
		a->time = fs->time;
		/* area 0's snapshot is the root's: borrowed, not freed twice */
		a->snap = i ? v[i] : fs->snap;
		v[i] = NULL;
		rc = findings_analyse(a);
		if (rc)
			return rc;
	}
	return 0;
}

/* The areas' states (fs_areas_set()). */
static void fs_areas_free(struct fs *fs)
{
	unsigned int i;

	for (i = 0; i < fs->nr_areas; i++) {
		if (!i)
			fs->areas[i]->snap = NULL;
		fs_destroy(fs->areas[i]);
		free(fs->areas[i]);
	}
	free(fs->areas);
}

void fs_destroy(struct fs *fs)
{
	fs_areas_free(fs);
	while (fs->files)
		fs_file_free(fs->files);
	pthread_mutex_destroy(&fs->files_lock);
	pthread_mutex_destroy(&fs->refused_lock);
	live_close(fs->live);
	pthread_mutex_destroy(&fs->live_lock);
	findings_index_free(fs->findings);
	series_dir_free(fs->series);
	snapedit_free(fs->edit);
	analysis_free(fs->an);
	snapshot_free(fs->snap);
	free(fs->counters);
	swapheader_info_free(&fs->hdr);
	free(fs->hdr_bytes);
	pthread_mutex_destroy(&fs->findings_lock);
	pthread_rwlock_destroy(&fs->lock);
}

/* Once daemonized, stderr is /dev/null: say what matters to syslog. */
static void __attribute__((format(printf, 2, 0)))
fs_syslog(enum fuse_log_level level, const char *fmt, va_list ap)
{
	vsyslog((int)level, fmt, ap);
}

/* The mount options every swapfs mount has, and those asked for. */
static int fs_mount_options(const struct fs *fs, const struct fs_config *cfg,
			    char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "%s,default_permissions,subtype=swapfs,fsname=%s%s%s",
		     fs->rw ? "rw" : "ro", cfg->fsname,
		     cfg->allow_other ? ",allow_other" : "",
		     cfg->allow_root ? ",allow_root" : "");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int fs_loop(struct fs *fs, struct fuse_session *se,
		   const struct fs_config *cfg)
{
	struct fuse_loop_config *lc = fuse_loop_cfg_create();
	int rc;

	if (!lc)
		return -ENOMEM;
	fuse_loop_cfg_set_clone_fd(lc, cfg->clone_fd);
	fuse_loop_cfg_set_max_threads(lc, cfg->max_threads ? cfg->max_threads : 10);
	rc = fuse_session_loop_mt(se, lc);
	fuse_loop_cfg_destroy(lc);
	return rc < 0 ? rc : 0;
}

int fs_main(struct fs *fs, const struct fs_config *cfg)
{
	char opts[PATH_MAX + 128];
	char *argv[] = { "swapfs", "-o", opts, "-d", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(cfg->debug ? 4 : 3, argv);
	struct fuse_session *se;
	int rc;

	if (cfg->debug)
		fs->foreground = true;
	fs->timeout = fs_state_changing(fs) ? 0.0 : 86400.0;
	rc = fs_mount_options(fs, cfg, opts, sizeof(opts));
	if (rc)
		return rc;
	se = fuse_session_new(&args, &fs_op_lowlevel, sizeof(fs_op_lowlevel), fs);
	if (!se)
		return -EIO;
	rc = -EIO;
	if (fuse_set_signal_handlers(se))
		goto out_destroy;
	if (fuse_session_mount(se, cfg->mountpoint))
		goto out_signals;
	/* the tree is up: only now may `swapfs mount` return */
	if (fuse_daemonize(fs->foreground))
		goto out_unmount;
	if (!fs->foreground) {
		openlog("swapfs", LOG_PID, LOG_DAEMON);
		fuse_set_log_func(fs_syslog);
	}
	rc = fs_loop(fs, se, cfg);
	if (rc)
		fuse_log(FUSE_LOG_ERR, "swapfs: %s: %s\n", cfg->mountpoint,
			 strerror(-rc));
out_unmount:
	fuse_session_unmount(se);
	rc = fs_state_save(fs) ?: rc;
out_signals:
	fuse_remove_signal_handlers(se);
out_destroy:
	fuse_session_destroy(se);
	fuse_opt_free_args(&args);
	return rc;
}
