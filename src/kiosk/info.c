/*
 * kiosk/info — "Information and guides": a menu of the documents (bylaws,
 * member-support policy guide, FAQ…), each opened in the pager in the
 * visitor's language; line and page scrolling with the position shown (the
 * pager's job). The documents are the database's active ones (the admin's
 * catalog, store/docs.c) once any is stored, else the configuration's
 * docs[] — read each time the menu opens, so a change shows from the next
 * visitor on.
 *
 * Invariants:
 *  1. Documents are read-only text files; relative paths are taken from
 *     the data directory. A missing or unreadable file is a message, never
 *     a crash; invalid UTF-8 is shown sanitised.
 *  2. F2 in the pager reopens the document in the other language.
 */
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"

#define DOC_MAX_BYTES (1024 * 1024)

/* One document of the menu, from the database or the configuration. */
struct idoc { const char *title_en, *title_ar, *path_en, *path_ar; };

struct info {
	struct kiosk  *k;
	struct idoc    docs[CONFIG_MAX_DOCS];
	int            ndocs;
	struct doc_item *stored; int nstored;   /* the database's, or none */
	struct ui_menu menu;
	const char    *items[CONFIG_MAX_DOCS];
	int            doc;            /* open document, -1 = the menu */
	ui_lang        doc_lang;
	struct ui_pager pager;
	enum kstep     next;
};

static const struct ui_key_hint menu_hints[] = {
	{ "1-9", N_("open") }, { "Esc /", N_("back") }, { "F2", N_("language") },
};
/* the keypad's keys beside the full keyboard's (ui_pager_key) */
static const struct ui_key_hint pager_hints[] = {
	{ "↑↓ 8 2", N_("line") }, { "+ -", N_("page") }, { "Esc /", N_("back") },
	{ "F2", N_("language") },
};

/* Read a whole document into a malloc'd string, or NULL. */
static char *
read_doc(const char *path)
{
	char *full, *buf = NULL;
	FILE *fp;
	size_t n;

	if (path == NULL || *path == '\0')
		return NULL;
	full = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", khidma_datadir(), path);
	fp = fopen(full, "r");
	if (fp == NULL) {
		log_error("kiosk: cannot open document %s", full);
		free(full);
		return NULL;
	}
	buf = xmalloc(DOC_MAX_BYTES + 1);
	n = fread(buf, 1, DOC_MAX_BYTES, fp);
	buf[n] = '\0';
	fclose(fp);
	free(full);
	if (!text_valid_utf8(buf, n)) {
		char *safe = text_sanitize(buf, n);
		free(buf);
		return safe;
	}
	return buf;
}

static bool
open_doc(struct info *v, int i)
{
	const struct idoc *d = &v->docs[i];
	bool ar = ui_get_lang() == LANG_AR;
	char *text = read_doc(ar ? d->path_ar : d->path_en);

	if (text == NULL)
		text = read_doc(ar ? d->path_en : d->path_ar);
	if (text == NULL) {
		ui_status(_("This document is not available at the moment."), true);
		return false;
	}
	if (v->doc >= 0)
		ui_pager_free(&v->pager);
	ui_pager_init(&v->pager, text, text_guess_dir(text));
	v->doc = i;
	v->doc_lang = ui_get_lang();
	return true;
}

static void
info_draw(struct ui_screen *s)
{
	struct info *v = s->state;
	struct ui_rect b;

	if (v->doc >= 0) {
		const struct idoc *d = &v->docs[v->doc];

		if (v->doc_lang != ui_get_lang())
			open_doc(v, v->doc);
		b = ui_frame(ui_pick(d->title_en, d->title_ar), pager_hints, 4);
		ui_pager_draw(&v->pager, b);
		return;
	}
	for (int i = 0; i < v->ndocs; i++)
		v->items[i] = ui_pick(v->docs[i].title_en, v->docs[i].title_ar);
	b = ui_frame(_("Information and guides"), menu_hints, 3);
	ui_text(b.y, b.x + 1, b.w - 2, _("Choose a document to read."), ui_dir(),
	        AL_START, 0);
	ui_menu_draw(&v->menu, (struct ui_rect){ b.y + 2, b.x + 3, b.h - 2, b.w - 6 });
}

static int
info_key(struct ui_screen *s, struct ui_event ev)
{
	struct info *v = s->state;
	int c;

	if (ev.a == ACT_TICK)
		return 0;
	if (v->doc >= 0) {
		if (ui_pager_key(&v->pager, ev) == -2) {
			ui_pager_free(&v->pager);
			v->doc = -1;
		}
		return UI_HANDLED | UI_REDRAW;
	}
	c = ui_menu_key(&v->menu, ev);
	if (c == -2) {
		v->next = K_HOME;
		return UI_BACK;
	}
	if (c >= 0)
		open_doc(v, c);
	return UI_HANDLED | UI_REDRAW;
}

/* The menu's documents: the database's active ones when any document is
 * stored (retired ones too count: an admin who retired all shows none),
 * else the configuration's. A database that cannot be read: the
 * configuration's. A server that cannot be reached: the copy in the spool
 * (issue 13, offline.c). */
static void
load_docs(struct info *v)
{
	const struct config *cfg = &v->k->a->cfg;

	v->ndocs = 0;
	store *db = v->k->a->db;
	st_rc rc = db ? store_doc_list(db, true, &v->stored, &v->nstored) : ST_IO;

	/* the spool's copy while the server cannot be reached */
	if (rc == ST_OFFLINE && (db = kiosk_read_db(v->k)) != v->k->a->db)
		rc = store_doc_list(db, true, &v->stored, &v->nstored);
	if (rc == ST_OK && v->nstored > 0) {
		for (int i = 0; i < v->nstored && v->ndocs < CONFIG_MAX_DOCS; i++)
			if (v->stored[i].active)
				v->docs[v->ndocs++] = (struct idoc){
					v->stored[i].title_en, v->stored[i].title_ar,
					v->stored[i].path_en, v->stored[i].path_ar };
		return;
	}
	for (int i = 0; i < cfg->ndocs; i++)
		v->docs[v->ndocs++] = (struct idoc){ cfg->docs[i].title_en, cfg->docs[i].title_ar,
		                                     cfg->docs[i].path_en, cfg->docs[i].path_ar };
}

/* The documents menu and the pager; K_HOME on Back. */
enum kstep
kiosk_info(struct kiosk *k)
{
	struct info v;
	struct ui_screen s = {
		.name = "info",
		.help = N_("Choose a guide by its number. In a guide, 8 and 2 (or the "
		           "arrows) move a line, + and - a page, and Esc or / goes back."),
		.state = &v, .draw = info_draw, .key = info_key,
	};
	int r;

	memset(&v, 0, sizeof v);
	v.k = k;
	v.doc = -1;
	v.next = K_HOME;
	load_docs(&v);
	v.menu = (struct ui_menu){ .items = v.items, .nitems = v.ndocs, .numbered = true };
	r = ui_run(&s);
	if (v.doc >= 0)
		ui_pager_free(&v.pager);
	doc_items_free(v.stored, v.nstored);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return v.next;
}
