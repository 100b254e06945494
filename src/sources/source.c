// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * source.c - SRC on the command line: a dump directory, a snapshot file,
 * or live:AREA, the running kernel.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "swapfs/dump.h"
#include "swapfs/live.h"
#include "swapfs/snapfile.h"
#include "swapfs/source.h"
#include "swapfs/stream.h"

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

int source_load(const char *path, int64_t id, struct snapshot **out,
		struct diag *d)
{
	struct stat st;

	diag_clear(d);
	if (!strncmp(path, LIVE_PREFIX, strlen(LIVE_PREFIX))) {
		if (id > 1) {	/* the kernel has one state: now */
			diag_line(d, path, 0, "source-snapshot",
				  "the running kernel holds one snapshot; there is no snapshot %lld",
				  (long long)id);
			return -ENOENT;
		}
		return live_load(path + strlen(LIVE_PREFIX), out, d);
	}
	if (stat(path, &st))
		return diag_errno(d, path, -errno);
	if (S_ISDIR(st.st_mode)) {
		/* A dump is one state: there is no other snapshot to pick. */
		if (id > 1) {
			diag_line(d, path, 0, "source-snapshot",
				  "a dump directory holds one snapshot; there is no snapshot %lld",
				  (long long)id);
			return -ENOENT;
		}
		return dump_load(path, out, d);
	}
	if (S_ISREG(st.st_mode) && snapfile_probe(path))
		return source_load_snapfile(path, id, out, d);
	return diag_line(d, path, 0, "source-kind",
			 "neither a dump directory nor a swapfs snapshot file");
}

int source_load_stream(const char *path, int64_t id, struct snapshot **out,
		       struct diag *d)
{
	struct snapfile *f;
	struct stat st;

	diag_clear(d);
	*out = NULL;
	if (strncmp(path, LIVE_PREFIX, strlen(LIVE_PREFIX)) && !stat(path, &st) &&
	    S_ISREG(st.st_mode) && snapfile_probe(path) &&
	    !snapfile_open(path, false, &f, d) && !snapfile_stream(f, id, out, d))
		return 0;
	/* whatever stopped the stream, the whole reading says it in its words */
	return source_load(path, id, out, d);
}
