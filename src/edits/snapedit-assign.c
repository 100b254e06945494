// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit-assign.c - a slot value: blank-separated key=value
 * assignments (count=N cached=0|1 bad=0|1 zero=0|1 zswap=0|1
 * order=K|unknown) parsed, and written back normalised for the journal.
 */
#include <stdio.h>
#include <string.h>

#include "snapedit-parts.h"

static const char *const snapedit_assign_keys[SNAPEDIT_NR_KEYS] = {
	"count", "cached", "bad", "zero", "zswap", "order",
};

/* The slot word bit of each 0|1 key. */
static const uint16_t snapedit_assign_bits[SNAPEDIT_NR_KEYS] = {
	[SNAPEDIT_CACHED] = SNAPSHOT_SLOT_CACHED,
	[SNAPEDIT_BAD] = SNAPSHOT_SLOT_BAD,
	[SNAPEDIT_ZERO] = SNAPSHOT_SLOT_ZERO,
	[SNAPEDIT_ZSWAP] = SNAPSHOT_SLOT_ZSWAP,
};

static int snapedit_assign_key(const char *p, size_t len)
{
	int k;

	for (k = 0; k < SNAPEDIT_NR_KEYS; k++)
		if (strlen(snapedit_assign_keys[k]) == len &&
		    !memcmp(snapedit_assign_keys[k], p, len))
			return k;
	return -1;
}

/* The value @v (@vlen bytes) of key @k into @as; @q quotes the whole. */
static int snapedit_assign_value(const struct snapedit *e, const char *path,
				 const char *q, int k, const char *v,
				 size_t vlen, struct snapedit_assign *as,
				 struct diag *d)
{
	uint32_t x;

	switch (k) {
	case SNAPEDIT_COUNT:
		if (!snapedit_value_decimal(v, vlen, UINT32_MAX - 1, &as->count))
			return diag_line(d, path, 0, "edit-slot-count",
					 "%s: count '%.*s' is not 0..%u (decimal, no sign, no leading zero)",
					 q, (int)vlen, v, UINT32_MAX - 1);
		return 0;
	case SNAPEDIT_ORDER:
		if (vlen == 7 && !memcmp(v, "unknown", 7)) {
			as->order = -1;
			return 0;
		}
		if (!snapedit_value_decimal(v, vlen, e->s->dev.nr_orders - 1, &x))
			return diag_line(d, path, 0, "edit-slot-order",
					 "%s: order '%.*s' is neither unknown nor an order 0..%u",
					 q, (int)vlen, v, e->s->dev.nr_orders - 1);
		as->order = (int)x;
		return 0;
	default:
		if (vlen != 1 || (v[0] != '0' && v[0] != '1'))
			return diag_line(d, path, 0, "edit-slot-flag",
					 "%s: %s '%.*s' is not 0 or 1", q,
					 snapedit_assign_keys[k], (int)vlen, v);
		if (v[0] == '1')
			as->marks |= snapedit_assign_bits[k];
		return 0;
	}
}

/* One "key=value" of @tok (@n bytes) into @as; @q quotes the whole value. */
static int snapedit_assign_one(const struct snapedit *e, const char *path,
			       const char *q, const char *tok, size_t n,
			       struct snapedit_assign *as, struct diag *d)
{
	const char *eq = memchr(tok, '=', n), *v;
	int k;

	if (!eq || eq == tok)
		return diag_line(d, path, 0, "edit-slot-syntax",
				 "%s: '%.*s' is not key=value", q, (int)n, tok);
	k = snapedit_assign_key(tok, (size_t)(eq - tok));
	if (k < 0)
		return diag_line(d, path, 0, "edit-slot-key",
				 "%s: '%.*s' is not a slot key (count cached bad zero zswap order)",
				 q, (int)(eq - tok), tok);
	if (as->given & (1u << k))
		return diag_line(d, path, 0, "edit-slot-duplicate",
				 "%s: %s is given twice", q,
				 snapedit_assign_keys[k]);
	as->given |= 1u << k;
	v = eq + 1;
	return snapedit_assign_value(e, path, q, k, v, n - (size_t)(v - tok),
				     as, d);
}

int snapedit_assign_parse(const struct snapedit *e, const char *path,
			  const char *text, size_t len,
			  struct snapedit_assign *as, struct diag *d)
{
	char q[SNAPEDIT_QUOTED];
	size_t i = 0, start;
	int rc;

	memset(as, 0, sizeof(*as));
	snapedit_value_quote(q, sizeof(q), text, len);
	for (;;) {
		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && text[i] != ' ' && text[i] != '\t')
			i++;
		rc = snapedit_assign_one(e, path, q, text + start, i - start,
					 as, d);
		if (rc)
			return rc;
	}
	if (!as->given)
		return diag_line(d, path, 0, "edit-slot-empty",
				 "%s: no assignment (count=N cached=0|1 bad=0|1 zero=0|1 zswap=0|1 order=K|unknown)",
				 q);
	return 0;
}

/* The keys given, in key order, one blank apart. */
void snapedit_assign_text(const struct snapedit_assign *as, char *buf,
			  size_t size)
{
	size_t n = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < SNAPEDIT_NR_KEYS; k++) {
		if (!(as->given & (1u << k)))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s=", n ? " " : "",
				      snapedit_assign_keys[k]);
		if (k == SNAPEDIT_COUNT)
			n += (size_t)snprintf(buf + n, size - n, "%u", as->count);
		else if (k == SNAPEDIT_ORDER && as->order < 0)
			n += (size_t)snprintf(buf + n, size - n, "unknown");
		else if (k == SNAPEDIT_ORDER)
			n += (size_t)snprintf(buf + n, size - n, "%d", as->order);
		else
			n += (size_t)snprintf(buf + n, size - n, "%d",
					      !!(as->marks & snapedit_assign_bits[k]));
	}
}

uint16_t snapedit_assign_given(const struct snapedit_assign *as)
{
	uint16_t given = 0;
	int k;

	for (k = SNAPEDIT_CACHED; k <= SNAPEDIT_ZSWAP; k++)
		if (as->given & (1u << k))
			given |= snapedit_assign_bits[k];
	return given;
}
