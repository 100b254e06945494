/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload.h - what the simulator replays (swapfs-workload(5)): a script
 * of statements naming folios by tags, or a built-in generator that calls
 * the simulator directly (selftest, random, fragment).
 *
 * A workload is parsed once, checked as far as text allows (syntax,
 * bounds, tags defined before use, also across repeat blocks), and can
 * then be run any number of times, each on its own struct sim. Rejections
 * are reported like every other parser's (diag.h):
 *
 *	run.wl:12: tag 'a' is not defined [wl-unknown-tag]
 *	selftest:area=61K: area=61K: not a multiple of the 64K folio [wl-spec-area]
 *
 * What only a run can tell (an order the device does not have, a CPU it
 * does not have, a tag redefined while it still holds slots) is reported
 * the same way by workload_run(), naming the statement's line.
 */
#ifndef SWAPFS_WORKLOAD_H
#define SWAPFS_WORKLOAD_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_SIM)
#error "swapfs/workload.h belongs to the simulator: a lower layer may not use it (src/README.md)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/diag.h"
#include "swapfs/sim.h"
#include "swapfs/sim-areas.h"

/*
 * Limits of the script language; each is checked at parse time and
 * documented in swapfs-workload(5).
 */
#define WORKLOAD_FILE_MAX	(16u << 20)	/* bytes of script */
#define WORKLOAD_LINE_MAX	4096u		/* bytes of one line */
#define WORKLOAD_TAG_LEN_MAX	64u		/* [A-Za-z0-9_.-]{1,64} */
#define WORKLOAD_TAGS_MAX	65536u		/* distinct tags */
#define WORKLOAD_COUNT_MAX	(1u << 24)	/* folios of one swapout */
#define WORKLOAD_PAGES_MAX	(1u << 28)	/* pages of one swapout */
#define WORKLOAD_REFS_MAX	((1u << 24) - 1) /* references a tag holds on a page */
#define WORKLOAD_REPEAT_MAX	1000000000u	/* repeat N */
#define WORKLOAD_DEPTH_MAX	8u		/* nested repeat blocks */

struct workload;

/*
 * workload_parse - parse the script @text (@len bytes, need not be
 * NUL-terminated) into *@out. @path names it in messages. Returns 0,
 * -EINVAL with @d filled ("PATH:LINE: ... [wl-...]"), or -ENOMEM.
 */
int workload_parse(const char *path, const char *text, size_t len,
		   struct workload **out, struct diag *d);

/*
 * workload_load_file - read the script file @path (a regular file of at
 * most WORKLOAD_FILE_MAX bytes) and parse it. Returns as workload_parse(),
 * or another -errno with @d naming the file.
 */
int workload_load_file(const char *path, struct workload **out,
		       struct diag *d);

/*
 * workload_builtin - a built-in generator from its spec
 * "NAME[:key=value,...]" (selftest, random, fragment; sizes take binary
 * K/M/G/T suffixes). Unknown names, unknown keys and bad values are
 * refused with -EINVAL and a rule naming the key ("wl-spec-area").
 */
int workload_builtin(const char *spec, struct workload **out, struct diag *d);

/*
 * workload_spec_is_builtin - whether @arg starts with the name of a
 * built-in generator followed by ':' or the end ("random", "selftest:..."),
 * so a front end can tell a spec from a script path.
 */
bool workload_spec_is_builtin(const char *arg);

/* workload_name - the script's path or the built-in spec, as given. */
const char *workload_name(const struct workload *w);

/*
 * workload_device_bytes - the device size the workload asks for (a
 * script's `device` statement, a built-in's device=), 0 for no opinion.
 * The caller decides; an explicit size on the command line wins.
 */
uint64_t workload_device_bytes(const struct workload *w);

/*
 * The parameters of a "selftest" spec with every default filled in, for
 * a program that runs the same workload elsewhere (tools/kernel-replay on
 * the real kernel) and must draw the same picks: the generator's PRNG is
 * splitmix64 seeded with @seed (wl_rng in src/sim/workload-gen.h), and
 * swapfs-workload(5) gives the order of the draws and the layout.
 */
struct workload_selftest {
	uint64_t area;		/* mem1 bytes (0 with mixed) */
	uint64_t small_area;	/* mem2 bytes, used with small */
	uint64_t folio;		/* mem1's block: the largest of sizes */
	uint32_t sizes;		/* bit b: mTHP size of 2^b bytes enabled (mem1) */
	uint32_t rounds, picks, small_picks, part_picks;
	uint32_t mixed;		/* blocks of their own (0: mem1) */
	uint32_t mixed_orders;	/* bit k: blocks of order k, in turn */
	uint32_t fork;		/* 1: no fork; n: n - 1 children */
	uint32_t fork_every;	/* rounds between two forks */
	uint32_t version;	/* 1 or 2 */
	bool small, aligned;
	bool has_seed;		/* seed= given: it wins over workload_run()'s */
	uint64_t seed;
};

/*
 * workload_selftest_params - @w's parameters if it is a "selftest" spec.
 * Returns 0, or -EINVAL for any other workload.
 */
int workload_selftest_params(const struct workload *w,
			     struct workload_selftest *out);

/*
 * What a run reports to its caller. Every member may be NULL or 0. A hook
 * returning a negative errno aborts the run, which returns that error
 * with @d naming where the run was.
 */
struct workload_hooks {
	/*
	 * Write a snapshot now: at a script's `snapshot` statement (@note is
	 * its text, NULL if none) and each time sim_ops() reaches a multiple
	 * of @every (@note NULL). @every 0: only at statements.
	 */
	int (*snapshot)(void *arg, struct sim *sim, const char *note);
	uint64_t every;
	/*
	 * Progress of a long run: called when at least 2^20 simulator
	 * operations were done since the last call, and once at the end.
	 * @done and @total are in the workload's own unit (statements run,
	 * operations, rounds; see swapfs-workload(5)); @total 0 = unknown.
	 */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	/*
	 * End of a round of a generator that has rounds (selftest): @round
	 * counts from 1. Lets a front end print per-round counters as the
	 * real selftest prints its "Iteration" lines.
	 */
	int (*round)(void *arg, struct sim *sim, uint64_t round);
	void *arg;
};

/*
 * workload_run - replay @w on @sim. @seed seeds the built-in generators'
 * PRNG unless their spec has seed= (scripts are deterministic and ignore
 * it). @h may be NULL. Returns 0; -EINVAL with @d naming the line and rule
 * for what only a run can see; -EUCLEAN when the simulator found a broken
 * invariant (sim_config.check_always; its own report is in the diag given
 * to sim_new()); -ENOMEM; or a hook's error. The run stops at the first
 * error and leaves @sim as it was at that point.
 */
int workload_run(const struct workload *w, struct sim *sim, uint64_t seed,
		 const struct workload_hooks *h, struct diag *d);

/*
 * workload_run_areas - replay @w on the areas of @areas, as workload_run()
 * does on one: allocations pick the area as the kernel does
 * (sim-areas.h), everything else goes to the area of the slot. The hooks
 * get the first area as @sim (the caller knows its group) and fire on
 * the group's operations. The built-in generators random and fragment
 * pick victims by slot offset and refuse several areas (-EINVAL, rule
 * "wl-areas"); one area runs exactly as workload_run() on it.
 */
int workload_run_areas(const struct workload *w, struct sim_areas *areas,
		       uint64_t seed, const struct workload_hooks *h,
		       struct diag *d);

/* workload_free - free @w; NULL is fine. */
void workload_free(struct workload *w);

#endif /* SWAPFS_WORKLOAD_H */
