/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * glyph.h - the characters swapview draws with (drawing layer): a table in
 * UTF-8 and one in ASCII, chosen once by glyph_init().
 */
#ifndef SWAPVIEW_GLYPH_H
#define SWAPVIEW_GLYPH_H

#include <stdbool.h>
#include <stdint.h>

/* glyph_init - UTF-8 glyphs when @utf8, else ASCII; before any other call. */
void glyph_init(bool utf8);

/*
 * A cluster state class: enum snapshot_cluster_flag, any value above it a
 * flag out of range ("bad-flag"). glyph_state() is its map cell,
 * glyph_state_name() its name in the legends.
 */
const char *glyph_state(unsigned int state);
const char *glyph_state_name(unsigned int state);

/* glyph_highlight - a finding's mark, by 1 + enum analysis_check; 0 none. */
const char *glyph_highlight(unsigned int highlight);

/*
 * glyph_slot_count - the count column of a slot: free, the count 1..9,
 * '+' above, bad, or shmem (SWAP_MAP_SHMEM, eras A..D). @count is the
 * exact count.
 */
const char *glyph_slot_count(uint16_t word, uint32_t count, bool shmem);

/* glyph_slot_mark - the mark column: cached, zswap, zero; upper case: and cached. */
char glyph_slot_mark(uint16_t word);

/* glyph_boundary - before the first slot of a known run or swap-cache folio. */
const char *glyph_boundary(void);

/* glyph_separator - between a view's name and its title in the title bar. */
const char *glyph_separator(void);

/* glyph_ellipsis - the end of a line cut to the screen's width. */
const char *glyph_ellipsis(void);

#endif /* SWAPVIEW_GLYPH_H */
