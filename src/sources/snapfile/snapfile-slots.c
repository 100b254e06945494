// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile-slots.c - the clusters and slots tables read back: counted
 * against the device before the slot array is allocated, then each
 * cluster's row and each slots blob decoded straight into the model.
 */
#include <inttypes.h>
#include <string.h>

#include "snapfile-codec.h"
#include "snapfile-row.h"

/* The slot array is 2 bytes a slot, 8 GiB at max 2^32-1: the rows must justify it. */
int snapfile_slots_bounds(struct snapfile_reader *r)
{
	const struct snapshot_device *dev = &r->s->dev;
	int64_t n;
	int rc;

	rc = snapfile_sql_scalar(r->f, "SELECT count(*) FROM clusters WHERE snapshot = ?1",
				 r->id, &n, r->d);
	if (rc)
		return rc;
	if (n != dev->nr_clusters)
		return diag_line(r->d, r->f->path, 0, "snap-cluster-rows",
				 "clusters: %" PRId64 " rows for snapshot %" PRId64 ", but max %u / cluster_size %u makes %u clusters, one row each",
				 n, r->id, dev->max, dev->cluster_size, dev->nr_clusters);
	rc = snapfile_sql_scalar(r->f, "SELECT count(*) FROM slots WHERE snapshot = ?1",
				 r->id, &n, r->d);
	if (rc)
		return rc;
	if (n != dev->nr_clusters)
		return diag_line(r->d, r->f->path, 0, "snap-slots-rows",
				 "slots: %" PRId64 " rows for snapshot %" PRId64 ", but max %u / cluster_size %u makes %u clusters, one row each (data NULL when nothing is stored)",
				 n, r->id, dev->max, dev->cluster_size, dev->nr_clusters);
	return 0;
}

static int snapfile_slots_cluster_row(struct snapfile_reader *r)
{
	const struct snapshot_device *dev = &r->s->dev;
	struct snapshot_cluster *c;
	int64_t idx, count, ord;
	const char *flags;
	int flag, rc;

	if ((rc = snapfile_row_int(r, 0, 0, dev->nr_clusters - 1, "snap-cluster-idx", &idx)) ||
	    (rc = snapfile_row_dense_key(r, "snap-cluster-idx", idx)) ||
	    (rc = snapfile_row_int(r, 1, 0, dev->cluster_size, "snap-cluster-count", &count)) ||
	    (rc = snapfile_row_text(r, 2, false, &flags)) ||
	    (rc = snapfile_row_int(r, 3, 0, dev->nr_orders - 1, "snap-cluster-order", &ord)))
		return rc;
	flag = snapshot_cluster_flag_parse(flags, strlen(flags));
	if (flag < 0)
		return snapfile_row_bad(r, "snap-cluster-flags",
					"flags '%.40s' is not one of none free nonfull frag full discard",
					flags);
	if (!era_cluster_flag_ok(r->era, (unsigned int)flag))
		return snapfile_row_bad(r, "snap-cluster-flags-era",
					"flags '%s': era %c (%s) has no nonfull/frag/full lists",
					flags, r->era->era, r->era->kernels);
	if (!era_cluster_order_ok(r->era, (unsigned int)ord, dev->cluster_shift))
		return snapfile_row_bad(r, "snap-cluster-order-era",
					"ord %" PRId64 ": era %c clusters have only the HUGE flag, so order 0 or %u",
					ord, r->era->era, dev->cluster_shift);
	c = &r->s->clusters[idx];
	c->count = (uint16_t)count;
	c->flags = (uint8_t)flag;
	c->order = (uint8_t)ord;
	return 0;
}

int snapfile_slots_clusters(struct snapfile_reader *r)
{
	return snapfile_row_each(r, "clusters", "SELECT idx, count, flags, ord FROM clusters"
				 " WHERE snapshot = ?1 ORDER BY idx", snapfile_slots_cluster_row);
}

/*
 * Name the first word of the cluster snapfile_codec_lanes_bad() objects to;
 * @width is the bytes a slot takes in the blob.
 */
static int snapfile_slots_word_error(struct snapfile_reader *r, uint32_t first,
				     uint32_t n, unsigned int width)
{
	const uint16_t *w = r->s->slots + first;
	uint32_t j;
	uint16_t v;

	for (j = 0; j + 1 < n && !snapfile_codec_lanes_bad(w[j]); j++)
		;
	v = w[j];
	if (v & ~SNAPSHOT_SLOT_STORED)
		return snapfile_row_bad(r, "snap-slots-bits",
					"slot %u (byte %u of the blob): word 0x%04x sets bits 11..15, which a file never stores (runs have their own table)",
					first + j, width * j, v);
	if ((v & SNAPSHOT_SLOT_BAD) && (v & SNAPSHOT_SLOT_COUNT))
		return snapfile_row_bad(r, "snap-slots-word",
					"slot %u (byte %u of the blob): word 0x%04x is bad with a count of %u; no era has references on a bad slot",
					first + j, width * j, v, v & SNAPSHOT_SLOT_COUNT);
	if ((v & SNAPFILE_SLOT_MARKS) == SNAPFILE_SLOT_MARKS)
		return snapfile_row_bad(r, "snap-slots-word",
					"slot %u (byte %u of the blob): word 0x%04x is in zeromap and zswap; a zero-filled page never reaches zswap",
					first + j, width * j, v);
	return snapfile_row_bad(r, "snap-slots-word",
				"slot %u (byte %u of the blob): word 0x%04x has the %s bit on a slot that is %s; only a slot in use holds a page",
				first + j, width * j, v,
				v & SNAPSHOT_SLOT_ZERO ? "zero" : "zswap",
				v & SNAPSHOT_SLOT_BAD ? "bad" : "free");
}

/*
 * Cluster @ci's blob of @width bytes a slot straight into the slot array,
 * every word checked on the way: no copy of the device but the model.
 */
static int snapfile_slots_decode(struct snapfile_reader *r, uint32_t ci,
				 const uint8_t *p, unsigned int width)
{
	struct snapshot *s = r->s;
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t n = snapshot_cluster_end(s, ci) - first, j;
	uint16_t *w = s->slots + first;
	uint64_t bad = 0, any;

	if (width == 1)
		any = snapfile_codec_decode_bytes(w, p, n, &bad);
	else
		any = snapfile_codec_decode_words(w, p, n, &bad, &r->nr_big);
	if (bad)
		return snapfile_slots_word_error(r, first, n, width);
	if ((any & SNAPFILE_LANES(SNAPSHOT_SLOT_ZERO)) && !r->era->zeromap) {
		for (j = 0; !(w[j] & SNAPSHOT_SLOT_ZERO); j++)
			;
		return snapfile_row_bad(r, "snap-slots-word",
					"slot %u has the zero bit, but era %c (%s) has no zeromap",
					first + j, r->era->era, r->era->kernels);
	}
	return 0;
}

int snapfile_slots_row(struct snapfile_reader *r)
{
	const struct snapshot *s = r->s;
	int64_t ci;
	uint32_t n;
	int rc, type, bytes;
	char shown[80];
	const void *p;

	if ((rc = snapfile_row_int(r, 0, 0, s->dev.nr_clusters - 1, "snap-slots-cluster", &ci)) ||
	    (rc = snapfile_row_dense_key(r, "snap-slots-cluster", ci)))
		return rc;
	type = sqlite3_column_type(r->st, 1);
	if (type == SQLITE_NULL)
		return 0;	/* nothing stored: every slot free, as allocated */
	if (type != SQLITE_BLOB) {
		snapfile_row_describe(r->st, 1, shown, sizeof(shown));
		return snapfile_row_bad(r, "snap-type", "data is %s, expected a blob or NULL",
					shown);
	}
	n = snapshot_cluster_end(s, (uint32_t)ci) - snapshot_cluster_first(s, (uint32_t)ci);
	p = sqlite3_column_blob(r->st, 1);
	bytes = sqlite3_column_bytes(r->st, 1);
	if ((uint32_t)bytes != n && (uint32_t)bytes != 2 * n)
		return snapfile_row_bad(r, "snap-slots-size",
					"blob of %d bytes, expected %u or %u (1 or 2 for each of the cluster's %u slots below max)",
					bytes, n, 2 * n, n);
	if (!p)
		return snapfile_row_nomem(r);
	return snapfile_slots_decode(r, (uint32_t)ci, p, (uint32_t)bytes == n ? 1 : 2);
}
