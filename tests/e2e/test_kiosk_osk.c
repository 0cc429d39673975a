/*
 * test_kiosk_osk — the on-screen keyboard (issue 11): a complete Arabic
 * intake — name, description and signature — with the keys of a numeric
 * keypad alone (application keypad mode, as libvterm sends it), through the
 * real binary in app mode, so every key the test looks for is the shaped
 * glyph text_layout makes of it. The test steers like a visitor: it finds
 * the key it wants and the highlighted key on the screen and presses 8 2 4
 * 6 until they meet, then 5.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "e2e/test_kiosk_util.h"

/* The keyboard's box: the last row holding its bottom-left corner; the
 * key rows are the 5 rows above the bottom edge. */
static int
osk_bottom(ht *h)
{
	for (int r = ht_rows(h) - 1; r >= 0; r--)
		if (strstr(ht_screen_text(h, r), "\u2514") != NULL)
			return r;
	return -1;
}

struct pos { int row, x1, x2; };

/* The highlighted (reverse video) key of the keyboard: its row and span. */
static bool
highlight(ht *h, struct pos *p)
{
	int b = osk_bottom(h);
	VTermScreenCell c;

	if (b < 6)
		return false;
	for (int r = b - 5; r < b; r++) {
		p->x1 = -1;
		for (int x = 0; x < ht_cols(h); x++) {
			if (!ht_cell(h, r, x, &c) || !c.attrs.reverse)
				continue;
			if (p->x1 < 0)
				p->x1 = x;
			p->x2 = x;
		}
		if (p->x1 >= 0) {
			p->row = r;
			return true;
		}
	}
	return false;
}

/* Where the key showing glyph (one cell, UTF-8) is. */
static bool
key_at(ht *h, const char *glyph, int *row, int *col)
{
	int b = osk_bottom(h);
	uint32_t want = 0;
	const char *g = glyph;

	if (b < 6)
		return false;
	/* one code point */
	if ((g[0] & 0xe0) == 0xc0)
		want = (uint32_t)(g[0] & 0x1f) << 6 | (uint32_t)(g[1] & 0x3f);
	else if ((g[0] & 0xf0) == 0xe0)
		want = (uint32_t)(g[0] & 0x0f) << 12 | (uint32_t)(g[1] & 0x3f) << 6 |
		       (uint32_t)(g[2] & 0x3f);
	else
		want = (uint32_t)g[0];
	for (int r = b - 5; r < b - 1; r++)
		for (int x = 0; x < ht_cols(h); x++) {
			VTermScreenCell c;
			if (ht_cell(h, r, x, &c) && c.chars[0] == want) {
				*row = r;
				*col = x;
				return true;
			}
		}
	return false;
}

struct key_want { const char *glyph; int row, col; };

static bool
key_shown(ht *h, void *arg)
{
	struct key_want *k = arg;

	return key_at(h, k->glyph, &k->row, &k->col);
}

static bool
highlight_shown(ht *h, void *arg)
{
	return highlight(h, arg);
}

struct moved { struct pos was; };

static bool
highlight_moved(ht *h, void *arg)
{
	struct moved *m = arg;
	struct pos p;

	return highlight(h, &p) && (p.row != m->was.row || p.x1 != m->was.x1);
}

/* Type one letter with the keypad: steer to it, press 5. */
static void
osk_letter(ht *h, const char *letter)
{
	char *glyph = visual_of(letter, TEXT_RTL);
	struct key_want kw = { glyph, -1, -1 };
	int row, col;

	/* a wait: the screen may still be arriving */
	HT_ASSERT(h, ht_wait_until(h, key_shown, &kw, KT));
	row = kw.row;
	col = kw.col;
	for (int step = 0; step < 40; step++) {
		struct moved m;
		const char *k;

		HT_ASSERT(h, ht_wait_until(h, highlight_shown, &m.was, KT));
		if (row < m.was.row)
			k = "8";
		else if (row > m.was.row)
			k = "2";
		else if (col < m.was.x1)
			k = "4";
		else if (col > m.was.x2)
			k = "6";
		else
			break;
		ht_keypad(h, k);
		HT_ASSERT(h, ht_wait_until(h, highlight_moved, &m, KT));
	}
	free(glyph);
	ht_keypad(h, "5");
}

/* Type an Arabic text (letters and spaces) with the keypad, then wait
 * until the field shows it. */
static void
osk_type(ht *h, const char *utf8)
{
	const char *p = utf8;

	while (*p) {
		char one[5] = { 0 };
		size_t n = (*p & 0x80) == 0 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : 3;

		memcpy(one, p, n);
		p += n;
		if (strcmp(one, " ") == 0) {
			ht_keypad(h, "0");
		} else {
			osk_letter(h, one);
		}
		ht_wait_quiet(h, 30);
	}
}

/* True once the screen holds text as app mode lays it out right to left. */
static void
assert_shown(ht *h, const char *utf8)
{
	char *v = visual_of(utf8, TEXT_RTL);

	HT_ASSERT_TEXT(h, v, KT);
	free(v);
}

static void
arabic_intake_keypad_only(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	char ref[32];
	struct request r;
	store *s;

	(void)state;
	HT_ASSERT_TEXT(h, "Welcome", KT);
	kiosk_wait_open(h);
	ht_keypad(h, "1");                        /* Arabic */
	assert_shown(h, "طلب خدمة جديد");
	ht_keypad(h, "1");                        /* new request */
	assert_shown(h, "بياناتك");
	ht_keypad(h, "1\n");                      /* member */
	ht_wait_quiet(h, 100);
	ht_keypad(h, "*");                        /* the on-screen keyboard */
	assert_shown(h, "لوحة المفاتيح على الشاشة: العربية");
	osk_type(h, "سارة علي");
	assert_shown(h, "سارة علي");
	ht_keypad(h, "+");                        /* done: the national ID */
	ht_wait_quiet(h, 100);
	HT_ASSERT(h, osk_bottom(h) < 0);          /* no keyboard on a digits field */
	ht_keypad(h, NID_OK "\n");
	ht_keypad(h, "4711\n");
	ht_keypad(h, "0551234567\n");
	assert_shown(h, "لوحة المفاتيح على الشاشة: الإنجليزية");   /* e-mail */
	ht_keypad(h, "+");                        /* no e-mail */
	ht_wait_quiet(h, 100);
	ht_keypad(h, "2\n");                      /* the service */
	assert_shown(h, "لوحة المفاتيح على الشاشة: العربية");      /* description */
	osk_type(h, "سخان الماء معطل");
	assert_shown(h, "سخان الماء معطل");
	ht_keypad(h, "+");                        /* done: the review */
	assert_shown(h, "مراجعة طلبك");
	ht_keypad(h, "1");                        /* continue */
	assert_shown(h, "الرسائل عن هذا الطلب");
	ht_keypad(h, "1");                        /* no messages (consent.c) */
	ht_wait_quiet(h, 100);
	ht_keypad(h, "1\n");                      /* I accept */
	assert_shown(h, "لوحة المفاتيح على الشاشة: العربية");      /* signature */
	osk_type(h, "سارة علي");
	ht_keypad(h, "+");                        /* sign and send */
	ht_wait_quiet(h, 300);
	HT_ASSERT(h, kiosk_wait_ref(h, ref, sizeof ref));
	s = open_db(h);
	assert_int_equal(store_request_by_ref(s, ref, &r), ST_OK);
	assert_string_equal(r.name, "سارة علي");
	assert_string_equal(r.description, "سخان الماء معطل");
	assert_string_equal(r.signature, "سارة علي");
	request_free(&r);
	store_close(s);
	ht_end(h);
}

/* The idle reset restores what the visitor changed: the language, the
 * bidi mode flipped with F3 and the on-screen keyboard (on, English). */
static void
idle_reset_restores_language_bidi_keyboard(void **state)
{
	ht *h = kiosk_start("idle_timeout = 3;\nidle_warning = 2;\n", NULL);
	char *title = visual_of("خدمات الأعضاء", TEXT_RTL);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keypad(h, "1");                        /* new request */
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ht_keypad(h, "1\n");
	ht_keypad(h, "*");
	HT_ASSERT_TEXT(h, "On-screen keyboard: English", KT);
	ht_keypad(h, "*");                        /* layout: Arabic */
	HT_ASSERT_TEXT(h, "On-screen keyboard: Arabic", KT);
	ht_key(h, HT_KEY_F3);                     /* bidi: terminal mode */
	ht_wait_quiet(h, 200);
	HT_ASSERT(h, ht_wait_text(h, "Welcome", ht_timeout(15000)));
	/* the start language, and app mode again: the title shaped */
	HT_ASSERT_ROW(h, 0, title, KT);
	ht_keypad(h, "2");                        /* English again */
	HT_ASSERT_TEXT(h, "New service request", KT);
	ht_keypad(h, "1");
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ht_keypad(h, "1\n");
	ht_wait_quiet(h, 200);
	HT_ASSERT(h, strstr(ht_screen(h), "On-screen keyboard") == NULL);   /* off */
	ht_keypad(h, "*");
	HT_ASSERT_TEXT(h, "On-screen keyboard: English", KT);   /* the language's */
	free(title);
	ht_end(h);
}

/* A full keyboard just types while the keyboard is up, and '/' closes it
 * with the text kept; the English layout types Latin letters. */
static void
full_keyboard_types_and_slash_closes(void **state)
{
	ht *h = kiosk_start(NULL, NULL);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keypad(h, "1");
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ht_keypad(h, "1\n");
	ht_keypad(h, "*");
	HT_ASSERT_TEXT(h, "On-screen keyboard: English", KT);
	ht_keypad(h, "5");                        /* q, the first key */
	ht_keys(h, "Sara");
	HT_ASSERT_TEXT(h, "qSara", KT);
	ht_keypad(h, "-");                        /* delete */
	HT_ASSERT_TEXT(h, "qSar", KT);
	ht_keypad(h, "/");                        /* close */
	HT_ASSERT_GONE(h, "On-screen keyboard", KT);
	HT_ASSERT_TEXT(h, "qSar", KT);
	HT_ASSERT_TEXT(h, "Who you are", KT);     /* still the form */
	ht_end(h);
}

/* NumLock off: the keypad's 5 sends KP_Begin (ESC O E in application
 * cursor mode, ESC [ E in normal mode), 8 2 4 6 the arrows. The keyboard's
 * footer says 5 types: it must, as with NumLock on (the 5 was ignored, so
 * a visitor with NumLock off could type only with Enter). */
static void
numlock_off_five_types(void **state)
{
	ht *h = kiosk_start(NULL, NULL);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keypad(h, "1");
	HT_ASSERT_TEXT(h, "Who you are", KT);
	ht_keypad(h, "1\n");
	ht_keypad(h, "*");
	HT_ASSERT_TEXT(h, "On-screen keyboard: English", KT);
	ht_keys(h, "\033OE");                   /* 5, NumLock off: q */
	HT_ASSERT_TEXT(h, "\u2595q", KT);
	ht_keys(h, "\033OC");                   /* 6, NumLock off: right */
	ht_wait_quiet(h, 100);
	ht_keys(h, "\033[E");                   /* 5, normal cursor mode: w */
	HT_ASSERT_TEXT(h, "\u2595qw", KT);
	ht_end(h);
}

static int end_all(void **state) { (void)state; ht_end_all(); return 0; }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(arabic_intake_keypad_only, end_all),
		cmocka_unit_test_teardown(idle_reset_restores_language_bidi_keyboard, end_all),
		cmocka_unit_test_teardown(full_keyboard_types_and_slash_closes, end_all),
		cmocka_unit_test_teardown(numlock_off_five_types, end_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
