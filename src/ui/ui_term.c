/*
 * ui/ui_term — the terminal's life cycle: bidi-mode escapes, curses start
 * and end, signals, and the async-signal-safe emergency restore.
 *
 * Bidi escapes (../shared/ARABIC.md, terminal-wg "BiDi in Terminal
 * Emulators"): in app mode khidma sends text already in visual order and
 * shaped, so the terminal must not reorder: `CSI 8 l` (explicit mode).
 * Paragraph direction: in explicit mode an RTL paragraph (`CSI 2 SP k`)
 * makes VTE and mintty lay the row out mirrored (vte bidi.cc,
 * explicit_line: log2vis = width-1-i), which would reverse the already
 * reversed screen; so app mode asks for LTR (`CSI 1 SP k`), except on
 * TERM=linux (old kernels print a stray 'k'). Restore: `CSI 8 h` and
 * `CSI 0 SP k`. mlterm: `OSC 5379;use_ctl=false BEL` (`=true` to restore),
 * sent whatever $MLTERM says (it is usually not passed over ssh), except
 * on TERM=linux, whose console prints an unknown OSC's text.
 * BIDI_TERMINAL also sends DECSET 2501 (VTE: each paragraph's direction
 * from its first strong character, like mlterm, Konsole and PuTTY do),
 * the rule text_row_written writes the rows for; app mode and the
 * restore reset it. Checked in libvterm and xterm (all ignored: the
 * model test and the screenshots); mlterm, VTE, Konsole, PuTTY from their
 * documentation and source, not run here.
 * Under tmux every sequence is wrapped in DCS passthrough.
 *
 * Invariants:
 *  1. The escapes go straight to the tty before initscr and again on F3;
 *     the restore goes out on every exit path: ui_end (also from atexit),
 *     the out-of-memory exit (core's emergency hook, registered here),
 *     SIGHUP, and every signal whose default action ends the process
 *     (fatal_sigs: SIGTERM, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL,
 *     SIGTRAP, SIGSYS, SIGXCPU, SIGXFSZ; and SIGPIPE, SIGALRM, SIGUSR1,
 *     SIGUSR2, SIGVTALRM, SIGPROF unless they were ignored when khidma
 *     started): restore, then the signal again with its old action, so the
 *     exit status still tells which signal it was.
 *  2. Signal handlers call only write(2), tcsetattr(3), getpid, sigaction
 *     and raise: the restore bytes are prepared before any handler is armed.
 *  3. Kiosk and officer console alike: SIGINT, SIGQUIT and SIGTSTP are
 *     ignored and curses runs in raw mode, so Ctrl-C, Ctrl-\ and Ctrl-Z
 *     are plain (ignored) keys, never end or stop the program, and never
 *     flush what is on its way to the screen; F10 is how the console
 *     leaves (with a confirmation when something is typed).
 *  4. $TERM (issue 15, 7): unset, or naming a terminal with no terminfo
 *     entry on this machine (`garbage`, `xterm-ghostty` without its
 *     package), never ends the program silently. ui_init says what is
 *     wrong and what to do on stderr in Arabic and English before curses
 *     starts (it shows again when the program ends), logs it, and uses the
 *     first entry of fallback_terms that this machine has, with $TERM set
 *     to it (so the bidi escapes and child processes agree). Only when none
 *     of them exists does it fail, with the same two lines.
 *  5. Only the process that called ui_init writes a restore: a forked
 *     child that inherited the handlers (fork without exec) and dies of a
 *     signal leaves its parent's screen alone (owner_pid).
 */
#include "ui/ui_int.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <term.h>
#include "core/log.h"
#include "core/util.h"

struct ui_state ui_st;

/* Invariant 4: known-safe entries, the most capable first. Every terminal
 * khidma supports speaks at least xterm's subset; the Linux console and a
 * bare VT100 are the last resorts. */
static const char *const fallback_terms[] = { "xterm-256color", "linux", "vt100" };

static int tty_fd = STDOUT_FILENO;
static struct termios saved_tio;
static bool have_tio, atexit_done;
static volatile sig_atomic_t hup_flag;
static volatile sig_atomic_t restored;
/* The process that owns the terminal (ui_init): a forked child (the
 * kiosk's receipt supervisor) inherits the handlers but must never write
 * the restore over its parent's screen (invariant 5). */
static pid_t owner_pid;

/* Prepared restore bytes: curses' own reset, then the bidi restore. */
static char   curses_off[160];
static size_t curses_off_len;
static char   bidi_off[160];
static size_t bidi_off_len;

static struct sigaction old_act[NSIG];
static const int fatal_sigs[] = { SIGTERM, SIGSEGV, SIGBUS, SIGFPE, SIGABRT,
                                  SIGILL, SIGTRAP, SIGSYS, SIGXCPU, SIGXFSZ };
/* Also fatal by default, but left alone when inherited as ignored (nohup,
 * a service manager, receipt.c's SIGPIPE while it writes). */
static const int fatal_unless_ignored[] = { SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2,
                                            SIGVTALRM, SIGPROF };

long long
ui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Append seq to buf (wrapped for tmux when $TMUX is set). */
static size_t
add_seq(char *buf, size_t len, size_t cap, const char *seq)
{
	bool tmux = getenv("TMUX") != NULL;
	const char *p;

	if (tmux) {
		if (len + 7 < cap) {
			memcpy(buf + len, "\033Ptmux;", 7);
			len += 7;
		}
		for (p = seq; *p && len + 2 < cap; p++) {
			if (*p == '\033')
				buf[len++] = '\033';
			buf[len++] = *p;
		}
		if (len + 2 < cap) {
			buf[len++] = '\033';
			buf[len++] = '\\';
		}
	} else {
		size_t n = strlen(seq);
		if (len + n < cap) {
			memcpy(buf + len, seq, n);
			len += n;
		}
	}
	buf[len] = '\0';
	return len;
}

static bool
term_is_linux(void)
{
	const char *t = getenv("TERM");
	return t != NULL && strcmp(t, "linux") == 0;
}

/* The escapes for mode m: on = explicit (app), off = the default (the
 * restore, and BIDI_TERMINAL with term_mode: then VTE is also asked to
 * find each row's direction from its first strong character, DECSET
 * 2501, as text_row_written assumes; the restore turns that off again). */
static size_t
build_bidi(char *buf, size_t cap, bool on, bool term_mode)
{
	size_t len = 0;

	buf[0] = '\0';
	len = add_seq(buf, len, cap, on ? "\033[8l" : "\033[8h");
	len = add_seq(buf, len, cap, term_mode ? "\033[?2501h" : "\033[?2501l");
	if (!term_is_linux())
		len = add_seq(buf, len, cap, on ? "\033[1 k" : "\033[0 k");
	/* mlterm: not only when $MLTERM says so (ssh drops it). Every other
	 * terminal checked ignores an OSC it does not know (xterm, VTE,
	 * Konsole, PuTTY, tmux, libvterm); the Linux console prints an
	 * unknown OSC's text, so not there. */
	if (!term_is_linux())
		len = add_seq(buf, len, cap, on ? "\033]5379;use_ctl=false\007"
		                                : "\033]5379;use_ctl=true\007");
	return len;
}

static void
write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(tty_fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Contract (ui_int.h). */
void
ui_term_send_mode(void)
{
	char buf[160];
	size_t n = build_bidi(buf, sizeof buf, text_mode() == BIDI_APP,
	                      text_mode() == BIDI_TERMINAL);

	if (ui_st.active)
		fflush(stdout);
	write_all(buf, n);
}

void
ui_term_set_hungup(void)
{
	hup_flag = 1;
}

/* Contract: see ui.h. Only write(2) and tcsetattr; idempotent. */
void
ui_emergency_restore(void)
{
	int saved = errno;

	if (restored || getpid() != owner_pid)
		return;
	restored = 1;
	write_all(curses_off, curses_off_len);
	write_all(bidi_off, bidi_off_len);
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	errno = saved;
}

static void
on_fatal(int sig)
{
	ui_emergency_restore();
	sigaction(sig, &old_act[sig], NULL);
	raise(sig);
}

static void
on_hup(int sig)
{
	(void)sig;
	hup_flag = 1;
	/* The tty may be gone; the bidi restore costs nothing if it is not. */
	if (getpid() == owner_pid)
		write_all(bidi_off, bidi_off_len);
}

bool
ui_hungup(void)
{
	return hup_flag != 0;
}

static void
arm_signals(void)
{
	struct sigaction sa, cur;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_fatal;
	for (i = 0; i < ARRAY_LEN(fatal_sigs); i++)
		sigaction(fatal_sigs[i], &sa, &old_act[fatal_sigs[i]]);
	for (i = 0; i < ARRAY_LEN(fatal_unless_ignored); i++) {
		int sig = fatal_unless_ignored[i];

		if (sigaction(sig, NULL, &cur) == 0 && cur.sa_handler == SIG_IGN)
			continue;
		sigaction(sig, &sa, &old_act[sig]);
	}
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, &old_act[SIGHUP]);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
}

/* curses' reset strings, looked up once terminfo is loaded. */
static void
prepare_curses_off(void)
{
	static const char *const caps[] = { "sgr0", "cnorm", "rmkx", "rmcup" };
	size_t i, n;

	curses_off_len = 0;
	for (i = 0; i < ARRAY_LEN(caps); i++) {
		char *s = tigetstr((char *)caps[i]);
		if (s == NULL || s == (char *)-1)
			continue;
		n = strlen(s);
		if (curses_off_len + n >= sizeof curses_off)
			break;
		memcpy(curses_off + curses_off_len, s, n);
		curses_off_len += n;
	}
}

/* ncursesw needs a UTF-8 LC_CTYPE; gettext ignores $LANGUAGE under "C". */
static void
fix_locale(void)
{
	const char *m;

	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	m = setlocale(LC_MESSAGES, NULL);
	if (m == NULL || strcmp(m, "C") == 0 || strcmp(m, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
}

static void
init_colours(void)
{
	if (!has_colors())
		return;
	start_color();
	use_default_colors();
	init_pair(UP_TITLE, COLOR_WHITE, COLOR_BLUE);
	init_pair(UP_FOOTER, COLOR_BLACK, COLOR_CYAN);
	init_pair(UP_ERROR, COLOR_RED, -1);
	init_pair(UP_INFO, COLOR_GREEN, -1);
	init_pair(UP_BOX, -1, -1);
}

static void
at_exit(void)
{
	ui_end();
}

/* True when terminfo has an entry for name on this machine. */
static bool
term_known(const char *name)
{
	int err = 0;

	if (name == NULL || *name == '\0')
		return false;
	if (setupterm((char *)name, STDOUT_FILENO, &err) != OK)
		return false;
	del_curterm(cur_term);
	return true;
}

/* Two lines (Arabic, then English) on stderr, before curses starts. */
static void
say_both(const char *msgid, const char *a1, const char *a2)
{
	ui_lang keep = ui_get_lang();

	for (int l = 0; l < 2; l++) {
		ui_set_lang(l == 0 ? LANG_AR : LANG_EN);
		fputs("khidma: ", stderr);
		fprintf(stderr, ui_tr(msgid), a1, a2);
		fputc('\n', stderr);
	}
	ui_set_lang(keep);
	fflush(stderr);
}

/* Invariant 4: make $TERM name an entry terminfo has. False when neither
 * it nor any fallback exists (the message is out). */
static bool
resolve_term(void)
{
	const char *t = getenv("TERM");
	char given[64];

	if (term_known(t))
		return true;
	snprintf(given, sizeof given, "%s", t != NULL ? t : "");
	for (size_t i = 0; i < ARRAY_LEN(fallback_terms); i++) {
		if (!term_known(fallback_terms[i]))
			continue;
		setenv("TERM", fallback_terms[i], 1);
		if (given[0] == '\0')
			say_both(N_("TERM is not set, so the terminal type is unknown; using "
			            "%s instead. Set TERM to your terminal's name "
			            "(e.g. xterm-256color)."), fallback_terms[i], "");
		else
			say_both(N_("the terminal type TERM=%s has no terminfo entry on this "
			            "machine; using %s instead. Set TERM to a known type "
			            "(e.g. xterm-256color) or install its terminfo "
			            "(Debian: ncurses-term, kitty-terminfo, foot-terminfo)."),
			         given, fallback_terms[i]);
		log_error("terminal: TERM=%s%s has no terminfo entry; falling back to %s",
		          given[0] ? "" : "(unset)", given, fallback_terms[i]);
		return true;
	}
	say_both(N_("cannot use this terminal: TERM=%s has no terminfo entry and "
	            "neither has any fallback (%s). Install ncurses-base and ncurses-term."),
	         given, "xterm-256color, linux, vt100");
	log_error("terminal: TERM=%s has no terminfo entry and no fallback exists", given);
	return false;
}

/* Contract: see ui.h. Returns -1 (terminal untouched but for the bidi
 * escapes, which are restored) when curses cannot start. */
int
ui_init(const struct ui_opts *o)
{
	SCREEN *scr;

	if (ui_st.active)
		return 0;
	memset(&ui_st, 0, sizeof ui_st);
	ui_st.opts = *o;
	if (ui_st.opts.idle_warning <= 0)
		ui_st.opts.idle_warning = 20;
	fix_locale();
	if (!resolve_term())
		return -1;
	text_set_mode(o->bidi);
	if (!isatty(tty_fd))
		tty_fd = STDERR_FILENO;
	have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	bidi_off_len = build_bidi(bidi_off, sizeof bidi_off, false, false);
	restored = 0;
	hup_flag = 0;
	owner_pid = getpid();
	core_set_emergency_hook(ui_emergency_restore);
	arm_signals();
	if (!atexit_done) {
		atexit(at_exit);
		atexit_done = true;
	}
	if (text_mode() == BIDI_APP)
		ui_term_send_mode();
	set_escdelay(25);
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		write_all(bidi_off, bidi_off_len);
		restored = 1;
		return -1;
	}
	set_term(scr);
	set_escdelay(25);
	prepare_curses_off();
	ui_st.active = true;
	raw();                  /* invariant 3 */
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	meta(stdscr, TRUE);
	/* ui_loop's read-ahead window (its invariant 4): keypad set here, as
	 * every keypad(TRUE) resends smkx; never drawn, so reading on it never
	 * refreshes anything. NULL (no batching) if it cannot be made. */
	ui_st.ahead_win = newwin(1, 1, 0, 0);
	if (ui_st.ahead_win != NULL) {
		keypad(ui_st.ahead_win, TRUE);
		wtimeout(ui_st.ahead_win, 0);
		untouchwin(ui_st.ahead_win);
	}
	init_colours();
	curs_set(0);
	leaveok(stdscr, TRUE);
	erase();
	ui_cv_invalidate();
	ui_st.last_key_ms = ui_now_ms();
	return 0;
}

/* Contract: see ui.h. Safe to call twice and from atexit. */
void
ui_end(void)
{
	if (!ui_st.active)
		return;
	ui_st.active = false;
	ui_st.ahead = false;
	if (ui_st.ahead_win != NULL) {
		delwin(ui_st.ahead_win);
		ui_st.ahead_win = NULL;
	}
	curs_set(1);
	endwin();
	fflush(stdout);
	write_all(bidi_off, bidi_off_len);
	restored = 1;
	free(ui_st.status);
	ui_st.status = NULL;
	ui_st.status_id = NULL;
}
