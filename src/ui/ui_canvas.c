/*
 * ui/ui_canvas — the screen the widgets paint into, between them and
 * curses. A repaint draws the whole screen again (ui_loop: erase, draw),
 * but on a key almost every row comes out as it was; handing all of them
 * to curses again costs far more than the key itself (every cell stored,
 * then every touched row compared by wnoutrefresh). The canvas keeps the
 * frame being painted and the frame stdscr holds, and ui_present passes
 * curses only the rows that differ.
 *
 * Invariants:
 *  1. Every paint in src/ui goes through the canvas (ui_cv_*), never
 *     straight to stdscr; ui_cv_flush (from ui_present, before
 *     wnoutrefresh) is the only place that writes stdscr, so what curses
 *     diffs and sends is exactly what the old erase + draw left in stdscr.
 *  2. A row is cells plus "ops": cells are plain (one column, no marks,
 *     printable — what wadd_wch would store unchanged) and written with
 *     one wadd_wchnstr; an op is anything else (a wide character, a cell
 *     with marks, a line-drawing character under attron), replayed with
 *     the very curses call it was, in order, after the row's cells. A
 *     later plain write over an op's columns drops the op, as painting
 *     over it would.
 *  3. A row is flushed when its cells or ops differ from what stdscr holds
 *     or when stdscr's copy is unknown (start, a resize: the canvas takes
 *     stdscr's size at each erase).
 *  4. A known row of plain cells only (no ops now or in stdscr) is flushed
 *     from its first to its last differing cell; the cells outside that
 *     span already are in stdscr as they must be. Any other row is written
 *     whole, then its ops replayed.
 *  5. Between ui_scroll_begin and ui_scroll_end every paint at row y lands
 *     at row y - top, and only if that row is inside the view's rows: a
 *     view taller than the screen is drawn whole and scrolled by the one
 *     number. Columns are not moved.
 *  6. BIDI_TERMINAL: the frame is painted as in app mode (visual order,
 *     unshaped: text.h invariant 3); at the flush each row's units (a
 *     cell, or an op with its width) are put in the order
 *     text_row_written gives, so the terminal's own bidi algorithm puts
 *     them back where they were painted. What is compared with stdscr and
 *     sent is that written row; ui_cv_written_x maps a painted column to
 *     its written one (the cursor). App mode: the identity.
 *  7. BIDI_TERMINAL: a changed row holding lam + alef is sent whole
 *     (redrawln): mlterm joins the pair into one cell, so a partial update
 *     would land a column off (lam_alef).
 */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "core/util.h"

struct cv_op {
	int x, w;                   /* columns [x, x+w) */
	int attr_on;                /* attron() around it, 0 for none */
	cchar_t cc;
};

struct cv_row {
	struct cv_op *ops;
	int nops, cap;
};

static int cv_rows, cv_cols;
static cchar_t *cv_new, *cv_old;        /* cv_rows × cv_cols */
static struct cv_row *cv_nops, *cv_oops;
static bool *cv_known;                   /* stdscr's row y == cv_old's */
static int *cv_xmap;                     /* invariant 6: painted → written */
static cchar_t *cv_trow;                 /* one written row (invariant 6) */
static struct cv_row cv_tops;            /* its ops */
static bool sc_on;                       /* invariant 5 */
static struct ui_rect sc_view;
static int sc_top;

/* Contract: see ui.h. */
void
ui_scroll_begin(struct ui_rect view, int top)
{
	sc_on = true;
	sc_view = view;
	sc_top = top > 0 ? top : 0;
}

void
ui_scroll_end(void)
{
	sc_on = false;
}

/* Invariant 5: where row *y lands; false when outside the view. */
static bool
sc_map(int *y)
{
	if (!sc_on)
		return true;
	*y -= sc_top;
	return *y >= sc_view.y && *y < sc_view.y + sc_view.h;
}

static void
ops_free(struct cv_row *r, int n)
{
	for (int i = 0; r && i < n; i++)
		free(r[i].ops);
	free(r);
}

/* Take stdscr's size; on a change every row is unknown (invariant 3). */
static void
cv_size(void)
{
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	if (rows == cv_rows && cols == cv_cols && cv_new != NULL)
		return;
	ops_free(cv_nops, cv_rows);
	ops_free(cv_oops, cv_rows);
	free(cv_new);
	free(cv_old);
	free(cv_known);
	free(cv_xmap);
	free(cv_trow);
	cv_rows = rows > 0 ? rows : 0;
	cv_cols = cols > 0 ? cols : 0;
	cv_new = xcalloc((size_t)cv_rows * (size_t)cv_cols + 1, sizeof *cv_new);
	cv_old = xcalloc((size_t)cv_rows * (size_t)cv_cols + 1, sizeof *cv_old);
	cv_nops = xcalloc((size_t)cv_rows + 1, sizeof *cv_nops);
	cv_oops = xcalloc((size_t)cv_rows + 1, sizeof *cv_oops);
	cv_known = xcalloc((size_t)cv_rows + 1, sizeof *cv_known);
	cv_xmap = xcalloc((size_t)cv_rows * (size_t)cv_cols + 1, sizeof *cv_xmap);
	cv_trow = xcalloc((size_t)cv_cols + 1, sizeof *cv_trow);
	for (int i = 0; i < cv_rows * cv_cols; i++)
		cv_xmap[i] = i % cv_cols;
}

/* Contract (ui_int.h). */
void
ui_cv_erase(void)
{
	cchar_t blank;
	int x, y;

	sc_on = false;                     /* a frame starts unscrolled */
	cv_size();
	if (cv_cols == 0)
		return;
	/* what werase fills with: the window's background */
	wgetbkgrnd(stdscr, &blank);
	for (x = 0; x < cv_cols; x++)
		cv_new[x] = blank;
	for (y = 1; y < cv_rows; y++)
		memcpy(cv_new + (size_t)y * cv_cols, cv_new, (size_t)cv_cols * sizeof *cv_new);
	for (y = 0; y < cv_rows; y++)
		cv_nops[y].nops = 0;
}

/* Contract (ui_int.h). */
void
ui_cv_invalidate(void)
{
	for (int y = 0; y < cv_rows; y++)
		cv_known[y] = false;
}

/* Drop row y's ops that overlap [x, x+n) (invariant 2). */
static void
drop_ops(int y, int x, int n)
{
	struct cv_row *r = &cv_nops[y];
	int k = 0;

	for (int i = 0; i < r->nops; i++) {
		struct cv_op *o = &r->ops[i];
		if (o->x + o->w <= x || o->x >= x + n)
			r->ops[k++] = *o;
	}
	r->nops = k;
}

static void
cv_cells(int y, int x, const cchar_t *cells, int n)
{
	if (cv_new == NULL)
		cv_size();
	if (y < 0 || y >= cv_rows || n <= 0)
		return;
	if (x < 0) {                       /* what curses would not draw */
		cells -= x;
		n += x;
		x = 0;
	}
	if (x + n > cv_cols)
		n = cv_cols - x;
	if (n <= 0)
		return;
	memcpy(cv_new + (size_t)y * cv_cols + x, cells, (size_t)n * sizeof *cells);
	if (cv_nops[y].nops > 0)
		drop_ops(y, x, n);
}

/* Contract (ui_int.h). */
void
ui_cv_cells(int y, int x, const cchar_t *cells, int n)
{
	if (sc_map(&y))
		cv_cells(y, x, cells, n);
}

/* Contract (ui_int.h). */
void
ui_cv_wch(int y, int x, const cchar_t *cc, int attr_on)
{
	struct cv_row *r;
	int w;

	if (!sc_map(&y))
		return;
	if (cv_new == NULL)
		cv_size();
	if (y < 0 || y >= cv_rows || x < 0 || x >= cv_cols)
		return;
	w = wcwidth(cc->chars[0]);
	if (attr_on == 0 && w == 1 && cc->chars[1] == 0 &&
	    (cc->attr & A_ALTCHARSET) == 0) {
		cv_cells(y, x, cc, 1);         /* plain: stored as it is */
		return;
	}
	r = &cv_nops[y];
	if (r->nops == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->ops = xrealloc(r->ops, (size_t)r->cap * sizeof *r->ops);
	}
	memset(&r->ops[r->nops], 0, sizeof r->ops[r->nops]);
	r->ops[r->nops].x = x;
	r->ops[r->nops].w = w > 1 ? w : 1;
	r->ops[r->nops].attr_on = attr_on;
	r->ops[r->nops].cc = *cc;
	r->nops++;
}

static bool
ops_equal(const struct cv_row *a, const struct cv_row *b)
{
	return a->nops == b->nops &&
	       (a->nops == 0 || memcmp(a->ops, b->ops, (size_t)a->nops * sizeof *a->ops) == 0);
}

static void
push_op(struct cv_row *r, const struct cv_op *op)
{
	if (r->nops == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->ops = xrealloc(r->ops, (size_t)r->cap * sizeof *r->ops);
	}
	r->ops[r->nops++] = *op;
}

/* The character the bidi algorithm should see for a cell: line drawing
 * (ACS letters) is a neutral, an empty cell a space. */
static uint32_t
bidi_char(const cchar_t *cc, int attr_on)
{
	if ((cc->attr & A_ALTCHARSET) || (attr_on & A_ALTCHARSET))
		return 0x2500;
	return cc->chars[0] ? (uint32_t)cc->chars[0] : ' ';
}

/* Invariant 6: row y as it must be written, into cv_trow / cv_tops, and
 * its column map into cv_xmap. */
static void
written_row(int y)
{
	const cchar_t *nrow = cv_new + (size_t)y * cv_cols;
	const struct cv_row *no = &cv_nops[y];
	int *xmap = cv_xmap + (size_t)y * cv_cols;
	int *cover = xcalloc((size_t)cv_cols, sizeof *cover);
	int *ux = xcalloc((size_t)cv_cols, sizeof *ux);      /* unit's column */
	int *uw = xcalloc((size_t)cv_cols, sizeof *uw);      /* its width */
	int *uop = xcalloc((size_t)cv_cols, sizeof *uop);    /* op index or -1 */
	uint32_t *vis = xcalloc((size_t)cv_cols, sizeof *vis);
	uint32_t *out = xcalloc((size_t)cv_cols, sizeof *out);
	int *order = xcalloc((size_t)cv_cols, sizeof *order);
	int nu = 0, x, j, col;

	for (x = 0; x < cv_cols; x++)
		cover[x] = -1;
	for (int i = 0; i < no->nops; i++)
		for (x = no->ops[i].x; x < no->ops[i].x + no->ops[i].w && x < cv_cols; x++)
			cover[x] = i;
	for (x = 0; x < cv_cols; ) {
		int i = cover[x];
		ux[nu] = x;
		if (i >= 0 && no->ops[i].x == x) {
			uop[nu] = i;
			uw[nu] = no->ops[i].w;
			vis[nu] = bidi_char(&no->ops[i].cc, no->ops[i].attr_on);
		} else {
			uop[nu] = -1;
			uw[nu] = 1;
			vis[nu] = bidi_char(&nrow[x], 0);
		}
		if (x + uw[nu] > cv_cols)
			uw[nu] = cv_cols - x;
		x += uw[nu];
		nu++;
	}
	text_row_written(vis, nu, ui_dir(), out, order);
	cv_tops.nops = 0;
	for (j = 0, col = 0; j < nu; j++) {
		int u = order[j];
		bool swap = out[j] != vis[u];    /* mirrored back by the terminal */

		for (x = 0; x < uw[u]; x++)
			xmap[ux[u] + x] = col + x;
		if (uop[u] >= 0) {
			struct cv_op op = no->ops[uop[u]];
			op.x = col;
			if (swap)
				op.cc.chars[0] = (wchar_t)out[j];
			push_op(&cv_tops, &op);
			for (x = 0; x < uw[u]; x++)       /* under the op: as painted */
				cv_trow[col + x] = nrow[ux[u] + x];
		} else {
			cv_trow[col] = nrow[ux[u]];
			if (swap)
				cv_trow[col].chars[0] = (wchar_t)out[j];
		}
		col += uw[u];
	}
	free(cover);
	free(ux);
	free(uw);
	free(uop);
	free(vis);
	free(out);
	free(order);
}

/* Contract (ui_int.h). */
int
ui_cv_written_x(int y, int x)
{
	if (y < 0 || y >= cv_rows || x < 0 || x >= cv_cols || cv_xmap == NULL)
		return x;
	return cv_xmap[(size_t)y * cv_cols + x];
}

/* A lam followed by an alef (U+0622/3/5/7) in a written row. mlterm in its
 * own bidi mode (use_combining, its default) joins such a pair into one
 * cell as it arrives (vt_parser.c, vt_is_arabic_combining), so the rest of
 * the row sits a column left of where curses thinks; curses' later partial
 * updates of the row (a countdown's digits) then land one cell off and
 * leave stray characters. Such a row is written whole (invariant 7). */
static bool
lam_alef(const cchar_t *row, int n)
{
	for (int x = 0; x + 1 < n; x++) {
		wchar_t a = row[x + 1].chars[0];
		if (row[x].chars[0] == 0x0644 &&
		    (a == 0x0622 || a == 0x0623 || a == 0x0625 || a == 0x0627))
			return true;
	}
	return false;
}

/* Contract (ui_int.h). */
void
ui_cv_flush(void)
{
	bool term = text_mode() == BIDI_TERMINAL;

	for (int y = 0; y < cv_rows; y++) {
		cchar_t *nrow = cv_new + (size_t)y * cv_cols, *orow = cv_old + (size_t)y * cv_cols;
		struct cv_row *no = &cv_nops[y], *oo = &cv_oops[y];

		if (term) {
			written_row(y);
			nrow = cv_trow;
			no = &cv_tops;
		} else {
			for (int x = 0; x < cv_cols; x++)
				cv_xmap[(size_t)y * cv_cols + x] = x;
		}

		if (cv_known[y] && ops_equal(no, oo) &&
		    memcmp(nrow, orow, (size_t)cv_cols * sizeof *nrow) == 0)
			continue;
		if (term && lam_alef(nrow, cv_cols)) {
			wredrawln(stdscr, y, 1);        /* invariant 7 */
			cv_known[y] = false;
		}
		if (cv_known[y] && no->nops == 0 && oo->nops == 0) {
			/* plain cells only, now and in stdscr: the span that
			 * differs is enough (invariant 4) */
			int a = 0, b = cv_cols - 1;
			while (memcmp(&nrow[a], &orow[a], sizeof *nrow) == 0)
				a++;
			while (memcmp(&nrow[b], &orow[b], sizeof *nrow) == 0)
				b--;
			mvadd_wchnstr(y, a, nrow + a, b - a + 1);
			memcpy(orow + a, nrow + a, (size_t)(b - a + 1) * sizeof *nrow);
			continue;
		}
		mvadd_wchnstr(y, 0, nrow, cv_cols);
		for (int i = 0; i < no->nops; i++) {
			struct cv_op *o = &no->ops[i];
			if (o->attr_on)
				attron(o->attr_on);
			mvadd_wch(y, o->x, &o->cc);
			if (o->attr_on)
				attroff(o->attr_on);
		}
		memcpy(orow, nrow, (size_t)cv_cols * sizeof *nrow);
		if (oo->cap < no->nops) {
			oo->cap = no->nops;
			oo->ops = xrealloc(oo->ops, (size_t)oo->cap * sizeof *oo->ops);
		}
		if (no->nops > 0)
			memcpy(oo->ops, no->ops, (size_t)no->nops * sizeof *no->ops);
		oo->nops = no->nops;
		cv_known[y] = true;
	}
}
