/*
 * kiosk_attr — the curses attributes the kiosk's screens pass to ui_text.
 * Only the constants come from <curses.h>: screens never call curses.
 */
#ifndef KHIDMA_KIOSK_ATTR_H
#define KHIDMA_KIOSK_ATTR_H

#define NCURSES_NOMACROS 1
#include <curses.h>

#define KA_NORMAL  ((int)A_NORMAL)
#define KA_HEADING ((int)A_BOLD)
#define KA_ERROR   ((int)(A_BOLD | A_UNDERLINE))
#define KA_DIM     ((int)A_DIM)
#define KA_STRONG  ((int)A_BOLD)

#endif
