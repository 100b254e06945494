// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit-cluster.c - the cluster fields of a model edit:
 * clusters/<i>/flags and clusters/<i>/order (snapedit.h), each value
 * validated, journalled and applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "snapedit-parts.h"

/* "clusters/<ci>/<file>", and whether the cluster exists. */
static int snapedit_cluster_path(struct snapedit *e, uint32_t ci,
				 const char *file, char *path, const char *text,
				 size_t *len, struct diag *d)
{
	char q[SNAPEDIT_QUOTED];
	int rc;

	diag_clear(d);
	snprintf(path, SNAPEDIT_PATH_MAX, "clusters/%u/%s", ci, file);
	rc = snapedit_value_check(path, text, len, d);
	if (rc)
		return rc;
	if (ci < e->s->dev.nr_clusters)
		return 0;
	snapedit_value_quote(q, sizeof(q), text, *len);
	return diag_line(d, path, 0, "edit-cluster-range",
			 "%s: there is no cluster %u (the device has %u)", q, ci,
			 e->s->dev.nr_clusters);
}

/*
 * Cluster @ci becomes @c: the journal line first (it may fail), then the
 * change.
 */
static int snapedit_cluster_set(struct snapedit *e, uint32_t ci,
				const char *path, const char *value,
				struct snapshot_cluster c, struct diag *d)
{
	char *line = snapedit_journal_line(e, path, value);
	int rc;

	if (!line)
		return diag_errno(d, path, -ENOMEM);
	rc = snapedit_apply_cluster(e, ci, c);
	if (rc) {
		free(line);
		return diag_errno(d, path, rc);
	}
	snapedit_journal_add(e, line);
	return 0;
}

int snapedit_cluster_flags(struct snapedit *e, uint32_t ci, const char *text,
			   size_t len, struct diag *d)
{
	char path[SNAPEDIT_PATH_MAX], q[SNAPEDIT_QUOTED];
	struct snapshot_cluster c;
	int rc, flag;

	rc = snapedit_cluster_path(e, ci, "flags", path, text, &len, d);
	if (rc)
		return rc;
	snapedit_value_quote(q, sizeof(q), text, len);
	flag = snapshot_cluster_flag_parse(text, len);
	if (flag < 0)
		return diag_line(d, path, 0, "edit-cluster-flags",
				 "%s is not a cluster flag (none free nonfull frag full discard)",
				 q);
	if (!era_cluster_flag_ok(e->era, (unsigned int)flag))
		return diag_line(d, path, 0, "edit-cluster-flags-era",
				 "%s: era %c (%s) has no nonfull/frag/full lists",
				 q, e->era->era, e->era->kernels);
	c = e->s->clusters[ci];
	c.flags = (uint8_t)flag;
	return snapedit_cluster_set(e, ci, path,
				    snapshot_cluster_flag_name((unsigned int)flag),
				    c, d);
}

int snapedit_cluster_order(struct snapedit *e, uint32_t ci, const char *text,
			   size_t len, struct diag *d)
{
	char path[SNAPEDIT_PATH_MAX], q[SNAPEDIT_QUOTED], value[12];
	const struct snapshot_device *dev = &e->s->dev;
	struct snapshot_cluster c;
	uint32_t order;
	int rc;

	rc = snapedit_cluster_path(e, ci, "order", path, text, &len, d);
	if (rc)
		return rc;
	snapedit_value_quote(q, sizeof(q), text, len);
	if (!snapedit_value_decimal(text, len, dev->nr_orders - 1, &order))
		return diag_line(d, path, 0, "edit-cluster-order",
				 "%s is not an order 0..%u (decimal, no sign, no blank)",
				 q, dev->nr_orders - 1);
	if (!era_cluster_order_ok(e->era, order, dev->cluster_shift))
		return diag_line(d, path, 0, "edit-cluster-order-era",
				 "%s: era %c (%s) clusters have no order but %s",
				 q, e->era->era, e->era->kernels,
				 e->era->era == 'A' ? "0 or the HUGE one" : "0");
	c = e->s->clusters[ci];
	c.order = (uint8_t)order;
	snprintf(value, sizeof(value), "%u", order);
	return snapedit_cluster_set(e, ci, path, value, c, d);
}
