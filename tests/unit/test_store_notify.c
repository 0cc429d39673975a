/*
 * Store: notifications (issue 14, schema v12) — the consent stored at
 * intake, the outbox rows written in the transaction of the status change
 * (and nowhere else), the sender's claims (quiet hours, the daily limit,
 * backoff, at most once through a crash), the withdrawal at the kiosk, and
 * the one-time survey code that links a response without a trace.
 */
#include "unit/store_fixture.h"
#include "store/store_int.h"

static int64_t submit_with(store *s, const char *nid, const char *mobile,
                           int notify, const char *email, const char *lang)
{
	struct request r;

	fx_request(&r, "Sara Ali", nid, mobile);
	r.notify = notify;
	r.email = (char *)email;
	strcpy(r.lang, lang);
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	return r.id;
}

static int64_t count_where(store *s, const char *fmt, int64_t id)
{
	char sql[512];

	snprintf(sql, sizeof sql, fmt, (long long)id);
	return fx_int(s, sql);
}

static void to(store *s, int64_t id, req_status from, req_status st, const char *note)
{
	struct request r;

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_transition(s, id, r.version, from, st, "ali", note), ST_OK);
	request_free(&r);
}

/* The consent is stored with its time and declaration version; the
 * "received" message is written with the request, one row per transport
 * the consent names, never without consent. */
static void test_consent_and_received(void **state)
{
	struct fx *f = *state;
	struct request got;
	int64_t none, sms, both, both_no_mail;

	setenv("KHIDMA_FAKE_NOW", "1750000000", 1);
	none = submit_with(f->s, "1000000001", "0500000001", NOTIFY_NONE, "", "ar");
	sms = submit_with(f->s, "1000000002", "0500000002", NOTIFY_SMS, "", "en");
	both = submit_with(f->s, "1000000003", "0500000003", NOTIFY_BOTH, "a@example.org", "ar");
	both_no_mail = submit_with(f->s, "1000000004", "0500000004", NOTIFY_BOTH, "", "ar");
	unsetenv("KHIDMA_FAKE_NOW");

	assert_int_equal(store_request_get(f->s, sms, &got), ST_OK);
	assert_int_equal(got.notify, NOTIFY_SMS);
	assert_int_equal(got.notify_at, 1750000000);
	assert_int_equal(got.notify_decl, 1);
	assert_string_equal(got.lang, "en");
	request_free(&got);
	assert_int_equal(store_request_get(f->s, none, &got), ST_OK);
	assert_int_equal(got.notify, NOTIFY_NONE);
	assert_int_equal(got.notify_at, 0);
	request_free(&got);

	assert_int_equal(count_where(f->s, "SELECT count(*) FROM outbox WHERE request_id = %lld", none), 0);
	assert_int_equal(count_where(f->s, "SELECT count(*) FROM outbox WHERE request_id = %lld "
	                 "AND event = 'received' AND transport = 'sms' AND address = "
	                 "'0500000002' AND lang = 'en' AND state = 'queued'", sms), 1);
	assert_int_equal(count_where(f->s, "SELECT count(*) FROM outbox WHERE request_id = %lld", both), 2);
	assert_int_equal(count_where(f->s, "SELECT count(*) FROM outbox WHERE request_id = %lld "
	                 "AND transport = 'email' AND address = 'a@example.org'", both), 1);
	assert_int_equal(count_where(f->s, "SELECT count(*) FROM outbox WHERE request_id = %lld", both_no_mail), 1);
	/* the date is the earliest response; the key names request, event, transport */
	assert_int_equal(count_where(f->s, "SELECT count(*) FROM outbox o JOIN requests q ON "
	                 "q.id = o.request_id WHERE o.request_id = %lld AND o.date = "
	                 "q.earliest_response AND o.ref = q.ref AND o.idem = 'k' || q.id "
	                 "|| '-e' || o.event_id || '-sms'", sms), 1);
}

/* Each event of the table (notify.c) makes its message; notes,
 * assignments and other transitions make none. */
static void test_events(void **state)
{
	struct fx *f = *state;
	int64_t id = submit_with(f->s, "1000000005", "0500000005", NOTIFY_SMS, "", "ar");
	struct request r;

	assert_int_equal(store_request_note(f->s, id, "ali", "called him"), ST_OK);
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	assert_int_equal(store_request_assign(f->s, id, r.version, "ali", "ali"), ST_OK);
	request_free(&r);
	to(f->s, id, RS_RECEIVED, RS_NEEDS_INFO, "Bring the electricity bill");
	to(f->s, id, RS_NEEDS_INFO, RS_RECEIVED, "");
	to(f->s, id, RS_RECEIVED, RS_VERIFIED, "");
	to(f->s, id, RS_VERIFIED, RS_COMMITTEE, "");
	to(f->s, id, RS_COMMITTEE, RS_ACCEPTED, "meets the rules");
	to(f->s, id, RS_ACCEPTED, RS_REGISTERED, "");
	to(f->s, id, RS_REGISTERED, RS_DELIVERED, "");
	assert_string_equal(fx_text(f->s, "SELECT group_concat(event, ',') FROM (SELECT "
	                    "event FROM outbox ORDER BY id)"),
	                    "received,needs_info,accepted,registered,delivered");
	assert_string_equal(fx_text(f->s, "SELECT text FROM outbox WHERE event = 'needs_info'"),
	                    "Bring the electricity bill");
	assert_string_equal(fx_text(f->s, "SELECT text FROM outbox WHERE event = 'accepted'"), "");
	/* the delivery carries a fresh 8-digit code; only its hash is kept */
	assert_int_equal(fx_int(f->s, "SELECT length(code) = 8 AND code GLOB '[0-9]*' FROM "
	                 "outbox WHERE event = 'delivered'"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM survey_codes WHERE used = 0"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM survey_codes c, outbox o WHERE "
	                 "o.event = 'delivered' AND instr(c.hash, o.code) > 0"), 0);

	/* rejected carries the reason */
	id = submit_with(f->s, "1000000006", "0500000006", NOTIFY_SMS, "", "en");
	to(f->s, id, RS_RECEIVED, RS_VERIFIED, "");
	to(f->s, id, RS_VERIFIED, RS_COMMITTEE, "");
	to(f->s, id, RS_COMMITTEE, RS_REJECTED, "Income above the limit");
	assert_string_equal(fx_text(f->s, "SELECT text FROM outbox WHERE event = 'rejected'"),
	                    "Income above the limit");
}

/* The outbox row is part of the status change's transaction: when its
 * insert fails, the change and its event are rolled back with it; a stale
 * change writes neither. */
static void test_same_transaction(void **state)
{
	struct fx *f = *state;
	int64_t id = submit_with(f->s, "1000000007", "0500000007", NOTIFY_SMS, "", "ar");
	int64_t events = count_where(f->s, "SELECT count(*) FROM request_events WHERE "
	                             "request_id = %lld", id);
	struct request r;

	assert_int_equal(sqlite3_exec(store_db(f->s), "CREATE TEMP TRIGGER no_outbox "
	                 "BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'refused'); END;",
	                 NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	assert_int_not_equal(store_request_transition(f->s, id, r.version, RS_RECEIVED,
	                     RS_NEEDS_INFO, "ali", "the bill"), ST_OK);
	request_free(&r);
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	assert_int_equal(r.status, RS_RECEIVED);
	assert_int_equal(r.version, 1);
	request_free(&r);
	assert_int_equal(count_where(f->s, "SELECT count(*) FROM request_events WHERE "
	                 "request_id = %lld", id), events);
	/* the submission too: no request without its message */
	assert_int_not_equal(store_request_submit(f->s, &(struct request){ 0 }, "kiosk"), ST_OK);
	{
		struct request q;

		fx_request(&q, "Huda Saad", "1000000008", "0500000008");
		q.notify = NOTIFY_SMS;
		assert_int_not_equal(store_request_submit(f->s, &q, "kiosk"), ST_OK);
		assert_int_equal(fx_int(f->s, "SELECT count(*) FROM requests WHERE "
		                 "national_id = '1000000008'"), 0);
	}
	assert_int_equal(sqlite3_exec(store_db(f->s), "DROP TRIGGER no_outbox", NULL,
	                 NULL, NULL), SQLITE_OK);
	/* stale: nothing */
	assert_int_equal(store_request_transition(f->s, id, 99, RS_RECEIVED, RS_NEEDS_INFO,
	                 "ali", "x"), ST_STALE);
	assert_int_equal(count_where(f->s, "SELECT count(*) FROM outbox WHERE request_id = %lld",
	                 id), 1);
}

static bool all_dead(void *ctx, const char *by, time_t at)
{
	(void)ctx;
	(void)at;
	return strcmp(by, "host:1") == 0;
}

/* Claims: due order, quiet hours and the daily limit move next_at without
 * a try; failures back off exponentially and end failed; a dead claimant's
 * row becomes unknown and is never claimed again. */
static void test_claims(void **state)
{
	struct fx *f = *state;
	struct outbox_policy p = { .now = 2000000000, .who = "host:1" };
	struct outbox_msg m;
	int n;

	setenv("KHIDMA_FAKE_NOW", "1999990000", 1);
	submit_with(f->s, "1000000009", "0500000009", NOTIFY_BOTH, "b@example.org", "ar");
	unsetenv("KHIDMA_FAKE_NOW");
	/* quiet: the SMS moves to the morning, the e-mail is claimed */
	p.sms_quiet_until = p.now + 3600;
	assert_int_equal(store_outbox_claim(f->s, &p, &m), ST_OK);
	assert_string_equal(m.transport, "email");
	assert_int_equal(m.tries, 1);
	assert_string_equal(m.state, "sending");
	assert_int_equal(fx_int(f->s, "SELECT next_at FROM outbox WHERE transport = 'sms'"),
	                 p.now + 3600);
	assert_int_equal(fx_int(f->s, "SELECT tries FROM outbox WHERE transport = 'sms'"), 0);
	assert_int_equal(store_outbox_claim(f->s, &p, &(struct outbox_msg){ 0 }), ST_NOTFOUND);
	/* a failure: back to queued, next in retry_s; then 2 x, then failed */
	assert_int_equal(store_outbox_done(f->s, m.id, "host:1", false, false, "451 later",
	                 p.now, 10, 3), ST_OK);
	assert_int_equal(fx_int(f->s, "SELECT next_at FROM outbox WHERE transport = 'email'"),
	                 p.now + 10);
	assert_string_equal(fx_text(f->s, "SELECT answer FROM outbox WHERE transport = 'email'"),
	                    "451 later");
	/* not this claimant's any more: refused */
	assert_int_equal(store_outbox_done(f->s, m.id, "host:1", true, false, "", p.now, 10, 3),
	                 ST_STALE);
	outbox_msg_clear(&m);
	p.sms_quiet_until = 0;
	p.transport = "email";
	p.now += 10;
	assert_int_equal(store_outbox_claim(f->s, &p, &m), ST_OK);
	assert_int_equal(m.tries, 2);
	assert_int_equal(store_outbox_done(f->s, m.id, "host:1", false, false, "451", p.now, 10, 3), ST_OK);
	assert_int_equal(fx_int(f->s, "SELECT next_at FROM outbox WHERE transport = 'email'"),
	                 p.now + 20);
	outbox_msg_clear(&m);
	p.now += 20;
	assert_int_equal(store_outbox_claim(f->s, &p, &m), ST_OK);
	assert_int_equal(store_outbox_done(f->s, m.id, "host:1", false, false, "451", p.now, 10, 3), ST_OK);
	assert_string_equal(fx_text(f->s, "SELECT state FROM outbox WHERE transport = 'email'"),
	                    "failed");
	outbox_msg_clear(&m);
	/* daily limit 1: a second message for the same member waits a day */
	p.transport = NULL;
	p.now += 3600;
	p.per_day = 1;
	p.day_start = p.now - 100;
	p.next_day = p.now + 1000;
	assert_int_equal(store_outbox_claim(f->s, &p, &m), ST_OK);     /* the SMS */
	assert_string_equal(m.transport, "sms");
	assert_int_equal(store_outbox_done(f->s, m.id, "host:1", true, false, "ok", p.now, 10, 3), ST_OK);
	outbox_msg_clear(&m);
	to(f->s, fx_int(f->s, "SELECT max(id) FROM requests"), RS_RECEIVED, RS_NEEDS_INFO, "x");
	assert_int_equal(store_outbox_claim(f->s, &p, &m), ST_NOTFOUND);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox WHERE event = 'needs_info' "
	                 "AND transport = 'sms' AND next_at = 2000004630 AND tries = 0"), 1);
	/* a crash: the claimed row becomes unknown, never queued again */
	p.now = 2000004630;
	p.day_start = p.now;
	p.next_day = p.now + 86400;
	assert_int_equal(store_outbox_claim(f->s, &p, &m), ST_OK);
	assert_int_equal(store_outbox_recover(f->s, all_dead, NULL, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_string_equal(fx_text(f->s, "SELECT state FROM outbox WHERE id = (SELECT max(id) "
	                    "FROM outbox WHERE transport = 'sms')"), "unknown");
	assert_int_equal(store_outbox_done(f->s, m.id, "host:1", true, false, "", p.now, 10, 3),
	                 ST_STALE);
	outbox_msg_clear(&m);
	p.now += 86400 * 3;
	p.day_start = p.now;
	p.next_day = p.now + 86400;
	assert_int_equal(store_outbox_claim(f->s, &p, &m), ST_OK);      /* the e-mail */
	assert_string_equal(m.transport, "email");
	outbox_msg_clear(&m);
	assert_int_equal(store_outbox_claim(f->s, &p, &m), ST_NOTFOUND);
}

/* Withdrawal at the kiosk: ref + last 4 digits; the queued messages are
 * cancelled, later events send nothing; audited. */
static void test_withdraw(void **state)
{
	struct fx *f = *state;
	int64_t id = submit_with(f->s, "1000000010", "0500001234", NOTIFY_SMS, "", "ar");
	struct request r;

	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	assert_int_equal(store_notify_withdraw(f->s, r.ref, "9999"), ST_NOTFOUND);
	assert_int_equal(store_notify_withdraw(f->s, "0100000000", "1234"), ST_NOTFOUND);
	assert_int_equal(store_notify_withdraw(f->s, r.ref, "1234"), ST_OK);
	request_free(&r);
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	assert_int_equal(r.notify, NOTIFY_NONE);
	assert_true(r.notify_at > 0);
	assert_int_equal(r.version, 2);
	request_free(&r);
	assert_string_equal(fx_text(f->s, "SELECT state FROM outbox"), "cancelled");
	assert_int_equal(count_where(f->s, "SELECT count(*) FROM request_events WHERE "
	                 "request_id = %lld AND kind = 'notify_off' AND who = 'kiosk'", id), 1);
	to(f->s, id, RS_RECEIVED, RS_NEEDS_INFO, "x");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox"), 1);
}

static void deliver(store *s, int64_t id)
{
	to(s, id, RS_RECEIVED, RS_VERIFIED, "");
	to(s, id, RS_VERIFIED, RS_COMMITTEE, "");
	to(s, id, RS_COMMITTEE, RS_ACCEPTED, "ok");
	to(s, id, RS_ACCEPTED, RS_REGISTERED, "");
	to(s, id, RS_REGISTERED, RS_DELIVERED, "");
}

/* The survey code: links the response like reference + mobile (service,
 * credit), works once, and the stored response cannot be joined back to
 * the request: no column of it holds the request's id, reference, mobile,
 * national ID, the code, its hash or the message's key. */
static void test_survey_code(void **state)
{
	struct fx *f = *state;
	int64_t id = submit_with(f->s, "1000000011", "0500004321", NOTIFY_SMS, "", "ar");
	struct survey_response sr;
	char code[16];
	sqlite3_stmt *st;
	const char *secrets[7];
	char hash[64], ref[16], idem[48];
	int ncols;

	deliver(f->s, id);
	snprintf(code, sizeof code, "%s", fx_text(f->s, "SELECT code FROM outbox WHERE "
	         "event = 'delivered'"));
	snprintf(hash, sizeof hash, "%s", fx_text(f->s, "SELECT hash FROM survey_codes"));
	snprintf(ref, sizeof ref, "%s", fx_text(f->s, "SELECT ref FROM requests"));
	snprintf(idem, sizeof idem, "%s", fx_text(f->s, "SELECT idem FROM outbox WHERE "
	         "event = 'delivered'"));
	assert_int_equal(strlen(code), 8);

	memset(&sr, 0, sizeof sr);
	strcpy(sr.channel, "in_person");
	sr.nanswers = 1;
	strcpy(sr.answers[0].question, "q1");
	sr.answers[0].score = 5;
	strcpy(sr.code, "12345678");
	if (strcmp(code, "12345678") == 0)
		strcpy(sr.code, "87654321");
	assert_int_equal(store_survey_submit(f->s, &sr), ST_NOTFOUND);
	strcpy(sr.code, code);
	assert_int_equal(store_survey_submit(f->s, &sr), ST_OK);
	assert_string_equal(sr.service, "maintenance");
	assert_string_equal(sr.credited[0], "ali");
	assert_string_equal(sr.credited[2], "ali");
	assert_int_equal(store_survey_submit(f->s, &sr), ST_DENIED);
	assert_int_equal(sr.refused, SURVEY_ALREADY_USED);
	/* and ref + mobile cannot add a second one */
	memset(sr.code, 0, sizeof sr.code);
	strcpy(sr.ref, ref);
	strcpy(sr.last4, "4321");
	assert_int_equal(store_survey_submit(f->s, &sr), ST_DENIED);
	assert_int_equal(sr.refused, SURVEY_ALREADY_USED);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM survey_responses"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM survey_responses WHERE "
	                 "service = 'maintenance' AND off_delivered = 'ali'"), 1);

	/* the join: no stored value of the response is any of these */
	/* (the request's id is a small number like the counts: the column
	 * names above rule it out) */
	secrets[0] = hash; secrets[1] = ref; secrets[2] = "0500004321";
	secrets[3] = "1000000011"; secrets[4] = code; secrets[5] = hash;
	secrets[6] = idem;
	assert_int_equal(sqlite3_prepare_v2(store_db(f->s), "SELECT * FROM survey_responses",
	                 -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	ncols = sqlite3_column_count(st);
	for (int c = 0; c < ncols; c++) {
		const char *name = sqlite3_column_name(st, c);
		const char *v = (const char *)sqlite3_column_text(st, c);

		assert_null(strstr(name, "request"));
		assert_null(strstr(name, "code"));
		assert_null(strstr(name, "hash"));
		assert_null(strstr(name, "ref"));
		if (strcmp(name, "id") == 0)
			continue;        /* the response's own rowid */
		for (size_t k = 0; v && k < ARRAY_LEN(secrets); k++)
			assert_true(strcmp(v, secrets[k]) != 0);
	}
	sqlite3_finalize(st);
	/* no table but survey_codes relates a code to a request, and it only
	 * holds the hash */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM outbox WHERE code <> ''"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_consent_and_received, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_events, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_same_transaction, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_claims, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_withdraw, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_survey_code, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
