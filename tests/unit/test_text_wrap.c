/*
 * Unit tests for text_wrap and text_fit: breaking by display width on the
 * logical text, each line reordered on its own, and the ellipsis on the
 * side where the text continues (right in LTR, left in RTL).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "test_text_helpers.h"

static int setup(void **state)
{
	(void)state;
	text_set_mode(BIDI_APP);
	return 0;
}

static void test_wrap_latin_words(void **state)
{
	struct text_line *l;
	int n;
	(void)state;
	n = text_wrap("one two three", TEXT_LTR, 7, &l);
	assert_int_equal(n, 2);
	assert_string_equal(cells_of(&l[0]), "006F 006E 0065 0020 0074 0077 006F");
	assert_string_equal(cells_of(&l[1]), "0074 0068 0072 0065 0065");
	assert_int_equal(l[0].start, 0);
	assert_int_equal(l[0].end, 8);      /* the space belongs to line 0 */
	assert_int_equal(l[1].start, 8);
	assert_int_equal(l[1].end, 13);
	for (int i = 0; i < n; i++)
		assert_true(l[i].width <= 7);
	text_lines_free(l, n);
}

/* أهلا بكم في الجمعية at 9 columns: three lines, each reordered alone,
 * the first words of each line at its right. */
static void test_wrap_arabic_each_line_reordered(void **state)
{
	struct text_line *l;
	int n;
	(void)state;
	n = text_wrap("\u0623\u0647\u0644\u0627 \u0628\u0643\u0645 \u0641\u064A "
	              "\u0627\u0644\u062C\u0645\u0639\u064A\u0629", TEXT_RTL, 9, &l);
	assert_int_equal(n, 3);
	assert_string_equal(cells_of(&l[0]), "FEE2 FEDC FE91 0020 FE8E FEE0 FEEB FE83");
	assert_string_equal(cells_of(&l[1]), "FEF2 FED3");
	assert_string_equal(cells_of(&l[2]), "FE94 FEF4 FECC FEE4 FEA0 FEDF FE8D");
	assert_int_equal(l[0].start, 0);
	assert_int_equal(l[1].start, 9);
	assert_int_equal(l[2].start, 12);
	assert_int_equal(l[2].end, 19);
	text_lines_free(l, n);
}

static void test_wrap_newline_and_long_word(void **state)
{
	struct text_line *l;
	int n;
	(void)state;
	n = text_wrap("ab\ncd", TEXT_LTR, 10, &l);
	assert_int_equal(n, 2);
	assert_string_equal(cells_of(&l[0]), "0061 0062");
	assert_string_equal(cells_of(&l[1]), "0063 0064");
	assert_int_equal(l[1].start, 3);
	assert_int_equal(l[1].cells[0].logical, 3);
	text_lines_free(l, n);
	/* A word longer than the width is cut by width. */
	n = text_wrap("abcdefgh", TEXT_LTR, 3, &l);
	assert_int_equal(n, 3);
	assert_string_equal(cells_of(&l[2]), "0067 0068");
	text_lines_free(l, n);
	/* Empty text: one empty line. */
	n = text_wrap("", TEXT_RTL, 5, &l);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].ncells, 0);
	text_lines_free(l, n);
}

static void test_wrap_cjk_by_width(void **state)
{
	struct text_line *l;
	int n;
	(void)state;
	n = text_wrap("\u65E5\u672C\u8A9E", TEXT_LTR, 4, &l);
	assert_int_equal(n, 2);
	assert_string_equal(cells_of(&l[0]), "65E5 672C");
	assert_int_equal(l[0].width, 4);
	assert_string_equal(cells_of(&l[1]), "8A9E");
	text_lines_free(l, n);
}

/* A number in a wrapped Arabic line stays left-to-right. */
static void test_wrap_mixed_number(void **state)
{
	struct text_line *l;
	int n;
	(void)state;
	/* اتصل على 0551234567 الآن (24 columns) at width 15: the number
	 * leads line 2, so it sits at the right, digits still in order. */
	n = text_wrap("\u0627\u062A\u0635\u0644 \u0639\u0644\u0649 0551234567 "
	              "\u0627\u0644\u0622\u0646", TEXT_RTL, 15, &l);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].end, 9);
	assert_string_equal(cells_of(&l[1]),
		"FEE5 FE82 FEDF FE8D 0020 0030 0035 0035 0031 0032 0033 0034 0035 0036 0037");
	text_lines_free(l, n);
}

static void test_fit_ltr_ellipsis_right(void **state)
{
	struct text_line l;
	(void)state;
	text_fit("abcdefghij", TEXT_LTR, 5, &l);
	assert_string_equal(cells_of(&l), "0061 0062 0063 0064 2026");
	assert_int_equal(l.width, 5);
	text_line_free(&l);
	text_fit("abc", TEXT_LTR, 5, &l);          /* fits: untouched */
	assert_string_equal(cells_of(&l), "0061 0062 0063");
	text_line_free(&l);
	text_fit("abc", TEXT_LTR, 0, &l);
	assert_int_equal(l.ncells, 0);
	text_line_free(&l);
}

/* السلام عليكم in 6 columns: the logical end is at the left in RTL. */
static void test_fit_rtl_ellipsis_left(void **state)
{
	struct text_line l;
	(void)state;
	text_fit("\u0627\u0644\u0633\u0644\u0627\u0645 \u0639\u0644\u064A\u0643\u0645",
	         TEXT_RTL, 6, &l);
	assert_string_equal(cells_of(&l), "2026 FE8E FEE0 FEB4 FEDF FE8D");
	assert_int_equal(l.width, 6);
	text_line_free(&l);
	/* Harakat are never cut from their letter. */
	text_fit("\u0645\u064F\u062D\u064E\u0645\u0651\u064E\u062F", TEXT_RTL, 3, &l);
	assert_string_equal(cells_of(&l), "2026 FEA4+064E FEE3+064F");
	text_line_free(&l);
}

/* Marks without a base take a U+25CC cell the width estimate does not
 * count: the fitted line must still stay within its width. */
static void test_fit_orphan_marks(void **state)
{
	struct text_line l;
	(void)state;
	text_fit("\u064E\u064E\u064E\u064E\u064E\u064Eabcdef", TEXT_LTR, 5, &l);
	assert_string_equal(cells_of(&l), "25CC+064E+064E+064E+064E 0061 0062 0063 2026");
	assert_int_equal(l.width, 5);
	text_line_free(&l);
}

static void test_fit_cjk(void **state)
{
	struct text_line l;
	(void)state;
	text_fit("\u65E5\u672C\u8A9E", TEXT_LTR, 4, &l);
	assert_string_equal(cells_of(&l), "65E5 2026");
	assert_int_equal(l.width, 3);
	text_line_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_wrap_latin_words, setup),
		cmocka_unit_test_setup(test_wrap_arabic_each_line_reordered, setup),
		cmocka_unit_test_setup(test_wrap_newline_and_long_word, setup),
		cmocka_unit_test_setup(test_wrap_cjk_by_width, setup),
		cmocka_unit_test_setup(test_wrap_mixed_number, setup),
		cmocka_unit_test_setup(test_fit_ltr_ellipsis_right, setup),
		cmocka_unit_test_setup(test_fit_rtl_ellipsis_left, setup),
		cmocka_unit_test_setup(test_fit_orphan_marks, setup),
		cmocka_unit_test_setup(test_fit_cjk, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
