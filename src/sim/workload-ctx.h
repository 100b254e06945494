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
#include "swapfs/workload.h"

/*
 * The hooks of one run. Checking whether one is due costs one sim_ops()
 * and one compare per operation, so runs call wl_ctx_tick() after every
 * simulator call.
 */
struct wl_ctx {
	struct sim *sim;
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

/* wl_ctx_init - a run of the workload @name on @sim; @h may be NULL. */
void wl_ctx_init(struct wl_ctx *c, struct sim *sim,
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

#endif /* SWAPFS_WORKLOAD_CTX_H */
