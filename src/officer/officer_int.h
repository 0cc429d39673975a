/*
 * officer_int — what the officer console's files share: the logged-in
 * session, the catalog names, the modal helpers (common.c) and the entry
 * point of each screen. Nothing outside src/officer includes this.
 *
 * Screen entry points return ui result bits: UI_BACK (or UI_DONE) to go back
 * to the caller, UI_HOME to log out (F10 or idle), UI_HANGUP to unwind
 * everything at once.
 */
#ifndef KHIDMA_OFFICER_INT_H
#define KHIDMA_OFFICER_INT_H

#include <stdbool.h>
#include "core/app.h"
#include "store/store.h"
#include "ui/ui.h"

struct console {
	struct app     *a;
	store          *db;
	struct officer  me;          /* the logged-in officer */
	struct catalog_item *services; int nservices;
	struct catalog_item *channels; int nchannels;
	long long       checked_ms;  /* console.c: when the watch last asked */
	bool            offline;     /* console.c: the server was not reached
	                                at the watch's last question (issue 13) */
};

/* How a console ended (console.c). */
enum oc_end { OC_END_LOGOUT = 0, OC_END_IDLE, OC_END_REVOKED };

/* ---- console.c ---------------------------------------------------------- */
/* Run the console for a logged-in officer (me is moved into the console and
 * freed on return). Returns UI_HOME (log out) or UI_HANGUP; *end says why
 * a UI_HOME came: F10, idle, or the account's access ended. */
int oc_console(struct app *a, struct officer *me, enum oc_end *end);

/* ---- login.c -------------------------------------------------------------- */
/*
 * The login screen. With fixed_login (the Unix user) only the password is
 * asked; with NULL the login name is typed too (kiosk F9). On success fills
 * *out (free with officer_free) and returns UI_DONE; UI_BACK when the
 * person gave up (Esc / F10), UI_HANGUP when the terminal went away.
 * notice (or NULL): a translated sentence shown on the status line first
 * (why the last console ended).
 */
int oc_login(struct app *a, const char *fixed_login, struct officer *out,
             const char *notice);
/* The Unix login the console runs as (getpwuid(geteuid())), or the
 * KHIDMA_OFFICER_LOGIN override honoured only for a binary inside the
 * source tree (tests). Static buffer; "" when unknown. */
const char *oc_unix_login(void);

/* ---- queue.c / request.c / intake.c / reports.c ------------------------------ */
int oc_queue(struct console *c);
int oc_request(struct console *c, int64_t id);
int oc_intake(struct console *c);
int oc_reports(struct console *c);

/* ---- admin.c / admin_officers.c / admin_backup.c --------------------------------------------- */
/* The admin's menu (role admin only; any other role gets a status line
 * and UI_REDRAW): officers, backup, reports. Returns as the screens do. */
int oc_admin(struct console *c);
/* The officer accounts: list, add, role, disable, enable, unlock, password. */
int oc_admin_officers(struct console *c);
/* The catalog: service types, survey questions (admin_catalog.c), and the
 * documents (admin_docs.c). */
int oc_admin_catalog(struct console *c);
/* The kiosk's documents: list, add, titles, files, retire (admin_docs.c). */
int oc_admin_docs(struct console *c);
/* "Backup now" into cfg.backup_dir (admin_backup.c). */
int oc_admin_backup(struct console *c);

/* ---- common.c -------------------------------------------------------------------- */
/* Translated label of a status ("Received", "At the committee", …). */
const char *oc_status_label(req_status st);
/* The status as a short label (at most 10 cells in English and Arabic), for
 * a table column that must leave room to the others. */
const char *oc_status_short(req_status st);
/* Translated label of a role. */
const char *oc_role_label(officer_role r);
/* The catalog item's name in the current language, or the code itself. */
const char *oc_catalog_name(const struct console *c, const char *kind, const char *code);
/* A translated sentence for a store error ("The database is busy…"). */
const char *oc_store_error(st_rc rc);
/* Log a security event with an untrusted string made safe for syslog. */
void oc_log_security(const char *what, const char *untrusted, const char *detail);

/*
 * Ask for a line (or with multiline, a paragraph) of text on a full screen:
 * title, a question, the field. title and question are best English
 * msgids (N_), translated at each draw so F2 shows them in the other
 * language; translated text is drawn as it is. Returns a malloc'd cleaned UTF-8 string
 * (text_clean), or NULL when the person pressed Esc. *rc gets UI_HANGUP
 * when the terminal went away (else 0). required: "" is refused with a
 * message and the prompt stays.
 */
char *oc_prompt(const char *title, const char *question, const char *initial,
                bool multiline, bool required, size_t max_chars, int *rc);
/*
 * As oc_prompt, but F5/Enter first calls apply(ctx, text) with the cleaned
 * text while the prompt is still open: true closes the prompt (the text is
 * returned); false keeps it open with the text in the field — apply has
 * put the reason in the status line (ui_status). So a write that fails
 * (disk full, busy, stale, refused) never loses what was typed.
 */
char *oc_prompt_apply(const char *title, const char *question, const char *initial,
                      bool multiline, bool required, size_t max_chars,
                      bool (*apply)(void *ctx, const char *text), void *ctx, int *rc);

/* The status line after a write that failed with the text still in its
 * prompt (oc_prompt_apply's callback): the reason. The prompt itself says
 * under the field that nothing was changed and the text is kept. */
void oc_say_kept(const char *reason);

/*
 * F10 in any console screen: UI_HOME (log out) at once when nothing typed
 * is open (ui_drafts_open), else after "Log out?" answered Yes (No is
 * selected first); UI_REDRAW when the officer said No.
 */
int oc_quit(void);

/*
 * Choose one of items[0..n) (translated labels) on a full screen. Returns
 * the index, -1 for Esc; *rc as for oc_prompt (UI_HOME after F10).
 */
int oc_pick(const char *title, const char *const *items, int n, int selected, int *rc);
/*
 * As oc_pick, but each item has a fixed key instead of its position number:
 * keys[i] an ASCII capital letter, shown beside the label and taken in
 * either case; alt[i] (or 0) the letter the same key types on the Arabic
 * keyboard, taken too. A key that is not in the list beeps.
 */
int oc_pick_keys(const char *title, const char *const *items, const wchar_t *keys,
                 const wchar_t *alt, int n, int selected, int *rc);

/* The outcome of an admin list's last change, drawn on the list's status
 * line when it comes back (a new ui_run starts with the status line clear);
 * not after F2 switched the language (it is text in the old one). */
struct oc_note { char text[256]; bool err; ui_lang lang; /* the text's */ };
void oc_note_set(struct oc_note *note, const char *text, bool err);

/*
 * An admin list (officers, catalog items, documents): labels[0..n) (an
 * English msgid is translated at each draw, other text drawn as it is) on a
 * full screen titled _(title), numbered when n <= 9, Enter chooses, Esc
 * goes back; note's text (if any) on the status line, then cleared. name is
 * the screen's name. Returns the index, -1 for Esc; *rc as for oc_pick.
 */
int oc_list_pick(const char *name, const char *title, const char *const *labels, int n,
                 int selected, struct oc_note *note, int *rc);

/* Forward a ui_run result that must unwind (UI_HOME, UI_HANGUP), else 0. */
static inline int oc_unwind(int r) { return r & (UI_HOME | UI_HANGUP); }

#endif
