// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs-parse.c - entry names as numbers and written values as strings: the
 * two ways text comes into the mount.
 */
#include <errno.h>
#include <string.h>

#include "fs-parse.h"

int fs_parse_index(const char *name, uint64_t limit, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!*name || (name[0] == '0' && name[1]))
		return -ENOENT;
	for (p = name; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -ENOENT;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v >= limit)
		return -ENOENT;
	*out = v;
	return 0;
}

int fs_parse_value(const char *buf, size_t len, char *out, size_t size)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= size || memchr(buf, '\0', len))
		return -EINVAL;
	memcpy(out, buf, len);
	out[len] = '\0';
	return 0;
}
