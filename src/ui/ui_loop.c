/*
 * ui/ui_loop — the one input loop (after htop's ScreenManager): ui_run and
 * ui_read read keys, map them through the binding table, handle the global
 * actions and hand the rest to the current screen.
 *
 * Global actions, handled here and nowhere else:
 *   F2 language  → ui_set_lang(other), repaint, the caller gets ACT_REDRAW
 *   F3 bidi mode → text_set_mode(other), escapes re-sent, full repaint
 *   F1 help      → when the current screen has a help text (ui_screen.help):
 *                  a box with it in the current language; the caller gets
 *                  ACT_REDRAW (one box at a time: F1 in it is ignored)
 *   Ctrl-L       → full repaint (clearok), ACT_REDRAW
 *   KEY_RESIZE   → below 80×24 the "please enlarge" screen (both
 *                  languages) and every key is swallowed until it is big
 *                  enough; then a full repaint and ACT_REDRAW
 *   idle         → after opts.idle_timeout s without a key: a countdown
 *                  box; any key continues; at 0 ACT_IDLE (ui_run: wipe, UI_HOME)
 *   SIGHUP / tty gone → ACT_HANGUP (ui_run: UI_HANGUP); see invariant 7
 *   watch        → ui_set_watch: asked after every event; when it fires,
 *                  every ui_run deeper than where it was set wipes and
 *                  returns UI_HOME (the officer console: access ended)
 *
 * Invariants:
 *  1. Output happens only in ui_present: wnoutrefresh + one doupdate per
 *     turn. A repaint is erase + draw into the canvas (ui_canvas.c), which
 *     hands stdscr only the rows that changed; curses diffs them against
 *     what is on the terminal, so a key costs only changed cells, in
 *     output and in work. clearok (a full resend) only after F3, Ctrl-L
 *     and a resize.
 *  2. The screen's state is the only truth: a language switch, a mode flip
 *     or a resize is just a repaint, so typed data is kept.
 *  3. idle_fired is sticky until the outermost ui_run returns, so every
 *     nested screen wipes its draft on the way out.
 *  4. Input already waiting is worked off before the screen is painted:
 *     after a key, ui_run reads ahead without waiting (on a window of its
 *     own that is never drawn, so the read flushes nothing) and, while
 *     keys are there, hands them to the screen in order with no repaint
 *     and no output between them; then ONE repaint and ONE doupdate. A
 *     10 kB paste so costs one screen update, not ten thousand. A batch
 *     ends after BATCH_KEYS keys or BATCH_MS ms, so a flood still shows
 *     progress. At human speed there is never a key waiting: every key is
 *     painted at once, as before. Beeps asked for during a batch become
 *     one BEL at its end.
 *  6. An escape sequence nobody taught curses (ui_keys.c, invariant 4) is
 *     read whole and ignored, never seen as Esc (Back) and letters: when
 *     a lone ESC comes with more input already behind it, a CSI (ESC [
 *     params final), an SS3 (ESC O x), a string (ESC ] P _ ^ X … BEL or
 *     ESC \) or Alt+key (ESC and one character) is swallowed — a pasted
 *     `ESC [31m`, Home as `ESC [1~` under a terminfo that lacks it,
 *     Alt+digit. Bytes of a sequence may trail by ESC_GAP_MS. ESC then a
 *     key curses decoded (F2) or another ESC stays Esc + that key.
 *  5. A repaint lays out again only text that changed: src/text keeps the
 *     layouts (text/cache.c). When a screen goes home (a visitor is done,
 *     or idle) or the session hangs up, that cache is wiped with
 *     text_cache_clear (and ui_tr's memo with ui_tr_forget), so what a
 *     visitor typed and saw is not kept.
 *  7. A terminal that is gone is a hang-up however it shows, SIGHUP or not
 *     (a process that is not its terminal's session leader, or has SIGHUP
 *     blocked, gets none when the pty's master closes; one in an orphaned
 *     background process group reads EIO): after a key read that gave
 *     nothing (ERR), tty_gone looks at stdin — POLLHUP/POLLERR/POLLNVAL;
 *     read(2) having failed with EIO; "readable" with no byte there or
 *     FIONREAD failing (EOF, a hung-up tty); or READ_ERR_MAX reads in a
 *     row that came back empty long before their timeout (ncurses hides
 *     the reason) — and sets the hang-up. No loop can then spin: ui_read
 *     returns ACT_HANGUP at once, and a caller that keeps asking for keys
 *     all the same (a loop that ignored it) is made to wait
 *     HUNG_NAP_MS per call after HUNG_FREE_CALLS calls, with one log line.
 */
#include "ui/ui_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "core/log.h"
#include "core/util.h"

/* Bounds of one batch of waiting input (invariant 4). */
enum { BATCH_KEYS = 4096, BATCH_MS = 20 };
/* Invariant 6: the longest gap inside a sequence, and its longest length. */
enum { ESC_GAP_MS = 30, ESC_MAX = 512 };
/* Invariant 7: empty reads in a row that end it; calls answered at once
 * after the hang-up, then the nap before each further answer. */
enum { READ_ERR_MAX = 20, HUNG_FREE_CALLS = 64, HUNG_NAP_MS = 100 };

static int early_errs;          /* invariant 7: empty reads in a row */
static unsigned hung_calls;     /* invariant 7: ui_read calls after it */

static bool cursor_shown;

static void
set_cursor(bool on)
{
	if (on == cursor_shown)
		return;
	cursor_shown = on;
	curs_set(on ? 1 : 0);
}

/* Contract (ui_int.h). */
void
ui_present(void)
{
	if (!ui_st.active)
		return;
	ui_cv_flush();
	ui_st.batch_keys = 0;
	if (ui_st.beep_due) {
		ui_st.beep_due = false;
		beep();
	}
	if (ui_st.cur_vis && !ui_st.small) {
		leaveok(stdscr, FALSE);
		wmove(stdscr, ui_st.cur_y, ui_cv_written_x(ui_st.cur_y, ui_st.cur_x));
		wnoutrefresh(stdscr);
		doupdate();
		set_cursor(true);
	} else {
		leaveok(stdscr, TRUE);
		set_cursor(false);
		wnoutrefresh(stdscr);
		doupdate();
	}
}

/* "Please enlarge the window" in both languages, whatever the current. */
static void
draw_enlarge(int rows, int cols)
{
	char *size = xasprintf("%d×%d → 80×24", cols, rows);
	int y = rows / 2 - 1;

	if (y < 0)
		y = 0;
	ui_text(y, 0, cols, ui_tr_lang(LANG_AR, "Please enlarge the window"),
	        TEXT_RTL, AL_CENTER, A_BOLD);
	if (y + 1 < rows)
		ui_text(y + 1, 0, cols, ui_tr_lang(LANG_EN, "Please enlarge the window"),
		        TEXT_LTR, AL_CENTER, A_BOLD);
	if (y + 2 < rows)
		ui_text(y + 2, 0, cols, size, TEXT_LTR, AL_CENTER, 0);
	free(size);
}

/* Contract (ui_int.h). */
void
ui_repaint(void)
{
	int rows, cols;

	if (!ui_st.active)
		return;
	getmaxyx(stdscr, rows, cols);
	ui_st.repaint_due = false;
	ui_st.cur_vis = false;
	ui_st.digits_raw = 0;           /* each repaint starts in the screen's digits */
	ui_cv_erase();
	ui_st.small = rows < 24 || cols < 80;
	if (ui_st.small) {
		draw_enlarge(rows, cols);
		return;
	}
	if (ui_st.cur != NULL && ui_st.cur->draw != NULL)
		ui_st.cur->draw(ui_st.cur);
	ui_draw_status();
}

/* Invariant 7: a key read (wget_wch) that waited waited_ms of wait_ms gave
 * ERR with err in errno (set to 0 before it). True when stdin shows that
 * the terminal is gone. */
static bool
tty_gone(int err, long long waited_ms, long long wait_ms)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	int avail = 0;

	if (err == EIO)
		return true;
	if (poll(&p, 1, 0) < 0)
		return false;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
		return true;
	/* readable, yet nothing to read: end of file, or a hung-up tty */
	if ((p.revents & POLLIN) &&
	    (ioctl(STDIN_FILENO, FIONREAD, &avail) != 0 || avail == 0))
		return true;
	/* ERR long before the timeout: a read that failed; many in a row
	 * and it is not a stray signal */
	if (wait_ms >= 20 && waited_ms * 2 < wait_ms) {
		if (++early_errs >= READ_ERR_MAX)
			return true;
	} else {
		early_errs = 0;
	}
	return false;
}

/* wget_wch on w for at most ms; on ERR, invariant 7's look at stdin. */
static int
read_key(WINDOW *w, int ms, wint_t *ch)
{
	long long t0 = ui_now_ms();
	int rc, err;

	wtimeout(w, ms);
	errno = 0;
	rc = wget_wch(w, ch);
	err = errno;
	if (rc != ERR) {
		early_errs = 0;
		return rc;
	}
	if (!ui_hungup() && tty_gone(err, ui_now_ms() - t0, ms)) {
		log_info("terminal: gone without a hang-up signal (%s); ending the session",
		         err ? strerror(err) : "no input");
		ui_term_set_hungup();
	}
	return ERR;
}

/* Invariant 7: ACT_HANGUP for a caller, which naps once it has asked too
 * often (a loop that does not unwind on ACT_HANGUP must not spin). */
static ui_action
hung_up(void)
{
	if (++hung_calls == HUNG_FREE_CALLS)
		log_error("terminal: still asked for keys %u times after the hang-up; "
		          "each further ask now waits %d ms", hung_calls, HUNG_NAP_MS);
	if (hung_calls >= HUNG_FREE_CALLS)
		poll(NULL, 0, HUNG_NAP_MS);
	return ACT_HANGUP;
}

static bool
idle_applies(void)
{
	return ui_st.opts.idle_timeout > 0 && ui_st.cur != NULL && !ui_st.cur->no_idle;
}

/* The countdown box over the current screen. Returns ACT_IDLE when it ran
 * out, ACT_HANGUP, or ACT_REDRAW when a key (consumed) said "still here". */
static ui_action
idle_warning(void)
{
	long long end = ui_now_ms() + (long long)ui_st.opts.idle_warning * 1000;
	int rows, cols;

	for (;;) {
		long long now = ui_now_ms();
		int left = (int)((end - now + 999) / 1000);
		struct ui_rect r;
		char *msg;
		wint_t ch;
		int rc;

		if (ui_hungup())
			return hung_up();
		if (left <= 0)
			return ACT_IDLE;
		getmaxyx(stdscr, rows, cols);
		if (!ui_st.small) {
			r.w = cols < 64 ? cols - 2 : 60;
			r.h = 6;
			r.y = (rows - r.h) / 2;
			r.x = (cols - r.w) / 2;
			ui_box(r, "", ui_pair(UP_BOX) | A_BOLD);
			/* the seconds in the language's plural form (ui_ntr) */
			msg = xasprintf(ui_st.opts.idle_text == NULL
			                ? ui_ntr("Are you still there? The screen will reset in %d second. Press any key to continue.",
			                         "Are you still there? The screen will reset in %d seconds. Press any key to continue.",
			                         (unsigned long)left)
			                : ui_st.opts.idle_text_plural != NULL
			                ? ui_ntr(ui_st.opts.idle_text, ui_st.opts.idle_text_plural,
			                         (unsigned long)left)
			                : ui_tr(ui_st.opts.idle_text), left);
			ui_para((struct ui_rect){ r.y + 1, r.x + 2, r.h - 2, r.w - 4 },
			        msg, ui_dir(), AL_START, A_BOLD);
			free(msg);
			ui_st.cur_vis = false;
		}
		ui_present();
		rc = read_key(stdscr, (int)((end - now) % 1000 ? (end - now) % 1000 : 1000), &ch);
		if (rc == ERR)
			continue;
		if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			clearok(curscr, TRUE);
			ui_repaint();
			continue;
		}
		ui_st.last_key_ms = ui_now_ms();
		ui_repaint();
		return ACT_REDRAW;
	}
}

/* One more key of a sequence, waiting at most ms; ERR when none. */
static int
seq_next(wint_t *ch, int ms)
{
	WINDOW *w = ui_st.ahead_win != NULL ? ui_st.ahead_win : stdscr;
	int rc;

	if (ui_hungup())
		return ERR;
	rc = read_key(w, ms, ch);
	wtimeout(w, 0);
	return rc;
}

static void
push_back(int rc, wint_t ch)
{
	ui_st.ahead = true;
	ui_st.ahead_rc = rc;
	ui_st.ahead_ch = ch;
}

/* Invariant 6: after a lone ESC, true when it began a sequence (or an
 * Alt+key) that was read whole and is to be ignored; false for Esc. */
static bool
swallow_escape(void)
{
	wint_t c = 0;
	int rc = seq_next(&c, 0), n;

	if (rc == ERR)
		return false;
	if (rc == KEY_CODE_YES || c == 0x1b) {
		push_back(rc, c);
		return false;
	}
	switch (c) {
	case L'[':              /* CSI: parameters, intermediates, a final byte */
		for (n = 0; n < ESC_MAX; n++) {
			if ((rc = seq_next(&c, ESC_GAP_MS)) == ERR)
				return true;
			if (rc == KEY_CODE_YES || c < 0x20 || c > 0x7e) {
				push_back(rc, c);
				return true;
			}
			if (c >= 0x40)
				return true;
		}
		return true;
	case L'O':              /* SS3: one character */
		if ((rc = seq_next(&c, ESC_GAP_MS)) != ERR &&
		    (rc == KEY_CODE_YES || c < 0x20 || c > 0x7e))
			push_back(rc, c);
		return true;
	case L']': case L'P': case L'_': case L'^': case L'X':
		for (n = 0; n < ESC_MAX; n++) {     /* a string: up to BEL or ST */
			if ((rc = seq_next(&c, ESC_GAP_MS)) == ERR || rc == KEY_CODE_YES)
				return true;
			if (c == 0x07)
				return true;
			if (c == 0x1b) {
				if (seq_next(&c, ESC_GAP_MS) != ERR && c != L'\\')
					push_back(OK, c);
				return true;
			}
		}
		return true;
	default:                /* Alt+key */
		return true;
	}
}

static struct ui_event
ev_of(ui_action a)
{
	struct ui_event ev = { a, 0 };
	return ev;
}

static bool watch_fired(void);

/* Contract: see ui.h. Returns ACT_TICK when timeout_ms ran out (never for
 * timeout_ms < 0), ACT_REDRAW after a global action was handled (the caller
 * repaints what it owns, e.g. a modal box), else the key's event. */
struct ui_event
ui_read(int timeout_ms)
{
	long long start = ui_now_ms();

	if (!ui_st.active)
		return ev_of(ui_hungup() ? hung_up() : ACT_HANGUP);
	if (!ui_st.keys_defined) {
		ui_keys_define();
		ui_st.keys_defined = true;
	}
	for (;;) {
		long long now = ui_now_ms();
		long long wait = 1000;
		struct ui_event ev;
		wint_t ch = 0;
		int rc;

		if (ui_hungup())
			return ev_of(hung_up());
		if (ui_st.idle_fired || watch_fired())
			return ev_of(ACT_IDLE);   /* modal loops (ui_message …) too */
		if (ui_st.ahead) {
			ui_st.ahead = false;
			rc = ui_st.ahead_rc;
			ch = ui_st.ahead_ch;
			goto got_key;
		}
		if (timeout_ms >= 0) {
			long long rem = start + timeout_ms - now;
			if (rem <= 0)
				return ev_of(ACT_TICK);
			if (rem < wait)
				wait = rem;
		}
		if (idle_applies()) {
			long long due = ui_st.last_key_ms + (long long)ui_st.opts.idle_timeout * 1000 - now;
			if (due <= 0) {
				ui_action a = ui_st.small ? ACT_IDLE : idle_warning();
				if (a == ACT_IDLE) {
					ui_st.idle_fired = true;
					ui_st.idle_count++;
				}
				return ev_of(a);
			}
			if (due < wait)
				wait = due;
		}
		ui_present();
		rc = read_key(stdscr, (int)wait, &ch);
		if (rc == ERR)
			continue;
got_key:
		if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			clearok(curscr, TRUE);
			ui_repaint();
			if (!ui_st.small)
				return ev_of(ACT_REDRAW);
			continue;
		}
		ui_st.last_key_ms = ui_now_ms();
		if (rc == OK && ch == 0x1b && swallow_escape())
			continue;
		ev = ui_key_event(rc, ch);
		if (ui_st.small && ev.a != ACT_LANG)
			continue;
		switch (ev.a) {
		case ACT_NONE:
			continue;
		case ACT_LANG:
			ui_set_lang(ui_get_lang() == LANG_AR ? LANG_EN : LANG_AR);
			ui_status_lang_changed();
			ui_repaint();
			return ev_of(ACT_REDRAW);
		case ACT_BIDI:
			text_set_mode(text_mode() == BIDI_APP ? BIDI_TERMINAL : BIDI_APP);
			ui_term_send_mode();
			clearok(curscr, TRUE);
			ui_repaint();
			return ev_of(ACT_REDRAW);
		case ACT_REDRAW:
			clearok(curscr, TRUE);
			ui_repaint();
			return ev;
		case ACT_HELP:
			if (ui_st.cur == NULL || ui_st.cur->help == NULL)
				return ev;
			if (ui_st.in_help)
				continue;
			ui_st.in_help = true;
			ui_catch_up();
			ev.a = ui_message(ui_tr("Help"), ui_tr(ui_st.cur->help), false);
			ui_st.in_help = false;
			if (ev.a == ACT_HANGUP || ev.a == ACT_IDLE)
				return ev_of(ev.a);
			ui_repaint();
			return ev_of(ACT_REDRAW);
		default:
			return ev;
		}
	}
}

/* Contract: see ui.h. */
void
ui_set_bidi(bidi_mode m)
{
	if (text_mode() == m)
		return;
	text_set_mode(m);
	if (!ui_st.active)
		return;
	ui_term_send_mode();
	clearok(curscr, TRUE);
	ui_st.repaint_due = true;
}

/* Contract (ui_int.h). */
void
ui_catch_up(void)
{
	if (ui_st.active && ui_st.repaint_due)
		ui_repaint();
}

/* Invariant 4: true when another key is already waiting (it is kept for
 * ui_read) and the batch has room for it; false ends the batch, and the
 * caller paints. Never waits. */
static bool
input_waiting(void)
{
	long long now = ui_now_ms();
	wint_t ch = 0;
	int rc;

	if (ui_st.ahead)
		return true;
	if (ui_st.batch_keys++ == 0)
		ui_st.batch_ms = now;
	if (ui_st.batch_keys >= BATCH_KEYS || now - ui_st.batch_ms >= BATCH_MS)
		return false;
	if (ui_st.ahead_win == NULL)
		return false;
	rc = wget_wch(ui_st.ahead_win, &ch);
	if (rc == ERR)
		return false;
	ui_st.ahead = true;
	ui_st.ahead_rc = rc;
	ui_st.ahead_ch = ch;
	return true;
}

/* The single result bit ui_run returns, by priority. */
static int
exit_bit(int r)
{
	if (r & UI_HANGUP)
		return UI_HANGUP;
	if (r & UI_HOME)
		return UI_HOME;
	if (r & UI_BACK)
		return UI_BACK;
	if (r & UI_DONE)
		return UI_DONE;
	return 0;
}

/* Contract: see ui.h. */
void
ui_set_watch(bool (*fn)(void *ctx), void *ctx)
{
	ui_st.watch = fn;
	ui_st.watch_ctx = ctx;
	ui_st.watch_depth = ui_st.depth;
	ui_st.unwinding = false;
}

unsigned
ui_idle_count(void)
{
	return ui_st.idle_count;
}

/* Ask the watch (never from inside itself); true when it fired. */
static bool
watch_fired(void)
{
	if (ui_st.unwinding)
		return true;
	if (ui_st.watch == NULL || ui_st.in_watch || ui_st.depth <= ui_st.watch_depth)
		return false;
	ui_st.in_watch = true;
	ui_st.unwinding = ui_st.watch(ui_st.watch_ctx);
	ui_st.in_watch = false;
	return ui_st.unwinding;
}

/* Contract: see ui.h. */
bool
ui_drafts_open(void)
{
	for (const struct ui_screen *s = ui_st.cur; s != NULL; s = s->up)
		if (s->has_draft)
			return true;
	return false;
}

/* Contract: see ui.h. */
int
ui_run(struct ui_screen *s)
{
	struct ui_screen *prev = ui_st.cur;
	int result = 0;

	if (!ui_st.active)
		return UI_HANGUP;
	s->up = prev;
	ui_st.cur = s;
	ui_st.depth++;
	free(ui_st.status);
	ui_st.status = NULL;
	ui_st.status_id = NULL;
	ui_st.last_key_ms = ui_now_ms();
	ui_repaint();
	for (;;) {
		struct ui_event ev = ui_read(1000);
		int r = 0;

		if (ev.a == ACT_HANGUP || ui_hungup()) {
			result = UI_HANGUP;
			break;
		}
		if (ev.a == ACT_IDLE || ui_st.idle_fired || ui_st.unwinding) {
			result = UI_HOME;
			break;
		}
		if (s->key != NULL)
			r = s->key(s, ev);
		if (ui_hungup())
			r |= UI_HANGUP;
		if (ui_st.idle_fired || watch_fired())
			r |= UI_HOME;
		if ((result = exit_bit(r)) != 0)
			break;
		if (ev.a != ACT_TICK || r != 0)
			ui_st.repaint_due = true;
		if (ui_st.repaint_due && !input_waiting())
			ui_repaint();
	}
	if (result == UI_HOME && (ui_st.idle_fired || ui_st.unwinding) && s->wipe != NULL)
		s->wipe(s);
	if (result == UI_HOME || result == UI_HANGUP) {
		text_cache_clear();     /* invariant 5: the visitor's texts go too */
		ui_tr_forget();
	}
	ui_st.cur = prev;
	s->up = NULL;
	if (--ui_st.depth == 0)
		ui_st.idle_fired = false;
	if (ui_st.depth <= ui_st.watch_depth)
		ui_st.unwinding = false;
	return result;
}
