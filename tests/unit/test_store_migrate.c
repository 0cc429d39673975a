/*
 * Store: forward migrations from an empty file and from every earlier
 * schema version, with the data written at that version preserved.
 */
#include "unit/store_fixture.h"
#include "text/text.h"
#include "store/report.h"

static void fresh_equals_upgraded_from(void **state, int from);

/* Rows a program of schema version v could have written (raw SQL: the
 * current store functions expect the latest schema). */
static void fill_at(store *s, int v)
{
	sqlite3 *db = store_db(s);

	if (v < 1)
		return;
	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO catalog(kind, code, name_en, name_ar) VALUES "
		" ('service', 'maintenance', 'Maintenance', 'صيانة'),"
		" ('channel', 'in_person', 'In person', 'المقابلة');"
		"INSERT INTO members(number, name, national_id, mobile, category) VALUES "
		" ('M-1', 'أحمد علي', '1000000020', '0500000020', 'member');"
		"INSERT INTO requests(seq, ref, category, name, national_id, mobile, "
		" member_id, service, channel, description, created_at, "
		" earliest_response, status, updated_at) VALUES "
		" (1, '01000011', 'member', 'أحمد علي', '1000000020', '0500000020', 1,"
		"  'maintenance', 'in_person', 'old request', 1700000000, 1701209600,"
		"  'received', 1700000000),"
		" (2, '01000024', 'volunteer', 'Ḿaryam ٱلسيد', '1000000021', '0500000021', NULL,"
		"  'maintenance', 'in_person', 'another', 1700000100, 1701209700,"
		"  'committee', 1700000100);"
		"INSERT INTO request_events(request_id, at, who, from_status, to_status, note)"
		" VALUES (1, 1700000000, 'kiosk', 'received', 'received', 'submitted'),"
		"        (2, 1700000100, 'kiosk', 'received', 'received', 'submitted');"
		"INSERT INTO officers(login, name, role, pwhash) VALUES "
		" ('admin', 'Admin', 'admin', '$argon2id$fake');"
		"INSERT INTO survey_responses(day, channel) VALUES (1699999200, 'in_person');"
		"INSERT INTO survey_answers VALUES (1, 'q1', 5);",
		NULL, NULL, NULL), SQLITE_OK);
	/* what the v4 summaries are back-filled from: request 2 decided (after a
	 * note with from = to, which is no decision), a response with two scored
	 * answers and a skipped one, a response with nothing scored */
	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO request_events(request_id, at, who, from_status, to_status, note)"
		" VALUES (2, 1700200000, 'com1', 'committee', 'committee', 'looked at'),"
		"        (2, 1700300000, 'com1', 'committee', 'accepted', 'meets the conditions');"
		"UPDATE requests SET status = 'accepted' WHERE id = 2;"
		"INSERT INTO survey_answers VALUES (1, 'q2', 3), (1, 'q3', 0);"
		"INSERT INTO survey_responses(day, channel) VALUES (1699999200, 'in_person');"
		"INSERT INTO survey_answers VALUES (2, 'q1', 0);",
		NULL, NULL, NULL), SQLITE_OK);
	if (v >= 5)                   /* a v5 program sets decided_at itself */
		assert_int_equal(sqlite3_exec(db, "UPDATE requests SET decided_at = "
		                 "1700300000 WHERE id = 2", NULL, NULL, NULL), SQLITE_OK);
	if (v >= 6)                   /* a v6 program sets last_officer itself */
		assert_int_equal(sqlite3_exec(db, "UPDATE requests SET last_officer = "
		                 "'com1' WHERE id = 2", NULL, NULL, NULL), SQLITE_OK);
	if (v >= 2) {                 /* a v2 program kept the search key */
		char *k1 = text_search_key("أحمد علي"), *k2 = text_search_key("Ḿaryam ٱلسيد");
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "UPDATE requests SET name_key = "
		                 "CASE id WHEN 1 THEN ?1 ELSE ?2 END", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, k1, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, k2, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		free(k1);
		free(k2);
	}
}

/* Schema v4 invariant 5: every summary equals what the detail rows say
 * (each query counts the rows where they differ). */
static void check_summaries(store *s)
{
	assert_int_equal(fx_int(s, "SELECT count(*) FROM requests q WHERE "
	    "q.decided_at IS NOT (SELECT min(at) FROM request_events e WHERE "
	    "e.request_id = q.id AND e.to_status IN ('accepted','rejected') AND "
	    "e.from_status <> e.to_status) OR q.delivered_at IS NOT (SELECT min(at) "
	    "FROM request_events e WHERE e.request_id = q.id AND e.to_status = "
	    "'delivered' AND e.from_status <> e.to_status)"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_responses r WHERE "
	    "(s1, s2, s3, s4, s5) IS NOT (SELECT sum(score = 1), sum(score = 2), "
	    "sum(score = 3), sum(score = 4), sum(score = 5) FROM survey_answers a "
	    "WHERE a.response_id = r.id) AND s1 + s2 + s3 + s4 + s5 + "
	    "(SELECT count(*) FROM survey_answers a WHERE a.response_id = r.id) > 0"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM ("
	    "SELECT day, question, score, n FROM survey_days EXCEPT "
	    "SELECT r.day, a.question, a.score, count(*) FROM survey_answers a JOIN "
	    "survey_responses r ON r.id = a.response_id WHERE a.score BETWEEN 1 AND 5 "
	    "GROUP BY 1, 2, 3)"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_days"),
	                 fx_int(s, "SELECT count(*) FROM (SELECT DISTINCT r.day, "
	                 "a.question, a.score FROM survey_answers a JOIN survey_responses r "
	                 "ON r.id = a.response_id WHERE a.score BETWEEN 1 AND 5)"));
	/* survey_channel_days counts responses from v9 on: checked with the
	 * per-officer sums by fx_check_officer_counters */
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_channel_days"),
	                 fx_int(s, "SELECT count(DISTINCT day || '/' || channel) FROM "
	                 "survey_responses WHERE s1 + s2 + s3 + s4 + s5 > 0"));
	/* schema v5 invariant 6: the counters equal the rows */
	assert_int_equal(fx_int(s, "SELECT count(*) FROM ("
	    "SELECT day, status, service, n FROM request_days WHERE n <> 0 EXCEPT "
	    "SELECT (created_at - ((created_at % 86400) + 86400) % 86400) / 86400, "
	    "status, service, count(*) FROM requests GROUP BY 1, 2, 3)"), 0);
	assert_int_equal(fx_int(s, "SELECT coalesce(sum(n), 0) FROM request_days"),
	                 fx_int(s, "SELECT count(*) FROM requests"));
	assert_int_equal(fx_int(s, "SELECT count(*) FROM ("
	    "SELECT kind, bucket, n FROM request_durations WHERE n <> 0 EXCEPT "
	    "SELECT * FROM (SELECT 'decided', (decided_at - created_at) / 3600, "
	    "count(*) FROM requests WHERE decided_at IS NOT NULL GROUP BY 2 "
	    "UNION ALL SELECT 'delivered', (delivered_at - created_at) / 3600, "
	    "count(*) FROM requests WHERE delivered_at IS NOT NULL GROUP BY 2))"), 0);
	assert_int_equal(fx_int(s, "SELECT coalesce(sum(n), 0) FROM request_durations"),
	                 fx_int(s, "SELECT count(decided_at) + count(delivered_at) "
	                 "FROM requests"));
	/* v14 (invariant 13): the view counters back-filled and kept */
	assert_int_equal(fx_int(s, "SELECT count(*) FROM request_status_n c WHERE n <>"
	                 " (SELECT count(*) FROM requests r WHERE r.status = c.status)"), 0);
	assert_int_equal(fx_int(s, "SELECT coalesce(sum(n), 0) FROM request_status_n"),
	                 fx_int(s, "SELECT count(*) FROM requests"));
	assert_int_equal(fx_int(s, "SELECT count(*) FROM (SELECT day, n FROM"
	                 " request_due_days WHERE n <> 0 EXCEPT SELECT (created_at +"
	                 " paused_s) / 86400, count(*) FROM requests WHERE status IN"
	                 " ('received','verified','referred','committee','accepted',"
	                 "'registered') GROUP BY 1)"), 0);
	assert_int_equal(fx_int(s, "SELECT coalesce(sum(n), 0) FROM request_due_days"),
	                 fx_int(s, "SELECT count(*) FROM requests WHERE status IN"
	                 " ('received','verified','referred','committee','accepted',"
	                 "'registered')"));
	/* last_officer (v6); the per-channel and per-officer sums (v9) */
	fx_check_officer_counters(s);
	assert_int_equal(report_ensure_indexes(s), ST_OK);
}

static void check_data(store *s, int from)
{
	struct request r;
	struct officer o;
	struct request_event *ev;
	char *key;
	int n;

	if (from < 1) {
		assert_int_equal(fx_int(s, "SELECT count(*) FROM requests"), 0);
		return;
	}
	assert_int_equal(store_request_by_ref(s, "01000011", &r), ST_OK);
	assert_string_equal(r.name, "أحمد علي");
	assert_int_equal(r.member_id, 1);
	assert_int_equal(r.created_at, 1700000000);
	request_free(&r);
	assert_int_equal(store_request_events(s, 1, &ev, &n), ST_OK);
	assert_int_equal(n, 1);
	request_events_free(ev, n);
	assert_int_equal(store_officer_get(s, "admin", &o), ST_OK);
	assert_int_equal(o.role, ROLE_ADMIN);
	officer_free(&o);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_answers"), 4);
	/* v2 back-filled the search key of old rows */
	key = text_search_key("أحمد علي");
	assert_non_null(key);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM requests WHERE name_key <> ''"), 2);
	{
		struct queue_filter q = { .status = -2, .search = "احمد" };
		struct queue_row *rows;

		assert_int_equal(store_queue(s, &q, 0, 0, 10, &rows, &n), ST_OK);
		assert_int_equal(n, 1);
		assert_string_equal(rows[0].ref, "01000011");
		queue_rows_free(rows, n);
		q.search = "مريم";              /* nothing: Maryam is in Latin */
		assert_int_equal(store_queue(s, &q, 0, 0, 10, &rows, &n), ST_OK);
		assert_int_equal(n, 0);
		assert_null(rows);
		q.search = "السيد";             /* ٱ (wasla) folded to ا */
		assert_int_equal(store_queue(s, &q, 0, 0, 10, &rows, &n), ST_OK);
		assert_int_equal(n, 1);
		assert_string_equal(rows[0].ref, "01000024");
		queue_rows_free(rows, n);
	}
	free(key);
	/* v4 back-filled the report summaries from the rows written before */
	assert_int_equal(fx_int(s, "SELECT decided_at FROM requests WHERE id = 2"), 1700300000);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM requests WHERE decided_at IS NULL"), 1);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM requests WHERE delivered_at IS NOT NULL"), 0);
	assert_int_equal(fx_int(s, "SELECT s5 * 10 + s3 FROM survey_responses WHERE id = 1"), 11);
	assert_int_equal(fx_int(s, "SELECT s1 + s2 + s3 + s4 + s5 FROM survey_responses WHERE id = 2"), 0);
	assert_int_equal(fx_int(s, "SELECT sum(n) FROM survey_days"), 2);
	/* (v9: per channel, the response once, by the class of its mean
	 * (5 + 3) / 2 = 4) */
	assert_int_equal(fx_int(s, "SELECT responses * 1000 + s3 * 100 + s4 * 10 + s5 "
	                 "FROM survey_channel_days WHERE channel = 'in_person'"), 1010);
	/* v5 back-filled its counters: both requests on UTC day 19675, one
	 * received, one accepted; the decision after 299900 s, hour bucket 83 */
	assert_int_equal(fx_int(s, "SELECT count(*) FROM request_days WHERE n <> 0"), 2);
	assert_int_equal(fx_int(s, "SELECT n FROM request_days WHERE day = 19675 "
	                 "AND status = 'received' AND service = 'maintenance'"), 1);
	assert_int_equal(fx_int(s, "SELECT n FROM request_days WHERE day = 19675 "
	                 "AND status = 'accepted' AND service = 'maintenance'"), 1);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM request_durations"), 1);
	assert_int_equal(fx_int(s, "SELECT n FROM request_durations WHERE "
	                 "kind = 'decided' AND bucket = 83"), 1);
	check_summaries(s);
	/* and the upgraded database takes new requests after the old ones */
	fx_request(&r, "New One", "1000000022", "0500000022");
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	assert_int_equal(fx_int(s, "SELECT max(seq) FROM requests"), 3);
	/* the triggers keep the summaries from here on: the new request decided
	 * and delivered through the store, a survey linked to it */
	{
		static const req_status path[] = { RS_VERIFIED, RS_COMMITTEE,
			RS_REJECTED };
		struct survey_response sr;
		int64_t id = r.id;

		for (size_t i = 0; i < ARRAY_LEN(path); i++) {
			struct request cur;

			assert_int_equal(store_request_get(s, id, &cur), ST_OK);
			assert_int_equal(store_request_transition(s, id, cur.version,
			                 cur.status, path[i], "officer1", "step"), ST_OK);
			request_free(&cur);
		}
		assert_int_equal(fx_int(s, "SELECT count(*) FROM requests WHERE "
		                 "decided_at IS NOT NULL"), 2);
		memset(&sr, 0, sizeof sr);
		strcpy(sr.channel, "in_person");
		(void)id;           /* a rejected request: the response is unlinked */
		sr.nanswers = 3;
		strcpy(sr.answers[0].question, "q1");
		sr.answers[0].score = 4;
		strcpy(sr.answers[1].question, "q2");
		sr.answers[1].score = 4;
		strcpy(sr.answers[2].question, "q3");
		sr.answers[2].score = 0;
		assert_int_equal(store_survey_submit(s, &sr), ST_OK);
		assert_int_equal(fx_int(s, "SELECT s4 FROM survey_responses WHERE id = 3"), 2);
		check_summaries(s);
	}
}

static void test_from_every_version(void **state)
{
	int latest = store_schema_latest();

	(void)state;
	for (int v = 0; v < latest; v++) {
		struct store_opts o = { .create = true };
		char dir[64] = "/tmp/khidma-migrate-XXXXXX", path[128], err[256];
		store *s;

		assert_non_null(mkdtemp(dir));
		snprintf(path, sizeof path, "%s/khidma.db", dir);
		assert_int_equal(store_open_at_version(path, &o, v, &s, err, sizeof err), ST_OK);
		assert_int_equal(store_schema_version(s), v);
		fill_at(s, v);
		store_close(s);

		assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_OK);
		assert_int_equal(store_schema_version(s), latest);
		if (v == 0)
			fx_catalog(s);
		check_data(s, v);
		assert_int_equal(fx_int(s, "SELECT count(*) FROM pragma_integrity_check "
		                 "WHERE integrity_check <> 'ok'"), 0);
		assert_int_equal(fx_int(s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
		store_close(s);
		fx_rmdir(dir);
	}
}

/* v11 (schema.c invariant 11): paused_s and paused_since back-filled from
 * the needs_info intervals of the events, then kept by the triggers on
 * every status change; the queue's overdue rule leaves the paused time out. */
static void test_v11_sla_pause(void **state)
{
	struct store_opts o = { .create = true };
	char dir[64] = "/tmp/khidma-migrate-XXXXXX", path[128], err[256], now[32];
	const long long T = 1700000000, D = 86400;
	struct queue_filter f = { .status = -1, .overdue = true, .sla_days = 10,
	                          .search = "01000011" };   /* request 1 only */
	struct queue_row *rows = NULL;
	struct request r;
	int n = 0;
	store *s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/khidma.db", dir);
	assert_int_equal(store_open_at_version(path, &o, 10, &s, err, sizeof err), ST_OK);
	fill_at(s, 10);
	/* request 1: needs_info from day 1 to day 4, again from day 6 */
	assert_int_equal(sqlite3_exec(store_db(s),
		"INSERT INTO request_events(request_id, at, who, from_status, to_status, note, kind)"
		" VALUES (1, 1700086400, 'ali', 'received', 'needs_info', '', 'ask_info'),"
		"        (1, 1700345600, 'ali', 'needs_info', 'received', '', 'info_back'),"
		"        (1, 1700518400, 'ali', 'received', 'needs_info', '', 'ask_info');"
		"UPDATE requests SET status = 'needs_info', updated_at = 1700518400 WHERE id = 1;",
		NULL, NULL, NULL), SQLITE_OK);
	store_close(s);
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_OK);
	assert_int_equal(store_request_get(s, 1, &r), ST_OK);
	assert_int_equal(r.paused_s, 3 * D);
	assert_int_equal(r.paused_since, T + 6 * D);
	assert_int_equal(fx_int(s, "SELECT paused_s FROM requests WHERE id = 2"), 0);
	/* back on day 10: 4 more days paused, the clock runs again */
	snprintf(now, sizeof now, "%lld", T + 10 * D);
	setenv("KHIDMA_FAKE_NOW", now, 1);
	assert_int_equal(store_request_transition(s, 1, r.version, RS_NEEDS_INFO,
	                 RS_RECEIVED, "ali", NULL), ST_OK);
	request_free(&r);
	assert_int_equal(store_request_get(s, 1, &r), ST_OK);
	assert_int_equal(r.paused_s, 7 * D);
	assert_int_equal(r.paused_since, 0);
	/* day 16: 16 - 7 = 9 society days < 10: not overdue; day 18: 11, overdue */
	snprintf(now, sizeof now, "%lld", T + 16 * D);
	setenv("KHIDMA_FAKE_NOW", now, 1);
	assert_int_equal(store_queue(s, &f, 0, 0, 10, &rows, &n), ST_OK);
	assert_int_equal(n, 0);
	queue_rows_free(rows, n);
	snprintf(now, sizeof now, "%lld", T + 18 * D);
	setenv("KHIDMA_FAKE_NOW", now, 1);
	assert_int_equal(store_queue(s, &f, 0, 0, 10, &rows, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_true(rows[0].overdue);
	assert_int_equal(rows[0].due, T + 17 * D);
	queue_rows_free(rows, n);
	unsetenv("KHIDMA_FAKE_NOW");
	request_free(&r);
	store_close(s);
	fx_rmdir(dir);
}

/* The schema a fresh file gets equals the schema a file upgraded from any
 * earlier version gets. */
static void test_fresh_equals_upgraded(void **state)
{
	for (int v = 1; v < store_schema_latest(); v++)
		fresh_equals_upgraded_from(state, v);
}

static void fresh_equals_upgraded_from(void **state, int from)
{
	struct store_opts o = { .create = true };
	char dir[64] = "/tmp/khidma-migrate-XXXXXX", a[128], b[128], err[256];
	const char *q = "SELECT group_concat(type || ' ' || name || ' ' || sql, char(10)) "
	                "FROM (SELECT * FROM sqlite_schema ORDER BY name)";
	sqlite3_stmt *st;
	store *s1, *s2;
	char *sa, *sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/a.db", dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	assert_int_equal(store_open(a, &o, &s1, err, sizeof err), ST_OK);
	assert_int_equal(store_open_at_version(b, &o, from, &s2, err, sizeof err), ST_OK);
	store_close(s2);
	assert_int_equal(store_open(b, &o, &s2, err, sizeof err), ST_OK);
	assert_int_equal(sqlite3_prepare_v2(store_db(s1), q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	sa = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(store_db(s2), q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	sb = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
	store_close(s1);
	store_close(s2);
	fx_rmdir(dir);
}

/* A second connection upgrades a file another connection holds open at
 * version 1; the first then sees the latest version. */
static void test_upgrade_while_an_old_connection_is_open(void **state)
{
	struct store_opts o = { .create = true };
	char dir[64] = "/tmp/khidma-migrate-XXXXXX", path[128], err[256];
	store *s1, *s2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/khidma.db", dir);
	assert_int_equal(store_open_at_version(path, &o, 1, &s1, err, sizeof err), ST_OK);
	assert_int_equal(store_open(path, &o, &s2, err, sizeof err), ST_OK);
	assert_int_equal(store_schema_version(s1), store_schema_latest());
	assert_int_equal(st_rc_name(ST_OK)[0], 'o');
	store_close(s1);
	store_close(s2);
	assert_int_equal(store_open(path, &o, &s1, err, sizeof err), ST_OK);
	assert_int_equal(fx_int(s1, "SELECT count(*) FROM pragma_table_info('requests') "
	                 "WHERE name = 'name_key'"), 1);
	store_close(s1);
	fx_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_every_version),
		cmocka_unit_test(test_fresh_equals_upgraded),
		cmocka_unit_test(test_upgrade_while_an_old_connection_is_open),
		cmocka_unit_test(test_v11_sla_pause),
	};
	return cmocka_run_group_tests_name("store_migrate", tests, NULL, NULL);
}
