// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-header.c - the swap header decoder on any bytes. The first byte
 * chooses the environment (regular file or device, holes, the kernel
 * judged for), the input's length the kernel's page size; the rest is
 * the area's first bytes. Every function that
 * formats a decoded header is run on the result too.
 */
#include <stdlib.h>

#include <swapfs/swapheader.h>

#include "fuzz.h"

static const uint32_t fuzz_header_kernels[4] = {
	0, SWAPHEADER_KERNEL(6, 12, 0), SWAPHEADER_KERNEL(6, 18, 0), SWAPHEADER_KERNEL(5, 10, 0),
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct swapheader_env env = { 0 };
	struct swapheader_info hi;
	char buf[4 * SWAPHEADER_LABEL_LEN + 256];

	if (!size)
		return 0;
	env.regular = data[0] & 1;
	env.holes = data[0] & 2;
	env.kernel = fuzz_header_kernels[(data[0] >> 2) & 3];
	/* the area may be bigger than what was read: the size is claimed */
	env.size = (data[0] & 16) ? (uint64_t)(size - 1) << (data[0] >> 5) : size - 1;
	/* the kernel's page size: the header's own (0), or 4 KiB .. 256 KiB */
	env.page_size = size % 8 == 7 ? 0 : SWAPHEADER_PAGE_MIN << (size % 8);
	if (swapheader_decode(data + 1, size - 1, &env, &hi))
		return 0;
	swapheader_err_message(&hi, buf, sizeof(buf));
	swapheader_label_escape(hi.label, buf);
	swapheader_has_uuid(&hi);
	if (hi.nr_badpages_read > hi.nr_badpages)
		abort();	/* read more bad pages than the header lists */
	swapheader_info_free(&hi);
	return 0;
}
