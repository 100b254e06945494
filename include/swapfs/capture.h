/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture.h - a snapshot of a swap area of the running kernel, without
 * kernel patches, and who maps each of its slots.
 *
 * The allocation state comes from one of two methods (enum
 * capture_method; the info key capture_method and capture_stats.state
 * say which):
 *
 *  bpf      the live reader (live.h): every slot, count, cluster, the swap
 *           cache, the zeromap, read exactly. The default wherever it works.
 *  pagemap  every process's page tables, read through /proc/PID/pagemap.
 *
 * Either way the page tables give what only they know: which process maps
 * each slot at which virtual page (the back-references). With bpf, a
 * reference beyond its slot's exact count (the slot changed between the
 * two reads) is dropped and counted (refs_dropped). With pagemap, what is
 * observed and what is inferred (provenance says the same):
 *
 *  observed   per slot, the page-table references (processes, virtual
 *             pages): the slot's count is their number; the header and bad
 *             slots (from the area's header); /proc/swaps Size and Used.
 *  inferred   folio runs: 2^k references, for each order k > 0 enabled in
 *             /sys/kernel/mm/transparent_hugepage, the largest first,
 *             contiguous and naturally aligned both in swap offset and in
 *             virtual address, in one VMA of one process; cluster orders
 *             (the largest inferred run order in the cluster, else 0) and
 *             flags (free, full, else nonfull: frag and discard cannot be
 *             told apart from outside).
 *  invisible  shmem/tmpfs pages and slots held only by the swap cache have
 *             no page-table entry: the difference between Used and the
 *             slots seen is reported as "unattributed", never invented.
 *
 * Swap offsets are hidden from readers without CAP_SYS_ADMIN (the kernel
 * zeroes them): capture_run() refuses with -EPERM then. A process that
 * exits (or turns unreadable) while it is read is skipped and counted.
 */
#ifndef SWAPFS_CAPTURE_H
#define SWAPFS_CAPTURE_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SOURCES)
#error "swapfs/capture.h belongs to the sources: a lower layer may not use it (src/README.md)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "swapfs/diag.h"
#include "swapfs/snapshot.h"

/* Where the allocation state comes from (--method). */
enum capture_method {
	CAPTURE_AUTO,		/* the live reader when it works here, else pagemap */
	CAPTURE_BPF,		/* the live reader (live.h): exact */
	CAPTURE_PAGEMAP,	/* the page tables: counts observed, the rest inferred */
};

struct capture_opts {
	enum capture_method method;
	const char *device;	/* the area: any name of it; NULL: see type */
	int type;		/* swap type (bits 0-4 of a pagemap swap entry),
				 * -1: the area of @device, or the only one */
	const int32_t *pids;	/* processes to read; NULL: every process */
	size_t nr_pids;
	const char *proc;	/* procfs root; NULL: "/proc" */
	/* called after each process, when not NULL */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

struct capture_stats {
	size_t procs;		/* processes read */
	size_t procs_gone;	/* exited or unreadable mid-capture: skipped */
	size_t procs_mapping;	/* processes with references to the area */
	uint64_t refs;		/* page-table references to the area */
	uint64_t slots;		/* distinct slots referenced */
	uint64_t used_pages;	/* /proc/swaps Used, in pages */
	uint64_t unattributed;	/* used_pages - slots (0 if fewer were used) */
	uint64_t runs[SNAPSHOT_MAX_ORDER + 1];	/* inferred runs, per order */
	uint64_t run_conflicts;	/* runs one process suggests, another contradicts */
	uint32_t orders;	/* mTHP orders enabled (bit k: order k) */
	unsigned int max_order;	/* the largest of them (0: none) */
	int type;		/* the area's swap type */
	enum capture_method state;	/* what gave the allocation state */
	uint64_t refs_dropped;	/* BPF: references beyond a slot's exact count
				 * (the slot changed between the two reads) */
	char why_not_bpf[512];	/* AUTO that fell back to pagemap: why */
};

/*
 * capture_run - capture the area @o names into a new snapshot (source
 * kind "capture", back-references filled; the state by @o->method: with
 * CAPTURE_AUTO the live reader, or the page tables when the reader
 * cannot work here, @st->why_not_bpf saying why). Returns 0, -EPERM
 * without CAP_SYS_ADMIN, -ENOENT when no (or no such) area is active,
 * -EINVAL when the area cannot be chosen or its header does not describe
 * it (@d says which), the live reader's errors with CAPTURE_BPF (live.h),
 * or -errno.
 */
int capture_run(const struct capture_opts *o, struct snapshot **out,
		struct capture_stats *st, struct diag *d);

/*
 * capture_mthp_orders - the folio orders above 0 anonymous memory may be
 * allocated with (bit k for order k), from @thp_dir (NULL: the kernel's
 * transparent_hugepage directory): hugepages-<size>kB/enabled always or
 * madvise, or inherit while the top-level enabled is not never. 0 when
 * none is (or the directory is missing).
 */
uint32_t capture_mthp_orders(const char *thp_dir, unsigned int page_size);

/* One counter of hugepages-<kb>kB/stats/<name>. */
struct capture_mthp_stat {
	unsigned int order;	/* log2(kb * 1024 / page size) */
	uint64_t kb;		/* the size, as the directory names it */
	char name[32];		/* the file: [a-z0-9_]+ */
	uint64_t value;
};

/*
 * capture_mthp_stats - every counter of every hugepages-<size>kB/stats
 * directory under @thp_dir (NULL: the kernel's), for @page_size pages,
 * sorted by name then order; *@out malloc'ed (free()), NULL and *@nr 0
 * when there are none (an older kernel). These are the kernel's, for all
 * swap areas at once; those named nr_* are current numbers, the others
 * event counts since boot. Returns 0, -ENOMEM or -errno.
 */
int capture_mthp_stats(const char *thp_dir, unsigned int page_size,
		       struct capture_mthp_stat **out, size_t *nr);

#endif /* SWAPFS_CAPTURE_H */
