// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output.c - libsmartcols tables for the swapfs reports (see output.h).
 */
#include <errno.h>
#include <stdbool.h>

#include "output.h"

struct libscols_table *output_table_new(const char *name, enum output_mode mode,
					bool noheadings)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_set_name(tb, name);
	scols_table_enable_noheadings(tb, noheadings);
	switch (mode) {
	case OUTPUT_JSON:
		scols_table_enable_json(tb, 1);
		break;
	case OUTPUT_RAW:
		scols_table_enable_raw(tb, 1);
		break;
	case OUTPUT_EXPORT:
		scols_table_enable_export(tb, 1);
		break;
	case OUTPUT_HUMAN:
		break;
	}
	return tb;
}

int output_add_column(struct libscols_table *tb, const struct output_column *col)
{
	struct libscols_column *cl;

	bool array = col->json_type == SCOLS_JSON_ARRAY_STRING ||
		     col->json_type == SCOLS_JSON_ARRAY_NUMBER;

	cl = scols_table_new_column(tb, col->name, col->width,
				    col->flags | (array ? SCOLS_FL_WRAP : 0));
	if (!cl)
		return -ENOMEM;
	scols_column_set_json_type(cl, col->json_type);
	/* An array is a cell of newline-separated items (as lsblk's MOUNTPOINTS). */
	if (array) {
		scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
					  scols_wrapnl_nextchunk, NULL);
		scols_column_set_safechars(cl, "\n");
	}
	return 0;
}

int output_print(struct libscols_table *tb)
{
	int rc = scols_print_table(tb);

	scols_unref_table(tb);
	return rc < 0 ? rc : 0;
}
