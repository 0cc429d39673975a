/*
 * libFuzzer target for src/text: arbitrary bytes through the cleaner, the
 * sanitiser, layout / fit / wrap in both directions and both bidi modes,
 * the bidi maps and the edit buffer (insert, moves, deletes, render).
 * It also checks the module's invariants and aborts when one breaks:
 * no control, DEL, C1 or bidi control in any cell; widths add up; fit
 * stays within its width; the edit cursor stays in [0, len].
 *
 * Build and run by hand (not part of `make check`):
 *   clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
 *     -DKHIDMA_DATADIR='"."' -DKHIDMA_LOCALEDIR='"."' -Isrc \
 *     $(pkg-config --cflags fribidi) src/text/[a-z]*.c src/core/util.c \
 *     tests/fuzz/fuzz_text.c -o build-fuzz/fuzz_text \
 *     $(pkg-config --libs fribidi) -lunistring
 *   mkdir -p build-fuzz/corpus
 *   build-fuzz/fuzz_text -max_total_time=60 build-fuzz/corpus tests/fuzz/corpus/text
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

static int bad_char(uint32_t c)
{
	return (c >= 1 && c < 0x20) || (c >= 0x7F && c <= 0x9F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200E || c == 0x200F || c == 0x061C;
}

static void check_line(const struct text_line *l)
{
	int w = 0;

	for (int i = 0; i < l->ncells; i++) {
		const struct text_cell *c = &l->cells[i];
		if (c->ch[0] == 0 || (c->width != 1 && c->width != 2))
			abort();
		for (int m = 0; m < TEXT_CELL_CHARS; m++)
			if (bad_char(c->ch[m]))
				abort();
		w += c->width;
	}
	if (w != l->width)
		abort();
}

static void check_utf8_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			abort();
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			abort();
		if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE)
			abort();
	}
}

static void edit_run(const char *s, const uint8_t *ops, size_t nops, text_dir d,
                     bool multi, int width, int height)
{
	struct text_edit e;
	struct text_line *lines;
	int n, r, c;
	char *got;

	text_edit_init(&e, d, nops & 1 ? 40 : 0, multi);
	text_edit_insert(&e, s);
	for (size_t i = 0; i < nops && i < 64; i++) {
		switch (ops[i] % 8) {
		case 0: text_edit_left(&e); break;
		case 1: text_edit_right(&e); break;
		case 2: text_edit_home(&e); break;
		case 3: text_edit_end(&e); break;
		case 4: text_edit_backspace(&e); break;
		case 5: text_edit_delete(&e); break;
		case 6: text_edit_insert_char(&e, 0x0600u + ops[i]); break;
		default: text_edit_insert_char(&e, ops[i]); break;
		}
		if (e.cursor > e.len)
			abort();
	}
	n = text_edit_render(&e, width, height, &lines, &r, &c);
	for (int i = 0; i < n; i++)
		check_line(&lines[i]);
	if (n < 1 || r < 0 || r >= n || c < 0 || c >= (width < 2 ? 2 : width))
		abort();
	text_lines_free(lines, n);
	got = text_edit_get(&e);
	free(got);
	text_edit_set(&e, s);
	text_edit_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = size ? data[0] : 0;
	const char *body = size ? (const char *)data + 1 : "";
	size_t n = size ? size - 1 : 0;
	char *s = malloc(n + 1), *r;
	int width = 1 + opt % 23;
	char digits[64];

	memcpy(s, body, n);
	s[n] = '\0';

	r = text_clean(body, n, opt & 1);
	if (r) {
		char *again = text_clean(r, strlen(r), opt & 1);   /* idempotent */
		if (!again || strcmp(again, r) != 0)
			abort();
		free(again);
	}
	free(r);
	r = text_sanitize(body, n);
	check_utf8_safe(r);
	free(r);
	r = text_search_key(s);
	free(r);
	text_digits(s, digits, sizeof digits, opt & 2);
	(void)text_char_count(s);
	(void)text_guess_dir(s);
	(void)text_width(s);

	for (int mode = 0; mode < 2; mode++) {
		text_set_mode(mode ? BIDI_TERMINAL : BIDI_APP);
		for (int d = 0; d < 2; d++) {
			struct text_line l, *lines;
			int nl;

			text_layout(s, (text_dir)d, &l);
			check_line(&l);
			text_line_free(&l);
			text_fit(s, (text_dir)d, width, &l);
			check_line(&l);
			if (l.width > width)
				abort();
			text_line_free(&l);
			nl = text_wrap(s, (text_dir)d, width, &lines);
			if (nl < 1)
				abort();
			for (int i = 0; i < nl; i++) {
				check_line(&lines[i]);
				/* Only a lone wide character may exceed width 1. */
				if (lines[i].width > (width < 2 ? 2 : width))
					abort();
			}
			text_lines_free(lines, nl);
		}
	}
	text_set_mode(opt & 4 ? BIDI_TERMINAL : BIDI_APP);
	edit_run(s, data, size, opt & 8 ? TEXT_RTL : TEXT_LTR, opt & 16, width,
	         1 + (opt >> 5));

	/* Maps: raw bytes as code points, 4 at a time. */
	{
		int m = (int)(n / 4);
		uint32_t *u = malloc(sizeof *u * (size_t)(m + 1));
		int *l2v = malloc(sizeof *l2v * (size_t)(m + 1));
		int *v2l = malloc(sizeof *v2l * (size_t)(m + 1));
		for (int i = 0; i < m; i++) {
			memcpy(&u[i], body + 4 * i, 4);
			u[i] %= 0x110000;
		}
		if (text_bidi_maps(u, m, opt & 8 ? TEXT_RTL : TEXT_LTR, l2v, v2l) != 0)
			abort();
		for (int i = 0; i < m; i++)
			if (v2l[i] < 0 || v2l[i] >= m || l2v[v2l[i]] != i)
				abort();
		free(u);
		free(l2v);
		free(v2l);
	}
	text_set_mode(BIDI_APP);
	free(s);
	return 0;
}
