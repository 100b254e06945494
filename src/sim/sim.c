// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim.c - the simulator's lifecycle and what it tells: a new device as
 * swapon leaves it, its counters and accessors, sim_check(), and the
 * discard worker. The operations of sim.h, what the rest of the kernel
 * does around the allocator, are in sim-swapout.c (vmscan), sim-refs.c
 * (fork and zap), sim-folio.c (a cached folio's life) and sim-swapin.c
 * (faults); the allocator itself is the policy of the simulated tree.
 *
 * An operation checks everything it can refuse first (-EINVAL) and only
 * then changes the state. -ENOSPC is not a refusal but the kernel's own
 * outcome: what the failed attempt did on the way (lists rotated, hints
 * reset, cache reclaimed, discards run) stays, as it would in the kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sim-check.h"
#include "sim-cluster.h"
#include "sim-explain.h"
#include "sim-op.h"
#include "sim-scan.h"
#include "sim-state.h"

static const char *const sim_counter_names[SIM_NR_COUNTERS] = {
	"swpout", "swpout_fallback", "swpin", "swpin_fallback",
};

const char *sim_counter_name(enum sim_counter c)
{
	return (unsigned int)c < SIM_NR_COUNTERS ? sim_counter_names[c] : NULL;
}

void sim_config_default(struct sim_config *cfg, uint32_t slots)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kernel = SIM_KERNEL_NEWEST;
	cfg->slots = slots;
	cfg->page_size = 4096;
	cfg->cluster_size = 512;
	cfg->cpus = 1;
}

void sim_free(struct sim *sim)
{
	if (sim)
		sim_explain_free(sim->explain);
	sim_state_free(sim);
}

/*
 * Mark the unusable slots as setup_clusters() does: the header, each bad
 * slot and the tail beyond max count in their cluster; the header and
 * bad slots are bad in the map, and only bad slots (not the header, not
 * the tail) leave si->pages.
 */
static int sim_mark_bad(struct sim *sim, const uint32_t *bad, size_t nr_bad,
			struct diag *d)
{
	uint32_t last = sim->nr_clusters - 1;
	size_t i;

	for (i = 0; i < nr_bad; i++) {
		if (!bad[i] || bad[i] >= sim->max)
			return diag_line(d, "sim", 0, "sim-bad-range",
					 "bad slot %u is not from 1 to %u", bad[i],
					 sim->max - 1);
		if (i && bad[i] <= bad[i - 1])
			return diag_line(d, "sim", 0, "sim-bad-order",
					 "bad slot %u follows %u: the list must be sorted and unique",
					 bad[i], bad[i - 1]);
	}
	if (nr_bad && sim->cfg.swapfile)
		return diag_line(d, "sim", 0, "sim-bad-swapfile",
				 "a swap file cannot have bad slots (swapon refuses it)");
	if (nr_bad >= sim->max - 1)
		return diag_line(d, "sim", 0, "sim-bad-empty",
				 "every slot is bad: swapon says \"Empty swap-file\"");
	sim->slots[0] = SNAPSHOT_SLOT_BAD;
	sim->cl[0].count++;
	for (i = 0; i < nr_bad; i++) {
		sim->slots[bad[i]] = SNAPSHOT_SLOT_BAD;
		sim->cl[bad[i] >> sim->shift].count++;
	}
	sim->cl[last].count = (uint16_t)(sim->cl[last].count +
					 snapshot_cluster_tail(sim->s, last));
	sim->pages = sim->max - 1 - nr_bad;
	return 0;
}

int sim_new(const struct sim_config *cfg, const uint32_t *bad, size_t nr_bad,
	    struct sim **out, struct diag *d)
{
	struct snapshot *s;
	struct sim *sim;
	int rc;

	*out = NULL;
	rc = sim_state_config_check(cfg, d);
	if (rc)
		return rc;
	s = snapshot_new();
	if (!s)
		return -ENOMEM;
	rc = snapshot_set_geometry(s, cfg->slots, cfg->cluster_size);
	if (!rc)
		rc = sim_state_new(cfg, s, &sim);
	if (rc) {
		snapshot_free(s);
		return rc;
	}
	s->dev.page_size = cfg->page_size;
	rc = sim_mark_bad(sim, bad, nr_bad, d);
	if (rc) {
		sim_state_free(sim);
		return rc;
	}
	sim_scan_map_all(sim);
	sim->policy->setup_clusters(sim);
	sim->user_diag = d;
	*out = sim;
	return 0;
}

unsigned int sim_discard_work(struct sim *sim)
{
	unsigned int n;

	if (!sim)
		return 0;
	n = sim_cluster_discard_all(sim);
	sim_op_end(sim, 0);
	return n;
}

/* ---- counters and accessors -------------------------------------------- */

uint64_t sim_counter(const struct sim *sim, enum sim_counter c,
		     unsigned int order)
{
	if (!sim || (unsigned int)c >= SIM_NR_COUNTERS || !order ||
	    order >= sim->nr_orders)
		return 0;
	return sim->counters[c][order];
}

int sim_set_counter(struct sim *sim, enum sim_counter c, unsigned int order,
		    uint64_t value)
{
	if (!sim || (unsigned int)c >= SIM_NR_COUNTERS || !order ||
	    order >= sim->nr_orders)
		return -EINVAL;
	sim->counters[c][order] = value;
	return 0;
}

unsigned int sim_nr_orders(const struct sim *sim)
{
	return sim ? sim->nr_orders : 0;
}

unsigned int sim_nr_cpus(const struct sim *sim)
{
	return sim ? sim->cfg.cpus : 0;
}

uint64_t sim_ops(const struct sim *sim)
{
	return sim ? sim->ops : 0;
}

uint64_t sim_inuse(const struct sim *sim)
{
	return sim ? sim->inuse : 0;
}

const uint16_t *sim_slots(const struct sim *sim)
{
	return sim ? sim->slots : NULL;
}

const struct diag *sim_diag(const struct sim *sim)
{
	return sim ? &sim->diag : NULL;
}

int sim_check(const struct sim *sim, struct diag *d)
{
	if (!sim)
		return -EINVAL;
	return sim_check_diag(sim, d);
}
