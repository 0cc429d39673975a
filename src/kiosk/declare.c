/*
 * kiosk/declare — policy step 4: the declaration in the visitor's language
 * (screens/declaration.conf, with its version), an explicit "I accept",
 * the full name typed as signature (compared loosely with the name given),
 * then the submission: ONE store_request_submit call.
 *
 * Invariants:
 *  1. Nothing is stored unless the declaration was accepted and the
 *     signature matches the name given (kiosk_names_match).
 *  2. The request stores the version of the text that was shown.
 *  3. A failed submit (ST_BUSY, ST_FULL, ST_READONLY, ST_IO, …) says so in
 *     the visitor's language and keeps the whole draft: Enter tries again.
 *  4. After a successful submit the draft is wiped; only the stored
 *     request (k->done) goes on to the confirmation.
 *  5. A visitor never waits in silence (issue 15, finding 8): when the
 *     submit has waited SAVING_MS for a lock (another writer, an import,
 *     the opening check), "Saving your request…" is on the screen at once
 *     (the store's wait hook), until the submit returns.
 */
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_attr.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"

struct declare {
	struct kiosk *k;
	struct ui_form form;
	enum kstep    next;
	bool          saving_shown;    /* invariant 5 */
};

enum { SAVING_MS = 300 };

/* The store's wait hook during the submit (invariant 5). */
static void
saving_hook(void *ctx, int waited_ms)
{
	struct declare *d = ctx;

	if (d->saving_shown || waited_ms < SAVING_MS)
		return;
	d->saving_shown = true;
	ui_status(_("Saving your request… please wait."), false);
	ui_flush();
}

static const struct ui_key_hint hints[] = {
	{ "1/2", N_("accept or not") },
	{ "Enter", N_("next or send") },
	{ "Esc /", N_("back to the review") },
	{ "F2", N_("language") },
};

static void
declare_draw(struct ui_screen *s)
{
	struct declare *d = s->state;
	const struct declaration_def *dd = &d->k->a->scr.declaration;
	struct ui_rect r = ui_frame(_("Declaration"), hints, 4);
	struct ui_rect p = { r.y + 1, r.x + 2, 4, r.w - 4 };
	char buf[128];
	int used;

	used = ui_para(p, ui_pick(dd->text_en, dd->text_ar), ui_dir(), AL_START,
	               KA_STRONG);
	snprintf(buf, sizeof buf, _("Declaration text, version %d"), dd->version);
	/* the right edge in both languages (in Arabic the layout's own side) */
	ui_text(r.y + 1 + used, r.x + 2, r.w - 4, buf, ui_dir(),
	        ui_dir() == TEXT_RTL ? AL_START : AL_END, KA_DIM);
	used += 2 + ui_para((struct ui_rect){ r.y + 3 + used, r.x + 2, 2, r.w - 4 },
	        _("You are directly responsible for the correctness of the information you gave."),
	        ui_dir(), AL_START, 0);
	p = (struct ui_rect){ r.y + 4 + used, r.x + 1, r.h - 4 - used, r.w - 2 };
	ui_form_draw(&d->form, p);
}

/* Fill r from the draft (strings malloc'd: request_free frees them). */
static void
draft_to_request(struct declare *d, struct request *r)
{
	struct ui_form *f = &d->k->req;
	const char *ch = ui_form_code(f, "channel");

	memset(r, 0, sizeof *r);
	strlcpy_k(r->category, ui_form_value(f, "category"), sizeof r->category);
	r->name = xstrdup(ui_form_value(f, "name"));
	strlcpy_k(r->national_id, ui_form_value(f, "national_id"), sizeof r->national_id);
	strlcpy_k(r->mobile, ui_form_value(f, "mobile"), sizeof r->mobile);
	r->email = xstrdup(ui_form_value(f, "email"));
	strlcpy_k(r->member_number, ui_form_value(f, "member_number"),
	          sizeof r->member_number);
	strlcpy_k(r->service, ui_form_value(f, "service"), sizeof r->service);
	strlcpy_k(r->channel, *ch ? ch : "in_person", sizeof r->channel);
	r->description = xstrdup(ui_form_value(f, "description"));
	r->declared_at = khidma_now();
	r->signature = xstrdup(ui_form_value(&d->form, "signature"));
	r->declaration_version = d->k->a->scr.declaration.version;
	strlcpy_k(r->declared_by, "kiosk", sizeof r->declared_by);
	/* issue 14: the consent (not chosen = none) and the language */
	r->notify = d->k->notify > 0 ? d->k->notify : NOTIFY_NONE;
	strlcpy_k(r->lang, ui_get_lang() == LANG_EN ? "en" : "ar", sizeof r->lang);
}

static void
request_wipe_free(struct request *r)
{
	if (r->name)
		explicit_bzero(r->name, strlen(r->name));
	if (r->signature)
		explicit_bzero(r->signature, strlen(r->signature));
	explicit_bzero(r->national_id, sizeof r->national_id);
	explicit_bzero(r->mobile, sizeof r->mobile);
	request_free(r);
	memset(r, 0, sizeof *r);
}

/* Store the request; on failure keep everything and say why. */
static bool
submit(struct declare *d)
{
	struct request r;
	st_rc rc;
	char *msg;

	/* Every field of the draft is valid (the review came after it), but
	 * validate again: the values are what we store. */
	if (!ui_form_validate_all(&d->k->req)) {
		d->next = K_REQUEST;
		return true;
	}
	draft_to_request(d, &r);
	/* an open request of the same national ID for the same service is
	 * shown (its date only: no reference, which is half of what tracking
	 * asks for) and must be acknowledged; the link is kept (issue 12) */
	{
		struct queue_row *tw = NULL;
		int ntw = 0;

		if (store_requests_of(d->k->a->db, r.national_id, r.service, true, 0,
		                      &tw, &ntw) == ST_OK && ntw > 0) {
			char date[64];
			bool go;

			kiosk_date(tw[0].created_at, false, date, sizeof date);
			msg = xasprintf(_("There is already an open request for this service under "
			                  "this national ID, received on %s. You can follow it with "
			                  "\"Track my request\".\n\nSend this new request anyway?"),
			                date);
			go = ui_confirm_default(_("You already have a request for this service"),
			                        msg, false);
			free(msg);
			if (go)
				r.duplicate_of = tw[0].id;
			queue_rows_free(tw, ntw);
			if (!go) {
				request_wipe_free(&r);
				return false;         /* the draft stays; nothing sent */
			}
		}
	}
	d->saving_shown = false;
	store_set_wait_hook(d->k->a->db, saving_hook, d);
	rc = store_request_submit(d->k->a->db, &r, "kiosk");
	store_set_wait_hook(d->k->a->db, NULL, NULL);
	/* issue 13: the server cannot be reached — the spool takes it, under
	 * a reference reserved for this kiosk; the same confirmation follows
	 * (kiosk/offline.c) */
	if (rc == ST_OFFLINE && kiosk_spool_enabled(d->k))
		rc = kiosk_spool_submit(d->k, &r);
	if (d->saving_shown)
		ui_status("", false);
	if (rc != ST_OK) {
		log_error("kiosk: request not stored: %s (%s)", st_rc_name(rc),
		          store_errmsg(d->k->a->db));
		request_wipe_free(&r);
		msg = xasprintf("%s\n\n%s", _(kiosk_store_msg(rc)),
		                _("Nothing was lost: what you typed is kept. Press Enter to try again."));
		ui_message(_("Your request was not sent"), msg, false);
		free(msg);
		return false;
	}
	log_info("kiosk: request %s stored", r.ref);   /* or spooled */
	kiosk_forget(d->k);           /* the draft, and any older receipt */
	d->k->done = r;
	d->k->done_valid = true;
	d->next = K_CONFIRM;
	return true;
}

static int
declare_key(struct ui_screen *s, struct ui_event ev)
{
	struct declare *d = s->state;
	struct ui_form_item *sig;

	if (ev.a == ACT_TICK)       /* a draft is kept, the visitor told (oos.c) */
		return kiosk_health_notice(d->k) ? UI_HANDLED | UI_REDRAW : 0;
	switch (ui_form_key(&d->form, ev)) {
	case UF_BACK:
		d->next = K_REVIEW;
		return UI_DONE;
	case UF_SUBMIT:
		if (strcmp(ui_form_code(&d->form, "accept"), "yes") != 0) {
			ui_message(_("Declaration"),
			           _("Your request can only be sent once you accept the declaration. "
			             "Choose 1 to accept, or Esc to go back."), false);
			ui_form_focus(&d->form, 0);
			return UI_HANDLED | UI_REDRAW;
		}
		sig = ui_form_item(&d->form, "signature");
		if (!kiosk_names_match(ui_form_value(&d->form, "signature"),
		                       ui_form_value(&d->k->req, "name"))) {
			sig->err = N_("The signature must be the full name you gave in the request.");
			ui_form_focus(&d->form, (int)(sig - d->form.it));
			ui_form_status(&d->form);
			return UI_HANDLED | UI_REDRAW;
		}
		if (submit(d))
			return UI_DONE;
		return UI_HANDLED | UI_REDRAW;
	default:
		return UI_HANDLED | UI_REDRAW;
	}
}

static void
declare_wipe(struct ui_screen *s)
{
	struct declare *d = s->state;

	ui_form_wipe(&d->form);
	kiosk_forget(d->k);
}

/* The declaration and the submission; K_CONFIRM once stored. */
enum kstep
kiosk_declare(struct kiosk *k)
{
	struct declare d = { .k = k, .next = K_REVIEW };
	struct ui_screen s = {
		.name = "declare",
		.help = N_("Read the declaration and press 1 to accept it, then type "
		           "your full name as your signature (* opens the on-screen "
		           "keyboard) and press Enter, or + on the keypad, to send the "
		           "request."),
		.state = &d, .draw = declare_draw,
		.key = declare_key, .wipe = declare_wipe, .has_draft = true,
	};
	int r;

	kform_init(&d.form, screens_form(&k->a->scr, "declaration"), k->a->db);
	if (d.form.n == 0) {
		log_error("kiosk: screens/forms.conf has no \"declaration\" form");
		ui_form_free(&d.form);
		return K_HOME;
	}
	ui_status("", false);
	r = ui_run(&s);
	ui_form_free(&d.form);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return d.next;
}
