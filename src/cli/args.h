/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * args.h - a command's options as data, and the one parser that reads them.
 *
 * Each cmd-<name>.c declares its options in a table (letter, long name,
 * argument, help text, where the value goes in the command's control
 * struct), as tmux's cmd_entry does with .args. args_parse() builds
 * getopt_long()'s tables from it, fills the control struct, answers -h
 * (the usage, printed from the same table) and -V, checks the operands,
 * and turns every usage error into "swapfs: <why>", "Try 'swapfs CMD
 * --help'..." and exit 2, the util-linux way (errtryhelp()).
 *
 * Values are read while the options are: a bad value is reported before
 * any option that follows it is looked at, as getopt itself does.
 */
#ifndef SWAPFS_ARGS_H
#define SWAPFS_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cli_cmd;

/* A member of a command's control struct: where a value goes. */
struct args_field {
	size_t off;
	size_t size;		/* 0: nowhere */
};

#define ARGS_FIELD(type, member) \
	{ offsetof(type, member), sizeof(((type *)NULL)->member) }

/*
 * How an integer argument is read: each command kept the strto*() it had,
 * so what it accepts ("+5", " 5") and refuses stays as it was.
 */
enum {
	ARGS_NUMBER_SIGNED = 1 << 0,	/* strtoll(): "-1" is below any minimum */
	ARGS_NUMBER_NO_MINUS = 1 << 1,	/* a leading '-' is not a number (strtoull() would wrap it) */
	ARGS_NUMBER_SIZE = 1 << 2,	/* K, M, G or T (binary), then B or iB */
};

/* An integer argument: its range and the words of its errors. */
struct args_number {
	const char *what;	/* names it in errors: "--slots", "invalid snapshot id" */
	const char *expected;	/* the reason given for every bad value; NULL: say which */
	uint64_t min, max;	/* a signed number's min is >= 0 */
	unsigned int flags;	/* ARGS_NUMBER_* */
};


/*
 * One option of a command. Given, it sets, in this order: @flag (a bool:
 * true), @text (a const char *: the argument as given), @value (an
 * integer of any width: the argument read by @number), then calls @set
 * for anything else. A table ends with an entry without key and name;
 * -h/--help and -V/--version follow every table.
 */
struct args_opt {
	int key;			/* its letter; 0: a long option only */
	const char *name;		/* its long name; NULL: a letter only */
	const char *arg;		/* its argument in --help ("<file>"); NULL: none */
	const char *help;		/* its --help text (further lines are indented already) */
	struct args_field flag;
	struct args_field text;
	struct args_field value;
	const struct args_number *number;
	void (*set)(void *ctl, const char *arg);
};

/* --snapshot <id>: a snapshot of a snapshot file, counted from 1. */
extern const struct args_number args_snapshot_id;

/* -s, --snapshot <id> of a time series, into the int64_t @member of @type. */
#define ARGS_OPT_SNAPSHOT(type, member) \
	{ 's', "snapshot", "<id>", "which snapshot of a time series (default: the last)", \
	  .value = ARGS_FIELD(type, member), .number = &args_snapshot_id }

/* The operands a command takes, and what is said when they do not fit. */
struct args_operands {
	int min;
	int max;			/* -1: any number */
	const char *too_few;
	const char *too_many;
	bool quote_extra;		/* too_many names the first one too many */
};

/* The operands of a command that reads one source (dump or snapshot file). */
extern const struct args_operands args_one_source;

/*
 * args_parse - read @argc/@argv (argv[0] is "swapfs", the command name is
 * gone) with @cmd's options into @ctl, then check the number of operands.
 * Exits on -h, -V and any usage error. Returns the index in @argv of the
 * first operand.
 */
int args_parse(const struct cli_cmd *cmd, int argc, char **argv, void *ctl);

/*
 * args_number - @arg read as @n says. Exits with a usage error naming
 * @n->what and @arg when it is not a number in range.
 */
uint64_t args_number(const struct cli_cmd *cmd, const struct args_number *n,
		     const char *arg);

/*
 * args_check_exclusive - the usage error "--A and --B are mutually
 * exclusive" for the first pair of @cmd->exclusive given together (a flag
 * set, or an argument kept in @text). Called by the command where the
 * check belongs among its own.
 */
void args_check_exclusive(const struct cli_cmd *cmd, const void *ctl);

/* args_bad_value - "swapfs: <what> '<arg>': <why>", try --help, exit 2. */
void __attribute__((noreturn)) args_bad_value(const struct cli_cmd *cmd,
					      const char *what, const char *arg,
					      const char *why);

/* args_usage_error - "swapfs: <message>", try --help, exit 2. */
void __attribute__((noreturn, format(printf, 2, 3)))
args_usage_error(const struct cli_cmd *cmd, const char *fmt, ...);

/* args_errtryhelp - "Try 'swapfs[ CMD] --help'..." on stderr, exit 2. @cmd may be NULL. */
void __attribute__((noreturn)) args_errtryhelp(const struct cli_cmd *cmd);

/* args_usage_tail - the closing lines of every usage: -h, -V, the man page. */
void args_usage_tail(void);

/* args_print_version - "swapfs VERSION" on stdout, exit 0. */
void __attribute__((noreturn)) args_print_version(void);

#endif /* SWAPFS_ARGS_H */
