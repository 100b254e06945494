// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-info.c - which active area the user means, its path, and its info
 * keys as a dump exported from the running kernel would carry them
 * (swapfs-dump(5)).
 *
 * The kernel keeps no path the reader can copy as /proc/swaps prints it
 * (that is d_path() of the swap file), so the path comes from /proc/swaps
 * itself: swap_show() lists the active areas in type order, so its n-th
 * line is the n-th active type. Each pairing is checked against the
 * area's identity (the block device's number, or the file's device and
 * inode) and size before it is believed.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "swapfs/info.h"
#include "swapfs/swaps.h"
#include "live-internal.h"

/* The kernel's dev_t: MAJOR << 20 | MINOR (MINORBITS is 20). */
static uint32_t live_kdev(dev_t d)
{
	return (uint32_t)major(d) << 20 | (uint32_t)minor(d);
}

/* Whether what @st describes is area @e (its device, or its file). */
static bool live_info_same(const struct live_area *e, const struct stat *st)
{
	if (S_ISBLK(st->st_mode))
		return e->bdev_dev && e->bdev_dev == live_kdev(st->st_rdev);
	return S_ISREG(st->st_mode) && e->file_ino == st->st_ino &&
	       e->file_dev == live_kdev(st->st_dev);
}

/* /proc/swaps' path of @type, when its line and the area agree. */
static char *live_info_path(const struct live_areas *a, const struct swaps *sw,
			    unsigned int type)
{
	uint64_t kib = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	const struct swaps_entry *e;
	size_t line = 0;
	unsigned int t;

	for (t = 0; t < type; t++)
		line += live_area_active(a, t);
	if (line >= sw->n)
		return NULL;
	e = &sw->v[line];
	if (e->size_kib != a->v[type].pages * kib)
		return NULL;
	if (e->have_stat && !live_info_same(&a->v[type], &e->st))
		return NULL;
	return strdup(e->path);
}

/* "/dev/zram0 (type 0), /swapfile (type 1)" */
static void live_info_list(const struct live_areas *a, const struct swaps *sw,
			   char *buf, size_t len)
{
	unsigned int t;
	size_t used = 0;
	char *path;

	buf[0] = '\0';
	for (t = 0; t < LIVE_TYPES_MAX && used < len; t++) {
		if (!live_area_active(a, t))
			continue;
		path = live_info_path(a, sw, t);
		used += (size_t)snprintf(buf + used, len - used, "%slive:%s (type %u)",
					 used ? ", " : "", path ? path : "?", t);
		free(path);
	}
}

static int live_info_by_path(const struct live_areas *a, const char *spec,
			     unsigned int *type, struct diag *d)
{
	struct stat st;
	unsigned int t;

	if (stat(spec, &st))
		return diag_errno(d, spec, -errno);
	for (t = 0; t < LIVE_TYPES_MAX; t++)
		if (live_area_active(a, t) && live_info_same(&a->v[t], &st)) {
			*type = t;
			return 0;
		}
	return -ENOENT;
}

static int live_info_choose(const struct live_areas *a, const char *spec,
			    unsigned int *type, unsigned int nr, struct diag *d)
{
	char *end;
	unsigned long v;
	unsigned int t;

	if (!*spec) {
		if (nr > 1)
			return -EINVAL;
		for (t = 0; !live_area_active(a, t); t++)
			;
		*type = t;
		return 0;
	}
	if (isdigit((unsigned char)*spec)) {
		v = strtoul(spec, &end, 10);
		if (*end || v >= LIVE_TYPES_MAX || !live_area_active(a, (unsigned int)v))
			return -ENOENT;
		*type = (unsigned int)v;
		return 0;
	}
	return live_info_by_path(a, spec, type, d);
}

/* The diagnostic when @spec names no single active area: which ones are. */
static void live_info_refuse(const struct live_areas *a, const struct swaps *sw,
			     const char *spec, int rc, unsigned int nr, struct diag *d)
{
	char list[DIAG_MAX / 2], why[DIAG_MAX / 3], file[64];

	live_info_list(a, sw, list, sizeof(list));
	snprintf(file, sizeof(file), "live:%.50s", spec);
	if (rc == -EINVAL) {
		diag_line(d, file, 0, "live-area",
			  "%u swap areas are active; name one: %s", nr, list);
		return;
	}
	if (d->msg[0]) {	/* the path could not be looked at: say why */
		snprintf(why, sizeof(why), "%s", strerror(-rc));
		diag_line(d, file, 0, "live-area", "%s; active: %s", why, list);
		return;
	}
	diag_line(d, file, 0, "live-area", "not an active swap area; active: %s", list);
}

int live_info_pick(const struct live_areas *a, const char *spec,
		   struct live_target *t, struct diag *d)
{
	struct swaps sw;
	unsigned int nr = 0, i;
	int rc;

	for (i = 0; i < LIVE_TYPES_MAX; i++)
		nr += live_area_active(a, i);
	if (!nr) {
		diag_line(d, "live", 0, "live-area", "no swap area is active");
		return -ENOENT;
	}
	rc = swaps_load(&sw, NULL);
	if (rc)
		return diag_errno(d, "/proc/swaps", rc);
	diag_clear(d);
	rc = live_info_choose(a, spec, &t->type, nr, d);
	if (rc) {
		live_info_refuse(a, &sw, spec, rc, nr, d);
	} else {
		t->path = live_info_path(a, &sw, t->type);
		if (!t->path)
			t->path = strdup(*spec == '/' ? spec : "");
		rc = t->path ? 0 : diag_errno(d, "live", -ENOMEM);
	}
	swaps_free(&sw);
	return rc;
}

void live_target_free(struct live_target *t)
{
	free(t->path);
	t->path = NULL;
}

char live_info_era(uint32_t features, const char *release, const char **why)
{
	char by_release = info_era_for_kernel(release);

	*why = NULL;
	if (!(features & LIVE_F_TABLE)) {
		*why = "its clusters have no swap table (era D or older): the swap cache "
		       "lives in swapper_spaces, which the reader does not walk";
		return 0;
	}
	if (features & LIVE_F_MEMCG) {
		*why = "its clusters have a memcg table (era H): swapfs models eras A..G";
		return 0;
	}
	if (features & LIVE_F_MAP)
		return by_release && by_release <= 'E' ? 'E' : 'F';
	if (features & LIVE_F_EXTEND)
		return 'G';
	*why = "it has a swap table but neither swap_map nor extend_table";
	return 0;
}

/* "0x1053 USED|WRITEOK|SOLIDSTATE|BLKDEV|SYNCHRONOUS_IO", names from BTF. */
static void live_info_flags(uint64_t flags, char *buf, size_t len)
{
	char names[32][LIVE_NAME_MAX];
	size_t used;
	unsigned int bit;
	const char *sep = " ";

	used = (size_t)snprintf(buf, len, "0x%" PRIx64, flags);
	if (live_btf_flag_names("SWP_USED", "SWP_", names))
		return;
	for (bit = 0; bit < 32 && used < len; bit++) {
		if (!(flags >> bit & 1) || !names[bit][0])
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", sep, names[bit]);
		sep = "|";
	}
}

/* "area" and "areas": @t's place among the areas read together. */
static int live_info_area(struct snapshot *s, const struct live_target *t)
{
	char v[12];
	int rc;

	snprintf(v, sizeof(v), "%u", t->area);
	rc = snapshot_info_set(s, "area", v);
	snprintf(v, sizeof(v), "%u", t->areas);
	return rc ?: snapshot_info_set(s, "areas", v);
}

int live_info_device(struct snapshot *s, const struct live_areas *a,
		     const struct live_target *t, const char *release, char era,
		     struct diag *d)
{
	const struct live_area *e = &a->v[t->type];
	char era_s[2] = { era, 0 }, v[32], flags[512];
	unsigned int cs = e->cluster_size;
	struct info_device dev = {
		.max = e->max, .pages = e->pages, .inuse_pages = live_inuse(a, t->type),
		.page_size = (uint32_t)sysconf(_SC_PAGESIZE), .cluster_size = cs,
		.nr_orders = e->nr_orders, .flags = e->flags,
	};
	struct info_error ie;
	int rc;

	live_info_flags(e->flags, flags, sizeof(flags));
	snprintf(v, sizeof(v), "%u", t->type);
	rc = snapshot_set_geometry(s, e->max, cs);
	if (rc)
		return rc == -ENOMEM ? diag_errno(d, "live", rc) :
		       diag_line(d, "live", 0, "live-geometry",
				 "area %u: max %u slots in clusters of %u is no geometry "
				 "swapfs can hold", t->type, e->max, cs);
	if ((rc = info_set_device(s, release, era_s, &dev)) ||
	    (rc = snapshot_info_set(s, "flags", flags)) ||
	    (rc = snapshot_info_set(s, "type", v)) ||
	    (t->path[0] && (rc = snapshot_info_set(s, "path", t->path))))
		return diag_errno(d, "live", rc);
	if (t->areas && (rc = live_info_area(s, t)))
		return diag_errno(d, "live", rc);
	snprintf(v, sizeof(v), "%d", e->prio);
	if ((rc = snapshot_info_set(s, "prio", v)) ||
	    (rc = snapshot_info_set(s, "rotational",
				    e->flags & LIVE_SWP_SOLIDSTATE ? "0" : "1")))
		return diag_errno(d, "live", rc);
	if (info_apply(s, &ie))
		return diag_line(d, "live", 0, ie.rule, "%s", ie.why);
	return 0;
}
