/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-vm.h - a process's anonymous memory as the selftest generator
 * drives it (workload-vm.c): its mappings, and for each virtual page
 * whether it was never touched (pte_none), is present in a folio of some
 * order, or is swapped out to a slot. What the rest of mm does around the
 * allocator is modelled here, each step after the kernel function that
 * takes it (6.18):
 *
 *	a write fault	do_anonymous_page() / alloc_anon_folio(): the
 *			largest enabled order whose aligned range lies in
 *			the mapping and has no PTE at all; do_swap_page() /
 *			alloc_swap_folio(): the largest whose range is
 *			swapped out to consecutive, congruent slots
 *	MADV_DONTNEED	zap_pte_range(): free_swap_and_cache_nr() on each
 *			batch of swap PTEs naming consecutive slots
 *			(swap_pte_batch()), never across a page-table page;
 *			a large folio left partly mapped is split later
 *	MADV_PAGEOUT	madvise_cold_or_pageout_pte_range() in address
 *			order: a partly mapped folio split first, folios
 *			mapped by a child skipped; shrink_folio_list() for
 *			each: folio_alloc_swap(), and when a large one finds
 *			no room, split_folio_to_list() puts its tail pages
 *			at the end of the list, which is taken from its end:
 *			the head page first, then the last, down to the
 *			second
 *	a split		__folio_split() of an anonymous folio maps each of
 *			its pages that holds only zeros to the shared zero
 *			page (RMP_USE_SHARED_ZEROPAGE): such a page is never
 *			swapped out; in reclaim's split it still passes
 *			through shrink_folio_list(): a slot allocated, and
 *			freed when it leaves the swap cache
 *	fork(), exit	copy_nonpresent_pte(): one more reference on each
 *			swap entry; the child's exit zaps its copies as
 *			MADV_DONTNEED does
 *
 * Virtual pages are numbered from a base aligned to a page-table page
 * (PMD_SIZE), as tools/kernel-replay lays the same memory out for real.
 */
#ifndef SWAPFS_WORKLOAD_VM_H
#define SWAPFS_WORKLOAD_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "workload-gen.h"

/*
 * A page's PTE: WL_VM_NONE, WL_VM_PRESENT (an anonymous folio's page),
 * WL_VM_ZEROPAGE (the shared zero page: a page of nothing but zeros a
 * split mapped there, try_to_map_unused_to_zeropage()), or the slot it is
 * out on.
 */
#define WL_VM_NONE	0u
#define WL_VM_PRESENT	UINT32_MAX
#define WL_VM_ZEROPAGE	(UINT32_MAX - 1)

/* Per page besides the PTE: the order of its folio, fork's mark, data. */
#define WL_VM_ORDER	0x0fu	/* order of the present folio holding it */
#define WL_VM_SHARED	0x10u	/* present and mapped by the children too */
#define WL_VM_DATA	0x20u	/* written: not all zeros (present or out) */

/* Pages of a page table (PTRS_PER_PTE): a zap batch never crosses one. */
#define WL_VM_PTE_PAGES	512u

/* A mapping: [start, start + nr) and the orders a fault may allocate. */
struct wl_vma {
	uint32_t start, nr;
	uint32_t orders;	/* bit k: order k; bit 0 always */
};

struct wl_vm {
	struct wl_gen *gen;	/* the run: its sim, PRNG, CPU */
	uint32_t npages;	/* virtual pages laid out */
	uint32_t *pte;
	uint8_t *pf;		/* WL_VM_ORDER | WL_VM_SHARED */
	struct wl_vma *vmas;
	unsigned int nr_vmas, max_vmas;
	/*
	 * fork(): the swap PTEs each child holds (a slot, or 0), the same in
	 * every child since all were forked at once; NULL while none lives.
	 */
	uint32_t *child;
	unsigned int children;
};

/*
 * wl_vm_init - @npages virtual pages, none mapped yet, room for @max_vmas
 * mappings. Returns 0 or -ENOMEM; wl_vm_free() frees it either way.
 */
int wl_vm_init(struct wl_vm *vm, struct wl_gen *gen, uint32_t npages,
	       unsigned int max_vmas);

/* wl_vm_free - what wl_vm_init() and the run allocated. */
void wl_vm_free(struct wl_vm *vm);

/*
 * wl_vm_map - a mapping of @nr pages from @start (inside the layout),
 * faulting in orders @orders (bit 0 is added). Returns its index.
 */
unsigned int wl_vm_map(struct wl_vm *vm, uint32_t start, uint32_t nr,
		       uint32_t orders);

/*
 * wl_vm_write - memset() of pages [@first, @first + @n) of mapping @vma:
 * a fault on each page without a present one, in address order. Returns
 * 0 or the run's error.
 */
int wl_vm_write(struct wl_vm *vm, unsigned int vma, uint32_t first,
		uint32_t n);

/*
 * wl_vm_dontneed - MADV_DONTNEED of [@first, @first + @n) (one mapping).
 * Returns 0 or the run's error.
 */
int wl_vm_dontneed(struct wl_vm *vm, uint32_t first, uint32_t n);

/*
 * wl_vm_pageout - MADV_PAGEOUT of mapping @vma: every folio it maps alone
 * swapped out (written, out of the swap cache); a page that finds no slot
 * stays present. Returns 0 or the run's error.
 */
int wl_vm_pageout(struct wl_vm *vm, unsigned int vma);

/*
 * wl_vm_fork - fork() of @n children that only wait: each takes a
 * reference on every swap entry, present pages become shared. Returns 0
 * or the run's error.
 */
int wl_vm_fork(struct wl_vm *vm, unsigned int n);

/*
 * wl_vm_exit_children - the children exit, one after the other, each
 * zapping its mappings in address order. Returns 0 or the run's error.
 */
int wl_vm_exit_children(struct wl_vm *vm);

#endif /* SWAPFS_WORKLOAD_VM_H */
