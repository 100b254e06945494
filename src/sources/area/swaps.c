// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swaps.c - active swap areas from /proc/swaps, parsed by libmount.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libmount.h>

#include <swapfs/swaps.h>
#include <swapfs/target.h>

static int swaps_add(struct swaps *s, struct libmnt_fs *fs)
{
	struct swaps_entry *e;
	const char *src = mnt_fs_get_source(fs);
	const char *type = mnt_fs_get_swaptype(fs);

	e = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	if (!e)
		return -ENOMEM;
	s->v = e;
	e = &s->v[s->n];
	memset(e, 0, sizeof(*e));
	e->path = strdup(src ? src : "");
	e->type = strdup(type ? type : "");
	if (!e->path || !e->type) {
		free(e->path);
		free(e->type);
		return -ENOMEM;
	}
	e->size_kib = mnt_fs_get_size(fs);
	e->used_kib = mnt_fs_get_usedsize(fs);
	e->prio = mnt_fs_get_priority(fs);
	e->have_stat = !stat(e->path, &e->st);
	s->n++;
	return 0;
}

int swaps_load(struct swaps *s, const char *file)
{
	struct libmnt_table *tb;
	struct libmnt_iter *itr = NULL;
	struct libmnt_fs *fs;
	int rc;

	memset(s, 0, sizeof(*s));
	tb = mnt_new_table();
	if (!tb)
		return -ENOMEM;
	rc = mnt_table_parse_swaps(tb, file);
	if (rc)
		goto out;
	itr = mnt_new_iter(MNT_ITER_FORWARD);
	if (!itr) {
		rc = -ENOMEM;
		goto out;
	}
	while (mnt_table_next_fs(tb, itr, &fs) == 0) {
		rc = swaps_add(s, fs);
		if (rc)
			break;
	}
out:
	mnt_free_iter(itr);
	mnt_unref_table(tb);
	if (rc)
		swaps_free(s);
	return rc < 0 ? rc : (rc ? -EINVAL : 0);
}

void swaps_free(struct swaps *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].type);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static bool swaps_same_path(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (!strcmp(a, b))
		return true;
	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

const struct swaps_entry *swaps_find(const struct swaps *s, const char *path,
				     const struct stat *st)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct swaps_entry *e = &s->v[i];

		if (swaps_same_path(e->path, path))
			return e;
		if (st && e->have_stat && target_same_object(&e->st, st))
			return e;
	}
	return NULL;
}
