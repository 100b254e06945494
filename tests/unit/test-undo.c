// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-undo.c - undo files: round trip, and each malformation rejected
 * with the line and the rule it breaks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <swapfs/undo.h>

#include "tap.h"

static char dir[] = "/tmp/swapfs-test-undo-XXXXXX";
static char path[PATH_MAX];

static const char good[] =
	"# comment\n"
	"format: swapfs-undo 1\n"
	"target: /tmp/x.img\n"
	"page_size: 4096\n"
	"offset: 1036\n"
	"old: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
	"new: ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n"
	"header_hash: 0123456789abcdef\n";

static void put(const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* @text with line @line replaced by @repl (NULL: dropped). */
static void put_edited(int line, const char *repl)
{
	char copy[sizeof(good)], out[4096] = "";
	char *save, *l;
	int n = 0;

	strcpy(copy, good);
	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		n++;
		if (n == line && !repl)
			continue;
		strcat(out, n == line ? repl : l);
		strcat(out, "\n");
	}
	put(out);
}

static void expect_reject(const char *what, const char *why_part)
{
	struct undo_record u;
	char why[256];
	int rc = undo_load(path, &u, why, sizeof(why));

	ok(rc == -EINVAL && strstr(why, why_part), "%s: rejected with '%s'", what, why);
}

static void test_round_trip(void)
{
	struct undo_record u = { .page_size = 16384, .header_hash = 0xfeedULL };
	struct undo_record back;
	struct stat st;
	char why[256];
	int i;

	strcpy(u.target, "/dev/disk/by-label/a b");
	for (i = 0; i < SWAPHEADER_IDS_LEN; i++) {
		u.old_ids[i] = i;
		u.new_ids[i] = 255 - i;
	}
	unlink(path);
	ok(!undo_save(path, &u, false), "undo_save writes %s", path);
	ok(!stat(path, &st) && (st.st_mode & 0777) == 0600, "undo file is mode 0600");
	ok(!undo_load(path, &back, why, sizeof(why)) && !memcmp(&u, &back, sizeof(u)),
	   "undo_load reads back exactly what was saved");
}

/* An existing undo file is kept unless replacing is asked for; a FIFO never waits. */
static void test_no_clobber(void)
{
	struct undo_record u = { .page_size = 4096, .header_hash = 1 }, back;
	char fifo[PATH_MAX + 8], why[256];

	strcpy(u.target, "/dev/zero");
	put(good);
	ok(undo_check_new(path, false) == -EEXIST && undo_save(path, &u, false) == -EEXIST,
	   "an existing undo file is refused");
	ok(!undo_load(path, &back, why, sizeof(why)) && back.header_hash == 0x0123456789abcdefULL,
	   "and is left as it was");
	ok(!undo_check_new(path, true) && !undo_save(path, &u, true) &&
	   !undo_load(path, &back, why, sizeof(why)) && back.header_hash == 1,
	   "replaced when asked");
	snprintf(fifo, sizeof(fifo), "%s.fifo", path);
	unlink(fifo);
	if (mkfifo(fifo, 0600)) {
		ok(0, "mkfifo: %s", strerror(errno));
		return;
	}
	ok(undo_load(fifo, &back, why, sizeof(why)) == -EINVAL &&
	   !strcmp(why, "not a regular file"), "a FIFO is refused, not waited on: %s", why);
	ok(undo_check_new(fifo, true) == -EINVAL && undo_save(fifo, &u, true) == -EINVAL,
	   "nor replaced, even when asked");
	unlink(fifo);
}

static void test_hash(void)
{
	uint8_t page[4096] = { 0 };
	uint64_t h = undo_header_hash(page, sizeof(page));

	page[SWAPHEADER_OFF_UUID] = 1;
	page[SWAPHEADER_OFF_LABEL + 15] = 1;
	ok(undo_header_hash(page, sizeof(page)) == h, "the hash ignores UUID and label");
	page[SWAPHEADER_OFF_LAST_PAGE] = 1;
	ok(undo_header_hash(page, sizeof(page)) != h, "the hash sees last_page");
}

static void test_rejects(void)
{
	char big[20000];

	put(good);
	{
		struct undo_record u;
		char why[256];

		ok(!undo_load(path, &u, why, sizeof(why)) && u.page_size == 4096 &&
		   u.old_ids[31] == 0x1f && u.header_hash == 0x0123456789abcdefULL,
		   "a well-formed file loads");
	}
	put_edited(2, "format: swapfs-undo 2");
	expect_reject("wrong format", "line 2: format: expected 'swapfs-undo 1'");
	put_edited(3, NULL);
	expect_reject("missing target", "missing key 'target'");
	put_edited(4, "page_size: 3000");
	expect_reject("page size not a power of two", "line 4: page_size");
	put_edited(4, "page_size: -4096");
	expect_reject("negative page size", "line 4: page_size");
	put_edited(5, "offset: 1052");
	expect_reject("wrong offset", "line 5: offset: expected 1036");
	put_edited(6, "old: 00");
	expect_reject("short hex", "line 6: old: expected 64 hex digits");
	put_edited(7, "new: zz01020304050607080910111213141516171819202122232425262728293031");
	expect_reject("not hex", "line 7: new: expected 64 hex digits");
	put_edited(8, "header_hash: 12");
	expect_reject("short hash", "line 8: header_hash");
	put_edited(3, "colour: blue");
	expect_reject("unknown key", "line 3: unknown key 'colour'");
	put_edited(4, "page_size:4096");
	expect_reject("no blank after colon", "line 4: expected 'key: value'");
	put_edited(8, "format: swapfs-undo 1");
	expect_reject("key twice", "line 8: 'format' given twice");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(big);
	expect_reject("one huge line", "line 1: line longer than");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	snprintf(path, sizeof(path), "%s/undo", dir);
	test_round_trip();
	test_hash();
	test_rejects();
	test_no_clobber();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
