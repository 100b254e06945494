// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - the workload of the kernel selftest
 * tools/testing/selftests/mm/thp_swap_allocator_test.c, with its constants
 * turned into parameters, and the real kernel's mTHP swap-out counters
 * summed over the run.
 *
 * Usage: swapfs-kernel-replay [--json] [--quiet] [--check] [key=value...]
 *
 * It does not set anything up: the swap device, the THP sizes and zswap
 * are the caller's business (tools/kernel-replay/kernel-replay does it).
 * Run under that driver, the parameters mean what `swapfs sim --builtin
 * selftest:...` means by them; "device" belongs to the driver only.
 *
 * Each round, as in the selftest:
 *   1. read hugepages-64kB/stats/{swpout,swpout_fallback};
 *   2. @picks times: a random 64 KiB block of mem1 gets MADV_DONTNEED
 *      (which frees its swap slots if it was out) and is rewritten with
 *      0x11, so it faults back in as a fresh 64 KiB folio;
 *   3. with small=1: the same @small_picks times on random pages of mem2;
 *   4. MADV_PAGEOUT on mem1, then on mem2;
 *   5. read the counters again and print the round's increments.
 * Nothing is touched before round 1: only the blocks picked so far are
 * present, so the device fills up over the first rounds.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define KR_MTHP_SIZE	(64u * 1024u)
#define KR_THP_DIR	"/sys/kernel/mm/transparent_hugepage/"
#define KR_STATS_DIR	KR_THP_DIR "hugepages-64kB/stats/"
#define KR_EXIT_SKIP	77

struct kr_params {
	size_t area;		/* mem1: 64 KiB folios */
	size_t small_area;	/* mem2: small folios, used with small=1 */
	unsigned int rounds;
	unsigned int picks;	/* 64 KiB blocks of mem1 redone a round */
	unsigned int small_picks; /* pages of mem2 redone a round */
	bool small;
	unsigned int seed;
	int cpu;		/* -1: not pinned */
};

/* The counters we watch, read from KR_STATS_DIR. */
enum kr_stat {
	KR_SWPOUT,
	KR_SWPOUT_FALLBACK,
	KR_SWPIN,
	KR_SWPIN_FALLBACK,
	KR_FAULT_ALLOC,
	KR_FAULT_FALLBACK,
	KR_NR_STATS,
};

static const char *const kr_stat_names[KR_NR_STATS] = {
	[KR_SWPOUT]		= "swpout",
	[KR_SWPOUT_FALLBACK]	= "swpout_fallback",
	[KR_SWPIN]		= "swpin",
	[KR_SWPIN_FALLBACK]	= "swpin_fallback",
	[KR_FAULT_ALLOC]	= "anon_fault_alloc",
	[KR_FAULT_FALLBACK]	= "anon_fault_fallback",
};

struct kr_round {
	uint64_t swpout;
	uint64_t swpout_fallback;
};

/*
 * The other swap areas. One that is active while we run takes our swap-outs
 * once the device is full and hides the fallbacks, so the caller must know,
 * also of one that came and went within a round: /proc/swaps polls with
 * POLLPRI after any swapon or swapoff since the last poll.
 */
struct kr_swaps {
	int fd;			/* /proc/swaps, opened at the start */
	unsigned int max_areas;	/* most areas seen active at once */
	unsigned int events;	/* rounds with a swapon or swapoff */
	uint64_t used_kib;	/* Used summed over the areas, at the end */
};

static void kr_usage(FILE *f)
{
	fprintf(f,
"Usage: %s [--json] [--quiet] [--check] [key=value...]\n"
"\n"
"Replay the workload of the kernel selftest mm/thp_swap_allocator_test on the\n"
"running kernel and report the 64 KiB mTHP swap-out fallback share.\n"
"Set up the swap device and THP sizes first (see tools/kernel-replay/\n"
"kernel-replay, which does it on a fresh zram device).\n"
"\n"
"Parameters (sizes take K, M or G, binary):\n"
"  area=SIZE         mem1, 64 KiB folios (default 60M, multiple of 64K)\n"
"  rounds=N          rounds (default 100)\n"
"  small=0|1         also churn mem2 of small folios, the selftest's -s\n"
"                    (default 0)\n"
"  small_area=SIZE   mem2 (default 1M, multiple of the page size)\n"
"  picks=N           64 KiB blocks of mem1 re-touched per round (default 256)\n"
"  small_picks=N     pages of mem2 re-touched per round (default 192)\n"
"  seed=N            srand() seed; the selftest never seeds, i.e. 1\n"
"                    (default 1)\n"
"  cpu=N             pin to CPU N (default: not pinned, as the selftest)\n"
"\n"
"Options:\n"
"  -j, --json        print only a JSON summary (with the per-round counts)\n"
"  -q, --quiet       no per-round lines\n"
"  -c, --check       only check the parameters\n"
"  -h, --help        this text\n"
"\n"
"Output: one line per round in the selftest's words, then\n"
"  summary rounds=N swpout=N swpout_fallback=N fallback_pct=P.PP ...\n"
"with fallback_pct = swpout_fallback / (swpout + swpout_fallback) * 100\n"
"over the whole run (\"nan\" when nothing was swapped out).\n"
"Exit status: 0 done, 1 failure, 2 usage, 77 the kernel lacks the counters.\n",
		program_invocation_short_name);
}

/* "64M" and friends: a byte count with an optional binary K/M/G suffix. */
static int kr_parse_size(const char *s, size_t *out)
{
	unsigned long long v, mult = 1;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ull << 10;
		end++;
		break;
	case 'm': case 'M':
		mult = 1ull << 20;
		end++;
		break;
	case 'g': case 'G':
		mult = 1ull << 30;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end == 'i' && end[1] == 'B')	/* "64MiB" */
		end += 2;
	if (*end || !v || v > SIZE_MAX / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

static int kr_parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int kr_parse_param(struct kr_params *p, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *val;
	size_t klen;
	unsigned int u;
	int rc = -EINVAL;

	if (!eq)
		return -EINVAL;
	klen = (size_t)(eq - arg);
	val = eq + 1;

#define KEY(name) (klen == strlen(name) && !strncmp(arg, name, klen))
	if (KEY("area")) {
		rc = kr_parse_size(val, &p->area);
	} else if (KEY("small_area")) {
		rc = kr_parse_size(val, &p->small_area);
	} else if (KEY("rounds")) {
		rc = kr_parse_uint(val, 1000000, &p->rounds);
	} else if (KEY("picks")) {
		rc = kr_parse_uint(val, 100000000, &p->picks);
	} else if (KEY("small_picks")) {
		rc = kr_parse_uint(val, 100000000, &p->small_picks);
	} else if (KEY("small")) {
		rc = kr_parse_uint(val, 1, &u);
		p->small = u;
	} else if (KEY("seed")) {
		rc = kr_parse_uint(val, UINT32_MAX, &p->seed);
	} else if (KEY("cpu")) {
		rc = kr_parse_uint(val, CPU_SETSIZE - 1, &u);
		p->cpu = (int)u;
	}
#undef KEY
	return rc;
}

/* One counter of KR_STATS_DIR; -1 if it cannot be read. */
static int kr_read_stat(enum kr_stat st, uint64_t *out)
{
	char path[256];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), KR_STATS_DIR "%s", kr_stat_names[st]);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fscanf(f, "%" SCNu64, out);
	fclose(f);
	return n == 1 ? 0 : -1;
}

static void kr_read_stats(uint64_t v[KR_NR_STATS])
{
	int i;

	for (i = 0; i < KR_NR_STATS; i++) {
		if (kr_read_stat(i, &v[i])) {
			fprintf(stderr, "%s: cannot read %s%s: %m\n",
				program_invocation_short_name, KR_STATS_DIR,
				kr_stat_names[i]);
			exit(EXIT_FAILURE);
		}
	}
}

static void kr_swaps_open(struct kr_swaps *w)
{
	w->fd = open("/proc/swaps", O_RDONLY | O_CLOEXEC);
	if (w->fd < 0) {
		fprintf(stderr, "%s: /proc/swaps: %m\n",
			program_invocation_short_name);
		exit(EXIT_FAILURE);
	}
}

/* Count the active areas and their Used KiB; note a swapon/swapoff. */
static void kr_swaps_check(struct kr_swaps *w)
{
	struct pollfd pfd = { .fd = w->fd, .events = POLLPRI };
	unsigned int n = 0;
	uint64_t size, used;
	char line[512];
	FILE *f;

	if (poll(&pfd, 1, 0) > 0 && pfd.revents & (POLLPRI | POLLERR))
		w->events++;
	w->used_kib = 0;
	f = fopen("/proc/swaps", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %" SCNu64 " %" SCNu64,
			   &size, &used) == 2) {
			n++;
			w->used_kib += used;
		}
	}
	fclose(f);
	if (n > w->max_areas)
		w->max_areas = n;
}

/* The selftest's memory: posix_memalign'd, then advised. */
static void *kr_alloc(size_t size, int advice, const char *what)
{
	void *mem = NULL;
	int rc = posix_memalign(&mem, KR_MTHP_SIZE, size);

	if (rc) {
		fprintf(stderr, "%s: posix_memalign %s: %s\n",
			program_invocation_short_name, what, strerror(rc));
		exit(EXIT_FAILURE);
	}
	if (madvise(mem, size, advice)) {
		fprintf(stderr, "%s: madvise %s: %m\n",
			program_invocation_short_name, what);
		exit(EXIT_FAILURE);
	}
	return mem;
}

/* Free @n random @unit-aligned blocks of @mem and write them again. */
static void kr_churn(char *mem, size_t size, size_t unit, unsigned int n)
{
	size_t blocks = size / unit;
	unsigned int i;

	for (i = 0; i < n; i++) {
		char *addr = mem + (size_t)rand() % blocks * unit;

		if (madvise(addr, unit, MADV_DONTNEED))
			fprintf(stderr, "%s: madvise dontneed: %m\n",
				program_invocation_short_name);
		memset(addr, 0x11, unit);
	}
}

static void kr_pageout(void *mem, size_t size, const char *what)
{
	if (madvise(mem, size, MADV_PAGEOUT)) {
		fprintf(stderr, "%s: madvise pageout %s: %m\n",
			program_invocation_short_name, what);
		exit(EXIT_FAILURE);
	}
}

/* "60M" when it is a whole number of MiB, and so on: parseable again. */
static const char *kr_fmt_size(size_t v, char buf[32])
{
	if (!(v % (1u << 20)))
		snprintf(buf, 32, "%zuM", v >> 20);
	else if (!(v % (1u << 10)))
		snprintf(buf, 32, "%zuK", v >> 10);
	else
		snprintf(buf, 32, "%zu", v);
	return buf;
}

static void kr_fmt_pct(uint64_t out, uint64_t fb, char buf[32])
{
	if (out + fb)
		snprintf(buf, 32, "%.2f",
			 (double)fb * 100.0 / (double)(out + fb));
	else
		snprintf(buf, 32, "nan");
}

static void kr_print_json(const struct kr_params *p, const uint64_t d[],
			  const struct kr_round *r, const struct kr_swaps *w)
{
	char pct[32];
	unsigned int i;

	kr_fmt_pct(d[KR_SWPOUT], d[KR_SWPOUT_FALLBACK], pct);
	printf("{\n");
	printf("  \"rounds\": %u,\n", p->rounds);
	printf("  \"swpout\": %" PRIu64 ",\n", d[KR_SWPOUT]);
	printf("  \"swpout_fallback\": %" PRIu64 ",\n", d[KR_SWPOUT_FALLBACK]);
	/* JSON has no NaN */
	printf("  \"fallback_pct\": %s,\n", strcmp(pct, "nan") ? pct : "null");
	printf("  \"params\": {\"area\": %zu, \"rounds\": %u, \"small\": %d, "
	       "\"small_area\": %zu, \"picks\": %u, \"small_picks\": %u, "
	       "\"seed\": %u, \"cpu\": %d},\n",
	       p->area, p->rounds, p->small, p->small_area, p->picks,
	       p->small_picks, p->seed, p->cpu);
	printf("  \"swpin\": %" PRIu64 ",\n", d[KR_SWPIN]);
	printf("  \"swpin_fallback\": %" PRIu64 ",\n", d[KR_SWPIN_FALLBACK]);
	printf("  \"anon_fault_alloc\": %" PRIu64 ",\n", d[KR_FAULT_ALLOC]);
	printf("  \"anon_fault_fallback\": %" PRIu64 ",\n",
	       d[KR_FAULT_FALLBACK]);
	printf("  \"max_swap_areas\": %u,\n", w->max_areas);
	printf("  \"swap_events\": %u,\n", w->events);
	printf("  \"swap_used_kib\": %" PRIu64 ",\n", w->used_kib);
	printf("  \"per_round\": [");
	for (i = 0; i < p->rounds; i++)
		printf("%s\n    {\"round\": %u, \"swpout\": %" PRIu64
		       ", \"swpout_fallback\": %" PRIu64 "}",
		       i ? "," : "", i + 1, r[i].swpout, r[i].swpout_fallback);
	printf("\n  ]\n}\n");
}

static void kr_print_summary(const struct kr_params *p, const uint64_t d[],
			     const struct kr_swaps *w)
{
	char pct[32], a[32], sa[32];

	kr_fmt_pct(d[KR_SWPOUT], d[KR_SWPOUT_FALLBACK], pct);
	printf("summary rounds=%u swpout=%" PRIu64 " swpout_fallback=%" PRIu64
	       " fallback_pct=%s area=%s small=%d small_area=%s picks=%u"
	       " small_picks=%u seed=%u anon_fault_alloc=%" PRIu64
	       " anon_fault_fallback=%" PRIu64 " max_swap_areas=%u"
	       " swap_events=%u swap_used_kib=%" PRIu64 "\n",
	       p->rounds, d[KR_SWPOUT], d[KR_SWPOUT_FALLBACK], pct,
	       kr_fmt_size(p->area, a), p->small,
	       kr_fmt_size(p->small_area, sa), p->picks, p->small_picks,
	       p->seed, d[KR_FAULT_ALLOC], d[KR_FAULT_FALLBACK], w->max_areas,
	       w->events, w->used_kib);
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json",  no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "check", no_argument, NULL, 'c' },
		{ "help",  no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kr_params p = {
		.area = 60u << 20,
		.small_area = 1u << 20,
		.rounds = 100,
		.picks = 256,
		.small_picks = 192,
		.seed = 1,
		.cpu = -1,
	};
	uint64_t before[KR_NR_STATS], after[KR_NR_STATS];
	uint64_t total[KR_NR_STATS] = { 0 };
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	bool json = false, quiet = false, check = false;
	struct kr_swaps swaps = { .fd = -1 };
	unsigned int i;
	struct kr_round *rounds;
	char *mem1, *mem2 = NULL;
	int c, s;

	while ((c = getopt_long(argc, argv, "jqch", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			check = true;
			break;
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			kr_usage(stdout);
			return EXIT_SUCCESS;
		default:
			goto usage;
		}
	}
	for (; optind < argc; optind++) {
		if (kr_parse_param(&p, argv[optind])) {
			fprintf(stderr, "%s: bad parameter '%s'\n",
				program_invocation_short_name, argv[optind]);
			goto usage;
		}
	}
	if (p.area % KR_MTHP_SIZE || p.small_area % page) {
		fprintf(stderr, "%s: area must be a multiple of 64K and "
			"small_area of the page size (%zu)\n",
			program_invocation_short_name, page);
		goto usage;
	}
	if (check)
		return EXIT_SUCCESS;

	/*
	 * meson sets MALLOC_PERTURB_ for its tests; glibc would then fill the
	 * new areas at allocation and fault all of them in before round 1,
	 * which the selftest never does.
	 */
	mallopt(M_PERTURB, 0);

	if (kr_read_stat(KR_SWPOUT, &before[0])) {
		fprintf(stderr, "%s: %sswpout: %m (no mTHP swap counters?)\n",
			program_invocation_short_name, KR_STATS_DIR);
		return KR_EXIT_SKIP;
	}
	if (p.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(p.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "%s: cannot pin to CPU %d: %m\n",
				program_invocation_short_name, p.cpu);
			return EXIT_FAILURE;
		}
	}

	rounds = calloc(p.rounds ? p.rounds : 1, sizeof(*rounds));
	if (!rounds) {
		fprintf(stderr, "%s: out of memory\n",
			program_invocation_short_name);
		return EXIT_FAILURE;
	}
	mem1 = kr_alloc(p.area, MADV_HUGEPAGE, "mem1");
	if (p.small)
		mem2 = kr_alloc(p.small_area, MADV_NOHUGEPAGE, "mem2");
	srand(p.seed);
	kr_swaps_open(&swaps);

	for (i = 0; i < p.rounds; i++) {
		struct kr_round *r = &rounds[i];
		char pct[32];

		kr_read_stats(before);
		kr_churn(mem1, p.area, KR_MTHP_SIZE, p.picks);
		if (p.small)
			kr_churn(mem2, p.small_area, page, p.small_picks);
		kr_pageout(mem1, p.area, "mem1");
		if (p.small)
			kr_pageout(mem2, p.small_area, "mem2");
		kr_read_stats(after);
		kr_swaps_check(&swaps);

		for (s = 0; s < KR_NR_STATS; s++)
			total[s] += after[s] - before[s];
		r->swpout = after[KR_SWPOUT] - before[KR_SWPOUT];
		r->swpout_fallback = after[KR_SWPOUT_FALLBACK] -
				     before[KR_SWPOUT_FALLBACK];
		if (json || quiet)
			continue;
		kr_fmt_pct(r->swpout, r->swpout_fallback, pct);
		printf("Iteration %u: swpout inc: %" PRIu64
		       ", swpout fallback inc: %" PRIu64
		       ", Fallback percentage: %s%%\n",
		       i + 1, r->swpout, r->swpout_fallback, pct);
		fflush(stdout);
	}

	/* Used is read in the last check, while our pages were still out */
	if (json)
		kr_print_json(&p, total, rounds, &swaps);
	else
		kr_print_summary(&p, total, &swaps);
	close(swaps.fd);

	free(mem2);
	free(mem1);
	free(rounds);
	return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;

usage:
	fprintf(stderr, "Try '%s --help' for more information.\n",
		program_invocation_short_name);
	return 2;
}
