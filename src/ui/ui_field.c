/*
 * ui/ui_field — one editable field: its label, its box, the text through
 * src/text's editor (logical cursor on grapheme boundaries, visual
 * Left/Right), the cursor drawn at its visual cell, and the last
 * validation message under it.
 *
 * Invariants:
 *  1. The field's own text is drawn with plain attributes, so typing a
 *     Latin letter at the end of a field costs the letter alone on the wire.
 *  2. Mirrored layout: in RTL the label is on the right of its field.
 *  3. A digits-only field takes ASCII, Arabic-Indic and Persian digits (and
 *     a leading '+') and refuses anything else with a beep; the text is
 *     kept as typed (text_digits normalises it for storage).
 *  4. Backspace in an empty field is not consumed (the form ignores it:
 *     it never jumps to another field).
 *  5. Delete at the end of the text erases the character before it: with
 *     NumLock off the keypad's '.' is Delete, and it must erase a
 *     mistyped digit.
 *  6. In the Arabic layout a one-line left-to-right value (national ID,
 *     mobile, e-mail) is drawn at the right of its box, where the name's
 *     text ends, with one cell after it for the cursor.
 */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>
#include "core/util.h"

/* Contract: see ui.h. A height above 1 makes a multi-line field. */
void
ui_field_init(struct ui_field *f, const char *label, text_dir dir, size_t max_chars, int height)
{
	memset(f, 0, sizeof *f);
	f->label = label;
	f->dir = dir;
	f->height = height < 1 ? 1 : height;
	text_edit_init(&f->edit, dir, max_chars, f->height > 1);
}

/* Contract: see ui.h. Overwrites the text (text_edit_free) and the error. */
void
ui_field_free(struct ui_field *f)
{
	text_edit_free(&f->edit);
	free(f->error);
	f->error = NULL;
}

/* Contract: see ui.h. msg is copied; NULL or "" clears. */
void
ui_field_set_error(struct ui_field *f, const char *msg)
{
	free(f->error);
	f->error = (msg && msg[0]) ? xstrdup(msg) : NULL;
}

static bool
has_plus(const struct text_edit *e)
{
	size_t i;

	for (i = 0; i < e->len; i++)
		if (e->buf[i] == '+')
			return true;
	return false;
}

/* Contract: see ui.h and invariants 3 and 4. */
int
ui_field_key(struct ui_field *f, struct ui_event ev)
{
	struct text_edit *e = &f->edit;

	switch (ev.a) {
	case ACT_CHAR:
		if (f->digits_only && ui_digit_value(ev.ch) < 0 &&
		    !(ev.ch == L'+' && e->cursor == 0 && !has_plus(e))) {
			ui_beep();
			return UI_HANDLED;
		}
		/* nothing goes before a leading '+': it would no longer lead
		 * (found by fuzz_keys: Home, then a digit) */
		if (f->digits_only && e->cursor == 0 && e->len > 0 &&
		    e->buf[0] == '+') {
			ui_beep();
			return UI_HANDLED;
		}
		if (!text_edit_insert_char(e, (uint32_t)ev.ch))
			ui_beep();
		return UI_HANDLED;
	case ACT_ENTER:
		if (!e->multiline)
			return 0;
		if (!text_edit_insert_char(e, '\n'))
			ui_beep();
		return UI_HANDLED;
	case ACT_BACKSPACE:
		if (e->len == 0)
			return 0;
		text_edit_backspace(e);
		return UI_HANDLED;
	case ACT_DELETE:
		/* at the end (NumLock off: the keypad's '.' is Del) it erases
		 * the character before, as a keypad visitor expects */
		if (e->cursor == e->len && e->len > 0)
			text_edit_backspace(e);
		else
			text_edit_delete(e);
		return UI_HANDLED;
	case ACT_LEFT:
		text_edit_left(e);
		return UI_HANDLED;
	case ACT_RIGHT:
		text_edit_right(e);
		return UI_HANDLED;
	case ACT_HOME:
		text_edit_home(e);
		return UI_HANDLED;
	case ACT_END:
		text_edit_end(e);
		return UI_HANDLED;
	default:
		return 0;
	}
}

/* Contract: see ui.h. */
void
ui_field_group(struct ui_rect r)
{
	if (r.w >= 2 && r.h >= 2)
		ui_box(r, NULL, 0);
}

/* A password: one • per character, scrolled to keep the cursor in view. */
static void
draw_secret(struct ui_field *f, int y, int x, int w, int *ccol)
{
	size_t shift = 0, i;
	struct text_line l;
	struct text_cell *cells = xcalloc((size_t)w, sizeof *cells);

	if (f->edit.cursor >= (size_t)w)
		shift = f->edit.cursor - (size_t)w + 1;
	for (i = 0; i < (size_t)w; i++) {
		cells[i].ch[0] = (shift + i < f->edit.len) ? 0x2022 : ' ';
		cells[i].width = 1;
		cells[i].logical = (int32_t)(shift + i);
	}
	l.cells = cells;
	l.ncells = w;
	l.width = w;
	l.start = 0;
	l.end = w;
	ui_put_line(y, x, w, &l, SIDE_LEFT, 0);
	free(cells);
	*ccol = (int)(f->edit.cursor - shift);
}

/* Contract: see ui.h. With r.h >= height + 2 the text is framed by a box
 * (and the error goes under the box when there is one more row); else the
 * text sits between ▕ ▏ edges and the error, if any, takes the next row
 * when there is one. */
void
ui_field_draw(struct ui_field *f, struct ui_rect r, bool focused)
{
	bool rtl = ui_dir() == TEXT_RTL;
	bool has_label = f->label && f->label[0];
	int lw = !has_label ? 0 : f->label_w > 0 ? f->label_w : ui_label_width(f->label, r.w);
	int fx, fw, h = f->height, boxed = r.h >= h + 2, ix, iw, iy, erow, i, n;
	int crow = 0, ccol = 0;
	struct text_line *lines = NULL;

	if (lw > r.w - 5)
		lw = r.w - 5 > 0 ? r.w - 5 : 0;
	fx = rtl || !has_label ? r.x : r.x + lw + 1;
	fw = has_label ? r.w - lw - 1 : r.w;
	if (fw < 4 || r.h < 1)
		return;
	if (h > r.h)
		h = r.h;
	iy = r.y + (boxed ? 1 : 0);
	if (has_label) {
		int lx = rtl ? r.x + r.w - lw : r.x;
		ui_text(iy, lx, lw, f->label, ui_dir(), AL_START, focused ? A_BOLD : 0);
		ui_fill(iy, rtl ? lx - 1 : lx + lw, 1, 0);
		/* the label column (and its gap) is blank on the other rows */
		for (i = r.y; i < r.y + r.h; i++)
			if (i != iy)
				ui_fill(i, rtl ? lx - 1 : lx, lw + 1, 0);
	}
	if (boxed) {
		ui_box((struct ui_rect){ r.y, fx, h + 2, fw }, NULL,
		       focused ? A_BOLD : 0);
		ix = fx + 1;
		iw = fw - 2;
		erow = r.y + h + 2;
	} else {
		wchar_t lo[2] = { 0x2595, 0 }, hi[2] = { 0x258f, 0 };  /* ▕ ▏ */
		cchar_t cc;
		for (i = 0; i < h; i++) {
			setcchar(&cc, lo, focused ? A_BOLD : 0, 0, NULL);
			ui_cv_wch(iy + i, fx, &cc, 0);
			setcchar(&cc, hi, focused ? A_BOLD : 0, 0, NULL);
			ui_cv_wch(iy + i, fx + fw - 1, &cc, 0);
		}
		ix = fx + 1;
		iw = fw - 2;
		erow = iy + h;
	}
	if (f->secret) {
		draw_secret(f, iy, ix, iw, &ccol);
	} else {
		int shift = 0;

		n = text_edit_render(&f->edit, iw, h, &lines, &crow, &ccol);
		/* invariant 6: a left-to-right value (digits, e-mail) in the
		 * Arabic layout sits at the right like the name, one cell left
		 * for the cursor after it */
		if (rtl && f->dir == TEXT_LTR && h == 1 && n == 1) {
			/* the line is padded to iw: the text ends after its
			 * last cell that holds a character */
			int used = 0, x = 0;

			for (int c = 0; c < lines[0].ncells; c++) {
				x += lines[0].cells[c].width;
				if (lines[0].cells[c].logical >= 0)
					used = x;
			}
			if (used < iw - 1)
				shift = iw - 1 - used;
		}
		/* the visitor's own typing shows as typed (ui_draw.c
		 * invariant 5): 0123 stays 0123, ٠١٢٣ stays ٠١٢٣ */
		ui_digits_raw(true);
		for (i = 0; i < h; i++) {
			if (i < n && shift > 0) {
				ui_fill(iy + i, ix, shift, 0);
				ui_put_line(iy + i, ix + shift, iw - shift, &lines[i], SIDE_LEFT, 0);
			} else if (i < n) {
				ui_put_line(iy + i, ix, iw, &lines[i], SIDE_LEFT, 0);
			} else {
				ui_fill(iy + i, ix, iw, 0);
			}
		}
		ui_digits_raw(false);
		ccol += shift;
		text_lines_free(lines, n);
	}
	if (erow < r.y + r.h)
		ui_text(erow, fx, fw, f->error ? ui_tr(f->error) : "", ui_dir(), AL_START,
		        ui_pair(UP_ERROR) | A_BOLD);
	else if (f->error && focused)
		ui_status(ui_tr(f->error), true);
	if (focused)
		ui_cursor_at(iy + crow, ix + ccol);
}
