/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * live-scratch.h - the live reader's private map, shared by its two BPF
 * objects (live.bpf.c, and live-show.bpf.c, which user space loads only
 * to try the fentry method and points at the same map): the kernel
 * addresses the programs work with, which user space never reads.
 */
#ifndef SWAPFS_LIVE_SCRATCH_H
#define SWAPFS_LIVE_SCRATCH_H

/* include/uapi/linux/bpf.h: a fixed ABI value */
#define BPF_MAP_TYPE_ARRAY	2

struct scratch {
	__u64 si[LIVE_TYPES_MAX];		/* struct swap_info_struct * by type */
	__u64 page_offset;			/* page_offset_base, once found */
	__u64 vmemmap;				/* vmemmap_base, once found */
	__u64 tb[LIVE_CLUSTER_MAX];		/* one cluster's swap table */
	/* cluster records before the slots, and after (slack: one record) */
	__u8 raw1[LIVE_CI_RAW_MAX + 1024];
	__u8 raw2[LIVE_CI_RAW_MAX + 1024];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static struct scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

#endif /* SWAPFS_LIVE_SCRATCH_H */
