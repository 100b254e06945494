// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json.c - a streaming JSON writer (json.h).
 */
#include <inttypes.h>

#include "json.h"

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Comma, newline and indentation before a member, then its key. */
static void json_member(struct json *j, const char *key)
{
	int i;

	if (j->has_items[j->depth])
		fputc(',', j->out);
	j->has_items[j->depth] = true;
	fputc('\n', j->out);
	for (i = 0; i < j->depth; i++)
		fputs("   ", j->out);
	if (key) {
		json_quote(j->out, key);
		fputs(": ", j->out);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_member(j, key);
	fputc(c, j->out);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	int i, had = j->has_items[j->depth];

	if (j->depth)
		j->depth--;
	if (had) {
		fputc('\n', j->out);
		for (i = 0; i < j->depth; i++)
			fputs("   ", j->out);
	}
	fputc(c, j->out);
}

void json_begin(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 1;
	j->has_items[1] = false;
	fputc('{', out);
}

void json_end(struct json *j)
{
	json_close(j, '}');
	fputc('\n', j->out);
}

void json_object_open(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_object_close(struct json *j)
{
	json_close(j, '}');
}

void json_array_open(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_array_close(struct json *j)
{
	json_close(j, ']');
}

void json_string(struct json *j, const char *key, const char *value)
{
	json_member(j, key);
	if (value)
		json_quote(j->out, value);
	else
		fputs("null", j->out);
}

void json_u64(struct json *j, const char *key, uint64_t value)
{
	json_member(j, key);
	fprintf(j->out, "%" PRIu64, value);
}

void json_i64(struct json *j, const char *key, int64_t value)
{
	json_member(j, key);
	fprintf(j->out, "%" PRId64, value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	json_member(j, key);
	fputs(value ? "true" : "false", j->out);
}

void json_null(struct json *j, const char *key)
{
	json_member(j, key);
	fputs("null", j->out);
}
