/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim.h - a model of the kernel's swap allocator (mm/swapfile.c) that
 * replays operations on one swap device and leaves its state in a struct
 * snapshot, so every view inspects a simulated device like a dumped one.
 *
 * The simulator is a source: it writes the model, never reads a view.
 *
 * Two policies (enum sim_kernel):
 *   SIM_KERNEL_NEWEST  cluster_alloc_swap_entry() of the newest tree
 *                      (reference/kernel-swap-facts.md 4.1-4.9): per-CPU
 *                      fast path, nonfull -> free -> frag, vm_swap_full()
 *                      reclaim, order-0 stealing, the discard list, the
 *                      global cluster of rotational devices, no order > 0
 *                      on swap files. Snapshots are era G.
 *   SIM_KERNEL_6_12    the v6.12 allocator (4.10): taking a free cluster
 *                      moves it to nonfull at once, trying a nonfull cluster
 *                      moves it to frag, frag_cluster_nr, synchronous
 *                      discard and restart, legacy scanner (order 0 only) on
 *                      rotational devices. Snapshots are era C.
 *
 * The state is the snapshot itself (slot words, clusters) plus what only
 * the allocator keeps: the cluster lists, per-CPU next hints and the swap
 * cache. Memory: the snapshot's 2 bytes a slot, a few words a cluster, and
 * one entry per folio in the swap cache.
 *
 * Slots are named by offset; a folio in the swap cache by its first slot
 * (folio->swap), 2^order slots, naturally aligned. Every operation either
 * succeeds and leaves the state consistent, or returns an error and
 * changes nothing (-EINVAL for an operation the kernel would never do:
 * unmapping a slot with no folio, putting a free slot, ...).
 *
 * (Added:) -ENOSPC is the kernel's own outcome, not a refusal: what the
 * failed attempt did on the way (lists rotated, next hints reset, cache
 * reclaimed, discards run) stays, as it would in the kernel. An operation
 * whose allocation filled the device runs the swap_reclaim_work() it
 * scheduled before it returns. The simulator does not model the v6.12
 * per-CPU swap slots cache: every order-0 folio allocates on its own.
 */
#ifndef SWAPFS_SIM_H
#define SWAPFS_SIM_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SIM)
#error "swapfs/sim.h belongs to the simulator: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/diag.h"
#include "swapfs/snapshot.h"

enum sim_kernel {
	SIM_KERNEL_NEWEST = 0,
	SIM_KERNEL_6_12,
};

/* Largest number of simulated CPUs (percpu_swap_cluster instances). */
#define SIM_MAX_CPUS	1024u

/* Per-order event counters, as hugepages-<size>kB/stats/ names them. */
enum sim_counter {
	SIM_SWPOUT = 0,		/* large folio allocated swap in one piece */
	SIM_SWPOUT_FALLBACK,	/* large folio had to be split (no space) */
	SIM_SWPIN,		/* large folio swapped in in one piece */
	SIM_SWPIN_FALLBACK,	/* swap-in fell back to a smaller order */
	SIM_NR_COUNTERS,
};

/* sim_counter_name - "swpout", "swpout_fallback", "swpin", "swpin_fallback". */
const char *sim_counter_name(enum sim_counter c);

struct sim_config {
	enum sim_kernel kernel;
	uint32_t slots;		/* si->max: slot 0 is the header; >= 2 */
	uint32_t page_size;	/* 4096..262144, power of two */
	uint32_t cluster_size;	/* SWAPFILE_CLUSTER, power of two <= 16384 */
	unsigned int cpus;	/* 1..SIM_MAX_CPUS */
	bool rotational;	/* !SWP_SOLIDSTATE */
	bool discard;		/* SWP_PAGE_DISCARD (discard=pages) */
	bool swapfile;		/* a file on a filesystem: !SWP_BLKDEV */
	/*
	 * Large swap-in allowed (SWP_SYNCHRONOUS_IO, e.g. zram): swap-in of
	 * an order > 0 folio is tried at all.
	 */
	bool synchronous_io;
	/*
	 * Run sim_check() after every operation and fail the operation with
	 * -EUCLEAN (and the message in the diag of sim_new()) when an
	 * invariant broke. For tests; costs O(slots + clusters) per operation.
	 */
	bool check_always;
};

/* sim_config_default - x86-64 defaults: newest, 4 KiB, 512, 1 CPU, SSD. */
void sim_config_default(struct sim_config *cfg, uint32_t slots);

struct sim;

/*
 * sim_new - a freshly swapon'ed device (setup_clusters(): the header slot
 * and the tail beyond max mark their clusters, which stay order 0; every
 * other cluster is free). @bad: sorted bad page offsets (1..slots-1), may
 * be NULL. Returns 0, -EINVAL with @d filled for a bad config, -ENOMEM.
 */
int sim_new(const struct sim_config *cfg, const uint32_t *bad, size_t nr_bad,
	    struct sim **out, struct diag *d);

/*
 * sim_from_snapshot - continue from @s (any source, any era): @s is taken
 * over (the sim frees it). Cluster lists are rebuilt from the clusters'
 * flags (in index order), per-CPU hints from @s's next table where they
 * fit @cfg, cached slots become swap-cache folios (the snapshot's folios,
 * or order-0 folios for cached slots no folio covers). @cfg's geometry
 * must match @s (slots, cluster_size, page_size); -EINVAL with @d naming
 * the field otherwise, or when @s is inconsistent (a count that does not
 * match the slots, a list flag that contradicts the count).
 * (Added:) @s is freed on error too. A cluster on no list (flag none)
 * goes where the free side would put it (free, full, or nonfull of its
 * order); discard clusters on a device without discard become free; a
 * cluster of bad slots with count 0 (the pre-6.15 discard memset) becomes
 * a discard cluster of free slots; runs holding a free slot are dropped;
 * zero/zswap bits on free slots are cleared; hints not aligned to their
 * order are dropped; sim_ops() continues from the provenance step.
 */
int sim_from_snapshot(struct snapshot *s, const struct sim_config *cfg,
		      struct sim **out, struct diag *d);

/* sim_free - free @sim and its snapshot; NULL is fine. */
void sim_free(struct sim *sim);

/*
 * sim_folio_alloc_swap - folio_alloc_swap(): allocate 2^@order slots on
 * @cpu and bind a new swap-cache folio to them (slots cached, count 0).
 * *@offset receives folio->swap. Returns 0, -ENOSPC when the kernel would
 * fail (the caller splits a large folio), -EINVAL for a bad order or cpu.
 * Counts nothing: see sim_swap_out().
 */
int sim_folio_alloc_swap(struct sim *sim, unsigned int cpu, unsigned int order,
			 uint32_t *offset);

/*
 * sim_swap_out - what vmscan does for one anonymous folio of 2^@order
 * pages mapped @mapcount times: folio_alloc_swap(); on -ENOSPC for a large
 * folio count swpout_fallback, split it and allocate 2^@order order-0
 * folios instead; else count swpout (order > 0). Then try_to_unmap()
 * (folio_dup_swap(): each slot's count becomes @mapcount) and, unless
 * @keep_cached, writeback completion and reclaim (the folios leave the
 * swap cache). @offsets receives the first slot of each folio allocated
 * (1 entry, or 2^@order after a fallback); *@nr how many. Returns 0 or
 * -ENOSPC when even order 0 failed (slots allocated so far stay, *@nr
 * says how many).
 */
int sim_swap_out(struct sim *sim, unsigned int cpu, unsigned int order,
		 unsigned int mapcount, bool keep_cached, uint32_t *offsets,
		 unsigned int *nr);

/*
 * sim_folio_dup_swap - folio_dup_swap(): +1 on each slot of the cached
 * folio at @offset (unmapping one more PTE).
 */
int sim_folio_dup_swap(struct sim *sim, uint32_t offset);

/*
 * sim_swap_dup_entry_direct - fork copying swap PTEs: +1 on @nr slots from
 * @offset, each must have count >= 1.
 */
int sim_swap_dup_entry_direct(struct sim *sim, uint32_t offset, uint32_t nr);

/*
 * sim_swap_put_entries_direct - swap_put_entries_direct(): zap/munmap/
 * MADV_DONTNEED of @nr swap PTEs from @offset: -1 on each; a slot reaching
 * 0 with no cached folio is freed (__swap_cluster_free_entries(), cluster
 * relocated), a cached one becomes cache-only. (Added:) then, as
 * swap_put_entries_cluster() does with TTRS_FULL, a cached folio whose
 * slots all reached 0 is reclaimed when vm_swap_full(); TTRS_UNMAPPED is
 * not modelled (the simulator does not know whether the folio is mapped).
 */
int sim_swap_put_entries_direct(struct sim *sim, uint32_t offset, uint32_t nr);

/*
 * sim_swap_cache_del_folio - the folio at @offset leaves the swap cache
 * (writeback done and reclaimed, or swap-in done and the cache freed):
 * slots with count 0 are freed.
 */
int sim_swap_cache_del_folio(struct sim *sim, uint32_t offset);

/*
 * sim_swap_in - a fault on @offset: swap_cache_alloc_folio() for the
 * largest order <= @order the kernel would allow (range naturally aligned,
 * every slot count >= 1 and uncached, large swap-in allowed on this
 * device); counts swpin / swpin_fallback for @order > 0. The folio is
 * mapped (folio_put_swap(): -1 on each slot) and stays in the cache; when
 * the kernel would free the cache (vm_swap_full(), or no references left)
 * it leaves it too. *@got receives the order brought in, *@start its first
 * slot. -EINVAL when @offset is not swapped out (count 0 or cached).
 * (Added, precisely:) every order from @order down is tried; ranges with
 * zswap or a partial zeromap are skipped silently, busy ones count
 * swpin_fallback (newest only; v6.12 counted only allocation failures).
 * The cache is dropped when no slot of the folio is referenced any more
 * (should_try_to_free_swap() taken as true: a write fault by the only
 * user), and always on v6.12's swapcache-skipping path (synchronous_io
 * and the faulting entry's count 1).
 */
int sim_swap_in(struct sim *sim, unsigned int cpu, uint32_t offset,
		unsigned int order, unsigned int *got, uint32_t *start);

/*
 * sim_split_folio - split the cached folio at @offset into folios of
 * @new_order (__swap_cache_replace_folio(): counts and ci->order kept).
 */
int sim_split_folio(struct sim *sim, uint32_t offset, unsigned int new_order);

/* sim_set_backing - mark @nr slots from @offset zswap-held or zero-filled. */
int sim_set_zswap(struct sim *sim, uint32_t offset, uint32_t nr, bool on);
int sim_set_zero(struct sim *sim, uint32_t offset, uint32_t nr, bool on);

/*
 * sim_discard_work - swap_discard_work(): every DISCARD cluster becomes
 * FREE (order reset). Returns the number of clusters discarded.
 */
unsigned int sim_discard_work(struct sim *sim);

/* sim_counter - counter @c of @order (0 for order 0 and unknown orders). */
uint64_t sim_counter(const struct sim *sim, enum sim_counter c,
		     unsigned int order);

/*
 * sim_set_counter - set counter @c of @order (continuing a series with
 * --from). -EINVAL for order 0 or order >= sim_nr_orders().
 */
int sim_set_counter(struct sim *sim, enum sim_counter c, unsigned int order,
		    uint64_t value);

/* sim_nr_orders - SWAP_NR_ORDERS of this device (log2(cluster_size) + 1). */
unsigned int sim_nr_orders(const struct sim *sim);

/* sim_nr_cpus - the simulated CPUs (sim_config.cpus). */
unsigned int sim_nr_cpus(const struct sim *sim);

/* sim_ops - allocation and free operations done so far (the step). */
uint64_t sim_ops(const struct sim *sim);

/* sim_inuse - si->inuse_pages. */
uint64_t sim_inuse(const struct sim *sim);

/*
 * sim_slots - the slot words (the snapshot's, si->max of them), read-only
 * and valid until sim_free(): a generator reads them to prefetch, or to
 * see what it freed. (Addition.)
 */
const uint16_t *sim_slots(const struct sim *sim);

/*
 * sim_prefetch_free - a hint, no change of state: slots from @offset will
 * be put soon (sim_swap_put_entries_direct()), so start loading what that
 * reads. @stage 0: the slot words and the cluster; @stage 1, given once
 * stage 0 had time to arrive: the clusters next to it on its list, which
 * a free that moves it between lists writes. A generator choosing its
 * victims early calls both, some operations apart. (Addition.)
 */
void sim_prefetch_free(const struct sim *sim, uint32_t offset,
		       unsigned int stage);

/*
 * sim_check - every invariant: each cluster's count equals its non-free
 * slots (plus tail), each cluster is on exactly the list its flag names,
 * list flags agree with counts (FREE empty, FULL full), FREE clusters have
 * order 0, clusters holding the header or a bad slot are order 0, folios
 * are aligned, inside one cluster and cached, inuse equals the sum of
 * counts, hints point inside the device. Returns 0 or -EUCLEAN with @d
 * naming the cluster or slot and the rule ("sim-cluster-count", ...).
 */
int sim_check(const struct sim *sim, struct diag *d);

/*
 * sim_diag - the report of the last failed check_always check (empty when
 * none failed): the same text the diag given to sim_new() or
 * sim_from_snapshot() received, kept by the simulator so a caller that
 * passed NULL or a short-lived diag can still read it. (Addition.)
 */
const struct diag *sim_diag(const struct sim *sim);

/*
 * sim_snapshot - the current state as a model: slots, clusters, swap-cache
 * folios, next hints (per CPU, or global on rotational devices), known
 * order runs (each allocation), info keys (kernel, era, max, pages,
 * inuse_pages, page_size, cluster_size, flags, rotational, nr_orders) and
 * provenance (source_kind "sim", step = sim_ops()). The snapshot stays
 * owned by @sim and valid until its next operation.
 */
int sim_snapshot(struct sim *sim, const struct snapshot **out);

#endif /* SWAPFS_SIM_H */
