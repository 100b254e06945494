// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swapview.c - the swapview command: options, opening the source (its
 * time series, the snapshot asked for, the header of --header), then the
 * terminal and the event loop (loop.c) on top of the views.
 *
 * Everything that can fail on input is read and reported here, before
 * curses takes the terminal, with swapfs's exit codes; once the screen is
 * up, messages go to the message line only.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swapfs/diag.h>
#include <swapfs/target.h>

#include "config.h"
#include "glyph.h"
#include "loop.h"
#include "screen.h"
#include "series.h"
#include "session.h"
#include "views.h"

/* Exit codes, as swapfs(8) has them. */
enum {
	SWAPVIEW_EXIT_OK = 0,
	SWAPVIEW_EXIT_USAGE = 2,
	SWAPVIEW_EXIT_SYSTEM = 3,	/* unreadable or invalid input */
};

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
		warnx("invalid snapshot id '%s': expected a number from 1", arg);
		swapview_errtryhelp();
	}
	return id;
}

/* What the options set beside the session. */
struct swapview_opts {
	int64_t id;		/* --snapshot; 0: the last */
	bool ascii;		/* --ascii */
};

/* Options into @sv and @o; prints and exits on a usage error. */
static void swapview_options(int argc, char **argv, struct session *sv,
			     struct swapview_opts *o)
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
			o->id = swapview_parse_id(optarg);
			break;
		case 'H':
			sv->header_spec = optarg;
			break;
		case 'A':
			o->ascii = true;
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
		warnx("%s", optind >= argc ? "no source specified" : "one source at a time");
		swapview_errtryhelp();
	}
	sv->src = argv[optind];
}

/* --header: the on-disk header, judged for the snapshot's kernel. */
static int swapview_read_header(struct session *sv)
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
		warnx("%s: %s", t.path ? t.path : sv->header_spec,
		      rc == -EINVAL ? "not a regular file or block device" :
		      rc == -ENOENT && !t.path ? "no such swap area" : strerror(-rc));
	target_close(&t);
	return rc;
}

/* Everything that can fail on input, before the screen. */
static int swapview_open(struct session *sv, int64_t id)
{
	char err[DIAG_MAX + 64];

	if (series_list(sv, err, sizeof(err)) ||
	    series_load(sv, id, err, sizeof(err))) {
		warnx("%s", err);
		return SWAPVIEW_EXIT_SYSTEM;
	}
	if (sv->header_spec && swapview_read_header(sv))
		return SWAPVIEW_EXIT_SYSTEM;
	return SWAPVIEW_EXIT_OK;
}

static void swapview_free(struct session *sv)
{
	views_free();
	findnav_free(&sv->findings);
	marks_free(&sv->marks);
	free(sv->ids);
	free(sv->header_path);
	if (sv->has_header)
		swapheader_info_free(&sv->hi);
	analysis_free(sv->an);
	snapshot_free(sv->snap);
}

int main(int argc, char **argv)
{
	struct session sv = { .nav = { .order_filter = -1, .finding = -1 } };
	struct swapview_opts o = { 0 };
	int rc, sig;

	setlocale(LC_ALL, "");
	swapview_options(argc, argv, &sv, &o);
	glyph_init(!o.ascii && !strcmp(nl_langinfo(CODESET), "UTF-8"));

	rc = swapview_open(&sv, o.id);
	if (rc) {
		swapview_free(&sv);
		return rc;
	}
	loop_signals();
	if (screen_init(!getenv("NO_COLOR"))) {
		warnx("standard input and output must be a terminal");
		swapview_free(&sv);
		return SWAPVIEW_EXIT_SYSTEM;
	}
	sig = loop_run(&sv);
	screen_end();
	swapview_free(&sv);
	if (sig) {
		/* die of it, as the shell expects */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return SWAPVIEW_EXIT_OK;
}
