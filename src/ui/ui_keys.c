/*
 * ui/ui_keys — keys to actions, through one static binding table (after
 * dialog's formbox.c): the loop and the widgets switch on actions, never on
 * raw keys, so a numeric-keypad binding or an F-key is one table row.
 *
 * Invariants:
 *  1. Every function key, keypad key and control character the kiosk or the
 *     officer console reacts to is a row of `bindings`; nothing else in
 *     src/ui compares key codes (KEY_RESIZE excepted, in the loop).
 *  2. A printable character (not a C0/C1 control, not DEL) is ACT_CHAR with
 *     ev.ch set; other unbound keys are ACT_NONE and are ignored.
 */
#include "ui/ui_int.h"

#include <stddef.h>

struct binding {
	bool      fkey;       /* true: a KEY_* code from keypad(); false: a char */
	wint_t    code;
	ui_action a;
};

#define CTRL(c) ((c) & 0x1f)

static const struct binding bindings[] = {
	/* movement: arrows, and the numeric keypad without NumLock */
	{ true,  KEY_UP,        ACT_UP },
	{ true,  KEY_DOWN,      ACT_DOWN },
	{ true,  KEY_LEFT,      ACT_LEFT },
	{ true,  KEY_RIGHT,     ACT_RIGHT },
	{ true,  KEY_HOME,      ACT_HOME },
	{ true,  KEY_A1,        ACT_HOME },
	{ true,  KEY_END,       ACT_END },
	{ true,  KEY_C1,        ACT_END },
	{ true,  KEY_PPAGE,     ACT_PGUP },
	{ true,  KEY_A3,        ACT_PGUP },
	{ true,  KEY_NPAGE,     ACT_PGDN },
	{ true,  KEY_C3,        ACT_PGDN },
	/* Enter: main keyboard (CR in nonl mode, LF) and the keypad's */
	{ false, '\r',          ACT_ENTER },
	{ false, '\n',          ACT_ENTER },
	{ true,  KEY_ENTER,     ACT_ENTER },
	/* back and editing */
	{ false, 0x1b,          ACT_BACK },
	{ true,  KEY_BACKSPACE, ACT_BACKSPACE },
	{ false, 0x7f,          ACT_BACKSPACE },
	{ false, CTRL('H'),     ACT_BACKSPACE },
	{ true,  KEY_DC,        ACT_DELETE },
	{ false, '\t',          ACT_NEXT },
	{ true,  KEY_BTAB,      ACT_PREV },
	/* function keys */
	{ true,  KEY_F(1),      ACT_HELP },
	{ true,  KEY_F(2),      ACT_LANG },
	{ true,  KEY_F(3),      ACT_BIDI },
	{ true,  KEY_F(5),      ACT_SAVE },
	{ false, CTRL('S'),     ACT_SAVE },
	{ true,  KEY_F(9),      ACT_OFFICER },
	{ true,  KEY_F(10),     ACT_QUIT },
	{ false, CTRL('L'),     ACT_REDRAW },
};

/* Contract (ui_int.h): rc is get_wch's return (OK or KEY_CODE_YES). */
struct ui_event
ui_key_event(int rc, wint_t ch)
{
	struct ui_event ev = { ACT_NONE, 0 };
	bool fkey = rc == KEY_CODE_YES;
	size_t i;

	if (rc != OK && rc != KEY_CODE_YES)
		return ev;
	for (i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
		if (bindings[i].fkey == fkey && bindings[i].code == ch) {
			ev.a = bindings[i].a;
			return ev;
		}
	}
	if (fkey)
		return ev;
	if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
		return ev;
	if (ch > 0x10ffff || (ch >= 0xd800 && ch <= 0xdfff))
		return ev;
	ev.a = ACT_CHAR;
	ev.ch = (wchar_t)ch;
	return ev;
}

/* Contract (ui_int.h): 0..9 for '0'..'9', U+0660..0669, U+06F0..06F9. */
int
ui_digit_value(wchar_t ch)
{
	if (ch >= L'0' && ch <= L'9')
		return (int)(ch - L'0');
	if (ch >= 0x0660 && ch <= 0x0669)
		return (int)(ch - 0x0660);
	if (ch >= 0x06f0 && ch <= 0x06f9)
		return (int)(ch - 0x06f0);
	return -1;
}
