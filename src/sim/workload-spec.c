// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-spec.c - a built-in generator's spec, "NAME[:key=value,...]"
 * (swapfs-workload(5)), into its parameters: each key declared once in a
 * table with the generators that take it, its type, bounds and a hint for
 * the message when a value is refused; then what only the whole spec
 * shows (combinations). What only the device shows is the generator's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload-gen.h"
#include "workload-internal.h"
#include "workload-num.h"

enum wl_key_type {
	WL_KEY_SIZE,		/* uint64_t, K/M/G/T */
	WL_KEY_U64,
	WL_KEY_U32,
	WL_KEY_BOOL,		/* uint8_t, 0 or 1 */
	WL_KEY_PERCENT,		/* uint32_t, "90" or "90%" */
	WL_KEY_ORDERS,		/* uint32_t bit mask, "0+2+4" */
	WL_KEY_ORDER,		/* int */
	WL_KEY_SIZES,		/* uint32_t bit mask of log2(bytes), "16K+64K" */
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
	{ "sizes", WL_K(WL_SELFTEST), WL_KEY_SIZES, WL_P(sizes), 4096, 1u << 30,
	  "powers of two from 4K to 1G joined by '+', e.g. 16K+64K" },
	{ "mixed", WL_K(WL_SELFTEST), WL_KEY_U32, WL_P(mixed), 0, WL_MIXED_MAX,
	  "0 to 16384 blocks" },
	{ "mixed_orders", WL_K(WL_SELFTEST), WL_KEY_ORDERS, WL_P(mixed_orders),
	  0, 0, "orders 0 to 14 joined by '+', e.g. 0+2+3+4+5" },
	{ "part_picks", WL_K(WL_SELFTEST), WL_KEY_U32, WL_P(part_picks), 0,
	  1u << 24, "0 to 16777216" },
	{ "fork", WL_K(WL_SELFTEST), WL_KEY_U32, WL_P(fork), 1, 62,
	  "1 (no fork) to 62 references" },
	{ "fork_every", WL_K(WL_SELFTEST), WL_KEY_U32, WL_P(fork_every), 1,
	  1000000000, "1 to 1000000000 rounds" },
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
	p->mixed_orders = 1u << 0 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 5;
	p->fork = 1;
	p->fork_every = 1;
}

/* "16K+64K": sizes, each a power of two within the key's bounds. */
static int wl_parse_sizes(const struct wl_key *k, const char *v, size_t len,
			  uint32_t *mask)
{
	size_t at = 0, n;
	uint64_t x;

	*mask = 0;
	while (at <= len) {
		const char *plus = memchr(v + at, '+', len - at);

		n = plus ? (size_t)(plus - (v + at)) : len - at;
		if (wl_num_parse_size(v + at, n, k->max, &x) || x < k->min ||
		    (x & (x - 1)))
			return -EINVAL;
		*mask |= 1u << __builtin_ctzll(x);
		at += n + 1;
	}
	return 0;
}

static int wl_parse_orders(const char *v, size_t len, uint32_t *mask)
{
	size_t at = 0, n;
	uint64_t k;

	*mask = 0;
	while (at <= len) {
		const char *plus = memchr(v + at, '+', len - at);

		n = plus ? (size_t)(plus - (v + at)) : len - at;
		if (wl_num_parse(v + at, n, SNAPSHOT_MAX_ORDER, &k))
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
		rc = wl_num_parse_size(v, len, k->max, &x);
		break;
	case WL_KEY_ORDERS:
		return wl_parse_orders(v, len, field);
	case WL_KEY_SIZES:
		return wl_parse_sizes(k, v, len, field);
	case WL_KEY_PERCENT:
		if (len && v[len - 1] == '%')
			len--;
		/* fall through */
	default:
		rc = wl_num_parse(v, len, k->max, &x);
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

static unsigned int wl_key_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < WL_NR_KEYS; i++)
		if (!strcmp(wl_keys[i].name, name))
			return i;
	return 0;
}

#define WL_GIVEN(given, name)	((given) & (1ull << wl_key_index(name)))

/* selftest's folio and sizes: one gives the other. */
static int wl_spec_sizes(struct wl_params *p, const char *spec,
			 uint64_t given, struct diag *d)
{
	char v[32];

	if (p->folio & (p->folio - 1))
		return diag_line(d, spec, 0, "wl-spec-folio",
				 "folio=%s: not a power of two",
				 wl_fmt_size(p->folio, v));
	if (!p->sizes) {
		p->sizes = 1u << __builtin_ctzll(p->folio);
		return 0;
	}
	p->sizes_given = true;
	if (WL_GIVEN(given, "folio"))
		return diag_line(d, spec, 0, "wl-spec-sizes",
				 "sizes= and folio= together: sizes= names mem1's folios");
	/* mem1 is made of blocks of the largest size */
	p->folio = 1ull << (31 - __builtin_clz(p->sizes));
	return 0;
}

/* What only the whole selftest spec shows: combinations. */
static int wl_spec_selftest(struct wl_params *p, const char *spec,
			    uint64_t given, struct diag *d)
{
	bool one_size = !(p->sizes & (p->sizes - 1));
	char v[32], f[32];
	int rc;

	rc = wl_spec_sizes(p, spec, given, d);
	if (rc)
		return rc;
	if (p->mixed && (WL_GIVEN(given, "area") || WL_GIVEN(given, "sizes") ||
			 WL_GIVEN(given, "folio")))
		return diag_line(d, spec, 0, "wl-spec-mixed",
				 "mixed=%u: its blocks replace mem1 (no area=, sizes= or folio=)",
				 p->mixed);
	if (!p->mixed && (p->area % p->folio || p->area < p->folio))
		return diag_line(d, spec, 0, "wl-spec-area",
				 "area=%s: not a multiple of the %s folio",
				 wl_fmt_size(p->area, v), wl_fmt_size(p->folio, f));
	if (p->aligned && p->version != 2)
		return diag_line(d, spec, 0, "wl-spec-aligned",
				 "aligned=1: the swap-in it aligns is version 2's");
	if (p->version == 2 && (p->mixed || p->part_picks || p->fork > 1 ||
				!one_size))
		return diag_line(d, spec, 0, "wl-spec-version",
				 "version=2 swaps in mem1 of one size: no mixed=, part_picks=, fork= or several sizes=");
	return 0;
}

/* What only the whole spec shows: combinations. */
static int wl_spec_finish(struct workload *w, const char *spec,
			  uint64_t given, struct diag *d)
{
	if (w->kind != WL_SELFTEST)
		return 0;
	return wl_spec_selftest(&w->p, spec, given, d);
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
	w = workload_new((enum wl_kind)kind, spec);
	if (!w)
		return diag_errno(d, spec, -ENOMEM);
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
	rc = wl_spec_finish(w, spec, given, d);
	if (rc)
		goto fail;
	w->device_bytes = w->p.device;
	*out = w;
	return 0;
fail:
	workload_free(w);
	return rc;
}
