/*
 * ui/ui_show — one paint of a screen without the input loop, so a program
 * can show its first screen before start-up work the screen does not need
 * (the kiosk opens its database after its welcome is on the terminal).
 *
 * Invariants:
 *  1. Output happens as everywhere else in src/ui: ui_repaint draws, one
 *     ui_present sends (ui_loop.c invariant 1); no key is read or lost.
 *  2. ui_st.cur is s only for that paint and restored after it, so a
 *     later ui_run (or an enclosing one) sees the state it expects.
 */
#include "ui/ui_int.h"

/* Contract: see ui.h. Nothing when curses is not active. */
void
ui_flush(void)
{
	if (!ui_st.active)
		return;
	ui_repaint();
	ui_present();
}

/* Contract: see ui.h. Nothing when curses is not active. */
void
ui_show(struct ui_screen *s)
{
	struct ui_screen *prev = ui_st.cur;

	if (!ui_st.active || s == NULL)
		return;
	ui_st.cur = s;
	ui_repaint();
	ui_present();
	ui_st.cur = prev;
}
