/*
 * test_store_pg_schema — the PostgreSQL schema (store/schema_pg.c) on the
 * real server tests/run.sh starts (KHIDMA_TEST_PG, its superuser URI): each
 * test makes its own database. Without KHIDMA_TEST_PG every test fails
 * (the PostgreSQL tests never skip).
 *
 *  - migrate_twice: store_open on an empty database's URI (the PG
 *    engine's runner applying schema_pg.c's steps), then again: the second
 *    changes nothing (same version rows, same objects); the grants apply
 *    twice; a newer schema is refused (ST_TOONEW).
 *  - migrate_concurrently: four processes store_open one empty database at
 *    the same moment: all succeed, each step ran once.
 *  - triggers_equal_sqlite: one sequence of inserts, updates and deletes
 *    (status changes in and out of needs_info, decisions, deliveries, a
 *    changed service and creation time, a negative time, a delete, survey
 *    answers with officers credited) run on SQLite's schema and on PG's:
 *    every counter and summary table and the SLA columns are equal.
 *  - events_append_only: UPDATE, DELETE and TRUNCATE of request_events are
 *    refused by the trigger (even for the owner) and by privilege for
 *    khidma_officer, which may INSERT.
 *  - kiosk_least_privilege: a login in khidma_kiosk cannot SELECT members,
 *    requests, request_events, catalog, nor take reference numbers, but
 *    submits, tracks (only with the mobile's last four digits), answers a
 *    survey and reads the catalog through the functions.
 *  - branch_references: references per branch from khidma_next_seq and
 *    khidma_refno equal refno_make's, and a migrated request's seq moves
 *    its branch's counter past it.
 *  - arabic_name_search: the database indexes Arabic trigrams (C.UTF-8)
 *    and a substring search on name_key uses the GIN trigram index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/refno.h"
#include "store/schema_pg.h"
#include "store/store.h"

static int dbno;

struct pgdb {
	char name[64];
	PGconn *c;
};

/* A connection to database db ("" = the server's URI as given) as user
 * (NULL = the URI's). */
static PGconn *pg_connect(const char *db, const char *user)
{
	const char *uri = getenv("KHIDMA_TEST_PG");
	const char *keys[4] = { "dbname", NULL, NULL, NULL };
	const char *vals[4] = { uri, NULL, NULL, NULL };
	int k = 1;
	PGconn *c;

	if (!uri || !*uri)
		fail_msg("KHIDMA_TEST_PG is not set: run this test through tests/run.sh, "
		         "which starts the PostgreSQL server (tests/pg/pg_server.sh)");
	if (db && *db) {
		keys[k] = "dbname";
		vals[k++] = db;
	}
	if (user) {
		keys[k] = "user";
		vals[k++] = user;
	}
	c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", uri, PQerrorMessage(c));
	return c;
}

static void pg_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType t = PQresultStatus(r);

	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
}

/* The SQLSTATE sql fails with ("" when it succeeds). */
static const char *pg_state(PGconn *c, const char *sql)
{
	static char st[8];
	PGresult *r = PQexec(c, sql);
	ExecStatusType t = PQresultStatus(r);
	const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	st[0] = '\0';
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK)
		snprintf(st, sizeof st, "%s", s ? s : "?");
	PQclear(r);
	return st;
}

/* The rows of sql as text, "a|b\n" per row (malloc'd). */
static char *pg_dump(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	out[0] = '\0';
	for (int i = 0; i < PQntuples(r); i++)
		for (int j = 0; j < PQnfields(r); j++) {
			const char *v = PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j);

			while (len + strlen(v) + 2 >= cap)
				out = realloc(out, cap *= 2);
			len += (size_t)sprintf(out + len, "%s%c", v,
			                       j + 1 < PQnfields(r) ? '|' : '\n');
		}
	PQclear(r);
	return out;
}

static int64_t pg_i64(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int64_t v;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* The rows of sql are exactly want. */
static void assert_rows(PGconn *c, const char *sql, const char *want)
{
	char *got = pg_dump(c, sql);
	int same = strcmp(got, want) == 0;

	if (!same)
		fprintf(stderr, "%s\ngot:\n%swanted:\n%s", sql, got, want);
	free(got);
	assert_true(same);
}

/* A new empty database for this test, and a connection to it. */
static int db_setup(void **state)
{
	struct pgdb *d = calloc(1, sizeof *d);
	PGconn *admin = pg_connect(NULL, NULL);
	char sql[128];

	snprintf(d->name, sizeof d->name, "khidma_schema_%d_%d", (int)getpid(), ++dbno);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", d->name);
	pg_ok(admin, sql);
	PQfinish(admin);
	d->c = pg_connect(d->name, NULL);
	*state = d;
	return 0;
}

static int db_teardown(void **state)
{
	struct pgdb *d = *state;
	PGconn *admin;
	char sql[128];

	PQfinish(d->c);
	admin = pg_connect(NULL, NULL);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", d->name);
	pg_ok(admin, sql);
	PQfinish(admin);
	free(d);
	return 0;
}

/* The URI of database db on the test server. */
static const char *db_uri(const char *db)
{
	static char uri[512];
	const char *base = getenv("KHIDMA_TEST_PG");
	const char *q = base ? strstr(base, "///postgres?") : NULL;

	if (!q)
		fail_msg("KHIDMA_TEST_PG is not postgresql:///postgres?…: %s", base ? base : "(unset)");
	snprintf(uri, sizeof uri, "%.*s///%s?%s", (int)(q - base), base, db,
	         q + strlen("///postgres?"));
	return uri;
}

/* Bring database d to the current schema the way every program does:
 * store_open on its URI (sq_pg.c's runner, schema_pg.c's steps). */
static st_rc open_rc(struct pgdb *d, char *err, size_t errsz)
{
	struct store_opts o = { .create = true };
	store *s = NULL;
	st_rc r = store_open(db_uri(d->name), &o, &s, err, errsz);

	if (s)
		store_close(s);
	return r;
}

static void migrate(struct pgdb *d)
{
	char err[512] = "";

	if (open_rc(d, err, sizeof err) != ST_OK)
		fail_msg("store_open: %s", err);
}

static void grants(struct pgdb *d)
{
	char err[512] = "";

	if (store_pg_roles_apply(db_uri(d->name), err, sizeof err) != ST_OK)
		fail_msg("store_pg_roles_apply: %s", err);
}

#define OBJECTS "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = " \
	"'public'::regnamespace) || ' ' || (SELECT count(*) FROM pg_trigger WHERE " \
	"NOT tgisinternal) || ' ' || (SELECT count(*) FROM pg_proc WHERE " \
	"proname LIKE 'khidma%')"

static void migrate_twice(void **state)
{
	struct pgdb *d = *state;
	char *before, *after, err[512];

	migrate(d);
	assert_int_equal(pg_i64(d->c, "SELECT max(version) FROM khidma_schema"),
	                 store_pg_schema_latest());
	before = pg_dump(d->c, OBJECTS);
	migrate(d);
	/* one row per step (the runner's record), none twice */
	assert_int_equal(pg_i64(d->c, "SELECT count(*) FROM khidma_schema"),
	                 store_pg_schema_latest());
	assert_int_equal(pg_i64(d->c, "SELECT count(DISTINCT version) FROM khidma_schema"),
	                 store_pg_schema_latest());
	after = pg_dump(d->c, OBJECTS);
	assert_string_equal(before, after);
	/* the grants too apply twice */
	grants(d);
	grants(d);
	/* a schema newer than this program is refused, not downgraded */
	pg_ok(d->c, "INSERT INTO khidma_schema SELECT max(version) + 1 FROM khidma_schema");
	assert_int_equal(open_rc(d, err, sizeof err), ST_TOONEW);
	free(before);
	free(after);
}

static void migrate_concurrently(void **state)
{
	struct pgdb *d = *state;
	int go[2], status, ok = 0;
	pid_t kids[4];

	assert_int_equal(pipe(go), 0);
	for (int i = 0; i < 4; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			char b, err[512] = "";

			close(go[1]);
			(void)!read(go[0], &b, 1);       /* all start together */
			if (open_rc(d, err, sizeof err) != ST_OK) {
				fprintf(stderr, "child %d: %s\n", i, err);
				_exit(1);
			}
			_exit(0);
		}
	}
	close(go[0]);
	usleep(200 * 1000);     /* let them connect; they start on the close */
	close(go[1]);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	assert_int_equal(ok, 4);
	assert_int_equal(pg_i64(d->c, "SELECT count(*) FROM khidma_schema"),
	                 store_pg_schema_latest());
	assert_int_equal(pg_i64(d->c, "SELECT max(version) FROM khidma_schema"),
	                 store_pg_schema_latest());
	assert_int_equal(pg_i64(d->c, "SELECT count(*) FROM meta WHERE key = 'branch'"), 1);
}

/* ---- the triggers on both engines ------------------------------------------- */

#define T0 "1700000000"
/* A request row, id i, seq i, created at `created`, service svc. */
static char *req_sql(int id, const char *created, const char *svc)
{
	char ref[16], *sql;

	assert_true(refno_make("01", id, ref, sizeof ref));
	assert_true(asprintf(&sql, "INSERT INTO requests(id, seq, ref, category, name, "
	                     "national_id, mobile, service, channel, description, created_at, "
	                     "earliest_response, status, version, updated_at, name_key) VALUES "
	                     "(%d, %d, '%s', 'member', 'محمد العتيبي', '10000000%02d', "
	                     "'05000000%02d', '%s', 'in_person', 'd', %s, %s + 1209600, "
	                     "'received', 1, %s, 'محمد العتيبي')", id, id, ref, id, id, svc,
	                     created, created, created) > 0);
	return sql;
}

static const char *const seq_sql[] = {
	/* the SLA pause: in and out of needs_info, twice, once backwards */
	"UPDATE requests SET status = 'needs_info', updated_at = " T0 " + 100 WHERE id = 1",
	"UPDATE requests SET status = 'verified', updated_at = " T0 " + 400 WHERE id = 1",
	"UPDATE requests SET status = 'needs_info', updated_at = " T0 " + 1000 WHERE id = 1",
	"UPDATE requests SET status = 'received', updated_at = " T0 " + 900 WHERE id = 1",
	"UPDATE requests SET status = 'needs_info', updated_at = " T0 " + 2000 WHERE id = 2",
	/* decisions and deliveries: durations */
	"UPDATE requests SET status = 'accepted', decided_at = " T0 " + 7300,"
	" updated_at = " T0 " + 7300 WHERE id = 1",
	"UPDATE requests SET status = 'delivered', delivered_at = " T0 " + 90000,"
	" updated_at = " T0 " + 90000 WHERE id = 1",
	"UPDATE requests SET status = 'rejected', decided_at = " T0 " + 86400 + 18000,"
	" updated_at = " T0 " + 90000 WHERE id = 2",
	/* the same status again: nothing moves */
	"UPDATE requests SET status = 'rejected', updated_at = " T0 " + 90001 WHERE id = 2",
	/* another service, another creation time: its counts move */
	"UPDATE requests SET service = 'other' WHERE id = 2",
	"UPDATE requests SET created_at = " T0 " + 3 * 86400 WHERE id = 2",
	"UPDATE requests SET status = 'accepted', decided_at = " T0 " + 50, updated_at = "
	T0 " + 50 WHERE id = 3",
	"UPDATE requests SET decided_at = NULL WHERE id = 3",
	"DELETE FROM requests WHERE id = 4",
	/* surveys: officers credited, a response with no scored answer */
	"INSERT INTO survey_responses(id, day, channel, service, off_verified, off_registered,"
	" off_delivered) VALUES (1, " T0 ", 'kiosk', 'maintenance', 'ali', 'ali', 'sara')",
	"INSERT INTO survey_answers(response_id, question, score) VALUES (1, 'q1', 5)",
	"INSERT INTO survey_answers(response_id, question, score) VALUES (1, 'q2', 4)",
	"INSERT INTO survey_answers(response_id, question, score) VALUES (1, 'q3', 0)",
	"INSERT INTO survey_answers(response_id, question, score) VALUES (1, 'q4', 3)",
	"INSERT INTO survey_responses(id, day, channel) VALUES (2, " T0 ", 'kiosk')",
	"INSERT INTO survey_answers(response_id, question, score) VALUES (2, 'q1', 1)",
	"INSERT INTO survey_answers(response_id, question, score) VALUES (2, 'q2', 2)",
	"INSERT INTO survey_responses(id, day, channel, off_delivered) VALUES (3, " T0
	" + 86400, 'phone', 'sara')",
	"INSERT INTO survey_answers(response_id, question, score) VALUES (3, 'q1', 0)",
	"INSERT INTO survey_answers(response_id, question, score) VALUES (3, 'q2', 5)",
};

static const char *const dumps[] = {
	"SELECT day, status, service, n FROM request_days ORDER BY day, status, service",
	"SELECT kind, bucket, n FROM request_durations ORDER BY kind, bucket",
	"SELECT id, status, paused_s, paused_since, decided_at, delivered_at FROM requests"
	" ORDER BY id",
	"SELECT id, s1, s2, s3, s4, s5 FROM survey_responses ORDER BY id",
	"SELECT day, question, score, n FROM survey_days ORDER BY day, question, score",
	"SELECT day, channel, s1, s2, s3, s4, s5, responses, msum FROM survey_channel_days"
	" ORDER BY day, channel",
	"SELECT day, officer, s1, s2, s3, s4, s5, responses, msum FROM survey_officer_days"
	" ORDER BY day, officer",
};

static void sl_ok(sqlite3 *db, const char *sql)
{
	char *e = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &e) != SQLITE_OK)
		fail_msg("sqlite: %s: %s", sql, e);
}

static char *sl_dump(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int j = 0; j < sqlite3_column_count(st); j++) {
			const char *v = sqlite3_column_type(st, j) == SQLITE_NULL ? "NULL" :
			                (const char *)sqlite3_column_text(st, j);

			while (len + strlen(v) + 2 >= cap)
				out = realloc(out, cap *= 2);
			len += (size_t)sprintf(out + len, "%s%c", v,
			                       j + 1 < sqlite3_column_count(st) ? '|' : '\n');
		}
	sqlite3_finalize(st);
	return out;
}

static void triggers_equal_sqlite(void **state)
{
	struct pgdb *d = *state;
	struct store_opts o = { .create = true };
	char dir[] = "/tmp/khidma-pgschema-XXXXXX", path[128], err[256];
	const char *created[] = { T0, T0 " + 86400", T0 " - 5", "-100" };
	store *s;
	sqlite3 *db;
	int steps = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/k.db", dir);
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_OK);
	store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sl_ok(db, "PRAGMA foreign_keys = ON");
	migrate(d);

	for (int i = 0; i < 4; i++) {
		char *sql = req_sql(i + 1, created[i], i == 3 ? "other" : "maintenance");

		sl_ok(db, sql);
		pg_ok(d->c, sql);
		free(sql);
	}
	for (size_t i = 0; i < sizeof seq_sql / sizeof *seq_sql; i++) {
		sl_ok(db, seq_sql[i]);
		pg_ok(d->c, seq_sql[i]);
		/* compare after every statement: a difference names its cause */
		for (size_t k = 0; k < sizeof dumps / sizeof *dumps; k++) {
			char *a = sl_dump(db, dumps[k]), *b = pg_dump(d->c, dumps[k]);

			if (strcmp(a, b) != 0)
				fail_msg("after \"%s\"\n%s\nSQLite:\n%sPostgreSQL:\n%s",
				         seq_sql[i], dumps[k], a, b);
			free(a);
			free(b);
			steps++;
		}
	}
	/* the sequence did something worth comparing */
	assert_int_equal(pg_i64(d->c, "SELECT paused_s FROM requests WHERE id = 1"), 300);
	assert_int_equal(pg_i64(d->c, "SELECT count(*) FROM survey_officer_days"), 3);
	assert_int_equal(pg_i64(d->c, "SELECT count(*) FROM request_durations WHERE n > 0"), 3);
	assert_true(steps > 100);
	sqlite3_close(db);
	unlink(path);
	{
		char wal[160];

		snprintf(wal, sizeof wal, "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof wal, "%s-shm", path);
		unlink(wal);
	}
	rmdir(dir);
}

/* ---- privileges --------------------------------------------------------------- */

static void add_request(PGconn *c)
{
	char *sql = req_sql(1, T0, "maintenance");

	pg_ok(c, sql);
	free(sql);
	/* the row's id was given: the identity goes on after it */
	pg_ok(c, "SELECT setval(pg_get_serial_sequence('requests', 'id'), 1)");
	pg_ok(c, "INSERT INTO request_events(request_id, at, who, from_status, to_status,"
	         " note, kind) VALUES (1, " T0 ", 'kiosk', 'received', 'received',"
	         " 'submitted', 'submitted')");
}

/* A login role in group `group`, for this cluster (roles are not per
 * database); its name is returned. */
static const char *login_in(PGconn *c, const char *group)
{
	static char name[64];
	char sql[256];

	snprintf(name, sizeof name, "t_%s_%d", group, (int)getpid());
	snprintf(sql, sizeof sql, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE "
	         "rolname = '%s') THEN CREATE ROLE %s LOGIN; END IF; END $$", name, name);
	pg_ok(c, sql);
	snprintf(sql, sizeof sql, "GRANT %s TO %s", group, name);
	pg_ok(c, sql);
	return name;
}

static void events_append_only(void **state)
{
	struct pgdb *d = *state;

	PGconn *off;

	migrate(d);
	grants(d);
	add_request(d->c);
	/* the trigger, even for the owner (a superuser here) */
	assert_string_equal(pg_state(d->c, "UPDATE request_events SET note = 'x'"), "23001");
	assert_string_equal(pg_state(d->c, "DELETE FROM request_events"), "23001");
	assert_string_equal(pg_state(d->c, "TRUNCATE request_events"), "23001");
	/* the privilege, for an officer's login */
	off = pg_connect(d->name, login_in(d->c, "khidma_officer"));
	assert_string_equal(pg_state(off, "UPDATE request_events SET note = 'x'"), "42501");
	assert_string_equal(pg_state(off, "DELETE FROM request_events"), "42501");
	assert_string_equal(pg_state(off, "TRUNCATE request_events"), "42501");
	assert_string_equal(pg_state(off, "INSERT INTO request_events(request_id, at, who,"
	                    " from_status, to_status, note, kind) VALUES (1, " T0 " + 5,"
	                    " 'ali', 'received', 'verified', '', 'verify')"), "");
	assert_string_equal(pg_state(off, "UPDATE requests SET status = 'verified',"
	                    " version = version + 1 WHERE id = 1"), "");
	/* the counters follow an officer's write without any grant on them */
	assert_string_equal(pg_state(off, "UPDATE request_days SET n = 99"), "42501");
	assert_int_equal(pg_i64(d->c, "SELECT n FROM request_days WHERE status = 'verified'"), 1);
	assert_int_equal(pg_i64(d->c, "SELECT count(*) FROM request_events"), 2);
	PQfinish(off);
}

static void kiosk_least_privilege(void **state)
{
	struct pgdb *d = *state;
	const char *tables[] = { "members", "requests", "request_events", "catalog",
	                         "officers", "survey_responses", "outbox", "meta",
	                         "track_failures", "request_days", "documents" };
	char sql[512], ref[16];
	PGconn *k;
	PGresult *r;

	migrate(d);
	grants(d);
	pg_ok(d->c, "INSERT INTO catalog(kind, code, name_en, name_ar) VALUES"
	      " ('service', 'maintenance', 'Maintenance', 'صيانة'),"
	      " ('channel', 'in_person', 'In person', 'المقابلة')");
	pg_ok(d->c, "INSERT INTO members(number, name, national_id, mobile, category)"
	      " VALUES ('M1', 'سارة', '1000000099', '0500000099', 'member')");
	add_request(d->c);
	k = pg_connect(d->name, login_in(d->c, "khidma_kiosk"));
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		snprintf(sql, sizeof sql, "SELECT * FROM %s", tables[i]);
		if (strcmp(pg_state(k, sql), "42501") != 0)
			fail_msg("the kiosk's login may run: %s", sql);
	}
	assert_string_equal(pg_state(k, "UPDATE requests SET status = 'withdrawn'"), "42501");
	assert_string_equal(pg_state(k, "INSERT INTO request_events(request_id, at, who,"
	                    " from_status, to_status) VALUES (1, 0, 'x', 'received',"
	                    " 'received')"), "42501");
	assert_string_equal(pg_state(k, "SELECT khidma_next_seq('01', 1000)"), "42501");
	/* through the functions */
	assert_int_equal(pg_i64(k, "SELECT count(*) FROM khidma_catalog('service')"), 1);
	assert_int_equal(pg_i64(k, "SELECT khidma_schema_version()"), store_pg_schema_latest());
	r = PQexec(k, "SELECT ref, seq, member_id FROM khidma_submit('{\"category\": \"member\","
	           " \"name\": \"سارة\", \"national_id\": \"1000000099\", \"mobile\":"
	           " \"0500001234\", \"service\": \"maintenance\", \"channel\": \"in_person\","
	           " \"description\": \"x\", \"name_key\": \"ساره\", \"notify\": \"sms\"}', "
	           T0 ")");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("khidma_submit: %s", PQerrorMessage(k));
	assert_true(refno_make("01", 2, ref, sizeof ref));
	assert_string_equal(PQgetvalue(r, 0, 0), ref);
	assert_string_equal(PQgetvalue(r, 0, 1), "2");
	assert_false(PQgetisnull(r, 0, 2));        /* matched to the member */
	PQclear(r);
	snprintf(sql, sizeof sql, "SELECT name FROM khidma_track('%s', '1234')", ref);
	assert_rows(k, sql, "سارة\n");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM khidma_track('%s', '9999')", ref);
	assert_int_equal(pg_i64(k, sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM khidma_track_events('%s', '1234')", ref);
	assert_int_equal(pg_i64(k, sql), 1);
	/* the submission wrote its event and its "received" SMS */
	assert_int_equal(pg_i64(d->c, "SELECT count(*) FROM outbox WHERE request_id = 2"
	                 " AND transport = 'sms' AND event = 'received'"), 1);
	assert_int_equal(pg_i64(d->c, "SELECT n FROM request_days WHERE status = 'received'"), 2);
	/* a survey, not linked; one linked to an undelivered request */
	assert_rows(k, "SELECT result FROM khidma_survey(" T0 ", 'kiosk', '',"
	                    " '', '', '', '[{\"question\": \"q1\", \"score\": 4}]')", "ok\n");
	snprintf(sql, sizeof sql, "SELECT result FROM khidma_survey(" T0 ", 'kiosk', '',"
	         " '%s', '1234', '', '[]')", ref);
	assert_rows(k, sql, "not_delivered\n");
	assert_int_equal(pg_i64(d->c, "SELECT s4 FROM survey_channel_days"), 1);
	assert_true(pg_i64(k, "SELECT khidma_help_call('lobby-1', " T0 ")") > 0);
	assert_int_equal(pg_i64(k, "SELECT count(*) FROM khidma_documents()"), 0);
	r = PQexec(k, "SELECT n_all, n_kiosk, n_ref FROM khidma_track_fail('lobby-1',"
	           " '0100001', " T0 ", 600)");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	PQfinish(k);
}

static void branch_references(void **state)
{
	struct pgdb *d = *state;
	char ref[16], sql[512];

	migrate(d);
	for (int64_t seq = 1; seq <= 3; seq++) {
		assert_int_equal(pg_i64(d->c, "SELECT khidma_next_seq('02', 1)"), seq);
		assert_true(refno_make("02", seq, ref, sizeof ref));
		snprintf(sql, sizeof sql, "SELECT khidma_refno('02', %lld) = '%s'",
		         (long long)seq, ref);
		assert_rows(d->c, sql, "t\n");
	}
	assert_true(refno_make("07", 1234567, ref, sizeof ref));
	assert_rows(d->c, "SELECT khidma_refno('07', 1234567)",
	                    (snprintf(sql, sizeof sql, "%s\n", ref), sql));
	/* branch 01 is counted apart */
	assert_int_equal(pg_i64(d->c, "SELECT khidma_next_seq('01', 1)"), 1);
	/* a block of 50 for an offline kiosk */
	assert_int_equal(pg_i64(d->c, "SELECT khidma_next_seq('02', 50)"), 53);
	/* a request of branch 02 migrated with seq 500: the counter passes it */
	assert_true(refno_make("02", 500, ref, sizeof ref));
	snprintf(sql, sizeof sql, "INSERT INTO requests(seq, ref, category, name, national_id,"
	         " mobile, service, channel, description, created_at, earliest_response,"
	         " status, updated_at) VALUES (500, '%s', 'member', 'x', '1', '0500000000',"
	         " 's', 'c', 'd', 1, 2, 'received', 1)", ref);
	pg_ok(d->c, sql);
	assert_int_equal(pg_i64(d->c, "SELECT khidma_next_seq('02', 1)"), 501);
	assert_rows(d->c, "SELECT branch FROM requests", "02\n");
	/* one seq per branch */
	snprintf(sql, sizeof sql, "INSERT INTO requests(seq, ref, category, name, national_id,"
	         " mobile, service, channel, description, created_at, earliest_response,"
	         " status, updated_at) VALUES (500, '%s9', 'member', 'x', '1', '0500000000',"
	         " 's', 'c', 'd', 1, 2, 'received', 1)", ref);
	assert_string_equal(pg_state(d->c, sql), "23505");
}

static void arabic_name_search(void **state)
{
	struct pgdb *d = *state;
	char *plan;

	migrate(d);
	add_request(d->c);
	assert_true(pg_i64(d->c, "SELECT cardinality(show_trgm('محمد العتيبي'))") > 0);
	assert_int_equal(pg_i64(d->c, "SELECT count(*) FROM requests WHERE name_key LIKE"
	                 " '%' || 'لعتيب' || '%'"), 1);
	pg_ok(d->c, "SET enable_seqscan = off");
	plan = pg_dump(d->c, "EXPLAIN SELECT id FROM requests WHERE name_key LIKE '%عتيب%'");
	if (!strstr(plan, "requests_name_trgm"))
		fail_msg("the name search does not use the trigram index:\n%s", plan);
	free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrate_twice, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(migrate_concurrently, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(triggers_equal_sqlite, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(events_append_only, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(kiosk_least_privilege, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(branch_references, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(arabic_name_search, db_setup, db_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
