/*
 * Unit tests for text/digits.c: the digits an Arabic screen shows. The
 * substitution comes after the bidi algorithm, so the order is the one
 * FriBidi gives ASCII digits (European numbers); each test compares with
 * that order, computed here by text_layout, never with a typed-in string
 * alone. Key caps and e-mail addresses keep ASCII; ٫ ٬ ٪ inside numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <locale.h>
#include <wchar.h>

#include "text/text.h"

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	text_set_mode(BIDI_APP);
	return 0;
}

/* The visual line of s (direction d) with ASCII digits, then mapped by
 * hand: what the substitution must give, cell for cell. */
static char *
expected(const char *s, text_dir d)
{
	struct text_line l;
	char *out = calloc(1, 1024), *w = out;

	text_layout(s, d, &l);
	for (int i = 0; i < l.ncells; i++) {
		uint32_t c = l.cells[i].ch[0];
		if (c >= '0' && c <= '9') {
			*w++ = (char)0xD9;
			*w++ = (char)(0xA0 + (c - '0'));
		} else if (c < 0x80) {
			*w++ = (char)c;
		} else {
			*w++ = (char)(0xE0 | c >> 12);
			*w++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*w++ = (char)(0x80 | (c & 0x3F));
		}
	}
	text_line_free(&l);
	return out;
}

/* A date after an Arabic label: the order ASCII digits get there (they
 * are AN after an Arabic letter, rule W2, as ٠..٩ would be); a date with
 * no Arabic letter before it (a queue column): one left-to-right number,
 * not three AN parts split at '-'. */
static void test_date_keeps_its_order(void **state)
{
	const char *s = "\u0623\u0642\u0631\u0628 \u0645\u0648\u0639\u062f: 2026-12-02";
	char *got = text_eastern_digits(s, TEXT_RTL), *want = expected(s, TEXT_RTL);

	(void)state;
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "\u0660\u0662-\u0661\u0662-\u0662\u0660\u0662\u0666"));
	free(got);
	free(want);
	got = text_eastern_digits("2026-12-02", TEXT_RTL);
	assert_string_equal(got, "\u0662\u0660\u0662\u0666-\u0661\u0662-\u0660\u0662");
	free(got);
}

static void test_range_and_count(void **state)
{
	const char *s = "\u0627\u0644\u0623\u0633\u0637\u0631 1\u201319 \u0645\u0646 240";
	char *got = text_eastern_digits(s, TEXT_RTL), *want = expected(s, TEXT_RTL);

	(void)state;
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "\u0661\u0669\u2013\u0661"));  /* 1 at the right */
	assert_non_null(strstr(got, "\u0662\u0664\u0660"));
	assert_null(strpbrk(got, "0123456789"));
	free(got);
	free(want);
}

/* Key caps and e-mail addresses are Latin words: their digits stay. */
static void test_latin_words_keep_ascii(void **state)
{
	char *got = text_eastern_digits("12 \u0627\u0644\u0646\u0635 F3 ali2@x9.com", TEXT_RTL);

	(void)state;
	assert_non_null(strstr(got, "F3"));
	assert_non_null(strstr(got, "ali2@x9.com"));
	assert_non_null(strstr(got, "\u0661\u0662"));
	free(got);
}

/* Digits after Latin text stay ("Person 05" in an Arabic line); digits
 * after Arabic text do not, even with Latin text logically after them. */
static void test_after_latin(void **state)
{
	char *got = text_eastern_digits("\u0627\u0644\u0627\u0633\u0645 Person 05", TEXT_RTL);

	(void)state;
	assert_non_null(strstr(got, "Person 05"));
	free(got);
	got = text_eastern_digits("\u0627\u0644\u0645\u0631\u062c\u0639 0100 Ali", TEXT_RTL);
	assert_non_null(strstr(got, "\u0660\u0661\u0660\u0660"));
	assert_null(strpbrk(got, "0123456789"));
	free(got);
}

/* Inside a number: ٫ decimal, ٬ thousands, ٪ per cent; elsewhere kept. */
static void test_separators(void **state)
{
	char *got = text_eastern_digits("3.5 1,250 45% .x, end.", TEXT_LTR);

	(void)state;
	assert_string_equal(got, "\u0663\u066b\u0665 \u0661\u066c\u0662\u0665\u0660 "
	                         "\u0664\u0665\u066a .x, end.");
	free(got);
}

/* One column for one column: the width of every replacement is 1, the
 * line's width does not change. */
static void test_widths(void **state)
{
	(void)state;
	for (uint32_t c = 0x0660; c <= 0x066C; c++)
		assert_int_equal(wcwidth((wchar_t)c), 1);
}

/* "western": a translation's ٤ shows as 4; ASCII and letters unchanged. */
static void test_western(void **state)
{
	struct text_line l;
	char buf[64];
	int n = 0;

	(void)state;
	text_layout("\u0622\u062e\u0631 \u0664 \u0623\u0631\u0642\u0627\u0645 7", TEXT_RTL, &l);
	for (int i = 0; i < l.ncells; i++) {
		uint32_t c = text_cell_western(&l, i);
		if (c >= '0' && c <= '9')
			buf[n++] = (char)c;
		assert_false(c >= 0x0660 && c <= 0x0669);
	}
	buf[n] = '\0';
	assert_string_equal(buf, "74");              /* visual: 7 at the left */
	assert_int_equal(text_cell_western(&l, l.ncells), 0);
	text_line_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_keeps_its_order),
		cmocka_unit_test(test_range_and_count),
		cmocka_unit_test(test_latin_words_keep_ascii),
		cmocka_unit_test(test_after_latin),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_western),
	};
	return cmocka_run_group_tests_name("text_digits", tests, setup, NULL);
}
