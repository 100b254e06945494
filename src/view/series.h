/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * series.h - the snapshots of the source: which there are (a time series
 * of a snapshot file, or the one of a dump), loading one, and t/T.
 */
#ifndef SWAPVIEW_SERIES_H
#define SWAPVIEW_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

/*
 * series_list - the snapshot ids of the source into sv->ids (none for a
 * dump). Returns 0, or -errno with the reason in @err (@len bytes).
 */
int series_list(struct session *sv, char *err, size_t len);

/*
 * series_load - load snapshot @id of the source (0: the last), analyse it
 * and derive what the views draw from. Returns 0, or -errno with the
 * reason in @err; the snapshot shown before stays then.
 */
int series_load(struct session *sv, int64_t id, char *err, size_t len);

/*
 * series_adopt - make @s (the caller's no more) the snapshot shown: analyse
 * it and derive what the views draw, with no change marks. Returns 0, or
 * -errno with the reason in @err; @s is freed then and the snapshot shown
 * before stays.
 */
int series_adopt(struct session *sv, struct snapshot *s, char *err, size_t len);

/*
 * series_reanalyse - analyse the snapshot shown whole again, and derive
 * what the views draw (the change marks kept): after an update of the
 * analysis that failed. Returns 0 or -ENOMEM (the analysis kept).
 */
int series_reanalyse(struct session *sv);

/*
 * series_filter - the severity filter (sv->nav.severity) changed: number
 * the findings it shows and lay the views out again. O(clusters).
 * Returns 0 or -ENOMEM.
 */
int series_filter(struct session *sv);

/*
 * series_step - t (@dir 1) and T (-1): the next or previous snapshot of
 * the series, with what happened on the message line.
 */
void series_step(struct session *sv, int dir);

#endif /* SWAPVIEW_SERIES_H */
