/*
 * test_officer_flow — the "done when" for the console, end to end:
 * two officer sessions at once on one database. Ali (officer) checks the
 * register, verifies, refers and — after Sara (researcher) explained —
 * forwards a request while Sara's queue shows it move by itself; Omar
 * (committee) accepts with a reason; the kiosk's tracking screen then shows
 * the new step. Also: a stale edit refused with "changed by someone else",
 * Verify refused while a required field is unmatched, intake on someone's
 * behalf with the channel and declared_by recorded.
 */
#include "e2e/test_officer_fixture.h"

#include <sys/wait.h>

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

/* In the request screen: Tab to the register check, mark the 4 required
 * fields, save. */
static void mark_required(ht *h)
{
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "In the register", T);
	for (int i = 0; i < 4; i++)
		ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Not saved yet", T);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Register check saved.", T);
}

/* F1, choose the action, confirm the note prompt with F5 (typing note
 * first when given). */
static void act(ht *h, const char *action, const char *note)
{
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, action));
	HT_ASSERT_TEXT(h, "(optional)", T);
	if (note)
		ht_keys(h, note);
	ht_key(h, HT_KEY_F(5));
}

static void two_sessions_move_a_request(void **state)
{
	struct ofx *f = *state;
	char ref[16], title[64];
	int64_t id = ofx_submit(f, "Fatima Alharbi", 11, true, ref);
	ht *a = ofx_session(f, "ali", "en", NULL, 24, 80);
	ht *b = ofx_session(f, "sara", "en", NULL, 24, 80);

	ofx_login(a, PW);
	ofx_login(b, PW);
	HT_ASSERT_TEXT(a, ref, T);
	HT_ASSERT(b, ofx_view(b, "Open"));   /* a researcher's first view: referred */
	HT_ASSERT_TEXT(b, "Received", T);
	HT_ASSERT_TEXT(b, "Fatima", T);

	/* Ali opens it; Verify is refused while nothing is matched */
	ht_key(a, HT_KEY_ENTER);
	snprintf(title, sizeof title, "Request %s", ref);
	HT_ASSERT_TEXT(a, title, T);
	ht_key(a, HT_KEY_F1);
	HT_ASSERT_TEXT(a, "Actions", T);
	HT_ASSERT(a, ofx_choose(a, "Verify"));
	HT_ASSERT_TEXT(a, "Verify is refused", T);
	assert_int_equal(ofx_status(f, id), RS_RECEIVED);
	ht_key(a, HT_KEY_TAB);                      /* back to the first view */
	ht_key(a, HT_KEY_TAB);

	mark_required(a);
	act(a, "Verify", NULL);
	HT_ASSERT_TEXT(a, "Done.", T);
	assert_int_equal(ofx_status(f, id), RS_VERIFIED);
	/* Sara's queue follows by itself (PRAGMA data_version on the tick) */
	HT_ASSERT_TEXT(b, "Verified", T);

	act(a, "Refer to the social researcher", "Please explain the maintenance terms.");
	HT_ASSERT_TEXT(a, "Done.", T);
	HT_ASSERT_TEXT(b, "Research", T);       /* the queue's short label */
	assert_int_equal(ofx_status(f, id), RS_REFERRED);

	/* Sara explains and sends it back; Ali's open request reloads itself */
	ht_key(b, HT_KEY_ENTER);
	HT_ASSERT_TEXT(b, title, T);
	act(b, "Explained", NULL);
	HT_ASSERT_TEXT(b, "Done.", T);
	HT_ASSERT_TEXT(a, "— Verified", T);

	act(a, "Forward to the committee", NULL);
	HT_ASSERT_TEXT(a, "Done.", T);
	ht_key(b, HT_KEY_ESC);
	HT_ASSERT_TEXT(b, "Committee", T);      /* the queue's short label */
	assert_int_equal(ofx_status(f, id), RS_COMMITTEE);

	/* the history holds every step with who made it (from the register
	 * check view, the next view) */
	ht_key(a, HT_KEY_TAB);
	HT_ASSERT_TEXT(a, "sara · Referred to research → Verified", T);
	HT_ASSERT_TEXT(a, "Please explain the maintenance terms.", T);

	/* F10 logs out: a clean exit 0 (under ASan: no leak, no error) */
	int st_a = -1, st_b = -1;
	ht_key(a, HT_KEY_F10);
	ht_key(b, HT_KEY_F10);
	HT_ASSERT(a, ht_wait_exit(a, T, &st_a));
	HT_ASSERT(b, ht_wait_exit(b, T, &st_b));
	HT_ASSERT(a, WIFEXITED(st_a) && WEXITSTATUS(st_a) == 0);
	HT_ASSERT(b, WIFEXITED(st_b) && WEXITSTATUS(st_b) == 0);
	ht_end(a);
	ht_end(b);

	/* Omar (committee) accepts after the 14-day study period; a reason
	 * is required */
	ht *c = ofx_session_env(f, "omar", "en", NULL, 24, 80, "KHIDMA_FAKE_NOW=+15");
	ofx_login(c, PW);
	HT_ASSERT_TEXT(c, "Committee", T);
	ht_key(c, HT_KEY_ENTER);
	HT_ASSERT_TEXT(c, title, T);
	ht_key(c, HT_KEY_F1);
	HT_ASSERT_TEXT(c, "Actions", T);
	HT_ASSERT(c, ofx_choose(c, "Accept"));
	HT_ASSERT_TEXT(c, "required", T);
	ht_key(c, HT_KEY_F(5));                     /* empty: refused */
	HT_ASSERT_TEXT(c, "Please fill this in.", T);
	assert_int_equal(ofx_status(f, id), RS_COMMITTEE);
	ht_keys(c, "All papers complete");
	ht_key(c, HT_KEY_F(5));
	HT_ASSERT_TEXT(c, "Done.", T);
	HT_ASSERT_TEXT(c, "— Accepted", T);
	HT_ASSERT_TEXT(c, "All papers complete", T);
	assert_int_equal(ofx_status(f, id), RS_ACCEPTED);
	int st_c = -1;
	ht_key(c, HT_KEY_F10);
	HT_ASSERT(c, ht_wait_exit(c, T, &st_c));
	HT_ASSERT(c, WIFEXITED(st_c) && WEXITSTATUS(st_c) == 0);
	ht_end(c);

	/* the kiosk's tracking screen shows the new step */
	ht *k = ofx_track(f, ref, "0011", 24);      /* mobile 0551200011 */
	HT_ASSERT_TEXT(k, "Status: Accepted", T);
	HT_ASSERT_TEXT(k, "Studied by the research committee", T);
	ht_end(k);
}

static void stale_edit_is_refused(void **state)
{
	struct ofx *f = *state;
	char ref[16], title[64];
	int64_t id = ofx_submit(f, "Khalid Alotaibi", 12, true, ref);
	ht *a = ofx_session(f, "ali", "en", NULL, 24, 80);
	ht *b = ofx_session(f, "admin1", "en", NULL, 24, 80);

	(void)id;
	snprintf(title, sizeof title, "Request %s", ref);
	ofx_login(a, PW);
	ofx_login(b, PW);
	ht_key(a, HT_KEY_ENTER);
	HT_ASSERT_TEXT(a, title, T);
	ht_key(a, HT_KEY_TAB);
	ht_key(a, HT_KEY_ENTER);                    /* a draft mark, not saved */
	HT_ASSERT_TEXT(a, "Not saved yet", T);

	/* the admin assigns the request meanwhile */
	ht_key(b, HT_KEY_ENTER);
	HT_ASSERT_TEXT(b, title, T);
	ht_key(b, HT_KEY_F1);
	HT_ASSERT(b, ofx_choose(b, "Assign to an officer"));
	HT_ASSERT_TEXT(b, "ali — Ali Officer", T);
	HT_ASSERT(b, ofx_choose(b, "ali — Ali Officer"));
	HT_ASSERT_TEXT(b, "Assigned.", T);

	HT_ASSERT_TEXT(a, "Someone else changed this request", T);
	ht_key(a, HT_KEY_F(5));
	HT_ASSERT_TEXT(a, "Changed by someone else — reloaded.", T);
	HT_ASSERT_GONE(a, "Not saved yet", T);
	/* the stored marks are untouched: nothing of the stale edit was written */
	store *s = ofx_open(f);
	struct request r = { 0 };
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_string_equal(r.assigned_to, "ali");
	assert_null(strstr(r.field_match, "name=1"));
	request_free(&r);
	store_close(s);
	ht_end(a);
	ht_end(b);
}

static void intake_on_behalf_records_channel_and_officer(void **state)
{
	struct ofx *f = *state;
	char nid[11], ref_taken[16];
	ht *a = ofx_session(f, "ali", "en", NULL, 30, 100);

	ofx_nid(77, nid);
	ofx_intake_by_phone(a, "Noura Alqahtani", nid,
	                    "Repair of the water heater, by phone.");
	ht_key(a, HT_KEY_F(5));
	HT_ASSERT_TEXT(a, "Read the declaration to the applicant", T);
	ht_key(a, HT_KEY_F(5));
	HT_ASSERT_TEXT(a, "Request saved", T);

	store *s = ofx_open(f);
	struct queue_filter qf = { .status = -2 };
	struct queue_row *rows = NULL;
	struct request r = { 0 };
	int n = 0;
	assert_int_equal(store_queue(s, &qf, 0, 0, 10, &rows, &n), ST_OK);
	assert_int_equal(n, 1);
	HT_ASSERT_TEXT(a, rows[0].ref, T);
	snprintf(ref_taken, sizeof ref_taken, "%s", rows[0].ref);
	assert_int_equal(store_request_get(s, rows[0].id, &r), ST_OK);
	assert_string_equal(r.channel, "phone");
	assert_string_equal(r.declared_by, "ali");
	assert_string_equal(r.signature, "Noura Alqahtani");
	assert_string_equal(r.category, "supporter");
	assert_string_equal(r.national_id, nid);
	request_free(&r);
	queue_rows_free(rows, n);
	store_close(s);
	ht_key(a, HT_KEY_ENTER);
	HT_ASSERT_TEXT(a, "Noura", T);              /* back in the queue */

	/* Maker-checker: the officer who took the request cannot verify it,
	 * and the console says why (the workflow's own reason). */
	ht_key(a, HT_KEY_ENTER);
	HT_ASSERT_TEXT(a, "Repair of the water heater", T);
	mark_required(a);
	act(a, "Verify", NULL);
	HT_ASSERT_TEXT(a, "Another officer must verify a request you entered.", T);
	s = ofx_open(f);
	assert_int_equal(store_request_by_ref(s, ref_taken, &r), ST_OK);
	assert_int_equal(r.status, RS_RECEIVED);
	request_free(&r);
	store_close(s);
	ht_end(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(two_sessions_move_a_request, setup, teardown),
		cmocka_unit_test_setup_teardown(stale_edit_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(intake_on_behalf_records_channel_and_officer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
