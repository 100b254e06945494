/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-state.h - the simulator's state (struct sim), the ops table of a
 * kernel's policy, and the few accessors every file of it reads (sim.h is
 * the contract; reference/kernel-swap-facts.md 4 the behaviour).
 *
 * The files, from the bottom up; each calls functions only of files
 * listed before it, and a kernel's allocator only through the policy
 * table sim->policy (which sim-state.c picks by its name, once):
 *
 *	sim-cache.c	the swap cache's folio table, kept in step with the
 *			clusters (which folio caches a slot)
 *	sim-state.c	the state: config check, allocation, freeing
 *	sim-scan.c	the free map and the scan for free slots in a cluster
 *	sim-cluster.c	the cluster lists of swap_info_struct and the moves
 *			every tree makes alike (setup, free, discard)
 *	sim-entries.c	the slot words an allocation writes, a free clears, a
 *			reference adds or drops
 *	sim-reclaim.c	a folio leaving the swap cache, reclaim of cache-only
 *			folios
 *	sim-explain.c	--explain: the steps of each allocation, the reasons
 *			of fallbacks, steals, the trace (hooks: sim-explain.h)
 *	sim-newest.c	the newest tree's allocator: sim_newest_policy
 *	sim-612.c	v6.12's allocator: sim612_policy
 *	sim-check.c	sim_check(): every invariant
 *	sim-op.c	the end of every operation
 *	sim.c		sim_new(), counters, accessors, the discard worker
 *	sim-swapout.c, sim-refs.c, sim-folio.c, sim-swapin.c
 *			the operations of sim.h: vmscan's swap-out, fork and
 *			zap, what happens to a cached folio, swap-in faults
 *	sim-snap.c	sim_snapshot() and sim_from_snapshot()
 *	sim-areas.c	several areas (sim-areas.h): one struct sim each, the
 *			area of each allocation picked as the kernel does, by
 *			the steps of sim-step.h
 *
 * Per slot the state is the snapshot's slot word and one bit of the free
 * map (derived: the word says whether the slot is free); per cluster the
 * snapshot's struct snapshot_cluster plus a struct sim_ci; per cached folio
 * of order > 0 one 32-bit word of the folio table (order-0 folios are the
 * cached slots no large folio covers).
 */
#ifndef SWAPFS_SIM_STATE_H
#define SWAPFS_SIM_STATE_H

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

/* Four slot words are read or written as one 64-bit word where it pays. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SIM_LANES		1
#else
#define SIM_LANES		0
#endif

/* The 16-bit value @v in each of the four lanes of a 64-bit word. */
#define SIM_LANE4(v)		((uint64_t)(v) * 0x0001000100010001ull)

struct sim;
struct sim_explain;

/*
 * A kernel tree's allocation policy: what its mm/swapfile.c (and its
 * memory.c around swap-in) decides. One table per tree (sim-newest.c,
 * sim-612.c), chosen once when the state is made (sim_state_new()) and
 * never switched; nothing else asks which tree is simulated. Each
 * function is a whole kernel path, not a step of one, so that a policy's
 * hot paths are inlined inside it: an operation costs one indirect call
 * into its policy, and the shared primitives (sim-cluster.h, sim-scan.h,
 * sim-entries.h) are compiled into each policy.
 */
struct sim_policy {
	const char *kernel;	/* the info key "kernel": "newest", "6.12" */
	const char *era;	/* the slot encoding of a dump of that tree */
	bool rotational_lists;	/* cluster_info (the lists) on rotational devices */
	bool global_cluster;	/* si->global_cluster: rotational devices' next */
	bool frag_cluster_nr;	/* keeps frag_cluster_nr[] in sim->frag_nr */
	bool swapin_skip_cache;	/* do_swap_page()'s swapcache-skipping path */
	/* setup_clusters(): each cluster on its first list (sim->lists) */
	void (*setup_clusters)(struct sim *sim);
	/* folio_alloc_swap() on sim->cpu: the first slot, 0 for none */
	uint32_t (*folio_alloc)(struct sim *sim, unsigned int order);
	/*
	 * Several areas (sim-areas.c picks the area): the steps of
	 * folio_alloc_swap() one device takes part in. ->alloc_fast is
	 * swap_alloc_fast() on this device's per-CPU cluster (NULL where the
	 * tree has no per-CPU area: v6.12); ->alloc_slow is this device's
	 * turn in the walk of swap_avail_head (newest: swap_alloc_slow()'s
	 * cluster_alloc_swap_entry(); v6.12: get_swap_pages()'s
	 * scan_swap_map_slots()). Each returns the first slot, 0 for none.
	 */
	uint32_t (*alloc_fast)(struct sim *sim, unsigned int order);
	uint32_t (*alloc_slow)(struct sim *sim, unsigned int order);
	/*
	 * Slots of cluster @ci were freed (sim_entries_freed() did the
	 * words and the device): the cluster moves by the tree's rules.
	 */
	void (*cluster_freed)(struct sim *sim, uint32_t ci);
	/*
	 * The whole run of @order headed at @start, aligned, every slot with
	 * count 1 and uncached, is freed: sim_entries_free_run() and
	 * ->cluster_freed(), inlined into one call (every zap of a run).
	 */
	void (*free_run)(struct sim *sim, uint32_t start, unsigned int order);
	/* swap_reclaim_full_clusters(); @force: swap_reclaim_work()'s */
	void (*reclaim_full_clusters)(struct sim *sim, bool force);
};

extern const struct sim_policy sim_newest_policy;	/* sim-newest.c */
extern const struct sim_policy sim612_policy;		/* sim-612.c */

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
	const struct sim_policy *policy;	/* of cfg.kernel: set once */
	struct sim_explain *explain;	/* --explain's recorder, or NULL (sim-explain.h) */
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

	struct sim_list list[SIM_NR_LISTS];
	uint32_t *pcp;		/* percpu_swap_cluster.offset[]: cpus x orders */
	/*
	 * Writes of pcp (newest: every cluster alloc_swap_scan_cluster()
	 * scanned, found or not, also writes percpu_swap_cluster.si[order]:
	 * sim-areas.c tells from this which area the CPU's cluster is in).
	 */
	uint64_t pcp_writes;
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

	/*
	 * The other areas of a group (sim-areas.c), this one included, for
	 * what the kernel counts over every area: vm_swap_full() reads
	 * nr_swap_pages and total_swap_pages. NULL and 0 alone.
	 */
	struct sim *const *peers;
	unsigned int nr_peers;

	struct sim_cache cache;
	uint64_t counters[SIM_NR_COUNTERS][SIM_NR_ORDERS_MAX];
	uint64_t ops;
	struct diag *user_diag;
	struct diag diag;
};

/* sim-state.c */

/*
 * sim_state_config_check - @cfg as swapon would take it. Returns 0 or
 * -EINVAL with @d naming the field at fault.
 */
int sim_state_config_check(const struct sim_config *cfg, struct diag *d);

/*
 * sim_state_new - the state around @s (its geometry set), simulating the
 * policy of @cfg->kernel. Returns 0 or -ENOMEM; @s is the caller's until
 * it succeeds.
 */
int sim_state_new(const struct sim_config *cfg, struct snapshot *s,
		  struct sim **out);

/*
 * sim_state_vm_swap_full_peers - vm_swap_full() of an area of a group:
 * nr_swap_pages and total_swap_pages of every area (sim->peers).
 */
bool sim_state_vm_swap_full_peers(const struct sim *sim) __attribute__((cold));

/* sim_state_free - the state and its snapshot; NULL is fine. */
void sim_state_free(struct sim *sim);

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
 * vm_swap_full(): nr_swap_pages * 2 < total_swap_pages, of this device
 * alone or of every area of its group. v6.12's get_swap_pages() takes the
 * pages from nr_swap_pages before it scans (sim->reserved), so its scan
 * sees them gone.
 */
static inline bool sim_vm_swap_full(const struct sim *sim)
{
	uint64_t used = sim->inuse + sim->reserved;
	uint64_t avail = used >= sim->pages ? 0 : sim->pages - used;

	/* several areas: out of line, the one-area test stays as small */
	if (__builtin_expect(sim->nr_peers != 0, 0))
		return sim_state_vm_swap_full_peers(sim);
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

/* The cached slots with count 0 of @slot's cluster change by @delta. */
static inline void sim_cache_only_add(struct sim *sim, uint32_t slot,
				      int delta)
{
	sim->ci[slot >> sim->shift].cache_only =
		(uint16_t)(sim->ci[slot >> sim->shift].cache_only + delta);
}

#endif /* SWAPFS_SIM_STATE_H */
