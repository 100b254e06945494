// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-stub.c - live: in a build without the BPF toolchain (clang,
 * bpftool, libbpf): the source exists and says so.
 */
#include <errno.h>

#include "swapfs/live.h"

bool live_built_in(void)
{
	return false;
}

int live_open(const char *area, struct live **out, struct diag *d)
{
	return live_load(area, NULL, d);
}

int live_read(struct live *l, struct snapshot **out, struct diag *d)
{
	return live_load("", out, d);
}

void live_close(struct live *l)
{
}

int live_load(const char *area, struct snapshot **out, struct diag *d)
{
	diag_line(d, "live", 0, "live-not-built",
		  "this swapfs was built without the BPF reader (no clang, bpftool "
		  "or libbpf at build time); read a dump or a snapshot file, or "
		  "infer the state from page tables: swapfs capture");
	return -ENOTSUP;
}

int live_load_areas(struct snapshot **out, unsigned int max, unsigned int *nr,
		    struct diag *d)
{
	*nr = 0;
	return live_load("", NULL, d);
}
