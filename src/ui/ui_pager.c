/*
 * ui/ui_pager — long documents (pager) and row lists (table).
 *
 * Invariants:
 *  1. The pager wraps its text through text_wrap once per width and bidi
 *     mode and keeps the lines; a resize or F3 re-wraps (the position is
 *     kept by line number).
 *  2. Table cells are laid out by text_fit (so sanitised and cut with an
 *     ellipsis); in RTL the columns run from the right edge.
 *  3. The selected row carries a marker cell only (no reverse bar): a move
 *     costs two cells on the wire.
 *  5. Each paragraph (a line of the text) has its own direction: the one
 *     its first strong letter gives (text_guess_dir), so an English
 *     sentence in an Arabic guide reads left to right from the left edge;
 *     a paragraph without a letter takes the document's.
 *  4. The pager counts the lines of the text: empty lines the wrap leaves
 *     after it (a file's final newline) are dropped, and the count reads
 *     "lines a–b of n" ("line a of n" for one).
 */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>
#include "core/util.h"

/* Contract: see ui.h. Takes ownership of text_owned (freed by _free). */
void
ui_pager_init(struct ui_pager *p, char *text_owned, text_dir dir)
{
	memset(p, 0, sizeof *p);
	p->text = text_owned ? text_owned : xstrdup("");
	p->dir = dir;
}

void
ui_pager_free(struct ui_pager *p)
{
	text_lines_free(p->lines, p->nlines);
	free(p->ldir);
	free(p->text);
	memset(p, 0, sizeof *p);
}

static void
pager_clamp(struct ui_pager *p)
{
	int h = p->height > 0 ? p->height : 1;

	if (p->top > p->nlines - h)
		p->top = p->nlines - h;
	if (p->top < 0)
		p->top = 0;
}

/* Contract: see ui.h. 1 when consumed, 0 when not, -2 on Back (Esc,
 * Backspace, the keypad's '/'). Keypad alone: 8/2 a line, 9/3 or -/+ a
 * page, 7/1 the start and the end — NumLock on or off. */
int
ui_pager_key(struct ui_pager *p, struct ui_event ev)
{
	int page = p->height > 1 ? p->height - 1 : 1;

	ev = ui_keypad_event(ev);
	if (ev.a == ACT_CHAR) {         /* the keypad's digits where its arrows are */
		static const ui_action by_digit[10] = {
			[8] = ACT_UP, [2] = ACT_DOWN, [9] = ACT_PGUP, [3] = ACT_PGDN,
			[7] = ACT_HOME, [1] = ACT_END,
		};
		int d = ui_digit_value(ev.ch);
		if (d >= 0 && by_digit[d] != ACT_NONE)
			ev.a = by_digit[d];
	}
	if (ev.a == ACT_BACKSPACE && ev.ch == L'-')
		ev.a = ACT_PGUP;            /* keypad '-': the page before ('+' the next) */
	switch (ev.a) {
	case ACT_UP:    p->top--; break;
	case ACT_DOWN:  p->top++; break;
	case ACT_PGUP:  p->top -= page; break;
	case ACT_PGDN:
	case ACT_CHAR:
		if (ev.a == ACT_CHAR && ev.ch != L' ')
			return 0;
		p->top += page;
		break;
	case ACT_HOME:  p->top = 0; break;
	case ACT_END:   p->top = p->nlines; break;
	case ACT_BACK:
	case ACT_BACKSPACE:
		return -2;
	default:
		return 0;
	}
	pager_clamp(p);
	return UI_HANDLED;
}

/* True when s (up to n bytes) holds a letter: ASCII, or any non-ASCII
 * character (Arabic and the rest), which text_guess_dir then judges. */
static bool
has_letter(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return true;
	}
	return false;
}

/* Invariant 5: wrap paragraph by paragraph, each in its own direction. */
static void
pager_wrap(struct ui_pager *p, int w)
{
	const char *s = p->text;
	int cap = 0;

	text_lines_free(p->lines, p->nlines);
	free(p->ldir);
	p->lines = NULL;
	p->ldir = NULL;
	p->nlines = 0;
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *para = xstrndup(s, len);
		text_dir d = has_letter(para, len) ? text_guess_dir(para) : p->dir;
		struct text_line *pl = NULL;
		int pn = text_wrap(para, d, w, &pl);

		free(para);
		if (p->nlines + pn > cap) {
			cap = (p->nlines + pn) * 2;
			p->lines = xrealloc(p->lines, (size_t)cap * sizeof *p->lines);
			p->ldir = xrealloc(p->ldir, (size_t)cap * sizeof *p->ldir);
		}
		for (int i = 0; i < pn; i++) {
			p->lines[p->nlines] = pl[i];      /* moved: the cells are ours now */
			p->ldir[p->nlines++] = d;
		}
		free(pl);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

/* Contract: see ui.h. The last row of r shows "lines a–b of n". */
void
ui_pager_draw(struct ui_pager *p, struct ui_rect r)
{
	int i, h = r.h - 1, last;
	char *pos;

	if (h < 1 || r.w < 4)
		return;
	if (p->lines == NULL || p->width != r.w || p->mode != (int)text_mode()) {
		pager_wrap(p, r.w);
		p->width = r.w;
		/* invariant 4: no phantom empty lines after the text */
		while (p->nlines > 0 && p->lines[p->nlines - 1].width == 0)
			text_line_free(&p->lines[--p->nlines]);
		p->mode = (int)text_mode();
	}
	p->height = h;
	pager_clamp(p);
	for (i = 0; i < h; i++) {
		int k = p->top + i;
		if (k < p->nlines)
			ui_put_line(r.y + i, r.x, r.w, &p->lines[k],
			            p->ldir[k] == TEXT_RTL ? SIDE_RIGHT : SIDE_LEFT, 0);
		else
			ui_fill(r.y + i, r.x, r.w, 0);
	}
	last = p->top + h < p->nlines ? p->top + h : p->nlines;
	if (last == p->top + 1)
		pos = xasprintf(ui_tr("line %d of %d"), last, p->nlines);
	else
		pos = xasprintf(ui_tr("lines %d–%d of %d"), p->nlines ? p->top + 1 : 0,
		                last, p->nlines);
	ui_text(r.y + h, r.x, r.w, pos, ui_dir(), AL_END, (int)A_DIM);
	free(pos);
}

/* ---- table ---------------------------------------------------------------- */

static void
table_clamp(struct ui_table *t)
{
	int rows = t->rows > 0 ? t->rows : 1;

	if (t->selected >= t->nrows)
		t->selected = t->nrows - 1;
	if (t->selected < 0)
		t->selected = 0;
	if (t->selected < t->top)
		t->top = t->selected;
	if (t->selected >= t->top + rows)
		t->top = t->selected - rows + 1;
	if (t->top < 0)
		t->top = 0;
}

/* Contract: see ui.h. */
int
ui_table_key(struct ui_table *t, struct ui_event ev)
{
	int page = t->rows > 1 ? t->rows - 1 : 1;

	if (ev.a == ACT_BACK || ev.a == ACT_BACKSPACE)
		return -2;
	if (t->nrows <= 0)
		return -1;
	switch (ev.a) {
	case ACT_UP:
		if (t->selected == 0)
			return -4;
		t->selected--;
		break;
	case ACT_DOWN:
		if (t->selected >= t->nrows - 1)
			return -3;
		t->selected++;
		break;
	case ACT_PGUP:
		if (t->selected == 0)
			return -4;
		t->selected = t->selected > page ? t->selected - page : 0;
		break;
	case ACT_PGDN:
		if (t->selected >= t->nrows - 1)
			return -3;
		t->selected = t->selected + page < t->nrows ? t->selected + page : t->nrows - 1;
		break;
	case ACT_HOME:
		t->selected = 0;
		break;
	case ACT_END:
		t->selected = t->nrows - 1;
		break;
	case ACT_ENTER:
		return t->selected;
	default:
		return -1;
	}
	table_clamp(t);
	return -1;
}

/* One row: the marker cell at the START side, then the columns from the
 * START side, one blank between them. text(row, col) gives the cells. */
static void
table_row(struct ui_table *t, int y, struct ui_rect r, int row, int attr)
{
	bool rtl = ui_dir() == TEXT_RTL;
	enum ui_side side = rtl ? SIDE_RIGHT : SIDE_LEFT;
	int c, used = 2;

	ui_fill(y, r.x, r.w, attr);
	if (row >= 0 && row == t->selected)
		ui_text(y, rtl ? r.x + r.w - 1 : r.x, 1, rtl ? "\u25c4" : "\u25ba",
		        TEXT_LTR, AL_START, (int)A_BOLD);
	for (c = 0; c < t->ncols && used < r.w; c++) {
		const struct ui_column *col = &t->cols[c];
		int w = col->width < r.w - used ? col->width : r.w - used;
		const char *s;
		struct text_line l;

		if (col->width <= 0)       /* a column left out: the next one */
			continue;
		if (w <= 0)
			break;
		s = row < 0 ? ui_tr(col->title) : t->cell(t->ctx, row, c);
		/* a title is in the screen's language: its direction, so an
		 * Arabic title cut short ends in … at its left (logical end),
		 * whatever the direction of the column's values */
		text_fit(s ? s : "", row < 0 ? ui_dir() : col->guess && s ? text_guess_dir(s)
		         : col->dir, w, &l);
		ui_put_line(y, rtl ? r.x + r.w - used - w : r.x + used, w, &l, side, attr);
		text_line_free(&l);
		used += w + 1;
	}
}

/* Contract: see ui.h. Row r.y holds the column titles. */
void
ui_table_draw(struct ui_table *t, struct ui_rect r)
{
	int i;

	if (r.h < 2 || r.w < 4)
		return;
	t->rows = r.h - 1;
	table_clamp(t);
	table_row(t, r.y, r, -1, (int)(A_BOLD | A_UNDERLINE));
	for (i = 0; i < t->rows; i++) {
		int k = t->top + i;
		if (k < t->nrows)
			table_row(t, r.y + 1 + i, r, k, 0);
		else
			ui_fill(r.y + 1 + i, r.x, r.w, 0);
	}
}
