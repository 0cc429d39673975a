/*
 * officer_attr — the curses attributes the officer screens pass to ui_text.
 * Only the constants come from <curses.h>: screens never call curses.
 */
#ifndef KHIDMA_OFFICER_ATTR_H
#define KHIDMA_OFFICER_ATTR_H

#define NCURSES_NOMACROS 1
#include <curses.h>

#define OA_NORMAL   ((int)A_NORMAL)
#define OA_SELECTED ((int)A_REVERSE)
#define OA_HEADING  ((int)A_BOLD)
#define OA_DIM      ((int)A_DIM)

#endif
