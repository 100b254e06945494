// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-snapfile.c - the snapshot file: what is written reads back equal,
 * field by field; time series and appends; the temporary never outlives
 * its handle; and each kind of hand edit that breaks the file is refused
 * with -EINVAL and its rule, never a crash.
 *
 * Usage: test-snapfile FIXTURES_DIR (a dump from it serves the probe).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <swapfs/info.h>
#include <swapfs/snapfile.h>

#include "tap.h"

#define MAX_SLOTS	5000u	/* 10 clusters of 512, the last 392 slots */
#define CLUSTER		512u

static char dir[] = "/tmp/swapfs-test-snapfile-XXXXXX";
static char good[PATH_MAX];	/* a committed file of one snapshot */
static const char *fixtures;

static void path_in(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", dir, name);
}

/* ---- a snapshot with something in every field ---- */

static const char *const test_info[][2] = {
	{ "format", "swapfs-dump 1" },
	{ "kernel", "6.12.5" },		/* era C: shmem, zeromap, lists */
	{ "page_size", "4096" },
	{ "cluster_size", "512" },
	{ "max", "5000" },
	{ "pages", "4999" },
	{ "inuse_pages", "1234" },
	{ "type", "1" },
	{ "path", "/dev/vdb" },
	{ "flags", "0x1053 USED|WRITEOK" },
	{ "prio", "-2" },
	{ "nr_orders", "10" },
	{ "rotational", "0" },
	{ "vendor.note", "kept as it is" },
};

static void add_run(struct snapshot *s, uint32_t offset, unsigned int order)
{
	uint32_t clash;

	if (snapshot_add_run(s, offset, order, &clash))
		fprintf(stderr, "# add_run %u/%u clashes at %u\n", offset, order, clash);
}

/* @variant changes a few slots, so the snapshots of a series differ. */
static struct snapshot *make_snapshot(int variant)
{
	struct snapshot *s = snapshot_new();
	struct info_error e;
	uint32_t i, clash;
	size_t k;

	for (k = 0; k < sizeof(test_info) / sizeof(test_info[0]); k++)
		snapshot_info_add(s, test_info[k][0], test_info[k][1]);
	if (info_apply(s, &e) || snapshot_set_geometry(s, MAX_SLOTS, CLUSTER)) {
		fprintf(stderr, "# info_apply: %s\n", e.why);
		exit(99);
	}
	snapshot_set_string(&s->prov.source_kind, "sim");
	snapshot_set_string(&s->prov.source_path, "/tmp/the/workload");
	snapshot_set_string(&s->prov.created, "2026-01-02T03:04:05Z");
	snapshot_set_string(&s->prov.note, "a note, with 'quotes'");
	s->prov.step = 42 + variant;
	s->files = SNAPSHOT_HAS_CACHE | SNAPSHOT_HAS_CONTINUED |
		   SNAPSHOT_HAS_ZEROMAP | SNAPSHOT_HAS_ORDERS | SNAPSHOT_HAS_NEXT;

	/* cluster 0: header, counts small and big, cache, marks, shmem */
	s->slots[0] = SNAPSHOT_SLOT_BAD;
	for (i = 1; i < 200; i++)
		snapshot_set_count(s, i, 1 + i % 40);
	snapshot_set_count(s, 5, 200);
	snapshot_set_count(s, 6, 127);		/* the first count that does not fit */
	snapshot_set_count(s, 7, 70000 + variant);
	snapshot_set_count(s, 8, 126);		/* the last that does */
	s->slots[10] |= SNAPSHOT_SLOT_CACHED;
	s->slots[11] |= SNAPSHOT_SLOT_ZERO;
	s->slots[12] |= SNAPSHOT_SLOT_ZSWAP;
	s->slots[13] |= SNAPSHOT_SLOT_ZSWAP | SNAPSHOT_SLOT_CACHED;
	s->slots[300] = SNAPSHOT_SLOT_CACHED;	/* cache-only */
	s->slots[301] = SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_CACHED;
	snapshot_set_count(s, 20, 1);
	snapshot_add_shmem(s, 20);
	snapshot_set_count(s, 21, 1);
	s->slots[21] |= SNAPSHOT_SLOT_CACHED;
	snapshot_add_shmem(s, 21);
	/*
	 * clusters 1, 2, 4..9 in use; cluster 3 has nothing: a NULL blob.
	 * Counts up to 15 everywhere but in clusters 0 and 9: 1 byte a slot
	 * there, every flag of the byte in cluster 1.
	 */
	for (i = 512; i < 1536; i++)
		snapshot_set_count(s, i, 1);
	s->slots[700] |= SNAPSHOT_SLOT_CACHED;
	s->slots[701] |= SNAPSHOT_SLOT_ZERO;
	s->slots[702] |= SNAPSHOT_SLOT_ZSWAP | SNAPSHOT_SLOT_CACHED;
	s->slots[703] = SNAPSHOT_SLOT_BAD;
	s->slots[704] = SNAPSHOT_SLOT_CACHED;
	snapshot_set_count(s, 705, 15);
	for (i = 2048; i < MAX_SLOTS; i++)
		snapshot_set_count(s, i, 2 + (i & 3));
	snapshot_set_count(s, 4999, 16);	/* the partial last cluster: 2 bytes */
	if (variant)
		snapshot_set_count(s, 4000 + variant, 1000 + variant);
	/* runs: several per cluster, misaligned, crossing, big */
	add_run(s, 512, 2);
	add_run(s, 516, 2);
	add_run(s, 520, 2);
	add_run(s, 531, 3);		/* misaligned */
	add_run(s, 600, 0);
	add_run(s, 601, 0);
	add_run(s, 602, 0);
	add_run(s, 1020, 3);		/* crosses into cluster 2 */
	add_run(s, 1030, 4);		/* misaligned */
	add_run(s, 2048, 9);
	add_run(s, 2560, 9);
	add_run(s, 3300, 9);		/* misaligned, as big as a cluster, crossing */
	add_run(s, 4990, 3);		/* in the partial last cluster */
	/* folios: known flags, other flags, none */
	snapshot_add_folio(s, 2048, 9, SNAPSHOT_FOLIO_UPTODATE |
			   SNAPSHOT_FOLIO_LARGE_RMAPPABLE, NULL);
	snapshot_add_folio(s, 512, 2, SNAPSHOT_FOLIO_LOCKED | SNAPSHOT_FOLIO_DIRTY, "");
	snapshot_add_folio(s, 1030, 4, SNAPSHOT_FOLIO_UPTODATE, "lru,active");
	snapshot_add_folio(s, 4999, 0, 0, "workingset");
	snapshot_add_folio(s, 10, 0, 0, NULL);
	snapshot_add_next(s, 0, 0, 100);
	snapshot_add_next(s, 1, 2, 520);
	snapshot_add_next(s, SNAPSHOT_NEXT_GLOBAL, 9, 2048);
	snapshot_add_next(s, 65535, 0, 4999);
	for (i = 0; i < s->dev.nr_clusters; i++) {
		s->clusters[i].count = (uint16_t)(i == 3 ? 0 : 400 + i);
		s->clusters[i].flags = (uint8_t)(i % SNAPSHOT_CLUSTER_NR_FLAGS);
		s->clusters[i].order = (uint8_t)(i == 3 ? 0 : i % 10);
	}
	s->clusters[3].flags = SNAPSHOT_CLUSTER_FREE;
	if (snapshot_finish(s, &clash)) {
		fprintf(stderr, "# snapshot_finish: folio clash at %u\n", clash);
		exit(99);
	}
	return s;
}

/* ---- equality, field by field ---- */

static int nr_diffs;

static void differs(const char *what)
{
	if (nr_diffs++ < 5)
		printf("# differs: %s\n", what);
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void compare_dev(const struct snapshot_device *a, const struct snapshot_device *b)
{
	if (!str_eq(a->kernel, b->kernel) || a->era != b->era || a->era_given != b->era_given)
		differs("kernel/era");
	if (a->page_size != b->page_size || a->cluster_size != b->cluster_size ||
	    a->cluster_shift != b->cluster_shift || a->max != b->max ||
	    a->nr_clusters != b->nr_clusters || a->nr_orders != b->nr_orders)
		differs("geometry");
	if (a->has_pages != b->has_pages || a->has_inuse != b->has_inuse ||
	    a->has_type != b->has_type || a->has_flags != b->has_flags ||
	    a->has_prio != b->has_prio || a->has_rotational != b->has_rotational ||
	    a->has_nr_orders != b->has_nr_orders)
		differs("has_* bits");
	if (a->pages != b->pages || a->inuse_pages != b->inuse_pages ||
	    a->type != b->type || a->flags != b->flags || a->prio != b->prio ||
	    a->rotational != b->rotational || !str_eq(a->path, b->path))
		differs("optional device fields");
}

/* Whether @b (read back, id @id) is @a, field by field. */
static bool same(const struct snapshot *a, const struct snapshot *b, int64_t id)
{
	size_t i;

	nr_diffs = 0;
	compare_dev(&a->dev, &b->dev);
	if (!str_eq(a->prov.source_kind, b->prov.source_kind) ||
	    !str_eq(a->prov.source_path, b->prov.source_path) ||
	    !str_eq(a->prov.created, b->prov.created) ||
	    !str_eq(a->prov.note, b->prov.note) || a->prov.step != b->prov.step)
		differs("provenance");
	if (b->prov.id != id)
		differs("provenance id");
	if (a->files != b->files)
		differs("files");
	if (a->nr_info != b->nr_info)
		differs("number of info keys");
	for (i = 0; i < a->nr_info && i < b->nr_info; i++)
		if (strcmp(a->info[i].key, b->info[i].key) ||
		    strcmp(a->info[i].value, b->info[i].value))
			differs("info key or order");
	if (memcmp(a->slots, b->slots, a->dev.max * sizeof(*a->slots)))
		differs("slot words (stored or run bits)");
	if (memcmp(a->clusters, b->clusters, a->dev.nr_clusters * sizeof(*a->clusters)))
		differs("clusters");
	if (a->nr_counts != b->nr_counts ||
	    (a->nr_counts && memcmp(a->counts, b->counts, a->nr_counts * sizeof(*a->counts))))
		differs("counts");
	if (a->nr_shmem != b->nr_shmem ||
	    (a->nr_shmem && memcmp(a->shmem, b->shmem, a->nr_shmem * sizeof(*a->shmem))))
		differs("shmem");
	if (a->nr_folios != b->nr_folios)
		differs("number of folios");
	for (i = 0; i < a->nr_folios && i < b->nr_folios; i++)
		if (a->folios[i].offset != b->folios[i].offset ||
		    a->folios[i].order != b->folios[i].order ||
		    a->folios[i].flags != b->folios[i].flags ||
		    strcmp(snapshot_folio_extra(a, &a->folios[i]),
			   snapshot_folio_extra(b, &b->folios[i])))
			differs("folio");
	if (a->nr_next != b->nr_next ||
	    (a->nr_next && memcmp(a->next, b->next, a->nr_next * sizeof(*a->next))))
		differs("next hints");
	return !nr_diffs;
}

/* ---- helpers ---- */

static int write_file(const char *path, bool replace, struct snapshot **s,
		      size_t nr, struct diag *d)
{
	struct snapfile *f;
	size_t i;
	int rc;

	rc = snapfile_create(path, replace, &f, d);
	for (i = 0; !rc && i < nr; i++) {
		rc = snapfile_append(f, s[i], NULL, d);
		if (rc)
			snapfile_close(f);
	}
	if (!rc)
		rc = snapfile_commit(f, d);
	return rc;
}

static struct snapshot *read_file(const char *path, int64_t id, int *rc,
				  struct diag *d)
{
	struct snapshot *s = NULL;
	struct snapfile *f;

	*rc = snapfile_open(path, false, &f, d);
	if (*rc)
		return NULL;
	*rc = snapfile_read(f, id, &s, d);
	snapfile_close(f);
	return s;
}

/* Names in @dir other than @keep (NULL: any), for leftover temporaries. */
static int count_entries(const char *keep)
{
	struct dirent *e;
	DIR *dp = opendir(dir);
	int n = 0;

	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    (!keep || strcmp(e->d_name, keep)))
			n++;
	closedir(dp);
	return n;
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), in)))
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
}

static void put_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static int sql(const char *path, const char *text)
{
	sqlite3 *db;
	char *err = NULL;
	int rc;

	sqlite3_open(path, &db);
	rc = sqlite3_exec(db, text, NULL, NULL, &err);
	if (rc)
		printf("# sql '%s': %s\n", text, err);
	sqlite3_free(err);
	sqlite3_close(db);
	return rc;
}

static int64_t sql_int(const char *path, const char *text)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	int64_t v = -1;

	sqlite3_open(path, &db);
	if (!sqlite3_prepare_v2(db, text, -1, &st, NULL) && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -2 :
		    sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Set word @j of cluster @ci's blob to @word, as an editor of bytes would. */
static void patch_word(const char *path, int ci, int j, uint16_t word)
{
	uint8_t blob[2 * CLUSTER];
	sqlite3_stmt *st;
	sqlite3 *db;
	int n = 0;

	sqlite3_open(path, &db);
	sqlite3_prepare_v2(db, "SELECT data FROM slots WHERE cluster = ?1", -1, &st, NULL);
	sqlite3_bind_int(st, 1, ci);
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_bytes(st, 0);
		memcpy(blob, sqlite3_column_blob(st, 0), (size_t)n);
	}
	sqlite3_finalize(st);
	blob[2 * j] = (uint8_t)word;
	blob[2 * j + 1] = (uint8_t)(word >> 8);
	sqlite3_prepare_v2(db, "UPDATE slots SET data = ?2 WHERE cluster = ?1", -1, &st, NULL);
	sqlite3_bind_int(st, 1, ci);
	sqlite3_bind_blob(st, 2, blob, n, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/*
 * Set byte @j of cluster @ci's 1-byte blob to @byte; a NULL blob becomes
 * one of zeros first.
 */
static void patch_byte(const char *path, int ci, int j, uint8_t byte)
{
	char text[256];

	snprintf(text, sizeof(text),
		 "UPDATE slots SET data = CAST(substr(coalesce(data, zeroblob(%u)), 1, %d)"
		 " || X'%02X' || substr(coalesce(data, zeroblob(%u)), %d) AS BLOB)"
		 " WHERE cluster = %d",
		 CLUSTER, j, byte, CLUSTER, j + 2, ci);
	sql(path, text);
}

/* ---- the tests ---- */

static void test_round_trip(void)
{
	struct snapshot *s = make_snapshot(0), *back;
	struct diag d;
	int rc;

	rc = write_file(good, false, &s, 1, &d);
	ok(!rc, "create + append + commit: %s", d.msg);
	ok(snapfile_probe(good), "the file probes as a snapshot file");
	back = read_file(good, 0, &rc, &d);
	ok(!rc && back, "read back snapshot 0 (the last): %s", d.msg);
	ok(back && same(s, back, 1),
	   "every field read back equals what was written (info order, slot words, run bits, counts, shmem, folios, next, provenance)");
	snapshot_free(back);
	back = read_file(good, 1, &rc, &d);
	ok(!rc && back && same(s, back, 1), "read back by id 1");
	snapshot_free(back);
	ok(sql_int(good, "SELECT count(*) FROM slots WHERE data IS NULL") == 1 &&
	   sql_int(good, "SELECT data IS NULL FROM slots WHERE cluster = 3") == 1,
	   "the cluster with nothing stored has a NULL blob");
	ok(sql_int(good, "SELECT length(data) FROM slots WHERE cluster = 9") == 2 * (MAX_SLOTS - 9 * CLUSTER),
	   "the partial last cluster's blob covers the slots below max only");
	ok(sql_int(good, "SELECT length(data) FROM slots WHERE cluster = 0") == 2 * CLUSTER &&
	   sql_int(good, "SELECT length(data) FROM slots WHERE cluster = 1") == CLUSTER &&
	   sql_int(good, "SELECT count(*) FROM slots WHERE length(data) = 512") == 7,
	   "clusters with a count above 15 take 2 bytes a slot, the others 1");
	ok(sql_int(good, "SELECT hex(substr(data, 700 - 512 + 1, 6)) = '11419120100F'"
		   " FROM slots WHERE cluster = 1") == 1,
	   "the 1-byte form: count in bits 0..3, then cached, bad, zero, zswap");
	ok(sql_int(good, "SELECT count(*) FROM runs") == 6 &&
	   sql_int(good, "SELECT group_concat(cluster) = '1,2,4,5,6,9' FROM runs") == 1 &&
	   sql_int(good, "SELECT length(data) FROM runs WHERE cluster = 1") == 4 * 8 &&
	   sql_int(good, "SELECT hex(data) = '64000000' FROM runs WHERE cluster = 2") == 1 &&
	   sql_int(good, "SELECT hex(substr(data, 29)) = 'C31F0000' FROM runs WHERE cluster = 1") == 1 &&
	   sql_int(good, "SELECT hex(data) = '490E0000' FROM runs WHERE cluster = 6") == 1,
	   "one runs row per cluster in which runs start: (slot in cluster) << 4 | order, u32 LE");
	ok(sql_int(good, "SELECT count(*) FROM folios WHERE flags = 'uptodate,lru,active'") == 1 &&
	   sql_int(good, "SELECT count(*) FROM folios WHERE flags = ''") == 1,
	   "folio flags are canonical text");
	ok(sql_int(good, "SELECT count(*) FROM next WHERE cpu IS NULL AND ord = 9") == 1,
	   "the global next hint has cpu NULL");
	ok(sql_int(good, "PRAGMA page_size") == 65536 &&
	   sql_int(good, "PRAGMA application_id") == 0x53574653 &&
	   sql_int(good, "PRAGMA user_version") == 1, "page size, application_id, version");
	snapshot_free(s);
}

/* Rows whose only text is empty: '' must not become NULL on the way. */
static void test_empty_text(void)
{
	struct snapshot *s = make_snapshot(0), *back;
	char path[PATH_MAX];
	struct diag d;
	int rc;

	path_in(path, "empty.db");
	s->nr_folios = 1;	/* the first by offset: order 0 at 10, no flags */
	snapshot_info_add(s, "zz.empty", "");
	rc = write_file(path, false, &s, 1, &d);
	ok(!rc, "write a lone folio without flags, an empty info value: %s", d.msg);
	back = read_file(path, 0, &rc, &d);
	ok(!rc && back && same(s, back, 1) &&
	   sql_int(path, "SELECT count(*) FROM folios WHERE flags = ''") == 1 &&
	   sql_int(path, "SELECT count(*) FROM info WHERE value = ''") == 1,
	   "a lone folio without flags and an empty info value stay '' (%s)", d.msg);
	snapshot_free(back);
	snapshot_free(s);
	unlink(path);
}

static void test_series(void)
{
	struct snapshot *s[4] = { make_snapshot(0), make_snapshot(1), make_snapshot(2),
				  make_snapshot(3) }, *back;
	struct snapfile_entry *list;
	struct snapfile *f;
	char path[PATH_MAX];
	struct diag d;
	int64_t id = 0;
	size_t nr, i;
	int rc;

	path_in(path, "series.db");
	s[1]->prov.step = -1;	/* not a simulator step: NULL */
	snapshot_set_string(&s[1]->prov.note, NULL);
	snapshot_set_string(&s[1]->prov.source_path, NULL);
	s[2]->files = 0;
	ok(!write_file(path, false, s, 3, &d), "three appends to a new file: %s", d.msg);
	rc = snapfile_open(path, false, &f, &d);
	ok(!rc && !snapfile_list(f, &list, &nr, &d) && nr == 3 &&
	   list[0].id == 1 && list[1].id == 2 && list[2].id == 3 &&
	   list[0].step == 42 && list[1].step == -1 && list[2].step == 44 &&
	   !strcmp(list[2].kernel, "6.12.5") && list[2].era == 'C' &&
	   !strcmp(list[0].source_kind, "sim") &&
	   !strcmp(list[0].created, "2026-01-02T03:04:05Z"),
	   "snapfile_list: ids 1..3 with their steps");
	if (!rc)
		free(list);
	for (i = 0; !rc && i < 3; i++) {
		back = NULL;
		ok(!snapfile_read(f, (int64_t)i + 1, &back, &d) &&
		   same(s[i], back, (int64_t)i + 1), "snapshot %zu of the series reads back equal", i + 1);
		snapshot_free(back);
	}
	back = NULL;
	ok(!rc && !snapfile_read(f, 0, &back, &d) && same(s[2], back, 3),
	   "id 0 is the last snapshot");
	snapshot_free(back);
	ok(!rc && snapfile_read(f, 4, &back, &d) == -ENOENT &&
	   !strcmp(d.rule, "snap-no-snapshot"), "id 4: -ENOENT (%s)", d.msg);
	ok(!rc && snapfile_append(f, s[3], &id, &d) == -EBADF,
	   "a read-only handle refuses to append");
	if (!rc)
		snapfile_close(f);

	rc = snapfile_open(path, true, &f, &d);
	ok(!rc && !snapfile_append(f, s[3], &id, &d) && id == 4,
	   "append to the existing file: id 4 (%s)", d.msg);
	ok(!rc && !snapfile_commit(f, &d), "commit an opened file");
	back = read_file(path, 0, &rc, &d);
	ok(back && same(s[3], back, 4), "the appended snapshot reads back as the last");
	snapshot_free(back);
	back = read_file(path, 2, &rc, &d);
	ok(back && same(s[1], back, 2), "the ones before it are untouched");
	snapshot_free(back);
	ok(count_entries(NULL) == 2, "no journal or temporary left beside the file");
	for (i = 0; i < 4; i++)
		snapshot_free(s[i]);
	unlink(path);
}

static void test_counters(void)
{
	static const struct snapfile_counter c[] = {
		{ 4, "swpout", 12345 },
		{ 0, "swpout", 99 },
		{ 4, "swpout_fallback", 7 },
		{ 9, "swpout_fallback", (uint64_t)INT64_MAX },
	};
	struct snapshot *s = make_snapshot(0);
	struct snapfile_counter *back, dup[2] = { c[0], c[0] };
	struct snapfile *f;
	char path[PATH_MAX];
	struct diag d;
	size_t nr = 0;
	int64_t id;
	int rc;

	path_in(path, "counters.db");
	rc = snapfile_create(path, false, &f, &d);
	ok(!rc && !snapfile_append_counters(f, s, c, 4, &id, &d) && id == 1,
	   "append with counters: %s", d.msg);
	ok(!rc && snapfile_append_counters(f, s, dup, 2, &id, &d) == -EINVAL &&
	   !strcmp(d.rule, "snap-counter-duplicate"), "a counter given twice: %s", d.msg);
	ok(!rc && !snapfile_append(f, s, &id, &d) && id == 2,
	   "a refused append leaves the new file usable");
	ok(!rc && !snapfile_commit(f, &d), "commit");
	rc = snapfile_open(path, false, &f, &d);
	ok(!rc && !snapfile_read_counters(f, 1, &back, &nr, &d) && nr == 4 &&
	   back[0].order == 0 && !strcmp(back[1].name, "swpout") && back[1].value == 12345 &&
	   !strcmp(back[2].name, "swpout_fallback") && back[2].order == 4 &&
	   back[3].value == (uint64_t)INT64_MAX,
	   "counters read back sorted by order and name");
	if (nr)
		free(back);
	ok(!rc && !snapfile_read_counters(f, 0, &back, &nr, &d) && nr == 0 && !back,
	   "the last snapshot has none");
	if (!rc)
		snapfile_close(f);
	snapshot_free(s);
	unlink(path);
}

static void test_lifecycle(void)
{
	struct snapshot *s = make_snapshot(0), *back;
	struct snapfile *f;
	char path[PATH_MAX];
	struct diag d;
	int rc;

	path_in(path, "never.db");
	rc = snapfile_create(path, false, &f, &d);
	ok(!rc && count_entries("good.db") == 1, "while building, a temporary exists");
	if (!rc) {
		snapfile_append(f, s, NULL, &d);
		snapfile_close(f);
	}
	ok(access(path, F_OK) && count_entries("good.db") == 0,
	   "close without commit: no file and no temporary");

	ok(snapfile_create(good, false, &f, &d) == -EEXIST, "an existing file: -EEXIST");
	path_in(path, "precious.txt");
	put_text(path, "precious\n");
	ok(snapfile_create(path, false, &f, &d) == -EEXIST, "an existing text file: -EEXIST");
	ok(!write_file(path, true, &s, 1, &d) && snapfile_probe(path),
	   "replace: the text file becomes a snapshot file");
	back = read_file(path, 0, &rc, &d);
	ok(back && same(s, back, 1), "and reads back");
	snapshot_free(back);
	unlink(path);

	snapshot_set_string(&s->prov.source_kind, "guess");
	rc = snapfile_create(path, false, &f, &d);
	ok(!rc && snapfile_append(f, s, NULL, &d) == -EINVAL &&
	   !strcmp(d.rule, "snap-source-kind"), "a snapshot that cannot be stored is refused: %s",
	   d.msg);
	if (!rc)
		snapfile_close(f);
	snapshot_set_string(&s->prov.source_kind, "dump");
	snapshot_add_folio(s, 4000, 0, 0, "dirty");
	rc = snapfile_create(path, false, &f, &d);
	ok(!rc && snapfile_append(f, s, NULL, &d) == -EINVAL &&
	   !strcmp(d.rule, "snap-folio-flags"), "a known flag among the others: %s", d.msg);
	if (!rc)
		snapfile_close(f);
	ok(count_entries("good.db") == 0, "nothing left behind");
	snapshot_free(s);
}

static void test_probe(void)
{
	char path[PATH_MAX], dump[PATH_MAX];
	struct snapfile *f;
	struct diag d;

	snprintf(dump, sizeof(dump), "%s/dumps/era-A", fixtures);
	if (access(dump, F_OK))
		snprintf(dump, sizeof(dump), "%s", dir);
	ok(!snapfile_probe(dump), "a dump directory is not a snapshot file");
	path_in(path, "notes.txt");
	put_text(path, "hello\n");
	ok(!snapfile_probe(path), "a text file is not");
	ok(snapfile_open(path, false, &f, &d) == -EINVAL && !strcmp(d.rule, "snap-sqlite"),
	   "opening it: %s", d.msg);
	put_text(path, "");
	ok(!snapfile_probe(path), "an empty file is not");
	ok(snapfile_open(path, false, &f, &d) == -EINVAL && !strcmp(d.rule, "snap-app-id"),
	   "opening it: %s", d.msg);
	unlink(path);
	ok(!snapfile_probe(path), "a missing file is not");
	ok(snapfile_open(path, false, &f, &d) == -ENOENT, "opening it: -ENOENT");
	path_in(path, "other.db");
	sql(path, "CREATE TABLE t(x)");
	ok(!snapfile_probe(path) && snapfile_open(path, false, &f, &d) == -EINVAL &&
	   !strcmp(d.rule, "snap-app-id"), "another program's database: %s", d.msg);
	unlink(path);
}

/* ---- hand edits that break the file ---- */

static char bad[PATH_MAX];

static void expect_bad(const char *what, const char *rule)
{
	struct snapshot *s;
	struct diag d;
	int rc;

	s = read_file(bad, 0, &rc, &d);
	snapshot_free(s);
	ok(rc == -EINVAL && !strcmp(d.rule, rule) && strstr(d.msg, bad),
	   "%s: [%s] %s", what, rule, d.msg);
	copy_file(good, bad);
}

static void edit(const char *what, const char *text, const char *rule)
{
	if (sql(bad, text))
		ok(0, "%s: the SQL failed", what);
	else
		expect_bad(what, rule);
}

static void test_edits(void)
{
	char huge[1024];
	int fd;

	path_in(bad, "bad.db");
	copy_file(good, bad);
	edit("wrong user_version", "PRAGMA user_version = 2", "snap-version");
	edit("foreign application_id", "PRAGMA application_id = 7", "snap-app-id");
	edit("missing table", "DROP TABLE runs", "snap-schema");
	edit("renamed column", "ALTER TABLE folios RENAME COLUMN flags TO flag", "snap-schema");
	edit("format in meta", "UPDATE meta SET value = 'swapfs-snapshot 2' WHERE key = 'format'",
	     "snap-meta");
	edit("blob of the wrong size",
	     "UPDATE slots SET data = substr(data, 1, 1000) WHERE cluster = 0", "snap-slots-size");
	edit("text where a blob belongs", "UPDATE slots SET data = 'abc' WHERE cluster = 2",
	     "snap-type");
	patch_word(bad, 0, 30, 0x0801);
	expect_bad("reserved bit 11 set in a blob", "snap-slots-bits");
	patch_word(bad, 0, 40, SNAPSHOT_SLOT_BAD | 3);
	expect_bad("a bad slot with references", "snap-slots-word");
	patch_word(bad, 0, 400, SNAPSHOT_SLOT_ZERO);
	expect_bad("the zero bit on a free slot", "snap-slots-word");
	patch_word(bad, 0, 41, SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP | 1);
	expect_bad("zero and zswap on one slot", "snap-slots-word");
	patch_word(bad, 9, 391, 0xf010);
	expect_bad("run bits in the last word of the partial cluster", "snap-slots-bits");
	edit("count 127 without a counts row", "DELETE FROM counts WHERE slot = 5",
	     "snap-count-missing");
	edit("a counts row for a slot whose word is not 127",
	     "INSERT INTO counts VALUES (1, 30, 500)", "snap-counts-word");
	edit("a counts row of 126 or less", "UPDATE counts SET count = 100 WHERE slot = 5",
	     "snap-counts-value");
	edit("a negative slot", "UPDATE counts SET slot = -5 WHERE slot = 5", "snap-counts-slot");
	edit("1-byte blob of the wrong size",
	     "UPDATE slots SET data = substr(data, 1, 511) WHERE cluster = 1", "snap-slots-size");
	patch_byte(bad, 1, 50, 0x23);
	expect_bad("1-byte form: a bad slot with references", "snap-slots-word");
	patch_byte(bad, 3, 0, 0x40);
	expect_bad("1-byte form: the zero bit on a free slot (a NULL blob made one)",
		   "snap-slots-word");
	patch_byte(bad, 2, 9, 0xc1);
	expect_bad("1-byte form: zero and zswap on one slot", "snap-slots-word");
	patch_byte(bad, 4, 17, 0xa0);
	expect_bad("1-byte form: zswap on a bad slot", "snap-slots-word");
	edit("overlapping runs in one blob",
	     "UPDATE runs SET data = X'0200000010000000' WHERE cluster = 4", "snap-run-overlap");
	edit("a run starting inside the run that crosses from the cluster before",
	     "UPDATE runs SET data = X'20000000' WHERE cluster = 2", "snap-run-overlap");
	edit("runs not ascending", "UPDATE runs SET data = X'1000000000000000' WHERE cluster = 4",
	     "snap-run-sorted");
	edit("the same run twice", "UPDATE runs SET data = CAST(data || data AS BLOB) WHERE cluster = 5",
	     "snap-run-sorted");
	edit("a run slot past the cluster", "UPDATE runs SET data = X'00200000' WHERE cluster = 4",
	     "snap-run-range");
	edit("a run slot past max in the last cluster",
	     "UPDATE runs SET data = X'80180000' WHERE cluster = 9", "snap-run-range");
	edit("a run ending past max", "UPDATE runs SET data = X'63180000' WHERE cluster = 9",
	     "snap-run-range");
	edit("run order out of range", "UPDATE runs SET data = X'0A000000' WHERE cluster = 5",
	     "snap-run-order");
	edit("a runs blob not a multiple of 4",
	     "UPDATE runs SET data = substr(data, 1, 5) WHERE cluster = 1", "snap-run-size");
	edit("an empty runs blob", "UPDATE runs SET data = X'' WHERE cluster = 1",
	     "snap-run-size");
	edit("text where a runs blob belongs", "UPDATE runs SET data = 'abcd' WHERE cluster = 2",
	     "snap-type");
	edit("a runs row past the last cluster", "UPDATE runs SET cluster = 10 WHERE cluster = 9",
	     "snap-run-cluster");
	edit("a runs row with a negative cluster", "UPDATE runs SET cluster = -1 WHERE cluster = 1",
	     "snap-run-cluster");
	edit("overlapping folios", "INSERT INTO folios VALUES (1, 513, 0, '')",
	     "snap-folio-overlap");
	edit("folio order negative", "UPDATE folios SET ord = -1 WHERE offset = 10",
	     "snap-folio-order");
	edit("folio flags out of order", "UPDATE folios SET flags = 'dirty,locked' WHERE offset = 512",
	     "snap-folio-flags");
	edit("folio flags with an empty name", "UPDATE folios SET flags = 'dirty,,x' WHERE offset = 512",
	     "snap-folio-flags");
	edit("a cluster row missing", "DELETE FROM clusters WHERE idx = 4", "snap-cluster-rows");
	edit("a cluster idx past the last", "UPDATE clusters SET idx = 10 WHERE idx = 9",
	     "snap-cluster-idx");
	edit("an unknown cluster flag", "UPDATE clusters SET flags = 'bogus' WHERE idx = 1",
	     "snap-cluster-flags");
	edit("cluster order out of range", "UPDATE clusters SET ord = 10 WHERE idx = 1",
	     "snap-cluster-order");
	edit("cluster count above cluster_size", "UPDATE clusters SET count = 513 WHERE idx = 1",
	     "snap-cluster-count");
	edit("text where an integer belongs", "UPDATE clusters SET count = 'many' WHERE idx = 2",
	     "snap-type");
	edit("a real number where an integer belongs",
	     "UPDATE clusters SET count = 1.5 WHERE idx = 2", "snap-type");
	edit("max huge with no slots rows",
	     "UPDATE snapshots SET max = 4294967295, cluster_size = 16384, nr_orders = 15;"
	     " UPDATE info SET value = '4294967295' WHERE key = 'max';"
	     " UPDATE info SET value = '16384' WHERE key = 'cluster_size';"
	     " UPDATE info SET value = '15' WHERE key = 'nr_orders';"
	     " DELETE FROM clusters;"
	     " INSERT INTO clusters WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL"
	     "  SELECT i + 1 FROM c WHERE i < 262143) SELECT 1, i, 0, 'free', 0 FROM c",
	     "snap-slots-rows");
	edit("max huge in both places, nothing else",
	     "UPDATE snapshots SET max = 4294967295;"
	     " UPDATE info SET value = '4294967295' WHERE key = 'max'", "snap-cluster-rows");
	edit("a slots row missing", "DELETE FROM slots WHERE cluster = 3", "snap-slots-rows");
	edit("an info key invalid", "UPDATE info SET value = '3000' WHERE key = 'page_size'",
	     "info-page-size");
	edit("a required info key missing",
	     "DELETE FROM info WHERE key = 'kernel';"
	     " UPDATE info SET pos = pos + 1000 WHERE pos > 1;"
	     " UPDATE info SET pos = pos - 1001 WHERE pos > 1000", "info-missing");
	edit("an info pos gap", "UPDATE info SET pos = 50 WHERE key = 'vendor.note'",
	     "snap-info-pos");
	edit("an info key twice", "UPDATE info SET key = 'kernel' WHERE key = 'vendor.note'",
	     "snap-info-duplicate");
	edit("info and snapshots disagree", "UPDATE snapshots SET page_size = 8192",
	     "snap-info-mismatch");
	edit("an invalid era", "UPDATE snapshots SET era = 'Z'", "snap-era");
	edit("page size not a power of two", "UPDATE snapshots SET page_size = 5000",
	     "snap-page-size");
	edit("an unknown files name", "UPDATE snapshots SET files = 'cache,bogus'", "snap-files");
	edit("a negative step", "UPDATE snapshots SET step = -3", "snap-step");
	edit("created not a UTC time", "UPDATE snapshots SET created = 'yesterday'",
	     "snap-created");
	edit("an unknown source kind", "UPDATE snapshots SET source_kind = 'guess'",
	     "snap-source-kind");
	edit("shmem on a slot whose count is not 1", "INSERT INTO shmem VALUES (1, 30)",
	     "snap-shmem-count");
	edit("a next hint given twice", "INSERT INTO next VALUES (1, 4, 0, 0, 7)",
	     "snap-next-duplicate");
	edit("a next pos gap", "UPDATE next SET pos = 9 WHERE pos = 3", "snap-next-pos");
	edit("a next offset past max", "UPDATE next SET offset = 5000 WHERE pos = 0",
	     "snap-next-offset");

	/* bytes, not rows: SQLite itself finds the damage */
	fd = open(bad, O_WRONLY);
	memset(huge, 0xa5, sizeof(huge));
	if (pwrite(fd, huge, sizeof(huge), 2 * 65536) != (ssize_t)sizeof(huge))
		ok(0, "corrupting a page");
	close(fd);
	expect_bad("a damaged b-tree page", "snap-sqlite");
	unlink(bad);
}

/* ---- big files: read by two threads ---- */

/*
 * 9000 clusters of 16 slots: past the size at which snapfile_read()
 * splits the slots and runs tables between two threads at cluster 4500
 * (slot 72000). Runs on both sides, one crossing the split, NULL rows,
 * 2-byte blobs and big counts in both halves.
 */
#define BIG_CLUSTERS	9000u
#define BIG_MID_SLOT	(BIG_CLUSTERS / 2 * 16)

static struct snapshot *make_big(void)
{
	static const char *const info[][2] = {
		{ "format", "swapfs-dump 1" }, { "kernel", "7.1.0" },
		{ "page_size", "4096" }, { "cluster_size", "16" },
		{ "max", "144000" },
	};
	struct snapshot *s = snapshot_new();
	struct info_error e;
	uint32_t i, clash;
	size_t k;

	for (k = 0; k < sizeof(info) / sizeof(info[0]); k++)
		snapshot_info_add(s, info[k][0], info[k][1]);
	if (info_apply(s, &e) || snapshot_set_geometry(s, 144000, 16)) {
		fprintf(stderr, "# make_big: %s\n", e.why);
		exit(99);
	}
	snapshot_set_string(&s->prov.source_kind, "sim");
	snapshot_set_string(&s->prov.source_path, "/tmp/big");
	snapshot_set_string(&s->prov.created, "2026-01-02T03:04:05Z");
	s->files = SNAPSHOT_HAS_ORDERS;
	for (i = 1; i < s->dev.max; i++)
		if ((i / 16) % 7 != 3)		/* every 7th cluster stays empty */
			snapshot_set_count(s, i, 1 + i % 3);
	snapshot_set_count(s, 1000, 300);		/* big, first half */
	snapshot_set_count(s, BIG_MID_SLOT + 40, 20);	/* 2-byte blob, second half */
	snapshot_set_count(s, 140000, 70000);		/* big, second half */
	s->slots[BIG_MID_SLOT + 8] |= SNAPSHOT_SLOT_CACHED;
	for (i = 16; i < s->dev.max - 16; i += 64)
		if ((i / 16) % 7 != 3 && (i / 16 + 1) % 7 != 3)
			add_run(s, i, 2);
	add_run(s, BIG_MID_SLOT - 4, 3);	/* crosses the split */
	add_run(s, BIG_MID_SLOT + 4, 2);	/* the second half's first run */
	for (i = 0; i < s->dev.nr_clusters; i++) {
		s->clusters[i].count = i % 7 == 3 ? 0 : 16;
		s->clusters[i].flags = i % 7 == 3 ? SNAPSHOT_CLUSTER_FREE :
						    SNAPSHOT_CLUSTER_FULL;
	}
	s->clusters[0].count = 16;
	if (snapshot_finish(s, &clash))
		exit(99);
	return s;
}

static void expect_big_bad(const char *what, const char *text, const char *rule,
			   const char *where)
{
	struct snapshot *s;
	struct diag d;
	int rc;

	copy_file(good, bad);
	sql(bad, text);
	s = read_file(bad, 0, &rc, &d);
	snapshot_free(s);
	ok(rc == -EINVAL && !strcmp(d.rule, rule) && strstr(d.msg, where),
	   "big file, %s: [%s] %s", what, rule, d.msg);
}

static void test_split(void)
{
	struct snapshot *s = make_big(), *back;
	char saved[PATH_MAX];
	struct diag d;
	int rc;

	strcpy(saved, good);
	path_in(good, "big.db");
	path_in(bad, "big-bad.db");
	rc = write_file(good, false, &s, 1, &d);
	ok(!rc, "a file of %u clusters is written: %s", BIG_CLUSTERS, d.msg);
	back = read_file(good, 0, &rc, &d);
	ok(!rc && back && same(s, back, 1),
	   "read back by two threads, it is the same snapshot (run across the split included) %s",
	   d.msg);
	snapshot_free(back);

	/* rowids out of cluster order: the canonical reading, same result */
	copy_file(good, bad);
	sql(bad, "UPDATE slots SET rowid = rowid + 1000000 WHERE cluster = 4600;"
		 "UPDATE runs SET rowid = rowid + 1000000 WHERE cluster = 100");
	back = read_file(bad, 0, &rc, &d);
	ok(!rc && back && same(s, back, 1),
	   "rows moved out of rowid order are still read right %s", d.msg);
	snapshot_free(back);

	/* errors are the canonical ones, whichever half they are in */
	expect_big_bad("a short blob in the first half",
		       "UPDATE slots SET data = X'0102' WHERE cluster = 100",
		       "snap-slots-size", "cluster=100");
	expect_big_bad("a short blob in the second half",
		       "UPDATE slots SET data = X'0102' WHERE cluster = 8000",
		       "snap-slots-size", "cluster=8000");
	expect_big_bad("a run inside the run that crosses the split",
		       "UPDATE runs SET data = X'20000000' WHERE cluster = 4500",
		       "snap-run-overlap", "cluster=4500");
	expect_big_bad("a missing slots row in the second half",
		       "DELETE FROM slots WHERE cluster = 8999",
		       "snap-slots-rows", "slots");
	unlink(bad);
	unlink(good);
	strcpy(good, saved);
	snapshot_free(s);
}

int main(int argc, char **argv)
{
	fixtures = argc > 1 ? argv[1] : ".";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	path_in(good, "good.db");
	test_round_trip();
	test_empty_text();
	test_series();
	test_counters();
	test_lifecycle();
	test_probe();
	test_edits();
	test_split();
	unlink(good);
	rmdir(dir);
	return tap_done();
}
