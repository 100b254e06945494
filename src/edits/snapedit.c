// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit.c - edits of a loaded model (snapedit.h): the editor made and
 * freed, and what it tells of itself. A value is parsed and the state it
 * would leave is checked in full before anything changes
 * (snapedit-cluster.c, snapedit-slot.c); then it is applied to the
 * snapshot, the analysis is brought up to date cluster by cluster
 * (snapedit-apply.c), and the journal gets its line (snapedit-journal.c).
 * Saving appends the whole state as a new snapshot, and then replaces the
 * changed clusters' rows of that snapshot, the session's own
 * (snapfile_replace(); snapedit-save.c).
 *
 * What an edit must not leave behind is what the snapshot file would
 * refuse (swapfs-snapshot(5)) and what the snapshot's era cannot say:
 * edits are saved to that file, and a state no kernel of the era can be
 * in is a state no dump of it can hold.
 *
 * Limitations:
 *  - folios, next hints and info keys are not editable: cached= sets the
 *    map's mark only (a folio over uncached slots is orphan-cache, a
 *    finding, in every era but F, whose map has no mark: there cached
 *    must agree with the folios and an edit that disagrees is refused);
 *  - info keys that sum the map (inuse_pages) keep their loaded value;
 *  - a value is at most SNAPEDIT_VALUE_MAX bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snapedit-parts.h"

int snapedit_new(struct snapshot *s, struct analysis *a, const char *save_path,
		 int64_t save_id, struct snapedit **out)
{
	struct snapedit *e;

	*out = NULL;
	if (!s || !a || a->snap != s || !save_path || save_id < 0)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->s = s;
	e->a = a;
	/* the scanner reads an unknown era as the newest; so do edits */
	e->era = era_get(s->dev.era) ?: era_get('G');
	e->save_id = save_id;
	e->base_id = s->prov.id;
	e->save_path = strdup(save_path);
	e->dirty = calloc(s->dev.nr_clusters / 64 + 1, sizeof(*e->dirty));
	e->touched = calloc(s->dev.nr_clusters / 64 + 1, sizeof(*e->touched));
	if (!e->save_path || !e->dirty || !e->touched || snapedit_save_init(e)) {
		snapedit_free(e);
		return -ENOMEM;
	}
	*out = e;
	return 0;
}

void snapedit_free(struct snapedit *e)
{
	if (!e)
		return;
	snapedit_journal_free(e);
	free(e->dirty);
	free(e->touched);
	free(e->base_note);
	free(e->save_path);
	free(e);
}

bool snapedit_dirty(const struct snapedit *e)
{
	return e->changed;
}

int64_t snapedit_save_id(const struct snapedit *e)
{
	return e->save_id;
}
