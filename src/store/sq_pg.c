/*
 * store/sq_pg — the PostgreSQL engine behind store/sql.h (issue 13).
 * Not wired yet: no store opens on it (store.pg stays NULL), so these are
 * never reached.
 */
#include "store/store_int.h"

st_rc sqpg_prep(store *s, const char *sql, sq_stmt **out)
{ (void)s; (void)sql; *out = NULL; return ST_IO; }
void sqpg_bind(sq_stmt *st, int i, enum sqpg_kind k, const void *v, double d)
{ (void)st; (void)i; (void)k; (void)v; (void)d; }
int sqpg_param_index(sq_stmt *st, const char *name) { (void)st; (void)name; return 0; }
int sqpg_step(sq_stmt *st) { (void)st; return ST_IO; }
const char *sqpg_col(sq_stmt *st, int i) { (void)st; (void)i; return NULL; }
int sqpg_col_count(sq_stmt *st) { (void)st; return 0; }
const char *sqpg_col_name(sq_stmt *st, int i) { (void)st; (void)i; return ""; }
void sqpg_reset(sq_stmt *st) { (void)st; }
void sqpg_clear(sq_stmt *st) { (void)st; }
void sqpg_finalize(sq_stmt *st) { (void)st; }
st_rc sqpg_exec(store *s, const char *sql) { (void)s; (void)sql; return ST_IO; }
int64_t sqpg_changes(store *s) { (void)s; return 0; }
bool sqpg_in_tx(store *s) { (void)s; return false; }
const char *sqpg_errmsg(store *s) { (void)s; return ""; }
