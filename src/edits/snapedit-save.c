// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit-save.c - the edited state written to its snapshot file in one
 * transaction (snapedit_save() in snapedit.h): the whole state appended as
 * a new snapshot, and at later saves the changed clusters' rows of that
 * snapshot replaced (snapfile_replace()); the note marked "edited by
 * swapfs <UTC time>" with a summary of the journal.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "swapfs/durable.h"
#include "swapfs/snapfile.h"
#include "swapfs/utc.h"

#include "snapedit-parts.h"

/*
 * The note of a saved state ends with our mark: "edited by swapfs <UTC
 * time>", " from snapshot <id>" when it came from one, and a summary of
 * the journal: ": <n> edits in <k> clusters: <line>, <line>" (all the
 * lines up to SNAPEDIT_SAVE_LINES, else ", the last: " and the last
 * ones). Journal lines have no ", " and no "; " (normalised values), so
 * the mark is found again as the last "edited by swapfs <time>" at the
 * start of the note or after "; ".
 */
#define SNAPEDIT_SAVE_MARK	"edited by swapfs "
#define SNAPEDIT_SAVE_MARK_SEP	"; "
#define SNAPEDIT_SAVE_TIME_LEN	UTC_LEN	/* YYYY-MM-DDTHH:MM:SSZ */
#define SNAPEDIT_SAVE_LINES	4

/* Whether @p starts with a time as the mark writes it. */
static bool snapedit_save_is_time(const char *p)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	for (i = 0; i < SNAPEDIT_SAVE_TIME_LEN; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)p[i]) : p[i] != shape[i])
			return false;
	}
	return true;
}

/* Where our mark starts in @note (after its "; "); NULL when it has none. */
static const char *snapedit_save_find_mark(const char *note)
{
	const char *m, *found = NULL;
	size_t len = strlen(SNAPEDIT_SAVE_MARK);

	for (m = strstr(note, SNAPEDIT_SAVE_MARK); m; m = strstr(m + 1, SNAPEDIT_SAVE_MARK)) {
		if (m != note && (m - note < 2 || strncmp(m - 2, SNAPEDIT_SAVE_MARK_SEP, 2)))
			continue;
		if (strnlen(m + len, SNAPEDIT_SAVE_TIME_LEN) == SNAPEDIT_SAVE_TIME_LEN &&
		    snapedit_save_is_time(m + len))
			found = m;
	}
	return found;
}

/*
 * The note without the mark an earlier save left, so the mark is
 * replaced, not stacked, save after save (each snapshot in the file
 * keeps its own note: the history is there).
 */
int snapedit_save_init(struct snapedit *e)
{
	const char *note = e->s->prov.note, *m;
	size_t n;

	if (!note)
		return 0;
	m = snapedit_save_find_mark(note);
	n = !m ? strlen(note) : m == note ? 0 : (size_t)(m - note) - 2;
	if (!n)
		return 0;
	e->base_note = strndup(note, n);
	return e->base_note ? 0 : -ENOMEM;
}

/* ": <n> edits in <k> clusters: <line>, ..." into @f. */
static void snapedit_save_summary(const struct snapedit *e, FILE *f)
{
	size_t n = e->nr_journal, first, i;

	fprintf(f, ": %zu edit%s in %u cluster%s", n, n == 1 ? "" : "s",
		e->nr_touched, e->nr_touched == 1 ? "" : "s");
	first = n > SNAPEDIT_SAVE_LINES ? n - SNAPEDIT_SAVE_LINES : 0;
	fputs(first ? ", the last: " : ": ", f);
	for (i = first; i < n; i++)
		fprintf(f, "%s%s", i > first ? ", " : "", e->journal[i]);
}

/* The note a save stores: the base note, then our mark and the summary. */
static char *snapedit_save_note(const struct snapedit *e)
{
	char when[SNAPEDIT_SAVE_TIME_LEN + 1];
	char *note = NULL;
	size_t size = 0;
	FILE *f;

	if (utc_now(when, sizeof(when)) || strlen(when) != SNAPEDIT_SAVE_TIME_LEN)
		return NULL;
	f = open_memstream(&note, &size);
	if (!f)
		return NULL;
	fprintf(f, "%s%s" SNAPEDIT_SAVE_MARK "%s", e->base_note ? e->base_note : "",
		e->base_note ? SNAPEDIT_SAVE_MARK_SEP : "", when);
	if (e->base_id > 0)
		fprintf(f, " from snapshot %" PRId64, e->base_id);
	snapedit_save_summary(e, f);
	if (fclose(f)) {
		free(note);
		return NULL;
	}
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
