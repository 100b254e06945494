// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-check.c - a snapshot held to what the target era can express,
 * before anything of its dump is written: the device, the info keys, the
 * clusters, each slot's rare bits, the folios and the hints.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swapfs/info.h"
#include "dump-out.h"

int __attribute__((format(printf, 4, 5)))
dump_check_refuse(struct dump_writer *w, const char *file, const char *rule,
		  const char *fmt, ...)
{
	char msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dump_out_path(w, file);
	return diag_line(w->d, w->path, 0, rule, "%s", msg);
}

/* The file that holds the slots in the target era: errors name it. */
static const char *dump_check_map_file(const struct dump_writer *w)
{
	return w->era->swap_table ? "swap_table" : "swap_map";
}

static bool dump_check_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int dump_check_device(struct dump_writer *w)
{
	const struct snapshot_device *dev = &w->s->dev;

	if (!w->s->slots || !w->s->clusters || !dev->max)
		return dump_check_refuse(w, "info", "info-max", "the snapshot has no slots");
	if (!dump_check_pow2(dev->cluster_size) ||
	    dev->cluster_size > SNAPSHOT_MAX_CLUSTER_SIZE)
		return dump_check_refuse(w, "info", "info-cluster-size",
					 "cluster_size %u is not a power of two up to %u",
					 dev->cluster_size, SNAPSHOT_MAX_CLUSTER_SIZE);
	if (!dump_check_pow2(dev->page_size) || dev->page_size < SNAPSHOT_MIN_PAGE_SIZE ||
	    dev->page_size > SNAPSHOT_MAX_PAGE_SIZE)
		return dump_check_refuse(w, "info", "info-page-size",
					 "page_size %u is not a power of two from %u to %u",
					 dev->page_size, SNAPSHOT_MIN_PAGE_SIZE,
					 SNAPSHOT_MAX_PAGE_SIZE);
	if (!dev->nr_orders || dev->nr_orders > dev->cluster_shift + 1)
		return dump_check_refuse(w, "info", "info-nr-orders",
					 "nr_orders %u is not 1..%u", dev->nr_orders,
					 dev->cluster_shift + 1);
	return 0;
}

static int dump_check_info(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	size_t i;

	for (i = 0; i < s->nr_info; i++) {
		if (!info_key_ok(s->info[i].key, strlen(s->info[i].key)))
			return dump_check_refuse(w, "info", "info-syntax",
						 "key '%.60s' is not made of letters, digits, '_', '-', '.'",
						 s->info[i].key);
		if (strchr(s->info[i].value, '\n'))
			return dump_check_refuse(w, "info", "info-syntax",
						 "the value of '%s' holds a newline",
						 s->info[i].key);
	}
	return 0;
}

static int dump_check_clusters(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapshot_device *dev = &s->dev;
	const struct snapshot_cluster *c;
	uint32_t ci, i, end;

	for (ci = 0; ci < dev->nr_clusters; ci++) {
		c = &s->clusters[ci];
		if (c->flags >= SNAPSHOT_CLUSTER_NR_FLAGS)
			return dump_check_refuse(w, "clusters", "cluster-flags",
						 "cluster %u: flags %u is not a cluster flag",
						 ci, c->flags);
		if (!era_cluster_flag_ok(w->era, c->flags))
			return dump_check_refuse(w, "clusters", "cluster-flags-era",
						 "cluster %u is %s, but era %c (%s) has no nonfull/frag/full lists",
						 ci, snapshot_cluster_flag_name(c->flags),
						 w->era->era, w->era->kernels);
		if (c->count > dev->cluster_size)
			return dump_check_refuse(w, "clusters", "cluster-count",
						 "cluster %u: count %u exceeds cluster_size %u",
						 ci, c->count, dev->cluster_size);
		if (c->order >= dev->nr_orders)
			return dump_check_refuse(w, "clusters", "order-range",
						 "cluster %u: order %u is not below nr_orders %u",
						 ci, c->order, dev->nr_orders);
		if (!era_cluster_order_ok(w->era, c->order, dev->cluster_shift))
			return dump_check_refuse(w, "clusters", "cluster-order-era",
						 "cluster %u has order %u, but %s",
						 ci, c->order, w->era->era == 'A' ?
						 "era A clusters have only the HUGE flag (order 0 or PMD)" :
						 "era B clusters have no order (0)");
		if (c->flags != SNAPSHOT_CLUSTER_DISCARD || !w->discard_memset)
			continue;
		end = snapshot_cluster_end(s, ci);
		for (i = snapshot_cluster_first(s, ci); i < end; i++)
			if (!snapshot_slot_free(s->slots[i]))
				return dump_check_refuse(w, dump_check_map_file(w), "discard-memset",
							 "cluster %u is discard, but slot %u is in use; era %c fills a discard cluster with 0x3f, which says every slot is free",
							 ci, i, w->era->era);
	}
	return 0;
}

static int dump_check_shmem(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	uint32_t slot;
	uint16_t sw;
	size_t i;

	for (i = 0; i < s->nr_shmem; i++) {
		slot = s->shmem[i];
		if (!w->era->shmem)
			return dump_check_refuse(w, dump_check_map_file(w), "map-shmem-era",
						 "slot %u is SWAP_MAP_SHMEM-owned, which era %c (%s) cannot say (eras A..D only)",
						 slot, w->era->era, w->era->kernels);
		sw = slot < s->dev.max ? s->slots[slot] : SNAPSHOT_SLOT_BAD;
		if ((sw & SNAPSHOT_SLOT_BAD) || snapshot_count(s, slot) != 1)
			return dump_check_refuse(w, dump_check_map_file(w), "export-shmem",
						 "slot %u is SWAP_MAP_SHMEM-owned, but is bad or its count is not 1",
						 slot);
	}
	return 0;
}

/* One slot's bits that only some states or eras allow. */
static int dump_check_slot(struct dump_writer *w, uint32_t i, uint16_t sw)
{
	const char *file = dump_check_map_file(w);
	bool used = sw & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED);

	if ((sw & SNAPSHOT_SLOT_BAD) && (sw & SNAPSHOT_SLOT_COUNT))
		return dump_check_refuse(w, file, "export-bad",
					 "slot %u is bad and has count %u: no era encodes that",
					 i, snapshot_count(w->s, i));
	if ((sw & SNAPSHOT_SLOT_BAD) && (sw & SNAPSHOT_SLOT_CACHED) &&
	    w->era->swap_table)
		return dump_check_refuse(w, file, "export-bad",
					 "slot %u is bad and cached: era G's table has no such word",
					 i);
	if ((sw & SNAPSHOT_SLOT_ZERO) && !w->era->zeromap)
		return dump_check_refuse(w, "zeromap", "zeromap-era",
					 "slot %u is zero-filled, but era %c (%s) has no zeromap",
					 i, w->era->era, w->era->kernels);
	if ((sw & (SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)) &&
	    ((sw & SNAPSHOT_SLOT_BAD) || !used))
		return dump_check_refuse(w, sw & SNAPSHOT_SLOT_ZERO ? "zeromap" : "zswap",
					 "bitmap-slot",
					 "slot %u is %s, so it holds no page to be zero or in zswap",
					 i, sw & SNAPSHOT_SLOT_BAD ? "bad" : "free");
	if ((sw & SNAPSHOT_SLOT_ZERO) && (sw & SNAPSHOT_SLOT_ZSWAP))
		return dump_check_refuse(w, "zswap", "zero-zswap",
					 "slot %u is zero-filled and in zswap; a zero-filled page never reaches zswap",
					 i);
	return 0;
}

/* A run's head: its order must be one the dump can name. */
static int dump_check_run(struct dump_writer *w, uint32_t i, uint16_t sw)
{
	int order = snapshot_slot_order(sw);

	if (order < 0 || (uint32_t)order >= w->s->dev.nr_orders)
		return dump_check_refuse(w, "orders", "order-range",
					 "the run at slot %u has order %d, not below nr_orders %u",
					 i, order, w->s->dev.nr_orders);
	return 0;
}

/* One walk over the slots: the rare bits are checked, the rest summed. */
static int dump_check_slots(struct dump_writer *w, uint64_t *cached)
{
	const struct snapshot *s = w->s;
	const uint16_t rare = SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_ZERO |
			      SNAPSHOT_SLOT_ZSWAP | SNAPSHOT_SLOT_HEAD;
	uint16_t any = 0, sw;
	uint32_t i;
	int rc;

	*cached = 0;
	for (i = 0; i < s->dev.max; i++) {
		sw = s->slots[i];
		any |= sw;
		*cached += !!(sw & SNAPSHOT_SLOT_CACHED);
		if (__builtin_expect(!(sw & rare), 1))
			continue;
		if ((rc = dump_check_slot(w, i, sw)))
			return rc;
		if ((sw & SNAPSHOT_SLOT_HEAD) && (rc = dump_check_run(w, i, sw)))
			return rc;
	}
	w->any = any;
	return 0;
}

/*
 * Era F's map has no cache mark; a slot is cached exactly when a folio
 * covers it, so the model must say the same.
 */
static int dump_check_cache_f(struct dump_writer *w, uint64_t cached)
{
	const struct snapshot *s = w->s;
	const struct snapshot_folio *f;
	uint64_t covered = 0;
	uint32_t i, end;
	size_t fi;

	for (fi = 0; fi < s->nr_folios; fi++) {
		f = &s->folios[fi];
		end = f->offset + (1u << f->order);
		for (i = f->offset; i < end; i++)
			if (!(s->slots[i] & SNAPSHOT_SLOT_CACHED))
				return dump_check_refuse(w, "cache", "export-cache-folio",
							 "the folio at %u covers slot %u, which is not cached; era F marks every slot under a folio cached",
							 f->offset, i);
		covered += 1u << f->order;
	}
	if (covered == cached)
		return 0;
	for (i = 0; i < s->dev.max; i++)
		if ((s->slots[i] & SNAPSHOT_SLOT_CACHED) && !snapshot_folio_at(s, i))
			break;
	return dump_check_refuse(w, "cache", "export-cache-folio",
				 "slot %u is cached, but no folio covers it; era F's swap_map has no cache mark, so only a folio can say it",
				 i);
}

/* The extra flags must read back as the same extra flags. */
static int dump_check_extra(struct dump_writer *w, const struct snapshot_folio *f)
{
	const char *p = snapshot_folio_extra(w->s, f), *q;
	size_t n;

	while (*p) {
		q = strchr(p, ',');
		n = q ? (size_t)(q - p) : strlen(p);
		if (!n || strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_") < n ||
		    snapshot_folio_flag_parse(p, n) >= 0)
			return dump_check_refuse(w, "cache", "cache-flags",
						 "the folio at %u has extra flags '%.60s', not a list of unknown [a-z0-9_] names",
						 f->offset, snapshot_folio_extra(w->s, f));
		p += n + (q ? 1 : 0);
		if (q && !*p)
			return dump_check_refuse(w, "cache", "cache-flags",
						 "the folio at %u has extra flags ending in ','",
						 f->offset);
	}
	return 0;
}

static int dump_check_folios(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapshot_folio *f;
	size_t i;
	int rc;

	for (i = 0; i < s->nr_folios; i++) {
		f = &s->folios[i];
		if (f->order >= s->dev.nr_orders)
			return dump_check_refuse(w, "cache", "order-range",
						 "the folio at %u has order %u, not below nr_orders %u",
						 f->offset, f->order, s->dev.nr_orders);
		if ((uint64_t)f->offset + (1ull << f->order) > s->dev.max ||
		    (i && (uint64_t)f[-1].offset + (1ull << f[-1].order) > f->offset))
			return dump_check_refuse(w, "cache", "cache-overlap",
						 "the folio at %u overlaps another or ends past max",
						 f->offset);
		if ((rc = dump_check_extra(w, f)))
			return rc;
	}
	return 0;
}

static int dump_check_next(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapshot_next *n;
	uint8_t *seen;
	size_t i, key;

	for (i = 0; i < s->nr_next; i++) {
		n = &s->next[i];
		if (n->cpu < SNAPSHOT_NEXT_GLOBAL || n->cpu > SNAPSHOT_NEXT_CPU_MAX)
			return dump_check_refuse(w, "next", "next-cpu",
						 "hint %zu: cpu %d is neither 0..%d nor global",
						 i, n->cpu, SNAPSHOT_NEXT_CPU_MAX);
		if (n->order >= s->dev.nr_orders)
			return dump_check_refuse(w, "next", "order-range",
						 "hint %zu: order %u is not below nr_orders %u",
						 i, n->order, s->dev.nr_orders);
		if (n->offset >= s->dev.max)
			return dump_check_refuse(w, "next", "offset-range",
						 "hint %zu: offset %u is not below max %u",
						 i, n->offset, s->dev.max);
	}
	if (!s->nr_next)
		return 0;
	/* A bit per (cpu, order), as the reader keeps them. */
	seen = calloc(((size_t)(SNAPSHOT_NEXT_CPU_MAX + 2) * s->dev.nr_orders + 7) / 8, 1);
	if (!seen)
		return diag_errno(w->d, w->dir, -ENOMEM);
	for (i = 0; i < s->nr_next; i++) {
		n = &s->next[i];
		key = (size_t)(n->cpu + 1) * s->dev.nr_orders + n->order;
		if (seen[key / 8] & (1u << (key % 8))) {
			free(seen);
			return dump_check_refuse(w, "next", "next-duplicate",
						 "cpu %d order %u has two hints",
						 n->cpu, n->order);
		}
		seen[key / 8] |= (uint8_t)(1u << (key % 8));
	}
	free(seen);
	return 0;
}

int dump_check(struct dump_writer *w)
{
	uint64_t cached;
	int rc;

	if ((rc = dump_check_device(w)) ||
	    (rc = dump_check_info(w)) ||
	    (rc = dump_check_clusters(w)) ||
	    (rc = dump_check_shmem(w)) ||
	    (rc = dump_check_slots(w, &cached)) ||
	    (rc = dump_check_folios(w)) ||
	    (rc = dump_check_next(w)))
		return rc;
	if (w->era->cache_from_folios)
		return dump_check_cache_f(w, cached);
	return 0;
}
