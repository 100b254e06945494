// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compare.c - the change layer from two models of one device (compare.h):
 * what a live refresh read differently from the read before.
 *
 * The reader hands back a whole new model each time and says nothing of
 * what changed, so the slots are compared: one memcmp of each cluster's
 * words. Only a cluster whose words differ is walked slot by slot. The
 * side tables (exact counts, shmem marks, swap-cache folios) are sorted by
 * slot and walked side by side: O(entries).
 *
 * Most of a big area is free, and the reader never writes the words of an
 * empty cluster: the pages behind them were never touched and read as
 * zero. Reading them to compare would fault each in (in a VM, several
 * microseconds each: 8192 faults a read for 64 GiB, most of a refresh).
 * /proc/self/pagemap says which pages of a model's slot array were never
 * touched, without touching them: a private anonymous page neither
 * present nor swapped out reads as zero. Two such pages are equal; a
 * touched one is compared against zeros. Where pagemap cannot be read,
 * or an array is not page-aligned (small ones come from malloc), every
 * cluster is compared in full: the same answer, at the faults' cost.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"

/* pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst) */
#define COMPARE_PM_PRESENT	(1ull << 63)
#define COMPARE_PM_SWAPPED	(1ull << 62)
/* pagemap entries read at a time */
#define COMPARE_PM_BATCH	4096

/* A model's slot array, by page: which pages were never touched. */
struct compare_pages {
	uintptr_t base;		/* the array's first byte */
	size_t page;		/* the page size */
	uint8_t *untouched;	/* one byte a page; NULL: all count as touched */
};

/* Which pages of @slots (@len bytes) read as zero untouched; 0 or -errno. */
static int compare_pages_read(int fd, const uint16_t *slots, size_t len,
			      struct compare_pages *p)
{
	uint64_t pm[COMPARE_PM_BATCH];
	size_t n, i, done;
	off_t at;

	p->base = (uintptr_t)slots;
	p->page = (size_t)sysconf(_SC_PAGESIZE);
	p->untouched = NULL;
	if (fd < 0 || p->base % p->page)
		return -EINVAL;
	n = (len + p->page - 1) / p->page;
	p->untouched = malloc(n ? n : 1);
	if (!p->untouched)
		return -ENOMEM;
	at = (off_t)(p->base / p->page * sizeof(uint64_t));
	for (done = 0; done < n; done += i) {
		size_t want = n - done < COMPARE_PM_BATCH ? n - done : COMPARE_PM_BATCH;
		ssize_t got = pread(fd, pm, want * sizeof(pm[0]),
				    at + (off_t)(done * sizeof(pm[0])));

		if (got != (ssize_t)(want * sizeof(pm[0]))) {
			free(p->untouched);
			p->untouched = NULL;
			return -EIO;
		}
		for (i = 0; i < want; i++)
			p->untouched[done + i] =
				!(pm[i] & (COMPARE_PM_PRESENT | COMPARE_PM_SWAPPED));
	}
	return 0;
}

/* Whether slots [@first, @end) of the array lie on untouched pages only. */
static bool compare_pages_zero(const struct compare_pages *p, uint32_t first,
			       uint32_t end)
{
	size_t a, b;

	if (!p->untouched)
		return false;
	a = (size_t)first * sizeof(uint16_t) / p->page;
	b = ((size_t)end * sizeof(uint16_t) - 1) / p->page;
	for (; a <= b; a++)
		if (!p->untouched[a])
			return false;
	return true;
}

bool compare_same_device(const struct snapshot *a, const struct snapshot *b)
{
	return a->dev.max == b->dev.max &&
	       a->dev.cluster_size == b->dev.cluster_size &&
	       a->dev.nr_orders == b->dev.nr_orders &&
	       a->dev.page_size == b->dev.page_size && a->dev.era == b->dev.era;
}

/* Words of a cluster on untouched pages: zero, read from here. */
static const uint16_t compare_zero[SNAPSHOT_MAX_CLUSTER_SIZE];

/*
 * Cluster @ci: its record, then its slots if their words differ. The
 * words of a side whose pages were never touched are zeros (@pa, @pb).
 */
static int compare_cluster(const struct snapshot *before,
			   const struct snapshot *now, struct changes *ch,
			   uint32_t ci, const struct compare_pages *pa,
			   const struct compare_pages *pb)
{
	uint32_t first = snapshot_cluster_first(now, ci);
	uint32_t end = snapshot_cluster_end(now, ci), i;
	const uint16_t *a = before->slots + first, *b = now->slots + first;
	bool za = compare_pages_zero(pa, first, end);
	bool zb = compare_pages_zero(pb, first, end);
	int rc;

	rc = changes_mark(ch, ci, &before->clusters[ci], &now->clusters[ci]);
	if (rc || (za && zb))
		return rc;
	if (za)
		a = compare_zero;
	if (zb)
		b = compare_zero;
	if (!memcmp(a, b, (end - first) * sizeof(*a)))
		return 0;
	for (i = 0; i < end - first && !rc; i++)
		if (a[i] != b[i])
			rc = changes_mark_slots(ch, first + i, 1);
	return rc;
}

/* The exact counts past the slot word, side by side (sorted by slot). */
static int compare_counts(const struct snapshot *x, const struct snapshot *y,
			  struct changes *ch)
{
	size_t i = 0, j = 0;
	int rc = 0;

	while (!rc && (i < x->nr_counts || j < y->nr_counts)) {
		const struct snapshot_count *a = i < x->nr_counts ? &x->counts[i] : NULL;
		const struct snapshot_count *b = j < y->nr_counts ? &y->counts[j] : NULL;

		if (a && b && a->slot == b->slot) {
			if (a->count != b->count)
				rc = changes_mark_slots(ch, a->slot, 1);
			i++;
			j++;
		} else if (!b || (a && a->slot < b->slot)) {
			rc = changes_mark_slots(ch, a->slot, 1);
			i++;
		} else {
			rc = changes_mark_slots(ch, b->slot, 1);
			j++;
		}
	}
	return rc;
}

/* The SWAP_MAP_SHMEM marks (eras A..E), side by side. */
static int compare_shmem(const struct snapshot *x, const struct snapshot *y,
			 struct changes *ch)
{
	size_t i = 0, j = 0;
	int rc = 0;

	while (!rc && (i < x->nr_shmem || j < y->nr_shmem)) {
		if (i < x->nr_shmem && j < y->nr_shmem && x->shmem[i] == y->shmem[j]) {
			i++;
			j++;
		} else if (j == y->nr_shmem ||
			   (i < x->nr_shmem && x->shmem[i] < y->shmem[j])) {
			rc = changes_mark_slots(ch, x->shmem[i++], 1);
		} else {
			rc = changes_mark_slots(ch, y->shmem[j++], 1);
		}
	}
	return rc;
}

/* The slots of folio @f, clamped to the device. */
static int compare_folio_slots(const struct snapshot *s,
			       const struct snapshot_folio *f, struct changes *ch)
{
	uint64_t end = (uint64_t)f->offset + (1ull << (f->order & 31));

	if (f->offset >= s->dev.max)
		return 0;
	if (end > s->dev.max)
		end = s->dev.max;
	return changes_mark_slots(ch, f->offset, (uint32_t)(end - f->offset));
}

static bool compare_folio_same(const struct snapshot *x,
			       const struct snapshot_folio *a,
			       const struct snapshot *y,
			       const struct snapshot_folio *b)
{
	return a->order == b->order && a->flags == b->flags &&
	       !strcmp(snapshot_folio_extra(x, a), snapshot_folio_extra(y, b));
}

/* The swap-cache folios, side by side (sorted by offset, disjoint). */
static int compare_folios(const struct snapshot *x, const struct snapshot *y,
			  struct changes *ch)
{
	size_t i = 0, j = 0;
	int rc = 0;

	while (!rc && (i < x->nr_folios || j < y->nr_folios)) {
		const struct snapshot_folio *a = i < x->nr_folios ? &x->folios[i] : NULL;
		const struct snapshot_folio *b = j < y->nr_folios ? &y->folios[j] : NULL;

		if (a && b && a->offset == b->offset) {
			if (!compare_folio_same(x, a, y, b))
				rc = compare_folio_slots(x, a, ch) ?:
				     compare_folio_slots(y, b, ch);
			i++;
			j++;
		} else if (!b || (a && a->offset < b->offset)) {
			rc = compare_folio_slots(x, a, ch);
			i++;
		} else {
			rc = compare_folio_slots(y, b, ch);
			j++;
		}
	}
	return rc;
}

/* Every cluster's record and words, the untouched pages not read. */
static int compare_slots(const struct snapshot *before,
			 const struct snapshot *now, struct changes *ch)
{
	size_t len = (size_t)now->dev.max * sizeof(uint16_t);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	struct compare_pages pa, pb;
	uint32_t ci;
	int rc = 0;

	/* a failed read leaves the pages counted as touched: all compared */
	compare_pages_read(fd, before->slots, len, &pa);
	compare_pages_read(fd, now->slots, len, &pb);
	if (fd >= 0)
		close(fd);
	for (ci = 0; !rc && ci < now->dev.nr_clusters; ci++)
		rc = compare_cluster(before, now, ch, ci, &pa, &pb);
	free(pa.untouched);
	free(pb.untouched);
	return rc;
}

int compare_models(const struct snapshot *before, const struct snapshot *now,
		   struct changes *ch)
{
	if (!compare_same_device(before, now))
		return -EINVAL;
	return changes_reset(ch, &now->dev) ?: compare_slots(before, now, ch) ?:
	       compare_counts(before, now, ch) ?: compare_shmem(before, now, ch) ?:
	       compare_folios(before, now, ch);
}
