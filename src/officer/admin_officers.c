/*
 * officer/admin_officers — the admin's officer accounts in the console:
 * the list (login, name, role, active or disabled, locked until), add
 * (login, name, role, a password typed twice or a generated one shown
 * once), and per account: another role, disable / enable, unlock, a new
 * password. The same rules as `khidma officer` (core/password.c: login
 * names, password strength, argon2id hashes), the same store calls.
 *
 * Invariants:
 *  1. Every change is logged to syslog as a security event naming the
 *     admin and the account ("admin X: officer Y disabled"), like the
 *     CLI's; the store refuses it when the admin's own account was
 *     disabled or re-roled meanwhile (ST_REVOKED: the console ends).
 *  2. The last active admin is never disabled nor given another role
 *     (store/officers.c invariant 4: ST_DENIED, said on the status line).
 *  3. A typed password lives only in the two secret fields' buffers and
 *     one stack copy, wiped on every path; a generated one is shown once,
 *     on a screen of its own, and wiped when that screen closes. Only the
 *     hash reaches the store.
 *  4. A refused value (bad login, existing login, weak or different
 *     passwords) keeps what was typed and says why.
 */
#include "officer/officer_int.h"
#include "officer/officer_attr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "core/password.h"
#include "core/util.h"
#include "text/text.h"

/* What the last change did, shown on the officers list's status line (a
 * new ui_run starts with the status line clear, so the list draws it). */
static struct oc_note note;

static void
note_set(const char *text, bool err)
{
	oc_note_set(&note, text, err);
}

/* ---- the new-password screen (two secret fields) ------------------------ */

struct pwscreen {
	const char     *login, *name;
	struct ui_field a, b;
	int             focus;
	char           *hash;            /* out: PASSWORD_HASH_MAX bytes */
};

static void
pw_draw(struct ui_screen *s)
{
	struct pwscreen *p = s->state;
	static const struct ui_key_hint hints[] = {
		{ "Enter", N_("save") }, { "Tab", N_("next field") }, { "Esc", N_("cancel") },
	};
	struct ui_rect r = ui_frame(_("New password"), hints, 3);
	int y = r.y + 1, w = r.w - 4 < 60 ? r.w - 4 : 60;
	int x = r.x + (r.w - w) / 2;
	char *line = xasprintf(_("New password for %s (at least 10 characters, not easy to guess):"),
	                       p->login);

	y += ui_para((struct ui_rect){ y, x, 3, w }, line, ui_dir(), AL_START, 0) + 1;
	free(line);
	p->a.label = _("Password");
	p->b.label = _("Again");
	p->a.label_w = p->b.label_w = text_width(p->a.label) > text_width(p->b.label)
	                              ? text_width(p->a.label) : text_width(p->b.label);
	ui_field_draw(&p->a, (struct ui_rect){ y, x, 1, w }, p->focus == 0);
	ui_field_draw(&p->b, (struct ui_rect){ y + 2, x, 1, w }, p->focus == 1);
}

/* Check both fields; hash into p->hash. true when done. */
static bool
pw_accept(struct pwscreen *p)
{
	char *a = text_edit_get(&p->a.edit), *b = text_edit_get(&p->b.edit);
	const char *why = NULL;
	bool ok = false;

	if (strcmp(a, b) != 0)
		why = N_("The two passwords differ: type them again.");
	else
		why = password_weak(a, p->login, p->name);
	if (why != NULL)
		ui_status(_(why), true);
	else if (password_hash(a, p->hash, PASSWORD_HASH_MAX) != 0)
		ui_status(_("The password could not be stored (out of memory); nothing was changed."), true);
	else
		ok = true;
	sodium_memzero(a, strlen(a));
	sodium_memzero(b, strlen(b));
	free(a);
	free(b);
	return ok;
}

static int
pw_key(struct ui_screen *s, struct ui_event ev)
{
	struct pwscreen *p = s->state;
	struct ui_field *f = p->focus == 0 ? &p->a : &p->b;

	switch (ev.a) {
	case ACT_BACK:
		return UI_BACK;
	case ACT_QUIT:
		return oc_quit();
	case ACT_TICK:
		return 0;
	case ACT_REDRAW:
		return UI_REDRAW;
	case ACT_NEXT: case ACT_PREV: case ACT_UP: case ACT_DOWN:
		p->focus = !p->focus;
		return UI_REDRAW;
	case ACT_ENTER:
		if (p->focus == 0) {
			p->focus = 1;
			return UI_REDRAW;
		}
		if (pw_accept(p)) {
			ui_status("", false);
			return UI_DONE;
		}
		text_edit_wipe(&p->a.edit);      /* asked again, both */
		text_edit_wipe(&p->b.edit);
		p->focus = 0;
		return UI_REDRAW;
	default:
		return ui_field_key(f, ev) | UI_REDRAW;
	}
}

static void
pw_wipe(struct ui_screen *s)
{
	struct pwscreen *p = s->state;

	text_edit_wipe(&p->a.edit);
	text_edit_wipe(&p->b.edit);
}

/* Ask a new password twice; hash it into hash (PASSWORD_HASH_MAX bytes).
 * Returns UI_DONE, UI_BACK (Esc) or an unwind code. */
static int
ask_password(const char *login, const char *name, char *hash)
{
	struct pwscreen p = { .login = login, .name = name, .hash = hash };
	struct ui_screen s = { .name = "officer-admin-password", .state = &p,
	                       .draw = pw_draw, .key = pw_key, .wipe = pw_wipe };
	int r;

	ui_field_init(&p.a, "", TEXT_LTR, 128, 1);
	ui_field_init(&p.b, "", TEXT_LTR, 128, 1);
	p.a.secret = p.b.secret = true;
	r = ui_run(&s);
	pw_wipe(&s);
	ui_field_free(&p.a);
	ui_field_free(&p.b);
	if (oc_unwind(r))
		return oc_unwind(r);
	return r & UI_DONE ? UI_DONE : UI_BACK;
}

/* Typed twice or generated and shown once (invariant 3): the hash in hash.
 * UI_DONE, UI_BACK or an unwind code. */
static int
new_password(const char *login, const char *name, char *hash)
{
	const char *items[2] = { _("Type a password (twice)"),
	                         _("Generate a password (shown once)") };
	char pw[32], *msg;
	int r = 0, i;

	i = oc_pick(N_("New password"), items, 2, 0, &r);
	if (r)
		return r;
	if (i < 0)
		return UI_BACK;
	if (i == 0)
		return ask_password(login, name, hash);
	if (password_generate(pw, sizeof pw, login, name) != 0 ||
	    password_hash(pw, hash, PASSWORD_HASH_MAX) != 0) {
		sodium_memzero(pw, sizeof pw);
		note_set(_("No password could be generated; nothing was changed."), true);
		return UI_BACK;
	}
	msg = xasprintf(_("The new password of %s is:\n\n    %s\n\nGive it to the officer now: it is not shown again. Press Enter when it is noted."),
	                login, pw);
	sodium_memzero(pw, sizeof pw);
	r = ui_message(_("New password"), msg, false) == ACT_IDLE ? UI_HOME : UI_DONE;
	sodium_memzero(msg, strlen(msg));
	free(msg);
	return r;
}

/* ---- writes ---------------------------------------------------------------- */

/* Say the outcome of an account write; log it when it was made. */
static void
said(struct console *c, st_rc rc, const char *login, const char *what_en,
     const char *done_msgid)
{
	char *m;

	if (rc == ST_OK) {
		log_security("admin %s: officer %s %s", c->me.login, login, what_en);
		m = xasprintf(_(done_msgid), login);
		note_set(m, false);
		free(m);
	} else if (rc == ST_DENIED) {
		note_set(_("Refused: this is the last active admin. Add or enable another admin first."), true);
	} else {
		log_error("admin %s: officer %s %s: %s", c->me.login, login, what_en,
		          st_rc_name(rc));
		note_set(oc_store_error(rc), true);
	}
}

struct login_check { struct console *c; };

/* oc_prompt_apply: a valid login that is not taken (invariant 4). */
static bool
login_ok(void *ctx, const char *text)
{
	struct login_check *l = ctx;
	struct officer o = { 0 };
	st_rc rc;

	if (!password_login_valid(text)) {
		ui_status(_("A login is 1 to 32 of a-z, 0-9, . _ - and starts with a letter."), true);
		return false;
	}
	rc = store_officer_get(l->c->db, text, &o);
	officer_free(&o);
	if (rc == ST_OK) {
		ui_status(_("An officer with this login exists already."), true);
		return false;
	}
	if (rc != ST_NOTFOUND) {
		ui_status(oc_store_error(rc), true);
		return false;
	}
	return true;
}

static bool
name_ok(void *ctx, const char *text)
{
	(void)ctx;
	if (text_char_count(text) > 100) {
		ui_status(_("The name is at most 100 characters."), true);
		return false;
	}
	return true;
}

static int
pick_role(officer_role cur, int *rc)
{
	const char *items[ROLE__COUNT];

	for (int i = 0; i < ROLE__COUNT; i++)
		items[i] = oc_role_label((officer_role)i);
	return oc_pick(N_("Role"), items, ROLE__COUNT, (int)cur, rc);
}

static int
add_officer(struct console *c)
{
	struct login_check lc = { c };
	struct officer o = { 0 };
	char *login = NULL, *name = NULL, what[48];
	int r = 0, i;
	st_rc rc;

	login = oc_prompt_apply(N_("Add an officer"),
	                        N_("Login (the officer's Unix login for SSH):"), NULL,
	                        false, true, 32, login_ok, &lc, &r);
	if (login == NULL)
		return r;
	name = oc_prompt_apply(N_("Add an officer"), N_("Full name:"), NULL, false,
	                       true, 100, name_ok, NULL, &r);
	if (name == NULL)
		goto out;
	i = pick_role(ROLE_OFFICER, &r);
	if (i < 0)
		goto out;
	r = new_password(login, name, o.pwhash);
	if (r != UI_DONE)
		goto out;
	r = 0;
	strlcpy_k(o.login, login, sizeof o.login);
	o.name = name;
	o.role = (officer_role)i;
	o.active = true;
	rc = store_officer_add(c->db, &o);
	snprintf(what, sizeof what, "added (%s)", officer_role_name(o.role));
	if (rc == ST_INVALID)
		note_set(_("An officer with this login exists already."), true);
	else
		said(c, rc, login, what, N_("Officer %s added."));
out:
	sodium_memzero(o.pwhash, sizeof o.pwhash);
	free(login);
	free(name);
	return oc_unwind(r);
}

/* The actions on one account; fixed letters as in the queue's menu. */
enum acct_act { AA_ROLE, AA_DISABLE, AA_ENABLE, AA_UNLOCK, AA_PASSWORD };

static int
account_menu(struct console *c, const struct officer *o)
{
	static const struct { enum acct_act a; const char *label; wchar_t key, ar; } acts[] = {
		{ AA_ROLE,     N_("Change the role"),     L'R', L'\u0642' },  /* ق */
		{ AA_DISABLE,  N_("Disable the account"), L'D', L'\u064a' },  /* ي */
		{ AA_ENABLE,   N_("Enable the account"),  L'E', L'\u062b' },  /* ث */
		{ AA_UNLOCK,   N_("Unlock"),              L'U', L'\u0639' },  /* ع */
		{ AA_PASSWORD, N_("Reset the password"),  L'P', L'\u062d' },  /* ح */
	};
	const char *shown[ARRAY_LEN(acts)];
	wchar_t keys[ARRAY_LEN(acts)], ar[ARRAY_LEN(acts)];
	enum acct_act what[ARRAY_LEN(acts)];
	char hash[PASSWORD_HASH_MAX], title[128];
	int r = 0, i, n = 0;
	st_rc rc;

	for (i = 0; i < (int)ARRAY_LEN(acts); i++) {
		if ((acts[i].a == AA_DISABLE && !o->active) ||
		    (acts[i].a == AA_ENABLE && o->active))
			continue;
		shown[n] = _(acts[i].label);
		keys[n] = acts[i].key;
		ar[n] = acts[i].ar;
		what[n++] = acts[i].a;
	}
	snprintf(title, sizeof title, "%s", o->login);
	i = oc_pick_keys(title, shown, keys, ar, n, 0, &r);
	if (r || i < 0)
		return r;
	switch (what[i]) {
	case AA_ROLE:
		i = pick_role(o->role, &r);
		if (r || i < 0)
			return r;
		rc = store_officer_set_role(c->db, o->login, (officer_role)i);
		snprintf(title, sizeof title, "role changed to %s",
		         officer_role_name((officer_role)i));
		said(c, rc, o->login, title, N_("The role of %s was changed."));
		break;
	case AA_DISABLE:
		rc = store_officer_set_active(c->db, o->login, false);
		said(c, rc, o->login, "disabled", N_("Officer %s disabled."));
		break;
	case AA_ENABLE:
		rc = store_officer_set_active(c->db, o->login, true);
		said(c, rc, o->login, "enabled", N_("Officer %s enabled."));
		break;
	case AA_UNLOCK:
		rc = store_officer_unlock(c->db, o->login);
		said(c, rc, o->login, "unlocked", N_("Officer %s unlocked."));
		break;
	case AA_PASSWORD:
		r = new_password(o->login, o->name, hash);
		if (r == UI_DONE) {
			r = 0;
			rc = store_officer_set_password(c->db, o->login, hash);
			said(c, rc, o->login, "password reset",
			     N_("The password of %s was changed."));
		}
		sodium_memzero(hash, sizeof hash);
		return oc_unwind(r);
	}
	return 0;
}

/* One row of the list: login · name · role · state. */
static char *
row_label(const struct officer *o, time_t now)
{
	char until[32];

	if (!o->active)
		return xasprintf("%s · %s · %s · %s", o->login, o->name ? o->name : "",
		                 oc_role_label(o->role), _("disabled"));
	if (o->locked_until > now) {
		khidma_datetime(o->locked_until, until, sizeof until);
		return xasprintf("%s · %s · %s · %s %s", o->login, o->name ? o->name : "",
		                 oc_role_label(o->role), _("locked until"), until);
	}
	return xasprintf("%s · %s · %s · %s", o->login, o->name ? o->name : "",
	                 oc_role_label(o->role), _("active"));
}

int
oc_admin_officers(struct console *c)
{
	int r = 0, sel = 0;

	for (;;) {
		struct officer *o = NULL;
		char **labels;
		int n = 0, i;
		time_t now = khidma_now();
		st_rc rc = store_officer_list(c->db, &o, &n);

		if (rc != ST_OK) {
			ui_status(oc_store_error(rc), true);
			return UI_REDRAW;
		}
		labels = xcalloc((size_t)n + 1, sizeof *labels);
		labels[0] = xstrdup(N_("Add an officer"));
		for (i = 0; i < n; i++)
			labels[i + 1] = row_label(&o[i], now);
		i = oc_list_pick("officer-admin-officers", N_("Officers"), (const char **)labels,
		                  n + 1, sel, &note, &r);
		for (int k = 0; k <= n; k++)
			free(labels[k]);
		free(labels);
		if (!r && i == 0)
			r = add_officer(c);
		else if (!r && i > 0)
			r = account_menu(c, &o[i - 1]);
		officers_free(o, n);
		if (r || i < 0)
			return oc_unwind(r);
		sel = i;
	}
}
