// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit-value.c - what every value written to a model edit is held
 * to: one line of printable text, decimal numbers as a user writes them,
 * and how a refused value is quoted in its diag.
 */
#include <stdio.h>

#include "snapedit-parts.h"

void snapedit_value_quote(char *buf, size_t size, const char *p, size_t len)
{
	size_t i, n = 0;

	buf[n++] = '\'';
	for (i = 0; i < len && n + 8 < size; i++) {
		unsigned char c = (unsigned char)p[i];

		if (i == SNAPEDIT_QUOTE_MAX) {
			n += (size_t)snprintf(buf + n, size - n, "...");
			break;
		}
		if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'')
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
}

/*
 * One trailing newline is dropped (echo adds it); then printable ASCII
 * and tabs only: a NUL or a second line would be cut by whoever reads
 * the journal.
 */
int snapedit_value_check(const char *path, const char *text, size_t *len,
			 struct diag *d)
{
	char q[SNAPEDIT_QUOTED];
	size_t i;

	if (*len && text[*len - 1] == '\n')
		(*len)--;
	snapedit_value_quote(q, sizeof(q), text, *len);
	if (*len > SNAPEDIT_VALUE_MAX)
		return diag_line(d, path, 0, "edit-value",
				 "%s: %zu bytes, a value is at most %d", q, *len,
				 SNAPEDIT_VALUE_MAX);
	for (i = 0; i < *len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return diag_line(d, path, 0, "edit-value",
					 "%s: byte %zu (0x%02x) is not printable text; a value is one line",
					 q, i, c);
	}
	return 0;
}

/* Digits only, no sign, no blank, no leading zero (is 010 eight or ten?). */
bool snapedit_value_decimal(const char *p, size_t len, uint32_t max,
			    uint32_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (!len || (len > 1 && p[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(p[i] - '0');
		if (x > max)
			return false;
	}
	*v = (uint32_t)x;
	return true;
}
