// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-write.c - dump_write(): the model as a dump directory, in the
 * canonical form (dump.h, swapfs-dump(5)).
 *
 * First everything the target era cannot express is looked for, so a
 * refusal costs no disk writes; then the files are written into a
 * temporary directory beside the target, synced, and renamed into place.
 * The slots are walked a few times (checks, the map, a bitmap, the runs):
 * each walk is a plain loop over 2 bytes per slot, cheaper than one walk
 * juggling five output files.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "swapfs/dump.h"
#include "swapfs/durable.h"
#include "swapfs/info.h"
#include "swapfs/era.h"

#define DUMP_OUT_BUF		(1u << 20)
#define DUMP_LINE_ROOM		64	/* longest numeric line, with room */
#define DUMP_FORMAT		"swapfs-dump 1"

/* Every file a dump can have: what a failed write removes. */
static const char *const dump_files[] = {
	"info", "swap_map", "swap_table", "continued", "clusters", "cache",
	"zeromap", "zswap", "orders", "next",
};

struct dump_writer {
	const struct snapshot *s;
	const struct era_props *era;
	bool discard_memset;		/* era_discard_memset() */
	struct diag *d;
	const char *dir;		/* as given, for messages */
	char target[PATH_MAX];		/* @dir without trailing slashes */
	char tmp[PATH_MAX];		/* the directory being built */
	char path[PATH_MAX + 32];	/* "<dir>/<file>" for messages */
	int tmpfd;
	uint16_t any;			/* every bit of every slot word, or-ed */
};

/* One output file: a buffer flushed with large writes. */
struct dump_out {
	struct dump_writer *w;
	int fd;
	char *buf;
	size_t len;
	off_t off;
};

static void dump_set_path(struct dump_writer *w, const char *name)
{
	size_t len = strlen(w->dir);
	const char *sep = len && w->dir[len - 1] == '/' ? "" : "/";

	snprintf(w->path, sizeof(w->path), "%s%s%s", w->dir, sep, name);
}

/* A state the target cannot express: say which slot or line, and why. */
static int __attribute__((format(printf, 4, 5)))
dump_refuse(struct dump_writer *w, const char *file, const char *rule,
	    const char *fmt, ...)
{
	char msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dump_set_path(w, file);
	return diag_line(w->d, w->path, 0, rule, "%s", msg);
}

/* ---- output -------------------------------------------------------------- */

static int dump_out_open(struct dump_writer *w, struct dump_out *o,
			 const char *name)
{
	dump_set_path(w, name);	/* a system error names the file */
	o->w = w;
	o->fd = -1;
	o->len = 0;
	o->off = 0;
	o->buf = malloc(DUMP_OUT_BUF);
	if (!o->buf)
		return -ENOMEM;
	o->fd = openat(w->tmpfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		       0644);
	if (o->fd < 0) {
		free(o->buf);
		o->buf = NULL;
		return -errno;
	}
	return 0;
}

static int dump_out_flush(struct dump_out *o)
{
	int rc = durable_pwrite(o->fd, o->buf, o->len, o->off);

	o->off += (off_t)o->len;
	o->len = 0;
	return rc;
}

/* Room for @n more bytes; returns where they go, or NULL (*@rc set). */
static char *dump_out_room(struct dump_out *o, size_t n, int *rc)
{
	if (o->len + n > DUMP_OUT_BUF && (*rc = dump_out_flush(o)))
		return NULL;
	return o->buf + o->len;
}

static int dump_out_put(struct dump_out *o, const void *p, size_t n)
{
	int rc = 0;

	while (n) {
		size_t k = n < DUMP_OUT_BUF ? n : DUMP_OUT_BUF;
		char *dst = dump_out_room(o, k, &rc);

		if (!dst)
			return rc;
		memcpy(dst, p, k);
		o->len += k;
		p = (const char *)p + k;
		n -= k;
	}
	return 0;
}

/* Flush, fsync and close; on @failed just close. */
static int dump_out_close(struct dump_out *o, int failed)
{
	int rc = failed;

	if (o->fd < 0)
		return rc;
	if (!rc)
		rc = dump_out_flush(o);
	if (!rc)
		rc = durable_close(o->fd);
	else
		close(o->fd);
	o->fd = -1;
	free(o->buf);
	o->buf = NULL;
	return rc;
}

static char *dump_put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *dump_put_str(char *p, const char *str)
{
	size_t n = strlen(str);

	memcpy(p, str, n);
	return p + n;
}

/* A line of up to three numbers (the last @nr of them), or "global". */
static int dump_out_numbers(struct dump_out *o, const uint64_t *v, int nr)
{
	char *p, *start;
	int rc = 0, i;

	start = p = dump_out_room(o, DUMP_LINE_ROOM, &rc);
	if (!p)
		return rc;
	for (i = 0; i < nr; i++) {
		if (i)
			*p++ = ' ';
		p = dump_put_u64(p, v[i]);
	}
	*p++ = '\n';
	o->len += (size_t)(p - start);
	return 0;
}

/* ---- checks before anything is written ------------------------------------ */

static bool dump_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int dump_check_device(struct dump_writer *w)
{
	const struct snapshot_device *dev = &w->s->dev;

	if (!w->s->slots || !w->s->clusters || !dev->max)
		return dump_refuse(w, "info", "info-max", "the snapshot has no slots");
	if (!dump_pow2(dev->cluster_size) ||
	    dev->cluster_size > SNAPSHOT_MAX_CLUSTER_SIZE)
		return dump_refuse(w, "info", "info-cluster-size",
				   "cluster_size %u is not a power of two up to %u",
				   dev->cluster_size, SNAPSHOT_MAX_CLUSTER_SIZE);
	if (!dump_pow2(dev->page_size) || dev->page_size < SNAPSHOT_MIN_PAGE_SIZE ||
	    dev->page_size > SNAPSHOT_MAX_PAGE_SIZE)
		return dump_refuse(w, "info", "info-page-size",
				   "page_size %u is not a power of two from %u to %u",
				   dev->page_size, SNAPSHOT_MIN_PAGE_SIZE,
				   SNAPSHOT_MAX_PAGE_SIZE);
	if (!dev->nr_orders || dev->nr_orders > dev->cluster_shift + 1)
		return dump_refuse(w, "info", "info-nr-orders",
				   "nr_orders %u is not 1..%u", dev->nr_orders,
				   dev->cluster_shift + 1);
	return 0;
}

static bool dump_info_key_ok(const char *k)
{
	const char *p;

	for (p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		      *p == '.'))
			return false;
	return p != k;
}

static int dump_check_info(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	size_t i;

	for (i = 0; i < s->nr_info; i++) {
		if (!dump_info_key_ok(s->info[i].key))
			return dump_refuse(w, "info", "info-syntax",
					   "key '%.60s' is not made of letters, digits, '_', '-', '.'",
					   s->info[i].key);
		if (strchr(s->info[i].value, '\n'))
			return dump_refuse(w, "info", "info-syntax",
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
			return dump_refuse(w, "clusters", "cluster-flags",
					   "cluster %u: flags %u is not a cluster flag",
					   ci, c->flags);
		if (!era_cluster_flag_ok(w->era, c->flags))
			return dump_refuse(w, "clusters", "cluster-flags-era",
					   "cluster %u is %s, but era %c (%s) has no nonfull/frag/full lists",
					   ci, snapshot_cluster_flag_name(c->flags),
					   w->era->era, w->era->kernels);
		if (c->count > dev->cluster_size)
			return dump_refuse(w, "clusters", "cluster-count",
					   "cluster %u: count %u exceeds cluster_size %u",
					   ci, c->count, dev->cluster_size);
		if (c->order >= dev->nr_orders)
			return dump_refuse(w, "clusters", "order-range",
					   "cluster %u: order %u is not below nr_orders %u",
					   ci, c->order, dev->nr_orders);
		if (!era_cluster_order_ok(w->era, c->order, dev->cluster_shift))
			return dump_refuse(w, "clusters", "cluster-order-era",
					   "cluster %u has order %u, but %s",
					   ci, c->order, w->era->era == 'A' ?
					   "era A clusters have only the HUGE flag (order 0 or PMD)" :
					   "era B clusters have no order (0)");
		if (c->flags != SNAPSHOT_CLUSTER_DISCARD || !w->discard_memset)
			continue;
		end = snapshot_cluster_end(s, ci);
		for (i = snapshot_cluster_first(s, ci); i < end; i++)
			if (!snapshot_slot_free(s->slots[i]))
				return dump_refuse(w, "swap_map", "discard-memset",
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
			return dump_refuse(w, "swap_map", "map-shmem-era",
					   "slot %u is SWAP_MAP_SHMEM-owned, which era %c (%s) cannot say (eras A..D only)",
					   slot, w->era->era, w->era->kernels);
		sw = slot < s->dev.max ? s->slots[slot] : SNAPSHOT_SLOT_BAD;
		if ((sw & SNAPSHOT_SLOT_BAD) || snapshot_count(s, slot) != 1)
			return dump_refuse(w, "swap_map", "export-shmem",
					   "slot %u is SWAP_MAP_SHMEM-owned, but is bad or its count is not 1",
					   slot);
	}
	return 0;
}

/* One slot's bits that only some states or eras allow. */
static int dump_check_slot(struct dump_writer *w, uint32_t i, uint16_t sw)
{
	const char *file = w->era->swap_table ? "swap_table" : "swap_map";
	bool used = sw & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED);

	if ((sw & SNAPSHOT_SLOT_BAD) && (sw & SNAPSHOT_SLOT_COUNT))
		return dump_refuse(w, file, "export-bad",
				   "slot %u is bad and has count %u: no era encodes that",
				   i, snapshot_count(w->s, i));
	if ((sw & SNAPSHOT_SLOT_BAD) && (sw & SNAPSHOT_SLOT_CACHED) &&
	    w->era->swap_table)
		return dump_refuse(w, file, "export-bad",
				   "slot %u is bad and cached: era G's table has no such word",
				   i);
	if ((sw & SNAPSHOT_SLOT_ZERO) && !w->era->zeromap)
		return dump_refuse(w, "zeromap", "zeromap-era",
				   "slot %u is zero-filled, but era %c (%s) has no zeromap",
				   i, w->era->era, w->era->kernels);
	if ((sw & (SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)) &&
	    ((sw & SNAPSHOT_SLOT_BAD) || !used))
		return dump_refuse(w, sw & SNAPSHOT_SLOT_ZERO ? "zeromap" : "zswap",
				   "bitmap-slot",
				   "slot %u is %s, so it holds no page to be zero or in zswap",
				   i, sw & SNAPSHOT_SLOT_BAD ? "bad" : "free");
	if ((sw & SNAPSHOT_SLOT_ZERO) && (sw & SNAPSHOT_SLOT_ZSWAP))
		return dump_refuse(w, "zswap", "zero-zswap",
				   "slot %u is zero-filled and in zswap; a zero-filled page never reaches zswap",
				   i);
	return 0;
}

/* A run's head: its order must be one the dump can name. */
static int dump_check_run(struct dump_writer *w, uint32_t i, uint16_t sw)
{
	int order = snapshot_slot_order(sw);

	if (order < 0 || (uint32_t)order >= w->s->dev.nr_orders)
		return dump_refuse(w, "orders", "order-range",
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
				return dump_refuse(w, "cache", "export-cache-folio",
						   "the folio at %u covers slot %u, which is not cached; era F marks every slot under a folio cached",
						   f->offset, i);
		covered += 1u << f->order;
	}
	if (covered == cached)
		return 0;
	for (i = 0; i < s->dev.max; i++)
		if ((s->slots[i] & SNAPSHOT_SLOT_CACHED) && !snapshot_folio_at(s, i))
			break;
	return dump_refuse(w, "cache", "export-cache-folio",
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
			return dump_refuse(w, "cache", "cache-flags",
					   "the folio at %u has extra flags '%.60s', not a list of unknown [a-z0-9_] names",
					   f->offset, snapshot_folio_extra(w->s, f));
		p += n + (q ? 1 : 0);
		if (q && !*p)
			return dump_refuse(w, "cache", "cache-flags",
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
			return dump_refuse(w, "cache", "order-range",
					   "the folio at %u has order %u, not below nr_orders %u",
					   f->offset, f->order, s->dev.nr_orders);
		if ((uint64_t)f->offset + (1ull << f->order) > s->dev.max ||
		    (i && (uint64_t)f[-1].offset + (1ull << f[-1].order) > f->offset))
			return dump_refuse(w, "cache", "cache-overlap",
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
			return dump_refuse(w, "next", "next-cpu",
					   "hint %zu: cpu %d is neither 0..%d nor global",
					   i, n->cpu, SNAPSHOT_NEXT_CPU_MAX);
		if (n->order >= s->dev.nr_orders)
			return dump_refuse(w, "next", "order-range",
					   "hint %zu: order %u is not below nr_orders %u",
					   i, n->order, s->dev.nr_orders);
		if (n->offset >= s->dev.max)
			return dump_refuse(w, "next", "offset-range",
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
			return dump_refuse(w, "next", "next-duplicate",
					   "cpu %d order %u has two hints",
					   n->cpu, n->order);
		}
		seen[key / 8] |= (uint8_t)(1u << (key % 8));
	}
	free(seen);
	return 0;
}

static int dump_check(struct dump_writer *w)
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

/* ---- info ------------------------------------------------------------------- */

/*
 * The keys that size or decode the other files are written from the
 * model, whatever the stored text says, so the dump is self-consistent.
 */
static const char *dump_info_value(struct dump_writer *w, const char *key,
				   const char *stored, char *num)
{
	const struct snapshot_device *dev = &w->s->dev;
	uint64_t v;

	if (!strcmp(key, "format"))
		return DUMP_FORMAT;
	if (!strcmp(key, "era")) {
		num[0] = w->era->era;
		num[1] = '\0';
		return num;
	}
	if (!strcmp(key, "page_size"))
		v = dev->page_size;
	else if (!strcmp(key, "cluster_size"))
		v = dev->cluster_size;
	else if (!strcmp(key, "max"))
		v = dev->max;
	else if (!strcmp(key, "nr_orders"))
		v = dev->nr_orders;
	else
		return stored;
	*dump_put_u64(num, v) = '\0';
	return num;
}

static int dump_out_info(struct dump_out *o, const char *key, const char *value)
{
	int rc;

	if ((rc = dump_out_put(o, key, strlen(key))) ||
	    (rc = dump_out_put(o, ": ", 2)) ||
	    (rc = dump_out_put(o, value, strlen(value))))
		return rc;
	return dump_out_put(o, "\n", 1);
}

/* A key the model knows but the stored info lacks (a simulator's state). */
static int dump_info_missing(struct dump_writer *w, struct dump_out *o,
			     const char *key)
{
	const struct snapshot_device *dev = &w->s->dev;
	const char *kernel = dev->kernel ? dev->kernel : "unknown";
	char num[32];

	if (snapshot_info_get(w->s, key))
		return 0;
	if (!strcmp(key, "kernel"))
		return dump_out_info(o, key, kernel);
	if (!strcmp(key, "era")) {
		if (info_era_for_kernel(kernel) == w->era->era)
			return 0;
	} else if (!strcmp(key, "pages")) {
		if (!dev->has_pages)
			return 0;
		*dump_put_u64(num, dev->pages) = '\0';
		return dump_out_info(o, key, num);
	} else if (!strcmp(key, "inuse_pages")) {
		if (!dev->has_inuse)
			return 0;
		*dump_put_u64(num, dev->inuse_pages) = '\0';
		return dump_out_info(o, key, num);
	} else if (!strcmp(key, "type")) {
		if (!dev->has_type)
			return 0;
		*dump_put_u64(num, dev->type) = '\0';
		return dump_out_info(o, key, num);
	} else if (!strcmp(key, "path")) {
		return dev->path && *dev->path ? dump_out_info(o, key, dev->path) : 0;
	} else if (!strcmp(key, "flags")) {
		if (!dev->has_flags)
			return 0;
		snprintf(num, sizeof(num), "0x%llx", (unsigned long long)dev->flags);
		return dump_out_info(o, key, num);
	} else if (!strcmp(key, "prio")) {
		if (!dev->has_prio)
			return 0;
		snprintf(num, sizeof(num), "%d", dev->prio);
		return dump_out_info(o, key, num);
	} else if (!strcmp(key, "nr_orders")) {
		if (!dev->has_nr_orders && dev->nr_orders == dev->cluster_shift + 1)
			return 0;
	} else if (!strcmp(key, "rotational")) {
		if (!dev->has_rotational)
			return 0;
		return dump_out_info(o, key, dev->rotational ? "1" : "0");
	}
	return dump_out_info(o, key, dump_info_value(w, key, "", num));
}

static const char *const dump_info_keys[] = {
	"format", "kernel", "era", "page_size", "cluster_size", "max", "pages",
	"inuse_pages", "type", "path", "flags", "prio", "nr_orders",
	"rotational",
};

static int dump_write_info(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	struct dump_out o;
	char num[32];
	size_t i;
	int rc;

	rc = dump_out_open(w, &o, "info");
	if (rc)
		return rc;
	for (i = 0; !rc && i < s->nr_info; i++)
		rc = dump_out_info(&o, s->info[i].key,
				   dump_info_value(w, s->info[i].key,
						   s->info[i].value, num));
	for (i = 0; !rc && i < sizeof(dump_info_keys) / sizeof(dump_info_keys[0]); i++)
		rc = dump_info_missing(w, &o, dump_info_keys[i]);
	return dump_out_close(&o, rc);
}

/* ---- swap_map, swap_table, continued ------------------------------------------- */

/* The continued file opens on its first line, or at the end if it must exist. */
static int dump_continued(struct dump_out *c, uint32_t slot, uint32_t count)
{
	uint64_t v[2] = { slot, count };
	int rc;

	if (c->fd < 0 && (rc = dump_out_open(c->w, c, "continued")))
		return rc;
	return dump_out_numbers(c, v, 2);
}

static int dump_map_slow(struct dump_writer *w, struct dump_out *c, uint32_t i,
			 bool shmem, uint8_t *byte)
{
	uint32_t count = snapshot_count(w->s, i);
	int rc = era_map_encode(w->era, w->s->slots[i], count, shmem, byte);

	if (rc == ERA_ENC_CONTINUED)
		return dump_continued(c, i, count);
	if (rc)	/* dump_check() has refused these already */
		return dump_refuse(w, "swap_map", "export-bad",
				   "slot %u cannot be encoded in era %c",
				   i, w->era->era);
	return 0;
}

static int dump_map_cluster(struct dump_writer *w, struct dump_out *m,
			    struct dump_out *c, const uint16_t *enc,
			    uint32_t ci, size_t *shm)
{
	const struct snapshot *s = w->s;
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t end = snapshot_cluster_end(s, ci), i;
	uint32_t next_shmem = *shm < s->nr_shmem ? s->shmem[*shm] : UINT32_MAX;
	uint8_t *p;
	int rc = 0;

	p = (uint8_t *)dump_out_room(m, end - first, &rc);
	if (!p)
		return rc;
	if (s->clusters[ci].flags == SNAPSHOT_CLUSTER_DISCARD &&
	    w->discard_memset) {
		memset(p, ERA_MAP_BAD, end - first);
		m->len += end - first;
		return 0;
	}
	for (i = first; i < end; i++, p++) {
		uint16_t e = enc[s->slots[i] & ERA_ENC_INDEX];

		if (__builtin_expect(e < ERA_ENC_SLOW && i != next_shmem, 1)) {
			*p = (uint8_t)e;
			continue;
		}
		rc = dump_map_slow(w, c, i, i == next_shmem, p);
		if (rc)
			return rc;
		while (*shm < s->nr_shmem && s->shmem[*shm] <= i)
			(*shm)++;
		next_shmem = *shm < s->nr_shmem ? s->shmem[*shm] : UINT32_MAX;
	}
	m->len += end - first;
	return 0;
}

static int dump_table_slow(struct dump_writer *w, struct dump_out *c, uint32_t i,
			   uint64_t *word)
{
	uint32_t count = snapshot_count(w->s, i);
	int rc = era_table_encode(w->s->slots[i], count, word);

	if (rc == ERA_ENC_CONTINUED)
		return dump_continued(c, i, count);
	if (rc)
		return dump_refuse(w, "swap_table", "export-bad",
				   "slot %u cannot be encoded in era G", i);
	return 0;
}

static int dump_table_cluster(struct dump_writer *w, struct dump_out *m,
			      struct dump_out *c, uint32_t ci)
{
	const struct snapshot *s = w->s;
	uint32_t first = snapshot_cluster_first(s, ci);
	uint32_t end = snapshot_cluster_end(s, ci), i, count;
	uint64_t word;
	uint16_t sw;
	char *p;
	int rc = 0;

	p = dump_out_room(m, 8ull * (end - first), &rc);
	if (!p)
		return rc;
	for (i = first; i < end; i++, p += 8) {
		sw = s->slots[i];
		count = sw & SNAPSHOT_SLOT_COUNT;
		if (!(sw & SNAPSHOT_SLOT_NONFREE))
			word = 0;
		else if (!(sw & SNAPSHOT_SLOT_BAD) && count < ERA_TB_COUNT_MAX)
			word = (uint64_t)count << ERA_TB_COUNT_SHIFT |
			       (sw & SNAPSHOT_SLOT_CACHED ? ERA_TB_PFN : ERA_TB_SHADOW);
		else if ((rc = dump_table_slow(w, c, i, &word)))
			return rc;
		word = htole64(word);
		memcpy(p, &word, 8);
	}
	m->len += 8ull * (end - first);
	return 0;
}

static int dump_write_map(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	uint16_t enc[ERA_ENC_INDEX + 1];
	struct dump_out m, c = { .w = w, .fd = -1 };
	size_t shm = 0;
	uint32_t ci;
	int rc;

	rc = dump_out_open(w, &m, w->era->swap_table ? "swap_table" : "swap_map");
	if (rc)
		return rc;
	if (!w->era->swap_table)
		era_map_encoder(w->era, enc);
	for (ci = 0; !rc && ci < s->dev.nr_clusters; ci++)
		rc = w->era->swap_table ? dump_table_cluster(w, &m, &c, ci) :
		     dump_map_cluster(w, &m, &c, enc, ci, &shm);
	if (!rc && c.fd < 0 && (s->files & SNAPSHOT_HAS_CONTINUED))
		rc = dump_out_open(w, &c, "continued");
	rc = dump_out_close(&c, rc);
	return dump_out_close(&m, rc);
}

/* ---- clusters, cache, bitmaps, orders, next ------------------------------------- */

static int dump_write_clusters(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapshot_cluster *cl;
	struct dump_out o;
	char *p, *start;
	uint32_t ci;
	int rc;

	rc = dump_out_open(w, &o, "clusters");
	for (ci = 0; !rc && ci < s->dev.nr_clusters; ci++) {
		cl = &s->clusters[ci];
		start = p = dump_out_room(&o, DUMP_LINE_ROOM, &rc);
		if (!p)
			break;
		p = dump_put_u64(p, ci);
		*p++ = ' ';
		p = dump_put_u64(p, cl->count);
		*p++ = ' ';
		p = dump_put_str(p, snapshot_cluster_flag_name(cl->flags));
		*p++ = ' ';
		p = dump_put_u64(p, cl->order);
		*p++ = '\n';
		o.len += (size_t)(p - start);
	}
	return dump_out_close(&o, rc);
}

/* "<offset> <order>[ known,flags,extra]": known names in bit order. */
static int dump_cache_line(struct dump_out *o, const struct snapshot *s,
			   const struct snapshot_folio *f)
{
	const char *extra = snapshot_folio_extra(s, f);
	char line[256], *p = line;
	char sep = ' ';
	unsigned int bit;
	int rc;

	p = dump_put_u64(p, f->offset);
	*p++ = ' ';
	p = dump_put_u64(p, f->order);
	for (bit = 0; bit < SNAPSHOT_FOLIO_NR_FLAGS; bit++) {
		if (!(f->flags & (1u << bit)))
			continue;
		*p++ = sep;
		sep = ',';
		p = dump_put_str(p, snapshot_folio_flag_name(bit));
	}
	if (*extra)
		*p++ = sep;
	if ((rc = dump_out_put(o, line, (size_t)(p - line))) ||
	    (rc = dump_out_put(o, extra, strlen(extra))))
		return rc;
	return dump_out_put(o, "\n", 1);
}

static int dump_write_cache(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	struct dump_out o;
	size_t i;
	int rc;

	if (!s->nr_folios && !(s->files & SNAPSHOT_HAS_CACHE))
		return 0;
	rc = dump_out_open(w, &o, "cache");
	for (i = 0; !rc && i < s->nr_folios; i++)
		rc = dump_cache_line(&o, s, &s->folios[i]);
	return dump_out_close(&o, rc);
}

/* Bits @slot..@slot+7 of a bitmap, least significant bit first. */
static uint8_t dump_bitmap_byte(const struct snapshot *s, uint32_t slot,
				uint16_t mark)
{
	uint32_t k, n = s->dev.max - slot < 8 ? s->dev.max - slot : 8;
	uint8_t b = 0;

	for (k = 0; k < n; k++)
		if (s->slots[slot + k] & mark)
			b |= (uint8_t)(1u << k);
	return b;
}

static int dump_write_bitmap(struct dump_writer *w, const char *name,
			     uint16_t mark, unsigned int file)
{
	const struct snapshot *s = w->s;
	uint64_t bytes = ((uint64_t)s->dev.max + 7) / 8, i, j;
	struct dump_out o;
	size_t k;
	uint8_t *p;
	int rc;

	if (!(w->any & mark) && !(s->files & file))
		return 0;
	if (mark == SNAPSHOT_SLOT_ZERO && !w->era->zeromap)
		return 0;	/* no bit set (dump_check()): nothing is lost */
	rc = dump_out_open(w, &o, name);
	for (i = 0; !rc && i < bytes; i += k) {
		k = bytes - i < DUMP_OUT_BUF ? (size_t)(bytes - i) : DUMP_OUT_BUF;
		p = (uint8_t *)dump_out_room(&o, k, &rc);
		if (!p)
			break;
		if (!(w->any & mark))
			memset(p, 0, k);
		else
			for (j = 0; j < k; j++)
				p[j] = dump_bitmap_byte(s, (uint32_t)((i + j) * 8), mark);
		o.len += k;
	}
	return dump_out_close(&o, rc);
}

static int dump_write_orders(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	struct dump_out o;
	uint64_t v[2];
	uint32_t i;
	int rc;

	if (!(w->any & SNAPSHOT_SLOT_HEAD) && !(s->files & SNAPSHOT_HAS_ORDERS))
		return 0;
	rc = dump_out_open(w, &o, "orders");
	for (i = 0; !rc && (w->any & SNAPSHOT_SLOT_HEAD) && i < s->dev.max; i++) {
		if (!(s->slots[i] & SNAPSHOT_SLOT_HEAD))
			continue;
		v[0] = i;
		v[1] = (uint64_t)snapshot_slot_order(s->slots[i]);
		rc = dump_out_numbers(&o, v, 2);
	}
	return dump_out_close(&o, rc);
}

static int dump_write_next(struct dump_writer *w)
{
	const struct snapshot *s = w->s;
	const struct snapshot_next *n;
	struct dump_out o;
	uint64_t v[3];
	size_t i;
	int rc;

	if (!s->nr_next && !(s->files & SNAPSHOT_HAS_NEXT))
		return 0;
	rc = dump_out_open(w, &o, "next");
	for (i = 0; !rc && i < s->nr_next; i++) {
		n = &s->next[i];
		v[0] = (uint64_t)n->order;
		v[1] = n->offset;
		if (n->cpu == SNAPSHOT_NEXT_GLOBAL) {
			rc = dump_out_put(&o, "global ", 7);
			if (!rc)
				rc = dump_out_numbers(&o, v, 2);
			continue;
		}
		v[0] = (uint64_t)n->cpu;
		v[1] = n->order;
		v[2] = n->offset;
		rc = dump_out_numbers(&o, v, 3);
	}
	return dump_out_close(&o, rc);
}

/* ---- the directory ------------------------------------------------------------------ */

/* An existing target must be an empty directory: say so before writing. */
static int dump_check_target(struct dump_writer *w)
{
	struct dirent *e;
	struct stat st;
	DIR *dh;

	if (lstat(w->target, &st))
		return errno == ENOENT ? 0 : diag_errno(w->d, w->dir, -errno);
	if (!S_ISDIR(st.st_mode))
		return diag_errno(w->d, w->dir, -ENOTDIR);
	dh = opendir(w->target);
	if (!dh)
		return diag_errno(w->d, w->dir, -errno);
	while ((e = readdir(dh)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			break;
	closedir(dh);
	if (e) {
		diag_line(w->d, w->dir, 0, NULL, "exists and is not empty");
		return -ENOTEMPTY;
	}
	return 0;
}

/* "<parent>/.<name>.tmp-XXXXXX" beside the target, so rename() is atomic. */
static int dump_make_tmp(struct dump_writer *w)
{
	const char *slash = strrchr(w->target, '/');
	const char *name = slash ? slash + 1 : w->target;
	int plen = slash ? (int)(slash - w->target) + 1 : 0;

	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return diag_errno(w->d, w->dir, -EINVAL);
	if (snprintf(w->tmp, sizeof(w->tmp), "%.*s.%s.tmp-XXXXXX", plen,
		     w->target, name) >= (int)sizeof(w->tmp))
		return diag_errno(w->d, w->dir, -ENAMETOOLONG);
	if (!mkdtemp(w->tmp))
		return diag_errno(w->d, w->dir, -errno);
	w->tmpfd = open(w->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->tmpfd < 0 || fchmod(w->tmpfd, 0755)) {
		int rc = -errno;

		if (w->tmpfd >= 0)
			close(w->tmpfd);
		w->tmpfd = -1;
		rmdir(w->tmp);
		return diag_errno(w->d, w->dir, rc);
	}
	return 0;
}

static void dump_remove_tmp(struct dump_writer *w)
{
	size_t i;

	for (i = 0; i < sizeof(dump_files) / sizeof(dump_files[0]); i++)
		unlinkat(w->tmpfd, dump_files[i], 0);
	close(w->tmpfd);
	w->tmpfd = -1;
	rmdir(w->tmp);
}

static int dump_write_files(struct dump_writer *w)
{
	int rc;

	if ((rc = dump_write_info(w)) ||
	    (rc = dump_write_map(w)) ||
	    (rc = dump_write_clusters(w)) ||
	    (rc = dump_write_cache(w)) ||
	    (rc = dump_write_bitmap(w, "zeromap", SNAPSHOT_SLOT_ZERO,
				    SNAPSHOT_HAS_ZEROMAP)) ||
	    (rc = dump_write_bitmap(w, "zswap", SNAPSHOT_SLOT_ZSWAP,
				    SNAPSHOT_HAS_ZSWAP)) ||
	    (rc = dump_write_orders(w)) ||
	    (rc = dump_write_next(w)))
		return rc;
	return fsync(w->tmpfd) ? -errno : 0;
}

/* Put the built directory in place; on any error leave nothing behind. */
static int dump_commit(struct dump_writer *w)
{
	int rc = dump_write_files(w);

	if (rc) {
		/* A refusal has its message; a system error gets one here. */
		if (rc != -EINVAL || !w->d || !w->d->msg[0])
			diag_errno(w->d, w->path, rc);
		dump_remove_tmp(w);
		return rc;
	}
	if (rename(w->tmp, w->target)) {
		rc = -errno;
		dump_remove_tmp(w);
		if (rc == -ENOTEMPTY || rc == -EEXIST) {
			diag_line(w->d, w->dir, 0, NULL, "exists and is not empty");
			return -ENOTEMPTY;
		}
		return diag_errno(w->d, w->dir, rc);
	}
	close(w->tmpfd);
	w->tmpfd = -1;
	rc = durable_sync_dir(w->target);
	return rc ? diag_errno(w->d, w->dir, rc) : 0;
}

int dump_write(const struct snapshot *s, const char *dir, char era,
	       struct diag *d)
{
	struct dump_writer w = { .s = s, .d = d, .dir = dir, .tmpfd = -1 };
	size_t len;
	int rc;

	diag_clear(d);
	w.era = era_get(era ? era : s->dev.era);
	if (!w.era) {
		dump_set_path(&w, "info");
		return diag_line(d, w.path, 0, "info-era",
				 "era '%c' is not one of A..G", era ? era : s->dev.era);
	}
	w.discard_memset = era_discard_memset(w.era, s->dev.kernel);
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (!len || len >= sizeof(w.target))
		return diag_errno(d, dir, len ? -ENAMETOOLONG : -ENOENT);
	memcpy(w.target, dir, len);
	w.target[len] = '\0';

	if ((rc = dump_check(&w)) ||
	    (rc = dump_check_target(&w)) ||
	    (rc = dump_make_tmp(&w)))
		return rc;
	return dump_commit(&w);
}
