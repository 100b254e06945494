/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapfile-row.h - the row a reader is on (r->st), column by column
 * (private to src/sources/snapfile/; snapfile-row.c): every table's
 * reader takes its values through these, so each value is held to its
 * type and range and each refusal names the row.
 */
#ifndef SWAPFS_SNAPFILE_ROW_H
#define SWAPFS_SNAPFILE_ROW_H

#include "snapfile-reader.h"

/* snapfile_row_describe - @st's column @col in words: "text 'abc'", "NULL", "a blob of 3 bytes". */
void snapfile_row_describe(sqlite3_stmt *st, int col, char *buf, size_t len);
/* snapfile_row_bad - -EINVAL: "<table> row snapshot=<id> <key>=<k>: ..." under @rule. */
int __attribute__((format(printf, 3, 4)))
snapfile_row_bad(struct snapfile_reader *r, const char *rule, const char *fmt, ...);
/* snapfile_row_nomem - -ENOMEM, said of the file. */
int snapfile_row_nomem(struct snapfile_reader *r);
/* snapfile_row_int_refuse - why column @col is no integer in @lo..@hi (-EINVAL). */
int snapfile_row_int_refuse(struct snapfile_reader *r, int col, int64_t lo,
			    int64_t hi, const char *rule);

/*
 * snapfile_row_int - column @col: an integer in @lo..@hi into *@v, or the
 * row is refused under @rule. Inline: every row has one or more.
 */
static inline int snapfile_row_int(struct snapfile_reader *r, int col,
				   int64_t lo, int64_t hi, const char *rule,
				   int64_t *v)
{
	bool integer = sqlite3_column_type(r->st, col) == SQLITE_INTEGER;

	*v = integer ? sqlite3_column_int64(r->st, col) : 0;
	if (__builtin_expect(integer && *v >= lo && *v <= hi, 1))
		return 0;
	return snapfile_row_int_refuse(r, col, lo, hi, rule);
}

/* snapfile_row_text - column @col: text without NUL bytes (or NULL, when @null_ok). */
int snapfile_row_text(struct snapfile_reader *r, int col, bool null_ok,
		      const char **v);
/*
 * snapfile_row_each - every row of @table for snapshot r->id, in key
 * order, through @fn; @sql selects the key first and has ?1 for the
 * snapshot.
 */
int snapfile_row_each(struct snapfile_reader *r, const char *table,
		      const char *sql, int (*fn)(struct snapfile_reader *));
/* snapfile_row_dense_key - a key that counts up from 0 in steps of one: pos, idx, cluster. */
int snapfile_row_dense_key(struct snapfile_reader *r, const char *rule,
			   int64_t key);
/* snapfile_row_rising_key - a sorted, unique key: counts and shmem slots, pids. */
int snapfile_row_rising_key(struct snapfile_reader *r, const char *rule,
			    int64_t key);

#endif
