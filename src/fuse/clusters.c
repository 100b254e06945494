// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clusters.c - clusters/<i>/: one struct swap_cluster_info and what the
 * analysis knows of its slots, and clusters/<i>/slots/<offset>, one file a
 * slot. Everything here costs O(cluster) at most: the map and the findings
 * of a cluster are computed from its own slots (analysis_cluster_findings()).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "dirs.h"

enum clusters_file {
	CLUSTERS_ORDER,
	CLUSTERS_FLAGS,
	CLUSTERS_COUNT,
	CLUSTERS_FIRST_SLOT,
	CLUSTERS_USED,
	CLUSTERS_FREE,
	CLUSTERS_CACHED,
	CLUSTERS_BAD,
	CLUSTERS_MAP,
	CLUSTERS_FOLIOS,
	CLUSTERS_FINDINGS,
	CLUSTERS_NR_FILES,
};

static const struct fs_name clusters_names[] = {
	{ "order", FS_KIND_CLUSTER_FILE, CLUSTERS_ORDER },
	{ "flags", FS_KIND_CLUSTER_FILE, CLUSTERS_FLAGS },
	{ "count", FS_KIND_CLUSTER_FILE, CLUSTERS_COUNT },
	{ "first_slot", FS_KIND_CLUSTER_FILE, CLUSTERS_FIRST_SLOT },
	{ "used", FS_KIND_CLUSTER_FILE, CLUSTERS_USED },
	{ "free", FS_KIND_CLUSTER_FILE, CLUSTERS_FREE },
	{ "cached", FS_KIND_CLUSTER_FILE, CLUSTERS_CACHED },
	{ "bad", FS_KIND_CLUSTER_FILE, CLUSTERS_BAD },
	{ "map", FS_KIND_CLUSTER_FILE, CLUSTERS_MAP },
	{ "folios", FS_KIND_CLUSTER_FILE, CLUSTERS_FOLIOS },
	{ "findings", FS_KIND_CLUSTER_FILE, CLUSTERS_FINDINGS },
	{ "slots", FS_KIND_CLUSTER_SLOTS, 0 },
};

/* map: slots a line (a 512-slot cluster is 8 lines). */
#define CLUSTERS_MAP_WIDTH	64

/* ---- clusters/, clusters/<i>/ ------------------------------------------ */

const struct fs_kind clusters_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	.child = FS_KIND_CLUSTER,
};

const struct fs_kind clusters_cluster_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_CLUSTERS_DIR,
	.rule = FS_INDEX_OWN,
	.count = FS_COUNT_CLUSTERS,
	FS_NAMES(clusters_names),
};

/* ---- clusters/<i>/<file> ---------------------------------------------------- */

static int clusters_file_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	uint32_t ci = (uint32_t)fs_sub_dir(index);
	unsigned int file = fs_sub_file(index);

	node->writable = file == CLUSTERS_FLAGS || file == CLUSTERS_ORDER;
	if (file == CLUSTERS_MAP) {	/* known without drawing it */
		uint32_t n = snapshot_cluster_end(fs->snap, ci) -
			     snapshot_cluster_first(fs->snap, ci);

		node->sized = true;
		node->size = n + (n + CLUSTERS_MAP_WIDTH - 1) / CLUSTERS_MAP_WIDTH;
	}
	return 0;
}

/* Which slots of a cluster a finding of it covers, for the map's upper case. */
struct clusters_marks {
	uint32_t first, end;
	uint8_t bits[SNAPSHOT_MAX_CLUSTER_SIZE / 8];
};

static int clusters_mark(const struct analysis_finding *f, void *arg)
{
	struct clusters_marks *m = arg;
	uint64_t from = f->offset > m->first ? f->offset : m->first;
	uint64_t to = (uint64_t)f->offset + f->nr;
	uint64_t i;

	if (to > m->end)
		to = m->end;
	for (i = from; i < to; i++)
		m->bits[(i - m->first) / 8] |= (uint8_t)(1u << ((i - m->first) % 8));
	return 0;
}

/* A slot's letter; the order of the tests is the legend's priority. */
static char clusters_glyph(const struct snapshot *s, uint32_t slot)
{
	uint16_t w = s->slots[slot];
	uint32_t count = w & SNAPSHOT_SLOT_COUNT;

	if (w & SNAPSHOT_SLOT_BAD)
		return 'b';
	if (!count)
		return w & SNAPSHOT_SLOT_CACHED ? 'c' : '.';
	if (w & SNAPSHOT_SLOT_ZSWAP)
		return 'z';
	if (w & SNAPSHOT_SLOT_ZERO)
		return 'e';
	/* 127 means "see counts[]": at least 127 either way */
	return count >= 2 ? 'm' : 'u';
}

static int clusters_map(const struct fs *fs, uint32_t ci, struct fs_buf *b)
{
	struct clusters_marks m = {
		.first = snapshot_cluster_first(fs->snap, ci),
		.end = snapshot_cluster_end(fs->snap, ci),
	};
	uint32_t slot;
	char *p;
	int rc;

	rc = analysis_cluster_findings(fs->an, ci, ANALYSIS_ALL_CHECKS,
				       clusters_mark, &m);
	if (rc)
		return rc;
	p = fs_buf_room(b, (m.end - m.first) * 2);
	if (!p)
		return b->err;
	for (slot = m.first; slot < m.end; slot++) {
		uint32_t i = slot - m.first;
		char c = clusters_glyph(fs->snap, slot);

		if (m.bits[i / 8] & (1u << (i % 8)))
			c = c == '.' ? '!' : (char)(c - 'a' + 'A');
		*p++ = c;
		if ((i + 1) % CLUSTERS_MAP_WIDTH == 0 || slot + 1 == m.end)
			*p++ = '\n';
	}
	b->len = (size_t)(p - b->data);
	return 0;
}

/* The cache folios that start in the cluster: a table, like the dump's cache file. */
static void clusters_folios(const struct fs *fs, uint32_t ci, struct fs_buf *b)
{
	const struct snapshot *s = fs->snap;
	uint32_t end = snapshot_cluster_end(s, ci);
	size_t i;

	fs_buf_printf(b, "offset order flags\n");
	for (i = snapshot_folios_from(s, snapshot_cluster_first(s, ci));
	     i < s->nr_folios && s->folios[i].offset < end; i++) {
		size_t before;

		fs_buf_printf(b, "%" PRIu32 " %u ", s->folios[i].offset,
			      s->folios[i].order);
		before = b->len;
		cache_folio_flags(s, &s->folios[i], b);
		fs_buf_printf(b, "%s\n", b->len == before ? "-" : "");
	}
}

static int clusters_findings(const struct fs *fs, uint32_t ci, struct fs_buf *b)
{
	const struct analysis_cluster *ac = &fs->an->clusters[ci];
	unsigned int c, any = 0;

	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		any += ac->findings[c];
	if (!any)
		return 0;
	return analysis_cluster_findings(fs->an, ci, ANALYSIS_ALL_CHECKS,
					 findings_add_line, b);
}

static int clusters_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	uint32_t ci = (uint32_t)fs_sub_dir(index);
	const struct snapshot_cluster *cl = &fs->snap->clusters[ci];
	const struct analysis_cluster *ac = &fs->an->clusters[ci];

	switch (fs_sub_file(index)) {
	case CLUSTERS_ORDER:
		fs_buf_printf(b, "%u\n", cl->order);
		break;
	case CLUSTERS_FLAGS:
		/* a value outside the enum is shown as its number */
		if (snapshot_cluster_flag_name(cl->flags))
			fs_buf_printf(b, "%s\n", snapshot_cluster_flag_name(cl->flags));
		else
			fs_buf_printf(b, "%u\n", cl->flags);
		break;
	case CLUSTERS_COUNT:
		fs_buf_printf(b, "%u\n", cl->count);
		break;
	case CLUSTERS_FIRST_SLOT:
		fs_buf_printf(b, "%" PRIu32 "\n", snapshot_cluster_first(fs->snap, ci));
		break;
	case CLUSTERS_USED:
		fs_buf_printf(b, "%u\n", ac->used);
		break;
	case CLUSTERS_FREE:
		fs_buf_printf(b, "%u\n", ac->free);
		break;
	case CLUSTERS_CACHED:
		fs_buf_printf(b, "%u\n", ac->cached);
		break;
	case CLUSTERS_BAD:
		fs_buf_printf(b, "%u\n", ac->bad);
		break;
	case CLUSTERS_MAP:
		return clusters_map(fs, ci, b);
	case CLUSTERS_FOLIOS:
		clusters_folios(fs, ci, b);
		break;
	case CLUSTERS_FINDINGS:
		return clusters_findings(fs, ci, b);
	default:
		return -ENOENT;
	}
	return 0;
}

/*
 * A refused edit: say why where the user can see it (the file refused,
 * -f, -d, syslog); the diag names the path, the value and the rule.
 */
static int clusters_edit_done(struct fs *fs, uint32_t ci, int rc,
			      const struct diag *d)
{
	if (rc && d->msg[0])
		return fs_state_refuse(fs, rc, "%s", d->msg);
	if (rc)
		return fs_state_refuse(fs, rc, "clusters/%" PRIu32 ": %s", ci,
				       strerror(-rc));
	return 0;
}

static int clusters_file_write(struct fs *fs, uint64_t index, const char *buf,
			       size_t len)
{
	uint32_t ci = (uint32_t)fs_sub_dir(index);
	struct diag d = { 0 };
	int rc;

	if (!fs->edit)		/* this build cannot edit the model */
		return -EROFS;
	switch (fs_sub_file(index)) {
	case CLUSTERS_FLAGS:
		rc = snapedit_cluster_flags(fs->edit, ci, buf, len, &d);
		break;
	case CLUSTERS_ORDER:
		rc = snapedit_cluster_order(fs->edit, ci, buf, len, &d);
		break;
	default:
		return -EACCES;
	}
	return clusters_edit_done(fs, ci, rc, &d);
}

const struct fs_kind clusters_file_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_CLUSTER,
	.rule = FS_INDEX_SUB,
	.count = FS_COUNT_CLUSTERS,
	.nr = CLUSTERS_NR_FILES,
	.stat = clusters_file_stat,
	.content = clusters_file_content,
	.write = clusters_file_write,
};

/* ---- clusters/<i>/slots/ ------------------------------------------------------ */

/* Slots are named by their offset on the device, not in the cluster. */
static void clusters_slots_range(struct fs *fs, uint64_t index, uint64_t *first,
				 uint64_t *end)
{
	*first = snapshot_cluster_first(fs->snap, (uint32_t)index);
	*end = snapshot_cluster_end(fs->snap, (uint32_t)index);
}

const struct fs_kind clusters_slots_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_CLUSTER,
	.rule = FS_INDEX_DIR,
	.count = FS_COUNT_CLUSTERS,
	.child = FS_KIND_SLOT,
	.range = clusters_slots_range,
};

/* ---- clusters/<i>/slots/<offset> ------------------------------------------------ */

static int clusters_slot_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	node->writable = true;
	return 0;
}

static int clusters_slot_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	char line[128];
	int n = snapedit_slot_format(fs->snap, (uint32_t)index, line, sizeof(line));

	if (n < 1 || (size_t)n >= sizeof(line))
		return -EOVERFLOW;
	/* the owners go on the same line, before its newline */
	fs_buf_add(b, line, (size_t)n - 1);
	procs_slot_owners(fs->snap, (uint32_t)index, b);
	fs_buf_add(b, "\n", 1);
	return 0;
}

/*
 * The owners= a slot file shows are observed, not editable: a write may
 * carry them back (a line read and written again) only as they are; they
 * are taken out before the rest goes to snapedit. -EINVAL when they differ.
 */
static int clusters_slot_strip_owners(struct fs *fs, uint32_t slot, char *v)
{
	struct fs_buf have;
	char *tok = strstr(v, "owners="), *end;
	size_t len;
	int rc = 0;

	if (!tok)
		return 0;
	if (tok != v && tok[-1] != ' ' && tok[-1] != '\t')
		return -EINVAL;
	end = tok + strcspn(tok, " \t\n");
	len = (size_t)(end - tok);
	fs_buf_init(&have);
	procs_slot_owners(fs->snap, slot, &have);
	/* have is " owners=...": compare without its blank */
	if (have.err || have.len != len + 1 || memcmp(have.data + 1, tok, len))
		rc = -EINVAL;
	fs_buf_free(&have);
	if (!rc)
		memmove(tok, end, strlen(end) + 1);
	return rc;
}

static int clusters_slot_write(struct fs *fs, uint64_t index, const char *buf,
			       size_t len)
{
	uint32_t slot = (uint32_t)index;
	struct diag d = { 0 };
	int rc;

	if (!fs->edit)		/* this build cannot edit the model */
		return -EROFS;
	if (memmem(buf, len, "owners=", 7)) {
		char v[4096];

		rc = fs_parse_value(buf, len, v, sizeof(v)) ?: clusters_slot_strip_owners(fs, slot, v);
		if (rc)
			return fs_state_refuse(fs, rc, "clusters/%" PRIu32 "/slots/%" PRIu32
					       ": owners= is not editable (only the slot's own may be"
					       " written back)", slot >> fs->snap->dev.cluster_shift,
					       slot);
		rc = snapedit_slot(fs->edit, slot, v, strlen(v), &d);
		return clusters_edit_done(fs, slot >> fs->snap->dev.cluster_shift, rc, &d);
	}
	rc = snapedit_slot(fs->edit, slot, buf, len, &d);
	return clusters_edit_done(fs, slot >> fs->snap->dev.cluster_shift, rc, &d);
}

const struct fs_kind clusters_slot_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_CLUSTER_SLOTS,
	.rule = FS_INDEX_OWN,
	.count = FS_COUNT_SLOTS,
	.many = true,
	.stat = clusters_slot_stat,
	.content = clusters_slot_content,
	.write = clusters_slot_write,
};
