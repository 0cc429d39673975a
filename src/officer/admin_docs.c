/*
 * officer/admin_docs — the documents of the kiosk's "Information and
 * guides" in the admin's catalog: the list (code, titles, the two files,
 * retired), add (code, English and Arabic title, a file for each language
 * chosen from the data directory's docs/ folder), edit the titles, choose
 * other files, retire and bring back. Never deleted.
 *
 * Invariants:
 *  1. What is stored passes doc_item_problem (store/docs.c, checked again
 *     by the store): a refused value stays in its prompt with the reason
 *     (oc_prompt_apply). A file is chosen from a list, never typed: only
 *     regular *.txt files of <datadir>/docs, stored as "docs/<name>"
 *     (the kiosk reads relative paths from the data directory).
 *  2. Before any document is stored the kiosk shows the configuration's
 *     `docs`; the first time an admin opens this list they are copied in
 *     (store_doc_seed, one transaction, said on the status line), so the
 *     list here is what the kiosk shows from then on.
 *  3. At most DOC_MAX_ACTIVE active (the kiosk's numbered menu): the store
 *     refuses the ninth (ST_DENIED) and the status line says why.
 *  4. Every change is a syslog security event naming the admin and the
 *     code; the store refuses it when the admin's access ended (ST_REVOKED).
 */
#include "officer/officer_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/log.h"
#include "core/util.h"
#include "text/text.h"

static struct oc_note note;

struct ded {
	struct doc_item  d;                /* being made or edited */
	struct doc_item *all; int n;       /* the list, for unique codes */
	int              which;            /* 0 code, 1 English, 2 Arabic title */
};

/* oc_prompt_apply: the text checked as field `which` of the document. */
static bool
ded_ok(void *ctx, const char *text)
{
	struct ded *e = ctx;
	struct doc_item t = e->d;
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
	/* what is not asked yet is checked when it is */
	t.title_en = e->which == 1 ? (char *)text : e->which == 0 ? (char *)"x" : t.title_en;
	t.title_ar = e->which == 2 ? (char *)text : (char *)"x";
	if (t.path_en == NULL)
		t.path_en = (char *)"x";
	if (t.path_ar == NULL)
		t.path_ar = (char *)"x";
	if ((why = doc_item_problem(&t)) != NULL) {
		ui_status(_(why), true);
		return false;
	}
	return true;
}

static void
save(struct console *c, const struct doc_item *d, const char *what_en, const char *done_msgid)
{
	st_rc rc = store_doc_upsert(c->db, d);

	if (rc == ST_OK) {
		char *m = xasprintf(_(done_msgid), d->code);

		log_security("admin %s: document %s %s", c->me.login, d->code, what_en);
		oc_note_set(&note, m, false);
		free(m);
		return;
	}
	log_error("admin %s: document %s %s: %s", c->me.login, d->code, what_en,
	          st_rc_name(rc));
	if (rc == ST_DENIED)
		oc_note_set(&note, _("The kiosk shows at most 8 documents: retire one first."), true);
	else
		oc_note_set(&note, oc_store_error(rc), true);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.txt files of <datadir>/docs, sorted; *n of them (free each and the
 * array). NULL with *n = 0 when there are none. */
static char **
doc_files(int *n)
{
	char *dir = xasprintf("%s/docs", khidma_datadir());
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	int cnt = 0, cap = 0;

	*n = 0;
	while (d != NULL && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		struct stat sb;
		char *full;

		if (len < 5 || strcmp(de->d_name + len - 4, ".txt") != 0 || de->d_name[0] == '.')
			continue;
		full = xasprintf("%s/%s", dir, de->d_name);
		if (stat(full, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    text_valid_utf8(de->d_name, len)) {
			if (cnt == cap) {
				cap = cap ? cap * 2 : 16;
				v = xrealloc(v, (size_t)cap * sizeof *v);
			}
			v[cnt++] = xasprintf("docs/%s", de->d_name);
		}
		free(full);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	if (cnt > 1)
		qsort(v, (size_t)cnt, sizeof *v, name_cmp);
	*n = cnt;
	return v;
}

/* Choose the file for one language: a malloc'd "docs/<name>", or NULL
 * (Esc, or no files: said on the status line). */
static char *
pick_file(const char *question_msgid, const char *current, int *r)
{
	int n = 0, i, sel = 0;
	char **files = doc_files(&n), *out = NULL;

	if (n == 0) {
		char *m = xasprintf(_("There is no .txt file in %s/docs to choose."), khidma_datadir());

		ui_status(m, true);
		free(m);
		free(files);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (current != NULL && strcmp(files[i], current) == 0)
			sel = i;
	i = oc_pick(question_msgid, (const char *const *)files, n, sel, r);
	if (i >= 0)
		out = xstrdup(files[i]);
	for (int k = 0; k < n; k++)
		free(files[k]);
	free(files);
	return out;
}

/* Ask both titles (the current ones in the fields); true when given. */
static bool
ask_titles(struct ded *e, const char *cur_en, const char *cur_ar, int *r)
{
	char *en, *ar;

	e->which = 1;
	en = oc_prompt_apply(N_("Documents"), N_("Title in English:"), cur_en, false, true,
	                     CATALOG_NAME_MAX, ded_ok, e, r);
	if (en == NULL)
		return false;
	e->d.title_en = en;
	e->which = 2;
	ar = oc_prompt_apply(N_("Documents"), N_("Title in Arabic:"), cur_ar, false, true,
	                     CATALOG_NAME_MAX, ded_ok, e, r);
	if (ar == NULL)
		return false;
	e->d.title_ar = ar;
	return true;
}

/* Ask both files; true when chosen. */
static bool
ask_files(struct ded *e, const char *cur_en, const char *cur_ar, int *r)
{
	char *en = pick_file(N_("The file in English"), cur_en, r), *ar;

	if (en == NULL)
		return false;
	e->d.path_en = en;
	if (*r)
		return false;
	ar = pick_file(N_("The file in Arabic"), cur_ar, r);
	if (ar == NULL)
		return false;
	e->d.path_ar = ar;
	return true;
}

static void
ded_free(struct ded *e)
{
	free(e->d.title_en);
	free(e->d.title_ar);
	free(e->d.path_en);
	free(e->d.path_ar);
	memset(&e->d, 0, sizeof e->d);
}

static int
add_doc(struct console *c, struct ded *e)
{
	char *code;
	int r = 0, sort = 0;

	memset(&e->d, 0, sizeof e->d);
	e->which = 0;
	code = oc_prompt_apply(N_("Documents"), N_("Code (a-z, 0-9, _; never changes):"), NULL,
	                       false, true, 31, ded_ok, e, &r);
	if (code == NULL)
		return r;
	strlcpy_k(e->d.code, code, sizeof e->d.code);
	free(code);
	for (int i = 0; i < e->n; i++)
		if (e->all[i].sort > sort)
			sort = e->all[i].sort;
	e->d.sort = sort + 10;
	e->d.active = true;
	if (ask_titles(e, NULL, NULL, &r) && ask_files(e, NULL, NULL, &r))
		save(c, &e->d, "added", N_("%s added."));
	ded_free(e);
	return r;
}

static int
doc_menu(struct console *c, struct ded *e, const struct doc_item *cur)
{
	const char *shown[3] = { _("Edit the titles"), _("Choose the files"),
	                         cur->active ? _("Retire (no longer shown at the kiosk)")
	                                     : _("Bring back") };
	static const wchar_t keys[3] = { L'E', L'F', L'R' },
	                     ar[3] = { L'\u062b', L'\u0628', L'\u0642' };
	int r = 0, i;

	i = oc_pick_keys(cur->code, shown, keys, ar, 3, 0, &r);
	if (r || i < 0)
		return r;
	e->d = *cur;
	e->d.title_en = xstrdup(cur->title_en);
	e->d.title_ar = xstrdup(cur->title_ar);
	e->d.path_en = xstrdup(cur->path_en);
	e->d.path_ar = xstrdup(cur->path_ar);
	if (i == 2) {
		e->d.active = !cur->active;
		save(c, &e->d, cur->active ? "retired" : "brought back",
		     cur->active ? N_("%s retired.") : N_("%s brought back."));
	} else if (i == 0) {
		free(e->d.title_en);
		free(e->d.title_ar);
		e->d.title_en = e->d.title_ar = NULL;
		if (ask_titles(e, cur->title_en, cur->title_ar, &r))
			save(c, &e->d, "titles changed", N_("%s changed."));
	} else {
		free(e->d.path_en);
		free(e->d.path_ar);
		e->d.path_en = e->d.path_ar = NULL;
		if (ask_files(e, cur->path_en, cur->path_ar, &r))
			save(c, &e->d, "files changed", N_("%s changed."));
	}
	ded_free(e);
	return r;
}

/* A code for the configuration's document i: its English file's name up
 * to the first dot, as [a-z0-9_], starting with a letter, unique among
 * the first i. */
static void
seed_code(const struct config_doc *cd, const struct doc_item *done, int i, char code[32])
{
	const char *p = strrchr(cd->path_en, '/');
	size_t k = 0;
	char base[24];

	p = p ? p + 1 : cd->path_en;
	for (; *p && *p != '.' && k < sizeof base - 1; p++) {
		char ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		base[k++] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '_';
	}
	base[k] = '\0';
	if (k == 0 || base[0] < 'a' || base[0] > 'z')
		snprintf(code, 32, "doc_%s", base);
	else
		snprintf(code, 32, "%s", base);
	for (int n = 2; n < 100; n++) {
		bool taken = false;

		for (int j = 0; j < i; j++)
			taken |= strcmp(done[j].code, code) == 0;
		if (!taken)
			break;
		snprintf(code, 32, "%.24s_%02d", base[0] >= 'a' && base[0] <= 'z' ? base : "doc",
		         n % 100);
	}
}

/* Invariant 2: the configuration's docs copied in, the first time. */
static void
seed_from_config(struct console *c)
{
	const struct config *cfg = &c->a->cfg;
	struct doc_item v[CONFIG_MAX_DOCS];
	bool copied = false;
	st_rc rc;
	int n = cfg->ndocs < CONFIG_MAX_DOCS ? cfg->ndocs : CONFIG_MAX_DOCS;

	if (n == 0)
		return;
	memset(v, 0, sizeof v);
	for (int i = 0; i < n; i++) {
		seed_code(&cfg->docs[i], v, i, v[i].code);
		v[i].title_en = cfg->docs[i].title_en;
		v[i].title_ar = cfg->docs[i].title_ar;
		v[i].path_en = cfg->docs[i].path_en;
		v[i].path_ar = cfg->docs[i].path_ar;
		v[i].sort = (i + 1) * 10;
		v[i].active = true;
	}
	rc = store_doc_seed(c->db, v, n, &copied);
	if (rc == ST_OK && copied) {
		char *m = xasprintf(_("The configuration's %d documents were copied here: "
		                      "the kiosk shows this list from now on."), n);

		log_security("admin %s: documents copied from the configuration (%d)",
		             c->me.login, n);
		oc_note_set(&note, m, false);
		free(m);
	} else if (rc != ST_OK) {
		log_error("admin %s: documents from the configuration: %s", c->me.login,
		          st_rc_name(rc));
		oc_note_set(&note, rc == ST_INVALID
		            ? _("The configuration's documents could not be copied (a title or "
		                "file name is refused); the kiosk shows them until one is added here.")
		            : oc_store_error(rc), true);
	}
}

/* Contract (officer_int.h). */
int
oc_admin_docs(struct console *c)
{
	int r = 0, sel = 0;
	bool seeded = false;

	for (;;) {
		struct ded e;
		const char **labels;
		st_rc rc;
		int i;

		memset(&e, 0, sizeof e);
		rc = store_doc_list(c->db, true, &e.all, &e.n);
		if (rc == ST_OK && e.n == 0 && !seeded) {
			seeded = true;
			seed_from_config(c);
			continue;
		}
		if (rc != ST_OK) {
			ui_status(oc_store_error(rc), true);
			return UI_REDRAW;
		}
		labels = xcalloc((size_t)e.n + 1, sizeof *labels);
		labels[0] = xstrdup(N_("Add a document"));
		for (i = 0; i < e.n; i++) {
			const struct doc_item *d = &e.all[i];

			labels[i + 1] = d->active
			    ? xasprintf("%s · %s · %s · %s", d->code, d->title_en, d->title_ar, d->path_en)
			    : xasprintf("%s · %s · %s · %s · %s", d->code, _("retired"), d->title_en,
			                d->title_ar, d->path_en);
		}
		i = oc_list_pick("officer-admin-docs", N_("Documents"), labels, e.n + 1,
		                 sel <= e.n ? sel : 0, &note, &r);
		r = r ? r : (i < 0 ? UI_BACK : 0);
		if (r == 0 && i == 0)
			r = add_doc(c, &e);
		else if (r == 0 && i > 0)
			r = doc_menu(c, &e, &e.all[i - 1]);
		for (int j = 0; j <= e.n; j++)
			free((char *)labels[j]);
		free(labels);
		doc_items_free(e.all, e.n);
		if (r == UI_BACK)
			return UI_REDRAW;
		if (r)
			return oc_unwind(r);
		sel = i;
	}
}
