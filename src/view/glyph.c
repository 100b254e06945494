// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * glyph.c - the characters swapview draws with: one table in UTF-8, one in
 * ASCII (--ascii, or a locale that is not UTF-8). Every state has a glyph
 * of its own, so nothing is told by colour alone (NO_COLOR, monochrome
 * terminals and colour-blind readers see the same map). swapview(8) lists
 * these tables; change both together.
 */
#include <swapfs/analysis.h>
#include <swapfs/snapshot.h>

#include "glyph.h"

/* The state classes: the cluster flags, then one for a flag out of range. */
#define GLYPH_BAD_FLAG		SNAPSHOT_CLUSTER_NR_FLAGS
#define GLYPH_NR_STATES		(SNAPSHOT_CLUSTER_NR_FLAGS + 1)

static bool glyph_utf8;

/* Cluster state classes, by enum snapshot_cluster_flag, then a bad flag. */
static const char *const glyph_states[2][GLYPH_NR_STATES] = {
	{ "=", ".", "-", ":", "#", "~", "?" },
	{ "\u25aa", "\u00b7", "\u2584", "\u2592", "\u2588", "\u2591", "?" },
};

static const char *const glyph_state_names[GLYPH_NR_STATES] = {
	"none", "free", "nonfull", "frag", "full", "discard", "bad-flag",
};

/* Findings, by 1 + enum analysis_check: the order is the priority. */
static const char *const glyph_highlights[2][1 + ANALYSIS_NR_CHECKS] = {
	{ " ", "M", "C", "L", "B", "O", "Z", "X", "p", "c" },
	{ " ", "\u25c6", "\u2260", "\u2262", "\u2717", "\u25cc", "\u25d1",
	  "\u259e", "\u25d4", "\u25cb" },
};

void glyph_init(bool utf8)
{
	glyph_utf8 = utf8;
}

const char *glyph_state(unsigned int state)
{
	return glyph_states[glyph_utf8][state < GLYPH_NR_STATES ? state :
					GLYPH_BAD_FLAG];
}

const char *glyph_state_name(unsigned int state)
{
	return glyph_state_names[state < GLYPH_NR_STATES ? state :
				 GLYPH_BAD_FLAG];
}

const char *glyph_highlight(unsigned int highlight)
{
	return glyph_highlights[glyph_utf8][highlight <= ANALYSIS_NR_CHECKS ?
					    highlight : 0];
}

const char *glyph_slot_count(uint16_t word, uint32_t count, bool shmem)
{
	static const char *const digits[10] = {
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
	};

	if (word & SNAPSHOT_SLOT_BAD)
		return glyph_utf8 ? "\u00d7" : "x";
	if (shmem)
		return "s";
	if (!count)
		return glyph_utf8 ? "\u00b7" : ".";
	return count > 9 ? "+" : digits[count];
}

char glyph_slot_mark(uint16_t word)
{
	bool cached = word & SNAPSHOT_SLOT_CACHED;

	if (word & SNAPSHOT_SLOT_ZSWAP)
		return cached ? 'Z' : 'z';
	if (word & SNAPSHOT_SLOT_ZERO)
		return cached ? 'O' : 'o';
	return cached ? 'c' : ' ';
}

const char *glyph_boundary(void)
{
	return glyph_utf8 ? "\u2502" : "|";
}

const char *glyph_separator(void)
{
	return glyph_utf8 ? "\u00b7" : "-";
}

const char *glyph_ellipsis(void)
{
	return glyph_utf8 ? "\u2026" : "...";
}
