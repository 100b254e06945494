// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit-slot.c - the slot field of a model edit,
 * clusters/<i>/slots/<o> (snapedit.h): the value parsed, its result
 * planned and checked, journalled, applied; and the slot line the mount's
 * slot files show, which can be written back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "snapedit-parts.h"

int snapedit_slot(struct snapedit *e, uint32_t slot, const char *text,
		  size_t len, struct diag *d)
{
	char path[SNAPEDIT_PATH_MAX], q[SNAPEDIT_QUOTED];
	char value[SNAPEDIT_VALUE_MAX];
	struct snapedit_plan plan = { .slot = slot };
	struct snapedit_assign as;
	char *line;
	int rc;

	diag_clear(d);
	plan.ci = slot >> e->s->dev.cluster_shift;
	snprintf(path, sizeof(path), "clusters/%u/slots/%u", plan.ci, slot);
	rc = snapedit_value_check(path, text, &len, d);
	if (rc)
		return rc;
	snapedit_value_quote(q, sizeof(q), text, len);
	if (slot >= e->s->dev.max)
		return diag_line(d, path, 0, "edit-slot-range",
				 "%s: there is no slot %u (max is %u)", q, slot,
				 e->s->dev.max);
	rc = snapedit_assign_parse(e, path, text, len, &as, d);
	if (!rc)
		rc = snapedit_plan_slot(e, path, q, &as, &plan, d);
	if (rc)
		return rc;
	snapedit_assign_text(&as, value, sizeof(value));
	line = snapedit_journal_line(e, path, value);
	if (!line)
		return diag_errno(d, path, -ENOMEM);
	if (plan.changed) {
		rc = snapedit_apply_slot(e, &plan);
		if (rc) {
			free(line);
			return diag_errno(d, path, rc);
		}
	}
	snapedit_journal_add(e, line);
	return 0;
}

int snapedit_slot_format(const struct snapshot *s, uint32_t slot, char *buf,
			 size_t len)
{
	uint16_t w;
	uint32_t start;
	unsigned int order;
	char ord[12] = "unknown";

	if (slot >= s->dev.max)
		return -EINVAL;
	w = s->slots[slot];
	if (!snapshot_run_at(s, slot, &start, &order))
		snprintf(ord, sizeof(ord), "%u", order);
	return snprintf(buf, len, "count=%u cached=%d bad=%d zero=%d zswap=%d order=%s\n",
			snapshot_count(s, slot), !!(w & SNAPSHOT_SLOT_CACHED),
			!!(w & SNAPSHOT_SLOT_BAD), !!(w & SNAPSHOT_SLOT_ZERO),
			!!(w & SNAPSHOT_SLOT_ZSWAP), ord);
}
