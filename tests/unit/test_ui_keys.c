/*
 * Unit tests for src/ui's pure helpers: the key binding table (keys →
 * actions, keypad and F-keys included), digit values, and the menu, choice
 * and table key logic (no terminal needed: their *_key functions only read
 * the widget's state and the current language).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/ui_int.h"

static void
test_keys_bindings(void **state)
{
	(void)state;
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_UP).a, ACT_UP);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_LEFT).a, ACT_LEFT);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_RIGHT).a, ACT_RIGHT);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_F(2)).a, ACT_LANG);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_F(3)).a, ACT_BIDI);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_F(10)).a, ACT_QUIT);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_DC).a, ACT_DELETE);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_BTAB).a, ACT_PREV);
	/* keypad: Enter, Backspace in its three spellings, Esc */
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_ENTER).a, ACT_ENTER);
	assert_int_equal(ui_key_event(OK, '\r').a, ACT_ENTER);
	assert_int_equal(ui_key_event(OK, '\n').a, ACT_ENTER);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_BACKSPACE).a, ACT_BACKSPACE);
	assert_int_equal(ui_key_event(OK, 0x7f).a, ACT_BACKSPACE);
	assert_int_equal(ui_key_event(OK, 0x08).a, ACT_BACKSPACE);
	assert_int_equal(ui_key_event(OK, 0x1b).a, ACT_BACK);
	assert_int_equal(ui_key_event(OK, '\t').a, ACT_NEXT);
	assert_int_equal(ui_key_event(OK, 0x0c).a, ACT_REDRAW);
	assert_int_equal(ui_key_event(OK, 0x13).a, ACT_SAVE);
	/* the keypad's corner keys are its digits (xterm: ESC O w… with
	 * NumLock on); NumLock off sends Home/PgDn themselves */
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_A1).a, ACT_CHAR);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_A1).ch, L'7');
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_C3).ch, L'3');
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_B2).ch, L'5');
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_HOME).a, ACT_HOME);
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_NPAGE).a, ACT_PGDN);
	/* application keypad mode: digits, and the operator keys as commands */
	for (int d = 0; d <= 9; d++) {
		struct ui_event e = ui_key_event(KEY_CODE_YES, (wint_t)(UK_KP_0 + d));
		assert_int_equal(e.a, ACT_CHAR);
		assert_int_equal(e.ch, L'0' + d);
	}
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_DIV).a, ACT_BACK);
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_DIV).ch, L'/');
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_MINUS).a, ACT_BACKSPACE);
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_MINUS).ch, L'-');
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_PLUS).a, ACT_PGDN);
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_MULT).a, ACT_OSK);
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_DOT).a, ACT_CHAR);
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_DOT).ch, L'.');
	/* the keypad's 5 with NumLock off is 5, like NumLock on (000184e) */
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_BEGIN).a, ACT_CHAR);
	assert_int_equal(ui_key_event(KEY_CODE_YES, UK_KP_BEGIN).ch, L'5');
	/* a keypad in numeric mode: plain characters, commands where no
	 * text is typed (ui_keypad_event) */
	assert_int_equal(ui_keypad_event(ui_key_event(OK, '/')).a, ACT_BACK);
	assert_int_equal(ui_keypad_event(ui_key_event(OK, '-')).a, ACT_BACKSPACE);
	assert_int_equal(ui_keypad_event(ui_key_event(OK, '+')).a, ACT_PGDN);
	assert_int_equal(ui_keypad_event(ui_key_event(OK, '*')).a, ACT_OSK);
	assert_int_equal(ui_keypad_event(ui_key_event(OK, 'a')).a, ACT_CHAR);
	assert_int_equal(ui_keypad_event(ui_key_event(OK, '5')).a, ACT_CHAR);
}

static void
test_keys_chars(void **state)
{
	struct ui_event ev;

	(void)state;
	ev = ui_key_event(OK, L'a');
	assert_int_equal(ev.a, ACT_CHAR);
	assert_int_equal(ev.ch, L'a');
	ev = ui_key_event(OK, 0x0645);             /* م */
	assert_int_equal(ev.a, ACT_CHAR);
	assert_int_equal(ev.ch, 0x0645);
	ev = ui_key_event(OK, 0x064E);             /* fatha, a mark: still a char */
	assert_int_equal(ev.a, ACT_CHAR);
	/* controls never become characters */
	assert_int_equal(ui_key_event(OK, 0x01).a, ACT_NONE);
	assert_int_equal(ui_key_event(OK, 0x9b).a, ACT_NONE);   /* C1 CSI */
	assert_int_equal(ui_key_event(OK, 0xd800).a, ACT_NONE);
	/* an unbound function key and ERR are nothing */
	assert_int_equal(ui_key_event(KEY_CODE_YES, KEY_F(7)).a, ACT_NONE);
	assert_int_equal(ui_key_event(ERR, 0).a, ACT_NONE);
}

static void
test_keys_digits(void **state)
{
	(void)state;
	assert_int_equal(ui_digit_value(L'0'), 0);
	assert_int_equal(ui_digit_value(L'9'), 9);
	assert_int_equal(ui_digit_value(0x0663), 3);   /* ٣ */
	assert_int_equal(ui_digit_value(0x06F5), 5);   /* ۵ */
	assert_int_equal(ui_digit_value(L'a'), -1);
	assert_int_equal(ui_digit_value(0x0660 - 1), -1);
}

static struct ui_event
key(ui_action a, wchar_t ch)
{
	struct ui_event ev = { a, ch };
	return ev;
}

static void
test_menu_keys(void **state)
{
	const char *items[] = { "a", "b", "c" };
	struct ui_menu m = { .items = items, .nitems = 3, .numbered = true };

	(void)state;
	assert_int_equal(ui_menu_key(&m, key(ACT_DOWN, 0)), -1);
	assert_int_equal(m.selected, 1);
	assert_int_equal(ui_menu_key(&m, key(ACT_ENTER, 0)), 1);
	assert_int_equal(ui_menu_key(&m, key(ACT_DOWN, 0)), -1);
	assert_int_equal(ui_menu_key(&m, key(ACT_DOWN, 0)), -1);   /* no wrap */
	assert_int_equal(m.selected, 2);
	assert_int_equal(ui_menu_key(&m, key(ACT_CHAR, L'1')), 0);
	assert_int_equal(ui_menu_key(&m, key(ACT_CHAR, 0x0663)), 2); /* ٣ */
	assert_int_equal(ui_menu_key(&m, key(ACT_BACK, 0)), -2);
	assert_int_equal(ui_menu_key(&m, key(ACT_BACKSPACE, 0)), -2);
}

static void
test_choice_keys_mirrored(void **state)
{
	const char *items[] = { "a", "b", "c" };
	struct ui_choice c = { "x", items, 3, -1, NULL };

	(void)state;
	ui_set_lang(LANG_AR);                  /* RTL: Left is the next item */
	assert_int_equal(ui_choice_key(&c, key(ACT_LEFT, 0)), UI_HANDLED);
	assert_int_equal(c.selected, 0);
	ui_choice_key(&c, key(ACT_LEFT, 0));
	assert_int_equal(c.selected, 1);
	ui_choice_key(&c, key(ACT_RIGHT, 0));
	assert_int_equal(c.selected, 0);
	ui_set_lang(LANG_EN);                  /* LTR: Right is the next item */
	ui_choice_key(&c, key(ACT_RIGHT, 0));
	assert_int_equal(c.selected, 1);
	ui_choice_key(&c, key(ACT_CHAR, L'3'));
	assert_int_equal(c.selected, 2);
	assert_int_equal(ui_choice_key(&c, key(ACT_UP, 0)), 0);   /* not consumed */
}

static const char *
cell(void *ctx, int row, int col)
{
	(void)ctx; (void)row; (void)col;
	return "x";
}

static void
test_table_keys_paging(void **state)
{
	struct ui_column cols[] = { { "T", 5, TEXT_LTR, false } };
	struct ui_table t = { cols, 1, 3, 0, 0, cell, NULL, 2 };

	(void)state;
	assert_int_equal(ui_table_key(&t, key(ACT_UP, 0)), -4);
	assert_int_equal(ui_table_key(&t, key(ACT_DOWN, 0)), -1);
	assert_int_equal(ui_table_key(&t, key(ACT_DOWN, 0)), -1);
	assert_int_equal(t.selected, 2);
	assert_int_equal(ui_table_key(&t, key(ACT_DOWN, 0)), -3);
	assert_int_equal(ui_table_key(&t, key(ACT_ENTER, 0)), 2);
	assert_int_equal(ui_table_key(&t, key(ACT_BACK, 0)), -2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_bindings),
		cmocka_unit_test(test_keys_chars),
		cmocka_unit_test(test_keys_digits),
		cmocka_unit_test(test_menu_keys),
		cmocka_unit_test(test_choice_keys_mirrored),
		cmocka_unit_test(test_table_keys_paging),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
