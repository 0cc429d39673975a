/*
 * kiosk/review — everything the visitor gave, one line per field, before
 * the messages' consent and the declaration: 1 continues, any other line goes back to that field in
 * the form (and the form comes back here when it is valid again).
 *
 * Invariant: the description is shown whole before the visitor signs that
 * it is correct — under the lines, wrapped in a pager (PgUp/PgDn and the
 * keypad's + scroll it; the digits choose lines); its own line keeps the
 * first line only.
 * The pager's copy is overwritten before it is freed.
 */
#include "kiosk/kiosk.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define REVIEW_MAX 24

struct review {
	struct kiosk  *k;
	struct ui_menu menu;
	const char    *items[REVIEW_MAX];
	char          *lines[REVIEW_MAX];
	int            field[REVIEW_MAX];   /* form item of each line, -1 = go on */
	enum kstep     next;
	struct ui_pager desc;               /* the whole description */
	bool           have_desc;
};

static const struct ui_key_hint hints[] = {
	{ "1", N_("continue") },
	{ "Enter", N_("change a line") },     /* short: the whole footer fits 80 */
	{ "Esc /", N_("back") },
	{ "F2", N_("language") },
};

static void
free_lines(struct review *v)
{
	for (int i = 0; i < REVIEW_MAX; i++) {
		if (v->lines[i] != NULL) {
			explicit_bzero(v->lines[i], strlen(v->lines[i]));
			free(v->lines[i]);
			v->lines[i] = NULL;
		}
	}
}

/* One line per visible field: "Label: value" (first line of free text). */
static void
build_lines(struct review *v)
{
	struct ui_form *f = &v->k->req;
	int n = 0;

	free_lines(v);
	v->lines[n] = xstrdup(_("Everything is correct: continue to the declaration"));
	v->field[n++] = -1;
	for (int i = 0; i < f->n && n < REVIEW_MAX; i++) {
		struct ui_form_item *it = &f->it[i];
		char *val, *nl;

		if (!it->visible)
			continue;
		val = ui_form_display(f, i);
		if ((nl = strchr(val, '\n')) != NULL)
			strcpy(nl, " …");
		v->lines[n] = xasprintf("%s: %s", ui_form_label(f, i),
		                        *val ? val : "—");
		explicit_bzero(val, strlen(val));
		free(val);
		v->field[n++] = it->locked ? -2 : i;
	}
	for (int i = 0; i < n; i++)
		v->items[i] = v->lines[i];
	v->menu.items = v->items;
	v->menu.nitems = n;
}

static void
review_draw(struct ui_screen *s)
{
	struct review *v = s->state;
	struct ui_rect r = ui_frame(_("Check your request"), hints, 4);
	struct ui_rect m;

	build_lines(v);
	ui_text(r.y, r.x + 1, r.w - 2,
	        _("Please check what you typed. Choose a line to change it."),
	        ui_dir(), AL_START, 0);
	m = (struct ui_rect){ r.y + 2, r.x + 1, r.h - 2, r.w - 2 };
	if (v->have_desc && r.h - 2 - v->menu.nitems - 1 >= 3) {
		struct ui_rect p = { m.y + v->menu.nitems + 1, r.x + 3,
		                     r.h - 2 - v->menu.nitems - 1, r.w - 6 };

		m.h = v->menu.nitems;
		ui_pager_draw(&v->desc, p);
	}
	ui_menu_draw(&v->menu, m);
}

/* The pager's text overwritten, then freed. */
static void
desc_free(struct review *v)
{
	if (!v->have_desc)
		return;
	explicit_bzero(v->desc.text, strlen(v->desc.text));
	ui_pager_free(&v->desc);
	v->have_desc = false;
}

static int
review_key(struct ui_screen *s, struct ui_event ev)
{
	struct review *v = s->state;
	int c;

	if (ev.a == ACT_TICK)       /* a draft is kept, the visitor told (oos.c) */
		return kiosk_health_notice(v->k) ? UI_HANDLED | UI_REDRAW : 0;
	if (ev.a == ACT_BACK || ev.a == ACT_BACKSPACE) {
		v->next = K_REQUEST;
		return UI_DONE;
	}
	if (ev.a == ACT_SAVE) {
		v->next = K_CONSENT;
		return UI_DONE;
	}
	if (v->have_desc && (ev.a == ACT_PGUP || ev.a == ACT_PGDN ||
	                     (ev.a == ACT_CHAR && ev.ch == L'+'))) {
		ui_pager_key(&v->desc, ev);  /* the description scrolls */
		return UI_HANDLED | UI_REDRAW;
	}
	c = ui_menu_key(&v->menu, ev);
	if (c == -2) {
		v->next = K_REQUEST;
		return UI_DONE;
	}
	if (c < 0)
		return UI_HANDLED | UI_REDRAW;
	if (v->field[c] == -2) {
		ui_status(_("At the kiosk the channel is always an in-person visit."), false);
		return UI_HANDLED | UI_REDRAW;
	}
	v->k->review_focus = v->field[c];
	v->next = v->field[c] < 0 ? K_CONSENT : K_REQUEST;
	return UI_DONE;
}

static void
review_wipe(struct ui_screen *s)
{
	struct review *v = s->state;

	free_lines(v);
	desc_free(v);
	kiosk_forget(v->k);
}

/* Show the review; K_CONSENT to go on, K_REQUEST to change a field. */
enum kstep
kiosk_review(struct kiosk *k)
{
	struct review v;
	struct ui_screen s = {
		.name = "review",
		.help = N_("Check every line. Press 1 to continue, or choose a line and "
		           "press Enter to change it. Esc or / goes back to the form."),
		.state = &v, .draw = review_draw,
		.key = review_key, .wipe = review_wipe, .has_draft = true,
	};
	int r;

	memset(&v, 0, sizeof v);
	v.k = k;
	v.next = K_REQUEST;
	v.menu.numbered = true;
	if (ui_form_item(&k->req, "description") != NULL &&
	    ui_form_value(&k->req, "description")[0] != '\0') {
		const char *d = ui_form_value(&k->req, "description");

		ui_pager_init(&v.desc, xstrdup(d), text_guess_dir(d));
		v.have_desc = true;
	}
	ui_status("", false);
	r = ui_run(&s);
	free_lines(&v);
	desc_free(&v);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return v.next;
}
