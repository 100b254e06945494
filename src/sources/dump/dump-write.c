// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-write.c - dump_write(): the model as a dump directory, in the
 * canonical form (dump.h, swapfs-dump(5)).
 *
 * First everything the target era cannot express is looked for
 * (dump-check.c), so a refusal costs no disk writes; then the files are
 * written into a temporary directory beside the target, synced, and
 * renamed into place (dump-dir.c). The slots are walked a few times
 * (checks, the map, a bitmap, the runs): each walk is a plain loop over
 * 2 bytes per slot, cheaper than one walk juggling five output files.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "swapfs/info.h"
#include "dump-out.h"

#define DUMP_FORMAT		"swapfs-dump 1"

/*
 * The keys that size or decode the other files are written from the
 * model, whatever the stored text says, so the dump is self-consistent.
 */
static const char *dump_write_info_value(struct dump_writer *w, const char *key,
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
	*dump_out_u64(num, v) = '\0';
	return num;
}

static int dump_write_info_line(struct dump_out *o, const char *key, const char *value)
{
	int rc;

	if ((rc = dump_out_put(o, key, strlen(key))) ||
	    (rc = dump_out_put(o, ": ", 2)) ||
	    (rc = dump_out_put(o, value, strlen(value))))
		return rc;
	return dump_out_put(o, "\n", 1);
}

/* A key the model knows but the stored info lacks (a simulator's state). */
static int dump_write_info_missing(struct dump_writer *w, struct dump_out *o,
				   const char *key)
{
	const struct snapshot_device *dev = &w->s->dev;
	const char *kernel = dev->kernel ? dev->kernel : "unknown";
	char num[32];

	if (snapshot_info_get(w->s, key))
		return 0;
	if (!strcmp(key, "kernel"))
		return dump_write_info_line(o, key, kernel);
	if (!strcmp(key, "era")) {
		if (info_era_for_kernel(kernel) == w->era->era)
			return 0;
	} else if (!strcmp(key, "pages")) {
		if (!dev->has_pages)
			return 0;
		*dump_out_u64(num, dev->pages) = '\0';
		return dump_write_info_line(o, key, num);
	} else if (!strcmp(key, "inuse_pages")) {
		if (!dev->has_inuse)
			return 0;
		*dump_out_u64(num, dev->inuse_pages) = '\0';
		return dump_write_info_line(o, key, num);
	} else if (!strcmp(key, "type")) {
		if (!dev->has_type)
			return 0;
		*dump_out_u64(num, dev->type) = '\0';
		return dump_write_info_line(o, key, num);
	} else if (!strcmp(key, "path")) {
		return dev->path && *dev->path ? dump_write_info_line(o, key, dev->path) : 0;
	} else if (!strcmp(key, "flags")) {
		if (!dev->has_flags)
			return 0;
		snprintf(num, sizeof(num), "0x%llx", (unsigned long long)dev->flags);
		return dump_write_info_line(o, key, num);
	} else if (!strcmp(key, "prio")) {
		if (!dev->has_prio)
			return 0;
		snprintf(num, sizeof(num), "%d", dev->prio);
		return dump_write_info_line(o, key, num);
	} else if (!strcmp(key, "nr_orders")) {
		if (!dev->has_nr_orders && dev->nr_orders == dev->cluster_shift + 1)
			return 0;
	} else if (!strcmp(key, "rotational")) {
		if (!dev->has_rotational)
			return 0;
		return dump_write_info_line(o, key, dev->rotational ? "1" : "0");
	}
	return dump_write_info_line(o, key, dump_write_info_value(w, key, "", num));
}

static const char *const dump_write_info_keys[] = {
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
		rc = dump_write_info_line(&o, s->info[i].key,
					  dump_write_info_value(w, s->info[i].key,
								s->info[i].value, num));
	for (i = 0; !rc && i < sizeof(dump_write_info_keys) / sizeof(dump_write_info_keys[0]); i++)
		rc = dump_write_info_missing(w, &o, dump_write_info_keys[i]);
	return dump_out_close(&o, rc);
}

/* The continued file opens on its first line, or at the end if it must exist. */
static int dump_write_continued(struct dump_out *c, uint32_t slot, uint32_t count)
{
	uint64_t v[2] = { slot, count };
	int rc;

	if (c->fd < 0 && (rc = dump_out_open(c->w, c, "continued")))
		return rc;
	return dump_out_numbers(c, v, 2);
}

static int dump_write_map_slow(struct dump_writer *w, struct dump_out *c, uint32_t i,
			       bool shmem, uint8_t *byte)
{
	uint32_t count = snapshot_count(w->s, i);
	int rc = era_map_encode(w->era, w->s->slots[i], count, shmem, byte);

	if (rc == ERA_ENC_CONTINUED)
		return dump_write_continued(c, i, count);
	if (rc)	/* dump_check() has refused these already */
		return dump_check_refuse(w, "swap_map", "export-bad",
					 "slot %u cannot be encoded in era %c",
					 i, w->era->era);
	return 0;
}

static int dump_write_map_cluster(struct dump_writer *w, struct dump_out *m,
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
		rc = dump_write_map_slow(w, c, i, i == next_shmem, p);
		if (rc)
			return rc;
		while (*shm < s->nr_shmem && s->shmem[*shm] <= i)
			(*shm)++;
		next_shmem = *shm < s->nr_shmem ? s->shmem[*shm] : UINT32_MAX;
	}
	m->len += end - first;
	return 0;
}

static int dump_write_table_slow(struct dump_writer *w, struct dump_out *c, uint32_t i,
				 uint64_t *word)
{
	uint32_t count = snapshot_count(w->s, i);
	int rc = era_table_encode(w->s->slots[i], count, word);

	if (rc == ERA_ENC_CONTINUED)
		return dump_write_continued(c, i, count);
	if (rc)
		return dump_check_refuse(w, "swap_table", "export-bad",
					 "slot %u cannot be encoded in era G", i);
	return 0;
}

static int dump_write_table_cluster(struct dump_writer *w, struct dump_out *m,
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
		else if ((rc = dump_write_table_slow(w, c, i, &word)))
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
		rc = w->era->swap_table ? dump_write_table_cluster(w, &m, &c, ci) :
		     dump_write_map_cluster(w, &m, &c, enc, ci, &shm);
	if (!rc && c.fd < 0 && (s->files & SNAPSHOT_HAS_CONTINUED))
		rc = dump_out_open(w, &c, "continued");
	rc = dump_out_close(&c, rc);
	return dump_out_close(&m, rc);
}

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
		p = dump_out_u64(p, ci);
		*p++ = ' ';
		p = dump_out_u64(p, cl->count);
		*p++ = ' ';
		p = dump_out_str(p, snapshot_cluster_flag_name(cl->flags));
		*p++ = ' ';
		p = dump_out_u64(p, cl->order);
		*p++ = '\n';
		o.len += (size_t)(p - start);
	}
	return dump_out_close(&o, rc);
}

/* "<offset> <order>[ known,flags,extra]": known names in bit order. */
static int dump_write_cache_line(struct dump_out *o, const struct snapshot *s,
				 const struct snapshot_folio *f)
{
	const char *extra = snapshot_folio_extra(s, f);
	char line[256], *p = line;
	char sep = ' ';
	unsigned int bit;
	int rc;

	p = dump_out_u64(p, f->offset);
	*p++ = ' ';
	p = dump_out_u64(p, f->order);
	for (bit = 0; bit < SNAPSHOT_FOLIO_NR_FLAGS; bit++) {
		if (!(f->flags & (1u << bit)))
			continue;
		*p++ = sep;
		sep = ',';
		p = dump_out_str(p, snapshot_folio_flag_name(bit));
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
		rc = dump_write_cache_line(&o, s, &s->folios[i]);
	return dump_out_close(&o, rc);
}

/* Bits @slot..@slot+7 of a bitmap, least significant bit first. */
static uint8_t dump_write_bitmap_byte(const struct snapshot *s, uint32_t slot,
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
				p[j] = dump_write_bitmap_byte(s, (uint32_t)((i + j) * 8), mark);
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

int dump_write(const struct snapshot *s, const char *dir, char era,
	       struct diag *d)
{
	struct dump_writer w = { .s = s, .d = d, .dir = dir, .tmpfd = -1 };
	size_t len;
	int rc;

	diag_clear(d);
	w.era = era_get(era ? era : s->dev.era);
	if (!w.era) {
		dump_out_path(&w, "info");
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
	    (rc = dump_dir_check_target(&w)) ||
	    (rc = dump_dir_make_tmp(&w)))
		return rc;
	return dump_dir_commit(&w, dump_write_files(&w));
}
