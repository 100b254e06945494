/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * text.h - the small formatting helpers the views share (drawing layer).
 */
#ifndef SWAPVIEW_TEXT_H
#define SWAPVIEW_TEXT_H

#include <stddef.h>

/*
 * text_append - printf at *@n in @buf (@len bytes), keeping *@n within the
 * buffer: a line too long for the buffer is cut, never overrun.
 */
void text_append(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* SWAPVIEW_TEXT_H */
