// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * series.c - series/<N>/: a time series' snapshots, when the mounted
 * source is a snapshot file holding two or more. One directory per
 * snapshot id N, in id order, each with
 *
 *	diff		what `swapfs diff FILE@M FILE@N` prints, M the
 *			snapshot before N
 *	diff.json	the same as `swapfs diff --json FILE@M FILE@N`
 *
 * The first snapshot has nothing before it: both its files are empty (the
 * tree's "none"). The ids are those the file held at mount.
 *
 * Nothing is computed at mount: the first stat or read of a file loads
 * the two snapshots, compares them and prints the file whole, with the
 * command's own loading and printers (struct series_ops: swapfs mount
 * lends swapfs diff's, as the tree sits below the CLI), so the bytes are
 * the command's. The sizes stat gives are then exact, as everywhere in the
 * tree (the kernel clamps reads to them).
 *
 * Two loaded snapshots are kept (the two the last file compared) and the
 * last SERIES_NR_TEXTS files printed: reading every diff of a series in
 * either order loads each snapshot once, and a stat then an open then
 * reads of one file print it once. Each load is logged at debug level
 * (standard error with swapfs mount -f). Memory: two more models as big
 * as the mounted one, and the files kept.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/snapfile.h>

#include "dirs.h"

enum series_file {
	SERIES_DIFF,
	SERIES_DIFF_JSON,
	SERIES_NR_FILES,
};

/* Files kept printed: both of two snapshots' directories. */
#define SERIES_NR_TEXTS	4

/* One loaded snapshot: the command's state (struct series_ops). */
struct series_state {
	int64_t id;			/* 0: the slot is empty */
	void *st;
};

/* One printed file: series/<ids[index >> 4]>/<file index & 15>. */
struct series_text {
	uint64_t index;
	char *data;			/* NULL: the slot is empty */
	size_t len;
	uint64_t used;			/* when it was last asked for */
};

struct series {
	char *path;			/* FILE, absolute: the daemon runs in / */
	char *name;			/* FILE as given: the diffs name FILE@N */
	struct snapfile_entry *ids;	/* by id */
	size_t nr;
	const struct series_ops *ops;

	pthread_mutex_t lock;		/* everything below */
	struct series_state states[2];
	struct series_text texts[SERIES_NR_TEXTS];
	uint64_t tick;
};

static void series_state_free(const struct series *se, struct series_state *st)
{
	se->ops->free(st->st);
	st->st = NULL;
	st->id = 0;
}

/* Snapshot @id of the file into @st, as swapfs diff loads an operand. */
static int series_state_load(const struct series *se, int64_t id,
			     struct series_state *st)
{
	struct diag d;
	int rc;

	diag_clear(&d);
	rc = se->ops->load(se->path, id, &st->st, &d);
	if (rc) {
		fuse_log(FUSE_LOG_ERR, "swapfs: series: snapshot %" PRId64 ": %s\n",
			 id, d.msg[0] ? d.msg : strerror(-rc));
		return rc;
	}
	st->id = id;
	fuse_log(FUSE_LOG_DEBUG, "swapfs: series: snapshot %" PRId64 " loaded\n", id);
	return 0;
}

/*
 * Snapshots @ids[0] and @ids[1] loaded, into *@out in that order: those
 * kept are used, the other slot is loaded again.
 */
static int series_states_get(struct series *se, const int64_t ids[2],
			     struct series_state *out[2])
{
	bool keep[2] = { false, false };
	unsigned int i, k;
	int rc;

	for (i = 0; i < 2; i++) {
		out[i] = NULL;
		for (k = 0; k < 2; k++)
			if (se->states[k].id == ids[i]) {
				out[i] = &se->states[k];
				keep[k] = true;
			}
	}
	for (i = 0; i < 2; i++) {
		if (out[i])
			continue;
		k = keep[0] ? 1 : 0;
		series_state_free(se, &se->states[k]);
		rc = series_state_load(se, ids[i], &se->states[k]);
		if (rc)
			return rc;
		keep[k] = true;
		out[i] = &se->states[k];
	}
	return 0;
}

/* The file @index printed into @t: the command's bytes. */
static int series_print(struct series *se, uint64_t index, struct series_text *t)
{
	size_t i = (size_t)fs_sub_dir(index);
	int64_t ids[2] = { se->ids[i ? i - 1 : 0].id, se->ids[i].id };
	struct series_state *st[2];
	char name[2][64 + PATH_MAX];
	FILE *fp;
	int rc;

	t->index = index;
	t->len = 0;
	if (!i)		/* the first: nothing before it */
		return (t->data = strdup("")) ? 0 : -ENOMEM;
	rc = series_states_get(se, ids, st);
	if (rc)
		return rc;
	snprintf(name[0], sizeof(name[0]), "%s@%" PRId64, se->name, ids[0]);
	snprintf(name[1], sizeof(name[1]), "%s@%" PRId64, se->name, ids[1]);
	fp = open_memstream(&t->data, &t->len);
	if (!fp)
		return -errno;
	rc = se->ops->print(name[0], st[0]->st, name[1], st[1]->st,
			    fs_sub_file(index) == SERIES_DIFF_JSON, fp);
	if (fclose(fp) && !rc)
		rc = -ENOMEM;
	if (rc) {
		fuse_log(FUSE_LOG_ERR, "swapfs: series: %s against %s: %s\n",
			 name[1], name[0], rc == -EXDEV ?
			 "two geometries (swapfs diff says how)" : strerror(-rc));
		free(t->data);
		t->data = NULL;
	}
	return rc;
}

/*
 * The file @index printed: kept, or printed now in the place of the one
 * asked for longest ago. Series lock held.
 */
static int series_text_get(struct series *se, uint64_t index,
			   struct series_text **out)
{
	struct series_text *t, *old = &se->texts[0];
	unsigned int k;
	int rc;

	for (k = 0; k < SERIES_NR_TEXTS; k++) {
		t = &se->texts[k];
		if (t->data && t->index == index) {
			t->used = ++se->tick;
			*out = t;
			return 0;
		}
		if (!t->data || (old->data && t->used < old->used))
			old = t;
	}
	free(old->data);
	old->data = NULL;
	rc = series_print(se, index, old);
	if (rc)
		return rc;
	old->used = ++se->tick;
	*out = old;
	return 0;
}

/* @size bytes of file @index from @off into @b (SIZE_MAX: all of it). */
static int series_copy(struct fs *fs, uint64_t index, uint64_t off, size_t size,
		       struct fs_buf *b)
{
	struct series *se = fs->series;
	struct series_text *t;
	int rc;

	pthread_mutex_lock(&se->lock);
	rc = series_text_get(se, index, &t);
	if (!rc && off < t->len)
		fs_buf_add(b, t->data + off,
			   t->len - off < size ? (size_t)(t->len - off) : size);
	pthread_mutex_unlock(&se->lock);
	return rc ?: b->err;
}

int series_dir_open(struct fs *fs, const char *path, const char *name,
		    const struct series_ops *ops, struct diag *d)
{
	struct series *se;
	struct snapfile *f;
	int rc;

	diag_clear(d);
	if (!snapfile_probe(path))
		return 0;	/* a dump: one state */
	se = calloc(1, sizeof(*se));
	if (!se)
		return diag_errno(d, path, -ENOMEM);
	rc = snapfile_open(path, false, &f, d);
	if (!rc) {
		rc = snapfile_list(f, &se->ids, &se->nr, d);
		snapfile_close(f);
	}
	se->path = strdup(path);
	se->name = strdup(name);
	se->ops = ops;
	if (!rc && (!se->path || !se->name))
		rc = diag_errno(d, path, -ENOMEM);
	if (!rc && se->nr >= 2)
		rc = -pthread_mutex_init(&se->lock, NULL);
	if (rc || se->nr < 2) {
		free(se->ids);
		free(se->path);
		free(se->name);
		free(se);
		return rc;
	}
	fs->series = se;
	return 0;
}

void series_dir_free(struct series *se)
{
	unsigned int k;

	if (!se)
		return;
	for (k = 0; k < 2; k++)
		series_state_free(se, &se->states[k]);
	for (k = 0; k < SERIES_NR_TEXTS; k++)
		free(se->texts[k].data);
	pthread_mutex_destroy(&se->lock);
	free(se->ids);
	free(se->path);
	free(se->name);
	free(se);
}

uint64_t series_dir_count(const struct fs *fs)
{
	return fs->series ? fs->series->nr : 0;
}

/* ---- series/ ----------------------------------------------------------------- */

/* series/ is there only for a time series. */
static int series_dir_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	return fs->series ? 0 : -ENOENT;
}

/* Entry @n is the snapshot at position n: named by its id. */
static void series_dir_name(struct fs *fs, uint64_t index, uint64_t n,
			    struct fs_dirent *ent)
{
	snprintf(ent->buf, sizeof(ent->buf), "%" PRId64, fs->series->ids[n].id);
	ent->name = ent->buf;
}

/* The position of snapshot id @name: the ids are sorted. */
static int series_dir_lookup(struct fs *fs, uint64_t index, const char *name,
			     uint64_t *n)
{
	const struct series *se = fs->series;
	size_t lo = 0, hi = se ? se->nr : 0, mid;
	uint64_t id;

	if (fs_parse_index(name, INT64_MAX, &id))
		return -ENOENT;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((uint64_t)se->ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == (se ? se->nr : 0) || (uint64_t)se->ids[lo].id != id)
		return -ENOENT;
	*n = lo;
	return 0;
}

const struct fs_kind series_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	.child = FS_KIND_SERIES_SNAP,
	.stat = series_dir_stat,
	.name = series_dir_name,
	.lookup = series_dir_lookup,
};

/* ---- series/<N>/ ----------------------------------------------------------------- */

static const struct fs_name series_names[] = {
	{ "diff", FS_KIND_SERIES_FILE, SERIES_DIFF },
	{ "diff.json", FS_KIND_SERIES_FILE, SERIES_DIFF_JSON },
};

const struct fs_kind series_snap_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_SERIES_DIR,
	.rule = FS_INDEX_OWN,
	.count = FS_COUNT_SERIES,
	FS_NAMES(series_names),
};

/* ---- series/<N>/diff, diff.json -------------------------------------------------- */

/*
 * The size, when the file is kept printed; else fs_node_stat() measures
 * the content, which prints it (and keeps it). An existence check
 * (fs_node_find(): an open, a listing's types) prints nothing.
 */
static int series_file_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	struct series *se = fs->series;
	unsigned int k;

	pthread_mutex_lock(&se->lock);
	for (k = 0; k < SERIES_NR_TEXTS; k++)
		if (se->texts[k].data && se->texts[k].index == index) {
			node->sized = true;
			node->size = se->texts[k].len;
		}
	pthread_mutex_unlock(&se->lock);
	return 0;
}

/* Read-write mounts: the whole file at open. */
static int series_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	return series_copy(fs, index, 0, SIZE_MAX, b);
}

/* Read-only mounts: what the read covers, from the file kept. */
static int series_file_read(struct fs *fs, uint64_t index, void **cursor,
			    uint64_t off, size_t size, struct fs_buf *b)
{
	return series_copy(fs, index, off, size, b);
}

const struct fs_kind series_file_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_SERIES_SNAP,
	.rule = FS_INDEX_SUB,
	.count = FS_COUNT_SERIES,
	.nr = SERIES_NR_FILES,
	.stat = series_file_stat,
	.content = series_file_content,
	.read = series_file_read,
	.release_cursor = free,
};
