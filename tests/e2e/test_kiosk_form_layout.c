/*
 * test_kiosk_form_layout — the form widget's layout at 80×24, in English
 * and in Arabic (terminal mode: logical text in the cells): labels shown
 * whole (the label column is sized from the longest label), the help line
 * at the field's start side, a choice's options all visible with the
 * chosen one highlighted, an unchosen choice saying how to choose, long
 * explanatory lines wrapped, the survey's ratings right-aligned in Arabic;
 * and a whole intake done with keypad keys only (digits, Enter, Backspace,
 * arrows; the name and the description typed as text).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "e2e/test_kiosk_util.h"

#include <fribidi.h>

static const char *const TERM_MODE[] = { "--bidi=terminal", NULL };

/* The row holding utf8, or -1. */
static int
row_of(ht *h, const char *utf8)
{
	for (int r = 0; r < ht_rows(h); r++)
		if (strstr(ht_screen_text(h, r), utf8) != NULL)
			return r;
	return -1;
}

/*
 * Where a terminal that does bidi itself (the --bidi=terminal case) shows
 * the cell written at column x of row: bidi_shown_col (test_kiosk_util.h,
 * mlterm's rules, as test_bidi_terminal models it). In app mode pass
 * shown = false (identity).
 */
static bool shown_mode;

static int
shown_col(ht *h, int row, int x)
{
	return shown_mode ? bidi_shown_col(h, row, x) : x;
}

/* The shown column of the first cell of row holding code point c, or -1. */
static int
col_of(ht *h, int row, uint32_t c)
{
	VTermScreenCell cell;

	for (int x = 0; x < ht_cols(h); x++)
		if (ht_cell(h, row, x, &cell) && cell.chars[0] == c)
			return shown_col(h, row, x);
	return -1;
}

/* First and last non-blank columns of a row, as shown. */
static void
extent(ht *h, int row, int *first, int *last)
{
	VTermScreenCell cell;

	*first = *last = -1;
	for (int x = 0; x < ht_cols(h); x++)
		if (ht_cell(h, row, x, &cell) && cell.chars[0] != 0 && cell.chars[0] != ' ') {
			int c = shown_col(h, row, x);
			if (*first < 0 || c < *first)
				*first = c;
			if (c > *last)
				*last = c;
		}
}

/* True when some cell of row that holds c is in reverse video. */
static bool
reverse_at(ht *h, int row, uint32_t c)
{
	VTermScreenCell cell;

	for (int x = 0; x < ht_cols(h); x++)
		if (ht_cell(h, row, x, &cell) && cell.chars[0] == c && cell.attrs.reverse)
			return true;
	return false;
}

static void
no_ellipsis(ht *h)
{
	HT_ASSERT(h, strstr(ht_screen(h), "\u2026") == NULL);
}

static void
labels_whole_and_help_at_start_english(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int lr, hr, edge, first, last;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "National ID or Iqama number", KT);
	HT_ASSERT_TEXT(h, "10 digits", KT);
	ht_wait_quiet(h, 200);                   /* the whole form painted */
	no_ellipsis(h);
	/* "10 digits" starts under the field's text, just right of its ▕ */
	lr = row_of(h, "National ID or Iqama number");
	hr = row_of(h, "10 digits");
	HT_ASSERT(h, lr >= 0 && hr == lr + 1);
	edge = col_of(h, lr, 0x2595);
	extent(h, hr, &first, &last);
	HT_ASSERT(h, edge > 0 && first == edge + 1);
	/* the category's options in a row, the chosen one highlighted */
	HT_ASSERT_TEXT(h, "1 A member of the general assembly", KT);
	HT_ASSERT_TEXT(h, "2 A supporter", KT);
	HT_ASSERT_TEXT(h, "3 A volunteer", KT);
	ht_keys(h, "2");
	ht_wait_quiet(h, 100);
	HT_ASSERT(h, reverse_at(h, row_of(h, "2 A supporter"), '2'));
	HT_ASSERT(h, !reverse_at(h, row_of(h, "2 A supporter"), '1'));
	/* an unchosen choice says how to choose, not "◄ — ►" */
	HT_ASSERT_TEXT(h, "press 1–8", KT);
	HT_ASSERT(h, strstr(ht_screen(h), "\u2014 \u25ba") == NULL);
	ht_end(h);
}

static void
labels_whole_and_help_at_start_arabic(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);
	int lr, hr, edge, first, last;

	shown_mode = true;
	(void)state;
	kiosk_choose_lang(h, true);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "رقم الهوية", KT);
	HT_ASSERT_TEXT(h, "١٠ أرقام", KT);
	ht_wait_quiet(h, 200);                   /* the whole form painted */
	no_ellipsis(h);
	/* the help ends under the field's right edge (its ▏), the start side */
	lr = row_of(h, "رقم الهوية");
	hr = row_of(h, "١٠ أرقام");
	HT_ASSERT(h, lr >= 0 && hr == lr + 1);
	edge = col_of(h, lr, 0x258f);
	extent(h, hr, &first, &last);
	HT_ASSERT(h, edge > 0 && last == edge - 1);
	/* all three categories on the category's row, right of nothing else */
	lr = row_of(h, "عضو في الجمعية العمومية");
	HT_ASSERT(h, lr >= 0);
	HT_ASSERT(h, strstr(ht_screen_text(h, lr), "داعم") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, lr), "متطوع") != NULL);
	ht_end(h);
}

/* To the declaration with a valid draft, keys only. */
static void
to_declaration(ht *h)
{
	kiosk_fill_request(h, "Sara Ali", NID_OK, "0551234567", "Water leak in the kitchen.");
	HT_ASSERT_TEXT(h, "Check your request", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Messages about this request", KT);
	ht_keys(h, "1");                       /* no messages (consent.c) */
}

static void
declaration_wraps_and_signature_label_whole(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int r;

	(void)state;
	kiosk_choose_lang(h, false);
	to_declaration(h);
	HT_ASSERT_TEXT(h, "Your full name as signature", KT);
	ht_wait_quiet(h, 200);
	/* the responsibility sentence wraps: its last word on the next row */
	r = row_of(h, "You are directly responsible");
	HT_ASSERT(h, r >= 0);
	HT_ASSERT(h, strstr(ht_screen_text(h, r + 1), "gave.") != NULL);
	no_ellipsis(h);
	ht_end(h);
}

static void
survey_ratings_right_aligned_arabic(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);
	int q, first, last, qfirst, qlast;

	shown_mode = true;
	(void)state;
	kiosk_choose_lang(h, true);
	ht_keys(h, "3");
	HT_ASSERT_TEXT(h, "اللباقة والاحترام عند الاستقبال", KT);
	ht_wait_quiet(h, 200);
	q = row_of(h, "اللباقة والاحترام عند الاستقبال");
	extent(h, q, &qfirst, &qlast);
	/* under the question: the five ratings with their words, ending at the
	 * right edge where the question ends (not floating mid-screen; a
	 * highlight margin of one cell aside) */
	HT_ASSERT(h, strstr(ht_screen_text(h, q + 1), "راضٍ جدًا") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, q + 1), "محايد") != NULL);
	extent(h, q + 1, &first, &last);
	HT_ASSERT(h, last >= qlast - 1 && last <= qlast + 1);
	HT_ASSERT(h, qlast > 70);
	ht_end(h);
}

static void
survey_ratings_english_show_numbers(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int q;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "3");
	HT_ASSERT_TEXT(h, "Courtesy and respect", KT);
	ht_wait_quiet(h, 100);
	ht_keys(h, "4");
	ht_wait_quiet(h, 100);
	/* the first question's row: the five numbers, the chosen word beside
	 * its number, highlighted */
	q = row_of(h, "Courtesy and respect") + 1;
	HT_ASSERT(h, strstr(ht_screen_text(h, q), "4 Satisfied") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, q), "1") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, q), "5") != NULL);
	HT_ASSERT(h, reverse_at(h, q, '4'));
	HT_ASSERT(h, !reverse_at(h, q, '3'));
	ht_end(h);
}

/* The whole intake with keypad keys only: no F-key, no letter as a
 * command (the name, description and signature are typed text). */
static void
keypad_only_intake(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int row, col, mr;
	char ref[32];
	store *s;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "1");                          /* new request */
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ht_keys(h, "1");                          /* member */
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "Sara Ali");
	type_line(h, NID_OK);
	type_line(h, "4711");
	type_line(h, "0551234567");
	/* Backspace in the empty e-mail field stays there (issue 11) */
	HT_ASSERT_TEXT(h, "0551234567", KT);
	ht_wait_quiet(h, 100);
	ht_key(h, HT_KEY_BACKSPACE);
	ht_wait_quiet(h, 100);
	mr = row_of(h, "E-mail (optional)");
	ht_cursor(h, &row, &col);
	HT_ASSERT(h, row == mr);
	HT_ASSERT_TEXT(h, "0551234567", KT);
	ht_key(h, HT_KEY_ENTER);                  /* no e-mail */
	HT_ASSERT_TEXT(h, "4 Plumbing", KT);      /* the services listed while focused */
	ht_keys(h, "2");
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "The heater at home is broken.");
	ht_key(h, HT_KEY_ENTER);                  /* a new line… */
	ht_key(h, HT_KEY_ENTER);                  /* …and Enter on it: the review */
	HT_ASSERT_TEXT(h, "Check your request", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Messages about this request", KT);
	ht_keys(h, "1");                       /* no messages (consent.c) */
	HT_ASSERT_TEXT(h, "I confirm that the information", KT);
	ht_keys(h, "1");                          /* I accept */
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "Sara Ali");
	HT_ASSERT_TEXT(h, "Your reference number is", KT);
	HT_ASSERT_TEXT(h, "answers no earlier than the date", KT);
	ht_wait_quiet(h, 200);
	HT_ASSERT(h, kiosk_wait_ref(h, ref, sizeof ref));
	s = open_db(h);
	struct request r;
	assert_int_equal(store_request_by_ref(s, ref, &r), ST_OK);
	assert_string_equal(r.description, "The heater at home is broken.");
	assert_string_equal(r.channel, "in_person");
	assert_string_equal(r.member_number, "4711");
	request_free(&r);
	store_close(s);
	ht_end(h);
}

/* The request form in English, a wrong national ID entered: the cursor on
 * the membership number (member chosen), the service type and the channel
 * unfocused below. */
static ht *
to_wrong_id(bool arabic, const char *const args[])
{
	ht *h = kiosk_start(NULL, args);

	kiosk_choose_lang(h, arabic);
	ht_keys(h, "1");                          /* new request */
	HT_ASSERT_TEXT(h, arabic ? "بياناتك" : "Who you are", KT);
	ht_keys(h, "1");                          /* member */
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "Sara Ali");
	type_line(h, NID_BAD);
	ht_wait_quiet(h, 200);
	return h;
}

/* Defect: an unfocused choice whose options fit no row showed bare
 * numbers ("1 2 3 4 5 6 7 8 press 1–8"); now a prompt until chosen, then
 * the chosen number and name; the full list only while focused. */
static void
unfocused_choice_says_what_it_is(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int sr;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Service type", KT);
	ht_wait_quiet(h, 200);
	sr = row_of(h, "Service type");
	HT_ASSERT(h, sr >= 0);
	HT_ASSERT(h, strstr(ht_screen_text(h, sr), "not chosen yet \u2014 press 1\u20138") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, sr), " 2 ") == NULL);
	/* to the service type: the list with names while focused */
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "Sara Ali");
	type_line(h, NID_OK);
	type_line(h, "4711");
	type_line(h, "0551234567");
	ht_key(h, HT_KEY_ENTER);                  /* no e-mail */
	HT_ASSERT_TEXT(h, "4 Plumbing", KT);
	ht_keys(h, "2");
	ht_key(h, HT_KEY_ENTER);                  /* on to the description */
	ht_wait_quiet(h, 200);
	HT_ASSERT(h, row_of(h, "4 Plumbing") < 0);
	sr = row_of(h, "Service type");
	HT_ASSERT(h, sr >= 0);
	HT_ASSERT(h, strstr(ht_screen_text(h, sr), "2 ") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, sr), " 3 ") == NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, sr), "press") == NULL);
	HT_ASSERT(h, reverse_at(h, sr, '2'));
	ht_end(h);
}

/* Defect: the kiosk's channel is fixed (in person) yet showed "1 In-person
 * meeting 2 3 4 5 6 7 8"; a fixed choice shows only its value. */
static void
fixed_choice_shows_only_its_value(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int cr;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "In-person meeting", KT);
	ht_wait_quiet(h, 200);
	cr = row_of(h, "In-person meeting");
	HT_ASSERT(h, cr >= 0);
	HT_ASSERT(h, strpbrk(ht_screen_text(h, cr), "0123456789") == NULL);
	ht_end(h);
}

/* Defect: the reason under an invalid field was cut with "…"; it wraps to
 * two rows under the field (and stays whole in the status line). */
static void
error_under_field_wraps_arabic(void **state)
{
	const char *head = "رقم الهوية الوطنية أو الإقامة غير صحيح";
	ht *h;
	int er, lr, edge, first, last;

	(void)state;
	shown_mode = true;
	h = to_wrong_id(true, TERM_MODE);
	HT_ASSERT_TEXT(h, head, KT);
	ht_wait_quiet(h, 200);
	no_ellipsis(h);
	lr = row_of(h, "رقم الهوية أو الإقامة");
	er = row_of(h, head);
	HT_ASSERT(h, lr >= 0 && er == lr + 1);
	/* the rest of the sentence on the next row, under the field's start */
	HT_ASSERT(h, strstr(ht_screen_text(h, er + 1), "الأرقام.") != NULL);
	edge = col_of(h, lr, 0x258f);
	extent(h, er, &first, &last);
	HT_ASSERT(h, edge > 0 && last == edge - 1);
	extent(h, er + 1, &first, &last);
	HT_ASSERT(h, last == edge - 1);
	/* the status line has it whole too */
	HT_ASSERT(h, row_of(h, "غير صحيح: يُرجى التحقق من الأرقام.") > er + 1);
	ht_end(h);
}

static void
error_under_field_english_whole(void **state)
{
	ht *h;
	int lr, er;

	(void)state;
	h = to_wrong_id(false, NULL);
	HT_ASSERT_TEXT(h, "is not valid", KT);
	ht_wait_quiet(h, 200);
	no_ellipsis(h);
	lr = row_of(h, "National ID or Iqama number");
	er = row_of(h, "This national ID or Iqama number is not");
	HT_ASSERT(h, lr >= 0 && er == lr + 1);
	HT_ASSERT(h, strstr(ht_screen_text(h, er + 1), "please check the digits.") != NULL);
	/* the form still whole: the description's counter on screen */
	HT_ASSERT(h, row_of(h, "0 of at most 1000 characters") > er + 1);
	ht_end(h);
}

/* From the Arabic form's first field to the service type (nothing chosen
 * yet, focused: its hint and its list on screen). */
static void
to_service_arabic(ht *h)
{
	ht_keys(h, "1");                          /* member */
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "Sara Ali");
	type_line(h, NID_OK);
	type_line(h, "4711");
	type_line(h, "0551234567");
	ht_key(h, HT_KEY_ENTER);                  /* no e-mail */
	ht_wait_quiet(h, 300);
}

/* Defect: "اضغط 1–8" showed as "8–1" (the EN DASH is neutral between
 * numbers in a right-to-left paragraph); the Arabic says "from 1 to 8". */
static void
arabic_digit_range_reads_right(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);
	int sr;

	(void)state;
	kiosk_choose_lang(h, true);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "بياناتك", KT);
	to_service_arabic(h);
	HT_ASSERT_TEXT(h, "٤ أعمال سباكة", KT);  /* the list: service focused */
	sr = row_of(h, "نوع الخدمة");
	HT_ASSERT(h, sr >= 0);
	/* arabic_digits = "eastern" (the default): the range in ٠..٩ */
	HT_ASSERT(h, strstr(ht_screen_text(h, sr), "اضغط رقمًا من ١ إلى ٨") != NULL);
	HT_ASSERT(h, strstr(ht_screen(h), "١\u2013٨") == NULL);
	ht_end(h);
	/* shaped and reordered by khidma (a plain terminal): no "8–1" */
	h = kiosk_start(NULL, NULL);
	HT_ASSERT_TEXT(h, "Welcome", KT);
	ht_keys(h, "1");
	ht_wait_quiet(h, 300);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "\u258f", KT);        /* a field's edge: the form */
	ht_wait_quiet(h, 300);
	to_service_arabic(h);
	HT_ASSERT_TEXT(h, "٨", KT);
	HT_ASSERT(h, strstr(ht_screen(h), "٨\u2013١") == NULL);
	HT_ASSERT(h, strstr(ht_screen(h), "٨\u2013") == NULL);
	ht_end(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels_whole_and_help_at_start_english),
		cmocka_unit_test(labels_whole_and_help_at_start_arabic),
		cmocka_unit_test(declaration_wraps_and_signature_label_whole),
		cmocka_unit_test(survey_ratings_right_aligned_arabic),
		cmocka_unit_test(survey_ratings_english_show_numbers),
		cmocka_unit_test(keypad_only_intake),
		cmocka_unit_test(unfocused_choice_says_what_it_is),
		cmocka_unit_test(fixed_choice_shows_only_its_value),
		cmocka_unit_test(error_under_field_wraps_arabic),
		cmocka_unit_test(error_under_field_english_whole),
		cmocka_unit_test(arabic_digit_range_reads_right),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
