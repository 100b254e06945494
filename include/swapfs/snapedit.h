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
 * The journal holds one line per accepted edit, "<path> <value>" with the
 * value as normalised (so replaying the lines, by writing each value to
 * its path, reproduces the state), in the order they were applied.
 *
 * Not thread-safe: the caller serialises edits against each other and
 * against readers of the snapshot and the analysis.
 */
#ifndef SWAPFS_SNAPEDIT_H
#define SWAPFS_SNAPEDIT_H

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
 * file to save to; @save_id: the snapshot in it the edits replace (its
 * rows are rewritten), or 0 to append the edited state as a new snapshot
 * (a new file when @save_path does not exist). Returns 0 or -ENOMEM.
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
 * newline. Returns its length (as snprintf).
 */
int snapedit_slot_format(const struct snapshot *s, uint32_t slot, char *buf,
			 size_t len);

/* snapedit_journal - the journal: @nr lines, each NUL-terminated. */
const char *const *snapedit_journal(const struct snapedit *e, size_t *nr);

/* snapedit_dirty - edits since the last save. */
bool snapedit_dirty(const struct snapedit *e);

/*
 * snapedit_save - write the edited state to the save file in one SQLite
 * transaction (a crash leaves the old state or the new one), then fsync.
 * Nothing to do when not dirty. Returns 0 or -errno with @d filled.
 */
int snapedit_save(struct snapedit *e, struct diag *d);

#endif /* SWAPFS_SNAPEDIT_H */
