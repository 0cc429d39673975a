/*
 * test_kiosk_track — "Track my request" and the satisfaction survey, end to
 * end, in English and in Arabic: tracking by reference + last 4 digits of
 * the mobile with personal data masked; the growing delay before the
 * answer to wrong tries; a delivered request offering the survey; a survey stored
 * (anonymous, optionally linked to a request).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "e2e/test_kiosk_util.h"

static const char *const TERM_MODE[] = { "--bidi=terminal", NULL };

/* A handle with a database that already holds one request (by the store
 * API, as an officer's entry would); its reference goes to ref. */
/* The kiosk started (it creates and seeds the database), then one request
 * added through the store API, as an officer's entry would be; its
 * reference goes to ref. */
static ht *
with_request(const char *conf, const char *const args[], const char *name,
             bool delivered, char *ref)
{
	ht *h = kiosk_start(conf, args);
	struct request r = { 0 };
	store *s;

	kiosk_wait_open(h);
	s = open_db(h);
	strcpy(r.category, "member");
	r.name = strdup(name);
	strcpy(r.national_id, NID_OK);
	strcpy(r.mobile, "0551234567");
	r.email = strdup("");
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "phone");
	r.description = strdup("Test request for tracking.");
	r.declared_at = time(NULL);
	r.signature = strdup(name);
	r.declaration_version = 1;
	strcpy(r.declared_by, "officer1");
	assert_int_equal(store_request_submit(s, &r, "officer1"), ST_OK);
	strcpy(ref, r.ref);
	if (delivered)
		assert_int_equal(store_request_transition(s, r.id, r.version, RS_RECEIVED,
		                 RS_DELIVERED, "officer1", "done"), ST_OK);
	request_free(&r);
	store_close(s);
	return h;
}

static void
track(ht *h, const char *ref, const char *last4)
{
	type_line(h, ref);
	type_line(h, last4);
}

static void
track_english_masked(void **state)
{
	char ref[32];
	ht *h = with_request("idle_timeout = 600;\n", NULL, "Mona Saleh", false, ref);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "2");
	HT_ASSERT_TEXT(h, "last 4 digits", KT);
	track(h, ref, "4567");
	HT_ASSERT_TEXT(h, "Received, waiting for verification", KT);
	HT_ASSERT_TEXT(h, "M****", KT);
	HT_ASSERT_TEXT(h, "******4567", KT);
	HT_ASSERT_TEXT(h, "Request received", KT);
	HT_ASSERT_TEXT(h, "Earliest response:", KT);
	HT_ASSERT(h, strstr(ht_screen(h), "Mona") == NULL);
	HT_ASSERT(h, strstr(ht_screen(h), "0551234567") == NULL);
	HT_ASSERT(h, strstr(ht_screen(h), NID_OK) == NULL);
	ht_end(h);
}

static void
track_arabic(void **state)
{
	char ref[32];
	ht *h = with_request("idle_timeout = 600;\n", TERM_MODE, "منى صالح", false, ref);

	(void)state;
	kiosk_choose_lang(h, true);
	ht_keys(h, "٢");                        /* an Eastern digit chooses too */
	HT_ASSERT_TEXT(h, "آخر ٤ أرقام من الجوال", KT);
	track(h, ref, "٤٥٦٧");
	HT_ASSERT_TEXT(h, "مستلم، بانتظار التحقق", KT);
	HT_ASSERT_TEXT(h, "م****", KT);
	/* the masked mobile as its own run: written for a bidi terminal in
	 * the row's logical order (test_bidi_terminal checks the picture) */
	HT_ASSERT(h, ht_wait_text(h, "******٤٥٦٧", 100) || ht_wait_text(h, "٤٥٦٧******", KT));
	HT_ASSERT(h, strstr(ht_screen(h), "منى") == NULL);
	ht_end(h);
}

static void
bad_check_digit_is_caught(void **state)
{
	char ref[32];
	ht *h = with_request("idle_timeout = 600;\n", NULL, "Mona Saleh", false, ref);
	size_t n = strlen(ref);

	(void)state;
	ref[n - 1] = ref[n - 1] == '9' ? '0' : ref[n - 1] + 1;
	kiosk_choose_lang(h, false);
	ht_keys(h, "2");
	track(h, ref, "4567");
	HT_ASSERT_TEXT(h, "This reference number is not valid", KT);
	ht_end(h);
}

/* Seconds between the Enter that submits and the answer. */
static double
timed_wrong_try(ht *h, const char *ref)
{
	struct timespec a, b;

	ht_keys(h, "9999");
	HT_ASSERT_TEXT(h, "9999", KT);
	HT_ASSERT_GONE(h, "No request matches", KT);   /* typing clears the last answer */
	clock_gettime(CLOCK_MONOTONIC, &a);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "No request matches", 40000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	(void)ref;
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

static void
clear_last4(ht *h)
{
	for (int i = 0; i < 4; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	HT_ASSERT_GONE(h, "9999", KT);
}

static void
growing_delay_after_wrong_tries(void **state)
{
	char ref[32];
	ht *h = with_request("idle_timeout = 600;\ntrack_max_tries = 2;\ntrack_window = 600;\n",
	                     NULL, "Mona Saleh", false, ref);
	double t1, t3, t4;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "2");
	type_line(h, ref);
	t1 = timed_wrong_try(h, ref);           /* failure 1: at once */
	clear_last4(h);
	ht_wait_quiet(h, 200);
	timed_wrong_try(h, ref);                /* failure 2 */
	clear_last4(h);
	ht_wait_quiet(h, 200);
	ht_keys(h, "9999");
	HT_ASSERT_GONE(h, "No request matches", KT);
	ht_key(h, HT_KEY_ENTER);                /* 2 failures on record: waits */
	HT_ASSERT_TEXT(h, "Please wait while your request is looked up", KT);
	HT_ASSERT_TEXT(h, "No request matches", 10000);
	clear_last4(h);
	ht_wait_quiet(h, 200);
	t3 = timed_wrong_try(h, ref);           /* 3 on record: about 2 s */
	clear_last4(h);
	ht_wait_quiet(h, 200);
	t4 = timed_wrong_try(h, ref);           /* 4 on record: about 4 s */
	assert_true(t1 < 1.0);
	assert_true(t3 >= 1.5);
	assert_true(t4 > t3);
	/* the right answer comes at once (kiosk/throttle.c invariant 1) */
	clear_last4(h);
	ht_keys(h, "4567");
	HT_ASSERT_TEXT(h, "4567", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Received, waiting for verification", 3000);
	ht_end(h);
}

static int
count_row(void *ctx, int n, const char *const *names, const char *const *cols)
{
	(void)n; (void)names; (void)cols;
	(*(int *)ctx)++;
	return 0;
}

static void
delivered_offers_survey_and_links_it(void **state)
{
	char ref[32];
	ht *h = with_request("idle_timeout = 600;\n", NULL, "Mona Saleh", true, ref);
	store *s;
	int rows = 0;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "2");
	track(h, ref, "4567");
	HT_ASSERT_TEXT(h, "Service delivered", KT);
	HT_ASSERT_TEXT(h, "Press 3", KT);
	ht_keys(h, "3");
	HT_ASSERT_TEXT(h, "never to punish anyone", KT);
	for (int q = 0; q < 5; q++) {
		ht_keys(h, "5");
		ht_key(h, HT_KEY_ENTER);
	}
	ht_keys(h, "1");                        /* channel: in person (none preset) */
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "Very kind staff.");
	ht_key(h, HT_KEY_DOWN);
	HT_ASSERT_TEXT(h, ref, KT);             /* the reference is prefilled */
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "your evaluation was recorded", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Welcome", KT);
	s = open_db(h);
	assert_int_equal(store_export(s, "surveys", 0, count_row, &rows), ST_OK);
	assert_int_equal(rows, 1);
	store_close(s);
	ht_end(h);
}

static void
survey_arabic_anonymous(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);
	store *s;
	int rows = 0;

	(void)state;
	kiosk_choose_lang(h, true);
	ht_keys(h, "3");
	HT_ASSERT_TEXT(h, "وليس لمعاقبة أحد", KT);
	HT_ASSERT_TEXT(h, "اللباقة والاحترام عند الاستقبال", KT);
	HT_ASSERT_TEXT(h, "راضٍ جدًا", KT);
	for (int q = 0; q < 5; q++) {
		ht_keys(h, "٤");
		ht_key(h, HT_KEY_ENTER);
	}
	ht_keys(h, "١");                        /* the channel: none preset */
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "خدمة ممتازة");
	ht_key(h, HT_KEY_DOWN);
	ht_key(h, HT_KEY_ENTER);                /* no reference, */
	ht_key(h, HT_KEY_ENTER);                /* no mobile digits: send */
	HT_ASSERT_TEXT(h, "سُجل تقييمك", KT);
	ht_key(h, HT_KEY_ENTER);
	s = open_db(h);
	assert_int_equal(store_export(s, "surveys", 0, count_row, &rows), ST_OK);
	assert_int_equal(rows, 1);
	assert_int_equal(count_requests(s), 0);
	store_close(s);
	ht_end(h);
}

static void
survey_needs_every_answer(void **state)
{
	ht *h = kiosk_start(NULL, NULL);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "3");
	HT_ASSERT_TEXT(h, "Courtesy and respect", KT);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Please choose one of the options.", KT);
	ht_end(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(track_english_masked),
		cmocka_unit_test(track_arabic),
		cmocka_unit_test(bad_check_digit_is_caught),
		cmocka_unit_test(growing_delay_after_wrong_tries),
		cmocka_unit_test(delivered_offers_survey_and_links_it),
		cmocka_unit_test(survey_arabic_anonymous),
		cmocka_unit_test(survey_needs_every_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
