/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * blkprobe.h - what libblkid says a swap area is: its own low-level probe,
 * made as `blkid -p` makes it, so that swapfs reports blkid's answer
 * (TYPE, VERSION, UUID, LABEL, USAGE, PART_ENTRY_*, ... whatever this
 * libblkid gives) instead of a copy of its rules.
 *
 * The probe is the one blkid(8) runs for -p: the superblocks chain asking
 * for LABEL, UUID, TYPE, SEC_TYPE, USAGE and VERSION, and the partitions
 * chain with partition-entry details; a small whole disk (up to 1440 KiB)
 * is probed for a partition table first; then blkid_do_safeprobe(). A
 * result blkid calls ambivalent (two signatures) has no values, as blkid
 * prints none.
 *
 * Its values are blkid's bytes: a label may hold any byte but NUL.
 * blkprobe_export_escape() prints one as `blkid -o export` does.
 */
#ifndef SWAPFS_BLKPROBE_H
#define SWAPFS_BLKPROBE_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SOURCES)
#error "swapfs/blkprobe.h belongs to the sources: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

/* One NAME=value the probe set, in the order libblkid set them. */
struct blkprobe_value {
	char *name;
	char *data;		/* NUL-terminated; its bytes up to the first NUL */
};

struct blkprobe {
	struct blkprobe_value *v;
	size_t n;
	bool ambivalent;	/* more than one signature: blkid says so, prints none */
};

/*
 * blkprobe_fd - probe the area open on @fd (from offset 0, its whole size)
 * into @p. Finding nothing is not an error (@p->n is 0).
 * Returns 0, -ENOMEM, or -EIO when libblkid cannot read the area.
 */
int blkprobe_fd(int fd, struct blkprobe *p);

/* blkprobe_get - the value of @name, or NULL when blkid set none. */
const char *blkprobe_get(const struct blkprobe *p, const char *name);

/* blkprobe_free - release what blkprobe_fd() allocated; @p reads as empty. */
void blkprobe_free(struct blkprobe *p);

/*
 * blkprobe_export_escape - @s as blkid(8) prints a value for -o export: a
 * byte with the high bit set as "M-" and the byte without it, then a
 * control byte as '^' and the byte XOR 0x40 (^A, ^? for DEL), else one of
 * the characters  \"'$`<> and the blank behind a backslash. @buf holds at
 * least 4 * strlen(@s) + 1 bytes. Returns @buf.
 */
char *blkprobe_export_escape(const char *s, char *buf);

#endif /* SWAPFS_BLKPROBE_H */
