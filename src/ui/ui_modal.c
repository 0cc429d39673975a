/*
 * ui/ui_modal — message and yes/no boxes over the current screen. They
 * read keys through ui_read, so F2, F3, resize, idle and hang-up work
 * inside them too: after a global action the screen underneath has been
 * repainted and the box paints itself again.
 *
 * Invariants:
 *  1. A box never outlives its call: the caller's screen is repainted by
 *     ui_run after the key handler returns.
 *  2. Mirrored in RTL: "Yes" is on the right (read first), "No" left of it;
 *     the title hangs from the top-right corner.
 *  3. Idle and hang-up close any box at once (returning ACT_IDLE / ACT_HANGUP,
 *     or false for a confirm); ui_run then wipes or unwinds.
 */
#include "ui/ui_int.h"

#include <stdlib.h>
#include "core/util.h"

/* Box for `text` centred on the screen, with extra rows for buttons.
 * Returns the rect of the text inside. */
static struct ui_rect
draw_box(const char *title, const char *text, int extra)
{
	struct text_line *lines;
	struct ui_rect r, in;
	int rows, cols, tw, n;

	ui_catch_up();            /* the screen underneath, if a batch deferred it */
	getmaxyx(stdscr, rows, cols);
	tw = text_width(text) + 6;
	if (title && text_width(title) + 8 > tw)
		tw = text_width(title) + 8;
	if (tw < 40)
		tw = 40;
	if (tw > cols - 4)
		tw = cols - 4;
	n = text_wrap(text, ui_dir(), tw - 4, &lines);
	text_lines_free(lines, n);
	r.h = n + 3 + extra;
	if (r.h > rows - 2)
		r.h = rows - 2;
	r.w = tw;
	r.y = (rows - r.h) / 2;
	r.x = (cols - r.w) / 2;
	ui_box(r, title, ui_pair(UP_BOX));
	in.y = r.y + 1;
	in.x = r.x + 2;
	in.w = r.w - 4;
	in.h = r.h - 2 - extra;
	ui_para((struct ui_rect){ in.y + 0, in.x, in.h, in.w }, text, ui_dir(), AL_START, 0);
	ui_st.cur_vis = false;
	return (struct ui_rect){ r.y + r.h - 1 - extra, in.x, extra, in.w };
}

/* Contract: see ui.h. Enter or Esc close it (any key when any_key). */
ui_action
ui_message(const char *title, const char *utf8, bool any_key)
{
	if (!ui_st.active)
		return ACT_HANGUP;
	for (;;) {
		struct ui_rect b = draw_box(title, utf8 ? utf8 : "", 1);
		/* RTL: the label first, so the row starts (logically) with a
		 * strong RTL letter (text/term_row.c) */
		char *ok = ui_dir() == TEXT_RTL ? xasprintf("%s Enter", ui_tr("OK"))
		                                : xasprintf("Enter %s", ui_tr("OK"));
		struct ui_event ev;

		ui_text(b.y, b.x, b.w, ok, ui_dir(), AL_CENTER, A_BOLD);
		free(ok);
		ev = ui_keypad_event(ui_read(-1));
		switch (ev.a) {
		case ACT_HANGUP:
		case ACT_IDLE:
		case ACT_ENTER:
		case ACT_BACK:
			return ev.a;
		case ACT_REDRAW:
		case ACT_TICK:
		case ACT_NONE:
			break;
		default:
			if (any_key)
				return ev.a;
			break;
		}
	}
}

/* Contract (addition to ui.h): as ui_confirm, with the initial button. */
bool
ui_confirm_default(const char *title, const char *question, bool default_yes)
{
	bool yes = default_yes;

	if (!ui_st.active)
		return false;
	for (;;) {
		struct ui_rect b = draw_box(title, question ? question : "", 1);
		char *y = xasprintf(" 1 %s ", ui_tr("Yes"));
		char *n = xasprintf(" 2 %s ", ui_tr("No"));
		int yw = text_width(y), nw = text_width(n);
		int total = yw + 4 + nw, x0 = b.x + (b.w - total) / 2;
		bool rtl = ui_dir() == TEXT_RTL;
		struct ui_event ev;
		int d;

		ui_fill(b.y, b.x, b.w, 0);
		/* RTL: Yes on the right, read first */
		ui_text(b.y, rtl ? x0 + nw + 4 : x0, yw, y, ui_dir(), AL_START,
		        yes ? (int)(A_REVERSE | A_BOLD) : 0);
		ui_text(b.y, rtl ? x0 : x0 + yw + 4, nw, n, ui_dir(), AL_START,
		        yes ? 0 : (int)(A_REVERSE | A_BOLD));
		free(y);
		free(n);
		ev = ui_keypad_event(ui_read(-1));   /* keypad '/' and '-': no */
		switch (ev.a) {
		case ACT_HANGUP:
		case ACT_IDLE:
		case ACT_BACK:
		case ACT_BACKSPACE:
			return false;
		case ACT_ENTER:
			return yes;
		case ACT_LEFT:
		case ACT_RIGHT:
		case ACT_NEXT:
		case ACT_PREV:
		case ACT_UP:
		case ACT_DOWN:
			yes = !yes;
			break;
		case ACT_CHAR:
			d = ui_digit_value(ev.ch);
			if (d == 1)
				return true;
			if (d == 2)
				return false;
			ui_beep();
			break;
		default:
			break;
		}
	}
}

/* Contract: see ui.h. "Yes" is selected first, as in dialog's --yesno. */
bool
ui_confirm(const char *title, const char *question)
{
	return ui_confirm_default(title, question, true);
}
