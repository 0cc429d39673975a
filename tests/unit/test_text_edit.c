/*
 * Unit tests for the edit buffer: grapheme-cluster steps, backspace and
 * delete of whole clusters, visual Left/Right in RTL (also through an
 * embedded number), Home/End, limits and refused input, and
 * text_edit_render's scrolling and caret column in RTL and LTR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "test_text_helpers.h"

/* مُحَمَّد: clusters start at 0, 2, 4, 7; length 8. */
#define MUHAMMAD "\u0645\u064F\u062D\u064E\u0645\u0651\u064E\u062F"
/* رقم 0551 هنا: 12 chars, the number at 4..7. */
#define WITH_NUMBER "\u0631\u0642\u0645 0551 \u0647\u0646\u0627"

static int setup(void **state)
{
	(void)state;
	text_set_mode(BIDI_APP);
	return 0;
}

static void assert_content(const struct text_edit *e, const char *want)
{
	char *s = text_edit_get(e);
	assert_string_equal(s, want);
	free(s);
}

static void test_rtl_left_moves_by_cluster(void **state)
{
	struct text_edit e;
	const size_t stops[] = { 0, 2, 4, 7, 8, 8 };
	(void)state;
	text_edit_init(&e, TEXT_RTL, 0, false);
	text_edit_set(&e, MUHAMMAD);
	assert_int_equal(e.len, 8);
	assert_int_equal(e.cursor, 8);
	text_edit_home(&e);
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
		assert_int_equal(e.cursor, stops[i]);
		text_edit_left(&e);         /* visually left = logically forward */
	}
	for (size_t i = 5; i-- > 0;) {
		text_edit_right(&e);
		assert_int_equal(e.cursor, stops[i] == 8 ? 7 : stops[i] ? stops[i - 1] : 0);
		if (stops[i] == 8) {
			text_edit_end(&e);
			text_edit_right(&e);
		}
	}
	text_edit_free(&e);
}

static void test_rtl_right_walks_back(void **state)
{
	struct text_edit e;
	const size_t back[] = { 8, 7, 4, 2, 0, 0 };
	(void)state;
	text_edit_init(&e, TEXT_RTL, 0, false);
	text_edit_set(&e, MUHAMMAD);
	for (size_t i = 0; i < sizeof back / sizeof *back; i++) {
		assert_int_equal(e.cursor, back[i]);
		text_edit_right(&e);
	}
	text_edit_free(&e);
}

/* Left through an embedded number goes in visual order:
 * 0 1 2 3 | 7 6 5 4 | 8 9 10 11 | 12 (end, leftmost). */
static void test_rtl_left_through_number(void **state)
{
	struct text_edit e;
	const size_t stops[] = { 0, 1, 2, 3, 7, 6, 5, 4, 8, 9, 10, 11, 12, 12 };
	(void)state;
	text_edit_init(&e, TEXT_RTL, 0, false);
	text_edit_set(&e, WITH_NUMBER);
	text_edit_home(&e);
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
		assert_int_equal(e.cursor, stops[i]);
		text_edit_left(&e);
	}
	text_edit_free(&e);
}

/* Lam-alef is two cells, so the caret can stand between lam and alef. */
static void test_lam_alef_caret_steps(void **state)
{
	struct text_edit e;
	struct text_line *l;
	int n, r, c;
	(void)state;
	text_edit_init(&e, TEXT_RTL, 0, false);
	text_edit_set(&e, "سلام");   /* سلام */
	text_edit_home(&e);
	text_edit_left(&e);
	text_edit_left(&e);
	assert_int_equal(e.cursor, 2);                   /* on the alef */
	n = text_edit_render(&e, 6, 1, &l, &r, &c);
	assert_int_equal(l[0].cells[c].logical, 2);
	assert_int_equal(l[0].cells[c].ch[0], 0xFE8E);
	assert_int_equal(l[0].cells[c + 1].ch[0], 0xFEE0);  /* lam to its right */
	text_lines_free(l, n);
	text_edit_free(&e);
}

static void test_ltr_moves(void **state)
{
	struct text_edit e;
	(void)state;
	text_edit_init(&e, TEXT_LTR, 0, false);
	text_edit_set(&e, "e\u0301x");      /* cleaned to NFC: é x */
	assert_int_equal(e.len, 2);
	text_edit_insert(&e, "a\u0301");      /* insert keeps it as typed: 2 chars */
	assert_int_equal(e.len, 4);
	assert_int_equal(e.cursor, 4);
	text_edit_left(&e);
	assert_int_equal(e.cursor, 2);        /* a + U+0301 is one step */
	text_edit_left(&e);
	assert_int_equal(e.cursor, 1);
	text_edit_right(&e);
	assert_int_equal(e.cursor, 2);
	text_edit_home(&e);
	assert_int_equal(e.cursor, 0);
	text_edit_left(&e);
	assert_int_equal(e.cursor, 0);
	text_edit_end(&e);
	assert_int_equal(e.cursor, 4);
	text_edit_free(&e);
}

static void test_backspace_delete_clusters(void **state)
{
	struct text_edit e;
	(void)state;
	text_edit_init(&e, TEXT_RTL, 0, false);
	text_edit_set(&e, MUHAMMAD);
	text_edit_backspace(&e);                   /* د */
	assert_content(&e, "\u0645\u064F\u062D\u064E\u0645\u064E\u0651");
	text_edit_backspace(&e);                   /* مَّ: base + 2 marks */
	assert_content(&e, "\u0645\u064F\u062D\u064E");
	assert_int_equal(e.cursor, 4);
	text_edit_home(&e);
	text_edit_delete(&e);                      /* مُ */
	assert_content(&e, "\u062D\u064E");
	assert_int_equal(e.cursor, 0);
	text_edit_backspace(&e);                   /* nothing before */
	assert_content(&e, "\u062D\u064E");
	text_edit_end(&e);
	text_edit_delete(&e);                      /* nothing after */
	assert_content(&e, "\u062D\u064E");
	/* Delete a letter in the middle: سلام → سام */
	text_edit_set(&e, "\u0633\u0644\u0627\u0645");
	text_edit_home(&e);
	text_edit_left(&e);
	text_edit_delete(&e);
	assert_content(&e, "\u0633\u0627\u0645");
	assert_int_equal(e.cursor, 1);
	text_edit_free(&e);
}

static void test_insert_filters_and_limits(void **state)
{
	struct text_edit e;
	(void)state;
	text_edit_init(&e, TEXT_RTL, 5, false);
	assert_true(text_edit_insert(&e, "\u0628\u202E\x1b[A"));
	assert_content(&e, "\u0628[A");
	assert_false(text_edit_insert(&e, "\xff"));
	assert_content(&e, "\u0628[A");
	assert_false(text_edit_insert(&e, "xyz"));      /* only 2 fit */
	assert_content(&e, "\u0628[Axy");
	assert_false(text_edit_insert_char(&e, 'q'));
	assert_false(text_edit_insert_char(&e, 0x1b));
	assert_int_equal(e.len, 5);
	text_edit_home(&e);
	text_edit_delete(&e);
	assert_true(text_edit_insert_char(&e, 0x062A));
	assert_content(&e, "\u062A[Axy");
	assert_int_equal(e.cursor, 1);
	text_edit_wipe(&e);
	assert_int_equal(e.len, 0);
	assert_int_equal(e.buf[0], 0);
	text_edit_free(&e);
	/* Newlines only in multi-line buffers. */
	text_edit_init(&e, TEXT_LTR, 0, false);
	text_edit_insert(&e, "a\nb");
	assert_content(&e, "a b");
	text_edit_free(&e);
	text_edit_init(&e, TEXT_LTR, 0, true);
	text_edit_insert(&e, "a\nb");
	assert_content(&e, "a\nb");
	text_edit_home(&e);
	assert_int_equal(e.cursor, 2);
	text_edit_free(&e);
}

static void test_render_rtl_single(void **state)
{
	struct text_edit e;
	struct text_line *l;
	int n, r, c;
	(void)state;
	text_edit_init(&e, TEXT_RTL, 0, false);
	text_edit_set(&e, "\u0633\u0644\u0627\u0645");
	n = text_edit_render(&e, 10, 1, &l, &r, &c);
	assert_int_equal(n, 1);
	assert_int_equal(r, 0);
	assert_int_equal(l[0].width, 10);
	/* Right-aligned: six blanks, then سلام shaped and reversed. */
	assert_string_equal(cells_of(&l[0]),
	                    "0020 0020 0020 0020 0020 0020 FEE1 FE8E FEE0 FEB3");
	assert_int_equal(c, 5);                 /* end caret: left of the text */
	text_lines_free(l, n);
	text_edit_home(&e);
	n = text_edit_render(&e, 10, 1, &l, &r, &c);
	assert_int_equal(c, 9);                 /* on the first letter, far right */
	assert_int_equal(l[0].cells[9].logical, 0);
	text_lines_free(l, n);
	text_edit_left(&e);
	n = text_edit_render(&e, 10, 1, &l, &r, &c);
	assert_int_equal(c, 8);
	text_lines_free(l, n);
	text_edit_free(&e);
}

static void test_render_ltr_scrolls(void **state)
{
	struct text_edit e;
	struct text_line *l;
	int n, r, c;
	(void)state;
	text_edit_init(&e, TEXT_LTR, 0, false);
	text_edit_set(&e, "abcdefghijklmnop");
	n = text_edit_render(&e, 5, 1, &l, &r, &c);
	assert_int_equal(e.scroll, 12);
	assert_int_equal(c, 4);
	assert_string_equal(cells_of(&l[0]), "006D 006E 006F 0070 0020");
	text_lines_free(l, n);
	text_edit_home(&e);
	n = text_edit_render(&e, 5, 1, &l, &r, &c);
	assert_int_equal(e.scroll, 0);
	assert_int_equal(c, 0);
	assert_string_equal(cells_of(&l[0]), "0061 0062 0063 0064 0065");
	text_lines_free(l, n);
	text_edit_free(&e);
}

/* A long RTL field: at the end the logical end (left) is shown; after
 * Home the logical start (right) is shown, caret in the last column. */
static void test_render_rtl_scrolls(void **state)
{
	struct text_edit e;
	struct text_line *l;
	int n, r, c;
	(void)state;
	text_edit_init(&e, TEXT_RTL, 0, false);
	text_edit_set(&e, "\u0628\u064A\u062A \u0643\u0628\u064A\u0631 \u062C\u062F\u0627"); /* 12 */
	n = text_edit_render(&e, 5, 1, &l, &r, &c);
	assert_int_equal(c, 0);
	assert_string_equal(cells_of(&l[0]), "0020 FE8D FEAA FE9F 0020");
	assert_string_equal(logical_of(&l[0]), "-1 11 10 9 8");
	text_lines_free(l, n);
	text_edit_home(&e);
	n = text_edit_render(&e, 5, 1, &l, &r, &c);
	assert_int_equal(c, 4);
	assert_int_equal(l[0].cells[4].logical, 0);
	assert_int_equal(l[0].cells[4].ch[0], 0xFE91);
	text_lines_free(l, n);
	text_edit_free(&e);
}

static void test_render_multiline(void **state)
{
	struct text_edit e;
	struct text_line *l;
	int n, r, c;
	(void)state;
	text_edit_init(&e, TEXT_LTR, 0, true);
	text_edit_set(&e, "one two three\nfour");
	n = text_edit_render(&e, 8, 2, &l, &r, &c);
	/* Lines: "one two" / "three" / "four" — shows the last two. */
	assert_int_equal(n, 2);
	assert_int_equal(e.scroll, 1);
	assert_int_equal(r, 1);
	assert_int_equal(c, 4);
	assert_string_equal(cells_of(&l[1]), "0066 006F 0075 0072 0020 0020 0020 0020");
	text_lines_free(l, n);
	text_edit_free(&e);
	/* RTL multi-line: right-aligned, caret left of the line's end. */
	text_edit_init(&e, TEXT_RTL, 0, true);
	text_edit_set(&e, "\u0628\u064A\u062A");
	n = text_edit_render(&e, 6, 3, &l, &r, &c);
	assert_int_equal(n, 1);
	assert_string_equal(cells_of(&l[0]), "0020 0020 0020 FE96 FEF4 FE91");
	assert_int_equal(c, 2);
	text_lines_free(l, n);
	text_edit_free(&e);
}

/* Terminal mode: the app picture unshaped (NFC: fatha before shadda): visual
 * order, right-aligned, the end caret on the left like app mode (the ui
 * maps the column when it writes the row for the terminal). */
static void test_terminal_mode_edit(void **state)
{
	struct text_edit e;
	struct text_line *l;
	int n, r, c;
	(void)state;
	text_set_mode(BIDI_TERMINAL);
	text_edit_init(&e, TEXT_RTL, 0, false);
	text_edit_set(&e, MUHAMMAD);
	n = text_edit_render(&e, 6, 1, &l, &r, &c);
	assert_string_equal(cells_of(&l[0]), "0020 0020 062F 0645+064E+0651 062D+064E 0645+064F");
	assert_int_equal(c, 1);
	text_lines_free(l, n);
	text_edit_backspace(&e);
	assert_content(&e, "\u0645\u064F\u062D\u064E\u0645\u064E\u0651");
	text_edit_home(&e);
	text_edit_left(&e);        /* RTL field: Left = logically forward */
	assert_int_equal(e.cursor, 2);
	text_edit_free(&e);
	text_set_mode(BIDI_APP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rtl_left_moves_by_cluster, setup),
		cmocka_unit_test_setup(test_rtl_right_walks_back, setup),
		cmocka_unit_test_setup(test_rtl_left_through_number, setup),
		cmocka_unit_test_setup(test_lam_alef_caret_steps, setup),
		cmocka_unit_test_setup(test_ltr_moves, setup),
		cmocka_unit_test_setup(test_backspace_delete_clusters, setup),
		cmocka_unit_test_setup(test_insert_filters_and_limits, setup),
		cmocka_unit_test_setup(test_render_rtl_single, setup),
		cmocka_unit_test_setup(test_render_ltr_scrolls, setup),
		cmocka_unit_test_setup(test_render_rtl_scrolls, setup),
		cmocka_unit_test_setup(test_render_multiline, setup),
		cmocka_unit_test_setup(test_terminal_mode_edit, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
