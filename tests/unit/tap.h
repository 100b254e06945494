/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - the smallest TAP producer meson's 'tap' protocol understands.
 * One "ok N - what" line per check, the plan at the end.
 */
#ifndef SWAPFS_TAP_H
#define SWAPFS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_count, tap_failed;

static void __attribute__((format(printf, 2, 3))) tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass)
		tap_failed++;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif /* SWAPFS_TAP_H */
