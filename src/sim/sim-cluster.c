// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-cluster.c - the cluster lists of swap_info_struct on the model: a
 * cluster's list is the one its flag names (free, nonfull or frag of its
 * order, full, discard), and what both trees do alike with them: setting
 * them up at swapon, freeing a cluster, running the discards queued. What
 * a tree does differently is its policy's (sim-newest.c, sim-612.c).
 */
#include <string.h>

#include "sim-cluster.h"
#include "sim-state.h"

void sim_cluster_move(struct sim *sim, uint32_t ci, unsigned int li,
		      uint8_t flags)
{
	sim_cluster_move_inline(sim, ci, li, flags);
}

unsigned int sim_cluster_list_of(const struct snapshot_cluster *c)
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

/* Empty lists, every cluster off them (its flag left alone). */
static void sim_cluster_lists_init(struct sim *sim)
{
	unsigned int i;
	uint32_t ci;

	for (i = 0; i < SIM_NR_LISTS; i++) {
		sim->list[i].head = sim->list[i].tail = SIM_NIL;
		sim->list[i].nr = 0;
	}
	memset(sim->frag_nr, 0, sizeof(sim->frag_nr));
	for (ci = 0; ci < sim->nr_clusters; ci++) {
		sim->ci[ci].prev = sim->ci[ci].next = SIM_NIL;
		sim->ci[ci].list = SIM_L_NONE;
	}
}

void sim_cluster_rebuild(struct sim *sim)
{
	unsigned int li;
	uint32_t ci;

	sim_cluster_lists_init(sim);
	for (ci = 0; ci < sim->nr_clusters; ci++) {
		li = sim_cluster_list_of(&sim->cl[ci]);
		if (li == SIM_L_NONE)
			continue;
		sim_cluster_list_add_tail(sim, ci, li);
		if (sim->cl[ci].flags == SNAPSHOT_CLUSTER_FRAG)
			sim->frag_nr[sim->cl[ci].order]++;
	}
}

void sim_cluster_reset(struct sim *sim)
{
	uint32_t ci;

	sim_cluster_lists_init(sim);
	for (ci = 0; ci < sim->nr_clusters; ci++) {
		sim->cl[ci].flags = SNAPSHOT_CLUSTER_NONE;
		sim->cl[ci].order = 0;
	}
}

/*
 * setup_clusters() / setup_swap_clusters_info(): the clusters that hold the
 * header, a bad slot or the tail beyond max (their counts are already set)
 * go to nonfull_clusters[0], order 0; every other one to the free list.
 * Column by column (a tree that adds them in index order has one column),
 * each top to bottom.
 */
void sim_cluster_setup(struct sim *sim, uint32_t cols, uint32_t col)
{
	uint32_t rows = (sim->nr_clusters + cols - 1) / cols, i, j, k, idx;

	for (k = 0; k < cols; k++) {
		j = (k + col) % cols;
		for (i = 0; i < rows; i++) {
			idx = i * cols + j;
			if (idx >= sim->nr_clusters)
				continue;
			if (sim->cl[idx].count)
				sim_cluster_move(sim, idx, SIM_L_NONFULL(0),
						 SNAPSHOT_CLUSTER_NONFULL);
			else
				sim_cluster_move(sim, idx, SIM_L_FREE,
						 SNAPSHOT_CLUSTER_FREE);
		}
	}
}

/* __free_cluster(): to the free list, order reset. */
static void sim_cluster_free_now(struct sim *sim, uint32_t ci)
{
	sim_cluster_move(sim, ci, SIM_L_FREE, SNAPSHOT_CLUSTER_FREE);
	sim->cl[ci].order = 0;
}

void sim_cluster_free(struct sim *sim, uint32_t ci)
{
	if (sim->discard) {
		sim_cluster_move(sim, ci, SIM_L_DISCARD, SNAPSHOT_CLUSTER_DISCARD);
		return;
	}
	sim_cluster_free_now(sim, ci);
}

/* The clusters are freed in queue order, their order reset. */
unsigned int sim_cluster_discard_all(struct sim *sim)
{
	unsigned int n = 0;
	uint32_t ci;

	while ((ci = sim->list[SIM_L_DISCARD].head) != SIM_NIL) {
		sim_cluster_list_del(sim, ci);
		sim->cl[ci].flags = SNAPSHOT_CLUSTER_NONE;
		sim_cluster_free_now(sim, ci);
		n++;
	}
	return n;
}
