/*
 * test_store_pg_kiosk — a PostgreSQL login that is only a member of
 * khidma_kiosk runs the real kiosk's store calls (store/pg_kiosk.c), and
 * the same login, stolen from the lobby, reads no member's data. On the
 * real server tests/run.sh starts (KHIDMA_TEST_PG, its superuser URI);
 * each test makes its own database (as `khidma init` would: the schema,
 * the catalog, store_pg_roles_apply) and a LOGIN role IN ROLE khidma_kiosk.
 * Without KHIDMA_TEST_PG every test fails (the PostgreSQL tests never skip).
 *
 *  - kiosk_calls: store_open on the kiosk's URI migrates and reads nothing,
 *    and every store call the kiosk makes (src/kiosk, app.c) works:
 *    the catalog, the documents, the duplicate warning (no reference
 *    handed out), submit, tracking with the proof (and only with it: the
 *    events and the re-read of another request are ST_DENIED), the
 *    throttle, the help call (once per kiosk), the consent's withdrawal,
 *    surveys (unlinked, linked, refused), the write probe, a reference
 *    block; the officer's calls fail with ST_DENIED. As the superuser:
 *    each row exists once.
 *  - stolen_credentials: as the login, SELECT/INSERT/UPDATE/DELETE/TRUNCATE/
 *    COPY of every table of the schema (read from pg_class) → SQLSTATE
 *    42501; the only SECURITY DEFINER functions it may run are the kiosk's;
 *    khidma_track/_track_events with a wrong last four give nothing, after
 *    a second (schema_pg v7); the survey and the withdrawal with a wrong
 *    last four find nothing; the duplicate check gives no reference.
 *  - ingest_only_own_block: khidma_ingest_spooled refuses a reference
 *    outside every block and one inside another login's block (nothing
 *    written), adds one inside its own, a replay with the same key is a
 *    no-op returning the same reference, another key for that reference is
 *    refused.
 *  - spool_forward_through_the_door: the kiosk's spool (store/spool.c)
 *    takes its catalog and its block through the functions and forwards a
 *    request taken offline exactly once.
 *  - schema_behind_refused: a kiosk login on a schema older than the
 *    program is refused with "run `khidma init` on the server"; nothing
 *    migrated.
 *  - offline_open_then_door: a kiosk started while its server is down
 *    (store_opts.offline_ok; the test's own server, halted and restarted)
 *    goes through the door from its first call once the server is back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "core/refno.h"
#include "store/schema_pg.h"
#include "store/spool.h"
#include "store/store.h"
#include "store_fixture.h"

struct kx {
	char dir[64];
	char db[64];               /* the database */
	char su[512];              /* its URI as the superuser */
	char login[64];            /* the kiosk's LOGIN role */
	char uri[512];             /* its URI as the kiosk's login */
	store *s;                  /* the superuser's store */
	store *k;                  /* the kiosk's store */
};

/* uri with its user= replaced by user (the test server's URI names one),
 * into out. */
static void uri_as(const char *uri, const char *user, char *out, size_t n)
{
	const char *u = strstr(uri, "user="), *e;
	int w;

	assert_non_null(u);
	e = strchr(u, '&');
	w = snprintf(out, n, "%.*suser=%s%s", (int)(u - uri), uri, user, e ? e : "");
	assert_true(w > 0 && (size_t)w < n);
}

static int kx_setup(void **state)
{
	static int seq;
	struct kx *x = calloc(1, sizeof *x);
	struct store_opts o = { .create = true };
	struct catalog_item q = { .sort = 1, .active = true };
	char err[512], sql[256];

	if (!fx_pg_uri())
		fail_msg("KHIDMA_TEST_PG is not set: run this test through tests/run.sh");
	strcpy(x->dir, "/tmp/khidma-kiosklp-XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	fx_pg_create(x->db, sizeof x->db, x->su, sizeof x->su);
	if (store_open(x->su, &o, &x->s, err, sizeof err) != ST_OK)
		fail_msg("open as the superuser: %s", err);
	fx_catalog(x->s);
	q.name_en = "Were you served well?";
	q.name_ar = "هل خدمناك جيداً؟";
	strcpy(q.code, "q1");
	assert_int_equal(store_catalog_upsert(x->s, "question", &q), ST_OK);
	if (store_pg_roles_apply(x->su, err, sizeof err) != ST_OK)
		fail_msg("roles: %s", err);
	snprintf(x->login, sizeof x->login, "kiosk_t%ld_%d", (long)getpid(), ++seq);
	snprintf(sql, sizeof sql, "CREATE ROLE %s LOGIN IN ROLE khidma_kiosk", x->login);
	fx_pg_admin(sql);
	uri_as(x->su, x->login, x->uri, sizeof x->uri);
	*state = x;
	return 0;
}

static int kx_teardown(void **state)
{
	struct kx *x = *state;
	char sql[128];

	store_close(x->k);
	store_close(x->s);
	fx_pg_drop(x->db);
	snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS %s", x->login);
	fx_pg_admin(sql);
	fx_rmdir(x->dir);
	free(x);
	return 0;
}

/* The kiosk's store, opened as app.c opens it (create: the kiosk's start). */
static void kx_open(struct kx *x)
{
	struct store_opts o = { .create = true, .busy_ms = 10000 };
	char err[512];

	if (store_open(x->uri, &o, &x->k, err, sizeof err) != ST_OK)
		fail_msg("open as the kiosk's login: %s", err);
}

/* A connection as the kiosk's login, for raw SQL. */
static PGconn *kx_raw(struct kx *x)
{
	PGconn *c = PQconnectdb(x->uri);

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect as %s: %s", x->login, PQerrorMessage(c));
	return c;
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

/* The first column of the first row of sql ("" for none; asserts success). */
static const char *pg_one(PGconn *c, const char *sql)
{
	static char v[512];
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	snprintf(v, sizeof v, "%s", PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	return v;
}

static int pg_rows(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int n;

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	n = PQntuples(r);
	PQclear(r);
	return n;
}

static void kiosk_calls(void **state)
{
	struct kx *x = *state;
	struct catalog_item *it = NULL;
	struct doc_item *docs = NULL;
	struct queue_row *rows = NULL;
	struct request_event *ev = NULL;
	struct request r, t, other;
	struct track_counts tc;
	struct survey_response sv;
	int64_t id1 = 0, id2 = 0, first = 0, last = 0, hid = 0, hid2 = 0;
	int n = 0;
	char ref[16], sql[256];

	kx_open(x);
	/* app.c: the catalog is there (no seed), the kiosk's screens read it */
	assert_int_equal(store_catalog_list(x->k, "channel", true, &it, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_string_equal(it[0].code, "in_person");
	assert_string_equal(it[1].name_ar, "الاتصالات الهاتفية");
	catalog_items_free(it, n);
	assert_int_equal(store_catalog_list(x->k, "question", false, &it, &n), ST_OK);
	assert_int_equal(n, 1);
	catalog_items_free(it, n);
	assert_int_equal(store_doc_list(x->k, false, &docs, &n), ST_OK);
	assert_int_equal(n, 0);
	doc_items_free(docs, n);
	assert_int_equal(store_check_poll(x->k), ST_OK);
	assert_int_equal(store_write_probe(x->k, 1000), ST_OK);
	assert_string_equal(store_branch(x->k), "01");

	/* intake: the duplicate warning, then the submission */
	assert_int_equal(store_requests_of(x->k, "1000000001", "maintenance", true, 0,
	                                   &rows, &n), ST_OK);
	assert_int_equal(n, 0);
	fx_request(&r, "سارة العتيبي", "1000000001", "0501231234");
	r.notify = NOTIFY_SMS;
	strcpy(r.lang, "ar");
	assert_int_equal(store_request_submit(x->k, &r, "kiosk"), ST_OK);
	id1 = r.id;
	assert_true(id1 > 0);
	assert_true(refno_valid(r.ref));
	assert_memory_equal(r.ref, "01", 2);
	assert_int_equal(r.status, RS_RECEIVED);
	assert_true(r.earliest_response >= r.created_at + 14 * 86400);
	strcpy(ref, r.ref);
	assert_int_equal(store_requests_of(x->k, "1000000001", "maintenance", true, 0,
	                                   &rows, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, id1);
	assert_string_equal(rows[0].ref, "");       /* the date, never the reference */
	assert_int_equal(rows[0].created_at, r.created_at);
	queue_rows_free(rows, n);
	assert_int_equal(store_requests_of(x->k, "1000000001", NULL, false, 0,
	                                   &rows, &n), ST_DENIED);
	fx_request(&r, "Omar", "1000000002", "0509999876");
	r.duplicate_of = 0;
	assert_int_equal(store_request_submit(x->k, &r, "kiosk"), ST_OK);
	id2 = r.id;
	assert_int_equal(store_request_submit(x->k, &r, "officer1"), ST_DENIED);

	/* tracking: only with the proof */
	assert_int_equal(store_request_by_ref(x->k, ref, &t), ST_DENIED);
	assert_int_equal(store_request_track(x->k, ref, "9999", &t), ST_NOTFOUND);
	assert_int_equal(store_request_events(x->k, id1, &ev, &n), ST_DENIED);
	assert_int_equal(store_request_track(x->k, ref, "1234", &t), ST_OK);
	assert_int_equal(t.id, id1);
	assert_string_equal(t.name, "سارة العتيبي");
	assert_int_equal(t.notify, NOTIFY_SMS);
	assert_int_equal(store_request_events(x->k, id1, &ev, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].kind, "submitted");
	request_events_free(ev, n);
	assert_int_equal(store_request_events(x->k, id2, &ev, &n), ST_DENIED);
	assert_int_equal(store_request_get(x->k, id2, &other), ST_DENIED);
	/* the throttle, then the consent withdrawn (track.c's withdraw) */
	assert_int_equal(store_track_fail_at(x->k, "lobby-1", ref, 600, &tc), ST_OK);
	assert_int_equal(tc.kiosk, 1);
	assert_int_equal(tc.ref, 1);
	assert_true(tc.all >= 1);
	assert_int_equal(store_notify_withdraw(x->k, ref, "0000"), ST_NOTFOUND);
	assert_int_equal(store_notify_withdraw(x->k, ref, "1234"), ST_OK);
	request_free(&t);
	assert_int_equal(store_request_get(x->k, id1, &t), ST_OK);
	assert_int_equal(t.notify, NOTIFY_NONE);
	assert_int_equal(t.version, 2);
	request_free(&t);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM outbox WHERE state = 'cancelled'"), 1);

	/* call an officer: once per kiosk */
	assert_int_equal(store_help_call(x->k, "lobby-1", &hid), ST_OK);
	assert_int_equal(store_help_call(x->k, "lobby-1", &hid2), ST_OK);
	assert_true(hid > 0);
	assert_int_equal(hid, hid2);

	/* surveys: unlinked; linked to an undelivered request; wrong last 4 */
	memset(&sv, 0, sizeof sv);
	strcpy(sv.channel, "in_person");
	sv.nanswers = 1;
	strcpy(sv.answers[0].question, "q1");
	sv.answers[0].score = 5;
	sv.comment = (char *)"شكراً \"جزيلاً\"\\";
	assert_int_equal(store_survey_submit(x->k, &sv), ST_OK);
	assert_true(sv.id > 0);
	strcpy(sv.ref, ref);
	strcpy(sv.last4, "1234");
	assert_int_equal(store_survey_submit(x->k, &sv), ST_DENIED);
	assert_int_equal(sv.refused, SURVEY_NOT_DELIVERED);
	snprintf(sql, sizeof sql, "UPDATE requests SET status = 'delivered' WHERE id = %lld",
	         (long long)id1);
	fx_exec(x->s, sql);
	strcpy(sv.last4, "4321");
	assert_int_equal(store_survey_submit(x->k, &sv), ST_NOTFOUND);
	strcpy(sv.last4, "1234");
	assert_int_equal(store_survey_submit(x->k, &sv), ST_OK);
	assert_string_equal(sv.service, "maintenance");
	assert_int_equal(store_survey_submit(x->k, &sv), ST_DENIED);
	assert_int_equal(sv.refused, SURVEY_ALREADY_USED);
	strcpy(sv.code, "12345678");                  /* an unknown code */
	assert_int_equal(store_survey_submit(x->k, &sv), ST_NOTFOUND);

	/* a block of references for the offline spool */
	assert_int_equal(store_ref_block_reserve(x->k, "lobby-1", 10, &first, &last), ST_OK);
	assert_int_equal(last - first, 9);
	assert_true(first > 2);

	/* an officer's calls: refused cleanly */
	{
		struct queue_filter f = { .status = -2 };
		struct officer *of = NULL;
		struct help_call *hc = NULL;
		struct catalog_item c = { .sort = 1, .active = true };
		char b[16];

		assert_int_equal(store_queue(x->k, &f, 0, 0, 10, &rows, &n), ST_DENIED);
		assert_int_equal(store_officer_list(x->k, &of, &n), ST_DENIED);
		assert_int_equal(store_help_calls_open(x->k, &hc, &n), ST_DENIED);
		c.name_en = "X";
		c.name_ar = "س";
		strcpy(c.code, "forged");
		assert_int_equal(store_catalog_upsert(x->k, "service", &c), ST_DENIED);
		assert_int_equal(store_meta_set(x->k, "branch", "07"), ST_DENIED);
		assert_int_equal(store_meta_get(x->k, "notify_from", b, sizeof b), ST_DENIED);
		assert_int_equal(store_meta_get(x->k, "branch", b, sizeof b), ST_OK);
		assert_string_equal(b, "01");
		assert_int_equal(store_request_transition(x->k, id2, 1, RS_RECEIVED,
		                 RS_VERIFIED, "kiosk", ""), ST_DENIED);
	}

	/* as the superuser: each row once */
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM requests"), 2);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE ref = '%s' AND "
	         "name = 'سارة العتيبي' AND member_id IS NULL AND declared_by = 'kiosk'", ref);
	assert_int_equal(fx_int(x->s, sql), 1);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM request_events WHERE kind = 'submitted'"), 2);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM request_events WHERE kind = 'notify_off'"), 1);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM survey_responses"), 2);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM survey_responses WHERE comment = "
	                 "'شكراً \"جزيلاً\"\\'"), 2);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM survey_answers WHERE score = 5"), 2);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM help_calls"), 1);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM track_failures WHERE kiosk = 'lobby-1'"), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM ref_blocks WHERE kiosk = 'lobby-1' "
	         "AND login = '%s'", x->login);
	assert_int_equal(fx_int(x->s, sql), 1);
}

static void stolen_credentials(void **state)
{
	struct kx *x = *state;
	char sql[512], ref[16];
	PGconn *k;
	PGresult *r;
	struct timespec t0, t1;

	fx_exec(x->s, "INSERT INTO members(number, name, national_id, mobile, category)"
	        " VALUES ('M1', 'سارة', '1000000001', '0501231234', 'member')");
	fx_exec(x->s, "INSERT INTO officers(login, name, role, pwhash) VALUES"
	        " ('ali', 'Ali', 'officer', 'x')");
	kx_open(x);
	fx_submit(x->k, "سارة", "1000000001", "0501231234");
	strcpy(ref, fx_text(x->s, "SELECT ref FROM requests"));
	k = kx_raw(x);
	/* every table of the schema, today's and tomorrow's (pg_class is
	 * readable by every login) */
	r = PQexec(k, "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p')"
	           " AND relnamespace = current_schema()::regnamespace ORDER BY 1");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_true(PQntuples(r) >= 24);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *table = PQgetvalue(r, i, 0);
		const char *fmt[] = { "SELECT * FROM %s", "DELETE FROM %s",
		                      "UPDATE %s SET %s = %s", "TRUNCATE %s",
		                      "INSERT INTO %s DEFAULT VALUES",
		                      "COPY %s TO STDOUT" };
		char col[64];

		/* the first column (pg_attribute: readable by every login) */
		snprintf(sql, sizeof sql, "SELECT attname FROM pg_attribute WHERE "
		         "attrelid = '%s'::regclass AND attnum = 1", table);
		snprintf(col, sizeof col, "%s", pg_one(k, sql));
		for (size_t j = 0; j < sizeof fmt / sizeof *fmt; j++) {
			if (j == 2)
				snprintf(sql, sizeof sql, fmt[j], table, col, col);
			else
				snprintf(sql, sizeof sql, fmt[j], table);
			if (strcmp(pg_state(k, sql), "42501") != 0)
				fail_msg("the kiosk's login: %s → %s (not 42501)", sql,
				         pg_state(k, sql));
		}
	}
	PQclear(r);
	/* a column's privilege neither */
	assert_string_equal(pg_state(k, "SELECT national_id FROM requests"), "42501");
	assert_string_equal(pg_state(k, "SELECT khidma_next_seq('01', 1000)"), "42501");
	/* the SECURITY DEFINER functions this login may run: the kiosk's */
	assert_string_equal(pg_one(k, "SELECT string_agg(p.proname, ',' ORDER BY p.proname)"
	    " FROM pg_proc p WHERE p.prosecdef AND p.prorettype <> 'trigger'::regtype"
	    " AND p.pronamespace = current_schema()::regnamespace"
	    " AND has_function_privilege(p.oid, 'EXECUTE')"),
	    "khidma_catalog,khidma_default_branch,khidma_documents,khidma_help_call,"
	    "khidma_ingest_spooled,khidma_notify_withdraw,khidma_open_requests_of,"
	    "khidma_reserve_block,khidma_schema_version,khidma_submit,khidma_survey,"
	    "khidma_track,khidma_track_events,khidma_track_fail");
	/* a member's data only with the reference and the proof */
	snprintf(sql, sizeof sql, "SELECT * FROM khidma_track('%s', '9999')", ref);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pg_rows(k, sql), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* schema_pg v7: a wrong proof costs a second, which no ROLLBACK undoes */
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 950);
	snprintf(sql, sizeof sql, "SELECT * FROM khidma_track('%s', '')", ref);
	assert_int_equal(pg_rows(k, sql), 0);
	snprintf(sql, sizeof sql, "SELECT * FROM khidma_track_events('%s', '9999')", ref);
	assert_int_equal(pg_rows(k, sql), 0);
	assert_int_equal(pg_rows(k, "SELECT * FROM khidma_track('%', '1234')"), 0);
	snprintf(sql, sizeof sql, "SELECT name FROM khidma_track('%s', '1234')", ref);
	assert_string_equal(pg_one(k, sql), "سارة");
	/* the duplicate check: a date, no reference, no name */
	assert_string_equal(pg_one(k, "SELECT ref FROM khidma_open_requests_of('1000000001',"
	                    " NULL)"), "");
	/* a wrong last four finds nothing and writes nothing */
	snprintf(sql, sizeof sql, "SELECT result FROM khidma_survey(0, 'in_person', '',"
	         " '%s', '9999', '', '[]')", ref);
	assert_string_equal(pg_one(k, sql), "notfound");
	snprintf(sql, sizeof sql, "SELECT khidma_notify_withdraw('%s', '9999', 1)", ref);
	assert_string_equal(pg_one(k, sql), "f");
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM survey_responses"), 0);
	assert_int_equal(fx_int(x->s, "SELECT version FROM requests"), 1);
	PQfinish(k);
}

/* khidma_ingest_spooled's r for reference ref, as the kiosk sends it. */
static void ingest_sql(char *sql, size_t n, const char *ref, const char *idem,
                       const char *kiosk)
{
	snprintf(sql, n, "SELECT outcome || '|' || ref FROM khidma_ingest_spooled("
	         "'{\"category\": \"member\", \"name\": \"Huda\", \"national_id\":"
	         " \"1000000003\", \"mobile\": \"0505550000\", \"service\":"
	         " \"maintenance\", \"channel\": \"in_person\", \"description\": \"d\","
	         " \"ref\": \"%s\", \"created_at\": 1700000000, \"earliest_response\":"
	         " 1701209600, \"notify\": \"sms\"}', '%s', '%s')", ref, idem, kiosk);
}

static void ingest_only_own_block(void **state)
{
	struct kx *x = *state;
	char sql[1024], ref[16], other[16], mine[16], want[48];
	int64_t first = 0, last = 0;
	PGconn *k;

	kx_open(x);
	/* a block of the superuser's (another login), then the kiosk's own */
	assert_int_equal(store_ref_block_reserve(x->s, "lobby-1", 5, &first, &last), ST_OK);
	assert_true(refno_make("01", first, other, sizeof other));
	assert_int_equal(store_ref_block_reserve(x->k, "lobby-1", 5, &first, &last), ST_OK);
	assert_true(refno_make("01", first + 1, mine, sizeof mine));
	assert_true(refno_make("01", last + 100, ref, sizeof ref));
	k = kx_raw(x);
	ingest_sql(sql, sizeof sql, ref, "k:01:x:1", "lobby-1");
	snprintf(want, sizeof want, "outside_block|%s", ref);
	assert_string_equal(pg_one(k, sql), want);
	ingest_sql(sql, sizeof sql, other, "k:01:x:2", "lobby-1");
	snprintf(want, sizeof want, "outside_block|%s", other);
	assert_string_equal(pg_one(k, sql), want);
	ingest_sql(sql, sizeof sql, mine, "k:01:x:3", "lobby-2");   /* another kiosk's name */
	snprintf(want, sizeof want, "outside_block|%s", mine);
	assert_string_equal(pg_one(k, sql), want);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM requests"), 0);
	/* its own: added once; replayed; another key refused */
	ingest_sql(sql, sizeof sql, mine, "k:01:x:4", "lobby-1");
	snprintf(want, sizeof want, "added|%s", mine);
	assert_string_equal(pg_one(k, sql), want);
	snprintf(want, sizeof want, "replay|%s", mine);
	assert_string_equal(pg_one(k, sql), want);
	ingest_sql(sql, sizeof sql, mine, "k:01:x:5", "");
	snprintf(want, sizeof want, "conflict|%s", mine);
	assert_string_equal(pg_one(k, sql), want);
	/* not a reference (bad check digit) */
	snprintf(want, sizeof want, "%.*s%c", (int)strlen(mine) - 1, mine,
	         mine[strlen(mine) - 1] == '0' ? '1' : '0');
	ingest_sql(sql, sizeof sql, want, "k:01:x:6", "");
	assert_string_equal(pg_state(k, sql), "22023");
	PQfinish(k);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE ref = '%s' AND "
	         "idem = 'k:01:x:4' AND status = 'received' AND declared_by = 'kiosk'", mine);
	assert_int_equal(fx_int(x->s, sql), 1);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM request_events"), 1);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM outbox WHERE event = 'received'"), 1);
	assert_int_equal(fx_int(x->s, "SELECT n FROM request_days"), 1);
}

static void spool_forward_through_the_door(void **state)
{
	struct kx *x = *state;
	struct spool_pass p = { 0 };
	struct request r;
	store *sp = NULL;
	char path[128], err[256], sql[256];
	int64_t left = 0;
	struct catalog_item *it = NULL;
	int n = 0;

	kx_open(x);
	snprintf(path, sizeof path, "%s/spool.db", x->dir);
	assert_int_equal(spool_open(path, &sp, err, sizeof err), ST_OK);
	assert_int_equal(spool_refill(sp, x->k, "lobby-1", 20, 50, &left), ST_OK);
	assert_int_equal(left, 50);
	assert_int_equal(store_catalog_list(sp, "service", true, &it, &n), ST_OK);
	assert_int_equal(n, 1);                  /* copied from khidma_catalog */
	catalog_items_free(it, n);
	fx_request(&r, "Huda", "1000000003", "0505550000");
	r.notify = NOTIFY_SMS;
	assert_int_equal(spool_submit(sp, &r), ST_OK);
	assert_int_equal(spool_forward(sp, x->k, 50, &p), ST_OK);
	assert_int_equal(p.sent, 1);
	assert_int_equal(p.conflicts, 0);
	assert_int_equal(spool_forward(sp, x->k, 50, &p), ST_OK);   /* nothing left */
	assert_int_equal(p.sent + p.replays + p.conflicts, 0);
	/* forwarded again (the mark lost): a replay, nothing added */
	fx_exec(sp, "DELETE FROM spool_sent");
	assert_int_equal(spool_forward(sp, x->k, 50, &p), ST_OK);
	assert_int_equal(p.replays, 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE ref = '%s' AND "
	         "idem IS NOT NULL AND notify = 'sms'", r.ref);
	assert_int_equal(fx_int(x->s, sql), 1);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(fx_int(x->s, "SELECT count(*) FROM request_events"), 1);
	store_close(sp);
}

static void schema_behind_refused(void **state)
{
	struct kx *x = *state;
	struct store_opts o = { .create = true };
	char err[512], sql[128];
	int latest = store_pg_schema_latest();

	snprintf(sql, sizeof sql, "DELETE FROM khidma_schema WHERE version = %d", latest);
	fx_exec(x->s, sql);
	assert_int_equal(store_open(x->uri, &o, &x->k, err, sizeof err), ST_DENIED);
	assert_null(x->k);
	if (!strstr(err, "run `khidma init` on the server"))
		fail_msg("the reason: %s", err);
	assert_int_equal(fx_int(x->s, "SELECT max(version) FROM khidma_schema"), latest - 1);
}

/* ---- a kiosk started while its server is down (store_opts.offline_ok) ---- */

static char own_dir[64];

/* tests/pg/pg_server.sh cmd own_dir; the URI it prints into out (may be NULL). */
static bool own_server(const char *cmd, char *out, size_t n)
{
	const char *src = getenv("KHIDMA_SRCDIR");
	char line[1400];
	FILE *p;

	snprintf(line, sizeof line, "'%s/tests/pg/pg_server.sh' %s '%s'",
	         src && *src ? src : ".", cmd, own_dir);
	if (!(p = popen(line, "r")))
		return false;
	if (out && n) {
		out[0] = '\0';
		if (fgets(out, (int)n, p))
			out[strcspn(out, "\n")] = '\0';
	}
	while (fgets(line, sizeof line, p))
		;
	return pclose(p) == 0;
}

static void own_server_stop(void)
{
	if (own_dir[0])
		own_server("stop", NULL, 0);
	own_dir[0] = '\0';
}

static void own_sql(const char *uri, const char *sql)
{
	PGconn *c = PQconnectdb(uri);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

static void offline_open_then_door(void **state)
{
	struct store_opts o = { .create = true }, ko = { .create = true, .offline_ok = true };
	struct catalog_item *it = NULL;
	char su[512], db[600], kiosk[600], err[512];
	store *s = NULL, *k = NULL;
	int n = 0;
	st_rc rc = ST_OFFLINE;

	(void)state;
	snprintf(own_dir, sizeof own_dir, "/tmp/khkl-%ld", (long)getpid());
	atexit(own_server_stop);
	if (!own_server("start", su, sizeof su) || strncmp(su, "postgresql://", 13))
		fail_msg("the test's own PostgreSQL server did not start");
	own_sql(su, "CREATE DATABASE kx TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'");
	snprintf(db, sizeof db, "postgresql:///kx%s", strchr(su, '?'));
	if (store_open(db, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("open: %s", err);
	fx_catalog(s);
	store_close(s);
	if (store_pg_roles_apply(db, err, sizeof err) != ST_OK)
		fail_msg("roles: %s", err);
	own_sql(db, "CREATE ROLE kiosk_off LOGIN IN ROLE khidma_kiosk");
	uri_as(db, "kiosk_off", kiosk, sizeof kiosk);
	/* the kiosk starts while its server is down */
	if (!own_server("halt", NULL, 0))
		fail_msg("pg_server.sh halt failed");
	assert_int_equal(store_open(kiosk, &ko, &k, err, sizeof err), ST_OK);
	assert_int_equal(store_catalog_list(k, "channel", true, &it, &n), ST_OFFLINE);
	if (!own_server("restart", NULL, 0))
		fail_msg("pg_server.sh restart failed");
	/* its first call after the server is back connects, finds the kiosk's
	 * login and goes through the door (before: the catalog's SQL, refused) */
	for (int i = 0; i < 100 && rc == ST_OFFLINE; i++) {
		rc = store_catalog_list(k, "channel", true, &it, &n);
		if (rc == ST_OFFLINE)
			usleep(100000);
	}
	assert_int_equal(rc, ST_OK);
	assert_int_equal(n, 2);
	catalog_items_free(it, n);
	assert_int_equal(store_request_by_ref(k, "0100001", &(struct request){ 0 }), ST_DENIED);
	store_close(k);
	own_server_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kiosk_calls, kx_setup, kx_teardown),
		cmocka_unit_test_setup_teardown(stolen_credentials, kx_setup, kx_teardown),
		cmocka_unit_test_setup_teardown(ingest_only_own_block, kx_setup, kx_teardown),
		cmocka_unit_test_setup_teardown(spool_forward_through_the_door, kx_setup,
		                                kx_teardown),
		cmocka_unit_test_setup_teardown(schema_behind_refused, kx_setup, kx_teardown),
		cmocka_unit_test(offline_open_then_door),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
