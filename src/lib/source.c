// SPDX-License-Identifier: GPL-2.0-or-later
/* source.c - placeholder until written. */
#include "swapfs/snapshot.h"
