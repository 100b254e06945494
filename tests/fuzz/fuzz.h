/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz.h - what the libFuzzer harnesses share. Each harness defines
 * LLVMFuzzerTestOneInput(); linked with -fsanitize=fuzzer it is a fuzzer
 * (tools/fuzz), linked with replay.c it replays files (the seed corpus and
 * every crash ever found, in the regular test suite).
 */
#ifndef SWAPFS_FUZZ_H
#define SWAPFS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * fuzz_scratch - a directory of this process's own on a memory
 * filesystem (created once, removed at exit), for parsers that read
 * files: "<dir>/<name>" goes to @buf. Aborts when it cannot be made: a
 * harness that cannot run must not pass.
 */
void fuzz_scratch(const char *name, char *buf, size_t len);

/* fuzz_write - @len bytes of @data to @path (truncated first); aborts on error. */
void fuzz_write(const char *path, const void *data, size_t len);

#endif /* SWAPFS_FUZZ_H */
