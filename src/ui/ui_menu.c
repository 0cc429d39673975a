/*
 * ui/ui_menu — the numbered menu and the choice field, both usable from a
 * numeric keypad alone: a digit chooses directly, arrows + Enter too.
 *
 * Invariants:
 *  1. Mirrored in RTL: items right-aligned with their number on the right,
 *     the selection marker ◄ at the right edge (► at the left in LTR).
 *  2. Moving the selection changes two marker cells only (no reverse-video
 *     bar), so a menu move costs a few bytes over a slow SSH link.
 *  3. A choice's Left/Right go the visual way: in RTL the next item is to
 *     the left, so Left chooses the next one.
 */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>
#include "core/util.h"

static const char *
marker(void)
{
	return ui_dir() == TEXT_RTL ? "\u25c4" : "\u25ba";   /* ◄ / ► */
}

static void
menu_clamp(struct ui_menu *m, int rows)
{
	if (m->nitems <= 0) {
		m->selected = m->top = 0;
		return;
	}
	if (m->selected < 0)
		m->selected = 0;
	if (m->selected >= m->nitems)
		m->selected = m->nitems - 1;
	if (rows < 1)
		rows = 1;
	if (m->selected < m->top)
		m->top = m->selected;
	if (m->selected >= m->top + rows)
		m->top = m->selected - rows + 1;
	if (m->top > m->nitems - rows)
		m->top = m->nitems - rows;
	if (m->top < 0)
		m->top = 0;
}

/* Contract: see ui.h. r.h rows are used; the list scrolls to keep the
 * selected item visible (m->rows remembers r.h for paging). */
void
ui_menu_draw(struct ui_menu *m, struct ui_rect r)
{
	bool rtl = ui_dir() == TEXT_RTL;
	int i;

	m->rows = r.h;
	menu_clamp(m, r.h);
	for (i = 0; i < r.h; i++) {
		int k = m->top + i;
		int y = r.y + i;
		char *label;

		if (k >= m->nitems) {
			ui_fill(y, r.x, r.w, 0);
			continue;
		}
		label = m->numbered ? xasprintf("%d %s", k + 1, m->items[k] ? m->items[k] : "")
		                    : xstrdup(m->items[k] ? m->items[k] : "");
		if (rtl) {
			ui_text(y, r.x, r.w - 2, label, TEXT_RTL, AL_START, 0);
			ui_text(y, r.x + r.w - 2, 2, k == m->selected ? marker() : "",
			        TEXT_LTR, AL_END, A_BOLD);
		} else {
			ui_text(y, r.x, 2, k == m->selected ? marker() : "", TEXT_LTR,
			        AL_START, A_BOLD);
			ui_text(y, r.x + 2, r.w - 2, label, TEXT_LTR, AL_START, 0);
		}
		free(label);
	}
}

/* Contract: see ui.h. Digits 1..9 (ASCII or Arabic-Indic) choose item 1..9
 * of a numbered menu at once; Esc and Backspace are Back. */
int
ui_menu_key(struct ui_menu *m, struct ui_event ev)
{
	int page = m->rows > 1 ? m->rows - 1 : 1;
	int d;

	if (m->nitems <= 0)
		return (ev.a == A_BACK || ev.a == A_BACKSPACE) ? -2 : -1;
	switch (ev.a) {
	case A_UP:
		if (m->selected > 0)
			m->selected--;
		break;
	case A_DOWN:
		if (m->selected < m->nitems - 1)
			m->selected++;
		break;
	case A_HOME:
		m->selected = 0;
		break;
	case A_END:
		m->selected = m->nitems - 1;
		break;
	case A_PGUP:
		m->selected = m->selected > page ? m->selected - page : 0;
		break;
	case A_PGDN:
		m->selected = m->selected + page < m->nitems ? m->selected + page : m->nitems - 1;
		break;
	case A_ENTER:
		return m->selected;
	case A_BACK:
	case A_BACKSPACE:
		return -2;
	case A_CHAR:
		d = ui_digit_value(ev.ch);
		if (m->numbered && d >= 1 && d <= m->nitems) {
			m->selected = d - 1;
			return d - 1;
		}
		if (d >= 0)
			ui_beep();
		break;
	default:
		break;
	}
	return -1;
}

/* ---- choice ------------------------------------------------------------- */

/* Width of the label column of a field or choice drawn in width w. */
int
ui_label_width(const char *label, int w)
{
	(void)label;
	return w / 3;
}

/* Contract: see ui.h. Left/Right (visual), digits 1..9, Home/End. */
int
ui_choice_key(struct ui_choice *c, struct ui_event ev)
{
	bool rtl = ui_dir() == TEXT_RTL;
	int d, step = 0;

	if (c->nitems <= 0)
		return 0;
	switch (ev.a) {
	case A_LEFT:
		step = rtl ? 1 : -1;
		break;
	case A_RIGHT:
		step = rtl ? -1 : 1;
		break;
	case A_HOME:
		c->selected = 0;
		return UI_HANDLED;
	case A_END:
		c->selected = c->nitems - 1;
		return UI_HANDLED;
	case A_CHAR:
		d = ui_digit_value(ev.ch);
		if (d >= 1 && d <= c->nitems && d <= 9) {
			c->selected = d - 1;
		} else {
			ui_beep();
		}
		return UI_HANDLED;
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

/* Inline "1 a  2 b  3 c" when it fits in w; returns false otherwise. */
static bool
choice_inline(struct ui_choice *c, int y, int x, int w)
{
	bool rtl = ui_dir() == TEXT_RTL;
	int i, total = 0, pos;
	int *wid = xcalloc((size_t)c->nitems, sizeof *wid);
	char **seg = xcalloc((size_t)c->nitems, sizeof *seg);
	bool ok;

	for (i = 0; i < c->nitems; i++) {
		seg[i] = xasprintf(" %d %s ", i + 1, c->items[i] ? c->items[i] : "");
		wid[i] = text_width(seg[i]);
		total += wid[i] + (i ? 1 : 0);
	}
	ok = total <= w;
	if (ok) {
		ui_fill(y, x, w, 0);
		pos = rtl ? x + w : x;
		for (i = 0; i < c->nitems; i++) {
			if (rtl)
				pos -= wid[i];
			ui_text(y, pos, wid[i], seg[i], ui_dir(), AL_START,
			        i == c->selected ? A_REVERSE | A_BOLD : 0);
			pos += rtl ? -1 : wid[i] + 1;
		}
	}
	for (i = 0; i < c->nitems; i++)
		free(seg[i]);
	free(seg);
	free(wid);
	return ok;
}

/* Contract: see ui.h. Label at the START side (bold when focused); the
 * options inline with the chosen one in reverse, or "◄ item ►" (with k/n)
 * when they do not fit; the error under it when r.h > 1. */
void
ui_choice_draw(struct ui_choice *c, struct ui_rect r, bool focused)
{
	bool rtl = ui_dir() == TEXT_RTL;
	int lw = ui_label_width(c->label, r.w);
	int vx = rtl ? r.x : r.x + lw + 1, vw = r.w - lw - 1;

	ui_text(r.y, rtl ? r.x + r.w - lw : r.x, lw, c->label ? c->label : "",
	        ui_dir(), AL_START, focused ? A_BOLD : 0);
	if (rtl)
		ui_fill(r.y, r.x + r.w - lw - 1, 1, 0);
	else
		ui_fill(r.y, r.x + lw, 1, 0);
	if (!choice_inline(c, r.y, vx, vw)) {
		char *v;
		/* logical order: in RTL the first char lands on the right, so the
		 * arrows are swapped to read ◄ … ► on screen either way */
		const char *a1 = rtl ? "\u25ba" : "\u25c4", *a2 = rtl ? "\u25c4" : "\u25ba";
		if (c->selected >= 0 && c->selected < c->nitems)
			v = xasprintf("%s %d/%d %s %s", a1, c->selected + 1, c->nitems,
			              c->items[c->selected] ? c->items[c->selected] : "", a2);
		else
			v = xasprintf("%s \u2014 %s", a1, a2);
		ui_text(r.y, vx, vw, v, ui_dir(), AL_START, focused ? A_BOLD : 0);
		free(v);
	}
	if (r.h > 1)
		ui_text(r.y + 1, vx, vw, c->error ? c->error : "", ui_dir(), AL_START,
		        ui_pair(UP_ERROR));
}
