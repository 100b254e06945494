// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-explain.c - swapfs sim --explain: the steps each allocation took
 * (told by the policies through sim-explain.h), the reason of each
 * fallback and each order-0 steal counted per order, and the trace lines
 * (swapfs/sim-explain.h has the rules and the line format).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim-explain.h"

static const char *const sim_reason_names[SIM_NR_REASONS] = {
	[SIM_REASON_OFF_AVAIL_LIST] = "off_avail_list",
	[SIM_REASON_NO_SWAP_PAGES] = "no_swap_pages",
	[SIM_REASON_NOT_BLKDEV] = "not_blkdev",
	[SIM_REASON_NO_CLUSTER_INFO] = "no_cluster_info",
	[SIM_REASON_FREE_EMPTY] = "free_empty",
	[SIM_REASON_FREE_NO_ROOM] = "free_no_room",
	[SIM_REASON_NONFULL_EMPTY] = "nonfull_empty",
	[SIM_REASON_NONFULL_NO_ROOM] = "nonfull_no_room",
	[SIM_REASON_FRAG_EMPTY] = "frag_empty",
	[SIM_REASON_FRAG_NO_ROOM] = "frag_no_room",
	[SIM_REASON_UNRECORDED] = "unrecorded",
	[SIM_REASON_UNKNOWN] = "unknown",
};

static const char *const sim_steal_names[SIM_NR_STEALS] = { "frag", "nonfull" };

/* The trace's name of each step; those of an order get "[k]". */
static const char *const sim_xstep_names[SIM_NR_XSTEPS] = {
	[SIM_XS_PERCPU] = "percpu_swap_cluster",
	[SIM_XS_PERCPU_NEXT] = "percpu_cluster",
	[SIM_XS_GLOBAL] = "global_cluster",
	[SIM_XS_FREE] = "free_clusters",
	[SIM_XS_NONFULL] = "nonfull_clusters",
	[SIM_XS_FRAG] = "frag_clusters",
	[SIM_XS_RECLAIM] = "swap_reclaim_full_clusters",
	[SIM_XS_SYNC_DISCARD] = "swap_sync_discard",
	[SIM_XS_DISCARD] = "swap_do_scheduled_discard",
};

const char *sim_reason_name(enum sim_reason r)
{
	return (unsigned int)r < SIM_NR_REASONS ? sim_reason_names[r] : NULL;
}

const char *sim_steal_name(enum sim_steal s)
{
	return (unsigned int)s < SIM_NR_STEALS ? sim_steal_names[s] : NULL;
}

int sim_explain_on(struct sim *sim)
{
	struct sim_explain *x;

	if (!sim)
		return -EINVAL;
	if (sim->explain)
		return -EBUSY;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->fd = -1;
	x->refusal = x->last_list = x->last_held = -1;
	sim->explain = x;
	return 0;
}

int sim_explain_is_on(const struct sim *sim)
{
	return sim && sim->explain;
}

void sim_explain_free(struct sim_explain *x)
{
	free(x);
}

/* The count of reason @r (@steal: list @r) of @order, NULL out of range or off. */
static uint64_t *sim_explain_count(const struct sim *sim, unsigned int order,
				   unsigned int r, bool steal)
{
	if (!sim || !sim->explain || order >= sim->nr_orders ||
	    r >= (steal ? SIM_NR_STEALS : SIM_NR_REASONS))
		return NULL;
	return steal ? &sim->explain->steals[order][r] :
		       &sim->explain->fallbacks[order][r];
}

uint64_t sim_explain_fallbacks(const struct sim *sim, unsigned int order,
			       enum sim_reason r)
{
	uint64_t *n = sim_explain_count(sim, order, (unsigned int)r, false);

	return n ? *n : 0;
}

uint64_t sim_explain_steals(const struct sim *sim, unsigned int order,
			    enum sim_steal l)
{
	uint64_t *n = sim_explain_count(sim, order, (unsigned int)l, true);

	return n ? *n : 0;
}

int sim_explain_set_fallbacks(struct sim *sim, unsigned int order,
			      enum sim_reason r, uint64_t value)
{
	uint64_t *n = sim_explain_count(sim, order, (unsigned int)r, false);

	if (!n)
		return -EINVAL;
	*n = value;
	return 0;
}

int sim_explain_set_steals(struct sim *sim, unsigned int order,
			   enum sim_steal l, uint64_t value)
{
	uint64_t *n = sim_explain_count(sim, order, (unsigned int)l, true);

	if (!n)
		return -EINVAL;
	*n = value;
	return 0;
}

/* Write the buffer out; after a failure nothing more is written. */
static void sim_explain_write(struct sim_explain *x)
{
	size_t done = 0;
	ssize_t n;

	while (!x->err && done < x->len) {
		n = write(x->fd, x->buf + done, x->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			x->err = n < 0 ? -errno : -EIO;
		else
			done += (size_t)n;
	}
	x->len = 0;
}

int sim_explain_trace(struct sim *sim, int fd)
{
	if (!sim || !sim->explain)
		return -EINVAL;
	if (sim->explain->fd >= 0)
		sim_explain_write(sim->explain);
	sim->explain->fd = fd;
	return 0;
}

int sim_explain_flush(struct sim *sim)
{
	struct sim_explain *x = sim ? sim->explain : NULL;

	if (!x)
		return 0;
	if (x->fd >= 0)
		sim_explain_write(x);
	return x->err;
}

void sim_explain_begin_slow(struct sim *sim, unsigned int order)
{
	struct sim_explain *x = sim->explain;

	x->order = order;
	x->at_step = x->scanned;
	x->refusal = x->last_list = x->last_held = -1;
	x->nr_log = 0;
	x->cut = false;
}

static bool sim_xstep_is_list(enum sim_xstep step)
{
	return step == SIM_XS_FREE || step == SIM_XS_NONFULL || step == SIM_XS_FRAG;
}

static bool sim_xstep_is_action(enum sim_xstep step)
{
	return step == SIM_XS_RECLAIM || step == SIM_XS_SYNC_DISCARD ||
	       step == SIM_XS_DISCARD;
}

/*
 * A trace line being built from @p, never past @end. Without printf: a
 * run with --trace writes a line for each fallback, and snprintf() per
 * field cost a quarter of such a run.
 */
struct sim_xline {
	char *p, *end;
};

static void sim_xput(struct sim_xline *l, const char *s)
{
	size_t n = strlen(s);

	if (n > (size_t)(l->end - l->p))
		n = (size_t)(l->end - l->p);
	memcpy(l->p, s, n);
	l->p += n;
}

static void sim_xputu(struct sim_xline *l, uint64_t v)
{
	char b[24];
	int i = (int)sizeof(b) - 1;

	b[i] = '\0';
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sim_xput(l, b + i);
}

/* The trace's TRIED field: the steps of the path so far. */
static void sim_explain_tried(const struct sim_explain *x, struct sim_xline *l)
{
	const struct sim_xlog *e;
	unsigned int i;

	if (!x->nr_log)
		sim_xput(l, "-");
	for (i = 0; i < x->nr_log; i++) {
		e = &x->log[i];
		if (i)
			sim_xput(l, ",");
		sim_xput(l, sim_xstep_names[e->step]);
		if (e->step == SIM_XS_NONFULL || e->step == SIM_XS_FRAG) {
			sim_xput(l, "[");
			sim_xputu(l, e->order);
			sim_xput(l, "]");
		}
		if (!sim_xstep_is_action(e->step)) {
			sim_xput(l, ":");
			sim_xputu(l, e->tried);
		}
	}
	if (x->cut)
		sim_xput(l, ",...");
}

/* One trace line: OP ORDER KIND REASON TRIED. */
static void sim_explain_line(struct sim *sim, unsigned int order,
			     const char *kind, const char *reason)
{
	struct sim_explain *x = sim->explain;
	struct sim_xline l;

	if (x->fd < 0 || x->err)
		return;
	/* a line is at most 32 steps of some 40 bytes and its head */
	if (sizeof(x->buf) - x->len < 4096)
		sim_explain_write(x);
	l.p = x->buf + x->len;
	l.end = x->buf + sizeof(x->buf) - 1;	/* room for the newline */
	sim_xputu(&l, sim->ops + 1);
	sim_xput(&l, " ");
	sim_xputu(&l, order);
	sim_xput(&l, " ");
	sim_xput(&l, kind);
	sim_xput(&l, " ");
	sim_xput(&l, reason);
	sim_xput(&l, " ");
	sim_explain_tried(x, &l);
	*l.p++ = '\n';
	x->len = (size_t)(l.p - x->buf);
}

void sim_explain_step_slow(struct sim *sim, enum sim_xstep step,
			   unsigned int order, uint32_t tried, bool found)
{
	struct sim_explain *x = sim->explain;

	if (x->nr_log < SIM_XLOG_MAX)
		x->log[x->nr_log++] = (struct sim_xlog){ (uint8_t)step, (uint8_t)order, tried };
	else
		x->cut = true;
	if (sim_xstep_is_list(step)) {
		x->last_list = (int)step;
		if (tried)
			x->last_held = (int)step;
	}
	/* the steal loop: order 0 found its slot on a list of order @order */
	if (found && !x->order && order &&
	    (step == SIM_XS_FRAG || step == SIM_XS_NONFULL)) {
		enum sim_steal l = step == SIM_XS_FRAG ? SIM_STEAL_FRAG :
							 SIM_STEAL_NONFULL;

		x->steals[order][l]++;
		sim_explain_line(sim, order, "steal", sim_steal_names[l]);
	}
}

void sim_explain_refuse_slow(struct sim *sim, enum sim_reason r)
{
	sim->explain->refusal = (int)r;
}

/* The list reason: <list>_empty or <list>_no_room. */
static enum sim_reason sim_explain_list_reason(int step, bool held)
{
	switch (step) {
	case SIM_XS_FREE:
		return held ? SIM_REASON_FREE_NO_ROOM : SIM_REASON_FREE_EMPTY;
	case SIM_XS_NONFULL:
		return held ? SIM_REASON_NONFULL_NO_ROOM : SIM_REASON_NONFULL_EMPTY;
	case SIM_XS_FRAG:
		return held ? SIM_REASON_FRAG_NO_ROOM : SIM_REASON_FRAG_EMPTY;
	}
	return SIM_REASON_UNKNOWN;
}

void sim_explain_fallback_slow(struct sim *sim, unsigned int order)
{
	struct sim_explain *x = sim->explain;
	enum sim_reason r;

	if (x->refusal >= 0)
		r = (enum sim_reason)x->refusal;
	else if (x->last_held >= 0)
		r = sim_explain_list_reason(x->last_held, true);
	else
		r = sim_explain_list_reason(x->last_list, false);
	x->fallbacks[order][r]++;
	sim_explain_line(sim, order, "fallback", sim_reason_names[r]);
}
