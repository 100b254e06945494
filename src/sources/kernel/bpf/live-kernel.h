/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * live-kernel.h - the few kernel types the live reader touches, and only
 * the fields it reads, in the libbpf-tools style: every struct is marked
 * preserve_access_index, so libbpf relocates each access against the
 * running kernel's BTF at load (CO-RE). A field a kernel lacks is tested
 * with bpf_core_field_exists() before it is read; layouts that changed
 * type between kernels come in flavours (name___flavour), which libbpf
 * matches to the kernel's type of the name before the three underscores.
 *
 * Sizes are never taken from these local definitions: a cluster's stride
 * is bpf_core_type_size(struct swap_cluster_info) of the kernel.
 */
#ifndef SWAPFS_LIVE_KERNEL_H
#define SWAPFS_LIVE_KERNEL_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#define true	1
#define false	0

#define PAI	__attribute__((preserve_access_index))

struct list_head {
	struct list_head *next, *prev;
} PAI;

struct plist_node {
	int prio;
	struct list_head prio_list;
	struct list_head node_list;
} PAI;

typedef struct {
	long counter;
} atomic_long_t;

/* 6.12+; the swap table (6.18, era E), its overflow counts (era G). */
struct swap_cluster_info {
	__u16 count;
	__u8 flags;
	__u8 order;
	atomic_long_t *table;
	unsigned int *extend_table;
	void *memcg_table;
} PAI;

/* SWAPFILE_CLUSTER entries: its size gives the cluster size (era E+). */
struct swap_table {
	atomic_long_t entries[1];
} PAI;

struct swap_sequential_cluster {
	unsigned int next[1];
} PAI;

struct block_device {
	__u32 bd_dev;
} PAI;

struct super_block {
	__u32 s_dev;
} PAI;

struct inode {
	struct super_block *i_sb;
	unsigned long i_ino;
} PAI;

struct file {
	struct inode *f_inode;
} PAI;

struct swap_info_struct {
	unsigned long flags;
	short prio;
	struct plist_node list;
	signed char type;
	unsigned int max;
	unsigned char *swap_map;
	unsigned long *zeromap;
	struct swap_cluster_info *cluster_info;
	struct list_head nonfull_clusters[1];
	unsigned int pages;
	atomic_long_t inuse_pages;
	struct swap_sequential_cluster *global_cluster;
	struct block_device *bdev;
	struct file *swap_file;
} PAI;

/* Before 6.13 inuse_pages was a plain unsigned int. */
struct swap_info_struct___uint {
	unsigned int inuse_pages;
} PAI;

/* The per-CPU fast path's device and next slot per order (6.15+). */
struct percpu_swap_cluster {
	struct swap_info_struct *si[1];
	unsigned long offset[1];
} PAI;

typedef struct {
	unsigned long val;
} swp_entry_t;

/* 6.18 wraps page flags in memdesc_flags_t; before, a plain word. */
typedef struct {
	unsigned long f;
} memdesc_flags_t;

struct folio___memdesc {
	memdesc_flags_t flags;
} PAI;

struct folio___ulong {
	unsigned long flags;
} PAI;

struct folio {
	swp_entry_t swap;
} PAI;

/*
 * Its size (the second page of a folio follows the first), and what the
 * count continuation walk and the vmemmap probe read: the lru list that
 * links a swap_map page to its continuation pages, an anonymous page's
 * mapping (low bit PAGE_MAPPING_ANON) and index (renamed __folio_index
 * in 6.18).
 */
struct page {
	struct list_head lru;
	void *mapping;
} PAI;

struct page___index {
	unsigned long index;
} PAI;

struct page___folio_index {
	unsigned long __folio_index;
} PAI;

struct vm_struct {
	struct page **pages;
} PAI;

struct mm_struct {
	void *pgd;
} PAI;

struct task_struct {
	struct mm_struct *mm;
	struct vm_struct *stack_vm_area;
} PAI;

struct seq_file;

/* The bits the reader names; their values come from the kernel's BTF. */
enum pageflags {
	PG_locked,
	PG_writeback,
	PG_uptodate,
	PG_dirty,
	PG_head,
	PG_reclaim,
	PG_large_rmappable,
};

enum swap_cluster_flags {
	CLUSTER_FLAG_NONE,
	CLUSTER_FLAG_FREE,
	CLUSTER_FLAG_NONFULL,
	CLUSTER_FLAG_FRAG,
	CLUSTER_FLAG_FULL,
	CLUSTER_FLAG_DISCARD,
};

#endif /* SWAPFS_LIVE_KERNEL_H */
