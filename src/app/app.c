/*
 * app — opening the database for an entry point, and seeding the
 * catalog from the screen definitions. See app.h.
 *
 * Invariants:
 *  1. app_sqlite_config changes only how SQLite allocates memory, never what
 *     it stores or how durably: journal mode, synchronous, the checks and
 *     every pragma of store/db.c are untouched.
 *  2. The "cannot open the database" message is the same wherever a UI mode
 *     fails to open (app_open_failed): both languages, the path, the
 *     English detail; exit status 1 is the caller's.
 */
#include "core/app.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/log.h"
#include "core/util.h"
#include "workflow/workflow.h"

/* True when path is one of the built-in default locations, whose directory
 * we may create; an explicit --db / KHIDMA_DB / config path is used as given
 * (a missing directory there is an error the user should see). */
static bool
is_default_location(const struct app *a)
{
	return a->explicit_db == NULL && getenv("KHIDMA_DB") == NULL && a->cfg.db == NULL;
}

/*
 * Measured on the kiosk (bench/README.md, peak RSS):
 *  - SQLITE_CONFIG_PAGECACHE (NULL, 0, 0): Debian's SQLite is built with
 *    SQLITE_DEFAULT_PCACHE_INITSZ=20, a bulk allocation of 20 page slots
 *    (≈ 87 KB) when a connection reads its first page, whatever it reads
 *    later. The kiosk's connection reads a handful of pages and the
 *    background check's connection holds a 16-page cache (store/dbcheck),
 *    so slots are allocated one by one as pages are read; the cache limits
 *    (cache_size) are unchanged.
 *  - SQLITE_CONFIG_MEMSTATUS 0: no global mutex and counters around every
 *    sqlite3_malloc. With the quick_check thread reading the whole file
 *    beside the main connection, that one mutex was contended (futex calls
 *    in strace of the kiosk's start). Nothing here reads
 *    sqlite3_memory_used or sets a soft heap limit.
 * (Debian's SQLite omits lookaside, so there is none to tune.)
 */
bool
app_sqlite_config(void)
{
	bool ok = true;

	if (sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)NULL, 0, 0) != SQLITE_OK)
		ok = false;
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		ok = false;
	return ok;
}

int
app_load_screens(struct app *a, char *err, size_t errsz)
{
	char dir[4096];

	if (a->cfg.screens_dir)
		snprintf(dir, sizeof dir, "%s", a->cfg.screens_dir);
	else
		snprintf(dir, sizeof dir, "%s/screens", khidma_datadir());
	return screens_load(dir, &a->scr, err, errsz) != 0 ? -1 : 0;
}

/* What is wrong, in Arabic, for the line before the English detail (the
 * terminal may not be set up for the visitor's language yet: both lines
 * are printed whatever the locale, so these are not in the catalogue). */
static const char *
open_reason_ar(st_rc rc)
{
	switch (rc) {
	case ST_NOTFOUND: return "قاعدة البيانات غير موجودة";
	case ST_BUSY:     return "قاعدة البيانات مشغولة بعملية أخرى";
	case ST_FULL:     return "القرص ممتلئ";
	case ST_READONLY: return "الملف أو مجلده للقراءة فقط";
	case ST_CORRUPT:  return "الملف تالف أو ليس قاعدة بيانات";
	case ST_NODIR:    return "المجلد غير موجود";
	case ST_DENIED:   return "لا يملك هذا المستخدم صلاحية الوصول إليه";
	case ST_TOONEW:   return "قاعدة البيانات أحدث من هذا البرنامج";
	case ST_IO:       return "خطأ في القراءة أو الكتابة";
	case ST_OFFLINE:  return "تعذّر الاتصال بخادم قاعدة البيانات";
	default:          return "خطأ";
	}
}

void
app_open_failed(const struct app *a, st_rc rc, const char *err)
{
	size_t n = strlen(a->db_path);
	/* err usually starts "PATH: …": name the path once */
	const char *why = strncmp(err, a->db_path, n) == 0 && err[n] == ':' &&
	    err[n + 1] == ' ' ? err + n + 2 : err;

	fprintf(stderr, "khidma: لا يمكن فتح قاعدة البيانات %s: %s (%s)\n"
	    "khidma: cannot open the database %s: %s\n",
	    a->db_path, open_reason_ar(rc), st_rc_name(rc), a->db_path, why);
	log_error("cannot open %s: %s", a->db_path, err);
}

st_rc
app_seed_catalog(struct app *a)
{
	st_rc rc = ST_OK;

	for (int i = 0; i < a->scr.nseeds && rc == ST_OK; i++) {
		const struct catalog_seed *c = &a->scr.seeds[i];
		struct catalog_item it;

		if (strcmp(c->kind, "missing") == 0)   /* kept in screens/ only */
			continue;
		memset(&it, 0, sizeof it);
		strlcpy_k(it.code, c->code, sizeof it.code);
		it.name_en = c->name_en;
		it.name_ar = c->name_ar;
		it.sort = c->sort;
		it.active = true;
		rc = store_catalog_upsert(a->db, c->kind, &it);
	}
	return rc;
}

st_rc
app_open_db(struct app *a, bool create, char *err, size_t errsz)
{
	struct store_opts o = { .group = a->cfg.db_group, .create = create, .busy_ms = 10000,
	                        .check_in_background = a->check_in_background,
	                        .branch = config_branch(&a->cfg, NULL),
	                        .offline_ok = a->db_offline_ok };
	struct catalog_item *items = NULL;
	int n = 0;
	st_rc rc;

	if (create && is_default_location(a) &&
	    mkdir_parents(a->db_path, a->cfg.db_group ? 02770 : 0700) != 0) {
		snprintf(err, errsz, "cannot create the directory for %s: %s", a->db_path,
		    strerror(errno));
		return ST_NODIR;
	}
	rc = store_open(a->db_path, &o, &a->db, err, errsz);
	if (rc != ST_OK)
		return rc;
	/* the policy settings every writer of this process follows */
	store_set_study_days(a->db, a->cfg.study_days);
	wf_configure(a->cfg.committee_quorum);
	/* a server not reached yet (db_offline_ok) is seeded by the kiosk's
	 * next start, or by `khidma init` */
	if (!create || store_offline(a->db))
		return ST_OK;
	/* First run: an empty catalog is seeded from screens/catalog.conf. */
	rc = store_catalog_list(a->db, "channel", true, &items, &n);
	catalog_items_free(items, n);
	if (rc == ST_OK && n == 0) {
		rc = app_seed_catalog(a);
		if (rc != ST_OK)
			snprintf(err, errsz, "%s: cannot seed the catalog: %s", a->db_path,
			    rc == ST_FULL ? "the disk is full (no space left on the device)"
			    : st_rc_name(rc));
	}
	if (rc != ST_OK) {
		store_close(a->db);
		a->db = NULL;
	}
	return rc;
}
