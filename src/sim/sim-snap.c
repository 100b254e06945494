// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-snap.c - the simulator as a source and as a sink of the model:
 * sim_snapshot() completes its struct snapshot (folios, next hints, info,
 * provenance) so every view reads a simulated device like a dumped one;
 * sim_from_snapshot() takes a model from any source and rebuilds what
 * only the allocator keeps (lists, hints, the folio table).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/info.h"
#include "sim-cache.h"
#include "sim-cluster.h"
#include "sim-entries.h"
#include "sim-scan.h"
#include "sim-state.h"

struct sim_folio_rec {
	uint32_t offset;
	unsigned int order;
};

static int sim_folio_rec_cmp(const void *a, const void *b)
{
	const struct sim_folio_rec *x = a, *y = b;

	return (x->offset > y->offset) - (x->offset < y->offset);
}

/*
 * The swap cache as the snapshot's folio table: the large folios, and an
 * order-0 folio for each cached slot none of them covers. Also tells
 * which optional bits the map uses.
 */
static int sim_snapshot_folios(struct sim *sim, unsigned int *files)
{
	struct snapshot *s = sim->s;
	struct sim_folio_rec *large = NULL;
	size_t n = 0, j = 0;
	uint32_t i, off;
	unsigned int order;
	uint16_t any = 0;
	int rc = 0;

	s->nr_folios = 0;
	s->strings_len = 0;
	if (sim->cache.nr) {
		large = malloc(sim->cache.nr * sizeof(*large));
		if (!large)
			return -ENOMEM;
		for (i = 0; i <= sim->cache.mask; i++) {
			if (!sim_cache_at(&sim->cache, i, &off, &order))
				continue;
			large[n].offset = off;
			large[n++].order = order;
		}
		qsort(large, n, sizeof(*large), sim_folio_rec_cmp);
	}
	for (i = 0; i < sim->max && !rc; i++) {
		any |= sim->slots[i];
		if (!(sim->slots[i] & SNAPSHOT_SLOT_CACHED))
			continue;
		while (j < n && large[j].offset + (1u << large[j].order) <= i)
			j++;
		if (j < n && large[j].offset <= i) {
			rc = snapshot_add_folio(s, i, large[j].order,
						SNAPSHOT_FOLIO_UPTODATE, NULL);
			i += (1u << large[j].order) - 1;
			j++;
			continue;
		}
		rc = snapshot_add_folio(s, i, 0, SNAPSHOT_FOLIO_UPTODATE, NULL);
	}
	free(large);
	*files = SNAPSHOT_HAS_CACHE | SNAPSHOT_HAS_ORDERS | SNAPSHOT_HAS_NEXT;
	if (any & SNAPSHOT_SLOT_ZERO)
		*files |= SNAPSHOT_HAS_ZEROMAP;
	if (any & SNAPSHOT_SLOT_ZSWAP)
		*files |= SNAPSHOT_HAS_ZSWAP;
	return rc;
}

/*
 * Next hints: per CPU on solid-state devices, the global cluster's on
 * rotational ones in the newest tree (v6.12 had none there). A hint at
 * max (an allocation that ended the last, partial cluster) names no slot
 * a dump could hold; it is left out.
 */
static int sim_snapshot_next(struct sim *sim)
{
	struct snapshot *s = sim->s;
	unsigned int cpu, o;
	uint32_t off;
	int rc;

	s->nr_next = 0;
	for (cpu = 0; sim->ssd && cpu < sim->cfg.cpus; cpu++) {
		for (o = 0; o < sim->nr_orders; o++) {
			off = sim->pcp[cpu * sim->nr_orders + o];
			if (!off || off >= sim->max)
				continue;
			rc = snapshot_add_next(s, (int32_t)cpu, o, off);
			if (rc)
				return rc;
		}
	}
	for (o = 0; !sim->ssd && sim->policy->global_cluster &&
	     o < sim->nr_orders; o++) {
		off = sim->global_next[o];
		if (!off || off >= sim->max)
			continue;
		rc = snapshot_add_next(s, SNAPSHOT_NEXT_GLOBAL, o, off);
		if (rc)
			return rc;
	}
	return 0;
}

/* swap_info_struct->flags as swapon leaves them for this device. */
static uint64_t sim_swp_flags(const struct sim *sim)
{
	uint64_t f = SIM_SWP_USED | SIM_SWP_WRITEOK;

	if (sim->ssd)
		f |= SIM_SWP_SOLIDSTATE;
	if (sim->blkdev)
		f |= SIM_SWP_BLKDEV;
	if (sim->discard)
		f |= SIM_SWP_DISCARDABLE | SIM_SWP_PAGE_DISCARD;
	if (sim->cfg.synchronous_io)
		f |= SIM_SWP_SYNCHRONOUS_IO;
	return f;
}

static int sim_snapshot_info(struct sim *sim)
{
	struct snapshot *s = sim->s;
	struct info_device dev = {
		.max = sim->max,
		.pages = sim->pages,
		.inuse_pages = sim->inuse,
		.page_size = sim->cfg.page_size,
		.cluster_size = sim->cs,
		.nr_orders = sim->nr_orders,
		.flags = sim_swp_flags(sim),
	};
	struct info_error e;
	int rc;

	if ((rc = info_set_device(s, sim->policy->kernel, sim->policy->era,
				  &dev)) ||
	    (rc = snapshot_info_set(s, "rotational", sim->ssd ? "0" : "1")))
		return rc;
	/* our own keys: a refusal here is a bug, not bad input */
	return info_apply(s, &e) ? -EUCLEAN : 0;
}

int sim_snapshot(struct sim *sim, const struct snapshot **out)
{
	struct snapshot *s;
	unsigned int files = 0;
	uint32_t clash;
	int rc;

	if (!sim || !out)
		return -EINVAL;
	s = sim->s;
	if ((rc = sim_snapshot_folios(sim, &files)) ||
	    (rc = sim_snapshot_next(sim)) || (rc = sim_snapshot_info(sim)))
		return rc;
	if ((rc = snapshot_set_string(&s->prov.source_kind, "sim")))
		return rc;
	s->prov.step = (int64_t)sim->ops;
	s->files = files;
	if (snapshot_finish(s, &clash))
		return -EUCLEAN;
	*out = s;
	return 0;
}

/* ---- sim_from_snapshot ------------------------------------------------------ */

/* The snapshot's geometry must be the config's. */
static int sim_from_geometry(const struct snapshot *s,
			     const struct sim_config *cfg, struct diag *d)
{
	const struct snapshot_device *dev = &s->dev;

	if (!s->slots || !s->clusters || !dev->max)
		return diag_line(d, "snapshot", 0, "sim-from-geometry",
				 "the snapshot has no device");
	if (dev->max != cfg->slots)
		return diag_line(d, "snapshot", 0, "sim-from-geometry",
				 "max %u, but the config has %u slots",
				 dev->max, cfg->slots);
	if (dev->cluster_size != cfg->cluster_size)
		return diag_line(d, "snapshot", 0, "sim-from-geometry",
				 "cluster_size %u, but the config has %u",
				 dev->cluster_size, cfg->cluster_size);
	if (dev->page_size != cfg->page_size)
		return diag_line(d, "snapshot", 0, "sim-from-geometry",
				 "page_size %u, but the config has %u",
				 dev->page_size, cfg->page_size);
	return 0;
}

/*
 * Kernels before 6.15 memset a cluster queued for discard to
 * SWAP_MAP_BAD with ci->count 0: such a cluster is a discard cluster with
 * free slots (or, on a device without discard, a free one).
 */
static void sim_from_discard_memset(struct sim *sim, uint32_t ci)
{
	struct snapshot_cluster *c = &sim->cl[ci];
	uint32_t i, end = snapshot_cluster_end(sim->s, ci);

	if (c->count || !ci || snapshot_cluster_tail(sim->s, ci) ||
	    (c->flags != SNAPSHOT_CLUSTER_NONE &&
	     c->flags != SNAPSHOT_CLUSTER_DISCARD))
		return;
	for (i = sim_cluster_first(sim, ci); i < end; i++)
		if (sim->slots[i] != SNAPSHOT_SLOT_BAD)
			return;
	for (i = sim_cluster_first(sim, ci); i < end; i++)
		sim->slots[i] = 0;
	c->flags = SNAPSHOT_CLUSTER_DISCARD;
}

/* Slots: bad ones unused, backing bits only on slots in use. */
static int sim_from_slots(struct sim *sim, struct diag *d)
{
	uint64_t bad = 0, inuse = 0;
	uint32_t i, ci;
	uint16_t w;

	for (ci = 0; ci < sim->nr_clusters; ci++)
		sim_from_discard_memset(sim, ci);
	if (!(sim->slots[0] & SNAPSHOT_SLOT_BAD))
		return diag_line(d, "snapshot", 0, "sim-from-header",
				 "slot 0 (the header) is not bad");
	for (i = 0; i < sim->max; i++) {
		w = sim->slots[i];
		if (!(w & SNAPSHOT_SLOT_NONFREE))
			sim->slots[i] = w & (uint16_t)~(SNAPSHOT_SLOT_ZERO |
							 SNAPSHOT_SLOT_ZSWAP);
		if (!(w & SNAPSHOT_SLOT_BAD)) {
			inuse += !!(w & SNAPSHOT_SLOT_NONFREE);
			if (sim_cache_only(w))
				sim->ci[i >> sim->shift].cache_only++;
			continue;
		}
		bad++;
		if (w & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED))
			return diag_line(d, "snapshot", 0, "sim-from-bad",
					 "slot %u is bad but in use",
					 i);
	}
	if (bad >= sim->max)
		return diag_line(d, "snapshot", 0, "sim-from-bad",
				 "every slot is bad");
	if (bad > 1 && sim->cfg.swapfile)
		return diag_line(d, "snapshot", 0, "sim-from-bad",
				 "a swap file with %u bad slots",
				 (uint32_t)bad - 1);
	sim->pages = sim->max - bad;
	sim->inuse = inuse;
	for (i = 1; i < sim->max && (sim->slots[i] & SNAPSHOT_SLOT_NONFREE); i++)
		;
	sim->lowest = i;
	return 0;
}

/* Runs that hold a free slot (or have no head) describe nothing held now. */
static void sim_from_runs(struct sim *sim)
{
	uint32_t i = 0, j, len;
	bool held;
	int k;

	while (i < sim->max) {
		k = snapshot_slot_order(sim->slots[i]);
		if (k < 0) {
			i++;
			continue;
		}
		if (!(sim->slots[i] & SNAPSHOT_SLOT_HEAD)) {
			sim->slots[i++] &= (uint16_t)~SIM_SLOT_RUN;
			continue;
		}
		len = 1u << k;
		held = true;
		for (j = i; j < i + len && j < sim->max; j++)
			if (!(sim->slots[j] & SNAPSHOT_SLOT_NONFREE) ||
			    (sim->slots[j] & SNAPSHOT_SLOT_BAD))
				held = false;
		if (!held)
			sim_entries_dissolve_run(sim, i);
		i += len;
	}
}

/*
 * Counts against slots, flags against counts and orders. A cluster off
 * every list (flag none: eras A and B, or isolated at capture) goes where
 * the free side would put it: free, full, or nonfull of its order.
 */
static int sim_from_clusters(struct sim *sim, struct diag *d)
{
	struct snapshot_cluster *c;
	uint32_t ci, i, end, nonfree;
	bool marked;

	for (ci = 0; ci < sim->nr_clusters; ci++) {
		c = &sim->cl[ci];
		end = snapshot_cluster_end(sim->s, ci);
		nonfree = snapshot_cluster_tail(sim->s, ci);
		marked = nonfree > 0;
		for (i = sim_cluster_first(sim, ci); i < end; i++) {
			nonfree += !!(sim->slots[i] & SNAPSHOT_SLOT_NONFREE);
			marked |= !!(sim->slots[i] & SNAPSHOT_SLOT_BAD);
		}
		if (c->count != nonfree)
			return diag_line(d, "snapshot", 0, "sim-from-count",
					 "cluster %u: count %u, but %u slots are not free",
					 ci, c->count, nonfree);
		if (c->order >= sim->nr_orders || (marked && c->order))
			return diag_line(d, "snapshot", 0, "sim-from-order",
					 "cluster %u: order %u (nr_orders %u; clusters with the header, bad slots or the tail are order 0)",
					 ci, c->order, sim->nr_orders);
		if (!sim->lists) {
			c->flags = SNAPSHOT_CLUSTER_NONE;
			c->order = 0;
			continue;
		}
		switch (c->flags) {
		case SNAPSHOT_CLUSTER_NONE:
			c->flags = !c->count ? SNAPSHOT_CLUSTER_FREE :
				   c->count == sim->cs ? SNAPSHOT_CLUSTER_FULL :
				   SNAPSHOT_CLUSTER_NONFULL;
			if (!c->count)
				c->order = 0;
			break;
		case SNAPSHOT_CLUSTER_FREE:
		case SNAPSHOT_CLUSTER_DISCARD:
			if (c->count || (c->flags == SNAPSHOT_CLUSTER_FREE && c->order))
				goto mismatch;
			if (!sim->discard) {
				c->flags = SNAPSHOT_CLUSTER_FREE;
				c->order = 0;
			}
			break;
		case SNAPSHOT_CLUSTER_FULL:
			if (c->count != sim->cs)
				goto mismatch;
			break;
		case SNAPSHOT_CLUSTER_NONFULL:
		case SNAPSHOT_CLUSTER_FRAG:
			if (!c->count || c->count == sim->cs)
				goto mismatch;
			break;
		default:
			goto mismatch;
		}
		continue;
mismatch:
		return diag_line(d, "snapshot", 0, "sim-from-flags",
				 "cluster %u: flag %u contradicts count %u",
				 ci, c->flags, c->count);
	}
	return 0;
}

/* The snapshot's folios into the folio table; cached slots must agree. */
static int sim_from_folios(struct sim *sim, struct diag *d)
{
	const struct snapshot_folio *f;
	uint32_t clash, nr, i;
	size_t n;
	int rc;

	if (snapshot_finish(sim->s, &clash))
		return diag_line(d, "snapshot", 0, "sim-from-folio",
				 "folio at slot %u overlaps another or passes max",
				 clash);
	for (n = 0; n < sim->s->nr_folios; n++) {
		f = &sim->s->folios[n];
		nr = 1u << f->order;
		if (f->order >= sim->nr_orders || (f->offset & (nr - 1)))
			return diag_line(d, "snapshot", 0, "sim-from-folio",
					 "folio at slot %u of order %u is misaligned or too large",
					 f->offset, f->order);
		for (i = f->offset; i < f->offset + nr; i++)
			if (!(sim->slots[i] & SNAPSHOT_SLOT_CACHED))
				return diag_line(d, "snapshot", 0, "sim-from-folio",
						 "folio at slot %u of order %u covers slot %u, which is not cached",
						 f->offset, f->order, i);
		if (!f->order)
			continue;
		rc = sim_cache_reserve(&sim->cache, 1);
		if (rc)
			return rc;
		sim_cache_add_large(sim, f->offset, f->order);
	}
	return 0;
}

/*
 * Hints that fit: per-CPU ones on a solid-state device for CPUs the
 * config has, the global ones on a rotational device in the newest tree;
 * an order the device has, aligned to it, a slot below max, no order > 0
 * on a swap file (the kernel never leaves such a hint).
 */
static void sim_from_next(struct sim *sim)
{
	const struct snapshot_next *h;
	size_t i;

	for (i = 0; i < sim->s->nr_next; i++) {
		h = &sim->s->next[i];
		if (h->order >= sim->nr_orders || !h->offset ||
		    h->offset >= sim->max || (h->offset & ((1u << h->order) - 1)) ||
		    (h->order && !sim->blkdev))
			continue;
		if (h->cpu == SNAPSHOT_NEXT_GLOBAL) {
			if (!sim->ssd && sim->policy->global_cluster)
				sim->global_next[h->order] = h->offset;
		} else if (sim->ssd && h->cpu >= 0 &&
			   (uint32_t)h->cpu < sim->cfg.cpus) {
			sim->pcp[(uint32_t)h->cpu * sim->nr_orders + h->order] =
				h->offset;
		}
	}
}

int sim_from_snapshot(struct snapshot *s, const struct sim_config *cfg,
		      struct sim **out, struct diag *d)
{
	struct sim *sim = NULL;
	int rc;

	*out = NULL;
	if (!s)
		return -EINVAL;
	rc = sim_state_config_check(cfg, d);
	if (!rc)
		rc = sim_from_geometry(s, cfg, d);
	if (!rc)
		rc = sim_state_new(cfg, s, &sim);
	if (rc) {
		snapshot_free(s);
		return rc;
	}
	/* SWAP_MAP_SHMEM (eras <= D) was a count of one, which the map has */
	free(s->shmem);
	s->shmem = NULL;
	s->nr_shmem = s->alloc_shmem = 0;
	if ((rc = sim_from_slots(sim, d)) || (rc = sim_from_clusters(sim, d)) ||
	    (rc = sim_from_folios(sim, d))) {
		sim_state_free(sim);
		return rc;
	}
	sim_from_runs(sim);
	sim_from_next(sim);
	sim_scan_map_all(sim);
	sim_cluster_rebuild(sim);
	sim->ops = s->prov.step > 0 ? (uint64_t)s->prov.step : 0;
	sim->user_diag = d;
	*out = sim;
	return 0;
}
