/*
 * store/pg_roles — `khidma init` on a PostgreSQL URI: the schema and the
 * database roles of least privilege (schema_pg.c invariant 4), on a
 * connection of its own, before the store is opened.
 *
 * Invariants:
 *  1. The grants are applied only after the schema is current (they name its
 *     tables and functions), in one transaction: all or nothing.
 *  2. The connection takes the URI as every libpq program does
 *     (PQconnectdbParams, expand_dbname): PG* variables, ~/.pgpass, service
 *     files and sslmode apply; the password is never printed.
 */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/schema_pg.h"
#include "store/store.h"

/* See store.h. */
bool store_uri_is_pg(const char *path)
{
	return path && (strncmp(path, "postgresql://", 13) == 0 ||
	                strncmp(path, "postgres://", 11) == 0);
}

/* See store.h. */
const char *store_pg_roles_sql(void)
{
	return st_pg_grants_sql();
}

/* See store.h. */
st_rc store_pg_roles_apply(const char *uri, char *err, size_t errsz)
{
	const char *keys[] = { "dbname", "application_name", NULL };
	const char *vals[] = { uri, "khidma init", NULL };
	PGconn *c;
	st_rc r;

	if (!store_uri_is_pg(uri)) {
		snprintf(err, errsz, "not a PostgreSQL URI");
		return ST_INVALID;
	}
	c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errsz, "cannot connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return ST_IO;
	}
	if ((r = st_pg_migrate(c, err, errsz)) == ST_OK)
		r = st_pg_apply_grants(c, err, errsz);
	PQfinish(c);
	return r;
}
