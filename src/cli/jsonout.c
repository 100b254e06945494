// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jsonout.c - the one JSON writer (see jsonout.h): values are jansson's,
 * the top-level object and a streamed array are framed here, in the same
 * layout jansson gives the values inside them.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonout.h"

/* Blanks per level, as util-linux's JSON (and JSON_INDENT(3)). */
#define JSONOUT_INDENT	3

/* Bytes of the valid UTF-8 sequence at @s (at most @len), or 0 if none. */
static size_t jsonout_utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;	/* a continuation byte, an overlong lead, or past U+10FFFF */
	/* the second byte's range rules out overlongs, surrogates and > U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

char *jsonout_utf8(const char *s, size_t len, size_t *outlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n;
	char *out;

	/* at worst every byte becomes \xNN */
	out = malloc(4 * len + 1);
	if (!out)
		return NULL;
	while (i < len) {
		n = jsonout_utf8_seq(p + i, len - i);
		if (n) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[p[i] >> 4];
		out[o++] = hex[p[i] & 0xf];
		i++;
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return out;
}

/* A string value of @len bytes, made valid UTF-8; NULL on ENOMEM. */
static json_t *jsonout_text(const char *s, size_t len)
{
	size_t n;
	char *u = jsonout_utf8(s, len, &n);
	json_t *v;

	if (!u)
		return NULL;
	v = json_stringn_nocheck(u, n);
	free(u);
	return v;
}

static void jsonout_indent(struct jsonout *j, int level)
{
	fprintf(j->out, "%*s", level * JSONOUT_INDENT, "");
}

/*
 * Write one member at @level: a separator, the key (if any), and @v as
 * jansson prints it, its lines indented to @level.
 */
static void jsonout_emit(struct jsonout *j, const char *key, json_t *v,
			 int level, bool first)
{
	char *text, *p;
	json_t *k;

	fputs(first ? "\n" : ",\n", j->out);
	jsonout_indent(j, level);
	if (key) {
		k = json_string_nocheck(key);
		text = k ? json_dumps(k, JSON_ENCODE_ANY) : NULL;
		json_decref(k);
		if (!text) {
			j->err = -ENOMEM;
			return;
		}
		fprintf(j->out, "%s: ", text);
		free(text);
	}
	text = json_dumps(v, JSON_INDENT(JSONOUT_INDENT) | JSON_ENCODE_ANY);
	if (!text) {
		j->err = -ENOMEM;
		return;
	}
	/* JSON text holds no raw newline but jansson's own: indent after each */
	for (p = text; *p; p++) {
		fputc(*p, j->out);
		if (*p == '\n')
			jsonout_indent(j, level);
	}
	free(text);
}

/* Write the top-level members built so far, and forget them. */
static void jsonout_flush_top(struct jsonout *j)
{
	const char *key;
	json_t *v;

	json_object_foreach(j->open[0], key, v) {
		jsonout_emit(j, key, v, 1, !j->wrote_member);
		j->wrote_member = true;
	}
	json_object_clear(j->open[0]);
}

void jsonout_begin(struct jsonout *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->open[0] = json_object();
	j->depth = 1;
	if (!j->open[0])
		j->err = -ENOMEM;
	fputc('{', out);
}

/* Put @v (a new reference, or NULL after ENOMEM) under @key in the open container. */
static void jsonout_add(struct jsonout *j, const char *key, json_t *v)
{
	json_t *parent = j->depth ? j->open[j->depth - 1] : NULL;
	char *k = NULL;
	size_t n;

	if (j->stream && j->depth - 1 == j->stream && v && !j->err) {
		/* an element of the streamed array: out now, and gone */
		jsonout_emit(j, NULL, v, 2, !j->streamed++);
		json_decref(v);
		return;
	}
	if (!v || !parent || j->err) {
		json_decref(v);
		if (!j->err)
			j->err = -ENOMEM;
		return;
	}
	if (json_is_array(parent)) {
		if (json_array_append_new(parent, v))
			j->err = -ENOMEM;
		return;
	}
	k = jsonout_utf8(key ? key : "", key ? strlen(key) : 0, &n);
	if (!k || json_object_set_new_nocheck(parent, k, v))
		j->err = -ENOMEM;
	free(k);
}

static void jsonout_open(struct jsonout *j, const char *key, json_t *v)
{
	size_t n;

	if (j->depth >= JSONOUT_MAX_DEPTH || !v || j->err) {
		json_decref(v);
		if (!j->err)
			j->err = -ENOMEM;
		j->depth++;	/* closed again by its close call */
		return;
	}
	j->keys[j->depth] = key ? jsonout_utf8(key, strlen(key), &n) : NULL;
	j->open[j->depth++] = v;
}

static void jsonout_close(struct jsonout *j)
{
	int d = --j->depth;
	json_t *v;
	char *key;

	if (d < 1 || d >= JSONOUT_MAX_DEPTH) {
		if (d < 1)
			j->depth = 1;
		return;
	}
	v = j->open[d];
	key = j->keys[d];
	j->open[d] = NULL;
	j->keys[d] = NULL;
	if (d == j->stream) {
		j->stream = 0;
		if (j->streamed) {
			fputc('\n', j->out);
			jsonout_indent(j, 1);
		}
		fputc(']', j->out);
	} else if (v) {
		jsonout_add(j, key, v);
	}
	free(key);
}

void jsonout_array_open_stream(struct jsonout *j, const char *key)
{
	size_t n;
	char *k;

	if (j->depth != 1 || j->stream || j->err) {	/* only at the top, and one */
		jsonout_array_open(j, key);
		return;
	}
	jsonout_flush_top(j);
	k = jsonout_utf8(key, strlen(key), &n);
	if (!k) {
		j->err = -ENOMEM;
		return;
	}
	fputs(j->wrote_member ? ",\n" : "\n", j->out);
	jsonout_indent(j, 1);
	fprintf(j->out, "\"%s\": [", k);	/* a key of ours: plain ASCII */
	free(k);
	j->wrote_member = true;
	j->streamed = 0;
	j->stream = j->depth;
	j->keys[j->depth] = NULL;
	j->open[j->depth++] = NULL;
}

int jsonout_end(struct jsonout *j)
{
	while (j->depth > 1)
		jsonout_close(j);
	if (j->open[0]) {
		jsonout_flush_top(j);
		json_decref(j->open[0]);
		j->open[0] = NULL;
	}
	if (j->wrote_member)
		fputc('\n', j->out);
	fputs("}\n", j->out);
	if (!j->err && ferror(j->out))
		j->err = -EIO;
	return j->err;
}

void jsonout_object_open(struct jsonout *j, const char *key)
{
	jsonout_open(j, key, json_object());
}

void jsonout_object_close(struct jsonout *j)
{
	jsonout_close(j);
}

void jsonout_array_open(struct jsonout *j, const char *key)
{
	jsonout_open(j, key, json_array());
}

void jsonout_array_close(struct jsonout *j)
{
	jsonout_close(j);
}

void jsonout_string(struct jsonout *j, const char *key, const char *value)
{
	jsonout_add(j, key, value ? jsonout_text(value, strlen(value)) : json_null());
}

void jsonout_bytes(struct jsonout *j, const char *key, const void *data, size_t len)
{
	jsonout_add(j, key, jsonout_text(data, len));
}

/*
 * jansson's integers are signed 64-bit: a count past 2^63 (none swapfs
 * reports comes near) is written as a JSON number all the same, not exact.
 */
void jsonout_u64(struct jsonout *j, const char *key, uint64_t value)
{
	jsonout_add(j, key, value <= INT64_MAX ? json_integer((json_int_t)value) :
			    json_real((double)value));
}

void jsonout_i64(struct jsonout *j, const char *key, int64_t value)
{
	jsonout_add(j, key, json_integer(value));
}

void jsonout_real(struct jsonout *j, const char *key, double value)
{
	/* JSON has no NaN or infinity */
	jsonout_add(j, key, isfinite(value) ? json_real(value) : json_null());
}

void jsonout_bool(struct jsonout *j, const char *key, bool value)
{
	jsonout_add(j, key, json_boolean(value));
}

void jsonout_null(struct jsonout *j, const char *key)
{
	jsonout_add(j, key, json_null());
}
