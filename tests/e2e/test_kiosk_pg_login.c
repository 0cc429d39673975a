/*
 * test_kiosk_pg_login — the real kiosk on a PostgreSQL login that is only
 * a member of khidma_kiosk (issue 13, least privilege; store/pg_kiosk.c),
 * end to end on the server tests/run.sh starts (KHIDMA_TEST_PG, its
 * superuser URI): `khidma init` on a fresh database as the superuser (the
 * schema, the catalog from screens/, the roles), a LOGIN role IN ROLE
 * khidma_kiosk, then the kiosk with --db naming that login:
 *
 *  - intake_track_survey: a request submitted (its reference on the
 *    confirmation), the same request tracked with the mobile's last four
 *    digits once an officer delivered it, and its survey answered, linked;
 *    as the superuser: the request exists once (status, declaration,
 *    service), its survey once, linked (service kept), the request marked
 *    evaluated; between visitors the kiosk reserved its offline block with
 *    its own login and copied the catalog into its spool.
 *
 * Fails before store/pg_kiosk.c: the kiosk's login could not read the
 * catalog (permission denied), so no form could be filled.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "e2e/test_kiosk_util.h"

static char su_uri[512], kiosk_uri[512], dbname[64], login[64];

/* One statement on the test server as its superuser, in database db (NULL:
 * the URI's); the first column of the first row into out (may be NULL). */
static void
pg(const char *db, const char *sql, char *out, size_t n)
{
	const char *keys[] = { "dbname", db ? "dbname" : NULL, NULL };
	const char *vals[] = { getenv("KHIDMA_TEST_PG"), db, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("test server: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	if (out)
		snprintf(out, n, "%s", PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
}

static long
pg_count(const char *sql)
{
	char v[32];

	pg(dbname, sql, v, sizeof v);
	return strtol(v, NULL, 10);
}

/* The server's URI (postgresql:///postgres?host=…&port=…&user=…) with
 * database db and user user. */
static void
uri_for(const char *db, const char *user, char *out, size_t n)
{
	const char *u = getenv("KHIDMA_TEST_PG");
	const char *q = strchr(u, '?'), *w = strstr(u, "user="), *e;

	assert_non_null(q);
	assert_non_null(w);
	e = strchr(w, '&');
	snprintf(out, n, "postgresql:///%s%.*suser=%s%s", db, (int)(w - q), q, user,
	         e ? e : "");
}

static int
setup(void **state)
{
	char sql[256];
	const char *init[] = { "--db", NULL, "init", NULL };
	ht *h;
	int st = -1;

	(void)state;
	if (!getenv("KHIDMA_TEST_PG"))
		fail_msg("KHIDMA_TEST_PG is not set: run this test through tests/run.sh");
	snprintf(dbname, sizeof dbname, "khidma_e2e_%ld", (long)getpid());
	snprintf(login, sizeof login, "kiosk_e2e_%ld", (long)getpid());
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING "
	         "'UTF8' LOCALE 'C.UTF-8'", dbname);
	pg(NULL, sql, NULL, 0);
	{       /* the superuser, as the server's URI names it */
		const char *u = strstr(getenv("KHIDMA_TEST_PG"), "user=");
		char who[64];

		assert_non_null(u);
		snprintf(who, sizeof who, "%.*s", (int)strcspn(u + 5, "&"), u + 5);
		uri_for(dbname, who, su_uri, sizeof su_uri);
	}
	init[1] = su_uri;
	h = ht_new(24, 80);
	if (!ht_spawn_khidma(h, init, NULL))
		fail_msg("cannot start khidma init");
	if (!ht_wait_exit(h, 60000, &st) || st != 0)
		fail_msg("khidma init on %s: status %d\n%s", su_uri, st, ht_screen(h));
	ht_end(h);
	snprintf(sql, sizeof sql, "CREATE ROLE %s LOGIN IN ROLE khidma_kiosk", login);
	pg(NULL, sql, NULL, 0);
	uri_for(dbname, login, kiosk_uri, sizeof kiosk_uri);
	return 0;
}

static int
teardown(void **state)
{
	char sql[128];

	ht_teardown(state);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
	pg(NULL, sql, NULL, 0);
	snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS %s", login);
	pg(NULL, sql, NULL, 0);
	return 0;
}

static void
intake_track_survey(void **state)
{
	const char *args[] = { "--db", kiosk_uri, NULL };
	char ref[32], sql[256], conf[512];
	ht *h;

	(void)state;
	h = ht_new(24, 80);
	/* the spool (offline.c) in the test's directory */
	snprintf(conf, sizeof conf, "idle_timeout = 600;\nconfirm_timeout = 60;\n"
	         "spool = \"%s\";\n", ht_path(h, "spool.db"));
	if (!ht_write_file(h, "khidma.conf", conf) || !ht_spawn_khidma(h, args, NULL))
		fail_msg("cannot start the kiosk");
	/* intake, as a visitor */
	kiosk_choose_lang(h, false);
	kiosk_fill_request(h, "Sara Ali", NID_OK, "0551234567",
	                   "The air conditioner at home is broken.");
	HT_ASSERT_TEXT(h, "Check your request", KT);
	ht_keys(h, "1");                       /* everything is correct */
	HT_ASSERT_TEXT(h, "Messages about this request", KT);
	ht_keys(h, "1");                       /* no messages */
	HT_ASSERT_TEXT(h, "I confirm that the information", KT);
	ht_keys(h, "1");                       /* I accept */
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "Sara Ali");
	HT_ASSERT_TEXT(h, "Your reference number is", 15000);
	HT_ASSERT(h, kiosk_wait_ref(h, ref, sizeof ref));
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE ref = '%s' AND "
	         "status = 'received' AND declared_by = 'kiosk' AND national_id = '"
	         NID_OK "' AND mobile = '0551234567'", ref);
	assert_int_equal(pg_count(sql), 1);
	ht_key(h, HT_KEY_ENTER);               /* the confirmation: done */
	HT_ASSERT_TEXT(h, "Welcome", KT);

	/* an officer delivers it (as the superuser here) */
	snprintf(sql, sizeof sql, "UPDATE requests SET status = 'delivered', "
	         "version = version + 1 WHERE ref = '%s'", ref);
	pg(dbname, sql, NULL, 0);
	snprintf(sql, sizeof sql, "INSERT INTO request_events(request_id, at, who, "
	         "from_status, to_status, note, kind) SELECT id, created_at + 60, "
	         "'officer1', 'received', 'delivered', 'done', 'deliver' FROM requests "
	         "WHERE ref = '%s'", ref);
	pg(dbname, sql, NULL, 0);

	/* tracking with the proof, then the survey, linked */
	kiosk_choose_lang(h, false);
	ht_keys(h, "2");
	HT_ASSERT_TEXT(h, "last 4 digits", KT);
	type_line(h, ref);
	type_line(h, "4567");
	HT_ASSERT_TEXT(h, "Service delivered", KT);
	HT_ASSERT_TEXT(h, "******4567", KT);      /* masked as on SQLite */
	HT_ASSERT_TEXT(h, "Press 3", KT);
	ht_keys(h, "3");
	HT_ASSERT_TEXT(h, "never to punish anyone", KT);
	for (int q = 0; q < 5; q++) {
		ht_keys(h, "4");
		ht_key(h, HT_KEY_ENTER);
	}
	ht_keys(h, "1");                       /* channel: in person */
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "Quick and kind.");
	ht_key(h, HT_KEY_DOWN);
	HT_ASSERT_TEXT(h, ref, KT);            /* the reference is prefilled */
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "your evaluation was recorded", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Welcome", KT);

	/* as the superuser: once each */
	assert_int_equal(pg_count("SELECT count(*) FROM requests"), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE ref = '%s' AND "
	         "surveyed = 1", ref);
	assert_int_equal(pg_count(sql), 1);
	assert_int_equal(pg_count("SELECT count(*) FROM survey_responses"), 1);
	assert_int_equal(pg_count("SELECT count(*) FROM survey_responses WHERE "
	                          "comment = 'Quick and kind.' AND service <> '' AND "
	                          "off_delivered = 'officer1' AND s4 = 5"), 1);
	assert_int_equal(pg_count("SELECT count(*) FROM survey_answers"), 5);
	/* between visitors the kiosk reserved its offline block with its own
	 * login (offline.c's pass through khidma_reserve_block) and copied the
	 * catalog into its spool (khidma_catalog) */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM ref_blocks WHERE login = '%s'",
	         login);
	assert_int_equal(pg_count(sql), 1);
	{
		struct store_opts o = { .create = false };
		struct catalog_item *it = NULL;
		store *sp = NULL;
		char err[256];
		int n = 0;

		if (store_open(ht_path(h, "spool.db"), &o, &sp, err, sizeof err) != ST_OK)
			fail_msg("the kiosk's spool: %s", err);
		assert_int_equal(store_catalog_list(sp, "service", true, &it, &n), ST_OK);
		assert_true(n >= 2);
		catalog_items_free(it, n);
		store_close(sp);
	}
	ht_end(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(intake_track_survey, setup, teardown),
	};

	if (!ht_khidma_bin_set())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
