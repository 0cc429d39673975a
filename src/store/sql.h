/*
 * store/sql — the store's only door to a database engine ("sq_*").
 *
 * Every store file (requests.c, queue.c, report*.c, members.c, …) runs its
 * SQL through these calls and nothing else; sqlite3_* remains only where the
 * engine itself is the subject (sq_sqlite.c, db.c's SQLite open path,
 * dbcheck.c, the backup API, the SQLite schema steps). Two engines:
 *   sq_sqlite.c — a thin pass-through to SQLite (one small wrapper per
 *                 statement; least()/greatest() registered as functions);
 *   sq_pg.c     — libpq (issue 13; statements sent with text parameters,
 *                 rows read from the PGresult).
 *
 * The SQL is written once, in the dialect both engines accept:
 *  - placeholders `?`, `?N` and `:name` (numbered as SQLite numbers them:
 *    `?` = one more than the largest so far, a `:name` keeps the number of
 *    its first appearance); the PG engine rewrites them to $N outside
 *    quoted strings and comments; sq_param_index finds a `:name`'s number;
 *  - ON CONFLICT … DO NOTHING / DO UPDATE (never INSERT OR …), RETURNING id
 *    (never last_insert_rowid), coalesce (never ifnull), `x <> 0` for 0/1
 *    integer flags, CAST(? AS bigint|text) where PG cannot infer a type,
 *    least()/greatest() instead of scalar min()/max(), times as integer unix
 *    seconds computed in C;
 *  - SQLite's planner hint `INDEXED BY name` may stay in the text: the PG
 *    engine drops it (a hint, never a meaning); FTS5 MATCH, PRAGMA,
 *    sqlite_schema and the like have no PG spelling and go behind
 *    sq_dialect;
 *  - where a statement truly differs, sq_dialect(s) chooses (rare, with a
 *    comment why).
 *
 * Where this differs from PG-DESIGN §1 (measured while converting the store
 * and its contract tests, issue 13):
 *  - `:name` placeholders are kept (queue.c binds by name) rather than
 *    rewriting those statements to ?N: the PG engine numbers them as SQLite
 *    does, so one text still serves both;
 *  - a boolean result column (`SELECT a = b`, PG's t/f) reads as 1/0 through
 *    sq_col_i64/sq_col_int, as SQLite's does: the store has such columns and
 *    a silent 0 would be a wrong answer, not an error;
 *  - SQLite's INDEXED BY hints stay in the shared text and the PG engine
 *    drops them, instead of a sq_dialect branch at every hinted statement;
 *  - statements go with PQexecParams (parsed and planned per call), not
 *    PQprepare: the store's kept statements (s->cache) would need
 *    re-preparing after every reconnect, and at the store's statement sizes
 *    the planning is small next to the network round trip; revisit with
 *    the PostgreSQL bench figures;
 *  - members import on PG is one transaction (MVCC gives the all-or-nothing
 *    swap SQLite builds with a stage table; see members.c).
 *
 * Invariants:
 *  1. sq_step returns SQ_ROW, SQ_DONE or an st_rc error (never ST_OK); the
 *     error is already mapped from the engine's code (SQLite result code or
 *     PG SQLSTATE), so callers never see an engine code. sq_map turns a
 *     step's result into an st_rc (SQ_ROW/SQ_DONE → ST_OK).
 *  2. Text bound with sq_bind_text is copied at bind time (callers may pass
 *     stack buffers); NULL binds SQL NULL.
 *  3. A column's text stays valid until the next sq_step, sq_reset or
 *     sq_finalize on that statement. sq_col_text returns NULL for NULL.
 *  4. Bindings survive sq_reset (as in SQLite); sq_clear drops them.
 *  5. sq_begin starts the write transaction st_tx runs in (SQLite: BEGIN
 *     IMMEDIATE; PG: SERIALIZABLE); a conflict the engine detects (SQLite
 *     BUSY, PG 40001/40P01) comes back as ST_BUSY from any call so st_tx
 *     re-runs the body from scratch.
 */
#ifndef KHIDMA_STORE_SQL_H
#define KHIDMA_STORE_SQL_H

#include <stdbool.h>
#include <stdint.h>
#include "store/store.h"

typedef struct sq_stmt sq_stmt;

/* Results of sq_step besides an st_rc error (outside st_rc's range). */
enum { SQ_ROW = 100, SQ_DONE = 101 };

typedef enum { SQ_SQLITE, SQ_PG } sq_engine;

/* The engine s runs on. */
sq_engine sq_dialect(const store *s);

/* Prepare sql (one statement) on s: ST_OK and *st, or the mapped error and
 * *st = NULL. Fails with the background check's code once it has failed. */
st_rc sq_prep(store *s, const char *sql, sq_stmt **st);

/* Bind parameter i (1-based). */
void  sq_bind_i64(sq_stmt *st, int i, int64_t v);
void  sq_bind_double(sq_stmt *st, int i, double v);
void  sq_bind_text(sq_stmt *st, int i, const char *v);   /* NULL → NULL */
void  sq_bind_null(sq_stmt *st, int i);
/* The number of the parameter named name (":after"), 0 when none. */
int   sq_param_index(sq_stmt *st, const char *name);

/* Run one step: SQ_ROW (a row is readable), SQ_DONE, or an st_rc error. */
int   sq_step(sq_stmt *st);
/* A step's result as an st_rc: SQ_ROW/SQ_DONE → ST_OK, else rc. */
static inline st_rc sq_map(int rc)
{
	return rc == SQ_ROW || rc == SQ_DONE ? ST_OK : (st_rc)rc;
}

/* Columns of the current row (0-based). Text NULL for SQL NULL. */
int64_t     sq_col_i64(sq_stmt *st, int i);
int         sq_col_int(sq_stmt *st, int i);
double      sq_col_double(sq_stmt *st, int i);
const char *sq_col_text(sq_stmt *st, int i);
bool        sq_col_null(sq_stmt *st, int i);
int         sq_col_count(sq_stmt *st);
const char *sq_col_name(sq_stmt *st, int i);

/* Back to before the first step; bindings kept. sq_clear: bindings → NULL. */
void  sq_reset(sq_stmt *st);
void  sq_clear(sq_stmt *st);
void  sq_finalize(sq_stmt *st);                          /* NULL ok */

/* Run sql (may be several statements on SQLite, one on PG) without rows. */
st_rc sq_exec(store *s, const char *sql);
/* Rows changed by the last INSERT/UPDATE/DELETE on s. */
int64_t sq_changes(store *s);
/* True while s is inside a transaction. */
bool  sq_in_tx(store *s);
/* The write transaction (invariant 5), its end, and a rollback that is a
 * no-op outside a transaction. */
st_rc sq_begin(store *s);
st_rc sq_commit(store *s);
void  sq_rollback(store *s);
/* The engine's last error message ("" when none). */
const char *sq_errmsg(store *s);

#endif
