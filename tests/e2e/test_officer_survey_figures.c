/*
 * test_officer_survey_figures — the console's report screens show the
 * honest satisfaction figures (issue 10, finding 8), on the real binary at
 * 80×24, the same as `khidma report`:
 *
 *  - one response by phone with 5 answers (5 4 4 2 1: mean 3.2) is n = 1
 *    for the channel, CSAT 0 % (its mean is under 4), Wilson 0–79 %
 *    (288b69f: n = 5, the answers);
 *  - 30 delivered requests verified by ali (and delivered by him), 29 of
 *    them registered by sara, each evaluated once (5, 4: mean 4.5): ali
 *    has n = 30 and is shown (288b69f: n = 60), sara's 29 are not — one
 *    officer left out; omar, who decided them, and an assignment to omar
 *    after delivery are credited nothing.
 */
#include "e2e/test_officer_fixture.h"

#include <time.h>

#include "store/store.h"

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
	ht_end_all();
	return 0;
}

static void step(store *s, int64_t id, req_status to, const char *who)
{
	struct request r;

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_transition(s, id, r.version, r.status, to, who,
	                 "step"), ST_OK);
	request_free(&r);
}

static void respond(store *s, const char *channel, const char *ref,
                    const char *last4, const int *sc, int n)
{
	struct survey_response r;

	memset(&r, 0, sizeof r);
	strcpy(r.channel, channel);
	if (ref) {
		strlcpy_k(r.ref, ref, sizeof r.ref);
		strlcpy_k(r.last4, last4, sizeof r.last4);
	}
	r.nanswers = n;
	for (int i = 0; i < n; i++) {
		snprintf(r.answers[i].question, sizeof r.answers[i].question, "q%d", i + 1);
		r.answers[i].score = sc[i];
	}
	assert_int_equal(store_survey_submit(s, &r), ST_OK);
}

static char *cli_report(struct ofx *f)
{
	char cmd[2048], *out = NULL;
	size_t len = 0;
	FILE *p, *m = open_memstream(&out, &len);
	int ch;

	snprintf(cmd, sizeof cmd, "'%s' --db '%s' --config '%s' report", ofx_bin(),
	         f->db, f->conf);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((ch = fgetc(p)) != EOF)
		fputc(ch, m);
	assert_int_equal(pclose(p), 0);
	fclose(m);
	return out;
}

static void console_shows_responses_not_answers(void **state)
{
	static const int phone[5] = { 5, 4, 4, 2, 1 }, good[2] = { 5, 4 };
	struct ofx *f = *state;
	char ref[32], *text;
	int64_t last = 0;
	ht *h;

	for (int i = 0; i < 30; i++) {
		int64_t id = ofx_submit(f, "Survey Member", 300 + i, false, ref);
		store *s = ofx_open(f);
		char last4[16];

		step(s, id, RS_VERIFIED, "ali");
		step(s, id, RS_COMMITTEE, "ali");
		step(s, id, RS_ACCEPTED, "omar");
		step(s, id, RS_REGISTERED, i < 29 ? "sara" : "ali");
		step(s, id, RS_DELIVERED, "ali");
		snprintf(last4, sizeof last4, "%04d", (300 + i) % 10000);
		respond(s, "in_person", ref, last4, good, 2);
		store_close(s);
		last = id;
	}
	{
		store *s = ofx_open(f);
		struct request r;

		respond(s, "phone", NULL, NULL, phone, 5);
		assert_int_equal(store_request_get(s, last, &r), ST_OK);
		assert_int_equal(store_request_assign(s, last, r.version, "admin1", "omar"),
		                 ST_OK);
		request_free(&r);
		store_close(s);
	}

	text = cli_report(f);
	assert_non_null(strstr(text, "phone               1  3.20   0.0%  0.0–79.3"));
	assert_non_null(strstr(text, "in_person          30  4.50 100.0%  88.6–100.0"));
	assert_non_null(strstr(text, "1 officer with fewer responses not shown"));
	free(text);

	h = ofx_session(f, "admin1", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_keys(h, "r");
	HT_ASSERT_TEXT(h, "Requests in the period: 30", T);
	for (int i = 0; i < 3; i++)
		ht_key(h, HT_KEY_TAB);
	/* by question: q1 answered by 31 responses, q3 by the phone one only */
	HT_ASSERT_TEXT(h, "q1: mean 5.00 · CSAT 100% (95% CI 89–100%) · n = 31 · 1–5: 0/0/0/0/31", T);
	HT_ASSERT_TEXT(h, "q3: mean 4.00 · CSAT 100% (95% CI 21–100%) · n = 1 · 1–5: 0/0/0/1/0", T);
	ht_key(h, HT_KEY_TAB);
	/* by channel: the bars' n are responses */
	HT_ASSERT_TEXT(h, "1 officer with fewer not shown", T);   /* ngettext: one */
	HT_ASSERT(h, ofx_row_of(h, "Phone call") >= 0);
	HT_ASSERT(h, strstr(ht_screen_text(h, ofx_row_of(h, "Phone call")), " 0% n=1") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, ofx_row_of(h, "In-person meeting")),
	                    " 100% n=30") != NULL);
	for (int i = 0; i < 10 && ofx_row_of(h, "ali: mean") < 0; i++) {
		ht_key(h, HT_KEY_DOWN);
		(void)ht_wait_quiet(h, 60);
	}
	HT_ASSERT_TEXT(h, "ali: mean 4.50 · CSAT 100% (95% CI 89–100%) · n = 30", T);
	HT_ASSERT(h, ofx_row_of(h, "sara: mean") < 0);
	HT_ASSERT(h, ofx_row_of(h, "omar: mean") < 0);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(console_shows_responses_not_answers, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
