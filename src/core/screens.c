/*
 * core/screens — see screens.h. Reads screens/{menus,forms,catalog,
 * declaration}.conf with libconfig and turns them into plain structs.
 *
 * Errors carry the file and the line: libconfig's own for syntax errors,
 * config_setting_source_line() of the offending setting for semantic ones.
 * Loading goes into a scratch struct; *out is only filled on success.
 */
#include "core/screens.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/notify_tpl.h"
#include "core/util.h"

struct loader {
	char       *err;
	size_t      errsz;
	const char *file;
};

static int
fail(struct loader *ld, const config_setting_t *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(ld->err, ld->errsz, "%s:%d: %s", ld->file,
	    at ? (int)config_setting_source_line(at) : 0, msg);
	return -1;
}

/* A required string member of group g, copied; NULL (and an error) if absent. */
static int
get_str(struct loader *ld, const config_setting_t *g, const char *name,
    bool required, char **out)
{
	const char *v;
	config_setting_t *m = config_setting_get_member(g, name);

	*out = NULL;
	if (m == NULL) {
		if (required)
			return fail(ld, g, "missing \"%s\"", name);
		return 0;
	}
	if (config_setting_type(m) != CONFIG_TYPE_STRING)
		return fail(ld, m, "\"%s\" must be a string", name);
	v = config_setting_get_string(m);
	if (required && *v == '\0')
		return fail(ld, m, "\"%s\" must not be empty", name);
	*out = xstrdup(v);
	return 0;
}

static int
get_int(struct loader *ld, const config_setting_t *g, const char *name, int def, int *out)
{
	config_setting_t *m = config_setting_get_member(g, name);

	*out = def;
	if (m == NULL)
		return 0;
	if (config_setting_type(m) != CONFIG_TYPE_INT)
		return fail(ld, m, "\"%s\" must be a whole number", name);
	*out = config_setting_get_int(m);
	if (*out < 0)
		return fail(ld, m, "\"%s\" must not be negative", name);
	return 0;
}

static int
get_bool(struct loader *ld, const config_setting_t *g, const char *name, bool def, bool *out)
{
	config_setting_t *m = config_setting_get_member(g, name);

	*out = def;
	if (m == NULL)
		return 0;
	if (config_setting_type(m) != CONFIG_TYPE_BOOL)
		return fail(ld, m, "\"%s\" must be true or false", name);
	*out = config_setting_get_bool(m);
	return 0;
}

/* Refuse members other than the known ones, so a typo is reported. */
static int
check_members(struct loader *ld, const config_setting_t *g, const char *const *known)
{
	int n = config_setting_length(g);

	for (int i = 0; i < n; i++) {
		config_setting_t *m = config_setting_get_elem(g, i);
		const char *name = config_setting_name(m);
		bool ok = false;
		for (const char *const *k = known; *k; k++)
			if (name && strcmp(name, *k) == 0)
				ok = true;
		if (!ok)
			return fail(ld, m, "unknown setting \"%s\"", name ? name : "?");
	}
	return 0;
}

/* The list named `name` at the top of cf (a list of groups). */
static config_setting_t *
get_list(struct loader *ld, config_t *cf, const char *name)
{
	config_setting_t *l = config_lookup(cf, name);

	if (l == NULL) {
		snprintf(ld->err, ld->errsz, "%s:1: missing \"%s\"", ld->file, name);
		return NULL;
	}
	if (!config_setting_is_list(l) && !config_setting_is_array(l)) {
		fail(ld, l, "\"%s\" must be a list ( … )", name);
		return NULL;
	}
	return l;
}

static const struct { const char *name; enum field_type t; } field_types[] = {
	{ "text", FT_TEXT }, { "multiline", FT_MULTILINE }, { "digits", FT_DIGITS },
	{ "national_id", FT_NATIONAL_ID }, { "mobile", FT_MOBILE },
	{ "member_number", FT_MEMBER_NUMBER },
	{ "email", FT_EMAIL }, { "choice", FT_CHOICE },
};

static int
load_field(struct loader *ld, config_setting_t *g, struct field_def *f)
{
	static const char *const known[] = { "id", "label", "help", "type", "required",
		"min", "max", "catalog", "options", "show_if", NULL };
	char *type = NULL;
	config_setting_t *opts;
	bool found = false;

	f->line = config_setting_source_line(g);
	if (!config_setting_is_group(g))
		return fail(ld, g, "a field must be a group { … }");
	if (check_members(ld, g, known) || get_str(ld, g, "id", true, &f->id) ||
	    get_str(ld, g, "label", true, &f->label) ||
	    get_str(ld, g, "help", false, &f->help) ||
	    get_str(ld, g, "type", true, &type) ||
	    get_bool(ld, g, "required", false, &f->required) ||
	    get_int(ld, g, "min", 0, &f->min_len) || get_int(ld, g, "max", 0, &f->max_len) ||
	    get_str(ld, g, "catalog", false, &f->catalog) ||
	    get_str(ld, g, "show_if", false, &f->show_if)) {
		free(type);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_LEN(field_types); i++)
		if (strcmp(type, field_types[i].name) == 0) {
			f->type = field_types[i].t;
			found = true;
		}
	free(type);
	if (!found)
		return fail(ld, config_setting_get_member(g, "type"),
		    "unknown field type (text, multiline, digits, national_id, mobile, email, choice)");
	if (f->max_len && f->min_len > f->max_len)
		return fail(ld, g, "min is larger than max");
	if (f->show_if && strchr(f->show_if, '=') == NULL)
		return fail(ld, config_setting_get_member(g, "show_if"), "show_if must be \"field=value\"");
	opts = config_setting_get_member(g, "options");
	if (f->type == FT_CHOICE && f->catalog == NULL && opts == NULL)
		return fail(ld, g, "a choice needs \"catalog\" or \"options\"");
	if (f->type != FT_CHOICE && (opts || f->catalog))
		return fail(ld, g, "only a choice field takes \"catalog\" or \"options\"");
	if (opts) {
		f->noptions = config_setting_length(opts);
		if (f->noptions == 0)
			return fail(ld, opts, "options must not be empty");
		f->options = xcalloc(f->noptions, sizeof *f->options);
		for (int i = 0; i < f->noptions; i++) {
			config_setting_t *o = config_setting_get_elem(opts, i);
			static const char *const oknown[] = { "code", "label", NULL };
			if (!config_setting_is_group(o))
				return fail(ld, o, "an option must be { code = …; label = …; }");
			if (check_members(ld, o, oknown) ||
			    get_str(ld, o, "code", true, &f->options[i].code) ||
			    get_str(ld, o, "label", true, &f->options[i].label))
				return -1;
		}
	}
	return 0;
}

static int
load_forms(struct loader *ld, config_t *cf, struct screens *s)
{
	config_setting_t *l = get_list(ld, cf, "forms");

	if (l == NULL)
		return -1;
	s->nforms = config_setting_length(l);
	s->forms = xcalloc(s->nforms, sizeof *s->forms);
	for (int i = 0; i < s->nforms; i++) {
		static const char *const known[] = { "id", "title", "fields", NULL };
		config_setting_t *g = config_setting_get_elem(l, i), *fl;
		struct form_def *f = &s->forms[i];

		if (!config_setting_is_group(g))
			return fail(ld, g, "a form must be a group { … }");
		if (check_members(ld, g, known) || get_str(ld, g, "id", true, &f->id) ||
		    get_str(ld, g, "title", true, &f->title))
			return -1;
		for (int j = 0; j < i; j++)
			if (strcmp(s->forms[j].id, f->id) == 0)
				return fail(ld, g, "form \"%s\" defined twice", f->id);
		fl = config_setting_get_member(g, "fields");
		if (fl == NULL || config_setting_length(fl) == 0)
			return fail(ld, g, "form \"%s\" has no fields", f->id);
		f->nfields = config_setting_length(fl);
		f->fields = xcalloc(f->nfields, sizeof *f->fields);
		for (int j = 0; j < f->nfields; j++) {
			if (load_field(ld, config_setting_get_elem(fl, j), &f->fields[j]))
				return -1;
			for (int k = 0; k < j; k++)
				if (strcmp(f->fields[k].id, f->fields[j].id) == 0)
					return fail(ld, config_setting_get_elem(fl, j),
					    "field \"%s\" defined twice", f->fields[j].id);
		}
	}
	return 0;
}

static int
load_menus(struct loader *ld, config_t *cf, struct screens *s)
{
	config_setting_t *l = get_list(ld, cf, "menus");

	if (l == NULL)
		return -1;
	s->nmenus = config_setting_length(l);
	s->menus = xcalloc(s->nmenus, sizeof *s->menus);
	for (int i = 0; i < s->nmenus; i++) {
		static const char *const known[] = { "id", "title", "items", NULL };
		static const char *const iknown[] = { "label", "action", NULL };
		config_setting_t *g = config_setting_get_elem(l, i), *il;
		struct menu_def *m = &s->menus[i];

		if (!config_setting_is_group(g))
			return fail(ld, g, "a menu must be a group { … }");
		if (check_members(ld, g, known) || get_str(ld, g, "id", true, &m->id) ||
		    get_str(ld, g, "title", true, &m->title))
			return -1;
		il = config_setting_get_member(g, "items");
		if (il == NULL || config_setting_length(il) == 0)
			return fail(ld, g, "menu \"%s\" has no items", m->id);
		m->nitems = config_setting_length(il);
		if (m->nitems > 9)
			return fail(ld, il, "a menu has at most 9 items (one digit each)");
		m->items = xcalloc(m->nitems, sizeof *m->items);
		for (int j = 0; j < m->nitems; j++) {
			config_setting_t *it = config_setting_get_elem(il, j);
			if (!config_setting_is_group(it))
				return fail(ld, it, "a menu item must be { label = …; action = …; }");
			if (check_members(ld, it, iknown) ||
			    get_str(ld, it, "label", true, &m->items[j].label) ||
			    get_str(ld, it, "action", true, &m->items[j].action))
				return -1;
		}
	}
	return 0;
}

static int
load_catalog(struct loader *ld, config_t *cf, struct screens *s)
{
	config_setting_t *l = get_list(ld, cf, "catalog");
	/* "missing": what an officer may ask a member for ("needs
	 * information"); kept here only, never seeded into the database */
	static const char *const kinds[] = { "service", "channel", "question", "missing" };

	if (l == NULL)
		return -1;
	s->nseeds = config_setting_length(l);
	s->seeds = xcalloc(s->nseeds, sizeof *s->seeds);
	for (int i = 0; i < s->nseeds; i++) {
		static const char *const known[] = { "kind", "code", "en", "ar", "sort", NULL };
		config_setting_t *g = config_setting_get_elem(l, i);
		struct catalog_seed *c = &s->seeds[i];
		bool kind_ok = false;

		if (!config_setting_is_group(g))
			return fail(ld, g, "a catalog item must be a group { … }");
		if (check_members(ld, g, known) || get_str(ld, g, "kind", true, &c->kind) ||
		    get_str(ld, g, "code", true, &c->code) ||
		    get_str(ld, g, "en", true, &c->name_en) ||
		    get_str(ld, g, "ar", true, &c->name_ar) ||
		    get_int(ld, g, "sort", (i + 1) * 10, &c->sort))
			return -1;
		for (size_t k = 0; k < ARRAY_LEN(kinds); k++)
			kind_ok |= strcmp(c->kind, kinds[k]) == 0;
		if (!kind_ok)
			return fail(ld, g, "unknown kind \"%s\" (service, channel, question, missing)", c->kind);
		if (strlen(c->code) >= 32)
			return fail(ld, g, "code \"%s\" is longer than 31 characters", c->code);
		for (const char *p = c->code; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
				return fail(ld, g, "a code uses only a-z, 0-9 and _");
		for (int j = 0; j < i; j++)
			if (strcmp(s->seeds[j].kind, c->kind) == 0 && strcmp(s->seeds[j].code, c->code) == 0)
				return fail(ld, g, "%s \"%s\" defined twice", c->kind, c->code);
	}
	return 0;
}

static int
load_declaration(struct loader *ld, config_t *cf, struct screens *s)
{
	static const char *const known[] = { "version", "en", "ar", NULL };
	config_setting_t *g = config_lookup(cf, "declaration");

	if (g == NULL || !config_setting_is_group(g)) {
		snprintf(ld->err, ld->errsz, "%s:1: missing the group \"declaration\"", ld->file);
		return -1;
	}
	if (check_members(ld, g, known) ||
	    get_int(ld, g, "version", 0, &s->declaration.version) ||
	    get_str(ld, g, "en", true, &s->declaration.text_en) ||
	    get_str(ld, g, "ar", true, &s->declaration.text_ar))
		return -1;
	if (s->declaration.version < 1)
		return fail(ld, g, "the declaration needs a version >= 1");
	return 0;
}

/* One message template member: checked placeholders; an SMS fits one
 * segment at its widest (notify_tpl.h invariant 1). */
static int
notify_member(struct loader *ld, config_setting_t *g, const char *name,
    const char *event, bool sms, char **out)
{
	char why[160];

	if (get_str(ld, g, name, true, out))
		return -1;
	if (notify_tpl_check(event, *out, why, sizeof why))
		return fail(ld, config_setting_get_member(g, name), "%s", why);
	if (sms) {
		char reserve[NOTIFY_TEXT_RESERVE + 1];
		struct notify_vals v = { "000000000000000", "2026-12-31", reserve,
		                         "00000000" };
		char *wide;
		int units, lim;
		bool ucs2;

		memset(reserve, 'x', NOTIFY_TEXT_RESERVE);
		reserve[NOTIFY_TEXT_RESERVE] = '\0';
		wide = notify_render(*out, &v, false);
		lim = notify_sms_units(wide, &units, &ucs2);
		free(wide);
		if (units > lim)
			return fail(ld, config_setting_get_member(g, name),
			    "the SMS is %d %s at its widest, more than one segment (%d %s)%s",
			    units, ucs2 ? "UCS-2 units" : "GSM-7 septets", lim,
			    ucs2 ? "in UCS-2" : "in GSM-7",
			    notify_tpl_allowed(event, "text") ? " with 20 characters of text" : "");
	}
	return 0;
}

static int
load_notify(struct loader *ld, config_t *cf, struct screens *s)
{
	static const char *const known[] = { "event", "lang", "sms", "subject",
		"body", NULL };
	config_setting_t *l = get_list(ld, cf, "messages");

	if (l == NULL)
		return -1;
	s->nmsgs = config_setting_length(l);
	s->msgs = xcalloc(s->nmsgs ? s->nmsgs : 1, sizeof *s->msgs);
	for (int i = 0; i < s->nmsgs; i++) {
		config_setting_t *g = config_setting_get_elem(l, i);
		struct notify_msg_def *m = &s->msgs[i];
		bool ev_ok = false;

		m->line = config_setting_source_line(g);
		if (!config_setting_is_group(g))
			return fail(ld, g, "a message must be a group { … }");
		if (check_members(ld, g, known) || get_str(ld, g, "event", true, &m->event) ||
		    get_str(ld, g, "lang", true, &m->lang))
			return -1;
		for (const char *const *e = notify_events; *e; e++)
			ev_ok |= strcmp(*e, m->event) == 0;
		if (!ev_ok)
			return fail(ld, config_setting_get_member(g, "event"), "unknown event "
			    "\"%s\" (received, needs_info, accepted, rejected, registered, "
			    "delivered)", m->event);
		if (strcmp(m->lang, "ar") && strcmp(m->lang, "en"))
			return fail(ld, config_setting_get_member(g, "lang"),
			    "lang must be \"ar\" or \"en\"");
		for (int j = 0; j < i; j++)
			if (!strcmp(s->msgs[j].event, m->event) && !strcmp(s->msgs[j].lang, m->lang))
				return fail(ld, g, "the %s message in \"%s\" is defined twice",
				    m->event, m->lang);
		if (notify_member(ld, g, "sms", m->event, true, &m->sms) ||
		    notify_member(ld, g, "subject", m->event, false, &m->subject) ||
		    notify_member(ld, g, "body", m->event, false, &m->body))
			return -1;
	}
	for (const char *const *e = notify_events; *e; e++)
		for (int k = 0; k < 2; k++) {
			const char *lang = k ? "en" : "ar";
			bool found = false;

			for (int i = 0; i < s->nmsgs; i++)
				found |= !strcmp(s->msgs[i].event, *e) && !strcmp(s->msgs[i].lang, lang);
			if (!found)
				return fail(ld, l, "no %s message in \"%s\"", *e, lang);
		}
	return 0;
}

/* Cross-checks: show_if names an earlier choice and one of its codes. */
static int
check_forms(struct loader *ld, struct screens *s)
{
	for (int i = 0; i < s->nforms; i++) {
		struct form_def *f = &s->forms[i];
		for (int j = 0; j < f->nfields; j++) {
			char name[64];
			const char *eq;
			const struct field_def *ref;
			bool code_ok = false;

			if (f->fields[j].show_if == NULL)
				continue;
			eq = strchr(f->fields[j].show_if, '=');
			snprintf(name, sizeof name, "%.*s", (int)(eq - f->fields[j].show_if),
			    f->fields[j].show_if);
			ref = form_field(f, name);
			if (ref == NULL || ref->type != FT_CHOICE || ref->options == NULL) {
				snprintf(ld->err, ld->errsz, "%s/forms.conf:%d: show_if names \"%s\", "
				    "which is not a choice with options in this form", s->dir,
				    f->fields[j].line, name);
				return -1;
			}
			for (int k = 0; k < ref->noptions; k++)
				code_ok |= strcmp(ref->options[k].code, eq + 1) == 0;
			if (!code_ok) {
				snprintf(ld->err, ld->errsz, "%s/forms.conf:%d: \"%s\" is not an option of \"%s\"",
				    s->dir, f->fields[j].line, eq + 1, name);
				return -1;
			}
		}
	}
	return 0;
}

int
screens_load(const char *dir, struct screens *out, char *err, size_t errsz)
{
	static const struct {
		const char *file;
		int (*load)(struct loader *, config_t *, struct screens *);
	} parts[] = {
		{ "menus.conf", load_menus }, { "forms.conf", load_forms },
		{ "catalog.conf", load_catalog }, { "declaration.conf", load_declaration },
		{ "notify.conf", load_notify },
	};
	struct screens s;
	struct loader ld = { err, errsz, NULL };
	char path[4096];

	memset(&s, 0, sizeof s);
	s.dir = xstrdup(dir);
	for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
		config_t cf;
		int rc;

		snprintf(path, sizeof path, "%s/%s", dir, parts[i].file);
		ld.file = path;
		/* notify.conf is optional: a branch without messages */
		if (parts[i].load == load_notify && access(path, F_OK) != 0)
			continue;
		config_init(&cf);
		if (!config_read_file(&cf, path)) {
			if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
				snprintf(err, errsz, "%s:0: cannot read the file", path);
			else
				snprintf(err, errsz, "%s:%d: %s", path, config_error_line(&cf),
				    config_error_text(&cf));
			config_destroy(&cf);
			screens_free(&s);
			return -1;
		}
		rc = parts[i].load(&ld, &cf, &s);
		config_destroy(&cf);
		if (rc != 0) {
			screens_free(&s);
			return -1;
		}
	}
	if (check_forms(&ld, &s) != 0) {
		screens_free(&s);
		return -1;
	}
	*out = s;
	return 0;
}

void
screens_free(struct screens *s)
{
	for (int i = 0; i < s->nmenus; i++) {
		for (int j = 0; j < s->menus[i].nitems; j++) {
			free(s->menus[i].items[j].label);
			free(s->menus[i].items[j].action);
		}
		free(s->menus[i].items);
		free(s->menus[i].id);
		free(s->menus[i].title);
	}
	for (int i = 0; i < s->nforms; i++) {
		struct form_def *f = &s->forms[i];
		for (int j = 0; j < f->nfields; j++) {
			struct field_def *d = &f->fields[j];
			for (int k = 0; k < d->noptions; k++) {
				free(d->options[k].code);
				free(d->options[k].label);
			}
			free(d->options);
			free(d->id); free(d->label); free(d->help);
			free(d->catalog); free(d->show_if);
		}
		free(f->fields);
		free(f->id);
		free(f->title);
	}
	for (int i = 0; i < s->nseeds; i++) {
		free(s->seeds[i].kind); free(s->seeds[i].code);
		free(s->seeds[i].name_en); free(s->seeds[i].name_ar);
	}
	for (int i = 0; i < s->nmsgs; i++) {
		free(s->msgs[i].event); free(s->msgs[i].lang); free(s->msgs[i].sms);
		free(s->msgs[i].subject); free(s->msgs[i].body);
	}
	free(s->msgs);
	free(s->menus);
	free(s->forms);
	free(s->seeds);
	free(s->declaration.text_en);
	free(s->declaration.text_ar);
	free(s->dir);
	memset(s, 0, sizeof *s);
}

/* See screens.h. */
const char *
screens_missing_name(const struct screens *s, const char *code, bool ar)
{
	for (int i = 0; s && i < s->nseeds; i++)
		if (strcmp(s->seeds[i].kind, "missing") == 0 &&
		    strcmp(s->seeds[i].code, code) == 0)
			return ar ? s->seeds[i].name_ar : s->seeds[i].name_en;
	return NULL;
}

const struct form_def *
screens_form(const struct screens *s, const char *id)
{
	for (int i = 0; i < s->nforms; i++)
		if (strcmp(s->forms[i].id, id) == 0)
			return &s->forms[i];
	return NULL;
}

const struct notify_msg_def *
screens_notify(const struct screens *s, const char *event, const char *lang)
{
	const struct notify_msg_def *other = NULL;

	for (int i = 0; i < s->nmsgs; i++)
		if (strcmp(s->msgs[i].event, event) == 0) {
			if (lang && strcmp(s->msgs[i].lang, lang) == 0)
				return &s->msgs[i];
			other = &s->msgs[i];
		}
	return other;
}

const struct menu_def *
screens_menu(const struct screens *s, const char *id)
{
	for (int i = 0; i < s->nmenus; i++)
		if (strcmp(s->menus[i].id, id) == 0)
			return &s->menus[i];
	return NULL;
}

const struct field_def *
form_field(const struct form_def *f, const char *id)
{
	for (int i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].id, id) == 0)
			return &f->fields[i];
	return NULL;
}

void
screens_msgids(const struct screens *s, void (*fn)(const char *, void *), void *ctx)
{
	for (int i = 0; i < s->nmenus; i++) {
		fn(s->menus[i].title, ctx);
		for (int j = 0; j < s->menus[i].nitems; j++)
			fn(s->menus[i].items[j].label, ctx);
	}
	for (int i = 0; i < s->nforms; i++) {
		const struct form_def *f = &s->forms[i];
		fn(f->title, ctx);
		for (int j = 0; j < f->nfields; j++) {
			fn(f->fields[j].label, ctx);
			if (f->fields[j].help)
				fn(f->fields[j].help, ctx);
			for (int k = 0; k < f->fields[j].noptions; k++)
				fn(f->fields[j].options[k].label, ctx);
		}
	}
}
