// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swapheader.c - probe, decode and judge an on-disk swap header.
 *
 * The verdict follows the newest kernel's swapon(2) path check by check:
 * read_swap_header(), the filesystem's swap_activate (holes), then
 * setup_swap_clusters_info() for each bad page. The first rule that fails
 * is the one reported, as it is the one swapon would fail on.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <swapfs/swapheader.h>

/* Magic strings as data: what each one means and where it sits. */
struct swapheader_magic {
	const char *magic;
	size_t len;
	enum swapheader_sig sig;
};

/* At page_size - 10, checked in this order at each page size. */
static const struct swapheader_magic swapheader_page_magics[] = {
	{ "SWAPSPACE2", 10, SWAPHEADER_SIG_SWAP_V1 },
	{ "SWAP-SPACE", 10, SWAPHEADER_SIG_SWAP_V0 },
	{ "S1SUSPEND", 9, SWAPHEADER_SIG_S1SUSPEND },
	{ "S2SUSPEND", 9, SWAPHEADER_SIG_S2SUSPEND },
	{ "ULSUSPEND", 9, SWAPHEADER_SIG_ULSUSPEND },
	{ "LINHIB0001", 10, SWAPHEADER_SIG_LINHIB0001 },
};

/* TuxOnIce puts its magic at offset 0 and keeps the v1 header intact. */
static const uint8_t swapheader_toi_magic[] = {
	0xed, 0xc3, 0x02, 0xe9, 0x98, 0x56, 0xe5, 0x0c
};

static const struct {
	const char *code;
	const char *words;	/* printf format taking err_arg (and more) */
} swapheader_errs[SWAPHEADER_ERR_COUNT] = {
	[SWAPHEADER_OK] = { "", "" },
	[SWAPHEADER_ERR_NO_SIGNATURE] = { "no-signature",
		"Unable to find swap-space signature" },
	[SWAPHEADER_ERR_TOO_MANY_BADPAGES] = { "too-many-badpages",
		"nr_badpages %lld exceeds MAX_SWAP_BADPAGES %u (swapon fails with EINVAL; the kernel logs nothing)" },
	[SWAPHEADER_ERR_BAD_VERSION] = { "bad-version",
		"Unable to handle swap header version %lld" },
	[SWAPHEADER_ERR_EMPTY] = { "empty", "Empty swap-file" },
	[SWAPHEADER_ERR_TOO_SHORT] = { "too-short",
		"Swap area shorter than signature indicates" },
	[SWAPHEADER_ERR_BADPAGES_ON_FILE] = { "badpages-on-file",
		"%lld bad pages listed in a regular file (swapon fails with EINVAL; the kernel logs nothing)" },
	[SWAPHEADER_ERR_HOLES] = { "holes", "swapon: swapfile has holes" },
	[SWAPHEADER_ERR_BADPAGE_RANGE] = { "badpage-out-of-range",
		"Bad slot offset is out of border: %lld (last_page: %u)" },
	[SWAPHEADER_ERR_NO_GOOD_PAGES] = { "no-good-pages", "Empty swap-file" },
	[SWAPHEADER_ERR_BADPAGE_DUP] = { "badpage-duplicate",
		"Duplicated bad slot offset %lld" },
};

static uint32_t header_get32(const uint8_t *buf, size_t off)
{
	uint32_t v;

	memcpy(&v, buf + off, sizeof(v));
	return v;
}

static bool swapheader_host_is_little(void)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

/* Find the smallest page size whose magic slot holds a known signature. */
static void swapheader_probe_magic(const uint8_t *buf, size_t len,
			       struct swapheader_info *hi)
{
	unsigned int ps;
	size_t i;

	for (ps = SWAPHEADER_PAGE_MIN; ps <= SWAPHEADER_PAGE_MAX && ps <= len; ps <<= 1) {
		for (i = 0; i < sizeof(swapheader_page_magics) / sizeof(swapheader_page_magics[0]); i++) {
			const struct swapheader_magic *m = &swapheader_page_magics[i];

			if (!memcmp(buf + ps - SWAPHEADER_MAGIC_LEN, m->magic, m->len)) {
				hi->sig = m->sig;
				hi->page_size = ps;
				hi->v1_magic = m->sig == SWAPHEADER_SIG_SWAP_V1;
				return;
			}
		}
	}
}

/*
 * TuxOnIce: the image magic at 0 wins over whatever sits at the page end
 * (libblkid's swap prober steps aside for it); the page size, if any, comes
 * from the v1 magic TuxOnIce keeps.
 */
static void swapheader_probe_tuxonice(const uint8_t *buf, size_t len,
				  struct swapheader_info *hi)
{
	if (len < sizeof(swapheader_toi_magic) ||
	    memcmp(buf, swapheader_toi_magic, sizeof(swapheader_toi_magic)))
		return;
	hi->sig = SWAPHEADER_SIG_TUXONICE;
}

/*
 * Read the v1 fields. The kernel decides the byte order on the version
 * alone (swab32(version) == 1 means foreign); so do we.
 */
static int swapheader_decode_fields(const uint8_t *buf, size_t len,
				struct swapheader_info *hi)
{
	/* A TuxOnIce image without a v1 magic has no known page size. */
	unsigned int ps = hi->page_size ? hi->page_size : SWAPHEADER_PAGE_MIN;
	/* the list a kernel with larger pages would read, if the buffer has it */
	unsigned int list = hi->kernel_page_size > ps && hi->kernel_page_size <= len ?
			    hi->kernel_page_size : ps;
	uint32_t max = SWAPHEADER_MAX_BADPAGES(list);
	uint32_t version, i;

	if (len < ps)
		return 0;	/* too short to hold the fields */
	version = header_get32(buf, SWAPHEADER_OFF_VERSION);
	hi->has_fields = true;
	hi->foreign = __builtin_bswap32(version) == 1;
	if (hi->foreign == swapheader_host_is_little())
		hi->order = SWAPHEADER_ORDER_BIG;
	else
		hi->order = SWAPHEADER_ORDER_LITTLE;

	hi->version = header_get32(buf, SWAPHEADER_OFF_VERSION);
	hi->last_page = header_get32(buf, SWAPHEADER_OFF_LAST_PAGE);
	hi->nr_badpages = header_get32(buf, SWAPHEADER_OFF_NR_BADPAGES);
	if (hi->foreign) {
		hi->version = __builtin_bswap32(hi->version);
		hi->last_page = __builtin_bswap32(hi->last_page);
		hi->nr_badpages = __builtin_bswap32(hi->nr_badpages);
	}
	memcpy(hi->uuid, buf + SWAPHEADER_OFF_UUID, SWAPHEADER_UUID_LEN);
	memcpy(hi->label, buf + SWAPHEADER_OFF_LABEL, SWAPHEADER_LABEL_LEN);
	hi->ids_trusted = !header_get32(buf, SWAPHEADER_OFF_PADDING32) &&
			  !header_get32(buf, SWAPHEADER_OFF_PADDING33);
	hi->area_size = ((uint64_t)hi->last_page + 1) * hi->page_size;

	/* Bound the count by the page before touching the list. */
	hi->nr_badpages_read = hi->nr_badpages < max ? hi->nr_badpages : max;
	if (!hi->nr_badpages_read)
		return 0;
	hi->badpages = calloc(hi->nr_badpages_read, sizeof(*hi->badpages));
	if (!hi->badpages)
		return -ENOMEM;
	for (i = 0; i < hi->nr_badpages_read; i++) {
		uint32_t v = header_get32(buf, SWAPHEADER_OFF_BADPAGES + 4 * i);

		hi->badpages[i] = hi->foreign ? __builtin_bswap32(v) : v;
	}
	return 0;
}

static int swapheader_cmp_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/*
 * Index of the first bad page that repeats an earlier one, or
 * nr_badpages_read if none: the kernel notices a duplicate when it marks
 * the second occurrence, so that is where it fails.
 */
static int swapheader_first_duplicate(const struct swapheader_info *hi, uint32_t *first)
{
	uint32_t n = hi->nr_badpages_read, i;
	uint64_t *pairs;

	*first = n;
	if (n < 2)
		return 0;
	pairs = malloc(n * sizeof(*pairs));
	if (!pairs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		pairs[i] = (uint64_t)hi->badpages[i] << 32 | i;
	qsort(pairs, n, sizeof(*pairs), swapheader_cmp_pair);
	for (i = 1; i < n; i++) {
		if (pairs[i] >> 32 != pairs[i - 1] >> 32)
			continue;
		if ((uint32_t)pairs[i] < *first)
			*first = (uint32_t)pairs[i];
	}
	free(pairs);
	return 0;
}

static void swapheader_fail(struct swapheader_info *hi, enum swapheader_err err, int64_t arg)
{
	hi->err = err;
	hi->err_arg = arg;
}

static bool swapheader_kernel_at_least(const struct swapheader_env *env, uint32_t v)
{
	return !env->kernel || env->kernel >= v;
}

int swapheader_parse_kernel(const char *release, uint32_t *kernel)
{
	unsigned int x, y, z = 0;
	int n = 0;

	if (!strcmp(release, "newest")) {
		*kernel = 0;
		return 0;
	}
	if (sscanf(release, "%u.%u%n.%u%n", &x, &y, &n, &z, &n) < 2 ||
	    x > 255 || y > 255 ||
	    (release[n] && release[n] != '-' && release[n] != '+'))
		return -EINVAL;
	/* KERNEL_VERSION() saturates the sublevel the same way (4.9.337) */
	*kernel = SWAPHEADER_KERNEL(x, y, z > 255 ? 255 : z);
	return 0;
}

bool swapheader_page_size_ok(uint64_t page_size)
{
	return page_size >= SWAPHEADER_PAGE_MIN && page_size <= SWAPHEADER_PAGE_MAX &&
	       !(page_size & (page_size - 1));
}

unsigned int swapheader_kernel_page_size(const char *release)
{
	const char *end = release + strlen(release), *part = end;
	unsigned long kib;
	char *stop;

	/* the last part: after the last '-', '+', '_' or '.' */
	while (part > release && !strchr("-+_.", part[-1]))
		part--;
	if (part == release || !isdigit((unsigned char)*part))
		return 0;
	kib = strtoul(part, &stop, 10);
	if (stop + 1 != end || (*stop != 'k' && *stop != 'K') ||
	    !swapheader_page_size_ok((uint64_t)kib * 1024))
		return 0;
	return (unsigned int)kib * 1024;
}

uint32_t swapheader_running_kernel(void)
{
	struct utsname u;
	uint32_t v;

	if (uname(&u) || swapheader_parse_kernel(u.release, &v))
		return 0;
	return v;
}

/* setup_swap_clusters_info(): each bad page, in list order. */
static int swapheader_judge_badpages(const struct swapheader_env *env,
				 struct swapheader_info *hi)
{
	uint64_t max = (uint64_t)hi->last_page + 1;
	uint64_t pages;
	uint32_t dup, i;
	int rc;

	if (max > UINT32_MAX)
		max = UINT32_MAX;	/* si->max is an unsigned int */
	pages = max - 1;
	rc = swapheader_first_duplicate(hi, &dup);
	if (rc)
		return rc;
	for (i = 0; i < hi->nr_badpages_read; i++) {
		uint32_t page = hi->badpages[i];

		if (!page || page > hi->last_page) {
			swapheader_fail(hi, SWAPHEADER_ERR_BADPAGE_RANGE, page);
			return 0;
		}
		if (!--pages) {
			swapheader_fail(hi, SWAPHEADER_ERR_NO_GOOD_PAGES, page);
			return 0;
		}
		if (i == dup && swapheader_kernel_at_least(env, SWAPHEADER_KERNEL_BADPAGE_DUP)) {
			swapheader_fail(hi, SWAPHEADER_ERR_BADPAGE_DUP, page);
			return 0;
		}
	}
	return 0;
}

/* Does a kernel with pages of @kps bytes find "SWAPSPACE2" at the end of its page? */
static bool swapheader_kernel_magic(const uint8_t *buf, size_t len, unsigned int kps)
{
	return kps && len >= kps &&
	       !memcmp(buf + kps - SWAPHEADER_MAGIC_LEN, "SWAPSPACE2", SWAPHEADER_MAGIC_LEN);
}

/*
 * read_swap_header() and what follows it in swapon(2), in that order, for
 * a kernel whose page is kernel_page_size: it reads that one page and
 * looks for the magic at its end, wherever mkswap put it.
 */
static int swapheader_judge(const uint8_t *buf, size_t len,
			    const struct swapheader_env *env, struct swapheader_info *hi)
{
	unsigned int kps = hi->kernel_page_size;
	uint32_t max_bad = SWAPHEADER_MAX_BADPAGES(kps);
	uint64_t maxpages, filepages;

	if (!hi->has_fields || !swapheader_kernel_magic(buf, len, kps)) {
		swapheader_fail(hi, SWAPHEADER_ERR_NO_SIGNATURE, 0);
		return 0;
	}
	/* The endianness hack bounds the count before swapping the list. */
	if (hi->foreign && hi->nr_badpages > max_bad) {
		swapheader_fail(hi, SWAPHEADER_ERR_TOO_MANY_BADPAGES, hi->nr_badpages);
		return 0;
	}
	if (hi->version != 1) {
		swapheader_fail(hi, SWAPHEADER_ERR_BAD_VERSION, (int32_t)hi->version);
		return 0;
	}
	if (!hi->last_page) {
		swapheader_fail(hi, SWAPHEADER_ERR_EMPTY, 0);
		return 0;
	}
	/*
	 * last_page is 32 bits and every 64-bit architecture's swap entry
	 * holds more, so "Truncating oversized swap area" cannot happen there.
	 */
	maxpages = (uint64_t)hi->last_page + 1;
	filepages = env->size / kps;
	if (filepages && maxpages > filepages) {
		swapheader_fail(hi, SWAPHEADER_ERR_TOO_SHORT, 0);
		return 0;
	}
	if (hi->nr_badpages && env->regular) {
		swapheader_fail(hi, SWAPHEADER_ERR_BADPAGES_ON_FILE, hi->nr_badpages);
		return 0;
	}
	if (hi->nr_badpages > max_bad) {
		swapheader_fail(hi, SWAPHEADER_ERR_TOO_MANY_BADPAGES, hi->nr_badpages);
		return 0;
	}
	if (env->regular && env->holes) {
		swapheader_fail(hi, SWAPHEADER_ERR_HOLES, 0);
		return 0;
	}
	return swapheader_judge_badpages(env, hi);
}

int swapheader_decode(const void *buf, size_t len, const struct swapheader_env *env,
		  struct swapheader_info *hi)
{
	const uint8_t *p = buf;
	int rc;

	memset(hi, 0, sizeof(*hi));
	hi->order = swapheader_host_is_little() ? SWAPHEADER_ORDER_LITTLE : SWAPHEADER_ORDER_BIG;
	swapheader_probe_magic(p, len, hi);
	swapheader_probe_tuxonice(p, len, hi);
	hi->kernel_page_size = env->page_size ? env->page_size : hi->page_size;

	/*
	 * v0 has a bitmap where v1 has fields; every other kind keeps them,
	 * and so does a v0 page whose larger page a kernel reads as v1.
	 */
	if ((hi->sig != SWAPHEADER_SIG_NONE && hi->sig != SWAPHEADER_SIG_SWAP_V0) ||
	    swapheader_kernel_magic(p, len, hi->kernel_page_size)) {
		rc = swapheader_decode_fields(p, len, hi);
		if (rc)
			goto err;
	}
	rc = swapheader_judge(p, len, env, hi);
	if (rc)
		goto err;
	return 0;
err:
	swapheader_info_free(hi);
	return rc;
}

void swapheader_info_free(struct swapheader_info *hi)
{
	free(hi->badpages);
	hi->badpages = NULL;
	hi->nr_badpages_read = 0;
}

const char *swapheader_err_code(enum swapheader_err err)
{
	if (err < 0 || err >= SWAPHEADER_ERR_COUNT)
		return "unknown";
	return swapheader_errs[err].code;
}

char *swapheader_err_message(const struct swapheader_info *hi, char *buf, size_t sz)
{
	const char *fmt;

	if (hi->err < 0 || hi->err >= SWAPHEADER_ERR_COUNT) {
		snprintf(buf, sz, "unknown verdict %d", hi->err);
		return buf;
	}
	fmt = swapheader_errs[hi->err].words;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	switch (hi->err) {
	case SWAPHEADER_ERR_TOO_MANY_BADPAGES:
		snprintf(buf, sz, fmt, (long long)hi->err_arg,
			 SWAPHEADER_MAX_BADPAGES(hi->kernel_page_size));
		break;
	case SWAPHEADER_ERR_BADPAGE_RANGE:
		snprintf(buf, sz, fmt, (long long)hi->err_arg, hi->last_page);
		break;
	default:
		snprintf(buf, sz, fmt, (long long)hi->err_arg);
		break;
	}
#pragma GCC diagnostic pop
	return buf;
}

const char *swapheader_sig_type(enum swapheader_sig sig)
{
	switch (sig) {
	case SWAPHEADER_SIG_SWAP_V1:
	case SWAPHEADER_SIG_SWAP_V0:
		return "swap";
	case SWAPHEADER_SIG_NONE:
		return NULL;
	default:
		return "swsuspend";
	}
}

const char *swapheader_sig_version(enum swapheader_sig sig)
{
	static const char *const versions[] = {
		[SWAPHEADER_SIG_SWAP_V1] = "1",
		[SWAPHEADER_SIG_SWAP_V0] = "0",
		[SWAPHEADER_SIG_S1SUSPEND] = "s1suspend",
		[SWAPHEADER_SIG_S2SUSPEND] = "s2suspend",
		[SWAPHEADER_SIG_ULSUSPEND] = "ulsuspend",
		[SWAPHEADER_SIG_LINHIB0001] = "linhib0001",
		[SWAPHEADER_SIG_TUXONICE] = "tuxonice",
	};

	if (sig <= SWAPHEADER_SIG_NONE || sig > SWAPHEADER_SIG_TUXONICE)
		return NULL;
	return versions[sig];
}

const char *swapheader_sig_name(enum swapheader_sig sig)
{
	static const char *const names[] = {
		[SWAPHEADER_SIG_NONE] = "none",
		[SWAPHEADER_SIG_SWAP_V1] = "swap v1",
		[SWAPHEADER_SIG_SWAP_V0] = "swap v0",
		[SWAPHEADER_SIG_S1SUSPEND] = "hibernation image (s1suspend)",
		[SWAPHEADER_SIG_S2SUSPEND] = "hibernation image (s2suspend)",
		[SWAPHEADER_SIG_ULSUSPEND] = "hibernation image (ulsuspend)",
		[SWAPHEADER_SIG_LINHIB0001] = "hibernation image (linhib0001)",
		[SWAPHEADER_SIG_TUXONICE] = "hibernation image (tuxonice)",
	};

	if (sig < SWAPHEADER_SIG_NONE || sig > SWAPHEADER_SIG_TUXONICE)
		return "unknown";
	return names[sig];
}

const char *swapheader_order_name(enum swapheader_order order)
{
	return order == SWAPHEADER_ORDER_BIG ? "big" : "little";
}

bool swapheader_sig_is_hibernation(enum swapheader_sig sig)
{
	return sig >= SWAPHEADER_SIG_S1SUSPEND && sig <= SWAPHEADER_SIG_TUXONICE;
}

char *swapheader_label_escape(const uint8_t label[SWAPHEADER_LABEL_LEN], char *buf)
{
	size_t end = SWAPHEADER_LABEL_LEN, i;
	char *p = buf;

	while (end && !label[end - 1])
		end--;
	for (i = 0; i < end; i++) {
		uint8_t c = label[i];

		if (c == '\\') {
			*p++ = '\\';
			*p++ = '\\';
		} else if (c >= 0x20 && c < 0x7f) {
			*p++ = c;
		} else {
			p += sprintf(p, "\\x%02x", c);
		}
	}
	*p = '\0';
	return buf;
}

bool swapheader_has_uuid(const struct swapheader_info *hi)
{
	size_t i;

	if (!hi->has_fields || !hi->ids_trusted)
		return false;
	for (i = 0; i < SWAPHEADER_UUID_LEN; i++)
		if (hi->uuid[i])
			return true;
	return false;
}
