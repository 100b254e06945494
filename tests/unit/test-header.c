// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-header.c - header_decode() on crafted headers: every signature,
 * every page size, both byte orders, and each kernel rule in its order.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/header.h>

#include "tap.h"

#define BUF_LEN	HEADER_PAGE_MAX

static uint8_t buf[BUF_LEN];

struct spec {
	unsigned int ps;
	uint32_t version, last_page, nr_bad;
	const uint32_t *bad;
	int foreign;
	const char *magic;
};

static void put32(size_t off, uint32_t v, int foreign)
{
	if (foreign)
		v = __builtin_bswap32(v);
	memcpy(buf + off, &v, 4);
}

static void build(const struct spec *s)
{
	uint32_t i;

	memset(buf, 0, sizeof(buf));
	put32(HEADER_OFF_VERSION, s->version, s->foreign);
	put32(HEADER_OFF_LAST_PAGE, s->last_page, s->foreign);
	put32(HEADER_OFF_NR_BADPAGES, s->nr_bad, s->foreign);
	for (i = 0; s->bad && i < s->nr_bad; i++)
		put32(HEADER_OFF_BADPAGES + 4 * i, s->bad[i], s->foreign);
	memcpy(buf + HEADER_OFF_LABEL, "unit", 4);
	memcpy(buf + s->ps - 10, s->magic ? s->magic : "SWAPSPACE2",
	       strlen(s->magic ? s->magic : "SWAPSPACE2"));
}

/* Decode the built header as a file or device of @size bytes. */
static enum header_err judge(const struct spec *s, uint64_t size, int regular,
			     int holes, struct header_info *hi)
{
	struct header_env env = { .size = size, .regular = regular, .holes = holes };

	build(s);
	if (header_decode(buf, sizeof(buf), &env, hi))
		return HEADER_ERR_COUNT;
	return hi->err;
}

static void test_page_sizes(void)
{
	struct header_info hi;
	unsigned int ps;

	for (ps = HEADER_PAGE_MIN; ps <= HEADER_PAGE_MAX; ps <<= 1) {
		struct spec s = { .ps = ps, .version = 1, .last_page = 99 };

		judge(&s, 100ULL * ps, 1, 0, &hi);
		ok(hi.sig == HEADER_SIG_SWAP_V1 && hi.page_size == ps && hi.err == HEADER_OK &&
		   hi.area_size == 100ULL * ps,
		   "page size %u found by its magic, area %llu bytes", ps,
		   (unsigned long long)hi.area_size);
		header_info_free(&hi);
	}
}

static void test_byte_order(void)
{
	struct spec s = { .ps = 4096, .version = 1, .last_page = 2559, .foreign = 1 };
	struct header_info hi;
	int little = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

	judge(&s, 2560 * 4096ULL, 1, 0, &hi);
	ok(hi.foreign && hi.order == (little ? HEADER_ORDER_BIG : HEADER_ORDER_LITTLE),
	   "foreign header recognised by swab32(version) == 1");
	ok(hi.version == 1 && hi.last_page == 2559 && hi.err == HEADER_OK,
	   "foreign fields swapped: last_page %u, accepted", hi.last_page);
	header_info_free(&hi);

	s.foreign = 0;
	judge(&s, 2560 * 4096ULL, 1, 0, &hi);
	ok(!hi.foreign && hi.order == (little ? HEADER_ORDER_LITTLE : HEADER_ORDER_BIG),
	   "native header is native");
	header_info_free(&hi);
}

static void test_rules_in_order(void)
{
	static const uint32_t bad_dup[] = { 5, 5, 0 };
	static const uint32_t bad_zero_first[] = { 0, 5, 5 };
	static const uint32_t bad_big[] = { 3, 100 };
	static const uint32_t bad_all[] = { 1, 2 };
	struct spec s = { .ps = 4096, .version = 1, .last_page = 99 };
	uint64_t size = 100 * 4096ULL;
	struct header_info hi;

	ok(judge(&s, size, 1, 0, &hi) == HEADER_OK, "valid area accepted");
	header_info_free(&hi);

	s.version = 2;
	ok(judge(&s, size, 1, 0, &hi) == HEADER_ERR_BAD_VERSION && hi.err_arg == 2,
	   "version 2: bad-version naming 2");
	header_info_free(&hi);

	s.version = 1;
	s.last_page = 0;
	ok(judge(&s, size, 1, 0, &hi) == HEADER_ERR_EMPTY, "last_page 0: empty");
	header_info_free(&hi);

	s.last_page = 100;	/* 101 pages in a 100-page file */
	ok(judge(&s, size, 1, 0, &hi) == HEADER_ERR_TOO_SHORT, "last_page beyond the file: too-short");
	header_info_free(&hi);
	ok(judge(&s, 4000, 1, 0, &hi) == HEADER_OK,
	   "size under one page: the kernel skips the length check");
	header_info_free(&hi);

	s.last_page = 99;
	s.nr_bad = 2;
	s.bad = bad_big;
	ok(judge(&s, size, 1, 0, &hi) == HEADER_ERR_BADPAGES_ON_FILE,
	   "bad pages in a regular file: badpages-on-file");
	header_info_free(&hi);
	ok(judge(&s, size, 0, 0, &hi) == HEADER_ERR_BADPAGE_RANGE && hi.err_arg == 100,
	   "block device, bad page 100 > last_page 99: out of range");
	header_info_free(&hi);

	s.nr_bad = 3;
	s.bad = bad_dup;
	ok(judge(&s, size, 0, 0, &hi) == HEADER_ERR_BADPAGE_DUP && hi.err_arg == 5,
	   "duplicate found at its second occurrence, before a later bad 0");
	header_info_free(&hi);
	{
		struct header_env env = { .size = size, .kernel = HEADER_KERNEL(6, 18, 44) };

		build(&s);
		header_info_free(&hi);
		header_decode(buf, sizeof(buf), &env, &hi);
		ok(hi.err == HEADER_ERR_BADPAGE_RANGE,
		   "6.18 does not refuse the duplicate; the later bad 0 fails");
	}
	header_info_free(&hi);
	s.bad = bad_zero_first;
	ok(judge(&s, size, 0, 0, &hi) == HEADER_ERR_BADPAGE_RANGE && hi.err_arg == 0,
	   "bad page 0 first: out of range before the duplicate");
	header_info_free(&hi);

	s.last_page = 2;
	s.nr_bad = 2;
	s.bad = bad_all;
	ok(judge(&s, 3 * 4096, 0, 0, &hi) == HEADER_ERR_NO_GOOD_PAGES && hi.err_arg == 2,
	   "every page bad: no-good-pages at the last one");
	header_info_free(&hi);

	s.last_page = 99;
	s.nr_bad = 0;
	s.bad = NULL;
	ok(judge(&s, size, 1, 1, &hi) == HEADER_ERR_HOLES, "file with holes: holes");
	header_info_free(&hi);
	ok(judge(&s, size, 0, 1, &hi) == HEADER_OK, "holes do not matter on a device");
	header_info_free(&hi);
}

static void test_badpage_bounds(void)
{
	struct spec s = { .ps = 4096, .version = 1, .last_page = 99, .nr_bad = 0xffffffffu };
	struct header_info hi;

	ok(judge(&s, 100 * 4096ULL, 0, 0, &hi) == HEADER_ERR_TOO_MANY_BADPAGES &&
	   hi.nr_badpages_read == HEADER_MAX_BADPAGES(4096) && HEADER_MAX_BADPAGES(4096) == 637,
	   "nr_badpages 2^32-1: too-many-badpages, only 637 entries read");
	header_info_free(&hi);

	/* Native: the count rule comes after the size rule... */
	s.last_page = 1000;
	ok(judge(&s, 100 * 4096ULL, 0, 0, &hi) == HEADER_ERR_TOO_SHORT,
	   "native: too-short is checked before the bad-page count");
	header_info_free(&hi);
	/* ...but a foreign header is bounded before anything else. */
	s.foreign = 1;
	ok(judge(&s, 100 * 4096ULL, 0, 0, &hi) == HEADER_ERR_TOO_MANY_BADPAGES,
	   "foreign: the count is bounded before the version or size rules");
	header_info_free(&hi);
	s.version = 2;
	ok(judge(&s, 100 * 4096ULL, 0, 0, &hi) == HEADER_ERR_BAD_VERSION,
	   "foreign needs swab32(version) == 1; else it is read natively");
	header_info_free(&hi);
}

static void test_signatures(void)
{
	static const struct {
		const char *magic;
		enum header_sig sig;
		const char *version;
	} sigs[] = {
		{ "S1SUSPEND", HEADER_SIG_S1SUSPEND, "s1suspend" },
		{ "S2SUSPEND", HEADER_SIG_S2SUSPEND, "s2suspend" },
		{ "ULSUSPEND", HEADER_SIG_ULSUSPEND, "ulsuspend" },
		{ "LINHIB0001", HEADER_SIG_LINHIB0001, "linhib0001" },
	};
	static const uint8_t toi[] = { 0xed, 0xc3, 0x02, 0xe9, 0x98, 0x56, 0xe5, 0x0c };
	struct header_env env = { .size = 100 * 8192ULL, .regular = 1 };
	struct header_info hi;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct spec s = { .ps = 8192, .version = 1, .last_page = 99, .magic = sigs[i].magic };

		judge(&s, env.size, 1, 0, &hi);
		ok(hi.sig == sigs[i].sig && hi.page_size == 8192 &&
		   !strcmp(header_sig_type(hi.sig), "swsuspend") &&
		   !strcmp(header_sig_version(hi.sig), sigs[i].version) &&
		   hi.err == HEADER_ERR_NO_SIGNATURE && hi.has_fields &&
		   !memcmp(hi.label, "unit", 4),
		   "%s: swsuspend/%s, refused, fields still read", sigs[i].magic,
		   sigs[i].version);
		header_info_free(&hi);
	}

	{
		struct spec s = { .ps = 4096, .version = 1, .last_page = 99 };

		build(&s);
		memcpy(buf, toi, sizeof(toi));
		header_decode(buf, sizeof(buf), &env, &hi);
		ok(hi.sig == HEADER_SIG_TUXONICE && hi.err == HEADER_OK && hi.page_size == 4096,
		   "TuxOnIce at 0 with a valid v1 header: tuxonice, and the kernel accepts it");
		header_info_free(&hi);
		memset(buf + 4096 - 10, 0, 10);
		header_decode(buf, sizeof(buf), &env, &hi);
		ok(hi.sig == HEADER_SIG_TUXONICE && hi.err == HEADER_ERR_NO_SIGNATURE &&
		   !hi.page_size && hi.has_fields,
		   "TuxOnIce without a v1 magic: no page size, refused");
		header_info_free(&hi);
	}
	{
		struct spec s = { .ps = 4096, .magic = "SWAP-SPACE" };

		judge(&s, env.size, 1, 0, &hi);
		ok(hi.sig == HEADER_SIG_SWAP_V0 && !hi.has_fields &&
		   hi.err == HEADER_ERR_NO_SIGNATURE && !strcmp(header_sig_version(hi.sig), "0"),
		   "SWAP-SPACE: v0, no fields, refused since 2.5.22");
		header_info_free(&hi);
	}
	{
		struct spec s = { .ps = 8192, .version = 1, .last_page = 9 };

		build(&s);
		memcpy(buf + 4096 - 10, "S1SUSPEND", 9);
		header_decode(buf, sizeof(buf), &env, &hi);
		ok(hi.sig == HEADER_SIG_S1SUSPEND && hi.page_size == 4096,
		   "two magics: the smallest page size wins");
		header_info_free(&hi);
	}
	memset(buf, 0, sizeof(buf));
	header_decode(buf, sizeof(buf), &env, &hi);
	ok(hi.sig == HEADER_SIG_NONE && hi.err == HEADER_ERR_NO_SIGNATURE && !hi.has_fields,
	   "zeros: no signature");
	header_info_free(&hi);
	header_decode(buf, 100, &env, &hi);
	ok(hi.sig == HEADER_SIG_NONE && !hi.page_size, "100 bytes: nothing to find");
	header_info_free(&hi);
}

static void test_labels(void)
{
	struct spec s = { .ps = 4096, .version = 1, .last_page = 99 };
	struct header_env env = { .size = 100 * 4096ULL };
	char out[4 * HEADER_LABEL_LEN + 1];
	struct header_info hi;

	build(&s);
	memcpy(buf + HEADER_OFF_LABEL, "a\\b\x01" "cdefghijklm\xff", 16);
	header_decode(buf, sizeof(buf), &env, &hi);
	ok(!strcmp(header_label_escape(hi.label, out), "a\\\\b\\x01cdefghijklm\\xff"),
	   "16-byte label escaped exactly: %s", out);

	memset(buf + HEADER_OFF_LABEL, 0, 16);
	memcpy(buf + HEADER_OFF_LABEL, "swap  \0x", 8);
	header_decode(buf, sizeof(buf), &env, &hi);
	ok(!strcmp(header_blkid_label(&hi, out), "swap"), "blkid label: cut at NUL, blanks trimmed");
	ok(!strcmp(header_label_escape(hi.label, out), "swap  \\x00x"),
	   "exact label keeps what follows the NUL: %s", out);

	memset(buf + HEADER_OFF_UUID, 0, 16);
	header_decode(buf, sizeof(buf), &env, &hi);
	ok(!header_has_uuid(&hi), "all-zero UUID: blkid reports none");
	buf[HEADER_OFF_UUID] = 1;
	buf[HEADER_OFF_PADDING33] = 1;
	header_decode(buf, sizeof(buf), &env, &hi);
	ok(!hi.ids_trusted && !header_has_uuid(&hi) && !*header_blkid_label(&hi, out),
	   "garbage in padding[33]: blkid trusts neither UUID nor label");
}

static void test_kernel_release(void)
{
	uint32_t v;

	ok(!header_parse_kernel("6.18.44-fc-v595", &v) && v == HEADER_KERNEL(6, 18, 44),
	   "6.18.44-fc-v595 parses");
	ok(!header_parse_kernel("4.9.337", &v) && v == HEADER_KERNEL(4, 9, 255),
	   "sublevel saturates at 255 like KERNEL_VERSION()");
	ok(!header_parse_kernel("7.0", &v) && v == HEADER_KERNEL(7, 0, 0), "7.0 parses");
	ok(!header_parse_kernel("newest", &v) && v == 0, "newest is 0");
	ok(header_parse_kernel("7", &v) == -EINVAL && header_parse_kernel("7.x", &v) == -EINVAL &&
	   header_parse_kernel("6.18x", &v) == -EINVAL, "garbage refused");
}

static void test_codes(void)
{
	static const char *const codes[HEADER_ERR_COUNT] = {
		"", "no-signature", "too-many-badpages", "bad-version", "empty",
		"too-short", "badpages-on-file", "holes", "badpage-out-of-range",
		"no-good-pages", "badpage-duplicate",
	};
	struct header_info hi = { .err = HEADER_ERR_BADPAGE_RANGE, .err_arg = 7,
				  .last_page = 5 };
	char msg[256];
	int i, same = 1;

	for (i = 0; i < HEADER_ERR_COUNT; i++)
		same &= !strcmp(header_err_code(i), codes[i]);
	ok(same, "reason codes are the documented, stable names");
	ok(!strcmp(header_err_message(&hi, msg, sizeof(msg)),
		   "Bad slot offset is out of border: 7 (last_page: 5)"),
	   "kernel words with their numbers: %s", msg);
}

int main(void)
{
	test_page_sizes();
	test_byte_order();
	test_rules_in_order();
	test_badpage_bounds();
	test_signatures();
	test_labels();
	test_kernel_release();
	test_codes();
	return tap_done();
}
