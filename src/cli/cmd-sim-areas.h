/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd-sim-areas.h - swapfs sim --area SPEC (cmd-sim-areas.c): the areas
 * of a run with several, each as SPEC says (swapfs(8)), made from the
 * options every area shares.
 */
#ifndef SWAPFS_CMD_SIM_AREAS_H
#define SWAPFS_CMD_SIM_AREAS_H

#include <stdint.h>

#include <swapfs/sim-areas.h>

#include "cli.h"

struct cmd_sim_area {
	const char *spec;	/* as given, for messages */
	uint64_t size;		/* size=, bytes; 0: not given */
	uint32_t slots;		/* slots=; 0: not given */
	struct sim_area_config a;	/* prio=, rotational=, swapfile=, discard= */
};

struct cmd_sim_areas {
	struct cmd_sim_area area[SIM_AREAS_MAX];
	unsigned int n;
};

/*
 * cmd_sim_areas_add - one more --area @spec of @cmd, read into @as.
 * Exits with a usage error naming the spec and the key for a bad one.
 */
void cmd_sim_areas_add(const struct cli_cmd *cmd, struct cmd_sim_areas *as,
		       const char *spec);

/*
 * cmd_sim_areas_make - the areas of @as with what they share from @base
 * (kernel, page and cluster size, CPUs, synchronous I/O, checks), each
 * @default_bytes big unless its spec says. Returns 0 or an exit code
 * (the error said).
 */
int cmd_sim_areas_make(const struct cli_cmd *cmd, const struct cmd_sim_areas *as,
		       const struct sim_config *base, uint64_t default_bytes,
		       struct sim_areas **out);

#endif /* SWAPFS_CMD_SIM_AREAS_H */
