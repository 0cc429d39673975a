/*
 * officer/admin_catalog — the catalog in the admin's menu: service types
 * and survey questions, each with its English and Arabic name, and the
 * kiosk's documents (their own screen: admin_docs.c). (The
 * contact channels are the policy's fixed eight and the kiosk's is fixed
 * to in_person: not edited here.) Add, edit the names, retire (and bring back) — never delete: old
 * requests keep their service type, old surveys their question.
 *
 * Invariants:
 *  1. What is stored passes catalog_item_problem (store/catalog.c, also
 *     checked by the store): both names, a unique code of [a-z0-9_], no
 *     control or bidi characters, lengths capped. A refused value stays in
 *     its prompt with the reason (oc_prompt_apply).
 *  2. A new item goes last (sort = the largest + 10), active. The kiosk
 *     reads the catalog when a form opens, so it is offered from the next
 *     visitor on.
 *  3. Every change is a syslog security event naming the admin, the list
 *     and the code; the store refuses it when the admin's access ended
 *     (ST_REVOKED).
 */
#include "officer/officer_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "text/text.h"

static const struct { const char *kind, *label; } kinds[] = {
	{ "service",  N_("Service types") },
	{ "question", N_("Survey questions") },
	{ NULL,       N_("Documents") },       /* admin_docs.c */
};

/* Outcome of the last change, drawn on the list's status line. */
static struct oc_note note;

struct ed {
	const char         *kind;
	struct catalog_item it;            /* the item being made or edited */
	struct catalog_item *all; int n;   /* the list, for unique codes */
	int                 which;         /* 0 code, 1 English, 2 Arabic */
};

/* oc_prompt_apply: the text checked as the field `which` of the item. */
static bool
ed_ok(void *ctx, const char *text)
{
	struct ed *e = ctx;
	struct catalog_item t = e->it;
	const char *why;

	if (e->which == 0) {
		if (strlen(text) >= sizeof t.code) {
			ui_status(_("A code is 1 to 31 of a-z, 0-9 and _, starting with a letter."), true);
			return false;
		}
		strlcpy_k(t.code, text, sizeof t.code);
		for (int i = 0; i < e->n; i++)
			if (strcmp(e->all[i].code, text) == 0) {
				ui_status(_("This code is taken in this list: choose another."), true);
				return false;
			}
	}
	/* the names not asked yet are checked when they are */
	if (e->which <= 1)
		t.name_ar = (char *)"x";
	if (e->which == 0)
		t.name_en = (char *)"x";
	if (e->which == 1)
		t.name_en = (char *)text;
	if (e->which == 2)
		t.name_ar = (char *)text;
	if ((why = catalog_item_problem(e->kind, &t)) != NULL) {
		ui_status(_(why), true);
		return false;
	}
	return true;
}

static void
save(struct console *c, const char *kind, const struct catalog_item *it,
     const char *what_en, const char *done_msgid)
{
	st_rc rc = store_catalog_upsert(c->db, kind, it);

	if (rc == ST_OK) {
		char *m = xasprintf(_(done_msgid), it->code);
		log_security("admin %s: catalog %s %s %s", c->me.login, kind, it->code, what_en);
		oc_note_set(&note, m, false);
		free(m);
	} else {
		log_error("admin %s: catalog %s %s %s: %s", c->me.login, kind, it->code,
		          what_en, st_rc_name(rc));
		oc_note_set(&note, oc_store_error(rc), true);
	}
}

/* Ask the names (with the current ones in the fields); true when both
 * were given. *r gets an unwind code. */
static bool
ask_names(struct ed *e, const char *init_ar, int *r)
{
	char *en, *ar;

	e->which = 1;
	en = oc_prompt_apply(N_("Catalog"), N_("Name in English:"), e->it.name_en, false,
	                     true, CATALOG_NAME_MAX, ed_ok, e, r);
	if (en == NULL)
		return false;
	e->it.name_en = en;
	e->which = 2;
	e->it.name_ar = NULL;
	ar = oc_prompt_apply(N_("Catalog"), N_("Name in Arabic:"), init_ar, false,
	                     true, CATALOG_NAME_MAX, ed_ok, e, r);
	if (ar == NULL)
		return false;
	e->it.name_ar = ar;
	return true;
}

static int
add_item(struct console *c, struct ed *e)
{
	char *code;
	int r = 0, sort = 0;

	e->which = 0;
	code = oc_prompt_apply(N_("Catalog"), N_("Code (a-z, 0-9, _; never changes):"), NULL,
	                       false, true, 31, ed_ok, e, &r);
	if (code == NULL)
		return r;
	strlcpy_k(e->it.code, code, sizeof e->it.code);
	free(code);
	for (int i = 0; i < e->n; i++)
		if (e->all[i].sort > sort)
			sort = e->all[i].sort;
	e->it.sort = sort + 10;
	e->it.active = true;
	e->it.name_en = NULL;
	if (ask_names(e, NULL, &r))
		save(c, e->kind, &e->it, "added", N_("%s added."));
	free(e->it.name_en);
	free(e->it.name_ar);
	return r;
}

static int
item_menu(struct console *c, struct ed *e, const struct catalog_item *cur)
{
	const char *shown[2] = { _("Edit the names"),
	                         cur->active ? _("Retire (keep for old requests)") : _("Bring back") };
	static const wchar_t keys[2] = { L'E', L'R' }, ar[2] = { L'\u062b', L'\u0642' };
	int r = 0, i;

	i = oc_pick_keys(cur->code, shown, keys, ar, 2, 0, &r);
	if (r || i < 0)
		return r;
	e->it = *cur;
	if (i == 1) {
		e->it.active = !cur->active;
		save(c, e->kind, &e->it, cur->active ? "retired" : "brought back",
		     cur->active ? N_("%s retired.") : N_("%s brought back."));
		return 0;
	}
	e->it.name_en = xstrdup(cur->name_en ? cur->name_en : "");
	e->it.name_ar = NULL;
	{
		char *old_en = e->it.name_en;
		bool ok = ask_names(e, cur->name_ar, &r);

		if (ok)
			save(c, e->kind, &e->it, "edited", N_("%s changed."));
		if (e->it.name_en != old_en)
			free(old_en);
		free(e->it.name_en);
		free(e->it.name_ar);
	}
	return r;
}

static int
kind_list(struct console *c, int k)
{
	int r = 0, sel = 0;

	for (;;) {
		struct ed e = { .kind = kinds[k].kind };
		const char **labels;
		st_rc rc = store_catalog_list(c->db, e.kind, true, &e.all, &e.n);
		int i;

		if (rc != ST_OK) {
			ui_status(oc_store_error(rc), true);
			return UI_REDRAW;
		}
		labels = xcalloc((size_t)e.n + 1, sizeof *labels);
		labels[0] = xstrdup(N_("Add"));
		for (i = 0; i < e.n; i++)
			labels[i + 1] = e.all[i].active
			    ? xasprintf("%s · %s · %s", e.all[i].code, e.all[i].name_en, e.all[i].name_ar)
			    : xasprintf("%s · %s · %s · %s", e.all[i].code, e.all[i].name_en,
			                e.all[i].name_ar, _("retired"));
		i = oc_list_pick("officer-admin-catalog", kinds[k].label, labels, e.n + 1,
		                 sel <= e.n ? sel : 0, &note, &r);
		r = r ? r : (i < 0 ? UI_BACK : 0);
		if (r == 0 && i == 0)
			r = add_item(c, &e);
		else if (r == 0 && i > 0)
			r = item_menu(c, &e, &e.all[i - 1]);
		for (int j = 0; j <= e.n; j++)
			free((char *)labels[j]);
		free(labels);
		catalog_items_free(e.all, e.n);
		if (r == UI_BACK)
			return UI_REDRAW;
		if (r)
			return oc_unwind(r);
		sel = i;
	}
}

int
oc_admin_catalog(struct console *c)
{
	const char *shown[ARRAY_LEN(kinds)];
	int r = 0, i, sel = 0;

	for (;;) {
		for (i = 0; i < (int)ARRAY_LEN(kinds); i++)
			shown[i] = _(kinds[i].label);
		i = oc_pick(N_("Catalog"), shown, (int)ARRAY_LEN(kinds), sel, &r);
		if (r)
			return r;
		if (i < 0)
			return UI_REDRAW;
		sel = i;
		r = kinds[i].kind != NULL ? kind_list(c, i) : oc_admin_docs(c);
		if (oc_unwind(r))
			return oc_unwind(r);
	}
}
