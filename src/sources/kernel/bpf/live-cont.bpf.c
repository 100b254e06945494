// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-cont.bpf.c - the exact count of a slot whose swap_map byte has
 * COUNT_CONTINUED (more than 62 references, eras up to F), and the two
 * bases the walk to it needs. Loaded only when a read meets such a slot
 * (or an era-G PFN word), on the reader's own scratch map.
 *
 * The kernel keeps the higher digits in continuation pages, linked on
 * the lru list of the struct page behind the swap_map byte's vmalloc'ed
 * page (add_swap_count_continuation(): vmalloc_to_page()); the digit of
 * slot s is the byte at s's offset in its page, 7 bits each, and the
 * count is d0 + 63 * (d1 + 128 * (d2 + ...)) (swp_swapcount()). Getting
 * there takes what kallsyms does not show without CONFIG_KALLSYMS_ALL:
 *
 *	live_bases	page_offset_base and vmemmap_base: KASLR places each on
 *			a 1 GiB boundary, so a pointer into the region (our
 *			task_struct; our stack's first struct page) leaves a
 *			few candidates, and the one that shows a page user
 *			space just wrote (its PFN from /proc/self/pagemap),
 *			resp. that page's struct page (anonymous, at its
 *			virtual page index), is the base
 *	live_cont	for each slot: walk the page tables to the swap_map
 *			byte's page, then its continuation pages, digit by digit
 *
 * x86-64 page tables only; elsewhere live_bases fails and the reader says
 * the count cannot be read.
 */
#include "live-kernel.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "live-abi.h"
#include "live-scratch.h"

char LICENSE[] SEC("license") = "GPL";

#define GIB			(1ull << 30)
#define BASE_TRIES		512	/* candidates below a pointer, 1 GiB apart */
#define KERNEL_L5_TOP		0xffff800000000000ull	/* page_offset_base below: 5 levels */
#define PTE_PRESENT		0x1ull
#define PTE_PSE			0x80ull
#define PTE_PFN_MASK		0x000ffffffffff000ull
#define PAGE_SHIFT		12
#define PAGE_MASK_LOW		0xfffull
#define MAPPING_ANON		0x1ull

/* inputs */
__u32 in_type;
__u64 in_probe_vaddr;		/* a page of ours, resident */
__u64 in_probe_pfn;		/* its PFN (pagemap) */
__u64 in_probe_word[2];		/* its bytes at 0 and at 2048 */
__u32 in_nr_cont;
__u32 in_cont[LIVE_CONT_MAX];	/* slots whose byte has COUNT_CONTINUED */

/* outputs */
__u32 status;			/* LIVE_ST_* */
struct live_count cont[LIVE_CONT_MAX];	/* count 0: not readable */

struct base_ctx {
	struct scratch *sc;
	__u64 from;		/* a pointer into the region, 1 GiB aligned */
	__u64 psize;		/* sizeof(struct page) */
};

static long live_try_page_offset(__u32 k, void *arg)
{
	struct base_ctx *b = arg;
	__u64 base = b->from - (__u64)k * GIB, w[2] = { 0, 0 };
	__u64 at = base + (in_probe_pfn << PAGE_SHIFT);

	if (bpf_probe_read_kernel(&w[0], 8, (void *)at) ||
	    bpf_probe_read_kernel(&w[1], 8, (void *)(at + 2048)))
		return 0;
	if (w[0] != in_probe_word[0] || w[1] != in_probe_word[1])
		return 0;
	b->sc->page_offset = base;
	return 1;
}

static unsigned long live_page_index(struct page *pg)
{
	struct page___folio_index *f = (void *)pg;
	struct page___index *o = (void *)pg;

	if (bpf_core_field_exists(f->__folio_index))
		return BPF_CORE_READ(f, __folio_index);
	return BPF_CORE_READ(o, index);
}

static long live_try_vmemmap(__u32 k, void *arg)
{
	struct base_ctx *b = arg;
	__u64 base = b->from - (__u64)k * GIB;
	struct page *pg = (void *)(base + in_probe_pfn * b->psize);
	__u64 mapping = 0;

	if (bpf_probe_read_kernel(&mapping, sizeof(mapping), &pg->mapping) ||
	    (mapping & 3) != MAPPING_ANON ||
	    live_page_index(pg) != in_probe_vaddr >> PAGE_SHIFT)
		return 0;
	b->sc->vmemmap = base;
	return 1;
}

SEC("raw_tp")
int live_bases(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct base_ctx b = { .sc = scratch_get() };
	struct page **pages;
	struct page *first = 0;

	status = LIVE_ST_FAULT;
	if (!b.sc)
		return 0;
	if (!b.sc->page_offset) {
		b.from = (__u64)task & ~(GIB - 1);	/* task_struct: the direct map */
		bpf_loop(BASE_TRIES, live_try_page_offset, &b, 0);
	}
	if (!b.sc->vmemmap) {
		pages = BPF_CORE_READ(task, stack_vm_area, pages);
		if (pages)
			bpf_probe_read_kernel(&first, sizeof(first), pages);
		b.from = (__u64)first & ~(GIB - 1);
		b.psize = bpf_core_type_size(struct page);
		if (first)
			bpf_loop(BASE_TRIES, live_try_vmemmap, &b, 0);
	}
	if (b.sc->page_offset && b.sc->vmemmap)
		status = LIVE_ST_OK;
	return 0;
}

/* x86-64: the PFN behind kernel virtual address @va, or 0. */
static __u64 live_walk(struct scratch *sc, __u64 table, __u64 va)
{
	bool l5 = sc->page_offset < KERNEL_L5_TOP;
	unsigned int level, shift;
	__u64 e = 0, phys;

	for (level = l5 ? 0 : 1; level < 5; level++) {
		shift = 48 - 9 * level;
		if (bpf_probe_read_kernel(&e, sizeof(e),
					  (void *)(table + ((va >> shift) & 511) * 8)) ||
		    !(e & PTE_PRESENT))
			return 0;
		phys = e & PTE_PFN_MASK;
		if ((level == 2 || level == 3) && (e & PTE_PSE)) {
			__u64 size = 1ull << shift;

			return ((phys & ~(size - 1)) + (va & (size - 1))) >> PAGE_SHIFT;
		}
		if (level == 4)
			return phys >> PAGE_SHIFT;
		table = sc->page_offset + phys;
	}
	return 0;
}

struct cont_ctx {
	struct scratch *sc;
	__u64 map;		/* si->swap_map */
	__u64 pgd;
	__u64 psize;
	__u64 lru;		/* offsetof(struct page, lru) */
};

/* The digits after the first, from the continuation pages of @head. */
static __u32 live_digits(struct cont_ctx *c, __u64 head, __u64 off, __u32 count)
{
	__u64 cur = head, next = 0, n = 63, pfn;
	__u8 digit = 0;
	int i;

	for (i = 0; i < LIVE_CONT_PAGES; i++) {
		if (bpf_probe_read_kernel(&next, sizeof(next), (void *)(cur + c->lru)) || !next)
			return 0;
		cur = next - c->lru;
		if (cur == head)
			return 0;	/* the digits ran out while one said "more" */
		pfn = (cur - c->sc->vmemmap) / c->psize;
		if (bpf_probe_read_kernel(&digit, 1, (void *)(c->sc->page_offset +
							      (pfn << PAGE_SHIFT) + off)))
			return 0;
		count += (digit & 0x7f) * n;
		n *= 128;
		if (!(digit & 0x80))
			return count;
	}
	return 0;
}

static long live_cont_one(__u32 i, void *arg)
{
	struct cont_ctx *c = arg;
	__u32 idx = i & (LIVE_CONT_MAX - 1), slot = in_cont[idx];
	__u64 va = c->map + slot, pfn;
	__u8 first = 0;

	cont[idx].slot = slot;
	cont[idx].count = 0;
	if (bpf_probe_read_kernel(&first, 1, (void *)va) || !(first & 0x80))
		return 0;
	pfn = live_walk(c->sc, c->pgd, va);
	if (pfn)
		cont[idx].count = live_digits(c, c->sc->vmemmap + pfn * c->psize,
					      va & PAGE_MASK_LOW, first & 0x3f);
	return 0;
}

SEC("raw_tp")
int live_cont(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct swap_info_struct *si;
	struct cont_ctx c = { .sc = scratch_get() };
	__u32 n = in_nr_cont;

	status = LIVE_ST_FAULT;
	if (!c.sc || !c.sc->page_offset || !c.sc->vmemmap)
		return 0;
	si = (void *)c.sc->si[in_type & (LIVE_TYPES_MAX - 1)];
	if (!si || !bpf_core_field_exists(si->swap_map))
		return 0;
	c.map = (__u64)BPF_CORE_READ(si, swap_map);
	c.pgd = (__u64)BPF_CORE_READ(task, mm, pgd);
	c.psize = bpf_core_type_size(struct page);
	c.lru = bpf_core_field_offset(struct page, lru);
	if (!c.map || !c.pgd)
		return 0;
	if (n > LIVE_CONT_MAX)
		n = LIVE_CONT_MAX;
	bpf_loop(n, live_cont_one, &c, 0);
	status = LIVE_ST_OK;
	return 0;
}
