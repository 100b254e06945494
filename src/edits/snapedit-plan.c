// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit-plan.c - what a slot edit will do, decided and checked before
 * anything changes: the slot's word after it (one the snapshot file
 * stores and the era can hold), the run it adds or removes, and the
 * cluster's count.
 */
#include "snapedit-parts.h"

/*
 * The slot's word after the edit must be one the snapshot file stores
 * (swapfs-snapshot(5), slots) and one the era can hold; @q quotes the
 * value. A shmem mark is dropped by a count change (see snapedit.h), so
 * the shmem rule (count 1, not bad) follows from these.
 */
static int snapedit_plan_word(const struct snapedit *e, const char *path,
			      const char *q, const struct snapedit_plan *p,
			      struct diag *d)
{
	bool bad = p->marks & SNAPSHOT_SLOT_BAD;
	bool cached = p->marks & SNAPSHOT_SLOT_CACHED;
	bool zero = p->marks & SNAPSHOT_SLOT_ZERO;
	bool zswap = p->marks & SNAPSHOT_SLOT_ZSWAP;
	bool folio;

	if (bad && p->count)
		return diag_line(d, path, 0, "edit-slot-word",
				 "%s: a bad slot with a count of %u; no era has references on a bad slot",
				 q, p->count);
	if (zero && zswap)
		return diag_line(d, path, 0, "edit-slot-word",
				 "%s: zero and zswap at once; a zero-filled page never reaches zswap",
				 q);
	if ((zero || zswap) && (bad || (!p->count && !cached)))
		return diag_line(d, path, 0, "edit-slot-word",
				 "%s: %s on a slot that is %s; only a slot in use (count or cached, not bad) holds a page",
				 q, zero ? "zero" : "zswap", bad ? "bad" : "free");
	if (zero && !e->era->zeromap)
		return diag_line(d, path, 0, "edit-slot-era",
				 "%s: era %c (%s) has no zeromap", q, e->era->era,
				 e->era->kernels);
	if (bad && cached && e->era->swap_table)
		return diag_line(d, path, 0, "edit-slot-era",
				 "%s: a bad slot in the swap cache; era %c's swap table has no such word",
				 q, e->era->era);
	folio = snapshot_folio_at(e->s, p->slot) != NULL;
	if (e->era->cache_from_folios && cached != folio)
		return diag_line(d, path, 0, "edit-slot-era",
				 "%s: cached=%d on a slot %s; era %c's map has no cache mark, a slot is cached when a swap-cache folio covers it (folios are not edited)",
				 q, cached, folio ? "under a folio" : "no folio covers",
				 e->era->era);
	return 0;
}

/*
 * order=K: a run of 2^K slots from the slot, unless the slot is in a run
 * of order K already (nothing to do: a line read from the slot file can
 * be written back); order=unknown: the slot's run goes.
 */
static int snapedit_plan_run(const struct snapedit *e, const char *path,
			     const char *q, const struct snapedit_assign *as,
			     struct snapedit_plan *p, struct diag *d)
{
	const struct snapshot *s = e->s;
	uint32_t start = 0, other, i;
	unsigned int order = 0, k;
	uint64_t end;
	bool in_run;

	if (!(as->given & (1u << SNAPEDIT_ORDER)))
		return 0;
	in_run = !snapshot_run_at(s, p->slot, &start, &order);
	if (as->order < 0) {
		p->remove_run = in_run;
		p->run_start = start;
		return 0;
	}
	k = (unsigned int)as->order;
	if (in_run && order == k)
		return 0;
	if (in_run)
		return diag_line(d, path, 0, "edit-slot-run-overlap",
				 "%s: the slot is in the run of order %u from slot %u; write order=unknown first",
				 q, order, start);
	end = (uint64_t)p->slot + (1ull << k);
	if (end > s->dev.max)
		return diag_line(d, path, 0, "edit-slot-run-range",
				 "%s: a run of order %u from slot %u ends at %llu, past max %u",
				 q, k, p->slot, (unsigned long long)end, s->dev.max);
	for (i = p->slot; i < end; i++) {
		if (!(s->slots[i] & SNAPSHOT_SLOT_ORDER))
			continue;
		if (snapshot_run_at(s, i, &other, &order))
			other = i;
		return diag_line(d, path, 0, "edit-slot-run-overlap",
				 "%s: a run of order %u from slot %u would overlap the run of order %u from slot %u",
				 q, k, p->slot, order, other);
	}
	p->add_run = true;
	p->order = k;
	return 0;
}

/*
 * ci->count moves with the slot's non-free state, as the kernel's
 * inc/dec_cluster_info_page() would, within 0..cluster_size (the range a
 * cluster's count has; a count that was already wrong stays a
 * count-mismatch for the check to report).
 */
int snapedit_plan_slot(const struct snapedit *e, const char *path,
		       const char *q, const struct snapedit_assign *as,
		       struct snapedit_plan *p, struct diag *d)
{
	const struct snapshot *s = e->s;
	uint16_t w = s->slots[p->slot];
	uint32_t count = snapshot_count(s, p->slot);
	uint16_t given = snapedit_assign_given(as);
	bool nf0, nf1;
	int64_t cl;
	int rc;

	p->count = as->given & (1u << SNAPEDIT_COUNT) ? as->count : count;
	p->set_count = p->count != count;
	p->marks = (uint16_t)((w & SNAPEDIT_MARKS & ~given) | (as->marks & given));
	rc = snapedit_plan_word(e, path, q, p, d);
	if (!rc)
		rc = snapedit_plan_run(e, path, q, as, p, d);
	if (rc)
		return rc;
	p->drop_shmem = p->set_count && snapshot_is_shmem(s, p->slot);
	nf0 = !snapshot_slot_free(w);
	nf1 = p->count || (p->marks & (SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD));
	cl = (int64_t)s->clusters[p->ci].count + nf1 - nf0;
	if (cl < 0)
		cl = 0;
	if (cl > s->dev.cluster_size)
		cl = s->dev.cluster_size;
	p->cl_count = (uint16_t)cl;
	p->changed = p->set_count || p->marks != (w & SNAPEDIT_MARKS) ||
		     p->add_run || p->remove_run ||
		     p->cl_count != s->clusters[p->ci].count;
	return 0;
}
