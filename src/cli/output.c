// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output.c - libsmartcols tables for the swapfs reports (see output.h).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
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
	case OUTPUT_JSON:	/* printed by output_print_json(), not smartcols */
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

/* A number cell as a JSON number ("-1", "4096", "12.5"); else as text. */
static void output_json_number(struct jsonout *j, const char *key, const char *s)
{
	char *end;
	double d;

	errno = 0;
	if (*s == '-') {
		long long v = strtoll(s, &end, 10);

		if (!errno && end != s && !*end) {
			jsonout_i64(j, key, v);
			return;
		}
	} else {
		unsigned long long v = strtoull(s, &end, 10);

		if (!errno && end != s && !*end) {
			jsonout_u64(j, key, v);
			return;
		}
	}
	errno = 0;
	d = strtod(s, &end);

	if (!errno && end != s && !*end)
		jsonout_real(j, key, d);
	else
		jsonout_string(j, key, s);
}

/* An ARRAY_* cell: one element per line; "" is []. */
static void output_json_array(struct jsonout *j, const char *key, const char *s,
			      bool numbers)
{
	char item[128];
	size_t len;

	jsonout_array_open(j, key);
	while (*s) {
		len = strcspn(s, "\n");
		if (numbers && len < sizeof(item)) {
			memcpy(item, s, len);
			item[len] = '\0';
			output_json_number(j, NULL, item);
		} else {
			jsonout_bytes(j, NULL, s, len);
		}
		s += len;
		if (*s)
			s++;
	}
	jsonout_array_close(j);
}

static void output_json_cell(struct jsonout *j, const char *key, int type,
			     const char *s)
{
	switch (type) {
	case SCOLS_JSON_NUMBER:
		if (s && *s)
			output_json_number(j, key, s);
		else
			jsonout_null(j, key);
		break;
	case SCOLS_JSON_BOOLEAN:
		jsonout_bool(j, key, s && *s && !strchr("nN0", *s));
		break;
	case SCOLS_JSON_ARRAY_STRING:
	case SCOLS_JSON_ARRAY_NUMBER:
		if (s)
			output_json_array(j, key, s, type == SCOLS_JSON_ARRAY_NUMBER);
		else
			jsonout_null(j, key);
		break;
	default:
		jsonout_string(j, key, s);
		break;
	}
}

/* The column's JSON key: its name in lower case, as libsmartcols makes it. */
static void output_json_key(struct libscols_column *cl, char *key, size_t sz)
{
	const char *name = scols_cell_get_data(scols_column_get_header(cl));
	size_t i;

	for (i = 0; name && name[i] && i + 1 < sz; i++)
		key[i] = (char)tolower((unsigned char)name[i]);
	key[i] = '\0';
}

static int output_print_json(struct libscols_table *tb)
{
	size_t i, ncols = scols_table_get_ncols(tb);
	struct libscols_iter *itr = scols_new_iter(SCOLS_ITER_FORWARD);
	struct libscols_line *ln;
	struct libscols_column *cl;
	struct jsonout j;
	char key[64];

	if (!itr)
		return -ENOMEM;
	jsonout_begin(&j, stdout);
	jsonout_array_open(&j, scols_table_get_name(tb));
	while (!scols_table_next_line(tb, itr, &ln)) {
		jsonout_object_open(&j, NULL);
		for (i = 0; i < ncols; i++) {
			cl = scols_table_get_column(tb, i);
			output_json_key(cl, key, sizeof(key));
			output_json_cell(&j, key, scols_column_get_json_type(cl),
					 scols_cell_get_data(scols_line_get_cell(ln, i)));
		}
		jsonout_object_close(&j);
	}
	jsonout_array_close(&j);
	scols_free_iter(itr);
	return jsonout_end(&j);
}

int output_print(struct libscols_table *tb)
{
	int rc = scols_table_is_json(tb) ? output_print_json(tb) : scols_print_table(tb);

	scols_unref_table(tb);
	return rc < 0 ? rc : 0;
}

void output_columns_default(struct output_columns *c, const int *ids, size_t n)
{
	memcpy(c->id, ids, n * sizeof(*ids));
	c->n = n;
}

static int output_column_id(const struct output_colinfo *info, size_t ninfo,
			    const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ninfo; i++)
		if (strlen(info[i].name) == len && !strncasecmp(info[i].name, name, len))
			return (int)i;
	return -1;
}

int output_columns_parse(struct output_columns *c, const struct output_colinfo *info,
			 size_t ninfo, const char *arg, char *why, size_t whysz)
{
	const char *s = arg, *end;
	int id;

	if (*s == '+')
		s++;
	else
		c->n = 0;
	c->given = true;
	if (!*s) {
		snprintf(why, whysz, "no columns in '%s'", arg);
		return -EINVAL;
	}
	while (*s) {
		end = strchrnul(s, ',');
		id = output_column_id(info, ninfo, s, end - s);
		if (id < 0) {
			snprintf(why, whysz, "unknown column '%.*s'", (int)(end - s), s);
			return -EINVAL;
		}
		if (c->n >= OUTPUT_MAX_COLUMNS) {
			snprintf(why, whysz, "more than %d columns in '%s'",
				 OUTPUT_MAX_COLUMNS, arg);
			return -EINVAL;
		}
		c->id[c->n++] = id;
		s = *end ? end + 1 : end;
	}
	return 0;
}

void output_columns_help(const struct output_colinfo *info, size_t ninfo)
{
	int width = 10;	/* list's, since its first release */
	size_t i;

	for (i = 0; i < ninfo; i++)
		if ((int)strlen(info[i].name) > width)
			width = (int)strlen(info[i].name);
	puts("\nAvailable columns:");
	for (i = 0; i < ninfo; i++)
		printf(" %*s  %s\n", width, info[i].name, info[i].help);
}

int output_columns_add(struct libscols_table *tb, const struct output_columns *c,
		       const struct output_colinfo *info, bool bytes)
{
	size_t i;
	int rc;

	for (i = 0; i < c->n; i++) {
		const struct output_colinfo *ci = &info[c->id[i]];
		struct output_column col = {
			ci->name, ci->json_type, ci->width, ci->flags & ~OUTPUT_FL_SIZE,
		};

		if ((ci->flags & OUTPUT_FL_SIZE) && !bytes)
			col.json_type = SCOLS_JSON_STRING;
		rc = output_add_column(tb, &col);
		if (rc)
			return rc;
	}
	return 0;
}

void output_size(uint64_t bytes, bool exact, char *buf, size_t sz)
{
	static const char suffix[] = "BKMGTPE";
	unsigned int exp = 0;
	double v = (double)bytes;
	char *dot;

	if (exact) {
		snprintf(buf, sz, "%" PRIu64, bytes);
		return;
	}
	while (v >= 1024 && exp < sizeof(suffix) - 2) {
		v /= 1024;
		exp++;
	}
	snprintf(buf, sz, "%.1f", v);
	dot = strchr(buf, '.');
	if (dot && dot[1] == '0')
		*dot = '\0';
	snprintf(buf + strlen(buf), sz - strlen(buf), "%c", suffix[exp]);
}
