// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * moving.c - the clusters that moved while a snapshot was read, and
 * their info key (moving.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/array.h"
#include "swapfs/moving.h"

int moving_add(struct snapshot *s, uint32_t ci)
{
	size_t i = s->nr_moving;

	while (i && s->moving[i - 1] > ci)
		i--;
	if (i && s->moving[i - 1] == ci)
		return 0;
	if (array_grow((void **)&s->moving, &s->alloc_moving, s->nr_moving,
		       sizeof(*s->moving), 16))
		return -ENOMEM;
	memmove(s->moving + i + 1, s->moving + i,
		(s->nr_moving - i) * sizeof(*s->moving));
	s->moving[i] = ci;
	s->nr_moving++;
	return 0;
}

bool moving_has(const struct snapshot *s, uint32_t ci)
{
	size_t lo = 0, hi = s->nr_moving;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->moving[mid] == ci)
			return true;
		if (s->moving[mid] < ci)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* A decimal u32 at *@p (no sign, no leading zero but "0"); moves *@p past it. */
static bool moving_number(const char **p, uint32_t *out)
{
	const char *v = *p;
	uint64_t n = 0;

	if (*v < '0' || *v > '9' || (v[0] == '0' && v[1] >= '0' && v[1] <= '9'))
		return false;
	for (; *v >= '0' && *v <= '9'; v++) {
		n = n * 10 + (uint64_t)(*v - '0');
		if (n > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)n;
	*p = v;
	return true;
}

/*
 * The next item of the list at *@p: [*@a, *@b]. Returns 1, 0 at the end,
 * -1 for a malformed one.
 */
static int moving_item(const char **p, uint32_t *a, uint32_t *b)
{
	if (!**p)
		return 0;
	if (!moving_number(p, a))
		return -1;
	*b = *a;
	if (**p == '-') {
		(*p)++;
		if (!moving_number(p, b) || *b <= *a)
			return -1;
	}
	if (**p == ' ' && (*p)[1])
		(*p)++;
	else if (**p)
		return -1;
	return 1;
}

const char *moving_check(const char *value)
{
	const char *p = value;
	uint32_t a, b;
	int64_t last = -1;
	int rc;

	while ((rc = moving_item(&p, &a, &b)) > 0) {
		if ((int64_t)a <= last)
			return "clusters are not in increasing order";
		last = b;
	}
	return rc ? "expected cluster numbers and ranges a-b (a < b), one blank between" :
	       NULL;
}

int moving_parse(struct snapshot *s, const char *value, uint32_t *bad)
{
	const char *p = value;
	uint64_t ci;
	uint32_t a, b;

	s->nr_moving = 0;
	while (moving_item(&p, &a, &b) > 0) {
		for (ci = a; ci <= b; ci++) {
			if (ci >= s->dev.nr_clusters) {
				*bad = (uint32_t)ci;
				s->nr_moving = 0;
				return -EINVAL;
			}
			if (moving_add(s, (uint32_t)ci))
				return -ENOMEM;
		}
	}
	return 0;
}

int moving_format(const struct snapshot *s, char *buf, size_t len)
{
	size_t i, j, used = 0;
	int n;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < s->nr_moving; i = j + 1) {
		for (j = i; j + 1 < s->nr_moving && s->moving[j + 1] == s->moving[j] + 1; j++)
			;
		n = j > i ? snprintf(buf + used, len - used, "%s%u-%u", used ? " " : "",
				     s->moving[i], s->moving[j]) :
			    snprintf(buf + used, len - used, "%s%u", used ? " " : "",
				     s->moving[i]);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	return 0;
}
