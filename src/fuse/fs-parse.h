/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs-parse.h - what the user gives the mount as text: the names of
 * numbered entries, the values written to files (fs-parse.c).
 */
#ifndef SWAPFS_FUSE_FS_PARSE_H
#define SWAPFS_FUSE_FS_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * fs_parse_index - @name as a canonical decimal number below @limit (no
 * sign, no leading zero, no blanks), as directory entries are named.
 * Returns 0 or -ENOENT.
 */
int fs_parse_index(const char *name, uint64_t limit, uint64_t *out);

/*
 * fs_parse_value - @buf/@len as written to a file, as a C string in @out:
 * one trailing newline dropped. -EINVAL for an embedded NUL or a value
 * longer than @size - 1 bytes.
 */
int fs_parse_value(const char *buf, size_t len, char *out, size_t size);

#endif /* SWAPFS_FUSE_FS_PARSE_H */
