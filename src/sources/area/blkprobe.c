// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * blkprobe.c - libblkid's own probe of a swap area (see blkprobe.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <blkid.h>

#include <swapfs/blkprobe.h>

/* What blkid(8) asks the superblocks chain for with -p (util-linux 2.38). */
#define BLKPROBE_SUBLKS	(BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | \
			 BLKID_SUBLKS_TYPE | BLKID_SUBLKS_SECTYPE | \
			 BLKID_SUBLKS_USAGE | BLKID_SUBLKS_VERSION)

/* A floppy-sized whole disk is looked at for a partition table first. */
#define BLKPROBE_SMALL_DISK	(1440 * 1024)

/* blkid's lowprobe_superblocks(): 0 found, 1 nothing, -2 ambivalent, -1 error. */
static int blkprobe_run(blkid_probe pr, int fd)
{
	struct stat st;
	int rc;

	if (fstat(fd, &st))
		return -1;
	blkid_probe_enable_partitions(pr, 1);
	if (!S_ISCHR(st.st_mode) && blkid_probe_get_size(pr) <= BLKPROBE_SMALL_DISK &&
	    blkid_probe_is_wholedisk(pr)) {
		blkid_probe_enable_superblocks(pr, 0);
		rc = blkid_do_fullprobe(pr);
		if (rc < 0)
			return rc;
		if (!blkid_probe_lookup_value(pr, "PTTYPE", NULL, NULL))
			return 0;	/* partitioned: no file system looked for */
	}
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKPROBE_SUBLKS);
	return blkid_do_safeprobe(pr);
}

static int blkprobe_collect(blkid_probe pr, struct blkprobe *p)
{
	int i, nr = blkid_probe_numof_values(pr);
	const char *name, *data;
	size_t len;

	if (nr <= 0)
		return 0;
	p->v = calloc(nr, sizeof(*p->v));
	if (!p->v)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct blkprobe_value *v = &p->v[p->n];

		if (blkid_probe_get_value(pr, i, &name, &data, &len))
			continue;
		/* blkid prints a value up to its first NUL */
		v->name = strdup(name);
		v->data = strndup(data, strnlen(data, len));
		p->n++;
		if (!v->name || !v->data)
			return -ENOMEM;
	}
	return 0;
}

int blkprobe_fd(int fd, struct blkprobe *p)
{
	blkid_probe pr;
	int rc;

	memset(p, 0, sizeof(*p));
	pr = blkid_new_probe();
	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0)) {
		blkid_free_probe(pr);
		return -EIO;
	}
	rc = blkprobe_run(pr, fd);
	if (rc == -2)
		p->ambivalent = true;
	rc = rc == 0 ? blkprobe_collect(pr, p) : rc == -1 ? -EIO : 0;
	blkid_free_probe(pr);
	if (rc)
		blkprobe_free(p);
	return rc;
}

const char *blkprobe_get(const struct blkprobe *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			return p->v[i].data;
	return NULL;
}

void blkprobe_free(struct blkprobe *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].data);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

char *blkprobe_export_escape(const char *s, char *buf)
{
	const unsigned char *c;
	unsigned char ch;
	char *o = buf;

	for (c = (const unsigned char *)s; *c; c++) {
		ch = *c;
		if (ch >= 0x80) {
			*o++ = 'M';
			*o++ = '-';
			ch -= 0x80;
		}
		if (ch < 0x20 || ch == 0x7f) {
			*o++ = '^';
			ch ^= 0x40;
		} else if (strchr(" \\\"'$`<>", ch)) {
			*o++ = '\\';
		}
		*o++ = (char)ch;
	}
	*o = '\0';
	return buf;
}
