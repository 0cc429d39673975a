/*
 * cli/cmd_officer — `khidma officer add|passwd|disable|enable|unlock|list`: officer
 * accounts from the command line (plain `khidma officer` is the console and
 * never reaches here). A verb table in the style of the command table.
 *
 * Invariants:
 *  1. A login is what the Unix login from SSH is mapped to: 1..32 of
 *     [a-z0-9._-], starting with a letter or '_' (useradd's rules).
 *  2. Passwords never appear on the command line: they are read twice from
 *     the terminal without echo, or as two lines from a pipe
 *     (password_read_new), checked (password_weak) and stored only hashed.
 *  3. Accounts are disabled, never deleted: the audit trail names them.
 *     disable ends the account's open consoles too (their next write, or
 *     within 2 s, store_session_begin); enable lets it log in again.
 *  4. passwd changes the password only: it never enables a disabled
 *     account (it says so) nor unlocks a locked one.
 *  5. A refused password's reason is printed in the officer's language:
 *     --lang when given, else the locale (gettext).
 */
#include <getopt.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/password.h"
#include "core/log.h"
#include "core/util.h"
#include "text/text.h"

static int cmd_officer_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_officer = {
	"officer",
	"officer add LOGIN --name NAME --role officer|researcher|committee|admin\n"
	"       khidma officer passwd LOGIN\n"
	"       khidma officer disable LOGIN\n"
	"       khidma officer enable LOGIN\n"
	"       khidma officer unlock LOGIN\n"
	"       khidma officer list",
	"Manage officer accounts. LOGIN is the Unix login the officer uses over\n"
	"SSH. add and passwd ask for the password twice without echo, or read\n"
	"two lines from standard input when it is not a terminal. A password\n"
	"needs at least 10 characters of more than one kind, must not be the\n"
	"login or the name, and must not be easy to guess (zxcvbn: common\n"
	"words and passwords, names, keyboard patterns, sequences, dates).\n"
	"disable keeps the account (the audit trail names it) but refuses its\n"
	"logins and ends its open consoles; enable allows it again; passwd\n"
	"changes only the password. unlock clears a lock-out after wrong\n"
	"passwords (list shows it). `khidma officer` alone opens the console.",
	cmd_officer_exec,
};

struct verb {
	const char *name;
	int nargs;           /* positional arguments after the verb */
	int (*fn)(struct app *a, int argc, char **argv);
};

#ifndef N_
#define N_(s) (s)        /* a msgid for xgettext */
#endif

/* A msgid in the officer's language (invariant 5). */
static const char *
tr(const struct app *a, const char *msgid)
{
	if (a->lang_given)
		setenv("LANGUAGE", a->lang == 1 ? "en" : "ar", 1);
	return gettext(msgid);
}

/* Read, check and hash a new password into hash. Returns 0 or 1 (printed). */
static int
new_password(const struct app *a, const char *login, const char *name,
             char *hash, size_t hashsz)
{
	char pw[PASSWORD_MAX + 1], err[128];
	const char *why;
	int rc = 1;

	if (password_read_new("New password", pw, sizeof pw, err, sizeof err) != 0)
		return cli_fail("officer", "%s", err);
	if ((why = password_weak(pw, login, name)) != NULL)
		cli_fail("officer", "%s %s", tr(a, N_("password refused:")), tr(a, why));
	else if (password_hash(pw, hash, hashsz) != 0)
		cli_fail("officer", "cannot hash the password (out of memory? "
		         "argon2id needs 64 MiB)");
	else
		rc = 0;
	sodium_memzero(pw, sizeof pw);
	return rc;
}

static int
store_fail(struct app *a, const char *login, st_rc rc)
{
	if (rc == ST_NOTFOUND)
		return cli_fail("officer", "no officer \"%s\"", login);
	return cli_store_fail("officer", login, rc, a->db);
}

static int
verb_add(struct app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct officer o, old;
	const char *name = NULL, *role = NULL, *login;
	char *clean = NULL;
	st_rc rc;
	int c, ret = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:r:", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		default:
			return cli_usage_error(&cli_cmd_officer, "bad option %s",
			                       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(&cli_cmd_officer, "add needs one LOGIN");
	login = argv[optind];
	memset(&o, 0, sizeof o);
	if (strcmp(login, PASSWORD_LOGIN_RESERVED) == 0)
		return cli_usage_error(&cli_cmd_officer, "\"%s\" is reserved: the audit "
		                       "trail names the lobby kiosk so", login);
	if (!password_login_valid(login))
		return cli_usage_error(&cli_cmd_officer, "\"%s\" is not a valid "
		                       "login (a-z, 0-9, . _ -)", login);
	if (name == NULL || role == NULL)
		return cli_usage_error(&cli_cmd_officer, "add needs --name and --role");
	if (!officer_role_parse(role, &o.role))
		return cli_usage_error(&cli_cmd_officer, "unknown role \"%s\"", role);
	clean = text_clean(name, strlen(name), false);
	if (clean == NULL || *clean == '\0' || text_char_count(clean) > 100) {
		free(clean);
		return cli_usage_error(&cli_cmd_officer,
		                       "the name must be 1 to 100 characters of UTF-8");
	}
	/* the check runs while the password is asked and hashed */
	if (cli_open_db_bg(a, "officer") != 0)
		goto out;
	memset(&old, 0, sizeof old);
	if (store_officer_get(a->db, login, &old) == ST_OK) {
		officer_free(&old);
		cli_fail("officer", "an officer \"%s\" exists already", login);
		goto out;
	}
	if (new_password(a, login, clean, o.pwhash, sizeof o.pwhash) != 0)
		goto out;
	strlcpy_k(o.login, login, sizeof o.login);
	o.name = clean;
	o.active = true;
	if (cli_check_db(a, "officer") != 0)
		goto out;
	if ((rc = store_officer_add(a->db, &o)) != ST_OK) {
		store_fail(a, login, rc);
		goto out;
	}
	printf("officer %s added (%s)\n", login, officer_role_name(o.role));
	ret = 0;
out:
	sodium_memzero(o.pwhash, sizeof o.pwhash);
	free(clean);
	return ret;
}

static int
verb_passwd(struct app *a, int argc, char **argv)
{
	struct officer o;
	char hash[PASSWORD_HASH_MAX];
	st_rc rc;
	int ret;

	(void)argc;
	/* the check runs while the password is asked and hashed */
	if (cli_open_db_bg(a, "officer") != 0)
		return 1;
	memset(&o, 0, sizeof o);
	if ((rc = store_officer_get(a->db, argv[1], &o)) != ST_OK)
		return cli_check_db(a, "officer") ? 1 : store_fail(a, argv[1], rc);
	ret = new_password(a, o.login, o.name, hash, sizeof hash);
	if (ret != 0) {
		officer_free(&o);
		return ret;
	}
	if (cli_check_db(a, "officer") != 0) {
		officer_free(&o);
		return 1;
	}
	/* invariant 4: the password only; active and the lock stay */
	if ((rc = store_officer_set_password(a->db, argv[1], hash)) != ST_OK) {
		officer_free(&o);
		return store_fail(a, argv[1], rc);
	}
	printf("password of %s changed\n", argv[1]);
	if (!o.active)
		printf("note: officer %s is still disabled; `khidma officer enable "
		       "%s` lets them log in\n", argv[1], argv[1]);
	else if (o.locked_until > khidma_now())
		printf("note: officer %s is still locked out; `khidma officer "
		       "unlock %s` clears it\n", argv[1], argv[1]);
	officer_free(&o);
	return 0;
}

/* disable / enable (invariant 3). */
static int
set_active(struct app *a, const char *login, bool active)
{
	st_rc rc;

	if (cli_open_db(a, "officer", false) != 0)
		return 1;
	rc = store_officer_set_active(a->db, login, active);
	if (rc == ST_DENIED)      /* store/officers.c invariant 4 */
		return cli_fail("officer", "%s is the last active admin: add or "
		                "enable another admin first", login);
	if (rc != ST_OK)
		return store_fail(a, login, rc);
	log_security("officer %s %s", login, active ? "enabled" : "disabled");
	printf("officer %s %s\n", login, active ? "enabled" : "disabled");
	return 0;
}

static int
verb_disable(struct app *a, int argc, char **argv)
{
	(void)argc;
	return set_active(a, argv[1], false);
}

static int
verb_enable(struct app *a, int argc, char **argv)
{
	(void)argc;
	return set_active(a, argv[1], true);
}

static int
verb_unlock(struct app *a, int argc, char **argv)
{
	st_rc rc;

	(void)argc;
	if (cli_open_db(a, "officer", false) != 0)
		return 1;
	if ((rc = store_officer_unlock(a->db, argv[1])) != ST_OK)
		return store_fail(a, argv[1], rc);
	printf("officer %s unlocked\n", argv[1]);
	return 0;
}

/* Print s (sanitised) padded with spaces to `width` display columns. */
static void
print_cell(const char *s, int width)
{
	char *safe = text_sanitize(s, strlen(s));
	int w = text_width(safe);

	fputs(safe, stdout);
	for (; w < width; w++)
		putchar(' ');
	free(safe);
}

static int
verb_list(struct app *a, int argc, char **argv)
{
	struct officer *o = NULL;
	char until[32];
	time_t now = khidma_now();
	int i, n = 0, wl = 5, wn = 4, w;
	st_rc rc;

	(void)argc;
	(void)argv;
	if (cli_open_db_read(a, "officer") != 0)
		return 1;
	if ((rc = store_officer_list(a->db, &o, &n)) != ST_OK)
		return cli_store_fail("officer", "list", rc, a->db);
	for (i = 0; i < n; i++) {
		if ((w = (int)strlen(o[i].login)) > wl)
			wl = w;
		if ((w = text_width(o[i].name ? o[i].name : "")) > wn)
			wn = w;
	}
	print_cell("LOGIN", wl + 2);
	print_cell("NAME", wn + 2);
	printf("%-12s%-8s%s\n", "ROLE", "ACTIVE", "LOCKED-UNTIL");
	for (i = 0; i < n; i++) {
		if (o[i].locked_until > now)
			khidma_datetime(o[i].locked_until, until, sizeof until);
		else
			strlcpy_k(until, "-", sizeof until);
		print_cell(o[i].login, wl + 2);
		print_cell(o[i].name ? o[i].name : "", wn + 2);
		printf("%-12s%-8s%s\n", officer_role_name(o[i].role),
		       o[i].active ? "yes" : "no", until);
	}
	officers_free(o, n);
	return 0;
}

static const struct verb verbs[] = {
	{ "add",     -1, verb_add },
	{ "passwd",   1, verb_passwd },
	{ "disable",  1, verb_disable },
	{ "enable",   1, verb_enable },
	{ "unlock",   1, verb_unlock },
	{ "list",     0, verb_list },
};

static int
cmd_officer_exec(struct app *a, int argc, char **argv)
{
	size_t i;
	int k;

	for (k = 1; k < argc; k++)
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			cli_print_usage(&cli_cmd_officer, stdout);
			return 0;
		}
	if (argc < 2)
		return cli_usage_error(&cli_cmd_officer, "missing verb");
	for (i = 0; i < ARRAY_LEN(verbs); i++) {
		if (strcmp(argv[1], verbs[i].name) != 0)
			continue;
		if (verbs[i].nargs >= 0 && argc - 2 != verbs[i].nargs)
			return cli_usage_error(&cli_cmd_officer, "%s takes %s",
			                       verbs[i].name, verbs[i].nargs ?
			                       "one LOGIN" : "no argument");
		return verbs[i].fn(a, argc - 1, argv + 1);
	}
	return cli_usage_error(&cli_cmd_officer, "unknown verb \"%s\"", argv[1]);
}
