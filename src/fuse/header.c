// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * header.c - header/<field>: the on-disk swap header of the area given
 * with --header (page 0, union swap_header), read once at mount and again
 * after each edit. label and uuid are writable on a read-write mount,
 * with every rule of `swapfs label`, and written to the area at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include <swapfs/edit.h>
#include <swapfs/target.h>

#include "dirs.h"

enum header_field {
	HEADER_FIELD_SIGNATURE,
	HEADER_FIELD_VERSION,
	HEADER_FIELD_PAGE_SIZE,
	HEADER_FIELD_BYTE_ORDER,
	HEADER_FIELD_LAST_PAGE,
	HEADER_FIELD_NR_BADPAGES,
	HEADER_FIELD_BADPAGES,
	HEADER_FIELD_UUID,
	HEADER_FIELD_LABEL,
	HEADER_FIELD_KERNEL_OK,
	HEADER_NR_FIELDS,
};

static const struct fs_name header_names[HEADER_NR_FIELDS] = {
	{ "signature", FS_KIND_HEADER_FIELD, HEADER_FIELD_SIGNATURE },
	{ "version", FS_KIND_HEADER_FIELD, HEADER_FIELD_VERSION },
	{ "page_size", FS_KIND_HEADER_FIELD, HEADER_FIELD_PAGE_SIZE },
	{ "byte_order", FS_KIND_HEADER_FIELD, HEADER_FIELD_BYTE_ORDER },
	{ "last_page", FS_KIND_HEADER_FIELD, HEADER_FIELD_LAST_PAGE },
	{ "nr_badpages", FS_KIND_HEADER_FIELD, HEADER_FIELD_NR_BADPAGES },
	{ "badpages", FS_KIND_HEADER_FIELD, HEADER_FIELD_BADPAGES },
	{ "uuid", FS_KIND_HEADER_FIELD, HEADER_FIELD_UUID },
	{ "label", FS_KIND_HEADER_FIELD, HEADER_FIELD_LABEL },
	{ "kernel_ok", FS_KIND_HEADER_FIELD, HEADER_FIELD_KERNEL_OK },
};

int header_dir_read(struct fs *fs)
{
	struct swapheader_info hi = { 0 };
	uint8_t *bytes = NULL;
	struct target t;
	size_t len = 0;
	int rc;

	rc = target_open(&t, fs->header_path, O_RDONLY);
	if (!rc)
		rc = target_read_header(&t, swapheader_running_kernel(), &hi, &bytes, &len);
	if (!rc) {
		swapheader_info_free(&fs->hdr);
		fs->hdr = hi;
		free(fs->hdr_bytes);
		fs->hdr_bytes = bytes;
		fs->hdr_len = len;
		fs->hdr_st = t.st;
	}
	target_close(&t);
	return rc;
}

/*
 * Whether the area is still what this mount showed: the same file or
 * device, with the same header bytes. A header the mount has not seen
 * (another program wrote it, the file was replaced) is not edited: the
 * user would be changing what they did not read.
 */
static bool header_unchanged(struct fs *fs)
{
	struct swapheader_info hi = { 0 };
	uint8_t *bytes = NULL;
	struct target t;
	size_t len = 0;
	bool same;

	if (target_open(&t, fs->header_path, O_RDONLY))
		return false;
	same = !target_read_header(&t, swapheader_running_kernel(), &hi, &bytes, &len) &&
	       target_same_object(&t.st, &fs->hdr_st) && len == fs->hdr_len &&
	       !memcmp(bytes, fs->hdr_bytes, len);
	swapheader_info_free(&hi);
	free(bytes);
	target_close(&t);
	return same;
}

/* header/ is there only with --header. */
static int header_dir_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	return fs->header_path ? 0 : -ENOENT;
}

const struct fs_kind header_dir_kind = {
	.type = FS_DIR,
	.dir = FS_KIND_ROOT,
	.rule = FS_INDEX_ONE,
	FS_NAMES(header_names),
	.stat = header_dir_stat,
};

static int header_field_stat(struct fs *fs, uint64_t index, struct fs_node *node)
{
	if (!fs->header_path)
		return -ENOENT;
	node->writable = index == HEADER_FIELD_UUID || index == HEADER_FIELD_LABEL;
	return 0;
}

/* One bad page a line: the list is the value. */
static void header_field_badpages(const struct swapheader_info *hi, struct fs_buf *b)
{
	uint32_t i;

	for (i = 0; i < hi->nr_badpages_read; i++)
		fs_buf_printf(b, "%" PRIu32 "\n", hi->badpages[i]);
}

/* The fields only a v1 header has (empty otherwise: none). */
static void header_field_v1(const struct swapheader_info *hi, uint64_t index,
			    struct fs_buf *b)
{
	char text[4 * SWAPHEADER_LABEL_LEN + 1];

	switch (index) {
	case HEADER_FIELD_VERSION:
		fs_buf_printf(b, "%" PRIu32 "\n", hi->version);
		break;
	case HEADER_FIELD_BYTE_ORDER:
		fs_buf_printf(b, "%s\n", swapheader_order_name(hi->order));
		break;
	case HEADER_FIELD_LAST_PAGE:
		fs_buf_printf(b, "%" PRIu32 "\n", hi->last_page);
		break;
	case HEADER_FIELD_NR_BADPAGES:
		fs_buf_printf(b, "%" PRIu32 "\n", hi->nr_badpages);
		break;
	case HEADER_FIELD_BADPAGES:
		header_field_badpages(hi, b);
		break;
	case HEADER_FIELD_UUID:
		uuid_unparse_lower(hi->uuid, text);
		fs_buf_printf(b, "%s\n", text);
		break;
	case HEADER_FIELD_LABEL:
		/* the exact bytes, escaped as `swapfs header` shows them */
		if (*swapheader_label_escape(hi->label, text))
			fs_buf_printf(b, "%s\n", text);
		break;
	}
}

static int header_field_content(struct fs *fs, uint64_t index, struct fs_buf *b)
{
	const struct swapheader_info *hi = &fs->hdr;

	switch (index) {
	case HEADER_FIELD_SIGNATURE:
		fs_buf_printf(b, "%s\n", swapheader_sig_name(hi->sig));
		return 0;
	case HEADER_FIELD_PAGE_SIZE:
		if (hi->page_size)
			fs_buf_printf(b, "%u\n", hi->page_size);
		return 0;
	case HEADER_FIELD_KERNEL_OK:
		fs_buf_printf(b, "%s\n", hi->err == SWAPHEADER_OK ? "yes" : "no");
		return 0;
	}
	if (index >= HEADER_NR_FIELDS)
		return -ENOENT;
	if (hi->has_fields)
		header_field_v1(hi, index, b);
	return 0;
}

/* edit_ids()'s refusals as the errno a write(2) returns. */
static int header_field_refusal(const struct edit_report *rep)
{
	switch (rep->refusal) {
	case EDIT_DONE:
		return 0;
	case EDIT_REFUSE_ACTIVE:
	case EDIT_REFUSE_HIBERNATION:
	case EDIT_REFUSE_CHANGED:
		return -EBUSY;
	default:
		return -EINVAL;
	}
}

static int header_field_write(struct fs *fs, uint64_t index, const char *buf,
			      size_t len)
{
	struct edit_ids ids = { 0 };
	struct edit_report rep;
	char value[64];
	int rc;

	rc = fs_parse_value(buf, len, value, sizeof(value));
	if (rc)
		return fs_state_refuse(fs, rc, "header/%s: not one value of at most %zu bytes",
				       header_names[index].name, sizeof(value) - 1);
	if (index == HEADER_FIELD_LABEL) {
		ids.set_label = true;
		rc = edit_parse_label(value, ids.label) ? -EINVAL : 0;
	} else if (index == HEADER_FIELD_UUID) {
		ids.set_uuid = true;
		rc = edit_parse_uuid(value, ids.uuid);
	} else {
		return -EACCES;
	}
	if (rc) {
		return fs_state_refuse(fs, rc, "header/%s: '%s': %s",
				       header_names[index].name, value,
				       index == HEADER_FIELD_LABEL ? "longer than 16 bytes" :
				       "expected a UUID, random, time or clear");
	}
	if (!header_unchanged(fs)) {
		fs_state_refuse(fs, -EBUSY, "header/%s: %s changed since this mount "
				"read it; nothing written (cat header/ first)",
				header_names[index].name, fs->header_path);
		header_dir_read(fs);	/* now the mount shows what is there */
		return -EBUSY;
	}
	rc = edit_ids(fs->header_path, &ids, NULL, &rep);
	swapheader_info_free(&rep.hi);
	if (!rc)
		rc = header_field_refusal(&rep);
	if (rc)
		fs_state_refuse(fs, rc, "header/%s: %s: %s; nothing written",
				header_names[index].name, fs->header_path,
				rep.detail[0] ? rep.detail : strerror(-rc));
	/* whatever happened, show what the area holds now */
	return header_dir_read(fs) ?: rc;
}

const struct fs_kind header_field_kind = {
	.type = FS_FILE,
	.dir = FS_KIND_HEADER_DIR,
	.rule = FS_INDEX_OWN,
	.nr = HEADER_NR_FIELDS,
	.stat = header_field_stat,
	.content = header_field_content,
	.write = header_field_write,
};
