// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-clusters.c - a dump's clusters file: one line per cluster, in
 * order, each "INDEX COUNT FLAGS ORDER" checked against the era. Lines of
 * the common shape are parsed in place.
 */
#include "dump-text.h"

static int dump_clusters_lines_ok(struct dump_reader *r, struct dump_cursor *c)
{
	const struct snapshot_device *dev = &r->s->dev;

	if (r->nr_cluster_lines >= dev->nr_clusters)
		return dump_text_fail(c, "cluster-lines",
				      "more lines than the %u clusters of max %u / cluster_size %u",
				      dev->nr_clusters, dev->max, dev->cluster_size);
	return 0;
}

/* A cluster line's fields, parsed: check them and fill the cluster. */
static inline int dump_clusters_apply(struct dump_reader *r, struct dump_cursor *c,
				      uint32_t index, uint32_t count,
				      const char *name, size_t len, uint32_t order)
{
	const struct snapshot_device *dev = &r->s->dev;
	int flag, rc;

	if (index != r->nr_cluster_lines)
		return dump_text_fail(c, "cluster-index",
				      "index %u where cluster %u belongs (one line per cluster, in order)",
				      index, r->nr_cluster_lines);
	if (count > dev->cluster_size)
		return dump_text_fail(c, "cluster-count",
				      "count %u exceeds cluster_size %u", count,
				      dev->cluster_size);
	flag = snapshot_cluster_flag_parse(name, len);
	if (flag < 0)
		return dump_text_fail(c, "cluster-flags",
				      "flags '%.*s' is not one of none free nonfull frag full discard",
				      DUMP_SHOW(len), name);
	if (!era_cluster_flag_ok(r->era, (unsigned int)flag))
		return dump_text_fail(c, "cluster-flags-era",
				      "flags '%s': era %c (%s) has no nonfull/frag/full lists",
				      snapshot_cluster_flag_name((unsigned int)flag),
				      r->era->era, r->era->kernels);
	if ((rc = dump_text_check_order(c, order)))
		return rc;
	if (!era_cluster_order_ok(r->era, order, dev->cluster_shift))
		return dump_text_fail(c, "cluster-order-era",
				      "order %u: %s", order, r->era->era == 'A' ?
				      "era A clusters have only the HUGE flag, so order 0 or PMD" :
				      "era B clusters have no order (6.10 and 6.11), so 0");
	r->s->clusters[index].count = (uint16_t)count;
	r->s->clusters[index].flags = (uint8_t)flag;
	r->s->clusters[index].order = (uint8_t)order;
	if (flag == SNAPSHOT_CLUSTER_DISCARD)
		r->nr_discard++;
	r->nr_cluster_lines++;
	return 0;
}

static int dump_clusters_line(struct dump_reader *r, struct dump_cursor *c)
{
	uint32_t index, count, order;
	const char *name;
	size_t len;
	int rc;

	if ((rc = dump_clusters_lines_ok(r, c)))
		return rc;
	if ((rc = dump_text_u32(c, "index", &index)) ||
	    (rc = dump_text_u32(c, "count", &count)) ||
	    (rc = dump_text_word(c, "flags", &name, &len)) ||
	    (rc = dump_text_u32(c, "order", &order)) ||
	    (rc = dump_text_end(c)))
		return rc;
	return dump_clusters_apply(r, c, index, count, name, len, order);
}

/*
 * "INDEX COUNT FLAGS ORDER\n" with plain numbers of at most 9 digits and
 * a lower-case flags word, one space apart: parsed in place and checked
 * by dump_clusters_apply(); any other line goes to the careful path.
 */
static int dump_clusters_bulk(struct dump_text *t, struct dump_cursor *c)
{
	struct dump_reader *r = t->r;
	const char *p = t->buf + t->pos, *name, *q;
	uint32_t index, count, order;
	unsigned int len;
	int rc;

	for (;;) {
		if (!(len = dump_text_fast_u32(p, &index)) || p[len] != ' ')
			break;
		q = p + len + 1;
		if (!(len = dump_text_fast_u32(q, &count)) || q[len] != ' ')
			break;
		name = q + len + 1;
		for (q = name; *q >= 'a' && *q <= 'z'; q++)
			;
		if (q == name || *q != ' ')
			break;
		if (!(len = dump_text_fast_u32(q + 1, &order)) || q[1 + len] != '\n')
			break;
		c->line = ++t->line;
		if ((rc = dump_clusters_lines_ok(r, c)) ||
		    (rc = dump_clusters_apply(r, c, index, count, name,
					      (size_t)(q - name), order)))
			return rc;
		p = q + 1 + len + 1;
	}
	t->pos = (size_t)(p - t->buf);
	return 0;
}

int dump_clusters_read(struct dump_reader *r)
{
	const struct snapshot_device *dev = &r->s->dev;
	struct stat st;
	int fd, rc;

	rc = dump_file_open_required(r, "clusters", &fd, &st);
	if (rc)
		return rc;
	rc = dump_text_read(r, fd,
			    &(struct dump_text_ops){ .line = dump_clusters_line,
						     .bulk = dump_clusters_bulk });
	close(fd);
	if (rc)
		return rc;
	if (r->nr_cluster_lines != dev->nr_clusters)
		return diag_line(r->d, r->path, 0, "cluster-lines",
				 "%u lines, but max %u / cluster_size %u makes %u clusters",
				 r->nr_cluster_lines, dev->max, dev->cluster_size,
				 dev->nr_clusters);
	return 0;
}
