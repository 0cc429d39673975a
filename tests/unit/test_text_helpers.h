/*
 * Helpers shared by the tests/unit/test_text_*.c files: render a line's
 * cells as text so a test compares exact code points in one assertion.
 *   cells:   "FE96 FEF4 FE91"  (marks joined with '+': "FEE4+064E+0651")
 *   logical: "2 1 0"
 */
#ifndef TEST_TEXT_HELPERS_H
#define TEST_TEXT_HELPERS_H

#include <stdio.h>
#include <string.h>
#include "text/text.h"

static char g_buf[8192];

static inline const char *cells_of(const struct text_line *l)
{
	size_t o = 0;
	g_buf[0] = '\0';
	for (int i = 0; i < l->ncells && o + 40 < sizeof g_buf; i++) {
		for (int m = 0; m < TEXT_CELL_CHARS && l->cells[i].ch[m]; m++)
			o += (size_t)snprintf(g_buf + o, sizeof g_buf - o, "%s%04X",
			                      m ? "+" : (i ? " " : ""),
			                      (unsigned)l->cells[i].ch[m]);
	}
	return g_buf;
}

static inline const char *logical_of(const struct text_line *l)
{
	size_t o = 0;
	g_buf[0] = '\0';
	for (int i = 0; i < l->ncells && o + 16 < sizeof g_buf; i++)
		o += (size_t)snprintf(g_buf + o, sizeof g_buf - o, "%s%d",
		                      i ? " " : "", (int)l->cells[i].logical);
	return g_buf;
}

/* Lay out s and return its cells as text (static buffer). */
static inline const char *layout_cells(const char *s, text_dir d)
{
	struct text_line l;
	text_layout(s, d, &l);
	cells_of(&l);
	text_line_free(&l);
	return g_buf;
}

/* True when some cell of l holds c (base or mark). */
static inline int line_has(const struct text_line *l, uint32_t c)
{
	for (int i = 0; i < l->ncells; i++)
		for (int m = 0; m < TEXT_CELL_CHARS; m++)
			if (l->cells[i].ch[m] == c)
				return 1;
	return 0;
}

#endif
