/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapfile-writer.h - writing a snapshot's rows (private to
 * src/sources/snapfile/): the writer's state, the checks made before a
 * row is written, and the writers of the tables that have a file of their
 * own. The rows go out through snapfile-batch.h.
 */
#ifndef SWAPFS_SNAPFILE_WRITER_H
#define SWAPFS_SNAPFILE_WRITER_H

#include "snapfile-internal.h"

struct snapfile_batch;

/* One snapshot on its way into the file (snapfile_append_counters()). */
struct snapfile_writer {
	struct snapfile *f;
	const struct snapshot *s;
	const struct snapfile_counter *counters;
	size_t nr_counters;
	struct diag *d;
	int64_t id;
	struct snapfile_batch *runs;	/* runs rows go out beside the slots */
	char *text;			/* a folio's flags as text */
	size_t text_alloc;
};

/* ---- snapfile-check.c: what the reader would refuse, before any row ---- */

/* snapfile_check_refuse - -EINVAL: "cannot store the snapshot: ..." under @rule. */
int __attribute__((format(printf, 3, 4)))
snapfile_check_refuse(struct snapfile_writer *w, const char *rule,
		      const char *fmt, ...);
/* snapfile_check_head - the provenance and device, as the snapshots row will hold them. */
int snapfile_check_head(struct snapfile_writer *w);
/*
 * snapfile_check_series - the file's last snapshot has the same page size,
 * cluster size and slot count (rule snap-series); 0 in an empty file.
 */
int snapfile_check_series(struct snapfile_writer *w);
/*
 * snapfile_check_rows - the info keys, clusters, folio flags and counters;
 * of a stream (stream.h), whose folios are whole only once it has ended,
 * all but the folios, which snapfile_check_folios() checks then.
 */
int snapfile_check_rows(struct snapfile_writer *w);
/* snapfile_check_folios - every folio's flags are names the reader takes. */
int snapfile_check_folios(struct snapfile_writer *w);

/* ---- the tables with a file of their own (a writer each, for append) ---- */

/* snapfile_procs_write - the procs table (snapfile-procs.c). */
int snapfile_procs_write(struct snapfile_writer *w, struct snapfile_batch *b);
/* snapfile_counters_write - the counters table (snapfile-counters.c). */
int snapfile_counters_write(struct snapfile_writer *w, struct snapfile_batch *b);

#endif
