// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * undo.c - write and parse undo files (format in undo.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <swapfs/durable.h>
#include <swapfs/undo.h>

#define UNDO_FORMAT	"swapfs-undo 1"
/* An undo file is a few hundred bytes; anything longer is not one. */
#define UNDO_MAX_LINE	(PATH_MAX + 64)
#define UNDO_MAX_SIZE	(16 * 1024)

enum undo_key {
	UNDO_KEY_FORMAT,
	UNDO_KEY_TARGET,
	UNDO_KEY_PAGE_SIZE,
	UNDO_KEY_OFFSET,
	UNDO_KEY_OLD,
	UNDO_KEY_NEW,
	UNDO_KEY_HASH,
	UNDO_KEY_COUNT,
};

static const char *const undo_keys[UNDO_KEY_COUNT] = {
	"format", "target", "page_size", "offset", "old", "new", "header_hash",
};

uint64_t undo_header_hash(const uint8_t *page, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		bool ids = i >= SWAPHEADER_OFF_UUID && i < SWAPHEADER_OFF_UUID + SWAPHEADER_IDS_LEN;

		h ^= ids ? 0 : page[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void undo_hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

int undo_check_new(const char *path, bool replace)
{
	struct stat st;

	if (stat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	return replace ? 0 : -EEXIST;
}

int undo_save(const char *path, const struct undo_record *u, bool replace)
{
	char old[2 * SWAPHEADER_IDS_LEN + 1], new[2 * SWAPHEADER_IDS_LEN + 1];
	char *text;
	int len, rc;

	/* one record per line: a newline in a path would make it unreadable */
	if (strchr(path, '\n') || strchr(u->target, '\n'))
		return -EINVAL;
	undo_hex(u->old_ids, SWAPHEADER_IDS_LEN, old);
	undo_hex(u->new_ids, SWAPHEADER_IDS_LEN, new);
	len = asprintf(&text,
		       "# swapfs undo file: restore with 'swapfs undo %s'\n"
		       "format: " UNDO_FORMAT "\n"
		       "target: %s\n"
		       "page_size: %u\n"
		       "offset: %d\n"
		       "old: %s\n"
		       "new: %s\n"
		       "header_hash: %016" PRIx64 "\n",
		       path, u->target, u->page_size, SWAPHEADER_OFF_UUID, old, new,
		       u->header_hash);
	if (len < 0)
		return -ENOMEM;
	rc = undo_check_new(path, replace);
	if (!rc)
		rc = replace ? durable_write_file(path, text, len, 0600) :
			       durable_create_file(path, text, len, 0600);
	free(text);
	return rc;
}

static int __attribute__((format(printf, 4, 5)))
undo_fail(char *why, size_t whysz, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(why, whysz, "line %u: ", line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < whysz)
		vsnprintf(why + n, whysz - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool undo_unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return false;
	for (i = 0; i < 2 * n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
	return true;
}

static bool undo_parse_u64(const char *s, int base, uint64_t max, uint64_t *v)
{
	const char *digits = base == 16 ? "0123456789abcdefABCDEF" : "0123456789";
	char *end;

	/* strtoull would take blanks, a sign and "0x": only digits are valid */
	if (!*s || strspn(s, digits) != strlen(s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, base);
	return !errno && !*end && *v <= max;
}

static int undo_set(struct undo_record *u, enum undo_key key, const char *val,
		    unsigned int line, char *why, size_t whysz)
{
	uint64_t v;

	switch (key) {
	case UNDO_KEY_FORMAT:
		if (strcmp(val, UNDO_FORMAT))
			return undo_fail(why, whysz, line, "format: expected '%s'", UNDO_FORMAT);
		return 0;
	case UNDO_KEY_TARGET:
		if (!*val || strlen(val) >= sizeof(u->target))
			return undo_fail(why, whysz, line, "target: expected a path");
		strcpy(u->target, val);
		return 0;
	case UNDO_KEY_PAGE_SIZE:
		if (!undo_parse_u64(val, 10, SWAPHEADER_PAGE_MAX, &v) ||
		    v < SWAPHEADER_PAGE_MIN || (v & (v - 1)))
			return undo_fail(why, whysz, line,
					 "page_size: expected a power of two from %u to %u",
					 SWAPHEADER_PAGE_MIN, SWAPHEADER_PAGE_MAX);
		u->page_size = v;
		return 0;
	case UNDO_KEY_OFFSET:
		if (!undo_parse_u64(val, 10, UINT32_MAX, &v) || v != SWAPHEADER_OFF_UUID)
			return undo_fail(why, whysz, line, "offset: expected %d",
					 SWAPHEADER_OFF_UUID);
		return 0;
	case UNDO_KEY_OLD:
	case UNDO_KEY_NEW:
		if (!undo_unhex(val, key == UNDO_KEY_OLD ? u->old_ids : u->new_ids,
				SWAPHEADER_IDS_LEN))
			return undo_fail(why, whysz, line, "%s: expected %d hex digits",
					 undo_keys[key], 2 * SWAPHEADER_IDS_LEN);
		return 0;
	case UNDO_KEY_HASH:
		if (strlen(val) != 16 || !undo_parse_u64(val, 16, UINT64_MAX, &v))
			return undo_fail(why, whysz, line,
					 "header_hash: expected 16 hex digits");
		u->header_hash = v;
		return 0;
	default:
		return -EINVAL;
	}
}

static int undo_parse_line(struct undo_record *u, char *text, unsigned int line,
			   bool *seen, char *why, size_t whysz)
{
	char *colon, *val;
	int k;

	if (!*text || *text == '#')
		return 0;
	colon = strchr(text, ':');
	if (!colon || colon[1] != ' ')
		return undo_fail(why, whysz, line, "expected 'key: value'");
	*colon = '\0';
	val = colon + 2;
	for (k = 0; k < UNDO_KEY_COUNT; k++)
		if (!strcmp(text, undo_keys[k]))
			break;
	if (k == UNDO_KEY_COUNT)
		return undo_fail(why, whysz, line, "unknown key '%s'", text);
	if (seen[k])
		return undo_fail(why, whysz, line, "'%s' given twice", text);
	seen[k] = true;
	return undo_set(u, k, val, line, why, whysz);
}

static int undo_parse(struct undo_record *u, FILE *f, char *why, size_t whysz)
{
	bool seen[UNDO_KEY_COUNT] = { false };
	char text[UNDO_MAX_LINE + 2];
	unsigned int line = 0;
	size_t total = 0, n;
	int k, rc;

	while (fgets(text, sizeof(text), f)) {
		line++;
		n = strlen(text);
		total += n;
		if (total > UNDO_MAX_SIZE)
			return undo_fail(why, whysz, line, "file longer than %d bytes",
					 UNDO_MAX_SIZE);
		if (n && text[n - 1] == '\n')
			text[--n] = '\0';
		else if (!feof(f))
			return undo_fail(why, whysz, line, "line longer than %d bytes",
					 UNDO_MAX_LINE);
		rc = undo_parse_line(u, text, line, seen, why, whysz);
		if (rc)
			return rc;
	}
	if (ferror(f))
		return -EIO;
	for (k = 0; k < UNDO_KEY_COUNT; k++)
		if (!seen[k])
			return undo_fail(why, whysz, line, "missing key '%s'",
					 undo_keys[k]);
	return 0;
}

int undo_load(const char *path, struct undo_record *u, char *why, size_t whysz)
{
	struct stat st;
	FILE *f;
	int fd, rc;

	memset(u, 0, sizeof(*u));
	why[0] = '\0';
	/* O_NONBLOCK: a FIFO must be refused, not wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	rc = fstat(fd, &st) ? -errno : S_ISDIR(st.st_mode) ? -EISDIR :
	     !S_ISREG(st.st_mode) ? -EINVAL : 0;
	if (rc) {
		if (rc == -EINVAL)
			snprintf(why, whysz, "not a regular file");
		close(fd);
		return rc;
	}
	f = fdopen(fd, "r");
	if (!f) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = undo_parse(u, f, why, whysz);
	fclose(f);
	return rc;
}
