// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-edit.c - the mount's write parsers (snapedit.h) on any values, on a
 * fresh load of a dump fixture each time. The input is a series of edits,
 * each [what][index, 2 bytes LE][length][value bytes]: what % 3 picks the
 * cluster's flags, its order, or a slot (the index is taken modulo the
 * clusters or slots there are). After the edits, the analysis kept
 * current edit by edit must equal one computed afresh: an edit that
 * changes the snapshot and forgets a summary is a bug the fuzzer finds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/dump.h>
#include <swapfs/snapedit.h>

#include "fuzz.h"

#ifndef FUZZ_EDIT_FIXTURE
#error "FUZZ_EDIT_FIXTURE: the dump directory the edits apply to"
#endif

static void fuzz_edit_same(const struct analysis *x, const struct analysis *y)
{
	const struct analysis_totals *a = &x->totals, *b = &y->totals;
	unsigned int k;

	if (a->slots_used != b->slots_used || a->slots_free != b->slots_free ||
	    a->slots_cached != b->slots_cached ||
	    a->slots_cache_only != b->slots_cache_only ||
	    a->slots_bad != b->slots_bad || a->slots_zero != b->slots_zero ||
	    a->slots_zswap != b->slots_zswap ||
	    a->vm_swap_full != b->vm_swap_full ||
	    memcmp(a->clusters, b->clusters, sizeof(a->clusters)) ||
	    memcmp(a->findings, b->findings, sizeof(a->findings)) ||
	    memcmp(a->by_severity, b->by_severity, sizeof(a->by_severity)))
		abort();
	for (k = 0; k <= SNAPSHOT_MAX_ORDER; k++)
		if (memcmp(&x->orders[k], &y->orders[k], sizeof(x->orders[k])))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct analysis *a = NULL, *fresh = NULL;
	struct snapedit *e = NULL;
	struct snapshot *s = NULL;
	struct diag d = { 0 };
	char path[256];
	size_t i = 0, len;
	uint32_t idx;
	int rc;

	if (dump_load(FUZZ_EDIT_FIXTURE, &s, &d) ||
	    analysis_run(s, ANALYSIS_ALL_CHECKS, NULL, NULL, &a))
		abort();
	fuzz_scratch("edit.db", path, sizeof(path));
	if (snapedit_new(s, a, path, 0, &e))
		abort();
	while (size - i >= 4) {
		idx = (uint32_t)data[i + 1] | (uint32_t)data[i + 2] << 8;
		len = data[i + 3];
		if (len > size - i - 4)
			len = size - i - 4;
		switch (data[i] % 3) {
		case 0:
			rc = snapedit_cluster_flags(e, idx % s->dev.nr_clusters,
						    (const char *)data + i + 4, len, &d);
			break;
		case 1:
			rc = snapedit_cluster_order(e, idx % s->dev.nr_clusters,
						    (const char *)data + i + 4, len, &d);
			break;
		default:
			rc = snapedit_slot(e, idx % s->dev.max,
					   (const char *)data + i + 4, len, &d);
			break;
		}
		if (rc == -EINVAL && !d.msg[0])
			abort();	/* every refusal must say why */
		d.msg[0] = '\0';
		i += 4 + len;
	}
	if (analysis_run(s, ANALYSIS_ALL_CHECKS, NULL, NULL, &fresh))
		abort();
	fuzz_edit_same(a, fresh);
	analysis_free(fresh);
	snapedit_free(e);
	analysis_free(a);
	snapshot_free(s);
	return 0;
}
