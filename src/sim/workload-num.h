/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload-num.h - numbers and sizes as scripts and built-in specs write
 * them (workload-num.c).
 */
#ifndef SWAPFS_WORKLOAD_NUM_H
#define SWAPFS_WORKLOAD_NUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * wl_num_parse - @len bytes of @s, decimal digits only, at most @max.
 * Returns 0, -EINVAL (not a number) or -ERANGE.
 */
int wl_num_parse(const char *s, size_t len, uint64_t max, uint64_t *out);

/*
 * wl_num_parse_size - "64M": decimal digits and an optional binary suffix
 * K, M, G or T (either case, "iB" allowed after it), @len bytes of @s.
 * Returns 0, -EINVAL (not a size) or -ERANGE (above @max).
 */
int wl_num_parse_size(const char *s, size_t len, uint64_t max, uint64_t *out);

#endif /* SWAPFS_WORKLOAD_NUM_H */
