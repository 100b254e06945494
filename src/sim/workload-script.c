// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-script.c - a parsed script's storage: the statements in an
 * array that doubles, and the tags interned once each (an open-addressing
 * hash of their indexes, FNV-1a, kept under half full), so that statements
 * and the run name a tag by its index.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/workload.h"
#include "workload-script.h"

/* Room for one more of @nr elements of @size at *@arr (doubling). */
static int wl_script_grow(void **arr, size_t *alloc, size_t nr, size_t size)
{
	size_t want;
	void *q;

	if (nr < *alloc)
		return 0;
	want = *alloc ? *alloc * 2 : 64;
	q = reallocarray(*arr, want, size);
	if (!q)
		return -ENOMEM;
	*arr = q;
	*alloc = want;
	return 0;
}

static uint32_t wl_script_hash_name(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int wl_script_rehash(struct wl_script *sc, uint32_t size)
{
	uint32_t *h = calloc(size, sizeof(*h));
	uint32_t i;

	if (!h)
		return -ENOMEM;
	for (i = 0; i < sc->nr_tags; i++) {
		uint32_t k = wl_script_hash_name(sc->tags[i], strlen(sc->tags[i]));

		while (h[k & (size - 1)])
			k++;
		h[k & (size - 1)] = i + 1;
	}
	free(sc->hash);
	sc->hash = h;
	sc->hash_size = size;
	return 0;
}

struct wl_script *wl_script_new(void)
{
	struct wl_script *sc = calloc(1, sizeof(*sc));

	if (sc && wl_script_rehash(sc, 64)) {
		free(sc);
		return NULL;
	}
	return sc;
}

void wl_script_free(struct wl_script *sc)
{
	size_t i;

	if (!sc)
		return;
	for (i = 0; i < sc->nr; i++)
		free(sc->stmts[i].note);
	free(sc->stmts);
	for (i = 0; i < sc->nr_tags; i++)
		free(sc->tags[i]);
	free(sc->tags);
	free(sc->hash);
	free(sc);
}

int wl_script_append(struct wl_script *sc, const struct wl_stmt *st)
{
	if (wl_script_grow((void **)&sc->stmts, &sc->alloc, sc->nr, sizeof(*st)))
		return -ENOMEM;
	sc->stmts[sc->nr++] = *st;
	return 0;
}

int wl_script_tag(struct wl_script *sc, const char *name, size_t len,
		  uint32_t *idx)
{
	uint32_t k = wl_script_hash_name(name, len), i;
	size_t alloc;
	char *copy;

	for (;; k++) {
		i = sc->hash[k & (sc->hash_size - 1)];
		if (!i)
			break;
		if (!strncmp(sc->tags[i - 1], name, len) &&
		    !sc->tags[i - 1][len]) {
			*idx = i - 1;
			return 0;
		}
	}
	if (sc->nr_tags >= WORKLOAD_TAGS_MAX)
		return -ENOSPC;
	alloc = sc->alloc_tags;
	if (wl_script_grow((void **)&sc->tags, &alloc, sc->nr_tags,
			   sizeof(*sc->tags)))
		return -ENOMEM;
	sc->alloc_tags = (uint32_t)alloc;
	copy = strndup(name, len);
	if (!copy)
		return -ENOMEM;
	sc->hash[k & (sc->hash_size - 1)] = sc->nr_tags + 1;
	sc->tags[sc->nr_tags] = copy;
	*idx = sc->nr_tags++;
	if (sc->nr_tags * 2 >= sc->hash_size &&
	    wl_script_rehash(sc, sc->hash_size * 2))
		return -ENOMEM;
	return 0;
}
