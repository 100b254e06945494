// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-side.c - the side tables read back, each row held to the slot
 * words it marks: counts (a word's count of 127 made exact), shmem,
 * folios (the swap cache) and next (the allocator's hints).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/array.h"
#include "snapfile-row.h"

/* Append a counts row (they come sorted and unique) without touching its word. */
static int snapfile_side_count_add(struct snapfile_reader *r, uint32_t slot,
				   uint32_t count)
{
	struct snapshot *s = r->s;

	if (array_grow((void **)&s->counts, &s->alloc_counts, s->nr_counts,
		       sizeof(*s->counts), 64))
		return snapfile_row_nomem(r);
	s->counts[s->nr_counts].slot = slot;
	s->counts[s->nr_counts++].count = count;
	return 0;
}

static int snapfile_side_counts_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	int64_t slot, count;
	uint16_t w;
	int rc;

	if ((rc = snapfile_row_int(r, 0, 0, s->dev.max - 1, "snap-counts-slot", &slot)) ||
	    (rc = snapfile_row_rising_key(r, "snap-counts-slot", slot)) ||
	    (rc = snapfile_row_int(r, 1, SNAPSHOT_COUNT_BIG, UINT32_MAX,
				   "snap-counts-value", &count)))
		return rc;
	if (r->deferred)	/* the word comes later: the row goes in as it is */
		return snapfile_side_count_add(r, (uint32_t)slot, (uint32_t)count);
	w = s->slots[slot];
	if ((w & SNAPSHOT_SLOT_COUNT) != SNAPSHOT_COUNT_BIG)
		return snapfile_row_bad(r, "snap-counts-word",
					"the slot's word says count %u; a counts row stands for a word count of 127 only",
					w & SNAPSHOT_SLOT_COUNT);
	return snapshot_set_count(s, (uint32_t)slot, (uint32_t)count) ?
	       snapfile_row_nomem(r) : 0;
}

/* Every word of count 127 has its counts row (those rows were checked). */
static int snapfile_side_counts_complete(struct snapfile_reader *r)
{
	const struct snapshot *s = r->s;
	uint32_t i;
	size_t k = 0;

	if (r->deferred || r->nr_big == s->nr_counts)
		return 0;
	for (i = 0; i < s->dev.max; i++) {
		if ((s->slots[i] & SNAPSHOT_SLOT_COUNT) != SNAPSHOT_COUNT_BIG)
			continue;
		if (k < s->nr_counts && s->counts[k].slot == i) {
			k++;
			continue;
		}
		return diag_line(r->d, r->f->path, 0, "snap-count-missing",
				 "slots row snapshot=%" PRId64 " cluster=%u: slot %u has count 127 but no counts row",
				 r->id, i >> s->dev.cluster_shift, i);
	}
	return 0;
}

static int snapfile_side_shmem_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	int64_t slot;
	uint16_t w;
	int rc;

	if ((rc = snapfile_row_int(r, 0, 0, s->dev.max - 1, "snap-shmem-slot", &slot)) ||
	    (rc = snapfile_row_rising_key(r, "snap-shmem-slot", slot)))
		return rc;
	if (!r->era->shmem)
		return snapfile_row_bad(r, "snap-shmem-era",
					"era %c (%s) has no SWAP_MAP_SHMEM",
					r->era->era, r->era->kernels);
	w = r->deferred ? 1 : s->slots[slot];
	if ((w & SNAPSHOT_SLOT_COUNT) != 1 || (w & SNAPSHOT_SLOT_BAD))
		return snapfile_row_bad(r, "snap-shmem-count",
					"the slot's word 0x%04x is not count 1 and not bad, as a shmem-owned slot is",
					w);
	return snapshot_add_shmem(s, (uint32_t)slot) ? snapfile_row_nomem(r) : 0;
}

static int snapfile_side_folio_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	const char *flags, *extra, *why;
	int64_t offset, ord;
	unsigned int bits;
	uint64_t end;
	int rc;

	if ((rc = snapfile_row_int(r, 0, 0, s->dev.max - 1, "snap-folio-range", &offset)) ||
	    (rc = snapfile_row_int(r, 1, 0, s->dev.nr_orders - 1, "snap-folio-order", &ord)) ||
	    (rc = snapfile_row_text(r, 2, false, &flags)))
		return rc;
	why = snapfile_text_list_parse(flags, snapshot_folio_flag_parse, &bits, &extra);
	if (why)
		return snapfile_row_bad(r, "snap-folio-flags", "flags '%.60s': %s", flags,
					why);
	end = (uint64_t)offset + (1ull << ord);
	if (end > s->dev.max)
		return snapfile_row_bad(r, "snap-folio-range",
					"a folio of order %" PRId64 " ends at %" PRIu64 ", past max %u",
					ord, end, s->dev.max);
	if ((uint64_t)offset < r->end)
		return snapfile_row_bad(r, "snap-folio-overlap",
					"overlaps the folio before it, which ends at %" PRIu64,
					r->end);
	r->end = end;
	return snapshot_add_folio(s, (uint32_t)offset, (unsigned int)ord, bits,
				  extra) ? snapfile_row_nomem(r) : 0;
}

static int snapfile_side_next_row(struct snapfile_reader *r)
{
	struct snapshot *s = r->s;
	int64_t pos, cpu = SNAPSHOT_NEXT_GLOBAL, ord, offset;
	int rc;

	if ((rc = snapfile_row_int(r, 0, 0, INT64_MAX, "snap-next-pos", &pos)) ||
	    (rc = snapfile_row_dense_key(r, "snap-next-pos", pos)) ||
	    (sqlite3_column_type(r->st, 1) != SQLITE_NULL &&
	     (rc = snapfile_row_int(r, 1, 0, SNAPSHOT_NEXT_CPU_MAX, "snap-next-cpu", &cpu))) ||
	    (rc = snapfile_row_int(r, 2, 0, s->dev.nr_orders - 1, "snap-next-order", &ord)) ||
	    (rc = snapfile_row_int(r, 3, 0, s->dev.max - 1, "snap-next-offset", &offset)))
		return rc;
	return snapshot_add_next(s, (int32_t)cpu, (uint32_t)ord, (uint32_t)offset) ?
	       snapfile_row_nomem(r) : 0;
}

static int snapfile_side_next_cmp(const void *a, const void *b)
{
	const struct snapshot_next *x = *(const struct snapshot_next *const *)a;
	const struct snapshot_next *y = *(const struct snapshot_next *const *)b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x > y) - (x < y);	/* then by pos: name the later one */
}

/* One hint per CPU (or the device) and order, as the allocator has them. */
static int snapfile_side_next_unique(struct snapfile_reader *r)
{
	const struct snapshot *s = r->s;
	const struct snapshot_next **by;
	const struct snapshot_next *a, *b;
	char who[32];
	size_t i;
	int rc = 0;

	if (s->nr_next < 2)
		return 0;
	by = malloc(s->nr_next * sizeof(*by));
	if (!by)
		return snapfile_row_nomem(r);
	for (i = 0; i < s->nr_next; i++)
		by[i] = &s->next[i];
	qsort(by, s->nr_next, sizeof(*by), snapfile_side_next_cmp);
	for (i = 1; i < s->nr_next && !rc; i++) {
		a = by[i - 1];
		b = by[i];
		if (a->cpu != b->cpu || a->order != b->order)
			continue;
		if (b->cpu == SNAPSHOT_NEXT_GLOBAL)
			snprintf(who, sizeof(who), "global");
		else
			snprintf(who, sizeof(who), "cpu %d", b->cpu);
		rc = diag_line(r->d, r->f->path, 0, "snap-next-duplicate",
			       "next row snapshot=%" PRId64 " pos=%td: %s order %u is given twice (first at pos=%td)",
			       r->id, b - s->next, who, b->order, a - s->next);
	}
	free(by);
	return rc;
}

int snapfile_side_read(struct snapfile_reader *r)
{
	int rc;

	if ((rc = snapfile_row_each(r, "counts", "SELECT slot, count FROM counts"
				    " WHERE snapshot = ?1 ORDER BY slot",
				    snapfile_side_counts_row)) ||
	    (rc = snapfile_side_counts_complete(r)) ||
	    (rc = snapfile_row_each(r, "shmem", "SELECT slot FROM shmem"
				    " WHERE snapshot = ?1 ORDER BY slot",
				    snapfile_side_shmem_row)) ||
	    (rc = snapfile_row_each(r, "folios", "SELECT offset, ord, flags FROM folios"
				    " WHERE snapshot = ?1 ORDER BY offset",
				    snapfile_side_folio_row)) ||
	    (rc = snapfile_row_each(r, "next", "SELECT pos, cpu, ord, offset FROM next"
				    " WHERE snapshot = ?1 ORDER BY pos",
				    snapfile_side_next_row)))
		return rc;
	return snapfile_side_next_unique(r);
}
