/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot.h - the model: one swap device's allocation state, whatever it
 * came from (a dump, a snapshot file, the simulator, a capture).
 *
 * Sources fill a struct snapshot; the analysis and every view read it and
 * nothing else. The model is normalised: a slot's reference count is exact
 * (count continuations and overflow tables resolved), and the era's
 * encoding (swap_map byte, swap table word) is gone, so views never need to
 * know which kernel a state came from. The era is kept in the provenance,
 * because exporting back to a dump needs it.
 *
 * Per slot: 16 bits, the "common state" (see SNAPSHOT_SLOT_* below).
 * Counts above SNAPSHOT_COUNT_INLINE_MAX, SWAP_MAP_SHMEM marks (eras <= E)
 * and folios live in sorted side tables; known allocation runs ("orders")
 * live in the slot bits (a head bit and the order), so a 1 TiB device
 * (2^28 slots of 4 KiB) costs 512 MiB plus what is rare.
 *
 * Slot word (uint16_t), also the on-disk blob format of swapfs-snapshot(5)
 * for bits 0..10 (bits 11..15 are never stored; runs have their own table):
 *
 *	bits  0..6	reference count, 0..126; 127 = look it up in counts[]
 *	bit   7		cached: the map says a swap-cache folio holds the slot
 *			(SWAP_HAS_CACHE in eras A..E, a PFN entry in era G,
 *			covered by a 'cache' folio in era F)
 *	bit   8		bad: header page, bad page (SWAP_MAP_BAD / SWP_TB_BAD)
 *	bit   9		zero: the page was all zeros (zeromap)
 *	bit  10		zswap: the page is held by zswap
 *	bit  11		head of a known-order run (in memory only)
 *	bits 12..15	known order + 1 of the run the slot belongs to; 0 = unknown
 *
 * A slot is "free" when its word has no count, cached or bad bit; the
 * kernel's ci->count counts every slot that is not free, plus the tail of
 * the last cluster beyond max.
 */
#ifndef SWAPFS_SNAPSHOT_H
#define SWAPFS_SNAPSHOT_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_MODEL)
#error "swapfs/snapshot.h belongs to the model: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAPSHOT_SLOT_COUNT		0x007fu
#define SNAPSHOT_SLOT_CACHED		0x0080u
#define SNAPSHOT_SLOT_BAD		0x0100u
#define SNAPSHOT_SLOT_ZERO		0x0200u
#define SNAPSHOT_SLOT_ZSWAP		0x0400u
#define SNAPSHOT_SLOT_HEAD		0x0800u
#define SNAPSHOT_SLOT_ORDER_SHIFT	12
#define SNAPSHOT_SLOT_ORDER		0xf000u
/* The bits a snapshot file stores per slot (the rest are rebuilt). */
#define SNAPSHOT_SLOT_STORED		0x07ffu
/* Not free: what ci->count counts. */
#define SNAPSHOT_SLOT_NONFREE	(SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED | \
				 SNAPSHOT_SLOT_BAD)

/* Largest count kept in the slot word; 127 means "see counts[]". */
#define SNAPSHOT_COUNT_INLINE_MAX	126u
#define SNAPSHOT_COUNT_BIG		127u

/*
 * Limits every source enforces before allocating. cluster_size is bounded
 * by ci->count (u16) and by the 4-bit order field: PMD_ORDER <= 14.
 */
#define SNAPSHOT_MAX_CLUSTER_SIZE	16384u
#define SNAPSHOT_MAX_ORDER		14u
#define SNAPSHOT_MIN_PAGE_SIZE		4096u
#define SNAPSHOT_MAX_PAGE_SIZE		262144u

/* Cluster flags: the list a cluster is on, in the newest kernel's enum order. */
enum snapshot_cluster_flag {
	SNAPSHOT_CLUSTER_NONE = 0,	/* off-list: isolated, or eras A/B in use */
	SNAPSHOT_CLUSTER_FREE,
	SNAPSHOT_CLUSTER_NONFULL,
	SNAPSHOT_CLUSTER_FRAG,
	SNAPSHOT_CLUSTER_FULL,
	SNAPSHOT_CLUSTER_DISCARD,
	SNAPSHOT_CLUSTER_NR_FLAGS,
};

/* One cluster, as struct swap_cluster_info has it. */
struct snapshot_cluster {
	uint16_t count;		/* ci->count: non-free slots incl. bad/header/tail */
	uint8_t flags;		/* enum snapshot_cluster_flag */
	uint8_t order;		/* ci->order: the order that owns it */
};

/* Swap-cache folio flags swapfs knows by name; others are kept as text. */
enum snapshot_folio_flag {
	SNAPSHOT_FOLIO_LOCKED		= 1u << 0,
	SNAPSHOT_FOLIO_DIRTY		= 1u << 1,
	SNAPSHOT_FOLIO_WRITEBACK	= 1u << 2,
	SNAPSHOT_FOLIO_UPTODATE		= 1u << 3,
	SNAPSHOT_FOLIO_RECLAIM		= 1u << 4,
	SNAPSHOT_FOLIO_LARGE_RMAPPABLE	= 1u << 5,
	SNAPSHOT_FOLIO_NR_FLAGS		= 6,
};

/* A folio in the swap cache: 2^order slots from offset. */
struct snapshot_folio {
	uint32_t offset;	/* folio->swap: first slot */
	uint8_t order;
	uint8_t reserved;
	uint16_t flags;		/* enum snapshot_folio_flag */
	uint32_t extra;		/* 0, or 1 + offset in strings of ",other,flags" */
};

/* An exact count that does not fit the slot word. */
struct snapshot_count {
	uint32_t slot;
	uint32_t count;
};

/* The allocator's next-slot hint for one CPU (or the device) and order. */
struct snapshot_next {
	int32_t cpu;		/* SNAPSHOT_NEXT_GLOBAL for si->global_cluster */
	uint32_t order;
	uint32_t offset;
};
#define SNAPSHOT_NEXT_GLOBAL	(-1)
/* Largest CPU number a next hint may name (NR_CPUS is at most 8192 today). */
#define SNAPSHOT_NEXT_CPU_MAX	65535

/*
 * Back-references, for sources that see page tables (a capture): a
 * process whose page tables map slots of the device, and one page-table
 * reference, the virtual page of a process that maps a slot. Observed,
 * not inferred; a slot's count is at least its references.
 */
#define SNAPSHOT_COMM_LEN	16	/* TASK_COMM_LEN */
struct snapshot_proc {
	int32_t pid;
	char comm[SNAPSHOT_COMM_LEN];	/* NUL-terminated, as /proc/PID/comm */
};

struct snapshot_ref {
	uint64_t vaddr;		/* the virtual page's address */
	uint32_t slot;
	uint32_t proc;		/* index in procs[] */
};

/* An info key/value, in the order the source gave them. */
struct snapshot_info {
	char *key;
	char *value;
};

/*
 * Which optional dump files the source had: an export writes back exactly
 * these (so import -> export is byte-identical), plus what the state needs.
 */
enum snapshot_file {
	SNAPSHOT_HAS_CACHE	= 1u << 0,
	SNAPSHOT_HAS_CONTINUED	= 1u << 1,
	SNAPSHOT_HAS_ZEROMAP	= 1u << 2,
	SNAPSHOT_HAS_ZSWAP	= 1u << 3,
	SNAPSHOT_HAS_ORDERS	= 1u << 4,
	SNAPSHOT_HAS_NEXT	= 1u << 5,
};

/* Device fields parsed from info; has_* says whether the key was given. */
struct snapshot_device {
	const char *kernel;	/* release string (points into info) */
	char era;		/* 'A'..'G' */
	bool era_given;		/* info had an era key (else derived from kernel) */
	uint32_t page_size;
	uint32_t cluster_size;
	uint32_t cluster_shift;	/* log2(cluster_size) = PMD_ORDER */
	uint32_t max;		/* si->max: slots 0..max-1 */
	uint32_t nr_clusters;	/* DIV_ROUND_UP(max, cluster_size) */
	uint32_t nr_orders;	/* SWAP_NR_ORDERS (given, or cluster_shift + 1) */
	bool has_pages, has_inuse, has_type, has_flags, has_prio,
	     has_rotational, has_nr_orders, has_area;
	uint32_t pages;
	uint64_t inuse_pages;
	uint32_t type;
	uint64_t flags;		/* SWP_* bits */
	int32_t prio;
	bool rotational;
	const char *path;	/* NULL when not given */
	uint32_t area;		/* place among the areas read together (0 alone) */
	uint32_t areas;		/* how many were read together (1 alone) */
};

/* SWP_* bits the analysis needs (include/linux/swap.h). */
#define SNAPSHOT_SWP_WRITEOK		(1u << 1)
#define SNAPSHOT_SWP_SOLIDSTATE		(1u << 4)
#define SNAPSHOT_SWP_BLKDEV		(1u << 6)
#define SNAPSHOT_SWP_PAGE_DISCARD	(1u << 10)

/* Where a snapshot came from. Strings are owned by the snapshot. */
struct snapshot_provenance {
	char *source_kind;	/* "dump", "snapshot", "sim", "capture" */
	char *source_path;	/* dump directory or snapshot file, absolute */
	char *created;		/* ISO 8601 UTC, when the state was taken */
	char *note;		/* free text, may be NULL */
	int64_t step;		/* operations replayed (simulator), -1 if n/a */
	int64_t id;		/* snapshot id in its file, 0 if not from one */
};

struct snapshot {
	struct snapshot_device dev;
	struct snapshot_provenance prov;
	unsigned int files;		/* enum snapshot_file */

	struct snapshot_info *info;
	size_t nr_info, alloc_info;

	uint16_t *slots;		/* dev.max words */
	size_t slots_mapped;		/* bytes mmap'ed for slots, 0 if malloc'ed */
	struct snapshot_cluster *clusters;	/* dev.nr_clusters */

	struct snapshot_count *counts;	/* sorted by slot, unique */
	size_t nr_counts, alloc_counts;
	uint32_t *shmem;		/* SWAP_MAP_SHMEM slots (eras <= E), sorted */
	size_t nr_shmem, alloc_shmem;
	struct snapshot_folio *folios;	/* sorted by offset, non-overlapping */
	size_t nr_folios, alloc_folios;
	struct snapshot_next *next;	/* in source order */
	size_t nr_next, alloc_next;
	char *strings;			/* folio 'extra' flag text */
	size_t strings_len, strings_alloc;
	struct snapshot_proc *procs;	/* sorted by pid, unique */
	size_t nr_procs, alloc_procs;
	struct snapshot_ref *refs;	/* sorted by proc, then vaddr */
	size_t nr_refs, alloc_refs;
	uint32_t *refs_by_slot;		/* indexes into refs[], by slot, or NULL */
	uint32_t *moving;		/* clusters moving while read, sorted (moving.h) */
	size_t nr_moving, alloc_moving;
	struct stream *stream;		/* words still arriving (stream.h), or NULL */
};

/*
 * snapshot_new - an empty snapshot (no device yet). Returns NULL on ENOMEM.
 */
struct snapshot *snapshot_new(void);

/* snapshot_free - free @s and everything it owns; NULL is fine. */
void snapshot_free(struct snapshot *s);

/*
 * snapshot_set_geometry - size the slot and cluster arrays for @max slots
 * of @cluster_size (a power of two <= SNAPSHOT_MAX_CLUSTER_SIZE), all zero
 * (free). Callers bound @max by the bytes that describe it before calling.
 * Fills dev.max, cluster_size, cluster_shift, nr_clusters. Returns 0,
 * -EINVAL for a bad geometry, -ENOMEM.
 */
int snapshot_set_geometry(struct snapshot *s, uint32_t max, uint32_t cluster_size);

/*
 * snapshot_info_add - append key/value (copied). Duplicates are the
 * caller's to refuse. Returns 0 or -ENOMEM.
 */
int snapshot_info_add(struct snapshot *s, const char *key, const char *value);

/* snapshot_info_get - the value of @key, or NULL. */
const char *snapshot_info_get(const struct snapshot *s, const char *key);

/*
 * snapshot_info_set - replace @key's value, or append it. Returns 0 or -ENOMEM.
 */
int snapshot_info_set(struct snapshot *s, const char *key, const char *value);

/* snapshot_set_string - replace *@field with a copy of @v (NULL clears). */
int snapshot_set_string(char **field, const char *v);

/*
 * snapshot_set_count - set slot @slot's exact reference count (any u32).
 * Keeps the cached/bad/zero/zswap bits. Counts above
 * SNAPSHOT_COUNT_INLINE_MAX go to counts[]; appending in increasing slot
 * order is O(1), otherwise the table is kept sorted by insertion.
 * Returns 0 or -ENOMEM.
 */
int snapshot_set_count(struct snapshot *s, uint32_t slot, uint32_t count);

/* snapshot_count - the exact reference count of @slot. */
uint32_t snapshot_count(const struct snapshot *s, uint32_t slot);

/* snapshot_slot_free - true when nothing holds the slot (see above). */
static inline bool snapshot_slot_free(uint16_t w)
{
	return !(w & SNAPSHOT_SLOT_NONFREE);
}

/* snapshot_slot_order - the known run order of @w, or -1. */
static inline int snapshot_slot_order(uint16_t w)
{
	return (int)((w & SNAPSHOT_SLOT_ORDER) >> SNAPSHOT_SLOT_ORDER_SHIFT) - 1;
}

/*
 * snapshot_add_run - record a known-order run: 2^@order slots from
 * @offset were allocated together. Runs may be misaligned or cross a
 * cluster (the analysis reports that) but never overlap each other or
 * extend past max. Returns 0, -EINVAL (overlap or out of range; *@clash
 * receives the first slot already in a run) or -ERANGE (order too big).
 */
int snapshot_add_run(struct snapshot *s, uint32_t offset, unsigned int order,
		     uint32_t *clash);

/*
 * snapshot_run_at - the known run covering @slot: its first slot and
 * order. Returns 0, or -ENOENT when the slot is in no known run.
 */
int snapshot_run_at(const struct snapshot *s, uint32_t slot,
		    uint32_t *start, unsigned int *order);

/*
 * snapshot_remove_run - forget the known run covering @slot (every slot
 * of it goes back to unknown order). Returns 0, or -ENOENT when the slot
 * is in no known run.
 */
int snapshot_remove_run(struct snapshot *s, uint32_t slot);

/*
 * snapshot_add_shmem - mark @slot as SWAP_MAP_SHMEM-owned (eras <= D; its
 * count is 1). Returns 0 or -ENOMEM.
 */
int snapshot_add_shmem(struct snapshot *s, uint32_t slot);

/* snapshot_is_shmem - whether @slot is SWAP_MAP_SHMEM-owned. */
bool snapshot_is_shmem(const struct snapshot *s, uint32_t slot);

/*
 * snapshot_add_folio - add a swap-cache folio. @extra: comma-separated
 * flags swapfs has no bit for (NULL or "" for none). Folios may be added
 * in any order; snapshot_finish() sorts them and refuses overlaps.
 * Returns 0 or -ENOMEM.
 */
int snapshot_add_folio(struct snapshot *s, uint32_t offset, unsigned int order,
		       unsigned int flags, const char *extra);

/* snapshot_folio_extra - the unnamed flags of @f ("" for none). */
const char *snapshot_folio_extra(const struct snapshot *s,
				 const struct snapshot_folio *f);

/*
 * snapshot_folio_flag_name / snapshot_folio_flag_parse - names of the
 * known folio flags, in the order a dump writes them.
 */
const char *snapshot_folio_flag_name(unsigned int bit_index);
/* snapshot_flag_name_ok - a flag name as dumps write them: [a-z0-9_]+. */
bool snapshot_flag_name_ok(const char *name, size_t len);
/*
 * snapshot_flag_listed - whether the first @len bytes of the comma list
 * @list ("dirty,lru") hold @name (@n bytes) as one of its items.
 */
bool snapshot_flag_listed(const char *list, size_t len, const char *name,
			  size_t n);
int snapshot_folio_flag_parse(const char *name, size_t len);	/* bit or -1 */

/*
 * snapshot_folio_at - the folio covering @slot, or NULL. Needs the folio
 * table sorted (snapshot_finish()).
 */
const struct snapshot_folio *snapshot_folio_at(const struct snapshot *s,
					       uint32_t slot);

/*
 * snapshot_folios_from - index of the first folio with offset >= @slot
 * (nr_folios if none): how views walk the folios of one cluster.
 */
size_t snapshot_folios_from(const struct snapshot *s, uint32_t slot);

/* snapshot_add_next - append a next-slot hint. Returns 0 or -ENOMEM. */
int snapshot_add_next(struct snapshot *s, int32_t cpu, uint32_t order,
		      uint32_t offset);

/*
 * snapshot_add_proc - add a process (@comm is cut to SNAPSHOT_COMM_LEN - 1
 * bytes); its index in procs[] until snapshot_finish() goes to *@index.
 * Returns 0 or -ENOMEM.
 */
int snapshot_add_proc(struct snapshot *s, int32_t pid, const char *comm,
		      uint32_t *index);

/*
 * snapshot_add_ref - process @proc (an index snapshot_add_proc() gave)
 * maps @slot at @vaddr. Returns 0 or -ENOMEM.
 */
int snapshot_add_ref(struct snapshot *s, uint32_t proc, uint64_t vaddr,
		     uint32_t slot);

/*
 * snapshot_drop_proc - forget the process added last and every reference
 * from @first_ref on: a source that lost it while reading it.
 */
void snapshot_drop_proc(struct snapshot *s, size_t first_ref);

/* snapshot_proc_find - the index of process @pid in procs[], or -1. */
long snapshot_proc_find(const struct snapshot *s, int32_t pid);

/*
 * snapshot_proc_refs - the references of process @proc: refs[*@first ..
 * *@first + return value), by virtual address.
 */
size_t snapshot_proc_refs(const struct snapshot *s, uint32_t proc,
			  size_t *first);

/*
 * snapshot_index_refs - build refs_by_slot, the references by slot (after
 * snapshot_finish(); source_load() does it for the views). O(references);
 * once built it stays. Returns 0 or -ENOMEM.
 */
int snapshot_index_refs(struct snapshot *s);

/*
 * snapshot_slot_refs - the references to @slot: refs_by_slot[*@first ..
 * *@first + return value), by process then virtual address; none until
 * snapshot_index_refs().
 */
size_t snapshot_slot_refs(const struct snapshot *s, uint32_t slot,
			  size_t *first);

/*
 * snapshot_finish - sort the side tables and check what only the whole
 * picture shows: folios overlapping each other (-EINVAL, *@clash = offset
 * of the second folio), or extending past max; references to a slot past
 * max, of an unknown process, or twice to one page of a process (-EINVAL,
 * *@clash = the slot); a process listed twice (-EINVAL, *@clash = 0).
 * Sources call it last.
 */
int snapshot_finish(struct snapshot *s, uint32_t *clash);

/*
 * snapshot_size_name - @bytes as the kernel names folio sizes in
 * hugepages-<size>kB and as swapfs shows them: 4K, 64K, 2M, 1T. Returns @buf.
 */
const char *snapshot_size_name(uint64_t bytes, char *buf, size_t len);

/* snapshot_cluster_flag_name / _parse - "none".."discard"; -1 if unknown. */
const char *snapshot_cluster_flag_name(unsigned int flag);
int snapshot_cluster_flag_parse(const char *name, size_t len);

/* snapshot_cluster_first - first slot of cluster @ci. */
static inline uint32_t snapshot_cluster_first(const struct snapshot *s, uint32_t ci)
{
	return ci << s->dev.cluster_shift;
}

/*
 * snapshot_cluster_end - one past the last slot of cluster @ci that exists
 * (the last cluster may end at max).
 */
static inline uint32_t snapshot_cluster_end(const struct snapshot *s, uint32_t ci)
{
	uint64_t end = ((uint64_t)ci + 1) << s->dev.cluster_shift;

	return end > s->dev.max ? s->dev.max : (uint32_t)end;
}

/* snapshot_cluster_tail - slots of cluster @ci beyond max (they count). */
static inline uint32_t snapshot_cluster_tail(const struct snapshot *s, uint32_t ci)
{
	return s->dev.cluster_size - (snapshot_cluster_end(s, ci) -
				      snapshot_cluster_first(s, ci));
}

#endif /* SWAPFS_SNAPSHOT_H */
