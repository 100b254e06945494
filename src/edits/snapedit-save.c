// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit-save.c - the edited state written to its snapshot file in one
 * transaction (snapedit_save() in snapedit.h): the changed clusters' rows
 * replaced (snapfile_replace()), or the whole state appended as a new
 * snapshot; the note marked "edited by swapfs <UTC time>".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "swapfs/durable.h"
#include "swapfs/snapfile.h"

#include "snapedit-parts.h"

/* The note of a saved state ends with this and the save's UTC time. */
#define SNAPEDIT_SAVE_MARK	"edited by swapfs "
#define SNAPEDIT_SAVE_MARK_SEP	"; "
#define SNAPEDIT_SAVE_TIME_LEN	20	/* YYYY-MM-DDTHH:MM:SSZ */

/*
 * The note without the mark an earlier save left ("...; edited by swapfs
 * <time>"), so the mark is replaced, not stacked, save after save.
 */
int snapedit_save_init(struct snapedit *e)
{
	const char *note = e->s->prov.note, *m;
	size_t n, tail = strlen(SNAPEDIT_SAVE_MARK) + SNAPEDIT_SAVE_TIME_LEN;

	if (!note)
		return 0;
	n = strlen(note);
	if (n >= tail && !strncmp(note + n - tail, SNAPEDIT_SAVE_MARK,
				  strlen(SNAPEDIT_SAVE_MARK))) {
		m = note + n - tail;
		if (m == note) {
			n = 0;
		} else if (m - note >= 2 &&
			   !strncmp(m - 2, SNAPEDIT_SAVE_MARK_SEP, 2)) {
			n = (size_t)(m - note) - 2;
		}
	}
	if (!n)
		return 0;
	e->base_note = strndup(note, n);
	return e->base_note ? 0 : -ENOMEM;
}

/* The note a save stores: the base note, then our mark and the time. */
static char *snapedit_save_note(const struct snapedit *e)
{
	char when[SNAPEDIT_SAVE_TIME_LEN + 1];
	time_t now = time(NULL);
	struct tm tm;
	char *note;

	if (!gmtime_r(&now, &tm) ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) !=
	    SNAPEDIT_SAVE_TIME_LEN)
		return NULL;
	if (asprintf(&note, "%s%s" SNAPEDIT_SAVE_MARK "%s",
		     e->base_note ? e->base_note : "",
		     e->base_note ? SNAPEDIT_SAVE_MARK_SEP : "", when) < 0)
		return NULL;
	return note;
}

static int snapedit_save_replace(struct snapedit *e, struct diag *d)
{
	struct snapfile *f;
	int rc;

	rc = snapfile_open(e->save_path, true, &f, d);
	if (rc)
		return rc;
	rc = snapfile_replace(f, e->save_id, e->s, e->dirty, d);
	snapfile_close(f);
	return rc;
}

/*
 * The whole state as a new snapshot: into the file when it exists (one
 * transaction; the directory synced after, so the journal's unlink that
 * commits it is on disk too), else into a new file that appears whole.
 */
static int snapedit_save_append(struct snapedit *e, struct diag *d)
{
	struct snapfile *f;
	struct stat st;
	bool exists;
	int64_t id;
	int rc;

	exists = !lstat(e->save_path, &st);
	if (!exists && errno != ENOENT)
		return diag_errno(d, e->save_path, -errno);
	rc = exists ? snapfile_open(e->save_path, true, &f, d) :
		      snapfile_create(e->save_path, false, &f, d);
	if (rc)
		return rc;
	rc = snapfile_append(f, e->s, &id, d);
	if (rc) {
		snapfile_close(f);
		return rc;
	}
	rc = snapfile_commit(f, d);
	if (!rc && exists) {
		rc = durable_sync_dir(e->save_path);
		if (rc)
			diag_errno(d, e->save_path, rc);
	}
	if (!rc) {
		/* the state is in the file from here on: later saves replace it */
		e->save_id = id;
		e->s->prov.id = id;
	}
	return rc;
}

int snapedit_save(struct snapedit *e, struct diag *d)
{
	char *note, *old = e->s->prov.note;
	int rc;

	diag_clear(d);
	if (!e->changed)
		return 0;
	note = snapedit_save_note(e);
	if (!note)
		return diag_errno(d, e->save_path, -ENOMEM);
	e->s->prov.note = note;
	rc = e->save_id ? snapedit_save_replace(e, d) :
			  snapedit_save_append(e, d);
	if (rc) {
		/* nothing saved: the note and the dirty set stay as they were */
		e->s->prov.note = old;
		free(note);
		return rc;
	}
	free(old);
	memset(e->dirty, 0, (e->s->dev.nr_clusters / 64 + 1) * sizeof(*e->dirty));
	e->changed = false;
	return 0;
}
