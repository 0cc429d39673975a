/*
 * ui/ui_chart — a horizontal bar chart in block characters and the big
 * digits of a reference number.
 *
 * Invariants:
 *  1. Bars are measured in eighths of a cell: full blocks █ then one of
 *     ▏▎▍▌▋▊▉ for the remainder. Those glyphs fill a cell from its left
 *     edge, so bars grow left to right in both directions; in RTL the
 *     label and value move to the right (label at the right edge) and the
 *     bars keep a common left baseline. Labels take up to 2/5 of the
 *     width (longer ones are cut with an ellipsis), values up to 12 cells.
 *  2. Reference numbers are digits, always laid out left to right; the big
 *     font is 5 rows of █, 4 columns a glyph plus a blank, centred, with
 *     the plain digits under it (what a screen reader or a copy needs).
 */
#include "ui/ui_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"

static const uint32_t eighths[8] = {
	0x2588, 0x258f, 0x258e, 0x258d, 0x258c, 0x258b, 0x258a, 0x2589
};

/* A line of `units` eighths (w columns at most). */
static void
bar_line(struct text_line *l, struct text_cell *cells, int w, long units)
{
	int n = 0;
	long full = units / 8, rem = units % 8;

	while (n < w && full-- > 0) {
		memset(&cells[n], 0, sizeof cells[n]);
		cells[n].ch[0] = eighths[0];
		cells[n].width = 1;
		n++;
	}
	if (n < w && rem > 0) {
		memset(&cells[n], 0, sizeof cells[n]);
		cells[n].ch[0] = eighths[8 - rem];
		cells[n].width = 1;
		n++;
	}
	l->cells = cells;
	l->ncells = n;
	l->width = n;
	l->start = 0;
	l->end = n;
}

/* Contract: see ui.h. max <= 0 takes the largest value. One row a bar,
 * under a title row; bars beyond r.h - 1 rows are not drawn. */
void
ui_chart_draw(struct ui_rect r, const char *title, const struct ui_bar *bars, int n, double max)
{
	bool rtl = ui_dir() == TEXT_RTL;
	int i, lw = 0, vw = 0, bw;
	struct text_cell *cells;

	if (r.h < 1 || r.w < 12)
		return;
	ui_text(r.y, r.x, r.w, title ? title : "", ui_dir(), AL_START, (int)A_BOLD);
	if (max <= 0)
		for (i = 0; i < n; i++)
			if (bars[i].value > max)
				max = bars[i].value;
	for (i = 0; i < n; i++) {
		int a = text_width(bars[i].label ? bars[i].label : "");
		int b = text_width(bars[i].value_text ? bars[i].value_text : "");
		if (a > lw)
			lw = a;
		if (b > vw)
			vw = b;
	}
	if (lw > r.w * 2 / 5)                /* labels up to 2/5; bars keep the rest */
		lw = r.w * 2 / 5;
	if (vw > 12)
		vw = 12;
	bw = r.w - lw - vw - 2;
	if (bw < 1)
		return;
	cells = xcalloc((size_t)bw, sizeof *cells);
	for (i = 0; i < n && i + 1 < r.h; i++) {
		int y = r.y + 1 + i;
		double v = bars[i].value > 0 && max > 0 ? bars[i].value / max : 0;
		long units = lround((v > 1 ? 1 : v) * bw * 8);
		struct text_line l;

		bar_line(&l, cells, bw, units);
		if (rtl) {
			ui_put_line(y, r.x, bw, &l, SIDE_LEFT, ui_pair(UP_INFO));
			ui_text(y, r.x + bw + 1, vw, bars[i].value_text ? bars[i].value_text : "",
			        TEXT_RTL, AL_START, 0);
			ui_text(y, r.x + r.w - lw, lw, bars[i].label ? bars[i].label : "",
			        TEXT_RTL, AL_START, 0);
		} else {
			ui_text(y, r.x, lw, bars[i].label ? bars[i].label : "", TEXT_LTR, AL_START, 0);
			ui_put_line(y, r.x + lw + 1, bw, &l, SIDE_LEFT, ui_pair(UP_INFO));
			ui_text(y, r.x + lw + 1 + bw + 1, vw,
			        bars[i].value_text ? bars[i].value_text : "", TEXT_LTR, AL_END, 0);
		}
	}
	free(cells);
}

/* ---- big digits ------------------------------------------------------------ */

#define GLYPH_W 4
#define GLYPH_H 5

/* '#' is a full block. Index: 0-9 digits, 10 '-'. */
static const char *const font[11][GLYPH_H] = {
	{ "####", "#  #", "#  #", "#  #", "####" },
	{ "  # ", " ## ", "  # ", "  # ", " ###" },
	{ "####", "   #", "####", "#   ", "####" },
	{ "####", "   #", " ###", "   #", "####" },
	{ "#  #", "#  #", "####", "   #", "   #" },
	{ "####", "#   ", "####", "   #", "####" },
	{ "####", "#   ", "####", "#  #", "####" },
	{ "####", "   #", "  # ", " #  ", " #  " },
	{ "####", "#  #", "####", "#  #", "####" },
	{ "####", "#  #", "####", "   #", "####" },
	{ "    ", "    ", "####", "    ", "    " },
};

/* Arabic-Indic ٠..٩ for an Arabic screen with arabic_digits = "eastern"
 * (ui_draw.c invariant 5), five columns wide. */
#define EGLYPH_W 5
static const char *const efont[10][GLYPH_H] = {
	{ "     ", "  #  ", " ### ", "  #  ", "     " },   /* ٠ */
	{ "  #  ", "  #  ", "  #  ", "  #  ", "  #  " },   /* ١ */
	{ "#   #", "#### ", "#    ", "#    ", "#    " },   /* ٢ */
	{ "# # #", "#### ", "#    ", "#    ", "#    " },   /* ٣ */
	{ "  ## ", " #   ", "  ## ", " #   ", "  ###" },   /* ٤ */
	{ "     ", " ### ", "#   #", "#   #", " ### " },   /* ٥ */
	{ "#### ", "   # ", "   # ", "   # ", "   # " },   /* ٦ */
	{ "#   #", "#   #", " # # ", " # # ", "  #  " },   /* ٧ */
	{ "  #  ", " # # ", " # # ", "#   #", "#   #" },   /* ٨ */
	{ " ### ", "#   #", " ####", "    #", "    #" },   /* ٩ */
};

static int
glyph_of(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c == '-')
		return 10;
	return -1;
}

/* Contract: see ui.h. On an Arabic screen with Arabic-Indic digits the big
 * rows draw ٠..٩ (efont; '-' left out). Characters other than 0-9 and '-'
 * are left out of the big rows (they still show in the plain line); when the big rows do
 * not fit in r only the plain digits are drawn. */
void
ui_bigdigits(struct ui_rect r, const char *digits)
{
	int n = 0, tw, x0, y0, row, k, i;
	const char *p;
	struct text_cell *cells;
	struct text_line l;
	bool eastern = ui_digits_eastern();       /* ٠..٩ on an Arabic screen */
	int gw = eastern ? EGLYPH_W : GLYPH_W;

	if (digits == NULL)
		digits = "";
	for (p = digits; *p; p++)
		if (glyph_of(*p) >= 0 && (!eastern || *p != '-'))
			n++;
	tw = n > 0 ? n * (gw + 1) - 1 : 0;
	if (tw > r.w || r.h < GLYPH_H + 2 || n == 0) {
		ui_text(r.y + r.h / 2, r.x, r.w, digits, TEXT_LTR, AL_CENTER, (int)A_BOLD);
		return;
	}
	x0 = r.x + (r.w - tw) / 2;
	y0 = r.y + (r.h - GLYPH_H - 2) / 2;
	cells = xcalloc((size_t)tw, sizeof *cells);
	for (row = 0; row < GLYPH_H; row++) {
		k = 0;
		for (p = digits; *p; p++) {
			int g = glyph_of(*p);
			if (g < 0 || (eastern && g > 9))
				continue;
			if (k > 0) {
				memset(&cells[k], 0, sizeof cells[k]);
				cells[k].ch[0] = ' ';
				cells[k++].width = 1;
			}
			for (i = 0; i < gw; i++) {
				const char *line = eastern ? efont[g][row] : font[g][row];
				memset(&cells[k], 0, sizeof cells[k]);
				cells[k].ch[0] = line[i] == '#' ? 0x2588 : ' ';
				cells[k++].width = 1;
			}
		}
		l.cells = cells;
		l.ncells = k;
		l.width = k;
		l.start = 0;
		l.end = k;
		ui_put_line(y0 + row, x0, tw, &l, SIDE_LEFT, (int)A_BOLD);
	}
	free(cells);
	ui_text(y0 + GLYPH_H + 1, r.x, r.w, digits, TEXT_LTR, AL_CENTER, (int)A_BOLD);
}
