/*
 * officer/common — the small pieces every officer screen uses: translated
 * labels for statuses and roles, catalog names, store error sentences, a
 * security log line safe for syslog, and two modal full-screen helpers
 * (oc_prompt: type a text, oc_pick: choose from a list) built as ordinary
 * ui screens run by ui_run, so they get the one input loop's global keys
 * (F2 language, F3 bidi, resize) for free.
 *
 * Invariants:
 *  1. Labels are English msgids translated at the moment they are drawn, so
 *     a language switch (F2) takes effect on the next redraw.
 *  2. Text returned by oc_prompt is text_clean'ed (NFC, no controls), ready
 *     for the store.
 *  3. Untrusted text is never passed to syslog raw: oc_log_security runs it
 *     through text_sanitize and cuts it to 64 bytes.
 *  4. What an officer typed is never lost by a failure: oc_prompt_apply
 *     runs the write (an action, a note, a search) while the prompt is
 *     still open; when it fails (disk full, busy, stale, refused) the text
 *     stays in the field and the status line says what happened, so F5
 *     tries again. Esc on a typed multi-line text, and F10 (log out) on
 *     anything typed anywhere below (ui_drafts_open), ask first, "No"
 *     selected.
 */
#include "officer/officer_int.h"

#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/util.h"
#include "text/text.h"

static const char *const status_labels[RS__COUNT] = {
	[RS_RECEIVED]   = N_("Received"),
	[RS_NEEDS_INFO] = N_("Needs information"),
	[RS_VERIFIED]   = N_("Verified"),
	[RS_REFERRED]   = N_("Referred to research"),
	[RS_COMMITTEE]  = N_("At the committee"),
	[RS_ACCEPTED]   = N_("Accepted"),
	[RS_REJECTED]   = N_("Rejected"),
	[RS_REGISTERED] = N_("Registered"),
	[RS_DELIVERED]  = N_("Delivered"),
	[RS_WITHDRAWN]  = N_("Withdrawn"),
};

const char *
oc_status_label(req_status st)
{
	if ((int)st < 0 || st >= RS__COUNT)
		return "?";
	return _(status_labels[st]);
}

/* The queue's status column at 80 columns (issue 12): at most 10 cells in
 * either language, so the service beside it is never cut. */
static const char *const status_short[RS__COUNT] = {
	[RS_RECEIVED]   = N_("Received"),
	[RS_NEEDS_INFO] = N_("Needs info"),
	[RS_VERIFIED]   = N_("Verified"),
	[RS_REFERRED]   = N_("Research"),
	[RS_COMMITTEE]  = N_("Committee"),
	[RS_ACCEPTED]   = N_("Accepted"),
	[RS_REJECTED]   = N_("Rejected"),
	[RS_REGISTERED] = N_("Registered"),
	[RS_DELIVERED]  = N_("Delivered"),
	[RS_WITHDRAWN]  = N_("Withdrawn"),
};

const char *
oc_status_short(req_status st)
{
	if ((int)st < 0 || st >= RS__COUNT)
		return "?";
	return _(status_short[st]);
}

static const char *const role_labels[ROLE__COUNT] = {
	[ROLE_OFFICER]    = N_("Member-relations officer"),
	[ROLE_RESEARCHER] = N_("Social researcher"),
	[ROLE_COMMITTEE]  = N_("Research committee"),
	[ROLE_ADMIN]      = N_("Administrator"),
};

const char *
oc_role_label(officer_role r)
{
	if ((int)r < 0 || r >= ROLE__COUNT)
		return "?";
	return _(role_labels[r]);
}

const char *
oc_catalog_name(const struct console *c, const char *kind, const char *code)
{
	const struct catalog_item *it;
	int i, n;

	if (strcmp(kind, "service") == 0) {
		it = c->services; n = c->nservices;
	} else {
		it = c->channels; n = c->nchannels;
	}
	for (i = 0; i < n; i++)
		if (strcmp(it[i].code, code) == 0)
			return ui_pick(it[i].name_en, it[i].name_ar);
	return code;
}

const char *
oc_store_error(st_rc rc)
{
	switch (rc) {
	case ST_OK:       return "";
	case ST_NOTFOUND: return _("Not found.");
	case ST_STALE:    return _("Changed by someone else — reloaded.");
	case ST_BUSY:     return _("The database is busy; nothing was saved. Try again.");
	case ST_INVALID:  return _("A value was refused; nothing was saved.");
	case ST_DENIED:   return _("This action is not allowed now.");
	case ST_FULL:     return _("The disk is full; nothing was saved. Tell the administrator.");
	case ST_READONLY: return _("The database is read-only; nothing was saved. Tell the administrator.");
	case ST_CORRUPT:  return _("The database is damaged. Tell the administrator.");
	case ST_REVOKED:  return _("Your access was ended (account disabled or role changed); nothing was saved.");
	case ST_OFFLINE:  return _("No connection to the server — retrying. Nothing was saved; what you typed is kept.");
	default:          return _("A database error occurred; nothing was saved.");
	}
}

void
oc_log_security(const char *what, const char *untrusted, const char *detail)
{
	char *safe = text_sanitize(untrusted ? untrusted : "", untrusted ? strlen(untrusted) : 0);
	char cut[65];

	strlcpy_k(cut, safe ? safe : "?", sizeof cut);
	log_security("%s: login \"%s\"%s%s", what, cut, detail ? ": " : "", detail ? detail : "");
	free(safe);
}

/* Contract (officer_int.h). */
void
oc_say_kept(const char *reason)
{
	ui_status(reason, true);
}

/* ---- F10 ---------------------------------------------------------------------- */

/* Contract (officer_int.h). */
int
oc_quit(void)
{
	if (ui_drafts_open() &&
	    !ui_confirm_default(_("Log out?"),
	                        _("What you typed will be lost. Log out anyway?"), false))
		return UI_REDRAW;
	return UI_HOME;
}

/* ---- oc_prompt --------------------------------------------------------------- */

struct prompt {
	const char     *title, *question;
	const char     *initial;
	struct ui_field f;
	bool            multiline, required;
	bool          (*apply)(void *ctx, const char *text);
	void           *ctx;
	char           *result;
};

static void
prompt_draw(struct ui_screen *s)
{
	struct prompt *p = s->state;
	static const struct ui_key_hint hints_line[] = {
		{ "Enter", N_("confirm") }, { "F8", N_("clear") }, { "Esc", N_("cancel") },
		{ "F10", N_("log out") },
	};
	static const struct ui_key_hint hints_multi[] = {
		{ "F5", N_("confirm") }, { "Esc", N_("cancel") }, { "F10", N_("log out") },
	};
	struct ui_rect r = p->multiline ? ui_frame(_(p->title), hints_multi, 3)
	                                : ui_frame(_(p->title), hints_line, 4);
	int used = ui_para((struct ui_rect){ r.y + 1, r.x + 2, 3, r.w - 4 },
	                   ui_tr(p->question), ui_dir(), AL_START, 0);
	/* one row under the box for the field's message, so the status line
	 * stays free for what a failed write says (invariant 4) */
	struct ui_rect fr = { r.y + 2 + used, r.x + 2, p->f.height + 3, r.w - 4 };

	ui_field_draw(&p->f, fr, true);
}

/* Something typed that Esc or F10 would throw away: the field differs from
 * what it was opened with. */
static bool
prompt_typed(struct prompt *p)
{
	char *txt = text_edit_get(&p->f.edit);
	bool typed = txt[0] != '\0' && strcmp(txt, p->initial ? p->initial : "") != 0;

	explicit_bzero(txt, strlen(txt));
	free(txt);
	return typed;
}

static int
prompt_key(struct ui_screen *s, struct ui_event ev)
{
	struct prompt *p = s->state;
	char *txt, *clean;
	int r;

	switch (ev.a) {
	case ACT_QUIT:
		return oc_quit();
	case ACT_BACK:
		if (p->multiline && s->has_draft &&
		    !ui_confirm_default(_("Discard what you typed?"),
		                        _("The text is not saved anywhere else."), false))
			return UI_REDRAW;
		return UI_BACK;
	case ACT_TICK:
		return 0;
	case ACT_REDRAW:
		return UI_REDRAW;
	case ACT_CLEAR:                 /* F8 / Ctrl-U: an empty field */
		text_edit_set(&p->f.edit, "");
		ui_field_set_error(&p->f, NULL);
		return UI_REDRAW;
	case ACT_ENTER:
		if (p->multiline)
			break;
		/* FALLTHROUGH */
	case ACT_SAVE:
		txt = text_edit_get(&p->f.edit);
		clean = text_clean(txt, strlen(txt), p->multiline);
		free(txt);
		if (clean == NULL || (p->required && clean[0] == '\0')) {
			free(clean);
			ui_field_set_error(&p->f, N_("Please fill this in."));
			return UI_REDRAW;
		}
		/* Invariant 4: a failed apply keeps the text in the field; the
		 * callback has said why in the status line. */
		ui_field_set_error(&p->f, NULL);
		if (p->apply != NULL && !p->apply(p->ctx, clean)) {
			free(clean);
			ui_field_set_error(&p->f, N_("Nothing was changed; what you typed is kept: "
			                             "F5 tries again, Esc gives up."));
			return UI_REDRAW;
		}
		p->result = clean;
		return UI_DONE;
	default:
		break;
	}
	r = ui_field_key(&p->f, ev);
	if (r & UI_HANDLED)
		ui_field_set_error(&p->f, NULL);
	s->has_draft = prompt_typed(p);
	r |= UI_REDRAW;
	return r;
}

char *
oc_prompt_apply(const char *title, const char *question, const char *initial,
                bool multiline, bool required, size_t max_chars,
                bool (*apply)(void *ctx, const char *text), void *ctx, int *rc)
{
	char *init = initial != NULL ? xstrdup(initial) : NULL;
	struct prompt p = { .title = title, .question = question, .initial = init,
	                    .multiline = multiline, .required = required,
	                    .apply = apply, .ctx = ctx };
	struct ui_screen s = { .name = "officer-prompt", .state = &p,
	                       .draw = prompt_draw, .key = prompt_key };
	int r;

	ui_field_init(&p.f, "", ui_dir(), max_chars, multiline ? 5 : 1);
	p.f.edit.multiline = multiline;
	if (init != NULL)
		text_edit_set(&p.f.edit, init);
	r = ui_run(&s);
	text_edit_wipe(&p.f.edit);
	ui_field_free(&p.f);
	free(init);
	*rc = oc_unwind(r);
	if (*rc || !(r & UI_DONE)) {
		free(p.result);
		return NULL;
	}
	return p.result;
}

char *
oc_prompt(const char *title, const char *question, const char *initial,
          bool multiline, bool required, size_t max_chars, int *rc)
{
	return oc_prompt_apply(title, question, initial, multiline, required, max_chars,
	                       NULL, NULL, rc);
}

/* ---- oc_pick / oc_list_pick ---------------------------------------------------- */

/* One list screen for both: oc_pick (a choice, Esc cancels) and
 * oc_list_pick (an admin list, Esc goes back, the last change's outcome on
 * the status line). */
struct pick {
	const char    *title;
	struct ui_menu m;
	int            chosen;
	bool           list;           /* oc_list_pick: "back", and the note */
	const char *const *src;        /* the items as given: msgids or text */
	const char   **shown;          /* translated at each draw (F2) */
	const char    *note;           /* or NULL */
	bool           note_err;
	ui_lang        note_lang;      /* drawn only in its own language */
};

static void
pick_draw(struct ui_screen *s)
{
	struct pick *p = s->state;
	static const struct ui_key_hint hints[] = {
		{ "Enter", N_("choose") }, { "Esc", N_("cancel") },
	};
	static const struct ui_key_hint hints_list[] = {
		{ "Enter", N_("choose") }, { "Esc", N_("back") },
	};
	struct ui_rect r = ui_frame(_(p->title), p->list ? hints_list : hints, 2);

	/* an item given as an English msgid follows F2; text stays as it is */
	for (int i = 0; i < p->m.nitems; i++)
		p->shown[i] = ui_tr(p->src[i]);
	ui_menu_draw(&p->m, (struct ui_rect){ r.y + 1, r.x + 2, r.h - 1, r.w - 4 });
	if (p->note != NULL && p->note[0] && p->note_lang == ui_get_lang())
		ui_status(p->note, p->note_err);
}

static int
pick_key(struct ui_screen *s, struct ui_event ev)
{
	struct pick *p = s->state;
	int i;

	if (ev.a == ACT_TICK)
		return 0;
	if (ev.a == ACT_QUIT)
		return oc_quit();
	if (ev.a == ACT_REDRAW)
		return UI_REDRAW;
	i = ui_menu_key(&p->m, ev);
	if (i >= 0) {
		p->chosen = i;
		return UI_DONE;
	}
	if (i == -2)
		return UI_BACK;
	return UI_HANDLED | UI_REDRAW;
}

static int
pick_run(struct pick *p, const char *name, const char *const *items, const wchar_t *keys,
         const wchar_t *alt, int n, int selected, int *rc)
{
	struct ui_screen s = { .name = name, .state = p, .draw = pick_draw, .key = pick_key };
	int r;

	p->chosen = -1;
	p->src = items;
	p->shown = xcalloc((size_t)(n > 0 ? n : 1), sizeof *p->shown);
	for (int i = 0; i < n; i++)
		p->shown[i] = items[i];
	p->m.items = p->shown;
	p->m.nitems = n;
	p->m.selected = selected >= 0 && selected < n ? selected : 0;
	p->m.numbered = keys == NULL && n <= 9;
	p->m.keys = keys;
	p->m.alt_keys = alt;
	r = ui_run(&s);
	free(p->shown);
	*rc = oc_unwind(r);
	if (*rc || !(r & UI_DONE))
		return -1;
	return p->chosen;
}

int
oc_pick_keys(const char *title, const char *const *items, const wchar_t *keys,
             const wchar_t *alt, int n, int selected, int *rc)
{
	struct pick p = { .title = title };

	return pick_run(&p, "officer-pick", items, keys, alt, n, selected, rc);
}

int
oc_pick(const char *title, const char *const *items, int n, int selected, int *rc)
{
	return oc_pick_keys(title, items, NULL, NULL, n, selected, rc);
}

/* Contract (officer_int.h). */
int
oc_list_pick(const char *name, const char *title, const char *const *labels, int n,
             int selected, struct oc_note *note, int *rc)
{
	struct pick p = { .title = title, .list = true,
	                  .note = note ? note->text : NULL, .note_err = note && note->err,
	                  .note_lang = note ? note->lang : ui_get_lang() };
	int i = pick_run(&p, name, labels, NULL, NULL, n, selected, rc);

	if (note != NULL)
		note->text[0] = '\0';
	return i;
}

/* Contract (officer_int.h). */
void
oc_note_set(struct oc_note *note, const char *text, bool err)
{
	strlcpy_k(note->text, text, sizeof note->text);
	note->err = err;
	note->lang = ui_get_lang();
}
