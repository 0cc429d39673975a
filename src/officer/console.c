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
 *  3. F10 anywhere in the console logs out (UI_HOME unwinds to here).
 *  4. The console's connection is bound to the officer for its whole life
 *     (store_session_begin … store_session_end): every write it makes is
 *     refused with ST_REVOKED once the account is disabled or its role
 *     changed, by whoever and however (CLI, another console).
 */
#include "officer/officer.h"
#include "officer/officer_int.h"

#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/util.h"

int
oc_console(struct app *a, struct officer *me)
{
	struct console c = { .a = a, .db = a->db, .me = *me };
	st_rc rc;
	int r;

	memset(me, 0, sizeof *me);
	explicit_bzero(c.me.pwhash, sizeof c.me.pwhash);
	/* invariant 4: every write from here on is checked in its transaction */
	rc = store_session_begin(c.db, c.me.login, c.me.role);
	if (rc == ST_OK)
		rc = store_catalog_list(c.db, "service", true, &c.services, &c.nservices);
	if (rc == ST_OK)
		rc = store_catalog_list(c.db, "channel", true, &c.channels, &c.nchannels);
	if (rc != ST_OK) {
		log_error("officer console: catalog: %s", st_rc_name(rc));
		ui_message(_("Officer console"), oc_store_error(rc), false);
		r = UI_HOME;
		goto cleanup;
	}
	log_info("officer %s: console opened", c.me.login);
	r = oc_queue(&c);
	log_info("officer %s: logged out", c.me.login);
cleanup:
	store_session_end(c.db);
	catalog_items_free(c.services, c.nservices);
	catalog_items_free(c.channels, c.nchannels);
	officer_free(&c.me);
	return r & UI_HANGUP ? UI_HANGUP : UI_HOME;
}

int
officer_main(struct app *a)
{
	struct ui_opts o = { .bidi = a->bidi, .kiosk = false,
	                     .idle_timeout = 0, .idle_warning = 0 };
	struct officer me = { 0 };
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
	r = oc_login(a, login, &me);
	if (r == UI_DONE)
		r = oc_console(a, &me);
	ui_end();
	return r == UI_HOME ? 0 : 1;
}

int
officer_login_from_kiosk(struct app *a)
{
	struct officer me = { 0 };
	int r;

	r = oc_login(a, NULL, &me);
	if (r != UI_DONE)
		return r & UI_HANGUP ? UI_HANGUP : UI_HOME;
	return oc_console(a, &me);
}
