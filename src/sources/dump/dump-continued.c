// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-continued.c - counts too big for the map: the slots the map marks
 * as continued wait here for their line of the continued file, which must
 * give each its count and no other slot one.
 */
#include "swapfs/array.h"
#include "dump-text.h"

int dump_continued_pend(struct dump_reader *r, uint32_t slot, unsigned int digit)
{
	struct dump_pending *p;

	if (array_grow((void **)&r->pending, &r->alloc_pending, r->nr_pending,
		       sizeof(*r->pending), 64))
		return dump_file_nomem(r);
	p = &r->pending[r->nr_pending++];
	p->slot = slot;
	p->count = 0;
	p->line = 0;
	p->digit = (uint8_t)digit;
	return 0;
}

static struct dump_pending *dump_continued_find(struct dump_reader *r, uint32_t slot)
{
	size_t lo = 0, hi = r->nr_pending;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->pending[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nr_pending && r->pending[lo].slot == slot ?
	       &r->pending[lo] : NULL;
}

static int dump_continued_apply(struct dump_reader *r, struct dump_cursor *c,
				const uint32_t *v)
{
	uint32_t offset = v[0], count = v[1];
	struct dump_pending *p;
	int rc;

	if ((rc = dump_text_check_offset(c, offset)) ||
	    (rc = dump_reader_bound(r, offset, 1)))
		return rc;
	p = dump_continued_find(r, offset);
	if (!p)
		return dump_text_fail(c, "continued-unmarked",
				      r->era->swap_table ?
				      "slot %u: its swap table count is not 15 (overflow)" :
				      "slot %u: its swap_map byte has no COUNT_CONTINUED (0x80)",
				      offset);
	if (p->line)
		return dump_text_fail(c, "continued-duplicate",
				      "slot %u was given on line %lu already",
				      offset, p->line);
	if (r->era->swap_table && !era_table_continued_ok(count))
		return dump_text_fail(c, "continued-count",
				      "slot %u: count %u, but an overflowed table count is at least %u",
				      offset, count, ERA_TB_COUNT_MAX);
	if (!r->era->swap_table && !era_map_continued_ok(p->digit, count))
		return dump_text_fail(c, "continued-count",
				      "slot %u: count %u, but a byte with first digit %u and COUNT_CONTINUED stands for 63 * k + %u, k >= 1",
				      offset, count, p->digit, p->digit);
	p->count = count;
	p->line = c->line;
	return 0;
}

static int dump_continued_line(struct dump_reader *r, struct dump_cursor *c)
{
	uint32_t v[2];
	int rc;

	if ((rc = dump_text_u32(c, "offset", &v[0])) ||
	    (rc = dump_text_u32(c, "count", &v[1])) ||
	    (rc = dump_text_end(c)))
		return rc;
	return dump_continued_apply(r, c, v);
}

/* Every marked slot has its count; put the counts in the slot words. */
int dump_continued_counts(struct dump_reader *r, size_t *at, uint64_t end)
{
	uint16_t *slots = r->s->slots;
	size_t i;

	for (i = *at; i < r->nr_pending && r->pending[i].slot < end; *at = ++i) {
		struct dump_pending *p = &r->pending[i];

		if (!p->line) {
			if (r->era->swap_table) {
				dump_file_path(r, "swap_table");
				return diag_byte(r->d, r->path, 8ull * p->slot,
						 "continued-missing",
						 "slot %u has count 15 (overflow), but continued has no line for it",
						 p->slot);
			}
			dump_file_path(r, "swap_map");
			return diag_byte(r->d, r->path, p->slot, "continued-missing",
					 "slot %u has COUNT_CONTINUED, but continued has no line for it",
					 p->slot);
		}
		if (p->count <= SNAPSHOT_COUNT_INLINE_MAX)
			slots[p->slot] = (uint16_t)((slots[p->slot] & ~SNAPSHOT_SLOT_COUNT) |
						    p->count);
		else if (snapshot_set_count(r->s, p->slot, p->count))
			return dump_file_nomem(r);
	}
	return 0;
}

const struct dump_text_ops dump_continued_ops = {
	.line = dump_continued_line, .nr_fast = 2, .apply = dump_continued_apply,
};

int dump_continued_read(struct dump_reader *r)
{
	size_t at = 0;
	bool present;
	int rc;

	rc = dump_text_read_file(r, "continued", &dump_continued_ops, &present);
	if (rc)
		return rc;
	if (present)
		r->s->files |= SNAPSHOT_HAS_CONTINUED;
	return dump_continued_counts(r, &at, UINT64_MAX);
}
