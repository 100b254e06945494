// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-read.c - one swap area of the running kernel into the model,
 * cluster by cluster, each checked against its own slots.
 *
 * The program (live.bpf.c) copies a run of clusters: their records, their
 * swap_map bytes (era G: a byte made from each table word), zeromap bits
 * and the kinds of their swap-table words, then the records again. It
 * takes no lock, so a cluster the kernel was changing may come out torn.
 * A cluster is taken only when it agrees with itself:
 *
 *  - its record did not change while its slots were copied;
 *  - ci->count is the number of slots in use, plus the tail past max;
 *  - every zeromap bit is on a slot in use;
 *  - its folio runs are whole folios at their own swap offsets, and the
 *    slots the map marks cached (SWAP_HAS_CACHE, era G a PFN word) are
 *    exactly the folio words of its table;
 *  - no table word is of an unknown kind.
 *
 * Else it is read again, alone, up to LIVE_RETRIES times; one that never
 * agrees is "moving": taken as last read, made consistent with its own
 * slots (count recounted, stray bits dropped), counted and marked in the
 * model (moving.h), so no check reports a finding that is only the
 * kernel moving under the reader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "swapfs/era.h"
#include "swapfs/moving.h"
#include "live-internal.h"

#define LIVE_RETRIES	8
/* r->big[] of a SWAP_MAP_SHMEM slot (its count is 1) */
#define LIVE_BIG_SHMEM	UINT32_MAX
#define LIVE_RETRY_NS	50000	/* between two reads of a moving cluster */

struct live_reader {
	struct live_bpf *b;
	const struct live_areas *a;
	const struct live_target *t;
	struct snapshot *s;
	struct live_read_stats *st;
	struct diag *d;
	const struct era_props *era;
	uint16_t dec[256];
	uint32_t cs, nr_clusters;
	bool final;		/* the last try: take it whatever it says */
	uint32_t *retry;
	size_t nr_retry, alloc_retry;
	struct live_cont *cont;	/* loaded at the first continued count */
	int cont_rc;		/* why it could not be, once tried */
	/* the cluster being taken */
	uint16_t w[LIVE_CLUSTER_MAX];
	uint32_t big[LIVE_CLUSTER_MAX];	/* exact counts of continued slots */
	uint32_t pend[LIVE_CLUSTER_MAX];	/* its continued slots (eras <= F) */
	uint32_t pend_count[LIVE_CLUSTER_MAX];
	uint32_t nr_pend;
};

/* One cluster of a view: where its slots and runs are. */
struct live_one {
	const struct live_view *v;
	const struct live_cluster *c;
	uint32_t ci, first, n;	/* index, first slot, slots up to max */
	uint32_t rel;		/* first slot, relative to the view */
};

static int live_read_fail(struct live_reader *r, int rc, const char *what)
{
	if (r->d->msg[0])
		return rc;	/* a closer reason is already said */
	diag_line(r->d, "live", 0, "live-read", "area %u: %s: %s", r->t->type,
		  what, strerror(-rc));
	return rc;
}

/* The exact count the program found for @slot (era G extend table), or 0. */
static uint32_t live_big_count(const struct live_one *o, uint32_t slot)
{
	uint32_t i;

	for (i = 0; i < o->v->nr_counts; i++)
		if (o->v->counts[i].slot == slot)
			return o->v->counts[i].count;
	return 0;
}

/*
 * Decode the cluster's bytes into r->w; returns the slots in use, or -1
 * when a byte is impossible in this era (or era G's overflow unknown).
 * Continued counts of eras up to F wait in r->pend for live_continued().
 */
static long live_decode(struct live_reader *r, const struct live_one *o)
{
	const uint8_t *map = o->v->map + o->rel;
	long used = 0;
	uint32_t k;
	uint16_t w;

	r->nr_pend = 0;
	for (k = 0; k < o->n; k++) {
		w = r->dec[map[k]];
		r->big[k] = 0;
		if (w & ERA_DEC_SHMEM) {	/* 0xbf: owned by shmem, a count of 1 */
			r->big[k] = LIVE_BIG_SHMEM;
			w = (uint16_t)((w & SNAPSHOT_SLOT_CACHED) | 1);
		} else if (w & ERA_DEC_SPECIAL) {
			if (!(w & ERA_DEC_CONTINUED))
				return -1;
			if (r->era->swap_table && !(r->big[k] = live_big_count(o, o->first + k)))
				return -1;
			if (!r->era->swap_table)
				r->pend[r->nr_pend++] = k;
			w = (uint16_t)((w & SNAPSHOT_SLOT_CACHED) | SNAPSHOT_COUNT_BIG);
		}
		r->w[k] = w;
		used += !snapshot_slot_free(w);
	}
	return used;
}

/* Why a continued count is not known, for the user. */
static int live_continued_fail(struct live_reader *r, uint32_t slot, int rc)
{
	diag_line(r->d, "live", 0, "live-continued",
		  "area %u, slot %u: its count continues past the swap_map byte (more "
		  "than 62 references), and the continuation pages could not be read "
		  "(%s); the count would be a guess", r->t->type, slot,
		  rc == -EPERM ? "their address needs a PFN, which only root may see" :
		  strerror(-rc));
	return -EPROTO;
}

/*
 * The counts of the cluster's continued slots (bpf/live-cont.bpf.c), each
 * checked against its first digit. Returns 0, 1 (they disagree: read the
 * cluster again), -EPROTO (cannot be read; @r->d says why) or -errno.
 */
static int live_continued(struct live_reader *r, const struct live_one *o)
{
	uint32_t i, k, slot;
	int rc;

	if (!r->cont && !r->cont_rc)
		r->cont_rc = live_cont_open(r->b, &r->cont);
	if (!r->cont)
		return live_continued_fail(r, o->first + r->pend[0], r->cont_rc);
	for (i = 0; i < r->nr_pend; i++)
		r->pend_count[i] = o->first + r->pend[i];
	rc = live_cont_counts(r->cont, r->t->type, r->pend_count, r->nr_pend,
			      r->pend_count);
	if (rc)
		return live_continued_fail(r, o->first + r->pend[0], rc);
	for (i = 0; i < r->nr_pend; i++) {
		k = r->pend[i];
		slot = o->first + k;
		if (!era_map_continued_ok(o->v->map[o->rel + k] & 0x3fu, r->pend_count[i])) {
			if (r->final)
				return live_continued_fail(r, slot, -EIO);
			return 1;
		}
		r->big[k] = r->pend_count[i];
	}
	return 0;
}

/* Zeromap bits onto r->w; false when one sits on a slot not in use. */
static bool live_zero_bits(struct live_reader *r, const struct live_one *o)
{
	const __u64 *z = o->v->zmap + o->rel / 64;
	uint32_t k, words = (o->n + 63) / 64, i;
	uint64_t x;
	bool ok = true;

	if (!r->a->v[r->t->type].has_zeromap)
		return true;
	for (i = 0; i < words; i++) {
		x = z[i];
		if (i == words - 1 && o->n % 64)
			x &= (1ull << (o->n % 64)) - 1;
		while (x) {
			k = i * 64 + (uint32_t)__builtin_ctzll(x);
			x &= x - 1;
			if ((r->w[k] & SNAPSHOT_SLOT_BAD) ||
			    !(r->w[k] & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED)))
				ok = false;	/* dropped: only a slot in use is zero */
			else
				r->w[k] |= SNAPSHOT_SLOT_ZERO;
		}
	}
	return ok;
}

/* A run that is a whole folio at its own offset, inside this cluster. */
static bool live_run_ok(const struct live_reader *r, const struct live_one *o,
			const struct live_folio *f)
{
	return f->type == r->t->type && f->slot == f->swap &&
	       f->order <= r->s->dev.cluster_shift && f->len == 1u << f->order &&
	       f->slot >= o->first && f->slot + f->len <= o->first + o->n;
}

/*
 * The runs against the map's cached marks. Era F's map has none: the
 * runs are what say "cached". With @commit, the runs that fit become
 * folios of the model. Returns 1 when they agree exactly, 0, -ENOMEM.
 */
static int live_runs(struct live_reader *r, const struct live_one *o, bool commit)
{
	const struct live_folio *f;
	uint32_t i, k, covered = 0, cached = 0;
	bool ok = true;

	for (k = 0; k < o->n; k++)
		cached += !!(r->w[k] & SNAPSHOT_SLOT_CACHED);
	for (i = 0; i < o->c->nr_runs; i++) {
		f = &o->v->folios[o->c->first_run + i];
		if (!live_run_ok(r, o, f)) {
			ok = false;
			continue;
		}
		for (k = f->slot - o->first; k < f->slot - o->first + f->len; k++) {
			if (r->era->cache_from_folios)
				r->w[k] |= SNAPSHOT_SLOT_CACHED;
			else
				ok &= !!(r->w[k] & SNAPSHOT_SLOT_CACHED);
		}
		covered += f->len;
		if (commit && snapshot_add_folio(r->s, f->slot, f->order, f->flags, NULL))
			return -ENOMEM;
	}
	if (!r->era->cache_from_folios && covered != cached)
		ok = false;
	return ok && covered == o->c->nr_folio;
}

/* Write r->w and the record into the model; @used slots in use. */
static int live_commit(struct live_reader *r, const struct live_one *o, long used)
{
	struct snapshot_cluster *sc = &r->s->clusters[o->ci];
	uint32_t k, tail = r->cs - o->n;
	int rc;

	memcpy(r->s->slots + o->first, r->w, o->n * sizeof(r->w[0]));
	for (k = 0; k < o->n; k++) {
		if (!r->big[k])
			continue;
		rc = r->big[k] == LIVE_BIG_SHMEM ? snapshot_add_shmem(r->s, o->first + k) :
		     snapshot_set_count(r->s, o->first + k, r->big[k]);
		if (rc)
			return rc;
	}
	sc->count = o->c->count;
	sc->flags = o->c->flags < SNAPSHOT_CLUSTER_NR_FLAGS ? o->c->flags :
		    SNAPSHOT_CLUSTER_NONE;
	sc->order = o->c->order;
	if (r->final)	/* moving: what its own slots say */
		sc->count = (uint16_t)(used + tail);
	return 0;
}

/* A cluster with nothing in it, as nearly all of a big idle area are. */
static bool live_empty(const struct live_one *o)
{
	const uint8_t *map = o->v->map + o->rel;
	uint64_t x = 0, y;
	uint32_t k;

	if (o->c->count || o->c->state || o->c->nr_runs || o->c->nr_shadow)
		return false;
	for (k = 0; k + 8 <= o->n; k += 8) {
		memcpy(&y, map + k, 8);
		x |= y;
	}
	for (; k < o->n; k++)
		x |= map[k];
	return !x;
}

/*
 * Take cluster @o into the model. Returns 0, 1 when it disagrees with
 * itself (not taken; read it again), or -errno.
 */
static int live_take(struct live_reader *r, const struct live_one *o)
{
	long used;
	bool ok;
	int rc;

	if (live_empty(o)) {
		r->s->clusters[o->ci] = (struct snapshot_cluster){
			.flags = o->c->flags < SNAPSHOT_CLUSTER_NR_FLAGS ?
				 o->c->flags : SNAPSHOT_CLUSTER_NONE,
			.order = o->c->order,
		};
		return 0;
	}
	ok = !(o->c->state & (LIVE_CL_MOVED | LIVE_CL_BAD_FLAGS | LIVE_CL_TABLE_SHORT)) &&
	     !o->c->nr_other;
	used = live_decode(r, o);
	if (used < 0) {
		if (!r->final)
			return 1;
		return live_read_fail(r, -EPROTO, "a byte its era does not have");
	}
	if (r->nr_pend && (rc = live_continued(r, o)))
		return rc;
	ok &= used + (r->cs - o->n) == o->c->count;
	ok &= live_zero_bits(r, o);
	ok &= live_runs(r, o, false) == 1;
	if (!ok && !r->final)
		return 1;
	r->st->table_folio += o->c->nr_folio;
	r->st->table_shadow += o->c->nr_shadow;
	rc = live_runs(r, o, true);	/* moving: the runs that fit are kept */
	return rc < 0 ? rc : live_commit(r, o, used);
}

static int live_retry_push(struct live_reader *r, uint32_t ci)
{
	if (r->nr_retry == r->alloc_retry) {
		size_t n = r->alloc_retry ? 2 * r->alloc_retry : 64;
		uint32_t *p = reallocarray(r->retry, n, sizeof(*p));

		if (!p)
			return -ENOMEM;
		r->retry = p;
		r->alloc_retry = n;
	}
	r->retry[r->nr_retry++] = ci;
	return 0;
}

static void live_one_at(struct live_reader *r, const struct live_view *v,
			uint32_t first, uint32_t i, struct live_one *o)
{
	uint64_t end;

	o->v = v;
	o->c = &v->clusters[i];
	o->ci = first + i;
	o->first = o->ci * r->cs;
	end = (uint64_t)o->first + r->cs;
	o->n = end > r->s->dev.max ? r->s->dev.max - o->first : r->cs;
	o->rel = i * r->cs;
}

/* Every cluster, in runs as large as the program's buffers take. */
static int live_read_clusters(struct live_reader *r)
{
	struct live_view v;
	struct live_one o;
	uint32_t first = 0, i;
	int rc;

	while (first < r->nr_clusters) {
		rc = live_bpf_read(r->b, r->t->type, first, r->nr_clusters - first, &v);
		if (rc)
			return live_read_fail(r, rc, "reading its clusters");
		if (!v.done)
			return live_read_fail(r, -ERANGE, "one cluster overflows the reader");
		for (i = 0; i < v.done; i++) {
			live_one_at(r, &v, first, i, &o);
			rc = live_take(r, &o);
			if (rc == 1)
				rc = live_retry_push(r, o.ci);
			if (rc)
				return rc < 0 ? live_read_fail(r, rc, "taking a cluster") : rc;
		}
		first += v.done;
	}
	return 0;
}

/* Clusters that disagreed: alone, again, until they agree or time is up. */
static int live_read_retries(struct live_reader *r)
{
	struct timespec pause = { 0, LIVE_RETRY_NS };
	struct live_view v;
	struct live_one o;
	unsigned int n;
	size_t i;
	int rc = 1;

	for (i = 0; i < r->nr_retry; i++) {
		for (n = 1, rc = 1; rc == 1 && n <= LIVE_RETRIES; n++) {
			nanosleep(&pause, NULL);
			r->final = n == LIVE_RETRIES;
			r->st->retries++;
			rc = live_bpf_read(r->b, r->t->type, r->retry[i], 1, &v);
			if (rc)
				return live_read_fail(r, rc, "reading a cluster again");
			live_one_at(r, &v, r->retry[i], 0, &o);
			rc = live_take(r, &o);
		}
		if (rc < 0)
			return live_read_fail(r, rc, "taking a moving cluster");
		if (r->final) {	/* the analysis reports nothing in it */
			if (moving_add(r->s, r->retry[i]))
				return live_read_fail(r, -ENOMEM, "marking a moving cluster");
			r->st->moving++;
		}
		r->final = false;
	}
	return 0;
}

/* si->global_cluster's hints, and each CPU's where they can be found. */
static int live_read_hints(struct live_reader *r)
{
	const struct live_hint *h;
	size_t nr, i;
	int rc;

	rc = live_bpf_hints(r->b, r->t->type, &r->a->pcp, &h, &nr);
	if (rc)
		return live_read_fail(r, rc, "reading its allocation hints");
	for (i = 0; i < nr; i++) {
		if (h[i].offset >= r->s->dev.max)
			continue;	/* a hint past the end is no hint */
		rc = snapshot_add_next(r->s, h[i].cpu < 0 ? SNAPSHOT_NEXT_GLOBAL : h[i].cpu,
				       h[i].order, (uint32_t)h[i].offset);
		if (rc)
			return live_read_fail(r, rc, "keeping its hints");
	}
	r->st->hints = nr;
	r->st->pcp_read = r->a->pcp.var != 0;
	if (r->a->v[r->t->type].has_global || r->st->pcp_read)
		r->s->files |= SNAPSHOT_HAS_NEXT;
	return 0;
}

int live_read_area(struct live_bpf *b, const struct live_areas *a,
		   const struct live_target *t, struct snapshot *s,
		   struct live_read_stats *st, struct diag *d)
{
	struct live_reader *r = calloc(1, sizeof(*r));
	int rc;

	memset(st, 0, sizeof(*st));
	if (!r)
		return diag_errno(d, "live", -ENOMEM);
	*r = (struct live_reader){
		.b = b, .a = a, .t = t, .s = s, .st = st, .d = d,
		.era = era_get(s->dev.era), .cs = s->dev.cluster_size,
		.nr_clusters = s->dev.nr_clusters,
	};
	/* era G's bytes are made in the era-E encoding (live-abi.h) */
	era_map_decoder(era_get(r->era->swap_table ? 'E' : s->dev.era), r->dec);
	rc = 0;
	if (r->era->swap_table && !a->vmemmap) {
		/* era G's cached folios are PFNs: their struct page needs the base */
		r->cont_rc = live_cont_open(b, &r->cont);
		if (r->cont_rc)
			rc = live_read_fail(r, r->cont_rc,
					    "finding vmemmap_base for the swap cache's PFN words");
	}
	if (!rc)
		rc = live_read_clusters(r);
	if (!rc)
		rc = live_read_retries(r);
	if (!rc)
		rc = live_read_hints(r);
	s->files |= SNAPSHOT_HAS_CACHE;
	if (a->v[t->type].has_zeromap)
		s->files |= SNAPSHOT_HAS_ZEROMAP;
	if (s->nr_counts)
		s->files |= SNAPSHOT_HAS_CONTINUED;
	live_cont_close(r->cont);
	free(r->retry);
	free(r);
	return rc;
}
