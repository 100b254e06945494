// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-header.c - swapheader_decode() on crafted headers: every signature,
 * every page size, both byte orders, and each kernel rule in its order.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/swapheader.h>

#include "tap.h"

#define BUF_LEN	SWAPHEADER_PAGE_MAX

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
	put32(SWAPHEADER_OFF_VERSION, s->version, s->foreign);
	put32(SWAPHEADER_OFF_LAST_PAGE, s->last_page, s->foreign);
	put32(SWAPHEADER_OFF_NR_BADPAGES, s->nr_bad, s->foreign);
	for (i = 0; s->bad && i < s->nr_bad; i++)
		put32(SWAPHEADER_OFF_BADPAGES + 4 * i, s->bad[i], s->foreign);
	memcpy(buf + SWAPHEADER_OFF_LABEL, "unit", 4);
	memcpy(buf + s->ps - 10, s->magic ? s->magic : "SWAPSPACE2",
	       strlen(s->magic ? s->magic : "SWAPSPACE2"));
}

/* Decode the built header as a file or device of @size bytes. */
static enum swapheader_err judge(const struct spec *s, uint64_t size, int regular,
			     int holes, struct swapheader_info *hi)
{
	struct swapheader_env env = { .size = size, .regular = regular, .holes = holes };

	build(s);
	if (swapheader_decode(buf, sizeof(buf), &env, hi))
		return SWAPHEADER_ERR_COUNT;
	return hi->err;
}

static void test_page_sizes(void)
{
	struct swapheader_info hi;
	unsigned int ps;

	for (ps = SWAPHEADER_PAGE_MIN; ps <= SWAPHEADER_PAGE_MAX; ps <<= 1) {
		struct spec s = { .ps = ps, .version = 1, .last_page = 99 };

		judge(&s, 100ULL * ps, 1, 0, &hi);
		ok(hi.sig == SWAPHEADER_SIG_SWAP_V1 && hi.page_size == ps && hi.err == SWAPHEADER_OK &&
		   hi.area_size == 100ULL * ps,
		   "page size %u found by its magic, area %llu bytes", ps,
		   (unsigned long long)hi.area_size);
		swapheader_info_free(&hi);
	}
}

static void test_byte_order(void)
{
	struct spec s = { .ps = 4096, .version = 1, .last_page = 2559, .foreign = 1 };
	struct swapheader_info hi;
	int little = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

	judge(&s, 2560 * 4096ULL, 1, 0, &hi);
	ok(hi.foreign && hi.order == (little ? SWAPHEADER_ORDER_BIG : SWAPHEADER_ORDER_LITTLE),
	   "foreign header recognised by swab32(version) == 1");
	ok(hi.version == 1 && hi.last_page == 2559 && hi.err == SWAPHEADER_OK,
	   "foreign fields swapped: last_page %u, accepted", hi.last_page);
	swapheader_info_free(&hi);

	s.foreign = 0;
	judge(&s, 2560 * 4096ULL, 1, 0, &hi);
	ok(!hi.foreign && hi.order == (little ? SWAPHEADER_ORDER_LITTLE : SWAPHEADER_ORDER_BIG),
	   "native header is native");
	swapheader_info_free(&hi);
}

static void test_rules_in_order(void)
{
	static const uint32_t bad_dup[] = { 5, 5, 0 };
	static const uint32_t bad_zero_first[] = { 0, 5, 5 };
	static const uint32_t bad_big[] = { 3, 100 };
	static const uint32_t bad_all[] = { 1, 2 };
	struct spec s = { .ps = 4096, .version = 1, .last_page = 99 };
	uint64_t size = 100 * 4096ULL;
	struct swapheader_info hi;

	ok(judge(&s, size, 1, 0, &hi) == SWAPHEADER_OK, "valid area accepted");
	swapheader_info_free(&hi);

	s.version = 2;
	ok(judge(&s, size, 1, 0, &hi) == SWAPHEADER_ERR_BAD_VERSION && hi.err_arg == 2,
	   "version 2: bad-version naming 2");
	swapheader_info_free(&hi);

	s.version = 1;
	s.last_page = 0;
	ok(judge(&s, size, 1, 0, &hi) == SWAPHEADER_ERR_EMPTY, "last_page 0: empty");
	swapheader_info_free(&hi);

	s.last_page = 100;	/* 101 pages in a 100-page file */
	ok(judge(&s, size, 1, 0, &hi) == SWAPHEADER_ERR_TOO_SHORT, "last_page beyond the file: too-short");
	swapheader_info_free(&hi);
	ok(judge(&s, 4000, 1, 0, &hi) == SWAPHEADER_OK,
	   "size under one page: the kernel skips the length check");
	swapheader_info_free(&hi);

	s.last_page = 99;
	s.nr_bad = 2;
	s.bad = bad_big;
	ok(judge(&s, size, 1, 0, &hi) == SWAPHEADER_ERR_BADPAGES_ON_FILE,
	   "bad pages in a regular file: badpages-on-file");
	swapheader_info_free(&hi);
	ok(judge(&s, size, 0, 0, &hi) == SWAPHEADER_ERR_BADPAGE_RANGE && hi.err_arg == 100,
	   "block device, bad page 100 > last_page 99: out of range");
	swapheader_info_free(&hi);

	s.nr_bad = 3;
	s.bad = bad_dup;
	ok(judge(&s, size, 0, 0, &hi) == SWAPHEADER_ERR_BADPAGE_DUP && hi.err_arg == 5,
	   "duplicate found at its second occurrence, before a later bad 0");
	swapheader_info_free(&hi);
	{
		struct swapheader_env env = { .size = size, .kernel = SWAPHEADER_KERNEL(6, 18, 44) };

		build(&s);
		swapheader_info_free(&hi);
		swapheader_decode(buf, sizeof(buf), &env, &hi);
		ok(hi.err == SWAPHEADER_ERR_BADPAGE_RANGE,
		   "6.18 does not refuse the duplicate; the later bad 0 fails");
	}
	swapheader_info_free(&hi);
	s.bad = bad_zero_first;
	ok(judge(&s, size, 0, 0, &hi) == SWAPHEADER_ERR_BADPAGE_RANGE && hi.err_arg == 0,
	   "bad page 0 first: out of range before the duplicate");
	swapheader_info_free(&hi);

	s.last_page = 2;
	s.nr_bad = 2;
	s.bad = bad_all;
	ok(judge(&s, 3 * 4096, 0, 0, &hi) == SWAPHEADER_ERR_NO_GOOD_PAGES && hi.err_arg == 2,
	   "every page bad: no-good-pages at the last one");
	swapheader_info_free(&hi);

	s.last_page = 99;
	s.nr_bad = 0;
	s.bad = NULL;
	ok(judge(&s, size, 1, 1, &hi) == SWAPHEADER_ERR_HOLES, "file with holes: holes");
	swapheader_info_free(&hi);
	ok(judge(&s, size, 0, 1, &hi) == SWAPHEADER_OK, "holes do not matter on a device");
	swapheader_info_free(&hi);
}

static void test_badpage_bounds(void)
{
	struct spec s = { .ps = 4096, .version = 1, .last_page = 99, .nr_bad = 0xffffffffu };
	struct swapheader_info hi;

	ok(judge(&s, 100 * 4096ULL, 0, 0, &hi) == SWAPHEADER_ERR_TOO_MANY_BADPAGES &&
	   hi.nr_badpages_read == SWAPHEADER_MAX_BADPAGES(4096) && SWAPHEADER_MAX_BADPAGES(4096) == 637,
	   "nr_badpages 2^32-1: too-many-badpages, only 637 entries read");
	swapheader_info_free(&hi);

	/* Native: the count rule comes after the size rule... */
	s.last_page = 1000;
	ok(judge(&s, 100 * 4096ULL, 0, 0, &hi) == SWAPHEADER_ERR_TOO_SHORT,
	   "native: too-short is checked before the bad-page count");
	swapheader_info_free(&hi);
	/* ...but a foreign header is bounded before anything else. */
	s.foreign = 1;
	ok(judge(&s, 100 * 4096ULL, 0, 0, &hi) == SWAPHEADER_ERR_TOO_MANY_BADPAGES,
	   "foreign: the count is bounded before the version or size rules");
	swapheader_info_free(&hi);
	s.version = 2;
	ok(judge(&s, 100 * 4096ULL, 0, 0, &hi) == SWAPHEADER_ERR_BAD_VERSION,
	   "foreign needs swab32(version) == 1; else it is read natively");
	swapheader_info_free(&hi);
}

static void test_signatures(void)
{
	static const struct {
		const char *magic;
		enum swapheader_sig sig;
		const char *version;
	} sigs[] = {
		{ "S1SUSPEND", SWAPHEADER_SIG_S1SUSPEND, "s1suspend" },
		{ "S2SUSPEND", SWAPHEADER_SIG_S2SUSPEND, "s2suspend" },
		{ "ULSUSPEND", SWAPHEADER_SIG_ULSUSPEND, "ulsuspend" },
		{ "LINHIB0001", SWAPHEADER_SIG_LINHIB0001, "linhib0001" },
	};
	static const uint8_t toi[] = { 0xed, 0xc3, 0x02, 0xe9, 0x98, 0x56, 0xe5, 0x0c };
	struct swapheader_env env = { .size = 100 * 8192ULL, .regular = 1 };
	struct swapheader_info hi;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct spec s = { .ps = 8192, .version = 1, .last_page = 99, .magic = sigs[i].magic };

		judge(&s, env.size, 1, 0, &hi);
		ok(hi.sig == sigs[i].sig && hi.page_size == 8192 &&
		   !strcmp(swapheader_sig_type(hi.sig), "swsuspend") &&
		   !strcmp(swapheader_sig_version(hi.sig), sigs[i].version) &&
		   hi.err == SWAPHEADER_ERR_NO_SIGNATURE && hi.has_fields &&
		   !memcmp(hi.label, "unit", 4),
		   "%s: swsuspend/%s, refused, fields still read", sigs[i].magic,
		   sigs[i].version);
		swapheader_info_free(&hi);
	}

	{
		struct spec s = { .ps = 4096, .version = 1, .last_page = 99 };

		build(&s);
		memcpy(buf, toi, sizeof(toi));
		swapheader_decode(buf, sizeof(buf), &env, &hi);
		ok(hi.sig == SWAPHEADER_SIG_TUXONICE && hi.err == SWAPHEADER_OK && hi.page_size == 4096,
		   "TuxOnIce at 0 with a valid v1 header: tuxonice, and the kernel accepts it");
		swapheader_info_free(&hi);
		memset(buf + 4096 - 10, 0, 10);
		swapheader_decode(buf, sizeof(buf), &env, &hi);
		ok(hi.sig == SWAPHEADER_SIG_TUXONICE && hi.err == SWAPHEADER_ERR_NO_SIGNATURE &&
		   !hi.page_size && hi.has_fields,
		   "TuxOnIce without a v1 magic: no page size, refused");
		swapheader_info_free(&hi);
	}
	{
		struct spec s = { .ps = 4096, .magic = "SWAP-SPACE" };

		judge(&s, env.size, 1, 0, &hi);
		ok(hi.sig == SWAPHEADER_SIG_SWAP_V0 && !hi.has_fields &&
		   hi.err == SWAPHEADER_ERR_NO_SIGNATURE && !strcmp(swapheader_sig_version(hi.sig), "0"),
		   "SWAP-SPACE: v0, no fields, refused since 2.5.22");
		swapheader_info_free(&hi);
	}
	{
		struct spec s = { .ps = 8192, .version = 1, .last_page = 9 };

		build(&s);
		memcpy(buf + 4096 - 10, "S1SUSPEND", 9);
		swapheader_decode(buf, sizeof(buf), &env, &hi);
		ok(hi.sig == SWAPHEADER_SIG_S1SUSPEND && hi.page_size == 4096,
		   "two magics: the smallest page size wins");
		swapheader_info_free(&hi);
	}
	memset(buf, 0, sizeof(buf));
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(hi.sig == SWAPHEADER_SIG_NONE && hi.err == SWAPHEADER_ERR_NO_SIGNATURE && !hi.has_fields,
	   "zeros: no signature");
	swapheader_info_free(&hi);
	swapheader_decode(buf, 100, &env, &hi);
	ok(hi.sig == SWAPHEADER_SIG_NONE && !hi.page_size, "100 bytes: nothing to find");
	swapheader_info_free(&hi);
}

static void test_labels(void)
{
	struct spec s = { .ps = 4096, .version = 1, .last_page = 99 };
	struct swapheader_env env = { .size = 100 * 4096ULL };
	char out[4 * SWAPHEADER_LABEL_LEN + 1];
	struct swapheader_info hi;

	build(&s);
	memcpy(buf + SWAPHEADER_OFF_LABEL, "a\\b\x01" "cdefghijklm\xff", 16);
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(!strcmp(swapheader_label_escape(hi.label, out), "a\\\\b\\x01cdefghijklm\\xff"),
	   "16-byte label escaped exactly: %s", out);

	memset(buf + SWAPHEADER_OFF_LABEL, 0, 16);
	memcpy(buf + SWAPHEADER_OFF_LABEL, "swap  \0x", 8);
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(!strcmp(swapheader_label_escape(hi.label, out), "swap  \\x00x"),
	   "exact label keeps what follows the NUL: %s", out);

	memset(buf + SWAPHEADER_OFF_UUID, 0, 16);
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(!swapheader_has_uuid(&hi), "all-zero UUID: blkid reports none");
	buf[SWAPHEADER_OFF_UUID] = 1;
	buf[SWAPHEADER_OFF_PADDING33] = 1;
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(!hi.ids_trusted && !swapheader_has_uuid(&hi),
	   "garbage in padding[33]: blkid trusts neither UUID nor label");
}

/* The verdict is for a kernel's page size: it looks for the magic at the end of its page. */
static void test_judged_page_size(void)
{
	struct spec s16 = { .ps = 16384, .version = 1, .last_page = 99 };
	struct spec s4 = { .ps = 4096, .version = 1, .last_page = 99 };
	struct swapheader_env env = { .size = 100 * 16384ULL, .page_size = 4096 };
	struct swapheader_info hi;

	build(&s16);
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(hi.page_size == 16384 && hi.kernel_page_size == 4096 &&
	   hi.err == SWAPHEADER_ERR_NO_SIGNATURE && hi.has_fields && hi.last_page == 99,
	   "made for 16 KiB, judged for 4 KiB: no-signature, fields still decoded");
	env.page_size = 16384;
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(hi.err == SWAPHEADER_OK && hi.kernel_page_size == 16384, "judged for 16 KiB: accepted");
	env.page_size = 0;
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(hi.err == SWAPHEADER_OK && hi.kernel_page_size == 16384,
	   "page size 0: judged for the header's own");

	build(&s4);
	env.page_size = 65536;
	env.size = 100 * 65536ULL;
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(hi.page_size == 4096 && hi.err == SWAPHEADER_ERR_NO_SIGNATURE,
	   "made for 4 KiB, judged for 64 KiB: no-signature");
	memcpy(buf + 65536 - 10, "SWAPSPACE2", 10);
	env.size = 99 * 65536ULL;
	swapheader_decode(buf, sizeof(buf), &env, &hi);
	ok(hi.err == SWAPHEADER_ERR_TOO_SHORT,
	   "a magic at the 64 KiB page end too: that kernel reads on, and counts its pages");
	swapheader_decode(buf, 65536 - 1, &env, &hi);
	ok(hi.err == SWAPHEADER_ERR_NO_SIGNATURE, "an area shorter than the judged page: no-signature");
}

static void test_release_page_size(void)
{
	ok(swapheader_kernel_page_size("6.8.5-301.fc40.aarch64+16k") == 16384, "Fedora +16k");
	ok(swapheader_kernel_page_size("6.12.12-arm64-16k") == 16384, "Debian -16k");
	ok(swapheader_kernel_page_size("6.8.0-1009-nvidia-64k") == 65536, "Ubuntu -64k");
	ok(swapheader_kernel_page_size("6.1.0-4K") == 4096, "any case");
	ok(!swapheader_kernel_page_size("6.18.44-fc-v595") && !swapheader_kernel_page_size("6.18") &&
	   !swapheader_kernel_page_size("newest") && !swapheader_kernel_page_size("6.1-12k") &&
	   !swapheader_kernel_page_size("6.1-512k") && !swapheader_kernel_page_size("6.1-16kb") &&
	   !swapheader_kernel_page_size("16k"), "no page size, or none a kernel has");
	ok(swapheader_page_size_ok(4096) && swapheader_page_size_ok(262144) &&
	   !swapheader_page_size_ok(2048) && !swapheader_page_size_ok(524288) &&
	   !swapheader_page_size_ok(12288), "page sizes: powers of two, 4 KiB to 256 KiB");
}

static void test_kernel_release(void)
{
	uint32_t v;

	ok(!swapheader_parse_kernel("6.18.44-fc-v595", &v) && v == SWAPHEADER_KERNEL(6, 18, 44),
	   "6.18.44-fc-v595 parses");
	ok(!swapheader_parse_kernel("4.9.337", &v) && v == SWAPHEADER_KERNEL(4, 9, 255),
	   "sublevel saturates at 255 like KERNEL_VERSION()");
	ok(!swapheader_parse_kernel("7.0", &v) && v == SWAPHEADER_KERNEL(7, 0, 0), "7.0 parses");
	ok(!swapheader_parse_kernel("newest", &v) && v == 0, "newest is 0");
	ok(swapheader_parse_kernel("7", &v) == -EINVAL && swapheader_parse_kernel("7.x", &v) == -EINVAL &&
	   swapheader_parse_kernel("6.18x", &v) == -EINVAL, "garbage refused");
}

static void test_codes(void)
{
	static const char *const codes[SWAPHEADER_ERR_COUNT] = {
		"", "no-signature", "too-many-badpages", "bad-version", "empty",
		"too-short", "badpages-on-file", "holes", "badpage-out-of-range",
		"no-good-pages", "badpage-duplicate",
	};
	struct swapheader_info hi = { .err = SWAPHEADER_ERR_BADPAGE_RANGE, .err_arg = 7,
				  .last_page = 5 };
	char msg[256];
	int i, same = 1;

	for (i = 0; i < SWAPHEADER_ERR_COUNT; i++)
		same &= !strcmp(swapheader_err_code(i), codes[i]);
	ok(same, "reason codes are the documented, stable names");
	ok(!strcmp(swapheader_err_message(&hi, msg, sizeof(msg)),
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
	test_judged_page_size();
	test_release_page_size();
	test_kernel_release();
	test_codes();
	return tap_done();
}
