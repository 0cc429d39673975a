/*
 * store/sq_sqlite — the SQLite engine behind store/sql.h: a pass-through.
 *
 * A sq_stmt wraps one sqlite3_stmt (one small allocation per prepare; the
 * hot statements stay prepared in s->cache, so the wrapper costs nothing
 * per call beyond an indirect load). Results are mapped with st_map, so no
 * SQLite code leaves this file through sq_*.
 *
 * sq_sqlite_register adds what the shared dialect needs and SQLite 3.40
 * lacks: least()/greatest() with PostgreSQL's meaning (NULL arguments are
 * ignored; NULL only when all are NULL) and the aggregate
 * string_agg(text, sep) (SQLite ≥ 3.44 has it built in).
 *
 * Dispatch: a statement or store on the PostgreSQL engine goes to sq_pg.c
 * (see store_int.h: sq_stmt.pg, store.pg).
 */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "core/util.h"
#include "store/sql.h"
#include "store/store_int.h"

sq_engine sq_dialect(const store *s)
{
	return s->pg ? SQ_PG : SQ_SQLITE;
}

st_rc sq_prep(store *s, const char *sql, sq_stmt **out)
{
	sqlite3_stmt *raw;
	sq_stmt *st;
	st_rc r;
	int rc;

	*out = NULL;
	if (s->check && (r = st_check_failed(s->check)) != ST_OK)
		return r;                /* the background check refused the file */
	if (s->pg)
		return sqpg_prep(s, sql, out);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &raw, NULL);
	if (rc != SQLITE_OK)
		return st_map(rc);
	st = calloc(1, sizeof *st);
	if (!st) {
		sqlite3_finalize(raw);
		return ST_IO;
	}
	st->s = s;
	st->lite = raw;
	*out = st;
	return ST_OK;
}

void sq_bind_i64(sq_stmt *st, int i, int64_t v)
{
	if (st->pg)
		sqpg_bind(st, i, SQPG_I64, &v, 0);
	else
		sqlite3_bind_int64(st->lite, i, v);
}

void sq_bind_double(sq_stmt *st, int i, double v)
{
	if (st->pg)
		sqpg_bind(st, i, SQPG_DOUBLE, NULL, v);
	else
		sqlite3_bind_double(st->lite, i, v);
}

void sq_bind_text(sq_stmt *st, int i, const char *v)
{
	if (st->pg)
		sqpg_bind(st, i, v ? SQPG_TEXT : SQPG_NULL, v, 0);
	else if (!v)
		sqlite3_bind_null(st->lite, i);
	else
		sqlite3_bind_text(st->lite, i, v, -1, SQLITE_TRANSIENT);
}

void sq_bind_null(sq_stmt *st, int i)
{
	if (st->pg)
		sqpg_bind(st, i, SQPG_NULL, NULL, 0);
	else
		sqlite3_bind_null(st->lite, i);
}

int sq_param_index(sq_stmt *st, const char *name)
{
	if (st->pg)
		return sqpg_param_index(st, name);
	return sqlite3_bind_parameter_index(st->lite, name);
}

int sq_step(sq_stmt *st)
{
	int rc;

	if (st->pg)
		return sqpg_step(st);
	rc = sqlite3_step(st->lite);
	if (rc == SQLITE_ROW)
		return SQ_ROW;
	if (rc == SQLITE_DONE)
		return SQ_DONE;
	return st_map(rc) == ST_OK ? ST_IO : (int)st_map(rc);
}

int64_t sq_col_i64(sq_stmt *st, int i)
{
	if (st->pg) {
		/* a boolean result ("SELECT a = b") reads as 1/0, as in SQLite */
		const char *t = sqpg_col(st, i);
		return !t ? 0 : t[0] == 't' && !t[1] ? 1 : strtoll(t, NULL, 10);
	}
	return sqlite3_column_int64(st->lite, i);
}

int sq_col_int(sq_stmt *st, int i)
{
	return (int)sq_col_i64(st, i);
}

double sq_col_double(sq_stmt *st, int i)
{
	if (st->pg) {
		const char *t = sqpg_col(st, i);
		return t ? strtod(t, NULL) : 0.0;
	}
	return sqlite3_column_double(st->lite, i);
}

const char *sq_col_text(sq_stmt *st, int i)
{
	if (st->pg)
		return sqpg_col(st, i);
	return (const char *)sqlite3_column_text(st->lite, i);
}

bool sq_col_null(sq_stmt *st, int i)
{
	if (st->pg)
		return sqpg_col(st, i) == NULL;
	return sqlite3_column_type(st->lite, i) == SQLITE_NULL;
}

int sq_col_count(sq_stmt *st)
{
	if (st->pg)
		return sqpg_col_count(st);
	return sqlite3_column_count(st->lite);
}

const char *sq_col_name(sq_stmt *st, int i)
{
	if (st->pg)
		return sqpg_col_name(st, i);
	return sqlite3_column_name(st->lite, i);
}

void sq_reset(sq_stmt *st)
{
	if (st->pg)
		sqpg_reset(st);
	else
		sqlite3_reset(st->lite);
}

void sq_clear(sq_stmt *st)
{
	if (st->pg)
		sqpg_clear(st);
	else
		sqlite3_clear_bindings(st->lite);
}

void sq_finalize(sq_stmt *st)
{
	if (!st)
		return;
	if (st->pg)
		sqpg_finalize(st);
	else
		sqlite3_finalize(st->lite);
	free(st);
}

st_rc sq_exec(store *s, const char *sql)
{
	int rc;

	if (s->pg)
		return sqpg_exec(s, sql);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return st_map(rc);
}

int64_t sq_changes(store *s)
{
	if (s->pg)
		return sqpg_changes(s);
	return sqlite3_changes(s->db);
}

bool sq_in_tx(store *s)
{
	if (s->pg)
		return sqpg_in_tx(s);
	return !sqlite3_get_autocommit(s->db);
}

st_rc sq_begin(store *s)
{
	if (s->pg)
		return sqpg_begin(s);
	return sq_exec(s, "BEGIN IMMEDIATE");
}

st_rc sq_commit(store *s)
{
	if (s->pg)
		return sqpg_commit(s);
	return sq_exec(s, "COMMIT");
}

void sq_rollback(store *s)
{
	if (s->pg) {
		sqpg_rollback(s);
		return;
	}
	if (sq_in_tx(s))
		(void)sq_exec(s, "ROLLBACK");
}

const char *sq_errmsg(store *s)
{
	if (s->pg)
		return sqpg_errmsg(s);
	return sqlite3_errmsg(s->db);
}

/* ---- functions the shared dialect needs ---------------------------------- */

/* -1, 0, 1: a against b, numbers as numbers, anything else as text. */
static int value_cmp(sqlite3_value *a, sqlite3_value *b)
{
	int ta = sqlite3_value_numeric_type(a), tb = sqlite3_value_numeric_type(b);

	if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
		sqlite3_int64 x = sqlite3_value_int64(a), y = sqlite3_value_int64(b);
		return (x > y) - (x < y);
	}
	if ((ta == SQLITE_INTEGER || ta == SQLITE_FLOAT) &&
	    (tb == SQLITE_INTEGER || tb == SQLITE_FLOAT)) {
		double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
		return (x > y) - (x < y);
	}
	return strcmp((const char *)sqlite3_value_text(a) ? (const char *)sqlite3_value_text(a) : "",
	              (const char *)sqlite3_value_text(b) ? (const char *)sqlite3_value_text(b) : "");
}

/* least()/greatest(): user data = +1 for greatest, -1 for least. */
static void fn_extreme(sqlite3_context *cx, int n, sqlite3_value **v)
{
	int dir = *(const int *)sqlite3_user_data(cx);
	sqlite3_value *best = NULL;

	for (int i = 0; i < n; i++) {
		if (sqlite3_value_type(v[i]) == SQLITE_NULL)
			continue;
		if (!best || value_cmp(v[i], best) * dir > 0)
			best = v[i];
	}
	if (best)
		sqlite3_result_value(cx, best);
	else
		sqlite3_result_null(cx);
}

struct agg { char *buf; size_t len, cap; bool any; };

static void agg_step(sqlite3_context *cx, int n, sqlite3_value **v)
{
	struct agg *a = sqlite3_aggregate_context(cx, sizeof *a);
	const char *t, *sep;
	size_t tl, sl, need;

	(void)n;
	if (!a || sqlite3_value_type(v[0]) == SQLITE_NULL)
		return;
	t = (const char *)sqlite3_value_text(v[0]);
	sep = (const char *)sqlite3_value_text(v[1]);
	tl = strlen(t ? t : "");
	sl = a->any && sep ? strlen(sep) : 0;
	need = a->len + sl + tl + 1;
	if (need > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char *nb;
		while (cap < need)
			cap *= 2;
		if (!(nb = realloc(a->buf, cap))) {
			sqlite3_result_error_nomem(cx);
			return;
		}
		a->buf = nb;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, sep ? sep : "", sl);
	memcpy(a->buf + a->len + sl, t ? t : "", tl);
	a->len += sl + tl;
	a->buf[a->len] = '\0';
	a->any = true;
}

static void agg_final(sqlite3_context *cx)
{
	struct agg *a = sqlite3_aggregate_context(cx, 0);

	if (!a || !a->any) {
		sqlite3_result_null(cx);
		if (a)
			free(a->buf);
		return;
	}
	sqlite3_result_text(cx, a->buf, (int)a->len, free);
}

static const int dir_least = -1, dir_greatest = 1;

/* See store_int.h. */
void sq_sqlite_register(sqlite3 *db)
{
	int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	sqlite3_create_function(db, "least", -1, f, (void *)&dir_least,
	                        fn_extreme, NULL, NULL);
	sqlite3_create_function(db, "greatest", -1, f, (void *)&dir_greatest,
	                        fn_extreme, NULL, NULL);
	if (sqlite3_libversion_number() < 3044000)
		sqlite3_create_function(db, "string_agg", 2, f, NULL, NULL,
		                        agg_step, agg_final);
}
