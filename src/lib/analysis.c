// SPDX-License-Identifier: GPL-2.0-or-later
/* analysis.c - placeholder until written. */
#include "swapfs/snapshot.h"
