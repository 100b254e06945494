/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * areas.h - what stat and check show of a source of several swap areas
 * (source_load_areas()): --area to keep one, the table of the areas
 * (swapon --show's columns and swapfs's fallback counter), the heading
 * above each area's usual output.
 */
#ifndef SWAPFS_CLI_AREAS_H
#define SWAPFS_CLI_AREAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"

struct snapshot;
struct args_number;

/* --area's bounds, for args_number(). */
extern const struct args_number cli_areas_number;

/*
 * cli_areas_keep - with @area >= 0 (--area given), keep area @area of the
 * @*nr in @v alone (v[0]; the others freed). An area past the last is an
 * error naming SRC and how many it holds. Prints and returns the exit
 * code (2 for an area it does not hold).
 */
int cli_areas_keep(const char *src, int area, struct snapshot **v, unsigned int *nr);

/* One area's row of the areas table. */
struct cli_areas_row {
	const struct snapshot *s;
	uint64_t slots_used;	/* as the analysis counted */
	int64_t fallback;	/* swpout_fallback over the orders; -1: not stored */
};

/*
 * cli_areas_table - the table of @nr areas, as swapon --show prints the
 * active ones: AREA, NAME, TYPE, SIZE, USED, PRIO, then FALLBACK (the
 * stored swpout_fallback counters, summed over the orders). Returns 0 or
 * -errno.
 */
int cli_areas_table(const struct cli_areas_row *rows, unsigned int nr,
		    enum output_mode mode, bool noheadings, bool bytes);

struct snapfile_counter;

/* cli_areas_fallback - swpout_fallback over every order of @c; -1: none stored. */
int64_t cli_areas_fallback(const struct snapfile_counter *c, size_t nr);

/* cli_areas_heading - "\nArea I of N: NAME (type T, prio P, snapshot S)\n" */
void cli_areas_heading(const struct snapshot *s, unsigned int nr);

#endif /* SWAPFS_CLI_AREAS_H */
