/*
 * kiosk/welcome — the first screen: the cooperative's name in both
 * languages and the choice of language, 1 العربية / 2 English (digits, or
 * arrows + Enter). F9 opens the officer login when the configuration
 * allows it (kiosk_officer_login, off by default). Nothing typed lives here,
 * so the screen has no idle timeout and nothing to wipe.
 *
 * Invariants:
 *  1. kiosk_welcome_show and kiosk_welcome build the same screen
 *     (welcome_init), so the first ui_run after a ui_show repaints nothing
 *     new and the first paint stays the one sent before the database was
 *     opened.
 *  2. The one bilingual screen keeps ASCII digits whatever arabic_digits
 *     says (ui_digits_raw): a visitor who reads no Arabic must see that
 *     2 is English, and an Arabic reader reads 1 and 2 as well. Both
 *     numbers stand in one column at the items' START side (RTL: right).
 */
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_attr.h"

struct welcome {
	struct kiosk  *k;
	struct ui_menu menu;
	const char    *items[2];
	enum kstep     next;
};

static const struct ui_key_hint hints[] = {
	{ "1/2", N_("choose the language") },
	{ "Enter", N_("continue") },
};

static void
welcome_draw(struct ui_screen *s)
{
	struct welcome *w = s->state;
	struct ui_rect r, m;
	int y;

	ui_digits_raw(true);            /* invariant 2 */
	r = ui_frame(_("Member services"), hints, 2);
	y = r.y + 1;

	ui_text(y++, r.x, r.w, "جمعية الخدمات الفنية والصيانة التعاونية",
	        TEXT_RTL, AL_CENTER, KA_STRONG);
	ui_text(y++, r.x, r.w, "Technical Services and Maintenance Cooperative Society",
	        TEXT_LTR, AL_CENTER, KA_STRONG);
	y++;
	ui_text(y++, r.x, r.w, "أهلاً وسهلاً بكم — اختر اللغة", TEXT_RTL, AL_CENTER, 0);
	ui_text(y++, r.x, r.w, "Welcome — please choose your language", TEXT_LTR,
	        AL_CENTER, 0);
	y++;
	m = (struct ui_rect){ y, r.x + r.w / 2 - 10, 2, 20 };
	ui_menu_draw(&w->menu, m);
	ui_digits_raw(false);
}

static int
welcome_key(struct ui_screen *s, struct ui_event ev)
{
	struct welcome *w = s->state;
	int c;

	if (ev.a == ACT_TICK) {
		if (kiosk_health(w->k) == ST_OK) {
			kiosk_spool_tick(w->k);  /* nobody at the kiosk (offline.c) */
			return 0;
		}
		w->next = K_OOS;        /* before anyone starts typing */
		return UI_DONE;
	}
	if (ev.a == ACT_OFFICER) {
		/* off unless kiosk_officer_login = true (kiosk.h invariant 4) */
		if (!w->k->a->cfg.kiosk_officer_login)
			return UI_HANDLED;
		w->next = K_OFFICER;
		return UI_DONE;
	}
	if (ev.a == ACT_BACK || ev.a == ACT_BACKSPACE)
		return UI_HANDLED;
	c = ui_menu_key(&w->menu, ev);
	if (c < 0)
		return UI_HANDLED | UI_REDRAW;
	ui_set_lang(c == 0 ? LANG_AR : LANG_EN);
	w->next = K_HOME;
	return UI_DONE;
}

static void
welcome_init(struct kiosk *k, struct welcome *w, struct ui_screen *s)
{
	*w = (struct welcome){ .k = k, .next = K_EXIT };
	*s = (struct ui_screen){
		.name = "welcome",
		.help = N_("Choose your language: 1 for Arabic, 2 for English. With a "
		           "numeric keypad alone: the digits choose, Enter confirms, / "
		           "goes back, - erases, + moves on, and * opens the on-screen "
		           "keyboard in a text field."),
		.state = w, .draw = welcome_draw,
		.key = welcome_key, .wipe = NULL, .no_idle = true,
	};
	w->items[0] = "العربية";
	w->items[1] = "English";
	w->menu = (struct ui_menu){ .items = w->items, .nitems = 2,
	                            .selected = ui_get_lang() == LANG_EN,
	                            .numbered = true };
}

/* Paint the welcome screen once, reading no key (see kiosk.h). */
void
kiosk_welcome_show(struct kiosk *k)
{
	struct welcome w;
	struct ui_screen s;

	welcome_init(k, &w, &s);
	ui_show(&s);
}

/* Show the welcome screen; K_HOME once a language is chosen. */
enum kstep
kiosk_welcome(struct kiosk *k)
{
	struct welcome w;
	struct ui_screen s;
	int r;

	welcome_init(k, &w, &s);
	r = ui_run(&s);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_DONE)
		return w.next;
	return K_WELCOME;
}
