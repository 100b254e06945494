/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-cache.h - the swap cache's folio table (sim-cache.c): a hash of the
 * large folios, and the lookups that keep it in step with the clusters.
 */
#ifndef SWAPFS_SIM_CACHE_H
#define SWAPFS_SIM_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim-state.h"

/* The smallest table: 2^4 buckets. */
#define SIM_CACHE_MIN_BITS	4u

/* sim_cache_init - an empty table, no memory yet. Returns 0. */
int sim_cache_init(struct sim_cache *c);

/* sim_cache_destroy - free the table; it is empty and usable after. */
void sim_cache_destroy(struct sim_cache *c);

/*
 * sim_cache_reserve - room for @more folios, so that inserting them
 * cannot fail. Returns 0 or -ENOMEM.
 */
int sim_cache_reserve(struct sim_cache *c, uint32_t more);

/* sim_cache_get - the order of the large folio at @offset, 0 for none. */
unsigned int sim_cache_get(const struct sim_cache *c, uint32_t offset);

/* sim_cache_shrink - give memory back after a mass of deletes. */
void sim_cache_shrink(struct sim_cache *c);

/*
 * sim_cache_at - walk: the folio in bucket @i (0 to c->mask), or false for
 * an empty bucket.
 */
bool sim_cache_at(const struct sim_cache *c, uint32_t i, uint32_t *offset,
		  unsigned int *order);

/*
 * Whether sim_cache_reserve(@more) has nothing to do: the table has room
 * already (every call but the first few and those that grow it).
 */
static inline bool sim_cache_has_room(const struct sim_cache *c, uint32_t more)
{
	uint64_t want = (uint64_t)c->nr + more;

	return c->tab && want * 4 <= (3ull << c->bits);
}

/*
 * sim_cache_folio_at - the folio caching @slot: a large folio that covers
 * it, else the order-0 folio of the slot itself. False if no folio caches
 * it. Only orders present in the cluster are looked up.
 */
bool sim_cache_folio_at(const struct sim *sim, uint32_t slot, uint32_t *start,
			unsigned int *order);

/* sim_cache_add_large - record a large folio; sim_cache_reserve() made room. */
void sim_cache_add_large(struct sim *sim, uint32_t start, unsigned int order);

/* sim_cache_del_large - the large folio at @start is no longer cached. */
void sim_cache_del_large(struct sim *sim, uint32_t start);

#endif /* SWAPFS_SIM_CACHE_H */
