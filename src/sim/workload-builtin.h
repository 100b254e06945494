/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-builtin.h - what workload.c (scripts, the public entry points)
 * and workload-builtin.c (the generators) share: the workload itself, the
 * run context that fires the caller's hooks, the PRNG and size parsing.
 */
#ifndef SWAPFS_WORKLOAD_BUILTIN_H
#define SWAPFS_WORKLOAD_BUILTIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/workload.h"

enum wl_kind {
	WL_SCRIPT = 0,
	WL_SELFTEST,
	WL_RANDOM,
	WL_FRAGMENT,
};

/* A built-in generator's parameters; which apply depends on the kind. */
struct wl_params {
	/* selftest */
	uint64_t area;		/* mem1 bytes, of folio-sized blocks */
	uint64_t small_area;	/* mem2 bytes, of pages */
	uint64_t folio;		/* mem1's mTHP size in bytes */
	uint32_t rounds;
	uint32_t picks;		/* mem1 blocks re-touched per round */
	uint32_t small_picks;	/* mem2 pages re-touched per round */
	uint8_t small;		/* the selftest's -s */
	uint8_t aligned;	/* version 2's -a: swap-in by whole folios */
	uint32_t version;	/* 1: as merged; 2: warm-up and swap-in */
	unsigned int cpu;	/* selftest: the CPU everything runs on */
	/* random, fragment */
	uint32_t orders;	/* bit k: order k may be allocated */
	uint32_t fill;		/* percent of usable slots kept in use */
	uint64_t ops;		/* random: operations after the fill */
	uint32_t holes;		/* fragment: percent of allocations punched */
	int hole_order;		/* fragment: -1 frees whole allocations */
	unsigned int cpus;	/* random, fragment: CPUs 0..cpus-1; 0 all */
	/* all */
	uint64_t device;	/* bytes the device should have, 0: any */
	bool has_seed;
	uint64_t seed;
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
 * The hooks of one run. Checking whether one is due costs one sim_ops()
 * and one compare per operation, so generators call wl_ctx_tick() after
 * every simulator call.
 */
struct wl_ctx {
	struct sim *sim;
	const struct workload_hooks *h;
	struct diag *d;
	const char *name;	/* for messages */
	unsigned long line;	/* script line being run, 0 for generators */
	uint64_t next;		/* sim_ops() at which something is due */
	uint64_t next_every, next_progress;
	uint64_t done, total;	/* progress, in the workload's unit */
};

/* Simulator operations between two progress calls. */
#define WL_PROGRESS_OPS	(1ull << 20)

void wl_ctx_init(struct wl_ctx *c, struct sim *sim,
		 const struct workload_hooks *h, struct diag *d,
		 const char *name);
int wl_ctx_fire(struct wl_ctx *c);
int wl_ctx_snapshot(struct wl_ctx *c, const char *note);
void wl_ctx_end(struct wl_ctx *c);

static inline int wl_ctx_tick(struct wl_ctx *c)
{
	if (__builtin_expect(sim_ops(c->sim) < c->next, 1))
		return 0;
	return wl_ctx_fire(c);
}

/*
 * wl_sim_error - @rc from a simulator call made for @what, in words:
 * -EUCLEAN (an invariant broke), -ENOMEM, or a refusal the workload should
 * have prevented ([wl-sim]). Returns @rc.
 */
int wl_sim_error(struct wl_ctx *c, int rc, const char *what, uint32_t slot);

/*
 * splitmix64: one word of state, full period, and good enough statistics
 * for choosing victims; about a nanosecond a number.
 */
struct wl_rng {
	uint64_t s;
};

static inline uint64_t wl_rng_next(struct wl_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, @n): a 64x64 multiply, bias below n / 2^64. */
static inline uint64_t wl_rng_below(struct wl_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)wl_rng_next(r) * n) >> 64);
}

/*
 * wl_parse_size - "64M": decimal digits and an optional binary suffix
 * K, M, G or T (either case, "iB" allowed after it), @len bytes of @s.
 * Returns 0 or -EINVAL (not a size, or above @max).
 */
int wl_parse_size(const char *s, size_t len, uint64_t max, uint64_t *out);

/* wl_parse_u64 - decimal digits only, at most @max. 0 or -EINVAL/-ERANGE. */
int wl_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

/* The device: what generators and scripts need to know of the sim. */
struct wl_geometry {
	uint32_t max;		/* slots */
	uint32_t pages;		/* usable slots: max minus header and bad */
	uint32_t page_size;
	unsigned int nr_orders;
	unsigned int cpus;
	bool discard;		/* freed clusters wait for sim_discard_work() */
	/*
	 * The slot words as sim_snapshot() showed them at the start. Only for
	 * prefetching: the contract keeps them valid until the next operation.
	 */
	const uint16_t *slots;
};

/* wl_geometry - the above, from one sim_snapshot() (O(slots): once a run). */
int wl_geometry(struct sim *sim, struct wl_geometry *g, struct diag *d,
		const char *name);

/* Built-in generators (workload-builtin.c). */
int wl_builtin_run(const struct workload *w, struct sim *sim, uint64_t seed,
		   const struct workload_hooks *h, struct diag *d);

#endif /* SWAPFS_WORKLOAD_BUILTIN_H */
