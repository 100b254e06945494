/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump.h - the dump directory (swapfs-dump(5), ../shared/spec/debugfs-dump.md):
 * what a kernel exporter writes, read into the model and written back.
 *
 * Reading is strict: every rule of the format is checked, every count is
 * bounded by the bytes that carry it before anything is allocated, and a
 * rejection names the file, the line or byte offset and the rule (diag.h).
 * Writing produces the canonical form, so a dump written by dump_write()
 * and read back by dump_load() round-trips byte for byte.
 */
#ifndef SWAPFS_DUMP_H
#define SWAPFS_DUMP_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SOURCES)
#error "swapfs/dump.h belongs to the sources: a lower layer may not use it (src/README.md)"
#endif

#include "swapfs/diag.h"
#include "swapfs/snapshot.h"

/*
 * dump_load - read the dump directory @dir into a new snapshot (*@out,
 * provenance "dump", path @dir made absolute, folios sorted). Returns 0;
 * -EINVAL with @d filled for input that breaks a rule; another -errno
 * (with @d naming the file) for a system error.
 */
int dump_load(const char *dir, struct snapshot **out, struct diag *d);

/*
 * dump_stream - dump_load() as a stream (stream.h), for a caller that
 * walks the clusters once, in order (`swapfs import`): info, clusters and
 * next are read now and every other file opened; a thread of the
 * stream's reads the files a chunk of slots at a time, through a window
 * of a few MiB of the slot array, with dump_load()'s checks. Once
 * stream_end() says 0, *@out is what dump_load() gives but the slot
 * array (counts, shmem, folios sorted). The stream fails (stream_at(),
 * stream_end()) when a rule is broken, a file changes, or a text file is
 * not in slot order, and does not say which: the caller reads the dump
 * again with dump_load(), which accepts it or names the error. @dir must
 * outlive the stream. Returns 0, or -errno when even the start failed.
 */
int dump_stream(const char *dir, struct snapshot **out, struct diag *d);

/*
 * dump_write - write @s as a dump directory @dir in era @era ('A'..'G', or
 * 0 for the snapshot's own era). The directory is built beside @dir and
 * renamed into place once every file is synced, so @dir holds a whole dump
 * or nothing; @dir must not exist (or be an empty directory). A state the
 * target era cannot express (e.g. SWAP_HAS_CACHE without a folio, written
 * as era F) is refused with -EINVAL and the reason in @d, never dropped.
 */
int dump_write(const struct snapshot *s, const char *dir, char era,
	       struct diag *d);

#endif /* SWAPFS_DUMP_H */
