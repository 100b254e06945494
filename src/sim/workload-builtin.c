// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-builtin.c - the built-in generators (swapfs-workload(5)): specs
 * "NAME[:key=value,...]" parsed into parameters, and generators that call
 * the simulator directly, never through text.
 *
 *   selftest  the kernel's tools/testing/selftests/mm/
 *             thp_swap_allocator_test.c: mem1 of 64 KiB mTHP blocks and
 *             the -s area of small pages, picked at random each round,
 *             freed (MADV_DONTNEED) and touched again, then paged out.
 *             version=1 is the test as merged (nothing touched before
 *             round 1); version=2 the later one with its warm-up and
 *             swap-in of random pages (and -a: aligned=1).
 *   random    alloc or free at random around a fill level: the
 *             allocator's hot paths, fast enough for 10^7 operations a
 *             second on a 64 GiB device.
 *   fragment  fill, then punch holes in a share of the allocations.
 *
 * The live allocations of random and fragment are two arrays of slot
 * offsets: order 0 ones plain, larger ones with the order in the low bits
 * the alignment leaves zero (offset | (2^(k-1) - 1): k = trailing ones + 1).
 * A free takes a uniform random index and fills the hole with the last
 * entry: O(1), 4 bytes a live allocation, no per-operation allocation.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "swapfs/workload.h"
#include "workload-builtin.h"

/* Operations between two runs of the discard worker, on discard devices. */
#define WL_DISCARD_EVERY	1024u

/* ---- specs ---------------------------------------------------------- */

enum wl_key_type {
	WL_KEY_SIZE,		/* uint64_t, K/M/G/T */
	WL_KEY_U64,
	WL_KEY_U32,
	WL_KEY_BOOL,		/* uint8_t, 0 or 1 */
	WL_KEY_PERCENT,		/* uint32_t, "90" or "90%" */
	WL_KEY_ORDERS,		/* uint32_t bit mask, "0+2+4" */
	WL_KEY_ORDER,		/* int */
};

#define WL_K(kind)	(1u << (kind))
#define WL_K_ALL	(WL_K(WL_SELFTEST) | WL_K(WL_RANDOM) | WL_K(WL_FRAGMENT))
#define WL_K_FILL	(WL_K(WL_RANDOM) | WL_K(WL_FRAGMENT))

struct wl_key {
	const char *name;
	unsigned int kinds;	/* WL_K() of the generators that take it */
	uint8_t type;
	size_t off;		/* in struct wl_params */
	uint64_t min, max;
	const char *hint;	/* what a good value is, for messages */
};

#define WL_P(field)	offsetof(struct wl_params, field)

static const struct wl_key wl_keys[] = {
	{ "area", WL_K(WL_SELFTEST), WL_KEY_SIZE, WL_P(area), 1, 64ull << 30,
	  "a size from 64K to 64G, a multiple of the folio" },
	{ "device", WL_K_ALL, WL_KEY_SIZE, WL_P(device), 1, 1ull << 50,
	  "a size (K, M, G, T), 1 to 1P" },
	{ "rounds", WL_K(WL_SELFTEST), WL_KEY_U32, WL_P(rounds), 0, 1000000000,
	  "0 to 1000000000" },
	{ "small", WL_K(WL_SELFTEST), WL_KEY_BOOL, WL_P(small), 0, 1, "0 or 1" },
	{ "small_area", WL_K(WL_SELFTEST), WL_KEY_SIZE, WL_P(small_area), 1,
	  64ull << 30, "a size up to 64G, a multiple of the page size" },
	{ "picks", WL_K(WL_SELFTEST), WL_KEY_U32, WL_P(picks), 0, 1u << 24,
	  "0 to 16777216" },
	{ "small_picks", WL_K(WL_SELFTEST), WL_KEY_U32, WL_P(small_picks), 0,
	  1u << 24, "0 to 16777216" },
	{ "version", WL_K(WL_SELFTEST), WL_KEY_U32, WL_P(version), 1, 2,
	  "1 (as merged) or 2 (warm-up and swap-in)" },
	{ "aligned", WL_K(WL_SELFTEST), WL_KEY_BOOL, WL_P(aligned), 0, 1,
	  "0 or 1, with version=2" },
	{ "folio", WL_K(WL_SELFTEST), WL_KEY_SIZE, WL_P(folio), 4096, 1u << 30,
	  "a power of two from 4K to 1G" },
	{ "cpu", WL_K(WL_SELFTEST), WL_KEY_U32, WL_P(cpu), 0, SIM_MAX_CPUS - 1,
	  "a CPU number the device has" },
	{ "seed", WL_K_ALL, WL_KEY_U64, WL_P(seed), 0, UINT64_MAX,
	  "a decimal number" },
	{ "orders", WL_K_FILL, WL_KEY_ORDERS, WL_P(orders), 0, 0,
	  "orders 0 to 14 joined by '+', e.g. 0+2+4" },
	{ "fill", WL_K_FILL, WL_KEY_PERCENT, WL_P(fill), 1, 99,
	  "a percentage from 1 to 99" },
	{ "ops", WL_K(WL_RANDOM), WL_KEY_U64, WL_P(ops), 0, 1ull << 48,
	  "0 to 2^48" },
	{ "holes", WL_K(WL_FRAGMENT), WL_KEY_PERCENT, WL_P(holes), 0, 100,
	  "a percentage from 0 to 100" },
	{ "hole_order", WL_K(WL_FRAGMENT), WL_KEY_ORDER, WL_P(hole_order), 0,
	  SNAPSHOT_MAX_ORDER, "an order from 0 to 14" },
	{ "cpus", WL_K_FILL, WL_KEY_U32, WL_P(cpus), 1, SIM_MAX_CPUS,
	  "1 to the device's CPUs" },
};

#define WL_NR_KEYS	(sizeof(wl_keys) / sizeof(wl_keys[0]))

static const struct {
	const char *name;
	enum wl_kind kind;
} wl_gens[] = {
	{ "selftest", WL_SELFTEST },
	{ "random", WL_RANDOM },
	{ "fragment", WL_FRAGMENT },
};

static void wl_defaults(struct wl_params *p, enum wl_kind kind)
{
	memset(p, 0, sizeof(*p));
	p->hole_order = -1;
	p->cpus = 0;		/* all the device has */
	p->orders = 1u << 0 | 1u << 2 | 1u << 4;
	p->fill = 90;
	p->ops = 10000000;
	p->holes = 25;
	if (kind != WL_SELFTEST)
		return;
	/* the selftest's constants; the device is its zram disksize */
	p->area = 60ull << 20;
	p->device = 64ull << 20;
	p->folio = 64u << 10;
	p->rounds = 100;
	p->picks = 256;		/* 16 MiB of 64 KiB blocks */
	p->small_area = 1u << 20;
	p->small_picks = 192;	/* 768 KiB of 4 KiB pages */
	p->version = 1;
}

static int wl_parse_orders(const char *v, size_t len, uint32_t *mask)
{
	size_t at = 0, n;
	uint64_t k;

	*mask = 0;
	while (at <= len) {
		const char *plus = memchr(v + at, '+', len - at);

		n = plus ? (size_t)(plus - (v + at)) : len - at;
		if (wl_parse_u64(v + at, n, SNAPSHOT_MAX_ORDER, &k))
			return -EINVAL;
		*mask |= 1u << k;
		at += n + 1;
	}
	return 0;
}

static int wl_key_value(const struct wl_key *k, const char *v, size_t len,
			struct wl_params *p)
{
	void *field = (char *)p + k->off;
	uint64_t x;
	int rc;

	switch (k->type) {
	case WL_KEY_SIZE:
		rc = wl_parse_size(v, len, k->max, &x);
		break;
	case WL_KEY_ORDERS:
		return wl_parse_orders(v, len, field);
	case WL_KEY_PERCENT:
		if (len && v[len - 1] == '%')
			len--;
		/* fall through */
	default:
		rc = wl_parse_u64(v, len, k->max, &x);
		break;
	}
	if (rc || x < k->min)
		return -EINVAL;
	switch (k->type) {
	case WL_KEY_SIZE:
	case WL_KEY_U64:
		*(uint64_t *)field = x;
		break;
	case WL_KEY_BOOL:
		*(uint8_t *)field = (uint8_t)x;
		break;
	case WL_KEY_ORDER:
		*(int *)field = (int)x;
		break;
	default:
		*(uint32_t *)field = (uint32_t)x;
		break;
	}
	return 0;
}

/* "61K": the largest binary suffix that divides, as a spec writes it. */
static const char *wl_fmt_size(uint64_t v, char buf[32])
{
	static const char suffix[] = "TGMK";
	unsigned int i;

	for (i = 0; i < 4; i++) {
		unsigned int shift = 40 - 10 * i;

		if (v && !(v & ((1ull << shift) - 1))) {
			snprintf(buf, 32, "%" PRIu64 "%c", v >> shift, suffix[i]);
			return buf;
		}
	}
	snprintf(buf, 32, "%" PRIu64, v);
	return buf;
}

/* What only the whole spec shows: combinations. */
static int wl_spec_finish(struct workload *w, const char *spec,
			  struct diag *d)
{
	struct wl_params *p = &w->p;
	char v[32], f[32];

	if (w->kind != WL_SELFTEST)
		return 0;
	if (p->folio & (p->folio - 1))
		return diag_line(d, spec, 0, "wl-spec-folio",
				 "folio=%s: not a power of two",
				 wl_fmt_size(p->folio, v));
	if (p->area % p->folio || p->area < p->folio)
		return diag_line(d, spec, 0, "wl-spec-area",
				 "area=%s: not a multiple of the %s folio",
				 wl_fmt_size(p->area, v), wl_fmt_size(p->folio, f));
	if (p->aligned && p->version != 2)
		return diag_line(d, spec, 0, "wl-spec-aligned",
				 "aligned=1: the swap-in it aligns is version 2's");
	return 0;
}

static int wl_spec_item(struct workload *w, const char *spec, const char *s,
			size_t len, uint64_t *given, struct diag *d)
{
	const char *eq = memchr(s, '=', len);
	size_t klen = eq ? (size_t)(eq - s) : 0;
	unsigned int i;

	if (!eq || !klen)
		return diag_line(d, spec, 0, "wl-spec",
				 "'%.*s' is not key=value", (int)(len > 64 ? 64 : len), s);
	for (i = 0; i < WL_NR_KEYS; i++)
		if (strlen(wl_keys[i].name) == klen &&
		    !memcmp(wl_keys[i].name, s, klen))
			break;
	if (i == WL_NR_KEYS || !(wl_keys[i].kinds & WL_K(w->kind))) {
		char keys[256] = "";

		for (i = 0; i < WL_NR_KEYS; i++)
			if (wl_keys[i].kinds & WL_K(w->kind))
				snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys),
					 "%s%s", keys[0] ? " " : "", wl_keys[i].name);
		return diag_line(d, spec, 0, "wl-spec-key",
				 "unknown key '%.*s' for %s (%s)",
				 (int)(klen > 64 ? 64 : klen), s,
				 wl_gens[w->kind - WL_SELFTEST].name, keys);
	}
	if (*given & (1ull << i))
		return diag_line(d, spec, 0, "wl-spec-dup", "%s given twice",
				 wl_keys[i].name);
	*given |= 1ull << i;
	if (wl_key_value(&wl_keys[i], eq + 1, len - klen - 1, &w->p)) {
		char rule[48];

		snprintf(rule, sizeof(rule), "wl-spec-%s", wl_keys[i].name);
		return diag_line(d, spec, 0, rule, "%.*s: %s",
				 (int)(len > 80 ? 80 : len), s, wl_keys[i].hint);
	}
	if (!strcmp(wl_keys[i].name, "seed"))
		w->p.has_seed = true;
	return 0;
}

static unsigned int wl_key_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < WL_NR_KEYS; i++)
		if (!strcmp(wl_keys[i].name, name))
			return i;
	return 0;
}

/* version=2 changed mem2 and its picks: defaults follow unless given. */
static void wl_spec_version(struct wl_params *p, uint64_t given)
{
	if (p->version != 2)
		return;
	if (!(given & (1ull << wl_key_index("small_area"))))
		p->small_area = 4u << 20;
	if (!(given & (1ull << wl_key_index("small_picks"))))
		p->small_picks = 256;
}

static int wl_gen_lookup(const char *s, size_t len)
{
	unsigned int i;

	for (i = 0; i < sizeof(wl_gens) / sizeof(wl_gens[0]); i++)
		if (strlen(wl_gens[i].name) == len &&
		    !memcmp(wl_gens[i].name, s, len))
			return (int)wl_gens[i].kind;
	return -1;
}

bool workload_spec_is_builtin(const char *arg)
{
	const char *colon = strchr(arg, ':');

	return wl_gen_lookup(arg, colon ? (size_t)(colon - arg) : strlen(arg)) >= 0;
}

int workload_builtin(const char *spec, struct workload **out, struct diag *d)
{
	const char *colon = strchr(spec, ':'), *at;
	size_t nlen = colon ? (size_t)(colon - spec) : strlen(spec);
	struct workload *w;
	uint64_t given = 0;
	int kind, rc;

	diag_clear(d);
	kind = wl_gen_lookup(spec, nlen);
	if (kind < 0)
		return diag_line(d, spec, 0, "wl-builtin",
				 "unknown generator '%.*s': selftest, random or fragment",
				 (int)(nlen > 64 ? 64 : nlen), spec);
	w = calloc(1, sizeof(*w));
	if (!w || !(w->name = strdup(spec))) {
		free(w);
		return diag_errno(d, spec, -ENOMEM);
	}
	w->kind = (enum wl_kind)kind;
	wl_defaults(&w->p, w->kind);
	for (at = colon; at; ) {
		const char *item = at + 1, *comma = strchr(item, ',');
		size_t len = comma ? (size_t)(comma - item) : strlen(item);

		rc = wl_spec_item(w, spec, item, len, &given, d);
		if (rc)
			goto fail;
		at = comma;
	}
	wl_spec_version(&w->p, given);
	rc = wl_spec_finish(w, spec, d);
	if (rc)
		goto fail;
	w->device_bytes = w->p.device;
	*out = w;
	return 0;
fail:
	workload_free(w);
	return rc;
}

/* ---- shared by the generators --------------------------------------- */

struct wl_gen {
	struct wl_ctx c;
	struct wl_rng rng;
	const struct wl_params *p;
	struct wl_geometry g;
	uint32_t *offsets;	/* sim_swap_out()'s */
};

static int wl_gen_init(struct wl_gen *gen, const struct workload *w,
		       struct sim *sim, uint64_t seed,
		       const struct workload_hooks *h, struct diag *d)
{
	int rc;

	memset(gen, 0, sizeof(*gen));
	wl_ctx_init(&gen->c, sim, h, d, w->name);
	gen->p = &w->p;
	gen->rng.s = w->p.has_seed ? w->p.seed : seed;
	rc = wl_geometry(sim, &gen->g, d, w->name);
	if (rc)
		return rc;
	gen->offsets = calloc(1u << (gen->g.nr_orders - 1), sizeof(uint32_t));
	if (!gen->offsets)
		return diag_errno(d, w->name, -ENOMEM);
	return 0;
}

/* A parameter the device cannot take: named like a bad value in the spec. */
static int __attribute__((format(printf, 3, 4)))
wl_gen_error(struct wl_gen *gen, const char *key, const char *fmt, ...)
{
	char rule[48], msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(rule, sizeof(rule), "wl-spec-%s", key);
	return diag_line(gen->c.d, gen->c.name, 0, rule, "%s", msg);
}

static int wl_gen_round_hook(struct wl_gen *gen, uint64_t round)
{
	const struct workload_hooks *h = gen->c.h;
	int rc;

	if (!h || !h->round)
		return 0;
	rc = h->round(h->arg, gen->c.sim, round);
	if (rc < 0)
		diag_line(gen->c.d, gen->c.name, 0, "wl-hook",
			  "round hook after round %" PRIu64 ": %s", round,
			  strerror(-rc));
	return rc < 0 ? rc : 0;
}

/* ---- selftest ------------------------------------------------------- */

/* A page of mem1 or mem2: untouched, present, or the slot it is out on. */
#define WL_PG_NONE	0u
#define WL_PG_PRESENT	UINT32_MAX

struct wl_selftest {
	struct wl_gen gen;
	unsigned int order;	/* of mem1's folios */
	uint32_t fpages;	/* pages a folio */
	uint32_t nblocks;	/* mem1 folios */
	uint32_t *mem1;		/* nblocks * fpages */
	uint8_t *large;		/* per block: present as one large folio */
	uint32_t nsmall;	/* mem2 pages */
	uint32_t *mem2;
};

static bool wl_pg_out(uint32_t v)
{
	return v != WL_PG_NONE && v != WL_PG_PRESENT;
}

/* MADV_DONTNEED of @n pages: each run of consecutive slots in one call. */
static int wl_st_dontneed(struct wl_selftest *st, uint32_t *pg, uint32_t n)
{
	uint32_t i = 0, k;
	int rc;

	while (i < n) {
		if (!wl_pg_out(pg[i])) {
			pg[i++] = WL_PG_NONE;
			continue;
		}
		for (k = 1; i + k < n && wl_pg_out(pg[i + k]) &&
		     pg[i + k] == pg[i] + k; k++)
			;
		rc = sim_swap_put_entries_direct(st->gen.c.sim, pg[i], k);
		if (rc)
			return wl_sim_error(&st->gen.c, rc, "MADV_DONTNEED", pg[i]);
		rc = wl_ctx_tick(&st->gen.c);
		if (rc)
			return rc;
		for (; k; k--)
			pg[i++] = WL_PG_NONE;
	}
	return 0;
}

/*
 * Swap out one folio of 2^@order pages @pg (present). Pages that got no
 * slot (even order 0 failed) stay present.
 */
static int wl_st_swap_out(struct wl_selftest *st, uint32_t *pg,
			  unsigned int order, bool *whole)
{
	struct wl_gen *gen = &st->gen;
	unsigned int nr, j;
	int rc;

	rc = sim_swap_out(gen->c.sim, gen->p->cpu, order, 1, false,
			  gen->offsets, &nr);
	if (rc && rc != -ENOSPC)
		return wl_sim_error(&gen->c, rc, "MADV_PAGEOUT", 0);
	*whole = !rc && nr == 1;
	if (*whole) {
		for (j = 0; j < 1u << order; j++)
			pg[j] = gen->offsets[0] + j;
	} else {
		for (j = 0; j < nr; j++)
			pg[j] = gen->offsets[j];
	}
	return wl_ctx_tick(&gen->c);
}

/* MADV_PAGEOUT of mem1: large folios whole, the rest page by page. */
static int wl_st_pageout1(struct wl_selftest *st)
{
	uint32_t b, j, *pg;
	bool whole;
	int rc;

	for (b = 0; b < st->nblocks; b++) {
		pg = &st->mem1[(size_t)b * st->fpages];
		if (st->large[b]) {
			st->large[b] = 0;
			rc = wl_st_swap_out(st, pg, st->order, &whole);
			if (rc)
				return rc;
			continue;
		}
		for (j = 0; j < st->fpages; j++) {
			if (pg[j] != WL_PG_PRESENT)
				continue;
			rc = wl_st_swap_out(st, &pg[j], 0, &whole);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int wl_st_pageout2(struct wl_selftest *st)
{
	uint32_t i;
	bool whole;
	int rc;

	for (i = 0; i < st->nsmall; i++) {
		if (st->mem2[i] != WL_PG_PRESENT)
			continue;
		rc = wl_st_swap_out(st, &st->mem2[i], 0, &whole);
		if (rc)
			return rc;
	}
	return 0;
}

/* memset of a block whose pages are all unmapped: a fresh mTHP fault. */
static void wl_st_touch_block(struct wl_selftest *st, uint32_t b)
{
	uint32_t *pg = &st->mem1[(size_t)b * st->fpages], j;

	for (j = 0; j < st->fpages; j++)
		pg[j] = WL_PG_PRESENT;
	st->large[b] = st->order > 0;
}

/*
 * The fault handler on swapped-out page @j of block @b: the whole block in
 * one large folio when its pages are out on consecutive slots from one the
 * folio's size aligns (thp_swap_suitable_orders()) and the device allows
 * it, else the page alone.
 */
static int wl_st_fault_in(struct wl_selftest *st, uint32_t b, uint32_t j)
{
	uint32_t *pg = &st->mem1[(size_t)b * st->fpages], start, i;
	unsigned int k = st->order, got;
	int rc;

	for (i = 0; i < st->fpages && k; i++)
		if (!wl_pg_out(pg[i]) || pg[i] != pg[0] + i)
			k = 0;
	if (k && (pg[0] & (st->fpages - 1)))
		k = 0;
	rc = sim_swap_in(st->gen.c.sim, st->gen.p->cpu, pg[j], k, &got, &start);
	if (rc)
		return wl_sim_error(&st->gen.c, rc, "swap-in fault", pg[j]);
	if (got && got == k) {
		for (i = 0; i < st->fpages; i++)
			pg[i] = WL_PG_PRESENT;
		st->large[b] = 1;
	} else {
		/* a smaller large folio than the block is kept as its pages */
		uint32_t first = k ? start - pg[0] : j;

		for (i = 0; i < 1u << got; i++)
			pg[first + i] = WL_PG_PRESENT;
	}
	return wl_ctx_tick(&st->gen.c);
}

/* memset of pages @first..+@n of mem1 (version 2's random_swapin()). */
static int wl_st_touch_pages(struct wl_selftest *st, uint64_t first,
			     uint32_t n)
{
	uint32_t b = (uint32_t)(first / st->fpages), j;
	uint32_t *pg = &st->mem1[(size_t)b * st->fpages];
	int rc;

	for (j = (uint32_t)(first % st->fpages); n; j++, n--) {
		if (wl_pg_out(pg[j])) {
			rc = wl_st_fault_in(st, b, j);
			if (rc)
				return rc;
		} else if (pg[j] == WL_PG_NONE) {
			uint32_t i;

			for (i = 0; i < st->fpages && pg[i] == WL_PG_NONE; i++)
				;
			if (i == st->fpages)
				wl_st_touch_block(st, b);
			else
				pg[j] = WL_PG_PRESENT;
		}
	}
	return 0;
}

/* version 2's random_swapin() on mem2: faults of single small pages. */
static int wl_st_swapin_small(struct wl_selftest *st, uint32_t i)
{
	unsigned int got;
	uint32_t start;
	int rc;

	if (!wl_pg_out(st->mem2[i])) {
		st->mem2[i] = WL_PG_PRESENT;
		return 0;
	}
	rc = sim_swap_in(st->gen.c.sim, st->gen.p->cpu, st->mem2[i], 0, &got,
			 &start);
	if (rc)
		return wl_sim_error(&st->gen.c, rc, "swap-in fault", st->mem2[i]);
	st->mem2[i] = WL_PG_PRESENT;
	return wl_ctx_tick(&st->gen.c);
}

static int wl_st_round(struct wl_selftest *st)
{
	const struct wl_params *p = st->gen.p;
	struct wl_rng *rng = &st->gen.rng;
	uint64_t units;
	uint32_t i, b, unit;
	int rc;

	if (p->version == 2) {
		/* as many bytes swapped in as picked below, by page or folio */
		unit = p->aligned ? st->fpages : 1;
		units = (uint64_t)st->nblocks * st->fpages / unit;
		for (i = 0; i < (uint64_t)p->picks * st->fpages / unit; i++) {
			rc = wl_st_touch_pages(st, wl_rng_below(rng, units) * unit,
					       unit);
			if (rc)
				return rc;
		}
	}
	for (i = 0; i < p->picks; i++) {
		b = (uint32_t)wl_rng_below(rng, st->nblocks);
		st->large[b] = 0;
		rc = wl_st_dontneed(st, &st->mem1[(size_t)b * st->fpages],
				    st->fpages);
		if (rc)
			return rc;
		wl_st_touch_block(st, b);
	}
	for (i = 0; st->nsmall && i < p->small_picks; i++) {
		b = (uint32_t)wl_rng_below(rng, st->nsmall);
		if (p->version == 2) {
			rc = wl_st_swapin_small(st, b);
		} else {
			rc = wl_st_dontneed(st, &st->mem2[b], 1);
			st->mem2[b] = WL_PG_PRESENT;
		}
		if (rc)
			return rc;
	}
	rc = wl_st_pageout1(st);
	return rc ? rc : wl_st_pageout2(st);
}

/* version 2: everything touched and paged out once before round 1. */
static int wl_st_warm_up(struct wl_selftest *st)
{
	uint32_t b, i;
	int rc;

	for (b = 0; b < st->nblocks; b++)
		wl_st_touch_block(st, b);
	rc = wl_st_pageout1(st);
	if (rc)
		return rc;
	for (i = 0; i < st->nsmall; i++)
		st->mem2[i] = WL_PG_PRESENT;
	return wl_st_pageout2(st);
}

static int wl_st_setup(struct wl_selftest *st)
{
	struct wl_gen *gen = &st->gen;
	const struct wl_params *p = gen->p;
	uint32_t ps = gen->g.page_size;
	uint64_t pages;

	if (p->folio < ps || p->folio % ps)
		return wl_gen_error(gen, "folio", "folio %" PRIu64
				    " is not a multiple of the %u-byte page",
				    p->folio, ps);
	st->fpages = (uint32_t)(p->folio / ps);
	st->order = (unsigned int)__builtin_ctz(st->fpages);
	if (st->order >= gen->g.nr_orders)
		return wl_gen_error(gen, "folio", "folio of order %u: the device has orders below %u",
				    st->order, gen->g.nr_orders);
	if (p->cpu >= gen->g.cpus)
		return wl_gen_error(gen, "cpu", "cpu %u: the device has %u CPUs",
				    p->cpu, gen->g.cpus);
	if (p->small && p->small_area % ps)
		return wl_gen_error(gen, "small_area", "small_area %" PRIu64
				    " is not a multiple of the %u-byte page",
				    p->small_area, ps);
	st->nblocks = (uint32_t)(p->area / p->folio);
	pages = (uint64_t)st->nblocks * st->fpages;
	st->nsmall = p->small ? (uint32_t)(p->small_area / ps) : 0;
	st->mem1 = calloc(pages, sizeof(*st->mem1));
	st->large = calloc(st->nblocks, 1);
	st->mem2 = calloc(st->nsmall ? st->nsmall : 1, sizeof(*st->mem2));
	if (!st->mem1 || !st->large || !st->mem2)
		return diag_errno(gen->c.d, gen->c.name, -ENOMEM);
	return 0;
}

static int wl_selftest_run(const struct workload *w, struct sim *sim,
			   uint64_t seed, const struct workload_hooks *h,
			   struct diag *d)
{
	struct wl_selftest st = { 0 };
	uint32_t round;
	int rc;

	rc = wl_gen_init(&st.gen, w, sim, seed, h, d);
	if (!rc)
		rc = wl_st_setup(&st);
	if (!rc && w->p.version == 2)
		rc = wl_st_warm_up(&st);
	st.gen.c.total = w->p.rounds;
	for (round = 1; !rc && round <= w->p.rounds; round++) {
		rc = wl_st_round(&st);
		st.gen.c.done = round;
		if (!rc)
			rc = wl_gen_round_hook(&st.gen, round);
	}
	if (!rc)
		wl_ctx_end(&st.gen.c);
	free(st.mem1);
	free(st.large);
	free(st.mem2);
	free(st.gen.offsets);
	return rc;
}

/* ---- random and fragment -------------------------------------------- */

/* Live allocations: [0] order 0 offsets, [1] larger ones, order encoded. */
struct wl_live {
	uint32_t *v[2];
	size_t nr[2], alloc[2];
};

/* Branch-free: the order is as random as the arrays the entries go to. */
static uint32_t wl_live_encode(uint32_t offset, unsigned int order)
{
	return offset | (((1u << order) >> 1) - !!order);
}

/* The offset of entry @e of array @a, and its order. */
static uint32_t wl_live_decode(uint32_t e, unsigned int a, unsigned int *order)
{
	*order = ((unsigned int)__builtin_ctz(~e) + 1) & -a;
	return e & ~((1u << *order) - 1);
}

/*
 * The arrays are mapped, not malloc'ed: they grow by mremap() (no copy, no
 * doubled peak), and frees read them at random, so huge pages spare a TLB
 * miss on most of those reads.
 */
static int wl_live_grow(struct wl_live *l, unsigned int a)
{
	size_t old = l->alloc[a] * sizeof(uint32_t);
	size_t want = l->alloc[a] ? l->alloc[a] * 2 : 1u << 18;
	void *v;

	if (l->v[a])
		v = mremap(l->v[a], old, want * sizeof(uint32_t), MREMAP_MAYMOVE);
	else
		v = mmap(NULL, want * sizeof(uint32_t), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v == MAP_FAILED)
		return -ENOMEM;
	madvise(v, want * sizeof(uint32_t), MADV_HUGEPAGE);	/* a hint */
	l->v[a] = v;
	l->alloc[a] = want;
	return 0;
}

#define WL_HUGE		(2ul << 20)

/*
 * Room for @n entries of array @a at once, when that is 2 MiB or more:
 * address space only (pages come as entries are written), aligned so that
 * every page of it can be a huge one from the first write on (an array
 * grown by mremap() keeps the small pages its start was faulted in).
 */
static void wl_live_reserve(struct wl_live *l, unsigned int a, size_t n)
{
	size_t len = (n * sizeof(uint32_t) + WL_HUGE - 1) & ~(WL_HUGE - 1);
	uintptr_t p, at;
	void *m;

	if (l->v[a] || n * sizeof(uint32_t) < WL_HUGE)
		return;
	m = mmap(NULL, len + WL_HUGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return;		/* wl_live_grow() will try smaller */
	p = (uintptr_t)m;
	at = (p + WL_HUGE - 1) & ~(uintptr_t)(WL_HUGE - 1);
	if (at > p)
		munmap(m, at - p);
	munmap((void *)(at + len), p + WL_HUGE - at);
	madvise((void *)at, len, MADV_HUGEPAGE);	/* a hint */
	l->v[a] = (uint32_t *)at;
	l->alloc[a] = len / sizeof(uint32_t);
}

static void wl_live_free(struct wl_live *l)
{
	unsigned int a;

	for (a = 0; a < 2; a++)
		if (l->v[a])
			munmap(l->v[a], l->alloc[a] * sizeof(uint32_t));
}

static __always_inline int wl_live_push(struct wl_live *l, uint32_t offset,
					unsigned int order)
{
	unsigned int a = order > 0;

	if (l->nr[a] == l->alloc[a] && wl_live_grow(l, a))
		return -ENOMEM;
	l->v[a][l->nr[a]++] = wl_live_encode(offset, order);
	return 0;
}

static size_t wl_live_nr(const struct wl_live *l)
{
	return l->nr[0] + l->nr[1];
}

/* The entry random bits @r choose, uniformly among those live now. */
static __always_inline uint32_t *wl_live_at(const struct wl_live *l,
					    uint64_t r, unsigned int *a)
{
	uint64_t u = (uint64_t)(((unsigned __int128)r * wl_live_nr(l)) >> 64);

	*a = u >= l->nr[0];
	return &l->v[*a][u - (*a ? l->nr[0] : 0)];
}

/* Take the allocation @r chooses out of the set (the last entry fills in). */
static __always_inline uint32_t wl_live_take(struct wl_live *l, uint64_t r,
					     unsigned int *order)
{
	unsigned int a;
	uint32_t *p = wl_live_at(l, r, &a), e = *p;

	*p = l->v[a][--l->nr[a]];
	return wl_live_decode(e, a, order);
}

/*
 * A free of a random allocation is a chain of dependent cache misses on a
 * big device: its entry here, then its slot words, free map and cluster
 * in the simulator. The random loop hides them with two short pipelines,
 * kept exact (the same seed, the same run) and cheap:
 *
 *   - a free's random bits are drawn WL_AHEAD frees before they pick its
 *     victim; the entry they will pick is computed from the live counts of
 *     the time they are drawn and starts loading. The counts move by one
 *     an operation meanwhile (a swap-out that fell back: by its pages),
 *     so the guess is mostly off by a few entries: the lines of the
 *     entries 8 before and 8 after it are loaded. A wrong guess costs a
 *     miss, never a different result: the victim is picked from the
 *     counts of its own time.
 *   - the victim picked leaves the live set at once, and its slots and
 *     cluster start loading; the simulator frees it WL_PENDING frees
 *     later, as reclaim frees what it isolated a little earlier.
 */
#define WL_AHEAD	4u
#define WL_PENDING	8u

struct wl_fill {
	struct wl_gen gen;
	struct wl_live live;
	uint64_t ahead[WL_AHEAD];	/* random bits of the next victims */
	unsigned int head;
	/* victims picked, not freed yet: their offsets and orders */
	uint32_t pend[WL_PENDING];
	uint8_t pend_order[WL_PENDING];
	unsigned int pend_head, pend_nr;
	uint8_t orders[SNAPSHOT_MAX_ORDER + 1];
	unsigned int nr_orders;
	unsigned int cpu, cpus;		/* round robin over 0..cpus-1 */
	uint64_t target, lo, hi;	/* slots in use */
	uint64_t ops;			/* generator operations done */
};

/* The order a number picks (wl_rng_below() of the orders given). */
static inline unsigned int wl_fill_order(const struct wl_fill *f, uint64_t y)
{
	return f->orders[((unsigned __int128)y * f->nr_orders) >> 64];
}
/*
 * One swap-out of a random order on the next CPU: allocated, mapped once,
 * written and out of the cache, in one simulator call. A large folio the
 * device cannot place falls back to order-0 folios, as vmscan does.
 * Returns 0, or 1 when nothing at all could be allocated.
 */
static __always_inline int wl_fill_alloc(struct wl_fill *f,
					 unsigned int order)
{
	struct wl_gen *gen = &f->gen;
	unsigned int cpu = f->cpu, nr, j;
	int rc;

	if (++f->cpu == f->cpus)
		f->cpu = 0;
	rc = sim_swap_out(gen->c.sim, cpu, order, 1, false, gen->offsets, &nr);
	if (rc && rc != -ENOSPC)
		return wl_sim_error(&gen->c, rc, "swap-out", 0);
	if (!rc && nr == 1) {
		rc = wl_live_push(&f->live, gen->offsets[0], order);
	} else {
		for (j = 0, rc = 0; j < nr && !rc; j++)
			rc = wl_live_push(&f->live, gen->offsets[j], 0);
	}
	if (rc)
		return diag_errno(gen->c.d, gen->c.name, rc);
	return nr ? 0 : 1;
}

/* Free 2^@order slots from @offset: the last references go. */
static __always_inline int wl_fill_put(struct wl_fill *f, uint32_t offset,
				       unsigned int order)
{
	int rc = sim_swap_put_entries_direct(f->gen.c.sim, offset, 1u << order);

	return rc ? wl_sim_error(&f->gen.c, rc, "free", offset) : 0;
}

/*
 * Pick a victim with the oldest bits drawn and start loading what its
 * free will read; @x, a new number, replaces those bits. Its entry, as
 * the counts now tell, starts loading too (see above).
 */
static __always_inline void wl_fill_pick(struct wl_fill *f, uint64_t x)
{
	unsigned int order, a, k = (f->pend_head + f->pend_nr) % WL_PENDING;
	uint32_t off = wl_live_take(&f->live, f->ahead[f->head], &order);
	uintptr_t e;

	f->ahead[f->head] = x;
	f->head = (f->head + 1) % WL_AHEAD;
	f->pend[k] = off;
	f->pend_order[k] = (uint8_t)order;
	f->pend_nr++;
	sim_prefetch_free(f->gen.c.sim, off, 0);
	if (!wl_live_nr(&f->live))
		return;
	/* the line of the guess and the next or previous: +-8 entries */
	e = (uintptr_t)wl_live_at(&f->live, x, &a);
	__builtin_prefetch((const void *)(e - 32));
	__builtin_prefetch((const void *)(e + 32));
}

/* Pick victims until WL_PENDING are, or none is live. */
static void wl_fill_refill(struct wl_fill *f)
{
	while (f->pend_nr < WL_PENDING && wl_live_nr(&f->live))
		wl_fill_pick(f, wl_rng_next(&f->gen.rng));
}

/*
 * A free: the oldest victim picked is freed, and another one is picked
 * (while any is live). The caller made sure there is a victim or a live
 * allocation; with no victim left (the live set ran dry and came back)
 * the pipeline fills again first.
 */
static __always_inline int wl_fill_free(struct wl_fill *f, uint64_t x)
{
	unsigned int k, order;
	uint32_t off;

	if (__builtin_expect(!f->pend_nr, 0))
		wl_fill_refill(f);
	k = f->pend_head;
	off = f->pend[k];
	order = f->pend_order[k];
	f->pend_head = (k + 1) % WL_PENDING;
	f->pend_nr--;
	if (wl_live_nr(&f->live))
		wl_fill_pick(f, x);
	return wl_fill_put(f, off, order);
}

/* Whether a free has anything to free. */
static bool wl_fill_can_free(const struct wl_fill *f)
{
	return wl_live_nr(&f->live) || f->pend_nr;
}

static __always_inline int wl_fill_step(struct wl_fill *f, int rc)
{
	struct wl_gen *gen = &f->gen;

	if (rc < 0)
		return rc;
	f->ops++;
	gen->c.done = f->ops;
	if (gen->g.discard && !(f->ops % WL_DISCARD_EVERY))
		sim_discard_work(gen->c.sim);
	return wl_ctx_tick(&gen->c);
}

static int wl_fill_init(struct wl_fill *f, const struct workload *w,
			struct sim *sim, uint64_t seed,
			const struct workload_hooks *h, struct diag *d)
{
	struct wl_gen *gen = &f->gen;
	uint64_t band;
	unsigned int k;
	int rc;

	rc = wl_gen_init(gen, w, sim, seed, h, d);
	if (rc)
		return rc;
	for (k = 0; k < WL_AHEAD; k++)
		f->ahead[k] = wl_rng_next(&gen->rng);
	for (k = 0; k <= SNAPSHOT_MAX_ORDER; k++) {
		if (!(w->p.orders & (1u << k)))
			continue;
		if (k >= gen->g.nr_orders)
			return wl_gen_error(gen, "orders", "order %u: the device has orders below %u",
					    k, gen->g.nr_orders);
		f->orders[f->nr_orders++] = (uint8_t)k;
	}
	if (w->p.cpus > gen->g.cpus)
		return wl_gen_error(gen, "cpus", "cpus=%u: the device has %u CPUs",
				    w->p.cpus, gen->g.cpus);
	f->cpus = w->p.cpus ? w->p.cpus : gen->g.cpus;
	/* at most one order-0 entry a usable slot, one larger one in two */
	if (w->p.orders & 1)
		wl_live_reserve(&f->live, 0, gen->g.pages);
	if (w->p.orders & ~1u)
		wl_live_reserve(&f->live, 1, gen->g.pages / 2);
	f->target = (uint64_t)gen->g.pages * w->p.fill / 100;
	/* a random walk between lo and hi: half a percent either side */
	band = gen->g.pages / 200;
	if (band < 2u << f->orders[f->nr_orders - 1])
		band = 2u << f->orders[f->nr_orders - 1];
	f->lo = f->target > band ? f->target - band : 0;
	f->hi = f->target + band;
	return 0;
}

static int wl_fill_to_target(struct wl_fill *f)
{
	int rc;

	while (sim_inuse(f->gen.c.sim) < f->target) {
		rc = wl_fill_alloc(f, wl_fill_order(f, wl_rng_next(&f->gen.rng)));
		if (rc > 0)
			break;	/* full: nothing more fits */
		rc = wl_fill_step(f, rc);
		if (rc)
			return rc;
	}
	return 0;
}

static void wl_fill_done(struct wl_fill *f)
{
	wl_live_free(&f->live);
	free(f->gen.offsets);
}

/*
 * The band: below it an allocation, at or above it a free, inside it a
 * fair coin. Every operation draws one number: its low bit is the coin,
 * its high bits pick the order or are a later victim's bits (the bits
 * of a number are independent, and a victim's index comes from the high
 * ones: the coin's bit moves it by less than 2^-63 of the way).
 */
static int wl_random_loop(struct wl_fill *f, uint64_t ops)
{
	struct wl_rng *rng = &f->gen.rng;
	struct sim *sim = f->gen.c.sim;
	uint64_t i, inuse, y;
	bool alloc;
	int rc;

	wl_fill_refill(f);
	for (i = 0; i < ops; i++) {
		inuse = sim_inuse(sim);
		y = wl_rng_next(rng);
		alloc = inuse < f->lo || (inuse < f->hi && (y & 1)) ||
			!wl_fill_can_free(f);
		if (!alloc) {
			rc = wl_fill_free(f, y);
		} else {
			rc = wl_fill_alloc(f, wl_fill_order(f, y));
			/* nothing fits: a free instead */
			if (rc > 0)
				rc = wl_fill_can_free(f) ? wl_fill_free(f, y) : 0;
		}
		rc = wl_fill_step(f, rc);
		if (rc)
			return rc;
	}
	return 0;
}

static int wl_random_run(const struct workload *w, struct sim *sim,
			 uint64_t seed, const struct workload_hooks *h,
			 struct diag *d)
{
	struct wl_fill f = { 0 };
	int rc;

	rc = wl_fill_init(&f, w, sim, seed, h, d);
	if (!rc)
		rc = wl_fill_to_target(&f);
	if (!rc) {
		f.gen.c.total = f.ops + w->p.ops;
		rc = wl_random_loop(&f, w->p.ops);
	}
	if (!rc)
		wl_ctx_end(&f.gen.c);
	wl_fill_done(&f);
	return rc;
}

/* A hole in a random allocation: all of it, or one aligned piece. */
static int wl_fragment_hole(struct wl_fill *f)
{
	const struct wl_params *p = f->gen.p;
	unsigned int order, k = (unsigned int)p->hole_order;
	uint32_t off = wl_live_take(&f->live, wl_rng_next(&f->gen.rng), &order);

	if (p->hole_order < 0 || k >= order)
		return wl_fill_put(f, off, order);
	off += (uint32_t)wl_rng_below(&f->gen.rng, 1u << (order - k)) << k;
	return wl_fill_put(f, off, k);
}

static int wl_fragment_run(const struct workload *w, struct sim *sim,
			   uint64_t seed, const struct workload_hooks *h,
			   struct diag *d)
{
	struct wl_fill f = { 0 };
	uint64_t holes, i;
	int rc;

	rc = wl_fill_init(&f, w, sim, seed, h, d);
	if (!rc)
		rc = wl_fill_to_target(&f);
	holes = wl_live_nr(&f.live) * w->p.holes / 100;
	f.gen.c.total = f.ops + holes;
	for (i = 0; !rc && i < holes; i++)
		rc = wl_fill_step(&f, wl_fragment_hole(&f));
	if (!rc && f.gen.g.discard)
		sim_discard_work(sim);
	if (!rc)
		wl_ctx_end(&f.gen.c);
	wl_fill_done(&f);
	return rc;
}

int wl_builtin_run(const struct workload *w, struct sim *sim, uint64_t seed,
		   const struct workload_hooks *h, struct diag *d)
{
	switch (w->kind) {
	case WL_SELFTEST:
		return wl_selftest_run(w, sim, seed, h, d);
	case WL_RANDOM:
		return wl_random_run(w, sim, seed, h, d);
	case WL_FRAGMENT:
		return wl_fragment_run(w, sim, seed, h, d);
	default:
		return -EINVAL;
	}
}
