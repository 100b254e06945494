// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit-apply.c - a validated model edit carried out: the snapshot
 * changed, the cluster marked for the next save, and the analysis brought
 * up to date at O(cluster) (analysis_update_cluster(),
 * analysis_update_slots()), so its readers never run it again.
 */
#include <string.h>

#include "snapedit-parts.h"

static void snapedit_apply_dirty(struct snapedit *e, uint32_t ci)
{
	uint64_t bit = 1ull << (ci % 64);

	e->dirty[ci / 64] |= bit;
	e->changed = true;
	if (!(e->touched[ci / 64] & bit)) {
		e->touched[ci / 64] |= bit;
		e->nr_touched++;
	}
}

/* A cluster's struct only reaches its own findings and counts. */
int snapedit_apply_cluster(struct snapedit *e, uint32_t ci,
			   struct snapshot_cluster c)
{
	struct snapshot_cluster *cur = &e->s->clusters[ci];

	if (cur->flags == c.flags && cur->order == c.order)
		return 0;
	*cur = c;
	snapedit_apply_dirty(e, ci);
	/* cannot fail: no new run, no allocation */
	return analysis_update_cluster(e->a, ci);
}

static void snapedit_apply_shmem_drop(struct snapshot *s, uint32_t slot)
{
	size_t lo = 0, hi = s->nr_shmem;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->shmem[mid] < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nr_shmem && s->shmem[lo] == slot) {
		memmove(&s->shmem[lo], &s->shmem[lo + 1],
			(s->nr_shmem - lo - 1) * sizeof(*s->shmem));
		s->nr_shmem--;
	}
}

/*
 * The count first, the only step that allocates (counts[] may grow),
 * undone if it fails; the rest cannot fail. Then the analysis: the
 * slot's cluster and the earlier clusters whose run or folio covers it,
 * and the cluster a removed run started in.
 */
int snapedit_apply_slot(struct snapedit *e, const struct snapedit_plan *p)
{
	struct snapshot *s = e->s;
	uint32_t shift = s->dev.cluster_shift;
	uint16_t w = s->slots[p->slot];
	int rc;

	if (p->set_count) {
		rc = snapshot_set_count(s, p->slot, p->count);
		if (rc) {
			s->slots[p->slot] = w;	/* the table did not change */
			return rc;
		}
	}
	s->slots[p->slot] = (uint16_t)((s->slots[p->slot] & ~SNAPEDIT_MARKS) |
				       p->marks);
	if (p->drop_shmem)
		snapedit_apply_shmem_drop(s, p->slot);
	if (p->remove_run)
		snapshot_remove_run(s, p->slot);
	if (p->add_run)
		snapshot_add_run(s, p->slot, p->order, NULL);
	s->clusters[p->ci].count = p->cl_count;

	snapedit_apply_dirty(e, p->ci);
	if (p->remove_run)
		snapedit_apply_dirty(e, p->run_start >> shift);
	rc = analysis_update_slots(e->a, p->slot, 1);
	if (!rc && p->remove_run && p->run_start >> shift != p->ci)
		rc = analysis_update_cluster(e->a, p->run_start >> shift);
	return rc;
}
