/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * array.h - growable arrays: the one way the model and the sources make
 * room for one more item of a table whose size is known only when read.
 *
 * An array is a pointer, its item count and its capacity (both size_t,
 * kept by the caller); capacity doubles, so appending n items costs O(n).
 */
#ifndef SWAPFS_ARRAY_H
#define SWAPFS_ARRAY_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_MODEL)
#error "swapfs/array.h belongs to the model: a lower layer may not use it (src/README.md)"
#endif

#include <stddef.h>

/*
 * array_realloc - the slow half of array_grow(): *@arr (of @size-byte
 * items, capacity *@alloc) becomes twice as big, or @first items when it
 * had none. Returns 0, or -ENOMEM with *@arr and *@alloc unchanged.
 */
int array_realloc(void **arr, size_t *alloc, size_t size, size_t first);

/*
 * array_grow - make room in *@arr (holding @nr of @size-byte items,
 * capacity *@alloc) for one more: nothing to do while @nr is below the
 * capacity (inline, as loaders call it for every item), else
 * array_realloc(). Returns 0 or -ENOMEM.
 */
static inline int array_grow(void **arr, size_t *alloc, size_t nr, size_t size,
			     size_t first)
{
	return nr < *alloc ? 0 : array_realloc(arr, alloc, size, first);
}

#endif
