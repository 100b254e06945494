// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swapview.c - the swapview command: options, loading a snapshot (and the
 * next or previous one of a time series), the stack of views, the main
 * loop.
 *
 * Everything that can fail on input (the source, the time series, the
 * header of --header) is read and reported before curses takes the
 * terminal, with swapfs's exit codes; once the screen is up, messages go
 * to the message line only.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include <swapfs/snapfile.h>
#include <swapfs/source.h>
#include <swapfs/target.h>

#include "config.h"
#include "swapview.h"

static volatile sig_atomic_t swapview_signal;

static void swapview_on_signal(int sig)
{
	swapview_signal = sig;
}

/* SIGINT, SIGTERM, SIGHUP: leave the loop, put the terminal back, then die. */
static void swapview_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = swapview_on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the read in getch() returns at once */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void __attribute__((noreturn)) swapview_usage(void)
{
	printf("\nUsage:\n %s [options] <source>\n\n", program_invocation_short_name);
	puts("Browse a swap device's allocation state: where the clusters of each order");
	puts("are, which are fragmented, where a misaligned folio or a mixed-order");
	puts("cluster sits. <source> is a dump directory or a snapshot file.");
	puts("\nOptions:");
	puts(" -s, --snapshot <id>    which snapshot of a time series (default: the last)");
	puts("     --header <target>  also read the on-disk header of this swap file or");
	puts("                          device (a path, LABEL=<label> or UUID=<uuid>)");
	puts("     --ascii            ASCII glyphs (default: UTF-8 in a UTF-8 locale)");
	puts(" -h, --help             display this help");
	puts(" -V, --version          display version");
	puts("\nKeys: ? in swapview lists them. For more details see swapview(8).");
	exit(SWAPVIEW_EXIT_OK);
}

static void __attribute__((noreturn)) swapview_errtryhelp(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n",
		program_invocation_short_name);
	exit(SWAPVIEW_EXIT_USAGE);
}

static int64_t swapview_parse_id(const char *arg)
{
	long long id;
	char *end;

	errno = 0;
	id = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || id < 1) {
		fprintf(stderr, "%s: invalid snapshot id '%s': expected a number from 1\n",
			program_invocation_short_name, arg);
		swapview_errtryhelp();
	}
	return id;
}

enum swapview_view swapview_current(const struct swapview *sv)
{
	return sv->depth ? sv->stack[sv->depth - 1] : SWAPVIEW_MAP;
}

void swapview_push(struct swapview *sv, enum swapview_view v)
{
	if (sv->depth == SWAPVIEW_STACK_MAX) {
		memmove(sv->stack + 1, sv->stack + 2,
			(SWAPVIEW_STACK_MAX - 2) * sizeof(sv->stack[0]));
		sv->depth--;
	}
	sv->stack[sv->depth++] = v;
}

/* swapview_pop - back to the view before; the map never goes. */
void swapview_pop(struct swapview *sv)
{
	if (sv->depth <= 1)
		return;
	if (swapview_current(sv) == SWAPVIEW_CLUSTER)
		sv->cluster = sv->slot >> sv->snap->dev.cluster_shift;
	sv->depth--;
}

void swapview_message(struct swapview *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sv->msg, sizeof(sv->msg), fmt, ap);
	va_end(ap);
}

/* The snapshot ids of a snapshot file (none for a dump). */
static int swapview_list_series(struct swapview *sv)
{
	struct snapfile_entry *e = NULL;
	struct snapfile *f;
	struct diag d;
	size_t i, nr = 0;
	int rc;

	diag_clear(&d);
	if (!snapfile_probe(sv->src))
		return 0;
	rc = snapfile_open(sv->src, false, &f, &d);
	if (!rc) {
		rc = snapfile_list(f, &e, &nr, &d);
		snapfile_close(f);
	}
	if (rc) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			d.msg[0] ? d.msg : strerror(-rc));
		return rc;
	}
	sv->ids = nr ? malloc(nr * sizeof(*sv->ids)) : NULL;
	if (nr && !sv->ids) {
		free(e);
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++)
		sv->ids[i] = e[i].id;
	sv->nr_ids = nr;
	free(e);
	return 0;
}

/* Derive what the views need from sv->snap and sv->an. */
static int swapview_derive(struct swapview *sv)
{
	return marks_build(sv) ?: findnav_build(&sv->nav, sv->an) ?: map_layout(sv);
}

/* After a load: the cursors stay where they were if the device has them. */
static void swapview_clamp(struct swapview *sv)
{
	const struct snapshot *s = sv->snap;
	size_t i;

	if (sv->cluster >= s->dev.nr_clusters)
		sv->cluster = s->dev.nr_clusters - 1;
	if (sv->slot >= s->dev.max)
		sv->slot = s->dev.max - 1;
	if (sv->order_filter >= (int)s->dev.nr_orders)
		sv->order_filter = -1;
	sv->finding = -1;
	sv->findings_cur = sv->findings_top = 0;
	for (i = 0; i < sv->nr_ids; i++)
		if (sv->ids[i] == s->prov.id)
			sv->id_index = i;
}

/*
 * swapview_load - load snapshot @id of the source (0: the last) and
 * analyse it; on failure the one shown stays, and @err says why.
 */
int swapview_load(struct swapview *sv, int64_t id, char *err, size_t len)
{
	struct snapshot *s = NULL, *old_s = sv->snap;
	struct analysis *a = NULL, *old_a = sv->an;
	struct diag d;
	int rc;

	diag_clear(&d);
	rc = source_load(sv->src, id, &s, &d);
	if (rc) {
		snprintf(err, len, "%s", d.msg[0] ? d.msg : strerror(-rc));
		return rc;
	}
	rc = analysis_run(s, ANALYSIS_ALL_CHECKS, NULL, NULL, &a);
	if (rc) {
		snprintf(err, len, "%s: analysis: %s", sv->src, strerror(-rc));
		snapshot_free(s);
		return rc;
	}
	sv->snap = s;
	sv->an = a;
	swapview_clamp(sv);
	rc = swapview_derive(sv);
	if (rc) {
		snprintf(err, len, "%s: %s", sv->src, strerror(-rc));
		sv->snap = old_s;
		sv->an = old_a;
		analysis_free(a);
		snapshot_free(s);
		if (old_s)
			swapview_derive(sv);
		return rc;
	}
	analysis_free(old_a);
	snapshot_free(old_s);
	return 0;
}

/* swapview_series - t (@dir 1) and T (-1): the next or previous snapshot. */
void swapview_series(struct swapview *sv, int dir)
{
	char err[DIAG_MAX + 64];
	int64_t id;

	if (sv->nr_ids < 2) {
		swapview_message(sv, "%s is not a time series: one snapshot", sv->src);
		return;
	}
	if (dir > 0 ? sv->id_index + 1 >= sv->nr_ids : sv->id_index == 0) {
		swapview_message(sv, "this is the %s snapshot of the series (%zu)",
				 dir > 0 ? "last" : "first", sv->nr_ids);
		return;
	}
	id = sv->ids[dir > 0 ? sv->id_index + 1 : sv->id_index - 1];
	swapview_message(sv, "loading snapshot %" PRId64 "...", id);
	screen_draw(sv);
	if (swapview_load(sv, id, err, sizeof(err)))
		swapview_message(sv, "%s", err);
	else
		swapview_message(sv, "snapshot %" PRId64 " (%zu of %zu)%s%s", id,
				 sv->id_index + 1, sv->nr_ids,
				 sv->snap->prov.created ? ", taken " : "",
				 sv->snap->prov.created ? sv->snap->prov.created : "");
}

/* --header: the on-disk header, judged for the snapshot's kernel. */
static int swapview_read_header(struct swapview *sv)
{
	uint32_t kernel = 0;
	struct target t;
	int rc;

	if (swapheader_parse_kernel(sv->snap->dev.kernel, &kernel))
		kernel = 0;
	rc = target_open(&t, sv->header_spec, O_RDONLY);
	if (!rc)
		rc = target_read_header(&t, kernel, &sv->hi, NULL, NULL);
	if (!rc) {
		sv->header_path = strdup(t.path);
		sv->header_size = t.size;
		rc = sv->header_path ? 0 : -ENOMEM;
		sv->has_header = !rc;
	}
	if (rc)
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
			t.path ? t.path : sv->header_spec,
			rc == -EINVAL ? "not a regular file or block device" :
			rc == -ENOENT && !t.path ? "no such swap area" : strerror(-rc));
	target_close(&t);
	return rc;
}

/* The terminal hung up (no SIGHUP came, e.g. under nohup): nothing to read. */
static bool swapview_hung_up(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void swapview_loop(struct swapview *sv)
{
	bool dirty = true;
	int ch;

	while (!sv->quit && !swapview_signal) {
		if (dirty)
			screen_draw(sv);
		dirty = screen_poll_stderr(sv);
		ch = getch();
		if (ch == ERR) {
			/* a hangup without SIGHUP: end as SIGHUP would end us */
			if (swapview_hung_up())
				swapview_signal = SIGHUP;
			continue;
		}
		dirty = true;
		if (ch == KEY_RESIZE)
			screen_resize(sv);
		else
			keys_handle(sv, ch);
	}
}

static void swapview_free(struct swapview *sv)
{
	map_free(&sv->map);
	findnav_free(&sv->nav);
	free(sv->marks);
	free(sv->ids);
	free(sv->header_path);
	if (sv->has_header)
		swapheader_info_free(&sv->hi);
	analysis_free(sv->an);
	snapshot_free(sv->snap);
}

/* Options into @sv and *@id; prints and exits on a usage error. */
static void swapview_options(int argc, char **argv, struct swapview *sv, int64_t *id)
{
	static const struct option longopts[] = {
		{ "snapshot", required_argument, NULL, 's' },
		{ "header", required_argument, NULL, 'H' },
		{ "ascii", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "s:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			*id = swapview_parse_id(optarg);
			break;
		case 'H':
			sv->header_spec = optarg;
			break;
		case 'A':
			sv->ascii = true;
			break;
		case 'h':
			swapview_usage();
		case 'V':
			printf("swapview (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(SWAPVIEW_EXIT_OK);
		default:
			swapview_errtryhelp();
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name,
			optind >= argc ? "no source specified" : "one source at a time");
		swapview_errtryhelp();
	}
	sv->src = argv[optind];
}

/* Everything that can fail on input, before the screen. */
static int swapview_open(struct swapview *sv, int64_t id)
{
	char err[DIAG_MAX + 64];

	if (swapview_list_series(sv))
		return SWAPVIEW_EXIT_SYSTEM;
	if (swapview_load(sv, id, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, err);
		return SWAPVIEW_EXIT_SYSTEM;
	}
	if (sv->header_spec && swapview_read_header(sv))
		return SWAPVIEW_EXIT_SYSTEM;
	return SWAPVIEW_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct swapview sv = { .order_filter = -1, .finding = -1 };
	int64_t id = 0;
	int rc, sig;

	setlocale(LC_ALL, "");
	swapview_options(argc, argv, &sv, &id);
	sv.utf8 = !sv.ascii && !strcmp(nl_langinfo(CODESET), "UTF-8");
	sv.color = !getenv("NO_COLOR");
	glyph_init(sv.utf8);

	rc = swapview_open(&sv, id);
	if (rc) {
		swapview_free(&sv);
		return rc;
	}
	swapview_push(&sv, SWAPVIEW_MAP);
	swapview_signals();
	if (screen_init(&sv)) {
		fprintf(stderr, "%s: standard input and output must be a terminal\n",
			program_invocation_short_name);
		swapview_free(&sv);
		return SWAPVIEW_EXIT_SYSTEM;
	}
	map_key(&sv, 'g');	/* the first cell: its worst cluster */
	swapview_loop(&sv);
	screen_end();
	swapview_free(&sv);
	sig = swapview_signal;
	if (sig) {
		/* die of it, as the shell expects */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return SWAPVIEW_EXIT_OK;
}
