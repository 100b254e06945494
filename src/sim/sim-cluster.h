/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-cluster.h - the cluster lists of swap_info_struct (sim-cluster.c):
 * a cluster's moves between them, and what every tree does alike with
 * them. The list operations are inline: a free or an allocation moves a
 * cluster, and both policies compile the move into their hot paths.
 */
#ifndef SWAPFS_SIM_CLUSTER_H
#define SWAPFS_SIM_CLUSTER_H

#include <stdint.h>

#include "sim-state.h"

/* list_del(&ci->list): off its list, flag left as it is. */
static __always_inline void sim_cluster_list_del(struct sim *sim, uint32_t ci)
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

/* list_add_tail(&ci->list, @li) */
static __always_inline void sim_cluster_list_add_tail(struct sim *sim,
						      uint32_t ci,
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
static __always_inline void sim_cluster_move_inline(struct sim *sim,
						    uint32_t ci,
						    unsigned int li,
						    uint8_t flags)
{
	if (sim->ci[ci].list != SIM_L_NONE)
		sim_cluster_list_del(sim, ci);
	sim_cluster_list_add_tail(sim, ci, li);
	sim->cl[ci].flags = flags;
}

/* sim_cluster_move - sim_cluster_move_inline(), for paths seldom taken. */
void sim_cluster_move(struct sim *sim, uint32_t ci, unsigned int li,
		      uint8_t flags);

/*
 * sim_cluster_list_of - the list a cluster's flag and order name
 * (SIM_L_NONE for none).
 */
unsigned int sim_cluster_list_of(const struct snapshot_cluster *c);

/*
 * sim_cluster_rebuild - every cluster on the list its flag names, in
 * index order, and frag_cluster_nr[] counted (a snapshot's clusters).
 */
void sim_cluster_rebuild(struct sim *sim);

/* sim_cluster_reset - every cluster off the lists, flag none, order 0. */
void sim_cluster_reset(struct sim *sim);

/*
 * sim_cluster_setup - setup_clusters() once sim_cluster_reset(): the
 * clusters in @cols columns, from column @col on.
 */
void sim_cluster_setup(struct sim *sim, uint32_t cols, uint32_t col);

/*
 * sim_cluster_free - free_cluster(): queued for discard on a device with
 * SWP_WRITEOK|SWP_PAGE_DISCARD, else free at once.
 */
void sim_cluster_free(struct sim *sim, uint32_t ci);

/*
 * sim_cluster_discard_all - swap_do_scheduled_discard(): every cluster
 * queued for discard is discarded and freed. Returns how many.
 */
unsigned int sim_cluster_discard_all(struct sim *sim);

#endif /* SWAPFS_SIM_CLUSTER_H */
