/*
 * store/pg_roles — `khidma init` on a PostgreSQL URI: the database roles of
 * least privilege (schema_pg.c invariant 4).
 *
 * Invariants:
 *  1. The grants are applied only on a schema brought up to date first
 *     (store_open migrates: they name its tables and functions), in one
 *     transaction: all or nothing.
 *  2. The connection is the store's (store_open on the URI): PG* variables,
 *     ~/.pgpass, service files and sslmode apply as in every libpq program;
 *     no password is printed.
 */
#include <stdio.h>
#include <string.h>

#include "store/schema_pg.h"
#include "store/sql.h"
#include "store/store_int.h"

/* See store.h. */
bool store_uri_is_pg(const char *path)
{
	return st_is_pg_uri(path);
}

/* See store.h. */
const char *store_pg_roles_sql(void)
{
	return st_pg_grants_sql();
}

/* See store.h. */
st_rc store_pg_roles_apply(const char *uri, char *err, size_t errsz)
{
	struct store_opts o = { .create = true };
	store *s;
	st_rc r;

	if (!store_uri_is_pg(uri)) {
		snprintf(err, errsz, "not a PostgreSQL URI");
		return ST_INVALID;
	}
	if ((r = store_open(uri, &o, &s, err, errsz)) != ST_OK)
		return r;
	if ((r = sq_exec(s, "BEGIN")) == ST_OK &&
	    (r = sq_exec(s, "SET LOCAL client_min_messages = warning")) == ST_OK &&
	    (r = sq_exec(s, st_pg_grants_sql())) == ST_OK &&
	    (r = sq_exec(s, "COMMIT")) == ST_OK) {
		store_close(s);
		return ST_OK;
	}
	snprintf(err, errsz, "%s", sq_errmsg(s));
	sq_rollback(s);
	store_close(s);
	return r;
}
