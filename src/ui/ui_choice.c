/*
 * ui/ui_choice — a field whose value is one of a list, usable from a
 * numeric keypad alone: a digit chooses directly, Left/Right step.
 * (Moved out of ui_menu.c with the layout below.)
 *
 * Layout of the value, at the START side of the value area (the right in
 * Arabic), the first that fits:
 *   full     "1 a  2 b  3 c"        every option with its label, the chosen
 *                                   one in reverse video;
 *   compact  "1  2 [3 c]  4  5"     the numbers, the chosen one with its
 *                                   label (a choice without a label of its
 *                                   own: the survey's 1–5 ratings, whose
 *                                   words a legend gives);
 *   single   "◄ 3/8 c ►"            only the chosen option.
 * With nothing chosen yet, "press 1–n" says how to choose (in compact and
 * single layouts, where the labels are not all on screen).
 *
 * Invariants:
 *  1. A choice's Left/Right go the visual way: in RTL the next item is to
 *     the left, so Left chooses the next one.
 *  2. A choice without a label takes no label column: its value area is
 *     the whole rect.
 */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>
#include "core/util.h"

/* Width of the label column of a field or choice drawn in width w. */
int
ui_label_width(const char *label, int w)
{
	(void)label;
	return w / 3;
}

/* Contract: see ui.h. Left/Right (visual), digits 1..9, Home/End.
 * A digit out of range beeps (handled); any other character beeps and
 * is not handled (0), so the form can say how to choose. */
int
ui_choice_key(struct ui_choice *c, struct ui_event ev)
{
	bool rtl = ui_dir() == TEXT_RTL;
	int d, step = 0;

	if (c->nitems <= 0)
		return 0;
	ev = ui_keypad_event(ev);
	switch (ev.a) {
	case ACT_LEFT:
		step = rtl ? 1 : -1;
		break;
	case ACT_RIGHT:
		step = rtl ? -1 : 1;
		break;
	case ACT_HOME:
		c->selected = 0;
		return UI_HANDLED;
	case ACT_END:
		c->selected = c->nitems - 1;
		return UI_HANDLED;
	case ACT_CHAR:
		d = ui_digit_value(ev.ch);
		if (d >= 1 && d <= c->nitems && d <= 9) {
			c->selected = d - 1;
			return UI_HANDLED;
		}
		ui_beep();
		/* a letter is not a choice: the caller says how to choose */
		return d >= 0 ? UI_HANDLED : 0;
	default:
		return 0;
	}
	if (c->selected < 0)
		c->selected = step > 0 ? 0 : c->nitems - 1;
	else if (c->selected + step >= 0 && c->selected + step < c->nitems)
		c->selected += step;
	else
		ui_beep();
	return UI_HANDLED;
}

enum layout { LAY_FULL, LAY_COMPACT };

/* Segment i of a row layout (malloc'd). */
static char *
segment(const struct ui_choice *c, int i, enum layout lay)
{
	const char *label = c->items[i] ? c->items[i] : "";
	char num[12];

	ui_itoa(num, i + 1);
	if (lay == LAY_FULL || i == c->selected)
		return ui_cat(" ", num, " ", label, " ", (char *)NULL);
	return ui_cat(" ", num, " ", (char *)NULL);
}

/* The "press 1–n" hint, or NULL when digits cannot choose. */
static char *
hint(const struct ui_choice *c)
{
	int n = c->nitems < 9 ? c->nitems : 9;

	if (n < 1)
		return NULL;
	return xasprintf(_("press 1–%d"), n);
}

/* Columns a row layout takes (options 1 column apart; in compact with
 * nothing chosen, the hint after two more). */
static int
row_width(const struct ui_choice *c, enum layout lay)
{
	int total = 0;

	for (int i = 0; i < c->nitems; i++) {
		char *s = segment(c, i, lay);
		total += text_width(s) + (i ? 1 : 0);
		free(s);
	}
	if (lay == LAY_COMPACT && (c->selected < 0 || c->selected >= c->nitems)) {
		char *h = hint(c);
		if (h)
			total += 2 + text_width(h);
		free(h);
	}
	return total;
}

/* Contract: see ui.h. */
int
ui_choice_width(const struct ui_choice *c)
{
	return c->nitems > 0 ? row_width(c, LAY_FULL) : 0;
}

/* Draw a row layout from the START side of [x, x+w). */
static void
draw_row(const struct ui_choice *c, enum layout lay, int y, int x, int w, bool focused)
{
	bool rtl = ui_dir() == TEXT_RTL;
	int pos = rtl ? x + w : x;

	ui_fill(y, x, w, 0);
	for (int i = 0; i < c->nitems; i++) {
		char *s = segment(c, i, lay);
		int sw = text_width(s);

		if (rtl)
			pos -= sw;
		ui_text(y, pos, sw, s, ui_dir(), AL_START,
		        i == c->selected ? A_REVERSE | A_BOLD : (focused ? A_BOLD : 0));
		pos += rtl ? -1 : sw + 1;
		free(s);
	}
	if (lay == LAY_COMPACT && (c->selected < 0 || c->selected >= c->nitems)) {
		char *h = hint(c);
		if (h) {
			int hw = text_width(h);
			pos += rtl ? -1 - hw : 1;
			ui_text(y, pos, hw, h, ui_dir(), AL_START, A_DIM);
		}
		free(h);
	}
}

/* Contract: see ui.h and the layouts above. Label at the START side (bold
 * when focused); the error under it when r.h > 1. */
void
ui_choice_draw(struct ui_choice *c, struct ui_rect r, bool focused)
{
	bool rtl = ui_dir() == TEXT_RTL;
	bool has_label = c->label && c->label[0];
	int lw = has_label ? ui_label_width(c->label, r.w) : 0;
	int vw, vx;

	if (lw > r.w - 5)
		lw = r.w - 5 > 0 ? r.w - 5 : 0;
	vw = has_label ? r.w - lw - 1 : r.w;
	vx = rtl || !has_label ? r.x : r.x + lw + 1;
	if (vw <= 0)
		return;
	if (has_label) {
		ui_text(r.y, rtl ? r.x + r.w - lw : r.x, lw, c->label, ui_dir(), AL_START,
		        focused ? A_BOLD : 0);
		ui_fill(r.y, rtl ? r.x + r.w - lw - 1 : r.x + lw, 1, 0);
	}
	if (c->nitems > 0 && row_width(c, LAY_FULL) <= vw) {
		draw_row(c, LAY_FULL, r.y, vx, vw, focused);
	} else if (!has_label && c->nitems > 0 && row_width(c, LAY_COMPACT) <= vw) {
		draw_row(c, LAY_COMPACT, r.y, vx, vw, focused);
	} else {
		char *v, *h = NULL;
		/* logical order: in RTL the first char lands on the right, so the
		 * arrows are swapped to read ◄ … ► on screen either way */
		const char *a1 = rtl ? "\u25ba" : "\u25c4", *a2 = rtl ? "\u25c4" : "\u25ba";
		char n1[12], n2[12];
		if (c->selected >= 0 && c->selected < c->nitems)
			v = ui_cat(a1, " ", ui_itoa(n1, c->selected + 1), "/",
			           ui_itoa(n2, c->nitems), " ",
			           c->items[c->selected] ? c->items[c->selected] : "", " ", a2,
			           (char *)NULL);
		else if ((h = hint(c)) != NULL)
			v = ui_cat(a1, " ", h, " ", a2, (char *)NULL);
		else
			v = xstrdup("\u2014");
		ui_text(r.y, vx, vw, v, ui_dir(), AL_START, focused ? A_BOLD : 0);
		free(v);
		free(h);
	}
	if (r.h > 1)
		ui_text(r.y + 1, vx, vw, c->error ? c->error : "", ui_dir(), AL_START,
		        ui_pair(UP_ERROR));
}
