/*
 * test_officer_security — the console's login and its hostile inputs, end
 * to end: five wrong passwords lock the account for 15 minutes (and the
 * right password is then refused too); an unknown and a disabled account
 * get the very same "Login failed."; a stored name carrying ESC [ 2 J, an
 * OSC title sequence and U+202E is shown inert in the queue and in the
 * request screen; the Reports screen shows the counts.
 */
#include "e2e/test_officer_fixture.h"

#include <sys/wait.h>
#include <time.h>

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

struct failed_arg { struct ofx *f; const char *login; int want; };

static bool failed_reached(ht *h, void *p)
{
	struct failed_arg *a = p;
	store *s = ofx_open(a->f);
	struct officer o = { 0 };
	bool ok;

	(void)h;
	ok = store_officer_get(s, a->login, &o) == ST_OK && o.failed >= a->want;
	officer_free(&o);
	store_close(s);
	return ok;
}

static void five_wrong_passwords_lock(void **state)
{
	struct ofx *f = *state;
	char env[600], cmd[2048], list[4096];
	ht *h;
	struct officer o = { 0 };
	FILE *p;
	size_t n;

	snprintf(env, sizeof env, "KHIDMA_LOG_FILE=%s", ht_path(f->base, "khidma.log"));
	h = ofx_session_env(f, "ali", "en", NULL, 24, 80, env);

	HT_ASSERT_TEXT(h, "Account: ali", T);
	for (int i = 1; i <= 5; i++) {
		struct failed_arg a = { f, "ali", i };
		ht_keys(h, "wrong-password-123");
		ht_key(h, HT_KEY_ENTER);
		HT_ASSERT(h, ht_wait_until(h, failed_reached, &a, T));
		HT_ASSERT_TEXT(h, "Login failed.", T);
	}
	/* the lock is the administrator's to know, not the typist's
	 * (issue 10 finding 5): the same words as any failure */
	assert_null(strstr(ht_screen(h), "locked"));
	/* the right password does not get in while locked */
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	assert_false(ht_wait_text(h, "Requests", 1500));
	HT_ASSERT_TEXT(h, "Login failed.", T);
	assert_null(strstr(ht_screen(h), "locked"));
	store *s = ofx_open(f);
	assert_int_equal(store_officer_get(s, "ali", &o), ST_OK);
	assert_true(o.locked_until >= khidma_now() + 14 * 60);
	assert_true(o.locked_until <= khidma_now() + 15 * 60 + 5);
	officer_free(&o);
	store_close(s);
	ht_end(h);
	/* … told to the administrator: syslog, and `officer list` */
	p = fopen(ht_path(f->base, "khidma.log"), "r");
	assert_non_null(p);
	n = fread(list, 1, sizeof list - 1, p);
	list[n] = '\0';
	fclose(p);
	assert_non_null(strstr(list, "officer account locked: login \"ali\""));
	assert_non_null(strstr(list, "officer login failed: login \"ali\": account locked until"));
	snprintf(cmd, sizeof cmd, "'%s' --db '%s' --config '%s' officer list", ofx_bin(),
	         f->db, f->conf);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(list, 1, sizeof list - 1, p);
	list[n] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(list, "LOCKED-UNTIL"));
	assert_non_null(strstr(strstr(list, "\nali "), " 20"));   /* a date on ali's row */

	/* an admin unlocks; the right password works again */
	ofx_sh("'%s' --db '%s' --config '%s' officer unlock ali >/dev/null", ofx_bin(), f->db, f->conf);
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	int st = -1;
	ht_key(h, HT_KEY_F10);
	HT_ASSERT(h, ht_wait_exit(h, T, &st));
	HT_ASSERT(h, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ht_end(h);
}

static void unknown_and_disabled_look_alike(void **state)
{
	struct ofx *f = *state;
	ht *u = ofx_session(f, "nosuchuser", "en", NULL, 24, 80);
	ht *d;

	ofx_sh("'%s' --db '%s' --config '%s' officer disable sara >/dev/null", ofx_bin(), f->db, f->conf);
	d = ofx_session(f, "sara", "en", NULL, 24, 80);
	HT_ASSERT_TEXT(u, "Password", T);
	HT_ASSERT_TEXT(d, "Password", T);
	ht_keys(u, PW);
	ht_key(u, HT_KEY_ENTER);
	ht_keys(d, PW);                             /* the right password */
	ht_key(d, HT_KEY_ENTER);
	HT_ASSERT_TEXT(u, "Login failed.", T);
	HT_ASSERT_TEXT(d, "Login failed.", T);
	assert_false(ht_wait_text(d, "Requests", 300));
	/* the same screen, row for row, apart from the account line */
	for (int row = 0; row < 24; row++) {
		char a[512];
		snprintf(a, sizeof a, "%s", ht_screen_text(u, row));
		if (strstr(a, "Account:"))
			continue;
		assert_string_equal(a, ht_screen_text(d, row));
	}
	ht_end(u);
	ht_end(d);
}

#define HOSTILE "Evil\x1b[2J\x1b]0;pwned\x07\xe2\x80\xaeName"

/* No cell holds a C0/C1 control, DEL or a bidi control. */
static void assert_cells_clean(ht *h)
{
	VTermScreenCell c;

	for (int r = 0; r < ht_rows(h); r++)
		for (int col = 0; col < ht_cols(h); col++) {
			assert_true(ht_cell(h, r, col, &c));
			for (int k = 0; k < VTERM_MAX_CHARS_PER_CELL && c.chars[k]; k++) {
				uint32_t ch = c.chars[k];
				assert_false(ch < 0x20 || (ch >= 0x7f && ch < 0xa0));
				assert_false((ch >= 0x202a && ch <= 0x202e) || (ch >= 0x2066 && ch <= 0x2069));
			}
		}
}

static void hostile_name_is_inert(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	ht *h;
	int row;

	ofx_submit(f, HOSTILE, 21, false, ref);
	h = ofx_session(f, "ali", "en", NULL, 24, 120);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, ref, T);
	/* ESC became U+FFFD and the rest of each sequence is plain text: the
	 * terminal never saw a CSI or an OSC (the screen was not cleared, the
	 * title not set — "]0;pwned" would not be visible otherwise) */
	HT_ASSERT_TEXT(h, "Evil\xef\xbf\xbd[2J\xef\xbf\xbd]0;pwned", T);
	row = ofx_row_of(h, "Evil");
	assert_true(row > 0);
	HT_ASSERT_ROW(h, 0, "Requests — Ali Officer", T);
	assert_null(strstr(ht_screen(h), "emaN"));   /* U+202E reversed nothing */
	assert_cells_clean(h);

	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Full name: Evil\xef\xbf\xbd[2J\xef\xbf\xbd]0;pwned", T);
	HT_ASSERT_TEXT(h, "Name", T);
	assert_null(strstr(ht_screen(h), "emaN"));
	HT_ASSERT_ROW(h, 0, "Request ", T);
	assert_cells_clean(h);
	ht_key(h, HT_KEY_TAB);                      /* the register check view */
	HT_ASSERT_TEXT(h, "In the register", T);
	HT_ASSERT_TEXT(h, "Evil\xef\xbf\xbd[2J", T);
	assert_cells_clean(h);
	ht_end(h);
}

/* The number at the end of the row holding label (waiting for the row). */
static long bar_value(ht *h, const char *label)
{
	int row = -1;
	const char *t, *e;

	if (!ht_wait_text(h, label, T))
		return -1;
	(void)ht_wait_quiet(h, 300);                /* the whole chart is drawn */
	row = ofx_row_of(h, label);
	if (row < 0)
		return -1;
	t = ht_screen_text(h, row);
	e = t + strlen(t);
	while (e > t && isdigit((unsigned char)e[-1]))
		e--;
	return strtol(e, NULL, 10);
}

static void reports_show_the_counts(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int64_t id;
	ht *h;

	ofx_submit(f, "Salem One", 31, false, ref);
	ofx_submit(f, "Salem Two", 32, false, ref);
	id = ofx_submit(f, "Salem Three", 33, false, ref);
	store *s = ofx_open(f);
	assert_int_equal(store_request_transition(s, id, 1, RS_RECEIVED, RS_WITHDRAWN, "ali", "by phone"),
	                 ST_OK);
	store_close(s);

	/* 40 days later: the two open ones are overdue */
	h = ofx_session_env(f, "admin1", "en", NULL, 30, 100, "KHIDMA_FAKE_NOW=+40");
	ofx_login(h, PW);
	ht_keys(h, "r");
	HT_ASSERT_TEXT(h, "Requests in the period: 3", T);
	HT_ASSERT_TEXT(h, "By status", T);
	assert_int_equal(bar_value(h, "Received"), 2);
	assert_int_equal(bar_value(h, "Withdrawn"), 1);
	assert_int_equal(bar_value(h, "Accepted"), 0);
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "Overdue (open for more than 30 days): 2", T);
	assert_null(strstr(ht_screen(h), "Salem"));   /* references only */
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "From receipt to the decision", T);
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "No answers in this period.", T);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Requests —", T);
	int st = -1;
	ht_key(h, HT_KEY_F10);
	HT_ASSERT(h, ht_wait_exit(h, T, &st));
	HT_ASSERT(h, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(five_wrong_passwords_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_and_disabled_look_alike, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_name_is_inert, setup, teardown),
		cmocka_unit_test_setup_teardown(reports_show_the_counts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
