// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * info.c - the device's info keys: one check per key, then the model's
 * struct snapshot_device (info.h).
 *
 * Values reach here trimmed and NUL-terminated; a dump has at most a few
 * dozen keys, so clarity beats speed in this file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "swapfs/info.h"
#include "swapfs/moving.h"

#define INFO_FORMAT	"swapfs-dump 1"

struct info_key {
	const char *key;
	const char *rule;
	int (*check)(const char *value, struct info_error *e);
};

static int __attribute__((format(printf, 3, 4)))
info_fail(struct info_error *e, const char *rule, const char *fmt, ...)
{
	va_list ap;

	e->rule = rule;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Plain decimal, no sign, leading zeros allowed, at most @max. */
static bool info_parse_u64(const char *v, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;

	if (!*v)
		return false;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return false;
		if (n > (max - (uint64_t)(*v - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(*v - '0');
	}
	*out = n;
	return true;
}

static bool info_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static unsigned int info_log2(uint64_t v)
{
	unsigned int shift = 0;

	while ((1ull << shift) < v)
		shift++;
	return shift;
}

static int info_check_format(const char *v, struct info_error *e)
{
	if (strcmp(v, INFO_FORMAT))
		return info_fail(e, "info-format",
				 "format '%.60s' is not '" INFO_FORMAT "'", v);
	return 0;
}

static int info_check_kernel(const char *v, struct info_error *e)
{
	if (!*v)
		return info_fail(e, "info-kernel", "kernel release is empty");
	return 0;
}

static int info_check_era(const char *v, struct info_error *e)
{
	if (v[0] < 'A' || v[0] > 'G' || v[1])
		return info_fail(e, "info-era",
				 "era '%.60s' is not one of A B C D E F G", v);
	return 0;
}

static int info_check_page_size(const char *v, struct info_error *e)
{
	uint64_t n;

	if (!info_parse_u64(v, UINT32_MAX, &n) || !info_is_pow2(n) ||
	    n < SNAPSHOT_MIN_PAGE_SIZE || n > SNAPSHOT_MAX_PAGE_SIZE)
		return info_fail(e, "info-page-size",
				 "page_size '%.60s' is not a power of two from %u to %u",
				 v, SNAPSHOT_MIN_PAGE_SIZE, SNAPSHOT_MAX_PAGE_SIZE);
	return 0;
}

static int info_check_cluster_size(const char *v, struct info_error *e)
{
	uint64_t n;

	if (!info_parse_u64(v, UINT32_MAX, &n) || !info_is_pow2(n) ||
	    n > SNAPSHOT_MAX_CLUSTER_SIZE)
		return info_fail(e, "info-cluster-size",
				 "cluster_size '%.60s' is not a power of two from 1 to %u",
				 v, SNAPSHOT_MAX_CLUSTER_SIZE);
	return 0;
}

static int info_check_max(const char *v, struct info_error *e)
{
	uint64_t n;

	if (!info_parse_u64(v, UINT32_MAX, &n) || !n)
		return info_fail(e, "info-max",
				 "max '%.60s' is not a slot count from 1 to %u (si->max is an unsigned int)",
				 v, UINT32_MAX);
	return 0;
}

static int info_check_pages(const char *v, struct info_error *e)
{
	uint64_t n;

	if (!info_parse_u64(v, UINT32_MAX, &n))
		return info_fail(e, "info-pages",
				 "pages '%.60s' is not a decimal slot count", v);
	return 0;
}

static int info_check_inuse(const char *v, struct info_error *e)
{
	uint64_t n;

	if (!info_parse_u64(v, UINT64_MAX, &n))
		return info_fail(e, "info-inuse-pages",
				 "inuse_pages '%.60s' is not a decimal slot count", v);
	return 0;
}

static int info_check_type(const char *v, struct info_error *e)
{
	uint64_t n;

	/* MAX_SWAPFILES is at most 32: 5 type bits in a swap entry. */
	if (!info_parse_u64(v, 31, &n))
		return info_fail(e, "info-type",
				 "type '%.60s' is not a swap type from 0 to 31", v);
	return 0;
}

/* A simulator run or a live: read of several areas stores one snapshot
 * per area: "area" is its place among them, "areas" how many were read. */
static int info_check_area(const char *v, struct info_error *e)
{
	uint64_t n;

	if (!info_parse_u64(v, 31, &n))
		return info_fail(e, "info-area",
				 "area '%.60s' is not a number from 0 to 31", v);
	return 0;
}

static int info_check_areas(const char *v, struct info_error *e)
{
	uint64_t n;

	if (!info_parse_u64(v, 32, &n) || !n)
		return info_fail(e, "info-areas",
				 "areas '%.60s' is not a number from 1 to 32", v);
	return 0;
}

static int info_check_path(const char *v, struct info_error *e)
{
	if (!*v)
		return info_fail(e, "info-path", "path is empty");
	return 0;
}

static int info_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x1053" or "0x1053 USED|WRITEOK...": the names are for people. */
static bool info_parse_flags(const char *v, uint64_t *out)
{
	uint64_t n = 0;
	int digits = 0, x;

	if (v[0] != '0' || v[1] != 'x')
		return false;
	for (v += 2; (x = info_hex_digit(*v)) >= 0; v++) {
		if (++digits > 16)
			return false;
		n = n << 4 | (uint64_t)x;
	}
	if (!digits || (*v && *v != ' ' && *v != '\t'))
		return false;
	*out = n;
	return true;
}

static int info_check_flags(const char *v, struct info_error *e)
{
	uint64_t n;

	if (!info_parse_flags(v, &n))
		return info_fail(e, "info-flags",
				 "flags '%.60s' is not 0x<hex> (optionally followed by names)",
				 v);
	return 0;
}

/* si->prio is a signed short; the only signed number in a dump. */
static bool info_parse_prio(const char *v, int32_t *out)
{
	bool neg = *v == '-';
	uint64_t n;

	if (!info_parse_u64(v + neg, neg ? 32768 : 32767, &n))
		return false;
	*out = neg ? -(int32_t)n : (int32_t)n;
	return true;
}

static int info_check_prio(const char *v, struct info_error *e)
{
	int32_t n;

	if (!info_parse_prio(v, &n))
		return info_fail(e, "info-prio",
				 "prio '%.60s' is not a number from -32768 to 32767", v);
	return 0;
}

static int info_check_nr_orders(const char *v, struct info_error *e)
{
	uint64_t n;

	if (!info_parse_u64(v, SNAPSHOT_MAX_ORDER + 1, &n) || !n)
		return info_fail(e, "info-nr-orders",
				 "nr_orders '%.60s' is not a number from 1 to %u",
				 v, SNAPSHOT_MAX_ORDER + 1);
	return 0;
}

static int info_check_rotational(const char *v, struct info_error *e)
{
	if (strcmp(v, "0") && strcmp(v, "1"))
		return info_fail(e, "info-rotational",
				 "rotational '%.60s' is not 0 or 1", v);
	return 0;
}

static int info_check_moving(const char *v, struct info_error *e)
{
	const char *why = moving_check(v);

	return why ? info_fail(e, "info-moving", "%s", why) : 0;
}

static const struct info_key info_keys[] = {
	{ "format", "info-format", info_check_format },
	{ "kernel", "info-kernel", info_check_kernel },
	{ "era", "info-era", info_check_era },
	{ "page_size", "info-page-size", info_check_page_size },
	{ "cluster_size", "info-cluster-size", info_check_cluster_size },
	{ "max", "info-max", info_check_max },
	{ "pages", "info-pages", info_check_pages },
	{ "inuse_pages", "info-inuse-pages", info_check_inuse },
	{ "type", "info-type", info_check_type },
	{ "path", "info-path", info_check_path },
	{ "flags", "info-flags", info_check_flags },
	{ "prio", "info-prio", info_check_prio },
	{ "nr_orders", "info-nr-orders", info_check_nr_orders },
	{ "rotational", "info-rotational", info_check_rotational },
	{ MOVING_KEY, "info-moving", info_check_moving },
	{ "area", "info-area", info_check_area },
	{ "areas", "info-areas", info_check_areas },
};

static const struct info_key *info_key_find(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(info_keys) / sizeof(info_keys[0]); i++)
		if (!strcmp(info_keys[i].key, key))
			return &info_keys[i];
	return NULL;
}

bool info_key_ok(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char ch = key[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		      ch == '.'))
			return false;
	}
	return len > 0;
}

int info_check(const char *key, const char *value, struct info_error *e)
{
	const struct info_key *k = info_key_find(key);

	e->rule = NULL;
	e->key = key;
	e->why[0] = '\0';
	return k ? k->check(value, e) : 0;
}

/*
 * "X.Y" at the start of a release, with anything after Y that is not a
 * digit ("6.18.44-1-default", "7.0-rc3"). Returns false otherwise.
 */
static bool info_parse_release(const char *r, unsigned int *x, unsigned int *y)
{
	unsigned int n[2] = { 0, 0 };
	int i;

	for (i = 0; i < 2; i++) {
		if (*r < '0' || *r > '9')
			return false;
		for (; *r >= '0' && *r <= '9'; r++) {
			if (n[i] > 9999)
				return false;
			n[i] = n[i] * 10 + (unsigned int)(*r - '0');
		}
		if (!i && *r++ != '.')
			return false;
	}
	*x = n[0];
	*y = n[1];
	return true;
}

char info_era_for_kernel(const char *release)
{
	unsigned int x, y;

	if (!release || !info_parse_release(release, &x, &y))
		return 0;
	if (x < 6)
		return 'A';
	if (x == 6) {
		if (y <= 9)
			return 'A';
		if (y <= 11)
			return 'B';
		if (y <= 13)
			return 'C';
		if (y <= 17)
			return 'D';
		return 'E';	/* 6.18, 6.19: the 6.x line ends at 6.19 */
	}
	if (x == 7 && y == 0)
		return 'F';
	return 'G';
}

/* The required keys, in the order a missing one is reported. */
static const char *const info_required[] = {
	"format", "kernel", "page_size", "cluster_size", "max",
};

static int info_apply_required(struct snapshot *s, struct info_error *e)
{
	size_t i;

	for (i = 0; i < sizeof(info_required) / sizeof(info_required[0]); i++) {
		if (snapshot_info_get(s, info_required[i]))
			continue;
		e->key = NULL;
		return info_fail(e, "info-missing",
				 "required key '%s' is missing", info_required[i]);
	}
	return 0;
}

static uint32_t info_u32(const char *v)
{
	uint64_t n = 0;

	info_parse_u64(v, UINT32_MAX, &n);
	return (uint32_t)n;
}

static void info_apply_optional(struct snapshot *s)
{
	struct snapshot_device *dev = &s->dev;
	const char *v;

	if ((dev->has_pages = (v = snapshot_info_get(s, "pages"))))
		dev->pages = info_u32(v);
	if ((dev->has_inuse = (v = snapshot_info_get(s, "inuse_pages"))))
		info_parse_u64(v, UINT64_MAX, &dev->inuse_pages);
	if ((dev->has_type = (v = snapshot_info_get(s, "type"))))
		dev->type = info_u32(v);
	if ((dev->has_flags = (v = snapshot_info_get(s, "flags"))))
		info_parse_flags(v, &dev->flags);
	if ((dev->has_prio = (v = snapshot_info_get(s, "prio"))))
		info_parse_prio(v, &dev->prio);
	if ((dev->has_rotational = (v = snapshot_info_get(s, "rotational"))))
		dev->rotational = !strcmp(v, "1");
	if ((dev->has_nr_orders = (v = snapshot_info_get(s, "nr_orders"))))
		dev->nr_orders = info_u32(v);
	dev->path = snapshot_info_get(s, "path");
	dev->area = 0;
	dev->areas = 1;
	if ((dev->has_area = (v = snapshot_info_get(s, "area"))))
		dev->area = info_u32(v);
	if ((v = snapshot_info_get(s, "areas")))
		dev->areas = info_u32(v);
}

/* What only two keys together show. */
static int info_apply_cross(struct snapshot *s, struct info_error *e)
{
	struct snapshot_device *dev = &s->dev;
	const char *moving = snapshot_info_get(s, MOVING_KEY);
	uint32_t bad;
	int rc;

	if (dev->has_pages && dev->pages > dev->max) {
		e->key = "pages";
		return info_fail(e, "info-pages", "pages %u exceeds max %u",
				 dev->pages, dev->max);
	}
	if (dev->has_inuse && dev->inuse_pages > dev->max) {
		e->key = "inuse_pages";
		return info_fail(e, "info-inuse-pages",
				 "inuse_pages %llu exceeds max %u (is the off-list bit masked?)",
				 (unsigned long long)dev->inuse_pages, dev->max);
	}
	if (dev->has_nr_orders && dev->nr_orders > dev->cluster_shift + 1) {
		e->key = "nr_orders";
		return info_fail(e, "info-nr-orders",
				 "nr_orders %u exceeds log2(cluster_size) + 1 = %u (the largest order fills a cluster)",
				 dev->nr_orders, dev->cluster_shift + 1);
	}
	if (dev->has_area != (snapshot_info_get(s, "areas") != NULL) ||
	    dev->area >= dev->areas) {
		e->key = dev->has_area ? "area" : "areas";
		return info_fail(e, dev->has_area ? "info-area" : "info-areas",
				 "area %u of %u: 'area' and 'areas' come together, the area below the count",
				 dev->area, dev->areas);
	}
	s->nr_moving = 0;
	rc = moving ? moving_parse(s, moving, &bad) : 0;
	if (rc == -ENOMEM) {
		info_fail(e, "info-moving", "no memory for the moving clusters");
		return -ENOMEM;
	}
	if (rc) {
		e->key = MOVING_KEY;
		return info_fail(e, "info-moving", "cluster %u is past the last one (%u)",
				 bad, dev->nr_clusters - 1);
	}
	return 0;
}

static int info_apply_era(struct snapshot *s, struct info_error *e)
{
	const char *era = snapshot_info_get(s, "era");

	s->dev.era_given = era != NULL;
	s->dev.era = era ? era[0] : info_era_for_kernel(s->dev.kernel);
	if (s->dev.era)
		return 0;
	e->key = "kernel";
	return info_fail(e, "info-era",
			 "kernel '%.60s' does not start with X.Y, so it names no era; add an 'era' key",
			 s->dev.kernel);
}

int info_apply(struct snapshot *s, struct info_error *e)
{
	struct snapshot_device *dev = &s->dev;
	size_t i;
	int rc;

	e->rule = NULL;
	e->key = NULL;
	e->why[0] = '\0';
	for (i = 0; i < s->nr_info; i++) {
		rc = info_check(s->info[i].key, s->info[i].value, e);
		if (rc)
			return rc;
	}
	rc = info_apply_required(s, e);
	if (rc)
		return rc;

	dev->kernel = snapshot_info_get(s, "kernel");
	dev->page_size = info_u32(snapshot_info_get(s, "page_size"));
	dev->cluster_size = info_u32(snapshot_info_get(s, "cluster_size"));
	dev->cluster_shift = info_log2(dev->cluster_size);
	dev->max = info_u32(snapshot_info_get(s, "max"));
	dev->nr_clusters = (uint32_t)(((uint64_t)dev->max + dev->cluster_size - 1) >>
				      dev->cluster_shift);
	info_apply_optional(s);
	if (!dev->has_nr_orders)
		dev->nr_orders = dev->cluster_shift + 1;

	rc = info_apply_era(s, e);
	if (rc)
		return rc;
	return info_apply_cross(s, e);
}

int info_set_device(struct snapshot *s, const char *kernel, const char *era,
		    const struct info_device *d)
{
	static const char *const keys[] = {
		"max", "pages", "inuse_pages", "page_size", "cluster_size",
		"nr_orders", "flags",
	};
	char v[7][32];
	size_t i;
	int rc;

	snprintf(v[0], sizeof(v[0]), "%u", d->max);
	snprintf(v[1], sizeof(v[1]), "%" PRIu64, d->pages);
	snprintf(v[2], sizeof(v[2]), "%" PRIu64, d->inuse_pages);
	snprintf(v[3], sizeof(v[3]), "%u", d->page_size);
	snprintf(v[4], sizeof(v[4]), "%u", d->cluster_size);
	snprintf(v[5], sizeof(v[5]), "%u", d->nr_orders);
	snprintf(v[6], sizeof(v[6]), "0x%" PRIx64, d->flags);
	if ((rc = snapshot_info_set(s, "format", "swapfs-dump 1")) ||
	    (rc = snapshot_info_set(s, "kernel", kernel)) ||
	    (era && (rc = snapshot_info_set(s, "era", era))))
		return rc;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((rc = snapshot_info_set(s, keys[i], v[i])))
			return rc;
	return 0;
}
