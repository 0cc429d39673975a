/*
 * text/term_row — BIDI_TERMINAL rows: what to write so that a terminal
 * that runs the Unicode bidi algorithm itself (mlterm, VTE in implicit
 * mode, Konsole, PuTTY) shows the app-mode picture.
 *
 * Such a terminal takes each row as one paragraph in logical order, finds
 * its direction from the first strong character (P2-P3; LTR without one),
 * resolves levels, reorders (L1-L2) and mirrors odd levels (L4). mlterm
 * (vtemu/libctl/vt_bidi.c, 3.9) adds two rules, followed here (`shown`):
 * a row holding box drawing or block elements (U+2500-U+259F, DEC line
 * drawing: frames, the field edges ▏ ▕) is cut at each of them, the
 * pieces each a left-to-right paragraph of their own and the box
 * characters staying in their columns; and a piece before the row's first
 * right-to-left letter (R, AL; Arabic-Indic digits are AN and do not
 * count) is not reordered at all. Rows without box characters are the
 * plain rule (VTE, Konsole, PuTTY too). The ui
 * has the picture (cells in visual order, mirrored, unshaped: bidi.c
 * invariant 5); this module finds a logical row W with UBA(W) == picture.
 *
 * Method: for a paragraph direction d (the screen's first, then the other), a candidate W
 * gives levels and a reordering P (FriBidi, FRIBIDI_FLAGS_DEFAULT; in a
 * row with box characters, mlterm's pieces and their P). If the
 * picture were UBA(W') for some W' with the same levels, W' = picture ∘
 * P⁻¹ (the cells that land at odd levels un-mirrored). So iterate
 * W ← picture ∘ P⁻¹ from the picture reversed (d = RTL) or the picture
 * itself (d = LTR); after each step check W as the terminal sees it
 * (FRIBIDI_PAR_ON: its direction from its first strong character). Levels
 * depend only on the characters' types and their neighbours, which these
 * steps keep, so it settles in one or two steps on the rows khidma draws.
 * A row whose rightmost strong character is Latin and leftmost Arabic has
 * no solution without a direction mark (which terminals place
 * differently): the screens avoid such rows (ui_message's button puts the
 * key after its Arabic label), and the e2e model test finds any left.
 *
 * Invariants:
 *  1. A true return means FriBidi, run on out[] as the terminal would
 *     (mlterm's pieces in a row with box characters), gives back vis[]
 *     cell for cell (mirroring included).
 *  2. order[] is a permutation of 0..n-1 and out[j] is vis[order[j]] or
 *     its mirror. A false return (no exact order: see above) leaves the
 *     order that is exact for a paragraph in the screen's direction
 *     (`want`) — what a terminal told that direction (VTE with CSI 1/2 SP
 *     k, no autodetection) shows right — else the identity. A row with box
 *     characters and no exact order (in mlterm's left-to-right pieces a
 *     number right of the piece's last Arabic word cannot stay there: it
 *     joins the right-to-left run) gets the candidate that misplaces the
 *     fewest cells: its words read right, the number moves.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "text/text_int.h"

enum { ROW_MAX = 4096, ROW_STEPS = 4 };

static uint32_t mirror(uint32_t c)
{
	FriBidiChar m;

	return fribidi_get_mirror_char(c, &m) ? m : c;
}

/*
 * UBA(w) as the terminal computes it: pos[k] = index in w of the cell seen
 * at k, odd[k] whether it is mirrored. Returns false on a FriBidi failure.
 */
static bool uba(const uint32_t *w, int n, FriBidiParType pd, int *pos, bool *odd,
                FriBidiCharType *t, FriBidiBracketType *br, FriBidiLevel *lv)
{
	FriBidiStrIndex *map = xcalloc((size_t)n, sizeof *map);
	bool ok;
	int k;

	fribidi_get_bidi_types(w, n, t);
	fribidi_get_bracket_types(w, n, t, br);
	ok = fribidi_get_par_embedding_levels_ex(t, br, n, &pd, lv) != 0;
	if (ok) {
		for (k = 0; k < n; k++)
			map[k] = k;
		ok = fribidi_reorder_line(FRIBIDI_FLAGS_DEFAULT, t, n, 0, pd, lv,
		                          NULL, map) != 0;
	}
	/* lv stays in logical order (L1 applied): the cell seen at k has
	 * the level lv[map[k]] */
	for (k = 0; ok && k < n; k++) {
		pos[k] = map[k];
		odd[k] = (lv[map[k]] & 1) != 0;
	}
	free(map);
	return ok;
}

/* Box drawing and block elements: mlterm cuts a row at each
 * (vt_bidi.c: 0x2500 <= code <= 0x259f, and DEC special graphics). */
static bool is_box(uint32_t c)
{
	return c >= 0x2500 && c <= 0x259F;
}

/*
 * What the terminal shows of w (pos, odd as in uba): a row without box
 * characters is one paragraph, its direction from its first strong
 * character; with them, mlterm's pieces (see the top): each piece an LTR
 * paragraph, the box characters in place, nothing reordered before the
 * row's first R/AL letter (so a row without one stays as written).
 */
static bool shown(const uint32_t *w, int n, int *pos, bool *odd,
                  FriBidiCharType *t, FriBidiBracketType *br, FriBidiLevel *lv)
{
	bool any_box = false, rtl = false;
	int start = 0, i, k;

	for (i = 0; i < n; i++) {
		any_box = any_box || is_box(w[i]);
		rtl = rtl || (fribidi_get_bidi_type(w[i]) & FRIBIDI_MASK_RTL) != 0;
	}
	if (!any_box && rtl)
		return uba(w, n, FRIBIDI_PAR_ON, pos, odd, t, br, lv);
	for (k = 0; k < n; k++) {
		pos[k] = k;
		odd[k] = false;
	}
	rtl = false;
	for (i = 0; i <= n; i++) {
		if (i < n && !is_box(w[i])) {
			rtl = rtl || (fribidi_get_bidi_type(w[i]) & FRIBIDI_MASK_RTL) != 0;
			continue;
		}
		if (rtl && i > start) {
			if (!uba(w + start, i - start, FRIBIDI_PAR_LTR, pos + start,
			         odd + start, t, br, lv))
				return false;
			for (k = start; k < i; k++)
				pos[k] += start;
		}
		start = i + 1;
	}
	return true;
}

/* Cells of vis that UBA(w) misplaces (w[pos[k]], mirrored when odd[k],
 * is not vis[k]). */
static int misses(const uint32_t *vis, const uint32_t *w, int n,
                  const int *pos, const bool *odd)
{
	int bad = 0;

	for (int k = 0; k < n; k++) {
		uint32_t c = w[pos[k]];
		if ((odd[k] ? mirror(c) : c) != vis[k])
			bad++;
	}
	return bad;
}

/* Contract: see text.h. */
bool text_row_written(const uint32_t *vis, int n, text_dir want, uint32_t *out,
                      int *order)
{
	FriBidiCharType *t;
	FriBidiBracketType *br;
	FriBidiLevel *lv;
	uint32_t *w, *best_w;
	int *o, *best_o, *pos;
	bool *odd, done = false, boxed = false;
	int best = -1, fewest = 0, start, step, k;

	if (n <= 0)
		return n == 0;
	if (n > ROW_MAX) {
		for (k = 0; k < n; k++) {
			out[k] = vis[k];
			order[k] = k;
		}
		return false;
	}
	t = xcalloc((size_t)n, sizeof *t);
	br = xcalloc((size_t)n, sizeof *br);
	lv = xcalloc((size_t)n, sizeof *lv);
	w = xcalloc((size_t)n, sizeof *w);
	best_w = xcalloc((size_t)n, sizeof *best_w);
	o = xcalloc((size_t)n, sizeof *o);
	best_o = xcalloc((size_t)n, sizeof *best_o);
	pos = xcalloc((size_t)n, sizeof *pos);
	odd = xcalloc((size_t)n, sizeof *odd);
	for (k = 0; k < n && !boxed; k++)
		boxed = is_box(vis[k]);
	for (int attempt = 0; attempt < 2 && !done; attempt++) {
		/* start 0: the row reversed (RTL); 1: as it is (LTR); the
		 * screen's own direction first — in a row with box characters
		 * LTR first (mlterm's pieces are LTR, the boxes stay put) */
		bool mine = attempt == 0;
		FriBidiParType forced;

		if (boxed)
			start = mine ? 1 : 0;
		else
			start = (want == TEXT_RTL) == mine ? 0 : 1;
		forced = start == 0 ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
		for (k = 0; k < n; k++) {
			o[k] = start == 0 ? n - 1 - k : k;
			w[k] = vis[o[k]];
		}
		for (step = 0; step < ROW_STEPS; step++) {
			int bad;

			/* what the terminal shows (its direction from the row, or
			 * mlterm's pieces) */
			if (!shown(w, n, pos, odd, t, br, lv))
				break;
			if (misses(vis, w, n, pos, odd) == 0) {
				memcpy(best_w, w, (size_t)n * sizeof *w);
				memcpy(best_o, o, (size_t)n * sizeof *o);
				best = 0;
				done = true;
				break;
			}
			/* a boxed row steps by the pieces' own reordering, and
			 * without an exact order keeps the one that misplaces the
			 * fewest cells (invariant 2) */
			bad = misses(vis, w, n, pos, odd);
			if (boxed && (best < 0 || bad < fewest)) {
				memcpy(best_w, w, (size_t)n * sizeof *w);
				memcpy(best_o, o, (size_t)n * sizeof *o);
				best = 2;
				fewest = bad;
			}
			/* solved for this start's direction: the fallback when the
			 * row has no exact order (invariant 2) */
			if (!boxed && !uba(w, n, forced, pos, odd, t, br, lv))
				break;
			bad = misses(vis, w, n, pos, odd);
			if (mine && bad == 0 && best < 0) {
				memcpy(best_w, w, (size_t)n * sizeof *w);
				memcpy(best_o, o, (size_t)n * sizeof *o);
				best = 1;
			}
			/* W' = picture ∘ P⁻¹, un-mirrored where it lands odd */
			for (k = 0; k < n; k++) {
				o[pos[k]] = k;
				w[pos[k]] = odd[k] ? mirror(vis[k]) : vis[k];
			}
		}
	}
	if (best < 0) {
		for (k = 0; k < n; k++) {
			best_w[k] = vis[k];
			best_o[k] = k;
		}
	}
	memcpy(out, best_w, (size_t)n * sizeof *out);
	memcpy(order, best_o, (size_t)n * sizeof *order);
	free(t);
	free(br);
	free(lv);
	free(w);
	free(best_w);
	free(o);
	free(best_o);
	free(pos);
	free(odd);
	return done;
}
