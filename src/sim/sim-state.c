// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-state.c - the simulator's state: the config checked as swapon would
 * take it, and struct sim with its arrays allocated around a snapshot
 * (sim.c and sim-snap.c fill them: a new device, or a snapshot's), its
 * kernel's policy chosen for good.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim-cache.h"
#include "sim-state.h"

static bool sim_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

int sim_state_config_check(const struct sim_config *cfg, struct diag *d)
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

/* The policy of the tree @kernel names: chosen here, once for good. */
static const struct sim_policy *sim_state_policy(enum sim_kernel kernel)
{
	return kernel == SIM_KERNEL_6_12 ? &sim612_policy : &sim_newest_policy;
}

int sim_state_new(const struct sim_config *cfg, struct snapshot *s,
		  struct sim **out)
{
	const struct sim_policy *policy = sim_state_policy(cfg->kernel);
	struct sim *sim = calloc(1, sizeof(*sim));

	if (!sim)
		return -ENOMEM;
	sim->cfg = *cfg;
	sim->policy = policy;
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
	sim->lists = !cfg->rotational || policy->rotational_lists;
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

void sim_state_free(struct sim *sim)
{
	if (!sim)
		return;
	snapshot_free(sim->s);
	sim_cache_destroy(&sim->cache);
	sim_unmap_state(sim);
	free(sim->pcp);
	free(sim);
}

bool sim_state_vm_swap_full_peers(const struct sim *sim)
{
	uint64_t used = 0, pages = 0, avail;
	unsigned int i;

	for (i = 0; i < sim->nr_peers; i++) {
		used += sim->peers[i]->inuse + sim->peers[i]->reserved;
		pages += sim->peers[i]->pages;
	}
	avail = used >= pages ? 0 : pages - used;
	return avail * 2 < pages;
}
