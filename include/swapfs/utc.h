/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * utc.h - the one way swapfs writes a time: ISO 8601 in UTC, to the
 * second ("2026-12-07T23:06:29Z"), as snapshot provenance
 * (swapfs-snapshot(5) "created"), dump info and edit notes carry it.
 */
#ifndef SWAPFS_UTC_H
#define SWAPFS_UTC_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_MODEL)
#error "swapfs/utc.h belongs to the model: a lower layer may not use it (src/README.md)"
#endif

#include <stddef.h>
#include <time.h>

#define UTC_FORMAT	"%Y-%m-%dT%H:%M:%SZ"	/* for strftime() and strptime() */
#define UTC_LEN		20			/* its length, without the NUL */

/*
 * utc_format - @t as UTC_FORMAT into @buf (@len bytes, at least
 * UTC_LEN + 1; a year past 9999 is longer). Returns 0, or -EOVERFLOW
 * when @t has no such form or @buf is too small (@buf is then "").
 */
int utc_format(time_t t, char *buf, size_t len);

/* utc_now - utc_format() of the current time. */
int utc_now(char *buf, size_t len);

#endif /* SWAPFS_UTC_H */
