/*
 * kiosk/track — "Track my request": the reference number and the last 4
 * digits of the mobile; then the policy steps as a timeline with their
 * dates, the earliest-response date, the reason when rejected, personal
 * data masked; a delivered request offers the survey (3).
 *
 * Invariants:
 *  1. refno_valid before any lookup: a mistyped number is caught by its
 *     check digit and never reaches the database or the failure count.
 *  2. A wrong reference and a wrong mobile give the SAME answer (no oracle
 *     telling which one was wrong), and both count as a failure of this
 *     kiosk and of that reference (kiosk/throttle.c).
 *  3. A match is shown at once; a failure's answer waits as throttle.c
 *     says (1, 2, 4 … at most 30 s once track_max_tries failures of this
 *     kiosk or of this reference fall within track_window seconds), and a
 *     new lookup waits for a wait still running at this kiosk. So one
 *     visitor's wrong tries never delay another visitor's right answer.
 *  4. Only masked data is shown: the name's first letter + ****, the mobile
 *     as ******1234 (in Arabic too: drawn as a left-to-right run of its
 *     own, so the last four stay on the right); never the national ID.
 *  5. The throttle fails closed: when a failure cannot be recorded the
 *     visitor is not told "no match" but "tracking is unavailable" in the
 *     visitor's language.
 *  6. The timeline: a step that is done is ticked (✓) with its date; the
 *     step the request is waiting on is marked "in progress" (●); later
 *     steps are plain. Done: 1 always; 2 from verified on; 3 when the
 *     request was referred and has moved on; 4 when the declaration is
 *     signed; 5 from the decision on; 6 from registered; 7 when delivered.
 *     In progress: the first step not done (3 only while referred), on an
 *     open request (none once rejected, withdrawn or delivered).
 *  8. The result says whether the member chose messages (issue 14) and
 *     since when; 9 stops them (store_notify_withdraw with the same
 *     reference and mobile digits, which the store checks again): the
 *     queued messages are cancelled and the change is audited.
 *  7. "Finish" (Enter on the result) ends the visit like every other flow:
 *     K_RESET, so the welcome comes back in the start language with
 *     nothing of this visitor kept; Esc (or the keypad's '/') only goes
 *     back to the home menu.
 */
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_attr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/refno.h"
#include "core/util.h"
#include "core/validate.h"

enum tmode { T_FORM, T_WAIT, T_RESULT };

struct track {
	struct kiosk *k;
	struct ui_form form;
	enum tmode    mode;
	struct timespec wait_until;
	bool          wait_fail;        /* T_WAIT: then say "no match" (else look up) */
	struct request r;
	bool          have;
	struct request_event *ev;
	int           nev;
	char          service_en[128], service_ar[128];
	enum kstep    next;
};

static const struct ui_key_hint form_hints[] = {
	{ "Enter", N_("next or search") },
	{ "-", N_("erase") },
	{ "Esc /", N_("back") },
	{ "F2", N_("language") },
};
static const struct ui_key_hint result_hints[] = {
	{ "Enter", N_("finish") },
	{ "3", N_("evaluate the service") },
	{ "F2", N_("language") },
};

/* The policy's seven steps as the visitor sees them. */
static const char *const step_names[7] = {
	N_("Request received"),
	N_("Data checked by the member-relations officer"),
	N_("Explanations from the social-research officer (if needed)"),
	N_("Declaration signed"),
	N_("Studied by the research committee"),
	N_("Registration completed"),
	N_("Service provided"),
};

static const char *
status_label(req_status st)
{
	static const char *const names[RS__COUNT] = {
		N_("Received, waiting for verification"),
		N_("More information is needed: please contact the cooperative"),
		N_("Data verified"),
		N_("With the social-research officer"),
		N_("With the research committee"),
		N_("Accepted"),
		N_("Rejected"),
		N_("Registration completed"),
		N_("Service delivered"),
		N_("Withdrawn"),
	};
	return (unsigned)st < RS__COUNT ? _(names[st]) : "";
}

static void
forget_result(struct track *t)
{
	if (t->have) {
		if (t->r.name)
			explicit_bzero(t->r.name, strlen(t->r.name));
		request_free(&t->r);
		memset(&t->r, 0, sizeof t->r);
		request_events_free(t->ev, t->nev);
		t->ev = NULL;
		t->nev = 0;
		t->have = false;
	}
}

static void
load_service_name(struct track *t)
{
	struct catalog_item *ci = NULL;
	int n = 0;

	strlcpy_k(t->service_en, t->r.service, sizeof t->service_en);
	strlcpy_k(t->service_ar, t->r.service, sizeof t->service_ar);
	if (store_catalog_list(t->k->a->db, "service", true, &ci, &n) != ST_OK)
		return;
	for (int i = 0; i < n; i++)
		if (strcmp(ci[i].code, t->r.service) == 0) {
			strlcpy_k(t->service_en, ci[i].name_en, sizeof t->service_en);
			strlcpy_k(t->service_ar, ci[i].name_ar, sizeof t->service_ar);
		}
	catalog_items_free(ci, n);
}

/* The throttle could not be written: say so (invariant 5). */
static void
unavailable(struct track *t, const char *what)
{
	log_error("kiosk: tracking refused: cannot %s: %s", what,
	          store_errmsg(t->k->a->db));
	ui_status(_("Tracking is unavailable right now. Please try again later "
	            "or ask an officer."), true);
}

static void
no_match(struct track *t)
{
	t->mode = T_FORM;
	ui_status(_("No request matches this reference number and mobile number. "
	            "Please check both."), true);
}

/* Look the request up: the result at once, or a counted failure whose
 * answer may have to wait (invariant 3). */
static void
lookup(struct track *t)
{
	const char *ref = ui_form_value(&t->form, "ref");
	const char *last4 = ui_form_value(&t->form, "mobile_last4");
	size_t ml;
	st_rc rc;
	int wait;

	forget_result(t);
	t->mode = T_FORM;
	rc = store_request_track(t->k->a->db, ref, last4, &t->r);
	if (rc == ST_OK) {       /* the store checked both (a kiosk login: the server) */
		ml = strlen(t->r.mobile);
		if (ml >= 4 && strcmp(t->r.mobile + ml - 4, last4) == 0) {
			t->have = true;
			if (store_request_events(t->k->a->db, t->r.id, &t->ev, &t->nev) != ST_OK) {
				t->ev = NULL;
				t->nev = 0;
			}
			load_service_name(t);
			t->mode = T_RESULT;
			ui_status("", false);
			return;
		}
		request_free(&t->r);
		memset(&t->r, 0, sizeof t->r);
	} else if (rc != ST_NOTFOUND) {
		ui_status(_(kiosk_store_msg(rc)), true);
		return;
	}
	wait = kiosk_throttle_fail(t->k, ref, &t->wait_until);
	if (wait < 0) {                 /* not counted: invariant 5 */
		unavailable(t, "record a failed lookup");
		return;
	}
	if (wait == 0) {
		no_match(t);
		return;
	}
	t->mode = T_WAIT;
	t->wait_fail = true;
	ui_status(_("Please wait while your request is looked up..."), false);
}

/* The form was submitted: check the reference, then look it up (after a
 * wait still running at this kiosk). */
static void
search(struct track *t)
{
	struct ui_form_item *ref = ui_form_item(&t->form, "ref");

	if (ref == NULL || !refno_valid(ui_form_value(&t->form, "ref"))) {
		if (ref) {
			ref->err = validate_reason(VAL_REF);
			ui_form_focus(&t->form, (int)(ref - t->form.it));
		}
		ui_form_status(&t->form);
		return;
	}
	if (kiosk_throttle_ready(t->k, &t->wait_until)) {
		lookup(t);
		return;
	}
	t->mode = T_WAIT;
	t->wait_fail = false;
	ui_status(_("Please wait while your request is looked up..."), false);
}

/* The time of the last status change into one of sts[0..n), 0 if none. */
static time_t
last_into(const struct track *t, const req_status *sts, int n)
{
	time_t at = 0;

	for (int i = 0; i < t->nev; i++)
		for (int j = 0; j < n; j++)
			if (t->ev[i].to == sts[j] && t->ev[i].from != t->ev[i].to &&
			    t->ev[i].at >= at)
				at = t->ev[i].at;
	return at;
}

/* Step s (1..7) done? and when (0 = unknown). Invariant 6. */
static bool
step_done(const struct track *t, int s, time_t *at)
{
	static const req_status verified_on[] = { RS_VERIFIED, RS_REFERRED, RS_COMMITTEE,
		RS_ACCEPTED, RS_REJECTED, RS_REGISTERED, RS_DELIVERED };
	static const req_status decided[] = { RS_ACCEPTED, RS_REJECTED };
	static const req_status decided_on[] = { RS_ACCEPTED, RS_REJECTED,
		RS_REGISTERED, RS_DELIVERED };
	static const req_status registered[] = { RS_REGISTERED, RS_DELIVERED };
	static const req_status s_verified = RS_VERIFIED, s_referred = RS_REFERRED,
		s_registered = RS_REGISTERED, s_delivered = RS_DELIVERED;
	const struct request *r = &t->r;
	bool in = false;

	*at = 0;
	switch (s) {
	case 1:
		*at = r->created_at;
		return true;
	case 2:
		for (size_t i = 0; i < ARRAY_LEN(verified_on); i++)
			in |= r->status == verified_on[i];
		if (in)
			*at = last_into(t, &s_verified, 1);
		return in;
	case 3:
		*at = last_into(t, &s_referred, 1);
		return *at > 0 && r->status != RS_REFERRED;
	case 4:
		*at = r->declared_at;
		return r->declared_at > 0;
	case 5:
		for (size_t i = 0; i < ARRAY_LEN(decided_on); i++)
			in |= r->status == decided_on[i];
		if (in)
			*at = last_into(t, decided, 2);
		return in;
	case 6:
		for (size_t i = 0; i < ARRAY_LEN(registered); i++)
			in |= r->status == registered[i];
		if (in)
			*at = last_into(t, &s_registered, 1);
		return in;
	case 7:
		if (r->status == RS_DELIVERED)
			*at = last_into(t, &s_delivered, 1);
		return r->status == RS_DELIVERED;
	default:
		return false;
	}
}

/* The step in progress (invariant 6), 0 when none. */
static int
step_current(const struct track *t)
{
	time_t at;

	if (t->r.status == RS_REJECTED || t->r.status == RS_WITHDRAWN ||
	    t->r.status == RS_DELIVERED)
		return 0;
	if (t->r.status == RS_REFERRED)
		return 3;
	for (int s = 2; s <= 7; s++)
		if (s != 3 && !step_done(t, s, &at))
			return s;
	return 0;
}

static void
draw_result(struct track *t, struct ui_rect b)
{
	const struct request *r = &t->r;
	text_dir d = ui_dir();
	int cur = step_current(t), y = b.y;
	char line[512], mob[24], date[32], g[128], h[128], *mn;

	mn = kiosk_mask_name(r->name);
	kiosk_mask_mobile(r->mobile, mob, sizeof mob);
	snprintf(line, sizeof line, "%s %s    %s %s    %s", _("Reference number:"),
	         r->ref, _("Name:"), mn, _("Mobile:"));
	free(mn);
	if (d == TEXT_RTL && text_width(line) + 1 + text_width(mob) <= b.w) {
		/* invariant 4: the masked mobile is its own left-to-right run
		 * (******4567, the last four on the right), not stars the RTL
		 * paragraph would move to the digits' right */
		int lw = text_width(line);
		char spaced[32];

		snprintf(spaced, sizeof spaced, "%s ", mob);   /* the gap */
		ui_text(y, b.x + b.w - lw, lw, line, d, AL_START, KA_STRONG);
		ui_text(y++, b.x, b.w - lw, spaced, TEXT_LTR, AL_END, KA_STRONG);
	} else {
		snprintf(line + strlen(line), sizeof line - strlen(line), " %s", mob);
		ui_text(y++, b.x, b.w, line, d, AL_START, KA_STRONG);
	}
	snprintf(line, sizeof line, "%s %s", _("Service type:"),
	         ui_pick(t->service_en, t->service_ar));
	ui_text(y++, b.x, b.w, line, d, AL_START, 0);
	snprintf(line, sizeof line, "%s %s", _("Status:"), status_label(r->status));
	ui_text(y++, b.x, b.w, line, d, AL_START, KA_STRONG);
	/* invariant 8: the consent to messages, and how to withdraw it */
	if (r->notify != NOTIFY_NONE) {
		static const char *const how[4] = { "", N_("By SMS"), N_("By e-mail"),
		                                    N_("By SMS and e-mail") };

		khidma_date(r->notify_at, date, sizeof date);
		snprintf(line, sizeof line, "%s %s (%s %s) — %s", _("Messages:"),
		         _(how[r->notify & 3]), _("since"), date,
		         _("press 9 to stop them"));
	} else {
		snprintf(line, sizeof line, "%s %s", _("Messages:"), _("No messages"));
	}
	ui_text(y++, b.x, b.w, line, d, AL_START, 0);
	for (int s = 1; s <= 7; s++) {
		time_t at;
		bool done = step_done(t, s, &at);

		date[0] = '\0';
		if (done && at > 0)
			khidma_date(at, date, sizeof date);
		if (done)
			snprintf(line, sizeof line, "✓ %d  %s  %s", s, _(step_names[s - 1]), date);
		else if (s == cur)
			snprintf(line, sizeof line, "● %d  %s  (%s)", s, _(step_names[s - 1]),
			         _("in progress"));
		else
			snprintf(line, sizeof line, "  %d  %s", s, _(step_names[s - 1]));
		ui_text(y++, b.x + 2, b.w - 2, line, d, AL_START,
		        s == cur ? KA_STRONG : 0);
	}
	y++;
	/* the earliest-response date only while the request waits for its
	 * decision: after one (an admin's exception may allow it before that
	 * date) "Accepted" above a later "Earliest response" would be false */
	if (r->status == RS_RECEIVED || r->status == RS_NEEDS_INFO ||
	    r->status == RS_VERIFIED || r->status == RS_REFERRED ||
	    r->status == RS_COMMITTEE) {
		kiosk_date(r->earliest_response, false, g, sizeof g);
		kiosk_date(r->earliest_response, true, h, sizeof h);
		snprintf(line, sizeof line, "%s %s — %s", _("Earliest response:"), g, h);
		ui_text(y++, b.x, b.w, line, d, AL_START, 0);
	}
	/* what the officer asked for (wf_ask_info): the items in the
	 * visitor's language from screens/catalog.conf, then the words */
	if (r->status == RS_NEEDS_INFO &&
	    ((r->info_items && r->info_items[0]) || (r->info_text && r->info_text[0]))) {
		const struct screens *scr = &t->k->a->scr;
		char need[1024] = "";
		size_t len = 0;
		const char *p = r->info_items ? r->info_items : "";

		while (*p && len + 1 < sizeof need) {
			char code[40];
			size_t cl = strcspn(p, ",");
			const char *en, *ar;

			snprintf(code, sizeof code, "%.*s", (int)(cl < 39 ? cl : 39), p);
			en = screens_missing_name(scr, code, false);
			ar = screens_missing_name(scr, code, true);
			if (en && ar)
				len += (size_t)snprintf(need + len, sizeof need - len, "%s%s",
				                        len ? _("; ") : "", ui_pick(en, ar));
			p += cl + (p[cl] == ',');
		}
		ui_text(y++, b.x, b.w, _("Please bring or send us:"), d, AL_START, KA_STRONG);
		if (need[0])
			y += ui_para((struct ui_rect){ y, b.x + 2, 3, b.w - 2 }, need, d, AL_START, 0);
		if (r->info_text && r->info_text[0])
			y += ui_para((struct ui_rect){ y, b.x + 2, 2, b.w - 2 }, r->info_text, d,
			             AL_START, 0);
	}
	if (r->status == RS_REJECTED && r->decision_reason) {
		snprintf(line, sizeof line, "%s %s", _("Reason:"), r->decision_reason);
		y += ui_para((struct ui_rect){ y, b.x, 2, b.w }, line, d, AL_START, KA_STRONG);
	}
	if (r->status == RS_DELIVERED)
		ui_text(y++, b.x, b.w, _("Your service was delivered. Press 3 to tell us how it went."),
		        d, AL_START, KA_STRONG);
}

/* Invariant 8: stop the messages (the lookup proved ref + last 4; the
 * store checks both again in its transaction). */
static void
withdraw(struct track *t)
{
	struct request r;
	st_rc rc = store_notify_withdraw(t->k->a->db, t->r.ref,
	                                 ui_form_value(&t->form, "mobile_last4"));

	if (rc != ST_OK) {
		log_error("kiosk: withdrawing the consent of %s: %s", t->r.ref, st_rc_name(rc));
		ui_status(_(kiosk_store_msg(rc)), true);
		return;
	}
	log_info("kiosk: messages about %s stopped by the member", t->r.ref);
	if (store_request_get(t->k->a->db, t->r.id, &r) == ST_OK) {
		request_free(&t->r);
		t->r = r;
	}
	ui_status(_("The messages about this request are stopped."), false);
}

static void
track_draw(struct ui_screen *s)
{
	struct track *t = s->state;
	struct ui_rect b;

	if (t->mode == T_RESULT) {
		b = ui_frame(_("Track my request"), result_hints,
		             t->r.status == RS_DELIVERED ? 3 : 1);
		draw_result(t, b);
		return;
	}
	b = ui_frame(_("Track my request"), form_hints, (int)ARRAY_LEN(form_hints));
	ui_para((struct ui_rect){ b.y, b.x + 1, 2, b.w - 2 },
	        _("Type the reference number of your request and the last 4 digits of "
	          "the mobile number you gave."), ui_dir(), AL_START, 0);
	b.y += 3;
	b.h -= 3;
	b.x += 1;
	b.w -= 2;
	ui_form_draw(&t->form, b);
}

static int
track_key(struct ui_screen *s, struct ui_event ev)
{
	struct track *t = s->state;

	if (ev.a == ACT_TICK) {
		if (t->mode == T_WAIT && kiosk_mono_passed(&t->wait_until)) {
			if (t->wait_fail)
				no_match(t);
			else
				lookup(t);
			return UI_HANDLED | UI_REDRAW;
		}
		return 0;
	}
	if (t->mode == T_WAIT)
		return UI_HANDLED;
	if (t->mode == T_RESULT) {
		if (ev.a == ACT_CHAR && (ev.ch == L'3' || ev.ch == 0x663) &&
		    t->r.status == RS_DELIVERED) {
			t->k->survey_request = t->r.id;
			strlcpy_k(t->k->survey_ref, t->r.ref, sizeof t->k->survey_ref);
			strlcpy_k(t->k->survey_last4, ui_form_value(&t->form, "mobile_last4"),
			          sizeof t->k->survey_last4);
			t->next = K_SURVEY;
			return UI_DONE;
		}
		if (ev.a == ACT_CHAR && (ev.ch == L'9' || ev.ch == 0x669) &&
		    t->r.notify != NOTIFY_NONE) {
			withdraw(t);
			return UI_HANDLED | UI_REDRAW;
		}
		if (ev.a == ACT_ENTER) {
			/* finish: the visitor is done, the welcome in the start
			 * language for the next one (invariant 6) */
			t->next = K_RESET;
			return UI_DONE;
		}
		ev = ui_keypad_event(ev);
		if (ev.a == ACT_BACK || ev.a == ACT_BACKSPACE) {
			t->next = K_HOME;
			return UI_DONE;
		}
		return UI_HANDLED;
	}
	if (ev.a == ACT_CHAR || ev.a == ACT_BACKSPACE || ev.a == ACT_DELETE)
		ui_status("", false);           /* the last answer goes once typing starts */
	switch (ui_form_key(&t->form, ev)) {
	case UF_BACK:
		if (t->form.dirty && !kiosk_confirm_discard())
			return UI_HANDLED | UI_REDRAW;
		t->next = K_HOME;
		return UI_BACK;
	case UF_SUBMIT:
		search(t);
		break;
	default:
		break;
	}
	s->has_draft = t->form.dirty;
	return UI_HANDLED | UI_REDRAW;
}

static void
track_wipe(struct ui_screen *s)
{
	struct track *t = s->state;

	ui_form_wipe(&t->form);
	forget_result(t);
}

/* Run the tracking screen; K_HOME when done, K_SURVEY to evaluate. */
enum kstep
kiosk_track(struct kiosk *k)
{
	struct track t;
	struct ui_screen s = {
		.name = "track",
		.help = N_("Type your reference number and the last 4 digits of the "
		           "mobile number you gave, each followed by Enter. - erases a "
		           "digit; Esc or / goes back."),
		.state = &t, .draw = track_draw,
		.key = track_key, .wipe = track_wipe,
	};
	int r;

	memset(&t, 0, sizeof t);
	t.k = k;
	t.next = K_HOME;
	kform_init(&t.form, screens_form(&k->a->scr, "track"), k->a->db);
	if (t.form.n == 0) {
		log_error("kiosk: screens/forms.conf has no \"track\" form");
		ui_form_free(&t.form);
		return K_HOME;
	}
	r = ui_run(&s);
	forget_result(&t);
	ui_form_free(&t.form);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return t.next;
}
