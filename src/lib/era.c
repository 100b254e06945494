// SPDX-License-Identifier: GPL-2.0-or-later
/* era.c - placeholder until written. */
#include "swapfs/snapshot.h"
