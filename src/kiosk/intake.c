/*
 * kiosk/intake — the member service request form (policy steps 1–2 at the
 * kiosk): who you are (category, full name, national ID or Iqama,
 * membership number for members, mobile, optional e-mail) and what you
 * need (service type from the catalog, the channel — in person, fixed at
 * the kiosk — and a description with its limit shown). The fields come
 * from screens/forms.conf ("request"); kform validates each as it is left.
 *
 * Invariants:
 *  1. The draft is k->req: this screen edits it and never frees it, so
 *     the review screen can send the visitor back to any field.
 *  2. Back (Esc, or the keypad's '/') asks before discarding a draft
 *     (the box opens on "No"), and wipes it only on an explicit Yes.
 */
#include "kiosk/kiosk.h"

#include <string.h>

#include "core/util.h"

struct intake {
	struct kiosk *k;
	enum kstep    next;
};

/* hints[1] is the focused item's keypad key (ui_form_keypad_hint) */
static const struct ui_key_hint hints_tmpl[] = {
	{ "Enter", N_("next") },
	{ "↑↓", N_("move") },
	{ "F5", N_("review") },
	{ "Esc /", N_("back") },
	{ "F2", N_("language") },
};

static void
intake_draw(struct ui_screen *s)
{
	struct intake *in = s->state;
	struct ui_key_hint hints[ARRAY_LEN(hints_tmpl)];
	struct ui_rect r;

	memcpy(hints, hints_tmpl, sizeof hints);
	hints[1] = ui_form_keypad_hint(&in->k->req);
	r = ui_frame(_("New service request"), hints, (int)ARRAY_LEN(hints));

	r.x += 1;
	r.w -= 2;
	ui_form_draw(&in->k->req, r);
}

static int
intake_key(struct ui_screen *s, struct ui_event ev)
{
	struct intake *in = s->state;
	struct ui_form *f = &in->k->req;

	if (ev.a == ACT_TICK)       /* a draft is kept, the visitor told (oos.c) */
		return kiosk_health_notice(in->k) ? UI_HANDLED | UI_REDRAW : 0;
	switch (ui_form_key(f, ev)) {
	case UF_SUBMIT:
		in->next = K_REVIEW;
		return UI_DONE;
	case UF_BACK:
		if (f->dirty && !kiosk_confirm_discard()) {
			s->has_draft = f->dirty;
			return UI_HANDLED | UI_REDRAW;
		}
		kiosk_forget(in->k);
		in->next = K_HOME;
		return UI_BACK;
	default:
		break;
	}
	s->has_draft = f->dirty;
	return UI_HANDLED | UI_REDRAW;
}

static void
intake_wipe(struct ui_screen *s)
{
	struct intake *in = s->state;

	kiosk_forget(in->k);
}

/* Run the request form; K_REVIEW when every field is valid. */
enum kstep
kiosk_intake(struct kiosk *k)
{
	struct intake in = { .k = k, .next = K_HOME };
	struct ui_screen s = {
		.name = "intake",
		.help = N_("Fill in each field and press Enter for the next one. In a "
		           "list, the digits choose. In a text field, * opens the "
		           "on-screen keyboard: 8 2 4 6 move, 5 types, 0 is a space, - "
		           "deletes, + goes on, / closes it. F5 checks your request. Esc "
		           "or / leaves the form, after you confirm."),
		.state = &in, .draw = intake_draw,
		.key = intake_key, .wipe = intake_wipe,
		.has_draft = k->req.dirty,
	};
	int r;

	if (k->req.n == 0)
		return K_HOME;
	if (k->review_focus >= 0) {
		ui_form_focus(&k->req, k->review_focus);
		k->review_focus = -1;
	}
	ui_status("", false);
	r = ui_run(&s);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return in.next;
}
