// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-find.c - find the kernel's swap_info[], in the order the issue
 * gives, and trust it only once the areas confirm it:
 *
 *  1. kallsyms: the symbol swap_info (distribution kernels, which have
 *     CONFIG_KALLSYMS_ALL); the next data symbol bounds the array;
 *  2. fentry on swap_show(): each area /proc/swaps shows passes by as its
 *     argument while we read /proc/swaps (needs BPF trampolines);
 *  3. the decode of swap_start's code (x86-64; live-decode.c), whose field
 *     tests must be at the offsets the kernel's BTF gives.
 *
 * Whatever the method, every entry found must be the area of its index
 * (si->type), an area in use must have a sane max and pages, and walking
 * any active area's si->list must meet every active area and exactly one
 * other node, the list head swap_active_head. An address that is wrong
 * cannot pass that by chance.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live-internal.h"

#define LIVE_CAP_SYS_ADMIN	21
#define LIVE_CAP_PERFMON	38
#define LIVE_CAP_BPF		39
#define LIVE_INUSE_OFFLIST_INT	(1ull << 30)	/* SWAP_USAGE_OFFLIST_BIT, atomic_t */
#define LIVE_INUSE_OFFLIST_LONG	(1ull << 62)	/* ... where it is a long */

/* What kallsyms knows (0: not there, or hidden by kptr_restrict). */
struct live_ksyms {
	uint64_t swap_info, swap_info_end;
	uint64_t swap_start;
	uint64_t pcp_var, pcp_offsets;
	uint64_t vmemmap;		/* &vmemmap_base */
	bool hidden;			/* every address 0: kptr_restrict */
};

const char *live_method_name(enum live_method m)
{
	static const char *const names[] = {
		[LIVE_METHOD_KALLSYMS] = "kallsyms",
		[LIVE_METHOD_FENTRY] = "fentry",
		[LIVE_METHOD_DECODE] = "decode",
	};

	return names[m];
}

/* ---- before anything is loaded ------------------------------------------ */

static int live_find_preflight(struct diag *d)
{
	unsigned long long eff = 0;
	char line[256];
	bool found = false;
	FILE *f;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return diag_line(d, "live", 0, "live-btf",
				 "the kernel has no BTF (/sys/kernel/btf/vmlinux: %s; "
				 "CONFIG_DEBUG_INFO_BTF), which the reader needs to find "
				 "its fields; infer the state from page tables instead: "
				 "swapfs capture --method pagemap", strerror(errno)) ?
		       -ENOTSUP : 0;
	f = fopen("/proc/self/status", "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			found = true;
			break;
		}
	if (f)
		fclose(f);
	if (found && !(eff >> LIVE_CAP_SYS_ADMIN & 1) &&
	    !((eff >> LIVE_CAP_BPF & 1) && (eff >> LIVE_CAP_PERFMON & 1))) {
		diag_line(d, "live", 0, "live-permission",
			  "reading the kernel's swap state needs root, or CAP_BPF and "
			  "CAP_PERFMON; or infer it from page tables: swapfs capture "
			  "--method pagemap");
		return -EPERM;
	}
	return 0;
}

/* One pass over /proc/kallsyms; the data symbol after swap_info bounds it. */
static void live_find_kallsyms(struct live_ksyms *k)
{
	char line[512], name[256], kind;
	unsigned long long addr;
	uint64_t *data = NULL;
	size_t nr = 0, alloc = 0, i, lines = 0, zero = 0;
	FILE *f = fopen("/proc/kallsyms", "re");

	memset(k, 0, sizeof(*k));
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &kind, name) != 3)
			continue;
		lines++;
		zero += !addr;
		if (!addr || strchr(line, '['))
			continue;
		if (!strcmp(name, "swap_info"))
			k->swap_info = addr;
		else if (!strcmp(name, "swap_start"))
			k->swap_start = addr;
		else if (!strcmp(name, "percpu_swap_cluster"))
			k->pcp_var = addr;
		else if (!strcmp(name, "__per_cpu_offset"))
			k->pcp_offsets = addr;
		else if (!strcmp(name, "vmemmap_base"))
			k->vmemmap = addr;
		if (strchr("dDbB", kind)) {
			if (nr == alloc) {
				uint64_t *p = reallocarray(data, alloc = alloc ? 2 * alloc : 4096,
							   sizeof(*p));
				if (!p)
					break;
				data = p;
			}
			data[nr++] = addr;
		}
	}
	if (f)
		fclose(f);
	k->hidden = lines && zero == lines;
	for (i = 0; k->swap_info && i < nr; i++)
		if (data[i] > k->swap_info &&
		    (!k->swap_info_end || data[i] < k->swap_info_end))
			k->swap_info_end = data[i];
	free(data);
}

/* ---- validation ------------------------------------------------------------ */

bool live_area_active(const struct live_areas *a, unsigned int type)
{
	const struct live_area *e = &a->v[type];

	if (!e->present || !(e->flags & LIVE_SWP_USED))
		return false;
	return a->features & LIVE_F_MAP ? e->has_map : e->has_clusters;
}

uint64_t live_inuse(const struct live_areas *a, unsigned int type)
{
	uint64_t bit = a->features & LIVE_F_INUSE_LONG ? LIVE_INUSE_OFFLIST_LONG :
		       LIVE_INUSE_OFFLIST_INT;

	/* some long-inuse trees still keep the bit at 30: mask both */
	return a->v[type].inuse_raw & ~(bit | LIVE_INUSE_OFFLIST_INT);
}

/* NULL when the areas confirm the address, else why not. */
static const char *live_find_invalid(const struct live_areas *a)
{
	unsigned int t, writeok = 0;
	const struct live_area *e;

	for (t = 0; t < LIVE_TYPES_MAX; t++) {
		e = &a->v[t];
		if (!e->present)
			continue;
		if (e->fault || !e->type_ok)
			return "an entry is not the area of its index";
		if (live_area_active(a, t) &&
		    (!e->max || e->pages >= e->max || !e->cluster_size ||
		     (e->cluster_size & (e->cluster_size - 1))))
			return "an area in use has no sane size";
		writeok += !!(e->flags & LIVE_SWP_WRITEOK) && live_area_active(a, t);
	}
	for (t = 0; t < LIVE_TYPES_MAX; t++) {
		e = &a->v[t];
		if (!live_area_active(a, t) || !(e->flags & LIVE_SWP_WRITEOK))
			continue;
		/* the walk starts at the area itself: it meets the others */
		if (e->ring_areas + 1 != writeok || e->ring_other != 1)
			return "the active list (swap_active_head) does not link the areas found";
	}
	return NULL;
}

int live_find_refresh(struct live_bpf *b, struct live_areas *a, struct diag *d)
{
	int rc = live_bpf_areas(b, a->v);

	if (rc) {
		diag_line(d, "live", 0, "live-read",
			  "reading the swap areas failed: %s", strerror(-rc));
		return rc;
	}
	a->features = live_bpf_features(b);
	return 0;
}

/* ---- the methods ----------------------------------------------------------- */

/* swap_start's code, decoded (x86-64 only: -ENOTSUP elsewhere). */
static int live_find_decode(struct live_bpf *b, const struct live_ksyms *k,
			    struct live_decoded *dec)
{
#if defined(__x86_64__)
	uint8_t text[LIVE_TEXT_BYTES];
	int rc;

	if (!k->swap_start)
		return -ENOENT;
	rc = live_bpf_peek(b, k->swap_start, text);
	return rc ? rc : live_decode_swap_start(text, sizeof(text), dec);
#else
	return -ENOTSUP;
#endif
}

/*
 * swap_info[] has MAX_SWAPFILES entries, which no symbol says: on x86-64
 * swap_start's loop bound does (and its load must be of this address);
 * elsewhere the next data symbol bounds the array.
 */
static int live_try_kallsyms(struct live_bpf *b, struct live_areas *a,
			     const struct live_ksyms *k)
{
	struct live_decoded dec = { 0 };
	uint64_t n = LIVE_TYPES_MAX;

	if (!k->swap_info)
		return -ENOENT;
	if (k->swap_info_end && (k->swap_info_end - k->swap_info) / 8 < n)
		n = (k->swap_info_end - k->swap_info) / 8;
	if (!live_find_decode(b, k, &dec)) {
		if (dec.swap_info != k->swap_info)
			return -EINVAL;
		n = dec.nr;
	}
	return live_bpf_index(b, k->swap_info, (unsigned int)n) ?:
	       live_bpf_areas(b, a->v);
}

/* The decode must find the loop testing si->flags and si->swap_map. */
static int live_try_decode(struct live_bpf *b, struct live_areas *a,
			   const struct live_ksyms *k)
{
	struct live_decoded dec;
	bool flags = false, map = false;
	const struct live_out *o;
	unsigned int i;
	int rc;

	rc = live_find_decode(b, k, &dec);
	if (!rc)
		rc = live_bpf_areas(b, a->v);	/* for the field offsets */
	if (rc)
		return rc;
	o = live_bpf_out(b);
	for (i = 0; i < dec.nr_disp8; i++) {
		flags |= dec.disp8[i] == o->off_flags;
		map |= o->off_swap_map && dec.disp8[i] == o->off_swap_map;
	}
	if (!flags || !map)
		return -ENOENT;
	return live_bpf_index(b, dec.swap_info, dec.nr) ?: live_bpf_areas(b, a->v);
}

/* The per-CPU hints and era G's vmemmap_base, where kallsyms has them. */
static void live_find_extras(struct live_bpf *b, struct live_areas *a,
			     const struct live_ksyms *k)
{
	uint8_t text[LIVE_TEXT_BYTES];
	long cpus = sysconf(_SC_NPROCESSORS_CONF);

	if (k->pcp_var && k->pcp_offsets && cpus > 0) {
		a->pcp.var = k->pcp_var;
		a->pcp.offsets = k->pcp_offsets;
		a->pcp.nr_cpus = (unsigned int)cpus;
	}
	if (k->vmemmap && !live_bpf_peek(b, k->vmemmap, text))
		memcpy(&a->vmemmap, text, sizeof(a->vmemmap));
	live_bpf_set_vmemmap(b, a->vmemmap);
}

static int live_find_none(struct diag *d, const struct live_ksyms *k, int fentry_rc)
{
	char fentry[96];

	if (fentry_rc)
		snprintf(fentry, sizeof(fentry), "was refused (%s)", strerror(-fentry_rc));
	else
		snprintf(fentry, sizeof(fentry), "gave no valid areas");
	diag_line(d, "live", 0, "live-method",
		  "cannot find the kernel's swap areas: swap_info is not in kallsyms "
		  "(no CONFIG_KALLSYMS_ALL), fentry on swap_show %s, and %s; "
		  "infer the state from page tables instead: swapfs capture --method pagemap",
		  fentry,
#if defined(__x86_64__)
		  k->hidden ? "kallsyms hides its addresses from this user (kptr_restrict, "
			      "perf_event_paranoid: run as root, or add CAP_SYSLOG)" :
		  k->swap_start ? "the code of swap_start did not decode to a valid swap_info"
				: "swap_start is not in kallsyms"
#else
		  "this architecture has no decode of swap_start"
#endif
		  );
	return -ENOTSUP;
}

int live_find(struct live_bpf **out, struct live_areas *a, struct diag *d)
{
	struct live_bpf *b = NULL;
	struct live_ksyms k;
	int rc, frc;

	memset(a, 0, sizeof(*a));
	rc = live_find_preflight(d);
	if (rc)
		return rc;
	live_find_kallsyms(&k);
	rc = live_bpf_open(&b, d);
	if (rc)
		return rc;
	a->method = LIVE_METHOD_KALLSYMS;
	if (!live_try_kallsyms(b, a, &k) && !live_find_invalid(a))
		goto found;
	a->method = LIVE_METHOD_FENTRY;
	frc = live_bpf_show(b);
	if (!frc && !(frc = live_bpf_areas(b, a->v)) && !live_find_invalid(a))
		goto found;
	a->method = LIVE_METHOD_DECODE;
	if (live_try_decode(b, a, &k) || live_find_invalid(a)) {
		live_bpf_close(b);
		return live_find_none(d, &k, frc);
	}
found:
	a->features = live_bpf_features(b);
	live_find_extras(b, a, &k);
	*out = b;
	return 0;
}
