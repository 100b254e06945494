// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-mount.c - swapfs mount: a dump directory or a snapshot file as a FUSE
 * tree (src/fuse), read-only unless -o rw.
 *
 * Everything that can fail for a reason the user can fix is checked
 * before the mount exists: options, the mount point, the source (loaded
 * and analysed whole), the --header area, the save file. Only then is the
 * tree mounted, and only once it is up does the command return (the
 * daemon forks after the mount), so a script can read the tree at once.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/live.h>
#include <swapfs/source.h>
#include <swapfs/snapedit.h>
#include <swapfs/snapfile.h>
#include <swapfs/target.h>

#include "args.h"
#include "cli.h"
#include "cmd-diff-out.h"
#include "fs-live.h"
#include "fs.h"

struct cmd_mount_ctl {
	const char *src;		/* SRC as given; FILE of FILE@N */
	char *src_path;			/* FILE of FILE@N, or SRC */
	char *src_abs;			/* SRC, absolute (fsname) */
	const char *header;		/* --header, as given */
	char *header_abs;		/* --header, resolved and absolute */
	const char *save;		/* -o save=, as given */
	char *save_abs;			/* where edits are saved, absolute */
	int64_t id;			/* --snapshot */
	unsigned int refresh_ms;	/* -o refresh= (live:) */
	bool refresh_set;
	bool rw;			/* -o rw */
	bool nonempty;			/* -o nonempty */
	bool foreground;		/* -f, -d */
	struct fs_config cfg;		/* -o allow_*, clone_fd, max_threads; -d */
	char fsname[2 * PATH_MAX + 16];
};

/* -o max_threads=<n> */
static const struct args_number cmd_mount_max_threads = {
	.what = "invalid max_threads",
	.expected = "expected 1 to 1000",
	.min = 1,
	.max = 1000,
};

/* -o refresh=<ms> */
static const struct args_number cmd_mount_refresh = {
	.what = "invalid refresh",
	.expected = "expected 0 to 86400000 (milliseconds)",
	.min = 0,
	.max = 86400000,
};

/* One -o option; a path of save= cannot contain a comma. */
static void cmd_mount_option(struct cmd_mount_ctl *ctl, char *opt)
{
	if (!strcmp(opt, "ro"))
		ctl->rw = false;
	else if (!strcmp(opt, "rw"))
		ctl->rw = true;
	else if (!strncmp(opt, "save=", 5) && opt[5])
		ctl->save = opt + 5;
	else if (!strcmp(opt, "nonempty"))
		ctl->nonempty = true;
	else if (!strcmp(opt, "allow_other"))
		ctl->cfg.allow_other = true;
	else if (!strcmp(opt, "allow_root"))
		ctl->cfg.allow_root = true;
	else if (!strncmp(opt, "refresh=", 8)) {
		ctl->refresh_ms = (unsigned int)args_number(&cmd_mount_entry,
				&cmd_mount_refresh, opt + 8);
		ctl->refresh_set = true;
	} else if (!strcmp(opt, "clone_fd"))
		ctl->cfg.clone_fd = true;
	else if (!strncmp(opt, "max_threads=", 12))
		ctl->cfg.max_threads = (unsigned int)args_number(&cmd_mount_entry,
				&cmd_mount_max_threads, opt + 12);
	else
		args_usage_error(&cmd_mount_entry, "unknown mount option '%s'", opt);
}

/* -o: the list is cut in place (it is argv's). */
static void cmd_mount_set_options(void *ctl, const char *arg)
{
	char *opt, *list = (char *)arg, *save = NULL;

	for (opt = strtok_r(list, ",", &save); opt; opt = strtok_r(NULL, ",", &save))
		cmd_mount_option(ctl, opt);
}

static void cmd_mount_set_debug(void *p, const char *arg)
{
	struct cmd_mount_ctl *ctl = p;

	ctl->cfg.debug = true;
	ctl->foreground = true;
}

static bool cmd_mount_is_live(const char *src)
{
	return !strncmp(src, LIVE_PREFIX, strlen(LIVE_PREFIX));
}

static void cmd_mount_parse(struct cmd_mount_ctl *ctl, int argc, char **argv)
{
	int first = args_parse(&cmd_mount_entry, argc, argv, ctl);
	int64_t at_id;
	int rc;

	ctl->cfg.mountpoint = argv[first + 1];
	/* FILE@N mounts FILE's snapshot N: edits are saved into FILE */
	rc = cli_source_split(argv[first], ctl->id, &ctl->src_path, &at_id);
	if (rc)
		exit(rc);
	ctl->src = ctl->src_path;
	ctl->id = ctl->id ?: at_id;
	if (ctl->save && !ctl->rw)
		args_usage_error(&cmd_mount_entry,
				 "%s: -o save= is for read-write mounts (-o rw)", ctl->save);
	if (ctl->refresh_set && (ctl->rw || !cmd_mount_is_live(ctl->src)))
		args_usage_error(&cmd_mount_entry,
				 "-o refresh= is for read-only mounts of live:");
	if (ctl->cfg.allow_other && ctl->cfg.allow_root)
		args_usage_error(&cmd_mount_entry,
				 "allow_other and allow_root are mutually exclusive");
	/* a dump is never rewritten in place */
	if (ctl->rw && !ctl->save && !snapfile_probe(ctl->src))
		args_usage_error(&cmd_mount_entry,
				 "%s: not a snapshot file: -o rw needs -o save=<file>",
				 ctl->src);
}

/* A mount hides what the directory holds: refuse that unless asked. */
static int cmd_mount_check_dir(const struct cmd_mount_ctl *ctl)
{
	const char *mnt = ctl->cfg.mountpoint;
	struct dirent *de;
	bool empty = true;
	DIR *d;

	d = opendir(mnt);
	if (!d) {
		warn("%s", mnt);
		return SWAPFS_EXIT_SYSTEM;
	}
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	if (!empty && !ctl->nonempty) {
		warnx("%s: mount point is not empty (-o nonempty mounts over it)", mnt);
		return SWAPFS_EXIT_SYSTEM;
	}
	return SWAPFS_EXIT_OK;
}

/* @path made absolute; it need not exist, its directory must. NULL: errno set. */
static char *cmd_mount_abspath(const char *path)
{
	char *copy, *dir, *res;
	char *base;

	if (cmd_mount_is_live(path))
		return strdup(path);	/* the running kernel: no file to resolve */
	res = realpath(path, NULL);
	if (res || errno != ENOENT)
		return res;
	copy = strdup(path);
	if (!copy)
		return NULL;
	dir = realpath(dirname(copy), NULL);
	free(copy);
	copy = strdup(path);
	base = copy ? basename(copy) : NULL;
	if (dir && base && asprintf(&res, "%s/%s", dir, base) < 0)
		res = NULL;
	if (!res && !errno)
		errno = ENOMEM;
	free(dir);
	free(copy);
	return res;
}

static int cmd_mount_path_error(const char *path)
{
	warn("%s", path);
	return SWAPFS_EXIT_SYSTEM;
}

/*
 * Several areas read at one moment (a snapshot file's group, every active
 * area of a bare live:): area 0 at the top, each under areas/<n>/; read
 * once, read-only.
 */
static int cmd_mount_areas(struct cmd_mount_ctl *ctl, struct fs *fs)
{
	struct snapshot **v;
	unsigned int nr;
	int rc;

	if (ctl->rw) {
		warnx("%s: several swap areas: -o rw edits one; mount it alone "
		      "(FILE@N of its snapshot, live:AREA)", ctl->src);
		return SWAPFS_EXIT_USAGE;
	}
	rc = cli_load_areas(ctl->src, ctl->id, &v, &nr);
	if (rc)
		return rc;
	fs->snap = v[0];
	fs->src = ctl->src;
	rc = nr > 1 ? fs_areas_set(fs, v, nr) : 0;
	v[0] = NULL;
	source_areas_free(v, nr);
	if (rc)
		warnx("%s: analysis: %s", ctl->src, strerror(-rc));
	return rc ? SWAPFS_EXIT_SYSTEM : SWAPFS_EXIT_OK;
}

/*
 * A read-only mount of live: keeps its reader, to read again at opens
 * (fs-live.h); a read-write one edits the state read at mount.
 */
static int cmd_mount_source(struct cmd_mount_ctl *ctl, struct fs *fs)
{
	struct diag d;
	int rc;

	if (source_areas(ctl->src, ctl->id) > 1)
		return cmd_mount_areas(ctl, fs);
	if (!cmd_mount_is_live(ctl->src) || ctl->rw)
		return cli_load_source(ctl->src, ctl->id, &fs->snap) ?:
		       cli_load_counters(ctl->src, ctl->id, &fs->counters, &fs->nr_counters);
	fs->refresh_ms = ctl->refresh_set ? ctl->refresh_ms : 1000;
	rc = fs_live_start(fs, ctl->src + strlen(LIVE_PREFIX), &d);
	/* a bare live: of several active areas: every one, read once */
	if (rc == -EINVAL && !strcmp(ctl->src, LIVE_PREFIX))
		return cmd_mount_areas(ctl, fs);
	return rc ? cli_diag_error(ctl->src, rc, &d) : SWAPFS_EXIT_OK;
}

/*
 * series/: the snapshot ids of a time series, listed now (the file as it
 * is at mount); its diffs are printed by swapfs diff's own printers.
 */
static int cmd_mount_series(struct cmd_mount_ctl *ctl, struct fs *fs)
{
	static const struct series_ops ops = {
		.load = cmd_diff_state_new,
		.free = cmd_diff_state_free,
		.print = cmd_diff_print,
	};
	struct diag d;
	int rc;

	/* a file of area groups is a series of each area: not one series */
	if (cmd_mount_is_live(ctl->src) || fs->nr_areas > 1)
		return SWAPFS_EXIT_OK;
	rc = series_dir_open(fs, ctl->src_abs, ctl->src, &ops, &d);
	return rc ? cli_diag_error(ctl->src, rc, &d) : SWAPFS_EXIT_OK;
}

/* The model and its analysis, loaded before anything is mounted. */
static int cmd_mount_load(struct cmd_mount_ctl *ctl, struct fs *fs)
{
	int rc;

	ctl->src_abs = cmd_mount_abspath(ctl->src);
	if (!ctl->src_abs)
		return cmd_mount_path_error(ctl->src);
	rc = cmd_mount_source(ctl, fs);
	if (rc)
		return rc;
	rc = findings_analyse(fs);
	if (rc) {
		warnx("%s: analysis: %s", ctl->src, strerror(-rc));
		return SWAPFS_EXIT_SYSTEM;
	}
	fs->src = ctl->src;
	return cmd_mount_series(ctl, fs);
}

/*
 * --header: resolved once (a LABEL= tag would stop naming the area after
 * a label edit), made absolute (the daemon runs in /), and read.
 */
static int cmd_mount_header(struct cmd_mount_ctl *ctl, struct fs *fs)
{
	struct target t;
	int rc;

	if (!ctl->header)
		return SWAPFS_EXIT_OK;
	rc = target_open(&t, ctl->header, O_RDONLY);
	if (rc) {
		rc = cli_target_error(t.path ? t.path : ctl->header, rc, t.path);
		target_close(&t);
		return rc;
	}
	ctl->header_abs = cmd_mount_abspath(t.path);
	target_close(&t);
	if (!ctl->header_abs)
		return cmd_mount_path_error(ctl->header);
	fs->header_path = ctl->header_abs;
	rc = header_dir_read(fs);
	return rc ? cli_target_error(ctl->header_abs, rc, true) : SWAPFS_EXIT_OK;
}

/*
 * -o rw: the edited state is appended as a new snapshot, to the snapshot
 * file mounted or to save=FILE (a new file if it does not exist); later
 * saves of the session rewrite that snapshot, its own. The state mounted
 * is never rewritten.
 */
static int cmd_mount_edits(struct cmd_mount_ctl *ctl, struct fs *fs)
{
	int rc;

	fs->rw = ctl->rw;
	if (!ctl->rw)
		return SWAPFS_EXIT_OK;
	ctl->save_abs = ctl->save ? cmd_mount_abspath(ctl->save) : strdup(ctl->src_abs);
	if (!ctl->save_abs)
		return cmd_mount_path_error(ctl->save ? ctl->save : ctl->src);
	fs->save_path = ctl->save_abs;
	rc = snapedit_new(fs->snap, fs->an, ctl->save_abs, 0, &fs->edit);
	if (rc == -ENOSYS) {
		/* this build's library cannot edit the model: header/ still can */
		warnx("warning: model edits are not available (%s); clusters/ is read-only",
		      strerror(-rc));
		return SWAPFS_EXIT_OK;
	}
	return rc ? cli_diag_error(ctl->save_abs, rc, NULL) : SWAPFS_EXIT_OK;
}

/* fsname=swapfs:<SRC>, with fuse_opt's separators escaped. */
static void cmd_mount_fsname(struct cmd_mount_ctl *ctl)
{
	char *p = ctl->fsname + sprintf(ctl->fsname, "swapfs:");
	const char *s;

	for (s = ctl->src_abs; *s; s++) {
		if (*s == ',' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p = '\0';
	ctl->cfg.fsname = ctl->fsname;
}

/* Mount, serve in the daemon, and say why a mount failed. */
static int cmd_mount_serve(struct cmd_mount_ctl *ctl, struct fs *fs)
{
	int rc;

	cmd_mount_fsname(ctl);
	rc = fs_main(fs, &ctl->cfg);
	if (rc == -EIO)	/* libfuse or fusermount3 said why */
		warnx("%s: mount failed", ctl->cfg.mountpoint);
	else if (rc)
		warnx("%s: %s", ctl->cfg.mountpoint, strerror(-rc));
	return rc ? SWAPFS_EXIT_SYSTEM : SWAPFS_EXIT_OK;
}

static int cmd_mount_exec(int argc, char **argv)
{
	struct cmd_mount_ctl ctl = { .id = 0 };
	struct fs fs;
	int rc;

	cmd_mount_parse(&ctl, argc, argv);
	rc = cmd_mount_check_dir(&ctl);
	if (!rc && (rc = fs_init(&fs)))
		rc = cli_errno_error(rc);
	if (rc) {
		free(ctl.src_path);
		return rc;
	}
	fs.foreground = ctl.foreground;
	rc = cmd_mount_load(&ctl, &fs) ?: cmd_mount_header(&ctl, &fs) ?:
	     cmd_mount_edits(&ctl, &fs) ?: cmd_mount_serve(&ctl, &fs);
	fs_destroy(&fs);
	free(ctl.src_abs);
	free(ctl.src_path);
	free(ctl.header_abs);
	free(ctl.save_abs);
	return rc;
}

static const struct args_opt cmd_mount_opts[] = {
	{ 'o', NULL, "<options>", "mount options, comma-separated:\n"
	  "                          ro             read-only (the default)\n"
	  "                          rw             allow edits (see swapfs(8), MOUNT)\n"
	  "                          save=<file>    the snapshot file edits are saved to\n"
	  "                          refresh=<ms>   live: read again at an open at most\n"
	  "                                         this often (default 1000)\n"
	  "                          nonempty       mount over a non-empty directory\n"
	  "                          allow_other    let other users in (needs user_allow_other)\n"
	  "                          allow_root     let root in\n"
	  "                          max_threads=<n> request threads (default 10)\n"
	  "                          clone_fd       one /dev/fuse descriptor per thread",
	  .set = cmd_mount_set_options },
	{ 0, "header", "<target>", "add the on-disk header of a swap file or device",
	  .text = ARGS_FIELD(struct cmd_mount_ctl, header) },
	ARGS_OPT_SNAPSHOT(struct cmd_mount_ctl, id),
	{ 'f', "foreground", NULL, "do not daemonize",
	  .flag = ARGS_FIELD(struct cmd_mount_ctl, foreground) },
	{ 'd', "debug", NULL, "print every FUSE request (implies -f)",
	  .set = cmd_mount_set_debug },
	{ 0 },
};

const struct cli_cmd cmd_mount_entry = {
	.name = "mount",
	.synopsis = "[options] <source> <mountpoint>",
	.summary = "Mount a dump or snapshot file as a FUSE tree of files.",
	.opts = cmd_mount_opts,
	.operands = &(const struct args_operands){
		.min = 2, .max = 2,
		.too_few = "a source and a mount point are needed",
		.too_many = "too many arguments",
	},
	.exec = cmd_mount_exec,
};
