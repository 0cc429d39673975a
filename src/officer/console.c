/*
 * officer/console — the entry points: `khidma officer` (officer_main) and
 * the kiosk's F9 (officer_login_from_kiosk). Both show the login screen and,
 * on success, the console, whose home is the queue (queue.c); intake,
 * reports and the request screens are reached from there.
 *
 * Invariants:
 *  1. officer_main owns the terminal: ui_init before anything is drawn,
 *     ui_end on every path. officer_login_from_kiosk uses the kiosk's.
 *  2. The console's session (struct console) lives on this file's stack and
 *     is freed on every path, the officer's password hash wiped.
 *  3. F10 anywhere in the console logs out (UI_HOME unwinds to here) —
 *     after a "Log out?" when something typed would be lost (oc_quit).
 *     Ctrl-C, Ctrl-\ and Ctrl-Z are ignored, as at the kiosk (ui_term.c).
 *  4. The console's connection is bound to the officer for its whole life
 *     (store_session_begin … store_session_end): every write it makes is
 *     refused with ST_REVOKED once the account is disabled or its role
 *     changed, by whoever and however (CLI, another console).
 *  6. The server out of reach (PostgreSQL, issue 13) ends nothing: the
 *     watch's question (every WATCH_MS) is also the retry — the store
 *     reconnects by itself (sq_pg.c) — and while it finds no server the
 *     status line says "No connection to the server — retrying…" (in the
 *     current language, F2 follows), put back at every question so a
 *     new screen's clear status does not hide it; once the server answers
 *     it says so, and the screens reload on their next tick (a reconnection
 *     counts as a change: store_changed). A failed write keeps what was
 *     typed (oc_prompt_apply, the forms): saving again works once the
 *     server is back.
 *  5. A console that ends by itself — the account was disabled or its role
 *     changed (a write answered ST_REVOKED, or the watch, which asks the
 *     store every 2 s, found it), or no key for officer_idle_timeout
 *     seconds after a warning of officer_idle_warning seconds — unwinds
 *     every screen (drafts wiped), logs it, and returns to the login
 *     screen, which says why. From the kiosk (F9) the kiosk's welcome
 *     comes back after the same words.
 */
#include "officer/officer.h"
#include "officer/officer_int.h"
#include "officer/officer_attr.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "core/util.h"

/* The watch (ui_set_watch): the account is asked at most every
 * WATCH_MS, and at once after a write found it revoked. */
#define WATCH_MS 2000

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Invariant 6: say once that the server is gone (and put it back on the
 * status line at every question while it is), and once that it is back. */
static void
connection_seen(struct console *c, bool offline)
{
	if (offline) {
		if (!c->offline)
			log_error("officer %s: no connection to the server (%s); retrying",
			          c->me.login, store_errmsg(c->db));
		c->offline = true;
		ui_status_tr(N_("No connection to the server — retrying…"), 0, true);
	} else if (c->offline) {
		c->offline = false;
		log_info("officer %s: connected to the server again", c->me.login);
		ui_status_tr(N_("Connected to the server again."), 0, false);
	}
}

static bool
console_watch(void *ctx)
{
	struct console *c = ctx;
	long long now = mono_ms();
	st_rc rc;

	if (!store_session_revoked(c->db)) {
		if (store_offline(c->db) && !c->offline)
			connection_seen(c, true);   /* a call just failed: say so now */
		if (now - c->checked_ms < WATCH_MS)
			return false;
		c->checked_ms = now;
		if ((rc = store_session_check(c->db)) != ST_REVOKED) {
			connection_seen(c, rc == ST_OFFLINE || store_offline(c->db));
			return false;
		}
	}
	return true;
}

int
oc_console(struct app *a, struct officer *me, enum oc_end *end)
{
	struct console c = { .a = a, .db = a->db, .me = *me };
	unsigned idle0 = ui_idle_count();
	st_rc rc;
	int r;

	*end = OC_END_LOGOUT;
	memset(me, 0, sizeof *me);
	explicit_bzero(c.me.pwhash, sizeof c.me.pwhash);
	/* invariant 4: every write from here on is checked in its transaction */
	rc = store_session_begin(c.db, c.me.login, c.me.role);
	if (rc == ST_OK)
		rc = store_catalog_list(c.db, "service", true, &c.services, &c.nservices);
	if (rc == ST_OK)
		rc = store_catalog_list(c.db, "channel", true, &c.channels, &c.nchannels);
	if (rc == ST_REVOKED) {
		*end = OC_END_REVOKED;
		r = UI_HOME;
		goto cleanup;
	}
	if (rc != ST_OK) {
		log_error("officer console: catalog: %s", st_rc_name(rc));
		ui_message(_("Officer console"), oc_store_error(rc), false);
		r = UI_HOME;
		goto cleanup;
	}
	log_info("officer %s: console opened", c.me.login);
	c.checked_ms = mono_ms();
	ui_set_watch(console_watch, &c);
	r = oc_queue(&c);
	ui_set_watch(NULL, NULL);
	if (store_session_revoked(c.db) || store_session_check(c.db) == ST_REVOKED) {
		*end = OC_END_REVOKED;
		log_security("officer %s: access ended (disabled or role changed); "
		             "console closed", c.me.login);
	} else if (ui_idle_count() != idle0) {
		*end = OC_END_IDLE;
		log_info("officer %s: logged out after %d s without a key", c.me.login,
		         a->cfg.officer_idle_timeout);
	} else {
		log_info("officer %s: logged out", c.me.login);
	}
cleanup:
	store_session_end(c.db);
	catalog_items_free(c.services, c.nservices);
	catalog_items_free(c.channels, c.nchannels);
	officer_free(&c.me);
	return r & UI_HANGUP ? UI_HANGUP : UI_HOME;
}

/* What the login screen says after the console ended by itself. */
static const char *
end_notice(enum oc_end end)
{
	switch (end) {
	case OC_END_REVOKED: return oc_store_error(ST_REVOKED);
	case OC_END_IDLE:    return _("You were logged out: the console was not used for a while. Log in again.");
	default:             return NULL;
	}
}

int
officer_main(struct app *a)
{
	struct ui_opts o = { .bidi = a->bidi, .kiosk = false,
	                     .idle_timeout = a->cfg.officer_idle_timeout,
	                     .idle_warning = a->cfg.officer_idle_warning,
	                     .idle_text = N_("No key was pressed for a while: you will be logged out in %d second. Press any key to stay logged in."),
	                     .idle_text_plural = N_("No key was pressed for a while: you will be logged out in %d seconds. Press any key to stay logged in."),
	                     .western_digits = a->cfg.arabic_digits != NULL &&
	                                       strcmp(a->cfg.arabic_digits, "western") == 0 };
	struct officer me = { 0 };
	enum oc_end end = OC_END_LOGOUT;
	char login[64];
	int r;

	log_open("officer");
	strlcpy_k(login, oc_unix_login(), sizeof login);
	if (a->db == NULL) {
		log_error("officer console: no database");
		return 1;
	}
	ui_set_lang(a->lang == LANG_EN ? LANG_EN : LANG_AR);
	if (ui_init(&o) != 0) {
		log_error("officer console: cannot initialise the terminal");
		return 1;
	}
	/* invariant 5: an ended session (revoked, idle) goes back to the login */
	for (;;) {
		r = oc_login(a, login, &me, end_notice(end));
		if (r != UI_DONE)
			break;
		r = oc_console(a, &me, &end);
		if (r != UI_HOME || end == OC_END_LOGOUT)
			break;
	}
	ui_end();
	return r == UI_HOME ? 0 : 1;
}

/* A screen of its own (nothing of the console stays behind it) with why
 * the console ended, until Enter/Esc or ENDED_S seconds. */
#define ENDED_S 30

struct ended { const char *msg; int ticks; };

static void
ended_draw(struct ui_screen *s)
{
	struct ended *e = s->state;
	static const struct ui_key_hint hints[] = { { "Enter", N_("continue") } };
	struct ui_rect r = ui_frame(_("Officer console"), hints, 1);

	ui_para((struct ui_rect){ r.y + 2, r.x + 2, r.h - 4, r.w - 4 }, e->msg,
	        ui_dir(), AL_START, OA_HEADING);
}

static int
ended_key(struct ui_screen *s, struct ui_event ev)
{
	struct ended *e = s->state;

	switch (ev.a) {
	case ACT_TICK:
		return ++e->ticks >= ENDED_S ? UI_DONE : 0;
	case ACT_ENTER:
	case ACT_BACK:
	case ACT_QUIT:
		return UI_DONE;
	default:
		return UI_REDRAW;
	}
}

static int
say_ended(const char *msg)
{
	struct ended e = { msg, 0 };
	struct ui_screen s = { .name = "officer-ended", .state = &e,
	                       .draw = ended_draw, .key = ended_key };

	return ui_run(&s) & UI_HANGUP ? UI_HANGUP : UI_HOME;
}

int
officer_login_from_kiosk(struct app *a)
{
	struct officer me = { 0 };
	enum oc_end end = OC_END_LOGOUT;
	int r;

	r = oc_login(a, NULL, &me, NULL);
	if (r != UI_DONE)
		return r & UI_HANGUP ? UI_HANGUP : UI_HOME;
	r = oc_console(a, &me, &end);
	/* the kiosk goes back to its welcome: say why first (invariant 5) */
	if (r == UI_HOME && end == OC_END_REVOKED)
		r = say_ended(end_notice(end));
	return r;
}
