/*
 * test_officer_signals — keys and signals that must not end a session, and
 * the terminal left as it was found when one does end it (issue 10
 * "Sessions that end", issue 15 #10):
 *
 *  - Ctrl-C, Ctrl-\ and Ctrl-Z in the officer console (and SIGINT, SIGQUIT
 *    sent with kill) are ignored, like at the kiosk: a half-typed note
 *    survives them and is saved afterwards (before: Ctrl-C ended the
 *    console, Ctrl-\ dumped core with exit 131);
 *  - every signal that ends the console or the kiosk (SIGTERM, SIGABRT,
 *    SIGUSR1, SIGALRM, SIGXCPU…) first restores the terminal: the last
 *    bytes written leave the alternate screen (rmcup, `CSI ? 1049 l`) and
 *    give the terminal back its bidi mode (`CSI 8 h`); the exit status still
 *    names the signal (before: SIGUSR1, SIGALRM, SIGXCPU left the alternate
 *    screen and `CSI 8 l` behind);
 *  - F10 is the way out: with nothing typed it logs out at once; with a
 *    note, an intake form or register-check marks typed it asks first, and
 *    "No" keeps them (before: F10 dropped them without a word);
 *  - every question that would discard typed work (F10's "Log out?", Esc's
 *    "Leave the form?" and "Leave this request?", "Discard what you
 *    typed?") has "No" selected first, so a tired Enter keeps the work
 *    (before: Esc then Enter on the intake form or the register check
 *    discarded it).
 */
#include "e2e/test_officer_fixture.h"

#include <signal.h>
#include <sys/wait.h>

static int setup(void **state)
{
	struct ofx *f = calloc(1, sizeof *f);

	ofx_setup(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	ofx_teardown(*state);
	free(*state);
	return 0;
}

static bool has_bytes(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

/* The bytes since ht_tail_mark end the alternate screen and restore the
 * terminal's implicit bidi mode. */
static void assert_restored(ht *h)
{
	size_t n = 0;
	const char *t;

	ht_pump(h, 300);        /* what the child wrote before it was reaped */
	t = ht_tail(h, &n);

	if (!has_bytes(t, n, "\033[?1049l") || !has_bytes(t, n, "\033[8h")) {
		print_message("tail (%zu bytes):", n);
		for (size_t i = 0; i < n && i < 400; i++)
			print_message(t[i] >= 32 && t[i] < 127 ? "%c" : "\\x%02x", (unsigned char)t[i]);
		print_message("\n");
	}

	HT_ASSERT(h, has_bytes(t, n, "\033[?1049l"));   /* rmcup (xterm-256color) */
	HT_ASSERT(h, has_bytes(t, n, "\033[8h"));       /* BDSM: implicit again */
}

/* Log in, open the first request, open "Add an internal note". */
static void open_note(ht *h)
{
	ofx_login(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Request ", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Add an internal note"));
	HT_ASSERT_TEXT(h, "the member never sees it", T);
}

static void ctrl_keys_do_not_end_the_console(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int st = -1;
	ht *h;

	ofx_submit(f, "Huda Alqahtani", 31, true, ref);
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	open_note(h);
	ht_keys(h, "Called the member at ten");
	HT_ASSERT_TEXT(h, "Called the member at ten", T);
	ht_ctrl(h, '\\');                          /* Ctrl-\ (SIGQUIT): exit 131 before */
	ht_wait_quiet(h, 200);
	HT_ASSERT(h, !ht_exited(h, NULL));
	ht_ctrl(h, 'C');
	ht_ctrl(h, 'Z');
	ht_signal(h, SIGINT);
	ht_signal(h, SIGQUIT);
	ht_signal(h, SIGTSTP);
	ht_wait_quiet(h, 300);
	HT_ASSERT(h, !ht_exited(h, NULL));
	HT_ASSERT_TEXT(h, "Called the member at ten", T);
	ht_keys(h, ".");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Note added.", T);
	HT_ASSERT_TEXT(h, "Called the member at ten.", T);

	/* F10 with nothing typed: out at once, exit 0, terminal restored */
	ht_tail_mark(h);
	ht_key(h, HT_KEY_F10);
	HT_ASSERT(h, ht_wait_exit(h, T, &st));
	HT_ASSERT(h, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_restored(h);
	ht_end(h);
}

static void f10_asks_when_a_note_is_typed(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int st = -1;
	ht *h;

	ofx_submit(f, "Nora Alotaibi", 32, true, ref);
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	open_note(h);
	ht_keys(h, "Waiting for the lease");
	HT_ASSERT_TEXT(h, "Waiting for the lease", T);
	ht_key(h, HT_KEY_F10);
	HT_ASSERT_TEXT(h, "Log out?", T);
	HT_ASSERT_TEXT(h, "What you typed will be lost", T);
	ht_keys(h, "2");                            /* No */
	HT_ASSERT_GONE(h, "Log out?", T);
	HT_ASSERT_TEXT(h, "Waiting for the lease", T);
	HT_ASSERT(h, !ht_exited(h, NULL));
	ht_key(h, HT_KEY_F10);
	HT_ASSERT_TEXT(h, "Log out?", T);
	ht_tail_mark(h);
	ht_keys(h, "1");                            /* Yes */
	HT_ASSERT(h, ht_wait_exit(h, T, &st));
	HT_ASSERT(h, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_restored(h);
	ht_end(h);
}

/* F10 on the intake form with a name typed, and on the request screen
 * with unsaved register-check marks, asks too (before: out at once). */
static void f10_asks_on_a_form_and_a_register_check(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int st = -1;
	ht *h;

	ofx_submit(f, "Asma Aldossari", 33, true, ref);
	h = ofx_session(f, "ali", "en", NULL, 30, 100);
	ofx_login(h, PW);
	ht_keys(h, "n");
	HT_ASSERT_TEXT(h, "New request on someone's behalf", T);
	ht_keys(h, "2");
	ht_key(h, HT_KEY_TAB);
	ht_keys(h, "Badriya Alenezi");
	HT_ASSERT_TEXT(h, "Badriya Alenezi", T);
	ht_key(h, HT_KEY_F10);
	HT_ASSERT_TEXT(h, "Log out?", T);
	ht_key(h, HT_KEY_ENTER);                    /* No is selected first */
	HT_ASSERT_GONE(h, "Log out?", T);
	HT_ASSERT_TEXT(h, "Badriya Alenezi", T);
	ht_key(h, HT_KEY_ESC);                      /* leave the form: asks too */
	HT_ASSERT_TEXT(h, "Leave the form?", T);
	ht_key(h, HT_KEY_ENTER);                    /* No is selected first here too */
	HT_ASSERT_GONE(h, "Leave the form?", T);
	HT_ASSERT_TEXT(h, "Badriya Alenezi", T);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Leave the form?", T);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Asma", T);               /* the queue */

	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "— Received", T);
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "In the register", T);
	ht_key(h, HT_KEY_ENTER);                    /* one mark, not saved */
	HT_ASSERT_TEXT(h, "Not saved yet", T);
	ht_key(h, HT_KEY_ESC);                      /* leave the request: asks, No first */
	HT_ASSERT_TEXT(h, "Leave this request?", T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "Leave this request?", T);
	HT_ASSERT_TEXT(h, "Not saved yet", T);
	ht_key(h, HT_KEY_F10);
	HT_ASSERT_TEXT(h, "Log out?", T);
	ht_tail_mark(h);
	ht_keys(h, "1");                            /* Yes */
	HT_ASSERT(h, ht_wait_exit(h, T, &st));
	HT_ASSERT(h, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_restored(h);
	ht_end(h);
}

/* Start the kiosk on the fixture's database and wait for its welcome. */
static ht *kiosk(struct ofx *f)
{
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf, NULL };
	ht *h = ht_new(24, 80);

	assert_true(ht_spawn(h, argv, NULL));
	HT_ASSERT_TEXT(h, "English", T);
	ht_wait_quiet(h, 200);
	return h;
}

static void fatal_signals_restore_the_terminal(void **state)
{
	static const int sigs[] = { SIGTERM, SIGABRT, SIGUSR1, SIGALRM, SIGXCPU };
	struct ofx *f = *state;

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		for (int console = 0; console <= 1; console++) {
			ht *h;
			int st = -1;

			if (console) {
				h = ofx_session(f, "ali", "en", NULL, 24, 80);
				ofx_login(h, PW);
			} else {
				h = kiosk(f);
			}
			ht_tail_mark(h);
			HT_ASSERT(h, ht_signal(h, sigs[i]));
			HT_ASSERT(h, ht_wait_exit(h, T, &st));
			if (!(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i]))
				fail_msg("%s, signal %d: status 0x%x", console ? "console" : "kiosk",
				         sigs[i], st);
			assert_restored(h);
			ht_end(h);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ctrl_keys_do_not_end_the_console, setup, teardown),
		cmocka_unit_test_setup_teardown(f10_asks_when_a_note_is_typed, setup, teardown),
		cmocka_unit_test_setup_teardown(f10_asks_on_a_form_and_a_register_check, setup, teardown),
		cmocka_unit_test_setup_teardown(fatal_signals_restore_the_terminal, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
