// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-pages.c - what each tag of a running script holds, page by
 * page, and which of those pages are cache-only (a hash by slot, linear
 * probing with backward-shift deletion): the pages a reclaim in the
 * simulator may take from a tag without the script saying so.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "workload-pages.h"

int wl_pages_init(struct wl_pages *pg, struct wl_ctx *c, uint32_t nr_tags,
		  uint32_t dev_pages)
{
	memset(pg, 0, sizeof(*pg));
	pg->c = c;
	pg->dev_pages = dev_pages;
	pg->nr_tags = nr_tags;
	pg->tags = calloc(nr_tags ? nr_tags : 1, sizeof(*pg->tags));
	return pg->tags ? 0 : -ENOMEM;
}

void wl_pages_free(struct wl_pages *pg)
{
	uint32_t i;

	for (i = 0; pg->tags && i < pg->nr_tags; i++)
		free(pg->tags[i].pages);
	free(pg->tags);
	free(pg->co.e);
}

static uint32_t wl_co_hash(const struct wl_co *co, uint32_t slot)
{
	return (slot * 0x9e3779b1u) & (co->size - 1);
}

static struct wl_co_ent *wl_co_find(struct wl_co *co, uint32_t slot)
{
	uint32_t i;

	if (!co->nr)
		return NULL;
	for (i = wl_co_hash(co, slot); co->e[i].slot; i = (i + 1) & (co->size - 1))
		if (co->e[i].slot == slot)
			return &co->e[i];
	return NULL;
}

static int wl_co_insert(struct wl_co *co, uint32_t slot, uint32_t tag,
			uint32_t page)
{
	uint32_t i;

	if ((co->nr + 1) * 2 > co->size) {
		struct wl_co old = *co;

		co->size = old.size ? old.size * 2 : 64;
		co->e = calloc(co->size, sizeof(*co->e));
		if (!co->e) {
			*co = old;
			return -ENOMEM;
		}
		co->nr = 0;
		for (i = 0; i < old.size; i++)
			if (old.e[i].slot)
				wl_co_insert(co, old.e[i].slot, old.e[i].tag,
					     old.e[i].page);
		free(old.e);
	}
	for (i = wl_co_hash(co, slot); co->e[i].slot; i = (i + 1) & (co->size - 1))
		;
	co->e[i] = (struct wl_co_ent){ slot, tag, page };
	co->nr++;
	return 0;
}

/* Linear probing: move later entries of the cluster back into the hole. */
static void wl_co_remove(struct wl_co *co, uint32_t slot)
{
	struct wl_co_ent *ent = wl_co_find(co, slot);
	uint32_t hole, i, want, mask = co->size - 1;

	if (!ent)
		return;
	hole = (uint32_t)(ent - co->e);
	co->e[hole].slot = 0;
	co->nr--;
	for (i = (hole + 1) & mask; co->e[i].slot; i = (i + 1) & mask) {
		want = wl_co_hash(co, co->e[i].slot);
		if (((i - want) & mask) >= ((i - hole) & mask)) {
			co->e[hole] = co->e[i];
			co->e[i].slot = 0;
			hole = i;
		}
	}
}

int wl_pages_co_add(struct wl_pages *pg, uint32_t slot, uint32_t tag,
		    uint32_t page)
{
	return wl_co_insert(&pg->co, slot, tag, page);
}

void wl_pages_co_del(struct wl_pages *pg, uint32_t slot)
{
	wl_co_remove(&pg->co, slot);
}

void wl_pages_gone(struct wl_pages *pg, struct wl_page *p)
{
	if (wl_pages_cache_only(p))
		wl_co_remove(&pg->co, p->slot);
	p->slot = 0;
	p->refs = 0;
	p->cached = 0;
	p->head = 0;
}

/* The cache-only folio holding page @i of @tag was reclaimed. */
static void wl_pages_reclaimed(struct wl_pages *pg, uint32_t tag, uint32_t i)
{
	struct wl_rtag *t = &pg->tags[tag];
	uint32_t head = i, n, j;

	while (head && !t->pages[head].head)
		head--;
	n = 1u << t->pages[head].order;
	for (j = head; j < head + n && j < t->nr; j++)
		if (wl_pages_cache_only(&t->pages[j]))
			wl_pages_gone(pg, &t->pages[j]);
}

int wl_pages_verify(struct wl_pages *pg)
{
	const struct snapshot *s = NULL;
	struct wl_co_ent *gone;
	uint32_t i, n = 0;
	int rc;

	if (!pg->co.nr || !pg->may_reclaim)
		return 0;
	pg->may_reclaim = false;
	rc = pg->c->areas ? 0 : sim_snapshot(pg->c->sim, &s);
	if (rc)
		return wl_ctx_sim_error(pg->c, rc, "snapshot", 0);
	/* collected first: dropping entries moves others in the table */
	gone = malloc(pg->co.nr * sizeof(*gone));
	if (!gone)
		return diag_errno(pg->c->d, pg->c->name, -ENOMEM);
	for (i = 0; i < pg->co.size; i++)
		if (pg->co.e[i].slot &&
		    !(wl_sim_slot(pg->c, s, pg->co.e[i].slot) & SNAPSHOT_SLOT_CACHED))
			gone[n++] = pg->co.e[i];
	for (i = 0; i < n; i++)
		if (wl_co_find(&pg->co, gone[i].slot))
			wl_pages_reclaimed(pg, gone[i].tag, gone[i].page);
	free(gone);
	return 0;
}

int wl_pages_recheck(struct wl_pages *pg)
{
	if (!pg->co.nr)
		return 0;
	pg->may_reclaim = true;
	return wl_pages_verify(pg);
}

void wl_pages_note_full(struct wl_pages *pg, uint32_t nr)
{
	if ((wl_sim_inuse(pg->c) + nr) * 2 >= pg->dev_pages)
		pg->may_reclaim = true;
}

static int wl_pages_reserve(struct wl_rtag *t, uint64_t upto)
{
	uint64_t want;
	struct wl_page *p;

	if (upto <= t->alloc)
		return 0;
	want = t->alloc ? (uint64_t)t->alloc * 2 : 64;
	if (want < upto)
		want = upto;
	if (want > t->nominal)
		want = t->nominal;
	p = reallocarray(t->pages, want, sizeof(*p));
	if (!p)
		return -ENOMEM;
	memset(p + t->alloc, 0, (want - t->alloc) * sizeof(*p));
	t->pages = p;
	t->alloc = (uint32_t)want;
	return 0;
}

/* Slots just allocated may have been a tag's cache-only pages. */
static void wl_pages_reused(struct wl_pages *pg, uint32_t slot, uint32_t n)
{
	struct wl_co_ent *e;
	uint32_t j;

	if (!pg->co.nr)
		return;
	for (j = 0; j < n; j++) {
		e = wl_co_find(&pg->co, slot + j);
		if (e)
			wl_pages_reclaimed(pg, e->tag, e->page);
	}
}

int wl_pages_record(struct wl_pages *pg, const struct wl_stmt *st,
		    const uint32_t *offsets, uint64_t base, unsigned int nr,
		    bool whole)
{
	struct wl_rtag *t = &pg->tags[st->tag];
	unsigned int order = whole ? st->order : 0;
	uint32_t n = 1u << order, i, j;
	struct wl_page *p;
	int rc;

	if (!nr)
		return 0;
	if (wl_pages_reserve(t, base + (uint64_t)nr * n))
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		wl_pages_reused(pg, offsets[i], n);
		for (j = 0; j < n; j++) {
			p = &t->pages[base + i * n + j];
			p->slot = offsets[i] + j;
			p->refs = st->mapcount;
			p->order = order;
			p->cached = st->stage != WL_STAGE_WRITTEN;
			p->head = !j;
			if (wl_pages_cache_only(p)) {
				rc = wl_co_insert(&pg->co, p->slot, st->tag,
						  (uint32_t)(base + i * n + j));
				if (rc)
					return rc;
			}
		}
	}
	if (base + (uint64_t)nr * n > t->nr)
		t->nr = (uint32_t)(base + (uint64_t)nr * n);
	return 0;
}

uint64_t wl_pages_held(const struct wl_rtag *t)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < t->nr; i++)
		n += !!t->pages[i].slot;
	return n;
}
