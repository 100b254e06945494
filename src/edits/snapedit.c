// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit.c - edits of a loaded model (snapedit.h). A value is parsed and
 * the state it would leave is checked in full before anything changes;
 * then it is applied to the snapshot, the analysis is brought up to date
 * cluster by cluster (analysis_update_slots()), and the journal gets its
 * line. Saving replaces the changed clusters' rows of the snapshot in its
 * file (snapfile_replace()), or appends the whole state as a new one.
 *
 * What an edit must not leave behind is what the snapshot file would
 * refuse (swapfs-snapshot(5)) and what the snapshot's era cannot say:
 * edits are saved to that file, and a state no kernel of the era can be
 * in is a state no dump of it can hold.
 *
 * Limitations:
 *  - folios, next hints and info keys are not editable: cached= sets the
 *    map's mark only (a folio over uncached slots is orphan-cache, a
 *    finding, in every era but F, whose map has no mark: there cached
 *    must agree with the folios and an edit that disagrees is refused);
 *  - info keys that sum the map (inuse_pages) keep their loaded value;
 *  - a value is at most SNAPEDIT_VALUE_MAX bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "swapfs/durable.h"
#include "swapfs/snapedit.h"
#include "swapfs/snapfile.h"
#include "swapfs/era.h"

/*
 * The longest value that means something is a slot line, about 70 bytes
 * ("count=4294967294 cached=0 bad=0 zero=0 zswap=0 order=14"); this
 * leaves room for blanks and still bounds what a diag quotes.
 */
#define SNAPEDIT_VALUE_MAX	256
/* Bytes of a refused value a diag shows (escaped, then "..."). */
#define SNAPEDIT_QUOTE_MAX	48
/* A quoted value: every byte may take 4 ("\\xNN"), plus quotes and "...". */
#define SNAPEDIT_QUOTED		(4 * SNAPEDIT_QUOTE_MAX + 8)
/* A path: "clusters/<u32>/slots/<u32>". */
#define SNAPEDIT_PATH_MAX	48
/* The note of a saved state ends with this and the save's UTC time. */
#define SNAPEDIT_MARK		"edited by swapfs "
#define SNAPEDIT_MARK_SEP	"; "
#define SNAPEDIT_TIME_LEN	20	/* YYYY-MM-DDTHH:MM:SSZ */

struct snapedit {
	struct snapshot *s;
	struct analysis *a;
	const struct era_props *era;
	char *save_path;
	int64_t save_id;	/* 0: the next save appends */
	char *base_note;	/* the note without our mark, NULL for none */
	char **journal;
	size_t nr_journal, alloc_journal;
	uint64_t *dirty;	/* clusters changed since the last save */
	bool changed;		/* anything changed since the last save */
};

/* The slot keys, in the order a normalised value lists them. */
enum snapedit_key {
	SNAPEDIT_COUNT,
	SNAPEDIT_CACHED,
	SNAPEDIT_BAD,
	SNAPEDIT_ZERO,
	SNAPEDIT_ZSWAP,
	SNAPEDIT_ORDER,
	SNAPEDIT_NR_KEYS,
};

static const char *const snapedit_keys[SNAPEDIT_NR_KEYS] = {
	"count", "cached", "bad", "zero", "zswap", "order",
};

/* The slot word bit of each 0|1 key. */
static const uint16_t snapedit_bits[SNAPEDIT_NR_KEYS] = {
	[SNAPEDIT_CACHED] = SNAPSHOT_SLOT_CACHED,
	[SNAPEDIT_BAD] = SNAPSHOT_SLOT_BAD,
	[SNAPEDIT_ZERO] = SNAPSHOT_SLOT_ZERO,
	[SNAPEDIT_ZSWAP] = SNAPSHOT_SLOT_ZSWAP,
};

#define SNAPEDIT_MARKS	(SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD | \
			 SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)

/* A slot value, parsed. */
struct snapedit_assign {
	unsigned int given;	/* bit per enum snapedit_key */
	uint32_t count;
	uint16_t marks;		/* the 0|1 keys given as 1 */
	int order;		/* order=K, or -1 for unknown */
};

/* What a slot edit will do, decided before anything changes. */
struct snapedit_plan {
	uint32_t slot, ci;
	uint32_t count;		/* the exact count after */
	uint16_t marks;		/* cached, bad, zero, zswap after */
	bool set_count, drop_shmem, add_run, remove_run;
	uint32_t run_start;	/* the run removed */
	unsigned int order;	/* the run added */
	uint16_t cl_count;	/* ci->count after */
	bool changed;
};

/* ---- values ------------------------------------------------------------------ */

/* @p[0..@len) for a message: quoted, bytes that are no text escaped, cut. */
static void snapedit_quote(char *buf, size_t size, const char *p, size_t len)
{
	size_t i, n = 0;

	buf[n++] = '\'';
	for (i = 0; i < len && n + 8 < size; i++) {
		unsigned char c = (unsigned char)p[i];

		if (i == SNAPEDIT_QUOTE_MAX) {
			n += (size_t)snprintf(buf + n, size - n, "...");
			break;
		}
		if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'')
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
}

/*
 * The text of a value: one trailing newline dropped (echo adds it), then
 * printable ASCII and tabs only, at most SNAPEDIT_VALUE_MAX bytes: a NUL
 * or a second line would be cut by whoever reads the journal.
 */
static int snapedit_value(const char *path, const char *text, size_t *len,
			  struct diag *d)
{
	char q[SNAPEDIT_QUOTED];
	size_t i;

	if (*len && text[*len - 1] == '\n')
		(*len)--;
	snapedit_quote(q, sizeof(q), text, *len);
	if (*len > SNAPEDIT_VALUE_MAX)
		return diag_line(d, path, 0, "edit-value",
				 "%s: %zu bytes, a value is at most %d", q, *len,
				 SNAPEDIT_VALUE_MAX);
	for (i = 0; i < *len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return diag_line(d, path, 0, "edit-value",
					 "%s: byte %zu (0x%02x) is not printable text; a value is one line",
					 q, i, c);
	}
	return 0;
}

/*
 * A decimal number as a user writes it: digits only, no sign, no blank,
 * no leading zero (is 010 eight or ten?), at most @max.
 */
static bool snapedit_decimal(const char *p, size_t len, uint32_t max,
			     uint32_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (!len || (len > 1 && p[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(p[i] - '0');
		if (x > max)
			return false;
	}
	*v = (uint32_t)x;
	return true;
}

/* ---- the journal and the dirty clusters ------------------------------------------ */

/*
 * The journal line of an edit, "<path> <value>", made before the edit is
 * applied (with room for it in the journal), so an edit never half-ends
 * for want of memory.
 */
static char *snapedit_line(struct snapedit *e, const char *path,
			   const char *value)
{
	char *line;
	void *p;

	if (e->nr_journal == e->alloc_journal) {
		size_t want = e->alloc_journal ? 2 * e->alloc_journal : 64;

		p = reallocarray(e->journal, want, sizeof(*e->journal));
		if (!p)
			return NULL;
		e->journal = p;
		e->alloc_journal = want;
	}
	if (asprintf(&line, "%s %s", path, value) < 0)
		return NULL;
	return line;
}

static void snapedit_dirty_cluster(struct snapedit *e, uint32_t ci)
{
	e->dirty[ci / 64] |= 1ull << (ci % 64);
	e->changed = true;
}

/* ---- new, free ------------------------------------------------------------------ */

/*
 * The note without the mark an earlier save left ("...; edited by swapfs
 * <time>"), so the mark is replaced, not stacked, save after save.
 */
static int snapedit_base_note(struct snapedit *e)
{
	const char *note = e->s->prov.note, *m;
	size_t n, tail = strlen(SNAPEDIT_MARK) + SNAPEDIT_TIME_LEN;

	if (!note)
		return 0;
	n = strlen(note);
	if (n >= tail && !strncmp(note + n - tail, SNAPEDIT_MARK,
				  strlen(SNAPEDIT_MARK))) {
		m = note + n - tail;
		if (m == note) {
			n = 0;
		} else if (m - note >= 2 && !strncmp(m - 2, SNAPEDIT_MARK_SEP, 2)) {
			n = (size_t)(m - note) - 2;
		}
	}
	if (!n)
		return 0;
	e->base_note = strndup(note, n);
	return e->base_note ? 0 : -ENOMEM;
}

int snapedit_new(struct snapshot *s, struct analysis *a, const char *save_path,
		 int64_t save_id, struct snapedit **out)
{
	struct snapedit *e;

	*out = NULL;
	if (!s || !a || a->snap != s || !save_path || save_id < 0)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->s = s;
	e->a = a;
	/* findings.c reads an unknown era as the newest; so do edits */
	e->era = era_get(s->dev.era) ?: era_get('G');
	e->save_id = save_id;
	e->save_path = strdup(save_path);
	e->dirty = calloc(s->dev.nr_clusters / 64 + 1, sizeof(*e->dirty));
	if (!e->save_path || !e->dirty || snapedit_base_note(e)) {
		snapedit_free(e);
		return -ENOMEM;
	}
	*out = e;
	return 0;
}

void snapedit_free(struct snapedit *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nr_journal; i++)
		free(e->journal[i]);
	free(e->journal);
	free(e->dirty);
	free(e->base_note);
	free(e->save_path);
	free(e);
}

/* ---- clusters ------------------------------------------------------------------- */

/* "clusters/<ci>/<file>", and whether the cluster exists. */
static int snapedit_cluster_path(struct snapedit *e, uint32_t ci,
				 const char *file, char *path, const char *text,
				 size_t *len, struct diag *d)
{
	char q[SNAPEDIT_QUOTED];
	int rc;

	diag_clear(d);
	snprintf(path, SNAPEDIT_PATH_MAX, "clusters/%u/%s", ci, file);
	rc = snapedit_value(path, text, len, d);
	if (rc)
		return rc;
	if (ci < e->s->dev.nr_clusters)
		return 0;
	snapedit_quote(q, sizeof(q), text, *len);
	return diag_line(d, path, 0, "edit-cluster-range",
			 "%s: there is no cluster %u (the device has %u)", q, ci,
			 e->s->dev.nr_clusters);
}

/*
 * Apply a cluster field: journal line first (it may fail), then the
 * change, then the analysis of that cluster alone (a cluster's struct
 * only reaches its own findings and counts).
 */
static int snapedit_cluster_apply(struct snapedit *e, uint32_t ci,
				  const char *path, const char *value,
				  struct snapshot_cluster c, struct diag *d)
{
	struct snapshot_cluster *cur = &e->s->clusters[ci];
	char *line = snapedit_line(e, path, value);
	int rc;

	if (!line)
		return diag_errno(d, path, -ENOMEM);
	if (cur->flags != c.flags || cur->order != c.order) {
		*cur = c;
		snapedit_dirty_cluster(e, ci);
		rc = analysis_update_cluster(e->a, ci);
		if (rc) {	/* cannot happen: no new run, no allocation */
			free(line);
			return diag_errno(d, path, rc);
		}
	}
	e->journal[e->nr_journal++] = line;
	return 0;
}

int snapedit_cluster_flags(struct snapedit *e, uint32_t ci, const char *text,
			   size_t len, struct diag *d)
{
	char path[SNAPEDIT_PATH_MAX], q[SNAPEDIT_QUOTED];
	struct snapshot_cluster c;
	int rc, flag;

	rc = snapedit_cluster_path(e, ci, "flags", path, text, &len, d);
	if (rc)
		return rc;
	snapedit_quote(q, sizeof(q), text, len);
	flag = snapshot_cluster_flag_parse(text, len);
	if (flag < 0)
		return diag_line(d, path, 0, "edit-cluster-flags",
				 "%s is not a cluster flag (none free nonfull frag full discard)",
				 q);
	if (!era_cluster_flag_ok(e->era, (unsigned int)flag))
		return diag_line(d, path, 0, "edit-cluster-flags-era",
				 "%s: era %c (%s) has no nonfull/frag/full lists",
				 q, e->era->era, e->era->kernels);
	c = e->s->clusters[ci];
	c.flags = (uint8_t)flag;
	return snapedit_cluster_apply(e, ci, path,
				      snapshot_cluster_flag_name((unsigned int)flag),
				      c, d);
}

int snapedit_cluster_order(struct snapedit *e, uint32_t ci, const char *text,
			   size_t len, struct diag *d)
{
	char path[SNAPEDIT_PATH_MAX], q[SNAPEDIT_QUOTED], value[12];
	const struct snapshot_device *dev = &e->s->dev;
	struct snapshot_cluster c;
	uint32_t order;
	int rc;

	rc = snapedit_cluster_path(e, ci, "order", path, text, &len, d);
	if (rc)
		return rc;
	snapedit_quote(q, sizeof(q), text, len);
	if (!snapedit_decimal(text, len, dev->nr_orders - 1, &order))
		return diag_line(d, path, 0, "edit-cluster-order",
				 "%s is not an order 0..%u (decimal, no sign, no blank)",
				 q, dev->nr_orders - 1);
	if (!era_cluster_order_ok(e->era, order, dev->cluster_shift))
		return diag_line(d, path, 0, "edit-cluster-order-era",
				 "%s: era %c (%s) clusters have no order but %s",
				 q, e->era->era, e->era->kernels,
				 e->era->era == 'A' ? "0 or the HUGE one" : "0");
	c = e->s->clusters[ci];
	c.order = (uint8_t)order;
	snprintf(value, sizeof(value), "%u", order);
	return snapedit_cluster_apply(e, ci, path, value, c, d);
}

/* ---- slots: parsing --------------------------------------------------------------- */

static int snapedit_key_parse(const char *p, size_t len)
{
	int k;

	for (k = 0; k < SNAPEDIT_NR_KEYS; k++)
		if (strlen(snapedit_keys[k]) == len && !memcmp(snapedit_keys[k], p, len))
			return k;
	return -1;
}

/* One "key=value" of @tok (@n bytes) into @as; @q quotes the whole value. */
static int snapedit_assign_one(const struct snapedit *e, const char *path,
			       const char *q, const char *tok, size_t n,
			       struct snapedit_assign *as, struct diag *d)
{
	const char *eq = memchr(tok, '=', n), *v;
	uint32_t x;
	size_t vlen;
	int k;

	if (!eq || eq == tok)
		return diag_line(d, path, 0, "edit-slot-syntax",
				 "%s: '%.*s' is not key=value", q, (int)n, tok);
	k = snapedit_key_parse(tok, (size_t)(eq - tok));
	if (k < 0)
		return diag_line(d, path, 0, "edit-slot-key",
				 "%s: '%.*s' is not a slot key (count cached bad zero zswap order)",
				 q, (int)(eq - tok), tok);
	if (as->given & (1u << k))
		return diag_line(d, path, 0, "edit-slot-duplicate",
				 "%s: %s is given twice", q, snapedit_keys[k]);
	as->given |= 1u << k;
	v = eq + 1;
	vlen = n - (size_t)(v - tok);
	switch (k) {
	case SNAPEDIT_COUNT:
		if (!snapedit_decimal(v, vlen, UINT32_MAX - 1, &as->count))
			return diag_line(d, path, 0, "edit-slot-count",
					 "%s: count '%.*s' is not 0..%u (decimal, no sign, no leading zero)",
					 q, (int)vlen, v, UINT32_MAX - 1);
		return 0;
	case SNAPEDIT_ORDER:
		if (vlen == 7 && !memcmp(v, "unknown", 7)) {
			as->order = -1;
			return 0;
		}
		if (!snapedit_decimal(v, vlen, e->s->dev.nr_orders - 1, &x))
			return diag_line(d, path, 0, "edit-slot-order",
					 "%s: order '%.*s' is neither unknown nor an order 0..%u",
					 q, (int)vlen, v, e->s->dev.nr_orders - 1);
		as->order = (int)x;
		return 0;
	default:
		if (vlen != 1 || (v[0] != '0' && v[0] != '1'))
			return diag_line(d, path, 0, "edit-slot-flag",
					 "%s: %s '%.*s' is not 0 or 1", q,
					 snapedit_keys[k], (int)vlen, v);
		if (v[0] == '1')
			as->marks |= snapedit_bits[k];
		return 0;
	}
}

/* Blank-separated assignments, each key at most once, at least one. */
static int snapedit_assign_parse(const struct snapedit *e, const char *path,
				 const char *text, size_t len,
				 struct snapedit_assign *as, struct diag *d)
{
	char q[SNAPEDIT_QUOTED];
	size_t i = 0, start;
	int rc;

	memset(as, 0, sizeof(*as));
	snapedit_quote(q, sizeof(q), text, len);
	for (;;) {
		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && text[i] != ' ' && text[i] != '\t')
			i++;
		rc = snapedit_assign_one(e, path, q, text + start, i - start, as, d);
		if (rc)
			return rc;
	}
	if (!as->given)
		return diag_line(d, path, 0, "edit-slot-empty",
				 "%s: no assignment (count=N cached=0|1 bad=0|1 zero=0|1 zswap=0|1 order=K|unknown)",
				 q);
	return 0;
}

/* The normalised value: the keys given, in key order, one blank apart. */
static void snapedit_assign_text(const struct snapedit_assign *as, char *buf,
				 size_t size)
{
	size_t n = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < SNAPEDIT_NR_KEYS; k++) {
		if (!(as->given & (1u << k)))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s=", n ? " " : "",
				      snapedit_keys[k]);
		if (k == SNAPEDIT_COUNT)
			n += (size_t)snprintf(buf + n, size - n, "%u", as->count);
		else if (k == SNAPEDIT_ORDER && as->order < 0)
			n += (size_t)snprintf(buf + n, size - n, "unknown");
		else if (k == SNAPEDIT_ORDER)
			n += (size_t)snprintf(buf + n, size - n, "%d", as->order);
		else
			n += (size_t)snprintf(buf + n, size - n, "%d",
					      !!(as->marks & snapedit_bits[k]));
	}
}

/* ---- slots: what the result must be ---------------------------------------------- */

/*
 * The slot's word after the edit must be one the snapshot file stores
 * (swapfs-snapshot(5), slots) and one the era can hold; @q quotes the
 * value. A shmem mark is dropped by a count change (see snapedit.h), so
 * the shmem rule (count 1, not bad) follows from these.
 */
static int snapedit_word_check(const struct snapedit *e, const char *path,
			       const char *q, const struct snapedit_plan *p,
			       struct diag *d)
{
	bool bad = p->marks & SNAPSHOT_SLOT_BAD;
	bool cached = p->marks & SNAPSHOT_SLOT_CACHED;
	bool zero = p->marks & SNAPSHOT_SLOT_ZERO;
	bool zswap = p->marks & SNAPSHOT_SLOT_ZSWAP;
	bool folio;

	if (bad && p->count)
		return diag_line(d, path, 0, "edit-slot-word",
				 "%s: a bad slot with a count of %u; no era has references on a bad slot",
				 q, p->count);
	if (zero && zswap)
		return diag_line(d, path, 0, "edit-slot-word",
				 "%s: zero and zswap at once; a zero-filled page never reaches zswap",
				 q);
	if ((zero || zswap) && (bad || (!p->count && !cached)))
		return diag_line(d, path, 0, "edit-slot-word",
				 "%s: %s on a slot that is %s; only a slot in use (count or cached, not bad) holds a page",
				 q, zero ? "zero" : "zswap", bad ? "bad" : "free");
	if (zero && !e->era->zeromap)
		return diag_line(d, path, 0, "edit-slot-era",
				 "%s: era %c (%s) has no zeromap", q, e->era->era,
				 e->era->kernels);
	if (bad && cached && e->era->swap_table)
		return diag_line(d, path, 0, "edit-slot-era",
				 "%s: a bad slot in the swap cache; era %c's swap table has no such word",
				 q, e->era->era);
	folio = snapshot_folio_at(e->s, p->slot) != NULL;
	if (e->era->cache_from_folios && cached != folio)
		return diag_line(d, path, 0, "edit-slot-era",
				 "%s: cached=%d on a slot %s; era %c's map has no cache mark, a slot is cached when a swap-cache folio covers it (folios are not edited)",
				 q, cached, folio ? "under a folio" : "no folio covers",
				 e->era->era);
	return 0;
}

/*
 * order=K: a run of 2^K slots from the slot, unless the slot is in a run
 * of order K already (nothing to do: a line read from the slot file can
 * be written back); order=unknown: the slot's run goes.
 */
static int snapedit_run_plan(const struct snapedit *e, const char *path,
			     const char *q, const struct snapedit_assign *as,
			     struct snapedit_plan *p, struct diag *d)
{
	const struct snapshot *s = e->s;
	uint32_t start = 0, other, i;
	unsigned int order = 0, k;
	uint64_t end;
	bool in_run;

	if (!(as->given & (1u << SNAPEDIT_ORDER)))
		return 0;
	in_run = !snapshot_run_at(s, p->slot, &start, &order);
	if (as->order < 0) {
		p->remove_run = in_run;
		p->run_start = start;
		return 0;
	}
	k = (unsigned int)as->order;
	if (in_run && order == k)
		return 0;
	if (in_run)
		return diag_line(d, path, 0, "edit-slot-run-overlap",
				 "%s: the slot is in the run of order %u from slot %u; write order=unknown first",
				 q, order, start);
	end = (uint64_t)p->slot + (1ull << k);
	if (end > s->dev.max)
		return diag_line(d, path, 0, "edit-slot-run-range",
				 "%s: a run of order %u from slot %u ends at %llu, past max %u",
				 q, k, p->slot, (unsigned long long)end, s->dev.max);
	for (i = p->slot; i < end; i++) {
		if (!(s->slots[i] & SNAPSHOT_SLOT_ORDER))
			continue;
		if (snapshot_run_at(s, i, &other, &order))
			other = i;
		return diag_line(d, path, 0, "edit-slot-run-overlap",
				 "%s: a run of order %u from slot %u would overlap the run of order %u from slot %u",
				 q, k, p->slot, order, other);
	}
	p->add_run = true;
	p->order = k;
	return 0;
}

/*
 * Everything the edit will do, checked. ci->count moves with the slot's
 * non-free state, as the kernel's inc/dec_cluster_info_page() would,
 * within 0..cluster_size (the range a cluster's count has; a count that
 * was already wrong stays a count-mismatch for the check to report).
 */
static int snapedit_slot_plan(const struct snapedit *e, const char *path,
			      const char *q, const struct snapedit_assign *as,
			      struct snapedit_plan *p, struct diag *d)
{
	const struct snapshot *s = e->s;
	uint16_t w = s->slots[p->slot];
	uint32_t count = snapshot_count(s, p->slot);
	uint16_t given = 0;
	bool nf0, nf1;
	int64_t cl;
	int k, rc;

	for (k = SNAPEDIT_CACHED; k <= SNAPEDIT_ZSWAP; k++)
		if (as->given & (1u << k))
			given |= snapedit_bits[k];
	p->count = as->given & (1u << SNAPEDIT_COUNT) ? as->count : count;
	p->set_count = p->count != count;
	p->marks = (uint16_t)((w & SNAPEDIT_MARKS & ~given) | (as->marks & given));
	rc = snapedit_word_check(e, path, q, p, d);
	if (!rc)
		rc = snapedit_run_plan(e, path, q, as, p, d);
	if (rc)
		return rc;
	p->drop_shmem = p->set_count && snapshot_is_shmem(s, p->slot);
	nf0 = !snapshot_slot_free(w);
	nf1 = p->count || (p->marks & (SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD));
	cl = (int64_t)s->clusters[p->ci].count + nf1 - nf0;
	if (cl < 0)
		cl = 0;
	if (cl > s->dev.cluster_size)
		cl = s->dev.cluster_size;
	p->cl_count = (uint16_t)cl;
	p->changed = p->set_count || p->marks != (w & SNAPEDIT_MARKS) ||
		     p->add_run || p->remove_run ||
		     p->cl_count != s->clusters[p->ci].count;
	return 0;
}

/* ---- slots: applying --------------------------------------------------------------- */

static void snapedit_shmem_drop(struct snapshot *s, uint32_t slot)
{
	size_t lo = 0, hi = s->nr_shmem;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->shmem[mid] < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nr_shmem && s->shmem[lo] == slot) {
		memmove(&s->shmem[lo], &s->shmem[lo + 1],
			(s->nr_shmem - lo - 1) * sizeof(*s->shmem));
		s->nr_shmem--;
	}
}

/*
 * The plan, carried out: the count first, the only step that allocates
 * (counts[] may grow), undone if it fails; the rest cannot fail. Then the
 * analysis: the slot's cluster and the earlier clusters whose run or
 * folio covers it, and the cluster a removed run started in.
 */
static int snapedit_slot_apply(struct snapedit *e, const struct snapedit_plan *p)
{
	struct snapshot *s = e->s;
	uint32_t shift = s->dev.cluster_shift;
	uint16_t w = s->slots[p->slot];
	int rc;

	if (p->set_count) {
		rc = snapshot_set_count(s, p->slot, p->count);
		if (rc) {
			s->slots[p->slot] = w;	/* the table did not change */
			return rc;
		}
	}
	s->slots[p->slot] = (uint16_t)((s->slots[p->slot] & ~SNAPEDIT_MARKS) |
				       p->marks);
	if (p->drop_shmem)
		snapedit_shmem_drop(s, p->slot);
	if (p->remove_run)
		snapshot_remove_run(s, p->slot);
	if (p->add_run)
		snapshot_add_run(s, p->slot, p->order, NULL);
	s->clusters[p->ci].count = p->cl_count;

	snapedit_dirty_cluster(e, p->ci);
	if (p->remove_run)
		snapedit_dirty_cluster(e, p->run_start >> shift);
	rc = analysis_update_slots(e->a, p->slot, 1);
	if (!rc && p->remove_run && p->run_start >> shift != p->ci)
		rc = analysis_update_cluster(e->a, p->run_start >> shift);
	return rc;
}

int snapedit_slot(struct snapedit *e, uint32_t slot, const char *text,
		  size_t len, struct diag *d)
{
	char path[SNAPEDIT_PATH_MAX], q[SNAPEDIT_QUOTED];
	char value[SNAPEDIT_VALUE_MAX];
	struct snapedit_plan plan = { .slot = slot };
	struct snapedit_assign as;
	char *line;
	int rc;

	diag_clear(d);
	plan.ci = slot >> e->s->dev.cluster_shift;
	snprintf(path, sizeof(path), "clusters/%u/slots/%u", plan.ci, slot);
	rc = snapedit_value(path, text, &len, d);
	if (rc)
		return rc;
	snapedit_quote(q, sizeof(q), text, len);
	if (slot >= e->s->dev.max)
		return diag_line(d, path, 0, "edit-slot-range",
				 "%s: there is no slot %u (max is %u)", q, slot,
				 e->s->dev.max);
	rc = snapedit_assign_parse(e, path, text, len, &as, d);
	if (!rc)
		rc = snapedit_slot_plan(e, path, q, &as, &plan, d);
	if (rc)
		return rc;
	snapedit_assign_text(&as, value, sizeof(value));
	line = snapedit_line(e, path, value);
	if (!line)
		return diag_errno(d, path, -ENOMEM);
	if (plan.changed) {
		rc = snapedit_slot_apply(e, &plan);
		if (rc) {
			free(line);
			return diag_errno(d, path, rc);
		}
	}
	e->journal[e->nr_journal++] = line;
	return 0;
}

int snapedit_slot_format(const struct snapshot *s, uint32_t slot, char *buf,
			 size_t len)
{
	uint16_t w;
	uint32_t start;
	unsigned int order;
	char ord[12] = "unknown";

	if (slot >= s->dev.max)
		return -EINVAL;
	w = s->slots[slot];
	if (!snapshot_run_at(s, slot, &start, &order))
		snprintf(ord, sizeof(ord), "%u", order);
	return snprintf(buf, len, "count=%u cached=%d bad=%d zero=%d zswap=%d order=%s\n",
			snapshot_count(s, slot), !!(w & SNAPSHOT_SLOT_CACHED),
			!!(w & SNAPSHOT_SLOT_BAD), !!(w & SNAPSHOT_SLOT_ZERO),
			!!(w & SNAPSHOT_SLOT_ZSWAP), ord);
}

const char *const *snapedit_journal(const struct snapedit *e, size_t *nr)
{
	*nr = e->nr_journal;
	return (const char *const *)e->journal;
}

bool snapedit_dirty(const struct snapedit *e)
{
	return e->changed;
}

int64_t snapedit_save_id(const struct snapedit *e)
{
	return e->save_id;
}

/* ---- saving -------------------------------------------------------------------- */

/* The note a save stores: the base note, then our mark and the time. */
static char *snapedit_note(const struct snapedit *e)
{
	char when[SNAPEDIT_TIME_LEN + 1];
	time_t now = time(NULL);
	struct tm tm;
	char *note;

	if (!gmtime_r(&now, &tm) ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) !=
	    SNAPEDIT_TIME_LEN)
		return NULL;
	if (asprintf(&note, "%s%s" SNAPEDIT_MARK "%s",
		     e->base_note ? e->base_note : "",
		     e->base_note ? SNAPEDIT_MARK_SEP : "", when) < 0)
		return NULL;
	return note;
}

static int snapedit_save_replace(struct snapedit *e, struct diag *d)
{
	struct snapfile *f;
	int rc;

	rc = snapfile_open(e->save_path, true, &f, d);
	if (rc)
		return rc;
	rc = snapfile_replace(f, e->save_id, e->s, e->dirty, d);
	snapfile_close(f);
	return rc;
}

/*
 * The whole state as a new snapshot: into the file when it exists (one
 * transaction; the directory synced after, so the journal's unlink that
 * commits it is on disk too), else into a new file that appears whole.
 */
static int snapedit_save_append(struct snapedit *e, struct diag *d)
{
	struct snapfile *f;
	struct stat st;
	bool exists;
	int64_t id;
	int rc;

	exists = !lstat(e->save_path, &st);
	if (!exists && errno != ENOENT)
		return diag_errno(d, e->save_path, -errno);
	rc = exists ? snapfile_open(e->save_path, true, &f, d) :
		      snapfile_create(e->save_path, false, &f, d);
	if (rc)
		return rc;
	rc = snapfile_append(f, e->s, &id, d);
	if (rc) {
		snapfile_close(f);
		return rc;
	}
	rc = snapfile_commit(f, d);
	if (!rc && exists) {
		rc = durable_sync_dir(e->save_path);
		if (rc)
			diag_errno(d, e->save_path, rc);
	}
	if (!rc) {
		/* the state is in the file from here on: later saves replace it */
		e->save_id = id;
		e->s->prov.id = id;
	}
	return rc;
}

int snapedit_save(struct snapedit *e, struct diag *d)
{
	char *note, *old = e->s->prov.note;
	int rc;

	diag_clear(d);
	if (!e->changed)
		return 0;
	note = snapedit_note(e);
	if (!note)
		return diag_errno(d, e->save_path, -ENOMEM);
	e->s->prov.note = note;
	rc = e->save_id ? snapedit_save_replace(e, d) :
			  snapedit_save_append(e, d);
	if (rc) {
		/* nothing saved: the note and the dirty set stay as they were */
		e->s->prov.note = old;
		free(note);
		return rc;
	}
	free(old);
	memset(e->dirty, 0, (e->s->dev.nr_clusters / 64 + 1) * sizeof(*e->dirty));
	e->changed = false;
	return 0;
}
