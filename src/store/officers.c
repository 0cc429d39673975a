/*
 * store/officers — officer accounts: login, display name, role, password
 * hash, active flag and the failed-login lock-out.
 *
 * Invariants:
 *  1. Only the crypto_pwhash_str string is stored (hashing and verifying
 *     are the caller's, with libsodium); the store never sees a password.
 *  2. Login results are counted in one transaction: read, increment, lock
 *     — two terminals failing at once cannot lose a count.
 *  3. Sessions that end: a connection bound to an officer
 *     (store_session_begin) checks in EVERY write transaction, through the
 *     one function st_actor_check, that the officer row still exists, is
 *     active and has the role it had at login (admin writes: role admin).
 *     A disable or role change committed by anyone before the write's
 *     BEGIN IMMEDIATE is therefore seen by it: the write changes nothing
 *     and answers ST_REVOKED. The account writes below (add, password,
 *     active, role, unlock) are admin writes; the login counter is not (it
 *     runs before any session).
 *  4. There is always an active admin once there was one: disabling the
 *     last active admin, or giving it another role, is refused (ST_DENIED)
 *     in the write's own transaction, whoever asks (the console's admin
 *     menu, the CLI) — so two admins demoting each other at once cannot
 *     both succeed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store_int.h"

#define OFF_COLS "id, login, name, role, pwhash, active, failed, locked_until"

void officer_free(struct officer *o)
{
	if (!o)
		return;
	free(o->name);
	memset(o, 0, sizeof *o);
}

void officers_free(struct officer *o, int n)
{
	for (int i = 0; o && i < n; i++)
		free(o[i].name);
	free(o);
}

static void fill_officer(sq_stmt *st, struct officer *o)
{
	memset(o, 0, sizeof *o);
	o->id = sq_col_i64(st, 0);
	st_col_copy(st, 1, o->login, sizeof o->login);
	o->name = st_col_dup(st, 2);
	officer_role_parse((const char *)sq_col_text(st, 3), &o->role);
	st_col_copy(st, 4, o->pwhash, sizeof o->pwhash);
	o->active = sq_col_int(st, 5) != 0;
	o->failed = sq_col_int(st, 6);
	o->locked_until = (time_t)sq_col_i64(st, 7);
}

static st_rc exec_body(store *s, void *ctx)
{
	sq_stmt *st = ctx;
	st_rc r;

	if ((r = st_actor_check(s, NULL, ST_ADMIN_ONLY)) != ST_OK)
		return r;
	sq_reset(st);
	r = st_done(st);
	if (r == ST_OK && sq_changes(s) == 0)
		r = ST_NOTFOUND;
	return r;
}

/* Run one prepared, bound write statement in a retried transaction. */
static st_rc exec_one(store *s, sq_stmt *st)
{
	st_rc r = st_tx(s, exec_body, st);

	sq_finalize(st);
	return r;
}

/* Add an officer; ST_INVALID when the login exists or a value is bad. */
st_rc store_officer_add(store *s, const struct officer *o)
{
	sq_stmt *st;
	st_rc r;

	if (!o->login[0] || !o->pwhash[0] || (unsigned)o->role >= ROLE__COUNT ||
	    !st_utf8_ok(o->login) || !st_utf8_ok(o->name))
		return ST_INVALID;
	if ((r = st_prep(s, "INSERT INTO officers(login, name, role, pwhash, active) "
	                 "VALUES (?,?,?,?,?)", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, o->login);
	sq_bind_text(st, 2, o->name ? o->name : o->login);
	sq_bind_text(st, 3, officer_role_name(o->role));
	sq_bind_text(st, 4, o->pwhash);
	sq_bind_i64(st, 5, o->active);
	return exec_one(s, st);
}

st_rc store_officer_get(store *s, const char *login, struct officer *out)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((r = st_prep(s, "SELECT " OFF_COLS " FROM officers WHERE login = ?", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, login ? login : "");
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		fill_officer(st, out);
		r = ST_OK;
	} else {
		r = rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	sq_finalize(st);
	return r;
}

/* All officers by login. */
st_rc store_officer_list(store *s, struct officer **out, int *n)
{
	struct officer *v = NULL;
	sq_stmt *st;
	int cnt = 0, cap = 0, rc;
	st_rc r;

	*out = NULL;
	*n = 0;
	if ((r = st_prep(s, "SELECT " OFF_COLS " FROM officers ORDER BY login", &st)) != ST_OK)
		return r;
	while ((rc = sq_step(st)) == SQ_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		fill_officer(st, &v[cnt++]);
	}
	sq_finalize(st);
	if (rc != SQ_DONE) {
		officers_free(v, cnt);
		return sq_map(rc);
	}
	*out = v;
	*n = cnt;
	return ST_OK;
}

st_rc store_officer_set_password(store *s, const char *login, const char *pwhash)
{
	sq_stmt *st;
	st_rc r;

	if (!pwhash || !pwhash[0] || strlen(pwhash) >= 128)
		return ST_INVALID;
	if ((r = st_prep(s, "UPDATE officers SET pwhash = ? WHERE login = ?", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, pwhash);
	sq_bind_text(st, 2, login ? login : "");
	return exec_one(s, st);
}

/* The one change that could leave no active admin: the target is an
 * active admin and the write disables it or gives it another role. */
struct account_ctx {
	const char *login;
	int         active;              /* -1 = unchanged */
	int         role;                /* -1 = unchanged */
};

/* ST_OK, or ST_DENIED when login is the last active admin (invariant 4). */
static st_rc last_admin_check(store *s, const struct account_ctx *c)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	if (c->active != 0 && (c->role < 0 || c->role == ROLE_ADMIN))
		return ST_OK;
	if ((r = st_prep(s, "SELECT (SELECT count(*) FROM officers WHERE login = ?1 "
	                 "AND active <> 0 AND role = 'admin'), (SELECT count(*) FROM "
	                 "officers WHERE login <> ?1 AND active <> 0 AND role = 'admin')",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, c->login);
	rc = sq_step(st);
	if (rc == SQ_ROW)
		r = sq_col_int(st, 0) > 0 && sq_col_int(st, 1) == 0
		    ? ST_DENIED : ST_OK;
	else
		r = sq_map(rc);
	sq_finalize(st);
	return r;
}

static st_rc account_body(store *s, void *ctx)
{
	struct account_ctx *c = ctx;
	sq_stmt *st;
	st_rc r;

	if ((r = st_actor_check(s, NULL, ST_ADMIN_ONLY)) != ST_OK ||
	    (r = last_admin_check(s, c)) != ST_OK)
		return r;
	if ((r = st_prep(s, "UPDATE officers SET active = CASE WHEN ?2 < 0 THEN "
	                 "active ELSE ?2 END, role = coalesce(?3, role) "
	                 "WHERE login = ?1", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, c->login);
	sq_bind_i64(st, 2, c->active);
	if (c->role >= 0)
		sq_bind_text(st, 3, officer_role_name((officer_role)c->role));
	r = st_done(st);
	if (r == ST_OK && sq_changes(s) == 0)
		r = ST_NOTFOUND;
	sq_finalize(st);
	return r;
}

/* See store.h (invariant 4). */
st_rc store_officer_set_active(store *s, const char *login, bool active)
{
	struct account_ctx c = { login ? login : "", active, -1 };

	return st_tx(s, account_body, &c);
}

/* See store.h (invariant 4). */
st_rc store_officer_set_role(store *s, const char *login, officer_role role)
{
	struct account_ctx c = { login ? login : "", -1, (int)role };

	if ((unsigned)role >= ROLE__COUNT)
		return ST_INVALID;
	return st_tx(s, account_body, &c);
}

/* Clear the counter and the lock. */
st_rc store_officer_unlock(store *s, const char *login)
{
	sq_stmt *st;
	st_rc r;

	if ((r = st_prep(s, "UPDATE officers SET failed = 0, locked_until = 0 "
	                 "WHERE login = ?", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, login ? login : "");
	return exec_one(s, st);
}

struct login_ctx {
	const char *login;
	bool ok;
	int tries, minutes, failed;
};

static st_rc login_body(store *s, void *ctx)
{
	struct login_ctx *c = ctx;
	sq_stmt *st;
	time_t now = khidma_now();
	st_rc r;
	int rc;

	if ((r = st_prep(s, "UPDATE officers SET "
	                 "failed = CASE WHEN ?2 <> 0 THEN 0 ELSE failed + 1 END, "
	                 "locked_until = CASE WHEN ?2 <> 0 THEN 0 "
	                 "  WHEN ?3 > 0 AND failed + 1 >= ?3 THEN ?4 "
	                 "  ELSE locked_until END "
	                 "WHERE login = ?1 RETURNING failed", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, c->login);
	sq_bind_i64(st, 2, c->ok);
	sq_bind_i64(st, 3, c->tries);
	sq_bind_i64(st, 4, (int64_t)(now + (time_t)c->minutes * 60));
	switch ((rc = sq_step(st))) {
	case SQ_ROW:
		c->failed = sq_col_int(st, 0);
		r = st_done(st);
		break;
	case SQ_DONE:
		r = ST_NOTFOUND;
		break;
	default:
		r = sq_map(rc);
	}
	sq_finalize(st);
	return r;
}

/* See store.h. *failed (may be NULL) is the new count; ST_NOTFOUND for an
 * unknown login (nothing written: the caller logs the attempt). */
st_rc store_officer_login_result(store *s, const char *login, bool ok,
                                 int lock_tries, int lock_minutes, int *failed)
{
	struct login_ctx c = { login ? login : "", ok, lock_tries, lock_minutes, 0 };
	st_rc r = st_tx(s, login_body, &c);

	if (failed)
		*failed = r == ST_OK ? c.failed : 0;
	return r;
}

/* ---- officer sessions (invariant 3) ------------------------------------- */

/* The officer row as the check sees it: ST_OK and *role when it exists and
 * is active; ST_REVOKED when missing or inactive; else a store error. */
static st_rc actor_row(store *s, const char *login, officer_role *role)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	if ((r = st_prep(s, "SELECT active, role FROM officers WHERE login = ?",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, login);
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		r = sq_col_int(st, 0) != 0 &&
		    officer_role_parse((const char *)sq_col_text(st, 1), role)
		    ? ST_OK : ST_REVOKED;
	} else {
		r = rc == SQ_DONE ? ST_REVOKED : sq_map(rc);
	}
	sq_finalize(st);
	return r;
}

/* See store_int.h. */
st_rc st_actor_check(store *s, const char *who, unsigned role_mask)
{
	officer_role role = ROLE_OFFICER;
	st_rc r;

	if (!s->actor[0])
		return ST_OK;
	if (who && strcmp(who, s->actor) != 0)
		return ST_DENIED;
	r = actor_row(s, s->actor, &role);
	if (r == ST_OK && (role != s->actor_role ||
	                   (role_mask && !(role_mask & (1u << role)))))
		r = ST_REVOKED;
	if (r == ST_REVOKED)
		s->revoked = true;
	return r;
}

/* See store.h. */
st_rc store_session_begin(store *s, const char *login, officer_role role)
{
	if (!login || !login[0] || strlen(login) >= sizeof s->actor ||
	    (unsigned)role >= ROLE__COUNT)
		return ST_INVALID;
	strlcpy_k(s->actor, login, sizeof s->actor);
	s->actor_role = role;
	s->revoked = false;
	return store_session_check(s);
}

void store_session_end(store *s)
{
	s->actor[0] = '\0';
	s->revoked = false;
}

/* See store.h. */
st_rc store_session_check(store *s)
{
	return st_actor_check(s, NULL, 0);
}

bool store_session_revoked(store *s)
{
	return s->actor[0] && s->revoked;
}
