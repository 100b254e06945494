/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target.h - the swap area a command works on: a file, a block device,
 * LABEL=... or UUID=..., resolved, opened and described.
 */
#ifndef SWAPFS_TARGET_H
#define SWAPFS_TARGET_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SOURCES)
#error "swapfs/target.h belongs to the sources: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <swapfs/swapheader.h>

struct target {
	char *path;		/* resolved path (LABEL=/UUID= evaluated) */
	int fd;			/* -1 when closed */
	struct stat st;		/* fstat of fd */
	uint64_t size;		/* bytes: file length or device size */
	bool blockdev;		/* S_ISBLK, else a regular file */
};

/*
 * target_open - resolve @spec and open it.
 * @spec:  a path, LABEL=<label> or UUID=<uuid> (libblkid tag evaluation)
 * @flags: O_RDONLY or O_RDWR; O_RDWR opens a block device with O_EXCL so
 *         the kernel refuses it while it is swapped on or mounted
 *
 * Returns 0, -ENOENT when a tag matches no device, -ESTALE when the device
 * blkid names for it no longer carries that label or UUID (blkid's probe
 * of it says so), -EINVAL when @spec is neither a regular file nor a block
 * device (found without blocking: a FIFO does not hang), or -errno from
 * open/fstat.
 * @t->path is set as soon as the tag is resolved, even on error.
 */
int target_open(struct target *t, const char *spec, int flags);

/* target_close - close and free; safe on a never-opened, zeroed target. */
void target_close(struct target *t);

/*
 * target_read_header - read up to SWAPHEADER_PAGE_MAX bytes from offset 0 and
 * decode them (O(1) pages whatever the area's size), judged for @kernel
 * running with this machine's page size.
 * @kernel: the release to judge for (swapheader_env.kernel; 0: newest)
 * @buf: if not NULL, receives the bytes read (malloc'ed, caller frees)
 * @len: if not NULL, receives how many bytes were read
 * Returns 0 or -errno.
 */
int target_read_header(struct target *t, uint32_t kernel,
		       struct swapheader_info *hi, uint8_t **buf, size_t *len);

/*
 * target_read_header_for - target_read_header() judged for a kernel with
 * pages of @page_size bytes (0: this machine's).
 */
int target_read_header_for(struct target *t, uint32_t kernel, unsigned int page_size,
			   struct swapheader_info *hi, uint8_t **buf, size_t *len);

/*
 * target_same_object - true when @a and @b are the same file (device and
 * inode) or the same block device (rdev).
 */
bool target_same_object(const struct stat *a, const struct stat *b);

#endif /* SWAPFS_TARGET_H */
