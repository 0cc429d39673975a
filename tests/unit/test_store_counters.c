/*
 * Store: the schema-v5 counters (request_days, request_durations) equal
 * what the rows say after every kind of write — submit, each workflow
 * transition, assignment, match, note, survey, members import, and raw
 * SQL inserts/updates/deletes, an earlier decision recorded late —
 * and the report read from them gives the
 * figures of the rows themselves: counts for unbounded, one-sided,
 * day-aligned and unaligned periods, and whole-time percentiles with many
 * durations inside one hour bucket and across buckets; and the
 * per-officer sums (schema v6) through assignment, reassignment,
 * unassignment and events by other officers, equal to the report of a
 * period covering everything.
 */
#include "unit/store_fixture.h"
#include "store/store_int.h"

#include <math.h>

#include "store/report.h"

#define DAY 86400

static void at(time_t t)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)t);
	setenv("KHIDMA_FAKE_NOW", buf, 1);
}


/* Schema invariant 6: each query counts the rows where counter and
 * recomputation differ (rows with n = 0 are allowed and ignored). */
static void check_counters(store *s)
{
	assert_int_equal(fx_int(s, "SELECT count(*) FROM ("
	    "SELECT day, status, service, n FROM request_days WHERE n <> 0 EXCEPT "
	    "SELECT (created_at - ((created_at % 86400) + 86400) % 86400) / 86400, "
	    "status, service, count(*) FROM requests GROUP BY 1, 2, 3) AS x"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM request_days WHERE n <> 0"),
	                 fx_int(s, "SELECT count(*) FROM (SELECT DISTINCT "
	                 "(created_at - ((created_at % 86400) + 86400) % 86400) / 86400,"
	                 " status, service FROM requests) AS x"));
	assert_int_equal(fx_int(s, "SELECT count(*) FROM request_days WHERE n < 0"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM ("
	    "SELECT kind, bucket, n FROM request_durations WHERE n <> 0 EXCEPT "
	    "SELECT * FROM (SELECT 'decided', (d - ((d % 3600) + 3600) % 3600) / 3600, count(*) FROM "
	    " (SELECT decided_at - created_at AS d FROM requests WHERE decided_at "
	    "  IS NOT NULL) AS a GROUP BY 2 UNION ALL "
	    "SELECT 'delivered', (d - ((d % 3600) + 3600) % 3600) / 3600, count(*) FROM "
	    " (SELECT delivered_at - created_at AS d FROM requests WHERE delivered_at "
	    "  IS NOT NULL) AS b GROUP BY 2) AS c) AS x"), 0);
	assert_int_equal(fx_int(s, "SELECT coalesce(sum(n), 0) FROM request_durations "
	                 "WHERE kind = 'decided'"),
	                 fx_int(s, "SELECT count(*) FROM requests WHERE decided_at IS NOT NULL"));
	assert_int_equal(fx_int(s, "SELECT coalesce(sum(n), 0) FROM request_durations "
	                 "WHERE kind = 'delivered'"),
	                 fx_int(s, "SELECT count(*) FROM requests WHERE delivered_at IS NOT NULL"));
	assert_int_equal(fx_int(s, "SELECT count(*) FROM request_durations WHERE n < 0"), 0);
	/* and the columns they count are the first decision / delivery */
	assert_int_equal(fx_int(s, "SELECT count(*) FROM requests q WHERE "
	    "q.decided_at IS DISTINCT FROM (SELECT min(at) FROM request_events e WHERE "
	    "e.request_id = q.id AND e.to_status IN ('accepted','rejected') AND "
	    "e.from_status <> e.to_status) OR q.delivered_at IS DISTINCT FROM (SELECT min(at) "
	    "FROM request_events e WHERE e.request_id = q.id AND e.to_status = "
	    "'delivered' AND e.from_status <> e.to_status)"), 0);
	fx_check_officer_counters(s);
}


static int64_t submit(store *s, time_t when, const char *service)
{
	struct request r;

	at(when);
	fx_request(&r, "Counter Case", "1000000020", "0500000020");
	strcpy(r.service, service);
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	check_counters(s);
	return r.id;
}

static void move(store *s, int64_t id, time_t when, req_status to)
{
	struct request cur;

	at(when);
	assert_int_equal(store_request_get(s, id, &cur), ST_OK);
	assert_int_equal(store_request_transition(s, id, cur.version, cur.status,
	                 to, "officer1", "step"), ST_OK);
	request_free(&cur);
	check_counters(s);
}

static void catalog_more(store *s)
{
	struct catalog_item it = { .sort = 3, .active = true };

	it.name_en = "Training";
	it.name_ar = "تدريب";
	strcpy(it.code, "training");
	assert_int_equal(store_catalog_upsert(s, "service", &it), ST_OK);
}

/* The report's counts against the rows, for [since, until) (0 = open). */
static void check_counts(store *s, time_t since, time_t until)
{
	struct report_opts o = { .since = since, .until = until, .sla_days = 30 };
	struct report *r = NULL;
	char sql[512];
	int64_t lo = since ? since : INT64_MIN, hi = until ? until : INT64_MAX;

	assert_int_equal(report_build(s, &o, &r), ST_OK);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE created_at "
	         ">= %lld AND created_at < %lld", (long long)lo, (long long)hi);
	assert_int_equal(r->total, fx_int(s, sql));
	for (int st = 0; st < RS__COUNT; st++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE "
		         "created_at >= %lld AND created_at < %lld AND status = '%s'",
		         (long long)lo, (long long)hi, req_status_name((req_status)st));
		assert_int_equal(r->by_status[st], fx_int(s, sql));
	}
	snprintf(sql, sizeof sql, "SELECT count(DISTINCT service) FROM requests "
	         "WHERE created_at >= %lld AND created_at < %lld", (long long)lo,
	         (long long)hi);
	assert_int_equal(r->nservice, fx_int(s, sql));
	for (int i = 0; i < r->nservice; i++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE "
		         "created_at >= %lld AND created_at < %lld AND service = '%s'",
		         (long long)lo, (long long)hi, r->by_service[i].code);
		assert_int_equal(r->by_service[i].n, fx_int(s, sql));
		if (i > 0)
			assert_true(r->by_service[i - 1].n >= r->by_service[i].n);
	}
	report_free(r);
}

/* The whole-time percentiles against sorting every duration in C. */
static void check_times(store *s)
{
	static const char *const col[2] = { "decided_at", "delivered_at" };
	struct report *r = NULL;
	struct report_opts o = { .sla_days = 30 };

	assert_int_equal(report_build(s, &o, &r), ST_OK);
	for (int k = 0; k < 2; k++) {
		const struct report_duration *d = k ? &r->to_delivery : &r->to_decision;
		double *x = NULL;
		int64_t n = 0;
		sq_stmt *st;
		char sql[200];

		snprintf(sql, sizeof sql, "SELECT %s - created_at FROM requests WHERE "
		         "%s IS NOT NULL ORDER BY 1", col[k], col[k]);
		assert_int_equal(sq_prep(s, sql, &st), ST_OK);
		while (sq_step(st) == SQ_ROW) {
			x = realloc(x, (size_t)(n + 1) * sizeof *x);
			x[n++] = (double)sq_col_i64(st, 0) / DAY;
		}
		sq_finalize(st);
		assert_int_equal(d->n, n);
		assert_true(d->median_days == report_percentile(x, n, 0.5));
		assert_true(d->p90_days == report_percentile(x, n, 0.9));
		free(x);
	}
	report_free(r);
}

static void test_counters_follow_every_write(void **state)
{
	struct fx *f = *state;
	store *s = f->s;
	/* 2025-03-03 00:00 UTC, and times either side of UTC midnights */
	const time_t D = 1740960000;
	int64_t id[12];
	struct survey_response sr;
	struct request cur8;
	struct member m;

	catalog_more(s);
	check_counters(s);
	id[0] = submit(s, D - 1, "maintenance");          /* last second of a day */
	id[1] = submit(s, D, "maintenance");              /* first of the next */
	id[2] = submit(s, D + 3600, "training");
	id[3] = submit(s, D + DAY - 1, "training");
	id[4] = submit(s, D + DAY + 10, "maintenance");
	for (int i = 5; i < 12; i++)
		id[i] = submit(s, D + 2 * DAY + i * 60, i % 2 ? "training" : "maintenance");

	/* every transition of the workflow's main path, and the side ones */
	move(s, id[0], D + 2 * DAY, RS_VERIFIED);
	move(s, id[0], D + 3 * DAY, RS_COMMITTEE);
	move(s, id[0], D + 4 * DAY, RS_ACCEPTED);
	move(s, id[0], D + 5 * DAY, RS_REGISTERED);
	move(s, id[0], D + 6 * DAY, RS_DELIVERED);
	move(s, id[1], D + DAY, RS_NEEDS_INFO);
	move(s, id[1], D + 2 * DAY, RS_RECEIVED);
	move(s, id[1], D + 3 * DAY, RS_VERIFIED);
	move(s, id[1], D + 3 * DAY + 5, RS_REFERRED);
	move(s, id[1], D + 4 * DAY, RS_COMMITTEE);
	move(s, id[1], D + 4 * DAY + 100, RS_REJECTED);
	move(s, id[2], D + 2 * DAY, RS_WITHDRAWN);
	move(s, id[3], D + 5 * DAY, RS_VERIFIED);
	move(s, id[3], D + 5 * DAY + 1, RS_COMMITTEE);
	move(s, id[3], D + 5 * DAY + 2, RS_ACCEPTED);
	/* many decisions inside one hour bucket, with different seconds */
	for (int i = 5; i < 12; i++) {
		move(s, id[i], D + 3 * DAY, RS_VERIFIED);
		move(s, id[i], D + 3 * DAY + 1, RS_COMMITTEE);
		move(s, id[i], D + 3 * DAY + 60 * (12 - i) + i, i == 7 ? RS_REJECTED
		     : RS_ACCEPTED);
	}
	move(s, id[8], D + 9 * DAY, RS_REGISTERED);
	move(s, id[8], D + 9 * DAY + 7, RS_DELIVERED);

	/* assignment, match and note change no counter, and keep them right */
	at(D + 10 * DAY);
	assert_int_equal(store_request_assign(s, id[4], 1, "admin", "officer1"), ST_OK);
	check_counters(s);
	assert_int_equal(store_request_set_match(s, id[4], 2, "officer1", "name=1", 0), ST_OK);
	check_counters(s);
	assert_int_equal(store_request_note(s, id[4], "officer1", "called"), ST_OK);
	check_counters(s);

	/* a survey linked to a delivered request, and a members import */
	memset(&sr, 0, sizeof sr);
	strcpy(sr.channel, "in_person");
	assert_int_equal(store_request_get(s, id[8], &cur8), ST_OK);
	strcpy(sr.ref, cur8.ref);
	strcpy(sr.last4, cur8.mobile + strlen(cur8.mobile) - 4);
	request_free(&cur8);
	sr.nanswers = 1;
	strcpy(sr.answers[0].question, "q1");
	sr.answers[0].score = 5;
	assert_int_equal(store_survey_submit(s, &sr), ST_OK);
	check_counters(s);
	memset(&m, 0, sizeof m);
	strcpy(m.number, "M-1");
	m.name = "Counter Case";
	strcpy(m.national_id, "1000000020");
	strcpy(m.mobile, "0500000020");
	strcpy(m.category, "member");
	assert_int_equal(store_import_begin(s), ST_OK);
	assert_int_equal(store_import_member(s, &m), ST_OK);
	assert_int_equal(store_import_commit(s), ST_OK);
	check_counters(s);

	/* raw SQL writers are kept too: an insert, an earlier decision
	 * inserted after a later one (re-dates decided_at: its duration
	 * changes bucket), a moved receipt time, a delete */
	fx_exec(s, "INSERT INTO requests(seq, ref, category, name, national_id, mobile,"
		" service, channel, description, created_at, earliest_response, status,"
		" updated_at) VALUES (100, '01001007', 'member', 'Raw',"
		" '1000000021', '0500000021', 'training', 'in_person', 'd', -5000,"
		" 0, 'accepted', 0);");
	check_counters(s);
	assert_int_equal(fx_int(s, "SELECT decided_at FROM requests WHERE id = 4"),
	                 D + 5 * DAY + 2);
	/* (a raw writer sets decided_at and last_officer with the event:
	 * schema invariants 7, 8) */
	fx_exec(s, "INSERT INTO request_events(request_id, at, who, from_status,"
		" to_status, note) VALUES (4, 1741305600, 'committee1', 'committee',"
		" 'rejected', 'earlier'), (4, 1741305000, 'committee1', 'committee',"
		" 'committee', 'a note is no decision');"
		"UPDATE requests SET decided_at = 1741305600, last_officer = "
		"  'committee1' WHERE id = 4;");
	assert_int_equal(fx_int(s, "SELECT decided_at FROM requests WHERE id = 4"),
	                 1741305600);
	check_counters(s);
	fx_exec(s, "UPDATE requests SET created_at = created_at - 90000 WHERE id = 5;"
		"UPDATE requests SET created_at = created_at + 7000 WHERE id = 1;");
	check_counters(s);
	check_times(s);
	fx_exec(s, "DELETE FROM requests WHERE seq = 100;");
	check_counters(s);

	/* the report from the counters = the report from the rows */
	check_times(s);
	check_counts(s, 0, 0);
	check_counts(s, D, 0);                      /* UTC-day aligned */
	check_counts(s, 0, D + DAY);
	check_counts(s, D, D + 2 * DAY);
	check_counts(s, D - 1, D + DAY + 11);       /* unaligned ends */
	check_counts(s, D + 1, D + 3 * DAY - 1);
	check_counts(s, D + 3000, D + 4000);        /* inside one day */
	check_counts(s, D + DAY - 1, D + DAY);      /* one second */
	check_counts(s, D - 10800, D + 2 * DAY - 10800);  /* local (UTC+3) days */
	unsetenv("KHIDMA_FAKE_NOW");
}

/* A response to delivered request `request` (linked by its reference and
 * mobile), or unlinked (request 0), scoring q1 a and q2 b (q3 skipped). */
static void survey(store *s, int64_t request, int a, int b)
{
	struct survey_response sr;
	struct request r;

	memset(&sr, 0, sizeof sr);
	strcpy(sr.channel, "in_person");
	if (request) {
		assert_int_equal(store_request_get(s, request, &r), ST_OK);
		strcpy(sr.ref, r.ref);
		strcpy(sr.last4, r.mobile + strlen(r.mobile) - 4);
		request_free(&r);
	}
	sr.nanswers = 3;
	strcpy(sr.answers[0].question, "q1");
	sr.answers[0].score = a;
	strcpy(sr.answers[1].question, "q2");
	sr.answers[1].score = b;
	strcpy(sr.answers[2].question, "q3");
	sr.answers[2].score = 0;
	assert_int_equal(store_survey_submit(s, &sr), ST_OK);
	check_counters(s);
}

/* The per-officer figures of the whole-time report = those of a period
 * covering everything. */
static void check_officer_report(store *s)
{
	struct report_opts all = { .sla_days = 30, .min_n = 30 };
	struct report_opts span = { .since = 1, .until = 4000000000, .sla_days = 30,
	                            .min_n = 30 };
	struct report *a = NULL, *b = NULL;

	assert_int_equal(report_build(s, &all, &a), ST_OK);
	assert_int_equal(report_build(s, &span, &b), ST_OK);
	assert_int_equal(a->nofficer, b->nofficer);
	assert_int_equal(a->officers_hidden, b->officers_hidden);
	for (int i = 0; i < a->nofficer; i++) {
		assert_string_equal(a->by_officer[i].key, b->by_officer[i].key);
		assert_int_equal(a->by_officer[i].responses, b->by_officer[i].responses);
		assert_int_equal(a->by_officer[i].n, b->by_officer[i].n);
		assert_int_equal(a->by_officer[i].msum, b->by_officer[i].msum);
		assert_memory_equal(a->by_officer[i].dist, b->by_officer[i].dist,
		                    sizeof a->by_officer[i].dist);
	}
	report_free(a);
	report_free(b);
}

static void step(store *s, int64_t id, req_status to, const char *who)
{
	struct request cur;

	assert_int_equal(store_request_get(s, id, &cur), ST_OK);
	assert_int_equal(store_request_transition(s, id, cur.version, cur.status,
	                 to, who, "step"), ST_OK);
	request_free(&cur);
	check_counters(s);
}

/* A delivered request: verified by v, registered by g, delivered by d. */
static int64_t delivered(store *s, time_t when, const char *v, const char *g,
                         const char *d)
{
	int64_t id = submit(s, when, "maintenance");

	step(s, id, RS_VERIFIED, v);
	step(s, id, RS_COMMITTEE, v);
	step(s, id, RS_ACCEPTED, "com1");
	step(s, id, RS_REGISTERED, g);
	step(s, id, RS_DELIVERED, d);
	return id;
}

/* Schema v9: the per-officer sums are the credited responses, frozen at
 * delivery, kept through every later write. */
static void test_officer_counters(void **state)
{
	struct fx *f = *state;
	store *s = f->s;
	const time_t D = 1740960000;
	int64_t id[40], u;

	catalog_more(s);
	for (int i = 0; i < 35; i++)
		id[i] = delivered(s, D + i * 60, "ahmad", i % 2 ? "huda" : "sara",
		                  i < 5 ? "ahmad" : "huda");
	u = submit(s, D + 3000, "training");             /* never delivered */
	for (int i = 0; i < 35; i++)
		survey(s, id[i], 1 + i % 5, i % 3 ? 5 : 0);
	survey(s, 0, 4, 3);                              /* unlinked */
	survey(s, 0, 0, 0);                              /* nothing scored */
	check_officer_report(s);
	assert_int_equal(fx_int(s, "SELECT sum(responses) FROM survey_officer_days "
	                 "WHERE officer = 'ahmad'"), 35);  /* verified all; delivered 5 */
	assert_int_equal(fx_int(s, "SELECT sum(responses) FROM survey_officer_days "
	                 "WHERE officer = 'huda'"), 32);   /* registered 17 (odd) or delivered 30 (5..34) */
	assert_int_equal(fx_int(s, "SELECT sum(responses) FROM survey_officer_days "
	                 "WHERE officer = 'sara'"), 18);

	/* later writes change no credit: assignment, note, transitions */
	at(D + 9000);
	for (int i = 0; i < 5; i++) {
		struct request cur;

		assert_int_equal(store_request_get(s, id[i], &cur), ST_OK);
		assert_int_equal(store_request_assign(s, id[i], cur.version, "admin", "omar"),
		                 ST_OK);
		request_free(&cur);
		check_counters(s);
		assert_int_equal(store_request_note(s, id[i], "com1", "looked again"), ST_OK);
		check_counters(s);
	}
	step(s, u, RS_VERIFIED, "omar");
	check_officer_report(s);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_officer_days WHERE "
	                 "officer IN ('omar', 'com1', 'admin')"), 0);
	assert_int_equal(fx_int(s, "SELECT sum(responses) FROM survey_officer_days "
	                 "WHERE officer = 'ahmad'"), 35);
	unsetenv("KHIDMA_FAKE_NOW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_officer_counters,
		                                fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_counters_follow_every_write,
		                                fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
