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
 * series_step - t (@dir 1) and T (-1): the next or previous snapshot of
 * the series, with what happened on the message line.
 */
void series_step(struct session *sv, int dir);

#endif /* SWAPVIEW_SERIES_H */
