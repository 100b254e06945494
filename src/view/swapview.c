// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swapview.c - the swapview command: options, opening the source (its
 * time series, the snapshot asked for, the header of --header; the reader
 * of a live source, kept open), then the terminal and the event loop
 * (loop.c) on top of the views.
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
#include <swapfs/live.h>
#include <swapfs/target.h>

#include "config.h"
#include "glyph.h"
#include "loop.h"
#include "areas.h"
#include "refresh.h"
#include "screen.h"
#include "series.h"
#include "session.h"
#include "views.h"

/* Exit codes, as swapfs(8) has them. */
enum {
	SWAPVIEW_EXIT_OK = 0,
	SWAPVIEW_EXIT_TERM = 1,		/* TERM names no full-screen terminal */
	SWAPVIEW_EXIT_USAGE = 2,
	SWAPVIEW_EXIT_SYSTEM = 3,	/* unreadable or invalid input */
};

static void __attribute__((noreturn)) swapview_usage(void)
{
	printf("\nUsage:\n %s [options] <source>\n\n", program_invocation_short_name);
	puts("Browse a swap device's allocation state: where the clusters of each order");
	puts("are, which are fragmented, where a misaligned folio or a mixed-order");
	puts("cluster sits. <source> is a dump directory, a snapshot file, or live:AREA");
	puts("(the running kernel, read again every second: what changed is marked).");
	puts("\nOptions:");
	puts(" -s, --snapshot <id>    which snapshot of a time series (default: the last)");
	puts(" -d, --delay <seconds>  live: read again every <seconds> (default 1, from 0.1)");
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

static double swapview_parse_delay(const char *arg)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(arg, &end);
	if (errno || end == arg || *end || !(d >= REFRESH_MIN && d <= REFRESH_MAX)) {
		warnx("invalid delay '%s': expected seconds from %g to %g", arg,
		      REFRESH_MIN, REFRESH_MAX);
		swapview_errtryhelp();
	}
	return d;
}

/* What the options set beside the session. */
struct swapview_opts {
	int64_t id;		/* --snapshot; 0: the last */
	bool ascii;		/* --ascii */
	double delay;		/* --delay; 0: not given */
};

static bool swapview_is_live(const char *src)
{
	return !strncmp(src, LIVE_PREFIX, strlen(LIVE_PREFIX));
}

/* Options into @sv and @o; prints and exits on a usage error. */
static void swapview_options(int argc, char **argv, struct session *sv,
			     struct swapview_opts *o)
{
	static const struct option longopts[] = {
		{ "snapshot", required_argument, NULL, 's' },
		{ "delay", required_argument, NULL, 'd' },
		{ "header", required_argument, NULL, 'H' },
		{ "ascii", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "s:d:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->id = swapview_parse_id(optarg);
			break;
		case 'd':
			o->delay = swapview_parse_delay(optarg);
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
	if (o->delay && !swapview_is_live(sv->src)) {
		warnx("--delay reads a live: source again; %s is not one", sv->src);
		swapview_errtryhelp();
	}
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

/*
 * Everything that can fail on input, before the screen. A live source
 * keeps its reader open to read again every @delay seconds.
 */
static int swapview_open(struct session *sv, int64_t id, double delay)
{
	char err[DIAG_MAX + 64];
	int rc;

	/* a bare live: of several areas shows area 0; 'a' the others */
	if (swapview_is_live(sv->src) && id <= 1)
		rc = (strcmp(sv->src, LIVE_PREFIX) ? 0 : areas_live(sv, err, sizeof(err))) ?:
		     refresh_open(sv, delay ? delay : REFRESH_DEFAULT, err, sizeof(err));
	else
		rc = series_list(sv, err, sizeof(err)) ?:
		     series_load(sv, id, err, sizeof(err));
	if (rc) {
		warnx("%s", err);
		return SWAPVIEW_EXIT_SYSTEM;
	}
	if (sv->header_spec && swapview_read_header(sv))
		return SWAPVIEW_EXIT_SYSTEM;
	return SWAPVIEW_EXIT_OK;
}

static void swapview_free(struct session *sv)
{
	refresh_close(sv);
	views_free();
	changes_free(&sv->changes);
	findnav_free(&sv->findings);
	marks_free(&sv->marks);
	free(sv->ids);
	free(sv->header_path);
	if (sv->has_header)
		swapheader_info_free(&sv->hi);
	analysis_free(sv->an);
	snapshot_free(sv->snap);
}

/*
 * Why there is no screen to draw on (screen_init()), and what is needed;
 * returns the exit code: 3 without a terminal, 1 for a TERM that is no
 * full-screen terminal (as TERM=dumb).
 */
static int swapview_no_screen(int rc)
{
	const char *term = getenv("TERM");

	if (rc == -ENOTTY) {
		warnx("standard input and output must be a terminal");
		return SWAPVIEW_EXIT_SYSTEM;
	}
	if (!term || !*term)
		warnx("TERM is not set: swapview needs a full-screen terminal "
		      "(TERM=xterm-256color, screen, tmux-256color, linux...)");
	else if (rc == -ENOENT)
		warnx("TERM=%s: no such terminal in the terminfo database "
		      "(infocmp %s says why); swapview needs a full-screen terminal",
		      term, term);
	else
		warnx("TERM=%s: the terminal cannot move the cursor; swapview needs "
		      "a full-screen terminal (TERM=xterm-256color, screen, "
		      "tmux-256color, linux...)", term);
	return SWAPVIEW_EXIT_TERM;
}

int main(int argc, char **argv)
{
	struct session sv = { .nav = { .order_filter = -1, .finding = -1,
				       .severity = ANALYSIS_WARNING } };
	struct swapview_opts o = { 0 };
	int rc, sig;

	setlocale(LC_ALL, "");
	swapview_options(argc, argv, &sv, &o);
	glyph_init(!o.ascii && !strcmp(nl_langinfo(CODESET), "UTF-8"));

	rc = swapview_open(&sv, o.id, o.delay);
	if (rc) {
		swapview_free(&sv);
		return rc;
	}
	loop_signals();
	rc = screen_init(!getenv("NO_COLOR"));
	if (rc) {
		rc = swapview_no_screen(rc);
		swapview_free(&sv);
		return rc;
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
