/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - what the swapfs subcommands share: the command entry, exit
 * codes, and the verbs several commands run (load a source, write a
 * snapshot file, say why a target or the library failed). Only the CLI
 * prints and exits; messages go through <err.h> (warnx: "swapfs: ...").
 */
#ifndef SWAPFS_CLI_H
#define SWAPFS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, documented in swapfs(8). */
enum {
	SWAPFS_EXIT_OK = 0,
	SWAPFS_EXIT_INVALID = 1,	/* not a valid swap area (report printed) */
	SWAPFS_EXIT_USAGE = 2,
	SWAPFS_EXIT_SYSTEM = 3,		/* I/O or system error */
};

struct args_opt;
struct args_operands;

/*
 * One subcommand; each cmd-<name>.c exports one of these (tmux's
 * cmd_entry). Its options and operands are data, read by args_parse()
 * (args.h); its usage is printed from them: "Usage:", the synopsis and
 * summary, @intro, the options, @notes, -h and -V, then whatever
 * @more_help prints.
 */
struct cli_cmd {
	const char *name;
	const char *synopsis;		/* what follows the name in usage */
	const char *summary;		/* one line for 'swapfs --help' */
	const char *intro;		/* a paragraph before the options, or NULL */
	const struct args_opt *opts;	/* its options; NULL: none */
	int help_width;			/* the options' column in usage; 0: 22 */
	const char *notes;		/* a paragraph after the options, or NULL */
	void (*more_help)(void);	/* the end of its usage (columns, checks) */
	const struct args_operands *operands;
	const char *const *exclusive;	/* pairs of long names, NULL-ended */
	int (*exec)(int argc, char **argv);	/* argv[0] is "swapfs" */
};

extern const struct cli_cmd cmd_header_entry;
extern const struct cli_cmd cmd_label_entry;
extern const struct cli_cmd cmd_undo_entry;
extern const struct cli_cmd cmd_list_entry;
extern const struct cli_cmd cmd_import_entry;
extern const struct cli_cmd cmd_export_entry;
extern const struct cli_cmd cmd_stat_entry;
extern const struct cli_cmd cmd_check_entry;
extern const struct cli_cmd cmd_diff_entry;
extern const struct cli_cmd cmd_sim_entry;
extern const struct cli_cmd cmd_mount_entry;
extern const struct cli_cmd cmd_capture_entry;

struct edit_report;

/*
 * cmd_label_report - say what an edit or undo did (cmd-label.c; cmd-undo.c
 * shares it). @rc and @rep are edit_ids()'s. Returns the exit code.
 */
int cmd_label_report(const char *spec, int rc, const struct edit_report *rep);

/*
 * cli_target_error - print "swapfs: <name>: <why>" for a failed target_open()
 * or header read, in the words of swapfs(8). @resolved: a tag was resolved
 * to a path (so -ENOENT is about the path). Returns the exit code.
 */
int cli_target_error(const char *name, int rc, bool resolved);

struct snapshot;

/*
 * cli_load_source - load SRC (dump directory, snapshot file, FILE@N,
 * live:AREA; snapshot @id, 0 = the one FILE@N names, else the last). On
 * failure prints "swapfs: <why>" and returns the exit code (3: unreadable
 * or invalid input; 2: FILE@N and a different @id); 0 on success.
 */
int cli_load_source(const char *src, int64_t id, struct snapshot **out);

/*
 * cli_load_areas - cli_load_source() of every area SRC holds as read at
 * one moment (source_load_areas(): a snapshot file's group, every active
 * area of a bare live:, else one); *@out freed by source_areas_free().
 */
int cli_load_areas(const char *src, int64_t id, struct snapshot ***out,
		   unsigned int *nr);

/*
 * cli_source_split - SRC as source_name_split() reads it: "FILE@N" is
 * FILE (*@path, malloc'ed) and N (*@at_id), anything else itself and 0.
 * @id, the --snapshot given (0: none), must agree with N. Prints and
 * returns the exit code on failure (2 when they disagree).
 */
int cli_source_split(const char *src, int64_t id, char **path, int64_t *at_id);

struct analysis;
struct analysis_finding;

/*
 * cli_analyse - load SRC as cli_load_source() does and run the analysis
 * over it (checks @mask), for a command that reads nothing of the slots
 * after (check): a snapshot file is analysed as it is read (stream.h), in
 * a window of its slot array. Once the snapshot is known good, @begin(s,
 * @arg) (may be NULL) gets its device, then each finding goes to @fn(@arg)
 * in stream order; what either returns (-errno) ends it, said as errno.
 * *@out and *@a (analysis_free() first) are the caller's, also on failure.
 * Prints and returns the exit code on failure.
 */
int cli_analyse(const char *src, int64_t id, unsigned int mask,
		int (*begin)(const struct snapshot *s, void *arg),
		int (*fn)(const struct analysis_finding *f, void *arg), void *arg,
		struct snapshot **out, struct analysis **a);

struct snapfile_counter;

/*
 * cli_load_counters - the per-order event counters stored with snapshot
 * @id (0 = the one FILE@N names, else the last) of SRC; none (*@nr 0)
 * when SRC is not a snapshot file.
 * *@c is malloc'ed. Prints and returns the exit code on failure.
 */
int cli_load_counters(const char *src, int64_t id, struct snapfile_counter **c,
		      size_t *nr);

struct diag;
struct snapfile;

/*
 * cli_snapfile_open - the snapshot file @path, to add snapshots to: opened
 * to append (@append) or created (replacing a file there with @force).
 * @exists: what to say when it exists and neither was given (NULL: the
 * library's words). @d is the diag the file's later errors go to. Prints
 * and returns the exit code on failure.
 */
int cli_snapfile_open(const char *path, bool append, bool force,
		      const char *exists, struct snapfile **f, struct diag *d);

/*
 * cli_snapfile_write - store @s in the snapshot file @path, opened as
 * cli_snapfile_open() does, in one transaction. Prints and returns the
 * exit code.
 */
int cli_snapfile_write(const char *path, bool append, bool force,
		       const char *exists, const struct snapshot *s);

/*
 * cli_snapfile_write_areas - cli_snapfile_write() of the @nr areas @v
 * read at one moment (source_load_areas()), one snapshot each, area 0
 * first, each its own transaction: an append that fails midway leaves
 * the areas before it stored, and the next append of an area 0 refused
 * [snap-area] until the file is read and its group completed by hand.
 */
int cli_snapfile_write_areas(const char *path, bool append, bool force,
			     const char *exists, struct snapshot *const *v,
			     unsigned int nr);

/*
 * cli_diag_error - print "swapfs: <diag>" or, when the library said
 * nothing, "swapfs: <what>: <strerror>". Returns exit code 3.
 */
int cli_diag_error(const char *what, int rc, const struct diag *d);	/* @d may be NULL */

/*
 * cli_errno_error - print "swapfs: <strerror(-rc)>" for a failure with
 * nothing more to name. Returns exit code 3.
 */
int cli_errno_error(int rc);

/* Map a library -errno to an exit code: ENOMEM, EIO, EACCES... -> 3. */
int cli_exit_for(int rc);

#endif /* SWAPFS_CLI_H */
