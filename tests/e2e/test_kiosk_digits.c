/*
 * test_kiosk_digits — issue 11, "Arabic that reads right", on the real
 * binary: one digit script per Arabic screen (arabic_digits = "eastern",
 * the default: U+0660..U+0669; "western": ASCII), English screens in
 * ASCII whatever the setting; the reference and the survey's code typed in
 * either script and shown in the field as typed; the bilingual welcome's
 * numbers in one column; the survey's channel chosen by the visitor, not
 * preset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "e2e/test_kiosk_util.h"

static const char *const TERM_MODE[] = { "--bidi=terminal", NULL };

/* ASCII digits → Arabic-Indic, as UTF-8 (static buffer). */
static const char *
eastern(const char *ascii)
{
	static char out[128];
	char *w = out;

	for (const char *p = ascii; *p && w < out + sizeof out - 3; p++) {
		if (*p >= '0' && *p <= '9') {
			*w++ = (char)0xD9;
			*w++ = (char)(0xA0 + (*p - '0'));
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return out;
}

/* The kiosk started with conf and args, one request added through the
 * store API (mobile 0551234567); its reference to ref. */
static ht *
with_request(const char *conf, const char *const args[], bool delivered, char *ref)
{
	ht *h = kiosk_start(conf, args);
	struct request r = { 0 };
	store *s;

	kiosk_wait_open(h);
	s = open_db(h);
	strcpy(r.category, "member");
	r.name = strdup("منى صالح");
	strcpy(r.national_id, NID_OK);
	strcpy(r.mobile, "0551234567");
	r.email = strdup("");
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "phone");
	r.description = strdup("Test request for tracking.");
	r.declared_at = time(NULL);
	r.signature = strdup("منى صالح");
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

struct survey_seen { int rows; char service[64], channel[64]; };

static int
survey_row(void *ctx, int n, const char *const *names, const char *const *cols)
{
	struct survey_seen *w = ctx;

	w->rows++;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i], "service") == 0)
			snprintf(w->service, sizeof w->service, "%s", cols[i] ? cols[i] : "");
		if (strcmp(names[i], "channel") == 0)
			snprintf(w->channel, sizeof w->channel, "%s", cols[i] ? cols[i] : "");
	}
	return 0;
}

static struct survey_seen
surveys(ht *h)
{
	struct survey_seen w = { 0 };
	store *s = open_db(h);

	assert_int_equal(store_export(s, "surveys", 0, survey_row, &w), ST_OK);
	store_close(s);
	return w;
}

/* Arabic, app mode, default setting: the tracking screen (timeline,
 * dates, reference, masked mobile) in Arabic-Indic digits only; the
 * reference typed in Arabic-Indic digits shows as typed and is found, and
 * so is the same reference typed in ASCII (shown as typed: ASCII). */
static void
tracking_arabic_eastern_either_script(void **state)
{
	char ref[32], typed[64];
	ht *h = with_request(NULL, NULL, false, ref);
	char *home = visual_of("طلب خدمة جديد", TEXT_RTL);
	int eas, asc;

	(void)state;
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, home, KT);
	HT_ASSERT(h, ht_wait_quiet(h, 200));      /* the whole home, footer too */
	ht_count_digits(h, 1, ht_rows(h), &eas, &asc);
	assert_int_equal(asc, 0);              /* home: ١..٥ and the footer's ١-٥ */
	assert_true(eas >= 5);
	for (int round = 0; round < 2; round++) {
		ht_keys(h, "2");
		HT_ASSERT_TEXT(h, eastern("4"), KT);  /* "آخر ٤ أرقام" */
		snprintf(typed, sizeof typed, "%s", round == 0 ? eastern(ref) : ref);
		ht_keys(h, typed);
		HT_ASSERT_TEXT(h, typed, KT);        /* the field shows what was typed */
		ht_key(h, HT_KEY_ENTER);
		ht_keys(h, round == 0 ? eastern("4567") : "4567");
		HT_ASSERT_TEXT(h, round == 0 ? eastern("4567") : "4567", KT);
		ht_key(h, HT_KEY_ENTER);
		HT_ASSERT_TEXT(h, "******" "\xd9\xa4\xd9\xa5\xd9\xa6\xd9\xa7", KT);
		ht_wait_quiet(h, 150);
		HT_ASSERT_TEXT(h, eastern(ref), KT); /* the reference, Arabic-Indic */
		ht_count_digits(h, 0, ht_rows(h), &eas, &asc);
		if (asc != 0)
			fail_msg("round %d: %d ASCII digits on the Arabic tracking screen:\n%s",
			         round, asc, ht_screen(h));
		assert_true(eas >= 8 + 4 + 8);       /* ref, mobile, a date */
		ht_key(h, HT_KEY_ESC);
		HT_ASSERT_TEXT(h, home, KT);
	}
	free(home);
	ht_end(h);
}

/* arabic_digits = "western": the same Arabic screens in ASCII only. */
static void
tracking_arabic_western_setting(void **state)
{
	char ref[32];
	ht *h = with_request("idle_timeout = 600;\narabic_digits = \"western\";\n", NULL,
	                     false, ref);
	char *home = visual_of("طلب خدمة جديد", TEXT_RTL);
	int eas, asc;

	(void)state;
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, home, KT);
	HT_ASSERT(h, ht_wait_quiet(h, 200));
	ht_count_digits(h, 0, ht_rows(h), &eas, &asc);
	assert_int_equal(eas, 0);
	assert_true(asc >= 5);
	ht_keys(h, "2");
	ht_wait_quiet(h, 150);
	ht_keys(h, eastern(ref));               /* typed in Arabic-Indic: found */
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "4567");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "******4567", KT);
	ht_wait_quiet(h, 150);
	HT_ASSERT_TEXT(h, ref, KT);
	ht_count_digits(h, 0, ht_rows(h), &eas, &asc);
	assert_int_equal(eas, 0);
	free(home);
	ht_end(h);
}

/* English screens keep ASCII digits under the default (eastern) setting,
 * and take a reference typed in Arabic-Indic digits. */
static void
tracking_english_ascii(void **state)
{
	char ref[32];
	ht *h = with_request(NULL, NULL, false, ref);
	int eas, asc;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "2");
	HT_ASSERT_TEXT(h, "last 4 digits", KT);
	ht_keys(h, eastern(ref));
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "4567");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "******4567", KT);
	HT_ASSERT_TEXT(h, ref, KT);
	HT_ASSERT(h, ht_wait_quiet(h, 200));      /* the entry form gone */
	ht_count_digits(h, 0, ht_rows(h), &eas, &asc);
	if (eas != 0)
		fail_msg("%d Arabic-Indic digits on the English tracking screen:\n%s", eas,
		         ht_screen(h));
	ht_end(h);
}

/* The survey's reference and last-4 fields take Arabic-Indic digits: the
 * response is credited to the request's service (a wrong code would be
 * refused with a message, and the service left empty). */
static void
survey_code_in_eastern_digits(void **state)
{
	char ref[32];
	ht *h = with_request(NULL, NULL, true, ref);
	struct survey_seen seen;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "3");
	HT_ASSERT_TEXT(h, "never to punish anyone", KT);
	for (int q = 0; q < 5; q++) {
		ht_keys(h, "5");
		ht_key(h, HT_KEY_ENTER);
	}
	ht_keys(h, "2");                          /* channel: phone */
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "Kind.");
	ht_key(h, HT_KEY_DOWN);
	ht_keys(h, eastern(ref));
	HT_ASSERT_TEXT(h, eastern(ref), KT);      /* shown as typed */
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, eastern("4567"));
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "your evaluation was recorded", KT);
	seen = surveys(h);
	assert_int_equal(seen.rows, 1);
	assert_string_equal(seen.service, "maintenance");
	assert_string_equal(seen.channel, "phone");
	ht_end(h);
}

/* The survey's channel starts unselected: sending without choosing one
 * says so in the visitor's language and stores nothing; choosing one
 * sends. */
static void
survey_channel_must_be_chosen(void **state)
{
	(void)state;
	for (int ar = 0; ar < 2; ar++) {
		ht *h = kiosk_start(NULL, ar ? TERM_MODE : NULL);

		kiosk_wait_open(h);
		ht_keys(h, ar ? "1" : "2");
		HT_ASSERT_TEXT(h, ar ? "طلب خدمة جديد" : "New service request", KT);
		ht_keys(h, "3");
		HT_ASSERT_TEXT(h, ar ? "وليس لمعاقبة أحد" : "never to punish anyone", KT);
		for (int q = 0; q < 5; q++) {
			ht_keys(h, "4");
			ht_key(h, HT_KEY_ENTER);
		}
		/* nothing chosen on the channel row: it asks for a number */
		HT_ASSERT_TEXT(h, ar ? "اضغط رقمًا من ١ إلى ٨" : "press 1–8", KT);
		ht_key(h, HT_KEY_F(5));
		HT_ASSERT_TEXT(h, ar ? "يُرجى اختيار أحد الخيارات" : "Please choose one of the options.", KT);
		ht_wait_quiet(h, 150);
		assert_int_equal(surveys(h).rows, 0);
		ht_keys(h, "1");                      /* in person */
		ht_key(h, HT_KEY_F(5));
		HT_ASSERT_TEXT(h, ar ? "سُجل تقييمك" : "your evaluation was recorded", KT);
		assert_int_equal(surveys(h).rows, 1);
		assert_string_equal(surveys(h).channel, "in_person");
		ht_end(h);
	}
}

/* Column of the first cell holding c (a code point) in row r, or -1. */
static int
col_of(ht *h, int r, uint32_t c)
{
	VTermScreenCell cell;

	for (int i = 0; i < ht_cols(h); i++)
		if (ht_cell(h, r, i, &cell) && cell.chars[0] == c)
			return i;
	return -1;
}

static int
row_with(ht *h, const char *s)
{
	for (int r = 0; r < ht_rows(h); r++)
		if (strstr(ht_screen_text(h, r), s) != NULL)
			return r;
	return -1;
}

/* The Arabic welcome (the start language): "English 2" has its number in
 * the column of العربية's 1, on the items' right (their reading start),
 * in ASCII (a bilingual screen); app mode as drawn, terminal mode as a
 * bidi terminal shows it. At 80 and 100 columns. */
static void
welcome_numbers_in_one_column(void **state)
{
	(void)state;
	for (int mode = 0; mode < 2; mode++)
		for (int wide = 0; wide < 2; wide++) {
			ht *h = ht_new(24, wide ? 100 : 80);
			int ra, re, c1, c2, ce;

			assert_true(ht_write_file(h, "khidma.conf", "idle_timeout = 600;\n"));
			assert_true(ht_spawn_khidma(h, mode ? TERM_MODE : NULL, NULL));
			HT_ASSERT_TEXT(h, "Welcome", KT);
			ht_wait_quiet(h, 150);
			re = row_with(h, "English");
			ra = re - 1;
			HT_ASSERT(h, re > 0);
			c1 = col_of(h, ra, '1');
			c2 = col_of(h, re, '2');
			ce = col_of(h, re, 'E');
			HT_ASSERT(h, c1 >= 0 && c2 >= 0 && ce >= 0);
			if (mode) {
				c1 = bidi_shown_col(h, ra, c1);
				c2 = bidi_shown_col(h, re, c2);
				ce = bidi_shown_col(h, re, ce);
			}
			if (c1 != c2 || ce > c2)
				fail_msg("mode %d, %d columns: 1 at %d, 2 at %d, English at %d\n%s",
				         mode, ht_cols(h), c1, c2, ce, ht_screen(h));
			ht_end(h);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tracking_arabic_eastern_either_script),
		cmocka_unit_test(tracking_arabic_western_setting),
		cmocka_unit_test(tracking_english_ascii),
		cmocka_unit_test(survey_code_in_eastern_digits),
		cmocka_unit_test(survey_channel_must_be_chosen),
		cmocka_unit_test(welcome_numbers_in_one_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
