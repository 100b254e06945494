/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * swapheader.h - the on-disk swap header: decode it and judge it as swapon would.
 *
 * The header is page 0 of a swap area, one *kernel* page long, laid out as
 * `union swap_header` in include/linux/swap.h (unchanged since 2.6):
 *
 *   offset          size   field          meaning
 *   0               1024   bootbits       disk label / boot loader, never read
 *   1024            4      version        1 (v1 header)
 *   1028            4      last_page      index of the last usable page
 *   1032            4      nr_badpages    entries in badpages[]
 *   1036            16     sws_uuid       UUID, raw bytes
 *   1052            16     sws_volume     label, NUL-padded, NOT always
 *                                         NUL-terminated (16 bytes is legal)
 *   1068            468    padding[117]   zero; blkid trusts UUID and label
 *                                         only if padding[32] (1196) and
 *                                         padding[33] (1200) are zero
 *   1536            4 * n  badpages[n]    pages the kernel must never use
 *   page_size - 10  10     magic          "SWAPSPACE2" (v1), "SWAP-SPACE"
 *                                         (v0, 1998, refused since 2.5.22),
 *                                         or a hibernation signature
 *
 * Integers are in the byte order of the machine that wrote them; the kernel
 * accepts the other order too, recognised by swab32(version) == 1, and swaps
 * only its in-memory copy. The page size is not stored anywhere: it is found
 * by where the magic sits, so a header is probed at every power of two from
 * 4 KiB to 256 KiB (libblkid stops at 64 KiB). n is bounded by
 * MAX_SWAP_BADPAGES = (page_size - 10 - 1536) / 4: 637 for 4 KiB pages.
 *
 * A hibernation image overwrites the magic (S1SUSPEND, S2SUSPEND, ULSUSPEND,
 * LINHIB0001 at page_size - 10) or puts the TuxOnIce magic at offset 0
 * (keeping a valid v1 header at the page end); the v1 fields stay readable.
 *
 * Worked example, mkswap -L demo -U 9f3c...: a 10 MiB file, 4 KiB pages:
 *   0x400: 01 00 00 00  ff 09 00 00  00 00 00 00  9f 3c ...   version 1,
 *          last_page 2559 (0x9ff), no bad pages, UUID bytes follow
 *   0x41c: 64 65 6d 6f 00 ...                                 "demo"
 *   0xff6: 53 57 41 50 53 50 41 43 45 32                      "SWAPSPACE2"
 */
#ifndef SWAPFS_SWAPHEADER_H
#define SWAPFS_SWAPHEADER_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SOURCES)
#error "swapfs/swapheader.h belongs to the sources: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWAPHEADER_OFF_VERSION	1024
#define SWAPHEADER_OFF_LAST_PAGE	1028
#define SWAPHEADER_OFF_NR_BADPAGES	1032
#define SWAPHEADER_OFF_UUID		1036
#define SWAPHEADER_OFF_LABEL	1052
#define SWAPHEADER_OFF_PADDING32	1196
#define SWAPHEADER_OFF_PADDING33	1200
#define SWAPHEADER_OFF_BADPAGES	1536
#define SWAPHEADER_MAGIC_LEN	10

#define SWAPHEADER_UUID_LEN		16
#define SWAPHEADER_LABEL_LEN	16
/* UUID and label are adjacent: one 32-byte write edits both. */
#define SWAPHEADER_IDS_LEN		(SWAPHEADER_UUID_LEN + SWAPHEADER_LABEL_LEN)

#define SWAPHEADER_PAGE_MIN		4096u
#define SWAPHEADER_PAGE_MAX		262144u

/* MAX_SWAP_BADPAGES for a page size (include/linux/swap.h). */
#define SWAPHEADER_MAX_BADPAGES(ps) \
	(((ps) - SWAPHEADER_MAGIC_LEN - SWAPHEADER_OFF_BADPAGES) / 4)

/* Which signature the probe found; order is libblkid's reporting order. */
enum swapheader_sig {
	SWAPHEADER_SIG_NONE = 0,
	SWAPHEADER_SIG_SWAP_V1,	/* "SWAPSPACE2" */
	SWAPHEADER_SIG_SWAP_V0,	/* "SWAP-SPACE" */
	SWAPHEADER_SIG_S1SUSPEND,	/* in-kernel hibernation (HIBERNATE_SIG) */
	SWAPHEADER_SIG_S2SUSPEND,	/* swsusp2 / suspend2 */
	SWAPHEADER_SIG_ULSUSPEND,	/* userspace uswsusp */
	SWAPHEADER_SIG_LINHIB0001,	/* HIBERNATE_SIG of some 2.6.3x kernels */
	SWAPHEADER_SIG_TUXONICE,	/* TuxOnIce magic at offset 0 */
};

/* Byte order the header fields were written in. */
enum swapheader_order {
	SWAPHEADER_ORDER_LITTLE,
	SWAPHEADER_ORDER_BIG,
};

/*
 * Why swapon(2) would refuse the area, in the kernel's order of checks
 * (read_swap_header, then swap_activate, then setup_swap_clusters_info).
 * The numeric values are not stable; swapheader_err_code() names are.
 */
enum swapheader_err {
	SWAPHEADER_OK = 0,
	SWAPHEADER_ERR_NO_SIGNATURE,	/* no "SWAPSPACE2" at page_size - 10 */
	SWAPHEADER_ERR_TOO_MANY_BADPAGES,	/* nr_badpages > MAX_SWAP_BADPAGES */
	SWAPHEADER_ERR_BAD_VERSION,		/* version != 1 */
	SWAPHEADER_ERR_EMPTY,		/* last_page == 0 */
	SWAPHEADER_ERR_TOO_SHORT,		/* last_page + 1 > size / page_size */
	SWAPHEADER_ERR_BADPAGES_ON_FILE,	/* bad pages listed in a regular file */
	SWAPHEADER_ERR_HOLES,		/* a swap file with holes */
	SWAPHEADER_ERR_BADPAGE_RANGE,	/* bad page 0 or beyond last_page */
	SWAPHEADER_ERR_NO_GOOD_PAGES,	/* every page but the header is bad */
	SWAPHEADER_ERR_BADPAGE_DUP,		/* a bad page listed twice */
	SWAPHEADER_ERR_COUNT,
};

/*
 * What the decoder needs to know about where the header came from, and
 * the kernel it judges for. A kernel reads one page of its own size and
 * looks for the magic at its end only, so a header made for 16 KiB pages
 * has no signature for a 4 KiB kernel (swapon: "Unable to find swap-space
 * signature"): the verdict is always for a page size.
 */
struct swapheader_env {
	uint64_t size;		/* i_size: file length or block device size */
	bool regular;		/* regular file: bad pages refused, holes checked */
	bool holes;		/* the file has holes in [0, size) */
	uint32_t kernel;	/* SWAPHEADER_KERNEL(x, y, z) judged for; 0: newest */
	unsigned int page_size;	/* the judged kernel's page size; 0: the header's own */
};

/* A kernel release as a comparable number, like KERNEL_VERSION(). */
#define SWAPHEADER_KERNEL(x, y, z)	(((x) << 16) + ((y) << 8) + (z))

/*
 * Duplicate bad pages: 6.18 accepts them (measured on 6.18.44); the swap
 * table's bad-slot setup (phase III, after 6.18) refuses the second one.
 */
#define SWAPHEADER_KERNEL_BADPAGE_DUP	SWAPHEADER_KERNEL(7, 0, 0)

/*
 * swapheader_parse_kernel - "6.18.44-foo", "7.0" or "newest" (0) to a number.
 * Returns 0 or -EINVAL.
 */
int swapheader_parse_kernel(const char *release, uint32_t *kernel);

/* swapheader_running_kernel - this machine's release as a number (0 if unknown). */
uint32_t swapheader_running_kernel(void);

/*
 * swapheader_kernel_page_size - the page size a kernel release names, as
 * the arm64 and ppc64 kernels of distributions do: a last part "16k" or
 * "64k" ("6.8.5-301.fc40.aarch64+16k", "6.12.12-arm64-16k",
 * "6.8.0-1009-nvidia-64k"), any power of two from 4k to 256k, any case.
 * Returns it in bytes, or 0 when the release names none.
 */
unsigned int swapheader_kernel_page_size(const char *release);

/* swapheader_page_size_ok - a page size a kernel can have: 4 KiB .. 256 KiB, a power of two. */
bool swapheader_page_size_ok(uint64_t page_size);

/* A decoded header, every field in host byte order. */
struct swapheader_info {
	enum swapheader_sig sig;
	unsigned int page_size;		/* 0 when no magic was found */
	enum swapheader_order order;
	bool foreign;			/* order differs from this machine's */
	bool v1_magic;			/* "SWAPSPACE2" at page_size - 10 */
	bool has_fields;		/* v1 fields present (not v0, not none) */
	uint32_t version;
	uint32_t last_page;
	uint32_t nr_badpages;		/* as stored, possibly huge */
	uint32_t *badpages;		/* first nr_badpages_read entries */
	uint32_t nr_badpages_read;	/* min(nr_badpages, MAX_SWAP_BADPAGES) of the
					 * larger of page_size and kernel_page_size */
	uint8_t uuid[SWAPHEADER_UUID_LEN];
	uint8_t label[SWAPHEADER_LABEL_LEN];
	bool ids_trusted;		/* padding[32] == padding[33] == 0 */
	uint64_t area_size;		/* (last_page + 1) * page_size */

	/* The kernel's verdict, for a kernel with pages of kernel_page_size. */
	unsigned int kernel_page_size;	/* swapheader_env.page_size, or page_size */
	enum swapheader_err err;
	int64_t err_arg;		/* the version, bad page, ... it names */
};

/*
 * swapheader_decode - probe and decode the first @len bytes of a swap area.
 * @buf: the area's first bytes; pass min(size, SWAPHEADER_PAGE_MAX) of them
 * @len: bytes in @buf
 * @env: size and kind of the area (for the kernel's size and file rules)
 * @hi:  filled in; release with swapheader_info_free()
 *
 * Pure: reads nothing but @buf, so it is safe on hostile input: every
 * count is bounded by the page size before it is used.
 *
 * Returns 0 (the verdict is in @hi->err, the signature in @hi->sig),
 * or -ENOMEM.
 */
int swapheader_decode(const void *buf, size_t len, const struct swapheader_env *env,
		  struct swapheader_info *hi);

/* swapheader_info_free - release what swapheader_decode() allocated. */
void swapheader_info_free(struct swapheader_info *hi);

/* Stable reason code of @err ("no-signature", ...; "" for SWAPHEADER_OK). */
const char *swapheader_err_code(enum swapheader_err err);

/*
 * swapheader_err_message - the kernel's words for the verdict in @hi.
 * @buf/@sz: where to format it. Rules the kernel fails silently (it only
 * returns EINVAL) are described, and say so. Returns @buf.
 */
char *swapheader_err_message(const struct swapheader_info *hi, char *buf, size_t sz);

/* libblkid's TYPE for @sig: "swap", "swsuspend", or NULL for none. */
const char *swapheader_sig_type(enum swapheader_sig sig);

/* libblkid's VERSION for @sig: "1", "0", "s1suspend", ...; NULL for none. */
const char *swapheader_sig_version(enum swapheader_sig sig);

/* A human name: "swap v1", "hibernation image (s1suspend)", ... */
const char *swapheader_sig_name(enum swapheader_sig sig);

/* "little" or "big". */
const char *swapheader_order_name(enum swapheader_order order);

/* true for every hibernation signature (S1SUSPEND ... TuxOnIce). */
bool swapheader_sig_is_hibernation(enum swapheader_sig sig);

/*
 * swapheader_label_escape - the label's exact bytes, printable.
 * Bytes up to the last non-NUL one; printable ASCII as is, a backslash as
 * "\\", anything else (NUL inside, control, 8-bit) as "\xNN".
 * @buf must hold at least 4 * SWAPHEADER_LABEL_LEN + 1 bytes. Returns @buf.
 */
char *swapheader_label_escape(const uint8_t label[SWAPHEADER_LABEL_LEN], char *buf);

/*
 * swapheader_has_uuid - true when the UUID is set: not all zero, and
 * padding[32..33] zero (blkid's rule). swapview's info view uses it; every
 * command that reports a UUID as blkid does asks blkid (blkprobe.h).
 */
bool swapheader_has_uuid(const struct swapheader_info *hi);

#endif /* SWAPFS_SWAPHEADER_H */
