/*
 * test_kiosk_first_paint — the kiosk paints its welcome before it opens
 * the database (kiosk.c, invariant 5), and still refuses a database it
 * cannot open with the bilingual message:
 *
 *  - another process holds the database file locked (locking_mode
 *    EXCLUSIVE + BEGIN EXCLUSIVE), so no connection can read it: the
 *    welcome is on the screen all the same; once the lock is released the
 *    open finishes (the store's retry loop), the visitor goes on to the home
 *    menu and the request form, whose choices come from the catalog in the
 *    database;
 *  - the lock held past the store's 10 s retry budget: the welcome shows
 *    first, then curses ends and the message is on the terminal in Arabic
 *    and English, exit status 1, and the database is unchanged.
 * (A missing directory, a file that is not a database and a read-only file
 * system are in test_faults_ui.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <sys/wait.h>

#include "e2e/test_kiosk_util.h"

/* Create the test database (schema, catalog from screens/ is seeded by the
 * kiosk only when empty: a first kiosk run does it) and lock it. */
static sqlite3 *
lock_db(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "INSERT INTO meta(key, value) VALUES ('first_paint_test', 'x')",
	                 NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("cannot lock %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
	return db;
}

/* A first kiosk run creates and seeds the database; it is closed after. */
static void
prepare_db(ht *h)
{
	ht *first = kiosk_start(NULL, NULL);
	int st;

	(void)h;
	kiosk_choose_lang(first, false);
	ht_hangup(first);
	HT_ASSERT(first, ht_wait_exit(first, ht_timeout(5000), &st));
	/* the database of `first` becomes the one of h */
	if (rename(ht_db_path(first), ht_db_path(h)) != 0)
		fail_msg("cannot move the database");
	ht_end(first);
}

static int
meta_rows(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM meta WHERE key = 'first_paint_test'",
	                       -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void welcome_while_locked(void **state)
{
	ht *h = ht_new(24, 80);
	sqlite3 *lock;

	(void)state;
	assert_true(ht_write_file(h, "khidma.conf", "idle_timeout = 600;\nidle_warning = 20;\n"));
	prepare_db(h);
	lock = lock_db(ht_db_path(h));
	if (!ht_spawn_khidma(h, NULL, NULL))
		fail_msg("cannot start khidma");
	/* the open waits for the lock; the welcome does not */
	HT_ASSERT_TEXT(h, "Welcome", KT);
	HT_ASSERT_TEXT(h, "English", 100);
	sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(lock);
	ht_keys(h, "2");
	HT_ASSERT_TEXT(h, "New service request", ht_timeout(15000));
	ht_keys(h, "1");
	/* the request form: its service choices are read from the catalog */
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ht_hangup(h);
	ht_wait_exit(h, ht_timeout(3000), NULL);
	assert_int_equal(meta_rows(ht_db_path(h)), 0);
	ht_end(h);
}

static void locked_past_budget_gives_message(void **state)
{
	ht *h = ht_new(24, 80);
	sqlite3 *lock;
	int st;

	(void)state;
	assert_true(ht_write_file(h, "khidma.conf", "idle_timeout = 600;\nidle_warning = 20;\n"));
	prepare_db(h);
	lock = lock_db(ht_db_path(h));
	if (!ht_spawn_khidma(h, NULL, NULL))
		fail_msg("cannot start khidma");
	HT_ASSERT_TEXT(h, "Welcome", KT);
	/* the store's retry budget is 10 s */
	HT_ASSERT_TEXT(h, "cannot open the database", ht_timeout(20000));
	HT_ASSERT_TEXT(h, "لا يمكن فتح قاعدة البيانات", KT);
	HT_ASSERT(h, ht_wait_exit(h, ht_timeout(5000), &st));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(lock);
	assert_int_equal(meta_rows(ht_db_path(h)), 0);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(welcome_while_locked),
		cmocka_unit_test(locked_past_budget_gives_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
