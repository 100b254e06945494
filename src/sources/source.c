// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * source.c - SRC on the command line: a dump directory, a snapshot file
 * (FILE@N for its snapshot N), or live:AREA, the running kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "swapfs/dump.h"
#include "swapfs/live.h"
#include "swapfs/snapfile.h"
#include "swapfs/source.h"
#include "swapfs/stream.h"

static bool source_is_live(const char *name)
{
	return !strncmp(name, LIVE_PREFIX, strlen(LIVE_PREFIX));
}

/* "12" -> 12: plain decimal, 1..INT64_MAX; -1 for anything else. */
static int64_t source_parse_id(const char *v)
{
	int64_t n = 0;

	if (!*v)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > (INT64_MAX - (*v - '0')) / 10)
			return -1;
		n = n * 10 + (*v - '0');
	}
	return n ? n : -1;
}

int source_name_split(const char *name, char **path, int64_t *id,
		      struct diag *d)
{
	const char *at = strrchr(name, '@');
	struct stat st;
	int64_t n;

	*path = NULL;
	*id = 0;
	/* a name that is there as it is wins: files may hold an '@' */
	if (source_is_live(name) || !at || !lstat(name, &st)) {
		*path = strdup(name);
		return *path ? 0 : diag_errno(d, name, -ENOMEM);
	}
	n = source_parse_id(at + 1);
	if (n < 0)
		return diag_line(d, name, 0, "source-snapshot-id",
				 "'%s' after '@' is not a snapshot number (1, 2, ...)",
				 at + 1);
	*path = strndup(name, (size_t)(at - name));
	if (!*path)
		return diag_errno(d, name, -ENOMEM);
	*id = n;
	return 0;
}

static int source_load_snapfile(const char *path, int64_t id,
				struct snapshot **out, struct diag *d)
{
	struct snapfile *f;
	int rc;

	rc = snapfile_open(path, false, &f, d);
	if (rc)
		return rc;
	rc = snapfile_read(f, id, out, d);
	snapfile_close(f);
	if (rc)
		return rc;
	/* the views look back-references up by slot */
	rc = snapshot_index_refs(*out);
	if (rc) {
		snapshot_free(*out);
		*out = NULL;
		return diag_errno(d, path, rc);
	}
	return 0;
}

/* What names one state only (a dump, the kernel) has no snapshot @id > 1. */
static int source_one_state(const char *path, int64_t id, const char *what,
			    struct diag *d)
{
	if (id <= 1)
		return 0;
	diag_line(d, path, 0, "source-snapshot",
		  "%s holds one snapshot; there is no snapshot %lld", what,
		  (long long)id);
	return -ENOENT;
}

static int source_load_path(const char *path, int64_t id,
			    struct snapshot **out, struct diag *d)
{
	struct stat st;
	int rc;

	if (source_is_live(path)) {
		rc = source_one_state(path, id, "the running kernel", d);
		return rc ?: live_load(path + strlen(LIVE_PREFIX), out, d);
	}
	if (stat(path, &st))
		return diag_errno(d, path, -errno);
	if (S_ISDIR(st.st_mode)) {
		rc = source_one_state(path, id, "a dump directory", d);
		return rc ?: dump_load(path, out, d);
	}
	if (S_ISREG(st.st_mode) && snapfile_probe(path))
		return source_load_snapfile(path, id, out, d);
	return diag_line(d, path, 0, "source-kind",
			 "neither a dump directory nor a swapfs snapshot file");
}

int source_load(const char *name, int64_t id, struct snapshot **out,
		struct diag *d)
{
	int64_t at_id;
	char *path;
	int rc;

	diag_clear(d);
	rc = source_name_split(name, &path, &at_id, d);
	if (rc)
		return rc;
	rc = source_load_path(path, id ? id : at_id, out, d);
	free(path);
	return rc;
}

int source_load_stream(const char *name, int64_t id, struct snapshot **out,
		       struct diag *d)
{
	struct snapfile *f;
	struct stat st;
	int64_t at_id;
	char *path;
	bool streamed;

	diag_clear(d);
	*out = NULL;
	if (source_name_split(name, &path, &at_id, d))
		return source_load(name, id, out, d);
	streamed = strncmp(path, LIVE_PREFIX, strlen(LIVE_PREFIX)) &&
		   !stat(path, &st) && S_ISREG(st.st_mode) && snapfile_probe(path) &&
		   !snapfile_open(path, false, &f, d) &&
		   !snapfile_stream(f, id ? id : at_id, out, d);
	free(path);
	if (streamed)
		return 0;
	/* whatever stopped the stream, the whole reading says it in its words */
	return source_load(name, id, out, d);
}

void source_areas_free(struct snapshot **areas, unsigned int nr)
{
	unsigned int i;

	if (!areas)
		return;
	for (i = 0; i < nr; i++)
		snapshot_free(areas[i]);
	free(areas);
}

/* Member @i of the group starting at snapshot @base is what it claims. */
static int source_group_check(const char *path, const struct snapshot *s,
			      int64_t base, unsigned int i, unsigned int n,
			      struct diag *d)
{
	const struct snapshot_device *dev = &s->dev;

	if (dev->has_area && dev->areas == n && dev->area == i)
		return 0;
	return diag_line(d, path, 0, "source-area-group",
			 "snapshot %lld: area %u of %u, where the group of snapshot %lld "
			 "(area 0 of %u) needs area %u of %u: a group's areas are consecutive "
			 "snapshots, area 0 first",
			 (long long)(base + i), dev->has_area ? dev->area : 0,
			 dev->areas, (long long)base, n, i, n);
}

/* The group snapshot @id of the snapshot file @path belongs to. */
static int source_load_group(const char *path, int64_t id, struct snapshot **v,
			     unsigned int *nr, struct diag *d)
{
	struct snapshot *s;
	unsigned int i, n;
	int64_t base;
	int rc;

	rc = source_load_snapfile(path, id, &s, d);
	if (rc)
		return rc;
	/* info_apply() bounds areas to 1..32 and area below it */
	n = s->dev.has_area ? s->dev.areas : 1;
	base = s->prov.id - (s->dev.has_area ? s->dev.area : 0);
	for (i = 0; !rc && i < n; i++) {
		if (base + i == s->prov.id) {
			v[i] = s;
			continue;
		}
		rc = base < 1 ? -ENOENT : source_load_snapfile(path, base + i, &v[i], d);
		if (rc == -ENOENT)
			rc = diag_line(d, path, 0, "source-area-group",
				       "snapshot %lld is area %u of %u, but there is no snapshot "
				       "%lld for area %u: a group's areas are consecutive snapshots",
				       (long long)s->prov.id, s->dev.area, n,
				       (long long)(base + i), i);
		else if (!rc)
			rc = source_group_check(path, v[i], base, i, n, d);
	}
	if (!rc) {
		*nr = n;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (v[i] != s)
			snapshot_free(v[i]);
	snapshot_free(s);
	memset(v, 0, n * sizeof(*v));
	return rc;
}

int source_load_areas(const char *name, int64_t id, struct snapshot ***out,
		      unsigned int *nr, struct diag *d)
{
	struct snapshot **v = calloc(SOURCE_AREAS_MAX, sizeof(*v));
	struct stat st;
	int64_t at_id;
	char *path;
	int rc;

	diag_clear(d);
	*out = NULL;
	*nr = 0;
	if (!v)
		return diag_errno(d, name, -ENOMEM);
	rc = source_name_split(name, &path, &at_id, d);
	if (rc) {
		free(v);
		return rc;
	}
	id = id ? id : at_id;
	if (!strcmp(path, LIVE_PREFIX))
		rc = source_one_state(path, id, "the running kernel", d) ?:
		     live_load_areas(v, SOURCE_AREAS_MAX, nr, d);
	else if (!source_is_live(path) && !stat(path, &st) && S_ISREG(st.st_mode) &&
		 snapfile_probe(path))
		rc = source_load_group(path, id, v, nr, d);
	else if (!(rc = source_load_path(path, id, v, d)))
		*nr = 1;
	free(path);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	return 0;
}

unsigned int source_areas(const char *name, int64_t id)
{
	unsigned int n = 1;
	struct snapfile *f;
	struct stat st;
	struct diag d;
	int64_t at_id;
	char *path;

	if (source_name_split(name, &path, &at_id, &d))
		return 1;
	if (!strcmp(path, LIVE_PREFIX))
		n = 0;
	else if (!source_is_live(path) && !stat(path, &st) && S_ISREG(st.st_mode) &&
		 snapfile_probe(path) && !snapfile_open(path, false, &f, &d)) {
		if (snapfile_areas(f, id ? id : at_id, &n, &d))
			n = 1;
		snapfile_close(f);
	}
	free(path);
	return n;
}
