// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * array.c - growable arrays (array.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "swapfs/array.h"

int array_realloc(void **arr, size_t *alloc, size_t size, size_t first)
{
	size_t want = *alloc ? *alloc * 2 : first;
	void *p;

	p = reallocarray(*arr, want, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*alloc = want;
	return 0;
}
