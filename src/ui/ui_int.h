/*
 * ui/ui_int — what the files of src/ui share and nothing outside sees:
 * the loop's state, the cell painter and the terminal-mode escapes.
 * Section per file, as in tmux.h.
 *
 * Invariants:
 *  1. Only src/ui includes <curses.h>; every string reaches the screen as
 *     text_cells through ui_put_line (never addstr of caller text), and
 *     every paint goes through the canvas (ui_cv_*, ui_canvas.c), which
 *     alone writes stdscr.
 *  2. ui_st is the one piece of mutable loop state; signal handlers only
 *     touch the volatile sig_atomic_t flags in ui_term.c.
 */
#ifndef KHIDMA_UI_INT_H
#define KHIDMA_UI_INT_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include "ui/ui.h"

/* Colour pairs (initialised by ui_init when the terminal has colours). */
enum { UP_TITLE = 1, UP_FOOTER, UP_ERROR, UP_INFO, UP_BOX };

/* Which side a line is pushed to inside its span. */
enum ui_side { SIDE_LEFT = 0, SIDE_RIGHT, SIDE_CENTER };

struct ui_state {
	struct ui_opts opts;
	bool   active;            /* between ui_init and ui_end */
	struct ui_screen *cur;    /* the screen ui_run is running */
	int    depth;             /* nested ui_run calls */
	long long last_key_ms;    /* monotonic time of the last key */
	bool   idle_fired;        /* the idle countdown ran out (sticky until depth 0) */
	bool   small;             /* below 80×24: the "please enlarge" screen is up */
	bool   cur_vis;           /* a focused field wants the cursor at cur_y/cur_x */
	int    cur_y, cur_x;
	char  *status;            /* the status line (malloc'd), or NULL */
	bool   status_err;
	const char *status_id;    /* ui_status_tr: its msgid (translated at each
	                             draw), else NULL */
	int    status_arg;        /*   and the number for its "%d" */
	/* added (ui_loop.c: input batching) */
	bool   repaint_due;       /* a key changed the screen; repainted once the input is drained */
	bool   beep_due;          /* ui_beep was asked for; one BEL at the next ui_present */
	bool   ahead;             /* a key read ahead (ahead_rc, ahead_ch) waits for ui_read */
	int    ahead_rc;
	wint_t ahead_ch;
	int    batch_keys;        /* keys taken since the screen was last presented */
	long long batch_ms;       /* when that batch began */
	WINDOW *ahead_win;        /* 1×1, never drawn: reading ahead on it flushes nothing */
	/* added (keypad, ui_keys.c / ui_loop.c) */
	bool   keys_defined;      /* ui_keys_define ran for this ui_init */
	bool   in_help;           /* the F1 box is up (no second one over it) */
	/* added (ui_loop.c: the watch, ui_set_watch) */
	bool (*watch)(void *);
	void  *watch_ctx;
	int    watch_depth;       /* depth when the watch was set */
	bool   unwinding;         /* the watch fired: unwind to watch_depth */
	bool   in_watch;
	unsigned idle_count;
	/* added (ui_draw.c invariant 5): > 0 while cells are painted as
	 * they are, whatever the digit script */
	int    digits_raw;
};
extern struct ui_state ui_st;

/* ---- ui_keys.c: the binding table ---------------------------------------- */
/* Key codes of our own for keypad sequences terminfo does not name. */
enum {
	UK_KP_0 = KEY_MAX + 1,       /* + 0..9: keypad digits (application mode) */
	UK_KP_PLUS = UK_KP_0 + 10, UK_KP_MINUS, UK_KP_MULT, UK_KP_DIV,
	UK_KP_DOT, UK_KP_COMMA, UK_KP_EQUAL, UK_KP_BEGIN /* 5 without NumLock */
};
/* Teach curses the keypad and cursor sequences terminfo lacks (define_key;
 * once per ui_init, before the first read). */
void ui_keys_define(void);
/* Map one get_wch result (rc = OK or KEY_CODE_YES, ch) to an event. Pure:
 * no curses state is read, so it is unit-tested alone. KEY_RESIZE → ACT_NONE
 * (the loop checks it before). */
struct ui_event ui_key_event(int rc, wint_t ch);
/* The digit value 0..9 of an ASCII, Arabic-Indic or Persian digit, else -1. */
int ui_digit_value(wchar_t ch);

/* ---- ui_choice.c ---------------------------------------------------------- */
/* The label column's width for a field or choice drawn w columns wide. */
int ui_label_width(const char *label, int w);

/* ---- ui_form.c, ui_form_valid.c (added) --------------------------------- */
/* The label of option j of a form choice in the current language. */
const char *ui_form_option_label(const struct ui_form_item *it, int j);
/* Added: true for an item the on-screen keyboard types into (free text:
 * not a choice, not a digits field, not a password). */
bool ui_form_free_text(const struct ui_form_item *it);
/* Overwrite and free a form item's normalised value. */
void ui_form_value_free(struct ui_form_item *it);
/* The error of a form item in the current language, formatted into buf. */
void ui_form_error_text(const struct ui_form_item *it, char *buf, size_t n);

/* ---- ui_osk.c (added): the on-screen keyboard ------------------------------- */
enum { UI_OSK_ROWS = 8 };          /* rows it takes under a form */
/* What a key did: moved the highlight, typed into (or deleted from) the
 * field, asked to move on (done), closed the keyboard, or was not taken. */
enum { OSK_PASS = 0, OSK_MOVED, OSK_TYPED, OSK_DONE, OSK_CLOSED };
/* True while the visitor has the keyboard on. */
bool ui_osk_on(void);
/* Turn it on (the keypad's '*' on a free-text field). */
void ui_osk_open(void);
/* One key for the keyboard over field f (see ui_osk.c's table). */
int  ui_osk_key(struct ui_field *f, struct ui_event ev);
/* Draw it at the bottom of r (UI_OSK_ROWS rows) for field f. */
void ui_osk_draw(const struct ui_field *f, struct ui_rect r);

/* ---- ui_lang.c ------------------------------------------------------------- */
/* (ui_tr_lang, msgid in a given language: public, in ui.h.) */
/* Added: empty ui_tr's memo of answers (ui_lang.c invariant 4), with the
 * texts it copied overwritten; ui_run calls it with text_cache_clear. */
void ui_tr_forget(void);

/* ---- ui_term.c ------------------------------------------------------------ */
/* Write the escapes for the current text_mode() to the tty (app: explicit
 * mode on; terminal: back to the terminal's default). */
void ui_term_send_mode(void);
/* True once SIGHUP came; set by the loop when the tty reads fail. */
void ui_term_set_hungup(void);
long long ui_now_ms(void);

/* ---- ui_draw.c -------------------------------------------------------------- */
/* Paint line l in [x, x+w) of row y, pushed to side, the rest of the span
 * blank with attr. Cells that would cross x+w are not drawn. */
void ui_put_line(int y, int x, int w, const struct text_line *l, enum ui_side side, int attr);
/* Blank [x, x+w) of row y with attr. */
void ui_fill(int y, int x, int w, int attr);
/* A framed box (cleared inside); title at the START side of the top edge. */
void ui_box(struct ui_rect r, const char *title, int attr);
/* Where a focused widget wants the cursor (screen coordinates). */
void ui_cursor_at(int y, int x);
enum ui_side ui_side_of(enum ui_align al, text_dir dir);
/* Draw the status line (if any) at its row. */
void ui_draw_status(void);
/* F2 switched the language: a status line set with ui_status (already
 * translated text, in the old language) is cleared; one set with
 * ui_status_tr is drawn again in the new language. */
void ui_status_lang_changed(void);
/* Colour attribute for a pair, 0 when the terminal has no colours. */
int ui_pair(int pair);
/* Added: the strings of the NULL-terminated list one after another, malloc'd
 * (what xasprintf("%s%s…") gives, without printf's cost on every repaint). */
char *ui_cat(const char *s, ...);
/* Added: n in decimal into buf (at least 12 bytes); returns buf. */
char *ui_itoa(char *buf, int n);

/* ---- ui_canvas.c (added): the screen painted, between widgets and curses -- */
/* Start a frame: every cell the window's background, no ops (what erase()
 * did to stdscr). Takes stdscr's size; after a resize every row is sent. */
void ui_cv_erase(void);
/* Store n plain cells (one column, no marks, printable) at row y from
 * column x, clipped to the screen; drops the ops under them. */
void ui_cv_cells(int y, int x, const cchar_t *cells, int n);
/* What mvadd_wch(y, x, cc) did, under attron(attr_on) when not 0: a plain
 * cell is stored, anything else kept as an op replayed at the flush. */
void ui_cv_wch(int y, int x, const cchar_t *cc, int attr_on);
/* Write the rows that differ from what stdscr holds into stdscr (the only
 * writes to it); ui_present calls it before wnoutrefresh. */
void ui_cv_flush(void);
/* The column a painted column (y, x) is written at (ui_canvas invariant 6:
 * BIDI_TERMINAL reorders each row at the flush; identity in app mode).
 * Valid after ui_cv_flush; out of range gives x. */
int ui_cv_written_x(int y, int x);
/* Forget what stdscr holds (it was erased behind the canvas' back): the
 * next flush writes every row. */
void ui_cv_invalidate(void);

/* ---- ui_loop.c ------------------------------------------------------------- */
/* Erase and paint the current screen (or the "please enlarge" screen). */
void ui_repaint(void);
/* Move the cursor where wanted, wnoutrefresh, one doupdate (and one BEL
 * when ui_beep was called since the last). */
void ui_present(void);
/* Added: repaint now if ui_run deferred a repaint while working off waiting
 * input (a modal box calls it before drawing itself over the screen). */
void ui_catch_up(void);

#endif
