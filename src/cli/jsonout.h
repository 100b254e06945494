/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonout.h - the one JSON writer of every swapfs command (jansson underneath).
 *
 * Every JSON document swapfs prints goes through here: stat and check
 * build theirs member by member, and the tables (header, list, and any
 * table with -J) are turned into one by output_print() (output.h). So
 * every document has the same shape and the same escaping:
 *
 *  - the text is UTF-8, always: a value's bytes that are valid UTF-8 are
 *    kept as they are (control characters as JSON's \u00XX), and each byte
 *    that is not part of valid UTF-8 becomes the four characters \xNN
 *    (lower-case hex), in keys as in values;
 *  - an empty array is [], an empty object {};
 *  - members are indented by three blanks per level, as util-linux's
 *    tools print JSON, each value serialised by jansson.
 *
 * Values are built as jansson values and written when the document ends,
 * except inside a streamed array (jsonout_array_open_stream()): `check`
 * writes millions of findings, so each element of its array is written as
 * soon as it is closed and freed, and memory stays bounded.
 *
 * Usage: jsonout_begin(), then members (an object member has a @key, an
 * array element has NULL), then jsonout_end(), which returns the first error.
 */
#ifndef SWAPFS_JSONOUT_H
#define SWAPFS_JSONOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSONOUT_MAX_DEPTH	8

struct json_t;			/* jansson's value */

struct jsonout {
	FILE *out;
	int depth;			/* containers open; 1: the top-level object */
	struct json_t *open[JSONOUT_MAX_DEPTH];	/* each one being filled */
	char *keys[JSONOUT_MAX_DEPTH];	/* the key it was opened with (UTF-8), or NULL */
	int stream;			/* the streamed array's depth; 0: none */
	bool wrote_member;		/* a top-level member is out already */
	size_t streamed;		/* elements written of the streamed array */
	int err;			/* the first error: -ENOMEM or -EIO */
};

/* jsonout_begin - start the top-level object, to be written on @out. */
void jsonout_begin(struct jsonout *j, FILE *out);

/*
 * jsonout_end - write what is not written yet, close the top-level object and
 * end the line. Returns 0, or the first error (-ENOMEM, -EIO).
 */
int jsonout_end(struct jsonout *j);

/*
 * Members: @key names the member inside an object; pass NULL for an
 * element of an array.
 */
void jsonout_object_open(struct jsonout *j, const char *key);
void jsonout_object_close(struct jsonout *j);
void jsonout_array_open(struct jsonout *j, const char *key);
void jsonout_array_close(struct jsonout *j);
void jsonout_string(struct jsonout *j, const char *key, const char *value);	/* NULL -> null */
void jsonout_bytes(struct jsonout *j, const char *key, const void *data, size_t len);
void jsonout_u64(struct jsonout *j, const char *key, uint64_t value);
void jsonout_i64(struct jsonout *j, const char *key, int64_t value);
void jsonout_real(struct jsonout *j, const char *key, double value);
void jsonout_bool(struct jsonout *j, const char *key, bool value);
void jsonout_null(struct jsonout *j, const char *key);

/*
 * jsonout_array_open_stream - a member of the top-level object that is an
 * array written element by element: the top-level members added so far
 * are written, then "@key": [, then each element as it is closed. At most
 * one at a time; members added after it is closed follow it.
 */
void jsonout_array_open_stream(struct jsonout *j, const char *key);

/*
 * jsonout_utf8 - @len bytes of @s as valid UTF-8, with every byte that is not
 * part of valid UTF-8 written as \xNN (the rule above). Returns a malloc'ed,
 * NUL-terminated copy (its length in *@outlen, NUL bytes kept), or NULL.
 */
char *jsonout_utf8(const char *s, size_t len, size_t *outlen);

#endif /* SWAPFS_JSONOUT_H */
