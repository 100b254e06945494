// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-vm.c - a process's anonymous memory around the allocator:
 * faults, MADV_DONTNEED, MADV_PAGEOUT, fork and exit, each as the kernel
 * function named in workload-vm.h does it, on the pages' PTEs; the swap
 * side goes to the simulator.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "workload-vm.h"

static bool wl_vm_out(uint32_t pte)
{
	return pte != WL_VM_NONE && pte < WL_VM_ZEROPAGE;
}

int wl_vm_init(struct wl_vm *vm, struct wl_gen *gen, uint32_t npages,
	       unsigned int max_vmas)
{
	memset(vm, 0, sizeof(*vm));
	vm->gen = gen;
	vm->npages = npages;
	vm->max_vmas = max_vmas;
	vm->pte = calloc(npages ? npages : 1, sizeof(*vm->pte));
	vm->pf = calloc(npages ? npages : 1, 1);
	vm->vmas = calloc(max_vmas ? max_vmas : 1, sizeof(*vm->vmas));
	return vm->pte && vm->pf && vm->vmas ? 0 : -ENOMEM;
}

void wl_vm_free(struct wl_vm *vm)
{
	free(vm->pte);
	free(vm->pf);
	free(vm->vmas);
	free(vm->child);
}

unsigned int wl_vm_map(struct wl_vm *vm, uint32_t start, uint32_t nr,
		       uint32_t orders)
{
	struct wl_vma *v = &vm->vmas[vm->nr_vmas];

	v->start = start;
	v->nr = nr;
	v->orders = orders | 1u;
	return vm->nr_vmas++;
}

/*
 * Pages [@p, @p + @n) become one present folio of order @order, their
 * data as it was (none for a new folio, what was swapped out for one
 * swapped in).
 */
static void wl_vm_folio(struct wl_vm *vm, uint32_t p, uint32_t n,
			unsigned int order)
{
	uint32_t i;

	for (i = p; i < p + n; i++) {
		vm->pte[i] = WL_VM_PRESENT;
		vm->pf[i] = (uint8_t)((vm->pf[i] & WL_VM_DATA) | order);
	}
}

/* The aligned range of 2^@order pages around @p lies in @v. */
static bool wl_vm_suitable(const struct wl_vma *v, uint32_t p,
			   unsigned int order, uint32_t *base)
{
	*base = p & ~((1u << order) - 1);
	return *base >= v->start &&
	       (uint64_t)*base + (1u << order) <= (uint64_t)v->start + v->nr;
}

/*
 * alloc_anon_folio(): the highest order the mapping allows whose aligned
 * range around the fault has no PTE at all (pte_range_none()); order 0
 * when none has. Allocation itself never fails in the model.
 */
static void wl_vm_fault_anon(struct wl_vm *vm, const struct wl_vma *v,
			     uint32_t p)
{
	uint32_t base, i;
	int o;

	for (o = 31 - __builtin_clz(v->orders); o > 0; o--) {
		if (!(v->orders & (1u << o)) || !wl_vm_suitable(v, p, (unsigned int)o, &base))
			continue;
		for (i = base; i < base + (1u << o) && vm->pte[i] == WL_VM_NONE; i++)
			;
		if (i == base + (1u << o)) {
			wl_vm_folio(vm, base, 1u << o, (unsigned int)o);
			return;
		}
	}
	wl_vm_folio(vm, p, 1, 0);
}

/*
 * alloc_swap_folio(): the highest order the mapping allows whose aligned
 * range around the fault is swapped out to consecutive slots from one the
 * order aligns (thp_swap_suitable_orders(), can_swapin_thp()); what the
 * device then allows is the simulator's (sim_swap_in()).
 */
static int wl_vm_fault_swap(struct wl_vm *vm, const struct wl_vma *v,
			    uint32_t p)
{
	struct wl_gen *gen = vm->gen;
	uint32_t base = p, first, start, i;
	unsigned int k = 0, got;
	int o, rc;

	for (o = 31 - __builtin_clz(v->orders); o > 0 && !k; o--) {
		if (!(v->orders & (1u << o)) || !wl_vm_suitable(v, p, (unsigned int)o, &base))
			continue;
		first = vm->pte[base];
		if (!wl_vm_out(first) || (first & ((1u << o) - 1)))
			continue;
		for (i = 1; i < 1u << o && vm->pte[base + i] == first + i &&
		     wl_vm_out(vm->pte[base + i]); i++)
			;
		if (i == 1u << o)
			k = (unsigned int)o;
	}
	rc = wl_sim_swap_in(&gen->c, gen->p->cpu, vm->pte[p], k, &got, &start);
	if (rc)
		return wl_ctx_sim_error(&gen->c, rc, "swap-in fault", vm->pte[p]);
	wl_vm_folio(vm, p - (vm->pte[p] - start), 1u << got, got);
	return wl_ctx_tick(&gen->c);
}

int wl_vm_write(struct wl_vm *vm, unsigned int vma, uint32_t first,
		uint32_t n)
{
	const struct wl_vma *v = &vm->vmas[vma];
	uint32_t p;
	int rc;

	for (p = first; p < first + n; p++) {
		if (vm->pte[p] == WL_VM_NONE) {
			wl_vm_fault_anon(vm, v, p);
		} else if (vm->pte[p] == WL_VM_ZEROPAGE) {
			/* do_wp_page() on the zero page: a page of its own */
			wl_vm_folio(vm, p, 1, 0);
		} else if (vm->pte[p] != WL_VM_PRESENT) {
			rc = wl_vm_fault_swap(vm, v, p);
			if (rc)
				return rc;
		}
		vm->pf[p] |= WL_VM_DATA;
	}
	return 0;
}

/*
 * A present page of a large folio is unmapped: the pages of the folio
 * that stay mapped are split off as order-0 folios, and those holding
 * only zeros mapped to the zero page: the split
 * madvise_cold_or_pageout_pte_range() makes of a partly mapped folio
 * before it pages anything out, made here already, as nothing in between
 * tells them apart. A folio the children map too is not split there; its
 * pages only stop being one folio here.
 */
static void wl_vm_unmap_present(struct wl_vm *vm, uint32_t p)
{
	unsigned int order = vm->pf[p] & WL_VM_ORDER;
	uint32_t base = p & ~((1u << order) - 1), i;

	for (i = base; order && i < base + (1u << order); i++) {
		vm->pf[i] &= (uint8_t)~WL_VM_ORDER;
		if (vm->pte[i] == WL_VM_PRESENT &&
		    !(vm->pf[i] & (WL_VM_DATA | WL_VM_SHARED))) {
			vm->pte[i] = WL_VM_ZEROPAGE;
			vm->pf[i] = 0;
		}
	}
	vm->pte[p] = WL_VM_NONE;
	vm->pf[p] = 0;
}

/*
 * The swap PTEs @pte of pages [@first, @first + @n) are zapped: each batch
 * of consecutive slots inside one page table (swap_pte_batch()) is one
 * free_swap_and_cache_nr(). Returns 0 or the run's error.
 */
static int wl_vm_zap_swap(struct wl_gen *gen, uint32_t *pte, uint32_t first,
			  uint32_t n)
{
	uint32_t p = first, end = first + n, k;
	int rc;

	while (p < end) {
		if (!wl_vm_out(pte[p])) {
			p++;
			continue;
		}
		for (k = 1; p + k < end && wl_vm_out(pte[p + k]) &&
		     pte[p + k] == pte[p] + k &&
		     (p + k) / WL_VM_PTE_PAGES == p / WL_VM_PTE_PAGES; k++)
			;
		rc = wl_sim_swap_put_entries_direct(&gen->c, pte[p], k);
		if (rc)
			return wl_ctx_sim_error(&gen->c, rc, "zap", pte[p]);
		rc = wl_ctx_tick(&gen->c);
		if (rc)
			return rc;
		for (; k; k--)
			pte[p++] = WL_VM_NONE;
	}
	return 0;
}

int wl_vm_dontneed(struct wl_vm *vm, uint32_t first, uint32_t n)
{
	uint32_t p;
	int rc;

	for (p = first; p < first + n; p++) {
		if (vm->pte[p] == WL_VM_PRESENT) {
			wl_vm_unmap_present(vm, p);
		} else if (vm->pte[p] == WL_VM_ZEROPAGE) {
			vm->pte[p] = WL_VM_NONE;
			vm->pf[p] = 0;
		}
	}
	rc = wl_vm_zap_swap(vm->gen, vm->pte, first, n);
	memset(vm->pf + first, 0, n);
	return rc;
}

/* Page @i of a folio of @n pages is the @k-th that vmscan takes. */
static uint32_t wl_vm_split_page(uint32_t n, uint32_t k)
{
	return k ? n - k : 0;
}

/*
 * shrink_folio_list() on the present folio of 2^@order pages at @p, the
 * common case: no page of it holds only zeros, so a split leaves each
 * page a folio to swap out. sim_swap_out() gives the slots in the order
 * vmscan took them (wl_vm_split_page() after a fallback); pages left
 * without one stay present as order-0 folios.
 */
static int wl_vm_swap_out_data(struct wl_vm *vm, uint32_t p,
			       unsigned int order)
{
	struct wl_gen *gen = vm->gen;
	uint32_t n = 1u << order, i;
	unsigned int nr;
	int rc;

	rc = wl_sim_swap_out(&gen->c, gen->p->cpu, order, 1, false,
			  gen->offsets, &nr);
	if (rc && rc != -ENOSPC)
		return wl_ctx_sim_error(&gen->c, rc, "MADV_PAGEOUT", 0);
	if (!rc && nr == 1) {
		for (i = 0; i < n; i++)
			vm->pte[p + i] = gen->offsets[0] + i;
	} else {
		for (i = 0; i < n; i++)
			vm->pf[p + i] &= (uint8_t)~WL_VM_ORDER;
		for (i = 0; i < nr; i++)
			vm->pte[p + wl_vm_split_page(n, i)] = gen->offsets[i];
	}
	for (i = 0; i < n; i++)
		if (vm->pte[p + i] != WL_VM_PRESENT)
			vm->pf[p + i] &= WL_VM_DATA;
	return wl_ctx_tick(&gen->c);
}

/*
 * One folio, allocated, unmapped from its one PTE (@map) or from none (a
 * page the split mapped to the zero page), written and out of the swap
 * cache: what shrink_folio_list() does with it. *@slot: its first slot,
 * 0 when none was found (the caller counts nothing then). Returns 0 or the
 * run's error.
 */
static int wl_vm_reclaim(struct wl_vm *vm, unsigned int order, bool map,
			 uint32_t *slot)
{
	struct wl_ctx *c = &vm->gen->c;
	int rc;

	*slot = 0;
	rc = wl_sim_folio_alloc_swap(c, vm->gen->p->cpu, order, slot);
	if (rc == -ENOSPC)
		return 0;
	if (!rc && map)
		rc = wl_sim_folio_dup_swap(c, *slot);
	if (!rc)
		rc = wl_sim_swap_cache_del_folio(c, *slot);
	if (rc)
		return wl_ctx_sim_error(&vm->gen->c, rc, "MADV_PAGEOUT", *slot);
	return wl_ctx_tick(&vm->gen->c);
}

/*
 * shrink_folio_list() on a large folio with pages of nothing but zeros:
 * whole if it finds room; else split_folio_to_list() maps those pages to
 * the zero page, and each page still passes through reclaim in vmscan's
 * order, those pages a slot allocated and freed again.
 */
static int wl_vm_swap_out_zeros(struct wl_vm *vm, uint32_t p,
				unsigned int order)
{
	struct wl_ctx *c = &vm->gen->c;
	uint32_t n = 1u << order, slot, i, k;
	bool data;
	int rc;

	rc = wl_vm_reclaim(vm, order, true, &slot);
	if (rc || slot) {
		for (i = 0; !rc && i < n; i++) {
			vm->pte[p + i] = slot + i;
			vm->pf[p + i] &= WL_VM_DATA;
		}
		if (!rc)
			wl_sim_count(c, SIM_SWPOUT, order);
		return rc;
	}
	wl_sim_count(c, SIM_SWPOUT_FALLBACK, order);
	for (k = 0; k < n; k++) {
		i = p + wl_vm_split_page(n, k);
		data = vm->pf[i] & WL_VM_DATA;
		rc = wl_vm_reclaim(vm, 0, data, &slot);
		if (rc)
			return rc;
		vm->pte[i] = !data ? WL_VM_ZEROPAGE : slot ? slot : WL_VM_PRESENT;
		vm->pf[i] &= WL_VM_DATA;
	}
	return 0;
}

/* shrink_folio_list() on the present folio of 2^@order pages at @p. */
static int wl_vm_swap_out(struct wl_vm *vm, uint32_t p, unsigned int order)
{
	uint32_t i;

	for (i = p; order && i < p + (1u << order); i++)
		if (!(vm->pf[i] & WL_VM_DATA))
			return wl_vm_swap_out_zeros(vm, p, order);
	return wl_vm_swap_out_data(vm, p, order);
}

int wl_vm_pageout(struct wl_vm *vm, unsigned int vma)
{
	const struct wl_vma *v = &vm->vmas[vma];
	uint32_t p = v->start, end = v->start + v->nr;
	unsigned int order;
	int rc;

	while (p < end) {
		if (vm->pte[p] != WL_VM_PRESENT) {
			p++;
			continue;
		}
		order = vm->pf[p] & WL_VM_ORDER;
		/* folio_maybe_mapped_shared(): the child's too, left alone */
		if (!(vm->pf[p] & WL_VM_SHARED)) {
			rc = wl_vm_swap_out(vm, p, order);
			if (rc)
				return rc;
		}
		p += 1u << order;
	}
	return 0;
}

/* +1 on each run of consecutive slots the children copy. */
static int wl_vm_dup(struct wl_vm *vm)
{
	struct wl_gen *gen = vm->gen;
	uint32_t *c = vm->child, p = 0, k;
	int rc;

	while (p < vm->npages) {
		if (!c[p]) {
			p++;
			continue;
		}
		for (k = 1; p + k < vm->npages && c[p + k] &&
		     c[p + k] == c[p] + k; k++)
			;
		rc = wl_sim_swap_dup_entry_direct(&gen->c, c[p], k);
		if (rc)
			return wl_ctx_sim_error(&gen->c, rc, "fork", c[p]);
		rc = wl_ctx_tick(&gen->c);
		if (rc)
			return rc;
		p += k;
	}
	return 0;
}

int wl_vm_fork(struct wl_vm *vm, unsigned int n)
{
	uint32_t p;
	unsigned int i;
	int rc;

	if (!n)
		return 0;
	vm->child = calloc(vm->npages ? vm->npages : 1, sizeof(*vm->child));
	if (!vm->child)
		return diag_errno(vm->gen->c.d, vm->gen->c.name, -ENOMEM);
	for (p = 0; p < vm->npages; p++) {
		if (wl_vm_out(vm->pte[p]))
			vm->child[p] = vm->pte[p];
		else if (vm->pte[p] == WL_VM_PRESENT)
			vm->pf[p] |= WL_VM_SHARED;
	}
	vm->children = n;
	for (i = 0; i < n; i++) {
		rc = wl_vm_dup(vm);
		if (rc)
			return rc;
	}
	return 0;
}

int wl_vm_exit_children(struct wl_vm *vm)
{
	uint32_t *copy = NULL, p;
	int rc = 0;

	if (!vm->children)
		return 0;
	if (vm->children > 1) {
		copy = malloc(vm->npages * sizeof(*copy));
		if (!copy)
			return diag_errno(vm->gen->c.d, vm->gen->c.name, -ENOMEM);
	}
	/* each child zaps its own copy: the last one zaps the original */
	for (; !rc && vm->children > 1; vm->children--) {
		memcpy(copy, vm->child, vm->npages * sizeof(*copy));
		rc = wl_vm_zap_swap(vm->gen, copy, 0, vm->npages);
	}
	if (!rc)
		rc = wl_vm_zap_swap(vm->gen, vm->child, 0, vm->npages);
	free(copy);
	if (rc)
		return rc;
	vm->children = 0;
	free(vm->child);
	vm->child = NULL;
	for (p = 0; p < vm->npages; p++)
		vm->pf[p] &= (uint8_t)~WL_VM_SHARED;
	return 0;
}
