/*
 * ui/ui_lang — the visitor's language at run time: gettext for the current
 * language, switched without restarting (F2).
 *
 * Invariants:
 *  1. The language is chosen with $LANGUAGE and the catalog cache is
 *     invalidated (++_nl_msg_cat_cntr), so the next gettext() looks again;
 *     LC_MESSAGES must not be plain "C" for that (ui_init sees to it).
 *  2. ui_tr("") and ui_tr(NULL) return their argument: gettext("") would
 *     return the catalog header.
 *  3. ui_tr of a string that is no msgid returns it unchanged, so callers
 *     may pass already translated text (titles, catalog names).
 *  4. ui_tr remembers its answers (a repaint asks for the same labels on
 *     every key, and one gettext costs more than drawing them): a memo
 *     slot holds the msgid's address, a copy of its text and the language,
 *     and answers only when all three match, so a freed and reused address
 *     or another language just misses. The answer is gettext's string in
 *     the loaded catalog (glibc keeps a catalog once loaded) or, when there
 *     is no translation, the caller's own msgid. ui_set_lang and
 *     ui_tr_forget empty the memo (overwriting the copies).
 */
#include "ui/ui_int.h"

#include <libintl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"

extern int _nl_msg_cat_cntr;

static ui_lang cur_lang = LANG_AR;
static bool    bound;

/* Invariant 4: the memo of ui_tr's answers. */
#define TR_MEMO 256                 /* slots, a power of two */
struct tr_slot {
	const char *msgid;          /* the caller's address */
	char *copy;                 /* its text when asked */
	const char *answer;         /* NULL: untranslated, answer msgid itself */
	ui_lang lang;
};
static struct tr_slot tr_memo[TR_MEMO];

/* Contract (ui_int.h): empty the memo, overwriting the copied texts. */
void
ui_tr_forget(void)
{
	for (int i = 0; i < TR_MEMO; i++) {
		if (tr_memo[i].copy != NULL) {
			explicit_bzero(tr_memo[i].copy, strlen(tr_memo[i].copy));
			free(tr_memo[i].copy);
		}
		tr_memo[i] = (struct tr_slot){ 0 };
	}
}

static void
bind_domain(void)
{
	if (bound)
		return;
	bound = true;
	bindtextdomain("khidma", khidma_localedir());
	bind_textdomain_codeset("khidma", "UTF-8");
	textdomain("khidma");
}

static void
apply_lang(ui_lang l)
{
	setenv("LANGUAGE", l == LANG_EN ? "en" : "ar", 1);
	++_nl_msg_cat_cntr;
}

/* Contract: make l the language of every later ui_tr; no redraw here (the
 * loop redraws after F2). */
void
ui_set_lang(ui_lang l)
{
	bind_domain();
	cur_lang = l == LANG_EN ? LANG_EN : LANG_AR;
	apply_lang(cur_lang);
	ui_tr_forget();
}

ui_lang
ui_get_lang(void)
{
	return cur_lang;
}

/* Contract: TEXT_RTL for Arabic, TEXT_LTR for English. */
text_dir
ui_dir(void)
{
	return cur_lang == LANG_AR ? TEXT_RTL : TEXT_LTR;
}

/* Contract: gettext in the current language; see invariants 2 to 4. */
const char *
ui_tr(const char *msgid)
{
	struct tr_slot *m;
	const char *s;

	if (msgid == NULL || msgid[0] == '\0')
		return msgid;
	m = &tr_memo[((uintptr_t)msgid >> 3 ^ (uintptr_t)msgid >> 11) & (TR_MEMO - 1)];
	if (m->msgid == msgid && m->lang == cur_lang && m->copy != NULL &&
	    strcmp(m->copy, msgid) == 0)
		return m->answer != NULL ? m->answer : msgid;
	bind_domain();
	s = gettext(msgid);
	if (m->copy != NULL) {
		explicit_bzero(m->copy, strlen(m->copy));
		free(m->copy);
	}
	m->msgid = msgid;
	m->copy = xstrdup(msgid);
	m->answer = s == msgid ? NULL : s;
	m->lang = cur_lang;
	return s;
}

/* Contract: see ui.h. */
const char *
ui_ntr(const char *msgid, const char *plural, unsigned long n)
{
	bind_domain();
	return ngettext(msgid, plural, n);
}

/* Contract: ar when the language is Arabic and ar is non-empty, else en. */
const char *
ui_pick(const char *en, const char *ar)
{
	if (cur_lang == LANG_AR && ar != NULL && ar[0] != '\0')
		return ar;
	return en ? en : "";
}

/* Contract (ui_int.h): msgid in language l, the current language kept.
 * The result is gettext's static string (valid while the catalog is). */
const char *
ui_tr_lang(ui_lang l, const char *msgid)
{
	const char *s;

	if (msgid == NULL || msgid[0] == '\0')
		return msgid;
	bind_domain();
	if (l == cur_lang)
		return gettext(msgid);
	apply_lang(l);
	s = gettext(msgid);
	apply_lang(cur_lang);
	return s;
}
