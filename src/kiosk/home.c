/*
 * kiosk/home — the home menu from screens/menus.conf ("home"): 1 New
 * service request, 2 Track my request, 3 Satisfaction survey, 4
 * Information and guides, 5 Call an officer. Digits choose, arrows +
 * Enter too; Esc, Backspace or the keypad's '/' go back to the welcome
 * screen (nothing typed here yet). The footer's range follows the menu.
 */
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct home {
	struct kiosk  *k;
	const struct menu_def *def;
	struct ui_menu menu;
	const char   **items;
	enum kstep     next;
};

static const struct ui_key_hint hints_tmpl[] = {
	{ NULL, N_("choose") },             /* "1-n", from the menu */
	{ "Enter", N_("open") },
	{ "Esc /", N_("back") },
	{ "F2", N_("language") },
};

static void
home_draw(struct ui_screen *s)
{
	struct home *h = s->state;
	struct ui_key_hint hints[ARRAY_LEN(hints_tmpl)];
	char range[16];
	struct ui_rect r, m;

	memcpy(hints, hints_tmpl, sizeof hints);
	snprintf(range, sizeof range, "1-%d", h->def->nitems < 9 ? h->def->nitems : 9);
	hints[0].key = range;
	r = ui_frame(_(h->def->title), hints, (int)ARRAY_LEN(hints));

	for (int i = 0; i < h->def->nitems; i++)
		h->items[i] = _(h->def->items[i].label);
	ui_text(r.y + 1, r.x + 2, r.w - 4,
	        _("How can we help you today? Press the number of your choice."),
	        ui_dir(), AL_START, 0);
	m = (struct ui_rect){ r.y + 3, r.x + 4, h->def->nitems, r.w - 8 };
	ui_menu_draw(&h->menu, m);
}

static enum kstep
action_step(const char *action)
{
	static const struct { const char *name; enum kstep st; } map[] = {
		{ "request", K_REQUEST }, { "track", K_TRACK },
		{ "survey", K_SURVEY }, { "info", K_INFO }, { "call", K_CALL },
	};

	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strcmp(action, map[i].name) == 0)
			return map[i].st;
	return K_HOME;
}

static int
home_key(struct ui_screen *s, struct ui_event ev)
{
	struct home *h = s->state;
	int c;

	if (ev.a == ACT_TICK) {
		if (kiosk_health(h->k) == ST_OK)
			return 0;
		h->next = K_OOS;        /* before anyone starts typing */
		return UI_DONE;
	}
	if (ev.a == ACT_OFFICER) {
		/* off unless kiosk_officer_login = true (kiosk.h invariant 4) */
		if (!h->k->a->cfg.kiosk_officer_login)
			return UI_HANDLED;
		h->next = K_OFFICER;
		return UI_DONE;
	}
	if (ev.a == ACT_BACK || ev.a == ACT_BACKSPACE) {
		h->next = K_WELCOME;
		return UI_BACK;
	}
	c = ui_menu_key(&h->menu, ev);
	if (c == -2) {
		h->next = K_WELCOME;
		return UI_BACK;
	}
	if (c < 0)
		return UI_HANDLED | UI_REDRAW;
	h->next = action_step(h->def->items[c].action);
	return UI_DONE;
}

/* Show the home menu; returns the flow chosen, or K_WELCOME on Back. */
enum kstep
kiosk_home(struct kiosk *k)
{
	struct home h = { .k = k, .next = K_WELCOME };
	struct ui_screen s = {
		.name = "home",
		.help = N_("Press the number of what you need and Enter, or the number "
		           "alone. 5 calls an officer to this kiosk. Esc or / goes back "
		           "to the language choice."),
		.state = &h, .draw = home_draw, .key = home_key,
	};
	int r;

	h.def = screens_menu(&k->a->scr, "home");
	if (h.def == NULL || h.def->nitems == 0)
		return K_EXIT;
	h.items = xcalloc((size_t)h.def->nitems, sizeof *h.items);
	h.menu = (struct ui_menu){ .items = h.items, .nitems = h.def->nitems,
	                           .numbered = true };
	r = ui_run(&s);
	free(h.items);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return h.next;
}
