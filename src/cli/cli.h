/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - what the swapfs subcommands share: the command table, exit codes,
 * util-linux style usage helpers. Only the CLI prints and exits.
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

/* One subcommand; each cmd-<name>.c exports one of these. */
struct cli_cmd {
	const char *name;
	const char *synopsis;		/* what follows the name in usage */
	const char *summary;		/* one line for 'swapfs --help' */
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
extern const struct cli_cmd cmd_sim_entry;
extern const struct cli_cmd cmd_mount_entry;
extern const struct cli_cmd cmd_capture_entry;

/* Long-only options start past every short one (util-linux convention). */
enum {
	CLI_OPT_JSON = 0x100,
	CLI_OPT_EXPORT,
	CLI_OPT_BYTES,
	CLI_OPT_RAW,
	CLI_OPT_NOHEADINGS,
	CLI_OPT_UNDO,
	CLI_OPT_ERA,
	CLI_OPT_ONLY,
	CLI_OPT_SEVERITY,
	CLI_OPT_NOTE,
};

/* "Usage:" and the synopsis of @cmd, to @out. */
void cli_usage_header(FILE *out, const struct cli_cmd *cmd);

/* The closing lines of every usage(): help, version, man page. */
void cli_usage_tail(FILE *out);

/* "Try 'swapfs CMD --help'..." on stderr, then exit 2. */
void __attribute__((noreturn)) cli_errtryhelp(const struct cli_cmd *cmd);

/* "swapfs VERSION" on stdout, then exit 0. */
void __attribute__((noreturn)) cli_print_version(void);

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
 * cli_parse_snapshot_id - parse --snapshot N (N >= 1). Prints the error
 * and exits 2 when it is not a positive integer.
 */
int64_t cli_parse_snapshot_id(const struct cli_cmd *cmd, const char *arg);

/*
 * cli_load_source - load SRC (dump directory or snapshot file, snapshot
 * @id, 0 = last) for @cmd. On failure prints "swapfs: <why>" and returns
 * the exit code (3: unreadable or invalid input); 0 on success.
 */
int cli_load_source(const char *src, int64_t id, struct snapshot **out);

struct snapfile_counter;

/*
 * cli_load_counters - the per-order event counters stored with snapshot
 * @id (0 = last) of SRC; none (*@nr 0) when SRC is not a snapshot file.
 * *@c is malloc'ed. Prints and returns the exit code on failure.
 */
int cli_load_counters(const char *src, int64_t id, struct snapfile_counter **c,
		      size_t *nr);

struct diag;

/*
 * cli_diag_error - print "swapfs: <diag>" or, when the library said
 * nothing, "swapfs: <what>: <strerror>". Returns exit code 3.
 */
int cli_diag_error(const char *what, int rc, const struct diag *d);	/* @d may be NULL */

/* Map a library -errno to an exit code: ENOMEM, EIO, EACCES... -> 3. */
int cli_exit_for(int rc);

#endif /* SWAPFS_CLI_H */
