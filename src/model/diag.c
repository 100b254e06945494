// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diag.c - formatting rejections: where, what, and the rule (diag.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "swapfs/diag.h"

void diag_clear(struct diag *d)
{
	if (d) {
		d->msg[0] = '\0';
		d->rule[0] = '\0';
	}
}

/*
 * The rule goes last and is never cut: a long path or message loses its
 * end first, because scripts match the rule.
 */
static void __attribute__((format(printf, 4, 0)))
diag_vset(struct diag *d, const char *where, const char *rule,
	  const char *fmt, va_list ap)
{
	char suffix[sizeof(d->rule) + 4] = "";
	size_t room, n;

	snprintf(d->rule, sizeof(d->rule), "%s", rule ? rule : "");
	if (d->rule[0])
		snprintf(suffix, sizeof(suffix), " [%s]", d->rule);
	room = sizeof(d->msg) - strlen(suffix);
	n = (size_t)snprintf(d->msg, room, "%s: ", where);
	if (n < room)
		vsnprintf(d->msg + n, room - n, fmt, ap);
	strcat(d->msg, suffix);
}

int diag_line(struct diag *d, const char *file, unsigned long line,
	      const char *rule, const char *fmt, ...)
{
	char where[DIAG_MAX / 2];
	va_list ap;

	if (!d)
		return -EINVAL;
	if (line)
		snprintf(where, sizeof(where), "%s:%lu", file, line);
	else
		snprintf(where, sizeof(where), "%s", file);
	va_start(ap, fmt);
	diag_vset(d, where, rule, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int diag_byte(struct diag *d, const char *file, uint64_t offset,
	      const char *rule, const char *fmt, ...)
{
	char where[DIAG_MAX / 2];
	va_list ap;

	if (!d)
		return -EINVAL;
	snprintf(where, sizeof(where), "%s: byte %" PRIu64, file, offset);
	va_start(ap, fmt);
	diag_vset(d, where, rule, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int diag_errno(struct diag *d, const char *file, int rc)
{
	if (d) {
		snprintf(d->msg, sizeof(d->msg), "%s: %s", file, strerror(-rc));
		d->rule[0] = '\0';
	}
	return rc;
}
