/*
 * core/app — what every entry point shares: the configuration, the loaded
 * screen definitions and the open database. main.c fills it from the
 * command line (--db, --config, --bidi, --lang, before or after the
 * subcommand) and hands it to the kiosk, the officer console or a CLI
 * command. Nothing here owns the terminal.
 */
#ifndef KHIDMA_CORE_APP_H
#define KHIDMA_CORE_APP_H

#include <stdbool.h>
#include "core/config.h"
#include "core/screens.h"
#include "store/store.h"
#include "text/text.h"

struct app {
	struct config  cfg;
	struct screens scr;
	store         *db;          /* opened by main for the officer console, by
	                               kiosk_main after its first paint; CLI
	                               commands open it via app_open_db */
	char          *db_path;     /* resolved path (config_db_path) */
	const char    *explicit_db; /* --db, or NULL */
	bidi_mode      bidi;
	int            lang;        /* ui_lang: 0 = ar, 1 = en; the start language */
	bool           lang_given;  /* --lang was on the command line */
	bool           check_in_background; /* app_open_db: the UI modes' quick_check
	                               runs beside the first screen (store_opts) */
	bool           db_offline_ok; /* app_open_db: a PostgreSQL server that
	                               cannot be reached opens anyway (store_opts
	                               offline_ok; the kiosk, issue 13) */
};

/* Open a->db_path into a->db (creating and seeding it when create is true).
 * On failure prints nothing; returns the code and an English detail in err. */
st_rc app_open_db(struct app *a, bool create, char *err, size_t errsz);

/* Load the screen definitions into a->scr from cfg.screens_dir, else
 * <datadir>/screens. Returns 0, or -1 with the English reason in err. */
int app_load_screens(struct app *a, char *err, size_t errsz);

/* The bilingual "cannot open the database" message on stderr (Arabic line,
 * then English with the detail) and the log line, for a UI mode whose
 * database open failed; printed with curses ended, so the visitor or
 * officer reads it on the terminal. */
void app_open_failed(const struct app *a, st_rc rc, const char *err);

/* Process-wide SQLite settings for the khidma binary; call before anything
 * opens a database (sqlite3_config must precede sqlite3_initialize). No
 * initial bulk page-cache allocation per connection and no allocation
 * statistics: see app.c. Returns false if SQLite was already initialised
 * (then nothing changed; every setting is an optimisation only). */
bool app_sqlite_config(void);

/* Seed/upgrade the catalog from a->scr into the open database (idempotent). */
st_rc app_seed_catalog(struct app *a);

/* Entry points of the three modes. Each returns a process exit status. */
int kiosk_main(struct app *a);
int officer_main(struct app *a);                 /* `khidma officer` (console) */
int cli_main(struct app *a, int argc, char **argv); /* init, members, export, … */

#endif
