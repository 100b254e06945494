/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sim-check.h - every invariant of the simulator's state (sim-check.c). */
#ifndef SWAPFS_SIM_CHECK_H
#define SWAPFS_SIM_CHECK_H

#include "sim-state.h"

/*
 * sim_check_diag - check every invariant of @sim. Returns 0, or -EUCLEAN
 * with @d naming the first that does not hold (the cluster or the slot).
 */
int sim_check_diag(const struct sim *sim, struct diag *d);

#endif /* SWAPFS_SIM_CHECK_H */
