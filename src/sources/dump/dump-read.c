// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-read.c - dump_load(): a dump directory into the model (dump.h,
 * swapfs-dump(5)).
 *
 * The files are read in the order their meaning depends on each other:
 * info (it sizes everything), the map's size against max before a single
 * slot is allocated, clusters (a discard cluster changes what 0x3f means
 * in eras A..D), the map, continued (it must match what the map marked),
 * cache (era F's cached slots come from folios), the bitmaps (a bit needs
 * a slot in use), orders and next; snapshot_finish() last.
 *
 * A 1 TiB device is 2^28 slots and a dump of it a few GiB, so everything
 * is read with large read()s into one buffer and decoded in blocks or
 * lines of the common shape at a time (dump-file.c, dump-text.c); each
 * file's own rules are in its dump-<file>.c (dump-reader.h lists them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dump-file.h"

int dump_read_head(struct dump_reader *r, int *fd, uint64_t *size)
{
	int rc;

	rc = dump_info_read(r);
	if (rc)
		return rc;
	rc = dump_map_open(r, fd, size);
	if (rc)
		return rc;
	rc = snapshot_set_geometry(r->s, r->s->dev.max, r->s->dev.cluster_size);
	if (!rc)
		rc = dump_clusters_read(r);
	else
		rc = diag_errno(r->d, r->path, rc);
	if (rc)
		close(*fd);
	return rc;
}

static int dump_read_all(struct dump_reader *r)
{
	uint64_t size = 0;
	uint32_t clash;
	int fd, rc;

	rc = dump_read_head(r, &fd, &size);
	if (rc)
		return rc;
	rc = dump_map_read(r, fd, size);
	close(fd);
	if (rc)
		return rc;
	if ((rc = dump_continued_read(r)) ||
	    (rc = dump_cache_read(r)) ||
	    (rc = dump_bitmap_read(r, "zeromap", SNAPSHOT_SLOT_ZERO,
				   SNAPSHOT_HAS_ZEROMAP)) ||
	    (rc = dump_bitmap_read(r, "zswap", SNAPSHOT_SLOT_ZSWAP,
				   SNAPSHOT_HAS_ZSWAP)) ||
	    (rc = dump_orders_read(r)) ||
	    (rc = dump_next_read(r)))
		return rc;
	if (snapshot_finish(r->s, &clash)) {
		/* dump_cache_overlap() has seen every folio: cannot happen. */
		dump_file_path(r, "cache");
		return diag_line(r->d, r->path, 0, "cache-overlap",
				 "folio at %u overlaps another", clash);
	}
	return 0;
}

int dump_reader_init(struct dump_reader *r, const char *dir, struct diag *d)
{
	*r = (struct dump_reader){ .dir = dir, .d = d, .dirfd = -1 };
	snprintf(r->path, sizeof(r->path), "%s", dir);
	r->s = snapshot_new();
	/* Zeroed, and longer: the fast parsers load past the end. */
	r->buf = calloc(DUMP_CHUNK + DUMP_SLACK, 1);
	if (!r->s || !r->buf)
		return dump_file_nomem(r);
	r->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0)
		return diag_errno(d, dir, -errno);
	return 0;
}

void dump_reader_release(struct dump_reader *r)
{
	if (r->dirfd >= 0)
		close(r->dirfd);
	r->dirfd = -1;
	free(r->buf);
	free(r->info_lines);
	free(r->pending);
	free(r->folio_lines);
	free(r->next_seen);
	r->buf = NULL;
	r->info_lines = NULL;
	r->pending = NULL;
	r->folio_lines = NULL;
	r->next_seen = NULL;
}

int dump_load(const char *dir, struct snapshot **out, struct diag *d)
{
	struct dump_reader r;
	int rc;

	*out = NULL;
	diag_clear(d);
	rc = dump_reader_init(&r, dir, d);
	if (!rc)
		rc = dump_read_all(&r);
	dump_reader_release(&r);
	if (rc)
		snapshot_free(r.s);
	else
		*out = r.s;
	return rc;
}
