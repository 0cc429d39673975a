/*
 * Store: submitting and reading requests, the register match, the queue
 * (filters, keyset paging, search by reference / national ID / mobile /
 * Arabic name) and the queue's query plans on a large table.
 */
#include "unit/store_fixture.h"
#include "store/store_int.h"
#include "core/refno.h"
#include <time.h>

static void test_submit_fields(void **state)
{
	struct fx *f = *state;
	struct request r, got;
	struct request_event *ev;
	int n;

	setenv("KHIDMA_FAKE_NOW", "1750000000", 1);
	fx_request(&r, "نورة الحربي", "1000000050", "0500000050");
	r.email = (char *)"noura@example.com";
	strcpy(r.member_number, "");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_OK);
	unsetenv("KHIDMA_FAKE_NOW");
	assert_true(refno_valid(r.ref));
	assert_int_equal(r.created_at, 1750000000);
	assert_int_equal(r.earliest_response, 1750000000 + 14 * 86400);
	assert_int_equal(r.version, 1);
	assert_int_equal(r.member_id, 0);
	assert_int_equal(store_request_get(f->s, r.id, &got), ST_OK);
	assert_string_equal(got.ref, r.ref);
	assert_string_equal(got.name, "نورة الحربي");
	assert_string_equal(got.email, "noura@example.com");
	assert_string_equal(got.category, "member");
	assert_string_equal(got.service, "maintenance");
	assert_string_equal(got.channel, "in_person");
	assert_string_equal(got.signature, "نورة الحربي");
	assert_int_equal(got.declared_at, 1700000000);
	assert_int_equal(got.declaration_version, 1);
	assert_string_equal(got.declared_by, "kiosk");
	assert_int_equal(got.status, RS_RECEIVED);
	assert_null(got.decision_reason);
	assert_int_equal(got.earliest_response, r.earliest_response);
	request_free(&got);
	assert_int_equal(store_request_events(f->s, r.id, &ev, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].from, RS_RECEIVED);
	assert_int_equal(ev[0].to, RS_RECEIVED);
	assert_string_equal(ev[0].note, "submitted");
	request_events_free(ev, n);
	assert_int_equal(store_request_get(f->s, 4242, &got), ST_NOTFOUND);
}

static void test_submit_refusals(void **state)
{
	struct fx *f = *state;
	struct request r;

	fx_request(&r, "X Y", "1000000051", "0500000051");
	strcpy(r.service, "no_such_service");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_INVALID);
	fx_request(&r, "X Y", "1000000051", "0500000051");
	strcpy(r.category, "friend");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_INVALID);
	fx_request(&r, "\xff\xfe bad", "1000000051", "0500000051");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_INVALID);
	fx_request(&r, "", "1000000051", "0500000051");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_INVALID);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM requests"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), 0);
}

static void test_register_match(void **state)
{
	struct fx *f = *state;
	struct member a = { .number = "M-100", .name = "Ali", .national_id = "1000000052",
	                    .mobile = "0500000052", .category = "member" };
	struct member b = { .number = "M-200", .name = "Badr", .national_id = "1000000053",
	                    .mobile = "0500000053", .category = "supporter" };
	struct member got;
	struct request r;
	int64_t ida;

	assert_int_equal(store_import_begin(f->s), ST_OK);
	assert_int_equal(store_import_member(f->s, &a), ST_OK);
	assert_int_equal(store_import_member(f->s, &b), ST_OK);
	assert_int_equal(store_import_commit(f->s), ST_OK);
	assert_int_equal(store_member_by_national_id(f->s, "1000000052", &got), ST_OK);
	ida = got.id;
	member_free(&got);

	fx_request(&r, "Ali", "1000000052", "0500000052");            /* by national ID */
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_OK);
	assert_int_equal(r.member_id, ida);
	fx_request(&r, "Badr", "1999999999", "0500000053");           /* by number */
	strcpy(r.member_number, "M-200");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_OK);
	assert_true(r.member_id > 0 && r.member_id != ida);
	fx_request(&r, "Nobody", "1999999998", "0500000054");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_OK);
	assert_int_equal(r.member_id, 0);

	/* re-import keeps ids, so links stay */
	a.name = "Ali Updated";
	assert_int_equal(store_import_begin(f->s), ST_OK);
	assert_int_equal(store_import_member(f->s, &a), ST_OK);
	assert_int_equal(store_import_commit(f->s), ST_OK);
	assert_int_equal(store_member_get(f->s, ida, &got), ST_OK);
	assert_string_equal(got.name, "Ali Updated");
	member_free(&got);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM members"), 2);
}

static void test_assign_note_match(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Assign", "1000000055", "0500000055");
	struct request r;
	struct request_event *ev;
	int n;

	assert_int_equal(store_request_assign(f->s, id, 1, "admin", "officer7"), ST_OK);
	assert_int_equal(store_request_assign(f->s, id, 1, "admin", "officer8"), ST_STALE);
	assert_int_equal(store_request_note(f->s, id, "officer7", "called back"), ST_OK);
	assert_int_equal(store_request_note(f->s, id, "officer7", ""), ST_INVALID);
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	assert_string_equal(r.assigned_to, "officer7");
	assert_int_equal(r.version, 2);
	request_free(&r);
	assert_int_equal(store_request_events(f->s, id, &ev, &n), ST_OK);
	assert_int_equal(n, 3);
	assert_string_equal(ev[1].note, "assigned to officer7");
	assert_string_equal(ev[2].note, "called back");
	assert_int_equal(ev[2].from, ev[2].to);
	request_events_free(ev, n);
}

static int queue_ids(store *s, const struct queue_filter *q, int64_t *ids, int max)
{
	struct queue_row *rows;
	int n;

	assert_int_equal(store_queue(s, q, 0, 0, max, &rows, &n), ST_OK);
	for (int i = 0; i < n; i++)
		ids[i] = rows[i].id;
	queue_rows_free(rows, n);
	return n;
}

static void test_queue_filters_and_paging(void **state)
{
	struct fx *f = *state;
	struct queue_filter q = { .status = -2 };
	struct queue_row *rows;
	struct request r;
	int64_t ids[64], seen[64], last_id = 0;
	time_t last_c = 0;
	int n, total = 0;
	char now[32];

	for (int i = 0; i < 25; i++) {
		char nid[16], mob[16];

		/* two per second of fake time, so created_at ties are paged by id */
		snprintf(now, sizeof now, "%d", 1750000000 + i / 2);
		setenv("KHIDMA_FAKE_NOW", now, 1);
		snprintf(nid, sizeof nid, "10000001%02d", i);
		snprintf(mob, sizeof mob, "05000001%02d", i);
		fx_request(&r, i == 7 ? "أَحْمَد الزَّهْرَانِيّ" : "Someone Else", nid, mob);
		if (i % 3 == 0)
			strcpy(r.channel, "phone");
		assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_OK);
	}
	/* keyset paging: 10 + 10 + 5, newest first, no duplicates */
	do {
		assert_int_equal(store_queue(f->s, &q, last_c, last_id, 10, &rows, &n), ST_OK);
		for (int i = 0; i < n; i++) {
			if (total > 0) {
				assert_true(rows[i].created_at < last_c ||
				            (rows[i].created_at == last_c && rows[i].id < last_id));
			}
			seen[total++] = rows[i].id;
			last_c = rows[i].created_at;
			last_id = rows[i].id;
		}
		queue_rows_free(rows, n);
	} while (n == 10);
	assert_int_equal(total, 25);
	for (int i = 0; i < 25; i++)
		assert_int_equal(seen[i], 25 - i);

	q.channel = "phone";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 9);
	q.channel = NULL;

	/* status filters */
	assert_int_equal(store_request_transition(f->s, 3, 1, RS_RECEIVED, RS_WITHDRAWN,
	                 "officer1", NULL), ST_OK);
	q.status = -1;
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 24);
	q.status = RS_WITHDRAWN;
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 1);
	assert_int_equal(ids[0], 3);
	q.status = -2;
	assert_int_equal(store_request_assign(f->s, 5, 1, "admin", "officer1"), ST_OK);
	q.assigned_to = "officer1";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 1);
	q.assigned_to = "";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 24);
	q.assigned_to = NULL;

	/* search: Arabic name without harakat and with bare alef */
	q.search = "احمد";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 1);
	assert_int_equal(ids[0], 8);
	q.search = "زهران";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 1);
	q.search = "SOMEONE";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 24);
	/* national ID, mobile in several forms, Eastern digits */
	q.search = "1000000107";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 1);
	assert_int_equal(ids[0], 8);
	q.search = "+966 500000107";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 1);
	q.search = "٠٥٠٠٠٠٠١٠٧";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 1);
	/* reference prefix */
	assert_int_equal(store_request_get(f->s, 12, &r), ST_OK);
	{
		char pre[16];

		strlcpy_k(pre, r.ref, 8);            /* all but the check digit */
		q.search = pre;
		assert_int_equal(queue_ids(f->s, &q, ids, 64), 1);
		assert_int_equal(ids[0], 12);
		q.search = r.ref;
		assert_int_equal(queue_ids(f->s, &q, ids, 64), 1);
		pre[6] = '\0';
		q.search = pre;                      /* "010001": seq 10..19 */
		assert_int_equal(queue_ids(f->s, &q, ids, 64), 10);
	}
	request_free(&r);
	q.search = "nobody-like-this";
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 0);

	/* overdue: 20 days later every open one is overdue with sla 14 */
	q.search = NULL;
	q.overdue = true;
	q.sla_days = 14;
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 0);
	setenv("KHIDMA_FAKE_NOW", "1751728000", 1);
	assert_int_equal(queue_ids(f->s, &q, ids, 64), 24);
	assert_int_equal(store_queue(f->s, &q, 0, 0, 1, &rows, &n), ST_OK);
	assert_true(rows[0].overdue);
	queue_rows_free(rows, n);
	unsetenv("KHIDMA_FAKE_NOW");
}

/* ---- query plans on a large table ------------------------------------------ */

static char traced[2048];

static int trace_cb(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	(void)p;
	if (type == SQLITE_TRACE_STMT && strncmp((const char *)x, "SELECT id, ref", 14) == 0)
		strlcpy_k(traced, (const char *)x, sizeof traced);
	return 0;
}

/* The plan of the statement store_queue ran for q, one line per step. */
static void plan_of(store *s, const struct queue_filter *q, int64_t after,
                    char *plan, size_t n)
{
	struct queue_row *rows;
	sqlite3_stmt *st;
	char sql[2100];
	int cnt;

	struct timespec t0, t1;

	traced[0] = plan[0] = '\0';
	sqlite3_trace_v2(store_db(s), SQLITE_TRACE_STMT, trace_cb, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(store_queue(s, q, 1750000000, after, 50, &rows, &cnt), ST_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	queue_rows_free(rows, cnt);
	sqlite3_trace_v2(store_db(s), 0, NULL, NULL);
	st_cache_arm(s);        /* the store's close hook (store_int.h) */
	snprintf(plan, n, "[%d rows, %.1f ms] ", cnt, (t1.tv_sec - t0.tv_sec) * 1e3 +
	         (t1.tv_nsec - t0.tv_nsec) / 1e6);
	assert_true(traced[0]);
	snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", traced);
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t len = strlen(plan);

		snprintf(plan + len, n - len, "%s; ", (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
}

static void assert_indexed(const char *what, const char *plan, bool allow_sort)
{
	print_message("%-22s %s\n", what, plan);
	if (strstr(plan, "SCAN requests;") || strstr(plan, "SCAN requests ;"))
		fail_msg("%s: full table scan: %s", what, plan);
	if (!allow_sort && strstr(plan, "TEMP B-TREE"))
		fail_msg("%s: sorts the whole result: %s", what, plan);
}

static void test_queue_plans_large(void **state)
{
	struct fx *f = *state;
	const char *env = getenv("KHIDMA_BIG_ROWS");
	long rows = env ? atol(env) : 100000;
	struct queue_filter q;
	char sql[1024], plan[1024];

	FX_SQLITE_ONLY();        /* SQLite's query plans */

	snprintf(sql, sizeof sql,
	         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
	         "WHERE i < %ld) INSERT INTO requests(seq, ref, category, name, "
	         "national_id, mobile, service, channel, description, created_at, "
	         "earliest_response, status, assigned_to, updated_at, name_key) "
	         "SELECT i, printf('02%%07d', i), 'member', 'Name ' || i, "
	         "printf('1%%09d', i), printf('05%%08d', i), 'maintenance', "
	         "CASE i %% 8 WHEN 0 THEN 'phone' ELSE 'in_person' END, 'd', "
	         "1700000000 + i * 30, 1700000000 + i * 30 + 1209600, "
	         "CASE WHEN i %% 10 < 7 THEN 'delivered' ELSE 'received' END, "
	         "CASE i %% 5 WHEN 0 THEN 'officer' || (i %% 20) ELSE '' END, "
	         "1700000000, 'name ' || i FROM n", rows);
	assert_int_equal(sqlite3_exec(store_db(f->s), "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(store_db(f->s), "COMMIT", NULL, NULL, NULL), SQLITE_OK);

	/* Production never runs ANALYZE: the default view must not sort every
	 * open request without statistics either. */
	memset(&q, 0, sizeof q);
	q.status = -1;
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("open, no ANALYZE", plan, false);
	assert_int_equal(sqlite3_exec(store_db(f->s), "ANALYZE", NULL, NULL, NULL), SQLITE_OK);

	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("open, first page", plan, false);
	plan_of(f->s, &q, 424242, plan, sizeof plan);
	assert_indexed("open, next page", plan, false);
	q.status = RS_RECEIVED;
	plan_of(f->s, &q, 424242, plan, sizeof plan);
	assert_indexed("one status, next page", plan, false);
	q.status = -2;
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("all", plan, false);
	q.assigned_to = "officer5";
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("assigned", plan, false);
	q.assigned_to = NULL;
	q.channel = "phone";
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("channel", plan, false);
	q.channel = NULL;
	q.service = "maintenance";
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("service", plan, false);
	q.service = NULL;
	q.search = "1000004242";
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("digits (ref/nid/mobile)", plan, true);
	assert_non_null(strstr(plan, "requests_nid"));
	assert_non_null(strstr(plan, "requests_mobile"));
	q.search = "name 4242";
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("name substring (fts)", plan, true);
	assert_non_null(strstr(plan, "requests_name_fts"));
	q.search = "name";                 /* every row matches */
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("name, common", plan, true);
	q.search = "4a";
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("name, 2 characters", plan, false);
	q.search = NULL;
	q.status = -1;
	q.overdue = true;
	plan_of(f->s, &q, 0, plan, sizeof plan);
	assert_indexed("overdue", plan, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_fields, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_submit_refusals, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_register_match, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_assign_note_match, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_queue_filters_and_paging, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_queue_plans_large, fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
