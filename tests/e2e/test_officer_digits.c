/*
 * test_officer_digits — issue 11 in the officer console, on the real
 * binary: the Arabic console shows one digit script (arabic_digits,
 * default "eastern"), the English one ASCII; the idle log-out countdown
 * counts in the language's plural forms (English one/other, Arabic's six);
 * an Arabic column title cut short ends in … at its left.
 */
#include "e2e/test_officer_fixture.h"

#include "text/text.h"

static int setup(void **state)
{
	static struct ofx f;

	ofx_setup(&f);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	ofx_teardown(*state);
	return 0;
}

static int
row_with(ht *h, const char *s)
{
	for (int r = 0; r < ht_rows(h); r++)
		if (strstr(ht_screen_text(h, r), s) != NULL)
			return r;
	return -1;
}

/* The Arabic queue (app mode, as drawn): references, dates, counts and
 * the page number in ٠..٩ only; the same queue in English: no ٠..٩. */
/* ht_wait_until predicates: the whole screen in one script (a repaint can
 * arrive in several reads, so a single look may see half of each). */
static bool
all_eastern(ht *h, void *arg)
{
	int eas, asc;

	ht_count_digits(h, 0, ht_rows(h), &eas, &asc);
	return asc == 0 && eas >= *(int *)arg;
}

static bool
all_ascii(ht *h, void *arg)
{
	int eas, asc;

	(void)arg;
	ht_count_digits(h, 0, ht_rows(h), &eas, &asc);
	return eas == 0;
}

static void
queue_arabic_one_script(void **state)
{
	struct ofx *f = *state;
	char ref[16], ref2[16];
	int eas, asc;
	ht *h;

	ofx_submit(f, "سعاد القحطاني", 311, true, ref);
	ofx_submit(f, "هدى العتيبي", 312, true, ref2);
	h = ofx_session(f, "ali", "ar", NULL, 24, 100);
	HT_ASSERT_TEXT(h, "F3", T);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Ali Officer", T);
	ht_wait_quiet(h, 200);
	HT_ASSERT_TEXT(h, ofx_eastern(ref), T);     /* a left-to-right column */
	HT_ASSERT_TEXT(h, ofx_eastern(ref2), T);
	{
		int want = 2 * 8 + 2 * 8 + 4;      /* refs, dates, counts, page */

		ht_wait_until(h, all_eastern, &want, T);
	}
	ht_count_digits(h, 0, ht_rows(h), &eas, &asc);
	if (asc != 0)
		fail_msg("%d ASCII digits on the Arabic queue:\n%s", asc, ht_screen(h));
	assert_true(eas >= 2 * 8 + 2 * 8 + 4);       /* refs, dates, counts, page */
	/* the date received: one left-to-right number, year first */
	{
		char today[16];
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		HT_ASSERT_TEXT(h, ofx_eastern(today), T);
	}
	ht_key(h, HT_KEY_F(2));                      /* English: ASCII only */
	HT_ASSERT_TEXT(h, "Requests", T);
	HT_ASSERT_TEXT(h, ref, T);
	ht_wait_until(h, all_ascii, NULL, T);
	ht_count_digits(h, 0, ht_rows(h), &eas, &asc);
	if (eas != 0)
		fail_msg("%d eastern digits on the English queue:\n%s", eas, ht_screen(h));
	ht_end(h);
}

/* arabic_digits = "western": the Arabic queue in ASCII. */
static void
queue_arabic_western(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int eas, asc;
	ht *h;

	assert_true(ht_write_file(f->base, "khidma.conf", "arabic_digits = \"western\";\n"));
	ofx_submit(f, "سعاد القحطاني", 313, true, ref);
	h = ofx_session(f, "ali", "ar", NULL, 24, 100);
	HT_ASSERT_TEXT(h, "F3", T);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Ali Officer", T);
	HT_ASSERT_TEXT(h, ref, T);
	ht_wait_quiet(h, 200);
	ht_count_digits(h, 0, ht_rows(h), &eas, &asc);
	assert_int_equal(eas, 0);
	assert_true(asc >= 8);
	assert_true(ht_write_file(f->base, "khidma.conf", ""));
	ht_end(h);
}

/* The idle log-out countdown: "3 seconds", "2 seconds", "1 second." in
 * English; ٣ ثوانٍ, ثانيتين, ثانية واحدة in Arabic (terminal mode: the
 * cells hold the logical text). */
static void
idle_countdown_plurals(void **state)
{
	struct ofx *f = *state;

	assert_true(ht_write_file(f->base, "khidma.conf",
	                          "officer_idle_timeout = 4;\nofficer_idle_warning = 3;\n"));
	for (int ar = 0; ar < 2; ar++) {
		ht *h = ofx_session(f, "ali", ar ? "ar" : "en", ar ? "terminal" : NULL, 24, 80);

		HT_ASSERT_TEXT(h, "F3", T);
		ht_keys(h, PW);
		ht_key(h, HT_KEY_ENTER);
		HT_ASSERT_TEXT(h, "Ali Officer", T);
		if (ar) {
			HT_ASSERT(h, ht_wait_text(h, "بعد ٣ ثوانٍ", ht_timeout(8000)));
			HT_ASSERT_TEXT(h, "بعد ثانيتين", T);
			HT_ASSERT_TEXT(h, "واحدة", T);     /* ثانية واحدة (may wrap) */
		} else {
			/* the box wraps after "logged out" */
			HT_ASSERT(h, ht_wait_text(h, "in 3 seconds.", ht_timeout(8000)));
			HT_ASSERT_TEXT(h, "in 2 seconds.", T);
			HT_ASSERT_TEXT(h, "in 1 second.", T);
		}
		ht_end(h);
	}
	assert_true(ht_write_file(f->base, "khidma.conf", ""));
}

/* The line text_layout makes of s in direction d (app mode), as UTF-8. */
static const char *
visual(const char *s, text_dir d)
{
	static char out[1024];
	struct text_line l;
	char *w = out;

	text_set_mode(BIDI_APP);
	text_layout(s, d, &l);
	for (int i = 0; i < l.ncells; i++) {
		uint32_t c = l.cells[i].ch[0];
		if (c < 0x80) {
			*w++ = (char)c;
		} else if (c < 0x800) {
			*w++ = (char)(0xC0 | c >> 6);
			*w++ = (char)(0x80 | (c & 0x3F));
		} else {
			*w++ = (char)(0xE0 | c >> 12);
			*w++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*w++ = (char)(0x80 | (c & 0x3F));
		}
	}
	*w = '\0';
	text_line_free(&l);
	return out;
}

/* Column titles are in the screen's language: "الرد من" (Reply from, a
 * left-to-right date column, shown from 110 columns) reads as Arabic; an
 * Arabic header cut short (the search term in the view line) ends in … at
 * its left, the logical end. */
static void
arabic_titles_and_ellipsis(void **state)
{
	struct ofx *f = *state;
	char ref[16], want[1024];
	ht *h;
	int r, c;
	VTermScreenCell cell;

	ofx_submit(f, "سعاد القحطاني", 314, true, ref);
	h = ofx_session(f, "ali", "ar", NULL, 24, 120);
	HT_ASSERT_TEXT(h, "F3", T);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Ali Officer", T);
	ht_wait_quiet(h, 200);
	snprintf(want, sizeof want, "%s", visual("الرد من", TEXT_RTL));
	HT_ASSERT_TEXT(h, want, T);
	ht_end(h);
	/* a search longer than the row under the views at 80 columns (where
	 * the filters go when they do not fit after the views) is cut */
	h = ofx_session(f, "ali", "ar", NULL, 24, 80);
	HT_ASSERT_TEXT(h, "F3", T);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Ali Officer", T);
	ht_wait_quiet(h, 200);
	ht_keys(h, "/");
	ht_wait_quiet(h, 200);
	ht_keys(h, "طلبات صيانة المكيفات والسباكة والكهرباء في جميع الفروع والمناطق الشمالية كلها");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "\u2026", T);
	ht_wait_quiet(h, 200);
	r = row_with(h, "\u2026");
	HT_ASSERT(h, r >= 0);
	for (c = 0; c < ht_cols(h); c++)
		if (ht_cell(h, r, c, &cell) && cell.chars[0] == 0x2026)
			break;
	/* … then, to its right, the Arabic text it ends (a letter in a
	 * presentation form); to its left a blank */
	HT_ASSERT(h, c > 0 && c + 1 < ht_cols(h));
	HT_ASSERT(h, ht_cell(h, r, c + 1, &cell) && cell.chars[0] >= 0xFE70 &&
	             cell.chars[0] <= 0xFEFC);
	HT_ASSERT(h, ht_cell(h, r, c - 1, &cell) && (cell.chars[0] == 0 || cell.chars[0] == ' '));
	ht_end(h);
}

/* The reports' overdue list in Arabic, 40 days on (sla_days 30): its
 * heading counts the days in Arabic's plural form with ٠..٩ ("أكثر من ٣٠
 * يومًا"), and the "Days" title, cut to its 5 columns over a
 * left-to-right column, ends in … at its left (before: at its right, the
 * title laid out left to right like the numbers under it). */
static void
overdue_days_arabic(void **state)
{
	struct ofx *f = *state;
	char ref[16], title[64];
	ht *h;
	int r, c;
	VTermScreenCell cell;

	ofx_submit(f, "سالم الأول", 41, false, ref);
	h = ofx_session_env(f, "admin1", "ar", NULL, 30, 100, "KHIDMA_FAKE_NOW=+40");
	HT_ASSERT_TEXT(h, "F3", T);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Head Admin", T);
	ht_keys(h, "r");
	ht_wait_quiet(h, 300);
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, visual("أكثر من ٣٠", TEXT_RTL), T);  /* ٣٠ يومًا: the mark
	                                                       * is in its cell */
	HT_ASSERT_TEXT(h, ofx_eastern(ref), T);
	ht_wait_quiet(h, 200);
	/* the titles' row: "…" followed (to its right) by the cut "الأيام" */
	snprintf(title, sizeof title, "%s", visual("الخدمة", TEXT_RTL));
	r = row_with(h, title);                   /* the Service title's row */
	HT_ASSERT(h, r >= 0);
	for (c = 0; c < ht_cols(h); c++)
		if (ht_cell(h, r, c, &cell) && cell.chars[0] == 0x2026)
			break;
	HT_ASSERT(h, c < ht_cols(h) - 1);
	HT_ASSERT(h, strstr(ht_screen_text(h, r), "\u2026") != NULL);
	HT_ASSERT(h, ht_cell(h, r, c + 1, &cell) && cell.chars[0] >= 0xFE70);
	ht_end(h);
}

/* English: one/other ("1 officer with fewer", "more than 30 days"). */
static void
report_counts_english(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	ht *h;

	ofx_submit(f, "Salem One", 42, false, ref);
	h = ofx_session_env(f, "admin1", "en", NULL, 30, 100, "KHIDMA_FAKE_NOW=+40");
	ofx_login(h, PW);
	ht_keys(h, "r");
	ht_wait_quiet(h, 300);
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "Overdue (open for more than 30 days): 1", T);
	ht_end(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(queue_arabic_one_script, setup, teardown),
		cmocka_unit_test_setup_teardown(queue_arabic_western, setup, teardown),
		cmocka_unit_test_setup_teardown(idle_countdown_plurals, setup, teardown),
		cmocka_unit_test_setup_teardown(arabic_titles_and_ellipsis, setup, teardown),
		cmocka_unit_test_setup_teardown(overdue_days_arabic, setup, teardown),
		cmocka_unit_test_setup_teardown(report_counts_english, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
