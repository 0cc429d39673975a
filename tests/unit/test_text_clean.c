/*
 * Unit tests for text coming in: text_clean (NFC, presentation forms
 * folded, controls removed), text_digits, text_search_key, text_sanitize,
 * text_valid_utf8 and text_char_count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <unistr.h>

#include "test_text_helpers.h"

static int setup(void **state)
{
	(void)state;
	text_set_mode(BIDI_APP);
	return 0;
}

static void check_clean(const char *in, bool keep, const char *want)
{
	char *r = text_clean(in, strlen(in), keep);
	assert_non_null(r);
	assert_string_equal(r, want);
	free(r);
}

static void test_clean_nfc(void **state)
{
	(void)state;
	check_clean("e\u0301t\u00E9", false, "\u00E9t\u00E9");
	/* Alef + hamza above composes to U+0623. */
	check_clean("\u0627\u0654\u062D\u0645\u062F", false, "\u0623\u062D\u0645\u062F");
	/* Shadda then fatha: NFC puts fatha (ccc 30) before shadda (ccc 33). */
	check_clean("\u0645\u0651\u064E", false, "\u0645\u064E\u0651");
}

static void test_clean_presentation_forms(void **state)
{
	(void)state;
	check_clean("\uFE91\uFEF4\uFE96", false, "\u0628\u064A\u062A");
	check_clean("\uFEFB", false, "\u0644\u0627");                 /* lam-alef ligature */
	check_clean("\uFDF2", false, "\u0627\u0644\u0644\u0647");     /* Forms-A: Allah */
	check_clean("\uFEFFabc", false, "abc");                       /* BOM dropped */
}

/* Shape with the layout pipeline, then clean: the original letters come back. */
static void test_shape_then_clean_round_trip(void **state)
{
	const char *words[] = {
		"\u0628\u064A\u062A",
		"\u0644\u0627 \u0633\u0644\u0627\u0645",
		"\u0627\u0644\u062C\u0645\u0639\u064A\u0629",
		"\u0645\u064F\u062D\u064E\u0645\u064E\u0651\u062F",
	};
	(void)state;
	for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
		struct text_line l;
		uint32_t u[64];
		size_t n = 0, len = 0;
		uint8_t *shaped;
		char *back;

		text_layout(words[w], TEXT_RTL, &l);
		/* Visual RTL → logical: read the cells right to left. */
		for (int i = l.ncells - 1; i >= 0; i--)
			for (int m = 0; m < TEXT_CELL_CHARS && l.cells[i].ch[m]; m++)
				u[n++] = l.cells[i].ch[m];
		assert_true(u[0] >= 0xFE70 && u[0] <= 0xFEFF);   /* really shaped */
		shaped = u32_to_u8(u, n, NULL, &len);
		back = text_clean((const char *)shaped, len, false);
		assert_non_null(back);
		assert_string_equal(back, words[w]);
		free(back);
		free(shaped);
		text_line_free(&l);
	}
}

static void test_clean_controls(void **state)
{
	(void)state;
	check_clean("a\x01" "b\x1b[2Jc\u202E" "d\u2066e\u200F" "f\u061C\x7f\xc2\x9b" "g",
	            false, "ab[2Jcdefg");
	check_clean("  one\ttwo\r\nthree\n  ", false, "one two three");
	check_clean("  one\ttwo\r\nthree\n  ", true, "one two\nthree");
	check_clean("", false, "");
	check_clean(" \t\n", false, "");
}

static void test_clean_invalid_utf8(void **state)
{
	(void)state;
	assert_null(text_clean("a\xff", 2, false));
	assert_null(text_clean("\xe2\x82", 2, false));
	assert_null(text_clean("\xed\xa0\x80", 3, false));   /* surrogate */
	assert_false(text_valid_utf8("\xc0\xaf", 2));
	assert_true(text_valid_utf8("\u0628\u064A\u062A", 6));
	assert_true(text_valid_utf8(NULL, 0));
}

static void check_digits(const char *in, bool plus, int want_n, const char *want)
{
	char out[32];
	int n = text_digits(in, out, sizeof out, plus);
	assert_int_equal(n, want_n);
	if (want)
		assert_string_equal(out, want);
}

static void test_digits(void **state)
{
	char small[4];
	(void)state;
	check_digits("\u0660\u0665\u0665\u0661\u0662\u0663\u0664\u0665\u0666\u0667", false,
	             10, "0551234567");
	check_digits("\u06F0\u06F5\u06F5\u06F1", false, 4, "0551");
	check_digits("055 123-4567", false, 10, "0551234567");
	check_digits("\u0660\u0640\u0665", false, 2, "05");       /* tatweel dropped */
	check_digits("+966 55", true, 6, "+96655");
	check_digits("+966 55", false, -1, NULL);
	check_digits("9+66", true, -1, NULL);                     /* '+' only leading */
	check_digits("12a", false, -1, NULL);
	check_digits("\u0661x", false, -1, NULL);
	check_digits("\xff" "1", false, -1, NULL);
	check_digits("", false, 0, "");
	assert_int_equal(text_digits("12345", small, sizeof small, false), -1);
	assert_int_equal(text_digits("123", small, sizeof small, false), 3);
	assert_string_equal(small, "123");
}

static void check_key(const char *in, const char *want)
{
	char *k = text_search_key(in);
	assert_non_null(k);
	assert_string_equal(k, want);
	free(k);
}

static void test_search_key(void **state)
{
	char *hay, *needle;
	(void)state;
	check_key("\u0645\u064F\u062D\u064E\u0645\u064E\u0651\u062F", "\u0645\u062D\u0645\u062F");
	check_key("\u0645\u0640\u062D\u0640\u0645\u062F", "\u0645\u062D\u0645\u062F");  /* tatweel */
	check_key("\u0623\u062D\u0645\u062F", "\u0627\u062D\u0645\u062F");
	check_key("\u0625\u0628\u0631\u0627\u0647\u064A\u0645", "\u0627\u0628\u0631\u0627\u0647\u064A\u0645");
	check_key("\u0622\u0645\u0646\u0629", "\u0627\u0645\u0646\u0647");            /* آ, ة */
	check_key("\u0645\u0635\u0637\u0641\u0649", "\u0645\u0635\u0637\u0641\u064A"); /* ى */
	check_key("\u0645\u0624\u0645\u0646 \u0645\u0626\u0629", "\u0645\u0648\u0645\u0646 \u0645\u064A\u0647");
	check_key("\uFEE3\uFEA4\uFEE4\uFEAA", "\u0645\u062D\u0645\u062F");            /* pres. forms */
	check_key("Ahmed STRASSE", "ahmed strasse");
	check_key("\u0661\u0662\u06F3", "123");
	assert_null(text_search_key("a\xff"));
	assert_null(text_search_key(NULL));
	hay = text_search_key("\u0627\u0644\u0633\u064A\u062F \u0645\u064F\u062D\u064E\u0645\u064E\u0651\u062F \u0639\u0644\u064A");
	needle = text_search_key("\u0645\u062D\u0645\u062F");
	assert_non_null(strstr(hay, needle));
	free(hay);
	free(needle);
}

static void test_sanitize(void **state)
{
	const char *evil = "A\x1b[2JB\x1b]0;title\x07" "C\xc2\x9b" "D\x9b" "E\u202E" "F\n\t";
	char *s;
	(void)state;
	s = text_sanitize(evil, strlen(evil));
	assert_string_equal(s, "A\uFFFD[2JB\uFFFD]0;title\uFFFD" "C\uFFFD" "D\uFFFD" "E\uFFFD" "F\uFFFD ");
	for (const char *p = s; *p; p++) {
		assert_true((unsigned char)*p >= 0x20);
		assert_true((unsigned char)*p != 0x7f);
	}
	assert_null(strstr(s, "\xe2\x80\xae"));
	assert_null(strstr(s, "\xc2\x9b"));
	free(s);
	/* Arabic passes unchanged; length-limited input is respected. */
	s = text_sanitize("\u0628\u064A\u062Axyz", 6);
	assert_string_equal(s, "\u0628\u064A\u062A");
	free(s);
	s = text_sanitize(NULL, 0);
	assert_string_equal(s, "");
	free(s);
}

static void test_char_count(void **state)
{
	(void)state;
	assert_int_equal(text_char_count("\u0645\u064F\u062D"), 3);
	assert_int_equal(text_char_count("abc"), 3);
	assert_int_equal(text_char_count(""), 0);
	assert_int_equal(text_char_count(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clean_nfc, setup),
		cmocka_unit_test_setup(test_clean_presentation_forms, setup),
		cmocka_unit_test_setup(test_shape_then_clean_round_trip, setup),
		cmocka_unit_test_setup(test_clean_controls, setup),
		cmocka_unit_test_setup(test_clean_invalid_utf8, setup),
		cmocka_unit_test_setup(test_digits, setup),
		cmocka_unit_test_setup(test_search_key, setup),
		cmocka_unit_test_setup(test_sanitize, setup),
		cmocka_unit_test_setup(test_char_count, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
