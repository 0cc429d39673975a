/*
 * store/schema_pg — the PostgreSQL schema's steps and roles (schema_pg.c).
 * The steps reach the engine through st_pg_schema (store_int.h), which
 * sq_pg.c's runner applies when store_open opens a URI. For the store, `khidma
 * init` (through store_pg_roles_*) and the tests; nothing above the store
 * includes it.
 */
#ifndef KHIDMA_STORE_SCHEMA_PG_H
#define KHIDMA_STORE_SCHEMA_PG_H

/* The PG schema version this program writes. */
int store_pg_schema_latest(void);

/* The SQL creating the roles khidma_kiosk, khidma_officer, khidma_admin
 * (NOLOGIN; when missing) and granting them their privileges on the
 * current schema (schema_pg.c invariant 4). Static text; needs the schema
 * at store_pg_schema_latest(). */
const char *st_pg_grants_sql(void);

#endif
