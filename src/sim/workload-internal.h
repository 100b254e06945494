/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-internal.h - struct workload (workload.c): what a script's
 * parse (workload-parse.c) or a built-in's spec (workload-spec.c) makes,
 * and workload_run() hands to the script runner or to a generator.
 *
 * The workload's files, from the bottom up; each calls only files listed
 * before it:
 *
 *	workload-num.c		numbers and sizes as scripts and specs write them
 *	workload-ctx.c		what every run shares: the caller's hooks, the
 *				simulator's refusals in words, the geometry
 *	workload-script.c	a parsed script: statements, interned tags
 *	workload-check.c	the checks of a script's tags
 *	workload-pages.c	what each tag of a running script holds
 *	workload-run.c		the script runner: statements executed
 *	workload-gen.c		what the generators share: parameters, PRNG
 *	workload-fill.c		random's and fragment's fill and live set
 *	workload-vm.c		a process's memory around the allocator:
 *				faults, MADV_DONTNEED, MADV_PAGEOUT, fork
 *	workload-selftest.c, workload-random.c, workload-fragment.c
 *				the built-in generators, one a file
 *	workload.c		struct workload and workload_run()
 *	workload-parse.c	the language: a script's text to statements
 *	workload-spec.c		a built-in's spec to its parameters
 */
#ifndef SWAPFS_WORKLOAD_INTERNAL_H
#define SWAPFS_WORKLOAD_INTERNAL_H

#include <stdint.h>

#include "swapfs/workload.h"
#include "workload-gen.h"

enum wl_kind {
	WL_SCRIPT = 0,
	WL_SELFTEST,
	WL_RANDOM,
	WL_FRAGMENT,
};

struct wl_script;

struct workload {
	enum wl_kind kind;
	char *name;		/* script path or spec, as given */
	uint64_t device_bytes;	/* 0: no opinion */
	struct wl_script *script;
	struct wl_params p;
};

/*
 * workload_new - a workload of @kind named @name (copied), everything else
 * zero; NULL without memory. workload_free() frees it.
 */
struct workload *workload_new(enum wl_kind kind, const char *name);

#endif /* SWAPFS_WORKLOAD_INTERNAL_H */
