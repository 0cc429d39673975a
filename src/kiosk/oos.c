/*
 * kiosk/oos — the out-of-service screen, and the health checks that lead
 * to it (issue 15, findings 4 and 5; see kiosk.h).
 *
 *   start ── store_write_probe ── read-only/…? ──► broken
 *   tick (welcome, home) / before them ── store_check_poll failed? ──► broken
 *   broken ──► K_OOS: both languages, the reason, no key does anything;
 *              a database that could not be written is opened again (SQLite
 *              keeps a file it opened read-only so for the connection's
 *              life) and probed every PROBE_S seconds (a server that
 *              cannot be reached, issue 13: every PROBE_OFFLINE_S); the
 *              kiosk returns to the welcome once it can write.
 *
 * Invariants:
 *  1. Nothing here writes to the database (the probe rolls back).
 *  2. The screen says the same in Arabic and English at once, whatever the
 *     current language: the next visitor may read either.
 *  3. Each reason is logged once when found, and once when it clears.
 *  4. A visitor with a draft is never thrown out by this: the draft stays,
 *     the status line says why sending will fail (kiosk_health_notice),
 *     and the out-of-service screen comes after the visitor is done.
 */
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_attr.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/util.h"

/* A server that cannot be reached (issue 13) is tried more often: it
 * usually comes back by itself, and nobody has to fix anything. */
enum { PROBE_S = 10, PROBE_OFFLINE_S = 3, PROBE_WAIT_MS = 300 };

static bool
probe_says_broken(st_rc rc)
{
	return rc != ST_OK && rc != ST_BUSY;   /* busy: someone writes; no verdict */
}

void
kiosk_health_probe(struct kiosk *k)
{
	st_rc rc = store_write_probe(k->a->db, PROBE_WAIT_MS);

	/* issue 13: an unreachable server is no reason to turn visitors
	 * away when the spool takes their requests (offline.c) */
	if (!probe_says_broken(rc) || (rc == ST_OFFLINE && kiosk_spool_enabled(k)))
		return;
	k->broken = rc;
	log_error("kiosk: the database %s cannot be written (%s): out of service",
	          k->a->db_path, st_rc_name(rc));
}

st_rc
kiosk_health(struct kiosk *k)
{
	st_rc rc;

	if (k->broken != ST_OK || k->a->db == NULL)
		return k->broken;
	if ((rc = store_check_poll(k->a->db)) != ST_OK) {
		k->broken = rc;
		log_error("kiosk: the database %s failed its integrity check (%s): "
		          "out of service", k->a->db_path, st_rc_name(rc));
	}
	return k->broken;
}

bool
kiosk_health_notice(struct kiosk *k)
{
	if (k->told || kiosk_health(k) == ST_OK)
		return false;
	k->told = true;
	ui_status(_("This kiosk cannot save requests right now: what you typed is kept, "
	            "but please ask a member of staff."), true);
	return true;
}

static const char *
reason_msgid(st_rc rc)
{
	switch (rc) {
	case ST_CORRUPT:  return N_("The database failed its integrity check.");
	case ST_READONLY: return N_("The database cannot be written (read-only).");
	case ST_FULL:     return N_("The kiosk's storage is full.");
	case ST_OFFLINE:  return N_("The office system cannot be reached.");
	default:          return N_("The database cannot be used.");
	}
}

struct oos {
	struct kiosk *k;
	struct timespec last;      /* the last probe */
	enum kstep next;
};

static void
oos_draw(struct ui_screen *s)
{
	struct oos *o = s->state;
	struct ui_rect r = ui_frame("", NULL, 0);
	static const char *const lines[] = {
		N_("This kiosk is out of service."),
		N_("Please ask a member of staff."),
	};
	int y = r.y + r.h / 2 - 4;

	if (y < r.y)
		y = r.y;
	for (int l = 0; l < 2; l++) {
		ui_lang lang = l == 0 ? LANG_AR : LANG_EN;
		text_dir d = l == 0 ? TEXT_RTL : TEXT_LTR;

		ui_text(y++, r.x, r.w, ui_tr_lang(lang, lines[0]), d, AL_CENTER, KA_STRONG);
		ui_text(y++, r.x, r.w, ui_tr_lang(lang, lines[1]), d, AL_CENTER, KA_NORMAL);
		ui_text(y++, r.x, r.w, ui_tr_lang(lang, reason_msgid(o->k->broken)), d,
		        AL_CENTER, KA_DIM);
		if (o->k->broken == ST_OFFLINE)     /* issue 13: nobody need act */
			ui_text(y++, r.x, r.w, ui_tr_lang(lang, N_("The kiosk keeps trying and "
			        "comes back by itself.")), d, AL_CENTER, KA_DIM);
		y++;
	}
}

/* Open the database again and probe it (see the top comment). a->db may
 * stay NULL when the open fails; kiosk_health then keeps the kiosk out of
 * service and the next tick tries again. */
static bool
reopen_writable(struct kiosk *k)
{
	char err[512];
	st_rc rc;

	if (k->a->db != NULL) {
		store_close(k->a->db);
		k->a->db = NULL;
	}
	if ((rc = app_open_db(k->a, false, err, sizeof err)) != ST_OK) {
		log_error("kiosk: out of service, the database still cannot be opened: %s", err);
		return false;
	}
	return !probe_says_broken(store_write_probe(k->a->db, PROBE_WAIT_MS));
}

static int
oos_key(struct ui_screen *s, struct ui_event ev)
{
	struct oos *o = s->state;
	struct timespec now;

	if (ev.a != ACT_TICK)
		return UI_HANDLED;              /* no key does anything here */
	if (o->k->broken == ST_CORRUPT)
		return 0;                       /* the check does not run again */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - o->last.tv_sec <
	    (o->k->broken == ST_OFFLINE ? PROBE_OFFLINE_S : PROBE_S))
		return 0;
	o->last = now;
	if (!reopen_writable(o->k))
		return 0;
	log_info("kiosk: the database %s can be written again: back in service",
	         o->k->a->db_path);
	o->k->broken = ST_OK;
	o->next = K_RESET;
	return UI_DONE;
}

enum kstep
kiosk_out_of_service(struct kiosk *k)
{
	struct oos o = { .k = k, .next = K_OOS };
	struct ui_screen s = {
		.name = "out-of-service", .state = &o, .draw = oos_draw,
		.key = oos_key, .no_idle = true,
	};
	int r;

	kiosk_forget(k);
	clock_gettime(CLOCK_MONOTONIC, &o.last);
	ui_status("", false);
	r = ui_run(&s);
	if (r & UI_HANGUP)
		return K_EXIT;
	return o.next;
}
