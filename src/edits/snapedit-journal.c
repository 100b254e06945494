// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit-journal.c - the journal of the accepted edits: one line per
 * edit, "<path> <value>" with the value as normalised, in the order they
 * were applied (snapedit.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "snapedit-parts.h"

char *snapedit_journal_line(struct snapedit *e, const char *path,
			    const char *value)
{
	char *line;
	void *p;

	if (e->nr_journal == e->alloc_journal) {
		size_t want = e->alloc_journal ? 2 * e->alloc_journal : 64;

		p = reallocarray(e->journal, want, sizeof(*e->journal));
		if (!p)
			return NULL;
		e->journal = p;
		e->alloc_journal = want;
	}
	if (asprintf(&line, "%s %s", path, value) < 0)
		return NULL;
	return line;
}

void snapedit_journal_add(struct snapedit *e, char *line)
{
	e->journal[e->nr_journal++] = line;
}

void snapedit_journal_free(struct snapedit *e)
{
	size_t i;

	for (i = 0; i < e->nr_journal; i++)
		free(e->journal[i]);
	free(e->journal);
}

const char *const *snapedit_journal(const struct snapedit *e, size_t *nr)
{
	*nr = e->nr_journal;
	return (const char *const *)e->journal;
}
