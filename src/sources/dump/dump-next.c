// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-next.c - a dump's next file: the allocator's hint per CPU (or for
 * the device) and order, "CPU|global ORDER OFFSET", each given once.
 */
#include <stdlib.h>
#include <string.h>

#include "dump-text.h"

static int dump_next_cpu(struct dump_cursor *c, int32_t *cpu)
{
	const char *f;
	size_t n;
	uint32_t v;
	int rc;

	if ((rc = dump_text_word(c, "cpu", &f, &n)))
		return rc;
	if (n == 6 && !memcmp(f, "global", 6)) {
		*cpu = SNAPSHOT_NEXT_GLOBAL;
		return 0;
	}
	if (f[0] < '0' || f[0] > '9')
		return dump_text_fail(c, "next-cpu",
				      "'%.*s' is neither a CPU number nor 'global'",
				      DUMP_SHOW(n), f);
	if ((rc = dump_text_digits(c, "cpu", f, n, &v)))
		return rc;
	if (v > SNAPSHOT_NEXT_CPU_MAX)
		return dump_text_fail(c, "next-cpu", "cpu %u is above %d", v,
				      SNAPSHOT_NEXT_CPU_MAX);
	*cpu = (int32_t)v;
	return 0;
}

static int dump_next_line(struct dump_reader *r, struct dump_cursor *c)
{
	uint32_t order, offset;
	int32_t cpu = 0;
	uint64_t key;
	int rc;

	if ((rc = dump_next_cpu(c, &cpu)) ||
	    (rc = dump_text_u32(c, "order", &order)) ||
	    (rc = dump_text_u32(c, "offset", &offset)) ||
	    (rc = dump_text_end(c)) ||
	    (rc = dump_text_check_order(c, order)) ||
	    (rc = dump_text_check_offset(c, offset)))
		return rc;
	if (!r->next_seen) {
		size_t bits = (size_t)(SNAPSHOT_NEXT_CPU_MAX + 2) * r->s->dev.nr_orders;

		r->next_seen = calloc((bits + 7) / 8, 1);
		if (!r->next_seen)
			return dump_file_nomem(r);
	}
	key = (uint64_t)(cpu + 1) * r->s->dev.nr_orders + order;
	if (r->next_seen[key / 8] & (1u << (key % 8))) {
		if (cpu == SNAPSHOT_NEXT_GLOBAL)
			return dump_text_fail(c, "next-duplicate",
					      "global order %u is given twice", order);
		return dump_text_fail(c, "next-duplicate",
				      "cpu %d order %u is given twice", cpu, order);
	}
	r->next_seen[key / 8] |= (uint8_t)(1u << (key % 8));
	return snapshot_add_next(r->s, cpu, order, offset) ? dump_file_nomem(r) : 0;
}

int dump_next_read(struct dump_reader *r)
{
	bool present;
	int rc;

	static const struct dump_text_ops ops = { .line = dump_next_line };

	rc = dump_text_read_file(r, "next", &ops, &present);
	if (!rc && present)
		r->s->files |= SNAPSHOT_HAS_NEXT;
	return rc;
}
