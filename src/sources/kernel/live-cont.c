// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-cont.c - exact counts past the swap_map byte (COUNT_CONTINUED),
 * through bpf/live-cont.bpf.c, which first finds page_offset_base and
 * vmemmap_base with the help of a page of ours: we write two random
 * words into it and read its PFN from /proc/self/pagemap (root only:
 * the kernel hides PFNs from others), and the program looks for the
 * base under which that PFN shows our words, resp. our page's struct
 * page. The bases stay in the reader's private map; era G's PFN words
 * use the same vmemmap_base when kallsyms has none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "live-internal.h"
#include "live-cont.skel.h"

#define LIVE_PM_PRESENT		(1ull << 63)
#define LIVE_PM_PFN		((1ull << 55) - 1)

struct live_cont {
	struct live_cont_skel *skel;
	uint8_t *probe;
	size_t page;
};

static int live_cont_run(struct live_cont *c, struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -errno;
	return c->skel->bss->status == LIVE_ST_OK ? 0 : -EFAULT;
}

/* Our page: resident, two random words in it, and its PFN. */
static int live_cont_probe(struct live_cont *c)
{
	typeof(c->skel->bss) bss = c->skel->bss;
	uint64_t e = 0;
	int fd, rc = 0;

	c->page = (size_t)sysconf(_SC_PAGESIZE);
	c->probe = mmap(NULL, c->page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->probe == MAP_FAILED) {
		c->probe = NULL;
		return -ENOMEM;
	}
	if (getrandom(bss->in_probe_word, sizeof(bss->in_probe_word), 0) !=
	    sizeof(bss->in_probe_word))
		return -EIO;
	memcpy(c->probe, &bss->in_probe_word[0], 8);
	memcpy(c->probe + 2048, &bss->in_probe_word[1], 8);
	mlock(c->probe, c->page);	/* best effort: it is read at once anyway */
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)c->probe / c->page * 8)) !=
	    sizeof(e))
		rc = -EIO;
	close(fd);
	if (!rc && (!(e & LIVE_PM_PRESENT) || !(e & LIVE_PM_PFN)))
		rc = -EPERM;	/* PFNs are hidden without CAP_SYS_ADMIN */
	bss->in_probe_vaddr = (uintptr_t)c->probe;
	bss->in_probe_pfn = e & LIVE_PM_PFN;
	return rc;
}

void live_cont_close(struct live_cont *c)
{
	if (!c)
		return;
	live_cont_skel__destroy(c->skel);
	if (c->probe)
		munmap(c->probe, c->page);
	free(c);
}

int live_cont_open(struct live_bpf *b, struct live_cont **out)
{
	struct live_cont *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	c->skel = live_cont_skel__open();
	if (!c->skel) {
		free(c);
		return -errno ? -errno : -EINVAL;
	}
	/* the bases land in the reader's own private map */
	rc = bpf_map__reuse_fd(c->skel->maps.scratch, live_bpf_scratch_fd(b));
	if (!rc)
		rc = live_cont_skel__load(c->skel);
	if (!rc)
		rc = live_cont_probe(c);
	if (!rc)
		rc = live_cont_run(c, c->skel->progs.live_bases);
	if (rc) {
		live_cont_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

int live_cont_counts(struct live_cont *c, unsigned int type, const uint32_t *slots,
		     size_t n, uint32_t *counts)
{
	typeof(c->skel->bss) bss = c->skel->bss;
	size_t i, done, k;
	int rc;

	for (done = 0; done < n; done += k) {
		k = n - done < LIVE_CONT_MAX ? n - done : LIVE_CONT_MAX;
		bss->in_type = type;
		bss->in_nr_cont = (uint32_t)k;
		memcpy(bss->in_cont, slots + done, k * sizeof(*slots));
		rc = live_cont_run(c, c->skel->progs.live_cont);
		if (rc)
			return rc;
		for (i = 0; i < k; i++)
			counts[done + i] = bss->cont[i].slot == slots[done + i] ?
					   bss->cont[i].count : 0;
	}
	return 0;
}
