// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * target.c - resolve, open and describe a swap area (see target.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <blkid.h>

#include <swapfs/blkprobe.h>
#include <swapfs/durable.h>
#include <swapfs/target.h>

/* Extents fetched per FS_IOC_FIEMAP call. */
#define TARGET_FIEMAP_BATCH	64

static bool target_is_tag(const char *spec);

static int target_resolve(struct target *t, const char *spec)
{
	if (target_is_tag(spec)) {
		/* NULL cache: blkid reads (and refreshes) its default cache */
		t->path = blkid_evaluate_tag(spec, NULL, NULL);
		return t->path ? 0 : -ENOENT;
	}
	t->path = strdup(spec);
	return t->path ? 0 : -ENOMEM;
}

static int target_measure(struct target *t)
{
	if (fstat(t->fd, &t->st))
		return -errno;
	if (S_ISREG(t->st.st_mode)) {
		t->size = t->st.st_size;
		return 0;
	}
	if (!S_ISBLK(t->st.st_mode))
		return -EINVAL;
	t->blockdev = true;
	if (ioctl(t->fd, BLKGETSIZE64, &t->size))
		return -errno;
	return 0;
}

static bool target_is_tag(const char *spec)
{
	return !strncmp(spec, "LABEL=", 6) || !strncmp(spec, "UUID=", 5);
}

/*
 * blkid's cache may name a device that has since been reused: make sure
 * the area really carries the label or UUID asked for, as blkid's own
 * probe of it says now.
 */
static int target_verify_tag(struct target *t, const char *spec)
{
	bool label = !strncmp(spec, "LABEL=", 6);
	const char *want = strchr(spec, '=') + 1;
	struct blkprobe p;
	const char *have;
	int rc;

	rc = blkprobe_fd(t->fd, &p);
	if (rc)
		return rc;
	have = blkprobe_get(&p, label ? "LABEL" : "UUID");
	rc = have && (label ? !strcmp(have, want) : !strcasecmp(have, want)) ? 0 : -ESTALE;
	blkprobe_free(&p);
	return rc;
}

/*
 * Open without blocking: a FIFO (or a tty) named as a target would hang
 * open(2) until someone wrote to it. Whatever it is, it is refused by its
 * type right after; a regular file or block device gets blocking I/O back.
 */
static int target_open_fd(struct target *t, int flags)
{
	int fl;

	t->fd = open(t->path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (t->fd < 0)
		return -errno;
	fl = fcntl(t->fd, F_GETFL);
	if (fl < 0 || fcntl(t->fd, F_SETFL, fl & ~O_NONBLOCK))
		return -errno;
	return target_measure(t);
}

int target_open(struct target *t, const char *spec, int flags)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	rc = target_resolve(t, spec);
	if (rc)
		return rc;
	rc = target_open_fd(t, flags);
	if (!rc && target_is_tag(spec))
		rc = target_verify_tag(t, spec);
	if (rc || !t->blockdev || (flags & O_ACCMODE) == O_RDONLY)
		return rc;
	/*
	 * Reopen a device for writing exclusively: the kernel then refuses
	 * us while swapon (or a mount) holds it, closing the window between
	 * our /proc/swaps check and the write.
	 */
	close(t->fd);
	return target_open_fd(t, flags | O_EXCL);
}

void target_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	free(t->path);
	t->path = NULL;
}

/*
 * Whether [0, size) of a regular file has a hole, as the filesystem's
 * swap_activate (iomap_swapfile_activate) sees it: unwritten (fallocated)
 * extents are fine, gaps are not. A filesystem without FIEMAP is taken to
 * have none; swapon will tell.
 */
static int target_find_holes(int fd, uint64_t size, bool *holes)
{
	/* struct fiemap ends in its extents: room for a batch of them */
	union {
		struct fiemap fm;
		char room[sizeof(struct fiemap) +
			  TARGET_FIEMAP_BATCH * sizeof(struct fiemap_extent)];
	} req;
	uint64_t covered = 0, end;
	unsigned int i;

	*holes = false;
	size &= ~(uint64_t)(SWAPHEADER_PAGE_MIN - 1);	/* whole pages only */
	while (covered < size) {
		memset(&req, 0, sizeof(req));
		req.fm.fm_start = covered;
		req.fm.fm_length = size - covered;
		req.fm.fm_extent_count = TARGET_FIEMAP_BATCH;
		if (ioctl(fd, FS_IOC_FIEMAP, &req.fm) < 0)
			return errno == EOPNOTSUPP || errno == ENOTTY ? 0 : -errno;
		if (!req.fm.fm_mapped_extents)
			break;
		for (i = 0; i < req.fm.fm_mapped_extents; i++) {
			const struct fiemap_extent *e = &req.fm.fm_extents[i];

			if (e->fe_logical > covered) {
				*holes = true;
				return 0;
			}
			end = e->fe_logical + e->fe_length;
			if (end > covered)
				covered = end;
			if (e->fe_flags & FIEMAP_EXTENT_LAST)
				goto done;
		}
	}
done:
	*holes = covered < size;
	return 0;
}

int target_read_header(struct target *t, uint32_t kernel,
		       struct swapheader_info *hi, uint8_t **bufp, size_t *lenp)
{
	return target_read_header_for(t, kernel, 0, hi, bufp, lenp);
}

int target_read_header_for(struct target *t, uint32_t kernel, unsigned int page_size,
			   struct swapheader_info *hi, uint8_t **bufp, size_t *lenp)
{
	struct swapheader_env env = {
		.size = t->size,
		.regular = !t->blockdev,
		.kernel = kernel,
		.page_size = page_size ? page_size : (unsigned int)sysconf(_SC_PAGESIZE),
	};
	size_t want = t->size < SWAPHEADER_PAGE_MAX ? t->size : SWAPHEADER_PAGE_MAX;
	uint8_t *buf;
	size_t got;
	int rc;

	buf = calloc(1, SWAPHEADER_PAGE_MAX);
	if (!buf)
		return -ENOMEM;
	rc = durable_pread(t->fd, buf, want, 0, &got);
	if (!rc && env.regular)
		rc = target_find_holes(t->fd, t->size, &env.holes);
	if (!rc)
		rc = swapheader_decode(buf, got, &env, hi);
	if (rc || !bufp) {
		free(buf);
	} else {
		*bufp = buf;
	}
	if (!rc && lenp)
		*lenp = got;
	return rc;
}

bool target_same_object(const struct stat *a, const struct stat *b)
{
	if (S_ISBLK(a->st_mode) && S_ISBLK(b->st_mode))
		return a->st_rdev == b->st_rdev;
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}
