/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-explain.h - the hooks the policies call to tell sim-explain.c the
 * steps of an allocation (swapfs/sim-explain.h is the contract). Each hook
 * is one branch on sim->explain, NULL unless --explain: the cost of a run
 * without it. sim-explain.c sits beside sim-state.c: it calls nothing of
 * the allocator, and the policies and sim-swapout.c call it.
 */
#ifndef SWAPFS_SIM_EXPLAIN_PRIV_H
#define SWAPFS_SIM_EXPLAIN_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "swapfs/sim-explain.h"
#include "sim-state.h"

/* The steps of an allocation path, as the trace names them. */
enum sim_xstep {
	SIM_XS_PERCPU = 0,	/* newest swap_alloc_fast(): percpu_swap_cluster */
	SIM_XS_PERCPU_NEXT,	/* 6.12: si->percpu_cluster->next[order] */
	SIM_XS_GLOBAL,		/* newest, rotational: si->global_cluster */
	SIM_XS_FREE,		/* free_clusters */
	SIM_XS_NONFULL,		/* nonfull_clusters[order] */
	SIM_XS_FRAG,		/* frag_clusters[order] */
	SIM_XS_RECLAIM,		/* swap_reclaim_full_clusters(si, false) */
	SIM_XS_SYNC_DISCARD,	/* newest folio_alloc_swap(): swap_sync_discard() */
	SIM_XS_DISCARD,		/* 6.12: swap_do_scheduled_discard(), restart */
	SIM_NR_XSTEPS,
};

#define SIM_XLOG_MAX	32

struct sim_xlog {
	uint8_t step, order;
	uint32_t tried;
};

struct sim_explain {
	uint32_t scanned;	/* clusters scanned so far: the policies count */
	uint32_t at_step;	/* scanned when the last step closed */
	unsigned int order;	/* of the allocation in progress */
	int refusal;		/* enum sim_reason, or -1 */
	int last_list;		/* the last list step: enum sim_xstep, or -1 */
	int last_held;		/* the last list step that held clusters, or -1 */
	unsigned int nr_log;
	bool cut;		/* more steps than the log holds */
	struct sim_xlog log[SIM_XLOG_MAX];
	uint64_t fallbacks[SIM_NR_ORDERS_MAX][SIM_NR_REASONS];
	uint64_t steals[SIM_NR_ORDERS_MAX][SIM_NR_STEALS];
	int fd;			/* the trace, or -1 */
	int err;		/* the first write error, -errno */
	size_t len;		/* bytes in buf */
	char buf[1 << 16];
};

/* Out of line, only with explain on. */
void sim_explain_begin_slow(struct sim *sim, unsigned int order);
void sim_explain_step_slow(struct sim *sim, enum sim_xstep step,
			   unsigned int order, uint32_t tried, bool found);
void sim_explain_refuse_slow(struct sim *sim, enum sim_reason r);
void sim_explain_fallback_slow(struct sim *sim, unsigned int order);

/* sim_explain_free - the recorder of sim_explain_on(); NULL is fine. */
void sim_explain_free(struct sim_explain *x);

/* folio_alloc_swap() of @order starts (or leaves its fast path): a new path. */
static inline void sim_explain_begin(struct sim *sim, unsigned int order)
{
	if (__builtin_expect(sim->explain != NULL, 0))
		sim_explain_begin_slow(sim, order);
}

/*
 * alloc_swap_scan_cluster() looks at a cluster: for a policy that does not
 * count the clusters of each step itself (6.12's scans are everywhere).
 */
static inline void sim_explain_scanned(struct sim *sim)
{
	if (__builtin_expect(sim->explain != NULL, 0))
		sim->explain->scanned++;
}

/* The clusters sim_explain_scanned() counted since the last step. */
static inline uint32_t sim_explain_since(struct sim_explain *x)
{
	uint32_t n = x->scanned - x->at_step;

	x->at_step = x->scanned;
	return n;
}

/*
 * A step of the path is done, having scanned @tried clusters; @found: it
 * allocated (an order-0 allocation finding its slot on a list of a higher
 * @order is a steal).
 */
static inline void sim_explain_counted(struct sim *sim, enum sim_xstep step,
				       unsigned int order, uint32_t tried, bool found)
{
	if (__builtin_expect(sim->explain != NULL, 0))
		sim_explain_step_slow(sim, step, order, tried, found);
}

/* The same, the clusters counted by sim_explain_scanned(). */
static inline void sim_explain_step(struct sim *sim, enum sim_xstep step,
				    unsigned int order, bool found)
{
	if (__builtin_expect(sim->explain != NULL, 0))
		sim_explain_step_slow(sim, step, order,
				      sim_explain_since(sim->explain), found);
}

/* The step of list @li: SIM_L_FREE, SIM_L_NONFULL(o), SIM_L_FRAG(o). */
static inline enum sim_xstep sim_explain_list_step(unsigned int li)
{
	return li == SIM_L_FREE ? SIM_XS_FREE :
	       li < SIM_L_FRAG(0) ? SIM_XS_NONFULL : SIM_XS_FRAG;
}

static inline unsigned int sim_explain_list_order(unsigned int li)
{
	return li == SIM_L_FREE ? 0 : li < SIM_L_FRAG(0) ?
	       li - SIM_L_NONFULL(0) : li - SIM_L_FRAG(0);
}

/* List @li was tried, @tried clusters scanned. */
static inline void sim_explain_list_counted(struct sim *sim, unsigned int li,
					    uint32_t tried, bool found)
{
	sim_explain_counted(sim, sim_explain_list_step(li),
			    sim_explain_list_order(li), tried, found);
}

/* List @li was tried, the clusters counted by sim_explain_scanned(). */
static inline void sim_explain_list(struct sim *sim, unsigned int li, bool found)
{
	sim_explain_step(sim, sim_explain_list_step(li),
			 sim_explain_list_order(li), found);
}

/* The path ended before any cluster was looked at, for reason @r. */
static inline void sim_explain_refuse(struct sim *sim, enum sim_reason r)
{
	if (__builtin_expect(sim->explain != NULL, 0))
		sim_explain_refuse_slow(sim, r);
}

/* folio_alloc_swap() of a large folio failed: it falls back (split). */
static inline void sim_explain_fallback(struct sim *sim, unsigned int order)
{
	if (__builtin_expect(sim->explain != NULL, 0))
		sim_explain_fallback_slow(sim, order);
}

#endif /* SWAPFS_SIM_EXPLAIN_PRIV_H */
