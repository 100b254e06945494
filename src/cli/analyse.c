// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * analyse.c - cli_analyse(): a source loaded and analysed in one go, for
 * a command that needs the analysis and no slot after it (check).
 *
 * A snapshot file is read as a stream and analysed while it arrives
 * (stream.h): the slot array is never all in memory, and the reading and
 * the analysis take a core each. The findings are held until the stream
 * has ended well, so a file found broken midway shows no finding before
 * its error, as the whole reading shows none; then they go to the caller
 * in stream order. A stream that fails, or that holds more findings than
 * CLI_HELD_MAX bytes, gives way to the whole reading.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/analysis.h>
#include <swapfs/source.h>
#include <swapfs/stream.h>

#include "cli.h"

/* Held findings past this many bytes: the whole reading is cheaper. */
#define CLI_HELD_MAX	(64u << 20)

/* A held finding: check, order, cluster, offset, nr, detail length, detail. */
#define CLI_HELD_HEAD	(5 * sizeof(uint32_t) + 1)

struct cli_held {
	uint8_t *buf;
	size_t len, alloc;
};

static int cli_held_put(const struct analysis_finding *f, void *arg)
{
	struct cli_held *h = arg;
	size_t n = strnlen(f->detail, sizeof(f->detail) - 1);
	uint32_t v[5] = { f->check, (uint32_t)f->order, f->cluster, f->offset, f->nr };
	size_t want = h->alloc ? h->alloc : 1u << 16;
	uint8_t *p;

	if (h->len + CLI_HELD_HEAD + n > h->alloc) {
		while (want < h->len + CLI_HELD_HEAD + n)
			want *= 2;
		if (want > CLI_HELD_MAX)
			return -E2BIG;
		p = realloc(h->buf, want);
		if (!p)
			return -ENOMEM;
		h->buf = p;
		h->alloc = want;
	}
	p = h->buf + h->len;
	memcpy(p, v, sizeof(v));
	p[sizeof(v)] = (uint8_t)n;
	memcpy(p + CLI_HELD_HEAD, f->detail, n);
	h->len += CLI_HELD_HEAD + n;
	return 0;
}

/* The held findings to @fn, in the order they were found; @fn's verdict. */
static int cli_held_replay(const struct cli_held *h, analysis_finding_fn fn,
			   void *arg)
{
	struct analysis_finding f;
	uint32_t v[5];
	size_t at = 0, n;
	int rc = 0;

	while (!rc && at < h->len) {
		memcpy(v, h->buf + at, sizeof(v));
		n = h->buf[at + sizeof(v)];
		memset(&f, 0, sizeof(f));
		f.check = (enum analysis_check)v[0];
		f.order = (int)v[1];
		f.cluster = v[2];
		f.offset = v[3];
		f.nr = v[4];
		memcpy(f.detail, h->buf + at + CLI_HELD_HEAD, n);
		at += CLI_HELD_HEAD + n;
		rc = fn ? fn(&f, arg) : 0;
	}
	return rc;
}

/*
 * The stream @s analysed and its findings held: 0, or nonzero when the
 * whole reading must do it (@s and *@a are then freed). The held
 * findings go to @fn by cli_analyse(), once the stream has ended well.
 */
static int cli_analyse_stream(struct snapshot *s, unsigned int mask,
			      struct cli_held *h, struct analysis **a)
{
	int rc;

	rc = analysis_run(s, mask, cli_held_put, h, a);
	/* the whole pass ran: the producer has published all, and ends */
	if (!rc)
		rc = stream_end(s);
	if (rc) {
		analysis_free(*a);
		*a = NULL;
		snapshot_free(s);
	}
	return rc;
}

int cli_analyse(const char *src, int64_t id, unsigned int mask,
		int (*begin)(const struct snapshot *s, void *arg),
		analysis_finding_fn fn, void *arg, struct snapshot **out,
		struct analysis **a)
{
	struct cli_held h = { 0 };
	struct snapshot *s;
	struct diag d;
	int rc;

	*out = NULL;
	*a = NULL;
	rc = source_load_stream(src, id, &s, &d);
	if (rc)
		return cli_diag_error(src, rc, &d);
	if (s->stream) {
		if (!cli_analyse_stream(s, mask, &h, a)) {
			*out = s;
			/* what @fn or @begin refuse is theirs to say: no second reading */
			rc = (begin ? begin(s, arg) : 0) ?: cli_held_replay(&h, fn, arg);
			free(h.buf);
			return rc ? cli_errno_error(rc) : SWAPFS_EXIT_OK;
		}
		free(h.buf);
		/* the stream failed (@s is freed): the whole reading names what is wrong */
		rc = cli_load_source(src, id, &s);
		if (rc)
			return rc;
	}
	*out = s;
	rc = begin ? begin(s, arg) : 0;
	if (rc)
		return cli_errno_error(rc);
	rc = analysis_run(s, mask, fn, arg, a);
	return rc ? cli_errno_error(rc) : SWAPFS_EXIT_OK;
}
