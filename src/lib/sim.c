/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sim.c - placeholder, being written. */
