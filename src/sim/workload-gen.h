/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-gen.h - what the built-in generators share (workload-gen.c):
 * their run's state, the PRNG that picks victims, and their entry points,
 * one a file (workload-selftest.c, workload-random.c,
 * workload-fragment.c). Generators call the simulator directly, never
 * through text.
 */
#ifndef SWAPFS_WORKLOAD_GEN_H
#define SWAPFS_WORKLOAD_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "workload-ctx.h"

/*
 * A built-in generator's parameters: what its spec sets
 * (workload-spec.c); which apply depends on the generator.
 */
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
	uint32_t sizes;		/* bit b: mTHP size 2^b bytes on; 0: folio */
	bool sizes_given;	/* sizes= was given (else: folio=) */
	uint32_t mixed;		/* blocks, each a mapping of its own */
	uint32_t mixed_orders;	/* bit k: a block of order k, in turn */
	uint32_t part_picks;	/* blocks partly MADV_DONTNEED'd a round */
	uint32_t fork;		/* references of each entry: 1 + children */
	uint32_t fork_every;	/* rounds between two forks */
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

/*
 * Most blocks selftest's mixed= lays out, each a mapping of its own with
 * a guard page: well under the kernel's default vm.max_map_count (65530)
 * for the real run of tools/kernel-replay.
 */
#define WL_MIXED_MAX	16384u

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

/* A generator's run. */
struct wl_gen {
	struct wl_ctx c;
	struct wl_rng rng;
	const struct wl_params *p;
	struct wl_geometry g;
	uint32_t *offsets;	/* sim_swap_out()'s */
};

/*
 * wl_gen_init - a run of the generator with parameters @p, named @name,
 * on @sim; the PRNG seeded with @seed unless @p has its own. Returns 0 or
 * an error named in @d; gen->offsets is the caller's to free either way.
 */
int wl_gen_init(struct wl_gen *gen, const struct wl_params *p,
		const char *name, struct sim *sim, struct sim_areas *areas,
		uint64_t seed, const struct workload_hooks *h, struct diag *d);

/*
 * wl_gen_error - a parameter the device cannot take: named like a bad
 * value in the spec ("wl-spec-@key"). Returns -EINVAL.
 */
int __attribute__((format(printf, 3, 4)))
wl_gen_error(struct wl_gen *gen, const char *key, const char *fmt, ...);

/*
 * wl_gen_round_hook - the caller's round hook after round @round.
 * Returns 0 or its error, named in the run's diag.
 */
int wl_gen_round_hook(struct wl_gen *gen, uint64_t round);

/*
 * The generators: each runs with parameters @p (its spec's), named @name,
 * on @sim or, when @areas is not NULL, on those areas (@sim their first:
 * selftest only; random and fragment refuse several areas), and returns
 * as workload_run().
 */
int wl_selftest_run(const struct wl_params *p, const char *name,
		    struct sim *sim, struct sim_areas *areas, uint64_t seed,
		    const struct workload_hooks *h, struct diag *d);
int wl_random_run(const struct wl_params *p, const char *name,
		  struct sim *sim, struct sim_areas *areas, uint64_t seed,
		  const struct workload_hooks *h, struct diag *d);
int wl_fragment_run(const struct wl_params *p, const char *name,
		    struct sim *sim, struct sim_areas *areas, uint64_t seed,
		    const struct workload_hooks *h, struct diag *d);

#endif /* SWAPFS_WORKLOAD_GEN_H */
