/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs-kind.h - the kinds of node in the mount's tree, as data: where a kind
 * stands (its directory, and how its index follows from the directory's),
 * how many there are, what a directory lists (names from a table, or
 * numbers); plus hooks for what is particular to one kind. Each directory
 * file (root.c, device.c, ... procs.c) defines the kinds it serves
 * (dirs.h); fs-node.c keeps them in one table and does what is common:
 * whether a node exists, a directory's parent, lookup and listing.
 *
 * Inode numbers are computed, never allocated: the top 8 bits say what
 * kind of node it is, the low 56 bits which one (its index):
 *
 *	ino = kind << FS_KIND_SHIFT | index
 *
 *	kind		rule	index			node
 *	ROOT		ONE	1 (FUSE_ROOT_ID)	/
 *	ROOT_FILE	OWN	enum root_file		README, source, edits
 *	DEVICE_DIR	ONE	0			device/
 *	DEVICE_KEY	OWN	position in s->info	device/<key>
 *	HEADER_DIR	ONE	0			header/
 *	HEADER_FIELD	OWN	enum header_field	header/<field>
 *	STATS_DIR	ONE	0			stats/
 *	STATS_FILE	OWN	position in stats.c	stats/<name>, stats/orders
 *	CLUSTERS_DIR	ONE	0			clusters/
 *	CLUSTER		OWN	i			clusters/<i>/
 *	CLUSTER_FILE	SUB	i << 4 | file		clusters/<i>/<file>
 *	CLUSTER_SLOTS	DIR	i			clusters/<i>/slots/
 *	SLOT		OWN	offset			clusters/<i>/slots/<offset>
 *	ORDERS_DIR	ONE	0			orders/
 *	ORDER		OWN	k			orders/<k>/
 *	ORDER_FILE	SUB	k << 4 | file		orders/<k>/<file>
 *	ORDER_CLUSTERS	DIR	k			orders/<k>/clusters/
 *	ORDER_LINK	PAIR	k << 32 | i		orders/<k>/clusters/<i>
 *	LISTS_DIR	ONE	0			lists/
 *	LIST_GROUP	OWN	flag			lists/nonfull/, lists/frag/
 *	LIST		OWN	flag << 8 | (k + 1)	lists/<flag>/ (k + 1 = 0),
 *							lists/<flag>/<k>/
 *	LIST_LINK	PAIR	list << 32 | i		a list's entry for cluster i
 *	CACHE_DIR	ONE	0			cache/
 *	FOLIO		OWN	folio index in s->folios cache/<offset>/
 *	FOLIO_FILE	SUB	folio index << 4 | file	cache/<offset>/<file>
 *	FINDINGS_DIR	ONE	0			findings/
 *	FINDINGS_FILE	OWN	check, NR_CHECKS = all	findings/<check>, all
 *	PROCS_DIR	ONE	0			procs/
 *	PROC		OWN	index in s->procs	procs/<pid>/
 *	PROC_FILE	SUB	index << 4 | file	procs/<pid>/comm, refs
 *	SERIES_DIR	ONE	0			series/
 *	SERIES_SNAP	OWN	position in the ids	series/<id>/
 *	SERIES_FILE	SUB	position << 4 | file	series/<id>/diff, diff.json
 *	AREAS_DIR	ONE	0			areas/ (several areas)
 *
 * With several areas, areas/<n>/ is a whole tree of area n: its nodes are
 * those above with n + 1 in bits 50..55 of the index (FS_AREA_SHIFT; no
 * index above reaches bit 50), so areas/<n>/ itself is the root's inode
 * with that tag. fs-node.c strips the tag before a kind sees the index,
 * hands the kind the area's state (fs_area()), and tags what it returns.
 *
 * So nothing is allocated per node and forget() has nothing to do; a
 * node's existence is checked again on every lookup and getattr (an edit
 * can take a cluster off a list), and a number that names nothing is
 * ENOENT.
 */
#ifndef SWAPFS_FUSE_FS_KIND_H
#define SWAPFS_FUSE_FS_KIND_H

#define FUSE_USE_VERSION 312

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs-buf.h"
#include "fs-state.h"

enum fs_kind_id {
	FS_KIND_ROOT = 0,
	FS_KIND_ROOT_FILE,
	FS_KIND_DEVICE_DIR,
	FS_KIND_DEVICE_KEY,
	FS_KIND_HEADER_DIR,
	FS_KIND_HEADER_FIELD,
	FS_KIND_STATS_DIR,
	FS_KIND_STATS_FILE,
	FS_KIND_CLUSTERS_DIR,
	FS_KIND_CLUSTER,
	FS_KIND_CLUSTER_FILE,
	FS_KIND_CLUSTER_SLOTS,
	FS_KIND_SLOT,
	FS_KIND_ORDERS_DIR,
	FS_KIND_ORDER,
	FS_KIND_ORDER_FILE,
	FS_KIND_ORDER_CLUSTERS,
	FS_KIND_ORDER_LINK,
	FS_KIND_LISTS_DIR,
	FS_KIND_LIST_GROUP,
	FS_KIND_LIST,
	FS_KIND_LIST_LINK,
	FS_KIND_CACHE_DIR,
	FS_KIND_FOLIO,
	FS_KIND_FOLIO_FILE,
	FS_KIND_FINDINGS_DIR,
	FS_KIND_FINDINGS_FILE,
	FS_KIND_PROCS_DIR,
	FS_KIND_PROC,
	FS_KIND_PROC_FILE,
	FS_KIND_SERIES_DIR,
	FS_KIND_SERIES_SNAP,
	FS_KIND_SERIES_FILE,
	FS_KIND_AREAS_DIR,
	FS_NR_KINDS,
};

#define FS_KIND_SHIFT	56
#define FS_INDEX_MASK	((UINT64_C(1) << FS_KIND_SHIFT) - 1)
/* The files of a cluster, an order, a folio, a process: index << 4 | file. */
#define FS_FILE_BITS	4
/* The links of a per-order or per-list directory: index << 32 | cluster. */
#define FS_PAIR_BITS	32

/* fs_ino - the inode number of node @index of @kind. */
static inline fuse_ino_t fs_ino(enum fs_kind_id kind, uint64_t index)
{
	return ((fuse_ino_t)kind << FS_KIND_SHIFT) | (index & FS_INDEX_MASK);
}

static inline unsigned int fs_ino_kind(fuse_ino_t ino)
{
	return (unsigned int)(ino >> FS_KIND_SHIFT);
}

/* The area tag of an inode: 0 in the root's tree, n + 1 in areas/<n>/. */
#define FS_AREA_SHIFT	50
#define FS_AREA_MASK	(UINT64_C(63) << FS_AREA_SHIFT)

static inline uint64_t fs_ino_index(fuse_ino_t ino)
{
	return ino & FS_INDEX_MASK & ~FS_AREA_MASK;
}

static inline unsigned int fs_ino_area(fuse_ino_t ino)
{
	return (unsigned int)((ino & FS_AREA_MASK) >> FS_AREA_SHIFT);
}

/* fs_area - the state that serves @ino's tree; NULL for no such area. */
static inline struct fs *fs_area(struct fs *fs, fuse_ino_t ino)
{
	unsigned int tag = fs_ino_area(ino);

	if (!tag)
		return fs;
	return tag <= fs->nr_areas ? fs->areas[tag - 1] : NULL;
}

/* fs_index_one - the index of the one directory of @kind (/, clusters/, ...). */
static inline uint64_t fs_index_one(enum fs_kind_id kind)
{
	return kind == FS_KIND_ROOT ? FUSE_ROOT_ID : 0;
}

static inline fuse_ino_t fs_ino_one(enum fs_kind_id kind)
{
	return fs_ino(kind, fs_index_one(kind));
}

/* The directory's number and the file's in a FS_INDEX_SUB index. */
static inline uint64_t fs_sub_dir(uint64_t index)
{
	return index >> FS_FILE_BITS;
}

static inline unsigned int fs_sub_file(uint64_t index)
{
	return (unsigned int)(index & ((1u << FS_FILE_BITS) - 1));
}

/* The directory's number and the entry's in a FS_INDEX_PAIR index. */
static inline uint64_t fs_pair_dir(uint64_t index)
{
	return index >> FS_PAIR_BITS;
}

static inline uint64_t fs_pair_n(uint64_t index)
{
	return index & UINT32_MAX;
}

/* What a node is. */
enum fs_type {
	FS_DIR,
	FS_FILE,
	FS_LINK,
};

struct fs_node {
	enum fs_type type;
	bool writable;		/* 0644 on read-write mounts (else 0444) */
	bool sized;		/* size is set; otherwise it is measured from the content */
	uint64_t size;
};

/* One directory entry; name points at buf or at a string that outlives the call. */
struct fs_dirent {
	const char *name;
	fuse_ino_t ino;
	char buf[24];
};

/*
 * How a node's index follows from its directory's and from n, its number
 * in the directory (the position in a table of names, or the number that
 * names it); and so which of its numbers a count bounds.
 */
enum fs_index_rule {
	FS_INDEX_ONE,	/* the one node of its kind: 0 (/: FUSE_ROOT_ID) */
	FS_INDEX_OWN,	/* n: a cluster, a slot, a folio; index < count. A
			 * directory is in the one directory of kind dir,
			 * unless parent() says otherwise */
	FS_INDEX_DIR,	/* the directory's: one per directory; index < count */
	FS_INDEX_SUB,	/* directory << FS_FILE_BITS | n: the directory's
			 * number < count, n < nr */
	FS_INDEX_PAIR,	/* directory << FS_PAIR_BITS | n: n < count */
};

/* How many: a number the model gives, or a fixed one. */
enum fs_count {
	FS_COUNT_FIXED,		/* nr */
	FS_COUNT_ANY,		/* no bound: stat() decides */
	FS_COUNT_INFO,		/* the device's info keys */
	FS_COUNT_SLOTS,		/* si->max */
	FS_COUNT_CLUSTERS,
	FS_COUNT_ORDERS,
	FS_COUNT_FOLIOS,
	FS_COUNT_PROCS,
	FS_COUNT_SERIES,	/* the snapshots of a time series (series.c) */
};

/* An entry of a directory whose names come from a table. */
struct fs_name {
	const char *name;
	enum fs_kind_id kind;
	uint64_t n;		/* the entry's number (see enum fs_index_rule) */
};

#define FS_NAMES(table)	.names = (table), .nr_names = sizeof(table) / sizeof((table)[0])

/*
 * One kind of node. The data say what is common; a hook, where set, does
 * what is particular. Hooks get the node's index (fs_ino_index()) and run
 * under fs->lock: read-held, except write(). They return 0 or -errno
 * (-ENOENT: no such node, or no such entry).
 *
 * A directory's entries are numbered n from first to end: the positions
 * of its table of names; or, without one, the numbers below its child
 * kind's count, named in decimal unless name() names them. An entry's
 * position in a listing is n - first; the entries has() leaves out are
 * skipped, so positions need not be dense (a list's is the cluster
 * index), only increasing, which is what lets a listing be served by
 * offset.
 */
struct fs_kind {
	enum fs_type type;
	enum fs_kind_id dir;		/* the kind of directory it is in */
	enum fs_index_rule rule;
	enum fs_count count;
	unsigned int nr;		/* FS_COUNT_FIXED's count; FS_INDEX_SUB's files */

	/* Directories: named entries, or numbered ones of kind child. */
	const struct fs_name *names;
	size_t nr_names;
	enum fs_kind_id child;

	/*
	 * Nodes of this kind come by the hundred in a directory (slots: a
	 * million on a 4 GiB device). READDIRPLUS lists them without
	 * attributes, so a find(1), which needs only names and types, does
	 * not make the kernel build an inode for each; a stat looks them up.
	 */
	bool many;

	/*
	 * Whether a node the data allow exists, and what it is beyond its
	 * type (writable, a size known without generating the content).
	 */
	int (*stat)(struct fs *fs, uint64_t index, struct fs_node *node);

	/* Directories: the parent's inode (for ".."), when not the rule's. */
	fuse_ino_t (*parent)(struct fs *fs, uint64_t index);
	/* Directories: the numbers listed, when not [0, N). */
	void (*range)(struct fs *fs, uint64_t index, uint64_t *first, uint64_t *end);
	/* Directories: whether entry @n is there, when not all are. */
	bool (*has)(struct fs *fs, uint64_t index, uint64_t n);
	/* Directories: the name of entry @n, when not decimal n. */
	void (*name)(struct fs *fs, uint64_t index, uint64_t n, struct fs_dirent *ent);
	/* Directories: the number of the entry called @name, when not a scan. */
	int (*lookup)(struct fs *fs, uint64_t index, const char *name, uint64_t *n);
	/* Directories: the index of entry @n, when not the child rule's. */
	uint64_t (*child_index)(uint64_t index, uint64_t n);

	/* Files: the whole content; symlinks: the target. */
	int (*content)(struct fs *fs, uint64_t index, struct fs_buf *b);
	/*
	 * Files whose content is O(device) (findings): on read-only mounts
	 * they are read in place, @size bytes from @off, instead of being
	 * generated whole. *@cursor starts NULL and is freed with
	 * release_cursor(); it lives as long as the open file, or as the
	 * read when the kernel opens without asking (fs_op_init()). stat()
	 * must then give the size.
	 */
	int (*read)(struct fs *fs, uint64_t index, void **cursor, uint64_t off,
		    size_t size, struct fs_buf *b);
	void (*release_cursor)(void *cursor);
	/*
	 * Writable files, read-write mounts: apply the value @buf (@len
	 * bytes, as written; a trailing newline is the callee's to accept).
	 * Runs with fs->lock held for writing. -EINVAL, -EBUSY, -ENOSYS:
	 * refused, nothing changed.
	 */
	int (*write)(struct fs *fs, uint64_t index, const char *buf, size_t len);
};

#endif /* SWAPFS_FUSE_FS_KIND_H */
