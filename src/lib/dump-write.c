// SPDX-License-Identifier: GPL-2.0-or-later
/* dump-write.c - placeholder until written. */
#include "swapfs/snapshot.h"
