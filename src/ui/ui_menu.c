/*
 * ui/ui_menu — the numbered menu, usable from a numeric keypad alone: a
 * digit chooses directly, arrows + Enter too. A menu may instead give each
 * item a fixed key (the officer's actions: the same letter for the same
 * action whatever else is offered), shown where the number would be.
 * (The choice field is ui_choice.c.)
 *
 * Invariants:
 *  1. Mirrored in RTL: items right-aligned with their number on the right,
 *     the selection marker ◄ at the right edge (► at the left in LTR).
 *  2. Moving the selection changes two marker cells only (no reverse-video
 *     bar), so a menu move costs a few bytes over a slow SSH link. The
 *     marker (and the blank where it was) has the labels' plain attributes:
 *     a bold marker cost two attribute changes per move (on xterm each sgr
 *     also resends the charset, "ESC ( B"), nearly half of a move's ~30
 *     bytes; plain, a move is ≤ 16 bytes (tests/e2e/test_ui_bytes.c).
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
		char *label, num[12];

		if (k >= m->nitems) {
			ui_fill(y, r.x, r.w, 0);
			continue;
		}
		if (m->keys != NULL) {
			char key[8] = "";

			if (m->keys[k] > 0 && m->keys[k] < 0x80) {
				key[0] = (char)m->keys[k];
				key[1] = '\0';
			}
			label = ui_cat(key, key[0] ? " " : "  ",
			               m->items[k] ? m->items[k] : "", (char *)NULL);
		} else {
			label = m->numbered ? ui_cat(ui_itoa(num, k + 1), " ",
			                             m->items[k] ? m->items[k] : "", (char *)NULL)
			                    : xstrdup(m->items[k] ? m->items[k] : "");
		}
		if (rtl) {
			ui_text(y, r.x, r.w - 2, label, TEXT_RTL, AL_START, 0);
			ui_text(y, r.x + r.w - 2, 2, k == m->selected ? marker() : "",
			        TEXT_LTR, AL_END, 0);
		} else {
			ui_text(y, r.x, 2, k == m->selected ? marker() : "", TEXT_LTR,
			        AL_START, 0);
			ui_text(y, r.x + 2, r.w - 2, label, TEXT_LTR, AL_START, 0);
		}
		free(label);
	}
}

/* Contract: see ui.h. Digits 1..9 (ASCII or Arabic-Indic) choose item 1..9
 * of a numbered menu at once — or, in a menu with fixed keys, the item's
 * key (ASCII letters in either case) or its alternative; Esc and Backspace
 * are Back, and so are the keypad's '/' and '-'; '+' pages down. */
int
ui_menu_key(struct ui_menu *m, struct ui_event ev)
{
	int page = m->rows > 1 ? m->rows - 1 : 1;
	int d;

	ev = ui_keypad_event(ev);       /* '/' back, '-' back, '+' page */
	if (m->nitems <= 0)
		return (ev.a == ACT_BACK || ev.a == ACT_BACKSPACE) ? -2 : -1;
	switch (ev.a) {
	case ACT_UP:
		if (m->selected > 0)
			m->selected--;
		break;
	case ACT_DOWN:
		if (m->selected < m->nitems - 1)
			m->selected++;
		break;
	case ACT_HOME:
		m->selected = 0;
		break;
	case ACT_END:
		m->selected = m->nitems - 1;
		break;
	case ACT_PGUP:
		m->selected = m->selected > page ? m->selected - page : 0;
		break;
	case ACT_PGDN:
		m->selected = m->selected + page < m->nitems ? m->selected + page : m->nitems - 1;
		break;
	case ACT_ENTER:
		return m->selected;
	case ACT_BACK:
	case ACT_BACKSPACE:
		return -2;
	case ACT_CHAR:
		if (m->keys != NULL) {
			wchar_t up = ev.ch >= L'a' && ev.ch <= L'z' ? ev.ch - L'a' + L'A' : ev.ch;

			for (d = 0; d < m->nitems; d++)
				if ((m->keys[d] != 0 && m->keys[d] == up) ||
				    (m->alt_keys != NULL && m->alt_keys[d] != 0 && m->alt_keys[d] == ev.ch)) {
					m->selected = d;
					return d;
				}
			ui_beep();
			break;
		}
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
