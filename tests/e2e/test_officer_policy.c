/*
 * test_officer_policy — issue "the policy, enforced", findings 1–3, through
 * the real binary (officer consoles and the kiosk in pseudo-terminals):
 *  1. the verification bypass exactly as found: Ali refers an unverified
 *     request, Sara presses "Explained — back to the officer", Ali tries to
 *     forward — refused (the request is back in "Received", Forward is not
 *     offered), and the kiosk's tracking does not tick "Data verified";
 *  2. conflicts: a committee member is offered no "new request on
 *     someone's behalf" (N says why), an officer moved to the committee may
 *     not decide the request they entered, and with committee_quorum = 2
 *     one member's accept is a vote (shown on the request screen), the
 *     second member's accept decides;
 *  3. the study period: an accept on the day of receipt is refused with
 *     the date when a decision becomes possible; an admin's exception (with
 *     a reason, in the history) allows it; the kiosk then shows "Accepted"
 *     without a later "Earliest response".
 * Each failed on 288b69f (finding 1: the forward went through and the kiosk
 * ticked "Data verified"; 2: N opened the intake for omar, and one accept
 * decided; 3: the accept went through on day 0).
 */
#include "e2e/test_officer_fixture.h"
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

/* F1, choose the action, type the note or reason (when given), F5. */
static void act(ht *h, const char *action, const char *note)
{
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, action));
	HT_ASSERT_TEXT(h, "F5", T);
	if (note)
		ht_keys(h, note);
	ht_key(h, HT_KEY_F(5));
}

/* Leave a refused action's prompt, discarding the typed reason. */
static void discard(ht *h)
{
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Discard what you typed?", T);
	HT_ASSERT(h, ofx_choose(h, "Yes"));
	HT_ASSERT_GONE(h, "Discard what you typed?", T);
}

static void open_request(ht *h, const char *ref)
{
	char title[64];

	snprintf(title, sizeof title, "Request %s", ref);
	HT_ASSERT(h, ofx_view(h, "Open"));   /* not only the work waiting for me */
	HT_ASSERT_TEXT(h, ref, T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, title, T);
}

/* Through the workflow API, as the consoles would: B verifies and
 * forwards request id (entered at the kiosk). */
static void to_committee(struct ofx *f, int64_t id, const char *verifier)
{
	store *s = ofx_open(f);
	struct request r = { 0 };
	struct officer o = { 0 };

	strlcpy_k(o.login, verifier, sizeof o.login);
	o.role = strcmp(verifier, "admin1") == 0 ? ROLE_ADMIN : ROLE_OFFICER;
	o.active = true;
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_set_match(s, id, r.version, verifier,
	                 "name=1,national_id=1,mobile=1,category=1,member_number=1", 0), ST_OK);
	request_free(&r);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(wf_apply(s, &r, WF_VERIFY, &o, NULL), ST_OK);
	assert_int_equal(wf_apply(s, &r, WF_FORWARD, &o, NULL), ST_OK);
	request_free(&r);
	store_close(s);
}

/* Finding 1, as described: two officer consoles. */
static void refer_back_does_not_verify(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int64_t id = ofx_submit(f, "Fatima Alharbi", 21, true, ref);
	ht *a = ofx_session(f, "ali", "en", NULL, 24, 80);
	ht *b = ofx_session(f, "sara", "en", NULL, 24, 80);

	ofx_login(a, PW);
	ofx_login(b, PW);
	open_request(a, ref);
	/* Ali refers it without checking anything */
	act(a, "Refer to the social researcher", "Please look at this.");
	HT_ASSERT_TEXT(a, "Done.", T);
	HT_ASSERT_TEXT(a, "— Referred", T);
	/* Sara explains and sends it back */
	HT_ASSERT_TEXT(b, "Research", T);       /* the queue's short label */
	open_request(b, ref);
	act(b, "Explained", "Explained to the member.");
	HT_ASSERT_TEXT(b, "Done.", T);
	/* Ali's screen reloads: back in Received, unverified */
	HT_ASSERT_TEXT(a, "— Received", T);
	assert_int_equal(ofx_status(f, id), RS_RECEIVED);
	/* Forward is not offered, and its key does nothing */
	ht_key(a, HT_KEY_F1);
	HT_ASSERT_TEXT(a, "Actions", T);
	HT_ASSERT_TEXT(a, "Verify", T);
	HT_ASSERT(a, ofx_row_of(a, "Forward to the committee") < 0);
	ht_keys(a, "F");
	ht_pump(a, 300);
	ht_key(a, HT_KEY_ESC);
	assert_int_equal(ofx_status(f, id), RS_RECEIVED);
	assert_int_equal(ofx_count(f, "SELECT count(*) FROM request_events WHERE "
	                 "to_status IN ('verified','committee')"), 0);
	ht_end(a);
	ht_end(b);

	/* the kiosk does not say the data were verified */
	ht *k = ofx_track(f, ref, "0021", 30);
	HT_ASSERT_TEXT(k, "Status: Received, waiting for verification", T);
	HT_ASSERT(k, ofx_row_of(k, "Data verified") < 0);
	HT_ASSERT(k, ofx_row_of(k, "✓ 2") < 0);     /* "Data checked" not ticked */
	ht_end(k);
}

/* Finding 2: researchers and committee members enter no request. */
static void committee_cannot_enter_on_behalf(void **state)
{
	struct ofx *f = *state;
	ht *c = ofx_session(f, "omar", "en", NULL, 24, 100);

	ofx_login(c, PW);
	HT_ASSERT(c, ofx_row_of(c, "N new") < 0);
	ht_keys(c, "n");
	HT_ASSERT_TEXT(c, "Only officers and admins enter requests on someone's behalf.", T);
	HT_ASSERT(c, ofx_row_of(c, "New request on someone's behalf") < 0 ||
	          ofx_row_of(c, "Only officers") >= 0);
	ht_key(c, HT_KEY_F1);
	HT_ASSERT_TEXT(c, "Menu", T);
	HT_ASSERT_TEXT(c, "Reports", T);
	HT_ASSERT(c, ofx_row_of(c, "New request on someone's behalf") < 0);
	ht_key(c, HT_KEY_ESC);
	ht_end(c);

	ht *r = ofx_session(f, "sara", "en", NULL, 24, 100);
	ofx_login(r, PW);
	ht_keys(r, "n");
	HT_ASSERT_TEXT(r, "Only officers and admins", T);
	ht_end(r);
	assert_int_equal(ofx_count(f, "SELECT count(*) FROM requests"), 0);
}

/* Finding 2: the officer who entered a request, moved to the committee,
 * may not decide it. */
static void enterer_cannot_decide(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int64_t id;
	store *s = ofx_open(f);
	struct request r = { 0 };
	struct officer ali = { .role = ROLE_OFFICER, .active = true };
	struct catalog_item *svc = NULL;
	int nsvc = 0;

	/* Ali enters it on someone's behalf (wf_submit, as his console does) */
	strcpy(ali.login, "ali");
	assert_int_equal(store_catalog_list(s, "service", false, &svc, &nsvc), ST_OK);
	assert_true(nsvc > 0);
	strcpy(r.category, "member");
	r.name = "Noura Alqahtani";
	ofx_nid(31, r.national_id);
	strcpy(r.mobile, "0551200031");
	r.email = "";
	strlcpy_k(r.service, svc[0].code, sizeof r.service);
	catalog_items_free(svc, nsvc);
	strcpy(r.channel, "phone");
	r.description = "Repair of the water heater.";
	r.declared_at = khidma_now();
	r.signature = "Noura Alqahtani";
	r.declaration_version = 1;
	assert_int_equal(wf_submit(s, &r, &ali), ST_OK);
	id = r.id;
	strcpy(ref, r.ref);
	store_close(s);
	to_committee(f, id, "admin1");
	/* Ali moves to the committee */
	s = ofx_open(f);
	assert_int_equal(sqlite3_exec(store_db(s), "UPDATE officers SET role = "
	                 "'committee' WHERE login = 'ali'", NULL, NULL, NULL), SQLITE_OK);
	store_close(s);

	ht *a = ofx_session_env(f, "ali", "en", NULL, 24, 100, "KHIDMA_FAKE_NOW=+15");
	ofx_login(a, PW);
	open_request(a, ref);
	act(a, "Accept", "I know this family.");
	HT_ASSERT_TEXT(a, "another committee member must decide it", T);
	discard(a);
	HT_ASSERT_TEXT(a, "— At the", T);
	assert_int_equal(ofx_status(f, id), RS_COMMITTEE);
	ht_end(a);

	/* Omar may */
	ht *c = ofx_session_env(f, "omar", "en", NULL, 24, 100, "KHIDMA_FAKE_NOW=+15");
	ofx_login(c, PW);
	open_request(c, ref);
	act(c, "Accept", "Meets the support policy.");
	HT_ASSERT_TEXT(c, "— Accepted", T);
	assert_int_equal(ofx_status(f, id), RS_ACCEPTED);
	ht_end(c);
}

/* Finding 2: committee_quorum = 2 needs two members. */
static void quorum_two_needs_two_members(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int64_t id = ofx_submit(f, "Khalid Alotaibi", 22, true, ref);

	assert_true(ht_write_file(f->base, "khidma.conf", "committee_quorum = 2;\n"));
	ofx_officer_add(f, "huda", "Huda Committee", "committee");
	to_committee(f, id, "ali");

	ht *c = ofx_session_env(f, "omar", "en", NULL, 30, 100, "KHIDMA_FAKE_NOW=+15");
	ofx_login(c, PW);
	open_request(c, ref);
	act(c, "Accept", "Papers complete.");
	HT_ASSERT_TEXT(c, "Your vote is recorded; the committee has not decided yet.", T);
	HT_ASSERT_TEXT(c, "Committee votes: 1 to accept, 0 to reject; agreeing votes needed to decide: 2", T);
	HT_ASSERT_TEXT(c, "omar · vote to accept · Papers complete.", T);
	assert_int_equal(ofx_status(f, id), RS_COMMITTEE);
	/* a second vote by the same member is refused */
	act(c, "Reject", "Changed my mind.");
	HT_ASSERT_TEXT(c, "You have already voted on this request.", T);
	discard(c);

	ht *d = ofx_session_env(f, "huda", "en", NULL, 30, 100, "KHIDMA_FAKE_NOW=+15");
	ofx_login(d, PW);
	open_request(d, ref);
	act(d, "Accept", "Agree: eligible.");
	HT_ASSERT_TEXT(d, "— Accepted", T);
	assert_int_equal(ofx_status(f, id), RS_ACCEPTED);
	/* every vote is in the history */
	HT_ASSERT_TEXT(c, "— Accepted", T);          /* omar's screen reloads */
	ht_key(c, HT_KEY_TAB);
	ht_key(c, HT_KEY_TAB);
	HT_ASSERT_TEXT(c, "omar · vote to accept", T);
	HT_ASSERT_TEXT(c, "huda · At the", T);
	assert_int_equal(ofx_count(f, "SELECT count(*) FROM request_events WHERE "
	                 "kind = 'vote_accept' AND who = 'omar'"), 1);
	assert_int_equal(ofx_count(f, "SELECT count(*) FROM request_events WHERE "
	                 "kind = 'accept' AND who = 'huda'"), 1);
	ht_end(c);
	ht_end(d);
}

/* Finding 3: no decision before the earliest-response date, unless an
 * admin records an exception. */
static void study_period_and_exception(void **state)
{
	struct ofx *f = *state;
	char ref[16], date[64], msg[160];
	int64_t id = ofx_submit(f, "Maryam Alsayed", 23, true, ref);
	store *s;
	struct request r = { 0 };

	to_committee(f, id, "ali");
	s = ofx_open(f);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	khidma_date(r.earliest_response, date, sizeof date);
	request_free(&r);
	store_close(s);

	ht *c = ofx_session(f, "omar", "en", NULL, 24, 120);
	ofx_login(c, PW);
	open_request(c, ref);
	act(c, "Accept", "Complete file.");
	snprintf(msg, sizeof msg, "No decision before %s", date);
	HT_ASSERT_TEXT(c, msg, T);
	assert_int_equal(ofx_status(f, id), RS_COMMITTEE);
	/* omar's prompt stays open with his reason */
	/* the admin records an exception, with a reason */
	ht *m = ofx_session(f, "admin1", "en", NULL, 24, 120);
	ofx_login(m, PW);
	open_request(m, ref);
	act(m, "Allow a decision before the earliest-response date", NULL);
	HT_ASSERT_TEXT(m, "required", T);
	ht_keys(m, "Roof leaking: urgent repair");
	ht_key(m, HT_KEY_F(5));
	HT_ASSERT_TEXT(m, "Done.", T);
	assert_int_equal(ofx_count(f, "SELECT count(*) FROM request_events WHERE kind = "
	                 "'exception' AND who = 'admin1' AND note = "
	                 "'Roof leaking: urgent repair'"), 1);
	ht_end(m);

	/* "F5 tries again": first the console learns the request changed (the
	 * exception), then the accept goes through */
	ht_key(c, HT_KEY_F(5));
	HT_ASSERT_TEXT(c, "not applied", T);
	ht_key(c, HT_KEY_F(5));
	HT_ASSERT_TEXT(c, "— Accepted", T);
	assert_int_equal(ofx_status(f, id), RS_ACCEPTED);
	ht_end(c);

	/* the kiosk: Accepted, and no later "Earliest response" above it */
	ht *k = ofx_track(f, ref, "0023", 30);
	HT_ASSERT_TEXT(k, "Status: Accepted", T);
	HT_ASSERT(k, ofx_row_of(k, "Earliest response") < 0);
	ht_end(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(refer_back_does_not_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(committee_cannot_enter_on_behalf, setup, teardown),
		cmocka_unit_test_setup_teardown(enterer_cannot_decide, setup, teardown),
		cmocka_unit_test_setup_teardown(quorum_two_needs_two_members, setup, teardown),
		cmocka_unit_test_setup_teardown(study_period_and_exception, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
