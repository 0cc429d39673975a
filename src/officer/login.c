/*
 * officer/login — the login screen of the officer console.
 *
 * Over SSH the account is the Unix login (getpwuid(geteuid()): sshd has
 * already authenticated that user), and only the account's own password is
 * asked. From the kiosk (F9) the Unix user is the kiosk's, so the login name
 * is typed as well.
 *
 * Invariants:
 *  1. Every failure, on every route, shows the same "Login failed." and
 *     costs the same time, whether the login is unknown, disabled, locked
 *     or the password wrong (a refused account is verified against a
 *     dummy hash): no account enumeration by message or timing. The lock
 *     is told to the administrator (syslog, `khidma officer list`), never
 *     to the person typing.
 *  2. Over SSH a wrong password counts (store_officer_login_result); at
 *     lock_tries the account locks for lock_minutes. At the kiosk (F9,
 *     only with kiosk_officer_login = true) a failure never counts against
 *     the account: the kiosk itself pauses officer logins for lock_minutes
 *     after lock_tries failures in a row (this process is one kiosk).
 *  3. An empty password is not a try: nothing is counted or logged.
 *  4. The typed password lives in the field's buffer and one malloc'd copy;
 *     both are overwritten right after the attempt, whatever its outcome.
 *  5. syslog gets each failure (LOG_AUTHPRIV) with the reason; a login name
 *     TYPED at the kiosk is logged only when it is an existing account (a
 *     password typed into the login field never reaches the log).
 *  6. KHIDMA_OFFICER_LOGIN replaces the Unix login ONLY when this very
 *     executable lives inside the source tree (a development or test build:
 *     khidma_in_source_tree() and /proc/self/exe under khidma_srcdir()).
 *     An installed binary ignores it, even with KHIDMA_SRCDIR set.
 */
#include "officer/officer_int.h"

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/password.h"
#include "core/log.h"
#include "core/util.h"
#include "text/text.h"

/* A crypto_pwhash_str of a random phrase at the interactive limits: verified
 * against for unknown/disabled accounts so they take as long as a real one. */
static const char dummy_hash[] =
	"$argon2id$v=19$m=65536,t=2,p=1$LwK53+j6Ge4FmLryPqqh5A$"
	"MpJjX1e5rA/brbMPu8zCqkIt2PQiWzqYO7qJzljIP8Y";

#define LOGIN_MAX 63

static bool
exe_in_source_tree(void)
{
	char exe[PATH_MAX], tree[PATH_MAX];
	const char *src = khidma_srcdir();
	ssize_t n;
	size_t len;

	if (!khidma_in_source_tree() || src == NULL)
		return false;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	if (realpath(src, tree) == NULL)
		return false;
	len = strlen(tree);
	return strncmp(exe, tree, len) == 0 && exe[len] == '/';
}

const char *
oc_unix_login(void)
{
	static char login[LOGIN_MAX + 1];
	const char *env = getenv("KHIDMA_OFFICER_LOGIN");
	struct passwd *pw;

	if (env != NULL && env[0] != '\0' && exe_in_source_tree()) {
		strlcpy_k(login, env, sizeof login);
		return login;
	}
	pw = getpwuid(geteuid());
	strlcpy_k(login, pw != NULL && pw->pw_name != NULL ? pw->pw_name : "", sizeof login);
	return login;
}

struct login_screen {
	struct app     *a;
	const char     *fixed_login;     /* NULL: typed */
	struct ui_field login, password;
	int             focus;           /* 0 login, 1 password */
	char            msg[256];
	bool            msg_error;
	struct officer *out;
};

static void
login_draw(struct ui_screen *s)
{
	struct login_screen *l = s->state;
	static const struct ui_key_hint hints[] = {
		{ "Enter", N_("log in") }, { "Tab", N_("next field") }, { "Esc", N_("leave") },
	};
	struct ui_rect r = ui_frame(_("Officer login"), hints, l->fixed_login ? 2 : 3);
	int y = r.y + 1, w = r.w - 4 < 60 ? r.w - 4 : 60;
	int x = r.x + (r.w - w) / 2;
	char line[160];

	y += ui_para((struct ui_rect){ y, x, 2, w },
	             _("Members' requests are personal data. Log in with your own account."),
	             ui_dir(), AL_START, 0) + 1;
	/* the same ▕ ▏ fields, label column and spacing as the kiosk's forms,
	 * in one frame */
	ui_field_group((struct ui_rect){ y, x - 2, 5, w + 4 });
	y++;
	l->login.label = _("Login name");
	l->password.label = _("Password");
	l->login.label_w = text_width(l->login.label) > text_width(l->password.label)
	                   ? text_width(l->login.label) : text_width(l->password.label);
	l->password.label_w = l->login.label_w;
	if (l->fixed_login != NULL) {
		snprintf(line, sizeof line, "%s: %s", _("Account"), l->fixed_login);
		ui_text(y, x, w, line, ui_dir(), AL_START, 0);
		y += 2;
	} else {
		ui_field_draw(&l->login, (struct ui_rect){ y, x, 1, w }, l->focus == 0);
		y += 2;
	}
	ui_field_draw(&l->password, (struct ui_rect){ y, x, 1, w }, l->focus == 1);
	ui_status(l->msg, l->msg_error);
}

static void
say(struct login_screen *l, bool error, const char *fmt, const char *arg)
{
	snprintf(l->msg, sizeof l->msg, fmt, arg ? arg : "");
	l->msg_error = error;
}

/* The kiosk route's throttle (invariant 2): this process is one kiosk. */
static struct { int fails; time_t until; } kiosk_gate;

/* Log a failure. The typed name goes to syslog only when it names an
 * existing account (a password typed into the login field must never reach
 * the log, invariant 5); the Unix login of the SSH route is not typed. */
static void
log_failure(const struct login_screen *l, const char *login, bool exists,
            const char *detail)
{
	if (exists || l->fixed_login != NULL)
		oc_log_security("officer login failed", login, detail);
	else
		log_security("officer login failed at the kiosk: no such account "
		             "(the name typed is not logged)");
}

/* One attempt; true when logged in (l->out filled). */
static bool
attempt(struct login_screen *l)
{
	struct config *cfg = &l->a->cfg;
	struct officer o = { 0 };
	char login[LOGIN_MAX + 1], until[32];
	char *typed = NULL, *pw;
	bool ok = false, exists, usable, kiosk = l->fixed_login == NULL;
	time_t now = khidma_now();
	int failed = 0;
	st_rc rc;

	if (!kiosk) {
		strlcpy_k(login, l->fixed_login, sizeof login);
	} else {
		char *raw = text_edit_get(&l->login.edit);
		typed = text_clean(raw, strlen(raw), false);
		free(raw);
		strlcpy_k(login, typed ? typed : "", sizeof login);
		free(typed);
	}
	pw = text_edit_get(&l->password.edit);
	text_edit_wipe(&l->password.edit);

	/* invariant 3: an empty password is not a try */
	if (pw[0] == '\0') {
		say(l, true, "%s", _("Type your password, then press Enter."));
		goto cleanup;
	}
	if (kiosk && kiosk_gate.until > now) {
		khidma_datetime(kiosk_gate.until, until, sizeof until);
		say(l, true, _("Too many failed logins at this kiosk. Try again after %s."), until);
		goto cleanup;
	}
	rc = login[0] ? store_officer_get(l->a->db, login, &o) : ST_NOTFOUND;
	if (rc != ST_OK && rc != ST_NOTFOUND) {
		say(l, true, "%s", oc_store_error(rc));
		goto cleanup;
	}
	exists = rc == ST_OK;
	usable = exists && o.active && o.locked_until <= now;
	/* invariant 1: the same words and the same cost whatever the reason */
	if (usable && password_verify(o.pwhash, pw)) {
		rc = store_officer_login_result(l->a->db, login, true, cfg->lock_tries,
		                                cfg->lock_minutes, &failed);
		if (rc != ST_OK) {
			say(l, true, "%s", oc_store_error(rc));
			goto cleanup;
		}
		oc_log_security("officer login", login, kiosk ? "ok (kiosk)" : "ok");
		if (kiosk)
			kiosk_gate.fails = 0;
		*l->out = o;
		memset(&o, 0, sizeof o);
		ok = true;
		goto cleanup;
	}
	if (!usable)
		(void)password_verify(dummy_hash, pw);   /* same cost, result unused */
	say(l, true, "%s", _("Login failed."));
	if (!exists) {
		log_failure(l, login, false, "no such account");
	} else if (!o.active) {
		log_failure(l, login, true, "account disabled");
	} else if (o.locked_until > now) {
		khidma_datetime(o.locked_until, until, sizeof until);
		char *d = xasprintf("account locked until %s", until);
		log_failure(l, login, true, d);
		free(d);
	} else if (kiosk) {
		/* invariant 2: the kiosk never counts against the account */
		log_failure(l, login, true, "wrong password (kiosk; not counted)");
	} else {
		rc = store_officer_login_result(l->a->db, login, false, cfg->lock_tries,
		                                cfg->lock_minutes, &failed);
		if (rc == ST_OK && failed >= cfg->lock_tries)
			oc_log_security("officer account locked", login,
			                "too many wrong passwords; khidma officer unlock");
		else
			log_failure(l, login, true, "wrong password");
	}
	if (kiosk && ++kiosk_gate.fails >= cfg->lock_tries) {
		kiosk_gate.fails = 0;
		kiosk_gate.until = now + (time_t)cfg->lock_minutes * 60;
		log_security("kiosk: officer logins paused for %d minutes at this "
		             "kiosk after %d failures", cfg->lock_minutes, cfg->lock_tries);
	}
cleanup:
	explicit_bzero(pw, strlen(pw));
	free(pw);
	explicit_bzero(o.pwhash, sizeof o.pwhash);
	officer_free(&o);
	return ok;
}

static int
login_key(struct ui_screen *s, struct ui_event ev)
{
	struct login_screen *l = s->state;
	struct ui_field *f = l->focus == 0 ? &l->login : &l->password;

	switch (ev.a) {
	case ACT_BACK:
	case ACT_QUIT:
		return UI_BACK;
	case ACT_TICK:
		return 0;
	case ACT_REDRAW:
		return UI_REDRAW;
	case ACT_NEXT:
	case ACT_PREV:
	case ACT_UP:
	case ACT_DOWN:
		if (l->fixed_login == NULL)
			l->focus = !l->focus;
		return UI_REDRAW;
	case ACT_ENTER:
		if (l->focus == 0) {
			l->focus = 1;
			return UI_REDRAW;
		}
		l->msg[0] = '\0';
		if (attempt(l))
			return UI_DONE;
		return UI_REDRAW;     /* the login name stays; the password is asked again */
	default:
		return ui_field_key(f, ev) | UI_REDRAW;
	}
}

static void
login_wipe(struct ui_screen *s)
{
	struct login_screen *l = s->state;

	text_edit_wipe(&l->password.edit);
	text_edit_wipe(&l->login.edit);
	l->msg[0] = '\0';
}

int
oc_login(struct app *a, const char *fixed_login, struct officer *out,
         const char *notice)
{
	struct login_screen l = { .a = a, .fixed_login = fixed_login, .out = out };
	struct ui_screen s = { .name = "officer-login", .state = &l,
	                       .draw = login_draw, .key = login_key, .wipe = login_wipe };
	int r;

	ui_field_init(&l.login, "", TEXT_LTR, LOGIN_MAX, 1);
	ui_field_init(&l.password, "", TEXT_LTR, 128, 1);
	l.password.secret = true;
	l.focus = fixed_login != NULL ? 1 : 0;
	if (notice != NULL)
		say(&l, true, "%s", notice);
	r = ui_run(&s);
	login_wipe(&s);
	ui_status("", false);
	ui_field_free(&l.login);
	ui_field_free(&l.password);
	if (r & UI_HANGUP)
		return UI_HANGUP;
	return r & UI_DONE ? UI_DONE : UI_BACK;
}
