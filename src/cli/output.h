/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.h - tables through libsmartcols, in the modes util-linux tools use.
 */
#ifndef SWAPFS_OUTPUT_H
#define SWAPFS_OUTPUT_H

#include <stdbool.h>
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

/* output_print - print @tb to stdout and free it. Returns 0 or -errno. */
int output_print(struct libscols_table *tb);

#endif /* SWAPFS_OUTPUT_H */
