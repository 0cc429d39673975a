/*
 * text — the only code that knows bidi, Arabic shaping, display widths and
 * sanitising. It never calls ncurses: it turns UTF-8 into rows of cells
 * (a base character plus at most 4 combining marks) that the ui layer copies
 * into cchar_t with setcchar. That keeps it testable and fuzzable alone.
 *
 * Pipeline for one paragraph (a label, a field, a line of a document), with
 * an explicit base direction (RTL for Arabic UI, LTR for English and for
 * digit fields):
 *
 *   UTF-8 ─u8_check/u8_to_u32─► logical UCS-4 ─sanitise─► display-safe
 *     ─fribidi_get_bidi_types / bracket types / par_embedding_levels_ex─►
 *     levels ─joining types / join_arabic / shape(MIRRORING|ARAB_PRES)─►
 *     shaped logical ─break on width (u8_width_linebreaks, logical)─► lines
 *     ─fribidi_reorder_line (FRIBIDI_FLAGS_DEFAULT incl. REORDER_NSM) per
 *     line─► visual ─cells (base + ≤4 marks, width from wcwidth)─► text_line
 *
 * Invariants:
 *  1. Lam-alef is shaped to TWO cells (no FRIBIDI_FLAG_SHAPE_ARAB_LIGA): the
 *     logical↔visual maps stay 1:1 per character and no U+FEFF is emitted.
 *  2. No cell ever holds a C0/C1 control, ESC, DEL or a bidi control
 *     (U+202A–202E, U+2066–2069, U+200E/F, U+061C): text_layout and friends
 *     sanitise every input, so callers cannot forget to. Controls show as
 *     the visible U+FFFD replacement (or a control picture U+2400+c).
 *  3. In BIDI_TERMINAL mode cells are in visual order like in app mode but
 *     unshaped (the terminal shapes); the ui writes each screen row in the
 *     order text_row_written gives, so that the terminal's own bidi
 *     algorithm, run on the row, puts every cell back where app mode shows
 *     it (text/term_row.c).
 *  4. Stored text is NFC, logical, with presentation forms folded back to
 *     letters (text_clean). Presentation forms are only ever produced here,
 *     on the way out.
 *  5. A cell's `logical` is the index (in characters) of its base character
 *     in the paragraph's logical text; marks belong to their base's cell.
 */
#ifndef KHIDMA_TEXT_H
#define KHIDMA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { TEXT_LTR = 0, TEXT_RTL = 1 } text_dir;
typedef enum { BIDI_APP = 0, BIDI_TERMINAL = 1 } bidi_mode;

#define TEXT_CELL_CHARS 5       /* = ncurses CCHARW_MAX: base + 4 marks */

struct text_cell {
	uint32_t ch[TEXT_CELL_CHARS]; /* base then marks; unused slots are 0 */
	uint8_t  width;               /* 1 or 2 columns */
	int32_t  logical;             /* char index of the base in the logical text */
};

struct text_line {
	struct text_cell *cells;      /* visual order, left to right */
	int    ncells;
	int    width;                 /* sum of the cells' widths, in columns */
	int    start, end;            /* logical char range [start, end) shown */
};

/* The process-wide mode; F3 flips it. Default BIDI_APP. */
void      text_set_mode(bidi_mode m);
bidi_mode text_mode(void);
/* Parse "app" / "terminal"; returns false for anything else. */
bool      text_parse_mode(const char *s, bidi_mode *out);

/* ---- text coming in -------------------------------------------------- */

/* True when s[0..n) is valid UTF-8 (u8_check). */
bool text_valid_utf8(const char *s, size_t n);

/*
 * Clean typed, pasted or imported text for storage: returns a malloc'd NUL-
 * terminated string — NFC, presentation forms folded to letters (NFKC on
 * those only), C0/C1 controls and bidi controls removed (a TAB or newline
 * becomes a space unless keep_newlines, which keeps '\n'), leading/trailing
 * white space trimmed. Returns NULL when s is not valid UTF-8.
 */
char *text_clean(const char *s, size_t n, bool keep_newlines);

/*
 * Digits: copy in to out, turning Arabic-Indic (U+0660–0669) and Persian
 * (U+06F0–06F9) digits into ASCII and dropping spaces, '-' and U+0640; any
 * other character makes it fail. Returns the number of ASCII bytes written,
 * or -1 (not only digits, invalid UTF-8, or out too small). A leading '+'
 * is kept when allow_plus.
 */
int text_digits(const char *in, char *out, size_t outsz, bool allow_plus);

/*
 * A search key: lower-case Latin (u8_casefold), harakat (U+064B–065F,
 * U+0670) and tatweel (U+0640) dropped, alef forms (آ أ إ ٱ) → ا, ى → ي,
 * ة → ه, ؤ → و, ئ → ي, Eastern digits → ASCII, NFKC. malloc'd; NULL for
 * invalid UTF-8. Matching two keys with strstr is then a fair Arabic search.
 */
char *text_search_key(const char *s);

/* Number of characters (code points) in valid UTF-8 s. */
size_t text_char_count(const char *s);

/* ---- text going out ----------------------------------------------------- */

/*
 * Lay out one paragraph on one line, no wrapping. Sanitises, runs the bidi
 * pipeline (or not, in BIDI_TERMINAL mode) and fills *out (which the caller
 * frees with text_line_free). Invalid UTF-8 shows as U+FFFD. Returns 0.
 */
int text_layout(const char *utf8, text_dir base, struct text_line *out);

/*
 * As text_layout but at most `width` columns: when the text is wider, it is
 * cut and an ellipsis (U+2026) stands on the side where the text continues —
 * the right for LTR, the left for RTL (the logical end in both).
 */
int text_fit(const char *utf8, text_dir base, int width, struct text_line *out);

/*
 * Wrap a paragraph to `width` columns: break opportunities come from
 * u8_width_linebreaks on the logical text; each line is then reordered.
 * '\n' in the text forces a break. *lines is malloc'd (free with
 * text_lines_free); returns the number of lines (>= 1, even for "").
 */
int text_wrap(const char *utf8, text_dir base, int width, struct text_line **lines);

void text_line_free(struct text_line *l);
void text_lines_free(struct text_line *lines, int n);

/* Display width in columns of utf8 laid out as one line (after sanitising). */
int text_width(const char *utf8);

/*
 * The same layouts, borrowed from the layout cache (text/cache.c) instead
 * of copied: the result must not be freed or changed, and stays valid only
 * until the next call of text_layout, text_fit, text_wrap, text_width, a
 * text_*_ref or text_cache_clear. text_layout / text_fit / text_wrap /
 * text_width use the cache too: a result is computed once for each text,
 * direction, width and mode (text_mode()) and then looked up.
 */
const struct text_line *text_layout_ref(const char *utf8, text_dir base);
const struct text_line *text_fit_ref(const char *utf8, text_dir base, int width);
int text_wrap_ref(const char *utf8, text_dir base, int width,
                  const struct text_line **lines);

/* Drop every cached layout, overwriting the texts and cells first (the
 * idle wipe: nothing a visitor saw stays in memory). */
void text_cache_clear(void);

/* Counters of the layout cache, for tests: lookups that hit or missed
 * since the start, entries and cells held now. */
struct text_cache_stats {
	unsigned long hits, misses;
	int entries, cells;
};
void text_cache_stats(struct text_cache_stats *st);

/*
 * BIDI_TERMINAL: the order to write one screen row in. vis[0..n) are the
 * base characters of the row's cells (a wide character is one entry; a
 * cell that is blank or line-drawing passes a space or U+2500), left to
 * right as they must be seen. A terminal doing bidi itself runs the
 * Unicode bidi algorithm on each row as one paragraph, direction from the
 * first strong character (P2-P3, LTR when there is none), mirroring what
 * ends at an odd level (L4). On return, writing out[j] (the character of
 * cell order[j], mirrored where the terminal will mirror it back) at
 * position j makes such a terminal show vis. Returns true when that was
 * verified exactly with FriBidi, false for a best effort (n < 0 or more
 * than 4096 cells: the identity). Of two exact orders, the one for a
 * paragraph in direction `want` (the screen's language) is taken, so an
 * English row stays in its order. out and order hold n entries.
 */
bool text_row_written(const uint32_t *vis, int n, text_dir want, uint32_t *out,
                      int *order);

/*
 * Eastern Arabic digits (text/digits.c): the base character to show for
 * cell i of l on a screen whose digits are Arabic-Indic — an ASCII digit
 * becomes U+0660..U+0669, '.' and ',' between digits U+066B / U+066C, '%'
 * by a digit U+066A; a digit of Latin text stays — in a word with a Latin
 * letter or '@' ("F3", an e-mail address) or after Latin text (the nearest
 * letter before it, logically, is Latin: "Person 05") — and so does every
 * other character. The line
 * is laid out with ASCII digits first, so the order on screen is the
 * order Western digits give (see digits.c, invariant 1); each replacement
 * is one column wide like the character it replaces. Out of range: 0.
 */
uint32_t text_cell_eastern(const struct text_line *l, int i);
/* The other way (arabic_digits = "western"): an Arabic-Indic digit of
 * cell i (one a translation carries) as ASCII, ٫ ٬ ٪ as . , %; every
 * other character as it is. */
uint32_t text_cell_western(const struct text_line *l, int i);

/* The app-mode visual line of utf8 (text_layout in direction base) with
 * text_cell_eastern applied to every cell, as malloc'd UTF-8 (NULL when
 * out of memory). For tests and plain-text output. */
char *text_eastern_digits(const char *utf8, text_dir base);

/* The direction a string most likely wants: RTL if its first strong
 * character is RTL (fribidi_get_par_direction), else LTR. */
text_dir text_guess_dir(const char *utf8);

/*
 * Make untrusted text display-safe, as UTF-8: invalid bytes → U+FFFD, C0/C1
 * controls (ESC, CSI 0x9B, BEL, DEL…) → U+FFFD, bidi controls removed
 * (U+FFFD). Used by text_layout; exposed for logs and plain-text exports to
 * a terminal (receipts). malloc'd.
 */
char *text_sanitize(const char *s, size_t n);

/* ---- editable fields -------------------------------------------------- */

/*
 * A single-line or multi-line edit buffer. The cursor lives in logical order
 * on grapheme-cluster boundaries (a letter with its harakat is one step).
 * Left/Right move *visually* (in an RTL field Left goes towards the logical
 * end of Arabic text, but through an embedded number in visual order).
 */
struct text_edit {
	uint32_t *buf;          /* logical UCS-4, not NUL-terminated */
	size_t    len, cap;
	size_t    max_chars;    /* limit in characters (0 = none) */
	size_t    cursor;       /* logical index, always a grapheme boundary */
	text_dir  dir;
	bool      multiline;    /* '\n' allowed (Enter inserts it is the ui's call) */
	int       scroll;       /* first visual column / first line shown; ui-owned */
};

void text_edit_init(struct text_edit *e, text_dir dir, size_t max_chars, bool multiline);
void text_edit_free(struct text_edit *e);
/* Replace the content with utf8 (cleaned), cursor at the end. */
void text_edit_set(struct text_edit *e, const char *utf8);
/* The content as a malloc'd UTF-8 string (logical, as typed). */
char *text_edit_get(const struct text_edit *e);
/* Clear content and overwrite the old buffer (idle wipe). */
void text_edit_wipe(struct text_edit *e);

/* Insert UTF-8 at the cursor; controls and bidi controls are dropped, the
 * length limit is enforced. Returns false when something was refused
 * (limit reached, invalid UTF-8) so the ui can beep / say why. */
bool text_edit_insert(struct text_edit *e, const char *utf8);
bool text_edit_insert_char(struct text_edit *e, uint32_t c);

void text_edit_backspace(struct text_edit *e);   /* delete the cluster before the cursor */
void text_edit_delete(struct text_edit *e);      /* delete the cluster after it */
void text_edit_home(struct text_edit *e);        /* logical start (visual right in RTL) */
void text_edit_end(struct text_edit *e);         /* logical end */
void text_edit_left(struct text_edit *e);        /* one cluster visually left */
void text_edit_right(struct text_edit *e);       /* one cluster visually right */

/*
 * Render for display in `width` columns (multi-line: wrapped, `height` rows;
 * single-line: height 1, scrolled horizontally to keep the cursor visible).
 * Fills lines[0..height) (caller frees with text_lines_free(lines, n)),
 * returns the number of lines filled and the cursor's row and column
 * (column within the field, 0 = leftmost) through *crow, *ccol.
 * Each returned line is exactly `width` columns: blank cells (' ', logical
 * -1) pad it, RTL lines right-aligned, so the ui draws it from the field's
 * left edge. Multi-line text wraps at width-1 (the end caret needs a
 * column). In BIDI_TERMINAL mode the cells and *ccol are logical.
 */
int text_edit_render(struct text_edit *e, int width, int height,
                     struct text_line **lines, int *crow, int *ccol);

/* ---- maps (exposed for tests and the editor) ------------------------- */

/*
 * For a single line of logical text u[0..n) in direction base, fill
 * l2v[i] = visual index of logical char i and v2l[j] = its inverse, both of
 * length n, exactly as text_layout orders characters (with REORDER_NSM).
 * Returns 0, -1 on error.
 */
int text_bidi_maps(const uint32_t *u, int n, text_dir base, int *l2v, int *v2l);

#endif
