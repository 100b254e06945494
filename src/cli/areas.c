// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * areas.c - stat's and check's view of several swap areas read at one
 * moment (see areas.h): --area, the areas table, the headings.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/snapfile.h>
#include <swapfs/snapshot.h>
#include <swapfs/source.h>

#include "args.h"
#include "areas.h"
#include "cli.h"

const struct args_number cli_areas_number = {
	.what = "invalid area",
	.expected = "expected a number from 0 to 31",
	.min = 0,
	.max = SOURCE_AREAS_MAX - 1,
};

int cli_areas_keep(const char *src, int area, struct snapshot **v, unsigned int *nr)
{
	unsigned int i;

	if (area < 0)
		return SWAPFS_EXIT_OK;
	if ((unsigned int)area >= *nr) {
		warnx("%s: holds %u area%s (0 to %u); there is no area %d", src, *nr,
		      *nr > 1 ? "s" : "", *nr - 1, area);
		return SWAPFS_EXIT_USAGE;
	}
	for (i = 0; i < *nr; i++)
		if (i != (unsigned int)area)
			snapshot_free(v[i]);
	v[0] = v[area];
	*nr = 1;
	return SWAPFS_EXIT_OK;
}

/* What swapon --show calls it: the path, else where it was read from. */
static const char *cli_areas_name(const struct snapshot *s)
{
	if (s->dev.path)
		return s->dev.path;
	return s->prov.source_path ? s->prov.source_path : "-";
}

/* swapon's TYPE: "partition" (SWP_BLKDEV) or "file"; "-" unknown. */
static const char *cli_areas_type(const struct snapshot *s)
{
	if (!s->dev.has_flags)
		return "-";
	return s->dev.flags & SNAPSHOT_SWP_BLKDEV ? "partition" : "file";
}

static int cli_areas_row(struct libscols_table *tb, const struct cli_areas_row *r,
			 bool bytes)
{
	const struct snapshot *s = r->s;
	uint64_t pages = s->dev.has_pages ? s->dev.pages : s->dev.max;
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char c[6][32];

	if (!ln)
		return -ENOMEM;
	snprintf(c[0], sizeof(c[0]), "%u", s->dev.area);
	output_size(pages * s->dev.page_size, bytes, c[1], sizeof(c[1]));
	output_size(r->slots_used * s->dev.page_size, bytes, c[2], sizeof(c[2]));
	snprintf(c[3], sizeof(c[3]), "%d", s->dev.prio);
	snprintf(c[4], sizeof(c[4]), "%" PRId64, r->fallback);
	if (scols_line_set_data(ln, 0, c[0]) ||
	    scols_line_set_data(ln, 1, cli_areas_name(s)) ||
	    scols_line_set_data(ln, 2, cli_areas_type(s)) ||
	    scols_line_set_data(ln, 3, c[1]) || scols_line_set_data(ln, 4, c[2]) ||
	    (s->dev.has_prio && scols_line_set_data(ln, 5, c[3])) ||
	    (r->fallback >= 0 && scols_line_set_data(ln, 6, c[4])))
		return -ENOMEM;
	return 0;
}

int cli_areas_table(const struct cli_areas_row *rows, unsigned int nr,
		    enum output_mode mode, bool noheadings, bool bytes)
{
	static const struct output_column cols[] = {
		{ "AREA", SCOLS_JSON_NUMBER, 0, SCOLS_FL_RIGHT },
		{ "NAME", SCOLS_JSON_STRING, 0, 0 },
		{ "TYPE", SCOLS_JSON_STRING, 0, 0 },
		{ "SIZE", SCOLS_JSON_NUMBER, 0, SCOLS_FL_RIGHT },
		{ "USED", SCOLS_JSON_NUMBER, 0, SCOLS_FL_RIGHT },
		{ "PRIO", SCOLS_JSON_NUMBER, 0, SCOLS_FL_RIGHT },
		{ "FALLBACK", SCOLS_JSON_NUMBER, 0, SCOLS_FL_RIGHT },
	};
	struct libscols_table *tb = output_table_new("areas", mode, noheadings);
	unsigned int i;
	size_t k;
	int rc = -ENOMEM;

	if (!tb)
		return rc;
	for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		if (output_add_column(tb, &cols[k]))
			goto out;
	for (i = 0; i < nr; i++)
		if ((rc = cli_areas_row(tb, &rows[i], bytes)))
			goto out;
	return output_print(tb);
out:
	scols_unref_table(tb);
	return rc;
}

void cli_areas_heading(const struct snapshot *s, unsigned int nr)
{
	printf("\nArea %u of %u: %s (", s->dev.area, nr, cli_areas_name(s));
	if (s->dev.has_type)
		printf("type %u, ", s->dev.type);
	if (s->dev.has_prio)
		printf("prio %d, ", s->dev.prio);
	if (s->prov.id)
		printf("snapshot %" PRId64 ")\n", s->prov.id);
	else
		printf("read %s)\n", s->prov.created ? s->prov.created : "now");
}

int64_t cli_areas_fallback(const struct snapfile_counter *c, size_t nr)
{
	int64_t sum = -1;
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(c[i].name, "swpout_fallback"))
			sum = (sum < 0 ? 0 : sum) + (int64_t)c[i].value;
	return sum;
}
