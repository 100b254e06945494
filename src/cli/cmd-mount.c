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
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/live.h>
#include <swapfs/snapedit.h>
#include <swapfs/snapfile.h>
#include <swapfs/target.h>

#include "cli.h"
#include "fs.h"

/* Long-only options of this command (past every short one and CLI_OPT_*). */
enum {
	CMD_MOUNT_OPT_HEADER = 0x1000,
};

struct cmd_mount_ctl {
	const char *src;		/* SRC as given */
	char *src_abs;			/* SRC, absolute (fsname) */
	const char *header;		/* --header, as given */
	char *header_abs;		/* --header, resolved and absolute */
	const char *save;		/* -o save=, as given */
	char *save_abs;			/* where edits are saved, absolute */
	int64_t save_id;		/* the snapshot edits replace; 0: append */
	int64_t id;			/* --snapshot */
	bool rw;			/* -o rw */
	bool nonempty;			/* -o nonempty */
	bool foreground;		/* -f */
	struct fs_config cfg;
	char fsname[2 * PATH_MAX + 16];
};

static void __attribute__((noreturn)) cmd_mount_usage(void)
{
	cli_usage_header(stdout, &cmd_mount_entry);
	puts("\nOptions:");
	puts(" -o <options>           mount options, comma-separated:");
	puts("                          ro             read-only (the default)");
	puts("                          rw             allow edits (see swapfs(8), MOUNT)");
	puts("                          save=<file>    the snapshot file edits are saved to");
	puts("                          nonempty       mount over a non-empty directory");
	puts("                          allow_other    let other users in (needs user_allow_other)");
	puts("                          allow_root     let root in");
	puts("                          max_threads=<n> request threads (default 10)");
	puts("                          clone_fd       one /dev/fuse descriptor per thread");
	puts("     --header <target>  add the on-disk header of a swap file or device");
	puts(" -s, --snapshot <id>    which snapshot of a time series (default: the last)");
	puts(" -f, --foreground       do not daemonize");
	puts(" -d, --debug            print every FUSE request (implies -f)");
	cli_usage_tail(stdout);
	exit(SWAPFS_EXIT_OK);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
cmd_mount_bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_errtryhelp(&cmd_mount_entry);
}

static unsigned int cmd_mount_threads(const char *arg)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !n || n > 1000)
		cmd_mount_bad("invalid max_threads '%s': expected 1 to 1000", arg);
	return (unsigned int)n;
}

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
	else if (!strcmp(opt, "clone_fd"))
		ctl->cfg.clone_fd = true;
	else if (!strncmp(opt, "max_threads=", 12))
		ctl->cfg.max_threads = cmd_mount_threads(opt + 12);
	else
		cmd_mount_bad("unknown mount option '%s'", opt);
}

static void cmd_mount_options(struct cmd_mount_ctl *ctl, char *list)
{
	char *opt, *save = NULL;

	for (opt = strtok_r(list, ",", &save); opt; opt = strtok_r(NULL, ",", &save))
		cmd_mount_option(ctl, opt);
}

static void cmd_mount_parse(struct cmd_mount_ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "header", required_argument, NULL, CMD_MOUNT_OPT_HEADER },
		{ "snapshot", required_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "o:s:fdhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			cmd_mount_options(ctl, optarg);
			break;
		case CMD_MOUNT_OPT_HEADER:
			ctl->header = optarg;
			break;
		case 's':
			ctl->id = cli_parse_snapshot_id(&cmd_mount_entry, optarg);
			break;
		case 'f':
			ctl->foreground = true;
			break;
		case 'd':
			ctl->cfg.debug = true;
			ctl->foreground = true;
			break;
		case 'h':
			cmd_mount_usage();
		case 'V':
			cli_print_version();
		default:
			cli_errtryhelp(&cmd_mount_entry);
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			argc - optind < 2 ? "a source and a mount point are needed" :
			"too many arguments");
		cli_errtryhelp(&cmd_mount_entry);
	}
	ctl->src = argv[optind];
	ctl->cfg.mountpoint = argv[optind + 1];
	if (ctl->save && !ctl->rw)
		cmd_mount_bad("%s: -o save= is for read-write mounts (-o rw)", ctl->save);
	if (ctl->cfg.allow_other && ctl->cfg.allow_root)
		cmd_mount_bad("allow_other and allow_root are mutually exclusive");
	/* a dump is never rewritten in place */
	if (ctl->rw && !ctl->save && !snapfile_probe(ctl->src))
		cmd_mount_bad("%s: not a snapshot file: -o rw needs -o save=<file>",
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
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, mnt,
			strerror(errno));
		return SWAPFS_EXIT_SYSTEM;
	}
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	if (!empty && !ctl->nonempty) {
		fprintf(stderr, "%s: %s: mount point is not empty (-o nonempty mounts over it)\n",
			program_invocation_short_name, mnt);
		return SWAPFS_EXIT_SYSTEM;
	}
	return SWAPFS_EXIT_OK;
}

/* @path made absolute; it need not exist, its directory must. NULL: errno set. */
static char *cmd_mount_abspath(const char *path)
{
	char *copy, *dir, *res;
	char *base;

	if (!strncmp(path, LIVE_PREFIX, strlen(LIVE_PREFIX)))
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
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, path,
		strerror(errno));
	return SWAPFS_EXIT_SYSTEM;
}

/* The model and its analysis, loaded before anything is mounted. */
static int cmd_mount_load(struct cmd_mount_ctl *ctl, struct fs *fs)
{
	int rc;

	ctl->src_abs = cmd_mount_abspath(ctl->src);
	if (!ctl->src_abs)
		return cmd_mount_path_error(ctl->src);
	rc = cli_load_source(ctl->src, ctl->id, &fs->snap);
	if (rc)
		return rc;
	rc = findings_analyse(fs);
	if (rc) {
		fprintf(stderr, "%s: %s: analysis: %s\n", program_invocation_short_name,
			ctl->src, strerror(-rc));
		return SWAPFS_EXIT_SYSTEM;
	}
	fs->src = ctl->src;
	return SWAPFS_EXIT_OK;
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
 * -o rw: a snapshot file saves into itself, replacing the snapshot that is
 * mounted; save=FILE appends the edited state to FILE (a new file if it
 * does not exist).
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
	ctl->save_id = ctl->save ? 0 : fs->snap->prov.id;
	fs->save_path = ctl->save_abs;
	rc = snapedit_new(fs->snap, fs->an, ctl->save_abs, ctl->save_id, &fs->edit);
	if (rc == -ENOSYS) {
		/* this build's library cannot edit the model: header/ still can */
		fprintf(stderr, "%s: warning: model edits are not available (%s); clusters/ is read-only\n",
			program_invocation_short_name, strerror(-rc));
		return SWAPFS_EXIT_OK;
	}
	if (rc) {
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
			ctl->save_abs, strerror(-rc));
		return SWAPFS_EXIT_SYSTEM;
	}
	return SWAPFS_EXIT_OK;
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

static int cmd_mount_exec(int argc, char **argv)
{
	struct cmd_mount_ctl ctl = { .id = 0 };
	struct fs fs;
	int rc;

	cmd_mount_parse(&ctl, argc, argv);
	rc = cmd_mount_check_dir(&ctl);
	if (rc)
		return rc;
	rc = fs_init(&fs);
	if (rc) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, strerror(-rc));
		return SWAPFS_EXIT_SYSTEM;
	}
	fs.foreground = ctl.foreground;
	rc = cmd_mount_load(&ctl, &fs) ?: cmd_mount_header(&ctl, &fs) ?:
	     cmd_mount_edits(&ctl, &fs);
	if (!rc) {
		cmd_mount_fsname(&ctl);
		rc = fs_main(&fs, &ctl.cfg);
		if (rc == -EIO)	/* libfuse or fusermount3 said why */
			fprintf(stderr, "%s: %s: mount failed\n",
				program_invocation_short_name, ctl.cfg.mountpoint);
		else if (rc)
			fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
				ctl.cfg.mountpoint, strerror(-rc));
		rc = rc ? SWAPFS_EXIT_SYSTEM : SWAPFS_EXIT_OK;
	}
	fs_destroy(&fs);
	free(ctl.src_abs);
	free(ctl.header_abs);
	free(ctl.save_abs);
	return rc;
}

const struct cli_cmd cmd_mount_entry = {
	.name = "mount",
	.synopsis = "[options] <source> <mountpoint>",
	.summary = "Mount a dump or snapshot file as a FUSE tree of files.",
	.exec = cmd_mount_exec,
};
