// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workload.c - the workload script (swapfs-workload(5)): parsed into
 * statements, checked, run against the simulator; and the entry points all
 * workloads share (workload.h). The generators are in workload-builtin.c.
 *
 * Checking. What a line says is checked on that line (syntax, bounds,
 * options). Tags are checked by walking the statements with a state per
 * tag: undefined, defined, or released (freed whole: it may still hold
 * references, so it can be used, and defined again once a run finds it
 * empty). A repeat block of N >= 2 is walked twice: a body leaves each tag
 * in the state its last defining or freeing statement gives, whatever the
 * state before, so the second walk starts where every later iteration
 * starts and sees what the first one leaves behind (a tag defined in the
 * body and never freed is defined twice). Nested blocks cost 2^depth walks
 * of the innermost body, one reason for WORKLOAD_DEPTH_MAX.
 *
 * Running. A tag keeps per page the slot it holds, the references (swap
 * PTEs) it holds on it, and whether a swap-cache folio still holds it, of
 * which order. Each statement acts on the pages in the state it applies to
 * and leaves the others alone, as madvise() does. The allocator may
 * reclaim a cache-only folio (count 0) once vm_swap_full(), so pages in
 * that state are also kept in a small hash by slot: an allocation that
 * returns one of them means the folio was reclaimed and its slots reused,
 * and after a swapout or free that may have met vm_swap_full() the rest
 * are checked against the device.
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

#include "swapfs/workload.h"
#include "workload-builtin.h"

#define WL_TOKS_MAX		16u
#define WL_MAPCOUNT_MAX		65535u
/* The largest device any page size describes: 2^32 slots of 256 KiB. */
#define WL_DEVICE_MAX		(1ull << 50)

enum wl_op {
	WL_OP_DEVICE,
	WL_OP_SWAPOUT,
	WL_OP_UNMAP,
	WL_OP_WRITEBACK,
	WL_OP_FREE,
	WL_OP_SWAPIN,
	WL_OP_FORK,
	WL_OP_SPLIT,
	WL_OP_ZSWAP,
	WL_OP_ZERO,
	WL_OP_DISCARD,
	WL_OP_CPU,
	WL_OP_REPEAT,
	WL_OP_END,
	WL_OP_SNAPSHOT,
	WL_OP_EXPECT,
};

enum wl_stage {
	WL_STAGE_WRITTEN = 0,
	WL_STAGE_CACHE,
	WL_STAGE_UNMAPPED,
};

/* What an expect statement compares: sim_inuse() or a counter. */
#define WL_EXPECT_INUSE		(-1)

struct wl_stmt {
	uint8_t op;		/* enum wl_op */
	uint8_t order;		/* swapout, swapin, split, expect */
	uint8_t stage;		/* swapout: enum wl_stage */
	bool has_order;		/* swapin ORDER given */
	bool has_range;		/* free FIRST NR given */
	bool on;		/* zswap, zero */
	uint32_t line;
	uint32_t tag;		/* index into wl_script.tags */
	int32_t cpu;		/* swapout/swapin cpu=, cpu N; -1: none / rr */
	int32_t counter;	/* expect: enum sim_counter or WL_EXPECT_INUSE */
	uint32_t count;		/* swapout COUNT, repeat N */
	uint32_t mapcount;	/* swapout */
	uint32_t first, nr;	/* free */
	uint32_t jump;		/* repeat: its end; end: its repeat */
	uint64_t value;		/* expect N, device SIZE */
	char *note;		/* snapshot */
};

struct wl_script {
	struct wl_stmt *stmts;
	size_t nr, alloc;
	char **tags;
	uint32_t nr_tags, alloc_tags;
	uint32_t *hash;		/* tag index + 1; 0 empty */
	uint32_t hash_size;	/* power of two, > 2 * nr_tags */
	uint64_t total;		/* statements a run executes, saturated */
};

/* ---- small parsers shared with the generators ----------------------- */

int wl_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int c = (unsigned char)s[i] - '0';

		if (c > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - c) / 10)
			return -ERANGE;
		v = v * 10 + c;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int wl_parse_size(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	size_t digits = 0;
	unsigned int shift = 0;
	uint64_t v;
	int rc;

	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits < len) {
		switch (s[digits] | 0x20) {
		case 'k':
			shift = 10;
			break;
		case 'm':
			shift = 20;
			break;
		case 'g':
			shift = 30;
			break;
		case 't':
			shift = 40;
			break;
		default:
			return -EINVAL;
		}
		if (len - digits == 3 && s[digits + 1] == 'i' && s[digits + 2] == 'B')
			len -= 2;
		if (len - digits != 1)
			return -EINVAL;
	}
	rc = wl_parse_u64(s, digits, UINT64_MAX >> shift, &v);
	if (rc)
		return rc == -ERANGE ? -ERANGE : -EINVAL;
	v <<= shift;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* ---- parsing -------------------------------------------------------- */

struct wl_tok {
	const char *s;
	size_t len;
};

/* Tag states, as the checker walks the statements. */
enum {
	WL_TAG_UNDEF = 0,
	WL_TAG_DEF,
	WL_TAG_RELEASED,
};

struct wl_tagstate {
	uint8_t state;
	uint32_t def_line;	/* of the swapout that defined it */
	uint64_t pages;		/* that swapout's COUNT << ORDER */
};

struct wl_parser {
	const char *path;
	struct diag *d;
	struct wl_script *sc;
	unsigned long line;
	struct wl_tagstate *ts;	/* by tag index */
	uint32_t alloc_ts;
	uint32_t open[WORKLOAD_DEPTH_MAX];	/* statement index of each open repeat */
	struct wl_tagstate *saved[WORKLOAD_DEPTH_MAX];	/* at an open 'repeat 0' */
	uint32_t nr_saved[WORKLOAD_DEPTH_MAX];
	uint64_t mult[WORKLOAD_DEPTH_MAX + 1];	/* runs of a statement at each depth */
	unsigned int depth;
	unsigned long again;	/* line of the repeat walked again, else 0 */
	uint32_t device_line;
	bool body_seen;		/* a statement other than device */
};

static int __attribute__((format(printf, 4, 5)))
wl_err(struct wl_parser *p, unsigned long line, const char *rule,
       const char *fmt, ...)
{
	char msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->again)
		return diag_line(p->d, p->path, line, rule,
				 "%s (second run of the repeat at line %lu)",
				 msg, p->again);
	return diag_line(p->d, p->path, line, rule, "%s", msg);
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

static int wl_grow(void **arr, size_t *alloc, size_t nr, size_t size)
{
	size_t want;
	void *q;

	if (nr < *alloc)
		return 0;
	want = *alloc ? *alloc * 2 : 64;
	q = reallocarray(*arr, want, size);
	if (!q)
		return -ENOMEM;
	*arr = q;
	*alloc = want;
	return 0;
}

static uint32_t wl_hash_name(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
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

static int wl_hash_rebuild(struct wl_script *sc, uint32_t size)
{
	uint32_t *h = calloc(size, sizeof(*h));
	uint32_t i;

	if (!h)
		return -ENOMEM;
	for (i = 0; i < sc->nr_tags; i++) {
		uint32_t k = wl_hash_name(sc->tags[i], strlen(sc->tags[i]));

		while (h[k & (size - 1)])
			k++;
		h[k & (size - 1)] = i + 1;
	}
	free(sc->hash);
	sc->hash = h;
	sc->hash_size = size;
	return 0;
}

/* The index of tag @t (validated by the caller), created if new. */
static int wl_tag_intern(struct wl_parser *p, const struct wl_tok *t,
			 uint32_t *idx)
{
	struct wl_script *sc = p->sc;
	uint32_t k = wl_hash_name(t->s, t->len), i;
	size_t alloc;
	char *name;

	for (;; k++) {
		i = sc->hash[k & (sc->hash_size - 1)];
		if (!i)
			break;
		if (!strncmp(sc->tags[i - 1], t->s, t->len) &&
		    !sc->tags[i - 1][t->len]) {
			*idx = i - 1;
			return 0;
		}
	}
	if (sc->nr_tags >= WORKLOAD_TAGS_MAX)
		return wl_err(p, p->line, "wl-tags-max",
			      "more than %u distinct tags", WORKLOAD_TAGS_MAX);
	alloc = sc->alloc_tags;
	if (wl_grow((void **)&sc->tags, &alloc, sc->nr_tags, sizeof(*sc->tags)))
		return wl_nomem(p);
	sc->alloc_tags = (uint32_t)alloc;
	if (sc->alloc_tags > p->alloc_ts) {
		struct wl_tagstate *ts = reallocarray(p->ts, sc->alloc_tags,
						      sizeof(*ts));

		if (!ts)
			return wl_nomem(p);
		memset(ts + p->alloc_ts, 0,
		       (sc->alloc_tags - p->alloc_ts) * sizeof(*ts));
		p->ts = ts;
		p->alloc_ts = sc->alloc_tags;
	}
	name = strndup(t->s, t->len);
	if (!name)
		return wl_nomem(p);
	sc->hash[k & (sc->hash_size - 1)] = sc->nr_tags + 1;
	sc->tags[sc->nr_tags] = name;
	*idx = sc->nr_tags++;
	if (sc->nr_tags * 2 >= sc->hash_size &&
	    wl_hash_rebuild(sc, sc->hash_size * 2))
		return wl_nomem(p);
	return 0;
}

static int wl_tag_arg(struct wl_parser *p, const struct wl_tok *t,
		      uint32_t *idx)
{
	if (!wl_tag_name_ok(t->s, t->len))
		return wl_err(p, p->line, "wl-tag-name",
			      "'%.*s' is not a tag name: 1 to %u of A-Z a-z 0-9 _ . -",
			      (int)(t->len > 80 ? 80 : t->len), t->s,
			      WORKLOAD_TAG_LEN_MAX);
	return wl_tag_intern(p, t, idx);
}

/* A number of at most @max; out of range is @rule's business. */
static int wl_number(struct wl_parser *p, const struct wl_tok *t,
		     uint64_t max, const char *rule, const char *what,
		     uint64_t *out)
{
	int rc = wl_parse_u64(t->s, t->len, max, out);

	if (rc == -EINVAL)
		return wl_err(p, p->line, "wl-number",
			      "%s '%.*s' is not a decimal number", what,
			      (int)(t->len > 80 ? 80 : t->len), t->s);
	if (rc)
		return wl_err(p, p->line, rule, "%s %.*s is above %" PRIu64,
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
			return wl_err(p, p->line, "wl-unknown-option",
				      "%s takes no option '%.*s'", kw->name,
				      (int)(klen > 64 ? 64 : klen), opt[i].s);
		if (o->seen & (1u << k))
			return wl_err(p, p->line, "wl-option-dup",
				      "option '%s' given twice", wl_opt_names[k]);
		if (klen + 1 == opt[i].len)
			return wl_err(p, p->line, "wl-option-value",
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
	int rc = wl_parse_size(arg[0].s, arg[0].len, WL_DEVICE_MAX, &st->value);

	if (rc || !st->value)
		return wl_err(p, p->line, "wl-size",
			      "device size '%.*s': a byte count with K, M, G or T, 1 to 1P",
			      (int)(arg[0].len > 64 ? 64 : arg[0].len), arg[0].s);
	if (p->device_line)
		return wl_err(p, p->line, "wl-device-late",
			      "device given twice (first at line %u)",
			      p->device_line);
	if (p->body_seen)
		return wl_err(p, p->line, "wl-device-late",
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
		return wl_err(p, p->line, "wl-count", "count 0: nothing to swap out");
	if ((count << st->order) > WORKLOAD_PAGES_MAX)
		return wl_err(p, p->line, "wl-count",
			      "%" PRIu64 " folios of order %u are more than %u pages",
			      count, st->order, WORKLOAD_PAGES_MAX);
	st->count = (uint32_t)count;
	if (!(o->seen & (1u << WL_OPT_TAG)))
		return wl_err(p, p->line, "wl-option-missing",
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
			return wl_err(p, p->line, "wl-stage",
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
			return wl_err(p, p->line, "wl-mapcount",
				      "mapcount 0: a swapped-out page is mapped at least once");
		if (st->stage == WL_STAGE_CACHE)
			return wl_err(p, p->line, "wl-mapcount",
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
		return wl_err(p, p->line, "wl-args",
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
		return wl_err(p, p->line, "wl-range", "page count 0: nothing to free");
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
		return wl_err(p, p->line, "wl-on-off", "'%.*s': on or off",
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
		return wl_err(p, p->line, "wl-repeat-depth",
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
			return wl_err(p, p->line, "wl-args",
				      "expect inuse takes one number");
		st->counter = WL_EXPECT_INUSE;
		return wl_number(p, &arg[1], UINT64_MAX, "wl-number", "value",
				 &st->value);
	}
	for (c = 0; c < SIM_NR_COUNTERS; c++)
		if (wl_tok_is(&arg[0], sim_counter_name(c)))
			break;
	if (c == SIM_NR_COUNTERS)
		return wl_err(p, p->line, "wl-counter",
			      "'%.*s': inuse, swpout, swpout_fallback, swpin or swpin_fallback",
			      (int)(arg[0].len > 64 ? 64 : arg[0].len), arg[0].s);
	if (nr != 3)
		return wl_err(p, p->line, "wl-args",
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

/* ---- the tag checker ------------------------------------------------ */

static int wl_check_stmt(struct wl_parser *p, const struct wl_stmt *st)
{
	struct wl_tagstate *t;
	const char *name;

	switch (st->op) {
	case WL_OP_SWAPOUT:
		t = &p->ts[st->tag];
		if (t->state == WL_TAG_DEF)
			return wl_err(p, st->line, "wl-tag-defined",
				      "tag '%s' is already defined (line %u); free it first",
				      p->sc->tags[st->tag], t->def_line);
		t->state = WL_TAG_DEF;
		t->def_line = st->line;
		t->pages = (uint64_t)st->count << st->order;
		return 0;
	case WL_OP_UNMAP:
	case WL_OP_WRITEBACK:
	case WL_OP_FREE:
	case WL_OP_SWAPIN:
	case WL_OP_FORK:
	case WL_OP_SPLIT:
	case WL_OP_ZSWAP:
	case WL_OP_ZERO:
		break;
	default:
		return 0;
	}
	t = &p->ts[st->tag];
	name = p->sc->tags[st->tag];
	if (t->state == WL_TAG_UNDEF)
		return wl_err(p, st->line, "wl-unknown-tag",
			      "tag '%s' is not defined", name);
	if (st->op != WL_OP_FREE)
		return 0;
	if (!st->has_range) {
		t->state = WL_TAG_RELEASED;
		return 0;
	}
	if ((uint64_t)st->first + st->nr > t->pages)
		return wl_err(p, st->line, "wl-range",
			      "pages %u..%" PRIu64 " are outside tag '%s' (%" PRIu64 " pages, line %u)",
			      st->first, (uint64_t)st->first + st->nr - 1, name,
			      t->pages, t->def_line);
	return 0;
}

/* The tag states before a 'repeat 0' body, which never runs. */
static int wl_state_save(struct wl_parser *p, struct wl_tagstate **copy,
			 uint32_t *nr)
{
	*nr = p->sc->nr_tags;
	*copy = malloc((*nr ? *nr : 1) * sizeof(**copy));
	if (!*copy)
		return wl_nomem(p);
	if (*nr)
		memcpy(*copy, p->ts, *nr * sizeof(**copy));
	return 0;
}

static void wl_state_restore(struct wl_parser *p, struct wl_tagstate *copy,
			     uint32_t nr)
{
	if (nr)
		memcpy(p->ts, copy, nr * sizeof(*copy));
	/* tags first named in the body are undefined again */
	if (p->sc->nr_tags > nr)
		memset(p->ts + nr, 0, (p->sc->nr_tags - nr) * sizeof(*copy));
	free(copy);
}

static int wl_walk(struct wl_parser *p, size_t from, size_t to);

/* Walk the body of the repeat at @r as a run would: 0, 1 or 2+ times. */
static int wl_walk_repeat(struct wl_parser *p, size_t r)
{
	const struct wl_stmt *st = &p->sc->stmts[r];
	struct wl_tagstate *copy;
	unsigned long again;
	uint32_t nr;
	int rc;

	if (!st->count) {
		rc = wl_state_save(p, &copy, &nr);
		if (rc)
			return rc;
		rc = wl_walk(p, r + 1, st->jump);
		wl_state_restore(p, copy, nr);
		return rc;
	}
	rc = wl_walk(p, r + 1, st->jump);
	if (rc || st->count == 1)
		return rc;
	again = p->again;
	p->again = st->line;
	rc = wl_walk(p, r + 1, st->jump);
	p->again = again;
	return rc;
}

static int wl_walk(struct wl_parser *p, size_t from, size_t to)
{
	size_t i = from;
	int rc;

	while (i < to) {
		const struct wl_stmt *st = &p->sc->stmts[i];

		if (st->op == WL_OP_REPEAT) {
			rc = wl_walk_repeat(p, i);
			i = st->jump + 1;
		} else {
			rc = wl_check_stmt(p, st);
			i++;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * A statement was appended: check it, first walk (a body's later runs are
 * walked at its end). Also counts what a run executes, for progress.
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
		if (!st->count &&
		    wl_state_save(p, &p->saved[p->depth], &p->nr_saved[p->depth]))
			return -ENOMEM;
		m = st->count && m > UINT64_MAX / st->count ? UINT64_MAX :
		    m * st->count;
		p->mult[++p->depth] = m;
		return 0;
	}
	if (st->op != WL_OP_END)
		return wl_check_stmt(p, st);
	if (!p->depth)
		return wl_err(p, p->line, "wl-end", "end without repeat");
	r = p->open[--p->depth];
	st->jump = (uint32_t)r;
	sc->stmts[r].jump = (uint32_t)idx;
	if (!sc->stmts[r].count) {
		wl_state_restore(p, p->saved[p->depth], p->nr_saved[p->depth]);
		p->saved[p->depth] = NULL;
		return 0;
	}
	if (sc->stmts[r].count == 1)
		return 0;
	p->again = sc->stmts[r].line;
	rc = wl_walk(p, r + 1, idx);
	p->again = 0;
	return rc;
}

/* Bytes a line may hold: text, blanks, tabs; UTF-8 is for comments and notes. */
static int wl_check_text(struct wl_parser *p, const char *s, size_t len)
{
	size_t i;

	if (len > WORKLOAD_LINE_MAX)
		return wl_err(p, p->line, "wl-line-long",
			      "line longer than %u bytes", WORKLOAD_LINE_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f)
			continue;
		if (c == '\t')
			continue;
		if (c == '\r')
			return wl_err(p, p->line, "wl-text",
				      "carriage return: lines end with a newline only");
		return wl_err(p, p->line, "wl-text",
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

	rc = wl_check_text(p, s, len);
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
			return wl_err(p, p->line, "wl-args", "too many words");
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
		return wl_err(p, p->line, "wl-unknown-stmt",
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
			return wl_err(p, p->line, "wl-args", "%s: usage: %s",
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
	if (wl_grow((void **)&sc->stmts, &sc->alloc, sc->nr, sizeof(st))) {
		free(st.note);
		return wl_nomem(p);
	}
	sc->stmts[sc->nr++] = st;
	return wl_structure(p, sc->nr - 1);
}

static void wl_script_free(struct wl_script *sc)
{
	size_t i;

	if (!sc)
		return;
	for (i = 0; i < sc->nr; i++)
		free(sc->stmts[i].note);
	free(sc->stmts);
	for (i = 0; i < sc->nr_tags; i++)
		free(sc->tags[i]);
	free(sc->tags);
	free(sc->hash);
	free(sc);
}

void workload_free(struct workload *w)
{
	if (!w)
		return;
	wl_script_free(w->script);
	free(w->name);
	free(w);
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
	unsigned int i;
	int rc = -ENOMEM;

	diag_clear(d);
	w = calloc(1, sizeof(*w));
	if (!w)
		return diag_errno(d, path, -ENOMEM);
	w->kind = WL_SCRIPT;
	w->name = strdup(path);
	w->script = calloc(1, sizeof(*w->script));
	p.sc = w->script;
	if (!w->name || !p.sc || wl_hash_rebuild(p.sc, 64)) {
		diag_errno(d, path, rc);
		goto fail;
	}
	rc = wl_parse_text(&p, text, len);
	if (rc)
		goto fail;
	for (i = 0; i < p.sc->nr; i++)
		if (p.sc->stmts[i].op == WL_OP_DEVICE)
			w->device_bytes = p.sc->stmts[i].value;
	free(p.ts);
	*out = w;
	return 0;
fail:
	for (i = 0; i < WORKLOAD_DEPTH_MAX; i++)
		free(p.saved[i]);
	free(p.ts);
	workload_free(w);
	return rc;
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

/* ---- shared by every run ------------------------------------------- */

const char *workload_name(const struct workload *w)
{
	return w->name;
}

uint64_t workload_device_bytes(const struct workload *w)
{
	return w->device_bytes;
}

/* The first multiple of @every above @ops; UINT64_MAX if there is none. */
static uint64_t wl_next_multiple(uint64_t ops, uint64_t every)
{
	uint64_t k = ops / every + 1;

	return k > UINT64_MAX / every ? UINT64_MAX : k * every;
}

static void wl_ctx_next(struct wl_ctx *c)
{
	c->next = c->next_every < c->next_progress ? c->next_every :
		  c->next_progress;
}

void wl_ctx_init(struct wl_ctx *c, struct sim *sim,
		 const struct workload_hooks *h, struct diag *d,
		 const char *name)
{
	uint64_t ops = sim_ops(sim);

	memset(c, 0, sizeof(*c));
	c->sim = sim;
	c->h = h;
	c->d = d;
	c->name = name;
	c->next_every = UINT64_MAX;
	c->next_progress = UINT64_MAX;
	if (h && h->snapshot && h->every)
		c->next_every = wl_next_multiple(ops, h->every);
	if (h && h->progress)
		c->next_progress = ops + WL_PROGRESS_OPS;
	wl_ctx_next(c);
}

static int wl_hook_error(struct wl_ctx *c, int rc, const char *what)
{
	if (c->line)
		diag_line(c->d, c->name, c->line, "wl-hook", "%s: %s", what,
			  strerror(-rc));
	else
		diag_line(c->d, c->name, 0, "wl-hook",
			  "%s after %" PRIu64 " operations: %s", what,
			  sim_ops(c->sim), strerror(-rc));
	return rc;
}

int wl_ctx_snapshot(struct wl_ctx *c, const char *note)
{
	int rc;

	if (!c->h || !c->h->snapshot)
		return 0;
	rc = c->h->snapshot(c->h->arg, c->sim, note);
	return rc < 0 ? wl_hook_error(c, rc, "snapshot hook") : 0;
}

int wl_ctx_fire(struct wl_ctx *c)
{
	uint64_t ops = sim_ops(c->sim);
	int rc;

	if (ops >= c->next_every) {
		c->next_every = wl_next_multiple(ops, c->h->every);
		rc = wl_ctx_snapshot(c, NULL);
		if (rc)
			return rc;
	}
	if (ops >= c->next_progress) {
		c->next_progress = ops + WL_PROGRESS_OPS;
		c->h->progress(c->h->arg, c->done, c->total);
	}
	wl_ctx_next(c);
	return 0;
}

void wl_ctx_end(struct wl_ctx *c)
{
	if (c->h && c->h->progress)
		c->h->progress(c->h->arg, c->done, c->total);
}

int wl_sim_error(struct wl_ctx *c, int rc, const char *what, uint32_t slot)
{
	char at[32] = "";

	if (rc == -ENOMEM)
		return diag_errno(c->d, c->name, rc);
	if (slot)
		snprintf(at, sizeof(at), " at slot %" PRIu32, slot);
	if (rc == -EUCLEAN)
		diag_line(c->d, c->name, c->line, "wl-sim-check",
			  "%s%s broke a simulator invariant (see its report)",
			  what, at);
	else if (rc == -EINVAL)
		diag_line(c->d, c->name, c->line, "wl-sim",
			  "the simulator refused %s%s", what, at);
	else
		diag_line(c->d, c->name, c->line, "wl-sim", "%s%s: %s", what, at,
			  strerror(-rc));
	return rc;
}

int wl_geometry(struct sim *sim, struct wl_geometry *g, struct diag *d,
		const char *name)
{
	const struct snapshot *s;
	uint32_t i, bad = 0;
	int rc = sim_snapshot(sim, &s);

	if (rc)
		return diag_errno(d, name, rc);
	g->max = s->dev.max;
	g->page_size = s->dev.page_size;
	g->nr_orders = sim_nr_orders(sim);
	g->cpus = sim_nr_cpus(sim);
	g->discard = !!(s->dev.flags & SNAPSHOT_SWP_PAGE_DISCARD);
	g->slots = s->slots;
	if (s->dev.has_pages) {
		g->pages = s->dev.pages;
	} else {
		for (i = 0; i < s->dev.max; i++)
			bad += !!(s->slots[i] & SNAPSHOT_SLOT_BAD);
		g->pages = s->dev.max - bad;
	}
	return 0;
}

/* ---- running a script ----------------------------------------------- */

/* One page of a tag: the slot it holds and what holds the slot. */
struct wl_page {
	uint32_t slot;		/* 0: the tag holds nothing here */
	uint32_t refs:24;	/* swap references the tag holds on it */
	uint32_t order:4;	/* of its folio (in the cache, or as swapped out) */
	uint32_t cached:1;	/* a swap-cache folio holds it */
	uint32_t head:1;	/* first page of that folio */
};

struct wl_rtag {
	struct wl_page *pages;
	uint32_t nr, alloc;	/* pages tracked: up to the last allocated */
	uint64_t nominal;	/* COUNT << ORDER of its swapout */
};

/* Cache-only pages (cached, no references), by slot. */
struct wl_co_ent {
	uint32_t slot, tag, page;
};

struct wl_co {
	struct wl_co_ent *e;
	uint32_t size, nr;	/* size: power of two, 0 before first use */
};

struct wl_run {
	struct wl_ctx c;
	const struct wl_script *sc;
	struct wl_geometry g;
	struct wl_rtag *tags;
	struct wl_co co;
	uint32_t *offsets;	/* sim_swap_out()'s, 2^(nr_orders - 1) */
	int32_t cpu;		/* -1: round robin */
	uint64_t rr;
	/*
	 * vm_swap_full() may have held during an operation since the last
	 * check: only then can the simulator have reclaimed a cache-only
	 * folio, and only then is the device (O(slots)) worth looking at.
	 */
	bool may_reclaim;
};

static uint32_t wl_co_hash(const struct wl_co *co, uint32_t slot)
{
	return (slot * 0x9e3779b1u) & (co->size - 1);
}

static struct wl_co_ent *wl_co_find(struct wl_co *co, uint32_t slot)
{
	uint32_t i;

	if (!co->nr)
		return NULL;
	for (i = wl_co_hash(co, slot); co->e[i].slot; i = (i + 1) & (co->size - 1))
		if (co->e[i].slot == slot)
			return &co->e[i];
	return NULL;
}

static int wl_co_insert(struct wl_co *co, uint32_t slot, uint32_t tag,
			uint32_t page)
{
	uint32_t i;

	if ((co->nr + 1) * 2 > co->size) {
		struct wl_co old = *co;

		co->size = old.size ? old.size * 2 : 64;
		co->e = calloc(co->size, sizeof(*co->e));
		if (!co->e) {
			*co = old;
			return -ENOMEM;
		}
		co->nr = 0;
		for (i = 0; i < old.size; i++)
			if (old.e[i].slot)
				wl_co_insert(co, old.e[i].slot, old.e[i].tag,
					     old.e[i].page);
		free(old.e);
	}
	for (i = wl_co_hash(co, slot); co->e[i].slot; i = (i + 1) & (co->size - 1))
		;
	co->e[i] = (struct wl_co_ent){ slot, tag, page };
	co->nr++;
	return 0;
}

/* Linear probing: move later entries of the cluster back into the hole. */
static void wl_co_remove(struct wl_co *co, uint32_t slot)
{
	struct wl_co_ent *ent = wl_co_find(co, slot);
	uint32_t hole, i, want, mask = co->size - 1;

	if (!ent)
		return;
	hole = (uint32_t)(ent - co->e);
	co->e[hole].slot = 0;
	co->nr--;
	for (i = (hole + 1) & mask; co->e[i].slot; i = (i + 1) & mask) {
		want = wl_co_hash(co, co->e[i].slot);
		if (((i - want) & mask) >= ((i - hole) & mask)) {
			co->e[hole] = co->e[i];
			co->e[i].slot = 0;
			hole = i;
		}
	}
}

static int __attribute__((format(printf, 4, 5)))
wl_rt_err(struct wl_run *r, const struct wl_stmt *st, const char *rule,
	  const char *fmt, ...)
{
	char msg[DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_line(r->c.d, r->c.name, st->line, rule, "%s", msg);
}

static const char *wl_tag_name(const struct wl_run *r, uint32_t tag)
{
	return r->sc->tags[tag];
}

static bool wl_page_co(const struct wl_page *pg)
{
	return pg->slot && pg->cached && !pg->refs;
}

/* The page now holds nothing: forget it, also in the cache-only hash. */
static void wl_page_gone(struct wl_run *r, struct wl_page *pg)
{
	if (wl_page_co(pg))
		wl_co_remove(&r->co, pg->slot);
	pg->slot = 0;
	pg->refs = 0;
	pg->cached = 0;
	pg->head = 0;
}

/* The cache-only folio holding page @i of @tag was reclaimed. */
static void wl_folio_reclaimed(struct wl_run *r, uint32_t tag, uint32_t i)
{
	struct wl_rtag *t = &r->tags[tag];
	uint32_t head = i, n, j;

	while (head && !t->pages[head].head)
		head--;
	n = 1u << t->pages[head].order;
	for (j = head; j < head + n && j < t->nr; j++)
		if (wl_page_co(&t->pages[j]))
			wl_page_gone(r, &t->pages[j]);
}

/*
 * After a swapout or a free: cache-only folios the simulator reclaimed
 * without reusing their slots are free now (reuse is seen as it happens).
 */
static int wl_co_verify(struct wl_run *r)
{
	const struct snapshot *s;
	struct wl_co_ent *gone;
	uint32_t i, n = 0;
	int rc;

	if (!r->co.nr || !r->may_reclaim)
		return 0;
	r->may_reclaim = false;
	rc = sim_snapshot(r->c.sim, &s);
	if (rc)
		return wl_sim_error(&r->c, rc, "snapshot", 0);
	/* collected first: dropping entries moves others in the table */
	gone = malloc(r->co.nr * sizeof(*gone));
	if (!gone)
		return diag_errno(r->c.d, r->c.name, -ENOMEM);
	for (i = 0; i < r->co.size; i++)
		if (r->co.e[i].slot &&
		    !(s->slots[r->co.e[i].slot] & SNAPSHOT_SLOT_CACHED))
			gone[n++] = r->co.e[i];
	for (i = 0; i < n; i++)
		if (wl_co_find(&r->co, gone[i].slot))
			wl_folio_reclaimed(r, gone[i].tag, gone[i].page);
	free(gone);
	return 0;
}

/* An operation about to allocate up to @nr slots: could vm_swap_full() hold? */
static void wl_note_full(struct wl_run *r, uint32_t nr)
{
	if ((sim_inuse(r->c.sim) + nr) * 2 >= r->g.pages)
		r->may_reclaim = true;
}

static int wl_tag_reserve(struct wl_rtag *t, uint64_t upto)
{
	uint64_t want;
	struct wl_page *pg;

	if (upto <= t->alloc)
		return 0;
	want = t->alloc ? (uint64_t)t->alloc * 2 : 64;
	if (want < upto)
		want = upto;
	if (want > t->nominal)
		want = t->nominal;
	pg = reallocarray(t->pages, want, sizeof(*pg));
	if (!pg)
		return -ENOMEM;
	memset(pg + t->alloc, 0, (want - t->alloc) * sizeof(*pg));
	t->pages = pg;
	t->alloc = (uint32_t)want;
	return 0;
}

static unsigned int wl_pick_cpu(struct wl_run *r, const struct wl_stmt *st)
{
	if (st->cpu >= 0)
		return (unsigned int)st->cpu;
	if (r->cpu >= 0)
		return (unsigned int)r->cpu;
	return (unsigned int)(r->rr++ % r->g.cpus);
}

static int wl_check_cpu(struct wl_run *r, const struct wl_stmt *st)
{
	int32_t cpu = st->cpu >= 0 ? st->cpu : r->cpu;

	if (cpu >= 0 && (uint32_t)cpu >= r->g.cpus)
		return wl_rt_err(r, st, "wl-cpu",
				 "cpu %d: the simulated device has %u CPUs",
				 cpu, r->g.cpus);
	return 0;
}

static int wl_check_order(struct wl_run *r, const struct wl_stmt *st)
{
	if (st->order >= r->g.nr_orders)
		return wl_rt_err(r, st, "wl-order",
				 "order %u: this device has orders 0 to %u",
				 st->order, r->g.nr_orders - 1);
	return 0;
}

/* Pages the allocator just handed out may have been a tag's cache-only pages. */
static void wl_co_reused(struct wl_run *r, uint32_t slot, uint32_t n)
{
	struct wl_co_ent *e;
	uint32_t j;

	if (!r->co.nr)
		return;
	for (j = 0; j < n; j++) {
		e = wl_co_find(&r->co, slot + j);
		if (e)
			wl_folio_reclaimed(r, e->tag, e->page);
	}
}

/* Record @nr folios from r->offsets as pages from @base on. */
static int wl_swapout_record(struct wl_run *r, const struct wl_stmt *st,
			     uint64_t base, unsigned int nr, bool whole)
{
	struct wl_rtag *t = &r->tags[st->tag];
	unsigned int order = whole ? st->order : 0;
	uint32_t n = 1u << order, i, j;
	int rc;

	if (!nr)
		return 0;
	if (wl_tag_reserve(t, base + (uint64_t)nr * n))
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		wl_co_reused(r, r->offsets[i], n);
		for (j = 0; j < n; j++) {
			struct wl_page *pg = &t->pages[base + i * n + j];

			pg->slot = r->offsets[i] + j;
			pg->refs = st->mapcount;
			pg->order = order;
			pg->cached = st->stage != WL_STAGE_WRITTEN;
			pg->head = !j;
			if (wl_page_co(pg)) {
				rc = wl_co_insert(&r->co, pg->slot, st->tag,
						  (uint32_t)(base + i * n + j));
				if (rc)
					return rc;
			}
		}
	}
	if (base + (uint64_t)nr * n > t->nr)
		t->nr = (uint32_t)(base + (uint64_t)nr * n);
	return 0;
}

static uint64_t wl_tag_held(const struct wl_rtag *t)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < t->nr; i++)
		n += !!t->pages[i].slot;
	return n;
}

/*
 * Cache-only pages the device may have reclaimed behind the guess of
 * wl_note_full(): look before calling a tag busy or an operation refused.
 */
static int wl_co_recheck(struct wl_run *r)
{
	if (!r->co.nr)
		return 0;
	r->may_reclaim = true;
	return wl_co_verify(r);
}

static int wl_exec_swapout(struct wl_run *r, const struct wl_stmt *st)
{
	struct wl_rtag *t = &r->tags[st->tag];
	uint64_t held = wl_tag_held(t);
	unsigned int nr, cpu;
	uint32_t f;
	int rc;

	rc = wl_check_order(r, st);
	if (!rc)
		rc = wl_check_cpu(r, st);
	if (!rc && held && r->co.nr) {
		rc = wl_co_recheck(r);
		held = wl_tag_held(t);
	}
	if (rc)
		return rc;
	if (held)
		return wl_rt_err(r, st, "wl-tag-busy",
				 "tag '%s' still holds %" PRIu64 " slot%s; free %s first",
				 wl_tag_name(r, st->tag), held, held == 1 ? "" : "s",
				 held == 1 ? "it" : "them");
	t->nr = 0;
	t->nominal = (uint64_t)st->count << st->order;
	for (f = 0; f < st->count; f++) {
		/* stage=cache is mapcount 0: allocated, counted, nothing more */
		cpu = wl_pick_cpu(r, st);
		wl_note_full(r, 1u << st->order);
		rc = sim_swap_out(r->c.sim, cpu, st->order, st->mapcount,
				  st->stage != WL_STAGE_WRITTEN, r->offsets, &nr);
		if (rc && rc != -ENOSPC)
			return wl_sim_error(&r->c, rc, "swapout", 0);
		rc = wl_swapout_record(r, st, (uint64_t)f << st->order, nr,
				       !rc && nr == 1);
		if (!rc)
			rc = wl_ctx_tick(&r->c);
		if (rc)
			return rc;
	}
	return wl_co_verify(r);
}

/* Calls @fn on each cached folio of the tag. */
static int wl_each_cached(struct wl_run *r, const struct wl_stmt *st,
			  int (*fn)(struct wl_run *, const struct wl_stmt *,
				    struct wl_page *, uint32_t))
{
	struct wl_rtag *t = &r->tags[st->tag];
	uint32_t i;
	int rc;

	for (i = 0; i < t->nr; i++) {
		struct wl_page *pg = &t->pages[i];

		if (!pg->slot || !pg->cached || !pg->head)
			continue;
		rc = fn(r, st, pg, 1u << pg->order);
		if (rc == -EINVAL && wl_page_co(pg)) {
			rc = wl_co_recheck(r);
			if (!rc && !pg->slot) {
				diag_clear(r->c.d);	/* it was reclaimed: no error */
				continue;
			}
			rc = rc ? rc : -EINVAL;
		}
		if (!rc)
			rc = wl_ctx_tick(&r->c);
		if (rc)
			return rc;
	}
	return 0;
}

/* Each of @n pages can take one more reference of the tag (bounded count). */
static int wl_refs_room(struct wl_run *r, const struct wl_stmt *st,
			const struct wl_page *pg, uint32_t n)
{
	uint32_t j;

	for (j = 0; j < n; j++)
		if (pg[j].refs >= WORKLOAD_REFS_MAX)
			return wl_rt_err(r, st, "wl-refs",
					 "tag '%s' would hold more than %u references on slot %u",
					 wl_tag_name(r, st->tag), WORKLOAD_REFS_MAX,
					 pg[j].slot);
	return 0;
}

static int wl_unmap_folio(struct wl_run *r, const struct wl_stmt *st,
			  struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc;

	rc = wl_refs_room(r, st, pg, n);
	if (rc)
		return rc;
	rc = sim_folio_dup_swap(r->c.sim, pg->slot);
	if (rc)
		return wl_sim_error(&r->c, rc, "unmap", pg->slot);
	for (j = 0; j < n; j++) {
		if (wl_page_co(&pg[j]))
			wl_co_remove(&r->co, pg[j].slot);
		pg[j].refs++;
	}
	return 0;
}

static int wl_writeback_folio(struct wl_run *r, const struct wl_stmt *st,
			      struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc = sim_swap_cache_del_folio(r->c.sim, pg->slot);

	if (rc)
		return wl_sim_error(&r->c, rc, "writeback", pg->slot);
	for (j = 0; j < n; j++) {
		if (!pg[j].refs) {
			wl_page_gone(r, &pg[j]);
		} else {
			pg[j].cached = 0;
		}
	}
	return 0;
}

static int wl_split_folio(struct wl_run *r, const struct wl_stmt *st,
			  struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc;

	if (pg->order <= st->order)
		return 0;
	rc = sim_split_folio(r->c.sim, pg->slot, st->order);
	if (rc)
		return wl_sim_error(&r->c, rc, "split", pg->slot);
	for (j = 0; j < n; j++) {
		pg[j].order = st->order;
		pg[j].head = !(j & ((1u << st->order) - 1));
	}
	return 0;
}

/*
 * Runs of pages from @first (@nr of them) that @want accepts and whose
 * slots follow each other: the batches the kernel's PTE walkers pass on.
 */
static int wl_each_run(struct wl_run *r, const struct wl_stmt *st,
		       uint32_t first, uint64_t nr,
		       bool (*want)(const struct wl_page *),
		       int (*fn)(struct wl_run *, const struct wl_stmt *,
				 struct wl_page *, uint32_t))
{
	struct wl_rtag *t = &r->tags[st->tag];
	uint64_t end = (uint64_t)first + nr;
	uint32_t i = first, n;
	int rc;

	if (end > t->nr)
		end = t->nr;
	while (i < end) {
		if (!want(&t->pages[i])) {
			i++;
			continue;
		}
		for (n = 1; i + n < end && want(&t->pages[i + n]) &&
		     t->pages[i + n].slot == t->pages[i].slot + n; n++)
			;
		rc = fn(r, st, &t->pages[i], n);
		if (!rc)
			rc = wl_ctx_tick(&r->c);
		if (rc)
			return rc;
		i += n;
	}
	return 0;
}

static bool wl_want_mapped(const struct wl_page *pg)
{
	return pg->slot && pg->refs;
}

static bool wl_want_held(const struct wl_page *pg)
{
	return pg->slot;
}

static int wl_free_run(struct wl_run *r, const struct wl_stmt *st,
		       struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc;

	wl_note_full(r, 0);
	rc = sim_swap_put_entries_direct(r->c.sim, pg->slot, n);
	if (rc)
		return wl_sim_error(&r->c, rc, "free", pg->slot);
	for (j = 0; j < n; j++) {
		if (--pg[j].refs)
			continue;
		if (!pg[j].cached)
			wl_page_gone(r, &pg[j]);
		else if (wl_co_insert(&r->co, pg[j].slot, st->tag,
				      (uint32_t)(&pg[j] - r->tags[st->tag].pages)))
			return diag_errno(r->c.d, r->c.name, -ENOMEM);
	}
	return 0;
}

/*
 * A put can reclaim the folios whose last reference it took, under
 * vm_swap_full(): the device says which are still cached.
 */
static int wl_exec_free(struct wl_run *r, const struct wl_stmt *st)
{
	int rc = wl_each_run(r, st, st->has_range ? st->first : 0,
			     st->has_range ? st->nr : UINT64_MAX,
			     wl_want_mapped, wl_free_run);

	if (!rc)
		rc = wl_co_verify(r);
	return rc;
}

static int wl_fork_run(struct wl_run *r, const struct wl_stmt *st,
		       struct wl_page *pg, uint32_t n)
{
	uint32_t j;
	int rc;

	rc = wl_refs_room(r, st, pg, n);
	if (rc)
		return rc;
	rc = sim_swap_dup_entry_direct(r->c.sim, pg->slot, n);
	if (rc)
		return wl_sim_error(&r->c, rc, "fork", pg->slot);
	for (j = 0; j < n; j++)
		pg[j].refs++;
	return 0;
}

static int wl_backing_run(struct wl_run *r, const struct wl_stmt *st,
			  struct wl_page *pg, uint32_t n)
{
	int rc;

	if (st->op == WL_OP_ZSWAP)
		rc = sim_set_zswap(r->c.sim, pg->slot, n, st->on);
	else
		rc = sim_set_zero(r->c.sim, pg->slot, n, st->on);
	if (rc)
		return wl_sim_error(&r->c, rc, st->op == WL_OP_ZSWAP ?
				    "zswap" : "zero", pg->slot);
	return 0;
}

/* A page a fault would swap in: a swap PTE whose slot no folio holds. */
static bool wl_swapped(const struct wl_page *pg)
{
	return pg->slot && pg->refs && !pg->cached;
}

/*
 * The largest order <= @k whose range of pages starts at @i, all swapped
 * out to consecutive slots from a slot aligned like the page: what the
 * fault handler needs before it asks for a large folio.
 */
static unsigned int wl_swapin_order(const struct wl_rtag *t, uint32_t i,
				    unsigned int k)
{
	uint32_t n, j;

	for (; k; k--) {
		n = 1u << k;
		if ((i & (n - 1)) || (t->pages[i].slot & (n - 1)) ||
		    (uint64_t)i + n > t->nr)
			continue;
		for (j = 1; j < n; j++)
			if (!wl_swapped(&t->pages[i + j]) ||
			    t->pages[i + j].slot != t->pages[i].slot + j)
				break;
		if (j == n)
			break;
	}
	return k;
}

/*
 * Pages @pg (@n, page @i on) were mapped: each lost the reference the
 * fault used. With none left the simulator freed the slots; otherwise the
 * folio may have stayed in the swap cache, which only the device knows.
 */
static int wl_swapin_done(struct wl_run *r, const struct wl_stmt *st,
			  uint32_t i, uint32_t n, unsigned int order)
{
	struct wl_page *pg = &r->tags[st->tag].pages[i];
	const struct snapshot *s;
	bool left = false;
	uint32_t j;
	int rc;

	for (j = 0; j < n; j++)
		left |= --pg[j].refs > 0;
	if (!left) {
		for (j = 0; j < n; j++)
			wl_page_gone(r, &pg[j]);
		return 0;
	}
	rc = sim_snapshot(r->c.sim, &s);
	if (rc)
		return wl_sim_error(&r->c, rc, "snapshot", pg->slot);
	for (j = 0; j < n; j++) {
		pg[j].cached = !!(s->slots[pg[j].slot] & SNAPSHOT_SLOT_CACHED);
		pg[j].order = order;
		pg[j].head = !j;
		if (!pg[j].refs && !pg[j].cached)
			wl_page_gone(r, &pg[j]);
		else if (wl_page_co(&pg[j]) &&
			 wl_co_insert(&r->co, pg[j].slot, st->tag, i + j))
			return diag_errno(r->c.d, r->c.name, -ENOMEM);
	}
	return 0;
}

static int wl_exec_swapin(struct wl_run *r, const struct wl_stmt *st)
{
	struct wl_rtag *t = &r->tags[st->tag];
	unsigned int k, got, cpu;
	uint32_t i, start, n;
	int rc;

	rc = st->has_order ? wl_check_order(r, st) : 0;
	if (!rc)
		rc = wl_check_cpu(r, st);
	if (rc)
		return rc;
	for (i = 0; i < t->nr; i += n) {
		struct wl_page *pg = &t->pages[i];

		n = 1;
		if (!wl_swapped(pg))
			continue;
		k = st->has_order ? st->order : pg->order;
		if (k >= r->g.nr_orders)
			k = r->g.nr_orders - 1;
		k = wl_swapin_order(t, i, k);
		cpu = wl_pick_cpu(r, st);
		rc = sim_swap_in(r->c.sim, cpu, pg->slot, k, &got, &start);
		if (rc)
			return wl_sim_error(&r->c, rc, "swapin", pg->slot);
		/* the range asked for starts at this page, aligned: so does the folio */
		if (got > k || start != pg->slot)
			return wl_sim_error(&r->c, -EPROTO, "swapin", pg->slot);
		n = 1u << got;
		rc = wl_swapin_done(r, st, i, n, got);
		if (!rc)
			rc = wl_ctx_tick(&r->c);
		if (rc)
			return rc;
	}
	return 0;
}

static int wl_exec_expect(struct wl_run *r, const struct wl_stmt *st)
{
	uint64_t v;

	if (st->counter == WL_EXPECT_INUSE) {
		v = sim_inuse(r->c.sim);
		if (v != st->value)
			return wl_rt_err(r, st, "wl-expect",
					 "inuse is %" PRIu64 ", expected %" PRIu64,
					 v, st->value);
		return 0;
	}
	v = sim_counter(r->c.sim, st->counter, st->order);
	if (v != st->value)
		return wl_rt_err(r, st, "wl-expect",
				 "%s of order %u is %" PRIu64 ", expected %" PRIu64,
				 sim_counter_name(st->counter), st->order, v,
				 st->value);
	return 0;
}

static int wl_exec(struct wl_run *r, const struct wl_stmt *st)
{
	switch (st->op) {
	case WL_OP_SWAPOUT:
		return wl_exec_swapout(r, st);
	case WL_OP_UNMAP:
		return wl_each_cached(r, st, wl_unmap_folio);
	case WL_OP_WRITEBACK:
		return wl_each_cached(r, st, wl_writeback_folio);
	case WL_OP_SPLIT:
		if (wl_check_order(r, st))
			return -EINVAL;
		return wl_each_cached(r, st, wl_split_folio);
	case WL_OP_FREE:
		return wl_exec_free(r, st);
	case WL_OP_FORK:
		return wl_each_run(r, st, 0, UINT64_MAX, wl_want_mapped,
				   wl_fork_run);
	case WL_OP_ZSWAP:
	case WL_OP_ZERO:
		return wl_each_run(r, st, 0, UINT64_MAX, wl_want_held,
				   wl_backing_run);
	case WL_OP_SWAPIN:
		return wl_exec_swapin(r, st);
	case WL_OP_DISCARD:
		sim_discard_work(r->c.sim);
		return wl_ctx_tick(&r->c);
	case WL_OP_CPU:
		r->cpu = st->cpu;
		return wl_check_cpu(r, st);
	case WL_OP_SNAPSHOT:
		return wl_ctx_snapshot(&r->c, st->note);
	case WL_OP_EXPECT:
		return wl_exec_expect(r, st);
	default:
		return 0;
	}
}

static int wl_script_loop(struct wl_run *r)
{
	struct {
		uint32_t at, left;
	} stack[WORKLOAD_DEPTH_MAX];
	const struct wl_script *sc = r->sc;
	unsigned int depth = 0;
	size_t i = 0;
	int rc;

	while (i < sc->nr) {
		const struct wl_stmt *st = &sc->stmts[i];

		r->c.line = st->line;
		r->c.done++;
		if (st->op == WL_OP_REPEAT) {
			if (!st->count) {
				i = st->jump + 1;
				continue;
			}
			stack[depth].at = (uint32_t)i;
			stack[depth++].left = st->count;
		} else if (st->op == WL_OP_END) {
			if (--stack[depth - 1].left) {
				i = stack[depth - 1].at + 1;
				continue;
			}
			depth--;
		} else {
			rc = wl_exec(r, st);
			if (rc)
				return rc;
		}
		i++;
	}
	return 0;
}

static int wl_script_run(const struct workload *w, struct sim *sim,
			 const struct workload_hooks *h, struct diag *d)
{
	struct wl_run r = { .sc = w->script, .cpu = -1 };
	uint32_t i;
	int rc;

	wl_ctx_init(&r.c, sim, h, d, w->name);
	r.c.total = r.sc->total;
	rc = wl_geometry(sim, &r.g, d, w->name);
	if (rc)
		return rc;
	r.tags = calloc(r.sc->nr_tags ? r.sc->nr_tags : 1, sizeof(*r.tags));
	r.offsets = calloc(1u << (r.g.nr_orders - 1), sizeof(*r.offsets));
	if (!r.tags || !r.offsets) {
		rc = diag_errno(d, w->name, -ENOMEM);
		goto out;
	}
	rc = wl_script_loop(&r);
	if (rc == -ENOMEM && d && !d->msg[0])
		diag_errno(d, w->name, rc);
	if (!rc)
		wl_ctx_end(&r.c);
out:
	for (i = 0; r.tags && i < r.sc->nr_tags; i++)
		free(r.tags[i].pages);
	free(r.tags);
	free(r.co.e);
	free(r.offsets);
	return rc;
}

int workload_run(const struct workload *w, struct sim *sim, uint64_t seed,
		 const struct workload_hooks *h, struct diag *d)
{
	diag_clear(d);
	if (w->kind == WL_SCRIPT)
		return wl_script_run(w, sim, h, d);
	return wl_builtin_run(w, sim, seed, h, d);
}
