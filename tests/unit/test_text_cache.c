/*
 * Unit tests for the layout cache (src/text/cache.c): a repeated layout is
 * a hit and gives the same cells; a change of the text, the width, the
 * direction or the mode (F3) is a miss and gives that input's own result
 * (the one an empty cache computes); a resize is a width change; the cache
 * stays within its bounds; text_cache_clear empties it; long texts are laid
 * out right but not kept.
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
	text_cache_clear();
	return 0;
}

static struct text_cache_stats stats(void)
{
	struct text_cache_stats st;

	text_cache_stats(&st);
	return st;
}

/* The cells of text_fit(s, d, w) as text, into out. */
static void fit_cells(const char *s, text_dir d, int w, char *out, size_t n)
{
	struct text_line l;
	char cells[8192];

	text_fit(s, d, w, &l);
	/* cells_of/logical_of share one buffer: copy the first; a result that
	 * does not fit fails the test instead of being cut */
	assert_true(snprintf(cells, sizeof cells, "%s", cells_of(&l)) < (int)sizeof cells);
	assert_true(snprintf(out, n, "%s|%s|%d", cells, logical_of(&l), l.width) < (int)n);
	text_line_free(&l);
}

/* The same, computed by an empty cache (a miss for certain). */
static void fresh_cells(const char *s, text_dir d, int w, char *out, size_t n)
{
	text_cache_clear();
	fit_cells(s, d, w, out, n);
}

static void test_repeat_is_a_hit(void **state)
{
	char a[512], b[512];
	struct text_cache_stats s0, s1;
	(void)state;
	fit_cells("Full name", TEXT_LTR, 20, a, sizeof a);
	s0 = stats();
	fit_cells("Full name", TEXT_LTR, 20, b, sizeof b);
	s1 = stats();
	assert_string_equal(a, b);
	assert_int_equal(s1.hits, s0.hits + 1);
	assert_int_equal(s1.misses, s0.misses);
	assert_int_equal(s1.entries, 1);
}

static void test_text_change_misses(void **state)
{
	char a[512], b[512], want[512];
	struct text_cache_stats s0, s1;
	(void)state;
	fit_cells("\u0645\u062D\u0645\u062F", TEXT_RTL, 20, a, sizeof a);      /* محمد */
	s0 = stats();
	fit_cells("\u0645\u062D\u0645\u062F ", TEXT_RTL, 20, b, sizeof b);     /* one more char */
	s1 = stats();
	assert_int_equal(s1.misses, s0.misses + 1);
	assert_string_not_equal(a, b);
	fresh_cells("\u0645\u062D\u0645\u062F ", TEXT_RTL, 20, want, sizeof want);
	assert_string_equal(b, want);
	/* same bytes up to the shorter length: no prefix confusion */
	fit_cells("ab", TEXT_LTR, 20, a, sizeof a);
	fit_cells("abc", TEXT_LTR, 20, b, sizeof b);
	assert_string_equal(a, "0061 0062|0 1|2");
	assert_string_equal(b, "0061 0062 0063|0 1 2|3");
}

static void test_width_change_misses(void **state)
{
	char wide[512], narrow[512], again[512];
	(void)state;
	fit_cells("Information and guides", TEXT_LTR, 40, wide, sizeof wide);
	fit_cells("Information and guides", TEXT_LTR, 6, narrow, sizeof narrow);
	/* cut to 5 columns and an ellipsis on the right */
	assert_string_equal(narrow, "0049 006E 0066 006F 0072 2026|0 1 2 3 4 5|6");
	fit_cells("Information and guides", TEXT_LTR, 40, again, sizeof again);
	assert_string_equal(wide, again);
	assert_int_equal(strlen(wide) > strlen(narrow), 1);
}

/* The same text, LTR and RTL: mixed Arabic and digits order differently. */
static void test_direction_change_misses(void **state)
{
	const char *s = "\u0631\u0642\u0645 12 abc";     /* رقم 12 abc */
	char ltr[512], rtl[512], want[512];
	(void)state;
	fit_cells(s, TEXT_LTR, 30, ltr, sizeof ltr);
	fit_cells(s, TEXT_RTL, 30, rtl, sizeof rtl);
	assert_string_not_equal(ltr, rtl);
	fresh_cells(s, TEXT_RTL, 30, want, sizeof want);
	assert_string_equal(rtl, want);
	fresh_cells(s, TEXT_LTR, 30, want, sizeof want);
	fit_cells(s, TEXT_RTL, 30, rtl, sizeof rtl);
	fit_cells(s, TEXT_LTR, 30, ltr, sizeof ltr);
	assert_string_equal(ltr, want);
}

/* F3: terminal mode shows plain letters in visual order; back again shaped. */
static void test_mode_change_misses(void **state)
{
	char app[512], term[512], back[512];
	(void)state;
	fit_cells("\u0628\u064A\u062A", TEXT_RTL, 10, app, sizeof app);   /* بيت */
	assert_string_equal(app, "FE96 FEF4 FE91|2 1 0|3");
	text_set_mode(BIDI_TERMINAL);
	fit_cells("\u0628\u064A\u062A", TEXT_RTL, 10, term, sizeof term);
	assert_string_equal(term, "062A 064A 0628|2 1 0|3");
	assert_int_equal(text_width("\u0628\u064A\u062A"), 3);
	text_set_mode(BIDI_APP);
	fit_cells("\u0628\u064A\u062A", TEXT_RTL, 10, back, sizeof back);
	assert_string_equal(back, app);
}

/* A resize: the same label at the old and the new width, wrapped. */
static void test_resize_rewraps(void **state)
{
	const char *p = "The answer comes no sooner than 14 days after the request.";
	struct text_line *a, *b;
	int na, nb, nc;
	(void)state;
	na = text_wrap(p, TEXT_LTR, 60, &a);
	nb = text_wrap(p, TEXT_LTR, 20, &b);
	assert_int_equal(na, 1);
	assert_true(nb >= 3);
	for (int i = 0; i < nb; i++)
		assert_true(b[i].width <= 20);
	text_lines_free(b, nb);
	nc = text_wrap(p, TEXT_LTR, 60, &b);
	assert_int_equal(nc, na);
	assert_int_equal(b[0].width, a[0].width);
	assert_memory_equal(b[0].cells, a[0].cells, (size_t)a[0].ncells * sizeof *a[0].cells);
	text_lines_free(a, na);
	text_lines_free(b, nc);
}

/* The copying calls hand out copies: freeing one leaves the cache intact,
 * and a borrowed result matches the copied one. */
static void test_copies_and_refs(void **state)
{
	struct text_line l;
	const struct text_line *r;
	(void)state;
	text_layout("abc", TEXT_LTR, &l);
	l.cells[0].ch[0] = 'X';
	text_line_free(&l);
	r = text_layout_ref("abc", TEXT_LTR);
	assert_int_equal(r->ncells, 3);
	assert_int_equal(r->cells[0].ch[0], 'a');
	r = text_fit_ref(NULL, TEXT_LTR, 5);
	assert_int_equal(r->ncells, 0);
}

/* Many distinct texts: bounded, and every answer still right. */
static void test_bounded(void **state)
{
	char s[64], got[512], want[512];
	struct text_cache_stats st;
	(void)state;
	for (int i = 0; i < 3000; i++) {
		snprintf(s, sizeof s, "label number %d with some words", i);
		fit_cells(s, i % 2 ? TEXT_RTL : TEXT_LTR, 20 + i % 7, got, sizeof got);
	}
	st = stats();
	assert_true(st.entries <= 256);
	assert_true(st.cells <= 4096);
	snprintf(s, sizeof s, "label number %d with some words", 1234);
	fit_cells(s, TEXT_LTR, 20 + 1234 % 7, got, sizeof got);
	fresh_cells(s, TEXT_LTR, 20 + 1234 % 7, want, sizeof want);
	assert_string_equal(got, want);
}

static void test_long_text_not_kept(void **state)
{
	char big[2000];
	struct text_cache_stats s0, s1;
	struct text_line l;
	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	s0 = stats();
	text_fit(big, TEXT_LTR, 3000, &l);
	assert_int_equal(l.width, 1999);
	text_line_free(&l);
	s1 = stats();
	assert_int_equal(s1.entries, s0.entries);
	assert_int_equal(text_width(big), 1999);
}

static void test_clear(void **state)
{
	(void)state;
	text_width("one");
	text_width("two");
	assert_int_equal(stats().entries, 2);
	text_cache_clear();
	assert_int_equal(stats().entries, 0);
	assert_int_equal(stats().cells, 0);
	assert_int_equal(text_width("one"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_repeat_is_a_hit, setup),
		cmocka_unit_test_setup(test_text_change_misses, setup),
		cmocka_unit_test_setup(test_width_change_misses, setup),
		cmocka_unit_test_setup(test_direction_change_misses, setup),
		cmocka_unit_test_setup(test_mode_change_misses, setup),
		cmocka_unit_test_setup(test_resize_rewraps, setup),
		cmocka_unit_test_setup(test_copies_and_refs, setup),
		cmocka_unit_test_setup(test_bounded, setup),
		cmocka_unit_test_setup(test_long_text_not_kept, setup),
		cmocka_unit_test_setup(test_clear, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
