/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs.h - the swapfs FUSE tree: what the core (fs.c: the low-level
 * operations, the lock, the session) and the files that serve one
 * directory each (root.c, device.c, header.c, stats.c, clusters.c,
 * orders.c, lists.c, cache.c, findings.c, procs.c) share.
 *
 * Inode numbers are computed, never allocated: the top 8 bits say what
 * kind of node it is, the low 56 bits which one:
 *
 *	ino = kind << FS_KIND_SHIFT | index
 *
 *	kind			index			node
 *	ROOT			1 (FUSE_ROOT_ID)	/
 *	ROOT_FILE		enum root_file		README, source, edits
 *	DEVICE_DIR		0			device/
 *	DEVICE_KEY		position in s->info	device/<key>
 *	HEADER_DIR		0			header/
 *	HEADER_FIELD		enum header_field	header/<field>
 *	STATS_DIR		0			stats/
 *	STATS_FILE		position in stats.c	stats/<name>, stats/orders
 *	CLUSTERS_DIR		0			clusters/
 *	CLUSTER			i			clusters/<i>/
 *	CLUSTER_FILE		i << 4 | file		clusters/<i>/<file>
 *	CLUSTER_SLOTS		i			clusters/<i>/slots/
 *	SLOT			offset			clusters/<i>/slots/<offset>
 *	ORDERS_DIR		0			orders/
 *	ORDER			k			orders/<k>/
 *	ORDER_FILE		k << 4 | file		orders/<k>/<file>
 *	ORDER_CLUSTERS		k			orders/<k>/clusters/
 *	ORDER_LINK		k << 32 | i		orders/<k>/clusters/<i>
 *	LISTS_DIR		0			lists/
 *	LIST_GROUP		flag			lists/nonfull/, lists/frag/
 *	LIST			flag << 8 | (k + 1)	lists/<flag>/ (k + 1 = 0),
 *							lists/<flag>/<k>/
 *	LIST_LINK		list << 32 | i		a list's entry for cluster i
 *	CACHE_DIR		0			cache/
 *	FOLIO			folio index in s->folios cache/<offset>/
 *	FOLIO_FILE		folio index << 4 | file	cache/<offset>/<file>
 *	FINDINGS_DIR		0			findings/
 *	FINDINGS_FILE		check, NR_CHECKS = all	findings/<check>, all
 *	PROCS_DIR		0			procs/
 *	PROC			index in s->procs	procs/<pid>/
 *	PROC_FILE		index << 4 | file	procs/<pid>/comm, refs
 *
 * So nothing is allocated per node and forget() has nothing to do; a
 * node's existence is checked again on every lookup and getattr (an edit
 * can take a cluster off a list), and a number that names nothing is
 * ENOENT.
 *
 * Locking: fs.c takes fs->lock for reading around every operation and for
 * writing around edits; the fs_ops below run under it and take no lock of
 * their own (findings.c's size cache has its own mutex, taken inside).
 */
#ifndef SWAPFS_FUSE_FS_H
#define SWAPFS_FUSE_FS_H

#define FUSE_USE_VERSION 312

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include <swapfs/analysis.h>
#include <swapfs/swapheader.h>
#include <swapfs/snapedit.h>
#include <swapfs/snapshot.h>

enum fs_kind {
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
	FS_NR_KINDS,
};

#define FS_KIND_SHIFT	56
#define FS_INDEX_MASK	((UINT64_C(1) << FS_KIND_SHIFT) - 1)
/* Sub-files of a cluster, an order, a folio: index << 4 | file. */
#define FS_FILE_BITS	4

/* fs_ino - the inode number of node @index of @kind. */
static inline fuse_ino_t fs_ino(enum fs_kind kind, uint64_t index)
{
	return ((fuse_ino_t)kind << FS_KIND_SHIFT) | (index & FS_INDEX_MASK);
}

/* fs_ino_sub - the inode of sub-file @file of node @index (cluster, order, folio). */
static inline fuse_ino_t fs_ino_sub(enum fs_kind kind, uint64_t index,
				    unsigned int file)
{
	return fs_ino(kind, index << FS_FILE_BITS | file);
}

static inline unsigned int fs_ino_kind(fuse_ino_t ino)
{
	return (unsigned int)(ino >> FS_KIND_SHIFT);
}

static inline uint64_t fs_ino_index(fuse_ino_t ino)
{
	return ino & FS_INDEX_MASK;
}

/*
 * A growing buffer for file contents and symlink targets. Appends never
 * fail visibly: the first allocation failure sets err (-ENOMEM), later
 * appends are dropped, and whoever returns the content returns err.
 * Small contents (nearly all) stay in the inline space, so measuring a
 * file for getattr allocates nothing.
 */
#define FS_BUF_INLINE	2048
struct fs_buf {
	char *data;
	size_t len, cap;
	int err;
	char space[FS_BUF_INLINE];
};

/* fs_buf_init - an empty buffer using its inline space. */
void fs_buf_init(struct fs_buf *b);

/* fs_buf_free - release what the buffer allocated; it is empty again. */
void fs_buf_free(struct fs_buf *b);

/* fs_buf_add - append @n bytes. */
void fs_buf_add(struct fs_buf *b, const void *p, size_t n);

/* fs_buf_printf - append formatted text. */
void fs_buf_printf(struct fs_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * fs_buf_room - @n writable bytes at the end (commit them by adding to
 * len), or NULL with err set.
 */
char *fs_buf_room(struct fs_buf *b, size_t n);

/* What a node is. */
enum fs_type {
	FS_DIR,
	FS_FILE,
	FS_LINK,
};

struct fs_node {
	enum fs_type type;
	bool writable;		/* 0644 on read-write mounts (else 0444) */
	bool sized;		/* size is set; otherwise fs.c measures the content */
	uint64_t size;
};

/* One directory entry; name points at buf or at a string that outlives the call. */
struct fs_dirent {
	const char *name;
	fuse_ino_t ino;
	char buf[24];
};

struct fs;

/*
 * The operations of one kind of node. Every callback gets the node's index
 * (fs_ino_index()) and runs under fs->lock: read-held, except write().
 * Return 0 or -errno (-ENOENT: no such node, or no such entry).
 */
struct fs_ops {
	/* Whether the node exists, and what it is. Required. */
	int (*stat)(struct fs *fs, uint64_t index, struct fs_node *node);

	/* Directories: the parent's inode (for ".."). */
	fuse_ino_t (*parent)(struct fs *fs, uint64_t index);
	/* Directories: the child called @name (fs.c checks it exists). */
	int (*lookup)(struct fs *fs, uint64_t index, const char *name,
		      fuse_ino_t *ino);
	/*
	 * Directories: the first entry at a position >= *@pos, and its
	 * position in *@pos; -ENOENT past the last. Positions need not be
	 * dense (a list's position is the cluster index), only increasing,
	 * which is what lets fs.c serve a listing by offset.
	 */
	int (*entry)(struct fs *fs, uint64_t index, uint64_t *pos,
		     struct fs_dirent *ent);

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

	/*
	 * Nodes of this kind come by the hundred in a directory (slots: a
	 * million on a 4 GiB device). READDIRPLUS lists them without
	 * attributes, so a find(1), which needs only names and types, does
	 * not make the kernel build an inode for each; a stat looks them up.
	 */
	bool many;
};

/* The daemon's state: the model, how it is mounted. */
struct fs {
	/* Set before the session starts, then only read. */
	const char *src;		/* SRC as the user gave it */
	const char *save_path;		/* rw: the snapshot file edits go to */
	const char *header_path;	/* --header, absolute; NULL without */
	bool rw;			/* -o rw */
	bool foreground;
	double timeout;			/* entry and attribute timeouts */
	uid_t uid;
	gid_t gid;
	struct timespec time;		/* every node's times: the mount's */
	bool no_open, no_opendir;	/* read-only: zero-message opens (fs.c) */

	pthread_rwlock_t lock;		/* the model: read by requests, written by edits */
	struct snapshot *snap;
	struct analysis *an;		/* ANALYSIS_ALL_CHECKS, kept current by snapedit */
	struct snapedit *edit;		/* rw mounts; NULL when edits are unavailable */
	struct swapheader_info hdr;		/* with --header: as last read */
	struct stat hdr_st;		/* the area then: device and inode */
	uint8_t *hdr_bytes;		/* and its first bytes (hdr_len) */
	size_t hdr_len;
	uint64_t version;		/* bumped by every accepted edit */

	pthread_mutex_t findings_lock;	/* findings.c's cache */
	struct findings_index *findings;

	/*
	 * Open files (fs.c): after a lazy unmount the kernel may never send
	 * their RELEASE, so what is left is freed at the end.
	 */
	pthread_mutex_t files_lock;
	struct fs_file *files;
};

/* fs_init - an empty state (locks initialised). Returns 0 or -errno. */
int fs_init(struct fs *fs);

/* fs_destroy - free the model, the analysis, the edits, the caches. */
void fs_destroy(struct fs *fs);

/* How to mount: the session's options. */
struct fs_config {
	const char *mountpoint;
	const char *fsname;		/* shown in /proc/mounts */
	bool allow_other, allow_root;
	bool debug;			/* print every request (implies foreground) */
	bool clone_fd;
	unsigned int max_threads;	/* 0: libfuse's default */
};

/*
 * fs_main - mount @fs at cfg->mountpoint, daemonize unless
 * fs->foreground, serve until unmounted (fusermount3 -u, umount, SIGINT,
 * SIGTERM, SIGHUP), then save unsaved edits. Returns 0; -EIO when the
 * mount failed (libfuse said why on stderr); the save's -errno when the
 * last save failed (logged).
 */
int fs_main(struct fs *fs, const struct fs_config *cfg);

/*
 * fs_save - save unsaved edits (snapedit_save()), taking the write lock.
 * Logs a failure. Returns 0 or -errno.
 */
int fs_save(struct fs *fs);

/*
 * fs_parse_index - @name as a canonical decimal number below @limit (no
 * sign, no leading zero, no blanks), as directory entries are named.
 * Returns 0 or -ENOENT.
 */
int fs_parse_index(const char *name, uint64_t limit, uint64_t *out);

/*
 * fs_value - @buf/@len as written to a file, as a C string: one trailing
 * newline dropped. -EINVAL for an embedded NUL or a value longer than
 * @size - 1 bytes.
 */
int fs_value(const char *buf, size_t len, char *out, size_t size);

/* The kinds each directory file serves. */
extern const struct fs_ops root_dir_ops, root_file_ops;
extern const struct fs_ops device_dir_ops, device_key_ops;
extern const struct fs_ops header_dir_ops, header_field_ops;
extern const struct fs_ops stats_dir_ops, stats_file_ops;
extern const struct fs_ops clusters_dir_ops, clusters_cluster_ops,
	clusters_file_ops, clusters_slots_ops, clusters_slot_ops;
extern const struct fs_ops orders_dir_ops, orders_order_ops,
	orders_file_ops, orders_clusters_ops, orders_link_ops;
extern const struct fs_ops lists_dir_ops, lists_group_ops, lists_list_ops,
	lists_link_ops;
extern const struct fs_ops cache_dir_ops, cache_folio_ops, cache_file_ops;
extern const struct fs_ops findings_dir_ops, findings_file_ops;
extern const struct fs_ops procs_dir_ops, procs_proc_ops, procs_file_ops;

/*
 * procs_slot_owners - " owners=PID:0xVADDR,..." for a slot that processes
 * map (a capture), nothing otherwise (procs.c).
 */
void procs_slot_owners(const struct snapshot *s, uint32_t slot, struct fs_buf *b);

/*
 * header_dir_read - (re)read the --header target's header into fs->hdr
 * (header.c). Returns 0 or -errno (target_open()'s and
 * target_read_header()'s).
 */
int header_dir_read(struct fs *fs);

/*
 * cache_folio_flags - a folio's flags as a dump's cache file writes them,
 * known names in bit order then the others: "locked,uptodate" (cache.c;
 * nothing for none).
 */
void cache_folio_flags(const struct snapshot *s, const struct snapshot_folio *f,
		       struct fs_buf *b);

/*
 * findings_add_line - an analysis_finding_fn appending the finding's line
 * and a newline to the struct fs_buf @arg (findings.c).
 */
int findings_add_line(const struct analysis_finding *f, void *arg);

/*
 * findings_analyse - the analysis of fs->snap into fs->an, measuring the
 * findings files on the way (findings.c). Returns 0 or -errno.
 */
int findings_analyse(struct fs *fs);

/* findings_index_free - free findings.c's cache (fs_destroy()). */
void findings_index_free(struct findings_index *idx);

#endif /* SWAPFS_FUSE_FS_H */
