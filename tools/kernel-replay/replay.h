/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.h - swapfs-kernel-replay: one "selftest" workload
 * (swapfs-workload(5)) run on the real kernel (replay-kernel.c) or on the
 * simulator (replay-sim.c), with the same picks, and what both report:
 * the mTHP counters of each enabled order, round by round, and the swap
 * area's cluster state at checkpoints (replay-state.c), as one JSON
 * document (replay-main.c) the fidelity harness compares.
 */
#ifndef SWAPFS_REPLAY_H
#define SWAPFS_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include <swapfs/snapshot.h>
#include <swapfs/workload.h>

#define KR_EXIT_SKIP	77
#define KR_ORDERS	(SNAPSHOT_MAX_ORDER + 1)
#define KR_MAX_CHECKPOINTS	64

/* The counters of hugepages-<size>kB/stats/ the replay reads. */
enum kr_stat {
	KR_SWPOUT,
	KR_SWPOUT_FALLBACK,
	KR_SWPIN,
	KR_SWPIN_FALLBACK,
	KR_FAULT_ALLOC,		/* anon_fault_alloc: kernel only */
	KR_FAULT_FALLBACK,	/* anon_fault_fallback: kernel only */
	KR_NR_STATS,
};

extern const char *const kr_stat_names[KR_NR_STATS];

/*
 * The area's state at a checkpoint, observed the same way on both sides:
 * only what the kernel keeps (cluster count, list, order; which slots are
 * in use), nothing the simulator alone knows (the order of each
 * allocation).
 */
struct kr_state {
	uint32_t round;
	uint64_t inuse;
	uint32_t clusters;
	/* clusters by order and list (enum snapshot_cluster_flag) */
	uint32_t list[KR_ORDERS][SNAPSHOT_CLUSTER_NR_FLAGS];
	/*
	 * In the clusters of order k > 0: aligned 2^k blocks partly in use
	 * (what no order-k folio was allocated as: holes of partial frees,
	 * order-0 slots stolen), and the clusters holding one or more such
	 * block: mixed-order clusters as far as the slots show.
	 */
	uint32_t partial[KR_ORDERS];
	uint32_t mixed[KR_ORDERS];
	unsigned int live_moving;	/* kernel: clusters read while moving */
};

/* kr_state_of - the state of @s at @round. */
void kr_state_of(const struct snapshot *s, uint32_t round,
		 struct kr_state *st);

/* A whole run, on either side. */
struct kr_result {
	const char *mode;		/* "kernel" or "sim" */
	const char *spec;		/* selftest:... as swapfs sim takes it */
	struct workload_selftest p;
	uint64_t seed;
	uint32_t page_size;
	uint32_t orders;		/* bit k: order k > 0 enabled */
	uint64_t total[KR_ORDERS][KR_NR_STATS];
	/* per round and enabled order: swpout, swpout_fallback */
	uint64_t (*per_round)[KR_ORDERS][2];
	uint32_t checkpoint_at[KR_MAX_CHECKPOINTS];	/* ascending rounds */
	unsigned int nr_checkpoints;
	struct kr_state states[KR_MAX_CHECKPOINTS];
	unsigned int nr_states;
	/* kernel only */
	int cpu;			/* pinned to, -1 none */
	const char *live;		/* the area read at checkpoints, or NULL */
	unsigned int max_swap_areas, swap_events;
	uint64_t swap_used_kib;
	bool hold;			/* --hold: wait after the last round */
	/* sim only */
	const char *kernel;		/* the policy */
	bool async_io;			/* no SWP_SYNCHRONOUS_IO: swap-in by pages */
	uint64_t device;
};

/* kr_orders_of - the orders > 0 @p enables, pages of @page_size bytes. */
uint32_t kr_orders_of(const struct workload_selftest *p, uint32_t page_size);

/*
 * kr_checkpoint_due - whether round @round is one of @r's checkpoints.
 */
bool kr_checkpoint_due(const struct kr_result *r, uint32_t round);

/*
 * kr_run_kernel - the workload on the running kernel (whose swap area and
 * mTHP sizes the caller set up). Returns 0, 1 for a failure (said on
 * stderr), KR_EXIT_SKIP when the kernel cannot run it.
 */
int kr_run_kernel(struct kr_result *r, bool quiet);

/*
 * kr_run_sim - the workload on the simulator, on a zram-like device of
 * r->device bytes (solid state, SWP_SYNCHRONOUS_IO, one CPU), policy
 * r->kernel. Returns 0 or 1 (said on stderr).
 */
int kr_run_sim(struct kr_result *r);

/*
 * kr_print_json - @r as one JSON document (replay-print.c): the totals of
 * the enabled orders summed (swpout, swpout_fallback, fallback_pct, as the
 * selftest prints them), per order, per round, and the checkpoints.
 */
void kr_print_json(const struct kr_result *r);

/* kr_print_text - @r in the selftest's words: a line a round, a summary. */
void kr_print_text(const struct kr_result *r);

#endif /* SWAPFS_REPLAY_H */
