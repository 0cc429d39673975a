/*
 * Workflow: every (action, status, role) triple against an expectation list
 * written here independently of workflow.c, reasons, maker-checker, stale
 * versions and the one-event-per-transition rule.
 */
#include "unit/store_fixture.h"
#include "workflow/workflow.h"

static const char *const action_names[WF__COUNT] = {
	"ask_info", "info_back", "verify", "refer", "refer_back", "forward",
	"accept", "reject", "register", "deliver", "withdraw", "reopen",
	"exception", "intake", "duplicate",
};

/* The policy's table, expanded to triples: action, from, role → to. */
static const struct { const char *action, *from, *role, *to; } expect[] = {
	{ "ask_info",   "received",   "officer",    "needs_info" },
	{ "ask_info",   "received",   "admin",      "needs_info" },
	{ "info_back",  "needs_info", "officer",    "received" },
	{ "info_back",  "needs_info", "admin",      "received" },
	{ "verify",     "received",   "officer",    "verified" },
	{ "verify",     "received",   "admin",      "verified" },
	{ "refer",      "received",   "officer",    "referred" },
	{ "refer",      "received",   "admin",      "referred" },
	{ "refer",      "verified",   "officer",    "referred" },
	{ "refer",      "verified",   "admin",      "referred" },
	/* back to where it was referred from; force_status leaves no refer
	 * event, so: received (test_refer_back_returns covers the real path) */
	{ "refer_back", "referred",   "researcher", "received" },
	{ "refer_back", "referred",   "admin",      "received" },
	{ "forward",    "verified",   "officer",    "committee" },
	{ "forward",    "verified",   "admin",      "committee" },
	{ "accept",     "committee",  "committee",  "accepted" },
	{ "reject",     "committee",  "committee",  "rejected" },
	{ "register",   "accepted",   "officer",    "registered" },
	{ "register",   "accepted",   "admin",      "registered" },
	{ "deliver",    "registered", "officer",    "delivered" },
	{ "deliver",    "registered", "admin",      "delivered" },
	{ "withdraw",   "received",   "officer",    "withdrawn" },
	{ "withdraw",   "received",   "admin",      "withdrawn" },
	{ "withdraw",   "needs_info", "officer",    "withdrawn" },
	{ "withdraw",   "needs_info", "admin",      "withdrawn" },
	{ "withdraw",   "verified",   "officer",    "withdrawn" },
	{ "withdraw",   "verified",   "admin",      "withdrawn" },
	{ "withdraw",   "referred",   "officer",    "withdrawn" },
	{ "withdraw",   "referred",   "admin",      "withdrawn" },
	{ "withdraw",   "committee",  "officer",    "withdrawn" },
	{ "withdraw",   "committee",  "admin",      "withdrawn" },
	{ "withdraw",   "accepted",   "officer",    "withdrawn" },
	{ "withdraw",   "accepted",   "admin",      "withdrawn" },
	{ "withdraw",   "registered", "officer",    "withdrawn" },
	{ "withdraw",   "registered", "admin",      "withdrawn" },
	{ "reopen",     "withdrawn",  "admin",      "received" },
	{ "exception",  "received",   "admin",      "received" },
	{ "exception",  "needs_info", "admin",      "needs_info" },
	{ "exception",  "verified",   "admin",      "verified" },
	{ "exception",  "referred",   "admin",      "referred" },
	{ "exception",  "committee",  "admin",      "committee" },
	/* closed as the duplicate of an open twin (the link: duplicate_of) */
	{ "duplicate",  "received",   "officer",    "withdrawn" },
	{ "duplicate",  "received",   "admin",      "withdrawn" },
	{ "duplicate",  "needs_info", "officer",    "withdrawn" },
	{ "duplicate",  "needs_info", "admin",      "withdrawn" },
	{ "duplicate",  "verified",   "officer",    "withdrawn" },
	{ "duplicate",  "verified",   "admin",      "withdrawn" },
	{ "duplicate",  "referred",   "officer",    "withdrawn" },
	{ "duplicate",  "referred",   "admin",      "withdrawn" },
	{ "duplicate",  "committee",  "officer",    "withdrawn" },
	{ "duplicate",  "committee",  "admin",      "withdrawn" },
	{ "duplicate",  "accepted",   "officer",    "withdrawn" },
	{ "duplicate",  "accepted",   "admin",      "withdrawn" },
	{ "duplicate",  "registered", "officer",    "withdrawn" },
	{ "duplicate",  "registered", "admin",      "withdrawn" },
};

static const char *expected_to(int a, int st, int role)
{
	for (size_t i = 0; i < ARRAY_LEN(expect); i++)
		if (!strcmp(expect[i].action, action_names[a]) &&
		    !strcmp(expect[i].from, req_status_name((req_status)st)) &&
		    !strcmp(expect[i].role, officer_role_name((officer_role)role)))
			return expect[i].to;
	return NULL;
}

static void officer_of(struct officer *o, officer_role role, const char *login)
{
	memset(o, 0, sizeof *o);
	strcpy(o->login, login);
	o->role = role;
	o->active = true;
}

/* Put request id into status st directly (test set-up, not the workflow). */
static void force_status(store *s, int64_t id, req_status st, const char *match)
{
	char sql[256];

	snprintf(sql, sizeof sql, "UPDATE requests SET status = '%s', field_match = "
	         "'%s', version = version + 1 WHERE id = %lld",
	         req_status_name(st), match, (long long)id);
	fx_exec(s, sql);
}

/* Run the workflow `days` days after request id was received (0: now,
 * inside the study period): KHIDMA_FAKE_NOW. */
static void set_days_after(store *s, int64_t id, int days)
{
	char sql[96], v[32];

	if (days == 0) {
		unsetenv("KHIDMA_FAKE_NOW");
		return;
	}
	snprintf(sql, sizeof sql, "SELECT created_at FROM requests WHERE id = %lld",
	         (long long)id);
	snprintf(v, sizeof v, "%lld", (long long)(fx_int(s, sql) + days * 86400LL));
	setenv("KHIDMA_FAKE_NOW", v, 1);
}

static const char all_matched[] = "name=1,national_id=1,mobile=1,category=1";

static void test_every_triple(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Triple", "1000000010", "0500000010");
	int64_t twin = fx_submit(f->s, "Triple", "1000000010", "0500000010");
	int allowed = 0, refused = 0;
	char link[128];

	for (int a = 0; a < WF__COUNT; a++)
		for (int st = 0; st < RS__COUNT; st++)
			for (int role = 0; role < ROLE__COUNT; role++) {
				const char *to = expected_to(a, st, role);
				struct request r;
				struct officer o;
				int64_t ev0, ev1;
				int v0;
				st_rc rc;

				/* an exception is recorded once per request, a
				 * return goes where the last refer / withdraw came
				 * from (none on a fresh request: received); a
				 * decision comes after the study period */
				if (a == WF_EXCEPTION || a == WF_REFER_BACK || a == WF_REOPEN)
					id = fx_submit(f->s, "Triple", "1000000010", "0500000010");
				snprintf(link, sizeof link, "UPDATE requests SET duplicate_of = "
				         "%lld WHERE id = %lld", (long long)twin, (long long)id);
				fx_exec(f->s, link);
				set_days_after(f->s, id, a == WF_ACCEPT || a == WF_REJECT ? 15 : 0);
				force_status(f->s, id, (req_status)st, all_matched);
				assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
				v0 = r.version;
				/* one login per role: the deciders never did the
				 * desk's steps (conflict rules) */
				officer_of(&o, (officer_role)role,
				           officer_role_name((officer_role)role));
				ev0 = fx_int(f->s, "SELECT count(*) FROM request_events");
				assert_int_equal(wf_allowed((wf_action)a, (req_status)st,
				                 (officer_role)role), to != NULL);
				rc = wf_apply(f->s, &r, (wf_action)a, &o, "a reason");
				ev1 = fx_int(f->s, "SELECT count(*) FROM request_events");
				if (to) {
					if (rc != ST_OK)
						fail_msg("%s from %s by %s: %s", action_names[a],
						         req_status_name(st), officer_role_name(role),
						         st_rc_name(rc));
					assert_string_equal(req_status_name(r.status), to);
					assert_int_equal(r.version, v0 + 1);
					assert_int_equal(ev1, ev0 + 1);
					allowed++;
				} else {
					if (rc != ST_DENIED)
						fail_msg("%s from %s by %s allowed", action_names[a],
						         req_status_name(st), officer_role_name(role));
					assert_int_equal((int)r.status, st);
					assert_int_equal(r.version, v0);
					assert_int_equal(ev1, ev0);
					refused++;
				}
				request_free(&r);
			}
	unsetenv("KHIDMA_FAKE_NOW");
	assert_int_equal(allowed, (int)ARRAY_LEN(expect));
	assert_int_equal(allowed + refused, WF__COUNT * RS__COUNT * ROLE__COUNT);
}

/* "duplicate" needs the other request: open, another one, of the same
 * national ID; the link and the note are kept, and an admin's reopen
 * brings the request back to where it was. */
static void test_duplicate_rules(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_submit(f->s, "Dup", "1000000011", "0500000011");
	int64_t b = fx_submit(f->s, "Dup", "1000000011", "0500000011");
	int64_t other = fx_submit(f->s, "Else", "1000000029", "0500000029");
	struct request r;
	struct request_event *ev;
	struct officer o, m;
	const char *why = NULL;
	int nev;

	officer_of(&o, ROLE_OFFICER, "ali");
	officer_of(&m, ROLE_ADMIN, "boss");
	assert_int_equal(store_request_get(f->s, a, &r), ST_OK);
	/* no link, itself, another national ID, no reason: refused */
	assert_int_equal(wf_apply(f->s, &r, WF_DUPLICATE, &o, "same thing"), ST_DENIED);
	assert_int_equal(wf_close_duplicate(f->s, &r, &o, a, "same", &why), ST_DENIED);
	assert_non_null(why);
	assert_int_equal(wf_close_duplicate(f->s, &r, &o, other, "same", &why), ST_DENIED);
	assert_int_equal(wf_close_duplicate(f->s, &r, &o, b, "", &why), ST_DENIED);
	assert_int_equal(r.status, RS_RECEIVED);
	assert_int_equal(r.version, 1);
	/* b closed: not an open twin any more */
	force_status(f->s, b, RS_DELIVERED, "");
	assert_int_equal(wf_close_duplicate(f->s, &r, &o, b, "same", &why), ST_DENIED);
	force_status(f->s, b, RS_VERIFIED, "");
	assert_int_equal(wf_close_duplicate(f->s, &r, &o, b, "asked twice", &why), ST_OK);
	assert_int_equal(r.status, RS_WITHDRAWN);
	assert_int_equal(r.duplicate_of, b);
	assert_int_equal(store_request_events(f->s, a, &ev, &nev), ST_OK);
	assert_string_equal(ev[nev - 1].kind, "duplicate");
	assert_non_null(strstr(ev[nev - 1].note, "duplicate of "));
	assert_non_null(strstr(ev[nev - 1].note, "asked twice"));
	request_events_free(ev, nev);
	assert_int_equal(wf_apply(f->s, &r, WF_REOPEN, &m, "not a duplicate after all"), ST_OK);
	assert_int_equal(r.status, RS_RECEIVED);
	assert_int_equal(store_request_events(f->s, a, &ev, &nev), ST_OK);
	{
		char msg[256];
		assert_int_equal(wf_audit_request(&r, ev, nev, 1, msg, sizeof msg), 0);
	}
	request_events_free(ev, nev);
	request_free(&r);
}

static void test_actions_and_table(void **state)
{
	const struct wf_transition *t = wf_table();
	wf_action out[WF__COUNT];

	(void)state;
	for (int a = 0; a < WF__COUNT; a++) {
		assert_int_equal((int)t[a].action, a);
		assert_non_null(t[a].name);
		assert_int_equal(t[a].reason_required, a == WF_ACCEPT || a == WF_REJECT ||
		                 a == WF_WITHDRAW || a == WF_REOPEN || a == WF_EXCEPTION ||
		                 a == WF_DUPLICATE);
	}
	for (int st = 0; st < RS__COUNT; st++)
		for (int role = 0; role < ROLE__COUNT; role++) {
			int n = wf_actions((req_status)st, (officer_role)role, out), want = 0;

			for (int a = 0; a < WF__COUNT; a++)
				want += expected_to(a, st, role) != NULL;
			assert_int_equal(n, want);
			for (int i = 0; i < n; i++)
				assert_non_null(expected_to(out[i], st, role));
		}
	assert_true(wf_is_open(RS_RECEIVED) && wf_is_open(RS_REGISTERED));
	assert_false(wf_is_open(RS_DELIVERED) || wf_is_open(RS_REJECTED) ||
	             wf_is_open(RS_WITHDRAWN));
	assert_int_equal(wf_policy_step(RS_RECEIVED), 1);
	assert_int_equal(wf_policy_step(RS_REFERRED), 3);
	assert_int_equal(wf_policy_step(RS_COMMITTEE), 5);
	assert_int_equal(wf_policy_step(RS_DELIVERED), 7);
	assert_false(wf_allowed((wf_action)99, RS_RECEIVED, ROLE_ADMIN));
	assert_false(wf_allowed(WF_VERIFY, (req_status)99, ROLE_ADMIN));
}

static void test_reason_required(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Reason", "1000000011", "0500000011");
	const char *blanks[] = { NULL, "", "   ", " \n\t" };
	struct officer c;
	struct request r;

	officer_of(&c, ROLE_COMMITTEE, "committee1");
	set_days_after(f->s, id, 15);
	force_status(f->s, id, RS_COMMITTEE, "");
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	for (size_t i = 0; i < ARRAY_LEN(blanks); i++) {
		assert_int_equal(wf_apply(f->s, &r, WF_ACCEPT, &c, blanks[i]), ST_DENIED);
		assert_int_equal(wf_apply(f->s, &r, WF_REJECT, &c, blanks[i]), ST_DENIED);
	}
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), 1);
	assert_int_equal(wf_apply(f->s, &r, WF_REJECT, &c, "Outside the support policy"), ST_OK);
	assert_int_equal(r.status, RS_REJECTED);
	assert_string_equal(r.decision_reason, "Outside the support policy");
	unsetenv("KHIDMA_FAKE_NOW");
	request_free(&r);
}

static void test_maker_checker(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Checker", "1000000012", "0500000012");
	const char *partial[] = {
		"", "name=1,national_id=1,mobile=1",
		"name=1,national_id=1,mobile=0,category=1",
		"name=1,national_id=1,mobile=1,category=1,mobile=0",
		"name=1,nationalid=1,mobile=1,category=1",
		"name=11,national_id=1,mobile=1,category=1",
	};
	struct officer o;
	struct request r;

	officer_of(&o, ROLE_OFFICER, "officer1");
	for (size_t i = 0; i < ARRAY_LEN(partial); i++) {
		assert_false(wf_all_matched(partial[i]));
		assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
		assert_int_equal(store_request_set_match(f->s, id, r.version, "officer1",
		                 partial[i], 0), ST_OK);
		request_free(&r);
		assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
		assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &o, NULL), ST_DENIED);
		assert_int_equal(r.status, RS_RECEIVED);
		request_free(&r);
	}
	assert_true(wf_all_matched("category=1,mobile=1,name=1,national_id=1,extra=0"));
	/* all matched but the declaration unsigned: still refused */
	fx_exec(f->s, "UPDATE requests SET "
	                 "signature = '', field_match = "
	                 "'name=1,national_id=1,mobile=1,category=1'");
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &o, NULL), ST_DENIED);
	request_free(&r);
	fx_exec(f->s, "UPDATE requests SET "
	                 "signature = 'Checker'");
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &o, NULL), ST_OK);
	assert_int_equal(r.status, RS_VERIFIED);
	request_free(&r);
}

/* Intake on someone's behalf: the officer who entered a request (declared_by)
 * may not verify it; another officer may, and the refusal says why. */
static void test_maker_checker_intake(void **state)
{
	struct fx *f = *state;
	struct request r;
	struct officer maker, checker, admin_maker;
	int64_t ev0;
	const char *why;

	fx_request(&r, "Behalf", "1000000013", "0500000013");
	strcpy(r.declared_by, "officer1");
	assert_int_equal(store_request_submit(f->s, &r, "officer1"), ST_OK);
	force_status(f->s, r.id, RS_RECEIVED, all_matched);
	officer_of(&maker, ROLE_OFFICER, "officer1");
	officer_of(&admin_maker, ROLE_ADMIN, "officer1");
	officer_of(&checker, ROLE_OFFICER, "officer2");
	assert_int_equal(store_request_get(f->s, r.id, &r), ST_OK);
	assert_string_equal(r.declared_by, "officer1");

	why = wf_refusal(&r, WF_VERIFY, &maker, NULL);
	assert_non_null(why);
	assert_string_equal(why, "Another officer must verify a request you entered.");
	ev0 = fx_int(f->s, "SELECT count(*) FROM request_events");
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &maker, NULL), ST_DENIED);
	assert_int_equal(r.status, RS_RECEIVED);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), ev0);
	/* the same login with the admin role is still the maker */
	assert_non_null(wf_refusal(&r, WF_VERIFY, &admin_maker, NULL));
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &admin_maker, NULL), ST_DENIED);
	/* the maker may still do what is not a check: ask for info, refer */
	assert_null(wf_refusal(&r, WF_ASK_INFO, &maker, NULL));
	assert_null(wf_refusal(&r, WF_REFER, &maker, NULL));
	/* another officer verifies */
	assert_null(wf_refusal(&r, WF_VERIFY, &checker, NULL));
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &checker, NULL), ST_OK);
	assert_int_equal(r.status, RS_VERIFIED);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), ev0 + 1);
	request_free(&r);

	/* a kiosk request: any officer may verify it */
	fx_request(&r, "Kiosk", "1000000014", "0500000014");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_OK);
	force_status(f->s, r.id, RS_RECEIVED, all_matched);
	assert_int_equal(store_request_get(f->s, r.id, &r), ST_OK);
	assert_null(wf_refusal(&r, WF_VERIFY, &maker, NULL));
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &maker, NULL), ST_OK);
	request_free(&r);
}

/* wf_refusal names each reason wf_apply refuses for, and only those. */
static void test_refusal_reasons(void **state)
{
	struct request r;
	struct officer o, com;

	(void)state;
	memset(&r, 0, sizeof r);
	r.status = RS_RECEIVED;
	r.declared_at = 1700000000;
	r.signature = (char *)"Signed";
	strcpy(r.declared_by, "kiosk");
	strcpy(r.field_match, all_matched);
	officer_of(&o, ROLE_OFFICER, "officer1");
	officer_of(&com, ROLE_COMMITTEE, "com1");
	assert_null(wf_refusal(&r, WF_VERIFY, &o, NULL));
	assert_string_equal(wf_refusal(&r, WF_ACCEPT, &com, "ok"),
	                    "This action is not allowed now.");
	assert_string_equal(wf_refusal(&r, (wf_action)WF__COUNT, &o, NULL),
	                    "This action is not allowed now.");
	r.status = RS_COMMITTEE;
	assert_string_equal(wf_refusal(&r, WF_ACCEPT, &com, "  "),
	                    "A reason is required for this decision.");
	assert_null(wf_refusal(&r, WF_ACCEPT, &com, "meets the conditions"));
	r.status = RS_RECEIVED;
	strcpy(r.field_match, "name=1");
	assert_string_equal(wf_refusal(&r, WF_VERIFY, &o, NULL),
	                    "Every required field must be marked matched before verifying.");
	strcpy(r.field_match, all_matched);
	r.signature = (char *)"";
	assert_string_equal(wf_refusal(&r, WF_VERIFY, &o, NULL),
	                    "The declaration is not signed.");
	r.signature = (char *)"Signed";
	o.active = false;
	assert_string_equal(wf_refusal(&r, WF_VERIFY, &o, NULL),
	                    "Your officer account is disabled: ask an admin.");
}

static void test_stale_version_two_connections(void **state)
{
	struct fx *f = *state;
	struct store_opts opts = { .create = false };
	int64_t id = fx_submit(f->s, "Stale", "1000000013", "0500000013");
	struct request ra, rb;
	struct officer o;
	char err[256];
	store *b;
	int64_t ev;

	officer_of(&o, ROLE_OFFICER, "officer1");
	assert_int_equal(store_open(f->path, &opts, &b, err, sizeof err), ST_OK);
	assert_int_equal(store_request_get(f->s, id, &ra), ST_OK);
	assert_int_equal(store_request_get(b, id, &rb), ST_OK);
	assert_int_equal(wf_apply(b, &rb, WF_ASK_INFO, &o, "missing ID copy"), ST_OK);
	ev = fx_int(f->s, "SELECT count(*) FROM request_events");
	/* A still believes "received", version 1 */
	assert_int_equal(wf_apply(f->s, &ra, WF_REFER, &o, NULL), ST_STALE);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), ev);
	assert_int_equal(ra.status, RS_NEEDS_INFO);      /* reloaded */
	assert_int_equal(ra.version, rb.version);
	/* the store alone: same version, other status → DENIED */
	assert_int_equal(store_request_transition(f->s, id, ra.version, RS_RECEIVED,
	                 RS_VERIFIED, "officer1", NULL), ST_DENIED);
	assert_int_equal(store_request_transition(f->s, id, ra.version - 1, RS_NEEDS_INFO,
	                 RS_RECEIVED, "officer1", NULL), ST_STALE);
	assert_int_equal(store_request_transition(f->s, 999999, 1, RS_RECEIVED,
	                 RS_VERIFIED, "officer1", NULL), ST_NOTFOUND);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), ev);
	request_free(&ra);
	request_free(&rb);
	store_close(b);
}

static void test_inactive_officer_and_full_path(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Path", "1000000014", "0500000014");
	struct officer o, c;
	struct request r;
	struct request_event *ev;
	int n;

	officer_of(&o, ROLE_OFFICER, "officer1");
	officer_of(&c, ROLE_COMMITTEE, "committee1");
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	o.active = false;
	assert_int_equal(wf_apply(f->s, &r, WF_ASK_INFO, &o, NULL), ST_DENIED);
	o.active = true;
	assert_int_equal(store_request_set_match(f->s, id, r.version, "officer1",
	                 all_matched, 0), ST_OK);
	request_free(&r);
	assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_VERIFY, &o, NULL), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_FORWARD, &o, NULL), ST_OK);
	set_days_after(f->s, id, 15);
	assert_int_equal(wf_apply(f->s, &r, WF_ACCEPT, &c, "meets the policy"), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_REGISTER, &o, NULL), ST_OK);
	assert_int_equal(wf_apply(f->s, &r, WF_DELIVER, &o, NULL), ST_OK);
	assert_int_equal(r.status, RS_DELIVERED);
	assert_int_equal(wf_apply(f->s, &r, WF_WITHDRAW, &o, "asked"), ST_DENIED);
	unsetenv("KHIDMA_FAKE_NOW");
	request_free(&r);
	assert_int_equal(store_request_events(f->s, id, &ev, &n), ST_OK);
	assert_int_equal(n, 7);   /* submitted, match, 5 transitions */
	assert_int_equal(ev[0].from, RS_RECEIVED);
	assert_int_equal(ev[0].to, RS_RECEIVED);
	assert_string_equal(ev[0].note, "submitted");
	assert_string_equal(ev[0].who, "kiosk");
	assert_int_equal(ev[4].to, RS_ACCEPTED);
	assert_string_equal(ev[4].who, "committee1");
	assert_string_equal(ev[4].note, "meets the policy");
	assert_int_equal(ev[6].from, RS_REGISTERED);
	assert_int_equal(ev[6].to, RS_DELIVERED);
	request_events_free(ev, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_triple, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_rules, fx_setup, fx_teardown),
		cmocka_unit_test(test_actions_and_table),
		cmocka_unit_test_setup_teardown(test_reason_required, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_maker_checker, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_maker_checker_intake, fx_setup, fx_teardown),
		cmocka_unit_test(test_refusal_reasons),
		cmocka_unit_test_setup_teardown(test_stale_version_two_connections, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_inactive_officer_and_full_path, fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
