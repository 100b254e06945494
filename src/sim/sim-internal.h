/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-internal.h - the simulator's state and the functions its files share
 * (sim.h is the contract; reference/kernel-swap-facts.md 4 the behaviour).
 *
 * Files, one concept each:
 *	sim.c		lifecycle and the operations of sim.h (vmscan, fork,
 *			zap, swap-in, split: what calls the allocator)
 *	sim-alloc.c	mm/swapfile.c: cluster lists, cluster_alloc_swap_entry(),
 *			the in-cluster scan, reclaim, freeing
 *	sim-612.c	what v6.12's allocator did differently
 *	sim-cache.c	the swap-cache folio table
 *	sim-check.c	sim_check()
 *	sim-snap.c	sim_snapshot() and sim_from_snapshot()
 *
 * Per slot the state is the snapshot's slot word and one bit of the free
 * map (derived: the word says whether the slot is free); per cluster the
 * snapshot's struct snapshot_cluster plus a struct sim_ci; per cached folio
 * of order > 0 one 32-bit word of the folio table (order-0 folios are the
 * cached slots no large folio covers).
 */
#ifndef SWAPFS_SIM_INTERNAL_H
#define SWAPFS_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/sim.h"
#include "swapfs/snapshot.h"

#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif

#define SIM_NIL			UINT32_MAX
#define SIM_NR_ORDERS_MAX	(SNAPSHOT_MAX_ORDER + 1)

/*
 * The lists of swap_info_struct, by index: free_clusters, full_clusters,
 * discard_clusters, nonfull_clusters[order], frag_clusters[order].
 */
#define SIM_L_FREE		0u
#define SIM_L_FULL		1u
#define SIM_L_DISCARD		2u
#define SIM_L_NONFULL(o)	(3u + (o))
#define SIM_L_FRAG(o)		(3u + SIM_NR_ORDERS_MAX + (o))
#define SIM_NR_LISTS		(3u + 2u * SIM_NR_ORDERS_MAX)
#define SIM_L_NONE		0xffu	/* off-list: isolated, or no lists */

/* __try_to_reclaim_swap() flags */
#define SIM_TTRS_ANYWAY		0x1u
#define SIM_TTRS_FULL		0x4u

/* SWP_* bits (include/linux/swap.h) the snapshot's flags key shows. */
#define SIM_SWP_USED		(1u << 0)
#define SIM_SWP_WRITEOK		(1u << 1)
#define SIM_SWP_DISCARDABLE	(1u << 2)
#define SIM_SWP_SOLIDSTATE	(1u << 4)
#define SIM_SWP_BLKDEV		(1u << 6)
#define SIM_SWP_PAGE_DISCARD	(1u << 10)
#define SIM_SWP_SYNCHRONOUS_IO	(1u << 12)

#define SIM_SLOT_RUN		(SNAPSHOT_SLOT_HEAD | SNAPSHOT_SLOT_ORDER)

struct sim_list {
	uint32_t head, tail, nr;
};

/* What struct swap_cluster_info holds besides count, flags and order. */
struct sim_ci {
	uint32_t prev, next;	/* ci->list */
	uint16_t cache_only;	/* cached slots with count 0 */
	uint16_t nr_large;	/* cached folios of order > 0 starting here */
	uint8_t list;		/* SIM_L_*: the list it is on */
	uint8_t large_max;	/* largest order of those folios */
	uint8_t reserved[2];
};
/* Four clusters a cache line: list neighbours are few lines apart. */
_Static_assert(sizeof(struct sim_ci) == 16, "struct sim_ci is 16 bytes");

/*
 * The folio table: open addressing, linear probing, one word per folio of
 * order k > 0: its offset with the low k - 1 bits set (they are zero in an
 * aligned offset, bit k - 1 stays zero), so the order is the number of
 * trailing ones + 1. SIM_NIL is an empty bucket.
 */
struct sim_cache {
	uint32_t *tab;
	uint32_t mask;		/* buckets - 1 (0 while there is no table) */
	uint32_t nr;
	unsigned int bits;	/* log2(buckets) */
};

struct sim {
	struct sim_config cfg;
	struct snapshot *s;
	uint16_t *slots;		/* s->slots */
	struct snapshot_cluster *cl;	/* s->clusters */
	struct sim_ci *ci;
	/*
	 * The free map: bit s set when slot s is free (its word has no
	 * NONFREE bit); bits of slots at or beyond max are clear. A scan for
	 * free slots reads these bits, not the slot words, so an allocation
	 * only writes the words it takes.
	 */
	uint64_t *fmap;
	size_t state_mapped;	/* fmap and ci: bytes mapped, 0 if malloc'ed */
	uint32_t max, nr_clusters, cs, shift, nr_orders;
	bool ssd, blkdev, discard;
	bool lists;		/* cluster_info exists (not 6.12 on a HDD) */
	bool v612;

	struct sim_list list[SIM_NR_LISTS];
	uint32_t *pcp;		/* percpu_swap_cluster.offset[]: cpus x orders */
	uint32_t global_next[SIM_NR_ORDERS_MAX];	/* si->global_cluster */
	uint32_t frag_nr[SIM_NR_ORDERS_MAX];	/* 6.12 frag_cluster_nr[] */
	uint32_t lowest;	/* 6.12 legacy scanner: si->lowest_bit */

	uint64_t pages, inuse;
	uint64_t reserved;	/* 6.12: taken from nr_swap_pages up front */
	uint32_t locked;	/* folio being swapped out: its trylock fails */
	unsigned int cpu;	/* CPU of the allocation in progress */
	bool reclaim_pending;	/* swap_reclaim_work() scheduled */
	/*
	 * The next allocation's folio leaves the swap cache within the same
	 * operation, before anything can look it up (vmscan reclaiming it
	 * right after writeback): it is not entered in the folio table, and
	 * sim->unrecorded names it until it leaves.
	 */
	bool no_record;
	uint32_t unrecorded;
	/*
	 * Set with no_record by sim_swap_out() when the folio is also unmapped
	 * by @direct_count (1..SNAPSHOT_COUNT_INLINE_MAX) PTEs in the same
	 * operation: nothing looks at the slots between the allocation and
	 * the unmapping, so the allocation writes the words as they end up
	 * (count, not cached) and neither the folio table nor the cache-only
	 * count sees the folio come and go. Cleared with no_record.
	 */
	uint16_t direct_count;

	struct sim_cache cache;
	uint64_t counters[SIM_NR_COUNTERS][SIM_NR_ORDERS_MAX];
	uint64_t ops;
	struct diag *user_diag;
	struct diag diag;
};

/* sim.c */
int sim_config_check(const struct sim_config *cfg, struct diag *d);
int sim_alloc_state(const struct sim_config *cfg, struct snapshot *s,
		    struct sim **out);

/* sim-alloc.c */
void sim_setup_clusters(struct sim *sim);
void sim_list_rebuild(struct sim *sim);
unsigned int sim_list_of(const struct snapshot_cluster *c);
uint32_t sim_folio_alloc(struct sim *sim, unsigned int order);
void sim_swap_cluster_free_entries(struct sim *sim, uint32_t start,
				   uint32_t nr);
void sim_swap_cache_del(struct sim *sim, uint32_t start, unsigned int order);
int sim_try_to_reclaim_swap(struct sim *sim, uint32_t offset,
			    unsigned int flags);
unsigned int sim_swap_do_scheduled_discard(struct sim *sim);
void sim_reclaim_work(struct sim *sim);
void sim_dissolve_run(struct sim *sim, uint32_t slot);
void sim_cache_only_add(struct sim *sim, uint32_t slot, int delta);
void sim_summary_range(struct sim *sim, uint32_t from, uint32_t to, bool freed);
void sim_summary_all(struct sim *sim);
uint32_t sim_fmap_next_free(const struct sim *sim, uint32_t from, uint32_t to);
void sim_free_run_fast(struct sim *sim, uint32_t start, unsigned int order);

/* sim-alloc.c, shared with sim-612.c */
void sim_move_cluster(struct sim *sim, uint32_t ci, unsigned int li,
		      uint8_t flags);
void sim_free_cluster(struct sim *sim, uint32_t ci);
uint32_t sim_scan_candidate(const struct sim *sim, uint32_t off, uint64_t lim,
			    uint32_t nr, bool *reclaim);
void sim_fill_entries(struct sim *sim, uint32_t ci, uint32_t off,
		      unsigned int order);

/* sim-612.c */
uint32_t sim612_cluster_cols(const struct sim *sim);
void sim612_dec_cluster_info_page(struct sim *sim, uint32_t ci);
void sim612_swap_reclaim_full_clusters(struct sim *sim, bool force);
uint32_t sim612_folio_alloc_swap(struct sim *sim, unsigned int order);

/* sim-cache.c */
#define SIM_CACHE_MIN_BITS	4u
int sim_cache_init(struct sim_cache *c);
void sim_cache_destroy(struct sim_cache *c);
int sim_cache_reserve(struct sim_cache *c, uint32_t more);
void sim_cache_insert(struct sim_cache *c, uint32_t offset,
		      unsigned int order);
unsigned int sim_cache_get(const struct sim_cache *c, uint32_t offset);
void sim_cache_delete(struct sim_cache *c, uint32_t offset);
void sim_cache_shrink(struct sim_cache *c);
/* Walk: the folio in bucket @i, or false for an empty bucket. */
bool sim_cache_at(const struct sim_cache *c, uint32_t i, uint32_t *offset,
		  unsigned int *order);

/* sim.c: the folio table kept in step with the clusters */
bool sim_folio_at(const struct sim *sim, uint32_t slot, uint32_t *start,
		  unsigned int *order);
void sim_large_add(struct sim *sim, uint32_t start, unsigned int order);
void sim_large_del(struct sim *sim, uint32_t start);

/* sim-check.c */
int sim_check_diag(const struct sim *sim, struct diag *d);

static inline uint32_t sim_slot_count(const struct sim *sim, uint32_t slot)
{
	uint16_t c = sim->slots[slot] & SNAPSHOT_SLOT_COUNT;

	return c != SNAPSHOT_COUNT_BIG ? c : snapshot_count(sim->s, slot);
}

/* A slot held only by the swap cache: cached, count 0 ("cache only"). */
static inline bool sim_cache_only(uint16_t w)
{
	return (w & SNAPSHOT_SLOT_NONFREE) == SNAPSHOT_SLOT_CACHED;
}

static inline uint32_t sim_cluster_first(const struct sim *sim, uint32_t ci)
{
	return ci << sim->shift;
}

/*
 * vm_swap_full(): nr_swap_pages * 2 < total_swap_pages, with this device
 * alone. v6.12's get_swap_pages() takes the pages from nr_swap_pages
 * before it scans (sim->reserved), so its scan sees them gone.
 */
static inline bool sim_vm_swap_full(const struct sim *sim)
{
	uint64_t used = sim->inuse + sim->reserved;
	uint64_t avail = used >= sim->pages ? 0 : sim->pages - used;

	return avail * 2 < sim->pages;
}

/* The end of cluster @ci's slots: the cluster's end or max. */
static inline uint64_t sim_cluster_lim(const struct sim *sim, uint32_t ci)
{
	uint64_t end = ((uint64_t)ci + 1) << sim->shift;

	return end > sim->max ? sim->max : end;
}

/* Words of the free map: one bit for each slot of every cluster. */
static inline size_t sim_fmap_words(const struct sim *sim)
{
	return (size_t)((((uint64_t)sim->nr_clusters << sim->shift) + 63) >> 6);
}

/* Bits @from..@from + @nr - 1 of one map word (@from + @nr <= 64). */
static inline uint64_t sim_bits(unsigned int from, unsigned int nr)
{
	return (nr >= 64 ? ~0ull : (1ull << nr) - 1) << from;
}

/*
 * Whether sim_cache_reserve(@more) has nothing to do: the table has room
 * already (every call but the first few and those that grow it).
 */
static inline bool sim_cache_has_room(const struct sim_cache *c, uint32_t more)
{
	uint64_t want = (uint64_t)c->nr + more;

	return c->tab && want * 4 <= (3ull << c->bits);
}

#endif /* SWAPFS_SIM_INTERNAL_H */
