// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live.bpf.c - the live reader's BPF program: copies one swap area's
 * allocation state out of the running kernel, exactly as the kernel holds
 * it, for live-bpf.c.
 *
 * Every program here is a raw_tp program that is never attached: user
 * space runs it on demand with BPF_PROG_TEST_RUN, after
 * writing its inputs (in_*) into the global data, and reads its outputs
 * from the global data (memory-mapped). One run is one step:
 *
 *	live_peek	copy kernel text (the swap_start decode, live-decode.c)
 *	live_index	copy swap_info[] into the scratch map
 *	live_areas	each area's fields, and the walk of swap_active_head
 *	live_read	clusters [in_first, in_first + in_nr) of one area: their
 *			records before and after, their swap_map bytes and
 *			zeromap bits, and the kind of each swap-table word
 *	live_hints	the allocation hints (si->global_cluster, per CPU)
 *
 * (live-show.bpf.c, a program of its own, fills the scratch map's areas
 * from a fentry hook instead of live_index.) Kernel addresses
 * (swap_info_struct, tables, folios) stay in the private scratch map; what reaches the global data is reduced to kinds, counts,
 * orders and flags (live-abi.h). The reads take no locks: live-read.c
 * checks each cluster against its slots and reads it again when they
 * disagree.
 */
#include "live-kernel.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "live-abi.h"
#include "live-scratch.h"

char LICENSE[] SEC("license") = "GPL";

#define SWP_TYPE_SHIFT		58	/* BITS_PER_XA_VALUE - MAX_SWAPFILES_SHIFT, 64-bit */
#define SWP_OFFSET_MASK		((1ull << SWP_TYPE_SHIFT) - 1)
#define KERNEL_HALF		0xffff800000000000ull
/* era G's swap table word (mm/swap_table.h, phase III) */
#define TB_COUNT_SHIFT		60
#define TB_COUNT_MAX		15
#define TB_REST			((1ull << TB_COUNT_SHIFT) - 1)
#define TB_BAD			(~0ull << 3)
/* SWAP_USAGE_OFFLIST_BIT is bit 30 or, where inuse_pages is a long, 62 */
#define SNAP_FLAG_LOCKED	(1u << 0)
#define SNAP_FLAG_DIRTY		(1u << 1)
#define SNAP_FLAG_WRITEBACK	(1u << 2)
#define SNAP_FLAG_UPTODATE	(1u << 3)
#define SNAP_FLAG_RECLAIM	(1u << 4)
#define SNAP_FLAG_LARGE_RMAP	(1u << 5)

/*
 * clang may test a copy of a size and pass the original to a helper, and
 * the verifier then sees an unbounded size: bound it in the register the
 * helper gets.
 */
#define LIVE_CLAMP(v, max)						\
	asm volatile("if %[r] <= %[m] goto +1; %[r] = %[m]"		\
		     : [r] "+r"(v) : [m] "i"(max))

/*
 * An index into an array of @n (a power of two) entries, masked where the
 * verifier sees it: clang drops a mask it can prove redundant.
 */
#define LIVE_IDX(i, n) ({						\
	__u64 __v = (i);						\
	asm volatile("" : "+r"(__v));					\
	__v & ((n) - 1);						\
})

/* ---- inputs ---------------------------------------------------------- */

__u64 in_swap_info;	/* &swap_info[0] (kallsyms or the decode) */
__u32 in_nr_types;	/* its entries: MAX_SWAPFILES */
__u64 in_peek;		/* kernel text for live_peek */
__u32 in_type;		/* the area of live_read and live_hints */
__u32 in_first;		/* live_read: first cluster */
__u32 in_nr;		/* live_read: clusters wanted */
__u64 in_pcp_var;	/* &percpu_swap_cluster (a per-CPU offset), or 0 */
__u64 in_pcp_offsets;	/* &__per_cpu_offset[0], or 0 */
__u32 in_nr_cpus;
__u64 in_vmemmap;	/* vmemmap_base from kallsyms, for era G's PFN words */

/* ---- outputs --------------------------------------------------------- */

struct live_out out;
__u8 text[LIVE_TEXT_BYTES];
struct live_area areas[LIVE_TYPES_MAX];
struct live_cluster clusters[LIVE_RUN_CLUSTERS];
struct live_folio folios[LIVE_FOLIOS_MAX];
struct live_count counts[LIVE_COUNTS_MAX];
struct live_hint hints[LIVE_HINTS_MAX];
/* slack past the end keeps every bounded copy inside the array */
__u8 map[LIVE_RUN_SLOTS + LIVE_CLUSTER_MAX];
__u64 zmap[(LIVE_RUN_SLOTS + LIVE_CLUSTER_MAX) / 64];

/* ---- live_peek, live_index --------------------------------- */

SEC("raw_tp")
int live_peek(void *ctx)
{
	out.status = bpf_probe_read_kernel(text, sizeof(text), (void *)in_peek) ?
		     LIVE_ST_FAULT : LIVE_ST_OK;
	return 0;
}

SEC("raw_tp")
int live_index(void *ctx)
{
	struct scratch *sc = scratch_get();
	__u32 n = in_nr_types;

	if (!sc)
		return 0;
	__builtin_memset(sc->si, 0, sizeof(sc->si));
	if (n > LIVE_TYPES_MAX)
		n = LIVE_TYPES_MAX;
	out.status = n && bpf_probe_read_kernel(sc->si, n * sizeof(__u64),
						(void *)in_swap_info) ?
		     LIVE_ST_FAULT : LIVE_ST_OK;
	return 0;
}

/* ---- live_areas ------------------------------------------------------- */

static __u32 live_features(void)
{
	__u32 f = 0;

	if (bpf_core_field_exists(((struct swap_cluster_info *)0)->table))
		f |= LIVE_F_TABLE;
	if (bpf_core_field_exists(((struct swap_cluster_info *)0)->extend_table))
		f |= LIVE_F_EXTEND;
	if (bpf_core_field_exists(((struct swap_cluster_info *)0)->memcg_table))
		f |= LIVE_F_MEMCG;
	if (bpf_core_field_exists(((struct swap_info_struct *)0)->swap_map))
		f |= LIVE_F_MAP;
	if (bpf_core_field_exists(((struct swap_info_struct *)0)->zeromap))
		f |= LIVE_F_ZEROMAP;
	if (bpf_core_field_exists(((struct swap_info_struct *)0)->global_cluster))
		f |= LIVE_F_GLOBAL;
	if (!bpf_core_field_exists(((struct swap_info_struct___uint *)0)->inuse_pages))
		f |= LIVE_F_INUSE_LONG;
	if (bpf_core_enum_value_exists(enum swap_cluster_flags, CLUSTER_FLAG_DISCARD))
		f |= LIVE_F_FLAGS_ENUM;
	return f;
}

static __u64 live_inuse(struct swap_info_struct *si)
{
	struct swap_info_struct___uint *old = (void *)si;

	if (bpf_core_field_exists(old->inuse_pages))
		return BPF_CORE_READ(old, inuse_pages);
	return (__u64)BPF_CORE_READ(si, inuse_pages.counter);
}

/* The pointer fields of @si the reader needs; a set bit per non-NULL one. */
static void live_area_pointers(struct swap_info_struct *si, struct live_area *a)
{
	struct file *file;

	if (bpf_core_field_exists(si->swap_map))
		a->has_map = !!BPF_CORE_READ(si, swap_map);
	if (bpf_core_field_exists(si->zeromap))
		a->has_zeromap = !!BPF_CORE_READ(si, zeromap);
	if (bpf_core_field_exists(si->global_cluster))
		a->has_global = !!BPF_CORE_READ(si, global_cluster);
	a->has_clusters = !!BPF_CORE_READ(si, cluster_info);
	if (BPF_CORE_READ(si, bdev))
		a->bdev_dev = BPF_CORE_READ(si, bdev, bd_dev);
	file = BPF_CORE_READ(si, swap_file);
	if (file) {
		a->file_dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
		a->file_ino = BPF_CORE_READ(file, f_inode, i_ino);
	}
}

struct ring_ctx {
	struct scratch *sc;
	__u64 start, node;
	struct live_area *a;
};

/*
 * One step around the active list: a node is an area's si->list.node_list
 * when that area's swap_info_struct is the one of its type; else it is
 * the list head (swap_active_head), met once.
 */
static long live_ring_step(__u32 i, void *arg)
{
	struct ring_ctx *r = arg;
	__u64 off = bpf_core_field_offset(((struct swap_info_struct *)0)->list.node_list);
	struct swap_info_struct *si;
	signed char type = -1;
	__u64 next = 0;

	if (bpf_probe_read_kernel(&next, sizeof(next), (void *)r->node) || !next) {
		r->a->fault = 1;
		return 1;
	}
	r->node = next;
	if (next == r->start)
		return 1;
	si = (void *)(next - off);
	if (bpf_probe_read_kernel(&type, sizeof(type), &si->type) == 0 &&
	    type >= 0 && type < LIVE_TYPES_MAX &&
	    r->sc->si[type & (LIVE_TYPES_MAX - 1)] == (__u64)si)
		r->a->ring_areas++;
	else
		r->a->ring_other++;
	return 0;
}

static long live_area_cb(__u32 i, void *arg)
{
	struct scratch *sc = *(struct scratch **)arg;
	struct swap_info_struct *si;
	struct live_area *a;
	struct ring_ctx r;

	if (i >= LIVE_TYPES_MAX)
		return 1;
	a = &areas[LIVE_IDX(i, LIVE_TYPES_MAX)];
	__builtin_memset(a, 0, sizeof(*a));
	si = (void *)sc->si[LIVE_IDX(i, LIVE_TYPES_MAX)];
	if (!si)
		return 0;
	a->present = 1;
	a->type_ok = BPF_CORE_READ(si, type) == (signed char)i;
	a->flags = BPF_CORE_READ(si, flags);
	a->prio = BPF_CORE_READ(si, prio);
	a->max = BPF_CORE_READ(si, max);
	a->pages = BPF_CORE_READ(si, pages);
	a->inuse_raw = live_inuse(si);
	a->nr_orders = bpf_core_field_size(si->nonfull_clusters) /
		       sizeof(struct list_head);
	if (bpf_core_type_exists(struct swap_table))
		a->cluster_size = bpf_core_type_size(struct swap_table) /
				  sizeof(atomic_long_t);
	live_area_pointers(si, a);
	r.sc = sc;
	r.a = a;
	r.start = (__u64)si + bpf_core_field_offset(si->list.node_list);
	r.node = r.start;
	bpf_loop(LIVE_TYPES_MAX + 2, live_ring_step, &r, 0);
	return 0;
}

SEC("raw_tp")
int live_areas(void *ctx)
{
	struct scratch *sc = scratch_get();

	if (!sc)
		return 0;
	out.features = live_features();
	out.ci_size = bpf_core_type_size(struct swap_cluster_info);
	out.off_flags = bpf_core_field_offset(((struct swap_info_struct *)0)->flags);
	if (bpf_core_field_exists(((struct swap_info_struct *)0)->swap_map))
		out.off_swap_map = bpf_core_field_offset(
			((struct swap_info_struct *)0)->swap_map);
	/* bpf_loop wants its context on the stack */
	bpf_loop(LIVE_TYPES_MAX, live_area_cb, &sc, 0);
	out.status = LIVE_ST_OK;
	return 0;
}

/* ---- live_read -------------------------------------------------------- */

struct read_ctx {
	struct scratch *sc;
	struct swap_info_struct *si;
	__u64 first_slot;	/* of the read */
	__u32 cs;		/* cluster size */
	__u32 ci_size;
	__u32 nr_slots;		/* slots of the read (up to max) */
	__u32 max;
	bool era_g;
	bool full;		/* folios[] or counts[] ran out */
	/* the cluster being classified */
	struct live_cluster *c;
	__u64 base;		/* its first slot, relative to first_slot */
	__u64 extend;		/* era G: its extend_table */
	__u64 prev;		/* the folio of the previous word, 0 if none */
	__u64 vmemmap;		/* era G: for the PFN words; 0 unknown */
	__u32 run;		/* index of the current run in folios[] */
};

/* The kernel's cluster flag as enum snapshot_cluster_flag; 0xff unknown. */
static __u8 live_cluster_flag(__u8 f)
{
	if (f == bpf_core_enum_value(enum swap_cluster_flags, CLUSTER_FLAG_NONE))
		return 0;
	if (f == bpf_core_enum_value(enum swap_cluster_flags, CLUSTER_FLAG_FREE))
		return 1;
	if (f == bpf_core_enum_value(enum swap_cluster_flags, CLUSTER_FLAG_NONFULL))
		return 2;
	if (f == bpf_core_enum_value(enum swap_cluster_flags, CLUSTER_FLAG_FRAG))
		return 3;
	if (f == bpf_core_enum_value(enum swap_cluster_flags, CLUSTER_FLAG_FULL))
		return 4;
	if (f == bpf_core_enum_value(enum swap_cluster_flags, CLUSTER_FLAG_DISCARD))
		return 5;
	return 0xff;
}

static unsigned long live_folio_flags_word(__u64 folio)
{
	struct folio___memdesc *fm = (void *)folio;
	struct folio___ulong *fu = (void *)folio;

	if (bpf_core_field_exists(fm->flags))
		return BPF_CORE_READ(fm, flags.f);
	return BPF_CORE_READ(fu, flags);
}

#define PGBIT(name)	(1ul << bpf_core_enum_value(enum pageflags, name))

/* Record the folio @folio that starts a run at word @j of the cluster. */
static int live_folio_start(struct read_ctx *x, __u64 folio, __u32 j)
{
	unsigned long flags, flags1 = 0;
	struct live_folio *f;
	__u64 swap;
	__u32 n = out.nr_folios;
	__u16 bits = 0;

	if (n >= LIVE_FOLIOS_MAX) {
		x->full = true;
		return 1;
	}
	flags = live_folio_flags_word(folio);
	swap = BPF_CORE_READ((struct folio *)folio, swap.val);
	if (flags & PGBIT(PG_head))
		bpf_probe_read_kernel(&flags1, sizeof(flags1),
				      (void *)(folio + bpf_core_type_size(struct page)));
	if (flags & PGBIT(PG_locked))
		bits |= SNAP_FLAG_LOCKED;
	if (flags & PGBIT(PG_dirty))
		bits |= SNAP_FLAG_DIRTY;
	if (flags & PGBIT(PG_writeback))
		bits |= SNAP_FLAG_WRITEBACK;
	if (flags & PGBIT(PG_uptodate))
		bits |= SNAP_FLAG_UPTODATE;
	if (flags & PGBIT(PG_reclaim))
		bits |= SNAP_FLAG_RECLAIM;
	if ((flags & PGBIT(PG_head)) && (flags1 & PGBIT(PG_large_rmappable)))
		bits |= SNAP_FLAG_LARGE_RMAP;
	f = &folios[LIVE_IDX(n, LIVE_FOLIOS_MAX)];
	f->slot = (__u32)(x->first_slot + x->base + j);
	f->len = 1;
	f->swap = (__u32)(swap & SWP_OFFSET_MASK);
	f->type = (__u8)(swap >> SWP_TYPE_SHIFT);
	f->order = flags & PGBIT(PG_head) ? (__u8)(flags1 & 0xff) : 0;
	f->flags = bits;
	x->run = n;
	out.nr_folios = n + 1;
	x->c->nr_runs++;
	return 0;
}

/* A folio word: the same folio as the word before extends its run. */
static int live_folio_word(struct read_ctx *x, __u64 folio, __u32 j)
{
	x->c->nr_folio++;
	if (folio == x->prev) {
		folios[LIVE_IDX(x->run, LIVE_FOLIOS_MAX)].len++;
		return 0;
	}
	x->prev = folio;
	return live_folio_start(x, folio, j);
}

/* Era G: the slot's byte in the era-E encoding; big counts to counts[]. */
static int live_g_byte(struct read_ctx *x, __u32 j, __u64 w, __u8 kind)
{
	__u64 slot = x->base + j;
	__u32 c = (__u32)(w >> TB_COUNT_SHIFT), big = 0, n;

	if (slot >= x->nr_slots)
		return 0;	/* the tail past max */
	if (c == TB_COUNT_MAX) {
		n = out.nr_counts;
		if (n >= LIVE_COUNTS_MAX) {
			x->full = true;
			return 1;
		}
		if (!x->extend ||
		    bpf_probe_read_kernel(&big, sizeof(big), (void *)(x->extend + j * 4)))
			big = 0;
		n = LIVE_IDX(n, LIVE_COUNTS_MAX);
		counts[n].slot = (__u32)(x->first_slot + slot);
		counts[n].count = big;
		n = out.nr_counts;
		out.nr_counts = n + 1;
		c = LIVE_MAP_CONTINUED;
	}
	map[LIVE_IDX(slot, LIVE_RUN_SLOTS)] = (__u8)(c | kind);
	return 0;
}

static long live_word_cb(__u32 j, void *arg)
{
	struct read_ctx *x = arg;
	__u64 w, folio;

	if (j >= LIVE_CLUSTER_MAX)
		return 1;
	w = x->sc->tb[LIVE_IDX(j, LIVE_CLUSTER_MAX)];
	if (!x->era_g) {
		if (!w || (w & 1)) {	/* free, or a shadow: an xarray value */
			x->c->nr_shadow += w & 1;
			x->prev = 0;
			return 0;
		}
		if ((w & 7) || w < KERNEL_HALF) {
			x->c->nr_other++;
			x->prev = 0;
			return 0;
		}
		return live_folio_word(x, w, j);
	}
	if (!w)
		return live_g_byte(x, j, 0, 0);
	if (w == TB_BAD)
		return live_g_byte(x, j, 0, LIVE_MAP_BAD);
	if (w & 1) {
		x->c->nr_shadow++;
		x->prev = 0;
		return live_g_byte(x, j, w, 0);
	}
	if ((w & 3) != 2 || !x->vmemmap) {
		x->c->nr_other++;
		x->prev = 0;
		return live_g_byte(x, j, 0, 0);
	}
	folio = x->vmemmap + ((w & TB_REST) >> 2) * bpf_core_type_size(struct page);
	if (live_folio_word(x, folio, j))
		return 1;
	return live_g_byte(x, j, w, LIVE_MAP_CACHED);
}

/* The table of the cluster whose raw record is @r, classified word by word. */
static int live_table(struct read_ctx *x, __u8 *r, __u64 table)
{
	__u32 runs = out.nr_folios, nc = out.nr_counts;

	__u64 bytes = (__u64)x->cs * sizeof(__u64);

	LIVE_CLAMP(bytes, LIVE_CLUSTER_MAX * sizeof(__u64));
	if (bpf_probe_read_kernel(x->sc->tb, bytes, (void *)table))
		return -1;
	x->extend = 0;
	if (bpf_core_field_exists(((struct swap_cluster_info *)0)->extend_table))
		x->extend = *(__u64 *)(r + bpf_core_field_offset(
			((struct swap_cluster_info *)0)->extend_table));
	x->prev = 0;
	x->c->first_run = runs;
	bpf_loop(x->cs, live_word_cb, x, 0);
	if (x->full) {		/* this cluster again, in the next read */
		out.nr_folios = runs;
		out.nr_counts = nc;
		return 1;
	}
	return 0;
}

static long live_cluster_cb(__u32 i, void *arg)
{
	struct read_ctx *x = arg;
	__u32 off = i * x->ci_size, co;
	__u64 t1 = 0, t2 = 0;
	struct live_cluster *c;
	__u8 *r1, *r2;

	if (i >= LIVE_RUN_CLUSTERS || off > LIVE_CI_RAW_MAX - 64)
		return 1;
	c = &clusters[LIVE_IDX(i, LIVE_RUN_CLUSTERS)];
	__builtin_memset(c, 0, sizeof(*c));
	r1 = x->sc->raw1 + LIVE_IDX(off, LIVE_CI_RAW_MAX);
	r2 = x->sc->raw2 + LIVE_IDX(off, LIVE_CI_RAW_MAX);
	co = bpf_core_field_offset(((struct swap_cluster_info *)0)->count);
	c->count = *(__u16 *)(r1 + co);
	c->order = r1[bpf_core_field_offset(((struct swap_cluster_info *)0)->order)];
	c->flags = live_cluster_flag(r1[bpf_core_field_offset(
		((struct swap_cluster_info *)0)->flags)]);
	if (c->flags == 0xff)
		c->state |= LIVE_CL_BAD_FLAGS;
	/* count, flags and order are one word: compare it whole */
	if (*(__u32 *)(r1 + co) != *(__u32 *)(r2 + co))
		c->state |= LIVE_CL_MOVED;
	if (bpf_core_field_exists(((struct swap_cluster_info *)0)->table)) {
		co = bpf_core_field_offset(((struct swap_cluster_info *)0)->table);
		t1 = *(__u64 *)(r1 + co);
		t2 = *(__u64 *)(r2 + co);
	}
	if (t1 != t2)
		c->state |= LIVE_CL_MOVED;
	x->c = c;
	x->base = (__u64)i * x->cs;
	if (t1) {
		c->state |= LIVE_CL_TABLE;
		if (live_table(x, r1, t1))
			return 1;
	}
	out.done = i + 1;
	return 0;
}

/* swap_map bytes and zeromap words of the read; era G has neither map. */
static int live_copy_maps(struct read_ctx *x)
{
	__u64 z = 0, zbytes;
	struct swap_info_struct *si = x->si;
	__u64 n = x->nr_slots;
	__u8 *p = 0;

	if (n > LIVE_RUN_SLOTS)
		return -1;
	if (bpf_core_field_exists(si->swap_map)) {
		p = BPF_CORE_READ(si, swap_map);
		LIVE_CLAMP(n, LIVE_RUN_SLOTS);
		if (!p || bpf_probe_read_kernel(map, n, p + x->first_slot))
			return -1;
	}
	if (bpf_core_field_exists(si->zeromap))
		z = (__u64)BPF_CORE_READ(si, zeromap);
	if (!z)
		return 0;
	zbytes = ((n + 63) / 64) * 8;
	LIVE_CLAMP(zbytes, LIVE_RUN_SLOTS / 8);
	return bpf_probe_read_kernel(zmap, zbytes, (void *)(z + x->first_slot / 8)) ?
	       -1 : 0;
}

static int live_read_setup(struct read_ctx *x, __u32 *nr)
{
	struct swap_info_struct *si = x->si;
	__u64 first = (__u64)in_first * x->cs;

	x->max = BPF_CORE_READ(si, max);
	x->ci_size = bpf_core_type_size(struct swap_cluster_info);
	if (!x->cs || x->cs > LIVE_CLUSTER_MAX || (x->cs & (x->cs - 1)) ||
	    x->cs < 64 || x->ci_size < 8 || x->ci_size > 1024)
		return LIVE_ST_GEOMETRY;
	if (first >= x->max)
		return LIVE_ST_OK;
	*nr = in_nr;
	if (*nr > LIVE_RUN_CLUSTERS)
		*nr = LIVE_RUN_CLUSTERS;
	if (*nr > LIVE_CI_RAW_MAX / x->ci_size)
		*nr = LIVE_CI_RAW_MAX / x->ci_size;
	if (*nr > LIVE_RUN_SLOTS / x->cs)
		*nr = LIVE_RUN_SLOTS / x->cs;
	x->first_slot = first;
	x->nr_slots = (__u64)*nr * x->cs > x->max - first ?
		      (__u32)(x->max - first) : *nr * x->cs;
	*nr = (x->nr_slots + x->cs - 1) / x->cs;
	return LIVE_ST_OK;
}

SEC("raw_tp")
int live_read(void *ctx)
{
	struct read_ctx x = { .sc = scratch_get() };
	struct swap_info_struct *si;
	__u64 ci, bytes;
	__u32 nr = 0;

	out.done = 0;
	out.nr_folios = 0;
	out.nr_counts = 0;
	if (!x.sc)
		return 0;
	si = (void *)x.sc->si[in_type & (LIVE_TYPES_MAX - 1)];
	x.si = si;
	x.cs = areas[in_type & (LIVE_TYPES_MAX - 1)].cluster_size;
	x.era_g = !bpf_core_field_exists(si->swap_map);
	/* kallsyms's, else the one live-cont.bpf.c found */
	x.vmemmap = in_vmemmap ? in_vmemmap : x.sc->vmemmap;
	out.status = si ? live_read_setup(&x, &nr) : LIVE_ST_NO_AREA;
	if (out.status || !nr)
		return 0;
	ci = (__u64)BPF_CORE_READ(si, cluster_info);
	bytes = (__u64)nr * x.ci_size;
	if (!ci || bytes > LIVE_CI_RAW_MAX)
		goto fault;
	ci += (__u64)in_first * x.ci_size;
	LIVE_CLAMP(bytes, LIVE_CI_RAW_MAX);
	if (bpf_probe_read_kernel(x.sc->raw1, bytes, (void *)ci) ||
	    live_copy_maps(&x) ||
	    bpf_probe_read_kernel(x.sc->raw2, bytes, (void *)ci))
		goto fault;
	bpf_loop(nr, live_cluster_cb, &x, 0);
	return 0;
fault:
	out.status = LIVE_ST_FAULT;
	return 0;
}

/* ---- live_hints ------------------------------------------------------- */

struct hint_ctx {
	__u64 si;
	__u32 nr_orders;
};

static void live_hint_add(__s32 cpu, __u32 order, __u64 offset)
{
	__u32 n = out.nr_hints;

	if (n >= LIVE_HINTS_MAX)
		return;
	hints[LIVE_IDX(n, LIVE_HINTS_MAX)].cpu = cpu;
	hints[LIVE_IDX(n, LIVE_HINTS_MAX)].order = order;
	hints[LIVE_IDX(n, LIVE_HINTS_MAX)].offset = offset;
	out.nr_hints = n + 1;
}

/* This CPU's percpu_swap_cluster: the orders whose device is our area. */
static long live_hint_cpu(__u32 cpu, void *arg)
{
	struct hint_ctx *h = arg;
	struct percpu_swap_cluster *p;
	__u64 base = 0, si = 0, offset = 0;
	__u32 o;

	if (bpf_probe_read_kernel(&base, sizeof(base),
				  (void *)(in_pcp_offsets + cpu * sizeof(__u64))))
		return 1;
	p = (void *)(base + in_pcp_var);
	for (o = 0; o < 16 && o < h->nr_orders; o++) {
		if (bpf_probe_read_kernel(&si, sizeof(si), &p->si[o]) || si != h->si)
			continue;
		if (!bpf_probe_read_kernel(&offset, sizeof(offset), &p->offset[o]) && offset)
			live_hint_add((__s32)cpu, o, offset);
	}
	return 0;
}

SEC("raw_tp")
int live_hints(void *ctx)
{
	struct scratch *sc = scratch_get();
	struct swap_info_struct *si;
	struct swap_sequential_cluster *g = 0;
	struct hint_ctx h;
	unsigned int next = 0;
	__u32 o;

	out.nr_hints = 0;
	if (!sc)
		return 0;
	si = (void *)sc->si[in_type & (LIVE_TYPES_MAX - 1)];
	h.si = (__u64)si;
	h.nr_orders = areas[in_type & (LIVE_TYPES_MAX - 1)].nr_orders;
	if (!si)
		return 0;
	if (bpf_core_field_exists(si->global_cluster))
		g = BPF_CORE_READ(si, global_cluster);
	for (o = 0; g && o < 16 && o < h.nr_orders; o++)
		if (!bpf_probe_read_kernel(&next, sizeof(next), &g->next[o]) && next)
			live_hint_add(-1, o, next);
	if (in_pcp_var && in_pcp_offsets && in_nr_cpus)
		bpf_loop(in_nr_cpus, live_hint_cpu, &h, 0);
	return 0;
}
