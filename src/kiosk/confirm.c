/*
 * kiosk/confirm — policy step 5: the reference number, large
 * (ui_bigdigits); what happens next (an officer verifies the data, then
 * the research committee studies the request and answers no earlier than
 * the earliest-response date: received + study_days, config, default 14,
 * stored with the request); that date in Gregorian and Umm al-Qura
 * Hijri; how to track it; an optional printed receipt (1). It goes back
 * to the welcome screen by itself after confirm_timeout seconds.
 *
 * Invariants:
 *  1. Only the stored request (k->done) is shown, never the draft; no full
 *     national ID or mobile number appears.
 *  2. The countdown runs on the monotonic clock (KHIDMA_FAKE_NOW moves
 *     dates, not timeouts).
 *  3. Printing never holds the screen (receipt.c): "1" starts the command
 *     in the background and says the receipt is being printed; every tick
 *     asks how it went, and a failure (including a command killed after
 *     receipt_timeout) is one line in the visitor's language. Keys, F2 and
 *     the countdown go on meanwhile.
 */
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_attr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct confirm {
	struct kiosk *k;
	struct timespec start;
	int   left;            /* seconds before the welcome screen returns */
	bool  printing;        /* a receipt of ours is printing (invariant 3) */
};

static const struct ui_key_hint hints_print[] = {
	{ "1", N_("print a receipt") },
	{ "Enter", N_("finish") },
	{ "F2", N_("language") },
};

static int
elapsed_s(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int)(now.tv_sec - t0->tv_sec);
}

static bool
can_print(const struct confirm *c)
{
	const char *cmd = c->k->a->cfg.receipt_command;

	return cmd != NULL && *cmd != '\0';
}

static void
confirm_draw(struct ui_screen *s)
{
	struct confirm *c = s->state;
	const struct request *r = &c->k->done;
	struct ui_rect f = ui_frame(_("Request received"), can_print(c) ? hints_print
	                            : hints_print + 1, can_print(c) ? 3 : 2);
	struct ui_rect b;
	char g[128], h[128], line[512];
	text_dir d = ui_dir();
	int y = f.y;

	ui_text(y++, f.x + 1, f.w - 2, _("Thank you. Your request has been received. "
	        "Your reference number is:"), d, AL_CENTER, KA_STRONG);
	b = (struct ui_rect){ y, f.x, 7, f.w };
	ui_bigdigits(b, r->ref);
	y += 7;
	y += ui_para((struct ui_rect){ y, f.x + 2, 3, f.w - 4 },
	             _("What happens next: an officer verifies your data, then the research "
	               "committee studies your request and answers no earlier than the date below."),
	             d, AL_START, 0);
	kiosk_date(r->earliest_response, false, g, sizeof g);
	kiosk_date(r->earliest_response, true, h, sizeof h);
	snprintf(line, sizeof line, "%s %s", _("Earliest response:"), g);
	ui_text(y++, f.x + 2, f.w - 4, line, d, AL_START, KA_STRONG);
	snprintf(line, sizeof line, "%s %s", _("In the Hijri calendar:"), h);
	ui_text(y++, f.x + 2, f.w - 4, line, d, AL_START, KA_STRONG);
	y += ui_para((struct ui_rect){ y, f.x + 2, 2, f.w - 4 },
	             _("To follow it, choose \"Track my request\" at the kiosk and type "
	               "this number and the last 4 digits of your mobile."), d, AL_START, 0);
	snprintf(line, sizeof line, ui_ntr("This screen closes by itself in %d second.",
	                                   "This screen closes by itself in %d seconds.",
	                                   (unsigned long)(c->left > 0 ? c->left : 0)),
	         c->left);
	/* on the right edge in both languages: in Arabic that is where the
	 * layout's lines start, not the far left (AL_END) */
	ui_text(f.y + f.h - 1, f.x + 2, f.w - 4, line, d,
	        d == TEXT_RTL ? AL_START : AL_END, KA_DIM);
}

static int
confirm_key(struct ui_screen *s, struct ui_event ev)
{
	struct confirm *c = s->state;
	enum receipt_state rs;
	char *text;

	switch (ev.a) {
	case ACT_TICK:
		if (c->printing && (rs = kiosk_receipt_poll()) != RECEIPT_RUNNING) {
			c->printing = false;
			/* a finished receipt says nothing new; a failure says so */
			if (rs == RECEIPT_FAILED)
				ui_status(_("The receipt could not be printed: please note the number."),
				          true);
		}
		c->left = c->k->a->cfg.confirm_timeout - elapsed_s(&c->start);
		return c->left <= 0 ? UI_HOME : UI_HANDLED | UI_REDRAW;
	case ACT_ENTER:
	case ACT_BACK:
		return UI_DONE;
	case ACT_CHAR:
		if (ev.ch != L'1' && ev.ch != 0x661)
			return UI_HANDLED;
		if (!can_print(c)) {
			ui_status(_("No printer is connected to this kiosk: please note "
			            "the number."), false);
			return UI_HANDLED | UI_REDRAW;
		}
		if (c->printing) {
			ui_status(_("Your receipt is being printed."), false);
			return UI_HANDLED | UI_REDRAW;
		}
		text = kiosk_receipt_text(&c->k->done);
		if (kiosk_receipt_start(c->k->a->cfg.receipt_command, text,
		                        c->k->a->cfg.receipt_timeout) == 0) {
			c->printing = true;
			ui_status(_("Your receipt is being printed."), false);
		} else {
			ui_status(_("The receipt could not be printed: please note the number."),
			          true);
		}
		free(text);
		return UI_HANDLED | UI_REDRAW;
	default:
		return UI_HANDLED;
	}
}

static void
confirm_wipe(struct ui_screen *s)
{
	struct confirm *c = s->state;

	kiosk_forget(c->k);
}

/* Show the confirmation; always ends at the welcome screen (K_RESET). */
enum kstep
kiosk_confirm(struct kiosk *k)
{
	struct confirm c = { .k = k, .left = k->a->cfg.confirm_timeout };
	struct ui_screen s = {
		.name = "confirm",
		.help = N_("Note your reference number: you need it to track your "
		           "request. 1 prints a receipt when a printer is connected; "
		           "Enter finishes."),
		.state = &c, .draw = confirm_draw,
		.key = confirm_key, .wipe = confirm_wipe, .no_idle = true,
	};
	int r;

	if (!k->done_valid)
		return K_HOME;
	clock_gettime(CLOCK_MONOTONIC, &c.start);
	ui_status("", false);
	r = ui_run(&s);
	return (r & UI_HANGUP) ? K_EXIT : K_RESET;
}
