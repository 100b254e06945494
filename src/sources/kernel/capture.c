// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture.c - a snapshot of a live swap area from the page tables of every
 * process (capture.h says what is observed and what is inferred).
 *
 * The walk: /proc/swaps (libmount, swaps.c) names the area and its Used;
 * its header (target.c) gives max and the bad slots; then for each process
 * /proc/PID/maps gives the VMAs and /proc/PID/pagemap the entries. Swapped
 * ranges are found with the PAGEMAP_SCAN ioctl (6.7+) so a huge, mostly
 * empty address space costs nothing; without it every VMA's entries are
 * read. A pagemap swap entry is type in bits 0-4 and offset in bits 5-54,
 * with bit 62 set and bit 63 clear (Documentation/admin-guide/mm/pagemap.rst).
 *
 * A process's references are collected apart and kept only once all of
 * the process was read: one that exits midway leaves nothing half-counted.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "swapfs/capture.h"
#include "capture-internal.h"
#include "swapfs/swapheader.h"
#include "swapfs/info.h"
#include "swapfs/utc.h"
#include "swapfs/swaps.h"
#include "swapfs/target.h"

/* linux/fs.h of 6.7+; Debian 12's headers predate it. */
#ifndef PAGEMAP_SCAN
#define PAGE_IS_SWAPPED		(1 << 4)
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask,
		 return_mask;
};
#define PAGEMAP_SCAN	_IOWR('f', 16, struct pm_scan_arg)
#endif

#define CAPTURE_PM_SWAPPED	(1ull << 62)
#define CAPTURE_PM_PRESENT	(1ull << 63)
#define CAPTURE_PM_TYPE(e)	((unsigned int)((e) & 31))
#define CAPTURE_PM_OFFSET(e)	(((e) >> 5) & ((1ull << 50) - 1))
#define CAPTURE_CHUNK		4096	/* pagemap entries read at once */
#define CAPTURE_REGIONS		512	/* PAGEMAP_SCAN regions at once */
#define CAPTURE_SCAN_MIN	(256ull << 20)	/* smaller VMAs are read whole */
#define CAPTURE_CAP_SYS_ADMIN	21

struct capture {
	const struct capture_opts *o;
	struct capture_stats *st;
	struct diag *d;
	struct snapshot *s;
	const char *proc;
	unsigned int type;
	uint32_t max;
	long page_size;
	bool no_scan;		/* PAGEMAP_SCAN refused: read every entry */
	bool counts;		/* the references are the counts (pagemap) */
	uint32_t cur;		/* the process being read: its index */
	size_t first_ref;	/* and its first reference in s->refs */
	uint64_t buf[CAPTURE_CHUNK];
	struct page_region regions[CAPTURE_REGIONS];
};

/* CAP_SYS_ADMIN in the effective set: pagemap shows swap offsets then. */
static bool capture_sys_admin(void)
{
	char line[256];
	unsigned long long eff = 0;
	bool found = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			found = true;
			break;
		}
	fclose(f);
	return found && (eff >> CAPTURE_CAP_SYS_ADMIN & 1);
}

/* ---- the area --------------------------------------------------------- */

/*
 * The area the options name, and its swap type: the kernel lists areas in
 * /proc/swaps by type, so an area's line number is its type unless an
 * area was turned off below it (then --type says it).
 */
static int capture_pick(struct capture *c, const struct swaps *sw,
			const struct swaps_entry **out)
{
	const struct capture_opts *o = c->o;
	struct stat st;
	size_t i;

	if (o->device) {
		if (stat(o->device, &st))
			return diag_errno(c->d, o->device, -errno);
		*out = swaps_find(sw, o->device, &st);
		if (!*out) {
			diag_line(c->d, o->device, 0, "capture-area",
				  "not an active swap area (/proc/swaps)");
			return -ENOENT;
		}
		for (i = 0; &sw->v[i] != *out; i++)
			;
		c->type = o->type >= 0 ? (unsigned int)o->type : (unsigned int)i;
		return 0;
	}
	if (o->type >= 0) {
		if ((size_t)o->type >= sw->n) {
			diag_line(c->d, "/proc/swaps", 0, "capture-area",
				  "no swap area of type %d (%zu active)", o->type, sw->n);
			return -ENOENT;
		}
		*out = &sw->v[o->type];
		c->type = (unsigned int)o->type;
		return 0;
	}
	if (!sw->n) {
		diag_line(c->d, "/proc/swaps", 0, "capture-area", "no swap area is active");
		return -ENOENT;
	}
	if (sw->n > 1)
		return diag_line(c->d, "/proc/swaps", 0, "capture-area",
				 "%zu swap areas are active: name one (--device or --type)",
				 sw->n);
	*out = &sw->v[0];
	c->type = 0;
	return 0;
}

/* si->max and the bad slots, from the area's header. */
static int capture_header(struct capture *c, const struct swaps_entry *e,
			  struct swapheader_info *hi)
{
	struct target t = { .fd = -1 };
	int rc;

	rc = target_open(&t, e->path, O_RDONLY);
	if (!rc)
		rc = target_read_header(&t, 0, hi, NULL, NULL);
	target_close(&t);
	if (rc)
		return diag_errno(c->d, e->path, rc);
	if (hi->err != SWAPHEADER_OK || hi->page_size != (unsigned int)c->page_size)
		return diag_line(c->d, e->path, 0, "capture-header",
				 "the header does not describe an area of %ld-byte pages "
				 "the kernel would use (%s)", c->page_size,
				 swapheader_err_code(hi->err));
	c->max = hi->last_page + 1;
	if (!c->max)
		return diag_line(c->d, e->path, 0, "capture-header", "last_page is 2^32 - 1");
	return 0;
}

/* ---- one process ------------------------------------------------------ */

/* Entries of pages [@start, @end) of the pagemap @fd: the area's go in. */
static int capture_read_range(struct capture *c, int fd, uint64_t start,
			      uint64_t end)
{
	uint64_t ps = (uint64_t)c->page_size, va, n, i, e, off;
	ssize_t got;
	int rc;

	for (va = start; va < end; va += n * ps) {
		n = (end - va) / ps;
		if (n > CAPTURE_CHUNK)
			n = CAPTURE_CHUNK;
		got = pread(fd, c->buf, n * sizeof(uint64_t),
			    (off_t)(va / ps * sizeof(uint64_t)));
		if (got < 0)
			return -errno;
		if ((size_t)got < sizeof(uint64_t))
			return -ESRCH;	/* the mm went away */
		n = (uint64_t)got / sizeof(uint64_t);
		for (i = 0; i < n; i++) {
			e = c->buf[i];
			if ((e & (CAPTURE_PM_SWAPPED | CAPTURE_PM_PRESENT)) !=
			    CAPTURE_PM_SWAPPED || CAPTURE_PM_TYPE(e) != c->type)
				continue;
			off = CAPTURE_PM_OFFSET(e);
			if (off >= c->max)
				continue;	/* not an entry of this area's size */
			rc = snapshot_add_ref(c->s, c->cur, va + i * ps, (uint32_t)off);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/*
 * The swapped ranges of [@start, @end) by PAGEMAP_SCAN, each read. Returns
 * -ENOTTY when the kernel has no PAGEMAP_SCAN (the caller reads it all).
 */
static int capture_scan_vma(struct capture *c, int fd, uint64_t start,
			    uint64_t end)
{
	struct pm_scan_arg a;
	long n, i;
	int rc;

	while (start < end) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.start = start;
		a.end = end;
		a.vec = (uint64_t)(uintptr_t)c->regions;
		a.vec_len = CAPTURE_REGIONS;
		a.category_mask = PAGE_IS_SWAPPED;
		a.return_mask = PAGE_IS_SWAPPED;
		n = ioctl(fd, PAGEMAP_SCAN, &a);
		if (n < 0)
			return errno == EINVAL || errno == ENOTTY ? -ENOTTY : -errno;
		for (i = 0; i < n; i++) {
			rc = capture_read_range(c, fd, c->regions[i].start,
						c->regions[i].end);
			if (rc)
				return rc;
		}
		if (a.walk_end <= start)
			break;
		start = a.walk_end;
	}
	return 0;
}

static int capture_vma(struct capture *c, int fd, uint64_t start, uint64_t end)
{
	size_t mark = c->s->nr_refs;
	int rc;

	/*
	 * Reading entries costs the kernel one walk; a scan first costs two
	 * where the VMA is mostly swapped. Scanning pays off in the big
	 * reservations (heaps, JIT arenas) where almost nothing is.
	 */
	if (end - start <= CAPTURE_SCAN_MIN)
		return capture_read_range(c, fd, start, end);
	if (!c->no_scan) {
		rc = capture_scan_vma(c, fd, start, end);
		if (rc != -ENOTTY)
			return rc;
		/* no PAGEMAP_SCAN here: this VMA again, and all others, whole */
		c->no_scan = true;
		c->s->nr_refs = mark;
	}
	return capture_read_range(c, fd, start, end);
}

/* Every VMA of the process whose maps are @maps and pagemap @fd. */
static int capture_vmas(struct capture *c, FILE *maps, int fd)
{
	char line[PATH_MAX + 128];
	unsigned long long start, end;
	int rc;

	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%llx-%llx", &start, &end) != 2 || end <= start)
			continue;
		if (strstr(line, "[vsyscall]"))
			continue;	/* above TASK_SIZE: no page tables of ours */
		rc = capture_vma(c, fd, start, end);
		if (rc)
			return rc;
	}
	return ferror(maps) ? -EIO : 0;
}

/*
 * The process's references were appended to the model as they were read
 * (one that vanishes midway is dropped whole): now they count.
 */
static int capture_keep(struct capture *c)
{
	struct snapshot *s = c->s;
	size_t i, nr = s->nr_refs - c->first_ref;
	uint32_t count;
	int rc = 0;

	if (!nr) {
		snapshot_drop_proc(s, c->first_ref);	/* kept only with references */
		return 0;
	}
	for (i = c->first_ref; c->counts && !rc && i < s->nr_refs; i++) {
		uint32_t slot = s->refs[i].slot;
		uint16_t *w = &s->slots[slot];

		c->st->slots += !(*w & SNAPSHOT_SLOT_COUNT);
		if ((*w & SNAPSHOT_SLOT_COUNT) < SNAPSHOT_COUNT_INLINE_MAX) {
			(*w)++;		/* the common case, without a call */
			continue;
		}
		count = snapshot_count(s, slot);
		rc = snapshot_set_count(s, slot, count + 1);
	}
	c->st->refs += nr;
	c->st->procs_mapping++;
	return rc;
}

/*
 * Read process @pid; 1 when it went away (or could not be read) meanwhile,
 * -ESRCH for a kernel thread.
 */
static int capture_proc(struct capture *c, int32_t pid)
{
	char path[64], comm[SNAPSHOT_COMM_LEN + 8];
	FILE *maps = NULL;
	int fd = -1, rc;

	snprintf(path, sizeof(path), "%s/%d/comm", c->proc, pid);
	if (capture_read_line(path, comm, sizeof(comm)))
		return 1;
	snprintf(path, sizeof(path), "%s/%d/maps", c->proc, pid);
	maps = fopen(path, "re");
	if (!maps)
		return 1;
	snprintf(path, sizeof(path), "%s/%d/pagemap", c->proc, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* a kernel thread has no mm: ESRCH, and no maps either */
		rc = errno == ESRCH && fgetc(maps) == EOF && !ferror(maps) ? -ESRCH : 1;
		goto out;
	}
	c->first_ref = c->s->nr_refs;
	rc = snapshot_add_proc(c->s, pid, comm, &c->cur);
	if (rc)
		goto out;
	rc = capture_vmas(c, maps, fd);
	if (rc) {
		snapshot_drop_proc(c->s, c->first_ref);
		/* ESRCH, EIO, EACCES...: it is gone or hidden */
		rc = rc == -ENOMEM ? rc : 1;
		goto out;
	}
	rc = capture_keep(c);
out:
	if (maps)
		fclose(maps);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int capture_pid_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

/* Every process now (numeric entries of /proc), sorted. */
static int capture_list_pids(struct capture *c, int32_t **out, size_t *nr)
{
	int32_t *v = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *dir;
	char *end;
	long pid;

	dir = opendir(c->proc);
	if (!dir)
		return diag_errno(c->d, c->proc, -errno);
	while ((de = readdir(dir))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT32_MAX)
			continue;
		if (n == alloc) {
			void *p = realloc(v, (alloc = alloc ? 2 * alloc : 512) * sizeof(*v));

			if (!p) {
				closedir(dir);
				free(v);
				return -ENOMEM;
			}
			v = p;
		}
		v[n++] = (int32_t)pid;
	}
	closedir(dir);
	qsort(v, n, sizeof(*v), capture_pid_cmp);
	*out = v;
	*nr = n;
	return 0;
}

static int capture_procs(struct capture *c)
{
	const struct capture_opts *o = c->o;
	int32_t *all = NULL;
	const int32_t *pids = o->pids;
	size_t nr = o->nr_pids, i;
	int rc = 0;

	if (!pids) {
		rc = capture_list_pids(c, &all, &nr);
		if (rc)
			return rc;
		pids = all;
	}
	for (i = 0; i < nr; i++) {
		rc = capture_proc(c, pids[i]);
		if (rc < 0 && rc != -ESRCH)
			break;
		if (rc != -ESRCH) {	/* kernel threads are not counted */
			c->st->procs++;
			c->st->procs_gone += (size_t)rc;
		}
		rc = 0;
		if (o->progress)
			o->progress(o->progress_arg, i + 1, nr);
	}
	free(all);
	return rc;
}

/* ---- what is inferred ------------------------------------------------- */

/*
 * Does a folio of order @k start at reference @i of process refs[]?
 * 2^k references, naturally aligned and contiguous in both the virtual
 * page and the slot.
 */
static bool capture_run_at(const struct snapshot *s, size_t i, size_t end,
			   unsigned int k, unsigned int page_shift)
{
	const struct snapshot_ref *r = &s->refs[i];
	uint64_t n = 1ull << k, j;

	if (end - i < n || ((r->vaddr >> page_shift) & (n - 1)) || (r->slot & (n - 1)) ||
	    r[n - 1].slot != r->slot + n - 1 ||
	    r[n - 1].vaddr != r->vaddr + ((n - 1) << page_shift))
		return false;
	for (j = 1; j < n - 1; j++)
		if (r[j].vaddr != r->vaddr + (j << page_shift) || r[j].slot != r->slot + j)
			return false;
	return true;
}

/*
 * Runs of each process, largest order first. A run another process
 * shares (after fork) is the same run; one that contradicts a run found
 * before is left out: the first reading wins, and both are inferences.
 */
static int capture_infer_runs(struct capture *c, uint32_t orders)
{
	struct snapshot *s = c->s;
	size_t p, i, first, end;
	uint32_t clash, start;
	unsigned int k, have;
	int rc;

	unsigned int shift = (unsigned int)__builtin_ctzl((unsigned long)c->page_size);

	orders &= ((1u << s->dev.nr_orders) - 1) & ~1u;
	for (p = 0; p < s->nr_procs; p++) {
		end = snapshot_proc_refs(s, (uint32_t)p, &first) + first;
		for (i = first; i < end; ) {
			for (k = SNAPSHOT_MAX_ORDER; k > 0; k--)
				if ((orders >> k & 1) &&
				    capture_run_at(s, i, end, k, shift))
					break;
			if (!k) {
				i++;
				continue;
			}
			rc = snapshot_add_run(s, s->refs[i].slot, k, &clash);
			if (!rc)
				c->st->runs[k]++;
			else if (rc != -EINVAL)
				return rc;
			else if (snapshot_run_at(s, s->refs[i].slot, &start, &have) ||
				 start != s->refs[i].slot || have != k)
				c->st->run_conflicts++;
			i += (size_t)1 << k;
		}
	}
	return 0;
}

/* Cluster counts, flags and orders from the slots and the runs. */
static void capture_infer_clusters(struct snapshot *s)
{
	uint32_t ci, slot, nonfree;
	int order, o;

	for (ci = 0; ci < s->dev.nr_clusters; ci++) {
		nonfree = snapshot_cluster_tail(s, ci);
		order = 0;
		for (slot = snapshot_cluster_first(s, ci);
		     slot < snapshot_cluster_end(s, ci); slot++) {
			nonfree += !snapshot_slot_free(s->slots[slot]);
			o = snapshot_slot_order(s->slots[slot]);
			if (o > order)
				order = o;
		}
		s->clusters[ci].count = (uint16_t)nonfree;
		s->clusters[ci].order = (uint8_t)order;
		if (!nonfree)
			s->clusters[ci].flags = SNAPSHOT_CLUSTER_FREE;
		else if (nonfree == s->dev.cluster_size)
			s->clusters[ci].flags = SNAPSHOT_CLUSTER_FULL;
		else
			s->clusters[ci].flags = SNAPSHOT_CLUSTER_NONFULL;
		if (s->clusters[ci].flags == SNAPSHOT_CLUSTER_FREE)
			s->clusters[ci].order = 0;
	}
}

/* ---- the snapshot ----------------------------------------------------- */

/*
 * SWAPFILE_CLUSTER: HPAGE_PMD_NR with THP swap, and SWAP_NR_ORDERS =
 * PMD_ORDER + 1; without THP, 256 slots and order 0 only.
 */
static uint32_t capture_cluster_size(long page_size, unsigned int *nr_orders)
{
	char v[32];
	unsigned long pmd;
	uint32_t cs;

	*nr_orders = 1;
	if (capture_read_line(CAPTURE_THP "/hpage_pmd_size", v, sizeof(v)) ||
	    sscanf(v, "%lu", &pmd) != 1 || pmd < (unsigned long)page_size ||
	    pmd / (unsigned long)page_size > SNAPSHOT_MAX_CLUSTER_SIZE)
		return 256;
	cs = (uint32_t)(pmd / (unsigned long)page_size);
	while ((1u << (*nr_orders - 1)) < cs)
		(*nr_orders)++;
	return cs;
}

static bool capture_rotational(const struct swaps_entry *e)
{
	char path[96], v[8];

	if (!e->have_stat || !S_ISBLK(e->st.st_mode))
		return false;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/rotational",
		 major(e->st.st_rdev), minor(e->st.st_rdev));
	return !capture_read_line(path, v, sizeof(v)) && v[0] == '1';
}

static int capture_info(struct capture *c, const struct swaps_entry *e,
			uint32_t cluster_size, unsigned int nr_orders)
{
	struct snapshot *s = c->s;
	uint64_t page_kib = (uint64_t)c->page_size / 1024;
	bool blk = e->have_stat && S_ISBLK(e->st.st_mode);
	bool rot = capture_rotational(e);
	struct info_device dev = {
		.max = c->max,
		.pages = e->size_kib / page_kib,
		.inuse_pages = e->used_kib / page_kib,
		.page_size = (uint32_t)c->page_size,
		.cluster_size = cluster_size,
		.nr_orders = nr_orders,
		/* SWP_USED | SWP_WRITEOK, SWP_SOLIDSTATE, SWP_BLKDEV */
		.flags = 0x3 | (rot ? 0 : SNAPSHOT_SWP_SOLIDSTATE) |
			 (blk ? SNAPSHOT_SWP_BLKDEV : 0),
	};
	struct info_error ie;
	struct utsname u;
	char v[32];
	int rc;

	uname(&u);
	if ((rc = info_set_device(s, u.release, NULL, &dev)))
		return rc;
	snprintf(v, sizeof(v), "%d", e->prio);
	if ((rc = snapshot_info_set(s, "prio", v)))
		return rc;
	snprintf(v, sizeof(v), "%u", c->type);
	if ((rc = snapshot_info_set(s, "type", v)) ||
	    (rc = snapshot_info_set(s, "path", e->path)) ||
	    (rc = snapshot_info_set(s, "rotational", rot ? "1" : "0")))
		return rc;
	if (info_apply(s, &ie))
		return diag_line(c->d, e->path, 0, ie.rule, "%s", ie.why);
	return 0;
}

/* The slots the header marks: slot 0 and every bad page. */
static void capture_bad_slots(struct snapshot *s, const struct swapheader_info *hi)
{
	uint32_t i;

	s->slots[0] |= SNAPSHOT_SLOT_BAD;
	for (i = 0; i < hi->nr_badpages_read; i++)
		if (hi->badpages[i] < s->dev.max)
			s->slots[hi->badpages[i]] |= SNAPSHOT_SLOT_BAD;
}

/* What the capture saw, as info keys: views show them with the rest. */
static int capture_info_u64(struct snapshot *s, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return snapshot_info_set(s, key, buf);
}

static int capture_provenance(struct capture *c, const struct swaps_entry *e)
{
	struct snapshot *s = c->s;
	char created[32], note[256];

	utc_now(created, sizeof(created));
	snprintf(note, sizeof(note),
		 "captured from page tables: counts observed; folio runs (up to "
		 "order %u), cluster orders and flags inferred; %" PRIu64
		 " used slots unattributed (shmem, swap cache)",
		 c->st->max_order, c->st->unattributed);
	s->prov.step = -1;
	if (snapshot_info_set(s, "capture_method", "pagemap") ||
	    capture_info_u64(s, "capture_refs", c->st->refs) ||
	    capture_info_u64(s, "capture_slots", c->st->slots) ||
	    capture_info_u64(s, "capture_unattributed", c->st->unattributed) ||
	    capture_info_u64(s, "capture_procs", c->st->procs_mapping) ||
	    capture_info_u64(s, "capture_procs_gone", c->st->procs_gone) ||
	    capture_info_u64(s, "capture_max_order", c->st->max_order))
		return -ENOMEM;
	return snapshot_set_string(&s->prov.source_kind, "capture") ?:
	       snapshot_set_string(&s->prov.source_path, e->path) ?:
	       snapshot_set_string(&s->prov.created, created) ?:
	       snapshot_set_string(&s->prov.note, note);
}

static int capture_build(struct capture *c, const struct swaps_entry *e,
			 const struct swapheader_info *hi)
{
	struct snapshot *s = c->s;
	unsigned int nr_orders, k;
	uint32_t cs = capture_cluster_size(c->page_size, &nr_orders), clash;
	int rc;

	rc = snapshot_set_geometry(s, c->max, cs);
	if (!rc)
		rc = capture_info(c, e, cs, nr_orders);
	if (rc)
		return rc;
	capture_bad_slots(s, hi);
	rc = capture_procs(c);
	if (!rc)
		rc = snapshot_finish(s, &clash);	/* sorts refs for the runs */
	if (rc)
		return rc == -EINVAL ? diag_line(c->d, e->path, 0, "capture-refs",
						 "inconsistent references at slot %u", clash) : rc;
	c->st->orders = capture_mthp_orders(NULL, (unsigned int)c->page_size);
	for (k = SNAPSHOT_MAX_ORDER; k > 0 && !(c->st->orders >> k & 1); k--)
		;
	c->st->max_order = k;
	rc = capture_infer_runs(c, c->st->orders);
	if (rc)
		return rc;
	capture_infer_clusters(s);
	c->st->used_pages = e->used_kib / ((uint64_t)c->page_size / 1024);
	c->st->unattributed = c->st->used_pages > c->st->slots ?
			      c->st->used_pages - c->st->slots : 0;
	return capture_provenance(c, e);
}

/* Swap offsets in pagemap need CAP_SYS_ADMIN: say so, or 0. */
static int capture_privilege(struct diag *d)
{
	if (capture_sys_admin())
		return 0;
	diag_line(d, "/proc/PID/pagemap", 0, "capture-privilege",
		  "swap offsets are hidden without CAP_SYS_ADMIN");
	return -EPERM;
}

int capture_walk(const struct capture_opts *o, unsigned int type, uint32_t max,
		 struct snapshot *s, struct capture_stats *st, struct diag *d)
{
	struct capture *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	*c = (struct capture){ .o = o, .st = st, .d = d, .s = s, .type = type,
			       .max = max, .proc = o->proc ? o->proc : "/proc",
			       .page_size = sysconf(_SC_PAGESIZE) };
	rc = capture_privilege(d);
	if (!rc)
		rc = capture_procs(c);
	free(c);
	return rc;
}

int capture_pagemap(const struct capture_opts *o, struct snapshot **out,
		    struct capture_stats *st, struct diag *d)
{
	struct capture c = { .o = o, .st = st, .d = d, .counts = true };
	const struct swaps_entry *e = NULL;
	struct swapheader_info hi = { 0 };
	struct swaps sw = { 0 };
	int rc;

	c.proc = o->proc ? o->proc : "/proc";
	c.page_size = sysconf(_SC_PAGESIZE);
	rc = capture_privilege(d);
	if (rc)
		return rc;
	st->state = CAPTURE_PAGEMAP;
	rc = swaps_load(&sw, NULL);
	if (rc)
		return diag_errno(d, "/proc/swaps", rc);
	rc = capture_pick(&c, &sw, &e);
	if (!rc)
		rc = capture_header(&c, e, &hi);
	if (!rc) {
		st->type = (int)c.type;
		c.s = snapshot_new();
		rc = c.s ? capture_build(&c, e, &hi) : -ENOMEM;
	}
	if (rc == -ENOMEM)
		diag_errno(d, "capture", rc);
	swapheader_info_free(&hi);
	swaps_free(&sw);
	if (rc) {
		snapshot_free(c.s);
		return rc;
	}
	*out = c.s;
	return 0;
}
