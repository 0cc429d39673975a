/*
 * kiosk/kiosk — `khidma` in kiosk mode: the visitor's session and the one
 * dispatcher that runs the screens in turn.
 *
 *   welcome ─► home ─┬─► intake ⇄ review ─► declare (submit) ─► confirm ─┐
 *      ▲             ├─► track ──(delivered)──► survey                   │
 *      │             ├─► survey                                          │
 *      │             ├─► info                                            │
 *      │             └─► call an officer (a help request in the queue)   │
 *      └──────────── idle reset / timeout / after a submission ◄─────────┘
 *
 * Invariants:
 *  1. The draft request lives in struct kiosk from the first key in the
 *     intake until it is submitted, discarded (Back + confirm), wiped by
 *     the idle reset, or the terminal hangs up — never longer.
 *  2. An idle reset (ui_run returning UI_HOME), like the end of every
 *     visit (K_RESET), wipes every draft and puts back everything a
 *     visitor can change before the welcome screen shows: the start
 *     language (Arabic unless configured), the bidi mode of the command
 *     line or configuration (F3 flips it), and the on-screen keyboard
 *     (off, its layout following the language).
 *  3. SIGHUP: ui_run returns UI_HANGUP; the dispatcher wipes and returns
 *     at once. A submission is one store transaction, so there is never a
 *     partial row to clean up.
 *  4. F9 reaches the officer side only through officer_login_from_kiosk.
 *  5. The first screen waits neither for screens/ nor for the database:
 *     the welcome (which uses neither) is painted (kiosk_welcome_show)
 *     before app_load_screens (libconfig parses four files) and
 *     app_open_db (the header check, the SQLite open and pragmas, the
 *     schema version, the start of the background quick_check); the
 *     request form's catalog is read after both. No key is read in between, and nothing that needs the
 *     database (the form, F9, any later screen) runs before the open has
 *     succeeded. A database this user cannot write or may not open
 *     (ST_READONLY, ST_DENIED: a root-owned file at 0644, say) leads to
 *     the out-of-service screen (invariant 6), which opens it again every
 *     10 s — an exit would only be restarted every second by the service
 *     manager, a flicker the visitor cannot read. Any other failure (and
 *     screens/) ends curses and prints the same message as when main.c did
 *     this before curses (for the database in Arabic and English,
 *     app_open_failed), exit status 1; nothing was written. The officer
 *     console and the CLI (main.c) still open before their first screen
 *     and exit on any failure.
 *  6. Out of service (oos.c): right after the open the kiosk probes that it
 *     can write the database; before the welcome and the home screen, and
 *     on their ticks, it asks whether the background integrity check has
 *     failed. Either sends it to the out-of-service screen (both
 *     languages, logged) instead of letting a visitor fill a form it
 *     cannot save; a visitor already typing keeps the draft and is told.
 */
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "officer/officer.h"

/* The request form's sections: a heading above these fields. */
static void
request_form_init(struct kiosk *k)
{
	const struct form_def *def = screens_form(&k->a->scr, "request");
	struct ui_form_item *it;

	if (k->req_init)                /* again: the server's catalog (offline.c) */
		ui_form_free(&k->req);
	kform_init(&k->req, def, kiosk_catalog_db(k));
	if ((it = ui_form_item(&k->req, "category")) != NULL)
		it->heading = N_("Who you are");
	if ((it = ui_form_item(&k->req, "service")) != NULL)
		it->heading = N_("What you need");
	if ((it = ui_form_item(&k->req, "channel")) != NULL)
		it->locked = true;          /* at the kiosk: in person */
	ui_form_choose(&k->req, "channel", "in_person");
	k->req_open = def != NULL;
	k->req_init = true;
}

void
kiosk_forget(struct kiosk *k)
{
	ui_form_wipe(&k->req);
	ui_form_choose(&k->req, "channel", "in_person");
	k->review_focus = -1;
	k->notify = NOTIFY_NONE;
	if (k->done_valid) {
		if (k->done.name)
			explicit_bzero(k->done.name, strlen(k->done.name));
		explicit_bzero(k->done.national_id, sizeof k->done.national_id);
		explicit_bzero(k->done.mobile, sizeof k->done.mobile);
		request_free(&k->done);
		memset(&k->done, 0, sizeof k->done);
		k->done_valid = false;
	}
	k->survey_request = 0;
	k->survey_ref[0] = '\0';
	explicit_bzero(k->survey_last4, sizeof k->survey_last4);
}

/* "No" is selected first: only an explicit Yes (1, or Enter after moving
 * to it) discards — a stray Enter or a pasted sequence never does. */
bool
kiosk_confirm_discard(void)
{
	return ui_confirm_default(_("Discard?"),
	                          _("What you typed will be erased. Go back anyway?"),
	                          false);
}

const char *
kiosk_store_msg(st_rc rc)
{
	switch (rc) {
	case ST_OK:       return "";
	case ST_BUSY:     return N_("The system is busy right now. Please try again in a moment.");
	case ST_FULL:     return N_("The kiosk's storage is full. Please tell a member of staff.");
	case ST_READONLY: return N_("The kiosk cannot save right now (read-only). Please tell a member of staff.");
	case ST_NOTFOUND: return N_("Not found.");
	case ST_INVALID:  return N_("Some of the data could not be accepted. Please check it.");
	case ST_OFFLINE:  return N_("The office system cannot be reached right now. Please try again in a moment.");
	default:          return N_("A technical error stopped the kiosk from saving. Please tell a member of staff.");
	}
}

static enum kstep
run_officer(struct kiosk *k)
{
	int r;

	kiosk_forget(k);
	log_info("kiosk: officer login requested (F9)");
	r = officer_login_from_kiosk(k->a);
	return r == UI_HANGUP || ui_hungup() ? K_EXIT : K_RESET;
}

static ui_lang
start_lang(const struct app *a)
{
	if (a->lang_given)
		return a->lang == LANG_EN ? LANG_EN : LANG_AR;
	if (a->cfg.language != NULL && strcmp(a->cfg.language, "en") == 0)
		return LANG_EN;
	return LANG_AR;
}

/*
 * Run the kiosk until the terminal hangs up. a->db is opened here after the
 * first paint when it is NULL (invariant 5). Returns 0 after a hang-up (the
 * normal end of a kiosk), 1 when the terminal is unusable or the database
 * cannot be opened for another reason than read-only/denied (those show the
 * out-of-service screen) — the message is then on stderr.
 */
int
kiosk_main(struct app *a)
{
	struct kiosk k;
	struct ui_opts o = {
		.bidi = a->bidi, .kiosk = true,
		.idle_timeout = a->cfg.idle_timeout,
		.idle_warning = a->cfg.idle_warning,
		.western_digits = a->cfg.arabic_digits != NULL &&
		                  strcmp(a->cfg.arabic_digits, "western") == 0,
	};
	enum kstep st = K_WELCOME;

	log_open("kiosk");
	memset(&k, 0, sizeof k);
	k.a = a;
	k.review_focus = -1;
	ui_set_lang(start_lang(a));
	if (ui_init(&o) != 0) {
		log_error("kiosk: cannot initialise the terminal");
		return 1;
	}
	if (a->db == NULL) {
		/* invariant 5: the welcome first, then screens/ and the database */
		char err[512];
		st_rc rc;

		kiosk_welcome_show(&k);
		if (a->scr.dir == NULL && app_load_screens(a, err, sizeof err) != 0) {
			ui_end();
			fprintf(stderr, "khidma: %s\n", err);
			log_error("kiosk: %s", err);
			return 1;
		}
		a->db_offline_ok = kiosk_spool_enabled(&k);   /* offline.c, inv. 4 */
		rc = app_open_db(a, true, err, sizeof err);
		if (rc == ST_READONLY || rc == ST_DENIED) {
			/* invariant 5: out of service, re-tried every 10 s
			 * (oos.c), not an exit the service manager restarts */
			log_error("kiosk: cannot open %s: %s: out of service",
			          a->db_path, err);
			k.broken = rc;
		} else if (rc != ST_OK) {
			ui_end();
			app_open_failed(a, rc, err);
			return 1;
		}
	}
	if (a->db != NULL && store_offline(a->db)) {
		/* offline.c invariant 4: the server cannot be reached */
		if (kiosk_spool_ready(&k)) {
			log_error("kiosk: the server %s cannot be reached: taking "
			          "requests into the spool until it can", a->db_path);
		} else {
			log_error("kiosk: the server %s cannot be reached and the spool "
			          "has no reserved reference: out of service until it "
			          "can", a->db_path);
			k.broken = ST_OFFLINE;
		}
	}
	if (a->db != NULL) {
		request_form_init(&k);
		kiosk_health_probe(&k); /* oos.c: a database it cannot write */
	}
	while (st != K_EXIT) {
		/* the form's catalog, once a database that could not be opened
		 * at start has been (oos.c) */
		if (!k.req_init && a->db != NULL)
			request_form_init(&k);
		/* oos.c: no visitor is let in to a kiosk that cannot save */
		if ((st == K_WELCOME || st == K_HOME) && kiosk_health(&k) != ST_OK)
			st = K_OOS;
		/* offline.c: between visitors, the spool's references and its
		 * forward pass (a server only) */
		if (st == K_WELCOME)
			kiosk_spool_tick(&k);
		switch (st) {
		case K_WELCOME: st = kiosk_welcome(&k); break;
		case K_HOME:    st = kiosk_home(&k); break;
		case K_REQUEST: st = kiosk_intake(&k); break;
		case K_REVIEW:  st = kiosk_review(&k); break;
		case K_DECLARE: st = kiosk_declare(&k); break;
		case K_CONSENT: st = kiosk_consent(&k); break;
		case K_CONFIRM: st = kiosk_confirm(&k); break;
		case K_TRACK:   st = kiosk_track(&k); break;
		case K_SURVEY:  st = kiosk_survey(&k); break;
		case K_INFO:    st = kiosk_info(&k); break;
		case K_CALL:    st = kiosk_call(&k); break;
		case K_OFFICER: st = run_officer(&k); break;
		case K_OOS:     st = kiosk_out_of_service(&k); break;
		case K_RESET:
			/* invariant 2: everything a visitor can change */
			kiosk_forget(&k);
			k.told = false;
			ui_set_lang(start_lang(a));
			ui_set_bidi(a->bidi);
			ui_osk_reset();
			ui_status("", false);
			st = K_WELCOME;
			break;
		case K_EXIT:
			break;
		}
		if (ui_hungup())
			st = K_EXIT;
		kiosk_receipt_poll();   /* reap (and log) a receipt the visitor left */
	}
	kiosk_forget(&k);
	ui_form_free(&k.req);
	kiosk_spool_close(&k);
	ui_end();
	log_info("kiosk: terminal closed, draft discarded");
	return 0;
}
