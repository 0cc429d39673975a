/*
 * Unit tests for text_layout and the bidi maps: Arabic joining forms,
 * lam-alef, harakat on their letter, mixed Arabic/Latin/digits, mirrored
 * brackets, wide characters, terminal mode, invalid input, hostile marks.
 * Expected code points are FriBidi 1.0.8's real output (Presentation
 * Forms-B) and the Unicode tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <locale.h>
#include <wchar.h>

#include "test_text_helpers.h"

static int setup(void **state)
{
	(void)state;
	text_set_mode(BIDI_APP);
	return 0;
}

/* بيت: initial, medial, final; visual order RTL = reversed. */
static void test_joining_initial_medial_final(void **state)
{
	(void)state;
	assert_string_equal(layout_cells("\u0628\u064A\u062A", TEXT_RTL),
	                    "FE96 FEF4 FE91");
}

static void test_joining_isolated(void **state)
{
	(void)state;
	assert_string_equal(layout_cells("\u0628", TEXT_RTL), "FE8F");
	/* دار: dal and reh never join to the left, so all three stand alone. */
	assert_string_equal(layout_cells("\u062F\u0627\u0631", TEXT_RTL),
	                    "FEAD FE8D FEA9");
	/* Two words: a space breaks the joining. */
	assert_string_equal(layout_cells("\u0628 \u062A", TEXT_RTL),
	                    "FE95 0020 FE8F");
}

/* Lam-alef stays two cells: lam initial/medial + alef final. */
static void test_lam_alef_two_cells(void **state)
{
	struct text_line l;
	(void)state;
	text_layout("\u0644\u0627", TEXT_RTL, &l);
	assert_int_equal(l.ncells, 2);
	assert_int_equal(l.width, 2);
	assert_string_equal(cells_of(&l), "FE8E FEDF");
	assert_string_equal(logical_of(&l), "1 0");
	text_line_free(&l);
	/* سلا: lam in the middle takes its medial form. */
	assert_string_equal(layout_cells("\u0633\u0644\u0627", TEXT_RTL),
	                    "FE8E FEE0 FEB3");
	/* No U+FEFF filler, no ligature code point anywhere. */
	text_layout("\u0644\u0627 \u0633\u0644\u0627\u0645", TEXT_RTL, &l);
	assert_false(line_has(&l, 0xFEFF));
	assert_false(line_has(&l, 0xFEFB));
	assert_false(line_has(&l, 0xFEFC));
	assert_string_equal(cells_of(&l), "FEE1 FE8E FEE0 FEB3 0020 FE8E FEDF");
	text_line_free(&l);
}

/* مُحَمَّد with shadda + fatha on one meem: 4 cells, marks on their letter. */
static void test_harakat_stay_on_letter(void **state)
{
	struct text_line l;
	(void)state;
	text_layout("\u0645\u064F\u062D\u064E\u0645\u0651\u064E\u062F", TEXT_RTL, &l);
	assert_int_equal(l.ncells, 4);
	assert_int_equal(l.width, 4);
	assert_string_equal(cells_of(&l), "FEAA FEE4+0651+064E FEA4+064E FEE3+064F");
	assert_string_equal(logical_of(&l), "7 4 2 0");
	text_line_free(&l);
}

/* An Arabic sentence with a phone number and a Latin word. */
static void test_mixed_digits_keep_ltr(void **state)
{
	struct text_line l;
	(void)state;
	/* رقم 0551234567 هنا */
	text_layout("\u0631\u0642\u0645 0551234567 \u0647\u0646\u0627", TEXT_RTL, &l);
	assert_string_equal(cells_of(&l),
		"FE8E FEE8 FEEB 0020 0030 0035 0035 0031 0032 0033 0034 0035 0036 0037 "
		"0020 FEE2 FED7 FEAD");
	assert_string_equal(logical_of(&l),
		"17 16 15 14 4 5 6 7 8 9 10 11 12 13 3 2 1 0");
	text_line_free(&l);
	/* Latin word inside Arabic keeps its order, Arabic around it reversed. */
	assert_string_equal(layout_cells("\u0645\u0646 KHIDMA \u0647\u0646\u0627", TEXT_RTL),
		"FE8E FEE8 FEEB 0020 004B 0048 0049 0044 004D 0041 0020 FEE6 FEE3");
	/* Arabic word in an LTR paragraph: the Arabic run is reversed, and
	 * (UBA rule W2) a number after Arabic letters joins that run as an
	 * Arabic number, still read left to right. */
	assert_string_equal(layout_cells("ID \u0628\u064A\u062A 42", TEXT_LTR),
		"0049 0044 0020 0034 0032 0020 FE96 FEF4 FE91");
	assert_string_equal(layout_cells("ID 42 \u0628\u064A\u062A", TEXT_LTR),
		"0049 0044 0020 0034 0032 0020 FE96 FEF4 FE91");
}

/* Brackets in RTL are mirrored so they still enclose their text. */
static void test_mirrored_brackets(void **state)
{
	(void)state;
	/* (أ) in RTL: the logical '(' is drawn at the right as ')'. */
	assert_string_equal(layout_cells("(\u0623)", TEXT_RTL), "0028 FE83 0029");
	assert_string_equal(layout_cells("\u0628 [\u062A]", TEXT_RTL),
	                    "005B FE95 005D 0020 FE8F");
	/* In LTR an English parenthesis is untouched. */
	assert_string_equal(layout_cells("(a)", TEXT_LTR), "0028 0061 0029");
	/* RTL paragraph: logical '(' ends up as U+0029 at the right edge. */
	{
		struct text_line l;
		text_layout("(\u0623)", TEXT_RTL, &l);
		assert_int_equal(l.cells[2].logical, 0);
		assert_int_equal(l.cells[2].ch[0], 0x0029);
		text_line_free(&l);
	}
}

static void test_wide_cjk(void **state)
{
	struct text_line l;
	(void)state;
	text_layout("\u65E5\u672Cx", TEXT_LTR, &l);
	assert_int_equal(l.ncells, 3);
	assert_int_equal(l.width, 5);
	assert_int_equal(l.cells[0].width, 2);
	assert_int_equal(l.cells[1].width, 2);
	assert_int_equal(l.cells[2].width, 1);
	text_line_free(&l);
	assert_int_equal(text_width("\u65E5\u672C"), 4);
	assert_int_equal(text_width("\u0645\u064F\u062D"), 2);   /* haraka: 0 */
	assert_int_equal(text_width("\u0640"), 1);               /* tatweel */
}

/* Cell widths agree with glibc's wcwidth (what the terminal uses) over the
 * Arabic blocks, presentation forms, combining marks and some CJK; bidi
 * controls are the deliberate exception (shown as a 1-column U+FFFD). */
static void test_widths_match_wcwidth(void **state)
{
	const uint32_t ranges[][2] = {
		{ 0x0600, 0x06FF }, { 0x0750, 0x077F }, { 0x08A0, 0x08FF },
		{ 0xFB50, 0xFDFF }, { 0xFE70, 0xFEFE }, { 0x0300, 0x036F },
		{ 0x4E00, 0x4E3F }, { 0x0020, 0x007E }, { 0x2000, 0x206F },
	};
	int checked = 0;
	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++) {
		for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++) {
			char s[8] = "x";
			int w = wcwidth((wchar_t)c);
			size_t o = 1;
			if (w < 0 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
			    c == 0x200E || c == 0x200F || c == 0x061C)
				continue;
			/* encode c as UTF-8 after an 'x' base (so a mark has its base) */
			if (c < 0x800) {
				s[o++] = (char)(0xC0 | (c >> 6));
			} else {
				s[o++] = (char)(0xE0 | (c >> 12));
				s[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
			}
			if (c < 0x80)
				s[o - 1] = (char)c;
			else
				s[o++] = (char)(0x80 | (c & 0x3F));
			s[o] = '\0';
			if (text_width(s) - 1 != w)
				fail_msg("U+%04X: wcwidth %d, text_width %d", (unsigned)c, w,
				         text_width(s) - 1);
			checked++;
		}
	}
	assert_true(checked > 1500);
}

/* The maps follow text_layout, marks right after their base. */
static void test_maps_with_marks(void **state)
{
	const uint32_t u[] = { 0x645, 0x64F, 0x62D, 0x64E, 0x645, 0x651, 0x64E, 0x62F };
	int l2v[8], v2l[8];
	const int ev2l[8] = { 7, 4, 5, 6, 2, 3, 0, 1 };
	const int el2v[8] = { 6, 7, 4, 5, 1, 2, 3, 0 };
	(void)state;
	assert_int_equal(text_bidi_maps(u, 8, TEXT_RTL, l2v, v2l), 0);
	assert_memory_equal(v2l, ev2l, sizeof ev2l);
	assert_memory_equal(l2v, el2v, sizeof el2v);
	/* LTR text: identity. */
	{
		const uint32_t a[] = { 'a', 0x301, 'b' };
		int p[3], q[3];
		assert_int_equal(text_bidi_maps(a, 3, TEXT_LTR, p, q), 0);
		assert_int_equal(p[0], 0); assert_int_equal(p[1], 1); assert_int_equal(p[2], 2);
	}
	/* Mixed: the number keeps LTR inside the RTL map. */
	{
		const uint32_t m[] = { 0x631, ' ', '1', '2', ' ', 0x642 };
		int p[6], q[6];
		const int eq[6] = { 5, 4, 2, 3, 1, 0 };
		assert_int_equal(text_bidi_maps(m, 6, TEXT_RTL, p, q), 0);
		assert_memory_equal(q, eq, sizeof eq);
		for (int i = 0; i < 6; i++)
			assert_int_equal(q[p[i]], i);
	}
	/* Lam-alef: two cells, so the map stays 1:1 (lam 0 → visual 1). */
	{
		const uint32_t la[] = { 0x0644, 0x0627, ' ', 'A' };
		int p[4], q[4];
		const int eq[4] = { 3, 2, 1, 0 };
		assert_int_equal(text_bidi_maps(la, 4, TEXT_RTL, p, q), 0);
		assert_memory_equal(q, eq, sizeof eq);
		assert_int_equal(p[0], 3);
		assert_int_equal(p[1], 2);
	}
	assert_int_equal(text_bidi_maps(u, -1, TEXT_RTL, l2v, v2l), -1);
}

/* BIDI_TERMINAL: the app-mode picture (visual order, mirrored) with plain
 * letters: the terminal shapes; the ui writes each row for it
 * (text_row_written). */
static void test_terminal_mode_logical(void **state)
{
	(void)state;
	text_set_mode(BIDI_TERMINAL);
	assert_int_equal(text_mode(), BIDI_TERMINAL);
	assert_string_equal(layout_cells("\u0628\u064A\u062A", TEXT_RTL), "062A 064A 0628");
	assert_string_equal(layout_cells("(\u0623) 12", TEXT_RTL), "0031 0032 0020 0028 0623 0029");
	assert_string_equal(layout_cells("\u0645\u064F\u062D", TEXT_RTL), "062D 0645+064F");
	text_set_mode(BIDI_APP);
	assert_string_equal(layout_cells("\u0628\u064A\u062A", TEXT_RTL), "FE96 FEF4 FE91");
}

/* text_row_written: a row with box characters is written for mlterm,
 * which cuts it at them into left-to-right pieces that keep their place
 * (term_row.c): the box button keeps its key on the left and only the
 * Arabic word is put in logical order, and a form field's row keeps its
 * frame where it is and its label on the right (a terminal taking the row
 * as one right-to-left paragraph would want the whole row reversed, and
 * mlterm then showed the label on the left); an Arabic row with Latin at
 * its right end and Arabic at its left has no exact order (false) and
 * gets the RTL one. */
static void test_row_written(void **state)
{
	/* seen: │ Enter قفاوم │  (the button "موافق Enter" of an RTL box) */
	const uint32_t vis[] = { 0x2502, ' ', 'E', 'n', 't', 'e', 'r', ' ', 0x0642,
	                         0x0641, 0x0627, 0x0648, 0x0645, ' ', 0x2502 };
	const uint32_t want[] = { 0x2502, ' ', 'E', 'n', 't', 'e', 'r', ' ', 0x0645,
	                          0x0648, 0x0627, 0x0641, 0x0642, ' ', 0x2502 };
	/* seen:  ▕  ▏ مسا  (a field, its label "اسم" on the right) */
	const uint32_t field[] = { ' ', 0x2595, ' ', ' ', 0x258F, ' ', 0x0645,
	                           0x0633, 0x0627, ' ' };
	const uint32_t field_w[] = { ' ', 0x2595, ' ', ' ', 0x258F, ' ', 0x0627,
	                             0x0633, 0x0645, ' ' };
	/* seen: ين Mo  (an Arabic word at the left, Latin at the right) */
	const uint32_t bad[] = { 0x064A, 0x0646, ' ', 'M', 'o' };
	uint32_t out[16];
	int order[16];
	(void)state;
	assert_true(text_row_written(vis, 15, TEXT_RTL, out, order));
	assert_memory_equal(out, want, sizeof want);
	for (int j = 0; j < 15; j++)
		assert_int_equal(vis[order[j]], out[j]);
	assert_true(text_row_written(field, 10, TEXT_RTL, out, order));
	assert_memory_equal(out, field_w, sizeof field_w);
	assert_false(text_row_written(bad, 5, TEXT_RTL, out, order));
	assert_int_equal(out[0], 'M');        /* RTL: the right end first */
	assert_true(text_row_written(bad, 0, TEXT_RTL, out, order));
}

static void test_parse_mode_and_guess(void **state)
{
	bidi_mode m = BIDI_APP;
	(void)state;
	assert_true(text_parse_mode("terminal", &m));
	assert_int_equal(m, BIDI_TERMINAL);
	assert_true(text_parse_mode("app", &m));
	assert_int_equal(m, BIDI_APP);
	assert_false(text_parse_mode("App ", &m));
	assert_false(text_parse_mode(NULL, &m));
	assert_int_equal(text_guess_dir("123 \u0628\u064A\u062A abc"), TEXT_RTL);
	assert_int_equal(text_guess_dir("123 abc \u0628"), TEXT_LTR);
	assert_int_equal(text_guess_dir(""), TEXT_LTR);
}

/* Invalid UTF-8 shows as U+FFFD, one per bad byte. */
static void test_invalid_utf8_replacement(void **state)
{
	(void)state;
	assert_string_equal(layout_cells("a\xff" "b", TEXT_LTR), "0061 FFFD 0062");
	/* A truncated sequence is one maximal subpart: one U+FFFD. */
	assert_string_equal(layout_cells("\xe2\x82", TEXT_LTR), "FFFD");
	assert_string_equal(layout_cells("x\xc0\xaf", TEXT_LTR), "0078 FFFD FFFD");
}

/* Hostile bytes never reach a cell. */
static void test_layout_sanitises(void **state)
{
	struct text_line l;
	const char *evil = "A\x1b[2JB\x1b]0;pwned\x07" "C\xc2\x9b" "31m\xe2\x80\xae" "D\x9b" "E\x7f";
	(void)state;
	text_layout(evil, TEXT_LTR, &l);
	for (uint32_t c = 1; c < 0x20; c++)   /* 0 = unused slot */
		assert_false(line_has(&l, c));
	for (uint32_t c = 0x7F; c <= 0x9F; c++)
		assert_false(line_has(&l, c));
	assert_false(line_has(&l, 0x202E));
	assert_string_equal(cells_of(&l),
		"0041 FFFD 005B 0032 004A 0042 FFFD 005D 0030 003B 0070 0077 006E 0065 0064 FFFD "
		"0043 FFFD 0033 0031 006D FFFD 0044 FFFD 0045 FFFD");
	text_line_free(&l);
	/* Every bidi control, also in RTL. */
	text_layout("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C",
	            TEXT_RTL, &l);
	assert_int_equal(l.ncells, 12);
	for (int i = 0; i < l.ncells; i++)
		assert_int_equal(l.cells[i].ch[0], 0xFFFD);
	text_line_free(&l);
}

/* A mark with no base gets U+25CC; marks beyond 4 are dropped. */
static void test_marks_edge_cases(void **state)
{
	struct text_line l;
	char *s;
	size_t o = 0;
	(void)state;
	assert_string_equal(layout_cells("\u064Ea", TEXT_LTR), "25CC+064E 0061");
	assert_string_equal(layout_cells("\u064E\u0628", TEXT_RTL), "FE8F 25CC+064E");
	/* Several marks with no base share one U+25CC cell. */
	assert_string_equal(layout_cells("\u064E\u0651a", TEXT_LTR), "25CC+064E+0651 0061");
	/* Six marks on one letter: base + first four. */
	assert_string_equal(layout_cells("\u0628\u064B\u064C\u064D\u064E\u064F\u0650", TEXT_RTL),
	                    "FE8F+064B+064C+064D+064E");
	/* 1000 marks on one letter: one cell, no crash. */
	s = malloc(2 + 1000 * 2 + 1);
	s[o++] = 'a';
	for (int i = 0; i < 1000; i++) {
		s[o++] = (char)0xCC;
		s[o++] = (char)0x81;    /* U+0301 */
	}
	s[o] = '\0';
	text_layout(s, TEXT_RTL, &l);
	assert_int_equal(l.ncells, 1);
	assert_string_equal(cells_of(&l), "0061+0301+0301+0301+0301");
	assert_int_equal(l.width, 1);
	text_line_free(&l);
	free(s);
	/* ZWNJ is invisible but keeps the letters apart in shaping. */
	assert_string_equal(layout_cells("\u0628\u200C\u062A", TEXT_RTL), "FE95 FE8F");
}

static void test_empty_and_null(void **state)
{
	struct text_line l;
	(void)state;
	text_layout("", TEXT_RTL, &l);
	assert_int_equal(l.ncells, 0);
	assert_int_equal(l.width, 0);
	text_line_free(&l);
	text_layout(NULL, TEXT_LTR, &l);
	assert_int_equal(l.ncells, 0);
	text_line_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_joining_initial_medial_final, setup),
		cmocka_unit_test_setup(test_joining_isolated, setup),
		cmocka_unit_test_setup(test_lam_alef_two_cells, setup),
		cmocka_unit_test_setup(test_harakat_stay_on_letter, setup),
		cmocka_unit_test_setup(test_mixed_digits_keep_ltr, setup),
		cmocka_unit_test_setup(test_mirrored_brackets, setup),
		cmocka_unit_test_setup(test_wide_cjk, setup),
		cmocka_unit_test_setup(test_widths_match_wcwidth, setup),
		cmocka_unit_test_setup(test_maps_with_marks, setup),
		cmocka_unit_test_setup(test_terminal_mode_logical, setup),
		cmocka_unit_test_setup(test_row_written, setup),
		cmocka_unit_test_setup(test_parse_mode_and_guess, setup),
		cmocka_unit_test_setup(test_invalid_utf8_replacement, setup),
		cmocka_unit_test_setup(test_layout_sanitises, setup),
		cmocka_unit_test_setup(test_marks_edge_cases, setup),
		cmocka_unit_test_setup(test_empty_and_null, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
