/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-ctx.h - what every run of a workload, script or generator,
 * shares (workload-ctx.c): the caller's hooks fired as the simulator's
 * operations go by, the simulator's refusals in words, and the device as
 * the run sees it.
 */
#ifndef SWAPFS_WORKLOAD_CTX_H
#define SWAPFS_WORKLOAD_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "swapfs/diag.h"
#include "swapfs/sim.h"
#include "swapfs/sim-areas.h"
#include "swapfs/workload.h"

/*
 * The hooks of one run. Checking whether one is due costs one sim_ops()
 * and one compare per operation, so runs call wl_ctx_tick() after every
 * simulator call.
 */
struct wl_ctx {
	struct sim *sim;	/* the area, or the first of several */
	/*
	 * Several areas (workload_run_areas()): every operation goes through
	 * the group and names slots by swap entry (sim_entry()); NULL for
	 * one area, whose slots are its offsets. The wl_*() calls below
	 * choose.
	 */
	struct sim_areas *areas;
	const struct workload_hooks *h;
	struct diag *d;
	const char *name;	/* for messages */
	unsigned long line;	/* script line being run, 0 for generators */
	uint64_t next;		/* sim_ops() at which something is due */
	uint64_t next_every, next_progress;
	uint64_t done, total;	/* progress, in the workload's unit */
};

/* Simulator operations between two progress calls. */
#define WL_PROGRESS_OPS	(1ull << 20)

/*
 * wl_ctx_init - a run of the workload @name on @sim, or on the areas
 * @areas when not NULL (then @sim is its first); @h may be NULL.
 */
void wl_ctx_init(struct wl_ctx *c, struct sim *sim, struct sim_areas *areas,
		 const struct workload_hooks *h, struct diag *d,
		 const char *name);

/*
 * wl_ctx_fire - the hooks due now (wl_ctx_tick() tells). Returns 0 or a
 * hook's error.
 */
int wl_ctx_fire(struct wl_ctx *c);

/*
 * wl_ctx_snapshot - the snapshot hook now, with @note (a script's
 * snapshot statement). Returns 0 or the hook's error, in @c's diag.
 */
int wl_ctx_snapshot(struct wl_ctx *c, const char *note);

/* wl_ctx_end - the run is done: the last progress call. */
void wl_ctx_end(struct wl_ctx *c);

/* The step: operations of the area, or of the group. */
static inline uint64_t wl_ops(const struct wl_ctx *c)
{
	return __builtin_expect(!c->areas, 1) ? sim_ops(c->sim) :
	       sim_areas_ops(c->areas);
}

/*
 * With several areas c->next stays 0 (wl_ctx_init()): every tick goes to
 * wl_ctx_fire(), which counts the group's operations, and one area's
 * tick is one call and one compare, as it always was.
 */
static inline int wl_ctx_tick(struct wl_ctx *c)
{
	if (__builtin_expect(sim_ops(c->sim) < c->next, 1))
		return 0;
	return wl_ctx_fire(c);
}

/*
 * wl_ctx_sim_error - @rc from a simulator call made for @what (at @slot,
 * 0 for none), in words: -EUCLEAN (an invariant broke), -ENOMEM, or a
 * refusal the workload should have prevented ([wl-sim]). Returns @rc.
 */
int wl_ctx_sim_error(struct wl_ctx *c, int rc, const char *what,
		     uint32_t slot);

/* The device: what generators and scripts need to know of the sim. */
struct wl_geometry {
	uint32_t max;		/* slots */
	uint32_t pages;		/* usable slots: max minus header and bad */
	uint32_t page_size;
	unsigned int nr_orders;
	unsigned int cpus;
	bool discard;		/* freed clusters wait for sim_discard_work() */
	/*
	 * The slot words as sim_snapshot() showed them at the start. Only for
	 * prefetching: the contract keeps them valid until the next operation.
	 */
	const uint16_t *slots;
};

/*
 * wl_ctx_geometry - the above, from one sim_snapshot() (O(slots): once a
 * run). Returns 0 or an error named in @d.
 */
int wl_ctx_geometry(struct sim *sim, struct wl_geometry *g, struct diag *d,
		    const char *name);

/*
 * wl_ctx_geometry_areas - the same of the areas of @c: pages summed, the
 * slot words none (slots are named by entry); a device with discard if
 * any area has it. Returns 0 or an error named in @c's diag.
 */
int wl_ctx_geometry_areas(struct wl_ctx *c, struct wl_geometry *g);

/*
 * The simulator's operations as a run makes them (sim.h): on the one
 * area, or on the group (sim-areas.h), slots named as the run names them.
 */
#define WL_SIM_CALL(c, fn, ...)						\
	(__builtin_expect(!(c)->areas, 1) ? sim_##fn((c)->sim, __VA_ARGS__) : \
	 sim_areas_##fn((c)->areas, __VA_ARGS__))

#define wl_sim_swap_out(c, ...)		WL_SIM_CALL(c, swap_out, __VA_ARGS__)
#define wl_sim_folio_alloc_swap(c, ...)	WL_SIM_CALL(c, folio_alloc_swap, __VA_ARGS__)
#define wl_sim_folio_dup_swap(c, ...)	WL_SIM_CALL(c, folio_dup_swap, __VA_ARGS__)
#define wl_sim_swap_dup_entry_direct(c, ...) WL_SIM_CALL(c, swap_dup_entry_direct, __VA_ARGS__)
#define wl_sim_swap_put_entries_direct(c, ...) WL_SIM_CALL(c, swap_put_entries_direct, __VA_ARGS__)
#define wl_sim_swap_cache_del_folio(c, ...)	WL_SIM_CALL(c, swap_cache_del_folio, __VA_ARGS__)
#define wl_sim_swap_in(c, ...)		WL_SIM_CALL(c, swap_in, __VA_ARGS__)
#define wl_sim_split_folio(c, ...)		WL_SIM_CALL(c, split_folio, __VA_ARGS__)
#define wl_sim_set_zswap(c, ...)		WL_SIM_CALL(c, set_zswap, __VA_ARGS__)
#define wl_sim_set_zero(c, ...)		WL_SIM_CALL(c, set_zero, __VA_ARGS__)
#define wl_sim_counter(c, ...)		WL_SIM_CALL(c, counter, __VA_ARGS__)

static inline unsigned int wl_sim_discard_work(struct wl_ctx *c)
{
	return c->areas ? sim_areas_discard_work(c->areas) :
	       sim_discard_work(c->sim);
}

static inline uint64_t wl_sim_inuse(const struct wl_ctx *c)
{
	return __builtin_expect(!c->areas, 1) ? sim_inuse(c->sim) :
	       sim_areas_inuse(c->areas);
}

/* +1 on counter @k of @order: where the last allocation went or failed. */
static inline void wl_sim_count(struct wl_ctx *c, enum sim_counter k,
			    unsigned int order)
{
	if (c->areas)
		sim_areas_count(c->areas, k, order);
	else
		sim_set_counter(c->sim, k, order,
				sim_counter(c->sim, k, order) + 1);
}

/*
 * wl_slot - the word of the slot a run names @slot, as sim_snapshot()
 * shows it (call sim_snapshot() first with one area: @s is its result).
 */
static inline uint16_t wl_sim_slot(struct wl_ctx *c, const struct snapshot *s,
			       uint32_t slot)
{
	return c->areas ? sim_areas_slot(c->areas, slot) : s->slots[slot];
}

#endif /* SWAPFS_WORKLOAD_CTX_H */
