/*
 * core/config — see config.h. libconfig reads the file; a table of known
 * keys (name, type, where it goes, bounds) does the rest, so an unknown key
 * or a bad value is one generic "file:line: …" message and khidma.conf.example
 * can be checked against the same table.
 */
#include "core/config.h"

#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"

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

#define OFF(f) offsetof(struct config, f)
static const struct key keys[] = {
	{ "db",              K_STR, OFF(db),              0, 0, NULL },
	{ "db_group",        K_STR, OFF(db_group),        0, 0, NULL },
	{ "bidi",            K_STR, OFF(bidi),            0, 0, bidi_choices },
	{ "language",        K_STR, OFF(language),        0, 0, lang_choices },
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
};

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->bidi = xstrdup("app");
	cfg->language = xstrdup("ar");
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
			*slots[j] = xstrdup(v);
		}
		cfg->ndocs = i + 1;
	}
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
			continue;
		}
		for (size_t j = 0; j < ARRAY_LEN(keys); j++)
			if (strcmp(keys[j].name, name) == 0)
				k = &keys[j];
		if (k == NULL) {
			snprintf(msg, sizeof msg, "unknown setting \"%s\"", name);
			return bad(err, errsz, file, s, msg);
		}
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
	return 0;
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
