/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapedit-parts.h - what the parts of the model edits (snapedit.h) share:
 * the editor (struct snapedit), a slot value parsed (struct
 * snapedit_assign) and what a slot edit will do (struct snapedit_plan),
 * and each part's entry points (internal to src/edits).
 *
 * The parts: snapedit-value.c holds the rules every value text follows,
 * snapedit-cluster.c and snapedit-slot.c validate the fields (a slot
 * value parsed by snapedit-assign.c, its result planned and checked by
 * snapedit-plan.c), snapedit-apply.c carries an edit out and keeps the
 * analysis current, snapedit-journal.c records it, snapedit-save.c writes
 * the state to its file; snapedit.c makes and frees the editor.
 */
#ifndef SWAPFS_SNAPEDIT_PARTS_H
#define SWAPFS_SNAPEDIT_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swapfs/era.h"
#include "swapfs/snapedit.h"

/*
 * The longest value that means something is a slot line, about 70 bytes
 * ("count=4294967294 cached=0 bad=0 zero=0 zswap=0 order=14"); this
 * leaves room for blanks and still bounds what a diag quotes.
 */
#define SNAPEDIT_VALUE_MAX	256
/* Bytes of a refused value a diag shows (escaped, then "..."). */
#define SNAPEDIT_QUOTE_MAX	48
/* A quoted value: every byte may take 4 ("\\xNN"), plus quotes and "...". */
#define SNAPEDIT_QUOTED		(4 * SNAPEDIT_QUOTE_MAX + 8)
/* A path: "clusters/<u32>/slots/<u32>". */
#define SNAPEDIT_PATH_MAX	48

struct snapedit {
	struct snapshot *s;
	struct analysis *a;
	const struct era_props *era;
	char *save_path;
	int64_t save_id;	/* 0: the next save appends */
	int64_t base_id;	/* the snapshot the edits started from (0: a dump) */
	char *base_note;	/* the note without our mark, NULL for none */
	char **journal;
	size_t nr_journal, alloc_journal;
	uint64_t *dirty;	/* clusters changed since the last save */
	uint64_t *touched;	/* clusters changed since snapedit_new() */
	uint32_t nr_touched;	/* (for the saved note's summary) */
	bool changed;		/* anything changed since the last save */
};

/* The slot keys, in the order a normalised value lists them. */
enum snapedit_key {
	SNAPEDIT_COUNT,
	SNAPEDIT_CACHED,
	SNAPEDIT_BAD,
	SNAPEDIT_ZERO,
	SNAPEDIT_ZSWAP,
	SNAPEDIT_ORDER,
	SNAPEDIT_NR_KEYS,
};

/* The slot word bits the 0|1 keys set. */
#define SNAPEDIT_MARKS	(SNAPSHOT_SLOT_CACHED | SNAPSHOT_SLOT_BAD | \
			 SNAPSHOT_SLOT_ZERO | SNAPSHOT_SLOT_ZSWAP)

/* A slot value, parsed. */
struct snapedit_assign {
	unsigned int given;	/* bit per enum snapedit_key */
	uint32_t count;
	uint16_t marks;		/* the 0|1 keys given as 1 */
	int order;		/* order=K, or -1 for unknown */
};

/* What a slot edit will do, decided before anything changes. */
struct snapedit_plan {
	uint32_t slot, ci;
	uint32_t count;		/* the exact count after */
	uint16_t marks;		/* cached, bad, zero, zswap after */
	bool set_count, drop_shmem, add_run, remove_run;
	uint32_t run_start;	/* the run removed */
	unsigned int order;	/* the run added */
	uint16_t cl_count;	/* ci->count after */
	bool changed;
};

/*
 * snapedit_value_quote - @p[0..@len) for a message into @buf (@size,
 * SNAPEDIT_QUOTED will do): quoted, bytes that are no text escaped, cut.
 */
void snapedit_value_quote(char *buf, size_t size, const char *p, size_t len);

/*
 * snapedit_value_check - the text of a value for @path: one trailing
 * newline dropped from *@len, then printable text of at most
 * SNAPEDIT_VALUE_MAX bytes. Returns 0 or -EINVAL with @d filled.
 */
int snapedit_value_check(const char *path, const char *text, size_t *len,
			 struct diag *d);

/*
 * snapedit_value_decimal - @p[0..@len) as a decimal number a user
 * writes, at most @max, into *@v. Returns whether it is one.
 */
bool snapedit_value_decimal(const char *p, size_t len, uint32_t max,
			    uint32_t *v);

/*
 * snapedit_journal_line - the journal line of an edit, "<path> <value>",
 * made before the edit is applied (with room for it in the journal), so
 * an edit never half-ends for want of memory. NULL for no memory.
 * snapedit_journal_add - the line into the journal (it has the room);
 * snapedit_journal_free - free the journal's lines.
 */
char *snapedit_journal_line(struct snapedit *e, const char *path,
			    const char *value);
void snapedit_journal_add(struct snapedit *e, char *line);
void snapedit_journal_free(struct snapedit *e);

/*
 * snapedit_assign_parse - the slot value @text (@len bytes) for @path
 * into @as: blank-separated assignments, each key at most once, at least
 * one. Returns 0 or -EINVAL with @d filled.
 */
int snapedit_assign_parse(const struct snapedit *e, const char *path,
			  const char *text, size_t len,
			  struct snapedit_assign *as, struct diag *d);

/* snapedit_assign_text - the normalised value of @as into @buf. */
void snapedit_assign_text(const struct snapedit_assign *as, char *buf,
			  size_t size);

/* snapedit_assign_given - the slot word marks @as gives (0 or 1 alike). */
uint16_t snapedit_assign_given(const struct snapedit_assign *as);

/*
 * snapedit_plan_slot - what @as does to slot @p->slot of cluster @p->ci,
 * into @p, checked against what the file and the era can hold; @q quotes
 * the value for the diag. Returns 0 or -EINVAL with @d filled.
 */
int snapedit_plan_slot(const struct snapedit *e, const char *path,
		       const char *q, const struct snapedit_assign *as,
		       struct snapedit_plan *p, struct diag *d);

/*
 * snapedit_apply_cluster - cluster @ci becomes @c (flags and order), its
 * analysis brought up to date. Returns 0 or -errno (then nothing
 * changed).
 * snapedit_apply_slot - carry out the plan @p, the analysis brought up to
 * date. Returns 0 or -errno (-ENOMEM: the snapshot is as before).
 */
int snapedit_apply_cluster(struct snapedit *e, uint32_t ci,
			   struct snapshot_cluster c);
int snapedit_apply_slot(struct snapedit *e, const struct snapedit_plan *p);

/*
 * snapedit_save_init - what a save needs from the loaded note (the note
 * without the mark of an earlier save). Returns 0 or -ENOMEM.
 */
int snapedit_save_init(struct snapedit *e);

#endif /* SWAPFS_SNAPEDIT_PARTS_H */
