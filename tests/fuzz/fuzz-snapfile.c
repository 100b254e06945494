// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-snapfile.c - the snapshot file loader on any bytes: opened (schema
 * checks), listed, every snapshot read (row checks) with its counters,
 * then analysed. SQLite parses the file format; what is fuzzed here is
 * swapfs's validation of what SQLite hands back.
 */
#include <errno.h>
#include <stdlib.h>

#include <swapfs/analysis.h>
#include <swapfs/snapfile.h>

#include "fuzz.h"

/* A file's snapshots beyond this many are not read (each costs a load). */
#define FUZZ_SNAPFILE_MAX_READS	4

static void fuzz_snapfile_read(struct snapfile *f, int64_t id)
{
	struct snapfile_counter *c = NULL;
	struct snapshot *s = NULL;
	struct analysis *a = NULL;
	struct diag d = { 0 };
	size_t nr;
	int rc;

	rc = snapfile_read(f, id, &s, &d);
	if (!rc) {
		if (!analysis_run(s, ANALYSIS_ALL_CHECKS, NULL, NULL, &a))
			analysis_free(a);
		snapshot_free(s);
	} else if (rc == -EINVAL && !d.msg[0]) {
		abort();	/* every rejection must say why */
	}
	if (!snapfile_read_counters(f, id, &c, &nr, &d))
		free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapfile_entry *e = NULL;
	struct snapfile *f;
	char path[256];
	struct diag d = { 0 };
	size_t nr = 0, i;
	int rc;

	fuzz_scratch("snap.db", path, sizeof(path));
	fuzz_write(path, data, size);
	rc = snapfile_open(path, false, &f, &d);
	if (rc) {
		if (rc == -EINVAL && !d.msg[0])
			abort();
		return 0;
	}
	if (!snapfile_list(f, &e, &nr, &d)) {
		for (i = 0; i < nr && i < FUZZ_SNAPFILE_MAX_READS; i++)
			fuzz_snapfile_read(f, e[i].id);
		free(e);
	}
	fuzz_snapfile_read(f, 0);
	snapfile_close(f);
	return 0;
}
