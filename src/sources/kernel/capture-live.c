// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture-live.c - `swapfs capture` through the live reader (live.h):
 * the allocation state read exactly (slots, counts, clusters, the swap
 * cache, the zeromap, the hints), then from the page-table walk only what
 * the walk alone knows: which process maps each slot.
 *
 * The two reads are not one instant. A reference to a slot whose exact
 * count is below its references (a page swapped out, or a fork, after the
 * state was read) is dropped and counted, so every slot keeps "count >=
 * references", the rule a snapshot's back-references follow.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/live.h"
#include "capture-internal.h"

/* The area as the live reader names it: the device, the type, or "". */
static const char *capture_live_area(const struct capture_opts *o, char *buf,
				     size_t len)
{
	if (o->device)
		return o->device;
	if (o->type < 0)
		return "";
	snprintf(buf, len, "%d", o->type);
	return buf;
}

/*
 * Mark, by slot, the references of slots that have more than their count;
 * count the slots whose references are kept into st->slots.
 */
static void capture_live_excess(const struct snapshot *s, bool *drop,
				struct capture_stats *st)
{
	size_t i, j, n;
	uint32_t slot;

	st->refs_dropped = 0;
	st->slots = 0;
	for (i = 0; i < s->nr_refs; i = j) {
		slot = s->refs[s->refs_by_slot[i]].slot;
		for (j = i; j < s->nr_refs && s->refs[s->refs_by_slot[j]].slot == slot; j++)
			;
		n = j - i;
		if (n <= snapshot_count(s, slot)) {
			st->slots++;
			continue;
		}
		for (; i < j; i++)
			drop[s->refs_by_slot[i]] = true;
		st->refs_dropped += n;
	}
}

/*
 * Keep the references the exact state allows; count the slots and
 * processes they name. Returns 0 or -ENOMEM.
 */
static int capture_live_owners(struct snapshot *s, struct capture_stats *st)
{
	bool *drop = calloc(s->nr_refs ? s->nr_refs : 1, sizeof(*drop));
	size_t i, kept = 0;
	int rc;

	rc = drop ? snapshot_index_refs(s) : -ENOMEM;
	if (rc) {
		free(drop);
		return rc;
	}
	capture_live_excess(s, drop, st);
	st->procs_mapping = 0;
	for (i = 0; i < s->nr_refs; i++) {
		if (drop[i])
			continue;
		st->procs_mapping += !kept || s->refs[kept - 1].proc != s->refs[i].proc;
		s->refs[kept++] = s->refs[i];
	}
	s->nr_refs = kept;
	st->refs = kept;
	free(drop);
	/* the index is stale now; whoever loads the file builds it anew */
	free(s->refs_by_slot);
	s->refs_by_slot = NULL;
	return 0;
}

/* Slots in use, and those among them no process maps (st->slots do). */
static void capture_live_usage(const struct snapshot *s, struct capture_stats *st)
{
	uint64_t used = 0;
	uint32_t slot;

	for (slot = 0; slot < s->dev.max; slot++)
		used += !snapshot_slot_free(s->slots[slot]) &&
			!(s->slots[slot] & SNAPSHOT_SLOT_BAD);
	st->used_pages = used;
	st->unattributed = used > st->slots ? used - st->slots : 0;
}

static int capture_live_key(struct snapshot *s, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return snapshot_info_set(s, key, buf);
}

/* What gave what, in the info keys and the note. */
static int capture_live_say(struct snapshot *s, const struct capture_stats *st)
{
	const char *method = snapshot_info_get(s, "live_method");
	char note[320];

	snprintf(note, sizeof(note),
		 "state read from the running kernel through BPF (swap_info by %s): "
		 "exact; owners from page tables: %" PRIu64 " references of %zu "
		 "processes, %" PRIu64 " dropped (the slot changed between the "
		 "two reads); %" PRIu64 " used slots unattributed (shmem, swap cache)",
		 method ? method : "?", st->refs, st->procs_mapping, st->refs_dropped,
		 st->unattributed);
	return snapshot_info_set(s, "capture_method", "bpf") ?:
	       capture_live_key(s, "capture_refs", st->refs) ?:
	       capture_live_key(s, "capture_slots", st->slots) ?:
	       capture_live_key(s, "capture_unattributed", st->unattributed) ?:
	       capture_live_key(s, "capture_procs", st->procs_mapping) ?:
	       capture_live_key(s, "capture_procs_gone", st->procs_gone) ?:
	       capture_live_key(s, "capture_refs_dropped", st->refs_dropped) ?:
	       snapshot_set_string(&s->prov.note, note);
}

int capture_live(const struct capture_opts *o, struct snapshot **out,
		 struct capture_stats *st, struct diag *d)
{
	struct snapshot *s = NULL;
	uint32_t clash;
	char buf[16];
	int rc;

	rc = live_load(capture_live_area(o, buf, sizeof(buf)), &s, d);
	if (rc)
		return rc;
	st->state = CAPTURE_BPF;
	st->type = (int)s->dev.type;
	rc = capture_walk(o, s->dev.type, s->dev.max, s, st, d);
	if (!rc && snapshot_finish(s, &clash))
		rc = diag_line(d, "capture", 0, "capture-refs",
			       "inconsistent references at slot %u", clash);
	if (!rc)
		rc = capture_live_owners(s, st);
	if (!rc) {
		capture_live_usage(s, st);
		rc = capture_live_say(s, st);
	}
	if (rc == -ENOMEM)
		diag_errno(d, "capture", rc);
	if (rc) {
		snapshot_free(s);
		return rc;
	}
	*out = s;
	return 0;
}
