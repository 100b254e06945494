/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devbuild.h - a device built by hand for unit tests: the geometry, an
 * era with a kernel release of that era (info_era_for_kernel() maps it
 * back), 4 KiB pages, slot 0 the header. Aborts when out of memory.
 */
#ifndef SWAPFS_TEST_DEVBUILD_H
#define SWAPFS_TEST_DEVBUILD_H

#include <stdint.h>
#include <stdlib.h>

#include <swapfs/snapshot.h>

static inline const char *dev_kernel_of_era(char era)
{
	static const char *const releases[] = {
		"6.9.0", "6.10.0", "6.12.0", "6.14.2", "6.18.44", "7.0.0", "7.1.0",
	};

	return era >= 'A' && era <= 'G' ? releases[era - 'A'] : "6.18.44";
}

static inline struct snapshot *dev_new(uint32_t max, uint32_t cs,
				       uint32_t nr_orders, char era)
{
	struct snapshot *s = snapshot_new();

	if (!s)
		abort();
	s->dev.nr_orders = nr_orders;
	if (snapshot_set_geometry(s, max, cs))
		abort();
	s->dev.era = era;
	s->dev.kernel = dev_kernel_of_era(era);
	s->dev.page_size = 4096;
	s->slots[0] = SNAPSHOT_SLOT_BAD;	/* the header */
	return s;
}

#endif /* SWAPFS_TEST_DEVBUILD_H */
