// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screen.c - the terminal: curses set up and put back, the colours and
 * attributes of the tables in glyph.c, the message shown below the
 * smallest size swapview draws in, text put at a place, and the capture of
 * stderr. It knows no view: what a resize lays out again is the event
 * loop's (loop.c).
 *
 * Conventions of htop and ncdu: KEY_RESIZE from getch() (curses turns
 * SIGWINCH into it), use_default_colors(), NO_COLOR (any value) and
 * terminals without colours get attributes only, as the glyphs already
 * tell every state apart.
 *
 * While curses owns the screen, file descriptor 2 is a memfd: whatever
 * would be written to stderr (the library never prints, but what it calls
 * might) cannot scribble on the screen; its last line is shown on the
 * message line, and all of it is written to the real stderr once the
 * terminal is put back.
 */
#include <curses.h>
#include <term.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <swapfs/analysis.h>
#include <swapfs/snapshot.h>

#include "screen.h"

/* Colour pairs: one per order (1 + order), then the finding severities. */
enum {
	SCREEN_PAIR_ORDER = 1,
	SCREEN_PAIR_ERROR = SCREEN_PAIR_ORDER + SNAPSHOT_MAX_ORDER + 1,
	SCREEN_PAIR_WARNING,
	SCREEN_PAIR_INFO,
	SCREEN_PAIR_CHANGED,	/* the change layer: htop's "new process" */
	SCREEN_NR_PAIRS,
};

static SCREEN *screen_term;
static bool screen_color;
static int screen_saved_stderr = -1;
static int screen_capture = -1;
static off_t screen_captured;

static int screen_capture_stderr(void)
{
	int fd = memfd_create("swapview-stderr", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	fflush(stderr);
	screen_saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (screen_saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0) {
		int rc = -errno;

		if (screen_saved_stderr >= 0)
			close(screen_saved_stderr);
		screen_saved_stderr = -1;
		close(fd);
		return rc;
	}
	screen_capture = fd;
	screen_captured = 0;
	return 0;
}

/* Put stderr back, and write there what was captured meanwhile. */
static void screen_release_stderr(void)
{
	char buf[4096];
	off_t off = 0;
	ssize_t n;

	if (screen_capture < 0)
		return;
	fflush(stderr);
	dup2(screen_saved_stderr, STDERR_FILENO);
	close(screen_saved_stderr);
	while ((n = pread(screen_capture, buf, sizeof(buf), off)) > 0) {
		if (write(STDERR_FILENO, buf, (size_t)n) != n)
			break;
		off += n;
	}
	close(screen_capture);
	screen_capture = screen_saved_stderr = -1;
}

bool screen_poll_stderr(char *out, size_t len)
{
	char buf[512], *line, *p;
	struct stat st;
	off_t from;
	ssize_t n;

	fflush(stderr);
	if (screen_capture < 0 || fstat(screen_capture, &st) ||
	    st.st_size <= screen_captured)
		return false;
	from = st.st_size - (off_t)sizeof(buf) + 1 > screen_captured ?
	       st.st_size - (off_t)sizeof(buf) + 1 : screen_captured;
	n = pread(screen_capture, buf, sizeof(buf) - 1, from);
	screen_captured = st.st_size;
	if (n <= 0)
		return false;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	line = strrchr(buf, '\n');
	line = line ? line + 1 : buf;
	for (p = line; *p; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';
	if (!*line)
		return false;
	snprintf(out, len, "%s", line);
	return true;
}

static void screen_colors(bool color)
{
	static const short order_fg[] = {
		-1, COLOR_BLUE, COLOR_CYAN, COLOR_GREEN, COLOR_YELLOW, COLOR_MAGENTA,
	};
	short bg = -1, k;

	screen_color = false;
	if (!color || !has_colors() || start_color() == ERR || COLORS < 8 ||
	    COLOR_PAIRS < SCREEN_NR_PAIRS)
		return;
	screen_color = true;
	if (use_default_colors() == ERR)
		bg = COLOR_BLACK;
	for (k = 0; k <= (short)SNAPSHOT_MAX_ORDER; k++) {
		short fg = order_fg[k % 6];

		init_pair((short)(SCREEN_PAIR_ORDER + k),
			  fg < 0 && bg >= 0 ? COLOR_WHITE : fg, bg);
	}
	init_pair(SCREEN_PAIR_ERROR, COLOR_WHITE, COLOR_RED);
	init_pair(SCREEN_PAIR_WARNING, COLOR_BLACK, COLOR_YELLOW);
	init_pair(SCREEN_PAIR_INFO, COLOR_BLACK, COLOR_CYAN);
	init_pair(SCREEN_PAIR_CHANGED, COLOR_BLACK, COLOR_GREEN);
}

/*
 * The terminal TERM names must move the cursor: a dumb terminal (TERM=dumb,
 * an editor's shell buffer) would get a screen of escape sequences. Asked
 * of terminfo before curses takes anything.
 */
static int screen_check_term(void)
{
	const char *term = getenv("TERM");
	char *cup, *cls;
	int err = 0;

	if (!term || !*term)
		return -ENOENT;
	if (setupterm(term, STDOUT_FILENO, &err) != OK)
		return -ENOENT;
	cup = tigetstr("cup");
	cls = tigetstr("clear");
	del_curterm(cur_term);
	if (!cup || cup == (char *)-1 || !cls || cls == (char *)-1)
		return -ENOTSUP;
	return 0;
}

int screen_init(bool color)
{
	int rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -ENOTTY;
	rc = screen_check_term();
	if (rc)
		return rc;
	screen_term = newterm(NULL, stdout, stdin);
	if (!screen_term)
		return -ENOTTY;
	screen_capture_stderr();
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	screen_colors(color);
	return 0;
}

void screen_end(void)
{
	if (screen_term) {
		curs_set(1);
		endwin();
		delscreen(screen_term);
		screen_term = NULL;
	}
	screen_release_stderr();
}

bool screen_too_small(void)
{
	return COLS < SCREEN_MIN_COLS || LINES < SCREEN_MIN_LINES;
}

void screen_draw_small(void)
{
	char line[64];
	int y = LINES / 2 - 1;

	screen_put(y, 0, COLS, A_BOLD, "terminal too small");
	snprintf(line, sizeof(line), "%dx%d, needs %dx%d", COLS, LINES,
		 SCREEN_MIN_COLS, SCREEN_MIN_LINES);
	screen_put(y + 1, 0, COLS, A_NORMAL, line);
	screen_put(y + 2, 0, COLS, A_NORMAL, "q quits");
}

bool screen_has_color(void)
{
	return screen_color;
}

int screen_attr_order(unsigned int order)
{
	if (!screen_color)
		return A_NORMAL;
	return COLOR_PAIR(SCREEN_PAIR_ORDER + (int)(order % (SNAPSHOT_MAX_ORDER + 1))) |
	       (order >= 6 ? A_BOLD : 0);
}

int screen_attr_highlight(unsigned int highlight)
{
	enum analysis_severity sev = highlight ?
		analysis_check_severity(highlight - 1) : ANALYSIS_INFO;

	if (!screen_color)
		return sev == ANALYSIS_INFO ? A_BOLD : A_REVERSE | A_BOLD;
	return A_BOLD | COLOR_PAIR(sev == ANALYSIS_ERROR ? SCREEN_PAIR_ERROR :
				   sev == ANALYSIS_WARNING ? SCREEN_PAIR_WARNING :
				   SCREEN_PAIR_INFO);
}

int screen_attr_info(void)
{
	return A_UNDERLINE;
}

int screen_attr_moved(int attr)
{
	if (!screen_color)
		return attr | A_REVERSE | A_BOLD;
	return (attr & ~A_COLOR) | COLOR_PAIR(SCREEN_PAIR_CHANGED) | A_BOLD;
}

int screen_attr_touched(int attr)
{
	return attr | A_BOLD;
}

int screen_attr_changed(void)
{
	return screen_color ? COLOR_PAIR(SCREEN_PAIR_CHANGED) | A_BOLD :
			      A_UNDERLINE | A_BOLD;
}

int screen_attr_dim(void)
{
	return A_DIM;
}

int screen_attr_bar(void)
{
	return A_REVERSE;
}

/* The bytes of @text that fill @cols columns at most (one a character). */
static size_t screen_fit(const char *text, int cols, bool *cut)
{
	const char *p = text;
	int n = 0;

	for (; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		if (n == cols)
			break;
		n++;
	}
	*cut = *p != '\0';
	return (size_t)(p - text);
}

void screen_put(int y, int x, int width, int attr, const char *text)
{
	bool cut;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return;
	if (width > COLS - x)
		width = COLS - x;
	attrset(attr);
	mvaddnstr(y, x, text, (int)screen_fit(text, width, &cut));
	attrset(A_NORMAL);
}

void screen_put_cut(int y, int x, int width, int attr, const char *text,
		    const char *ellipsis)
{
	size_t len;
	bool cut;
	int mark;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return;
	if (width > COLS - x)
		width = COLS - x;
	screen_fit(text, width, &cut);
	if (!cut) {
		screen_put(y, x, width, attr, text);
		return;
	}
	for (mark = 0, len = 0; ellipsis[len]; len++)
		mark += (ellipsis[len] & 0xc0) != 0x80;
	if (mark > width)
		mark = 0;
	len = screen_fit(text, width - mark, &cut);
	attrset(attr);
	mvaddnstr(y, x, text, (int)len);
	if (mark)
		mvaddstr(y, x + width - mark, ellipsis);
	attrset(A_NORMAL);
}

void screen_glyph(int y, int x, int attr, const char *glyph)
{
	attrset(attr);
	mvaddstr(y, x, glyph);
	attrset(A_NORMAL);
}

void screen_fill(int y, int attr)
{
	if (y < 0 || y >= LINES)
		return;
	attrset(attr);
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
}
