/*
 * Store: store_changed on both engines (FX_RUN_BOTH) — two stores on one
 * database; a commit through one makes store_changed true on the other,
 * once, whatever it wrote: a request, but also the changes that write no
 * event (a help call, a catalog entry, an officer account, an answered
 * help call); no commit, or a commit through the same store, leaves it
 * false. On PostgreSQL the change arrives as a notice (LISTEN/NOTIFY,
 * sq_pg.c invariant 8) a moment after the commit, so "true" is waited for
 * (a deadline, not a sleep); "false" is checked after the other store's
 * own commits have had the same moment. A session that lost its
 * connection reports a change when it is back (it cannot know).
 * And the server's notices (sq_pg.c invariant 8): opening a fresh database
 * (every schema step) and again provokes none; one raised anyway goes to
 * the log (KHIDMA_LOG_FILE, the tests' copy of syslog), not to stderr.
 */
#include <time.h>

#include "unit/store_fixture.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void pause_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* store_changed(s) becomes true within 10 s (a loaded machine). */
static bool changed_soon(store *s)
{
	double end = now_s() + 10;

	do {
		if (store_changed(s))
			return true;
		pause_ms(5);
	} while (now_s() < end);
	return false;
}

/* store_changed(s) stays false for a while (a notice that would make it
 * true arrives as soon as a true one would: changed_soon sees those in
 * milliseconds). */
static bool quiet_for(store *s, int ms)
{
	double end = now_s() + ms / 1000.0;

	do {
		if (store_changed(s))
			return false;
		pause_ms(5);
	} while (now_s() < end);
	return true;
}

static store *second(struct fx *f)
{
	struct store_opts o = { .create = false };
	char err[256];
	store *b = NULL;

	if (store_open(f->path, &o, &b, err, sizeof err) != ST_OK)
		fail_msg("second store: %s", err);
	return b;
}

/* One change through a, seen once by b. */
#define SEEN_ONCE(what) do { \
	if (!changed_soon(b)) \
		fail_msg("not seen by the other store: %s", what); \
	if (!quiet_for(b, 150)) \
		fail_msg("seen twice: %s", what); \
} while (0)

static void test_changes_without_events(void **state)
{
	struct fx *f = *state;
	struct catalog_item it = { .sort = 9, .active = true };
	struct officer o = { .role = ROLE_OFFICER, .active = true, .name = (char *)"Ali" };
	store *b = second(f);
	int64_t call = 0, events = fx_int(f->s, "SELECT count(*) FROM request_events");

	(void)store_changed(b);
	assert_true(quiet_for(b, 150));                 /* nothing happened */

	assert_int_equal(store_help_call(f->s, "lobby-A", &call), ST_OK);
	SEEN_ONCE("a help call");
	it.name_en = "Water";
	it.name_ar = "مياه";
	strcpy(it.code, "water");
	assert_int_equal(store_catalog_upsert(f->s, "service", &it), ST_OK);
	SEEN_ONCE("a catalog entry");
	strcpy(o.login, "ali");
	strcpy(o.pwhash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g");
	assert_int_equal(store_officer_add(f->s, &o), ST_OK);
	SEEN_ONCE("an officer account");
	assert_int_equal(store_officer_set_active(f->s, "ali", false), ST_OK);
	SEEN_ONCE("an officer disabled");
	/* none of them wrote an event (the old PostgreSQL stand-in) */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), events);

	/* a request (many rows in one transaction): once */
	fx_submit(f->s, "Other", "1000000063", "0500000063");
	SEEN_ONCE("a request");
	/* the other way round too; and a store's own commit is not a change */
	fx_submit(b, "Mine", "1000000064", "0500000064");
	assert_true(changed_soon(f->s));
	assert_true(quiet_for(b, 150));
	/* a write that changes no row tells nobody */
	fx_exec(f->s, "UPDATE officers SET name = 'x' WHERE login = 'nobody'");
	assert_true(quiet_for(b, 150));
	store_close(b);
}

/* PostgreSQL: the session is killed; the store comes back on a new one
 * (sq_pg.c invariant 2), says something may have changed, and listens
 * again. */
static void test_changed_after_reconnect(void **state)
{
	struct fx *f = *state;
	store *b;
	int64_t pid = 0;

	if (!fx_use_pg)
		skip();
	b = second(f);
	(void)store_changed(b);
	assert_int_equal(store_sql_i64(b, "SELECT pg_backend_pid()", &pid), ST_OK);
	{
		char sql[96];

		snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)pid);
		fx_int(f->s, sql);
	}
	/* the killed session is noticed at the next call (a reset): a change */
	assert_true(changed_soon(b));
	assert_true(quiet_for(b, 150));
	assert_int_equal(store_help_call(f->s, "lobby-B", NULL), ST_OK);
	SEEN_ONCE("a help call after the reconnect");
	store_close(b);
}

/* the whole of a small file, or "" */
static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (fp) {
		n = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

static void test_notices_to_the_log(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .create = true };
	char log[128], err[256];
	store *b;

	if (!fx_use_pg)
		skip();
	snprintf(log, sizeof log, "%s/log", f->dir);
	setenv("KHIDMA_LOG_FILE", log, 1);
	/* a fresh database (every schema step), opened twice */
	{
		char name[64], uri[512];

		fx_pg_create(name, sizeof name, uri, sizeof uri);
		assert_int_equal(store_open(uri, &o, &b, err, sizeof err), ST_OK);
		store_close(b);
		assert_int_equal(store_open(uri, &o, &b, err, sizeof err), ST_OK);
		store_close(b);
		fx_pg_drop(name);
	}
	assert_int_equal(store_open(f->path, &o, &b, err, sizeof err), ST_OK);
	fx_exec(b, "DO $$ BEGIN RAISE WARNING 'khidma test warning'; END $$");
	store_close(b);
	unsetenv("KHIDMA_LOG_FILE");
	assert_null(strstr(slurp(log), "skipping"));
	assert_null(strstr(slurp(log), "already exists"));
	assert_non_null(strstr(slurp(log), "postgresql WARNING: khidma test warning"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changes_without_events, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_changed_after_reconnect, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_notices_to_the_log, fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
