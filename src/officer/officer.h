/*
 * officer — the officer console: `khidma officer` over SSH, and the same
 * login screen opened from the kiosk (F9). One file per screen: login.c,
 * queue.c (+ queue_filter.c), request.c (+ request_match.c,
 * request_actions.c), intake.c, reports.c; console.c ties them together
 * and common.c holds the small modal helpers they share.
 *
 * Invariants:
 *  1. Nothing of the officer side is reachable without a successful login
 *     (officer account active, not locked, password verified).
 *  2. Screens never touch SQL: they call store_* / wf_* / report_* only.
 *  3. Every untrusted string (names, descriptions, notes, logins typed at
 *     the kiosk) reaches the terminal through the ui (which sanitises) and
 *     syslog through text_sanitize.
 *  4. A status change goes through wf_apply only; ST_STALE reloads the
 *     request and says "changed by someone else — reloaded".
 *  5. Access that ends, ends: the console's connection is bound to the
 *     officer (store_session_begin), so a disabled or re-roled account
 *     writes nothing more (ST_REVOKED, checked in each write's transaction)
 *     and the console returns to the login saying so; no key for
 *     officer_idle_timeout logs out too (console.c invariants 4, 5).
 *  6. Every failed login says the same "Login failed." on every route;
 *     F9 at the kiosk is off unless kiosk_officer_login (login.c).
 *
 * Tests only: KHIDMA_OFFICER_LOGIN=<login> makes `khidma officer` ask for
 * that account instead of the Unix user's. It is honoured ONLY when the
 * executable itself lives inside the source tree (build-DIR/khidma next to
 * screens/), never by an installed binary — not even with KHIDMA_SRCDIR
 * set (login.c, invariant 6). The password is asked either way.
 */
#ifndef KHIDMA_OFFICER_H
#define KHIDMA_OFFICER_H

#include "core/app.h"

/* `khidma officer`: ui_init, the login screen for the Unix user, then the
 * console until F10 (after an idle log-out or an ended access, the login
 * screen again); ui_end. Returns a process exit status (0 after a
 * normal log-out, 1 when the login failed or the terminal is unusable). */
int officer_main(struct app *a);

/*
 * The kiosk's F9: with the kiosk's ui already running, show the login
 * screen (the login name is typed: the kiosk's Unix user is nobody's
 * officer account); on success run the console; return when the officer
 * logs out (F10) or gives up (Esc). The kiosk then goes back to its
 * welcome screen. Returns UI_HOME, or UI_HANGUP when the terminal went away.
 */
int officer_login_from_kiosk(struct app *a);

#endif
