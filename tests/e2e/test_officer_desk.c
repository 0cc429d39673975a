/*
 * test_officer_desk — the officer's working day (issue 12, "Queues and
 * requests") through the real console in a pseudo-terminal:
 *  - waiting_for_me_per_role: the first view of each role is the work that
 *    waits for it (desk: received …; researcher: referred; committee: at
 *    the committee without the member's vote), with the counts of the
 *    views in the header; V cycles the views, T the order.
 *  - sla_pauses_for_the_member: the time a request waits for the member
 *    (needs information) does not count towards overdue — in the queue's
 *    overdue view, its "due date" order and `khidma report`.
 *  - needs_info_says_what: "Ask for information" ticks items of the
 *    screens/ catalog and adds words; the request and the kiosk's tracking
 *    show them, the items in the visitor's language (English, Arabic).
 *  - duplicates_are_acknowledged: a second kiosk request of the same
 *    national ID for the same service asks first (no reference shown), No
 *    sends nothing, Yes keeps the link; in the console the request shows
 *    it, verify asks to acknowledge it, and "Close as a duplicate" (U)
 *    closes one with a reason; H lists the member's other requests.
 *  - corrections_reset_the_match: M corrects a declared field before
 *    verification — validated as at intake, old → new with the reason in
 *    the audit and on the request, its match mark cleared, so verify asks
 *    for a fresh register check.
 *  - queue_at_80_columns: reference, name, service and status whole at
 *    80×24, dates with four-digit years; Home/End go to the first/last row
 *    of the whole queue; F8 clears the search box.
 *  - queue_80_longest_both_languages: the catalog's longest service types
 *    beside the longest statuses (short labels) at 80×24, whole, in
 *    English and Arabic.
 */
#include "e2e/test_officer_fixture.h"
#include "e2e/test_kiosk_util.h"
#include "workflow/workflow.h"

#include <sqlite3.h>

static int setup(void **state)
{
	struct ofx *f = calloc(1, sizeof *f);

	ofx_setup(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	ofx_teardown(*state);
	free(*state);
	return 0;
}

/* An active officer as the console would have it. */
static struct officer who(const char *login, officer_role role)
{
	struct officer o = { 0 };

	strlcpy_k(o.login, login, sizeof o.login);
	o.role = role;
	o.active = true;
	return o;
}

/* wf_apply on request id as login, at KHIDMA_FAKE_NOW = at ("" = now). */
static void act(struct ofx *f, int64_t id, wf_action a, const char *login,
                officer_role role, const char *note, const char *at)
{
	store *s = ofx_open(f);
	struct request r = { 0 };
	struct officer o = who(login, role);

	if (at[0])
		setenv("KHIDMA_FAKE_NOW", at, 1);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	if (a == WF_VERIFY) {
		assert_int_equal(store_request_set_match(s, id, r.version, login,
		                 "name=1,national_id=1,mobile=1,category=1", 0), ST_OK);
		request_free(&r);
		assert_int_equal(store_request_get(s, id, &r), ST_OK);
	}
	assert_int_equal(wf_apply(s, &r, a, &o, note), ST_OK);
	request_free(&r);
	store_close(s);
	unsetenv("KHIDMA_FAKE_NOW");
}

/* The row of the table holding text, or -1 (the header line excluded). */
static int row_of(ht *h, const char *text)
{
	return ofx_row_of(h, text);
}

/* True once both texts are shown and `first` is on a row above `second`
 * (the screen may still be painting). */
static bool above(ht *h, const char *first, const char *second)
{
	for (int i = 0; i < 80; i++) {
		int a = row_of(h, first), b = row_of(h, second);

		if (a >= 0 && b >= 0 && a < b)
			return true;
		ht_pump(h, 100);
	}
	return false;
}

static void waiting_for_me_per_role(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int64_t p1, p2, p3, p4, p5;
	ht *h;

	assert_true(ht_write_file(f->base, "khidma.conf", "committee_quorum = 2;\n"));
	wf_configure(2);               /* the votes below are cast in this process */
	ofx_officer_add(f, "huda", "Huda Committee", "committee");
	p1 = ofx_submit(f, "Received One", 301, false, ref);
	p2 = ofx_submit(f, "Referred Two", 302, false, ref);
	p3 = ofx_submit(f, "Committee Three", 303, false, ref);
	p4 = ofx_submit(f, "Voted Four", 304, false, ref);
	p5 = ofx_submit(f, "Withdrawn Five", 305, false, ref);
	(void)p1;
	act(f, p2, WF_REFER, "ali", ROLE_OFFICER, NULL, "");
	act(f, p3, WF_VERIFY, "ali", ROLE_OFFICER, NULL, "");
	act(f, p3, WF_FORWARD, "ali", ROLE_OFFICER, NULL, "");
	act(f, p4, WF_VERIFY, "ali", ROLE_OFFICER, NULL, "");
	act(f, p4, WF_FORWARD, "ali", ROLE_OFFICER, NULL, "");
	/* after the study period: omar's vote, below the quorum of 2 */
	act(f, p4, WF_ACCEPT, "omar", ROLE_COMMITTEE, "eligible", "+20");
	assert_int_equal(ofx_status(f, p4), RS_COMMITTEE);
	act(f, p5, WF_WITHDRAW, "ali", ROLE_OFFICER, "member asked", "");

	/* the desk: received (and the other desk statuses) only */
	h = ofx_session(f, "ali", "en", NULL, 24, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "[Waiting for me 1] · Open 4 · Overdue 0 · All 5", T);
	HT_ASSERT_TEXT(h, "Received One", T);
	HT_ASSERT(h, row_of(h, "Referred Two") < 0 && row_of(h, "Voted Four") < 0);
	ht_keys(h, "v");                                  /* Open */
	HT_ASSERT_TEXT(h, "Waiting for me 1 · [Open 4]", T);
	HT_ASSERT_TEXT(h, "Referred Two", T);
	HT_ASSERT_TEXT(h, "Voted Four", T);
	HT_ASSERT(h, row_of(h, "Withdrawn Five") < 0);
	ht_keys(h, "v");                                  /* Overdue */
	HT_ASSERT_TEXT(h, "[Overdue 0]", T);
	HT_ASSERT_TEXT(h, "No requests match", T);
	ht_keys(h, "v");                                  /* All */
	HT_ASSERT_TEXT(h, "[All 5]", T);
	HT_ASSERT_TEXT(h, "Withdrawn Five", T);
	HT_ASSERT_TEXT(h, "Received One", T);
	/* newest first; T: oldest first */
	HT_ASSERT(h, above(h, "Withdrawn Five", "Received One"));
	ht_keys(h, "t");
	HT_ASSERT_TEXT(h, "oldest first", T);
	HT_ASSERT(h, above(h, "Received One", "Withdrawn Five"));
	ht_keys(h, "v");                                  /* back to the first */
	HT_ASSERT_TEXT(h, "[Waiting for me 1]", T);
	ht_end(h);

	/* the researcher: the referred request */
	h = ofx_session(f, "sara", "en", NULL, 24, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "[Waiting for me 1] · Open 4", T);
	HT_ASSERT_TEXT(h, "Referred Two", T);
	HT_ASSERT(h, row_of(h, "Received One") < 0 && row_of(h, "Committee Three") < 0);
	ht_end(h);

	/* omar voted on Four: only Three waits for him; Huda has both */
	h = ofx_session(f, "omar", "en", NULL, 24, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "[Waiting for me 1] · Open 4", T);
	HT_ASSERT_TEXT(h, "Committee Three", T);
	HT_ASSERT(h, row_of(h, "Voted Four") < 0 && row_of(h, "Referred Two") < 0);
	ht_end(h);
	h = ofx_session(f, "huda", "en", NULL, 24, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "[Waiting for me 2]", T);
	HT_ASSERT_TEXT(h, "Committee Three", T);
	HT_ASSERT_TEXT(h, "Voted Four", T);
	ht_end(h);
	/* Huda decides Four: it leaves her list and omar's count stays 1 */
	act(f, p4, WF_ACCEPT, "huda", ROLE_COMMITTEE, "eligible too", "+20");
	assert_int_equal(ofx_status(f, p4), RS_ACCEPTED);
	wf_configure(1);
	h = ofx_session(f, "huda", "en", NULL, 24, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "[Waiting for me 1]", T);
	HT_ASSERT(h, row_of(h, "Voted Four") < 0);
	ht_end(h);
	/* and the desk now has Four to register */
	h = ofx_session(f, "ali", "en", NULL, 24, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "[Waiting for me 2]", T);
	HT_ASSERT_TEXT(h, "Voted Four", T);
	ht_end(h);
}

static void sla_pauses_for_the_member(void **state)
{
	struct ofx *f = *state;
	char ref1[16], ref2[16], ref3[16], cmd[1600];
	int64_t q1, q3;
	FILE *p;
	char out[8192];
	size_t n;
	ht *h;

	assert_true(ht_write_file(f->base, "khidma.conf", "sla_days = 15;\n"));
	/* Q1 waits for the member 10 days; Q2 never; Q3 since day 0 */
	q1 = ofx_submit(f, "Paused Ten", 401, false, ref1);
	ofx_submit(f, "Never Paused", 402, false, ref2);
	q3 = ofx_submit(f, "Still Waiting", 403, false, ref3);
	act(f, q1, WF_ASK_INFO, "ali", ROLE_OFFICER, NULL, "");
	act(f, q1, WF_INFO_BACK, "ali", ROLE_OFFICER, NULL, "+10");
	act(f, q3, WF_ASK_INFO, "ali", ROLE_OFFICER, NULL, "");

	/* day 20: Q2 has 20 society days (over the 15: overdue), Q1 10, Q3 is paused */
	h = ofx_session_env(f, "ali", "en", NULL, 24, 100, "KHIDMA_FAKE_NOW=+20");
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "Overdue 1 ·", T);
	ht_keys(h, "v");
	ht_keys(h, "v");
	HT_ASSERT_TEXT(h, "[Overdue 1]", T);
	HT_ASSERT_TEXT(h, "Never Paused", T);
	HT_ASSERT_GONE(h, "Paused Ten", T);
	HT_ASSERT_GONE(h, "Still Waiting", T);
	/* the open view: the ! mark on Q2 only; due date order Q2, Q1 */
	ht_keys(h, "v");
	ht_keys(h, "v");
	ht_keys(h, "v");
	HT_ASSERT_TEXT(h, "[Open 3]", T);
	HT_ASSERT_TEXT(h, "Never Paused", T);
	HT_ASSERT_TEXT(h, "Paused Ten", T);
	HT_ASSERT_TEXT(h, "Still Waiting", T);
	HT_ASSERT(h, strstr(ht_screen_text(h, row_of(h, "Never Paused")), " ! ") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, row_of(h, "Paused Ten")), " ! ") == NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, row_of(h, "Still Waiting")), " ! ") == NULL);
	ht_keys(h, "t");
	ht_keys(h, "t");
	HT_ASSERT_TEXT(h, "due date first", T);
	HT_ASSERT(h, above(h, "Never Paused", "Paused Ten"));
	ht_end(h);

	/* the report agrees: one overdue request, Q2 */
	snprintf(cmd, sizeof cmd, "KHIDMA_FAKE_NOW=+20 '%s' --db '%s' --config '%s' "
	         "--lang en report 2>&1", ofx_bin(), f->db, f->conf);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	if (strstr(out, "1 open request received more than 15 days ago") == NULL)
		fail_msg("report: %s", out);
	assert_non_null(strstr(out, ref2));
	assert_null(strstr(out, ref1));
	assert_null(strstr(out, ref3));
}

/* The kiosk's tracking screen (arabic: the Arabic kiosk) for ref and the
 * last 4 digits of its mobile. */
static ht *track(struct ofx *f, const char *ref, const char *last4, bool arabic)
{
	/* --bidi=terminal: the cells hold Arabic in logical order */
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf,
	                       "--bidi=terminal", NULL };
	ht *k = ht_new(30, 100);

	assert_true(ht_spawn(k, argv, NULL));
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_keys(k, arabic ? "1" : "2");
	HT_ASSERT_TEXT(k, arabic ? "طلب خدمة جديد" : "Track my request", T);
	ht_keys(k, "2");                            /* Track my request */
	HT_ASSERT_TEXT(k, arabic ? "الرقم المرجعي" : "Reference number", T);
	ht_keys(k, ref);
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, last4);
	ht_key(k, HT_KEY_ENTER);
	HT_ASSERT_TEXT(k, arabic ? "الحالة:" : "Status:", T);
	return k;
}

static void needs_info_says_what(void **state)
{
	struct ofx *f = *state;
	char ref[16], title[64];
	int64_t id = ofx_submit(f, "Maryam Needs", 501, false, ref);
	store *s;
	struct request r = { 0 };
	struct request_event *ev = NULL;
	int nev = 0;
	ht *h, *k;

	h = ofx_session(f, "ali", "en", NULL, 30, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, ref, T);
	ht_key(h, HT_KEY_ENTER);
	snprintf(title, sizeof title, "Request %s", ref);
	HT_ASSERT_TEXT(h, title, T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Ask for information"));
	HT_ASSERT_TEXT(h, "What is needed from the member?", T);
	HT_ASSERT(h, ofx_choose(h, "[ ] A copy of the national ID"));
	HT_ASSERT_TEXT(h, "[x] A copy of the national ID", T);
	HT_ASSERT(h, ofx_choose(h, "[ ] Photos of the place to be serviced"));
	HT_ASSERT_TEXT(h, "[x] Photos of the place to be serviced", T);
	HT_ASSERT(h, ofx_choose(h, "Continue: what else is needed"));
	HT_ASSERT_TEXT(h, "What is needed, in words", T);
	ht_keys(h, "Photos of the kitchen ceiling");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Needs information", T);
	HT_ASSERT_TEXT(h, "Asked of the member: A copy of the national ID; Photos of the place", T);
	ht_end(h);

	/* stored where a notification reads it: the row and the event */
	s = ofx_open(f);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_string_equal(r.info_items, "id_copy,photos");
	assert_string_equal(r.info_text, "Photos of the kitchen ceiling");
	assert_int_equal(store_request_events(s, id, &ev, &nev), ST_OK);
	assert_string_equal(ev[nev - 1].kind, "ask_info");
	assert_string_equal(ev[nev - 1].note, "needed: id_copy,photos — Photos of the kitchen ceiling");
	request_events_free(ev, nev);
	request_free(&r);
	store_close(s);

	/* the member at the kiosk, in English and in Arabic (mobile 0551200501) */
	k = track(f, ref, "0501", false);
	HT_ASSERT_TEXT(k, "Please bring or send us:", T);
	HT_ASSERT_TEXT(k, "A copy of the national ID; Photos of the place to be serviced", T);
	HT_ASSERT_TEXT(k, "Photos of the kitchen ceiling", T);
	ht_end(k);
	k = track(f, ref, "0501", true);
	HT_ASSERT_TEXT(k, "صورة من الهوية الوطنية", T);
	HT_ASSERT_TEXT(k, "صور للموقع المطلوب خدمته", T);
	HT_ASSERT(k, ofx_row_of(k, "A copy of the national ID") < 0);
	ht_end(k);
}

/* A kiosk on the fixture's database, English, from the welcome to the
 * declaration's signature of a request for nid (the service: the second
 * of the catalog). */
static ht *kiosk_to_signature(struct ofx *f, const char *name, const char *nid,
                              const char *mobile)
{
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf, NULL };
	ht *k = ht_new(30, 100);

	assert_true(ht_spawn(k, argv, NULL));
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_keys(k, "2");
	HT_ASSERT_TEXT(k, "New service request", T);
	kiosk_fill_request(k, name, nid, mobile, "The kitchen sink leaks every day.");
	HT_ASSERT_TEXT(k, "Check your request", T);
	ht_keys(k, "1");
	HT_ASSERT_TEXT(k, "Messages about this request", T);
	ht_keys(k, "1");                                 /* no messages */
	HT_ASSERT_TEXT(k, "I confirm that the information", T);
	ht_keys(k, "1");
	ht_key(k, HT_KEY_ENTER);
	type_line(k, name);
	return k;
}

/* The reference on the confirmation, once painted (kiosk_wait_ref: a
 * deadline in time, not 80 ht_pump calls that return early on output). */
static bool wait_ref(ht *k, char *out, size_t n)
{
	return kiosk_wait_ref(k, out, n);
}

static void duplicates_are_acknowledged(void **state)
{
	struct ofx *f = *state;
	char nid[11], ref1[32], ref2[32], title[64], sql[256];
	int64_t id1, id2;
	store *s;
	struct request r = { 0 };
	ht *k, *h;

	ofx_nid(601, nid);
	k = kiosk_to_signature(f, "Huda Twin", nid, "0551200601");
	HT_ASSERT_TEXT(k, "Your reference number is", T);
	HT_ASSERT(k, wait_ref(k, ref1, sizeof ref1));
	ht_end(k);

	/* the same member and service again: asked first, no reference shown */
	k = kiosk_to_signature(f, "Huda Twin", nid, "0551200601");
	HT_ASSERT_TEXT(k, "You already have a request for this service", T);
	HT_ASSERT_TEXT(k, "Send this new request anyway?", T);
	HT_ASSERT(k, ofx_row_of(k, ref1) < 0);
	ht_keys(k, "2");                                 /* No */
	HT_ASSERT_GONE(k, "Send this new request anyway?", T);
	assert_int_equal(ofx_count(f, "SELECT count(*) FROM requests"), 1);
	ht_end(k);
	k = kiosk_to_signature(f, "Huda Twin", nid, "0551200601");
	HT_ASSERT_TEXT(k, "Send this new request anyway?", T);
	ht_keys(k, "1");                                 /* Yes */
	HT_ASSERT_TEXT(k, "Your reference number is", T);
	HT_ASSERT(k, wait_ref(k, ref2, sizeof ref2));
	ht_end(k);
	s = ofx_open(f);
	assert_int_equal(store_request_by_ref(s, ref1, &r), ST_OK);
	id1 = r.id;
	request_free(&r);
	assert_int_equal(store_request_by_ref(s, ref2, &r), ST_OK);
	id2 = r.id;
	assert_int_equal(r.duplicate_of, id1);             /* the link is kept */
	/* the register check done, so that verify is possible */
	assert_int_equal(store_request_set_match(s, id2, r.version, "ali",
	                 "name=1,national_id=1,mobile=1,category=1", 0), ST_OK);
	request_free(&r);
	store_close(s);

	/* the console: shown on the request, acknowledged at verify */
	h = ofx_session(f, "ali", "en", NULL, 30, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, ref2, T);
	HT_ASSERT(h, above(h, ref2, ref1));                /* newest first */
	ht_key(h, HT_KEY_ENTER);
	snprintf(title, sizeof title, "Request %s", ref2);
	HT_ASSERT_TEXT(h, title, T);
	HT_ASSERT_TEXT(h, "Linked to the same member's request:", T);
	HT_ASSERT_TEXT(h, "Another open request for this service:", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Verify"));
	HT_ASSERT_TEXT(h, "Possible duplicate", T);
	HT_ASSERT_TEXT(h, ref1, T);
	ht_keys(h, "2");                                 /* No: not verified */
	HT_ASSERT_TEXT(h, "Not verified.", T);
	assert_int_equal(ofx_status(f, id2), RS_RECEIVED);
	/* the member history, one key */
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	ht_keys(h, "h");
	HT_ASSERT_TEXT(h, "Member history (1)", T);
	HT_ASSERT_TEXT(h, ref1, T);
	HT_ASSERT_TEXT(h, "Received", T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "Member history (1)", T);
	/* and H alone on the request screen: one key (was nothing) */
	ht_keys(h, "h");
	HT_ASSERT_TEXT(h, "Member history (1)", T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "Member history (1)", T);
	/* close it as a duplicate of the first, with a reason */
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Close as a duplicate of another request"));
	HT_ASSERT_TEXT(h, "A duplicate of which open request?", T);
	HT_ASSERT_TEXT(h, ref1, T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Why is it a duplicate?", T);
	ht_keys(h, "Same leak, asked twice");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "— Withdrawn", T);
	ht_end(h);
	assert_int_equal(ofx_status(f, id2), RS_WITHDRAWN);
	assert_int_equal(ofx_status(f, id1), RS_RECEIVED);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM request_events WHERE request_id = %lld"
	         " AND kind = 'duplicate' AND note LIKE 'duplicate of %s — Same leak%%'",
	         (long long)id2, ref1);
	assert_int_equal(ofx_count(f, sql), 1);
}

static void corrections_reset_the_match(void **state)
{
	struct ofx *f = *state;
	char ref[16], title[64], sql[300];
	int64_t id = ofx_submit(f, "Nora Correct", 701, false, ref);
	store *s = ofx_open(f);
	struct request r = { 0 };
	ht *h;

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_set_match(s, id, r.version, "ali",
	                 "name=1,national_id=1,mobile=1,category=1", 0), ST_OK);
	request_free(&r);
	store_close(s);

	h = ofx_session(f, "ali", "en", NULL, 30, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, ref, T);
	ht_key(h, HT_KEY_ENTER);
	snprintf(title, sizeof title, "Request %s", ref);
	HT_ASSERT_TEXT(h, title, T);
	/* a wrong value is refused as at intake */
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Correct the data"));
	HT_ASSERT_TEXT(h, "Correct which field?", T);
	HT_ASSERT(h, ofx_choose(h, "Mobile: 0551200701"));
	HT_ASSERT_TEXT(h, "The correct value:", T);
	for (int i = 0; i < 12; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	ht_keys(h, "12345");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, title, T);
	assert_int_equal(ofx_count(f, "SELECT count(*) FROM requests WHERE mobile = '0551200701'"), 1);
	/* the right one, with a reason */
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Correct the data"));
	HT_ASSERT(h, ofx_choose(h, "Mobile: 0551200701"));
	HT_ASSERT_TEXT(h, "The correct value:", T);
	for (int i = 0; i < 12; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	ht_keys(h, "0559876543");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Why is it corrected?", T);
	ht_keys(h, "The member gave a new number");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Corrected. Its register-check mark is cleared", T);
	HT_ASSERT_TEXT(h, "mobile: 0551200701 → 0559876543 — The member gave a new number", T);
	/* verify now needs a fresh match */
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Verify"));
	HT_ASSERT_TEXT(h, "Verify is refused", T);
	ht_end(h);
	assert_int_equal(ofx_status(f, id), RS_RECEIVED);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE id = %lld AND mobile ="
	         " '0559876543' AND field_match = 'name=1,national_id=1,mobile=0,category=1'",
	         (long long)id);
	assert_int_equal(ofx_count(f, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM request_events WHERE request_id = %lld"
	         " AND kind = 'correct' AND who = 'ali'", (long long)id);
	assert_int_equal(ofx_count(f, sql), 1);
	h = ofx_session(f, "ali", "en", NULL, 30, 100);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, ref, T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, title, T);
	/* a membership number in the register's form (issue 12): "M 1002"
	 * refused with the reason, "m-1002" kept as M-1002 */
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Correct the data"));
	HT_ASSERT(h, ofx_choose(h, "Membership number: 7701"));
	HT_ASSERT_TEXT(h, "The correct value:", T);
	for (int i = 0; i < 6; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	ht_keys(h, "M 1002");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "as on the card: letters, digits, - and /", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, "Correct the data"));
	HT_ASSERT(h, ofx_choose(h, "Membership number: 7701"));
	HT_ASSERT_TEXT(h, "The correct value:", T);
	for (int i = 0; i < 6; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	ht_keys(h, "m-1002");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Why is it corrected?", T);
	ht_keys(h, "As on the membership card");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "M-1002", T);
	ht_end(h);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE id = %lld AND "
	         "member_number = 'M-1002'", (long long)id);
	assert_int_equal(ofx_count(f, sql), 1);
}

static void queue_at_80_columns(void **state)
{
	struct ofx *f = *state;
	char ref[16], first[16], name[32], today[24];
	int row;
	ht *h;

	for (int i = 1; i <= 40; i++) {
		snprintf(name, sizeof name, "Person %02d", i);
		ofx_submit(f, name, 800 + i, false, i == 1 ? first : ref);
	}
	/* the newest two: the longest service names of the catalog */
	{
		store *s = ofx_open(f);

		assert_int_equal(sqlite3_exec(store_db(s), "UPDATE requests SET service ="
		                 " 'training' WHERE name = 'Person 40'; UPDATE requests SET"
		                 " service = 'support' WHERE name = 'Person 39'", NULL, NULL,
		                 NULL), SQLITE_OK);
		store_close(s);
	}
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "Technical training course", T);   /* whole */
	/* the queue may arrive in more than one read: wait until the login
	 * box is gone and the second row is drawn before reading rows */
	HT_ASSERT_GONE(h, "Account: ali", T);
	HT_ASSERT_TEXT(h, "Person 39", T);
	HT_ASSERT(h, ht_wait_quiet(h, 200));
	row = ofx_row_of(h, "Person 40");
	HT_ASSERT(h, strstr(ht_screen_text(h, row), ref) != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, row), "Technical training course") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, row), "Received") != NULL);
	row = ofx_row_of(h, "Person 39");
	HT_ASSERT(h, strstr(ht_screen_text(h, row), "Member support") != NULL);
	khidma_date(khidma_now(), today, sizeof today);
	HT_ASSERT(h, strlen(today) == 10 && strstr(ht_screen_text(h, row), today) != NULL);
	HT_ASSERT(h, ofx_row_of(h, "…") < 0);              /* nothing cut */
	/* a long status on the same page: the status whole, the service
	 * still readable (it was "Techni…") */
	{
		store *s = ofx_open(f);

		assert_int_equal(sqlite3_exec(store_db(s), "UPDATE requests SET status ="
		                 " 'needs_info' WHERE name = 'Person 39'", NULL, NULL, NULL),
		                 SQLITE_OK);
		store_close(s);
	}
	HT_ASSERT_TEXT(h, "Needs info", T);            /* the short label */
	row = ofx_row_of(h, "Person 40");
	HT_ASSERT(h, strstr(ht_screen_text(h, row), "Technical training course") != NULL);
	/* End: the last row of the whole queue (page 3), Home: the first */
	ht_key(h, HT_KEY_END);
	HT_ASSERT_TEXT(h, "page 3", T);
	HT_ASSERT_TEXT(h, "Person 01", T);
	for (int t = 0; t < 50 && ((row = ofx_row_of(h, "\u25ba")) < 0 ||
	                           !strstr(ht_screen_text(h, row), "Person 01")); t++)
		ht_pump(h, 100);
	HT_ASSERT(h, strstr(ht_screen_text(h, row), first) != NULL);
	ht_key(h, HT_KEY_HOME);
	HT_ASSERT_TEXT(h, "page 1", T);
	for (int t = 0; t < 50 && ((row = ofx_row_of(h, "\u25ba")) < 0 ||
	                           !strstr(ht_screen_text(h, row), "Person 40")); t++)
		ht_pump(h, 100);
	HT_ASSERT(h, strstr(ht_screen_text(h, row), "Person 40") != NULL);
	/* the search box: F8 empties it */
	ht_keys(h, "/");
	HT_ASSERT_TEXT(h, "F8 clear", T);
	ht_keys(h, "Person 3");
	HT_ASSERT_TEXT(h, "Person 3", T);
	ht_key(h, HT_KEY_F(8));
	HT_ASSERT_GONE(h, "Person 3", T);
	ht_keys(h, "Person 12");
	ht_key(h, HT_KEY_ENTER);
	/* the search does not fit after the views at 80 columns: it reads
	 * whole on the row below (was "— search: P…"), and so do the order
	 * and the search together (were "— o…") */
	HT_ASSERT_TEXT(h, "search: Person 12", T);
	HT_ASSERT_GONE(h, "Person 40", T);
	ht_keys(h, "t");
	HT_ASSERT_TEXT(h, "oldest first · search: Person 12", T);
	HT_ASSERT_TEXT(h, "[Waiting for me", T);
	ht_end(h);
}

/* Issue 12: at 80×24 the catalog's longest service types and the longest
 * statuses stand whole on one page, beside the reference, the name and the
 * date with its century — in English and in Arabic. Before, with "Needs
 * information" on the page the service was cut to "Technical train…". */
static void queue_80_longest_both_languages(void **state)
{
	struct ofx *f = *state;
	static const struct { const char *svc, *status, *en, *ar, *st_en, *st_ar; } want[] = {
		{ "ac", "needs_info", "Air-conditioning maintenance", "صيانة التكييف",
		  "Needs info", "استيفاء" },
		{ "training", "referred", "Technical training course", "دورة تدريبية فنية",
		  "Research", "لدى الباحث" },
		{ "electrical", "committee", "Electrical works", "أعمال كهربائية",
		  "Committee", "لدى اللجنة" },
		{ "membership", "registered", "Membership registration", "تسجيل العضوية",
		  "Registered", "تم التسجيل" },
		{ "support", "verified", "Member support", "دعم الأعضاء",
		  "Verified", "تم التحقق" },
	};
	enum { N = sizeof want / sizeof want[0] };
	char refs[N][16], name[32], today[24], sql[256];

	for (int i = 0; i < N; i++) {
		store *s;

		snprintf(name, sizeof name, "Person %02d", i + 1);
		ofx_submit(f, name, 900 + i, false, refs[i]);
		s = ofx_open(f);
		snprintf(sql, sizeof sql, "UPDATE requests SET service = '%s', status = '%s'"
		         " WHERE name = '%s'", want[i].svc, want[i].status, name);
		assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
		store_close(s);
	}
	khidma_date(khidma_now(), today, sizeof today);
	for (int lang = 0; lang < 2; lang++) {
		/* Arabic in the default (app) mode: the cells hold the text as
		 * shown, shaped, which visual_of reproduces */
		ht *h = ofx_session(f, "ali", lang ? "ar" : "en", NULL, 24, 80);
		char *pw = lang ? visual_of("كلمة المرور", TEXT_RTL) : xstrdup("Password");

		HT_ASSERT_TEXT(h, pw, T);
		ht_keys(h, PW);
		ht_key(h, HT_KEY_ENTER);
		HT_ASSERT_GONE(h, pw, T);
		free(pw);
		ht_keys(h, "v");                           /* the view "Open": all five */
		/* the Arabic screens show the reference and the date in eastern
		 * digits (the default arabic_digits); a Latin name keeps its
		 * digits (text/digits.c invariant 3) */
		HT_ASSERT_TEXT(h, "Person 01", T);
		HT_ASSERT_TEXT(h, "Person 05", T);
		HT_ASSERT(h, ht_wait_quiet(h, 200));
		for (int i = 0; i < N; i++) {
			char *svc = lang ? visual_of(want[i].ar, TEXT_RTL) : xstrdup(want[i].en);
			char *st = lang ? visual_of(want[i].st_ar, TEXT_RTL) : xstrdup(want[i].st_en);
			int row;
			const char *t;

			char *ref, *day, *who;

			snprintf(name, sizeof name, "Person %02d", i + 1);
			ref = xstrdup(lang ? ofx_eastern(refs[i]) : refs[i]);
			day = xstrdup(lang ? ofx_eastern(today) : today);
			who = xstrdup(name);
			row = ofx_row_of(h, who);
			HT_ASSERT(h, row >= 0);
			t = ht_screen_text(h, row);
			if (!strstr(t, ref) || !strstr(t, svc) || !strstr(t, st) ||
			    !strstr(t, day))
				fail_msg("%s row %d cut: \"%s\"", lang ? "ar" : "en", i, t);
			HT_ASSERT(h, strstr(t, "\u2026") == NULL);     /* no "…" */
			free(ref);
			free(day);
			free(who);
			free(svc);
			free(st);
		}
		ht_end(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(waiting_for_me_per_role, setup, teardown),
		cmocka_unit_test_setup_teardown(sla_pauses_for_the_member, setup, teardown),
		cmocka_unit_test_setup_teardown(needs_info_says_what, setup, teardown),
		cmocka_unit_test_setup_teardown(duplicates_are_acknowledged, setup, teardown),
		cmocka_unit_test_setup_teardown(corrections_reset_the_match, setup, teardown),
		cmocka_unit_test_setup_teardown(queue_at_80_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(queue_80_longest_both_languages, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
