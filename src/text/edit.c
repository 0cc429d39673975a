/*
 * text/edit — the edit buffer behind every input field.
 *
 * Invariants:
 *  1. buf holds logical UCS-4 without controls or bidi controls ('\n' only
 *     when multiline); len <= max_chars when max_chars > 0.
 *  2. cursor is a grapheme-cluster boundary in [0, len] after every call
 *     (u32_grapheme_breaks), so a letter and its harakat move and delete as
 *     one.
 *  3. Left/Right are visual: the caret is drawn on the cell of the cluster
 *     after it; the logical end is drawn past the last cell on the side
 *     where the paragraph ends (right in LTR, left in RTL). Left picks the
 *     caret position whose column is the nearest one to the left.
 *  4. Wiping overwrites the old content before it is freed.
 */
#include <string.h>
#include <unistr.h>
#include <unigbrk.h>

#include "core/util.h"
#include "text/text_int.h"

/* Contract: an empty buffer; max_chars 0 = no limit. */
void text_edit_init(struct text_edit *e, text_dir dir, size_t max_chars, bool multiline)
{
	memset(e, 0, sizeof *e);
	e->dir = dir;
	e->max_chars = max_chars;
	e->multiline = multiline;
}

/* Contract: wipe and free the buffer; e can be initialised again. */
void text_edit_free(struct text_edit *e)
{
	text_edit_wipe(e);
	free(e->buf);
	e->buf = NULL;
	e->cap = 0;
}

/* Contract: see text.h (volatile stores, so the wipe is not elided). */
void text_edit_wipe(struct text_edit *e)
{
	volatile uint32_t *p = e->buf;
	size_t i;

	for (i = 0; p && i < e->cap; i++)
		p[i] = 0;
	e->len = 0;
	e->cursor = 0;
	e->scroll = 0;
}

/* Grapheme breaks of the buffer: b[i] != 0 when i is a boundary, 0..len. */
static char *breaks(const struct text_edit *e)
{
	char *b = xcalloc(e->len + 1, 1);

	if (e->len > 0)
		u32_grapheme_breaks(e->buf, e->len, b);
	b[0] = 1;
	b[e->len] = 1;
	return b;
}

static size_t next_boundary(const struct text_edit *e, const char *b, size_t i)
{
	if (i >= e->len)
		return e->len;
	for (i++; i < e->len && !b[i]; i++)
		;
	return i;
}

static size_t prev_boundary(const char *b, size_t i)
{
	if (i == 0)
		return 0;
	for (i--; i > 0 && !b[i]; i--)
		;
	return i;
}

static bool allowed(const struct text_edit *e, uint32_t c)
{
	if (c == '\n')
		return e->multiline;
	return !tx_is_control(c) && !tx_is_bidi_control(c) &&
	       c != 0x2028 && c != 0x2029 && c <= 0x10FFFF &&
	       !(c >= 0xD800 && c <= 0xDFFF);
}

/* Insert u[0..n) (already filtered) at the cursor; false if cut short. */
static bool insert_u32(struct text_edit *e, const uint32_t *u, size_t n)
{
	size_t room = e->max_chars ? (e->max_chars > e->len ? e->max_chars - e->len : 0)
	                           : (size_t)TX_MAX_CHARS - e->len;
	bool ok = n <= room;
	char *b;

	if (!ok)
		n = room;
	if (n == 0)
		return ok;
	if (e->len + n > e->cap) {
		size_t cap = e->cap ? e->cap : 16;
		uint32_t *nb;
		while (cap < e->len + n)
			cap *= 2;
		/* Grow by copy so the old buffer can be wiped. */
		nb = xmalloc(cap * sizeof *nb);
		if (e->len)
			memcpy(nb, e->buf, e->len * sizeof *nb);
		{
			volatile uint32_t *p = e->buf;
			size_t i;
			for (i = 0; p && i < e->cap; i++)
				p[i] = 0;
		}
		free(e->buf);
		e->buf = nb;
		e->cap = cap;
	}
	memmove(e->buf + e->cursor + n, e->buf + e->cursor,
	        (e->len - e->cursor) * sizeof *e->buf);
	memcpy(e->buf + e->cursor, u, n * sizeof *u);
	e->len += n;
	e->cursor += n;
	b = breaks(e);
	while (e->cursor < e->len && !b[e->cursor])
		e->cursor++;
	free(b);
	return ok;
}

/* Contract: see text.h. */
bool text_edit_insert(struct text_edit *e, const char *utf8)
{
	size_t n, i, k = 0;
	uint32_t *u;
	bool ok = true;

	if (!utf8)
		return false;
	n = strlen(utf8);
	if (!text_valid_utf8(utf8, n))
		return false;
	u = tx_decode(utf8, n, &n);
	for (i = 0; i < n; i++) {
		uint32_t c = u[i];
		if (c == '\t')
			c = ' ';
		if (c == '\r')
			c = '\n';
		if (c == '\n' && !e->multiline)
			c = ' ';
		if (allowed(e, c))
			u[k++] = c;
	}
	if (!insert_u32(e, u, k))
		ok = false;
	free(u);
	return ok;
}

/* Contract: insert one character; false when refused (control, limit). */
bool text_edit_insert_char(struct text_edit *e, uint32_t c)
{
	if (!allowed(e, c))
		return false;
	return insert_u32(e, &c, 1);
}

/* Contract: see text.h (utf8 is cleaned with text_clean; invalid → empty). */
void text_edit_set(struct text_edit *e, const char *utf8)
{
	char *c = utf8 ? text_clean(utf8, strlen(utf8), e->multiline) : NULL;

	text_edit_wipe(e);
	if (c) {
		text_edit_insert(e, c);
		free(c);
	}
	e->cursor = e->len;
}

/* Contract: see text.h. */
char *text_edit_get(const struct text_edit *e)
{
	return tx_encode(e->buf ? e->buf : (const uint32_t *)"", e->len);
}

static void delete_range(struct text_edit *e, size_t a, size_t b)
{
	if (b <= a)
		return;
	memmove(e->buf + a, e->buf + b, (e->len - b) * sizeof *e->buf);
	e->len -= b - a;
	memset(e->buf + e->len, 0, (b - a) * sizeof *e->buf);
	e->cursor = a;
}

/* Contract: delete the grapheme cluster before the cursor. */
void text_edit_backspace(struct text_edit *e)
{
	char *b;

	if (e->cursor == 0)
		return;
	b = breaks(e);
	delete_range(e, prev_boundary(b, e->cursor), e->cursor);
	free(b);
}

/* Contract: delete the grapheme cluster after the cursor. */
void text_edit_delete(struct text_edit *e)
{
	char *b;

	if (e->cursor >= e->len)
		return;
	b = breaks(e);
	delete_range(e, e->cursor, next_boundary(e, b, e->cursor));
	free(b);
}

/* Contract: to the logical start (multiline: of the current line). */
void text_edit_home(struct text_edit *e)
{
	if (e->multiline)
		while (e->cursor > 0 && e->buf[e->cursor - 1] != '\n')
			e->cursor--;
	else
		e->cursor = 0;
}

/* Contract: to the logical end (multiline: of the current line). */
void text_edit_end(struct text_edit *e)
{
	if (e->multiline)
		while (e->cursor < e->len && e->buf[e->cursor] != '\n')
			e->cursor++;
	else
		e->cursor = e->len;
}

/*
 * Move one caret stop visually (dir -1 left, +1 right) inside the current
 * paragraph ('\n'-separated); past its visual edge, step logically into
 * the neighbouring paragraph.
 */
static void move_visual(struct text_edit *e, int dir)
{
	size_t a = e->cursor, z = e->cursor, i;
	struct tx_para p;
	struct text_line l;
	char *b;
	int *col, cur, best = -1, endcol;
	uint32_t *safe;

	while (a > 0 && e->buf[a - 1] != '\n')
		a--;
	while (z < e->len && e->buf[z] != '\n')
		z++;
	safe = xmalloc((z - a + 1) * sizeof *safe);
	for (i = a; i < z; i++)
		safe[i - a] = tx_safe_char(e->buf[i]);
	tx_para_init(&p, safe, (int)(z - a), e->dir, true);
	tx_para_line(&p, 0, (int)(z - a), &l);
	b = breaks(e);
	/* col[k]: the caret column of position a+k (k = z-a is the end). */
	endcol = (p.visual && e->dir == TEXT_RTL) ? -1 : l.width;
	col = tx_col_map(&l, 0, (int)(z - a) + 1);
	for (i = z + 1; i-- > a;) {
		int c = i < z ? col[i - a] : endcol;
		col[i - a] = c >= 0 || i == z ? c : col[i - a + 1];
	}
	cur = col[e->cursor - a];
	for (i = a; i <= z; i++) {
		int c = col[i - a];
		if (!b[i] || i == e->cursor)
			continue;
		if (dir < 0 && c < cur && (best < 0 || c > col[best - (int)a]))
			best = (int)i;
		if (dir > 0 && c > cur && (best < 0 || c < col[best - (int)a]))
			best = (int)i;
	}
	if (best >= 0) {
		e->cursor = (size_t)best;
	} else {
		/* At the edge: go logically to the next / previous paragraph. */
		bool forward = (dir > 0) == (e->dir == TEXT_LTR);
		if (forward && z < e->len)
			e->cursor = z + 1;
		else if (!forward && a > 0)
			e->cursor = a - 1;
	}
	free(col);
	free(b);
	text_line_free(&l);
	tx_para_free(&p);
	free(safe);
}

/* Contract: one cluster visually left (see invariant 3). */
void text_edit_left(struct text_edit *e)
{
	move_visual(e, -1);
}

/* Contract: one cluster visually right. */
void text_edit_right(struct text_edit *e)
{
	move_visual(e, +1);
}

/* Pad or clip line l to exactly `width` columns: columns [off, off+width)
 * of the line are kept (off may be negative: blanks on the left); a wide
 * cell cut by an edge becomes blank. Blank cells are ' ' with logical -1. */
static void frame_line(struct text_line *l, int off, int width)
{
	struct text_cell *fin = xmalloc((size_t)width * sizeof *fin), blank;
	int col = 0, j, x = 0, k = 0;

	memset(&blank, 0, sizeof blank);
	blank.ch[0] = ' ';
	blank.width = 1;
	blank.logical = -1;
	/* cells are in visual order, so one pass: blanks up to each cell that
	 * fits whole, the cell, and blanks after the last */
	for (j = 0; j < l->ncells; j++) {
		const struct text_cell *c = &l->cells[j];
		int x0 = col - off;
		col += c->width;
		if (x0 < 0 || x0 + c->width > width || !c->ch[0])
			continue;
		while (x < x0) {
			fin[k++] = blank;
			x++;
		}
		fin[k++] = *c;
		x = x0 + c->width;
	}
	while (x < width) {
		fin[k++] = blank;
		x++;
	}
	free(l->cells);
	l->cells = fin;
	l->ncells = k;
	l->width = width;
}

/* The caret column of logical position pos within line l (whose chars are
 * [l->start, l->end)), given the column where its end caret goes. */
static int caret_col(const struct text_line *l, size_t pos, int endcol)
{
	int *m, i, c = endcol;

	if ((int)pos >= l->end)
		return endcol;
	m = tx_col_map(l, (int)pos, l->end);
	for (i = 0; i < l->end - (int)pos; i++) {
		if (m[i] >= 0) {
			c = m[i];
			break;
		}
	}
	free(m);
	return c;
}

/* Single line: lay out, scroll horizontally to keep the caret visible. */
static int render_single(struct text_edit *e, int width, struct text_line **lines,
                         int *crow, int *ccol)
{
	char *s = text_edit_get(e);
	struct text_line l;
	bool rtl = e->dir == TEXT_RTL;
	int v, cx, lo, hi, shift;

	tx_layout(s, e->dir, &l);     /* uncached: typed text stays out of the cache */
	free(s);
	/* Virtual row: RTL keeps column 0 for the end caret, LTR the last. */
	shift = rtl ? 1 : 0;
	v = l.width + 1;
	cx = (int)e->cursor >= (int)e->len ? (rtl ? 0 : l.width)
	                                   : caret_col(&l, e->cursor, rtl ? -1 : l.width) + shift;
	if (e->dir == TEXT_RTL) {        /* right-aligned when it fits */
		lo = v <= width ? v - width : 0;
		hi = v - width;
	} else {
		lo = 0;
		hi = v <= width ? 0 : v - width;
	}
	if (cx < e->scroll)
		e->scroll = cx;
	if (cx >= e->scroll + width)
		e->scroll = cx - width + 1;
	if (e->scroll < lo)
		e->scroll = lo;
	if (e->scroll > hi)
		e->scroll = hi;
	frame_line(&l, e->scroll - shift, width);
	*lines = xmalloc(sizeof **lines);
	(*lines)[0] = l;
	*crow = 0;
	*ccol = cx - e->scroll;
	return 1;
}

/*
 * Contract: see text.h. Each returned line is exactly `width` columns of
 * cells (blank cells, logical -1, pad it: RTL lines are right-aligned), so
 * the ui draws cells from the field's left edge and *ccol indexes them.
 * Multi-line text wraps at width-1 so the end caret always has a column;
 * e->scroll is then the first line shown. width < 2 or height < 1 are
 * taken as 2 and 1.
 */
int text_edit_render(struct text_edit *e, int width, int height,
                     struct text_line **lines, int *crow, int *ccol)
{
	struct text_line *all;
	char *s;
	int n, row = 0, i, shown;
	bool rtl = e->dir == TEXT_RTL;

	if (width < 2)
		width = 2;
	if (height < 1)
		height = 1;
	if (!e->multiline)
		return render_single(e, width, lines, crow, ccol);
	s = text_edit_get(e);
	n = tx_wrap(s, e->dir, width - 1, &all);   /* uncached, as above */
	free(s);
	for (i = 0; i < n; i++) {
		if ((size_t)all[i].start <= e->cursor && e->cursor <= (size_t)all[i].end) {
			row = i;
			if (e->cursor < (size_t)all[i].end)
				break;
		}
	}
	{
		int off = e->dir == TEXT_RTL ? all[row].width - width : 0;
		int endcol = rtl ? -1 : all[row].width;
		int c = caret_col(&all[row], e->cursor, endcol);
		*ccol = c - off;
		if (*ccol >= width)
			*ccol = width - 1;
		if (*ccol < 0)
			*ccol = 0;
	}
	if (row < e->scroll)
		e->scroll = row;
	if (row >= e->scroll + height)
		e->scroll = row - height + 1;
	if (e->scroll > n - 1)
		e->scroll = n - 1;
	if (e->scroll < 0)
		e->scroll = 0;
	shown = n - e->scroll < height ? n - e->scroll : height;
	*lines = xcalloc((size_t)shown, sizeof **lines);
	for (i = 0; i < n; i++) {
		if (i >= e->scroll && i < e->scroll + shown) {
			struct text_line *l = &all[i];
			frame_line(l, e->dir == TEXT_RTL ? l->width - width : 0, width);
			(*lines)[i - e->scroll] = *l;
		} else {
			text_line_free(&all[i]);
		}
	}
	free(all);
	*crow = row - e->scroll;
	return shown;
}
