/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * live.h - "live:AREA" on the command line: a swap area of the running
 * kernel, read exactly as the kernel holds it, through a BPF program
 * (CO-RE: the kernel's BTF alone, no module, patch, kcore or debug info).
 *
 * What is read, per active area: its fields (type, prio, flags, max,
 * pages, inuse_pages before and after), every slot's swap_map byte (era
 * G: its swap-table word) and the exact count of a slot past 62
 * references (the continuation pages; era G: the extend table), every
 * cluster's count, list and order, the
 * kind of every swap-table word (free, shadow, folio) and, for each folio
 * in the swap cache, its order and flags read from the folio; the zeromap;
 * the allocation hints of rotational areas (si->global_cluster) and, where
 * kallsyms has percpu_swap_cluster, of each CPU. zswap residency is known
 * only while zswap holds nothing (/proc/meminfo Zswapped: 0 kB); the info
 * key live_zswap says which. Kernel addresses never leave the program:
 * folios, PFNs and shadows are reduced to their kind there.
 *
 * The read takes no lock: each cluster is checked against its own slots
 * and read again while they disagree; one that never settles is counted
 * in the info key live_moving and marked moving in the model (moving.h;
 * all of them in the info key live_moving_clusters): the analysis
 * reports no finding in it.
 * The info key live_method says how swap_info[] was found (kallsyms,
 * fentry or decode).
 */
#ifndef SWAPFS_LIVE_H
#define SWAPFS_LIVE_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SOURCES)
#error "swapfs/live.h belongs to the sources: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>

#include "swapfs/diag.h"
#include "swapfs/snapshot.h"

/* The prefix that names the running kernel as a source. */
#define LIVE_PREFIX	"live:"

/*
 * live_load - read the area @area names ("" for the only active one, a
 * device or file path, or a swap type number) into a new snapshot
 * (source kind "capture", era and kernel release of the running kernel,
 * the cache, zeromap and hints known). Returns 0, or -errno with @d
 * naming the cause and the way out: -EPERM (no privilege, lockdown),
 * -ENOTSUP (no BTF, no method here, not built in, an era the reader does
 * not know), -ENOENT (no such active area), -EINVAL (several areas and
 * none named), -EPROTO (a state the reader cannot read exactly).
 */
int live_load(const char *area, struct snapshot **out, struct diag *d);

/*
 * A reader kept open to read the same area again and again (a view that
 * refreshes, a benchmark): the program is loaded and swap_info[] found
 * once.
 */
struct live;

/*
 * live_open - load the reader and check that @area names an active area
 * now. Returns 0 or -errno with @d, as live_load().
 */
int live_open(const char *area, struct live **out, struct diag *d);

/*
 * live_read - read the area again into a new snapshot; the area is looked
 * up anew (it may have been turned off, or another named alike turned
 * on). Returns 0 or -errno with @d, as live_load().
 */
int live_read(struct live *l, struct snapshot **out, struct diag *d);

/* live_close - unload; NULL is fine. */
void live_close(struct live *l);

/*
 * live_load_areas - read every active area, each into a new snapshot as
 * live_load() reads one, in the order the kernel tries them for a new
 * swap-out (get_swap_pages() walks swap_avail_heads, a plist: priority
 * high to low; equal priorities by swap type), each with the info keys
 * area (its place in that order), areas, type, prio and path. At most
 * @max (1..32); *@nr how many. Returns 0 or -errno with @d as
 * live_load(); -E2BIG when more than @max are active. On failure *@out
 * holds nothing.
 */
int live_load_areas(struct snapshot **out, unsigned int max, unsigned int *nr,
		    struct diag *d);

/* live_built_in - whether this build has the BPF reader. */
bool live_built_in(void);

#endif /* SWAPFS_LIVE_H */
