// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-num.c - numbers and sizes as scripts and built-in specs write
 * them: no sign, no blanks, no other base, nothing after the digits but
 * a size's suffix, so that a typo is an error and not another number.
 */
#include <errno.h>

#include "workload-num.h"

int wl_num_parse(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int c = (unsigned char)s[i] - '0';

		if (c > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - c) / 10)
			return -ERANGE;
		v = v * 10 + c;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int wl_num_parse_size(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	size_t digits = 0;
	unsigned int shift = 0;
	uint64_t v;
	int rc;

	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits < len) {
		switch (s[digits] | 0x20) {
		case 'k':
			shift = 10;
			break;
		case 'm':
			shift = 20;
			break;
		case 'g':
			shift = 30;
			break;
		case 't':
			shift = 40;
			break;
		default:
			return -EINVAL;
		}
		if (len - digits == 3 && s[digits + 1] == 'i' && s[digits + 2] == 'B')
			len -= 2;
		if (len - digits != 1)
			return -EINVAL;
	}
	rc = wl_num_parse(s, digits, UINT64_MAX >> shift, &v);
	if (rc)
		return rc == -ERANGE ? -ERANGE : -EINVAL;
	v <<= shift;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
