// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-counters.c - the counters table both ways: the per-order
 * event counters a source knows (swpout, swpout_fallback, ...), written
 * beside a snapshot and read back on their own.
 */
#include <stdlib.h>
#include <string.h>

#include "swapfs/array.h"
#include "snapfile-row.h"
#include "snapfile-batch.h"
#include "snapfile-writer.h"

int snapfile_counters_write(struct snapfile_writer *w,
			    struct snapfile_batch *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < w->nr_counters; i++) {
		snapfile_batch_put_int(b, w->counters[i].order);
		snapfile_batch_put_text(b, w->counters[i].name);
		snapfile_batch_put_int(b, (int64_t)w->counters[i].value);
		rc = snapfile_batch_row_done(b);
	}
	return rc;
}

static int snapfile_counters_row(struct snapfile_reader *r)
{
	struct snapfile_counter *c;
	const char *name;
	int64_t ord, value;
	size_t len;
	int rc;

	if ((rc = snapfile_row_int(r, 0, 0, r->nr_orders - 1, "snap-counter-order", &ord)) ||
	    (rc = snapfile_row_text(r, 1, false, &name)) ||
	    (rc = snapfile_row_int(r, 2, 0, INT64_MAX, "snap-counter-value", &value)))
		return rc;
	len = strlen(name);
	if (len >= SNAPFILE_COUNTER_NAME_MAX || !snapshot_flag_name_ok(name, len))
		return snapfile_row_bad(r, "snap-counter-name",
					"name '%.40s' is not made of [a-z0-9_], 1 to %d bytes",
					name, SNAPFILE_COUNTER_NAME_MAX - 1);
	if (array_grow((void **)&r->counters, &r->alloc_counters, r->nr_counters,
		       sizeof(*r->counters), 32))
		return snapfile_row_nomem(r);
	c = &r->counters[r->nr_counters++];
	c->order = (unsigned int)ord;
	memcpy(c->name, name, len + 1);
	c->value = (uint64_t)value;
	return 0;
}

int snapfile_read_counters(struct snapfile *f, int64_t id,
			   struct snapfile_counter **out, size_t *nr,
			   struct diag *d)
{
	struct snapfile_reader r = { .f = f, .d = d };
	struct snapfile_head h;
	int rc;

	diag_clear(d);
	*out = NULL;
	*nr = 0;
	rc = snapfile_head_find(&r, id, &h);
	if (!rc)
		r.nr_orders = h.nr_orders;
	sqlite3_finalize(r.st);
	r.st = NULL;
	if (!rc)
		rc = snapfile_row_each(&r, "counters", "SELECT ord, name, value FROM counters"
				       " WHERE snapshot = ?1 ORDER BY ord, name",
				       snapfile_counters_row);
	if (rc) {
		free(r.counters);
		return rc;
	}
	*out = r.counters;
	*nr = r.nr_counters;
	return 0;
}
