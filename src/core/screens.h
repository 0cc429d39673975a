/*
 * core/screens — the screen definitions, the .conf files in screens/ (libconfig):
 * menus, forms and their fields, the declaration text, and the catalog
 * defaults (service types, channels, survey questions). Loaded once at
 * start; `khidma check` loads and validates them without the UI.
 *
 * Invariants:
 *  1. Every error names "file:line: reason" (libconfig's line, or the line
 *     of the setting at fault) and nothing partly loaded is returned.
 *  2. Labels are English msgids: the ui translates them with gettext, and a
 *     test fails when locale/ar.po lacks one. Catalog items carry both
 *     languages in the file (a branch edits them without touching .po).
 *  3. A branch changes a question or a service type by editing a file: no
 *     compiler. `khidma init` (and the first run) seeds the catalog from
 *     here; later edits are applied by `khidma init` again (upsert by code).
 */
#ifndef KHIDMA_CORE_SCREENS_H
#define KHIDMA_CORE_SCREENS_H

#include <stdbool.h>
#include <stddef.h>

enum field_type {
	FT_TEXT = 0,     /* one line of free text */
	FT_MULTILINE,    /* several lines of free text */
	FT_DIGITS,       /* digits only (Eastern digits accepted) */
	FT_NATIONAL_ID,  /* 10 digits, first 1 or 2, Luhn check */
	FT_MOBILE,       /* Saudi mobile 05XXXXXXXX / +9665XXXXXXXX */
	FT_EMAIL,
	FT_CHOICE,       /* one of `options` or of a catalog kind */
	FT_MEMBER_NUMBER,/* as the register writes it: "M-1002" (validate_member_number) */
};

struct field_option { char *code; char *label; /* English msgid */ };

struct field_def {
	char   *id;          /* "name", "national_id", … (the request column) */
	char   *label;       /* English msgid */
	char   *help;        /* English msgid shown under the field, or NULL */
	enum field_type type;
	bool    required;
	int     min_len, max_len;  /* in characters; 0 = no limit */
	char   *catalog;     /* FT_CHOICE: catalog kind ("service", "channel"), or NULL */
	int     noptions;    /* FT_CHOICE with fixed options */
	struct field_option *options;
	char   *show_if;     /* "field=value": shown only then (e.g. "category=member") */
	int     line;        /* where it was defined, for messages */
};

struct form_def {
	char   *id;          /* "request", "track", "login" */
	char   *title;       /* English msgid */
	int     nfields;
	struct field_def *fields;
};

struct menu_item { char *label; char *action; /* "request", "track", … */ };
struct menu_def {
	char   *id;          /* "home", "info" */
	char   *title;
	int     nitems;
	struct menu_item *items;
};

struct catalog_seed {
	char *kind;          /* "service" | "channel" | "question" | "missing"
	                        (what "ask for information" may name; not
	                        seeded into the database) */
	char *code;
	char *name_en, *name_ar;
	int   sort;
};

struct declaration_def {
	int   version;
	char *text_en, *text_ar;
};

/* screens/notify.conf: one message per event and language (issue 14;
 * placeholders and limits: core/notify_tpl.h). */
struct notify_msg_def {
	char *event;         /* received, needs_info, … (notify_events) */
	char *lang;          /* "ar" | "en" */
	char *sms;           /* one SMS segment at its widest */
	char *subject;       /* e-mail subject */
	char *body;          /* e-mail body */
	int   line;
};

struct screens {
	char   *dir;
	int     nmsgs;       /* notify.conf (optional file: 0 when absent) */
	struct notify_msg_def *msgs;
	int     nmenus, nforms, nseeds;
	struct menu_def *menus;
	struct form_def *forms;
	struct catalog_seed *seeds;
	struct declaration_def declaration;
};

/*
 * Load every *.conf in dir (menus.conf, forms.conf, catalog.conf,
 * declaration.conf, and notify.conf when it exists: then every event has
 * its message in Arabic and English, each placeholder is allowed for its
 * event and each SMS fits one segment at its widest — notify_tpl.h). Returns 0, or -1 with "file:line: reason" in err.
 */
int  screens_load(const char *dir, struct screens *out, char *err, size_t errsz);
void screens_free(struct screens *s);

/* The name of the "missing" catalog item code (Arabic when ar), or NULL
 * when the catalog has no such item. */
const char *screens_missing_name(const struct screens *s, const char *code, bool ar);
const struct form_def  *screens_form(const struct screens *s, const char *id);
const struct menu_def  *screens_menu(const struct screens *s, const char *id);
const struct field_def *form_field(const struct form_def *f, const char *id);

/* The message of event in lang (falls back to the other language), or
 * NULL when notify.conf has none. */
const struct notify_msg_def *screens_notify(const struct screens *s,
                                            const char *event, const char *lang);

/* Every English msgid the definitions use (labels, titles, help, options),
 * for the translation-completeness test. Calls fn once per string. */
void screens_msgids(const struct screens *s, void (*fn)(const char *msgid, void *ctx), void *ctx);

#endif
