/*
 * cli/cli — the command table and the dispatcher; see cli.h.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

static const struct cli_cmd *const commands[] = {
	&cli_cmd_init,
	&cli_cmd_check,
	&cli_cmd_officer,
	&cli_cmd_members,
	&cli_cmd_export,
	&cli_cmd_backup,
	&cli_cmd_report,
	&cli_cmd_notify,
	&cli_cmd_forward,
	&cli_cmd_status,
	&cli_cmd_migrate,
	&cli_cmd_branch,
};

void
cli_print_usage(const struct cli_cmd *c, FILE *f)
{
	fprintf(f, "usage: khidma %s\n", c->usage);
	if (c->help && *c->help)
		fprintf(f, "\n%s\n", c->help);
}

int
cli_usage_error(const struct cli_cmd *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "khidma %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: khidma %s\n", c->usage);
	return 2;
}

int
cli_fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "khidma %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int open_failed(struct app *, const char *, bool, st_rc, const char *);

int
cli_open_db(struct app *a, const char *what, bool create)
{
	char err[512] = "";
	st_rc rc;

	if (a->db != NULL)
		return 0;
	if (a->db_path == NULL)
		return cli_fail(what, "no database path");
	rc = app_open_db(a, create, err, sizeof err);
	if (rc != ST_OK)
		return open_failed(a, what, create, rc, err);
	return 0;
}

/* The message of a failed open or check, as cli_open_db prints it: the
 * store's detail names the path and says what is wrong, so it is printed
 * as it is ("khidma report: /srv/k.db: directory /srv does not exist"). */
static int
open_failed(struct app *a, const char *what, bool create, st_rc rc,
            const char *err)
{
	size_t n = strlen(a->db_path);

	if (rc == ST_NOTFOUND && !create)
		return cli_fail(what, "%s: no such database (run `khidma "
		                "init` first)", a->db_path);
	if (strncmp(err, a->db_path, n) == 0 && err[n] == ':')
		return cli_fail(what, "%s", err);
	return cli_fail(what, "%s: %s%s%s", a->db_path, st_rc_name(rc),
	                *err ? ": " : "", err);
}

/* ---- temporary files removed on a signal (cli_tmp_*) -------------------- */

static const char *const tmp_sfx[4] = { "", "-journal", "-wal", "-shm" };
static char tmp_paths[4][PATH_MAX + 16];
static volatile sig_atomic_t tmp_armed;
static const int tmp_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
                                SIGXFSZ, SIGALRM, SIGUSR1, SIGUSR2, SIGBUS };

static void
tmp_unlink_all(void)
{
	for (int i = 0; i < 4; i++)
		unlink(tmp_paths[i]);          /* async-signal-safe */
}

static void
tmp_on_signal(int sig)
{
	int e = errno;

	if (tmp_armed)
		tmp_unlink_all();
	errno = e;
	signal(sig, SIG_DFL);
	raise(sig);                        /* delivered when we return */
}

static void
tmp_handlers(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on ? tmp_on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_LEN(tmp_sigs); i++)
		sigaddset(&sa.sa_mask, tmp_sigs[i]);   /* one handler at a time */
	for (size_t i = 0; i < ARRAY_LEN(tmp_sigs); i++)
		sigaction(tmp_sigs[i], &sa, NULL);
}

int
cli_tmp_create(char *template)
{
	sigset_t all, old;
	size_t n = strlen(template);
	int fd, e;

	if (n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	sigemptyset(&all);
	for (size_t i = 0; i < ARRAY_LEN(tmp_sigs); i++)
		sigaddset(&all, tmp_sigs[i]);
	/* no signal between the file's birth and the handler knowing it */
	sigprocmask(SIG_BLOCK, &all, &old);
	fd = mkostemp(template, O_CLOEXEC);
	e = errno;
	if (fd >= 0) {
		for (int i = 0; i < 4; i++) {
			memcpy(tmp_paths[i], template, n);
			strcpy(tmp_paths[i] + n, tmp_sfx[i]);
		}
		tmp_handlers(true);
		tmp_armed = 1;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return fd;
}

void
cli_tmp_release(bool remove)
{
	if (!tmp_armed)
		return;
	if (remove)
		tmp_unlink_all();
	tmp_armed = 0;
	tmp_handlers(false);
}

int
cli_open_failed(struct app *a, const char *what, st_rc rc, const char *err)
{
	return open_failed(a, what, false, rc, err);
}

const char *
cli_errno_text(int e)
{
	switch (e) {
	case ENOSPC: case EDQUOT:
		return "the disk is full (no space left on the device)";
	case EFBIG:
		return "the file would exceed the size limit (ulimit -f)";
	case EACCES: case EPERM:
		return "permission denied for this user";
	case EROFS:
		return "on a read-only file system";
	default:
		return strerror(e);
	}
}

const char *
cli_rc_text(st_rc rc)
{
	switch (rc) {
	case ST_FULL:
		return "the disk is full (no space left on the device)";
	case ST_READONLY:
		return "the database is read-only for this user";
	case ST_BUSY:
		return "the database stayed locked by another process; try again";
	case ST_OFFLINE:
		return "the database server cannot be reached (connection refused or lost)";
	default:
		return st_rc_name(rc);
	}
}

int
cli_store_fail(const char *what, const char *doing, st_rc rc, store *db)
{
	const char *detail = db ? store_errmsg(db) : "";

	/* SQLite's last message is stale once the transaction rolled back
	 * ("not an error") and only repeats a full disk: leave it out then. */
	if (rc == ST_FULL || rc == ST_BUSY || !detail || !*detail ||
	    strcmp(detail, "not an error") == 0)
		return cli_fail(what, "%s: %s", doing, cli_rc_text(rc));
	return cli_fail(what, "%s: %s (%s)", doing, cli_rc_text(rc), detail);
}

/* Open a->db_path with o unless a database is open already: 0, or 1 with the
 * message printed. */
static int
open_with(struct app *a, const char *what, const struct store_opts *o)
{
	char err[512] = "";
	struct store_opts mine = *o;
	st_rc rc;

	if (a->db != NULL)
		return 0;
	if (a->db_path == NULL)
		return cli_fail(what, "no database path");
	/* the machine's branch (issue 13; store.h) */
	mine.branch = config_branch(&a->cfg, NULL);
	rc = store_open(a->db_path, &mine, &a->db, err, sizeof err);
	if (rc != ST_OK)
		return open_failed(a, what, false, rc, err);
	return 0;
}

int
cli_open_db_read(struct app *a, const char *what)
{
	struct store_opts o = { .readonly = true, .no_open_check = true,
	                        .busy_ms = 10000 };

	return open_with(a, what, &o);   /* never a writing open: see cli.h */
}

int
cli_open_db_bg(struct app *a, const char *what)
{
	/* not app_open_db: it only adds creating and seeding, not wanted here */
	struct store_opts o = { .group = a->cfg.db_group, .busy_ms = 10000,
	                        .check_in_background = true,
	                        .check_normal_priority = true };

	return open_with(a, what, &o);
}

int
cli_check_db(struct app *a, const char *what)
{
	char err[512] = "";
	st_rc rc = store_check_wait(a->db, err, sizeof err);

	if (rc != ST_OK)
		return open_failed(a, what, false, rc, err);
	return 0;
}

bool
cli_parse_date(const char *s, time_t *out)
{
	return khidma_parse_date(s, out);
}

static void
print_commands(FILE *f)
{
	size_t i;

	fprintf(f, "usage: khidma [--db FILE] [--config FILE] COMMAND [ARGS]\n\n"
	        "commands:\n");
	for (i = 0; i < ARRAY_LEN(commands); i++)
		fprintf(f, "  khidma %s\n", commands[i]->usage);
	fprintf(f, "  khidma officer            (the officer console)\n"
	        "  khidma                    (the kiosk)\n\n"
	        "`khidma COMMAND --help` explains one command.\n");
}

static bool
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

/*
 * Run the command argv[0] with its arguments. Returns the process exit
 * status (0 ok, 1 failure, 2 usage).
 */
int
cli_main(struct app *a, int argc, char **argv)
{
	size_t i;

	if (argc < 1 || argv[0] == NULL) {
		print_commands(stderr);
		return 2;
	}
	if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0) {
		print_commands(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_LEN(commands); i++) {
		if (strcmp(argv[0], commands[i]->name) != 0)
			continue;
		if (wants_help(argc, argv) && commands[i] != &cli_cmd_officer) {
			cli_print_usage(commands[i], stdout);
			return 0;
		}
		return commands[i]->exec(a, argc, argv);
	}
	fprintf(stderr, "khidma: unknown command \"%s\"\n", argv[0]);
	print_commands(stderr);
	return 2;
}
