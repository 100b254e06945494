// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-run.c - a script run against the simulator, statement by
 * statement, repeat blocks as loops. Each statement acts on the pages of
 * its tag in the state it applies to and leaves the others alone, as
 * madvise() does; what the tags hold is workload-pages.c's. What only a
 * run can tell (an order or a CPU the device does not have, a tag still
 * holding slots, an expect that does not hold) is said naming the line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload-pages.h"
#include "workload-run.h"

struct wl_run {
	struct wl_ctx c;
	const struct wl_script *sc;
	struct wl_geometry g;
	struct wl_pages pages;	/* what each tag holds */
	uint32_t *offsets;	/* sim_swap_out()'s, 2^(nr_orders - 1) */
	int32_t cpu;		/* -1: round robin */
	uint64_t rr;
};

static int __attribute__((format(printf, 4, 5)))
wl_rt_err(struct wl_run *r, const struct wl_stmt *st, const char *rule,
	  const char *fmt, ...)
{
	char msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_line(r->c.d, r->c.name, st->line, rule, "%s", msg);
}

static const char *wl_tag_name(const struct wl_run *r, uint32_t tag)
{
	return r->sc->tags[tag];
}

static unsigned int wl_pick_cpu(struct wl_run *r, const struct wl_stmt *st)
{
	if (st->cpu >= 0)
		return (unsigned int)st->cpu;
	if (r->cpu >= 0)
		return (unsigned int)r->cpu;
	return (unsigned int)(r->rr++ % r->g.cpus);
}

static int wl_run_check_cpu(struct wl_run *r, const struct wl_stmt *st)
{
	int32_t cpu = st->cpu >= 0 ? st->cpu : r->cpu;

	if (cpu >= 0 && (uint32_t)cpu >= r->g.cpus)
		return wl_rt_err(r, st, "wl-cpu",
				 "cpu %d: the simulated device has %u CPUs",
				 cpu, r->g.cpus);
	return 0;
}

static int wl_run_check_order(struct wl_run *r, const struct wl_stmt *st)
{
	if (st->order >= r->g.nr_orders)
		return wl_rt_err(r, st, "wl-order",
				 "order %u: this device has orders 0 to %u",
				 st->order, r->g.nr_orders - 1);
	return 0;
}

static int wl_exec_swapout(struct wl_run *r, const struct wl_stmt *st)
{
	struct wl_rtag *t = &r->pages.tags[st->tag];
	uint64_t held = wl_pages_held(t);
	unsigned int nr, cpu;
	uint32_t f;
	int rc;

	rc = wl_run_check_order(r, st);
	if (!rc)
		rc = wl_run_check_cpu(r, st);
	if (!rc && held && r->pages.co.nr) {
		rc = wl_pages_recheck(&r->pages);
		held = wl_pages_held(t);
	}
	if (rc)
		return rc;
	if (held)
		return wl_rt_err(r, st, "wl-tag-busy",
				 "tag '%s' still holds %" PRIu64 " slot%s; free %s first",
				 wl_tag_name(r, st->tag), held, held == 1 ? "" : "s",
				 held == 1 ? "it" : "them");
	t->nr = 0;
	t->nominal = (uint64_t)st->count << st->order;
	for (f = 0; f < st->count; f++) {
		/* stage=cache is mapcount 0: allocated, counted, nothing more */
		cpu = wl_pick_cpu(r, st);
		wl_pages_note_full(&r->pages, 1u << st->order);
		rc = wl_sim_swap_out(&r->c, cpu, st->order, st->mapcount,
				  st->stage != WL_STAGE_WRITTEN, r->offsets, &nr);
		if (rc && rc != -ENOSPC)
			return wl_ctx_sim_error(&r->c, rc, "swapout", 0);
		rc = wl_pages_record(&r->pages, st, r->offsets,
				     (uint64_t)f << st->order, nr,
				     !rc && nr == 1);
		if (!rc)
			rc = wl_ctx_tick(&r->c);
		if (rc)
			return rc;
	}
	return wl_pages_verify(&r->pages);
}

/* Calls @fn on each cached folio of the tag. */
static int wl_each_cached(struct wl_run *r, const struct wl_stmt *st,
			  int (*fn)(struct wl_run *, const struct wl_stmt *,
				    struct wl_page *, uint32_t))
{
	struct wl_rtag *t = &r->pages.tags[st->tag];
	uint32_t i;
	int rc;

	for (i = 0; i < t->nr; i++) {
		struct wl_page *pg = &t->pages[i];

		if (!pg->slot || !pg->cached || !pg->head)
			continue;
		rc = fn(r, st, pg, 1u << pg->order);
		if (rc == -EINVAL && wl_pages_cache_only(pg)) {
			rc = wl_pages_recheck(&r->pages);
			if (!rc && !pg->slot) {
				diag_clear(r->c.d);	/* it was reclaimed: no error */
				continue;
			}
			rc = rc ? rc : -EINVAL;
		}
		if (!rc)
			rc = wl_ctx_tick(&r->c);
		if (rc)
			return rc;
	}
	return 0;
}

/* Each of @n pages can take one more reference of the tag (bounded count). */
static int wl_refs_room(struct wl_run *r, const struct wl_stmt *st,
			const struct wl_page *pg, uint32_t n)
{
	uint32_t j;

	for (j = 0; j < n; j++)
		if (pg[j].refs >= WORKLOAD_REFS_MAX)
			return wl_rt_err(r, st, "wl-refs",
					 "tag '%s' would hold more than %u references on slot %u",
					 wl_tag_name(r, st->tag), WORKLOAD_REFS_MAX,
					 pg[j].slot);
	return 0;
}

static int wl_unmap_folio(struct wl_run *r, const struct wl_stmt *st,
			  struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc;

	rc = wl_refs_room(r, st, pg, n);
	if (rc)
		return rc;
	rc = wl_sim_folio_dup_swap(&r->c, pg->slot);
	if (rc)
		return wl_ctx_sim_error(&r->c, rc, "unmap", pg->slot);
	for (j = 0; j < n; j++) {
		if (wl_pages_cache_only(&pg[j]))
			wl_pages_co_del(&r->pages, pg[j].slot);
		pg[j].refs++;
	}
	return 0;
}

static int wl_writeback_folio(struct wl_run *r, const struct wl_stmt *st,
			      struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc = wl_sim_swap_cache_del_folio(&r->c, pg->slot);

	if (rc)
		return wl_ctx_sim_error(&r->c, rc, "writeback", pg->slot);
	for (j = 0; j < n; j++) {
		if (!pg[j].refs) {
			wl_pages_gone(&r->pages, &pg[j]);
		} else {
			pg[j].cached = 0;
		}
	}
	return 0;
}

static int wl_split_folio(struct wl_run *r, const struct wl_stmt *st,
			  struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc;

	if (pg->order <= st->order)
		return 0;
	rc = wl_sim_split_folio(&r->c, pg->slot, st->order);
	if (rc)
		return wl_ctx_sim_error(&r->c, rc, "split", pg->slot);
	for (j = 0; j < n; j++) {
		pg[j].order = st->order;
		pg[j].head = !(j & ((1u << st->order) - 1));
	}
	return 0;
}

/*
 * Runs of pages from @first (@nr of them) that @want accepts and whose
 * slots follow each other: the batches the kernel's PTE walkers pass on.
 */
static int wl_each_run(struct wl_run *r, const struct wl_stmt *st,
		       uint32_t first, uint64_t nr,
		       bool (*want)(const struct wl_page *),
		       int (*fn)(struct wl_run *, const struct wl_stmt *,
				 struct wl_page *, uint32_t))
{
	struct wl_rtag *t = &r->pages.tags[st->tag];
	uint64_t end = (uint64_t)first + nr;
	uint32_t i = first, n;
	int rc;

	if (end > t->nr)
		end = t->nr;
	while (i < end) {
		if (!want(&t->pages[i])) {
			i++;
			continue;
		}
		for (n = 1; i + n < end && want(&t->pages[i + n]) &&
		     t->pages[i + n].slot == t->pages[i].slot + n; n++)
			;
		rc = fn(r, st, &t->pages[i], n);
		if (!rc)
			rc = wl_ctx_tick(&r->c);
		if (rc)
			return rc;
		i += n;
	}
	return 0;
}

static bool wl_want_mapped(const struct wl_page *pg)
{
	return pg->slot && pg->refs;
}

static bool wl_want_held(const struct wl_page *pg)
{
	return pg->slot;
}

static int wl_free_run(struct wl_run *r, const struct wl_stmt *st,
		       struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc;

	wl_pages_note_full(&r->pages, 0);
	rc = wl_sim_swap_put_entries_direct(&r->c, pg->slot, n);
	if (rc)
		return wl_ctx_sim_error(&r->c, rc, "free", pg->slot);
	for (j = 0; j < n; j++) {
		if (--pg[j].refs)
			continue;
		if (!pg[j].cached)
			wl_pages_gone(&r->pages, &pg[j]);
		else if (wl_pages_co_add(&r->pages, pg[j].slot, st->tag,
				      (uint32_t)(&pg[j] - r->pages.tags[st->tag].pages)))
			return diag_errno(r->c.d, r->c.name, -ENOMEM);
	}
	return 0;
}

/*
 * A put can reclaim the folios whose last reference it took, under
 * vm_swap_full(): the device says which are still cached.
 */
static int wl_exec_free(struct wl_run *r, const struct wl_stmt *st)
{
	int rc = wl_each_run(r, st, st->has_range ? st->first : 0,
			     st->has_range ? st->nr : UINT64_MAX,
			     wl_want_mapped, wl_free_run);

	if (!rc)
		rc = wl_pages_verify(&r->pages);
	return rc;
}

static int wl_fork_run(struct wl_run *r, const struct wl_stmt *st,
		       struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc;

	rc = wl_refs_room(r, st, pg, n);
	if (rc)
		return rc;
	rc = wl_sim_swap_dup_entry_direct(&r->c, pg->slot, n);
	if (rc)
		return wl_ctx_sim_error(&r->c, rc, "fork", pg->slot);
	for (j = 0; j < n; j++)
		pg[j].refs++;
	return 0;
}

static int wl_backing_run(struct wl_run *r, const struct wl_stmt *st,
			  struct wl_page *pg, uint32_t n)
{
	int rc;

	if (st->op == WL_OP_ZSWAP)
		rc = wl_sim_set_zswap(&r->c, pg->slot, n, st->on);
	else
		rc = wl_sim_set_zero(&r->c, pg->slot, n, st->on);
	if (rc)
		return wl_ctx_sim_error(&r->c, rc, st->op == WL_OP_ZSWAP ?
				    "zswap" : "zero", pg->slot);
	return 0;
}

/* A page a fault would swap in: a swap PTE whose slot no folio holds. */
static bool wl_swapped(const struct wl_page *pg)
{
	return pg->slot && pg->refs && !pg->cached;
}

/*
 * The largest order <= @k whose range of pages starts at @i, all swapped
 * out to consecutive slots from a slot aligned like the page: what the
 * fault handler needs before it asks for a large folio.
 */
static unsigned int wl_swapin_order(const struct wl_rtag *t, uint32_t i,
				    unsigned int k)
{
	uint32_t n, j;

	for (; k; k--) {
		n = 1u << k;
		if ((i & (n - 1)) || (t->pages[i].slot & (n - 1)) ||
		    (uint64_t)i + n > t->nr)
			continue;
		for (j = 1; j < n; j++)
			if (!wl_swapped(&t->pages[i + j]) ||
			    t->pages[i + j].slot != t->pages[i].slot + j)
				break;
		if (j == n)
			break;
	}
	return k;
}

/*
 * Pages @pg (@n, page @i on) were mapped: each lost the reference the
 * fault used. With none left the simulator freed the slots; otherwise the
 * folio may have stayed in the swap cache, which only the device knows.
 */
static int wl_swapin_done(struct wl_run *r, const struct wl_stmt *st,
			  uint32_t i, uint32_t n, unsigned int order)
{
	struct wl_page *pg = &r->pages.tags[st->tag].pages[i];
	const struct snapshot *s = NULL;
	bool left = false;
	uint32_t j;
	int rc;

	for (j = 0; j < n; j++)
		left |= --pg[j].refs > 0;
	if (!left) {
		for (j = 0; j < n; j++)
			wl_pages_gone(&r->pages, &pg[j]);
		return 0;
	}
	rc = r->c.areas ? 0 : sim_snapshot(r->c.sim, &s);
	if (rc)
		return wl_ctx_sim_error(&r->c, rc, "snapshot", pg->slot);
	for (j = 0; j < n; j++) {
		pg[j].cached = !!(wl_sim_slot(&r->c, s, pg[j].slot) & SNAPSHOT_SLOT_CACHED);
		pg[j].order = order;
		pg[j].head = !j;
		if (!pg[j].refs && !pg[j].cached)
			wl_pages_gone(&r->pages, &pg[j]);
		else if (wl_pages_cache_only(&pg[j]) &&
			 wl_pages_co_add(&r->pages, pg[j].slot, st->tag, i + j))
			return diag_errno(r->c.d, r->c.name, -ENOMEM);
	}
	return 0;
}

static int wl_exec_swapin(struct wl_run *r, const struct wl_stmt *st)
{
	struct wl_rtag *t = &r->pages.tags[st->tag];
	unsigned int k, got, cpu;
	uint32_t i, start, n;
	int rc;

	rc = st->has_order ? wl_run_check_order(r, st) : 0;
	if (!rc)
		rc = wl_run_check_cpu(r, st);
	if (rc)
		return rc;
	for (i = 0; i < t->nr; i += n) {
		struct wl_page *pg = &t->pages[i];

		n = 1;
		if (!wl_swapped(pg))
			continue;
		k = st->has_order ? st->order : pg->order;
		if (k >= r->g.nr_orders)
			k = r->g.nr_orders - 1;
		k = wl_swapin_order(t, i, k);
		cpu = wl_pick_cpu(r, st);
		rc = wl_sim_swap_in(&r->c, cpu, pg->slot, k, &got, &start);
		if (rc)
			return wl_ctx_sim_error(&r->c, rc, "swapin", pg->slot);
		/* the range asked for starts at this page, aligned: so does the folio */
		if (got > k || start != pg->slot)
			return wl_ctx_sim_error(&r->c, -EPROTO, "swapin", pg->slot);
		n = 1u << got;
		rc = wl_swapin_done(r, st, i, n, got);
		if (!rc)
			rc = wl_ctx_tick(&r->c);
		if (rc)
			return rc;
	}
	return 0;
}

static int wl_exec_expect(struct wl_run *r, const struct wl_stmt *st)
{
	uint64_t v;

	if (st->counter == WL_EXPECT_INUSE) {
		v = wl_sim_inuse(&r->c);
		if (v != st->value)
			return wl_rt_err(r, st, "wl-expect",
					 "inuse is %" PRIu64 ", expected %" PRIu64,
					 v, st->value);
		return 0;
	}
	v = wl_sim_counter(&r->c, st->counter, st->order);
	if (v != st->value)
		return wl_rt_err(r, st, "wl-expect",
				 "%s of order %u is %" PRIu64 ", expected %" PRIu64,
				 sim_counter_name(st->counter), st->order, v,
				 st->value);
	return 0;
}

static int wl_exec(struct wl_run *r, const struct wl_stmt *st)
{
	switch (st->op) {
	case WL_OP_SWAPOUT:
		return wl_exec_swapout(r, st);
	case WL_OP_UNMAP:
		return wl_each_cached(r, st, wl_unmap_folio);
	case WL_OP_WRITEBACK:
		return wl_each_cached(r, st, wl_writeback_folio);
	case WL_OP_SPLIT:
		if (wl_run_check_order(r, st))
			return -EINVAL;
		return wl_each_cached(r, st, wl_split_folio);
	case WL_OP_FREE:
		return wl_exec_free(r, st);
	case WL_OP_FORK:
		return wl_each_run(r, st, 0, UINT64_MAX, wl_want_mapped,
				   wl_fork_run);
	case WL_OP_ZSWAP:
	case WL_OP_ZERO:
		return wl_each_run(r, st, 0, UINT64_MAX, wl_want_held,
				   wl_backing_run);
	case WL_OP_SWAPIN:
		return wl_exec_swapin(r, st);
	case WL_OP_DISCARD:
		wl_sim_discard_work(&r->c);
		return wl_ctx_tick(&r->c);
	case WL_OP_CPU:
		r->cpu = st->cpu;
		return wl_run_check_cpu(r, st);
	case WL_OP_SNAPSHOT:
		return wl_ctx_snapshot(&r->c, st->note);
	case WL_OP_EXPECT:
		return wl_exec_expect(r, st);
	default:
		return 0;
	}
}

static int wl_script_loop(struct wl_run *r)
{
	struct {
		uint32_t at, left;
	} stack[WORKLOAD_DEPTH_MAX];
	const struct wl_script *sc = r->sc;
	unsigned int depth = 0;
	size_t i = 0;
	int rc;

	while (i < sc->nr) {
		const struct wl_stmt *st = &sc->stmts[i];

		r->c.line = st->line;
		r->c.done++;
		if (st->op == WL_OP_REPEAT) {
			if (!st->count) {
				i = st->jump + 1;
				continue;
			}
			stack[depth].at = (uint32_t)i;
			stack[depth++].left = st->count;
		} else if (st->op == WL_OP_END) {
			if (--stack[depth - 1].left) {
				i = stack[depth - 1].at + 1;
				continue;
			}
			depth--;
		} else {
			rc = wl_exec(r, st);
			if (rc)
				return rc;
		}
		i++;
	}
	return 0;
}

int wl_run_script(const struct wl_script *sc, const char *name,
		  struct sim *sim, struct sim_areas *areas,
		  const struct workload_hooks *h, struct diag *d)
{
	struct wl_run r = { .sc = sc, .cpu = -1 };
	int rc;

	wl_ctx_init(&r.c, sim, areas, h, d, name);
	r.c.total = sc->total;
	rc = areas ? wl_ctx_geometry_areas(&r.c, &r.g) :
		     wl_ctx_geometry(sim, &r.g, d, name);
	if (rc)
		return rc;
	rc = wl_pages_init(&r.pages, &r.c, sc->nr_tags, r.g.pages);
	r.offsets = calloc(1u << (r.g.nr_orders - 1), sizeof(*r.offsets));
	if (rc || !r.offsets) {
		rc = diag_errno(d, name, -ENOMEM);
		goto out;
	}
	rc = wl_script_loop(&r);
	if (rc == -ENOMEM && d && !d->msg[0])
		diag_errno(d, name, rc);
	if (!rc)
		wl_ctx_end(&r.c);
out:
	wl_pages_free(&r.pages);
	free(r.offsets);
	return rc;
}
