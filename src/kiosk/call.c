/*
 * kiosk/call — "Call an officer" (home menu, action "call"): a help
 * request in the officers' queue (store_help_call: the kiosk's id and the
 * time, nothing about the visitor), then the visitor is told someone is
 * coming — or, when the call could not be saved, told so and asked to go
 * to the counter, in the visitor's language.
 *
 * Invariants:
 *  1. Nothing the visitor typed or chose reaches the call: the screen
 *     opens from the home menu and has no field.
 *  2. The message shown says what happened: "coming" only when the call
 *     is in the store (ST_OK).
 *  3. Enter, Esc or the keypad's '/' go back to the home menu.
 */
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_attr.h"

#include "core/log.h"

struct call {
	struct kiosk *k;
	st_rc rc;
};

static const struct ui_key_hint hints[] = {
	{ "Enter", N_("back to the menu") },
	{ "F2", N_("language") },
};

static void
call_draw(struct ui_screen *s)
{
	struct call *c = s->state;
	struct ui_rect r = ui_frame(_("Call an officer"), hints, 2);
	struct ui_rect p = { r.y + 2, r.x + 2, r.h - 4, r.w - 4 };

	if (c->rc == ST_OK)
		ui_para(p, _("An officer has been called and is coming to you. "
		             "Please stay near the kiosk."), ui_dir(), AL_START, KA_STRONG);
	else
		ui_para(p, _("The call could not be sent. Please go to the service "
		             "counter."), ui_dir(), AL_START, KA_STRONG);
}

static int
call_key(struct ui_screen *s, struct ui_event ev)
{
	(void)s;
	ev = ui_keypad_event(ev);
	if (ev.a == ACT_ENTER || ev.a == ACT_BACK || ev.a == ACT_BACKSPACE)
		return UI_DONE;
	return 0;
}

/* Call an officer; K_HOME afterwards. */
enum kstep
kiosk_call(struct kiosk *k)
{
	struct call c = { .k = k };
	struct ui_screen s = {
		.name = "call",
		.help = N_("An officer has been called to this kiosk. Enter goes back to "
		           "the menu."),
		.state = &c, .draw = call_draw, .key = call_key,
	};
	int r;

	c.rc = store_help_call(k->a->db, kiosk_id(k), NULL);
	if (c.rc == ST_OK)
		log_info("kiosk: help requested at %s", kiosk_id(k));
	else
		log_error("kiosk: a help call could not be saved (%d)", (int)c.rc);
	r = ui_run(&s);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return K_HOME;
}
