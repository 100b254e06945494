// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-bpf.c - the live reader's BPF program (bpf/live.bpf.c) from user
 * space: load it through its skeleton, run its steps on demand
 * (BPF_PROG_TEST_RUN on a raw_tp program: no attachment, no event), and
 * hand out its buffers, which libbpf maps into our memory.
 *
 * libbpf reports through a print callback; the library never prints, so
 * the callback keeps the last error line for the diagnostic.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "live-internal.h"
#include "live.skel.h"
#include "live-show.skel.h"

struct live_bpf {
	struct live_skel *skel;
};

static char live_bpf_last[160];

/* libbpf hands its own format strings; the attribute tells the compiler so */
static int __attribute__((format(printf, 2, 0)))
live_bpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[sizeof(live_bpf_last)];

	if (level != LIBBPF_WARN)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	if (line[0])
		memcpy(live_bpf_last, line, sizeof(line));
	return 0;
}

/* The kernel's lockdown level, when securityfs shows it: "[none]" etc. */
static bool live_bpf_locked_down(void)
{
	char v[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");

	if (!f)
		return false;
	if (!fgets(v, sizeof(v), f))
		v[0] = '\0';
	fclose(f);
	return strstr(v, "[confidentiality]") != NULL;
}

static int live_bpf_refused(int rc, struct diag *d)
{
	const char *why = live_bpf_last[0] ? live_bpf_last : strerror(-rc);

	if (live_bpf_locked_down()) {
		diag_line(d, "live", 0, "live-lockdown",
			  "the kernel's lockdown (confidentiality) forbids BPF to read "
			  "kernel memory; use a dump, or infer the state from page "
			  "tables: swapfs capture --method pagemap");
		return -EPERM;
	}
	if (rc == -EPERM || rc == -EACCES) {
		diag_line(d, "live", 0, "live-permission",
			  "the kernel refused the BPF program (%s): reading the kernel "
			  "needs root, or CAP_BPF and CAP_PERFMON; or infer the state "
			  "from page tables: swapfs capture --method pagemap", why);
		return -EPERM;
	}
	diag_line(d, "live", 0, "live-load",
		  "the kernel refused the BPF program: %s; infer the state from "
		  "page tables instead: swapfs capture --method pagemap", why);
	return rc;
}

int live_bpf_open(struct live_bpf **out, struct diag *d)
{
	struct live_bpf *b = calloc(1, sizeof(*b));
	int rc;

	if (!b)
		return diag_errno(d, "live", -ENOMEM);
	libbpf_set_print(live_bpf_print);
	live_bpf_last[0] = '\0';
	b->skel = live_skel__open();
	if (!b->skel) {
		rc = -errno ? -errno : -EINVAL;
		free(b);
		return live_bpf_refused(rc, d);
	}
	rc = live_skel__load(b->skel);
	if (rc) {
		live_bpf_close(b);
		return live_bpf_refused(rc < 0 ? rc : -EINVAL, d);
	}
	*out = b;
	return 0;
}

void live_bpf_close(struct live_bpf *b)
{
	if (!b)
		return;
	live_skel__destroy(b->skel);
	free(b);
}

/* Run one step; the program's own verdict comes back as -errno. */
static int live_bpf_run(struct live_bpf *b, struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	b->skel->bss->out.status = LIVE_ST_OK;
	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -errno;
	switch (b->skel->bss->out.status) {
	case LIVE_ST_OK:
		return 0;
	case LIVE_ST_NO_AREA:
		return -ENOENT;
	case LIVE_ST_GEOMETRY:
		return -ERANGE;
	default:
		return -EFAULT;
	}
}

uint32_t live_bpf_features(const struct live_bpf *b)
{
	return b->skel->bss->out.features;
}

int live_bpf_scratch_fd(const struct live_bpf *b)
{
	return bpf_map__fd(b->skel->maps.scratch);
}

const struct live_out *live_bpf_out(const struct live_bpf *b)
{
	return &b->skel->bss->out;
}

void live_bpf_set_vmemmap(struct live_bpf *b, uint64_t vmemmap)
{
	b->skel->bss->in_vmemmap = vmemmap;
}

int live_bpf_peek(struct live_bpf *b, uint64_t addr, uint8_t *text)
{
	int rc;

	b->skel->bss->in_peek = addr;
	rc = live_bpf_run(b, b->skel->progs.live_peek);
	if (!rc)
		memcpy(text, b->skel->bss->text, LIVE_TEXT_BYTES);
	return rc;
}

int live_bpf_index(struct live_bpf *b, uint64_t swap_info, unsigned int nr)
{
	b->skel->bss->in_swap_info = swap_info;
	b->skel->bss->in_nr_types = nr;
	return live_bpf_run(b, b->skel->progs.live_index);
}

/* /proc/swaps read through: swap_show() runs once per active area. */
static int live_bpf_read_swaps(void)
{
	char buf[4096];
	ssize_t n;
	int fd = open("/proc/swaps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n < 0 ? -EIO : 0;
}

int live_bpf_show(struct live_bpf *b)
{
	struct live_show_skel *show;
	struct bpf_link *link;
	int rc;

	rc = live_bpf_index(b, 0, 0);	/* forget what another method found */
	if (rc)
		return rc;
	show = live_show_skel__open();
	if (!show)
		return -errno ? -errno : -EINVAL;
	/* the hook fills the reader's own scratch map */
	rc = bpf_map__reuse_fd(show->maps.scratch, live_bpf_scratch_fd(b));
	if (!rc)
		rc = live_show_skel__load(show);
	if (!rc) {
		link = bpf_program__attach(show->progs.live_show);
		rc = link ? live_bpf_read_swaps() : (-errno ? -errno : -EINVAL);
		bpf_link__destroy(link);
	}
	live_show_skel__destroy(show);
	return rc < 0 ? rc : (rc ? -EINVAL : 0);
}

int live_bpf_areas(struct live_bpf *b, struct live_area areas[LIVE_TYPES_MAX])
{
	int rc = live_bpf_run(b, b->skel->progs.live_areas);

	if (!rc)
		memcpy(areas, b->skel->bss->areas, sizeof(b->skel->bss->areas));
	return rc;
}

int live_bpf_read(struct live_bpf *b, unsigned int type, uint32_t first,
		  uint32_t nr, struct live_view *v)
{
	typeof(b->skel->bss) bss = b->skel->bss;
	int rc;

	bss->in_type = type;
	bss->in_first = first;
	bss->in_nr = nr;
	rc = live_bpf_run(b, b->skel->progs.live_read);
	if (rc)
		return rc;
	v->done = bss->out.done;
	v->nr_folios = bss->out.nr_folios;
	v->nr_counts = bss->out.nr_counts;
	v->clusters = bss->clusters;
	v->folios = bss->folios;
	v->counts = bss->counts;
	v->map = bss->map;
	v->zmap = bss->zmap;
	return 0;
}

int live_bpf_hints(struct live_bpf *b, unsigned int type,
		   const struct live_pcp *pcp, const struct live_hint **hints,
		   size_t *nr)
{
	typeof(b->skel->bss) bss = b->skel->bss;
	int rc;

	bss->in_type = type;
	bss->in_pcp_var = pcp->var;
	bss->in_pcp_offsets = pcp->offsets;
	bss->in_nr_cpus = pcp->nr_cpus;
	rc = live_bpf_run(b, b->skel->progs.live_hints);
	if (rc)
		return rc;
	*hints = bss->hints;
	*nr = bss->out.nr_hints;
	return 0;
}
