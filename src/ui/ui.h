/*
 * ui — widgets over ncurses. The only layer that calls curses (core reaches
 * the terminal restore only through its emergency hook). Draws every string
 * through src/text, so bidi, shaping, width and sanitising are never the
 * screens' concern.
 *
 * Model (after htop's ScreenManager and dialog's binding tables):
 *  - ONE input loop owns get_wch: ui_run(). It maps keys to actions through
 *    tables (ui_keymap), handles the global ones itself — F2 language, F3 bidi
 *    mode, KEY_RESIZE (re-layout + the "please enlarge" screen below 80×24),
 *    idle timeout, SIGHUP — and hands the rest to the current screen.
 *  - A screen is a struct ui_screen: draw() paints everything from its state
 *    (so resize and language switch are just a redraw), key() takes one
 *    action and returns a result bitmask.
 *  - Widgets (menu, field editor, form, pager, table, chart, message box,
 *    big digits) are plain structs with *_draw(rect) and *_key(action)
 *    functions that screens compose.
 *  - Mirrored layout: in RTL (Arabic) rects are laid out right to left:
 *    labels sit to the right of their fields, menus and text are right-
 *    aligned, arrows point the reading way. ui_dir() tells the direction.
 *
 * Invariants:
 *  1. Nothing is printed over the curses screen; errors go to syslog.
 *  2. The terminal is restored (bidi mode escapes included) on every exit
 *     path: normal end, out of memory, SIGHUP and every signal that would
 *     end the process — SIGTERM, SIGSEGV, SIGABRT… (ui_emergency_restore is
 *     async-signal-safe; ui_init registers it as core's emergency hook).
 *     Ctrl-C, Ctrl-\ and Ctrl-Z (SIGINT, SIGQUIT, SIGTSTP) are ignored.
 *  3. Output is minimal: drawing goes to curses windows and one doupdate()
 *     per loop turn, so a keystroke costs only the changed cells on the wire.
 */
#ifndef KHIDMA_UI_H
#define KHIDMA_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>
#include "text/text.h"

/* ---- language --------------------------------------------------------- */
typedef enum { LANG_AR = 0, LANG_EN = 1 } ui_lang;
/* Switch gettext's language at run time (LANGUAGE + catalog reload). */
void     ui_set_lang(ui_lang l);
ui_lang  ui_get_lang(void);
text_dir ui_dir(void);          /* TEXT_RTL for Arabic */
/* gettext for the current language; _() in screens is this. */
const char *ui_tr(const char *msgid);
#define _(s)  ui_tr(s)
#define N_(s) (s)
/* msgid in language l whatever the current language (static string), e.g.
 * a message printed before curses starts in the locale's language. */
const char *ui_tr_lang(ui_lang l, const char *msgid);
/* Added: ngettext in the current language — the form of msgid/plural for
 * the count n (Arabic has six: ar.po's Plural-Forms). Not memoised. */
const char *ui_ntr(const char *msgid, const char *plural, unsigned long n);
/* Pick the catalog item's name for the current language. */
const char *ui_pick(const char *en, const char *ar);

/* ---- life cycle ----------------------------------------------------------- */
struct ui_opts {
	bidi_mode bidi;
	bool      kiosk;          /* the lobby kiosk (else the officer console);
	                           * both ignore SIGINT/SIGQUIT/SIGTSTP in raw mode */
	int       idle_timeout;   /* seconds, 0 = never (officer console) */
	int       idle_warning;   /* countdown seconds */
	/* added: the countdown box's text, an English msgid with one %d (the
	 * seconds left); NULL = the kiosk's "Are you still there? …" */
	const char *idle_text;
	/* added: its plural msgid (ui_ntr on the seconds left), or NULL */
	const char *idle_text_plural;
	/* added: arabic_digits = "western" — Arabic screens keep ASCII digits
	 * (off, the default: Arabic-Indic U+0660..U+0669, ui_draw.c) */
	bool      western_digits;
};
/* Send the bidi-mode escapes, initscr, colours, keypad, signals. 0 or -1. */
int  ui_init(const struct ui_opts *o);
/* endwin and restore the terminal's bidi mode. Safe to call twice. */
void ui_end(void);
/* Async-signal-safe restore (write(2) and tcsetattr only), for fatal signal
 * handlers and core's emergency hook; idempotent. */
void ui_emergency_restore(void);
/* True once SIGHUP (or a read error on the tty) was seen: screens discard
 * drafts and unwind; ui_run returns UI_HANGUP. */
bool ui_hungup(void);

/* ---- actions -------------------------------------------------------------- */
typedef enum {
	ACT_NONE = 0,
	ACT_UP, ACT_DOWN, ACT_LEFT, ACT_RIGHT, ACT_HOME, ACT_END, ACT_PGUP, ACT_PGDN,
	ACT_ENTER, ACT_BACK /* Esc */, ACT_BACKSPACE, ACT_DELETE, ACT_NEXT /* Tab */, ACT_PREV /* S-Tab */,
	ACT_CHAR,        /* ev.ch holds the character (digits included) */
	ACT_HELP,        /* F1 */
	ACT_LANG,        /* F2: handled by ui_run, then the screen gets ACT_REDRAW */
	ACT_BIDI,        /* F3: handled by ui_run */
	ACT_SAVE,        /* F5 / Ctrl-S: e.g. submit a form */
	ACT_OFFICER,     /* F9: the officer login from the kiosk */
	ACT_QUIT,        /* F10 (officer console only) */
	ACT_REDRAW,      /* Ctrl-L, after a language or mode switch, after resize */
	ACT_IDLE,        /* the idle countdown ran out: wipe and go home */
	ACT_TICK,        /* a timer tick (about once a second) */
	ACT_HANGUP,
	ACT_OSK,         /* added: keypad '*': the on-screen keyboard (text fields) */
	ACT_CLEAR,       /* added: F8 / Ctrl-U: empty the field (the officer
	                    console's prompts: the search box) */
} ui_action;

/*
 * One key as an action. ev.ch is the character of ACT_CHAR; for any other
 * action made by an operator key of the numeric keypad it is that key
 * ('/' ACT_BACK, '-' ACT_BACKSPACE, '+' ACT_PGDN, '*' ACT_OSK), else 0.
 *
 * The numeric keypad (ui_keys.c): digits are digits whether they come as
 * characters or in application keypad mode (ESC O p..y, the corner keys
 * ka1/ka3/kb2/kc1/kc3); Enter is Enter; NumLock off gives the arrows,
 * Home/End/PgUp/PgDn, Ins and Del; the operator keys, which NumLock does
 * not change, carry the commands: / back, - erase, + next page,
 * * on-screen keyboard.
 */
struct ui_event { ui_action a; wchar_t ch; };

/* Added: where no text is typed (menus, choices, the pager, boxes, digit
 * fields) a plain '/', '-', '+' or '*' character — a keypad in numeric
 * mode — means the keypad command above; ev is returned as that action
 * (ch kept), anything else unchanged. */
struct ui_event ui_keypad_event(struct ui_event ev);

/* Screen result bits, returned by key(). */
enum { UI_HANDLED = 1, UI_REDRAW = 2, UI_DONE = 4, UI_BACK = 8, UI_HOME = 16, UI_HANGUP = 32 };

struct ui_screen {
	const char *name;
	void  *state;
	void (*draw)(struct ui_screen *s);                     /* paint everything */
	int  (*key)(struct ui_screen *s, struct ui_event ev);  /* result bits */
	/* Idle wipe: forget everything typed (overwrite buffers). May be NULL. */
	void (*wipe)(struct ui_screen *s);
	bool   has_draft;         /* Back asks before discarding when true */
	bool   no_idle;           /* true for the welcome screen itself */
	struct ui_screen *up;     /* added, ui-owned: the screen ui_run ran this
	                           * one from (NULL for the outermost) */
	/* Added: the msgid of this screen's help, or NULL. When set, F1 shows
	 * it (translated: the visitor's language) in a box over whatever is
	 * up, modal boxes included, and the screen never sees ACT_HELP; when
	 * NULL the screen gets ACT_HELP itself (the console's menus). */
	const char *help;
};

/*
 * The one input loop: draws s, reads keys, maps them, handles the global
 * actions, passes the rest to s->key until it returns UI_DONE, UI_BACK,
 * UI_HOME or UI_HANGUP, which ui_run returns. Idle: after idle_timeout
 * seconds without a key a warning with a countdown shows; a key continues;
 * when it runs out s->wipe() is called and UI_HOME is returned.
 */
int  ui_run(struct ui_screen *s);
/* Added: true when the running screen or any screen below it (the ui_run
 * stack) has has_draft set — e.g. before F10 leaves the officer console. */
bool ui_drafts_open(void);
/* Read one event (used by modal widgets inside a key handler); same global
 * handling as ui_run. timeout_ms < 0 waits. */
struct ui_event ui_read(int timeout_ms);
/* Draw s once and send it to the terminal now, reading no key (ui_show.c).
 * For a first screen that must not wait for slow start-up work: the caller
 * does that work next, then ui_run(s) on an identical screen, whose repaint
 * then sends nothing new. */
void ui_show(struct ui_screen *s);
/* Repaint the current screen (status line included) and send it now,
 * reading no key: for a screen whose key handler waits on something slow
 * (a locked database) and must show that it is working (ui_show.c). */
void ui_flush(void);

/* Added: put the bidi mode back to m (what F3 flips): the escapes are
 * sent and the next paint is a full one. Nothing when it is m already. */
void ui_set_bidi(bidi_mode m);

/* ---- layout ---------------------------------------------------------------- */
struct ui_rect { int y, x, h, w; };
enum ui_align { AL_START = 0, AL_END, AL_CENTER };  /* START = right in RTL */

/* Screen size; false (and the "please enlarge" screen) below 80×24. */
bool ui_size(int *rows, int *cols);
/* Standard frame: a title bar, a body rect, a footer with the keys
 * (pairs of key name + English msgid, e.g. {"Enter", N_("choose")}),
 * the footer always ends with "text reversed? F3". Returns the body rect. */
struct ui_key_hint { const char *key; const char *label; };
struct ui_rect ui_frame(const char *title, const struct ui_key_hint *hints, int nhints);

/* Draw one paragraph of UTF-8 at row y within [x, x+w): aligned (START is
 * the right edge in RTL), truncated with an ellipsis, sanitised. attr is a
 * curses attribute (A_BOLD, A_REVERSE, COLOR_PAIR…). Returns columns used. */
int  ui_text(int y, int x, int w, const char *utf8, text_dir dir, enum ui_align al, int attr);
/* Wrapped paragraph in rect; returns rows used. */
int  ui_para(struct ui_rect r, const char *utf8, text_dir dir, enum ui_align al, int attr);
/* Status line above the footer: an error (red) or info message; "" clears. */
void ui_status(const char *utf8, bool error);
/* As ui_status, but with an English msgid (and the number for a "%d" in
 * it), translated at every draw: F2 shows it again in the other language.
 * (A ui_status line is cleared by F2, never left in the old language.) */
void ui_status_tr(const char *msgid, int arg, bool error);
void ui_beep(void);

/* ---- widgets -------------------------------------------------------------- */

/* Menu: digits 1..9 (or the items' fixed keys) choose directly, arrows +
 * Enter too. */
struct ui_menu {
	const char **items;        /* UTF-8 labels, already translated */
	int   nitems, selected, top;
	bool  numbered;            /* show "1 " … in front (keypad use) */
	int   rows;                /* added: rows of the last draw (paging); ui-owned */
	/* Added: a fixed key per item (e.g. L'V'), shown in front instead of
	 * the number and chosen by that character in either case; alt_keys[i]
	 * (may be NULL, or 0 for none) is a second character for the item (the
	 * letter on the same key of another keyboard layout). */
	const wchar_t *keys, *alt_keys;
};
/* Returns the index chosen (>= 0), -1 still browsing, -2 for Back. */
int  ui_menu_key(struct ui_menu *m, struct ui_event ev);
void ui_menu_draw(struct ui_menu *m, struct ui_rect r);

/* One editable field with its label and the last validation message. */
struct ui_field {
	const char *label;         /* translated */
	struct text_edit edit;
	text_dir dir;              /* RTL for Arabic free text, LTR for digits */
	bool  digits_only;         /* keypad fields: only digits accepted */
	bool  secret;              /* password: shown as • */
	int   height;              /* rows (1 for single line) */
	char *error;               /* malloc'd message shown under the field */
	int   label_w;             /* added: label column width; 0 = a third of the width */
};
void ui_field_init(struct ui_field *f, const char *label, text_dir dir, size_t max_chars, int height);
void ui_field_free(struct ui_field *f);
/* Edit keys (chars, Backspace, Delete, Left/Right/Home/End; Enter inserts a
 * newline only in multi-line fields). Returns UI_HANDLED if consumed. */
int  ui_field_key(struct ui_field *f, struct ui_event ev);
/* Draw label + box in r (label at the START side), cursor placed if focused. */
void ui_field_draw(struct ui_field *f, struct ui_rect r, bool focused);
/* msg: best an English msgid, translated at each draw (so F2 shows it in
 * the other language); translated text is drawn as it is. NULL clears. */
void ui_field_set_error(struct ui_field *f, const char *msg /* NULL clears */);
/* Added: a plain frame around a group of fields drawn inside r (e.g. the
 * officer login's two fields), cleared inside. */
void ui_field_group(struct ui_rect r);

/* Choice: a field whose value is one of a list (arrows or digits). */
struct ui_choice {
	const char *label;
	const char **items;        /* translated labels */
	int   nitems, selected;    /* -1 = none yet */
	char *error;
};
int  ui_choice_key(struct ui_choice *c, struct ui_event ev);
/* (A choice with no label, "" or NULL, takes no label column: its value
 * uses the whole of r.) */
void ui_choice_draw(struct ui_choice *c, struct ui_rect r, bool focused);
/* Added: columns the options take drawn in a row ("1 a  2 b  3 c"), so a
 * form can give a choice a row of its own when they do not fit beside
 * the label. */
int  ui_choice_width(const struct ui_choice *c);

/* Pager: wrapped text, scrolling by line and page, "lines a–b of n" shown. */
struct ui_pager {
	char  *text;               /* UTF-8, owned */
	text_dir dir;
	int    top;                /* first visual line */
	int    width;              /* the width the lines were wrapped for */
	struct text_line *lines; int nlines;
	int    height;             /* added: text rows of the last draw (paging); ui-owned */
	text_dir *ldir;            /* added: each line's paragraph direction; ui-owned */
	int    mode;               /* added: the bidi_mode the lines were made in */
};
/* dir is the text's direction where a paragraph has none of its own (no
 * letter); every paragraph with a letter takes its own (ui_pager.c). */
void ui_pager_init(struct ui_pager *p, char *text_owned, text_dir dir);
void ui_pager_free(struct ui_pager *p);
int  ui_pager_key(struct ui_pager *p, struct ui_event ev);   /* -2 on Back */
void ui_pager_draw(struct ui_pager *p, struct ui_rect r);

/* Table: columns with widths; rows come from the caller's arrays. */
/* guess: each cell in the direction of its own first strong letter (a name
 * in Arabic or English whatever the screen's language), else dir. A column
 * of width <= 0 is left out (the next one takes its place). */
struct ui_column { const char *title; int width; text_dir dir; bool guess; };
struct ui_table {
	const struct ui_column *cols; int ncols;
	int   nrows, selected, top;
	/* cell text for (row, col); the table sanitises it. */
	const char *(*cell)(void *ctx, int row, int col);
	void *ctx;
	int   rows;                /* added: data rows of the last draw (paging); ui-owned */
};
/* Returns the row chosen with Enter (>= 0), -1 browsing, -2 Back,
 * -3 when the selection moved past the last row (ask for the next page),
 * -4 past the first (previous page). */
int  ui_table_key(struct ui_table *t, struct ui_event ev);
void ui_table_draw(struct ui_table *t, struct ui_rect r);

/* Added: a scrolled view. Between the two calls every paint at row y
 * shows at row y - top, and only inside view's rows (columns unchanged):
 * draw the whole content as if the screen were tall enough, from view.y,
 * and the rows from `top` on show in view. Not nested. */
void ui_scroll_begin(struct ui_rect view, int top);
void ui_scroll_end(void);

/* Horizontal bar chart with block characters (▏▎▍▌▋▊▉█): label, bar, value. */
struct ui_bar { const char *label; double value; const char *value_text; };
void ui_chart_draw(struct ui_rect r, const char *title, const struct ui_bar *bars, int n, double max);

/* Modal message box; waits for Enter/Esc (or any key when any_key). Returns
 * the action that closed it. Yes/no variant returns true for yes (1 / Enter
 * on "Yes", 2 / Esc for no). */
ui_action ui_message(const char *title, const char *utf8, bool any_key);

/*
 * Added: a watch (the officer console's "is this session still allowed?").
 * ui_run calls fn(ctx) after every event it handles (keys, and the tick at
 * least once a second), and ui_read before each wait, so a modal box
 * (ui_message, ui_confirm) waiting for an answer is no way around it; the
 * watch must not call ui_run itself. When it
 * returns true, every ui_run nested deeper than where the watch was set
 * returns UI_HOME at once (each screen's wipe runs, as on idle) and modal
 * loops get ACT_IDLE; the ui_run the watch was set under carries on.
 * fn NULL removes it. One watch at a time.
 */
void ui_set_watch(bool (*fn)(void *ctx), void *ctx);
/* Added: how many times the idle countdown ran out since the program began
 * (a caller compares before/after to tell an idle log-out from F10). */
unsigned ui_idle_count(void);
bool      ui_confirm(const char *title, const char *question);
/* Added: as ui_confirm, but with the button selected at first (ui_confirm
 * selects "Yes", like dialog; pass false for "discard what you typed?"). */
bool      ui_confirm_default(const char *title, const char *question, bool default_yes);

/* Added (ui_osk.c): the on-screen keyboard back to its start — off,
 * layout following the field and the language, first key highlighted.
 * The kiosk calls it when a visit ends (idle reset, finish). */
void      ui_osk_reset(void);

/* Added (ui_draw.c invariant 5): between ui_digits_raw(true) and
 * ui_digits_raw(false) (they nest) ASCII digits are painted as they are
 * on an Arabic screen too: an edit field's value (what the visitor
 * typed), the on-screen keyboard's keys, the bilingual welcome. */
void ui_digits_raw(bool on);
/* True when the current language's screens show Arabic-Indic digits
 * (Arabic, arabic_digits = "eastern"). */
bool ui_digits_eastern(void);

/* A large reference number (digits 5 rows high, block characters) centred
 * in r, with the plain digits underneath. */
void ui_bigdigits(struct ui_rect r, const char *digits);

/* ---- form (added; ui_form.c, ui_form_draw.c) ------------------------------
 *
 * A vertical form built from a struct form_def (core/screens.h): text
 * fields (ui_field) and choices (ui_choice), one under the other, each
 * label at the reading start in a column as wide as the form's longest
 * label (at most 40% of the width), a help / counter / error row under a
 * field at its start side, scrolled so the focused item is in view. The
 * kiosk's request, declaration, tracking and survey forms and the officer
 * console's intake are all ui_forms.
 *
 * Invariants:
 *  1. An item is validated (core/validate) when it is left forward (Down,
 *     Tab, Enter) and when the form is submitted (F5, or moving on from the
 *     last item); an invalid item keeps the focus and its reason shows under
 *     it and in the status line in the current language (the msgid is kept
 *     and translated at draw time, so F2 re-translates it).
 *  2. Labels, option labels and text directions are re-derived at every draw
 *     from the definitions and the current language: a language switch never
 *     loses what was typed.
 *  3. ui_form_wipe / ui_form_free overwrite every typed buffer
 *     (text_edit_wipe) and every normalised copy (explicit_bzero).
 *  4. Items hidden by show_if ("category=member") are skipped by the focus,
 *     never validated, and give "" as their value.
 *  5. Keypad only: digits choose options, Enter (or the keypad's '+') moves
 *     on (in a multi-line field: Enter on an empty last line), Enter past
 *     the last item submits, the keypad's '/' (or Esc) is Back. Backspace
 *     in an empty item does nothing: it never moves the focus.
 *  6. src/ui never reads the store: options of a choice that names a
 *     catalog kind are given by the screen with ui_form_set_options.
 */
struct form_def;
struct field_def;

struct ui_form_item {
	const struct field_def *def;   /* type, limits, label msgid, show_if */
	const char *label_en, *label_ar; /* instead of def->label (catalog items) */
	bool   is_choice;
	struct ui_field  field;
	struct ui_choice choice;
	int    nopts;
	char **codes;                  /* choice option codes (owned) */
	char **opt_en, **opt_ar;       /* option labels; opt_ar NULL = msgids */
	const char **items;            /* translated labels for ui_choice */
	const char *err;               /* msgid of the current error, or NULL */
	int    err_arg;                /* %d in err, when it has one */
	char  *value;                  /* the normalised value once valid */
	bool   visible;
	bool   locked;                 /* shown, never focused (the kiosk's channel) */
	bool   label_above;            /* label on its own row (survey questions) */
	const char *heading;           /* msgid of a section title above it */
	bool   opts_below;             /* ui-owned: options on their own row (last draw) */
	bool   opts_long;              /* ui-owned: options fit no row: listed when focused */
	int    help_rows;              /* ui-owned: rows of the help text (last layout) */
	bool   osk_here;               /* ui-owned: '*' asked for the on-screen
	                                  keyboard on this membership number */
};

struct ui_form {
	struct ui_form_item *it;
	int    n, focus, top;
	bool   dirty;                  /* something was typed or chosen */
	int    label_w;                /* ui-owned: label column of the last draw */
	int    draw_w;                 /* ui-owned: width of the last layout (0: stale) */
	int    layout_lang, layout_n;  /* ui-owned: language + 1 and items of the last layout */
	bool   err_wrap;               /* ui-owned: an error under an item may take two
	                                * rows (the form had room at the last draw) */
};

/* What ui_form_key asks of its screen. */
enum { UF_NONE = 0, UF_SUBMIT, UF_BACK };

/* An empty form; then ui_form_add_fields / ui_form_add_choice. */
void ui_form_init(struct ui_form *f);
/* Append the items of def (NULL: none). Choices with fixed options get
 * them; a choice naming a catalog kind starts with no options: the screen
 * fills them with ui_form_set_options. def must outlive the form. */
void ui_form_add_fields(struct ui_form *f, const struct form_def *def);
/* Give item i its n options (codes + English and Arabic labels, or
 * msgids when ar is NULL). Copies everything; replaces earlier options. */
void ui_form_set_options(struct ui_form *f, int i, int n, const char *const *codes,
                         const char *const *en, const char *const *ar);
/* Append one def-less choice (a survey question: label_en/label_ar are
 * borrowed, options are msgids and copied). def must outlive the form. */
void ui_form_add_choice(struct ui_form *f, const struct field_def *def,
                        const char *label_en, const char *label_ar, int nopts,
                        const char *const *codes, const char *const *msgids);
/* Overwrite and free everything; the form is unusable (zeroed) after. */
void ui_form_free(struct ui_form *f);
/* Overwrite what was typed and chosen; first item focused, not dirty. */
void ui_form_wipe(struct ui_form *f);
/* Draw in r, the focused item last (so the cursor is its). */
void ui_form_draw(struct ui_form *f, struct ui_rect r);
/* One action: moves, edits, validates on leaving (invariants 1 and 5).
 * Returns UF_NONE, UF_SUBMIT (everything valid) or UF_BACK. */
int  ui_form_key(struct ui_form *f, struct ui_event ev);
/* Validate every visible item; focus the first invalid one and show its
 * reason in the status line. True when all are valid. */
bool ui_form_validate_all(struct ui_form *f);
/* Validate item i (sets or clears its error and value). */
bool ui_form_validate(struct ui_form *f, int i);
/* The item with this id, or NULL. */
struct ui_form_item *ui_form_item(struct ui_form *f, const char *id);
/* The normalised value of a validated item ("" when empty, hidden or not
 * validated yet). */
const char *ui_form_value(struct ui_form *f, const char *id);
/* The chosen code of a choice, or "". */
const char *ui_form_code(struct ui_form *f, const char *id);
/* Choose the option with this code (show_if re-evaluated); false when the
 * item or the code is unknown. */
bool ui_form_choose(struct ui_form *f, const char *id, const char *code);
/* Item i's value as shown, in the current language (malloc'd). */
char *ui_form_display(struct ui_form *f, int i);
/* Item i's label in the current language. */
const char *ui_form_label(const struct ui_form *f, int i);
/* Focus item i when it is visible and not locked. */
void ui_form_focus(struct ui_form *f, int i);
/* Show the focused item's error (or clear the status line). */
void ui_form_status(struct ui_form *f);
/* Added: the keypad key the focused item offers, for the screen's footer:
 * "*" keyboard on a free-text item, "-" erase on a digits field, "↑↓" move
 * on a choice (label msgids, translated by ui_frame). */
struct ui_key_hint ui_form_keypad_hint(const struct ui_form *f);
/* Put text into item i as if typed (a prefilled reference number). */
void ui_form_set_text(struct ui_form *f, int i, const char *utf8);

#endif
