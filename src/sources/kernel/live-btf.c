// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-btf.c - names the running kernel gives to its constants, read from
 * its BTF (/sys/kernel/btf/vmlinux): the SWP_* flags are an anonymous
 * enum, which CO-RE cannot match by name, so the enum is found by one of
 * its enumerators instead.
 *
 * libbpf can parse the BTF too, but builds an index of all 100,000-odd
 * types first (about 50 ms); this walks the type section once and keeps
 * only the enum asked for. The layout is the kernel's (include/uapi/
 * linux/btf.h): a header, then types, each a 12-byte record followed by
 * what its kind carries, then the strings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "live-internal.h"

#define BTF_MAGIC		0xeb9f
#define BTF_KIND_ENUM		6
#define BTF_MAX_BYTES		(256u << 20)

struct btf_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t type_off, type_len, str_off, str_len;
};

/* Bytes that follow a type's 12-byte record, by kind; -1 unknown kind. */
static long live_btf_extra(unsigned int kind, unsigned int vlen)
{
	switch (kind) {
	case 1: case 14: case 17:		/* int, var, decl_tag */
		return 4;
	case 3:					/* array */
		return 12;
	case 4: case 5: case 15: case 19:	/* struct, union, datasec, enum64 */
		return 12l * vlen;
	case 6: case 13:			/* enum, func_proto */
		return 8l * vlen;
	case 2: case 7: case 8: case 9: case 10: case 11: case 12: case 16: case 18:
		return 0;
	default:
		return -1;
	}
}

static int live_btf_read(const char *path, uint8_t **out, size_t *len)
{
	size_t got = 0, want = 8u << 20;
	uint8_t *buf = NULL, *p;
	struct stat st;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* sysfs reports the size; read to EOF all the same */
	if (!fstat(fd, &st) && st.st_size > 0 && (size_t)st.st_size < BTF_MAX_BYTES)
		want = (size_t)st.st_size + 1;
	while (want <= BTF_MAX_BYTES) {
		p = realloc(buf, want);
		if (!p)
			break;
		buf = p;
		while (got < want && (n = read(fd, buf + got, want - got)) > 0)
			got += (size_t)n;
		if (got < want || n < 0)
			break;
		want *= 2;
	}
	close(fd);
	if (n < 0 || got == want || !buf) {
		free(buf);
		return n < 0 ? -EIO : -ENOMEM;
	}
	*out = buf;
	*len = got;
	return 0;
}

/* Copy enum @t's enumerators (vlen @vlen, at @p) into @names by bit. */
static void live_btf_take(const uint8_t *p, unsigned int vlen, const char *strs,
			  uint32_t str_len, const char *prefix,
			  char names[32][LIVE_NAME_MAX])
{
	size_t plen = strlen(prefix);
	uint32_t name_off, i;
	int32_t val;

	for (i = 0; i < vlen; i++, p += 8) {
		memcpy(&name_off, p, 4);
		memcpy(&val, p + 4, 4);
		if (name_off >= str_len || val <= 0 || (val & (val - 1)))
			continue;
		if (strncmp(strs + name_off, prefix, plen))
			continue;
		snprintf(names[__builtin_ctz((unsigned int)val)], LIVE_NAME_MAX,
			 "%s", strs + name_off + plen);
	}
}

int live_btf_flag_names(const char *member, const char *prefix,
			char names[32][LIVE_NAME_MAX])
{
	const struct btf_hdr *h;
	const uint8_t *t, *end;
	const char *strs;
	uint8_t *buf = NULL;
	uint32_t name_off, info, i, vlen;
	size_t len = 0;
	long extra;
	int rc;

	memset(names, 0, 32 * LIVE_NAME_MAX);
	rc = live_btf_read("/sys/kernel/btf/vmlinux", &buf, &len);
	if (rc)
		return rc;
	h = (const void *)buf;
	rc = -ENOENT;
	if (len < sizeof(*h) || h->magic != BTF_MAGIC ||
	    (uint64_t)h->hdr_len + h->str_off + h->str_len > len ||
	    (uint64_t)h->hdr_len + h->type_off + h->type_len > len)
		goto out;
	strs = (const char *)buf + h->hdr_len + h->str_off;
	t = buf + h->hdr_len + h->type_off;
	end = t + h->type_len;
	while (t + 12 <= end) {
		memcpy(&info, t + 4, 4);
		vlen = info & 0xffff;
		extra = live_btf_extra(info >> 24 & 0x1f, vlen);
		if (extra < 0 || t + 12 + extra > end)
			break;
		for (i = 0; (info >> 24 & 0x1f) == BTF_KIND_ENUM && i < vlen; i++) {
			memcpy(&name_off, t + 12 + 8 * i, 4);
			if (name_off < h->str_len && !strcmp(strs + name_off, member)) {
				live_btf_take(t + 12, vlen, strs, h->str_len, prefix, names);
				rc = 0;
				goto out;
			}
		}
		t += 12 + extra;
	}
out:
	free(buf);
	return rc;
}
