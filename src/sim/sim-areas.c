// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-areas.c - several swap areas (sim-areas.h): one struct sim each, the
 * avail list the kernel walks to pick one for an allocation, the per-CPU
 * area of the newest tree's fast path, and every other operation routed
 * to the area of its swap entry.
 *
 * The avail list is kept as the kernel keeps swap_avail_head: the areas
 * not exactly full, by priority, each visit moving the area behind the
 * others of its priority (plist_requeue()), a full area off the list and
 * back behind its priority on its first free.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/info.h"
#include "swapfs/sim-areas.h"
#include "sim-state.h"
#include "sim-step.h"

/* The newest tree's DEF_SWAP_PRIO; v6.12 counted down from -1. */
#define SIM_AREAS_DEF_PRIO	(-1)
/* No area in percpu_swap_cluster.si[order] yet. */
#define SIM_AREAS_NONE		0xffu

struct sim_areas {
	struct sim *sim[SIM_AREAS_MAX];
	unsigned int n;
	bool newest;
	int prio[SIM_AREAS_MAX];	/* as /proc/swaps shows it */
	/*
	 * The avail list's priority of each area: its own prio=, or -1 for
	 * every area without one (newest: DEF_SWAP_PRIO; v6.12: avail-list
	 * priority 1 on its node, below every prio= >= 0).
	 */
	int key[SIM_AREAS_MAX];
	uint8_t avail[SIM_AREAS_MAX];	/* swap_avail_head, in order */
	unsigned int nr_avail;
	bool on_avail[SIM_AREAS_MAX];
	uint8_t try_order[SIM_AREAS_MAX];	/* at swapon: prio, then type */
	/* percpu_swap_cluster.si[order] of each CPU (newest) */
	uint8_t *pcp_si;
	unsigned int cpus, nr_orders;
	unsigned int last;	/* area of the last allocation or failure */
	uint64_t ops;
};

/* ---- the avail list ------------------------------------------------------ */

static unsigned int sim_areas_avail_pos(const struct sim_areas *g,
					unsigned int type)
{
	unsigned int i;

	for (i = 0; i < g->nr_avail && g->avail[i] != type; i++)
		;
	return i;
}

static void sim_areas_avail_del(struct sim_areas *g, unsigned int type)
{
	unsigned int i = sim_areas_avail_pos(g, type);

	if (i == g->nr_avail)
		return;
	memmove(&g->avail[i], &g->avail[i + 1], g->nr_avail - i - 1);
	g->nr_avail--;
	g->on_avail[type] = false;
}

/* plist_add(): behind every area of the same or a higher priority. */
static void sim_areas_avail_add(struct sim_areas *g, unsigned int type)
{
	unsigned int i;

	for (i = 0; i < g->nr_avail && g->key[g->avail[i]] >= g->key[type]; i++)
		;
	memmove(&g->avail[i + 1], &g->avail[i], g->nr_avail - i);
	g->avail[i] = (uint8_t)type;
	g->nr_avail++;
	g->on_avail[type] = true;
}

/* plist_requeue(): behind the others of its priority. */
static void sim_areas_requeue(struct sim_areas *g, unsigned int type)
{
	sim_areas_avail_del(g, type);
	sim_areas_avail_add(g, type);
}

/*
 * swap_range_alloc() took the area off the list when inuse_pages reached
 * pages; swap_range_free() puts it back on its first free.
 */
static void sim_areas_settle(struct sim_areas *g, unsigned int type)
{
	const struct sim *a = g->sim[type];
	bool full = a->inuse >= a->pages;

	if (full && g->on_avail[type])
		sim_areas_avail_del(g, type);
	else if (!full && !g->on_avail[type])
		sim_areas_avail_add(g, type);
}

/* ---- choosing the area of an allocation -------------------------------- */

/* What one allocation asks of each area it tries. */
struct sim_areas_req {
	unsigned int cpu, order, mapcount;
	bool swap_out;		/* sim_swap_out_step(), else the folio alone */
	bool keep_cached;
};

static int sim_areas_step(struct sim_areas *g, unsigned int type,
			  const struct sim_areas_req *q,
			  enum sim_alloc_step step, uint32_t *entry)
{
	struct sim *a = g->sim[type];
	uint32_t off = 0;
	int rc;

	if (q->swap_out)
		rc = sim_swap_out_step(a, q->cpu, q->order, q->mapcount,
				       q->keep_cached, step, &off);
	else
		rc = sim_folio_alloc_step(a, q->cpu, q->order, step, &off);
	sim_areas_settle(g, type);
	g->last = type;
	if (!rc)
		*entry = sim_entry(type, off);
	return rc;
}

/*
 * swap_alloc_fast() (newest): the area of this CPU's cluster for the
 * order, if any; its own per-CPU offset says where.
 */
static int sim_areas_fast(struct sim_areas *g, const struct sim_areas_req *q,
			  uint32_t *entry)
{
	unsigned int type;

	if (!g->newest)
		return -ENOSPC;
	type = g->pcp_si[q->cpu * g->nr_orders + q->order];
	if (type == SIM_AREAS_NONE)
		return -ENOSPC;
	return sim_areas_step(g, type, q, SIM_ALLOC_FAST, entry);
}

/*
 * One area's turn in the slow path. alloc_swap_scan_cluster() of a
 * solid-state area writes percpu_swap_cluster.si[order] (and the offset)
 * for every cluster it scans, found or not (sim->pcp_writes counts them).
 */
static int sim_areas_slow_one(struct sim_areas *g, unsigned int type,
			      const struct sim_areas_req *q, uint32_t *entry)
{
	uint64_t writes = g->sim[type]->pcp_writes;
	int rc;

	rc = sim_areas_step(g, type, q, SIM_ALLOC_SLOW, entry);
	if (g->newest && g->sim[type]->pcp_writes != writes)
		g->pcp_si[q->cpu * g->nr_orders + q->order] = (uint8_t)type;
	return rc;
}

/*
 * swap_alloc_slow() (newest) and get_swap_pages() (v6.12): the avail list
 * from its head, each area requeued before it is tried (the kernel's
 * plist_for_each_entry_safe() takes the next one before the requeue); a
 * large folio stops after the first area, order 0 after the last.
 */
static int sim_areas_slow(struct sim_areas *g, const struct sim_areas_req *q,
			  uint32_t *entry)
{
	bool seen[SIM_AREAS_MAX] = { false };
	unsigned int cur, pos;
	int next, rc = -ENOSPC;

	if (!g->nr_avail) {
		g->last = g->try_order[0];
		return -ENOSPC;
	}
	for (cur = g->avail[0];;) {
		pos = sim_areas_avail_pos(g, cur);
		next = pos + 1 < g->nr_avail ? g->avail[pos + 1] : -1;
		seen[cur] = true;
		sim_areas_requeue(g, cur);
		rc = sim_areas_slow_one(g, cur, q, entry);
		if (rc != -ENOSPC || q->order)
			return rc;
		/* next left the list meanwhile: the kernel starts over */
		if (next >= 0 && !g->on_avail[next])
			next = g->nr_avail ? g->avail[0] : -1;
		if (next < 0 || seen[next])
			return -ENOSPC;
		cur = (unsigned int)next;
	}
}

/*
 * swap_sync_discard() (newest): the first area on the avail list with
 * pending discards runs them. Returns whether one did.
 */
static bool sim_areas_sync_discard(struct sim_areas *g)
{
	unsigned int i, type;

	for (i = 0; i < g->nr_avail; i++) {
		type = g->avail[i];
		if (g->sim[type]->discard && sim_discard_work(g->sim[type]))
			return true;
	}
	return false;
}

/*
 * folio_alloc_swap(): the fast path, the slow path, and for order 0 the
 * pending discards and all again (newest); v6.12's get_swap_pages() has
 * its discards inside each area's scan.
 */
static int sim_areas_alloc(struct sim_areas *g, const struct sim_areas_req *q,
			   uint32_t *entry)
{
	int rc;

	for (;;) {
		rc = sim_areas_fast(g, q, entry);
		if (rc == -ENOSPC)
			rc = sim_areas_slow(g, q, entry);
		if (rc != -ENOSPC || q->order || !g->newest ||
		    !sim_areas_sync_discard(g))
			return rc;
	}
}

static int sim_areas_op_end(struct sim_areas *g, int rc)
{
	g->ops++;
	return rc;
}

int sim_areas_folio_alloc_swap(struct sim_areas *g, unsigned int cpu,
			       unsigned int order, uint32_t *entry)
{
	struct sim_areas_req q = { .cpu = cpu, .order = order };

	if (!g || !entry || cpu >= g->cpus || order >= g->nr_orders)
		return -EINVAL;
	return sim_areas_op_end(g, sim_areas_alloc(g, &q, entry));
}

int sim_areas_swap_out(struct sim_areas *g, unsigned int cpu,
		       unsigned int order, unsigned int mapcount,
		       bool keep_cached, uint32_t *entries, unsigned int *nr)
{
	struct sim_areas_req q = {
		.cpu = cpu, .order = order, .mapcount = mapcount,
		.swap_out = true, .keep_cached = keep_cached,
	};
	uint32_t i;
	int rc;

	if (!g || !entries || !nr || cpu >= g->cpus || order >= g->nr_orders)
		return -EINVAL;
	*nr = 0;
	rc = sim_areas_alloc(g, &q, &entries[0]);
	if (rc != -ENOSPC || !order) {
		*nr = !rc;
		return sim_areas_op_end(g, rc);
	}
	/* shrink_folio_list(): count the fallback, split, each page on its own */
	sim_areas_count(g, SIM_SWPOUT_FALLBACK, order);
	q.order = 0;
	for (i = 0; i < (1u << order); i++) {
		rc = sim_areas_alloc(g, &q, &entries[*nr]);
		if (rc)
			return sim_areas_op_end(g, rc);
		(*nr)++;
	}
	return sim_areas_op_end(g, 0);
}

/* ---- operations on the area of an entry -------------------------------- */

/* The area of @entry and its offset; NULL for an entry of no area. */
static struct sim *sim_areas_of(const struct sim_areas *g, uint32_t entry,
				uint32_t *off)
{
	unsigned int type = sim_entry_type(entry);

	if (!g || type >= g->n)
		return NULL;
	*off = sim_entry_offset(entry);
	return g->sim[type];
}

/* The end of an operation on the area of @entry. */
static int sim_areas_done(struct sim_areas *g, uint32_t entry, int rc)
{
	sim_areas_settle(g, sim_entry_type(entry));
	return sim_areas_op_end(g, rc);
}

int sim_areas_folio_dup_swap(struct sim_areas *g, uint32_t entry)
{
	uint32_t off;
	struct sim *a = sim_areas_of(g, entry, &off);

	return a ? sim_areas_done(g, entry, sim_folio_dup_swap(a, off)) : -EINVAL;
}

int sim_areas_swap_dup_entry_direct(struct sim_areas *g, uint32_t entry,
				    uint32_t nr)
{
	uint32_t off;
	struct sim *a = sim_areas_of(g, entry, &off);

	return a ? sim_areas_done(g, entry, sim_swap_dup_entry_direct(a, off, nr)) :
		   -EINVAL;
}

int sim_areas_swap_put_entries_direct(struct sim_areas *g, uint32_t entry,
				      uint32_t nr)
{
	uint32_t off;
	struct sim *a = sim_areas_of(g, entry, &off);

	return a ? sim_areas_done(g, entry, sim_swap_put_entries_direct(a, off, nr)) :
		   -EINVAL;
}

int sim_areas_swap_cache_del_folio(struct sim_areas *g, uint32_t entry)
{
	uint32_t off;
	struct sim *a = sim_areas_of(g, entry, &off);

	return a ? sim_areas_done(g, entry, sim_swap_cache_del_folio(a, off)) :
		   -EINVAL;
}

int sim_areas_swap_in(struct sim_areas *g, unsigned int cpu, uint32_t entry,
		      unsigned int order, unsigned int *got, uint32_t *start)
{
	uint32_t off, first = 0;
	struct sim *a = sim_areas_of(g, entry, &off);
	int rc;

	if (!a || !start)
		return -EINVAL;
	rc = sim_swap_in(a, cpu, off, order, got, &first);
	if (!rc)
		*start = sim_entry(sim_entry_type(entry), first);
	return sim_areas_done(g, entry, rc);
}

int sim_areas_split_folio(struct sim_areas *g, uint32_t entry,
			  unsigned int new_order)
{
	uint32_t off;
	struct sim *a = sim_areas_of(g, entry, &off);

	return a ? sim_areas_done(g, entry, sim_split_folio(a, off, new_order)) :
		   -EINVAL;
}

int sim_areas_set_zswap(struct sim_areas *g, uint32_t entry, uint32_t nr,
			bool on)
{
	uint32_t off;
	struct sim *a = sim_areas_of(g, entry, &off);

	return a ? sim_areas_done(g, entry, sim_set_zswap(a, off, nr, on)) : -EINVAL;
}

int sim_areas_set_zero(struct sim_areas *g, uint32_t entry, uint32_t nr,
		       bool on)
{
	uint32_t off;
	struct sim *a = sim_areas_of(g, entry, &off);

	return a ? sim_areas_done(g, entry, sim_set_zero(a, off, nr, on)) : -EINVAL;
}

unsigned int sim_areas_discard_work(struct sim_areas *g)
{
	unsigned int t, n = 0;

	for (t = 0; g && t < g->n; t++)
		n += sim_discard_work(g->sim[t]);
	if (g)
		g->ops++;
	return n;
}

uint16_t sim_areas_slot(struct sim_areas *g, uint32_t entry)
{
	uint32_t off;
	struct sim *a = sim_areas_of(g, entry, &off);

	return a && off < a->max ? sim_slots(a)[off] : 0;
}

/* ---- the group ---------------------------------------------------------- */

const struct diag *sim_areas_diag(const struct sim_areas *g)
{
	unsigned int t;

	for (t = 0; g && t < g->n; t++)
		if (sim_diag(g->sim[t])->msg[0])
			return sim_diag(g->sim[t]);
	return NULL;
}

unsigned int sim_areas_nr(const struct sim_areas *g)
{
	return g ? g->n : 0;
}

struct sim *sim_areas_sim(const struct sim_areas *g, unsigned int type)
{
	return g && type < g->n ? g->sim[type] : NULL;
}

int sim_areas_prio(const struct sim_areas *g, unsigned int type)
{
	return g && type < g->n ? g->prio[type] : 0;
}

unsigned int sim_areas_try_type(const struct sim_areas *g, unsigned int i)
{
	return g && i < g->n ? g->try_order[i] : 0;
}

uint64_t sim_areas_ops(const struct sim_areas *g)
{
	return g ? g->ops : 0;
}

uint64_t sim_areas_inuse(const struct sim_areas *g)
{
	uint64_t n = 0;
	unsigned int t;

	for (t = 0; g && t < g->n; t++)
		n += sim_inuse(g->sim[t]);
	return n;
}

uint64_t sim_areas_counter(const struct sim_areas *g, enum sim_counter c,
			   unsigned int order)
{
	uint64_t n = 0;
	unsigned int t;

	for (t = 0; g && t < g->n; t++)
		n += sim_counter(g->sim[t], c, order);
	return n;
}

void sim_areas_count(struct sim_areas *g, enum sim_counter c,
		     unsigned int order)
{
	struct sim *a = g->sim[g->last];

	sim_set_counter(a, c, order, sim_counter(a, c, order) + 1);
}

int sim_areas_snapshot(struct sim_areas *g, unsigned int i,
		       const struct snapshot **out)
{
	unsigned int type = sim_areas_try_type(g, i);
	struct snapshot *s;
	struct info_error e;
	char v[4][32];
	int rc;

	if (!g || i >= g->n || !out)
		return -EINVAL;
	rc = sim_snapshot(g->sim[type], out);
	if (rc)
		return rc;
	/* the area owns it; its info keys and step are ours until its next op */
	s = (struct snapshot *)*out;
	snprintf(v[0], sizeof(v[0]), "%u", i);
	snprintf(v[1], sizeof(v[1]), "%u", g->n);
	snprintf(v[2], sizeof(v[2]), "%u", type);
	snprintf(v[3], sizeof(v[3]), "%d", g->prio[type]);
	if ((rc = snapshot_info_set(s, "type", v[2])) ||
	    (rc = snapshot_info_set(s, "prio", v[3])))
		return rc;
	snprintf(v[2], sizeof(v[2]), "sim:area%u", type);
	if ((rc = snapshot_info_set(s, "path", v[2])) ||
	    (rc = snapshot_info_set(s, "area", v[0])) ||
	    (rc = snapshot_info_set(s, "areas", v[1])))
		return rc;
	s->prov.step = (int64_t)g->ops;
	/* our own keys: a refusal here is a bug, not bad input */
	return info_apply(s, &e) ? -EUCLEAN : 0;
}

/* Every area shares what one struct sim cannot differ in from another. */
static int sim_areas_check(const struct sim_area_config *a, unsigned int n,
			   struct diag *d)
{
	const struct sim_config *c0 = &a[0].cfg, *c;
	unsigned int i;

	if (!n || n > SIM_AREAS_MAX)
		return diag_line(d, "sim", 0, "sim-areas",
				"%u areas: 1 to %u can be swapped on", n, SIM_AREAS_MAX);
	for (i = 0; i < n; i++) {
		c = &a[i].cfg;
		if (c->kernel != c0->kernel || c->page_size != c0->page_size ||
		    c->cluster_size != c0->cluster_size || c->cpus != c0->cpus)
			return diag_line(d, "sim", 0, "sim-areas",
					"area %u: kernel, page size, cluster size and CPUs must be those of area 0", i);
		if (n > 1 && c->slots > SIM_AREA_SLOTS_MAX)
			return diag_line(d, "sim", 0, "sim-area-slots",
					"area %u: %" PRIu32 " slots: one of several areas has at most %u",
					i, c->slots, SIM_AREA_SLOTS_MAX);
		if (a[i].has_prio && (a[i].prio < 0 || a[i].prio > SIM_AREA_PRIO_MAX))
			return diag_line(d, "sim", 0, "sim-area-prio",
					"area %u: prio %d: swapon takes 0 to %d",
					i, a[i].prio, SIM_AREA_PRIO_MAX);
	}
	return 0;
}

/*
 * The priorities as swapon sets them (setup_swap_info()), the avail list
 * as the areas join it in type order, and the try order of the snapshots.
 */
static void sim_areas_order(struct sim_areas *g, const struct sim_area_config *a)
{
	int least = -1;
	unsigned int i, j, t;

	for (i = 0; i < g->n; i++) {
		g->key[i] = a[i].has_prio ? a[i].prio : -1;
		g->prio[i] = a[i].has_prio ? a[i].prio :
			     g->newest ? SIM_AREAS_DEF_PRIO : --least;
		sim_areas_avail_add(g, i);
	}
	for (i = 0; i < g->n; i++) {
		t = i;
		for (j = i; j > 0 && g->prio[g->try_order[j - 1]] < g->prio[t]; j--)
			g->try_order[j] = g->try_order[j - 1];
		g->try_order[j] = (uint8_t)t;
	}
}

int sim_areas_new(const struct sim_area_config *a, unsigned int n,
		  struct sim_areas **out, struct diag *d)
{
	struct sim_areas *g;
	unsigned int i;
	int rc;

	diag_clear(d);
	rc = sim_areas_check(a, n, d);
	if (rc)
		return rc;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		rc = sim_new(&a[i].cfg, NULL, 0, &g->sim[i], d);
		if (rc) {
			sim_areas_free(g);
			return rc;
		}
		/* @d may not outlive this call: sim_areas_diag() reports */
		g->sim[i]->user_diag = NULL;
		g->n = i + 1;
	}
	g->newest = a[0].cfg.kernel == SIM_KERNEL_NEWEST;
	g->cpus = a[0].cfg.cpus;
	g->nr_orders = sim_nr_orders(g->sim[0]);
	g->pcp_si = malloc((size_t)g->cpus * g->nr_orders);
	if (!g->pcp_si) {
		sim_areas_free(g);
		return -ENOMEM;
	}
	memset(g->pcp_si, SIM_AREAS_NONE, (size_t)g->cpus * g->nr_orders);
	for (i = 0; n > 1 && i < n; i++) {
		g->sim[i]->peers = g->sim;
		g->sim[i]->nr_peers = n;
	}
	sim_areas_order(g, a);
	*out = g;
	return 0;
}

void sim_areas_free(struct sim_areas *g)
{
	unsigned int i;

	if (!g)
		return;
	for (i = 0; i < g->n; i++)
		sim_free(g->sim[i]);
	free(g->pcp_si);
	free(g);
}
