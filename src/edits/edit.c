// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * edit.c - in-place UUID and label edits, and their undo (see edit.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include <swapfs/durable.h>
#include <swapfs/edit.h>
#include <swapfs/swaps.h>
#include <swapfs/target.h>
#include <swapfs/undo.h>

/* One edit: what to write, decided once the current bytes are known. */
struct edit_job {
	const struct edit_ids *ids;		/* edit: fields to set */
	const struct undo_record *undo;		/* undo: what to restore */
	const char *undo_path;			/* edit: where to save */
};

int edit_parse_label(const char *s, uint8_t label[SWAPHEADER_LABEL_LEN])
{
	size_t n = strlen(s);

	if (n > SWAPHEADER_LABEL_LEN)
		return -ENAMETOOLONG;
	memset(label, 0, SWAPHEADER_LABEL_LEN);
	memcpy(label, s, n);
	return 0;
}

int edit_parse_uuid(const char *s, uint8_t uuid[SWAPHEADER_UUID_LEN])
{
	if (!strcmp(s, "clear"))
		uuid_clear(uuid);
	else if (!strcmp(s, "random"))
		uuid_generate_random(uuid);
	else if (!strcmp(s, "time"))
		uuid_generate_time(uuid);
	else if (uuid_parse(s, uuid))
		return -EINVAL;
	return 0;
}

static int edit_refuse(struct edit_report *rep, enum edit_refusal why,
		       const char *detail)
{
	rep->refusal = why;
	snprintf(rep->detail, sizeof(rep->detail), "%s", detail);
	return 0;
}

/* The area must not be swapped on: by name or by device/inode. */
static int edit_check_active(const struct target *t, struct edit_report *rep)
{
	const struct swaps_entry *e;
	struct swaps sw;
	int rc;

	rc = swaps_load(&sw, NULL);
	if (rc)
		return rc;
	e = swaps_find(&sw, t->path, &t->st);
	if (e)
		edit_refuse(rep, EDIT_REFUSE_ACTIVE, e->path);
	swaps_free(&sw);
	return 0;
}

/* Only a valid v1 header, and never a hibernation image, is edited. */
static void edit_check_header(const struct swapheader_info *hi,
			      struct edit_report *rep)
{
	if (swapheader_sig_is_hibernation(hi->sig))
		edit_refuse(rep, EDIT_REFUSE_HIBERNATION, swapheader_sig_name(hi->sig));
	else if (!hi->v1_magic)
		edit_refuse(rep, EDIT_REFUSE_INVALID,
			    "no swap v1 signature (SWAPSPACE2)");
	else if (hi->version != 1)
		edit_refuse(rep, EDIT_REFUSE_INVALID, "header version is not 1");
	else if (!hi->last_page)
		edit_refuse(rep, EDIT_REFUSE_INVALID, "last_page is 0");
}

/* Decide the new bytes; for an undo, first check it is the same area. */
static void edit_plan(const struct edit_job *job, const uint8_t *page,
		      size_t len, struct edit_report *rep)
{
	const struct edit_ids *ids = job->ids;
	const struct undo_record *u = job->undo;

	memcpy(rep->old_ids, page + SWAPHEADER_OFF_UUID, SWAPHEADER_IDS_LEN);
	memcpy(rep->new_ids, rep->old_ids, SWAPHEADER_IDS_LEN);
	if (u) {
		if (u->page_size != rep->hi.page_size || len < u->page_size ||
		    undo_header_hash(page, u->page_size) != u->header_hash)
			edit_refuse(rep, EDIT_REFUSE_NOT_UNDONE,
				    "the header differs from the one the undo file was made from");
		else if (!memcmp(rep->old_ids, u->new_ids, SWAPHEADER_IDS_LEN))
			memcpy(rep->new_ids, u->old_ids, SWAPHEADER_IDS_LEN);
		else if (!memcmp(rep->old_ids, u->old_ids, SWAPHEADER_IDS_LEN))
			edit_refuse(rep, EDIT_REFUSE_UNDONE,
				    "already undone: it holds the UUID and label the undo file restores");
		else
			edit_refuse(rep, EDIT_REFUSE_NOT_UNDONE,
				    "UUID or label changed since the edit");
		return;
	}
	if (ids->set_uuid)
		memcpy(rep->new_ids, ids->uuid, SWAPHEADER_UUID_LEN);
	if (ids->set_label)
		memcpy(rep->new_ids + SWAPHEADER_UUID_LEN, ids->label, SWAPHEADER_LABEL_LEN);
}

static int edit_save_undo(const struct edit_job *job, const struct target *t,
			  const uint8_t *page, const struct edit_report *rep)
{
	struct undo_record u = { .page_size = rep->hi.page_size };

	/* absolute, so 'swapfs undo' works from any directory */
	if (!realpath(t->path, u.target))
		return -errno;
	memcpy(u.old_ids, rep->old_ids, SWAPHEADER_IDS_LEN);
	memcpy(u.new_ids, rep->new_ids, SWAPHEADER_IDS_LEN);
	u.header_hash = undo_header_hash(page, rep->hi.page_size);
	return undo_save(job->undo_path, &u, job->ids->replace_undo);
}

/*
 * An undo file is refused before anything is read: an existing one may be
 * the only way back to an earlier state, so only --force replaces it.
 */
static int edit_check_undo_path(const struct edit_job *job, struct edit_report *rep)
{
	int rc;

	if (!job->undo_path)
		return 0;
	rc = undo_check_new(job->undo_path, job->ids->replace_undo);
	if (rc == -EEXIST)
		return edit_refuse(rep, EDIT_REFUSE_UNDO_EXISTS, job->undo_path);
	if (rc) {
		rep->undo_failed = true;
		snprintf(rep->detail, sizeof(rep->detail), "%s", job->undo_path);
	}
	return rc;
}

/*
 * Reopen for writing and make sure it is still the object we judged, with
 * the bytes we judged: a rename, a mkswap or a swapon in between would
 * otherwise get our write.
 */
static int edit_reopen(const struct target *t, const uint8_t *page, size_t len,
		       struct target *w, struct edit_report *rep)
{
	uint8_t *now;
	size_t got;
	int rc;

	rc = target_open(w, t->path, O_RDWR);
	if (rc == -EBUSY)
		return edit_refuse(rep, EDIT_REFUSE_ACTIVE, "device is busy (in use)");
	if (rc)
		return rc;
	if (!target_same_object(&t->st, &w->st))
		return edit_refuse(rep, EDIT_REFUSE_CHANGED,
				   "a different file now has this name");
	rc = edit_check_active(w, rep);
	if (rc || rep->refusal)
		return rc;
	now = malloc(len);
	if (!now)
		return -ENOMEM;
	rc = durable_pread(w->fd, now, len, 0, &got);
	if (!rc && (got != len || memcmp(now, page, len)))
		edit_refuse(rep, EDIT_REFUSE_CHANGED, "the header changed while it was checked");
	free(now);
	return rc;
}

/* Write, sync, drop the cached copy and read back what the disk holds. */
static int edit_write(struct target *w, const uint8_t *ids)
{
	uint8_t back[SWAPHEADER_IDS_LEN];
	size_t got;
	int rc, fd;

	rc = durable_pwrite(w->fd, ids, SWAPHEADER_IDS_LEN, SWAPHEADER_OFF_UUID);
	if (rc)
		return rc;
	if (fsync(w->fd))
		return -errno;
	posix_fadvise(w->fd, 0, 0, POSIX_FADV_DONTNEED);
	rc = durable_pread(w->fd, back, sizeof(back), SWAPHEADER_OFF_UUID, &got);
	if (rc)
		return rc;
	if (got != sizeof(back) || memcmp(back, ids, sizeof(back)))
		return -EIO;
	fd = w->fd;
	w->fd = -1;
	return durable_close(fd);
}

static int edit_run(const char *spec, const struct edit_job *job,
		    struct edit_report *rep)
{
	struct target t, w = { .fd = -1 };
	uint8_t *page = NULL;
	size_t len = 0;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = target_open(&t, spec, O_RDONLY);
	if (t.path)
		snprintf(rep->path, sizeof(rep->path), "%s", t.path);
	if (!rc)
		rc = edit_check_undo_path(job, rep);
	if (rc || rep->refusal)
		goto out;
	rc = edit_check_active(&t, rep);
	if (rc || rep->refusal)
		goto out;
	rc = target_read_header(&t, swapheader_running_kernel(), &rep->hi, &page, &len);
	if (rc)
		goto out;
	swapheader_info_free(&rep->hi);
	edit_check_header(&rep->hi, rep);
	if (rep->refusal)
		goto out;
	len = rep->hi.page_size;
	edit_plan(job, page, len, rep);
	if (rep->refusal)
		goto out;
	rc = edit_reopen(&t, page, len, &w, rep);
	if (rc || rep->refusal)
		goto out;
	/* saved once the edit is sure to be tried, and before it is */
	if (job->undo_path) {
		rc = edit_save_undo(job, &t, page, rep);
		if (rc) {
			rep->undo_failed = true;
			snprintf(rep->detail, sizeof(rep->detail), "%s", job->undo_path);
			goto out;
		}
	}
	rc = edit_write(&w, rep->new_ids);
out:
	free(page);
	target_close(&w);
	target_close(&t);
	return rc;
}

int edit_ids(const char *spec, const struct edit_ids *ids,
	     const char *undo_path, struct edit_report *rep)
{
	struct edit_job job = { .ids = ids, .undo_path = undo_path };

	return edit_run(spec, &job, rep);
}

int edit_undo(const char *undo_path, const char *spec, struct edit_report *rep,
	      char *why, size_t whysz)
{
	struct undo_record u;
	struct edit_job job = { .undo = &u };
	int rc;

	rc = undo_load(undo_path, &u, why, whysz);
	if (rc) {
		memset(rep, 0, sizeof(*rep));
		return rc;
	}
	return edit_run(spec ? spec : u.target, &job, rep);
}
