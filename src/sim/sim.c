// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim.c - the simulator's lifecycle and the operations of sim.h: what the
 * rest of the kernel does around the allocator (vmscan's swap-out, fork,
 * zap, the swap cache, swap-in faults, folio splits).
 *
 * An operation checks everything it can refuse first (-EINVAL) and only
 * then changes the state. -ENOSPC is not a refusal but the kernel's own
 * outcome: what the failed attempt did on the way (lists rotated, hints
 * reset, cache reclaimed, discards run) stays, as it would in the kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim-internal.h"

static const char *const sim_counter_names[SIM_NR_COUNTERS] = {
	"swpout", "swpout_fallback", "swpin", "swpin_fallback",
};

const char *sim_counter_name(enum sim_counter c)
{
	return (unsigned int)c < SIM_NR_COUNTERS ? sim_counter_names[c] : NULL;
}

void sim_config_default(struct sim_config *cfg, uint32_t slots)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kernel = SIM_KERNEL_NEWEST;
	cfg->slots = slots;
	cfg->page_size = 4096;
	cfg->cluster_size = 512;
	cfg->cpus = 1;
}

static bool sim_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* The config as swapon would take it; @d names the field at fault. */
int sim_config_check(const struct sim_config *cfg, struct diag *d)
{
	if (cfg->kernel != SIM_KERNEL_NEWEST && cfg->kernel != SIM_KERNEL_6_12)
		return diag_line(d, "sim", 0, "sim-config-kernel",
				 "kernel %d is not a known policy", (int)cfg->kernel);
	if (cfg->slots < 2)
		return diag_line(d, "sim", 0, "sim-config-slots",
				 "slots %u: a device needs the header and one slot",
				 cfg->slots);
	if (!sim_pow2(cfg->page_size) || cfg->page_size < SNAPSHOT_MIN_PAGE_SIZE ||
	    cfg->page_size > SNAPSHOT_MAX_PAGE_SIZE)
		return diag_line(d, "sim", 0, "sim-config-page-size",
				 "page_size %u is not a power of two from %u to %u",
				 cfg->page_size, SNAPSHOT_MIN_PAGE_SIZE,
				 SNAPSHOT_MAX_PAGE_SIZE);
	if (!sim_pow2(cfg->cluster_size) ||
	    cfg->cluster_size > SNAPSHOT_MAX_CLUSTER_SIZE)
		return diag_line(d, "sim", 0, "sim-config-cluster-size",
				 "cluster_size %u is not a power of two up to %u",
				 cfg->cluster_size, SNAPSHOT_MAX_CLUSTER_SIZE);
	if (!cfg->cpus || cfg->cpus > SIM_MAX_CPUS)
		return diag_line(d, "sim", 0, "sim-config-cpus",
				 "cpus %u is not from 1 to %u", cfg->cpus,
				 SIM_MAX_CPUS);
	return 0;
}

#define SIM_HUGE	(2ul << 20)

/*
 * The free map and the struct sim_ci array, in one zeroed block: the map
 * first, 64-byte aligned (a cluster of 512 slots has its bits in one cache
 * line). Both are read at random, one cluster at a time, so a big device
 * maps them aligned to huge pages: a TLB miss on every cluster looked at
 * would cost more than the page-walk-free huge page's worth of memory.
 */
static int sim_map_state(struct sim *sim)
{
	size_t fmap = (sim_fmap_words(sim) * sizeof(*sim->fmap) + 63) & ~(size_t)63;
	size_t len = fmap + (size_t)sim->nr_clusters * sizeof(*sim->ci);
	uintptr_t p, at;
	void *m;

	if (len < SIM_HUGE / 2) {
		m = aligned_alloc(64, (len + 63) & ~(size_t)63);
		if (!m)
			return -ENOMEM;
		memset(m, 0, len);
		sim->state_mapped = 0;
	} else {
		len = (len + SIM_HUGE - 1) & ~(SIM_HUGE - 1);
		m = mmap(NULL, len + SIM_HUGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return -ENOMEM;
		p = (uintptr_t)m;
		at = (p + SIM_HUGE - 1) & ~(uintptr_t)(SIM_HUGE - 1);
		if (at > p)
			munmap(m, at - p);
		munmap((void *)(at + len), p + SIM_HUGE - at);
		m = (void *)at;
		madvise(m, len, MADV_HUGEPAGE);	/* a hint: THP may be off */
		sim->state_mapped = len;
	}
	sim->fmap = m;
	sim->ci = (struct sim_ci *)((char *)m + fmap);
	return 0;
}

static void sim_unmap_state(struct sim *sim)
{
	if (sim->state_mapped)
		munmap(sim->fmap, sim->state_mapped);
	else
		free(sim->fmap);
	sim->fmap = NULL;
	sim->ci = NULL;
}

/* The state around a snapshot whose geometry is set. */
int sim_alloc_state(const struct sim_config *cfg, struct snapshot *s,
		    struct sim **out)
{
	struct sim *sim = calloc(1, sizeof(*sim));

	if (!sim)
		return -ENOMEM;
	sim->cfg = *cfg;
	sim->s = s;
	sim->slots = s->slots;
	sim->cl = s->clusters;
	sim->max = s->dev.max;
	sim->nr_clusters = s->dev.nr_clusters;
	sim->cs = s->dev.cluster_size;
	sim->shift = s->dev.cluster_shift;
	sim->nr_orders = sim->shift + 1;
	sim->ssd = !cfg->rotational;
	sim->blkdev = !cfg->swapfile;
	sim->discard = cfg->discard;
	sim->v612 = cfg->kernel == SIM_KERNEL_6_12;
	sim->lists = !(sim->v612 && cfg->rotational);
	sim->locked = SIM_NIL;
	sim->unrecorded = SIM_NIL;
	sim->lowest = 1;
	sim_cache_init(&sim->cache);
	sim->pcp = calloc((size_t)cfg->cpus * sim->nr_orders, sizeof(*sim->pcp));
	if (!sim->pcp || sim_map_state(sim)) {
		free(sim->pcp);
		free(sim);
		return -ENOMEM;
	}
	*out = sim;
	return 0;
}

void sim_free(struct sim *sim)
{
	if (!sim)
		return;
	snapshot_free(sim->s);
	sim_cache_destroy(&sim->cache);
	sim_unmap_state(sim);
	free(sim->pcp);
	free(sim);
}

/*
 * Mark the unusable slots as setup_clusters() does: the header, each bad
 * slot and the tail beyond max count in their cluster; the header and
 * bad slots are bad in the map, and only bad slots (not the header, not
 * the tail) leave si->pages.
 */
static int sim_mark_bad(struct sim *sim, const uint32_t *bad, size_t nr_bad,
			struct diag *d)
{
	uint32_t last = sim->nr_clusters - 1;
	size_t i;

	for (i = 0; i < nr_bad; i++) {
		if (!bad[i] || bad[i] >= sim->max)
			return diag_line(d, "sim", 0, "sim-bad-range",
					 "bad slot %u is not from 1 to %u", bad[i],
					 sim->max - 1);
		if (i && bad[i] <= bad[i - 1])
			return diag_line(d, "sim", 0, "sim-bad-order",
					 "bad slot %u follows %u: the list must be sorted and unique",
					 bad[i], bad[i - 1]);
	}
	if (nr_bad && sim->cfg.swapfile)
		return diag_line(d, "sim", 0, "sim-bad-swapfile",
				 "a swap file cannot have bad slots (swapon refuses it)");
	if (nr_bad >= sim->max - 1)
		return diag_line(d, "sim", 0, "sim-bad-empty",
				 "every slot is bad: swapon says \"Empty swap-file\"");
	sim->slots[0] = SNAPSHOT_SLOT_BAD;
	sim->cl[0].count++;
	for (i = 0; i < nr_bad; i++) {
		sim->slots[bad[i]] = SNAPSHOT_SLOT_BAD;
		sim->cl[bad[i] >> sim->shift].count++;
	}
	sim->cl[last].count = (uint16_t)(sim->cl[last].count +
					 snapshot_cluster_tail(sim->s, last));
	sim->pages = sim->max - 1 - nr_bad;
	return 0;
}

int sim_new(const struct sim_config *cfg, const uint32_t *bad, size_t nr_bad,
	    struct sim **out, struct diag *d)
{
	struct snapshot *s;
	struct sim *sim;
	int rc;

	*out = NULL;
	rc = sim_config_check(cfg, d);
	if (rc)
		return rc;
	s = snapshot_new();
	if (!s)
		return -ENOMEM;
	rc = snapshot_set_geometry(s, cfg->slots, cfg->cluster_size);
	if (!rc)
		rc = sim_alloc_state(cfg, s, &sim);
	if (rc) {
		snapshot_free(s);
		return rc;
	}
	s->dev.page_size = cfg->page_size;
	rc = sim_mark_bad(sim, bad, nr_bad, d);
	if (rc) {
		sim_free(sim);
		return rc;
	}
	sim_summary_all(sim);
	sim_setup_clusters(sim);
	sim->user_diag = d;
	*out = sim;
	return 0;
}

/* ---- the folio table, kept in step with the clusters ------------------------- */

/*
 * The folio caching @slot: a large folio that covers it, else the
 * order-0 folio of the slot itself. Only orders present in the cluster
 * are looked up.
 */
bool sim_folio_at(const struct sim *sim, uint32_t slot, uint32_t *start,
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

/* Record a large folio; the table has room (sim_cache_reserve()). */
void sim_large_add(struct sim *sim, uint32_t start, unsigned int order)
{
	struct sim_ci *x = &sim->ci[start >> sim->shift];

	sim_cache_insert(&sim->cache, start, order);
	x->nr_large++;
	if (order > x->large_max)
		x->large_max = (uint8_t)order;
}

void sim_large_del(struct sim *sim, uint32_t start)
{
	struct sim_ci *x = &sim->ci[start >> sim->shift];

	sim_cache_delete(&sim->cache, start);
	if (!--x->nr_large)
		x->large_max = 0;
}

/* The folio whose first slot is @offset, as folio->swap names it. */
static bool sim_folio_start(const struct sim *sim, uint32_t offset,
			    unsigned int *order)
{
	uint32_t start;

	return offset < sim->max && sim_folio_at(sim, offset, &start, order) &&
	       start == offset;
}

/* ---- counts ------------------------------------------------------------------ */

/* One more reference on @slot: 0 -> 1 ends "cache only". */
static int sim_count_inc(struct sim *sim, uint32_t slot)
{
	uint16_t w = sim->slots[slot];
	uint32_t c = w & SNAPSHOT_SLOT_COUNT;
	int rc;

	if (c < SNAPSHOT_COUNT_INLINE_MAX) {
		sim->slots[slot] = (uint16_t)(w + 1);
	} else {
		c = snapshot_count(sim->s, slot);
		if (c == UINT32_MAX)
			return -EOVERFLOW;
		rc = snapshot_set_count(sim->s, slot, c + 1);
		if (rc)
			return rc;
		c = 1;	/* was not 0 */
	}
	if (!c && (w & SNAPSHOT_SLOT_CACHED))
		sim_cache_only_add(sim, slot, -1);
	return 0;
}

/* One reference less (never frees): 1 -> 0 on a cached slot is cache only. */
static void sim_count_dec(struct sim *sim, uint32_t slot)
{
	uint16_t w = sim->slots[slot];
	uint32_t c = w & SNAPSHOT_SLOT_COUNT;

	if (c && c <= SNAPSHOT_COUNT_INLINE_MAX)
		sim->slots[slot] = (uint16_t)(w - 1);
	else
		snapshot_set_count(sim->s, slot, snapshot_count(sim->s, slot) - 1);
	if (c == 1 && (w & SNAPSHOT_SLOT_CACHED))
		sim_cache_only_add(sim, slot, 1);
}

/* +1 on [@start, @start + @nr); all or nothing. */
static int sim_dup_range(struct sim *sim, uint32_t start, uint32_t nr)
{
	uint32_t i;
	int rc;

	for (i = start; i < start + nr; i++) {
		rc = sim_count_inc(sim, i);
		if (rc) {
			while (i-- > start)
				sim_count_dec(sim, i);
			return rc;
		}
	}
	return 0;
}

/* ---- the end of every operation ------------------------------------------------ */

/*
 * What follows an operation: the reclaim work it scheduled runs (the
 * folio being swapped out is still locked against it), the folio table
 * gives memory back, and with check_always every invariant is checked.
 */
static int sim_op_end_slow(struct sim *sim, int rc)
{
	if (sim->reclaim_pending)
		sim_reclaim_work(sim);
	sim->locked = SIM_NIL;
	/* sim_cache_shrink() leaves a table of the smallest size alone */
	if ((uint64_t)sim->cache.nr * 16 <= sim->cache.mask &&
	    sim->cache.bits > SIM_CACHE_MIN_BITS)
		sim_cache_shrink(&sim->cache);
	sim->ops++;
	if (sim->cfg.check_always && sim_check_diag(sim, &sim->diag)) {
		if (sim->user_diag)
			*sim->user_diag = sim->diag;
		return -EUCLEAN;
	}
	return rc;
}

/*
 * Inlined: most operations have nothing of that to do, and the call would
 * cost more than the tests. The shrink test is the one of the slow path:
 * without reclaim work nothing changes the table before it.
 */
static __always_inline int sim_op_end(struct sim *sim, int rc)
{
	if (__builtin_expect(sim->reclaim_pending || sim->cfg.check_always ||
			     ((uint64_t)sim->cache.nr * 16 <= sim->cache.mask &&
			      sim->cache.bits > SIM_CACHE_MIN_BITS), 0))
		return sim_op_end_slow(sim, rc);
	sim->locked = SIM_NIL;
	sim->ops++;
	return rc;
}

/*
 * The cluster of @offset will be needed right after its slots: start
 * loading it now, so the two cache misses overlap instead of queueing.
 */
static inline void sim_prefetch_cluster(const struct sim *sim, uint32_t offset)
{
	uint32_t ci = offset >> sim->shift;

	__builtin_prefetch(&sim->ci[ci], 1);
	__builtin_prefetch(&sim->cl[ci], 1);
}

static bool sim_range_ok(const struct sim *sim, uint32_t offset, uint32_t nr)
{
	return nr && offset && (uint64_t)offset + nr <= sim->max;
}

/*
 * [@offset, @offset + @nr) is one known run, aligned and inside a cluster,
 * whose slots all have count 1 and no cache: freeing it clears the words.
 */
static inline bool sim_put_is_run(const struct sim *sim, uint32_t offset,
				  uint32_t nr)
{
	const uint16_t *w = sim->slots + offset;
	unsigned int k = (unsigned int)__builtin_ctz(nr);
	uint16_t head = (uint16_t)(SNAPSHOT_SLOT_HEAD | 1u |
				   ((k + 1) << SNAPSHOT_SLOT_ORDER_SHIFT));
	uint64_t x, acc = 0;
	uint32_t i;

	if ((nr & (nr - 1)) || (offset & (nr - 1)) || nr > sim->cs ||
	    (w[0] & (SNAPSHOT_SLOT_HEAD | SNAPSHOT_SLOT_ORDER |
		     SNAPSHOT_SLOT_NONFREE)) != head)
		return false;
	if (nr >= 4 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
		for (i = 0; i < nr; i += 4) {
			memcpy(&x, w + i, sizeof(x));
			acc |= (x & (SNAPSHOT_SLOT_NONFREE * 0x0001000100010001ull)) ^
			       0x0001000100010001ull;
		}
		return !acc;
	}
	for (i = 1; i < nr; i++)
		if ((w[i] & SNAPSHOT_SLOT_NONFREE) != 1)
			return false;
	return true;
}

/* ---- allocation and swap-out ------------------------------------------------------ */

int sim_folio_alloc_swap(struct sim *sim, unsigned int cpu, unsigned int order,
			 uint32_t *offset)
{
	uint32_t found;

	if (!sim || !offset || cpu >= sim->cfg.cpus || order >= sim->nr_orders)
		return -EINVAL;
	if (order && sim_cache_reserve(&sim->cache, 1))
		return -ENOMEM;
	sim->cpu = cpu;
	found = sim_folio_alloc(sim, order);
	if (found) {
		*offset = found;
		/* the caller holds the folio locked: reclaim work skips it */
		sim->locked = found;
	}
	return sim_op_end(sim, found ? 0 : -ENOSPC);
}

/*
 * try_to_unmap() (folio_dup_swap() once per PTE: each slot's count goes
 * from 0 to @mapcount), then, unless the folio stays, writeback done and
 * __remove_mapping(): the folio leaves the swap cache.
 */
static int sim_unmap_and_reclaim(struct sim *sim, uint32_t start,
				 unsigned int order, unsigned int mapcount,
				 bool keep_cached)
{
	uint32_t nr = 1u << order, i;
	int rc;

	if (mapcount) {
		for (i = start; i < start + nr; i++) {
			if (mapcount <= SNAPSHOT_COUNT_INLINE_MAX) {
				sim->slots[i] = (uint16_t)(sim->slots[i] + mapcount);
				continue;
			}
			rc = snapshot_set_count(sim->s, i, mapcount);
			if (rc) {
				/* out of memory: the folio stays cached, unmapped */
				while (i-- > start)
					snapshot_set_count(sim->s, i, 0);
				return rc;
			}
		}
		sim->ci[start >> sim->shift].cache_only =
			(uint16_t)(sim->ci[start >> sim->shift].cache_only - nr);
	}
	if (!keep_cached)
		sim_swap_cache_del(sim, start, order);
	return 0;
}

int sim_swap_out(struct sim *sim, unsigned int cpu, unsigned int order,
		 unsigned int mapcount, bool keep_cached, uint32_t *offsets,
		 unsigned int *nr)
{
	uint32_t found, i;
	int rc;

	if (!sim || !offsets || !nr || cpu >= sim->cfg.cpus ||
	    order >= sim->nr_orders)
		return -EINVAL;
	*nr = 0;
	/*
	 * Room is tested before the order: the order is random in the
	 * generators, room almost always there, and a branch on the order
	 * first would be mispredicted a third of the time or more.
	 */
	if (!sim_cache_has_room(&sim->cache, 1) && order &&
	    sim_cache_reserve(&sim->cache, 1))
		return -ENOMEM;
	sim->cpu = cpu;
	sim->no_record = !keep_cached;
	/* the common case: the allocation writes the words as they end up */
	if (!keep_cached && mapcount && mapcount <= SNAPSHOT_COUNT_INLINE_MAX)
		sim->direct_count = (uint16_t)mapcount;
	found = sim_folio_alloc(sim, order);
	sim->no_record = false;
	sim->direct_count = 0;
	if (found) {
		/* order-0 swap-outs are not counted: no branch on the order */
		sim->counters[SIM_SWPOUT][order] += order != 0;
		offsets[(*nr)++] = found;
		if (!keep_cached && mapcount && mapcount <= SNAPSHOT_COUNT_INLINE_MAX)
			return sim_op_end(sim, 0);
		rc = sim_unmap_and_reclaim(sim, found, order, mapcount,
					   keep_cached);
		if (rc && sim->unrecorded == found) {
			/* it stays in the cache after all: record it (room was reserved) */
			sim->unrecorded = SIM_NIL;
			sim_large_add(sim, found, order);
		}
		return sim_op_end(sim, rc);
	}
	if (!order)
		return sim_op_end(sim, -ENOSPC);
	/* no room for the large folio: split it, each page on its own */
	sim->counters[SIM_SWPOUT_FALLBACK][order]++;
	for (i = 0; i < (1u << order); i++) {
		found = sim_folio_alloc(sim, 0);
		if (!found)
			return sim_op_end(sim, -ENOSPC);
		offsets[(*nr)++] = found;
		rc = sim_unmap_and_reclaim(sim, found, 0, mapcount, keep_cached);
		if (rc)
			return sim_op_end(sim, rc);
	}
	return sim_op_end(sim, 0);
}

/* ---- references ------------------------------------------------------------------- */

int sim_folio_dup_swap(struct sim *sim, uint32_t offset)
{
	unsigned int order;
	int rc;

	if (!sim || !sim_folio_start(sim, offset, &order))
		return -EINVAL;
	rc = sim_dup_range(sim, offset, 1u << order);
	if (rc)
		return rc == -EOVERFLOW ? -EINVAL : rc;
	return sim_op_end(sim, 0);
}

int sim_swap_dup_entry_direct(struct sim *sim, uint32_t offset, uint32_t nr)
{
	uint32_t i;
	int rc;

	if (!sim || !sim_range_ok(sim, offset, nr))
		return -EINVAL;
	for (i = offset; i < offset + nr; i++)
		if ((sim->slots[i] & SNAPSHOT_SLOT_BAD) ||
		    !(sim->slots[i] & SNAPSHOT_SLOT_COUNT))
			return -EINVAL;
	rc = sim_dup_range(sim, offset, nr);
	if (rc)
		return rc == -EOVERFLOW ? -EINVAL : rc;
	return sim_op_end(sim, 0);
}

/*
 * swap_put_entries_cluster() with reclaim_cache: a slot whose last
 * reference goes and that no folio caches is freed (in batches); a cached
 * one keeps the slot, cache only. Then each cached folio whose references
 * all went is reclaimed if __try_to_reclaim_swap(TTRS_UNMAPPED |
 * TTRS_FULL) would: under vm_swap_full() (mem_cgroup_swap_full() without
 * a memcg limit). TTRS_UNMAPPED is not modelled: the simulator does not
 * know whether the folio is still mapped; sim_swap_cache_del_folio() is
 * how the caller says it left.
 */
static void sim_swap_put_entries_cluster(struct sim *sim, uint32_t offset,
					 uint32_t nr)
{
	uint32_t end = offset + nr, i, batch = SIM_NIL;
	bool need_reclaim = false;
	int r;

	for (i = offset; i < end; i++) {
		if (sim_slot_count(sim, i) == 1) {
			if (!(sim->slots[i] & SNAPSHOT_SLOT_CACHED)) {
				if (batch == SIM_NIL)
					batch = i;
				continue;
			}
			need_reclaim = true;
		}
		sim_count_dec(sim, i);
		if (batch != SIM_NIL) {
			sim_swap_cluster_free_entries(sim, batch, i - batch);
			batch = SIM_NIL;
		}
	}
	if (batch != SIM_NIL)
		sim_swap_cluster_free_entries(sim, batch, end - batch);
	if (!need_reclaim)
		return;
	for (i = offset; i < end;) {
		r = sim_try_to_reclaim_swap(sim, i, SIM_TTRS_FULL);
		i++;
		if (r)
			i = (i + (uint32_t)abs(r) - 1) & ~((uint32_t)abs(r) - 1);
	}
}

/*
 * sim_swap_put_entries_direct() but for its commonest case, out of line:
 * the function below stays small, its prologue short.
 */
static __attribute__((noinline)) int
sim_swap_put_entries_slow(struct sim *sim, uint32_t offset, uint32_t nr)
{
	uint32_t i, end = offset + nr, cend;

	/* the common case: the last reference to uncached slots of one cluster */
	for (i = offset; i < end &&
	     (sim->slots[i] & SNAPSHOT_SLOT_NONFREE) == 1; i++)
		;
	if (i == end && (offset >> sim->shift) == ((end - 1) >> sim->shift)) {
		sim_swap_cluster_free_entries(sim, offset, nr);
		return sim_op_end(sim, 0);
	}
	for (i = offset; i < offset + nr; i++)
		if ((sim->slots[i] & SNAPSHOT_SLOT_BAD) ||
		    !(sim->slots[i] & SNAPSHOT_SLOT_COUNT))
			return -EINVAL;
	for (i = offset; i < end; i = cend) {
		cend = ((i >> sim->shift) + 1) << sim->shift;
		if (!cend || cend > end)
			cend = end;
		sim_swap_put_entries_cluster(sim, i, cend - i);
	}
	return sim_op_end(sim, 0);
}

int sim_swap_put_entries_direct(struct sim *sim, uint32_t offset, uint32_t nr)
{
	if (!sim || !sim_range_ok(sim, offset, nr))
		return -EINVAL;
	sim_prefetch_cluster(sim, offset);
	/* the commonest: one whole run of count 1, uncached, as allocated */
	if (sim_put_is_run(sim, offset, nr)) {
		sim_free_run_fast(sim, offset, (unsigned int)__builtin_ctz(nr));
		return sim_op_end(sim, 0);
	}
	return sim_swap_put_entries_slow(sim, offset, nr);
}

int sim_swap_cache_del_folio(struct sim *sim, uint32_t offset)
{
	unsigned int order;

	if (!sim || offset >= sim->max)
		return -EINVAL;
	sim_prefetch_cluster(sim, offset);
	if (!sim_folio_start(sim, offset, &order))
		return -EINVAL;
	sim_swap_cache_del(sim, offset, order);
	return sim_op_end(sim, 0);
}

/* ---- swap-in ------------------------------------------------------------------------ */

/* Why a large swap-in of a range fails, in the order the kernel looks. */
enum sim_swapin_fit {
	SIM_SWAPIN_FITS,
	SIM_SWAPIN_UNSUITABLE,	/* filtered before any folio is tried */
	SIM_SWAPIN_BUSY,	/* __swap_cache_add_check() says -EBUSY */
};

/*
 * The orders memory.c offers for the fault are those whose aligned range
 * lies in the device, comes all or none from the zeromap and has nothing
 * in zswap (zswap loads no large folio); among those,
 * __swap_cache_add_check() wants every slot swapped out (count >= 1) and
 * uncached.
 */
static enum sim_swapin_fit sim_swapin_range(const struct sim *sim,
					    uint32_t start, unsigned int order)
{
	uint32_t nr = 1u << order, i;
	uint16_t w, zero = sim->slots[start] & SNAPSHOT_SLOT_ZERO;
	bool busy = false;

	if ((uint64_t)start + nr > sim->max)
		return SIM_SWAPIN_UNSUITABLE;
	for (i = start; i < start + nr; i++) {
		w = sim->slots[i];
		if ((w & SNAPSHOT_SLOT_ZSWAP) || (w & SNAPSHOT_SLOT_ZERO) != zero)
			return SIM_SWAPIN_UNSUITABLE;
		if ((w & (SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_CACHED)) ||
		    !(w & SNAPSHOT_SLOT_COUNT))
			busy = true;
	}
	return busy ? SIM_SWAPIN_BUSY : SIM_SWAPIN_FITS;
}

/*
 * A fault on @offset. The newest tree's swap_cache_alloc_folio() tries
 * @order and each lower order in turn (every size taken as enabled),
 * counting swpin_fallback for an order whose range was busy. v6.12's
 * alloc_swap_folio() skipped unsuitable orders silently and counted a
 * fallback only when the folio could not be allocated or charged, which
 * the simulator never sees. Large orders only on SWP_SYNCHRONOUS_IO
 * devices (v6.12: also only on its swapcache-skipping path, when the
 * faulting entry has count 1).
 *
 * The folio is mapped (folio_put_swap()). should_try_to_free_swap() holds
 * on SWP_SYNCHRONOUS_IO devices, under vm_swap_full() and for a write
 * fault by the only user, which is what the simulator takes every fault
 * to be; folio_free_swap() then frees the cache only when no slot is
 * referenced any more. v6.12's skipping path never kept a cache.
 */
int sim_swap_in(struct sim *sim, unsigned int cpu, uint32_t offset,
		unsigned int order, unsigned int *got, uint32_t *start)
{
	uint32_t st, nr, i;
	enum sim_swapin_fit fit;
	unsigned int k = 0;
	bool skip_cache, drop = true;
	uint16_t w;

	if (!sim || !got || !start || cpu >= sim->cfg.cpus ||
	    order >= sim->nr_orders || !offset || offset >= sim->max)
		return -EINVAL;
	w = sim->slots[offset];
	if ((w & (SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_CACHED)) ||
	    !(w & SNAPSHOT_SLOT_COUNT))
		return -EINVAL;
	if (order && sim_cache_reserve(&sim->cache, 1))
		return -ENOMEM;
	skip_cache = sim->v612 && sim->cfg.synchronous_io &&
		     sim_slot_count(sim, offset) == 1;
	if (order && sim->cfg.synchronous_io && (!sim->v612 || skip_cache)) {
		for (k = order; k; k--) {
			fit = sim_swapin_range(sim, offset & ~((1u << k) - 1), k);
			if (fit == SIM_SWAPIN_FITS)
				break;
			if (fit == SIM_SWAPIN_BUSY && !sim->v612)
				sim->counters[SIM_SWPIN_FALLBACK][k]++;
		}
	}
	nr = 1u << k;
	st = offset & ~(nr - 1);
	for (i = st; i < st + nr; i++)
		sim->slots[i] |= SNAPSHOT_SLOT_CACHED;
	if (k) {
		sim_large_add(sim, st, k);
		sim->counters[SIM_SWPIN][k]++;
	}
	for (i = st; i < st + nr; i++) {
		sim_count_dec(sim, i);
		if (sim->slots[i] & SNAPSHOT_SLOT_COUNT)
			drop = false;
	}
	if (drop || skip_cache)
		sim_swap_cache_del(sim, st, k);
	*got = k;
	*start = st;
	return sim_op_end(sim, 0);
}

/* ---- splits and backing ---------------------------------------------------------------- */

/* Runs of an order above @new_order lying inside the folio: cut them. */
static void sim_split_runs(struct sim *sim, uint32_t start, uint32_t end,
			   unsigned int new_order)
{
	uint16_t bits = (uint16_t)((new_order + 1) << SNAPSHOT_SLOT_ORDER_SHIFT);
	uint32_t i = start, j, len;
	int k;

	while (i < end) {
		k = snapshot_slot_order(sim->slots[i]);
		if (k < 0 || !(sim->slots[i] & SNAPSHOT_SLOT_HEAD)) {
			i++;
			continue;
		}
		len = 1u << k;
		if ((unsigned int)k > new_order && i + len <= end) {
			for (j = i; j < i + len; j++) {
				sim->slots[j] &= (uint16_t)~SIM_SLOT_RUN;
				sim->slots[j] |= bits;
				if (!((j - i) & ((1u << new_order) - 1)))
					sim->slots[j] |= SNAPSHOT_SLOT_HEAD;
			}
		}
		i += len;
	}
}

int sim_split_folio(struct sim *sim, uint32_t offset, unsigned int new_order)
{
	unsigned int order;
	uint32_t i, step;

	if (!sim || !sim_folio_start(sim, offset, &order) || new_order >= order)
		return -EINVAL;
	if (new_order && sim_cache_reserve(&sim->cache, 1u << (order - new_order)))
		return -ENOMEM;
	sim_large_del(sim, offset);
	step = 1u << new_order;
	for (i = offset; new_order && i < offset + (1u << order); i += step)
		sim_large_add(sim, i, new_order);
	sim_split_runs(sim, offset, offset + (1u << order), new_order);
	return sim_op_end(sim, 0);
}

/* zswap and the zeromap hold only slots in use; swap_range_free() clears. */
static int sim_set_bit(struct sim *sim, uint32_t offset, uint32_t nr, bool on,
		       uint16_t bit)
{
	uint32_t i;

	if (!sim || !sim_range_ok(sim, offset, nr))
		return -EINVAL;
	for (i = offset; on && i < offset + nr; i++)
		if ((sim->slots[i] & SNAPSHOT_SLOT_BAD) ||
		    !(sim->slots[i] & SNAPSHOT_SLOT_NONFREE))
			return -EINVAL;
	for (i = offset; i < offset + nr; i++) {
		if (on)
			sim->slots[i] |= bit;
		else
			sim->slots[i] &= (uint16_t)~bit;
	}
	return sim_op_end(sim, 0);
}

int sim_set_zswap(struct sim *sim, uint32_t offset, uint32_t nr, bool on)
{
	return sim_set_bit(sim, offset, nr, on, SNAPSHOT_SLOT_ZSWAP);
}

int sim_set_zero(struct sim *sim, uint32_t offset, uint32_t nr, bool on)
{
	return sim_set_bit(sim, offset, nr, on, SNAPSHOT_SLOT_ZERO);
}

unsigned int sim_discard_work(struct sim *sim)
{
	unsigned int n;

	if (!sim)
		return 0;
	n = sim_swap_do_scheduled_discard(sim);
	sim_op_end(sim, 0);
	return n;
}

/* ---- counters and accessors ------------------------------------------------------------- */

uint64_t sim_counter(const struct sim *sim, enum sim_counter c,
		     unsigned int order)
{
	if (!sim || (unsigned int)c >= SIM_NR_COUNTERS || !order ||
	    order >= sim->nr_orders)
		return 0;
	return sim->counters[c][order];
}

int sim_set_counter(struct sim *sim, enum sim_counter c, unsigned int order,
		    uint64_t value)
{
	if (!sim || (unsigned int)c >= SIM_NR_COUNTERS || !order ||
	    order >= sim->nr_orders)
		return -EINVAL;
	sim->counters[c][order] = value;
	return 0;
}

unsigned int sim_nr_orders(const struct sim *sim)
{
	return sim ? sim->nr_orders : 0;
}

unsigned int sim_nr_cpus(const struct sim *sim)
{
	return sim ? sim->cfg.cpus : 0;
}

uint64_t sim_ops(const struct sim *sim)
{
	return sim ? sim->ops : 0;
}

uint64_t sim_inuse(const struct sim *sim)
{
	return sim ? sim->inuse : 0;
}

const uint16_t *sim_slots(const struct sim *sim)
{
	return sim ? sim->slots : NULL;
}

void sim_prefetch_free(const struct sim *sim, uint32_t offset,
		       unsigned int stage)
{
	const struct sim_ci *x;
	uint32_t ci;

	if (!sim || offset >= sim->max)
		return;
	ci = offset >> sim->shift;
	if (!stage) {
		__builtin_prefetch(&sim->slots[offset], 1);
		__builtin_prefetch(&sim->fmap[offset >> 6], 1);
		__builtin_prefetch(&sim->ci[ci], 1);
		__builtin_prefetch(&sim->cl[ci], 1);
		return;
	}
	/* a free moves a cluster that is not on a nonfull list */
	if (sim->cl[ci].flags == SNAPSHOT_CLUSTER_NONFULL)
		return;
	x = &sim->ci[ci];
	if (x->prev != SIM_NIL)
		__builtin_prefetch(&sim->ci[x->prev], 1);
	if (x->next != SIM_NIL)
		__builtin_prefetch(&sim->ci[x->next], 1);
}

const struct diag *sim_diag(const struct sim *sim)
{
	return sim ? &sim->diag : NULL;
}

int sim_check(const struct sim *sim, struct diag *d)
{
	if (!sim)
		return -EINVAL;
	return sim_check_diag(sim, d);
}
