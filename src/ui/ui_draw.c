/*
 * ui/ui_draw — painting text into the curses screen: the cell painter every
 * widget uses, paragraphs, the standard frame (title, footer with the keys
 * and "text reversed? F3"), the status line and boxes.
 *
 * Invariants:
 *  1. Every string is laid out by src/text (text_fit / text_wrap) and each
 *     text_cell becomes one cchar_t through setcchar (base + its marks);
 *     a cell of width 2 takes two columns. Nothing is addstr'd raw.
 *  2. Mirrored layout: START is the right edge in RTL, so labels, titles
 *     and the footer's hints begin at the right in Arabic.
 *  3. Painting writes only to the canvas (ui_canvas.c), which hands
 *     stdscr the rows that changed; output happens once per loop turn in
 *     ui_present, so curses sends just the cells that changed.
 *  4. A line goes to the canvas as one row of plain cells — one
 *     column, no marks, printable to the C library, built from a setcchar
 *     template exactly as setcchar would — padded with blanks; the other
 *     cells (wide, with marks, anything curses would treat specially) are
 *     then put one by one (as mvadd_wch did before). Layouts come borrowed
 *     from src/text's cache (text_*_ref), so a repaint lays out only what
 *     changed since the last one.
 *  5. Digits: on an Arabic screen with arabic_digits = "eastern" (the
 *     default; ui_opts.western_digits off) every cell goes through
 *     text_cell_eastern as it is painted — titles, labels, counts, dates,
 *     footers, tables, reports, the reference: one script per screen, done
 *     here once and not by each screen; with "western" the Arabic-Indic
 *     digits a translation carries show as ASCII. Between ui_digits_raw(true) and
 *     ui_digits_raw(false) cells are painted as they are: the visitor's
 *     own typing in an edit field and the on-screen keyboard's keys show
 *     what was typed or what a key types. Digits of Latin text (F3, a
 *     Latin name's) stay as they are (text/digits.c invariant 3).
 */
#include "ui/ui_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "core/util.h"

/* Contract (ui_int.h). */
char *
ui_cat(const char *s, ...)
{
	va_list ap;
	size_t len = 0, o = 0;
	const char *p;
	char *out;

	va_start(ap, s);
	for (p = s; p != NULL; p = va_arg(ap, const char *))
		len += strlen(p);
	va_end(ap);
	out = xmalloc(len + 1);
	va_start(ap, s);
	for (p = s; p != NULL; p = va_arg(ap, const char *)) {
		size_t n = strlen(p);
		memcpy(out + o, p, n);
		o += n;
	}
	va_end(ap);
	out[o] = '\0';
	return out;
}

/* Contract (ui_int.h). */
char *
ui_itoa(char *buf, int n)
{
	char tmp[12];
	unsigned u = n < 0 ? 0u - (unsigned)n : (unsigned)n;
	int k = 0, o = 0;

	do
		tmp[k++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (n < 0)
		buf[o++] = '-';
	while (k > 0)
		buf[o++] = tmp[--k];
	buf[o] = '\0';
	return buf;
}

int
ui_pair(int pair)
{
	return has_colors() ? (int)COLOR_PAIR(pair) : 0;
}

enum ui_side
ui_side_of(enum ui_align al, text_dir dir)
{
	if (al == AL_CENTER)
		return SIDE_CENTER;
	if ((al == AL_START) == (dir == TEXT_RTL))
		return SIDE_RIGHT;
	return SIDE_LEFT;
}

/* Invariant 5: which digits this screen's cells show — 1 Arabic-Indic,
 * 2 ASCII (a translation's ٤ too), 0 as they are. */
static int
digits_now(void)
{
	if (ui_st.digits_raw != 0 || ui_get_lang() != LANG_AR)
		return 0;
	return ui_st.opts.western_digits ? 2 : 1;
}

static uint32_t
shown_base(const struct text_line *l, int i, int digits)
{
	return digits == 1 ? text_cell_eastern(l, i)
	     : digits == 2 ? text_cell_western(l, i) : l->cells[i].ch[0];
}

/* Contract: see ui.h. */
void
ui_digits_raw(bool on)
{
	if (on)
		ui_st.digits_raw++;
	else if (ui_st.digits_raw > 0)
		ui_st.digits_raw--;
}

/* Contract: see ui.h. */
bool
ui_digits_eastern(void)
{
	return !ui_st.opts.western_digits && ui_get_lang() == LANG_AR;
}

static void
put_cell(int y, int x, const struct text_cell *c, uint32_t base, attr_t a, short pair)
{
	wchar_t w[TEXT_CELL_CHARS + 2];
	cchar_t cc;
	int n = 0, i;

	/* A mark with no base would be dropped by curses: give it a space. */
	if (c->ch[0] != 0 && wcwidth((wchar_t)c->ch[0]) == 0)
		w[n++] = L' ';
	for (i = 0; i < TEXT_CELL_CHARS && c->ch[i] != 0 && n < TEXT_CELL_CHARS; i++)
		w[n++] = (wchar_t)(i == 0 ? base : c->ch[i]);
	if (n == 0)
		w[n++] = L' ';
	w[n] = L'\0';
	setcchar(&cc, w, a, pair, NULL);
	ui_cv_wch(y, x, &cc, 0);
}

/* A row of w cells to hand to the canvas in one piece (invariant 4),
 * grown as needed; the process keeps one. */
static cchar_t *
row_buf(int w)
{
	static cchar_t *row;
	static int cap;

	if (w > cap) {
		cap = w > 256 ? w : 256;
		row = xrealloc(row, (size_t)cap * sizeof *row);
	}
	return row;
}

/* Contract (ui_int.h). */
void
ui_fill(int y, int x, int w, int attr)
{
	cchar_t cc, *row;
	wchar_t sp[2] = { L' ', L'\0' };
	int i;

	if (w <= 0)
		return;
	setcchar(&cc, sp, (attr_t)attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
	row = row_buf(w);
	for (i = 0; i < w; i++)
		row[i] = cc;
	ui_cv_cells(y, x, row, w);
}

/* wcwidth(c) == 1, remembered: a repaint asks again for every letter of
 * every Arabic label. */
static bool
one_column(uint32_t c)
{
	static struct { uint32_t c; bool one; } memo[512];
	unsigned i = (c ^ c >> 9) & 511;

	if (memo[i].c != c) {
		memo[i].c = c;
		memo[i].one = wcwidth((wchar_t)c) == 1;
	}
	return memo[i].one;
}

/* A cell curses stores as it is (invariant 4): one column, no marks, and
 * the C library agrees it is a printable one-column character. */
static bool
plain_cell(const struct text_cell *c)
{
	uint32_t b = c->ch[0];

	if (c->width != 1 || c->ch[1] != 0)
		return false;
	if (b >= 0x20 && b < 0x7f)
		return true;
	return b != 0 && one_column(b);
}

/* Contract (ui_int.h). */
void
ui_put_line(int y, int x, int w, const struct text_line *l, enum ui_side side, int attr)
{
	attr_t a = (attr_t)attr & ~A_COLOR;
	short pair = (short)PAIR_NUMBER(attr);
	wchar_t sp[2] = { L' ', L'\0' };
	cchar_t blank, *row;
	int off = 0, col, i, nslow = 0;
	int digits = digits_now();

	if (w <= 0)
		return;
	if (l->width < w) {
		if (side == SIDE_RIGHT)
			off = w - l->width;
		else if (side == SIDE_CENTER)
			off = (w - l->width) / 2;
	}
	setcchar(&blank, sp, a, pair, NULL);
	row = row_buf(w);
	for (i = 0; i < w; i++)
		row[i] = blank;
	/* plain cells go into the row; the others (wide, with marks) are put
	 * one by one after it, as before */
	col = off;
	for (i = 0; i < l->ncells; i++) {
		const struct text_cell *c = &l->cells[i];
		int cw = c->width ? c->width : 1;
		if (col + cw > w)
			break;
		if (plain_cell(c))
			row[col].chars[0] = (wchar_t)shown_base(l, i, digits);
		else
			nslow++;
		col += cw;
	}
	ui_cv_cells(y, x, row, w);
	if (nslow == 0)
		return;
	col = off;
	for (i = 0; i < l->ncells; i++) {
		const struct text_cell *c = &l->cells[i];
		int cw = c->width ? c->width : 1;
		if (col + cw > w)
			break;
		if (!plain_cell(c))
			put_cell(y, x + col, c, shown_base(l, i, digits), a, pair);
		col += cw;
	}
}

/* Contract: see ui.h. */
int
ui_text(int y, int x, int w, const char *utf8, text_dir dir, enum ui_align al, int attr)
{
	const struct text_line *l;

	if (w <= 0)
		return 0;
	l = text_fit_ref(utf8 ? utf8 : "", dir, w);
	ui_put_line(y, x, w, l, ui_side_of(al, dir), attr);
	return l->width < w ? l->width : w;
}

/* Contract: see ui.h. Lines beyond r.h are not drawn (the last shown line
 * then ends in an ellipsis on the side where the text goes on). */
int
ui_para(struct ui_rect r, const char *utf8, text_dir dir, enum ui_align al, int attr)
{
	const struct text_line *lines;
	int n, i, shown;

	if (r.w <= 0 || r.h <= 0)
		return 0;
	n = text_wrap_ref(utf8 ? utf8 : "", dir, r.w, &lines);
	shown = n < r.h ? n : r.h;
	for (i = 0; i < shown; i++)
		ui_put_line(r.y + i, r.x, r.w, &lines[i], ui_side_of(al, dir), attr);
	if (n > r.h && r.w > 1) {
		wchar_t dots[2] = { 0x2026, 0 };
		cchar_t cc;
		int x = dir == TEXT_RTL ? r.x : r.x + r.w - 1;
		setcchar(&cc, dots, (attr_t)attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
		ui_cv_wch(r.y + r.h - 1, x, &cc, 0);
	}
	return shown;
}

/* Contract: see ui.h. */
bool
ui_size(int *rows, int *cols)
{
	int r = 0, c = 0;

	if (ui_st.active)
		getmaxyx(stdscr, r, c);
	if (rows)
		*rows = r;
	if (cols)
		*cols = c;
	return r >= 24 && c >= 80;
}

/* Contract: see ui.h. The BEL goes out with the next screen update
 * (ui_present), so the refused keys of a paste beep once, not per key. */
void
ui_beep(void)
{
	if (ui_st.active)
		ui_st.beep_due = true;
}

void
ui_cursor_at(int y, int x)
{
	ui_st.cur_vis = true;
	ui_st.cur_y = y;
	ui_st.cur_x = x;
}

/* Contract (ui_int.h): the status line is the row above the footer. */
void
ui_draw_status(void)
{
	int rows, cols;

	if (!ui_st.active)
		return;
	getmaxyx(stdscr, rows, cols);
	if (rows < 3)
		return;
	if (ui_st.status_id != NULL) {        /* ui_status_tr: in today's language */
		const char *m = ui_tr(ui_st.status_id);
		char buf[512];

		if (strstr(m, "%d") != NULL)
			snprintf(buf, sizeof buf, m, ui_st.status_arg);
		else
			snprintf(buf, sizeof buf, "%s", m);
		free(ui_st.status);
		ui_st.status = xstrdup(buf);
	}
	if (ui_st.status == NULL || ui_st.status[0] == '\0') {
		ui_fill(rows - 2, 0, cols, 0);
		return;
	}
	ui_text(rows - 2, 1, cols - 2, ui_st.status, ui_dir(), AL_START,
	        ui_st.status_err ? ui_pair(UP_ERROR) | (int)A_BOLD : ui_pair(UP_INFO));
}

/* Contract: see ui.h. The message is kept and repainted on every redraw
 * until replaced or cleared with "" (a new ui_run starts with it clear). */
void
ui_status(const char *utf8, bool error)
{
	free(ui_st.status);
	ui_st.status = (utf8 && utf8[0]) ? xstrdup(utf8) : NULL;
	ui_st.status_err = error;
	ui_st.status_id = NULL;
	ui_draw_status();
}

/* Contract: see ui.h. */
void
ui_status_tr(const char *msgid, int arg, bool error)
{
	free(ui_st.status);
	ui_st.status = NULL;
	ui_st.status_err = error;
	ui_st.status_id = msgid && msgid[0] ? msgid : NULL;
	ui_st.status_arg = arg;
	ui_draw_status();
}

/* Contract (ui_int.h). */
void
ui_status_lang_changed(void)
{
	if (ui_st.status_id == NULL) {
		free(ui_st.status);
		ui_st.status = NULL;
	}
}

/* One footer segment "key label" at the START side of [x, x+w); returns
 * its width or -1 when it does not fit. */
static int
footer_segment(int y, int x, int w, const char *text, int attr)
{
	const struct text_line *l = text_layout_ref(text, ui_dir());
	int width = l->width;

	if (width > w)
		return -1;
	if (ui_dir() == TEXT_RTL)
		ui_put_line(y, x + w - width, width, l, SIDE_LEFT, attr);
	else
		ui_put_line(y, x, width, l, SIDE_LEFT, attr);
	return width;
}

/* The columns the hints take with gap columns between them. */
static int
hints_width(const struct ui_key_hint *hints, int nhints, int gap)
{
	int total = 0;

	for (int i = 0; i < nhints; i++) {
		char *seg = ui_cat(hints[i].key ? hints[i].key : "", " ",
		                   hints[i].label ? ui_tr(hints[i].label) : "", (char *)NULL);
		total += text_layout_ref(seg, ui_dir())->width + (i ? gap : 0);
		free(seg);
	}
	return total;
}

/* Contract: see ui.h. Rows: 0 title, 2..rows-3 body, rows-2 status,
 * rows-1 footer. Hints are laid from the START side; "text reversed? F3"
 * (and, in Arabic, its English original, readable whatever the terminal
 * does with Arabic) stays at the END side. When the keys do not all fit,
 * the Arabic translation of the flip hint goes first (the English one,
 * which a reversed screen still shows readably, stays), then the gaps
 * between keys narrow to one column: the Arabic footer names the same
 * keys as the English one. Hints that still do not fit are left out whole. */
struct ui_rect
ui_frame(const char *title, const struct ui_key_hint *hints, int nhints)
{
	struct ui_rect body = { 2, 2, 0, 0 };
	int rows, cols, fattr = ui_pair(UP_FOOTER), tattr = ui_pair(UP_TITLE) | A_BOLD;
	int x, w, i, used, gap;
	bool flip_tr = true;

	getmaxyx(stdscr, rows, cols);
	if (!has_colors()) {
		fattr = A_REVERSE;
		tattr = A_REVERSE | A_BOLD;
	}
	body.h = rows - 4;
	body.w = cols - 4;
	ui_fill(0, 0, cols, tattr);
	ui_text(0, 1, cols - 2, ui_tr(title), ui_dir(), AL_START, tattr);

	/* footer: the flip hint at the END side first, then the keys. In
	 * Arabic the English original stands at the very end as its own LTR
	 * paragraph, readable whatever the terminal does to Arabic. */
	ui_fill(rows - 1, 0, cols, fattr);
	used = 0;
	gap = 2;
	if (ui_get_lang() == LANG_AR) {
		const char *en = "text reversed? F3";
		int ew = text_width(en);
		int tw = text_width(ui_tr(en));
		ui_text(rows - 1, ui_dir() == TEXT_RTL ? 1 : cols - 1 - ew, ew, en,
		        TEXT_LTR, AL_START, fattr);
		used = ew;
		if (hints_width(hints, nhints, 2) <= cols - 4 - used - 2 - tw) {
			used += 2;
		} else {
			flip_tr = false;        /* the keys first */
			if (hints_width(hints, nhints, 2) > cols - 4 - used)
				gap = 1;
		}
	} else if (hints_width(hints, nhints, 2) >
	           cols - 4 - text_width(ui_tr("text reversed? F3"))) {
		gap = 1;
	}
	if (flip_tr) {
		const char *fl = ui_tr("text reversed? F3");
		int fw = text_width(fl);
		if (fw > cols - 2 - used)
			fw = cols - 2 - used;
		ui_text(rows - 1, ui_dir() == TEXT_RTL ? 1 + used : cols - 1 - used - fw, fw,
		        fl, ui_dir(), AL_START, fattr);
		used += fw;
	}
	w = cols - 2 - used - 2;
	x = ui_dir() == TEXT_RTL ? 1 + used + 2 : 1;
	for (i = 0; i < nhints && w > 0; i++) {
		char *seg = ui_cat(hints[i].key ? hints[i].key : "", " ",
		                   hints[i].label ? ui_tr(hints[i].label) : "", (char *)NULL);
		int sw = footer_segment(rows - 1, x, w, seg, fattr);
		free(seg);
		if (sw < 0)
			break;
		sw += gap;
		w -= sw;
		if (ui_dir() == TEXT_LTR)
			x += sw;
	}
	return body;
}

/* Contract (ui_int.h): border with the line-drawing set; in RTL the title
 * hangs from the top-right corner. */
void
ui_box(struct ui_rect r, const char *title, int attr)
{
	int i, tw;

	if (r.h < 2 || r.w < 2)
		return;
	for (i = 0; i < r.h; i++)
		ui_fill(r.y + i, r.x, r.w, attr);
	/* as mvadd_wch under attron(attr): replayed so at the flush */
	ui_cv_wch(r.y, r.x, WACS_ULCORNER, attr);
	ui_cv_wch(r.y, r.x + r.w - 1, WACS_URCORNER, attr);
	ui_cv_wch(r.y + r.h - 1, r.x, WACS_LLCORNER, attr);
	ui_cv_wch(r.y + r.h - 1, r.x + r.w - 1, WACS_LRCORNER, attr);
	for (i = 1; i < r.w - 1; i++) {
		ui_cv_wch(r.y, r.x + i, WACS_HLINE, attr);
		ui_cv_wch(r.y + r.h - 1, r.x + i, WACS_HLINE, attr);
	}
	for (i = 1; i < r.h - 1; i++) {
		ui_cv_wch(r.y + i, r.x, WACS_VLINE, attr);
		ui_cv_wch(r.y + i, r.x + r.w - 1, WACS_VLINE, attr);
	}
	if (title && title[0] && r.w > 6) {
		char *t = ui_cat(" ", title, " ", (char *)NULL);
		tw = text_width(t);
		if (tw > r.w - 4)
			tw = r.w - 4;
		ui_text(r.y, ui_dir() == TEXT_RTL ? r.x + r.w - 2 - tw : r.x + 2, tw,
		        t, ui_dir(), AL_START, attr | A_BOLD);
		free(t);
	}
}
