// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-entries.c - the slot words of swap entries, besides the inline
 * allocation and whole-run free of sim-entries.h: freeing any slots (runs
 * they end included), and the reference counts of a slot, which live in
 * its word up to SNAPSHOT_COUNT_INLINE_MAX and in the snapshot's count
 * table beyond.
 */
#include <errno.h>
#include <string.h>

#include "sim-entries.h"
#include "sim-state.h"

void sim_entries_dissolve_run(struct sim *sim, uint32_t slot)
{
	uint16_t *w = sim->slots;
	int k = snapshot_slot_order(w[slot]);
	uint32_t start = slot, end, i;

	if (k < 0)
		return;
	while (!(w[start] & SNAPSHOT_SLOT_HEAD) && start &&
	       slot - start + 1 < (1u << k))
		start--;
	if (!(w[start] & SNAPSHOT_SLOT_HEAD)) {
		w[slot] &= (uint16_t)~SIM_SLOT_RUN;	/* headless: only this slot */
		return;
	}
	end = start + (1u << k) > sim->max ? sim->max : start + (1u << k);
	for (i = start; i < end; i++)
		w[i] &= (uint16_t)~SIM_SLOT_RUN;
}

void sim_entries_free(struct sim *sim, uint32_t start, uint32_t nr)
{
	uint32_t ci = start >> sim->shift, end = start + nr, i, len;
	struct snapshot_cluster *c = &sim->cl[ci];
	uint16_t w;

	c->count = (uint16_t)(c->count - nr);
	for (i = start; i < end; i++) {
		w = sim->slots[i];
		if (w & SNAPSHOT_SLOT_ORDER) {
			len = 1u << snapshot_slot_order(w);
			/* a whole run freed at once: nothing else to end */
			if ((w & SNAPSHOT_SLOT_HEAD) && len <= end - i) {
				memset(sim->slots + i, 0, len * sizeof(*sim->slots));
				i += len - 1;
				continue;
			}
			sim_entries_dissolve_run(sim, i);
		}
		sim->slots[i] = 0;
	}
	sim_entries_freed(sim, start, nr);
	sim->policy->cluster_freed(sim, ci);
}

int sim_entries_get(struct sim *sim, uint32_t slot)
{
	uint16_t w = sim->slots[slot];
	uint32_t c = w & SNAPSHOT_SLOT_COUNT;
	int rc;

	if (c < SNAPSHOT_COUNT_INLINE_MAX) {
		sim->slots[slot] = (uint16_t)(w + 1);
	} else {
		c = snapshot_count(sim->s, slot);
		if (c == UINT32_MAX)
			return -EOVERFLOW;
		rc = snapshot_set_count(sim->s, slot, c + 1);
		if (rc)
			return rc;
		c = 1;	/* was not 0 */
	}
	if (!c && (w & SNAPSHOT_SLOT_CACHED))
		sim_cache_only_add(sim, slot, -1);
	return 0;
}

void sim_entries_put(struct sim *sim, uint32_t slot)
{
	uint16_t w = sim->slots[slot];
	uint32_t c = w & SNAPSHOT_SLOT_COUNT;

	if (c && c <= SNAPSHOT_COUNT_INLINE_MAX)
		sim->slots[slot] = (uint16_t)(w - 1);
	else
		snapshot_set_count(sim->s, slot, snapshot_count(sim->s, slot) - 1);
	if (c == 1 && (w & SNAPSHOT_SLOT_CACHED))
		sim_cache_only_add(sim, slot, 1);
}

int sim_entries_dup(struct sim *sim, uint32_t start, uint32_t nr)
{
	uint32_t i;
	int rc;

	for (i = start; i < start + nr; i++) {
		rc = sim_entries_get(sim, i);
		if (rc) {
			while (i-- > start)
				sim_entries_put(sim, i);
			return rc;
		}
	}
	return 0;
}
