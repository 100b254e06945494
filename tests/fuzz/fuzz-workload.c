// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-workload.c - the workload script parser, and the built-in spec
 * parser, on any text. A first byte 'B' makes the rest a built-in spec
 * ("random:orders=0+2+4,fill=90"); anything else is a script. Parsing
 * only: a valid script may describe any amount of work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/workload.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct workload *w = NULL;
	struct diag d = { 0 };
	char *spec;
	int rc;

	if (size && data[0] == 'B') {
		spec = strndup((const char *)data + 1, size - 1);
		if (!spec)
			return 0;
		rc = workload_builtin(spec, &w, &d);
		free(spec);
	} else {
		rc = workload_parse("fuzz.wl", (const char *)data, size, &w, &d);
	}
	if (rc == -EINVAL && !d.msg[0])
		abort();	/* every rejection must say why */
	if (!rc) {
		workload_name(w);
		workload_device_bytes(w);
		workload_free(w);
	}
	return 0;
}
