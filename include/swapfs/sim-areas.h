/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-areas.h - several swap areas at once: one struct sim each, and the
 * kernel's choice of the area for every allocation above them
 * (src/sim/sim-areas.c), as mm/swapfile.c of the modelled release makes
 * it:
 *
 *   newest (v6.18, commit 1b7e90020eb7 "mm, swap: use percpu cluster as
 *   allocation fast path" on): swap_alloc_fast() first, on the area
 *   percpu_swap_cluster.si[order] names (one per CPU and order, for all
 *   areas: the solid-state area alloc_swap_scan_cluster() last scanned a
 *   cluster of for that order); then swap_alloc_slow() walks
 *   swap_avail_head, a plist by priority, and plist_requeue()s each area
 *   it visits behind the others of its priority (round robin among equal
 *   priorities); a large folio stops after the first area tried, order 0
 *   goes on to the next; nothing found for order 0: swap_sync_discard()
 *   and all again. Areas without prio= get DEF_SWAP_PRIO (-1).
 *
 *   6.12: get_swap_pages() walks swap_avail_heads[node] the same way for
 *   every allocation (each area has its own per-CPU cluster inside
 *   scan_swap_map_slots(); no area is remembered across allocations); a
 *   large folio tries only the first area ("if (n_ret || size > 1) goto
 *   check_out"). Areas without prio= get --least_priority (-2, -3, ...)
 *   but all sit at avail-list priority 1 on their node (setup_swap_info()),
 *   so they take turns below every area with a priority of its own. (On
 *   another node, or for a disk of no node such as zram's, the avail
 *   priority is -prio: -2 before -3. The model takes the node-local case.)
 *
 * An area leaves the avail list when its inuse_pages reaches pages and
 * rejoins behind its priority on the first free (del_from_avail_list(),
 * add_to_avail_list()). vm_swap_full() counts the pages of every area.
 *
 * A slot is named by its swap entry: the area's type (its place on the
 * command line, 0..areas-1) and its offset, packed as
 * type << SIM_AREA_SHIFT | offset, so type 0 is the offset itself and a
 * run of one area names its slots as struct sim does.
 *
 * Counters are kept per area: swpout where the folio went, swpout_fallback
 * on the area whose failure split the folio (the first the slow path
 * tried), swap-in counters on the area of the fault.
 */
#ifndef SWAPFS_SIM_AREAS_H
#define SWAPFS_SIM_AREAS_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SIM)
#error "swapfs/sim-areas.h belongs to the simulator: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "swapfs/diag.h"
#include "swapfs/sim.h"
#include "swapfs/snapshot.h"

/* Areas of one group: MAX_SWAPFILES of x86-64 with nothing reserved. */
#define SIM_AREAS_MAX		32u
/* Bits of a swap entry's offset; the type sits above them. */
#define SIM_AREA_SHIFT		27u
/*
 * Slots of one area of several: every entry stays below the two values
 * the workload keeps for present and zero pages.
 */
#define SIM_AREA_SLOTS_MAX	((1u << SIM_AREA_SHIFT) - 2u)
/* swapon -p: 0..32767; no prio= means the kernel's default. */
#define SIM_AREA_PRIO_MAX	32767

static inline uint32_t sim_entry(unsigned int type, uint32_t offset)
{
	return (uint32_t)type << SIM_AREA_SHIFT | offset;
}

static inline unsigned int sim_entry_type(uint32_t entry)
{
	return entry >> SIM_AREA_SHIFT;
}

static inline uint32_t sim_entry_offset(uint32_t entry)
{
	return entry & ((1u << SIM_AREA_SHIFT) - 1u);
}

/* One area: its device (geometry as sim_new() takes it) and priority. */
struct sim_area_config {
	struct sim_config cfg;
	bool has_prio;		/* prio= given; else the kernel's default */
	int prio;		/* 0..SIM_AREA_PRIO_MAX */
};

struct sim_areas;

/*
 * sim_areas_new - @n (1..SIM_AREAS_MAX) fresh areas, swapped on in the
 * order given (area i has type i). All must share the kernel, page size,
 * cluster size and CPUs; with more than one, each has at most
 * SIM_AREA_SLOTS_MAX slots. Returns 0, -EINVAL with @d naming the area
 * and field, or -ENOMEM.
 */
int sim_areas_new(const struct sim_area_config *a, unsigned int n,
		  struct sim_areas **out, struct diag *d);

/* sim_areas_free - the group and every area; NULL is fine. */
void sim_areas_free(struct sim_areas *g);

/*
 * sim_areas_diag - the report of the first area whose check_always check
 * failed (sim_diag()), NULL when none did.
 */
const struct diag *sim_areas_diag(const struct sim_areas *g);

/* sim_areas_nr - the areas of the group. */
unsigned int sim_areas_nr(const struct sim_areas *g);

/* sim_areas_sim - the area of type @type, NULL beyond the last. */
struct sim *sim_areas_sim(const struct sim_areas *g, unsigned int type);

/* sim_areas_prio - the priority of area @type as /proc/swaps shows it. */
int sim_areas_prio(const struct sim_areas *g, unsigned int type);

/*
 * sim_areas_try_type - the type of the @i-th area in the order the
 * kernel tries them at swapon: highest priority first, equal priorities
 * by type. Snapshots of the group are stored in this order.
 */
unsigned int sim_areas_try_type(const struct sim_areas *g, unsigned int i);

/* sim_areas_ops - operations of the group so far (the step). */
uint64_t sim_areas_ops(const struct sim_areas *g);

/* sim_areas_inuse - inuse_pages of every area. */
uint64_t sim_areas_inuse(const struct sim_areas *g);

/* sim_areas_counter - counter @c of @order summed over the areas. */
uint64_t sim_areas_counter(const struct sim_areas *g, enum sim_counter c,
			   unsigned int order);

/*
 * sim_areas_count - +1 on counter @c of @order on the area the last
 * allocation went to or, when it failed, the area whose failure it was.
 */
void sim_areas_count(struct sim_areas *g, enum sim_counter c,
		     unsigned int order);

/*
 * The operations of sim.h on the group: allocations pick the area as the
 * kernel does; everything else goes to the area of the entry. Entries
 * in and out are swap entries (sim_entry()); an entry of no area is
 * -EINVAL. Each counts one operation of the group.
 */
int sim_areas_folio_alloc_swap(struct sim_areas *g, unsigned int cpu,
			       unsigned int order, uint32_t *entry);
int sim_areas_swap_out(struct sim_areas *g, unsigned int cpu,
		       unsigned int order, unsigned int mapcount,
		       bool keep_cached, uint32_t *entries, unsigned int *nr);
int sim_areas_folio_dup_swap(struct sim_areas *g, uint32_t entry);
int sim_areas_swap_dup_entry_direct(struct sim_areas *g, uint32_t entry,
				    uint32_t nr);
int sim_areas_swap_put_entries_direct(struct sim_areas *g, uint32_t entry,
				      uint32_t nr);
int sim_areas_swap_cache_del_folio(struct sim_areas *g, uint32_t entry);
int sim_areas_swap_in(struct sim_areas *g, unsigned int cpu, uint32_t entry,
		      unsigned int order, unsigned int *got, uint32_t *start);
int sim_areas_split_folio(struct sim_areas *g, uint32_t entry,
			  unsigned int new_order);
int sim_areas_set_zswap(struct sim_areas *g, uint32_t entry, uint32_t nr,
			bool on);
int sim_areas_set_zero(struct sim_areas *g, uint32_t entry, uint32_t nr,
		       bool on);
/* sim_areas_discard_work - sim_discard_work() on every area. */
unsigned int sim_areas_discard_work(struct sim_areas *g);

/*
 * sim_areas_slot - the slot word of @entry (0 for an entry of no area),
 * as sim_snapshot() of its area would show it.
 */
uint16_t sim_areas_slot(struct sim_areas *g, uint32_t entry);

/*
 * sim_areas_snapshot - the @i-th area in try order (sim_areas_try_type())
 * as sim_snapshot() gives it, with the info keys of one area of several:
 * area @i, areas, type, prio, path "sim:areaTYPE", and the group's step.
 * Owned by the area, valid until its next operation.
 */
int sim_areas_snapshot(struct sim_areas *g, unsigned int i,
		       const struct snapshot **out);

#endif /* SWAPFS_SIM_AREAS_H */
