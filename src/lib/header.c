// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * header.c - probe, decode and judge an on-disk swap header.
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

#include <swapfs/header.h>

/* Magic strings as data: what each one means and where it sits. */
struct header_magic {
	const char *magic;
	size_t len;
	enum header_sig sig;
};

/* At page_size - 10, checked in this order at each page size. */
static const struct header_magic header_page_magics[] = {
	{ "SWAPSPACE2", 10, HEADER_SIG_SWAP_V1 },
	{ "SWAP-SPACE", 10, HEADER_SIG_SWAP_V0 },
	{ "S1SUSPEND", 9, HEADER_SIG_S1SUSPEND },
	{ "S2SUSPEND", 9, HEADER_SIG_S2SUSPEND },
	{ "ULSUSPEND", 9, HEADER_SIG_ULSUSPEND },
	{ "LINHIB0001", 10, HEADER_SIG_LINHIB0001 },
};

/* TuxOnIce puts its magic at offset 0 and keeps the v1 header intact. */
static const uint8_t header_toi_magic[] = {
	0xed, 0xc3, 0x02, 0xe9, 0x98, 0x56, 0xe5, 0x0c
};

static const struct {
	const char *code;
	const char *words;	/* printf format taking err_arg (and more) */
} header_errs[HEADER_ERR_COUNT] = {
	[HEADER_OK] = { "", "" },
	[HEADER_ERR_NO_SIGNATURE] = { "no-signature",
		"Unable to find swap-space signature" },
	[HEADER_ERR_TOO_MANY_BADPAGES] = { "too-many-badpages",
		"nr_badpages %lld exceeds MAX_SWAP_BADPAGES %u (swapon fails with EINVAL; the kernel logs nothing)" },
	[HEADER_ERR_BAD_VERSION] = { "bad-version",
		"Unable to handle swap header version %lld" },
	[HEADER_ERR_EMPTY] = { "empty", "Empty swap-file" },
	[HEADER_ERR_TOO_SHORT] = { "too-short",
		"Swap area shorter than signature indicates" },
	[HEADER_ERR_BADPAGES_ON_FILE] = { "badpages-on-file",
		"%lld bad pages listed in a regular file (swapon fails with EINVAL; the kernel logs nothing)" },
	[HEADER_ERR_HOLES] = { "holes", "swapon: swapfile has holes" },
	[HEADER_ERR_BADPAGE_RANGE] = { "badpage-out-of-range",
		"Bad slot offset is out of border: %lld (last_page: %u)" },
	[HEADER_ERR_NO_GOOD_PAGES] = { "no-good-pages", "Empty swap-file" },
	[HEADER_ERR_BADPAGE_DUP] = { "badpage-duplicate",
		"Duplicated bad slot offset %lld" },
};

static uint32_t header_get32(const uint8_t *buf, size_t off)
{
	uint32_t v;

	memcpy(&v, buf + off, sizeof(v));
	return v;
}

static bool header_host_is_little(void)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

/* Find the smallest page size whose magic slot holds a known signature. */
static void header_probe_magic(const uint8_t *buf, size_t len,
			       struct header_info *hi)
{
	unsigned int ps;
	size_t i;

	for (ps = HEADER_PAGE_MIN; ps <= HEADER_PAGE_MAX && ps <= len; ps <<= 1) {
		for (i = 0; i < sizeof(header_page_magics) / sizeof(header_page_magics[0]); i++) {
			const struct header_magic *m = &header_page_magics[i];

			if (!memcmp(buf + ps - HEADER_MAGIC_LEN, m->magic, m->len)) {
				hi->sig = m->sig;
				hi->page_size = ps;
				hi->v1_magic = m->sig == HEADER_SIG_SWAP_V1;
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
static void header_probe_tuxonice(const uint8_t *buf, size_t len,
				  struct header_info *hi)
{
	if (len < sizeof(header_toi_magic) ||
	    memcmp(buf, header_toi_magic, sizeof(header_toi_magic)))
		return;
	hi->sig = HEADER_SIG_TUXONICE;
}

/*
 * Read the v1 fields. The kernel decides the byte order on the version
 * alone (swab32(version) == 1 means foreign); so do we.
 */
static int header_decode_fields(const uint8_t *buf, size_t len,
				struct header_info *hi)
{
	/* A TuxOnIce image without a v1 magic has no known page size. */
	unsigned int ps = hi->page_size ? hi->page_size : HEADER_PAGE_MIN;
	uint32_t max = HEADER_MAX_BADPAGES(ps);
	uint32_t version, i;

	if (len < ps)
		return 0;	/* too short to hold the fields */
	version = header_get32(buf, HEADER_OFF_VERSION);
	hi->has_fields = true;
	hi->foreign = __builtin_bswap32(version) == 1;
	if (hi->foreign == header_host_is_little())
		hi->order = HEADER_ORDER_BIG;
	else
		hi->order = HEADER_ORDER_LITTLE;

	hi->version = header_get32(buf, HEADER_OFF_VERSION);
	hi->last_page = header_get32(buf, HEADER_OFF_LAST_PAGE);
	hi->nr_badpages = header_get32(buf, HEADER_OFF_NR_BADPAGES);
	if (hi->foreign) {
		hi->version = __builtin_bswap32(hi->version);
		hi->last_page = __builtin_bswap32(hi->last_page);
		hi->nr_badpages = __builtin_bswap32(hi->nr_badpages);
	}
	memcpy(hi->uuid, buf + HEADER_OFF_UUID, HEADER_UUID_LEN);
	memcpy(hi->label, buf + HEADER_OFF_LABEL, HEADER_LABEL_LEN);
	hi->ids_trusted = !header_get32(buf, HEADER_OFF_PADDING32) &&
			  !header_get32(buf, HEADER_OFF_PADDING33);
	hi->area_size = ((uint64_t)hi->last_page + 1) * hi->page_size;

	/* Bound the count by the page before touching the list. */
	hi->nr_badpages_read = hi->nr_badpages < max ? hi->nr_badpages : max;
	if (!hi->nr_badpages_read)
		return 0;
	hi->badpages = calloc(hi->nr_badpages_read, sizeof(*hi->badpages));
	if (!hi->badpages)
		return -ENOMEM;
	for (i = 0; i < hi->nr_badpages_read; i++) {
		uint32_t v = header_get32(buf, HEADER_OFF_BADPAGES + 4 * i);

		hi->badpages[i] = hi->foreign ? __builtin_bswap32(v) : v;
	}
	return 0;
}

static int header_cmp_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/*
 * Index of the first bad page that repeats an earlier one, or
 * nr_badpages_read if none: the kernel notices a duplicate when it marks
 * the second occurrence, so that is where it fails.
 */
static int header_first_duplicate(const struct header_info *hi, uint32_t *first)
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
	qsort(pairs, n, sizeof(*pairs), header_cmp_pair);
	for (i = 1; i < n; i++) {
		if (pairs[i] >> 32 != pairs[i - 1] >> 32)
			continue;
		if ((uint32_t)pairs[i] < *first)
			*first = (uint32_t)pairs[i];
	}
	free(pairs);
	return 0;
}

static void header_fail(struct header_info *hi, enum header_err err, int64_t arg)
{
	hi->err = err;
	hi->err_arg = arg;
}

static bool header_kernel_at_least(const struct header_env *env, uint32_t v)
{
	return !env->kernel || env->kernel >= v;
}

int header_parse_kernel(const char *release, uint32_t *kernel)
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
	*kernel = HEADER_KERNEL(x, y, z > 255 ? 255 : z);
	return 0;
}

uint32_t header_running_kernel(void)
{
	struct utsname u;
	uint32_t v;

	if (uname(&u) || header_parse_kernel(u.release, &v))
		return 0;
	return v;
}

/* setup_swap_clusters_info(): each bad page, in list order. */
static int header_judge_badpages(const struct header_env *env,
				 struct header_info *hi)
{
	uint64_t max = (uint64_t)hi->last_page + 1;
	uint64_t pages;
	uint32_t dup, i;
	int rc;

	if (max > UINT32_MAX)
		max = UINT32_MAX;	/* si->max is an unsigned int */
	pages = max - 1;
	rc = header_first_duplicate(hi, &dup);
	if (rc)
		return rc;
	for (i = 0; i < hi->nr_badpages_read; i++) {
		uint32_t page = hi->badpages[i];

		if (!page || page > hi->last_page) {
			header_fail(hi, HEADER_ERR_BADPAGE_RANGE, page);
			return 0;
		}
		if (!--pages) {
			header_fail(hi, HEADER_ERR_NO_GOOD_PAGES, page);
			return 0;
		}
		if (i == dup && header_kernel_at_least(env, HEADER_KERNEL_BADPAGE_DUP)) {
			header_fail(hi, HEADER_ERR_BADPAGE_DUP, page);
			return 0;
		}
	}
	return 0;
}

/* read_swap_header() and what follows it in swapon(2), in that order. */
static int header_judge(const struct header_env *env, struct header_info *hi)
{
	uint32_t max_bad = HEADER_MAX_BADPAGES(hi->page_size);
	uint64_t maxpages, filepages;

	if (!hi->v1_magic) {
		header_fail(hi, HEADER_ERR_NO_SIGNATURE, 0);
		return 0;
	}
	/* The endianness hack bounds the count before swapping the list. */
	if (hi->foreign && hi->nr_badpages > max_bad) {
		header_fail(hi, HEADER_ERR_TOO_MANY_BADPAGES, hi->nr_badpages);
		return 0;
	}
	if (hi->version != 1) {
		header_fail(hi, HEADER_ERR_BAD_VERSION, (int32_t)hi->version);
		return 0;
	}
	if (!hi->last_page) {
		header_fail(hi, HEADER_ERR_EMPTY, 0);
		return 0;
	}
	/*
	 * last_page is 32 bits and every 64-bit architecture's swap entry
	 * holds more, so "Truncating oversized swap area" cannot happen there.
	 */
	maxpages = (uint64_t)hi->last_page + 1;
	filepages = env->size / hi->page_size;
	if (filepages && maxpages > filepages) {
		header_fail(hi, HEADER_ERR_TOO_SHORT, 0);
		return 0;
	}
	if (hi->nr_badpages && env->regular) {
		header_fail(hi, HEADER_ERR_BADPAGES_ON_FILE, hi->nr_badpages);
		return 0;
	}
	if (hi->nr_badpages > max_bad) {
		header_fail(hi, HEADER_ERR_TOO_MANY_BADPAGES, hi->nr_badpages);
		return 0;
	}
	if (env->regular && env->holes) {
		header_fail(hi, HEADER_ERR_HOLES, 0);
		return 0;
	}
	return header_judge_badpages(env, hi);
}

int header_decode(const void *buf, size_t len, const struct header_env *env,
		  struct header_info *hi)
{
	const uint8_t *p = buf;
	int rc;

	memset(hi, 0, sizeof(*hi));
	hi->order = header_host_is_little() ? HEADER_ORDER_LITTLE : HEADER_ORDER_BIG;
	header_probe_magic(p, len, hi);
	header_probe_tuxonice(p, len, hi);

	/* v0 has a bitmap where v1 has fields; every other kind keeps them. */
	if (hi->sig != HEADER_SIG_NONE && hi->sig != HEADER_SIG_SWAP_V0) {
		rc = header_decode_fields(p, len, hi);
		if (rc)
			goto err;
	}
	rc = header_judge(env, hi);
	if (rc)
		goto err;
	return 0;
err:
	header_info_free(hi);
	return rc;
}

void header_info_free(struct header_info *hi)
{
	free(hi->badpages);
	hi->badpages = NULL;
	hi->nr_badpages_read = 0;
}

const char *header_err_code(enum header_err err)
{
	if (err < 0 || err >= HEADER_ERR_COUNT)
		return "unknown";
	return header_errs[err].code;
}

char *header_err_message(const struct header_info *hi, char *buf, size_t sz)
{
	const char *fmt;

	if (hi->err < 0 || hi->err >= HEADER_ERR_COUNT) {
		snprintf(buf, sz, "unknown verdict %d", hi->err);
		return buf;
	}
	fmt = header_errs[hi->err].words;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	switch (hi->err) {
	case HEADER_ERR_TOO_MANY_BADPAGES:
		snprintf(buf, sz, fmt, (long long)hi->err_arg,
			 HEADER_MAX_BADPAGES(hi->page_size));
		break;
	case HEADER_ERR_BADPAGE_RANGE:
		snprintf(buf, sz, fmt, (long long)hi->err_arg, hi->last_page);
		break;
	default:
		snprintf(buf, sz, fmt, (long long)hi->err_arg);
		break;
	}
#pragma GCC diagnostic pop
	return buf;
}

const char *header_sig_type(enum header_sig sig)
{
	switch (sig) {
	case HEADER_SIG_SWAP_V1:
	case HEADER_SIG_SWAP_V0:
		return "swap";
	case HEADER_SIG_NONE:
		return NULL;
	default:
		return "swsuspend";
	}
}

const char *header_sig_version(enum header_sig sig)
{
	static const char *const versions[] = {
		[HEADER_SIG_SWAP_V1] = "1",
		[HEADER_SIG_SWAP_V0] = "0",
		[HEADER_SIG_S1SUSPEND] = "s1suspend",
		[HEADER_SIG_S2SUSPEND] = "s2suspend",
		[HEADER_SIG_ULSUSPEND] = "ulsuspend",
		[HEADER_SIG_LINHIB0001] = "linhib0001",
		[HEADER_SIG_TUXONICE] = "tuxonice",
	};

	if (sig <= HEADER_SIG_NONE || sig > HEADER_SIG_TUXONICE)
		return NULL;
	return versions[sig];
}

const char *header_sig_name(enum header_sig sig)
{
	static const char *const names[] = {
		[HEADER_SIG_NONE] = "none",
		[HEADER_SIG_SWAP_V1] = "swap v1",
		[HEADER_SIG_SWAP_V0] = "swap v0",
		[HEADER_SIG_S1SUSPEND] = "hibernation image (s1suspend)",
		[HEADER_SIG_S2SUSPEND] = "hibernation image (s2suspend)",
		[HEADER_SIG_ULSUSPEND] = "hibernation image (ulsuspend)",
		[HEADER_SIG_LINHIB0001] = "hibernation image (linhib0001)",
		[HEADER_SIG_TUXONICE] = "hibernation image (tuxonice)",
	};

	if (sig < HEADER_SIG_NONE || sig > HEADER_SIG_TUXONICE)
		return "unknown";
	return names[sig];
}

const char *header_order_name(enum header_order order)
{
	return order == HEADER_ORDER_BIG ? "big" : "little";
}

bool header_sig_is_hibernation(enum header_sig sig)
{
	return sig >= HEADER_SIG_S1SUSPEND && sig <= HEADER_SIG_TUXONICE;
}

char *header_label_escape(const uint8_t label[HEADER_LABEL_LEN], char *buf)
{
	size_t end = HEADER_LABEL_LEN, i;
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

char *header_blkid_label(const struct header_info *hi, char *buf)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!hi->has_fields || !hi->ids_trusted || !hi->label[0])
		return buf;
	while (n < HEADER_LABEL_LEN && hi->label[n])
		n++;
	memcpy(buf, hi->label, n);
	while (n && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = '\0';
	return buf;
}

bool header_has_uuid(const struct header_info *hi)
{
	size_t i;

	if (!hi->has_fields || !hi->ids_trusted)
		return false;
	for (i = 0; i < HEADER_UUID_LEN; i++)
		if (hi->uuid[i])
			return true;
	return false;
}
