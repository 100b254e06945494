/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.h - tables through libsmartcols, in the modes util-linux tools
 * use, and what every table command shares: its -o columns, --bytes sizes.
 *
 * A table in JSON mode is not printed by libsmartcols: output_print()
 * hands it to the one JSON writer (jsonout.h), so a table's JSON escapes
 * and looks like every other swapfs document.
 */
#ifndef SWAPFS_OUTPUT_H
#define SWAPFS_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libsmartcols.h>

enum output_mode {
	OUTPUT_HUMAN,	/* aligned columns */
	OUTPUT_RAW,	/* blank-separated, escaped */
	OUTPUT_JSON,	/* { "<name>": [ {...}, ... ] } with typed values */
	OUTPUT_EXPORT,	/* KEY="value" */
};

/* A column: its name (header, JSON key) and how to type it in JSON. */
struct output_column {
	const char *name;
	int json_type;		/* SCOLS_JSON_* */
	double width;		/* width hint, as scols_table_new_column() */
	int flags;		/* SCOLS_FL_* */
};

/*
 * output_table_new - a table named @name (the JSON root key) in @mode.
 * Returns NULL on allocation failure.
 */
struct libscols_table *output_table_new(const char *name, enum output_mode mode,
					bool noheadings);

/* output_add_column - add @col to @tb. Returns 0 or -ENOMEM. */
int output_add_column(struct libscols_table *tb, const struct output_column *col);

/*
 * output_print - print @tb to stdout and free it. A JSON table becomes
 * {"<name>": [ {<column in lower case>: <cell>, ...}, ... ]}: a NUMBER cell
 * a number, a BOOLEAN one false when empty or starting with n, N or 0
 * (libsmartcols' rule), an ARRAY_* one an array of its lines ([] when
 * empty), a missing cell null. Returns 0 or -errno.
 */
int output_print(struct libscols_table *tb);

/* The columns a command can show, for -o and the end of its --help. */
struct output_colinfo {
	const char *name;
	double width;
	int flags;		/* SCOLS_FL_* */
	int json_type;		/* SCOLS_JSON_* */
	const char *help;
};

/* Columns may repeat (as in lsblk); this bounds how many are asked for. */
#define OUTPUT_MAX_COLUMNS	48

/* The columns chosen: indices into a command's output_colinfo table. */
struct output_columns {
	int id[OUTPUT_MAX_COLUMNS];
	size_t n;
	bool given;		/* -o was given */
};

/*
 * output_columns_default - choose @ids (@n of them) as the columns a table
 * shows unless -o says otherwise.
 */
void output_columns_default(struct output_columns *c, const int *ids, size_t n);

/*
 * output_columns_parse - apply -o @arg: "A,B" replaces the columns, "+A,B"
 * adds to them (names as in @info, any case). Returns 0, or -EINVAL with
 * the reason in @why ("unknown column 'X'", "no columns in ''", ...).
 */
int output_columns_parse(struct output_columns *c, const struct output_colinfo *info,
			 size_t ninfo, const char *arg, char *why, size_t whysz);

/* output_columns_help - "Available columns:" and one line per column. */
void output_columns_help(const struct output_colinfo *info, size_t ninfo);

/*
 * output_columns_add - add the chosen columns of @info to @tb. With
 * @bytes false, a SIZE-like NUMBER column (@info flag OUTPUT_FL_SIZE)
 * is a string in JSON, as it holds "16M". Returns 0 or -ENOMEM.
 */
int output_columns_add(struct libscols_table *tb, const struct output_columns *c,
		       const struct output_colinfo *info, bool bytes);

/* A colinfo flag of ours, beside SCOLS_FL_*: the column is a size (--bytes). */
#define OUTPUT_FL_SIZE	(1 << 30)

/*
 * output_size - @bytes as util-linux prints a size: with @exact, the
 * number; else powers of 1024 with a one-letter suffix and at most one
 * decimal ("16M", "1.5G"), as size_to_human_string(SIZE_SUFFIX_1LETTER).
 */
void output_size(uint64_t bytes, bool exact, char *buf, size_t sz);

#endif /* SWAPFS_OUTPUT_H */
