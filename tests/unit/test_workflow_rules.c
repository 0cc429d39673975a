/*
 * The rules of issue "the policy, enforced", one by one with the words the
 * officer reads: refer_back returns where the request came from, withdraw
 * and reopen need reasons, conflicts of interest, the committee quorum, the
 * study period and its exception, on-behalf intake for desk roles only, and
 * the audit checker refusing trails the workflow would never write.
 * (test_workflow_search.c proves the same rules over every sequence.)
 */
#include "unit/store_fixture.h"
#include "workflow/workflow.h"

static const char all_matched[] = "name=1,national_id=1,mobile=1,category=1";

static struct officer who(const char *login, officer_role role)
{
	struct officer o;

	memset(&o, 0, sizeof o);
	strlcpy_k(o.login, login, sizeof o.login);
	o.role = role;
	o.active = true;
	return o;
}

static void later(store *s, int64_t id, int days)
{
	char sql[96], v[32];

	snprintf(sql, sizeof sql, "SELECT created_at FROM requests WHERE id = %lld",
	         (long long)id);
	snprintf(v, sizeof v, "%lld", (long long)(fx_int(s, sql) + days * 86400LL));
	setenv("KHIDMA_FAKE_NOW", v, 1);
}

static const char *identity(const char *s)
{
	return s;
}

static void load(store *s, int64_t id, struct request *r)
{
	assert_int_equal(store_request_get(s, id, r), ST_OK);
}

/* study_days sets the date the member is given and the date the
 * committee is held to: the same column. */
static void test_study_days_setting(void **state)
{
	struct fx *f = *state;
	int64_t id;
	struct request r;

	store_set_study_days(f->s, 20);
	id = fx_submit(f->s, "Twenty", "1000000042", "0500000042");
	load(f->s, id, &r);
	assert_int_equal(r.earliest_response, r.created_at + 20 * 86400);
	request_free(&r);
	store_set_study_days(f->s, 0);          /* < 1: the default, 14 */
	id = fx_submit(f->s, "Fourteen", "1000000043", "0500000043");
	load(f->s, id, &r);
	assert_int_equal(r.earliest_response, r.created_at + 14 * 86400);
	request_free(&r);
}

static void match(store *s, int64_t id, const char *fm)
{
	struct request r;

	load(s, id, &r);
	assert_int_equal(store_request_set_match(s, id, r.version, "A", fm, 0), ST_OK);
	request_free(&r);
}

static void audit_ok(store *s, int64_t id, int quorum)
{
	struct request r;
	struct request_event *ev;
	int n;
	char msg[256];

	load(s, id, &r);
	assert_int_equal(store_request_events(s, id, &ev, &n), ST_OK);
	if (wf_audit_request(&r, ev, n, quorum, msg, sizeof msg) != 0)
		fail_msg("%s", msg);
	request_events_free(ev, n);
	request_free(&r);
}

/* Finding 1: refer an unverified request, explained, forward → refused. */
static void test_refer_back_returns(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Back", "1000000031", "0500000031");
	struct officer a = who("A", ROLE_OFFICER), b = who("B", ROLE_OFFICER),
	               res = who("R", ROLE_RESEARCHER);
	struct request r;
	const char *why;

	load(f->s, id, &r);
	assert_int_equal(wf_apply(f->s, &r, WF_REFER, &a, NULL), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_REFER_BACK, &res, "explained"), ST_OK);
	assert_int_equal(r.status, RS_RECEIVED);          /* still unverified */
	assert_int_equal(wf_apply_why(f->s, &r, WF_FORWARD, &a, NULL, &why), ST_DENIED);
	assert_string_equal(why, "This action is not allowed now.");
	assert_int_equal(r.status, RS_RECEIVED);
	request_free(&r);
	/* verified, referred, explained: back to verified */
	match(f->s, id, all_matched);
	load(f->s, id, &r);
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &b, NULL), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_REFER, &a, NULL), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_REFER_BACK, &res, NULL), ST_OK);
	assert_int_equal(r.status, RS_VERIFIED);
	request_free(&r);
	audit_ok(f->s, id, 1);
	/* the verify event keeps what was checked at that moment */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events WHERE "
	                 "kind = 'verify' AND who = 'B' AND note = 'fields checked: "
	                 "name=1,national_id=1,mobile=1,category=1'"), 1);
}

/* The caller's copy says matched, the row says otherwise: the transaction
 * decides on the row. */
static void test_verify_checks_the_row(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Row", "1000000032", "0500000032");
	struct officer b = who("B", ROLE_OFFICER);
	struct request r;
	const char *why;

	match(f->s, id, "name=1,national_id=1,mobile=0,category=1");
	load(f->s, id, &r);
	strcpy(r.field_match, all_matched);       /* a forged caller copy */
	assert_null(wf_refusal(&r, WF_VERIFY, &b, NULL));
	assert_int_equal(wf_apply_why(f->s, &r, WF_VERIFY, &b, NULL, &why), ST_DENIED);
	assert_string_equal(why, "Every required field must be marked matched before verifying.");
	assert_int_equal(r.status, RS_RECEIVED);
	request_free(&r);
}

static void test_withdraw_and_reopen(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Reopen", "1000000033", "0500000033");
	struct officer a = who("A", ROLE_OFFICER), b = who("B", ROLE_OFFICER),
	               m = who("M", ROLE_ADMIN);
	struct request r;
	const char *why;

	match(f->s, id, all_matched);
	load(f->s, id, &r);
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &b, NULL), ST_OK);
	assert_int_equal(wf_apply_why(f->s, &r, WF_WITHDRAW, &a, "  ", &why), ST_DENIED);
	assert_string_equal(why, "A reason is required for this action.");
	assert_int_equal(wf_apply(f->s, &r, WF_WITHDRAW, &a, "the member asked by phone"), ST_OK);
	assert_int_equal(r.status, RS_WITHDRAWN);
	assert_int_equal(wf_apply(f->s, &r, WF_REOPEN, &a, "mistake"), ST_DENIED);
	assert_int_equal(wf_apply(f->s, &r, WF_REOPEN, &m, NULL), ST_DENIED);
	assert_int_equal(wf_apply(f->s, &r, WF_REOPEN, &m, "withdrawn by mistake"), ST_OK);
	assert_int_equal(r.status, RS_VERIFIED);          /* where it was */
	request_free(&r);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events WHERE "
	                 "kind = 'reopen' AND who = 'M' AND from_status = 'withdrawn' "
	                 "AND to_status = 'verified' AND note = 'withdrawn by mistake'"), 1);
	audit_ok(f->s, id, 1);
}

/* Finding 2: the enterer, verifier or forwarder may not decide. */
static void test_conflicts(void **state)
{
	struct fx *f = *state;
	struct officer a = who("A", ROLE_OFFICER), b = who("B", ROLE_OFFICER),
	               a_com = who("A", ROLE_COMMITTEE), b_com = who("B", ROLE_COMMITTEE),
	               c = who("C", ROLE_COMMITTEE);
	struct request r;
	const char *why;

	fx_request(&r, "Conflict", "1000000034", "0500000034");
	assert_int_equal(wf_submit(f->s, &r, &a), ST_OK);
	assert_string_equal(r.declared_by, "A");
	match(f->s, r.id, all_matched);
	load(f->s, r.id, &r);
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &a, NULL), ST_DENIED);
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &b, NULL), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_FORWARD, &b, NULL), ST_OK);
	later(f->s, r.id, 15);
	/* A entered it, B verified and forwarded it: neither decides, even
	 * moved to the committee */
	assert_int_equal(wf_apply_why(f->s, &r, WF_ACCEPT, &a_com, "fine", &why), ST_DENIED);
	assert_string_equal(why, "You entered, verified or forwarded this request: "
	                    "another committee member must decide it.");
	assert_int_equal(wf_apply(f->s, &r, WF_REJECT, &b_com, "no"), ST_DENIED);
	assert_int_equal(r.status, RS_COMMITTEE);
	assert_int_equal(wf_apply(f->s, &r, WF_ACCEPT, &c, "meets the policy"), ST_OK);
	assert_int_equal(r.status, RS_ACCEPTED);
	unsetenv("KHIDMA_FAKE_NOW");
	audit_ok(f->s, r.id, 1);
	request_free(&r);
}

static void test_intake_desk_roles_only(void **state)
{
	struct fx *f = *state;
	static const officer_role roles[] = { ROLE_OFFICER, ROLE_RESEARCHER,
	                                      ROLE_COMMITTEE, ROLE_ADMIN };
	struct request r;

	for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
		struct officer o = who("X", roles[i]);
		bool desk = roles[i] == ROLE_OFFICER || roles[i] == ROLE_ADMIN;
		int64_t n0 = fx_int(f->s, "SELECT count(*) FROM requests");

		assert_int_equal(wf_may_intake(roles[i]), desk);
		fx_request(&r, "Intake", "1000000035", "0500000035");
		assert_int_equal(wf_submit(f->s, &r, &o), desk ? ST_OK : ST_DENIED);
		assert_int_equal(fx_int(f->s, "SELECT count(*) FROM requests"), n0 + desk);
	}
	/* an inactive officer enters nothing either */
	struct officer off = who("Y", ROLE_OFFICER);
	off.active = false;
	fx_request(&r, "Intake", "1000000035", "0500000035");
	assert_int_equal(wf_submit(f->s, &r, &off), ST_DENIED);
}

/* To the committee, by B, after the kiosk intake. */
static int64_t at_committee(struct fx *f, const char *nid)
{
	int64_t id = fx_submit(f->s, "Committee", nid, "0500000036");
	struct officer b = who("B", ROLE_OFFICER);
	struct request r;

	match(f->s, id, all_matched);
	load(f->s, id, &r);
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &b, NULL), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_FORWARD, &b, NULL), ST_OK);
	request_free(&r);
	return id;
}

static void test_quorum(void **state)
{
	struct fx *f = *state;
	int64_t id = at_committee(f, "1000000036");
	struct officer c = who("C", ROLE_COMMITTEE), d = who("D", ROLE_COMMITTEE),
	               e = who("E", ROLE_COMMITTEE);
	struct request r;
	const char *why;

	wf_configure(2);
	assert_int_equal(wf_quorum(), 2);
	later(f->s, id, 15);
	load(f->s, id, &r);
	assert_int_equal(wf_apply(f->s, &r, WF_ACCEPT, &c, "complete file"), ST_OK);
	assert_int_equal(r.status, RS_COMMITTEE);         /* one vote of two */
	assert_null(r.decision_reason);
	assert_int_equal(wf_apply_why(f->s, &r, WF_REJECT, &c, "second thoughts", &why), ST_DENIED);
	assert_string_equal(why, "You have already voted on this request.");
	assert_int_equal(wf_apply(f->s, &r, WF_REJECT, &d, "not eligible"), ST_OK);
	assert_int_equal(r.status, RS_COMMITTEE);         /* 1 accept, 1 reject */
	assert_int_equal(wf_apply(f->s, &r, WF_ACCEPT, &e, "agree with C"), ST_OK);
	assert_int_equal(r.status, RS_ACCEPTED);          /* 2 accept */
	assert_string_equal(r.decision_reason, "agree with C");
	request_free(&r);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events WHERE "
	                 "request_id = 1 AND kind IN ('vote_accept','vote_reject')"), 2);
	audit_ok(f->s, id, 2);
	/* the checker holds the quorum: with 3 the same trail is short a vote */
	{
		struct request_event *ev;
		int n;
		char msg[256];

		load(f->s, id, &r);
		assert_int_equal(store_request_events(f->s, id, &ev, &n), ST_OK);
		assert_int_equal(wf_audit_request(&r, ev, n, 3, msg, sizeof msg), -1);
		assert_non_null(strstr(msg, "quorum"));
		request_events_free(ev, n);
		request_free(&r);
	}
	wf_configure(1);
	unsetenv("KHIDMA_FAKE_NOW");
}

/* Finding 3: no decision before the earliest-response date, unless an
 * admin's exception; the refusal says the date. */
static void test_study_period(void **state)
{
	struct fx *f = *state;
	int64_t id = at_committee(f, "1000000037");
	struct officer c = who("C", ROLE_COMMITTEE), m = who("M", ROLE_ADMIN),
	               a = who("A", ROLE_OFFICER);
	struct request r;
	const char *why;
	char text[256], date[64];

	load(f->s, id, &r);
	assert_int_equal(r.earliest_response, r.created_at + 14 * 86400);
	assert_int_equal(wf_apply_why(f->s, &r, WF_ACCEPT, &c, "fine", &why), ST_DENIED);
	assert_ptr_equal(why, wf_msg_study_period);
	khidma_date(r.earliest_response, date, sizeof date);
	wf_refusal_text(why, &r, identity, text, sizeof text);
	assert_non_null(strstr(text, date));       /* when a decision becomes possible */
	request_free(&r);
	/* the exception: admin only, with a reason, audited */
	load(f->s, id, &r);
	assert_int_equal(wf_apply(f->s, &r, WF_EXCEPTION, &a, "urgent"), ST_DENIED);
	assert_int_equal(wf_apply(f->s, &r, WF_EXCEPTION, &m, ""), ST_DENIED);
	assert_int_equal(wf_apply(f->s, &r, WF_EXCEPTION, &m, "house flooded: urgent"), ST_OK);
	assert_int_equal(r.status, RS_COMMITTEE);
	assert_int_equal(wf_apply(f->s, &r, WF_EXCEPTION, &m, "again"), ST_DENIED);
	assert_int_equal(wf_apply(f->s, &r, WF_ACCEPT, &c, "urgent repair"), ST_OK);
	assert_int_equal(r.status, RS_ACCEPTED);
	request_free(&r);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events WHERE "
	                 "kind = 'exception' AND who = 'M' AND note = 'house flooded: urgent'"), 1);
	audit_ok(f->s, id, 1);
	/* after the date no exception is needed */
	id = at_committee(f, "1000000038");
	later(f->s, id, 14);
	load(f->s, id, &r);
	assert_int_equal(wf_apply(f->s, &r, WF_EXCEPTION, &m, "late"), ST_DENIED);
	assert_int_equal(wf_apply(f->s, &r, WF_REJECT, &c, "outside the policy"), ST_OK);
	request_free(&r);
	unsetenv("KHIDMA_FAKE_NOW");
	audit_ok(f->s, id, 1);
}

static void test_refusal_text(void **state)
{
	struct request r;
	char buf[256], date[64];

	(void)state;
	memset(&r, 0, sizeof r);
	r.earliest_response = 1765843200;            /* 16 December 2025 */
	khidma_date(r.earliest_response, date, sizeof date);
	wf_refusal_text(wf_msg_study_period, &r, identity, buf, sizeof buf);
	assert_non_null(strstr(buf, date));
	assert_non_null(strstr(buf, "No decision before "));
	wf_refusal_text("You have already voted on this request.", &r, identity, buf, sizeof buf);
	assert_string_equal(buf, "You have already voted on this request.");
	wf_refusal_text(NULL, &r, identity, buf, sizeof buf);
	assert_string_equal(buf, "This action is not allowed now.");
}

/* The checker refuses what only a bypass writes: a raw status change into
 * verified without verify (finding 1's trail), and a decision event with a
 * note typed as a vote is still a note. */
static void test_checker_catches_bypass(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Bypass", "1000000039", "0500000039");
	struct request r, cur;
	struct request_event *ev;
	int n;
	char msg[256];
	static const req_status path[][2] = {
		{ RS_RECEIVED, RS_REFERRED }, { RS_REFERRED, RS_VERIFIED },
		{ RS_VERIFIED, RS_COMMITTEE },
	};

	for (size_t i = 0; i < ARRAY_LEN(path); i++) {
		load(f->s, id, &cur);
		assert_int_equal(store_request_transition(f->s, id, cur.version, path[i][0],
		                 path[i][1], "A", NULL), ST_OK);
		request_free(&cur);
	}
	load(f->s, id, &r);
	assert_int_equal(store_request_events(f->s, id, &ev, &n), ST_OK);
	assert_int_equal(wf_audit_request(&r, ev, n, 1, msg, sizeof msg), -1);
	/* refer_back into verified from a request referred while received */
	assert_non_null(strstr(msg, "event 3: A2"));
	request_events_free(ev, n);
	request_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refer_back_returns, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_verify_checks_the_row, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_withdraw_and_reopen, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_conflicts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_intake_desk_roles_only, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_quorum, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_study_period, fx_setup, fx_teardown),
		cmocka_unit_test(test_refusal_text),
		cmocka_unit_test_setup_teardown(test_study_days_setting, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_checker_catches_bypass, fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
