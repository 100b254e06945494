// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * utc.c - times as swapfs writes them (utc.h).
 */
#include <errno.h>

#include <swapfs/utc.h>

int utc_format(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (len && gmtime_r(&t, &tm) &&
	    strftime(buf, len, UTC_FORMAT, &tm))
		return 0;
	if (len)
		buf[0] = '\0';
	return -EOVERFLOW;
}

int utc_now(char *buf, size_t len)
{
	return utc_format(time(NULL), buf, len);
}
