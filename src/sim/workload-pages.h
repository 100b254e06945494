/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-pages.h - what each tag of a running script holds
 * (workload-pages.c): per page the slot, the references (swap PTEs) the
 * tag holds on it, and whether a swap-cache folio still holds it, of
 * which order.
 */
#ifndef SWAPFS_WORKLOAD_PAGES_H
#define SWAPFS_WORKLOAD_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "workload-ctx.h"
#include "workload-script.h"

/* One page of a tag: the slot it holds and what holds the slot. */
struct wl_page {
	uint32_t slot;		/* 0: the tag holds nothing here */
	uint32_t refs:24;	/* swap references the tag holds on it */
	uint32_t order:4;	/* of its folio (in the cache, or as swapped out) */
	uint32_t cached:1;	/* a swap-cache folio holds it */
	uint32_t head:1;	/* first page of that folio */
};

struct wl_rtag {
	struct wl_page *pages;
	uint32_t nr, alloc;	/* pages tracked: up to the last allocated */
	uint64_t nominal;	/* COUNT << ORDER of its swapout */
};

/* Cache-only pages (cached, no references), by slot. */
struct wl_co_ent {
	uint32_t slot, tag, page;
};

struct wl_co {
	struct wl_co_ent *e;
	uint32_t size, nr;	/* size: power of two, 0 before first use */
};

/*
 * The pages of every tag. The allocator may reclaim a cache-only folio
 * (count 0) once vm_swap_full(), so pages in that state are also kept in
 * a small hash by slot: an allocation that returns one of them means the
 * folio was reclaimed and its slots reused, and after a swapout or free
 * that may have met vm_swap_full() the rest are checked against the
 * device.
 */
struct wl_pages {
	struct wl_ctx *c;	/* the run's: its simulator, its diag */
	uint32_t dev_pages;	/* the device's usable slots */
	struct wl_rtag *tags;	/* by tag index */
	uint32_t nr_tags;
	struct wl_co co;
	/*
	 * vm_swap_full() may have held during an operation since the last
	 * check: only then can the simulator have reclaimed a cache-only
	 * folio, and only then is the device (O(slots)) worth looking at.
	 */
	bool may_reclaim;
};

/* wl_pages_init - no tag holds anything yet. Returns 0 or -ENOMEM. */
int wl_pages_init(struct wl_pages *pg, struct wl_ctx *c, uint32_t nr_tags,
		  uint32_t dev_pages);

/* wl_pages_free - what wl_pages_init() and the run allocated. */
void wl_pages_free(struct wl_pages *pg);

/* A page held by the swap cache alone: cached, no references. */
static inline bool wl_pages_cache_only(const struct wl_page *p)
{
	return p->slot && p->cached && !p->refs;
}

/* wl_pages_gone - page @p now holds nothing: forgotten, also by slot. */
void wl_pages_gone(struct wl_pages *pg, struct wl_page *p);

/*
 * wl_pages_co_add - page @page of tag @tag, at @slot, became cache-only.
 * Returns 0 or -ENOMEM.
 */
int wl_pages_co_add(struct wl_pages *pg, uint32_t slot, uint32_t tag,
		    uint32_t page);

/* wl_pages_co_del - the page at @slot is no longer cache-only. */
void wl_pages_co_del(struct wl_pages *pg, uint32_t slot);

/*
 * wl_pages_note_full - an operation about to allocate up to @nr slots:
 * could vm_swap_full() hold?
 */
void wl_pages_note_full(struct wl_pages *pg, uint32_t nr);

/*
 * wl_pages_verify - after a swapout or a free: cache-only folios the
 * simulator reclaimed without reusing their slots are free now (reuse is
 * seen as it happens). Returns 0 or an error in the run's diag.
 */
int wl_pages_verify(struct wl_pages *pg);

/*
 * wl_pages_recheck - cache-only pages the device may have reclaimed
 * behind the guess of wl_pages_note_full(): looked at before a tag is
 * called busy or an operation refused. Returns as wl_pages_verify().
 */
int wl_pages_recheck(struct wl_pages *pg);

/*
 * wl_pages_record - @nr folios of swapout @st at @offsets, as its pages
 * from @base on: each of the statement's order when @whole, else of
 * order 0 (the fallback). Returns 0 or -ENOMEM.
 */
int wl_pages_record(struct wl_pages *pg, const struct wl_stmt *st,
		    const uint32_t *offsets, uint64_t base, unsigned int nr,
		    bool whole);

/* wl_pages_held - the slots tag @t holds. */
uint64_t wl_pages_held(const struct wl_rtag *t);

#endif /* SWAPFS_WORKLOAD_PAGES_H */
