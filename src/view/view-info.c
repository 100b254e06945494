// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-info.c - 'i': where the state came from (provenance, the dump's info
 * keys), the device geometry, and with --header the on-disk swap header
 * of the file or device, judged for the snapshot's kernel, next to what
 * the snapshot says about the same area.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <uuid/uuid.h>

#include "keymap.h"
#include "screen.h"
#include "view.h"

#define INFOVIEW_WIDTH	160

static void infoview_set(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A line of the view, cut at INFOVIEW_WIDTH bytes. */
static void infoview_set(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, INFOVIEW_WIDTH, fmt, ap);
	va_end(ap);
}

/*
 * The UUID as blkid and swaplabel print it, and whether blkid reports it
 * (swapheader_has_uuid(): trusted padding, not all zero).
 */
static void infoview_uuid(const struct swapheader_info *hi, char *buf)
{
	static const uint8_t zero[SWAPHEADER_UUID_LEN];
	char text[37];

	if (!memcmp(hi->uuid, zero, sizeof(zero))) {
		infoview_set(buf, "  uuid          none (all zero)");
		return;
	}
	uuid_unparse_lower(hi->uuid, text);
	infoview_set(buf, "  uuid          %s%s", text, swapheader_has_uuid(hi) ? "" :
		     " (blkid ignores it: padding not zero)");
}

/* Line @l of the view into @buf; false past the last line. */
static bool infoview_header_line(const struct session *sv, int l, char *buf)
{
	const struct swapheader_info *hi = &sv->hi;
	char label[4 * SWAPHEADER_LABEL_LEN + 1], why[256];

	switch (l) {
	case 0:
		infoview_set(buf, "On-disk header (--header)");
		return true;
	case 1:
		infoview_set(buf, "  target        %s (%" PRIu64 " bytes)",
			 sv->header_path, sv->header_size);
		return true;
	case 2:
		infoview_set(buf, "  signature     %s, page size %u, %s endian",
			 swapheader_sig_name(hi->sig), hi->page_size,
			 swapheader_order_name(hi->order));
		return true;
	case 3:
		if (!hi->has_fields) {
			infoview_set(buf, "  fields        none (no v1 header)");
			return true;
		}
		infoview_set(buf, "  last_page     %" PRIu32 " (%" PRIu64
			 " slots; the snapshot has max %" PRIu32 "%s)", hi->last_page,
			 (uint64_t)hi->last_page + 1, sv->snap->dev.max,
			 (uint64_t)hi->last_page + 1 == sv->snap->dev.max ? ", the same" :
			 ": they differ");
		return true;
	case 4:
		infoview_set(buf, "  bad pages     %" PRIu32, hi->nr_badpages);
		return true;
	case 5:
		swapheader_label_escape(hi->label, label);
		infoview_set(buf, "  label         %s%s", label,
			 hi->ids_trusted ? "" : " (blkid ignores it: padding not zero)");
		return true;
	case 6:
		infoview_uuid(hi, buf);
		return true;
	case 7:
		infoview_set(buf, "  swapon        kernel %s %s%s",
			 sv->snap->dev.kernel, hi->err == SWAPHEADER_OK ? "accepts it" :
			 "refuses it: ", swapheader_err_code(hi->err));
		return true;
	case 8:
		if (hi->err == SWAPHEADER_OK)
			return false;
		swapheader_err_message(hi, why, sizeof(why));
		infoview_set(buf, "                %s", why);
		return true;
	default:
		return false;
	}
}

static bool infoview_line(const struct session *sv, int l, char *buf)
{
	const struct snapshot *s = sv->snap;
	const struct snapshot_provenance *p = &s->prov;
	int fixed = 9;

	switch (l) {
	case 0:
		infoview_set(buf, "Source");
		return true;
	case 1:
		infoview_set(buf, "  path          %s (%s)",
			 p->source_path ? p->source_path : sv->src,
			 p->source_kind ? p->source_kind : "?");
		return true;
	case 2:
		if (!sv->nr_ids)
			infoview_set(buf, "  taken         %s (a dump: one snapshot)",
				     p->created ? p->created : "-");
		else
			infoview_set(buf, "  snapshot      %" PRId64 " (%zu of %zu in the file)%s%s",
				     p->id, sv->nav.series + 1, sv->nr_ids,
				     p->created ? ", taken " : "", p->created ? p->created : "");
		return true;
	case 3:
		if (p->step >= 0)
			infoview_set(buf, "  step          %" PRId64, p->step);
		else
			infoview_set(buf, "  step          -");
		return true;
	case 4:
		infoview_set(buf, "  note          %s", p->note ? p->note : "-");
		return true;
	case 5:
		infoview_set(buf, "  kernel        %s, era %c", s->dev.kernel,
			 s->dev.era);
		return true;
	case 6:
		infoview_set(buf, "  geometry      %" PRIu32 " slots of %" PRIu32
			 " bytes, %" PRIu32 " clusters of %" PRIu32 ", %" PRIu32 " orders",
			 s->dev.max, s->dev.page_size, s->dev.nr_clusters,
			 s->dev.cluster_size, s->dev.nr_orders);
		return true;
	case 7:
		buf[0] = '\0';
		return true;
	case 8:
		infoview_set(buf, "Info keys of the source");
		return true;
	default:
		break;
	}
	l -= fixed;
	if ((size_t)l < s->nr_info) {
		infoview_set(buf, "  %-13s %s", s->info[l].key, s->info[l].value);
		return true;
	}
	l -= (int)s->nr_info;
	if (!sv->has_header)
		return false;
	if (l == 0) {
		buf[0] = '\0';
		return true;
	}
	return infoview_header_line(sv, l - 1, buf);
}

static void infoview_title(const struct session *sv, char *buf, size_t len)
{
	snprintf(buf, len, "Esc: back");
}

static void infoview_draw(struct session *sv)
{
	int height = LINES - 4, y, l;
	char buf[INFOVIEW_WIDTH];

	if (sv->nav.info_top < 0)
		sv->nav.info_top = 0;
	for (y = 1, l = sv->nav.info_top; y <= height && infoview_line(sv, l, buf); l++, y++)
		screen_put(y, 1, COLS - 1, buf[0] != ' ' ? A_BOLD : A_NORMAL, buf);
}

/* Scroll by @delta lines, never past the last line. */
static void infoview_scroll(struct session *sv, int64_t delta)
{
	int *top = &sv->nav.info_top;
	char buf[INFOVIEW_WIDTH];

	for (; delta > 0 && infoview_line(sv, *top + LINES - 4, buf); delta--)
		(*top)++;
	if (delta < 0)
		*top = delta < -(int64_t)*top ? 0 : *top + (int)delta;
	if (*top < 0)
		*top = 0;
}

static void infoview_key(struct session *sv, int ch)
{
	int64_t delta;

	if (keymap_scroll(ch, LINES - 5 > 1 ? LINES - 5 : 1, &delta))
		infoview_scroll(sv, delta);
}

const struct view view_info = {
	.name = "info",
	.title = infoview_title,
	.draw = infoview_draw,
	.key = infoview_key,
};
