// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture-mthp.c - the kernel's mTHP sizes (capture.h): which are enabled
 * for anonymous memory, and the counters of hugepages-<size>kB/stats.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture-internal.h"

int capture_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		rc = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (!rc)
		buf[strcspn(buf, "\n")] = '\0';
	return rc;
}

/* "always [madvise] never" -> "madvise" */
static bool capture_thp_is(const char *v, const char *word)
{
	char want[32];

	snprintf(want, sizeof(want), "[%s]", word);
	return strstr(v, want) != NULL;
}

/* "hugepages-64kB" -> its order for @page_size pages; -1 for other names. */
static int capture_mthp_order(const char *name, unsigned int page_size,
			      uint64_t *kb)
{
	unsigned long long v;
	unsigned int order;
	char tail;

	if (sscanf(name, "hugepages-%llukB%c", &v, &tail) != 1 || !v ||
	    v > (1ull << 40) || v * 1024 <= page_size)
		return -1;
	for (order = 0; ((uint64_t)page_size << order) < v * 1024; order++)
		;
	if (((uint64_t)page_size << order) != v * 1024 || order > SNAPSHOT_MAX_ORDER)
		return -1;
	*kb = v;
	return (int)order;
}

uint32_t capture_mthp_orders(const char *thp_dir, unsigned int page_size)
{
	char path[PATH_MAX], v[128], top[128];
	struct dirent *de;
	uint32_t mask = 0;
	uint64_t kb;
	bool top_on;
	DIR *dir;
	int order;

	if (!thp_dir)
		thp_dir = CAPTURE_THP;
	snprintf(path, sizeof(path), "%s/enabled", thp_dir);
	top_on = !capture_read_line(path, top, sizeof(top)) &&
		 !capture_thp_is(top, "never");
	dir = opendir(thp_dir);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		order = capture_mthp_order(de->d_name, page_size, &kb);
		if (order < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/enabled", thp_dir, de->d_name);
		if (capture_read_line(path, v, sizeof(v)))
			continue;
		if (capture_thp_is(v, "always") || capture_thp_is(v, "madvise") ||
		    (capture_thp_is(v, "inherit") && top_on))
			mask |= 1u << order;
	}
	closedir(dir);
	return mask;
}

static int capture_mthp_cmp(const void *x, const void *y)
{
	const struct capture_mthp_stat *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c ? c : (a->order > b->order) - (a->order < b->order);
}

/* Every counter of one size's stats directory, appended to @v. */
static int capture_mthp_dir(const char *dir_path, unsigned int order, uint64_t kb,
			    struct capture_mthp_stat **v, size_t *nr, size_t *alloc)
{
	char path[PATH_MAX], val[32];
	unsigned long long n;
	struct dirent *de;
	DIR *dir = opendir(dir_path);
	size_t len;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dir))) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len >= sizeof((*v)->name) ||
		    !snapshot_flag_name_ok(de->d_name, len))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name) >=
		    (int)sizeof(path) || capture_read_line(path, val, sizeof(val)) || sscanf(val, "%llu", &n) != 1)
			continue;
		if (*nr == *alloc) {
			size_t grow = *alloc ? 2 * *alloc : 64;
			void *p = reallocarray(*v, grow, sizeof(**v));

			if (!p) {
				closedir(dir);
				return -ENOMEM;
			}
			*v = p;
			*alloc = grow;
		}
		(*v)[*nr] = (struct capture_mthp_stat){ .order = order, .kb = kb,
							.value = n };
		memcpy((*v)[*nr].name, de->d_name, len + 1);
		(*nr)++;
	}
	closedir(dir);
	return 0;
}

int capture_mthp_stats(const char *thp_dir, unsigned int page_size,
		       struct capture_mthp_stat **out, size_t *nr)
{
	struct capture_mthp_stat *v = NULL;
	char path[PATH_MAX];
	size_t n = 0, alloc = 0;
	struct dirent *de;
	uint64_t kb;
	DIR *dir;
	int order, rc = 0;

	*out = NULL;
	*nr = 0;
	if (!thp_dir)
		thp_dir = CAPTURE_THP;
	dir = opendir(thp_dir);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (!rc && (de = readdir(dir))) {
		order = capture_mthp_order(de->d_name, page_size, &kb);
		if (order < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/stats", thp_dir, de->d_name);
		rc = capture_mthp_dir(path, (unsigned int)order, kb, &v, &n, &alloc);
	}
	closedir(dir);
	if (rc) {
		free(v);
		return rc;
	}
	qsort(v, n, sizeof(*v), capture_mthp_cmp);
	*out = v;
	*nr = n;
	return 0;
}
