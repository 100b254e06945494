// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-dump.c - dump_load() and dump_write() against the fixtures: one good
 * dump per kernel era (decoded values checked exactly, then written back
 * byte for byte), conversions between eras and what each refuses, and the
 * malformed corpus, each case rejected with its rule at its place.
 *
 * Usage: test-dump FIXTURES_DIR (tests/fixtures). The fixtures come from
 * tests/fixtures/dumps/make-fixtures.py; the values checked here are the
 * ones planned there.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <swapfs/dump.h>
#include <swapfs/info.h>

#include "tap.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifndef TEST_ASAN
#define TEST_ASAN 0
#endif

#define CACHED	SNAPSHOT_SLOT_CACHED
#define BAD	SNAPSHOT_SLOT_BAD
#define ZERO	SNAPSHOT_SLOT_ZERO
#define ZSWAP	SNAPSHOT_SLOT_ZSWAP
#define STATE	(CACHED | BAD | ZERO | ZSWAP)

static const char *fixtures;
static char tmp[256];

/* ---- helpers ----------------------------------------------------------- */

static char *path_of(char *buf, size_t len, const char *a, const char *b)
{
	snprintf(buf, len, "%s/%s", a, b);
	return buf;
}

static int read_file(const char *path, char **data, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	*data = malloc((size_t)st.st_size + 1);
	n = read(fd, *data, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(*data);
		return -EIO;
	}
	(*data)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

static bool same_file(const char *a, const char *b)
{
	char *x = NULL, *y = NULL;
	size_t lx, ly;
	bool same;

	if (read_file(a, &x, &lx))
		return false;
	if (read_file(b, &y, &ly)) {
		free(x);
		return false;
	}
	same = lx == ly && !memcmp(x, y, lx);
	free(x);
	free(y);
	return same;
}

/* The names in @dir, sorted, one string "a b c". */
static void list_dir(const char *dir, char *out, size_t len)
{
	struct dirent **ents;
	int n, i;

	out[0] = '\0';
	n = scandir(dir, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			strncat(out, ents[i]->d_name, len - strlen(out) - 2);
			strcat(out, " ");
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

/* Same file names, and each file the same bytes (@skip excepted). */
static bool same_dir(const char *a, const char *b, const char *skip,
		     char *why, size_t whylen)
{
	char la[256], lb[256], pa[600], pb[600], *name, *save = NULL;

	list_dir(a, la, sizeof(la));
	list_dir(b, lb, sizeof(lb));
	if (strcmp(la, lb)) {
		snprintf(why, whylen, "files '%.100s' vs '%.100s'", la, lb);
		return false;
	}
	for (name = strtok_r(la, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		if (skip && !strcmp(name, skip))
			continue;
		if (!same_file(path_of(pa, sizeof(pa), a, name),
			       path_of(pb, sizeof(pb), b, name))) {
			snprintf(why, whylen, "%s differs", name);
			return false;
		}
	}
	snprintf(why, whylen, "identical");
	return true;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void rm_tree(const char *p)
{
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* No ".name.tmp-*" left in @dir. */
static bool no_temp_left(const char *dir)
{
	struct dirent *e;
	DIR *dh = opendir(dir);
	bool clean = true;

	while (dh && (e = readdir(dh)))
		if (strstr(e->d_name, ".tmp-"))
			clean = false;
	if (dh)
		closedir(dh);
	return clean;
}

static struct snapshot *load_era(char era)
{
	char dir[512];
	struct snapshot *s = NULL;
	struct diag d;
	int rc;

	snprintf(dir, sizeof(dir), "%s/dumps/era-%c", fixtures, era);
	rc = dump_load(dir, &s, &d);
	ok(rc == 0 && s, "era %c: dump_load() accepts the fixture%s%s", era,
	   rc ? ": " : "", rc ? d.msg : "");
	return s;
}

/* Slot @i: exactly @count references and exactly the @bits of STATE. */
static bool slot_is(const struct snapshot *s, uint32_t i, uint32_t count,
		    uint16_t bits)
{
	return snapshot_count(s, i) == count && (s->slots[i] & STATE) == bits;
}

static bool slots_are(const struct snapshot *s, uint32_t first, uint32_t n,
		      uint32_t count, uint16_t bits)
{
	uint32_t i;

	for (i = first; i < first + n; i++)
		if (!slot_is(s, i, count, bits))
			return false;
	return true;
}

static bool cluster_is(const struct snapshot *s, uint32_t ci, uint16_t count,
		       int flags, int order)
{
	const struct snapshot_cluster *c = &s->clusters[ci];

	return c->count == count && c->flags == flags && c->order == order;
}

static bool run_is(const struct snapshot *s, uint32_t slot, uint32_t start,
		   unsigned int order)
{
	uint32_t st;
	unsigned int o;

	return !snapshot_run_at(s, slot, &st, &o) && st == start && o == order;
}

static bool folio_is(const struct snapshot *s, uint32_t slot, uint32_t offset,
		     unsigned int order, unsigned int flags, const char *extra)
{
	const struct snapshot_folio *f = snapshot_folio_at(s, slot);

	return f && f->offset == offset && f->order == order &&
	       f->flags == flags && !strcmp(snapshot_folio_extra(s, f), extra);
}

static bool next_is(const struct snapshot *s, size_t i, int32_t cpu,
		    uint32_t order, uint32_t offset)
{
	return i < s->nr_next && s->next[i].cpu == cpu &&
	       s->next[i].order == order && s->next[i].offset == offset;
}

/* Two models hold the same state (era, info and provenance aside). */
static bool same_model(const struct snapshot *a, const struct snapshot *b,
		       const char **why)
{
	size_t i;

	*why = "geometry";
	if (a->dev.max != b->dev.max || a->dev.cluster_size != b->dev.cluster_size ||
	    a->dev.nr_orders != b->dev.nr_orders)
		return false;
	*why = "slots";
	if (memcmp(a->slots, b->slots, a->dev.max * sizeof(*a->slots)))
		return false;
	*why = "clusters";
	if (memcmp(a->clusters, b->clusters,
		   a->dev.nr_clusters * sizeof(*a->clusters)))
		return false;
	*why = "counts";
	if (a->nr_counts != b->nr_counts ||
	    (a->nr_counts && memcmp(a->counts, b->counts,
				    a->nr_counts * sizeof(*a->counts))))
		return false;
	*why = "shmem";
	if (a->nr_shmem != b->nr_shmem ||
	    (a->nr_shmem && memcmp(a->shmem, b->shmem,
				   a->nr_shmem * sizeof(*a->shmem))))
		return false;
	*why = "folios";
	if (a->nr_folios != b->nr_folios)
		return false;
	for (i = 0; i < a->nr_folios; i++)
		if (a->folios[i].offset != b->folios[i].offset ||
		    a->folios[i].order != b->folios[i].order ||
		    a->folios[i].flags != b->folios[i].flags ||
		    strcmp(snapshot_folio_extra(a, &a->folios[i]),
			   snapshot_folio_extra(b, &b->folios[i])))
			return false;
	*why = "next";
	if (a->nr_next != b->nr_next ||
	    (a->nr_next && memcmp(a->next, b->next, a->nr_next * sizeof(*a->next))))
		return false;
	*why = "files";
	if (a->files != b->files)
		return false;
	*why = "same";
	return true;
}

/* Write @s as era @era into a fresh directory under tmp; returns its path. */
static int export(const struct snapshot *s, char era, const char *name,
		  char *dir, size_t len, struct diag *d)
{
	snprintf(dir, len, "%s/%s", tmp, name);
	return dump_write(s, dir, era, d);
}

/* Import -> export: the fixture again, byte for byte. */
static void check_round_trip(const struct snapshot *s, char era)
{
	char src[512], out[512], why[256], name[32];
	struct diag d;
	int rc;

	snprintf(src, sizeof(src), "%s/dumps/era-%c", fixtures, era);
	snprintf(name, sizeof(name), "rt-%c", era);
	rc = export(s, 0, name, out, sizeof(out), &d);
	ok(rc == 0, "era %c: dump_write() in its own era%s%s", era,
	   rc ? ": " : "", rc ? d.msg : "");
	ok(!rc && same_dir(src, out, NULL, why, sizeof(why)),
	   "era %c: written dump is the fixture byte for byte (%s)", era,
	   rc ? "not written" : why);
}

static bool prov_ok(const struct snapshot *s)
{
	const char *c = s->prov.created;

	return s->prov.source_kind && !strcmp(s->prov.source_kind, "dump") &&
	       s->prov.source_path && s->prov.source_path[0] == '/' &&
	       s->prov.step == -1 && c && strlen(c) == 20 && c[4] == '-' &&
	       c[10] == 'T' && c[19] == 'Z';
}

/* ---- the eras ------------------------------------------------------------ */

static void test_era_a(void)
{
	struct snapshot *s = load_era('A');
	const struct snapshot_device *dev;

	if (!s)
		return;
	dev = &s->dev;
	ok(dev->era == 'A' && !dev->era_given && !strcmp(dev->kernel, "6.6.58"),
	   "A: era derived from kernel 6.6.58");
	ok(dev->page_size == 4096 && dev->cluster_size == 256 &&
	   dev->cluster_shift == 8 && dev->max == 2048 && dev->nr_clusters == 8 &&
	   dev->nr_orders == 9 && !dev->has_nr_orders,
	   "A: geometry, nr_orders defaults to PMD order + 1");
	ok(dev->has_type && dev->type == 0 && dev->path &&
	   !strcmp(dev->path, "/dev/vdb") && dev->has_flags && dev->flags == 0x1053 &&
	   dev->has_prio && dev->prio == -2 && dev->has_pages && dev->pages == 2047 &&
	   dev->has_inuse && dev->inuse_pages == 277 && !dev->has_rotational,
	   "A: optional info keys (type, path, flags with names, negative prio, pages, inuse_pages)");
	ok(s->nr_info == 12 && snapshot_info_get(s, "exporter") &&
	   !strcmp(snapshot_info_get(s, "exporter"), "drgn swapfs-export 0.3") &&
	   !strcmp(s->info[11].key, "exporter"),
	   "A: unknown info key kept, in order");
	ok(prov_ok(s), "A: provenance dump, absolute path, ISO 8601 UTC time, step -1");
	ok(slot_is(s, 0, 0, BAD) && slot_is(s, 20, 0, BAD),
	   "A: 0x3f header and bad page decode as bad");
	ok(slot_is(s, 1, 1, ZSWAP) && slot_is(s, 3, 1, ZSWAP) && slot_is(s, 4, 1, 0) &&
	   slots_are(s, 4, 6, 1, 0), "A: 0x01 counts, zswap bits on slots 1..3");
	ok(slot_is(s, 10, 0, CACHED), "A: 0x40 is cache-only (count 0, cached)");
	ok(slot_is(s, 11, 1, CACHED), "A: 0x41 is count 1 + SWAP_HAS_CACHE");
	ok(slot_is(s, 12, 1, 0) && snapshot_is_shmem(s, 12) &&
	   slot_is(s, 13, 1, CACHED) && snapshot_is_shmem(s, 13) &&
	   !snapshot_is_shmem(s, 11) && s->nr_shmem == 2,
	   "A: 0xbf is SWAP_MAP_SHMEM (count 1), 0xff shmem + cache");
	ok(slot_is(s, 14, 68, 0) && slot_is(s, 17, 63, 0) && slot_is(s, 16, 62, 0),
	   "A: 0x85 + continued 68, 0x80 + continued 63, 0x3e is 62");
	ok(slot_is(s, 15, 129, CACHED) && s->nr_counts == 1 &&
	   s->counts[0].slot == 15 && s->counts[0].count == 129,
	   "A: 0xc3 + continued 129: cached, count above 126 in counts[]");
	ok(slot_is(s, 21, 0, BAD | CACHED), "A: 0x7f decodes to bad + cached");
	ok(slot_is(s, 18, 0, 0) && slot_is(s, 19, 0, 0), "A: 0x00 is free");
	ok(cluster_is(s, 0, 20, SNAPSHOT_CLUSTER_NONE, 0) &&
	   cluster_is(s, 1, 256, SNAPSHOT_CLUSTER_NONE, 8),
	   "A: clusters: in-use cluster is none, HUGE cluster has order 8");
	ok(slots_are(s, 256, 256, 1, CACHED) && run_is(s, 300, 256, 8) &&
	   folio_is(s, 511, 256, 8, SNAPSHOT_FOLIO_LOCKED | SNAPSHOT_FOLIO_WRITEBACK |
		    SNAPSHOT_FOLIO_LARGE_RMAPPABLE, ""),
	   "A: the PMD folio: 256 slots 0x41, run and folio of order 8");
	ok(cluster_is(s, 2, 0, SNAPSHOT_CLUSTER_DISCARD, 0) &&
	   slots_are(s, 512, 256, 0, 0),
	   "A: discard cluster memset to 0x3f decodes as free");
	ok(cluster_is(s, 3, 0, SNAPSHOT_CLUSTER_FREE, 0) &&
	   cluster_is(s, 4, 8, SNAPSHOT_CLUSTER_NONE, 0), "A: free and used clusters");
	ok(slots_are(s, 1024, 8, 2, 0) && slot_is(s, 1032, 0, 0) &&
	   folio_is(s, 1032, 1032, 0, SNAPSHOT_FOLIO_UPTODATE, "lru") &&
	   run_is(s, 1032, 1032, 0),
	   "A: cache file does not change the map; unknown folio flag kept as text");
	ok(folio_is(s, 11, 11, 0, SNAPSHOT_FOLIO_DIRTY | SNAPSHOT_FOLIO_UPTODATE, "") &&
	   !snapshot_folio_at(s, 10) && s->nr_folios == 3,
	   "A: folios sorted, 0x40 at slot 10 has no folio");
	ok(snapshot_run_at(s, 1031, &(uint32_t){ 0 }, &(unsigned int){ 0 }) == -ENOENT,
	   "A: a slot outside every run has no run");
	ok(s->files == (SNAPSHOT_HAS_CACHE | SNAPSHOT_HAS_CONTINUED |
			SNAPSHOT_HAS_ZSWAP | SNAPSHOT_HAS_ORDERS),
	   "A: files present recorded");
	check_round_trip(s, 'A');
	snapshot_free(s);
}

static void test_era_b(void)
{
	struct snapshot *s = load_era('B');

	if (!s)
		return;
	ok(s->dev.era == 'B' && s->dev.max == 3000 && s->dev.nr_clusters == 12 &&
	   s->dev.has_rotational && !s->dev.rotational && s->dev.pages == 2999,
	   "B: era, partial last cluster, rotational 0");
	ok(slots_are(s, 1, 5, 3, 0) && slot_is(s, 6, 0, CACHED) && !snapshot_folio_at(s, 6),
	   "B: counts, a 0x40 byte without a folio");
	ok(slot_is(s, 7, 1, 0) && snapshot_is_shmem(s, 7), "B: shmem");
	ok(slot_is(s, 2999, 200, 0) && slots_are(s, 2816, 4, 1, 0),
	   "B: last slot 0x8b + continued 200");
	ok(cluster_is(s, 11, 77, SNAPSHOT_CLUSTER_NONE, 0),
	   "B: last cluster counts its 72 tail slots");
	ok(cluster_is(s, 1, 16, SNAPSHOT_CLUSTER_NONE, 0) &&
	   slots_are(s, 256, 4, 1, 0) && slots_are(s, 260, 4, 1, CACHED) &&
	   run_is(s, 262, 260, 2) && run_is(s, 271, 268, 2) &&
	   folio_is(s, 263, 260, 2, SNAPSHOT_FOLIO_DIRTY | SNAPSHOT_FOLIO_UPTODATE |
		    SNAPSHOT_FOLIO_LARGE_RMAPPABLE, ""),
	   "B: a cluster without an order (6.10), order-2 runs and a large folio");
	ok(cluster_is(s, 2, 0, SNAPSHOT_CLUSTER_DISCARD, 0) && slots_are(s, 512, 256, 0, 0),
	   "B: discard memset");
	ok(s->nr_next == 4 && next_is(s, 0, 0, 0, 8) && next_is(s, 1, 0, 2, 272) &&
	   next_is(s, 3, 1, 2, 264), "B: per-CPU next hints, in file order");
	ok(s->files == (SNAPSHOT_HAS_CACHE | SNAPSHOT_HAS_CONTINUED |
			SNAPSHOT_HAS_ORDERS | SNAPSHOT_HAS_NEXT), "B: files");
	check_round_trip(s, 'B');
	snapshot_free(s);
}

static void test_era_c(void)
{
	struct snapshot *s = load_era('C');

	if (!s)
		return;
	ok(s->dev.era == 'C' && s->dev.cluster_size == 512 && s->dev.nr_orders == 10,
	   "C: era and geometry");
	ok(slot_is(s, 5, 1, ZERO) && slot_is(s, 8, 1, ZERO) && slot_is(s, 9, 1, 0) &&
	   slot_is(s, 512, 1, ZERO) && slot_is(s, 516, 1, 0), "C: zeromap bits");
	ok(slot_is(s, 41, 0, CACHED) &&
	   folio_is(s, 41, 41, 0, SNAPSHOT_FOLIO_UPTODATE, "") &&
	   slot_is(s, 42, 1, 0) && snapshot_is_shmem(s, 42),
	   "C: cache-only slot with its folio, shmem");
	ok(cluster_is(s, 0, 43, SNAPSHOT_CLUSTER_NONFULL, 0) &&
	   cluster_is(s, 1, 512, SNAPSHOT_CLUSTER_FULL, 4) &&
	   cluster_is(s, 2, 16, SNAPSHOT_CLUSTER_FRAG, 2) &&
	   cluster_is(s, 3, 0, SNAPSHOT_CLUSTER_DISCARD, 0) &&
	   cluster_is(s, 5, 8, SNAPSHOT_CLUSTER_NONFULL, 3),
	   "C: nonfull, full, frag, discard clusters with orders");
	ok(slots_are(s, 1536, 512, 0, 0), "C: discard memset decodes free");
	ok(run_is(s, 1000, 992, 4) && run_is(s, 1008, 1008, 4) && run_is(s, 1039, 1036, 2),
	   "C: order-4 and order-2 runs");
	ok(slots_are(s, 2560, 8, 2, CACHED) &&
	   folio_is(s, 2567, 2560, 3, SNAPSHOT_FOLIO_LOCKED | SNAPSHOT_FOLIO_UPTODATE |
		    SNAPSHOT_FOLIO_LARGE_RMAPPABLE, ""), "C: 0x42 under an order-3 folio");
	check_round_trip(s, 'C');
	snapshot_free(s);
}

static void test_era_d(void)
{
	struct snapshot *s = load_era('D');

	if (!s)
		return;
	ok(s->dev.era == 'D' && s->dev.era_given && s->dev.has_nr_orders &&
	   s->dev.nr_orders == 4 && s->dev.cluster_size == 64 &&
	   !strcmp(s->dev.kernel, "6.15.0-custom"),
	   "D: era key given, nr_orders 4 given");
	ok(slot_is(s, 11, 1, CACHED) && snapshot_is_shmem(s, 11),
	   "D: 0xff is shmem + cache");
	ok(slot_is(s, 12, 126, CACHED) && slot_is(s, 13, 127, 0) &&
	   s->nr_counts == 1 && s->counts[0].slot == 13,
	   "D: 0xc0 + continued 126 stays in the slot word, 127 goes to counts[]");
	ok(cluster_is(s, 1, 16, SNAPSHOT_CLUSTER_NONE, 2) &&
	   cluster_is(s, 3, 64, SNAPSHOT_CLUSTER_FULL, 3) &&
	   cluster_is(s, 4, 4, SNAPSHOT_CLUSTER_FRAG, 1),
	   "D: isolated (none) cluster with an order, full, frag");
	ok(slot_is(s, 256, 1, ZERO) && slot_is(s, 257, 1, ZERO) &&
	   slot_is(s, 258, 1, ZSWAP) && slot_is(s, 259, 1, ZSWAP),
	   "D: zeromap and zswap on different slots");
	ok(slots_are(s, 128, 64, 0, 0) && cluster_is(s, 2, 0, SNAPSHOT_CLUSTER_DISCARD, 0),
	   "D: a 6.15 discard cluster keeps its zero bytes (no memset since 6.15)");
	ok(s->nr_next == 3 && next_is(s, 2, 3, 0, 14), "D: next");
	ok(s->files == (SNAPSHOT_HAS_CONTINUED | SNAPSHOT_HAS_ZEROMAP |
			SNAPSHOT_HAS_ZSWAP | SNAPSHOT_HAS_ORDERS | SNAPSHOT_HAS_NEXT),
	   "D: files (no cache)");
	check_round_trip(s, 'D');
	snapshot_free(s);
}

static void test_era_e(void)
{
	struct snapshot *s = load_era('E');

	if (!s)
		return;
	ok(s->dev.era == 'E' && s->dev.flags == 0x1053, "E: era, flags");
	ok(slot_is(s, 31, 0, CACHED) && slot_is(s, 32, 1, CACHED) &&
	   folio_is(s, 31, 31, 0, SNAPSHOT_FOLIO_WRITEBACK, "") &&
	   folio_is(s, 32, 32, 0, SNAPSHOT_FOLIO_DIRTY, ""),
	   "E: 0x40 and 0x41 with their folios");
	ok(slot_is(s, 33, 300, 0), "E: 0xb0 + continued 300");
	ok(slot_is(s, 2, 1, ZERO) && slot_is(s, 4, 1, ZERO) && slot_is(s, 5, 1, ZSWAP),
	   "E: zeromap and zswap");
	ok(cluster_is(s, 2, 0, SNAPSHOT_CLUSTER_DISCARD, 0) && slots_are(s, 1024, 512, 0, 0),
	   "E: a discard cluster without memset (free bytes)");
	ok(slots_are(s, 512, 512, 1, CACHED) && run_is(s, 1023, 512, 9) &&
	   cluster_is(s, 1, 512, SNAPSHOT_CLUSTER_FULL, 9),
	   "E: a PMD-order cluster");
	ok(slots_are(s, 1552, 16, 1, CACHED) && slots_are(s, 1536, 16, 1, 0) &&
	   cluster_is(s, 3, 32, SNAPSHOT_CLUSTER_FRAG, 4), "E: frag order 4");
	check_round_trip(s, 'E');
	snapshot_free(s);
}

static void test_era_f(void)
{
	struct snapshot *s = load_era('F');

	if (!s)
		return;
	ok(s->dev.era == 'F', "F: era from kernel 7.0.1");
	ok(slot_is(s, 21, 0, CACHED) && folio_is(s, 21, 21, 0, 0, ""),
	   "F: count 0 under a folio is cache-only");
	ok(slot_is(s, 22, 2, CACHED) && slot_is(s, 23, 70, 0) && slot_is(s, 20, 1, 0),
	   "F: cached comes from folios only");
	ok(slots_are(s, 516, 4, 1, CACHED) && slot_is(s, 515, 1, 0) &&
	   slot_is(s, 520, 1, 0), "F: an order-2 folio marks exactly its 4 slots");
	ok(s->nr_next == 2 && next_is(s, 0, SNAPSHOT_NEXT_GLOBAL, 0, 24),
	   "F: global next hints");
	check_round_trip(s, 'F');
	snapshot_free(s);
}

static void test_era_g(void)
{
	struct snapshot *s = load_era('G');

	if (!s)
		return;
	ok(s->dev.era == 'G' && s->dev.rotational && s->dev.prio == -1,
	   "G: era, rotational, prio");
	ok(slot_is(s, 0, 0, BAD) && slot_is(s, 26, 0, BAD), "G: ~0 << 3 is bad");
	ok(slot_is(s, 1, 1, 0) && slot_is(s, 25, 14, 0), "G: shadow counts 1 and 14");
	ok(slot_is(s, 21, 0, CACHED) && slot_is(s, 22, 3, CACHED),
	   "G: PFN count 0 (cache-only) and 3");
	ok(slot_is(s, 23, 15, 0) && slot_is(s, 24, 200, CACHED),
	   "G: count 15 overflow resolved by continued (15 and 200)");
	ok(slot_is(s, 2, 1, ZERO) && slot_is(s, 4, 1, ZSWAP), "G: bitmaps");
	ok(slots_are(s, 1032, 4, 1, CACHED) &&
	   folio_is(s, 1033, 1032, 2, SNAPSHOT_FOLIO_UPTODATE |
		    SNAPSHOT_FOLIO_LARGE_RMAPPABLE, "swapbacked"),
	   "G: a large PFN folio with an unknown flag");
	ok(run_is(s, 1030, 1028, 2) && run_is(s, 700, 512, 9), "G: runs");
	ok(s->files == (SNAPSHOT_HAS_CACHE | SNAPSHOT_HAS_CONTINUED |
			SNAPSHOT_HAS_ZEROMAP | SNAPSHOT_HAS_ZSWAP |
			SNAPSHOT_HAS_ORDERS | SNAPSHOT_HAS_NEXT), "G: all optional files");
	check_round_trip(s, 'G');
	snapshot_free(s);
}

/* ---- conversions and refusals ---------------------------------------------- */

/* @from -> @via -> @from: the model survives, and so do the files. */
static void check_conversion(char from, char via)
{
	struct snapshot *a = load_era(from), *b = NULL, *c = NULL;
	char dir_b[512], dir_c[512], name[32], src[512], why_dir[256];
	const char *why = "not loaded";
	struct diag d;
	bool same;
	int rc;

	if (!a)
		return;
	snprintf(name, sizeof(name), "conv-%c%c", from, via);
	rc = export(a, via, name, dir_b, sizeof(dir_b), &d);
	ok(rc == 0, "%c -> %c: written%s%s", from, via, rc ? ": " : "", rc ? d.msg : "");
	rc = rc ? rc : dump_load(dir_b, &b, &d);
	same = !rc && b->dev.era == via && same_model(a, b, &why);
	ok(same, "%c -> %c: read back as era %c, same model (%s)", from, via, via,
	   rc ? d.msg : why);
	snprintf(name, sizeof(name), "conv-%c%c%c", from, via, from);
	rc = rc ? rc : export(b, from, name, dir_c, sizeof(dir_c), &d);
	rc = rc ? rc : dump_load(dir_c, &c, &d);
	same = !rc && c->dev.era == from && same_model(a, c, &why);
	ok(same, "%c -> %c -> %c: same model (%s)", from, via, from,
	   rc ? d.msg : why);
	snprintf(src, sizeof(src), "%s/dumps/era-%c", fixtures, from);
	ok(!rc && same_dir(src, dir_c, "info", why_dir, sizeof(why_dir)),
	   "%c -> %c -> %c: same files but info (%s)", from, via, from,
	   rc ? "not written" : why_dir);
	snapshot_free(a);
	snapshot_free(b);
	snapshot_free(c);
}

static void check_refusal(struct snapshot *s, char era, const char *rule,
			  const char *words, const char *what)
{
	char dir[512], name[32];
	struct diag d;
	struct stat st;
	int rc;

	snprintf(name, sizeof(name), "refused-%c", era);
	rc = export(s, era, name, dir, sizeof(dir), &d);
	ok(rc == -EINVAL && !strcmp(d.rule, rule) && strstr(d.msg, words) &&
	   stat(dir, &st) && no_temp_left(tmp),
	   "refused as %c: %s [%s] (%s), nothing left behind", era, what, rule,
	   d.msg);
}

static void test_refusals(void)
{
	struct snapshot *a = load_era('A'), *b = load_era('B');
	struct snapshot *c = load_era('C'), *e = load_era('E');

	if (!a || !b || !c || !e)
		goto out;
	check_refusal(a, 'F', "map-shmem-era", "slot 12", "shmem slots outside A..E");
	b->clusters[1].order = 2;
	check_refusal(b, 'A', "cluster-order-era", "cluster 1",
		      "era A cluster order other than 0 or PMD");
	check_refusal(b, 'B', "cluster-order-era", "cluster 1",
		      "era B clusters have no order");
	b->clusters[1].order = 0;
	check_refusal(c, 'B', "cluster-flags-era", "cluster 0",
		      "nonfull/frag/full lists before era C");

	b->slots[1] |= ZERO;
	check_refusal(b, 'B', "zeromap-era", "slot 1", "zeromap bits before era C");
	b->slots[1] &= ~ZERO;

	e->slots[1] |= CACHED;
	check_refusal(e, 'F', "export-cache-folio", "slot 1",
		      "a cached slot with no folio in era F");
	e->slots[1] &= ~CACHED;
	e->slots[520] &= ~CACHED;
	check_refusal(e, 'F', "export-cache-folio", "slot 520",
		      "a folio over an uncached slot in era F");
	e->slots[520] |= CACHED;

	e->slots[0] |= CACHED;
	check_refusal(e, 'G', "export-bad", "slot 0", "bad + cached in era G");
	e->slots[0] &= ~CACHED;
	e->slots[0] |= 1;
	check_refusal(e, 'E', "export-bad", "slot 0", "bad with a count, any era");
	e->slots[0] &= ~SNAPSHOT_SLOT_COUNT;

	e->slots[100] |= ZSWAP;
	check_refusal(e, 'E', "bitmap-slot", "slot 100", "zswap bit on a free slot");
	e->slots[100] &= ~ZSWAP;
	e->slots[2] |= ZSWAP;
	check_refusal(e, 'G', "zero-zswap", "slot 2", "zero and zswap on one slot");
	e->slots[2] &= ~ZSWAP;

	a->slots[600] = 1;
	check_refusal(a, 'A', "discard-memset", "slot 600",
		      "a discard cluster with a slot in use in eras A..D");
	a->slots[600] = 0;
	a->slots[12] = 2;
	check_refusal(a, 'D', "export-shmem", "slot 12", "a shmem slot whose count is not 1");
	a->slots[12] = 1;
out:
	snapshot_free(a);
	snapshot_free(b);
	snapshot_free(c);
	snapshot_free(e);
}

/* The target: absent, an empty directory (replaced), or refused. */
static void test_write_target(void)
{
	struct snapshot *s = load_era('F');
	char dir[512], file[600];
	struct diag d;
	int rc, fd;

	if (!s)
		return;
	snprintf(dir, sizeof(dir), "%s/target-empty", tmp);
	mkdir(dir, 0755);
	rc = dump_write(s, dir, 0, &d);
	ok(rc == 0 && !access(path_of(file, sizeof(file), dir, "swap_map"), F_OK),
	   "an empty directory is replaced by the dump");

	snprintf(dir, sizeof(dir), "%s/target-full/", tmp);
	mkdir(dir, 0755);
	fd = open(path_of(file, sizeof(file), dir, "keep"), O_CREAT | O_WRONLY, 0644);
	close(fd);
	rc = dump_write(s, dir, 0, &d);
	ok(rc == -ENOTEMPTY && strstr(d.msg, "exists and is not empty") &&
	   !access(file, F_OK) && no_temp_left(tmp),
	   "a non-empty directory is refused with ENOTEMPTY (%s)", d.msg);

	rc = dump_write(s, dir, 'X', &d);
	ok(rc == -EINVAL && !strcmp(d.rule, "info-era"), "era X is refused");
	snapshot_free(s);
}

/* A state no dump gave: the writer makes up the info from the model. */
static void test_write_synthetic(void)
{
	struct snapshot *s = snapshot_new(), *back = NULL;
	char dir[512], file[600], *info = NULL;
	const char *why = "not loaded";
	struct diag d;
	bool same;
	size_t len;
	int rc;

	s->dev.kernel = "7.1.3";
	s->dev.era = 'E';
	s->dev.page_size = 16384;
	snapshot_set_geometry(s, 100, 16);
	s->slots[0] = BAD;
	s->slots[1] = 3 | ZSWAP;
	s->slots[2] = CACHED;
	snapshot_set_count(s, 3, 1000);
	s->clusters[0].count = 4;
	s->clusters[0].flags = SNAPSHOT_CLUSTER_NONFULL;
	s->clusters[6].count = 12;		/* the tail beyond max */
	s->clusters[1].flags = SNAPSHOT_CLUSTER_FREE;
	snapshot_add_folio(s, 2, 0, SNAPSHOT_FOLIO_DIRTY, "lru,active");
	snapshot_add_run(s, 4, 2, NULL);
	snapshot_add_next(s, 7, 0, 5);
	snapshot_finish(s, NULL);

	rc = export(s, 0, "synthetic", dir, sizeof(dir), &d);
	ok(rc == 0, "a model without info is written%s%s", rc ? ": " : "",
	   rc ? d.msg : "");
	rc = rc ? rc : read_file(path_of(file, sizeof(file), dir, "info"), &info, &len);
	ok(!rc && !strcmp(info, "format: swapfs-dump 1\nkernel: 7.1.3\nera: E\n"
			  "page_size: 16384\ncluster_size: 16\nmax: 100\n"),
	   "its info is made from the model, with an era key the kernel does not imply");
	rc = rc ? rc : dump_load(dir, &back, &d);
	s->files = SNAPSHOT_HAS_CACHE | SNAPSHOT_HAS_CONTINUED | SNAPSHOT_HAS_ZSWAP |
		   SNAPSHOT_HAS_ORDERS | SNAPSHOT_HAS_NEXT;
	same = !rc && back->dev.era == 'E' && back->dev.page_size == 16384 &&
	       same_model(s, back, &why);
	ok(same, "and reads back as the same model (%s)", rc ? d.msg : why);
	free(info);
	snapshot_free(s);
	snapshot_free(back);
}

/* Comments, blank lines, extra blanks and leading zeros are fine. */
static void test_lenient_text(void)
{
	struct snapshot *ref = load_era('F'), *s = NULL;
	char src[512], dir[512], from[600], to[600];
	const char *names[] = { "swap_map", "cache", "continued" };
	const char *why = "not loaded";
	struct diag d;
	bool same;
	size_t i;
	FILE *f;
	int rc;

	if (!ref)
		return;
	snprintf(src, sizeof(src), "%s/dumps/era-F", fixtures);
	snprintf(dir, sizeof(dir), "%s/lenient", tmp);
	mkdir(dir, 0755);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *data;
		size_t len;

		read_file(path_of(from, sizeof(from), src, names[i]), &data, &len);
		f = fopen(path_of(to, sizeof(to), dir, names[i]), "w");
		fwrite(data, 1, len, f);
		fclose(f);
		free(data);
	}
	f = fopen(path_of(to, sizeof(to), dir, "info"), "w");
	fputs("# exported by hand\n\nformat:   swapfs-dump 1  \nkernel: 7.0.1\n"
	      "page_size: 4096\ncluster_size: 0512\nmax: 4096\n", f);
	fclose(f);
	f = fopen(path_of(to, sizeof(to), dir, "clusters"), "w");
	fputs("# index count flags order\n0\t24  nonfull 0\n\n1 16 frag 2 \n"
	      "  2 0 free 0\n3 0 discard 0\n4 0 free 0\n5 0 free 0\n6 0 free 0\n"
	      "7 0 free 00\n", f);
	fclose(f);
	f = fopen(path_of(to, sizeof(to), dir, "next"), "w");
	fputs("global 0 24\n# rotational\nglobal   2   0528\n", f);
	fclose(f);
	rc = dump_load(dir, &s, &d);
	same = !rc && same_model(ref, s, &why) && s->dev.cluster_size == 512;
	ok(same, "comments, blank lines, tabs, extra blanks, leading zeros (%s)",
	   rc ? d.msg : why);
	snapshot_free(ref);
	snapshot_free(s);
}

static void test_system_errors(void)
{
	struct snapshot *s = (struct snapshot *)1;
	char dir[512];
	struct diag d;
	int rc;

	snprintf(dir, sizeof(dir), "%s/does-not-exist", tmp);
	rc = dump_load(dir, &s, &d);
	ok(rc == -ENOENT && !s && !d.rule[0] && strstr(d.msg, dir),
	   "a missing directory is a system error naming it (%s)", d.msg);
}

static void test_era_for_kernel(void)
{
	static const struct {
		const char *release;
		char era;
	} t[] = {
		{ "3.10.0-1160.el7.x86_64", 'A' }, { "4.19.0", 'A' },
		{ "5.15.0-91-generic", 'A' }, { "6.6.58", 'A' }, { "6.9.12", 'A' },
		{ "6.10", 'B' }, { "6.11.11", 'B' }, { "6.12.1", 'C' },
		{ "6.13.0-rc1", 'C' }, { "6.14.2", 'D' }, { "6.17.9", 'D' },
		{ "6.18.44", 'E' }, { "6.19", 'E' }, { "7.0.0", 'F' },
		{ "7.0-rc3", 'F' }, { "7.1", 'G' }, { "8.2.1", 'G' },
		{ "linux-next", 0 }, { "6", 0 }, { "", 0 }, { "6.x", 0 },
		{ ".6.1", 0 },
	};
	size_t i;
	int good = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char got = info_era_for_kernel(t[i].release);

		if (got == t[i].era)
			good++;
		else
			printf("# %s: era %c, want %c\n", t[i].release,
			       got ? got : '0', t[i].era ? t[i].era : '0');
	}
	ok(good == (int)(sizeof(t) / sizeof(t[0])),
	   "info_era_for_kernel(): %d releases map to their era", good);
}

/* ---- the malformed corpus -------------------------------------------------- */

struct verdict {
	int rc;
	char rule[48];
	char msg[DIAG_MAX];
};

/*
 * Load @dir in a child under a 256 MiB address-space limit: a dump that
 * claims more slots than its files hold must be refused before anything
 * is sized by the claim (ASan reserves terabytes: no limit under it).
 */
static int load_limited(const char *dir, struct verdict *v)
{
	int pipefd[2], status;
	struct snapshot *s;
	struct diag d;
	pid_t pid;

	if (pipe(pipefd))
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		struct rlimit rl = { 256u << 20, 256u << 20 };
		struct verdict out;

		close(pipefd[0]);
		if (!TEST_ASAN)
			setrlimit(RLIMIT_AS, &rl);
		memset(&out, 0, sizeof(out));
		out.rc = dump_load(dir, &s, &d);
		if (!out.rc)
			snapshot_free(s);
		snprintf(out.rule, sizeof(out.rule), "%s", d.rule);
		snprintf(out.msg, sizeof(out.msg), "%s", d.msg);
		if (write(pipefd[1], &out, sizeof(out)) != sizeof(out))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	memset(v, 0, sizeof(*v));
	if (read(pipefd[0], v, sizeof(*v)) != sizeof(*v))
		v->rc = -EPIPE;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -ECHILD;
	return 0;
}

static void test_bad_dumps(void)
{
	char base[512], dir[1024], file[1100], prefix[1200], *expect, *where;
	struct dirent **ents;
	struct verdict v;
	int n, i, cases = 0;
	size_t len;

	snprintf(base, sizeof(base), "%s/bad-dumps", fixtures);
	n = scandir(base, &ents, NULL, alphasort);
	ok(n > 0, "bad-dumps corpus found in %s", base);
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if (name[0] == '.')
			goto next;
		snprintf(dir, sizeof(dir), "%s/%s", base, name);
		if (read_file(path_of(file, sizeof(file), dir, "expect"), &expect, &len)) {
			ok(0, "%s: has an expect file", name);
			goto next;
		}
		where = strchr(expect, '\n');
		*where++ = '\0';
		where[strcspn(where, "\n")] = '\0';
		snprintf(prefix, sizeof(prefix), "%s/%s:", dir, where);
		if (load_limited(dir, &v))
			ok(0, "%s: the loader returned normally", name);
		else
			ok(v.rc == -EINVAL && !strcmp(v.rule, expect) &&
			   !strncmp(v.msg, prefix, strlen(prefix)),
			   "%s: rejected [%s] at %s (got rc %d [%s] %s)", name, expect,
			   where, v.rc, v.rule, v.msg + (strlen(v.msg) > strlen(dir) ?
							 strlen(dir) + 1 : 0));
		cases++;
		free(expect);
next:
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
	ok(cases >= 45, "%d malformed dumps in the corpus", cases);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURES_DIR\n", argv[0]);
		return 2;
	}
	fixtures = argv[1];
	snprintf(tmp, sizeof(tmp), "%s/test-dump-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 2;
	}

	test_era_for_kernel();
	test_era_a();
	test_era_b();
	test_era_c();
	test_era_d();
	test_era_e();
	test_era_f();
	test_era_g();
	check_conversion('E', 'G');
	check_conversion('E', 'F');
	check_conversion('A', 'D');
	check_conversion('G', 'E');
	test_refusals();
	test_write_target();
	test_write_synthetic();
	test_lenient_text();
	test_system_errors();
	test_bad_dumps();

	rm_tree(tmp);
	return tap_done();
}
