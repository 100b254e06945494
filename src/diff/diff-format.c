// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff-format.c - the lines of a diff (diff.h, swapfs(8) DIFF), one home
 * for every front end that shows them: swapfs diff, and the mount and
 * the views that show what changed.
 *
 *	cluster 17: list full -> nonfull, count 512 -> 480
 *	cluster 17: 32 slots used -> free at 8704-8735 (run)
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "diff-parts.h"

/*
 * The attributes a change of kind @from -> @to says by itself: a slot
 * that became used or stopped being used changed its count, one that
 * became or stopped being cache-only its mark, bad its bad bit.
 */
static unsigned int diff_format_implied(unsigned int from, unsigned int to)
{
	static const unsigned int by_kind[DIFF_NR_KINDS] = {
		[DIFF_KIND_FREE] = 0,
		[DIFF_KIND_USED] = DIFF_ATTR_COUNT,
		[DIFF_KIND_CACHE_ONLY] = DIFF_ATTR_CACHED,
		[DIFF_KIND_BAD] = DIFF_ATTR_BAD,
	};

	if (from == to || from >= DIFF_NR_KINDS || to >= DIFF_NR_KINDS)
		return 0;
	/* used <-> cache-only: the count went, the mark may have stayed */
	if ((from == DIFF_KIND_USED && to == DIFF_KIND_CACHE_ONLY) ||
	    (to == DIFF_KIND_USED && from == DIFF_KIND_CACHE_ONLY))
		return DIFF_ATTR_COUNT;
	return by_kind[from] | by_kind[to];
}

/* snprintf() at @used of @buf, keeping the length it would need. */
static int diff_format_at(char *buf, size_t len, int used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int diff_format_at(char *buf, size_t len, int used, const char *fmt, ...)
{
	size_t at = used < 0 ? 0 : (size_t)used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(at < len ? buf + at : NULL, at < len ? len - at : 0, fmt, ap);
	va_end(ap);
	return n < 0 || used < 0 ? -1 : used + n;
}

int diff_cluster_format(const struct diff_cluster *c, char *buf, size_t len)
{
	const struct snapshot_cluster *x = &c->a, *y = &c->b;
	int n;

	if (len)
		buf[0] = '\0';
	if (x->flags == y->flags && x->order == y->order && x->count == y->count)
		return 0;
	n = diff_format_at(buf, len, 0, "cluster %" PRIu32 ":", c->index);
	if (x->flags != y->flags)
		n = diff_format_at(buf, len, n, " list %s -> %s",
				   snapshot_cluster_flag_name(x->flags),
				   snapshot_cluster_flag_name(y->flags));
	if (x->order != y->order)
		n = diff_format_at(buf, len, n, "%s order %u -> %u",
				   x->flags != y->flags ? "," : "", x->order, y->order);
	if (x->count != y->count)
		n = diff_format_at(buf, len, n, "%s count %u -> %u",
				   x->flags != y->flags || x->order != y->order ? "," : "",
				   x->count, y->count);
	return n;
}

int diff_run_format(uint32_t ci, const struct diff_run *r, char *buf, size_t len)
{
	unsigned int more = r->changed & ~diff_format_implied(r->from, r->to);
	char attrs[64];
	int n;

	n = diff_format_at(buf, len, 0, "cluster %" PRIu32 ": %" PRIu32 " slot%s %s -> %s at %" PRIu32,
			   ci, r->nr, r->nr == 1 ? "" : "s", diff_kind_name(r->from),
			   diff_kind_name(r->to), r->first);
	if (r->nr > 1)
		n = diff_format_at(buf, len, n, "-%" PRIu32, r->first + r->nr - 1);
	if (more)
		n = diff_format_at(buf, len, n, " (%s)",
				   diff_attr_format(more, attrs, sizeof(attrs)));
	return n;
}
