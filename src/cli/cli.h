/*
 * cli — the admin commands (`khidma init`, `check`, `officer add|…`,
 * `members import`, `export`, `backup`, `report`), laid out like tmux's
 * cmd-*.c: one file per command, each exporting one `struct cli_cmd` entry
 * (name, usage, exec); cli.c holds the table and the dispatcher cli_main.
 *
 * Invariants:
 *  1. Messages are English (the CLI is an admin tool). Results go to stdout;
 *     errors to stderr as "khidma <cmd>: reason", with exit status 2 for a
 *     usage error and 1 for a failure; 0 only on success.
 *  2. `khidma CMD --help` (anywhere on the line) prints the usage to stdout
 *     and exits 0 without touching the database.
 *  3. Commands open the database themselves (cli_open_db*); only `init`
 *     creates it. Commands that only read open it read-only without the
 *     opening quick_check (cli_open_db_read); commands that write have the
 *     check pass before their first write (cli_open_db, or cli_open_db_bg +
 *     cli_check_db) — the policy is in store/db.c.
 *  4. Text from files or the database printed to a terminal passes through
 *     text_sanitize (no escape sequence from data reaches the terminal).
 */
#ifndef KHIDMA_CLI_H
#define KHIDMA_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "core/app.h"

struct cli_cmd {
	const char *name;      /* "init", "members", … */
	const char *usage;     /* the synopsis after "khidma " */
	const char *help;      /* one paragraph, printed under the usage */
	/* argv[0] is the command name; returns the exit status. */
	int (*exec)(struct app *a, int argc, char **argv);
};

/* cmd_*.c */
extern const struct cli_cmd cli_cmd_init;
extern const struct cli_cmd cli_cmd_check;
extern const struct cli_cmd cli_cmd_officer;
extern const struct cli_cmd cli_cmd_members;
extern const struct cli_cmd cli_cmd_export;
extern const struct cli_cmd cli_cmd_backup;
extern const struct cli_cmd cli_cmd_report;
extern const struct cli_cmd cli_cmd_notify;
extern const struct cli_cmd cli_cmd_forward;
extern const struct cli_cmd cli_cmd_status;
extern const struct cli_cmd cli_cmd_migrate;
extern const struct cli_cmd cli_cmd_branch;

/* cli.c: helpers shared by the commands. */

/* Print "usage: khidma <usage>" and the help paragraph to f. */
void cli_print_usage(const struct cli_cmd *c, FILE *f);
/* "khidma <cmd>: <message>" then the usage on stderr; returns 2. */
int  cli_usage_error(const struct cli_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "khidma <what>: <message>" on stderr; returns 1. */
int  cli_fail(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Open a->db_path (create when asked) unless a->db is already open.
 * Returns 0, or prints the reason and returns 1. */
int  cli_open_db(struct app *a, const char *what, bool create);
/* For commands that only read (report, export, officer list, backup):
 * open a->db_path read-only WITHOUT the quick_check (store_opts.readonly +
 * no_open_check; see store/db.c). Never creates, migrates or writes: an
 * empty, truncated or interrupted file, one with an older schema or one
 * whose -wal/-shm this user may not read is refused with the reason.
 * Returns 0, or prints the reason and returns 1. */
int  cli_open_db_read(struct app *a, const char *what);
/* For commands that write after some preparation of their own (members
 * import, officer add/passwd): open with the quick_check in the background
 * (at the normal priority: the user waits for it).
 * The caller calls cli_check_db before its first write. Returns 0 or 1. */
int  cli_open_db_bg(struct app *a, const char *what);
/* Wait for the opening check of a->db; 0 when it passed, else print the
 * message cli_open_db prints for a file the check refuses and return 1. */
int  cli_check_db(struct app *a, const char *what);
/* The message of a failed store_open, as cli_open_db prints it; returns 1. */
int  cli_open_failed(struct app *a, const char *what, st_rc rc, const char *err);
/* errno / st_rc as a phrase that says exactly what is wrong ("the disk is
 * full (no space left on the device)", "permission denied for this user"). */
const char *cli_errno_text(int e);
const char *cli_rc_text(st_rc rc);
/* "khidma <what>: <doing>: <cli_rc_text(rc)> (<SQLite's detail>)"; the
 * detail is left out when it says nothing ("not an error" after a
 * rollback, a full disk). Returns 1. */
int  cli_store_fail(const char *what, const char *doing, st_rc rc, store *db);
/* A temporary file that no catchable signal leaves behind: mkostemp(template,
 * O_CLOEXEC) (template ends in XXXXXX; mode 0600, O_EXCL: nothing planted
 * there is followed or reused) with the signals blocked, then, until
 * cli_tmp_release, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGXFSZ,
 * SIGALRM, SIGUSR1/2 and SIGBUS unlink it and its -journal, -wal and -shm
 * and the process dies of the signal as it would have. One at a time.
 * Returns the fd, or -1 (errno). */
int  cli_tmp_create(char *template);
/* Disarm (removing the file and its -journal/-wal/-shm first when asked). */
void cli_tmp_release(bool remove);
/* Parse a --since/--until date "YYYY-MM-DD"; until is made inclusive by
 * the caller (it adds a day). Returns false on a malformed date. */
bool cli_parse_date(const char *s, time_t *out);

#endif
