// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-info.c - a dump's info file: "key: value" lines, each key checked
 * by info.h's rules and remembered with its line, then the device they
 * make, and the dump's provenance.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "swapfs/info.h"
#include "swapfs/utc.h"
#include "dump-text.h"

/* Bounds that keep hostile text linear: exporters write a dozen keys. */
#define DUMP_INFO_KEYS_MAX	1024u

static int dump_info_line(struct dump_reader *r, struct dump_cursor *c)
{
	char key[DUMP_LINE_MAX + 1], value[DUMP_LINE_MAX + 1];
	const char *colon = memchr(c->p, ':', (size_t)(c->end - c->p));
	const char *v, *vend;
	unsigned long *lines;
	struct info_error e;
	size_t i, klen;

	if (!colon || colon + 1 == c->end || colon[1] != ' ')
		return dump_text_fail(c, "info-syntax", "not a 'key: value' line");
	klen = (size_t)(colon - c->p);
	if (!info_key_ok(c->p, klen))
		return dump_text_fail(c, "info-syntax",
				      "key '%.*s' is not made of letters, digits, '_', '-', '.'",
				      DUMP_SHOW(klen), c->p);
	memcpy(key, c->p, klen);
	key[klen] = '\0';
	for (v = colon + 2; v < c->end && dump_text_blank(*v); v++)
		;
	for (vend = c->end; vend > v && dump_text_blank(vend[-1]); vend--)
		;
	memcpy(value, v, (size_t)(vend - v));
	value[vend - v] = '\0';

	for (i = 0; i < r->s->nr_info; i++)
		if (!strcmp(r->s->info[i].key, key))
			return dump_text_fail(c, "info-duplicate",
					      "key '%s' was given on line %lu already",
					      key, r->info_lines[i]);
	if (r->s->nr_info >= DUMP_INFO_KEYS_MAX)
		return dump_text_fail(c, "info-syntax", "more than %u keys",
				      DUMP_INFO_KEYS_MAX);
	if (info_check(key, value, &e))
		return dump_text_fail(c, e.rule, "%s", e.why);
	/* A dump has a few dozen keys: growing one by one is fine. */
	lines = reallocarray(r->info_lines, r->s->nr_info + 1, sizeof(*lines));
	if (!lines)
		return dump_file_nomem(r);
	r->info_lines = lines;
	if (snapshot_info_add(r->s, key, value))
		return dump_file_nomem(r);
	lines[r->s->nr_info - 1] = c->line;
	return 0;
}

static unsigned long dump_info_line_of(struct dump_reader *r, const char *key)
{
	size_t i;

	for (i = 0; key && i < r->s->nr_info; i++)
		if (!strcmp(r->s->info[i].key, key))
			return r->info_lines[i];
	return 0;
}

/* Provenance: the dump's own time is when its info was written. */
static int dump_info_provenance(struct dump_reader *r, const struct stat *info_st)
{
	struct snapshot_provenance *p = &r->s->prov;
	char created[32];
	char *real;

	real = realpath(r->dir, NULL);
	if (!real)
		return diag_errno(r->d, r->dir, -errno);
	free(p->source_path);
	p->source_path = real;
	utc_format(info_st->st_mtime, created, sizeof(created));	/* "" if it cannot */
	if (snapshot_set_string(&p->source_kind, "dump") ||
	    snapshot_set_string(&p->created, created))
		return dump_file_nomem(r);
	p->step = -1;
	return 0;
}

int dump_info_read(struct dump_reader *r)
{
	struct info_error e;
	struct stat st;
	int fd, rc;

	rc = dump_file_open_required(r, "info", &fd, &st);
	if (rc)
		return rc;
	rc = dump_text_read(r, fd, &(struct dump_text_ops){ .line = dump_info_line });
	close(fd);
	if (rc)
		return rc;
	if (info_apply(r->s, &e))
		return diag_line(r->d, r->path, dump_info_line_of(r, e.key),
				 e.rule, "%s", e.why);
	r->era = era_get(r->s->dev.era);
	r->discard_memset = r->era && era_discard_memset(r->era, r->s->dev.kernel);
	if (!r->era)
		return diag_line(r->d, r->path, 0, "info-era",
				 "era '%c' is not one of A..G", r->s->dev.era);
	return dump_info_provenance(r, &st);
}
