/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.h - "SRC" on the command line: a dump directory, a snapshot file
 * (or its snapshot N: "FILE@N") or live:AREA, whichever it is, loaded
 * into the model.
 */
#ifndef SWAPFS_SOURCE_H
#define SWAPFS_SOURCE_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SOURCES)
#error "swapfs/source.h belongs to the sources: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "swapfs/diag.h"
#include "swapfs/snapshot.h"

/*
 * source_load - load @name: "live:AREA" is the running kernel (live.h),
 * a directory is read as a dump, a snapshot file through snapfile_read().
 * @id picks a snapshot of a time series (0: the one @name names as
 * "FILE@N", else the last); a dump and the kernel have only one, so it
 * must be 0 or 1. Returns 0 or -errno with @d filled (-ENOENT for a
 * missing snapshot id, -EINVAL for input that is neither, or a bad
 * "@N"). A snapshot file's back-references come indexed by slot
 * (snapshot_index_refs()).
 */
int source_load(const char *name, int64_t id, struct snapshot **out,
		struct diag *d);

/*
 * source_name_split - "FILE@N" -> FILE in *@path (malloc'ed) and N in
 * *@id; any other name (one that exists as it is, live:AREA, a name
 * without '@') whole, with *@id 0. N is decimal, from 1. Returns 0, or
 * -EINVAL [source-snapshot-id] when what follows the last '@' of a name
 * that does not exist is not a snapshot number, or -ENOMEM.
 */
int source_name_split(const char *name, char **path, int64_t *id,
		      struct diag *d);

/*
 * source_load_stream - source_load() for a caller that walks the clusters
 * once, in order (stream.h): a snapshot file comes as a stream when it
 * can (snapfile_stream()), anything else whole. When the stream fails
 * later (stream_at() or stream_end() says so), the caller frees *@out
 * and calls source_load(), which names what is wrong.
 */
int source_load_stream(const char *name, int64_t id, struct snapshot **out,
		       struct diag *d);

/* At most this many areas are read together (info key areas: 1..32). */
#define SOURCE_AREAS_MAX	32

/*
 * source_load_areas - the swap areas @name holds as read at one moment
 * (the info keys area and areas; swapfs-snapshot(5)), area 0 first, in
 * the order the kernel tries them:
 *  - a snapshot file: the group snapshot @id (as source_load(); 0: the
 *    last) belongs to, ids id - area .. id - area + areas - 1, each
 *    checked: it exists, has the same areas count and is the area of its
 *    place (-EINVAL [source-area-group] naming the snapshot id and the
 *    rule); a snapshot without the keys is a group of one;
 *  - a bare "live:": every active area (live_load_areas()), one alone
 *    read as live_load("") reads it;
 *  - anything else (a dump, live:AREA): the one area source_load() gives.
 * *@out is a malloc'ed array of *@nr (1..SOURCE_AREAS_MAX) snapshots,
 * freed by source_areas_free(). Returns 0 or -errno with @d filled as
 * source_load().
 */
int source_load_areas(const char *name, int64_t id, struct snapshot ***out,
		      unsigned int *nr, struct diag *d);

/*
 * source_areas - how many areas source_load_areas() would give, cheaply
 * (a snapshot file's info key areas, unchecked): 1 for a dump, live:AREA,
 * a snapshot without the keys, and a name that cannot be read (whose
 * loading says why); 0 for a bare "live:" (known only once read).
 */
unsigned int source_areas(const char *name, int64_t id);

/* source_areas_free - free what source_load_areas() gave; NULL is fine. */
void source_areas_free(struct snapshot **areas, unsigned int nr);

#endif /* SWAPFS_SOURCE_H */
