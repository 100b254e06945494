// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-text.c - the text the tables hold, held to the same rules
 * whether it is about to be written or was just read: timestamps, source
 * kinds, comma lists of names, info keys and values.
 */
#include <stdio.h>
#include <string.h>

#include "swapfs/info.h"
#include "snapfile-internal.h"

/* The dump's bounds: what its info line can hold. */
#define SNAPFILE_INFO_VALUE_MAX	4096

/* enum snapshot_file, bit by bit: the names of the dump's optional files. */
static const char *const snapfile_text_file_names[SNAPFILE_NR_FILES] = {
	"cache", "continued", "zeromap", "zswap", "orders", "next",
};

static const char *const snapfile_text_kinds[] = {
	"dump", "snapshot", "sim", "capture",
};

/* The UTC form swapfs writes, to the second or finer. */
bool snapfile_text_created_ok(const char *t)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	unsigned int mon, day, hour, min, sec;
	size_t i, frac = 0;

	for (i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != pat[i])
			return false;
	if (sscanf(t + 5, "%2u-%2uT%2u:%2u:%2u", &mon, &day, &hour, &min, &sec) != 5 ||
	    !mon || mon > 12 || !day || day > 31 || hour > 23 || min > 59 || sec > 60)
		return false;
	t += i;
	if (*t == '.')
		for (t++; *t >= '0' && *t <= '9' && frac < 10; t++)
			frac++;
	return (frac || t[-1] != '.') && frac < 10 && t[0] == 'Z' && !t[1];
}

bool snapfile_text_kind_ok(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof(snapfile_text_kinds) / sizeof(snapfile_text_kinds[0]); i++)
		if (!strcmp(kind, snapfile_text_kinds[i]))
			return true;
	return false;
}

const char *snapfile_text_list_parse(const char *text,
				     int (*parse)(const char *, size_t),
				     unsigned int *bits, const char **extra)
{
	const char *p = text, *comma, *first_extra = NULL;
	int bit, last = -1;
	size_t len;

	*bits = 0;
	if (extra)
		*extra = "";
	if (!*p)
		return NULL;
	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (!snapshot_flag_name_ok(p, len))
			return "a name is empty or not made of [a-z0-9_]";
		bit = parse(p, len);
		if (bit >= 0) {
			if (first_extra)
				return "known names come before the others";
			if (bit <= last)
				return "known names must be in their order, each once";
			last = bit;
			*bits |= 1u << bit;
		} else if (!extra) {
			return "a name is not known";
		} else {
			if (!first_extra)
				first_extra = p;
			if (snapshot_flag_listed(first_extra,
						 (size_t)(p - first_extra), p, len))
				return "a name is given twice";
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	if (extra && first_extra)
		*extra = first_extra;
	return NULL;
}

int snapfile_text_file_parse(const char *name, size_t len)
{
	int i;

	for (i = 0; i < SNAPFILE_NR_FILES; i++)
		if (strlen(snapfile_text_file_names[i]) == len &&
		    !memcmp(snapfile_text_file_names[i], name, len))
			return i;
	return -1;
}

void snapfile_text_list_add(char *buf, size_t size, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n ? "," : "", name);
}

/* An info key as the dump's info file allows it: [A-Za-z0-9_.-]+. */
const char *snapfile_text_info_why(const char *key, const char *value)
{
	const char *p;
	size_t n = strlen(value);

	if (!*key)
		return "the key is empty";
	if (!info_key_ok(key, strlen(key)))
		return "the key is not made of letters, digits, '_', '-', '.'";
	if (n > SNAPFILE_INFO_VALUE_MAX)
		return "the value is longer than a dump's info line allows";
	for (p = value; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return "the value holds a control character";
	if (n && (strchr(" \t", value[0]) || strchr(" \t", value[n - 1])))
		return "the value starts or ends with a blank";
	return NULL;
}

void snapfile_text_files(char *buf, size_t size, unsigned int files)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < SNAPFILE_NR_FILES; i++)
		if (files & (1u << i))
			snapfile_text_list_add(buf, size, snapfile_text_file_names[i]);
}
