// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapedit.c - edits of a loaded model (snapedit.h). Placeholder: being
 * written.
 */
#include <errno.h>
#include <stdio.h>

#include "swapfs/snapedit.h"

int snapedit_new(struct snapshot *s, struct analysis *a, const char *save_path,
		 int64_t save_id, struct snapedit **out)
{
	return -ENOSYS;
}

void snapedit_free(struct snapedit *e)
{
}

int snapedit_cluster_flags(struct snapedit *e, uint32_t ci, const char *text,
			   size_t len, struct diag *d)
{
	return -ENOSYS;
}

int snapedit_cluster_order(struct snapedit *e, uint32_t ci, const char *text,
			   size_t len, struct diag *d)
{
	return -ENOSYS;
}

int snapedit_slot(struct snapedit *e, uint32_t slot, const char *text,
		  size_t len, struct diag *d)
{
	return -ENOSYS;
}

int snapedit_slot_format(const struct snapshot *s, uint32_t slot, char *buf,
			 size_t len)
{
	return snprintf(buf, len, "\n");
}

const char *const *snapedit_journal(const struct snapedit *e, size_t *nr)
{
	*nr = 0;
	return NULL;
}

bool snapedit_dirty(const struct snapedit *e)
{
	return false;
}

int snapedit_save(struct snapedit *e, struct diag *d)
{
	return -ENOSYS;
}
