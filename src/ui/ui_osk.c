/*
 * ui/ui_osk — the on-screen keyboard: text fields (name, description,
 * signature, e-mail) typed with a numeric keypad alone. A ui_form shows it
 * under its items while a free-text item has the focus and the keyboard is
 * on; the keys it takes are below, the rest go to the form as usual.
 *
 * Layouts (one key a cell of KEY_W columns, rows as on a PC keyboard, the
 * first key on the left in both — the Arabic rows are the Arabic PC
 * layout's, which is what Arabic readers know):
 *
 *   Arabic   ض ص ث ق ف غ ع ه خ ح ج د      English  q w e r t y u i o p
 *            ش س ي ب ل ا ت ن م ك ط ذ               a s d f g h j k l '
 *            ئ ء ؤ ر ى ة و ز ظ أ إ آ               z x c v b n m @ . - _
 *            ١ ٢ ٣ ٤ ٥ ٦ ٧ ٨ ٩ ٠ ، .               1 2 3 4 5 6 7 8 9 0 , ?
 *   both     [space] [delete] [English | عربي] [done]
 *
 * Keys (NumLock on or off; the arrows of a full keyboard too):
 *   8 2 4 6 / arrows   move the highlight (wrapping round)
 *   5 or Enter         type the highlighted key (or do the special one)
 *   0                  a space          - Backspace Del   delete
 *   *                  switch layout    +                 done (next field)
 *   / Esc              close the keyboard (the field keeps its text)
 *   a letter           typed as it is: a full keyboard just types
 *
 * Invariants:
 *  1. Every key label is drawn through ui_text, so an Arabic letter is
 *     shaped (its isolated form) and placed like every other Arabic text;
 *     the highlighted key is the only one in reverse video, so a move
 *     costs the two keys' cells on the wire.
 *  2. What a key types goes through ui_field_key as ACT_CHAR, exactly as
 *     if typed: the field's limits and the form's validation apply.
 *  3. The keyboard's state (on, layout, highlight) is the visitor's:
 *     ui_osk_reset puts it back (kiosk idle reset and end of a visit).
 *     Layout "auto" follows the field: English for a left-to-right field
 *     (e-mail), else the visitor's language; '*' fixes it until reset.
 */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>
#include "core/util.h"

enum { KEY_W = 4, SPECIAL_W = 12, NROWS = 5 };
enum { SP_SPACE = 0, SP_DELETE, SP_LAYOUT, SP_DONE, NSPECIAL };

static const wchar_t *const rows_ar[NROWS - 1] = {
	L"\u0636\u0635\u062b\u0642\u0641\u063a\u0639\u0647\u062e\u062d\u062c\u062f",
	L"\u0634\u0633\u064a\u0628\u0644\u0627\u062a\u0646\u0645\u0643\u0637\u0630",
	L"\u0626\u0621\u0624\u0631\u0649\u0629\u0648\u0632\u0638\u0623\u0625\u0622",
	L"\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u060c.",
};
static const wchar_t *const rows_en[NROWS - 1] = {
	L"qwertyuiop",
	L"asdfghjkl'",
	L"zxcvbnm@.-_",
	L"1234567890,?",
};

static struct {
	bool on;                 /* the visitor asked for it ('*') */
	int  layout;             /* -1 auto, else LANG_AR / LANG_EN */
	int  row, col;           /* the highlighted key */
} osk = { false, -1, 0, 0 };

/* Contract: see ui.h. */
void
ui_osk_reset(void)
{
	osk.on = false;
	osk.layout = -1;
	osk.row = osk.col = 0;
}

/* Contract (ui_int.h). */
bool
ui_osk_on(void)
{
	return osk.on;
}

/* Contract (ui_int.h). */
void
ui_osk_open(void)
{
	osk.on = true;
}

static int
layout_of(const struct ui_field *f)
{
	if (osk.layout >= 0)
		return osk.layout;
	if (f != NULL && f->dir == TEXT_LTR)
		return LANG_EN;
	return ui_get_lang();
}

static const wchar_t *
row_keys(int layout, int row)
{
	return (layout == LANG_AR ? rows_ar : rows_en)[row];
}

static int
row_len(int layout, int row)
{
	return row == NROWS - 1 ? NSPECIAL : (int)wcslen(row_keys(layout, row));
}

static void
clamp(int layout)
{
	if (osk.row < 0)
		osk.row = NROWS - 1;
	if (osk.row >= NROWS)
		osk.row = 0;
	if (osk.col >= row_len(layout, osk.row))
		osk.col = row_len(layout, osk.row) - 1;
	if (osk.col < 0)
		osk.col = 0;
}

static void
hl_move(int layout, int dr, int dc)
{
	int n;

	osk.row += dr;
	clamp(layout);
	n = row_len(layout, osk.row);
	if (dc != 0)
		osk.col = (osk.col + dc + n) % n;
}

static int
type(struct ui_field *f, wchar_t ch)
{
	ui_field_key(f, (struct ui_event){ ACT_CHAR, ch });
	return OSK_TYPED;
}

static int
special(struct ui_field *f, int layout, int which)
{
	switch (which) {
	case SP_SPACE:
		return type(f, L' ');
	case SP_DELETE:
		ui_field_key(f, (struct ui_event){ ACT_BACKSPACE, 0 });
		return OSK_TYPED;
	case SP_LAYOUT:
		osk.layout = layout == LANG_AR ? LANG_EN : LANG_AR;
		clamp(osk.layout);
		return OSK_MOVED;
	default:
		return OSK_DONE;
	}
}

/* Contract (ui_int.h). */
int
ui_osk_key(struct ui_field *f, struct ui_event ev)
{
	int layout = layout_of(f), d;

	clamp(layout);
	switch (ev.a) {
	case ACT_UP:    hl_move(layout, -1, 0); return OSK_MOVED;
	case ACT_DOWN:  hl_move(layout, 1, 0); return OSK_MOVED;
	case ACT_LEFT:  hl_move(layout, 0, -1); return OSK_MOVED;
	case ACT_RIGHT: hl_move(layout, 0, 1); return OSK_MOVED;
	case ACT_ENTER:
		if (osk.row == NROWS - 1)
			return special(f, layout, osk.col);
		return type(f, row_keys(layout, osk.row)[osk.col]);
	case ACT_BACKSPACE:
	case ACT_DELETE:
		return special(f, layout, SP_DELETE);
	case ACT_OSK:
		return special(f, layout, SP_LAYOUT);
	case ACT_PGDN:
		return OSK_DONE;
	case ACT_BACK:
		osk.on = false;
		return OSK_CLOSED;
	case ACT_CHAR:
		d = ui_digit_value(ev.ch);
		switch (d) {
		case 8: hl_move(layout, -1, 0); return OSK_MOVED;
		case 2: hl_move(layout, 1, 0); return OSK_MOVED;
		case 4: hl_move(layout, 0, -1); return OSK_MOVED;
		case 6: hl_move(layout, 0, 1); return OSK_MOVED;
		case 5: return ui_osk_key(f, (struct ui_event){ ACT_ENTER, 0 });
		case 0: return special(f, layout, SP_SPACE);
		case -1:
			if (ev.ch == L'*')              /* a keypad in numeric mode */
				return special(f, layout, SP_LAYOUT);
			if (ev.ch == L'+')
				return OSK_DONE;
			if (ev.ch == L'/') {
				osk.on = false;
				return OSK_CLOSED;
			}
			return type(f, ev.ch);      /* a full keyboard just types */
		default:
			ui_beep();
			return OSK_MOVED;
		}
	default:
		return OSK_PASS;
	}
}

/* One wide character as UTF-8 into buf (>= 5 bytes). */
static const char *
utf8_of(wchar_t c, char *buf)
{
	uint32_t u = (uint32_t)c;
	char *w = buf;

	if (u < 0x80) {
		*w++ = (char)u;
	} else if (u < 0x800) {
		*w++ = (char)(0xc0 | u >> 6);
		*w++ = (char)(0x80 | (u & 0x3f));
	} else {
		*w++ = (char)(0xe0 | u >> 12);
		*w++ = (char)(0x80 | ((u >> 6) & 0x3f));
		*w++ = (char)(0x80 | (u & 0x3f));
	}
	*w = '\0';
	return buf;
}

/* Contract (ui_int.h). Box, the key hints, four rows of keys and the
 * special row, centred in r (UI_OSK_ROWS high). */
void
ui_osk_draw(const struct ui_field *f, struct ui_rect r)
{
	int layout = layout_of(f);
	bool ar = layout == LANG_AR;
	int kw = 12 * KEY_W, x0, y;
	const char *title = ar ? ui_tr("On-screen keyboard: Arabic")
	                       : ui_tr("On-screen keyboard: English");
	char buf[8];

	clamp(layout);
	if (r.h < UI_OSK_ROWS || r.w < kw + 2)
		return;
	r.y += r.h - UI_OSK_ROWS;
	r.h = UI_OSK_ROWS;
	ui_box(r, title, 0);
	ui_text(r.y + 1, r.x + 1, r.w - 2,
	        ui_tr("8 2 4 6 move  5 type  0 space  - delete  * layout  + done  / close"),
	        ui_dir(), AL_CENTER, A_DIM);
	x0 = r.x + (r.w - kw) / 2;
	y = r.y + 2;
	/* a key shows the character it types (ui_draw.c invariant 5) */
	ui_digits_raw(true);
	for (int row = 0; row < NROWS - 1; row++, y++) {
		const wchar_t *keys = row_keys(layout, row);
		int n = (int)wcslen(keys);

		for (int c = 0; c < n; c++) {
			bool hl = row == osk.row && c == osk.col;
			ui_text(y, x0 + c * KEY_W, KEY_W, utf8_of(keys[c], buf),
			        ar ? TEXT_RTL : TEXT_LTR, AL_CENTER,
			        hl ? (int)(A_REVERSE | A_BOLD) : 0);
		}
	}
	ui_digits_raw(false);
	for (int c = 0; c < NSPECIAL; c++) {
		const char *label = c == SP_SPACE ? ui_tr("space")
		                  : c == SP_DELETE ? ui_tr("delete")
		                  : c == SP_LAYOUT ? (ar ? "English" : "\u0639\u0631\u0628\u064a")
		                  : ui_tr("done");
		bool hl = osk.row == NROWS - 1 && c == osk.col;

		ui_text(y, x0 + c * SPECIAL_W, SPECIAL_W, label, ui_dir(), AL_CENTER,
		        hl ? (int)(A_REVERSE | A_BOLD) : 0);
	}
}
