/* SPDX-License-Identifier: GPL-2.0-or-later */
/* workload-run.h - the script runner (workload-run.c). */
#ifndef SWAPFS_WORKLOAD_RUN_H
#define SWAPFS_WORKLOAD_RUN_H

#include "workload-ctx.h"
#include "workload-script.h"

/*
 * wl_run_script - run the script @sc, named @name in messages, on @sim,
 * or on @areas when not NULL (@sim their first). Returns as
 * workload_run().
 */
int wl_run_script(const struct wl_script *sc, const char *name,
		  struct sim *sim, struct sim_areas *areas,
		  const struct workload_hooks *h, struct diag *d);

#endif /* SWAPFS_WORKLOAD_RUN_H */
