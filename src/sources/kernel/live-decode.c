// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * live-decode.c - where swap_info[] is, read from the code of swap_start
 * (the start of /proc/swaps' seq_file), for kernels whose kallsyms lists
 * functions only (no CONFIG_KALLSYMS_ALL). x86-64 only.
 *
 * swap_start walks the areas with swap_type_to_info(type), which loads
 * swap_info[type] with one instruction whose displacement is &swap_info:
 *
 *	[REX.W] 8b /r  ModRM mod=00 rm=100  SIB scale=8 base=101  disp32
 *	(mov disp32(,%index,8),%reg)
 *
 * and stops at MAX_SWAPFILES, an 8-bit compare (83 /7 ib, cmp $imm8,%r32).
 * The fields the loop then tests (si->flags & SWP_USED, si->swap_map) are
 * loads with an 8-bit displacement off %reg; live-find.c checks they are
 * the offsets the kernel's BTF gives, and the areas themselves, before
 * trusting the address.
 */
#include <errno.h>
#include <string.h>

#include "live-internal.h"

#define REX_W	0x08
#define REX_R	0x04
#define REX_X	0x02
#define REX_B	0x01

/* How far after the load the loop's tests and compare are looked for. */
#define DECODE_WINDOW	48

static bool decode_is_rex(uint8_t b)
{
	return (b & 0xf0) == 0x40;
}

/*
 * The swap_info[] load at @p: its register (0..15) and address, or -1.
 * @p points at the opcode; the byte before may be a REX prefix.
 */
static int decode_load(const uint8_t *code, size_t p, size_t n, uint64_t *addr)
{
	uint8_t rex = p && decode_is_rex(code[p - 1]) ? code[p - 1] : 0;
	uint8_t modrm, sib;
	int32_t disp;

	if (p + 7 > n || code[p] != 0x8b || !(rex & REX_W))
		return -1;
	modrm = code[p + 1];
	sib = code[p + 2];
	if ((modrm & 0xc7) != 0x04 || (sib & 0xc7) != 0xc5)
		return -1;
	if (((sib >> 3) & 7) == 4 && !(rex & REX_X))
		return -1;	/* no index: not an array access */
	memcpy(&disp, code + p + 3, sizeof(disp));
	if (disp >= 0)
		return -1;	/* kernel data sits in the top 2 GiB */
	*addr = (uint64_t)(int64_t)disp;
	return ((modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);
}

/*
 * A load or test off @reg with an 8-bit displacement at @p (opcode, with
 * an optional REX before it): test/cmp/mov forms the loop uses.
 */
static bool decode_disp8(const uint8_t *code, size_t p, size_t n, int reg,
			 uint32_t *disp)
{
	static const uint8_t ops[] = { 0x80, 0x83, 0x8b, 0x39, 0x3b, 0x85, 0xf6, 0xf7 };
	uint8_t rex = p && decode_is_rex(code[p - 1]) ? code[p - 1] : 0;
	uint8_t modrm;

	if (p + 2 >= n || !memchr(ops, code[p], sizeof(ops)))
		return false;
	modrm = code[p + 1];
	if ((modrm & 0xc0) != 0x40 || (modrm & 7) == 4)
		return false;	/* not disp8(%reg), or a SIB form */
	if (((modrm & 7) | (rex & REX_B ? 8 : 0)) != reg)
		return false;
	*disp = code[p + 2];
	return true;
}

/* The loop bound: cmp $imm8,%r32 (83 /7 ib with a register operand). */
static bool decode_bound(const uint8_t *code, size_t p, size_t n, unsigned int *nr)
{
	if (p + 2 >= n || code[p] != 0x83 || (code[p + 1] & 0xf8) != 0xf8)
		return false;
	if (code[p + 2] < 1 || code[p + 2] > LIVE_TYPES_MAX)
		return false;
	*nr = code[p + 2];
	return true;
}

int live_decode_swap_start(const uint8_t *code, size_t n, struct live_decoded *out)
{
	size_t p, q, end;
	uint32_t disp;
	int reg;

	memset(out, 0, sizeof(*out));
	for (p = 1; p < n; p++) {
		reg = decode_load(code, p, n, &out->swap_info);
		if (reg < 0)
			continue;
		out->nr_disp8 = 0;
		end = p + 7 + DECODE_WINDOW < n ? p + 7 + DECODE_WINDOW : n;
		for (q = p + 7; q < end; q++) {
			if (out->nr_disp8 < sizeof(out->disp8) / sizeof(out->disp8[0]) &&
			    decode_disp8(code, q, end, reg, &disp))
				out->disp8[out->nr_disp8++] = disp;
			if (decode_bound(code, q, end, &out->nr))
				return 0;
		}
	}
	memset(out, 0, sizeof(*out));
	return -ENOENT;
}
