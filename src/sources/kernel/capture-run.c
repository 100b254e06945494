// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture-run.c - capture_run(): the live reader when it can work here,
 * the page-table walk alone when it cannot (and why), or the one asked for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "swapfs/capture.h"
#include "capture-internal.h"

/* Why the live reader cannot work here: a cause the walk does not share. */
static bool capture_live_unusable(int rc)
{
	return rc == -EPERM || rc == -EACCES || rc == -ENOTSUP || rc == -EPROTO ||
	       rc == -ENOSYS;
}

int capture_run(const struct capture_opts *o, struct snapshot **out,
		struct capture_stats *st, struct diag *d)
{
	int rc;

	memset(st, 0, sizeof(*st));
	diag_clear(d);
	if (o->method == CAPTURE_PAGEMAP)
		return capture_pagemap(o, out, st, d);
	rc = capture_live(o, out, st, d);
	if (!rc || o->method == CAPTURE_BPF || !capture_live_unusable(rc))
		return rc;
	/* the page tables alone, and why */
	memset(st, 0, sizeof(*st));
	snprintf(st->why_not_bpf, sizeof(st->why_not_bpf), "%s",
		 d->msg[0] ? d->msg : strerror(-rc));
	diag_clear(d);
	return capture_pagemap(o, out, st, d);
}
