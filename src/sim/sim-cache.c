// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-cache.c - the swap cache's folio table: which folio caches a slot.
 * The table records the large folios (folio->swap -> order), and each
 * cluster how many of them start in it and their largest order, so a
 * lookup asks only for the orders a cluster has.
 *
 * A cached slot that no large folio covers is an order-0 folio, so only
 * folios of order > 0 need a record, and the table is sized to them, not
 * to the device: one 32-bit word each, at most 3/4 of the buckets used.
 * Deleting shifts the following run of the probe sequence back, so there
 * are no tombstones and a miss stops at the first empty bucket.
 */
#include <errno.h>
#include <stdlib.h>

#include "sim-cache.h"
#include "sim-state.h"

static inline uint32_t sim_cache_code(uint32_t offset, unsigned int order)
{
	return offset | ((1u << (order - 1)) - 1);
}

static inline unsigned int sim_cache_code_order(uint32_t code)
{
	return (unsigned int)__builtin_ctz(~code) + 1;
}

static inline uint32_t sim_cache_code_offset(uint32_t code)
{
	unsigned int ones = (unsigned int)__builtin_ctz(~code);

	return ones ? code & ~((1u << ones) - 1) : code;
}

static inline uint32_t sim_cache_home(const struct sim_cache *c,
				      uint32_t offset)
{
	return (uint32_t)(offset * 2654435769u) >> (32 - c->bits);
}

int sim_cache_init(struct sim_cache *c)
{
	c->tab = NULL;
	c->mask = 0;
	c->nr = 0;
	c->bits = 0;
	return 0;
}

void sim_cache_destroy(struct sim_cache *c)
{
	free(c->tab);
	sim_cache_init(c);
}

/* Move every folio into a fresh table of 2^@bits buckets. */
static int sim_cache_rehash(struct sim_cache *c, unsigned int bits)
{
	uint32_t *old = c->tab, old_n = old ? c->mask + 1 : 0, i, j;
	uint32_t *tab = malloc(sizeof(*tab) << bits);

	if (!tab)
		return -ENOMEM;
	for (i = 0; i < (1u << bits); i++)
		tab[i] = SIM_NIL;
	c->tab = tab;
	c->bits = bits;
	c->mask = (1u << bits) - 1;
	for (i = 0; i < old_n; i++) {
		if (old[i] == SIM_NIL)
			continue;
		j = sim_cache_home(c, sim_cache_code_offset(old[i]));
		while (tab[j] != SIM_NIL)
			j = (j + 1) & c->mask;
		tab[j] = old[i];
	}
	free(old);
	return 0;
}

static inline bool sim_cache_roomy(uint64_t nr, unsigned int bits)
{
	return bits && nr * 4 <= (3ull << bits);
}

int sim_cache_reserve(struct sim_cache *c, uint32_t more)
{
	uint64_t want = (uint64_t)c->nr + more;
	unsigned int bits = c->bits ? c->bits : SIM_CACHE_MIN_BITS;

	if (c->tab && sim_cache_roomy(want, c->bits))
		return 0;
	while (!sim_cache_roomy(want, bits))
		bits++;
	if (bits > 31)
		return -ENOMEM;
	return sim_cache_rehash(c, bits);
}

/* The bucket of @offset, or SIM_NIL. */
static uint32_t sim_cache_find(const struct sim_cache *c, uint32_t offset)
{
	uint32_t i;

	if (!c->nr)
		return SIM_NIL;
	for (i = sim_cache_home(c, offset); c->tab[i] != SIM_NIL;
	     i = (i + 1) & c->mask)
		if (sim_cache_code_offset(c->tab[i]) == offset)
			return i;
	return SIM_NIL;
}

static void sim_cache_insert(struct sim_cache *c, uint32_t offset,
			     unsigned int order)
{
	uint32_t i = sim_cache_home(c, offset);

	while (c->tab[i] != SIM_NIL)
		i = (i + 1) & c->mask;
	c->tab[i] = sim_cache_code(offset, order);
	c->nr++;
}

unsigned int sim_cache_get(const struct sim_cache *c, uint32_t offset)
{
	uint32_t i = sim_cache_find(c, offset);

	return i == SIM_NIL ? 0 : sim_cache_code_order(c->tab[i]);
}

static void sim_cache_delete(struct sim_cache *c, uint32_t offset)
{
	uint32_t i = sim_cache_find(c, offset), j, home;

	if (i == SIM_NIL)
		return;
	for (j = (i + 1) & c->mask; c->tab[j] != SIM_NIL; j = (j + 1) & c->mask) {
		home = sim_cache_home(c, sim_cache_code_offset(c->tab[j]));
		/* stays when its home lies cyclically in (i, j] */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		c->tab[i] = c->tab[j];
		i = j;
	}
	c->tab[i] = SIM_NIL;
	c->nr--;
}

/* Give memory back after a mass of deletes; failing to is harmless. */
void sim_cache_shrink(struct sim_cache *c)
{
	unsigned int bits = c->bits;

	if (!c->tab || bits <= SIM_CACHE_MIN_BITS || (uint64_t)c->nr * 16 > (1ull << bits))
		return;
	while (bits > SIM_CACHE_MIN_BITS && (uint64_t)c->nr * 4 <= (1ull << (bits - 1)))
		bits--;
	sim_cache_rehash(c, bits);
}

bool sim_cache_at(const struct sim_cache *c, uint32_t i, uint32_t *offset,
		  unsigned int *order)
{
	if (!c->tab || i > c->mask || c->tab[i] == SIM_NIL)
		return false;
	*offset = sim_cache_code_offset(c->tab[i]);
	*order = sim_cache_code_order(c->tab[i]);
	return true;
}

/* ---- the folio table kept in step with the clusters -------------------- */

bool sim_cache_folio_at(const struct sim *sim, uint32_t slot, uint32_t *start,
			unsigned int *order)
{
	const struct sim_ci *x = &sim->ci[slot >> sim->shift];
	uint32_t st, prev = SIM_NIL;
	unsigned int k, o;

	if (!(sim->slots[slot] & SNAPSHOT_SLOT_CACHED))
		return false;
	for (k = 1; x->nr_large && k <= x->large_max; k++) {
		st = slot & ~((1u << k) - 1);
		if (st == prev)
			continue;
		prev = st;
		o = sim_cache_get(&sim->cache, st);
		if (o && (uint64_t)st + (1u << o) > slot) {
			*start = st;
			*order = o;
			return true;
		}
	}
	*start = slot;
	*order = 0;
	return true;
}

void sim_cache_add_large(struct sim *sim, uint32_t start, unsigned int order)
{
	struct sim_ci *x = &sim->ci[start >> sim->shift];

	sim_cache_insert(&sim->cache, start, order);
	x->nr_large++;
	if (order > x->large_max)
		x->large_max = (uint8_t)order;
}

void sim_cache_del_large(struct sim *sim, uint32_t start)
{
	struct sim_ci *x = &sim->ci[start >> sim->shift];

	sim_cache_delete(&sim->cache, start);
	if (!--x->nr_large)
		x->large_max = 0;
}
