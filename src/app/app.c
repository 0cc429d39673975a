/*
 * app — opening the database for an entry point, and seeding the
 * catalog from the screen definitions. See app.h.
 */
#include "core/app.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"

/* True when path is one of the built-in default locations, whose directory
 * we may create; an explicit --db / KHIDMA_DB / config path is used as given
 * (a missing directory there is an error the user should see). */
static bool
is_default_location(const struct app *a)
{
	return a->explicit_db == NULL && getenv("KHIDMA_DB") == NULL && a->cfg.db == NULL;
}

st_rc
app_seed_catalog(struct app *a)
{
	st_rc rc = ST_OK;

	for (int i = 0; i < a->scr.nseeds && rc == ST_OK; i++) {
		const struct catalog_seed *c = &a->scr.seeds[i];
		struct catalog_item it;

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
	                        .check_in_background = a->check_in_background };
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
	if (!create)
		return ST_OK;
	/* First run: an empty catalog is seeded from screens/catalog.conf. */
	rc = store_catalog_list(a->db, "channel", true, &items, &n);
	catalog_items_free(items, n);
	if (rc == ST_OK && n == 0) {
		rc = app_seed_catalog(a);
		if (rc != ST_OK)
			snprintf(err, errsz, "cannot seed the catalog: %s", st_rc_name(rc));
	}
	if (rc != ST_OK) {
		store_close(a->db);
		a->db = NULL;
	}
	return rc;
}
