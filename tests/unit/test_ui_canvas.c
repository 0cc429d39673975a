/*
 * Unit tests for src/ui/ui_canvas (a curses screen on /dev/null, as
 * fuzz_keys does): the first flush writes every row; an identical frame
 * writes none; a changed cell writes its row alone, and stdscr then holds
 * exactly the frame; a wide character (an op) lands as mvadd_wch puts it
 * and a plain write over it drops it; a line-drawing character drawn
 * "under attron" keeps the attribute; a resize and ui_cv_invalidate make
 * every row go again; a scrolled view moves and clips rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <locale.h>

#include "ui/ui_int.h"

static SCREEN *scr;
static FILE *out, *in;

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (!out || !in || !(scr = newterm("xterm-256color", out, in)))
		return -1;
	resizeterm(24, 80);
	erase();
	ui_cv_invalidate();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return 0;
}

static cchar_t cell(wchar_t c, attr_t a)
{
	wchar_t w[2] = { c, 0 };
	cchar_t cc;

	setcchar(&cc, w, a, 0, NULL);
	return cc;
}

/* Write s as plain cells at (y, x). */
static void text_at(int y, int x, const char *s)
{
	cchar_t row[80];
	int n = 0;

	for (; *s && n < 80; s++)
		row[n++] = cell((wchar_t)*s, 0);
	ui_cv_cells(y, x, row, n);
}

static int touched_rows(void)
{
	int n = 0, rows, cols;

	getmaxyx(stdscr, rows, cols);
	(void)cols;
	for (int y = 0; y < rows; y++)
		n += is_linetouched(stdscr, y) ? 1 : 0;
	return n;
}

static wchar_t char_at(int y, int x)
{
	cchar_t cc;
	wchar_t w[CCHARW_MAX + 1];
	attr_t a;
	short p;

	mvin_wch(y, x, &cc);
	getcchar(&cc, w, &a, &p, NULL);
	return w[0];
}

static attr_t attr_at(int y, int x)
{
	cchar_t cc;
	wchar_t w[CCHARW_MAX + 1];
	attr_t a;
	short p;

	mvin_wch(y, x, &cc);
	getcchar(&cc, w, &a, &p, NULL);
	return a;
}

/* One frame: a title and a field line. */
static void frame(const char *field)
{
	ui_cv_erase();
	text_at(0, 1, "Member services");
	text_at(5, 10, field);
}

static void test_rows_written_only_when_changed(void **state)
{
	(void)state;
	frame("Ahmed");
	ui_cv_flush();
	assert_int_equal(touched_rows(), 24);       /* unknown at first */
	assert_int_equal(char_at(0, 1), L'M');
	assert_int_equal(char_at(5, 14), L'd');
	untouchwin(stdscr);

	frame("Ahmed");
	ui_cv_flush();
	assert_int_equal(touched_rows(), 0);

	frame("Ahmed K");
	ui_cv_flush();
	assert_int_equal(touched_rows(), 1);
	assert_true(is_linetouched(stdscr, 5));
	assert_int_equal(char_at(5, 16), L'K');
	assert_int_equal(char_at(5, 15), L' ');
	untouchwin(stdscr);

	/* shorter again: the K goes */
	frame("Ahmed");
	ui_cv_flush();
	assert_int_equal(touched_rows(), 1);
	assert_int_equal(char_at(5, 16), L' ');
	untouchwin(stdscr);
}

static void test_ops(void **state)
{
	cchar_t wide = cell(0x4E2D, 0), x = cell(L'x', 0);
	(void)state;
	frame("");
	ui_cv_wch(7, 3, &wide, 0);                  /* 2 columns: an op */
	ui_cv_wch(8, 2, WACS_HLINE, (int)A_BOLD);   /* under attron: an op */
	ui_cv_flush();
	assert_int_equal(char_at(7, 3), 0x4E2D);
	assert_true(attr_at(8, 2) & A_BOLD);
	untouchwin(stdscr);

	/* the same ops again: nothing to write */
	frame("");
	ui_cv_wch(7, 3, &wide, 0);
	ui_cv_wch(8, 2, WACS_HLINE, (int)A_BOLD);
	ui_cv_flush();
	assert_int_equal(touched_rows(), 0);

	/* a plain cell painted over the op's second column drops the op */
	frame("");
	ui_cv_wch(7, 3, &wide, 0);
	ui_cv_cells(7, 4, &x, 1);
	ui_cv_wch(8, 2, WACS_HLINE, (int)A_BOLD);
	ui_cv_flush();
	assert_int_equal(touched_rows(), 1);
	assert_int_equal(char_at(7, 3), L' ');
	assert_int_equal(char_at(7, 4), L'x');
	untouchwin(stdscr);
}

static void test_clipping(void **state)
{
	(void)state;
	frame("");
	text_at(3, -2, "abcd");                     /* "cd" at 0 */
	text_at(4, 78, "wxyz");                     /* "wx" at 78 */
	text_at(30, 0, "nowhere");
	ui_cv_flush();
	assert_int_equal(char_at(3, 0), L'c');
	assert_int_equal(char_at(3, 1), L'd');
	assert_int_equal(char_at(4, 79), L'x');
	untouchwin(stdscr);
}

/* A scrolled view (ui_scroll_begin/end): a paint at row y shows at
 * y - top, only inside the view's rows; a wide character (an op) too; the
 * next frame starts unscrolled. */
static void test_scrolled_view(void **state)
{
	cchar_t wide = cell(L'\u4e2d', 0);           /* a width-2 op */
	(void)state;
	frame("");
	ui_scroll_begin((struct ui_rect){ 2, 0, 3, 80 }, 10);   /* rows 2..4 show 12..14 */
	text_at(11, 0, "above");                     /* → row 1: outside, dropped */
	text_at(12, 0, "first");                     /* → row 2 */
	text_at(14, 0, "third");                     /* → row 4 */
	ui_cv_wch(13, 5, &wide, 0);                  /* → row 3 */
	text_at(15, 0, "below");                     /* → row 5: outside, dropped */
	ui_scroll_end();
	text_at(6, 0, "after");                      /* unscrolled again */
	ui_cv_flush();
	assert_int_equal(char_at(2, 0), L'f');
	assert_int_equal(char_at(4, 0), L't');
	assert_int_equal(char_at(3, 5), L'\u4e2d');
	assert_int_equal(char_at(1, 0), L' ');
	assert_int_equal(char_at(5, 0), L' ');
	assert_int_equal(char_at(6, 0), L'a');
	ui_scroll_begin((struct ui_rect){ 2, 0, 3, 80 }, 10);
	frame("");                                   /* erase ends any scroll */
	text_at(7, 0, "plain");
	ui_cv_flush();
	assert_int_equal(char_at(7, 0), L'p');
	untouchwin(stdscr);
}

static void test_resize_and_invalidate(void **state)
{
	(void)state;
	frame("Ahmed");
	ui_cv_flush();
	untouchwin(stdscr);
	resizeterm(30, 100);
	frame("Ahmed");
	text_at(29, 90, "end");
	ui_cv_flush();
	assert_int_equal(touched_rows(), 30);       /* a new size: all rows */
	assert_int_equal(char_at(29, 92), L'd');
	untouchwin(stdscr);

	frame("Ahmed");
	text_at(29, 90, "end");
	ui_cv_flush();
	assert_int_equal(touched_rows(), 0);

	ui_cv_invalidate();
	frame("Ahmed");
	text_at(29, 90, "end");
	ui_cv_flush();
	assert_int_equal(touched_rows(), 30);
	untouchwin(stdscr);
	resizeterm(24, 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_written_only_when_changed),
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_clipping),
		cmocka_unit_test(test_scrolled_view),
		cmocka_unit_test(test_resize_and_invalidate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
