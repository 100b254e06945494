// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layout.c - swapfs-test-layout: anonymous memory with a known swap layout,
 * for the capture tests on the real kernel.
 *
 *	swapfs-test-layout FOLIO_KB BLOCKS [ZERO_PAGES [READBACK]]
 *
 * Maps BLOCKS folios of FOLIO_KB KiB (region "shared", kept across a fork)
 * and BLOCKS more (region "private", MADV_DONTFORK), both aligned to 2 MiB,
 * fills every page with non-zero bytes (so they are written, not zero-page
 * deduplicated), pages both out with MADV_PAGEOUT, frees whole folios and
 * single pages with MADV_DONTNEED, then forks: the child shares the
 * "shared" region's swap entries (count 2) and not the "private" ones
 * (count 1). Prints one JSON line with the layout and waits until its
 * standard input closes; then the child is told to exit and reaped.
 *
 * Which folios and pages are freed: folio 3 and 10 whole, page 5 of folio
 * 20 and page 0 of folio 21 (when BLOCKS is large enough), in both regions.
 *
 * For the live reader's tests, two more things when asked: ZERO_PAGES
 * small pages (region "zero", MADV_NOHUGEPAGE) written with zeros and
 * paged out (the kernel keeps them in its zeromap, no I/O), and, after
 * the fork, the parent reads back the last READBACK folios of the shared
 * region: their slots stay, in the swap cache, for the child.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define LAYOUT_ALIGN	(2ul << 20)

static const unsigned int layout_free_folios[] = { 3, 10 };
static const unsigned int layout_free_pages[][2] = { { 20, 5 }, { 21, 0 } };

static void __attribute__((noreturn)) layout_die(const char *what)
{
	fprintf(stderr, "swapfs-test-layout: %s: %s\n", what, strerror(errno));
	exit(1);
}

static char *layout_map(size_t len)
{
	char *p = mmap(NULL, len + LAYOUT_ALIGN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t at;

	if (p == MAP_FAILED)
		layout_die("mmap");
	at = ((uintptr_t)p + LAYOUT_ALIGN - 1) & ~(LAYOUT_ALIGN - 1);
	return (char *)at;
}

static void layout_fill(char *p, size_t len, size_t page)
{
	size_t i;

	for (i = 0; i < len; i += page)
		memset(p + i, (int)(1 + (i / page) % 251), page);
}

static void layout_free(char *p, size_t folio, size_t page, unsigned int blocks)
{
	size_t i;

	for (i = 0; i < sizeof(layout_free_folios) / sizeof(layout_free_folios[0]); i++)
		if (layout_free_folios[i] < blocks &&
		    madvise(p + layout_free_folios[i] * folio, folio, MADV_DONTNEED))
			layout_die("madvise(MADV_DONTNEED)");
	for (i = 0; i < sizeof(layout_free_pages) / sizeof(layout_free_pages[0]); i++)
		if (layout_free_pages[i][0] < blocks &&
		    layout_free_pages[i][1] * page < folio &&
		    madvise(p + layout_free_pages[i][0] * folio +
			    layout_free_pages[i][1] * page, page, MADV_DONTNEED))
			layout_die("madvise(MADV_DONTNEED)");
}

/* Zero-filled small pages, paged out: the kernel notes them in its zeromap. */
static char *layout_zero(size_t pages, size_t page)
{
	char *p;

	if (!pages)
		return NULL;
	p = layout_map(pages * page);
	if (madvise(p, pages * page, MADV_NOHUGEPAGE))
		layout_die("madvise(MADV_NOHUGEPAGE)");
	memset(p, 0, pages * page);
	if (madvise(p, pages * page, MADV_PAGEOUT))
		layout_die("madvise(MADV_PAGEOUT)");
	return p;
}

/* Touch the last @n folios of @p: they come back through the swap cache. */
static unsigned int layout_readback(const char *p, size_t folio, size_t page,
				    unsigned int blocks, unsigned int n)
{
	volatile const char *v = p;
	unsigned int sum = 0;
	size_t i;

	if (n > blocks)
		n = blocks;
	for (i = (size_t)(blocks - n) * folio; i < (size_t)blocks * folio; i += page)
		sum += (unsigned char)v[i];
	return sum;
}

int main(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), folio, len, zero_pages = 0;
	unsigned int blocks, readback = 0;
	char *shared, *priv, *zero, c;
	int pipefd[2];
	pid_t child;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: swapfs-test-layout FOLIO_KB BLOCKS [ZERO_PAGES [READBACK]]\n");
		return 2;
	}
	folio = strtoul(argv[1], NULL, 10) * 1024;
	blocks = (unsigned int)strtoul(argv[2], NULL, 10);
	if (argc > 3)
		zero_pages = strtoul(argv[3], NULL, 10);
	if (argc > 4)
		readback = (unsigned int)strtoul(argv[4], NULL, 10);
	if (folio < page || (folio & (folio - 1)) || !blocks || blocks > 65536) {
		fprintf(stderr, "swapfs-test-layout: bad arguments\n");
		return 2;
	}
	len = folio * blocks;
	shared = layout_map(len);
	priv = layout_map(len);
	if (madvise(priv, len, MADV_DONTFORK))
		layout_die("madvise(MADV_DONTFORK)");
	layout_fill(shared, len, page);
	layout_fill(priv, len, page);
	if (madvise(shared, len, MADV_PAGEOUT) || madvise(priv, len, MADV_PAGEOUT))
		layout_die("madvise(MADV_PAGEOUT)");
	layout_free(shared, folio, page, blocks);
	layout_free(priv, folio, page, blocks);
	zero = layout_zero(zero_pages, page);
	if (pipe(pipefd))
		layout_die("pipe");
	child = fork();
	if (child < 0)
		layout_die("fork");
	if (!child) {
		close(pipefd[1]);
		while (read(pipefd[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(pipefd[0]);
	layout_readback(shared, folio, page, blocks, readback);
	printf("{\"pid\": %d, \"child\": %d, \"page\": %zu, \"folio\": %zu, "
	       "\"blocks\": %u, \"shared\": %lu, \"private\": %lu, "
	       "\"free_folios\": [%u, %u], \"free_pages\": [[%u, %u], [%u, %u]]",
	       (int)getpid(), (int)child, page, folio, blocks,
	       (unsigned long)(uintptr_t)shared, (unsigned long)(uintptr_t)priv,
	       layout_free_folios[0], layout_free_folios[1],
	       layout_free_pages[0][0], layout_free_pages[0][1],
	       layout_free_pages[1][0], layout_free_pages[1][1]);
	if (argc > 3)
		printf(", \"zero\": %lu, \"zero_pages\": %zu, \"readback\": %u",
		       (unsigned long)(uintptr_t)zero, zero_pages, readback);
	printf("}\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	close(pipefd[1]);
	waitpid(child, NULL, 0);
	return 0;
}
