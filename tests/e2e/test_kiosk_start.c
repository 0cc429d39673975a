/*
 * test_kiosk_start — the real khidma binary ($KHIDMA_BIN) starts in a
 * pseudo-terminal on the test's own database and shows its first screen,
 * the welcome with the language choice, as a terminal without bidi
 * (libvterm) displays it.
 *
 * In the default app bidi mode the kiosk sends Arabic shaped (Presentation
 * Forms-B) and in visual order, so "العربية" is expected as the cells the
 * project's own text_layout produces — and, as a cross-check independent of
 * that code, as the FriBidi shaping worked out by hand:
 *   logical  ا ل ع ر ب ي ة
 *   joining  ا isolated (FE8D: nothing joins it on the right), ل initial
 *            (FEDF), ع medial (FECC), ر final (FEAE: right-joining only),
 *            ب initial (FE91), ي medial (FEF4), ة final (FE94)
 *   visual   the run reversed: FE94 FEF4 FE91 FEAE FECC FEDF FE8D.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "e2e/harness.h"
#include "e2e/test_kiosk_util.h"
#include "text/text.h"

#define KT 5000                 /* ms for the first screen (db created) */

static const char hand_shaped[] =
	"\uFE94\uFEF4\uFE91\uFEAE\uFECC\uFEDF\uFE8D";

/* The cells text_layout gives for "العربية" as RTL, as UTF-8. */
static char *layout_utf8(const char *logical)
{
	struct text_line line;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(text_layout(logical, TEXT_RTL, &line), 0);
	for (int i = 0; i < line.ncells; i++)
		for (int k = 0; k < TEXT_CELL_CHARS && line.cells[i].ch[k]; k++) {
			uint32_t c = line.cells[i].ch[k];

			if (c < 0x800)
				fprintf(f, "%c%c", 0xC0 | c >> 6, 0x80 | (c & 0x3F));
			else
				fprintf(f, "%c%c%c", 0xE0 | c >> 12,
				        0x80 | ((c >> 6) & 0x3F), 0x80 | (c & 0x3F));
		}
	text_line_free(&line);
	fclose(f);
	return out;
}

/* The row holding `text`, or -1. */
static int row_of(ht *h, const char *text)
{
	for (int r = 0; r < ht_rows(h); r++)
		if (strstr(ht_screen_text(h, r), text))
			return r;
	return -1;
}

static void welcome_shows_both_languages(void **state)
{
	ht *h = ht_start_khidma(NULL, NULL, 24, 80);
	char *shaped = layout_utf8("العربية");
	struct stat sb;
	int ar, en;

	(void)state;
	assert_non_null(h);
	assert_string_equal(shaped, hand_shaped);
	HT_ASSERT_TEXT(h, "English", KT);
	HT_ASSERT_TEXT(h, shaped, KT);
	/* the logical, unshaped word must not reach this terminal */
	HT_ASSERT(h, !strstr(ht_screen(h), "العربية"));
	ar = row_of(h, shaped);
	en = row_of(h, "English");
	HT_ASSERT(h, ar >= 0 && en > ar);     /* Arabic first */
	/* the kiosk made its database in the test's directory, 0600 (after
	 * its first paint: kiosk.c, invariant 5) */
	kiosk_wait_open(h);
	assert_int_equal(stat(ht_db_path(h), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(shaped);
	ht_end(h);
}

static void welcome_cells_are_shaped_one_per_cell(void **state)
{
	ht *h = ht_start_khidma(NULL, NULL, 24, 80);
	const char *p, *row;
	VTermScreenCell c;
	int r, col;

	(void)state;
	assert_non_null(h);
	HT_ASSERT_TEXT(h, hand_shaped, KT);
	r = row_of(h, hand_shaped);
	row = ht_screen_text(h, r);
	p = strstr(row, hand_shaped);
	/* column of the first cell: every character before it is one cell */
	col = 0;
	for (const char *q = row; q < p; q++)
		col += (*q & 0xC0) != 0x80;
	HT_ASSERT_CELL(h, r, col, "\uFE94", 0);
	HT_ASSERT_CELL(h, r, col + 6, "\uFE8D", 0);
	for (int i = 0; i < 7; i++) {
		assert_true(ht_cell(h, r, col + i, &c));
		assert_int_equal(c.width, 1);
		assert_true(c.chars[0] >= 0xFE70 && c.chars[0] <= 0xFEFF);
		assert_int_equal(c.chars[1], 0);
	}
	ht_end(h);
}

static void welcome_at_a_larger_size(void **state)
{
	ht *h = ht_start_khidma(NULL, NULL, 30, 100);

	(void)state;
	assert_non_null(h);
	HT_ASSERT_TEXT(h, "English", KT);
	HT_ASSERT_TEXT(h, hand_shaped, KT);
	HT_ASSERT(h, row_of(h, "English") >= 0);
	ht_end(h);
}

static void hangup_ends_the_kiosk_cleanly(void **state)
{
	ht *h = ht_start_khidma(NULL, NULL, 24, 80);
	int st = 0;

	(void)state;
	assert_non_null(h);
	HT_ASSERT_TEXT(h, "English", KT);
	ht_hangup(h);
	assert_true(ht_wait_exit(h, KT, &st));
	/* an exit or death by SIGHUP, never a crash or a sanitiser abort */
	if (WIFSIGNALED(st))
		assert_int_equal(WTERMSIG(st), SIGHUP);
	else
		assert_true(WEXITSTATUS(st) < 64);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(welcome_shows_both_languages, ht_teardown),
		cmocka_unit_test_teardown(welcome_cells_are_shaped_one_per_cell,
		                          ht_teardown),
		cmocka_unit_test_teardown(welcome_at_a_larger_size, ht_teardown),
		cmocka_unit_test_teardown(hangup_ends_the_kiosk_cleanly, ht_teardown),
	};

	if (!ht_khidma_bin_set())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
