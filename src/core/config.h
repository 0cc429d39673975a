/*
 * core/config — the one configuration file, read with libconfig (the same
 * parser the screen definitions use).
 *
 * Invariants:
 *  1. Every setting has a default (config_defaults); a file only overrides.
 *  2. An unknown key or a bad value is an error reported as "file:line: …";
 *     nothing is half-applied: on error *cfg keeps its defaults. Bad values
 *     include a string over its size cap or holding a control character, a
 *     file over 256 KiB or a line over 4096 bytes (refused before parsing,
 *     which is slow on huge strings), and a broken cross-field rule
 *     (idle_warning < idle_timeout, study_days < sla_days, receipt_timeout
 *     < confirm_timeout).
 *  3. Lookup order for the file: --config FILE, else $KHIDMA_CONFIG, else
 *     ./khidma.conf in the source tree, else /etc/khidma/khidma.conf; a
 *     missing file at the last two places is not an error.
 *  4. khidma.conf.example documents every key below.
 */
#ifndef KHIDMA_CORE_CONFIG_H
#define KHIDMA_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_DOCS 8
#define CONFIG_MAX_KEYS 64      /* room in key_line[] for config.c's keys */

struct config_doc {
	char *title_en;         /* shown in the Information menu */
	char *title_ar;
	char *path_en;          /* UTF-8 text file; relative paths are taken */
	char *path_ar;          /*   from the data directory (docs/...) */
};

struct config {
	char *path;             /* the file read, or NULL when none */
	char *db;               /* database path, NULL = the built-in default */
	char *db_group;         /* group name sharing the database, or NULL */
	char *bidi;             /* "app" or "terminal" */
	char *language;         /* "ar" or "en": the kiosk's default */
	char *arabic_digits;    /* "eastern" (U+0660..U+0669, the default) or
	                         * "western": the digits Arabic screens show */
	char *screens_dir;      /* NULL = <datadir>/screens */
	char *receipt_command;  /* e.g. "lp -d kiosk"; NULL = screen only */
	int   receipt_timeout;  /* seconds before a receipt command is killed (10) */
	int   idle_timeout;     /* seconds without a key before the warning (90) */
	int   idle_warning;     /* countdown seconds after the warning (20) */
	int   confirm_timeout;  /* seconds the confirmation stays (60) */
	int   sla_days;         /* overdue after this many days (30) */
	int   report_min_n;     /* per-officer satisfaction shown from n (>= 30) */
	int   track_max_tries;  /* wrong tracking tries before slowing (5) */
	int   track_window;     /* seconds those tries count over (600) */
	char *kiosk_id;         /* this kiosk's name for the throttle; NULL =
	                         * "<hostname>:<terminal>" (kiosk/throttle.c) */
	int   lock_tries;       /* wrong passwords before a lock (5) */
	int   lock_minutes;     /* lock length (15) */
	int   study_days;       /* study period: no decision before received +
	                           this many days without an admin's exception (14) */
	int   committee_quorum; /* committee votes that decide a request (1) */
	int   officer_idle_timeout; /* console: seconds without a key before the
	                               log-out warning (900) */
	int   officer_idle_warning; /* console: countdown seconds (60) */
	bool  kiosk_officer_login;  /* F9 at the lobby kiosk opens the officer
	                               login (false) */
	/* notifications (issue 14; `khidma notify`, cli/cmd_notify.c) */
	char *sms_command;      /* gets the number as "$1", the text on stdin;
	                           NULL = SMS not configured (they wait) */
	char *smtp_url;         /* "smtp://host:587" (STARTTLS required) or
	                           "smtps://host:465"; NULL = e-mail waits */
	char *smtp_user;        /* AUTH user, NULL = no AUTH */
	char *smtp_password_file; /* AUTH password: the file's first line */
	char *smtp_from;        /* the sender address */
	char *smtp_cafile;      /* CA certificates to trust instead of the
	                           system's (a private CA) */
	char *notify_quiet;     /* "HH:MM-HH:MM": no SMS then ("21:00-08:00");
	                           "" = none */
	char *notify_tz;        /* the time zone of quiet hours and of the
	                           daily limit ("Asia/Riyadh") */
	int   notify_per_day;   /* messages per member per day, 0 = no limit (5) */
	int   notify_retry;     /* seconds before the first retry; doubles (60) */
	int   notify_max_tries; /* then the message is failed (8) */
	int   notify_interval;  /* --daemon: seconds between passes (15) */
	int   notify_timeout;   /* seconds a gateway may take (30) */
	/* the console's admin menu, "Backup now" (officer/admin_backup.c) */
	char *backup_dir;       /* an existing directory for backups; NULL =
	                           not configured (the menu says so) */
	/* issue 13: the kiosk's spool, a SQLite file for requests taken while
	 * the server cannot be reached; NULL = spool.db beside a database
	 * file, ./var/spool.db for a server URI (config_spool_path) */
	char *spool;
	/* issue 13: the branch this machine serves ("02"), NULL = the
	 * database's own (meta 'branch'); config_branch, store_opts.branch */
	char *branch;
	/* the console's Reports, key P (officer/reports.c): the text of
	 * `khidma report` written into report_dir (NULL = backup_dir), or piped
	 * to report_print_command ("lpr") when that is set */
	char *report_dir;
	char *report_print_command;
	int   ndocs;
	struct config_doc docs[CONFIG_MAX_DOCS];
	/* Where each key was set in the file (0 = the default), by the order
	 * of config.c's key table: for messages (config_line). */
	int   key_line[CONFIG_MAX_KEYS];
	int   docs_line;
};

/* Fill cfg with the defaults. */
void config_defaults(struct config *cfg);

/*
 * Find and read the configuration file. explicit_path is --config (or NULL).
 * Returns 0, or -1 with a "file:line: reason" message in err.
 */
int config_load(struct config *cfg, const char *explicit_path, char *err, size_t errsz);

/* The line of the file where key was set, 0 when it kept its default. */
int config_line(const struct config *cfg, const char *key);

/* What depends on this machine, for `khidma check`: db_group names a group,
 * receipt_command's program is found, the database's directory exists, the
 * docs can be read. Returns the number of problems, each "file:line: …" on
 * its own line of err (0: err is ""). */
int config_check(const struct config *cfg, char *err, size_t errsz);

/* Issue 13: the branch this machine serves — $KHIDMA_BRANCH when set and
 * not empty, else the configuration's `branch`, else NULL (the database's
 * own branch). *from (may be NULL) names where it came from, for messages.
 * Not checked: see config_branch_ok. */
const char *config_branch(const struct config *cfg, const char **from);
/* True when b is a branch code: exactly two ASCII digits ("02"). */
bool config_branch_ok(const char *b);

/* notify_quiet "HH:MM-HH:MM" as minutes after midnight (from may be later
 * than to: over midnight); "" or NULL = no quiet hours (both 0). False
 * when malformed. Either pointer may be NULL. */
bool config_quiet_parse(const char *s, int *from_min, int *to_min);

/* Free what config_defaults/config_load allocated. */
void config_free(struct config *cfg);

/* The database path by the documented order: --db, $KHIDMA_DB, the config
 * file, ./var/khidma.db in the source tree, $XDG_DATA_HOME/khidma/khidma.db.
 * Returns a malloc'd string. */
char *config_db_path(const struct config *cfg, const char *explicit_db);

/* The spool's path (issue 13): $KHIDMA_SPOOL, the config's spool, else
 * spool.db in the directory of db_path when it is a file, else
 * ./var/spool.db (db_path a postgresql:// or postgres:// URI). malloc'd. */
char *config_spool_path(const struct config *cfg, const char *db_path);

#endif
