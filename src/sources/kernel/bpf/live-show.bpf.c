// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-show.bpf.c - the fentry method of finding the swap areas: while
 * user space reads /proc/swaps, swap_show(seq, v) is called once per
 * active area with v its swap_info_struct (and once with
 * SEQ_START_TOKEN, (void *)1, for the header line); each goes into the
 * live reader's scratch map under its type.
 *
 * A program of its own so that a kernel which refuses BPF trampolines
 * (fentry) refuses only this, and the reader loaded once goes on with
 * another method.
 */
#include "live-kernel.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "live-abi.h"
#include "live-scratch.h"

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/swap_show")
int BPF_PROG(live_show, struct seq_file *m, void *v)
{
	struct swap_info_struct *si = v;
	struct scratch *sc = scratch_get();
	signed char type;

	if (!sc || (__u64)v <= 1)
		return 0;
	type = BPF_CORE_READ(si, type);
	if (type >= 0 && type < LIVE_TYPES_MAX)
		sc->si[type & (LIVE_TYPES_MAX - 1)] = (__u64)v;
	return 0;
}
