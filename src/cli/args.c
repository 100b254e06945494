// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * args.c - the one option parser of the swapfs commands (see args.h).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "args.h"
#include "cli.h"

/* Options a command may have, besides -h and -V. */
#define ARGS_MAX_OPTS		32

/* Long-only options are this plus their index: past every letter (util-linux). */
#define ARGS_LONG_ONLY		0x100

/* The option column of --help when a command does not say otherwise. */
#define ARGS_HELP_WIDTH		22

const struct args_number args_snapshot_id = {
	.what = "invalid snapshot id",
	.expected = "expected a number from 1",
	.min = 1,
	.max = INT64_MAX,
	.flags = ARGS_NUMBER_SIGNED,
};

const struct args_operands args_one_source = {
	.min = 1,
	.max = 1,
	.too_few = "no source specified",
	.too_many = "one source at a time",
};

static bool args_opt_end(const struct args_opt *o)
{
	return !o->key && !o->name;
}

/* What getopt_long() returns for @o, the @i-th option of its table. */
static int args_code(const struct args_opt *o, int i)
{
	return o->key ? o->key : ARGS_LONG_ONLY + i;
}

static const struct args_opt *args_find(const struct cli_cmd *cmd, int code)
{
	const struct args_opt *o;
	int i;

	for (i = 0, o = cmd->opts; o && !args_opt_end(o); o++, i++)
		if (args_code(o, i) == code)
			return o;
	return NULL;
}

static const struct args_opt *args_by_name(const struct cli_cmd *cmd,
					   const char *name)
{
	const struct args_opt *o;

	for (o = cmd->opts; o && !args_opt_end(o); o++)
		if (o->name && !strcmp(o->name, name))
			return o;
	abort();	/* an exclusive pair names an option the table lacks */
}

/* getopt_long()'s tables, from @cmd's: its options, then --help, --version. */
static void args_getopt_tables(const struct cli_cmd *cmd, struct option *longopts,
			       char *shortopts)
{
	const struct args_opt *o;
	int i, n = 0;

	for (i = 0, o = cmd->opts; o && !args_opt_end(o); o++, i++) {
		if (i == ARGS_MAX_OPTS)
			abort();	/* raise ARGS_MAX_OPTS */
		if (o->key) {
			*shortopts++ = (char)o->key;
			if (o->arg)
				*shortopts++ = ':';
		}
		if (o->name)
			longopts[n++] = (struct option){
				o->name, o->arg ? required_argument : no_argument,
				NULL, args_code(o, i),
			};
	}
	strcpy(shortopts, "hV");
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n++] = (struct option){ "version", no_argument, NULL, 'V' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
}

static void *args_at(void *ctl, const struct args_field *f)
{
	return (char *)ctl + f->off;
}

static void args_store_integer(void *p, size_t size, uint64_t v)
{
	uint32_t v32 = (uint32_t)v;
	uint16_t v16 = (uint16_t)v;
	uint8_t v8 = (uint8_t)v;

	switch (size) {
	case sizeof(v):
		memcpy(p, &v, size);
		break;
	case sizeof(v32):
		memcpy(p, &v32, size);
		break;
	case sizeof(v16):
		memcpy(p, &v16, size);
		break;
	case sizeof(v8):
		memcpy(p, &v8, size);
		break;
	default:
		abort();	/* not an integer member */
	}
}

static void args_apply(const struct cli_cmd *cmd, const struct args_opt *o,
		       void *ctl, const char *arg)
{
	if (o->flag.size)
		*(bool *)args_at(ctl, &o->flag) = true;
	if (o->text.size)
		*(const char **)args_at(ctl, &o->text) = arg;
	if (o->value.size)
		args_store_integer(args_at(ctl, &o->value), o->value.size,
				   args_number(cmd, o->number, arg));
	if (o->set)
		o->set(ctl, arg);
}

/* "-o, --output <file>", "    --note <text>" or "-o <options>". */
static void args_opt_name(const struct args_opt *o, char *buf, size_t len)
{
	int n;

	if (o->key && o->name)
		n = snprintf(buf, len, "-%c, --%s", o->key, o->name);
	else if (o->name)
		n = snprintf(buf, len, "    --%s", o->name);
	else
		n = snprintf(buf, len, "-%c", o->key);
	if (o->arg && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " %s", o->arg);
}

static void __attribute__((noreturn)) args_usage(const struct cli_cmd *cmd)
{
	int width = cmd->help_width ? cmd->help_width : ARGS_HELP_WIDTH;
	const struct args_opt *o;
	char name[64];

	printf("\nUsage:\n %s %s %s\n\n%s\n", program_invocation_short_name,
	       cmd->name, cmd->synopsis, cmd->summary);
	if (cmd->intro)
		printf("\n%s\n", cmd->intro);
	puts("\nOptions:");
	for (o = cmd->opts; o && !args_opt_end(o); o++) {
		args_opt_name(o, name, sizeof(name));
		printf(" %-*s %s\n", width, name, o->help);
	}
	if (cmd->notes)
		printf("\n%s\n", cmd->notes);
	args_usage_tail();
	if (cmd->more_help)
		cmd->more_help();
	exit(SWAPFS_EXIT_OK);
}

static void args_check_operands(const struct cli_cmd *cmd, int argc, char **argv)
{
	const struct args_operands *op = cmd->operands;
	int n = argc - optind;

	if (n < op->min)
		args_usage_error(cmd, "%s", op->too_few);
	if (op->max >= 0 && n > op->max) {
		if (op->quote_extra)
			args_usage_error(cmd, "%s '%s'", op->too_many,
					 argv[optind + op->max]);
		args_usage_error(cmd, "%s", op->too_many);
	}
}

int args_parse(const struct cli_cmd *cmd, int argc, char **argv, void *ctl)
{
	struct option longopts[ARGS_MAX_OPTS + 3];
	char shortopts[2 * ARGS_MAX_OPTS + 3];
	const struct args_opt *o;
	int c;

	args_getopt_tables(cmd, longopts, shortopts);
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h')
			args_usage(cmd);
		if (c == 'V')
			args_print_version();
		o = args_find(cmd, c);
		if (!o)		/* getopt said why */
			args_errtryhelp(cmd);
		args_apply(cmd, o, ctl, optarg);
	}
	args_check_operands(cmd, argc, argv);
	return optind;
}

/* NULL when @arg is a number @n takes (in *@v), else why not. */
static const char *args_number_read(const struct args_number *n, const char *arg,
				    uint64_t *v, char *why, size_t len)
{
	static const char units[] = "KMGT";
	bool negative = false;
	const char *u;
	char *end;
	int shift;

	errno = 0;
	if (n->flags & ARGS_NUMBER_SIGNED) {
		long long s = strtoll(arg, &end, 10);

		negative = s < 0;
		*v = (uint64_t)s;
	} else {
		*v = strtoull(arg, &end, 10);
	}
	if (errno || end == arg || ((n->flags & ARGS_NUMBER_NO_MINUS) && *arg == '-'))
		return "not a number";
	if ((n->flags & ARGS_NUMBER_SIZE) && *end && (u = strchr(units, *end))) {
		shift = 10 * (int)(u - units + 1);
		if (*v > (UINT64_MAX >> shift))
			return "too large";
		*v <<= shift;
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
	}
	if (*end)
		return n->flags & ARGS_NUMBER_SIZE ?
			"not a size (a number with K, M, G or T)" : "not a number";
	if (negative || *v < n->min || *v > n->max) {
		snprintf(why, len, "out of range %" PRIu64 "..%" PRIu64, n->min, n->max);
		return why;
	}
	return NULL;
}

uint64_t args_number(const struct cli_cmd *cmd, const struct args_number *n,
		     const char *arg)
{
	char range[96];
	const char *why;
	uint64_t v;

	why = args_number_read(n, arg, &v, range, sizeof(range));
	if (why)
		args_bad_value(cmd, n->what, arg, n->expected ? n->expected : why);
	return v;
}

/* Was @o given: its flag set, or its argument kept? */
static bool args_given(const struct args_opt *o, const void *ctl)
{
	const char *p = ctl;

	if (o->flag.size)
		return *(const bool *)(p + o->flag.off);
	if (o->text.size)
		return *(const char *const *)(p + o->text.off) != NULL;
	return false;
}

void args_check_exclusive(const struct cli_cmd *cmd, const void *ctl)
{
	const char *const *pair;

	for (pair = cmd->exclusive; pair && pair[0]; pair += 2)
		if (args_given(args_by_name(cmd, pair[0]), ctl) &&
		    args_given(args_by_name(cmd, pair[1]), ctl))
			args_usage_error(cmd, "--%s and --%s are mutually exclusive",
					 pair[0], pair[1]);
}

void args_bad_value(const struct cli_cmd *cmd, const char *what, const char *arg,
		    const char *why)
{
	args_usage_error(cmd, "%s '%s': %s", what, arg, why);
}

void args_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	args_errtryhelp(cmd);
}

void args_errtryhelp(const struct cli_cmd *cmd)
{
	fprintf(stderr, "Try '%s%s%s --help' for more information.\n",
		program_invocation_short_name, cmd ? " " : "",
		cmd ? cmd->name : "");
	exit(SWAPFS_EXIT_USAGE);
}

void args_usage_tail(void)
{
	fputs(" -h, --help             display this help\n", stdout);
	fputs(" -V, --version          display version\n", stdout);
	fputs("\nFor more details see swapfs(8).\n", stdout);
}

void args_print_version(void)
{
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	exit(SWAPFS_EXIT_OK);
}
