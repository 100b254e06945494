/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - a streaming JSON writer, indented the way util-linux prints it.
 *
 * libsmartcols (2.38) builds a whole table in memory before printing and
 * has no nested objects; `swapfs check --json` streams millions of
 * findings followed by a summary object, and `stat --json` nests objects,
 * so those two documents are written here. Tables stay with smartcols.
 */
#ifndef SWAPFS_JSON_H
#define SWAPFS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	8

struct json {
	FILE *out;
	int depth;
	bool has_items[JSON_MAX_DEPTH];
};

/* json_begin - start the top-level object on @out. */
void json_begin(struct json *j, FILE *out);

/* json_end - close the top-level object and end the line. */
void json_end(struct json *j);

/*
 * Members: @key names the member inside an object; pass NULL for an
 * element of an array.
 */
void json_object_open(struct json *j, const char *key);
void json_object_close(struct json *j);
void json_array_open(struct json *j, const char *key);
void json_array_close(struct json *j);
void json_string(struct json *j, const char *key, const char *value);	/* NULL -> null */
void json_u64(struct json *j, const char *key, uint64_t value);
void json_i64(struct json *j, const char *key, int64_t value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);

#endif /* SWAPFS_JSON_H */
