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
 *  3. The numeric keypad is usable alone, NumLock on or off, in numeric or
 *     application keypad mode (curses' keypad() sends smkx, so xterm, VTE
 *     and libvterm send ESC O p..y for the digits, ESC O M for Enter and
 *     ESC O k/m/j/o/n for + - * / .): `extra_keys` teaches curses the
 *     sequences terminfo does not name (define_key, once per ui_init), and
 *     the table maps them like the keys they are — digits to ACT_CHAR (the
 *     corner keys ka1/ka3/kb2/kc1/kc3, which xterm's terminfo gives as
 *     ESC O w/y/u/q/s, are keypad digits 7/9/5/1/3 with NumLock on, not
 *     Home/PgUp/End/PgDn: NumLock off sends those keys themselves; the 5
 *     with NumLock off, KP_Begin, ESC O E / ESC [ E, is still 5: it has
 *     nothing to move, and the on-screen keyboard types with it), the
 *     operator keys to the commands of ui.h (/ back, - erase, + page,
 *     * on-screen keyboard) with ev.ch the key.
 *  4. Sequences a terminal sends for Home/End/arrows other than terminfo's
 *     (tmux under TERM=xterm-256color: ESC [1~, ESC [4~; normal cursor
 *     mode: ESC [A, ESC [H…) are taught too. Sequences nobody taught are
 *     swallowed whole by the loop (ui_loop.c, invariant 6).
 */
#include "ui/ui_int.h"

#include <stddef.h>

struct binding {
	bool      fkey;       /* true: a KEY_* code from keypad(); false: a char */
	wint_t    code;
	ui_action a;
	wchar_t   ch;         /* ev.ch: the digit, or the keypad key of a command */
};

#define CTRL(c) ((c) & 0x1f)

/* Invariants 3 and 4: sequences curses learns with define_key. */
static const struct { const char *seq; int code; } extra_keys[] = {
	{ "\033Op", UK_KP_0 + 0 }, { "\033Oq", UK_KP_0 + 1 },
	{ "\033Or", UK_KP_0 + 2 }, { "\033Os", UK_KP_0 + 3 },
	{ "\033Ot", UK_KP_0 + 4 }, { "\033Ou", UK_KP_0 + 5 },
	{ "\033Ov", UK_KP_0 + 6 }, { "\033Ow", UK_KP_0 + 7 },
	{ "\033Ox", UK_KP_0 + 8 }, { "\033Oy", UK_KP_0 + 9 },
	{ "\033Ok", UK_KP_PLUS },  { "\033Om", UK_KP_MINUS },
	{ "\033Oj", UK_KP_MULT },  { "\033Oo", UK_KP_DIV },
	{ "\033On", UK_KP_DOT },   { "\033Ol", UK_KP_COMMA },
	{ "\033OX", UK_KP_EQUAL }, { "\033OM", KEY_ENTER },
	/* NumLock off, tmux, rxvt, normal cursor mode */
	{ "\033[1~", KEY_HOME },   { "\033[4~", KEY_END },
	{ "\033[7~", KEY_HOME },   { "\033[8~", KEY_END },
	{ "\033[H", KEY_HOME },    { "\033[F", KEY_END },
	{ "\033OH", KEY_HOME },    { "\033OF", KEY_END },
	{ "\033[A", KEY_UP },      { "\033[B", KEY_DOWN },
	{ "\033[C", KEY_RIGHT },   { "\033[D", KEY_LEFT },
	{ "\033OA", KEY_UP },      { "\033OB", KEY_DOWN },
	{ "\033OC", KEY_RIGHT },   { "\033OD", KEY_LEFT },
	{ "\033[2~", KEY_IC },     { "\033[3~", KEY_DC },
	{ "\033[5~", KEY_PPAGE },  { "\033[6~", KEY_NPAGE },
	{ "\033[E", UK_KP_BEGIN }, { "\033OE", UK_KP_BEGIN },
};

static const struct binding bindings[] = {
	/* movement: arrows, and the numeric keypad without NumLock */
	{ true,  KEY_UP,        ACT_UP, 0 },
	{ true,  KEY_DOWN,      ACT_DOWN, 0 },
	{ true,  KEY_LEFT,      ACT_LEFT, 0 },
	{ true,  KEY_RIGHT,     ACT_RIGHT, 0 },
	{ true,  KEY_HOME,      ACT_HOME, 0 },
	{ true,  KEY_END,       ACT_END, 0 },
	{ true,  KEY_PPAGE,     ACT_PGUP, 0 },
	{ true,  KEY_NPAGE,     ACT_PGDN, 0 },
	/* the keypad with NumLock on in application mode (invariant 3) */
	{ true,  UK_KP_0 + 0,   ACT_CHAR, L'0' },
	{ true,  UK_KP_0 + 1,   ACT_CHAR, L'1' },
	{ true,  UK_KP_0 + 2,   ACT_CHAR, L'2' },
	{ true,  UK_KP_0 + 3,   ACT_CHAR, L'3' },
	{ true,  UK_KP_0 + 4,   ACT_CHAR, L'4' },
	{ true,  UK_KP_0 + 5,   ACT_CHAR, L'5' },
	{ true,  UK_KP_0 + 6,   ACT_CHAR, L'6' },
	{ true,  UK_KP_0 + 7,   ACT_CHAR, L'7' },
	{ true,  UK_KP_0 + 8,   ACT_CHAR, L'8' },
	{ true,  UK_KP_0 + 9,   ACT_CHAR, L'9' },
	{ true,  KEY_A1,        ACT_CHAR, L'7' },
	{ true,  KEY_A3,        ACT_CHAR, L'9' },
	{ true,  KEY_B2,        ACT_CHAR, L'5' },
	{ true,  UK_KP_BEGIN,   ACT_CHAR, L'5' },  /* 5 with NumLock off */
	{ true,  KEY_C1,        ACT_CHAR, L'1' },
	{ true,  KEY_C3,        ACT_CHAR, L'3' },
	{ true,  UK_KP_DOT,     ACT_CHAR, L'.' },
	{ true,  UK_KP_COMMA,   ACT_CHAR, L',' },
	{ true,  UK_KP_EQUAL,   ACT_CHAR, L'=' },
	{ true,  UK_KP_DIV,     ACT_BACK, L'/' },
	{ true,  UK_KP_MINUS,   ACT_BACKSPACE, L'-' },
	{ true,  UK_KP_PLUS,    ACT_PGDN, L'+' },
	{ true,  UK_KP_MULT,    ACT_OSK, L'*' },
	/* Enter: main keyboard (CR in nonl mode, LF) and the keypad's */
	{ false, '\r',          ACT_ENTER, 0 },
	{ false, '\n',          ACT_ENTER, 0 },
	{ true,  KEY_ENTER,     ACT_ENTER, 0 },
	/* back and editing */
	{ false, 0x1b,          ACT_BACK, 0 },
	{ true,  KEY_BACKSPACE, ACT_BACKSPACE, 0 },
	{ false, 0x7f,          ACT_BACKSPACE, 0 },
	{ false, CTRL('H'),     ACT_BACKSPACE, 0 },
	{ true,  KEY_DC,        ACT_DELETE, 0 },
	{ false, '\t',          ACT_NEXT, 0 },
	{ true,  KEY_BTAB,      ACT_PREV, 0 },
	/* function keys */
	{ true,  KEY_F(1),      ACT_HELP, 0 },
	{ true,  KEY_F(2),      ACT_LANG, 0 },
	{ true,  KEY_F(3),      ACT_BIDI, 0 },
	{ true,  KEY_F(5),      ACT_SAVE, 0 },
	{ false, CTRL('S'),     ACT_SAVE, 0 },
	{ true,  KEY_F(9),      ACT_OFFICER, 0 },
	{ true,  KEY_F(10),     ACT_QUIT, 0 },
	{ false, CTRL('L'),     ACT_REDRAW, 0 },
	{ true,  KEY_F(8),      ACT_CLEAR, 0 },
	{ false, CTRL('U'),     ACT_CLEAR, 0 },
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
			ev.ch = bindings[i].ch;
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

/* Contract: see ui.h. */
struct ui_event
ui_keypad_event(struct ui_event ev)
{
	if (ev.a != ACT_CHAR)
		return ev;
	switch (ev.ch) {
	case L'/': ev.a = ACT_BACK; break;
	case L'-': ev.a = ACT_BACKSPACE; break;
	case L'+': ev.a = ACT_PGDN; break;
	case L'*': ev.a = ACT_OSK; break;
	default: break;
	}
	return ev;
}

/* Contract (ui_int.h): invariants 3 and 4. */
void
ui_keys_define(void)
{
	for (size_t i = 0; i < sizeof extra_keys / sizeof extra_keys[0]; i++) {
		const char *seq = extra_keys[i].seq;
		int have = key_defined(seq);

		/* a string terminfo already binds to the same code stays */
		if (have == extra_keys[i].code)
			continue;
		if (have > 0)
			define_key(seq, 0);
		define_key(seq, extra_keys[i].code);
	}
}
