// SPDX-License-Identifier: GPL-2.0-or-later
/* info.c - placeholder until written. */
#include "swapfs/info.h"
