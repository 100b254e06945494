// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump-bitmap.c - a dump's zeromap and zswap files: a bit per slot, eight
 * bytes at a time, each set bit checked against its slot (in use, not
 * bad, for zswap not zero-filled too) and marked in the slot word.
 */
#include <endian.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump-file.h"

static int dump_bitmap_bit(struct dump_reader *r, uint64_t byte, unsigned int bit)
{
	uint32_t max = r->s->dev.max;
	uint64_t slot = byte * 8 + bit;
	uint16_t *w, mark = r->bitmap_bit;

	if (slot >= max)
		return diag_byte(r->d, r->path, byte, "bitmap-tail",
				 "bit %u (slot %llu) is past max %u", bit,
				 (unsigned long long)slot, max);
	w = &r->s->slots[slot];
	if ((*w & SNAPSHOT_SLOT_BAD) ||
	    !(*w & (SNAPSHOT_SLOT_COUNT | SNAPSHOT_SLOT_CACHED)))
		return diag_byte(r->d, r->path, byte, "bitmap-slot",
				 "bit %u: slot %llu is %s; only a slot in use holds a page",
				 bit, (unsigned long long)slot,
				 *w & SNAPSHOT_SLOT_BAD ? "bad" : "free");
	if ((mark & SNAPSHOT_SLOT_ZSWAP) && (*w & SNAPSHOT_SLOT_ZERO))
		return diag_byte(r->d, r->path, byte, "zero-zswap",
				 "bit %u: slot %llu is in zeromap too; a zero-filled page never reaches zswap",
				 bit, (unsigned long long)slot);
	*w |= mark;
	return 0;
}

/*
 * Eight bytes at a time: zero words are skipped, and each set bit of the
 * rest checked inline (slot in use, not bad, for zswap not zero too) and
 * marked; a bit that fails, or past max, goes to dump_bitmap_bit(), which
 * names it. Bits are visited in slot order, as the file has them.
 */
int dump_bitmap_chunk(struct dump_reader *r, const uint8_t *b,
		      uint64_t off, size_t n)
{
	const uint16_t mark = r->bitmap_bit;
	const uint16_t refuse = SNAPSHOT_SLOT_BAD |
		(mark & SNAPSHOT_SLOT_ZSWAP ? SNAPSHOT_SLOT_ZERO : 0);
	const uint64_t max = r->s->dev.max;
	uint16_t *slots = r->s->slots;
	uint64_t x, slot, any;
	unsigned int bit;
	size_t i, k, len;
	int rc;

	for (i = 0; i < n; i += len) {
		len = n - i < 64 ? n - i : 64;
		if (len == 64) {
			any = 0;
			for (k = 0; k < 64; k += 8) {
				memcpy(&x, b + i + k, 8);
				any |= x;
			}
			if (!any)
				continue;
		}
		for (k = 0; k < len; k += 8) {
			x = 0;
			memcpy(&x, b + i + k, len - k < 8 ? len - k : 8);
			x = le64toh(x);
			while (x) {
				bit = (unsigned int)__builtin_ctzll(x);
				x &= x - 1;
				slot = (off + i + k) * 8 + bit;
				if (__builtin_expect(slot < max &&
						     !(slots[slot] & refuse) &&
						     (slots[slot] & (SNAPSHOT_SLOT_COUNT |
								     SNAPSHOT_SLOT_CACHED)), 1)) {
					slots[slot] |= mark;
					continue;
				}
				rc = dump_bitmap_bit(r, off + i + k + bit / 8, bit % 8);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

int dump_bitmap_open(struct dump_reader *r, const char *name, uint16_t mark,
		     int *fd)
{
	uint64_t want = ((uint64_t)r->s->dev.max + 7) / 8;
	struct stat st;
	int rc;

	rc = dump_file_open(r, name, fd, &st);
	if (rc)
		return rc;
	if (mark == SNAPSHOT_SLOT_ZERO && !r->era->zeromap)
		rc = diag_line(r->d, r->path, 0, "zeromap-era",
			       "era %c (%s) has no zeromap (it came in 6.12)",
			       r->era->era, r->era->kernels);
	else if ((uint64_t)st.st_size != want)
		rc = diag_line(r->d, r->path, 0, "bitmap-size",
			       "is %llu bytes; max %u needs %llu (one bit per slot)",
			       (unsigned long long)st.st_size, r->s->dev.max,
			       (unsigned long long)want);
	if (rc)
		close(*fd);
	return rc;
}

int dump_bitmap_read(struct dump_reader *r, const char *name,
		     uint16_t mark, unsigned int file)
{
	uint64_t want = ((uint64_t)r->s->dev.max + 7) / 8;
	int fd, rc;

	rc = dump_bitmap_open(r, name, mark, &fd);
	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	r->bitmap_bit = mark;
	rc = dump_file_binary(r, fd, want, "bitmap-size", dump_bitmap_chunk, false);
	close(fd);
	if (!rc)
		r->s->files |= file;
	return rc;
}
