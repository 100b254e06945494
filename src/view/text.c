// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * text.c - the small formatting helpers the views share.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "text.h"

void text_append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n + 1 >= len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	*n += (size_t)r;
	if (*n >= len)
		*n = len - 1;
}
