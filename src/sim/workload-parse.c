// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload-parse.c - the workload script language (swapfs-workload(5)):
 * a script's text, line by line, into statements. A line is blank, a
 * comment, or a keyword with positional arguments and key=value options;
 * what a line says is checked on that line (syntax, bounds, options), the
 * block structure (repeat ... end) as lines come, and each statement's
 * tags by workload-check.c as it is appended.
 *
 * Limitations: the limits of workload.h (WORKLOAD_*_MAX); at most
 * WL_TOKS_MAX words a line; no control character but the tab (a carriage
 * return neither); other bytes pass, but only comments and snapshot
 * notes give UTF-8 a meaning.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workload-check.h"
#include "workload-internal.h"
#include "workload-num.h"
#include "workload-script.h"

#define WL_TOKS_MAX		16u
#define WL_MAPCOUNT_MAX		65535u
/* The largest device any page size describes: 2^32 slots of 256 KiB. */
#define WL_DEVICE_MAX		(1ull << 50)

struct wl_tok {
	const char *s;
	size_t len;
};

struct wl_parser {
	const char *path;
	struct diag *d;
	struct wl_script *sc;
	struct wl_check chk;	/* the tags' checks, fed statement by statement */
	unsigned long line;
	uint32_t open[WORKLOAD_DEPTH_MAX];	/* statement index of each open repeat */
	uint64_t mult[WORKLOAD_DEPTH_MAX + 1];	/* runs of a statement at each depth */
	unsigned int depth;
	uint32_t device_line;
	bool body_seen;		/* a statement other than device */
};

/* A rule broken on the line being parsed. */
static int __attribute__((format(printf, 3, 4)))
wl_err(struct wl_parser *p, const char *rule, const char *fmt, ...)
{
	char msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_line(p->d, p->path, p->line, rule, "%s", msg);
}

static int wl_nomem(struct wl_parser *p)
{
	return diag_errno(p->d, p->path, -ENOMEM);
}

static bool wl_tok_is(const struct wl_tok *t, const char *word)
{
	size_t n = strlen(word);

	return t->len == n && !memcmp(t->s, word, n);
}

static bool wl_tag_name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > WORKLOAD_TAG_LEN_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* A tag argument: its index, interned if new, with its checks' state. */
static int wl_tag_arg(struct wl_parser *p, const struct wl_tok *t,
		      uint32_t *idx)
{
	int rc;

	if (!wl_tag_name_ok(t->s, t->len))
		return wl_err(p, "wl-tag-name",
			      "'%.*s' is not a tag name: 1 to %u of A-Z a-z 0-9 _ . -",
			      (int)(t->len > 80 ? 80 : t->len), t->s,
			      WORKLOAD_TAG_LEN_MAX);
	rc = wl_script_tag(p->sc, t->s, t->len, idx);
	if (rc == -ENOSPC)
		return wl_err(p, "wl-tags-max",
			      "more than %u distinct tags", WORKLOAD_TAGS_MAX);
	if (rc)
		return wl_nomem(p);
	return wl_check_track(&p->chk);
}

/* A number of at most @max; out of range is @rule's business. */
static int wl_number(struct wl_parser *p, const struct wl_tok *t,
		     uint64_t max, const char *rule, const char *what,
		     uint64_t *out)
{
	int rc = wl_num_parse(t->s, t->len, max, out);

	if (rc == -EINVAL)
		return wl_err(p, "wl-number",
			      "%s '%.*s' is not a decimal number", what,
			      (int)(t->len > 80 ? 80 : t->len), t->s);
	if (rc)
		return wl_err(p, rule, "%s %.*s is above %" PRIu64,
			      what, (int)(t->len > 80 ? 80 : t->len), t->s, max);
	return 0;
}

static int wl_order_arg(struct wl_parser *p, const struct wl_tok *t,
			uint8_t *order)
{
	uint64_t v;
	int rc = wl_number(p, t, SNAPSHOT_MAX_ORDER, "wl-order", "order", &v);

	if (!rc)
		*order = (uint8_t)v;
	return rc;
}

/* Options: key=value tokens, each allowed only on some statements. */
enum {
	WL_OPT_TAG,
	WL_OPT_MAPCOUNT,
	WL_OPT_CPU,
	WL_OPT_STAGE,
	WL_NR_OPTS,
};

static const char *const wl_opt_names[WL_NR_OPTS] = {
	[WL_OPT_TAG]		= "tag",
	[WL_OPT_MAPCOUNT]	= "mapcount",
	[WL_OPT_CPU]		= "cpu",
	[WL_OPT_STAGE]		= "stage",
};

struct wl_opts {
	unsigned int seen;	/* bit per WL_OPT_* */
	struct wl_tok val[WL_NR_OPTS];
};

struct wl_keyword;
typedef int (*wl_parse_fn)(struct wl_parser *p, struct wl_stmt *st,
			   const struct wl_tok *arg, unsigned int nr,
			   const struct wl_opts *o);

struct wl_keyword {
	const char *name;
	uint8_t op;
	uint8_t min, max;	/* positional arguments */
	unsigned int opts;	/* bit per allowed WL_OPT_* */
	const char *usage;
	wl_parse_fn parse;
};

static int wl_parse_options(struct wl_parser *p, const struct wl_keyword *kw,
			    const struct wl_tok *opt, unsigned int nr,
			    struct wl_opts *o)
{
	unsigned int i, k;

	for (i = 0; i < nr; i++) {
		const char *eq = memchr(opt[i].s, '=', opt[i].len);
		size_t klen = (size_t)(eq - opt[i].s);
		struct wl_tok key = { opt[i].s, klen };

		for (k = 0; k < WL_NR_OPTS; k++)
			if (wl_tok_is(&key, wl_opt_names[k]))
				break;
		if (k == WL_NR_OPTS || !(kw->opts & (1u << k)))
			return wl_err(p, "wl-unknown-option",
				      "%s takes no option '%.*s'", kw->name,
				      (int)(klen > 64 ? 64 : klen), opt[i].s);
		if (o->seen & (1u << k))
			return wl_err(p, "wl-option-dup",
				      "option '%s' given twice", wl_opt_names[k]);
		if (klen + 1 == opt[i].len)
			return wl_err(p, "wl-option-value",
				      "option '%s' has no value", wl_opt_names[k]);
		o->seen |= 1u << k;
		o->val[k].s = eq + 1;
		o->val[k].len = opt[i].len - klen - 1;
	}
	return 0;
}

static int wl_cpu_value(struct wl_parser *p, const struct wl_tok *t,
			int32_t *cpu)
{
	uint64_t v;
	int rc = wl_number(p, t, SIM_MAX_CPUS - 1, "wl-cpu", "cpu", &v);

	if (!rc)
		*cpu = (int32_t)v;
	return rc;
}

static int wl_parse_device(struct wl_parser *p, struct wl_stmt *st,
			   const struct wl_tok *arg, unsigned int nr,
			   const struct wl_opts *o)
{
	int rc = wl_num_parse_size(arg[0].s, arg[0].len, WL_DEVICE_MAX, &st->value);

	if (rc || !st->value)
		return wl_err(p, "wl-size",
			      "device size '%.*s': a byte count with K, M, G or T, 1 to 1P",
			      (int)(arg[0].len > 64 ? 64 : arg[0].len), arg[0].s);
	if (p->device_line)
		return wl_err(p, "wl-device-late",
			      "device given twice (first at line %u)",
			      p->device_line);
	if (p->body_seen)
		return wl_err(p, "wl-device-late",
			      "device must come before every other statement");
	p->device_line = (uint32_t)p->line;
	return 0;
}

static int wl_parse_swapout(struct wl_parser *p, struct wl_stmt *st,
			    const struct wl_tok *arg, unsigned int nr,
			    const struct wl_opts *o)
{
	uint64_t count, v;
	int rc;

	rc = wl_order_arg(p, &arg[0], &st->order);
	if (!rc)
		rc = wl_number(p, &arg[1], WORKLOAD_COUNT_MAX, "wl-count",
			       "count", &count);
	if (rc)
		return rc;
	if (!count)
		return wl_err(p, "wl-count", "count 0: nothing to swap out");
	if ((count << st->order) > WORKLOAD_PAGES_MAX)
		return wl_err(p, "wl-count",
			      "%" PRIu64 " folios of order %u are more than %u pages",
			      count, st->order, WORKLOAD_PAGES_MAX);
	st->count = (uint32_t)count;
	if (!(o->seen & (1u << WL_OPT_TAG)))
		return wl_err(p, "wl-option-missing",
			      "swapout needs tag=NAME");
	rc = wl_tag_arg(p, &o->val[WL_OPT_TAG], &st->tag);
	if (rc)
		return rc;
	st->stage = WL_STAGE_WRITTEN;
	if (o->seen & (1u << WL_OPT_STAGE)) {
		const struct wl_tok *t = &o->val[WL_OPT_STAGE];

		if (wl_tok_is(t, "cache"))
			st->stage = WL_STAGE_CACHE;
		else if (wl_tok_is(t, "unmapped"))
			st->stage = WL_STAGE_UNMAPPED;
		else if (!wl_tok_is(t, "written"))
			return wl_err(p, "wl-stage",
				      "stage '%.*s': cache, unmapped or written",
				      (int)(t->len > 64 ? 64 : t->len), t->s);
	}
	st->mapcount = 1;
	if (o->seen & (1u << WL_OPT_MAPCOUNT)) {
		rc = wl_number(p, &o->val[WL_OPT_MAPCOUNT], WL_MAPCOUNT_MAX,
			       "wl-mapcount", "mapcount", &v);
		if (rc)
			return rc;
		if (!v)
			return wl_err(p, "wl-mapcount",
				      "mapcount 0: a swapped-out page is mapped at least once");
		if (st->stage == WL_STAGE_CACHE)
			return wl_err(p, "wl-mapcount",
				      "mapcount with stage=cache: a folio only allocated has no references");
		st->mapcount = (uint32_t)v;
	}
	if (st->stage == WL_STAGE_CACHE)
		st->mapcount = 0;
	if (o->seen & (1u << WL_OPT_CPU))
		return wl_cpu_value(p, &o->val[WL_OPT_CPU], &st->cpu);
	return 0;
}

static int wl_parse_tag_only(struct wl_parser *p, struct wl_stmt *st,
			     const struct wl_tok *arg, unsigned int nr,
			     const struct wl_opts *o)
{
	return wl_tag_arg(p, &arg[0], &st->tag);
}

static int wl_parse_free(struct wl_parser *p, struct wl_stmt *st,
			 const struct wl_tok *arg, unsigned int nr,
			 const struct wl_opts *o)
{
	uint64_t first, n;
	int rc;

	if (nr == 2)
		return wl_err(p, "wl-args",
			      "free takes TAG, or TAG FIRST NR");
	rc = wl_tag_arg(p, &arg[0], &st->tag);
	if (rc || nr == 1)
		return rc;
	rc = wl_number(p, &arg[1], WORKLOAD_PAGES_MAX - 1, "wl-range",
		       "first page", &first);
	if (!rc)
		rc = wl_number(p, &arg[2], WORKLOAD_PAGES_MAX, "wl-range",
			       "page count", &n);
	if (rc)
		return rc;
	if (!n)
		return wl_err(p, "wl-range", "page count 0: nothing to free");
	st->has_range = true;
	st->first = (uint32_t)first;
	st->nr = (uint32_t)n;
	return 0;
}

static int wl_parse_swapin(struct wl_parser *p, struct wl_stmt *st,
			   const struct wl_tok *arg, unsigned int nr,
			   const struct wl_opts *o)
{
	int rc = wl_tag_arg(p, &arg[0], &st->tag);

	if (!rc && nr == 2) {
		rc = wl_order_arg(p, &arg[1], &st->order);
		st->has_order = true;
	}
	if (!rc && (o->seen & (1u << WL_OPT_CPU)))
		rc = wl_cpu_value(p, &o->val[WL_OPT_CPU], &st->cpu);
	return rc;
}

static int wl_parse_split(struct wl_parser *p, struct wl_stmt *st,
			  const struct wl_tok *arg, unsigned int nr,
			  const struct wl_opts *o)
{
	int rc = wl_tag_arg(p, &arg[0], &st->tag);

	return rc ? rc : wl_order_arg(p, &arg[1], &st->order);
}

static int wl_parse_backing(struct wl_parser *p, struct wl_stmt *st,
			    const struct wl_tok *arg, unsigned int nr,
			    const struct wl_opts *o)
{
	int rc = wl_tag_arg(p, &arg[0], &st->tag);

	st->on = true;
	if (rc || nr == 1)
		return rc;
	if (wl_tok_is(&arg[1], "off"))
		st->on = false;
	else if (!wl_tok_is(&arg[1], "on"))
		return wl_err(p, "wl-on-off", "'%.*s': on or off",
			      (int)(arg[1].len > 64 ? 64 : arg[1].len), arg[1].s);
	return 0;
}

static int wl_parse_cpu(struct wl_parser *p, struct wl_stmt *st,
			const struct wl_tok *arg, unsigned int nr,
			const struct wl_opts *o)
{
	if (wl_tok_is(&arg[0], "rr")) {
		st->cpu = -1;
		return 0;
	}
	return wl_cpu_value(p, &arg[0], &st->cpu);
}

static int wl_parse_repeat(struct wl_parser *p, struct wl_stmt *st,
			   const struct wl_tok *arg, unsigned int nr,
			   const struct wl_opts *o)
{
	uint64_t v;
	int rc = wl_number(p, &arg[0], WORKLOAD_REPEAT_MAX, "wl-count",
			   "repeat count", &v);

	if (rc)
		return rc;
	if (p->depth >= WORKLOAD_DEPTH_MAX)
		return wl_err(p, "wl-repeat-depth",
			      "repeat blocks nest at most %u deep",
			      WORKLOAD_DEPTH_MAX);
	st->count = (uint32_t)v;
	return 0;
}

static int wl_parse_expect(struct wl_parser *p, struct wl_stmt *st,
			   const struct wl_tok *arg, unsigned int nr,
			   const struct wl_opts *o)
{
	int c;

	if (wl_tok_is(&arg[0], "inuse")) {
		if (nr != 2)
			return wl_err(p, "wl-args",
				      "expect inuse takes one number");
		st->counter = WL_EXPECT_INUSE;
		return wl_number(p, &arg[1], UINT64_MAX, "wl-number", "value",
				 &st->value);
	}
	for (c = 0; c < SIM_NR_COUNTERS; c++)
		if (wl_tok_is(&arg[0], sim_counter_name(c)))
			break;
	if (c == SIM_NR_COUNTERS)
		return wl_err(p, "wl-counter",
			      "'%.*s': inuse, swpout, swpout_fallback, swpin or swpin_fallback",
			      (int)(arg[0].len > 64 ? 64 : arg[0].len), arg[0].s);
	if (nr != 3)
		return wl_err(p, "wl-args",
			      "expect %s takes ORDER and a number",
			      sim_counter_name(c));
	st->counter = c;
	if (wl_order_arg(p, &arg[1], &st->order))
		return -EINVAL;
	return wl_number(p, &arg[2], UINT64_MAX, "wl-number", "value",
			 &st->value);
}

static const struct wl_keyword wl_keywords[] = {
	{ "device", WL_OP_DEVICE, 1, 1, 0, "device SIZE", wl_parse_device },
	{ "swapout", WL_OP_SWAPOUT, 2, 2,
	  1u << WL_OPT_TAG | 1u << WL_OPT_MAPCOUNT | 1u << WL_OPT_CPU |
	  1u << WL_OPT_STAGE,
	  "swapout ORDER COUNT tag=T [mapcount=N] [cpu=N] [stage=S]",
	  wl_parse_swapout },
	{ "unmap", WL_OP_UNMAP, 1, 1, 0, "unmap TAG", wl_parse_tag_only },
	{ "writeback", WL_OP_WRITEBACK, 1, 1, 0, "writeback TAG",
	  wl_parse_tag_only },
	{ "free", WL_OP_FREE, 1, 3, 0, "free TAG [FIRST NR]", wl_parse_free },
	{ "swapin", WL_OP_SWAPIN, 1, 2, 1u << WL_OPT_CPU,
	  "swapin TAG [ORDER] [cpu=N]", wl_parse_swapin },
	{ "fork", WL_OP_FORK, 1, 1, 0, "fork TAG", wl_parse_tag_only },
	{ "split", WL_OP_SPLIT, 2, 2, 0, "split TAG ORDER", wl_parse_split },
	{ "zswap", WL_OP_ZSWAP, 1, 2, 0, "zswap TAG [on|off]", wl_parse_backing },
	{ "zero", WL_OP_ZERO, 1, 2, 0, "zero TAG [on|off]", wl_parse_backing },
	{ "discard", WL_OP_DISCARD, 0, 0, 0, "discard", NULL },
	{ "cpu", WL_OP_CPU, 1, 1, 0, "cpu N|rr", wl_parse_cpu },
	{ "repeat", WL_OP_REPEAT, 1, 1, 0, "repeat N", wl_parse_repeat },
	{ "end", WL_OP_END, 0, 0, 0, "end", NULL },
	{ "snapshot", WL_OP_SNAPSHOT, 0, 0, 0, "snapshot [NOTE...]", NULL },
	{ "expect", WL_OP_EXPECT, 2, 3, 0,
	  "expect inuse N, or expect COUNTER ORDER N", wl_parse_expect },
};

/* Bytes a line may hold: text, blanks, tabs; UTF-8 is for comments and notes. */
static int wl_line_ok(struct wl_parser *p, const char *s, size_t len)
{
	size_t i;

	if (len > WORKLOAD_LINE_MAX)
		return wl_err(p, "wl-line-long",
			      "line longer than %u bytes", WORKLOAD_LINE_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f)
			continue;
		if (c == '\t')
			continue;
		if (c == '\r')
			return wl_err(p, "wl-text",
				      "carriage return: lines end with a newline only");
		return wl_err(p, "wl-text",
			      "control character 0x%02x at column %zu", c, i + 1);
	}
	return 0;
}

static bool wl_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The line without its comment: '#' at its start or after a blank. */
static size_t wl_strip_comment(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '#' && (!i || wl_blank(s[i - 1])))
			return i;
	return len;
}

static const struct wl_keyword *wl_keyword(const struct wl_tok *t)
{
	size_t i;

	for (i = 0; i < sizeof(wl_keywords) / sizeof(wl_keywords[0]); i++)
		if (wl_tok_is(t, wl_keywords[i].name))
			return &wl_keywords[i];
	return NULL;
}

static int wl_snapshot_note(struct wl_parser *p, struct wl_stmt *st,
			    const char *s, size_t len)
{
	while (len && wl_blank(*s)) {
		s++;
		len--;
	}
	while (len && wl_blank(s[len - 1]))
		len--;
	if (!len)
		return 0;
	st->note = strndup(s, len);
	return st->note ? 0 : wl_nomem(p);
}

/*
 * A statement was appended: the block structure follows (a repeat opens a
 * block, an end closes the innermost and links the two), and the checks
 * see it. Also counts what a run executes, for progress.
 */
static int wl_structure(struct wl_parser *p, size_t idx)
{
	struct wl_script *sc = p->sc;
	struct wl_stmt *st = &sc->stmts[idx];
	uint64_t m = p->mult[p->depth];
	size_t r;
	int rc;

	sc->total = sc->total + m < sc->total ? UINT64_MAX : sc->total + m;
	if (st->op == WL_OP_REPEAT) {
		p->open[p->depth] = (uint32_t)idx;
		rc = wl_check_repeat_open(&p->chk, p->depth, st);
		if (rc)
			return rc;
		m = st->count && m > UINT64_MAX / st->count ? UINT64_MAX :
		    m * st->count;
		p->mult[++p->depth] = m;
		return 0;
	}
	if (st->op != WL_OP_END)
		return wl_check_stmt(&p->chk, st);
	if (!p->depth)
		return wl_err(p, "wl-end", "end without repeat");
	r = p->open[--p->depth];
	st->jump = (uint32_t)r;
	sc->stmts[r].jump = (uint32_t)idx;
	return wl_check_repeat_close(&p->chk, p->depth, r);
}

static int wl_parse_line(struct wl_parser *p, const char *s, size_t len)
{
	struct wl_tok tok[WL_TOKS_MAX], pos[WL_TOKS_MAX], opt[WL_TOKS_MAX];
	const struct wl_keyword *kw;
	struct wl_opts o = { 0 };
	unsigned int nt = 0, np = 0, no = 0, i;
	struct wl_stmt st = { .cpu = -1, .line = (uint32_t)p->line };
	struct wl_script *sc = p->sc;
	size_t at = 0;
	int rc;

	rc = wl_line_ok(p, s, len);
	if (rc)
		return rc;
	len = wl_strip_comment(s, len);
	while (at < len) {
		size_t start;

		while (at < len && wl_blank(s[at]))
			at++;
		if (at == len)
			break;
		start = at;
		while (at < len && !wl_blank(s[at]))
			at++;
		if (nt == WL_TOKS_MAX)
			return wl_err(p, "wl-args", "too many words");
		tok[nt].s = s + start;
		tok[nt++].len = at - start;
		/* a snapshot's note is the rest of the line, as written */
		if (nt == 1 && wl_tok_is(&tok[0], "snapshot"))
			break;
	}
	if (!nt)
		return 0;
	kw = wl_keyword(&tok[0]);
	if (!kw)
		return wl_err(p, "wl-unknown-stmt",
			      "unknown statement '%.*s'",
			      (int)(tok[0].len > 64 ? 64 : tok[0].len), tok[0].s);
	st.op = kw->op;
	if (kw->op == WL_OP_SNAPSHOT) {
		rc = wl_snapshot_note(p, &st, s + at, len - at);
		if (rc)
			return rc;
	} else {
		for (i = 1; i < nt; i++) {
			if (memchr(tok[i].s, '=', tok[i].len))
				opt[no++] = tok[i];
			else
				pos[np++] = tok[i];
		}
		rc = wl_parse_options(p, kw, opt, no, &o);
		if (rc)
			return rc;
		if (np < kw->min || np > kw->max)
			return wl_err(p, "wl-args", "%s: usage: %s",
				      np < kw->min ? "missing argument" :
				      "extra argument", kw->usage);
		if (kw->parse) {
			rc = kw->parse(p, &st, pos, np, &o);
			if (rc)
				return rc;
		}
	}
	if (kw->op != WL_OP_DEVICE)
		p->body_seen = true;
	if (wl_script_append(sc, &st)) {
		free(st.note);
		return wl_nomem(p);
	}
	return wl_structure(p, sc->nr - 1);
}

static int wl_parse_text(struct wl_parser *p, const char *text, size_t len)
{
	size_t at = 0;
	int rc;

	if (len > WORKLOAD_FILE_MAX)
		return diag_line(p->d, p->path, 0, "wl-file-size",
				 "larger than %u bytes", WORKLOAD_FILE_MAX);
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;

		p->line++;
		rc = wl_parse_line(p, text + at, n);
		if (rc)
			return rc;
		at += n + 1;
	}
	if (p->depth) {
		const struct wl_stmt *r = &p->sc->stmts[p->open[p->depth - 1]];

		return diag_line(p->d, p->path, r->line, "wl-repeat-open",
				 "repeat without end");
	}
	return 0;
}

int workload_parse(const char *path, const char *text, size_t len,
		   struct workload **out, struct diag *d)
{
	struct wl_parser p = { .path = path, .d = d, .mult = { 1 } };
	struct workload *w;
	size_t i;
	int rc;

	diag_clear(d);
	w = workload_new(WL_SCRIPT, path);
	if (!w)
		return diag_errno(d, path, -ENOMEM);
	w->script = p.sc = wl_script_new();
	if (!p.sc) {
		workload_free(w);
		return diag_errno(d, path, -ENOMEM);
	}
	wl_check_init(&p.chk, path, d, p.sc);
	rc = wl_parse_text(&p, text, len);
	wl_check_free(&p.chk);
	if (rc) {
		workload_free(w);
		return rc;
	}
	for (i = 0; i < p.sc->nr; i++)
		if (p.sc->stmts[i].op == WL_OP_DEVICE)
			w->device_bytes = p.sc->stmts[i].value;
	*out = w;
	return 0;
}

int workload_load_file(const char *path, struct workload **out,
		       struct diag *d)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, rc;

	diag_clear(d);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return diag_errno(d, path, -errno);
	if (fstat(fd, &st)) {
		rc = -errno;
		close(fd);
		return diag_errno(d, path, rc);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return diag_line(d, path, 0, "wl-file-type", "is not a regular file");
	}
	if (st.st_size > WORKLOAD_FILE_MAX) {
		close(fd);
		return diag_line(d, path, 0, "wl-file-size",
				 "larger than %u bytes", WORKLOAD_FILE_MAX);
	}
	/* one byte more than the limit: a file growing under us is caught */
	buf = malloc(WORKLOAD_FILE_MAX + 1u);
	if (!buf) {
		close(fd);
		return diag_errno(d, path, -ENOMEM);
	}
	for (;;) {
		ssize_t n = read(fd, buf + got, WORKLOAD_FILE_MAX + 1u - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			close(fd);
			free(buf);
			return diag_errno(d, path, rc);
		}
		if (!n || (got += (size_t)n) > WORKLOAD_FILE_MAX)
			break;
	}
	close(fd);
	rc = workload_parse(path, buf, got, out, d);
	free(buf);
	return rc;
}

