// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-check.c - sim_check(): every invariant of the simulator's state,
 * recomputed from the slot words rather than trusted from the counters,
 * so a test that runs it after each operation catches the first step
 * that went wrong and names the cluster or slot.
 */
#include <errno.h>
#include <stdlib.h>

#include "sim-cache.h"
#include "sim-check.h"
#include "sim-cluster.h"
#include "sim-state.h"

#define CHECK_FILE	"sim"

/* The free map of cluster @ci against its slots (clear at and beyond max). */
static int sim_check_summary(const struct sim *sim, uint32_t ci, struct diag *d)
{
	uint64_t i = sim_cluster_first(sim, ci), end = i + sim->cs;
	bool bit, is_free;

	for (; i < end; i++) {
		bit = sim->fmap[i >> 6] >> (i & 63) & 1;
		is_free = i < sim->max && !(sim->slots[i] & SNAPSHOT_SLOT_NONFREE);
		if (bit != is_free)
			return diag_line(d, CHECK_FILE, 0, "sim-summary",
					 "cluster %u: the free map says slot %llu is %s, but it is %s",
					 ci, (unsigned long long)i,
					 bit ? "free" : "in use",
					 is_free ? "free" : "in use");
	}
	return 0;
}

/* Counts, cache-only slots, bad slots and backing bits, cluster by cluster. */
static int sim_check_slots(const struct sim *sim, struct diag *d)
{
	uint64_t inuse = 0, bad_total = 0;
	uint32_t ci, i, lim, nonfree, co, bad;
	uint16_t w;

	if (!(sim->slots[0] & SNAPSHOT_SLOT_BAD))
		return diag_line(d, CHECK_FILE, 0, "sim-header",
				 "slot 0 (the header) is not marked bad");
	for (ci = 0; ci < sim->nr_clusters; ci++) {
		i = sim_cluster_first(sim, ci);
		lim = snapshot_cluster_end(sim->s, ci);
		nonfree = snapshot_cluster_tail(sim->s, ci);
		co = bad = 0;
		for (; i < lim; i++) {
			w = sim->slots[i];
			if (w & SNAPSHOT_SLOT_NONFREE)
				nonfree++;
			if (sim_cache_only(w))
				co++;
			if ((w & (SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)) &&
			    !(w & SNAPSHOT_SLOT_NONFREE))
				return diag_line(d, CHECK_FILE, 0, "sim-slot-backing",
						 "slot %u is free but still marked zero or zswap",
						 i);
			if (!(w & SNAPSHOT_SLOT_BAD)) {
				inuse += !!(w & SNAPSHOT_SLOT_NONFREE);
				continue;
			}
			bad++;
			if (w & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED))
				return diag_line(d, CHECK_FILE, 0, "sim-bad-in-use",
						 "slot %u is bad but counted or cached",
						 i);
		}
		bad_total += bad;
		if (sim_check_summary(sim, ci, d))
			return -EUCLEAN;
		if (sim->cl[ci].count != nonfree)
			return diag_line(d, CHECK_FILE, 0, "sim-cluster-count",
					 "cluster %u: count %u, but %u slots are not free (tail included)",
					 ci, sim->cl[ci].count, nonfree);
		if (sim->ci[ci].cache_only != co)
			return diag_line(d, CHECK_FILE, 0, "sim-cluster-cache-only",
					 "cluster %u: %u cache-only slots recorded, %u found",
					 ci, sim->ci[ci].cache_only, co);
		if ((bad || snapshot_cluster_tail(sim->s, ci)) && sim->cl[ci].order)
			return diag_line(d, CHECK_FILE, 0, "sim-cluster-order",
					 "cluster %u holds the header, a bad slot or the tail but has order %u",
					 ci, sim->cl[ci].order);
	}
	if (inuse != sim->inuse)
		return diag_line(d, CHECK_FILE, 0, "sim-inuse",
				 "inuse_pages %llu, but %llu slots are in use",
				 (unsigned long long)sim->inuse,
				 (unsigned long long)inuse);
	if (sim->pages != sim->max - bad_total)
		return diag_line(d, CHECK_FILE, 0, "sim-pages",
				 "pages %llu, but max %u less %llu bad slots",
				 (unsigned long long)sim->pages, sim->max,
				 (unsigned long long)bad_total);
	return 0;
}

/* Known runs: a head, one order throughout, every slot held, no overlap. */
static int sim_check_runs(const struct sim *sim, struct diag *d)
{
	uint32_t i = 0, j, len;
	uint16_t w, bits;
	int k;

	while (i < sim->max) {
		w = sim->slots[i];
		k = snapshot_slot_order(w);
		if (k < 0) {
			i++;
			continue;
		}
		if (!(w & SNAPSHOT_SLOT_HEAD))
			return diag_line(d, CHECK_FILE, 0, "sim-run",
					 "slot %u is in a run of order %d that has no head",
					 i, k);
		len = 1u << k;
		if ((uint64_t)i + len > sim->max)
			return diag_line(d, CHECK_FILE, 0, "sim-run",
					 "run at slot %u of order %d passes max", i, k);
		bits = w & SNAPSHOT_SLOT_ORDER;
		for (j = i; j < i + len; j++) {
			w = sim->slots[j];
			if ((w & SNAPSHOT_SLOT_ORDER) != bits ||
			    (j > i && (w & SNAPSHOT_SLOT_HEAD)))
				return diag_line(d, CHECK_FILE, 0, "sim-run",
						 "run at slot %u of order %d is broken at slot %u",
						 i, k, j);
			if (!(w & SNAPSHOT_SLOT_NONFREE) || (w & SNAPSHOT_SLOT_BAD))
				return diag_line(d, CHECK_FILE, 0, "sim-run-free",
						 "run at slot %u of order %d holds slot %u, which is not in use",
						 i, k, j);
		}
		i += len;
	}
	return 0;
}

/* Flags agree with counts and orders; each cluster is on its flag's list. */
static int sim_check_clusters(const struct sim *sim, struct diag *d)
{
	const struct snapshot_cluster *c;
	const char *why = NULL;
	uint32_t ci;

	for (ci = 0; ci < sim->nr_clusters; ci++) {
		c = &sim->cl[ci];
		if (c->order >= sim->nr_orders)
			why = "an order the device does not have";
		else if (!sim->lists)
			why = c->flags ? "a flag on a device without cluster lists" :
			      c->order ? "an order on a device without cluster lists" :
			      NULL;
		else if (c->flags == SNAPSHOT_CLUSTER_NONE)
			why = "no list outside an operation";
		else if (c->flags == SNAPSHOT_CLUSTER_FREE && (c->count || c->order))
			why = "free with a count or an order";
		else if (c->flags == SNAPSHOT_CLUSTER_FULL && c->count != sim->cs)
			why = "full without being full";
		else if ((c->flags == SNAPSHOT_CLUSTER_NONFULL ||
			  c->flags == SNAPSHOT_CLUSTER_FRAG) &&
			 (!c->count || c->count == sim->cs))
			why = "nonfull or frag while empty or full";
		else if (c->flags == SNAPSHOT_CLUSTER_DISCARD &&
			 (c->count || !sim->discard))
			why = "discard while in use or on a device without discard";
		else if (c->flags > SNAPSHOT_CLUSTER_DISCARD)
			why = "a flag outside the enum";
		else if (sim->ci[ci].list != sim_cluster_list_of(c))
			why = "on a list its flag does not name";
		if (why)
			return diag_line(d, CHECK_FILE, 0, "sim-cluster-flags",
					 "cluster %u: flag %s, count %u, order %u: %s",
					 ci, snapshot_cluster_flag_name(c->flags),
					 c->count, c->order, why);
	}
	return 0;
}

/* The lists themselves: links, lengths, every cluster on one. */
static int sim_check_lists(const struct sim *sim, struct diag *d)
{
	uint64_t total = 0;
	uint32_t ci, prev, n;
	unsigned int li;

	for (li = 0; li < SIM_NR_LISTS; li++) {
		prev = SIM_NIL;
		n = 0;
		for (ci = sim->list[li].head; ci != SIM_NIL; ci = sim->ci[ci].next) {
			if (ci >= sim->nr_clusters || n > sim->nr_clusters ||
			    sim->ci[ci].list != li || sim->ci[ci].prev != prev)
				return diag_line(d, CHECK_FILE, 0, "sim-list",
						 "list %u is broken at cluster %u", li, ci);
			prev = ci;
			n++;
		}
		if (prev != sim->list[li].tail || n != sim->list[li].nr)
			return diag_line(d, CHECK_FILE, 0, "sim-list",
					 "list %u: %u clusters linked, %u recorded",
					 li, n, sim->list[li].nr);
		total += n;
	}
	if (sim->lists && total != sim->nr_clusters)
		return diag_line(d, CHECK_FILE, 0, "sim-list",
				 "%llu of %u clusters are on lists",
				 (unsigned long long)total, sim->nr_clusters);
	for (li = 0; sim->policy->frag_cluster_nr && li < sim->nr_orders; li++)
		if (sim->frag_nr[li] != sim->list[SIM_L_FRAG(li)].nr)
			return diag_line(d, CHECK_FILE, 0, "sim-frag-nr",
					 "frag_cluster_nr[%u] is %u, the list holds %u",
					 li, sim->frag_nr[li],
					 sim->list[SIM_L_FRAG(li)].nr);
	return 0;
}

/* One large folio: aligned, in one cluster, cached, overlapping no other. */
static int sim_check_folio(const struct sim *sim, uint32_t off,
			   unsigned int order, struct diag *d)
{
	uint32_t nr = 1u << order, i;

	if (!order || order >= sim->nr_orders || (off & (nr - 1)) ||
	    (uint64_t)off + nr > sim->max)
		return diag_line(d, CHECK_FILE, 0, "sim-folio",
				 "folio at slot %u of order %u is misaligned or out of the device",
				 off, order);
	for (i = off; i < off + nr; i++) {
		if (!(sim->slots[i] & SNAPSHOT_SLOT_CACHED) ||
		    (sim->slots[i] & SNAPSHOT_SLOT_BAD))
			return diag_line(d, CHECK_FILE, 0, "sim-folio",
					 "folio at slot %u of order %u covers slot %u, which is not cached",
					 off, order, i);
		if (i > off && sim_cache_get(&sim->cache, i))
			return diag_line(d, CHECK_FILE, 0, "sim-folio",
					 "folio at slot %u of order %u overlaps the folio at slot %u",
					 off, order, i);
	}
	return 0;
}

static int sim_check_folios(const struct sim *sim, struct diag *d)
{
	uint16_t *nr_large;
	uint8_t *max_order;
	uint32_t i, off, ci;
	uint64_t n = 0;
	unsigned int order;
	int rc = 0;

	nr_large = calloc(sim->nr_clusters, sizeof(*nr_large));
	max_order = calloc(sim->nr_clusters, sizeof(*max_order));
	if (!nr_large || !max_order) {
		free(nr_large);
		free(max_order);
		return -ENOMEM;
	}
	for (i = 0; sim->cache.tab && i <= sim->cache.mask && !rc; i++) {
		if (!sim_cache_at(&sim->cache, i, &off, &order))
			continue;
		rc = sim_check_folio(sim, off, order, d);
		n++;
		ci = off >> sim->shift;
		nr_large[ci]++;
		if (order > max_order[ci])
			max_order[ci] = (uint8_t)order;
	}
	if (!rc && n != sim->cache.nr)
		rc = diag_line(d, CHECK_FILE, 0, "sim-folio",
			       "folio table holds %llu folios, records %u",
			       (unsigned long long)n, sim->cache.nr);
	for (ci = 0; !rc && ci < sim->nr_clusters; ci++)
		if (nr_large[ci] != sim->ci[ci].nr_large ||
		    max_order[ci] > sim->ci[ci].large_max)
			rc = diag_line(d, CHECK_FILE, 0, "sim-folio",
				       "cluster %u: %u large folios of order up to %u, %u up to %u recorded",
				       ci, nr_large[ci], max_order[ci],
				       sim->ci[ci].nr_large, sim->ci[ci].large_max);
	free(nr_large);
	free(max_order);
	return rc;
}

/* Next hints: inside the clusters, aligned to their order. */
static int sim_check_hint(const struct sim *sim, int cpu, unsigned int order,
			  uint32_t off, struct diag *d)
{
	if (!off)
		return 0;
	if ((uint64_t)off >= (uint64_t)sim->nr_clusters << sim->shift ||
	    (off & ((1u << order) - 1)))
		return diag_line(d, CHECK_FILE, 0, "sim-hint",
				 "next offset %u of cpu %d order %u is outside the device or misaligned",
				 off, cpu, order);
	return 0;
}

static int sim_check_hints(const struct sim *sim, struct diag *d)
{
	unsigned int cpu, o;
	uint32_t i;
	int rc;

	for (cpu = 0; cpu < sim->cfg.cpus; cpu++)
		for (o = 0; o < sim->nr_orders; o++)
			if ((rc = sim_check_hint(sim, (int)cpu, o,
						 sim->pcp[cpu * sim->nr_orders + o], d)))
				return rc;
	for (o = 0; o < sim->nr_orders; o++)
		if ((rc = sim_check_hint(sim, SNAPSHOT_NEXT_GLOBAL, o,
					 sim->global_next[o], d)))
			return rc;
	for (i = 1; !sim->lists && i < sim->lowest && i < sim->max; i++)
		if (!(sim->slots[i] & SNAPSHOT_SLOT_NONFREE))
			return diag_line(d, CHECK_FILE, 0, "sim-lowest",
					 "slot %u is free below lowest_bit %u",
					 i, sim->lowest);
	if (sim->reserved || sim->locked != SIM_NIL)
		return diag_line(d, CHECK_FILE, 0, "sim-idle",
				 "an operation left its reservation or folio lock behind");
	return 0;
}

int sim_check_diag(const struct sim *sim, struct diag *d)
{
	int rc;

	if ((rc = sim_check_slots(sim, d)) || (rc = sim_check_runs(sim, d)) ||
	    (rc = sim_check_clusters(sim, d)) || (rc = sim_check_lists(sim, d)) ||
	    (rc = sim_check_folios(sim, d)) || (rc = sim_check_hints(sim, d)))
		return rc == -EINVAL ? -EUCLEAN : rc;
	return 0;
}
