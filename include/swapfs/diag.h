/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diag.h - why an input was rejected, in words a user can act on.
 *
 * Every parser in the library reports a rejection the same way: where
 * (file, and a line or a byte offset), what was wrong, and the rule it broke
 * as a short stable identifier in brackets, so scripts and tests can match
 * it without parsing prose:
 *
 *	dump/clusters:12: flags 'bogus' is not a cluster flag [cluster-flags]
 *	dump/swap_map: byte 4096: 0x41 at slot 4096: ... [map-byte]
 *
 * The library fills a struct diag and returns -EINVAL (bad input), or
 * another -errno for system errors (then the message names the file and
 * the error). Only main()s print it.
 */
#ifndef SWAPFS_DIAG_H
#define SWAPFS_DIAG_H

#if defined(SWAPFS_LAYER) && !defined(SWAPFS_SEES_MODEL)
#error "swapfs/diag.h belongs to the model: a lower layer may not use it (src/README.md)"
#endif

#include <stdint.h>

#define DIAG_MAX	512

struct diag {
	char msg[DIAG_MAX];	/* empty when nothing was reported */
	char rule[48];		/* the bracketed identifier, without brackets */
};

/* diag_clear - forget any earlier message. */
void diag_clear(struct diag *d);

/*
 * diag_line - "FILE:LINE: message [rule]". @line is 1-based; 0 means the
 * message is about the file as a whole ("FILE: message [rule]").
 * Returns -EINVAL so callers can write "return diag_line(...)".
 * @d may be NULL (the message is dropped, the return value kept).
 */
int diag_line(struct diag *d, const char *file, unsigned long line,
	      const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* diag_byte - "FILE: byte OFFSET: message [rule]", for binary files. */
int diag_byte(struct diag *d, const char *file, uint64_t offset,
	      const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * diag_errno - "FILE: strerror(-rc)" for a system error (no rule).
 * Returns @rc.
 */
int diag_errno(struct diag *d, const char *file, int rc);

#endif /* SWAPFS_DIAG_H */
