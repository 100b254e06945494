/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * live-internal.h - the parts of the live reader (live.h), private to
 * src/sources/kernel/. Who calls whom, one way only:
 *
 *	live.c		live_load(): the source; calls the four below
 *	live-find.c	finding swap_info[] (kallsyms, fentry, the decode)
 *	live-decode.c	the x86-64 decode of swap_start's code (pure)
 *	live-read.c	reading one area, cluster by cluster, into the model
 *	live-cont.c	counts in continuation pages (and the bases to them)
 *	live-info.c	the area's info keys, path and names
 *	live-bpf.c	the BPF program: load, run, and its buffers
 *
 * Every function returns 0 or -errno and fills a struct diag on errors
 * the user must read; nothing prints.
 */
#ifndef SWAPFS_LIVE_INTERNAL_H
#define SWAPFS_LIVE_INTERNAL_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/diag.h"
#include "swapfs/snapshot.h"
#include "bpf/live-abi.h"

/* SWP_* bits the reader tests (include/linux/swap.h). */
#define LIVE_SWP_USED		(1u << 0)
#define LIVE_SWP_WRITEOK	(1u << 1)
#define LIVE_SWP_SOLIDSTATE	(1u << 4)
#define LIVE_SWP_BLKDEV		(1u << 6)

/* How swap_info[] was found (the order). */
enum live_method {
	LIVE_METHOD_KALLSYMS,	/* the symbol swap_info */
	LIVE_METHOD_FENTRY,	/* fentry on swap_show while /proc/swaps is read */
	LIVE_METHOD_DECODE,	/* swap_start's code, validated */
};

/* live_method_name - "kallsyms", "fentry", "decode". */
const char *live_method_name(enum live_method m);

/* ---- live-bpf.c --------------------------------------------------------- */

struct live_bpf;

/* What one live_bpf_read() left in the program's buffers. */
struct live_view {
	uint32_t done;			/* clusters covered */
	uint32_t nr_folios, nr_counts;
	const struct live_cluster *clusters;	/* [done] */
	const struct live_folio *folios;	/* [nr_folios] */
	const struct live_count *counts;	/* [nr_counts] */
	const uint8_t *map;		/* a byte per slot of the read */
	const __u64 *zmap;		/* a bit per slot of the read */
};

/*
 * live_bpf_open - load the program. Returns 0, or -errno with @d saying
 * why in words and what to do instead (no permission, lockdown, a
 * refused program).
 */
int live_bpf_open(struct live_bpf **out, struct diag *d);

/* live_bpf_close - unload; NULL is fine. */
void live_bpf_close(struct live_bpf *b);

/* live_bpf_features - LIVE_F_* of the running kernel (after areas). */
uint32_t live_bpf_features(const struct live_bpf *b);

/* live_bpf_scratch_fd - the private map, for the programs that share it. */
int live_bpf_scratch_fd(const struct live_bpf *b);

/* live_bpf_out - what the last step said about itself. */
const struct live_out *live_bpf_out(const struct live_bpf *b);

/* live_bpf_set_vmemmap - vmemmap_base, for era G's PFN words (0: none). */
void live_bpf_set_vmemmap(struct live_bpf *b, uint64_t vmemmap);

/* live_bpf_peek - copy LIVE_TEXT_BYTES of kernel text at @addr. */
int live_bpf_peek(struct live_bpf *b, uint64_t addr, uint8_t *text);

/* live_bpf_index - take the areas from swap_info[@nr] at @swap_info. */
int live_bpf_index(struct live_bpf *b, uint64_t swap_info, unsigned int nr);

/*
 * live_bpf_show - take the areas from swap_show(): load the fentry
 * program (live-show.bpf.c) on our scratch map, attach it, read
 * /proc/swaps through, unload. Returns 0 or -errno (-EPERM where the
 * kernel refuses BPF trampolines).
 */
int live_bpf_show(struct live_bpf *b);

/* live_bpf_areas - every swap_info[] entry's fields, into @areas. */
int live_bpf_areas(struct live_bpf *b, struct live_area areas[LIVE_TYPES_MAX]);

/*
 * live_bpf_read - read clusters [@first, @first + @nr) of area @type (at
 * least one unless the area ends there; fewer when a buffer fills).
 * The view stays valid until the next call. Returns 0, -EFAULT when a
 * kernel read failed, -ENOENT (no such area), -ERANGE (a geometry the
 * buffers cannot hold).
 */
int live_bpf_read(struct live_bpf *b, unsigned int type, uint32_t first,
		  uint32_t nr, struct live_view *v);

/* Where the per-CPU hints are, when kallsyms says (0: not read). */
struct live_pcp {
	uint64_t var;		/* &percpu_swap_cluster */
	uint64_t offsets;	/* &__per_cpu_offset[0] */
	unsigned int nr_cpus;
};

/*
 * live_bpf_hints - area @type's allocation hints: si->global_cluster,
 * and each CPU's when @pcp says where. *@hints points into the program's
 * buffer until the next call.
 */
int live_bpf_hints(struct live_bpf *b, unsigned int type,
		   const struct live_pcp *pcp, const struct live_hint **hints,
		   size_t *nr);

/* ---- live-cont.c -------------------------------------------------------- */

struct live_cont;

/*
 * live_cont_open - load bpf/live-cont.bpf.c on @b's private map and find
 * page_offset_base and vmemmap_base (era G's PFN words use the latter
 * too). Returns 0, -EPERM (PFNs hidden: not root), -EFAULT (no base
 * found: not x86-64, or a layout it does not know), or -errno.
 */
int live_cont_open(struct live_bpf *b, struct live_cont **out);

/*
 * live_cont_counts - the exact counts of area @type's @n @slots (bytes
 * with COUNT_CONTINUED) into @counts; 0 for one that could not be read.
 */
int live_cont_counts(struct live_cont *c, unsigned int type, const uint32_t *slots,
		     size_t n, uint32_t *counts);

/* live_cont_close - unload; NULL is fine. */
void live_cont_close(struct live_cont *c);

/* ---- live-decode.c ------------------------------------------------------ */

/* What swap_start's code says about swap_info[]. */
struct live_decoded {
	uint64_t swap_info;	/* the disp32 of mov disp32(,%reg,8),%reg */
	unsigned int nr;	/* the bound the index is compared with */
	uint32_t disp8[8];	/* displacements of later loads off that reg */
	unsigned int nr_disp8;
};

/*
 * live_decode_swap_start - find, in @n bytes of x86-64 code, the load of
 * swap_info[type] and the MAX_SWAPFILES compare that bounds the loop.
 * Returns 0, or -ENOENT when the code has no such shape.
 */
int live_decode_swap_start(const uint8_t *code, size_t n, struct live_decoded *out);

/* ---- live-btf.c ---------------------------------------------------------- */

#define LIVE_NAME_MAX	24

/*
 * live_btf_flag_names - the one-bit enumerators of the kernel's enum that
 * has an enumerator @member ("SWP_USED"), by bit, without @prefix
 * ("SWP_"); "" for a bit the enum has no name for. Returns 0, -ENOENT
 * (no such enum), or -errno reading the BTF.
 */
int live_btf_flag_names(const char *member, const char *prefix,
			char names[32][LIVE_NAME_MAX]);

/* ---- live-find.c -------------------------------------------------------- */

/* The areas the kernel has, and how they were found. */
struct live_areas {
	struct live_area v[LIVE_TYPES_MAX];
	enum live_method method;
	uint32_t features;	/* LIVE_F_* */
	struct live_pcp pcp;	/* per-CPU hints, where kallsyms has them */
	uint64_t vmemmap;	/* vmemmap_base from kallsyms, else 0 */
};

/*
 * live_find - open the program and find swap_info[] by the first method
 * that works (kallsyms, fentry, decode), each validated against the
 * areas themselves. On success *@b is open and @a filled. Returns 0 or
 * -errno with @d naming the cause and the way out.
 */
int live_find(struct live_bpf **b, struct live_areas *a, struct diag *d);

/*
 * live_find_refresh - read the areas again (same method), e.g. after
 * reading one: inuse_pages before and after.
 */
int live_find_refresh(struct live_bpf *b, struct live_areas *a, struct diag *d);

/* live_area_active - shown by /proc/swaps: SWP_USED and its map (or table). */
bool live_area_active(const struct live_areas *a, unsigned int type);

/* live_inuse - inuse_pages without SWAP_USAGE_OFFLIST_BIT (bit 30 or 62). */
uint64_t live_inuse(const struct live_areas *a, unsigned int type);

/* ---- live-info.c -------------------------------------------------------- */

/* An active area as the user names it. */
struct live_target {
	unsigned int type;
	char *path;		/* as /proc/swaps shows it (owned) */
	unsigned int area, areas;	/* its place among every area read (0 of 0: alone) */
};

/*
 * live_info_pick - the area @spec names ("", a path, a type number) among
 * the active ones, with its /proc/swaps path. Returns 0, -ENOENT (no such
 * area; @d lists the active ones), -EINVAL (@spec ambiguous or bad).
 */
int live_info_pick(const struct live_areas *a, const char *spec,
		   struct live_target *t, struct diag *d);

/* live_target_free - release what live_info_pick() gave. */
void live_target_free(struct live_target *t);

/*
 * live_info_device - size @s for area @t and set its info keys as a dump
 * of kernel @release would have them (format .. rotational, and area
 * and areas when @t is one of several read together), @era the era
 * letter. Returns 0, -EINVAL with @d, -ENOMEM.
 */
int live_info_device(struct snapshot *s, const struct live_areas *a,
		     const struct live_target *t, const char *release, char era,
		     struct diag *d);

/* live_info_era - the era of the running kernel, or 0 (@why says). */
char live_info_era(uint32_t features, const char *release, const char **why);

/* ---- live-read.c -------------------------------------------------------- */

/* What a read met, for the info keys. */
struct live_read_stats {
	uint64_t retries;	/* clusters read again */
	uint32_t moving;	/* clusters that never settled (moving.h) */
	uint64_t table_folio, table_shadow;	/* swap-table words by kind */
	uint64_t hints;		/* hints recorded */
	bool pcp_read;		/* per-CPU hints were read */
};

/*
 * live_read_area - read area @t of @a into @s (sized by live_info_device):
 * slots, clusters, folios, zero bits, hints. Returns 0 or -errno with @d.
 */
int live_read_area(struct live_bpf *b, const struct live_areas *a,
		   const struct live_target *t, struct snapshot *s,
		   struct live_read_stats *st, struct diag *d);

#endif /* SWAPFS_LIVE_INTERNAL_H */
