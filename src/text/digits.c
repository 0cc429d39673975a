/*
 * text/digits — the digit script of an Arabic screen (arabic_digits =
 * "eastern"): which character a laid-out cell shows instead of an ASCII
 * digit. The one place that knows the mapping; the ui's cell painter asks
 * it for every cell of an Arabic screen (ui_draw.c, ui_put_line).
 *
 * Invariants:
 *  1. Substitution after layout: the line is laid out with its ASCII
 *     digits and only the cells' glyphs change afterwards (what Unicode
 *     calls national digit shapes), so every number keeps the order the
 *     Western-digit screen has. After an Arabic letter the bidi algorithm
 *     already takes ASCII digits for Arabic numbers (W2: EN → AN), so
 *     there the order is also the one typed Arabic-Indic digits would get
 *     ("موعد: 2026-12-02" shows ٠٢-١٢-٢٠٢٦, read right to left from the
 *     year); a number with no Arabic letter before it (a date alone in a
 *     left-to-right column, the reference) stays one European number read
 *     left to right, ٢٠٢٦-١٢-٠٢, where typed AN digits would split at
 *     '-' (ES joins European numbers only).
 *  2. One cell for one cell: U+0660–U+0669 (and ٪ ٫ ٬) are one column
 *     wide like the ASCII characters they replace (glibc wcwidth and
 *     libvterm agree), so no column moves.
 *  3. A digit that belongs to Latin text stays ASCII: inside a word that
 *     holds a Latin letter or '@' (a key cap "F3", "F10", an e-mail
 *     address, a login), or after Latin text — the nearest letter before
 *     it in logical order is Latin ("Person 05", a Latin name). A word is
 *     a run of cells without a space between them.
 *  4. Inside a number (a digit on each side) '.' becomes the Arabic decimal
 *     separator U+066B and ',' the thousands separator U+066C; '%' next
 *     to a digit becomes U+066A. Nothing else changes.
 *  5. The other way (arabic_digits = "western"): an Arabic-Indic digit
 *     that a translation carries ("آخر ٤ أرقام") becomes ASCII, and so do
 *     ٫ ٬ ٪; one script per screen either way.
 */
#include "text/text.h"

#include <stdlib.h>

static bool
ascii_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static bool
latin_mark(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '@' ||
	       (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

static uint32_t
base_of(const struct text_line *l, int i)
{
	return i >= 0 && i < l->ncells ? l->cells[i].ch[0] : 0;
}

/* Invariant 3: does cell i's word hold a Latin letter? */
static bool
in_latin_word(const struct text_line *l, int i)
{
	int k;

	for (k = i; k >= 0 && base_of(l, k) != ' ' && base_of(l, k) != 0; k--)
		if (latin_mark(base_of(l, k)))
			return true;
	for (k = i + 1; k < l->ncells && base_of(l, k) != ' ' && base_of(l, k) != 0; k++)
		if (latin_mark(base_of(l, k)))
			return true;
	return false;
}

static bool
arabic_letter(uint32_t c)
{
	return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) ||
	       (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC);
}

/* Invariant 3: is the nearest letter before cell i, in logical order, a
 * Latin one? (The cells are in visual order; each knows its logical
 * index.) */
static bool
after_latin(const struct text_line *l, int i)
{
	int32_t at = l->cells[i].logical, best = -1;
	bool latin = false;

	for (int k = 0; k < l->ncells; k++) {
		uint32_t b = l->cells[k].ch[0];
		int32_t lg = l->cells[k].logical;

		if (lg < 0 || lg >= at || lg <= best)
			continue;
		if (latin_mark(b) && b != '@') {
			best = lg;
			latin = true;
		} else if (arabic_letter(b)) {
			best = lg;
			latin = false;
		}
	}
	return latin;
}

static bool
keep_ascii(const struct text_line *l, int i)
{
	return in_latin_word(l, i) || after_latin(l, i);
}

/* Contract: see text.h. */
uint32_t
text_cell_eastern(const struct text_line *l, int i)
{
	uint32_t c = base_of(l, i), left, right;

	if (ascii_digit(c))
		return keep_ascii(l, i) ? c : 0x0660 + (c - '0');
	if (c != '.' && c != ',' && c != '%')
		return c;
	left = base_of(l, i - 1);
	right = base_of(l, i + 1);
	if ((ascii_digit(left) && keep_ascii(l, i - 1)) ||
	    (ascii_digit(right) && keep_ascii(l, i + 1)))
		return c;
	if (c == '%')
		return ascii_digit(left) || ascii_digit(right) ? 0x066A : c;
	if (ascii_digit(left) && ascii_digit(right))
		return c == '.' ? 0x066B : 0x066C;
	return c;
}

/* Contract: see text.h. */
uint32_t
text_cell_western(const struct text_line *l, int i)
{
	uint32_t c = base_of(l, i);

	if (c >= 0x0660 && c <= 0x0669)
		return '0' + (c - 0x0660);
	if (c == 0x066B)
		return '.';
	if (c == 0x066C)
		return ',';
	if (c == 0x066A)
		return '%';
	return c;
}

/* Contract: see text.h. */
char *
text_eastern_digits(const char *utf8, text_dir base)
{
	struct text_line l;
	size_t n = 0;
	char *out, *w;
	int i;

	text_layout(utf8 ? utf8 : "", base, &l);
	for (i = 0; i < l.ncells; i++)
		n += 4 * TEXT_CELL_CHARS;
	out = malloc(n + 1);
	if (out == NULL) {
		text_line_free(&l);
		return NULL;
	}
	w = out;
	for (i = 0; i < l.ncells; i++)
		for (int k = 0; k < TEXT_CELL_CHARS && l.cells[i].ch[k]; k++) {
			uint32_t c = k == 0 ? text_cell_eastern(&l, i) : l.cells[i].ch[k];
			if (c < 0x80) {
				*w++ = (char)c;
			} else if (c < 0x800) {
				*w++ = (char)(0xC0 | c >> 6);
				*w++ = (char)(0x80 | (c & 0x3F));
			} else if (c < 0x10000) {
				*w++ = (char)(0xE0 | c >> 12);
				*w++ = (char)(0x80 | ((c >> 6) & 0x3F));
				*w++ = (char)(0x80 | (c & 0x3F));
			} else {
				*w++ = (char)(0xF0 | c >> 18);
				*w++ = (char)(0x80 | ((c >> 12) & 0x3F));
				*w++ = (char)(0x80 | ((c >> 6) & 0x3F));
				*w++ = (char)(0x80 | (c & 0x3F));
			}
		}
	*w = '\0';
	text_line_free(&l);
	return out;
}
