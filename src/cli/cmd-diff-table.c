// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-diff-table.c - the numbers of a human swapfs diff as libsmartcols
 * tables, as stat prints its own: per order what differs (allocatable,
 * clusters owned, known runs, folios, each counter both sides stored),
 * then the slot totals and vm_swap_full.
 *
 *	ORDER SIZE VALUE             A     B DELTA
 *	    4  64K allocatable    1168  1200   +32
 *	    4  64K clusters         11    10    -1
 *
 *	TOTAL        A     B DELTA
 *	used      1000   968   -32
 *	free     15383 15415   +32
 *
 * Only what differs gets a row; a table without rows is not printed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "cmd-diff-out.h"
#include "output.h"

enum { DT_ORDER, DT_SIZE, DT_VALUE, DT_A, DT_B, DT_DELTA, DT_NR };

static const struct output_column cmd_diff_table_cols[DT_NR] = {
	[DT_ORDER] = { "ORDER", SCOLS_JSON_NUMBER, 5, SCOLS_FL_RIGHT },
	[DT_SIZE] = { "SIZE", SCOLS_JSON_STRING, 5, SCOLS_FL_RIGHT },
	[DT_VALUE] = { "VALUE", SCOLS_JSON_STRING, 12, 0 },
	[DT_A] = { "A", SCOLS_JSON_NUMBER, 8, SCOLS_FL_RIGHT },
	[DT_B] = { "B", SCOLS_JSON_NUMBER, 8, SCOLS_FL_RIGHT },
	[DT_DELTA] = { "DELTA", SCOLS_JSON_NUMBER, 8, SCOLS_FL_RIGHT },
};

/* Defined here, the lowest of the diff printers that use it. */
const struct cmd_diff_total cmd_diff_totals[CMD_DIFF_NR_TOTALS] = {
	{ "slots_used", "used", offsetof(struct analysis_totals, slots_used) },
	{ "slots_free", "free", offsetof(struct analysis_totals, slots_free) },
	{ "slots_cached", "cached", offsetof(struct analysis_totals, slots_cached) },
	{ "slots_cache_only", "cache-only",
	  offsetof(struct analysis_totals, slots_cache_only) },
	{ "slots_bad", "bad", offsetof(struct analysis_totals, slots_bad) },
	{ "slots_zero", "zero", offsetof(struct analysis_totals, slots_zero) },
	{ "slots_zswap", "zswap", offsetof(struct analysis_totals, slots_zswap) },
};

/*
 * A table of columns @first.. of the ones above (the totals have no order
 * and size), the first renamed @head; NULL on ENOMEM.
 */
static struct libscols_table *cmd_diff_table_new(unsigned int first,
						 const char *head)
{
	struct libscols_table *tb = output_table_new("diff", OUTPUT_HUMAN, false);
	unsigned int i;

	for (i = first; tb && i < DT_NR; i++) {
		struct output_column c = cmd_diff_table_cols[i];

		if (i == first)
			c.name = head;
		if (output_add_column(tb, &c)) {
			scols_unref_table(tb);
			tb = NULL;
		}
	}
	return tb;
}

/* A row: @cells for the columns from @first on. Returns 0 or -ENOMEM. */
static int cmd_diff_table_row(struct libscols_table *tb, unsigned int first,
			      const char *const *cells)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	unsigned int i;

	if (!ln)
		return -ENOMEM;
	for (i = first; i < DT_NR; i++)
		if (scols_line_set_data(ln, i - first, cells[i]))
			return -ENOMEM;
	return 0;
}

/* The row of @value when @a and @b differ. Returns 0 or -ENOMEM. */
static int cmd_diff_table_delta(struct libscols_table *tb, unsigned int first,
				const char *order, const char *size,
				const char *value, uint64_t a, uint64_t b)
{
	char na[24], nb[24], nd[24];
	const char *cells[DT_NR] = { order, size, value, na, nb, nd };

	if (a == b)
		return 0;
	snprintf(na, sizeof(na), "%" PRIu64, a);
	snprintf(nb, sizeof(nb), "%" PRIu64, b);
	snprintf(nd, sizeof(nd), "%+" PRId64, (int64_t)(b - a));
	return cmd_diff_table_row(tb, first, cells);
}

/* Print @tb on @fp after a blank line if it has rows; free it. */
static int cmd_diff_table_print(struct libscols_table *tb, FILE *fp)
{
	if (!scols_table_get_nlines(tb)) {
		scols_unref_table(tb);
		return 0;
	}
	fputc('\n', fp);
	if (scols_table_set_stream(tb, fp)) {
		scols_unref_table(tb);
		return -ENOMEM;
	}
	return output_print(tb);
}

/* The rows of order @k. */
static int cmd_diff_table_order(struct libscols_table *tb,
				const struct cmd_diff_pair *p, unsigned int k)
{
	struct diff_order d = diff_order(p->df, k);
	const struct diff_counter *c;
	char ord[16], size[32];
	size_t nr, i;
	int rc;

	snprintf(ord, sizeof(ord), "%u", k);
	snapshot_size_name((uint64_t)p->side[0].snap->dev.page_size << k, size,
			   sizeof(size));
	rc = cmd_diff_table_delta(tb, 0, ord, size, "allocatable", d.allocatable[0],
				  d.allocatable[1]) ?:
	     cmd_diff_table_delta(tb, 0, ord, size, "clusters", d.clusters[0],
				  d.clusters[1]) ?:
	     cmd_diff_table_delta(tb, 0, ord, size, "runs", d.runs[0], d.runs[1]) ?:
	     cmd_diff_table_delta(tb, 0, ord, size, "folios", d.folios[0], d.folios[1]);
	c = diff_counters(p->df, &nr);
	for (i = 0; !rc && i < nr; i++)
		if (c[i].order == k && c[i].has_a && c[i].has_b)
			rc = cmd_diff_table_delta(tb, 0, ord, size, c[i].name,
						  c[i].a, c[i].b);
	return rc;
}

/* The totals' rows, vm_swap_full as yes/no. */
static int cmd_diff_table_totals(struct libscols_table *tb,
				 const struct cmd_diff_pair *p)
{
	const struct analysis_totals *x = &p->side[0].an->totals;
	const struct analysis_totals *y = &p->side[1].an->totals;
	unsigned int i;
	int rc = 0;

	for (i = 0; !rc && i < CMD_DIFF_NR_TOTALS; i++)
		rc = cmd_diff_table_delta(tb, DT_VALUE, NULL, NULL,
					  cmd_diff_totals[i].word,
					  cmd_diff_total(x, i), cmd_diff_total(y, i));
	if (!rc && x->vm_swap_full != y->vm_swap_full) {
		const char *cells[DT_NR] = {
			[DT_VALUE] = "vm_swap_full",
			[DT_A] = x->vm_swap_full ? "yes" : "no",
			[DT_B] = y->vm_swap_full ? "yes" : "no",
			[DT_DELTA] = "",
		};

		rc = cmd_diff_table_row(tb, DT_VALUE, cells);
	}
	return rc;
}

int cmd_diff_tables(const struct cmd_diff_pair *p, FILE *fp)
{
	struct libscols_table *tb = cmd_diff_table_new(DT_ORDER, "ORDER");
	unsigned int k;
	int rc = 0;

	if (!tb)
		return -ENOMEM;
	for (k = 0; !rc && k < diff_nr_orders(p->df); k++)
		rc = cmd_diff_table_order(tb, p, k);
	if (rc) {
		scols_unref_table(tb);
		return rc;
	}
	rc = cmd_diff_table_print(tb, fp);
	if (rc)
		return rc;
	tb = cmd_diff_table_new(DT_VALUE, "TOTAL");
	if (!tb)
		return -ENOMEM;
	rc = cmd_diff_table_totals(tb, p);
	if (rc) {
		scols_unref_table(tb);
		return rc;
	}
	return cmd_diff_table_print(tb, fp);
}
