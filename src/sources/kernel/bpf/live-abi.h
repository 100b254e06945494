/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * live-abi.h - what the live reader's BPF program (live.bpf.c) and its
 * user-space side (live-bpf.c) share: the sizes of the buffers and the
 * records the program writes into its global data for user space.
 *
 * Nothing here holds a kernel address: the program reduces folio
 * pointers, PFNs and shadow values to their kind (and a folio's order and
 * flags) before anything reaches these records. The kernel addresses the
 * program works with stay in its private scratch map.
 */
#ifndef SWAPFS_LIVE_ABI_H
#define SWAPFS_LIVE_ABI_H

/* swap types the reader looks at (MAX_SWAPFILES is 32 at most) */
#define LIVE_TYPES_MAX		32
/* kernel text bytes one peek copies (the decode of swap_start) */
#define LIVE_TEXT_BYTES		256
/* slots one read copies at most: its swap_map bytes must fit .bss */
#define LIVE_RUN_SLOTS		(1u << 20)
/* the largest cluster (SWAPFILE_CLUSTER) the reader handles */
#define LIVE_CLUSTER_MAX	2048u
/* clusters one read covers at most */
#define LIVE_RUN_CLUSTERS	2048u
/* raw struct swap_cluster_info bytes one read copies at most */
#define LIVE_CI_RAW_MAX		(256u << 10)
/* folio runs one read records at most (it stops early when full) */
#define LIVE_FOLIOS_MAX		16384u
/* exact counts (continuation, extend table) one read records at most */
#define LIVE_COUNTS_MAX		4096u
/* continued counts one live_cont run resolves at most */
#define LIVE_CONT_MAX		512u
/* continuation pages a count may span (7 bits each after the first 63) */
#define LIVE_CONT_PAGES		8
/* per-CPU allocation hints the hint program records at most */
#define LIVE_HINTS_MAX		4096u

/* struct live_cluster.state bits */
#define LIVE_CL_TABLE		0x01	/* ci->table was set */
#define LIVE_CL_MOVED		0x02	/* the record changed while its slots were read */
#define LIVE_CL_BAD_FLAGS	0x04	/* ci->flags is no list this reader knows */
#define LIVE_CL_TABLE_SHORT	0x08	/* no room for its folio runs: read it again */

/*
 * Era G and later keep no swap_map: the program writes one byte per slot
 * in the era-E swap_map encoding instead, so both are decoded alike:
 * the count (LIVE_MAP_CONTINUED: an exact count in counts[]), 0x40
 * for a folio (PFN) entry, 0x3f for a bad one.
 */
#define LIVE_MAP_CACHED		0x40
#define LIVE_MAP_BAD		0x3f
#define LIVE_MAP_CONTINUED	0x80

/* The program's verdict on a read (struct live_out.status). */
#define LIVE_ST_OK		0
#define LIVE_ST_NO_AREA		1	/* no valid area of that type */
#define LIVE_ST_GEOMETRY	2	/* a cluster size or record the buffers cannot hold */
#define LIVE_ST_FAULT		3	/* a kernel read failed */

/* What a run of the program says about itself. */
struct live_out {
	__u32 status;		/* LIVE_ST_* */
	__u32 done;		/* clusters this read covered */
	__u32 nr_folios;
	__u32 nr_counts;
	__u32 nr_hints;
	__u32 features;		/* LIVE_F_* */
	__u32 ci_size;		/* bpf_core_type_size(struct swap_cluster_info) */
	__u32 off_flags;	/* offsetof(struct swap_info_struct, flags) */
	__u32 off_swap_map;	/* offsetof(struct swap_info_struct, swap_map), 0: none */
	__u32 pad;
};

#define LIVE_F_TABLE		0x01	/* ci->table (era E and later) */
#define LIVE_F_EXTEND		0x02	/* ci->extend_table (era G) */
#define LIVE_F_MEMCG		0x04	/* ci->memcg_table (era H) */
#define LIVE_F_MAP		0x08	/* si->swap_map (eras up to F) */
#define LIVE_F_ZEROMAP		0x10	/* si->zeromap */
#define LIVE_F_INUSE_LONG	0x20	/* inuse_pages is an atomic_long_t */
#define LIVE_F_FLAGS_ENUM	0x40	/* enum swap_cluster_flags */
#define LIVE_F_GLOBAL		0x80	/* si->global_cluster */

/* One swap_info[] entry, as its fields are (no pointers). */
struct live_area {
	__u8 present;		/* swap_info[type] was set */
	__u8 type_ok;		/* si->type equals its index */
	__u8 has_map;		/* si->swap_map set */
	__u8 has_clusters;	/* si->cluster_info set */
	__u8 has_zeromap;
	__u8 has_global;	/* si->global_cluster set (rotational) */
	__u8 fault;		/* a field could not be read */
	__u8 pad;
	__s16 prio;
	__u16 nr_orders;	/* SWAP_NR_ORDERS, from the lists' size */
	__u32 max;
	__u32 pages;
	__u32 cluster_size;	/* SWAPFILE_CLUSTER, from struct swap_table */
	__u64 flags;		/* SWP_* */
	__u64 inuse_raw;	/* si->inuse_pages, with the off-list bit */
	__u32 bdev_dev;		/* bdev->bd_dev (MAJOR << 20 | MINOR), 0 if none */
	__u32 file_dev;		/* swap_file's inode's sb->s_dev */
	__u64 file_ino;		/* swap_file's inode number */
	__u32 ring_areas;	/* other areas met walking si->list around swap_active_head */
	__u32 ring_other;	/* other nodes met (the list head: 1) */
};

/* One cluster: its record, and the kinds of its swap table's words. */
struct live_cluster {
	__u16 count;		/* ci->count */
	__u8 flags;		/* enum snapshot_cluster_flag */
	__u8 order;		/* ci->order */
	__u8 state;		/* LIVE_CL_* */
	__u8 pad;
	__u16 nr_folio;		/* words that are a folio (era E/F pointer, G PFN) */
	__u16 nr_shadow;	/* shadow (swapped-out) words */
	__u16 nr_other;		/* words of no known kind */
	__u16 nr_runs;		/* folio runs of this cluster in folios[] */
	__u16 pad2;
	__u32 first_run;	/* its first run's index in folios[] */
};

/* Consecutive table words that hold the same folio, and that folio. */
struct live_folio {
	__u32 slot;		/* first slot of the run */
	__u32 len;		/* words in the run */
	__u32 swap;		/* swp_offset(folio->swap) */
	__u8 order;		/* folio_order() */
	__u8 type;		/* swp_type(folio->swap) */
	__u16 flags;		/* enum snapshot_folio_flag */
};

/* A slot whose count does not fit its byte. */
struct live_count {
	__u32 slot;
	__u32 count;
};

/* An allocation hint: CPU (-1: si->global_cluster), order, next slot. */
struct live_hint {
	__s32 cpu;
	__u32 order;
	__u64 offset;
};

#endif /* SWAPFS_LIVE_ABI_H */
