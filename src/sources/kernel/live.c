// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live.c - live_load(): the running kernel's swap area as a source
 * (live.h). Finds the areas (live-find.c), picks the one named
 * (live-info.c), reads it (live-read.c) and says in the snapshot's info
 * how, and what could not be known.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "swapfs/live.h"
#include "swapfs/utc.h"
#include "swapfs/moving.h"
#include "live-internal.h"

/* A loaded reader and the area it reads. */
struct live {
	struct live_bpf *b;
	struct live_areas a;
	char *area;		/* as the user named it */
	char release[65];	/* uname -r */
};

bool live_built_in(void)
{
	return true;
}

/* /proc/meminfo's Zswapped in kB, or -1 when it has none. */
static long long live_zswapped(void)
{
	char line[128];
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Zswapped: %lld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static int live_key_u64(struct snapshot *s, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return snapshot_info_set(s, key, buf);
}

static const char *live_hints_said(const struct live_areas *a, unsigned int type)
{
	if (a->pcp.var)
		return a->v[type].has_global ? "global and per-cpu" : "per-cpu";
	if (a->v[type].has_global)
		return "global (si->global_cluster); per-cpu not read: "
		       "percpu_swap_cluster is not in kallsyms";
	return "none: a solid-state area keeps its hints per cpu, and "
	       "percpu_swap_cluster is not in kallsyms";
}

/*
 * Every moving cluster in the info key, so a dump or snapshot file of the
 * read marks them too. A list too long for a dump's info line would lose
 * some: a read that busy is refused rather than stored half marked.
 */
static int live_moving_key(struct snapshot *s)
{
	char list[MOVING_VALUE_MAX];
	int rc;

	if (!s->nr_moving)
		return 0;
	rc = moving_format(s, list, sizeof(list));
	return rc ?: snapshot_info_set(s, MOVING_KEY, list);
}

/* The info keys that say how the area was read. */
static int live_keys(struct snapshot *s, const struct live_areas *a,
		     unsigned int type, const struct live_read_stats *st,
		     uint64_t before, bool zswap_known)
{
	int rc;

	if ((rc = snapshot_info_set(s, "live_method", live_method_name(a->method))) ||
	    (rc = snapshot_info_set(s, "live_hints", live_hints_said(a, type))) ||
	    (rc = snapshot_info_set(s, "live_zswap", zswap_known ?
				    "none stored (Zswapped: 0 kB)" :
				    "not read: zswap holds pages, and zswap_trees is "
				    "not reachable without kallsyms")) ||
	    (rc = live_key_u64(s, "live_inuse_before", before)) ||
	    (rc = live_key_u64(s, "live_inuse_after", live_inuse(a, type))) ||
	    (rc = live_key_u64(s, "live_table_folio", st->table_folio)) ||
	    (rc = live_key_u64(s, "live_table_shadow", st->table_shadow)) ||
	    (rc = live_key_u64(s, "live_moving", st->moving)))
		return rc;
	return live_moving_key(s);
}

static int live_provenance(struct snapshot *s, const struct live_areas *a,
			   const struct live_target *t, const struct live_read_stats *st)
{
	char created[32], note[256];

	utc_now(created, sizeof(created));
	snprintf(note, sizeof(note),
		 "read from the running kernel through BPF (swap_info by %s): exact; "
		 "%u clusters moving", live_method_name(a->method), st->moving);
	return snapshot_set_string(&s->prov.source_kind, "capture") ?:
	       snapshot_set_string(&s->prov.source_path, t->path) ?:
	       snapshot_set_string(&s->prov.created, created) ?:
	       snapshot_set_string(&s->prov.note, note);
}

/*
 * The area after the read must still be the one that was read: in use,
 * the same size and device or file. A swapoff meanwhile frees what the
 * program was reading, and what it read then says nothing.
 */
static int live_same_area(struct live *l, const struct live_area *was,
			  unsigned int type, struct diag *d)
{
	const struct live_area *now = &l->a.v[type];

	if (!live_find_refresh(l->b, &l->a, d) && live_area_active(&l->a, type) &&
	    now->max == was->max && now->pages == was->pages &&
	    now->bdev_dev == was->bdev_dev && now->file_ino == was->file_ino &&
	    now->file_dev == was->file_dev)
		return 0;
	diag_clear(d);
	diag_line(d, "live", 0, "live-area",
		  "swap area %u was turned off (or replaced) while it was read", type);
	return -EAGAIN;
}

/* One read of the session's area into @s. */
static int live_read_into(struct live *l, const struct live_target *t,
			  struct snapshot *s, struct diag *d)
{
	struct live_areas *a = &l->a;
	struct live_area was = a->v[t->type];
	struct live_read_stats st;
	const char *why;
	long long zswap = live_zswapped();
	uint64_t before = live_inuse(a, t->type);
	char era = live_info_era(a->features, l->release, &why);
	uint32_t clash;
	int rc;

	if (!era) {
		diag_line(d, "live", 0, "live-era",
			  "the running kernel (%s) cannot be read exactly: %s; infer "
			  "the state from page tables instead: swapfs capture --method "
			  "pagemap", l->release, why);
		return -ENOTSUP;
	}
	rc = live_info_device(s, a, t, l->release, era, d);
	if (!rc)
		rc = live_read_area(l->b, a, t, s, &st, d);
	/* a read that failed because the area went away says that */
	if (rc != -ENOMEM && live_same_area(l, &was, t->type, d))
		return -EAGAIN;
	if (rc)
		return rc;
	zswap = zswap == 0 && live_zswapped() == 0;
	if (zswap)
		s->files |= SNAPSHOT_HAS_ZSWAP;
	rc = live_keys(s, a, t->type, &st, before, zswap);
	if (rc == -ENOSPC) {
		diag_line(d, "live", 0, "live-moving",
			  "%u clusters of area %u changed all the time they were read: "
			  "too busy to be read exactly now; try again", st.moving, t->type);
		return -EAGAIN;
	}
	if (rc || live_provenance(s, a, t, &st))
		return diag_errno(d, "live", -ENOMEM);
	if (snapshot_finish(s, &clash))
		return diag_line(d, "live", 0, "live-read",
				 "folio at slot %u overlaps another", clash);
	return 0;
}

/* A reader with swap_info[] found, for the areas @area names. */
static int live_new(const char *area, struct live **out, struct diag *d)
{
	struct live *l = calloc(1, sizeof(*l));
	struct utsname u;
	int rc;

	diag_clear(d);
	if (!l || !(l->area = strdup(area))) {
		free(l);
		return diag_errno(d, "live", -ENOMEM);
	}
	uname(&u);
	snprintf(l->release, sizeof(l->release), "%s", u.release);
	rc = live_find(&l->b, &l->a, d);
	if (rc) {
		live_close(l);
		return rc;
	}
	*out = l;
	return 0;
}

int live_open(const char *area, struct live **out, struct diag *d)
{
	struct live_target t = { 0 };
	int rc;

	rc = live_new(area, out, d);
	if (rc)
		return rc;
	/* the area must exist now: say so at once */
	rc = live_info_pick(&(*out)->a, area, &t, d);
	live_target_free(&t);
	if (rc) {
		live_close(*out);
		*out = NULL;
	}
	return rc;
}

int live_read(struct live *l, struct snapshot **out, struct diag *d)
{
	struct live_target t = { 0 };
	struct snapshot *s = NULL;
	int rc;

	diag_clear(d);
	/* areas come and go between two reads: find the named one again */
	rc = live_find_refresh(l->b, &l->a, d);
	if (!rc)
		rc = live_info_pick(&l->a, l->area, &t, d);
	if (!rc) {
		s = snapshot_new();
		rc = s ? live_read_into(l, &t, s, d) : diag_errno(d, "live", -ENOMEM);
	}
	live_target_free(&t);
	if (rc) {
		snapshot_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void live_close(struct live *l)
{
	if (!l)
		return;
	live_bpf_close(l->b);
	free(l->area);
	free(l);
}

int live_load(const char *area, struct snapshot **out, struct diag *d)
{
	struct live *l;
	int rc;

	rc = live_open(area, &l, d);
	if (rc)
		return rc;
	rc = live_read(l, out, d);
	live_close(l);
	return rc;
}

/*
 * The active types in the order get_swap_pages() tries them: its plist
 * swap_avail_heads keeps priority high to low; equal priorities go by
 * type (the model's contract for a group of areas).
 */
static unsigned int live_order(const struct live_areas *a,
			       unsigned int types[LIVE_TYPES_MAX])
{
	unsigned int n = 0, t, i;

	for (t = 0; t < LIVE_TYPES_MAX; t++) {
		if (!live_area_active(a, t))
			continue;
		/* insertion keeps equal priorities in type order */
		for (i = n; i && a->v[types[i - 1]].prio < a->v[t].prio; i--)
			types[i] = types[i - 1];
		types[i] = t;
		n++;
	}
	return n;
}

/* Area @type, the @i-th of @n in the kernel's order, into *@out. */
static int live_read_one(struct live *l, unsigned int type, unsigned int i,
			 unsigned int n, struct snapshot **out, struct diag *d)
{
	struct live_target t = { 0 };
	char spec[12];
	int rc;

	snprintf(spec, sizeof(spec), "%u", type);
	*out = NULL;
	rc = live_info_pick(&l->a, spec, &t, d);
	if (!rc) {
		t.area = i;
		t.areas = n > 1 ? n : 0;	/* one alone: no keys, as live_load() */
		*out = snapshot_new();
		rc = *out ? live_read_into(l, &t, *out, d) : diag_errno(d, "live", -ENOMEM);
	}
	live_target_free(&t);
	if (rc) {
		snapshot_free(*out);
		*out = NULL;
	}
	return rc;
}

int live_load_areas(struct snapshot **out, unsigned int max, unsigned int *nr,
		    struct diag *d)
{
	unsigned int types[LIVE_TYPES_MAX], n, i;
	struct live *l;
	int rc;

	*nr = 0;
	rc = live_new("", &l, d);
	if (rc)
		return rc;
	n = live_order(&l->a, types);
	if (!n) {
		diag_line(d, "live", 0, "live-area", "no swap area is active");
		rc = -ENOENT;
	} else if (n > max) {
		diag_line(d, "live", 0, "live-area",
			  "%u swap areas are active; at most %u are read together", n, max);
		rc = -E2BIG;
	}
	for (i = 0; !rc && i < n; i++)
		rc = live_read_one(l, types[i], i, n, &out[i], d);
	live_close(l);
	if (!rc) {
		*nr = n;
		return 0;
	}
	while (i--)
		snapshot_free(out[i]);
	return rc;
}
