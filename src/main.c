/*
 * main — the one binary's entry: common options, configuration, screen
 * definitions, then one of three modes. The kiosk paints its welcome
 * before it loads screens/ and opens the database (kiosk.c, invariant 5).
 *
 *   khidma [--db PATH] [--config FILE] [--bidi app|terminal] [--lang ar|en]
 *                          the lobby kiosk (default)
 *   khidma officer         the officer console (over SSH)
 *   khidma officer add|passwd|disable|unlock|list …, init, check, members,
 *   export, backup, report  admin commands (src/cli)
 *
 * Common options are accepted before or after the subcommand. An unknown
 * option in kiosk mode prints the usage on stderr and exits 2; subcommands
 * see every argument that is not a common option and judge it themselves.
 * Nothing is printed once curses owns the screen.
 */
#include <langinfo.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/app.h"
#include "core/log.h"
#include "core/util.h"
#include "ui/ui.h"

static const char usage_text[] =
"usage: khidma [options]                  start the lobby kiosk\n"
"       khidma [options] officer          open the officer console\n"
"       khidma [options] COMMAND [args]   run an admin command\n"
"\n"
"commands:\n"
"  init [--branch NN]                     create or upgrade the database, seed the catalog\n"
"  branch add NN --ar NAME --en NAME | branch list\n"
"                                         the branches catalog (names)\n"
"  check [--audit]                        validate the configuration and screens/\n"
"                                         (--audit: every request's history)\n"
"  officer add LOGIN --name NAME --role ROLE\n"
"  officer passwd|disable|enable|unlock LOGIN\n"
"  officer list                           manage officer accounts\n"
"  members import FILE.csv                import the member register\n"
"  export requests|surveys|events --format csv|json [--since DATE] [--bom]\n"
"         [--output FILE]\n"
"  backup FILE                            consistent copy of the database\n"
"  report [--format text|csv|html] [--since DATE] [--until DATE]\n"
"                                         counts, processing times, satisfaction\n"
"\n"
"options (before or after the command):\n"
"  --db PATH          database file (else $KHIDMA_DB, the config, ./var/khidma.db)\n"
"                     (the branch served: $KHIDMA_BRANCH, else `branch` in the config)\n"
"  --config FILE      configuration file (else $KHIDMA_CONFIG, ./khidma.conf,\n"
"                     /etc/khidma/khidma.conf)\n"
"  --bidi app|terminal  who reorders Arabic: khidma (app) or the terminal\n"
"  --lang ar|en       the kiosk's start language\n"
"  --help, --version\n"
"\n"
"See khidma(1).\n";

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

/* An option's value from "--opt=value" or "--opt value"; advances *i. */
static const char *
opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	if (argv[*i][n] == '\0') {
		fprintf(stderr, "khidma: %s needs a value\n", name);
		exit(2);
	}
	return NULL;
}

/* The language of the user's locale: Arabic when the first of $LANGUAGE,
 * $LC_ALL, $LC_MESSAGES, $LANG that is set names it, else English. */
static ui_lang
locale_lang(void)
{
	static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && *v != '\0')
			return strncmp(v, "ar", 2) == 0 ? LANG_AR : LANG_EN;
	}
	return LANG_EN;
}

/* Issue 11: the kiosk and the console read keys from standard input and
 * draw on standard output. Without a terminal there (a service started
 * with the wrong stdin, `ssh -T`) curses reads end-of-file forever (100 %
 * CPU) and the escapes go out raw: refuse in one line instead. */
static bool
have_terminal(const char *lang)
{
	ui_lang l;

	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return true;
	l = lang != NULL ? (strcmp(lang, "en") == 0 ? LANG_EN : LANG_AR) : locale_lang();
	ui_set_lang(l);
	fprintf(stderr, "%s\n", ui_tr_lang(l, "khidma needs a terminal: run it with its input "
	        "and output on a terminal (over SSH: ssh -t)."));
	log_error("no terminal on standard %s: refused",
	          isatty(STDIN_FILENO) ? "output" : "input");
	return false;
}

/* Issue 13: the branch this machine serves ($KHIDMA_BRANCH, else the
 * configuration's `branch`) is two digits, or nothing starts: a wrong code
 * would put another branch's prefix on every reference. Both languages,
 * Arabic first (the kiosk's and the console's terminal; app_open_failed). */
static bool
branch_ok(const struct config *cfg)
{
	const char *from = NULL, *b = config_branch(cfg, &from);

	if (b == NULL || config_branch_ok(b))
		return true;
	/* before curses and before the catalog may be found: both lines
	 * written out, as app_open_failed does */
	fprintf(stderr, "khidma: %s: \"%.16s\": يجب أن يكون رمز الفرع رقمين بالضبط، "
	        "مثل 02\nkhidma: %s: \"%.16s\": the branch code must be exactly "
	        "two digits, for example 02\n", from, b, from, b);
	return false;
}

static void
ensure_utf8_locale(void)
{
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_ALL, "C.UTF-8");
}

int
main(int argc, char **argv)
{
	struct app a;
	char err[512];
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0, status;
	bool kiosk;
	const char *config_path = NULL, *bidi = NULL, *lang = NULL, *v;

	/* before anything can open a database; an optimisation only */
	app_sqlite_config();
	ensure_utf8_locale();
	memset(&a, 0, sizeof a);

	for (int i = 1; i < argc; i++) {
		if ((v = opt_value(argc, argv, &i, "--db")) != NULL)
			a.explicit_db = v;
		else if ((v = opt_value(argc, argv, &i, "--config")) != NULL)
			config_path = v;
		else if ((v = opt_value(argc, argv, &i, "--bidi")) != NULL)
			bidi = v;
		else if ((v = opt_value(argc, argv, &i, "--lang")) != NULL)
			lang = v;
		else if (nrest == 0 && strcmp(argv[i], "--version") == 0) {
			printf("khidma %s\n", KHIDMA_VERSION);
			free(rest);
			return 0;
		} else if (nrest == 0 && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)) {
			usage(stdout);
			free(rest);
			return 0;
		} else if (nrest == 0 && argv[i][0] == '-') {
			fprintf(stderr, "khidma: unknown option '%s'\n", argv[i]);
			usage(stderr);
			free(rest);
			return 2;
		} else
			rest[nrest++] = argv[i];
	}

	config_defaults(&a.cfg);
	if (config_load(&a.cfg, config_path, err, sizeof err) != 0) {
		fprintf(stderr, "khidma: %s\n", err);
		status = 1;
		goto out;
	}
	if (bidi == NULL && (bidi = getenv("KHIDMA_BIDI")) != NULL && *bidi == '\0')
		bidi = NULL;
	if (bidi == NULL)
		bidi = a.cfg.bidi;
	if (!text_parse_mode(bidi, &a.bidi)) {
		fprintf(stderr, "khidma: --bidi must be app or terminal\n");
		status = 2;
		goto out;
	}
	text_set_mode(a.bidi);
	if (lang != NULL && strcmp(lang, "ar") != 0 && strcmp(lang, "en") != 0) {
		fprintf(stderr, "khidma: --lang must be ar or en\n");
		status = 2;
		goto out;
	}
	a.lang_given = lang != NULL;
	a.lang = strcmp(lang ? lang : a.cfg.language, "en") == 0 ? 1 : 0;

	/* The kiosk loads screens/ itself after its first paint (kiosk_main);
	 * every other mode needs them before it starts. */
	kiosk = nrest == 0;
	if (!kiosk && app_load_screens(&a, err, sizeof err) != 0) {
		fprintf(stderr, "khidma: %s\n", err);
		status = 1;
		goto out;
	}
	a.db_path = config_db_path(&a.cfg, a.explicit_db);
	bindtextdomain("khidma", khidma_localedir());
	bind_textdomain_codeset("khidma", "UTF-8");
	textdomain("khidma");
	if (!branch_ok(&a.cfg)) {
		status = 2;
		goto out;
	}

	if (kiosk || (nrest == 1 && strcmp(rest[0], "officer") == 0)) {
		st_rc rc;

		log_open(kiosk ? "kiosk" : "officer");
		if (!have_terminal(lang)) {
			status = 1;
			goto out;
		}
		/* Both interactive modes show their first screen at once: the
		 * quick_check runs in the background and every write waits for it
		 * (store/db.c), so a corrupt file is still never written. An
		 * officer over SSH would otherwise wait ~2.6 s per 100k requests
		 * for the login screen; the CLI's batch commands check first.
		 * The kiosk opens the database itself, right after painting its
		 * welcome screen (kiosk_main), and prints the same message as
		 * below when it cannot. */
		a.check_in_background = true;
		if (!kiosk && (rc = app_open_db(&a, true, err, sizeof err)) != ST_OK) {
			/* Before curses: both languages. */
			app_open_failed(&a, rc, err);
			status = 1;
			goto out;
		}
		status = kiosk ? kiosk_main(&a) : officer_main(&a);
	} else {
		log_open("cli");
		status = cli_main(&a, nrest, rest);
	}
out:
	if (a.db)
		store_close(a.db);
	screens_free(&a.scr);
	config_free(&a.cfg);
	free(a.db_path);
	free(rest);
	return status;
}
