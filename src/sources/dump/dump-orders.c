// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-orders.c - a dump's orders file: the runs of the folios swapped
 * out, "OFFSET ORDER". Lines of the common shape are found with one
 * 16-byte load each, and their runs checked and set in the slot words in
 * place; the rest go through snapshot_add_run(), which names a clash.
 */
#include <errno.h>
#include <string.h>
#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <emmintrin.h>
#define DUMP_SSE2	1
#endif

#include "dump-text.h"

static int dump_orders_apply(struct dump_reader *r, struct dump_cursor *c,
			     const uint32_t *v)
{
	uint32_t offset = v[0], order = v[1], clash, start;
	unsigned int other;
	int rc;

	if ((rc = dump_text_check_order(c, order)) ||
	    (rc = dump_text_check_offset(c, offset)))
		return rc;
	if ((uint64_t)offset + (1ull << order) > r->s->dev.max)
		return dump_text_fail(c, "orders-range",
				      "run of order %u at %u ends past max %u",
				      order, offset, r->s->dev.max);
	rc = dump_reader_bound(r, offset, 1ull << order);
	if (rc)
		return rc;
	rc = snapshot_add_run(r->s, offset, order, &clash);
	if (!rc)
		return 0;
	if (rc == -EINVAL && !snapshot_run_at(r->s, clash, &start, &other))
		return dump_text_fail(c, "orders-overlap",
				      "run of order %u at %u overlaps the run of order %u at %u",
				      order, offset, other, start);
	return dump_text_fail(c, "orders-overlap",
			      "run of order %u at %u overlaps another run at slot %u",
			      order, offset, clash);
}

static int dump_orders_line(struct dump_reader *r, struct dump_cursor *c)
{
	uint32_t v[2];
	int rc;

	if ((rc = dump_text_u32(c, "offset", &v[0])) ||
	    (rc = dump_text_u32(c, "order", &v[1])) ||
	    (rc = dump_text_end(c)))
		return rc;
	return dump_orders_apply(r, c, v);
}

/*
 * "OFFSET ORDER\n" with 1..9 digits of offset and 1..2 of order, the shape
 * of nearly every orders line: the line's length (with its newline), 0 for
 * any other shape or a line cut by the end of the buffer (the NUL after the
 * data is neither digit, space nor newline). The line is found in one
 * 16-byte load, so the next line's address does not wait for the digits.
 */
static inline unsigned int dump_orders_pair_line(const char *p, uint32_t *a,
						 uint32_t *b)
{
	unsigned int nl, sp, dig, below, len, sep, digits;
	uint64_t x;

#ifdef DUMP_SSE2
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

	nl = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
	sp = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
	/* '0'..'9' shifted to -128..-119: below -118 as signed bytes. */
	dig = (unsigned int)_mm_movemask_epi8(
		_mm_cmplt_epi8(_mm_sub_epi8(v, _mm_set1_epi8((char)('0' + 128))),
			       _mm_set1_epi8(-118)));
	x = (uint64_t)_mm_cvtsi128_si64(v);
#else
	unsigned int i;

	nl = sp = dig = 0;
	for (i = 0; i < 16; i++) {
		nl |= (unsigned int)(p[i] == '\n') << i;
		sp |= (unsigned int)(p[i] == ' ') << i;
		dig |= (unsigned int)dump_text_is_digit(p[i]) << i;
		if (p[i] == '\n' || !p[i])
			break;
	}
	memcpy(&x, p, 8);
	x = le64toh(x);
#endif
	if (!nl)
		return 0;
	len = (unsigned int)__builtin_ctz(nl);
	below = (1u << len) - 1;
	sp &= below;
	if (!sp || (sp & (sp - 1)) || ((dig | sp) & below) != below)
		return 0;
	sep = (unsigned int)__builtin_ctz(sp);
	digits = len - sep - 1;
	if (!sep || sep > 9 || !digits || digits > 2)
		return 0;
	if (sep <= 8) {
		*a = dump_text_fold8(x, sep);
	} else {
		*a = dump_text_fold8(x, 8) * 10 + (uint32_t)(p[8] - '0');
	}
	*b = (uint32_t)(p[sep + 1] - '0');
	if (digits == 2)
		*b = *b * 10 + (uint32_t)(p[sep + 2] - '0');
	return len + 1;
}

/*
 * Whether the run of 2^@order slots at @w may be added: no slot in it is
 * in a run yet. Words are tested four at a time where the run allows.
 */
static inline bool dump_orders_run_free(const uint16_t *w, unsigned int order)
{
	const uint64_t mask = 0x0001000100010001ull * SNAPSHOT_SLOT_ORDER;
	uint32_t n = 1u << order, i, y;
	uint64_t x, any = 0;

	if (order == 0)
		return !(w[0] & SNAPSHOT_SLOT_ORDER);
	if (order == 1) {
		memcpy(&y, w, 4);
		return !(y & (uint32_t)mask);
	}
	for (i = 0; i < n; i += 4) {
		memcpy(&x, w + i, 8);
		any |= x;
	}
	return !(any & mask);
}

/* Record the run: what snapshot_add_run() does once dump_orders_run_free() agrees. */
static inline void dump_orders_run_set(uint16_t *w, unsigned int order)
{
	uint16_t mark = (uint16_t)((order + 1) << SNAPSHOT_SLOT_ORDER_SHIFT);
	uint64_t wide = 0x0001000100010001ull * mark, x;
	uint32_t n = 1u << order, i, y;

	if (order == 0) {
		w[0] |= (uint16_t)(mark | SNAPSHOT_SLOT_HEAD);
		return;
	}
	if (order == 1) {
		memcpy(&y, w, 4);
		y |= (uint32_t)wide;
		memcpy(w, &y, 4);
	} else {
		for (i = 0; i < n; i += 4) {
			memcpy(&x, w + i, 8);
			x |= wide;
			memcpy(w + i, &x, 8);
		}
	}
	w[0] |= SNAPSHOT_SLOT_HEAD;
}

/*
 * Every orders line of the common shape in the buffer, checked and set in
 * the slot words in place; any other line, and any line that breaks a
 * rule, goes to dump_orders_apply() or the careful path, which name it.
 */
static int dump_orders_bulk(struct dump_text *t, struct dump_cursor *c)
{
	struct dump_reader *r = t->r;
	uint16_t *slots = r->s->slots;
	/* a stream's chunk: what is outside goes to dump_orders_apply() */
	const uint64_t lo = r->streaming ? r->lo : 0;
	const uint64_t max = r->streaming ? r->hi : r->s->dev.max;
	const uint32_t nr_orders = r->s->dev.nr_orders < SNAPSHOT_MAX_ORDER + 1 ?
				   r->s->dev.nr_orders : SNAPSHOT_MAX_ORDER + 1;
	const char *p = t->buf + t->pos;
	unsigned long line = t->line;
	unsigned int len;
	uint32_t v[2];
	int rc;

	while ((len = dump_orders_pair_line(p, &v[0], &v[1]))) {
		line++;
		if (__builtin_expect(v[1] >= nr_orders ||
				     (uint64_t)v[0] + (1u << v[1]) > max || v[0] < lo ||
				     !dump_orders_run_free(slots + v[0], v[1]), 0)) {
			/* Names the rule; never adds what the checks refused. */
			c->line = line;
			rc = dump_orders_apply(r, c, v);
			if (rc == DUMP_PAUSE) {	/* the next chunk's: unread */
				t->line = line - 1;
				t->pos = (size_t)(p - t->buf);
				return rc;
			}
			if (rc) {
				t->line = line;
				return rc;
			}
		} else {
			dump_orders_run_set(slots + v[0], v[1]);
		}
		p += len;
	}
	t->line = line;
	t->pos = (size_t)(p - t->buf);
	return 0;
}

const struct dump_text_ops dump_orders_ops = {
	.line = dump_orders_line, .nr_fast = 2, .apply = dump_orders_apply,
	.bulk = dump_orders_bulk,
};

int dump_orders_read(struct dump_reader *r)
{
	bool present;
	int rc;

	rc = dump_text_read_file(r, "orders", &dump_orders_ops, &present);
	if (!rc && present)
		r->s->files |= SNAPSHOT_HAS_ORDERS;
	return rc;
}
