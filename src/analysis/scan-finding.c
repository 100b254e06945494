// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan-finding.c - one finding of the scanner: counted, built (its detail
 * without printf) and handed to the callback.
 */
#include "scan-parts.h"

bool scan_finding_want(struct scan *sc, enum analysis_check c,
		       struct analysis_finding *f, struct scan_text *t)
{
	sc->ac->findings[c]++;
	if (!sc->fn)
		return false;
	f->check = c;
	f->order = -1;
	f->detail[0] = '\0';
	t->buf = f->detail;
	t->len = 0;
	return true;
}

bool scan_finding_want_run(struct scan *sc, enum analysis_check c,
			   const struct scan_run *r, struct analysis_finding *f,
			   struct scan_text *t)
{
	if (!scan_finding_want(sc, c, f, t))
		return false;
	f->offset = r->offset;
	f->nr = 1u << r->order;
	f->order = (int)r->order;
	return true;
}

void scan_finding_put(struct scan_text *t, const char *str)
{
	while (*str && t->len < sizeof(((struct analysis_finding *)0)->detail) - 1)
		t->buf[t->len++] = *str++;
	t->buf[t->len] = '\0';
}

void scan_finding_put_u32(struct scan_text *t, uint32_t v)
{
	char tmp[11];
	int i = (int)sizeof(tmp) - 1;

	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	scan_finding_put(t, tmp + i);
}

int scan_finding_emit(struct scan *sc, struct analysis_finding *f)
{
	f->cluster = sc->ci;
	return sc->fn(f, sc->arg);
}
