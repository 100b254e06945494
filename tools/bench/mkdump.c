// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkdump.c - write a large, plausible dump for the benchmarks: a device
 * about half used in mixed orders, with the odd stolen order-0 slot,
 * partly freed run, cached folio, zswap and zero page, so every pass of
 * the importer and the analysis does real work.
 *
 * Usage: swapfs-mkdump [--slots N] [--era X] [--seed S] DIR
 *
 * Deterministic for a given seed. Not installed; tools/bench/snapshot
 * runs it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/dump.h>
#include <swapfs/info.h>
#include <swapfs/snapshot.h>

#define MKDUMP_CLUSTER	512u
#define MKDUMP_ORDERS	10u	/* PMD_ORDER 9 + 1 */

static uint64_t mkdump_state;

/* xorshift64*: fast, and the same sequence everywhere */
static uint32_t mkdump_rand(void)
{
	mkdump_state ^= mkdump_state >> 12;
	mkdump_state ^= mkdump_state << 25;
	mkdump_state ^= mkdump_state >> 27;
	return (uint32_t)((mkdump_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static unsigned int mkdump_pct(void)
{
	return mkdump_rand() % 100;
}

/* The order that owns a used cluster: mostly 4 (64K) and 0, some others. */
static unsigned int mkdump_pick_order(void)
{
	static const unsigned int weights[][2] = {
		{ 0, 25 }, { 2, 10 }, { 3, 10 }, { 4, 35 }, { 5, 10 }, { 9, 10 },
	};
	unsigned int r = mkdump_pct(), i;

	for (i = 0; i < sizeof(weights) / sizeof(weights[0]); i++) {
		if (r < weights[i][1])
			return weights[i][0];
		r -= weights[i][1];
	}
	return 0;
}

/* One allocated run of 2^k slots at @off: counts, backing, cache. */
static int mkdump_run(struct snapshot *s, uint32_t off, unsigned int k)
{
	uint32_t n = 1u << k, i;
	unsigned int r = mkdump_pct();
	uint16_t backing = r < 3 ? SNAPSHOT_SLOT_ZSWAP : r < 5 ? SNAPSHOT_SLOT_ZERO : 0;
	bool cached = mkdump_rand() % 1000 < 5;
	bool mixed = k && mkdump_rand() % 1000 < 2;
	int rc;

	for (i = 0; i < n; i++) {
		uint32_t count = mkdump_rand() % 20 ? 1 : 2;

		if (!(mkdump_rand() % 100000))
			count = 70 + mkdump_rand() % 200;	/* continued */
		if (cached && !(mkdump_rand() % 4))
			count = 0;				/* cache-only */
		s->slots[off + i] = (uint16_t)((cached ? SNAPSHOT_SLOT_CACHED : 0) |
					       (count ? backing : 0));
		/* mixed backing: the last page went to zswap, the rest to disk */
		if (mixed && i == n - 1 && count && backing != SNAPSHOT_SLOT_ZERO)
			s->slots[off + i] ^= SNAPSHOT_SLOT_ZSWAP;
		rc = snapshot_set_count(s, off + i, count);
		if (rc)
			return rc;
	}
	if (cached) {
		rc = snapshot_add_folio(s, off, k, SNAPSHOT_FOLIO_UPTODATE |
					(mkdump_pct() < 50 ? SNAPSHOT_FOLIO_DIRTY : 0), NULL);
		if (rc)
			return rc;
	}
	rc = snapshot_add_run(s, off, k, NULL);
	/* a partly freed run (MADV_DONTNEED of part of an mTHP) */
	if (!rc && k && !cached && mkdump_rand() % 100 == 0) {
		rc = snapshot_set_count(s, off + n - 1, 0);
		s->slots[off + n - 1] &= ~(SNAPSHOT_SLOT_ZSWAP | SNAPSHOT_SLOT_ZERO);
	}
	return rc;
}

/* A used cluster owned by order @k, 70..100% of its aligned blocks taken. */
static int mkdump_cluster(struct snapshot *s, uint32_t ci, unsigned int k)
{
	struct snapshot_cluster *c = &s->clusters[ci];
	uint32_t first = ci * MKDUMP_CLUSTER, off, i, used = 0;
	unsigned int fill = 70 + mkdump_rand() % 31;
	int rc;

	for (off = first; off < first + MKDUMP_CLUSTER; off += 1u << k) {
		if (ci == 0 && off == 0) {
			s->slots[0] = SNAPSHOT_SLOT_BAD;	/* the header */
			continue;
		}
		if (mkdump_pct() < fill) {
			rc = mkdump_run(s, off, k);
		} else if (k && mkdump_rand() % 50 == 0) {
			rc = mkdump_run(s, off, 0);	/* order-0 stealing */
		} else {
			continue;
		}
		if (rc)
			return rc;
	}
	for (i = first; i < first + MKDUMP_CLUSTER; i++)
		used += !snapshot_slot_free(s->slots[i]);
	c->count = (uint16_t)used;
	c->order = used ? (uint8_t)k : 0;
	c->flags = !used ? SNAPSHOT_CLUSTER_FREE :
		   used == MKDUMP_CLUSTER ? SNAPSHOT_CLUSTER_FULL :
		   mkdump_pct() < 50 ? SNAPSHOT_CLUSTER_FRAG : SNAPSHOT_CLUSTER_NONFULL;
	return 0;
}

static int mkdump_fill(struct snapshot *s)
{
	uint64_t inuse = 0, bad = 0;
	uint32_t ci, i;
	char buf[32];
	int rc;

	for (ci = 0; ci < s->dev.nr_clusters; ci++) {
		if (ci && mkdump_pct() < 45) {
			s->clusters[ci].flags = SNAPSHOT_CLUSTER_FREE;
			continue;
		}
		rc = mkdump_cluster(s, ci, ci ? mkdump_pick_order() : 0);
		if (rc)
			return rc;
	}
	for (i = 0; i < s->dev.max; i++) {
		bad += !!(s->slots[i] & SNAPSHOT_SLOT_BAD);
		inuse += !snapshot_slot_free(s->slots[i]) &&
			 !(s->slots[i] & SNAPSHOT_SLOT_BAD);
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, s->dev.max - bad);
	rc = snapshot_info_add(s, "pages", buf);
	snprintf(buf, sizeof(buf), "%" PRIu64, inuse);
	return rc ?: snapshot_info_add(s, "inuse_pages", buf);
}

static int mkdump_info(struct snapshot *s, uint32_t slots, char era)
{
	char buf[32], era_s[2] = { era, '\0' };
	struct info_error e;

	snprintf(buf, sizeof(buf), "%" PRIu32, slots);
	if (snapshot_info_add(s, "format", "swapfs-dump 1") ||
	    snapshot_info_add(s, "kernel", era == 'G' ? "7.1.0" : "6.18.44") ||
	    snapshot_info_add(s, "era", era_s) ||
	    snapshot_info_add(s, "page_size", "4096") ||
	    snapshot_info_add(s, "cluster_size", "512") ||
	    snapshot_info_add(s, "max", buf) ||
	    snapshot_info_add(s, "type", "0") ||
	    snapshot_info_add(s, "path", "/dev/zram0") ||
	    snapshot_info_add(s, "flags", "0x1053 USED WRITEOK SOLIDSTATE BLKDEV SYNCHRONOUS_IO") ||
	    snapshot_info_add(s, "prio", "100") ||
	    snapshot_info_add(s, "nr_orders", "10") ||
	    snapshot_info_add(s, "rotational", "0"))
		return -ENOMEM;
	if (info_apply(s, &e)) {
		fprintf(stderr, "mkdump: info: %s\n", e.why);
		return -EINVAL;
	}
	return snapshot_set_geometry(s, slots, MKDUMP_CLUSTER);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "slots", required_argument, NULL, 'n' },
		{ "era", required_argument, NULL, 'e' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t slots = 268435456;
	struct snapshot *s;
	struct diag d;
	char era = 'G';
	int c, rc;

	mkdump_state = 0x5357415046530001ULL;
	while ((c = getopt_long(argc, argv, "n:e:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			slots = strtoull(optarg, NULL, 0);
			break;
		case 'e':
			era = optarg[0];
			break;
		case 's':
			mkdump_state = strtoull(optarg, NULL, 0) | 1;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || !slots || slots > UINT32_MAX ||
	    slots % MKDUMP_CLUSTER || era < 'C' || era > 'G') {
		fprintf(stderr, "usage: %s [--slots N (multiple of 512)] [--era C..G] [--seed S] DIR\n",
			argv[0]);
		return 2;
	}
	s = snapshot_new();
	if (!s)
		return 3;
	rc = mkdump_info(s, (uint32_t)slots, era);
	if (!rc)
		rc = mkdump_fill(s);
	if (!rc)
		rc = snapshot_finish(s, NULL);
	if (!rc) {
		s->files = SNAPSHOT_HAS_CACHE | SNAPSHOT_HAS_CONTINUED |
			   SNAPSHOT_HAS_ZEROMAP | SNAPSHOT_HAS_ZSWAP |
			   SNAPSHOT_HAS_ORDERS;
		rc = dump_write(s, argv[optind], 0, &d);
		if (rc)
			fprintf(stderr, "mkdump: %s\n", d.msg);
	}
	snapshot_free(s);
	return rc ? 3 : 0;
}
