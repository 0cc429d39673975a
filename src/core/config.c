/*
 * core/config — see config.h. libconfig reads the file; a table of known
 * keys (name, type, where it goes, bounds) and one of string caps do the rest, so
 * an unknown key or a bad value is one generic "file:line: …" message and
 * khidma.conf.example can be checked against the same table.
 *
 * Sizes: before libconfig sees the file, it is scanned once: more than
 * CONFIG_MAX_FILE bytes, or a line longer than CONFIG_MAX_LINE, is an error
 * at that line (libconfig builds a string by appending to it piece by
 * piece: a 10 MB string took 20 s to 2 min to parse, 1 MB 0.8 s). Each
 * string then has its own cap (str_caps[], default 1024 bytes) and may
 * hold no control character.
 *
 * Cross-field rules (less_than[] below, checked at every load, so the kiosk
 * refuses what `khidma check` refuses): a key that must be smaller than
 * another, with the reason. What depends on the system rather than the
 * file (db_group names a group, receipt_command's program exists, the
 * database's directory and the docs exist) is config_check's, run by
 * `khidma check`.
 */
#include "core/config.h"

#include <errno.h>
#include <grp.h>
#include <libconfig.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define CONFIG_MAX_FILE  (256 * 1024)  /* bytes in the whole file */
#define CONFIG_MAX_LINE  4096          /* bytes in one line */
#define CONFIG_STR_MAX   1024          /* a string, unless str_caps[] */
#define CONFIG_PATH_MAX  4096

enum kind { K_STR, K_INT, K_BOOL };

struct key {
	const char *name;
	enum kind   kind;
	size_t      off;          /* offset in struct config */
	int         min, max;     /* K_INT bounds */
	const char *const *choices; /* K_STR: allowed values, or NULL */
};

static const char *const bidi_choices[] = { "app", "terminal", NULL };
static const char *const lang_choices[] = { "ar", "en", NULL };
static const char *const digit_choices[] = { "eastern", "western", NULL };

#define OFF(f) offsetof(struct config, f)
static const struct key keys[] = {
	{ "db",              K_STR, OFF(db),              0, 0, NULL },
	{ "db_group",        K_STR, OFF(db_group),        0, 0, NULL },
	{ "bidi",            K_STR, OFF(bidi),            0, 0, bidi_choices },
	{ "language",        K_STR, OFF(language),        0, 0, lang_choices },
	{ "arabic_digits",   K_STR, OFF(arabic_digits),   0, 0, digit_choices },
	{ "screens_dir",     K_STR, OFF(screens_dir),     0, 0, NULL },
	{ "receipt_command", K_STR, OFF(receipt_command), 0, 0, NULL },
	{ "receipt_timeout", K_INT, OFF(receipt_timeout), 1, 600, NULL },
	{ "idle_timeout",    K_INT, OFF(idle_timeout),    2, 3600, NULL },
	{ "idle_warning",    K_INT, OFF(idle_warning),    1, 300, NULL },
	{ "confirm_timeout", K_INT, OFF(confirm_timeout), 2, 3600, NULL },
	{ "sla_days",        K_INT, OFF(sla_days),        1, 365, NULL },
	{ "report_min_n",    K_INT, OFF(report_min_n),    30, 100000, NULL },
	{ "track_max_tries", K_INT, OFF(track_max_tries), 1, 100, NULL },
	{ "track_window",    K_INT, OFF(track_window),    60, 86400, NULL },
	{ "kiosk_id",        K_STR, OFF(kiosk_id),        0, 0, NULL },
	{ "lock_tries",      K_INT, OFF(lock_tries),      1, 20, NULL },
	{ "lock_minutes",    K_INT, OFF(lock_minutes),    1, 1440, NULL },
	{ "study_days",      K_INT, OFF(study_days),      1, 365, NULL },
	{ "committee_quorum", K_INT, OFF(committee_quorum), 1, 15, NULL },
	{ "officer_idle_timeout", K_INT, OFF(officer_idle_timeout), 2, 86400, NULL },
	{ "officer_idle_warning", K_INT, OFF(officer_idle_warning), 1, 600, NULL },
	{ "kiosk_officer_login",  K_BOOL, OFF(kiosk_officer_login), 0, 1, NULL },
	/* notifications (issue 14; cli/cmd_notify.c) */
	{ "sms_command",        K_STR, OFF(sms_command),        0, 0, NULL },
	{ "smtp_url",           K_STR, OFF(smtp_url),           0, 0, NULL },
	{ "smtp_user",          K_STR, OFF(smtp_user),          0, 0, NULL },
	{ "smtp_password_file", K_STR, OFF(smtp_password_file), 0, 0, NULL },
	{ "smtp_from",          K_STR, OFF(smtp_from),          0, 0, NULL },
	{ "smtp_cafile",        K_STR, OFF(smtp_cafile),        0, 0, NULL },
	{ "notify_quiet",       K_STR, OFF(notify_quiet),       0, 0, NULL },
	{ "notify_tz",          K_STR, OFF(notify_tz),          0, 0, NULL },
	{ "notify_per_day",     K_INT, OFF(notify_per_day),     0, 100, NULL },
	{ "notify_retry",       K_INT, OFF(notify_retry),       1, 86400, NULL },
	{ "notify_max_tries",   K_INT, OFF(notify_max_tries),   1, 50, NULL },
	{ "notify_interval",    K_INT, OFF(notify_interval),    1, 3600, NULL },
	{ "notify_timeout",     K_INT, OFF(notify_timeout),     1, 600, NULL },
	/* the console's "Backup now" (officer/admin_backup.c) */
	{ "backup_dir",         K_STR, OFF(backup_dir),         0, 0, NULL },
	/* the kiosk's spool (issue 13; store/spool.c) */
	{ "spool",              K_STR, OFF(spool),              0, 0, NULL },
	/* the branch this machine serves (issue 13; config_branch) */
	{ "branch",             K_STR, OFF(branch),             0, 0, NULL },
	/* the console's Reports, "print" (officer/reports.c) */
	{ "report_dir",         K_STR, OFF(report_dir),         0, 0, NULL },
	{ "report_print_command", K_STR, OFF(report_print_command), 0, 0, NULL },
};

/* K_STR keys whose longest value is not CONFIG_STR_MAX bytes. */
static const struct str_cap { const char *name; size_t max; } str_caps[] = {
	{ "db", CONFIG_PATH_MAX },
	{ "screens_dir", CONFIG_PATH_MAX },
	{ "db_group", 32 },              /* a group name (useradd's limit) */
	{ "kiosk_id", 64 },
	{ "backup_dir", CONFIG_PATH_MAX },
	{ "spool", CONFIG_PATH_MAX },
	{ "report_dir", CONFIG_PATH_MAX },
	{ "branch", 16 },                /* checked by config_branch_ok */
};

static size_t
str_max(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(str_caps); i++)
		if (strcmp(str_caps[i].name, name) == 0)
			return str_caps[i].max;
	return CONFIG_STR_MAX;
}

/* Cross-field rules: a must be less than b (both K_INT keys), checked only
 * when the string key `only_if` (if named) is set: a receipt timeout means
 * nothing on a kiosk that prints no receipt. */
static const struct less_than {
	const char *a, *b, *why, *only_if;
} less_than[] = {
	{ "idle_warning", "idle_timeout", "the countdown after the idle warning "
	  "must be shorter than the idle time before it", NULL },
	{ "study_days", "sla_days", "a request would be overdue before the "
	  "study period allows a decision on it", NULL },
	{ "receipt_timeout", "confirm_timeout", "a stuck receipt printer must be "
	  "given up while the visitor still sees the confirmation",
	  "receipt_command" },
	{ "officer_idle_warning", "officer_idle_timeout", "the countdown before the "
	  "console's idle log-out must be shorter than the idle time before it",
	  NULL },
};

static const struct key *
key_named(const char *name)
{
	for (size_t j = 0; j < ARRAY_LEN(keys); j++)
		if (strcmp(keys[j].name, name) == 0)
			return &keys[j];
	return NULL;
}

int
config_line(const struct config *cfg, const char *key)
{
	const struct key *k = key_named(key);

	return k ? cfg->key_line[k - keys] : 0;
}

_Static_assert(ARRAY_LEN(keys) <= CONFIG_MAX_KEYS, "raise CONFIG_MAX_KEYS");

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->bidi = xstrdup("app");
	cfg->language = xstrdup("ar");
	cfg->arabic_digits = xstrdup("eastern");
	cfg->idle_timeout = 90;
	cfg->idle_warning = 20;
	cfg->confirm_timeout = 60;
	cfg->receipt_timeout = 10;
	cfg->sla_days = 30;
	cfg->report_min_n = 30;
	cfg->track_max_tries = 5;
	cfg->track_window = 600;
	cfg->lock_tries = 5;
	cfg->lock_minutes = 15;
	cfg->study_days = 14;
	cfg->committee_quorum = 1;
	cfg->officer_idle_timeout = 15 * 60;
	cfg->officer_idle_warning = 60;
	cfg->kiosk_officer_login = false;
	cfg->notify_quiet = xstrdup("21:00-08:00");
	cfg->notify_tz = xstrdup("Asia/Riyadh");
	cfg->notify_per_day = 5;
	cfg->notify_retry = 60;
	cfg->notify_max_tries = 8;
	cfg->notify_interval = 15;
	cfg->notify_timeout = 30;
	/* The sample documents shipped in docs/ (a deployment points these at
	 * the cooperative's real bylaws and guides). */
	static const char *const d[][4] = {
		{ "The society's bylaws (summary)", "اللائحة الأساسية للجمعية (ملخص)",
		  "docs/bylaws.en.txt", "docs/bylaws.ar.txt" },
		{ "Member-support policy guide", "دليل سياسة الدعم للأعضاء",
		  "docs/support-guide.en.txt", "docs/support-guide.ar.txt" },
		{ "Frequently asked questions", "الأسئلة الشائعة",
		  "docs/faq.en.txt", "docs/faq.ar.txt" },
	};
	for (size_t i = 0; i < ARRAY_LEN(d); i++) {
		cfg->docs[i].title_en = xstrdup(d[i][0]);
		cfg->docs[i].title_ar = xstrdup(d[i][1]);
		cfg->docs[i].path_en = xstrdup(d[i][2]);
		cfg->docs[i].path_ar = xstrdup(d[i][3]);
	}
	cfg->ndocs = (int)ARRAY_LEN(d);
}

static void
docs_free(struct config *cfg)
{
	for (int i = 0; i < cfg->ndocs; i++) {
		free(cfg->docs[i].title_en);
		free(cfg->docs[i].title_ar);
		free(cfg->docs[i].path_en);
		free(cfg->docs[i].path_ar);
	}
	cfg->ndocs = 0;
}

/* Contract: see config.h. */
bool
config_quiet_parse(const char *s, int *from_min, int *to_min)
{
	int h1, m1, h2, m2, used = 0;

	if (from_min)
		*from_min = 0;
	if (to_min)
		*to_min = 0;
	if (!s || !*s)
		return true;
	if (sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &used) != 4 ||
	    s[used] != '\0' || h1 < 0 || h1 > 23 || h2 < 0 || h2 > 23 ||
	    m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59)
		return false;
	if (from_min)
		*from_min = h1 * 60 + m1;
	if (to_min)
		*to_min = h2 * 60 + m2;
	return true;
}

void
config_free(struct config *cfg)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (keys[i].kind == K_STR) {
			char **p = (char **)((char *)cfg + keys[i].off);
			free(*p);
			*p = NULL;
		}
	docs_free(cfg);
	free(cfg->path);
	cfg->path = NULL;
}

static int
bad(char *err, size_t errsz, const char *file, const config_setting_t *s, const char *what)
{
	snprintf(err, errsz, "%s:%d: %s", file, s ? (int)config_setting_source_line(s) : 0, what);
	return -1;
}

/* A string value: at most maxlen bytes, no control character. */
static int
check_string(const char *name, const char *v, size_t maxlen, const char *file,
             const config_setting_t *s, char *err, size_t errsz)
{
	char msg[160];
	size_t n = strlen(v);

	if (n > maxlen) {
		snprintf(msg, sizeof msg, "\"%s\" is %zu bytes long; at most %zu",
		         name, n, maxlen);
		return bad(err, errsz, file, s, msg);
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(msg, sizeof msg, "\"%s\" holds a control character "
			         "(byte 0x%02x)", name, *p);
			return bad(err, errsz, file, s, msg);
		}
	return 0;
}

static int
apply_docs(struct config *cfg, config_setting_t *l, const char *file, char *err, size_t errsz)
{
	int n = config_setting_length(l);
	static const char *const names[] = { "title_en", "title_ar", "path_en", "path_ar" };

	if (!config_setting_is_list(l))
		return bad(err, errsz, file, l, "docs must be a list ( { … }, … )");
	if (n > CONFIG_MAX_DOCS)
		return bad(err, errsz, file, l, "too many docs (at most 8)");
	docs_free(cfg);
	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(l, i);
		char **slots[4] = { &cfg->docs[i].title_en, &cfg->docs[i].title_ar,
		                    &cfg->docs[i].path_en, &cfg->docs[i].path_ar };
		if (!config_setting_is_group(g))
			return bad(err, errsz, file, g, "a doc must be { title_en = …; title_ar = …; path_en = …; path_ar = …; }");
		for (int k = 0; k < config_setting_length(g); k++) {
			config_setting_t *m = config_setting_get_elem(g, k);
			bool known = false;
			for (int j = 0; j < 4; j++)
				known |= strcmp(config_setting_name(m), names[j]) == 0;
			if (!known)
				return bad(err, errsz, file, m, "unknown setting in a doc");
		}
		for (int j = 0; j < 4; j++) {
			const char *v;
			if (!config_setting_lookup_string(g, names[j], &v))
				return bad(err, errsz, file, g, "a doc needs title_en, title_ar, path_en and path_ar (strings)");
			if (check_string(names[j], v, j < 2 ? 200 : CONFIG_PATH_MAX, file,
			                 config_setting_get_member(g, names[j]), err, errsz))
				return -1;
			*slots[j] = xstrdup(v);
		}
		cfg->ndocs = i + 1;
	}
	return 0;
}

/* less_than[]: the first rule broken, at the line of the later of its two
 * keys in the file (a default has no line). */
static int
cross_check(const struct config *cfg, const char *file, char *err, size_t errsz)
{
	for (size_t i = 0; i < ARRAY_LEN(less_than); i++) {
		const struct less_than *r = &less_than[i];
		const struct key *ka = key_named(r->a), *kb = key_named(r->b);
		int a, b, la, lb;

		if (!ka || !kb)
			continue;
		if (r->only_if) {
			const struct key *ks = key_named(r->only_if);
			const char *v = ks ? *(char *const *)((const char *)cfg + ks->off) : NULL;

			if (!v || !*v)
				continue;
		}
		a = *(const int *)((const char *)cfg + ka->off);
		b = *(const int *)((const char *)cfg + kb->off);
		if (a < b)
			continue;
		la = cfg->key_line[ka - keys];
		lb = cfg->key_line[kb - keys];
		snprintf(err, errsz, "%s:%d: %s (%d%s) must be less than %s (%d%s): "
		         "%s", file, la > lb ? la : lb, r->a, a, la ? "" : ", the "
		         "default", r->b, b, lb ? "" : ", the default", r->why);
		return -1;
	}
	return 0;
}

/* Before libconfig: the file's size and its longest line (see the design
 * comment). 0, or -1 with "file:line: …" in err. */
static int
scan_sizes(const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	size_t total = 0, col = 0;
	int line = 1, c;

	if (!f)
		return 0;                /* libconfig says it cannot read it */
	while ((c = getc(f)) != EOF) {
		if (++total > CONFIG_MAX_FILE) {
			snprintf(err, errsz, "%s:%d: the configuration file is longer "
			         "than %d KiB", path, line, CONFIG_MAX_FILE / 1024);
			fclose(f);
			return -1;
		}
		if (c == '\n') {
			line++;
			col = 0;
		} else if (++col > CONFIG_MAX_LINE) {
			snprintf(err, errsz, "%s:%d: line longer than %d bytes (a "
			         "setting's string holds at most %d)", path, line,
			         CONFIG_MAX_LINE, CONFIG_STR_MAX);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static int
apply(struct config *cfg, config_t *cf, const char *file, char *err, size_t errsz)
{
	config_setting_t *root = config_root_setting(cf);
	int n = config_setting_length(root);

	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(root, i);
		const char *name = config_setting_name(s);
		const struct key *k = NULL;
		char msg[160];

		if (strcmp(name, "docs") == 0) {
			if (apply_docs(cfg, s, file, err, errsz))
				return -1;
			cfg->docs_line = (int)config_setting_source_line(s);
			continue;
		}
		k = key_named(name);
		if (k == NULL) {
			snprintf(msg, sizeof msg, "unknown setting \"%s\"", name);
			return bad(err, errsz, file, s, msg);
		}
		cfg->key_line[k - keys] = (int)config_setting_source_line(s);
		if (k->kind == K_INT) {
			int v;
			if (config_setting_type(s) != CONFIG_TYPE_INT) {
				snprintf(msg, sizeof msg, "\"%s\" must be a whole number", name);
				return bad(err, errsz, file, s, msg);
			}
			v = config_setting_get_int(s);
			if (v < k->min || v > k->max) {
				snprintf(msg, sizeof msg, "\"%s\" must be between %d and %d", name, k->min, k->max);
				return bad(err, errsz, file, s, msg);
			}
			*(int *)((char *)cfg + k->off) = v;
		} else if (k->kind == K_BOOL) {
			if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
				snprintf(msg, sizeof msg, "\"%s\" must be true or false", name);
				return bad(err, errsz, file, s, msg);
			}
			*(bool *)((char *)cfg + k->off) = config_setting_get_bool(s) != 0;
		} else {
			const char *v;
			char **slot = (char **)((char *)cfg + k->off);
			if (config_setting_type(s) != CONFIG_TYPE_STRING) {
				snprintf(msg, sizeof msg, "\"%s\" must be a string", name);
				return bad(err, errsz, file, s, msg);
			}
			v = config_setting_get_string(s);
			if (check_string(name, v, str_max(name), file, s, err, errsz))
				return -1;
			if (k->choices) {
				bool ok = false;
				for (const char *const *c = k->choices; *c; c++)
					ok |= strcmp(*c, v) == 0;
				if (!ok) {
					snprintf(msg, sizeof msg, "\"%s\" must be one of: %s%s%s", name,
					    k->choices[0], k->choices[1] ? ", " : "",
					    k->choices[1] ? k->choices[1] : "");
					return bad(err, errsz, file, s, msg);
				}
			}
			free(*slot);
			*slot = *v ? xstrdup(v) : NULL;
		}
	}
	return cross_check(cfg, file, err, errsz);
}

int
config_load(struct config *cfg, const char *explicit_path, char *err, size_t errsz)
{
	char local[4096];
	const char *path = explicit_path;
	bool must_exist = true;
	struct stat st;
	config_t cf;
	struct config tmp;

	if (path == NULL && (path = getenv("KHIDMA_CONFIG")) != NULL && *path == '\0')
		path = NULL;
	if (path == NULL) {
		must_exist = false;
		if (khidma_in_source_tree()) {
			snprintf(local, sizeof local, "%s/khidma.conf", khidma_srcdir());
			path = local;
		} else {
			path = "/etc/khidma/khidma.conf";
		}
	}
	if (stat(path, &st) != 0) {
		if (!must_exist)
			return 0;
		snprintf(err, errsz, "%s:0: cannot read the configuration file", path);
		return -1;
	}
	if (scan_sizes(path, err, errsz) != 0)
		return -1;
	config_init(&cf);
	if (!config_read_file(&cf, path)) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			snprintf(err, errsz, "%s:0: cannot read the configuration file", path);
		else
			snprintf(err, errsz, "%s:%d: %s", path, config_error_line(&cf),
			    config_error_text(&cf));
		config_destroy(&cf);
		return -1;
	}
	/* Apply to a copy so an error leaves *cfg as it was. */
	config_defaults(&tmp);
	if (apply(&tmp, &cf, path, err, errsz) != 0) {
		config_destroy(&cf);
		config_free(&tmp);
		return -1;
	}
	config_destroy(&cf);
	config_free(cfg);
	*cfg = tmp;
	cfg->path = xstrdup(path);
	return 0;
}

char *
config_db_path(const struct config *cfg, const char *explicit_db)
{
	const char *env = getenv("KHIDMA_DB");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (explicit_db && *explicit_db)
		return xstrdup(explicit_db);
	if (env && *env)
		return xstrdup(env);
	if (cfg->db)
		return xstrdup(cfg->db);
	if (khidma_in_source_tree())
		return xasprintf("%s/var/khidma.db", khidma_srcdir());
	if (xdg && *xdg)
		return xasprintf("%s/khidma/khidma.db", xdg);
	return xasprintf("%s/.local/share/khidma/khidma.db", home ? home : ".");
}

char *
config_spool_path(const struct config *cfg, const char *db_path)
{
	const char *env = getenv("KHIDMA_SPOOL");
	const char *slash;

	if (env && *env)
		return xstrdup(env);
	if (cfg->spool && *cfg->spool)
		return xstrdup(cfg->spool);
	if (!db_path || strncmp(db_path, "postgresql://", 13) == 0 ||
	    strncmp(db_path, "postgres://", 11) == 0)
		return xstrdup("var/spool.db");
	slash = strrchr(db_path, '/');
	if (!slash)
		return xstrdup("spool.db");
	return xasprintf("%.*s/spool.db", (int)(slash - db_path), db_path);
}

/* Is the program of a shell command line found (its first word)? */
static bool
program_found(const char *cmd)
{
	char word[256], *p;
	const char *path = getenv("PATH");
	size_t n = strcspn(cmd + strspn(cmd, " \t"), " \t;|&<>()");

	cmd += strspn(cmd, " \t");
	if (n == 0 || n >= sizeof word)
		return n != 0;           /* too clever to judge: let it run */
	memcpy(word, cmd, n);
	word[n] = '\0';
	if (strchr(word, '=') || strchr(word, '$') || strchr(word, '`') ||
	    strchr(word, '"') || strchr(word, '\''))
		return true;             /* an assignment or an expansion */
	if (strchr(word, '/'))
		return access(word, X_OK) == 0;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	char *dirs = xstrdup(path), *save = NULL;
	for (p = strtok_r(dirs, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", *p ? p : ".", word);
		bool ok = access(full, X_OK) == 0;
		free(full);
		if (ok) {
			free(dirs);
			return true;
		}
	}
	free(dirs);
	/* a shell builtin (echo, printf, exec …) is fine too */
	static const char *const builtins[] = { "echo", "printf", "exec", "cat",
	                                        "true", "false", ":", "exit", NULL };
	for (const char *const *b = builtins; *b; b++)
		if (strcmp(word, *b) == 0)
			return true;
	return false;
}

/* Append one "file:line: msg" line to err. */
static void
add_problem(char *err, size_t errsz, int *n, const char *file, int line,
            const char *msg)
{
	size_t used = strlen(err);

	if (used < errsz)
		snprintf(err + used, errsz - used, "%s%s:%d: %s", *n ? "\n" : "",
		         file, line, msg);
	(*n)++;
}

/* Contract: see config.h. */
bool
config_branch_ok(const char *b)
{
	return b && b[0] >= '0' && b[0] <= '9' && b[1] >= '0' && b[1] <= '9' &&
	    b[2] == '\0';
}

/* Contract: see config.h. */
const char *
config_branch(const struct config *cfg, const char **from)
{
	const char *env = getenv("KHIDMA_BRANCH");

	if (env && *env) {
		if (from)
			*from = "KHIDMA_BRANCH";
		return env;
	}
	if (from)
		*from = cfg->path ? cfg->path : "the configuration";
	return cfg->branch;
}

int
config_check(const struct config *cfg, char *err, size_t errsz)
{
	const char *file = cfg->path ? cfg->path : "(defaults)";
	char msg[CONFIG_PATH_MAX + 200];
	struct stat sb;
	int n = 0;

	err[0] = '\0';
	if (cfg->db_group && getgrnam(cfg->db_group) == NULL) {
		snprintf(msg, sizeof msg, "db_group \"%s\": no such group on this "
		         "machine (create it, or remove the setting)", cfg->db_group);
		add_problem(err, errsz, &n, file, config_line(cfg, "db_group"), msg);
	}
	if (cfg->receipt_command && !program_found(cfg->receipt_command)) {
		snprintf(msg, sizeof msg, "receipt_command: the program of \"%.200s\" "
		         "is not found (not executable, or not in PATH)",
		         cfg->receipt_command);
		add_problem(err, errsz, &n, file, config_line(cfg, "receipt_command"),
		            msg);
	}
	if (cfg->sms_command && !program_found(cfg->sms_command)) {
		snprintf(msg, sizeof msg, "sms_command: the program of \"%.200s\" "
		         "is not found (not executable, or not in PATH)", cfg->sms_command);
		add_problem(err, errsz, &n, file, config_line(cfg, "sms_command"), msg);
	}
	if (!config_quiet_parse(cfg->notify_quiet, NULL, NULL)) {
		snprintf(msg, sizeof msg, "notify_quiet \"%.100s\": not HH:MM-HH:MM "
		         "(e.g. \"21:00-08:00\"; \"\" for none)", cfg->notify_quiet);
		add_problem(err, errsz, &n, file, config_line(cfg, "notify_quiet"), msg);
	}
	if (cfg->notify_tz && cfg->notify_tz[0]) {
		char zp[CONFIG_PATH_MAX];

		snprintf(zp, sizeof zp, "/usr/share/zoneinfo/%s", cfg->notify_tz);
		if (strstr(cfg->notify_tz, "..") || stat(zp, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			snprintf(msg, sizeof msg, "notify_tz \"%.100s\": no such time zone "
			         "in /usr/share/zoneinfo (e.g. \"Asia/Riyadh\")", cfg->notify_tz);
			add_problem(err, errsz, &n, file, config_line(cfg, "notify_tz"), msg);
		}
	}
	if (cfg->smtp_url && strncmp(cfg->smtp_url, "smtp://", 7) != 0 &&
	    strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
		snprintf(msg, sizeof msg, "smtp_url \"%.200s\": must start with "
		         "smtp:// (STARTTLS) or smtps://", cfg->smtp_url);
		add_problem(err, errsz, &n, file, config_line(cfg, "smtp_url"), msg);
	}
	if (cfg->smtp_url && !cfg->smtp_from) {
		snprintf(msg, sizeof msg, "smtp_url is set but smtp_from is not "
		         "(the sender address)");
		add_problem(err, errsz, &n, file, config_line(cfg, "smtp_url"), msg);
	}
	if (cfg->smtp_password_file && access(cfg->smtp_password_file, R_OK) != 0) {
		snprintf(msg, sizeof msg, "smtp_password_file \"%.200s\": cannot be "
		         "read by this user", cfg->smtp_password_file);
		add_problem(err, errsz, &n, file, config_line(cfg, "smtp_password_file"), msg);
	}
	if (cfg->db) {
		char *d = xstrdup(cfg->db), *dir = dirname(d);

		if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			snprintf(msg, sizeof msg, "db \"%s\": directory %s %s", cfg->db,
			         dir, errno == EACCES ? "cannot be searched by this user"
			         : "does not exist");
			add_problem(err, errsz, &n, file, config_line(cfg, "db"), msg);
		}
		free(d);
	}
	if (cfg->branch && !config_branch_ok(cfg->branch)) {
		snprintf(msg, sizeof msg, "branch \"%.16s\": a branch code is exactly "
		         "two digits (e.g. \"02\")", cfg->branch);
		add_problem(err, errsz, &n, file, config_line(cfg, "branch"), msg);
	}
	for (int i = 0; i < cfg->ndocs; i++) {
		const char *paths[2] = { cfg->docs[i].path_en, cfg->docs[i].path_ar };

		for (int j = 0; j < 2; j++) {
			char *full = paths[j][0] == '/' ? xstrdup(paths[j])
			    : xasprintf("%s/%s", khidma_datadir(), paths[j]);
			if (access(full, R_OK) != 0) {
				snprintf(msg, sizeof msg, "docs: %s cannot be read (%s)",
				         full, strerror(errno));
				add_problem(err, errsz, &n, file, cfg->docs_line, msg);
			}
			free(full);
		}
	}
	return n;
}
