// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livebench.c - swapfs-livebench: times the live reader (live.h) against
 * a user-space copy of the bytes it reads, in one process, interleaved.
 *
 *	swapfs-livebench AREA RUNS COPY_BYTES	time RUNS reads and copies
 *	swapfs-livebench AREA 0			one read, then the peak RSS
 *
 * One JSON object per line: {"open": s}, then per run {"copy": s,
 * "memcpy": s, "read": s}, then {"slots": n, "clusters": n, "used": n,
 * "rss": bytes}. The copy is COPY_BYTES (the area's swap_map and struct
 * swap_cluster_info bytes, as tools/bench/live works them out) from a
 * buffer into fresh memory, as a reader that copies them out must do;
 * memcpy is the same into a buffer already faulted in (memcpy alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include <swapfs/live.h>

static double livebench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Copy @len bytes of @src into fresh pages, as a copying reader would. */
static double livebench_copy(const char *src, size_t len)
{
	double t0 = livebench_now();
	char *dst = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t;

	if (dst == MAP_FAILED) {
		perror("swapfs-livebench: mmap");
		exit(1);
	}
	memcpy(dst, src, len);
	t = livebench_now() - t0;
	munmap(dst, len);
	return t;
}

/* The same bytes into memory already faulted in: memcpy alone. */
static double livebench_memcpy(char *dst, const char *src, size_t len)
{
	double t0 = livebench_now();

	memcpy(dst, src, len);
	__asm__ volatile("" : : "r"(dst) : "memory");
	return livebench_now() - t0;
}

static struct snapshot *livebench_read(struct live *l, double *t)
{
	struct snapshot *s;
	struct diag d;
	double t0 = livebench_now();

	if (live_read(l, &s, &d)) {
		fprintf(stderr, "swapfs-livebench: %s\n", d.msg);
		exit(1);
	}
	*t = livebench_now() - t0;
	return s;
}

/* Not a walk over the slots: it would fault in pages the reader never touched. */
static void livebench_summary(const struct snapshot *s)
{
	const char *used = snapshot_info_get(s, "inuse_pages");
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("{\"slots\": %u, \"clusters\": %u, \"used\": %s, \"rss\": %lld}\n",
	       s->dev.max, s->dev.nr_clusters, used ? used : "0",
	       (long long)ru.ru_maxrss * 1024);
}

int main(int argc, char **argv)
{
	struct snapshot *s = NULL;
	struct live *l;
	struct diag d;
	size_t bytes = 0;
	char *src = NULL, *dst = NULL;
	double t0, t;
	long runs, i;

	if (argc < 3 || (runs = atol(argv[2])) < 0 || (runs && argc != 4)) {
		fprintf(stderr, "usage: swapfs-livebench AREA RUNS [COPY_BYTES]\n");
		return 2;
	}
	t0 = livebench_now();
	if (live_open(argv[1], &l, &d)) {
		fprintf(stderr, "swapfs-livebench: %s\n", d.msg);
		return 1;
	}
	printf("{\"open\": %.6f}\n", livebench_now() - t0);
	if (runs) {
		bytes = strtoull(argv[3], NULL, 10);
		src = malloc(bytes);
		dst = malloc(bytes);
		if (!src || !dst)
			return 1;
		memset(src, 1, bytes);
		memset(dst, 2, bytes);
	}
	for (i = 0; i < runs; i++) {
		double copy = livebench_copy(src, bytes);
		double mc = livebench_memcpy(dst, src, bytes);

		snapshot_free(s);
		s = livebench_read(l, &t);
		printf("{\"copy\": %.6f, \"memcpy\": %.6f, \"read\": %.6f}\n", copy, mc, t);
		fflush(stdout);
	}
	if (!runs)
		s = livebench_read(l, &t);
	free(src);
	free(dst);
	livebench_summary(s);
	snapshot_free(s);
	live_close(l);
	return 0;
}
