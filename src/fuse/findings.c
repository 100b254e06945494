// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * findings.c - findings/<check> and findings/all: the lines `swapfs check`
 * prints, in its order, for one check or all of them.
 *
 * These are the only files whose size is O(device), so they are never
 * built whole on a read-only mount (a 1 TiB device may have tens of
 * millions of findings). Instead, once per model version and on first
 * use, one pass over the clusters that have findings measures every file
 * and records where each file stands every FINDINGS_STEP clusters; a read
 * then regenerates just the clusters it covers, from the nearest
 * checkpoint or from where the previous read of the same open file
 * stopped, so reading a file from start to end costs one pass. The
 * per-cluster finding counts of the analysis let clusters without
 * findings be skipped without being scanned.
 *
 * The mount's own analysis pass measures the files on the way
 * (findings_analyse()), and keeps findings/all as text when it is small
 * enough, so the first read of it costs a copy.
 *
 * On a read-write mount a file is built whole at open instead
 * (fs-file.c), so an edit between two reads cannot tear it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dirs.h"

#define FINDINGS_ALL		ANALYSIS_NR_CHECKS
#define FINDINGS_NR_FILES	(ANALYSIS_NR_CHECKS + 1)
/* Clusters between checkpoints: a read regenerates at most this many first. */
#define FINDINGS_STEP		64

/*
 * findings/all of up to this many bytes is also kept as text, made by the
 * mount's analysis pass: the first `cat` is then a copy, not a second pass
 * over the device. Bigger files (millions of findings) are regenerated.
 */
#define FINDINGS_TEXT_MAX	(32u << 20)

struct findings_index {
	uint64_t version;			/* fs->version it describes */
	uint64_t size[FINDINGS_NR_FILES];
	uint64_t *marks;	/* [j][file]: bytes before cluster j * FINDINGS_STEP */
	size_t nr_marks;
	uint32_t next_mark;	/* while collecting: the next mark's cluster */
	struct fs_buf text;	/* findings/all, when text_ok */
	bool text_ok;
};

/* Where the last read of an open file stopped: cluster @ci starts at @pos. */
struct findings_cursor {
	uint32_t ci;
	uint64_t pos;
};

#define FINDINGS_LINE_MAX	256

/* The finding's line and its newline into @line; its length, or -EOVERFLOW. */
static int findings_line(const struct analysis_finding *f,
			 char line[FINDINGS_LINE_MAX])
{
	int n = analysis_finding_format(f, line, FINDINGS_LINE_MAX);

	if (n < 0 || n >= FINDINGS_LINE_MAX)
		return -EOVERFLOW;
	line[n] = '\n';
	return n + 1;
}

int findings_add_line(const struct analysis_finding *f, void *arg)
{
	struct fs_buf *b = arg;
	char line[FINDINGS_LINE_MAX];
	int n = findings_line(f, line);

	if (n < 0)
		return n;
	fs_buf_add(b, line, (size_t)n);
	return 0;
}

static unsigned int findings_mask(uint64_t file)
{
	return file == FINDINGS_ALL ? ANALYSIS_ALL_CHECKS : 1u << file;
}

/* Whether cluster @ci has lines in @file: the analysis counted them. */
static bool findings_in(const struct fs *fs, uint32_t ci, uint64_t file)
{
	const uint16_t *n = fs->an->clusters[ci].findings;
	unsigned int c;

	if (file != FINDINGS_ALL)
		return n[file];
	for (c = 0; c < ANALYSIS_NR_CHECKS; c++)
		if (n[c])
			return true;
	return false;
}

void findings_index_free(struct findings_index *idx)
{
	if (idx) {
		free(idx->marks);
		fs_buf_free(&idx->text);
	}
	free(idx);
}

static struct findings_index *findings_index_new(const struct fs *fs, uint32_t nr)
{
	struct findings_index *idx = calloc(1, sizeof(*idx));

	if (!idx)
		return NULL;
	idx->version = fs->version;
	fs_buf_init(&idx->text);
	/* one for each cluster ci % FINDINGS_STEP == 0, and the first is 0 */
	idx->nr_marks = (nr + FINDINGS_STEP - 1) / FINDINGS_STEP;
	idx->marks = calloc(idx->nr_marks * FINDINGS_NR_FILES, sizeof(*idx->marks));
	if (!idx->marks) {
		findings_index_free(idx);
		return NULL;
	}
	return idx;
}

/* Marks of the clusters before @ci not yet recorded: sizes stand still there. */
static void findings_index_mark_to(struct findings_index *idx, uint32_t ci)
{
	for (; idx->next_mark < ci; idx->next_mark += FINDINGS_STEP)
		memcpy(idx->marks + (idx->next_mark / FINDINGS_STEP) * FINDINGS_NR_FILES,
		       idx->size, sizeof(idx->size));
}

/*
 * An analysis_finding_fn measuring every file, finding by finding in
 * stream order: the mount's analysis pass, and a rebuild after edits.
 */
static int findings_index_collect(const struct analysis_finding *f, void *arg)
{
	struct findings_index *idx = arg;
	char line[FINDINGS_LINE_MAX];
	int n = findings_line(f, line);

	if (n < 0)
		return n;
	findings_index_mark_to(idx, f->cluster + 1);
	idx->size[f->check] += (uint64_t)n;
	idx->size[FINDINGS_ALL] += (uint64_t)n;
	if (idx->text_ok && idx->text.len + (size_t)n <= FINDINGS_TEXT_MAX) {
		fs_buf_add(&idx->text, line, (size_t)n);
		idx->text_ok = !idx->text.err;
	} else if (idx->text_ok) {
		idx->text_ok = false;
		fs_buf_free(&idx->text);
		fs_buf_init(&idx->text);
	}
	return 0;
}

int findings_analyse(struct fs *fs)
{
	struct findings_index *idx;
	int rc;

	idx = findings_index_new(fs, fs->snap->dev.nr_clusters);
	if (!idx)
		return -ENOMEM;
	idx->text_ok = true;
	rc = analysis_run(fs->snap, ANALYSIS_ALL_CHECKS, findings_index_collect, idx,
			  &fs->an);
	if (rc) {
		findings_index_free(idx);
		return rc;
	}
	findings_index_mark_to(idx, fs->snap->dev.nr_clusters);
	fs->findings = idx;
	return 0;
}

static int findings_index_build(const struct fs *fs, struct findings_index **out)
{
	uint32_t nr = fs->snap->dev.nr_clusters, ci;
	struct findings_index *idx = findings_index_new(fs, nr);
	int rc = 0;

	if (!idx)
		return -ENOMEM;
	/* text_ok stays false: after an edit the text is not kept */
	for (ci = 0; !rc && ci < nr; ci++)
		if (findings_in(fs, ci, FINDINGS_ALL))
			rc = analysis_cluster_findings(fs->an, ci, ANALYSIS_ALL_CHECKS,
						       findings_index_collect, idx);
	if (rc) {
		findings_index_free(idx);
		return rc;
	}
	findings_index_mark_to(idx, nr);
	*out = idx;
	return 0;
}

/*
 * The index of the model as it is now. Callers hold fs->lock for reading,
 * so the version cannot change under them, and an index is only replaced
 * when it has.
 */
static int findings_index_get(struct fs *fs, const struct findings_index **out)
{
	struct findings_index *idx;
	int rc = 0;

	pthread_mutex_lock(&fs->findings_lock);
	if (!fs->findings || fs->findings->version != fs->version) {
		rc = findings_index_build(fs, &idx);
		if (!rc) {
			findings_index_free(fs->findings);
			fs->findings = idx;
		}
	}
	*out = fs->findings;
	pthread_mutex_unlock(&fs->findings_lock);
	return rc;
}

/* ---- findings/ -------------------------------------------------------------- */

static const char *findings_name(uint64_t file)
{
	return file == FINDINGS_ALL ? "all" : analysis_check_name((enum analysis_check)file);
}

static void findings_dir_name(struct fs *fs, uint64_t index, uint64_t n,
			      struct fs_dirent *ent)
{
	ent->name = findings_name(n);
}

const struct fs_kind findings_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	.child = FS_KIND_FINDINGS_FILE,
	.name = findings_dir_name,
};

/* ---- findings/<check>, findings/all --------------------------------------------- */

static int findings_file_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	const struct findings_index *idx;
	int rc;

	rc = findings_index_get(fs, &idx);
	if (rc)
		return rc;
	node->sized = true;
	node->size = idx->size[index];
	return 0;
}

/* Built whole: read-write mounts. */
static int findings_file_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	uint32_t ci;
	int rc = 0;

	for (ci = 0; !rc && ci < fs->snap->dev.nr_clusters; ci++)
		if (findings_in(fs, ci, index))
			rc = analysis_cluster_findings(fs->an, ci, findings_mask(index),
						       findings_add_line, b);
	return rc;
}

/* The cursor to start a read at @off from: the last one, or a checkpoint. */
static void findings_seek(const struct findings_index *idx, uint64_t file,
			  uint64_t off, struct findings_cursor *cur)
{
	size_t lo = 0, hi = idx->nr_marks, mid;

	/* the last checkpoint at or before @off (marks[0] is 0) */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (idx->marks[mid * FINDINGS_NR_FILES + file] <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (cur->pos > off || lo * FINDINGS_STEP > cur->ci) {
		cur->ci = (uint32_t)(lo * FINDINGS_STEP);
		cur->pos = idx->marks[lo * FINDINGS_NR_FILES + file];
	}
}

/*
 * The lines of cluster cur->ci go to @b from byte @want of the file on,
 * as far as @size allows. Returns 1 when the cluster was not used up (the
 * cursor stays on it), 0 when the cursor moved past it, or -errno.
 */
static int findings_copy_cluster(struct fs *fs, uint64_t file,
				 struct findings_cursor *cur, uint64_t want,
				 size_t size, struct fs_buf *b)
{
	struct fs_buf chunk;
	size_t skip, n;
	int rc;

	fs_buf_init(&chunk);
	rc = analysis_cluster_findings(fs->an, cur->ci, findings_mask(file),
				       findings_add_line, &chunk) ?: chunk.err;
	if (rc)
		goto out;
	if (cur->pos + chunk.len > want) {
		skip = (size_t)(want - cur->pos);
		n = chunk.len - skip < size - b->len ? chunk.len - skip : size - b->len;
		fs_buf_add(b, chunk.data + skip, n);
		if (skip + n < chunk.len) {
			rc = 1;
			goto out;
		}
	}
	cur->pos += chunk.len;
	cur->ci++;
out:
	fs_buf_free(&chunk);
	return rc;
}

static int findings_file_read(struct fs *fs, uint64_t index, void **cursor,
			      uint64_t off, size_t size, struct fs_buf *b)
{
	const struct findings_index *idx;
	struct findings_cursor *cur = *cursor;
	int rc;

	rc = findings_index_get(fs, &idx);
	if (rc || off >= idx->size[index])
		return rc;
	if (index == FINDINGS_ALL && idx->text_ok) {
		fs_buf_add(b, idx->text.data + off,
			   idx->text.len - off < size ? (size_t)(idx->text.len - off) : size);
		return b->err;
	}
	if (!cur) {
		cur = calloc(1, sizeof(*cur));
		if (!cur)
			return -ENOMEM;
		*cursor = cur;
	}
	findings_seek(idx, index, off, cur);
	while (b->len < size && cur->ci < fs->snap->dev.nr_clusters) {
		if (!findings_in(fs, cur->ci, index)) {
			cur->ci++;
			continue;
		}
		rc = findings_copy_cluster(fs, index, cur, off + b->len, size, b);
		if (rc)
			return rc < 0 ? rc : 0;
	}
	return 0;
}

const struct fs_kind findings_file_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_FINDINGS_DIR,
	.rule = FS_INDEX_OWN,
	.nr = FINDINGS_NR_FILES,
	.stat = findings_file_stat,
	.content = findings_file_content,
	.read = findings_file_read,
	.release_cursor = free,
};
