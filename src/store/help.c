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
	sq_stmt *st;
	st_rc r;

	c->id = 0;
	if ((r = st_prep(s, "SELECT id FROM help_calls WHERE kiosk = ? AND answered_at = 0",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, c->kiosk);
	if (sq_step(st) == SQ_ROW)
		c->id = sq_col_i64(st, 0);
	sq_finalize(st);
	if (c->id > 0)
		return ST_OK;                   /* invariant 2 */
	if ((r = st_prep(s, "INSERT INTO help_calls(kiosk, called_at) VALUES (?, ?) "
	                 "RETURNING id",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, c->kiosk);
	sq_bind_i64(st, 2, (int64_t)c->now);
	r = st_insert_id(st, &c->id);
	sq_finalize(st);
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
	if (st_door(s))         /* a kiosk's login: khidma_help_call (pg_kiosk.c) */
		return st_door_help_call(s, c.kiosk, id);
	r = st_tx(s, call_body, &c);
	if (r == ST_OK && id != NULL)
		*id = c.id;
	return r;
}

/* See store.h. */
st_rc
store_help_calls_open(store *s, struct help_call **out, int *n)
{
	sq_stmt *st;
	struct help_call *v = NULL;
	int k = 0, rc;
	st_rc r;

	*out = NULL;
	*n = 0;
	if ((r = st_prep(s, "SELECT id, kiosk, called_at FROM help_calls"
	                    " WHERE answered_at = 0 ORDER BY called_at, id LIMIT 100",
	                 &st)) != ST_OK)
		return r;
	while ((rc = sq_step(st)) == SQ_ROW) {
		v = xrealloc(v, (size_t)(k + 1) * sizeof *v);
		memset(&v[k], 0, sizeof v[k]);
		v[k].id = sq_col_i64(st, 0);
		st_col_copy(st, 1, v[k].kiosk, sizeof v[k].kiosk);
		v[k].called_at = (time_t)sq_col_i64(st, 2);
		k++;
	}
	sq_finalize(st);
	if (rc != SQ_DONE) {
		free(v);
		return sq_map(rc);
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
	sq_stmt *st;
	st_rc r;

	if ((r = st_actor_check(s, c->who, 0)) != ST_OK)
		return r;
	if ((r = st_prep(s, "UPDATE help_calls SET answered_at = ?, answered_by = ?"
	                    " WHERE id = ? AND answered_at = 0", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, (int64_t)c->now);
	sq_bind_text(st, 2, c->who);
	sq_bind_i64(st, 3, c->id);
	r = st_done(st);
	sq_finalize(st);
	if (r == ST_OK && sq_changes(s) == 0)
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
