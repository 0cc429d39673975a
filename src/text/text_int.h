/*
 * text_int.h — private to src/text: the pieces clean.c, bidi.c and edit.c
 * share. Nothing outside src/text includes this.
 *
 * Invariants:
 *  1. tx_decode_safe and tx_safe_char replace, never remove: the i-th
 *     character of the safe text is the i-th character of the input (or
 *     U+FFFD / a space), so logical indices agree before and after.
 *  2. A tx_para's arrays all have n entries and n <= TX_MAX_CHARS.
 */
#ifndef KHIDMA_TEXT_INT_H
#define KHIDMA_TEXT_INT_H

#include <fribidi.h>
#include "text/text.h"

#define TX_REPLACEMENT  0xFFFDu
#define TX_DOTTED_CIRCLE 0x25CCu
#define TX_ELLIPSIS     0x2026u
#define TX_MAX_CHARS    (1 << 24)   /* longer input is cut: FriBidi uses int */

enum tx_kind { TX_BASE, TX_MARK, TX_INVISIBLE };

/* clean.c */
bool tx_is_bidi_control(uint32_t c);
bool tx_is_control(uint32_t c);          /* C0, DEL, C1 */
uint32_t tx_safe_char(uint32_t c);       /* TAB → ' ', controls → U+FFFD */
/* Decode s[0..n) (any bytes) into display-safe UCS-4; invalid → U+FFFD.
 * malloc'd (never NULL, room for at least one char); *outn = chars. */
uint32_t *tx_decode_safe(const char *s, size_t n, int *outn);
/* Decode *valid* UTF-8 into malloc'd UCS-4 (no sanitising). */
uint32_t *tx_decode(const char *s, size_t n, size_t *outn);
char *tx_encode(const uint32_t *u, size_t n);   /* malloc'd UTF-8 */

/* bidi.c */
enum tx_kind tx_char_kind(uint32_t c);
int tx_char_width(uint32_t c);           /* 0 for marks and invisibles */

struct tx_para {
	int n;
	bool visual;             /* reordered and mirrored (shaped in BIDI_APP) */
	uint32_t *logical;       /* display-safe logical text */
	uint32_t *shaped;        /* shaped + mirrored (copy of logical if !visual) */
	FriBidiCharType *types;
	FriBidiLevel *levels;
	FriBidiParType pdir;
	int *base_of;            /* logical index of the base a char sits on, -1 */
};
/* u[0..n) must already be display-safe. visual: reorder and mirror, and
 * shape when text_mode() == BIDI_APP (every caller passes true today: in
 * BIDI_TERMINAL mode the screen is the same picture, written row by row
 * in the order text_row_written gives, and the terminal shapes). */
void tx_para_init(struct tx_para *p, const uint32_t *u, int n, text_dir base,
                  bool visual);
void tx_para_free(struct tx_para *p);
/* v2l[0..end-start) = logical indices of [start,end) in visual order. */
void tx_para_order(const struct tx_para *p, int start, int end, int *v2l);
/* Cells of the logical range [start,end), visual order. */
void tx_para_line(const struct tx_para *p, int start, int end, struct text_line *out);
/* m[i - from] = column of the cell whose base is logical i, or -1, for i in
 * [from, to). malloc'd. One pass over the cells. */
int *tx_col_map(const struct text_line *l, int from, int to);
/* The layouts behind text_layout, text_fit and text_wrap, uncached:
 * cache.c calls them on a miss. Same contracts as in text.h. */
int tx_layout(const char *utf8, text_dir base, struct text_line *out);
int tx_fit(const char *utf8, text_dir base, int width, struct text_line *out);
int tx_wrap(const char *utf8, text_dir base, int width, struct text_line **lines);

#endif
