/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapedit.h - edits of a loaded model: cluster flags and order, slot
 * fields. Each edit is validated before anything changes, applied to the
 * snapshot with its analysis kept current (O(cluster) a change, never
 * O(device)), recorded in a journal, and saved to a snapshot file in one
 * SQLite transaction.
 *
 * Values are the text a user writes to the mount's files (swapfs(8)):
 *
 *	clusters/<i>/flags	a cluster flag name: none free nonfull frag
 *				full discard (the kernel's list, raw: a flag
 *				that contradicts count or order is allowed and
 *				reported by the list-mismatch check)
 *	clusters/<i>/order	0 .. nr_orders - 1 (ci->order, raw)
 *	clusters/<i>/slots/<o>	blank-separated key=value assignments, any
 *				subset of: count=N (0 .. UINT32_MAX - 1),
 *				cached=0|1, bad=0|1, zero=0|1, zswap=0|1,
 *				order=K|unknown (K: a known run of 2^K slots
 *				starts at this slot; unknown: the slot leaves
 *				its run, which is removed). A slot edit keeps
 *				ci->count equal to what it was plus the change
 *				in non-free slots, as the kernel would.
 *
 * A trailing newline is accepted (echo adds one); anything else unknown
 * is refused with -EINVAL and a diag naming the path, the value and the
 * rule ("clusters/12/flags: 'bogus' is not a cluster flag
 * [edit-cluster-flags]"). A refused edit changes nothing.
 *
 * What the words above leave open, decided so (additions, no change of
 * meaning):
 *  - numbers are decimal: digits only, no sign, no blank, no leading zero;
 *    assignments are separated by blanks (spaces, tabs), each key at most
 *    once, at least one; a value is one line of printable ASCII, at most
 *    256 bytes [edit-value].
 *  - order=K on a slot already in a known run of order K changes nothing
 *    (wherever that run starts), so the line snapedit_slot_format() gives
 *    can be written back; in a run of another order it is refused
 *    [edit-slot-run-overlap]: write order=unknown first.
 *  - the state an edit leaves must be one the snapshot file stores and
 *    the snapshot's era can hold (the edits are saved there, and a state
 *    no kernel of the era has is no dump of it either): a bad slot with a
 *    count, zero or zswap on a slot not in use or bad, zero with zswap
 *    [edit-slot-word]; zero before era C, a bad slot in the swap cache in
 *    era G, and in era F (whose map has no cache mark) cached= differing
 *    from whether a swap-cache folio covers the slot [edit-slot-era]; a
 *    flag or order the era's clusters do not have [edit-cluster-flags-era,
 *    edit-cluster-order-era].
 *  - cached= sets the map's mark only; swap-cache folios are not edited
 *    (outside era F, a folio over slots without the mark is then an
 *    orphan-cache finding, which is what such an edit is for).
 *  - shmem (SWAP_MAP_SHMEM, eras A..D, snapshot_is_shmem()): a count=
 *    that changes the count of a shmem slot makes it an ordinary slot
 *    with that count (the mark stands for "count 1, owned by shmem"; the
 *    kernel never gives such a slot a second reference, and freeing it
 *    drops the mark); count=1 and the marks keep it shmem.
 *  - ci->count moves by the change in the slot's non-free state, kept
 *    within 0..cluster_size (the range a cluster's count has): a count
 *    that was already wrong stays a count-mismatch.
 *  - rules: edit-value, edit-cluster-range, edit-cluster-flags,
 *    edit-cluster-flags-era, edit-cluster-order, edit-cluster-order-era,
 *    edit-slot-range, edit-slot-syntax, edit-slot-key, edit-slot-duplicate,
 *    edit-slot-empty, edit-slot-count, edit-slot-flag, edit-slot-order,
 *    edit-slot-run-overlap, edit-slot-run-range, edit-slot-word,
 *    edit-slot-era. -ENOMEM (diag naming the path, no rule) changes
 *    nothing either.
 *
 * The journal holds one line per accepted edit, "<path> <value>" with the
 * value as normalised (so replaying the lines, by writing each value to
 * its path, reproduces the state), in the order they were applied. The
 * normalised value: a flag name; a decimal order; for a slot the keys
 * given, in the order count cached bad zero zswap order, one blank apart
 * ("clusters/12/slots/6150 count=3 zswap=1"). An accepted edit that
 * changes nothing (the value already there) is journalled too, but does
 * not make the state dirty.
 *
 * Not thread-safe: the caller serialises edits against each other and
 * against readers of the snapshot and the analysis.
 */
#ifndef SWAPFS_SNAPEDIT_H
#define SWAPFS_SNAPEDIT_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_EDITS)
#error "swapfs/snapedit.h belongs to the edits: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/analysis.h"
#include "swapfs/diag.h"
#include "swapfs/snapshot.h"

struct snapedit;

/*
 * snapedit_new - edits of @s, whose analysis (analysis_run() with
 * ANALYSIS_ALL_CHECKS) is @a. Neither is owned. @save_path: the snapshot
 * file to save to; @save_id: 0, so the first save appends the edited
 * state as a new snapshot (a new file when @save_path does not exist)
 * and later saves replace that one, the session's own; or the id of a
 * snapshot the caller itself appended earlier (a session resumed), whose
 * rows the saves then rewrite. Never the id of a state a user made or
 * loaded: a save must not destroy it (swapfs mount always passes 0).
 * Returns 0 or -ENOMEM
 * (and, an addition, -EINVAL when @a is not of @s, @save_path is NULL or
 * @save_id is negative). Every edit keeps @a up to date at O(cluster)
 * (analysis_update_slots()), so readers of @a need not run it again.
 */
int snapedit_new(struct snapshot *s, struct analysis *a, const char *save_path,
		 int64_t save_id, struct snapedit **out);

/* snapedit_free - free @e (unsaved edits are lost); NULL is fine. */
void snapedit_free(struct snapedit *e);

/*
 * snapedit_cluster_flags / snapedit_cluster_order / snapedit_slot - apply
 * the value @text (@len bytes, not NUL-terminated) to a cluster or a slot.
 * Returns 0, or -EINVAL with @d filled and nothing changed.
 */
int snapedit_cluster_flags(struct snapedit *e, uint32_t ci, const char *text,
			   size_t len, struct diag *d);
int snapedit_cluster_order(struct snapedit *e, uint32_t ci, const char *text,
			   size_t len, struct diag *d);
int snapedit_slot(struct snapedit *e, uint32_t slot, const char *text,
		  size_t len, struct diag *d);

/*
 * snapedit_slot_format - the slot line of the mount's slot files:
 * "count=N cached=0|1 bad=0|1 zero=0|1 zswap=0|1 order=K|unknown" and a
 * newline; order is that of the known run covering the slot (wherever it
 * starts), else unknown. Returns its length (as snprintf), or -EINVAL
 * for a slot at or past max.
 */
int snapedit_slot_format(const struct snapshot *s, uint32_t slot, char *buf,
			 size_t len);

/* snapedit_journal - the journal: @nr lines, each NUL-terminated. */
const char *const *snapedit_journal(const struct snapedit *e, size_t *nr);

/* snapedit_dirty - edits since the last save (that changed something). */
bool snapedit_dirty(const struct snapedit *e);

/*
 * snapedit_save_id - the snapshot the next save replaces: the save_id
 * given, or, after a save that appended, the new snapshot's id; 0 while
 * nothing was appended. (Addition.)
 */
int64_t snapedit_save_id(const struct snapedit *e);

/*
 * snapedit_save - write the edited state to the save file in one SQLite
 * transaction (a crash leaves the old state or the new one), then fsync.
 * Nothing to do when not dirty. Returns 0 or -errno with @d filled.
 *
 * Without a save id (the first save of a session), the whole state is
 * appended as a new snapshot (in a new file when there is none; the file
 * appears whole or not at all), and its id becomes the save id: the
 * snapshot the state was loaded from is never touched. With one, only
 * the rows of the clusters changed since the last save are rewritten
 * (their clusters, slots and runs rows, the counts and shmem rows of
 * their slots; snapfile_replace()); info, folios, next hints and
 * counters stay as stored. Either way the provenance is kept (created,
 * source_kind, source_path, step) and the note gets a mark and a summary
 * of the journal (after "; " when there was one; an earlier such mark is
 * replaced, not repeated):
 *
 *	edited by swapfs <UTC time>[ from snapshot <id>]: <n> edits in <k>
 *	clusters: <journal line>, ...
 *
 * with every journal line when there are at most 4, else ", the last: "
 * and the last 4; <id> is the snapshot the session loaded (none for a
 * dump). The in-memory snapshot's note and prov.id follow. On failure
 * the file holds the old state, and the snapshot, its note and the dirty
 * set are as before, so the save can be tried again. After a crash
 * mid-save the file holds the old state behind a hot journal, which the
 * next open that may write (a save, swapfs import --append) rolls back;
 * until then a read-only open fails (SQLITE_READONLY_ROLLBACK, -EROFS).
 */
int snapedit_save(struct snapedit *e, struct diag *d);

#endif /* SWAPFS_SNAPEDIT_H */
