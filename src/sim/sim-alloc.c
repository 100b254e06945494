// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-alloc.c - the allocator of mm/swapfile.c on the model: cluster
 * lists, cluster_alloc_swap_entry() of the newest tree, the
 * scan inside one cluster, reclaim of cache-only slots, and the freeing
 * side that moves clusters between lists (sim-612.c has what v6.12 did
 * differently).
 *
 * Each function is named after the kernel function it models and keeps
 * its order of decisions, because the order is what the simulator is
 * for: which cluster a folio lands in. Only the locking is gone: the
 * simulator is one thread, so a trylock always succeeds, a cluster is
 * isolated (flag none) only inside one operation, and "the swap table is
 * allocated" is "the cluster is not on the free list".
 */
#include <stdlib.h>
#include <string.h>

#include "sim-internal.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SIM_LANES	1
#else
#define SIM_LANES	0
#endif

/* The 16-bit value @v in each of the four lanes of a 64-bit word. */
#define LANES(v)	((uint64_t)(v) * 0x0001000100010001ull)

#define NONFREE		SNAPSHOT_SLOT_NONFREE
#define CACHED		SNAPSHOT_SLOT_CACHED
#define COUNT		SNAPSHOT_SLOT_COUNT
#define BAD		SNAPSHOT_SLOT_BAD

/* ---- lists -------------------------------------------------------------- */

static __always_inline void sim_list_del(struct sim *sim, uint32_t ci)
{
	struct sim_ci *x = &sim->ci[ci];
	struct sim_list *l = &sim->list[x->list];

	if (x->prev != SIM_NIL)
		sim->ci[x->prev].next = x->next;
	else
		l->head = x->next;
	if (x->next != SIM_NIL)
		sim->ci[x->next].prev = x->prev;
	else
		l->tail = x->prev;
	l->nr--;
	x->prev = x->next = SIM_NIL;
	x->list = SIM_L_NONE;
}

static __always_inline void sim_list_add_tail(struct sim *sim, uint32_t ci,
					      unsigned int li)
{
	struct sim_ci *x = &sim->ci[ci];
	struct sim_list *l = &sim->list[li];

	x->prev = l->tail;
	x->next = SIM_NIL;
	if (l->tail != SIM_NIL)
		sim->ci[l->tail].next = ci;
	else
		l->head = ci;
	l->tail = ci;
	l->nr++;
	x->list = (uint8_t)li;
}

/* move_cluster(): to the tail of list @li, the flag naming that list. */
static __always_inline void sim_move_cluster_inline(struct sim *sim, uint32_t ci,
						    unsigned int li, uint8_t flags)
{
	if (sim->ci[ci].list != SIM_L_NONE)
		sim_list_del(sim, ci);
	sim_list_add_tail(sim, ci, li);
	sim->cl[ci].flags = flags;
}

void sim_move_cluster(struct sim *sim, uint32_t ci, unsigned int li,
		      uint8_t flags)
{
	sim_move_cluster_inline(sim, ci, li, flags);
}

/*
 * isolate_lock_cluster(): take the first cluster off @li, flag none. A
 * cluster taken from the free list gets its swap table here, which in the
 * model is the flag leaving "free".
 */
static uint32_t sim_isolate_lock_cluster(struct sim *sim, unsigned int li)
{
	uint32_t ci = sim->list[li].head, nxt;

	if (ci == SIM_NIL)
		return SIM_NIL;
	/*
	 * The next ones are likely the next clusters taken from the list:
	 * the state of the one after next starts loading (the next one's was
	 * asked for when this one was next). The slots an allocation writes
	 * are not: a store does not wait for its line, and finding them
	 * cost more than the prefetch saved.
	 */
	nxt = sim->ci[ci].next;
	if (nxt != SIM_NIL)
		nxt = sim->ci[nxt].next;
	if (nxt != SIM_NIL) {
		__builtin_prefetch(&sim->ci[nxt], 1);
		__builtin_prefetch(&sim->cl[nxt], 1);
		__builtin_prefetch(&sim->fmap[sim_cluster_first(sim, nxt) >> 6], 1);
	}
	sim_list_del(sim, ci);
	sim->cl[ci].flags = SNAPSHOT_CLUSTER_NONE;
	return ci;
}

static void sim_list_init(struct sim *sim)
{
	unsigned int i;

	for (i = 0; i < SIM_NR_LISTS; i++) {
		sim->list[i].head = sim->list[i].tail = SIM_NIL;
		sim->list[i].nr = 0;
	}
}

/* The list a cluster's flag and order name (SIM_L_NONE for none). */
unsigned int sim_list_of(const struct snapshot_cluster *c)
{
	switch (c->flags) {
	case SNAPSHOT_CLUSTER_FREE:
		return SIM_L_FREE;
	case SNAPSHOT_CLUSTER_NONFULL:
		return SIM_L_NONFULL(c->order);
	case SNAPSHOT_CLUSTER_FRAG:
		return SIM_L_FRAG(c->order);
	case SNAPSHOT_CLUSTER_FULL:
		return SIM_L_FULL;
	case SNAPSHOT_CLUSTER_DISCARD:
		return SIM_L_DISCARD;
	default:
		return SIM_L_NONE;
	}
}

/* Put every cluster on the list its flag names, in index order. */
void sim_list_rebuild(struct sim *sim)
{
	unsigned int li;
	uint32_t ci;

	sim_list_init(sim);
	memset(sim->frag_nr, 0, sizeof(sim->frag_nr));
	for (ci = 0; ci < sim->nr_clusters; ci++) {
		sim->ci[ci].prev = sim->ci[ci].next = SIM_NIL;
		sim->ci[ci].list = SIM_L_NONE;
		li = sim_list_of(&sim->cl[ci]);
		if (li == SIM_L_NONE)
			continue;
		sim_list_add_tail(sim, ci, li);
		if (sim->cl[ci].flags == SNAPSHOT_CLUSTER_FRAG)
			sim->frag_nr[sim->cl[ci].order]++;
	}
}

/*
 * setup_clusters() / setup_swap_clusters_info(): the clusters that hold the
 * header, a bad slot or the tail beyond max (their counts are already set)
 * go to nonfull_clusters[0], order 0; every other one to the free list.
 * The newest tree adds them in index order; v6.12 in columns of
 * SWAP_CLUSTER_COLS clusters, starting at the column of cluster_next (1),
 * to spread neighbouring allocations over address spaces. v6.12 has no
 * cluster_info on a rotational device: no lists at all.
 */
void sim_setup_clusters(struct sim *sim)
{
	uint32_t cols, col, rows, i, j, k, idx;
	struct snapshot_cluster *c;

	sim_list_init(sim);
	memset(sim->frag_nr, 0, sizeof(sim->frag_nr));
	for (idx = 0; idx < sim->nr_clusters; idx++) {
		sim->ci[idx].prev = sim->ci[idx].next = SIM_NIL;
		sim->ci[idx].list = SIM_L_NONE;
		sim->cl[idx].flags = SNAPSHOT_CLUSTER_NONE;
		sim->cl[idx].order = 0;
	}
	if (!sim->lists)
		return;
	cols = sim->v612 ? sim612_cluster_cols(sim) : 1;
	col = sim->v612 ? (1 / sim->cs) % cols : 0;
	rows = (sim->nr_clusters + cols - 1) / cols;
	for (k = 0; k < cols; k++) {
		j = (k + col) % cols;
		for (i = 0; i < rows; i++) {
			idx = i * cols + j;
			if (idx >= sim->nr_clusters)
				continue;
			c = &sim->cl[idx];
			if (c->count)
				sim_move_cluster(sim, idx, SIM_L_NONFULL(0),
						 SNAPSHOT_CLUSTER_NONFULL);
			else
				sim_move_cluster(sim, idx, SIM_L_FREE,
						 SNAPSHOT_CLUSTER_FREE);
		}
	}
}

/* ---- device accounting --------------------------------------------------- */

/*
 * swap_range_alloc(): the device leaves the avail list when it becomes
 * exactly full, and then, if vm_swap_full(), swap_reclaim_work() is
 * scheduled. The newest tree tests vm_swap_full() before it takes the
 * pages from nr_swap_pages; v6.12 took them already, and only schedules
 * on devices with cluster_info.
 */
static __always_inline void sim_swap_range_alloc(struct sim *sim, uint32_t nr)
{
	uint64_t before = sim->inuse;
	uint64_t avail;

	/* v6.12's reservation is now the allocation itself */
	sim->reserved = 0;
	sim->inuse += nr;
	if (sim->inuse != sim->pages)
		return;
	if (sim->v612) {
		if (sim->lists && sim_vm_swap_full(sim))
			sim->reclaim_pending = true;
		return;
	}
	avail = before >= sim->pages ? 0 : sim->pages - before;
	if (avail * 2 < sim->pages)
		sim->reclaim_pending = true;
}

void sim_cache_only_add(struct sim *sim, uint32_t slot, int delta)
{
	sim->ci[slot >> sim->shift].cache_only =
		(uint16_t)(sim->ci[slot >> sim->shift].cache_only + delta);
}

/* ---- the free-slot summary ------------------------------------------------ */

static inline uint64_t sim_load4(const uint16_t *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
	return x;
}

/* Of four slots, those with every bit of @m clear: bit 15 of their lane. */
static inline uint64_t sim_clear_lanes(uint64_t x, uint64_t m)
{
	/* lanes are <= 0x1ff after the mask: adding 0x7fff cannot carry */
	return ~((x & m) + LANES(0x7fff)) & LANES(0x8000);
}

/*
 * Slots [@from, @to) are now all free (@freed) or all in use: their bits
 * of the free map follow. Slots at or beyond max never become free.
 */
void sim_summary_range(struct sim *sim, uint32_t from, uint32_t to, bool freed)
{
	uint64_t *m = sim->fmap, bits;
	uint32_t i, n;

	if (freed && to > sim->max)
		to = sim->max;
	for (i = from; i < to; i += n) {
		n = 64 - (i & 63);
		if (n > to - i)
			n = to - i;
		bits = sim_bits(i & 63, n);
		if (freed)
			m[i >> 6] |= bits;
		else
			m[i >> 6] &= ~bits;
	}
}

/* The first free slot in [@from, @to), or @to. */
uint32_t sim_fmap_next_free(const struct sim *sim, uint32_t from, uint32_t to)
{
	const uint64_t *m = sim->fmap;
	uint64_t wi = from >> 6, x = m[wi] & (~0ull << (from & 63)), c;

	while (!x) {
		if ((++wi << 6) >= to)
			return to;
		x = m[wi];
	}
	c = (wi << 6) + (uint64_t)__builtin_ctzll(x);
	return c < to ? (uint32_t)c : to;
}

/* The whole free map, from the slot words. */
void sim_summary_all(struct sim *sim)
{
	size_t words = sim_fmap_words(sim), k;
	const uint16_t *w = sim->slots;
	uint64_t x, i, end, z;

	for (k = 0; k < words; k++) {
		i = (uint64_t)k << 6;
		end = i + 64 < sim->max ? i + 64 : sim->max;
		x = 0;
		for (; SIM_LANES && i + 4 <= end; i += 4) {
			z = sim_clear_lanes(sim_load4(w + i), LANES(NONFREE));
			/* bit 15 of each lane to bits 0..3 of a nibble */
			x |= ((z >> 15 & 1) | (z >> 30 & 2) | (z >> 45 & 4) |
			      (z >> 60 & 8)) << (i & 63);
		}
		for (; i < end; i++)
			x |= (uint64_t)!(w[i] & NONFREE) << (i & 63);
		sim->fmap[k] = x;
	}
}

/*
 * A run means "allocated together and all still held": freeing any slot
 * of it ends it, on every slot.
 */
void sim_dissolve_run(struct sim *sim, uint32_t slot)
{
	uint16_t *w = sim->slots;
	int k = snapshot_slot_order(w[slot]);
	uint32_t start = slot, end, i;

	if (k < 0)
		return;
	while (!(w[start] & SNAPSHOT_SLOT_HEAD) && start &&
	       slot - start + 1 < (1u << k))
		start--;
	if (!(w[start] & SNAPSHOT_SLOT_HEAD)) {
		w[slot] &= (uint16_t)~SIM_SLOT_RUN;	/* headless: only this slot */
		return;
	}
	end = start + (1u << k) > sim->max ? sim->max : start + (1u << k);
	for (i = start; i < end; i++)
		w[i] &= (uint16_t)~SIM_SLOT_RUN;
}

/* ---- the freeing side ----------------------------------------------------- */

/* __free_cluster(): to the free list, order reset. */
static void sim_free_cluster_now(struct sim *sim, uint32_t ci)
{
	sim_move_cluster(sim, ci, SIM_L_FREE, SNAPSHOT_CLUSTER_FREE);
	sim->cl[ci].order = 0;
}

/*
 * free_cluster(): a device with SWP_WRITEOK|SWP_PAGE_DISCARD queues the
 * cluster for discard (swap_cluster_schedule_discard()); else it is free
 * at once. v6.12 also drops it from frag_cluster_nr.
 */
void sim_free_cluster(struct sim *sim, uint32_t ci)
{
	struct snapshot_cluster *c = &sim->cl[ci];

	if (sim->v612 && c->flags == SNAPSHOT_CLUSTER_FRAG)
		sim->frag_nr[c->order]--;
	if (sim->discard) {
		sim_move_cluster(sim, ci, SIM_L_DISCARD, SNAPSHOT_CLUSTER_DISCARD);
		return;
	}
	sim_free_cluster_now(sim, ci);
}

/* partial_free_cluster(): to nonfull_clusters[ci->order] unless there. */
static void sim_partial_free_cluster(struct sim *sim, uint32_t ci)
{
	struct snapshot_cluster *c = &sim->cl[ci];

	/* inlined: most random frees land in a full or frag cluster */
	if (c->flags != SNAPSHOT_CLUSTER_NONFULL)
		sim_move_cluster_inline(sim, ci, SIM_L_NONFULL(c->order),
					SNAPSHOT_CLUSTER_NONFULL);
}

/*
 * __swap_cluster_free_entries() (v6.12: swap_entry_range_free()): @nr
 * slots of one cluster whose count is 0 (or will be after the last put)
 * and that no folio caches become free: the slot word is cleared whole,
 * zeromap and zswap with it (swap_range_free()), and a run they were part
 * of ends. Then the cluster moves by the rules of its tree.
 */
/* What follows clearing the words of [@start, @start + @nr) of cluster @ci. */
static inline void sim_cluster_freed(struct sim *sim, uint32_t ci,
				     uint32_t start, uint32_t nr)
{
	struct snapshot_cluster *c = &sim->cl[ci];

	if (nr <= 64 && !(start & (nr - 1)) && start + nr <= sim->max)
		sim->fmap[start >> 6] |= sim_bits(start & 63, nr);
	else
		sim_summary_range(sim, start, start + nr, true);
	sim->inuse -= nr;
	/* a minimum, without a branch on where the random free was */
	sim->lowest = start < sim->lowest ? start : sim->lowest;
	if (!sim->lists)
		return;
	if (sim->v612) {
		sim612_dec_cluster_info_page(sim, ci);
		return;
	}
	if (!c->count)
		sim_free_cluster(sim, ci);
	else
		sim_partial_free_cluster(sim, ci);
}

void sim_swap_cluster_free_entries(struct sim *sim, uint32_t start, uint32_t nr)
{
	uint32_t ci = start >> sim->shift, end = start + nr, i, len;
	struct snapshot_cluster *c = &sim->cl[ci];
	uint16_t w;

	c->count = (uint16_t)(c->count - nr);
	for (i = start; i < end; i++) {
		w = sim->slots[i];
		if (w & SNAPSHOT_SLOT_ORDER) {
			len = 1u << snapshot_slot_order(w);
			/* a whole run freed at once: nothing else to end */
			if ((w & SNAPSHOT_SLOT_HEAD) && len <= end - i) {
				memset(sim->slots + i, 0, len * sizeof(*sim->slots));
				i += len - 1;
				continue;
			}
			sim_dissolve_run(sim, i);
		}
		sim->slots[i] = 0;
	}
	sim_cluster_freed(sim, ci, start, nr);
}

/*
 * sim_swap_cluster_free_entries() of exactly one run of @order headed at
 * @start, aligned, every slot with count 1 and uncached (the caller
 * checked): the words are cleared whole, nothing else ends.
 */
void sim_free_run_fast(struct sim *sim, uint32_t start, unsigned int order)
{
	uint32_t ci = start >> sim->shift, nr = 1u << order, i;
	struct snapshot_cluster *c = &sim->cl[ci];
	uint16_t *w = sim->slots + start;
	uint64_t zero = 0;

	c->count = (uint16_t)(c->count - nr);
	if (SIM_LANES && nr >= 4) {
		for (i = 0; i < nr; i += 4)
			memcpy(w + i, &zero, sizeof(zero));
	} else {
		for (i = 0; i < nr; i++)
			w[i] = 0;
	}
	sim_cluster_freed(sim, ci, start, nr);
}

/*
 * __swap_cache_del_folio(): the folio leaves the swap cache; if no slot of
 * it is still referenced it is freed whole, else its slots with count 0
 * one by one.
 */
void sim_swap_cache_del(struct sim *sim, uint32_t start, unsigned int order)
{
	uint32_t nr = 1u << order, i, zeros = 0;
	bool swapped = false;
	uint16_t w;

	for (i = start; i < start + nr; i++) {
		w = sim->slots[i];
		sim->slots[i] = (uint16_t)(w & ~CACHED);
		if (w & COUNT)
			swapped = true;
		else
			zeros++;
	}
	sim->ci[start >> sim->shift].cache_only =
		(uint16_t)(sim->ci[start >> sim->shift].cache_only - zeros);
	if (order && start == sim->unrecorded)
		sim->unrecorded = SIM_NIL;
	else if (order)
		sim_large_del(sim, start);
	if (!swapped) {
		sim_swap_cluster_free_entries(sim, start, nr);
		return;
	}
	for (i = start; zeros && i < start + nr; i++) {
		if (sim->slots[i] & NONFREE)
			continue;
		sim_swap_cluster_free_entries(sim, i, 1);
		zeros--;
	}
}

/*
 * __try_to_reclaim_swap(): the folio caching @offset leaves the swap cache
 * if @flags ask for it (TTRS_ANYWAY, or TTRS_FULL and vm_swap_full()) and
 * no slot of it is referenced (swap_only_has_cache()). Returns its size if
 * reclaimed, minus its size if not, 0 without a folio. The folio being
 * swapped out is locked, so its trylock fails. Cached folios are clean
 * and not under writeback in the model: folio_swapcache_freeable() holds.
 */
int sim_try_to_reclaim_swap(struct sim *sim, uint32_t offset, unsigned int flags)
{
	uint32_t start, i;
	unsigned int order;
	int nr;

	if (!sim_folio_at(sim, offset, &start, &order))
		return 0;
	nr = 1 << order;
	if (start == sim->locked)
		return -nr;
	if (!(flags & SIM_TTRS_ANYWAY) &&
	    !((flags & SIM_TTRS_FULL) && sim_vm_swap_full(sim)))
		return -nr;
	for (i = start; i < start + (uint32_t)nr; i++)
		if (sim->slots[i] & COUNT)
			return -nr;
	sim_swap_cache_del(sim, start, order);
	return nr;
}

/*
 * swap_do_scheduled_discard(): every cluster queued for discard is
 * discarded and freed (order reset), in queue order.
 */
unsigned int sim_swap_do_scheduled_discard(struct sim *sim)
{
	unsigned int n = 0;
	uint32_t ci;

	while ((ci = sim->list[SIM_L_DISCARD].head) != SIM_NIL) {
		sim_list_del(sim, ci);
		sim->cl[ci].flags = SNAPSHOT_CLUSTER_NONE;
		sim_free_cluster_now(sim, ci);
		n++;
	}
	return n;
}

/* ---- the scan inside a cluster ------------------------------------------------ */

/*
 * The first candidate c = @off + j * @nr with c + @nr <= @lim whose slots
 * all have @mask clear, or SIM_NIL. Four slot words are read at a time
 * where the candidates allow it.
 */
static uint32_t sim_scan_first(const uint16_t *w, uint32_t off, uint64_t lim,
			       uint32_t nr, uint16_t mask)
{
	uint64_t m = LANES(mask), i, j, z;

	if (SIM_LANES && nr == 1) {
		for (i = off; i < lim && (i & 3); i++)
			if (!(w[i] & mask))
				return (uint32_t)i;
		for (; i + 4 <= lim; i += 4) {
			z = sim_clear_lanes(sim_load4(w + i), m);
			if (z)
				return (uint32_t)(i + (unsigned int)__builtin_ctzll(z) / 16);
		}
		for (; i < lim; i++)
			if (!(w[i] & mask))
				return (uint32_t)i;
		return SIM_NIL;
	}
	if (SIM_LANES && nr >= 4 && !(off & 3)) {
		for (i = off; i + nr <= lim; i += nr) {
			for (j = 0; j < nr; j += 4)
				if (sim_load4(w + i + j) & m)
					break;
			if (j >= nr)
				return (uint32_t)i;
		}
		return SIM_NIL;
	}
	for (i = off; i + nr <= lim; i += nr) {
		for (j = 0; j < nr && !(w[i + j] & mask); j++)
			;
		if (j == nr)
			return (uint32_t)i;
	}
	return SIM_NIL;
}

/* Bits at the multiples of @nr (a power of two <= 64) in a word. */
static inline uint64_t sim_align_pattern(uint32_t nr)
{
	static const uint64_t pat[7] = {
		~0ull, 0x5555555555555555ull, 0x1111111111111111ull,
		0x0101010101010101ull, 0x0001000100010001ull,
		0x0000000100000001ull, 1,
	};

	return pat[__builtin_ctz(nr)];
}

/*
 * sim_scan_first() for free slots, by the free map: candidates aligned to
 * @nr (the case of every allocation) are found from the bits alone; an
 * unaligned start reads the slots.
 */
static __always_inline uint32_t sim_summary_scan(const struct sim *sim,
						 uint32_t off, uint64_t lim,
						 uint32_t nr)
{
	const uint64_t *m = sim->fmap;
	uint64_t wi, wend, x, t, c, lo, hi;
	uint32_t k;

	if (off >= lim)
		return SIM_NIL;
	if (off & (nr - 1))
		return sim_scan_first(sim->slots, off, lim, nr, NONFREE);
	wi = off >> 6;
	wend = (lim + 63) >> 6;
	if (nr <= 64) {
		/*
		 * An aligned group of nr bits is all ones when adding 1 to
		 * its low nr - 1 bits carries into its top bit and that bit
		 * is set: bit nr - 1 of the group in t. Without a loop over
		 * the order, which is random and would mispredict.
		 */
		lo = sim_align_pattern(nr);
		hi = lo << (nr - 1);
		x = m[wi] & (~0ull << (off & 63));
		for (;;) {
			if (x) {
				t = ((x & ~hi) + lo) & x & hi;
				if (t) {
					c = (wi << 6) + (uint64_t)__builtin_ctzll(t) - (nr - 1);
					return c + nr <= lim ? (uint32_t)c : SIM_NIL;
				}
			}
			if (++wi >= wend)
				return SIM_NIL;
			x = m[wi];
		}
	}
	/* whole words: nr / 64 of them in a row, from an aligned one */
	for (c = off; c + nr <= lim; c += nr) {
		for (k = 0; k < nr >> 6 && m[(c >> 6) + k] == ~0ull; k++)
			;
		if (k == nr >> 6)
			return (uint32_t)c;
	}
	return SIM_NIL;
}

/*
 * cluster_scan_range() over the candidates from @off: the first range
 * whose slots are all empty, or empty and cache-only when vm_swap_full()
 * (then *@reclaim). Slots at or beyond @lim (max) are the tail, which
 * setup marked bad. Without cache-only slots in the cluster both tests
 * are "free", which the summary answers.
 */
static uint32_t sim_scan_reclaimable(const struct sim *sim, uint32_t off,
				     uint64_t lim, uint32_t nr, bool *reclaim)
{
	uint32_t c, i;

	c = sim_scan_first(sim->slots, off, lim, nr, COUNT | BAD);
	if (c == SIM_NIL)
		return c;
	for (i = c; i < c + nr; i++) {
		if (sim->slots[i] & CACHED) {
			*reclaim = true;
			break;
		}
	}
	return c;
}

/*
 * Inlined into the in-cluster scan, where most allocations end: the call
 * would cost about as much as the bit arithmetic of the free map.
 */
static __always_inline uint32_t sim_scan_candidate_inline(const struct sim *sim,
							  uint32_t off, uint64_t lim,
							  uint32_t nr, bool *reclaim)
{
	*reclaim = false;
	if (!sim->ci[off >> sim->shift].cache_only || !sim_vm_swap_full(sim))
		return sim_summary_scan(sim, off, lim, nr);
	return sim_scan_reclaimable(sim, off, lim, nr, reclaim);
}

uint32_t sim_scan_candidate(const struct sim *sim, uint32_t off, uint64_t lim,
			    uint32_t nr, bool *reclaim)
{
	return sim_scan_candidate_inline(sim, off, lim, nr, reclaim);
}

/*
 * cluster_is_usable(): flag at most FRAG with a swap table (not free), and
 * for order > 0 an empty cluster or one the order owns.
 */
static bool sim_cluster_is_usable(const struct sim *sim, uint32_t ci,
				  unsigned int order)
{
	const struct snapshot_cluster *c = &sim->cl[ci];

	if (c->flags > SNAPSHOT_CLUSTER_FRAG || c->flags == SNAPSHOT_CLUSTER_FREE)
		return false;
	/* not short-circuited: the order is random, the branch would miss */
	return (order == 0) | (c->count == 0) | (c->order == order);
}

/* relocate_cluster(): after an allocation, by count: free, frag or full. */
static __always_inline void sim_relocate_cluster(struct sim *sim, uint32_t ci)
{
	struct snapshot_cluster *c = &sim->cl[ci];

	if (c->flags == SNAPSHOT_CLUSTER_DISCARD)
		return;
	if (!c->count) {
		if (c->flags != SNAPSHOT_CLUSTER_FREE)
			sim_free_cluster(sim, ci);
	} else if (c->count != sim->cs) {
		if (c->flags != SNAPSHOT_CLUSTER_FRAG)
			sim_move_cluster_inline(sim, ci, SIM_L_FRAG(c->order),
						SNAPSHOT_CLUSTER_FRAG);
	} else if (c->flags != SNAPSHOT_CLUSTER_FULL) {
		sim_move_cluster_inline(sim, ci, SIM_L_FULL,
					SNAPSHOT_CLUSTER_FULL);
	}
}

/*
 * The slot words of a new allocation: cached with count 0 (the folio is
 * bound at allocation), one known run of @order, the folio recorded.
 */
static __always_inline void sim_fill_entries_inline(struct sim *sim,
						    uint32_t ci, uint32_t off,
						    unsigned int order)
{
	uint32_t nr = 1u << order, i;
	uint16_t run = (uint16_t)((order + 1) << SNAPSHOT_SLOT_ORDER_SHIFT);
	uint16_t *w = sim->slots + off;
	uint64_t lanes;

	if (sim->direct_count) {
		/* allocated, unmapped and out of the cache in one go */
		run = (uint16_t)(run | sim->direct_count);
	} else {
		run |= CACHED;
		sim->ci[ci].cache_only = (uint16_t)(sim->ci[ci].cache_only + nr);
	}
	if (SIM_LANES && nr >= 4) {
		lanes = LANES(run);
		for (i = 0; i < nr; i += 4)
			memcpy(w + i, &lanes, sizeof(lanes));
	} else {
		for (i = 0; i < nr; i++)
			w[i] = run;
	}
	w[0] |= SNAPSHOT_SLOT_HEAD;
	if (nr <= 64 && !(off & (nr - 1)))
		sim->fmap[off >> 6] &= ~sim_bits(off & 63, nr);
	else
		sim_summary_range(sim, off, off + nr, false);
	sim->cl[ci].count = (uint16_t)(sim->cl[ci].count + nr);
	/* the order last: the flags predict well, the order does not */
	if (sim->no_record && !sim->direct_count && order)
		sim->unrecorded = off;
	else if (!sim->no_record && order)
		sim_large_add(sim, off, order);
	sim->no_record = false;
	sim->direct_count = 0;
	sim_swap_range_alloc(sim, nr);
}

void sim_fill_entries(struct sim *sim, uint32_t ci, uint32_t off,
		      unsigned int order)
{
	sim_fill_entries_inline(sim, ci, off, order);
}

/*
 * __swap_cluster_alloc_entries(): the first allocation in a cluster makes
 * it the order's.
 */
static __always_inline void sim_swap_cluster_alloc_entries(struct sim *sim,
							   uint32_t ci, uint32_t off,
							   unsigned int order)
{
	if (!sim->cl[ci].count)
		sim->cl[ci].order = (uint8_t)order;
	sim_fill_entries_inline(sim, ci, off, order);
}

/*
 * cluster_reclaim_range(): reclaim the cached folios over the range, then
 * look again: the cluster may have become unusable (freed) or the range
 * may still hold something.
 */
static bool sim_cluster_reclaim_range(struct sim *sim, uint32_t ci,
				      uint32_t start, unsigned int order,
				      bool *usable)
{
	uint32_t end = start + (1u << order), off;
	uint16_t w;

	for (off = start; off < end; off++) {
		w = sim->slots[off];
		if (w & COUNT)
			break;
		if ((w & CACHED) &&
		    sim_try_to_reclaim_swap(sim, off, SIM_TTRS_ANYWAY) < 0)
			break;
	}
	*usable = sim_cluster_is_usable(sim, ci, order);
	if (!*usable)
		return false;
	if (!sim->cl[ci].count)
		return true;
	for (off = start; off < end; off++)
		if (sim->slots[off] & NONFREE)
			return false;
	return true;
}

/* Where alloc_swap_scan_cluster() leaves the next offset of @order. */
static __always_inline void sim_set_next(struct sim *sim, unsigned int order,
					 uint32_t next)
{
	if (sim->ssd)
		sim->pcp[sim->cpu * sim->nr_orders + order] = next;
	else
		sim->global_next[order] = next;
}

/*
 * alloc_swap_scan_cluster(): candidates from @offset in steps of the
 * folio size (so every allocation is naturally aligned), reclaiming
 * cache-only ranges when vm_swap_full(). The cluster is relocated and the
 * next offset stored (0 when the cluster is exhausted or nothing fit).
 * Returns the first slot allocated, 0 for none (slot 0 is the header).
 */
static uint32_t sim_alloc_swap_scan_cluster(struct sim *sim, uint32_t ci,
					    unsigned int order, uint32_t offset)
{
	struct snapshot_cluster *c = &sim->cl[ci];
	uint32_t start = sim_cluster_first(sim, ci), nr = 1u << order;
	uint64_t end = (uint64_t)start + sim->cs - nr;
	uint64_t lim = sim_cluster_lim(sim, ci);
	uint32_t next = 0, found = 0, cand;
	bool reclaim, usable, ret;

	if (c->count + nr > sim->cs)
		goto out;
	while (offset <= end) {
		cand = sim_scan_candidate_inline(sim, offset, lim, nr, &reclaim);
		if (cand == SIM_NIL)
			break;
		offset = cand;
		if (reclaim) {
			ret = sim_cluster_reclaim_range(sim, ci, offset, order,
							&usable);
			if (!usable)
				goto out;
			if (!c->count)
				offset = start;
			if (!ret) {
				offset += nr;
				continue;
			}
		}
		sim_swap_cluster_alloc_entries(sim, ci, offset, order);
		found = offset;
		offset += nr;
		if (c->count < sim->cs && offset <= end)
			next = offset;
		break;
	}
out:
	sim_relocate_cluster(sim, ci);
	sim_set_next(sim, order, next);
	return found;
}

/*
 * alloc_swap_scan_list(): isolate clusters off @li one at a time and scan
 * each from its start; with @scan_all until one fits. A cluster that did
 * not fit was relocated off the list (nonfull -> frag); the budget only
 * guards a list that kept refilling itself, which the kernel's rules
 * rule out (an order-0 scan of a frag cluster cannot fail).
 */
static uint32_t sim_alloc_swap_scan_list(struct sim *sim, unsigned int li,
					 unsigned int order, bool scan_all)
{
	uint64_t budget = (uint64_t)sim->list[li].nr + 1;
	uint32_t found = 0, ci;

	do {
		ci = sim_isolate_lock_cluster(sim, li);
		if (ci == SIM_NIL)
			break;
		found = sim_alloc_swap_scan_cluster(sim, ci, order,
						    sim_cluster_first(sim, ci));
		if (found)
			break;
	} while (scan_all && --budget);
	return found;
}

/*
 * swap_reclaim_full_clusters(): isolate full clusters (one, or with @force
 * inuse_pages / cluster size of them), reclaim every cache-only slot,
 * relocate what reclaim did not move. A cluster without cache-only slots
 * is only rotated: the walk could not reclaim anything there.
 */
static void sim_swap_reclaim_full_clusters(struct sim *sim, bool force)
{
	int64_t to_scan = force ? (int64_t)(sim->inuse / sim->cs) : 1;
	uint32_t ci, off, end;
	int r;

	while ((ci = sim_isolate_lock_cluster(sim, SIM_L_FULL)) != SIM_NIL) {
		off = sim_cluster_first(sim, ci);
		end = (uint32_t)sim_cluster_lim(sim, ci);
		to_scan--;
		while (sim->ci[ci].cache_only && off < end) {
			if (sim_cache_only(sim->slots[off])) {
				r = sim_try_to_reclaim_swap(sim, off, SIM_TTRS_ANYWAY);
				if (r) {
					off += (uint32_t)abs(r);
					continue;
				}
			}
			off++;
		}
		if (sim->cl[ci].flags == SNAPSHOT_CLUSTER_NONE)
			sim_relocate_cluster(sim, ci);
		if (to_scan <= 0)
			break;
	}
}

/*
 * cluster_alloc_swap_entry() of the newest tree, steps 0 to 9 of
 * kernel-swap-facts 4.4.
 */
static uint32_t sim_cluster_alloc_swap_entry(struct sim *sim, unsigned int order)
{
	uint32_t offset, found = 0, ci;
	unsigned int o;

	/* a swap file is no block device: no large entries */
	if (order && !sim->blkdev)
		return 0;

	/* rotational: the device's global cluster, serialized */
	if (!sim->ssd) {
		offset = sim->global_next[order];
		if (offset) {
			ci = offset >> sim->shift;
			if (sim_cluster_is_usable(sim, ci, order)) {
				if (!sim->cl[ci].count)
					offset = sim_cluster_first(sim, ci);
				found = sim_alloc_swap_scan_cluster(sim, ci, order,
								    offset);
			}
			if (found)
				return found;
		}
	}

	/* discard devices prefer a new cluster, to spread the writes */
	if (sim->discard) {
		found = sim_alloc_swap_scan_list(sim, SIM_L_FREE, order, false);
		if (found)
			return found;
	}
	if (order < sim->shift) {
		found = sim_alloc_swap_scan_list(sim, SIM_L_NONFULL(order), order,
						 true);
		if (found)
			return found;
	}
	if (!sim->discard) {
		found = sim_alloc_swap_scan_list(sim, SIM_L_FREE, order, false);
		if (found)
			return found;
	}

	/* free and nonfull are drained: try to reclaim a full cluster */
	if (sim_vm_swap_full(sim))
		sim_swap_reclaim_full_clusters(sim, false);

	/* one frag cluster: order 0 cannot fail there, the list rotates */
	if (order < sim->shift) {
		found = sim_alloc_swap_scan_list(sim, SIM_L_FRAG(order), order,
						 false);
		if (found)
			return found;
	}
	if (order)
		return 0;

	/* order 0 steals from the clusters of higher orders */
	for (o = 1; o < sim->nr_orders; o++) {
		found = sim_alloc_swap_scan_list(sim, SIM_L_FRAG(o), 0, true);
		if (found)
			return found;
		found = sim_alloc_swap_scan_list(sim, SIM_L_NONFULL(o), 0, true);
		if (found)
			return found;
	}
	return 0;
}

/*
 * swap_alloc_fast(): this CPU's cluster for the order, if still usable
 * (restarting at its first slot if it became empty). Only solid-state
 * devices keep per-CPU clusters.
 */
static uint32_t sim_swap_alloc_fast(struct sim *sim, unsigned int order)
{
	uint32_t offset, ci;

	if (!sim->ssd)
		return 0;
	offset = sim->pcp[sim->cpu * sim->nr_orders + order];
	if (!offset)
		return 0;
	ci = offset >> sim->shift;
	if (!sim_cluster_is_usable(sim, ci, order))
		return 0;
	if (!sim->cl[ci].count)
		offset = sim_cluster_first(sim, ci);
	return sim_alloc_swap_scan_cluster(sim, ci, order, offset);
}

/*
 * swap_alloc_slow(): with one device, cluster_alloc_swap_entry() on it
 * while it is on the avail list, i.e. not exactly full.
 */
static uint32_t sim_swap_alloc_slow(struct sim *sim, unsigned int order)
{
	if (sim->inuse >= sim->pages)
		return 0;
	return sim_cluster_alloc_swap_entry(sim, order);
}

/*
 * folio_alloc_swap() of the newest tree: fast path, slow path, and for
 * order 0 only, pending discards run synchronously (swap_sync_discard())
 * and the whole allocation again.
 */
static uint32_t sim_folio_alloc_swap_newest(struct sim *sim, unsigned int order)
{
	uint32_t found;

	for (;;) {
		found = sim_swap_alloc_fast(sim, order);
		if (!found)
			found = sim_swap_alloc_slow(sim, order);
		if (found || order || !sim->discard ||
		    !sim_swap_do_scheduled_discard(sim))
			return found;
	}
}

/* folio_alloc_swap() of the configured tree on sim->cpu: 0 for none. */
uint32_t sim_folio_alloc(struct sim *sim, unsigned int order)
{
	if (sim->v612)
		return sim612_folio_alloc_swap(sim, order);
	return sim_folio_alloc_swap_newest(sim, order);
}

/*
 * swap_reclaim_work(), scheduled when an allocation filled the device:
 * the simulator runs it when the operation that scheduled it is done.
 */
void sim_reclaim_work(struct sim *sim)
{
	if (!sim->reclaim_pending)
		return;
	sim->reclaim_pending = false;
	if (sim->v612)
		sim612_swap_reclaim_full_clusters(sim, true);
	else
		sim_swap_reclaim_full_clusters(sim, true);
}
