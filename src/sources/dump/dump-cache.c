// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-cache.c - a dump's cache file: the folios in the swap cache, each
 * "OFFSET ORDER [FLAGS]" checked, and no two on one slot.
 */
#include <stdlib.h>
#include <string.h>

#include "swapfs/array.h"
#include "dump-text.h"

/* Bounds that keep hostile text linear: the kernel has fewer than 64 page flags. */
#define DUMP_FOLIO_FLAGS_MAX	64u

/* "dirty,uptodate,lru": known names to bits, the rest kept in order. */
static int dump_cache_flags(struct dump_cursor *c, const char *f, size_t n,
			    unsigned int *bits, char *extra)
{
	const char *end = f + n, *comma;
	size_t elen = 0, len, nr = 0;
	int bit;

	*bits = 0;
	while (f <= end) {
		if (++nr > DUMP_FOLIO_FLAGS_MAX)
			return dump_text_fail(c, "cache-flags",
					      "more than %u flags; the kernel has fewer page flags",
					      DUMP_FOLIO_FLAGS_MAX);
		comma = memchr(f, ',', (size_t)(end - f));
		if (!comma)
			comma = end;
		len = (size_t)(comma - f);
		if (!snapshot_flag_name_ok(f, len))
			return dump_text_fail(c, "cache-flags",
					      "flag '%.*s' is not a name of [a-z0-9_]",
					      DUMP_SHOW(len), f);
		bit = snapshot_folio_flag_parse(f, len);
		if ((bit >= 0 && (*bits & (1u << bit))) ||
		    (bit < 0 && snapshot_flag_listed(extra, elen, f, len)))
			return dump_text_fail(c, "cache-flag-repeat",
					      "flag '%.*s' is given twice",
					      DUMP_SHOW(len), f);
		if (bit >= 0) {
			*bits |= 1u << bit;
		} else {
			if (elen)
				extra[elen++] = ',';
			memcpy(extra + elen, f, len);
			elen += len;
		}
		f = comma + 1;
	}
	extra[elen] = '\0';
	return 0;
}

static int dump_cache_add(struct dump_reader *r, struct dump_cursor *c,
			  uint32_t offset, uint32_t order, unsigned int bits,
			  const char *extra)
{
	struct dump_folio_line *fl;
	uint32_t i;
	int rc;

	if ((rc = dump_text_check_order(c, order)) ||
	    (rc = dump_text_check_offset(c, offset)))
		return rc;
	if ((uint64_t)offset + (1ull << order) > r->s->dev.max)
		return dump_text_fail(c, "cache-range",
				      "folio of order %u at %u ends past max %u",
				      order, offset, r->s->dev.max);
	/* only era F's folios touch the slot words: the others need no order */
	if (r->era->cache_from_folios &&
	    (rc = dump_reader_bound(r, offset, 1ull << order)))
		return rc;
	if (snapshot_add_folio(r->s, offset, order, bits, extra) ||
	    array_grow((void **)&r->folio_lines, &r->alloc_folio_lines,
		       r->nr_folio_lines, sizeof(*r->folio_lines), 64))
		return dump_file_nomem(r);
	fl = &r->folio_lines[r->nr_folio_lines++];
	fl->offset = offset;
	fl->order = order;
	fl->line = c->line;
	/* Era F's map has no cache mark: a folio is what says "cached". */
	if (r->era->cache_from_folios)
		for (i = 0; i < 1u << order; i++)
			r->s->slots[offset + i] |= SNAPSHOT_SLOT_CACHED;
	return 0;
}

static int dump_cache_apply(struct dump_reader *r, struct dump_cursor *c,
			    const uint32_t *v)
{
	return dump_cache_add(r, c, v[0], v[1], 0, NULL);
}

static int dump_cache_line(struct dump_reader *r, struct dump_cursor *c)
{
	char extra[DUMP_LINE_MAX + 1];
	uint32_t offset, order;
	unsigned int bits = 0;
	const char *f;
	size_t n;
	int rc;

	extra[0] = '\0';
	if ((rc = dump_text_u32(c, "offset", &offset)) ||
	    (rc = dump_text_u32(c, "order", &order)))
		return rc;
	if (dump_text_field(c, &f, &n) && (rc = dump_cache_flags(c, f, n, &bits, extra)))
		return rc;
	if ((rc = dump_text_end(c)))
		return rc;
	return dump_cache_add(r, c, offset, order, bits, extra);
}

static int dump_cache_line_cmp(const void *a, const void *b)
{
	const struct dump_folio_line *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Two folios on one slot: name the later line, and the earlier one. */
int dump_cache_overlap(struct dump_reader *r)
{
	struct dump_folio_line *a, *b, *first, *second;
	size_t i;

	if (!r->nr_folio_lines)
		return 0;
	qsort(r->folio_lines, r->nr_folio_lines, sizeof(*r->folio_lines),
	      dump_cache_line_cmp);
	for (i = 0; i + 1 < r->nr_folio_lines; i++) {
		a = &r->folio_lines[i];
		b = &r->folio_lines[i + 1];
		if ((uint64_t)a->offset + (1ull << a->order) <= b->offset)
			continue;
		first = a->line < b->line ? a : b;
		second = first == a ? b : a;
		return diag_line(r->d, r->path, second->line, "cache-overlap",
				 "folio of order %u at %u overlaps the folio of order %u at %u (line %lu)",
				 second->order, second->offset, first->order,
				 first->offset, first->line);
	}
	return 0;
}

const struct dump_text_ops dump_cache_ops = {
	.line = dump_cache_line, .nr_fast = 2, .apply = dump_cache_apply,
};

int dump_cache_read(struct dump_reader *r)
{
	bool present;
	int rc;

	rc = dump_text_read_file(r, "cache", &dump_cache_ops, &present);
	if (rc || !present)
		return rc;
	r->s->files |= SNAPSHOT_HAS_CACHE;
	return dump_cache_overlap(r);
}
