/*
 * store/help — "call an officer" from the kiosk: a help request in the
 * officers' queue. A row says only which kiosk called and when (and, once
 * answered, when and by whom): no name, no ID, nothing the visitor typed.
 *
 * Invariants:
 *  1. help_calls holds no personal data: kiosk (the kiosk_id), called_at,
 *     answered_at (0 while open), answered_by (an officer's login).
 *  2. One open call per kiosk: a second call while one is open adds
 *     nothing (a visitor pressing the key ten times calls once) and
 *     still succeeds, so the visitor is told the same.
 *  3. Each write is one short BEGIN IMMEDIATE transaction (st_tx).
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct call_ctx { const char *kiosk; time_t now; int64_t id; };

static st_rc
call_body(store *s, void *ctx)
{
	struct call_ctx *c = ctx;
	sqlite3_stmt *st;
	st_rc r;

	c->id = 0;
	if ((r = st_prep(s, "SELECT id FROM help_calls WHERE kiosk = ? AND answered_at = 0",
	                 &st)) != ST_OK)
		return r;
	sqlite3_bind_text(st, 1, c->kiosk, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		c->id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (c->id > 0)
		return ST_OK;                   /* invariant 2 */
	if ((r = st_prep(s, "INSERT INTO help_calls(kiosk, called_at) VALUES (?, ?)",
	                 &st)) != ST_OK)
		return r;
	sqlite3_bind_text(st, 1, c->kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)c->now);
	r = st_done(st);
	sqlite3_finalize(st);
	if (r == ST_OK)
		c->id = sqlite3_last_insert_rowid(s->db);
	return r;
}

/* See store.h. */
st_rc
store_help_call(store *s, const char *kiosk, int64_t *id)
{
	struct call_ctx c = { kiosk ? kiosk : "", khidma_now(), 0 };
	st_rc r;

	if (!st_utf8_ok(c.kiosk) || strlen(c.kiosk) > 160)
		return ST_INVALID;
	r = st_tx(s, call_body, &c);
	if (r == ST_OK && id != NULL)
		*id = c.id;
	return r;
}

/* See store.h. */
st_rc
store_help_calls_open(store *s, struct help_call **out, int *n)
{
	sqlite3_stmt *st;
	struct help_call *v = NULL;
	int k = 0, rc;
	st_rc r;

	*out = NULL;
	*n = 0;
	if ((r = st_prep(s, "SELECT id, kiosk, called_at FROM help_calls"
	                    " WHERE answered_at = 0 ORDER BY called_at, id LIMIT 100",
	                 &st)) != ST_OK)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (size_t)(k + 1) * sizeof *v);
		memset(&v[k], 0, sizeof v[k]);
		v[k].id = sqlite3_column_int64(st, 0);
		st_col_copy(st, 1, v[k].kiosk, sizeof v[k].kiosk);
		v[k].called_at = (time_t)sqlite3_column_int64(st, 2);
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return st_map(rc);
	}
	*out = v;
	*n = k;
	return ST_OK;
}

struct answer_ctx { int64_t id; const char *who; time_t now; };

static st_rc
answer_body(store *s, void *ctx)
{
	struct answer_ctx *c = ctx;
	sqlite3_stmt *st;
	st_rc r;

	if ((r = st_actor_check(s, c->who, 0)) != ST_OK)
		return r;
	if ((r = st_prep(s, "UPDATE help_calls SET answered_at = ?, answered_by = ?"
	                    " WHERE id = ? AND answered_at = 0", &st)) != ST_OK)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)c->now);
	sqlite3_bind_text(st, 2, c->who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->id);
	r = st_done(st);
	sqlite3_finalize(st);
	if (r == ST_OK && sqlite3_changes(s->db) == 0)
		return ST_NOTFOUND;
	return r;
}

/* See store.h. */
st_rc
store_help_call_answer(store *s, int64_t id, const char *who)
{
	struct answer_ctx c = { id, who ? who : "", khidma_now() };

	if (!st_utf8_ok(c.who))
		return ST_INVALID;
	return st_tx(s, answer_body, &c);
}
