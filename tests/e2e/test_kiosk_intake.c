/*
 * test_kiosk_intake — the visitor's service request, end to end through a
 * real pty and libvterm, in English and in Arabic: a full intake ending
 * with the reference number on screen and the row (with its event and its
 * declaration) in the database; a wrong national ID and a non-mobile
 * number refused with the reason; F2 and a resize below 80×24 mid-form
 * keeping what was typed; SIGHUP mid-form leaving no row; Arabic reaching
 * the screen shaped and in visual order in app mode.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/wait.h>

#include "e2e/test_kiosk_util.h"

static const char *const TERM_MODE[] = { "--bidi=terminal", NULL };

/* Review → declaration → accept → signature → submitted. */
static void
declare_and_submit(ht *h, const char *signature, bool arabic)
{
	HT_ASSERT_TEXT(h, arabic ? "مراجعة طلبك" : "Check your request", KT);
	ht_keys(h, "1");                       /* everything is correct */
	HT_ASSERT_TEXT(h, arabic ? "الرسائل عن هذا الطلب" : "Messages about this request", KT);
	ht_keys(h, "1");                       /* no messages (consent.c) */
	HT_ASSERT_TEXT(h, arabic ? "أقرّ بأن المعلومات" : "I confirm that the information", KT);
	ht_keys(h, "1");                       /* I accept */
	ht_key(h, HT_KEY_ENTER);
	type_line(h, signature);
}

static void
check_row(ht *h, const char *ref, const char *name, const char *nid)
{
	store *s = open_db(h);
	struct request r;
	struct request_event *ev = NULL;
	int nev = 0;

	assert_int_equal(store_request_by_ref(s, ref, &r), ST_OK);
	assert_string_equal(r.name, name);
	assert_string_equal(r.national_id, nid);
	assert_string_equal(r.mobile, "0551234567");
	assert_string_equal(r.member_number, "4711");
	assert_string_equal(r.category, "member");
	assert_string_equal(r.channel, "in_person");
	assert_string_equal(r.declared_by, "kiosk");
	assert_int_equal(r.declaration_version, 1);
	assert_true(r.declared_at > 0);
	assert_non_null(r.signature);
	assert_true(strlen(r.signature) > 0);
	assert_int_equal(r.status, RS_RECEIVED);
	assert_true(r.earliest_response >= r.created_at + 14 * 86400);
	assert_int_equal(store_request_events(s, r.id, &ev, &nev), ST_OK);
	assert_true(nev >= 1);
	assert_int_equal(ev[0].to, RS_RECEIVED);
	request_events_free(ev, nev);
	request_free(&r);
	assert_int_equal(count_requests(s), 1);
	store_close(s);
}

static void
full_intake_english(void **state)
{
	ht *h = kiosk_start("idle_timeout = 600;\nconfirm_timeout = 5;\n", NULL);
	char ref[32];

	(void)state;
	kiosk_choose_lang(h, false);
	kiosk_fill_request(h, "Sara Ali", NID_OK, "+966551234567",
	                   "The air conditioner at home is broken.");
	declare_and_submit(h, "sara  ALI", false);
	HT_ASSERT_TEXT(h, "Your reference number is", KT);
	HT_ASSERT_TEXT(h, "answers no earlier than the date", KT);
	HT_ASSERT_TEXT(h, " AH", KT);               /* the Umm al-Qura date */
	HT_ASSERT(h, kiosk_wait_ref(h, ref, sizeof ref));
	check_row(h, ref, "Sara Ali", NID_OK);
	/* the confirmation goes back to the welcome screen by itself */
	HT_ASSERT_TEXT(h, "Welcome", 9000);
	HT_ASSERT_GONE(h, ref, 100);
	ht_end(h);
}

static void
full_intake_arabic(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);
	char ref[32];

	(void)state;
	kiosk_choose_lang(h, true);
	/* Eastern digits in the ID and the mobile */
	kiosk_fill_request(h, "محمد أحمد", "١٠٠٠٠٠٠٠٠٨", "٠٥٥١٢٣٤٥٦٧",
	                   "أحتاج إلى صيانة المكيف في منزلي");
	declare_and_submit(h, "محمد احمد", true);   /* alef without hamza: still matches */
	HT_ASSERT_TEXT(h, "رقمه المرجعي", KT);
	HT_ASSERT_TEXT(h, "في موعد لا يسبق", KT);
	HT_ASSERT_TEXT(h, "هـ", KT);
	HT_ASSERT(h, kiosk_wait_ref(h, ref, sizeof ref));
	/* arabic_digits = "eastern" (the default): the reference in ٠..٩,
	 * the big digits drawn as ٠..٩ too (٧ and ٨ are V shapes, no 7 or 8
	 * glyph), no ASCII copy of it on the screen */
	{
		char east[64], *w = east;
		for (const char *p = ref; *p; p++) {
			*w++ = (char)0xD9;
			*w++ = (char)(0xA0 + (*p - '0'));
		}
		*w = '\0';
		HT_ASSERT(h, strstr(ht_screen(h), east) != NULL);
		HT_ASSERT(h, strstr(ht_screen(h), ref) == NULL);
		/* the Western font's '1' row "  # ", " ## " is not there; the
		 * Arabic-Indic ١ is a plain bar */
		HT_ASSERT(h, strstr(ht_screen(h), "\u2588\u2588\u2588\u2588 \u2588  \u2588") == NULL);
	}
	check_row(h, ref, "محمد أحمد", NID_OK);
	ht_end(h);
}

static void
signature_must_match(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	store *s;

	(void)state;
	kiosk_choose_lang(h, false);
	kiosk_fill_request(h, "Sara Ali", NID_OK, "0551234567", "Plumbing leak in the kitchen.");
	declare_and_submit(h, "Someone Else", false);
	HT_ASSERT_TEXT(h, "The signature must be the full name", KT);
	s = open_db(h);
	assert_int_equal(count_requests(s), 0);
	store_close(s);
	ht_end(h);
}

/* Go to the form and stop on the national ID field. */
static void
to_nid(ht *h)
{
	ht_keys(h, "1");
	ht_wait_quiet(h, 100);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
}

static void
refuses_bad_id_and_phone_en(void **state)
{
	ht *h = kiosk_start(NULL, NULL);

	(void)state;
	kiosk_choose_lang(h, false);
	to_nid(h);
	type_line(h, "Sara Ali");
	type_line(h, NID_BAD);
	HT_ASSERT_TEXT(h, "This national ID or Iqama number is not valid", KT);
	for (int i = 0; i < 10; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	type_line(h, "3000000000");
	HT_ASSERT_TEXT(h, "A national ID starts with 1, an Iqama number with 2.", KT);
	for (int i = 0; i < 10; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	type_line(h, IQAMA_OK);
	HT_ASSERT_GONE(h, "A national ID starts", KT);
	type_line(h, "4711");
	type_line(h, "0112345678");            /* a Riyadh landline */
	HT_ASSERT_TEXT(h, "This is not a mobile number", KT);
	/* the cursor stays in the mobile field: typing fixes it */
	for (int i = 0; i < 10; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	type_line(h, "0551234567");
	HT_ASSERT_GONE(h, "This is not a mobile number", KT);
	ht_end(h);
}

/* Issue 12: the register's membership number ("M-1002") is typed as it
 * is (stored in capitals, as the import stores it); a 052 number is
 * refused for the reason that applies, not "start with 05". */
static void
register_number_and_052_reason(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	char ref[32];
	store *s;
	struct request r;

	(void)state;
	kiosk_choose_lang(h, false);
	to_nid(h);
	type_line(h, "Sara Ali");
	type_line(h, NID_OK);
	type_line(h, "M 1002");
	HT_ASSERT_TEXT(h, "as on the card: letters, digits, - and /", KT);
	for (int i = 0; i < 6; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	type_line(h, "m-1002");
	HT_ASSERT_GONE(h, "as on the card: letters", KT);
	type_line(h, "0521234567");
	HT_ASSERT_TEXT(h, "Numbers starting with 051 or 052 are not Saudi mobile numbers", KT);
	assert_false(ht_wait_text(h, "starting with 05.", 200));
	for (int i = 0; i < 10; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	type_line(h, "0551234567");
	HT_ASSERT_GONE(h, "Numbers starting with 051", KT);
	ht_key(h, HT_KEY_ENTER);            /* no e-mail */
	ht_keys(h, "2");
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "The air conditioner at home is broken.");
	ht_key(h, HT_KEY_F(5));
	declare_and_submit(h, "Sara Ali", false);
	HT_ASSERT_TEXT(h, "Your reference number is", KT);
	HT_ASSERT(h, kiosk_wait_ref(h, ref, sizeof ref));
	s = open_db(h);
	assert_int_equal(store_request_by_ref(s, ref, &r), ST_OK);
	assert_string_equal(r.member_number, "M-1002");
	request_free(&r);
	store_close(s);
	ht_end(h);
}

/* Issue 12: F2 with a field's message on screen shows it in the other
 * language (the field's line and the status line), not the old one. */
static void
f2_message_in_the_new_language(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);

	(void)state;
	kiosk_choose_lang(h, false);
	to_nid(h);
	type_line(h, "Sara Ali");
	type_line(h, NID_OK);
	type_line(h, "4711");
	type_line(h, "0521234567");
	HT_ASSERT_TEXT(h, "Numbers starting with 051 or 052", KT);
	ht_key(h, HT_KEY_F(2));
	HT_ASSERT_GONE(h, "Numbers starting with 051 or 052", KT);
	HT_ASSERT_TEXT(h, "ليست أرقام جوال سعودية", KT);
	ht_key(h, HT_KEY_F(2));
	HT_ASSERT_GONE(h, "ليست أرقام جوال سعودية", KT);
	HT_ASSERT_TEXT(h, "Numbers starting with 051 or 052", KT);
	ht_end(h);
}

static void
refuses_bad_id_and_phone_ar(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);

	(void)state;
	kiosk_choose_lang(h, true);
	to_nid(h);
	type_line(h, "محمد أحمد");
	type_line(h, "١٠٠٠٠٠٠٠٠٩");
	HT_ASSERT_TEXT(h, "رقم الهوية الوطنية أو الإقامة غير صحيح", KT);
	for (int i = 0; i < 10; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	type_line(h, "١٠٠٠٠٠٠٠٠٨");
	type_line(h, "4711");
	type_line(h, "0122345678");
	HT_ASSERT_TEXT(h, "هذا ليس رقم جوال", KT);
	ht_end(h);
}

static void
app_mode_arabic_is_visual(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	char *title = visual_of("طلب خدمة جديد", TEXT_RTL);
	char *label = visual_of("الاسم الكامل", TEXT_RTL);

	(void)state;
	HT_ASSERT_TEXT(h, "Welcome", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, title, KT);           /* the home menu item, shaped */
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, label, KT);
	/* and not the logical, unshaped string */
	HT_ASSERT(h, strstr(ht_screen(h), "الاسم الكامل") == NULL);
	free(title);
	free(label);
	ht_end(h);
}

static void
f2_keeps_the_draft(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);

	(void)state;
	kiosk_choose_lang(h, false);
	to_nid(h);
	type_line(h, "Sara Ali");
	ht_keys(h, "10000");
	HT_ASSERT_TEXT(h, "Full name", KT);
	ht_key(h, HT_KEY_F2);
	HT_ASSERT_TEXT(h, "الاسم الكامل", KT);
	HT_ASSERT_TEXT(h, "Sara Ali", KT);
	HT_ASSERT_TEXT(h, "10000", KT);
	ht_keys(h, "00008");                    /* the cursor is still there */
	ht_key(h, HT_KEY_F2);
	HT_ASSERT_TEXT(h, "Full name", KT);
	HT_ASSERT_TEXT(h, NID_OK, KT);
	ht_end(h);
}

static void
resize_mid_form(void **state)
{
	ht *h = kiosk_start(NULL, NULL);

	(void)state;
	kiosk_choose_lang(h, false);
	to_nid(h);
	type_line(h, "Sara Ali");
	HT_ASSERT_TEXT(h, "Sara Ali", KT);
	ht_resize(h, 20, 70);
	HT_ASSERT_TEXT(h, "Please enlarge the window", KT);
	ht_keys(h, "x");                        /* swallowed while too small */
	ht_resize(h, 24, 80);
	HT_ASSERT_GONE(h, "Please enlarge the window", KT);
	HT_ASSERT_TEXT(h, "Sara Ali", KT);
	ht_keys(h, NID_OK);
	HT_ASSERT_TEXT(h, NID_OK, KT);
	HT_ASSERT(h, strstr(ht_screen(h), "x" NID_OK) == NULL);   /* "x" was swallowed */
	ht_end(h);
}

static void
sighup_mid_form_leaves_no_row(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int status = 0;
	store *s;

	(void)state;
	kiosk_choose_lang(h, false);
	kiosk_fill_request(h, "Sara Ali", NID_OK, "0551234567", "Hang up before the end.");
	HT_ASSERT_TEXT(h, "Check your request", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Messages about this request", KT);
	ht_keys(h, "1");                       /* no messages (consent.c) */
	HT_ASSERT_TEXT(h, "I confirm that the information", KT);
	ht_hangup(h);
	HT_ASSERT(h, ht_wait_exit(h, 5000, &status));
	assert_true(WIFEXITED(status));
	s = open_db(h);
	assert_int_equal(count_requests(s), 0);
	store_close(s);
	ht_end(h);
}

/* The printed receipt: pressing 1 on the confirmation pipes a plain-text
 * receipt to receipt_command. It carries the reference and the dates, the
 * name and mobile only masked, and no control character. */
static void
receipt_is_printed(void **state)
{
	ht *h = ht_new(24, 80);
	char ref[32], conf[1200], path[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s", ht_path(h, "receipt.txt"));
	snprintf(conf, sizeof conf, "idle_timeout = 600;\nconfirm_timeout = 30;\n"
	         "receipt_command = \"cat > '%s'\";\n", path);
	if (!ht_write_file(h, "khidma.conf", conf) || !ht_spawn_khidma(h, NULL, NULL))
		fail_msg("cannot start khidma");
	kiosk_choose_lang(h, false);
	kiosk_fill_request(h, "Sara Ali", NID_OK, "0551234567",
	                   "The water heater leaks\x1b[2J badly.");
	declare_and_submit(h, "Sara Ali", false);
	HT_ASSERT_TEXT(h, "print a receipt", KT);
	HT_ASSERT(h, kiosk_wait_ref(h, ref, sizeof ref));
	ht_keys(h, "1");
	for (int i = 0; i < 50 && text == NULL; i++) {
		ht_wait_quiet(h, 100);
		if ((f = fopen(path, "r")) != NULL) {
			char buf[8192];
			len = fread(buf, 1, sizeof buf - 1, f);
			fclose(f);
			buf[len] = '\0';
			if (strstr(buf, "Tracking") != NULL || strstr(buf, "Track my request") != NULL)
				text = strdup(buf);
		}
	}
	if (text == NULL) {
		ht_dump(h, "/dev/stderr");
		f = fopen(path, "r");
		fail_msg("no complete receipt in %s (file %s)", path, f ? "exists" : "missing");
	}
	assert_non_null(strstr(text, ref));
	assert_non_null(strstr(text, "Service request receipt"));
	assert_non_null(strstr(text, "إيصال"));            /* the Arabic half */
	assert_null(strstr(text, "0551234567"));           /* mobile masked */
	assert_non_null(strstr(text, "4567"));
	assert_null(strstr(text, "Sara Ali"));             /* name masked */
	for (size_t i = 0; text[i]; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n')
			fail_msg("control byte 0x%02x in the receipt", text[i]);
	free(text);
	ht_end(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_intake_english),
		cmocka_unit_test(full_intake_arabic),
		cmocka_unit_test(signature_must_match),
		cmocka_unit_test(register_number_and_052_reason),
		cmocka_unit_test(f2_message_in_the_new_language),
		cmocka_unit_test(refuses_bad_id_and_phone_en),
		cmocka_unit_test(refuses_bad_id_and_phone_ar),
		cmocka_unit_test(app_mode_arabic_is_visual),
		cmocka_unit_test(f2_keeps_the_draft),
		cmocka_unit_test(resize_mid_form),
		cmocka_unit_test(sighup_mid_form_leaves_no_row),
		cmocka_unit_test(receipt_is_printed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
