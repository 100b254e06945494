// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-ctx.c - what every run of a workload shares: the caller's
 * hooks (a snapshot every N operations, progress every 2^20, each due
 * one compare away), a refusal of the simulator said as the run's error,
 * and the device's geometry read once.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "workload-ctx.h"

/* The first multiple of @every above @ops; UINT64_MAX if there is none. */
static uint64_t wl_next_multiple(uint64_t ops, uint64_t every)
{
	uint64_t k = ops / every + 1;

	return k > UINT64_MAX / every ? UINT64_MAX : k * every;
}

static void wl_ctx_next(struct wl_ctx *c)
{
	c->next = c->next_every < c->next_progress ? c->next_every :
		  c->next_progress;
	/* several areas: wl_ctx_tick() cannot see the group's count */
	if (c->areas)
		c->next = 0;
}

void wl_ctx_init(struct wl_ctx *c, struct sim *sim, struct sim_areas *areas,
		 const struct workload_hooks *h, struct diag *d,
		 const char *name)
{
	uint64_t ops = areas ? sim_areas_ops(areas) : sim_ops(sim);

	memset(c, 0, sizeof(*c));
	c->sim = sim;
	c->areas = areas;
	c->h = h;
	c->d = d;
	c->name = name;
	c->next_every = UINT64_MAX;
	c->next_progress = UINT64_MAX;
	if (h && h->snapshot && h->every)
		c->next_every = wl_next_multiple(ops, h->every);
	if (h && h->progress)
		c->next_progress = ops + WL_PROGRESS_OPS;
	wl_ctx_next(c);
}

static int wl_hook_error(struct wl_ctx *c, int rc, const char *what)
{
	if (c->line)
		diag_line(c->d, c->name, c->line, "wl-hook", "%s: %s", what,
			  strerror(-rc));
	else
		diag_line(c->d, c->name, 0, "wl-hook",
			  "%s after %" PRIu64 " operations: %s", what,
			  wl_ops(c), strerror(-rc));
	return rc;
}

int wl_ctx_snapshot(struct wl_ctx *c, const char *note)
{
	int rc;

	if (!c->h || !c->h->snapshot)
		return 0;
	rc = c->h->snapshot(c->h->arg, c->sim, note);
	return rc < 0 ? wl_hook_error(c, rc, "snapshot hook") : 0;
}

int wl_ctx_fire(struct wl_ctx *c)
{
	uint64_t ops = wl_ops(c);
	int rc;

	if (ops >= c->next_every) {
		c->next_every = wl_next_multiple(ops, c->h->every);
		rc = wl_ctx_snapshot(c, NULL);
		if (rc)
			return rc;
	}
	if (ops >= c->next_progress) {
		c->next_progress = ops + WL_PROGRESS_OPS;
		c->h->progress(c->h->arg, c->done, c->total);
	}
	wl_ctx_next(c);
	return 0;
}

void wl_ctx_end(struct wl_ctx *c)
{
	if (c->h && c->h->progress)
		c->h->progress(c->h->arg, c->done, c->total);
}

int wl_ctx_sim_error(struct wl_ctx *c, int rc, const char *what,
		     uint32_t slot)
{
	char at[32] = "";

	if (rc == -ENOMEM)
		return diag_errno(c->d, c->name, rc);
	if (slot)
		snprintf(at, sizeof(at), " at slot %" PRIu32, slot);
	if (rc == -EUCLEAN)
		diag_line(c->d, c->name, c->line, "wl-sim-check",
			  "%s%s broke a simulator invariant (see its report)",
			  what, at);
	else if (rc == -EINVAL)
		diag_line(c->d, c->name, c->line, "wl-sim",
			  "the simulator refused %s%s", what, at);
	else
		diag_line(c->d, c->name, c->line, "wl-sim", "%s%s: %s", what, at,
			  strerror(-rc));
	return rc;
}

int wl_ctx_geometry(struct sim *sim, struct wl_geometry *g, struct diag *d,
		    const char *name)
{
	const struct snapshot *s;
	uint32_t i, bad = 0;
	int rc = sim_snapshot(sim, &s);

	if (rc)
		return diag_errno(d, name, rc);
	g->max = s->dev.max;
	g->page_size = s->dev.page_size;
	g->nr_orders = sim_nr_orders(sim);
	g->cpus = sim_nr_cpus(sim);
	g->discard = !!(s->dev.flags & SNAPSHOT_SWP_PAGE_DISCARD);
	g->slots = s->slots;
	if (s->dev.has_pages) {
		g->pages = s->dev.pages;
	} else {
		for (i = 0; i < s->dev.max; i++)
			bad += !!(s->slots[i] & SNAPSHOT_SLOT_BAD);
		g->pages = s->dev.max - bad;
	}
	return 0;
}

int wl_ctx_geometry_areas(struct wl_ctx *c, struct wl_geometry *g)
{
	struct wl_geometry one;
	uint64_t pages = 0;
	unsigned int t;
	int rc;

	memset(g, 0, sizeof(*g));
	for (t = 0; t < sim_areas_nr(c->areas); t++) {
		rc = wl_ctx_geometry(sim_areas_sim(c->areas, t), &one, c->d,
				     c->name);
		if (rc)
			return rc;
		pages += one.pages;
		g->discard |= one.discard;
	}
	g->max = UINT32_MAX;
	g->pages = pages > UINT32_MAX ? UINT32_MAX : (uint32_t)pages;
	g->page_size = one.page_size;
	g->nr_orders = one.nr_orders;
	g->cpus = one.cpus;
	return 0;
}
