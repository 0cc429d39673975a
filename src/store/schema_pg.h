/*
 * store/schema_pg — the PostgreSQL schema's steps and roles (schema_pg.c).
 * For the store's PG open path (store_open on a postgresql:// URI), `khidma
 * init` and the tests; nothing above the store includes it.
 */
#ifndef KHIDMA_STORE_SCHEMA_PG_H
#define KHIDMA_STORE_SCHEMA_PG_H

#include <stddef.h>
#include <libpq-fe.h>

#include "store/store.h"

/* The pg_advisory_xact_lock key every schema step is taken under ("khidma"
 * in ASCII). */
#define PG_SCHEMA_LOCK 0x6b6869646d61LL

/* The PG schema version this program writes. */
int store_pg_schema_latest(void);

/* Bring the database c is connected to up to store_pg_schema_latest(): each
 * missing step in its own transaction under the advisory lock (two
 * processes at once: each step runs once). Needs the right to create in the
 * current schema and to CREATE EXTENSION pg_trgm (trusted: a database
 * owner may) unless the schema is current. Leaves c outside a transaction.
 * ST_OK; ST_TOONEW (the schema is newer); ST_DENIED (a role that may not
 * create: run `khidma init` as the owner); ST_BUSY, ST_FULL, ST_READONLY,
 * ST_IO (connection lost or another error) — with a message in err. */
st_rc st_pg_migrate(PGconn *c, char *err, size_t errsz);

/* The SQL creating the roles khidma_kiosk, khidma_officer, khidma_admin
 * (NOLOGIN; when missing) and granting them their privileges on the
 * current schema (schema_pg.c invariant 4). Static text. */
const char *st_pg_grants_sql(void);

/* Run st_pg_grants_sql() in one transaction on c (as the schema's owner,
 * with CREATEROLE when a role is missing). ST_OK or the error + message. */
st_rc st_pg_apply_grants(PGconn *c, char *err, size_t errsz);

#endif
