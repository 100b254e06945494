// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-bad-in-use.c - the bad-in-use check: runs of bad slots that are
 * cached, under a folio or counted.
 *
 * setup_clusters() marks header and bad pages SWAP_MAP_BAD / SWP_TB_BAD
 * and nothing ever allocates them (alloc_swap_scan_cluster() rejects any
 * non-empty slot), so a count, a cache mark or a folio there is
 * corruption.
 */
#include "scan-parts.h"

/* Why a bad slot is in use (the detail, in this order). */
#define SCAN_BAD_CACHED		1u
#define SCAN_BAD_FOLIO		2u
#define SCAN_BAD_COUNT		4u

/* Why slot @i is a bad slot in use (0: it is not). */
static inline unsigned int scan_bad_in_use_why(struct scan *sc, uint32_t i)
{
	const struct snapshot *s = sc->s;
	uint16_t w = s->slots[i];
	unsigned int why = 0;

	if (!(w & SNAPSHOT_SLOT_BAD))
		return 0;
	if (w & SNAPSHOT_SLOT_CACHED)
		why |= SCAN_BAD_CACHED;
	if (w & SNAPSHOT_SLOT_COUNT)
		why |= SCAN_BAD_COUNT;
	while (sc->fc < s->nr_folios &&
	       (uint64_t)s->folios[sc->fc].offset +
	       (1ull << s->folios[sc->fc].order) <= i)
		sc->fc++;
	if (sc->fc < s->nr_folios && s->folios[sc->fc].offset <= i)
		why |= SCAN_BAD_FOLIO;
	return why;
}

/* The next run of bad slots in use from @from on. */
static void scan_bad_in_use_next(struct scan *sc, uint32_t from)
{
	unsigned int why;
	uint32_t i;

	sc->bad_off = SCAN_NONE;
	if (!(sc->mask & SCAN_CHECK(ANALYSIS_BAD_IN_USE)) || !sc->ac->bad)
		return;
	for (i = from; i < sc->end; i++) {
		why = scan_bad_in_use_why(sc, i);
		if (!why)
			continue;
		sc->bad_off = i;
		sc->bad_why = why;
		for (i++; i < sc->end && (why = scan_bad_in_use_why(sc, i)); i++)
			sc->bad_why |= why;
		sc->bad_len = i - sc->bad_off;
		return;
	}
}

void scan_bad_in_use_start(struct scan *sc)
{
	const struct snapshot *s = sc->s;

	/* the folio that may cover the first slot comes first */
	sc->fc = 0;
	if (sc->ac->bad && s->nr_folios) {
		sc->fc = snapshot_folios_from(s, sc->first);
		if (sc->fc && (uint64_t)s->folios[sc->fc - 1].offset +
			      (1ull << s->folios[sc->fc - 1].order) > sc->first)
			sc->fc--;
	}
	scan_bad_in_use_next(sc, sc->first);
}

/* The finding of the run at sc->bad_off. */
static int scan_bad_in_use_finding(struct scan *sc)
{
	struct analysis_finding f;
	struct scan_text t;
	const char *sep = "";

	if (!scan_finding_want(sc, ANALYSIS_BAD_IN_USE, &f, &t))
		return 0;
	f.offset = sc->bad_off;
	f.nr = sc->bad_len;
	if (sc->bad_why & SCAN_BAD_CACHED) {
		scan_finding_put(&t, "cached");
		sep = "+";
	}
	if (sc->bad_why & SCAN_BAD_FOLIO) {
		scan_finding_put(&t, sep);
		scan_finding_put(&t, "folio");
		sep = "+";
	}
	if (sc->bad_why & SCAN_BAD_COUNT) {
		scan_finding_put(&t, sep);
		scan_finding_put(&t, "count");
	}
	return scan_finding_emit(sc, &f);
}

int scan_bad_in_use_emit(struct scan *sc)
{
	int rc = scan_bad_in_use_finding(sc);

	if (!rc)
		scan_bad_in_use_next(sc, sc->bad_off + sc->bad_len);
	return rc;
}
