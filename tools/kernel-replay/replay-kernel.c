// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay-kernel.c - the "selftest" workload (swapfs-workload(5)) on the
 * running kernel: the same picks as src/sim/workload-selftest.c draws
 * (its PRNG, in its order), made with madvise() and memset() on memory
 * laid out as the simulator lays it out, and the real kernel's mTHP
 * counters summed per order and round. At checkpoints the swap area is
 * read through the live: reader, while this process is stopped.
 *
 * It does not set anything up: the swap device, the mTHP sizes and zswap
 * are the caller's (tools/kernel-replay/kernel-replay).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <swapfs/live.h>

#include "replay.h"

#define KR_THP_DIR	"/sys/kernel/mm/transparent_hugepage/"
/* Mappings are aligned to a page table: PMD_SIZE on x86-64. */
#define KR_PMD_SIZE	(2u << 20)

/* The simulator's PRNG (wl_rng, src/sim/workload-gen.h): splitmix64. */
struct kr_rng {
	uint64_t s;
};

static uint64_t kr_rng_below(struct kr_rng *r, uint64_t n)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (uint64_t)(((unsigned __int128)z * n) >> 64);
}

struct kr_run {
	struct kr_result *r;
	const struct workload_selftest *p;
	struct kr_rng rng;
	size_t page;
	uint32_t fpages, nblocks, nsizes, size_pages[32];
	char *mem;		/* mem1, or the reservation of the mixed blocks */
	size_t mem_bytes;
	uint32_t *mstart;	/* mixed: first page of each block */
	uint8_t *morder;
	char *mem2;
	uint32_t nsmall;
	pid_t kids[64];
	unsigned int nkids;
	struct live *live;
	int swaps_fd;		/* /proc/swaps, polled for swapon/swapoff */
};

static void kr_die(const char *what)
{
	fprintf(stderr, "%s: %s: %m\n", program_invocation_short_name, what);
	exit(EXIT_FAILURE);
}

/* One counter of hugepages-<size>kB/stats/; -1 when unreadable. */
static int kr_read_stat(unsigned long kb, enum kr_stat st, uint64_t *out)
{
	char path[256];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), KR_THP_DIR "hugepages-%lukB/stats/%s", kb,
		 kr_stat_names[st]);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fscanf(f, "%" SCNu64, out);
	fclose(f);
	return n == 1 ? 0 : -1;
}

static void kr_read_stats(const struct kr_run *x,
			  uint64_t v[KR_ORDERS][KR_NR_STATS])
{
	unsigned int k, st;

	for (k = 1; k < KR_ORDERS; k++) {
		if (!(x->r->orders & (1u << k)))
			continue;
		for (st = 0; st < KR_NR_STATS; st++)
			if (kr_read_stat((x->page << k) >> 10, st, &v[k][st]))
				kr_die("cannot read the mTHP counters");
	}
}

/* Anonymous memory of @bytes aligned to a page table, @prot. */
static char *kr_map(size_t bytes, int prot)
{
	size_t len = bytes + KR_PMD_SIZE, head;
	char *m = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	if (m == MAP_FAILED)
		kr_die("mmap");
	head = (KR_PMD_SIZE - (uintptr_t)m % KR_PMD_SIZE) % KR_PMD_SIZE;
	if (head)
		munmap(m, head);
	munmap(m + head + bytes, len - head - bytes);
	return m + head;
}

static void kr_madvise(void *addr, size_t len, int advice, const char *what)
{
	if (madvise(addr, len, advice))
		kr_die(what);
}

/* memset() of @n pages from @addr, page by page in address order. */
static void kr_write(const struct kr_run *x, char *addr, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		memset(addr + i * x->page, 0x11, x->page);
}

/*
 * The mixed blocks as workload-selftest.c lays them out: block i of the
 * i-th order of mixed_orders in turn, after a guard page, aligned to its
 * size; each its own mapping (the guard pages stay PROT_NONE).
 */
static void kr_lay_mixed(struct kr_run *x)
{
	unsigned int list[KR_ORDERS], n = 0, k;
	uint32_t at = 0, b;

	for (k = 0; k < KR_ORDERS; k++)
		if (x->p->mixed_orders & (1u << k))
			list[n++] = k;
	x->mstart = calloc(x->nblocks, sizeof(*x->mstart));
	x->morder = calloc(x->nblocks, 1);
	if (!x->mstart || !x->morder)
		kr_die("calloc");
	for (b = 0; b < x->nblocks; b++) {
		x->morder[b] = (uint8_t)list[b % n];
		at = (at + 1 + (1u << x->morder[b]) - 1) & ~((1u << x->morder[b]) - 1);
		x->mstart[b] = at;
		at += 1u << x->morder[b];
	}
	x->mem_bytes = (size_t)at * x->page;
	x->mem = kr_map(x->mem_bytes, PROT_NONE);
	for (b = 0; b < x->nblocks; b++) {
		char *a = x->mem + (size_t)x->mstart[b] * x->page;
		size_t len = x->page << x->morder[b];

		if (mprotect(a, len, PROT_READ | PROT_WRITE))
			kr_die("mprotect");
		kr_madvise(a, len, x->morder[b] ? MADV_HUGEPAGE : MADV_NOHUGEPAGE,
			   "madvise hugepage");
	}
}

static void kr_layout(struct kr_run *x)
{
	const struct workload_selftest *p = x->p;
	unsigned int b;

	if (p->mixed) {
		x->nblocks = p->mixed;
		x->fpages = 1;
		kr_lay_mixed(x);
	} else {
		x->fpages = (uint32_t)(p->folio / x->page);
		x->nblocks = (uint32_t)(p->area / p->folio);
		for (b = 0; b < 32; b++)
			if (p->sizes & (1u << b))
				x->size_pages[x->nsizes++] = (uint32_t)((1ull << b) / x->page);
		x->mem_bytes = p->area;
		x->mem = kr_map(p->area, PROT_READ | PROT_WRITE);
		kr_madvise(x->mem, p->area, MADV_HUGEPAGE, "madvise hugepage");
	}
	x->nsmall = p->small ? (uint32_t)(p->small_area / x->page) : 0;
	if (x->nsmall) {
		x->mem2 = kr_map(p->small_area, PROT_READ | PROT_WRITE);
		kr_madvise(x->mem2, p->small_area, MADV_NOHUGEPAGE, "madvise nohugepage");
	}
}

/* Block @b: its address and pages. */
static char *kr_block(const struct kr_run *x, uint32_t b, uint32_t *n)
{
	if (x->mstart) {
		*n = 1u << x->morder[b];
		return x->mem + (size_t)x->mstart[b] * x->page;
	}
	*n = x->fpages;
	return x->mem + (size_t)b * x->fpages * x->page;
}

static void kr_pick(struct kr_run *x)
{
	uint32_t n, s = x->fpages;
	char *a;

	if (x->mstart) {
		a = kr_block(x, (uint32_t)kr_rng_below(&x->rng, x->nblocks), &n);
	} else {
		if (x->nsizes > 1)
			s = x->size_pages[kr_rng_below(&x->rng, x->nsizes)];
		n = s;
		a = x->mem + kr_rng_below(&x->rng, (uint64_t)x->nblocks *
					  x->fpages / s) * s * x->page;
	}
	kr_madvise(a, n * x->page, MADV_DONTNEED, "madvise dontneed");
	kr_write(x, a, n);
}

static void kr_part_pick(struct kr_run *x)
{
	uint32_t n, at, len;
	char *a = kr_block(x, (uint32_t)kr_rng_below(&x->rng, x->nblocks), &n);

	at = (uint32_t)kr_rng_below(&x->rng, n);
	len = 1 + (uint32_t)kr_rng_below(&x->rng, n - at);
	kr_madvise(a + (size_t)at * x->page, (size_t)len * x->page,
		   MADV_DONTNEED, "madvise dontneed");
}

static void kr_swapin(struct kr_run *x)
{
	uint32_t unit = x->p->aligned ? x->fpages : 1, i;
	uint64_t units = (uint64_t)x->nblocks * x->fpages / unit;

	for (i = 0; i < (uint64_t)x->p->picks * x->fpages / unit; i++)
		kr_write(x, x->mem + kr_rng_below(&x->rng, units) * unit * x->page,
			 unit);
}

static void kr_pageout(struct kr_run *x)
{
	kr_madvise(x->mem, x->mem_bytes, MADV_PAGEOUT, "madvise pageout mem1");
	if (x->nsmall)
		kr_madvise(x->mem2, x->nsmall * x->page, MADV_PAGEOUT,
			   "madvise pageout mem2");
}

/* The children exit one after the other; then new ones are forked. */
static void kr_fork(struct kr_run *x)
{
	unsigned int i;
	pid_t pid;

	for (i = 0; i < x->nkids; i++) {
		kill(x->kids[i], SIGKILL);
		if (waitpid(x->kids[i], NULL, 0) < 0)
			kr_die("waitpid");
	}
	x->nkids = 0;
	for (i = 0; i + 1 < x->p->fork; i++) {
		pid = fork();
		if (pid < 0)
			kr_die("fork");
		if (!pid) {
			/* touch nothing: only hold the references */
			for (;;)
				pause();
		}
		x->kids[x->nkids++] = pid;
	}
}

static void kr_round(struct kr_run *x, uint32_t round)
{
	const struct workload_selftest *p = x->p;
	uint32_t i;
	char *pg;

	if (p->version == 2)
		kr_swapin(x);
	for (i = 0; i < p->picks; i++)
		kr_pick(x);
	for (i = 0; i < p->part_picks; i++)
		kr_part_pick(x);
	for (i = 0; x->nsmall && i < p->small_picks; i++) {
		pg = x->mem2 + kr_rng_below(&x->rng, x->nsmall) * x->page;
		if (p->version != 2)
			kr_madvise(pg, x->page, MADV_DONTNEED, "madvise dontneed");
		kr_write(x, pg, 1);
	}
	kr_pageout(x);
	if (p->fork > 1 && !(round % p->fork_every))
		kr_fork(x);
}

/* version 2: everything written and paged out once before round 1. */
static void kr_warm_up(struct kr_run *x)
{
	kr_write(x, x->mem, (uint32_t)(x->mem_bytes / x->page));
	kr_madvise(x->mem, x->mem_bytes, MADV_PAGEOUT, "madvise pageout mem1");
	if (!x->nsmall)
		return;
	kr_write(x, x->mem2, x->nsmall);
	kr_madvise(x->mem2, x->nsmall * x->page, MADV_PAGEOUT,
		   "madvise pageout mem2");
}

/* Count the active areas and their Used KiB; note a swapon/swapoff. */
static void kr_swaps_check(struct kr_run *x)
{
	struct pollfd pfd = { .fd = x->swaps_fd, .events = POLLPRI };
	unsigned int n = 0;
	uint64_t size, used;
	char line[512];
	FILE *f;

	if (poll(&pfd, 1, 0) > 0 && pfd.revents & (POLLPRI | POLLERR))
		x->r->swap_events++;
	x->r->swap_used_kib = 0;
	f = fopen("/proc/swaps", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %" SCNu64 " %" SCNu64, &size, &used) == 2) {
			n++;
			x->r->swap_used_kib += used;
		}
	}
	fclose(f);
	if (n > x->r->max_swap_areas)
		x->r->max_swap_areas = n;
}

static int kr_checkpoint(struct kr_run *x, uint32_t round)
{
	struct snapshot *s;
	struct diag d;
	const char *m;
	int rc;

	rc = live_read(x->live, &s, &d);
	if (rc) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, d.msg);
		return rc;
	}
	kr_state_of(s, round, &x->r->states[x->r->nr_states]);
	m = snapshot_info_get(s, "live_moving");
	x->r->states[x->r->nr_states++].live_moving = m ? (unsigned int)atoi(m) : 0;
	snapshot_free(s);
	return 0;
}

static int kr_setup(struct kr_run *x)
{
	struct kr_result *r = x->r;
	struct diag d;
	cpu_set_t set;
	int rc;

	if (r->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(r->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "%s: cannot pin to CPU %d: %m\n",
				program_invocation_short_name, r->cpu);
			return 1;
		}
	}
	if (r->live) {
		rc = live_open(r->live, &x->live, &d);
		if (rc) {
			fprintf(stderr, "%s: %s\n", program_invocation_short_name, d.msg);
			return rc == -EPERM || rc == -ENOTSUP ? KR_EXIT_SKIP : 1;
		}
	}
	x->swaps_fd = open("/proc/swaps", O_RDONLY | O_CLOEXEC);
	if (x->swaps_fd < 0)
		kr_die("/proc/swaps");
	kr_layout(x);
	return 0;
}

static int kr_rounds(struct kr_run *x, bool quiet)
{
	uint64_t before[KR_ORDERS][KR_NR_STATS] = { { 0 } };
	uint64_t after[KR_ORDERS][KR_NR_STATS] = { { 0 } };
	struct kr_result *r = x->r;
	unsigned int k, s;
	uint32_t round;

	/* the warm-up counts in round 1, as the simulator's first round hook sees it */
	kr_read_stats(x, before);
	if (x->p->version == 2)
		kr_warm_up(x);
	for (round = 1; round <= x->p->rounds; round++) {
		kr_round(x, round);
		kr_read_stats(x, after);
		kr_swaps_check(x);
		for (k = 1; k < KR_ORDERS; k++) {
			for (s = 0; s < KR_NR_STATS; s++)
				r->total[k][s] += after[k][s] - before[k][s];
			r->per_round[round - 1][k][0] = after[k][KR_SWPOUT] - before[k][KR_SWPOUT];
			r->per_round[round - 1][k][1] = after[k][KR_SWPOUT_FALLBACK] -
							before[k][KR_SWPOUT_FALLBACK];
		}
		memcpy(before, after, sizeof(before));
		if (x->live && kr_checkpoint_due(r, round) && kr_checkpoint(x, round))
			return 1;
		if (!quiet)
			fprintf(stderr, "round %u done\n", round);
	}
	return 0;
}

/*
 * --hold: the state after the last round stays (nothing is touched or
 * freed) until the caller, who read the areas meanwhile, closes stdin.
 */
static void kr_hold(void)
{
	char buf[256];

	printf("held\n");
	if (fflush(stdout))
		kr_die("stdout");
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
}

int kr_run_kernel(struct kr_result *r, bool quiet)
{
	struct kr_run x = { .r = r, .p = &r->p, .swaps_fd = -1 };
	uint64_t probe;
	int rc;

	x.page = (size_t)sysconf(_SC_PAGESIZE);
	x.rng.s = r->seed;
	/*
	 * meson sets MALLOC_PERTURB_ for its tests; glibc would then fill new
	 * allocations and fault them in, which the workload never does.
	 */
	mallopt(M_PERTURB, 0);
	if (kr_read_stat(64, KR_SWPOUT, &probe)) {
		fprintf(stderr, "%s: no mTHP swap counters in %s\n",
			program_invocation_short_name, KR_THP_DIR);
		return KR_EXIT_SKIP;
	}
	rc = kr_setup(&x);
	if (!rc)
		rc = kr_rounds(&x, quiet);
	if (!rc && r->hold)
		kr_hold();
	if (x.nkids) {
		struct workload_selftest none = r->p;

		none.fork = 1;
		x.p = &none;
		kr_fork(&x);	/* the children exit */
	}
	live_close(x.live);
	if (x.swaps_fd >= 0)
		close(x.swaps_fd);
	free(x.mstart);
	free(x.morder);
	return rc;
}
