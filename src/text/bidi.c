/*
 * text/bidi — text going out: one paragraph at a time through FriBidi into
 * rows of cells (see the pipeline in text.h).
 *
 * Invariants:
 *  1. Every input passes tx_decode_safe first: no control or bidi control
 *     reaches a cell, invalid bytes show as U+FFFD.
 *  2. Shaping runs on the whole logical paragraph; reordering runs per line
 *     (FRIBIDI_FLAGS_DEFAULT, so marks follow their base).
 *  3. A cell holds a base and at most TEXT_CELL_CHARS-1 marks; surplus marks
 *     are dropped; a mark whose base is not the cell just before it (start
 *     of a line, or separated by reordering) goes on a U+25CC cell, shared
 *     by the marks that follow it.
 *  4. Zero-width characters that are not marks (ZWJ, ZWNJ, U+FEFF…) are
 *     invisible: they shape but produce no cell.
 *  5. In BIDI_TERMINAL mode paragraphs are reordered and mirrored as in
 *     app mode but not shaped: the screen is the app-mode picture with
 *     plain letters, which the ui writes row by row in the order
 *     text_row_written gives (text/term_row.c) and the terminal shapes.
 */
#include <string.h>
#include <unistr.h>
#include <uniwidth.h>
#include <unictype.h>
#include <unilbrk.h>

#include "core/util.h"
#include "text/text_int.h"

static bidi_mode g_mode = BIDI_APP;

/* Contract: set the process-wide mode (F3 flips it). */
void text_set_mode(bidi_mode m)
{
	g_mode = m == BIDI_TERMINAL ? BIDI_TERMINAL : BIDI_APP;
}

/* Contract: the process-wide mode. */
bidi_mode text_mode(void)
{
	return g_mode;
}

/* Contract: "app" / "terminal" → *out and true; anything else false. */
bool text_parse_mode(const char *s, bidi_mode *out)
{
	if (!s || !out)
		return false;
	if (strcmp(s, "app") == 0)
		*out = BIDI_APP;
	else if (strcmp(s, "terminal") == 0)
		*out = BIDI_TERMINAL;
	else
		return false;
	return true;
}

/*
 * Prepended concatenation marks (U+0600 ARABIC NUMBER SIGN…) are Cf, so
 * uc_width says 0, but glibc's wcwidth and terminals give them a column.
 * libunistring 1.0 has no predicate for this property: the list is its
 * complete Unicode 14 value set.
 */
static bool prepended_mark(uint32_t c)
{
	return (c >= 0x0600 && c <= 0x0605) || c == 0x06DD || c == 0x070F ||
	       c == 0x0890 || c == 0x0891 || c == 0x08E2 || c == 0x110BD ||
	       c == 0x110CD;
}

static int cell_width(uint32_t c)
{
	return prepended_mark(c) ? 1 : uc_width(c, "UTF-8");
}

enum tx_kind tx_char_kind(uint32_t c)
{
	int w = cell_width(c);

	if (w > 0)
		return TX_BASE;
	if (w < 0)            /* controls: never here after sanitising */
		return TX_BASE;
	if (uc_is_property_default_ignorable_code_point(c) ||
	    uc_is_general_category(c, UC_CATEGORY_Cf))
		return TX_INVISIBLE;
	return TX_MARK;
}

int tx_char_width(uint32_t c)
{
	int w = cell_width(c);

	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

static void *alloc_n(int n, size_t size)
{
	return xcalloc((size_t)(n > 0 ? n : 1), size);
}

void tx_para_init(struct tx_para *p, const uint32_t *u, int n, text_dir base,
                  bool visual)
{
	FriBidiBracketType *brackets;
	FriBidiArabicProp *ar;
	int i, last = -1;

	memset(p, 0, sizeof *p);
	p->n = n;
	p->visual = visual;
	p->logical = alloc_n(n, sizeof *p->logical);
	p->shaped = alloc_n(n, sizeof *p->shaped);
	p->types = alloc_n(n, sizeof *p->types);
	p->levels = alloc_n(n, sizeof *p->levels);
	p->base_of = alloc_n(n, sizeof *p->base_of);
	if (n > 0) {
		memcpy(p->logical, u, (size_t)n * sizeof *u);
		memcpy(p->shaped, u, (size_t)n * sizeof *u);
	}
	for (i = 0; i < n; i++) {
		enum tx_kind k = tx_char_kind(u[i]);
		if (k == TX_BASE)
			last = i;
		p->base_of[i] = k == TX_BASE ? i : last;
	}
	p->pdir = base == TEXT_RTL ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
	if (n == 0)
		return;
	fribidi_get_bidi_types(p->shaped, n, p->types);
	if (!p->visual)
		return;
	brackets = alloc_n(n, sizeof *brackets);
	ar = alloc_n(n, sizeof *ar);
	fribidi_get_bracket_types(p->shaped, n, p->types, brackets);
	if (fribidi_get_par_embedding_levels_ex(p->types, brackets, n, &p->pdir,
	                                        p->levels) == 0) {
		/* FriBidi failed (out of memory): show the logical order. */
		p->pdir = base == TEXT_RTL ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
		memset(p->levels, base == TEXT_RTL ? 1 : 0, (size_t)n);
	}
	fribidi_get_joining_types(p->shaped, n, ar);
	fribidi_join_arabic(p->types, n, p->levels, ar);
	/* BIDI_TERMINAL: the terminal shapes (it joins the letters of the
	 * row it is given), so only the mirroring is done here. */
	fribidi_shape(FRIBIDI_FLAG_SHAPE_MIRRORING |
	              (text_mode() == BIDI_APP ? FRIBIDI_FLAG_SHAPE_ARAB_PRES : 0),
	              p->levels, n, ar, p->shaped);
	free(ar);
	free(brackets);
}

void tx_para_free(struct tx_para *p)
{
	free(p->logical);
	free(p->shaped);
	free(p->types);
	free(p->levels);
	free(p->base_of);
	memset(p, 0, sizeof *p);
}

void tx_para_order(const struct tx_para *p, int start, int end, int *v2l)
{
	int len = end - start, i;
	FriBidiLevel *lv;
	FriBidiStrIndex *map;

	for (i = 0; i < len; i++)
		v2l[i] = start + i;
	if (!p->visual || len <= 0)
		return;
	lv = alloc_n(len, sizeof *lv);
	map = alloc_n(len, sizeof *map);
	memcpy(lv, p->levels + start, (size_t)len * sizeof *lv);
	for (i = 0; i < len; i++)
		map[i] = start + i;
	if (fribidi_reorder_line(FRIBIDI_FLAGS_DEFAULT, p->types + start, len, 0,
	                         p->pdir, lv, NULL, map) != 0) {
		for (i = 0; i < len; i++)
			v2l[i] = map[i];
	}
	free(map);
	free(lv);
}

static struct text_cell *push_cell(struct text_line *l, int *cap)
{
	struct text_cell *c;

	if (l->ncells == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		l->cells = xrealloc(l->cells, (size_t)*cap * sizeof *l->cells);
	}
	c = &l->cells[l->ncells++];
	memset(c, 0, sizeof *c);
	return c;
}

/* Does mark li belong in the cell whose base (or, for a U+25CC cell, whose
 * first orphan mark) is logical cl? Orphan marks of one run share a cell. */
static bool same_base(const struct tx_para *p, int cl, int li)
{
	if (cl == p->base_of[li])
		return true;
	return tx_char_kind(p->shaped[cl]) == TX_MARK && p->base_of[cl] == p->base_of[li];
}

void tx_para_line(const struct tx_para *p, int start, int end, struct text_line *out)
{
	int len = end - start, cap = 0, j;
	int *v2l;

	memset(out, 0, sizeof *out);
	out->start = start;
	out->end = end;
	if (len <= 0)
		return;
	v2l = alloc_n(len, sizeof *v2l);
	tx_para_order(p, start, end, v2l);
	for (j = 0; j < len; j++) {
		int li = v2l[j];
		uint32_t ch = p->shaped[li];
		enum tx_kind k = tx_char_kind(ch);
		struct text_cell *c;
		int m;

		if (k == TX_INVISIBLE)
			continue;
		if (k == TX_MARK && out->ncells > 0 &&
		    same_base(p, out->cells[out->ncells - 1].logical, li)) {
			c = &out->cells[out->ncells - 1];
			for (m = 1; m < TEXT_CELL_CHARS && c->ch[m]; m++)
				;
			if (m < TEXT_CELL_CHARS)
				c->ch[m] = ch;
			continue;
		}
		c = push_cell(out, &cap);
		c->logical = li;
		if (k == TX_MARK) {
			c->ch[0] = TX_DOTTED_CIRCLE;
			c->ch[1] = ch;
			c->width = 1;
		} else {
			c->ch[0] = ch;
			c->width = (uint8_t)tx_char_width(ch);
		}
		out->width += c->width;
	}
	free(v2l);
}

/*
 * The width estimate before building a line counts bases only; a mark that
 * ends up without its base (a U+25CC cell) adds a column. Build, and while
 * the line is wider than `width`, move *cut back (by at least half the
 * excess, never splitting a base from its marks) and rebuild. Keeps at
 * least one character after start when start < *cut.
 */
static void shrink_to(const struct tx_para *p, int start, int *cut, int width,
                      struct text_line *out)
{
	while (out->width > width && *cut > start + 1) {
		int step = (out->width - width + 1) / 2;
		int c = *cut - (step > 0 ? step : 1);
		if (c < start + 1)
			c = start + 1;
		while (c > start + 1 && tx_char_kind(p->shaped[c]) != TX_BASE)
			c--;
		*cut = c;
		text_line_free(out);
		tx_para_line(p, start, c, out);
	}
}

int *tx_col_map(const struct text_line *l, int from, int to)
{
	int *m = alloc_n(to - from, sizeof *m);
	int col = 0, i;

	for (i = 0; i < to - from; i++)
		m[i] = -1;
	for (i = 0; i < l->ncells; i++) {
		int lg = l->cells[i].logical;
		if (lg >= from && lg < to)
			m[lg - from] = col;
		col += l->cells[i].width;
	}
	return m;
}

/* text_layout without the cache (text_int.h). utf8 NULL counts as "". */
int tx_layout(const char *utf8, text_dir base, struct text_line *out)
{
	struct tx_para p;
	int n;
	uint32_t *u = tx_decode_safe(utf8 ? utf8 : "", utf8 ? strlen(utf8) : 0, &n);

	tx_para_init(&p, u, n, base, true);
	tx_para_line(&p, 0, n, out);
	tx_para_free(&p);
	free(u);
	return 0;
}

static void add_ellipsis(struct text_line *l, bool at_left, int logical)
{
	struct text_cell e;

	memset(&e, 0, sizeof e);
	e.ch[0] = TX_ELLIPSIS;
	e.width = 1;
	e.logical = logical;
	l->cells = xrealloc(l->cells, (size_t)(l->ncells + 1) * sizeof *l->cells);
	if (at_left) {
		memmove(l->cells + 1, l->cells, (size_t)l->ncells * sizeof *l->cells);
		l->cells[0] = e;
	} else {
		l->cells[l->ncells] = e;
	}
	l->ncells++;
	l->width++;
}

/*
 * text_fit without the cache (text_int.h). The cut falls between grapheme
 * bases (marks stay with their letter); width <= 0 gives an empty line; the
 * ellipsis cell's logical is the first hidden character. In BIDI_TERMINAL
 * mode the ellipsis goes at the logical end (the terminal places it).
 */
int tx_fit(const char *utf8, text_dir base, int width, struct text_line *out)
{
	struct tx_para p;
	int n, i, w = 0, cut;
	uint32_t *u = tx_decode_safe(utf8 ? utf8 : "", utf8 ? strlen(utf8) : 0, &n);

	tx_para_init(&p, u, n, base, true);
	tx_para_line(&p, 0, n, out);
	if (out->width <= width || width <= 0) {
		if (width <= 0) {
			text_line_free(out);
			out->start = out->end = 0;
		}
		goto done;
	}
	text_line_free(out);
	cut = 0;
	for (i = 0; i < n; i++) {
		int cw = tx_char_kind(p.shaped[i]) == TX_BASE ? tx_char_width(p.shaped[i]) : 0;
		if (cw > 0 && w + cw > width - 1)
			break;
		w += cw;
		cut = i + 1;
	}
	tx_para_line(&p, 0, cut, out);
	shrink_to(&p, 0, &cut, width - 1, out);
	if (out->width > width - 1) {
		text_line_free(out);
		cut = 0;
	}
	add_ellipsis(out, p.visual && base == TEXT_RTL, cut);
done:
	tx_para_free(&p);
	free(u);
	return 0;
}

/* Wrap one '\n'-free paragraph u[0..n) into *lines (growing *nl / *cap). */
static void wrap_para(const uint32_t *u, int n, text_dir base, int width,
                      struct text_line **lines, int *nl, int *cap)
{
	struct tx_para p;
	char *brk;
	int start = 0, i;

	tx_para_init(&p, u, n, base, true);
	brk = alloc_n(n, 1);
	if (n > 0)
		u32_width_linebreaks(p.logical, (size_t)n, width, 0, 0, NULL, "UTF-8", brk);
	while (1) {
		int end = start, w = 0, lastbrk = -1, cut;

		/* Take characters while they fit; remember the last break. */
		for (i = start; i < n; i++) {
			int cw = tx_char_kind(p.shaped[i]) == TX_BASE ? tx_char_width(p.shaped[i]) : 0;
			bool space = p.logical[i] == ' ';
			if (i > start && brk[i] != UC_BREAK_PROHIBITED)
				lastbrk = i;
			if (cw > 0 && !space && w + cw > width && i > start)
				break;
			w += cw;
			end = i + 1;
		}
		if (end < n && lastbrk > start)
			cut = lastbrk;            /* at a break opportunity */
		else
			cut = end;                /* word longer than the line */
		if (*nl == *cap) {
			*cap *= 2;
			*lines = xrealloc(*lines, (size_t)*cap * sizeof **lines);
		}
		{
			int vis = cut;     /* trailing spaces take no room */
			while (cut < n && vis > start && p.logical[vis - 1] == ' ')
				vis--;
			tx_para_line(&p, start, vis, &(*lines)[*nl]);
			if ((*lines)[*nl].width > width) {
				shrink_to(&p, start, &vis, width, &(*lines)[*nl]);
				cut = vis;
			}
			(*lines)[*nl].end = cut;
		}
		(*nl)++;
		if (cut >= n)
			break;
		start = cut;
	}
	free(brk);
	tx_para_free(&p);
}

/*
 * text_wrap without the cache (text_int.h). A line's [start, end) counts
 * characters of the whole text (newlines included between lines); trailing
 * spaces of a wrapped line are in its range but take no cells. width < 1 is
 * taken as 1; a single character wider than width still gets its own line.
 */
int tx_wrap(const char *utf8, text_dir base, int width, struct text_line **lines)
{
	const char *s = utf8 ? utf8 : "";
	int n, cap = 4, nl = 0, a = 0, i;
	uint32_t *u = NULL;
	const uint8_t *p = (const uint8_t *)s;
	size_t bytes = strlen(s), pos = 0;

	if (width < 1)
		width = 1;
	/* Decode keeping '\n' apart from the sanitiser (it would hide it). */
	u = xmalloc((bytes + 1) * sizeof *u);
	n = 0;
	while (pos < bytes && n < TX_MAX_CHARS) {
		ucs4_t c;
		int len = u8_mbtouc(&c, p + pos, bytes - pos);
		pos += (size_t)(len > 0 ? len : 1);
		u[n++] = c == '\n' ? '\n' : tx_safe_char(c);
	}
	*lines = xmalloc((size_t)cap * sizeof **lines);
	for (i = 0; i <= n; i++) {
		if (i < n && u[i] != '\n')
			continue;
		{
			int first = nl, k;
			wrap_para(u + a, i - a, base, width, lines, &nl, &cap);
			for (k = first; k < nl; k++) {
				struct text_line *l = &(*lines)[k];
				int c;
				l->start += a;
				l->end += a;
				for (c = 0; c < l->ncells; c++)
					l->cells[c].logical += a;
			}
		}
		a = i + 1;
	}
	free(u);
	return nl;
}

/* Contract: free a line's cells (l may be NULL); l stays reusable. */
void text_line_free(struct text_line *l)
{
	if (!l)
		return;
	free(l->cells);
	l->cells = NULL;
	l->ncells = 0;
	l->width = 0;
}

/* Contract: free lines[0..n) and the array itself. */
void text_lines_free(struct text_line *lines, int n)
{
	int i;

	if (!lines)
		return;
	for (i = 0; i < n; i++)
		text_line_free(&lines[i]);
	free(lines);
}

/* Contract: see text.h. */
text_dir text_guess_dir(const char *utf8)
{
	int n;
	uint32_t *u = tx_decode_safe(utf8 ? utf8 : "", utf8 ? strlen(utf8) : 0, &n);
	FriBidiCharType *t = alloc_n(n, sizeof *t);
	FriBidiParType d;

	fribidi_get_bidi_types(u, n, t);
	d = fribidi_get_par_direction(t, n);
	free(t);
	free(u);
	return d == FRIBIDI_PAR_RTL ? TEXT_RTL : TEXT_LTR;
}

/* Contract: see text.h. u is sanitised first (1:1), so indices agree. */
int text_bidi_maps(const uint32_t *u, int n, text_dir base, int *l2v, int *v2l)
{
	struct tx_para p;
	uint32_t *safe;
	int i;

	if (n < 0 || (n > 0 && (!u || !l2v || !v2l)) || n > TX_MAX_CHARS)
		return -1;
	safe = alloc_n(n, sizeof *safe);
	for (i = 0; i < n; i++)
		safe[i] = tx_safe_char(u[i]);
	tx_para_init(&p, safe, n, base, true);
	tx_para_order(&p, 0, n, v2l);
	for (i = 0; i < n; i++)
		l2v[v2l[i]] = i;
	tx_para_free(&p);
	free(safe);
	return 0;
}
