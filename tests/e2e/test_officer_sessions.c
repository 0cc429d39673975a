/*
 * test_officer_sessions — sessions that end and logins that tell nothing
 * (issue 10 findings 4 and 5, issue 15 #15), with real processes:
 *  - an officer's open console, disabled from the CLI while a note is typed:
 *    the note is refused, nothing is written, the console says "Your access
 *    was ended" and is back at the login, which refuses the password until
 *    `officer enable`; an Arabic console ends by itself (no key) the same way,
 *    and so does a console whose account's role was changed;
 *  - the console's idle log-out: a countdown, then the login again;
 *  - an empty password is not a try;
 *  - the kiosk's F9 is off by default; when on, unknown, disabled, locked and
 *    wrong all look alike, the account's counter never moves, the kiosk
 *    pauses itself after lock_tries, and syslog (KHIDMA_LOG_FILE) gets an
 *    existing login but never a name that is not an account.
 */
#include "e2e/test_officer_fixture.h"

#include <sqlite3.h>
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

static int64_t events_of(struct ofx *f, int64_t id)
{
	store *s = ofx_open(f);
	struct request_event *ev = NULL;
	int n = 0;

	assert_int_equal(store_request_events(s, id, &ev, &n), ST_OK);
	request_events_free(ev, n);
	store_close(s);
	return n;
}

static struct officer officer_of(struct ofx *f, const char *login)
{
	store *s = ofx_open(f);
	struct officer o = { 0 };

	assert_int_equal(store_officer_get(s, login, &o), ST_OK);
	store_close(s);
	return o;
}

static void cli(struct ofx *f, const char *verb, const char *login)
{
	ofx_sh("'%s' --db '%s' --config '%s' officer %s %s >/dev/null",
	       ofx_bin(), f->db, f->conf, verb, login);
}

/* Disabled from the CLI while the console is open with a note typed. */
static void disabled_console_ends(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int64_t id = ofx_submit(f, "Fatima Alharbi", 21, true, ref);
	ht *h = ofx_session(f, "ali", "en", NULL, 24, 80);

	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, ref, T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Request ", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Add an internal note"));
	HT_ASSERT_TEXT(h, "member never sees it", T);
	ht_keys(h, "Written after the account was disabled");
	HT_ASSERT_TEXT(h, "account was disabled", T);
	assert_int_equal(events_of(f, id), 1);     /* "submitted" */
	cli(f, "disable", "ali");
	ht_key(h, HT_KEY_F(5));                     /* save the note */
	HT_ASSERT_TEXT(h, "Your access was ended (account disabled or role "
	               "changed); nothing was saved.", T);   /* whole, at 80 columns */
	/* back at the login screen of the same account */
	HT_ASSERT_TEXT(h, "Account: ali", T);
	HT_ASSERT_TEXT(h, "Password", T);
	HT_ASSERT_GONE(h, "Fatima", T);
	assert_int_equal(events_of(f, id), 1);     /* nothing was written */
	/* the right password is refused while disabled … */
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Login failed.", T);
	assert_false(ht_wait_text(h, "Requests", 500));
	/* … and works again after `officer enable` */
	cli(f, "enable", "ali");
	ofx_login(h, PW);
	ht_end(h);
}

/* No key at all: the console notices within seconds (Arabic console). */
static void disabled_console_ends_without_a_key(void **state)
{
	struct ofx *f = *state;
	ht *h = ofx_session(f, "sara", "ar", "terminal", 24, 80);

	HT_ASSERT_TEXT(h, "كلمة المرور", T);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "الطلبات", T);
	cli(f, "disable", "sara");
	HT_ASSERT_TEXT(h, "انتهت صلاحية دخولك", T);
	HT_ASSERT_TEXT(h, "دخول الموظف", T);
	HT_ASSERT_GONE(h, "الطلبات المفتوحة", T);
	ht_end(h);
}

/* A box waiting for an answer (F10's "Log out?" over a typed note) does
 * not hold the console open either. */
static void modal_box_does_not_hold(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int64_t id = ofx_submit(f, "Huda Alqahtani", 22, true, ref);
	ht *h = ofx_session(f, "ali", "en", NULL, 24, 80);

	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, ref, T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Request ", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT(h, ofx_choose(h, "Add an internal note"));
	HT_ASSERT_TEXT(h, "member never sees it", T);
	ht_keys(h, "half a note");
	ht_key(h, HT_KEY_F10);
	HT_ASSERT_TEXT(h, "Log out?", T);
	cli(f, "disable", "ali");
	HT_ASSERT_TEXT(h, "Your access was ended", T);
	HT_ASSERT_TEXT(h, "Account: ali", T);
	HT_ASSERT_GONE(h, "half a note", T);
	assert_int_equal(events_of(f, id), 1);
	ht_end(h);
}

/* A role change (there is no CLI verb for it: another admin tool, or SQL)
 * ends the session as well: the role checked at login is gone. */
static void role_change_ends_session(void **state)
{
	struct ofx *f = *state;
	ht *h = ofx_session(f, "omar", "en", NULL, 24, 80);
	store *s;

	ofx_login(h, PW);
	s = ofx_open(f);
	assert_int_equal(sqlite3_exec(store_db(s), "UPDATE officers SET role = "
	                 "'officer' WHERE login = 'omar'", NULL, NULL, NULL), 0);
	store_close(s);
	HT_ASSERT_TEXT(h, "Your access was ended", T);
	HT_ASSERT_TEXT(h, "Account: omar", T);
	/* logging in again gives the new role */
	ofx_login(h, PW);
	ht_end(h);
}

/* officer_idle_timeout: a countdown, then the login with the reason. */
static void idle_logout(void **state)
{
	struct ofx *f = *state;
	ht *h;
	int st = -1;

	assert_true(ht_write_file(f->base, "khidma.conf",
	            "officer_idle_timeout = 3;\nofficer_idle_warning = 2;\n"));
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "No key was pressed for a while", T);
	HT_ASSERT_TEXT(h, "You were logged out: the console was not used for a "
	               "while. Log in again.", T);
	HT_ASSERT_TEXT(h, "Account: ali", T);
	HT_ASSERT_GONE(h, "Requests", T);
	/* the login screen times out too: the program ends */
	HT_ASSERT(h, ht_wait_exit(h, T, &st));
	ht_end(h);
}

/* An empty password is not a try: the counter does not move. */
static void empty_password_is_not_a_try(void **state)
{
	struct ofx *f = *state;
	ht *h = ofx_session(f, "ali", "en", NULL, 24, 80);
	struct officer o;

	HT_ASSERT_TEXT(h, "Password", T);
	for (int i = 0; i < 7; i++)
		ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Type your password", T);
	ht_keys(h, "wrong-password-1");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Login failed.", T);
	o = officer_of(f, "ali");
	assert_int_equal(o.failed, 1);               /* only the real try */
	assert_int_equal(o.locked_until, 0);
	officer_free(&o);
	ofx_login(h, PW);
	ht_end(h);
}

static ht *kiosk(struct ofx *f, const char *conf, const char *log)
{
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf, NULL };
	char env[600];
	const char *envv[] = { env, NULL };
	ht *k = ht_new(24, 80);

	assert_true(ht_write_file(f->base, "khidma.conf", conf));
	snprintf(env, sizeof env, "KHIDMA_LOG_FILE=%s", log ? log : "");
	assert_true(ht_spawn(k, argv, envv));
	HT_ASSERT_TEXT(k, "Welcome", T);
	return k;
}

static void kiosk_f9_is_off_by_default(void **state)
{
	struct ofx *f = *state;
	ht *k = kiosk(f, "", NULL);

	ht_key(k, HT_KEY_F(9));
	assert_false(ht_wait_text(k, "دخول الموظف", 1000));
	ht_key(k, HT_KEY_F(2));
	assert_false(ht_wait_text(k, "Officer login", 500));
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_end(k);
}

/* Type a login and a password at the kiosk's officer login (after a
 * failure the focus is on the password and the login name stays). */
static void kiosk_try(ht *k, bool first, const char *login, const char *pw)
{
	if (!first) {
		ht_key(k, HT_KEY_TAB);              /* back to the login field */
		for (int i = 0; i < 40; i++)
			ht_key(k, HT_KEY_BACKSPACE);
	}
	ht_keys(k, login);
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, pw);
	ht_key(k, HT_KEY_ENTER);
}

/* The log file's text (at most 64 KiB) in a static buffer: nothing to free,
 * so a failed assertion between the read and the check leaks nothing (it
 * used to show as a 64 KiB ASan leak on top of the real failure). */
static const char *slurp(const char *path)
{
	static char buf[1 << 16];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp) {
		n = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

static int count_in(const char *text, const char *what)
{
	int k = 0;

	for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
		k++;
	return k;
}

/* Wait until the log holds n lines with what (each failure writes one, so
 * the screen's same "Login failed." cannot tell one attempt from the next).
 * A deadline in time (T, scaled by HT_TIMEOUT_SCALE), not a number of
 * polls: ht_pump returns early whenever the child writes, so a count of
 * 50 ms polls could run out long before T under load. */
static bool wait_log(ht *h, const char *path, const char *what, int n)
{
	uint64_t end = ht_elapsed_ns(h) + (uint64_t)ht_timeout(T) * 1000000u;

	for (;;) {
		if (count_in(slurp(path), what) >= n)
			return true;
		if (ht_elapsed_ns(h) > end)
			return false;
		ht_pump(h, 50);
	}
}

/* The login screen after a failed try has been redrawn: "Login failed."
 * (possibly still there from the try before), the login typed, and the
 * password field empty again (the failed try wipes it; before that redraw
 * it shows the masked characters of the try). */
struct after_fail { const char *login; };

static bool fail_redrawn(ht *h, void *arg)
{
	const struct after_fail *a = arg;
	const char *scr = ht_screen(h);
	int lr = -1, pr = -1;

	if (strstr(scr, "Login failed.") == NULL)
		return false;
	for (int r = 0; r < ht_rows(h); r++) {
		const char *row = ht_screen_text(h, r);
		if (strstr(row, "Login name") != NULL && lr < 0)
			lr = r;
		else if (strstr(row, "Password") != NULL && pr < 0)
			pr = r;
	}
	if (lr < 0 || pr < 0 || strstr(ht_screen_text(h, lr), a->login) == NULL)
		return false;
	/* nothing but the label, the field's edges and blanks on its row */
	const char *row = ht_screen_text(h, pr);
	const char *after = strstr(row, "Password") + strlen("Password");
	for (const char *p = after; *p; p++)
		if (*p != ' ' && (unsigned char)*p < 0x80)
			return false;
	return strstr(after, "\u2022") == NULL && strstr(after, "*") == NULL;
}

/* Unknown, disabled, locked, wrong: the same screen, no counter moves. */
static void kiosk_failures_look_alike(void **state)
{
	struct ofx *f = *state;
	static const char *const who[][2] = {
		{ "nosuchuser", PW }, { "sara", PW }, { "omar", PW },
		{ "ali", "not-the-password" },
		{ "Hunter-Secret-99", "x" },         /* a password in the login field */
	};
	char log[600], rows[5][24][512];
	ht *k;
	store *s;
	const char *text;

	snprintf(log, sizeof log, "%s", ht_path(f->base, "khidma.log"));
	cli(f, "disable", "sara");
	s = ofx_open(f);
	assert_int_equal(store_officer_login_result(s, "omar", false, 1, 60, NULL), ST_OK);
	store_close(s);
	k = kiosk(f, "kiosk_officer_login = true;\nlock_tries = 10;\n", log);
	ht_key(k, HT_KEY_F(9));
	HT_ASSERT_TEXT(k, "F3", T);
	ht_key(k, HT_KEY_F(2));
	HT_ASSERT_TEXT(k, "Officer login", T);
	for (int i = 0; i < 5; i++) {
		struct after_fail af = { who[i][0] };

		kiosk_try(k, i == 0, who[i][0], who[i][1]);
		HT_ASSERT(k, wait_log(k, log, "officer login failed", i + 1));
		/* the rows below are compared: wait for the redraw after this
		 * try, not a stale "Login failed." of the one before */
		HT_ASSERT(k, ht_wait_until(k, fail_redrawn, &af, T));
		for (int r = 0; r < 24; r++)
			snprintf(rows[i][r], sizeof rows[i][r], "%s", ht_screen_text(k, r));
		assert_null(strstr(ht_screen(k), "locked"));
		assert_null(strstr(ht_screen(k), "disabled"));
	}
	/* the same screen, row for row, apart from the typed login */
	for (int i = 1; i < 5; i++)
		for (int r = 0; r < 24; r++)
			if (strstr(rows[0][r], "nosuchuser") == NULL)
				assert_string_equal(rows[0][r], rows[i][r]);
	/* the kiosk never counts against the account, nor locks it */
	struct officer o = officer_of(f, "ali");
	assert_int_equal(o.failed, 0);
	assert_int_equal(o.locked_until, 0);
	officer_free(&o);
	/* syslog: the existing logins with their reasons; never a typed name
	 * that is not an account */
	text = slurp(log);
	assert_non_null(strstr(text, "\"sara\": account disabled"));
	assert_non_null(strstr(text, "\"omar\": account locked until"));
	assert_non_null(strstr(text, "\"ali\": wrong password (kiosk; not counted)"));
	assert_non_null(strstr(text, "no such account (the name typed is not logged)"));
	assert_null(strstr(text, "nosuchuser"));
	assert_null(strstr(text, "Hunter-Secret-99"));
	ht_end(k);
}

/* lock_tries failures pause this kiosk's officer logins — even the right
 * password — while the account still works over SSH. */
static void kiosk_throttles_itself(void **state)
{
	struct ofx *f = *state;
	char log[600];
	ht *k, *h;
	const char *text;

	snprintf(log, sizeof log, "%s", ht_path(f->base, "khidma.log"));
	k = kiosk(f, "kiosk_officer_login = true;\nlock_tries = 3;\n", log);
	ht_key(k, HT_KEY_F(9));
	HT_ASSERT_TEXT(k, "F3", T);
	ht_key(k, HT_KEY_F(2));
	HT_ASSERT_TEXT(k, "Officer login", T);
	for (int i = 0; i < 3; i++) {
		kiosk_try(k, i == 0, "ali", "not-the-password");
		HT_ASSERT(k, wait_log(k, log, "officer login failed", i + 1));
		HT_ASSERT_TEXT(k, "Login failed.", T);
	}
	kiosk_try(k, false, "ali", PW);
	HT_ASSERT_TEXT(k, "Too many failed logins at this kiosk", T);
	assert_false(ht_wait_text(k, "Requests", 500));
	struct officer o = officer_of(f, "ali");
	assert_int_equal(o.failed, 0);
	assert_int_equal(o.locked_until, 0);
	officer_free(&o);
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_end(h);
	text = slurp(log);
	assert_non_null(strstr(text, "officer logins paused for 15 minutes at this kiosk"));
	ht_end(k);
}

/* From the kiosk (F9) an ended session says so, then the welcome. */
static void kiosk_console_ends_too(void **state)
{
	struct ofx *f = *state;
	ht *k = kiosk(f, "kiosk_officer_login = true;\n", NULL);

	ht_key(k, HT_KEY_F(9));
	HT_ASSERT_TEXT(k, "F3", T);
	ht_key(k, HT_KEY_F(2));
	HT_ASSERT_TEXT(k, "Officer login", T);
	kiosk_try(k, true, "ali", PW);
	HT_ASSERT_TEXT(k, "Requests", T);
	cli(f, "disable", "ali");
	HT_ASSERT_TEXT(k, "Your access was ended", T);
	HT_ASSERT_GONE(k, "Requests", T);
	ht_key(k, HT_KEY_ENTER);
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_end(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(disabled_console_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(disabled_console_ends_without_a_key, setup, teardown),
		cmocka_unit_test_setup_teardown(modal_box_does_not_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(role_change_ends_session, setup, teardown),
		cmocka_unit_test_setup_teardown(idle_logout, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_password_is_not_a_try, setup, teardown),
		cmocka_unit_test_setup_teardown(kiosk_f9_is_off_by_default, setup, teardown),
		cmocka_unit_test_setup_teardown(kiosk_failures_look_alike, setup, teardown),
		cmocka_unit_test_setup_teardown(kiosk_throttles_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(kiosk_console_ends_too, setup, teardown),
	};
	return cmocka_run_group_tests_name("officer_sessions", tests, NULL, NULL);
}
