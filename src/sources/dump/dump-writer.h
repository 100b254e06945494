/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-writer.h - a dump being written (private to src/sources/dump/):
 * the writer's state, the checks made before anything is written
 * (dump-check.c), and the directory the files are built in and renamed
 * from (dump-dir.c). dump-write.c writes the files, through dump-out.h.
 */
#ifndef SWAPFS_DUMP_WRITER_H
#define SWAPFS_DUMP_WRITER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "swapfs/dump.h"
#include "swapfs/era.h"

struct dump_writer {
	const struct snapshot *s;
	const struct era_props *era;
	bool discard_memset;		/* era_discard_memset() */
	struct diag *d;
	const char *dir;		/* as given, for messages */
	char target[PATH_MAX];		/* @dir without trailing slashes */
	char tmp[PATH_MAX];		/* the directory being built */
	char path[PATH_MAX + 32];	/* "<dir>/<file>" for messages */
	int tmpfd;
	uint16_t any;			/* every bit of every slot word, or-ed */
};

/* ---- dump-check.c ---- */

/*
 * dump_check_refuse - -EINVAL: a state the target cannot express, said of
 * the dump's @file under @rule (which slot or line, and why).
 */
int __attribute__((format(printf, 4, 5)))
dump_check_refuse(struct dump_writer *w, const char *file, const char *rule,
		  const char *fmt, ...);
/*
 * dump_check - everything the target era cannot express, looked for
 * before anything is written, so a refusal costs no disk writes; sets
 * w->any.
 */
int dump_check(struct dump_writer *w);

/* ---- dump-dir.c ---- */

/* dump_dir_check_target - an existing target must be an empty directory. */
int dump_dir_check_target(struct dump_writer *w);
/* dump_dir_make_tmp - "<parent>/.<name>.tmp-XXXXXX" beside the target, so rename() is atomic. */
int dump_dir_make_tmp(struct dump_writer *w);
/*
 * dump_dir_commit - put the built directory in place once its files are
 * written (@rc 0); on any error (@rc or the rename's) leave nothing behind.
 */
int dump_dir_commit(struct dump_writer *w, int rc);

#endif
