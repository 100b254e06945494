// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli.c - what several swapfs subcommands run (see cli.h).
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/snapfile.h>
#include <swapfs/source.h>

#include "cli.h"

int cli_exit_for(int rc)
{
	return rc ? SWAPFS_EXIT_SYSTEM : SWAPFS_EXIT_OK;
}

int cli_target_error(const char *name, int rc, bool resolved)
{
	const char *why;

	switch (rc) {
	case -EINVAL:
		why = "not a regular file or block device";
		break;
	case -ESTALE:
		why = "the device blkid's cache names no longer carries it";
		break;
	case -ENOENT:
		why = resolved ? strerror(ENOENT) : "no such swap area";
		break;
	default:
		why = strerror(-rc);
		break;
	}
	warnx("%s: %s", name, why);
	return rc == -EINVAL ? SWAPFS_EXIT_INVALID : SWAPFS_EXIT_SYSTEM;
}

int cli_diag_error(const char *what, int rc, const struct diag *d)
{
	if (d && d->msg[0])
		warnx("%s", d->msg);
	else
		warnx("%s: %s", what, strerror(-rc));
	return SWAPFS_EXIT_SYSTEM;
}

int cli_errno_error(int rc)
{
	warnx("%s", strerror(-rc));
	return SWAPFS_EXIT_SYSTEM;
}

int cli_source_split(const char *src, int64_t id, char **path,
			 int64_t *at_id)
{
	struct diag d;
	int rc;

	diag_clear(&d);
	rc = source_name_split(src, path, at_id, &d);
	if (rc)
		return cli_diag_error(src, rc, &d);
	if (id && *at_id && id != *at_id) {
		warnx("%s names snapshot %lld, --snapshot %lld another",
		      src, (long long)*at_id, (long long)id);
		free(*path);
		*path = NULL;
		return SWAPFS_EXIT_USAGE;
	}
	return SWAPFS_EXIT_OK;
}

/* SRC and --snapshot agree (cli_source_split()); the exit code. */
static int cli_source_agree(const char *src, int64_t id)
{
	int64_t at_id;
	char *path;
	int rc;

	rc = cli_source_split(src, id, &path, &at_id);
	free(path);
	return rc;
}

int cli_load_source(const char *src, int64_t id, struct snapshot **out)
{
	struct diag d;
	int rc;

	rc = cli_source_agree(src, id);
	if (rc)
		return rc;
	rc = source_load(src, id, out, &d);
	return rc ? cli_diag_error(src, rc, &d) : SWAPFS_EXIT_OK;
}

int cli_load_areas(const char *src, int64_t id, struct snapshot ***out,
		   unsigned int *nr)
{
	struct diag d;
	int rc;

	rc = cli_source_agree(src, id);
	if (rc)
		return rc;
	rc = source_load_areas(src, id, out, nr, &d);
	return rc ? cli_diag_error(src, rc, &d) : SWAPFS_EXIT_OK;
}

int cli_load_counters(const char *src, int64_t id, struct snapfile_counter **c,
		      size_t *nr)
{
	struct snapfile *f;
	struct diag d;
	int rc;

	int64_t at_id;
	char *path;

	*c = NULL;
	*nr = 0;
	rc = cli_source_split(src, id, &path, &at_id);
	if (rc)
		return rc;
	if (!snapfile_probe(path)) {
		free(path);
		return SWAPFS_EXIT_OK;
	}
	rc = snapfile_open(path, false, &f, &d);
	if (!rc) {
		rc = snapfile_read_counters(f, id ? id : at_id, c, nr, &d);
		snapfile_close(f);
	}
	free(path);
	return rc ? cli_diag_error(src, rc, &d) : SWAPFS_EXIT_OK;
}

int cli_snapfile_open(const char *path, bool append, bool force,
		      const char *exists, struct snapfile **f, struct diag *d)
{
	int rc;

	diag_clear(d);
	if (append)
		rc = snapfile_open(path, true, f, d);
	else
		rc = snapfile_create(path, force, f, d);
	if (rc == -EEXIST && exists) {
		warnx("%s: %s", path, exists);
		return SWAPFS_EXIT_SYSTEM;
	}
	return rc ? cli_diag_error(path, rc, d) : SWAPFS_EXIT_OK;
}

int cli_snapfile_write_areas(const char *path, bool append, bool force,
			     const char *exists, struct snapshot *const *v,
			     unsigned int nr)
{
	struct snapfile *f;
	struct diag d;
	unsigned int i;
	int rc;

	rc = cli_snapfile_open(path, append, force, exists, &f, &d);
	if (rc)
		return rc;
	for (i = 0; i < nr; i++) {
		rc = snapfile_append(f, v[i], NULL, &d);
		if (rc) {
			snapfile_close(f);
			return cli_diag_error(path, rc, &d);
		}
	}
	rc = snapfile_commit(f, &d);
	return rc ? cli_diag_error(path, rc, &d) : SWAPFS_EXIT_OK;
}

int cli_snapfile_write(const char *path, bool append, bool force,
		       const char *exists, const struct snapshot *s)
{
	struct snapshot *v = (struct snapshot *)s;

	return cli_snapfile_write_areas(path, append, force, exists, &v, 1);
}
