/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-script.h - a parsed script (workload-script.c): its statements
 * in order, with each repeat linked to its end, and its tags interned.
 * The parser writes it, the checker walks it, the runner executes it.
 */
#ifndef SWAPFS_WORKLOAD_SCRIPT_H
#define SWAPFS_WORKLOAD_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wl_op {
	WL_OP_DEVICE,
	WL_OP_SWAPOUT,
	WL_OP_UNMAP,
	WL_OP_WRITEBACK,
	WL_OP_FREE,
	WL_OP_SWAPIN,
	WL_OP_FORK,
	WL_OP_SPLIT,
	WL_OP_ZSWAP,
	WL_OP_ZERO,
	WL_OP_DISCARD,
	WL_OP_CPU,
	WL_OP_REPEAT,
	WL_OP_END,
	WL_OP_SNAPSHOT,
	WL_OP_EXPECT,
};

enum wl_stage {
	WL_STAGE_WRITTEN = 0,
	WL_STAGE_CACHE,
	WL_STAGE_UNMAPPED,
};

/* What an expect statement compares: sim_inuse() or a counter. */
#define WL_EXPECT_INUSE		(-1)

struct wl_stmt {
	uint8_t op;		/* enum wl_op */
	uint8_t order;		/* swapout, swapin, split, expect */
	uint8_t stage;		/* swapout: enum wl_stage */
	bool has_order;		/* swapin ORDER given */
	bool has_range;		/* free FIRST NR given */
	bool on;		/* zswap, zero */
	uint32_t line;
	uint32_t tag;		/* index into wl_script.tags */
	int32_t cpu;		/* swapout/swapin cpu=, cpu N; -1: none / rr */
	int32_t counter;	/* expect: enum sim_counter or WL_EXPECT_INUSE */
	uint32_t count;		/* swapout COUNT, repeat N */
	uint32_t mapcount;	/* swapout */
	uint32_t first, nr;	/* free */
	uint32_t jump;		/* repeat: its end; end: its repeat */
	uint64_t value;		/* expect N, device SIZE */
	char *note;		/* snapshot */
};

struct wl_script {
	struct wl_stmt *stmts;
	size_t nr, alloc;
	char **tags;
	uint32_t nr_tags, alloc_tags;
	uint32_t *hash;		/* tag index + 1; 0 empty */
	uint32_t hash_size;	/* power of two, > 2 * nr_tags */
	uint64_t total;		/* statements a run executes, saturated */
};

/* wl_script_new - an empty script, or NULL without memory. */
struct wl_script *wl_script_new(void);

/* wl_script_free - @sc, its statements' notes and its tags; NULL is fine. */
void wl_script_free(struct wl_script *sc);

/*
 * wl_script_append - a copy of @st as the last statement (its note is the
 * script's from now on). Returns 0 or -ENOMEM (@st is left to the caller).
 */
int wl_script_append(struct wl_script *sc, const struct wl_stmt *st);

/*
 * wl_script_tag - the index of the tag named by @len bytes of @name (a
 * valid name), interned if new: sc->tags and sc->alloc_tags may grow.
 * Returns 0, -ENOSPC (already WORKLOAD_TAGS_MAX tags) or -ENOMEM.
 */
int wl_script_tag(struct wl_script *sc, const char *name, size_t len,
		  uint32_t *idx);

#endif /* SWAPFS_WORKLOAD_SCRIPT_H */
