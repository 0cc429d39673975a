/*
 * store_fixture — shared by the store and workflow unit tests: a temporary
 * directory per test (mkdtemp), a database in it with the catalog entries
 * the requests need, and a helper that submits a request.
 *
 * Both engines (issue 13): a contract test's main runs its group with
 * FX_RUN_BOTH — once on SQLite, then, when KHIDMA_TEST_PG is set
 * (tests/run.sh starts a throwaway server and exports its superuser URI),
 * once more with fx_use_pg: each test's database is then a fresh
 * PostgreSQL database (CREATE DATABASE … TEMPLATE template0, dropped at
 * teardown) instead of the SQLite file. Raw SQL goes through store_sql_*
 * (fx_int, fx_text, fx_exec) in the dialect both engines accept
 * (store/sql.h).
 */
#ifndef KHIDMA_TEST_STORE_FIXTURE_H
#define KHIDMA_TEST_STORE_FIXTURE_H

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <libpq-fe.h>

#include "core/util.h"
#include "store/store.h"

#define FX static __attribute__((unused))

struct fx {
	char   dir[64];
	char   path[512];          /* the SQLite file or the PostgreSQL URI */
	char   pgname[64];         /* the test's PostgreSQL database, or "" */
	store *s;
};

/* The group now running uses PostgreSQL (FX_RUN_BOTH's second pass). */
static bool fx_use_pg;

/* A test of the SQLite file itself (modes, pages, pragmas): skipped in the
 * PostgreSQL pass. */
#define FX_SQLITE_ONLY() do { if (fx_use_pg) skip(); } while (0)

/* The test server's superuser URI, or NULL: none. */
FX const char *fx_pg_uri(void)
{
	const char *u = getenv("KHIDMA_TEST_PG");
	return u && *u ? u : NULL;
}

/* admin with its database name replaced by db, into out. */
FX void fx_pg_uri_for(const char *admin, const char *db, char *out, size_t n)
{
	const char *a = strstr(admin, "://"), *p, *q;

	assert_non_null(a);
	p = strchr(a + 3, '/');              /* the path: /dbname */
	if (!p) {
		q = strchr(a + 3, '?');
		snprintf(out, n, "%.*s/%s%s", (int)((q ? q : a + strlen(a)) - admin),
		         admin, db, q ? q : "");
		return;
	}
	q = strchr(p, '?');
	snprintf(out, n, "%.*s/%s%s", (int)(p - admin), admin, db, q ? q : "");
}

/* One statement on the server as its superuser (asserting success). */
FX void fx_pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(fx_pg_uri());
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("test server: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

/* A fresh database (its name in name) and its URI in uri. */
FX void fx_pg_create(char *name, size_t nn, char *uri, size_t n)
{
	static int seq;
	char sql[256];

	snprintf(name, nn, "khidma_t%ld_%d", (long)getpid(), ++seq);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 "
	         "ENCODING 'UTF8' LOCALE 'C.UTF-8'", name);
	fx_pg_admin(sql);
	fx_pg_uri_for(fx_pg_uri(), name, uri, n);
}

FX void fx_pg_drop(const char *name)
{
	char sql[128];

	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	fx_pg_admin(sql);
}

/* The database path for a test in dir: a fresh PostgreSQL database in the
 * PostgreSQL pass (name gets its name), else dir/file. */
FX void fx_db_path(const char *dir, const char *file, char *path, size_t n,
                   char *name, size_t nn)
{
	name[0] = '\0';
	if (fx_use_pg && fx_pg_uri())
		fx_pg_create(name, nn, path, n);
	else
		snprintf(path, n, "%s/%s", dir, file);
}

/* Run the group on SQLite, then on PostgreSQL when the test server is
 * there; nonzero when any test failed in either pass. */
FX int fx_run_both(const char *name, const struct CMUnitTest *t, size_t n,
                   CMFixtureFunction setup, CMFixtureFunction teardown)
{
	char pg[128];
	int rc;

	fx_use_pg = false;
	rc = _cmocka_run_group_tests(name, t, n, setup, teardown);
	if (!fx_pg_uri())
		return rc;
	snprintf(pg, sizeof pg, "%s on PostgreSQL", name);
	fx_use_pg = true;
	rc |= _cmocka_run_group_tests(pg, t, n, setup, teardown);
	fx_use_pg = false;
	return rc;
}
#define FX_RUN_BOTH(tests, setup, teardown) \
	fx_run_both(#tests, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

FX void fx_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}

FX void fx_catalog(store *s)
{
	struct catalog_item it = { .sort = 1, .active = true };

	it.name_en = "Maintenance";
	it.name_ar = "صيانة";
	strcpy(it.code, "maintenance");
	assert_int_equal(store_catalog_upsert(s, "service", &it), ST_OK);
	it.name_en = "In person";
	it.name_ar = "المقابلة";
	strcpy(it.code, "in_person");
	assert_int_equal(store_catalog_upsert(s, "channel", &it), ST_OK);
	it.name_en = "Phone";
	it.name_ar = "الاتصالات الهاتفية";
	strcpy(it.code, "phone");
	it.sort = 2;
	assert_int_equal(store_catalog_upsert(s, "channel", &it), ST_OK);
}

FX int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct store_opts o = { .create = true };
	char err[256];

	strcpy(f->dir, "/tmp/khidma-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	fx_db_path(f->dir, "khidma.db", f->path, sizeof f->path, f->pgname,
	           sizeof f->pgname);
	if (store_open(f->path, &o, &f->s, err, sizeof err) != ST_OK) {
		fprintf(stderr, "open: %s\n", err);
		return -1;
	}
	fx_catalog(f->s);
	*state = f;
	return 0;
}

FX int fx_teardown(void **state)
{
	struct fx *f = *state;

	if (!f)
		return 0;
	store_close(f->s);
	fx_rmdir(f->dir);
	if (f->pgname[0])
		fx_pg_drop(f->pgname);
	free(f);
	return 0;
}

/* A filled-in request (strings point at literals; do not request_free). */
FX void fx_request(struct request *r, const char *name, const char *nid,
                       const char *mobile)
{
	memset(r, 0, sizeof *r);
	strcpy(r->category, "member");
	r->name = (char *)name;
	strcpy(r->national_id, nid);
	strcpy(r->mobile, mobile);
	r->email = (char *)"";
	strcpy(r->service, "maintenance");
	strcpy(r->channel, "in_person");
	r->description = (char *)"The air conditioner is broken.";
	r->declared_at = 1700000000;
	r->signature = (char *)name;
	r->declaration_version = 1;
	strcpy(r->declared_by, "kiosk");
}

/* Submit and return the id (asserting success). */
FX int64_t fx_submit(store *s, const char *name, const char *nid,
                         const char *mobile)
{
	struct request r;

	fx_request(&r, name, nid, mobile);
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	assert_true(r.id > 0);
	return r.id;
}

/* One integer from SQL (asserting a row). */
FX int64_t fx_int(store *s, const char *sql)
{
	int64_t v = 0;

	if (store_sql_i64(s, sql, &v) != ST_OK)
		fail_msg("%s: %s", sql, store_errmsg(s));
	return v;
}

/* How many columns of table are not in list ("'a','b'"), either engine
 * (SQLite's pragma_table_info, PostgreSQL's information_schema). */
FX int64_t fx_extra_columns(store *s, const char *table, const char *list)
{
	char sql[512];

	if (fx_use_pg)
		snprintf(sql, sizeof sql, "SELECT count(*) FROM information_schema."
		         "columns WHERE table_schema = current_schema() AND "
		         "table_name = '%s' AND column_name NOT IN (%s)", table, list);
	else
		snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info("
		         "'%s') WHERE name NOT IN (%s)", table, list);
	return fx_int(s, sql);
}

/* Raw SQL, asserting success (either engine). */
FX void fx_exec(store *s, const char *sql)
{
	if (store_sql_exec(s, sql) != ST_OK)
		fail_msg("%s: %s", sql, store_errmsg(s));
}

/* One text from SQL (asserting a row), in a static buffer. */
FX const char *fx_text(store *s, const char *sql)
{
	static char *buf;        /* heap: callers copy it into smaller buffers */

	if (!buf)
		buf = calloc(1, 256);
	if (store_sql_text(s, sql, buf, 256) != ST_OK)
		fail_msg("%s: %s", sql, store_errmsg(s));
	return buf;
}

/* The response-level sums (schema v9) recomputed from the responses: per
 * (day, key) the responses by class floor(t/c) of their mean, their
 * number and the sum of their means x 720720. */
#define FX_CLASS(k) "sum(CASE WHEN t / c = " #k " THEN 1 ELSE 0 END)"
#define FX_RESP_SUMS(key, from) "SELECT day, " key ", " FX_CLASS(1) ", " \
	FX_CLASS(2) ", " FX_CLASS(3) ", " FX_CLASS(4) ", " FX_CLASS(5) ", count(*), " \
	"sum(t * 720720 / c) FROM (" from ") AS rs WHERE c > 0 GROUP BY 1, 2"
#define FX_RESP_CT "s1 + s2 + s3 + s4 + s5 AS c, s1 + 2 * s2 + 3 * s3 + 4 * s4 + 5 * s5 AS t"

/* Schema invariants: last_officer equals the events (v6, still kept by
 * the writers); survey_channel_days and survey_officer_days equal the
 * responses (v9; each response once per officer it credits). */
FX void fx_check_officer_counters(store *s)
{
	assert_int_equal(fx_int(s, "SELECT count(*) FROM requests q WHERE "
	    "last_officer IS DISTINCT FROM coalesce((SELECT who FROM request_events e WHERE "
	    "e.request_id = q.id AND who <> 'kiosk' ORDER BY id DESC LIMIT 1), '')"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM ("
	    "SELECT day, channel, s1, s2, s3, s4, s5, responses, msum FROM "
	    "survey_channel_days WHERE s1 + s2 + s3 + s4 + s5 + responses + msum <> 0 "
	    "EXCEPT " FX_RESP_SUMS("channel", "SELECT day, channel, " FX_RESP_CT
	    " FROM survey_responses") ") AS x"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_channel_days WHERE "
	    "s1 + s2 + s3 + s4 + s5 + responses + msum <> 0"),
	    fx_int(s, "SELECT count(*) FROM (SELECT DISTINCT day, channel FROM "
	    "survey_responses WHERE s1 + s2 + s3 + s4 + s5 > 0) AS x"));
	assert_int_equal(fx_int(s, "SELECT count(*) FROM ("
	    "SELECT day, officer, s1, s2, s3, s4, s5, responses, msum FROM "
	    "survey_officer_days WHERE s1 + s2 + s3 + s4 + s5 + responses + msum <> 0 "
	    "EXCEPT " FX_RESP_SUMS("o", "SELECT DISTINCT id, day, o, c, t FROM ("
	    "SELECT id, day, off_verified AS o, " FX_RESP_CT " FROM survey_responses "
	    "UNION ALL SELECT id, day, off_registered, " FX_RESP_CT " FROM survey_responses "
	    "UNION ALL SELECT id, day, off_delivered, " FX_RESP_CT " FROM survey_responses) AS u"
	    " WHERE o <> ''") ") AS x"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_officer_days WHERE "
	    "s1 + s2 + s3 + s4 + s5 + responses + msum <> 0"),
	    fx_int(s, "SELECT count(*) FROM (SELECT DISTINCT day, o FROM ("
	    "SELECT day, s1 + s2 + s3 + s4 + s5 AS c, off_verified AS o FROM survey_responses "
	    "UNION ALL SELECT day, s1 + s2 + s3 + s4 + s5, off_registered FROM survey_responses "
	    "UNION ALL SELECT day, s1 + s2 + s3 + s4 + s5, off_delivered FROM survey_responses) AS u"
	    " WHERE o <> '' AND c > 0) AS x"));
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_officer_days WHERE "
	    "least(s1, s2, s3, s4, s5, responses, msum) < 0"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_channel_days WHERE "
	    "least(s1, s2, s3, s4, s5, responses, msum) < 0"), 0);
}

#endif
