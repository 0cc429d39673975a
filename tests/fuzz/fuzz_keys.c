/*
 * libFuzzer target for the keyboard input path: get_wch results (plain
 * characters of any value, KEY_* codes) → ui_key_event (the binding table)
 * → ui_field_key / ui_menu_key / ui_choice_key on a small form — Latin and
 * Arabic free-text fields, a digits-only field, a multi-line RTL field,
 * a menu and a choice — drawn every few keys through the real widgets onto
 * a curses screen whose output goes to /dev/null (newterm, xterm-256color,
 * 80×24).
 *
 * Input: records of 5 bytes. Byte 0: bit 0 = a KEY_* code (else a
 * character); bits 1–2 pick the character's range (raw 32 bits, ASCII,
 * Arabic, marks and format controls); bits 3–5 pick the widget (6 and 7:
 * draw). Bytes 1–4: the value.
 *
 * Checked beyond "no crash, no sanitizer report": after every input each
 * field's text is valid UTF-8 without C0/C1 controls, DEL or bidi controls
 * (a newline only in the multi-line field), within its length limit, the
 * cursor within the text, digits-only fields hold only digits (and one
 * leading '+'), and the menu's and choice's selections stay in range.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_int.h"
#include "text/text.h"

static bool ready;

static int bad_char(uint32_t c, bool multiline)
{
	if (c == '\n')
		return !multiline;
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200E || c == 0x200F || c == 0x061C;
}

static void check_field(const struct ui_field *f, size_t max, bool digits)
{
	const struct text_edit *e = &f->edit;
	char *s;

	if (e->cursor > e->len || (max && e->len > max))
		abort();
	for (size_t i = 0; i < e->len; i++) {
		if (bad_char(e->buf[i], e->multiline))
			abort();
		if (digits && ui_digit_value((wchar_t)e->buf[i]) < 0 &&
		    !(e->buf[i] == '+' && i == 0))
			abort();
	}
	s = text_edit_get(e);
	if (!s || !text_valid_utf8(s, strlen(s)))
		abort();
	free(s);
}

static void init_curses(void)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");

	setlocale(LC_ALL, "C.UTF-8");
	if (!out || !in || !newterm("xterm-256color", out, in))
		abort();
	ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *items[] = { "طلب خدمة", "Track a request", "استبيان", "Info" };
	static const char *opts[] = { "عضو", "supporter", "متطوع" };
	struct ui_field fld[4];
	struct ui_menu menu;
	struct ui_choice choice;
	const size_t max[4] = { 40, 60, 10, 200 };

	if (!ready)
		init_curses();
	ui_field_init(&fld[0], "Name", TEXT_LTR, max[0], 1);
	ui_field_init(&fld[1], "الاسم", TEXT_RTL, max[1], 1);
	ui_field_init(&fld[2], "رقم الهوية", TEXT_LTR, max[2], 1);
	fld[2].digits_only = true;
	ui_field_init(&fld[3], "الوصف", TEXT_RTL, max[3], 3);
	memset(&menu, 0, sizeof menu);
	menu.items = items;
	menu.nitems = 4;
	menu.numbered = true;
	memset(&choice, 0, sizeof choice);
	choice.label = "الفئة";
	choice.items = opts;
	choice.nitems = 3;
	choice.selected = -1;

	for (size_t i = 0; i + 5 <= size; i += 5) {
		uint8_t b0 = data[i];
		uint32_t v = (uint32_t)data[i + 1] | (uint32_t)data[i + 2] << 8 |
		             (uint32_t)data[i + 3] << 16 | (uint32_t)data[i + 4] << 24;
		int w = (b0 >> 3) & 7, rc;
		wint_t ch;
		struct ui_event ev;

		if (b0 & 1) {
			rc = KEY_CODE_YES;
			ch = (wint_t)(KEY_MIN + v % (KEY_MAX - KEY_MIN + 1));
		} else {
			rc = OK;
			switch ((b0 >> 1) & 3) {
			case 0: ch = (wint_t)v; break;
			case 1: ch = (wint_t)(v & 0x7f); break;
			case 2: ch = (wint_t)(0x0600 + (v & 0xff)); break;
			default: ch = (wint_t)((v & 1) ? 0x0300 + (v >> 1) % 0x70
			                       : 0x2000 + (v >> 1) % 0x70); break;
			}
		}
		ev = ui_key_event(rc, ch);
		if (w < 4)
			ui_field_key(&fld[w], ev);
		else if (w == 4)
			ui_menu_key(&menu, ev);
		else if (w == 5)
			ui_choice_key(&choice, ev);
		else {
			struct ui_rect r = { 2, 2, 1, 76 };

			ui_cv_erase();          /* the canvas, as ui_repaint */
			for (int k = 0; k < 4; k++) {
				r.h = fld[k].height + 1;
				ui_field_draw(&fld[k], r, k == (w & 3));
				r.y += r.h + 1;
			}
			ui_menu_draw(&menu, (struct ui_rect){ 14, 2, 4, 76 });
			ui_choice_draw(&choice, (struct ui_rect){ 19, 2, 1, 76 }, w == 7);
			ui_cv_flush();          /* into stdscr, as ui_present */
			wnoutrefresh(stdscr);
			doupdate();
		}
		if (menu.selected < 0 || menu.selected >= menu.nitems ||
		    choice.selected < -1 || choice.selected >= choice.nitems)
			abort();
	}
	for (int k = 0; k < 4; k++) {
		check_field(&fld[k], max[k], k == 2);
		ui_field_free(&fld[k]);
	}
	return 0;
}
