/*
 * test_kiosk_keypad — the kiosk with a numeric keypad alone, and the keys
 * that must never lose a form (issue 11), on the real binary: keypad keys
 * are sent as libvterm sends them once curses asked for application keypad
 * mode (ESC O p…y, ESC O k/m/j/o/n, ESC O M), NumLock-off keys as the
 * arrows/Del they are, and a numeric-mode keypad as plain characters.
 *
 *  - tracking digits typed and erased with the keypad (-, Del, plain '-'),
 *    the form left with '/' only after an explicit Yes;
 *  - a guide paged with + and - and left with '/';
 *  - a pasted ESC [31m, Alt+1 and Home as ESC [1~ neither leave nor
 *    change the form (Home moves the cursor);
 *  - Backspace in an empty field stays there;
 *  - Esc + Enter does not discard a typed form;
 *  - a letter on a choice says how to choose;
 *  - "finish" after tracking goes back to the welcome in Arabic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "e2e/test_kiosk_util.h"

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

/* True once the text of row `row` between its ▕ ▏ edges, blanks
 * trimmed, is exactly want. */
struct box_want { int row; const char *want; };

static bool
box_is(ht *h, void *arg)
{
	const struct box_want *b = arg;
	const char *row = ht_screen_text(h, b->row);
	const char *lo = strstr(row, "\u2595"), *hi;
	char buf[256];
	size_t n;

	if (lo == NULL || (hi = strstr(lo + 3, "\u258f")) == NULL)
		return false;
	lo += 3;
	while (*lo == ' ')
		lo++;
	n = (size_t)(hi - lo);
	if (n >= sizeof buf)
		return false;
	memcpy(buf, lo, n);
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return strcmp(buf, b->want) == 0;
}

#define ASSERT_BOX(h, r, s) do { \
	struct box_want bw_ = { (r), (s) }; \
	HT_ASSERT(h, ht_wait_until(h, box_is, &bw_, KT)); \
} while (0)

/* Tracking with the keypad alone: digits in application keypad mode, a
 * mistyped digit erased with '-', with Del (NumLock off '.') and with a
 * plain '-' (a keypad in numeric mode); '/' leaves, after an explicit Yes. */
static void
keypad_tracking_digits_erased(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int r;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keypad(h, "2");                        /* home: track my request */
	HT_ASSERT_TEXT(h, "last 4 digits", KT);
	ht_wait_quiet(h, 100);
	ht_keypad(h, "12345");
	HT_ASSERT_TEXT(h, "12345", KT);
	r = row_of(h, "12345");
	ht_keypad(h, "-");
	ASSERT_BOX(h, r, "1234");
	ht_key(h, HT_KEY_DEL);
	ASSERT_BOX(h, r, "123");
	ht_keys(h, "-");
	ASSERT_BOX(h, r, "12");
	ht_keypad(h, "/");                        /* back: the draft asks first */
	HT_ASSERT_TEXT(h, "Discard?", KT);
	ht_keypad(h, "\n");                       /* Enter: "No" is selected */
	HT_ASSERT_GONE(h, "Discard?", KT);
	ASSERT_BOX(h, r, "12");
	ht_keypad(h, "/");
	HT_ASSERT_TEXT(h, "Discard?", KT);
	ht_keypad(h, "1");                        /* 1: yes */
	HT_ASSERT_TEXT(h, "How can we help you", KT);
	ht_end(h);
}

/* A guide read and left with the keypad: + the next page, - the page
 * before, '/' back to the list and to the home menu. */
static void
keypad_pager_pages_and_leaves(void **state)
{
	ht *h = kiosk_start(NULL, NULL);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keypad(h, "4");
	HT_ASSERT_TEXT(h, "Information and guides", KT);
	ht_keypad(h, "1");
	HT_ASSERT_TEXT(h, "lines 1–", KT);
	ht_keypad(h, "+");
	HT_ASSERT_GONE(h, "lines 1–", KT);
	ht_keypad(h, "-");
	HT_ASSERT_TEXT(h, "lines 1–", KT);
	ht_keypad(h, "3");                        /* 3 = PgDn's key */
	HT_ASSERT_GONE(h, "lines 1–", KT);
	/* the end (keypad 1, End's key): the last text row is the text's
	 * last line — no phantom empty line counted after it */
	ht_keypad(h, "1");
	ht_wait_quiet(h, 150);
	{
		int cr = row_of(h, "lines ");
		HT_ASSERT(h, cr > 2);
		HT_ASSERT(h, ht_screen_text(h, cr - 1)[0] != '\0');
	}
	ht_keypad(h, "/");
	HT_ASSERT_GONE(h, "lines ", KT);
	HT_ASSERT_TEXT(h, "Information and guides", KT);
	ht_keypad(h, "/");
	HT_ASSERT_TEXT(h, "How can we help you", KT);
	ht_end(h);
}

/* From home to the name field with "Sara" typed; returns its row. */
static int
to_name(ht *h)
{
	ht_keys(h, "1");                          /* new request */
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ht_keys(h, "1");                          /* member */
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "Sara");
	HT_ASSERT_TEXT(h, "Sara", KT);
	ht_wait_quiet(h, 100);
	return row_of(h, "Sara");
}

/* Pasted and unknown sequences are read whole and ignored: the form stays,
 * nothing is typed, no "Discard?" box; Home as ESC [1~ (tmux under
 * TERM=xterm-256color) is Home. */
static void
unknown_escapes_ignored_whole(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int r;

	(void)state;
	kiosk_choose_lang(h, false);
	r = to_name(h);
	ht_sends(h, "\033[31m");                  /* a pasted colour */
	ht_wait_quiet(h, 150);
	ht_sends(h, "\0331");                     /* Alt+1 */
	ht_wait_quiet(h, 150);
	ht_sends(h, "\033[200~");                 /* bracketed paste start */
	ht_wait_quiet(h, 150);
	ht_sends(h, "\033]0;title\007");          /* an OSC string */
	ht_wait_quiet(h, 150);
	HT_ASSERT(h, strstr(ht_screen(h), "Discard?") == NULL);
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ASSERT_BOX(h, r, "Sara");
	ht_sends(h, "\033[1~");                   /* Home */
	ht_keys(h, "X");
	ASSERT_BOX(h, r, "XSara");
	ht_end(h);
}

/* Backspace in an empty field does nothing: the name before is kept. */
static void
backspace_in_empty_field_stays(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int r, nr, row, col;

	(void)state;
	kiosk_choose_lang(h, false);
	r = to_name(h);
	ht_key(h, HT_KEY_ENTER);                  /* to the national ID */
	ht_wait_quiet(h, 100);
	ht_cursor(h, &nr, &col);
	HT_ASSERT(h, nr != r);
	for (int i = 0; i < 4; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	ht_wait_quiet(h, 150);
	ASSERT_BOX(h, r, "Sara");
	ht_cursor(h, &row, &col);
	HT_ASSERT(h, row == nr);
	ht_keypad(h, "--");                       /* the keypad's erase key too */
	ht_wait_quiet(h, 150);
	ASSERT_BOX(h, r, "Sara");
	ht_cursor(h, &row, &col);
	HT_ASSERT(h, row == nr);
	ht_end(h);
}

/* Esc then Enter keeps the form: discarding needs an explicit Yes. */
static void
discard_needs_explicit_yes(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	int r;

	(void)state;
	kiosk_choose_lang(h, false);
	r = to_name(h);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Discard?", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "Discard?", KT);
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ASSERT_BOX(h, r, "Sara");
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Discard?", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "How can we help you", KT);
	ht_end(h);
}

/* A letter typed on a choice says how to choose. */
static void
letter_on_choice_says_how(void **state)
{
	ht *h = kiosk_start(NULL, NULL);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ht_keys(h, "S");
	HT_ASSERT_TEXT(h, "Choose with a number key, 1 to", KT);
	ht_keys(h, "1");                          /* a choice clears it */
	HT_ASSERT_GONE(h, "Choose with a number key", KT);
	ht_end(h);
}

/* One request in the kiosk's database (the store API, as an officer's
 * entry), mobile 0551234567; its reference to ref. */
static void
add_request(ht *h, char *ref)
{
	struct request rq = { 0 };
	store *s;

	kiosk_wait_open(h);
	s = open_db(h);
	strcpy(rq.category, "member");
	rq.name = strdup("Mona Saleh");
	strcpy(rq.national_id, NID_OK);
	strcpy(rq.mobile, "0551234567");
	rq.email = strdup("");
	strcpy(rq.service, "maintenance");
	strcpy(rq.channel, "phone");
	rq.description = strdup("Test request for tracking.");
	rq.declared_at = time(NULL);
	rq.signature = strdup("Mona Saleh");
	rq.declaration_version = 1;
	strcpy(rq.declared_by, "officer1");
	assert_int_equal(store_request_submit(s, &rq, "officer1"), ST_OK);
	strcpy(ref, rq.ref);
	request_free(&rq);
	store_close(s);
}

/* After tracking, "finish" returns to the welcome, in Arabic, like the
 * end of every other flow. */
static void
track_finish_returns_to_arabic_welcome(void **state)
{
	char ref[32];
	ht *h = kiosk_start(NULL, TERM_MODE);

	(void)state;
	add_request(h, ref);
	kiosk_choose_lang(h, false);
	ht_keypad(h, "2");
	HT_ASSERT_TEXT(h, "last 4 digits", KT);
	type_line(h, ref);
	type_line(h, "4567");
	HT_ASSERT_TEXT(h, "******4567", KT);
	ht_keypad(h, "\n");                       /* finish */
	HT_ASSERT_TEXT(h, "Welcome", KT);
	HT_ASSERT_ROW(h, 0, "خدمات الأعضاء", KT);
	ht_end(h);
}

/* F1 opens the current screen's help, in the visitor's language, on every
 * kiosk screen and over a box; closing it keeps what was typed. */
static void
f1_help_everywhere(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);     /* Arabic cells in logical order */

	(void)state;
	HT_ASSERT_TEXT(h, "Welcome", KT);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "اختر لغتك", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "اختر لغتك", KT);
	ht_keys(h, "1");                          /* Arabic */
	HT_ASSERT_TEXT(h, "طلب خدمة جديد", KT);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "يستدعي موظفًا", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "يستدعي موظفًا", KT);
	ht_keys(h, "2");                          /* tracking */
	HT_ASSERT_TEXT(h, "آخر ٤ أرقام من الجوال", KT);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "اكتب رقمك المرجعي", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "اكتب رقمك المرجعي", KT);
	ht_key(h, HT_KEY_ESC);                    /* home */
	HT_ASSERT_TEXT(h, "طلب خدمة جديد", KT);
	ht_wait_quiet(h, 100);
	ht_keys(h, "1");                          /* the form */
	HT_ASSERT_TEXT(h, "بياناتك", KT);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "Sara");
	HT_ASSERT_TEXT(h, "Sara", KT);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "املأ كل حقل", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "املأ كل حقل", KT);
	HT_ASSERT_TEXT(h, "Sara", KT);
	ht_key(h, HT_KEY_ESC);                    /* the discard box… */
	HT_ASSERT_TEXT(h, "تجاهل البيانات؟", KT);
	ht_key(h, HT_KEY_F1);                     /* …help over it */
	HT_ASSERT_TEXT(h, "املأ كل حقل", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "املأ كل حقل", KT);
	HT_ASSERT_TEXT(h, "تجاهل البيانات؟", KT);
	ht_keys(h, "2");                          /* no */
	HT_ASSERT_GONE(h, "تجاهل البيانات؟", KT);
	ht_key(h, HT_KEY_F2);                     /* English: the help too */
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Fill in each field", KT);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "Fill in each field", KT);
	HT_ASSERT_TEXT(h, "Sara", KT);
	ht_end(h);
}

/* The masked mobile reads as a masked number in Arabic too (app mode:
 * the cells as seen): ******٤٥٦٧, the last four on the right — not the
 * stars moved to the digits' right by the RTL paragraph. */
static void
masked_mobile_reads_right_in_arabic(void **state)
{
	char ref[32];
	ht *h = kiosk_start(NULL, NULL);
	char *home = visual_of("طلب خدمة جديد", TEXT_RTL);

	add_request(h, ref);
	ht_keypad(h, "1");                        /* Arabic, app mode */
	HT_ASSERT_TEXT(h, home, KT);
	free(home);
	(void)state;
	ht_keypad(h, "2");
	ht_wait_quiet(h, 200);
	type_line(h, ref);
	type_line(h, "4567");
	/* arabic_digits = "eastern" (the default): ٤٥٦٧ */
	HT_ASSERT_TEXT(h, "٤٥٦٧", KT);
	ht_wait_quiet(h, 200);
	HT_ASSERT_TEXT(h, "******٤٥٦٧", KT);
	HT_ASSERT(h, strstr(ht_screen(h), "٤٥٦٧*") == NULL);
	ht_end(h);
}

/* The footer's keys, in the order of ui_frame's hints, read off the
 * screen's last row: true when every one of keys is there (one look). */
static bool
footer_now(ht *h, void *arg)
{
	const char *const *keys = arg;
	/* as written, or as a bidi terminal shows it (--bidi=terminal) */
	const char *row = ht_screen_text(h, ht_rows(h) - 1);
	const char *shown = bidi_shown_text(h, ht_rows(h) - 1);

	for (int i = 0; keys[i]; i++) {
		/* "Esc / رجوع" in an RTL run reads "/ Esc" left to right */
		const char *alt = strcmp(keys[i], "Esc /") == 0 ? "/ Esc" : keys[i];
		if (strstr(row, keys[i]) == NULL && strstr(shown, keys[i]) == NULL &&
		    strstr(row, alt) == NULL && strstr(shown, alt) == NULL)
			return false;
	}
	return true;
}

/* footer_now, waited for: a new screen's body can arrive a read before
 * its footer (the previous screen's footer still on the last row). */
static bool
footer_has(ht *h, const char *const keys[])
{
	return ht_wait_until(h, footer_now, (void *)keys, KT);
}

/* The Arabic form's footer names the same keys as the English one, on
 * every kind of item (a choice, a text field, a digits field). */
static void
arabic_footer_same_keys(void **state)
{
	static const char *const choice[] = { "Enter", "↑↓", "F5", "Esc /", "F2", "F3", NULL };
	static const char *const text[] = { "Enter", "*", "F5", "Esc /", "F2", "F3", NULL };
	static const char *const digits[] = { "Enter", "- ", "F5", "Esc /", "F2", "F3", NULL };
	ht *h = kiosk_start(NULL, TERM_MODE);

	(void)state;
	for (int lang = 0; lang < 2; lang++) {
		if (lang == 0) {
			kiosk_choose_lang(h, false);
		} else {
			ht_key(h, HT_KEY_F2);         /* Arabic, the form kept */
			HT_ASSERT_TEXT(h, "بياناتك", KT);
			ht_key(h, HT_KEY_UP);
			ht_key(h, HT_KEY_UP);
			ht_wait_quiet(h, 150);
		}
		if (lang == 0) {
			ht_keys(h, "1");
			HT_ASSERT_TEXT(h, "Who you are", KT);
			ht_wait_quiet(h, 150);
		}
		HT_ASSERT(h, footer_has(h, choice));
		ht_keys(h, "1");
		ht_key(h, HT_KEY_ENTER);
		ht_wait_quiet(h, 150);
		HT_ASSERT(h, footer_has(h, text));
		if (lang == 0)
			ht_keys(h, "Sara Ali");
		ht_key(h, HT_KEY_ENTER);
		ht_wait_quiet(h, 150);
		HT_ASSERT(h, footer_has(h, digits));
	}
	ht_end(h);
}

/* "/" is the keypad's Back key: every kiosk footer that offers Back names
 * it beside Esc, and no footer uses "/" as a separator ("Enter next / send"
 * read as "/ sends" — the survey's and the declaration's footers said only
 * "Esc back", the tracking's "next / search"). Survey and tracking, in
 * English and in Arabic. */
static bool
footer_lacks(ht *h, const char *s)
{
	return strstr(ht_screen_text(h, ht_rows(h) - 1), s) == NULL &&
	       strstr(bidi_shown_text(h, ht_rows(h) - 1), s) == NULL;
}

static void
footer_slash_means_back(void **state)
{
	static const char *const back[] = { "Esc /", "Enter", NULL };
	ht *h = kiosk_start(NULL, TERM_MODE);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "3");                          /* the survey */
	HT_ASSERT_TEXT(h, "your score", KT);
	HT_ASSERT(h, footer_has(h, back));
	HT_ASSERT(h, footer_lacks(h, "next / send"));
	ht_key(h, HT_KEY_F2);                     /* Arabic */
	HT_ASSERT_TEXT(h, "تقييمك", KT);
	ht_wait_quiet(h, 150);
	HT_ASSERT(h, footer_has(h, back));
	HT_ASSERT(h, footer_lacks(h, "التالي / "));
	ht_keypad(h, "/");                        /* back, keypad alone */
	HT_ASSERT_TEXT(h, "طلب خدمة جديد", KT);
	ht_keys(h, "2");                          /* tracking */
	HT_ASSERT_TEXT(h, "متابعة طلبي", KT);
	ht_wait_quiet(h, 150);
	HT_ASSERT(h, footer_has(h, back));
	HT_ASSERT(h, footer_lacks(h, "التالي / "));
	ht_key(h, HT_KEY_F2);                     /* English */
	HT_ASSERT_TEXT(h, "Track my request", KT);
	ht_wait_quiet(h, 150);
	HT_ASSERT(h, footer_has(h, back));
	HT_ASSERT(h, footer_lacks(h, "next / search"));
	ht_end(h);
}

/* The idle countdown in Arabic counts in Arabic's plural forms (٣ ثوانٍ,
 * ثانيتين, ثانية واحدة), not "4 ثانية" or an abbreviation. */
static void
idle_countdown_plurals_arabic(void **state)
{
	ht *h = kiosk_start("idle_timeout = 4;\nidle_warning = 3;\n", TERM_MODE);

	(void)state;
	kiosk_choose_lang(h, true);
	HT_ASSERT(h, ht_wait_text(h, "خلال ٣ ثوانٍ", ht_timeout(8000)));
	HT_ASSERT_TEXT(h, "خلال ثانيتين", KT);
	HT_ASSERT_TEXT(h, "واحدة", KT);        /* "ثانية واحدة" may wrap */
	HT_ASSERT_TEXT(h, "Welcome", KT);
	ht_end(h);
}

/* Set by the tests that run --bidi=terminal: columns are then read as a
 * bidi terminal shows them (test_kiosk_util.h); app mode: as they are. */
static bool shown_mode;

/* First and last non-blank columns of a row, as shown. */
static void
extent(ht *h, int row, int *first, int *last)
{
	VTermScreenCell cell;

	*first = *last = -1;
	for (int x = 0; x < ht_cols(h); x++)
		if (ht_cell(h, row, x, &cell) && cell.chars[0] != 0 && cell.chars[0] != ' ') {
			int c = shown_mode ? bidi_shown_col(h, row, x) : x;
			if (*first < 0 || c < *first)
				*first = c;
			if (c > *last)
				*last = c;
		}
}

/* The shown column of the first cell of row holding code point c, or -1. */
static int
col_of(ht *h, int row, uint32_t c)
{
	VTermScreenCell cell;

	for (int x = 0; x < ht_cols(h); x++)
		if (ht_cell(h, row, x, &cell) && cell.chars[0] == c)
			return shown_mode ? bidi_shown_col(h, row, x) : x;
	return -1;
}

/* In Arabic, lines of the layout sit on its right edge: the national ID
 * in its box where the name ends, the declaration's version line, the
 * confirmation's countdown (they used to stand at the far left). */
static void
arabic_lines_on_the_right(void **state)
{
	ht *h = kiosk_start("idle_timeout = 600;\nconfirm_timeout = 60;\n", TERM_MODE);
	int r, first, last, edge;

	(void)state;
	shown_mode = true;
	kiosk_choose_lang(h, true);
	kiosk_to_description(h, "سارة علي", NID_OK, "0551234567");
	HT_ASSERT_TEXT(h, NID_OK, KT);
	ht_wait_quiet(h, 100);
	r = row_of(h, NID_OK);
	edge = col_of(h, r, 0x258f);              /* the box's right edge ▏ */
	extent(h, r, &first, &last);
	HT_ASSERT(h, edge > 0 && strstr(ht_screen_text(h, r), NID_OK) != NULL);
	HT_ASSERT(h, col_of(h, r, '8') >= edge - 2);   /* the last digit at the right */
	ht_keys(h, "وصف طويل بما يكفي للطلب");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "مراجعة طلبك", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "لا أريد رسائل", KT);   /* notifications: none */
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "الإصدار", KT);
	ht_wait_quiet(h, 100);
	extent(h, row_of(h, "الإصدار"), &first, &last);
	HT_ASSERT(h, last >= 70);                 /* right edge, not col 4 */
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "سارة علي");
	HT_ASSERT_TEXT(h, "تلقائيًا", KT);
	ht_wait_quiet(h, 100);
	extent(h, row_of(h, "تلقائيًا"), &first, &last);
	HT_ASSERT(h, last >= 70);
	ht_end(h);
}

/* The review shows the whole description, wrapped (and scrollable), not
 * its first line and "…". */
static void
review_shows_whole_description(void **state)
{
	ht *h = kiosk_start(NULL, NULL);

	(void)state;
	kiosk_choose_lang(h, false);
	kiosk_to_description(h, "Sara Ali", NID_OK, "0551234567");
	ht_keys(h, "The heater in the kitchen is broken.");
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "It leaks water on the floor every night since Tuesday, and the "
	           "fuse trips when it is switched on.");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Check your request", KT);
	HT_ASSERT_TEXT(h, "The heater in the kitchen is broken.", KT);
	HT_ASSERT_TEXT(h, "It leaks water on the floor", KT);
	HT_ASSERT_TEXT(h, "switched on.", KT);    /* the wrapped end too */
	/* its footer names "/" with Esc (footer_slash_means_back) and fits:
	 * at 80 columns the Esc hint was dropped; so does the next screen's,
	 * and the keypad's / goes back from each */
	HT_ASSERT(h, footer_has(h, (const char *const[]){ "1", "Enter", "Esc /", "F2", "F3", NULL }));
	ht_keypad(h, "1");
	HT_ASSERT_TEXT(h, "Messages about this request", KT);
	ht_wait_quiet(h, 100);
	HT_ASSERT(h, footer_has(h, (const char *const[]){ "1-4", "Esc /", "F2", NULL }));
	ht_keypad(h, "/");
	HT_ASSERT_TEXT(h, "Describe your request", KT);
	ht_end(h);
}

/* A guide's paragraphs each read in their own direction: an English
 * sentence inside an Arabic guide left to right from the left edge, the
 * Arabic ones from the right. */
static void
guide_paragraph_directions(void **state)
{
	ht *h = ht_new(24, 80);
	char conf[1024], en[512];
	char *ar = visual_of("هذا دليل قصير للأعضاء.", TEXT_RTL);
	int r, first, last;

	(void)state;
	shown_mode = false;                       /* app mode */
	HT_ASSERT(h, ht_write_file(h, "guide.ar.txt",
	          "هذا دليل قصير للأعضاء.\n"
	          "This guide is also in English.\n"
	          "١٢٣\n"));
	HT_ASSERT(h, ht_write_file(h, "guide.en.txt", "A short guide.\n"));
	snprintf(en, sizeof en, "%s", ht_path(h, "guide.en.txt"));  /* ht_path's buffer is reused */
	snprintf(conf, sizeof conf,
	         "idle_timeout = 600;\ndocs = ( { title_en = \"Guide\"; title_ar = \"دليل\";"
	         " path_en = \"%s\"; path_ar = \"%s\"; } );\n",
	         en, ht_path(h, "guide.ar.txt"));
	HT_ASSERT(h, ht_write_file(h, "khidma.conf", conf));
	HT_ASSERT(h, ht_spawn_khidma(h, NULL, NULL));
	HT_ASSERT_TEXT(h, "Welcome", KT);
	ht_keypad(h, "1");                        /* Arabic, app mode */
	ht_wait_quiet(h, 200);
	ht_keypad(h, "4");
	ht_wait_quiet(h, 200);
	ht_keypad(h, "1");
	HT_ASSERT_TEXT(h, "This guide is also in English.", KT);   /* '.' at the end */
	r = row_of(h, "This guide is also in English.");
	extent(h, r, &first, &last);
	HT_ASSERT(h, first < 10);                 /* from the left edge */
	HT_ASSERT_TEXT(h, ar, KT);
	extent(h, row_of(h, ar), &first, &last);
	HT_ASSERT(h, last > 70);                  /* the Arabic from the right */
	free(ar);
	ht_end(h);
}

static int end_all(void **state) { (void)state; ht_end_all(); return 0; }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(keypad_tracking_digits_erased, end_all),
		cmocka_unit_test_teardown(keypad_pager_pages_and_leaves, end_all),
		cmocka_unit_test_teardown(unknown_escapes_ignored_whole, end_all),
		cmocka_unit_test_teardown(backspace_in_empty_field_stays, end_all),
		cmocka_unit_test_teardown(discard_needs_explicit_yes, end_all),
		cmocka_unit_test_teardown(letter_on_choice_says_how, end_all),
		cmocka_unit_test_teardown(track_finish_returns_to_arabic_welcome, end_all),
		cmocka_unit_test_teardown(f1_help_everywhere, end_all),
		cmocka_unit_test_teardown(masked_mobile_reads_right_in_arabic, end_all),
		cmocka_unit_test_teardown(arabic_footer_same_keys, end_all),
		cmocka_unit_test_teardown(footer_slash_means_back, end_all),
		cmocka_unit_test_teardown(idle_countdown_plurals_arabic, end_all),
		cmocka_unit_test_teardown(arabic_lines_on_the_right, end_all),
		cmocka_unit_test_teardown(review_shows_whole_description, end_all),
		cmocka_unit_test_teardown(guide_paragraph_directions, end_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
