/*
 * kiosk/consent — messages about the request (issue 14), between the
 * review and the declaration: 1 no messages, 2 by SMS, 3 by e-mail, 4 by
 * SMS and e-mail. Choosing nothing sends nothing (consent is never
 * assumed); the choice is submitted with the request (declare.c), stored
 * with its time and the declaration version, and the "received" message
 * goes into the outbox in the submission's own transaction.
 *
 * Invariants:
 *  1. E-mail (3, 4) needs the e-mail field of the draft: without it the
 *     screen says so and stays; Esc goes back to the form's e-mail field.
 *  2. The choice lives in k->notify (-1 = not asked yet) and is wiped with
 *     the draft (kiosk_forget).
 *  3. The screen names what is stored and how to withdraw (tracking).
 */
#include "kiosk/kiosk.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "kiosk/kiosk_attr.h"

struct consent {
	struct kiosk  *k;
	struct ui_menu menu;
	const char    *items[4];
	enum kstep     next;
};

static const struct ui_key_hint hints[] = {
	{ "1-4", N_("choose") },
	{ "Esc /", N_("back to the form") },
	{ "F2", N_("language") },
};

static void
consent_draw(struct ui_screen *s)
{
	struct consent *c = s->state;
	struct ui_rect r = ui_frame(_("Messages about this request"), hints, 3);
	int used;

	c->items[0] = _("No messages");
	c->items[1] = _("By SMS");
	c->items[2] = _("By e-mail");
	c->items[3] = _("By SMS and e-mail");
	used = ui_para((struct ui_rect){ r.y + 1, r.x + 2, 4, r.w - 4 },
	        _("May we tell you by SMS or e-mail when your request moves on "
	          "(received, information needed, the decision, registration, "
	          "delivery)? Press the number of your choice."),
	        ui_dir(), AL_START, 0);
	ui_menu_draw(&c->menu, (struct ui_rect){ r.y + 2 + used, r.x + 4, 4, r.w - 8 });
	ui_para((struct ui_rect){ r.y + 7 + used, r.x + 2, 3, r.w - 4 },
	        _("Your choice and its time are kept with the request. You can stop "
	          "the messages at any time under \"Track my request\"."),
	        ui_dir(), AL_START, KA_DIM);
}

static int
consent_key(struct ui_screen *s, struct ui_event ev)
{
	struct consent *c = s->state;
	const char *email;
	int i;

	if (ev.a == ACT_TICK)
		return kiosk_health_notice(c->k) ? UI_HANDLED | UI_REDRAW : 0;
	i = ui_menu_key(&c->menu, ev);
	if (i == -2 || ev.a == ACT_BACKSPACE) {
		c->next = K_REVIEW;
		return UI_DONE;
	}
	if (i < 0)
		return UI_HANDLED | UI_REDRAW;
	email = ui_form_value(&c->k->req, "email");
	if ((i == NOTIFY_EMAIL || i == NOTIFY_BOTH) && (!email || !*email)) {
		ui_status(_("You gave no e-mail address: choose SMS, or go back (Esc) "
		            "and add one."), true);
		return UI_HANDLED | UI_REDRAW;
	}
	c->k->notify = i;
	c->next = K_DECLARE;
	return UI_DONE;
}

static void
consent_wipe(struct ui_screen *s)
{
	struct consent *c = s->state;

	kiosk_forget(c->k);
}

/* Contract: see kiosk.h. */
enum kstep
kiosk_consent(struct kiosk *k)
{
	struct consent c;
	struct ui_screen s = {
		.name = "consent", .state = &c, .draw = consent_draw,
		.key = consent_key, .wipe = consent_wipe, .has_draft = true,
	};
	int r;

	memset(&c, 0, sizeof c);
	c.k = k;
	c.next = K_REVIEW;
	c.menu = (struct ui_menu){ .items = c.items, .nitems = 4, .numbered = true,
	                           .selected = k->notify > 0 ? k->notify : 0 };
	ui_status("", false);
	r = ui_run(&s);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return c.next;
}
