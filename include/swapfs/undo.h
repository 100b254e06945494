/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * undo.h - undo files: the bytes an edit replaced, to put them back.
 *
 * An undo file is text, one "key: value" per line, '#' starts a comment:
 *
 *   format: swapfs-undo 1
 *   target: /var/swapfile          the area as it was resolved
 *   page_size: 4096                the header's page size
 *   offset: 1036                   where the bytes live (UUID, then label)
 *   old: <64 hex digits>           the 32 bytes before the edit
 *   new: <64 hex digits>           the 32 bytes the edit wrote
 *   header_hash: <16 hex digits>   FNV-1a 64 of the header page with the
 *                                  32 bytes at offset read as zero
 *
 * Every key is required, once. Undo restores "old" only where the area
 * still holds "new" and its header page still hashes to header_hash: the
 * same area, untouched since the edit.
 */
#ifndef SWAPFS_UNDO_H
#define SWAPFS_UNDO_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_EDITS)
#error "swapfs/undo.h belongs to the edits: a lower layer may not use it (src/README.md)"
#endif

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <swapfs/swapheader.h>

struct undo_record {
	char target[PATH_MAX];
	unsigned int page_size;
	uint8_t old_ids[SWAPHEADER_IDS_LEN];
	uint8_t new_ids[SWAPHEADER_IDS_LEN];
	uint64_t header_hash;
};

/* undo_header_hash - FNV-1a 64 of @len header bytes, UUID and label as 0. */
uint64_t undo_header_hash(const uint8_t *page, size_t len);

/*
 * undo_check_new - may an undo file be written at @path? Yes when nothing
 * is there, or a regular file is and @replace says to replace it: an undo
 * file may be the only way back to an earlier state.
 * Returns 0, -EEXIST, -EISDIR, -EINVAL (not a regular file), or -errno.
 */
int undo_check_new(const char *path, bool replace);

/*
 * undo_save - write @u to @path atomically (mode 0600). Without @replace
 * @path must not exist, at the check (undo_check_new()) or at the rename
 * (RENAME_NOREPLACE): an existing file is never lost.
 * Returns 0, -EINVAL when a path holds a newline (the format is one record
 * per line) or @path is not a regular file, -EEXIST, or -errno.
 */
int undo_save(const char *path, const struct undo_record *u, bool replace);

/*
 * undo_load - parse @path into @u.
 * On a malformed file returns -EINVAL with the line and the rule broken
 * in @why ("line 5: old: expected 64 hex digits"); else 0 or -errno.
 */
int undo_load(const char *path, struct undo_record *u, char *why, size_t whysz);

#endif /* SWAPFS_UNDO_H */
