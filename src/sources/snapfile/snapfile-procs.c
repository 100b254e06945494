// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-procs.c - the procs table both ways: a process's swapped-out
 * pages (its back-references: virtual page to slot) packed into one blob
 * of varints, and unpacked with every reference checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snapfile-row.h"
#include "snapfile-batch.h"
#include "snapfile-writer.h"

/*
 * A process's references as one blob: for each, in address order, the
 * virtual page number and the slot, as LEB128 varints of their steps from
 * the reference before (the page step less one: pages rise; the slot step
 * zigzagged: slots go either way). A folio's pages cost two bytes each.
 */
static size_t snapfile_procs_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

int snapfile_procs_write(struct snapfile_writer *w,
			 struct snapfile_batch *b)
{
	const struct snapshot *s = w->s;
	unsigned int shift = (unsigned int)__builtin_ctz(s->dev.page_size);
	size_t p, i, first, nr, len, room = 0;
	uint64_t page, prev_page;
	int64_t slot, prev_slot, step;
	uint8_t *blob = NULL;
	int rc = 0;

	for (p = 0; !rc && p < s->nr_procs; p++) {
		nr = snapshot_proc_refs(s, (uint32_t)p, &first);
		if (nr * 20 + 1 > room) {
			free(blob);
			room = nr * 20 + 1;
			blob = malloc(room);
			if (!blob)
				return diag_errno(w->d, w->f->path, -ENOMEM);
		}
		prev_page = 0;
		prev_slot = -1;
		for (i = first, len = 0; i < first + nr; i++) {
			page = s->refs[i].vaddr >> shift;
			slot = s->refs[i].slot;
			step = slot - prev_slot - 1;
			len += snapfile_procs_put_varint(blob + len, i == first ? page :
							 page - prev_page - 1);
			len += snapfile_procs_put_varint(blob + len, (uint64_t)(step * 2) ^
							 (uint64_t)(step >> 63));
			prev_page = page;
			prev_slot = slot;
		}
		snapfile_batch_put_int(b, s->procs[p].pid);
		snapfile_batch_put_text(b, s->procs[p].comm);
		snapfile_batch_put_bytes(b, SQLITE_BLOB, blob, len);
		rc = snapfile_batch_row_done(b);
	}
	free(blob);
	return rc;
}

/* A LEB128 varint of at most 10 bytes from @p[*@at..@len), or false. */
static bool snapfile_procs_get_varint(const uint8_t *p, size_t len, size_t *at,
				      uint64_t *v)
{
	unsigned int shift;

	*v = 0;
	for (shift = 0; *at < len && shift < 64; shift += 7) {
		uint8_t byte = p[(*at)++];

		*v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return true;
	}
	return false;
}

/*
 * One process and its references (snapfile_procs_write()): pages rise
 * within the process (so no page is referenced twice), slots stay below
 * max, and every reference takes at least two bytes of the blob, so the
 * count is bounded by what the file holds.
 */
int snapfile_procs_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	uint64_t page = 0, v, max_page = UINT64_MAX / s->dev.page_size;
	int64_t pid, slot = -1, step;
	const uint8_t *blob;
	const char *comm;
	size_t len, at = 0, nr;
	uint32_t proc;
	int rc;

	if ((rc = snapfile_row_int(r, 0, 1, INT32_MAX, "snap-proc-pid", &pid)) ||
	    (rc = snapfile_row_rising_key(r, "snap-proc-pid", pid)) ||
	    (rc = snapfile_row_text(r, 1, false, &comm)))
		return rc;
	if (strlen(comm) >= SNAPSHOT_COMM_LEN)
		return snapfile_row_bad(r, "snap-proc-comm", "comm '%.40s' is longer than %d bytes",
					comm, SNAPSHOT_COMM_LEN - 1);
	if (sqlite3_column_type(r->st, 2) != SQLITE_BLOB)
		return snapfile_row_bad(r, "snap-type", "refs is not a blob");
	blob = sqlite3_column_blob(r->st, 2);
	len = (size_t)sqlite3_column_bytes(r->st, 2);
	if (snapshot_add_proc(s, (int32_t)pid, comm, &proc))
		return snapfile_row_nomem(r);
	for (nr = 0; at < len; nr++) {
		if (!snapfile_procs_get_varint(blob, len, &at, &v) ||
		    (nr && v >= max_page - page) || (!nr && v > max_page))
			return snapfile_row_bad(r, "snap-proc-refs",
						"reference %zu (byte %zu of the blob): a bad page step", nr, at);
		page = nr ? page + v + 1 : v;
		if (!snapfile_procs_get_varint(blob, len, &at, &v))
			return snapfile_row_bad(r, "snap-proc-refs",
						"reference %zu (byte %zu of the blob): no slot", nr, at);
		step = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
		if (step < -slot - 1 || step >= (int64_t)s->dev.max - slot - 1)
			return snapfile_row_bad(r, "snap-proc-refs",
						"reference %zu (byte %zu of the blob): slot out of range 0..%u",
						nr, at, s->dev.max - 1);
		slot += step + 1;
		if (snapshot_add_ref(s, proc, page * s->dev.page_size, (uint32_t)slot))
			return snapfile_row_nomem(r);
	}
	return 0;
}
