// SPDX-License-Identifier: GPL-2.0-or-later
/* findings.c - placeholder until written. */
#include "swapfs/snapshot.h"
