/*
 * kiosk — the visitor side of khidma: what the kiosk's screens share and
 * nothing outside src/kiosk/ sees. Section per file, as in tmux.h.
 *
 * One kiosk session (struct kiosk) holds the visitor's draft request across
 * the intake, review and declaration screens; every screen is a struct
 * ui_screen run by ui_run from the dispatcher in kiosk.c, and tells the
 * dispatcher where to go next (enum kstep).
 *
 * Invariants:
 *  1. Screens never run SQL: only store_* (and wf_policy_step) calls.
 *  2. Every buffer a visitor typed into lives in a struct ui_form and is
 *     overwritten by ui_form_wipe (text_edit_wipe + explicit_bzero) on idle,
 *     on Back after the confirm, after a submission and on SIGHUP.
 *  3. The draft survives a failed submit (ST_BUSY, ST_FULL, …), a language
 *     switch (F2) and a resize: screens redraw from it, never re-create it.
 *  4. Nothing of the officer side is reachable without credentials: F9 only
 *     calls officer_login_from_kiosk, from the welcome and home screens,
 *     and only when the configuration says kiosk_officer_login = true
 *     (off by default: F9 is then an ignored key).
 */
#ifndef KHIDMA_KIOSK_H
#define KHIDMA_KIOSK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/app.h"
#include "ui/ui.h"

/* Where the dispatcher goes next. */
enum kstep {
	K_WELCOME = 0, K_HOME, K_REQUEST, K_REVIEW, K_DECLARE, K_CONFIRM,
	K_TRACK, K_SURVEY, K_INFO, K_OFFICER, K_CALL /* call an officer */, K_RESET /* idle: wipe, welcome */,
	K_EXIT /* hang-up */, K_OOS /* out of service (oos.c) */,
	K_CONSENT /* messages about the request (consent.c) */
};

/* ---- kform.c: building the kiosk's ui_forms (src/ui/ui_form.c) ---------
 *
 * kform_init / kform_add_fields build a ui_form from a screen definition
 * and fill the options of catalog choices from the store (src/ui never
 * reads it); the screens then use the ui_form_* functions directly. */

/* Build the items of def (choices from fixed options or from the catalog
 * kind they name, loaded through store_catalog_list). */
void kform_init(struct ui_form *f, const struct form_def *def, store *db);
/* Append the items of def to f (kform_init = empty form + this). */
void kform_add_fields(struct ui_form *f, const struct form_def *def, store *db);

/* ---- kiosk.c: the session and the dispatcher --------------------------- */

struct kiosk {
	struct app  *a;
	struct ui_form req;              /* the draft request */
	bool   req_open;
	bool   req_init;                 /* request_form_init done (needs the database) */
	int    review_focus;           /* a field chosen on the review screen */
	struct request done;           /* the request just submitted */
	bool   done_valid;
	int64_t survey_request;        /* a delivered request to evaluate, or 0 */
	char   survey_ref[16];
	char   survey_last4[8];        /* with survey_ref: tracking proved both */
	struct timespec throttle_until; /* throttle.c: no lookup before (monotonic) */
	st_rc  broken;                 /* why no request can be taken (oos.c), or ST_OK */
	bool   told;                   /* a visitor typing was told of it */
	int    notify;                 /* consent.c: notify_choice, -1 = not asked */
	/* offline.c (issue 13): the spool, opened on first use, and when the
	 * next forward pass between visitors is due (monotonic seconds) */
	store *spool;
	time_t spool_next;
	bool   form_from_spool;        /* the request form's catalog is the spool's */
};

/* Wipe the draft and the last submission. */
void kiosk_forget(struct kiosk *k);
/* Ask before discarding typed data; true only when the visitor explicitly
 * chooses Yes (the box opens on No). */
bool kiosk_confirm_discard(void);
/* The visitor-language message for a store error (msgid). */
const char *kiosk_store_msg(st_rc rc);
/* Footer hints shared by all screens end with F2 (language). */

/* ---- throttle.c: the brake on guessing reference + mobile ------------- */

/* This kiosk's name for the throttle: cfg kiosk_id, else host:terminal. */
const char *kiosk_id(struct kiosk *k);
void kiosk_mono_now(struct timespec *ts);
bool kiosk_mono_passed(const struct timespec *t);
/* true when a lookup may start now; else *at = when (monotonic). */
bool kiosk_throttle_ready(struct kiosk *k, struct timespec *at);
/* Record a failed lookup for ref at this kiosk; *until = when its answer
 * may be shown (monotonic). Returns the wait in seconds, -1 when the
 * failure could not be recorded (fail closed: say "unavailable"). */
int  kiosk_throttle_fail(struct kiosk *k, const char *ref, struct timespec *until);

/* ---- one file per screen: each runs its ui_screen, returns the next step */
enum kstep kiosk_welcome(struct kiosk *k);    /* welcome.c */
/* welcome.c: paint the welcome once, before start-up work it does not need
 * (kiosk_main opens the database after it); no key is read. */
void kiosk_welcome_show(struct kiosk *k);
enum kstep kiosk_home(struct kiosk *k);       /* home.c */
enum kstep kiosk_intake(struct kiosk *k);     /* intake.c */
enum kstep kiosk_review(struct kiosk *k);     /* review.c */
enum kstep kiosk_declare(struct kiosk *k);    /* declare.c (+ submit) */
/* consent.c: messages about the request — K_DECLARE with k->notify set,
 * K_REVIEW on Esc. */
enum kstep kiosk_consent(struct kiosk *k);
enum kstep kiosk_confirm(struct kiosk *k);    /* confirm.c */
enum kstep kiosk_track(struct kiosk *k);      /* track.c */
enum kstep kiosk_survey(struct kiosk *k);     /* survey.c */
enum kstep kiosk_info(struct kiosk *k);       /* info.c */
enum kstep kiosk_call(struct kiosk *k);       /* call.c */

/* ---- offline.c: a kiosk that outlives its link (issue 13) -------------
 *
 * Only on a PostgreSQL server (a SQLite file is never "unreachable"): a
 * submission the server cannot take (ST_OFFLINE) goes into the kiosk's
 * spool under a reserved reference (store/spool.h) and the visitor sees
 * the same confirmation; between visitors the kiosk keeps its block of
 * references topped up and forwards the spool. */
/* Whether this kiosk spools (its database is a server). */
bool  kiosk_spool_enabled(const struct kiosk *k);
/* Write r into the spool: ST_OK with r->ref set, or the error (ST_FULL:
 * no reserved reference left). */
st_rc kiosk_spool_submit(struct kiosk *k, struct request *r);
/* Between visitors: reserve references while online and forward what is
 * spooled, at most every 30 s (at once after an offline submission). */
void  kiosk_spool_tick(struct kiosk *k);
/* Close the spool (the kiosk's end). */
void  kiosk_spool_close(struct kiosk *k);
/* At start, the server not reached: whether the spool can take requests
 * (a reserved reference left and a copy of the catalog). */
bool  kiosk_spool_ready(struct kiosk *k);
/* Where the forms read the catalog: the server, or — while it has not
 * been reached since the start — the spool's copy (sets form_from_spool). */
store *kiosk_catalog_db(struct kiosk *k);
/* Where the guides are read: the server, or its copy in the spool while
 * the server is not reached (may be NULL: no database at all). */
store *kiosk_read_db(struct kiosk *k);

/* ---- oos.c: out of service (issue 15, findings 4 and 5) -------------------
 *
 * The kiosk takes no visitor it cannot serve: a database it cannot write
 * (found at start by store_write_probe) or one whose background integrity
 * check failed (store_check_poll, asked on every tick of the welcome and
 * home screens and before either is shown) puts up the out-of-service
 * screen, in Arabic and English, logged once. A visitor already typing
 * keeps the draft and is told in one line (kiosk_health_notice). */

/* ST_OK, or why the kiosk cannot take requests (sticky; logged once). */
st_rc kiosk_health(struct kiosk *k);
/* At start: can the database be written? Sets k->broken (logged) if not. */
void  kiosk_health_probe(struct kiosk *k);
/* For the screens of a visitor with a draft, on a tick: when the kiosk has
 * just become unable to save, say so in the status line (once) and return
 * true (the caller repaints). */
bool  kiosk_health_notice(struct kiosk *k);
/* The out-of-service screen: K_RESET once the database, opened again, can
 * be written (a read-only file fixed; a failed check never comes back),
 * K_EXIT on hang-up. May replace k->a->db (or leave it NULL meanwhile). */
enum kstep kiosk_out_of_service(struct kiosk *k);

/* ---- dates.c: Gregorian and Umm al-Qura dates through ICU ---------------- */
/* Format t as a date in the current language: Gregorian ("12 March 2025")
 * or Hijri Umm al-Qura ("12 Ramadan 1446 AH"). Writes UTF-8 to out; false
 * (and a numeric fallback for Gregorian) when ICU fails. */
bool kiosk_date(time_t t, bool hijri, char *out, size_t n);

/* ---- receipt.c -------------------------------------------------------------- */
/* The plain-text receipt for r (sanitised, both languages); malloc'd. */
char *kiosk_receipt_text(const struct request *r);
/* Start printing text with cmd in the background (receipt.c invariants 4
 * to 6): returns at once, 0 when started, -1 (logged) when it could not
 * start or another receipt is still printing. The command is killed after
 * timeout_s seconds. */
int   kiosk_receipt_start(const char *cmd, const char *text, int timeout_s);
enum receipt_state { RECEIPT_NONE = 0, RECEIPT_RUNNING, RECEIPT_OK, RECEIPT_FAILED };
/* Never waits: RECEIPT_RUNNING while it prints; once finished, RECEIPT_OK
 * or RECEIPT_FAILED (logged: failed, killed after the timeout, cannot
 * start), reported once; RECEIPT_NONE when nothing was started since. */
enum receipt_state kiosk_receipt_poll(void);

/* ---- mask.c: what a lobby screen may show -------------------------------- */
/* "م****" : the first letter of the name then ****; malloc'd. */
char *kiosk_mask_name(const char *name);
/* "******1234" into out (>= 11 bytes). */
void  kiosk_mask_mobile(const char *mobile, char *out, size_t n);
/* Loose comparison of a signature with the name given (text_search_key,
 * spaces and punctuation ignored). */
bool  kiosk_names_match(const char *a, const char *b);

#endif
