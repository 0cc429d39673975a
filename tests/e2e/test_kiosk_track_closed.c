/*
 * test_kiosk_track_closed — the tracking throttle fails closed (track.c
 * invariant 5): when a failure cannot be recorded (the throttle table
 * unreadable or refusing writes), the visitor is not told "no match" but
 * reads "tracking is unavailable" in their language. A right reference
 * and mobile are never throttled (kiosk/throttle.c invariant 1), so they
 * are answered even then.
 *
 * The store errors are forced on the kiosk's own database, from outside,
 * while it runs: the throttle table renamed away (every read and write of
 * it fails), or a trigger refusing inserts into it (reads work, writes
 * fail — what a lookup on a half-broken database would meet).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <time.h>

#include "e2e/test_kiosk_util.h"

static const char *const TERM_MODE[] = { "--bidi=terminal", NULL };

/* The kiosk on a database holding one request (mobile ending 4567), whose
 * reference goes to ref; then `sql` run on that database. */
static ht *
start_broken(const char *const args[], const char *sql, char *ref)
{
	ht *h = kiosk_start("idle_timeout = 600;\n", args);
	struct request r = { 0 };
	store *s;

	kiosk_wait_open(h);
	s = open_db(h);
	strcpy(r.category, "member");
	r.name = strdup("Mona Saleh");
	strcpy(r.national_id, NID_OK);
	strcpy(r.mobile, "0551234567");
	r.email = strdup("");
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "phone");
	r.description = strdup("Test request for tracking.");
	r.declared_at = time(NULL);
	r.signature = strdup("Mona Saleh");
	r.declaration_version = 1;
	strcpy(r.declared_by, "officer1");
	assert_int_equal(store_request_submit(s, &r, "officer1"), ST_OK);
	strcpy(ref, r.ref);
	request_free(&r);
	if (sqlite3_exec(store_db(s), sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, store_errmsg(s));
	store_close(s);
	return h;
}

/* The throttle table is gone: a wrong mobile is not answered "no match"
 * (it could not be counted), the right one is answered (never throttled). */
static void
unreadable_throttle_means_no_lookup(void **state)
{
	char ref[32];
	ht *h = start_broken(NULL, "ALTER TABLE track_failures RENAME TO tf_gone", ref);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "2");
	HT_ASSERT_TEXT(h, "last 4 digits", KT);
	type_line(h, ref);
	type_line(h, "9999");
	HT_ASSERT_TEXT(h, "Tracking is unavailable right now", KT);
	HT_ASSERT_TEXT(h, "ask an officer", KT);
	ht_wait_quiet(h, 300);
	HT_ASSERT(h, strstr(ht_screen(h), "No request matches") == NULL);
	for (int i = 0; i < 4; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	type_line(h, "4567");
	HT_ASSERT_TEXT(h, "Received, waiting", KT);
	HT_ASSERT_TEXT(h, "******4567", KT);
	ht_end(h);
}

/* The same in Arabic (logical order: --bidi=terminal). */
static void
unreadable_throttle_arabic(void **state)
{
	char ref[32];
	ht *h = start_broken(TERM_MODE, "ALTER TABLE track_failures RENAME TO tf_gone", ref);

	(void)state;
	kiosk_choose_lang(h, true);
	ht_keys(h, "2");
	HT_ASSERT_TEXT(h, "آخر ٤ أرقام من الجوال", KT);
	type_line(h, ref);
	type_line(h, "٩٩٩٩");
	HT_ASSERT_TEXT(h, "خدمة متابعة الطلبات غير متاحة حاليًا", KT);
	ht_wait_quiet(h, 300);
	HT_ASSERT(h, strstr(ht_screen(h), "مستلم، بانتظار التحقق") == NULL);
	ht_end(h);
}

/* A wrong try that cannot be recorded is not answered "no match": an
 * uncounted guess must not look like a counted one. */
static void
unrecordable_failure_is_not_answered(void **state)
{
	char ref[32];
	ht *h = start_broken(NULL, "CREATE TRIGGER tf_refuse BEFORE INSERT ON "
	                     "track_failures BEGIN SELECT RAISE(ABORT, 'refused'); END",
	                     ref);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "2");
	HT_ASSERT_TEXT(h, "last 4 digits", KT);
	type_line(h, ref);
	type_line(h, "9999");
	HT_ASSERT_TEXT(h, "Tracking is unavailable right now", KT);
	ht_wait_quiet(h, 300);
	HT_ASSERT(h, strstr(ht_screen(h), "No request matches") == NULL);
	ht_end(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unreadable_throttle_means_no_lookup),
		cmocka_unit_test(unreadable_throttle_arabic),
		cmocka_unit_test(unrecordable_failure_is_not_answered),
	};
	return cmocka_run_group_tests_name("kiosk_track_closed", tests, NULL, NULL);
}
