// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-snapedit.c - edits of a loaded model (snapedit.h) and the
 * incremental analysis behind them (analysis_update_cluster()):
 *  - values: the rules, exact messages, and a refused edit changes
 *    nothing (snapshot, analysis, journal, dirty state);
 *  - slot semantics: the counts table, ci->count, runs, shmem, eras;
 *  - the invariant: after each of thousands of random edits on several
 *    sources (a simulated device, the era dumps A..G, the findings
 *    fixtures, hand-made devices with shmem slots, a run of an order
 *    past nr_orders, era-B next hints, vm_swap_full() flipping), the
 *    updated analysis equals a fresh analysis_run() field for field;
 *  - saving: replace and append, read back equal, a second batch, the
 *    journal replayed on a fresh load, rowid order for the split reader,
 *    an SQLite failure injected mid-transaction, refusals, and SIGKILL of
 *    a child in the middle of saves.
 *
 * Usage: test-snapedit FIXTURES_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <swapfs/analysis.h>
#include <swapfs/diag.h>
#include <swapfs/dump.h>
#include <swapfs/sim.h>
#include <swapfs/snapedit.h>
#include <swapfs/snapfile.h>
#include <swapfs/snapshot.h>
#include <swapfs/workload.h>

#include "devbuild.h"
#include "tap.h"

#define SNAPEDIT_MARKS	(SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD | \
			 SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)

static char tmpdir[] = "/tmp/test-snapedit-XXXXXX";
static const char *fixtures;

/* ---- randomness ------------------------------------------------------------- */

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 16);
}

/* ---- files ------------------------------------------------------------------ */

static void tmp_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0)
		abort();
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			abort();
	close(in);
	close(out);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

/* Snapshot @id of @path, read as the mount would; NULL (and why) if not. */
static struct snapshot *read_snap(const char *path, int64_t id, bool writable)
{
	struct snapfile *f;
	struct snapshot *s = NULL;
	struct diag d;

	if (snapfile_open(path, writable, &f, &d)) {
		printf("# open %s: %s\n", path, d.msg);
		return NULL;
	}
	if (snapfile_read(f, id, &s, &d))
		printf("# read %s: %s\n", path, d.msg);
	snapfile_close(f);
	return s;
}

static void write_snap(const char *path, const struct snapshot *s)
{
	struct snapfile *f;
	struct diag d;

	if (snapfile_create(path, true, &f, &d) || snapfile_append(f, s, NULL, &d) ||
	    snapfile_commit(f, &d)) {
		printf("# write %s: %s\n", path, d.msg);
		abort();
	}
}

static size_t snap_count(const char *path)
{
	struct snapfile_entry *list;
	struct snapfile *f;
	struct diag d;
	size_t nr = 0;

	if (snapfile_open(path, false, &f, &d))
		return 0;
	if (!snapfile_list(f, &list, &nr, &d))
		free(list);
	snapfile_close(f);
	return nr;
}

static struct analysis *analyse(const struct snapshot *s)
{
	struct analysis *a;

	if (analysis_run(s, ANALYSIS_ALL_CHECKS, NULL, NULL, &a))
		abort();
	return a;
}

/* ---- comparing ---------------------------------------------------------------- */

static const struct {
	const char *name;
	size_t off;
} totals_fields[] = {
	{ "slots_used", offsetof(struct analysis_totals, slots_used) },
	{ "slots_free", offsetof(struct analysis_totals, slots_free) },
	{ "slots_cached", offsetof(struct analysis_totals, slots_cached) },
	{ "slots_cache_only", offsetof(struct analysis_totals, slots_cache_only) },
	{ "slots_bad", offsetof(struct analysis_totals, slots_bad) },
	{ "slots_zero", offsetof(struct analysis_totals, slots_zero) },
	{ "slots_zswap", offsetof(struct analysis_totals, slots_zswap) },
};

/*
 * Field for field: totals, every order, every cluster summary, every
 * order_runs entry. *@why says where they differ first.
 */
static bool analysis_same(const struct analysis *x, const struct analysis *y,
			  char *why, size_t len)
{
	const struct snapshot_device *dev = &x->snap->dev;
	const struct analysis_totals *tx = &x->totals, *ty = &y->totals;
	size_t i, n;
	unsigned int k, c;

	for (i = 0; i < sizeof(totals_fields) / sizeof(totals_fields[0]); i++) {
		uint64_t a, b;

		memcpy(&a, (const char *)tx + totals_fields[i].off, sizeof(a));
		memcpy(&b, (const char *)ty + totals_fields[i].off, sizeof(b));
		if (a != b) {
			snprintf(why, len, "totals.%s %" PRIu64 " vs %" PRIu64,
				 totals_fields[i].name, a, b);
			return false;
		}
	}
	for (c = 0; c < SNAPSHOT_CLUSTER_NR_FLAGS; c++)
		if (tx->clusters[c] != ty->clusters[c]) {
			snprintf(why, len, "totals.clusters[%u] %" PRIu64 " vs %" PRIu64,
				 c, tx->clusters[c], ty->clusters[c]);
			return false;
		}
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		if (tx->findings[c] != ty->findings[c]) {
			snprintf(why, len, "totals.findings[%s] %" PRIu64 " vs %" PRIu64,
				 analysis_check_name(c), tx->findings[c], ty->findings[c]);
			return false;
		}
	for (c = 0; c < 3; c++)
		if (tx->by_severity[c] != ty->by_severity[c]) {
			snprintf(why, len, "totals.by_severity[%u]", c);
			return false;
		}
	if (tx->vm_swap_full != ty->vm_swap_full) {
		snprintf(why, len, "totals.vm_swap_full %d vs %d", tx->vm_swap_full,
			 ty->vm_swap_full);
		return false;
	}
	for (k = 0; k <= SNAPSHOT_MAX_ORDER; k++) {
		const struct analysis_order *ox = &x->orders[k], *oy = &y->orders[k];

		if (memcmp(ox, oy, sizeof(*ox))) {
			snprintf(why, len, "orders[%u]: runs %" PRIu64 "/%" PRIu64
				 " folios %" PRIu64 "/%" PRIu64 " allocatable %" PRIu64
				 "/%" PRIu64 " (or clusters by flag)", k, ox->runs,
				 oy->runs, ox->folios, oy->folios, ox->allocatable,
				 oy->allocatable);
			return false;
		}
	}
	for (i = 0; i < dev->nr_clusters; i++)
		if (memcmp(&x->clusters[i], &y->clusters[i], sizeof(x->clusters[i]))) {
			snprintf(why, len, "clusters[%zu] (used %u/%u free %u/%u findings...)",
				 i, x->clusters[i].used, y->clusters[i].used,
				 x->clusters[i].free, y->clusters[i].free);
			return false;
		}
	n = (size_t)dev->nr_clusters * dev->nr_orders;
	for (i = 0; i < n; i++)
		if (x->order_runs[i] != y->order_runs[i]) {
			snprintf(why, len, "order_runs[cluster %zu, order %zu] %u vs %u",
				 i / dev->nr_orders, i % dev->nr_orders,
				 x->order_runs[i], y->order_runs[i]);
			return false;
		}
	return true;
}

/* The incrementally kept @a against a fresh pass over its snapshot. */
static bool analysis_fresh(const struct analysis *a, char *why, size_t len)
{
	struct analysis *f = analyse(a->snap);
	bool same = analysis_same(a, f, why, len);

	analysis_free(f);
	return same;
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * Everything a snapshot file keeps, field for field (@note: the note
 * too). *@why says where they differ first.
 */
static bool snap_same(const struct snapshot *x, const struct snapshot *y,
		      bool note, char *why, size_t len)
{
	const struct snapshot_device *a = &x->dev, *b = &y->dev;
	uint32_t i;
	size_t j;

	if (a->max != b->max || a->cluster_size != b->cluster_size ||
	    a->nr_orders != b->nr_orders || a->era != b->era ||
	    a->page_size != b->page_size || !str_same(a->kernel, b->kernel)) {
		snprintf(why, len, "device");
		return false;
	}
	if (!str_same(x->prov.source_kind, y->prov.source_kind) ||
	    !str_same(x->prov.source_path, y->prov.source_path) ||
	    !str_same(x->prov.created, y->prov.created) ||
	    x->prov.step != y->prov.step || x->files != y->files) {
		snprintf(why, len, "provenance");
		return false;
	}
	if (note && !str_same(x->prov.note, y->prov.note)) {
		snprintf(why, len, "note '%s' vs '%s'", x->prov.note ? x->prov.note : "",
			 y->prov.note ? y->prov.note : "");
		return false;
	}
	if (x->nr_info != y->nr_info) {
		snprintf(why, len, "info rows");
		return false;
	}
	for (j = 0; j < x->nr_info; j++)
		if (strcmp(x->info[j].key, y->info[j].key) ||
		    strcmp(x->info[j].value, y->info[j].value)) {
			snprintf(why, len, "info %s", x->info[j].key);
			return false;
		}
	for (i = 0; i < a->max; i++)
		if (x->slots[i] != y->slots[i]) {
			snprintf(why, len, "slot %u: 0x%04x vs 0x%04x", i, x->slots[i],
				 y->slots[i]);
			return false;
		}
	for (i = 0; i < a->nr_clusters; i++)
		if (memcmp(&x->clusters[i], &y->clusters[i], sizeof(x->clusters[i]))) {
			snprintf(why, len, "cluster %u: count %u/%u flags %u/%u order %u/%u",
				 i, x->clusters[i].count, y->clusters[i].count,
				 x->clusters[i].flags, y->clusters[i].flags,
				 x->clusters[i].order, y->clusters[i].order);
			return false;
		}
	if (x->nr_counts != y->nr_counts ||
	    (x->nr_counts && memcmp(x->counts, y->counts,
				    x->nr_counts * sizeof(*x->counts)))) {
		snprintf(why, len, "counts (%zu vs %zu)", x->nr_counts, y->nr_counts);
		return false;
	}
	if (x->nr_shmem != y->nr_shmem ||
	    (x->nr_shmem && memcmp(x->shmem, y->shmem, x->nr_shmem * sizeof(*x->shmem)))) {
		snprintf(why, len, "shmem (%zu vs %zu)", x->nr_shmem, y->nr_shmem);
		return false;
	}
	if (x->nr_folios != y->nr_folios) {
		snprintf(why, len, "folios");
		return false;
	}
	for (j = 0; j < x->nr_folios; j++)
		if (x->folios[j].offset != y->folios[j].offset ||
		    x->folios[j].order != y->folios[j].order ||
		    x->folios[j].flags != y->folios[j].flags ||
		    strcmp(snapshot_folio_extra(x, &x->folios[j]),
			   snapshot_folio_extra(y, &y->folios[j]))) {
			snprintf(why, len, "folio %zu", j);
			return false;
		}
	if (x->nr_next != y->nr_next ||
	    (x->nr_next && memcmp(x->next, y->next, x->nr_next * sizeof(*x->next)))) {
		snprintf(why, len, "next");
		return false;
	}
	return true;
}

/* What a refused edit must leave alone: the model's bytes. */
static uint64_t snap_digest(const struct snapshot *s)
{
	uint64_t h = 14695981039346656037ull;
	const unsigned char *p;
	size_t i, n;

	p = (const unsigned char *)s->slots;
	for (i = 0, n = (size_t)s->dev.max * 2; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	p = (const unsigned char *)s->clusters;
	for (i = 0, n = (size_t)s->dev.nr_clusters * sizeof(*s->clusters); i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	p = (const unsigned char *)s->counts;
	for (i = 0, n = s->nr_counts * sizeof(*s->counts); i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	p = (const unsigned char *)s->shmem;
	for (i = 0, n = s->nr_shmem * sizeof(*s->shmem); i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h ^ s->nr_counts ^ (s->nr_shmem << 32);
}

/* ---- sources ------------------------------------------------------------------ */

static struct snapshot *load_dump(const char *sub)
{
	char path[4096];
	struct snapshot *s = NULL;
	struct diag d;

	snprintf(path, sizeof(path), "%s/%s", fixtures, sub);
	if (dump_load(path, &s, &d)) {
		printf("# %s: %s\n", path, d.msg);
		return NULL;
	}
	return s;
}

/*
 * A simulated device after a random workload, a few folios left in the
 * swap cache and some zswap slots, stored in @path as snapshot 1.
 */
static void sim_file(const char *path, uint32_t slots, uint32_t cs,
		     const char *spec)
{
	struct sim_config cfg;
	const struct snapshot *ss;
	struct workload *w;
	struct sim *sim;
	struct diag d;
	uint32_t offs[16];
	unsigned int i, nr;

	sim_config_default(&cfg, slots);
	cfg.cluster_size = cs;
	cfg.cpus = 4;
	if (sim_new(&cfg, NULL, 0, &sim, &d) || workload_builtin(spec, &w, &d) ||
	    workload_run(w, sim, 7, NULL, &d)) {
		printf("# sim: %s\n", d.msg);
		abort();
	}
	for (i = 0; i < 24; i++)
		if (!sim_swap_out(sim, i % 4, i % 3, 1 + i % 2, true, offs, &nr) &&
		    i % 3 == 0)
			sim_set_zswap(sim, offs[0], 1, true);
	if (sim_snapshot(sim, &ss))
		abort();
	write_snap(path, ss);
	workload_free(w);
	sim_free(sim);
}

/* Every cluster's count from its slots, and a list that fits it. */
static void settle(struct snapshot *s)
{
	uint32_t ci, i;

	for (ci = 0; ci < s->dev.nr_clusters; ci++) {
		struct snapshot_cluster *c = &s->clusters[ci];
		uint32_t n = snapshot_cluster_tail(s, ci);

		for (i = snapshot_cluster_first(s, ci); i < snapshot_cluster_end(s, ci); i++)
			n += !snapshot_slot_free(s->slots[i]);
		c->count = (uint16_t)n;
		if (s->dev.era <= 'B')
			c->flags = n ? SNAPSHOT_CLUSTER_NONE : SNAPSHOT_CLUSTER_FREE;
		else
			c->flags = !n ? SNAPSHOT_CLUSTER_FREE :
				   n == s->dev.cluster_size ? SNAPSHOT_CLUSTER_FULL :
				   SNAPSHOT_CLUSTER_FRAG;
	}
}

/*
 * Era D, 16-slot clusters, orders 0..2 of PMD order 4 (so a run of order
 * 3 or 4 is one order_runs has no column for), half full so that edits
 * flip vm_swap_full() (no pages or inuse_pages given), shmem slots, big
 * counts, folios, runs that cross a cluster.
 */
static struct snapshot *hand_d(void)
{
	struct snapshot *s = dev_new(250, 16, 3, 'D');
	uint32_t i;

	for (i = 1; i < 250; i++)
		if (rnd() % 2)
			snapshot_set_count(s, i, 1 + rnd() % 3);
	snapshot_set_count(s, 7, 300);
	snapshot_set_count(s, 8, 70000);
	for (i = 20; i < 30; i += 3) {
		snapshot_set_count(s, i, 1);
		snapshot_add_shmem(s, i);
	}
	s->slots[40] |= SNAPSHOT_SLOT_CACHED;
	snapshot_set_count(s, 41, 0);
	s->slots[41] |= SNAPSHOT_SLOT_CACHED;
	snapshot_add_folio(s, 40, 1, SNAPSHOT_FOLIO_UPTODATE, NULL);
	snapshot_add_folio(s, 62, 2, SNAPSHOT_FOLIO_DIRTY, "odd_flag");
	snapshot_add_run(s, 30, 2, NULL);	/* crosses into cluster 2 */
	snapshot_add_run(s, 64, 4, NULL);	/* order 4 >= nr_orders */
	snapshot_add_run(s, 100, 1, NULL);
	snapshot_add_run(s, 15, 0, NULL);
	snapshot_set_count(s, 101, 1);
	s->slots[101] |= SNAPSHOT_SLOT_ZSWAP;
	s->slots[130] = SNAPSHOT_SLOT_BAD;
	settle(s);
	s->clusters[4].order = 1;
	if (snapshot_finish(s, NULL))
		abort();
	return s;
}

/* Era B with per-CPU next hints, no pages given: the hint blocks move. */
static struct snapshot *hand_b(void)
{
	struct snapshot *s = dev_new(512, 32, 6, 'B');
	uint32_t i;

	for (i = 1; i < 300; i++)
		if (rnd() % 3 == 0)
			snapshot_set_count(s, i, 1);
	for (i = 0; i < 24; i++)
		snapshot_add_next(s, (int32_t)(i % 4), 1 + i % 5, 1 + rnd() % 511);
	snapshot_add_next(s, SNAPSHOT_NEXT_GLOBAL, 2, 64);
	snapshot_add_run(s, 32, 3, NULL);
	settle(s);
	if (snapshot_finish(s, NULL))
		abort();
	return s;
}

/* ---- random edits ---------------------------------------------------------------- */

static uint32_t pick_slot(const struct snapshot *s)
{
	uint32_t r = rnd() % 100, ci, slot, i;

	if (r < 35) {		/* at a cluster's edge */
		ci = rnd() % s->dev.nr_clusters;
		slot = rnd() % 2 ? snapshot_cluster_first(s, ci) + rnd() % 2 :
				   snapshot_cluster_end(s, ci) - 1 - rnd() % 2;
	} else if (r < 60 && s->nr_folios) {	/* under a folio */
		const struct snapshot_folio *f = &s->folios[rnd() % s->nr_folios];

		slot = f->offset + rnd() % (1u << f->order);
	} else if (r < 80) {	/* in a known run, if one is found */
		slot = rnd() % s->dev.max;
		for (i = 0; i < 30 && !(s->slots[slot] & SNAPSHOT_SLOT_ORDER); i++)
			slot = rnd() % s->dev.max;
	} else {
		slot = rnd() % s->dev.max;
	}
	return slot < s->dev.max ? slot : s->dev.max - 1;
}

static const uint32_t counts[] = {
	0, 0, 0, 1, 1, 1, 2, 3, 15, 16, 126, 127, 128, 1000, 70000, 4294967294u,
};

/* A slot value: some keys, in a random order, some blanks. */
static size_t slot_value(const struct snapshot *s, char *buf, size_t size)
{
	char item[6][40];
	unsigned int n = 0, i, j;
	size_t len = 0;
	bool bad = rnd() % 12 == 0, zero = rnd() % 5 == 0;

	if (rnd() % 2 || bad)
		snprintf(item[n++], sizeof(item[0]), "count=%u",
			 bad && rnd() % 5 ? 0 : counts[rnd() % 16]);
	if (rnd() % 2)
		snprintf(item[n++], sizeof(item[0]), "cached=%u", rnd() % 2);
	if (bad || rnd() % 6 == 0)
		snprintf(item[n++], sizeof(item[0]), "bad=%d", bad);
	if (zero || rnd() % 4 == 0 || bad)
		snprintf(item[n++], sizeof(item[0]), "zero=%d", zero && !bad);
	if (rnd() % 4 == 0 || bad)
		snprintf(item[n++], sizeof(item[0]), "zswap=%d",
			 !zero && !bad && rnd() % 2);
	if (rnd() % 3 == 0) {
		if (rnd() % 5 < 2)
			snprintf(item[n++], sizeof(item[0]), "order=unknown");
		else
			snprintf(item[n++], sizeof(item[0]), "order=%u",
				 rnd() % 3 ? rnd() % 2 : rnd() % s->dev.nr_orders);
	}
	if (!n)
		snprintf(item[n++], sizeof(item[0]), "count=%u", counts[rnd() % 16]);
	for (i = n; i > 1; i--) {	/* any order: the journal sorts them */
		char tmp[40];

		j = rnd() % i;
		memcpy(tmp, item[i - 1], sizeof(tmp));
		memcpy(item[i - 1], item[j], sizeof(tmp));
		memcpy(item[j], tmp, sizeof(tmp));
	}
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? (rnd() % 4 ? " " : " \t ") : "", item[i]);
	if (rnd() % 2)
		len += (size_t)snprintf(buf + len, size - len, "\n");
	return len;
}

static const char *const flag_names[] = {
	"none", "free", "nonfull", "frag", "full", "discard", "bogus",
};

/*
 * One random edit: a cluster's flags or order (now and then a bad value
 * or a cluster that does not exist), mostly a slot. Returns its result.
 */
static int random_edit(struct snapedit *e, const struct snapshot *s,
		       struct diag *d)
{
	uint32_t r = rnd() % 100, ci = rnd() % s->dev.nr_clusters;
	char v[256];
	size_t n;

	if (rnd() % 50 == 0)
		ci = s->dev.nr_clusters + rnd() % 3;
	if (r < 12) {
		const char *name = flag_names[rnd() % 7];

		n = (size_t)snprintf(v, sizeof(v), "%s%s", name, rnd() % 2 ? "\n" : "");
		return snapedit_cluster_flags(e, ci, v, n, d);
	}
	if (r < 20) {
		n = (size_t)snprintf(v, sizeof(v), "%u", rnd() % (s->dev.nr_orders + 1));
		return snapedit_cluster_order(e, ci, v, n, d);
	}
	n = slot_value(s, v, sizeof(v));
	return snapedit_slot(e, pick_slot(s), v, n, d);
}

/* ---- rebase: the same device read again ------------------------------------ */

static bool folio_same(const struct snapshot *x, const struct snapshot_folio *f,
		       const struct snapshot *y)
{
	const struct snapshot_folio *g = snapshot_folio_at(y, f->offset);

	return g && g->offset == f->offset && g->order == f->order &&
	       g->flags == f->flags &&
	       !strcmp(snapshot_folio_extra(x, f), snapshot_folio_extra(y, g));
}

/*
 * The clusters where @x and @y differ, found the plain way: the record,
 * the slot words, the exact counts, shmem, and the cluster where a folio
 * of either that the other lacks starts.
 */
static void rebase_dirty(const struct snapshot *x, const struct snapshot *y,
			 bool *dirty)
{
	uint32_t shift = x->dev.cluster_shift, ci, i;
	size_t j;

	for (ci = 0; ci < x->dev.nr_clusters; ci++) {
		uint32_t first = snapshot_cluster_first(x, ci);
		uint32_t n = snapshot_cluster_end(x, ci) - first;

		dirty[ci] = memcmp(&x->clusters[ci], &y->clusters[ci],
				   sizeof(x->clusters[ci])) ||
			    memcmp(x->slots + first, y->slots + first, n * 2);
	}
	for (i = 0; i < x->dev.max; i++)
		if (snapshot_count(x, i) != snapshot_count(y, i) ||
		    snapshot_is_shmem(x, i) != snapshot_is_shmem(y, i))
			dirty[i >> shift] = true;
	for (j = 0; j < x->nr_folios; j++)
		if (!folio_same(x, &x->folios[j], y))
			dirty[x->folios[j].offset >> shift] = true;
	for (j = 0; j < y->nr_folios; j++)
		if (!folio_same(y, &y->folios[j], x))
			dirty[y->folios[j].offset >> shift] = true;
}

/* Some of what a kernel does between two reads, on the simulator. */
static void rebase_step(struct sim *sim, unsigned int round)
{
	const struct snapshot *s;
	uint32_t offs[16];
	unsigned int i, nr;

	for (i = 0; i < 6 + round; i++)
		sim_swap_out(sim, i % 4, (i + round) % 3, 1, i % 2, offs, &nr);
	if (sim_snapshot(sim, &s))
		abort();
	for (i = 0; i < s->nr_folios && i < 3; i++)
		sim_swap_cache_del_folio(sim, s->folios[i].offset);
	for (i = 0; i < 40; i++) {
		uint32_t slot = rnd() % s->dev.max;

		if (s->slots[slot] & SNAPSHOT_SLOT_COUNT)
			sim_swap_put_entries_direct(sim, slot, 1);
	}
	sim_set_zswap(sim, 1 + rnd() % (s->dev.max - 1), 1, true);
}

/*
 * analysis_rebase(): a series of states of one simulated device, each
 * read back from a file as a view would; the analysis of the first,
 * rebased on each next and updated only where they differ, equals a
 * fresh analysis of it, field for field.
 */
static void test_rebase(void)
{
	struct snapshot *prev, *next, *other;
	struct sim_config cfg;
	struct analysis *a;
	struct workload *w;
	unsigned int round, changed = 0, bad = 0;
	struct sim *sim;
	char path[4096], why[256] = "";
	struct diag d;
	bool *dirty;

	sim_config_default(&cfg, 16384);
	cfg.cluster_size = 64;
	cfg.cpus = 4;
	if (sim_new(&cfg, NULL, 0, &sim, &d) ||
	    workload_builtin("random:orders=0+1+2,fill=60,ops=20000,cpus=4", &w, &d) ||
	    workload_run(w, sim, 3, NULL, &d))
		abort();
	workload_free(w);
	dirty = calloc(16384 / 64, sizeof(*dirty));
	tmp_path(path, sizeof(path), "rebase.db");
	prev = NULL;
	a = NULL;
	for (round = 0; round < 8 && dirty; round++) {
		const struct snapshot *ss;
		uint32_t ci;

		if (round)
			rebase_step(sim, round);
		if (sim_snapshot(sim, &ss))
			abort();
		write_snap(path, ss);
		next = read_snap(path, 1, false);
		if (!next)
			abort();
		if (!prev) {
			a = analyse(next);
			prev = next;
			continue;
		}
		rebase_dirty(prev, next, dirty);
		if (analysis_rebase(a, next))
			bad++;
		for (ci = 0; ci < next->dev.nr_clusters; ci++) {
			if (!dirty[ci])
				continue;
			changed++;
			if (analysis_update_slots(a, snapshot_cluster_first(next, ci),
						  snapshot_cluster_end(next, ci) -
						  snapshot_cluster_first(next, ci)))
				bad++;
		}
		snapshot_free(prev);
		prev = next;
		if (!analysis_fresh(a, why, sizeof(why))) {
			printf("# round %u: %s\n", round, why);
			bad++;
		}
	}
	ok(!bad && changed > 20,
	   "rebased on 7 next states (%u cluster changes), the updated analysis equals a fresh one each time",
	   changed);
	other = dev_new(512, 64, 7, prev->dev.era);
	ok(analysis_rebase(a, other) == -EINVAL && a->snap == prev,
	   "rebase on a device of another size: EINVAL, nothing changed");
	snapshot_free(other);
	analysis_free(a);
	snapshot_free(prev);
	sim_free(sim);
	free(dirty);
}

/* ---- the invariant ----------------------------------------------------------------- */

struct prop {
	unsigned int accepted, refused, mismatches, refusal_changes, flips;
	unsigned int rules_bad;
};

/*
 * @n random edits on @s: after each accepted one the analysis the edits
 * keep equals a fresh one; after each refused one nothing changed.
 */
static void prop_run(const char *name, struct snapshot *s, unsigned int n,
		     struct prop *p)
{
	struct analysis *a = analyse(s);
	struct snapedit *e;
	char why[256] = "";
	size_t nj, nj0;
	unsigned int i;

	if (snapedit_new(s, a, "/nonexistent/never-saved.db", 0, &e))
		abort();
	for (i = 0; i < n; i++) {
		uint64_t h = snap_digest(s);
		bool full = a->totals.vm_swap_full;
		struct diag d;
		int rc;

		snapedit_journal(e, &nj0);
		rc = random_edit(e, s, &d);
		snapedit_journal(e, &nj);
		if (rc) {
			p->refused++;
			if (rc != -EINVAL || strncmp(d.rule, "edit-", 5) || !d.msg[0])
				p->rules_bad++;
			if (snap_digest(s) != h || nj != nj0 || !analysis_fresh(a, why, sizeof(why)))
				p->refusal_changes++;
			continue;
		}
		p->accepted++;
		if (nj != nj0 + 1)
			p->mismatches++;
		p->flips += a->totals.vm_swap_full != full;
		if (!analysis_fresh(a, why, sizeof(why))) {
			if (!p->mismatches)
				printf("# %s: edit %u (%s): %s\n", name, i,
				       snapedit_journal(e, &nj)[nj - 1], why);
			p->mismatches++;
		}
	}
	snapedit_free(e);
	analysis_free(a);
}

static void test_property(void)
{
	static const char *const dumps[] = {
		"dumps/era-A", "dumps/era-B", "dumps/era-C", "dumps/era-D",
		"dumps/era-E", "dumps/era-F", "dumps/era-G",
		"findings/clean", "findings/misaligned", "findings/count-mismatch",
		"findings/list-mismatch", "findings/bad-in-use",
		"findings/orphan-cache", "findings/mixed-backing",
		"findings/mixed-order", "findings/partial-block",
		"findings/cache-only",
	};
	struct prop total = { 0 };
	char path[4096];
	struct snapshot *s;
	unsigned int i, flips_hand;

	for (i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
		struct prop p = { 0 };

		s = load_dump(dumps[i]);
		if (!s) {
			ok(0, "%s loads", dumps[i]);
			continue;
		}
		prop_run(dumps[i], s, 700, &p);
		ok(!p.mismatches && !p.refusal_changes && !p.rules_bad &&
		   p.accepted >= 150,
		   "%s: %u random edits accepted, %u refused: the kept analysis equals a fresh one after each, refusals change nothing",
		   dumps[i], p.accepted, p.refused);
		total.accepted += p.accepted;
		total.refused += p.refused;
		snapshot_free(s);
	}

	tmp_path(path, sizeof(path), "prop-sim.db");
	sim_file(path, 16384, 64, "random:orders=0+1+2+3,fill=55,ops=30000,cpus=4");
	s = read_snap(path, 1, false);
	if (s) {
		struct prop p = { 0 };

		prop_run("sim", s, 3000, &p);
		ok(!p.mismatches && !p.refusal_changes && !p.rules_bad &&
		   p.accepted >= 1000 && s->nr_folios > 0,
		   "simulated device (%zu folios): %u random edits accepted, %u refused, the kept analysis always equal to a fresh one",
		   s->nr_folios, p.accepted, p.refused);
		total.accepted += p.accepted;
		total.refused += p.refused;
		snapshot_free(s);
	} else {
		ok(0, "simulated device stored and read");
	}

	{
		struct prop p = { 0 };

		s = hand_d();
		prop_run("hand-made era D", s, 3000, &p);
		flips_hand = p.flips;
		ok(!p.mismatches && !p.refusal_changes && !p.rules_bad &&
		   p.accepted >= 1000,
		   "era D, shmem, a run past nr_orders: %u edits accepted, %u refused, vm_swap_full flipped %u times, always equal",
		   p.accepted, p.refused, flips_hand);
		total.accepted += p.accepted;
		total.refused += p.refused;
		snapshot_free(s);
	}
	{
		struct prop p = { 0 };

		s = hand_b();
		prop_run("hand-made era B", s, 2000, &p);
		ok(!p.mismatches && !p.refusal_changes && !p.rules_bad &&
		   p.accepted >= 700,
		   "era B with next hints: %u edits accepted, %u refused, always equal (%u flips)",
		   p.accepted, p.refused, p.flips);
		total.accepted += p.accepted;
		total.refused += p.refused;
		snapshot_free(s);
	}
	printf("# property: %u random edits accepted and checked, %u refused and checked\n",
	       total.accepted, total.refused);
}

/* ---- values and rules ------------------------------------------------------------- */

struct fixture {
	struct snapshot *s;
	struct analysis *a;
	struct snapedit *e;
};

static void fx_open(struct fixture *fx, struct snapshot *s)
{
	fx->s = s;
	fx->a = analyse(s);
	if (snapedit_new(s, fx->a, "/nonexistent/x.db", 0, &fx->e))
		abort();
}

static void fx_close(struct fixture *fx)
{
	snapedit_free(fx->e);
	analysis_free(fx->a);
	snapshot_free(fx->s);
}

enum { FLAGS, ORDER, SLOT };

/* @v for a TAP line: newlines and tabs shown, not taken. */
static const char *shown(const char *v)
{
	static char buf[256];
	size_t n = 0;

	for (; *v && n + 3 < sizeof(buf); v++) {
		if (*v == '\n' || *v == '\t' || *v == '\r') {
			buf[n++] = '\\';
			buf[n++] = *v == '\n' ? 'n' : *v == '\t' ? 't' : 'r';
		} else {
			buf[n++] = *v;
		}
	}
	buf[n] = '\0';
	return buf;
}

static int edit(struct fixture *fx, int what, uint32_t at, const char *v,
		struct diag *d)
{
	size_t n = strlen(v);

	switch (what) {
	case FLAGS:
		return snapedit_cluster_flags(fx->e, at, v, n, d);
	case ORDER:
		return snapedit_cluster_order(fx->e, at, v, n, d);
	default:
		return snapedit_slot(fx->e, at, v, n, d);
	}
}

/* A refusal under @rule that changed nothing; @msg (if any) exactly. */
static void refused(struct fixture *fx, int what, uint32_t at, const char *v,
		    const char *rule, const char *msg)
{
	uint64_t h = snap_digest(fx->s);
	bool dirty = snapedit_dirty(fx->e);
	size_t nj0, nj;
	struct diag d;
	int rc;

	snapedit_journal(fx->e, &nj0);
	rc = edit(fx, what, at, v, &d);
	snapedit_journal(fx->e, &nj);
	if (rc != -EINVAL || strcmp(d.rule, rule) || (msg && strcmp(d.msg, msg)))
		printf("# rc %d, got: %s\n", rc, d.msg);
	ok(rc == -EINVAL && !strcmp(d.rule, rule) && (!msg || !strcmp(d.msg, msg)) &&
	   snap_digest(fx->s) == h && nj == nj0 && snapedit_dirty(fx->e) == dirty,
	   "'%s' refused [%s], nothing changed", shown(v), rule);
}

static void accepted(struct fixture *fx, int what, uint32_t at, const char *v,
		     const char *line)
{
	const char *const *j;
	char why[256] = "";
	struct diag d;
	size_t nj;
	int rc;

	rc = edit(fx, what, at, v, &d);
	j = snapedit_journal(fx->e, &nj);
	if (rc)
		printf("# rc %d: %s\n", rc, d.msg);
	ok(!rc && nj && !strcmp(j[nj - 1], line) &&
	   analysis_fresh(fx->a, why, sizeof(why)),
	   "'%s' accepted, journal '%s' %s", shown(v), line, why);
}

static void slot_is(struct fixture *fx, uint32_t slot, const char *want)
{
	char buf[128];
	int n = snapedit_slot_format(fx->s, slot, buf, sizeof(buf));

	ok(n == (int)strlen(want) && !strcmp(buf, want), "slot %u reads '%.*s'",
	   slot, n > 0 ? n - 1 : 0, buf);
}

static void test_clusters(void)
{
	struct fixture fx;
	struct diag d;

	fx_open(&fx, load_dump("dumps/era-G"));
	refused(&fx, FLAGS, 3, "bogus", "edit-cluster-flags",
		"clusters/3/flags: 'bogus' is not a cluster flag (none free nonfull frag full discard) [edit-cluster-flags]");
	refused(&fx, FLAGS, 3, "Frag", "edit-cluster-flags", NULL);
	refused(&fx, FLAGS, 3, " frag", "edit-cluster-flags", NULL);
	refused(&fx, FLAGS, 3, "frag\n\n", "edit-value", NULL);
	refused(&fx, FLAGS, 3, "frag\r\n", "edit-value", NULL);
	refused(&fx, FLAGS, 3, "", "edit-cluster-flags", NULL);
	refused(&fx, FLAGS, 8, "frag", "edit-cluster-range",
		"clusters/8/flags: 'frag': there is no cluster 8 (the device has 8) [edit-cluster-range]");
	ok(!snapedit_dirty(fx.e), "nothing dirty after refusals");
	ok(fx.s->clusters[4].flags == SNAPSHOT_CLUSTER_FREE, "cluster 4 is free");
	accepted(&fx, FLAGS, 4, "discard\n", "clusters/4/flags discard");
	ok(fx.s->clusters[4].flags == SNAPSHOT_CLUSTER_DISCARD && snapedit_dirty(fx.e),
	   "the flag is set, the state dirty");

	refused(&fx, ORDER, 3, "+1", "edit-cluster-order", NULL);
	refused(&fx, ORDER, 3, "-0", "edit-cluster-order", NULL);
	refused(&fx, ORDER, 3, " 1", "edit-cluster-order", NULL);
	refused(&fx, ORDER, 3, "1 ", "edit-cluster-order", NULL);
	refused(&fx, ORDER, 3, "0x1", "edit-cluster-order", NULL);
	refused(&fx, ORDER, 3, "01", "edit-cluster-order", NULL);
	refused(&fx, ORDER, 3, "99999999999999999999", "edit-cluster-order", NULL);
	refused(&fx, ORDER, 3, "10", "edit-cluster-order",
		"clusters/3/order: '10' is not an order 0..9 (decimal, no sign, no blank) [edit-cluster-order]");
	accepted(&fx, ORDER, 3, "9\n", "clusters/3/order 9");
	accepted(&fx, ORDER, 3, "0", "clusters/3/order 0");
	ok(fx.s->clusters[3].order == 0, "the order is set");
	diag_clear(&d);
	fx_close(&fx);

	fx_open(&fx, load_dump("dumps/era-B"));
	refused(&fx, FLAGS, 1, "frag", "edit-cluster-flags-era", NULL);
	refused(&fx, ORDER, 1, "3", "edit-cluster-order-era", NULL);
	accepted(&fx, FLAGS, 1, "discard", "clusters/1/flags discard");
	fx_close(&fx);

	fx_open(&fx, load_dump("dumps/era-A"));
	refused(&fx, ORDER, 1, "3", "edit-cluster-order-era", NULL);
	accepted(&fx, ORDER, 1, "8", "clusters/1/order 8");
	fx_close(&fx);
}

static void test_slots(void)
{
	struct fixture fx;
	struct snapshot *s;
	uint16_t c0;

	s = dev_new(256, 16, 5, 'G');
	snapshot_set_count(s, 5, 2);
	snapshot_add_run(s, 4, 2, NULL);	/* 4..7, misaligned */
	snapshot_add_run(s, 14, 1, NULL);	/* crosses into cluster 1 */
	settle(s);
	snapshot_finish(s, NULL);
	fx_open(&fx, s);

	slot_is(&fx, 5, "count=2 cached=0 bad=0 zero=0 zswap=0 order=2\n");
	slot_is(&fx, 15, "count=0 cached=0 bad=0 zero=0 zswap=0 order=1\n");
	slot_is(&fx, 16, "count=0 cached=0 bad=0 zero=0 zswap=0 order=unknown\n");
	ok(snapedit_slot_format(fx.s, 256, NULL, 0) == -EINVAL, "format past max: -EINVAL");

	refused(&fx, SLOT, 5, "", "edit-slot-empty", NULL);
	refused(&fx, SLOT, 5, " \t\n", "edit-slot-empty", NULL);
	refused(&fx, SLOT, 5, "count", "edit-slot-syntax",
		"clusters/0/slots/5: 'count': 'count' is not key=value [edit-slot-syntax]");
	refused(&fx, SLOT, 5, "=1", "edit-slot-syntax", NULL);
	refused(&fx, SLOT, 5, "colour=1", "edit-slot-key",
		"clusters/0/slots/5: 'colour=1': 'colour' is not a slot key (count cached bad zero zswap order) [edit-slot-key]");
	refused(&fx, SLOT, 5, "count=1 count=1", "edit-slot-duplicate", NULL);
	refused(&fx, SLOT, 5, "count=-1", "edit-slot-count", NULL);
	refused(&fx, SLOT, 5, "count=+1", "edit-slot-count", NULL);
	refused(&fx, SLOT, 5, "count=4294967295", "edit-slot-count", NULL);
	refused(&fx, SLOT, 5, "count=0x10", "edit-slot-count", NULL);
	refused(&fx, SLOT, 5, "count=", "edit-slot-count", NULL);
	refused(&fx, SLOT, 5, "cached=2", "edit-slot-flag", NULL);
	refused(&fx, SLOT, 5, "zswap=yes", "edit-slot-flag", NULL);
	refused(&fx, SLOT, 5, "order=5", "edit-slot-order", NULL);
	refused(&fx, SLOT, 5, "order=-1", "edit-slot-order", NULL);
	{
		struct diag d;
		uint64_t h = snap_digest(fx.s);

		ok(snapedit_slot(fx.e, 5, "count=1\0", 8, &d) == -EINVAL &&
		   !strcmp(d.rule, "edit-value") && snap_digest(fx.s) == h,
		   "a NUL byte is refused [%s]: %s", d.rule, d.msg);
	}
	refused(&fx, SLOT, 256, "count=1", "edit-slot-range",
		"clusters/16/slots/256: 'count=1': there is no slot 256 (max is 256) [edit-slot-range]");
	/* all assignments are checked before any applies */
	refused(&fx, SLOT, 5, "count=3 bogus=1", "edit-slot-key", NULL);
	refused(&fx, SLOT, 5, "count=3 bad=1", "edit-slot-word",
		"clusters/0/slots/5: 'count=3 bad=1': a bad slot with a count of 3; no era has references on a bad slot [edit-slot-word]");
	refused(&fx, SLOT, 9, "zero=1", "edit-slot-word", NULL);
	refused(&fx, SLOT, 5, "zero=1 zswap=1", "edit-slot-word", NULL);
	refused(&fx, SLOT, 5, "bad=1 count=0 cached=1", "edit-slot-era", NULL);
	refused(&fx, SLOT, 6, "order=3", "edit-slot-run-overlap",
		"clusters/0/slots/6: 'order=3': the slot is in the run of order 2 from slot 4; write order=unknown first [edit-slot-run-overlap]");
	refused(&fx, SLOT, 2, "order=2", "edit-slot-run-overlap", NULL);
	refused(&fx, SLOT, 250, "order=3", "edit-slot-run-range", NULL);

	/* count and ci->count, the counts table */
	c0 = fx.s->clusters[0].count;
	accepted(&fx, SLOT, 9, "count=200 zswap=1\n", "clusters/0/slots/9 count=200 zswap=1");
	ok(fx.s->clusters[0].count == c0 + 1 && fx.s->nr_counts == 1 &&
	   snapshot_count(fx.s, 9) == 200, "count 200 in counts[], ci->count + 1");
	slot_is(&fx, 9, "count=200 cached=0 bad=0 zero=0 zswap=1 order=unknown\n");
	accepted(&fx, SLOT, 9, "zswap=0\tcount=4294967294", "clusters/0/slots/9 count=4294967294 zswap=0");
	ok(snapshot_count(fx.s, 9) == 4294967294u && fx.s->clusters[0].count == c0 + 1,
	   "count 4294967294 kept exactly, ci->count unchanged");
	accepted(&fx, SLOT, 9, "count=0", "clusters/0/slots/9 count=0");
	ok(fx.s->nr_counts == 0 && fx.s->clusters[0].count == c0,
	   "count 0: counts[] entry gone, ci->count back");
	accepted(&fx, SLOT, 10, "cached=1 zero=1", "clusters/0/slots/10 cached=1 zero=1");
	ok(fx.s->clusters[0].count == c0 + 1, "cached slot counts in ci->count");
	accepted(&fx, SLOT, 11, "bad=1", "clusters/0/slots/11 bad=1");
	ok(fx.s->clusters[0].count == c0 + 2, "bad slot counts in ci->count");
	/* the same value again: accepted, journalled, nothing changes */
	{
		uint64_t h = snap_digest(fx.s);

		accepted(&fx, SLOT, 11, "bad=1", "clusters/0/slots/11 bad=1");
		ok(snap_digest(fx.s) == h, "writing what is there changes nothing");
	}

	/* runs */
	accepted(&fx, SLOT, 5, "count=2 cached=0 bad=0 zero=0 zswap=0 order=2\n",
		 "clusters/0/slots/5 count=2 cached=0 bad=0 zero=0 zswap=0 order=2");
	slot_is(&fx, 5, "count=2 cached=0 bad=0 zero=0 zswap=0 order=2\n");
	accepted(&fx, SLOT, 6, "order=unknown", "clusters/0/slots/6 order=unknown");
	slot_is(&fx, 4, "count=0 cached=0 bad=0 zero=0 zswap=0 order=unknown\n");
	slot_is(&fx, 7, "count=0 cached=0 bad=0 zero=0 zswap=0 order=unknown\n");
	accepted(&fx, SLOT, 6, "order=unknown", "clusters/0/slots/6 order=unknown");
	refused(&fx, SLOT, 15, "order=3", "edit-slot-run-overlap", NULL);
	accepted(&fx, SLOT, 15, "order=unknown", "clusters/0/slots/15 order=unknown");
	accepted(&fx, SLOT, 15, "order=3", "clusters/0/slots/15 order=3");
	{
		uint32_t start = 0;
		unsigned int order = 0;

		ok(!snapshot_run_at(fx.s, 22, &start, &order) && start == 15 && order == 3,
		   "a run of order 3 from 15 covers 22, in the next cluster");
	}
	slot_is(&fx, 22, "count=0 cached=0 bad=0 zero=0 zswap=0 order=3\n");
	/* a run across clusters removed from a slot in the second cluster */
	accepted(&fx, SLOT, 20, "order=unknown", "clusters/1/slots/20 order=unknown");
	slot_is(&fx, 15, "count=0 cached=0 bad=0 zero=0 zswap=0 order=unknown\n");
	fx_close(&fx);

	/* clamped ci->count: a cluster whose count was already wrong */
	s = dev_new(64, 16, 5, 'G');
	snapshot_set_count(s, 17, 1);
	s->clusters[1].count = 0;
	s->clusters[1].flags = SNAPSHOT_CLUSTER_FRAG;
	s->clusters[2].count = 16;
	s->clusters[2].flags = SNAPSHOT_CLUSTER_FULL;
	fx_open(&fx, s);
	accepted(&fx, SLOT, 18, "count=0", "clusters/1/slots/18 count=0");
	accepted(&fx, SLOT, 17, "count=0", "clusters/1/slots/17 count=0");
	ok(fx.s->clusters[1].count == 0, "ci->count stays at 0, not below");
	accepted(&fx, SLOT, 33, "count=1", "clusters/2/slots/33 count=1");
	ok(fx.s->clusters[2].count == 16, "ci->count stays at cluster_size, not above");
	fx_close(&fx);
}

static void test_eras(void)
{
	struct fixture fx;
	struct snapshot *s;
	uint32_t i, under = UINT32_MAX, bare = UINT32_MAX;
	char v[64];

	/* era A: no zeromap */
	fx_open(&fx, load_dump("dumps/era-A"));
	for (i = 1; i < fx.s->dev.max && !(snapshot_count(fx.s, i) == 1 &&
					   !(fx.s->slots[i] & SNAPEDIT_MARKS)); i++)
		;
	ok(i < fx.s->dev.max, "era A fixture has a plain slot in use");
	refused(&fx, SLOT, i, "zero=1", "edit-slot-era",
		NULL);
	snprintf(v, sizeof(v), "clusters/%u/slots/%u zswap=1", i >> 8, i);
	accepted(&fx, SLOT, i, "zswap=1", v);
	fx_close(&fx);

	/* era F: cached is whether a folio covers the slot */
	fx_open(&fx, load_dump("dumps/era-F"));
	for (i = 1; i < fx.s->dev.max; i++) {
		bool f = snapshot_folio_at(fx.s, i) != NULL;

		if (f && under == UINT32_MAX && snapshot_count(fx.s, i) &&
		    !(fx.s->slots[i] & (SNAPSHOT_SLOT_BAD | SNAPSHOT_SLOT_ZERO |
					SNAPSHOT_SLOT_ZSWAP)))
			under = i;
		if (!f && bare == UINT32_MAX && snapshot_count(fx.s, i) &&
		    !(fx.s->slots[i] & SNAPSHOT_SLOT_BAD))
			bare = i;
	}
	ok(under != UINT32_MAX && bare != UINT32_MAX, "era F fixture has both kinds of slot");
	refused(&fx, SLOT, under, "cached=0", "edit-slot-era", NULL);
	refused(&fx, SLOT, bare, "cached=1", "edit-slot-era", NULL);
	snprintf(v, sizeof(v), "clusters/%u/slots/%u count=9", bare >> 9, bare);
	accepted(&fx, SLOT, bare, "count=9", v);
	fx_close(&fx);

	/* shmem: a count change makes the slot ordinary; count=1 keeps it */
	s = hand_d();
	fx_open(&fx, s);
	ok(snapshot_is_shmem(fx.s, 20) && snapshot_is_shmem(fx.s, 23), "slots 20, 23 are shmem");
	accepted(&fx, SLOT, 20, "count=1 cached=1", "clusters/1/slots/20 count=1 cached=1");
	ok(snapshot_is_shmem(fx.s, 20), "count=1 cached=1 keeps the shmem mark");
	refused(&fx, SLOT, 23, "bad=1", "edit-slot-word", NULL);
	ok(snapshot_is_shmem(fx.s, 23), "a refused edit keeps the mark");
	accepted(&fx, SLOT, 23, "count=2", "clusters/1/slots/23 count=2");
	ok(!snapshot_is_shmem(fx.s, 23) && snapshot_count(fx.s, 23) == 2 &&
	   fx.s->nr_shmem == 3, "count=2 drops the shmem mark");
	/* the run of order 4 (>= nr_orders 3) can be removed */
	accepted(&fx, SLOT, 70, "order=unknown", "clusters/4/slots/70 order=unknown");
	ok(fx.a->orders[4].runs == 0, "the order-4 run is gone from orders[4]");
	refused(&fx, SLOT, 70, "order=3", "edit-slot-order", NULL);
	fx_close(&fx);

	/* vm_swap_full() (no pages given) flips as slots fill, and back */
	fx_open(&fx, hand_d());
	{
		bool seen_full = fx.a->totals.vm_swap_full, seen_not = !seen_full;
		bool fresh = true;
		char why[256] = "";
		struct diag d;

		for (i = 1; i < fx.s->dev.max && !fx.a->totals.vm_swap_full; i++)
			if (snapshot_slot_free(fx.s->slots[i])) {
				snapedit_slot(fx.e, i, "count=1", 7, &d);
				fresh &= analysis_fresh(fx.a, why, sizeof(why));
			}
		seen_full |= fx.a->totals.vm_swap_full;
		for (i = 1; i < fx.s->dev.max && fx.a->totals.vm_swap_full; i++)
			if (snapshot_count(fx.s, i)) {
				snapedit_slot(fx.e, i, "count=0 zero=0 zswap=0", 22, &d);
				fresh &= analysis_fresh(fx.a, why, sizeof(why));
			}
		seen_not |= !fx.a->totals.vm_swap_full;
		ok(seen_full && seen_not && fresh,
		   "vm_swap_full flips on and off by slot edits, the analysis equal throughout %s",
		   why);
	}
	fx_close(&fx);
}

/* ---- saving ---------------------------------------------------------------------- */

/* @n accepted random edits. */
static void edits(struct snapedit *e, const struct snapshot *s, unsigned int n)
{
	struct diag d;

	while (n)
		if (!random_edit(e, s, &d))
			n--;
}

/* Replay @lines onto @e: each value written to its path again. */
static int replay(struct snapedit *e, const char *const *lines, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		unsigned int ci, slot;
		struct diag d;
		int pos = 0, rc;

		if (sscanf(lines[i], "clusters/%u/slots/%u %n", &ci, &slot, &pos) == 2 && pos)
			rc = snapedit_slot(e, slot, lines[i] + pos,
					   strlen(lines[i] + pos), &d);
		else if (sscanf(lines[i], "clusters/%u/flags %n", &ci, &pos) == 1 && pos)
			rc = snapedit_cluster_flags(e, ci, lines[i] + pos,
						    strlen(lines[i] + pos), &d);
		else if (sscanf(lines[i], "clusters/%u/order %n", &ci, &pos) == 1 && pos)
			rc = snapedit_cluster_order(e, ci, lines[i] + pos,
						    strlen(lines[i] + pos), &d);
		else
			rc = -1;
		if (rc) {
			printf("# replay '%s': %s\n", lines[i], rc > 0 ? "?" : d.msg);
			return -1;
		}
	}
	return 0;
}

/* Runs rows of snapshot @id in rowid order ascend by cluster. */
static bool runs_in_order(const char *path, int64_t id, unsigned int *rows)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	int64_t last = -1;
	bool in_order = true;

	*rows = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ||
	    sqlite3_prepare_v2(db, "SELECT cluster FROM runs WHERE snapshot = ?1 ORDER BY rowid",
			       -1, &st, NULL))
		abort();
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t c = sqlite3_column_int64(st, 0);

		in_order &= c > last;
		last = c;
		(*rows)++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return in_order;
}

static void sql(const char *path, const char *text)
{
	sqlite3 *db;
	char *err = NULL;

	if (sqlite3_open(path, &db) || sqlite3_exec(db, text, NULL, NULL, &err)) {
		printf("# sql: %s\n", err ? err : "?");
		abort();
	}
	sqlite3_close(db);
}

static void test_save_replace(void)
{
	char path[4096], orig[4096], why[256] = "";
	struct snapshot *s, *r, *s2;
	struct analysis *a, *a2;
	struct snapedit *e, *e2;
	const char *const *lines;
	const char *mark;
	unsigned int rows = 0;
	bool in_order;
	struct diag d;
	size_t nj;
	int rc;

	tmp_path(orig, sizeof(orig), "save-orig.db");
	tmp_path(path, sizeof(path), "save.db");
	sim_file(orig, 8192, 64, "random:orders=0+1+2,fill=60,ops=20000,cpus=4");
	copy_file(orig, path);
	s = read_snap(path, 1, false);
	if (!s)
		abort();
	a = analyse(s);
	if (snapedit_new(s, a, path, 1, &e))
		abort();
	ok(!snapedit_save(e, &d) && !snapedit_dirty(e), "save with nothing to save: 0");

	edits(e, s, 300);
	ok(snapedit_dirty(e), "300 edits: dirty");
	rc = snapedit_save(e, &d);
	if (rc)
		printf("# save: %s\n", d.msg);
	ok(!rc && !snapedit_dirty(e), "save replaces snapshot 1");
	r = read_snap(path, 1, false);
	ok(r && snap_same(s, r, true, why, sizeof(why)), "read back equals the edited state %s", why);
	mark = s->prov.note ? strstr(s->prov.note, "edited by swapfs ") : NULL;
	ok(mark && mark[36] == 'Z' &&
	   !strncmp(mark + 37, " from snapshot 1: 300 edits in ", 31) &&
	   strstr(mark, ", the last: ") &&
	   !strcmp(mark + strlen(mark) - strlen(snapedit_journal(e, &nj)[nj - 1]),
		   snapedit_journal(e, &nj)[nj - 1]),
	   "note: mark, base snapshot, summary ending in the last edit: '%s'",
	   s->prov.note ? s->prov.note : "(none)");
	ok(snap_count(path) == 1, "still one snapshot in the file");
	a2 = r ? analyse(r) : NULL;
	ok(a2 && analysis_same(a, a2, why, sizeof(why)),
	   "the kept analysis equals one of the file's state %s", why);
	analysis_free(a2);
	in_order = runs_in_order(path, 1, &rows);
	ok(in_order, "runs rows in cluster order by rowid (%u rows)", rows);
	snapshot_free(r);

	edits(e, s, 300);
	rc = snapedit_save(e, &d);
	r = read_snap(path, 1, false);
	ok(!rc && r && snap_same(s, r, true, why, sizeof(why)),
	   "a second batch of 300 saved and read back equal %s", why);
	ok(s->prov.note && !strstr(strstr(s->prov.note, "edited by swapfs ") + 1, "edited"),
	   "the mark is replaced, not repeated: '%s'", s->prov.note ? s->prov.note : "");
	in_order = runs_in_order(path, 1, &rows);
	ok(in_order, "runs rows still in order (%u rows)", rows);

	/* the journal, replayed onto a fresh load of the original */
	lines = snapedit_journal(e, &nj);
	s2 = read_snap(orig, 1, false);
	a2 = analyse(s2);
	if (snapedit_new(s2, a2, "/nonexistent/y.db", 0, &e2))
		abort();
	ok(nj >= 600 && !replay(e2, lines, nj) && r && snap_same(s2, r, false, why, sizeof(why)),
	   "%zu journal lines replayed on the original equal the saved state %s", nj, why);
	ok(analysis_same(a2, a, why, sizeof(why)), "and so do the analyses %s", why);
	snapedit_free(e2);
	analysis_free(a2);
	snapshot_free(s2);
	snapshot_free(r);

	snapedit_free(e);
	analysis_free(a);
	snapshot_free(s);
}

/* Read @path back both ways (two threads read-only, one pass writable). */
static void split_check(const char *path, const struct snapshot *s,
			const char *what)
{
	char why[256] = "";
	unsigned int rows = 0;
	struct snapshot *r;
	bool in_order = runs_in_order(path, 1, &rows);

	ok(in_order, "%s: runs rows in cluster order by rowid (%u rows)", what, rows);
	r = read_snap(path, 1, false);
	ok(r && snap_same(s, r, true, why, sizeof(why)),
	   "%s: read back by two threads (read-only) equal %s", what, why);
	snapshot_free(r);
	r = read_snap(path, 1, true);
	ok(r && snap_same(s, r, true, why, sizeof(why)),
	   "%s: read back in one pass equal %s", what, why);
	snapshot_free(r);
}

/*
 * A device of 8199 clusters, so a read-only open reads it in two halves
 * by rowid: runs rows added where there were none (before the first row,
 * between rows whose rowids leave no room, after the last, then into the
 * room a move left) must keep the rowid order that reading relies on.
 */
static void test_save_split(void)
{
	char path[4096], v[32];
	uint32_t pick[120], nc, ci, i, j;
	unsigned int added = 0;
	struct snapshot *s;
	struct analysis *a;
	struct snapedit *e;
	struct diag d;
	int rc;

	tmp_path(path, sizeof(path), "split.db");
	sim_file(path, 8199 * 16, 16, "random:orders=0+1+2,fill=30,ops=20000,cpus=4");
	s = read_snap(path, 1, false);
	if (!s)
		abort();
	nc = s->dev.nr_clusters;
	a = analyse(s);
	if (snapedit_new(s, a, path, 1, &e))
		abort();
	for (i = 0; i < 120; i++)
		pick[i] = i < 5 ? i : i < 10 ? nc - 1 - (i - 5) : 5 + rnd() % (nc - 10);
	/* the picked clusters lose their runs: their rows go */
	for (i = 0; i < 120; i++) {
		ci = pick[i];
		for (j = snapshot_cluster_first(s, ci); j < snapshot_cluster_end(s, ci); j++)
			if ((s->slots[j] & SNAPSHOT_SLOT_HEAD) &&
			    snapedit_slot(e, j, "order=unknown", 13, &d))
				abort();
	}
	rc = snapedit_save(e, &d);
	ok(!rc, "the runs of 120 clusters removed and saved");
	split_check(path, s, "rows deleted");
	/* now each gets one again: inserts where rowids leave no room */
	for (i = 0; i < 120; i++) {
		snprintf(v, sizeof(v), "order=%u", rnd() % 2);
		added += !snapedit_slot(e, snapshot_cluster_first(s, pick[i]) + 2, v,
					strlen(v), &d);
	}
	rc = snapedit_save(e, &d);
	ok(!rc && added == 120, "%u runs rows inserted and saved", added);
	split_check(path, s, "rows inserted");
	/* again, into the room the last save left, and random edits */
	for (i = 0; i < 120; i++)
		if (i % 2)
			snapedit_slot(e, snapshot_cluster_first(s, pick[i]) + 2,
				      "order=unknown", 13, &d);
	if (snapedit_save(e, &d))
		abort();
	for (i = 0; i < 120; i++)
		if (i % 2)
			snapedit_slot(e, snapshot_cluster_first(s, pick[i]) + 8,
				      "order=0", 7, &d);
	edits(e, s, 200);
	rc = snapedit_save(e, &d);
	ok(!rc, "a third save: rows in the gaps, and 200 random edits");
	split_check(path, s, "gaps used");
	snapedit_free(e);
	analysis_free(a);
	snapshot_free(s);
}

static void test_save_append(void)
{
	char path[4096], orig[4096], why[256] = "";
	struct snapshot *s, *r, *o;
	struct analysis *a;
	struct snapedit *e;
	struct stat st;
	struct diag d;
	int rc;

	/* a new file from a dump */
	tmp_path(path, sizeof(path), "new.db");
	s = load_dump("dumps/era-D");
	a = analyse(s);
	if (snapedit_new(s, a, path, 0, &e))
		abort();
	ok(!snapedit_save(e, &d) && stat(path, &st) && errno == ENOENT,
	   "nothing to save: no file is made");
	edits(e, s, 200);
	rc = snapedit_save(e, &d);
	if (rc)
		printf("# save: %s\n", d.msg);
	ok(!rc && snapedit_save_id(e) == 1 && s->prov.id == 1 && snap_count(path) == 1,
	   "save id 0, no file: a new file with snapshot 1");
	r = read_snap(path, 1, false);
	ok(r && snap_same(s, r, true, why, sizeof(why)) && !strcmp(r->prov.source_kind, "dump"),
	   "read back equal, provenance still the dump %s", why);
	snapshot_free(r);
	edits(e, s, 200);
	rc = snapedit_save(e, &d);
	r = read_snap(path, 1, false);
	ok(!rc && snap_count(path) == 1 && r && snap_same(s, r, true, why, sizeof(why)),
	   "the next save replaces that snapshot %s", why);
	snapshot_free(r);
	snapedit_free(e);
	analysis_free(a);
	snapshot_free(s);

	/* appended to an existing file */
	tmp_path(orig, sizeof(orig), "save-orig.db");
	tmp_path(path, sizeof(path), "append.db");
	copy_file(orig, path);
	s = read_snap(path, 1, false);
	a = analyse(s);
	if (snapedit_new(s, a, path, 0, &e))
		abort();
	edits(e, s, 100);
	rc = snapedit_save(e, &d);
	r = read_snap(path, 2, false);
	o = read_snap(path, 1, false);
	ok(!rc && snap_count(path) == 2 && snapedit_save_id(e) == 2 && r &&
	   snap_same(s, r, true, why, sizeof(why)),
	   "save id 0 on an existing file appends snapshot 2 %s", why);
	snapshot_free(r);
	r = read_snap(orig, 1, false);
	ok(o && r && snap_same(o, r, true, why, sizeof(why)), "snapshot 1 untouched %s", why);
	snapshot_free(o);
	snapshot_free(r);
	edits(e, s, 100);
	rc = snapedit_save(e, &d);
	r = read_snap(path, 2, false);
	ok(!rc && snap_count(path) == 2 && r && snap_same(s, r, true, why, sizeof(why)),
	   "then snapshot 2 is replaced %s", why);
	snapshot_free(r);
	snapedit_free(e);
	analysis_free(a);
	snapshot_free(s);
}

/* Change cluster @ci's flags, whatever they are. */
static void flip_flags(struct snapedit *e, const struct snapshot *s, uint32_t ci)
{
	const char *v = s->clusters[ci].flags == SNAPSHOT_CLUSTER_NONE ? "discard" : "none";
	struct diag d;

	if (snapedit_cluster_flags(e, ci, v, strlen(v), &d))
		abort();
}

static void test_save_failures(void)
{
	char path[4096], orig[4096], why[256] = "", trig[256], *note;
	struct snapshot *s, *r, *saved;
	struct analysis *a;
	struct snapedit *e;
	struct diag d;
	int rc;

	tmp_path(orig, sizeof(orig), "save-orig.db");
	tmp_path(path, sizeof(path), "fail.db");
	copy_file(orig, path);
	s = read_snap(path, 1, false);
	a = analyse(s);
	if (snapedit_new(s, a, path, 1, &e))
		abort();
	edits(e, s, 50);
	if (snapedit_save(e, &d))
		abort();
	saved = read_snap(path, 1, false);

	/* an SQLite error after the rows of clusters 2, 9 and 20 were written */
	flip_flags(e, s, 2);
	flip_flags(e, s, 9);
	snapedit_slot(e, 20 * 64 + 5, "count=3", 7, &d);
	flip_flags(e, s, 60);
	snprintf(trig, sizeof(trig),
		 "CREATE TRIGGER inject BEFORE UPDATE ON slots WHEN NEW.cluster = 60"
		 " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
	sql(path, trig);
	note = strdup(s->prov.note);
	rc = snapedit_save(e, &d);
	printf("# injected: %d %s\n", rc, d.msg);
	r = read_snap(path, 1, false);
	ok(rc < 0 && d.msg[0] && snapedit_dirty(e) && !strcmp(note, s->prov.note),
	   "a failure mid-transaction is reported, the edits stay dirty, the note as it was");
	ok(r && snap_same(saved, r, true, why, sizeof(why)),
	   "the file holds the state of the last save %s", why);
	snapshot_free(r);
	sql(path, "DROP TRIGGER inject");
	rc = snapedit_save(e, &d);
	r = read_snap(path, 1, false);
	ok(!rc && !snapedit_dirty(e) && r && snap_same(s, r, true, why, sizeof(why)),
	   "saved once the failure is gone %s", why);
	snapshot_free(r);
	free(note);

	/*
	 * A runs row that cannot go in: cluster 100 loses its runs (its row
	 * is deleted), then gets one again, which is an insert.
	 */
	{
		uint32_t i;

		for (i = 100 * 64; i < 101 * 64; i++)
			if (s->slots[i] & SNAPSHOT_SLOT_HEAD)
				snapedit_slot(e, i, "order=unknown", 13, &d);
		snapedit_slot(e, 100 * 64 + 33, "order=0", 7, &d);
		if (snapedit_save(e, &d))
			abort();
		snapedit_slot(e, 100 * 64 + 33, "order=unknown", 13, &d);
		ok(!snapedit_save(e, &d), "cluster 100 has no runs now");
	}
	sql(path, "CREATE TRIGGER inject2 BEFORE INSERT ON runs"
		  " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
	snapshot_free(saved);
	saved = read_snap(path, 1, false);
	flip_flags(e, s, 99);
	snapedit_slot(e, 100 * 64 + 40, "order=1", 7, &d);
	rc = snapedit_save(e, &d);
	r = read_snap(path, 1, false);
	ok(rc < 0 && snapedit_dirty(e) && r && snap_same(saved, r, true, why, sizeof(why)),
	   "a failed runs insert rolls back too %s", why);
	snapshot_free(r);
	sql(path, "DROP TRIGGER inject2");
	ok(!snapedit_save(e, &d) && (r = read_snap(path, 1, false)) &&
	   snap_same(s, r, true, why, sizeof(why)), "and saves afterwards %s", why);
	snapshot_free(r);
	snapshot_free(saved);
	snapedit_free(e);
	analysis_free(a);
	snapshot_free(s);

	/* refusals: no such snapshot, another device */
	s = read_snap(orig, 1, false);
	a = analyse(s);
	if (snapedit_new(s, a, path, 7, &e))
		abort();
	edits(e, s, 5);
	rc = snapedit_save(e, &d);
	ok(rc == -ENOENT && !strcmp(d.rule, "snap-no-snapshot") && snapedit_dirty(e),
	   "save id 7 of a file with one snapshot: -ENOENT [%s]", d.rule);
	snapedit_free(e);
	analysis_free(a);
	snapshot_free(s);

	s = load_dump("dumps/era-G");
	a = analyse(s);
	if (snapedit_new(s, a, path, 1, &e))
		abort();
	edits(e, s, 5);
	rc = snapedit_save(e, &d);
	ok(rc == -EINVAL && !strcmp(d.rule, "snap-replace-mismatch") && snapedit_dirty(e),
	   "replacing a snapshot of another device is refused [%s]", d.rule);
	r = read_snap(path, 1, false);
	saved = read_snap(path, 1, false);
	ok(r && saved && snap_same(r, saved, true, why, sizeof(why)), "and the file unchanged");
	snapshot_free(r);
	snapshot_free(saved);
	snapedit_free(e);
	analysis_free(a);
	snapshot_free(s);
}

/* ---- crash ---------------------------------------------------------------------- */

#define CRASH_EDITS	80

struct crash_edit {
	int what;
	uint32_t at;
	char value[96];		/* the edit */
	char undo[96];		/* what was there */
};

/* Edits over the whole device, and what undoes each. */
static void crash_plan(const struct snapshot *s, struct crash_edit *c)
{
	unsigned int i;

	for (i = 0; i < CRASH_EDITS; i++) {
		if (i % 2) {
			uint32_t ci = (uint32_t)(i * 37) % s->dev.nr_clusters;

			c[i].what = FLAGS;
			c[i].at = ci;
			snprintf(c[i].undo, sizeof(c[i].undo), "%s",
				 snapshot_cluster_flag_name(s->clusters[ci].flags));
			snprintf(c[i].value, sizeof(c[i].value), "%s",
				 s->clusters[ci].flags == SNAPSHOT_CLUSTER_NONE ? "discard" : "none");
		} else {
			uint32_t slot = 1 + (uint32_t)(i * 1031) % (s->dev.max - 1);

			while (s->slots[slot] & SNAPSHOT_SLOT_BAD)
				slot++;
			c[i].what = SLOT;
			c[i].at = slot;
			snapedit_slot_format(s, slot, c[i].undo, sizeof(c[i].undo));
			snprintf(c[i].value, sizeof(c[i].value), "count=%u zero=0 zswap=0",
				 snapshot_count(s, slot) + 200);
		}
	}
}

static int crash_apply(struct snapedit *e, const struct snapshot *s,
		       const struct crash_edit *c, bool undo)
{
	struct diag d;
	unsigned int i;
	int rc = 0;

	for (i = 0; !rc && i < CRASH_EDITS; i++) {
		const char *v = undo ? c[CRASH_EDITS - 1 - i].undo : c[i].value;
		const struct crash_edit *x = &c[undo ? CRASH_EDITS - 1 - i : i];

		switch (x->what) {
		case FLAGS:
			rc = snapedit_cluster_flags(e, x->at, v, strlen(v), &d);
			break;
		default:
			rc = snapedit_slot(e, x->at, v, strlen(v), &d);
		}
		if (rc)
			printf("# crash edit %s: %s\n", v, d.msg);
	}
	return rc;
}

/* The child: save the new state and the old one, over and over. */
static void __attribute__((noreturn)) crash_child(const char *path,
						  const struct crash_edit *c)
{
	struct snapshot *s = read_snap(path, 1, true);
	struct analysis *a;
	struct snapedit *e;
	struct diag d;

	if (!s)
		_exit(2);
	a = analyse(s);
	if (snapedit_new(s, a, path, 1, &e))
		_exit(2);
	for (;;) {
		if (crash_apply(e, s, c, false) || snapedit_save(e, &d) ||
		    crash_apply(e, s, c, true) || snapedit_save(e, &d)) {
			printf("# child: %s\n", d.msg);
			_exit(3);
		}
	}
}

static void test_crash(void)
{
	char path[4096], orig[4096], journal[4200], why[256];
	struct crash_edit c[CRASH_EDITS];
	struct snapshot *x, *y, *r;
	struct analysis *a;
	struct snapedit *e;
	unsigned int i, nx = 0, ny = 0, bad = 0, hot = 0, ro_failed = 0, odd = 0;
	struct timespec t0, t1;

	tmp_path(orig, sizeof(orig), "save-orig.db");
	tmp_path(path, sizeof(path), "crash.db");
	snprintf(journal, sizeof(journal), "%s-journal", path);
	copy_file(orig, path);
	x = read_snap(path, 1, false);
	y = read_snap(path, 1, false);
	crash_plan(x, c);
	a = analyse(y);
	if (snapedit_new(y, a, "/nonexistent/z.db", 0, &e) || crash_apply(e, y, c, false))
		abort();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(stdout);
	for (i = 0; i < 30; i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			abort();
		if (!pid)
			crash_child(path, c);
		usleep(2000 + rnd() % 150000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status))
			odd++;
		if (!access(journal, F_OK)) {
			hot++;
			r = read_snap(path, 1, false);
			ro_failed += !r;
			snapshot_free(r);
		}
		/* a writable open rolls a hot journal back, as a save would */
		r = read_snap(path, 1, true);
		if (r && snap_same(x, r, false, why, sizeof(why)))
			nx++;
		else if (r && snap_same(y, r, false, why, sizeof(why)))
			ny++;
		else
			bad++;
		snapshot_free(r);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# crash: %u old, %u new, %u torn; %u kills left a hot journal, %u of those unreadable read-only; %.1f s\n",
	       nx, ny, bad, hot, ro_failed,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	ok(!bad && !odd && nx + ny == 30,
	   "SIGKILL mid-save 30 times: the file always holds the old or the new state (%u old, %u new)",
	   nx, ny);
	snapedit_free(e);
	analysis_free(a);
	snapshot_free(x);
	snapshot_free(y);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURES_DIR\n", argv[0]);
		return 2;
	}
	fixtures = argv[1];
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_clusters();
	test_slots();
	test_eras();
	test_property();
	test_rebase();
	test_save_replace();
	test_save_split();
	test_save_append();
	test_save_failures();
	test_crash();
	if (!getenv("TEST_SNAPEDIT_KEEP"))
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
