// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.c - the event loop: draw when something changed, take a key, read
 * a live source again when its time has come (refresh.c), and the one
 * place a new terminal size is taken in (loop_resize(): at start and on
 * KEY_RESIZE, which curses makes of SIGWINCH). While curses owns the
 * terminal, what is written to stderr shows on the message line.
 */
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "keys.h"
#include "loop.h"
#include "nav.h"
#include "refresh.h"
#include "screen.h"
#include "views.h"

/* The longest wait for a key: how late a signal or stderr is noticed. */
#define LOOP_WAKE_MS	250

static volatile sig_atomic_t loop_signal;

static void loop_on_signal(int sig)
{
	loop_signal = sig;
}

void loop_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = loop_on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the read in getch() returns at once */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* The terminal hung up (no SIGHUP came, e.g. under nohup): nothing to read. */
static bool loop_hung_up(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/*
 * A new terminal size (curses has resized stdscr by then): everything laid
 * out by size is laid out again; the next draw uses it.
 */
static void loop_resize(struct session *sv)
{
	if (views_layout(sv))
		nav_message(sv, "out of memory laying out the map");
	nav_resized(sv);
}

/* The last line written to stderr since the last look, if any. */
static bool loop_stderr(struct session *sv)
{
	char line[512];

	if (!screen_poll_stderr(line, sizeof(line)))
		return false;
	nav_message(sv, "stderr: %s", line);
	return true;
}

int loop_run(struct session *sv)
{
	bool dirty = true;
	int ch;

	loop_resize(sv);
	views_open(sv, VIEW_MAP);
	while (!sv->quit && !loop_signal) {
		if (dirty)
			views_draw(sv);
		dirty = loop_stderr(sv);
		/* wake up now and then: signals, stderr, a read that is due */
		timeout(refresh_wait(sv, LOOP_WAKE_MS));
		ch = getch();
		if (refresh_due(sv)) {
			refresh_now(sv);
			dirty = true;
		}
		if (ch == ERR) {
			/* a hangup without SIGHUP: end as SIGHUP would end us */
			if (loop_hung_up())
				loop_signal = SIGHUP;
			continue;
		}
		dirty = true;
		if (ch == KEY_RESIZE)
			loop_resize(sv);
		else
			keys_handle(sv, ch);
	}
	return loop_signal;
}
