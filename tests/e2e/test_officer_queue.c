/*
 * test_officer_queue — the queue end to end: keyset paging with PgDn/PgUp
 * and by moving past the last row; the cursor stays on the same request
 * when another process adds one (auto-refresh); search by name ignoring
 * harakat and unifying ة/ه, by reference and by mobile; the overdue filter;
 * the whole console in Arabic (--bidi=terminal: cells in logical order);
 * and the kiosk's F9 reaching the same login, back to the welcome after F10.
 * A load that fails (the requests table renamed away by another connection)
 * after V switched the view clears the rows and says why — the old view's
 * rows under the new header were shown before (queue.c invariant 7); a
 * refresh of the same list that fails keeps its rows.
 */
#include "e2e/test_officer_fixture.h"

#include <sqlite3.h>

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

/* The row of the table cursor (►), or -1. */
static int cursor_row(ht *h)
{
	return ofx_row_of(h, "\u25ba");
}

/* The cursor's row shows Person 37 (a deadline in time: a count of
 * ht_pump calls runs out early while the child is still writing). */
static bool cursor_on_37(ht *h, void *arg)
{
	int row = cursor_row(h);

	(void)arg;
	return row >= 0 && strstr(ht_screen_text(h, row), "Person 37") != NULL;
}

static void paging_and_cursor(void **state)
{
	struct ofx *f = *state;
	char ref[16], name[32];
	ht *h;
	int row;

	for (int i = 1; i <= 40; i++) {
		snprintf(name, sizeof name, "Person %02d", i);
		ofx_submit(f, name, 100 + i, false, ref);
	}
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	/* 24 rows: 16 a page, newest first */
	HT_ASSERT_TEXT(h, "Person 40", T);
	HT_ASSERT_TEXT(h, "Person 25", T);
	assert_false(ht_wait_text(h, "Person 24", 200));
	HT_ASSERT_TEXT(h, "page 1", T);
	ht_key(h, HT_KEY_PGDN);
	HT_ASSERT_TEXT(h, "page 2", T);
	HT_ASSERT_TEXT(h, "Person 24", T);
	HT_ASSERT_TEXT(h, "Person 09", T);
	assert_false(ht_wait_text(h, "Person 25", 200));
	ht_key(h, HT_KEY_PGDN);
	HT_ASSERT_TEXT(h, "page 3", T);
	HT_ASSERT_TEXT(h, "Person 01", T);
	ht_key(h, HT_KEY_PGDN);                     /* the last page stays */
	assert_false(ht_wait_text(h, "page 4", 300));
	ht_key(h, HT_KEY_PGUP);
	HT_ASSERT_TEXT(h, "page 2", T);
	HT_ASSERT_TEXT(h, "Person 24", T);
	ht_key(h, HT_KEY_PGUP);
	HT_ASSERT_TEXT(h, "page 1", T);
	/* moving down past the last row turns the page too */
	for (int i = 0; i < 16; i++)
		ht_key(h, HT_KEY_DOWN);
	HT_ASSERT_TEXT(h, "page 2", T);
	ht_key(h, HT_KEY_PGUP);
	HT_ASSERT_TEXT(h, "page 1", T);

	/* put the cursor on Person 37, then another process adds a request */
	for (int i = 0; i < 20; i++)
		ht_key(h, HT_KEY_UP);
	for (int i = 0; i < 3; i++)
		ht_key(h, HT_KEY_DOWN);
	HT_ASSERT(h, ht_wait_until(h, cursor_on_37, NULL, T));
	ofx_submit(f, "Person 41", 141, false, ref);
	HT_ASSERT_TEXT(h, "Person 41", T);          /* refreshed by itself */
	row = cursor_row(h);
	HT_ASSERT(h, row >= 0 && strstr(ht_screen_text(h, row), "Person 37") != NULL);
	ht_end(h);
}

static void search_and_filters(void **state)
{
	struct ofx *f = *state;
	char ref1[16], ref2[16], ref3[16];
	ht *h;

	ofx_submit(f, "فَاطِمة الزهراني", 201, false, ref1);
	ofx_submit(f, "Other Person", 202, false, ref2);
	ofx_submit(f, "Third Person", 203, false, ref3);
	h = ofx_session(f, "ali", "en", "terminal", 24, 100);  /* Arabic cells logical */
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "Other Person", T);
	/* harakat ignored, ة found as ه */
	ht_keys(h, "/");
	HT_ASSERT_TEXT(h, "Reference, name, national ID or mobile", T);
	ht_keys(h, "فاطمه");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "search: فاطمه", T);
	HT_ASSERT_TEXT(h, ref1, T);
	HT_ASSERT_GONE(h, "Other Person", T);
	/* by reference */
	ht_keys(h, "/");
	HT_ASSERT_TEXT(h, "Reference, name", T);
	for (int i = 0; i < 10; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	ht_keys(h, ref2);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Other Person", T);
	HT_ASSERT_GONE(h, ref1, T);
	/* by mobile (0551200203) */
	ht_keys(h, "/");
	HT_ASSERT_TEXT(h, "Reference, name", T);
	for (int i = 0; i < 20; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	ht_keys(h, "0551200203");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Third Person", T);
	HT_ASSERT_GONE(h, "Other Person", T);
	/* empty search: all again; then "overdue only" shows nothing today */
	ht_keys(h, "/");
	HT_ASSERT_TEXT(h, "Reference, name", T);
	for (int i = 0; i < 20; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Other Person", T);
	HT_ASSERT_TEXT(h, ref1, T);
	ht_keys(h, "f");
	HT_ASSERT_TEXT(h, "Filter the requests", T);
	HT_ASSERT(h, ofx_choose(h, "Overdue only: no"));
	HT_ASSERT_TEXT(h, "Overdue only: yes", T);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "No requests match", T);
	ht_end(h);

	/* 40 days on, the same filter shows all three, marked overdue */
	h = ofx_session_env(f, "ali", "en", NULL, 24, 100, "KHIDMA_FAKE_NOW=+40");
	ofx_login(h, PW);
	ht_keys(h, "f");
	HT_ASSERT(h, ofx_choose(h, "Overdue only: no"));
	HT_ASSERT_TEXT(h, "Overdue only: yes", T);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "[Overdue 3]", T);
	HT_ASSERT_TEXT(h, "Other Person", T);
	int row = ofx_row_of(h, "Other Person");
	HT_ASSERT(h, row > 0 && strstr(ht_screen_text(h, row), " ! ") != NULL);
	ht_end(h);
}

static void arabic_console(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	ht *h;

	ofx_submit(f, "سعاد القحطاني", 301, true, ref);
	h = ofx_session(f, "ali", "ar", "terminal", 24, 80);
	/* --bidi=terminal: cells hold the logical text, right-aligned */
	HT_ASSERT_TEXT(h, "دخول الموظف", T);
	HT_ASSERT_TEXT(h, "كلمة المرور", T);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "الطلبات", T);
	HT_ASSERT_TEXT(h, "سعاد القح", T);      /* cut to the column, with … */
	HT_ASSERT_TEXT(h, "مستلم", T);
	HT_ASSERT_TEXT(h, "الاستلام", T);        /* the date column's title */
	HT_ASSERT_TEXT(h, "[بانتظاري ١]", T);   /* the first view, counted
	                                           * (arabic_digits: eastern) */
	HT_ASSERT_TEXT(h, ofx_eastern(ref), T);
	/* the title sits at the right edge (RTL) */
	const char *t0 = ht_screen_text(h, 0);
	HT_ASSERT(h, strlen(t0) > 60 && t0[0] == ' ');
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "الرقم المرجعي: ", T);
	HT_ASSERT_TEXT(h, "تاريخ الاستلام: ", T);
	HT_ASSERT_TEXT(h, "الاسم", T);
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "في السجل", T);
	HT_ASSERT_TEXT(h, "غير مطابق", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "الإجراءات", T);
	HT_ASSERT_TEXT(h, "تحقق", T);
	HT_ASSERT_TEXT(h, "إحالة إلى مسؤول البحث الاجتماعي", T);
	ht_key(h, HT_KEY_ESC);
	ht_key(h, HT_KEY_F(2));                     /* F2: English at once */
	HT_ASSERT_TEXT(h, "Register check", T);
	HT_ASSERT_TEXT(h, "In the register", T);
	ht_end(h);
}

static void kiosk_f9_reaches_the_same_login(void **state)
{
	struct ofx *f = *state;
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf, NULL };
	ht *k = ht_new(24, 80);

	/* the route is off by default (test_officer_sessions checks that) */
	assert_true(ht_write_file(f->base, "khidma.conf", "kiosk_officer_login = true;\n"));
	assert_true(ht_spawn(k, argv, NULL));
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_key(k, HT_KEY_F(9));
	HT_ASSERT_TEXT(k, "F3", T);                 /* the kiosk starts in Arabic */
	ht_key(k, HT_KEY_F(2));
	HT_ASSERT_TEXT(k, "Officer login", T);
	HT_ASSERT_TEXT(k, "Login name", T);
	/* a wrong password for a real login looks like any other failure */
	ht_keys(k, "ali");
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "not-the-password");
	ht_key(k, HT_KEY_ENTER);
	HT_ASSERT_TEXT(k, "Login failed.", T);
	ht_keys(k, PW);                             /* the login name stays */
	ht_key(k, HT_KEY_ENTER);
	HT_ASSERT_TEXT(k, "Requests", T);
	HT_ASSERT_TEXT(k, "Ali Officer", T);
	ht_key(k, HT_KEY_F10);
	HT_ASSERT_TEXT(k, "Welcome", T);
	HT_ASSERT_GONE(k, "Ali Officer", T);
	/* and Esc on the login screen goes back as well */
	ht_key(k, HT_KEY_F(9));                     /* the kiosk is back in Arabic */
	HT_ASSERT_TEXT(k, "┌", T);
	ht_key(k, HT_KEY_F(2));
	HT_ASSERT_TEXT(k, "Login name", T);
	ht_key(k, HT_KEY_ESC);
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_end(k);
}

/* Rename the requests table (another connection): the console's next
 * query of it fails. */
static void rename_requests(struct ofx *f, const char *from, const char *to)
{
	store *s = ofx_open(f);
	char sql[128];

	snprintf(sql, sizeof sql, "ALTER TABLE %s RENAME TO %s", from, to);
	assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	store_close(s);
}

static void failed_load_clears_the_rows(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	ht *h;

	ofx_submit(f, "Rows Of Open", 51, false, ref);
	h = ofx_session(f, "ali", "en", NULL, 24, 100);
	ofx_login(h, PW);
	HT_ASSERT(h, ofx_view(h, "Open"));
	HT_ASSERT_TEXT(h, "Rows Of Open", T);

	/* a refresh of the same list fails: its rows stay, the line says why */
	rename_requests(f, "requests", "requests_away");
	ht_keys(h, "g");
	HT_ASSERT_TEXT(h, "A database error occurred", T);
	HT_ASSERT_TEXT(h, "[Open ", T);
	HT_ASSERT_TEXT(h, "Rows Of Open", T);
	HT_ASSERT(h, strstr(ht_screen(h), "could not be loaded") == NULL);

	/* the next view's load fails: no row of the Open view under its header */
	ht_keys(h, "v");
	HT_ASSERT_TEXT(h, "[Overdue", T);
	HT_ASSERT_TEXT(h, "The requests could not be loaded", T);
	HT_ASSERT_GONE(h, "Rows Of Open", T);

	/* the table back: the next view loads */
	rename_requests(f, "requests_away", "requests");
	ht_keys(h, "v");
	HT_ASSERT_TEXT(h, "[All ", T);
	HT_ASSERT_TEXT(h, "Rows Of Open", T);
	HT_ASSERT_GONE(h, "could not be loaded", T);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(paging_and_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(search_and_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(arabic_console, setup, teardown),
		cmocka_unit_test_setup_teardown(kiosk_f9_reaches_the_same_login, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_load_clears_the_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
